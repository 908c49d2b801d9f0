/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Kubernetes' resource quantities ("64Mi", "250m"), both ways. */
#include "api/kube.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"

int ctr__kube_quantity_bytes(int64_t bytes, char *buf, size_t size)
{
    static const char *const units[] = { "Ki", "Mi", "Gi", "Ti" };
    int u = -1;
    int64_t v = bytes;
    while (u < 3 && v > 0 && v % 1024 == 0) {
        v /= 1024;
        u++;
    }
    return snprintf(buf, size, "%" PRId64 "%s", v, u < 0 ? "" : units[u]) < (int)size ? 0 : -EINVAL;
}

int ctr__kube_quantity_cpu(int64_t millis, char *buf, size_t size)
{
    if (millis % 1000 == 0)
        return snprintf(buf, size, "%" PRId64, millis / 1000) < (int)size ? 0 : -EINVAL;
    return snprintf(buf, size, "%" PRId64 "m", millis) < (int)size ? 0 : -EINVAL;
}

/* The multiplier of a quantity's suffix; 0 for an unknown one. */
static double suffix_factor(const char *s)
{
    static const struct {
        const char *suffix;
        double factor;
    } table[] = {
        { "", 1 },       { "k", 1e3 },     { "M", 1e6 },     { "G", 1e9 },     { "T", 1e12 },  { "P", 1e15 },
        { "E", 1e18 },   { "Ki", 1024.0 }, { "Mi", 1048576.0 }, { "Gi", 1073741824.0 }, { "Ti", 1099511627776.0 },
        { "Pi", 1125899906842624.0 }, { "Ei", 1152921504606846976.0 }, { "m", 1e-3 },
    };
    for (size_t i = 0; i < ARRAY_SIZE(table); i++)
        if (streq(s, table[i].suffix))
            return table[i].factor;
    return 0;
}

int ctr__kube_parse_quantity(const char *s, bool millis, int64_t *ret)
{
    if (!s || !*s || strchr(" \t\n+", *s) || *s == '-')
        return -EINVAL;
    char *end;
    double v = strtod(s, &end);
    if (end == s || !isfinite(v) || v < 0)
        return -EINVAL;
    /* "1e3" is an exponent, "1E" is exa: strtod takes both as far as it can */
    double f = suffix_factor(end);
    if (f == 0)
        return -EINVAL;
    double total = v * f * (millis ? 1000.0 : 1.0);
    if (total >= 9.2e18)
        return -EINVAL;
    int64_t whole = (int64_t)total; /* rounded up, as Kubernetes rounds a fraction of a unit */
    *ret = (double)whole < total - 1e-9 ? whole + 1 : whole;
    return 0;
}
