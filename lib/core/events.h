/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Emitting events into the runtime's event journal (RUN_ROOT/events/, see
 * base/journal.h), by whichever process makes the change.  An emit never
 * fails its operation: a journal that cannot be written is logged as a
 * warning, and the caller's error record is kept. */
#pragma once

#include <libctr/ctr-runtime.h>

#include "data/config.h"
#include "data/event.h"

/* The journal's directory, malloc'ed (NULL on ENOMEM). */
char *ctr__events_dir(ctr_runtime_t *rt);

/* Append ev (its time: now when 0). */
void ctr__event_emit(ctr_runtime_t *rt, const struct ctr__event *ev);

/* A container event: its ID, name, image and labels as Attributes, plus
 * extra KEY=VALUE attributes (NULL-terminated, or NULL) and, for died and
 * exec_died, the exit code.  Call it after the change succeeded, with the
 * container's lock held where the operation holds it (the order of the
 * journal is then the order of the changes).  The statuses are podman's:
 * create, init, start, attach, died, exec, exec_died, pause, unpause, stop,
 * kill (extra "signal=N"), restart, remove, mount, unmount, commit, export,
 * checkpoint, restore, rename, health_status (extra "health_status=healthy"
 * or "unhealthy", as podman's HealthStatus). */
void ctr__event_container(ctr_container_t *c, const char *status, int exit_code, const char *const *extra);
/* The same by the runtime and the container's config. */
void ctr__event_config(ctr_runtime_t *rt, const struct ctr__config *cfg, const char *status, int exit_code,
                       const char *const *extra);

/* An image, volume, network or pod event by ID and name (either may be NULL). */
void ctr__event_object(ctr_runtime_t *rt, const char *type, const char *status, const char *id, const char *name);
