/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The data of named volumes on disk, over the runtime's settings and plain
 * values: ROOT/volumes/NAME/_data, the local driver's mounts on it, the
 * copy of an image's content into an empty one. */
#pragma once

#include "data/settings.h"
#include "data/volume.h"

/* ROOT/volumes/NAME/_data (malloc()ed; NULL on ENOMEM). */
char *ctr__volume_data_path(const struct ctr__settings *set, const char *name);
/* Make ROOT/volumes/NAME (0700) and its _data (0755); what a crashed create
 * or remove left there is reused or emptied.  -errno with a message. */
int ctr__volume_dir_create(const struct ctr__settings *set, const char *name);
/* Unmount _data when mounted and remove ROOT/volumes/NAME; nothing when it
 * is not there. */
int ctr__volume_dir_remove(const struct ctr__settings *set, const char *name);
/* Whether _data is a mount point now: 1, 0, -errno. */
int ctr__volume_dir_mounted(const struct ctr__settings *set, const char *name);
/* Mount what the local driver's options say on _data unless it is mounted
 * already (0: nothing to mount, 1: mounted now or before); -errno naming
 * the volume. */
int ctr__volume_dir_mount(const struct ctr__settings *set, const struct ctr__volume *v);
/* Unmount _data if mounted. */
int ctr__volume_dir_unmount(const struct ctr__settings *set, const char *name);
/* Podman's copy-up: when _data is empty and the root file system at
 * root_fd has a directory at @path, copy that tree into _data (owners,
 * modes, symlinks, xattrs, hard links) and give _data its owner and mode.
 * 1 copied, 0 nothing to copy; -errno with a message. */
int ctr__volume_dir_copy_up(const struct ctr__settings *set, const char *name, int root_fd, const char *path);
/* The names of the directories under ROOT/volumes (for refresh: those with
 * no record are leftovers); an empty list when there is none. */
int ctr__volume_dir_list(const struct ctr__settings *set, char ***ret);
