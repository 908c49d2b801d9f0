/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "base/lock.h"

#include <fcntl.h>
#include <sys/stat.h>

#include "base/error.h"

int ctr__lock_init(struct ctr__lock *l, const char *path)
{
    memset(l, 0, sizeof *l);
    l->fd = -1;
    l->path = strdup(path);
    if (!l->path)
        return ctr__oom("a lock path");
    pthread_mutex_init(&l->mutex, NULL);
    return 0;
}

void ctr__lock_done(struct ctr__lock *l)
{
    if (!l->path)
        return;
    if (l->fd >= 0)
        close(l->fd);
    pthread_mutex_destroy(&l->mutex);
    free(l->path);
    l->path = NULL;
    l->fd = -1;
}

bool ctr__lock_held(struct ctr__lock *l)
{
    /* owner/depth are only written by the owner while it holds the mutex;
     * a stale read from another thread can never equal pthread_self(). */
    return __atomic_load_n(&l->depth, __ATOMIC_ACQUIRE) > 0 && pthread_equal(l->owner, pthread_self());
}

static int ofd_lock(int fd, short type)
{
    struct flock fl = { .l_type = type, .l_whence = SEEK_SET, .l_start = 0, .l_len = 0 };
    while (fcntl(fd, F_OFD_SETLKW, &fl) < 0) {
        if (errno != EINTR)
            return -errno;
    }
    return 0;
}

int ctr__lock_acquire(struct ctr__lock *l)
{
    if (ctr__lock_held(l)) {
        l->depth++;
        return 0;
    }
    pthread_mutex_lock(&l->mutex);
    for (;;) {
        if (l->fd < 0) {
            l->fd = open(l->path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
            if (l->fd < 0) {
                int e = errno;
                pthread_mutex_unlock(&l->mutex);
                return ctr__err(-e, "cannot open lock file %s: %s", l->path, strerror(e));
            }
        }
        int r = ofd_lock(l->fd, F_WRLCK);
        if (r < 0) {
            pthread_mutex_unlock(&l->mutex);
            return ctr__err(r, "cannot lock %s: %s", l->path, strerror(-r));
        }
        /* The file may have been unlinked by a remover while we waited: then
         * our lock protects nothing; reopen the path. */
        struct stat a, b;
        if (fstat(l->fd, &a) == 0 && stat(l->path, &b) == 0 && a.st_ino == b.st_ino && a.st_dev == b.st_dev)
            break;
        close(l->fd);
        l->fd = -1;
    }
    l->owner = pthread_self();
    __atomic_store_n(&l->depth, 1, __ATOMIC_RELEASE);
    return 0;
}

void ctr__lock_release(struct ctr__lock *l)
{
    if (--l->depth > 0)
        return;
    __atomic_store_n(&l->depth, 0, __ATOMIC_RELEASE);
    if (l->fd >= 0)
        ofd_lock(l->fd, F_UNLCK);
    pthread_mutex_unlock(&l->mutex);
}

void ctr__lock_unlink(struct ctr__lock *l)
{
    unlink(l->path);
}
