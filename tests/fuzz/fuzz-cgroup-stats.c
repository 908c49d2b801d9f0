/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The files stats reads (base/cgroup-stats.c): the first byte picks the
 * parser, the rest is the file (a one-number file, a flat keyed file,
 * cpuacct.usage_percpu, v1 blkio, v2 io.stat, /proc/PID/net/dev, /proc/stat).
 * What parses keeps its invariants: a key found has its line, per-core
 * counts within bounds, interface counts that match the lines. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/cgroup-stats.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_percpu(const char *text)
{
    uint64_t *v = NULL;
    size_t n = 0;
    if (ctr__cgstat_percpu(text, &v, &n) == 0 && ((n == 0) != (v == NULL) || n > 4096))
        abort();
    free(v);
}

static void check_net(const char *text)
{
    struct ctr__net_counters c;
    if (ctr__proc_parse_net_dev(text, &c) < 0)
        return;
    size_t colons = 0;
    for (const char *p = text; (p = strchr(p, ':')); p++)
        colons++;
    if (c.n_interfaces > colons || (c.n_interfaces == 0 && (c.rx_bytes || c.tx_bytes)))
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > 1 << 16)
        return 0;
    size_t len = size - 1;
    char *text = malloc(len + 1);
    if (!text)
        return 0;
    memcpy(text, data + 1, len);
    text[len] = '\0';
    uint64_t a = 0, b = 0;
    unsigned n = 0;
    switch (data[0] % 7) {
    case 0: ctr__cgstat_uint(text, &a); break;
    case 1:
        if (ctr__cgstat_keyed(text, "total_rss", &a) == 0 && !strstr(text, "total_rss "))
            abort();
        break;
    case 2: check_percpu(text); break;
    case 3: ctr__cgstat_blkio_v1(text, &a, &b); break;
    case 4: ctr__cgstat_io_v2(text, &a, &b); break;
    case 5: check_net(text); break;
    default:
        if (ctr__proc_parse_cpu_total(text, &a, &n) == 0 && !strstr(text, "cpu "))
            abort();
        break;
    }
    free(text);
    return 0;
}
