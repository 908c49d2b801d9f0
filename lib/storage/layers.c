/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Container layers over image layers, through the store's driver. */
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <sys/stat.h>

#include "base/error.h"
#include "storage/store.h"

static const struct ctr__driver *driver_of(struct ctr__store *s)
{
    return s->vfs ? &ctr__driver_vfs : &ctr__driver_overlay;
}

/* The diff paths of layer IDs, base first. */
static char **lower_paths(struct ctr__store *s, char *const *layers)
{
    char **v = ctr__strv_copy(NULL);
    for (; v && layers && *layers; layers++) {
        _cleanup_free_ char *p = ctr__store_layer_diff(s, *layers);
        if (!p || ctr__strv_push(&v, p) < 0) {
            ctr__strv_free(v);
            return NULL;
        }
    }
    return v;
}

/* The driver's layout in the new directory name (containers/ID) for img. */
static int container_fill(struct ctr__store *s, const char *name, const struct ctr__image_rec *img)
{
    _cleanup_close_ int fd = openat(s->dir_fd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return -errno;
    _cleanup_strv_ char **lower = lower_paths(s, img->layers);
    if (!lower)
        return ctr__oom("the layers' paths");
    return driver_of(s)->create(s, fd, (const char *const *)lower);
}

int ctr__layers_container_create(struct ctr__store *s, const char *ctr_id, const struct ctr__image_rec *img)
{
    char name[128];
    snprintf(name, sizeof name, "containers/%s", ctr_id);
    ctr__rm_rf_at(s->dir_fd, name);
    if (mkdirat(s->dir_fd, name, 0700) < 0)
        return ctr__err(-errno, "cannot create %s/%s: %m", s->dir, name);
    int r = container_fill(s, name, img);
    if (r < 0) {
        ctr__rm_rf_at(s->dir_fd, name);
        return r;
    }
    return 0;
}

int ctr__layers_container_delete(struct ctr__store *s, const char *ctr_id)
{
    char name[128];
    snprintf(name, sizeof name, "containers/%s", ctr_id);
    _cleanup_free_ char *dir = ctr__asprintf("%s/%s", s->dir, name);
    if (!dir)
        return ctr__oom("a path");
    if (driver_of(s)->is_mounted(dir) && !s->vfs) {
        int r = driver_of(s)->unmount(s, dir);
        if (r < 0)
            return r;
    }
    int r = ctr__rm_rf_at(s->dir_fd, name);
    if (r < 0)
        return ctr__err(r, "cannot remove %s: %s", dir, strerror(-r));
    return 0;
}

int ctr__layers_container_mount(struct ctr__store *s, const struct ctr__ctr_rec *cr, const char *mount_label,
                                char **ret_path)
{
    _cleanup_free_ char *dir = ctr__asprintf("%s/containers/%s", s->dir, cr->id);
    _cleanup_strv_ char **lower = lower_paths(s, cr->layers);
    if (!dir || !lower)
        return ctr__oom("the layers' paths");
    return driver_of(s)->mount(s, dir, (const char *const *)lower, mount_label, ret_path);
}

int ctr__layers_container_unmount(struct ctr__store *s, const char *ctr_id)
{
    _cleanup_free_ char *dir = ctr__asprintf("%s/containers/%s", s->dir, ctr_id);
    if (!dir)
        return ctr__oom("a path");
    return driver_of(s)->unmount(s, dir);
}

bool ctr__layers_container_mounted(struct ctr__store *s, const char *ctr_id)
{
    _cleanup_free_ char *dir = ctr__asprintf("%s/containers/%s", s->dir, ctr_id);
    return dir && driver_of(s)->is_mounted(dir);
}

char *ctr__layers_container_diff(struct ctr__store *s, const char *ctr_id)
{
    return ctr__asprintf("%s/containers/%s/diff", s->dir, ctr_id);
}
