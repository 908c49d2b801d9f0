/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The container handle (container.c), as the modules that implement its
 * operations see it: its config, its state under its lock, and the steps
 * that load, lock, re-read and save it.  The struct is container.c's. */
#pragma once

#include <libctr/ctr.h>

#include "base/lock.h"
#include "core/runtime.h"
#include "data/config.h"
#include "data/status.h"

/* The container's config (shared, immutable; lent for the handle's life). */
const struct ctr__config *ctr__container_config(const ctr_container_t *c);
/* The container's state as last read or set (lock held: it is the caller's
 * to change, and ctr__container_save() writes it). */
struct ctr__status *ctr__container_status(ctr_container_t *c);

/* A new handle for cfg (a reference is taken), in the initial state.
 * -ENOMEM. */
int ctr__container_new(ctr_runtime_t *rt, struct ctr__config *cfg, ctr_container_t **ret);
/* Make a handle for container id; config_json/state_json when already read
 * (NULL: ask the cache and the backend).  -ENOENT when it does not exist. */
int ctr__container_load(ctr_runtime_t *rt, const char *id, const char *config_json, const char *state_json,
                        ctr_container_t **ret);

/* Take the container's lock and re-read its state (inside the caller's own
 * batch: only the lock).  It does not reconcile the state with the OCI
 * runtime: callers that need that take ctr__lifecycle_lock() instead.
 * -ENOENT when the container has been removed.  Pair with
 * ctr__container_unlock(). */
int ctr__container_lock(ctr_container_t *c);
void ctr__container_unlock(ctr_container_t *c);
/* Re-read the state (lock held).  -ENOENT when removed meanwhile. */
int ctr__container_sync(ctr_container_t *c);
/* Write the state through the backend (lock held). */
int ctr__container_save(ctr_container_t *c);
/* Replace c's config by cfg (lock held; a reference is taken), after the
 * stored config changed (rename, update); the old one stays alive with the
 * handle, so what its getters lent stays valid.  -ENOMEM. */
int ctr__container_set_config(ctr_container_t *c, struct ctr__config *cfg);
/* Store cfg, a revision of c's config (ctr__config_revise()), with c's state
 * and, when cfg->name differs, the name moved in the index, in one step of
 * the state backend; then cfg is c's config (lock held; the runtime lock too
 * for a new name).  -EEXIST when the name is another container's, -ENOENT
 * when removed, the backend's error; nothing changed on failure. */
int ctr__container_store_config(ctr_container_t *c, struct ctr__config *cfg);
/* Whether the calling thread runs a batch on c. */
bool ctr__container_in_batch(ctr_container_t *c);
/* Run fn as c's batch (lock held): locks taken inside are re-entrant and do
 * not re-read.  Returns fn's value. */
int ctr__container_run_batch(ctr_container_t *c, ctr_batch_fn fn, void *userdata);
/* Whether the handle's container is known to have been removed. */
bool ctr__container_removed(const ctr_container_t *c);
/* Why c's record cannot be read (its state is then CTR_STATE_UNKNOWN), or
 * NULL; and whether the config is what is damaged (c's config is then
 * made up: the ID, the runtime's paths, every network). */
const char *ctr__container_damage(const ctr_container_t *c);
bool ctr__container_config_damaged(const ctr_container_t *c);
/* Delete the record (lock held; the last step of a remove): the handle is
 * marked removed, its lock file unlinked, its config dropped from the cache.
 * A record already gone is not an error. */
int ctr__container_delete(ctr_container_t *c);

/* "container NAME" for messages. */
#define CTR_CFMT "container %s"
#define CTR_CARG(c) (ctr__container_config(c)->name)
