/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "base/cancel.h"

#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "base/error.h"
#include "base/util.h"

struct ctr_cancel {
    int fd; /* an eventfd: non-zero once triggered */
};

CTR_EXPORT int ctr_cancel_new(ctr_cancel_t **ret)
{
    CTR_ENTER();
    CTR_CHECK_ARG(ret);
    *ret = NULL;
    _cleanup_free_ ctr_cancel_t *t = malloc(sizeof *t);
    if (!t)
        return ctr__oom("a cancellation token");
    t->fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (t->fd < 0)
        return ctr__err(-errno, "eventfd: %m");
    *ret = TAKE_PTR(t);
    return 0;
}

CTR_EXPORT int ctr_cancel_trigger(ctr_cancel_t *t)
{
    CTR_ENTER();
    CTR_CHECK_ARG(t);
    uint64_t one = 1;
    /* Only a counter at its maximum refuses (EAGAIN): it is triggered. */
    if (write(t->fd, &one, sizeof one) < 0 && errno != EAGAIN)
        return ctr__err(-errno, "triggering a cancellation: %m");
    return 0;
}

CTR_EXPORT int ctr_cancel_reset(ctr_cancel_t *t)
{
    CTR_ENTER();
    CTR_CHECK_ARG(t);
    uint64_t n;
    if (read(t->fd, &n, sizeof n) < 0 && errno != EAGAIN)
        return ctr__err(-errno, "resetting a cancellation: %m");
    return 0;
}

CTR_EXPORT int ctr_cancel_fd(const ctr_cancel_t *t)
{
    CTR_ENTER();
    CTR_CHECK_ARG(t);
    return t->fd;
}

CTR_EXPORT void ctr_cancel_free(ctr_cancel_t *t)
{
    if (!t)
        return;
    close(t->fd);
    free(t);
}

int ctr__cancel_fd(const ctr_cancel_t *t)
{
    return t ? t->fd : -1;
}

int ctr__cancel_triggered(const ctr_cancel_t *t)
{
    struct pollfd p = { .fd = ctr__cancel_fd(t), .events = POLLIN };
    return t && poll(&p, 1, 0) > 0;
}

int ctr__cancel_poll(const ctr_cancel_t *t, int fd, int timeout_ms)
{
    struct pollfd p[2] = { { .fd = fd, .events = POLLIN }, { .fd = ctr__cancel_fd(t), .events = POLLIN } };
    int k;
    do
        k = poll(p, 2, timeout_ms);
    while (k < 0 && errno == EINTR);
    if (k < 0)
        return -errno;
    if (p[1].revents)
        return -ECANCELED;
    return k == 0 ? -ETIMEDOUT : 1;
}
