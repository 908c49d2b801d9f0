/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The per-container /etc/hosts, /etc/resolv.conf and /etc/hostname. */
#pragma once

#include "data/config.h"

struct ctr__etc_files {
    char *hosts;
    char *resolv_conf;
    char *hostname;
};

/* Write the three files into dir (the container's run dir).  ip is the
 * container's address for its own name in /etc/hosts, or NULL.  The host's
 * resolver configuration is read from /etc/resolv.conf (and, behind a local
 * stub resolver, /run/systemd/resolve/resolv.conf). */
int ctr__etc_files_write(const struct ctr__config *cfg, const char *dir, const char *ip, struct ctr__etc_files *ret);
void ctr__etc_files_done(struct ctr__etc_files *f);
/* The container's host name: the configured one or the first 12 ID digits. */
void ctr__hostname(const struct ctr__config *cfg, char *buf, size_t size);

/* Rewrite dir/hosts in place (the same inode, so a bind mount of it sees
 * the change) for a container address known only now. */
int ctr__etc_hosts_update(const struct ctr__config *cfg, const char *dir, const char *ip);

/*
 * The generators, pure (for tests).
 *
 * resolv.conf: @host is the host's /etc/resolv.conf text (NULL: none),
 * @upstream the stub resolver's upstream file (NULL: none).  Loopback name
 * servers (a stub such as systemd-resolved's 127.0.0.53) cannot be reached
 * from a network namespace of its own: unless @host_network, they are
 * dropped, and when the host has no other server the upstream file is used
 * instead; when still none is left, podman's fallback servers 8.8.8.8 and
 * 8.8.4.4.  The config's servers, search domains and options each replace
 * the host's when given.  Only nameserver, search, domain and options lines
 * are kept.
 *
 * hosts: localhost entries, the config's HostAdd entries (`HOST:IP`; the IP
 * may be IPv6), then the container's address (@ip, or 127.0.1.1) with its
 * host name and its name.
 *
 * @ret receives a malloc'ed string.  @return 0, -EINVAL (malformed
 * HostAdd entry), -ENOMEM.
 */
int ctr__resolv_conf_generate(const struct ctr__config *cfg, const char *host, const char *upstream, bool host_network,
                              char **ret);
int ctr__hosts_generate(const struct ctr__config *cfg, const char *ip, char **ret);
