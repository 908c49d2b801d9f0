/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* SKELETON: to be written (issue 14). */
#include "ctrctl.h"

const char security_args_usage[] = "";

int security_args_option(security_args_t *s, ctr_container_options_t *o, int opt, const char *arg)
{
    (void)s;
    (void)arg;
    (void)o;
    (void)opt;
    return 1;
}

int security_args_apply(security_args_t *s, ctr_container_options_t *o)
{
    (void)s;
    (void)o;
    return 0;
}

void security_args_clear(security_args_t *s)
{
    (void)s;
}
