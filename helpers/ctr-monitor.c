/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* ctr-monitor: the container monitor of the native runtime, in conmon's
 * place for a create.  It takes the command line lib/oci/conmon.c gives
 * conmon (the options below; the runtime's own options come through
 * --runtime-arg: --root, --log, --log-format) and keeps conmon's contract:
 *
 *   - fds 3 and 4 (_OCI_SYNCPIPE, _OCI_STARTPIPE): one byte is read from
 *     the start pipe, then the first process forks, writes the daemon's
 *     PID to --conmon-pidfile and exits 0; the daemon (a session of its
 *     own, subreaper of the container) creates the container in-process
 *     (lib/native's create, in ctr-oci's state root and format, so that
 *     ctr-oci start/state/kill/delete see it: the container's init is the
 *     daemon's child) and writes {"data": PID} on the sync pipe, or
 *     {"data": -1, "message": "..."} (and a JSON line in --log);
 *   - BUNDLE/attach: SOCK_SEQPACKET; output goes to every client as one
 *     stream byte (2 stdout, 3 stderr) + up to 8192 bytes, a client's bytes
 *     go to the container's stdin, its EOF closes that stdin;
 *   - BUNDLE/ctl: lines "1 H W" (resize the terminal), "2 0 0" (reopen the
 *     log);
 *   - -l k8s-file:PATH: "TIME STREAM F|P TEXT" lines, TIME as conmon writes
 *     it (local time, nanoseconds, +hh:mm), the file truncated (new file
 *     renamed over it) when a write would take it past --log-size-max;
 *   - once the container's init exited and its output is drained:
 *     EXIT_DIR/ID holds the exit status in decimal (128 + signal), written
 *     through a temporary file and a rename; then --exit-command runs with
 *     its --exit-command-arg's, waited for, and the monitor exits.
 *
 * Exec sessions are not monitored here (-e is refused): lib/oci keeps exec
 * on conmon + ctr-oci. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "monitor.h"

#define STDIO_BUF 8192
#define MAX_CLIENTS 16
#define ATTACH_STDOUT 2
#define ATTACH_STDERR 3

/* The daemon's state once the container runs. */
struct mon {
    const struct opts *o;
    /* f.bundle: the bundle's directory; f.out, f.err: the container's stdout
     * and stderr (out: the terminal's master); f.in: what feeds its stdin
     * (-1: nothing); f.listen: the attach socket; f.ctl, f.ctl_w: the ctl
     * FIFO and our own writer (no EOF); f.log: the k8s-file log (-1: none);
     * f.console: the console socket until the master came. */
    struct monitor_fds f;
    int sfd;                /* signalfd: SIGCHLD */
    int oom;                /* the container's memory cgroup file with "oom_kill N", or -1 */
    int clients[MAX_CLIENTS];
    bool client_eof[MAX_CLIENTS]; /* it shut its writing down: output only */
    const char *log_path;
    long long log_bytes;
    pid_t pid;              /* the container's init */
    int status;             /* its wait status once exited */
    bool exited;
};

/* ---- small things ---- */

static void set_cloexec(int fd)
{
    if (fd >= 0)
        (void)fcntl(fd, F_SETFD, FD_CLOEXEC);
}

static void set_nonblock(int fd)
{
    int fl = fcntl(fd, F_GETFL);
    if (fl >= 0)
        (void)fcntl(fd, F_SETFL, fl | O_NONBLOCK);
}

/* ---- the k8s-file log ---- */

static void log_open(struct mon *m, bool truncate)
{
    if (!m->log_path)
        return;
    if (m->f.log >= 0)
        close(m->f.log);
    m->log_bytes = 0;
    if (!truncate) {
        m->f.log = open(m->log_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
        struct stat st;
        if (m->f.log >= 0 && fstat(m->f.log, &st) == 0)
            m->log_bytes = st.st_size;
        return;
    }
    /* A new empty file renamed over the old one: a reader that has it open
     * sees it replaced (conmon's way). */
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s.tmp", m->log_path);
    m->f.log = open(tmp, O_WRONLY | O_TRUNC | O_CREAT | O_CLOEXEC, 0640);
    if (m->f.log >= 0 && rename(tmp, m->log_path) < 0) {
        close(m->f.log);
        m->f.log = -1;
    }
}

/* "2006-01-02T15:04:05.000000000+07:00 stdout " */
static size_t log_stamp(char *buf, size_t size, bool is_err)
{
    struct timespec ts;
    struct tm tm;
    clock_gettime(CLOCK_REALTIME, &ts);
    localtime_r(&ts.tv_sec, &tm);
    long off = tm.tm_gmtoff;
    char sign = off < 0 ? '-' : '+';
    off = off < 0 ? -off : off;
    return (size_t)snprintf(buf, size, "%04d-%02d-%02dT%02d:%02d:%02d.%09ld%c%02ld:%02ld %s ", tm.tm_year + 1900,
                            tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ts.tv_nsec, sign, off / 3600,
                            (off % 3600) / 60, is_err ? "stderr" : "stdout");
}

/* Each line of buf as a log line; a last one with no newline is "P". */
static void log_write(struct mon *m, bool is_err, const char *buf, size_t len)
{
    char stamp[80];
    if (m->f.log < 0)
        return;
    size_t slen = log_stamp(stamp, sizeof stamp, is_err);
    while (len > 0) {
        const char *nl = memchr(buf, '\n', len);
        size_t line = nl ? (size_t)(nl - buf) + 1 : len;
        long long need = (long long)(slen + 2 + line + (nl ? 0 : 1));
        if (m->o->log_size_max > 0 && m->log_bytes + need > m->o->log_size_max)
            log_open(m, true);
        if (m->f.log < 0)
            return;
        struct iovec v[4] = {
            {stamp, slen}, {nl ? "F " : "P ", 2}, {(void *)buf, line}, {"\n", nl ? 0 : 1},
        };
        ssize_t w;
        while ((w = writev(m->f.log, v, 4)) < 0 && errno == EINTR)
            ;
        m->log_bytes += need;
        buf += line;
        len -= line;
    }
}

/* ---- attach clients ---- */

static void clients_send(struct mon *m, int stream, const char *buf, size_t len)
{
    char pkt[STDIO_BUF + 1];
    pkt[0] = (char)stream;
    memcpy(pkt + 1, buf, len);
    for (int i = 0; i < MAX_CLIENTS; i++) {
        if (m->clients[i] < 0)
            continue;
        ssize_t n;
        while ((n = send(m->clients[i], pkt, len + 1, MSG_NOSIGNAL)) < 0 && errno == EINTR)
            ;
        if (n < 0 && errno != EAGAIN) {
            close(m->clients[i]);
            m->clients[i] = -1;
        }
    }
}

static void client_accept(struct mon *m)
{
    int fd = accept4(m->f.listen, NULL, NULL, SOCK_CLOEXEC);
    if (fd < 0)
        return;
    for (int i = 0; i < MAX_CLIENTS; i++)
        if (m->clients[i] < 0) {
            m->clients[i] = fd;
            m->client_eof[i] = false;
            return;
        }
    close(fd);
}

/* A client's input to the container's stdin; its EOF (shutdown(SHUT_WR))
 * closes that stdin (not a terminal's: the master is the output too), the
 * client still gets the output.  A client gone altogether is closed. */
static void client_read(struct mon *m, int i, short revents)
{
    if (m->client_eof[i]) {
        if (revents & (POLLHUP | POLLERR)) {
            close(m->clients[i]);
            m->clients[i] = -1;
        }
        return;
    }
    char buf[STDIO_BUF];
    ssize_t n = recv(m->clients[i], buf, sizeof buf, MSG_DONTWAIT);
    if (n < 0 && (errno == EAGAIN || errno == EINTR))
        return;
    if (n > 0) {
        if (m->f.in >= 0)
            monitor_write_all(m->f.in, buf, (size_t)n);
        return;
    }
    if (n < 0) {
        close(m->clients[i]);
        m->clients[i] = -1;
        return;
    }
    m->client_eof[i] = true;
    if (!m->o->tty && m->f.in >= 0) {
        close(m->f.in);
        m->f.in = -1;
    }
}

static void clients_close(struct mon *m)
{
    for (int i = 0; i < MAX_CLIENTS; i++)
        if (m->clients[i] >= 0) {
            close(m->clients[i]);
            m->clients[i] = -1;
        }
}

/* ---- output, ctl, exit ---- */

/* Read one chunk of a stream; false at its end. */
static bool stream_read(struct mon *m, int *fd, int stream)
{
    char buf[STDIO_BUF];
    ssize_t n = read(*fd, buf, sizeof buf);
    if (n < 0 && (errno == EAGAIN || errno == EINTR))
        return true;
    if (n <= 0) {
        close(*fd);
        if (m->f.in == *fd)
            m->f.in = -1;
        *fd = -1;
        return false;
    }
    log_write(m, stream == ATTACH_STDERR, buf, (size_t)n);
    clients_send(m, stream, buf, (size_t)n);
    return true;
}

static void ctl_read(struct mon *m)
{
    char buf[256];
    ssize_t n = read(m->f.ctl, buf, sizeof buf - 1);
    if (n <= 0)
        return;
    buf[n] = '\0';
    for (char *line = buf, *next; line && *line; line = next) {
        next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        int type = 0;
        unsigned h = 0, w = 0;
        if (sscanf(line, "%d %u %u", &type, &h, &w) != 3)
            continue;
        if (type == 1 && m->o->tty && m->f.out >= 0) {
            struct winsize ws = {.ws_row = (unsigned short)h, .ws_col = (unsigned short)w};
            (void)ioctl(m->f.out, TIOCSWINSZ, &ws);
        } else if (type == 2) {
            log_open(m, true);
        }
    }
}

/* Reap every child; note the init's status. */
static void reap(struct mon *m)
{
    struct signalfd_siginfo si;
    while (read(m->sfd, &si, sizeof si) > 0)
        ;
    int status;
    pid_t p;
    while ((p = waitpid(-1, &status, WNOHANG)) > 0)
        if (p == m->pid) {
            m->status = status;
            m->exited = true;
        }
}

/* The file of the init's memory cgroup that counts OOM kills: v1's
 * memory.oom_control, else v2's memory.events (cgroupfs at its usual
 * place). */
static int open_oom_counter(pid_t pid)
{
    char path[128], line[4096], file[4300];
    snprintf(path, sizeof path, "/proc/%d/cgroup", (int)pid);
    FILE *f = fopen(path, "re");
    int fd = -1;
    while (f && fd < 0 && fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = '\0';
        char *c1 = strchr(line, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
        if (!c2)
            continue;
        *c2 = '\0';
        bool v1 = strstr(c1 + 1, "memory") != NULL, v2 = strcmp(line, "0") == 0 && c1[1] == '\0';
        if (v1)
            snprintf(file, sizeof file, "/sys/fs/cgroup/memory%s/memory.oom_control", c2 + 1);
        else if (v2)
            snprintf(file, sizeof file, "/sys/fs/cgroup%s/memory.events", c2 + 1);
        if (v1 || v2)
            fd = open(file, O_RDONLY | O_CLOEXEC);
    }
    if (f)
        fclose(f);
    return fd;
}

/* BUNDLE/oom when the kernel OOM-killed a process of the container (what
 * conmon leaves for inspect's OOMKilled). */
static void record_oom(const struct mon *m)
{
    char buf[1024];
    ssize_t n = m->oom >= 0 ? pread(m->oom, buf, sizeof buf - 1, 0) : -1;
    if (n <= 0)
        return;
    buf[n] = '\0';
    for (char *line = buf; line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL)
        if (strncmp(line, "oom_kill ", 9) == 0 && atol(line + 9) > 0) {
            int fd = openat(m->f.bundle, "oom", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
            if (fd >= 0)
                close(fd);
            return;
        }
}

static int exit_code(int status)
{
    return WIFEXITED(status) ? WEXITSTATUS(status) : WIFSIGNALED(status) ? 128 + WTERMSIG(status) : 255;
}

static void write_exit_file(const struct mon *m)
{
    char text[16], tmp[4096], path[4096];
    int n = snprintf(text, sizeof text, "%d", exit_code(m->status));
    snprintf(path, sizeof path, "%s/%s", m->o->exit_dir, m->o->cid);
    snprintf(tmp, sizeof tmp, "%s/.%s.tmp", m->o->exit_dir, m->o->cid);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        return;
    monitor_write_all(fd, text, (size_t)n);
    close(fd);
    if (rename(tmp, path) < 0)
        unlink(tmp);
}

/* The exit command, waited for (with every other child: none is left a
 * zombie); its own children are not ours to reap. */
static void run_exit_command(const struct opts *o)
{
    if (!o->exit_command)
        return;
    (void)prctl(PR_SET_CHILD_SUBREAPER, 0, 0, 0, 0);
    char **argv = NULL;
    size_t n = 0;
    monitor_push(&argv, &n, o->exit_command);
    for (size_t i = 0; i < o->n_exit_args; i++)
        monitor_push(&argv, &n, o->exit_args[i]);
    sigset_t all;
    sigfillset(&all);
    pid_t pid = fork();
    if (pid == 0) {
        sigprocmask(SIG_UNBLOCK, &all, NULL);
        signal(SIGPIPE, SIG_DFL);
        execv(o->exit_command, argv);
        _exit(127);
    }
    while (pid > 0 && (waitpid(-1, NULL, 0) > 0 || errno == EINTR))
        ;
    free(argv);
}

/* ---- the event loop ---- */

enum { P_SIG, P_OUT, P_ERR, P_LISTEN, P_CTL, P_CLIENTS };

static void loop_fill(const struct mon *m, struct pollfd *p)
{
    p[P_SIG] = (struct pollfd){.fd = m->sfd, .events = POLLIN};
    p[P_OUT] = (struct pollfd){.fd = m->f.out, .events = POLLIN};
    p[P_ERR] = (struct pollfd){.fd = m->f.err, .events = POLLIN};
    p[P_LISTEN] = (struct pollfd){.fd = m->f.listen, .events = POLLIN};
    p[P_CTL] = (struct pollfd){.fd = m->f.ctl, .events = POLLIN};
    for (int i = 0; i < MAX_CLIENTS; i++)
        p[P_CLIENTS + i] = (struct pollfd){.fd = m->clients[i], .events = m->client_eof[i] ? 0 : POLLIN};
}

/* Until the init exited; then what is left of its output. */
static void loop(struct mon *m)
{
    struct pollfd p[P_CLIENTS + MAX_CLIENTS];
    while (!m->exited) {
        loop_fill(m, p);
        if (poll(p, P_CLIENTS + MAX_CLIENTS, -1) < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        if (p[P_OUT].revents)
            stream_read(m, &m->f.out, ATTACH_STDOUT);
        if (p[P_ERR].revents)
            stream_read(m, &m->f.err, ATTACH_STDERR);
        if (p[P_LISTEN].revents)
            client_accept(m);
        if (p[P_CTL].revents)
            ctl_read(m);
        for (int i = 0; i < MAX_CLIENTS; i++)
            if (p[P_CLIENTS + i].revents && m->clients[i] >= 0)
                client_read(m, i, p[P_CLIENTS + i].revents);
        if (p[P_SIG].revents)
            reap(m);
    }
    /* Drain: what the init wrote is there now (a process it left behind
     * holding the pipe open does not keep the monitor). */
    if (m->f.out >= 0)
        set_nonblock(m->f.out);
    if (m->f.err >= 0)
        set_nonblock(m->f.err);
    while (m->f.out >= 0 && stream_read(m, &m->f.out, ATTACH_STDOUT) && m->f.out >= 0) {
        struct pollfd q = {.fd = m->f.out, .events = POLLIN};
        if (poll(&q, 1, 0) <= 0)
            break;
    }
    while (m->f.err >= 0 && stream_read(m, &m->f.err, ATTACH_STDERR) && m->f.err >= 0) {
        struct pollfd q = {.fd = m->f.err, .events = POLLIN};
        if (poll(&q, 1, 0) <= 0)
            break;
    }
}

/* ---- set-up ---- */

/* A socket of @type bound at NAME in the bundle (through /proc/self/fd, so
 * that a long bundle path does not matter), listening. */
static int listen_at(int bundle, const char *name, int type)
{
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    snprintf(sa.sun_path, sizeof sa.sun_path, "/proc/self/fd/%d/%s", bundle, name);
    (void)unlinkat(bundle, name, 0);
    int fd = socket(AF_UNIX, type | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0 || listen(fd, 16) < 0) {
        if (fd >= 0)
            close(fd);
        return -1;
    }
    return fd;
}

static int make_ctl(struct mon *m)
{
    (void)unlinkat(m->f.bundle, "ctl", 0);
    if (mkfifoat(m->f.bundle, "ctl", 0666) < 0)
        return -1;
    m->f.ctl = openat(m->f.bundle, "ctl", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    m->f.ctl_w = m->f.ctl < 0 ? -1 : openat(m->f.bundle, "ctl", O_WRONLY | O_CLOEXEC);
    return m->f.ctl_w < 0 ? -1 : 0;
}

/* The container's stdio for a non-terminal create, on fds 0-2 (the clone
 * inherits them); our ends in m. */
static int make_pipes(struct mon *m)
{
    int o[2], e[2], i[2] = {-1, -1};
    if (pipe2(o, O_CLOEXEC) < 0 || pipe2(e, O_CLOEXEC) < 0)
        return -1;
    if (m->o->stdin_open && pipe2(i, O_CLOEXEC) < 0)
        return -1;
    int null = open("/dev/null", O_RDWR | O_CLOEXEC);
    if (null < 0 || dup2(i[0] >= 0 ? i[0] : null, 0) < 0 || dup2(o[1], 1) < 0 || dup2(e[1], 2) < 0)
        return -1;
    close(null);
    close(o[1]);
    close(e[1]);
    if (i[0] >= 0)
        close(i[0]);
    m->f.out = o[0];
    m->f.err = e[0];
    m->f.in = i[1];
    return 0;
}

static void stdio_null(void)
{
    int null = open("/dev/null", O_RDWR | O_CLOEXEC);
    if (null < 0)
        return;
    for (int fd = 0; fd < 3; fd++)
        dup2(null, fd);
    close(null);
}

/* The terminal's master, sent by the container's set-up. */
static int recv_master(int listen_fd)
{
    struct pollfd p = {.fd = listen_fd, .events = POLLIN};
    if (poll(&p, 1, 5000) <= 0)
        return -1;
    int c = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC);
    if (c < 0)
        return -1;
    char data[256], ctl[CMSG_SPACE(sizeof(int))];
    struct iovec v = {data, sizeof data};
    struct msghdr msg = {.msg_iov = &v, .msg_iovlen = 1, .msg_control = ctl, .msg_controllen = sizeof ctl};
    ssize_t n;
    while ((n = recvmsg(c, &msg, MSG_CMSG_CLOEXEC)) < 0 && errno == EINTR)
        ;
    close(c);
    struct cmsghdr *cm = n > 0 ? CMSG_FIRSTHDR(&msg) : NULL;
    if (!cm || cm->cmsg_type != SCM_RIGHTS)
        return -1;
    int fd;
    memcpy(&fd, CMSG_DATA(cm), sizeof fd);
    return fd;
}

static void setup_io(struct mon *m)
{
    const struct opts *o = m->o;
    int sync = m->f.sync;
    m->f.bundle = open(o->bundle, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (m->f.bundle < 0)
        monitor_fail(o, sync, "opening the bundle directory");
    log_open(m, false);
    if (m->log_path && m->f.log < 0)
        monitor_fail(o, sync, "opening the container's log file");
    m->f.listen = listen_at(m->f.bundle, "attach", SOCK_SEQPACKET);
    if (m->f.listen < 0 || make_ctl(m) < 0)
        monitor_fail(o, sync, "creating the attach socket and the ctl FIFO in the bundle");
    if (!o->tty && make_pipes(m) < 0)
        monitor_fail(o, sync, "creating the container's stdio pipes");
    if (o->tty) {
        stdio_null();
        m->f.console = listen_at(m->f.bundle, CTR_MONITOR_CONSOLE, SOCK_STREAM);
        if (m->f.console < 0)
            monitor_fail(o, sync, "creating the console socket");
    }
}

/* The create step: ctr-monitor-create (beside this program) in this
 * process, with the same command line and our descriptors; it execs this
 * program again with the container's PID (resume()). */
static void exec_create(struct mon *m, char **argv)
{
    char self[4096], path[4200], fds[160];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n <= 0)
        monitor_fail(m->o, m->f.sync, "reading /proc/self/exe");
    self[n] = '\0';
    char *slash = strrchr(self, '/');
    *slash = '\0';
    snprintf(path, sizeof path, "%s/" CTR_MONITOR_CREATE, self);
    monitor_fds_format(&m->f, fds, sizeof fds);
    const int *v = &m->f.sync;
    for (int i = 0; i < MONITOR_FDS_N; i++)
        if (v[i] >= 0)
            (void)fcntl(v[i], F_SETFD, 0);
    setenv(CTR_MONITOR_FDS_ENV, fds, 1);
    execv(path, argv);
    monitor_fail(m->o, m->f.sync, "executing " CTR_MONITOR_CREATE);
}

/* Back from the create step: the container's init is our child. */
static void resume(struct mon *m, const char *fds, const char *pid)
{
    if (monitor_fds_parse(fds, &m->f) < 0)
        monitor_fail(m->o, -1, "bad " CTR_MONITOR_FDS_ENV);
    const int *v = &m->f.sync;
    for (int i = 0; i < MONITOR_FDS_N; i++)
        set_cloexec(v[i]);
    unsetenv(CTR_MONITOR_FDS_ENV);
    unsetenv(CTR_MONITOR_PID_ENV);
    m->pid = (pid_t)atoi(pid);
    struct stat st;
    if (m->f.log >= 0 && fstat(m->f.log, &st) == 0)
        m->log_bytes = st.st_size;
    if (m->o->tty) {
        m->f.out = m->f.in = recv_master(m->f.console);
        close(m->f.console);
        (void)unlinkat(m->f.bundle, CTR_MONITOR_CONSOLE, 0);
        if (m->f.out < 0)
            monitor_fail(m->o, m->f.sync, "the container's terminal was not received");
    }
}

/* Report, monitor, record the exit, exit. */
static void monitor_main(struct mon *m)
{
    stdio_null();
    set_nonblock(m->f.out);
    /* Only now: the container's init must not inherit a blocked SIGCHLD or
     * an ignored SIGPIPE.  An exit before this is seen by the first reap. */
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGCHLD);
    sigprocmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN);
    m->sfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
    m->oom = open_oom_counter(m->pid);
    reap(m);
    monitor_sync_send(m->f.sync, m->pid, NULL);
    close(m->f.sync);
    loop(m);
    record_oom(m);
    write_exit_file(m);
    clients_close(m);
    run_exit_command(m->o);
    _exit(0);
}

static void write_conmon_pid(const char *path, pid_t pid)
{
    char text[16];
    int n = snprintf(text, sizeof text, "%d", (int)pid);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd >= 0) {
        monitor_write_all(fd, text, (size_t)n);
        close(fd);
    }
}

/* The first process: the start byte, the fork, the daemon's PID; the
 * daemon goes on in a session of its own as the container's subreaper. */
static void daemonize(const struct opts *o, int sync)
{
    int start = monitor_env_fd("_OCI_STARTPIPE");
    set_cloexec(start);
    if (start >= 0) {
        char c;
        while (read(start, &c, 1) < 0 && errno == EINTR)
            ;
        close(start);
    }
    pid_t pid = fork();
    if (pid < 0)
        monitor_fail(o, sync, "fork");
    if (pid > 0) {
        if (o->conmon_pidfile)
            write_conmon_pid(o->conmon_pidfile, pid);
        _exit(0);
    }
    setsid();
    if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0)
        monitor_fail(o, sync, "becoming the container's subreaper");
}

/* Descriptors 0-2 open (on /dev/null when they were not): the dup2()s onto
 * them below must not hit one of ours. */
static void stdio_ensure(void)
{
    int fd;
    while ((fd = open("/dev/null", O_RDWR)) >= 0 && fd < 3)
        ;
    if (fd >= 3)
        close(fd);
}

int main(int argc, char **argv)
{
    struct opts o;
    stdio_ensure();
    if (monitor_parse(&o, argc, argv) < 0)
        return 1;
    struct mon m = {.o = &o, .sfd = -1, .oom = -1};
    m.f = (struct monitor_fds){.sync = -1, .bundle = -1, .out = -1, .err = -1, .in = -1, .listen = -1, .ctl = -1,
                               .ctl_w = -1, .log = -1, .console = -1};
    for (int i = 0; i < MAX_CLIENTS; i++)
        m.clients[i] = -1;
    if (o.log && strcmp(o.log, "none") != 0)
        m.log_path = strncmp(o.log, "k8s-file:", 9) == 0 ? o.log + 9 : o.log;
    const char *fds = getenv(CTR_MONITOR_FDS_ENV), *pid = getenv(CTR_MONITOR_PID_ENV);
    if (fds && pid) {
        resume(&m, fds, pid);
        monitor_main(&m);
    }
    m.f.sync = monitor_env_fd("_OCI_SYNCPIPE");
    set_cloexec(m.f.sync);
    if (o.unsupported)
        monitor_fail(&o, m.f.sync, "exec sessions and restores are monitored by conmon");
    daemonize(&o, m.f.sync);
    setup_io(&m);
    exec_create(&m, argv);
    return 1;
}
