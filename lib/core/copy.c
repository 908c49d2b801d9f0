/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Copies between a container and the host (podman cp): a host path to a
 * container path and back, or a tar stream in either direction.
 *
 * The container side is its root file system, mounted for the copy when it
 * is not (and unmounted after), or, for a path under the destination of a
 * bind mount or a named volume, that mount's host directory.  A container
 * path is first walked in the root as the container would see it, its
 * symbolic links followed but never out of the root (ctr__root_path_walk(),
 * ".." at the root stays there); the mount is chosen on the resolved path;
 * every open below is then made with openat2(RESOLVE_IN_ROOT) in that
 * directory (ctr__openat_in_root()).  Data moves as a tar (the library's
 * own writer and its hardened extractor, in CTR__UNPACK_COPY mode): a path
 * copy writes the tar on a thread into a pipe that the calling thread
 * extracts, so a hostile tree inside the container is no more trusted on
 * the host than a hostile stream is inside the container.
 *
 * podman's rules: the source's last symbolic link is followed; "SRC/."
 * copies a directory's contents; an existing destination directory
 * receives the source under its own name, anything else is replaced by it
 * (a directory only by a directory) or made by it (its parent must exist,
 * and a destination ending in "/" must exist). */
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <sys/stat.h>

#include "base/error.h"
#include "base/passwd.h"
#include "base/root-path.h"
#include "core/container.h"
#include "core/lifecycle.h"
#include "core/rootfs.h"
#include "core/runtime.h"
#include "storage/store.h"
#include "storage/volume-dir.h"

#define COPY_FLAGS (CTR_COPY_CHOWN | CTR_COPY_OVERWRITE)

/* A path on one side: a directory and the path below it. */
struct place {
    int root;           /* the host: AT_FDCWD; a container: the directory the path resolves in */
    char *rel;          /* below root ("" the root itself); on the host the path as given */
    const char *shown;  /* the path as the caller gave it, for messages */
    const char *cname;  /* the container's name; NULL on the host */
    bool contents;      /* it ends in "/.": a directory's contents */
    bool slash;         /* it ends in "/" */
};

static void place_done(struct place *p)
{
    if (p->root >= 0)
        close(p->root);
    free(p->rel);
}

static int place_open(const struct place *p, const char *rel, int flags)
{
    if (p->cname)
        return ctr__openat_in_root(p->root, rel, flags, 0, false);
    int fd = openat(p->root, *rel ? rel : ".", flags | O_CLOEXEC);
    return fd < 0 ? -errno : fd;
}

static int not_found(const struct place *p)
{
    if (p->cname)
        return ctr__err(-ENOENT, "\"%s\" could not be found on container %s: no such file or directory", p->shown,
                        p->cname);
    return ctr__err(-ENOENT, "\"%s\" could not be found on the host: no such file or directory", p->shown);
}

static void mark_ends(struct place *p, const char *path)
{
    size_t n = strlen(path);
    p->contents = streq(path, ".") || (n >= 2 && streq(path + n - 2, "/."));
    p->slash = n > 1 && path[n - 1] == '/';
}

/* The host side: the path as given, relative to the working directory; a
 * source with its symbolic links resolved (podman follows them). */
static int host_place(const char *path, bool source, struct place *ret)
{
    *ret = (struct place){ .root = AT_FDCWD, .shown = path };
    mark_ends(ret, path);
    if (source && !(ret->rel = realpath(path, NULL)))
        return errno == ENOENT || errno == ENOTDIR ? not_found(ret) : ctr__err(-errno, "\"%s\": %m", path);
    if (!source && !(ret->rel = strdup(path)))
        return ctr__oom("a path");
    return 0;
}

/* The bind mount or named volume whose destination holds @path (resolved),
 * the deepest one; NULL for none. */
static const struct ctr__mount *mount_of(const struct ctr__config *cfg, const char *path)
{
    const struct ctr__mount *best = NULL;
    for (size_t i = 0; i < cfg->mounts.n; i++) {
        const struct ctr__mount *m = &cfg->mounts.v[i];
        size_t n = strlen(m->destination);
        if (!(streq(m->type, "bind") || (streq(m->type, "volume") && !isempty(m->source))) ||
            strncmp(path, m->destination, n) != 0 || (path[n] && path[n] != '/' && n > 1))
            continue;
        if (!best || n > strlen(best->destination))
            best = m;
    }
    return best;
}

/* The host directory a mount's destination shows and the name below it
 * (a bind-mounted file: its directory and its name). */
static int mount_root(ctr_container_t *c, const struct ctr__mount *m, const char *rest, struct place *p)
{
    _cleanup_free_ char *src = streq(m->type, "volume")
                                   ? ctr__volume_data_path(ctr__runtime_settings(ctr_container_runtime(c)), m->source)
                                   : strdup(m->source);
    if (!src)
        return ctr__oom("a path");
    struct stat st;
    if (stat(src, &st) < 0)
        return ctr__err(-errno, "the source %s of the mount on %s: %m", src, m->destination);
    const char *base = "";
    if (!S_ISDIR(st.st_mode)) {
        char *slash = strrchr(src, '/');
        *slash = '\0';
        base = slash + 1;
        if (*rest)
            return not_found(p);
    }
    if ((p->root = open(*src ? src : "/", O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0)
        return ctr__err(-errno, "cannot open %s: %m", src);
    p->rel = ctr__asprintf("%s%s", base, rest);
    return p->rel ? 0 : ctr__oom("a path");
}

/* The container side of @path (absolute, or relative to the working directory). */
static int container_place(ctr_container_t *c, const char *rootfs, const char *path, struct place *ret)
{
    const struct ctr__config *cfg = ctr__container_config(c);
    struct place p = { .root = -1, .shown = path, .cname = cfg->name };
    mark_ends(&p, path);
    _cleanup_free_ char *abs = ctr__asprintf("%s/%s", path[0] == '/' || isempty(cfg->workdir) ? "" : cfg->workdir, path);
    char clean[PATH_MAX];
    if (!abs)
        return ctr__oom("a path");
    if (ctr__path_clean(abs, clean, sizeof clean) < 0)
        return ctr__err(-ENAMETOOLONG, "\"%s\": the path is too long", path);
    _cleanup_free_ char *resolved = NULL;
    int r = ctr__root_path_walk(rootfs, clean, "path", true, &resolved);
    if (r < 0)
        return r;
    const struct ctr__mount *m = mount_of(cfg, resolved);
    if (m) {
        const char *rest = resolved + (streq(m->destination, "/") ? 0 : strlen(m->destination));
        r = mount_root(c, m, *rest == '/' ? rest + 1 : rest, &p);
    } else if ((p.root = open(rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0) {
        r = ctr__err(-errno, "cannot open the root file system %s: %m", rootfs);
    } else {
        r = (p.rel = strdup(resolved + 1)) ? 0 : ctr__oom("a path");
    }
    if (r < 0) {
        place_done(&p);
        return r;
    }
    *ret = p;
    return 0;
}

/* The directory part of @rel and its last name (both allocated). */
static int split_rel(const char *rel, char **ret_dir, char **ret_base)
{
    size_t n = strlen(rel);
    while (n > 1 && rel[n - 1] == '/')
        n--;
    const char *slash = memrchr(rel, '/', n);
    *ret_dir = slash ? strndup(rel, slash == rel ? 1 : (size_t)(slash - rel)) : strdup("");
    *ret_base = slash ? strndup(slash + 1, n - (size_t)(slash + 1 - rel)) : strndup(rel, n);
    if (!*ret_dir || !*ret_base)
        return ctr__oom("a path");
    return 0;
}

/* What a copy reads: the entry @name of @dir_fd, written as @as; or, with
 * @as NULL, the tree under @dir_fd without itself (the contents). */
struct source {
    int dir_fd;
    char *name, *as;
    bool is_dir;
};

static void source_done(struct source *s)
{
    if (s->dir_fd >= 0)
        close(s->dir_fd);
    free(s->name);
    free(s->as);
}

static int open_source(const struct place *p, struct source *ret)
{
    _cleanup_close_ int fd = place_open(p, p->rel, O_PATH);
    if (fd == -ENOENT || fd == -ENOTDIR)
        return not_found(p);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) < 0)
        return ctr__err(fd < 0 ? fd : -errno, "\"%s\": %s", p->shown, strerror(fd < 0 ? -fd : errno));
    struct source s = { .dir_fd = -1, .is_dir = S_ISDIR(st.st_mode) };
    int r = 0;
    _cleanup_free_ char *dir = NULL;
    if (s.is_dir) {
        s.dir_fd = place_open(p, p->rel, O_RDONLY | O_DIRECTORY);
        s.name = strdup(".");
    } else if ((r = split_rel(p->rel, &dir, &s.name)) == 0) {
        s.dir_fd = place_open(p, dir, O_RDONLY | O_DIRECTORY);
    }
    if (r == 0 && s.dir_fd < 0)
        r = ctr__err(s.dir_fd, "\"%s\": %s", p->shown, strerror(-s.dir_fd));
    else if (r == 0 && !s.name)
        r = ctr__oom("a path");
    if (r < 0) {
        source_done(&s);
        return r;
    }
    *ret = s;
    return 0;
}

/* The name the source has in the tar when it goes into a directory: the
 * last name of the path as given ("/" for a root copied whole: its contents). */
static int source_name(const struct place *p, struct source *s)
{
    _cleanup_free_ char *dir = NULL, *base = NULL;
    int r = split_rel(p->shown, &dir, &base);
    if (r < 0)
        return r;
    if (p->contents || !*base || streq(base, "/") || streq(base, "."))
        return 0;
    s->as = TAKE_PTR(base);
    return 0;
}

/* Where the tar is extracted (*ret_fd) for source @s into @dst, and the
 * source's name in it (s->as; NULL: the contents). */
static int plan(const struct place *src, struct source *s, const struct place *dst, int *ret_fd)
{
    _cleanup_close_ int fd = place_open(dst, dst->rel, O_RDONLY | O_DIRECTORY);
    if (fd >= 0) {
        *ret_fd = TAKE_FD(fd);
        return source_name(src, s);
    }
    if (fd != -ENOTDIR && fd != -ENOENT)
        return ctr__err(fd, "\"%s\": %s", dst->shown, strerror(-fd));
    _cleanup_close_ int any = place_open(dst, dst->rel, O_PATH);
    if (any >= 0 && s->is_dir)
        return ctr__err(-ENOTDIR, "destination must be a directory when copying a directory");
    if (any < 0 && dst->slash)
        return not_found(dst);
    _cleanup_free_ char *dir = NULL, *base = NULL;
    int r = split_rel(dst->rel, &dir, &base);
    if (r < 0)
        return r;
    if ((fd = place_open(dst, dir, O_RDONLY | O_DIRECTORY)) < 0)
        return fd == -ENOENT || fd == -ENOTDIR ? not_found(dst) : ctr__err(fd, "\"%s\": %s", dst->shown, strerror(-fd));
    free(s->as);
    s->as = TAKE_PTR(base);
    *ret_fd = TAKE_FD(fd);
    return 0;
}

/* The source's tar on @fd; with @chown, owned by the caller. */
static int write_source(const struct source *s, bool chown, int fd)
{
    struct ctr__tar_copy t = { .name = s->as ? s->name : NULL, .as = s->as, .chown = chown };
    if (chown) {
        t.uid = geteuid();
        t.gid = getegid();
    }
    return ctr__tar_create_copy(s->dir_fd, &t, fd);
}

/* The tar writer of a path copy, on a thread of its own. */
struct writer {
    const struct source *s;
    int fd;
    int r;
    struct ctr__err_saved err;
};

static void *writer_run(void *arg)
{
    struct writer *w = arg;
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGPIPE); /* a write to a closed pipe fails with EPIPE; the signal dies with the thread */
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    w->r = write_source(w->s, false, w->fd);
    if (w->r < 0)
        ctr__err_save(&w->err);
    ctr__closep(&w->fd);
    return NULL;
}

static int transfer(const struct source *s, int ex_fd, const struct ctr__copy_extract *o)
{
    int p[2];
    if (pipe2(p, O_CLOEXEC) < 0)
        return ctr__err(-errno, "pipe: %m");
    _cleanup_close_ int in = p[0];
    struct writer w = { .s = s, .fd = p[1] };
    pthread_t t;
    int e = pthread_create(&t, NULL, writer_run, &w);
    if (e != 0) {
        close(p[1]);
        return ctr__err(-e, "cannot start the tar writer: %s", strerror(e));
    }
    int r = ctr__tar_extract_copy(in, ex_fd, o);
    ctr__closep(&in);
    pthread_join(t, NULL);
    if (w.r < 0 && w.r != -EPIPE) {
        ctr__err_restore(&w.err);
        return w.r;
    }
    return r;
}

/* The container's user, for the owner of what is copied in (CTR_COPY_CHOWN). */
static int container_owner(ctr_container_t *c, const char *rootfs, struct ctr__copy_extract *o)
{
    const char *user = ctr__container_config(c)->user;
    o->chown = true;
    if (isempty(user)) {
        o->uid = 0;
        o->gid = 0;
        return 0;
    }
    return ctr__user_resolve(rootfs, user, &o->uid, &o->gid, NULL, NULL);
}

/* A copy's work, the root file system mounted at @rootfs (lock held). */
struct copy {
    const char *src, *dst; /* paths; NULL for the stream's side */
    int fd;                /* the stream, or -1 */
    bool to;               /* into the container */
    uint64_t flags;
};

/* How the copy extracts: the overwrite flag, and with CTR_COPY_CHOWN the
 * owner, the container's user going in, the caller coming out. */
static int extract_options(ctr_container_t *c, const char *rootfs, const struct copy *k, struct ctr__copy_extract *o)
{
    *o = (struct ctr__copy_extract){ .overwrite = (k->flags & CTR_COPY_OVERWRITE) != 0 };
    if (!(k->flags & CTR_COPY_CHOWN))
        return 0;
    if (k->to)
        return container_owner(c, rootfs, o);
    o->chown = true;
    o->uid = geteuid();
    o->gid = getegid();
    return 0;
}

static int path_copy(ctr_container_t *c, const char *rootfs, const struct copy *k)
{
    _cleanup_(place_done) struct place src = { .root = -1 }, dst = { .root = -1 };
    struct ctr__copy_extract o;
    int r = k->to ? host_place(k->src, true, &src) : container_place(c, rootfs, k->src, &src);
    if (r < 0 || (r = k->to ? container_place(c, rootfs, k->dst, &dst) : host_place(k->dst, false, &dst)) < 0 ||
        (r = extract_options(c, rootfs, k, &o)) < 0)
        return r;
    _cleanup_(source_done) struct source s = { .dir_fd = -1 };
    _cleanup_close_ int ex_fd = -1;
    if ((r = open_source(&src, &s)) < 0 || (r = plan(&src, &s, &dst, &ex_fd)) < 0)
        return r;
    return transfer(&s, ex_fd, &o);
}

static int stream_copy(ctr_container_t *c, const char *rootfs, const struct copy *k)
{
    _cleanup_(place_done) struct place p = { .root = -1 };
    int r = container_place(c, rootfs, k->to ? k->dst : k->src, &p);
    if (r < 0)
        return r;
    if (!k->to) {
        _cleanup_(source_done) struct source s = { .dir_fd = -1 };
        if ((r = open_source(&p, &s)) < 0 || (r = source_name(&p, &s)) < 0)
            return r;
        return write_source(&s, (k->flags & CTR_COPY_CHOWN) != 0, k->fd);
    }
    struct ctr__copy_extract o;
    if ((r = extract_options(c, rootfs, k, &o)) < 0)
        return r;
    _cleanup_close_ int fd = place_open(&p, p.rel, O_RDONLY | O_DIRECTORY);
    if (fd == -ENOTDIR)
        return ctr__err(-ENOTDIR, "\"%s\" is not a directory: a tar stream is extracted into a directory", p.shown);
    if (fd < 0)
        return fd == -ENOENT ? not_found(&p) : ctr__err(fd, "\"%s\": %s", p.shown, strerror(-fd));
    return ctr__tar_extract_copy(k->fd, fd, &o);
}

static int copy_locked(ctr_container_t *c, const struct copy *k)
{
    const char *rootfs = NULL;
    int r = ctr__rootfs_mount(c, NULL, &rootfs);
    if (r < 0)
        return r;
    r = k->fd >= 0 ? stream_copy(c, rootfs, k) : path_copy(c, rootfs, k);
    struct ctr__err_saved saved;
    ctr__err_save(&saved);
    int u = ctr__rootfs_unmount(c, false);
    if (u == 0)
        u = ctr__container_save(c);
    if (r < 0)
        ctr__err_restore(&saved);
    return r < 0 ? r : u;
}

static int copy(ctr_container_t *c, const struct copy *k)
{
    if (k->flags & ~(uint64_t)COPY_FLAGS)
        return ctr__err(-EINVAL, "unknown copy flags 0x%" PRIx64, k->flags & ~(uint64_t)COPY_FLAGS);
    if ((k->src && !*k->src) || (k->dst && !*k->dst))
        return ctr__err(-EINVAL, "invalid arguments: you must specify paths");
    return CTR__WITH_LOCK(c, copy_locked(c, k));
}

CTR_EXPORT int ctr_container_copy_to(ctr_container_t *c, const char *src, const char *dst, uint64_t flags)
{
    CTR_ENTER();
    CTR_CHECK_ARG(c);
    CTR_CHECK_ARG(src);
    CTR_CHECK_ARG(dst);
    return copy(c, &(struct copy){ .src = src, .dst = dst, .fd = -1, .to = true, .flags = flags });
}

CTR_EXPORT int ctr_container_copy_from(ctr_container_t *c, const char *src, const char *dst, uint64_t flags)
{
    CTR_ENTER();
    CTR_CHECK_ARG(c);
    CTR_CHECK_ARG(src);
    CTR_CHECK_ARG(dst);
    return copy(c, &(struct copy){ .src = src, .dst = dst, .fd = -1, .to = false, .flags = flags });
}

CTR_EXPORT int ctr_container_copy_to_fd(ctr_container_t *c, int fd, const char *dst, uint64_t flags)
{
    CTR_ENTER();
    CTR_CHECK_ARG(c);
    CTR_CHECK_ARG(fd >= 0);
    CTR_CHECK_ARG(dst);
    return copy(c, &(struct copy){ .dst = dst, .fd = fd, .to = true, .flags = flags });
}

CTR_EXPORT int ctr_container_copy_from_fd(ctr_container_t *c, const char *src, int fd, uint64_t flags)
{
    CTR_ENTER();
    CTR_CHECK_ARG(c);
    CTR_CHECK_ARG(src);
    CTR_CHECK_ARG(fd >= 0);
    return copy(c, &(struct copy){ .src = src, .fd = fd, .to = false, .flags = flags });
}
