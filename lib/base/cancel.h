/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Cancellation tokens (ctr_cancel_t): an eventfd that another thread makes
 * readable; a blocking call polls it beside what it waits on. */
#pragma once

#include <libctr/ctr-common.h>

/* The token's descriptor, or -1 for no token (poll ignores a negative fd). */
int ctr__cancel_fd(const ctr_cancel_t *t);
/* 1 when @t is triggered (NULL never is). */
int ctr__cancel_triggered(const ctr_cancel_t *t);
/* Wait until @fd is readable, @t is triggered or @timeout_ms passes (-1:
 * no limit): 1 (readable), -ECANCELED, -ETIMEDOUT, -errno. */
int ctr__cancel_poll(const ctr_cancel_t *t, int fd, int timeout_ms);
