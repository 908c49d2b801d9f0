/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The network layer's front: a container's network namespace and its
 * networks (CNI, or the native bridge), set up at init and torn down at
 * cleanup.  It takes the runtime's settings and the container's config and
 * hands back what the container's state records (the namespace's path, the
 * networks document); container-net.c is the caller that records them. */
#pragma once

#include <netinet/in.h>

#include "data/config.h"
#include "data/settings.h"

struct json_object;

/* A setup in flight, from ctr__net_setup() to ctr__net_setup_wait() or
 * ctr__net_pending_abort(), which consume it. */
struct ctr__net_pending;

/*
 * For a config with CTR_CREATE_NETNS (else *ret is NULL): find the
 * configurations of its networks (the default one when it names none,
 * written on first use), create the namespace RUN_ROOT/netns/ID and start
 * attaching it to them (eth0, eth1, ...) on a thread of its own.  *ret: the
 * caller's; its namespace is ctr__net_pending_netns().  After a success,
 * call ctr__net_setup_wait() once the OCI runtime created the container
 * (and before it starts), or ctr__net_pending_abort() on an error path.
 * On failure nothing is left.
 */
int ctr__net_setup(const struct ctr__settings *s, const struct ctr__config *cfg, struct ctr__net_pending **ret);

/* The namespace's path (lent until the pending setup is consumed). */
const char *ctr__net_pending_netns(const struct ctr__net_pending *p);

/*
 * Wait for the networks of @p, and free it.  *ret_networks_json receives
 * the state's networks document (malloc'ed), @ret_ip the address of the
 * first network (IPv4 preferred, "" when none) for /etc/hosts.  On failure
 * nothing is left: networks that came up are torn down, the namespace
 * removed, and the error of the failing plugin returned (-EIO, its message
 * verbatim); the caller removes the OCI container it created.
 */
int ctr__net_setup_wait(struct ctr__net_pending *p, char **ret_networks_json, char ret_ip[INET6_ADDRSTRLEN]);

/* Undo and free a setup not waited for: its networks that came up are torn
 * down, its namespace removed.  NULL does nothing; the thread's error is
 * kept. */
void ctr__net_pending_abort(struct ctr__net_pending *p);

/*
 * Tear down what a container's state records (at cleanup, and for refresh
 * after a crash or a reboot): CNI DEL for each network of @networks_json
 * (the state's document; NULL allowed), using the cached ADD result when
 * there is one and else the configuration on disk, with an empty CNI_NETNS
 * when @netns_path no longer exists; then unmount and remove @netns_path
 * (NULL allowed).  Every network is tried; returns the first DEL error
 * (also logged), or the namespace removal's.
 */
int ctr__net_release(const struct ctr__settings *s, const char *id, const char *networks_json, const char *netns_path);
/* The same for a setup that recorded nothing (an init that died half way):
 * DEL on each network @cfg attaches, with its port mappings, by the
 * container's ID (the plugins' cache entries and stores know what was
 * made), and the namespace at the path a setup gives it.  Nothing to do
 * without CTR_CREATE_NETNS. */
int ctr__net_release_config(const struct ctr__settings *s, const struct ctr__config *cfg);

/* Fill @settings (an object) with podman's NetworkSettings keys for a
 * container of config @cfg whose state records @networks_json and
 * @netns_path (NULL allowed): IPAddress, IPPrefixLen, Gateway, MacAddress
 * (of the first network), GlobalIPv6*, Ports, SandboxKey and Networks (one
 * entry per configured network, with its addresses once set up).  -ENOMEM. */
int ctr__net_inspect(const struct ctr__settings *s, const struct ctr__config *cfg, const char *networks_json,
                     const char *netns_path, struct json_object *settings);

/* The address of a container on @network (NULL: its first network, eth0)
 * in @networks_json (the state's document, NULL allowed): its first IPv4
 * address, else its first IPv6 one.  *ret: malloc'ed, NULL when there is
 * none.  0 or -ENOMEM. */
int ctr__net_address(const char *networks_json, const char *network, char **ret);
