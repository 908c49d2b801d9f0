/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The state backend conformance suite: see state-conformance.h. */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <inttypes.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <libctr/ctr-error.h>

#include "state-conformance.h"

/* ------------------------------------------------------------------------- */
/* Helpers. */

static struct {
    const ctr_state_backend_t *b;
    const char *scratch;
    const ctr_test_state_hooks_t *hooks;
    unsigned int seq;
} g;

struct t {
    char *base; /* SCRATCH/NAME.PID.N: one test's files */
    char *dir;  /* BASE/db: the backend's directory */
    void *db;
};

#define B g.b

static double now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static uint64_t rng_next(uint64_t *s)
{
    /* xorshift64* */
    uint64_t x = *s;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *s = x;
    return x * 2685821657736338717ULL;
}

static uint64_t rng_seed(void)
{
    uint64_t s = 0;
    if (getrandom(&s, sizeof s, 0) != (ssize_t)sizeof s || s == 0)
        s = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32) ^ 0x9e3779b97f4a7c15ULL;
    return s ? s : 1;
}

void ctr_test_state_random_id(char *buf)
{
    static const char hex[] = "0123456789abcdef";
    uint8_t raw[32];
    uint64_t s = rng_seed();
    if (getrandom(raw, sizeof raw, 0) != (ssize_t)sizeof raw)
        for (size_t i = 0; i < sizeof raw; i++)
            raw[i] = (uint8_t)rng_next(&s);
    for (size_t i = 0; i < sizeof raw; i++) {
        buf[2 * i] = hex[raw[i] >> 4];
        buf[2 * i + 1] = hex[raw[i] & 15];
    }
    buf[64] = '\0';
}

static uint64_t fnv1a(const char *p, size_t n)
{
    uint64_t h = 14695981039346656037ULL;
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)p[i];
        h *= 1099511628211ULL;
    }
    return h;
}

char *ctr_test_state_make_doc(const char *kind, const char *id, const char *name, long seq, size_t pad_size)
{
    size_t cap = pad_size + strlen(kind) + strlen(id) + strlen(name) + 128;
    char *d = malloc(cap);
    if (!d)
        return NULL;
    int n = snprintf(d, cap, "{\"kind\":\"%s\",\"id\":\"%s\",\"name\":\"%s\",\"seq\":%ld,\"pad\":\"", kind, id, name,
                     seq);
    uint64_t s = rng_seed();
    size_t len = (size_t)n;
    for (size_t i = 0; i < pad_size; i++) {
        if ((i & 7) == 0)
            rng_next(&s);
        d[len++] = (char)('a' + (s >> ((i & 7) * 8)) % 26);
    }
    d[len++] = '"';
    uint64_t h = fnv1a(d, len);
    snprintf(d + len, cap - len, ",\"sum\":\"%016" PRIx64 "\"}", h);
    return d;
}

/* The string value of "KEY":"..." in the header of one of our documents. */
static bool doc_field(const char *doc, const char *key, char *buf, size_t size)
{
    char pat[64];
    snprintf(pat, sizeof pat, "\"%s\":\"", key);
    const char *p = strstr(doc, pat);
    if (!p)
        return false;
    p += strlen(pat);
    const char *e = strchr(p, '"');
    if (!e || (size_t)(e - p) >= size)
        return false;
    memcpy(buf, p, (size_t)(e - p));
    buf[e - p] = '\0';
    return true;
}

const char *ctr_test_state_check_doc(const char *doc, const char *kind, const char *id, long *ret_seq, char *ret_name,
                                     size_t name_size)
{
    static const char sum_key[] = ",\"sum\":\"";
    if (!doc)
        return "document missing";
    if (strncmp(doc, "{\"kind\":\"", 9) != 0)
        return "document does not start as written";
    const char *sum = NULL;
    for (const char *p = strstr(doc, sum_key); p; p = strstr(p + 1, sum_key))
        sum = p;
    if (!sum)
        return "no checksum (torn document?)";
    const char *hex = sum + strlen(sum_key);
    if (strlen(hex) != 16 + 2 || strcmp(hex + 16, "\"}") != 0)
        return "document does not end as written (torn?)";
    char want[17];
    snprintf(want, sizeof want, "%016" PRIx64, fnv1a(doc, (size_t)(sum - doc)));
    if (strncmp(hex, want, 16) != 0)
        return "checksum mismatch (torn or mixed document)";
    char buf[256];
    if (!doc_field(doc, "kind", buf, sizeof buf) || strcmp(buf, kind) != 0)
        return "wrong kind of document";
    if (id && (!doc_field(doc, "id", buf, sizeof buf) || strcmp(buf, id) != 0))
        return "document of another container";
    if (ret_name && !doc_field(doc, "name", ret_name, name_size))
        return "no name in document";
    if (ret_seq) {
        const char *p = strstr(doc, "\"seq\":");
        if (!p)
            return "no seq in document";
        *ret_seq = strtol(p + 6, NULL, 10);
    }
    return NULL;
}

static int rm_one(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
    (void)st;
    (void)ftw;
    if (type == FTW_DP)
        return rmdir(path) < 0 && errno != ENOENT ? -1 : 0;
    return unlink(path) < 0 && errno != ENOENT ? -1 : 0;
}

int ctr_test_state_rm_rf(const char *path)
{
    struct stat st;
    if (lstat(path, &st) < 0)
        return errno == ENOENT ? 0 : -errno;
    return nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS) < 0 ? -errno : 0;
}

static const char *last_message(void)
{
    const char *m = ctr_error_last()->message;
    return m ? m : "";
}

#define CHECK_OK(expr)                                                                                 \
    do {                                                                                               \
        int _r = (expr);                                                                               \
        if (_r != 0)                                                                                   \
            fail_msg("%s returned %d (%s): %s", #expr, _r, strerror(_r < 0 ? -_r : _r), last_message()); \
    } while (0)

#define CHECK_DOC(doc, kind, id, seq, name, size)                                  \
    do {                                                                           \
        const char *_why = ctr_test_state_check_doc(doc, kind, id, seq, name, size); \
        if (_why)                                                                  \
            fail_msg("%s document of %s: %s", kind, id ? id : "?", _why);           \
    } while (0)

static int db_open(struct t *t)
{
    return B->open(&t->db, t->dir, B->userdata);
}

static void db_close(struct t *t)
{
    if (t->db)
        B->close(t->db);
    t->db = NULL;
}

static void db_reopen(struct t *t)
{
    db_close(t);
    CHECK_OK(db_open(t));
}

/* Version 5: save_state_flags(), optional. */
static bool has_save_flags(void)
{
    return B->version >= 5 && B->save_state_flags;
}

/* A save as libctr makes it: save_state_flags() when the backend has it,
 * else save_state() (durable). */
static int save(void *db, const char *id, const char *state, unsigned int flags)
{
    return has_save_flags() ? B->save_state_flags(db, id, state, flags) : B->save_state(db, id, state);
}

static int setup(void **state)
{
    struct t *t = calloc(1, sizeof *t);
    if (!t)
        return -1;
    if (asprintf(&t->base, "%s/%s.%d.%u", g.scratch, B->name, (int)getpid(), ++g.seq) < 0 ||
        asprintf(&t->dir, "%s/db", t->base) < 0)
        return -1;
    if (mkdir(t->base, 0700) < 0 || mkdir(t->dir, 0700) < 0) {
        print_error("cannot create %s: %s\n", t->dir, strerror(errno));
        return -1;
    }
    int r = db_open(t);
    if (r < 0) {
        print_error("open(%s) failed: %s: %s\n", t->dir, strerror(-r), last_message());
        return -1;
    }
    *state = t;
    return 0;
}

static int teardown(void **state)
{
    struct t *t = *state;
    if (!t)
        return 0;
    db_close(t);
    ctr_test_state_rm_rf(t->base);
    free(t->base);
    free(t->dir);
    free(t);
    return 0;
}

/* A container with its documents. */
struct ctr {
    char id[65];
    char name[64];
    char *config;
    char *state;
};

static void ctr_make(struct ctr *c, const char *name, size_t config_pad, size_t state_pad)
{
    ctr_test_state_random_id(c->id);
    snprintf(c->name, sizeof c->name, "%s", name);
    c->config = ctr_test_state_make_doc("config", c->id, c->name, 0, config_pad);
    c->state = ctr_test_state_make_doc("state", c->id, c->name, 1, state_pad);
    assert_non_null(c->config);
    assert_non_null(c->state);
}

static void ctr_done(struct ctr *c)
{
    free(c->config);
    free(c->state);
    c->config = c->state = NULL;
}

static void add_ctr(struct t *t, const struct ctr *c)
{
    CHECK_OK(B->add(t->db, c->id, c->name, c->config, c->state));
}

/* get() must return exactly these documents. */
static void expect_docs(struct t *t, const char *id, const char *config, const char *state)
{
    char *c = NULL, *s = NULL;
    CHECK_OK(B->get(t->db, id, &c, &s));
    assert_string_equal(c, config);
    assert_string_equal(s, state);
    free(c);
    free(s);
}

static void expect_name(struct t *t, const char *name, const char *id)
{
    char *got = NULL;
    CHECK_OK(B->lookup_name(t->db, name, &got));
    assert_string_equal(got, id);
    free(got);
}

static void expect_no_name(struct t *t, const char *name)
{
    char *got = (char *)0x1;
    assert_int_equal(B->lookup_name(t->db, name, &got), -ENOENT);
    assert_ptr_equal(got, (char *)0x1);
}

static void expect_absent(struct t *t, const char *id)
{
    char *c = (char *)0x1, *s = (char *)0x1;
    assert_int_equal(B->get(t->db, id, &c, &s), -ENOENT);
    assert_ptr_equal(c, (char *)0x1);
    assert_ptr_equal(s, (char *)0x1);
    assert_int_equal(B->get(t->db, id, NULL, NULL), -ENOENT);
}

/* iterate() into an array of copies. */
struct seen {
    struct ctr *v;
    size_t n, cap;
    unsigned int calls;
    int stop_with;
    bool config_null, state_null; /* seen a NULL document */
};

static int seen_one(const char *id, const char *config, const char *state, void *userdata)
{
    struct seen *s = userdata;
    s->calls++;
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 64;
        s->v = realloc(s->v, s->cap * sizeof *s->v);
        if (!s->v)
            abort();
    }
    struct ctr *c = &s->v[s->n++];
    memset(c, 0, sizeof *c);
    snprintf(c->id, sizeof c->id, "%s", id);
    if (config) {
        c->config = strdup(config);
        doc_field(config, "name", c->name, sizeof c->name);
    } else {
        s->config_null = true;
    }
    if (state)
        c->state = strdup(state);
    else
        s->state_null = true;
    return s->stop_with;
}

static void seen_free(struct seen *s)
{
    for (size_t i = 0; i < s->n; i++)
        ctr_done(&s->v[i]);
    free(s->v);
    memset(s, 0, sizeof *s);
}

static struct ctr *seen_find(struct seen *s, const char *id)
{
    for (size_t i = 0; i < s->n; i++)
        if (strcmp(s->v[i].id, id) == 0)
            return &s->v[i];
    return NULL;
}

static void iterate_all(struct t *t, unsigned int flags, struct seen *s)
{
    memset(s, 0, sizeof *s);
    CHECK_OK(B->iterate(t->db, flags, seen_one, s));
}

/* ------------------------------------------------------------------------- */
/* Tests. */

static void test_round_trip(void **state)
{
    struct t *t = *state;
    struct ctr a;
    ctr_make(&a, "round-trip", 300, 100);
    add_ctr(t, &a);

    expect_docs(t, a.id, a.config, a.state);
    char *c = NULL, *s = (char *)0x1;
    CHECK_OK(B->get(t->db, a.id, &c, NULL));
    assert_string_equal(c, a.config);
    free(c);
    c = (char *)0x1;
    CHECK_OK(B->get(t->db, a.id, NULL, &s));
    assert_string_equal(s, a.state);
    free(s);
    CHECK_OK(B->get(t->db, a.id, NULL, NULL));
    expect_name(t, a.name, a.id);

    struct seen seen;
    iterate_all(t, CTR_STATE_ITER_CONFIG | CTR_STATE_ITER_STATE, &seen);
    assert_int_equal(seen.n, 1);
    assert_string_equal(seen.v[0].id, a.id);
    assert_string_equal(seen.v[0].config, a.config);
    assert_string_equal(seen.v[0].state, a.state);
    seen_free(&seen);

    for (long seq = 2; seq < 5; seq++) {
        char *st = ctr_test_state_make_doc("state", a.id, a.name, seq, 200 * (size_t)seq);
        CHECK_OK(B->save_state(t->db, a.id, st));
        expect_docs(t, a.id, a.config, st);
        free(a.state);
        a.state = st;
    }

    CHECK_OK(B->remove(t->db, a.id, a.name));
    expect_absent(t, a.id);
    expect_no_name(t, a.name);
    iterate_all(t, CTR_STATE_ITER_CONFIG | CTR_STATE_ITER_STATE, &seen);
    assert_int_equal(seen.n, 0);
    seen_free(&seen);
    assert_int_equal(B->save_state(t->db, a.id, a.state), -ENOENT);
    assert_int_equal(B->remove(t->db, a.id, a.name), -ENOENT);

    /* The ID and the name can be used again. */
    add_ctr(t, &a);
    expect_docs(t, a.id, a.config, a.state);
    expect_name(t, a.name, a.id);
    CHECK_OK(B->remove(t->db, a.id, a.name));
    expect_absent(t, a.id);
    ctr_done(&a);
}

static void test_duplicates(void **state)
{
    struct t *t = *state;
    struct ctr a, b;
    ctr_make(&a, "dup-a", 100, 100);
    ctr_make(&b, "dup-b", 100, 100);
    add_ctr(t, &a);

    /* Another container under a's name: refused, nothing written. */
    assert_int_equal(B->add(t->db, b.id, a.name, b.config, b.state), -EEXIST);
    expect_absent(t, b.id);
    expect_name(t, a.name, a.id);
    expect_docs(t, a.id, a.config, a.state);

    /* a's ID again under a new name: refused, nothing written. */
    assert_int_equal(B->add(t->db, a.id, b.name, b.config, b.state), -EEXIST);
    expect_no_name(t, b.name);
    expect_docs(t, a.id, a.config, a.state);

    struct seen seen;
    iterate_all(t, CTR_STATE_ITER_CONFIG | CTR_STATE_ITER_STATE, &seen);
    assert_int_equal(seen.n, 1);
    seen_free(&seen);

    /* Refusals survive a reopen as such. */
    db_reopen(t);
    expect_absent(t, b.id);
    expect_no_name(t, b.name);
    add_ctr(t, &b);
    expect_name(t, b.name, b.id);
    iterate_all(t, 0, &seen);
    assert_int_equal(seen.n, 2);
    seen_free(&seen);
    ctr_done(&a);
    ctr_done(&b);
}

static void test_enoent(void **state)
{
    struct t *t = *state;
    char id[65];
    ctr_test_state_random_id(id);
    expect_absent(t, id);
    expect_no_name(t, "nobody");
    assert_int_equal(B->save_state(t->db, id, "{}"), -ENOENT);
    assert_int_equal(B->remove(t->db, id, "nobody"), -ENOENT);

    /* remove() with another container's name leaves that name alone. */
    struct ctr a, b, c;
    ctr_make(&a, "enoent-a", 100, 100);
    ctr_make(&b, "enoent-b", 100, 100);
    ctr_make(&c, "enoent-a", 100, 100);
    add_ctr(t, &a);
    add_ctr(t, &b);
    CHECK_OK(B->remove(t->db, a.id, b.name));
    expect_absent(t, a.id);
    expect_name(t, b.name, b.id);
    expect_docs(t, b.id, b.config, b.state);
    /* a's name no longer names a container and can be taken. */
    expect_no_name(t, a.name);
    add_ctr(t, &c);
    expect_name(t, c.name, c.id);
    ctr_done(&a);
    ctr_done(&b);
    ctr_done(&c);
}

static void test_iterate_flags(void **state)
{
    struct t *t = *state;
    struct ctr v[3];
    for (int i = 0; i < 3; i++) {
        char name[32];
        snprintf(name, sizeof name, "flags-%d", i);
        ctr_make(&v[i], name, 50 + 100 * (size_t)i, 20 + 10 * (size_t)i);
        add_ctr(t, &v[i]);
    }
    static const unsigned int combos[] = { 0, CTR_STATE_ITER_CONFIG, CTR_STATE_ITER_STATE,
                                           CTR_STATE_ITER_CONFIG | CTR_STATE_ITER_STATE };
    for (size_t k = 0; k < sizeof combos / sizeof combos[0]; k++) {
        unsigned int f = combos[k];
        struct seen seen;
        iterate_all(t, f, &seen);
        assert_int_equal(seen.n, 3);
        assert_int_equal(seen.config_null, !(f & CTR_STATE_ITER_CONFIG));
        assert_int_equal(seen.state_null, !(f & CTR_STATE_ITER_STATE));
        for (int i = 0; i < 3; i++) {
            struct ctr *c = seen_find(&seen, v[i].id);
            assert_non_null(c);
            if (f & CTR_STATE_ITER_CONFIG)
                assert_string_equal(c->config, v[i].config);
            if (f & CTR_STATE_ITER_STATE)
                assert_string_equal(c->state, v[i].state);
        }
        seen_free(&seen);
    }

    /* A non-zero return stops the iteration and is returned. */
    struct seen seen = { .stop_with = 42 };
    assert_int_equal(B->iterate(t->db, CTR_STATE_ITER_CONFIG, seen_one, &seen), 42);
    assert_int_equal(seen.calls, 1);
    seen_free(&seen);
    seen = (struct seen){ .stop_with = -EINTR };
    assert_int_equal(B->iterate(t->db, 0, seen_one, &seen), -EINTR);
    assert_int_equal(seen.calls, 1);
    seen_free(&seen);

    for (int i = 0; i < 3; i++)
        ctr_done(&v[i]);
}

static void test_large_documents(void **state)
{
    struct t *t = *state;
    struct ctr a, small;
    ctr_make(&a, "large", 1 << 20, 1 << 20);
    ctr_make(&small, "small", 10, 10);
    add_ctr(t, &a);
    add_ctr(t, &small);
    expect_docs(t, a.id, a.config, a.state);

    char *st = ctr_test_state_make_doc("state", a.id, a.name, 7, (1 << 20) + 4097);
    CHECK_OK(B->save_state(t->db, a.id, st));
    expect_docs(t, a.id, a.config, st);

    struct seen seen;
    iterate_all(t, CTR_STATE_ITER_CONFIG | CTR_STATE_ITER_STATE, &seen);
    assert_int_equal(seen.n, 2);
    struct ctr *c = seen_find(&seen, a.id);
    assert_non_null(c);
    assert_string_equal(c->config, a.config);
    assert_string_equal(c->state, st);
    c = seen_find(&seen, small.id);
    assert_non_null(c);
    assert_string_equal(c->config, small.config);
    seen_free(&seen);

    /* And back to a small one. */
    db_reopen(t);
    expect_docs(t, a.id, a.config, st);
    CHECK_OK(B->save_state(t->db, a.id, small.state));
    expect_docs(t, a.id, a.config, small.state);
    free(st);
    ctr_done(&a);
    ctr_done(&small);
}

static int count_one(const char *id, const char *config, const char *state, void *userdata)
{
    (void)id;
    (void)config;
    (void)state;
    (*(unsigned int *)userdata)++;
    return 0;
}

static int ctr_cmp(const void *a, const void *b)
{
    return strcmp(((const struct ctr *)a)->id, ((const struct ctr *)b)->id);
}

struct check_many {
    struct ctr *v;
    size_t n;
    unsigned int ok, bad;
};

static int check_many_one(const char *id, const char *config, const char *state, void *userdata)
{
    struct check_many *m = userdata;
    struct ctr key;
    snprintf(key.id, sizeof key.id, "%s", id);
    struct ctr *c = bsearch(&key, m->v, m->n, sizeof *m->v, ctr_cmp);
    if (c && config && state && strcmp(c->config, config) == 0 && strcmp(c->state, state) == 0)
        m->ok++;
    else
        m->bad++;
    return 0;
}

#define MANY 1000

struct timing {
    double get_us, lookup_us, iter_ids_us, iter_us;
};

/* Time get() and lookup_name() of every container, then iterate(). */
static void time_reads(struct t *t, struct ctr *v, struct timing *tm)
{
    double t0 = now_us();
    for (int i = 0; i < MANY; i++) {
        char *c = NULL, *s = NULL;
        CHECK_OK(B->get(t->db, v[i].id, &c, &s));
        free(c);
        free(s);
    }
    tm->get_us = (now_us() - t0) / MANY;

    t0 = now_us();
    for (int i = 0; i < MANY; i++) {
        char *id = NULL;
        CHECK_OK(B->lookup_name(t->db, v[i].name, &id));
        if (strcmp(id, v[i].id) != 0)
            fail_msg("lookup_name(%s) gave %s, not %s", v[i].name, id, v[i].id);
        free(id);
    }
    tm->lookup_us = (now_us() - t0) / MANY;

    unsigned int n = 0;
    t0 = now_us();
    CHECK_OK(B->iterate(t->db, 0, count_one, &n));
    tm->iter_ids_us = now_us() - t0;
    assert_int_equal(n, MANY);

    n = 0;
    t0 = now_us();
    CHECK_OK(B->iterate(t->db, CTR_STATE_ITER_CONFIG | CTR_STATE_ITER_STATE, count_one, &n));
    tm->iter_us = now_us() - t0;
    assert_int_equal(n, MANY);
}

static void test_many(void **state)
{
    struct t *t = *state;
    struct ctr *v = calloc(MANY, sizeof *v);
    assert_non_null(v);
    for (int i = 0; i < MANY; i++) {
        char name[32];
        snprintf(name, sizeof name, "many-%04d", i);
        /* About the size of libctr's documents. */
        ctr_make(&v[i], name, 2500, 500);
    }

    double t0 = now_us();
    for (int i = 0; i < MANY; i++)
        add_ctr(t, &v[i]);
    double add_us = now_us() - t0;

    /* Cold: a new handle, as in a new process. */
    struct timing cold, warm;
    db_reopen(t);
    time_reads(t, v, &cold);
    /* Warm: the same handle again. */
    time_reads(t, v, &warm);

    /* Content of the listing. */
    qsort(v, MANY, sizeof *v, ctr_cmp);
    struct check_many m = { .v = v, .n = MANY };
    CHECK_OK(B->iterate(t->db, CTR_STATE_ITER_CONFIG | CTR_STATE_ITER_STATE, check_many_one, &m));
    assert_int_equal(m.ok, MANY);
    assert_int_equal(m.bad, 0);
    for (int i = 0; i < MANY; i++)
        expect_docs(t, v[i].id, v[i].config, v[i].state);

    t0 = now_us();
    for (int i = 0; i < MANY / 4; i++) {
        char *st = ctr_test_state_make_doc("state", v[i].id, v[i].name, 2, 500);
        CHECK_OK(B->save_state(t->db, v[i].id, st));
        free(v[i].state);
        v[i].state = st;
    }
    double save_us = (now_us() - t0) / (MANY / 4);
    /* The same saves, transient (version 5; durable without the member). */
    t0 = now_us();
    for (int i = 0; i < MANY / 4; i++) {
        char *st = ctr_test_state_make_doc("state", v[i].id, v[i].name, 3, 500);
        CHECK_OK(save(t->db, v[i].id, st, CTR_STATE_SAVE_TRANSIENT));
        free(v[i].state);
        v[i].state = st;
    }
    double transient_us = (now_us() - t0) / (MANY / 4);

    t0 = now_us();
    for (int i = 0; i < MANY / 2; i++)
        CHECK_OK(B->remove(t->db, v[i].id, v[i].name));
    double remove_us = (now_us() - t0) / (MANY / 2);
    unsigned int n = 0;
    CHECK_OK(B->iterate(t->db, CTR_STATE_ITER_CONFIG, count_one, &n));
    assert_int_equal(n, MANY - MANY / 2);
    for (int i = 0; i < MANY; i++) {
        if (i < MANY / 2) {
            expect_absent(t, v[i].id);
            expect_no_name(t, v[i].name);
        } else {
            expect_docs(t, v[i].id, v[i].config, v[i].state);
        }
    }

    print_message("[ TIMING   ] %s, %d containers: add %.0f/s, save_state %.0f us (transient %.0f us), remove %.0f us\n",
                  B->name, MANY, MANY / (add_us / 1e6), save_us, transient_us, remove_us);
    print_message("[ TIMING   ] %s cold (new handle): get %.1f us, lookup_name %.1f us, iterate IDs %.2f ms, "
                  "iterate config+state %.2f ms\n",
                  B->name, cold.get_us, cold.lookup_us, cold.iter_ids_us / 1e3, cold.iter_us / 1e3);
    print_message("[ TIMING   ] %s warm (same handle): get %.1f us, lookup_name %.1f us, iterate IDs %.2f ms, "
                  "iterate config+state %.2f ms\n",
                  B->name, warm.get_us, warm.lookup_us, warm.iter_ids_us / 1e3, warm.iter_us / 1e3);

    for (int i = 0; i < MANY; i++)
        ctr_done(&v[i]);
    free(v);
}

static void test_reopen(void **state)
{
    struct t *t = *state;
    struct ctr v[10];
    for (int i = 0; i < 10; i++) {
        char name[32];
        snprintf(name, sizeof name, "reopen-%d", i);
        ctr_make(&v[i], name, 100, 100);
        add_ctr(t, &v[i]);
    }
    for (int i = 0; i < 5; i++) {
        char *st = ctr_test_state_make_doc("state", v[i].id, v[i].name, 9, 300);
        CHECK_OK(B->save_state(t->db, v[i].id, st));
        free(v[i].state);
        v[i].state = st;
    }
    CHECK_OK(B->remove(t->db, v[8].id, v[8].name));
    CHECK_OK(B->remove(t->db, v[9].id, v[9].name));

    db_reopen(t);
    db_reopen(t);
    struct seen seen;
    iterate_all(t, CTR_STATE_ITER_CONFIG | CTR_STATE_ITER_STATE, &seen);
    assert_int_equal(seen.n, 8);
    for (int i = 0; i < 10; i++) {
        struct ctr *c = seen_find(&seen, v[i].id);
        if (i >= 8) {
            assert_null(c);
            expect_absent(t, v[i].id);
            expect_no_name(t, v[i].name);
            continue;
        }
        assert_non_null(c);
        assert_string_equal(c->config, v[i].config);
        assert_string_equal(c->state, v[i].state);
        expect_docs(t, v[i].id, v[i].config, v[i].state);
        expect_name(t, v[i].name, v[i].id);
    }
    seen_free(&seen);
    for (int i = 0; i < 10; i++)
        ctr_done(&v[i]);
}

static void test_layout_version(void **state)
{
    struct t *t = *state;
    if (!g.hooks || !g.hooks->set_layout_version)
        skip();
    struct ctr a;
    ctr_make(&a, "layout", 10, 10);
    add_ctr(t, &a);
    db_close(t);
    CHECK_OK(g.hooks->set_layout_version(t->dir, 999, g.hooks->userdata));
    void *db = (void *)0x1;
    assert_int_equal(B->open(&db, t->dir, B->userdata), -EPROTONOSUPPORT);
    assert_ptr_equal(db, (void *)0x1);
    if (!strstr(last_message(), "999"))
        fail_msg("the message does not name the version found: \"%s\"", last_message());
    ctr_done(&a);
}

/* Forked children report through their exit status; never cmocka. */

static int lock_fd(const char *path)
{
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    return fd;
}

static int ofd_lock(int fd, short type)
{
    struct flock l = { .l_type = type, .l_whence = SEEK_SET };
    while (fcntl(fd, F_OFD_SETLKW, &l) < 0)
        if (errno != EINTR)
            return -errno;
    return 0;
}

#define WRITERS 4
#define INCREMENTS 500

static void counter_writer(const char *dir, const char *lock_path, const char *id, const char *name)
{
    void *db = NULL;
    if (B->open(&db, dir, B->userdata) < 0)
        _exit(10);
    int fd = lock_fd(lock_path);
    if (fd < 0)
        _exit(11);
    for (int i = 0; i < INCREMENTS; i++) {
        if (ofd_lock(fd, F_WRLCK) < 0)
            _exit(12);
        char *s = NULL;
        long seq = -1;
        if (B->get(db, id, NULL, &s) < 0)
            _exit(13);
        if (ctr_test_state_check_doc(s, "state", id, &seq, NULL, 0))
            _exit(14);
        free(s);
        char *n = ctr_test_state_make_doc("state", id, name, seq + 1, 64 + (size_t)(seq % 7) * 300);
        /* Every other save transient: atomic all the same. */
        if (!n || save(db, id, n, seq % 2 ? CTR_STATE_SAVE_TRANSIENT : 0) < 0)
            _exit(15);
        free(n);
        if (ofd_lock(fd, F_UNLCK) < 0)
            _exit(16);
    }
    close(fd);
    B->close(db);
    _exit(0);
}

static int reader_check(const char *id, const char *config, const char *state, void *userdata)
{
    unsigned int *bad = userdata;
    char n1[64], n2[64];
    if (ctr_test_state_check_doc(config, "config", id, NULL, n1, sizeof n1) ||
        ctr_test_state_check_doc(state, "state", id, NULL, n2, sizeof n2) || strcmp(n1, n2) != 0)
        (*bad)++;
    return 0;
}

static void counter_reader(const char *dir, const char *id, volatile int *done)
{
    void *db = NULL;
    if (B->open(&db, dir, B->userdata) < 0)
        _exit(20);
    unsigned int bad = 0, rounds = 0;
    while (!*done || rounds < 3) {
        if (B->iterate(db, CTR_STATE_ITER_CONFIG | CTR_STATE_ITER_STATE, reader_check, &bad) != 0)
            _exit(21);
        char *c = NULL, *s = NULL;
        if (B->get(db, id, &c, &s) < 0)
            _exit(22);
        if (ctr_test_state_check_doc(c, "config", id, NULL, NULL, 0) ||
            ctr_test_state_check_doc(s, "state", id, NULL, NULL, 0))
            bad++;
        free(c);
        free(s);
        rounds++;
    }
    B->close(db);
    _exit(bad ? 23 : 0);
}

static void test_concurrency(void **state)
{
    struct t *t = *state;
    struct ctr a, other;
    ctr_make(&a, "counter", 200, 0);
    free(a.state);
    a.state = ctr_test_state_make_doc("state", a.id, a.name, 0, 64);
    ctr_make(&other, "bystander", 200, 200);
    add_ctr(t, &a);
    add_ctr(t, &other);
    /* Children open their own handles; some backends (tdb) forbid sharing
     * one across fork(), so the parent's is closed meanwhile. */
    db_close(t);

    char *lock_path = NULL;
    assert_true(asprintf(&lock_path, "%s/counter.lock", t->base) > 0);
    volatile int *done = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    assert_true(done != MAP_FAILED);
    *done = 0;

    fflush(NULL);
    pid_t writers[WRITERS];
    for (int i = 0; i < WRITERS; i++) {
        writers[i] = fork();
        assert_true(writers[i] >= 0);
        if (writers[i] == 0)
            counter_writer(t->dir, lock_path, a.id, a.name);
    }
    pid_t reader = fork();
    assert_true(reader >= 0);
    if (reader == 0)
        counter_reader(t->dir, a.id, done);

    int failures = 0;
    for (int i = 0; i < WRITERS; i++) {
        int status = 0;
        assert_int_equal(waitpid(writers[i], &status, 0), writers[i]);
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
            print_error("writer %d failed: status 0x%x\n", i, status);
            failures++;
        }
    }
    *done = 1;
    int status = 0;
    assert_int_equal(waitpid(reader, &status, 0), reader);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        print_error("reader failed: status 0x%x (23: saw a torn or mixed document)\n", status);
        failures++;
    }
    munmap((void *)done, 4096);
    free(lock_path);
    assert_int_equal(failures, 0);

    CHECK_OK(db_open(t));
    char *s = NULL;
    long seq = -1;
    CHECK_OK(B->get(t->db, a.id, NULL, &s));
    CHECK_DOC(s, "state", a.id, &seq, NULL, 0);
    free(s);
    assert_int_equal(seq, WRITERS * INCREMENTS);
    expect_docs(t, other.id, other.config, other.state);
    ctr_done(&a);
    ctr_done(&other);
}

/* The crash test: a child loops over writes and is killed at a random time;
 * then everything visible must be complete and consistent. */

#define CRASH_ROUNDS 30
#define CRASH_LIVE_MAX 40

struct crash_shared {
    unsigned int next_name; /* names crash-0 .. crash-(next_name - 1) may exist */
    unsigned int ops;
};

struct live {
    char id[65];
    char name[64];
    long seq;
};

struct live_set {
    struct live v[CRASH_LIVE_MAX];
    size_t n;
};

static int live_load(const char *id, const char *config, const char *state, void *userdata)
{
    struct live_set *l = userdata;
    if (l->n == CRASH_LIVE_MAX)
        return 0;
    struct live *e = &l->v[l->n];
    snprintf(e->id, sizeof e->id, "%s", id);
    if (ctr_test_state_check_doc(config, "config", id, NULL, e->name, sizeof e->name) ||
        ctr_test_state_check_doc(state, "state", id, &e->seq, NULL, 0))
        return 1;
    l->n++;
    return 0;
}

static const size_t crash_sizes[] = { 100, 1000, 10000, 100000 };

static void crash_child(const char *dir, struct crash_shared *sh, int ready_fd)
{
    void *db = NULL;
    if (B->open(&db, dir, B->userdata) < 0)
        _exit(30);
    struct live_set l = { .n = 0 };
    if (B->iterate(db, CTR_STATE_ITER_CONFIG | CTR_STATE_ITER_STATE, live_load, &l) != 0)
        _exit(31);
    /* The kill lands among the writes, however slow the start was. */
    if (write(ready_fd, "r", 1) != 1)
        _exit(35);
    close(ready_fd);
    uint64_t rng = rng_seed();
    for (;;) {
        unsigned int op = (unsigned int)(rng_next(&rng) % 10);
        size_t pad = crash_sizes[rng_next(&rng) % 4];
        if (l.n < 4 || (op < 3 && l.n < CRASH_LIVE_MAX)) {
            struct live *e = &l.v[l.n];
            ctr_test_state_random_id(e->id);
            snprintf(e->name, sizeof e->name, "crash-%u", __atomic_fetch_add(&sh->next_name, 1, __ATOMIC_SEQ_CST));
            e->seq = 0;
            char *c = ctr_test_state_make_doc("config", e->id, e->name, 0, pad);
            char *s = ctr_test_state_make_doc("state", e->id, e->name, 0, pad / 2);
            if (!c || !s || B->add(db, e->id, e->name, c, s) < 0)
                _exit(32);
            free(c);
            free(s);
            l.n++;
        } else if (op < 7) {
            struct live *e = &l.v[rng_next(&rng) % l.n];
            char *s = ctr_test_state_make_doc("state", e->id, e->name, ++e->seq, pad);
            if (!s || save(db, e->id, s, op % 2 ? CTR_STATE_SAVE_TRANSIENT : 0) < 0)
                _exit(33);
            free(s);
        } else {
            size_t i = (size_t)(rng_next(&rng) % l.n);
            if (B->remove(db, l.v[i].id, l.v[i].name) < 0)
                _exit(34);
            l.v[i] = l.v[--l.n];
        }
        __atomic_fetch_add(&sh->ops, 1, __ATOMIC_SEQ_CST);
    }
}

static void crash_verify(struct t *t, const struct crash_shared *sh, int round)
{
    struct seen seen;
    iterate_all(t, CTR_STATE_ITER_CONFIG | CTR_STATE_ITER_STATE, &seen);
    for (size_t i = 0; i < seen.n; i++) {
        struct ctr *c = &seen.v[i];
        char n1[64] = "", n2[64] = "";
        const char *why = ctr_test_state_check_doc(c->config, "config", c->id, NULL, n1, sizeof n1);
        if (!why)
            why = ctr_test_state_check_doc(c->state, "state", c->id, NULL, n2, sizeof n2);
        if (!why && strcmp(n1, n2) != 0)
            why = "config and state name different containers";
        if (why)
            fail_msg("round %d: container %s: %s", round, c->id, why);
        expect_docs(t, c->id, c->config, c->state);
        expect_name(t, n1, c->id);
        for (size_t j = 0; j < i; j++)
            if (strcmp(seen.v[j].name, c->name) == 0)
                fail_msg("round %d: name %s used twice", round, c->name);
    }
    /* Every name that resolves names a listed container. */
    unsigned int named = 0;
    for (unsigned int k = 0; k <= sh->next_name; k++) {
        char name[64], *id = NULL;
        snprintf(name, sizeof name, "crash-%u", k);
        int r = B->lookup_name(t->db, name, &id);
        if (r == -ENOENT)
            continue;
        if (r < 0)
            fail_msg("round %d: lookup_name(%s): %d %s", round, name, r, last_message());
        struct ctr *c = seen_find(&seen, id);
        if (!c || strcmp(c->name, name) != 0)
            fail_msg("round %d: name %s resolves to %s, which iterate() does not list under it", round, name, id);
        free(id);
        named++;
    }
    assert_int_equal(named, seen.n);
    seen_free(&seen);

    /* Still writable. */
    struct ctr probe;
    char name[64];
    snprintf(name, sizeof name, "probe-%d", round);
    ctr_make(&probe, name, 100, 100);
    add_ctr(t, &probe);
    char *st = ctr_test_state_make_doc("state", probe.id, probe.name, 2, 100);
    CHECK_OK(B->save_state(t->db, probe.id, st));
    expect_docs(t, probe.id, probe.config, st);
    free(st);
    CHECK_OK(B->remove(t->db, probe.id, probe.name));
    ctr_done(&probe);
}

static void test_crash(void **state)
{
    struct t *t = *state;
    struct crash_shared *sh = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    assert_true(sh != MAP_FAILED);
    memset(sh, 0, sizeof *sh);
    uint64_t rng = rng_seed();
    unsigned int total_ops = 0, watched = 0;
    /* With a backend that allows it, a long-lived handle reads while the
     * writer runs, and must agree with a new handle after each crash. */
    void *watch = NULL;
    /* Not under valgrind (CTR_TEST_VALGRIND=1): there tdb's long-lived handle
     * fails now and then after a killed writer grew the file (an msync of a
     * range valgrind does not see mapped, then "cannot lock the database"),
     * which the plain and sanitizer runs of this test never show. */
    if (g.hooks && (g.hooks->flags & CTR_TEST_STATE_MULTI_OPEN) && !getenv("CTR_TEST_VALGRIND"))
        CHECK_OK(B->open(&watch, t->dir, B->userdata));

    for (int round = 0; round < CRASH_ROUNDS; round++) {
        db_close(t);
        sh->ops = 0;
        int ready[2];
        assert_int_equal(pipe2(ready, O_CLOEXEC), 0);
        fflush(NULL);
        pid_t pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
            close(ready[0]);
            crash_child(t->dir, sh, ready[1]);
        }
        close(ready[1]);
        char c;
        ssize_t got = read(ready[0], &c, 1);
        close(ready[0]);
        if (got == 1) {
            double end = now_us() + 1000 + (double)(rng_next(&rng) % 49000);
            unsigned int bad = 0;
            while (watch && now_us() < end) {
                int r = B->iterate(watch, CTR_STATE_ITER_CONFIG | CTR_STATE_ITER_STATE, reader_check, &bad);
                if (r != 0 || bad) {
                    kill(pid, SIGKILL);
                    fail_msg("round %d: a reader during the writes: iterate %d, %u bad documents", round, r, bad);
                }
                watched++;
            }
            double left = end - now_us();
            if (left > 0) {
                struct timespec ts = { 0, (long)(left * 1000) };
                nanosleep(&ts, NULL);
            }
        }
        kill(pid, SIGKILL);
        int status = 0;
        assert_int_equal(waitpid(pid, &status, 0), pid);
        if (!WIFSIGNALED(status))
            fail_msg("round %d: the writer stopped by itself: status 0x%x (exit %d)", round, status,
                     WIFEXITED(status) ? WEXITSTATUS(status) : -1);
        total_ops += sh->ops;

        int r = db_open(t);
        if (r < 0)
            fail_msg("round %d: open after a crash failed: %d %s", round, r, last_message());
        crash_verify(t, sh, round);
        if (watch) {
            struct seen a, b;
            iterate_all(t, CTR_STATE_ITER_CONFIG | CTR_STATE_ITER_STATE, &a);
            memset(&b, 0, sizeof b);
            CHECK_OK(B->iterate(watch, CTR_STATE_ITER_CONFIG | CTR_STATE_ITER_STATE, seen_one, &b));
            assert_int_equal(a.n, b.n);
            for (size_t i = 0; i < a.n; i++) {
                struct ctr *x = seen_find(&b, a.v[i].id);
                if (!x || strcmp(x->config, a.v[i].config) != 0 || strcmp(x->state, a.v[i].state) != 0)
                    fail_msg("round %d: the long-lived handle disagrees about %s", round, a.v[i].id);
            }
            seen_free(&a);
            seen_free(&b);
        }
    }
    if (watch)
        B->close(watch);
    print_message("[ CRASH    ] %s: %d kills, %u writes completed, %u names used, %u listings during writes\n",
                  B->name, CRASH_ROUNDS, total_ops, sh->next_name, watched);
    munmap(sh, 4096);
}

/* ------------------------------------------------------------------------- */
/* Object records (version 3). */

static bool has_objects(void)
{
    return B->version >= 3 && B->obj_add;
}

struct obj_seen {
    char names[64][64];
    char *docs[64];
    size_t n;
};

static int obj_seen_one(const char *name, const char *doc, void *userdata)
{
    struct obj_seen *s = userdata;
    if (s->n == 64)
        return 7;
    snprintf(s->names[s->n], sizeof s->names[0], "%s", name);
    s->docs[s->n] = strdup(doc);
    s->n++;
    return 0;
}

static void obj_seen_free(struct obj_seen *s)
{
    for (size_t i = 0; i < s->n; i++)
        free(s->docs[i]);
    s->n = 0;
}

static const char *obj_seen_doc(const struct obj_seen *s, const char *name)
{
    for (size_t i = 0; i < s->n; i++)
        if (strcmp(s->names[i], name) == 0)
            return s->docs[i];
    return NULL;
}

static void expect_obj(struct t *t, const char *kind, const char *name, const char *doc)
{
    char *got = NULL;
    CHECK_OK(B->obj_get(t->db, kind, name, &got));
    assert_string_equal(got, doc);
    free(got);
}

static void expect_no_obj(struct t *t, const char *kind, const char *name)
{
    char *got = (char *)0x1;
    assert_int_equal(B->obj_get(t->db, kind, name, &got), -ENOENT);
    assert_ptr_equal(got, (char *)0x1);
}

/* Add, get, save, iterate, remove; kinds apart from each other and from
 * the containers; all of it survives a reopen. */
static int obj_stop(const char *name, const char *doc, void *userdata)
{
    (void)name;
    (void)doc;
    (void)userdata;
    return 5;
}

static void test_obj_round_trip(void **state)
{
    struct t *t = *state;
    char *d1 = ctr_test_state_make_doc("volume", "v1", "v1", 0, 100);
    char *d2 = ctr_test_state_make_doc("volume", "v2", "v2", 0, 20000);
    char *d3 = ctr_test_state_make_doc("pod", "v1", "v1", 0, 10);
    assert_non_null(d1);
    assert_non_null(d2);
    assert_non_null(d3);
    struct obj_seen seen = { .n = 0 };
    CHECK_OK(B->obj_iterate(t->db, "volume", obj_seen_one, &seen));
    assert_int_equal(seen.n, 0);
    expect_no_obj(t, "volume", "v1");

    CHECK_OK(B->obj_add(t->db, "volume", "v1", d1));
    CHECK_OK(B->obj_add(t->db, "volume", "v2", d2));
    CHECK_OK(B->obj_add(t->db, "pod", "v1", d3)); /* another kind: another name space */
    struct ctr c;
    ctr_make(&c, "v1", 10, 10); /* and the containers' names are apart too */
    add_ctr(t, &c);
    expect_obj(t, "volume", "v1", d1);
    expect_obj(t, "pod", "v1", d3);

    char *d1b = ctr_test_state_make_doc("volume", "v1", "v1", 1, 300);
    CHECK_OK(B->obj_save(t->db, "volume", "v1", d1b));
    db_reopen(t);
    expect_obj(t, "volume", "v1", d1b);
    expect_obj(t, "volume", "v2", d2);
    expect_docs(t, c.id, c.config, c.state);

    CHECK_OK(B->obj_iterate(t->db, "volume", obj_seen_one, &seen));
    assert_int_equal(seen.n, 2);
    assert_string_equal(obj_seen_doc(&seen, "v1"), d1b);
    assert_string_equal(obj_seen_doc(&seen, "v2"), d2);
    obj_seen_free(&seen);
    /* The containers' iterate() does not see records. */
    struct seen all;
    iterate_all(t, CTR_STATE_ITER_CONFIG, &all);
    assert_int_equal(all.n, 1);
    seen_free(&all);

    CHECK_OK(B->obj_remove(t->db, "volume", "v1"));
    expect_no_obj(t, "volume", "v1");
    expect_obj(t, "pod", "v1", d3);
    db_reopen(t);
    expect_no_obj(t, "volume", "v1");
    CHECK_OK(B->obj_iterate(t->db, "volume", obj_seen_one, &seen));
    assert_int_equal(seen.n, 1);
    obj_seen_free(&seen);
    /* A stop of the iteration comes back. */
    CHECK_OK(B->obj_add(t->db, "volume", "v3", d2));
    assert_int_equal(B->obj_iterate(t->db, "volume", obj_stop, NULL), 5);
    CHECK_OK(B->remove(t->db, c.id, c.name));
    ctr_done(&c);
    free(d1);
    free(d1b);
    free(d2);
    free(d3);
}

/* What must fail, and leave things as they were. */
static void test_obj_errors(void **state)
{
    struct t *t = *state;
    char *d = ctr_test_state_make_doc("volume", "a", "a", 0, 10);
    char *e = ctr_test_state_make_doc("volume", "a", "a", 1, 10);
    assert_non_null(d);
    assert_non_null(e);
    CHECK_OK(B->obj_add(t->db, "volume", "a", d));
    assert_int_equal(B->obj_add(t->db, "volume", "a", e), -EEXIST);
    expect_obj(t, "volume", "a", d);
    assert_int_equal(B->obj_save(t->db, "volume", "b", e), -ENOENT);
    expect_no_obj(t, "volume", "b");
    assert_int_equal(B->obj_remove(t->db, "volume", "b"), -ENOENT);
    assert_int_equal(B->obj_save(t->db, "nokind", "a", e), -ENOENT);
    assert_int_equal(B->obj_remove(t->db, "nokind", "a"), -ENOENT);
    expect_no_obj(t, "nokind", "a");
    static const char *const bad_names[] = { "", ".hidden", "a/b", ".." };
    for (size_t i = 0; i < (sizeof bad_names / sizeof bad_names[0]); i++) {
        assert_int_equal(B->obj_add(t->db, "volume", bad_names[i], d), -EINVAL);
        char *got = NULL;
        assert_int_equal(B->obj_get(t->db, "volume", bad_names[i], &got), -EINVAL);
    }
    static const char *const bad_kinds[] = { "", "Vol", "a/b", "x-y", "abcdefghijklmnopqrstuvwxyzabcdefg" };
    for (size_t i = 0; i < (sizeof bad_kinds / sizeof bad_kinds[0]); i++) {
        assert_int_equal(B->obj_add(t->db, bad_kinds[i], "a", d), -EINVAL);
        assert_int_equal(B->obj_iterate(t->db, bad_kinds[i], obj_stop, NULL), -EINVAL);
    }
    char longname[300];
    memset(longname, 'n', 256);
    longname[256] = '\0';
    assert_int_equal(B->obj_add(t->db, "volume", longname, d), -EINVAL);
    longname[255] = '\0';
    CHECK_OK(B->obj_add(t->db, "volume", longname, d));
    expect_obj(t, "volume", longname, d);
    struct obj_seen seen = { .n = 0 };
    CHECK_OK(B->obj_iterate(t->db, "volume", obj_seen_one, &seen));
    assert_int_equal(seen.n, 2);
    obj_seen_free(&seen);
    free(d);
    free(e);
}

/* A writer killed among adds, saves and removes of records leaves each one
 * complete or absent, never torn, and the database writable. */
#define OBJ_CRASH_ROUNDS 8

static void obj_crash_child(const char *dir, int ready_fd)
{
    void *db = NULL;
    if (B->open(&db, dir, B->userdata) < 0)
        _exit(30);
    if (write(ready_fd, "r", 1) != 1)
        _exit(35);
    close(ready_fd);
    uint64_t rng = rng_seed();
    for (long seq = 0;; seq++) {
        char name[32];
        snprintf(name, sizeof name, "obj-%u", (unsigned int)(rng_next(&rng) % 16));
        char *doc = ctr_test_state_make_doc("volume", name, name, seq, crash_sizes[rng_next(&rng) % 4]);
        if (!doc)
            _exit(31);
        int r = B->obj_add(db, "volume", name, doc);
        if (r == -EEXIST)
            r = (rng_next(&rng) % 3) ? B->obj_save(db, "volume", name, doc) : B->obj_remove(db, "volume", name);
        if (r < 0)
            _exit(32);
        free(doc);
    }
}

static int obj_crash_check(const char *name, const char *doc, void *userdata)
{
    char n[64] = "";
    const char *why = ctr_test_state_check_doc(doc, "volume", name, NULL, n, sizeof n);
    if (why) {
        print_error("record %s: %s\n", name, why);
        ++*(unsigned int *)userdata;
    }
    return 0;
}

static void test_obj_crash(void **state)
{
    struct t *t = *state;
    uint64_t rng = rng_seed();
    for (int round = 0; round < OBJ_CRASH_ROUNDS; round++) {
        db_close(t);
        int ready[2];
        assert_int_equal(pipe2(ready, O_CLOEXEC), 0);
        fflush(NULL);
        pid_t pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
            close(ready[0]);
            obj_crash_child(t->dir, ready[1]);
        }
        close(ready[1]);
        char c;
        if (read(ready[0], &c, 1) == 1) {
            struct timespec ts = { 0, (long)(1000000 + rng_next(&rng) % 30000000) };
            nanosleep(&ts, NULL);
        }
        close(ready[0]);
        kill(pid, SIGKILL);
        int status = 0;
        assert_int_equal(waitpid(pid, &status, 0), pid);
        if (!WIFSIGNALED(status))
            fail_msg("round %d: the writer stopped by itself: status 0x%x", round, status);
        CHECK_OK(db_open(t));
        unsigned int bad = 0;
        CHECK_OK(B->obj_iterate(t->db, "volume", obj_crash_check, &bad));
        assert_int_equal(bad, 0);
        char *doc = ctr_test_state_make_doc("volume", "probe", "probe", round, 100);
        CHECK_OK(B->obj_add(t->db, "volume", "probe", doc));
        expect_obj(t, "volume", "probe", doc);
        CHECK_OK(B->obj_remove(t->db, "volume", "probe"));
        free(doc);
    }
}

/* A pod's record rewritten by two processes at once (its member index grows
 * and shrinks with every member made or removed) while a third reads it:
 * every read is one whole document, and the last write is what stays. */

#define OBJ_WRITERS 2
#define OBJ_WRITES 150

static void obj_writer(const char *dir, int which)
{
    void *db = NULL;
    if (B->open(&db, dir, B->userdata) < 0)
        _exit(40);
    for (int i = 0; i < OBJ_WRITES; i++) {
        /* From a few bytes to a large index, as members come and go. */
        char *doc = ctr_test_state_make_doc("pod", "busy", "busy", which * OBJ_WRITES + i, (size_t)(i % 7) * 4000);
        if (!doc || B->obj_save(db, "pod", "busy", doc) < 0)
            _exit(41);
        free(doc);
    }
    B->close(db);
    _exit(0);
}

static void obj_reader(const char *dir, volatile int *done)
{
    void *db = NULL;
    if (B->open(&db, dir, B->userdata) < 0)
        _exit(42);
    int bad = 0;
    while (!*done) {
        char *doc = NULL;
        if (B->obj_get(db, "pod", "busy", &doc) < 0)
            _exit(43); /* a replace must never make the record disappear */
        if (ctr_test_state_check_doc(doc, "pod", "busy", NULL, NULL, 0))
            bad++;
        free(doc);
    }
    B->close(db);
    _exit(bad ? 44 : 0);
}

static void test_obj_concurrency(void **state)
{
    struct t *t = *state;
    char *first = ctr_test_state_make_doc("pod", "busy", "busy", -1, 10);
    CHECK_OK(B->obj_add(t->db, "pod", "busy", first));
    free(first);
    db_close(t);
    volatile int *done = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    assert_true(done != MAP_FAILED);
    *done = 0;
    fflush(NULL);
    pid_t pids[OBJ_WRITERS + 1];
    for (int i = 0; i <= OBJ_WRITERS; i++) {
        pids[i] = fork();
        assert_true(pids[i] >= 0);
        if (pids[i] == 0) {
            if (i == OBJ_WRITERS)
                obj_reader(t->dir, done);
            obj_writer(t->dir, i);
        }
    }
    int failures = 0, status = 0;
    for (int i = 0; i < OBJ_WRITERS; i++) {
        assert_int_equal(waitpid(pids[i], &status, 0), pids[i]);
        failures += !WIFEXITED(status) || WEXITSTATUS(status) != 0;
    }
    *done = 1;
    assert_int_equal(waitpid(pids[OBJ_WRITERS], &status, 0), pids[OBJ_WRITERS]);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        print_error("reader failed: status 0x%x (43: the record was missing, 44: torn)\n", status);
        failures++;
    }
    munmap((void *)done, 4096);
    assert_int_equal(failures, 0);
    CHECK_OK(db_open(t));
    char *doc = NULL;
    long seq = -2;
    CHECK_OK(B->obj_get(t->db, "pod", "busy", &doc));
    CHECK_DOC(doc, "pod", "busy", &seq, NULL, 0);
    free(doc);
    assert_true(seq == OBJ_WRITES - 1 || seq == 2 * OBJ_WRITES - 1); /* one writer's last */
}

/* ------------------------------------------------------------------------- */
/* Rename (version 4, optional). */

static bool has_rename(void)
{
    return B->version >= 4 && B->rename;
}

static void test_rename(void **state)
{
    struct t *t = *state;
    struct ctr a, b, a2, a3, c;
    ctr_make(&a, "rn-a", 100, 100);
    ctr_make(&b, "rn-b", 100, 100);
    add_ctr(t, &a);
    add_ctr(t, &b);
    /* a2, a3: a's next documents (under its ID) with the new name. */
    a2 = a;
    snprintf(a2.name, sizeof a2.name, "rn-new");
    a2.config = ctr_test_state_make_doc("config", a.id, a2.name, 2, 100);
    a2.state = ctr_test_state_make_doc("state", a.id, a2.name, 3, 100);
    a3 = a2;
    a3.config = ctr_test_state_make_doc("config", a.id, a2.name, 4, 5000);
    a3.state = ctr_test_state_make_doc("state", a.id, a2.name, 5, 100);

    CHECK_OK(B->rename(t->db, a.id, a.name, a2.name, a2.config, a2.state));
    expect_docs(t, a.id, a2.config, a2.state);
    expect_name(t, a2.name, a.id);
    expect_no_name(t, a.name);

    /* Onto another container's name: refused, nothing written. */
    assert_int_equal(B->rename(t->db, a.id, a2.name, b.name, a3.config, a3.state), -EEXIST);
    expect_docs(t, a.id, a2.config, a2.state);
    expect_name(t, a2.name, a.id);
    expect_name(t, b.name, b.id);
    /* An absent container. */
    assert_int_equal(B->rename(t->db, "0123456789abcdef", "rn-x", "rn-y", a3.config, a3.state), -ENOENT);
    expect_no_name(t, "rn-y");

    /* The same name: only the documents change. */
    CHECK_OK(B->rename(t->db, a.id, a2.name, a2.name, a3.config, a3.state));
    expect_docs(t, a.id, a3.config, a3.state);
    expect_name(t, a2.name, a.id);

    /* The old name is free: another container takes it. */
    ctr_make(&c, "rn-a", 100, 100);
    add_ctr(t, &c);
    expect_name(t, "rn-a", c.id);
    struct seen seen;
    iterate_all(t, CTR_STATE_ITER_CONFIG | CTR_STATE_ITER_STATE, &seen);
    assert_int_equal(seen.n, 3);
    struct ctr *got = seen_find(&seen, a.id);
    assert_non_null(got);
    assert_string_equal(got->config, a3.config);
    seen_free(&seen);

    /* All of it survives a reopen; the name of a removed container is free. */
    db_reopen(t);
    expect_docs(t, a.id, a3.config, a3.state);
    expect_name(t, a2.name, a.id);
    expect_name(t, "rn-a", c.id);
    CHECK_OK(B->remove(t->db, b.id, b.name));
    CHECK_OK(B->rename(t->db, a.id, a2.name, b.name, a2.config, a2.state));
    expect_name(t, b.name, a.id);
    expect_no_name(t, a2.name);
    CHECK_OK(B->remove(t->db, a.id, b.name));
    expect_no_name(t, b.name);
    expect_absent(t, a.id);
    free(a2.config);
    free(a2.state);
    free(a3.config);
    free(a3.state);
    ctr_done(&a);
    ctr_done(&b);
    ctr_done(&c);
}

/* ------------------------------------------------------------------------- */
/* save_state_flags() (version 5, optional).  Its atomicity is also checked
 * by the concurrency and crash tests, whose writers make every other save
 * transient. */

static void test_save_flags(void **state)
{
    struct t *t = *state;
    struct ctr a;
    ctr_make(&a, "flags", 100, 100);
    add_ctr(t, &a);
    char *s1 = ctr_test_state_make_doc("state", a.id, a.name, 2, 300);
    char *s2 = ctr_test_state_make_doc("state", a.id, a.name, 3, 20000);
    char *s3 = ctr_test_state_make_doc("state", a.id, a.name, 4, 10);
    assert_true(s1 && s2 && s3);

    /* Transient: read back at once, by this handle and by another. */
    CHECK_OK(B->save_state_flags(t->db, a.id, s1, CTR_STATE_SAVE_TRANSIENT));
    expect_docs(t, a.id, a.config, s1);
    void *other = NULL;
    if (g.hooks && (g.hooks->flags & CTR_TEST_STATE_MULTI_OPEN)) {
        CHECK_OK(B->open(&other, t->dir, B->userdata));
        char *got = NULL;
        CHECK_OK(B->get(other, a.id, NULL, &got));
        assert_string_equal(got, s1);
        free(got);
        B->close(other);
    }
    /* 0: a plain durable save. */
    CHECK_OK(B->save_state_flags(t->db, a.id, s2, 0));
    expect_docs(t, a.id, a.config, s2);

    /* Unknown flags: -EINVAL, nothing written. */
    assert_int_equal(B->save_state_flags(t->db, a.id, s3, 1u << 1), -EINVAL);
    assert_int_equal(B->save_state_flags(t->db, a.id, s3, CTR_STATE_SAVE_TRANSIENT | 0x80000000u), -EINVAL);
    expect_docs(t, a.id, a.config, s2);
    /* The errors of save_state(). */
    assert_int_equal(B->save_state_flags(t->db, "0123456789abcdef", s3, CTR_STATE_SAVE_TRANSIENT), -ENOENT);
    assert_int_equal(B->save_state_flags(t->db, a.id, NULL, CTR_STATE_SAVE_TRANSIENT), -EINVAL);
    expect_absent(t, "0123456789abcdef");

    /* A transient save replaced by a durable one and the reverse; what the
     * process saved survives a reopen (only a power loss may undo it). */
    CHECK_OK(B->save_state_flags(t->db, a.id, s3, CTR_STATE_SAVE_TRANSIENT));
    db_reopen(t);
    expect_docs(t, a.id, a.config, s3);
    struct seen seen;
    iterate_all(t, CTR_STATE_ITER_STATE, &seen);
    assert_int_equal(seen.n, 1);
    assert_string_equal(seen.v[0].state, s3);
    seen_free(&seen);
    CHECK_OK(B->remove(t->db, a.id, a.name));
    assert_int_equal(B->save_state_flags(t->db, a.id, s1, CTR_STATE_SAVE_TRANSIENT), -ENOENT);
    expect_absent(t, a.id);
    free(s1);
    free(s2);
    free(s3);
    ctr_done(&a);
}

/* ------------------------------------------------------------------------- */

int ctr_test_state_conformance_hooks(const ctr_state_backend_t *backend, const char *scratch_dir,
                                     const ctr_test_state_hooks_t *hooks)
{
    g.b = backend;
    g.scratch = scratch_dir;
    g.hooks = hooks;

    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_round_trip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_duplicates, setup, teardown),
        cmocka_unit_test_setup_teardown(test_enoent, setup, teardown),
        cmocka_unit_test_setup_teardown(test_iterate_flags, setup, teardown),
        cmocka_unit_test_setup_teardown(test_large_documents, setup, teardown),
        cmocka_unit_test_setup_teardown(test_many, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reopen, setup, teardown),
        cmocka_unit_test_setup_teardown(test_layout_version, setup, teardown),
        cmocka_unit_test_setup_teardown(test_concurrency, setup, teardown),
        cmocka_unit_test_setup_teardown(test_crash, setup, teardown),
        /* Version 3: object records, for a backend that has them. */
        cmocka_unit_test_setup_teardown(test_obj_round_trip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_obj_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_obj_crash, setup, teardown),
        cmocka_unit_test_setup_teardown(test_obj_concurrency, setup, teardown),
    };
    const struct CMUnitTest rename_test = cmocka_unit_test_setup_teardown(test_rename, setup, teardown);
    const struct CMUnitTest flags_test = cmocka_unit_test_setup_teardown(test_save_flags, setup, teardown);
    struct CMUnitTest all[sizeof tests / sizeof tests[0] + 2];
    size_t n = sizeof tests / sizeof tests[0];
    if (!has_objects())
        n -= 4;
    memcpy(all, tests, n * sizeof tests[0]);
    /* Version 4: rename, for a backend that has it. */
    if (has_rename())
        all[n++] = rename_test;
    /* Version 5: save_state_flags, for a backend that has it. */
    if (has_save_flags())
        all[n++] = flags_test;
    char name[128];
    snprintf(name, sizeof name, "state-conformance[%s]", backend->name);
    return _cmocka_run_group_tests(name, all, n, NULL, NULL);
}

int ctr_test_state_conformance(const ctr_state_backend_t *backend, const char *scratch_dir)
{
    return ctr_test_state_conformance_hooks(backend, scratch_dir, NULL);
}
