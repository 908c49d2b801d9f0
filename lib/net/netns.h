/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Network namespaces bind-mounted on files (like `ip netns`), and the few
 * link operations libctr does itself (loopback up, deleting a bridge). */
#pragma once

#include <net/if.h>

#include "base/util.h"

/*
 * Create a new network namespace and bind-mount it on DIR/NAME (DIR is
 * created with mode 0700 when missing; a stale DIR/NAME left by a crash is
 * unmounted and replaced).  Its loopback interface is brought up.  The
 * calling thread's own namespace does not change: a short-lived helper thread
 * unshares and mounts.
 *
 * @ret_path receives the path (free()).  @return 0, -EINVAL, -ENOMEM, or the
 * errno of the failing system call with a detail.
 */
int ctr__netns_create(const char *dir, const char *name, char **ret_path);

/* Unmount (lazily) and unlink a namespace made by ctr__netns_create().  A
 * missing path, or a file that is not mounted, is not an error. */
int ctr__netns_remove(const char *path);

/* Whether a host interface of that name exists (in the caller's namespace). */
bool ctr__link_exists(const char *ifname);

/* Delete a host interface (RTM_DELLINK over netlink).  -ENODEV when it
 * does not exist. */
int ctr__link_delete(const char *ifname);

/* Enumerate the caller's IPv4/IPv6 interface networks: calls fn with each
 * interface's name, the address family (AF_INET/AF_INET6), the network
 * address (in network byte order, 4 or 16 bytes) and the prefix length.
 * Stops at a non-zero return of fn and returns it. */
int ctr__host_networks(int (*fn)(const char *ifname, int family, const unsigned char *addr, unsigned prefix,
                                 void *userdata),
                       void *userdata);

/* A host network overlapping want on an interface other than except (NULL:
 * any): 1 with the interface's name in ifname and its network ("A.B.C.D/N")
 * in net; 0 when there is none; -errno. */
struct ctr__cidr;
int ctr__host_overlap(const struct ctr__cidr *want, const char *except, char ifname[IFNAMSIZ], char *net,
                      size_t net_size);
