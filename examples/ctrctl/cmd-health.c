/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* ctrctl healthcheck run: one run of a container's healthcheck
 * (ctr_container_healthcheck_run()), with podman's output and exit codes:
 * nothing and 0 when it passed, "unhealthy" and 1 when it failed, an error
 * and 125 otherwise (a timeout too, which still counts as a failure). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "ctrctl.h"

static const char healthcheck_usage[] =
    "Usage: ctrctl healthcheck run CONTAINER\n\n"
    "Run the health check of a container: exit status 0 when it passed, 1 when it\n"
    "failed (\"unhealthy\" is printed), 125 on an error or a timeout.\n";

static int healthcheck_run(ctrctl_t *g, const char *name)
{
    int r = ctrctl_open(g);
    if (r)
        return r;
    ctr_container_t *c = NULL;
    if (ctr_runtime_lookup(g->rt, name, &c) < 0)
        return ctrctl_error("unable to look up %s to perform a health check: %s", name, ctr_error_last()->message);
    ctr_health_status_t status;
    r = ctr_container_healthcheck_run(c, &status);
    ctr_container_unref(c);
    if (r < 0)
        return ctrctl_fail();
    if (r == 1) {
        printf("unhealthy\n");
        return 1;
    }
    return 0;
}

int cmd_healthcheck(ctrctl_t *g, int argc, char **argv)
{
    if (argc >= 2 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0))
        return ctrctl_help(healthcheck_usage);
    if (argc < 2 || strcmp(argv[1], "run") != 0)
        return fprintf(stderr, "%s", healthcheck_usage), EXIT_ENGINE;
    if (argc >= 3 && (strcmp(argv[2], "-h") == 0 || strcmp(argv[2], "--help") == 0))
        return ctrctl_help(healthcheck_usage);
    if (argc != 3)
        return ctrctl_error("accepts 1 arg(s), received %d", argc - 2);
    return healthcheck_run(g, argv[2]);
}
