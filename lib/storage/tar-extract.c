/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Safe extraction of layer tars.
 *
 * A layer tar is untrusted input.  Names are cleaned lexically as if rooted
 * at "/" (so "../../x" and "/x" land on "x" inside the layer), every lookup
 * of a parent directory goes through openat2(RESOLVE_IN_ROOT), which keeps
 * symlinks (absolute or with "..") inside the layer, the last component is
 * never followed, hardlink targets must be inside the layer, device nodes
 * are made only by root, and xattrs in the overlay namespace are dropped so a
 * tar cannot forge whiteouts or redirects.  Whiteouts (.wh.NAME) and opaque
 * markers (.wh..wh..opq) are converted to overlay form (a char 0/0 device, the
 * trusted.overlay.opaque xattr) or, for vfs, applied to the tree below. */
#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>

#include "base/error.h"
#include "storage/store.h"

#define WH_PREFIX ".wh."
#define WH_OPAQUE ".wh..wh..opq"
#define WH_META ".wh..wh."
#define OPAQUE_XATTR "trusted.overlay.opaque"

static int openat2_in_root(int root, const char *path, int flags, mode_t mode)
{
    return ctr__openat_in_root(root, path, flags, mode, false);
}

/* ---- a set of paths (for vfs opaque directories) ---- */

struct pathset {
    char **slots;
    size_t cap, n;
};

static size_t str_hash(const char *s)
{
    size_t h = 1469598103934665603ULL;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h;
}

static bool pathset_has(const struct pathset *p, const char *s)
{
    if (!p->cap)
        return false;
    for (size_t j = str_hash(s) & (p->cap - 1);; j = (j + 1) & (p->cap - 1)) {
        if (!p->slots[j])
            return false;
        if (streq(p->slots[j], s))
            return true;
    }
}

static int pathset_add(struct pathset *p, const char *s)
{
    if (pathset_has(p, s))
        return 0;
    if ((p->n + 1) * 2 > p->cap) {
        size_t cap = p->cap ? p->cap * 2 : 1024;
        char **slots = calloc(cap, sizeof *slots);
        if (!slots)
            return ctr__oom("the path set");
        for (size_t i = 0; i < p->cap; i++) {
            if (!p->slots[i])
                continue;
            size_t j = str_hash(p->slots[i]) & (cap - 1);
            while (slots[j])
                j = (j + 1) & (cap - 1);
            slots[j] = p->slots[i];
        }
        free(p->slots);
        p->slots = slots;
        p->cap = cap;
    }
    size_t j = str_hash(s) & (p->cap - 1);
    while (p->slots[j])
        j = (j + 1) & (p->cap - 1);
    if (!(p->slots[j] = strdup(s)))
        return ctr__oom("a path");
    p->n++;
    return 0;
}

static void pathset_clear(struct pathset *p)
{
    for (size_t i = 0; i < p->cap; i++)
        free(p->slots[i]);
    free(p->slots);
    memset(p, 0, sizeof *p);
}

/* ---- extraction ---- */

struct dir_time {
    char *path;
    struct timespec mtime;
};

struct xctx {
    int root;
    enum ctr__unpack_mode mode;
    bool is_root;
    struct ctr__unpack_stats *stats;
    const struct ctr__copy_extract *copy; /* CTR__UNPACK_COPY only */
    struct pathset written; /* vfs only */
    struct dir_time *dirs;
    size_t n_dirs, cap_dirs;
    char *buf;
};

/* Clean a tar name into a relative path without ".", ".." or empty
 * components.  Returns whether anything had to be neutralised. */
static bool clean_path(const char *in, char *out, size_t size, bool *too_long)
{
    size_t len = 0;
    bool changed = false;
    *too_long = false;
    out[0] = '\0';
    if (in[0] == '/')
        changed = true;
    const char *p = in;
    while (*p) {
        while (*p == '/')
            p++;
        const char *e = p;
        while (*e && *e != '/')
            e++;
        size_t n = (size_t)(e - p);
        if (n == 0)
            break;
        if (n == 1 && p[0] == '.') {
            /* "./" prefixes are normal in tars */
        } else if (n == 2 && p[0] == '.' && p[1] == '.') {
            changed = true;
            while (len > 0 && out[len - 1] != '/')
                len--;
            if (len > 0)
                len--;
            out[len] = '\0';
        } else {
            if (len + n + 2 >= size) {
                *too_long = true;
                return changed;
            }
            if (len > 0)
                out[len++] = '/';
            memcpy(out + len, p, n);
            len += n;
            out[len] = '\0';
        }
        p = e;
    }
    return changed;
}

static void split(char *rel, char **dir, char **base)
{
    char *slash = strrchr(rel, '/');
    if (slash) {
        *slash = '\0';
        *dir = rel;
        *base = slash + 1;
    } else {
        *dir = rel + strlen(rel); /* "" */
        *base = rel;
    }
}

static int record(struct xctx *x, const char *dir, const char *base)
{
    if (x->mode != CTR__UNPACK_VFS)
        return 0;
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s%s%s", dir, *dir ? "/" : "", base);
    return pathset_add(&x->written, path);
}

/* Open directory dir (relative, cleaned) inside the root as O_PATH, creating
 * missing components (0755, root-owned). */
static int open_dir(struct xctx *x, const char *dir, bool create)
{
    int fd = openat2_in_root(x->root, dir, O_PATH | O_DIRECTORY, 0);
    if (fd >= 0 || fd != -ENOENT || !create)
        return fd;
    char prefix[PATH_MAX];
    snprintf(prefix, sizeof prefix, "%s", dir);
    int parent = fcntl(x->root, F_DUPFD_CLOEXEC, 3);
    if (parent < 0)
        return -errno;
    char *p = prefix;
    for (;;) {
        char *slash = strchr(p, '/');
        if (slash)
            *slash = '\0';
        fd = openat2_in_root(x->root, prefix, O_PATH | O_DIRECTORY, 0);
        if (fd == -ENOENT) {
            const char *comp = strrchr(prefix, '/') ? strrchr(prefix, '/') + 1 : prefix;
            if (mkdirat(parent, comp, 0755) < 0 && errno != EEXIST) {
                int e = -errno;
                close(parent);
                return e;
            }
            if (x->mode == CTR__UNPACK_VFS && pathset_add(&x->written, prefix) < 0) {
                close(parent);
                return ctr__oom("the path set");
            }
            fd = openat2_in_root(x->root, prefix, O_PATH | O_DIRECTORY, 0);
        }
        close(parent);
        if (fd < 0)
            return fd;
        if (!slash)
            return fd;
        *slash = '/';
        parent = fd;
        p = slash + 1;
    }
}

/* Remove whatever is at parent/base unless it is a directory and keep_dir. */
static int clear_entry(int parent, const char *base, bool keep_dir, bool *ret_isdir)
{
    struct stat st;
    if (ret_isdir)
        *ret_isdir = false;
    if (fstatat(parent, base, &st, AT_SYMLINK_NOFOLLOW) < 0)
        return errno == ENOENT ? 0 : -errno;
    if (S_ISDIR(st.st_mode) && keep_dir) {
        if (ret_isdir)
            *ret_isdir = true;
        return 0;
    }
    return ctr__rm_rf_at(parent, base);
}

static int set_xattrs(struct xctx *x, struct archive_entry *e, int fd, const char *what)
{
    const char *name;
    const void *value;
    size_t size;
    archive_entry_xattr_reset(e);
    while (archive_entry_xattr_next(e, &name, &value, &size) == ARCHIVE_OK) {
        if (!name || strncmp(name, "trusted.overlay.", 16) == 0 || strncmp(name, "user.overlay.", 13) == 0) {
            x->stats->neutralised++;
            continue;
        }
        if (fsetxattr(fd, name, value, size, 0) < 0 && errno != EOPNOTSUPP && errno != EPERM && errno != ENOTSUP)
            return ctr__err(-errno, "%s: cannot set xattr %s: %m", what, name);
    }
    return 0;
}

static uid_t entry_uid(const struct xctx *x, struct archive_entry *e)
{
    return x->copy && x->copy->chown ? x->copy->uid : (uid_t)archive_entry_uid(e);
}

static gid_t entry_gid(const struct xctx *x, struct archive_entry *e)
{
    return x->copy && x->copy->chown ? x->copy->gid : (gid_t)archive_entry_gid(e);
}

static int set_meta(struct xctx *x, struct archive_entry *e, int fd, const char *what)
{
    if (x->is_root && fchown(fd, entry_uid(x, e), entry_gid(x, e)) < 0)
        return ctr__err(-errno, "%s: cannot change the owner: %m", what);
    if (fchmod(fd, archive_entry_perm(e) & 07777) < 0)
        return ctr__err(-errno, "%s: cannot change the mode: %m", what);
    return set_xattrs(x, e, fd, what);
}

static int write_data(struct archive *a, int fd, const char *what)
{
    const void *block;
    size_t size;
    la_int64_t off;
    int64_t end = 0;
    for (;;) {
        int r = archive_read_data_block(a, &block, &size, &off);
        if (r == ARCHIVE_EOF)
            break;
        if (r < ARCHIVE_WARN)
            return ctr__err(-EINVAL, "%s: %s", what, archive_error_string(a));
        const char *p = block;
        while (size > 0) {
            ssize_t n = pwrite(fd, p, size, off);
            if (n < 0) {
                if (errno == EINTR)
                    continue;
                return ctr__err(-errno, "%s: write: %m", what);
            }
            p += n;
            off += n;
            size -= (size_t)n;
        }
        if (off > end)
            end = off;
    }
    return end;
}

static int extract_regular(struct xctx *x, struct archive *a, struct archive_entry *e, int parent, const char *base,
                           const char *what)
{
    _cleanup_close_ int fd = openat(parent, base, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0)
        return ctr__err(-errno, "%s: cannot create: %m", what);
    int r = write_data(a, fd, what);
    if (r < 0)
        return r;
    int64_t size = archive_entry_size(e);
    if (size > 0 && ftruncate(fd, size) < 0)
        return ctr__err(-errno, "%s: truncate: %m", what);
    x->stats->bytes += (uint64_t)(size > 0 ? size : 0);
    if ((r = set_meta(x, e, fd, what)) < 0)
        return r;
    struct timespec ts[2] = { { archive_entry_mtime(e), archive_entry_mtime_nsec(e) },
                              { archive_entry_mtime(e), archive_entry_mtime_nsec(e) } };
    futimens(fd, ts);
    return 0;
}

/* A copy without overwrite keeps a directory from becoming a non-directory and back. */
static int check_overwrite(const struct xctx *x, int parent, const char *base, bool dir, const char *what)
{
    struct stat st;
    if (!x->copy || x->copy->overwrite || fstatat(parent, base, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
        !S_ISDIR(st.st_mode) == !dir)
        return 0;
    return ctr__err(-EEXIST, "%s: cannot replace a %s with a %s: file exists", what,
                    dir ? "non-directory" : "directory", dir ? "directory" : "non-directory");
}

static int extract_dir(struct xctx *x, struct archive_entry *e, int parent, const char *dir, const char *base,
                       const char *what)
{
    bool isdir;
    int r = check_overwrite(x, parent, base, true, what);
    if (r < 0)
        return r;
    r = clear_entry(parent, base, true, &isdir);
    if (r < 0)
        return ctr__err(r, "%s: cannot replace: %s", what, strerror(-r));
    if (!isdir && mkdirat(parent, base, 0700) < 0)
        return ctr__err(-errno, "%s: mkdir: %m", what);
    _cleanup_close_ int fd = openat(parent, base, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return ctr__err(-errno, "%s: open: %m", what);
    if ((r = set_meta(x, e, fd, what)) < 0)
        return r;
    if (x->n_dirs == x->cap_dirs) {
        size_t cap = x->cap_dirs ? x->cap_dirs * 2 : 64;
        struct dir_time *v = realloc(x->dirs, cap * sizeof *v);
        if (!v)
            return ctr__oom("the directory times");
        x->dirs = v;
        x->cap_dirs = cap;
    }
    if (!(x->dirs[x->n_dirs].path = ctr__asprintf("%s%s%s", dir, *dir ? "/" : "", base)))
        return ctr__oom("a path");
    x->dirs[x->n_dirs].mtime = (struct timespec){ archive_entry_mtime(e), archive_entry_mtime_nsec(e) };
    x->n_dirs++;
    return 0;
}

static int extract_special(struct xctx *x, struct archive_entry *e, int parent, const char *base, const char *what)
{
    mode_t type = archive_entry_filetype(e);
    dev_t dev = 0;
    if (type == AE_IFCHR || type == AE_IFBLK) {
        dev = makedev(archive_entry_rdevmajor(e), archive_entry_rdevminor(e));
        if (type == AE_IFCHR && dev == 0 && x->mode == CTR__UNPACK_VFS)
            return 0; /* an overlay-form whiteout: already removed */
        if (!x->is_root) {
            x->stats->skipped++;
            return 0;
        }
    }
    if (mknodat(parent, base, (type == AE_IFIFO ? S_IFIFO : type == AE_IFCHR ? S_IFCHR : S_IFBLK) | 0600, dev) < 0)
        return ctr__err(-errno, "%s: mknod: %m", what);
    if (x->is_root && fchownat(parent, base, entry_uid(x, e), entry_gid(x, e), AT_SYMLINK_NOFOLLOW) < 0)
        return ctr__err(-errno, "%s: chown: %m", what);
    if (fchmodat(parent, base, archive_entry_perm(e) & 07777, 0) < 0)
        return ctr__err(-errno, "%s: chmod: %m", what);
    return 0;
}

static int extract_link(struct xctx *x, const char *target_name, int parent, const char *base, const char *what)
{
    char target[PATH_MAX];
    bool too_long;
    if (clean_path(target_name, target, sizeof target, &too_long))
        x->stats->neutralised++;
    if (too_long || !target[0])
        return ctr__err(-EINVAL, "%s: invalid hardlink target \"%.200s\"", what, target_name);
    char *tdir, *tbase;
    split(target, &tdir, &tbase);
    _cleanup_close_ int tparent = open_dir(x, tdir, false);
    if (tparent < 0)
        return ctr__err(-EINVAL, "%s: hardlink target \"%.200s\" is not in the layer", what, target_name);
    struct stat st;
    if (fstatat(tparent, tbase, &st, AT_SYMLINK_NOFOLLOW) < 0)
        return ctr__err(-EINVAL, "%s: hardlink target \"%.200s\" is not in the layer", what, target_name);
    if (S_ISDIR(st.st_mode))
        return ctr__err(-EINVAL, "%s: hardlink to a directory \"%.200s\"", what, target_name);
    if (linkat(tparent, tbase, parent, base, 0) < 0)
        return ctr__err(-errno, "%s: link: %m", what);
    return 0;
}

static int apply_opaque(struct xctx *x, const char *dir)
{
    _cleanup_close_ int pfd = open_dir(x, dir, true);
    if (pfd < 0)
        return ctr__err(pfd, "opaque directory \"%.200s\": %s", dir, strerror(-pfd));
    _cleanup_close_ int fd = openat2_in_root(x->root, dir, O_RDONLY | O_DIRECTORY, 0);
    if (fd < 0)
        return ctr__err(fd, "opaque directory \"%.200s\": %s", dir, strerror(-fd));
    if (x->mode == CTR__UNPACK_OVERLAY) {
        if (fsetxattr(fd, OPAQUE_XATTR, "y", 1, 0) < 0)
            return ctr__err(-errno, "opaque directory \"%.200s\": cannot set %s: %m", dir, OPAQUE_XATTR);
        return 0;
    }
    /* vfs: remove what the layers below put there, keep what this one did. */
    DIR *d = ctr__opendir_fd(fd);
    if (!d) {
        return -errno;
    }
    struct dirent *de;
    int r = 0;
    while ((de = readdir(d)) && r == 0) {
        if (streq(de->d_name, ".") || streq(de->d_name, ".."))
            continue;
        char path[PATH_MAX];
        snprintf(path, sizeof path, "%s%s%s", dir, *dir ? "/" : "", de->d_name);
        if (!pathset_has(&x->written, path))
            r = ctr__rm_rf_at(fd, de->d_name);
    }
    closedir(d);
    return r;
}

/* A .wh. entry in dir: the opaque marker, other .wh..wh. metadata
 * (skipped), or the whiteout of the name after the prefix, which is
 * removed (for vfs, from the copy of the layers below) and, for overlay,
 * replaced by a char 0/0 device. */
static int extract_whiteout(struct xctx *x, const char *dir, const char *base, const char *what)
{
    if (streq(base, WH_OPAQUE))
        return apply_opaque(x, dir);
    if (strncmp(base, WH_META, strlen(WH_META)) == 0) {
        x->stats->skipped++;
        return 0;
    }
    const char *victim = base + strlen(WH_PREFIX);
    if (!*victim || streq(victim, ".") || streq(victim, "..")) {
        x->stats->neutralised++;
        return 0;
    }
    _cleanup_close_ int parent = open_dir(x, dir, true);
    if (parent < 0)
        return ctr__err(parent, "whiteout %s: %s", what, strerror(-parent));
    int r = ctr__rm_rf_at(parent, victim);
    if (r < 0)
        return ctr__err(r, "whiteout %s: %s", what, strerror(-r));
    if (x->mode == CTR__UNPACK_OVERLAY) {
        if (!x->is_root)
            return ctr__err(-EPERM, "whiteout %s: overlay whiteouts need root (use the vfs driver)", what);
        if (mknodat(parent, victim, S_IFCHR | 0000, makedev(0, 0)) < 0)
            return ctr__err(-errno, "whiteout %s: mknod: %m", what);
    }
    return 0;
}

static int extract_symlink(struct xctx *x, struct archive_entry *e, int parent, const char *base, const char *what)
{
    const char *target = archive_entry_symlink(e);
    if (!target)
        return ctr__err(-EINVAL, "%s: symlink without a target", what);
    if (symlinkat(target, parent, base) < 0)
        return ctr__err(-errno, "%s: symlink: %m", what);
    if (x->is_root && fchownat(parent, base, entry_uid(x, e), entry_gid(x, e), AT_SYMLINK_NOFOLLOW) < 0)
        return ctr__err(-errno, "%s: chown: %m", what);
    struct timespec ts[2] = { { archive_entry_mtime(e), 0 }, { archive_entry_mtime(e), 0 } };
    utimensat(parent, base, ts, AT_SYMLINK_NOFOLLOW);
    return 0;
}

static int extract_entry(struct xctx *x, struct archive *a, struct archive_entry *e)
{
    const char *name = archive_entry_pathname(e);
    if (!name)
        return ctr__err(-EINVAL, "tar entry without a (convertible) name");
    char rel[PATH_MAX];
    bool too_long;
    if (clean_path(name, rel, sizeof rel, &too_long))
        x->stats->neutralised++;
    if (too_long)
        return ctr__err(-ENAMETOOLONG, "tar entry name too long: \"%.100s...\"", name);
    x->stats->entries++;
    if (!rel[0]) {
        x->stats->skipped++; /* the layer root itself */
        return 0;
    }
    char what[PATH_MAX + 16];
    snprintf(what, sizeof what, "\"%.4000s\"", rel);
    char *dir, *base;
    split(rel, &dir, &base);
    if (x->mode != CTR__UNPACK_COPY && strncmp(base, WH_PREFIX, strlen(WH_PREFIX)) == 0)
        return extract_whiteout(x, dir, base, what);

    _cleanup_close_ int parent = open_dir(x, dir, true);
    if (parent < 0)
        return ctr__err(parent, "%s: cannot open its directory: %s", what, strerror(-parent));
    int r = record(x, dir, base);
    if (r < 0)
        return r;
    const char *hardlink = archive_entry_hardlink(e);
    mode_t type = archive_entry_filetype(e);
    if (!hardlink && type == AE_IFDIR)
        return extract_dir(x, e, parent, dir, base, what);
    if ((r = check_overwrite(x, parent, base, false, what)) < 0)
        return r;
    r = clear_entry(parent, base, false, NULL);
    if (r < 0)
        return ctr__err(r, "%s: cannot replace: %s", what, strerror(-r));
    if (hardlink)
        return extract_link(x, hardlink, parent, base, what);
    switch (type) {
    case AE_IFREG:
        return extract_regular(x, a, e, parent, base, what);
    case AE_IFLNK:
        return extract_symlink(x, e, parent, base, what);
    case AE_IFCHR:
    case AE_IFBLK:
    case AE_IFIFO:
        return extract_special(x, e, parent, base, what);
    default:
        x->stats->skipped++; /* sockets and unknown types */
        return 0;
    }
}

static int extract_all(struct archive *a, struct xctx *x, struct ctr__progress *prog);

int ctr__tar_extract(struct archive *a, int root_fd, enum ctr__unpack_mode mode, struct ctr__progress *prog,
                     struct ctr__unpack_stats *stats)
{
    struct ctr__unpack_stats dummy = { 0 };
    struct xctx x = { .root = root_fd, .mode = mode, .is_root = geteuid() == 0, .stats = stats ? stats : &dummy };
    return extract_all(a, &x, prog);
}

static void archive_freep(struct archive **a)
{
    if (*a)
        archive_read_free(*a);
}

int ctr__tar_extract_copy(int fd, int root_fd, const struct ctr__copy_extract *o)
{
    _cleanup_(archive_freep) struct archive *a = archive_read_new();
    if (!a)
        return ctr__oom("the tar reader");
    archive_read_support_format_tar(a);
    archive_read_support_filter_all(a);
    if (archive_read_open_fd(a, fd, 65536) != ARCHIVE_OK)
        return ctr__err(-EINVAL, "the source must be a (compressed) tar archive: %s", archive_error_string(a));
    struct ctr__unpack_stats stats = { 0 };
    struct xctx x = { .root = root_fd, .mode = CTR__UNPACK_COPY, .is_root = geteuid() == 0, .stats = &stats, .copy = o };
    int r = extract_all(a, &x, NULL);
    if (r == 0 && stats.entries == 0)
        return ctr__err(-EINVAL, "the source must be a (compressed) tar archive: it has no entries");
    return r;
}

static int extract_all(struct archive *a, struct xctx *x, struct ctr__progress *prog)
{
    int root_fd = x->root;
    int r = 0;
    for (;;) {
        struct archive_entry *e;
        int k = archive_read_next_header(a, &e);
        if (k == ARCHIVE_EOF)
            break;
        if (k < ARCHIVE_WARN) {
            r = ctr__err_keep(-EINVAL, "malformed tar: %s", archive_error_string(a));
            break;
        }
        if ((r = extract_entry(x, a, e)) < 0)
            break;
        if (prog && prog->cancel && *prog->cancel) {
            r = ctr__err(-ECANCELED, "cancelled");
            break;
        }
    }
    /* Directory times last: extracting into a directory changes its mtime. */
    for (size_t i = x->n_dirs; i-- > 0;) {
        if (r == 0) {
            int fd = openat2_in_root(root_fd, x->dirs[i].path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW, 0);
            if (fd >= 0) {
                struct timespec ts[2] = { x->dirs[i].mtime, x->dirs[i].mtime };
                futimens(fd, ts);
                close(fd);
            }
        }
        free(x->dirs[i].path);
    }
    free(x->dirs);
    pathset_clear(&x->written);
    return r;
}

/* ---- reading a layer blob: raw bytes, decompression, digests ---- */

#define BUF_SIZE (1024 * 1024)

struct raw_reader {
    const struct ctr__src *src;
    uint64_t pos;
    char *buf;
    ctr__hash_t *hash;
    int copy_fd;
    struct ctr__progress *prog;
    int err;
};

static la_ssize_t raw_read(struct archive *a, void *userdata, const void **buf)
{
    struct raw_reader *rr = userdata;
    if (rr->pos >= rr->src->size)
        return 0;
    uint64_t left = rr->src->size - rr->pos;
    size_t want = left < BUF_SIZE ? (size_t)left : BUF_SIZE;
    ssize_t n;
    do
        n = pread(rr->src->fd, rr->buf, want, rr->src->off + (off_t)rr->pos);
    while (n < 0 && errno == EINTR);
    if (n <= 0) {
        rr->err = n < 0 ? ctr__err(-errno, "cannot read the layer: %m") : ctr__err(-EIO, "the layer blob is truncated");
        if (a)
            archive_set_error(a, EIO, "read error");
        return -1;
    }
    ctr__hash_update(rr->hash, rr->buf, (size_t)n);
    if (rr->copy_fd >= 0) {
        int r = ctr__write_all(rr->copy_fd, rr->buf, (size_t)n);
        if (r < 0) {
            rr->err = ctr__err(r, "cannot store the layer blob: %s", strerror(-r));
            if (a)
                archive_set_error(a, EIO, "write error");
            return -1;
        }
    }
    int r = ctr__progress_add(rr->prog, (uint64_t)n);
    if (r < 0) {
        rr->err = r;
        if (a)
            archive_set_error(a, ECANCELED, "cancelled");
        return -1;
    }
    rr->pos += (uint64_t)n;
    *buf = rr->buf;
    return n;
}

struct unc_reader {
    struct archive *filter; /* the decompressing reader */
    char *buf;
    ctr__hash_t *hash;
    uint64_t size;
    int err;
};

static la_ssize_t unc_read(struct archive *a, void *userdata, const void **buf)
{
    struct unc_reader *ur = userdata;
    la_ssize_t n = archive_read_data(ur->filter, ur->buf, BUF_SIZE);
    if (n < 0) {
        if (!ur->err)
            ur->err = ctr__err_keep(-EINVAL, "cannot decompress the layer: %s", archive_error_string(ur->filter));
        if (a)
            archive_set_error(a, EIO, "decompression error");
        return -1;
    }
    ctr__hash_update(ur->hash, ur->buf, (size_t)n);
    ur->size += (uint64_t)n;
    *buf = ur->buf;
    return n;
}

/* What the tar reader reads: the (decompressed) layer, then, if the layer
 * stops short of the tar's end (some writers, umoci among them, omit the
 * last entry's padding and the end blocks), zeros up to a block boundary
 * and an end marker.  The zeros are never hashed. */
struct tar_feed {
    struct raw_reader *rr;
    struct unc_reader *ur;
    uint64_t total;
    bool padded;
    char zeros[2048];
};

static la_ssize_t feed_read(struct archive *a, void *userdata, const void **buf)
{
    struct tar_feed *f = userdata;
    la_ssize_t n = f->ur ? unc_read(a, f->ur, buf) : raw_read(a, f->rr, buf);
    if (n > 0) {
        f->total += (uint64_t)n;
        return n;
    }
    if (n < 0 || f->padded)
        return n;
    f->padded = true;
    *buf = f->zeros;
    return (la_ssize_t)((512 - f->total % 512) % 512 + 1024);
}

static const char *detect_compression(const struct ctr__src *src)
{
    unsigned char m[6] = { 0 };
    ssize_t n = src->size >= 6 ? pread(src->fd, m, 6, src->off) : -1;
    if (n != 6)
        return NULL;
    if (m[0] == 0x1f && m[1] == 0x8b)
        return "gzip";
    if (m[0] == 0x28 && m[1] == 0xb5 && m[2] == 0x2f && m[3] == 0xfd)
        return "zstd";
    if (m[0] == 0xfd && m[1] == '7' && m[2] == 'z' && m[3] == 'X' && m[4] == 'Z' && m[5] == 0)
        return "xz";
    if (m[0] == 'B' && m[1] == 'Z' && m[2] == 'h')
        return "bzip2";
    return NULL;
}

/* One layer being read: the raw bytes (hashed, copied), the decompressor
 * over them when the layer is compressed (its output hashed too), and the
 * tar reader over the result. */
struct layer_reader {
    const char *compression;
    ctr__hash_t *raw_hash, *unc_hash;
    char *raw_buf, *unc_buf;
    struct raw_reader rr;
    struct unc_reader ur;
    struct tar_feed feed;
    struct archive *filter, *tar;
};

static void layer_reader_done(struct layer_reader *l)
{
    if (l->tar)
        archive_read_free(l->tar);
    if (l->filter)
        archive_read_free(l->filter);
    free(l->unc_buf);
    free(l->raw_buf);
    ctr__hash_free(l->unc_hash);
    ctr__hash_free(l->raw_hash);
}

/* The decompressor of a compressed layer, between the raw reader and the tar reader. */
static int open_filter(struct layer_reader *l)
{
    int r = ctr__hash_new(&l->unc_hash);
    if (r < 0)
        return r;
    if (!(l->unc_buf = malloc(BUF_SIZE)) || !(l->filter = archive_read_new()))
        return ctr__oom("the layer's decompressor");
    archive_read_support_filter_all(l->filter);
    archive_read_support_format_raw(l->filter);
    if (archive_read_open(l->filter, &l->rr, NULL, raw_read, NULL) != ARCHIVE_OK)
        return l->rr.err ? l->rr.err
                         : ctr__err(-EINVAL, "cannot read the %s layer: %s", l->compression,
                                    archive_error_string(l->filter));
    struct archive_entry *e;
    if (archive_read_next_header(l->filter, &e) != ARCHIVE_OK)
        return l->rr.err ? l->rr.err
                         : ctr__err(-EINVAL, "cannot decompress the %s layer: %s", l->compression,
                                    archive_error_string(l->filter));
    l->ur = (struct unc_reader){ .filter = l->filter, .buf = l->unc_buf, .hash = l->unc_hash };
    l->feed.ur = &l->ur;
    return 0;
}

/* Open the tar reader over src, decompressing what detect_compression() finds. */
static int layer_reader_open(struct layer_reader *l, const struct ctr__src *src, int copy_fd,
                             struct ctr__progress *prog)
{
    int r;
    if (!(l->raw_buf = malloc(BUF_SIZE)))
        return ctr__oom("the layer's read buffer");
    if ((r = ctr__hash_new(&l->raw_hash)) < 0)
        return r;
    l->compression = detect_compression(src);
    l->rr = (struct raw_reader){ .src = src, .buf = l->raw_buf, .hash = l->raw_hash, .copy_fd = copy_fd, .prog = prog };
    l->feed.rr = &l->rr;
    if (!(l->tar = archive_read_new()))
        return ctr__oom("the layer's tar reader");
    archive_read_support_format_tar(l->tar);
    archive_read_support_format_gnutar(l->tar);
    archive_read_support_format_empty(l->tar);
    if (l->compression && (r = open_filter(l)) < 0)
        return r;
    r = archive_read_open(l->tar, &l->feed, NULL, feed_read, NULL);
    if (r != ARCHIVE_OK && !l->rr.err && !l->ur.err && src->size > 0)
        return ctr__err(-EINVAL, "the layer is not a tar: %s", archive_error_string(l->tar));
    if (l->rr.err || l->ur.err)
        return l->rr.err ? l->rr.err : l->ur.err;
    return 0;
}

/* Hash what the tar reader left (padding after the end marker, or all of it). */
static int layer_reader_drain(struct layer_reader *l)
{
    for (;;) {
        const void *b;
        la_ssize_t n = l->compression ? unc_read(NULL, &l->ur, &b) : raw_read(NULL, &l->rr, &b);
        if (n < 0)
            return l->rr.err ? l->rr.err : l->ur.err;
        if (n == 0)
            break;
    }
    if (l->compression) {
        /* Make sure the raw stream was consumed to its end too. */
        const void *b;
        la_ssize_t n;
        while ((n = raw_read(NULL, &l->rr, &b)) > 0)
            ;
        if (n < 0)
            return l->rr.err;
    }
    return 0;
}

/* The digests of the layer read to its end, checked against those wanted. */
static int layer_reader_result(struct layer_reader *l, const struct ctr__src *src, const char *want_digest,
                               const char *want_diff_id, struct ctr__layer_result *ret)
{
    char digest[65], diff_id[65];
    ctr__hash_final(l->raw_hash, digest);
    if (l->compression)
        ctr__hash_final(l->unc_hash, diff_id);
    else
        memcpy(diff_id, digest, sizeof diff_id);
    if (want_digest && !streq(want_digest, digest))
        return ctr__err(-EINVAL, "layer digest mismatch: expected sha256:%s, got sha256:%s", want_digest, digest);
    if (want_diff_id && !streq(want_diff_id, diff_id))
        return ctr__err(-EINVAL, "layer content digest (diff ID) mismatch: expected sha256:%s, got sha256:%s",
                        want_diff_id, diff_id);
    memcpy(ret->digest, digest, 65);
    memcpy(ret->diff_id, diff_id, 65);
    ret->size = l->compression ? l->ur.size : src->size;
    ret->compression = l->compression;
    return 0;
}

int ctr__layer_unpack(const struct ctr__src *src, const char *want_digest, const char *want_diff_id, int copy_fd,
                      int root_fd, enum ctr__unpack_mode mode, struct ctr__progress *prog,
                      struct ctr__layer_result *ret)
{
    _cleanup_(layer_reader_done) struct layer_reader l = { 0 };
    int r = layer_reader_open(&l, src, copy_fd, prog);
    if (r < 0)
        return r;
    struct ctr__unpack_stats stats = { 0 };
    if (root_fd >= 0 && src->size > 0) {
        r = ctr__tar_extract(l.tar, root_fd, mode, prog, &stats);
        if (r < 0)
            return l.rr.err ? l.rr.err : l.ur.err ? l.ur.err : r;
    }
    if ((r = layer_reader_drain(&l)) < 0)
        return r;
    return layer_reader_result(&l, src, want_digest, want_diff_id, ret);
}
