/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Creates in flight: a create marks itself in RUN_ROOT/creating/ID from
 * before its first step (the image layer) to after the record is added, so
 * that one that dies half way is found and undone under the runtime lock:
 * at the next open of a runtime or remove of a container, in any process
 * (not at the next create: that would read the directory at every one). */
#pragma once

#include <libctr/ctr-runtime.h>

/* Undo the creates that died: for each mark whose container has no record,
 * its layer and its static directory; then the mark.  Runtime lock held.
 * Failures are logged and the mark kept for the next try. */
void ctr__create_undo_died(ctr_runtime_t *rt);

/* Copy a caller's container options (of its version) over the newest
 * version's defaults: -EINVAL for an unknown version. */
#include <libctr/ctr-container.h>
int ctr__container_options_copy(ctr_container_options_t *dst, const ctr_container_options_t *src);

/* ctr_container_create() of a pod's infra container (opts->pod its pod):
 * marked IsInfra, in the pod's cgroup, joining nothing. */
int ctr__container_create_infra(ctr_container_t **ret, ctr_runtime_t *rt, const ctr_container_options_t *opts);

/* ctr_container_remove() with the runtime lock held by the caller, an infra
 * container too (the pod's removal). */
int ctr__container_remove_locked(ctr_container_t *c, uint64_t flags);
