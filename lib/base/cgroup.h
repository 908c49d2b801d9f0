/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The processes of a cgroup: where a process's cgroup is on this host
 * (cgroup v1, v2 or the hybrid of both) and which processes are in it and
 * below it.  What top lists for a container. */
#pragma once

#include <sys/types.h>

#include "base/util.h"

/*
 * The directory of a process's cgroup, from the text of its
 * /proc/PID/cgroup (@cgroup_text) and the reader's /proc/self/mountinfo
 * (@mountinfo_text): the first of the hierarchies "pids" (v1, what psgo
 * reads), "memory" (v1), the unified one (v2; the only one on a v2 host,
 * /sys/fs/cgroup/unified on a hybrid one) and any other v1 hierarchy that
 * has both a line and a mount, joined to the mount point of that
 * hierarchy (mount roots other than "/" are taken off the path; a path
 * outside the mount's root is not reachable through it).
 * @ret_dir malloc'ed; @ret_version (may be NULL) 1 or 2.
 * @return 0; -ENOENT (no hierarchy of the process is mounted here: no
 *         message); -ENOMEM.
 */
int ctr__cgroup_dir(const char *cgroup_text, const char *mountinfo_text, char **ret_dir, int *ret_version);

/*
 * The directory of a process's cgroup in the hierarchy of one v1
 * @controller ("cpuacct", "memory", ...), or in the unified (v2) one when
 * @controller is NULL, from the same two texts as ctr__cgroup_dir().
 * @ret_dir malloc'ed.
 * @return 0; -ENOENT (no such hierarchy for the process, or not mounted
 *         here: no message); -ENOMEM.
 */
int ctr__cgroup_controller_dir(const char *cgroup_text, const char *mountinfo_text, const char *controller,
                               char **ret_dir);

/*
 * The mount point of the hierarchy of one v1 @controller ("memory",
 * "name=systemd", ...), or of the unified (v2) one when @controller is NULL,
 * from the reader's /proc/self/mountinfo text: the first such mount.
 * @ret_point malloc'ed.
 * @return 0; -ENOENT (not mounted here: no message); -ENOMEM.
 */
int ctr__cgroup_mount_point(const char *mountinfo_text, const char *controller, char **ret_point);

/*
 * The processes (thread group IDs, from each cgroup.procs) of the cgroup
 * directory @dir and of the cgroups below it (16 levels at most), sorted,
 * each once.  *ret malloc'ed (NULL when *ret_n is 0).
 * @return 0; -errno of opening @dir or reading its cgroup.procs (a child
 *         removed meanwhile is skipped); -EINVAL (a line that is not a
 *         PID); -ENOMEM.  No message.
 */
int ctr__cgroup_procs(const char *dir, pid_t **ret, size_t *ret_n);

/*
 * The cgroup and cgroup2 lines of /proc/self/mountinfo (what the two
 * functions above need of it), read again only when the mount table has
 * changed since the last call (poll()'s POLLPRI on the open file): a
 * process with thousands of mounts reads the whole table once, not at
 * every sample.  Thread-safe.  *ret malloc'ed.
 * @return 0; -errno of opening or reading it; -ENOMEM.  No message.
 */
int ctr__cgroup_mounts(char **ret);
