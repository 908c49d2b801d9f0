/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The strings of podman's stats reports (stats-format.h). */
#include "stats-format.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

/* go-units' CustomSize("%.4g%s"): @base 1000 (HumanSize) or 1024 (BytesSize). */
static void go_size(uint64_t n, double base, const char *const *units, char *buf, size_t size)
{
    double v = (double)n;
    int u = 0;
    while (v >= base && units[u + 1]) {
        v /= base;
        u++;
    }
    snprintf(buf, size, "%.4g%s", v, units[u]);
}

void stats_human_size(uint64_t n, char *buf, size_t size)
{
    static const char *const units[] = { "B", "kB", "MB", "GB", "TB", "PB", "EB", NULL };
    go_size(n, 1000.0, units, buf, size);
}

void stats_bytes_size(uint64_t n, char *buf, size_t size)
{
    static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB", NULL };
    go_size(n, 1024.0, units, buf, size);
}

/* "A / B" of two sizes. */
void stats_size_pair(void (*fmt)(uint64_t, char *, size_t), uint64_t a, uint64_t b, char *buf, size_t size)
{
    char x[32], y[32];
    fmt(a, x, sizeof x);
    fmt(b, y, sizeof y);
    snprintf(buf, size, "%s / %s", x, y);
}

/* A duration as Go's time.Duration.String() prints it. */
void stats_go_duration(uint64_t u, char *buf, size_t size)
{
    if (u == 0) {
        snprintf(buf, size, "0s");
        return;
    }
    uint64_t unit = u < 1000 ? 1 : u < 1000000 ? 1000 : u < 1000000000 ? 1000000 : 1000000000;
    const char *suffix = unit == 1 ? "ns" : unit == 1000 ? "\u00b5s" : unit == 1000000 ? "ms" : "s";
    int prec = unit == 1 ? 0 : unit == 1000 ? 3 : unit == 1000000 ? 6 : 9;
    uint64_t whole = u / unit, frac = u % unit;
    char f[16] = "";
    if (frac) {
        snprintf(f, sizeof f, ".%0*" PRIu64, prec, frac);
        for (size_t n = strlen(f); f[n - 1] == '0'; n--)
            f[n - 1] = '\0';
    }
    if (unit != 1000000000)
        snprintf(buf, size, "%" PRIu64 "%s%s", whole, f, suffix);
    else if (whole >= 3600)
        snprintf(buf, size, "%" PRIu64 "h%" PRIu64 "m%" PRIu64 "%ss", whole / 3600, whole / 60 % 60, whole % 60, f);
    else if (whole >= 60)
        snprintf(buf, size, "%" PRIu64 "m%" PRIu64 "%ss", whole / 60, whole % 60, f);
    else
        snprintf(buf, size, "%" PRIu64 "%ss", whole, f);
}
