/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* rtnetlink by hand (NETLINK_ROUTE, no library): message building and the
 * few link, address and route operations the native bridge network needs. */
#pragma once

#include <linux/netlink.h>
#include <stdint.h>

#include "base/util.h"

/* A request being built: one netlink message in a fixed buffer.  Nesting
 * is at most 4 deep.  A message that does not fit sets `overflow`, and
 * ctr__nl_talk() then refuses it (-EMSGSIZE). */
struct ctr__nl_msg {
    union {
        struct nlmsghdr hdr;
        unsigned char buf[1024];
    };
    size_t nest[4];     /* offsets of the open nested attributes */
    unsigned n_nest;
    bool overflow;
};

/* Start a request of @type with @flags (NLM_F_REQUEST | NLM_F_ACK are
 * added) and a family header of @hdr_len bytes copied from @hdr. */
void ctr__nl_msg_init(struct ctr__nl_msg *m, uint16_t type, uint16_t flags, const void *hdr, size_t hdr_len);
/* Append an attribute (padded to 4 bytes). */
void ctr__nl_put(struct ctr__nl_msg *m, uint16_t type, const void *data, size_t len);
void ctr__nl_put_u32(struct ctr__nl_msg *m, uint16_t type, uint32_t v);
void ctr__nl_put_str(struct ctr__nl_msg *m, uint16_t type, const char *s); /* with its NUL */
/* Open a nested attribute (NLA_F_NESTED is set when @flag_nested) and
 * close the innermost one. */
void ctr__nl_nest_begin(struct ctr__nl_msg *m, uint16_t type, bool flag_nested);
void ctr__nl_nest_end(struct ctr__nl_msg *m);
/* Append raw bytes that are not an attribute (the peer's ifinfomsg inside
 * VETH_INFO_PEER). */
void ctr__nl_put_raw(struct ctr__nl_msg *m, const void *data, size_t len);

/* A NETLINK_ROUTE socket in the caller's current network namespace, or in
 * the one of @netns_fd (>= 0): the thread enters it only for the socket()
 * call and goes back before returning, on every path (a socket stays in the
 * namespace it was made in).  Returns the descriptor or -errno with a
 * detail. */
int ctr__nl_open(int netns_fd);

/* Send @m on @fd and wait for its acknowledgement.  Returns 0 or the
 * kernel's negative errno (no detail: the caller knows what it asked). */
int ctr__nl_talk(int fd, struct ctr__nl_msg *m);

/* ---- operations (each one request) ---- */

/* Create bridge @name (up), or find it when it exists.  *ret_index. */
int ctr__nl_bridge_ensure(int fd, const char *name, int *ret_index);
/* Add an IPv4/IPv6 address (@addr 4 or 16 bytes) with its prefix to
 * interface @index; an address already there is not an error. */
int ctr__nl_addr_add(int fd, int index, int family, const unsigned char *addr, unsigned prefix);
/* Set interface @index up. */
int ctr__nl_link_up(int fd, int index);
/*
 * Create a veth pair: @host_name in the socket's namespace, attached to
 * bridge @master_index, up, with MAC @host_mac; its peer @peer_name created
 * directly in the namespace of @peer_netns_fd, with MAC @peer_mac, down
 * (the caller sets it up there).
 */
int ctr__nl_veth_create(int fd, const char *host_name, const unsigned char host_mac[6], int master_index,
                        const char *peer_name, const unsigned char peer_mac[6], int peer_netns_fd);
/* Hairpin mode on bridge port @index (IFLA_BRPORT_MODE). */
int ctr__nl_brport_hairpin(int fd, int index, bool on);
/* Delete interface @name (RTM_DELLINK by name); -ENODEV when missing. */
int ctr__nl_link_del(int fd, const char *name);
/* Add a route to @dst/@dst_prefix (prefix 0: default) through @gw (NULL:
 * on-link) out of interface @index, in the main table. */
int ctr__nl_route_add(int fd, int index, int family, const unsigned char *dst, unsigned dst_prefix,
                      const unsigned char *gw);
/* The index of interface @name in the socket's namespace (RTM_GETLINK);
 * -ENODEV when missing. */
int ctr__nl_link_index(int fd, const char *name);
