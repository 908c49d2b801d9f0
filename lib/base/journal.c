/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The line journal: appends under a lock, rotation, readers that follow
 * rotations.  The layout and the rules are in journal.h. */
#include "base/journal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/util.h"

#define LOG_NAME "events.log"
#define OLD_NAME "events.log.1"
#define LOCK_NAME "events.lock"

uint64_t ctr__journal_max_size(void)
{
    const char *s = secure_getenv("LIBCTR_EVENTS_MAX_SIZE");
    if (s && *s) {
        char *end = NULL;
        errno = 0;
        unsigned long long v = strtoull(s, &end, 10);
        if (errno == 0 && end && !*end && v >= 256)
            return v;
    }
    return CTR__JOURNAL_DEFAULT_MAX_SIZE;
}

static int open_at(const char *dir, const char *name, int flags)
{
    _cleanup_free_ char *p = ctr__asprintf("%s/%s", dir, name);
    if (!p)
        return -ENOMEM;
    int fd = open(p, flags | O_CLOEXEC, 0600);
    return fd < 0 ? -errno : fd;
}

/* The lock file, locked with op (LOCK_EX or LOCK_SH); the dir is made. */
static int lock_journal(const char *dir, int op)
{
    if (mkdir(dir, 0700) < 0 && errno != EEXIST)
        return -errno;
    int fd = open_at(dir, LOCK_NAME, O_RDWR | O_CREAT);
    if (fd < 0)
        return fd;
    while (flock(fd, op) < 0) {
        if (errno != EINTR) {
            int r = -errno;
            close(fd);
            return r;
        }
    }
    return fd;
}

static int rename_in(const char *dir, const char *from, const char *to)
{
    _cleanup_free_ char *a = ctr__asprintf("%s/%s", dir, from);
    _cleanup_free_ char *b = ctr__asprintf("%s/%s", dir, to);
    if (!a || !b)
        return -ENOMEM;
    return rename(a, b) < 0 ? -errno : 0;
}

/* The current file opened for append, rotated first when line would take
 * it past max_size (lock held).  *ret_size is its size. */
static int open_current(const char *dir, size_t len, uint64_t max_size, off_t *ret_size)
{
    int fd = open_at(dir, LOG_NAME, O_RDWR | O_APPEND | O_CREAT);
    struct stat s;
    if (fd < 0)
        return fd;
    if (fstat(fd, &s) < 0) {
        int r = -errno;
        close(fd);
        return r;
    }
    if (s.st_size > 0 && (uint64_t)s.st_size + len + 2 > max_size) {
        close(fd);
        int r = rename_in(dir, LOG_NAME, OLD_NAME);
        if (r < 0)
            return r;
        fd = open_at(dir, LOG_NAME, O_RDWR | O_APPEND | O_CREAT);
        s.st_size = 0;
    }
    *ret_size = s.st_size;
    return fd;
}

/* Whether the file's last byte is not '\n' (a torn line left by a writer
 * that died in its write). */
static bool torn(int fd, off_t size)
{
    char last = '\n';
    return size > 0 && pread(fd, &last, 1, size - 1) == 1 && last != '\n';
}

int ctr__journal_append(const char *dir, const char *line, size_t len, uint64_t max_size)
{
    if (len > CTR__JOURNAL_MAX_LINE || memchr(line, '\n', len))
        return -EINVAL;
    _cleanup_close_ int lock = lock_journal(dir, LOCK_EX);
    if (lock < 0)
        return lock;
    off_t size = 0;
    _cleanup_close_ int fd = open_current(dir, len, max_size, &size);
    if (fd < 0)
        return fd;
    _cleanup_free_ char *buf = malloc(len + 2);
    if (!buf)
        return -ENOMEM;
    size_t n = 0;
    if (torn(fd, size))
        buf[n++] = '\n';
    memcpy(buf + n, line, len);
    n += len;
    buf[n++] = '\n';
    ssize_t w = write(fd, buf, n);
    if (w == (ssize_t)n)
        return 0;
    int r = w < 0 ? -errno : -EIO;
    (void)!ftruncate(fd, size); /* no half line left behind */
    return r;
}

/* ---- readers ---- */

struct ctr__journal_reader {
    char *dir;
    int fd;       /* the file being read */
    int next_fd;  /* the file after it (events.log after events.log.1), or -1 */
    dev_t dev;
    ino_t ino;
    char *buf;    /* bytes read and not yet handed out: [start, len) */
    size_t start, len;
    bool skipping; /* inside an overlong line: drop up to its '\n' */
    int inotify;
};

static int set_file(struct ctr__journal_reader *r, int fd)
{
    struct stat s;
    if (fstat(fd, &s) < 0)
        return -errno;
    ctr__closep(&r->fd);
    r->fd = fd;
    r->dev = s.st_dev;
    r->ino = s.st_ino;
    r->start = r->len = 0; /* a remainder with no '\n' was a torn line */
    r->skipping = false;
    return 0;
}

/* Under the shared lock: events.log.1 unless it is the file being read,
 * then events.log (made if missing). */
static int open_files(struct ctr__journal_reader *r)
{
    _cleanup_close_ int lock = lock_journal(r->dir, LOCK_SH);
    if (lock < 0)
        return lock;
    _cleanup_close_ int old = open_at(r->dir, OLD_NAME, O_RDONLY);
    struct stat s;
    if (old >= 0 && fstat(old, &s) == 0 && r->fd >= 0 && s.st_dev == r->dev && s.st_ino == r->ino)
        ctr__closep(&old);
    _cleanup_close_ int cur = open_at(r->dir, LOG_NAME, O_RDONLY | O_CREAT);
    if (cur < 0)
        return cur;
    int e = set_file(r, old >= 0 ? old : cur);
    if (e < 0)
        return e;
    if (old >= 0) {
        TAKE_FD(old);
        r->next_fd = TAKE_FD(cur);
    } else {
        TAKE_FD(cur);
    }
    return 0;
}

void ctr__journal_reader_free(struct ctr__journal_reader *r)
{
    if (!r)
        return;
    ctr__closep(&r->fd);
    ctr__closep(&r->next_fd);
    ctr__closep(&r->inotify);
    free(r->buf);
    free(r->dir);
    free(r);
}

int ctr__journal_reader_open(const char *dir, bool watch, struct ctr__journal_reader **ret)
{
    _cleanup_(ctr__journal_reader_freep) struct ctr__journal_reader *r = calloc(1, sizeof *r);
    if (!r)
        return -ENOMEM;
    r->fd = r->next_fd = r->inotify = -1;
    r->dir = strdup(dir);
    r->buf = malloc(CTR__JOURNAL_MAX_LINE + 1);
    if (!r->dir || !r->buf)
        return -ENOMEM;
    if (mkdir(dir, 0700) < 0 && errno != EEXIST)
        return -errno;
    /* Watched before the files are opened: no append falls between. */
    if (watch) {
        r->inotify = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
        if (r->inotify < 0)
            return -errno;
        if (inotify_add_watch(r->inotify, dir, IN_MODIFY | IN_CREATE | IN_MOVED_TO) < 0)
            return -errno;
    }
    int e = open_files(r);
    if (e < 0)
        return e;
    *ret = TAKE_PTR(r);
    return 0;
}

int ctr__journal_reader_fd(const struct ctr__journal_reader *r)
{
    return r->inotify;
}

void ctr__journal_reader_drain(struct ctr__journal_reader *r)
{
    char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
    while (r->inotify >= 0 && read(r->inotify, buf, sizeof buf) > 0)
        ;
}

/* A whole line in the buffer: 1 with it; 0 when there is none. */
static int take_line(struct ctr__journal_reader *r, const char **ret_line, size_t *ret_len)
{
    while (r->start < r->len) {
        char *b = r->buf + r->start;
        char *nl = memchr(b, '\n', r->len - r->start);
        if (!nl)
            return 0;
        size_t n = (size_t)(nl - b);
        r->start += n + 1;
        if (r->skipping) {
            r->skipping = false;
            continue;
        }
        if (n == 0)
            continue;
        *nl = 0;
        *ret_line = b;
        *ret_len = n;
        return 1;
    }
    return 0;
}

/* Read more of the current file: the byte count, 0 at its end. */
static ssize_t fill(struct ctr__journal_reader *r)
{
    if (r->start > 0) {
        memmove(r->buf, r->buf + r->start, r->len - r->start);
        r->len -= r->start;
        r->start = 0;
    }
    if (r->len == CTR__JOURNAL_MAX_LINE) { /* no '\n' in a whole buffer */
        r->len = 0;
        r->skipping = true;
    }
    ssize_t n;
    do
        n = read(r->fd, r->buf + r->len, CTR__JOURNAL_MAX_LINE - r->len);
    while (n < 0 && errno == EINTR);
    if (n < 0)
        return -errno;
    r->len += (size_t)n;
    return n;
}

/* Whether events.log is another file than the one being read. */
static bool rotated(const struct ctr__journal_reader *r)
{
    _cleanup_free_ char *p = ctr__asprintf("%s/%s", r->dir, LOG_NAME);
    struct stat s;
    if (!p || stat(p, &s) < 0)
        return false;
    return s.st_dev != r->dev || s.st_ino != r->ino;
}

int ctr__journal_reader_next(struct ctr__journal_reader *r, const char **ret_line, size_t *ret_len)
{
    for (;;) {
        if (take_line(r, ret_line, ret_len))
            return 1;
        ssize_t n = fill(r);
        if (n < 0)
            return (int)n;
        if (n > 0)
            continue;
        if (r->next_fd >= 0) {
            int e = set_file(r, r->next_fd);
            if (e < 0)
                return e;
            r->next_fd = -1;
            continue;
        }
        if (!rotated(r))
            return 0;
        /* Nothing is appended to this file any more: drain it, then on. */
        if ((n = fill(r)) < 0)
            return (int)n;
        if (n > 0)
            continue;
        int e = open_files(r);
        if (e < 0)
            return e;
    }
}
