/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A container handle's root file system (rootfs.c): the core's side of
 * storage/container-storage.h.  These read the container's config and state
 * through its accessors, call the storage with the runtime's settings and
 * record what it returns (mount point, mounted) in the state; the caller
 * saves it. */
#pragma once

#include <libctr/ctr.h>
#include <stdbool.h>
#include <stdint.h>

struct json_object;

/* Mount the container's root file system (lock held); *ret_path is lent from
 * the state's mount point (or the config's rootfs directory) and stays valid
 * until unmount.  Counts mounts. */
int ctr__rootfs_mount(ctr_container_t *c, const char *mount_label, const char **ret_path);
/* Drop one mount (all with force); unmount at zero (lock held). */
int ctr__rootfs_unmount(ctr_container_t *c, bool force);
/* Mounts for the image's volumes, as ctr__storage_volume_mounts(). */
int ctr__rootfs_volume_mounts(ctr_container_t *c, const char *rootfs, char ***ret);
/* Sizes of the image layers under the container and of its own layer
 * (either pointer may be NULL); for inspect (no lock needed). */
int ctr__rootfs_sizes(ctr_container_t *c, int64_t *ret_rootfs, int64_t *ret_rw);
/* podman's GraphDriver object for inspect; NULL for a rootfs container or on ENOMEM. */
struct json_object *ctr__rootfs_graph_driver(ctr_container_t *c);
struct ctr__change;
/* The container's changes against its image without the mount points the
 * runtime makes in every container (/etc/hosts, /proc, ...), as
 * ctr__storage_diff().  No lock needed. */
int ctr__rootfs_diff(ctr_container_t *c, struct ctr__change **ret, size_t *ret_count);
