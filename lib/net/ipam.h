/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* IPv4 address management compatible with the host-local CNI plugin's disk
 * store, so libctr and the real plugin can share one network: a directory
 * per network (default /var/lib/cni/networks/NAME) holding one file per
 * allocated address, named by the address and containing
 * "CONTAINERID\r\nIFNAME"; "last_reserved_ip.N" per range set N (the last
 * address handed out, for round-robin); all under flock(LOCK_EX) of the
 * file "lock" in that directory. */
#pragma once

#include <stdint.h>

#include "base/util.h"

/* host-local's default data directory: NETWORK's store is HOST_LOCAL/NETWORK. */
#define CTR__HOST_LOCAL_DIR "/var/lib/cni/networks"

/* The default store of network @name (malloc'ed; NULL on ENOMEM). */
static inline char *ctr__ipam_default_dir(const char *name)
{
    return ctr__asprintf(CTR__HOST_LOCAL_DIR "/%s", name);
}

/* One range of a range set; addresses in host byte order. */
struct ctr__ipam_range {
    uint32_t subnet;    /* network address */
    unsigned prefix;    /* 0..32 */
    uint32_t gateway;   /* skipped when allocating; 0: none */
    uint32_t start;     /* first address handed out (default: network + 1) */
    uint32_t end;       /* last one (default: broadcast - 1) */
};

/* Fill a range from its subnet and gateway (0: network + 1) the way
 * host-local canonicalizes it.  -EINVAL when the prefix leaves no address
 * (more than 30 bits) or the gateway is outside the subnet. */
int ctr__ipam_range_init(struct ctr__ipam_range *r, uint32_t subnet, unsigned prefix, uint32_t gateway);

/*
 * Allocate an address of range set 0 (@ranges, @n of them) in @dir for
 * (@container_id, @ifname): round-robin after last_reserved_ip.0 (or from
 * the first range's start), wrapping through the ranges, skipping gateways
 * and addresses that have a file.  *ret_addr (host order) and *ret_range
 * (the index of its range).  Errors: -EEXIST when the container already
 * holds an address of these ranges (like host-local, "duplicate
 * allocation"), -ENOSPC when the ranges are full, -errno of the store;
 * each with a detail.
 */
int ctr__ipam_alloc(const char *dir, const struct ctr__ipam_range *ranges, size_t n, const char *container_id,
                    const char *ifname, uint32_t *ret_addr, size_t *ret_range);

/* Release every address @dir holds for (@container_id, @ifname) (or, when
 * none, for @container_id alone: the format of older host-local versions).
 * A missing directory is not an error.  *ret_addr (may be NULL) receives
 * the first address released (host order), 0 when none.  0 or -errno with
 * a detail. */
int ctr__ipam_release(const char *dir, const char *container_id, const char *ifname, uint32_t *ret_addr);
