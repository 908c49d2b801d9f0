/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Named volumes on a runtime: their records in the state backend (kind
 * "volume"), their data (storage/volume-dir.c), who uses them, and what a
 * container's create, init, cleanup and remove do with them. */
#pragma once

#include <libctr/ctr-container.h>

#include "data/config.h"
#include "data/volume.h"

/* A volume's record: -ENOENT "no volume with name NAME found"; -EUCLEAN
 * for a damaged one; -EOPNOTSUPP when the state backend keeps no objects. */
int ctr__volume_get(ctr_runtime_t *rt, const char *name, struct ctr__volume *ret);
/* Every volume, sorted by name; *ret freed with ctr__volume_list_free(). */
int ctr__volume_list(ctr_runtime_t *rt, struct ctr__volume **ret, size_t *ret_n);
void ctr__volume_list_free(struct ctr__volume *v, size_t n);
/* Make the record and the data directory (runtime lock held): -EEXIST with
 * podman's message; on failure neither is left. */
int ctr__volume_add_locked(ctr_runtime_t *rt, const struct ctr__volume *v);
/* Remove the data and the record (runtime lock held; the caller checked
 * that no container uses it). */
int ctr__volume_delete_locked(ctr_runtime_t *rt, const char *name);

/* Refresh (runtime lock held): remove the data directories that have no
 * record (a create that died).  Best effort: logs what fails. */
void ctr__volumes_sweep(ctr_runtime_t *rt);

/* Who uses volumes: every container whose config mounts one. */
struct ctr__volume_use {
    char *id;
    char *name;
    bool live; /* created, running, paused or stopping */
    char **volumes; /* the volumes its config mounts, never NULL */
};
struct ctr__volume_uses {
    struct ctr__volume_use *v;
    size_t n;
};
int ctr__volume_uses_load(ctr_runtime_t *rt, struct ctr__volume_uses *ret);
void ctr__volume_uses_clear(struct ctr__volume_uses *u);
/* How many containers use volume @name (only the live ones with live_only),
 * leaving out @skip_id (may be NULL); the first one's index in *ret_first. */
size_t ctr__volume_uses_count(const struct ctr__volume_uses *u, const char *name, bool live_only, const char *skip_id,
                              size_t *ret_first);

/* Create (runtime lock held): add the image's volumes to cfg's mounts
 * (anonymous volumes with CTR_CREATE_IMAGE_VOLUMES, tmpfs mounts with
 * CTR_CREATE_IMAGE_VOLUMES_TMPFS), give each anonymous volume mount of cfg a
 * generated name, and make the volumes that do not exist (named ones as
 * they are named, anonymous ones marked so).  *ret_made lists the names made
 * (for ctr__volumes_undo()).  Nothing when cfg mounts no volume. */
int ctr__volumes_create_for(ctr_runtime_t *rt, struct ctr__config *cfg, char ***ret_made);
/* Remove the volumes a failed create made (runtime lock held). */
void ctr__volumes_undo(ctr_runtime_t *rt, char **made);
/* Init (container lock held): for each volume mount, its driver's mount on
 * _data and, for a volume no container mounted yet, the copy of the root
 * file system's content at the destination unless the mount says nocopy;
 * *ret_sources gets the _data path of each cfg->mounts entry of type
 * "volume" by index (NULL for the others), freed with ctr__strv_free()
 * semantics (ctr__volume_sources_free()); NULL when there are none. */
int ctr__volumes_prepare(ctr_container_t *c, const char *rootfs, char ***ret_sources);
void ctr__volume_sources_free(char **sources, size_t n);
/* Cleanup (container lock held): unmount the driver mounts of c's volumes
 * that no other live container uses.  Best effort: logs what fails. */
void ctr__volumes_release(ctr_container_t *c);
/* Remove (runtime lock held, c's record gone): its anonymous volumes that no
 * other container uses.  Best effort: logs what fails. */
void ctr__volumes_remove_anonymous(ctr_runtime_t *rt, const struct ctr__config *cfg);
