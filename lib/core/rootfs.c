/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A container's root file system as the lifecycle, refresh and inspect code
 * use it on a handle (rootfs.h), over the storage of
 * storage/container-storage.h: the storage's results recorded in the state.
 * The public calls are in rootfs-api.c. */
#include "core/rootfs.h"

#include "base/error.h"
#include "core/container.h"
#include "core/runtime.h"
#include "storage/container-storage.h"

static const struct ctr__settings *settings_of(ctr_container_t *c)
{
    return ctr__runtime_settings(ctr_container_runtime(c));
}

int ctr__rootfs_mount(ctr_container_t *c, const char *mount_label, const char **ret_path)
{
    const struct ctr__config *cfg = ctr__container_config(c);
    struct ctr__status *st = ctr__container_status(c);
    char *path = NULL;
    int r = ctr__storage_mount(settings_of(c), cfg, st->mount_point, mount_label, &path);
    if (r < 0)
        return r;
    if (r == 0) {
        *ret_path = cfg->rootfs;
        return 0;
    }
    free(st->mount_point);
    st->mount_point = path;
    st->mounted = true;
    *ret_path = st->mount_point;
    return 0;
}

int ctr__rootfs_unmount(ctr_container_t *c, bool force)
{
    int r = ctr__storage_unmount(settings_of(c), ctr__container_config(c), force);
    if (r <= 0)
        return r;
    struct ctr__status *st = ctr__container_status(c);
    st->mounted = false;
    free(st->mount_point);
    st->mount_point = NULL;
    return 0;
}

int ctr__rootfs_volume_mounts(ctr_container_t *c, const char *rootfs, char ***ret)
{
    return ctr__storage_volume_mounts(ctr__container_config(c), rootfs, ret);
}

int ctr__rootfs_sizes(ctr_container_t *c, int64_t *ret_rootfs, int64_t *ret_rw)
{
    return ctr__storage_sizes(settings_of(c), ctr__container_config(c), ret_rootfs, ret_rw);
}

struct json_object *ctr__rootfs_graph_driver(ctr_container_t *c)
{
    return ctr__storage_graph_driver(settings_of(c), ctr__container_config(c));
}

/* The mount points the runtime makes in every container, which podman leaves out of a diff. */
static const char *const init_inodes[] = {
    "/dev", "/etc/hostname", "/etc/hosts", "/etc/resolv.conf", "/proc", "/run", "/run/notify",
    "/run/.containerenv", "/run/secrets", "/sys", "/etc/mtab", NULL,
};

int ctr__rootfs_diff(ctr_container_t *c, struct ctr__change **ret, size_t *ret_count)
{
    return ctr__storage_diff(settings_of(c), ctr__container_config(c), init_inodes, ret, ret_count);
}
