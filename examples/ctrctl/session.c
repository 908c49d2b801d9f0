/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* ctrctl: while attached, the local terminal in raw mode, its size
 * forwarded on SIGWINCH, and signals proxied to the container.  A thread
 * reads the signals through a signalfd, with its own container handle. */
#include "ctrctl.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <termios.h>
#include <unistd.h>

struct session {
    ctr_container_t *c; /* the thread's own handle */
    bool raw, resize, proxy;
    struct termios saved;
    sigset_t old_mask;
    int sfd, efd;
    pthread_t thread;
    bool thread_started;
};

static const int proxied[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2 };

void session_resize(session_t *s)
{
    if (!s || !s->resize)
        return;
    struct winsize ws;
    int fd = isatty(STDOUT_FILENO) ? STDOUT_FILENO : STDIN_FILENO;
    if (ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_row && ws.ws_col)
        (void)ctr_container_resize(s->c, ws.ws_row, ws.ws_col); /* best effort, as podman */
}

static void *signal_thread(void *userdata)
{
    session_t *s = userdata;
    struct pollfd fds[2] = { { .fd = s->sfd, .events = POLLIN }, { .fd = s->efd, .events = POLLIN } };
    for (;;) {
        if (poll(fds, 2, -1) < 0 && errno != EINTR)
            break;
        if (fds[1].revents)
            break;
        struct signalfd_siginfo si;
        if (!(fds[0].revents & POLLIN) || read(s->sfd, &si, sizeof si) != sizeof si)
            continue;
        if (si.ssi_signo == SIGWINCH)
            session_resize(s);
        else
            (void)ctr_container_kill(s->c, (int)si.ssi_signo); /* it may have exited meanwhile */
    }
    return NULL;
}

session_t *session_begin(ctrctl_t *g, ctr_container_t *c, bool raw, bool resize, bool proxy)
{
    session_t *s = calloc(1, sizeof *s);
    if (!s) {
        ctrctl_error("out of memory");
        return NULL;
    }
    s->sfd = s->efd = -1;
    s->resize = resize && (isatty(STDOUT_FILENO) || isatty(STDIN_FILENO));
    s->proxy = proxy;
    if (raw && isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &s->saved) == 0) {
        struct termios t = s->saved;
        cfmakeraw(&t);
        t.c_oflag = s->saved.c_oflag; /* keep output processing: our own messages stay readable */
        s->raw = tcsetattr(STDIN_FILENO, TCSADRAIN, &t) == 0;
    }
    if (!s->resize && !s->proxy)
        return s;

    sigset_t mask;
    sigemptyset(&mask);
    if (s->resize)
        sigaddset(&mask, SIGWINCH);
    for (size_t i = 0; s->proxy && i < sizeof proxied / sizeof proxied[0]; i++)
        sigaddset(&mask, proxied[i]);
    pthread_sigmask(SIG_BLOCK, &mask, &s->old_mask);
    if (ctrctl_lookup(g, ctr_container_id(c), &s->c) != 0)
        goto fail;
    s->sfd = signalfd(-1, &mask, SFD_CLOEXEC);
    s->efd = eventfd(0, EFD_CLOEXEC);
    if (s->sfd < 0 || s->efd < 0) {
        ctrctl_error("signalfd: %m");
        goto fail;
    }
    int r = pthread_create(&s->thread, NULL, signal_thread, s);
    if (r) {
        ctrctl_error("pthread_create: %s", strerror(r));
        goto fail;
    }
    s->thread_started = true;
    return s;
fail:
    session_end(s);
    return NULL;
}

void session_end(session_t *s)
{
    if (!s)
        return;
    if (s->thread_started) {
        uint64_t one = 1;
        while (write(s->efd, &one, sizeof one) < 0 && errno == EINTR)
            ;
        pthread_join(s->thread, NULL);
    }
    if (s->sfd >= 0)
        close(s->sfd);
    if (s->efd >= 0)
        close(s->efd);
    if (s->resize || s->proxy)
        pthread_sigmask(SIG_SETMASK, &s->old_mask, NULL);
    if (s->raw)
        tcsetattr(STDIN_FILENO, TCSADRAIN, &s->saved);
    ctr_container_unref(s->c);
    free(s);
}
