/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A container's networks as the lifecycle, refresh and inspect see them:
 * the network layer (net/net.h) called with the runtime's settings and the
 * container's config, its results recorded in the container's state
 * (netns_path, networks_json).  Every function needs the container's lock. */
#pragma once

#include <libctr/ctr-container.h>

struct json_object;
struct ctr__net_pending;

/*
 * At init, before the spec is generated.  For a container with a namespace
 * of libctr's own: tear down what an earlier run left, create the
 * namespace (its path recorded in the state) and start attaching it to its
 * networks in the background; *ret_pending receives that setup (NULL when
 * none), for ctr__container_net_setup_wait() or ctr__container_net_abort().
 * *ret_netns receives the namespace the spec joins (lent from the state or
 * the config), or NULL when the OCI runtime makes one or none applies.
 */
int ctr__container_net_setup(ctr_container_t *c, struct ctr__net_pending **ret_pending, const char **ret_netns);

/* After the OCI create: wait for @pending (consumed; NULL: nothing to do),
 * record the networks in the state and the address in run_dir/hosts (NULL:
 * none).  On failure the networks and the namespace are gone (and so is the
 * state's path); the caller removes the OCI container. */
int ctr__container_net_setup_wait(ctr_container_t *c, struct ctr__net_pending *pending, const char *run_dir);

/* Init's error path: abort @pending (consumed; NULL allowed), then tear down
 * what the state records.  The thread's error is kept. */
void ctr__container_net_abort(ctr_container_t *c, struct ctr__net_pending *pending);

/* At cleanup and refresh: detach from the networks (CNI DEL), remove the
 * namespace, clear the state's fields.  Idempotent.  A DEL failure is
 * logged, not returned (it must not block the cleanup); the only failure
 * is a namespace that cannot be unmounted, then the fields stay for a
 * retry. */
int ctr__container_net_teardown(ctr_container_t *c);

/* For an init that died before recording its networks: detach the
 * container from every network its config names, by its ID, and remove the
 * namespace at the path a setup gives it; clear the state's fields.  A DEL
 * failure is logged, not returned, as for the teardown. */
void ctr__container_net_undo(ctr_container_t *c);

/* Fill @settings with podman's NetworkSettings (ctr__net_inspect()). */
int ctr__container_net_inspect(ctr_container_t *c, struct json_object *settings);
