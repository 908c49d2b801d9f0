/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The "tdb" state backend: one database DIR/state.tdb.
 *
 * Keys (without a NUL) and values (with their NUL terminator):
 *
 *   meta/version   the layout version, "1"
 *   config/ID      the config document
 *   state/ID       the state document
 *   name/NAME      the ID
 *   obj/KIND/NAME  an object record (a volume, ...): its document
 *
 * Every write is one transaction; tdb_transaction_commit() writes a recovery
 * area and fsyncs it before touching the data (TDB_DEFAULT keeps the syncs),
 * and a crashed commit is rolled back by the next process that opens or locks
 * the file.  Values read back are never trusted to hold a NUL.
 *
 * tdb refuses to open one file twice in a process (fcntl locks do not nest),
 * and a context inherited through fork() must be reopened before use.  So
 * handles on one file are shared within a process (reference counted, calls
 * serialized with a mutex), and a context used by a process other than the one
 * that opened it is reopened first.
 */
#include <ctr-config.h>

#if HAVE_TDB

#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <sys/stat.h>
#include <tdb.h>

#include "base/error.h"
#include "base/fault.h"
#include "state/backends.h"

#define ID_MAX CTR__STATE_ID_MAX
#define NAME_LEN_MAX 255

/* One open tdb context, shared by every handle on the same file. */
struct shared {
    struct shared *next;
    dev_t dev;
    ino_t ino;
    pid_t pid; /* the process the context was (re)opened in */
    unsigned int refs;
    pthread_mutex_t mutex; /* serializes calls on tdb */
    struct tdb_context *tdb;
    char *path;
};

static pthread_mutex_t shared_list_mutex = PTHREAD_MUTEX_INITIALIZER;
static struct shared *shared_list;

struct tdb_db {
    struct shared *s;
};

/* ------------------------------------------------------------------------- */
/* Helpers. */

static int code_of(struct tdb_context *tdb)
{
    switch (tdb_error(tdb)) {
    case TDB_SUCCESS: return -EIO;
    case TDB_ERR_CORRUPT: return -EUCLEAN;
    case TDB_ERR_IO: return -EIO;
    case TDB_ERR_LOCK:
    case TDB_ERR_NOLOCK:
    case TDB_ERR_LOCK_TIMEOUT: return -ENOLCK;
    case TDB_ERR_OOM: return -ENOMEM;
    case TDB_ERR_EXISTS: return -EEXIST;
    case TDB_ERR_NOEXIST: return -ENOENT;
    case TDB_ERR_EINVAL: return -EINVAL;
    case TDB_ERR_RDONLY: return -EROFS;
    case TDB_ERR_NESTING: return -EBUSY;
    }
    return -EIO;
}

/* Record tdb's error for what failed. */
static int fail(struct shared *s, const char *what)
{
    return ctr__err(code_of(s->tdb), "%s: %s: %s", s->path, what, tdb_errorstr(s->tdb));
}


/* A key "PREFIX/S" in buf (large enough: checked lengths). */
static TDB_DATA make_key(char *buf, size_t size, const char *prefix, const char *s)
{
    int n = snprintf(buf, size, "%s/%s", prefix, s);
    return (TDB_DATA){ .dptr = (unsigned char *)buf, .dsize = (size_t)n };
}

#define KEY_MAX (NAME_LEN_MAX + 16)

static TDB_DATA value_of(const char *s)
{
    return (TDB_DATA){ .dptr = (unsigned char *)s, .dsize = strlen(s) + 1 };
}

/* A copy of v as a string: its bytes up to dsize (or the first NUL). */
static char *string_of(TDB_DATA v)
{
    size_t n = v.dptr ? strnlen((const char *)v.dptr, v.dsize) : 0;
    char *s = malloc(n + 1);
    if (!s)
        return NULL;
    if (n)
        memcpy(s, v.dptr, n);
    s[n] = '\0';
    return s;
}

/* Fetch key as a string: 0, -ENOENT (no message), other -errno with a message. */
static int fetch(struct shared *s, TDB_DATA key, char **ret)
{
    TDB_DATA v = tdb_fetch(s->tdb, key);
    if (!v.dptr) {
        if (tdb_error(s->tdb) == TDB_ERR_NOEXIST)
            return -ENOENT;
        return fail(s, "cannot read");
    }
    char *str;
    if (v.dsize > 0 && v.dptr[v.dsize - 1] == '\0' && !memchr(v.dptr, '\0', v.dsize - 1)) {
        str = (char *)v.dptr; /* tdb_fetch() allocates with malloc() */
    } else {
        str = string_of(v);
        free(v.dptr);
        if (!str)
            return ctr__oom("a state document");
    }
    *ret = str;
    return 0;
}

/* Reopen the context if it was inherited through fork(). */
static int ensure_own(struct shared *s)
{
    pid_t pid = getpid();
    if (s->pid == pid)
        return 0;
    if (!s->tdb)
        return ctr__err(-EBADF, "%s: the database could not be reopened after fork()", s->path);
    if (tdb_reopen(s->tdb) != 0) {
        s->tdb = NULL; /* tdb_reopen() closed it */
        return ctr__err(-EIO, "%s: cannot reopen the database after fork()", s->path);
    }
    s->pid = pid;
    return 0;
}

/* Enter a call on db: lock, reopen after fork. */
static int enter(struct tdb_db *db)
{
    pthread_mutex_lock(&db->s->mutex);
    int r = ensure_own(db->s);
    if (r < 0)
        pthread_mutex_unlock(&db->s->mutex);
    return r;
}

static void leave(struct tdb_db *db)
{
    pthread_mutex_unlock(&db->s->mutex);
}

static int tx_start(struct shared *s)
{
    /* The file at the path is still the one opened (see check_same_dir()
     * of the files backend). */
    struct stat st;
    if (stat(s->path, &st) < 0 || st.st_dev != s->dev || st.st_ino != s->ino)
        return ctr__err(-ESTALE, "%s was removed or replaced while this runtime had it open: open the runtime again",
                        s->path);
    if (tdb_transaction_start(s->tdb) != 0)
        return fail(s, "cannot start a transaction");
    return 0;
}

static int tx_commit(struct shared *s)
{
    if (tdb_transaction_commit(s->tdb) != 0) {
        int r = fail(s, "cannot commit a transaction");
        /* Some failures leave the transaction open. */
        (void)tdb_transaction_cancel(s->tdb);
        return r;
    }
    return 0;
}

/* Reads take the read lock on all records once (three fcntl() calls) rather
 * than one per record: the reads inside take no lock of their own, and they
 * see one consistent state (a commit needs the write lock). */
static int read_lock(struct shared *s)
{
    if (tdb_lockall_read(s->tdb) != 0)
        return fail(s, "cannot lock the database");
    return 0;
}

static void read_unlock(struct shared *s)
{
    (void)tdb_unlockall_read(s->tdb);
}

/* Cancel, keeping the error r already recorded. */
static int tx_cancel(struct shared *s, int r)
{
    (void)tdb_transaction_cancel(s->tdb);
    return r;
}

/* ------------------------------------------------------------------------- */
/* Open and close. */

static int check_version(struct shared *s)
{
    static const char key_s[] = "meta/version";
    TDB_DATA key = { .dptr = (unsigned char *)key_s, .dsize = sizeof key_s - 1 };
    char want[16];
    snprintf(want, sizeof want, "%d", CTR__STATE_TDB_LAYOUT_VERSION);

    _cleanup_free_ char *v = NULL;
    int r = fetch(s, key, &v);
    if (r == -ENOENT)
        /* A new database has it from the start (create_new()). */
        return ctr__err(-EUCLEAN, "%s has no layout version record: it is not libctr's database, or it is damaged",
                        s->path);
    if (r < 0)
        return r;

    return ctr__state_layout_check(v, s->path, CTR__STATE_TDB_LAYOUT_VERSION);
}

static void shared_free(struct shared *s)
{
    if (!s)
        return;
    if (s->tdb)
        tdb_close(s->tdb);
    pthread_mutex_destroy(&s->mutex);
    free(s->path);
    free(s);
}

static void shared_freep(struct shared **p) { shared_free(*p); }

/* A new database, made under a temporary name with its layout version and
 * renamed into place: the path only ever holds an initialized database, so
 * an empty or headless file there is damage, never "new". */
static int create_new(const char *path)
{
    char rnd[65], tmp[PATH_MAX];
    int r = ctr__random_id(rnd);
    if (r < 0)
        return ctr__err(r, "getrandom: %s", strerror(-r));
    snprintf(tmp, sizeof tmp, "%s.new-%.16s", path, rnd);
    struct tdb_context *t = tdb_open(tmp, 0, TDB_DEFAULT, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (!t)
        return ctr__err(-(errno ? errno : EIO), "cannot create %s: %m", tmp);
    static const char key_s[] = "meta/version";
    TDB_DATA key = { .dptr = (unsigned char *)key_s, .dsize = sizeof key_s - 1 };
    char want[16];
    snprintf(want, sizeof want, "%d", CTR__STATE_TDB_LAYOUT_VERSION);
    bool ok = tdb_store(t, key, value_of(want), TDB_INSERT) == 0 && fsync(tdb_fd(t)) == 0;
    tdb_close(t);
    if (!ok || renameat2(AT_FDCWD, tmp, AT_FDCWD, path, RENAME_NOREPLACE) < 0) {
        int e = ok ? errno : EIO;
        unlink(tmp);
        if (e == EEXIST)
            return 0; /* another process made it first */
        return ctr__err(-e, "cannot create %s: %s", path, strerror(e));
    }
    _cleanup_free_ char *dir = strdup(path);
    if (!dir)
        return ctr__oom("a path");
    return ctr__fsync_dir(dirname(dir));
}

/* With shared_list_mutex held. */
static int shared_open(const char *path, struct shared **ret)
{
    struct stat st;
    int flags = O_RDWR | O_CLOEXEC;
    if (stat(path, &st) < 0 && errno == ENOENT) {
        int r = create_new(path);
        if (r < 0)
            return r;
    }
    if (stat(path, &st) == 0) {
        for (struct shared *i = shared_list; i; i = i->next)
            if (i->dev == st.st_dev && i->ino == st.st_ino) {
                pthread_mutex_lock(&i->mutex);
                int r = ensure_own(i);
                pthread_mutex_unlock(&i->mutex);
                if (r < 0)
                    return r;
                i->refs++;
                *ret = i;
                return 0;
            }
        if (st.st_size == 0)
            return ctr__err(-EUCLEAN, "%s is empty: the database was truncated (the containers it recorded are "
                                      "not known); restore it, or remove it to start with none",
                            path);
    } else {
        return ctr__err(-errno, "cannot stat %s: %m", path);
    }

    _cleanup_(shared_freep) struct shared *s = calloc(1, sizeof *s);
    if (!s)
        return ctr__oom("the tdb database handle");
    pthread_mutex_init(&s->mutex, NULL);
    s->path = strdup(path);
    if (!s->path)
        return ctr__oom("the tdb database handle");

    errno = 0;
    s->tdb = tdb_open(path, 0, TDB_DEFAULT, flags, 0600);
    if (!s->tdb) {
        int e = errno ? errno : EIO;
        if (e == EBUSY)
            return ctr__err(-EBUSY, "%s is already opened in this process by other code", path);
        if (e == EIO || e == EINVAL)
            return ctr__err(-e, "%s is not a tdb database or is damaged (%s)", path, strerror(e));
        return ctr__err(-e, "cannot open %s: %s", path, strerror(e));
    }
    if (fstat(tdb_fd(s->tdb), &st) < 0)
        return ctr__err(-errno, "cannot stat %s: %m", path);
    s->dev = st.st_dev;
    s->ino = st.st_ino;
    s->pid = getpid();

    int r = check_version(s);
    if (r < 0)
        return r;

    s->refs = 1;
    s->next = shared_list;
    shared_list = s;
    *ret = TAKE_PTR(s);
    return 0;
}

static void shared_release(struct shared *s)
{
    pthread_mutex_lock(&shared_list_mutex);
    if (--s->refs == 0) {
        for (struct shared **i = &shared_list; *i; i = &(*i)->next)
            if (*i == s) {
                *i = s->next;
                break;
            }
        /* A context inherited through fork() still belongs to the parent's
         * file description and locks: closing it only drops ours. */
        shared_free(s);
    }
    pthread_mutex_unlock(&shared_list_mutex);
}

static int tdbb_open(void **ret_db, const char *dir, void *userdata)
{
    if (isempty(dir))
        return ctr__err(-EINVAL, "tdb state backend: no directory given");
    _cleanup_free_ char *path = ctr__asprintf("%s/state.tdb", dir);
    _cleanup_free_ struct tdb_db *db = calloc(1, sizeof *db);
    if (!path || !db)
        return ctr__oom("the tdb state backend");

    pthread_mutex_lock(&shared_list_mutex);
    int r = shared_open(path, &db->s);
    pthread_mutex_unlock(&shared_list_mutex);
    if (r < 0)
        return r;
    *ret_db = TAKE_PTR(db);
    return 0;
}

static void tdbb_close(void *p)
{
    struct tdb_db *db = p;
    if (!db)
        return;
    shared_release(db->s);
    free(db);
}

/* ------------------------------------------------------------------------- */
/* Writes. */

/* Whether the container that name/NAME points at exists: 1, 0, -errno. */
static int name_owner_exists(struct shared *s, TDB_DATA key_name)
{
    _cleanup_free_ char *owner = NULL;
    int r = fetch(s, key_name, &owner);
    if (r == -ENOENT)
        return 0;
    if (r < 0)
        return r;
    if (!ctr__state_component_ok(owner, ID_MAX))
        return 0;
    char kc[KEY_MAX];
    TDB_DATA key_config = make_key(kc, sizeof kc, "config", owner);
    return tdb_exists(s->tdb, key_config) ? 1 : 0;
}

static int do_add(struct shared *s, const char *id, const char *name, const char *config, const char *state)
{
    char kc[KEY_MAX], ks[KEY_MAX], kn[KEY_MAX];
    TDB_DATA key_config = make_key(kc, sizeof kc, "config", id);
    TDB_DATA key_state = make_key(ks, sizeof ks, "state", id);
    TDB_DATA key_name = make_key(kn, sizeof kn, "name", name);

    int r = tx_start(s);
    if (r < 0)
        return r;
    if (tdb_store(s->tdb, key_config, value_of(config), TDB_INSERT) != 0) {
        if (tdb_error(s->tdb) == TDB_ERR_EXISTS)
            return tx_cancel(s, ctr__err(-EEXIST, "container %s already exists", id));
        return tx_cancel(s, fail(s, "cannot store a config"));
    }
    if (tdb_store(s->tdb, key_name, value_of(id), TDB_INSERT) != 0) {
        if (tdb_error(s->tdb) != TDB_ERR_EXISTS)
            return tx_cancel(s, fail(s, "cannot store a name"));
        /* Taken, unless its owner is gone (a remove() given another name). */
        r = name_owner_exists(s, key_name);
        if (r < 0)
            return tx_cancel(s, r);
        if (r > 0)
            return tx_cancel(s, ctr__err(-EEXIST, "name %s is already in use", name));
        if (tdb_store(s->tdb, key_name, value_of(id), TDB_REPLACE) != 0)
            return tx_cancel(s, fail(s, "cannot store a name"));
    }
    /* TDB_REPLACE: a state without its config (never written so) is junk. */
    if (tdb_store(s->tdb, key_state, value_of(state), TDB_REPLACE) != 0)
        return tx_cancel(s, fail(s, "cannot store a state"));
    CTR_FAULT_POINT("tdb.add.before-commit");
    return tx_commit(s);
}

static int tdbb_add(void *p, const char *id, const char *name, const char *config, const char *state)
{
    struct tdb_db *db = p;
    int r = ctr__state_check_id(id);
    if (r < 0)
        return r;
    r = ctr__state_check_name(name);
    if (r < 0)
        return r;
    if (!config || !state)
        return ctr__err(-EINVAL, "add: missing config or state document");
    r = enter(db);
    if (r < 0)
        return r;
    r = do_add(db->s, id, name, config, state);
    CTR_FAULT_POINT("tdb.add.after-commit");
    leave(db);
    return r;
}

static int do_remove(struct shared *s, const char *id, const char *name)
{
    char kc[KEY_MAX], ks[KEY_MAX], kn[KEY_MAX];
    TDB_DATA key_config = make_key(kc, sizeof kc, "config", id);
    TDB_DATA key_state = make_key(ks, sizeof ks, "state", id);

    int r = tx_start(s);
    if (r < 0)
        return r;
    if (tdb_delete(s->tdb, key_config) != 0) {
        if (tdb_error(s->tdb) == TDB_ERR_NOEXIST)
            return tx_cancel(s, ctr__err(-ENOENT, "no such container %s", id));
        return tx_cancel(s, fail(s, "cannot delete a config"));
    }
    if (tdb_delete(s->tdb, key_state) != 0 && tdb_error(s->tdb) != TDB_ERR_NOEXIST)
        return tx_cancel(s, fail(s, "cannot delete a state"));
    if (name) {
        TDB_DATA key_name = make_key(kn, sizeof kn, "name", name);
        _cleanup_free_ char *owner = NULL;
        r = fetch(s, key_name, &owner);
        if (r < 0 && r != -ENOENT)
            return tx_cancel(s, r);
        /* Only the container's own name. */
        if (r == 0 && streq(owner, id) && tdb_delete(s->tdb, key_name) != 0)
            return tx_cancel(s, fail(s, "cannot delete a name"));
    }
    CTR_FAULT_POINT("tdb.remove.before-commit");
    return tx_commit(s);
}

static int tdbb_remove(void *p, const char *id, const char *name)
{
    struct tdb_db *db = p;
    int r = ctr__state_check_id(id);
    if (r < 0)
        return r;
    if (name) {
        r = ctr__state_check_name(name);
        if (r < 0)
            return r;
    }
    r = enter(db);
    if (r < 0)
        return r;
    r = do_remove(db->s, id, name);
    CTR_FAULT_POINT("tdb.remove.after-commit");
    leave(db);
    return r;
}

/* Inside a transaction: 0 when the container's config exists, -ENOENT. */
static int config_exists(struct shared *s, TDB_DATA key_config, const char *id)
{
    if (tdb_exists(s->tdb, key_config))
        return 0;
    if (tdb_error(s->tdb) != TDB_ERR_NOEXIST && tdb_error(s->tdb) != TDB_SUCCESS)
        return fail(s, "cannot read a config");
    return ctr__err(-ENOENT, "no such container %s", id);
}

static int do_save_state(struct shared *s, const char *id, const char *state)
{
    char kc[KEY_MAX], ks[KEY_MAX];
    TDB_DATA key_config = make_key(kc, sizeof kc, "config", id);
    TDB_DATA key_state = make_key(ks, sizeof ks, "state", id);

    int r = tx_start(s);
    if (r < 0)
        return r;
    if ((r = config_exists(s, key_config, id)) < 0)
        return tx_cancel(s, r);
    if (tdb_store(s->tdb, key_state, value_of(state), TDB_REPLACE) != 0)
        return tx_cancel(s, fail(s, "cannot store a state"));
    CTR_FAULT_POINT("tdb.save.before-commit");
    return tx_commit(s);
}

static int tdbb_save_state(void *p, const char *id, const char *state)
{
    struct tdb_db *db = p;
    int r = ctr__state_check_id(id);
    if (r < 0)
        return r;
    if (!state)
        return ctr__err(-EINVAL, "save_state: no state document");
    r = enter(db);
    if (r < 0)
        return r;
    r = do_save_state(db->s, id, state);
    CTR_FAULT_POINT("tdb.save.after-commit");
    leave(db);
    return r;
}

/* CTR_STATE_SAVE_TRANSIENT is accepted and ignored: every save is a synced
 * transaction.  TDB_NOSYNC would skip the syncs, but tdb's transaction
 * recovery relies on them: a commit torn by a power loss can damage the
 * whole state.tdb, every container's record, not just bring one document
 * back.  The contract lets a backend save a transient state durably. */
static int tdbb_save_state_flags(void *p, const char *id, const char *state, unsigned int flags)
{
    if (flags & ~(unsigned int)CTR_STATE_SAVE_TRANSIENT)
        return ctr__err(-EINVAL, "save_state_flags: unknown flags %#x",
                        flags & ~(unsigned int)CTR_STATE_SAVE_TRANSIENT);
    return tdbb_save_state(p, id, state);
}

/* Move name/OLD to name/NEW for id (in the caller's transaction): -EEXIST
 * when NEW is another container's. */
static int move_name(struct shared *s, const char *id, const char *old_name, const char *new_name)
{
    char ko[KEY_MAX], kn[KEY_MAX];
    TDB_DATA key_old = make_key(ko, sizeof ko, "name", old_name);
    TDB_DATA key_new = make_key(kn, sizeof kn, "name", new_name);
    _cleanup_free_ char *owner = NULL;
    int r = fetch(s, key_new, &owner);
    if (r < 0 && r != -ENOENT)
        return r;
    /* Taken, unless its owner is gone or it is id itself. */
    if (r == 0 && !streq(owner, id) && (r = name_owner_exists(s, key_new)) != 0)
        return r < 0 ? r : ctr__err(-EEXIST, "name %s is already in use", new_name);
    if (tdb_store(s->tdb, key_new, value_of(id), TDB_REPLACE) != 0)
        return fail(s, "cannot store a name");
    free(owner);
    owner = NULL;
    r = fetch(s, key_old, &owner);
    if (r < 0 && r != -ENOENT)
        return r;
    if (r == 0 && streq(owner, id) && tdb_delete(s->tdb, key_old) != 0)
        return fail(s, "cannot delete a name");
    return 0;
}

static int do_rename(struct shared *s, const char *id, const char *old_name, const char *new_name,
                     const char *config, const char *state)
{
    char kc[KEY_MAX], ks[KEY_MAX];
    TDB_DATA key_config = make_key(kc, sizeof kc, "config", id);
    TDB_DATA key_state = make_key(ks, sizeof ks, "state", id);

    int r = tx_start(s);
    if (r < 0)
        return r;
    if ((r = config_exists(s, key_config, id)) < 0)
        return tx_cancel(s, r);
    if (!streq(old_name, new_name) && (r = move_name(s, id, old_name, new_name)) < 0)
        return tx_cancel(s, r);
    if (tdb_store(s->tdb, key_config, value_of(config), TDB_REPLACE) != 0)
        return tx_cancel(s, fail(s, "cannot store a config"));
    if (tdb_store(s->tdb, key_state, value_of(state), TDB_REPLACE) != 0)
        return tx_cancel(s, fail(s, "cannot store a state"));
    CTR_FAULT_POINT("tdb.rename.before-commit");
    return tx_commit(s);
}

static int tdbb_rename(void *p, const char *id, const char *old_name, const char *new_name, const char *config,
                       const char *state)
{
    struct tdb_db *db = p;
    int r = ctr__state_check_rename(id, old_name, new_name, config, state);
    if (r < 0)
        return r;
    r = enter(db);
    if (r < 0)
        return r;
    r = do_rename(db->s, id, old_name, new_name, config, state);
    CTR_FAULT_POINT("tdb.rename.after-commit");
    leave(db);
    return r;
}

/* ------------------------------------------------------------------------- */
/* Reads. */

static int do_get(struct shared *s, const char *id, char **ret_config, char **ret_state)
{
    char kc[KEY_MAX], ks[KEY_MAX];
    TDB_DATA key_config = make_key(kc, sizeof kc, "config", id);
    TDB_DATA key_state = make_key(ks, sizeof ks, "state", id);
    _cleanup_free_ char *c = NULL, *st = NULL;
    int r = 0;

    if (ret_config || !ret_state) {
        r = ret_config ? fetch(s, key_config, &c) : (tdb_exists(s->tdb, key_config) ? 0 : -ENOENT);
        if (r == -ENOENT)
            return ctr__err(-ENOENT, "no such container %s", id);
        if (r < 0)
            return r;
    }
    if (ret_state) {
        r = fetch(s, key_state, &st);
        if (r == -ENOENT)
            return ctr__err(-ENOENT, "no such container %s", id);
        if (r < 0)
            return r;
    }
    if (ret_config)
        *ret_config = TAKE_PTR(c);
    if (ret_state)
        *ret_state = TAKE_PTR(st);
    return 0;
}

static int tdbb_get(void *p, const char *id, char **ret_config, char **ret_state)
{
    struct tdb_db *db = p;
    int r = ctr__state_check_id(id);
    if (r < 0)
        return r;
    r = enter(db);
    if (r < 0)
        return r;
    r = read_lock(db->s);
    if (r == 0) {
        r = do_get(db->s, id, ret_config, ret_state);
        read_unlock(db->s);
    }
    leave(db);
    return r;
}

/* The ID the name key holds, -ENOENT unless it is an ID whose container is
 * there (read lock held). */
static int lookup_locked(struct shared *s, TDB_DATA key_name, char **ret_id)
{
    _cleanup_free_ char *id = NULL;
    int r = fetch(s, key_name, &id);
    if (r < 0)
        return r;
    if (!ctr__state_component_ok(id, ID_MAX))
        return -ENOENT; /* not an ID: corrupt */
    /* A name left behind by a remove() given another name names nothing. */
    char kc[KEY_MAX];
    TDB_DATA key_config = make_key(kc, sizeof kc, "config", id);
    if (!tdb_exists(s->tdb, key_config))
        return -ENOENT;
    *ret_id = TAKE_PTR(id);
    return 0;
}

static int tdbb_lookup_name(void *p, const char *name, char **ret_id)
{
    struct tdb_db *db = p;
    int r = ctr__state_check_name(name);
    if (r < 0)
        return r;
    if (!ret_id)
        return ctr__err(-EINVAL, "lookup_name: no output pointer");
    char kn[KEY_MAX];
    TDB_DATA key_name = make_key(kn, sizeof kn, "name", name);

    r = enter(db);
    if (r < 0)
        return r;
    _cleanup_free_ char *id = NULL;
    r = read_lock(db->s);
    if (r < 0) {
        leave(db);
        return r;
    }
    r = lookup_locked(db->s, key_name, &id);
    read_unlock(db->s);
    leave(db);
    if (r == -ENOENT)
        return ctr__err(-ENOENT, "no container is named %s", name);
    if (r < 0)
        return r;
    *ret_id = TAKE_PTR(id);
    return 0;
}

/* iterate() collects under the read lock, then calls back with no lock held,
 * so that the callback may use the database. */
struct entry {
    char *id;
    char *config;
    char *state;
};

struct collect {
    struct entry *v;
    size_t n, cap;
};

static void collect_free(struct collect *c)
{
    for (size_t i = 0; i < c->n; i++) {
        free(c->v[i].id);
        free(c->v[i].config);
        free(c->v[i].state);
    }
    free(c->v);
}

/* With the read lock held: key is "config/ID"; add ID with what flags asks
 * for.  0, or -errno with a message. */
static int collect_one(struct shared *s, struct collect *c, TDB_DATA key, unsigned int flags)
{
    static const char prefix[] = "config/";
    const size_t plen = sizeof prefix - 1;
    if (key.dsize <= plen || memcmp(key.dptr, prefix, plen) != 0)
        return 0;
    _cleanup_free_ char *id = string_of((TDB_DATA){ .dptr = key.dptr + plen, .dsize = key.dsize - plen });
    if (!id)
        return ctr__oom("a container ID");
    if (!ctr__state_component_ok(id, ID_MAX))
        return 0; /* not ours */

    _cleanup_free_ char *config = NULL, *state = NULL;
    int r = 0;
    if (flags & CTR_STATE_ITER_CONFIG) {
        r = fetch(s, key, &config);
        if (r < 0)
            return r == -ENOENT ? 0 : r;
    }
    if (flags & CTR_STATE_ITER_STATE) {
        char ks[KEY_MAX];
        r = fetch(s, make_key(ks, sizeof ks, "state", id), &state);
        if (r < 0)
            return r == -ENOENT ? 0 : r; /* never written so */
    }
    if (c->n == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 256;
        struct entry *v = realloc(c->v, cap * sizeof *v);
        if (!v)
            return ctr__oom("the container list");
        c->v = v;
        c->cap = cap;
    }
    c->v[c->n++] = (struct entry){ TAKE_PTR(id), TAKE_PTR(config), TAKE_PTR(state) };
    return 0;
}

/* What a walk over the keys does with each: a container's record by the
 * flags, or an object record under the prefix, into c. */
struct walk {
    struct collect *c;
    unsigned int flags;
    const char *prefix;
};

/* Every key through one (read lock held); its non-zero return stops the walk. */
static int walk_keys(struct shared *s, int (*one)(struct shared *, TDB_DATA, const struct walk *),
                     const struct walk *w)
{
    for (TDB_DATA key = tdb_firstkey(s->tdb); key.dptr;) {
        int r = one(s, key, w);
        if (r != 0) {
            free(key.dptr);
            return r;
        }
        TDB_DATA next = tdb_nextkey(s->tdb, key);
        free(key.dptr);
        key = next;
    }
    /* The end of the keys leaves TDB_SUCCESS, a failure its own code. */
    if (tdb_error(s->tdb) != TDB_SUCCESS)
        return fail(s, "cannot list the keys");
    return 0;
}

static int collect_key(struct shared *s, TDB_DATA key, const struct walk *w)
{
    return collect_one(s, w->c, key, w->flags);
}

/* Every key's record into c (read lock held). */
static int collect_locked(struct shared *s, struct collect *c, unsigned int flags)
{
    return walk_keys(s, collect_key, &(struct walk){ .c = c, .flags = flags });
}

static int collect_all(struct shared *s, struct collect *c, unsigned int flags)
{
    int r = read_lock(s);
    if (r < 0)
        return r;
    r = collect_locked(s, c, flags);
    read_unlock(s);
    return r;
}

static int tdbb_iterate(void *p, unsigned int flags, ctr_state_iter_fn fn, void *userdata)
{
    struct tdb_db *db = p;
    if (!fn)
        return ctr__err(-EINVAL, "iterate: no callback");

    _cleanup_(collect_free) struct collect c = { 0 };
    int r = enter(db);
    if (r < 0)
        return r;
    r = collect_all(db->s, &c, flags);
    leave(db);
    if (r < 0)
        return r;

    for (size_t i = 0; i < c.n; i++) {
        r = fn(c.v[i].id, c.v[i].config, c.v[i].state, userdata);
        if (r != 0)
            return r;
    }
    return 0;
}

/* ------------------------------------------------------------------------- */
/* Object records: obj/KIND/NAME, one transaction per write. */

#define OBJ_KEY_MAX (CTR__STATE_KIND_MAX + NAME_LEN_MAX + 8)

static TDB_DATA obj_key(char *buf, size_t size, const char *kind, const char *name)
{
    int n = snprintf(buf, size, "obj/%s/%s", kind, name);
    return (TDB_DATA){ .dptr = (unsigned char *)buf, .dsize = (size_t)n };
}

/* Store doc under the record's key: TDB_INSERT (add) or TDB_MODIFY (save). */
static int do_obj_store(struct shared *s, const char *kind, const char *name, const char *doc, int how)
{
    char kb[OBJ_KEY_MAX];
    TDB_DATA key = obj_key(kb, sizeof kb, kind, name);
    int r = tx_start(s);
    if (r < 0)
        return r;
    if (tdb_store(s->tdb, key, value_of(doc), how) != 0) {
        if (tdb_error(s->tdb) == TDB_ERR_EXISTS)
            return tx_cancel(s, ctr__err(-EEXIST, "%s %s already exists", kind, name));
        if (tdb_error(s->tdb) == TDB_ERR_NOEXIST)
            return tx_cancel(s, ctr__err(-ENOENT, "no such %s %s", kind, name));
        return tx_cancel(s, fail(s, "cannot store a record"));
    }
    CTR_FAULT_POINT("tdb.obj.before-commit");
    return tx_commit(s);
}

static int do_obj_remove(struct shared *s, const char *kind, const char *name)
{
    char kb[OBJ_KEY_MAX];
    TDB_DATA key = obj_key(kb, sizeof kb, kind, name);
    int r = tx_start(s);
    if (r < 0)
        return r;
    if (tdb_delete(s->tdb, key) != 0) {
        if (tdb_error(s->tdb) == TDB_ERR_NOEXIST)
            return tx_cancel(s, ctr__err(-ENOENT, "no such %s %s", kind, name));
        return tx_cancel(s, fail(s, "cannot delete a record"));
    }
    return tx_commit(s);
}

/* A write: checked, then under the handle's mutex. */
static int obj_write(struct tdb_db *db, const char *kind, const char *name, const char *doc, int how)
{
    int r = ctr__state_check_obj(kind, name);
    if (r < 0)
        return r;
    if (how != 0 && !doc)
        return ctr__err(-EINVAL, "no document for %s %s", kind, name);
    r = enter(db);
    if (r < 0)
        return r;
    r = how != 0 ? do_obj_store(db->s, kind, name, doc, how) : do_obj_remove(db->s, kind, name);
    leave(db);
    return r;
}

static int tdbb_obj_add(void *p, const char *kind, const char *name, const char *doc)
{
    return obj_write(p, kind, name, doc, TDB_INSERT);
}

static int tdbb_obj_save(void *p, const char *kind, const char *name, const char *doc)
{
    return obj_write(p, kind, name, doc, TDB_MODIFY);
}

static int tdbb_obj_remove(void *p, const char *kind, const char *name)
{
    return obj_write(p, kind, name, NULL, 0);
}

static int tdbb_obj_get(void *p, const char *kind, const char *name, char **ret_doc)
{
    struct tdb_db *db = p;
    int r = ctr__state_check_obj(kind, name);
    if (r < 0)
        return r;
    if (!ret_doc)
        return ctr__err(-EINVAL, "obj_get: no output pointer");
    char kb[OBJ_KEY_MAX];
    TDB_DATA key = obj_key(kb, sizeof kb, kind, name);
    r = enter(db);
    if (r < 0)
        return r;
    r = fetch(db->s, key, ret_doc);
    leave(db);
    if (r == -ENOENT)
        return ctr__err(-ENOENT, "no such %s %s", kind, name);
    return r;
}

/* The records of one kind, collected under the read lock (in c: id is the
 * name, config the document). */
static int obj_collect_one(struct shared *s, struct collect *c, TDB_DATA key, const char *prefix)
{
    size_t plen = strlen(prefix);
    if (key.dsize <= plen || memcmp(key.dptr, prefix, plen) != 0)
        return 0;
    _cleanup_free_ char *name = string_of((TDB_DATA){ .dptr = key.dptr + plen, .dsize = key.dsize - plen });
    if (!name)
        return ctr__oom("a record name");
    _cleanup_free_ char *doc = NULL;
    int r = fetch(s, key, &doc);
    if (r < 0)
        return r == -ENOENT ? 0 : r;
    if (c->n == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 64;
        struct entry *v = realloc(c->v, cap * sizeof *v);
        if (!v)
            return ctr__oom("the record list");
        c->v = v;
        c->cap = cap;
    }
    c->v[c->n++] = (struct entry){ TAKE_PTR(name), TAKE_PTR(doc), NULL };
    return 0;
}

static int obj_collect_key(struct shared *s, TDB_DATA key, const struct walk *w)
{
    return obj_collect_one(s, w->c, key, w->prefix);
}

static int obj_collect_locked(struct shared *s, struct collect *c, const char *prefix)
{
    return walk_keys(s, obj_collect_key, &(struct walk){ .c = c, .prefix = prefix });
}

static int tdbb_obj_iterate(void *p, const char *kind, ctr_state_obj_fn fn, void *userdata)
{
    struct tdb_db *db = p;
    int r = ctr__state_check_obj(kind, "x");
    if (r < 0)
        return r;
    if (!fn)
        return ctr__err(-EINVAL, "obj_iterate: no callback");
    char prefix[CTR__STATE_KIND_MAX + 8];
    snprintf(prefix, sizeof prefix, "obj/%s/", kind);
    _cleanup_(collect_free) struct collect c = { 0 };
    if ((r = enter(db)) < 0)
        return r;
    if ((r = read_lock(db->s)) == 0) {
        r = obj_collect_locked(db->s, &c, prefix);
        read_unlock(db->s);
    }
    leave(db);
    if (r < 0)
        return r;
    for (size_t i = 0; i < c.n; i++)
        if ((r = fn(c.v[i].id, c.v[i].config, userdata)) != 0)
            return r;
    return 0;
}

const ctr_state_backend_t ctr__state_backend_tdb = {
    .version = CTR_STATE_BACKEND_VERSION,
    .name = "tdb",
    .open = tdbb_open,
    .close = tdbb_close,
    .add = tdbb_add,
    .remove = tdbb_remove,
    .save_state = tdbb_save_state,
    .get = tdbb_get,
    .lookup_name = tdbb_lookup_name,
    .iterate = tdbb_iterate,
    .obj_add = tdbb_obj_add,
    .obj_save = tdbb_obj_save,
    .obj_get = tdbb_obj_get,
    .obj_remove = tdbb_obj_remove,
    .obj_iterate = tdbb_obj_iterate,
    .rename = tdbb_rename,
    .save_state_flags = tdbb_save_state_flags,
};

#endif /* HAVE_TDB */
