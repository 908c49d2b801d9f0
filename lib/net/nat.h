/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* NAT for native bridge networks with nftables: one table of libctr's own,
 * `table ip libctr`, whose rules never change and whose sets and maps hold
 * the per-container state, so a container's ADD and DEL are element
 * additions and deletions in one nft transaction each (no rule handles).
 * The iptables-nft tables (ip nat, ip filter) are never touched.
 *
 *   set masq       container addresses of masquerading networks
 *   set nomasq     ADDRESS . SUBNET: traffic within the own subnet, not masqueraded
 *   set published  container addresses with port mappings
 *   set hairpin    ADDRESS . ADDRESS: a container reaching itself through a host port
 *   map hostport_ip   HOSTIP . PROTO . PORT : ADDRESS . PORT  (a given host address)
 *   map hostport_any  PROTO . PORT : ADDRESS . PORT           (any local address)
 *
 * DNAT in prerouting and output for local destination addresses (127.0.0.1
 * included: the bridge needs route_localnet=1, and such connections are
 * masqueraded, like portmap does), masquerade in postrouting of what
 * leaves the subnet (like the bridge plugin's ipMasq). */
#pragma once

#include <stdint.h>

#include "base/util.h"

#define CTR__NAT_TABLE "libctr"

struct ctr__nat_port {
    uint32_t host_ip;          /* host order; 0: any local address */
    uint16_t host_port;
    uint16_t container_port;
    const char *proto;         /* "tcp", "udp" or "sctp" */
};

/* What one container (one interface) puts in the table. */
struct ctr__nat_entry {
    uint32_t addr;             /* the container's address, host order */
    uint32_t subnet;           /* its network, host order */
    unsigned prefix;
    bool masquerade;
    const struct ctr__nat_port *ports;
    size_t n_ports;
};

/* Whether the nft program is there (the native path needs it). */
bool ctr__nat_available(void);

/*
 * The nft script for @e: with @add, `add element` lines; without, each
 * element added then deleted (a deletion of an element that is already
 * gone would fail the whole transaction; the pair is a no-op then).  With
 * @declare, the table, sets, maps and chains come first, the chains
 * flushed and filled again (idempotent, atomic with the elements).
 * Returns a malloc'ed script, NULL on ENOMEM.
 */
char *ctr__nat_script(const struct ctr__nat_entry *e, bool add, bool declare);

/* Add the container's elements in one transaction (the table and its
 * chains are made when missing).  0, or -EIO with nft's message, -errno. */
int ctr__nat_add(const struct ctr__nat_entry *e);

/* Delete them (those already gone, or a missing table, are not errors). */
int ctr__nat_del(const struct ctr__nat_entry *e);

/* Delete the table when none of its sets and maps holds an element (the
 * last native network went).  0, or -errno with a detail. */
int ctr__nat_remove_if_unused(void);
