/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Storage hooks the container and lifecycle code call.  A container made
 * from a rootfs directory uses it as is; one made from an image gets a layer
 * of its own over the image's layers. */
#pragma once

#include "container.h"

/* At create (runtime lock held), for a container made from image_ref: resolve
 * the image, fill cfg's image fields and the defaults the image config gives
 * (command from entrypoint + cmd when cfg->command is empty, env, working
 * dir, user, stop signal, labels, volumes, exposed ports), and create the
 * container's read-write layer.  Undo with ctr__storage_forget(). */
int ctr__storage_container_create(ctr_runtime_t *rt, struct ctr__config *cfg, const char *image_ref);
/* Undo ctr__storage_container_create() for a container that was never added. */
void ctr__storage_forget(ctr_runtime_t *rt, const struct ctr__config *cfg);
/* At refresh (runtime lock held): delete the layers of containers not in ids
 * (a create that died between the storage and the state) and what gc finds
 * (staging of a dead import or commit, unrecorded layer directories). */
int ctr__storage_sweep(ctr_runtime_t *rt, char *const *ids);

/* Mount the container's root file system (lock held); *ret_path is lent from
 * c->st (mount_point) and stays valid until unmount.  Counts mounts. */
int ctr__storage_mount(ctr_container_t *c, const char *mount_label, const char **ret_path);
/* Drop one mount (all with force); unmount at zero. */
int ctr__storage_unmount(ctr_container_t *c, bool force);
/* Delete the container's layer at removal (lock held, not mounted). */
int ctr__storage_delete(ctr_container_t *c);
/* Mounts for the image's volumes (with CTR_CREATE_IMAGE_VOLUMES): anonymous
 * directories under the static dir, as OCI mount objects in JSON
 * (NULL-terminated; empty when none).  rootfs is the mounted root. */
int ctr__storage_volume_mounts(ctr_container_t *c, const char *rootfs, char ***ret);
/* Sizes of the image layers under the container and of its own layer
 * (either pointer may be NULL); for inspect. */
int ctr__storage_sizes(ctr_container_t *c, int64_t *ret_rootfs, int64_t *ret_rw);
/* podman's GraphDriver object ({Name, Data{LowerDir, UpperDir, WorkDir,
 * MergedDir}}) for inspect; NULL for a rootfs container or on ENOMEM. */
struct json_object *ctr__storage_graph_driver(ctr_container_t *c);
