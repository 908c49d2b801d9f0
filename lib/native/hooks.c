/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* config.json's hooks (see hooks.h).  Runs in the runtime and in the
 * container's child alike: single-threaded, errors go to a report. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/json-util.h"
#include "base/util.h"
#include "native/hooks.h"

#define OUTPUT_MAX 160 /* of each of stdout and stderr, in the message */

char *ctr__native_hook_state(const struct ctr__native_spec *s, const char *id, const char *status, pid_t pid)
{
    _cleanup_json_ json_object *o = json_object_new_object();
    int r = o ? 0 : -ENOMEM;

    if (r == 0)
        r = ctr__json_add_str(o, "ociVersion", "1.0.2");
    if (r == 0)
        r = ctr__json_add_str(o, "id", id);
    if (r == 0)
        r = ctr__json_add_str(o, "status", status);
    if (r == 0 && pid > 0)
        r = ctr__json_add_int(o, "pid", pid);
    if (r == 0)
        r = ctr__json_add_str(o, "bundle", s->bundle);
    if (r == 0 && s->annotations)
        r = ctr__json_set(o, "annotations", json_object_get(s->annotations));
    return r == 0 ? strdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN)) : NULL;
}

/* One hook's run: its pipes, what it printed, how it ended. */
struct run {
    int in, out, err, exec_err; /* our ends; exec_err: its execve's errno, CLOEXEC; in non-blocking */
    const char *state;          /* for stdin */
    size_t state_len, fed;
    pid_t pid;
    char text[2][OUTPUT_MAX + 1];
    size_t len[2];
};

static void run_close(struct run *x)
{
    int *fds[] = {&x->in, &x->out, &x->err, &x->exec_err};
    for (size_t i = 0; i < sizeof fds / sizeof *fds; i++)
        if (*fds[i] >= 0) {
            close(*fds[i]);
            *fds[i] = -1;
        }
}

static _Noreturn void hook_child(const struct ctr__native_hook *h, const int fds[3], int exec_err)
{
    for (int i = 0; i < 3; i++)
        if (dup2(fds[i], i) < 0)
            _exit(127);
    static const char *const none[] = {NULL};
    execve(h->path, (char *const *)h->args, (char *const *)(h->env ? h->env : none));
    int e = errno;
    (void)!write(exec_err, &e, sizeof e);
    _exit(127);
}

/* Fork the hook with its three pipes; the child's ends closed here. */
static int spawn(const struct ctr__native_hook *h, struct run *x)
{
    int p[4][2] = {{-1, -1}, {-1, -1}, {-1, -1}, {-1, -1}};
    int r = 0;

    for (int i = 0; i < 4 && r == 0; i++)
        if (pipe2(p[i], O_CLOEXEC) < 0)
            r = -errno;
    if (r == 0 && (x->pid = fork()) == 0)
        hook_child(h, (int[]){p[0][0], p[1][1], p[2][1]}, p[3][1]);
    if (r == 0 && x->pid < 0)
        r = -errno;
    x->in = p[0][1], x->out = p[1][0], x->err = p[2][0], x->exec_err = p[3][0];
    int theirs[] = {p[0][0], p[1][1], p[2][1], p[3][1]};
    for (size_t i = 0; i < 4; i++)
        if (theirs[i] >= 0)
            close(theirs[i]);
    return r;
}

/* Write what of the state the hook's stdin takes now; at the end, or when
 * the hook closed it (EPIPE: no failure, a hook need not read it), close
 * our end. */
static void feed(struct run *x)
{
    ssize_t k = write(x->in, x->state + x->fed, x->state_len - x->fed);
    if (k > 0)
        x->fed += (size_t)k;
    if (x->fed == x->state_len || (k < 0 && errno != EINTR && errno != EAGAIN)) {
        close(x->in);
        x->in = -1;
    }
}

static void take_output(struct run *x, int i, int *fd)
{
    char buf[512];
    ssize_t k = read(*fd, buf, sizeof buf);
    if (k < 0 && errno == EINTR)
        return;
    if (k <= 0) {
        close(*fd);
        *fd = -1;
        return;
    }
    size_t room = OUTPUT_MAX - x->len[i], take = (size_t)k < room ? (size_t)k : room;
    memcpy(x->text[i] + x->len[i], buf, take);
    x->len[i] += take;
}

/* Feed the state to stdin and read stdout and stderr, together, until all
 * three end or @deadline (ms, 0: none); SIGPIPE ignored meanwhile.
 * Returns false on the timeout. */
static bool drain(struct run *x, int64_t deadline)
{
    struct sigaction ign = {.sa_handler = SIG_IGN}, old;
    bool in_time = true;

    sigaction(SIGPIPE, &ign, &old);
    while (x->in >= 0 || x->out >= 0 || x->err >= 0) {
        struct pollfd p[3] = {{.fd = x->in, .events = POLLOUT},
                              {.fd = x->out, .events = POLLIN},
                              {.fd = x->err, .events = POLLIN}};
        int wait = deadline ? (int)(deadline - ctr__mono_ms()) : -1;
        if (deadline && wait <= 0) {
            in_time = false;
            break;
        }
        if (poll(p, 3, wait) < 0 && errno != EINTR)
            break;
        if (p[0].revents)
            feed(x);
        if (p[1].revents)
            take_output(x, 0, &x->out);
        if (p[2].revents)
            take_output(x, 1, &x->err);
    }
    sigaction(SIGPIPE, &old, NULL);
    return in_time;
}

/* Go's words for how a process ended: "exit status 3", "signal: killed". */
static void describe_status(int status, char *buf, size_t size)
{
    if (WIFEXITED(status)) {
        snprintf(buf, size, "exit status %d", WEXITSTATUS(status));
        return;
    }
    snprintf(buf, size, "signal: %s", strsignal(WTERMSIG(status)));
    char *p = buf + strlen("signal: ");
    *p = (char)tolower((unsigned char)*p);
}

static int fail_hook(struct ctr__native_report *rep, int err, enum ctr__native_hook_kind kind, size_t i,
                     const char *what)
{
    ctr__native_fail(rep, err, "error running %s hook #%zu: %s", ctr__native_hook_name(kind), i, what);
    rep->whole = true;
    return -rep->err;
}

/* How the hook ended, once its output ended (0: it succeeded). */
static int finish(struct run *x, bool in_time, int timeout, enum ctr__native_hook_kind kind, size_t i,
                  struct ctr__native_report *rep)
{
    int status = 0, exec_errno = 0;
    char what[440];

    if (!in_time)
        kill(x->pid, SIGKILL);
    while (waitpid(x->pid, &status, 0) < 0 && errno == EINTR)
        ;
    if (read(x->exec_err, &exec_errno, sizeof exec_errno) == (ssize_t)sizeof exec_errno) {
        char buf[128];
        snprintf(what, sizeof what, "fork/exec: %s", ctr__strerror_go(exec_errno, buf, sizeof buf));
        return fail_hook(rep, exec_errno, kind, i, what);
    }
    if (!in_time) {
        snprintf(what, sizeof what, "hook ran past specified timeout of %d.0s", timeout);
        return fail_hook(rep, ETIMEDOUT, kind, i, what);
    }
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
        return 0;
    char how[64];
    describe_status(status, how, sizeof how);
    snprintf(what, sizeof what, "%s, stdout: %.*s, stderr: %.*s", how, (int)x->len[0], x->text[0], (int)x->len[1],
             x->text[1]);
    return fail_hook(rep, ECANCELED, kind, i, what);
}

static int run_one(const struct ctr__native_hook *h, enum ctr__native_hook_kind kind, size_t i, const char *state,
                   struct ctr__native_report *rep)
{
    struct run x = {.in = -1, .out = -1, .err = -1, .exec_err = -1, .pid = -1};
    int r = spawn(h, &x);

    if (r < 0) {
        run_close(&x);
        return fail_hook(rep, -r, kind, i, "cannot start it");
    }
    int64_t deadline = h->timeout > 0 ? ctr__mono_ms() + (int64_t)h->timeout * 1000 : 0;
    x.state = state;
    x.state_len = strlen(state);
    if (fcntl(x.in, F_SETFL, O_NONBLOCK) < 0 || x.state_len == 0) {
        close(x.in);
        x.in = -1;
    }
    bool in_time = drain(&x, deadline);
    r = finish(&x, in_time, h->timeout, kind, i, rep);
    run_close(&x);
    return r;
}

int ctr__native_hooks_run(const struct ctr__native_spec *s, enum ctr__native_hook_kind kind, const char *state,
                          struct ctr__native_report *rep)
{
    const struct ctr__native_hooks *hooks = &s->hooks[kind];
    for (size_t i = 0; i < hooks->n; i++) {
        int r = run_one(&hooks->v[i], kind, i, state, rep);
        if (r < 0)
            return r;
    }
    return 0;
}
