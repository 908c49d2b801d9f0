/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Driving conmon 2.1.x with --api-version 1.
 *
 * Create: two SOCK_SEQPACKET socket pairs passed as fds 3 and 4
 * (_OCI_SYNCPIPE, _OCI_STARTPIPE).  conmon waits for a byte on the start
 * pipe, forks (the first process exits at once and is reaped here), the
 * daemon runs `runtime create` and writes one JSON line on the sync pipe:
 * {"data": PID} or {"data": -1, "message": "..."}.  EOF: conmon died.
 *
 * Exec: the same plus _OCI_ATTACHPIPE (fd 5).  conmon sends {"data": 0} on
 * the attach pipe once the session's attach socket exists; we connect, send
 * a second start byte, then the sync pipe carries {"data": PID} and, after
 * the output is drained and the socket closed, {"data": EXIT_STATUS}.
 *
 * Attach socket BUNDLE/attach: SOCK_SEQPACKET; output packets are one
 * stream byte (2 stdout, 3 stderr) + data; input is raw bytes;
 * shutdown(SHUT_WR) closes the container's stdin.
 *
 * Exit file EXIT_DIR/ID: the decimal exit status, written (temp + rename)
 * after the output is drained; its ctime is the finish time.
 *
 * The other files are named once, below. */
#include "oci/conmon.h"

#include <fcntl.h>
#include <json-c/json.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <sys/inotify.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>

#include "base/cancel.h"
#include "base/detach-keys.h"
#include "base/error.h"
#include "base/json-util.h"
#include "oci/oci.h"

#ifndef P_PIDFD
#define P_PIDFD 3
#endif

/* The files.  FILES_DIR is the container's run directory for create, an
 * exec session's own directory RUN_DIR/exec/SESSION (also its bundle) for
 * exec. */
#define PIDFILE "pidfile"           /* FILES_DIR: the process's PID (the runtime's --pid-file) */
#define CONMON_PIDFILE "conmon.pid" /* FILES_DIR: the monitor's PID */
#define OCI_LOG "oci-log"           /* FILES_DIR: the runtime's JSON log (--log) */
#define EXEC_DIR "exec"             /* RUN_DIR/exec/SESSION/: the exec sessions */
#define PROCESS_JSON "process.json" /* an exec session's directory: its OCI process */
/* conmon's, in the bundle (the container's, or an exec session's directory): */
#define ATTACH_SOCKET "attach"
#define CTL_FIFO "ctl"
#define WINSZ_FIFO "winsz"
#define OOM_FILE "oom"

/* How long conmon may take to report a create or an exec start. */
#define SYNC_TIMEOUT_MS (4 * 60 * 1000)
/* How long to wait for a monitor to go away after its work is done. */
#define MONITOR_EXIT_TIMEOUT_MS 5000
/* conmon's output packets: 1 stream byte + STDIO_BUF_SIZE. */
#define ATTACH_PACKET 8193
#define ATTACH_STDOUT 2
#define ATTACH_STDERR 3

/* How often the pidfd-less fallback looks at the monitor. */
#define LIVENESS_MS 100

static int pidfd_open_(pid_t pid)
{
    return (int)syscall(SYS_pidfd_open, pid, 0);
}

/* Remaining time of a deadline as a poll() timeout; -1 = none. */
static int remaining_ms(int64_t deadline)
{
    if (deadline < 0)
        return -1;
    int64_t left = deadline - ctr__mono_ms();
    return left <= 0 ? 0 : left > INT_MAX ? INT_MAX : (int)left;
}

static int64_t deadline_after(int timeout_ms)
{
    return timeout_ms < 0 ? -1 : ctr__mono_ms() + timeout_ms;
}

/* Wait for events on one descriptor until deadline (-1: none), again after
 * EINTR.  0 when they came, -ETIMEDOUT, -errno. */
static int wait_fd(int fd, short events, int64_t deadline)
{
    for (;;) {
        struct pollfd p = { .fd = fd, .events = events };
        int n = poll(&p, 1, remaining_ms(deadline));
        if (n > 0)
            return 0;
        if (n == 0)
            return -ETIMEDOUT;
        if (errno != EINTR)
            return -errno;
    }
}

/* A directory's descriptor, -1 with errno set (or for a NULL path). */
static int open_dir(const char *path)
{
    return path ? open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
}

static pid_t read_pid_file(int dirfd, const char *name)
{
    _cleanup_free_ char *s = NULL;
    if (ctr__read_file_at(dirfd, name, &s, NULL) < 0)
        return 0;
    char *end;
    long v = strtol(s, &end, 10);
    if (end == s || v <= 0 || v > INT_MAX)
        return 0;
    return (pid_t)v;
}

/* ---- Runtime error text ---- */

/* Append the "msg" of one JSON log line if its level is an error's, after
 * "; " when any is set.  True when it did. */
static bool put_log_error(struct ctr__buf *b, const char *line, size_t len, bool any)
{
    if (len == 0 || line[0] != '{')
        return false;
    json_tokener *tok = json_tokener_new();
    if (!tok)
        return false;
    _cleanup_json_ json_object *o = json_tokener_parse_ex(tok, line, (int)len);
    json_tokener_free(tok);
    json_object *lvl;
    const char *msg = ctr__json_str(o, "msg");
    if (!msg || !json_object_object_get_ex(o, "level", &lvl))
        return false;
    const char *l = json_object_get_string(lvl);
    if (!l || !(streq(l, "error") || streq(l, "fatal") || streq(l, "panic")))
        return false;
    if (any)
        ctr__buf_put(b, "; ");
    ctr__buf_put(b, msg);
    return true;
}

/* Plain text: the lines joined by spaces, trimmed. */
static void put_plain_text(struct ctr__buf *b, const char *text)
{
    _cleanup_free_ char *copy = strdup(text);
    if (!copy) {
        b->oom = true;
        return;
    }
    ctr__strstrip(copy);
    for (char *q = copy; *q; q++)
        if (*q == '\n')
            *q = ' ';
    const char *start = copy;
    while (*start == ' ')
        start++;
    ctr__buf_put(b, start);
}

char *ctr__runtime_error_text(const char *log_text, const char *stderr_text)
{
    /* A JSON log has one object per line: {"level":"error","msg":"..."}. */
    struct ctr__buf b = { 0 };
    bool any = false;
    for (const char *p = log_text; p && *p;) {
        const char *nl = strchr(p, '\n');
        if (put_log_error(&b, p, nl ? (size_t)(nl - p) : strlen(p), any))
            any = true;
        p = nl ? nl + 1 : NULL;
    }
    if (!any && stderr_text)
        put_plain_text(&b, stderr_text);
    char *out = NULL;
    return ctr__buf_finish(&b, &out) < 0 ? NULL : out;
}

/* The runtime failed: -EIO with its complaint, from its JSON log in the
 * files directory (dfd) or else from what conmon relayed (may be NULL).
 * When it said nothing: if_silent (NULL: "no error message from the
 * runtime"). */
static int runtime_failed(const struct ctr__conmon_runtime *rt, int dfd, const char *relayed, const char *if_silent)
{
    _cleanup_free_ char *log = NULL;
    if (rt->json_log)
        (void)ctr__read_file_at(dfd, OCI_LOG, &log, NULL);
    _cleanup_free_ char *why = ctr__runtime_error_text(log, relayed);
    if (!isempty(why))
        return ctr__err(-EIO, "%s", why);
    if (if_silent)
        return ctr__err(-EIO, "%s", if_silent);
    return ctr__err(-EIO, "%s", why ? "no error message from the runtime" : "out of memory");
}

/* ---- Sync pipe messages ---- */

/* The next packet of a SOCK_SEQPACKET socket, NUL-terminated.  -EPIPE at
 * EOF, -EBADMSG for an empty packet (which conmon never sends). */
static int recv_packet(int fd, char **ret)
{
    ssize_t size;
    do
        size = recv(fd, NULL, 0, MSG_PEEK | MSG_TRUNC | MSG_DONTWAIT);
    while (size < 0 && errno == EINTR);
    if (size < 0)
        return errno == ECONNRESET ? -EPIPE : -errno;
    if (size == 0) {
        char c;
        return recv(fd, &c, 1, MSG_DONTWAIT) == 0 ? -EPIPE : -EBADMSG;
    }
    _cleanup_free_ char *buf = malloc((size_t)size + 1);
    if (!buf)
        return ctr__oom("a sync pipe packet");
    ssize_t k;
    do
        k = recv(fd, buf, (size_t)size, MSG_DONTWAIT);
    while (k < 0 && errno == EINTR);
    if (k < 0)
        return -errno;
    buf[k] = '\0';
    *ret = TAKE_PTR(buf);
    return 0;
}

/* Read one {"data": N, "message": "..."} packet.  -EPIPE on EOF,
 * -ETIMEDOUT, -EBADMSG on garbage.  ret_message may be NULL. */
static int read_sync(int fd, int64_t deadline, int *ret_data, char **ret_message)
{
    int r = wait_fd(fd, POLLIN, deadline);
    if (r < 0)
        return r;
    _cleanup_free_ char *buf = NULL;
    r = recv_packet(fd, &buf);
    if (r < 0)
        return r;
    _cleanup_json_ json_object *o = json_tokener_parse(buf);
    json_object *data;
    if (!o || !json_object_is_type(o, json_type_object) || !json_object_object_get_ex(o, "data", &data) ||
        !json_object_is_type(data, json_type_int))
        return -EBADMSG;
    const char *msg = ctr__json_str(o, "message");
    _cleanup_free_ char *m = msg ? strdup(msg) : NULL;
    if (msg && !m)
        return ctr__oom("conmon's message");
    *ret_data = json_object_get_int(data);
    if (ret_message)
        *ret_message = TAKE_PTR(m);
    return 0;
}

static int write_start_byte(int fd)
{
    char c = 0;
    ssize_t n;
    do
        n = send(fd, &c, 1, MSG_NOSIGNAL);
    while (n < 0 && errno == EINTR);
    return n < 0 ? -errno : 0;
}

/* ---- conmon's command line ---- */

/* Built with one allocation check at the end (argv_end()), like a
 * struct ctr__buf: a failed allocation is remembered, later adds do nothing. */
struct conmon_argv {
    char **v;
    bool oom;
};

static void argv_add(struct conmon_argv *a, const char *s)
{
    if (!a->oom && ctr__strv_push(&a->v, s) < 0)
        a->oom = true;
}

/* Add DIR/NAME. */
static void argv_add_path(struct conmon_argv *a, const char *dir, const char *name)
{
    _cleanup_free_ char *path = ctr__asprintf("%s/%s", dir, name);
    if (!path)
        a->oom = true;
    else
        argv_add(a, path);
}

/* What create and exec tell conmon alike. */
struct conmon_call {
    const char *uuid;      /* -u: the container's ID, or the exec session's */
    const char *bundle;    /* -b: the bundle, where conmon's socket and FIFOs go */
    const char *files_dir; /* where PIDFILE, CONMON_PIDFILE and OCI_LOG go */
    const char *log;       /* -l: "k8s-file:PATH" or "none" */
    bool tty;              /* -t */
    bool stdin_open;       /* -i */
};

static void argv_begin(struct conmon_argv *a, const struct ctr__conmon_runtime *rt, const ctr_oci_container_t *c,
                       const struct conmon_call *k)
{
    argv_add(a, rt->conmon_path);
    argv_add(a, "--api-version");
    argv_add(a, "-c");
    argv_add(a, c->id);
    argv_add(a, "-u");
    argv_add(a, k->uuid);
    argv_add(a, "-r");
    argv_add(a, rt->runtime_path);
    argv_add(a, "-b");
    argv_add(a, k->bundle);
    argv_add(a, "-p");
    argv_add_path(a, k->files_dir, PIDFILE);
    argv_add(a, "--conmon-pidfile");
    argv_add_path(a, k->files_dir, CONMON_PIDFILE);
    argv_add(a, "--full-attach");
    argv_add(a, "-l");
    argv_add(a, k->log);
    argv_add(a, "--log-level");
    argv_add(a, "warn");
    if (k->tty)
        argv_add(a, "-t");
    if (k->stdin_open)
        argv_add(a, "-i");
}

/* The runtime's global options last; *ret is the command line. */
static int argv_end(struct conmon_argv *a, const struct ctr__conmon_runtime *rt, const struct conmon_call *k,
                    char ***ret)
{
    for (char *const *p = rt->runtime_args; p && *p; p++) {
        argv_add(a, "--runtime-arg");
        argv_add(a, *p);
    }
    if (rt->json_log) {
        argv_add(a, "--runtime-arg");
        argv_add(a, "--log");
        argv_add(a, "--runtime-arg");
        argv_add_path(a, k->files_dir, OCI_LOG);
        argv_add(a, "--runtime-arg");
        argv_add(a, "--log-format");
        argv_add(a, "--runtime-arg");
        argv_add(a, "json");
    }
    if (a->oom) {
        ctr__strv_free(TAKE_PTR(a->v));
        return ctr__err(-ENOMEM, "out of memory for conmon's arguments");
    }
    *ret = TAKE_PTR(a->v);
    return 0;
}

/* conmon's restore: the checkpoint's directory (its work path is the
 * bundle) and the restore's options through --runtime-opt. */
static void argv_restore(struct conmon_argv *a, const ctr_oci_checkpoint_options_t *restore)
{
    argv_add(a, "--restore");
    argv_add(a, restore->image_dir);
    if (restore->flags & CTR_OCI_CHECKPOINT_TCP_ESTABLISHED) {
        argv_add(a, "--runtime-opt");
        argv_add(a, "--tcp-established");
    }
    if (restore->flags & CTR_OCI_CHECKPOINT_FILE_LOCKS) {
        argv_add(a, "--runtime-opt");
        argv_add(a, "--file-locks");
    }
}

static int create_argv(const struct ctr__conmon_runtime *rt, const ctr_oci_container_t *c,
                       const ctr_oci_create_options_t *opts, const ctr_oci_checkpoint_options_t *restore,
                       char ***ret)
{
    _cleanup_free_ char *log = opts->log_path ? ctr__asprintf("k8s-file:%s", opts->log_path) : strdup("none");
    if (!log)
        return ctr__err(-ENOMEM, "out of memory for conmon's arguments");
    bool tty = (opts->flags & CTR_OCI_CREATE_TERMINAL) != 0;
    const struct conmon_call k = {
        .uuid = c->id,
        .bundle = c->bundle_dir,
        .files_dir = c->run_dir,
        .log = log,
        .tty = tty,
        .stdin_open = !tty && (opts->flags & CTR_OCI_CREATE_STDIN),
    };
    struct conmon_argv a = { 0 };
    argv_begin(&a, rt, c, &k);
    argv_add(&a, "-n");
    argv_add(&a, isempty(opts->name) ? c->id : opts->name);
    argv_add(&a, "--exit-dir");
    argv_add(&a, c->exit_dir);
    if ((opts->flags & CTR_OCI_CREATE_EXIT_COMMAND) && opts->exit_command && opts->exit_command[0]) {
        argv_add(&a, "--exit-command");
        argv_add(&a, opts->exit_command[0]);
        for (const char *const *p = opts->exit_command + 1; *p; p++) {
            argv_add(&a, "--exit-command-arg");
            argv_add(&a, *p);
        }
    }
    char size[32];
    if ((opts->flags & CTR_OCI_CREATE_LOG_SIZE_MAX) && opts->log_size_max > 0) {
        snprintf(size, sizeof size, "%lld", (long long)opts->log_size_max);
        argv_add(&a, "--log-size-max");
        argv_add(&a, size);
    }
    if (restore)
        argv_restore(&a, restore);
    return argv_end(&a, rt, &k, ret);
}

static int exec_argv(const struct ctr__conmon_runtime *rt, const ctr_oci_container_t *c,
                     const ctr_oci_exec_options_t *opts, const char *session, const char *dir, char ***ret)
{
    const struct conmon_call k = {
        .uuid = session,
        .bundle = dir,
        .files_dir = dir,
        .log = "none",
        .tty = (opts->flags & CTR_OCI_EXEC_TTY) != 0,
        .stdin_open = opts->stdin_fd >= 0,
    };
    char timeout[16];
    snprintf(timeout, sizeof timeout, "%u", opts->timeout);
    struct conmon_argv a = { 0 };
    argv_begin(&a, rt, c, &k);
    if (opts->timeout > 0) {
        argv_add(&a, "-T");
        argv_add(&a, timeout);
    }
    argv_add(&a, "-e");
    argv_add(&a, "--exec-attach");
    argv_add(&a, "--exec-process-spec");
    argv_add_path(&a, dir, PROCESS_JSON);
    return argv_end(&a, rt, &k, ret);
}

/* ---- Spawning conmon (create and exec) ---- */

/* Our ends of a conmon's pipes, and its PID. */
struct conmon {
    int sync;   /* _OCI_SYNCPIPE (its fd 3): its reports */
    int start;  /* _OCI_STARTPIPE (fd 4): our go-aheads */
    int attach; /* _OCI_ATTACHPIPE (fd 5, exec only; else -1): the session's socket exists */
    pid_t pid;  /* the monitor, from CONMON_PIDFILE; 0 when it wrote none */
};
#define CONMON_NONE ((struct conmon){ .sync = -1, .start = -1, .attach = -1 })

static void conmon_close(struct conmon *m)
{
    ctr__closep(&m->sync);
    ctr__closep(&m->start);
    ctr__closep(&m->attach);
}

static int seqpacket_pair(int *ret_ours, int *ret_conmons)
{
    int fds[2];
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, fds) < 0)
        return ctr__err(-errno, "socketpair: %m");
    *ret_ours = fds[0];
    *ret_conmons = fds[1];
    return 0;
}

/* The pipes of a new conmon (with the attach pipe for exec), ours in *ret
 * and conmon's in *ret_child, the first start byte queued: conmon reads it
 * before it forks. */
static int conmon_pipes(bool exec, struct conmon *ret, struct conmon *ret_child)
{
    _cleanup_(conmon_close) struct conmon m = CONMON_NONE, child = CONMON_NONE;
    int r = seqpacket_pair(&m.sync, &child.sync);
    if (r < 0)
        return r;
    r = seqpacket_pair(&m.start, &child.start);
    if (r < 0)
        return r;
    if (exec) {
        r = seqpacket_pair(&m.attach, &child.attach);
        if (r < 0)
            return r;
    }
    r = write_start_byte(m.start);
    if (r < 0)
        return ctr__err(r, "writing to conmon's start pipe: %s", strerror(-r));
    *ret = m;
    *ret_child = child;
    m = child = CONMON_NONE;
    return 0;
}

/* Spawn conmon with the socket pairs at fds 3.. and wait for its first
 * process (which forks the monitor and exits).  env names them. */
static int spawn_conmon(const struct ctr__conmon_runtime *rt, char *const *argv, const char *cwd, const int *child_fds,
                        size_t n_child_fds, const char *const *extra_env)
{
    _cleanup_strv_ char **env = ctr__spawn_env(extra_env);
    if (!env)
        return ctr__err(-ENOMEM, "out of memory for conmon's environment");
    _cleanup_close_ int err_fd = memfd_create("conmon-stderr", MFD_CLOEXEC);
    if (err_fd < 0)
        return ctr__err(-errno, "memfd_create: %m");

    struct ctr__spawn s = {
        .path = rt->conmon_path,
        .argv = argv,
        .envp = env,
        .cwd = cwd,
        .fds = { -1, -1, err_fd },
        .n_fds = 3 + n_child_fds,
        .new_pgroup = true,
    };
    for (size_t i = 0; i < n_child_fds; i++)
        s.fds[3 + i] = child_fds[i];
    int status;
    int r = ctr__spawn_run(&s, "conmon", &status);
    if (r < 0)
        return r;
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        char how[64];
        ctr__spawn_status_string(status, how, sizeof how);
        _cleanup_free_ char *text = ctr__memfd_read(err_fd, 65536);
        if (text)
            ctr__strstrip(text);
        return ctr__err(-EIO, "conmon %s%s%s", how, !isempty(text) ? ": " : "", text ? text : "");
    }
    return 0;
}

/* Start a conmon for create or (with the attach pipe) exec, in bundle, its
 * files in the directory dfd: its pipes, its first process, its PID. */
static int conmon_start(const struct ctr__conmon_runtime *rt, char *const *argv, const char *bundle, int dfd,
                        bool exec, struct conmon *ret)
{
    _cleanup_(conmon_close) struct conmon m = CONMON_NONE, child = CONMON_NONE;
    int r = conmon_pipes(exec, &m, &child);
    if (r < 0)
        return r;
    const char *const env[] = { "_OCI_SYNCPIPE=3", "_OCI_STARTPIPE=4", exec ? "_OCI_ATTACHPIPE=5" : NULL, NULL };
    const int child_fds[] = { child.sync, child.start, child.attach };
    r = spawn_conmon(rt, argv, bundle, child_fds, exec ? 3 : 2, env);
    /* Only conmon holds its ends now: its end is an EOF on ours. */
    conmon_close(&child);
    if (r < 0)
        return r;
    m.pid = read_pid_file(dfd, CONMON_PIDFILE);
    *ret = m;
    m = CONMON_NONE;
    return 0;
}

/* conmon's first report.  Create: {"data": PID} on the sync pipe, or
 * {"data": -1, "message": "..."} when the runtime failed.  Exec: {"data": 0}
 * on the attach pipe once the session's attach socket exists; when that
 * pipe ends without it, the sync pipe's failure report if there is one.
 * Returns read_sync()'s result; *ret_message may stay NULL. */
static int conmon_report(const struct conmon *m, int *ret_data, char **ret_message)
{
    int64_t deadline = deadline_after(SYNC_TIMEOUT_MS);
    if (m->attach < 0)
        return read_sync(m->sync, deadline, ret_data, ret_message);
    int r = read_sync(m->attach, deadline, ret_data, NULL);
    if (r == 0)
        return 0;
    int data = 0;
    _cleanup_free_ char *message = NULL;
    if (read_sync(m->sync, deadline_after(1000), &data, &message) == 0 && data < 0) {
        *ret_data = data;
        *ret_message = TAKE_PTR(message);
        return 0;
    }
    return r;
}

static int conmon_not_found(void)
{
    return ctr__err(-ENOENT, "conmon not found (looked in PATH, /usr/bin, /usr/libexec/podman); install conmon");
}

/* ---- Create ---- */

pid_t ctr__conmon_recorded_monitor(const ctr_oci_container_t *c)
{
    _cleanup_close_ int run = open_dir(c->run_dir);
    return run >= 0 ? read_pid_file(run, CONMON_PIDFILE) : 0;
}

void ctr__conmon_cleanup_files(const ctr_oci_container_t *c)
{
    if (!c->exit_dir || !c->id)
        return;
    _cleanup_free_ char *exit_file = ctr__asprintf("%s/%s", c->exit_dir, c->id);
    if (exit_file)
        unlink(exit_file);
    _cleanup_close_ int run = open_dir(c->run_dir);
    if (run >= 0) {
        unlinkat(run, PIDFILE, 0);
        unlinkat(run, CONMON_PIDFILE, 0);
        unlinkat(run, OCI_LOG, 0);
        unlinkat(run, EXEC_DIR, AT_REMOVEDIR); /* when no detached session is left */
    }
    _cleanup_close_ int bundle = open_dir(c->bundle_dir);
    if (bundle >= 0) {
        unlinkat(bundle, ATTACH_SOCKET, 0);
        unlinkat(bundle, CTL_FIFO, 0);
        unlinkat(bundle, WINSZ_FIFO, 0);
        unlinkat(bundle, OOM_FILE, 0);
    }
}

/* Stale files of a previous run that would mislead: the exit file, the OOM
 * marker, the runtime's log (appended to).  PID files, the socket and the
 * FIFOs are replaced by conmon and the runtime. */
static int remove_stale_files(const ctr_oci_container_t *c, int run)
{
    _cleanup_free_ char *exit_file = ctr__asprintf("%s/%s", c->exit_dir, c->id);
    _cleanup_free_ char *oom_file = ctr__asprintf("%s/" OOM_FILE, c->bundle_dir);
    if (!exit_file || !oom_file)
        return ctr__err(-ENOMEM, "out of memory for the exit file's name");
    if (unlink(exit_file) < 0 && errno != ENOENT)
        return ctr__err(-errno, "removing stale exit file %s: %m", exit_file);
    (void)unlink(oom_file);
    (void)unlinkat(run, OCI_LOG, 0);
    return 0;
}

int ctr__conmon_create(const struct ctr__conmon_runtime *rt, const ctr_oci_container_t *c,
                       const ctr_oci_create_options_t *opts, const ctr_oci_checkpoint_options_t *restore,
                       pid_t *ret_pid, pid_t *ret_conmon_pid)
{
    if (!rt->conmon_path)
        return conmon_not_found();
    _cleanup_close_ int run = open_dir(c->run_dir);
    if (run < 0)
        return ctr__err(-errno, "opening run directory %s: %m", c->run_dir);
    int r = remove_stale_files(c, run);
    if (r < 0)
        return r;
    _cleanup_strv_ char **argv = NULL;
    r = create_argv(rt, c, opts, restore, &argv);
    if (r < 0)
        return r;
    _cleanup_(conmon_close) struct conmon m = CONMON_NONE;
    r = conmon_start(rt, argv, c->bundle_dir, run, false, &m);
    if (r < 0)
        return r;

    int data = 0;
    _cleanup_free_ char *message = NULL;
    r = conmon_report(&m, &data, &message);
    if (r == -ETIMEDOUT)
        return ctr__err(-ETIMEDOUT, "%s create %.12s: conmon did not report within %d s", rt->runtime_name, c->id,
                        SYNC_TIMEOUT_MS / 1000);
    if (r < 0) {
        char silent[128];
        snprintf(silent, sizeof silent, "conmon exited without reporting (%s)",
                 r == -EPIPE ? "no message" : strerror(-r));
        return runtime_failed(rt, run, NULL, silent);
    }
    if (data < 0)
        return runtime_failed(rt, run, message, NULL);
    *ret_pid = (pid_t)data;
    *ret_conmon_pid = m.pid;
    return 0;
}

/* ---- Monitor identity and exit files ---- */

/* A process whose command line reads empty is ending (its memory is gone
 * before its descriptors are), a zombie, or a kernel thread. */
static bool is_kernel_thread(pid_t pid)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    _cleanup_free_ char *stat = NULL;
    if (ctr__read_file_at(AT_FDCWD, path, &stat, NULL) < 0)
        return false;
    /* Field 9 (flags) counts from the one after "(comm) ". */
    const char *p = strrchr(stat, ')');
    unsigned long flags = 0;
    if (!p || sscanf(p + 1, " %*c %*d %*d %*d %*d %*d %lu", &flags) != 1)
        return false;
    return (flags & 0x00200000UL) != 0; /* PF_KTHREAD */
}

/* MONITOR_YES when PID's command line is a conmon for container id (not an
 * exec session), MONITOR_ENDING when the process is exiting (command line
 * already gone), MONITOR_NO when it is another process or gone; -errno. */
enum { MONITOR_NO = 0, MONITOR_YES = 1, MONITOR_ENDING = 2 };

static int is_monitor_of(pid_t pid, const char *id)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/cmdline", (int)pid);
    _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return errno == ENOENT || errno == ESRCH ? MONITOR_NO : -errno;
    _cleanup_free_ char *buf = NULL;
    size_t size = 0;
    int r = ctr__read_fd(fd, &buf, &size);
    if (r < 0)
        return r == -ESRCH ? MONITOR_NO : r;
    if (size == 0)
        return is_kernel_thread(pid) ? MONITOR_NO : MONITOR_ENDING;
    bool cid = false;
    for (size_t off = 0; off < size;) {
        const char *arg = buf + off;
        size_t len = strnlen(arg, size - off);
        if (streq(arg, "-e") || streq(arg, "--exec"))
            return MONITOR_NO;
        if ((streq(arg, "-c") || streq(arg, "--cid")) && off + len + 1 < size && streq(buf + off + len + 1, id))
            cid = true;
        if (strncmp(arg, "--cid=", 6) == 0 && streq(arg + 6, id))
            cid = true;
        off += len + 1;
    }
    return cid ? MONITOR_YES : MONITOR_NO;
}

static bool pidfd_exited(int pidfd)
{
    struct pollfd p = { .fd = pidfd, .events = POLLIN };
    return poll(&p, 1, 0) > 0;
}

/* If the exited process is our child (we are its subreaper), reap it. */
static void pidfd_reap(int pidfd)
{
    siginfo_t si;
    (void)waitid((idtype_t)P_PIDFD, (id_t)pidfd, &si, WEXITED | WNOHANG);
}

/* Wait for the process of pidfd to exit (and reap it if it is our child)
 * until deadline.  0, -ETIMEDOUT, -errno. */
static int await_pidfd(int pidfd, int64_t deadline)
{
    int r = wait_fd(pidfd, POLLIN, deadline);
    if (r < 0)
        return r;
    pidfd_reap(pidfd);
    return 0;
}

int ctr__conmon_pidfd(const ctr_oci_container_t *c)
{
    if (c->monitor_pid <= 0)
        return -ESRCH;
    _cleanup_close_ int fd = pidfd_open_(c->monitor_pid);
    if (fd < 0)
        return -errno;
    /* The PID may have been reused since the monitor was started: check it
     * is that container's conmon, and still the process the pidfd pins.
     * One that is exiting can no longer be told apart; it is about to be
     * gone either way, so it is waited for like the monitor. */
    int r = is_monitor_of(c->monitor_pid, c->id);
    if (r == MONITOR_NO || r < 0 || pidfd_exited(fd)) {
        if (r > 0)
            pidfd_reap(fd);
        return r < 0 ? r : -ESRCH;
    }
    return TAKE_FD(fd);
}

static int read_exit_file(const ctr_oci_container_t *c, int dirfd, ctr_oci_exit_t *ret)
{
    _cleanup_close_ int fd = openat(dirfd, c->id, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0)
        return -errno;
    struct stat st;
    if (fstat(fd, &st) < 0)
        return -errno;
    char buf[32];
    ssize_t n;
    do
        n = read(fd, buf, sizeof buf - 1);
    while (n < 0 && errno == EINTR);
    if (n < 0)
        return -errno;
    buf[n] = '\0';
    char *end;
    errno = 0;
    long v = strtol(buf, &end, 10);
    while (*end == '\n' || *end == ' ')
        end++;
    if (n == 0 || errno || *end || v < INT_MIN || v > INT_MAX)
        return ctr__err(-EIO, "malformed exit file %s/%s: '%.31s'", c->exit_dir, c->id, buf);
    ret->exit_code = (int)v;
    ret->finished = (int64_t)st.st_ctim.tv_sec * 1000000000 + st.st_ctim.tv_nsec;
    ret->oom_killed = 0;
    if (c->bundle_dir) {
        _cleanup_free_ char *oom = ctr__asprintf("%s/" OOM_FILE, c->bundle_dir);
        ret->oom_killed = oom && access(oom, F_OK) == 0;
    }
    return 0;
}

/* read_exit_file()'s failure with a message (a malformed file has one). */
static int exit_file_error(const ctr_oci_container_t *c, int r)
{
    return r == -EIO ? r : ctr__err(r, "reading exit file %s/%s: %s", c->exit_dir, c->id, strerror(-r));
}

static void exit_unknown(ctr_oci_exit_t *ret)
{
    ret->exit_code = -1;
    ret->oom_killed = 0;
    ret->finished = ctr__now_ns();
}

/* Is the process pid alive (no identity check possible)? */
static bool pid_alive(pid_t pid)
{
    return pid > 0 && (kill(pid, 0) == 0 || errno == EPERM);
}

/* With no exit file yet: -EAGAIN while the monitor (with none known, the
 * container's init) runs, 0 when it is gone or ending (it wrote the file
 * first if it was going to). */
static int exit_pending(const ctr_oci_container_t *c)
{
    if (c->monitor_pid <= 0)
        return pid_alive(c->pid) ? -EAGAIN : 0;
    int r = is_monitor_of(c->monitor_pid, c->id);
    if (r < 0)
        return ctr__err(r, "checking monitor %d: %s", (int)c->monitor_pid, strerror(-r));
    return r == MONITOR_YES ? -EAGAIN : 0;
}

int ctr__conmon_exit_status(const ctr_oci_container_t *c, ctr_oci_exit_t *ret)
{
    _cleanup_close_ int dirfd = open_dir(c->exit_dir);
    if (dirfd < 0)
        return ctr__err(-errno, "opening exit directory %s: %m", c->exit_dir);
    ctr_oci_exit_t e;
    int r = read_exit_file(c, dirfd, &e);
    if (r == -ENOENT) {
        r = exit_pending(c);
        if (r < 0)
            return r;
        /* The monitor is gone: it may have written the file just now. */
        r = read_exit_file(c, dirfd, &e);
        if (r == -ENOENT) {
            exit_unknown(&e);
            r = 0;
        }
    }
    if (r < 0)
        return exit_file_error(c, r);
    *ret = e;
    return 0;
}

/* What ctr__conmon_wait_exit() waits on.  With a known monitor its pidfd is
 * the only event needed: conmon writes the exit file before it exits, so
 * once it is gone the file is there or will never be.  (inotify is the
 * fallback only: closing an inotify instance waits for an SRCU grace
 * period, milliseconds that would be on every container's exit path.) */
struct exit_watch {
    int pfd;       /* the monitor's pidfd (or the init's, with no monitor known); -1 once it exited */
    int ifd;       /* inotify on the exit directory, or -1 */
    bool watched;  /* a process was watched: with pfd -1 it is gone */
    bool liveness; /* no pidfds: look at the monitor every LIVENESS_MS */
};

static void exit_watch_done(struct exit_watch *w)
{
    ctr__closep(&w->pfd);
    ctr__closep(&w->ifd);
}

static int watch_exit_dir(const ctr_oci_container_t *c, int *ret)
{
    _cleanup_close_ int ifd = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
    if (ifd < 0)
        return ctr__err(-errno, "inotify_init1: %m");
    if (inotify_add_watch(ifd, c->exit_dir, IN_MOVED_TO | IN_CLOSE_WRITE | IN_ONLYDIR) < 0)
        return ctr__err(-errno, "watching exit directory %s: %m", c->exit_dir);
    *ret = TAKE_FD(ifd);
    return 0;
}

static int exit_watch_open(const ctr_oci_container_t *c, struct exit_watch *w)
{
    if (c->monitor_pid > 0) {
        int pfd = ctr__conmon_pidfd(c);
        if (pfd >= 0 || pfd == -ESRCH) {
            w->pfd = pfd >= 0 ? pfd : -1;
            w->watched = true;
            return 0;
        }
        if (pfd != -ENOSYS)
            return ctr__err(pfd, "watching monitor %d: %s", (int)c->monitor_pid, strerror(-pfd));
        /* Without pidfds (kernels before 5.3, valgrind) the monitor's end
         * cannot be waited for: watch the exit directory, and look at the
         * monitor every LIVENESS_MS in case it died without writing the
         * file. */
        w->liveness = true;
        return watch_exit_dir(c, &w->ifd);
    }
    /* No monitor known: watch the directory (first, so that no write is
     * missed) and the container's init when known. */
    int r = watch_exit_dir(c, &w->ifd);
    if (r < 0)
        return r;
    if (c->pid > 0) {
        w->pfd = pidfd_open_(c->pid);
        w->watched = true;
    }
    return 0;
}

/* Wait for the next event of w (or the next liveness look) until deadline:
 * 0 to read the exit file again, -ETIMEDOUT, -errno. */
static int exit_watch_wait(const ctr_oci_container_t *c, struct exit_watch *w, int64_t deadline, int timeout_ms)
{
    struct pollfd p[2] = { { .fd = w->pfd, .events = POLLIN }, { .fd = w->ifd, .events = POLLIN } };
    int wait = remaining_ms(deadline);
    if (w->liveness && (wait < 0 || wait > LIVENESS_MS))
        wait = LIVENESS_MS;
    int k = poll(p, ARRAY_SIZE(p), wait);
    if (k < 0)
        return errno == EINTR ? 0 : ctr__err(-errno, "poll: %m");
    if (k == 0 && w->liveness && is_monitor_of(c->monitor_pid, c->id) != MONITOR_YES) {
        /* The monitor is gone: a last look at the file, then unknown. */
        w->watched = true;
        return 0;
    }
    if (k == 0 && (!w->liveness || remaining_ms(deadline) == 0))
        return ctr__err(-ETIMEDOUT, "container %.12s did not exit within %d ms", c->id, timeout_ms);
    if (p[0].revents & POLLIN) {
        if (c->monitor_pid > 0)
            pidfd_reap(w->pfd);
        ctr__closep(&w->pfd);
    }
    if (p[1].revents & POLLIN) {
        /* Drain; any event leads to one cheap re-read. */
        char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
        while (read(w->ifd, buf, sizeof buf) > 0)
            ;
    }
    return 0;
}

/* The monitor wrote the exit file and is finishing (closing the attach
 * socket and control FIFOs): let it, briefly, so that the caller sees a
 * container with nothing left running. */
static void let_monitor_finish(int pfd, int64_t deadline)
{
    int wait = remaining_ms(deadline);
    if (wait < 0 || wait > MONITOR_EXIT_TIMEOUT_MS)
        wait = MONITOR_EXIT_TIMEOUT_MS;
    (void)await_pidfd(pfd, deadline_after(wait));
}

int ctr__conmon_wait_exit(const ctr_oci_container_t *c, int timeout_ms, ctr_oci_exit_t *ret)
{
    int64_t deadline = deadline_after(timeout_ms);
    _cleanup_close_ int dirfd = open_dir(c->exit_dir);
    if (dirfd < 0)
        return ctr__err(-errno, "opening exit directory %s: %m", c->exit_dir);
    _cleanup_(exit_watch_done) struct exit_watch w = { .pfd = -1, .ifd = -1 };
    int r = exit_watch_open(c, &w);
    if (r < 0)
        return r;

    for (;;) {
        ctr_oci_exit_t e;
        r = read_exit_file(c, dirfd, &e);
        if (r == 0) {
            if (c->monitor_pid > 0 && w.pfd >= 0)
                let_monitor_finish(w.pfd, deadline);
            *ret = e;
            return 0;
        }
        if (r != -ENOENT)
            return exit_file_error(c, r);
        if (w.watched && w.pfd < 0) {
            /* Gone, and the file was checked after it was gone. */
            exit_unknown(ret);
            return 0;
        }
        r = exit_watch_wait(c, &w, deadline, timeout_ms);
        if (r < 0)
            return r;
    }
}

int ctr__conmon_exit_fd(const ctr_oci_container_t *c)
{
    if (c->monitor_pid > 0) {
        int pfd = ctr__conmon_pidfd(c);
        if (pfd >= 0 || pfd == -ESRCH)
            return pfd;
        if (pfd != -ENOSYS)
            return ctr__err(pfd, "watching monitor %d: %s", (int)c->monitor_pid, strerror(-pfd));
    }
    /* The exit file's arrival is the event then (a monitor killed before it
     * wrote one is not seen: the caller's own timeout covers that). */
    int ifd = -1;
    int r = watch_exit_dir(c, &ifd);
    return r < 0 ? r : ifd;
}

/* Without pidfds: look at the monitor every LIVENESS_MS until it is gone
 * (fallback only).  0, -ETIMEDOUT. */
static int poll_monitor_gone(const ctr_oci_container_t *c, int64_t deadline)
{
    while (is_monitor_of(c->monitor_pid, c->id) == MONITOR_YES) {
        int left = remaining_ms(deadline);
        if (left == 0)
            return -ETIMEDOUT;
        struct timespec ts = { 0, (long)(left < 0 || left > LIVENESS_MS ? LIVENESS_MS : left) * 1000000L };
        nanosleep(&ts, NULL);
    }
    return 0;
}

int ctr__conmon_wait_created(const ctr_oci_container_t *c, int timeout_ms)
{
    ctr_oci_container_t mc = *c;
    if (mc.monitor_pid <= 0 && (mc.monitor_pid = ctr__conmon_recorded_monitor(c)) <= 0)
        return 0;
    _cleanup_close_ int pfd = ctr__conmon_pidfd(&mc);
    _cleanup_close_ int run = open(c->run_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (pfd < 0 || run < 0)
        return 0;
    int64_t deadline = deadline_after(timeout_ms);
    while (faccessat(run, PIDFILE, F_OK, 0) < 0 && !pidfd_exited(pfd) && ctr__mono_ms() < deadline)
        usleep(10000);
    return 0;
}

int ctr__conmon_wait_gone(const ctr_oci_container_t *c, int timeout_ms)
{
    int64_t deadline = deadline_after(timeout_ms);
    _cleanup_close_ int pfd = ctr__conmon_pidfd(c);
    if (pfd < 0 && pfd != -ENOSYS)
        return 0;
    int r = pfd >= 0 ? await_pidfd(pfd, deadline) : poll_monitor_gone(c, deadline);
    if (r == -ETIMEDOUT)
        return ctr__err(r, "the monitor of container %.12s is still there after %d ms", c->id, timeout_ms);
    if (r < 0)
        return ctr__err(r, "waiting for the monitor of container %.12s: %s", c->id, strerror(-r));
    return 0;
}

/* ---- Control FIFO ---- */

int ctr__conmon_ctl(const ctr_oci_container_t *c, const char *line)
{
    _cleanup_free_ char *path = ctr__asprintf("%s/" CTL_FIFO, c->bundle_dir);
    if (!path)
        return ctr__oom("the control FIFO's path");
    /* Non-blocking: with no reader (no conmon) open() fails with ENXIO
     * instead of hanging. */
    _cleanup_close_ int fd = open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) {
        if (errno == ENXIO || errno == ENOENT)
            return ctr__err(-EBUSY, "container %.12s has no monitor to control (not running under conmon)", c->id);
        return ctr__err(-errno, "opening %s: %m", path);
    }
    struct stat st;
    if (fstat(fd, &st) < 0 || !S_ISFIFO(st.st_mode))
        return ctr__err(-EBUSY, "%s is not conmon's control FIFO", path);
    /* One short write to a FIFO is atomic; EINTR/EAGAIN retried. */
    int r = ctr__write_all(fd, line, strlen(line));
    if (r == -EAGAIN && wait_fd(fd, POLLOUT, deadline_after(1000)) == 0)
        r = ctr__write_all(fd, line, strlen(line));
    if (r < 0)
        return ctr__err(r == -EPIPE ? -EBUSY : r, "writing to %s: %s", path, strerror(-r));
    return 0;
}

/* ---- Relaying streams over the attach socket ---- */

/* SIGPIPE must not kill the caller when a descriptor it gave us is closed:
 * block it on this thread while relaying, and consume one raised meanwhile. */
struct sigpipe_guard {
    sigset_t old;
    bool was_pending;
};

/* Is SIGPIPE pending?  *set receives the set of SIGPIPE alone. */
static bool sigpipe_pending(sigset_t *set)
{
    sigset_t pending;
    sigemptyset(set);
    sigaddset(set, SIGPIPE);
    sigpending(&pending);
    return sigismember(&pending, SIGPIPE) == 1;
}

static void sigpipe_block(struct sigpipe_guard *g)
{
    sigset_t set;
    g->was_pending = sigpipe_pending(&set);
    pthread_sigmask(SIG_BLOCK, &set, &g->old);
}

static void sigpipe_restore(struct sigpipe_guard *g)
{
    sigset_t set;
    if (sigpipe_pending(&set) && !g->was_pending) {
        struct timespec zero = { 0, 0 };
        while (sigtimedwait(&set, NULL, &zero) < 0 && errno == EINTR)
            ;
    }
    pthread_sigmask(SIG_SETMASK, &g->old, NULL);
}

/* Write to a caller's descriptor, which may be non-blocking. */
static int write_out(int fd, const unsigned char *p, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && errno == EAGAIN) {
            int r = wait_fd(fd, POLLOUT, -1);
            if (r < 0)
                return r;
            continue;
        }
        if (n < 0)
            return -errno;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

/* What the caller's stdin gives in one read. */
#define RELAY_INPUT 8192

struct relay {
    int sock;
    int in_fd, out_fd, err_fd;
    int cancel_fd; /* readable: end with -ECANCELED; -1 for none */
    struct ctr__detach_matcher keys;
    bool return_on_stdin_eof;

    /* relay_run()'s state */
    bool sock_open;    /* the socket still carries output */
    bool in_open;      /* stdin still read */
    bool shut_pending; /* stdin ended: SHUT_WR after the pending bytes went out */
    unsigned char pending[RELAY_INPUT + CTR__DETACH_KEYS_MAX]; /* from stdin, for the socket */
    size_t pending_len, pending_off;

    /* exec: conmon's sync pipe, and what came over it */
    int sync_fd;
    int n_sync;          /* messages received */
    int exec_pid;
    int exit_status;     /* valid when n_sync == 2 */
    int sync_error;      /* data of a failure message (< 0) */
    char *sync_message;  /* its message */
};

#define RELAY_DETACHED CTR_OCI_DETACHED

static void relay_sync(struct relay *r)
{
    int data;
    _cleanup_free_ char *msg = NULL;
    int k = read_sync(r->sync_fd, 0, &data, &msg);
    if (k == -ETIMEDOUT)
        return;
    if (k < 0) {
        /* EOF or garbage: no more reports. */
        r->sync_fd = -1;
        return;
    }
    if (data < 0 || msg) {
        r->sync_error = data < 0 ? data : -1;
        free(r->sync_message);
        r->sync_message = TAKE_PTR(msg);
        r->sync_fd = -1;
        return;
    }
    if (r->n_sync == 0)
        r->exec_pid = data;
    else
        r->exit_status = data;
    r->n_sync++;
    if (r->n_sync >= 2)
        r->sync_fd = -1;
}

/* Send what stdin produced; false when conmon no longer takes input. */
static bool flush_pending(int sock, const unsigned char *buf, size_t len, size_t *off)
{
    while (*off < len) {
        ssize_t sent = send(sock, buf + *off, len - *off, MSG_DONTWAIT | MSG_NOSIGNAL);
        if (sent < 0) {
            if (errno == EINTR)
                continue;
            return errno == EAGAIN;
        }
        *off += (size_t)sent;
    }
    return true;
}

/* Push the pending input; once it is out and stdin has ended, close the
 * container's stdin.  True when that ends the relay (return_on_stdin_eof). */
static bool relay_send_input(struct relay *r)
{
    if (r->sock_open && r->pending_off < r->pending_len &&
        !flush_pending(r->sock, r->pending, r->pending_len, &r->pending_off)) {
        /* conmon closed the container's stdin: drop input. */
        r->pending_off = r->pending_len = 0;
        r->in_open = false;
    }
    if (r->pending_off < r->pending_len)
        return false;
    r->pending_off = r->pending_len = 0;
    if (!r->shut_pending)
        return false;
    r->shut_pending = false;
    if (r->sock_open)
        shutdown(r->sock, SHUT_WR);
    return r->return_on_stdin_eof;
}

/* One packet of output to the caller's stdout or stderr.  At the end of
 * the output (the process exited, conmon drained it) input stops too. */
static int relay_output(struct relay *r)
{
    unsigned char pkt[ATTACH_PACKET];
    ssize_t got = recv(r->sock, pkt, sizeof pkt, MSG_DONTWAIT);
    if (got < 0 && errno != EAGAIN && errno != EINTR && errno != ECONNRESET)
        return -errno;
    if (got == 0 || (got < 0 && errno == ECONNRESET)) {
        r->sock_open = r->in_open = r->shut_pending = false;
        r->pending_off = r->pending_len = 0;
        return 0;
    }
    if (got <= 1)
        return 0;
    int fd = pkt[0] == ATTACH_STDERR ? r->err_fd : pkt[0] == ATTACH_STDOUT ? r->out_fd : -1;
    return fd >= 0 ? write_out(fd, pkt + 1, (size_t)got - 1) : 0;
}

/* One read of stdin, through the detach matcher into the pending bytes.
 * RELAY_DETACHED when the detach keys were typed. */
static int relay_input(struct relay *r)
{
    if (!r->in_open)
        return 0; /* the output ended meanwhile */
    unsigned char in[RELAY_INPUT];
    ssize_t got = read(r->in_fd, in, sizeof in);
    if (got < 0 && (errno == EAGAIN || errno == EINTR))
        return 0;
    if (got <= 0) {
        /* EOF (or a hung-up terminal): release held bytes, then close the
         * container's stdin. */
        r->pending_len = ctr__detach_matcher_flush(&r->keys, r->pending);
        r->pending_off = 0;
        r->in_open = false;
        r->shut_pending = true;
        return 0;
    }
    size_t out_len = 0;
    bool detach = ctr__detach_matcher_feed(&r->keys, in, (size_t)got, r->pending, &out_len);
    r->pending_len = out_len;
    r->pending_off = 0;
    if (!detach)
        return 0;
    /* Best effort for what was typed before the keys. */
    flush_pending(r->sock, r->pending, r->pending_len, &r->pending_off);
    return RELAY_DETACHED;
}

/* Relay until the socket's output ends (and, for exec, the exit status
 * arrived or the sync pipe closed), stdin ends with return_on_stdin_eof, or
 * the detach keys are typed.  Returns 0, RELAY_DETACHED or -errno. */
static int relay_run(struct relay *r)
{
    r->sock_open = true;
    r->in_open = r->in_fd >= 0;
    r->shut_pending = false;
    r->pending_len = r->pending_off = 0;
    for (;;) {
        if (relay_send_input(r))
            return 0;
        if (!r->sock_open && r->sync_fd < 0)
            return 0;
        /* A descriptor of -1 is left out by poll(). */
        struct pollfd p[4] = {
            { .fd = r->sock_open ? r->sock : -1, .events = POLLIN | (r->pending_len > 0 ? POLLOUT : 0) },
            { .fd = r->in_open && r->pending_len == 0 ? r->in_fd : -1, .events = POLLIN },
            { .fd = r->sync_fd, .events = POLLIN },
            { .fd = r->cancel_fd, .events = POLLIN },
        };
        if (poll(p, ARRAY_SIZE(p), -1) < 0) {
            if (errno == EINTR)
                continue;
            return -errno;
        }
        if (p[3].revents)
            return -ECANCELED;
        if (p[2].revents)
            relay_sync(r);
        int k = 0;
        if (p[0].revents & (POLLIN | POLLHUP | POLLERR))
            k = relay_output(r);
        if (k == 0 && (p[1].revents & (POLLIN | POLLHUP | POLLERR)))
            k = relay_input(r);
        if (k != 0)
            return k;
    }
}

static int connect_attach(const char *dir, int *ret)
{
    _cleanup_close_ int dfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0)
        return -errno;
    _cleanup_close_ int s = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
    if (s < 0)
        return -errno;
    struct sockaddr_un addr = { .sun_family = AF_UNIX };
    snprintf(addr.sun_path, sizeof addr.sun_path, "/proc/self/fd/%d/" ATTACH_SOCKET, dfd);
    int r;
    do
        r = connect(s, (struct sockaddr *)&addr, sizeof addr);
    while (r < 0 && errno == EINTR);
    if (r < 0)
        return -errno;
    *ret = TAKE_FD(s);
    return 0;
}

/* A relay over the caller's descriptors (-1: none), with the detach keys
 * (NULL: the default). */
static int relay_init(struct relay *r, int in_fd, int out_fd, int err_fd, const char *detach_keys)
{
    *r = (struct relay){ .sock = -1, .in_fd = in_fd, .out_fd = out_fd, .err_fd = err_fd, .sync_fd = -1, .cancel_fd = -1 };
    if (ctr__detach_matcher_init_spec(&r->keys, detach_keys ? detach_keys : CTR__DETACH_KEYS_DEFAULT) < 0)
        return ctr__err_keep(-EINVAL, "invalid detach keys '%s'", detach_keys);
    return 0;
}

static void relay_done(struct relay *r)
{
    free(TAKE_PTR(r->sync_message));
}

/* relay_run() with SIGPIPE blocked (see sigpipe_block()). */
static int relay_guarded(struct relay *r)
{
    struct sigpipe_guard g;
    sigpipe_block(&g);
    int k = relay_run(r);
    sigpipe_restore(&g);
    return k;
}

int ctr__conmon_attach(const ctr_oci_container_t *c, const ctr_oci_attach_options_t *opts)
{
    _cleanup_(relay_done) struct relay r = { .sock = -1, .sync_fd = -1 };
    int k = relay_init(&r, opts->stdin_fd, opts->stdout_fd, opts->stderr_fd, opts->detach_keys);
    if (k < 0)
        return k;
    r.return_on_stdin_eof = (opts->flags & CTR_OCI_ATTACH_RETURN_ON_STDIN_EOF) != 0;
    if (opts->version >= 2)
        r.cancel_fd = ctr__cancel_fd(opts->cancel);

    _cleanup_close_ int sock = -1;
    k = connect_attach(c->bundle_dir, &sock);
    if (k == -ENOENT || k == -ECONNREFUSED)
        return ctr__err(-EBUSY, "container %.12s has no attach socket (not running under conmon)", c->id);
    if (k < 0)
        return ctr__err(k, "connecting to the attach socket in %s: %s", c->bundle_dir, strerror(-k));
    r.sock = sock;

    if (opts->attached) {
        k = opts->attached(opts->attached_userdata);
        if (k < 0)
            return k;
    }
    k = relay_guarded(&r);
    if (k == -EPIPE)
        return ctr__err(-EPIPE, "attach: an output descriptor was closed");
    if (k == -ECANCELED)
        return ctr__err(k, "attach: cancelled");
    if (k < 0)
        return ctr__err(k, "attach: %s", strerror(-k));
    return k;
}

/* ---- Exec ---- */

static int write_process_json(int dirfd, const char *process_json, bool tty)
{
    _cleanup_json_ json_object *o = json_tokener_parse(process_json);
    if (!o || !json_object_is_type(o, json_type_object))
        return ctr__err(-EINVAL, "exec: the process is not a JSON object");
    json_object *args;
    if (!json_object_object_get_ex(o, "args", &args) || !json_object_is_type(args, json_type_array) ||
        json_object_array_length(args) == 0)
        return ctr__err(-EINVAL, "exec: the process has no \"args\"");
    if (json_object_object_add(o, "terminal", json_object_new_boolean(tty)) < 0)
        return ctr__err(-ENOMEM, "out of memory for the exec process spec");
    size_t len;
    const char *s = json_object_to_json_string_length(o, JSON_C_TO_STRING_PLAIN, &len);
    if (!s)
        return ctr__err(-ENOMEM, "out of memory for the exec process spec");
    int r = ctr__write_file_at(dirfd, PROCESS_JSON, s, len, 0600, false);
    if (r < 0)
        return ctr__err(r, "writing the exec process spec: %s", strerror(-r));
    return 0;
}

/* Once conmon says that the session's attach socket exists: connect to it
 * (*ret_sock), then send the second start byte, on which conmon's child
 * runs `runtime exec`. */
static int exec_connect(const struct ctr__conmon_runtime *rt, const char *dir, int dfd, const struct conmon *m,
                        int *ret_sock)
{
    int data = 0;
    _cleanup_free_ char *message = NULL;
    int r = conmon_report(m, &data, &message);
    if (r < 0)
        return ctr__err(-EIO, "conmon exited before the exec session was set up");
    if (data < 0)
        return runtime_failed(rt, dfd, message, NULL);
    _cleanup_close_ int sock = -1;
    r = connect_attach(dir, &sock);
    if (r < 0)
        return ctr__err(-EIO, "connecting to the exec session's attach socket: %s", strerror(-r));
    r = write_start_byte(m->start);
    if (r < 0)
        return ctr__err(-EIO, "conmon exited before the exec started");
    *ret_sock = TAKE_FD(sock);
    return 0;
}

/* After the socket ended: the exit status may still be on its way. */
static void relay_wait_exit_status(struct relay *r)
{
    while (r->sync_fd >= 0 && r->n_sync < 2 && !r->sync_message) {
        if (wait_fd(r->sync_fd, POLLIN, deadline_after(SYNC_TIMEOUT_MS)) < 0)
            break;
        relay_sync(r);
    }
}

/* What the session ended with: its exit status, or why there is none. */
static int exec_result(const struct ctr__conmon_runtime *rt, const ctr_oci_container_t *c,
                       const ctr_oci_exec_options_t *opts, int dfd, const struct relay *rl, int *ret_exit_code)
{
    if (rl->sync_message && streq(rl->sync_message, "command timed out"))
        return ctr__err(-ETIMEDOUT, "exec in %.12s: killed after %u s", c->id, opts->timeout);
    if (rl->sync_message || rl->sync_error < 0)
        return runtime_failed(rt, dfd, rl->sync_message, NULL);
    if (rl->n_sync < 2)
        return runtime_failed(rt, dfd, NULL, "conmon exited without reporting the exit status");
    *ret_exit_code = rl->exit_status;
    return 0;
}

/* The exec session in directory dir (open as dfd): 0 with the exit code,
 * RELAY_DETACHED when it outlives the call, or a negative errno. */
static int exec_session(const struct ctr__conmon_runtime *rt, const ctr_oci_container_t *c,
                        const ctr_oci_exec_options_t *opts, const char *session, const char *dir, int dfd,
                        int *ret_exit_code)
{
    _cleanup_(relay_done) struct relay rl = { .sock = -1, .sync_fd = -1, .cancel_fd = -1 };
    int r = relay_init(&rl, opts->stdin_fd, opts->stdout_fd, opts->stderr_fd, opts->detach_keys);
    if (r < 0)
        return r;
    r = write_process_json(dfd, opts->process_json, (opts->flags & CTR_OCI_EXEC_TTY) != 0);
    if (r < 0)
        return r;
    _cleanup_strv_ char **argv = NULL;
    r = exec_argv(rt, c, opts, session, dir, &argv);
    if (r < 0)
        return r;
    _cleanup_(conmon_close) struct conmon m = CONMON_NONE;
    r = conmon_start(rt, argv, dir, dfd, true, &m);
    if (r < 0)
        return r;
    /* Pin the session's monitor so that we can wait for it to finish. */
    _cleanup_close_ int mon_fd = m.pid > 0 ? pidfd_open_(m.pid) : -1;
    _cleanup_close_ int sock = -1;
    r = exec_connect(rt, dir, dfd, &m, &sock);
    if (r < 0)
        return r;

    rl.sock = sock;
    rl.sync_fd = m.sync;
    r = relay_guarded(&rl);
    if (r == RELAY_DETACHED)
        return r;
    if (r < 0)
        return ctr__err(r, "exec: relaying the process's streams: %s", strerror(-r));
    relay_wait_exit_status(&rl);
    r = exec_result(rt, c, opts, dfd, &rl, ret_exit_code);
    /* Let the session's conmon finish (it exits right after reporting). */
    if (mon_fd >= 0)
        (void)await_pidfd(mon_fd, deadline_after(MONITOR_EXIT_TIMEOUT_MS));
    return r;
}

/* An exec session's directory, removed when the call ends unless taken
 * from the variable: a detached session's stays until the container's run
 * directory is removed. */
static void session_dir_removep(char **dir)
{
    if (*dir)
        (void)ctr__rm_rf(*dir);
    free(*dir);
}

int ctr__conmon_exec(const struct ctr__conmon_runtime *crt, const ctr_oci_container_t *c,
                     const ctr_oci_exec_options_t *opts, int *ret_exit_code)
{
    /* A create's monitor that does no exec (ctr-monitor) leaves it to conmon. */
    struct ctr__conmon_runtime exec_rt = *crt;
    if (crt->exec_conmon_path)
        exec_rt.conmon_path = crt->exec_conmon_path;
    const struct ctr__conmon_runtime *rt = &exec_rt;
    if (!rt->conmon_path)
        return conmon_not_found();

    /* The session's own bundle: RUN_DIR/exec/SESSION. */
    char session[65];
    int r = ctr__random_id(session);
    if (r < 0)
        return ctr__err(r, "getrandom: %s", strerror(-r));
    session[16] = '\0';
    _cleanup_(session_dir_removep) char *dir = ctr__asprintf("%s/" EXEC_DIR "/%s", c->run_dir, session);
    if (!dir)
        return ctr__err(-ENOMEM, "out of memory for the exec directory's name");
    r = ctr__mkdir_p(dir, 0700);
    if (r < 0)
        return ctr__err(r, "creating exec directory %s: %s", dir, strerror(-r));
    _cleanup_close_ int dfd = open_dir(dir);
    if (dfd < 0)
        return ctr__err(-errno, "opening %s: %m", dir);
    r = exec_session(rt, c, opts, session, dir, dfd, ret_exit_code);
    if (r == RELAY_DETACHED)
        free(TAKE_PTR(dir));
    return r;
}
