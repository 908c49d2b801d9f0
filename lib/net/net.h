/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Network hooks the lifecycle calls: the container's network namespace and
 * its networks (CNI), set up at init and torn down at cleanup. */
#pragma once

#include "container.h"

struct ctr__cni_net;

/* At init, before the spec is generated (lock held).  For a container with
 * its own network namespace: create it, record its path in c->st, and start
 * attaching it to its networks (CNI ADD) in the background.  *ret_netns
 * receives the path to give the spec (lent from c->st or the config), or
 * NULL when the runtime should make a fresh namespace itself / none applies;
 * *ret_ip the container's address for /etc/hosts when already known (lent
 * until the next call on this thread), else NULL.  After a success, call
 * ctr__net_setup_wait() once the OCI runtime created the container (and
 * before it starts), or ctr__net_teardown() on an error path. */
int ctr__net_setup(ctr_container_t *c, const char **ret_netns, const char **ret_ip);

/* Wait for the networks of ctr__net_setup(), record the results in c->st
 * (networks_json) and put the container's address in run_dir/hosts.  A
 * no-op when nothing is pending.  On failure nothing is left: networks that
 * came up are torn down, the namespace removed, and the error of the
 * failing plugin returned (-EIO, its message verbatim); the caller removes
 * the OCI container it created. */
int ctr__net_setup_wait(ctr_container_t *c, const char *run_dir);

/* At cleanup (lock held): detach from the networks (CNI DEL), remove the
 * namespace, clear the fields.  Idempotent.  A DEL failure is logged, not
 * returned (it must not block the cleanup); the only failure is a namespace
 * that cannot be unmounted, then the fields stay for a retry. */
int ctr__net_teardown(ctr_container_t *c);

/*
 * Tear down what a container's state records, without a handle (for refresh
 * after a crash or a reboot): CNI DEL for each network of @networks_json
 * (the c->st.networks_json document; NULL allowed), using the cached ADD
 * result when there is one and else the configuration on disk, with an
 * empty CNI_NETNS when @netns_path no longer exists; then unmount and remove
 * @netns_path (NULL allowed).  Every network is tried; returns the first
 * DEL error (also logged), or the namespace removal's.
 */
int ctr__net_release(ctr_runtime_t *rt, const char *id, const char *networks_json, const char *netns_path);

struct json_object;
/* Fill @settings (an object, lock held) with podman's NetworkSettings keys:
 * IPAddress, IPPrefixLen, Gateway, MacAddress (of the first network),
 * GlobalIPv6*, Ports, SandboxKey and Networks (one entry per configured
 * network, with its addresses once set up).  -ENOMEM. */
int ctr__net_inspect(ctr_container_t *c, struct json_object *settings);

/* The address of a container on @network (NULL: its first network, eth0)
 * in @networks_json (the state's document, NULL allowed): its first IPv4
 * address, else its first IPv6 one.  *ret: malloc'ed, NULL when there is
 * none.  0 or -ENOMEM. */
int ctr__net_address(const char *networks_json, const char *network, char **ret);
