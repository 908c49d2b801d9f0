/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Reading a CNI plugin's result (spec 0.1.0 to 1.0.0) into the few things
 * libctr records: addresses, gateways, interfaces and their MACs. */
#pragma once

#include <json-c/json.h>

#include "base/util.h"

struct ctr__cni_ip {
    char address[48];   /* without the prefix length */
    unsigned prefix;    /* 0..32 or 0..128 */
    char gateway[48];   /* "" when none */
    int version;        /* 4 or 6 */
    int interface;      /* index into interfaces, -1 when not given */
};

struct ctr__cni_iface {
    char name[64];
    char mac[64];       /* "" when none */
    bool sandbox;       /* inside the container's namespace */
};

struct ctr__cni_result {
    struct ctr__cni_ip *ips;
    size_t n_ips;
    struct ctr__cni_iface *interfaces;
    size_t n_interfaces;
};

/*
 * Parse a result object.  Accepts the 0.3.0 .. 1.0.0 shape
 * ({"interfaces","ips","routes","dns"}) and the older 0.1.0/0.2.0 one
 * ({"ip4": {"ip","gateway"}, "ip6": ...}).  Addresses are checked with
 * inet_pton(); interface indexes out of range are dropped (-1).
 * @return 0; -EINVAL with a detail for a malformed result; -ENOMEM.
 * @ret is untouched on failure; release with ctr__cni_result_done().
 */
int ctr__cni_result_from_json(json_object *o, struct ctr__cni_result *ret);
/* The same from text (a complete JSON document). */
int ctr__cni_result_parse(const char *text, struct ctr__cni_result *ret);
void ctr__cni_result_done(struct ctr__cni_result *r);

/* The interface an address belongs to (NULL when unknown). */
const struct ctr__cni_iface *ctr__cni_result_iface(const struct ctr__cni_result *r, const struct ctr__cni_ip *ip);

/* Parse "ADDR/PREFIX" into its parts (checked); -EINVAL. */
int ctr__cni_parse_cidr(const char *s, char *addr, size_t addr_size, unsigned *ret_prefix, int *ret_version);
