/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Writing a directory tree as a tar (pax, so xattrs and long names are
 * kept): container exports, committed layers, layers regenerated for save.
 * In layer mode the tree is an overlay diff: a char 0/0 device becomes a
 * ".wh.NAME" file and an opaque directory gets a ".wh..wh..opq" entry.
 * Against a base tree (vfs, where a container's layer is a full copy), only
 * what differs from the base is written, and what the base has and the tree
 * lacks becomes a ".wh.NAME" file.  Names are sorted, so the same tree gives
 * the same tar. */
#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>

#include "base/error.h"
#include "storage/store.h"

struct inode {
    dev_t dev;
    ino_t ino;
    char *path;
};

struct wctx {
    struct archive *a;
    int out_fd;
    ctr__hash_t *hash;
    uint64_t size;
    struct ctr__progress *prog;
    unsigned flags;
    int err;
    struct inode *links;
    size_t cap_links, n_links;
    char *buf;
    const struct ctr__tar_copy *copy; /* a copy's owner, or NULL */
};

static la_ssize_t write_cb(struct archive *a, void *userdata, const void *buf, size_t n)
{
    struct wctx *w = userdata;
    int r = ctr__write_all(w->out_fd, buf, n);
    if (r < 0) {
        w->err = ctr__err(r, "cannot write the tar: %s", strerror(-r));
        archive_set_error(a, -r, "write error");
        return -1;
    }
    if (w->hash)
        ctr__hash_update(w->hash, buf, n);
    w->size += n;
    if ((r = ctr__progress_add(w->prog, n)) < 0) {
        w->err = r;
        archive_set_error(a, ECANCELED, "cancelled");
        return -1;
    }
    return (la_ssize_t)n;
}

static size_t inode_hash(dev_t dev, ino_t ino)
{
    return (size_t)(ino * 0x9E3779B97F4A7C15ULL) ^ (size_t)dev;
}

/* The first path seen for a multiply-linked inode, or NULL (then remembered). */
static const char *link_seen(struct wctx *w, const struct stat *st, const char *path, int *err)
{
    if (w->cap_links && (w->n_links + 1) * 2 <= w->cap_links) {
        /* fall through to the lookup */
    } else {
        size_t cap = w->cap_links ? w->cap_links * 2 : 256;
        struct inode *v = calloc(cap, sizeof *v);
        if (!v) {
            *err = ctr__oom("the hard link table");
            return NULL;
        }
        for (size_t i = 0; i < w->cap_links; i++) {
            if (!w->links[i].path)
                continue;
            size_t j = inode_hash(w->links[i].dev, w->links[i].ino) & (cap - 1);
            while (v[j].path)
                j = (j + 1) & (cap - 1);
            v[j] = w->links[i];
        }
        free(w->links);
        w->links = v;
        w->cap_links = cap;
    }
    size_t j = inode_hash(st->st_dev, st->st_ino) & (w->cap_links - 1);
    for (; w->links[j].path; j = (j + 1) & (w->cap_links - 1))
        if (w->links[j].dev == st->st_dev && w->links[j].ino == st->st_ino)
            return w->links[j].path;
    w->links[j] = (struct inode){ st->st_dev, st->st_ino, strdup(path) };
    if (!w->links[j].path)
        *err = ctr__oom("the hard link table");
    else
        w->n_links++;
    return NULL;
}

static void entry_freep(struct archive_entry **e)
{
    if (*e)
        archive_entry_free(*e);
}

static int put_header(struct wctx *w, struct archive_entry *e, const char *path)
{
    if (archive_write_header(w->a, e) < ARCHIVE_WARN)
        return w->err ? w->err : ctr__err(-EIO, "tar entry \"%s\": %s", path, archive_error_string(w->a));
    return 0;
}

static int add_marker(struct wctx *w, const char *path, const struct stat *st)
{
    _cleanup_(entry_freep) struct archive_entry *e = archive_entry_new();
    if (!e)
        return ctr__oom("a tar entry");
    archive_entry_set_pathname(e, path);
    archive_entry_set_filetype(e, AE_IFREG);
    archive_entry_set_perm(e, 0644);
    archive_entry_set_size(e, 0);
    archive_entry_set_uid(e, st ? st->st_uid : 0);
    archive_entry_set_gid(e, st ? st->st_gid : 0);
    archive_entry_set_mtime(e, st ? st->st_mtim.tv_sec : 0, st ? st->st_mtim.tv_nsec : 0);
    return put_header(w, e, path);
}

/* xattrs of an open file, without the overlay namespace; sets *opaque. */
static int add_xattrs(struct archive_entry *e, int fd, bool *opaque)
{
    char names[65536];
    ssize_t n = flistxattr(fd, names, sizeof names);
    if (n <= 0)
        return 0;
    for (char *p = names; p < names + n; p += strlen(p) + 1) {
        char value[65536];
        ssize_t v = fgetxattr(fd, p, value, sizeof value);
        if (v < 0)
            continue;
        if (strncmp(p, "trusted.overlay.", 16) == 0) {
            if (streq(p, "trusted.overlay.opaque") && v == 1 && value[0] == 'y' && opaque)
                *opaque = true;
            continue;
        }
        archive_entry_xattr_add_entry(e, p, value, (size_t)v);
    }
    return 0;
}

/* Whiteouts for what the base directory has and the tree's lacks. */
static int add_deletions(struct wctx *w, int base_fd, const char *rel, const struct ctr__names *names)
{
    _cleanup_(ctr__names_done) struct ctr__names base = { 0 };
    int r = ctr__tree_names(base_fd, rel, &base);
    if (r < 0)
        return r;
    for (size_t i = 0; i < base.n; i++) {
        if (names->n && bsearch(&base.v[i], names->v, names->n, sizeof *names->v, ctr__name_cmp))
            continue;
        char wh[PATH_MAX];
        if ((size_t)snprintf(wh, sizeof wh, "%s%s.wh.%s", rel, *rel ? "/" : "", base.v[i]) >= sizeof wh)
            return ctr__err(-ENAMETOOLONG, "path too long under \"%s\"", rel);
        if ((r = add_marker(w, wh, NULL)) < 0)
            return r;
    }
    return 0;
}

static int walk(struct wctx *w, int dir_fd, int base_fd, const char *rel, int depth);

/* A tar entry with st's metadata at path, without access, change and birth times. */
static struct archive_entry *entry_new(const struct stat *st, const char *path)
{
    struct archive_entry *e = archive_entry_new();
    if (!e)
        return NULL;
    archive_entry_copy_stat(e, st);
    archive_entry_set_pathname(e, path);
    archive_entry_set_atime(e, 0, 0);
    archive_entry_unset_atime(e);
    archive_entry_unset_ctime(e);
    archive_entry_unset_birthtime(e);
    return e;
}

/* size bytes of fd as the entry's data. */
static int put_data(struct wctx *w, int fd, uint64_t size, const char *path)
{
    for (uint64_t left = size; left > 0;) {
        ssize_t k = read(fd, w->buf, left < 1048576 ? (size_t)left : 1048576);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            return ctr__err(k < 0 ? -errno : -EIO, "cannot read \"%s\": %s", path,
                            k < 0 ? strerror(errno) : "file shrank");
        if (archive_write_data(w->a, w->buf, (size_t)k) < 0)
            return w->err ? w->err : ctr__err(-EIO, "tar: %s", archive_error_string(w->a));
        left -= (uint64_t)k;
    }
    return 0;
}

static int put_symlink(struct wctx *w, struct archive_entry *e, int dir_fd, const char *name, const char *path)
{
    char target[PATH_MAX];
    ssize_t k = readlinkat(dir_fd, name, target, sizeof target - 1);
    if (k < 0)
        return ctr__err(-errno, "cannot read symlink \"%s\": %m", path);
    target[k] = '\0';
    archive_entry_set_symlink(e, target);
    return put_header(w, e, path);
}

/* A regular file: a hard link to its first entry, or its header and data. */
static int put_file(struct wctx *w, struct archive_entry *e, int dir_fd, const char *name, const char *path,
                    const struct stat *st)
{
    if (st->st_nlink > 1) {
        int err = 0;
        const char *first = link_seen(w, st, path, &err);
        if (err < 0)
            return ctr__err(err, "tar entry \"%s\": %s", path, strerror(-err));
        if (first) {
            archive_entry_set_hardlink(e, first);
            archive_entry_set_size(e, 0);
            return put_header(w, e, path);
        }
    }
    _cleanup_close_ int fd = openat(dir_fd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return ctr__err(-errno, "cannot open \"%s\": %m", path);
    bool opaque = false;
    add_xattrs(e, fd, &opaque);
    int r = put_header(w, e, path);
    if (r < 0)
        return r;
    return put_data(w, fd, (uint64_t)st->st_size, path);
}

/* A directory: its header unless the base has it the same, the opaque
 * marker (overlay), then its entries. */
static int put_dir(struct wctx *w, struct archive_entry *e, int dir_fd, int sub_base, const char *name,
                   const char *path, const struct stat *st, bool same, int depth)
{
    _cleanup_close_ int fd = openat(dir_fd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_DIRECTORY);
    if (fd < 0)
        return ctr__err(-errno, "cannot open \"%s\": %m", path);
    bool opaque = false;
    add_xattrs(e, fd, &opaque);
    int r;
    if (!same && (r = put_header(w, e, path)) < 0)
        return r;
    if (opaque && (w->flags & CTR__TAR_LAYER)) {
        char wh[PATH_MAX + 16];
        snprintf(wh, sizeof wh, "%s/.wh..wh..opq", path);
        if ((r = add_marker(w, wh, st)) < 0)
            return r;
    }
    return walk(w, fd, sub_base, path, depth + 1);
}

/* One entry name of dir_fd, written as path (its parent's path rel; base_fd as walk()'s). */
static int walk_entry(struct wctx *w, int dir_fd, int base_fd, const char *name, const char *rel, const char *path,
                      int depth)
{
    struct stat st, bst;
    if (fstatat(dir_fd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
        return errno == ENOENT ? 0 : ctr__err(-errno, "cannot stat \"%s\": %m", path);
    if ((w->flags & CTR__TAR_LAYER) && S_ISCHR(st.st_mode) && st.st_rdev == makedev(0, 0)) {
        char wh[PATH_MAX];
        snprintf(wh, sizeof wh, "%s%s.wh.%s", rel, *rel ? "/" : "", name);
        return add_marker(w, wh, &st);
    }
    if (S_ISSOCK(st.st_mode))
        return 0;
    bool in_base = base_fd >= 0 && fstatat(base_fd, name, &bst, AT_SYMLINK_NOFOLLOW) == 0;
    bool same = in_base && ctr__tree_same(dir_fd, base_fd, name, &st, &bst);
    if (same && !S_ISDIR(st.st_mode))
        return 0;
    _cleanup_close_ int sub_base = -1;
    if (in_base && S_ISDIR(st.st_mode) && S_ISDIR(bst.st_mode) &&
        (sub_base = openat(base_fd, name, O_RDONLY | O_NOFOLLOW | O_DIRECTORY | O_CLOEXEC)) < 0)
        return ctr__err(-errno, "cannot open \"%s\" in the base tree: %m", path);
    _cleanup_(entry_freep) struct archive_entry *e = entry_new(&st, path);
    if (!e)
        return ctr__oom("tar entry");
    if (w->copy && w->copy->chown) {
        archive_entry_set_uid(e, w->copy->uid);
        archive_entry_set_gid(e, w->copy->gid);
    }
    if (S_ISLNK(st.st_mode))
        return put_symlink(w, e, dir_fd, name, path);
    if (S_ISREG(st.st_mode))
        return put_file(w, e, dir_fd, name, path, &st);
    if (S_ISDIR(st.st_mode))
        return put_dir(w, e, dir_fd, sub_base, name, path, &st, same, depth);
    return put_header(w, e, path);
}

/* Write the entries under dir_fd (at path rel); base_fd: the same
 * directory in the base tree, -1 when there is none (all is new). */
static int walk(struct wctx *w, int dir_fd, int base_fd, const char *rel, int depth)
{
    if (depth > 512)
        return ctr__err(-ELOOP, "directory tree too deep at \"%s\"", rel);
    _cleanup_(ctr__names_done) struct ctr__names names = { 0 };
    int r = ctr__tree_names(dir_fd, rel, &names);
    if (r < 0)
        return r;
    for (size_t i = 0; i < names.n; i++) {
        char path[PATH_MAX];
        if ((size_t)snprintf(path, sizeof path, "%s%s%s", rel, *rel ? "/" : "", names.v[i]) >= sizeof path)
            return ctr__err(-ENAMETOOLONG, "path too long under \"%s\"", rel);
        if ((r = walk_entry(w, dir_fd, base_fd, names.v[i], rel, path, depth)) < 0)
            return r;
    }
    return base_fd >= 0 ? add_deletions(w, base_fd, rel, &names) : 0;
}

int ctr__tar_create(int dir_fd, int out_fd, unsigned flags, struct ctr__progress *prog, char ret_hex[65],
                    uint64_t *ret_size)
{
    return ctr__tar_create_changes(dir_fd, -1, out_fd, flags, prog, ret_hex, ret_size);
}

/* What a tar holds: the tree under a directory (against a base), or a copy's. */
struct tar_what {
    int dir_fd, base_fd;
    const struct ctr__tar_copy *copy;
};

static int write_tar(const struct tar_what *t, int out_fd, unsigned flags, struct ctr__progress *prog,
                     char ret_hex[65], uint64_t *ret_size)
{
    _cleanup_(ctr__hash_freep) ctr__hash_t *h = NULL;
    int r;
    if (ret_hex && (r = ctr__hash_new(&h)) < 0)
        return r;
    struct wctx w = {
        .out_fd = out_fd, .hash = h, .prog = prog, .flags = flags, .buf = malloc(1048576), .copy = t->copy
    };
    w.a = archive_write_new();
    if (!w.a || !w.buf) {
        free(w.buf);
        if (w.a)
            archive_write_free(w.a);
        return ctr__oom("the tar writer");
    }
    archive_write_set_format_pax_restricted(w.a);
    archive_write_set_bytes_in_last_block(w.a, 1);
    if (archive_write_open(w.a, &w, NULL, write_cb, NULL) != ARCHIVE_OK)
        r = ctr__err(-EIO, "tar: %s", archive_error_string(w.a));
    else if (t->copy && t->copy->name)
        r = walk_entry(&w, t->dir_fd, -1, t->copy->name, "", t->copy->as, 0);
    else
        r = walk(&w, t->dir_fd, t->base_fd, "", 0);
    if (archive_write_close(w.a) != ARCHIVE_OK && r == 0)
        r = w.err ? w.err : ctr__err(-EIO, "tar: %s", archive_error_string(w.a));
    archive_write_free(w.a);
    for (size_t i = 0; i < w.cap_links; i++)
        free(w.links[i].path);
    free(w.links);
    free(w.buf);
    if (r < 0)
        return r;
    if (ret_hex)
        ctr__hash_final(h, ret_hex);
    if (ret_size)
        *ret_size = w.size;
    return 0;
}

int ctr__tar_create_changes(int dir_fd, int base_fd, int out_fd, unsigned flags, struct ctr__progress *prog,
                            char ret_hex[65], uint64_t *ret_size)
{
    return write_tar(&(struct tar_what){ dir_fd, base_fd, NULL }, out_fd, flags, prog, ret_hex, ret_size);
}

int ctr__tar_create_copy(int dir_fd, const struct ctr__tar_copy *copy, int out_fd)
{
    return write_tar(&(struct tar_what){ dir_fd, -1, copy }, out_fd, 0, NULL, NULL, NULL);
}
