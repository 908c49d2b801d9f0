/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* File locks held with F_OFD_SETLKW: per open file description, so correct
 * across threads (each lock owns its fd) and released by the kernel when the
 * holder dies. */
#pragma once

#include <pthread.h>

#include "base/util.h"

struct ctr__lock {
    pthread_mutex_t mutex; /* serializes threads sharing this lock object */
    int fd;                /* the lock file, opened lazily */
    char *path;
    unsigned int depth;    /* re-entrant holds by the owner thread */
    pthread_t owner;
};

int ctr__lock_init(struct ctr__lock *l, const char *path);
void ctr__lock_done(struct ctr__lock *l);
/* Take the lock (blocking).  Re-entrant for the owning thread. */
int ctr__lock_acquire(struct ctr__lock *l);
void ctr__lock_release(struct ctr__lock *l);
/* Whether the calling thread holds it. */
bool ctr__lock_held(struct ctr__lock *l);
/* Remove the lock file (while holding it, before release). */
void ctr__lock_unlink(struct ctr__lock *l);
