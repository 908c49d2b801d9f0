/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The store's images for the public image API (lib/api/image-api.c): list,
 * find, tag, remove, prune, config, inspect, import (image.c) and save
 * (save.c), over the runtime's settings.  Each opens the store, takes its
 * lock for as long as it reads or changes the records, and returns plain
 * values; the options are the caller's, already checked for their version. */
#pragma once

#include <libctr/ctr-image.h>
#include <stddef.h>
#include <stdint.h>

#include "data/settings.h"

/* What an image handle shows of an image record. */
struct ctr__image_info {
    char *id;
    char *digest; /* "sha256:" the manifest's digest, or NULL */
    char **names;
    int64_t created;
    int64_t size;
    size_t n_layers;
};
void ctr__image_info_clear(struct ctr__image_info *info);

/* Every image (*ret malloc'ed, each to clear). */
int ctr__image_list(const struct ctr__settings *set, struct ctr__image_info **ret, size_t *ret_count);
/* The image ref names (ID, prefix or name); -ENOENT, -EINVAL (ambiguous). */
int ctr__image_find(const struct ctr__settings *set, const char *ref, struct ctr__image_info *ret);
/* Add or remove a name of image id; -ENOENT when it has gone (or, untag, has no such name). */
int ctr__image_tag(const struct ctr__settings *set, const char *id, const char *name);
int ctr__image_untag(const struct ctr__settings *set, const char *id, const char *name);
/* ctr_image_remove() and ctr_image_prune() in the store (flags checked). */
int ctr__image_remove(const struct ctr__settings *set, const char *name_or_id, uint64_t flags);
int ctr__image_prune(const struct ctr__settings *set, uint64_t flags, char ***ret_removed);
/* The image config of image id, and its podman-shaped inspect document. */
int ctr__image_config(const struct ctr__settings *set, const char *id, char **ret);
int ctr__image_inspect(const struct ctr__settings *set, const char *id, char **ret);
/* Import what o->reference names; *ret_id the image's ID (malloc'ed). */
int ctr__image_import(const struct ctr__settings *set, const ctr_import_options_t *o, char **ret_id);
/* Save image id to reference (oci:, oci-archive:, docker-archive:); save.c. */
int ctr__image_save(const struct ctr__settings *set, const char *id, const char *reference,
                    const ctr_save_options_t *o);
