/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Waiters (ctr_waiter_t): a container watched until its state is in a set,
 * through one descriptor a caller's event loop polls, and
 * ctr_container_wait_for() on top of them.
 *
 * The descriptor is an epoll instance holding the OCI backend's exit
 * descriptor of the container's current monitor (conmon's pidfd) and, for a
 * set with other states than exited, an inotify watch on the event
 * journal's directory (every state change writes an event, in whichever
 * process makes it).  A check
 * after it fired reads the monitor's exit file; any other check takes the
 * container's lock, which records an exit the monitor reported, then
 * re-arms: a new monitor (the container was started again)
 * gets a new exit descriptor, a container no longer live none (so a
 * readable descriptor always means "check now", never a busy loop). */
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <string.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/cancel.h"
#include "base/error.h"
#include "base/util.h"
#include "core/container.h"
#include "core/events.h"
#include "core/lifecycle.h"
#include "data/status.h"

struct ctr_waiter {
    ctr_container_t *c;
    unsigned int states;
    int epfd;          /* what the caller polls */
    int change_fd;     /* in epfd: inotify on the event journal's directory, for states other than exited; or -1 */
    int exit_fd;       /* in epfd: the exit descriptor of monitor d.oci.monitor_pid, or -1 */
    ctr__oci_t *oci;   /* the runtime's, with exit_fd */
    struct ctr__desc d; /* the container as the OCI layer saw it when exit_fd was armed */
};

#define ALL_STATES (CTR_WAIT_STATE(CTR_STATE_REMOVING + 1) - 1u)

static void exit_fd_close(ctr_waiter_t *w)
{
    if (w->exit_fd < 0)
        return;
    (void)epoll_ctl(w->epfd, EPOLL_CTL_DEL, w->exit_fd, NULL);
    ctr__closep(&w->exit_fd);
    ctr__lifecycle_desc_done(&w->d);
}

/* Read what an inotify instance has. */
static void drain(int fd)
{
    char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
    while (fd >= 0 && read(fd, buf, sizeof buf) > 0)
        ;
}

/* Watch the exit of c's current monitor (lock held; c live). */
static int exit_fd_arm(ctr_waiter_t *w)
{
    _cleanup_(ctr__lifecycle_desc_done) struct ctr__desc d = { 0 };
    ctr__oci_t *oci = NULL;
    int r = ctr__lifecycle_oci(w->c, &oci, &d);
    if (r < 0)
        return r;
    if (w->exit_fd >= 0 && w->d.oci.monitor_pid == d.oci.monitor_pid)
        return 0;
    exit_fd_close(w);
    int fd = ctr__oci_exit_fd(oci, &d.oci);
    if (fd == -ESRCH)
        return ctr__err(-EIO, CTR_CFMT " is %s but its monitor is gone", CTR_CARG(w->c),
                        ctr_state_name(ctr__container_status(w->c)->state));
    if (fd < 0)
        return fd;
    struct epoll_event ev = { .events = EPOLLIN };
    if (epoll_ctl(w->epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
        r = ctr__err(-errno, "epoll_ctl: %m");
        close(fd);
        return r;
    }
    w->exit_fd = fd;
    w->oci = oci;
    w->d = d;
    memset(&d, 0, sizeof d); /* taken */
    return 0;
}

/* The fast path: the exit descriptor fired and the monitor's exit file is
 * there.  Reported at once, without the lock; the next lock records the
 * exit and cleans up (the runtime's delete, unmounts), which would otherwise
 * delay the report by tens of milliseconds.  1 with the code, or 0. */
static int exit_seen(ctr_waiter_t *w, ctr_state_t *ret_state, int *ret_code)
{
    struct pollfd p = { .fd = w->exit_fd, .events = POLLIN };
    if (w->exit_fd < 0 || !(w->states & CTR_WAIT_STATE(CTR_STATE_EXITED)) || poll(&p, 1, 0) <= 0)
        return 0;
    ctr_oci_exit_t ex;
    if (ctr__oci_exit_status(w->oci, &w->d.oci, &ex) < 0 || ex.exit_code < 0)
        return 0; /* not there, or unknown: the lock's reconcile tells */
    *ret_state = CTR_STATE_EXITED;
    *ret_code = ex.exit_code;
    exit_fd_close(w);
    return 1;
}

/* Every change of a container's state writes an event: a watch on the
 * journal's directory wakes the waiter for the states an exit is not. */
static int change_watch_open(ctr_waiter_t *w)
{
    _cleanup_free_ char *dir = ctr__events_dir(ctr_container_runtime(w->c));
    if (!dir)
        return ctr__oom("a path");
    if (mkdir(dir, 0700) < 0 && errno != EEXIST)
        return ctr__err(-errno, "cannot create %s: %m", dir);
    _cleanup_close_ int fd = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
    if (fd < 0)
        return ctr__err(-errno, "inotify_init1: %m");
    if (inotify_add_watch(fd, dir, IN_MODIFY | IN_CREATE | IN_MOVED_TO | IN_ONLYDIR) < 0)
        return ctr__err(-errno, "watching %s: %m", dir);
    struct epoll_event ev = { .events = EPOLLIN };
    if (epoll_ctl(w->epfd, EPOLL_CTL_ADD, fd, &ev) < 0)
        return ctr__err(-errno, "epoll_ctl: %m");
    w->change_fd = TAKE_FD(fd);
    return 0;
}

static int check_locked(ctr_waiter_t *w, ctr_state_t *ret_state, int *ret_code)
{
    /* Inside a batch the lock does not sync: look at the exit file here. */
    int r = ctr__container_in_batch(w->c) ? ctr__lifecycle_update(w->c) : 0;
    if (r < 0)
        return r;
    const struct ctr__status *st = ctr__container_status(w->c);
    *ret_state = st->state;
    *ret_code = st->state == CTR_STATE_EXITED ? st->exit_code : -1;
    /* With exits alone watched, a container that is not live cannot reach
     * another state by itself, and ends the watch as ctr_container_wait()
     * does; with the change watch, other processes' changes are seen. */
    bool live = ctr__state_is_live(st->state);
    if ((w->states & CTR_WAIT_STATE(st->state)) || (!live && w->change_fd < 0)) {
        exit_fd_close(w);
        return 1;
    }
    if (!live) {
        exit_fd_close(w);
        return 0;
    }
    r = (w->states & CTR_WAIT_STATE(CTR_STATE_EXITED)) ? exit_fd_arm(w) : 0;
    return r < 0 ? r : 0;
}

CTR_EXPORT int ctr_container_waiter_new(ctr_container_t *c, unsigned int states, ctr_waiter_t **ret)
{
    CTR_ENTER();
    CTR_CHECK_ARG(c && ret);
    *ret = NULL;
    if (!states || (states & ~ALL_STATES))
        return ctr__err(-EINVAL, "a waiter needs a set of known states: 0x%x", states);
    _cleanup_(ctr_waiter_freep) ctr_waiter_t *w = calloc(1, sizeof *w);
    if (!w)
        return ctr__oom("a waiter");
    w->exit_fd = w->change_fd = -1;
    w->states = states;
    w->c = ctr_container_ref(c);
    w->epfd = epoll_create1(EPOLL_CLOEXEC);
    if (w->epfd < 0)
        return ctr__err(-errno, "epoll_create1: %m");
    int r = states == CTR_WAIT_STATE(CTR_STATE_EXITED) ? 0 : change_watch_open(w);
    if (r < 0)
        return r;
    *ret = TAKE_PTR(w);
    return 0;
}

CTR_EXPORT int ctr_waiter_fd(const ctr_waiter_t *w)
{
    CTR_ENTER();
    CTR_CHECK_ARG(w);
    return w->epfd;
}

CTR_EXPORT int ctr_waiter_check(ctr_waiter_t *w, ctr_state_t *ret_state, int *ret_exit_code)
{
    CTR_ENTER();
    CTR_CHECK_ARG(w);
    ctr_state_t state = CTR_STATE_UNKNOWN;
    int code = -1;
    drain(w->change_fd); /* what woke it is read: this check looks again */
    int r = exit_seen(w, &state, &code);
    if (r == 0)
        r = CTR__WITH_LOCK(w->c, check_locked(w, &state, &code));
    if (r < 0)
        return r;
    if (ret_state)
        *ret_state = state;
    if (ret_exit_code)
        *ret_exit_code = code;
    return r;
}

CTR_EXPORT void ctr_waiter_free(ctr_waiter_t *w)
{
    if (!w)
        return;
    exit_fd_close(w);
    ctr__closep(&w->change_fd);
    ctr__closep(&w->epfd);
    ctr_container_unref(w->c);
    free(w);
}

CTR_EXPORT int ctr_container_wait_for(ctr_container_t *c, unsigned int states, int64_t timeout_ms,
                                      const ctr_cancel_t *cancel, ctr_state_t *ret_state, int *ret_exit_code)
{
    CTR_ENTER();
    CTR_CHECK_ARG(c && timeout_ms >= -1);
    _cleanup_(ctr_waiter_freep) ctr_waiter_t *w = NULL;
    int r = ctr_container_waiter_new(c, states, &w);
    int64_t deadline = timeout_ms < 0 ? -1 : ctr__mono_ms() + timeout_ms;
    while (r >= 0 && (r = ctr_waiter_check(w, ret_state, ret_exit_code)) == 0) {
        int64_t left = deadline < 0 ? -1 : deadline - ctr__mono_ms();
        r = ctr__cancel_poll(cancel, w->epfd, left < 0 && deadline >= 0 ? 0 : (int)(left > INT32_MAX ? INT32_MAX : left));
        if (r == -ETIMEDOUT)
            return ctr__err(r, CTR_CFMT " did not reach the state asked for within %lld ms", CTR_CARG(c),
                            (long long)timeout_ms);
        if (r == -ECANCELED)
            return ctr__err(r, CTR_CFMT ": the wait was cancelled", CTR_CARG(c));
        if (r < 0)
            return ctr__err(r, "poll: %s", strerror(-r));
    }
    return r < 0 ? r : 0;
}
