/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The OCI runtime layer (lib/oci) against real runc, crun and conmon on a
 * busybox root file system.  Needs root; in CI (CI=true) it never skips. */
#include <stddef.h>
#include <dirent.h>
#include <fcntl.h>
#include <libctr/ctr-error.h>
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "base/error.h"
#include "oci/oci.h"

#ifndef SOURCE_ROOT_DEFAULT
#define SOURCE_ROOT_DEFAULT "."
#endif

static char base[128];          /* the test's scratch directory */
static char rootfs[PATH_MAX];
static char state_dir[PATH_MAX];
static char crun_state_dir[PATH_MAX];
static char exit_dir[PATH_MAX];
static ctr__oci_t *runc;
static int counter;

/* ---- Helpers ---- */

static void xsystem(const char *fmt, ...)
{
    char cmd[4096];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    int r = system(cmd);
    if (r != 0)
        fail_msg("command failed (%d): %s", r, cmd);
}

static char *run_capture(const char *fmt, ...)
{
    char cmd[4096];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    FILE *f = popen(cmd, "r");
    assert_non_null(f);
    char *out = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&out, &len);
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        fwrite(buf, 1, n, m);
    pclose(f);
    fclose(m);
    return out;
}

/* A JSON string array from a NULL-terminated list (test strings are simple). */
static void json_args(char *buf, size_t size, const char *const *args)
{
    size_t o = 0;
    o += (size_t)snprintf(buf + o, size - o, "[");
    for (size_t i = 0; args[i]; i++) {
        o += (size_t)snprintf(buf + o, size - o, "%s\"", i ? "," : "");
        for (const char *p = args[i]; *p && o + 8 < size; p++) {
            if (*p == '"' || *p == '\\')
                buf[o++] = '\\';
            if (*p == '\n') {
                buf[o++] = '\\';
                buf[o++] = 'n';
                continue;
            }
            buf[o++] = *p;
        }
        o += (size_t)snprintf(buf + o, size - o, "\"");
    }
    snprintf(buf + o, size - o, "]");
}

#define CAPS "[\"CAP_CHOWN\",\"CAP_DAC_OVERRIDE\",\"CAP_FOWNER\",\"CAP_KILL\",\"CAP_SETGID\",\"CAP_SETUID\"," \
             "\"CAP_NET_BIND_SERVICE\",\"CAP_SYS_CHROOT\",\"CAP_AUDIT_WRITE\"]"

static const char *process_json(char *buf, size_t size, const char *const *args, bool terminal)
{
    char a[2048];
    json_args(a, sizeof a, args);
    snprintf(buf, size,
             "{\"terminal\":%s,\"user\":{\"uid\":0,\"gid\":0},\"args\":%s,"
             "\"env\":[\"PATH=/usr/sbin:/usr/bin:/sbin:/bin\",\"TERM=xterm\"],\"cwd\":\"/\","
             "\"capabilities\":{\"bounding\":" CAPS ",\"effective\":" CAPS ",\"permitted\":" CAPS "},"
             "\"noNewPrivileges\":true}",
             terminal ? "true" : "false", a);
    return buf;
}

/* A container under test: its directories and descriptor. */
struct tc {
    char id[65];
    char bundle[PATH_MAX];
    char run[PATH_MAX];
    ctr_oci_container_t c;
};

/* Make a bundle whose config.json runs args. */
static void tc_init(struct tc *t, const char *const *args, bool terminal)
{
    char rnd[65];
    assert_int_equal(ctr__random_id(rnd), 0);
    snprintf(t->id, sizeof t->id, "%s", rnd);
    int n = __atomic_add_fetch(&counter, 1, __ATOMIC_SEQ_CST);
    snprintf(t->bundle, sizeof t->bundle, "%s/bundles/b%d", base, n);
    snprintf(t->run, sizeof t->run, "%s/run/r%d", base, n);
    assert_int_equal(ctr__mkdir_p(t->bundle, 0700), 0);
    assert_int_equal(ctr__mkdir_p(t->run, 0700), 0);

    char proc[4096];
    process_json(proc, sizeof proc, args, terminal);
    char *cfg = ctr__asprintf(
        "{\"ociVersion\":\"1.0.2\",\"process\":%s,"
        "\"root\":{\"path\":\"%s\",\"readonly\":true},\"hostname\":\"oci-test\","
        "\"mounts\":["
        "{\"destination\":\"/proc\",\"type\":\"proc\",\"source\":\"proc\"},"
        "{\"destination\":\"/dev\",\"type\":\"tmpfs\",\"source\":\"tmpfs\",\"options\":[\"nosuid\",\"strictatime\",\"mode=755\",\"size=65536k\"]},"
        "{\"destination\":\"/dev/pts\",\"type\":\"devpts\",\"source\":\"devpts\",\"options\":[\"nosuid\",\"noexec\",\"newinstance\",\"ptmxmode=0666\",\"mode=0620\"]},"
        "{\"destination\":\"/dev/shm\",\"type\":\"tmpfs\",\"source\":\"shm\",\"options\":[\"nosuid\",\"noexec\",\"nodev\",\"mode=1777\",\"size=65536k\"]},"
        "{\"destination\":\"/tmp\",\"type\":\"tmpfs\",\"source\":\"tmpfs\",\"options\":[\"nosuid\",\"nodev\",\"mode=1777\"]},"
        "{\"destination\":\"/sys\",\"type\":\"sysfs\",\"source\":\"sysfs\",\"options\":[\"nosuid\",\"noexec\",\"nodev\",\"ro\"]}],"
        "\"linux\":{\"namespaces\":[{\"type\":\"pid\"},{\"type\":\"network\"},{\"type\":\"ipc\"},{\"type\":\"uts\"},{\"type\":\"mount\"}],"
        "\"resources\":{\"devices\":[{\"allow\":false,\"access\":\"rwm\"}]},"
        "\"maskedPaths\":[\"/proc/kcore\",\"/sys/firmware\"],\"readonlyPaths\":[\"/proc/sys\"]}}",
        proc, rootfs);
    assert_non_null(cfg);
    int dfd = open(t->bundle, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    assert_true(dfd >= 0);
    assert_int_equal(ctr__write_file_at(dfd, "config.json", cfg, strlen(cfg), 0600, false), 0);
    close(dfd);
    free(cfg);
    t->c = ctr__oci_container(t->id, t->bundle, t->run, exit_dir, 0, 0);
}

static void tc_create_with(ctr__oci_t *oci, struct tc *t, uint64_t flags, const char *log_path)
{
    ctr_oci_create_options_t o = { .version = CTR_OCI_BACKEND_VERSION, .name = "test", .log_path = log_path,
                                   .flags = flags };
    pid_t pid = 0, mon = 0;
    int r = ctr__oci_create(oci, &t->c, &o, &pid, &mon);
    if (r != 0)
        fail_msg("create failed: %d %s", r, ctr_error_last()->message);
    assert_true(pid > 0);
    assert_true(mon > 0);
    t->c.pid = pid;
    t->c.monitor_pid = mon;
}

static void tc_create(struct tc *t, uint64_t flags)
{
    tc_create_with(runc, t, flags, NULL);
}

static void tc_run(struct tc *t, uint64_t flags)
{
    tc_create(t, flags);
    int r = ctr__oci_start(runc, &t->c);
    if (r != 0)
        fail_msg("start failed: %d %s", r, ctr_error_last()->message);
}

/* Running (not gone, not a zombie waiting for init to reap it). */
static bool process_alive(pid_t pid)
{
    char path[64], *stat = NULL;
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    if (ctr__read_file_at(AT_FDCWD, path, &stat, NULL) < 0)
        return false;
    const char *p = strrchr(stat, ')');
    bool alive = p && p[1] == ' ' && p[2] != 'Z' && p[2] != 'X';
    free(stat);
    return alive;
}

/* Remove and check nothing is left of the container. */
static void tc_remove_with(ctr__oci_t *oci, struct tc *t, const char *state)
{
    int r = ctr__oci_remove(oci, &t->c, CTR_OCI_REMOVE_FORCE);
    if (r != 0)
        fail_msg("remove failed: %d %s", r, ctr_error_last()->message);
    char path[PATH_MAX * 2];
    snprintf(path, sizeof path, "%s/%s", exit_dir, t->id);
    assert_int_equal(access(path, F_OK), -1);
    snprintf(path, sizeof path, "%s/%s", state, t->id);
    assert_int_equal(access(path, F_OK), -1);
    if (t->c.monitor_pid > 0)
        assert_false(process_alive(t->c.monitor_pid));
    assert_int_equal(ctr__rm_rf(t->bundle), 0);
    assert_int_equal(ctr__rm_rf(t->run), 0);
}

static void tc_remove(struct tc *t)
{
    tc_remove_with(runc, t, state_dir);
}

static int wait_code(struct tc *t, int timeout_ms)
{
    ctr_oci_exit_t e;
    int r = ctr__oci_wait_exit(runc, &t->c, timeout_ms, &e);
    if (r < 0)
        return r;
    assert_true(e.finished > 0);
    return e.exit_code;
}

static char *read_all_fd(int fd)
{
    char *s = NULL;
    assert_int_equal(ctr__read_fd(fd, &s, NULL), 0);
    return s;
}

static bool cgroup_hybrid(void)
{
    struct statfs fs;
    return statfs("/sys/fs/cgroup", &fs) == 0 && (unsigned long)fs.f_type == 0x01021994 &&
           statfs("/sys/fs/cgroup/unified", &fs) == 0 && (unsigned long)fs.f_type == 0x63677270;
}

/* ---- Setup ---- */

static int group_setup(void **state)
{
    (void)state;
    const char *ci = getenv("CI");
    bool in_ci = ci && streq(ci, "true");
    char *runc_path = NULL, *conmon_path = NULL;
    bool ok = geteuid() == 0 && ctr__find_program("runc", &runc_path) == 0 &&
              ctr__find_program("conmon", &conmon_path) == 0;
    free(runc_path);
    free(conmon_path);
    if (!ok) {
        if (in_ci) {
            fprintf(stderr, "test-oci: needs root, runc and conmon (CI=true: failing instead of skipping)\n");
            return -1;
        }
        fprintf(stderr, "test-oci: skipped: needs root, runc and conmon\n");
        exit(77);
    }

    snprintf(base, sizeof base, "/tmp/ctr-test-oci.XXXXXX");
    if (!mkdtemp(base))
        return -1;
    snprintf(rootfs, sizeof rootfs, "%s/rootfs", base);
    snprintf(state_dir, sizeof state_dir, "%s/state/runc", base);
    snprintf(crun_state_dir, sizeof crun_state_dir, "%s/state/crun", base);
    snprintf(exit_dir, sizeof exit_dir, "%s/exits", base);
    const char *src = getenv("SOURCE_ROOT");
    xsystem("sh '%s/tests/lib/make-rootfs.sh' '%s' >/dev/null", src ? src : SOURCE_ROOT_DEFAULT, rootfs);
    ctr__mkdir_p(exit_dir, 0700);
    int r = ctr__oci_open(&runc, NULL, NULL, state_dir);
    if (r < 0) {
        fprintf(stderr, "ctr__oci_open: %s\n", ctr_error_last()->message);
        return -1;
    }
    return 0;
}

/* No conmon or container process of ours, no runtime state, no directory. */
static int group_teardown(void **state)
{
    (void)state;
    int bad = 0;
    char *list = run_capture("runc --root '%s' list -q 2>&1", state_dir);
    if (list && *list) {
        fprintf(stderr, "leftover runc containers: %s\n", list);
        bad++;
    }
    free(list);
    DIR *d = opendir("/proc");
    struct dirent *de;
    while (d && (de = readdir(d))) {
        if (de->d_name[0] < '0' || de->d_name[0] > '9')
            continue;
        char path[300], link[PATH_MAX];
        snprintf(path, sizeof path, "/proc/%s/root", de->d_name);
        ssize_t n = readlink(path, link, sizeof link - 1);
        if (n > 0) {
            link[n] = '\0';
            if (strncmp(link, base, strlen(base)) == 0) {
                fprintf(stderr, "leftover container process %s\n", de->d_name);
                bad++;
            }
        }
        snprintf(path, sizeof path, "/proc/%s/cmdline", de->d_name);
        char *cmd = NULL;
        size_t size = 0;
        if (ctr__read_file_at(AT_FDCWD, path, &cmd, &size) == 0) {
            bool conmon = strstr(cmd, "conmon") != NULL, ours = false;
            for (size_t i = 0; i < size; i += strlen(cmd + i) + 1)
                if (strstr(cmd + i, base))
                    ours = true;
            if (conmon && ours) {
                fprintf(stderr, "leftover conmon %s\n", de->d_name);
                bad++;
            }
        }
        free(cmd);
    }
    if (d)
        closedir(d);
    runc = ctr__oci_close(runc);

    /* Only the rootfs, the (empty) state and exit directories may remain. */
    char *left = run_capture("cd '%s' && find . -mindepth 1 -maxdepth 3 ! -path './rootfs*' "
                             "! -path ./state ! -path ./state/runc ! -path ./state/crun ! -path ./exits "
                             "! -path ./bundles ! -path ./run", base);
    if (left && *left) {
        fprintf(stderr, "leftover files in %s:\n%s\n", base, left);
        bad++;
    }
    free(left);
    ctr__rm_rf(base);
    if (access(base, F_OK) == 0) {
        fprintf(stderr, "could not remove %s\n", base);
        bad++;
    }
    return bad ? -1 : 0;
}

/* ---- Tests ---- */

static void test_exit_codes(void **state)
{
    (void)state;
    static const char *const t_true[] = { "true", NULL };
    static const char *const t_false[] = { "sh", "-c", "exit 1", NULL };
    static const char *const t_sleep[] = { "sleep", "100", NULL };

    struct tc t;
    tc_init(&t, t_true, false);
    tc_create(&t, 0);
    ctr_oci_status_t st;
    pid_t pid;
    assert_int_equal(ctr__oci_state(runc, &t.c, &st, &pid), 0);
    assert_int_equal(st, CTR_OCI_STATUS_CREATED);
    assert_int_equal(pid, t.c.pid);
    ctr_oci_exit_t e;
    assert_int_equal(ctr__oci_exit_status(runc, &t.c, &e), -EAGAIN);
    assert_int_equal(ctr__oci_start(runc, &t.c), 0);
    assert_int_equal(wait_code(&t, 10000), 0);
    assert_int_equal(ctr__oci_exit_status(runc, &t.c, &e), 0);
    assert_int_equal(e.exit_code, 0);
    assert_int_equal(e.oom_killed, 0);
    assert_true(llabs(e.finished - ctr__now_ns()) < 60LL * 1000000000);
    assert_int_equal(ctr__oci_state(runc, &t.c, &st, &pid), 0);
    assert_int_equal(st, CTR_OCI_STATUS_STOPPED);
    /* Starting it again is the wrong state. */
    assert_int_equal(ctr__oci_start(runc, &t.c), -EBUSY);
    assert_int_equal(ctr__oci_kill(runc, &t.c, SIGTERM, 0), -ESRCH);
    tc_remove(&t);

    tc_init(&t, t_false, false);
    tc_run(&t, 0);
    assert_int_equal(wait_code(&t, 10000), 1);
    tc_remove(&t);

    tc_init(&t, t_sleep, false);
    tc_run(&t, 0);
    assert_int_equal(ctr__oci_state(runc, &t.c, &st, &pid), 0);
    assert_int_equal(st, CTR_OCI_STATUS_RUNNING);
    assert_int_equal(wait_code(&t, 0), -ETIMEDOUT);
    assert_int_equal(ctr__oci_kill(runc, &t.c, SIGKILL, 0), 0);
    assert_int_equal(wait_code(&t, 10000), 137);
    tc_remove(&t);
}

static void test_sigterm_ignored(void **state)
{
    (void)state;
    /* PID 1 without a handler ignores SIGTERM: stop = signal, timeout, SIGKILL. */
    static const char *const args[] = { "sleep", "100", NULL };
    struct tc t;
    tc_init(&t, args, false);
    tc_run(&t, 0);
    assert_int_equal(ctr__oci_kill(runc, &t.c, SIGTERM, 0), 0);
    assert_int_equal(wait_code(&t, 300), -ETIMEDOUT);
    ctr_oci_exit_t e;
    assert_int_equal(ctr__oci_exit_status(runc, &t.c, &e), -EAGAIN);
    assert_int_equal(ctr__oci_kill(runc, &t.c, SIGKILL, CTR_OCI_KILL_ALL), 0);
    assert_int_equal(wait_code(&t, 10000), 137);
    tc_remove(&t);
}

static void test_pause_resume(void **state)
{
    (void)state;
    static const char *const args[] = { "sleep", "100", NULL };
    struct tc t;
    tc_init(&t, args, false);
    tc_run(&t, 0);
    assert_true(ctr__oci_has(runc, CTR_OCI_CAP_PAUSE));
    assert_int_equal(ctr__oci_pause(runc, &t.c), 0);
    ctr_oci_status_t st;
    pid_t pid;
    assert_int_equal(ctr__oci_state(runc, &t.c, &st, &pid), 0);
    assert_int_equal(st, CTR_OCI_STATUS_PAUSED);
    assert_int_equal(ctr__oci_pause(runc, &t.c), -EBUSY);

    /* exec into a paused container fails with the wrong state. */
    char proc[4096];
    static const char *const t_true[] = { "true", NULL };
    ctr_oci_exec_options_t x = { .version = CTR_OCI_BACKEND_VERSION,
                                 .process_json = process_json(proc, sizeof proc, t_true, false),
                                 .stdin_fd = -1, .stdout_fd = -1, .stderr_fd = -1 };
    int code = -100;
    int r = ctr__oci_exec(runc, &t.c, &x, &code);
    assert_int_equal(r, -EBUSY);
    assert_non_null(strstr(ctr_error_last()->message, "paused"));

    assert_int_equal(ctr__oci_resume(runc, &t.c), 0);
    assert_int_equal(ctr__oci_state(runc, &t.c, &st, &pid), 0);
    assert_int_equal(st, CTR_OCI_STATUS_RUNNING);
    assert_int_equal(ctr__oci_resume(runc, &t.c), -EBUSY);

    /* update resources */
    assert_int_equal(ctr__oci_update(runc, &t.c, "{\"pids\":{\"limit\":200}}"), 0);
    assert_int_equal(ctr__oci_update(runc, &t.c, "[1]"), -EINVAL);

    /* reopen the log (conmon's control FIFO) */
    assert_int_equal(ctr__oci_reopen_log(runc, &t.c), 0);

    assert_int_equal(ctr__oci_kill(runc, &t.c, SIGKILL, 0), 0);
    assert_int_equal(wait_code(&t, 10000), 137);
    tc_remove(&t);
}

struct exec_job {
    struct tc *t;
    int n;
    int r;
    int code;
    char *out;
};

static void *exec_thread(void *arg)
{
    struct exec_job *j = arg;
    char script[128], proc[4096];
    snprintf(script, sizeof script, "echo out-%d; echo err-%d >&2; exit %d", j->n, j->n, j->n);
    const char *args[] = { "sh", "-c", script, NULL };
    int out[2];
    if (pipe2(out, O_CLOEXEC) < 0)
        return NULL;
    ctr_oci_exec_options_t x = { .version = CTR_OCI_BACKEND_VERSION,
                                 .process_json = process_json(proc, sizeof proc, args, false),
                                 .stdin_fd = -1, .stdout_fd = out[1], .stderr_fd = out[1] };
    j->r = ctr__oci_exec(runc, &j->t->c, &x, &j->code);
    close(out[1]);
    ctr__read_fd(out[0], &j->out, NULL);
    close(out[0]);
    return NULL;
}

static void test_exec(void **state)
{
    (void)state;
    static const char *const args[] = { "sleep", "100", NULL };
    struct tc t;
    tc_init(&t, args, false);
    tc_run(&t, 0);

    /* One exec with separate stdout and stderr and an exit code. */
    char proc[4096];
    static const char *const sh[] = { "sh", "-c", "echo hello; echo oops >&2; read x; echo got $x; exit 3", NULL };
    int in[2], out[2], err[2];
    assert_int_equal(pipe2(in, O_CLOEXEC), 0);
    assert_int_equal(pipe2(out, O_CLOEXEC), 0);
    assert_int_equal(pipe2(err, O_CLOEXEC), 0);
    assert_int_equal(write(in[1], "abc\n", 4), 4);
    close(in[1]);
    ctr_oci_exec_options_t x = { .version = CTR_OCI_BACKEND_VERSION,
                                 .process_json = process_json(proc, sizeof proc, sh, false),
                                 .stdin_fd = in[0], .stdout_fd = out[1], .stderr_fd = err[1] };
    int code = -100;
    int r = ctr__oci_exec(runc, &t.c, &x, &code);
    if (r != 0)
        fail_msg("exec: %d %s", r, ctr_error_last()->message);
    assert_int_equal(code, 3);
    close(in[0]);
    close(out[1]);
    close(err[1]);
    char *o = read_all_fd(out[0]), *e = read_all_fd(err[0]);
    assert_string_equal(o, "hello\ngot abc\n");
    assert_string_equal(e, "oops\n");
    free(o);
    free(e);
    close(out[0]);
    close(err[0]);

    /* Killed by a signal: 128 + signal. */
    static const char *const selfkill[] = { "sh", "-c", "kill -9 $$", NULL };
    x = (ctr_oci_exec_options_t){ .version = CTR_OCI_BACKEND_VERSION,
                                  .process_json = process_json(proc, sizeof proc, selfkill, false),
                                  .stdin_fd = -1, .stdout_fd = -1, .stderr_fd = -1 };
    assert_int_equal(ctr__oci_exec(runc, &t.c, &x, &code), 0);
    assert_int_equal(code, 137);

    /* A missing executable is the runtime's error, verbatim. */
    static const char *const nope[] = { "/no/such/binary", NULL };
    x.process_json = process_json(proc, sizeof proc, nope, false);
    r = ctr__oci_exec(runc, &t.c, &x, &code);
    assert_true(r < 0);
    assert_non_null(strstr(ctr_error_last()->message, "/no/such/binary"));

    /* Malformed process JSON. */
    x.process_json = "{\"args\": 1}";
    assert_int_equal(ctr__oci_exec(runc, &t.c, &x, &code), -EINVAL);
    x.process_json = "not json";
    assert_int_equal(ctr__oci_exec(runc, &t.c, &x, &code), -EINVAL);

    /* Timeout. */
    static const char *const slow[] = { "sleep", "30", NULL };
    x.process_json = process_json(proc, sizeof proc, slow, false);
    x.timeout = 1;
    assert_int_equal(ctr__oci_exec(runc, &t.c, &x, &code), -ETIMEDOUT);
    x.timeout = 0;

    /* A tty exec: output through the terminal. */
    static const char *const tty[] = { "sh", "-c", "test -t 0 && test -t 1 && echo tty-ok", NULL };
    assert_int_equal(pipe2(out, O_CLOEXEC), 0);
    x = (ctr_oci_exec_options_t){ .version = CTR_OCI_BACKEND_VERSION,
                                  .process_json = process_json(proc, sizeof proc, tty, false),
                                  .stdin_fd = -1, .stdout_fd = out[1], .stderr_fd = -1, .flags = CTR_OCI_EXEC_TTY };
    r = ctr__oci_exec(runc, &t.c, &x, &code);
    if (r != 0)
        fail_msg("tty exec: %d %s", r, ctr_error_last()->message);
    assert_int_equal(code, 0);
    close(out[1]);
    o = read_all_fd(out[0]);
    assert_non_null(strstr(o, "tty-ok\r\n"));
    free(o);
    close(out[0]);

    /* Ten at once. */
    struct exec_job jobs[10];
    pthread_t th[10];
    for (int i = 0; i < 10; i++) {
        jobs[i] = (struct exec_job){ .t = &t, .n = i + 10, .r = -1000, .code = -1 };
        assert_int_equal(pthread_create(&th[i], NULL, exec_thread, &jobs[i]), 0);
    }
    for (int i = 0; i < 10; i++) {
        pthread_join(th[i], NULL);
        if (jobs[i].r != 0)
            fail_msg("concurrent exec %d: %d", i, jobs[i].r);
        assert_int_equal(jobs[i].code, i + 10);
        char want1[32], want2[32];
        snprintf(want1, sizeof want1, "out-%d\n", i + 10);
        snprintf(want2, sizeof want2, "err-%d\n", i + 10);
        assert_non_null(jobs[i].out);
        assert_non_null(strstr(jobs[i].out, want1));
        assert_non_null(strstr(jobs[i].out, want2));
        free(jobs[i].out);
    }

    /* No exec session directory is left behind. */
    char path[PATH_MAX + 8];
    snprintf(path, sizeof path, "%s/exec", t.run);
    DIR *d = opendir(path);
    assert_non_null(d);
    struct dirent *de;
    int entries = 0;
    while ((de = readdir(d)))
        if (de->d_name[0] != '.')
            entries++;
    closedir(d);
    assert_int_equal(entries, 0);

    assert_int_equal(ctr__oci_kill(runc, &t.c, SIGKILL, 0), 0);
    assert_int_equal(wait_code(&t, 10000), 137);
    /* exec into a stopped container */
    x = (ctr_oci_exec_options_t){ .version = CTR_OCI_BACKEND_VERSION,
                                  .process_json = process_json(proc, sizeof proc, slow, false),
                                  .stdin_fd = -1, .stdout_fd = -1, .stderr_fd = -1 };
    r = ctr__oci_exec(runc, &t.c, &x, &code);
    assert_true(r == -EBUSY || r == -EIO);
    tc_remove(&t);
}

static int start_cb(void *userdata)
{
    struct tc *t = userdata;
    return ctr__oci_start(runc, &t->c);
}

static void test_attach(void **state)
{
    (void)state;
    /* cat echoes stdin; attach before start so nothing is lost. */
    static const char *const cat[] = { "cat", NULL };
    struct tc t;
    tc_init(&t, cat, false);
    tc_create(&t, CTR_OCI_CREATE_STDIN);
    int in[2], out[2];
    assert_int_equal(pipe2(in, O_CLOEXEC), 0);
    assert_int_equal(pipe2(out, O_CLOEXEC), 0);
    /* A partial detach sequence is passed through. */
    assert_int_equal(write(in[1], "hello\x10world\n", 12), 12);
    close(in[1]);
    ctr_oci_attach_options_t a = { .version = CTR_OCI_BACKEND_VERSION, .stdin_fd = in[0], .stdout_fd = out[1],
                                   .stderr_fd = out[1], .attached = start_cb, .attached_userdata = &t };
    int r = ctr__oci_attach(runc, &t.c, &a);
    if (r != 0)
        fail_msg("attach: %d %s", r, ctr_error_last()->message);
    close(out[1]);
    char *o = read_all_fd(out[0]);
    assert_string_equal(o, "hello\x10world\n");
    free(o);
    close(out[0]);
    close(in[0]);
    assert_int_equal(wait_code(&t, 10000), 0);
    /* Nothing to attach to any more. */
    a = (ctr_oci_attach_options_t){ .version = CTR_OCI_BACKEND_VERSION, .stdin_fd = -1, .stdout_fd = -1,
                                    .stderr_fd = -1 };
    assert_int_equal(ctr__oci_attach(runc, &t.c, &a), -EBUSY);
    assert_int_equal(ctr__oci_resize(runc, &t.c, 10, 10), -EBUSY);
    assert_int_equal(ctr__oci_reopen_log(runc, &t.c), -EBUSY);
    tc_remove(&t);
}

struct typist {
    int out_fd;       /* read the container's output from here */
    int in_fd;        /* then type the keys here */
    const char *wait_for;
    const char *keys;
    size_t keys_len;
    char seen[256];
};

static void *typist_thread(void *arg)
{
    struct typist *ty = arg;
    size_t n = 0;
    while (n + 1 < sizeof ty->seen && !strstr(ty->seen, ty->wait_for)) {
        ssize_t k = read(ty->out_fd, ty->seen + n, sizeof ty->seen - 1 - n);
        if (k <= 0)
            break;
        n += (size_t)k;
        ty->seen[n] = '\0';
    }
    if (write(ty->in_fd, ty->keys, ty->keys_len) != (ssize_t)ty->keys_len)
        return NULL;
    return NULL;
}

static void test_detach(void **state)
{
    (void)state;
    static const char *const args[] = { "sh", "-c", "echo ready; sleep 100", NULL };
    struct tc t;
    tc_init(&t, args, false);
    tc_create(&t, CTR_OCI_CREATE_STDIN);
    int in[2], out[2];
    assert_int_equal(pipe2(in, O_CLOEXEC), 0);
    assert_int_equal(pipe2(out, O_CLOEXEC), 0);
    ctr_oci_attach_options_t a = { .version = CTR_OCI_BACKEND_VERSION, .stdin_fd = in[0], .stdout_fd = out[1],
                                   .stderr_fd = -1, .detach_keys = "ctrl-x,q",
                                   .attached = start_cb, .attached_userdata = &t };
    /* Once the container said "ready", type: the default ctrl-p,ctrl-q
     * does nothing here, ctrl-x,q detaches. */
    struct typist ty = { .out_fd = out[0], .in_fd = in[1], .wait_for = "ready\n",
                         .keys = "a\x10\x11" "b\x18q", .keys_len = 6 };
    pthread_t th;
    assert_int_equal(pthread_create(&th, NULL, typist_thread, &ty), 0);
    int r = ctr__oci_attach(runc, &t.c, &a);
    pthread_join(th, NULL);
    if (r != CTR_OCI_DETACHED)
        fail_msg("attach: %d %s", r, ctr_error_last()->message);
    assert_string_equal(ty.seen, "ready\n");
    /* Still running after the detach. */
    ctr_oci_exit_t e;
    assert_int_equal(ctr__oci_exit_status(runc, &t.c, &e), -EAGAIN);

    /* Bad keys. */
    a.detach_keys = "ctrl-";
    assert_int_equal(ctr__oci_attach(runc, &t.c, &a), -EINVAL);

    /* Attach again and return at once on stdin EOF. */
    int devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
    a = (ctr_oci_attach_options_t){ .version = CTR_OCI_BACKEND_VERSION, .stdin_fd = devnull, .stdout_fd = -1,
                                    .stderr_fd = -1, .flags = CTR_OCI_ATTACH_RETURN_ON_STDIN_EOF };
    assert_int_equal(ctr__oci_attach(runc, &t.c, &a), 0);
    close(devnull);
    close(in[1]);
    close(in[0]);
    close(out[1]);
    close(out[0]);

    /* Detach from an exec session too. */
    char proc[4096];
    static const char *const sl[] = { "sh", "-c", "echo go; sleep 100", NULL };
    assert_int_equal(pipe2(in, O_CLOEXEC), 0);
    assert_int_equal(pipe2(out, O_CLOEXEC), 0);
    ctr_oci_exec_options_t x = { .version = CTR_OCI_BACKEND_VERSION,
                                 .process_json = process_json(proc, sizeof proc, sl, false),
                                 .stdin_fd = in[0], .stdout_fd = out[1], .stderr_fd = -1 };
    ty = (struct typist){ .out_fd = out[0], .in_fd = in[1], .wait_for = "go\n", .keys = "\x10\x11", .keys_len = 2 };
    assert_int_equal(pthread_create(&th, NULL, typist_thread, &ty), 0);
    int code = -100;
    r = ctr__oci_exec(runc, &t.c, &x, &code);
    pthread_join(th, NULL);
    assert_int_equal(r, CTR_OCI_DETACHED);
    assert_int_equal(code, -100);
    close(in[0]);
    close(in[1]);
    close(out[0]);
    close(out[1]);

    assert_int_equal(ctr__oci_kill(runc, &t.c, SIGKILL, CTR_OCI_KILL_ALL), 0);
    assert_int_equal(wait_code(&t, 10000), 137);
    tc_remove(&t);
}

static void test_terminal(void **state)
{
    (void)state;
    static const char *const args[] = { "sh", NULL };
    struct tc t;
    tc_init(&t, args, true);
    tc_create(&t, CTR_OCI_CREATE_TERMINAL);
    assert_int_equal(ctr__oci_resize(runc, &t.c, 31, 101), 0);
    assert_int_equal(ctr__oci_start(runc, &t.c), 0);
    int in[2], out[2];
    assert_int_equal(pipe2(in, O_CLOEXEC), 0);
    assert_int_equal(pipe2(out, O_CLOEXEC), 0);
    const char *cmd = "stty size; exit 5\n";
    assert_int_equal(write(in[1], cmd, strlen(cmd)), (ssize_t)strlen(cmd));
    ctr_oci_attach_options_t a = { .version = CTR_OCI_BACKEND_VERSION, .stdin_fd = in[0], .stdout_fd = out[1],
                                   .stderr_fd = -1 };
    int r = ctr__oci_attach(runc, &t.c, &a);
    if (r != 0)
        fail_msg("attach: %d %s", r, ctr_error_last()->message);
    close(out[1]);
    char *o = read_all_fd(out[0]);
    assert_non_null(strstr(o, "31 101\r\n"));
    free(o);
    close(out[0]);
    close(in[0]);
    close(in[1]);
    assert_int_equal(wait_code(&t, 10000), 5);
    tc_remove(&t);
}

static void test_log(void **state)
{
    (void)state;
    static const char *const args[] = { "sh", "-c", "echo hello; echo oops >&2; printf partial", NULL };
    struct tc t;
    tc_init(&t, args, false);
    char log[PATH_MAX + 16];
    snprintf(log, sizeof log, "%s/ctr.log", t.bundle);
    tc_create_with(runc, &t, 0, log);
    assert_int_equal(ctr__oci_start(runc, &t.c), 0);
    assert_int_equal(wait_code(&t, 10000), 0);
    char *text = NULL;
    assert_int_equal(ctr__read_file_at(AT_FDCWD, log, &text, NULL), 0);
    /* 2026-11-28T09:09:29.664685903+00:00 stdout F hello */
    int lines = 0;
    bool hello = false, oops = false, partial = false;
    for (char *save = NULL, *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        lines++;
        char ts[64], stream[16], tag[4], msg[64] = "";
        int n = sscanf(line, "%63s %15s %3s %63[^\n]", ts, stream, tag, msg);
        assert_true(n >= 3);
        int64_t ns;
        assert_int_equal(ctr__parse_time(ts, &ns), 0);
        if (streq(stream, "stdout") && streq(tag, "F") && streq(msg, "hello"))
            hello = true;
        if (streq(stream, "stderr") && streq(tag, "F") && streq(msg, "oops"))
            oops = true;
        if (streq(stream, "stdout") && streq(tag, "P") && streq(msg, "partial"))
            partial = true;
    }
    assert_true(hello);
    assert_true(oops);
    assert_true(partial);
    free(text);
    tc_remove(&t);
}

static void test_monitor_killed(void **state)
{
    (void)state;
    static const char *const args[] = { "sleep", "100", NULL };
    struct tc t;
    tc_init(&t, args, false);
    tc_run(&t, 0);
    ctr_oci_exit_t e;
    assert_int_equal(ctr__oci_exit_status(runc, &t.c, &e), -EAGAIN);
    /* Kill the conmon we started; wait for it to be gone (pidfd, no polling). */
    int pfd = (int)syscall(SYS_pidfd_open, t.c.monitor_pid, 0);
    assert_true(pfd >= 0 || errno == ENOSYS); /* valgrind lacks pidfd_open */
    assert_int_equal(kill(t.c.monitor_pid, SIGKILL), 0);
    if (pfd >= 0) {
        struct pollfd p = { .fd = pfd, .events = POLLIN };
        assert_int_equal(poll(&p, 1, 10000), 1);
        close(pfd);
    } else {
        /* Reparented to init, which may leave it a zombie: watch its state. */
        for (int i = 0; i < 1000; i++) {
            char path[64], st[512] = "";
            snprintf(path, sizeof path, "/proc/%d/stat", (int)t.c.monitor_pid);
            FILE *f = fopen(path, "r");
            if (!f)
                break;
            if (!fgets(st, sizeof st, f))
                st[0] = '\0';
            fclose(f);
            char *rp = strrchr(st, ')');
            if (rp && rp[1] == ' ' && rp[2] == 'Z')
                break;
            usleep(10000);
        }
    }
    int64_t before = ctr__now_ns();
    assert_int_equal(ctr__oci_exit_status(runc, &t.c, &e), 0);
    assert_int_equal(e.exit_code, -1);
    assert_true(e.finished >= before);
    assert_int_equal(wait_code(&t, 1000), -1);
    /* A recycled PID is not mistaken for the monitor: point at ourselves. */
    ctr_oci_container_t other = t.c;
    other.monitor_pid = getpid();
    assert_int_equal(ctr__oci_exit_status(runc, &other, &e), 0);
    assert_int_equal(e.exit_code, -1);
    /* The container itself still runs: remove --force kills it. */
    ctr_oci_status_t st;
    pid_t pid;
    assert_int_equal(ctr__oci_state(runc, &t.c, &st, &pid), 0);
    assert_int_equal(st, CTR_OCI_STATUS_RUNNING);
    assert_int_equal(ctr__oci_remove(runc, &t.c, 0), -EBUSY);
    tc_remove(&t);
}

static void test_wait_wakes(void **state)
{
    (void)state;
    /* A waiter blocked before the exit is woken by it (inotify). */
    static const char *const args[] = { "sh", "-c", "sleep 0.3; exit 7", NULL };
    struct tc t;
    tc_init(&t, args, false);
    tc_run(&t, 0);
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    assert_int_equal(wait_code(&t, -1), 7);
    clock_gettime(CLOCK_MONOTONIC, &b);
    double ms = (b.tv_sec - a.tv_sec) * 1e3 + (b.tv_nsec - a.tv_nsec) / 1e6;
    assert_true(ms < 5000);
    tc_remove(&t);
}

static void test_missing(void **state)
{
    (void)state;
    struct tc t;
    static const char *const args[] = { "true", NULL };
    tc_init(&t, args, false);
    ctr_oci_status_t st;
    pid_t pid;
    assert_int_equal(ctr__oci_start(runc, &t.c), -ENOENT);
    assert_non_null(strstr(ctr_error_last()->message, "container does not exist"));
    assert_int_equal(ctr__oci_kill(runc, &t.c, SIGKILL, 0), -ENOENT);
    assert_int_equal(ctr__oci_pause(runc, &t.c), -ENOENT);
    assert_int_equal(ctr__oci_resume(runc, &t.c), -ENOENT);
    assert_int_equal(ctr__oci_state(runc, &t.c, &st, &pid), -ENOENT);
    assert_int_equal(ctr__oci_update(runc, &t.c, "{}"), -ENOENT);
    assert_int_equal(ctr__oci_remove(runc, &t.c, 0), -ENOENT);
    /* Forced removal is idempotent. */
    assert_int_equal(ctr__oci_remove(runc, &t.c, CTR_OCI_REMOVE_FORCE), 0);
    char proc[4096];
    ctr_oci_exec_options_t x = { .version = CTR_OCI_BACKEND_VERSION,
                                 .process_json = process_json(proc, sizeof proc, args, false),
                                 .stdin_fd = -1, .stdout_fd = -1, .stderr_fd = -1 };
    int code;
    assert_int_equal(ctr__oci_exec(runc, &t.c, &x, &code), -ENOENT);
    /* Invalid arguments. */
    assert_int_equal(ctr__oci_kill(runc, &t.c, 0, 0), -EINVAL);
    assert_int_equal(ctr__oci_kill(runc, &t.c, 1000, 0), -EINVAL);
    ctr_oci_container_t none = t.c;
    none.id = NULL;
    assert_int_equal(ctr__oci_start(runc, &none), -EINVAL);

    /* crun words it differently; still -ENOENT. */
    ctr__oci_t *crun = NULL;
    if (ctr__oci_open(&crun, "crun", NULL, crun_state_dir) == 0) {
        assert_int_equal(ctr__oci_start(crun, &t.c), -ENOENT);
        assert_non_null(strstr(ctr_error_last()->message, "No such file or directory"));
        assert_int_equal(ctr__oci_kill(crun, &t.c, SIGKILL, 0), -ENOENT);
        assert_int_equal(ctr__oci_state(crun, &t.c, &st, &pid), -ENOENT);
        assert_int_equal(ctr__oci_remove(crun, &t.c, 0), -ENOENT);
        assert_int_equal(ctr__oci_remove(crun, &t.c, CTR_OCI_REMOVE_FORCE), 0);
        ctr__oci_close(crun);
    }
    ctr__rm_rf(t.bundle);
    ctr__rm_rf(t.run);
}

static void test_crun(void **state)
{
    (void)state;
    ctr__oci_t *crun = NULL;
    int r = ctr__oci_open(&crun, "crun", NULL, crun_state_dir);
    const char *ci = getenv("CI");
    if (r == -ENOENT && !(ci && streq(ci, "true"))) {
        fprintf(stderr, "test-oci: crun not installed, crun checks not run\n");
        return;
    }
    assert_int_equal(r, 0);
    static const char *const args[] = { "sh", "-c", "exit 4", NULL };
    struct tc t;
    tc_init(&t, args, false);

    /* The runtime's own answer, asked directly. */
    char *direct = run_capture("crun --root '%s' create --bundle '%s' crun-probe-%d 2>&1 >/dev/null; "
                               "crun --root '%s' delete --force crun-probe-%d >/dev/null 2>&1",
                               crun_state_dir, t.bundle, getpid(), crun_state_dir, getpid());
    assert_non_null(direct);
    ctr__strstrip(direct);

    ctr_oci_create_options_t o = { .version = CTR_OCI_BACKEND_VERSION, .name = "crun-test" };
    pid_t pid = 0, mon = 0;
    r = ctr__oci_create(crun, &t.c, &o, &pid, &mon);
    if (r == 0) {
        /* crun works on this host. */
        assert_string_equal(direct, "");
        t.c.pid = pid;
        t.c.monitor_pid = mon;
        assert_int_equal(ctr__oci_start(crun, &t.c), 0);
        ctr_oci_exit_t e;
        assert_int_equal(ctr__oci_wait_exit(crun, &t.c, 10000, &e), 0);
        assert_int_equal(e.exit_code, 4);
        tc_remove_with(crun, &t, crun_state_dir);
    } else {
        const char *msg = ctr_error_last()->message;
        assert_int_equal(r, -EIO);
        assert_true(*direct != '\0');
        /* crun's message, verbatim (its first line), in ours. */
        char *nl = strchr(direct, '\n');
        if (nl)
            *nl = '\0';
        if (!strstr(msg, direct))
            fail_msg("'%s' does not contain crun's '%s'", msg, direct);
        assert_non_null(strstr(msg, "crun create"));
        if (cgroup_hybrid())
            assert_non_null(strstr(msg, "cgroups in hybrid mode not supported"));
        /* Nothing left: no monitor, no state, no exit file. */
        char path[PATH_MAX * 2];
        snprintf(path, sizeof path, "%s/%s", crun_state_dir, t.id);
        assert_int_equal(access(path, F_OK), -1);
        snprintf(path, sizeof path, "%s/%s", exit_dir, t.id);
        assert_int_equal(access(path, F_OK), -1);
        ctr__rm_rf(t.bundle);
        ctr__rm_rf(t.run);
    }
    free(direct);
    ctr__oci_close(crun);
}

static void test_create_errors(void **state)
{
    (void)state;
    static const char *const args[] = { "true", NULL };
    struct tc t;
    tc_init(&t, args, false);
    tc_create(&t, 0);
    /* Same ID again. */
    ctr_oci_create_options_t o = { .version = CTR_OCI_BACKEND_VERSION };
    pid_t pid, mon;
    struct tc t2 = t;
    int n = __atomic_add_fetch(&counter, 1, __ATOMIC_SEQ_CST);
    snprintf(t2.run, sizeof t2.run, "%s/run/r%d", base, n);
    assert_int_equal(ctr__mkdir_p(t2.run, 0700), 0);
    t2.c.run_dir = t2.run;
    int r = ctr__oci_create(runc, &t2.c, &o, &pid, &mon);
    assert_int_equal(r, -EEXIST);
    ctr__rm_rf(t2.run);
    tc_remove(&t);

    /* A broken config: the runtime's message. */
    tc_init(&t, args, false);
    int dfd = open(t.bundle, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    assert_int_equal(ctr__write_file_at(dfd, "config.json", "{\"ociVersion\":\"1.0.2\"}", 22, 0600, false), 0);
    close(dfd);
    r = ctr__oci_create(runc, &t.c, &o, &pid, &mon);
    assert_int_equal(r, -EIO);
    assert_non_null(strstr(ctr_error_last()->message, "runc create"));
    char path[PATH_MAX * 2];
    snprintf(path, sizeof path, "%s/%s", state_dir, t.id);
    assert_int_equal(access(path, F_OK), -1);
    ctr__rm_rf(t.bundle);
    ctr__rm_rf(t.run);
}

/* ---- Registry and lookup ---- */

static int fake_open(void **ret, const ctr_oci_options_t *o, void *userdata)
{
    *ret = userdata;
    return 0;
}
static void fake_close(void *h) { (void)h; }
static uint64_t fake_caps(void *h) { return CTR_OCI_CAP_PAUSE; }
static int fake_create(void *h, const ctr_oci_container_t *c, const ctr_oci_create_options_t *o, pid_t *p, pid_t *m)
{
    *p = 42;
    *m = 0;
    return 0;
}
static int fake_simple(void *h, const ctr_oci_container_t *c) { return ctr_oci_backend_error(-EIO, "fake says no"); }
static int fake_kill(void *h, const ctr_oci_container_t *c, int s, uint64_t f) { return 0; }
static int fake_remove(void *h, const ctr_oci_container_t *c, uint64_t f) { return -EIO; }
static int fake_state(void *h, const ctr_oci_container_t *c, ctr_oci_status_t *s, pid_t *p)
{
    *s = CTR_OCI_STATUS_RUNNING;
    *p = 42;
    return 0;
}
static int fake_exit(void *h, const ctr_oci_container_t *c, ctr_oci_exit_t *e) { return -EAGAIN; }
static int fake_wait(void *h, const ctr_oci_container_t *c, int t, ctr_oci_exit_t *e) { return -ETIMEDOUT; }

static int fake_token;
static const ctr_oci_backend_t fake = {
    .version = CTR_OCI_BACKEND_VERSION, .name = "fake-rt", .userdata = &fake_token,
    .open = fake_open, .close = fake_close, .capabilities = fake_caps, .create = fake_create,
    .start = fake_simple, .kill = fake_kill, .remove = fake_remove, .state = fake_state,
    .exit_status = fake_exit, .wait_exit = fake_wait,
};

static void test_registry(void **state)
{
    (void)state;
    assert_int_equal(ctr_oci_backend_register(NULL), -EINVAL);
    ctr_oci_backend_t bad = fake;
    bad.version = CTR_OCI_BACKEND_VERSION + 1;
    assert_int_equal(ctr_oci_backend_register(&bad), -EINVAL);
    bad = fake;
    bad.name = "Bad Name";
    assert_int_equal(ctr_oci_backend_register(&bad), -EINVAL);
    bad = fake;
    bad.create = NULL;
    assert_int_equal(ctr_oci_backend_register(&bad), -EINVAL);
    bad = fake;
    bad.name = "oci-cli";
    assert_int_equal(ctr_oci_backend_register(&bad), -EEXIST);
    assert_int_equal(ctr_oci_backend_register(&fake), 0);
    assert_int_equal(ctr_oci_backend_register(&fake), -EEXIST);

    char sd[PATH_MAX + 16];
    snprintf(sd, sizeof sd, "%s/state/fake", base);
    ctr__oci_t *oci = NULL;
    assert_int_equal(ctr__oci_open(&oci, "fake-rt", NULL, sd), 0);
    assert_ptr_equal(oci->backend, &fake);
    assert_ptr_equal(oci->handle, &fake_token);
    assert_true(ctr__oci_has(oci, CTR_OCI_CAP_PAUSE));
    assert_false(ctr__oci_has(oci, CTR_OCI_CAP_EXEC));
    ctr_oci_container_t c = ctr__oci_container("abc", "/b", "/r", "/e", 0, 0);
    assert_int_equal(ctr__oci_start(oci, &c), -EIO);
    assert_string_equal(ctr_error_last()->message, "fake says no");
    /* A failure without a detail gets one. */
    assert_int_equal(ctr__oci_remove(oci, &c, 0), -EIO);
    assert_non_null(strstr(ctr_error_last()->message, "fake-rt"));
    /* Optional callbacks left out read as not supported. */
    assert_int_equal(ctr__oci_pause(oci, &c), -EOPNOTSUPP);
    ctr_oci_attach_options_t a = { .version = CTR_OCI_BACKEND_VERSION, .stdin_fd = -1, .stdout_fd = -1,
                                   .stderr_fd = -1 };
    assert_int_equal(ctr__oci_attach(oci, &c, &a), -EOPNOTSUPP);
    ctr__oci_close(oci);
    rmdir(sd);

    /* Lookup of runtimes by name and path. */
    snprintf(sd, sizeof sd, "%s/state/lookup", base);
    assert_int_equal(ctr__oci_open(&oci, "no-such-runtime-xyz", NULL, sd), -ENOENT);
    assert_int_equal(ctr__oci_open(&oci, "relative/runc", NULL, sd), -EINVAL);
    assert_int_equal(ctr__oci_open(&oci, "/no/such/runc", NULL, sd), -ENOENT);
    assert_int_equal(ctr__oci_open(&oci, NULL, "/no/such/conmon", sd), -ENOENT);
    assert_int_equal(ctr__oci_open(&oci, NULL, NULL, "relative"), -EINVAL);
    char *path = NULL;
    assert_int_equal(ctr__find_program("runc", &path), 0);
    assert_int_equal(ctr__oci_open(&oci, path, NULL, sd), 0);
    assert_ptr_equal(oci->backend, &ctr__oci_cli_backend);
    assert_string_equal(oci->runtime_path, path);
    assert_non_null(oci->conmon_path);
    assert_true(ctr__oci_has(oci, CTR_OCI_CAP_PAUSE | CTR_OCI_CAP_EXEC | CTR_OCI_CAP_ATTACH));
    ctr__oci_close(oci);
    assert_int_equal(ctr__oci_open(&oci, "oci-cli", NULL, sd), 0);
    assert_string_equal(oci->runtime_path, path);
    ctr__oci_close(oci);
    free(path);
    rmdir(sd);
    assert_string_equal(ctr__oci_status_name(CTR_OCI_STATUS_PAUSED), "paused");
}

/* ---- Version 2: checkpoint and restore ---- */

static uint64_t fake_ckpt_caps(void *h) { return CTR_OCI_CAP_PAUSE | CTR_OCI_CAP_CHECKPOINT; }
static uint64_t fake_ckpt_flags;
static int fake_checkpoint(void *h, const ctr_oci_container_t *c, const ctr_oci_checkpoint_options_t *o)
{
    fake_ckpt_flags = o->flags;
    return strcmp(o->image_dir, "/b/checkpoint") == 0 && strcmp(o->work_dir, "/b") == 0 ? 0 : -EINVAL;
}
static int fake_restore(void *h, const ctr_oci_container_t *c, const ctr_oci_create_options_t *o,
                        const ctr_oci_checkpoint_options_t *r, pid_t *p, pid_t *m)
{
    *p = 43;
    *m = 44;
    return 0;
}

static void test_checkpoint_versions(void **state)
{
    (void)state;
    char sd[PATH_MAX + 16];
    snprintf(sd, sizeof sd, "%s/state/fake-v1", base);
    ctr_oci_container_t c = ctr__oci_container("abc", "/b", "/r", "/e", 0, 0);
    ctr_oci_checkpoint_options_t co = { .version = CTR_OCI_BACKEND_VERSION, .image_dir = "/b/checkpoint",
                                        .work_dir = "/b", .flags = CTR_OCI_CHECKPOINT_LEAVE_RUNNING };
    ctr_oci_create_options_t o = { .version = CTR_OCI_BACKEND_VERSION, .name = "x" };
    pid_t pid = 0, mon = 0;

    /* A version 1 backend: its struct ends before checkpoint; it claims the
     * capability, which libctr drops since it has no callback for it. */
    size_t v1_size = offsetof(ctr_oci_backend_t, checkpoint);
    ctr_oci_backend_t *v1 = malloc(v1_size);
    assert_non_null(v1);
    ctr_oci_backend_t tmpl = fake;
    tmpl.version = 1;
    tmpl.name = "fake-v1";
    tmpl.capabilities = fake_ckpt_caps;
    memcpy(v1, &tmpl, v1_size);
    assert_int_equal(ctr_oci_backend_register(v1), 0);
    ctr__oci_t *oci = NULL;
    assert_int_equal(ctr__oci_open(&oci, "fake-v1", NULL, sd), 0);
    assert_true(ctr__oci_has(oci, CTR_OCI_CAP_PAUSE));
    assert_false(ctr__oci_has(oci, CTR_OCI_CAP_CHECKPOINT));
    assert_int_equal(ctr__oci_checkpoint(oci, &c, &co), -EOPNOTSUPP);
    assert_non_null(strstr(ctr_error_last()->message, "does not support checkpoint"));
    assert_int_equal(ctr__oci_restore(oci, &c, &o, &co, &pid, &mon), -EOPNOTSUPP);
    ctr__oci_close(oci);
    rmdir(sd);

    /* A version 2 backend with the callbacks. */
    static ctr_oci_backend_t v2;
    v2 = fake;
    v2.name = "fake-v2";
    v2.capabilities = fake_ckpt_caps;
    v2.checkpoint = fake_checkpoint;
    v2.restore = fake_restore;
    assert_int_equal(ctr_oci_backend_register(&v2), 0);
    snprintf(sd, sizeof sd, "%s/state/fake-v2", base);
    assert_int_equal(ctr__oci_open(&oci, "fake-v2", NULL, sd), 0);
    assert_true(ctr__oci_has(oci, CTR_OCI_CAP_CHECKPOINT));
    assert_int_equal(ctr__oci_checkpoint(oci, &c, &co), 0);
    assert_int_equal(fake_ckpt_flags, CTR_OCI_CHECKPOINT_LEAVE_RUNNING);
    ctr_oci_checkpoint_options_t bad = co;
    bad.image_dir = NULL;
    assert_int_equal(ctr__oci_checkpoint(oci, &c, &bad), -EINVAL);
    assert_int_equal(ctr__oci_restore(oci, &c, &o, &co, &pid, &mon), 0);
    assert_int_equal(pid, 43);
    assert_int_equal(mon, 44);
    ctr__oci_close(oci);
    rmdir(sd);

    /* runc with criu installed checkpoints. */
    snprintf(sd, sizeof sd, "%s/state/runc-ckpt", base);
    char *criu = NULL;
    int have_criu = ctr__find_program("criu", &criu) == 0;
    free(criu);
    assert_int_equal(ctr__oci_open(&oci, "runc", NULL, sd), 0);
    assert_int_equal(ctr__oci_has(oci, CTR_OCI_CAP_CHECKPOINT), have_criu);
    ctr__oci_close(oci);
    rmdir(sd);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_registry),
        cmocka_unit_test(test_checkpoint_versions),
        cmocka_unit_test(test_exit_codes),
        cmocka_unit_test(test_sigterm_ignored),
        cmocka_unit_test(test_pause_resume),
        cmocka_unit_test(test_exec),
        cmocka_unit_test(test_attach),
        cmocka_unit_test(test_detach),
        cmocka_unit_test(test_terminal),
        cmocka_unit_test(test_log),
        cmocka_unit_test(test_monitor_killed),
        cmocka_unit_test(test_wait_wakes),
        cmocka_unit_test(test_missing),
        cmocka_unit_test(test_create_errors),
        cmocka_unit_test(test_crun),
    };
    const char *filter = getenv("TEST_FILTER");
    if (filter)
        cmocka_set_test_filter(filter);
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
