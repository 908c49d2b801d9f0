/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The state front: the registry of backend factories, a runtime's backend
 * instance, and calls serialized per opened database. */
#pragma once

#include <libctr/sys/ctr-state.h>
#include <pthread.h>

#include "base/util.h"

/* A runtime's state backend instance: the vtable its factory's create() made
 * (vt.name points to name, vt.userdata is the instance's data) and, once
 * opened, its database.  Zeroed until ctr__state_new(). */
struct ctr__state {
    const ctr_state_backend_t *backend; /* &vt once made, NULL before */
    ctr_state_backend_t vt;
    char *name;
    void *db;
    bool opened;
    pthread_mutex_t mutex;
};

/* Make, in the zeroed s, an instance of the backend registered (or built in)
 * under name: -EINVAL naming the built-in ones when unknown, -EOPNOTSUPP for
 * "tdb" when it is not built in, the code of the factory's create(), -EINVAL
 * when the instance lacks a callback.  Opens nothing; on failure s stays
 * zeroed.  ctr__state_close() releases it. */
int ctr__state_new(struct ctr__state *s, const char *name);
/* Open the instance's database in ROOT/state/NAME (created 0700). */
int ctr__state_open(struct ctr__state *s, const char *root);
/* Close the database if open and release the instance (its free()); s is
 * zeroed again.  Nothing for a zeroed s. */
void ctr__state_close(struct ctr__state *s);

int ctr__state_add(struct ctr__state *s, const char *id, const char *name, const char *config, const char *state);
int ctr__state_remove(struct ctr__state *s, const char *id, const char *name);
int ctr__state_save(struct ctr__state *s, const char *id, const char *state);
/* The backend's save_state_flags() (version 5; see sys/ctr-state.h) with
 * flags (CTR_STATE_SAVE_TRANSIENT), or, for a backend without one, its
 * save_state(): durable. */
int ctr__state_save_flags(struct ctr__state *s, const char *id, const char *state, unsigned int flags);
int ctr__state_get(struct ctr__state *s, const char *id, char **ret_config, char **ret_state);
int ctr__state_lookup_name(struct ctr__state *s, const char *name, char **ret_id);
/* The backend's rename() (version 4; see sys/ctr-state.h), or, for a
 * backend without one, a remove() and an add() (the caller holds the runtime
 * lock): -EEXIST when new_name is another container's, -ENOENT. */
int ctr__state_rename(struct ctr__state *s, const char *id, const char *old_name, const char *new_name,
                      const char *config, const char *state);
int ctr__state_iterate(struct ctr__state *s, unsigned int flags, ctr_state_iter_fn fn, void *userdata);

/* Object records (backend version 3; see sys/ctr-state.h): -EOPNOTSUPP with
 * a message naming the backend when its instance has none. */
bool ctr__state_has_objects(const struct ctr__state *s);
int ctr__state_obj_add(struct ctr__state *s, const char *kind, const char *name, const char *doc);
int ctr__state_obj_save(struct ctr__state *s, const char *kind, const char *name, const char *doc);
int ctr__state_obj_get(struct ctr__state *s, const char *kind, const char *name, char **ret_doc);
int ctr__state_obj_remove(struct ctr__state *s, const char *kind, const char *name);
/* fn runs with the state's mutex held: it must not call the state. */
int ctr__state_obj_iterate(struct ctr__state *s, const char *kind, ctr_state_obj_fn fn, void *userdata);
