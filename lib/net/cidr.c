/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "net/cidr.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

int ctr__addr_parse(const char *s, struct ctr__cidr *ret)
{
    memset(ret, 0, sizeof *ret);
    if (!s)
        return -EINVAL;
    if (inet_pton(AF_INET, s, ret->addr) == 1) {
        ret->family = AF_INET;
        ret->prefix = 32;
        return 0;
    }
    if (inet_pton(AF_INET6, s, ret->addr) == 1) {
        ret->family = AF_INET6;
        ret->prefix = 128;
        return 0;
    }
    return -EINVAL;
}

int ctr__cidr_parse(const char *s, struct ctr__cidr *ret)
{
    const char *slash = s ? strchr(s, '/') : NULL;
    if (!slash || slash == s || (size_t)(slash - s) >= INET6_ADDRSTRLEN || !slash[1] || strlen(slash + 1) > 3)
        return -EINVAL;
    char buf[INET6_ADDRSTRLEN];
    memcpy(buf, s, (size_t)(slash - s));
    buf[slash - s] = '\0';
    if (ctr__addr_parse(buf, ret) < 0)
        return -EINVAL;
    unsigned prefix = 0;
    for (const char *p = slash + 1; *p; p++) {
        if (*p < '0' || *p > '9')
            return -EINVAL;
        prefix = prefix * 10 + (unsigned)(*p - '0');
    }
    if (prefix > ret->prefix)
        return -EINVAL;
    ret->prefix = prefix;
    return 0;
}

void ctr__cidr_mask(struct ctr__cidr *c)
{
    unsigned max = c->family == AF_INET ? 32 : 128;
    for (unsigned bit = c->prefix; bit < max; bit++)
        c->addr[bit / 8] &= (unsigned char)~(0x80u >> (bit % 8));
}

uint32_t ctr__cidr_v4(const struct ctr__cidr *c)
{
    uint32_t a;
    memcpy(&a, c->addr, 4);
    return ntohl(a);
}

void ctr__cidr_format(const struct ctr__cidr *c, bool with_prefix, char *buf, size_t size)
{
    char a[INET6_ADDRSTRLEN];
    inet_ntop(c->family, c->addr, a, sizeof a);
    if (with_prefix)
        snprintf(buf, size, "%s/%u", a, c->prefix);
    else
        snprintf(buf, size, "%s", a);
}

bool ctr__same_prefix(const unsigned char *a, const unsigned char *b, unsigned prefix)
{
    for (unsigned bit = 0; bit < prefix; bit++) {
        unsigned char m = (unsigned char)(0x80u >> (bit % 8));
        if ((a[bit / 8] & m) != (b[bit / 8] & m))
            return false;
    }
    return true;
}

bool ctr__cidr_overlap(const struct ctr__cidr *a, const struct ctr__cidr *b)
{
    return a->family == b->family && ctr__same_prefix(a->addr, b->addr, a->prefix < b->prefix ? a->prefix : b->prefix);
}
