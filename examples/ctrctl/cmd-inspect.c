/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* ctrctl inspect: a JSON array of ctr_container_inspect() documents. */
#include "ctrctl.h"

#include <getopt.h>

static const char inspect_usage[] = "Usage: ctrctl inspect [OPTIONS] CONTAINER...\n\n"
                                    "Print the configuration and state of containers as a JSON array.\n\n"
                                    "  -s, --size   compute the root file system sizes\n";

int cmd_inspect(ctrctl_t *g, int argc, char **argv)
{
    static const struct option options[] = {
        { "size", no_argument, NULL, 's' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    uint64_t flags = 0;
    int o, r = 0;
    while ((o = getopt_long(argc, argv, "sh", options, NULL)) != -1) {
        switch (o) {
        case 's': flags |= CTR_INSPECT_SIZE; break;
        case 'h': return ctrctl_help(inspect_usage);
        default: return ctrctl_bad_usage(argv[0]);
        }
    }
    if (optind >= argc)
        return ctrctl_error("inspect needs at least one container");
    /* As podman: the containers found are printed, the others are errors. */
    size_t printed = 0;
    printf("[");
    for (int i = optind; i < argc; i++) {
        ctr_container_t *c = NULL;
        char *json = NULL;
        int q = ctrctl_lookup(g, argv[i], &c);
        if (q == 0 && ctr_container_inspect(c, flags, &json) < 0)
            q = ctrctl_fail();
        if (q == 0)
            printf("%s\n%s", printed++ ? "," : "", json);
        else
            r = q;
        ctr_free(json);
        ctr_container_unref(c);
    }
    printf("%s]\n", printed ? "\n" : "");
    return r;
}
