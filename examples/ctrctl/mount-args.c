/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* SKELETON: to be written (issue 14). */
#include "ctrctl.h"

const char mount_args_usage[] = "";

int mount_args_option(mount_args_t *m, int opt, const char *arg)
{
    (void)m;
    (void)arg;
    (void)opt;
    return 1;
}

int mount_args_apply(mount_args_t *m, ctr_container_options_t *o)
{
    (void)m;
    (void)o;
    return 0;
}

void mount_args_clear(mount_args_t *m)
{
    (void)m;
}
