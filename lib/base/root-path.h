/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Paths inside a root file system: lexical cleaning, and the check that a
 * path walked in the root does not leave it through a symbolic link. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

/*
 * Clean the absolute path @path lexically into @buf of @size bytes, as Go's
 * path.Clean does: one slash between components, no "." components, each
 * ".." removed with the component before it (at the root it stays the
 * root), no trailing slash.  @return the length, or -1 when @path is not
 * absolute or the result does not fit.  Allocates nothing.
 */
int ctr__path_clean(const char *path, char *buf, size_t size);

/*
 * Walk the absolute container path @path inside the directory @root (a host
 * path), following the symbolic links found in it as the OCI runtime does
 * (a link's absolute target starts again at @root) but never out of it: a
 * ".." that would climb above @root, through a link, is an error naming
 * @path, the link and its target.  Components that do not exist are fine
 * (the runtime creates them), and so is the end of the walk at one.
 * @ret_resolved (may be NULL) receives the resolved container path (free()).
 * @return 0; -EPERM (a link leads out of the root: the safety check); -ELOOP (more than 40
 * links); -EINVAL (@path not absolute or too long); -ENOMEM; -errno of
 * lstat()/readlink() other than ENOENT and ENOTDIR.  Each with a message.
 */
int ctr__root_path_resolve(const char *root, const char *path, char **ret_resolved);

/*
 * The same walk for another use: @what names @path in the messages ("path"),
 * and with @clamp a ".." at the root stays at the root, as in a chroot
 * (podman cp), instead of failing with -EPERM.
 */
int ctr__root_path_walk(const char *root, const char *path, const char *what, bool clamp, char **ret_resolved);
