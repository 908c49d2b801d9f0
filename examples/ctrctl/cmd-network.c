/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* ctrctl network (create, ls, inspect, rm) and ctrctl port. */
#include "ctrctl.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

static const char network_usage[] =
    "Usage: ctrctl network COMMAND [OPTIONS] [ARG...]\n\n"
    "Manage CNI networks (configuration lists in the CNI configuration directory).\n\n"
    "Commands:\n"
    "  create [OPTIONS] NAME     create a bridge network\n"
    "  ls [-q]                   list networks\n"
    "  inspect NAME...           print networks as a JSON array\n"
    "  rm [-f] NAME...           remove networks (-f: and their containers)\n";

static const char create_usage[] =
    "Usage: ctrctl network create [OPTIONS] NAME\n\n"
    "Create a bridge network; print its name.\n\n"
    "  -d, --driver DRIVER         bridge (the only one)\n"
    "      --subnet CIDR           subnet (default: the first free 10.89.N.0/24)\n"
    "      --gateway IP            gateway (default: the subnet's first address)\n"
    "      --interface-name NAME   bridge interface (default: the first free libctrN)\n"
    "      --internal              no route out, no masquerading\n"
    "      --disable-masquerade    keep the gateway but do not masquerade\n"
    "      --firewall              add the firewall plugin\n"
    "  -l, --label KEY=VALUE       set a label (repeatable)\n";

static int network_create(ctrctl_t *g, int argc, char **argv)
{
    enum { OPT_SUBNET = 256, OPT_GATEWAY, OPT_IFNAME, OPT_INTERNAL, OPT_NOMASQ, OPT_FIREWALL };
    static const struct option options[] = {
        { "driver", required_argument, NULL, 'd' },
        { "subnet", required_argument, NULL, OPT_SUBNET },
        { "gateway", required_argument, NULL, OPT_GATEWAY },
        { "interface-name", required_argument, NULL, OPT_IFNAME },
        { "internal", no_argument, NULL, OPT_INTERNAL },
        { "disable-masquerade", no_argument, NULL, OPT_NOMASQ },
        { "firewall", no_argument, NULL, OPT_FIREWALL },
        { "label", required_argument, NULL, 'l' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    ctr_network_options_t o = CTR_NETWORK_OPTIONS_INIT;
    strv_t labels = { 0 };
    int opt, r = 0;
    while (r == 0 && (opt = ctrctl_getopt(argc, argv, "d:l:h", options)) != -1) {
        switch (opt) {
        case 'd': o.driver = optarg; break;
        case OPT_SUBNET: o.subnet = optarg; break;
        case OPT_GATEWAY: o.gateway = optarg; break;
        case OPT_IFNAME: o.bridge = optarg; break;
        case OPT_INTERNAL: o.flags |= CTR_NETWORK_INTERNAL; break;
        case OPT_NOMASQ: o.flags |= CTR_NETWORK_NO_MASQUERADE; break;
        case OPT_FIREWALL: o.flags |= CTR_NETWORK_FIREWALL; break;
        case 'l': r = strv_push(&labels, optarg) < 0 ? EXIT_ENGINE : 0; break;
        case 'h': strv_clear(&labels); return ctrctl_help(create_usage);
        default: strv_clear(&labels); return ctrctl_bad_usage("network create");
        }
    }
    if (r == 0 && optind != argc - 1)
        r = ctrctl_error("network create needs exactly one NAME");
    if (r == 0 && !(r = ctrctl_open(g))) {
        o.name = argv[optind];
        o.labels = (const char *const *)labels.v;
        if (ctr_network_create(g->rt, &o, NULL) < 0)
            r = ctrctl_fail();
        else
            printf("%s\n", o.name);
    }
    strv_clear(&labels);
    return r;
}

static void id_of(ctrctl_t *g, const char *name, char *id, size_t size)
{
    char *json = NULL;
    id[0] = '\0';
    if (ctr_network_inspect(g->rt, name, &json) < 0)
        return;
    /* "id":"<64 hex>" */
    const char *p = strstr(json, "\"id\":\"");
    if (p)
        snprintf(id, size, "%.12s", p + 6);
    ctr_free(json);
}

static int network_ls(ctrctl_t *g, int argc, char **argv)
{
    static const struct option options[] = {
        { "quiet", no_argument, NULL, 'q' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    bool quiet = false;
    int opt;
    while ((opt = ctrctl_getopt(argc, argv, "qh", options)) != -1) {
        switch (opt) {
        case 'q': quiet = true; break;
        case 'h': return ctrctl_help("Usage: ctrctl network ls [-q]\n\nList networks.\n\n  -q, --quiet   names only\n");
        default: return ctrctl_bad_usage("network ls");
        }
    }
    int r = ctrctl_open(g);
    if (r)
        return r;
    char **names = NULL;
    if (ctr_network_list(g->rt, &names) < 0)
        return ctrctl_fail();
    if (!quiet)
        printf("%-13s %-20s %s\n", "NETWORK ID", "NAME", "DRIVER");
    for (char **n = names; *n; n++) {
        if (quiet) {
            printf("%s\n", *n);
            continue;
        }
        char id[16];
        id_of(g, *n, id, sizeof id);
        printf("%-13s %-20s %s\n", id, *n, "bridge");
    }
    ctr_strv_free(names);
    return 0;
}

static int network_inspect(ctrctl_t *g, int argc, char **argv)
{
    if (argc < 2)
        return ctrctl_error("network inspect needs at least one NAME");
    if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)
        return ctrctl_help("Usage: ctrctl network inspect NAME...\n\nPrint networks as a JSON array.\n");
    int r = ctrctl_open(g);
    if (r)
        return r;
    size_t printed = 0;
    printf("[");
    for (int i = 1; i < argc; i++) {
        char *json = NULL;
        if (ctr_network_inspect(g->rt, argv[i], &json) < 0) {
            r = ctrctl_fail();
            continue;
        }
        printf("%s\n%s", printed++ ? "," : "", json);
        ctr_free(json);
    }
    printf("%s]\n", printed ? "\n" : "");
    return r;
}

static int network_rm(ctrctl_t *g, int argc, char **argv)
{
    static const struct option options[] = {
        { "force", no_argument, NULL, 'f' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    uint64_t flags = 0;
    int opt;
    while ((opt = ctrctl_getopt(argc, argv, "fh", options)) != -1) {
        switch (opt) {
        case 'f': flags |= CTR_NETWORK_REMOVE_FORCE; break;
        case 'h':
            return ctrctl_help("Usage: ctrctl network rm [-f] NAME...\n\nRemove networks.\n\n"
                               "  -f, --force   remove the containers using them too\n");
        default: return ctrctl_bad_usage("network rm");
        }
    }
    if (optind >= argc)
        return ctrctl_error("network rm needs at least one NAME");
    int r = ctrctl_open(g);
    if (r)
        return r;
    for (int i = optind; i < argc; i++) {
        if (ctr_network_remove(g->rt, argv[i], flags) < 0)
            r = ctrctl_fail();
        else
            printf("%s\n", argv[i]);
    }
    return r;
}

int cmd_network(ctrctl_t *g, int argc, char **argv)
{
    if (argc < 2)
        return fputs(network_usage, stderr), EXIT_ENGINE;
    const char *sub = argv[1];
    if (strcmp(sub, "-h") == 0 || strcmp(sub, "--help") == 0 || strcmp(sub, "help") == 0)
        return ctrctl_help(network_usage);
    /* The subcommand's options start after it. */
    argc--;
    argv++;
    optind = 0;
    if (strcmp(sub, "create") == 0)
        return network_create(g, argc, argv);
    if (strcmp(sub, "ls") == 0 || strcmp(sub, "list") == 0)
        return network_ls(g, argc, argv);
    if (strcmp(sub, "inspect") == 0)
        return network_inspect(g, argc, argv);
    if (strcmp(sub, "rm") == 0 || strcmp(sub, "remove") == 0)
        return network_rm(g, argc, argv);
    return ctrctl_error("unknown network command \"%s\": create, ls, inspect or rm", sub);
}

/* ---- port ---- */

int cmd_port(ctrctl_t *g, int argc, char **argv)
{
    if (argc != 2 && argc != 3)
        return ctrctl_error("usage: ctrctl port CONTAINER [PORT[/PROTO]]");
    if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)
        return ctrctl_help("Usage: ctrctl port CONTAINER [PORT[/PROTO]]\n\n"
                           "List the port mappings of a container, or the one of PORT.\n");
    ctr_container_t *c = NULL;
    int r = ctrctl_lookup(g, argv[1], &c);
    if (r)
        return r;
    const ctr_port_mapping_t *ports = NULL;
    size_t n = ctr_container_port_mappings(c, &ports);
    bool found = false;
    for (size_t i = 0; i < n; i++) {
        const ctr_port_mapping_t *p = &ports[i];
        const char *proto = p->protocol ? p->protocol : "tcp";
        const char *ip = p->host_ip && *p->host_ip ? p->host_ip : "0.0.0.0";
        bool v6 = strchr(ip, ':') != NULL;
        if (argc == 3) {
            char want[32], with_proto[40];
            snprintf(want, sizeof want, "%u", p->container_port);
            snprintf(with_proto, sizeof with_proto, "%u/%s", p->container_port, proto);
            if (strcmp(argv[2], want) != 0 && strcmp(argv[2], with_proto) != 0)
                continue;
            printf("%s%s%s:%u\n", v6 ? "[" : "", ip, v6 ? "]" : "", p->host_port);
        } else {
            printf("%u/%s -> %s%s%s:%u\n", p->container_port, proto, v6 ? "[" : "", ip, v6 ? "]" : "", p->host_port);
        }
        found = true;
    }
    ctr_container_unref(c);
    if (argc == 3 && !found)
        return ctrctl_error("no public port %s published for %s", argv[2], argv[1]);
    return 0;
}
