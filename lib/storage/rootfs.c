/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A container's root file system through the public API: mount, unmount,
 * sizes, export. */
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>

#include "container.h"
#include "error.h"
#include "storage/storage.h"
#include "storage/store.h"

CTR_EXPORT int ctr_container_mount(ctr_container_t *c, const char *mount_label, char **ret_path)
{
    CTR_ENTER();
    CTR_CHECK_ARG(c);
    CTR_CHECK_ARG(ret_path);
    int r = ctr__container_lock(c);
    if (r < 0)
        return r;
    const char *path = NULL;
    char *copy = NULL;
    r = ctr__storage_mount(c, mount_label, &path);
    if (r == 0 && !(copy = strdup(path)))
        r = -ENOMEM;
    if (r == 0 && (r = ctr__container_save(c)) < 0)
        ctr__storage_unmount(c, false);
    ctr__container_unlock(c);
    if (r < 0) {
        free(copy);
        return r;
    }
    *ret_path = copy;
    return 0;
}

CTR_EXPORT int ctr_container_unmount(ctr_container_t *c, int force)
{
    CTR_ENTER();
    CTR_CHECK_ARG(c);
    int r = ctr__container_lock(c);
    if (r < 0)
        return r;
    ctr_state_t st = c->st.state;
    if (force && (st == CTR_STATE_RUNNING || st == CTR_STATE_PAUSED || st == CTR_STATE_CREATED))
        r = ctr__err(-EBUSY, CTR_CFMT " is %s: its root file system stays mounted until it stops", CTR_CARG(c),
                     ctr_state_name(st));
    else if ((r = ctr__storage_unmount(c, force != 0)) == 0)
        r = ctr__container_save(c);
    ctr__container_unlock(c);
    return r;
}

static int dir_size(const char *path, int64_t *ret)
{
    _cleanup_close_ int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return ctr__err(-errno, "%s: %m", path);
    int r = ctr__tree_size(fd, ret);
    if (r < 0)
        return ctr__err(r, "cannot measure %s: %s", path, strerror(-r));
    return 0;
}

/* Sizes need no container lock: they read the store and directories. */
static int sizes(ctr_container_t *c, int64_t *ret_rootfs, int64_t *ret_rw)
{
    if (c->removed)
        return ctr__err(-ENOENT, CTR_CFMT " has been removed", CTR_CARG(c));
    if (c->cfg->rootfs) {
        if (ret_rw)
            *ret_rw = 0;
        return ret_rootfs ? dir_size(c->cfg->rootfs, ret_rootfs) : 0;
    }
    _cleanup_(ctr__store_closep) struct ctr__store *s = NULL;
    int r = ctr__store_open(ctr__runtime_settings(c->rt), &s);
    if (r < 0)
        return r;
    if (ret_rootfs) {
        if ((r = ctr__store_lock(s)) < 0)
            return r;
        struct ctr__ctr_rec *cr = ctr__store_ctr(s, c->cfg->id);
        int64_t total = 0;
        for (char **l = cr ? cr->layers : NULL; l && *l; l++) {
            struct ctr__layer_rec *lr = ctr__store_layer(s, *l);
            if (lr)
                total += lr->size;
        }
        ctr__store_unlock(s);
        if (!cr)
            return ctr__err(-ENOENT, "the storage of " CTR_CFMT " is missing", CTR_CARG(c));
        *ret_rootfs = total;
    }
    if (ret_rw) {
        _cleanup_free_ char *diff = ctr__layers_container_diff(s, c->cfg->id);
        if (!diff)
            return -ENOMEM;
        if ((r = dir_size(diff, ret_rw)) < 0)
            return r;
    }
    return 0;
}

int ctr__storage_sizes(ctr_container_t *c, int64_t *ret_rootfs, int64_t *ret_rw)
{
    return sizes(c, ret_rootfs, ret_rw);
}

CTR_EXPORT int ctr_container_rootfs_size(ctr_container_t *c, int64_t *ret)
{
    CTR_ENTER();
    CTR_CHECK_ARG(c);
    CTR_CHECK_ARG(ret);
    return sizes(c, ret, NULL);
}

CTR_EXPORT int ctr_container_rw_size(ctr_container_t *c, int64_t *ret)
{
    CTR_ENTER();
    CTR_CHECK_ARG(c);
    CTR_CHECK_ARG(ret);
    return sizes(c, NULL, ret);
}

CTR_EXPORT int ctr_container_export(ctr_container_t *c, int fd)
{
    CTR_ENTER();
    CTR_CHECK_ARG(c);
    CTR_CHECK_ARG(fd >= 0);
    int r = ctr__container_lock(c);
    if (r < 0)
        return r;
    const char *path = NULL;
    r = ctr__storage_mount(c, NULL, &path);
    if (r == 0) {
        _cleanup_close_ int dfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dfd < 0)
            r = ctr__err(-errno, "%s: %m", path);
        else
            r = ctr__tar_create(dfd, fd, 0, NULL, NULL, NULL);
        int k = ctr__storage_unmount(c, false);
        if (r == 0)
            r = k;
        if (k == 0)
            ctr__container_save(c);
    }
    ctr__container_unlock(c);
    return r;
}

#include "json-util.h"

struct json_object *ctr__storage_graph_driver(ctr_container_t *c)
{
    if (!c->cfg->image_id)
        return NULL;
    _cleanup_(ctr__store_closep) struct ctr__store *s = NULL;
    if (ctr__store_open(ctr__runtime_settings(c->rt), &s) < 0 || ctr__store_lock(s) < 0) {
        ctr__err_clear();
        return NULL;
    }
    struct ctr__ctr_rec *cr = ctr__store_ctr(s, c->cfg->id);
    json_object *gd = json_object_new_object(), *data = json_object_new_object();
    if (!gd || !data) {
        json_object_put(gd);
        json_object_put(data);
        ctr__store_unlock(s);
        return NULL;
    }
    json_object_object_add(gd, "Name", json_object_new_string(s->vfs ? "vfs" : "overlay"));
    size_t len = 1;
    for (char **l = cr ? cr->layers : NULL; l && *l; l++)
        len += strlen(s->dir) + 80;
    char *lower = calloc(1, len);
    size_t n = 0;
    for (size_t i = cr ? ctr__strv_len((const char *const *)cr->layers) : 0; lower && i-- > 0;)
        n += (size_t)snprintf(lower + n, len - n, "%s%s/layers/%s/diff", n ? ":" : "", s->dir, cr->layers[i]);
    if (lower && !s->vfs && n)
        json_object_object_add(data, "LowerDir", json_object_new_string(lower));
    free(lower);
    char p[4200];
    snprintf(p, sizeof p, "%s/containers/%s/diff", s->dir, c->cfg->id);
    json_object_object_add(data, "UpperDir", json_object_new_string(p));
    if (!s->vfs) {
        snprintf(p, sizeof p, "%s/containers/%s/work", s->dir, c->cfg->id);
        json_object_object_add(data, "WorkDir", json_object_new_string(p));
        snprintf(p, sizeof p, "%s/containers/%s/merged", s->dir, c->cfg->id);
        json_object_object_add(data, "MergedDir", json_object_new_string(p));
    }
    json_object_object_add(gd, "Data", data);
    ctr__store_unlock(s);
    return gd;
}
