/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The store's side of a commit (commit.c): the container's read-write layer
 * as a new image over its own.  lib/api/commit.c, which has the handle, drives
 * it: begin, tar (the container's lock held, the container maybe paused),
 * publish. */
#pragma once

#include <libctr/ctr-image.h>

#include "data/config.h"
#include "data/settings.h"

struct ctr__commit;

/* Check the options (o->name, an image-based container) and stage a commit
 * of the container cfg describes: a staging directory, a blob to write the
 * layer's tar to.  cfg and o are lent until ctr__commit_free(). */
int ctr__commit_begin(const struct ctr__settings *set, const struct ctr__config *cfg, const ctr_commit_options_t *o,
                      struct ctr__commit **ret);
/* Write the container's changes (from its layer) into the staged blob. */
int ctr__commit_tar(struct ctr__commit *cm);
/* Publish the image: the container's image config with its settings over
 * it, the changes and a history entry; *ret_id the new image's ID (malloc'ed). */
int ctr__commit_publish(struct ctr__commit *cm, char **ret_id);
/* Drop what was staged and not published. */
void ctr__commit_free(struct ctr__commit *cm);
static inline void ctr__commit_freep(struct ctr__commit **p) { ctr__commit_free(*p); }

/* The container's read-write layer as a layer tar (.wh. whiteouts; with
 * vfs, what differs from its image's top layer) written to out_fd: what a
 * checkpoint's export carries. */
int ctr__storage_layer_tar(const struct ctr__settings *set, const struct ctr__config *cfg, int out_fd);
/* Unpack such a tar (fd) onto the container's read-write layer. */
int ctr__storage_layer_apply(const struct ctr__settings *set, const struct ctr__config *cfg, int fd);
