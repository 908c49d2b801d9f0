/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The container's file system view, made in its child (new mount
 * namespace) in runc's order: the propagation of /, the rootfs bound onto
 * itself, every spec mount with its target resolved inside the rootfs
 * (openat2 RESOLVE_IN_ROOT: a symlink never leads outside, and a target
 * that resolves to the rootfs itself is refused) and mounted through
 * /proc/self/fd, /dev's default devices and links, pivot_root, then the
 * read-only root, masked paths (/dev/null checked to be the real device)
 * and read-only paths.
 *
 * Each function runs in the child: it returns 0 or -errno with the step in
 * @rep, and allocates nothing. */
#pragma once

#include "native/report.h"
#include "native/spec.h"

struct ctr__native_cgroup;

/* Before the mounts: / made rslave (or the spec's rootfsPropagation), the
 * rootfs's parent mount private, the rootfs bound onto itself. */
int ctr__native_rootfs_prepare(const struct ctr__native_spec *s, struct ctr__native_report *rep);

/* The spec's mounts in order, then /dev's devices and links when /dev is
 * not a bind mount.  @cg gives the container's cgroup directories for a
 * "cgroup" mount (NULL: such a mount is refused). */
int ctr__native_rootfs_mounts(const struct ctr__native_spec *s, const struct ctr__native_cgroup *cg,
                              struct ctr__native_report *rep);

/* pivot_root into the rootfs and detach the old root. */
int ctr__native_rootfs_pivot(const struct ctr__native_spec *s, struct ctr__native_report *rep);

/* After pivot_root: the read-only root, masked and read-only paths. */
int ctr__native_rootfs_finish(const struct ctr__native_spec *s, struct ctr__native_report *rep);

/* Open @path inside the directory @root (RESOLVE_IN_ROOT, no magic links,
 * mounts crossed).  Returns the fd (close-on-exec) or -errno. */
int ctr__native_open_in_root(int root, const char *path, int flags, mode_t mode);
