/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* ctrctl init, stop, kill, pause, unpause, wait and rm: one call per container;
 * rename. */
#include "ctrctl.h"

#include <getopt.h>
#include <stdbool.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Called for each named container; 0, or EXIT_ENGINE after printing. */
typedef int (*each_fn)(ctr_container_t *c, const char *name, void *userdata);

/* Apply fn to the containers named in argv[optind..]; the last failure's code. */
static int for_each(ctrctl_t *g, int argc, char **argv, each_fn fn, void *userdata)
{
    if (optind >= argc)
        return ctrctl_error("%s needs at least one container", argv[0]);
    int r = 0;
    for (int i = optind; i < argc; i++) {
        ctr_container_t *c = NULL;
        int q = ctrctl_lookup(g, argv[i], &c);
        if (q == 0)
            q = fn(c, argv[i], userdata);
        ctr_container_unref(c);
        if (q)
            r = q;
    }
    return r;
}

/* Apply fn to every container of the runtime (--all), named by ID. */
static int for_all(ctrctl_t *g, each_fn fn, void *userdata)
{
    ctr_container_t **list = NULL;
    size_t n = 0;
    int r = ctrctl_open(g);
    if (r)
        return r;
    if (ctr_runtime_list(g->rt, NULL, NULL, &list, &n) < 0)
        return ctrctl_fail();
    for (size_t i = 0; i < n; i++) {
        int q = fn(list[i], ctr_container_id(list[i]), userdata);
        if (q)
            r = q;
    }
    ctr_container_list_free(list, n);
    return r;
}

/* Parse options that are only --help; 0, HELP_SHOWN or EXIT_ENGINE. */
static int only_help(int argc, char **argv, const char *usage)
{
    static const struct option options[] = { { "help", no_argument, NULL, 'h' }, { NULL, 0, NULL, 0 } };
    int o = ctrctl_getopt(argc, argv, "h", options);
    if (o == 'h')
        return ctrctl_help(usage), HELP_SHOWN;
    return o == -1 ? 0 : ctrctl_bad_usage(argv[0]);
}

static int done(int r, const char *name)
{
    if (r < 0)
        return ctrctl_fail();
    printf("%s\n", name);
    return 0;
}

/* ---- init ---- */

static int init_one(ctr_container_t *c, const char *name, void *userdata)
{
    (void)userdata;
    return done(ctr_container_init(c), name);
}

int cmd_init(ctrctl_t *g, int argc, char **argv)
{
    static const char usage[] = "Usage: ctrctl init CONTAINER...\n\n"
                                "Initialize containers: their runtime side is made, nothing runs yet.\n";
    int r = only_help(argc, argv, usage);
    return r ? (r == HELP_SHOWN ? 0 : r) : for_each(g, argc, argv, init_one, NULL);
}

/* ---- stop ---- */

static int stop_one(ctr_container_t *c, const char *name, void *userdata)
{
    return done(ctr_container_stop(c, *(int *)userdata), name);
}

int cmd_stop(ctrctl_t *g, int argc, char **argv)
{
    static const char usage[] = "Usage: ctrctl stop [OPTIONS] CONTAINER...\n\n"
                                "Stop containers: their stop signal, then SIGKILL after the timeout.\n\n"
                                "  -t, --time SECONDS   seconds to wait before killing (default: the container's)\n";
    static const struct option options[] = {
        { "time", required_argument, NULL, 't' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    int timeout = -1, o;
    long n;
    while ((o = ctrctl_getopt(argc, argv, "t:h", options)) != -1) {
        switch (o) {
        case 't':
            if (parse_uint("timeout", optarg, 1000000, &n))
                return EXIT_ENGINE;
            timeout = (int)n;
            break;
        case 'h': return ctrctl_help(usage);
        default: return ctrctl_bad_usage(argv[0]);
        }
    }
    return for_each(g, argc, argv, stop_one, &timeout);
}

/* ---- restart ---- */

struct restart_args {
    int timeout;
    bool running_only; /* --running */
    bool all;          /* --all */
};

static int restart_one(ctr_container_t *c, const char *name, void *userdata)
{
    const struct restart_args *a = userdata;
    ctr_state_t st = CTR_STATE_UNKNOWN;
    if (a->running_only && (ctr_container_state(c, &st) < 0 || st != CTR_STATE_RUNNING))
        return 0;
    return done(ctr_container_restart(c, a->timeout), name);
}

int cmd_restart(ctrctl_t *g, int argc, char **argv)
{
    static const char usage[] = "Usage: ctrctl restart [OPTIONS] CONTAINER...\n\n"
                                "Restart containers: stop them if they run, then start them.\n\n"
                                "  -a, --all            every container\n"
                                "      --running        only the running ones\n"
                                "  -t, --time SECONDS   seconds to wait before killing (default: the container's)\n";
    static const struct option options[] = {
        { "all", no_argument, NULL, 'a' },
        { "running", no_argument, NULL, 'R' },
        { "time", required_argument, NULL, 't' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    struct restart_args a = { .timeout = -1 };
    int o;
    long n;
    while ((o = ctrctl_getopt(argc, argv, "at:h", options)) != -1) {
        switch (o) {
        case 'a': a.all = true; break;
        case 'R': a.running_only = true; break;
        case 't':
            if (parse_uint("timeout", optarg, 1000000, &n))
                return EXIT_ENGINE;
            a.timeout = (int)n;
            break;
        case 'h': return ctrctl_help(usage);
        default: return ctrctl_bad_usage(argv[0]);
        }
    }
    return a.all ? for_all(g, restart_one, &a) : for_each(g, argc, argv, restart_one, &a);
}

/* ---- kill ---- */

static int kill_one(ctr_container_t *c, const char *name, void *userdata)
{
    return done(ctr_container_kill(c, *(int *)userdata), name);
}

int cmd_kill(ctrctl_t *g, int argc, char **argv)
{
    static const char usage[] = "Usage: ctrctl kill [OPTIONS] CONTAINER...\n\n"
                                "Send a signal to containers' first process.\n\n"
                                "  -s, --signal SIGNAL   name (KILL, SIGTERM) or number (default KILL)\n";
    static const struct option options[] = {
        { "signal", required_argument, NULL, 's' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    int sig = SIGKILL, o;
    while ((o = ctrctl_getopt(argc, argv, "s:h", options)) != -1) {
        switch (o) {
        case 's':
            if (parse_signal(optarg, &sig))
                return EXIT_ENGINE;
            break;
        case 'h': return ctrctl_help(usage);
        default: return ctrctl_bad_usage(argv[0]);
        }
    }
    return for_each(g, argc, argv, kill_one, &sig);
}

/* ---- pause, unpause ---- */

static int pause_one(ctr_container_t *c, const char *name, void *userdata)
{
    return done(userdata ? ctr_container_pause(c) : ctr_container_unpause(c), name);
}

int cmd_pause(ctrctl_t *g, int argc, char **argv)
{
    int r = only_help(argc, argv, "Usage: ctrctl pause CONTAINER...\n\nFreeze every process of containers.\n");
    return r ? (r == HELP_SHOWN ? 0 : r) : for_each(g, argc, argv, pause_one, (void *)1);
}

int cmd_unpause(ctrctl_t *g, int argc, char **argv)
{
    int r = only_help(argc, argv, "Usage: ctrctl unpause CONTAINER...\n\nThaw the processes of paused containers.\n");
    return r ? (r == HELP_SHOWN ? 0 : r) : for_each(g, argc, argv, pause_one, NULL);
}

/* ---- wait ---- */

struct wait_args {
    unsigned int states;
    int64_t interval_ns; /* checked, unused: nothing polls */
};

/* podman's condition names (its container states). */
static int parse_condition(const char *s, unsigned int *states)
{
    static const struct {
        const char *name;
        ctr_state_t state;
    } names[] = {
        { "configured", CTR_STATE_CONFIGURED }, { "created", CTR_STATE_CREATED },   { "running", CTR_STATE_RUNNING },
        { "stopped", CTR_STATE_EXITED },        { "exited", CTR_STATE_EXITED },     { "paused", CTR_STATE_PAUSED },
        { "stopping", CTR_STATE_STOPPING },     { "removing", CTR_STATE_REMOVING }, { "unknown", CTR_STATE_UNKNOWN },
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(s, names[i].name) == 0) {
            *states |= CTR_WAIT_STATE(names[i].state);
            return 0;
        }
    return ctrctl_error("unknown container state: %s: invalid argument", s);
}

static int wait_one(ctr_container_t *c, const char *name, void *userdata)
{
    const struct wait_args *a = userdata;
    const unsigned int exited = CTR_WAIT_STATE(CTR_STATE_EXITED);
    int code = -1;
    ctr_state_t st = CTR_STATE_UNKNOWN;
    /* The library's waiter: the monitor's exit and the event journal, no
     * polling (podman looks every --interval). */
    if (ctr_container_wait_for(c, a->states, -1, NULL, &st, &code) < 0)
        return ctrctl_fail();
    /* podman prints -1 for the conditions other than an exit, and 0 for a
     * container that never ran (its exit code field). */
    printf("%d\n", st == CTR_STATE_EXITED ? code : st == CTR_STATE_CONFIGURED && a->states == exited ? 0 : -1);
    fflush(stdout);
    return 0;
}

static int wait_condition_list(char *list, unsigned int *states)
{
    for (char *save = NULL, *tok = strtok_r(list, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
        if (parse_condition(tok, states))
            return EXIT_ENGINE;
    return 0;
}

int cmd_wait(ctrctl_t *g, int argc, char **argv)
{
    static const char usage[] = "Usage: ctrctl wait [OPTIONS] CONTAINER...\n\n"
                                "Wait for containers to reach a state (by default: to stop); print their exit codes\n"
                                "(-1 for a state other than stopped or exited).\n\n"
                                "      --condition STATE  a state to wait for (repeatable, or comma separated):\n"
                                "                         configured, created, running, stopped, exited, paused,\n"
                                "                         stopping, removing\n"
                                "  -i, --interval TIME    accepted as podman's (ctrctl does not poll: it is told)\n";
    static const struct option options[] = {
        { "condition", required_argument, NULL, 'c' },
        { "interval", required_argument, NULL, 'i' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    struct wait_args a = { .interval_ns = 250000000 };
    int o;
    while ((o = ctrctl_getopt(argc, argv, "i:h", options)) != -1) {
        switch (o) {
        case 'c':
            if (wait_condition_list(optarg, &a.states))
                return EXIT_ENGINE;
            break;
        case 'i':
            if (parse_duration("interval", optarg, &a.interval_ns))
                return EXIT_ENGINE;
            break;
        case 'h': return ctrctl_help(usage), 0;
        default: return ctrctl_bad_usage(argv[0]);
        }
    }
    if (!a.states)
        a.states = CTR_WAIT_STATE(CTR_STATE_EXITED);
    return for_each(g, argc, argv, wait_one, &a);
}

/* ---- rm ---- */

static int rm_one(ctr_container_t *c, const char *name, void *userdata)
{
    return done(ctr_container_remove(c, *(const uint64_t *)userdata), name);
}

int cmd_rm(ctrctl_t *g, int argc, char **argv)
{
    static const char usage[] = "Usage: ctrctl rm [OPTIONS] CONTAINER...\n\n"
                                "Remove containers.\n\n"
                                "  -a, --all       remove every container\n"
                                "  -f, --force     stop running containers first\n"
                                "  -v, --volumes   remove their anonymous volumes too\n";
    static const struct option options[] = {
        { "all", no_argument, NULL, 'a' },
        { "force", no_argument, NULL, 'f' },
        { "volumes", no_argument, NULL, 'v' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    uint64_t flags = 0;
    bool all = false;
    int o, r = 0;
    while ((o = ctrctl_getopt(argc, argv, "afvh", options)) != -1) {
        switch (o) {
        case 'a': all = true; break;
        case 'f': flags |= CTR_REMOVE_FORCE; break;
        case 'v': flags |= CTR_REMOVE_VOLUMES; break;
        case 'h': return ctrctl_help(usage);
        default: return ctrctl_bad_usage(argv[0]);
        }
    }
    if (all)
        return optind < argc ? ctrctl_error("rm --all takes no container names") : for_all(g, rm_one, &flags);
    if (optind >= argc)
        return ctrctl_error("rm needs at least one container (or --all)");
    if ((r = ctrctl_open(g)))
        return r;
    for (int i = optind; i < argc; i++) {
        int q = done(ctr_runtime_remove(g->rt, argv[i], flags), argv[i]);
        if (q)
            r = q;
    }
    return r;
}

/* ---- rename ---- */

int cmd_rename(ctrctl_t *g, int argc, char **argv)
{
    static const char usage[] = "Usage: ctrctl rename CONTAINER NAME\n\n"
                                "Give an existing container a new name (in any state); the old name is free after.\n";
    int r = only_help(argc, argv, usage);
    if (r)
        return r == HELP_SHOWN ? 0 : r;
    if (argc - optind != 2)
        return ctrctl_error("accepts 2 arg(s), received %d", argc - optind);
    ctr_container_t *c = NULL;
    if ((r = ctrctl_lookup(g, argv[optind], &c)))
        return r;
    r = ctr_container_rename(c, argv[optind + 1]);
    ctr_container_unref(c);
    return r < 0 ? ctrctl_fail() : 0;
}
