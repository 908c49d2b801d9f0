/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The "files" state backend: plain files and directories, crash-safe through
 * renames.
 *
 * Layout of the backend's directory DIR:
 *
 *   VERSION               the layout version ("1\n")
 *   ctr/ID/config.json    written once, by add()
 *   ctr/ID/state.json     replaced by save_state(): a new file renamed over it
 *   ctr/ID/name -> NAME   the container's name (a symlink), which says which
 *                         link of names/ is its own (records written before
 *                         rename() existed have none: any link to them is)
 *   names/NAME -> ID      a symlink per name; symlinkat() fails with EEXIST like
 *                         O_EXCL, and creates the link with its content at once
 *   generation            a change counter shared through mmap() (see "Cache")
 *   obj/KIND/NAME         an object record (a volume, ...): one document, made
 *                         by a link of a synced file, replaced by a rename,
 *                         removed by an unlink, obj/KIND synced after each
 *
 * Transient entries all start with a dot and are never seen by readers:
 *
 *   ctr/.tmp-ID           a container being added, published by renaming it to ctr/ID
 *   ctr/.rn-ID            a container's record being renamed (or its config
 *                         replaced): the new record, exchanged with ctr/ID
 *                         (renameat2 RENAME_EXCHANGE), then the old one
 *   ctr/.rm-RANDOM        a removed container being deleted
 *   ctr/.#state.RANDOM    a new state.json being written
 *   names/.#link.RANDOM   a link that replaces a stale name
 *   .#VERSION.RANDOM      a new VERSION being written
 *   obj/KIND/.#obj.RANDOM a new object document being written
 *
 * Invariants (also across a crash or power loss, thanks to the fsyncs;
 * a transient save, CTR_STATE_SAVE_TRANSIENT, has none: its state.json may
 * be the one before after a power loss, see do_save_state()):
 *
 *   - ctr/ID appears complete or not at all: its files are written and synced
 *     inside ctr/.tmp-ID before the one rename that publishes it;
 *   - a published container's name link is durable before the rename, so no
 *     container is ever durable without its name;
 *   - a name link whose target ctr/ID does not exist, or whose ctr/ID/name
 *     names another name, is *dangling*: readers
 *     ignore it (lookup_name() gives -ENOENT).  It is left by an add in flight
 *     (then ctr/.tmp-ID exists), an add or remove that crashed, or a remove
 *     whose unlink was not synced.  add() replaces a dangling link when it is
 *     stale: no ctr/.tmp-ID exists, no other writer holds its lock (see
 *     "Cache"), or the link is older than STALE_NAME_SEC (no add takes that
 *     long).
 *
 *   - a rename is committed by the exchange of ctr/.rn-ID (the new documents
 *     and ctr/ID/name, synced) with ctr/ID; the new name's link is durable
 *     before, and dangling until then (ctr/ID/name is the old name); the old
 *     name's link dangles after it and is unlinked.  So at every point one
 *     name, the old or the new, is the container's.
 *
 * Leftovers (.tmp-*, .rn-*, .rm-*, .#*) are removed by open(); those that may belong
 * to an operation still running in another process (.tmp-* and .#*) only when
 * no other writer holds its lock (see "Cache") or once they are older than
 * STALE_TEMP_SEC.  A .tmp-* or .rn-* directory is first renamed to
 * .rm-*, so an add still in flight can never publish a half-deleted directory.
 *
 * libctr holds its runtime lock around add() and remove() and the container's
 * lock around save_state(); this backend relies on that only for the stale
 * name replacement, everything else is safe between unsynchronized processes.
 *
 * Costs: get() is two open+read+close; lookup_name() is readlinkat() +
 * fstatat(); iterate() is one readdir of ctr/ plus the reads.  add() orders
 * its work so that the metadata of the whole container rides in one journal
 * commit (plus one for the rename): all files and the name link are created
 * first, writeback of both files is started, and only then are they synced.
 *
 * Cache.  Reading 2,000 small files costs milliseconds, so a handle keeps
 * what iterate() read and serves iterate() and get() from memory as long as
 * nothing changed.  Changes are detected by a counter in the first bytes of
 * DIR/generation, mapped MAP_SHARED by every handle in every process:
 *
 *   writer: take a shared OFD lock on byte 0 of DIR/generation, increment the
 *           counter, modify, release the lock (writers do not exclude each
 *           other; the kernel drops the lock of a writer that dies);
 *   reader: g1 = counter; if no OFD lock is held on byte 0 (F_OFD_GETLK),
 *           read everything from disk; if the counter still equals g1, keep
 *           it as the cache of generation g1.  While the counter equals the
 *           cache's generation, the cache is exactly what is on disk.
 *
 * A writer that modified files after g1 was read either incremented the
 * counter after g1 (then it differs) or held its lock at the probe (then
 * nothing is cached); one that died mid-write released its lock, and what it
 * left on disk is what the reader read.  The check costs one atomic load.
 */
#include <dirent.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <linux/magic.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <time.h>

#include "base/error.h"
#include "base/fault.h"
#include "state/backends.h"

#define STALE_NAME_SEC 10
#define STALE_TEMP_SEC 60
/* ".tmp-" + ID must fit in NAME_MAX. */
#define ID_MAX CTR__STATE_ID_MAX
#define NAME_LEN_MAX NAME_MAX

/* Caching gives up above this many bytes of documents. */
#define CACHE_MAX_BYTES (64u << 20)
#define GEN_FILE_SIZE 4096

struct buf {
    char *data;
    size_t cap;
};

struct cache_entry {
    char *id;
    char *config; /* NULL when not cached */
    char *state;
};

struct cache {
    struct cache_entry *v; /* sorted by id */
    size_t n;
    unsigned int flags; /* CTR_STATE_ITER_* held for every entry */
    uint64_t gen;
    bool valid;
};

struct files_db {
    int dirfd;   /* DIR */
    int parentfd; /* DIR/.., an O_PATH descriptor */
    char *base;   /* DIR's name in it */
    int ctrfd;   /* DIR/ctr */
    int namesfd; /* DIR/names */
    char *dir;   /* for messages */

    int genfd;         /* DIR/generation, for the OFD locks */
    pid_t genfd_pid;   /* genfd is reopened after fork(): OFDs are shared */
    uint64_t *gen;     /* the shared counter */
    bool ofd_locks;    /* false: no caching (writers still count) */
    bool noatime;      /* O_NOATIME is allowed */
    bool rename_orders_data; /* a transient save may skip its fsyncs (transient_ok()) */
    int read_only;     /* -errno: the directory is not writable to us */
    unsigned int iterating;
    struct cache cache;
    struct buf buf[2]; /* read buffers of iterate() */
};

static void cache_clear(struct cache *c)
{
    for (size_t i = 0; i < c->n; i++) {
        free(c->v[i].id);
        free(c->v[i].config);
        free(c->v[i].state);
    }
    free(c->v);
    *c = (struct cache){ 0 };
}

static void files_db_free(struct files_db *db)
{
    if (!db)
        return;
    ctr__closep(&db->dirfd);
    ctr__closep(&db->parentfd);
    free(db->base);
    ctr__closep(&db->ctrfd);
    ctr__closep(&db->namesfd);
    ctr__closep(&db->genfd);
    if (db->gen)
        munmap(db->gen, GEN_FILE_SIZE);
    cache_clear(&db->cache);
    free(db->buf[0].data);
    free(db->buf[1].data);
    free(db->dir);
    free(db);
}

static void files_db_freep(struct files_db **p) { files_db_free(*p); }

static void closedirp(DIR **d)
{
    if (*d)
        closedir(*d);
}

/* A name usable as one path component of ours: not empty, no '/', no leading
 * dot (dot entries are our transient ones), not too long. */

/* PREFIX + 16 random hex digits. */
static int random_name(char *buf, size_t size, const char *prefix)
{
    char rnd[65];
    int r = ctr__random_id(rnd);
    if (r < 0)
        return ctr__err(r, "cannot get random bytes: %s", strerror(-r));
    snprintf(buf, size, "%s%.16s", prefix, rnd);
    return 0;
}

/* Seconds since the last modification (for a link: its creation). */
static int64_t age_sec(const struct stat *st)
{
    return (int64_t)time(NULL) - (int64_t)st->st_mtime;
}

/* ------------------------------------------------------------------------- */
/* Reading documents. */

/* Read ctr/PATH into b (NUL-terminated), its length in *ret_len.  Documents
 * are regular files never modified in place (a new file is renamed over the
 * old one), and a short read() of a regular file on a local file system means
 * its end: one open, one read, one close.  O_NONBLOCK keeps a FIFO planted
 * there from blocking us.  -errno without a message. */
static int read_doc_at(struct files_db *db, int dirfd, const char *path, struct buf *b, size_t *ret_len)
{
    const int flags = O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY | O_NONBLOCK;
    _cleanup_close_ int fd = -1;
    if (db->noatime) {
        fd = openat(dirfd, path, flags | O_NOATIME);
        if (fd < 0 && errno == EPERM)
            db->noatime = false; /* not the owner */
    }
    if (fd < 0 && !db->noatime)
        fd = openat(dirfd, path, flags);
    if (fd < 0)
        return -errno;
    size_t len = 0;
    for (;;) {
        if (b->cap - len < 4096 + 1) {
            size_t cap = b->cap ? b->cap * 2 : 16384;
            char *n = realloc(b->data, cap);
            if (!n)
                return ctr__oom("a state document");
            b->data = n;
            b->cap = cap;
        }
        size_t want = b->cap - len - 1;
        ssize_t k = read(fd, b->data + len, want);
        if (k < 0) {
            if (errno == EINTR)
                continue;
            return errno == EISDIR ? -EUCLEAN : -errno;
        }
        len += (size_t)k;
        if ((size_t)k < want)
            break;
    }
    b->data[len] = '\0';
    if (ret_len)
        *ret_len = len;
    return 0;
}

static int read_doc(struct files_db *db, const char *path, struct buf *b, size_t *ret_len)
{
    return read_doc_at(db, db->ctrfd, path, b, ret_len);
}

/* A malloc()ed copy of read_doc_at()'s result. */
static int read_doc_dup_at(struct files_db *db, int dirfd, const char *path, char **ret)
{
    struct buf b = { 0 };
    size_t len = 0;
    int r = read_doc_at(db, dirfd, path, &b, &len);
    if (r < 0) {
        free(b.data);
        return r;
    }
    char *s = realloc(b.data, len + 1); /* shrink */
    *ret = s ? s : b.data;
    return 0;
}

static int read_doc_dup(struct files_db *db, const char *path, char **ret)
{
    return read_doc_dup_at(db, db->ctrfd, path, ret);
}

/* ------------------------------------------------------------------------- */
/* The change counter (see "Cache" above). */

static int gen_open(struct files_db *db)
{
    _cleanup_close_ int fd = openat(db->dirfd, "generation", O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0 && (errno == EACCES || errno == EROFS || errno == EPERM)) {
        /* Read-only access: reads (and the cache) work, writes are refused. */
        db->read_only = -errno;
        fd = openat(db->dirfd, "generation", O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    }
    if (fd < 0)
        return ctr__err(-errno, "cannot open %s/generation: %m", db->dir);
    struct stat st;
    if (fstat(fd, &st) < 0)
        return ctr__err(-errno, "cannot stat %s/generation: %m", db->dir);
    if (!S_ISREG(st.st_mode))
        return ctr__err(-EUCLEAN, "%s/generation is not a regular file", db->dir);
    /* Growing it from two processes at once is harmless. */
    if (st.st_size < GEN_FILE_SIZE && (db->read_only || ftruncate(fd, GEN_FILE_SIZE) < 0))
        return ctr__err(db->read_only ? -EUCLEAN : -errno, "cannot size %s/generation: %m", db->dir);
    void *m = mmap(NULL, GEN_FILE_SIZE, PROT_READ | (db->read_only ? 0 : PROT_WRITE), MAP_SHARED, fd, 0);
    if (m == MAP_FAILED)
        return ctr__err(-errno, "cannot map %s/generation: %m", db->dir);
    db->gen = m;
    struct flock l = { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_len = 1 };
    db->ofd_locks = fcntl(fd, F_OFD_GETLK, &l) == 0;
    db->genfd = TAKE_FD(fd);
    db->genfd_pid = getpid();
    return 0;
}

/* genfd, reopened in a child of fork(): the inherited one shares its open
 * file description, hence its OFD locks, with the parent. */
static int gen_fd(struct files_db *db)
{
    pid_t pid = getpid();
    if (db->genfd_pid != pid) {
        int fd = openat(db->dirfd, "generation", (db->read_only ? O_RDONLY : O_RDWR) | O_CLOEXEC | O_NOFOLLOW);
        if (fd < 0)
            return -1;
        ctr__closep(&db->genfd);
        db->genfd = fd;
        db->genfd_pid = pid;
    }
    return db->genfd;
}

static uint64_t gen_load(struct files_db *db)
{
    return __atomic_load_n(db->gen, __ATOMIC_SEQ_CST);
}

/* Around every modification. */
/* The directory at the path is still the one opened: one replaced under a
 * running runtime would take its writes into a directory nobody reads. */
static int check_same_dir(struct files_db *db)
{
    int r = ctr__still_linked(db->dirfd, db->parentfd, db->base);
    if (r < 0)
        return ctr__err(r, "cannot stat %s: %s", db->dir, strerror(-r));
    if (r == 0)
        return ctr__err(-ESTALE, "state directory %s was removed or replaced while this runtime had it open: "
                                 "open the runtime again", db->dir);
    return 0;
}

static int write_begin(struct files_db *db)
{
    if (db->read_only)
        return ctr__err(db->read_only, "state directory %s is not writable: %s", db->dir, strerror(-db->read_only));
    int r = check_same_dir(db);
    if (r < 0)
        return r;
    struct flock l = { .l_type = F_RDLCK, .l_whence = SEEK_SET, .l_len = 1 };
    int fd = gen_fd(db);
    if (db->ofd_locks && fd >= 0)
        while (fcntl(fd, F_OFD_SETLKW, &l) < 0 && errno == EINTR)
            ;
    __atomic_fetch_add(db->gen, 1, __ATOMIC_SEQ_CST);
    return 0;
}

static void write_end(struct files_db *db)
{
    /* Also after: should the lock have failed, a reader that filled its cache
     * during the modification at least sees a new generation now. */
    __atomic_fetch_add(db->gen, 1, __ATOMIC_SEQ_CST);
    struct flock l = { .l_type = F_UNLCK, .l_whence = SEEK_SET, .l_len = 1 };
    if (db->ofd_locks && db->genfd >= 0)
        (void)fcntl(db->genfd, F_OFD_SETLK, &l);
}

/* Whether a writer holds its lock now (or we cannot tell). */
static bool writer_active(struct files_db *db)
{
    struct flock l = { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_len = 1 };
    int fd = gen_fd(db);
    if (!db->ofd_locks || fd < 0 || fcntl(fd, F_OFD_GETLK, &l) < 0)
        return true;
    return l.l_type != F_UNLCK;
}

/* The cache if it is exactly what is on disk and holds the flags documents. */
static struct cache *cache_fresh(struct files_db *db, unsigned int flags)
{
    struct cache *c = &db->cache;
    if (!c->valid || (c->flags & flags) != flags || gen_load(db) != c->gen)
        return NULL;
    return c;
}

static int entry_cmp(const void *a, const void *b)
{
    return strcmp(((const struct cache_entry *)a)->id, ((const struct cache_entry *)b)->id);
}

static struct cache_entry *cache_find(struct cache *c, const char *id)
{
    struct cache_entry key = { .id = (char *)id };
    if (c->n == 0)
        return NULL;
    return bsearch(&key, c->v, c->n, sizeof *c->v, entry_cmp);
}

/* ------------------------------------------------------------------------- */
/* Open, layout version, leftovers. */

/* Create ctr/ and names/ if missing and open them. */
static int open_subdirs(struct files_db *db)
{
    static const char *const names[] = { "ctr", "names" };
    int *fds[] = { &db->ctrfd, &db->namesfd };
    for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
        int fd = openat(db->dirfd, names[i], O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0 && errno == ENOENT) {
            if (mkdirat(db->dirfd, names[i], 0700) < 0 && errno != EEXIST)
                return ctr__err(-errno, "cannot create %s/%s: %m", db->dir, names[i]);
            if (fsync(db->dirfd) < 0)
                return ctr__err(-errno, "cannot sync %s: %m", db->dir);
            fd = openat(db->dirfd, names[i], O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        }
        if (fd < 0)
            return ctr__err(-errno, "cannot open %s/%s: %m", db->dir, names[i]);
        *fds[i] = fd;
    }
    return 0;
}

static int check_version(struct files_db *db)
{
    _cleanup_free_ char *text = NULL;
    int r = ctr__read_file_at(db->dirfd, "VERSION", &text, NULL);
    if (r == -ENOENT) {
        /* A new database.  Two processes may get here at once: both create the
         * directories and write the same VERSION, which is harmless. */
        r = open_subdirs(db);
        if (r < 0)
            return r;
        char v[32];
        int n = snprintf(v, sizeof v, "%d\n", CTR__STATE_FILES_LAYOUT_VERSION);
        r = ctr__write_file_at(db->dirfd, "VERSION", v, (size_t)n, 0600, true);
        if (r < 0)
            return ctr__err(r, "cannot write %s/VERSION: %s", db->dir, strerror(-r));
        return 0;
    }
    if (r < 0)
        return ctr__err(r, "cannot read %s/VERSION: %s", db->dir, strerror(-r));

    ctr__strstrip(text);
    _cleanup_free_ char *where = ctr__asprintf("%s/VERSION", db->dir);
    if (!where)
        return ctr__oom("a path");
    if ((r = ctr__state_layout_check(text, where, CTR__STATE_FILES_LAYOUT_VERSION)) < 0)
        return r;
    return open_subdirs(db);
}

/* Best effort: errors leave the entry for the next open.  db: the entries of
 * fd are only made by writers holding their lock (ctr/, names/), NULL when
 * not (the top directory: VERSION is written before any lock). */
static void clean_leftovers(struct files_db *db, int fd)
{
    int dfd = openat(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0)
        return;
    _cleanup_(closedirp) DIR *d = fdopendir(dfd);
    if (!d) {
        close(dfd);
        return;
    }
    struct dirent *de;
    while ((de = readdir(d))) {
        const char *n = de->d_name;
        if (n[0] != '.' || streq(n, ".") || streq(n, ".."))
            continue;
        if (strncmp(n, ".rm-", 4) == 0) {
            /* Removed already; only the deletion was interrupted. */
            (void)ctr__rm_rf_at(fd, n);
            continue;
        }
        bool tmpdir = strncmp(n, ".tmp-", 5) == 0 || strncmp(n, ".rn-", 4) == 0;
        if (!tmpdir && strncmp(n, ".#", 2) != 0)
            continue;
        struct stat st;
        /* Young ones are dead too when no other writer is active (every
         * writer holds its lock while it has such entries). */
        if (fstatat(fd, n, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
            (age_sec(&st) <= STALE_TEMP_SEC && (!db || writer_active(db))))
            continue;
        if (tmpdir) {
            /* Rename first: an add still running elsewhere then fails at its
             * publishing rename instead of publishing a half-deleted directory. */
            char rm[NAME_MAX + 1];
            if (random_name(rm, sizeof rm, ".rm-") < 0 || renameat(fd, n, fd, rm) < 0)
                continue;
            (void)ctr__rm_rf_at(fd, rm);
        } else if (!S_ISDIR(st.st_mode)) {
            (void)unlinkat(fd, n, 0);
        }
    }
}

/* open(): the leftovers of every obj/KIND. */
static void clean_obj_leftovers(struct files_db *db)
{
    _cleanup_close_ int objfd = openat(db->dirfd, "obj", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (objfd < 0)
        return;
    int dfd = openat(objfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    _cleanup_(closedirp) DIR *d = dfd >= 0 ? fdopendir(dfd) : NULL;
    if (!d) {
        if (dfd >= 0)
            close(dfd);
        return;
    }
    struct dirent *de;
    while ((de = readdir(d))) {
        if (de->d_name[0] == '.')
            continue;
        _cleanup_close_ int kfd = openat(objfd, de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (kfd >= 0)
            clean_leftovers(db, kfd);
    }
}

/* Whether the file system of fd writes a file's data before a rename that
 * replaces another file is committed, so that a state.json renamed into
 * place without an fsync is, after a power loss, the old document or the
 * whole new one (never empty or torn): ext4 (auto_da_alloc, in its default
 * data=ordered mode) and btrfs do; tmpfs loses everything anyway.  Elsewhere
 * (xfs, ...) a transient save is made durable, as the contract allows. */
static bool transient_ok(int fd)
{
    struct statfs sfs;
    if (fstatfs(fd, &sfs) < 0)
        return false;
    return sfs.f_type == EXT4_SUPER_MAGIC || sfs.f_type == BTRFS_SUPER_MAGIC || sfs.f_type == TMPFS_MAGIC;
}

static int files_open(void **ret_db, const char *dir, void *userdata)
{
    if (isempty(dir))
        return ctr__err(-EINVAL, "files state backend: no directory given");
    _cleanup_(files_db_freep) struct files_db *db = calloc(1, sizeof *db);
    if (!db)
        return ctr__oom("the files state backend");
    db->dirfd = db->parentfd = db->ctrfd = db->namesfd = db->genfd = -1;
    db->dir = strdup(dir);
    if (!db->dir)
        return ctr__oom("the files state backend");
    db->dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (db->dirfd < 0)
        return ctr__err(-errno, "cannot open state directory %s: %m", dir);
    _cleanup_free_ char *parent = strdup(dir), *copy = strdup(dir);
    db->base = copy ? strdup(basename(copy)) : NULL;
    if (!parent || !db->base)
        return ctr__oom("the files state backend");
    db->parentfd = open(dirname(parent), O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (db->parentfd < 0)
        return ctr__err(-errno, "cannot open the directory of %s: %m", dir);

    int r = check_version(db);
    if (r < 0)
        return r;
    r = gen_open(db);
    if (r < 0)
        return r;
    db->noatime = true;
    db->rename_orders_data = transient_ok(db->dirfd);

    clean_leftovers(NULL, db->dirfd);
    clean_leftovers(db, db->ctrfd);
    clean_leftovers(db, db->namesfd);
    clean_obj_leftovers(db);

    *ret_db = TAKE_PTR(db);
    return 0;
}

static void files_close(void *p)
{
    files_db_free(p);
}

/* ------------------------------------------------------------------------- */
/* Names. */

/* Read names/NAME into target (NAME_MAX + 1 bytes).  -errno without message;
 * -EUCLEAN when it is not a link to a valid ID. */
static int read_name_link(struct files_db *db, const char *name, char *target)
{
    ssize_t n = readlinkat(db->namesfd, name, target, NAME_MAX + 1);
    if (n < 0)
        return errno == EINVAL ? -EUCLEAN : -errno;
    if (n > NAME_MAX)
        return -EUCLEAN;
    target[n] = '\0';
    return ctr__state_component_ok(target, ID_MAX) ? 0 : -EUCLEAN;
}

static int exists_at(int fd, const char *name)
{
    struct stat st;
    if (fstatat(fd, name, &st, AT_SYMLINK_NOFOLLOW) == 0)
        return 1;
    return errno == ENOENT ? 0 : -errno;
}

#define NAME_MARK "name"

/* Whether ctr/ID calls itself NAME (its ctr/ID/name; a record without one,
 * written before rename() existed, takes any name): 1, 0, -ENOENT when there
 * is no ctr/ID, other -errno. */
static int name_marks(struct files_db *db, const char *id, const char *name)
{
    char path[NAME_MAX + 8], mark[NAME_MAX + 2];
    snprintf(path, sizeof path, "%s/" NAME_MARK, id);
    ssize_t n = readlinkat(db->ctrfd, path, mark, sizeof mark);
    if (n < 0 && errno == ENOENT) {
        int r = exists_at(db->ctrfd, id);
        return r > 0 ? 1 : r == 0 ? -ENOENT : r;
    }
    if (n < 0)
        return errno == ENOTDIR ? -ENOENT : -errno;
    if ((size_t)n >= sizeof mark)
        return 0;
    mark[n] = '\0';
    return streq(mark, name);
}

/* Whether names/NAME, which exists, may be replaced by a link to ID: 1 stale,
 * 2 already pointing at ID, 0 in use, -ENOENT vanished meanwhile, other -errno
 * with a message. */
static int name_is_stale(struct files_db *db, const char *name, const char *id)
{
    char target[NAME_MAX + 1];
    int r = read_name_link(db, name, target);
    if (r == -ENOENT)
        return -ENOENT;
    if (r == -EUCLEAN) {
        struct stat st;
        if (fstatat(db->namesfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && !S_ISLNK(st.st_mode))
            return ctr__err(-EUCLEAN, "%s/names/%s is not a symbolic link", db->dir, name);
        return 1; /* a link to no possible container */
    }
    if (r < 0)
        return ctr__err(r, "cannot read %s/names/%s: %s", db->dir, name, strerror(-r));
    if (streq(target, id))
        return 2; /* left by an earlier add of this very ID that crashed */

    r = name_marks(db, target, name);
    if (r < 0 && r != -ENOENT)
        return ctr__err(r, "cannot check %s/ctr/%s: %s", db->dir, target, strerror(-r));
    if (r > 0)
        return 0;

    /* The target is gone (an add may be in flight), or calls itself otherwise
     * (a rename to this name may be). */
    char tmp[NAME_MAX + 8];
    snprintf(tmp, sizeof tmp, r == 0 ? ".rn-%s" : ".tmp-%s", target);
    r = exists_at(db->ctrfd, tmp);
    if (r < 0)
        return ctr__err(r, "cannot check %s/ctr/%s: %s", db->dir, tmp, strerror(-r));
    if (r == 0)
        return 1;

    /* Every add (rename) holds its writer lock from its mkdir to its rename
     * (exchange): when no other writer is active, it died. */
    if (!writer_active(db))
        return 1;
    /* An add of the target may be in flight. */
    struct stat st;
    if (fstatat(db->namesfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
        return errno == ENOENT ? -ENOENT : ctr__err(-errno, "cannot stat %s/names/%s: %m", db->dir, name);
    return age_sec(&st) > STALE_NAME_SEC;
}

/* Reserve names/NAME for ID, replacing a stale dangling link. */
static int reserve_name(struct files_db *db, const char *name, const char *id)
{
    for (int attempt = 0; attempt < 8; attempt++) {
        if (symlinkat(id, db->namesfd, name) == 0)
            return 0;
        if (errno != EEXIST)
            return ctr__err(-errno, "cannot create %s/names/%s: %m", db->dir, name);

        int r = name_is_stale(db, name, id);
        if (r == -ENOENT)
            continue; /* removed meanwhile: try again */
        if (r < 0)
            return r;
        if (r == 0)
            return ctr__err(-EEXIST, "name %s is already in use", name);
        if (r == 2)
            return 0;

        char tmp[NAME_MAX + 1];
        r = random_name(tmp, sizeof tmp, ".#link.");
        if (r < 0)
            return r;
        if (symlinkat(id, db->namesfd, tmp) < 0)
            return ctr__err(-errno, "cannot create %s/names/%s: %m", db->dir, tmp);
        if (renameat(db->namesfd, tmp, db->namesfd, name) < 0) {
            r = ctr__err(-errno, "cannot replace stale name link %s/names/%s: %m", db->dir, name);
            (void)unlinkat(db->namesfd, tmp, 0);
            return r;
        }
        return 0;
    }
    return ctr__err(-EBUSY, "name %s keeps changing", name);
}

/* Remove names/NAME if it still points at ID (best effort, not synced). */
static void release_name(struct files_db *db, const char *name, const char *id)
{
    char target[NAME_MAX + 1];
    if (read_name_link(db, name, target) == 0 && streq(target, id))
        (void)unlinkat(db->namesfd, name, 0);
}

static int files_lookup_name(void *p, const char *name, char **ret_id)
{
    struct files_db *db = p;
    int r = ctr__state_check_name(name);
    if (r < 0)
        return r;
    if (!ret_id)
        return ctr__err(-EINVAL, "lookup_name: no output pointer");

    char target[NAME_MAX + 1];
    r = read_name_link(db, name, target);
    if (r == -ENOENT || r == -EUCLEAN)
        return ctr__err(-ENOENT, "no container is named %s", name);
    if (r < 0)
        return ctr__err(r, "cannot read %s/names/%s: %s", db->dir, name, strerror(-r));

    /* A dangling link (an add or rename in flight, a crash) names no container. */
    struct cache *c = cache_fresh(db, 0);
    r = c && !cache_find(c, target) ? 0 : name_marks(db, target, name);
    if (r == 0 || r == -ENOENT)
        return ctr__err(-ENOENT, "no container is named %s", name);
    if (r < 0)
        return ctr__err(r, "cannot check %s/ctr/%s: %s", db->dir, target, strerror(-r));

    char *id = strdup(target);
    if (!id)
        return ctr__oom("a container ID");
    *ret_id = id;
    return 0;
}

/* ------------------------------------------------------------------------- */
/* Writes. */

/* Create dirfd/name with data, leaving it open (not synced) in *ret_fd. */
static int create_file(struct files_db *db, int dirfd, const char *name, const char *data, int *ret_fd)
{
    _cleanup_close_ int fd = openat(dirfd, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0)
        return ctr__err(-errno, "cannot create %s in %s: %m", name, db->dir);
    int r = ctr__write_all(fd, data, strlen(data));
    if (r < 0)
        return ctr__err(r, "cannot write %s in %s: %s", name, db->dir, strerror(-r));
    /* Start writeback now, so that the block allocation joins the next journal
     * commit and the later fdatasync() finds little left to do. */
    (void)sync_file_range(fd, 0, 0, SYNC_FILE_RANGE_WRITE);
    *ret_fd = TAKE_FD(fd);
    return 0;
}

static int sync_fd(struct files_db *db, int fd, bool data_only, const char *what)
{
    if ((data_only ? fdatasync(fd) : fsync(fd)) < 0)
        return ctr__err(-errno, "cannot sync %s in %s: %m", what, db->dir);
    return 0;
}

/* What add() checks before writing anything: the arguments, and that the ID
 * is free. */
static int add_check(struct files_db *db, const char *id, const char *name, const char *config, const char *state)
{
    int r = ctr__state_check_id(id);
    if (r < 0)
        return r;
    r = ctr__state_check_name(name);
    if (r < 0)
        return r;
    if (!config || !state)
        return ctr__err(-EINVAL, "add: missing config or state document");

    r = exists_at(db->ctrfd, id);
    if (r > 0)
        return ctr__err(-EEXIST, "container %s already exists", id);
    if (r < 0)
        return ctr__err(r, "cannot check %s/ctr/%s: %s", db->dir, id, strerror(-r));
    return 0;
}

/* Make ctr/TMP, the directory an add fills before publishing it. */
static int make_tmp_dir(struct files_db *db, const char *tmp)
{
    if (mkdirat(db->ctrfd, tmp, 0700) == 0)
        return 0;
    if (errno != EEXIST)
        return ctr__err(-errno, "cannot create %s/ctr/%s: %m", db->dir, tmp);
    /* Left by an add of this ID that crashed (the caller holds the runtime
     * lock: no add of it is running). */
    (void)ctr__rm_rf_at(db->ctrfd, tmp);
    if (mkdirat(db->ctrfd, tmp, 0700) < 0)
        return ctr__err(-errno, "cannot create %s/ctr/%s: %m", db->dir, tmp);
    return 0;
}

/* Write both documents and the name mark into the new container directory
 * idfd, then make durable everything the rename will publish: both files,
 * their directory entries and the name link (reserved before). */
static int write_docs(struct files_db *db, int idfd, const char *name, const char *config, const char *state)
{
    _cleanup_close_ int cfd = -1, sfd = -1;
    if (symlinkat(name, idfd, NAME_MARK) < 0)
        return ctr__err(-errno, "cannot create the name mark in %s: %m", db->dir);
    int r = create_file(db, idfd, "config.json", config, &cfd);
    if (r < 0)
        return r;
    r = create_file(db, idfd, "state.json", state, &sfd);
    if (r < 0)
        return r;
    if ((r = sync_fd(db, cfd, true, "config.json")) < 0 || (r = sync_fd(db, sfd, true, "state.json")) < 0 ||
        (r = sync_fd(db, idfd, false, "the new container directory")) < 0)
        return r;
    return sync_fd(db, db->namesfd, false, "names/");
}

/* renameat2(RENAME_NOREPLACE) of ctr/TMP to ctr/ID; -errno. */
static int rename_noreplace(struct files_db *db, const char *tmp, const char *id)
{
    if (renameat2(db->ctrfd, tmp, db->ctrfd, id, RENAME_NOREPLACE) == 0)
        return 0;
    if (errno != EINVAL)
        return -errno;
    /* A file system without RENAME_NOREPLACE: renaming onto a non-empty
     * directory fails anyway, and ctr/ID is never an empty one. */
    int r = exists_at(db->ctrfd, id);
    if (r < 0)
        return r;
    if (r > 0)
        return -EEXIST;
    if (renameat(db->ctrfd, tmp, db->ctrfd, id) < 0)
        return -errno;
    return 0;
}

/* Rename ctr/TMP to ctr/ID, never over an existing ctr/ID. */
static int publish(struct files_db *db, const char *tmp, const char *id)
{
    int r = rename_noreplace(db, tmp, id);
    if (r == -EEXIST || r == -ENOTEMPTY)
        return ctr__err(-EEXIST, "container %s already exists", id);
    if (r == -ENOENT)
        return ctr__err(-EAGAIN, "%s/ctr/%s vanished (removed as stale by another process?)", db->dir, tmp);
    if (r < 0)
        return ctr__err(r, "cannot rename %s/ctr/%s to %s: %s", db->dir, tmp, id, strerror(-r));
    return 0;
}

/* Take back a published container whose rename could not be made durable:
 * the caller is told that the add failed. */
static void unpublish(struct files_db *db, const char *id, const char *name)
{
    char rm[NAME_MAX + 1];
    if (random_name(rm, sizeof rm, ".rm-") == 0 && renameat(db->ctrfd, id, db->ctrfd, rm) == 0) {
        release_name(db, name, id);
        (void)ctr__rm_rf_at(db->ctrfd, rm);
    }
}

/* An add in flight, for undo_add(): the temporary directory, and the name
 * once it is reserved. */
struct add {
    struct files_db *db;
    const char *id, *name;
    char tmp[NAME_MAX + 1];
    bool name_reserved;
};

static void undo_add(void *arg)
{
    struct add *a = arg;
    if (a->name_reserved)
        release_name(a->db, a->name, a->id);
    (void)ctr__rm_rf_at(a->db->ctrfd, a->tmp);
}

static int do_add(struct files_db *db, const char *id, const char *name, const char *config, const char *state)
{
    int r = add_check(db, id, name, config, state);
    if (r < 0)
        return r;
    struct add a = { .db = db, .id = id, .name = name };
    snprintf(a.tmp, sizeof a.tmp, ".tmp-%s", id);
    r = make_tmp_dir(db, a.tmp);
    if (r < 0)
        return r;
    _cleanup_undo_ struct ctr__undo undo = CTR_UNDO(undo_add, &a);

    _cleanup_close_ int idfd = openat(db->ctrfd, a.tmp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (idfd < 0)
        return ctr__err(-errno, "cannot open %s/ctr/%s: %m", db->dir, a.tmp);
    /* The name link is created after ctr/.tmp-ID, so that a link to an add in
     * flight always has ctr/.tmp-ID or ctr/ID (see name_is_stale()). */
    r = reserve_name(db, name, id);
    if (r < 0)
        return r;
    a.name_reserved = true;
    CTR_FAULT_POINT("files.add.after-name");

    r = write_docs(db, idfd, name, config, state);
    if (r < 0)
        return r;
    CTR_FAULT_POINT("files.add.before-rename");

    r = publish(db, a.tmp, id);
    if (r < 0)
        return r;
    ctr__undo_disarm(&undo);
    CTR_FAULT_POINT("files.add.after-rename");
    if (fsync(db->ctrfd) < 0) {
        r = ctr__err(-errno, "cannot sync %s/ctr: %m", db->dir);
        unpublish(db, id, name);
        return r;
    }
    return 0;
}

static int do_remove(struct files_db *db, const char *id, const char *name)
{
    int r = ctr__state_check_id(id);
    if (r < 0)
        return r;
    if (name) {
        r = ctr__state_check_name(name);
        if (r < 0)
            return r;
    }

    char rm[NAME_MAX + 1];
    r = random_name(rm, sizeof rm, ".rm-");
    if (r < 0)
        return r;
    if (renameat(db->ctrfd, id, db->ctrfd, rm) < 0) {
        if (errno == ENOENT)
            return ctr__err(-ENOENT, "no such container %s", id);
        return ctr__err(-errno, "cannot rename %s/ctr/%s: %m", db->dir, id);
    }
    CTR_FAULT_POINT("files.remove.after-rename");
    /* The commit point: once this rename is durable, the container is gone. */
    if (fsync(db->ctrfd) < 0) {
        r = ctr__err(-errno, "cannot sync %s/ctr: %m", db->dir);
        (void)renameat(db->ctrfd, rm, db->ctrfd, id);
        return r;
    }
    CTR_FAULT_POINT("files.remove.after-sync");
    /* Not synced: should a crash bring the link back, it dangles, which
     * readers ignore and the next add of the name replaces. */
    if (name)
        release_name(db, name, id);
    /* A failure leaves .rm-* for the next open to delete. */
    (void)ctr__rm_rf_at(db->ctrfd, rm);
    return 0;
}

/* Sync the new state (fd, ctr/TMP), unless transient, and rename it to
 * ctr/ID/state.json. */
static int replace_state(struct files_db *db, int fd, const char *tmp, int idfd, const char *id, bool transient)
{
    int r = transient ? 0 : sync_fd(db, fd, true, "the new state.json");
    CTR_FAULT_POINT("files.save.before-rename");
    if (r < 0)
        return r;
    if (renameat(db->ctrfd, tmp, idfd, "state.json") < 0)
        return errno == ENOENT ? ctr__err(-ENOENT, "no such container %s", id)
                               : ctr__err(-errno, "cannot rename the new state of %s into place: %m", id);
    return 0;
}

/* A transient save (CTR_STATE_SAVE_TRANSIENT) is the same write and rename
 * without the two fsyncs: the rename still replaces state.json atomically,
 * and, on a file system where transient_ok(), a power loss brings back the
 * old document or the new one, never a torn one. */
static int do_save_state(struct files_db *db, const char *id, const char *state, bool transient)
{
    int r = ctr__state_check_id(id);
    if (r < 0)
        return r;
    if (!state)
        return ctr__err(-EINVAL, "save_state: no state document");
    transient = transient && db->rename_orders_data;

    _cleanup_close_ int idfd = openat(db->ctrfd, id, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (idfd < 0) {
        if (errno == ENOENT)
            return ctr__err(-ENOENT, "no such container %s", id);
        return ctr__err(-errno, "cannot open %s/ctr/%s: %m", db->dir, id);
    }

    /* The new file is written in ctr/ rather than ctr/ID/, so that open()
     * finds leftovers of a crash with one readdir. */
    char tmp[NAME_MAX + 1];
    r = random_name(tmp, sizeof tmp, ".#state.");
    if (r < 0)
        return r;
    _cleanup_close_ int fd = -1;
    if ((r = create_file(db, db->ctrfd, tmp, state, &fd)) < 0 ||
        (r = replace_state(db, fd, tmp, idfd, id, transient)) < 0) {
        (void)unlinkat(db->ctrfd, tmp, 0);
        return r;
    }
    CTR_FAULT_POINT("files.save.after-rename");
    return transient ? 0 : sync_fd(db, idfd, false, "the container directory");
}

/* What rename() checks before writing: the arguments, and that ctr/ID calls
 * itself old_name; a record without a name mark gets one first (synced), so
 * that the link of the new name dangles until the exchange. */
static int rename_check(struct files_db *db, const char *id, const char *old_name, const char *new_name,
                        const char *config, const char *state)
{
    int r = ctr__state_check_rename(id, old_name, new_name, config, state);
    if (r < 0)
        return r;
    r = name_marks(db, id, old_name);
    if (r == -ENOENT)
        return ctr__err(-ENOENT, "no such container %s", id);
    if (r < 0)
        return ctr__err(r, "cannot read %s/ctr/%s/" NAME_MARK ": %s", db->dir, id, strerror(-r));
    if (r == 0)
        return ctr__err(-EINVAL, "rename: container %s is not named %s", id, old_name);
    _cleanup_close_ int idfd = openat(db->ctrfd, id, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (idfd < 0)
        return errno == ENOENT ? ctr__err(-ENOENT, "no such container %s", id)
                               : ctr__err(-errno, "cannot open %s/ctr/%s: %m", db->dir, id);
    if (symlinkat(old_name, idfd, NAME_MARK) < 0)
        return errno == EEXIST ? 0 : ctr__err(-errno, "cannot mark the name of %s/ctr/%s: %m", db->dir, id);
    return sync_fd(db, idfd, false, "the container directory");
}

/* The commit of a rename: ctr/TMP and ctr/ID change places. */
static int exchange(struct files_db *db, const char *tmp, const char *id)
{
    if (renameat2(db->ctrfd, tmp, db->ctrfd, id, RENAME_EXCHANGE) == 0)
        return 0;
    if (errno == ENOENT)
        return ctr__err(-ENOENT, "no such container %s", id);
    return ctr__err(-errno, "cannot exchange %s/ctr/%s with %s: %m", db->dir, tmp, id);
}

static int do_rename(struct files_db *db, const char *id, const char *old_name, const char *new_name,
                     const char *config, const char *state)
{
    int r = rename_check(db, id, old_name, new_name, config, state);
    if (r < 0)
        return r;
    struct add a = { .db = db, .id = id, .name = new_name };
    snprintf(a.tmp, sizeof a.tmp, ".rn-%s", id);
    if ((r = make_tmp_dir(db, a.tmp)) < 0)
        return r;
    _cleanup_undo_ struct ctr__undo undo = CTR_UNDO(undo_add, &a);
    _cleanup_close_ int idfd = openat(db->ctrfd, a.tmp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (idfd < 0)
        return ctr__err(-errno, "cannot open %s/ctr/%s: %m", db->dir, a.tmp);
    bool moves = !streq(old_name, new_name);
    if (moves) {
        /* Dangling until the exchange: ctr/ID still calls itself old_name. */
        if ((r = reserve_name(db, new_name, id)) < 0)
            return r;
        a.name_reserved = true;
    }
    CTR_FAULT_POINT("files.rename.after-name");
    if ((r = write_docs(db, idfd, new_name, config, state)) < 0)
        return r;
    CTR_FAULT_POINT("files.rename.before-exchange");
    if ((r = exchange(db, a.tmp, id)) < 0)
        return r;
    CTR_FAULT_POINT("files.rename.after-exchange");
    if (fsync(db->ctrfd) < 0) {
        r = ctr__err(-errno, "cannot sync %s/ctr: %m", db->dir);
        if (renameat2(db->ctrfd, a.tmp, db->ctrfd, id, RENAME_EXCHANGE) < 0)
            ctr__undo_disarm(&undo); /* the new record stays: keep its name */
        return r;
    }
    ctr__undo_disarm(&undo);
    /* The old link dangles now; not synced, as in remove(). */
    if (moves)
        release_name(db, old_name, id);
    CTR_FAULT_POINT("files.rename.after-old-name");
    /* ctr/TMP holds the old record; a failure leaves it for the next open. */
    (void)ctr__rm_rf_at(db->ctrfd, a.tmp);
    return 0;
}

static int files_rename(void *p, const char *id, const char *old_name, const char *new_name, const char *config,
                        const char *state)
{
    struct files_db *db = p;
    int r = write_begin(db);
    if (r < 0)
        return r;
    r = do_rename(db, id, old_name, new_name, config, state);
    write_end(db);
    return r;
}

static int files_add(void *p, const char *id, const char *name, const char *config, const char *state)
{
    struct files_db *db = p;
    int r = write_begin(db);
    if (r < 0)
        return r;
    r = do_add(db, id, name, config, state);
    write_end(db);
    return r;
}

static int files_remove(void *p, const char *id, const char *name)
{
    struct files_db *db = p;
    int r = write_begin(db);
    if (r < 0)
        return r;
    r = do_remove(db, id, name);
    write_end(db);
    return r;
}

static int files_save_state_flags(void *p, const char *id, const char *state, unsigned int flags)
{
    struct files_db *db = p;
    if (flags & ~(unsigned int)CTR_STATE_SAVE_TRANSIENT)
        return ctr__err(-EINVAL, "save_state_flags: unknown flags %#x",
                        flags & ~(unsigned int)CTR_STATE_SAVE_TRANSIENT);
    int r = write_begin(db);
    if (r < 0)
        return r;
    r = do_save_state(db, id, state, flags & CTR_STATE_SAVE_TRANSIENT);
    write_end(db);
    return r;
}

static int files_save_state(void *p, const char *id, const char *state)
{
    return files_save_state_flags(p, id, state, 0);
}

/* ------------------------------------------------------------------------- */
/* Reads. */

/* The documents of ctr/ID that ret_config and ret_state ask for, read from
 * disk; with neither, that it exists (-ENOENT).  path receives what failed. */
static int get_from_disk(struct files_db *db, const char *id, char **ret_config, char **ret_state, char *path,
                         size_t size)
{
    int r;
    if (ret_config) {
        snprintf(path, size, "%s/config.json", id);
        if ((r = read_doc_dup(db, path, ret_config)) < 0)
            return r;
    }
    if (ret_state) {
        snprintf(path, size, "%s/state.json", id);
        if ((r = read_doc_dup(db, path, ret_state)) < 0)
            return r;
    }
    if (!ret_config && !ret_state) {
        snprintf(path, size, "%s", id);
        r = exists_at(db->ctrfd, id);
        return r > 0 ? 0 : r == 0 ? -ENOENT : r;
    }
    return 0;
}

static int files_get(void *p, const char *id, char **ret_config, char **ret_state)
{
    struct files_db *db = p;
    int r = ctr__state_check_id(id);
    if (r < 0)
        return r;
    _cleanup_free_ char *c = NULL, *s = NULL;

    unsigned int want = (ret_config ? CTR_STATE_ITER_CONFIG : 0) | (ret_state ? CTR_STATE_ITER_STATE : 0);
    struct cache *cache = cache_fresh(db, want);
    if (cache) {
        struct cache_entry *e = cache_find(cache, id);
        if (!e)
            return ctr__err(-ENOENT, "no such container %s", id);
        if ((ret_config && !(c = strdup(e->config))) || (ret_state && !(s = strdup(e->state))))
            return ctr__oom("a container's documents");
    } else {
        char path[NAME_MAX + 32];
        r = get_from_disk(db, id, ret_config ? &c : NULL, ret_state ? &s : NULL, path, sizeof path);
        if (r == -ENOENT || r == -ENOTDIR)
            return ctr__err(-ENOENT, "no such container %s", id);
        if (r < 0)
            return ctr__err(r, "cannot read %s/ctr/%s: %s", db->dir, path, strerror(-r));
    }
    if (ret_config)
        *ret_config = TAKE_PTR(c);
    if (ret_state)
        *ret_state = TAKE_PTR(s);
    return 0;
}

static int iterate_cache(struct files_db *db, struct cache *c, unsigned int flags, ctr_state_iter_fn fn,
                         void *userdata)
{
    int r = 0;
    db->iterating++;
    for (size_t i = 0; i < c->n && r == 0; i++)
        r = fn(c->v[i].id, (flags & CTR_STATE_ITER_CONFIG) ? c->v[i].config : NULL,
               (flags & CTR_STATE_ITER_STATE) ? c->v[i].state : NULL, userdata);
    db->iterating--;
    return r;
}

/* Append a copy of a container's documents to the new cache; false when out
 * of memory or over the size limit. */
static bool fill_add(struct cache *c, size_t *cap, size_t *bytes, const char *id, const char *config, size_t clen,
                     const char *state, size_t slen)
{
    *bytes += clen + slen + 64;
    if (*bytes > CACHE_MAX_BYTES)
        return false;
    if (c->n == *cap) {
        size_t n = *cap ? *cap * 2 : 256;
        struct cache_entry *v = realloc(c->v, n * sizeof *v);
        if (!v)
            return false;
        c->v = v;
        *cap = n;
    }
    struct cache_entry *e = &c->v[c->n];
    *e = (struct cache_entry){ .id = strdup(id) };
    if (config)
        e->config = strndup(config, clen);
    if (state)
        e->state = strndup(state, slen);
    c->n++; /* freed by cache_clear() even when incomplete */
    return e->id && (!config || e->config) && (!state || e->state);
}

/* read_entry()'s result for a failure r: 1 (no container) when the entry was
 * removed meanwhile or is not a container directory. */
static int entry_gone(int r)
{
    return r == -ENOENT || r == -ENOTDIR ? 1 : r;
}

/* Read the documents rflags asks for of the directory entry de of ctr/ into
 * db->buf[0] (config, *ret_clen bytes) and db->buf[1] (state, *ret_slen):
 * 0; 1 when the entry is no container (transient, removed meanwhile, not a
 * directory); a negative errno, with path naming what failed. */
static int read_entry(struct files_db *db, const struct dirent *de, unsigned int rflags, char *path, size_t size,
                      size_t *ret_clen, size_t *ret_slen)
{
    const char *id = de->d_name;
    if (id[0] == '.' || strlen(id) > ID_MAX)
        return 1; /* transient entries */
    if (de->d_type != DT_DIR && de->d_type != DT_UNKNOWN)
        return 1;

    int r;
    snprintf(path, size, "%s", id);
    if (rflags & CTR_STATE_ITER_CONFIG) {
        snprintf(path, size, "%s/config.json", id);
        if ((r = read_doc(db, path, &db->buf[0], ret_clen)) < 0)
            return entry_gone(r);
    }
    if (rflags & CTR_STATE_ITER_STATE) {
        snprintf(path, size, "%s/state.json", id);
        if ((r = read_doc(db, path, &db->buf[1], ret_slen)) < 0)
            return entry_gone(r);
    }
    if (!rflags && de->d_type == DT_UNKNOWN) {
        struct stat st;
        if (fstatat(db->ctrfd, id, &st, AT_SYMLINK_NOFOLLOW) < 0)
            return entry_gone(-errno);
        if (!S_ISDIR(st.st_mode))
            return 1;
    }
    return 0;
}

/* Keep what an iterate() read from disk as the cache of generation g1. */
static void cache_install(struct files_db *db, struct cache *next, unsigned int rflags, uint64_t g1)
{
    if (next->n > 0)
        qsort(next->v, next->n, sizeof *next->v, entry_cmp);
    cache_clear(&db->cache);
    db->cache = *next;
    db->cache.flags = rflags;
    db->cache.gen = g1;
    db->cache.valid = true;
    *next = (struct cache){ 0 };
}

static int files_iterate(void *p, unsigned int flags, ctr_state_iter_fn fn, void *userdata)
{
    struct files_db *db = p;
    if (!fn)
        return ctr__err(-EINVAL, "iterate: no callback");
    flags &= CTR_STATE_ITER_CONFIG | CTR_STATE_ITER_STATE;

    struct cache *cached = cache_fresh(db, flags);
    if (cached)
        return iterate_cache(db, cached, flags, fn, userdata);

    /* Read from disk, and keep it as the cache when that is safe (see
     * "Cache"): documents are wanted, nobody is writing, and the counter has
     * not moved by the end. */
    uint64_t g1 = gen_load(db);
    bool fill = flags && db->iterating == 0 && !writer_active(db);
    unsigned int rflags = flags;
    _cleanup_(cache_clear) struct cache next = { 0 };
    size_t next_cap = 0, next_bytes = 0;
    if (fill && db->cache.valid)
        rflags |= db->cache.flags; /* do not lose what the cache held */

    int dfd = openat(db->ctrfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0)
        return ctr__err(-errno, "cannot open %s/ctr: %m", db->dir);
    _cleanup_(closedirp) DIR *d = fdopendir(dfd);
    if (!d) {
        int e = -errno;
        close(dfd);
        return ctr__err(e, "cannot read %s/ctr: %s", db->dir, strerror(-e));
    }

    char path[NAME_MAX + 32];
    for (;;) {
        errno = 0;
        struct dirent *de = readdir(d);
        if (!de) {
            if (errno != 0)
                return ctr__err(-errno, "cannot read %s/ctr: %m", db->dir);
            break;
        }
        size_t clen = 0, slen = 0;
        int r = read_entry(db, de, rflags, path, sizeof path, &clen, &slen);
        if (r > 0)
            continue;
        if (r < 0)
            return ctr__err(r, "cannot read %s/ctr/%s: %s", db->dir, path, strerror(-r));
        const char *id = de->d_name;
        const char *config = (rflags & CTR_STATE_ITER_CONFIG) ? db->buf[0].data : NULL;
        const char *state = (rflags & CTR_STATE_ITER_STATE) ? db->buf[1].data : NULL;
        if (fill && !fill_add(&next, &next_cap, &next_bytes, id, config, clen, state, slen))
            fill = false;
        db->iterating++;
        r = fn(id, (flags & CTR_STATE_ITER_CONFIG) ? config : NULL, (flags & CTR_STATE_ITER_STATE) ? state : NULL,
               userdata);
        db->iterating--;
        if (r != 0)
            return r;
    }
    if (fill && gen_load(db) == g1)
        cache_install(db, &next, rflags, g1);
    return 0;
}

/* ------------------------------------------------------------------------- */
/* Object records: obj/KIND/NAME, one file each.  An add writes the document
 * under a dot name, syncs it and links it to NAME (linkat() fails with
 * EEXIST: no record is ever replaced by an add), a save renames a new file
 * over NAME, a remove unlinks NAME; each then syncs obj/KIND.  The dot names
 * left by a crash are leftovers for open(). */

/* Make PARENT/NAME if missing and sync PARENT (also when it existed: whoever
 * made it may not have synced yet). */
static int mkdir_synced(struct files_db *db, int parentfd, const char *name)
{
    if (mkdirat(parentfd, name, 0700) < 0 && errno != EEXIST)
        return ctr__err(-errno, "cannot create %s in %s: %m", name, db->dir);
    if (fsync(parentfd) < 0)
        return ctr__err(-errno, "cannot sync %s: %m", db->dir);
    return 0;
}

/* Open obj/KIND into *ret_fd, making it (and obj/) when create.  -ENOENT
 * without a message when it does not exist and !create. */
static int obj_dir(struct files_db *db, const char *kind, bool create, int *ret_fd)
{
    const int flags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;
    _cleanup_close_ int objfd = openat(db->dirfd, "obj", flags);
    if (objfd < 0 && errno == ENOENT && create) {
        int r = mkdir_synced(db, db->dirfd, "obj");
        if (r < 0)
            return r;
        objfd = openat(db->dirfd, "obj", flags);
    }
    if (objfd < 0)
        return errno == ENOENT ? -ENOENT : ctr__err(-errno, "cannot open %s/obj: %m", db->dir);
    int fd = openat(objfd, kind, flags);
    if (fd < 0 && errno == ENOENT && create) {
        int r = mkdir_synced(db, objfd, kind);
        if (r < 0)
            return r;
        fd = openat(objfd, kind, flags);
    }
    if (fd < 0)
        return errno == ENOENT ? -ENOENT : ctr__err(-errno, "cannot open %s/obj/%s: %m", db->dir, kind);
    *ret_fd = fd;
    return 0;
}

/* A new document written and synced in KFD under a random dot name (tmp,
 * NAME_MAX + 1 bytes); unlinked again on failure. */
static int obj_write_tmp(struct files_db *db, int kfd, const char *doc, char *tmp)
{
    int r = random_name(tmp, NAME_MAX + 1, ".#obj.");
    if (r < 0)
        return r;
    _cleanup_close_ int fd = -1;
    if ((r = create_file(db, kfd, tmp, doc, &fd)) < 0 || (r = sync_fd(db, fd, true, "a new record")) < 0) {
        (void)unlinkat(kfd, tmp, 0);
        return r;
    }
    return 0;
}

static int do_obj_add(struct files_db *db, const char *kind, const char *name, const char *doc)
{
    _cleanup_close_ int kfd = -1;
    int r = obj_dir(db, kind, true, &kfd);
    if (r < 0)
        return r;
    if ((r = exists_at(kfd, name)) != 0)
        return r > 0 ? ctr__err(-EEXIST, "%s %s already exists", kind, name)
                     : ctr__err(r, "cannot check %s/obj/%s/%s: %s", db->dir, kind, name, strerror(-r));
    char tmp[NAME_MAX + 1];
    if ((r = obj_write_tmp(db, kfd, doc, tmp)) < 0)
        return r;
    r = linkat(kfd, tmp, kfd, name, 0) < 0 ? -errno : 0;
    (void)unlinkat(kfd, tmp, 0);
    if (r == -EEXIST)
        return ctr__err(-EEXIST, "%s %s already exists", kind, name);
    if (r < 0)
        return ctr__err(r, "cannot link %s/obj/%s/%s: %s", db->dir, kind, name, strerror(-r));
    CTR_FAULT_POINT("files.obj-add.after-link");
    if (fsync(kfd) < 0) {
        r = ctr__err(-errno, "cannot sync %s/obj/%s: %m", db->dir, kind);
        (void)unlinkat(kfd, name, 0);
        return r;
    }
    return 0;
}

static int do_obj_save(struct files_db *db, const char *kind, const char *name, const char *doc)
{
    _cleanup_close_ int kfd = -1;
    int r = obj_dir(db, kind, false, &kfd);
    if (r == 0 && (r = exists_at(kfd, name)) == 0)
        r = -ENOENT;
    if (r == -ENOENT)
        return ctr__err(-ENOENT, "no such %s %s", kind, name);
    if (r < 0)
        return ctr__err(r, "cannot check %s/obj/%s/%s: %s", db->dir, kind, name, strerror(-r));
    char tmp[NAME_MAX + 1];
    if ((r = obj_write_tmp(db, kfd, doc, tmp)) < 0)
        return r;
    if (renameat(kfd, tmp, kfd, name) < 0) {
        r = ctr__err(-errno, "cannot rename the new record of %s %s into place: %m", kind, name);
        (void)unlinkat(kfd, tmp, 0);
        return r;
    }
    return sync_fd(db, kfd, false, "an object directory");
}

static int do_obj_remove(struct files_db *db, const char *kind, const char *name)
{
    _cleanup_close_ int kfd = -1;
    int r = obj_dir(db, kind, false, &kfd);
    if (r == 0 && unlinkat(kfd, name, 0) < 0)
        r = -errno;
    if (r == -ENOENT)
        return ctr__err(-ENOENT, "no such %s %s", kind, name);
    if (r < 0)
        return ctr__err(r, "cannot remove %s/obj/%s/%s: %s", db->dir, kind, name, strerror(-r));
    return sync_fd(db, kfd, false, "an object directory");
}

/* The writes: checked, then between write_begin() and write_end(). */
#define OBJ_WRITE(db, kind, name, doc, expr)                                   \
    ({                                                                         \
        int _r = ctr__state_check_obj(kind, name);                             \
        if (_r == 0 && (doc) == NULL)                                          \
            _r = ctr__err(-EINVAL, "no document for %s %s", kind, name);       \
        if (_r == 0 && (_r = write_begin(db)) == 0) {                          \
            _r = (expr);                                                       \
            write_end(db);                                                     \
        }                                                                      \
        _r;                                                                    \
    })

static int files_obj_add(void *p, const char *kind, const char *name, const char *doc)
{
    return OBJ_WRITE((struct files_db *)p, kind, name, doc, do_obj_add(p, kind, name, doc));
}

static int files_obj_save(void *p, const char *kind, const char *name, const char *doc)
{
    return OBJ_WRITE((struct files_db *)p, kind, name, doc, do_obj_save(p, kind, name, doc));
}

static int files_obj_remove(void *p, const char *kind, const char *name)
{
    return OBJ_WRITE((struct files_db *)p, kind, name, "", do_obj_remove(p, kind, name));
}

static int files_obj_get(void *p, const char *kind, const char *name, char **ret_doc)
{
    struct files_db *db = p;
    int r = ctr__state_check_obj(kind, name);
    if (r < 0)
        return r;
    if (!ret_doc)
        return ctr__err(-EINVAL, "obj_get: no output pointer");
    _cleanup_close_ int kfd = -1;
    r = obj_dir(db, kind, false, &kfd);
    char *doc = NULL;
    if (r == 0)
        r = read_doc_dup_at(db, kfd, name, &doc);
    if (r == -ENOENT)
        return ctr__err(-ENOENT, "no such %s %s", kind, name);
    if (r < 0)
        return ctr__err_keep(r, "cannot read %s/obj/%s/%s: %s", db->dir, kind, name, strerror(-r));
    *ret_doc = doc;
    return 0;
}

/* The next record of d: 1 with its name, 0 at the end, -errno. */
static int obj_next(struct files_db *db, DIR *d, struct buf *b, const char **ret_name)
{
    for (;;) {
        errno = 0;
        struct dirent *de = readdir(d);
        if (!de)
            return errno ? -errno : 0;
        if (de->d_name[0] == '.')
            continue; /* ".", "..", transient entries */
        int r = read_doc_at(db, dirfd(d), de->d_name, b, NULL);
        if (r == -ENOENT || r == -EUCLEAN)
            continue; /* removed meanwhile, or no regular file */
        if (r < 0)
            return r;
        *ret_name = de->d_name;
        return 1;
    }
}

static void buf_freep(struct buf *b) { free(b->data); }

static int files_obj_iterate(void *p, const char *kind, ctr_state_obj_fn fn, void *userdata)
{
    struct files_db *db = p;
    int r = ctr__state_check_obj(kind, "x");
    if (r < 0)
        return r;
    if (!fn)
        return ctr__err(-EINVAL, "obj_iterate: no callback");
    _cleanup_close_ int kfd = -1;
    r = obj_dir(db, kind, false, &kfd);
    if (r == -ENOENT)
        return 0;
    if (r < 0)
        return r;
    _cleanup_(closedirp) DIR *d = fdopendir(kfd);
    if (!d)
        return ctr__err(-errno, "cannot read %s/obj/%s: %m", db->dir, kind);
    TAKE_FD(kfd); /* d owns it */
    _cleanup_(buf_freep) struct buf b = { 0 };
    for (;;) {
        const char *name = NULL;
        r = obj_next(db, d, &b, &name);
        if (r < 0)
            return ctr__err(r, "cannot read %s/obj/%s: %s", db->dir, kind, strerror(-r));
        if (r == 0)
            return 0;
        if ((r = fn(name, b.data, userdata)) != 0)
            return r;
    }
}

const ctr_state_backend_t ctr__state_backend_files = {
    .version = CTR_STATE_BACKEND_VERSION,
    .name = "files",
    .open = files_open,
    .close = files_close,
    .add = files_add,
    .remove = files_remove,
    .save_state = files_save_state,
    .get = files_get,
    .lookup_name = files_lookup_name,
    .iterate = files_iterate,
    .obj_add = files_obj_add,
    .obj_save = files_obj_save,
    .obj_get = files_obj_get,
    .obj_remove = files_obj_remove,
    .obj_iterate = files_obj_iterate,
    .rename = files_rename,
    .save_state_flags = files_save_state_flags,
};
