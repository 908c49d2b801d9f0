/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* An image's parts as save (save.c) and push (push.c) write them out
 * (gather.c). */
#pragma once
#include <stddef.h>
#include <stdint.h>

struct ctr__store;

struct ctr__gather_layer {
    char blob[65];
    char diff_id[65];   /* of the stored blob */
    char *media_type;
    int64_t size;
};

struct ctr__gathered {
    char *config;
    size_t config_size;
    char config_hex[65];
    char *manifest;
    size_t manifest_size;
    char manifest_hex[65];
    struct ctr__gather_layer *layers;
    size_t n;
    char **names;
};

void ctr__gathered_clear(struct ctr__gathered *g);

/* Gather image @id's config, manifest and layers under the store's lock.
 * -ENOENT (the image or a layer is gone), -ENOMEM, an I/O errno. */
int ctr__image_gather(struct ctr__store *s, const char *id, struct ctr__gathered *ret);
