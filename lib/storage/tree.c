/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Directory trees: copies (vfs layers, image volumes, layers taken from
 * podman's store) and sizes. */
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>

#include "base/error.h"
#include "storage/store.h"

struct link_ent {
    dev_t dev;
    ino_t ino;
    char *path;
};

struct links {
    struct link_ent *v;
    size_t n, cap;
};

static size_t lhash(dev_t dev, ino_t ino)
{
    return (size_t)(ino * 0x9E3779B97F4A7C15ULL) ^ (size_t)dev;
}

/* Returns the remembered path, or NULL after remembering path (when given). */
static const char *links_check(struct links *l, const struct stat *st, const char *path, int *err)
{
    if ((l->n + 1) * 2 > l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 256;
        struct link_ent *v = calloc(cap, sizeof *v);
        if (!v) {
            *err = ctr__oom("the hard link table");
            return NULL;
        }
        for (size_t i = 0; i < l->cap; i++) {
            if (!l->v[i].path)
                continue;
            size_t j = lhash(l->v[i].dev, l->v[i].ino) & (cap - 1);
            while (v[j].path)
                j = (j + 1) & (cap - 1);
            v[j] = l->v[i];
        }
        free(l->v);
        l->v = v;
        l->cap = cap;
    }
    size_t j = lhash(st->st_dev, st->st_ino) & (l->cap - 1);
    for (; l->v[j].path; j = (j + 1) & (l->cap - 1))
        if (l->v[j].dev == st->st_dev && l->v[j].ino == st->st_ino)
            return l->v[j].path;
    l->v[j] = (struct link_ent){ st->st_dev, st->st_ino, strdup(path ? path : "") };
    if (!l->v[j].path)
        *err = ctr__oom("the hard link table");
    else
        l->n++;
    return NULL;
}

static void links_clear(struct links *l)
{
    for (size_t i = 0; i < l->cap; i++)
        free(l->v[i].path);
    free(l->v);
}

static int copy_xattrs(int src, int dst, bool skip_overlay)
{
    char names[65536];
    ssize_t n = flistxattr(src, names, sizeof names);
    for (char *p = names; n > 0 && p < names + n; p += strlen(p) + 1) {
        if (skip_overlay && strncmp(p, "trusted.overlay.", 16) == 0)
            continue;
        char value[65536];
        ssize_t v = fgetxattr(src, p, value, sizeof value);
        if (v >= 0 && fsetxattr(dst, p, value, (size_t)v, 0) < 0 && errno != EOPNOTSUPP && errno != EPERM)
            return -errno;
    }
    return 0;
}

static int copy_data(int src, int dst, off_t size)
{
    off_t left = size;
    while (left > 0) {
        ssize_t n = copy_file_range(src, NULL, dst, NULL, (size_t)left, 0);
        if (n < 0 && (errno == EXDEV || errno == ENOSYS || errno == EOPNOTSUPP || errno == EINVAL))
            break;
        if (n < 0)
            return -errno;
        if (n == 0)
            return 0;
        left -= n;
    }
    if (left > 0) {
        char buf[65536];
        if (lseek(src, size - left, SEEK_SET) < 0)
            return -errno;
        for (;;) {
            ssize_t n = read(src, buf, sizeof buf);
            if (n < 0 && errno == EINTR)
                continue;
            if (n < 0)
                return -errno;
            if (n == 0)
                break;
            int r = ctr__write_all(dst, buf, (size_t)n);
            if (r < 0)
                return r;
        }
    }
    return 0;
}

struct copy_ctx {
    int dst_root;
    bool overlay;
    bool is_root;
    struct links links;
};

static int clear_children(int fd, const char *rel)
{
    _cleanup_dir_ DIR *d = ctr__opendir_fd(fd);
    if (!d)
        return ctr__err(-errno, "cannot read \"%s\": %m", rel);
    struct dirent *de;
    while ((de = readdir(d)))
        if (!streq(de->d_name, ".") && !streq(de->d_name, "..")) {
            int r = ctr__rm_rf_at(fd, de->d_name);
            if (r < 0)
                return ctr__err(r, "cannot remove \"%s/%s\": %s", rel, de->d_name, strerror(-r));
        }
    return 0;
}

static int copy_dir(struct copy_ctx *c, int src, int dst, const char *rel, int depth);

/* Owner, mode and times of t as st says. */
static int copy_attrs(struct copy_ctx *c, int t, const struct stat *st, const char *path)
{
    if ((c->is_root && fchown(t, st->st_uid, st->st_gid) < 0) || fchmod(t, st->st_mode & 07777) < 0)
        return ctr__err(-errno, "\"%s\": %m", path);
    return 0;
}

static void copy_times(int t, const struct stat *st)
{
    struct timespec ts[2] = { st->st_atim, st->st_mtim };
    futimens(t, ts);
}

/* A directory: made (or kept; with overlay, emptied when opaque), then its contents. */
static int copy_subdir(struct copy_ctx *c, int src, int dst, const char *name, const char *path,
                       const struct stat *st, int depth)
{
    struct stat dst_st;
    bool dst_exists = fstatat(dst, name, &dst_st, AT_SYMLINK_NOFOLLOW) == 0;
    int r;
    if (dst_exists && !S_ISDIR(dst_st.st_mode)) {
        if ((r = ctr__rm_rf_at(dst, name)) < 0)
            return ctr__err(r, "cannot remove \"%s\": %s", path, strerror(-r));
        dst_exists = false;
    }
    if (!dst_exists && mkdirat(dst, name, 0700) < 0)
        return ctr__err(-errno, "mkdir \"%s\": %m", path);
    _cleanup_close_ int s = openat(src, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    _cleanup_close_ int t = openat(dst, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (s < 0 || t < 0)
        return ctr__err(-errno, "cannot open \"%s\": %m", path);
    char v[2];
    if (c->overlay && dst_exists && fgetxattr(s, "trusted.overlay.opaque", v, sizeof v) == 1 && v[0] == 'y' &&
        (r = clear_children(t, path)) < 0)
        return r;
    if ((r = copy_attrs(c, t, st, path)) < 0 || (r = copy_xattrs(s, t, c->overlay)) < 0 ||
        (r = copy_dir(c, s, t, path, depth + 1)) < 0)
        return r;
    copy_times(t, st);
    return 0;
}

/* A regular file: a hard link to its first copy, or its data and attributes. */
static int copy_file(struct copy_ctx *c, int src, int dst, const char *name, const char *path, const struct stat *st)
{
    if (st->st_nlink > 1) {
        int err = 0;
        const char *first = links_check(&c->links, st, path, &err);
        if (err < 0)
            return ctr__err(err, "cannot copy \"%s\": %s", path, strerror(-err));
        if (first && linkat(c->dst_root, first, dst, name, 0) < 0)
            return ctr__err(-errno, "link \"%s\": %m", path);
        if (first)
            return 0;
    }
    _cleanup_close_ int s = openat(src, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    _cleanup_close_ int t = openat(dst, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (s < 0 || t < 0)
        return ctr__err(-errno, "cannot copy \"%s\": %m", path);
    int r = copy_data(s, t, st->st_size);
    if (r < 0)
        return ctr__err(r, "cannot copy \"%s\": %s", path, strerror(-r));
    if ((r = copy_attrs(c, t, st, path)) < 0 || (r = copy_xattrs(s, t, c->overlay)) < 0)
        return r;
    copy_times(t, st);
    return 0;
}

static int copy_symlink(struct copy_ctx *c, int src, int dst, const char *name, const char *path,
                        const struct stat *st)
{
    char target[PATH_MAX];
    ssize_t k = readlinkat(src, name, target, sizeof target - 1);
    if (k < 0)
        return ctr__err(-errno, "readlink \"%s\": %m", path);
    target[k] = '\0';
    if (symlinkat(target, dst, name) < 0)
        return ctr__err(-errno, "symlink \"%s\": %m", path);
    if (c->is_root)
        fchownat(dst, name, st->st_uid, st->st_gid, AT_SYMLINK_NOFOLLOW);
    struct timespec ts[2] = { st->st_atim, st->st_mtim };
    utimensat(dst, name, ts, AT_SYMLINK_NOFOLLOW);
    return 0;
}

/* Devices (as root only) and FIFOs. */
static int copy_node(struct copy_ctx *c, int dst, const char *name, const char *path, const struct stat *st)
{
    if (!c->is_root && !S_ISFIFO(st->st_mode))
        return 0;
    if (mknodat(dst, name, (st->st_mode & S_IFMT) | 0600, st->st_rdev) < 0)
        return ctr__err(-errno, "mknod \"%s\": %m", path);
    if (c->is_root)
        fchownat(dst, name, st->st_uid, st->st_gid, AT_SYMLINK_NOFOLLOW);
    fchmodat(dst, name, st->st_mode & 07777, 0);
    return 0;
}

static int copy_entry(struct copy_ctx *c, int src, int dst, const char *name, const char *path, int depth)
{
    struct stat st;
    if (fstatat(src, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
        return ctr__err(-errno, "cannot stat \"%s\": %m", path);
    bool whiteout = c->overlay && S_ISCHR(st.st_mode) && st.st_rdev == makedev(0, 0);
    if (S_ISDIR(st.st_mode))
        return copy_subdir(c, src, dst, name, path, &st, depth);
    struct stat dst_st;
    if (fstatat(dst, name, &dst_st, AT_SYMLINK_NOFOLLOW) == 0) {
        int r = ctr__rm_rf_at(dst, name);
        if (r < 0)
            return ctr__err(r, "cannot remove \"%s\": %s", path, strerror(-r));
    }
    if (whiteout)
        return 0;
    if (S_ISREG(st.st_mode))
        return copy_file(c, src, dst, name, path, &st);
    if (S_ISLNK(st.st_mode))
        return copy_symlink(c, src, dst, name, path, &st);
    if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode) || S_ISFIFO(st.st_mode))
        return copy_node(c, dst, name, path, &st);
    return 0;
}

static int copy_dir(struct copy_ctx *c, int src, int dst, const char *rel, int depth)
{
    if (depth > 512)
        return ctr__err(-ELOOP, "tree too deep at \"%s\"", rel);
    _cleanup_dir_ DIR *d = ctr__opendir_fd(src);
    if (!d)
        return ctr__err(-errno, "cannot read \"%s\": %m", rel);
    struct dirent *de;
    while ((de = readdir(d))) {
        const char *name = de->d_name;
        if (streq(name, ".") || streq(name, ".."))
            continue;
        char path[PATH_MAX];
        snprintf(path, sizeof path, "%s%s%s", rel, *rel ? "/" : "", name);
        int r = copy_entry(c, src, dst, name, path, depth);
        if (r < 0)
            return r;
    }
    return 0;
}

int ctr__tree_copy(int src_fd, int dst_fd, bool apply_overlay)
{
    struct copy_ctx c = { .dst_root = dst_fd, .overlay = apply_overlay, .is_root = geteuid() == 0 };
    int r = copy_dir(&c, src_fd, dst_fd, "", 0);
    links_clear(&c.links);
    return r;
}

static int size_dir(int fd, struct links *l, int64_t *total, int depth)
{
    if (depth > 512)
        return -ELOOP;
    DIR *d = ctr__opendir_fd(fd);
    if (!d) {
        return -errno;
    }
    int r = 0;
    struct dirent *de;
    while ((de = readdir(d)) && r == 0) {
        if (streq(de->d_name, ".") || streq(de->d_name, ".."))
            continue;
        struct stat st;
        if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
            continue;
        if (S_ISDIR(st.st_mode)) {
            int sub = openat(dirfd(d), de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            if (sub >= 0) {
                r = size_dir(sub, l, total, depth + 1);
                close(sub);
            }
            continue;
        }
        if (st.st_nlink > 1) {
            int err = 0;
            if (links_check(l, &st, NULL, &err))
                continue;
            if (err < 0)
                r = err;
        }
        if (S_ISREG(st.st_mode) || S_ISLNK(st.st_mode))
            *total += st.st_size;
    }
    closedir(d);
    return r;
}

int ctr__tree_size(int dir_fd, int64_t *ret)
{
    struct links l = { 0 };
    int64_t total = 0;
    int r = size_dir(dir_fd, &l, &total, 0);
    links_clear(&l);
    if (r < 0)
        return r;
    *ret = total;
    return 0;
}

/* ---- directory listings and comparisons (tar-create.c, diff.c) ---- */

int ctr__name_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

void ctr__names_done(struct ctr__names *x)
{
    for (size_t i = 0; i < x->n; i++)
        free(x->v[i]);
    free(x->v);
    *x = (struct ctr__names){ 0 };
}

static int names_add(struct ctr__names *x, const char *name, size_t *cap)
{
    if (x->n == *cap) {
        size_t c = *cap ? *cap * 2 : 32;
        char **v = realloc(x->v, c * sizeof *v);
        if (!v)
            return ctr__oom("directory entries");
        x->v = v;
        *cap = c;
    }
    if (!(x->v[x->n] = strdup(name)))
        return ctr__oom("directory entries");
    x->n++;
    return 0;
}

/* The sorted entry names of a directory (without . and ..). */
int ctr__tree_names(int dir_fd, const char *rel, struct ctr__names *ret)
{
    _cleanup_dir_ DIR *d = ctr__opendir_fd(dir_fd);
    if (!d)
        return ctr__err(-errno, "cannot read directory \"%s\": %m", rel);
    _cleanup_(ctr__names_done) struct ctr__names x = { 0 };
    size_t cap = 0;
    struct dirent *de;
    while ((de = readdir(d))) {
        if (streq(de->d_name, ".") || streq(de->d_name, ".."))
            continue;
        int r = names_add(&x, de->d_name, &cap);
        if (r < 0)
            return r;
    }
    if (x.n > 1)
        qsort(x.v, x.n, sizeof *x.v, ctr__name_cmp);
    *ret = x;
    x = (struct ctr__names){ 0 };
    return 0;
}

/* Whether entry name of dir_fd (stat st) is the same as in the base
 * directory (base_fd, stat bst): same type, owner and mode, and (but for
 * directories) modification time and size, device or link target.  As
 * containers/storage's naive diff, a content change that keeps size and
 * time is not seen. */
bool ctr__tree_same(int dir_fd, int base_fd, const char *name, const struct stat *st, const struct stat *bst)
{
    if (st->st_mode != bst->st_mode || st->st_uid != bst->st_uid || st->st_gid != bst->st_gid)
        return false;
    if (S_ISDIR(st->st_mode))
        return true;
    if (st->st_size != bst->st_size || st->st_mtim.tv_sec != bst->st_mtim.tv_sec ||
        st->st_mtim.tv_nsec != bst->st_mtim.tv_nsec || st->st_rdev != bst->st_rdev)
        return false;
    if (S_ISLNK(st->st_mode)) {
        char a[PATH_MAX], b[PATH_MAX];
        ssize_t na = readlinkat(dir_fd, name, a, sizeof a);
        ssize_t nb = readlinkat(base_fd, name, b, sizeof b);
        return na >= 0 && na == nb && memcmp(a, b, (size_t)na) == 0;
    }
    return true;
}
