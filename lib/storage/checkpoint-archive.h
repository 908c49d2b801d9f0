/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A checkpoint as an archive (checkpoint-archive.c): export of a
 * container's checkpoint with its config and root file system changes, and
 * the import of one into a new container. */
#pragma once

#include "data/config.h"
#include "data/settings.h"

/* Write the archive of cfg's checkpoint (STATIC_DIR/checkpoint, left in
 * place) to out_fd: config_json as config.dump, the images, an
 * image-based container's layer as rootfs-diff.tar. */
int ctr__ckpt_export(const struct ctr__settings *set, const struct ctr__config *cfg, const char *config_json,
                     int out_fd);

/* An archive being imported: extracted, its config read. */
struct ctr__ckpt_import {
    char *dir;          /* ROOT/checkpoint-import/XXXXXX */
    int dir_fd;
    char *config_json;  /* config.dump, untrusted */
};
/* Extract the archive on fd (path names it in messages).  -EINVAL when it
 * is not a checkpoint archive; the extraction's errors. */
int ctr__ckpt_import_open(const struct ctr__settings *set, int fd, const char *path, struct ctr__ckpt_import **ret);
/* Give the new container cfg the images and the root file system changes. */
int ctr__ckpt_import_finish(struct ctr__ckpt_import *im, const struct ctr__settings *set,
                            const struct ctr__config *cfg);
void ctr__ckpt_import_free(struct ctr__ckpt_import *im);
static inline void ctr__ckpt_import_freep(struct ctr__ckpt_import **p) { ctr__ckpt_import_free(*p); }
