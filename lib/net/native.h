/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The bridge network done in-process for the networks libctr manages: the
 * bridge plugin (isGateway, ipMasq, hairpinMode) with host-local IPAM, and
 * portmap, without running either binary.  Netlink for links, addresses
 * and routes (netlink.c), the host-local disk store (ipam.c), nftables for
 * NAT (nat.c).  Results, the cache and the errors follow the plugin path's
 * contract (ctr__cni_add(), ctr__cni_del()). */
#pragma once

#include <json-c/json.h>

#include "net/cni-types.h"

/* The top-level key libctr writes in the configuration lists it manages:
 * `"libctr": {"native": true}` (CNI tools ignore unknown top-level keys). */
#define CTR__NATIVE_KEY "libctr"

/*
 * Whether @net is run natively: it carries the marker, and every plugin
 * and option in it is one this module implements exactly (bridge with
 * host-local IPAM on IPv4 ranges, then optionally portmap), and nft is
 * installed.  Anything else goes to the real plugins.
 */
bool ctr__native_eligible(const struct ctr__cni_net *net);

/* ADD (same contract as ctr__cni_add(), without the cache, which the
 * caller writes): on failure, what was done is undone and -EIO/-errno is
 * returned with "network NAME: ...". */
int ctr__native_add(const struct ctr__cni_net *net, const struct ctr__cni_args *a, json_object **ret_result);

/* DEL with the ADD result (@prev_result, may be NULL) and runtime config of
 * a->runtime_config: the container interface (when the namespace is still
 * there, or the host end of the pair), the nft elements, the address.
 * Every step runs; the first failure is returned. */
int ctr__native_del(const struct ctr__cni_net *net, const struct ctr__cni_args *a, json_object *prev_result);
