/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Real containers: runc and conmon on a busybox rootfs, through libctr.so.
 * Needs root, runc and conmon; in CI (CI=true) a missing piece fails. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>

#include "../api/backend-dir.h"
#include "../api/test-helpers.h"

static struct test_root root;
static char rootfs[128];
static ctr_runtime_t *rt;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static ctr_container_t *make_opts(ctr_container_options_t *o, const char *name, const char *script)
{
    const char *cmd[] = { "/bin/sh", "-c", script, NULL };
    o->rootfs = rootfs;
    o->name = name;
    if (script)
        o->command = cmd;
    ctr_container_t *c = NULL;
    assert_ctr_ok(ctr_container_create(&c, rt, o));
    o->command = NULL;
    return c;
}

static ctr_container_t *make(const char *name, const char *script)
{
    ctr_container_options_t o = CTR_CONTAINER_OPTIONS_INIT;
    return make_opts(&o, name, script);
}

static ctr_state_t state_of(ctr_container_t *c)
{
    ctr_state_t st = CTR_STATE_UNKNOWN;
    assert_ctr_ok(ctr_container_state(c, &st));
    return st;
}

static void rm(ctr_container_t *c)
{
    assert_ctr_ok(ctr_container_remove(c, CTR_REMOVE_FORCE));
    ctr_container_unref(c);
}

/* Collect a container's log into two strings. */
struct logbuf {
    char out[8192];
    char err[8192];
    int lines;
};

static int collect(int stream, int64_t ts, const char *data, size_t size, void *userdata)
{
    struct logbuf *b = userdata;
    char *dst = stream == CTR_STREAM_STDOUT ? b->out : b->err;
    size_t len = strlen(dst);
    snprintf(dst + len, sizeof b->out - len, "%.*s\n", (int)size, data);
    b->lines++;
    return 0;
}

static void logs_of(ctr_container_t *c, uint64_t flags, int64_t tail, struct logbuf *b)
{
    memset(b, 0, sizeof *b);
    ctr_logs_options_t lo = CTR_LOGS_OPTIONS_INIT;
    lo.flags = flags;
    lo.tail = tail;
    assert_ctr_ok(ctr_container_logs(c, &lo, collect, b));
}

static bool pid_alive(pid_t pid)
{
    return pid > 0 && kill(pid, 0) == 0;
}

/* ---- exit codes, logs ---- */

static void test_exit_codes(void **state)
{
    /* PID 1 cannot SIGKILL itself: the third is killed from outside. */
    const char *scripts[] = { "true", "exit 1", "exec sleep 100" };
    const int codes[] = { 0, 1, 137 };
    for (int i = 0; i < 3; i++) {
        ctr_container_t *c = make(NULL, scripts[i]);
        assert_int_equal(state_of(c), CTR_STATE_CONFIGURED);
        assert_ctr_ok(ctr_container_start(c));
        if (i == 2)
            assert_ctr_ok(ctr_container_kill(c, SIGKILL));
        int code = -5;
        assert_ctr_ok(ctr_container_wait(c, 10000, &code));
        assert_int_equal(code, codes[i]);
        assert_int_equal(state_of(c), CTR_STATE_EXITED);
        int ec = 0;
        assert_ctr_ok(ctr_container_exit_code(c, &ec));
        assert_int_equal(ec, codes[i]);
        int64_t started = 0, finished = 0;
        assert_ctr_ok(ctr_container_started_at(c, &started));
        assert_ctr_ok(ctr_container_finished_at(c, &finished));
        assert_true(started > 0 && finished >= started);
        pid_t pid = 1;
        assert_ctr_ok(ctr_container_pid(c, &pid));
        assert_int_equal(pid, 0);
        rm(c);
    }
}

/* A process that exits at once may be reaped, and its exit file written,
 * before the runtime's start returns: on a tmpfs run root that exit file's
 * (coarse) ctime came out earlier than the start stamp.  The order must hold
 * every time, and across a reload of the state. */
static void test_immediate_exit_order(void **state)
{
    const char *cmd[] = { "/bin/true", NULL };
    for (int i = 0; i < 200; i++) {
        ctr_container_options_t o = CTR_CONTAINER_OPTIONS_INIT;
        o.command = cmd;
        ctr_container_t *c = make_opts(&o, NULL, NULL);
        assert_ctr_ok(ctr_container_start(c));
        assert_ctr_ok(ctr_container_wait(c, 10000, NULL));
        int64_t started = 0, finished = 0;
        assert_ctr_ok(ctr_container_started_at(c, &started));
        assert_ctr_ok(ctr_container_finished_at(c, &finished));
        if (!(started > 0 && finished >= started))
            fail_msg("run %d: started_at %lld, finished_at %lld", i, (long long)started, (long long)finished);
        rm(c);
    }
}

static void test_logs(void **state)
{
    ctr_container_t *c = make("logger", "echo one; echo two >&2; echo three; printf 'no newline'");
    assert_ctr_ok(ctr_container_start(c));
    assert_ctr_ok(ctr_container_wait(c, 10000, NULL));
    struct logbuf b;
    logs_of(c, 0, -1, &b);
    assert_string_equal(b.out, "one\nthree\nno newline\n");
    assert_string_equal(b.err, "two\n");
    logs_of(c, CTR_LOGS_STDERR, -1, &b);
    assert_string_equal(b.out, "");
    assert_string_equal(b.err, "two\n");
    logs_of(c, 0, 1, &b);
    assert_int_equal(b.lines, 1);
    assert_string_equal(b.out, "no newline\n");
    /* A second run appends to the same log. */
    assert_ctr_ok(ctr_container_start(c));
    assert_ctr_ok(ctr_container_wait(c, 10000, NULL));
    logs_of(c, CTR_LOGS_STDOUT, -1, &b);
    assert_string_equal(b.out, "one\nthree\nno newline\none\nthree\nno newline\n");
    rm(c);
}

static void *stopper(void *p)
{
    struct timespec ts = { 0, 300 * 1000000L };
    nanosleep(&ts, NULL);
    ctr_container_stop(p, 0);
    return NULL;
}

static void test_logs_follow(void **state)
{
    ctr_container_t *c = make("follower", "for i in 1 2 3; do echo line$i; sleep 0.1; done");
    assert_ctr_ok(ctr_container_start(c));
    struct logbuf b;
    double t0 = now_s();
    logs_of(c, CTR_LOGS_FOLLOW, -1, &b); /* returns when the container exits */
    assert_true(now_s() - t0 < 5);
    assert_string_equal(b.out, "line1\nline2\nline3\n");
    rm(c);
    /* Following a long-running container ends when it is stopped. */
    c = make("follower2", "echo started; exec sleep 100");
    assert_ctr_ok(ctr_container_start(c));
    pthread_t th;
    pthread_create(&th, NULL, stopper, c);
    logs_of(c, CTR_LOGS_FOLLOW, -1, &b);
    pthread_join(th, NULL);
    assert_string_equal(b.out, "started\n");
    rm(c);
}

/* ---- states and illegal transitions ---- */

static void test_transitions(void **state)
{
    ctr_container_t *c = make("walker", "exec sleep 100");
    ctr_state_t st;
    /* configured */
    assert_ctr_err(ctr_container_pause(c), -EBUSY);
    assert_ctr_err(ctr_container_unpause(c), -EBUSY);
    assert_ctr_err(ctr_container_kill(c, SIGTERM), -EBUSY);
    assert_ctr_err(ctr_container_exec(c, &(ctr_exec_options_t)CTR_EXEC_OPTIONS_INIT, &(int){ 0 }), -EINVAL);
    const char *argv[] = { "true", NULL };
    ctr_exec_options_t eo = CTR_EXEC_OPTIONS_INIT;
    eo.argv = argv;
    int code;
    assert_ctr_err(ctr_container_exec(c, &eo, &code), -EBUSY);
    assert_ctr_err(ctr_container_attach(c, &(ctr_attach_options_t)CTR_ATTACH_OPTIONS_INIT), -EBUSY);
    assert_ctr_ok(ctr_container_stop(c, 0)); /* no-op */
    assert_ctr_ok(ctr_container_wait(c, 0, &code));
    /* created */
    assert_ctr_ok(ctr_container_init(c));
    assert_ctr_ok(ctr_container_state(c, &st));
    assert_int_equal(st, CTR_STATE_CREATED);
    assert_ctr_err(ctr_container_init(c), -EBUSY);
    assert_ctr_err(ctr_container_kill(c, SIGTERM), -EBUSY);
    assert_ctr_err(ctr_container_exec(c, &eo, &code), -EBUSY);
    assert_ctr_err(ctr_container_remove(c, 0), -EBUSY);
    assert_ctr_err(ctr_container_wait(c, 50, &code), -ETIMEDOUT);
    /* running */
    assert_ctr_ok(ctr_container_start(c));
    assert_int_equal(state_of(c), CTR_STATE_RUNNING);
    pid_t pid = 0;
    assert_ctr_ok(ctr_container_pid(c, &pid));
    assert_true(pid_alive(pid));
    assert_ctr_err(ctr_container_start(c), -EBUSY);
    assert_ctr_err(ctr_container_init(c), -EBUSY);
    assert_ctr_err(ctr_container_unpause(c), -EBUSY);
    assert_ctr_err(ctr_container_remove(c, 0), -EBUSY);
    assert_ctr_err(ctr_container_cleanup(c), -EBUSY);
    assert_ctr_err(ctr_container_kill(c, 0), -EINVAL);
    assert_ctr_err(ctr_container_kill(c, 999), -EINVAL);
    /* paused */
    assert_ctr_ok(ctr_container_pause(c));
    assert_int_equal(state_of(c), CTR_STATE_PAUSED);
    assert_ctr_err(ctr_container_pause(c), -EBUSY);
    assert_ctr_err(ctr_container_exec(c, &eo, &code), -EBUSY);
    assert_ctr_err(ctr_container_stop(c, 0), -EBUSY);
    assert_ctr_err(ctr_container_kill(c, SIGKILL), -EBUSY);
    assert_ctr_err(ctr_container_start(c), -EBUSY);
    char *ns = NULL;
    assert_ctr_ok(ctr_container_namespace_path(c, CTR_NS_PID, &ns));
    ctr_free(ns);
    assert_ctr_ok(ctr_container_unpause(c));
    assert_int_equal(state_of(c), CTR_STATE_RUNNING);
    /* exited */
    assert_ctr_ok(ctr_container_kill(c, SIGKILL));
    assert_ctr_ok(ctr_container_wait(c, 10000, &code));
    assert_int_equal(code, 137);
    assert_false(pid_alive(pid));
    assert_ctr_err(ctr_container_kill(c, SIGTERM), -EBUSY);
    assert_ctr_err(ctr_container_pause(c), -EBUSY);
    assert_ctr_err(ctr_container_exec(c, &eo, &code), -EBUSY);
    assert_ctr_err(ctr_container_namespace_path(c, CTR_NS_NET, &ns), -EBUSY);
    assert_ctr_ok(ctr_container_cleanup(c));
    assert_ctr_ok(ctr_container_cleanup(c));
    /* Restart from exited. */
    assert_ctr_ok(ctr_container_start(c));
    assert_int_equal(state_of(c), CTR_STATE_RUNNING);
    assert_ctr_ok(ctr_container_stop(c, 0));
    assert_int_equal(state_of(c), CTR_STATE_EXITED);
    assert_ctr_ok(ctr_container_remove(c, 0));
    ctr_container_unref(c);
}

static void test_stop_timeout(void **state)
{
    /* A shell as PID 1 ignores SIGTERM (no handler): stop falls back to SIGKILL. */
    ctr_container_t *c = make("stubborn", "trap '' TERM; while true; do sleep 0.05; done");
    assert_ctr_ok(ctr_container_start(c));
    double t0 = now_s();
    assert_ctr_ok(ctr_container_stop(c, 1));
    double took = now_s() - t0;
    assert_true(took >= 0.9 && took < 5);
    int code = 0;
    assert_ctr_ok(ctr_container_exit_code(c, &code));
    assert_int_equal(code, 137);
    /* A process that handles SIGTERM stops at once with its own code. */
    ctr_container_t *d = make("polite", "trap 'exit 42' TERM; while true; do sleep 0.05; done");
    assert_ctr_ok(ctr_container_start(d));
    t0 = now_s();
    assert_ctr_ok(ctr_container_stop(d, 10));
    assert_true(now_s() - t0 < 3);
    assert_ctr_ok(ctr_container_exit_code(d, &code));
    assert_int_equal(code, 42);
    /* Timeout 0 kills at once. */
    assert_ctr_ok(ctr_container_start(d));
    t0 = now_s();
    assert_ctr_ok(ctr_container_stop(d, 0));
    assert_true(now_s() - t0 < 2);
    assert_ctr_ok(ctr_container_exit_code(d, &code));
    assert_int_equal(code, 137);
    rm(c);
    rm(d);
}

/* ---- exec ---- */

static void test_exec(void **state)
{
    ctr_container_options_t o = CTR_CONTAINER_OPTIONS_INIT;
    const char *env[] = { "FROM_CONFIG=yes", NULL };
    o.env = env;
    ctr_container_t *c = make_opts(&o, "execy", "exec sleep 100");
    assert_ctr_ok(ctr_container_start(c));
    int pipefd[2];
    assert_int_equal(pipe(pipefd), 0);
    const char *argv[] = { "/bin/sh", "-c", "echo $FROM_CONFIG $EXTRA $(id -u) $(pwd); exit 5", NULL };
    const char *extra[] = { "EXTRA=more", NULL };
    ctr_exec_options_t eo = CTR_EXEC_OPTIONS_INIT;
    eo.argv = argv;
    eo.env = extra;
    eo.user = "tester";
    eo.workdir = "/tmp";
    eo.stdout_fd = pipefd[1];
    int code = -1;
    assert_ctr_ok(ctr_container_exec(c, &eo, &code));
    assert_int_equal(code, 5);
    close(pipefd[1]);
    char buf[256] = "";
    ssize_t n = read(pipefd[0], buf, sizeof buf - 1);
    assert_true(n > 0);
    buf[n] = '\0';
    assert_string_equal(buf, "yes more 1000 /tmp\n");
    close(pipefd[0]);
    /* Not found: 127; unknown user: an error. */
    const char *missing[] = { "/no/such/binary", NULL };
    eo = (ctr_exec_options_t)CTR_EXEC_OPTIONS_INIT;
    eo.argv = missing;
    assert_ctr_ok(ctr_container_exec(c, &eo, &code));
    assert_int_equal(code, 127);
    eo.argv = argv;
    eo.user = "nosuchuser";
    assert_ctr_err(ctr_container_exec(c, &eo, &code), -ENOENT);
    eo.user = NULL;
    eo.workdir = "relative";
    assert_ctr_err(ctr_container_exec(c, &eo, &code), -EINVAL);
    eo.workdir = NULL;
    eo.detach_keys = "ctrl-";
    assert_ctr_err(ctr_container_exec(c, &eo, &code), -EINVAL);
    /* The container is unaffected by failed execs. */
    assert_int_equal(state_of(c), CTR_STATE_RUNNING);
    rm(c);
}

struct exec_job {
    ctr_container_t *c;
    int id;
    int code;
    int r;
};

static void *exec_thread(void *p)
{
    struct exec_job *j = p;
    char script[64];
    snprintf(script, sizeof script, "sleep 0.2; exit %d", j->id);
    const char *argv[] = { "/bin/sh", "-c", script, NULL };
    ctr_exec_options_t eo = CTR_EXEC_OPTIONS_INIT;
    eo.argv = argv;
    j->r = ctr_container_exec(j->c, &eo, &j->code);
    return NULL;
}

static void test_concurrent_execs(void **state)
{
    ctr_container_t *c = make("multiexec", "exec sleep 100");
    assert_ctr_ok(ctr_container_start(c));
    enum { N = 8 };
    pthread_t th[N];
    struct exec_job jobs[N];
    double t0 = now_s();
    for (int i = 0; i < N; i++) {
        jobs[i] = (struct exec_job){ c, i + 10, -1, -1 };
        pthread_create(&th[i], NULL, exec_thread, &jobs[i]);
    }
    for (int i = 0; i < N; i++) {
        pthread_join(th[i], NULL);
        assert_int_equal(jobs[i].r, 0);
        assert_int_equal(jobs[i].code, i + 10);
    }
    /* They ran at the same time, not one after another. */
    assert_true(now_s() - t0 < N * 0.2);
    rm(c);
}

/* ---- attach ---- */

static void test_attach(void **state)
{
    ctr_container_options_t o = CTR_CONTAINER_OPTIONS_INIT;
    o.flags = CTR_CREATE_STDIN;
    ctr_container_t *c = make_opts(&o, "echoer", "while read line; do echo \"got $line\"; done; echo bye");
    assert_ctr_ok(ctr_container_start(c));
    int in[2], out[2];
    assert_int_equal(pipe(in), 0);
    assert_int_equal(pipe(out), 0);
    assert_int_equal(write(in[1], "hello\nworld\n", 12), 12);
    close(in[1]); /* EOF: the container's stdin closes, it says bye and exits */
    ctr_attach_options_t ao = CTR_ATTACH_OPTIONS_INIT;
    ao.stdin_fd = in[0];
    ao.stdout_fd = out[1];
    ao.flags = 0; /* at end of input the container's stdin is closed */
    assert_int_equal(ctr_container_attach(c, &ao), 0);
    close(out[1]);
    char buf[256] = "";
    size_t len = 0;
    ssize_t n;
    while ((n = read(out[0], buf + len, sizeof buf - 1 - len)) > 0)
        len += (size_t)n;
    buf[len] = '\0';
    assert_string_equal(buf, "got hello\ngot world\nbye\n");
    close(in[0]);
    close(out[0]);
    int code = -1;
    assert_ctr_ok(ctr_container_wait(c, 10000, &code));
    assert_int_equal(code, 0);
    /* Bad detach keys are refused before anything happens. */
    ao.detach_keys = "ctrl-1";
    assert_ctr_err(ctr_container_attach(c, &ao), -EINVAL);
    rm(c);
}

static void test_attach_start(void **state)
{
    /* Started once attached: the very first output is never lost. */
    for (int i = 0; i < 5; i++) {
        ctr_container_t *c = make(NULL, "echo first; echo second >&2");
        int out[2], err[2];
        assert_int_equal(pipe(out), 0);
        assert_int_equal(pipe(err), 0);
        ctr_attach_options_t ao = CTR_ATTACH_OPTIONS_INIT;
        ao.stdout_fd = out[1];
        ao.stderr_fd = err[1];
        ao.flags = CTR_ATTACH_START;
        assert_int_equal(ctr_container_attach(c, &ao), 0);
        close(out[1]);
        close(err[1]);
        char buf[64] = "", ebuf[64] = "";
        ssize_t n = read(out[0], buf, sizeof buf - 1);
        ssize_t m = read(err[0], ebuf, sizeof ebuf - 1);
        close(out[0]);
        close(err[0]);
        assert_true(n > 0 && m > 0);
        assert_string_equal(buf, "first\n");
        assert_string_equal(ebuf, "second\n");
        int code = -1;
        assert_ctr_ok(ctr_container_wait(c, 10000, &code));
        assert_int_equal(code, 0);
        /* Starting attached a running container is refused. */
        rm(c);
    }
}

static void test_attach_detach_keys(void **state)
{
    ctr_container_options_t o = CTR_CONTAINER_OPTIONS_INIT;
    o.flags = CTR_CREATE_STDIN;
    ctr_container_t *c = make_opts(&o, "detachy", "while read line; do echo \"got $line\"; done");
    assert_ctr_ok(ctr_container_start(c));
    int in[2], out[2];
    assert_int_equal(pipe(in), 0);
    assert_int_equal(pipe(out), 0);
    /* ctrl-x then ctrl-y detaches; what came before is delivered. */
    assert_int_equal(write(in[1], "first\n\x18\x19", 8), 8);
    ctr_attach_options_t ao = CTR_ATTACH_OPTIONS_INIT;
    ao.stdin_fd = in[0];
    ao.stdout_fd = out[1];
    ao.detach_keys = "ctrl-x,ctrl-y";
    assert_int_equal(ctr_container_attach(c, &ao), CTR_ATTACH_DETACHED);
    close(in[1]);
    close(in[0]);
    close(out[1]);
    char buf[64] = "";
    ssize_t n = read(out[0], buf, sizeof buf - 1);
    close(out[0]);
    assert_true(n >= 0);
    /* The container keeps running after a detach. */
    assert_int_equal(state_of(c), CTR_STATE_RUNNING);
    rm(c);
}

/* ---- namespaces ---- */

static void test_shared_namespaces(void **state)
{
    ctr_container_t *a = make("nsowner", "exec sleep 100");
    ctr_container_options_t o = CTR_CONTAINER_OPTIONS_INIT;
    o.ns_ctr[CTR_NS_PID] = "nsowner";
    o.ns_ctr[CTR_NS_NET] = "nsowner";
    ctr_container_t *b = make_opts(&o, "nsjoiner", "ps -o comm | grep -c sleep; cat /proc/1/cmdline | tr '\\0' ' '");
    /* Starting b starts its dependency a first. */
    assert_ctr_ok(ctr_container_start(b));
    assert_int_equal(state_of(a), CTR_STATE_RUNNING);
    assert_ctr_ok(ctr_container_wait(b, 10000, NULL));
    struct logbuf lb;
    logs_of(b, 0, -1, &lb);
    assert_string_equal(lb.out, "1\nsleep 100 \n");
    /* Same namespaces, by inode. */
    pid_t pa = 0;
    assert_ctr_ok(ctr_container_pid(a, &pa));
    char *pa_net = NULL;
    assert_ctr_ok(ctr_container_namespace_path(a, CTR_NS_NET, &pa_net));
    struct stat s1;
    assert_int_equal(stat(pa_net, &s1), 0);
    ctr_free(pa_net);
    /* Dependencies are right (the seed mapped PID to the network one). */
    char **deps = NULL;
    assert_ctr_ok(ctr_container_dependencies(b, &deps));
    assert_string_equal(deps[0], ctr_container_id(a));
    assert_null(deps[1]);
    ctr_strv_free(deps);
    /* a cannot go while b depends on it. */
    assert_ctr_err(ctr_container_remove(a, 0), -EBUSY);
    rm(a); /* force: b goes too */
    ctr_state_t st;
    assert_ctr_err(ctr_container_state(b, &st), -ENOENT);
    ctr_container_unref(b);
}

static void test_dependency_not_running(void **state)
{
    ctr_container_t *a = make("depstopped", "exec sleep 100");
    ctr_container_options_t o = CTR_CONTAINER_OPTIONS_INIT;
    o.ns_ctr[CTR_NS_NET] = "depstopped";
    ctr_container_t *b = make_opts(&o, "depjoiner", "true");
    /* init (unlike start) does not start dependencies. */
    assert_ctr_err(ctr_container_init(b), -EBUSY);
    assert_non_null(strstr(ctr_error_last()->message, "depstopped"));
    assert_int_equal(state_of(b), CTR_STATE_CONFIGURED);
    rm(a);
    ctr_container_unref(b);
}

/* ---- monitor death ---- */

static void test_killed_monitor(void **state)
{
    ctr_container_t *c = make("orphan", "exec sleep 100");
    assert_ctr_ok(ctr_container_start(c));
    char *json = NULL;
    assert_ctr_ok(ctr_container_state_json(c, &json));
    char *p = strstr(json, "\"conmonPid\":");
    assert_non_null(p);
    pid_t conmon = (pid_t)atoi(p + 12);
    ctr_free(json);
    pid_t pid = 0;
    assert_ctr_ok(ctr_container_pid(c, &pid));
    assert_true(conmon > 0);
    assert_int_equal(kill(conmon, SIGKILL), 0);
    /* Wait for it to be gone (it is not our child: watch /proc). */
    for (int i = 0; i < 200 && pid_alive(conmon); i++)
        usleep(10000);
    /* Not left "running": exited with an unknown code, container process gone. */
    int code = 0;
    assert_ctr_ok(ctr_container_wait(c, 10000, &code));
    assert_int_equal(code, -1);
    assert_int_equal(state_of(c), CTR_STATE_EXITED);
    for (int i = 0; i < 200 && pid_alive(pid); i++)
        usleep(10000);
    assert_false(pid_alive(pid));
    rm(c);
}

/* ---- wrong input ---- */

static void test_wrong_input(void **state)
{
    /* Missing rootfs. */
    ctr_container_options_t o = CTR_CONTAINER_OPTIONS_INIT;
    o.rootfs = "/nonexistent/rootfs";
    o.name = "norootfs";
    ctr_container_t *c = NULL;
    assert_ctr_ok(ctr_container_create(&c, rt, &o));
    assert_ctr_err(ctr_container_start(c), -ENOENT);
    assert_non_null(strstr(ctr_error_last()->message, "/nonexistent/rootfs"));
    assert_int_equal(state_of(c), CTR_STATE_CONFIGURED);
    rm(c);
    /* A command that does not exist in the rootfs. */
    const char *cmd[] = { "/bin/no-such-command", NULL };
    o = (ctr_container_options_t)CTR_CONTAINER_OPTIONS_INIT;
    o.rootfs = rootfs;
    o.command = cmd;
    o.name = "nocmd";
    assert_ctr_ok(ctr_container_create(&c, rt, &o));
    int r = ctr_container_start(c);
    assert_true(r < 0);
    assert_non_null(strstr(ctr_error_last()->message, "no-such-command"));
    ctr_state_t st = state_of(c);
    assert_true(st == CTR_STATE_CONFIGURED || st == CTR_STATE_EXITED);
    /* And it can be fixed up and removed. */
    rm(c);
    /* An unknown user. */
    o.command = NULL;
    o.user = "ghost";
    o.name = "ghostly";
    assert_ctr_ok(ctr_container_create(&c, rt, &o));
    assert_ctr_err(ctr_container_start(c), -ENOENT);
    assert_non_null(strstr(ctr_error_last()->message, "ghost"));
    assert_int_equal(state_of(c), CTR_STATE_CONFIGURED);
    rm(c);
}

/* ---- many at once ---- */

struct many_job {
    int i;
    int r;
    char msg[256];
};

static void *many_thread(void *p)
{
    struct many_job *j = p;
    char name[32];
    snprintf(name, sizeof name, "many-%d", j->i);
    const char *cmd[] = { "/bin/sh", "-c", "sleep 0.2", NULL };
    ctr_container_options_t o = CTR_CONTAINER_OPTIONS_INIT;
    o.rootfs = rootfs;
    o.name = name;
    o.command = cmd;
    ctr_container_t *c = NULL;
    int code = -1;
    j->r = ctr_container_create(&c, rt, &o);
    if (j->r == 0)
        j->r = ctr_container_start(c);
    if (j->r == 0)
        j->r = ctr_container_wait(c, 30000, &code);
    if (j->r == 0 && code != 0)
        j->r = -EPROTO;
    if (c) {
        int k = ctr_container_remove(c, CTR_REMOVE_FORCE);
        if (j->r == 0)
            j->r = k;
        ctr_container_unref(c);
    }
    if (j->r < 0)
        snprintf(j->msg, sizeof j->msg, "%s", ctr_error_last()->message);
    return NULL;
}

static void test_fifty_concurrent(void **state)
{
    enum { N = 50 };
    pthread_t th[N];
    struct many_job jobs[N];
    for (int i = 0; i < N; i++) {
        jobs[i] = (struct many_job){ .i = i };
        pthread_create(&th[i], NULL, many_thread, &jobs[i]);
    }
    for (int i = 0; i < N; i++) {
        pthread_join(th[i], NULL);
        if (jobs[i].r != 0)
            fail_msg("container %d: %d %s", i, jobs[i].r, jobs[i].msg);
    }
    ctr_container_t **l = NULL;
    size_t n = 0;
    assert_ctr_ok(ctr_runtime_list(rt, NULL, NULL, &l, &n));
    for (size_t i = 0; i < n; i++)
        fprintf(stderr, "left: %s\n", ctr_container_name(l[i]));
    ctr_container_list_free(l, n);
    assert_int_equal(n, 0);
}

/* ---- seed regressions ---- */

static void test_wait_not_busy(void **state)
{
    /* The seed's Wait() polled in a busy loop; ours sleeps in the kernel. */
    ctr_container_t *c = make("sleepy", "sleep 1");
    assert_ctr_ok(ctr_container_start(c));
    struct timespec c0, c1;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c0);
    double t0 = now_s();
    assert_ctr_ok(ctr_container_wait(c, 10000, NULL));
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c1);
    double cpu = (double)(c1.tv_sec - c0.tv_sec) + (double)(c1.tv_nsec - c0.tv_nsec) / 1e9;
    assert_true(now_s() - t0 > 0.5);
    assert_true(cpu < 0.05);
    rm(c);
}

/* ---- leftovers ---- */

static int count_lines(const char *cmd)
{
    FILE *f = popen(cmd, "r");
    if (!f)
        return -1;
    int n = 0;
    char line[512];
    while (fgets(line, sizeof line, f))
        n++;
    pclose(f);
    return n;
}

/* Processes named conmon whose command line mentions dir. */
static int count_monitors(const char *dir)
{
    DIR *d = opendir("/proc");
    struct dirent *de;
    int n = 0;
    while (d && (de = readdir(d))) {
        if (de->d_name[0] < '0' || de->d_name[0] > '9')
            continue;
        char path[300], comm[64] = "", cmdline[8192];
        snprintf(path, sizeof path, "/proc/%s/comm", de->d_name);
        FILE *f = fopen(path, "r");
        if (!f)
            continue;
        if (!fgets(comm, sizeof comm, f))
            comm[0] = '\0';
        fclose(f);
        if (strcmp(comm, "conmon\n") != 0)
            continue;
        snprintf(path, sizeof path, "/proc/%s/cmdline", de->d_name);
        int fd = open(path, O_RDONLY);
        ssize_t len = fd >= 0 ? read(fd, cmdline, sizeof cmdline - 1) : -1;
        if (fd >= 0)
            close(fd);
        for (ssize_t i = 0; i < len; i++)
            if (cmdline[i] == '\0')
                cmdline[i] = ' ';
        if (len > 0) {
            cmdline[len] = '\0';
            if (strstr(cmdline, dir)) {
                fprintf(stderr, "leftover monitor %s: %s\n", de->d_name, cmdline);
                n++;
            }
        }
    }
    if (d)
        closedir(d);
    return n;
}

static void test_no_leftovers(void **state)
{
    char cmd[512];
    /* No mount under the run root. */
    snprintf(cmd, sizeof cmd, "grep -F -e ' %s/' -e ' %s/' /proc/self/mountinfo", root.root, root.run_root);
    assert_int_equal(count_lines(cmd), 0);
    /* No runc state. */
    snprintf(cmd, sizeof cmd, "runc --root %s/oci/runc list -q 2>/dev/null", root.run_root);
    assert_int_equal(count_lines(cmd), 0);
    /* No conmon of ours: their command lines name our root. */
    assert_int_equal(count_monitors(root.root), 0);
    if (strncmp(root.run_root, root.root, strlen(root.root)) != 0)
        assert_int_equal(count_monitors(root.run_root), 0);
    /* No container directories. */
    snprintf(cmd, sizeof cmd, "%s/containers", root.root);
    assert_int_equal(test_count_entries(cmd), 0);
    snprintf(cmd, sizeof cmd, "%s/containers", root.run_root);
    assert_int_equal(test_count_entries(cmd), 0);
}

/* Which saves libctr makes transient (CTR_STATE_SAVE_TRANSIENT,
 * sys/ctr-state.h), as the "logged" backend (backend-dir.h) saw them. */

/* The index of the last save of state since test_saves.n was from (-1: none). */
static int last_save(int from, const char *state)
{
    int at = -1;
    for (int i = from; i < test_saves.n; i++)
        if (strcmp(test_saves.state[i], state) == 0)
            at = i;
    return at;
}

static void expect_save(int from, const char *state, unsigned int flags)
{
    int i = last_save(from, state);
    if (i < 0)
        fail_msg("no save of the state %s", state);
    if (test_saves.flags[i] != flags)
        fail_msg("the save of %s had the flags %#x, not %#x", state, test_saves.flags[i], flags);
}

static void test_transient_saves(void **state)
{
    (void)state;
    assert_ctr_ok(test_backend_logged_register());
    struct test_root r;
    test_root_make(&r);
    ctr_runtime_t *lrt = test_runtime(&r, "logged");
    ctr_container_options_t o = CTR_CONTAINER_OPTIONS_INIT;
    const char *cmd[] = { "/bin/sleep", "100", NULL };
    o.rootfs = rootfs;
    o.name = "saved";
    o.command = cmd;
    ctr_container_t *c = NULL;
    assert_ctr_ok(ctr_container_create(&c, lrt, &o)); /* add(): no save */
    int from = test_saves.n;
    assert_ctr_ok(ctr_container_init(c));
    expect_save(from, "created", CTR_STATE_SAVE_TRANSIENT);
    assert_ctr_ok(ctr_container_start(c));
    expect_save(from, "running", CTR_STATE_SAVE_TRANSIENT);
    assert_ctr_ok(ctr_container_pause(c));
    expect_save(from, "paused", CTR_STATE_SAVE_TRANSIENT);
    assert_ctr_ok(ctr_container_unpause(c));
    from = test_saves.n;
    assert_ctr_ok(ctr_container_stop(c, 1));
    expect_save(from, "stopping", 0);
    expect_save(from, "exited", CTR_STATE_SAVE_TRANSIENT);
    from = test_saves.n;
    assert_ctr_ok(ctr_container_remove(c, 0));
    expect_save(from, "removing", 0);
    /* Every save: transient exactly for the states a reboot ends. */
    for (int i = 0; i < test_saves.n; i++) {
        bool transient = strcmp(test_saves.state[i], "created") == 0 || strcmp(test_saves.state[i], "running") == 0 ||
                         strcmp(test_saves.state[i], "paused") == 0 || strcmp(test_saves.state[i], "exited") == 0;
        if (test_saves.flags[i] != (transient ? CTR_STATE_SAVE_TRANSIENT : 0u))
            fail_msg("save %d of %s: flags %#x", i, test_saves.state[i], test_saves.flags[i]);
    }
    ctr_container_unref(c);
    ctr_runtime_unref(lrt);
    assert_ctr_ok(ctr_state_backend_unregister("logged"));
    test_root_remove(&r);
}

static int group_setup(void **state)
{
    const char *src = getenv("SOURCE_ROOT");
    bool ci = getenv("CI") && strcmp(getenv("CI"), "true") == 0;
    if (geteuid() != 0 || access("/usr/sbin/runc", X_OK) != 0 || access("/usr/bin/conmon", X_OK) != 0) {
        fprintf(stderr, "integration: needs root, runc and conmon%s\n", ci ? " (CI: failing)" : " (skipping)");
        exit(ci ? 1 : 77);
    }
    test_root_make(&root);
    snprintf(rootfs, sizeof rootfs, "%s/rootfs", root.root);
    char cmd[512];
    snprintf(cmd, sizeof cmd, "%s/tests/lib/make-rootfs.sh %s", src ? src : ".", rootfs);
    if (system(cmd) != 0)
        return -1;
    rt = test_runtime(&root, getenv("CTR_TEST_BACKEND") ? getenv("CTR_TEST_BACKEND") : "files");
    return 0;
}

static int group_teardown(void **state)
{
    ctr_runtime_unref(rt);
    test_root_remove(&root);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_exit_codes),
        cmocka_unit_test(test_immediate_exit_order),
        cmocka_unit_test(test_logs),
        cmocka_unit_test(test_logs_follow),
        cmocka_unit_test(test_transitions),
        cmocka_unit_test(test_stop_timeout),
        cmocka_unit_test(test_exec),
        cmocka_unit_test(test_concurrent_execs),
        cmocka_unit_test(test_attach),
        cmocka_unit_test(test_attach_start),
        cmocka_unit_test(test_attach_detach_keys),
        cmocka_unit_test(test_shared_namespaces),
        cmocka_unit_test(test_dependency_not_running),
        cmocka_unit_test(test_killed_monitor),
        cmocka_unit_test(test_wrong_input),
        cmocka_unit_test(test_fifty_concurrent),
        cmocka_unit_test(test_wait_not_busy),
        cmocka_unit_test(test_transient_saves),
        cmocka_unit_test(test_no_leftovers),
    };
    return cmocka_run_group_tests_name("lifecycle", tests, group_setup, group_teardown);
}
