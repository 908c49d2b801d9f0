/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Stats (stats.c): what its unit test reaches below the public calls. */
#pragma once

#include <libctr/ctr.h>

/* Read the cgroup v2 files (cpu.stat, memory.current, memory.max,
 * memory.stat, pids.current and pids.max when there, io.stat when there)
 * of the directory @dfd (named @dir in messages) into @p.
 * @return 0; -errno of reading a file; -EBADMSG (a file that does not parse). */
int ctr__stats_read_v2(int dfd, const char *dir, ctr_stats_t *p);
