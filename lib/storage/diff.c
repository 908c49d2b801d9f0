/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A container's changes against its image (container-storage.h), as
 * `podman diff` lists them.  overlay: the upper directory is walked with
 * the image's layer directories beside it (top first, whiteouts and opaque
 * directories honoured): a whiteout is a deletion, what a lower layer has is
 * a change (a directory copied up is changed; one made again, opaque, is a
 * deletion, as podman reports it), the rest is added, with all it holds.  vfs: the container's tree against the image's top layer (a full
 * tree too): entries only in the container are added, only in the image
 * deleted, in both and different (ctr__tree_same()) changed, and a directory
 * holding a change is changed.  Nothing is followed: directories are opened
 * O_NOFOLLOW one component at a time, entries lstat()ed. */
#include <fcntl.h>
#include <stdio.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>

#include "base/error.h"
#include "storage/container-storage.h"
#include "storage/store.h"
#include <libctr/ctr-image.h>

#define MAX_DEPTH 256
#define MAX_LOWER 128

struct changes {
    struct ctr__change *v;
    size_t n, cap;
};

/* One directory level of the image: its directory in each layer (top
 * first; -1 where the layer lacks it), and where an opaque one hides the rest. */
struct lowers {
    int fd[MAX_LOWER];
    size_t n;
};

static void lowers_close(struct lowers *l)
{
    for (size_t i = 0; i < l->n; i++)
        if (l->fd[i] >= 0)
            close(l->fd[i]);
    l->n = 0;
}

static int add(struct changes *c, const char *path, int kind)
{
    if (c->n == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 64;
        struct ctr__change *v = realloc(c->v, cap * sizeof *v);
        if (!v)
            return ctr__oom("the changes");
        c->v = v;
        c->cap = cap;
    }
    if (!(c->v[c->n].path = strdup(path)))
        return ctr__oom("the changes");
    c->v[c->n++].kind = kind;
    return 0;
}

void ctr__changes_free(struct ctr__change *v, size_t n)
{
    for (size_t i = 0; v && i < n; i++)
        free(v[i].path);
    free(v);
}

static bool whiteout(const struct stat *st)
{
    return S_ISCHR(st->st_mode) && st->st_rdev == makedev(0, 0);
}

static bool opaque(int dir_fd)
{
    char v[2] = "";
    return fgetxattr(dir_fd, "trusted.overlay.opaque", v, sizeof v) == 1 && v[0] == 'y';
}

static int child_path(char *buf, size_t size, const char *rel, const char *name)
{
    if ((size_t)snprintf(buf, size, "%s/%s", rel, name) >= size)
        return ctr__err(-ENAMETOOLONG, "path too long under \"%s\"", *rel ? rel : "/");
    return 0;
}

static int open_dir(int dir_fd, const char *name)
{
    return openat(dir_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
}

/* Whether the image shows name at this level: the first layer that has it
 * (a whiteout there: no), stopping below an opaque directory. */
static bool in_image(const struct lowers *l, const bool *opq, const char *name, bool *ret_dir)
{
    for (size_t i = 0; i < l->n; i++) {
        struct stat st;
        if (l->fd[i] >= 0 && fstatat(l->fd[i], name, &st, AT_SYMLINK_NOFOLLOW) == 0) {
            *ret_dir = S_ISDIR(st.st_mode);
            return !whiteout(&st);
        }
        if (opq[i])
            return false;
    }
    return false;
}

/* The next level of l for directory name: each layer's, up to an opaque one. */
static void lowers_next(const struct lowers *l, const bool *opq, const char *name, struct lowers *ret)
{
    ret->n = l->n;
    bool hidden = false;
    for (size_t i = 0; i < l->n; i++) {
        ret->fd[i] = hidden || l->fd[i] < 0 ? -1 : open_dir(l->fd[i], name);
        hidden = hidden || opq[i];
    }
}

static void opaque_flags(const struct lowers *l, bool *opq)
{
    for (size_t i = 0; i < l->n; i++)
        opq[i] = l->fd[i] >= 0 && opaque(l->fd[i]);
}

static int walk_overlay(struct changes *c, int dir_fd, const struct lowers *l, const char *rel, int depth);

/* A directory of the upper layer: changed when the image has the name, its
 * contents walked against the image's directory of that name if any.  An
 * opaque one (deleted and made again) hides the image's: as podman, it is
 * reported deleted and what it holds added. */
static int overlay_dir(struct changes *c, int dir_fd, const struct lowers *l, const bool *opq, const char *name,
                       const char *path, bool in_lower, bool lower_dir, int depth)
{
    _cleanup_close_ int sub = open_dir(dir_fd, name);
    if (sub < 0)
        return ctr__err(-errno, "%s: %m", path);
    bool replaced = in_lower && opaque(sub);
    int r = add(c, path, replaced ? CTR_CHANGE_DELETED : in_lower ? CTR_CHANGE_MODIFIED : CTR_CHANGE_ADDED);
    if (r < 0)
        return r;
    struct lowers next = { .n = 0 };
    if (lower_dir && !replaced)
        lowers_next(l, opq, name, &next);
    r = walk_overlay(c, sub, &next, path, depth + 1);
    lowers_close(&next);
    return r;
}

static int walk_overlay(struct changes *c, int dir_fd, const struct lowers *l, const char *rel, int depth)
{
    if (depth > MAX_DEPTH)
        return ctr__err(-ELOOP, "\"%s\": directories nested too deep", rel);
    _cleanup_(ctr__names_done) struct ctr__names names = { 0 };
    bool opq[MAX_LOWER];
    int r = ctr__tree_names(dir_fd, *rel ? rel : "/", &names);
    opaque_flags(l, opq);
    for (size_t i = 0; r >= 0 && i < names.n; i++) {
        char p[PATH_MAX];
        struct stat st;
        bool dir = false, lower;
        if ((r = child_path(p, sizeof p, rel, names.v[i])) < 0)
            break;
        if (fstatat(dir_fd, names.v[i], &st, AT_SYMLINK_NOFOLLOW) < 0)
            return ctr__err(-errno, "%s: %m", p);
        lower = in_image(l, opq, names.v[i], &dir);
        if (whiteout(&st))
            r = lower ? add(c, p, CTR_CHANGE_DELETED) : 0;
        else if (S_ISDIR(st.st_mode))
            r = overlay_dir(c, dir_fd, l, opq, names.v[i], p, lower, lower && dir, depth);
        else
            r = add(c, p, lower ? CTR_CHANGE_MODIFIED : CTR_CHANGE_ADDED);
    }
    return r;
}

/* ---- vfs: the container's tree against the image's ---- */

static int walk_vfs(struct changes *c, int dir_fd, int base_fd, const char *rel, int depth, size_t *ret_count);

/* Everything under dir_fd/name, added. */
static int vfs_entry(struct changes *c, int dir_fd, int base_fd, const char *name, const char *path, int depth,
                     size_t *count)
{
    struct stat st, bst;
    if (fstatat(dir_fd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
        return ctr__err(-errno, "%s: %m", path);
    bool in_base = base_fd >= 0 && fstatat(base_fd, name, &bst, AT_SYMLINK_NOFOLLOW) == 0;
    bool both_dirs = in_base && S_ISDIR(st.st_mode) && S_ISDIR(bst.st_mode);
    size_t before = c->n, inside = 0;
    int r = 0;
    if (S_ISDIR(st.st_mode)) {
        _cleanup_close_ int sub = open_dir(dir_fd, name), bsub = both_dirs ? open_dir(base_fd, name) : -1;
        if (sub < 0)
            return ctr__err(-errno, "%s: %m", path);
        if ((r = walk_vfs(c, sub, bsub, path, depth + 1, &inside)) < 0)
            return r;
    }
    bool changed = !in_base || inside > 0 || !ctr__tree_same(dir_fd, base_fd, name, &st, &bst);
    if (changed && (r = add(c, path, in_base ? CTR_CHANGE_MODIFIED : CTR_CHANGE_ADDED)) < 0)
        return r;
    *count += c->n - before;
    return 0;
}

static int walk_vfs(struct changes *c, int dir_fd, int base_fd, const char *rel, int depth, size_t *count)
{
    if (depth > MAX_DEPTH)
        return ctr__err(-ELOOP, "\"%s\": directories nested too deep", rel);
    _cleanup_(ctr__names_done) struct ctr__names names = { 0 }, base = { 0 };
    int r = ctr__tree_names(dir_fd, *rel ? rel : "/", &names);
    if (r >= 0 && base_fd >= 0)
        r = ctr__tree_names(base_fd, *rel ? rel : "/", &base);
    size_t before = c->n;
    for (size_t i = 0; r >= 0 && i < names.n; i++) {
        char p[PATH_MAX];
        if ((r = child_path(p, sizeof p, rel, names.v[i])) >= 0)
            r = vfs_entry(c, dir_fd, base_fd, names.v[i], p, depth, count);
    }
    for (size_t i = 0; r >= 0 && i < base.n; i++) {
        char p[PATH_MAX];
        if (names.n && bsearch(&base.v[i], names.v, names.n, sizeof *names.v, ctr__name_cmp))
            continue;
        if ((r = child_path(p, sizeof p, rel, base.v[i])) >= 0)
            r = add(c, p, CTR_CHANGE_DELETED);
    }
    *count = c->n - before;
    return r;
}

/* ---- the container ---- */

static int change_cmp(const void *a, const void *b)
{
    return strcmp(((const struct ctr__change *)a)->path, ((const struct ctr__change *)b)->path);
}

/* Drop the changes at the excluded paths (mount points); sort by path. */
static void finish(struct changes *c, const char *const *exclude)
{
    size_t k = 0;
    for (size_t i = 0; i < c->n; i++) {
        if (ctr__strv_contains(exclude, c->v[i].path))
            free(c->v[i].path);
        else
            c->v[k++] = c->v[i];
    }
    c->n = k;
    if (c->n > 1)
        qsort(c->v, c->n, sizeof *c->v, change_cmp);
}

/* The image's layer directories for the walk (top first; vfs: the top one). */
static int open_lowers(struct ctr__store *s, const struct ctr__ctr_rec *cr, struct lowers *ret)
{
    size_t n = ctr__strv_len((const char *const *)cr->layers);
    if (n > MAX_LOWER)
        return ctr__err(-E2BIG, "container %.12s: more than %d image layers", cr->id, MAX_LOWER);
    ret->n = 0;
    for (size_t i = n; i-- > 0 && !(s->vfs && ret->n == 1);) {
        _cleanup_free_ char *p = ctr__store_layer_diff(s, cr->layers[i]);
        if (!p)
            return ctr__oom("path");
        if ((ret->fd[ret->n++] = open(p, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
            return ctr__err(-errno, "%s: %m", p);
    }
    return 0;
}

/* Open the container's layer and the image's layers under the lock; the walk runs without it. */
static int open_locked(struct ctr__store *s, const char *id, int *ret_fd, struct lowers *l)
{
    const struct ctr__ctr_rec *cr = ctr__store_ctr(s, id);
    if (!cr)
        return ctr__err(-ENOENT, "no storage record for container %.12s", id);
    int r = open_lowers(s, cr, l);
    _cleanup_free_ char *diff = ctr__layers_container_diff(s, id);
    if (r < 0)
        return r;
    if (!diff)
        return ctr__oom("path");
    if ((*ret_fd = open(diff, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
        return ctr__err(-errno, "%s: %m", diff);
    return 0;
}

static int open_layers(const struct ctr__settings *set, const char *id, int *ret_fd, struct lowers *l, bool *ret_vfs)
{
    _cleanup_(ctr__store_closep) struct ctr__store *s = NULL;
    int r = ctr__store_open(set, &s);
    if (r < 0 || (r = ctr__store_lock(s)) < 0)
        return r;
    r = open_locked(s, id, ret_fd, l);
    ctr__store_unlock(s);
    *ret_vfs = s->vfs;
    return r;
}

int ctr__storage_diff(const struct ctr__settings *set, const struct ctr__config *cfg, const char *const *exclude,
                      struct ctr__change **ret, size_t *ret_count)
{
    if (cfg->rootfs)
        return ctr__err(-EOPNOTSUPP, "container %.12s runs on a root file system of its own: it has no layer "
                                     "to compare with an image", cfg->id);
    struct lowers l = { .n = 0 };
    _cleanup_close_ int fd = -1;
    bool vfs = false;
    struct changes c = { 0 };
    size_t count = 0;
    int r = open_layers(set, cfg->id, &fd, &l, &vfs);
    if (r >= 0)
        r = vfs ? walk_vfs(&c, fd, l.n ? l.fd[0] : -1, "", 0, &count) : walk_overlay(&c, fd, &l, "", 0);
    lowers_close(&l);
    if (r < 0) {
        ctr__changes_free(c.v, c.n);
        return r;
    }
    finish(&c, exclude);
    *ret = c.v;
    *ret_count = c.n;
    return 0;
}
