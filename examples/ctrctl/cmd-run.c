/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* ctrctl run, start and attach. */
#include "ctrctl.h"

#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ctr_container_attach() with CTR_ATTACH_START in a thread of its own, on
 * its own handle: the library starts the container once the relay is in
 * place, so no output is missed, while the main thread (without a
 * terminal) prints the output from the log. */
struct attach_job {
    ctr_container_t *c;
    ctr_attach_options_t o;
    pthread_t thread;
    int r;
    int exit_code; /* ctrctl's exit code for a failure (the start's, when it failed) */
    char *error;
};

static void *attach_thread(void *userdata)
{
    struct attach_job *j = userdata;
    j->r = ctr_container_attach(j->c, &j->o);
    if (j->r < 0) {
        j->exit_code = start_error_exit_code();
        j->error = strdup(ctr_error_last()->message);
        /* Never started (e.g. bad detach keys): end the container, so that
         * the main thread's log follower ends too. */
        ctr_state_t st;
        if (ctr_container_state(j->c, &st) == 0 && st == CTR_STATE_CREATED)
            (void)ctr_container_stop(j->c, 0);
    }
    return NULL;
}

static void attach_free(struct attach_job *j)
{
    ctr_container_unref(j->c);
    free(j->error);
    free(j);
}

/* Start the attach thread: 0 and *ret, or EXIT_ENGINE (printed). */
static int attach_begin(ctrctl_t *g, ctr_container_t *c, const ctr_attach_options_t *o, struct attach_job **ret)
{
    struct attach_job *j = calloc(1, sizeof *j);
    if (!j)
        return ctrctl_error("out of memory");
    j->o = *o;
    int r = ctrctl_lookup(g, ctr_container_id(c), &j->c);
    if (r == 0 && (r = pthread_create(&j->thread, NULL, attach_thread, j)))
        r = ctrctl_error("pthread_create: %s", strerror(r));
    if (r) {
        attach_free(j);
        return r;
    }
    *ret = j;
    return 0;
}

/* Join the attach thread: 0, CTR_ATTACH_DETACHED, or a negative errno
 * with the message printed and *ret_exit_code set. */
static int attach_end(struct attach_job *j, int *ret_exit_code)
{
    pthread_join(j->thread, NULL);
    int r = j->r;
    if (r < 0) {
        fprintf(stderr, "Error: %s\n", j->error ? j->error : ctr_strerror(r));
        *ret_exit_code = j->exit_code;
    }
    attach_free(j);
    return r;
}

/* The container's exit code, as ctrctl's. */
static int wait_exit_code(ctr_container_t *c)
{
    int code = -1;
    if (ctr_container_wait(c, -1, &code) < 0)
        return ctrctl_fail();
    if (code < 0 || code > 255)
        return ctrctl_error("the exit code of %s is unknown", ctr_container_name(c));
    return code;
}

/* Start the containers c joins that do not run (ctr_container_start()
 * starts theirs in turn).  0, or negative with the library's error. */
static int start_dependencies(ctrctl_t *g, ctr_container_t *c)
{
    char **deps = NULL;
    int r = ctr_container_dependencies(c, &deps);
    for (size_t i = 0; r == 0 && deps && deps[i]; i++) {
        ctr_container_t *d = NULL;
        ctr_state_t st;
        if ((r = ctr_runtime_lookup(g->rt, deps[i], &d)) == 0 && (r = ctr_container_state(d, &st)) == 0 &&
            st != CTR_STATE_RUNNING && st != CTR_STATE_PAUSED)
            r = ctr_container_start(d);
        ctr_container_unref(d);
    }
    for (size_t i = 0; deps && deps[i]; i++)
        ctr_free(deps[i]);
    ctr_free(deps);
    return r;
}

int attach_and_start(ctrctl_t *g, ctr_container_t *c, bool interactive, bool tty, const char *detach_keys,
                     bool *ret_detached)
{
    ctr_state_t st;
    *ret_detached = false;
    /* The log keeps earlier runs: show this run's lines only (podman's
     * start -a attaches and sees only the new output). */
    int64_t since = now_ns();
    if (ctr_container_state(c, &st) < 0)
        return ctrctl_fail();
    if (st == CTR_STATE_RUNNING)
        return 0; /* podman: nothing to start, nothing printed */
    /* Created in the OCI runtime first: attach needs the monitor running; the
     * containers it joins (a pod's infra container) run first, as podman
     * starts them. */
    if ((st == CTR_STATE_CONFIGURED || st == CTR_STATE_EXITED) &&
        (start_dependencies(g, c) < 0 || ctr_container_init(c) < 0)) {
        int code = start_error_exit_code();
        ctrctl_fail();
        return code;
    }
    session_t *s = session_begin(g, c, tty && interactive, tty, true);
    if (!s)
        return EXIT_ENGINE;
    /* With a terminal, the output comes through attach; without one, from
     * the log (complete, each stream apart), and attach only feeds stdin. */
    int r = 0;
    if (!tty && !interactive) {
        if (ctr_container_start(c) < 0) {
            r = start_error_exit_code();
            ctrctl_fail();
        } else {
            ctr_logs_options_t lo = CTR_LOGS_OPTIONS_INIT;
            lo.flags = CTR_LOGS_FOLLOW;
            lo.since = since;
            r = print_logs(c, &lo, false);
        }
    } else {
        ctr_attach_options_t ao = CTR_ATTACH_OPTIONS_INIT;
        ao.stdin_fd = interactive ? STDIN_FILENO : -1;
        ao.stdout_fd = tty ? STDOUT_FILENO : -1;
        ao.stderr_fd = tty ? STDOUT_FILENO : -1;
        ao.detach_keys = tty || detach_keys ? detach_keys : ""; /* by default, detaching needs a terminal */
        ao.flags = CTR_ATTACH_START; /* at end of input the container's stdin is closed */
        struct attach_job *j = NULL;
        r = attach_begin(g, c, &ao, &j);
        if (r == 0) {
            session_resize(s); /* the terminal exists from init on */
            if (!tty) {
                ctr_logs_options_t lo = CTR_LOGS_OPTIONS_INIT;
                lo.flags = CTR_LOGS_FOLLOW;
                lo.since = since;
                r = print_logs(c, &lo, false);
            }
            int code = EXIT_ENGINE;
            int a = attach_end(j, &code);
            if (a == CTR_ATTACH_DETACHED)
                *ret_detached = true;
            else if (a < 0)
                r = code;
        }
    }
    session_end(s);
    if (r == 0 && !*ret_detached)
        r = wait_exit_code(c);
    return r;
}

/* After a run that failed before its process ran: say what is left. */
static void tell_left_behind(ctr_container_t *c)
{
    ctr_state_t st;
    if (ctr_container_state(c, &st) < 0 || st == CTR_STATE_EXITED || st == CTR_STATE_RUNNING)
        return;
    const char *name = ctr_container_name(c);
    fprintf(stderr, "container %s (%.12s) is left behind, %s: 'ctrctl start %s' retries, 'ctrctl rm %s' removes it\n",
            name, ctr_container_id(c), ctr_state_name(st), name, name);
}

int cmd_run(ctrctl_t *g, int argc, char **argv)
{
    create_args_t a = { .o = CTR_CONTAINER_OPTIONS_INIT };
    ctr_container_t *c = NULL;
    bool detached = false;
    int r = create_args_parse(&a, argc, argv, true);
    if (r || (r = ctrctl_open(g)) || (r = ctrctl_pull_for_create(g, &a)) || (r = ctrctl_pod_for_create(g, a.pod)))
        goto out;
    if (ctr_container_create(&c, g->rt, &a.o) < 0) {
        r = ctrctl_fail();
        goto out;
    }
    if (!a.detach) {
        r = attach_and_start(g, c, a.interactive, a.tty, a.detach_keys, &detached);
    } else if (ctr_container_start(c) < 0) {
        r = start_error_exit_code();
        ctrctl_fail();
    } else {
        printf("%s\n", ctr_container_id(c));
        detached = true; /* --rm: its monitor removes it when it exits */
    }
    /* --rm: also when the start failed, as podman; keep the exit code. */
    if (a.rm && !detached && ctr_container_remove(c, CTR_REMOVE_FORCE | CTR_REMOVE_VOLUMES) < 0 && ctr_error_last()->code != -ENOENT)
        ctrctl_fail();
    else if (!a.rm && r != 0 && !detached)
        tell_left_behind(c);
out:
    ctr_container_unref(c);
    create_args_clear(&a);
    return r == HELP_SHOWN ? 0 : r;
}

static const char start_usage[] =
    "Usage: ctrctl start [OPTIONS] CONTAINER...\n\n"
    "Start containers.\n\n"
    "  -a, --attach             attach to the container's output and exit with its code\n"
    "  -i, --interactive        attach stdin too\n"
    "      --detach-keys KEYS   keys to detach (default ctrl-p,ctrl-q)\n";

/* podman's start leaves a running container be and exits 0.  Sets *ret on failure. */
static bool already_running(ctr_container_t *c, int *ret)
{
    ctr_state_t st;
    if (ctr_container_state(c, &st) < 0) {
        *ret = ctrctl_fail();
        return true;
    }
    return st == CTR_STATE_RUNNING;
}

int cmd_start(ctrctl_t *g, int argc, char **argv)
{
    static const struct option options[] = {
        { "attach", no_argument, NULL, 'a' },
        { "interactive", no_argument, NULL, 'i' },
        { "detach-keys", required_argument, NULL, 'k' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    bool attach = false, interactive = false;
    const char *keys = NULL;
    int o, r = 0;
    while ((o = ctrctl_getopt(argc, argv, "aih", options)) != -1) {
        switch (o) {
        case 'a': attach = true; break;
        case 'i': interactive = true; break;
        case 'k': keys = optarg; break;
        case 'h': return ctrctl_help(start_usage);
        default: return ctrctl_bad_usage(argv[0]);
        }
    }
    if (optind >= argc)
        return ctrctl_error("start needs at least one container");
    if (attach && argc - optind > 1)
        return ctrctl_error("start --attach takes one container");
    for (int i = optind; i < argc; i++) {
        ctr_container_t *c = NULL;
        int q = ctrctl_lookup(g, argv[i], &c);
        if (q == 0 && attach) {
            uint64_t f = ctr_container_flags(c);
            bool detached;
            q = attach_and_start(g, c, interactive && (f & CTR_CREATE_STDIN), f & CTR_CREATE_TERMINAL, keys,
                                 &detached);
        } else if (q == 0 && already_running(c, &q)) {
            /* podman: nothing to do, nothing printed */
        } else if (q == 0 && ctr_container_start(c) < 0) {
            q = ctrctl_fail();
        } else if (q == 0) {
            printf("%s\n", argv[i]);
        }
        ctr_container_unref(c);
        if (q)
            r = q;
    }
    return r;
}

static const char attach_usage[] =
    "Usage: ctrctl attach [OPTIONS] CONTAINER\n\n"
    "Attach to a running container's streams; exit with its code when it exits.\n\n"
    "      --detach-keys KEYS   keys to detach (default ctrl-p,ctrl-q)\n"
    "      --no-stdin           do not attach stdin\n";

int cmd_attach(ctrctl_t *g, int argc, char **argv)
{
    static const struct option options[] = {
        { "detach-keys", required_argument, NULL, 'k' },
        { "no-stdin", no_argument, NULL, 'n' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    ctr_attach_options_t ao = CTR_ATTACH_OPTIONS_INIT;
    bool no_stdin = false;
    int o;
    while ((o = ctrctl_getopt(argc, argv, "h", options)) != -1) {
        switch (o) {
        case 'k': ao.detach_keys = optarg; break;
        case 'n': no_stdin = true; break;
        case 'h': return ctrctl_help(attach_usage);
        default: return ctrctl_bad_usage(argv[0]);
        }
    }
    if (argc - optind != 1)
        return ctrctl_error("attach takes one container");
    ctr_container_t *c = NULL;
    int r = ctrctl_lookup(g, argv[optind], &c);
    if (r)
        return r;
    uint64_t f = ctr_container_flags(c);
    bool tty = f & CTR_CREATE_TERMINAL, interactive = !no_stdin && (f & CTR_CREATE_STDIN);
    ao.stdin_fd = interactive ? STDIN_FILENO : -1;
    ao.stdout_fd = STDOUT_FILENO;
    ao.stderr_fd = tty ? STDOUT_FILENO : STDERR_FILENO;
    ao.flags = 0; /* at end of input the container's stdin is closed */
    session_t *s = session_begin(g, c, tty && interactive, tty, true);
    if (!s) {
        ctr_container_unref(c);
        return EXIT_ENGINE;
    }
    session_resize(s);
    int q = ctr_container_attach(c, &ao);
    if (q < 0)
        r = ctrctl_fail(); /* before session_end(): its calls clear the error */
    session_end(s);
    if (q >= 0 && q != CTR_ATTACH_DETACHED)
        r = wait_exit_code(c);
    ctr_container_unref(c);
    return r;
}
