/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The storage of one container (container-storage.c).  A container made
 * from a rootfs directory uses it as is; one made from an image gets a
 * layer of its own over the image's layers.  The inputs are the runtime's
 * settings and the container's config; results come back to the caller,
 * which records them in the container's state (lib/core/rootfs.c for a handle). */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "data/config.h"
#include "data/settings.h"

struct json_object;

/* At create (runtime lock held), for a container made from image_ref: resolve
 * the image, fill cfg's image fields and the defaults the image config gives
 * (command from entrypoint + cmd when cfg->command is empty, env, working
 * dir, user, stop signal, labels, volumes, exposed ports), and create the
 * container's read-write layer.  Undo with ctr__storage_forget(). */
int ctr__storage_container_create(const struct ctr__settings *set, struct ctr__config *cfg, const char *image_ref);
/* Undo ctr__storage_container_create() for a container that was never added. */
void ctr__storage_forget(const struct ctr__settings *set, const struct ctr__config *cfg);
/* For a create that died (runtime lock held): forget the layer the store
 * may have for id; nothing when there is no store. */
int ctr__storage_forget_id(const struct ctr__settings *set, const char *id);
/* At refresh (runtime lock held): delete the layers of containers not in ids
 * (a create that died between the storage and the state) and what gc finds
 * (staging of a dead import or commit, unrecorded layer directories). */
int ctr__storage_sweep(const struct ctr__settings *set, char *const *ids);

/* Mount the root file system of the container cfg describes (its lock held),
 * counting mounts in RUN_ROOT/storage/ID.mounts.  mounted is the mount point
 * the container's state records (NULL: none).  Returns 1 with *ret_path the
 * mount point (malloc'ed), for the caller to record as mounted; 0 with
 * *ret_path NULL for a container made from a directory (checked, nothing
 * mounted: its root is cfg->rootfs). */
int ctr__storage_mount(const struct ctr__settings *set, const struct ctr__config *cfg, const char *mounted,
                       const char *mount_label, char **ret_path);
/* Drop one mount (all with force); unmount at zero.  Returns 1 when the root
 * file system was unmounted (the caller forgets the mount point), 0 when it
 * stays mounted or is a directory. */
int ctr__storage_unmount(const struct ctr__settings *set, const struct ctr__config *cfg, bool force);
/* Delete the container's layer at removal (lock held): every mount dropped,
 * the layer and its record removed. */
int ctr__storage_delete(const struct ctr__settings *set, const struct ctr__config *cfg);
/* Mounts for the image's volumes of a config of version 1 (with
 * CTR_CREATE_IMAGE_VOLUMES): anonymous directories under the static dir, as
 * OCI mount objects in JSON (NULL-terminated; empty when none).  rootfs is
 * the mounted root.  Since version 2 a create makes them mounts of the
 * config (core/volume.c: volumes, or tmpfs with
 * CTR_CREATE_IMAGE_VOLUMES_TMPFS), whose destinations are skipped here. */
int ctr__storage_volume_mounts(const struct ctr__config *cfg, const char *rootfs, char ***ret);
/* Sizes of the image layers under the container (or of its rootfs directory)
 * and of its own layer (either pointer may be NULL).  No lock needed. */
int ctr__storage_sizes(const struct ctr__settings *set, const struct ctr__config *cfg, int64_t *ret_rootfs,
                       int64_t *ret_rw);
/* podman's GraphDriver object ({Name, Data{LowerDir, UpperDir, WorkDir,
 * MergedDir}}) for inspect; NULL for a rootfs container or on ENOMEM. */
struct json_object *ctr__storage_graph_driver(const struct ctr__settings *set, const struct ctr__config *cfg);
/* Write the tree at root (a mounted root file system) to fd as a tar. */
int ctr__storage_export(const char *root, int fd);

/* A change of ctr_container_diff(): path malloc'ed, kind CTR_CHANGE_*. */
struct ctr__change {
    char *path;
    int kind;
};
/* The container's changes against its image (diff.c), sorted, without the
 * paths of @exclude.  -EOPNOTSUPP for a rootfs container, -ENOENT, -ELOOP,
 * an I/O errno. */
int ctr__storage_diff(const struct ctr__settings *set, const struct ctr__config *cfg, const char *const *exclude,
                      struct ctr__change **ret, size_t *ret_count);
void ctr__changes_free(struct ctr__change *v, size_t n);
