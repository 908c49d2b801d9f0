/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* SKELETON: to be written (issue 14). */
#include "ctrctl.h"

const char resource_args_usage[] = "";

int resource_args_option(resource_args_t *r, int opt, const char *arg)
{
    (void)r;
    (void)arg;
    (void)opt;
    return 1;
}

int resource_args_apply(resource_args_t *r, ctr_container_options_t *o)
{
    (void)r;
    (void)o;
    return 0;
}

void resource_args_clear(resource_args_t *r)
{
    (void)r;
}
