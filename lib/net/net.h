/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Network hooks the lifecycle calls: the container's network namespace and
 * its networks (CNI), set up at init and torn down at cleanup. */
#pragma once

#include "container.h"

/* At init, before the spec is generated (lock held).  For a container with
 * its own network namespace: create it, attach it to its networks, record
 * the namespace path and the results in c->st (netns_path, networks_json).
 * *ret_netns receives the path to give the spec (lent from c->st), or NULL
 * when the runtime should make a fresh namespace itself / none applies; *ret_ip
 * the container's first address for /etc/hosts (lent, may be NULL). */
int ctr__net_setup(ctr_container_t *c, const char **ret_netns, const char **ret_ip);
/* At cleanup (lock held): detach from the networks, remove the namespace,
 * clear the fields.  Idempotent. */
int ctr__net_teardown(ctr_container_t *c);
