/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The parsers of the files that stats reads: cgroup v1 (cpuacct, memory,
 * pids, blkio) and v2 (cpu.stat, memory.*, pids.*, io.stat) counters,
 * /proc/PID/net/dev and the "cpu" line of /proc/stat.  Pure functions over
 * the text (NUL-terminated), so they are tested on fixture files and
 * fuzzed: a container can write to its cgroup files only what the kernel
 * lets it, but its network namespace names its interfaces. */
#pragma once

#include <stdint.h>
#include <sys/types.h>

#include "base/util.h"

/* A file holding one number (cpuacct.usage, memory.current, pids.max, ...);
 * "max" is UINT64_MAX.  Spaces and a newline around it are allowed.
 * -EINVAL when it is not one number. */
int ctr__cgstat_uint(const char *text, uint64_t *ret);

/* The value of the line "@key VALUE" of a flat keyed file (memory.stat,
 * cpu.stat, cpuacct.stat).  -ENOENT when no line has @key; -EINVAL when its
 * value is not a number. */
int ctr__cgstat_keyed(const char *text, const char *key, uint64_t *ret);

/* cpuacct.usage_percpu: numbers separated by spaces.  *ret malloc'ed (NULL
 * when none); at most 4096.  -EINVAL on a word that is not a number; -ENOMEM. */
int ctr__cgstat_percpu(const char *text, uint64_t **ret, size_t *ret_n);

/* Bytes read and written: v1 blkio.*io_service_bytes* ("MAJ:MIN Read N",
 * "MAJ:MIN Write N", ..., "Total N") summed over devices.  -EINVAL on a
 * malformed line. */
int ctr__cgstat_blkio_v1(const char *text, uint64_t *ret_read, uint64_t *ret_write);

/* Bytes read and written: v2 io.stat ("MAJ:MIN rbytes=N wbytes=N rios=N
 * ...") summed over devices.  -EINVAL on a malformed line. */
int ctr__cgstat_io_v2(const char *text, uint64_t *ret_read, uint64_t *ret_write);

/* Counters of the interfaces of a network namespace. */
struct ctr__net_counters {
    uint64_t rx_bytes, rx_packets, tx_bytes, tx_packets;
    unsigned n_interfaces; /* counted: every one but "lo" */
};

/* /proc/PID/net/dev: the two header lines, then "NAME: 16 numbers" per
 * interface; the loopback "lo" is left out of the sums.  -EINVAL on a
 * malformed line. */
int ctr__proc_parse_net_dev(const char *text, struct ctr__net_counters *ret);

/* The host's CPU time in clock ticks: the sum of the numbers of the "cpu "
 * line of /proc/stat (user nice system idle iowait irq softirq steal; guest
 * time is within user), and the number of "cpuN" lines.  -EINVAL when there
 * is no such line. */
int ctr__proc_parse_cpu_total(const char *text, uint64_t *ret_ticks, unsigned *ret_ncpu);
