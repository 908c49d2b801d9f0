/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* SKELETON: to be written (issue 14). */
#include "ctrctl.h"

const char process_args_usage[] = "";

int process_args_option(process_args_t *p, ctr_container_options_t *o, int opt, const char *arg)
{
    (void)p;
    (void)arg;
    (void)o;
    (void)opt;
    return 1;
}

int process_args_apply(process_args_t *p, ctr_container_options_t *o)
{
    (void)p;
    (void)o;
    return 0;
}

void process_args_clear(process_args_t *p)
{
    (void)p;
}
