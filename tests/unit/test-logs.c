/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <libctr/ctr-error.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>

#include "base/error.h"
#include "base/logs.h"

#define NS 1000000000LL
/* 2026-11-28T09:09:29Z */
#define BASE_TS (1795856969LL * NS)

/* ---- helpers ---- */

static void fmt_ts(int64_t ns, char *buf, size_t size)
{
    time_t sec = (time_t)(ns / NS);
    struct tm tm;
    gmtime_r(&sec, &tm);
    snprintf(buf, size, "%04d-%02d-%02dT%02d:%02d:%02d.%09lld+00:00", tm.tm_year + 1900, tm.tm_mon + 1,
             tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (long long)(ns % NS));
}

/* Append a log line the way conmon writes it. */
static void put_line(FILE *f, int64_t ts, int stream, bool partial, const char *msg, size_t len)
{
    char t[64];
    fmt_ts(ts, t, sizeof t);
    fprintf(f, "%s %s %c ", t, stream == CTR__LOG_STDOUT ? "stdout" : "stderr", partial ? 'P' : 'F');
    fwrite(msg, 1, len, f);
    fputc('\n', f);
}
#define PUT(f, ts, stream, partial, s) put_line(f, ts, stream, partial, s, strlen(s))

static void append_fd(int fd, int64_t ts, int stream, bool partial, const char *msg)
{
    char t[64], line[4096];
    fmt_ts(ts, t, sizeof t);
    int n = snprintf(line, sizeof line, "%s %s %c %s\n", t, stream == CTR__LOG_STDOUT ? "stdout" : "stderr",
                     partial ? 'P' : 'F', msg);
    assert_int_equal(ctr__write_all(fd, line, (size_t)n), 0);
}

static void append_path(const char *path, int64_t ts, int stream, bool partial, const char *msg)
{
    int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    assert_true(fd >= 0);
    append_fd(fd, ts, stream, partial, msg);
    close(fd);
}

struct msg {
    int stream;
    int64_t ts;
    char *data;
    size_t len;
};

struct coll {
    pthread_mutex_t lock;
    pthread_cond_t cond;
    struct msg *v;
    size_t n, cap;
    size_t stop_after;  /* return 1 after this many; 0 = never */
    int fail_with;      /* return this (negative) on the first message */
};

static void coll_init(struct coll *c)
{
    memset(c, 0, sizeof *c);
    pthread_mutex_init(&c->lock, NULL);
    pthread_cond_init(&c->cond, NULL);
}

static void coll_done(struct coll *c)
{
    for (size_t i = 0; i < c->n; i++)
        free(c->v[i].data);
    free(c->v);
    pthread_mutex_destroy(&c->lock);
    pthread_cond_destroy(&c->cond);
}

static int collect(int stream, int64_t ts, const char *msg, size_t len, void *userdata)
{
    struct coll *c = userdata;
    assert_non_null(msg);
    if (c->fail_with)
        return c->fail_with;
    pthread_mutex_lock(&c->lock);
    if (c->n == c->cap) {
        c->cap = c->cap ? c->cap * 2 : 16;
        c->v = realloc(c->v, c->cap * sizeof *c->v);
        assert_non_null(c->v);
    }
    struct msg *m = &c->v[c->n++];
    m->stream = stream;
    m->ts = ts;
    m->data = malloc(len + 1);
    assert_non_null(m->data);
    memcpy(m->data, msg, len);
    m->data[len] = '\0';
    m->len = len;
    size_t n = c->n;
    pthread_cond_broadcast(&c->cond);
    pthread_mutex_unlock(&c->lock);
    return c->stop_after && n >= c->stop_after ? 1 : 0;
}

static void coll_wait(struct coll *c, size_t n)
{
    pthread_mutex_lock(&c->lock);
    while (c->n < n)
        pthread_cond_wait(&c->cond, &c->lock);
    pthread_mutex_unlock(&c->lock);
}

static void assert_msg(const struct coll *c, size_t i, int stream, const char *data)
{
    if (i >= c->n)
        fail_msg("message %zu missing (have %zu)", i, c->n);
    const struct msg *m = &c->v[i];
    if (m->stream != stream || m->len != strlen(data) || memcmp(m->data, data, m->len) != 0)
        fail_msg("message %zu: stream %d \"%s\", want stream %d \"%s\"", i, m->stream, m->data, stream, data);
}

struct tmp {
    char dir[64];
    char path[128];
};

static int setup_tmp(void **state)
{
    struct tmp *t = calloc(1, sizeof *t);
    strcpy(t->dir, "/tmp/test-logs-XXXXXX");
    if (!mkdtemp(t->dir))
        return -1;
    snprintf(t->path, sizeof t->path, "%s/ctr.log", t->dir);
    *state = t;
    return 0;
}

static int teardown_tmp(void **state)
{
    struct tmp *t = *state;
    ctr__rm_rf(t->dir);
    free(t);
    return 0;
}

static int read_all(const char *path, const struct ctr__logs_opts *o, struct coll *c)
{
    coll_init(c);
    return ctr__logs_read(path, o, collect, c);
}

/* ---- line parser ---- */

static void test_parse_full(void **state)
{
    const char *s = "2026-11-28T09:09:29.664685903+00:00 stdout F hello";
    struct ctr__log_line l;
    assert_int_equal(ctr__log_parse_line(s, strlen(s), &l), 0);
    assert_int_equal(l.timestamp, BASE_TS + 664685903);
    assert_int_equal(l.stream, CTR__LOG_STDOUT);
    assert_false(l.partial);
    assert_int_equal(l.msg_len, 5);
    assert_memory_equal(l.msg, "hello", 5);
    assert_ptr_equal(l.msg, s + strlen(s) - 5);

    /* agrees with util.c's parser */
    int64_t ns;
    assert_int_equal(ctr__parse_time("2026-11-28T09:09:29.664685903+00:00", &ns), 0);
    assert_int_equal(ns, l.timestamp);

    s = "2026-11-28T09:09:29.5Z stderr P part one \n";
    assert_int_equal(ctr__log_parse_line(s, strlen(s), &l), 0);
    assert_int_equal(l.timestamp, BASE_TS + 500000000);
    assert_int_equal(l.stream, CTR__LOG_STDERR);
    assert_true(l.partial);
    /* one trailing newline dropped, the space before it kept */
    assert_int_equal(l.msg_len, 9);
    assert_memory_equal(l.msg, "part one ", 9);
}

static void test_parse_offsets(void **state)
{
    struct {
        const char *ts;
        int64_t want;
    } cases[] = {
        { "2026-11-28T09:09:29Z", BASE_TS },
        { "2026-11-28T09:09:29z", BASE_TS },
        { "2026-11-28t09:09:29Z", BASE_TS },
        { "2026-11-28T11:09:29+02:00", BASE_TS },
        { "2026-11-28T03:39:29-05:30", BASE_TS },
        { "2026-11-28T09:09:29.1Z", BASE_TS + 100000000 },
        { "2026-11-28T09:09:29.000000001Z", BASE_TS + 1 },
        { "2026-11-28T09:09:29.123456789-00:00", BASE_TS + 123456789 },
        { "1970-01-01T00:00:00Z", 0 },
        { "1969-12-31T23:59:59Z", -NS },
        { "2024-02-29T00:00:00Z", 1709164800LL * NS },
        { "2000-02-29T12:00:00Z", 951825600LL * NS },
        { "2262-04-11T23:47:16.854775807Z", INT64_MAX },
        { "1677-09-21T00:12:43.145224192Z", INT64_MIN },
    };
    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        char line[128];
        snprintf(line, sizeof line, "%s stdout F x", cases[i].ts);
        struct ctr__log_line l;
        int r = ctr__log_parse_line(line, strlen(line), &l);
        if (r != 0)
            fail_msg("%s: %d %s", cases[i].ts, r, ctr_error_last()->message);
        if (l.timestamp != cases[i].want)
            fail_msg("%s: %lld, want %lld", cases[i].ts, (long long)l.timestamp, (long long)cases[i].want);
        int64_t ns;
        size_t n;
        assert_int_equal(ctr__log_parse_timestamp(cases[i].ts, strlen(cases[i].ts), &ns, &n), 0);
        assert_int_equal(n, strlen(cases[i].ts));
        assert_int_equal(ns, cases[i].want);
    }
}

static void test_parse_empty_and_odd_messages(void **state)
{
    struct ctr__log_line l;
    const char *s = "2026-11-28T09:09:29Z stdout F ";
    assert_int_equal(ctr__log_parse_line(s, strlen(s), &l), 0);
    assert_int_equal(l.msg_len, 0);
    s = "2026-11-28T09:09:29Z stdout F";
    assert_int_equal(ctr__log_parse_line(s, strlen(s), &l), 0);
    assert_int_equal(l.msg_len, 0);
    s = "2026-11-28T09:09:29Z stdout P\n";
    assert_int_equal(ctr__log_parse_line(s, strlen(s), &l), 0);
    assert_true(l.partial);
    assert_int_equal(l.msg_len, 0);
    s = "2026-11-28T09:09:29Z stdout F   spaces  inside  ";
    assert_int_equal(ctr__log_parse_line(s, strlen(s), &l), 0);
    assert_int_equal(l.msg_len, strlen("  spaces  inside  "));
    assert_memory_equal(l.msg, "  spaces  inside  ", l.msg_len);
    s = "2026-11-28T09:09:29Z stdout F stderr P F 2026-11-28T09:09:29Z";
    assert_int_equal(ctr__log_parse_line(s, strlen(s), &l), 0);
    assert_int_equal(l.stream, CTR__LOG_STDOUT);
    assert_false(l.partial);
    /* NUL bytes and CR in the message are message bytes */
    static const char nul[] = "2026-11-28T09:09:29Z stderr F a\0b\r";
    assert_int_equal(ctr__log_parse_line(nul, sizeof nul - 1, &l), 0);
    assert_int_equal(l.msg_len, 4);
    assert_memory_equal(l.msg, "a\0b\r", 4);
}

static void test_parse_invalid(void **state)
{
    static const char *const bad[] = {
        "",
        "\n",
        "garbage",
        "hello world how are you",
        "2026-11-28T09:09:29Z",
        "2026-11-28T09:09:29Z ",
        "2026-11-28T09:09:29Z stdout",
        "2026-11-28T09:09:29Z stdout ",
        "2026-11-28T09:09:29Z stdin F x",
        "2026-11-28T09:09:29Z STDOUT F x",
        "2026-11-28T09:09:29Z stdoutF x",
        "2026-11-28T09:09:29Z stdout X x",
        "2026-11-28T09:09:29Z stdout f x",
        "2026-11-28T09:09:29Z stdout FF x",
        "2026-11-28T09:09:29Z stdout F:x y",
        "2026-11-28T09:09:29Z  stdout F x",
        "2026-11-28T09:09:29Z\tstdout F x",
        "2026-11-28T09:09:29 stdout F x",
        "2026-11-28 09:09:29Z stdout F x",
        "2026-11-28T09:09:29. stdout F x",
        "2026-11-28T09:09:29.Z stdout F x",
        "2026-11-28T09:09:29.1234567890Z stdout F x",
        "2026-11-28T09:09:29+1:00 stdout F x",
        "2026-11-28T09:09:29+01:0 stdout F x",
        "2026-11-28T09:09:29+0100 stdout F x",
        "2026-11-28T09:09:29+24:00 stdout F x",
        "2026-11-28T09:09:29+01:60 stdout F x",
        "2026-11-28T09:09:29+",
        "2026-11-28T09:09:29+01",
        "2026-11-28T09:09:29+01:",
        "2026-13-28T09:09:29Z stdout F x",
        "2026-00-28T09:09:29Z stdout F x",
        "2026-02-29T09:09:29Z stdout F x",
        "1900-02-29T09:09:29Z stdout F x",
        "2026-04-31T09:09:29Z stdout F x",
        "2026-11-00T09:09:29Z stdout F x",
        "2026-11-28T24:09:29Z stdout F x",
        "2026-11-28T09:60:29Z stdout F x",
        "2026-11-28T09:09:61Z stdout F x",
        "2026-1-28T09:09:29Z stdout F x",
        "26-11-28T09:09:29Z stdout F x",
        " 2026-11-28T09:09:29Z stdout F x",
        "+2026-11-28T09:09:29Z stdout F x",
        "2026-11-28T09:09:-9Z stdout F x",
        "２026-11-28T09:09:29Z stdout F x",
        "2026-11-28T09:09:29\xc2\xa0stdout F x",
        "2026\0-11-28T09:09:29Z stdout F x",
    };
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        struct ctr__log_line l = { .stream = 77 };
        ctr__err_clear();
        int r = ctr__log_parse_line(bad[i], strlen(bad[i]), &l);
        if (r != -EINVAL)
            fail_msg("\"%s\" gave %d", bad[i], r);
        assert_int_equal(l.stream, 77);
        assert_true(strlen(ctr_error_last()->message) > 0);
    }
    static const char nul_in_header[] = "2026-11-28T09:09:29Z std\0ut F x";
    struct ctr__log_line l;
    assert_int_equal(ctr__log_parse_line(nul_in_header, sizeof nul_in_header - 1, &l), -EINVAL);
    /* out of the int64 nanosecond range */
    const char *s = "2262-04-11T23:47:16.854775808Z stdout F x";
    assert_int_equal(ctr__log_parse_line(s, strlen(s), &l), -ERANGE);
    s = "9999-12-31T23:59:59Z stdout F x";
    assert_int_equal(ctr__log_parse_line(s, strlen(s), &l), -ERANGE);
    s = "0000-01-01T00:00:00Z stdout F x";
    assert_int_equal(ctr__log_parse_line(s, strlen(s), &l), -ERANGE);
    assert_int_equal(ctr__log_parse_line(NULL, 0, &l), -EINVAL);
}

/* Every prefix of valid lines, in exactly sized heap buffers: ASan catches
 * any read past the end. */
static void test_parse_prefixes(void **state)
{
    static const char *const lines[] = {
        "2026-11-28T09:09:29.664685903+00:00 stdout F hello",
        "2026-11-28T09:09:29.1-05:30 stderr P x",
        "2026-11-28T09:09:29Z stdout F",
    };
    for (size_t i = 0; i < ARRAY_SIZE(lines); i++) {
        size_t full = strlen(lines[i]);
        for (size_t n = 0; n <= full; n++) {
            char *b = malloc(n ? n : 1);
            memcpy(b, lines[i], n);
            struct ctr__log_line l;
            int r = ctr__log_parse_line(b, n, &l);
            assert_true(r == 0 || r == -EINVAL);
            free(b);
        }
    }
}

/* ---- reader ---- */

static void test_read_basic(void **state)
{
    struct tmp *t = *state;
    FILE *f = fopen(t->path, "w");
    PUT(f, BASE_TS + 1, CTR__LOG_STDOUT, false, "one");
    PUT(f, BASE_TS + 2, CTR__LOG_STDERR, false, "err one");
    PUT(f, BASE_TS + 3, CTR__LOG_STDOUT, true, "par");
    PUT(f, BASE_TS + 4, CTR__LOG_STDERR, true, "err ");
    PUT(f, BASE_TS + 5, CTR__LOG_STDOUT, true, "ti");
    PUT(f, BASE_TS + 6, CTR__LOG_STDERR, false, "two");
    PUT(f, BASE_TS + 7, CTR__LOG_STDOUT, false, "al");
    PUT(f, BASE_TS + 8, CTR__LOG_STDOUT, false, "");
    PUT(f, BASE_TS + 9, CTR__LOG_STDOUT, false, "last one");
    fclose(f);

    struct coll c;
    assert_int_equal(read_all(t->path, NULL, &c), 0);
    assert_int_equal(c.n, 6);
    assert_msg(&c, 0, CTR__LOG_STDOUT, "one");
    assert_msg(&c, 1, CTR__LOG_STDERR, "err one");
    assert_msg(&c, 2, CTR__LOG_STDERR, "err two");
    assert_int_equal(c.v[2].ts, BASE_TS + 6); /* last part's time */
    assert_msg(&c, 3, CTR__LOG_STDOUT, "partial");
    assert_int_equal(c.v[3].ts, BASE_TS + 7);
    assert_msg(&c, 4, CTR__LOG_STDOUT, "");
    assert_msg(&c, 5, CTR__LOG_STDOUT, "last one");
    coll_done(&c);

    struct ctr__logs_opts o = CTR__LOGS_OPTS_INIT;
    o.streams = CTR__LOG_STDERR;
    assert_int_equal(read_all(t->path, &o, &c), 0);
    assert_int_equal(c.n, 2);
    assert_msg(&c, 0, CTR__LOG_STDERR, "err one");
    assert_msg(&c, 1, CTR__LOG_STDERR, "err two");
    coll_done(&c);

    o.streams = CTR__LOG_STDOUT;
    assert_int_equal(read_all(t->path, &o, &c), 0);
    assert_int_equal(c.n, 4);
    assert_msg(&c, 1, CTR__LOG_STDOUT, "partial");
    coll_done(&c);

    o.streams = CTR__LOG_STDOUT | CTR__LOG_STDERR;
    assert_int_equal(read_all(t->path, &o, &c), 0);
    assert_int_equal(c.n, 6);
    coll_done(&c);
}

static void test_read_trailing_partial(void **state)
{
    struct tmp *t = *state;
    FILE *f = fopen(t->path, "w");
    PUT(f, BASE_TS + 1, CTR__LOG_STDOUT, false, "full");
    PUT(f, BASE_TS + 2, CTR__LOG_STDOUT, true, "no newline ");
    PUT(f, BASE_TS + 3, CTR__LOG_STDOUT, true, "at exit");
    /* and an unterminated last line */
    fputs("2026-11-28T09:09:29.000000004Z stderr F cut", f);
    fclose(f);

    struct coll c;
    assert_int_equal(read_all(t->path, NULL, &c), 0);
    assert_int_equal(c.n, 3);
    assert_msg(&c, 0, CTR__LOG_STDOUT, "full");
    assert_msg(&c, 1, CTR__LOG_STDERR, "cut");
    assert_msg(&c, 2, CTR__LOG_STDOUT, "no newline at exit");
    assert_int_equal(c.v[2].ts, BASE_TS + 3);
    coll_done(&c);
}

static void test_read_since_until(void **state)
{
    struct tmp *t = *state;
    FILE *f = fopen(t->path, "w");
    for (int i = 0; i < 10; i++) {
        char m[16];
        snprintf(m, sizeof m, "m%d", i);
        PUT(f, BASE_TS + i * NS, i % 3 == 2 ? CTR__LOG_STDERR : CTR__LOG_STDOUT, false, m);
    }
    fclose(f);

    struct ctr__logs_opts o = CTR__LOGS_OPTS_INIT;
    struct coll c;
    o.since = BASE_TS + 3 * NS; /* inclusive */
    assert_int_equal(read_all(t->path, &o, &c), 0);
    assert_int_equal(c.n, 7);
    assert_msg(&c, 0, CTR__LOG_STDOUT, "m3");
    coll_done(&c);

    o.since = BASE_TS + 3 * NS + 1;
    assert_int_equal(read_all(t->path, &o, &c), 0);
    assert_int_equal(c.n, 6);
    assert_msg(&c, 0, CTR__LOG_STDOUT, "m4");
    coll_done(&c);

    o.until = BASE_TS + 6 * NS; /* inclusive */
    assert_int_equal(read_all(t->path, &o, &c), 0);
    assert_int_equal(c.n, 3);
    assert_msg(&c, 0, CTR__LOG_STDOUT, "m4");
    assert_msg(&c, 1, CTR__LOG_STDERR, "m5");
    assert_msg(&c, 2, CTR__LOG_STDOUT, "m6");
    coll_done(&c);

    o.since = 0;
    o.until = BASE_TS + NS - 1;
    assert_int_equal(read_all(t->path, &o, &c), 0);
    assert_int_equal(c.n, 1);
    assert_msg(&c, 0, CTR__LOG_STDOUT, "m0");
    coll_done(&c);

    o.since = BASE_TS + 100 * NS;
    o.until = 0;
    assert_int_equal(read_all(t->path, &o, &c), 0);
    assert_int_equal(c.n, 0);
    coll_done(&c);

    /* since + stream */
    o.since = BASE_TS + 3 * NS;
    o.streams = CTR__LOG_STDERR;
    assert_int_equal(read_all(t->path, &o, &c), 0);
    assert_int_equal(c.n, 2);
    assert_msg(&c, 0, CTR__LOG_STDERR, "m5");
    assert_msg(&c, 1, CTR__LOG_STDERR, "m8");
    coll_done(&c);
}

static void test_read_tail_small(void **state)
{
    struct tmp *t = *state;
    FILE *f = fopen(t->path, "w");
    PUT(f, BASE_TS + 1, CTR__LOG_STDOUT, false, "a");
    PUT(f, BASE_TS + 2, CTR__LOG_STDOUT, true, "b1 ");
    PUT(f, BASE_TS + 3, CTR__LOG_STDERR, false, "E1");
    PUT(f, BASE_TS + 4, CTR__LOG_STDOUT, true, "b2 ");
    fputs("garbage line\n", f);
    PUT(f, BASE_TS + 5, CTR__LOG_STDOUT, false, "b3");
    PUT(f, BASE_TS + 6, CTR__LOG_STDERR, false, "E2");
    PUT(f, BASE_TS + 7, CTR__LOG_STDOUT, false, "c");
    fclose(f);

    struct ctr__logs_opts o = CTR__LOGS_OPTS_INIT;
    struct coll c;

    o.tail = 0;
    assert_int_equal(read_all(t->path, &o, &c), 0);
    assert_int_equal(c.n, 0);
    coll_done(&c);

    o.tail = 1;
    assert_int_equal(read_all(t->path, &o, &c), 0);
    assert_int_equal(c.n, 1);
    assert_msg(&c, 0, CTR__LOG_STDOUT, "c");
    coll_done(&c);

    o.tail = 3;
    assert_true(read_all(t->path, &o, &c) >= 0);
    assert_int_equal(c.n, 3);
    assert_msg(&c, 0, CTR__LOG_STDOUT, "b1 b2 b3");
    assert_msg(&c, 1, CTR__LOG_STDERR, "E2");
    assert_msg(&c, 2, CTR__LOG_STDOUT, "c");
    coll_done(&c);

    /* E1 ends inside b's parts: it is the 4th last; b is whole */
    o.tail = 4;
    assert_true(read_all(t->path, &o, &c) >= 0);
    assert_int_equal(c.n, 4);
    assert_msg(&c, 0, CTR__LOG_STDERR, "E1");
    assert_msg(&c, 1, CTR__LOG_STDOUT, "b1 b2 b3");
    coll_done(&c);

    o.tail = 100;
    assert_int_equal(read_all(t->path, &o, &c), 1); /* the garbage line */
    assert_int_equal(c.n, 5);
    coll_done(&c);

    /* tail after the stream filter */
    o.tail = 2;
    o.streams = CTR__LOG_STDERR;
    assert_true(read_all(t->path, &o, &c) >= 0);
    assert_int_equal(c.n, 2);
    assert_msg(&c, 0, CTR__LOG_STDERR, "E1");
    assert_msg(&c, 1, CTR__LOG_STDERR, "E2");
    coll_done(&c);

    /* tail after the time filter: the last 2 up to until */
    o.streams = 0;
    o.until = BASE_TS + 5;
    assert_true(read_all(t->path, &o, &c) >= 0);
    assert_int_equal(c.n, 2);
    assert_msg(&c, 0, CTR__LOG_STDERR, "E1");
    assert_msg(&c, 1, CTR__LOG_STDOUT, "b1 b2 b3");
    coll_done(&c);

    /* tail and since */
    o.until = 0;
    o.tail = 10;
    o.since = BASE_TS + 6;
    assert_true(read_all(t->path, &o, &c) >= 0);
    assert_int_equal(c.n, 2);
    assert_msg(&c, 0, CTR__LOG_STDERR, "E2");
    coll_done(&c);
}

static void test_read_empty_file(void **state)
{
    struct tmp *t = *state;
    FILE *f = fopen(t->path, "w");
    fclose(f);
    struct ctr__logs_opts o = CTR__LOGS_OPTS_INIT;
    struct coll c;
    assert_int_equal(read_all(t->path, &o, &c), 0);
    assert_int_equal(c.n, 0);
    coll_done(&c);
    o.tail = 5;
    assert_int_equal(read_all(t->path, &o, &c), 0);
    assert_int_equal(c.n, 0);
    coll_done(&c);
}

/* A random log with interleaved streams, partial runs, garbage, lines longer
 * than the 64 KiB scan block and too long lines; trailing partials and an
 * unterminated last line. */
static size_t write_random_log(const char *path, unsigned seed, size_t nlines, size_t max_msg, bool big)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    char *buf = malloc(CTR__LOG_LINE_MAX + 100);
    int64_t ts = BASE_TS;
    size_t lines = 0;
    for (size_t i = 0; i < nlines; i++) {
        unsigned r = (unsigned)rand_r(&seed);
        ts += r % 1000;
        if (r % 50 == 0) {
            static const char *const junk[] = { "", "junk", "2026-11-28T09:09:29Z stdout", "\x01\x02\x03",
                                                "2026-11-28T09:09:29Z stdin F x" };
            fprintf(f, "%s\n", junk[(r >> 8) % ARRAY_SIZE(junk)]);
            continue;
        }
        size_t len = (size_t)rand_r(&seed) % (max_msg + 1);
        if (big && r % 97 == 1)
            len = 70000 + (size_t)rand_r(&seed) % 100000; /* longer than a scan block */
        if (big && r % 499 == 3)
            len = CTR__LOG_LINE_MAX + 10; /* malformed: too long */
        for (size_t k = 0; k < len; k++)
            buf[k] = (char)('a' + (k + i) % 26);
        char num[32];
        int nn = snprintf(num, sizeof num, "%zu#", i);
        memcpy(buf, num, (size_t)nn < len ? (size_t)nn : len);
        put_line(f, ts, (r >> 4) % 3 == 0 ? CTR__LOG_STDERR : CTR__LOG_STDOUT, (r >> 6) % 4 == 0, buf, len);
        lines++;
    }
    if (seed % 2)
        fputs("2026-11-28T09:09:29.000000004Z stderr F unterminated", f);
    fclose(f);
    free(buf);
    return lines;
}

static void check_tail_matches(const char *path, const struct ctr__logs_opts *base, const int64_t *tails,
                               size_t ntails)
{
    struct coll all;
    struct ctr__logs_opts o = *base;
    o.tail = -1;
    assert_true(read_all(path, &o, &all) >= 0);
    for (size_t i = 0; i < ntails; i++) {
        struct coll c;
        o.tail = tails[i];
        assert_true(read_all(path, &o, &c) >= 0);
        size_t want = (size_t)tails[i] < all.n ? (size_t)tails[i] : all.n;
        if (c.n != want)
            fail_msg("tail %lld: %zu messages, want %zu", (long long)tails[i], c.n, want);
        for (size_t k = 0; k < want; k++) {
            const struct msg *a = &all.v[all.n - want + k], *b = &c.v[k];
            if (a->stream != b->stream || a->ts != b->ts || a->len != b->len || memcmp(a->data, b->data, a->len))
                fail_msg("tail %lld: message %zu differs: %d %lld \"%.40s\" (%zu bytes), want %d %lld \"%.40s\" (%zu bytes)",
                         (long long)tails[i], k, b->stream, (long long)b->ts, b->data, b->len, a->stream,
                         (long long)a->ts, a->data, a->len);
        }
        coll_done(&c);
    }
    coll_done(&all);
}

static void test_read_tail_random(void **state)
{
    struct tmp *t = *state;
    static const int64_t tails[] = { 0, 1, 2, 3, 5, 8, 13, 50, 199, 1000, 5000 };
    for (unsigned seed = 1; seed <= 12; seed++) {
        write_random_log(t->path, seed, 600, seed % 3 == 0 ? 5 : 300, false);
        struct ctr__logs_opts o = CTR__LOGS_OPTS_INIT;
        o.streams = seed % 4 == 1 ? CTR__LOG_STDERR : seed % 4 == 2 ? CTR__LOG_STDOUT : 0;
        if (seed % 5 == 0)
            o.since = BASE_TS + 100000;
        if (seed % 7 == 0)
            o.until = BASE_TS + 200000;
        check_tail_matches(t->path, &o, tails, ARRAY_SIZE(tails));
    }
}

/* Multi-MB file: tail crosses many 64 KiB blocks and lines longer than a
 * block. */
static void test_read_tail_big(void **state)
{
    struct tmp *t = *state;
    static const int64_t tails[] = { 1, 10, 100, 1000, 3000, 20000 };
    write_random_log(t->path, 4242, 30000, 200, true);
    struct stat st;
    assert_int_equal(stat(t->path, &st), 0);
    assert_true(st.st_size > 4 * 1024 * 1024);
    struct ctr__logs_opts o = CTR__LOGS_OPTS_INIT;
    check_tail_matches(t->path, &o, tails, ARRAY_SIZE(tails));
    o.streams = CTR__LOG_STDERR;
    check_tail_matches(t->path, &o, tails, 3);
}

static void test_read_malformed(void **state)
{
    struct tmp *t = *state;
    FILE *f = fopen(t->path, "w");
    PUT(f, BASE_TS + 1, CTR__LOG_STDOUT, false, "before");
    fputs("complete garbage\n", f);                             /* 1 */
    fputs("\n", f);                                             /* 2: empty */
    fputs("2026-11-28T09:09:29Z\n", f);                         /* 3: missing fields */
    fputs("2026-11-28T09:09:29Z stdout\n", f);                  /* 4 */
    fputs("2026-11-28T09:09:29Z stdout Q x\n", f);              /* 5 */
    fwrite("2026-11-28T09:09:29Z st\0out F x\n", 1, 32, f);     /* 6: NUL in header */
    fwrite("\0\0\0\0\n", 1, 5, f);                              /* 7 */
    PUT(f, BASE_TS + 2, CTR__LOG_STDOUT, true, "split ");
    fputs("2026-13-28T09:09:29Z stdout F bad date\n", f);        /* 8: inside a partial run */
    PUT(f, BASE_TS + 3, CTR__LOG_STDOUT, false, "message");
    /* 9: a 2 MiB line */
    char *huge = malloc(2 * 1024 * 1024);
    memset(huge, 'h', 2 * 1024 * 1024);
    fputs("2026-11-28T09:09:29Z stdout F ", f);
    fwrite(huge, 1, 2 * 1024 * 1024, f);
    fputc('\n', f);
    /* 10: just over the line limit */
    fputs("2026-11-28T09:09:29Z stderr F ", f);
    fwrite(huge, 1, CTR__LOG_LINE_MAX, f);
    fputc('\n', f);
    /* exactly at the limit: fine */
    const char *hdr = "2026-11-28T09:09:29Z stderr F ";
    fputs(hdr, f);
    fwrite(huge, 1, CTR__LOG_LINE_MAX - strlen(hdr), f);
    fputc('\n', f);
    /* NUL bytes in the message are kept */
    fwrite("2026-11-28T09:09:29.000000004Z stdout F nul\0byte\n", 1, 49, f);
    PUT(f, BASE_TS + 5, CTR__LOG_STDERR, false, "after");
    fclose(f);

    struct coll c;
    assert_int_equal(read_all(t->path, NULL, &c), 10);
    assert_int_equal(c.n, 5);
    assert_msg(&c, 0, CTR__LOG_STDOUT, "before");
    assert_msg(&c, 1, CTR__LOG_STDOUT, "split message");
    assert_int_equal(c.v[2].len, CTR__LOG_LINE_MAX - strlen(hdr));
    assert_int_equal(c.v[3].len, 8);
    assert_memory_equal(c.v[3].data, "nul\0byte", 8);
    assert_msg(&c, 4, CTR__LOG_STDERR, "after");
    coll_done(&c);

    /* tail over the same file agrees */
    struct ctr__logs_opts o = CTR__LOGS_OPTS_INIT;
    o.tail = 3;
    assert_true(read_all(t->path, &o, &c) >= 0);
    assert_int_equal(c.n, 3);
    assert_int_equal(c.v[0].len, CTR__LOG_LINE_MAX - strlen(hdr));
    assert_msg(&c, 2, CTR__LOG_STDERR, "after");
    coll_done(&c);
    o.tail = 4;
    assert_true(read_all(t->path, &o, &c) >= 0);
    assert_int_equal(c.n, 4);
    assert_msg(&c, 0, CTR__LOG_STDOUT, "split message");
    coll_done(&c);
    free(huge);

    /* a file of pure binary junk */
    f = fopen(t->path, "w");
    unsigned seed = 7;
    for (int i = 0; i < 200000; i++)
        fputc(rand_r(&seed) & 0xff, f);
    fclose(f);
    assert_true(read_all(t->path, NULL, &c) > 0);
    assert_int_equal(c.n, 0);
    coll_done(&c);
    o.tail = 10;
    assert_true(read_all(t->path, &o, &c) > 0);
    assert_int_equal(c.n, 0);
    coll_done(&c);
}

static void test_read_max_message(void **state)
{
    struct tmp *t = *state;
    FILE *f = fopen(t->path, "w");
    PUT(f, BASE_TS + 1, CTR__LOG_STDOUT, true, "aaaa");
    PUT(f, BASE_TS + 2, CTR__LOG_STDOUT, true, "bbbb");
    PUT(f, BASE_TS + 3, CTR__LOG_STDOUT, false, "cc");
    PUT(f, BASE_TS + 4, CTR__LOG_STDOUT, false, "0123456789xy");
    fclose(f);
    struct ctr__logs_opts o = CTR__LOGS_OPTS_INIT;
    o.max_message = 5;
    struct coll c;
    assert_int_equal(read_all(t->path, &o, &c), 0);
    assert_int_equal(c.n, 5);
    assert_msg(&c, 0, CTR__LOG_STDOUT, "aaaab");
    assert_msg(&c, 1, CTR__LOG_STDOUT, "bbbcc");
    assert_msg(&c, 2, CTR__LOG_STDOUT, "01234");
    assert_msg(&c, 3, CTR__LOG_STDOUT, "56789");
    assert_msg(&c, 4, CTR__LOG_STDOUT, "xy");
    coll_done(&c);
}

static void test_read_callback_stop(void **state)
{
    struct tmp *t = *state;
    FILE *f = fopen(t->path, "w");
    for (int i = 0; i < 10; i++)
        PUT(f, BASE_TS + i, CTR__LOG_STDOUT, false, "x");
    fclose(f);
    struct coll c;
    coll_init(&c);
    c.stop_after = 3;
    assert_int_equal(ctr__logs_read(t->path, NULL, collect, &c), 0);
    assert_int_equal(c.n, 3);
    coll_done(&c);

    coll_init(&c);
    c.fail_with = -EPIPE;
    assert_int_equal(ctr__logs_read(t->path, NULL, collect, &c), -EPIPE);
    coll_done(&c);
}

static void test_read_errors(void **state)
{
    struct tmp *t = *state;
    struct ctr__logs_opts o = CTR__LOGS_OPTS_INIT;
    struct coll c;
    coll_init(&c);
    assert_int_equal(ctr__logs_read("/nonexistent/x.log", NULL, collect, &c), -ENOENT);
    assert_non_null(strstr(ctr_error_last()->message, "/nonexistent/x.log"));
    assert_int_equal(ctr__logs_read(t->dir, NULL, collect, &c), -EINVAL);
    assert_int_equal(ctr__logs_read(NULL, NULL, collect, &c), -EINVAL);
    assert_int_equal(ctr__logs_read(t->path, NULL, NULL, &c), -EINVAL);
    o.tail = -2;
    assert_int_equal(ctr__logs_read(t->path, &o, collect, &c), -EINVAL);
    o.tail = -1;
    o.streams = 4;
    assert_int_equal(ctr__logs_read(t->path, &o, collect, &c), -EINVAL);
    o.streams = 0;
    o.follow = true;
    assert_int_equal(ctr__logs_read("/nonexistent/x.log", &o, collect, &c), -ENOENT);
    coll_done(&c);
}

/* ---- follow ---- */

struct writer {
    const char *path;
    struct coll *c;
    int stop_fd;
    int mode;
};

enum { W_APPEND, W_ROTATE, W_TRUNCATE, W_PARTIAL, W_NOSTOP };

static void *writer_main(void *arg)
{
    struct writer *w = arg;
    char m[64];
    int fd = open(w->path, O_WRONLY | O_APPEND | O_CLOEXEC);
    assert_true(fd >= 0);

    /* the reader has read what was there */
    coll_wait(w->c, 1);
    switch (w->mode) {
    case W_APPEND:
    case W_NOSTOP:
        /* one line at a time, each after the previous was seen */
        for (int i = 1; i <= 50; i++) {
            snprintf(m, sizeof m, "line %d", i);
            append_fd(fd, BASE_TS + i, i % 2 ? CTR__LOG_STDOUT : CTR__LOG_STDERR, false, m);
            if (i <= 20)
                coll_wait(w->c, (size_t)i + 1);
        }
        /* 30 more in a burst, not waited for: the stop drains them */
        for (int i = 51; i <= 80; i++) {
            snprintf(m, sizeof m, "line %d", i);
            append_fd(fd, BASE_TS + i, CTR__LOG_STDOUT, false, m);
        }
        if (w->mode == W_NOSTOP)
            coll_wait(w->c, 81);
        break;
    case W_ROTATE: {
        for (int i = 1; i <= 5; i++) {
            snprintf(m, sizeof m, "old %d", i);
            append_fd(fd, BASE_TS + i, CTR__LOG_STDOUT, false, m);
        }
        /* conmon's way: write a new file next to it and rename over */
        char tmp[256];
        snprintf(tmp, sizeof tmp, "%s.tmp", w->path);
        int nfd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        assert_true(nfd >= 0);
        /* conmon closes the old file first */
        close(fd);
        fd = -1;
        assert_int_equal(rename(tmp, w->path), 0);
        for (int i = 1; i <= 5; i++) {
            snprintf(m, sizeof m, "new %d", i);
            append_fd(nfd, BASE_TS + 10 + i, CTR__LOG_STDOUT, false, m);
        }
        coll_wait(w->c, 11);
        /* and a second rotation, this time through unlink + create */
        close(nfd);
        assert_int_equal(unlink(w->path), 0);
        nfd = open(w->path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
        assert_true(nfd >= 0);
        append_fd(nfd, BASE_TS + 20, CTR__LOG_STDERR, false, "third file");
        coll_wait(w->c, 12);
        close(nfd);
        break;
    }
    case W_TRUNCATE:
        append_fd(fd, BASE_TS + 1, CTR__LOG_STDOUT, false, "before truncate");
        coll_wait(w->c, 2);
        assert_int_equal(ftruncate(fd, 0), 0);
        append_fd(fd, BASE_TS + 2, CTR__LOG_STDOUT, false, "after truncate");
        coll_wait(w->c, 3);
        break;
    case W_PARTIAL: {
        append_fd(fd, BASE_TS + 1, CTR__LOG_STDOUT, true, "par");
        append_fd(fd, BASE_TS + 2, CTR__LOG_STDERR, false, "interleaved");
        coll_wait(w->c, 2);
        append_fd(fd, BASE_TS + 3, CTR__LOG_STDOUT, true, "ti");
        /* a line written in two pieces; the pause (test only) lets the
         * reader see the first piece alone */
        assert_int_equal(ctr__write_all(fd, "2026-11-28T09:09:29.000000004+00:00 std", 39), 0);
        struct timespec d = { 0, 50 * 1000 * 1000 };
        nanosleep(&d, NULL);
        assert_int_equal(ctr__write_all(fd, "out F al\n", 9), 0);
        coll_wait(w->c, 3);
        append_fd(fd, BASE_TS + 5, CTR__LOG_STDERR, false, "x");
        coll_wait(w->c, 4);
        /* unfinished when following stops: delivered as it is */
        append_fd(fd, BASE_TS + 6, CTR__LOG_STDOUT, true, "unfinished");
        break;
    }
    }
    if (fd >= 0)
        close(fd);
    if (w->stop_fd >= 0)
        assert_int_equal(eventfd_write(w->stop_fd, 1), 0);
    return NULL;
}

static void run_follow(const char *path, struct ctr__logs_opts *o, struct coll *c, int mode, int expect_rc)
{
    pthread_t th;
    struct writer w = { .path = path, .c = c, .stop_fd = o->stop_fd, .mode = mode };
    o->follow = true;
    assert_int_equal(pthread_create(&th, NULL, writer_main, &w), 0);
    int r = ctr__logs_read(path, o, collect, c);
    if (r != expect_rc)
        fail_msg("logs_read: %d %s", r, ctr_error_last()->message);
    assert_int_equal(pthread_join(th, NULL), 0);
}

static void test_follow_append(void **state)
{
    struct tmp *t = *state;
    append_path(t->path, BASE_TS, CTR__LOG_STDOUT, false, "initial");
    struct ctr__logs_opts o = CTR__LOGS_OPTS_INIT;
    o.stop_fd = eventfd(0, EFD_CLOEXEC);
    struct coll c;
    coll_init(&c);
    run_follow(t->path, &o, &c, W_APPEND, 0);
    assert_int_equal(c.n, 81);
    assert_msg(&c, 0, CTR__LOG_STDOUT, "initial");
    for (int i = 1; i <= 80; i++) {
        char m[64];
        snprintf(m, sizeof m, "line %d", i);
        assert_msg(&c, (size_t)i, i <= 50 && i % 2 == 0 ? CTR__LOG_STDERR : CTR__LOG_STDOUT, m);
    }
    coll_done(&c);
    close(o.stop_fd);
}

static void test_follow_callback_stops(void **state)
{
    struct tmp *t = *state;
    append_path(t->path, BASE_TS, CTR__LOG_STDOUT, false, "initial");
    struct ctr__logs_opts o = CTR__LOGS_OPTS_INIT;
    struct coll c;
    coll_init(&c);
    c.stop_after = 81; /* no stop fd: the callback ends it */
    run_follow(t->path, &o, &c, W_NOSTOP, 0);
    assert_int_equal(c.n, 81);
    assert_msg(&c, 80, CTR__LOG_STDOUT, "line 80");
    coll_done(&c);
}

static void test_follow_rotate(void **state)
{
    struct tmp *t = *state;
    append_path(t->path, BASE_TS, CTR__LOG_STDOUT, false, "initial");
    struct ctr__logs_opts o = CTR__LOGS_OPTS_INIT;
    o.stop_fd = eventfd(0, EFD_CLOEXEC);
    struct coll c;
    coll_init(&c);
    run_follow(t->path, &o, &c, W_ROTATE, 0);
    assert_int_equal(c.n, 12);
    assert_msg(&c, 0, CTR__LOG_STDOUT, "initial");
    for (int i = 1; i <= 5; i++) {
        char m[64];
        snprintf(m, sizeof m, "old %d", i);
        assert_msg(&c, (size_t)i, CTR__LOG_STDOUT, m);
    }
    for (int i = 1; i <= 5; i++) {
        char m[64];
        snprintf(m, sizeof m, "new %d", i);
        assert_msg(&c, (size_t)(5 + i), CTR__LOG_STDOUT, m);
    }
    assert_msg(&c, 11, CTR__LOG_STDERR, "third file");
    coll_done(&c);
    close(o.stop_fd);
}

static void test_follow_truncate(void **state)
{
    struct tmp *t = *state;
    append_path(t->path, BASE_TS, CTR__LOG_STDOUT, false, "initial");
    struct ctr__logs_opts o = CTR__LOGS_OPTS_INIT;
    o.stop_fd = eventfd(0, EFD_CLOEXEC);
    struct coll c;
    coll_init(&c);
    run_follow(t->path, &o, &c, W_TRUNCATE, 0);
    assert_int_equal(c.n, 3);
    assert_msg(&c, 1, CTR__LOG_STDOUT, "before truncate");
    assert_msg(&c, 2, CTR__LOG_STDOUT, "after truncate");
    coll_done(&c);
    close(o.stop_fd);
}

static void test_follow_partial(void **state)
{
    struct tmp *t = *state;
    append_path(t->path, BASE_TS, CTR__LOG_STDOUT, false, "initial");
    struct ctr__logs_opts o = CTR__LOGS_OPTS_INIT;
    o.stop_fd = eventfd(0, EFD_CLOEXEC);
    struct coll c;
    coll_init(&c);
    run_follow(t->path, &o, &c, W_PARTIAL, 0);
    assert_int_equal(c.n, 5);
    assert_msg(&c, 1, CTR__LOG_STDERR, "interleaved");
    assert_msg(&c, 2, CTR__LOG_STDOUT, "partial");
    assert_int_equal(c.v[2].ts, BASE_TS + 4);
    assert_msg(&c, 3, CTR__LOG_STDERR, "x");
    assert_msg(&c, 4, CTR__LOG_STDOUT, "unfinished");
    coll_done(&c);
    close(o.stop_fd);
}

struct access_writer {
    const char *path;
    int ino, stop_fd;
};

/* Waits until the reader reads the file (IN_ACCESS: after it took the
 * file's size for the tail), then completes the message in progress. */
static void *access_writer_main(void *arg)
{
    struct access_writer *w = arg;
    char buf[4096] __attribute__((aligned(8)));
    assert_true(read(w->ino, buf, sizeof buf) > 0);
    append_path(w->path, BASE_TS + 3, CTR__LOG_STDERR, false, "done");
    append_path(w->path, BASE_TS + 4, CTR__LOG_STDOUT, false, "fresh");
    assert_int_equal(eventfd_write(w->stop_fd, 1), 0);
    return NULL;
}

static void test_follow_tail_zero(void **state)
{
    struct tmp *t = *state;
    append_path(t->path, BASE_TS, CTR__LOG_STDOUT, false, "old, not shown");
    append_path(t->path, BASE_TS + 1, CTR__LOG_STDOUT, false, "new, not shown");
    append_path(t->path, BASE_TS + 2, CTR__LOG_STDERR, true, "in progress ");
    int efd = eventfd(0, EFD_CLOEXEC);
    struct ctr__logs_opts o = CTR__LOGS_OPTS_INIT;
    o.tail = 0;
    o.follow = true;
    o.stop_fd = efd;

    /* stop already signalled: reads what is there (nothing new), returns */
    assert_int_equal(eventfd_write(efd, 1), 0);
    struct coll c;
    assert_int_equal(read_all(t->path, &o, &c), 0);
    assert_int_equal(c.n, 0);
    coll_done(&c);
    eventfd_t v;
    assert_int_equal(eventfd_read(efd, &v), 0);

    /* the message in progress is completed later: shown whole */
    struct access_writer w = { .path = t->path, .stop_fd = efd };
    w.ino = inotify_init1(IN_CLOEXEC);
    assert_true(w.ino >= 0);
    assert_true(inotify_add_watch(w.ino, t->path, IN_ACCESS) >= 0);
    pthread_t th;
    assert_int_equal(pthread_create(&th, NULL, access_writer_main, &w), 0);
    assert_int_equal(read_all(t->path, &o, &c), 0);
    assert_int_equal(pthread_join(th, NULL), 0);
    assert_int_equal(c.n, 2);
    assert_msg(&c, 0, CTR__LOG_STDERR, "in progress done");
    assert_msg(&c, 1, CTR__LOG_STDOUT, "fresh");
    coll_done(&c);
    close(w.ino);
    close(efd);
}

static int pidfd_open_(pid_t pid)
{
#ifdef SYS_pidfd_open
    return (int)syscall(SYS_pidfd_open, pid, 0);
#else
    errno = ENOSYS;
    return -1;
#endif
}

struct reaper {
    pid_t pid;
    int efd, status;
};

static void *reaper_main(void *arg)
{
    struct reaper *rp = arg;
    assert_int_equal(waitpid(rp->pid, &rp->status, 0), rp->pid);
    assert_int_equal(eventfd_write(rp->efd, 1), 0);
    return NULL;
}

/* The realistic setup: a child process writes, its pidfd is the stop fd
 * (where pidfd_open() is missing, e.g. under an old valgrind, an eventfd
 * written once the child is reaped). */
static void test_follow_child_pidfd(void **state)
{
    struct tmp *t = *state;
    append_path(t->path, BASE_TS, CTR__LOG_STDOUT, false, "initial");
    int sync[2];
    assert_int_equal(pipe2(sync, O_CLOEXEC), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        char b;
        close(sync[1]);
        if (read(sync[0], &b, 1) != 1)
            _exit(1);
        for (int i = 1; i <= 1000; i++) {
            char m[32];
            snprintf(m, sizeof m, "child %d", i);
            append_path(t->path, BASE_TS + i, i % 7 ? CTR__LOG_STDOUT : CTR__LOG_STDERR, i % 10 == 5, m);
        }
        _exit(0);
    }
    close(sync[0]);
    struct reaper rp = { .pid = pid, .efd = -1 };
    pthread_t th;
    int pfd = pidfd_open_(pid);
    if (pfd < 0) {
        pfd = rp.efd = eventfd(0, EFD_CLOEXEC);
        assert_true(pfd >= 0);
        assert_int_equal(pthread_create(&th, NULL, reaper_main, &rp), 0);
    }
    struct ctr__logs_opts o = CTR__LOGS_OPTS_INIT;
    o.follow = true;
    o.stop_fd = pfd;
    struct coll c;
    coll_init(&c);
    assert_int_equal(write(sync[1], "x", 1), 1);
    close(sync[1]);
    int r = ctr__logs_read(t->path, &o, collect, &c);
    assert_int_equal(r, 0);
    int status;
    if (rp.efd >= 0) {
        assert_int_equal(pthread_join(th, NULL), 0);
        status = rp.status;
    } else {
        assert_int_equal(waitpid(pid, &status, 0), pid);
    }
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    /* 1000 lines, 100 of them partial (each joined with the next line of
     * the same stream) */
    size_t want = 1 + 1000 - 100;
    assert_int_equal(c.n, want);
    /* in order: the numbers in each stream increase */
    int last[3] = { 0, 0, 0 };
    for (size_t i = 1; i < c.n; i++) {
        int num = atoi(c.v[i].data + 6);
        assert_true(num > last[c.v[i].stream]);
        last[c.v[i].stream] = num;
    }
    coll_done(&c);
    close(pfd);
}

static void test_follow_until(void **state)
{
    struct tmp *t = *state;
    int64_t now = ctr__now_ns();
    append_path(t->path, now - 2 * NS, CTR__LOG_STDOUT, false, "a");
    append_path(t->path, now - NS, CTR__LOG_STDOUT, false, "b");
    struct ctr__logs_opts o = CTR__LOGS_OPTS_INIT;
    o.follow = true;
    /* until in the past: no waiting */
    o.until = now - NS - 1;
    struct coll c;
    assert_int_equal(read_all(t->path, &o, &c), 0);
    assert_int_equal(c.n, 1);
    assert_msg(&c, 0, CTR__LOG_STDOUT, "a");
    coll_done(&c);

    /* until shortly in the future: following ends then, with no stop fd */
    int64_t t0 = ctr__now_ns();
    o.until = t0 + 300 * 1000 * 1000;
    assert_int_equal(read_all(t->path, &o, &c), 0);
    int64_t t1 = ctr__now_ns();
    assert_true(t1 >= o.until);
    assert_true(t1 - t0 < 5 * NS);
    assert_int_equal(c.n, 2);
    coll_done(&c);
}

static void test_follow_bad_stop_fd(void **state)
{
    struct tmp *t = *state;
    append_path(t->path, BASE_TS, CTR__LOG_STDOUT, false, "a");
    struct ctr__logs_opts o = CTR__LOGS_OPTS_INIT;
    o.follow = true;
    o.stop_fd = 987;
    struct coll c;
    assert_int_equal(read_all(t->path, &o, &c), -EBADF);
    coll_done(&c);
}

int main(void)
{
    signal(SIGPIPE, SIG_IGN);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_full),
        cmocka_unit_test(test_parse_offsets),
        cmocka_unit_test(test_parse_empty_and_odd_messages),
        cmocka_unit_test(test_parse_invalid),
        cmocka_unit_test(test_parse_prefixes),
        cmocka_unit_test_setup_teardown(test_read_basic, setup_tmp, teardown_tmp),
        cmocka_unit_test_setup_teardown(test_read_trailing_partial, setup_tmp, teardown_tmp),
        cmocka_unit_test_setup_teardown(test_read_since_until, setup_tmp, teardown_tmp),
        cmocka_unit_test_setup_teardown(test_read_tail_small, setup_tmp, teardown_tmp),
        cmocka_unit_test_setup_teardown(test_read_empty_file, setup_tmp, teardown_tmp),
        cmocka_unit_test_setup_teardown(test_read_tail_random, setup_tmp, teardown_tmp),
        cmocka_unit_test_setup_teardown(test_read_tail_big, setup_tmp, teardown_tmp),
        cmocka_unit_test_setup_teardown(test_read_malformed, setup_tmp, teardown_tmp),
        cmocka_unit_test_setup_teardown(test_read_max_message, setup_tmp, teardown_tmp),
        cmocka_unit_test_setup_teardown(test_read_callback_stop, setup_tmp, teardown_tmp),
        cmocka_unit_test_setup_teardown(test_read_errors, setup_tmp, teardown_tmp),
        cmocka_unit_test_setup_teardown(test_follow_append, setup_tmp, teardown_tmp),
        cmocka_unit_test_setup_teardown(test_follow_callback_stops, setup_tmp, teardown_tmp),
        cmocka_unit_test_setup_teardown(test_follow_rotate, setup_tmp, teardown_tmp),
        cmocka_unit_test_setup_teardown(test_follow_truncate, setup_tmp, teardown_tmp),
        cmocka_unit_test_setup_teardown(test_follow_partial, setup_tmp, teardown_tmp),
        cmocka_unit_test_setup_teardown(test_follow_tail_zero, setup_tmp, teardown_tmp),
        cmocka_unit_test_setup_teardown(test_follow_child_pidfd, setup_tmp, teardown_tmp),
        cmocka_unit_test_setup_teardown(test_follow_until, setup_tmp, teardown_tmp),
        cmocka_unit_test_setup_teardown(test_follow_bad_stop_fd, setup_tmp, teardown_tmp),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
