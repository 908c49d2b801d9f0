/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A runtime's networks: CNI configuration lists in its configuration
 * directory, written and removed under that directory's cni.lock.  The
 * settings give the directories, the default network and the logger; the
 * public API (network-api.c) and the setup of a container's networks
 * (net.c) call these. */
#pragma once

#include <libctr/ctr-network.h>

#include "data/config.h"
#include "data/settings.h"

struct ctr__cni_net;

/* Check @o and write its configuration list (ctr_network_create()). */
int ctr__network_create(const struct ctr__settings *s, const ctr_network_options_t *o, char **ret_path);

/* The default network (s->default_network), written to the configuration
 * directory on first use when no file defines it, with s->default_bridge
 * and s->default_subnet or free ones.  *ret: free with ctr__cni_net_free(). */
int ctr__network_default(const struct ctr__settings *s, struct ctr__cni_net **ret);

/* The names of the networks (ctr_network_list()), podman's inspect
 * document of one (ctr_network_inspect()). */
int ctr__network_list(const struct ctr__settings *s, char ***ret);
int ctr__network_inspect(const struct ctr__settings *s, const char *name, char **ret);

/* 0 when network @name is defined, else -ENOENT with the message. */
int ctr__network_exists(const struct ctr__settings *s, const char *name);

/* Whether a container of config @cfg is attached to network @name. */
bool ctr__network_used_by(const struct ctr__settings *s, const struct ctr__config *cfg, const char *name);

/* Remove network @name's file, and its bridge when no other network names
 * it and nothing is attached, libctr's nft table when no container uses it
 * any more, host-local's reservations in their default place.  The
 * containers on the network are the caller's to remove first.  -ENOENT. */
int ctr__network_remove(const struct ctr__settings *s, const char *name);
