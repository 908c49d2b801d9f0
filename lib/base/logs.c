/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "base/logs.h"

#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <sys/timerfd.h>

#include "base/error.h"

/* ---- parsing ---------------------------------------------------------- */

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static bool get_digits(const char *s, int n, int *ret)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (!is_digit(s[i]))
            return false;
        v = v * 10 + (s[i] - '0');
    }
    *ret = v;
    return true;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static int days_in_month(int y, int m)
{
    static const int dm[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    if (m == 2 && y % 4 == 0 && (y % 100 != 0 || y % 400 == 0))
        return 29;
    return dm[m - 1];
}

/* Strict on purpose (fixed field widths, at most 9 fraction digits): the
 * header of a line then fits in a short prefix, which the tail scan relies
 * on.  ctr__parse_time() from util.c is not used: it needs a NUL-terminated
 * string, accepts loose field widths (strptime), and reads past the end of
 * a short offset such as "+1:0". */
int ctr__log_parse_timestamp(const char *s, size_t len, int64_t *ret_ns, size_t *ret_len)
{
    int y, mo, d, h, mi, sec, oh = 0, om = 0;
    int64_t frac = 0;
    size_t p;

    if (len < 20)
        return -EINVAL;
    if (!get_digits(s, 4, &y) || s[4] != '-' || !get_digits(s + 5, 2, &mo) || s[7] != '-' ||
        !get_digits(s + 8, 2, &d) || (s[10] != 'T' && s[10] != 't') || !get_digits(s + 11, 2, &h) ||
        s[13] != ':' || !get_digits(s + 14, 2, &mi) || s[16] != ':' || !get_digits(s + 17, 2, &sec))
        return -EINVAL;
    p = 19;
    if (s[p] == '.') {
        int nd = 0;
        p++;
        while (p < len && is_digit(s[p])) {
            if (++nd > 9)
                return -EINVAL;
            frac = frac * 10 + (s[p] - '0');
            p++;
        }
        if (nd == 0)
            return -EINVAL;
        for (; nd < 9; nd++)
            frac *= 10;
    }
    if (p >= len)
        return -EINVAL;
    int sign = 0;
    if (s[p] == 'Z' || s[p] == 'z') {
        p++;
    } else if (s[p] == '+' || s[p] == '-') {
        sign = s[p] == '-' ? -1 : 1;
        if (len - p < 6 || !get_digits(s + p + 1, 2, &oh) || s[p + 3] != ':' ||
            !get_digits(s + p + 4, 2, &om))
            return -EINVAL;
        p += 6;
    } else {
        return -EINVAL;
    }
    if (mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo) || h > 23 || mi > 59 || sec > 60 ||
        oh > 23 || om > 59)
        return -EINVAL;

    int64_t secs = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec -
                   sign * (oh * 3600 + om * 60);
    int64_t ns;
    if (secs < 0 && frac > 0) {
        /* so that the earliest representable time does not overflow midway */
        secs++;
        frac -= 1000000000;
    }
    if (__builtin_mul_overflow(secs, (int64_t)1000000000, &ns) || __builtin_add_overflow(ns, frac, &ns))
        return -ERANGE;
    *ret_ns = ns;
    *ret_len = p;
    return 0;
}

/* Like ctr__log_parse_line() but sets no error detail (the reader calls it
 * for every line); *why names the bad field. */
static int parse_line(const char *line, size_t len, struct ctr__log_line *ret, const char **why)
{
    int64_t ts;
    size_t p;
    int r;

    if (len > 0 && line[len - 1] == '\n')
        len--;
    r = ctr__log_parse_timestamp(line, len, &ts, &p);
    if (r < 0) {
        *why = r == -ERANGE ? "timestamp out of range" : "bad timestamp";
        return r;
    }
    if (p >= len || line[p] != ' ') {
        *why = "no space after the timestamp";
        return -EINVAL;
    }
    p++;
    int stream;
    if (len - p >= 6 && memcmp(line + p, "stdout", 6) == 0)
        stream = CTR__LOG_STDOUT;
    else if (len - p >= 6 && memcmp(line + p, "stderr", 6) == 0)
        stream = CTR__LOG_STDERR;
    else {
        *why = "bad stream (want stdout or stderr)";
        return -EINVAL;
    }
    p += 6;
    if (p >= len || line[p] != ' ') {
        *why = "no space after the stream";
        return -EINVAL;
    }
    p++;
    if (p >= len || (line[p] != 'F' && line[p] != 'P')) {
        *why = "bad tag (want F or P)";
        return -EINVAL;
    }
    bool partial = line[p] == 'P';
    p++;
    if (p < len) {
        if (line[p] != ' ') {
            *why = "no space after the tag";
            return -EINVAL;
        }
        p++;
    }
    ret->timestamp = ts;
    ret->stream = stream;
    ret->partial = partial;
    ret->msg = line + p;
    ret->msg_len = len - p;
    return 0;
}

int ctr__log_parse_line(const char *line, size_t len, struct ctr__log_line *ret)
{
    const char *why = NULL;
    if (!line || !ret)
        return ctr__err(-EINVAL, "log line: invalid argument");
    int r = parse_line(line, len, ret, &why);
    if (r < 0)
        return ctr__err(r, "log line: %s", why);
    return 0;
}

/* ---- reader ----------------------------------------------------------- */

#define BLOCK_SIZE (64 * 1024)
/* Longest header: "YYYY-MM-DDTHH:MM:SS.nnnnnnnnn+HH:MM stdout P " is 45. */
#define HEADER_MAX 64
/* How far before a tail's first message to look for the first parts of
 * messages still in progress there. */
#define TAIL_LOOKBACK_MAX (2 * 1024 * 1024)
/* Ordering key of an unfinished message (see tail_find_start()). */
#define UNFINISHED_KEY (UINT64_C(1) << 62)

struct pending {
    char *data;
    size_t len, cap;
    bool active;
    int64_t timestamp;  /* of the last part */
    uint64_t last_off;  /* file offset of the last part's line */
};

struct reader {
    const struct ctr__logs_opts *o;
    unsigned streams;
    size_t max_message;
    ctr__log_fn fn;
    void *userdata;

    int fd;
    uint64_t offset;    /* file offset of buf[0] */
    char *buf;
    size_t size, len;   /* buf holds [offset, offset + len) of the file */
    size_t scanned;     /* buf[0..scanned) has no newline */
    bool discarding;    /* inside an over-long line */
    uint64_t threshold; /* messages with a lower key are skipped (tail_find_start()) */
    struct pending pend[3];

    unsigned long malformed;
    int stop;           /* fn's non-zero return */
};

static void reader_done(struct reader *r)
{
    free(r->buf);
    for (size_t i = 0; i < ARRAY_SIZE(r->pend); i++)
        free(r->pend[i].data);
}

static bool time_ok(const struct reader *r, int64_t ts)
{
    if (r->o->since != 0 && ts < r->o->since)
        return false;
    if (r->o->until != 0 && ts > r->o->until)
        return false;
    return true;
}

static void deliver(struct reader *r, int stream, int64_t ts, uint64_t end_off, const char *msg, size_t len)
{
    if (r->stop || end_off < r->threshold || !time_ok(r, ts))
        return;
    int k = r->fn(stream, ts, msg ? msg : "", len, r->userdata);
    if (k != 0)
        r->stop = k;
}

static int pending_append(struct reader *r, int stream, int64_t ts, uint64_t off, const char *msg, size_t len)
{
    struct pending *pd = &r->pend[stream];
    while (len > 0) {
        if (pd->len == r->max_message) {
            /* Too long: hand out what we have as one piece. */
            deliver(r, stream, ts, off, pd->data, pd->len);
            pd->len = 0;
        }
        size_t n = len < r->max_message - pd->len ? len : r->max_message - pd->len;
        if (pd->len + n > pd->cap) {
            size_t cap = pd->cap ? pd->cap : 4096;
            while (cap < pd->len + n)
                cap *= 2;
            if (cap > r->max_message)
                cap = r->max_message;
            char *d = realloc(pd->data, cap);
            if (!d)
                return ctr__oom("a partial log message");
            pd->data = d;
            pd->cap = cap;
        }
        memcpy(pd->data + pd->len, msg, n);
        pd->len += n;
        msg += n;
        len -= n;
    }
    return 0;
}

static int process_line(struct reader *r, const char *line, size_t len, uint64_t off)
{
    struct ctr__log_line l;
    const char *why;

    if (len > CTR__LOG_LINE_MAX || parse_line(line, len, &l, &why) < 0) {
        r->malformed++;
        return 0;
    }
    if (!(r->streams & (unsigned)l.stream))
        return 0;
    struct pending *pd = &r->pend[l.stream];
    if (l.partial) {
        int k = pending_append(r, l.stream, l.timestamp, off, l.msg, l.msg_len);
        if (k < 0)
            return k;
        pd->active = true;
        pd->timestamp = l.timestamp;
        pd->last_off = off;
    } else if (pd->active || l.msg_len > r->max_message) {
        int k = pending_append(r, l.stream, l.timestamp, off, l.msg, l.msg_len);
        if (k < 0)
            return k;
        deliver(r, l.stream, l.timestamp, off, pd->data, pd->len);
        pd->len = 0;
        pd->active = false;
    } else {
        deliver(r, l.stream, l.timestamp, off, l.msg, l.msg_len);
    }
    return 0;
}

/* Deliver messages whose F line never came (end of file, or follow ended),
 * in the order of their last lines.  Without follow they come after all
 * others (see tail_find_start()); with follow the tail scan counted them as
 * in progress: delivered if their last part is new. */
static void flush_pending(struct reader *r)
{
    struct pending *out = &r->pend[CTR__LOG_STDOUT], *err = &r->pend[CTR__LOG_STDERR];
    int order[2] = { CTR__LOG_STDOUT, CTR__LOG_STDERR };
    if (out->active && err->active && err->last_off < out->last_off) {
        order[0] = CTR__LOG_STDERR;
        order[1] = CTR__LOG_STDOUT;
    }
    for (int i = 0; i < 2; i++) {
        struct pending *pd = &r->pend[order[i]];
        if (pd->active)
            deliver(r, order[i], pd->timestamp, (r->o->follow ? 0 : UNFINISHED_KEY) + pd->last_off,
                    pd->data, pd->len);
        pd->len = 0;
        pd->active = false;
    }
}

/* Handle the complete lines in buf, keep the rest at its start. */
static int process_buffer(struct reader *r)
{
    size_t start = 0;
    while (!r->stop) {
        char *nl = memchr(r->buf + r->scanned, '\n', r->len - r->scanned);
        if (!nl)
            break;
        size_t end = (size_t)(nl - r->buf);
        if (r->discarding)
            r->discarding = false;  /* the tail of an over-long line */
        else {
            int k = process_line(r, r->buf + start, end - start, r->offset + start);
            if (k < 0)
                return k;
        }
        start = r->scanned = end + 1;
    }
    if (start > 0) {
        memmove(r->buf, r->buf + start, r->len - start);
        r->len -= start;
        r->offset += start;
    }
    r->scanned = r->len;
    return 0;
}

/* The unterminated last line, at the end of the file or of following. */
static int process_fragment(struct reader *r)
{
    if (r->len > 0 && !r->discarding && !r->stop) {
        int k = process_line(r, r->buf, r->len, r->offset);
        if (k < 0)
            return k;
    }
    r->offset += r->len;
    r->len = r->scanned = 0;
    r->discarding = false;
    return 0;
}

/* Read and handle lines up to the end of the file. */
static int read_to_eof(struct reader *r, const char *path)
{
    while (!r->stop) {
        if (r->len == r->size) {
            if (r->size < CTR__LOG_LINE_MAX + 1) {
                size_t size = r->size ? r->size * 2 : BLOCK_SIZE;
                if (size > CTR__LOG_LINE_MAX + 1)
                    size = CTR__LOG_LINE_MAX + 1;
                char *b = realloc(r->buf, size);
                if (!b)
                    return ctr__oom("the log line buffer");
                r->buf = b;
                r->size = size;
            } else {
                /* A line longer than CTR__LOG_LINE_MAX: skip up to its newline. */
                if (!r->discarding)
                    r->malformed++;
                r->discarding = true;
                r->offset += r->len;
                r->len = r->scanned = 0;
            }
        }
        ssize_t n = read(r->fd, r->buf + r->len, r->size - r->len);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return ctr__err(-errno, "logs: read %s: %m", path);
        }
        if (n == 0)
            break;
        r->len += (size_t)n;
        int k = process_buffer(r);
        if (k < 0)
            return k;
    }
    return 0;
}

/* ---- tail: find where the last N messages start, reading backwards ---- */

struct rscan {
    int fd;
    char block[BLOCK_SIZE];
    uint64_t block_off;
    size_t block_len;
};

static int rscan_load(struct rscan *s, uint64_t end)
{
    uint64_t off = end > BLOCK_SIZE ? end - BLOCK_SIZE : 0;
    size_t want = (size_t)(end - off), got = 0;
    while (got < want) {
        ssize_t n = pread(s->fd, s->block + got, want - got, (off_t)(off + got));
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -errno;
        }
        if (n == 0)
            return -EIO;  /* the file shrank under us */
        got += (size_t)n;
    }
    s->block_off = off;
    s->block_len = want;
    return 0;
}

/* Offset of the last '\n' before `before`; -1 if none. */
static int rscan_prev_newline(struct rscan *s, uint64_t before, int64_t *ret)
{
    while (before > 0) {
        if (before <= s->block_off || before > s->block_off + s->block_len) {
            int r = rscan_load(s, before);
            if (r < 0)
                return r;
        }
        size_t n = (size_t)(before - s->block_off);
        char *nl = memrchr(s->block, '\n', n);
        if (nl) {
            *ret = (int64_t)s->block_off + (nl - s->block);
            return 0;
        }
        before = s->block_off;
    }
    *ret = -1;
    return 0;
}

/* Up to HEADER_MAX bytes from off (the start of a line of length len). */
static int rscan_header(struct rscan *s, uint64_t off, size_t len, char *buf, size_t *ret_len)
{
    size_t n = len < HEADER_MAX ? len : HEADER_MAX;
    if (off >= s->block_off && off + n <= s->block_off + s->block_len) {
        memcpy(buf, s->block + (off - s->block_off), n);
    } else {
        size_t got = 0;
        while (got < n) {
            ssize_t k = pread(s->fd, buf + got, n - got, (off_t)(off + got));
            if (k < 0) {
                if (errno == EINTR)
                    continue;
                return -errno;
            }
            if (k == 0)
                return -EIO;
            got += (size_t)k;
        }
    }
    *ret_len = n;
    return 0;
}

enum { UNSEEN, OPEN, CLOSED };

/*
 * Which messages are the last n, in the order they are delivered: a message
 * ending at an F line at offset X has key X; without follow, a stream whose
 * last line is P has an unfinished message, delivered at the end of the file
 * after all others, key UNFINISHED_KEY + offset of its last line.
 *
 * Going backwards, count messages by their end lines until the n-th latest
 * key is known: that is the threshold, messages with a lower key are not
 * delivered.  An unfinished message may turn up after the threshold was
 * set (its P line lies before it) and then pushes the threshold one F
 * message later; there are at most two such, so the last three F offsets
 * are kept.  Then keep going back until the first parts of the messages in
 * progress at the threshold are found: forward reading starts at the
 * earliest of them.
 */
struct tail {
    int64_t n;
    bool follow;
    bool phase2;       /* the threshold is known: looking for the starts */
    int st[3];         /* per stream: UNSEEN, OPEN, CLOSED */
    uint64_t start[3]; /* per stream: the earliest line of its message in progress */
    uint64_t fkeys[3]; /* the last three F keys counted */
    uint64_t ukeys[2]; /* the unfinished messages' keys, decreasing */
    int64_t count_f, found_u;
};

/* Record line l at off; whether it counts as one of the latest messages. */
static bool tail_mark(struct reader *r, struct tail *tl, const struct ctr__log_line *l, uint64_t off)
{
    int t = l->stream;
    if (tl->st[t] == UNSEEN && l->partial && !tl->follow) {
        /* an unfinished message */
        tl->st[t] = OPEN;
        tl->start[t] = off;
        if (!time_ok(r, l->timestamp))
            return false;
        tl->ukeys[tl->found_u++] = UNFINISHED_KEY + off;
        return true;
    }
    if (!tl->phase2) {
        tl->st[t] = OPEN;
        tl->start[t] = off;
        if (l->partial || !time_ok(r, l->timestamp))
            return false;
        tl->count_f++;
        tl->fkeys[tl->count_f % 3] = off;
        return true;
    }
    if (tl->st[t] == CLOSED)
        return false;
    if (!l->partial) {
        tl->st[t] = CLOSED; /* an earlier message: not needed */
        return false;
    }
    /* part of a message in progress at the threshold (with follow, of one
     * that is not finished yet) */
    tl->st[t] = OPEN;
    tl->start[t] = off;
    return false;
}

/* After a counted message: the threshold, once the n latest are known
 * (found_u unfinished ones and n - found_u F ones). */
static void tail_count(struct reader *r, struct tail *tl)
{
    int64_t need = tl->n - tl->found_u;
    if (need <= 0) {
        r->threshold = tl->ukeys[tl->n - 1]; /* ukeys[] is in decreasing key order */
        tl->phase2 = true;
    } else if (tl->count_f >= need && tl->count_f - need < 3) {
        r->threshold = tl->fkeys[need % 3];
        tl->phase2 = true;
    }
}

/* Whether the scan is over: the threshold known and every message in
 * progress at it started (without follow, an unseen stream may still have
 * an unfinished message further back). */
static bool tail_done(const struct reader *r, const struct tail *tl)
{
    if (!tl->phase2 || tl->st[CTR__LOG_STDOUT] == OPEN || tl->st[CTR__LOG_STDERR] == OPEN)
        return false;
    for (int u = CTR__LOG_STDOUT; u <= CTR__LOG_STDERR && !tl->follow; u++)
        if ((r->streams & (unsigned)u) && tl->st[u] == UNSEEN)
            return false;
    return true;
}

/* Whether the line at off is too far before the threshold to look for a start. */
static bool tail_too_far(const struct reader *r, const struct tail *tl, uint64_t size, uint64_t off)
{
    return tl->phase2 && (r->threshold >= UNFINISHED_KEY || r->threshold > off) &&
           (r->threshold >= UNFINISHED_KEY ? size : r->threshold) - off > TAIL_LOOKBACK_MAX;
}

/* The line [off, off + len): 1 with *l filled for a line of a wanted
 * stream, 0 for another or a malformed one. */
static int tail_line(struct reader *r, struct rscan *s, uint64_t off, uint64_t len, struct ctr__log_line *l)
{
    if (len > CTR__LOG_LINE_MAX)
        return 0;
    char hdr[HEADER_MAX];
    size_t hlen = 0;
    const char *why;
    int k = rscan_header(s, off, (size_t)len, hdr, &hlen);
    if (k < 0)
        return k;
    return parse_line(hdr, hlen, l, &why) >= 0 && (r->streams & (unsigned)l->stream) ? 1 : 0;
}

/* Scan the lines backwards from the end of the file (size > 0). */
static int tail_scan(struct reader *r, struct rscan *s, uint64_t size, struct tail *tl)
{
    /* The last line ends at the final newline, or at EOF if unterminated. */
    char last;
    int k = rscan_header(s, size - 1, 1, &last, &(size_t){ 0 });
    if (k < 0)
        return k;
    uint64_t end = last == '\n' ? size - 1 : size;
    for (;;) {
        int64_t nl;
        if ((k = rscan_prev_newline(s, end, &nl)) < 0)
            return k;
        uint64_t off = (uint64_t)(nl + 1);
        if (tail_too_far(r, tl, size, off))
            return 0;
        struct ctr__log_line l;
        if ((k = tail_line(r, s, off, end - off, &l)) < 0)
            return k;
        if (k > 0 && tail_mark(r, tl, &l, off))
            tail_count(r, tl);
        if ((k > 0 && tail_done(r, tl)) || nl < 0)
            return 0;
        end = (uint64_t)nl;
    }
}

static int tail_find_start(struct reader *r, uint64_t size, int64_t n, uint64_t *ret_start)
{
    bool follow = r->o->follow;
    if (size == 0 || (n == 0 && !follow)) {
        r->threshold = UINT64_MAX;
        *ret_start = size;
        return 0;
    }
    _cleanup_free_ struct rscan *s = malloc(sizeof *s);
    if (!s)
        return ctr__oom("log scan");
    s->fd = r->fd;
    s->block_off = size;
    s->block_len = 0;
    r->threshold = size;
    struct tail tl = { .n = n, .follow = follow, .phase2 = n == 0, .st = { UNSEEN, UNSEEN, UNSEEN },
                       .start = { UINT64_MAX, UINT64_MAX, UINT64_MAX } };
    int k = tail_scan(r, s, size, &tl);
    if (k < 0)
        return k;
    if (!tl.phase2) {
        /* Fewer than n messages: all of them. */
        r->threshold = 0;
        *ret_start = 0;
        return 0;
    }
    uint64_t first = r->threshold < size ? r->threshold : size;
    for (int t = CTR__LOG_STDOUT; t <= CTR__LOG_STDERR; t++)
        if (tl.start[t] < first)
            first = tl.start[t];
    *ret_start = first;
    return 0;
}

/* ---- follow ------------------------------------------------------------ */

static int watch_fd(int ino, int fd)
{
    char p[64];
    snprintf(p, sizeof p, "/proc/self/fd/%d", fd);
    /* The path through /proc names exactly the file we opened, even if the
     * log was replaced in between. */
    return inotify_add_watch(ino, p, IN_MODIFY | IN_ATTRIB | IN_MOVE_SELF | IN_DELETE_SELF);
}

static void drain_inotify(int ino)
{
    char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
    while (read(ino, buf, sizeof buf) > 0)
        ;
}

/* What the log holds now, read to its end and split into lines. */
static int drain(struct reader *r, const char *path)
{
    int k = read_to_eof(r, path);
    return k < 0 ? k : process_fragment(r);
}

/* 1 if the log was replaced and reopened, 2 if truncated, 0 if not. */
static int check_replaced(struct reader *r, const char *path, int ino, int *wd)
{
    struct stat sp, sf;
    if (fstat(r->fd, &sf) < 0)
        return ctr__err(-errno, "logs: stat %s: %m", path);
    if (stat(path, &sp) < 0) {
        if (errno == ENOENT)
            return 0;  /* being rotated or removed: the directory watch tells */
        return ctr__err(-errno, "logs: stat %s: %m", path);
    }
    if (sp.st_ino == sf.st_ino && sp.st_dev == sf.st_dev) {
        if ((uint64_t)sf.st_size < r->offset + r->len) {
            if (lseek(r->fd, 0, SEEK_SET) < 0)
                return ctr__err(-errno, "logs: seek %s: %m", path);
            r->offset = r->len = r->scanned = 0;
            r->discarding = false;
            return 2;
        }
        return 0;
    }

    /* Replaced: what is left in the old file comes first. */
    int k = drain(r, path);
    if (k < 0)
        return k;
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (fd < 0) {
        if (errno == ENOENT)
            return 0;
        return ctr__err(-errno, "logs: open %s: %m", path);
    }
    if (*wd >= 0)
        (void)inotify_rm_watch(ino, *wd);  /* may be gone already */
    close(r->fd);
    r->fd = fd;
    r->offset = r->len = r->scanned = 0;
    r->discarding = false;
    r->threshold = 0;
    *wd = watch_fd(ino, fd);
    if (*wd < 0)
        return ctr__err(-errno, "logs: inotify watch %s: %m", path);
    return 1;
}

static int follow(struct reader *r, const char *path, int ino, int wd)
{
    _cleanup_close_ int tfd = -1;
    bool stopping = false;
    int k;

    if (r->o->until != 0) {
        tfd = timerfd_create(CLOCK_REALTIME, TFD_CLOEXEC | TFD_NONBLOCK);
        if (tfd < 0)
            return ctr__err(-errno, "logs: timerfd: %m");
        struct itimerspec its = { .it_value = { .tv_sec = r->o->until / 1000000000,
                                                .tv_nsec = r->o->until % 1000000000 } };
        if (its.it_value.tv_sec < 0 || its.it_value.tv_nsec < 0 ||
            (its.it_value.tv_sec == 0 && its.it_value.tv_nsec == 0))
            its.it_value = (struct timespec){ 0, 1 };  /* already past: fire at once */
        if (timerfd_settime(tfd, TFD_TIMER_ABSTIME, &its, NULL) < 0)
            return ctr__err(-errno, "logs: timerfd: %m");
    }

    for (;;) {
        k = read_to_eof(r, path);
        if (k < 0)
            return k;
        if (r->stop)
            return 0;
        k = check_replaced(r, path, ino, &wd);
        if (k < 0)
            return k;
        if (r->stop)
            return 0;
        if (k > 0)
            continue;
        if (stopping) {
            k = process_fragment(r);
            if (k < 0)
                return k;
            flush_pending(r);
            return 0;
        }

        struct pollfd p[4] = {
            { .fd = ino, .events = POLLIN },
            { .fd = r->o->stop_fd, .events = POLLIN },
            { .fd = tfd, .events = POLLIN },
            { .fd = r->o->cancel_fd, .events = POLLIN },
        };
        if (poll(p, 4, -1) < 0) {
            if (errno == EINTR)
                continue;
            return ctr__err(-errno, "logs: poll: %m");
        }
        if ((p[1].revents | p[2].revents | p[3].revents) & POLLNVAL)
            return ctr__err(-EBADF, "logs: stop fd %d is not open", r->o->stop_fd);
        if (p[3].revents)
            return ctr__err(-ECANCELED, "logs: following was cancelled");
        if (p[1].revents || p[2].revents)
            stopping = true;  /* one last read, then stop */
        if (p[0].revents)
            drain_inotify(ino);
    }
}

static char *dir_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        return strdup(".");
    if (slash == path)
        return strdup("/");
    return strndup(path, (size_t)(slash - path));
}

static int check_opts(const char *path, const struct ctr__logs_opts *opts, ctr__log_fn fn)
{
    if (!path || !fn)
        return ctr__err(-EINVAL, "logs: path and callback are required");
    if (opts->tail < -1)
        return ctr__err(-EINVAL, "logs: tail %lld is negative", (long long)opts->tail);
    if (opts->streams & ~(unsigned)(CTR__LOG_STDOUT | CTR__LOG_STDERR))
        return ctr__err(-EINVAL, "logs: unknown streams 0x%x", opts->streams);
    return 0;
}

/* An inotify instance watching the log's directory, made before the log is
 * opened so that a replacement right after is seen. */
static int watch_dir(const char *path, int *ret_ino)
{
    _cleanup_free_ char *dir = dir_of(path);
    if (!dir)
        return ctr__oom("the log's directory");
    _cleanup_close_ int ino = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (ino < 0)
        return ctr__err(-errno, "logs: inotify: %m");
    if (inotify_add_watch(ino, dir, IN_CREATE | IN_MOVED_TO | IN_ONLYDIR) < 0)
        return ctr__err(-errno, "logs: inotify watch %s: %m", dir);
    *ret_ino = TAKE_FD(ino);
    return 0;
}

/* Open the log, which must be a regular file, and tell its size. */
static int open_log(const char *path, int *ret_fd, uint64_t *ret_size)
{
    _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (fd < 0)
        return ctr__err(-errno, "logs: open %s: %m", path);
    struct stat st;
    if (fstat(fd, &st) < 0)
        return ctr__err(-errno, "logs: stat %s: %m", path);
    if (!S_ISREG(st.st_mode))
        return ctr__err(-EINVAL, "logs: %s is not a regular file", path);
    *ret_size = (uint64_t)st.st_size;
    *ret_fd = TAKE_FD(fd);
    return 0;
}

/* Move the reader (its fd at offset 0) to the start of the last lines the
 * options ask for. */
static int seek_tail(struct reader *r, const char *path, uint64_t size)
{
    uint64_t start = 0;
    int k = tail_find_start(r, size, r->o->tail, &start);
    if (k < 0)
        return ctr__err(k, "logs: tail %s: %s", path, strerror(-k));
    if (lseek(r->fd, (off_t)start, SEEK_SET) < 0)
        return ctr__err(-errno, "logs: seek %s: %m", path);
    r->offset = start;
    return 0;
}

/* Read what the log holds now, to its end, and hand on every line. */
static int read_all(struct reader *r, const char *path)
{
    int k = drain(r, path);
    if (k < 0)
        return k;
    flush_pending(r);
    return 0;
}

static void reader_donep(struct reader *r)
{
    if (r->fd >= 0)
        close(r->fd);
    reader_done(r);
}

int ctr__logs_read(const char *path, const struct ctr__logs_opts *opts, ctr__log_fn fn, void *userdata)
{
    static const struct ctr__logs_opts defaults = CTR__LOGS_OPTS_INIT;
    if (!opts)
        opts = &defaults;
    int k = check_opts(path, opts, fn);
    if (k < 0)
        return k;
    _cleanup_close_ int ino = -1;
    if (opts->follow && (k = watch_dir(path, &ino)) < 0)
        return k;
    _cleanup_(reader_donep) struct reader r = {
        .o = opts,
        .streams = opts->streams ? opts->streams : CTR__LOG_STDOUT | CTR__LOG_STDERR,
        .max_message = opts->max_message ? opts->max_message : CTR__LOG_MESSAGE_MAX,
        .fn = fn,
        .userdata = userdata,
        .fd = -1,
    };
    uint64_t size = 0;
    if ((k = open_log(path, &r.fd, &size)) < 0)
        return k;
    int wd = -1;
    if (opts->follow && (wd = watch_fd(ino, r.fd)) < 0)
        return ctr__err(-errno, "logs: inotify watch %s: %m", path);
    if (opts->tail >= 0 && (k = seek_tail(&r, path, size)) < 0)
        return k;

    k = opts->follow ? follow(&r, path, ino, wd) : read_all(&r, path);
    if (k < 0)
        return k;
    if (r.stop < 0)
        return r.stop;
    return r.malformed > INT_MAX ? INT_MAX : (int)r.malformed;
}
