/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libFuzzer target: the log reader over a whole file.  The first 4 bytes
 * pick options (tail, streams, since, max message), the rest is the file.
 * Checks that the last N messages of a full read equal what tail N gives. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <unistd.h>

#include "base/logs.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* 2026-11-28T09:09:29Z */
#define BASE_TS (1795856969LL * 1000000000LL)

struct msg {
    int stream;
    int64_t ts;
    size_t off, len;
};

struct coll {
    struct msg *v;
    size_t n, cap;
    char *bytes;
    size_t blen, bcap;
};

static int collect(int stream, int64_t ts, const char *msg, size_t len, void *userdata)
{
    struct coll *c = userdata;
    if (stream != 1 && stream != 2)
        abort();
    if (c->n == c->cap) {
        c->cap = c->cap ? c->cap * 2 : 64;
        c->v = realloc(c->v, c->cap * sizeof *c->v);
        if (!c->v)
            abort();
    }
    if (c->blen + len > c->bcap) {
        while (c->blen + len > c->bcap)
            c->bcap = c->bcap ? c->bcap * 2 : 4096;
        c->bytes = realloc(c->bytes, c->bcap);
        if (!c->bytes)
            abort();
    }
    if (len)
        memcpy(c->bytes + c->blen, msg, len);
    c->v[c->n++] = (struct msg){ stream, ts, c->blen, len };
    c->blen += len;
    return 0;
}

static void coll_free(struct coll *c)
{
    free(c->v);
    free(c->bytes);
    memset(c, 0, sizeof *c);
}

static bool same(const struct coll *a, size_t i, const struct coll *b, size_t j)
{
    const struct msg *x = &a->v[i], *y = &b->v[j];
    return x->stream == y->stream && x->ts == y->ts && x->len == y->len &&
           (x->len == 0 || memcmp(a->bytes + x->off, b->bytes + y->off, x->len) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 4)
        return 0;
    uint8_t b0 = data[0], b1 = data[1], b2 = data[2], b3 = data[3];
    data += 4;
    size -= 4;

    /* one memfd for the whole run, refilled each time */
    static int fd = -1;
    if (fd < 0)
        fd = memfd_create("fuzz-log", MFD_CLOEXEC);
    if (fd < 0 || ftruncate(fd, 0) < 0)
        abort();
    if (size > 0 && pwrite(fd, data, size, 0) != (ssize_t)size)
        abort();
    char path[64];
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);

    struct ctr__logs_opts o = CTR__LOGS_OPTS_INIT;
    o.streams = b1 & 3;
    if (b2 & 1)
        o.since = BASE_TS + (int64_t)(b2 >> 1) * 10;
    if (b2 & 2)
        o.until = BASE_TS + (int64_t)(b3 & 0x7f) * 100;
    bool small_messages = b3 & 0x80;
    if (small_messages)
        o.max_message = 1 + (b1 >> 2);

    struct coll all = { 0 };
    int r = ctr__logs_read(path, &o, collect, &all);
    if (r < 0)
        abort();

    /* tail N equals the last N of everything (not with split messages:
     * pieces are delivered by position) */
    int64_t tails[3] = { b0 % 8, b0 >> 3, (int64_t)all.n / 2 };
    for (int i = 0; i < 3; i++) {
        struct coll c = { 0 };
        o.tail = tails[i];
        if (ctr__logs_read(path, &o, collect, &c) < 0)
            abort();
        size_t want = (size_t)o.tail < all.n ? (size_t)o.tail : all.n;
        if (!small_messages) {
            if (c.n != want)
                abort();
            for (size_t k = 0; k < want; k++)
                if (!same(&all, all.n - want + k, &c, k))
                    abort();
        }
        coll_free(&c);
    }

    /* follow with the stop already signalled: reads everything and returns.
     * Only for some inputs: closing an inotify instance takes milliseconds
     * (the kernel waits for an SRCU grace period). */
    int efd = b0 == 0xff ? eventfd(1, EFD_CLOEXEC) : -1;
    if (efd >= 0) {
        struct coll c = { 0 };
        o.follow = true;
        o.stop_fd = efd;
        o.tail = b0 & 1 ? -1 : b0 % 5;
        r = ctr__logs_read(path, &o, collect, &c);
        if (r < 0 && r != -ENOSPC && r != -EMFILE)
            abort();
        coll_free(&c);
        close(efd);
    }

    coll_free(&all);
    return 0;
}
