/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The strings of podman's stats reports (ctrctl stats, ctrctl pod stats):
 * sizes as go-units' HumanSize (4 significant digits, powers of 1000) and
 * BytesSize (powers of 1024), "A / B" pairs of them, durations as Go's
 * time.Duration prints them. */
#pragma once

#include <stddef.h>
#include <stdint.h>

/* go-units' HumanSize: "1.5MB", "999B". */
void stats_human_size(uint64_t n, char *buf, size_t size);
/* go-units' BytesSize: "1.5MiB". */
void stats_bytes_size(uint64_t n, char *buf, size_t size);
/* "A / B", each by fmt (stats_human_size or stats_bytes_size). */
void stats_size_pair(void (*fmt)(uint64_t, char *, size_t), uint64_t a, uint64_t b, char *buf, size_t size);
/* A duration in nanoseconds as Go's time.Duration.String(): "0s", "1.5ms", "2m3.25s". */
void stats_go_duration(uint64_t ns, char *buf, size_t size);
