/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The public calls on a container's root file system: mount, unmount,
 * sizes, export.  Each takes the container's lock with
 * ctr__lifecycle_lock() and works through rootfs.h. */
#include "base/error.h"
#include "core/events.h"
#include "core/container.h"
#include "core/lifecycle.h"
#include "core/rootfs.h"
#include "core/runtime.h"
#include "storage/container-storage.h"

static int mount_locked(ctr_container_t *c, const char *mount_label, char **ret_path)
{
    const char *path = NULL;
    int r = ctr__rootfs_mount(c, mount_label, &path);
    if (r < 0)
        return r;
    _cleanup_free_ char *copy = strdup(path);
    if (!copy)
        r = ctr__oom("mount point");
    else
        r = ctr__container_save(c);
    if (r < 0) {
        ctr__rootfs_unmount(c, false);
        return r;
    }
    ctr__event_container(c, "mount", 0, NULL);
    *ret_path = TAKE_PTR(copy);
    return 0;
}

CTR_EXPORT int ctr_container_mount(ctr_container_t *c, const char *mount_label, char **ret_path)
{
    CTR_ENTER();
    CTR_CHECK_ARG(c);
    CTR_CHECK_ARG(ret_path);
    return CTR__WITH_LOCK(c, mount_locked(c, mount_label, ret_path));
}

static int unmount_locked(ctr_container_t *c, bool force)
{
    ctr_state_t st = ctr__container_status(c)->state;
    if (force && (st == CTR_STATE_RUNNING || st == CTR_STATE_PAUSED || st == CTR_STATE_CREATED))
        return ctr__err(-EBUSY, CTR_CFMT " is %s: its root file system stays mounted until it stops", CTR_CARG(c),
                        ctr_state_name(st));
    int r = ctr__rootfs_unmount(c, force);
    if (r < 0 || (r = ctr__container_save(c)) < 0)
        return r;
    ctr__event_container(c, "unmount", 0, NULL);
    return 0;
}

CTR_EXPORT int ctr_container_unmount(ctr_container_t *c, int force)
{
    CTR_ENTER();
    CTR_CHECK_ARG(c);
    int r = ctr__lifecycle_lock(c);
    if (r < 0)
        return r;
    r = unmount_locked(c, force != 0);
    ctr__container_unlock(c);
    return r;
}

/* Sizes need the container's lock only to see that it still exists: they
 * read the store and directories. */
static int sizes(ctr_container_t *c, int64_t *ret_rootfs, int64_t *ret_rw)
{
    int r = ctr__lifecycle_lock(c);
    if (r < 0)
        return r;
    ctr__container_unlock(c);
    return ctr__rootfs_sizes(c, ret_rootfs, ret_rw);
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

static int export_locked(ctr_container_t *c, int fd)
{
    const char *path = NULL;
    int r = ctr__rootfs_mount(c, NULL, &path);
    if (r < 0)
        return r;
    r = ctr__storage_export(path, fd);
    int k = ctr__rootfs_unmount(c, false);
    if (k == 0)
        ctr__container_save(c);
    return r < 0 ? r : k;
}

CTR_EXPORT int ctr_container_export(ctr_container_t *c, int fd)
{
    CTR_ENTER();
    CTR_CHECK_ARG(c);
    CTR_CHECK_ARG(fd >= 0);
    int r = ctr__lifecycle_lock(c);
    if (r < 0)
        return r;
    r = export_locked(c, fd);
    if (r == 0)
        ctr__event_container(c, "export", 0, NULL);
    ctr__container_unlock(c);
    return r;
}

CTR_EXPORT int ctr_container_diff(ctr_container_t *c, ctr_change_t **ret, size_t *ret_count)
{
    CTR_ENTER();
    CTR_CHECK_ARG(c);
    CTR_CHECK_ARG(ret);
    CTR_CHECK_ARG(ret_count);
    struct ctr__change *v = NULL;
    size_t n = 0;
    int r = ctr__rootfs_diff(c, &v, &n);
    if (r < 0)
        return r;
    ctr_change_t *out = calloc(n + 1, sizeof *out);
    if (!out) {
        ctr__changes_free(v, n);
        return ctr__oom("the changes");
    }
    for (size_t i = 0; i < n; i++)
        out[i] = (ctr_change_t){ .path = v[i].path, .kind = v[i].kind };
    free(v); /* the paths moved to out */
    *ret = out;
    *ret_count = n;
    return 0;
}

CTR_EXPORT void ctr_changes_free(ctr_change_t *changes, size_t count)
{
    for (size_t i = 0; changes && i < count; i++)
        free((char *)changes[i].path);
    free(changes);
}
