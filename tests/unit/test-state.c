/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The built-in state backends: the conformance suite (on each backend's
 * instance, made as a runtime makes it), what only one backend has
 * (leftovers of the files backend, damaged tdb files), and the registry of
 * factories. */
#include <ctr-config.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <linux/magic.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <libctr/ctr-error.h>

#if HAVE_TDB
#include <tdb.h>
#endif

#include "../common/state-conformance.h"
#include "state/backends.h"
#include "state/state.h"

static char scratch[PATH_MAX];
static const ctr_state_backend_t *backend; /* for the tests run on each backend */
static unsigned int seq;

/* fsync(2) and fdatasync(2) of this process, counted: the internal library
 * is linked into this executable, so its calls land here (tdb's, from its
 * shared library, do not). */
static long syncs;

int fsync(int fd)
{
    syncs++;
    return (int)syscall(SYS_fsync, fd);
}

int fdatasync(int fd)
{
    syncs++;
    return (int)syscall(SYS_fdatasync, fd);
}

struct t {
    char *dir;
    void *db;
};

static int setup(void **state)
{
    struct t *t = calloc(1, sizeof *t);
    if (!t || asprintf(&t->dir, "%s/%s-specific.%u", scratch, backend->name, ++seq) < 0)
        return -1;
    if (mkdir(t->dir, 0700) < 0)
        return -1;
    int r = backend->open(&t->db, t->dir, NULL);
    if (r < 0) {
        print_error("open %s: %s: %s\n", t->dir, strerror(-r), ctr_error_last()->message);
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
    if (t->db)
        backend->close(t->db);
    ctr_test_state_rm_rf(t->dir);
    free(t->dir);
    free(t);
    return 0;
}

static void reopen(struct t *t)
{
    if (t->db)
        backend->close(t->db);
    t->db = NULL;
    int r = backend->open(&t->db, t->dir, NULL);
    if (r < 0)
        fail_msg("reopen: %d %s", r, ctr_error_last()->message);
}

static char *path_of(const struct t *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static char *path_of(const struct t *t, const char *fmt, ...)
{
    static char buf[4][PATH_MAX + 256];
    static int k;
    char rel[PATH_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(rel, sizeof rel, fmt, ap);
    va_end(ap);
    char *b = buf[k++ % 4];
    snprintf(b, PATH_MAX + 256, "%s/%s", t->dir, rel);
    return b;
}

static bool exists(const char *path)
{
    struct stat st;
    return lstat(path, &st) == 0;
}

static void write_file(const char *path, const char *data, size_t size)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, data, size), (ssize_t)size);
    close(fd);
}

static char *read_file(const char *path, size_t *ret_size)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return NULL;
    struct stat st;
    assert_int_equal(fstat(fd, &st), 0);
    char *b = malloc((size_t)st.st_size + 1);
    assert_int_equal(read(fd, b, (size_t)st.st_size), st.st_size);
    b[st.st_size] = '\0';
    close(fd);
    if (ret_size)
        *ret_size = (size_t)st.st_size;
    return b;
}

/* Set the times of path (not following a symlink) to `ago` seconds back. */
static void age(const char *path, int ago)
{
    struct timespec ts[2];
    clock_gettime(CLOCK_REALTIME, &ts[0]);
    ts[0].tv_sec -= ago;
    ts[1] = ts[0];
    assert_int_equal(utimensat(AT_FDCWD, path, ts, AT_SYMLINK_NOFOLLOW), 0);
}

struct doc_pair {
    char id[65];
    char *config, *state;
};

static void make_pair(struct doc_pair *p, const char *name)
{
    ctr_test_state_random_id(p->id);
    p->config = ctr_test_state_make_doc("config", p->id, name, 0, 100);
    p->state = ctr_test_state_make_doc("state", p->id, name, 0, 100);
}

static void free_pair(struct doc_pair *p)
{
    free(p->config);
    free(p->state);
}

static int count_one(const char *id, const char *config, const char *state, void *userdata)
{
    (*(unsigned int *)userdata)++;
    return 0;
}

static unsigned int count(struct t *t)
{
    unsigned int n = 0;
    assert_int_equal(backend->iterate(t->db, CTR_STATE_ITER_CONFIG | CTR_STATE_ITER_STATE, count_one, &n), 0);
    return n;
}

static void expect_lookup(struct t *t, const char *name, int code, const char *id)
{
    char *got = NULL;
    assert_int_equal(backend->lookup_name(t->db, name, &got), code);
    if (id)
        assert_string_equal(got, id);
    free(got);
}

/* ------------------------------------------------------------------------- */
/* Both backends. */

static void test_invalid_arguments(void **state)
{
    struct t *t = *state;
    static const char *const bad[] = { "", ".", "..", "../x", ".tmp-x", ".rm-x", "a/b", "/abs", ".#x" };
    char *out = NULL;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct doc_pair p;
        make_pair(&p, "ok");
        assert_int_equal(backend->add(t->db, bad[i], "ok", p.config, p.state), -EINVAL);
        assert_int_equal(backend->add(t->db, p.id, bad[i], p.config, p.state), -EINVAL);
        assert_int_equal(backend->get(t->db, bad[i], &out, NULL), -EINVAL);
        assert_int_equal(backend->save_state(t->db, bad[i], "{}"), -EINVAL);
        assert_int_equal(backend->remove(t->db, bad[i], "ok"), -EINVAL);
        assert_int_equal(backend->lookup_name(t->db, bad[i], &out), -EINVAL);
        assert_true(strlen(ctr_error_last()->message) > 0);
        free_pair(&p);
    }
    struct doc_pair p;
    make_pair(&p, "ok");
    assert_int_equal(backend->add(t->db, NULL, "ok", p.config, p.state), -EINVAL);
    assert_int_equal(backend->add(t->db, p.id, NULL, p.config, p.state), -EINVAL);
    assert_int_equal(backend->add(t->db, p.id, "ok", NULL, p.state), -EINVAL);
    assert_int_equal(backend->add(t->db, p.id, "ok", p.config, NULL), -EINVAL);
    assert_int_equal(backend->save_state(t->db, p.id, NULL), -EINVAL);
    assert_int_equal(count(t), 0);
    /* Nothing escaped the directory. */
    assert_false(exists(path_of(t, "../x")));
    free_pair(&p);
}

static void test_messages(void **state)
{
    struct t *t = *state;
    struct doc_pair a, b;
    make_pair(&a, "msg");
    make_pair(&b, "msg");
    assert_int_equal(backend->add(t->db, a.id, "msg", a.config, a.state), 0);
    assert_int_equal(backend->add(t->db, b.id, "msg", b.config, b.state), -EEXIST);
    assert_non_null(strstr(ctr_error_last()->message, "name msg is already in use"));
    assert_int_equal(backend->add(t->db, a.id, "other", a.config, a.state), -EEXIST);
    assert_non_null(strstr(ctr_error_last()->message, a.id));
    assert_int_equal(backend->get(t->db, b.id, NULL, NULL), -ENOENT);
    assert_non_null(strstr(ctr_error_last()->message, b.id));
    assert_int_equal(backend->lookup_name(t->db, "nobody", &(char *){ NULL }), -ENOENT);
    assert_non_null(strstr(ctr_error_last()->message, "nobody"));
    free_pair(&a);
    free_pair(&b);
}

/* ------------------------------------------------------------------------- */
/* files */

static int files_set_version(const char *dir, unsigned int version, void *userdata)
{
    char path[PATH_MAX], v[32];
    snprintf(path, sizeof path, "%s/VERSION", dir);
    int n = snprintf(v, sizeof v, "%u\n", version);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0)
        return -errno;
    int r = write(fd, v, (size_t)n) == n ? 0 : -EIO;
    close(fd);
    return r;
}

static void test_files_layout(void **state)
{
    struct t *t = *state;
    struct doc_pair a;
    make_pair(&a, "layout");
    assert_int_equal(backend->add(t->db, a.id, "layout", a.config, a.state), 0);

    char *v = read_file(path_of(t, "VERSION"), NULL);
    assert_string_equal(v, "1\n");
    free(v);
    char *c = read_file(path_of(t, "ctr/%s/config.json", a.id), NULL);
    char *s = read_file(path_of(t, "ctr/%s/state.json", a.id), NULL);
    assert_string_equal(c, a.config);
    assert_string_equal(s, a.state);
    free(c);
    free(s);
    char target[256];
    ssize_t n = readlink(path_of(t, "names/layout"), target, sizeof target - 1);
    assert_int_equal(n, 64);
    target[n] = '\0';
    assert_string_equal(target, a.id);

    assert_int_equal(backend->save_state(t->db, a.id, a.config), 0);
    s = read_file(path_of(t, "ctr/%s/state.json", a.id), NULL);
    assert_string_equal(s, a.config);
    free(s);
    assert_int_equal(backend->remove(t->db, a.id, "layout"), 0);
    assert_false(exists(path_of(t, "ctr/%s", a.id)));
    assert_false(exists(path_of(t, "names/layout")));
    free_pair(&a);
}

static void test_files_version(void **state)
{
    struct t *t = *state;
    struct doc_pair a;
    make_pair(&a, "ver");
    assert_int_equal(backend->add(t->db, a.id, "ver", a.config, a.state), 0);
    backend->close(t->db);
    t->db = NULL;

    void *db = NULL;
    static const char *const corrupt[] = { "", "x\n", "0\n", "-1\n", "1x\n", "99999999999999999999999\n" };
    for (size_t i = 0; i < sizeof corrupt / sizeof corrupt[0]; i++) {
        write_file(path_of(t, "VERSION"), corrupt[i], strlen(corrupt[i]));
        assert_int_equal(backend->open(&db, t->dir, NULL), -EUCLEAN);
        assert_non_null(strstr(ctr_error_last()->message, "VERSION"));
    }
    assert_int_equal(files_set_version(t->dir, 2, NULL), 0);
    assert_int_equal(backend->open(&db, t->dir, NULL), -EPROTONOSUPPORT);
    assert_non_null(strstr(ctr_error_last()->message, "layout version 2"));
    assert_non_null(strstr(ctr_error_last()->message, "layout version 1"));

    /* A lost VERSION is written again; the containers stay. */
    assert_int_equal(unlink(path_of(t, "VERSION")), 0);
    reopen(t);
    char *v = read_file(path_of(t, "VERSION"), NULL);
    assert_string_equal(v, "1\n");
    free(v);
    assert_int_equal(count(t), 1);
    free_pair(&a);
}

static void test_files_leftovers(void **state)
{
    struct t *t = *state;
    struct doc_pair keep, crashed, inflight, removed, self, g1, g2, g3;
    make_pair(&keep, "keep");
    make_pair(&crashed, "crashed");
    make_pair(&inflight, "inflight");
    make_pair(&removed, "removed");
    make_pair(&self, "self");
    make_pair(&g1, "ghost");
    make_pair(&g2, "crashed");
    make_pair(&g3, "inflight");
    assert_int_equal(backend->add(t->db, keep.id, "keep", keep.config, keep.state), 0);

    /* An add that crashed a while ago, after reserving its name. */
    assert_int_equal(mkdir(path_of(t, "ctr/.tmp-%s", crashed.id), 0700), 0);
    write_file(path_of(t, "ctr/.tmp-%s/config.json", crashed.id), crashed.config, strlen(crashed.config));
    write_file(path_of(t, "ctr/.tmp-%s/state.json", crashed.id), crashed.state, strlen(crashed.state));
    assert_int_equal(symlink(crashed.id, path_of(t, "names/crashed")), 0);
    age(path_of(t, "ctr/.tmp-%s", crashed.id), 120);
    age(path_of(t, "names/crashed"), 120);
    /* An add in flight (or that crashed just now). */
    assert_int_equal(mkdir(path_of(t, "ctr/.tmp-%s", inflight.id), 0700), 0);
    assert_int_equal(symlink(inflight.id, path_of(t, "names/inflight")), 0);
    /* A remove whose deletion was interrupted. */
    assert_int_equal(mkdir(path_of(t, "ctr/.rm-0123456789abcdef"), 0700), 0);
    write_file(path_of(t, "ctr/.rm-0123456789abcdef/config.json"), removed.config, strlen(removed.config));
    /* A dangling name: the remove's unlink was lost. */
    assert_int_equal(symlink(removed.id, path_of(t, "names/ghost")), 0);
    /* Temp files of save_state and of a name replacement, old and new. */
    write_file(path_of(t, "ctr/.#state.old"), "{", 1);
    age(path_of(t, "ctr/.#state.old"), 120);
    write_file(path_of(t, "ctr/.#state.new"), "{", 1);
    assert_int_equal(symlink(g1.id, path_of(t, "names/.#link.old")), 0);
    age(path_of(t, "names/.#link.old"), 120);
    write_file(path_of(t, ".#VERSION.old"), "7", 1);
    age(path_of(t, ".#VERSION.old"), 120);
    /* A crashed add of an ID that is now added again. */
    assert_int_equal(mkdir(path_of(t, "ctr/.tmp-%s", self.id), 0700), 0);
    assert_int_equal(symlink(self.id, path_of(t, "names/self")), 0);

    /* Readers see none of it. */
    assert_int_equal(count(t), 1);
    unsigned int n = 0;
    assert_int_equal(backend->iterate(t->db, 0, count_one, &n), 0);
    assert_int_equal(n, 1);
    assert_int_equal(backend->get(t->db, crashed.id, NULL, NULL), -ENOENT);
    assert_int_equal(backend->get(t->db, inflight.id, NULL, NULL), -ENOENT);
    assert_int_equal(backend->get(t->db, removed.id, NULL, NULL), -ENOENT);
    expect_lookup(t, "crashed", -ENOENT, NULL);
    expect_lookup(t, "inflight", -ENOENT, NULL);
    expect_lookup(t, "ghost", -ENOENT, NULL);
    expect_lookup(t, "keep", 0, keep.id);

    /* open() cleans what is certainly dead; the entries "in flight" belong to
     * a writer that holds the lock every writer holds (a shared lock on the
     * first byte of DIR/generation). */
    int wfd = open(path_of(t, "generation"), O_RDWR | O_CLOEXEC);
    struct flock wl = { .l_type = F_RDLCK, .l_whence = SEEK_SET, .l_len = 1 };
    assert_true(wfd >= 0);
    assert_int_equal(fcntl(wfd, F_OFD_SETLK, &wl), 0);
    reopen(t);
    assert_false(exists(path_of(t, "ctr/.rm-0123456789abcdef")));
    assert_false(exists(path_of(t, "ctr/.tmp-%s", crashed.id)));
    assert_true(exists(path_of(t, "ctr/.tmp-%s", inflight.id)));
    assert_false(exists(path_of(t, "ctr/.#state.old")));
    assert_true(exists(path_of(t, "ctr/.#state.new")));
    assert_false(exists(path_of(t, "names/.#link.old")));
    assert_false(exists(path_of(t, ".#VERSION.old")));
    assert_true(exists(path_of(t, "ctr/%s/config.json", keep.id)));
    assert_int_equal(count(t), 1);

    /* Dangling names are taken over unless an add may be in flight. */
    assert_int_equal(backend->add(t->db, g1.id, "ghost", g1.config, g1.state), 0);
    expect_lookup(t, "ghost", 0, g1.id);
    assert_int_equal(backend->add(t->db, g2.id, "crashed", g2.config, g2.state), 0);
    expect_lookup(t, "crashed", 0, g2.id);
    assert_int_equal(backend->add(t->db, g3.id, "inflight", g3.config, g3.state), -EEXIST);
    assert_int_equal(backend->get(t->db, g3.id, NULL, NULL), -ENOENT);
    age(path_of(t, "names/inflight"), 60);
    assert_int_equal(backend->add(t->db, g3.id, "inflight", g3.config, g3.state), 0);
    close(wfd);
    expect_lookup(t, "inflight", 0, g3.id);
    assert_int_equal(backend->add(t->db, self.id, "self", self.config, self.state), 0);
    expect_lookup(t, "self", 0, self.id);
    assert_false(exists(path_of(t, "ctr/.tmp-%s", self.id)));

    /* The interrupted add of inflight.id can no longer publish itself under
     * its old name; the name belongs to g3 now. */
    assert_int_equal(count(t), 5);
    /* With its writer gone, open() takes what it left at once. */
    reopen(t);
    assert_false(exists(path_of(t, "ctr/.tmp-%s", inflight.id)));
    assert_false(exists(path_of(t, "ctr/.#state.new")));
    assert_int_equal(count(t), 5);

    free_pair(&keep);
    free_pair(&crashed);
    free_pair(&inflight);
    free_pair(&removed);
    free_pair(&self);
    free_pair(&g1);
    free_pair(&g2);
    free_pair(&g3);
}

/* Replace ctr/ID/state.json by hand, as a writer would. */
static void put_state(struct t *t, const char *id, const char *doc)
{
    char *tmp = path_of(t, "ctr/.#state.test");
    write_file(tmp, doc, strlen(doc));
    assert_int_equal(rename(tmp, path_of(t, "ctr/%s/state.json", id)), 0);
}

static void expect_state(struct t *t, void *db, const char *id, const char *doc)
{
    char *s = NULL;
    assert_int_equal(backend->get(db, id, NULL, &s), 0);
    assert_string_equal(s, doc);
    free(s);
}

struct find_state {
    const char *id;
    char *state;
};

static int find_state_one(const char *id, const char *config, const char *state, void *userdata)
{
    struct find_state *f = userdata;
    if (strcmp(id, f->id) == 0)
        f->state = strdup(state);
    return 0;
}

static void expect_listed_state(struct t *t, const char *id, const char *doc)
{
    struct find_state f = { .id = id };
    assert_int_equal(backend->iterate(t->db, CTR_STATE_ITER_CONFIG | CTR_STATE_ITER_STATE, find_state_one, &f), 0);
    assert_non_null(f.state);
    assert_string_equal(f.state, doc);
    free(f.state);
}

static void test_files_cache(void **state)
{
    struct t *t = *state;
    struct doc_pair v[4];
    for (int i = 0; i < 4; i++) {
        char name[32];
        snprintf(name, sizeof name, "cache-%d", i);
        make_pair(&v[i], name);
        if (i < 3)
            assert_int_equal(backend->add(t->db, v[i].id, name, v[i].config, v[i].state), 0);
    }
    assert_int_equal(count(t), 3); /* fills the cache */
    expect_state(t, t->db, v[0].id, v[0].state);

    /* Changes through another handle are seen at once. */
    void *h2 = NULL;
    assert_int_equal(backend->open(&h2, t->dir, NULL), 0);
    char *st = ctr_test_state_make_doc("state", v[0].id, "cache-0", 5, 100);
    assert_int_equal(backend->save_state(h2, v[0].id, st), 0);
    assert_int_equal(backend->remove(h2, v[1].id, "cache-1"), 0);
    assert_int_equal(backend->add(h2, v[3].id, "cache-3", v[3].config, v[3].state), 0);
    backend->close(h2);
    expect_state(t, t->db, v[0].id, st);
    assert_int_equal(backend->get(t->db, v[1].id, NULL, NULL), -ENOENT);
    expect_lookup(t, "cache-1", -ENOENT, NULL);
    expect_lookup(t, "cache-3", 0, v[3].id);
    assert_int_equal(count(t), 3);
    expect_listed_state(t, v[0].id, st);
    free(st);

    /* A writer that dies mid-write: it holds its lock and has counted, then
     * changes a state twice, and dies before counting again. */
    int fd = open(path_of(t, "generation"), O_RDWR | O_CLOEXEC);
    assert_true(fd >= 0);
    uint64_t *gen = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    assert_true(gen != MAP_FAILED);
    struct flock l = { .l_type = F_RDLCK, .l_whence = SEEK_SET, .l_len = 1 };
    assert_int_equal(fcntl(fd, F_OFD_SETLK, &l), 0);
    __atomic_fetch_add(gen, 1, __ATOMIC_SEQ_CST);
    char *st2 = ctr_test_state_make_doc("state", v[0].id, "cache-0", 6, 100);
    char *st3 = ctr_test_state_make_doc("state", v[0].id, "cache-0", 7, 100);
    put_state(t, v[0].id, st2);
    expect_listed_state(t, v[0].id, st2); /* read from disk, not cached: a writer is active */
    put_state(t, v[0].id, st3);
    munmap(gen, 4096);
    close(fd); /* the kernel drops the lock of the dead writer */
    expect_state(t, t->db, v[0].id, st3);
    expect_listed_state(t, v[0].id, st3);
    expect_listed_state(t, v[0].id, st3); /* now from the cache */
    free(st2);
    free(st3);
    for (int i = 0; i < 4; i++)
        free_pair(&v[i]);
}

static void test_files_not_a_link(void **state)
{
    struct t *t = *state;
    struct doc_pair a;
    make_pair(&a, "junk");
    /* Something else sits where a name link belongs. */
    assert_int_equal(mkdir(path_of(t, "names/junk"), 0700), 0);
    assert_int_equal(backend->add(t->db, a.id, "junk", a.config, a.state), -EUCLEAN);
    assert_int_equal(backend->get(t->db, a.id, NULL, NULL), -ENOENT);
    assert_false(exists(path_of(t, "ctr/.tmp-%s", a.id)));
    expect_lookup(t, "junk", -ENOENT, NULL);
    free_pair(&a);
}

/* ------------------------------------------------------------------------- */
/* tdb */

#if HAVE_TDB
static int tdb_set_version(const char *dir, unsigned int version, void *userdata)
{
    char path[PATH_MAX], v[32];
    snprintf(path, sizeof path, "%s/state.tdb", dir);
    snprintf(v, sizeof v, "%u", version);
    struct tdb_context *tdb = tdb_open(path, 0, TDB_DEFAULT, O_RDWR | O_CLOEXEC, 0600);
    if (!tdb)
        return -errno;
    TDB_DATA key = { .dptr = (unsigned char *)"meta/version", .dsize = strlen("meta/version") };
    TDB_DATA val = { .dptr = (unsigned char *)v, .dsize = strlen(v) + 1 };
    int r = tdb_store(tdb, key, val, TDB_REPLACE) == 0 ? 0 : -EIO;
    tdb_close(tdb);
    return r;
}

static void test_tdb_garbage(void **state)
{
    struct t *t = *state;
    backend->close(t->db);
    t->db = NULL;
    char *path = path_of(t, "state.tdb");

    static const size_t sizes[] = { 5, 100, 4096, 65536 };
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        char *junk = malloc(sizes[i]);
        assert_int_equal(getrandom(junk, sizes[i], 0), (ssize_t)sizes[i]);
        write_file(path, junk, sizes[i]);
        void *db = NULL;
        int r = backend->open(&db, t->dir, NULL);
        assert_true(r < 0);
        assert_non_null(strstr(ctr_error_last()->message, "state.tdb"));
        /* Not wiped. */
        size_t size = 0;
        char *after = read_file(path, &size);
        assert_int_equal(size, sizes[i]);
        assert_memory_equal(after, junk, sizes[i]);
        free(after);
        free(junk);
    }

    /* An empty file is a truncated database, not a new one: refused, kept
     * (a new database is made under another name and renamed into place,
     * so a crash never leaves an empty one). */
    write_file(path, "", 0);
    void *db = NULL;
    assert_int_equal(backend->open(&db, t->dir, NULL), -EUCLEAN);
    assert_non_null(strstr(ctr_error_last()->message, "empty"));
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_size, 0);
    /* Removed, it is made anew. */
    assert_int_equal(unlink(path), 0);
    reopen(t);
    struct doc_pair a;
    make_pair(&a, "empty");
    assert_int_equal(backend->add(t->db, a.id, "empty", a.config, a.state), 0);
    assert_int_equal(count(t), 1);
    free_pair(&a);
}

/* Run every operation on whatever open() made of a damaged file. */
static int touch_all(const char *id, const char *config, const char *state, void *userdata)
{
    if (config)
        (void)strlen(config);
    if (state)
        (void)strlen(state);
    return 0;
}

static void test_tdb_corrupt(void **state)
{
    struct t *t = *state;
    struct doc_pair v[40];
    for (int i = 0; i < 40; i++) {
        char name[32];
        snprintf(name, sizeof name, "c%d", i);
        make_pair(&v[i], name);
        assert_int_equal(backend->add(t->db, v[i].id, name, v[i].config, v[i].state), 0);
    }
    backend->close(t->db);
    t->db = NULL;
    char *path = path_of(t, "state.tdb");
    size_t size = 0;
    char *pristine = read_file(path, &size);
    assert_non_null(pristine);
    assert_true(size > 4096);

    uint64_t seed = (uint64_t)time(NULL);
    print_message("[ SEED     ] %llu\n", (unsigned long long)seed);
    srand((unsigned int)seed);
    unsigned int opened = 0;
    for (int round = 0; round < 40; round++) {
        char *copy = malloc(size);
        memcpy(copy, pristine, size);
        /* Damage a few spots: header fields, hash chains, records. */
        int spots = 1 + rand() % 8;
        for (int k = 0; k < spots; k++) {
            size_t at = round % 4 == 0 ? (size_t)(rand() % 256) : (size_t)rand() % size;
            size_t len = 1 + (size_t)(rand() % 16);
            for (size_t j = 0; j < len && at + j < size; j++)
                copy[at + j] = (char)rand();
        }
        if (round == 1)
            size = size / 2; /* truncated */
        write_file(path, copy, size);
        if (round == 1)
            size = size * 2;
        free(copy);

        void *db = NULL;
        alarm(60);
        if (backend->open(&db, t->dir, NULL) == 0) {
            opened++;
            char *c = NULL, *s = NULL;
            (void)backend->iterate(db, CTR_STATE_ITER_CONFIG | CTR_STATE_ITER_STATE, touch_all, NULL);
            for (int i = 0; i < 40; i++) {
                char name[32];
                snprintf(name, sizeof name, "c%d", i);
                if (backend->get(db, v[i].id, &c, &s) == 0) {
                    free(c);
                    free(s);
                }
                char *id = NULL;
                if (backend->lookup_name(db, name, &id) == 0)
                    free(id);
                (void)backend->save_state(db, v[i].id, v[i].state);
                if (i % 3 == 0)
                    (void)backend->remove(db, v[i].id, name);
            }
            struct doc_pair n;
            make_pair(&n, "new");
            (void)backend->add(db, n.id, "new", n.config, n.state);
            free_pair(&n);
            backend->close(db);
        }
        alarm(0);
    }
    print_message("[ CORRUPT  ] 40 damaged files, %u opened\n", opened);
    free(pristine);
    for (int i = 0; i < 40; i++)
        free_pair(&v[i]);
}

static void test_tdb_shared_handles(void **state)
{
    struct t *t = *state;
    void *h2 = NULL;
    assert_int_equal(backend->open(&h2, t->dir, NULL), 0);
    struct doc_pair a;
    make_pair(&a, "shared");
    assert_int_equal(backend->add(t->db, a.id, "shared", a.config, a.state), 0);
    char *c = NULL;
    assert_int_equal(backend->get(h2, a.id, &c, NULL), 0);
    assert_string_equal(c, a.config);
    free(c);
    backend->close(t->db);
    t->db = NULL;
    expect_lookup(&(struct t){ .db = h2 }, "shared", 0, a.id);
    backend->close(h2);
    reopen(t);
    expect_lookup(t, "shared", 0, a.id);
    free_pair(&a);
}

static void test_tdb_fork(void **state)
{
    struct t *t = *state;
    struct doc_pair a, b;
    make_pair(&a, "parent");
    make_pair(&b, "child");
    assert_int_equal(backend->add(t->db, a.id, "parent", a.config, a.state), 0);
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        /* The inherited handle works in the child... */
        char *c = NULL;
        if (backend->get(t->db, a.id, &c, NULL) != 0 || strcmp(c, a.config) != 0)
            _exit(1);
        free(c);
        if (backend->add(t->db, b.id, "child", b.config, b.state) != 0)
            _exit(2);
        /* ...and so does a new one. */
        void *db = NULL;
        if (backend->open(&db, t->dir, NULL) != 0)
            _exit(3);
        if (backend->get(db, b.id, NULL, NULL) != 0)
            _exit(4);
        backend->close(db);
        backend->close(t->db);
        _exit(0);
    }
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
    /* And still in the parent. */
    expect_lookup(t, "child", 0, b.id);
    assert_int_equal(count(t), 2);
    free_pair(&a);
    free_pair(&b);
}

static void test_tdb_values_without_nul(void **state)
{
    struct t *t = *state;
    backend->close(t->db);
    t->db = NULL;
    char id[65];
    ctr_test_state_random_id(id);
    struct tdb_context *tdb = tdb_open(path_of(t, "state.tdb"), 0, TDB_DEFAULT, O_RDWR | O_CLOEXEC, 0600);
    assert_non_null(tdb);
    char kc[128], ks[128];
    snprintf(kc, sizeof kc, "config/%s", id);
    snprintf(ks, sizeof ks, "state/%s", id);
    TDB_DATA key_c = { .dptr = (unsigned char *)kc, .dsize = strlen(kc) };
    TDB_DATA key_s = { .dptr = (unsigned char *)ks, .dsize = strlen(ks) };
    TDB_DATA key_n = { .dptr = (unsigned char *)"name/raw", .dsize = 8 };
    TDB_DATA vc = { .dptr = (unsigned char *)"{\"c\":1}XXXX", .dsize = 7 };
    TDB_DATA vs = { .dptr = (unsigned char *)"{}", .dsize = 2 };
    TDB_DATA vn = { .dptr = (unsigned char *)id, .dsize = 64 };
    assert_int_equal(tdb_store(tdb, key_c, vc, TDB_INSERT), 0);
    assert_int_equal(tdb_store(tdb, key_s, vs, TDB_INSERT), 0);
    assert_int_equal(tdb_store(tdb, key_n, vn, TDB_INSERT), 0);
    tdb_close(tdb);

    reopen(t);
    char *c = NULL, *s = NULL;
    assert_int_equal(backend->get(t->db, id, &c, &s), 0);
    assert_string_equal(c, "{\"c\":1}");
    assert_string_equal(s, "{}");
    free(c);
    free(s);
    expect_lookup(t, "raw", 0, id);
    assert_int_equal(count(t), 1);
}
#endif

/* The database's directory removed or replaced under an open database:
 * writes refuse (-ESTALE) instead of going where nobody reads; put back,
 * they work again. */
static void test_dir_replaced(void **state)
{
    struct t *t = *state;
    struct doc_pair a, b;
    make_pair(&a, "before");
    make_pair(&b, "after");
    assert_int_equal(backend->add(t->db, a.id, "before", a.config, a.state), 0);
    char *old = NULL;
    assert_true(asprintf(&old, "%s.old", t->dir) > 0);
    assert_int_equal(rename(t->dir, old), 0);
    assert_int_equal(mkdir(t->dir, 0700), 0);
    assert_int_equal(backend->add(t->db, b.id, "after", b.config, b.state), -ESTALE);
    assert_non_null(strstr(ctr_error_last()->message, "replaced"));
    assert_int_equal(backend->save_state(t->db, a.id, a.state), -ESTALE);
    assert_int_equal(backend->remove(t->db, a.id, "before"), -ESTALE);
    assert_int_equal(rmdir(t->dir), 0);
    assert_int_equal(rename(old, t->dir), 0);
    assert_int_equal(backend->save_state(t->db, a.id, a.state), 0);
    assert_int_equal(backend->add(t->db, b.id, "after", b.config, b.state), 0);
    free(old);
    free_pair(&a);
    free_pair(&b);
}

/* ------------------------------------------------------------------------- */

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

/* The instance a runtime would get of a built-in backend: the suites run on
 * its vtable, so they test what runtimes use. */
static struct ctr__state instance;

/* A transient save makes no fsync (on a file system where the files backend
 * honours it: ext4, btrfs, tmpfs), a durable one does; both read back. */
static void test_files_transient_no_fsync(void **state)
{
    struct t *t = *state;
    char id[65];
    ctr_test_state_random_id(id);
    assert_int_equal(backend->add(t->db, id, "transient", "{\"c\":1}", "{\"s\":1}"), 0);
    struct statfs sfs;
    assert_int_equal(statfs(t->dir, &sfs), 0);
    bool honoured = sfs.f_type == EXT4_SUPER_MAGIC || sfs.f_type == BTRFS_SUPER_MAGIC || sfs.f_type == TMPFS_MAGIC;

    long before = syncs;
    assert_int_equal(backend->save_state(t->db, id, "{\"s\":2}"), 0);
    long durable = syncs - before;
    assert_true(durable >= 2); /* the file's and the directory's */
    before = syncs;
    assert_int_equal(backend->save_state_flags(t->db, id, "{\"s\":3}", 0), 0);
    assert_int_equal(syncs - before, durable);
    before = syncs;
    assert_int_equal(backend->save_state_flags(t->db, id, "{\"s\":4}", CTR_STATE_SAVE_TRANSIENT), 0);
    assert_int_equal(syncs - before, honoured ? 0 : durable);
    if (!honoured)
        print_message("[ NOTE     ] %s is not ext4, btrfs or tmpfs: transient saves are durable there\n", t->dir);
    char *got = NULL;
    assert_int_equal(backend->get(t->db, id, NULL, &got), 0);
    assert_string_equal(got, "{\"s\":4}");
    free(got);
    /* Refused flags write nothing, sync nothing. */
    before = syncs;
    assert_int_equal(backend->save_state_flags(t->db, id, "{\"s\":5}", 2), -EINVAL);
    assert_int_equal(syncs, before);
    assert_int_equal(backend->remove(t->db, id, "transient"), 0);
}

static const ctr_state_backend_t *make_instance(const char *name, const ctr_state_backend_t *builtin)
{
    int r = ctr__state_new(&instance, name);
    if (r < 0) {
        fprintf(stderr, "ctr__state_new(%s): %s\n", name, ctr_error_last()->message);
        exit(1);
    }
    /* A copy of the built-in vtable, under libctr's copy of the name. */
    if (instance.backend->open != builtin->open || instance.backend->iterate != builtin->iterate ||
        instance.backend->free || strcmp(instance.backend->name, name) != 0 || instance.backend->name == builtin->name) {
        fprintf(stderr, "the instance of %s is not a copy of its vtable\n", name);
        exit(1);
    }
    return instance.backend;
}

static int run_files(void)
{
    static const ctr_test_state_hooks_t hooks = { .set_layout_version = files_set_version,
                                                  .flags = CTR_TEST_STATE_MULTI_OPEN };
    backend = make_instance("files", &ctr__state_backend_files);
    int fails = ctr_test_state_conformance_hooks(backend, scratch, &hooks);
    const struct CMUnitTest tests[] = {
        T(test_invalid_arguments), T(test_messages), T(test_files_layout),
        T(test_files_version),     T(test_files_leftovers), T(test_files_not_a_link),
        T(test_files_cache),       T(test_dir_replaced),    T(test_files_transient_no_fsync),
    };
    fails += cmocka_run_group_tests_name("state-files", tests, NULL, NULL);
    ctr__state_close(&instance);
    return fails;
}

#if HAVE_TDB
static int run_tdb(void)
{
    static const ctr_test_state_hooks_t hooks = { .set_layout_version = tdb_set_version,
                                                  .flags = CTR_TEST_STATE_MULTI_OPEN };
    backend = make_instance("tdb", &ctr__state_backend_tdb);
    int fails = ctr_test_state_conformance_hooks(backend, scratch, &hooks);
    const struct CMUnitTest tests[] = {
        T(test_invalid_arguments), T(test_messages), T(test_tdb_garbage), T(test_tdb_corrupt),
        T(test_tdb_shared_handles), T(test_tdb_fork), T(test_tdb_values_without_nul), T(test_dir_replaced),
    };
    fails += cmocka_run_group_tests_name("state-tdb", tests, NULL, NULL);
    ctr__state_close(&instance);
    return fails;
}
#endif

/* ------------------------------------------------------------------------- */
/* The registry: factories, instances, unregister, libctr 0.1's vtables. */

static void expect_err(int r, int want, const char *words)
{
    if (r != want)
        fail_msg("returned %d, expected %d: %s", r, want, ctr_error_last()->message);
    if (words && !strstr(ctr_error_last()->message, words))
        fail_msg("message \"%s\" lacks \"%s\"", ctr_error_last()->message, words);
}

static bool is_zero(const struct ctr__state *s)
{
    static const struct ctr__state zero;
    return memcmp(s, &zero, sizeof zero) == 0;
}

static void test_registry_builtins(void **state)
{
    (void)state;
    struct ctr__state s = { 0 };
    expect_err(ctr__state_new(&s, "nosuch"), -EINVAL, "unknown state backend \"nosuch\"");
    assert_true(is_zero(&s));
#if !HAVE_TDB
    expect_err(ctr__state_new(&s, "tdb"), -EOPNOTSUPP, "not built");
#endif
    expect_err(ctr_state_backend_unregister("files"), -EPERM, "built in");
    expect_err(ctr_state_backend_unregister("nosuch"), -ENOENT, "nosuch");
    expect_err(ctr_state_backend_unregister(NULL), -EINVAL, NULL);
    /* Still there, and each instance is one of its own. */
    struct ctr__state a = { 0 }, b = { 0 };
    assert_int_equal(ctr__state_new(&a, "files"), 0);
    assert_int_equal(ctr__state_new(&b, "files"), 0);
    assert_ptr_not_equal(a.backend, b.backend);
    assert_string_equal(a.backend->name, "files");
    ctr__state_close(&a);
    ctr__state_close(&b);
    assert_true(is_zero(&a));
    ctr__state_close(&a); /* again: nothing */
}

/* A factory whose instances count themselves. */
struct counting {
    int made, freed, opened;
    int fail;          /* create() returns this when set */
    bool no_callback;  /* create() leaves iterate NULL */
    bool bad_version;  /* create() sets version 99 */
};

struct counted {
    struct counting *c;
    int serial;
};

static int counted_open(void **ret_db, const char *dir, void *userdata)
{
    struct counted *i = userdata;
    i->c->opened++;
    return ctr__state_backend_files.open(ret_db, dir, NULL);
}

static void counted_free(void *userdata)
{
    struct counted *i = userdata;
    i->c->freed++;
    free(i);
}

static int counting_create(ctr_state_backend_t *b, void *userdata)
{
    struct counting *c = userdata;
    assert_ptr_equal(b->userdata, c); /* preset to the factory's */
    assert_int_equal(b->version, CTR_STATE_BACKEND_VERSION);
    assert_null(b->open);
    if (c->fail)
        return ctr_state_backend_error(c->fail, "counting refuses");
    struct counted *i = calloc(1, sizeof *i);
    assert_non_null(i);
    *i = (struct counted){ .c = c, .serial = ++c->made };
    *b = ctr__state_backend_files; /* a static vtable of its own, name included */
    b->open = counted_open;
    b->userdata = i;
    b->free = counted_free;
    if (c->no_callback)
        b->iterate = NULL;
    if (c->bad_version)
        b->version = 99;
    return 0;
}

static void test_registry_factory(void **state)
{
    (void)state;
    struct counting c = { 0 };
    ctr_state_backend_factory_t f = CTR_STATE_BACKEND_FACTORY_INIT;
    expect_err(ctr_state_backend_factory_register(&f), -EINVAL, "name");
    f.name = "counting";
    expect_err(ctr_state_backend_factory_register(&f), -EINVAL, "create");
    f.create = counting_create;
    f.userdata = &c;
    f.version = 2;
    expect_err(ctr_state_backend_factory_register(&f), -EINVAL, "version 2");
    f.version = CTR_STATE_BACKEND_FACTORY_VERSION;
    expect_err(ctr_state_backend_factory_register(NULL), -EINVAL, NULL);
    f.name = "files";
    expect_err(ctr_state_backend_factory_register(&f), -EEXIST, "files");
    char name[] = "counting";
    f.name = name;
    assert_int_equal(ctr_state_backend_factory_register(&f), 0);
    name[0] = 'X'; /* copied */
    expect_err(ctr_state_backend_factory_register(&(ctr_state_backend_factory_t){ 1, "counting", counting_create, NULL }),
               -EEXIST, "counting");

    struct ctr__state a = { 0 }, b = { 0 };
    assert_int_equal(ctr__state_new(&a, "counting"), 0);
    assert_int_equal(ctr__state_new(&b, "counting"), 0);
    assert_int_equal(c.made, 2);
    assert_ptr_not_equal(a.backend->userdata, b.backend->userdata);
    assert_string_equal(a.backend->name, "counting"); /* not the vtable's "files" */
    char dir[PATH_MAX + 64];
    snprintf(dir, sizeof dir, "%s/registry", scratch);
    assert_int_equal(ctr__state_open(&a, dir), 0);
    assert_int_equal(c.opened, 1);
    assert_int_equal(access(dir, F_OK), 0);
    snprintf(dir + strlen(dir), sizeof dir - strlen(dir), "/state/counting/VERSION");
    assert_int_equal(access(dir, F_OK), 0);

    /* Unregistered: no new instance, and those made keep working. */
    assert_int_equal(ctr_state_backend_unregister("counting"), 0);
    struct ctr__state x = { 0 };
    expect_err(ctr__state_new(&x, "counting"), -EINVAL, "unknown");
    expect_err(ctr_state_backend_unregister("counting"), -ENOENT, NULL);
    char *id = NULL;
    assert_int_equal(ctr__state_lookup_name(&a, "nobody", &id), -ENOENT);
    ctr__state_close(&a);
    assert_int_equal(c.freed, 1);
    ctr__state_close(&b); /* never opened: freed all the same */
    assert_int_equal(c.freed, 2);

    /* The name may be registered again. */
    f.name = "counting";
    assert_int_equal(ctr_state_backend_factory_register(&f), 0);
    assert_int_equal(ctr__state_new(&x, "counting"), 0);
    ctr__state_close(&x);
    assert_int_equal(c.freed, 3);
    assert_int_equal(ctr_state_backend_unregister("counting"), 0);
    snprintf(dir, sizeof dir, "%s/registry", scratch);
    ctr_test_state_rm_rf(dir);
}

static void test_registry_bad_instances(void **state)
{
    (void)state;
    struct counting c = { .fail = -EIO };
    ctr_state_backend_factory_t f = { CTR_STATE_BACKEND_FACTORY_VERSION, "bad", counting_create, &c };
    assert_int_equal(ctr_state_backend_factory_register(&f), 0);
    struct ctr__state s = { 0 };
    expect_err(ctr__state_new(&s, "bad"), -EIO, "counting refuses");
    assert_true(is_zero(&s));
    c.fail = 0;
    c.no_callback = true;
    expect_err(ctr__state_new(&s, "bad"), -EINVAL, "lacks a callback");
    assert_int_equal(c.freed, 1); /* what create() made is released */
    c.no_callback = false;
    c.bad_version = true;
    expect_err(ctr__state_new(&s, "bad"), -EINVAL, "version 99");
    assert_true(is_zero(&s));
    /* Version 99 has every member of version 2: its free() is called. */
    assert_int_equal(c.freed, 2);
    assert_int_equal(c.made, 2);
    assert_int_equal(ctr_state_backend_unregister("bad"), 0);
}

/* libctr 0.1's interface: a version-1 vtable, which has no free() member (the
 * allocation ends before it: valgrind and ASan see a read of it). */
static void test_registry_v1(void **state)
{
    (void)state;
    size_t v1_size = offsetof(ctr_state_backend_t, free);
    ctr_state_backend_t full = ctr__state_backend_files;
    full.version = 1;
    full.name = "old-style";
    full.userdata = &v1_size;
    ctr_state_backend_t *v1 = malloc(v1_size);
    assert_non_null(v1);
    memcpy(v1, &full, v1_size);
    assert_int_equal(ctr_state_backend_register(v1), 0);
    expect_err(ctr_state_backend_register(v1), -EEXIST, "old-style");
    struct ctr__state s = { 0 };
    assert_int_equal(ctr__state_new(&s, "old-style"), 0);
    assert_int_equal(s.backend->version, 1);
    assert_ptr_equal(s.backend->userdata, &v1_size);
    assert_ptr_equal(s.backend->add, ctr__state_backend_files.add);
    assert_null(s.backend->free);
    ctr__state_close(&s);
    assert_int_equal(ctr_state_backend_unregister("old-style"), 0);
    free(v1); /* libctr no longer reads it */

    /* A version-2 vtable registered as in 0.1: free() is for factories. */
    ctr_state_backend_t v2 = ctr__state_backend_files;
    v2.name = "with-free";
    v2.free = free;
    expect_err(ctr_state_backend_register(&v2), -EINVAL, "free()");
    v2.free = NULL;
    assert_int_equal(ctr_state_backend_register(&v2), 0);
    assert_int_equal(ctr__state_new(&s, "with-free"), 0);
    ctr__state_close(&s);
    assert_int_equal(ctr_state_backend_unregister("with-free"), 0);
}

/* Which save callback libctr called, and with what flags. */
static struct {
    int plain, flagged;
    unsigned int flags;
} saves;

static int counted_save_state(void *db, const char *id, const char *state)
{
    saves.plain++;
    return ctr__state_backend_files.save_state(db, id, state);
}

static int counted_save_state_flags(void *db, const char *id, const char *state, unsigned int flags)
{
    saves.flagged++;
    saves.flags = flags;
    return ctr__state_backend_files.save_state_flags(db, id, state, flags);
}

/* Register vt under name, open it in a directory of its own, add a container
 * and save its state with CTR_STATE_SAVE_TRANSIENT through libctr. */
static void save_through(const ctr_state_backend_t *vt, const char *name)
{
    assert_int_equal(ctr_state_backend_register(vt), 0);
    struct ctr__state s = { 0 };
    assert_int_equal(ctr__state_new(&s, name), 0);
    char dir[PATH_MAX + 64], id[65];
    snprintf(dir, sizeof dir, "%s/%s", scratch, name);
    assert_int_equal(ctr__state_open(&s, dir), 0);
    ctr_test_state_random_id(id);
    assert_int_equal(ctr__state_add(&s, id, "saved", "{}", "{\"s\":1}"), 0);
    memset(&saves, 0, sizeof saves);
    assert_int_equal(ctr__state_save_flags(&s, id, "{\"s\":2}", CTR_STATE_SAVE_TRANSIENT), 0);
    char *got = NULL;
    assert_int_equal(ctr__state_get(&s, id, NULL, &got), 0);
    assert_string_equal(got, "{\"s\":2}");
    free(got);
    ctr__state_close(&s);
    assert_int_equal(ctr_state_backend_unregister(name), 0);
    ctr_test_state_rm_rf(dir);
}

/* save_state_flags() (version 5) is called when the vtable has it; a
 * version-4 vtable (which ends before the member: ASan and valgrind see a
 * read of it) and one that leaves it NULL get save_state(). */
static void test_registry_save_flags(void **state)
{
    (void)state;
    ctr_state_backend_t full = ctr__state_backend_files;
    full.save_state = counted_save_state;
    full.save_state_flags = counted_save_state_flags;

    full.name = "flags-v5";
    save_through(&full, "flags-v5");
    assert_int_equal(saves.flagged, 1);
    assert_int_equal(saves.plain, 0);
    assert_int_equal(saves.flags, CTR_STATE_SAVE_TRANSIENT);

    full.name = "flags-null";
    full.save_state_flags = NULL;
    save_through(&full, "flags-null");
    assert_int_equal(saves.plain, 1);
    assert_int_equal(saves.flagged, 0);

    size_t v4_size = offsetof(ctr_state_backend_t, save_state_flags);
    full.version = 4;
    full.name = "flags-v4";
    ctr_state_backend_t *v4 = malloc(v4_size);
    assert_non_null(v4);
    memcpy(v4, &full, v4_size);
    save_through(v4, "flags-v4");
    assert_int_equal(saves.plain, 1);
    assert_int_equal(saves.flagged, 0);
    free(v4);
}

static int run_registry(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_registry_builtins),
        cmocka_unit_test(test_registry_factory),
        cmocka_unit_test(test_registry_bad_instances),
        cmocka_unit_test(test_registry_v1),
        cmocka_unit_test(test_registry_save_flags),
    };
    return cmocka_run_group_tests_name("state-registry", tests, NULL, NULL);
}
int main(void)
{
    const char *tmp = getenv("TMPDIR");
    snprintf(scratch, sizeof scratch, "%s/ctr-test-state.XXXXXX", tmp && *tmp ? tmp : "/var/tmp");
    if (!mkdtemp(scratch)) {
        fprintf(stderr, "mkdtemp(%s): %s\n", scratch, strerror(errno));
        return 1;
    }
    /* CTR_TEST_STATE_BACKEND=files|tdb|registry runs one group only. */
    const char *only = getenv("CTR_TEST_STATE_BACKEND");
    int fails = 0;
    if (!only || strcmp(only, "files") == 0)
        fails += run_files();
#if HAVE_TDB
    if (!only || strcmp(only, "tdb") == 0)
        fails += run_tdb();
#endif
    if (!only || strcmp(only, "registry") == 0)
        fails += run_registry();
    ctr_test_state_rm_rf(scratch);
    return fails ? 1 : 0;
}
