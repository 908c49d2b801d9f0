/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The state front: backend registry, and calls serialized per opened database. */
#pragma once

#include <libctr/sys/ctr-state.h>
#include <pthread.h>

#include "util.h"

struct ctr__state {
    const ctr_state_backend_t *backend;
    void *db;
    pthread_mutex_t mutex;
};

/* Find a backend by name: -EINVAL naming the known ones when unknown. */
int ctr__state_find(const char *name, const ctr_state_backend_t **ret);
/* Open the backend's database in ROOT/state/NAME (created 0700). */
int ctr__state_open(struct ctr__state *s, const ctr_state_backend_t *backend, const char *root);
void ctr__state_close(struct ctr__state *s);

int ctr__state_add(struct ctr__state *s, const char *id, const char *name, const char *config, const char *state);
int ctr__state_remove(struct ctr__state *s, const char *id, const char *name);
int ctr__state_save(struct ctr__state *s, const char *id, const char *state);
int ctr__state_get(struct ctr__state *s, const char *id, char **ret_config, char **ret_state);
int ctr__state_lookup_name(struct ctr__state *s, const char *name, char **ret_id);
int ctr__state_iterate(struct ctr__state *s, unsigned int flags, ctr_state_iter_fn fn, void *userdata);
