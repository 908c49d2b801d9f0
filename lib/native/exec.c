/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* exec: a new process in a running container.  The runtime joins the
 * container's cgroup and PID namespace (its child is born in both) and
 * the child, through the pidfd of the container's process, all the other
 * namespaces at once; it takes the process's limits, terminal,
 * identity, cwd, the container's seccomp policy, and execs.  Its sync
 * socket is close-on-exec: EOF is success, a report is the step that
 * failed. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/error.h"
#include "base/json-util.h"
#include "native/cgroup.h"
#include "native/container.h"
#include "native/process.h"
#include "native/seccomp.h"
#include "native/spec.h"
#include "native/state.h"

/* Joined by the child: the runtime keeps the host's view (for the pid
 * file), it joins only the PID namespace, which its children enter. */
#define CHILD_JOIN_FLAGS (CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNET | CLONE_NEWCGROUP)

struct exec_child {
    const struct ctr__native_process *p;
    const struct ctr__native_seccomp *filter;
    int sync, console, preserve_fds, pidfd;
};

static _Noreturn void exec_child_main(const struct exec_child *c)
{
    struct ctr__native_report rep = {0};
    char path[4096];
    const struct ctr__native_process *p = c->p;
    int r = 0;

    (void)prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
    if (setns(c->pidfd, CHILD_JOIN_FLAGS) < 0)
        r = ctr__native_fail(&rep, errno, "joining the container's namespaces");
    /* A session (and process group) of its own, as runc's: conmon kills
     * the group of an exec that timed out. */
    if (r == 0 && setsid() < 0)
        r = ctr__native_fail(&rep, errno, "setsid");
    if (r == 0 && p->terminal)
        r = ctr__native_process_console(p, c->console, false, &rep);
    if (r == 0)
        r = ctr__native_process_limits(p, &rep);
    if (r == 0 && c->filter && !p->no_new_privileges && (r = ctr__native_seccomp_load(c->filter)) < 0)
        r = ctr__native_fail(&rep, -r, "loading the seccomp filter");
    if (r == 0)
        r = ctr__native_process_identity(p, &rep);
    if (r == 0)
        r = ctr__native_process_cwd(p, &rep);
    if (r == 0)
        r = ctr__native_process_find(p, path, sizeof path, &rep);
    if (r == 0)
        r = ctr__native_process_exec(p, path, p->no_new_privileges ? c->filter : NULL, 3 + c->preserve_fds, &rep);
    (void)send(c->sync, &rep, sizeof rep, MSG_NOSIGNAL);
    _exit(127);
}

struct execution {
    struct ctr__native_state st;
    struct ctr__native_spec spec; /* the container's: its seccomp policy */
    struct ctr__arena arena;
    json_object *process_doc;
    struct ctr__native_process process;
    struct ctr__native_seccomp *filter;
    int pidfd, console, sync;
    int own_pidns; /* our PID namespace, for our children after the exec process's fork */
};

static void execution_done(struct execution *e)
{
    if (e->pidfd >= 0)
        close(e->pidfd);
    if (e->own_pidns >= 0)
        close(e->own_pidns);
    if (e->console >= 0)
        close(e->console);
    if (e->sync >= 0)
        close(e->sync);
    ctr__native_seccomp_free(e->filter);
    ctr__arena_free(&e->arena);
    json_object_put(e->process_doc);
    ctr__native_spec_done(&e->spec);
    ctr__native_state_done(&e->st);
}

static int read_process(const char *file, struct execution *e)
{
    _cleanup_free_ char *text = NULL;
    int r = ctr__read_file_at(AT_FDCWD, file, &text, NULL);

    if (r < 0)
        return ctr__err(r, "reading the process %s: %s", file, strerror(-r));
    r = ctr__json_parse(text, file, &e->process_doc);
    if (r == 0)
        r = ctr__native_process_from_json(e->process_doc, &e->arena, &e->process);
    return r;
}

static int load_container(const char *root, const char *id, struct execution *e)
{
    int r = ctr__native_state_load(root, id, &e->st);
    if (r < 0)
        return r;
    enum ctr__native_status s = ctr__native_state_status(root, &e->st);
    if (s == CTR_NATIVE_STOPPED)
        return ctr__err(-EINVAL, "cannot exec in a stopped container");
    if (s == CTR_NATIVE_PAUSED)
        return ctr__err(-EINVAL, "cannot exec in a paused container");
    e->pidfd = (int)syscall(SYS_pidfd_open, e->st.pid, 0);
    if (e->pidfd < 0 || !ctr__native_state_alive(&e->st))
        return ctr__err(-EINVAL, "cannot exec in a stopped container");
    r = ctr__native_spec_load(e->st.bundle, &e->spec);
    if (r < 0)
        return ctr__err_prefix(r, "the container's config.json");
    _cleanup_free_ char *cache = ctr__asprintf("%s/.cache/seccomp", root);
    if (!cache)
        return ctr__oom("cache path");
    return e->spec.seccomp ? ctr__native_seccomp_prepare(e->spec.seccomp, cache, &e->filter) : 0;
}

static int enter_container(struct execution *e)
{
    struct ctr__native_cgroup *cg = NULL;
    int r = ctr__native_cgroup_open(e->st.cgroups_path, e->st.id, &cg);

    if (r == 0)
        r = ctr__native_cgroup_enter(cg, getpid());
    ctr__native_cgroup_free(cg);
    if (r < 0)
        return ctr__err_keep(r, "joining the container's cgroup: %s", strerror(-r));
    e->own_pidns = open("/proc/self/ns/pid", O_RDONLY | O_CLOEXEC);
    if (e->own_pidns < 0)
        return ctr__err(-errno, "opening our PID namespace: %m");
    if (setns(e->pidfd, CLONE_NEWPID) < 0)
        return ctr__err(-errno, "joining the container's PID namespace: %m");
    return 0;
}

/* After the exec process's fork, our later children are ours again: back
 * to our own PID namespace.  A child forked in the container's would be a
 * process of it (the sanitizers' leak checker's tracer is one, at exit,
 * and hangs there).  The kernel always allows it (the namespace is the
 * one we are in), so its result is not checked. */
static void leave_pid_namespace(struct execution *e)
{
    (void)!setns(e->own_pidns, CLONE_NEWPID);
}

static int connect_socket(const char *path, int *ret)
{
    struct sockaddr_un sa = {.sun_family = AF_UNIX};

    if (!path)
        return ctr__err(-EINVAL, "cannot allocate tty if runc will detach without setting console socket");
    if (strlen(path) >= sizeof sa.sun_path)
        return ctr__err(-ENAMETOOLONG, "console socket path %s is too long", path);
    strcpy(sa.sun_path, path);
    *ret = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (*ret < 0 || connect(*ret, (struct sockaddr *)&sa, sizeof sa) < 0)
        return ctr__err(-errno, "connecting to the console socket %s: %m", path);
    return 0;
}

/* Fork the process (in the joined PID namespace) and wait for its execve
 * or its report. */
static int spawn(struct execution *e, const struct ctr__native_exec_opts *o, pid_t *ret_pid)
{
    int sv[2];

    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
        return ctr__err(-errno, "socketpair: %m");
    e->sync = sv[0];
    struct exec_child c = {&e->process, e->filter, sv[1], e->console, o->preserve_fds, e->pidfd};
    pid_t pid = fork();
    if (pid == 0) {
        close(sv[0]);
        exec_child_main(&c);
    }
    leave_pid_namespace(e);
    close(sv[1]);
    if (pid < 0)
        return ctr__err(-errno, "fork of the exec process: %m");
    struct ctr__native_report rep = {0};
    ssize_t n;
    while ((n = recv(e->sync, &rep, sizeof rep, 0)) < 0 && errno == EINTR)
        ;
    if (n == (ssize_t)sizeof rep && rep.err) {
        while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
            ;
        return ctr__native_report_error(&rep);
    }
    *ret_pid = pid;
    return 0;
}

static int wait_exit(pid_t pid, int *ret_status)
{
    int status = 0;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            return ctr__err(-errno, "waiting for the exec process: %m");
    *ret_status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return 0;
}

int ctr__native_exec(const char *root, const char *id, const struct ctr__native_exec_opts *o, int *ret_status)
{
    struct execution e = {.pidfd = -1, .console = -1, .sync = -1, .own_pidns = -1};
    pid_t pid = 0;
    int r = read_process(o->process_file, &e);

    *ret_status = 0;
    if (r == 0)
        r = load_container(root, id, &e);
    if (r == 0 && e.process.terminal)
        r = connect_socket(o->console_socket, &e.console);
    if (r == 0)
        r = enter_container(&e);
    if (r == 0)
        r = spawn(&e, o, &pid);
    if (r == 0 && o->pid_file) {
        char text[32];
        int n = snprintf(text, sizeof text, "%d", (int)pid);
        r = ctr__write_file_at(AT_FDCWD, o->pid_file, text, (size_t)n, 0644, false);
        if (r < 0)
            r = ctr__err(r, "writing the pid file %s: %s", o->pid_file, strerror(-r));
    }
    if (r == 0 && !o->detach)
        r = wait_exit(pid, ret_status);
    execution_done(&e);
    return r;
}
