/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* ctrctl update: new resource limits for a container (ctr_container_update()),
 * with podman 4.3's flags and messages for memory, CPU and block I/O weight,
 * and --pids-limit beside them.  Only the flags given change; with none,
 * nothing changes and the ID is printed, as podman does. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "ctrctl.h"

static const char update_usage[] =
    "Usage: ctrctl update [OPTIONS] CONTAINER\n\n"
    "Change the resource limits of a container: at once when it runs, and in its\n"
    "configuration, so that inspect and the next start keep them.\n\n"
    "Options:\n"
    "  -m, --memory SIZE           memory limit (SIZE: NUMBER[b|k|m|g], powers of 1024)\n"
    "      --memory-swap SIZE      memory plus swap: -1 for unlimited\n"
    "      --memory-reservation SIZE  memory soft limit\n"
    "      --cpus NUMBER           number of CPUs\n"
    "  -c, --cpu-shares N          CPU shares (relative weight)\n"
    "      --cpu-period US         CPU CFS period\n"
    "      --cpu-quota US          CPU CFS quota\n"
    "      --cpuset-cpus LIST      CPUs in which to allow execution (0-3, 0,1)\n"
    "      --cpuset-mems LIST      memory nodes in which to allow execution (0-3, 0,1)\n"
    "      --pids-limit N          pids limit (-1 for unlimited)\n"
    "      --blkio-weight N        block IO weight, 10 to 1000\n";

/* Each flag and the field of ctr_container_update() it sets. */
static const struct {
    int opt;
    uint64_t field;
} fields[] = {
    { 'm', CTR_UPDATE_MEMORY },
    { OPT_RES_MEMORY_SWAP, CTR_UPDATE_MEMORY_SWAP },
    { OPT_RES_MEMORY_RESERVATION, CTR_UPDATE_MEMORY_RESERVATION },
    { OPT_RES_CPUS, CTR_UPDATE_CPUS },
    { 'c', CTR_UPDATE_CPU_SHARES },
    { OPT_RES_CPU_PERIOD, CTR_UPDATE_CPU_PERIOD },
    { OPT_RES_CPU_QUOTA, CTR_UPDATE_CPU_QUOTA },
    { OPT_RES_CPUSET_CPUS, CTR_UPDATE_CPUSET_CPUS },
    { OPT_RES_CPUSET_MEMS, CTR_UPDATE_CPUSET_MEMS },
    { OPT_RES_PIDS_LIMIT, CTR_UPDATE_PIDS_LIMIT },
    { OPT_RES_BLKIO_WEIGHT, CTR_UPDATE_BLKIO_WEIGHT },
};

static uint64_t field_of(int opt)
{
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
        if (fields[i].opt == opt)
            return fields[i].field;
    return 0;
}

/* The flags into r and *ret_fields; 0, HELP_SHOWN or EXIT_ENGINE (printed). */
static int parse(int argc, char **argv, resource_args_t *r, uint64_t *ret_fields)
{
    static const struct option options[] = {
        { "memory", required_argument, NULL, 'm' },
        { "memory-swap", required_argument, NULL, OPT_RES_MEMORY_SWAP },
        { "memory-reservation", required_argument, NULL, OPT_RES_MEMORY_RESERVATION },
        { "cpus", required_argument, NULL, OPT_RES_CPUS },
        { "cpu-shares", required_argument, NULL, 'c' },
        { "cpu-period", required_argument, NULL, OPT_RES_CPU_PERIOD },
        { "cpu-quota", required_argument, NULL, OPT_RES_CPU_QUOTA },
        { "cpuset-cpus", required_argument, NULL, OPT_RES_CPUSET_CPUS },
        { "cpuset-mems", required_argument, NULL, OPT_RES_CPUSET_MEMS },
        { "pids-limit", required_argument, NULL, OPT_RES_PIDS_LIMIT },
        { "blkio-weight", required_argument, NULL, OPT_RES_BLKIO_WEIGHT },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    int o, ret;
    while ((o = ctrctl_getopt(argc, argv, "m:c:h", options)) != -1) {
        if (o == 'h')
            return ctrctl_help(update_usage), HELP_SHOWN;
        if (o == '?')
            return ctrctl_bad_usage(argv[0]);
        if ((ret = resource_args_option(r, o, optarg)))
            return ret;
        *ret_fields |= field_of(o);
    }
    if (argc - optind != 1)
        return ctrctl_error("accepts 1 arg(s), received %d", argc - optind);
    return 0;
}

int cmd_update(ctrctl_t *g, int argc, char **argv)
{
    resource_args_t r = { 0 };
    uint64_t set = 0;
    ctr_container_options_t o = CTR_CONTAINER_OPTIONS_INIT;
    int ret = parse(argc, argv, &r, &set);
    if (!ret)
        ret = resource_args_apply(&r, &o);
    ctr_container_t *c = NULL;
    if (!ret)
        ret = ctrctl_lookup(g, argv[optind], &c);
    if (!ret && set && ctr_container_update(c, &o, set) < 0)
        ret = ctrctl_fail();
    if (!ret)
        printf("%s\n", ctr_container_id(c));
    ctr_container_unref(c);
    resource_args_clear(&r);
    return ret == HELP_SHOWN ? 0 : ret;
}
