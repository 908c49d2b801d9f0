/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The container object, shared by the modules that implement its operations
 * (container.c: data, locking, batch, remove; artifact.c; lifecycle). */
#pragma once

#include <libctr/ctr.h>

#include "config.h"
#include "lock.h"
#include "runtime.h"
#include "status.h"

struct ctr_container {
    unsigned int refs;
    ctr_runtime_t *rt;
    struct ctr__config *cfg; /* shared, immutable */
    struct ctr__lock lock;   /* the container's lock file + handle mutex */
    struct ctr__status st;   /* guarded by lock */
    unsigned int batch;      /* batch depth, owner thread only */
    bool removed;
};

/* The container's config (shared, immutable; lent for the handle's life). */
const struct ctr__config *ctr__container_config(const ctr_container_t *c);
/* The container's state as last read or set (lock held: it is the caller's
 * to change, and ctr__container_save() writes it). */
struct ctr__status *ctr__container_status(ctr_container_t *c);

/* Make a handle for container id; config_json/state_json when already read
 * (NULL: ask the cache and the backend).  -ENOENT when it does not exist. */
int ctr__container_load(ctr_runtime_t *rt, const char *id, const char *config_json, const char *state_json,
                        ctr_container_t **ret);

/* Take the container's lock and sync its state (inside the caller's own batch:
 * neither).  Pair with ctr__container_unlock(). */
int ctr__container_lock(ctr_container_t *c);
void ctr__container_unlock(ctr_container_t *c);
/* Re-read the state (lock held). */
int ctr__container_sync(ctr_container_t *c);
/* Write the state through the backend (lock held). */
int ctr__container_save(ctr_container_t *c);
/* Whether the calling thread runs a batch on c. */
bool ctr__container_in_batch(ctr_container_t *c);

/* Lifecycle hooks (lifecycle module): refresh the run-time state from the
 * monitor after a sync, and bring a container down before removal. */
int ctr__lifecycle_update(ctr_container_t *c);
int ctr__lifecycle_teardown(ctr_container_t *c, bool force);

/* "container NAME (ID12)" for messages. */
#define CTR_CFMT "container %s"
#define CTR_CARG(c) ((c)->cfg->name)
