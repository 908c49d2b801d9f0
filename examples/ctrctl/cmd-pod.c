/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* ctrctl pod (create, ls/ps, inspect, exists, start, stop, kill, pause,
 * unpause, restart, rm, top; stats in cmd-pod-stats.c), as podman's; and
 * the pod of create/run --pod. */
#include "ctrctl.h"

#include <errno.h>
#include <getopt.h>
#include <json-c/json.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char pod_usage[] =
    "Usage: ctrctl pod COMMAND [OPTIONS] [ARG...]\n\n"
    "Manage pods.\n\n"
    "Commands:\n"
    "  create [OPTIONS]          create a pod (and its infra container); print its ID\n"
    "  exists POD                exit 0 when the pod exists, 1 when not\n"
    "  inspect POD...            print pods as JSON\n"
    "  kill [-s SIGNAL] POD...   send a signal to the containers of pods\n"
    "  ls, ps [-q] [--no-trunc] [--format json] [--filter KEY=VALUE]  list pods\n"
    "  pause POD...              pause the containers of pods\n"
    "  restart POD...            restart pods\n"
    "  rm [-f] POD...            remove pods and their containers\n"
    "  start POD...              start pods\n"
    "  stats [-a] [--no-stream] [--format json|TEMPLATE] [POD...]  the resource use of pods' containers\n"
    "  stop [-t SECONDS] POD...  stop pods\n"
    "  top POD [DESCRIPTORS...]  the processes of the pod's running containers\n"
    "  unpause POD...            unpause the containers of pods\n";

static const char create_usage[] =
    "Usage: ctrctl pod create [OPTIONS]\n\n"
    "Create a pod; print its ID.\n\n"
    "  -n, --name NAME             the pod's name (default: generated)\n"
    "  -l, --label KEY=VALUE       set a label (repeatable)\n"
    "      --share NS[,NS...]      namespaces to share: ipc, net, uts, pid, cgroup, or \"\" (default ipc,net,uts)\n"
    "      --hostname NAME         host name of the pod's containers\n"
    "      --infra=false           no infra container (nothing shared)\n"
    "      --infra-image IMAGE     the infra container's image (default: libctr's own)\n"
    "      --cgroup-parent PATH    parent of the pod's cgroup (default /libctr_parent)\n"
    "      --exit-policy POLICY    continue or stop\n"
    "      --network MODE          bridge, NAME[,NAME...], none or host (default $CTRCTL_NETWORK or bridge)\n"
    "  -p, --publish [IP:]HOST:CTR[/PROTO]  publish a port of the pod\n"
    "      --dns IP, --dns-search DOMAIN, --dns-option OPT, --add-host HOST:IP\n"
    "  -m, --memory SIZE, --memory-swap SIZE, --cpus N, --cpuset-cpus LIST, --cpuset-mems LIST\n"
    "                              limits of the pod's cgroup, which all its containers are in\n";

/* --share a,b,c into CTR_POD_SHARE_* bits ("" is none). */
static int parse_share(const char *arg, uint32_t *ret)
{
    static const struct {
        const char *name;
        uint32_t bit;
    } names[] = { { "ipc", CTR_POD_SHARE_IPC }, { "net", CTR_POD_SHARE_NET }, { "uts", CTR_POD_SHARE_UTS },
                  { "pid", CTR_POD_SHARE_PID }, { "cgroup", CTR_POD_SHARE_CGROUP } };
    char *copy = strdup(arg), *save = NULL;
    uint32_t bits = 0;
    int r = copy ? 0 : ctrctl_error("out of memory");
    for (char *t = copy ? strtok_r(copy, ",", &save) : NULL; t && r == 0; t = strtok_r(NULL, ",", &save)) {
        size_t i = 0;
        while (i < sizeof names / sizeof names[0] && strcmp(names[i].name, t) != 0)
            i++;
        if (i == sizeof names / sizeof names[0])
            r = ctrctl_error("invalid kernel namespace to share: %s: must be ipc, net, pid, uts or cgroup", t);
        else
            bits |= names[i].bit;
    }
    free(copy);
    *ret = bits ? bits : CTR_POD_SHARE_NONE;
    return r;
}

struct pod_args {
    ctr_pod_options_t o;
    net_args_t net;
    resource_args_t res; /* the pod's cgroup's limits */
    strv_t labels;
    ctr_container_options_t co; /* what net_args_apply() filled */
};

/* The network options into the pod's: its mode, networks and ports. */
static int apply_network(struct pod_args *a)
{
    int r = net_args_apply(&a->net, &a->co);
    if (r)
        return r;
    if (a->co.ns_ctr[CTR_NS_NET] || a->co.netns_path)
        return ctrctl_error("a pod's network is bridge, host, none or network names");
    uint32_t share = a->o.share ? a->o.share : CTR_POD_SHARE_DEFAULT;
    bool net = (share & CTR_POD_SHARE_NET) && !(a->o.flags & CTR_POD_CREATE_NO_INFRA);
    a->o.network_mode = (a->co.flags & CTR_CREATE_HOST_NETWORK) ? CTR_POD_NETWORK_HOST
                        : (a->co.flags & CTR_CREATE_NETNS)      ? CTR_POD_NETWORK_BRIDGE
                                                                : CTR_POD_NETWORK_NONE;
    if (!net)
        a->o.network_mode = CTR_POD_NETWORK_BRIDGE; /* nothing shared: the members' own networks */
    a->o.networks = a->co.networks;
    a->o.port_mappings = a->co.port_mappings;
    a->o.n_port_mappings = a->co.n_port_mappings;
    a->o.dns_servers = a->co.dns_servers && a->co.dns_servers[0] ? a->co.dns_servers : NULL;
    a->o.dns_search = a->co.dns_search && a->co.dns_search[0] ? a->co.dns_search : NULL;
    a->o.dns_options = a->co.dns_options && a->co.dns_options[0] ? a->co.dns_options : NULL;
    a->o.hosts_add = a->co.hosts_add && a->co.hosts_add[0] ? a->co.hosts_add : NULL;
    return 0;
}

/* The resource options into the pod's limits. */
static int apply_limits(struct pod_args *a)
{
    ctr_container_options_t lim = CTR_CONTAINER_OPTIONS_INIT;
    int r = resource_args_apply(&a->res, &lim);
    if (r)
        return r;
    a->o.memory = lim.memory;
    a->o.memory_swap = lim.memory_swap;
    a->o.nano_cpus = lim.nano_cpus;
    a->o.cpuset_cpus = lim.cpuset_cpus;
    a->o.cpuset_mems = lim.cpuset_mems;
    return 0;
}

enum { OPT_SHARE = 256, OPT_HOSTNAME, OPT_INFRA, OPT_INFRA_IMAGE, OPT_CGROUP_PARENT, OPT_EXIT_POLICY };

static int pod_option(struct pod_args *a, int opt)
{
    switch (opt) {
    case 'n': a->o.name = optarg; return 0;
    case 'l': return strv_push(&a->labels, optarg) < 0 ? EXIT_ENGINE : 0;
    case OPT_SHARE: return parse_share(optarg, &a->o.share);
    case OPT_HOSTNAME: a->o.hostname = optarg; return 0;
    case OPT_INFRA:
        if (optarg && strcmp(optarg, "false") == 0)
            a->o.flags |= CTR_POD_CREATE_NO_INFRA;
        else if (optarg && strcmp(optarg, "true") != 0)
            return ctrctl_error("--infra takes true or false, not \"%s\"", optarg);
        return 0;
    case OPT_INFRA_IMAGE: a->o.infra_image = optarg; return 0;
    case OPT_CGROUP_PARENT: a->o.cgroup_parent = optarg; return 0;
    case OPT_EXIT_POLICY:
        if (strcmp(optarg, "continue") != 0 && strcmp(optarg, "stop") != 0)
            return ctrctl_error("invalid pod exit policy: \"%s\"", optarg);
        a->o.exit_policy = strcmp(optarg, "stop") == 0 ? CTR_POD_EXIT_STOP : CTR_POD_EXIT_CONTINUE;
        return 0;
    case 'h': return HELP_SHOWN;
    case 'm': case OPT_RES_MEMORY_SWAP: case OPT_RES_CPUS: case OPT_RES_CPUSET_CPUS:
    case OPT_RES_CPUSET_MEMS:
        return resource_args_option(&a->res, opt, optarg);
    default: {
        int r = net_args_option(&a->net, opt, optarg);
        return r == 1 ? ctrctl_bad_usage("pod create") : r;
    }
    }
}

static int pod_create(ctrctl_t *g, int argc, char **argv)
{
    static const struct option options[] = {
        { "name", required_argument, NULL, 'n' },
        { "label", required_argument, NULL, 'l' },
        { "share", required_argument, NULL, OPT_SHARE },
        { "hostname", required_argument, NULL, OPT_HOSTNAME },
        { "infra", optional_argument, NULL, OPT_INFRA },
        { "infra-image", required_argument, NULL, OPT_INFRA_IMAGE },
        { "cgroup-parent", required_argument, NULL, OPT_CGROUP_PARENT },
        { "exit-policy", required_argument, NULL, OPT_EXIT_POLICY },
        NET_OPTIONS,
        { "memory", required_argument, NULL, 'm' },
        { "memory-swap", required_argument, NULL, OPT_RES_MEMORY_SWAP },
        { "cpus", required_argument, NULL, OPT_RES_CPUS },
        { "cpuset-cpus", required_argument, NULL, OPT_RES_CPUSET_CPUS },
        { "cpuset-mems", required_argument, NULL, OPT_RES_CPUSET_MEMS },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    struct pod_args a = { .o = CTR_POD_OPTIONS_INIT, .co = CTR_CONTAINER_OPTIONS_INIT };
    int opt, r = 0;
    while (r == 0 && (opt = ctrctl_getopt(argc, argv, "n:l:p:m:h", options)) != -1)
        r = pod_option(&a, opt);
    if (r == 0 && optind < argc)
        r = ctrctl_error("pod create takes no arguments (the name is --name)");
    if ((a.o.flags & CTR_POD_CREATE_NO_INFRA) && !a.o.share)
        a.o.share = CTR_POD_SHARE_NONE;
    if (r == 0 && !(r = apply_network(&a)) && !(r = apply_limits(&a)) && !(r = ctrctl_open(g))) {
        a.o.labels = (const char *const *)a.labels.v;
        ctr_pod_t *pod = NULL;
        if (ctr_pod_create(g->rt, &a.o, &pod) < 0)
            r = ctrctl_fail();
        else
            printf("%s\n", ctr_pod_id(pod));
        ctr_pod_unref(pod);
    }
    strv_clear(&a.labels);
    net_args_clear(&a.net);
    resource_args_clear(&a.res);
    return r == HELP_SHOWN ? ctrctl_help(create_usage) : r;
}

/* ---- create/run --pod ---- */

int ctrctl_pod_for_create(ctrctl_t *g, const char *pod_arg)
{
    if (!pod_arg || strncmp(pod_arg, "new:", 4) != 0)
        return 0;
    ctr_pod_options_t o = CTR_POD_OPTIONS_INIT;
    o.name = pod_arg + 4;
    const char *env = getenv("CTRCTL_NETWORK");
    if (env && strcmp(env, "none") == 0)
        o.network_mode = CTR_POD_NETWORK_NONE;
    else if (env && strcmp(env, "host") == 0)
        o.network_mode = CTR_POD_NETWORK_HOST;
    return ctr_pod_create(g->rt, &o, NULL) < 0 ? ctrctl_fail() : 0;
}

/* ---- ls ---- */

static const char *short_id(const char *id, bool no_trunc, char buf[13])
{
    if (no_trunc || !id)
        return id ? id : "";
    snprintf(buf, 13, "%s", id);
    return buf;
}

static void print_row(ctr_pod_t *pod, bool no_trunc)
{
    char *status = NULL, **ids = NULL, a[13], b[13], created[64];
    ctr_pod_status(pod, &status);
    ctr_pod_containers(pod, &ids);
    size_t n = 0;
    while (ids && ids[n])
        n++;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    human_duration((int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec - ctr_pod_created(pod), created, sizeof created);
    printf("%-13s %-20s %-10s %-22s %-13s %zu\n", short_id(ctr_pod_id(pod), no_trunc, a), ctr_pod_name(pod),
           status ? status : "", created, short_id(ctr_pod_infra_id(pod), no_trunc, b), n);
    for (size_t i = 0; ids && ids[i]; i++)
        ctr_free(ids[i]);
    ctr_free(ids);
    ctr_free(status);
}

/* podman's `pod ps --format json` entry of the inspect document doc. */
static json_object *list_entry(json_object *doc)
{
    static const char *const keys[][2] = {
        { "CgroupPath", "Cgroup" }, { "Created", "Created" }, { "Id", "Id" },
        { "InfraContainerID", "InfraId" }, { "Name", "Name" }, { "State", "Status" }, { "Labels", "Labels" },
    };
    json_object *e = json_object_new_object(), *v;
    for (size_t i = 0; e && i < sizeof keys / sizeof keys[0]; i++)
        if (json_object_object_get_ex(doc, keys[i][0], &v))
            json_object_object_add(e, keys[i][1], json_object_get(v));
    json_object *ctrs = json_object_new_array(), *list = NULL;
    json_object_object_get_ex(doc, "Containers", &list);
    for (size_t i = 0; list && i < json_object_array_length(list); i++) {
        json_object *c = json_object_array_get_idx(list, i), *x = json_object_new_object(), *f;
        if (json_object_object_get_ex(c, "Id", &f))
            json_object_object_add(x, "Id", json_object_get(f));
        if (json_object_object_get_ex(c, "Name", &f))
            json_object_object_add(x, "Names", json_object_get(f));
        if (json_object_object_get_ex(c, "State", &f))
            json_object_object_add(x, "Status", json_object_get(f));
        json_object_array_add(ctrs, x);
    }
    json_object_object_add(e, "Containers", ctrs);
    return e;
}

static int print_json(ctr_pod_t **pods, size_t n)
{
    json_object *a = json_object_new_array();
    int r = 0;
    for (size_t i = 0; a && i < n; i++) {
        char *json = NULL;
        if (ctr_pod_inspect(pods[i], &json) < 0) {
            r = ctrctl_fail();
            continue;
        }
        json_object *doc = json_tokener_parse(json);
        ctr_free(json);
        json_object_array_add(a, list_entry(doc));
        json_object_put(doc);
    }
    printf("%s\n", json_object_to_json_string_ext(a, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
    json_object_put(a);
    return r;
}

static int pod_ls(ctrctl_t *g, int argc, char **argv)
{
    enum { OPT_NO_TRUNC = 256, OPT_FORMAT };
    static const struct option options[] = {
        { "quiet", no_argument, NULL, 'q' },           { "no-trunc", no_argument, NULL, OPT_NO_TRUNC },
        { "format", required_argument, NULL, OPT_FORMAT }, { "filter", required_argument, NULL, 'f' },
        { "help", no_argument, NULL, 'h' },            { NULL, 0, NULL, 0 },
    };
    bool quiet = false, no_trunc = false, json = false;
    strv_t filters = { 0 };
    int opt, r = 0;
    while (r == 0 && (opt = ctrctl_getopt(argc, argv, "qf:h", options)) != -1) {
        switch (opt) {
        case 'q': quiet = true; break;
        case 'f': r = strv_push(&filters, optarg) < 0 ? EXIT_ENGINE : 0; break;
        case OPT_NO_TRUNC: no_trunc = true; break;
        case OPT_FORMAT:
            if (strcmp(optarg, "json") != 0)
                r = ctrctl_error("pod ps --format takes json");
            json = true;
            break;
        case 'h': r = HELP_SHOWN; break;
        default: r = ctrctl_bad_usage("pod ps"); break;
        }
    }
    if (r == HELP_SHOWN) {
        strv_clear(&filters);
        return ctrctl_help(pod_usage);
    }
    ctr_pod_t **pods = NULL;
    size_t n = 0;
    if (r || (r = ctrctl_open(g))) {
        strv_clear(&filters);
        return r;
    }
    int q = ctr_pod_list_filter(g->rt, (const char *const *)filters.v, &pods, &n);
    strv_clear(&filters);
    if (q < 0)
        return ctrctl_fail();
    if (json)
        r = print_json(pods, n);
    else if (!quiet)
        printf("%-13s %-20s %-10s %-22s %-13s %s\n", "POD ID", "NAME", "STATUS", "CREATED", "INFRA ID",
               "# OF CONTAINERS");
    for (size_t i = n; !json && i-- > 0;) { /* newest first, as podman */
        char buf[13];
        if (quiet)
            printf("%s\n", short_id(ctr_pod_id(pods[i]), no_trunc, buf));
        else
            print_row(pods[i], no_trunc);
    }
    ctr_pod_list_free(pods, n);
    return r;
}

/* ---- the verbs on named pods ---- */

struct verb {
    const char *name;
    int timeout, signal;
    uint64_t flags;
};

static int act(ctr_pod_t *pod, const struct verb *v)
{
    if (strcmp(v->name, "start") == 0)
        return ctr_pod_start(pod);
    if (strcmp(v->name, "stop") == 0)
        return ctr_pod_stop(pod, v->timeout);
    if (strcmp(v->name, "kill") == 0)
        return ctr_pod_kill(pod, v->signal);
    if (strcmp(v->name, "pause") == 0)
        return ctr_pod_pause(pod);
    if (strcmp(v->name, "unpause") == 0)
        return ctr_pod_unpause(pod);
    if (strcmp(v->name, "restart") == 0)
        return ctr_pod_restart(pod);
    return ctr_pod_remove(pod, v->flags);
}

/* Each POD argument: the verb on it, its ID printed (podman prints the IDs). */
static int on_each(ctrctl_t *g, int argc, char **argv, const struct verb *v)
{
    if (optind >= argc)
        return ctrctl_error("pod %s needs at least one POD", v->name);
    int r = ctrctl_open(g), status = 0;
    for (int i = optind; r == 0 && i < argc; i++) {
        ctr_pod_t *pod = NULL;
        if (ctr_pod_lookup(g->rt, argv[i], &pod) < 0 || act(pod, v) < 0)
            status = ctrctl_fail();
        else
            printf("%s\n", ctr_pod_id(pod));
        ctr_pod_unref(pod);
    }
    return r ? r : status;
}

static int parse_kill_signal(const char *arg, int *ret)
{
    char *end = NULL;
    long n = strtol(arg, &end, 10);
    if (*arg && !*end && n > 0 && n <= SIGRTMAX) {
        *ret = (int)n;
        return 0;
    }
    const char *name = strncmp(arg, "SIG", 3) == 0 ? arg + 3 : arg;
    for (int s = 1; s < NSIG; s++) {
        const char *abbrev = sigabbrev_np(s);
        if (abbrev && strcasecmp(abbrev, name) == 0) {
            *ret = s;
            return 0;
        }
    }
    return ctrctl_error("invalid signal: %s", arg);
}

static int pod_verb(ctrctl_t *g, int argc, char **argv)
{
    static const struct option options[] = {
        { "time", required_argument, NULL, 't' }, { "signal", required_argument, NULL, 's' },
        { "force", no_argument, NULL, 'f' },      { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    struct verb v = { .name = argv[0], .timeout = -1, .signal = SIGKILL };
    int opt, r = 0;
    while (r == 0 && (opt = ctrctl_getopt(argc, argv, "t:s:fh", options)) != -1) {
        switch (opt) {
        case 't': v.timeout = atoi(optarg); break;
        case 's': r = parse_kill_signal(optarg, &v.signal); break;
        case 'f': v.flags |= CTR_POD_REMOVE_FORCE; break;
        case 'h': r = HELP_SHOWN; break;
        default: r = ctrctl_bad_usage("pod"); break;
        }
    }
    if (r == HELP_SHOWN)
        return ctrctl_help(pod_usage);
    return r ? r : on_each(g, argc, argv, &v);
}

static int pod_inspect(ctrctl_t *g, int argc, char **argv)
{
    if (argc < 2)
        return ctrctl_error("pod inspect needs at least one POD");
    int r = ctrctl_open(g);
    json_object *a = json_object_new_array();
    for (int i = 1; r == 0 && i < argc; i++) {
        ctr_pod_t *pod = NULL;
        char *json = NULL;
        if (ctr_pod_lookup(g->rt, argv[i], &pod) < 0 || ctr_pod_inspect(pod, &json) < 0)
            r = ctrctl_fail();
        else
            json_object_array_add(a, json_tokener_parse(json));
        ctr_free(json);
        ctr_pod_unref(pod);
    }
    json_object *out = argc == 2 ? json_object_array_get_idx(a, 0) : a; /* one pod: the object, as podman 4.3 */
    if (r == 0)
        printf("%s\n", json_object_to_json_string_ext(out, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
    json_object_put(a);
    return r;
}

static int pod_exists(ctrctl_t *g, int argc, char **argv)
{
    if (argc != 2)
        return ctrctl_error("pod exists needs one POD");
    int r = ctrctl_open(g);
    if (r)
        return r;
    ctr_pod_t *pod = NULL;
    int q = ctr_pod_lookup(g->rt, argv[1], &pod);
    ctr_pod_unref(pod);
    return q == 0 ? 0 : q == -ENOENT ? 1 : ctrctl_fail();
}

/* pod top POD [DESCRIPTORS...]: what follows the pod is descriptors, as podman. */
static int pod_top(ctrctl_t *g, int argc, char **argv)
{
    if (argc < 2 || argv[1][0] == '-')
        return argc >= 2 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)
                   ? ctrctl_help(pod_usage)
                   : ctrctl_error("pod top needs a POD (flags before it are not taken)");
    int r = ctrctl_open(g);
    if (r)
        return r;
    ctr_pod_t *pod = NULL;
    ctr_top_t *t = NULL;
    if (ctr_pod_lookup(g->rt, argv[1], &pod) < 0 || ctr_pod_top(pod, (const char *const *)argv + 2, &t) < 0)
        r = ctrctl_fail();
    ctr_pod_unref(pod);
    return r ? r : ctrctl_print_top(t);
}

int cmd_pod(ctrctl_t *g, int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)
        return argc < 2 ? (fputs(pod_usage, stderr), EXIT_ENGINE) : ctrctl_help(pod_usage);
    const char *sub = argv[1];
    argc--;
    argv++;
    if (strcmp(sub, "create") == 0)
        return pod_create(g, argc, argv);
    if (strcmp(sub, "ls") == 0 || strcmp(sub, "ps") == 0 || strcmp(sub, "list") == 0)
        return pod_ls(g, argc, argv);
    if (strcmp(sub, "inspect") == 0)
        return pod_inspect(g, argc, argv);
    if (strcmp(sub, "exists") == 0)
        return pod_exists(g, argc, argv);
    if (strcmp(sub, "top") == 0)
        return pod_top(g, argc, argv);
    if (strcmp(sub, "stats") == 0)
        return cmd_pod_stats(g, argc, argv);
    static const char *const verbs[] = { "start", "stop", "kill", "pause", "unpause", "restart", "rm" };
    for (size_t i = 0; i < sizeof verbs / sizeof verbs[0]; i++)
        if (strcmp(sub, verbs[i]) == 0)
            return pod_verb(g, argc, argv);
    return ctrctl_error("unknown pod command \"%s\" (see ctrctl pod --help)", sub);
}
