/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* ctrctl create, and the options it shares with run. */
#include "ctrctl.h"

#include <errno.h>
#include <getopt.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static const char create_usage[] =
    "Usage: ctrctl create [OPTIONS] (--rootfs DIR | IMAGE) [COMMAND [ARG...]]\n\n"
    "Create a container but do not start it; print its ID.\n\n";
static const char run_usage[] =
    "Usage: ctrctl run [OPTIONS] (--rootfs DIR | IMAGE) [COMMAND [ARG...]]\n\n"
    "Run a command in a new container; exit with its exit code.\n\n";
static const char common_usage[] =
    "      --rootfs DIR            use DIR as the root file system (no IMAGE then)\n"
    "      --name NAME             name the container\n"
    "  -e, --env KEY[=VALUE]       set an environment variable (repeatable)\n"
    "  -l, --label KEY=VALUE       set a label (repeatable)\n"
    "  -u, --user USER[:GROUP]     run as this user\n"
    "  -w, --workdir DIR           working directory in the container\n"
    "      --hostname NAME         host name in the container\n"
    "      --pod POD|new:NAME      run in a pod (new: makes the pod first)\n"
    "  -i, --interactive           keep stdin open\n"
    "  -t, --tty                   allocate a pseudo-terminal\n"
    "      --read-only             mount the root file system read-only\n"
    "      --privileged            all capabilities and devices, no seccomp\n"
    "      --stop-signal SIGNAL    signal to stop the container (default TERM)\n"
    "      --stop-timeout SECONDS  wait before killing on stop (default 10)\n"
    "      --cgroup-parent PATH    cgroup under which the container's is made\n"
    "      --log-opt max-size=SIZE truncate the log when it would grow past SIZE (10m, 1.5g)\n"
    "      --pull POLICY           pull the image: always, missing (default), never, newer\n";

static const char run_extra_usage[] =
    "      --rm                    remove the container when it exits\n"
    "  -d, --detach                run in the background and print the ID\n"
    "      --detach-keys KEYS      keys to detach (default ctrl-p,ctrl-q)\n";

enum { OPT_ROOTFS = 256, OPT_NAME, OPT_HOSTNAME, OPT_READ_ONLY, OPT_PRIVILEGED, OPT_STOP_SIGNAL,
       OPT_STOP_TIMEOUT, OPT_CGROUP_PARENT, OPT_LOG_OPT, OPT_RM, OPT_DETACH_KEYS, OPT_PULL, OPT_POD };

/* The options of create, which run has too. */
#define COMMON_OPTIONS                                             \
    { "rootfs", required_argument, NULL, OPT_ROOTFS },             \
    { "name", required_argument, NULL, OPT_NAME },                 \
    { "env", required_argument, NULL, 'e' },                       \
    { "label", required_argument, NULL, 'l' },                     \
    { "user", required_argument, NULL, 'u' },                      \
    { "workdir", required_argument, NULL, 'w' },                   \
    { "hostname", required_argument, NULL, OPT_HOSTNAME },         \
    { "interactive", no_argument, NULL, 'i' },                     \
    { "tty", no_argument, NULL, 't' },                             \
    { "read-only", no_argument, NULL, OPT_READ_ONLY },             \
    { "privileged", no_argument, NULL, OPT_PRIVILEGED },           \
    { "stop-signal", required_argument, NULL, OPT_STOP_SIGNAL },   \
    { "stop-timeout", required_argument, NULL, OPT_STOP_TIMEOUT }, \
    { "cgroup-parent", required_argument, NULL, OPT_CGROUP_PARENT }, \
    { "log-opt", required_argument, NULL, OPT_LOG_OPT },           \
    { "pull", required_argument, NULL, OPT_PULL },                 \
    { "pod", required_argument, NULL, OPT_POD },                   \
    NET_OPTIONS,                                                   \
    MOUNT_OPTIONS,                                                 \
    RESOURCE_OPTIONS,                                              \
    SECURITY_OPTIONS,                                              \
    PROCESS_OPTIONS,                                               \
    { "help", no_argument, NULL, 'h' }

static const struct option create_options[] = { COMMON_OPTIONS, { NULL, 0, NULL, 0 } };
static const struct option run_options[] = {
    COMMON_OPTIONS,
    { "rm", no_argument, NULL, OPT_RM },
    { "detach", no_argument, NULL, 'd' },
    { "detach-keys", required_argument, NULL, OPT_DETACH_KEYS },
    { NULL, 0, NULL, 0 },
};

/* -e KEY without a value takes the variable from ctrctl's environment (podman). */
static int push_env(create_args_t *a, const char *kv)
{
    if (!*kv)
        return ctrctl_error("invalid environment variable: \"\""), -1;
    if (strchr(kv, '='))
        return strv_push(&a->env, kv);
    const char *value = getenv(kv);
    char *buf = NULL;
    if (!value) /* unset here: not set in the container either */
        return 0;
    if (asprintf(&buf, "%s=%s", kv, value) < 0)
        return ctrctl_error("out of memory"), -1;
    int r = strv_push(&a->env, buf);
    free(buf);
    return r;
}

/* A size as podman's --log-opt max-size takes it (go-units' FromHumanSize):
 * a decimal number, then an optional k, m, g, t or p (powers of 1000) and
 * an optional b, any case. */
static int parse_size(const char *s, int64_t *ret)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (end == s || errno || v < 0)
        return -1;
    static const char units[] = "kmgtp";
    double mult = 1;
    const char *u = *end ? strchr(units, *end | 0x20) : NULL;
    if (u) {
        for (const char *p = units; p <= u; p++)
            mult *= 1000;
        end++;
    }
    if ((*end | 0x20) == 'b')
        end++;
    if (*end || v * mult > (double)INT64_MAX)
        return -1;
    *ret = (int64_t)(v * mult);
    return 0;
}

static int parse_log_opt(const char *opt, int64_t *ret_size)
{
    if (strncmp(opt, "max-size=", 9) != 0)
        return ctrctl_error("unsupported --log-opt \"%s\" (max-size=SIZE)", opt);
    if (parse_size(opt + 9, ret_size) < 0 || *ret_size == 0)
        return ctrctl_error("invalid --log-opt max-size \"%s\": a size such as 10m", opt + 9);
    return 0;
}

static int parse_option(create_args_t *a, int o, const char *verb)
{
    long n;
    switch (o) {
    case OPT_ROOTFS: a->o.rootfs = optarg; return 0;
    case OPT_NAME: a->o.name = optarg; return 0;
    case 'e': return push_env(a, optarg) < 0 ? EXIT_ENGINE : 0;
    case 'l': return strv_push(&a->labels, optarg) < 0 ? EXIT_ENGINE : 0;
    case 'u': a->o.user = optarg; return 0;
    case 'w': a->o.workdir = optarg; return 0;
    case OPT_HOSTNAME: a->o.hostname = optarg; return 0;
    case 'i': a->interactive = true; return 0;
    case 't': a->tty = true; return 0;
    case OPT_READ_ONLY: a->o.flags |= CTR_CREATE_READ_ONLY; return 0;
    case OPT_PRIVILEGED: a->o.flags |= CTR_CREATE_PRIVILEGED; return 0;
    case OPT_STOP_SIGNAL: return parse_signal(optarg, &a->o.stop_signal);
    case OPT_STOP_TIMEOUT:
        if (parse_uint("--stop-timeout", optarg, 1000000, &n))
            return EXIT_ENGINE;
        a->o.stop_timeout = (int)n;
        return 0;
    case OPT_CGROUP_PARENT: a->o.cgroup_parent = optarg; return 0;
    case OPT_LOG_OPT: return parse_log_opt(optarg, &a->o.log_size_max);
    case OPT_PULL: a->pull = optarg; return 0;
    case OPT_POD:
        a->pod = optarg;
        a->o.pod = strncmp(optarg, "new:", 4) == 0 ? optarg + 4 : optarg;
        return 0;
    case OPT_RM: a->rm = true; return 0;
    case 'd': a->detach = true; return 0;
    case OPT_DETACH_KEYS: a->detach_keys = optarg; return 0;
    default: {
        int r = net_args_option(&a->net, o, optarg);
        if (r == 1)
            r = mount_args_option(&a->mnt, o, optarg);
        if (r == 1)
            r = resource_args_option(&a->res, o, optarg);
        if (r == 1)
            r = security_args_option(&a->sec, &a->o, o, optarg);
        if (r == 1)
            r = process_args_option(&a->proc, &a->o, o, optarg);
        return r == 1 ? ctrctl_bad_usage(verb) : r;
    }
    }
}

int create_args_parse(create_args_t *a, int argc, char **argv, bool run)
{
    const ctr_container_options_t init = CTR_CONTAINER_OPTIONS_INIT;
    a->o = init;
    /* "+": options stop at the first non-option, the image or the command. */
    const char *shortopts = run ? "+c:de:hil:m:p:tu:v:w:" : "+c:e:hil:m:p:tu:v:w:";
    int o, r;
    while ((o = ctrctl_getopt(argc, argv, shortopts, run ? run_options : create_options)) != -1) {
        if (o == 'h') {
            printf("%s%s%s%s%s%s%s%s", run ? run_usage : create_usage, common_usage, net_args_usage,
                   mount_args_usage, resource_args_usage, security_args_usage, process_args_usage,
                   run ? run_extra_usage : "");
            return HELP_SHOWN;
        }
        if ((r = parse_option(a, o, argv[0])))
            return r;
    }
    if (!a->o.rootfs) {
        if (optind >= argc)
            return ctrctl_error("%s needs --rootfs DIR or an IMAGE", argv[0]);
        a->o.image = argv[optind++];
    }
    for (; optind < argc; optind++)
        if (strv_push(&a->command, argv[optind]) < 0)
            return EXIT_ENGINE;
    a->o.command = (const char *const *)a->command.v;
    a->o.env = (const char *const *)a->env.v;
    a->o.labels = (const char *const *)a->labels.v;
    a->o.create_command = ctrctl_command_line;
    if ((r = net_args_apply(&a->net, &a->o)) || (r = mount_args_apply(&a->mnt, &a->o)) ||
        (r = resource_args_apply(&a->res, &a->o)) || (r = security_args_apply(&a->sec, &a->o)) ||
        (r = process_args_apply(&a->proc, &a->o)))
        return r;
    if (a->interactive)
        a->o.flags |= CTR_CREATE_STDIN;
    if (a->tty)
        a->o.flags |= CTR_CREATE_TERMINAL;
    /* Detached, nobody is left to remove it: its monitor runs libctr's
     * cleanup helper.  In the foreground ctrctl removes it after reading
     * its exit code. */
    if (a->rm && a->detach)
        a->o.flags |= CTR_CREATE_AUTO_REMOVE;
    if (a->rm && a->o.restart_policy && strcmp(a->o.restart_policy, "no") != 0)
        return ctrctl_error("the --rm option conflicts with --restart, when the restartPolicy is not \"\" and \"no\"");
    return 0;
}

void create_args_clear(create_args_t *a)
{
    strv_clear(&a->env);
    strv_clear(&a->labels);
    strv_clear(&a->command);
    net_args_clear(&a->net);
    mount_args_clear(&a->mnt);
    resource_args_clear(&a->res);
    security_args_clear(&a->sec);
    process_args_clear(&a->proc);
    free(a->pulled_id);
}

int cmd_create(ctrctl_t *g, int argc, char **argv)
{
    create_args_t a = { .o = CTR_CONTAINER_OPTIONS_INIT };
    ctr_container_t *c = NULL;
    int r = create_args_parse(&a, argc, argv, false);
    if (r == 0 && !(r = ctrctl_open(g)) && !(r = ctrctl_pull_for_create(g, &a)) &&
        !(r = ctrctl_pod_for_create(g, a.pod))) {
        if (ctr_container_create(&c, g->rt, &a.o) < 0)
            r = ctrctl_fail();
        else
            printf("%s\n", ctr_container_id(c));
    }
    ctr_container_unref(c);
    create_args_clear(&a);
    return r == HELP_SHOWN ? 0 : r;
}
