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

/* Mount the container's root file system (lock held); *ret_path is lent from
 * c->st (mount_point) and stays valid until unmount.  Counts mounts. */
int ctr__storage_mount(ctr_container_t *c, const char *mount_label, const char **ret_path);
/* Drop one mount (all with force); unmount at zero. */
int ctr__storage_unmount(ctr_container_t *c, bool force);
/* Delete the container's layer at removal (lock held, not mounted). */
int ctr__storage_delete(ctr_container_t *c);
