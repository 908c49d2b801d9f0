/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* IP addresses and prefixes as network configurations write them. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ctr__cidr {
    int family; /* AF_INET, AF_INET6 */
    unsigned char addr[16];
    unsigned prefix;
};

/* "A.B.C.D" or an IPv6 address; the prefix is the full length.  -EINVAL. */
int ctr__addr_parse(const char *s, struct ctr__cidr *ret);
/* "ADDR/N", the address kept as written (a host's, as in "10.90.0.5/16");
 * ctr__cidr_mask() makes it the network's.  -EINVAL. */
int ctr__cidr_parse(const char *s, struct ctr__cidr *ret);
void ctr__cidr_mask(struct ctr__cidr *c);
/* An IPv4 address as a number in host order. */
uint32_t ctr__cidr_v4(const struct ctr__cidr *c);
/* "ADDR/N" (with_prefix) or "ADDR" into buf. */
void ctr__cidr_format(const struct ctr__cidr *c, bool with_prefix, char *buf, size_t size);
/* Whether the first prefix bits of two addresses of one family are equal. */
bool ctr__same_prefix(const unsigned char *a, const unsigned char *b, unsigned prefix);
/* Whether two networks share an address. */
bool ctr__cidr_overlap(const struct ctr__cidr *a, const struct ctr__cidr *b);
