/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Pushing an image of the store to a registry (push.c): its parts as save
 * gathers them (gather.h), each blob skipped when the registry has it,
 * mounted from another repository of the registry when one of them has it,
 * else uploaded (monolithic, or in chunks above the chunk size); the config;
 * then the manifest under the tag. */
#pragma once
#include <libctr/ctr-registry.h>
#include "data/settings.h"
#include "registry/client.h"

struct ctr__push_opts {
    const char *reference;            /* the destination, for the progress reports */
    const char *tag;                  /* the tag to put the manifest under (NULL: by digest) */
    const char *const *mount_from;    /* repositories of the same registry to mount blobs from, or NULL */
    uint64_t chunk_size;              /* 0: CTR__PUSH_CHUNK */
    ctr_transfer_fn progress;         /* may be NULL */
    void *progress_userdata;
    const volatile int *cancel;
};

#define CTR__PUSH_CHUNK (64u << 20)

/* Push image @id through @c (a client made for the destination repository,
 * with push scopes).  ret_digest receives the manifest's "sha256:HEX".
 * Errors: the client's (-EACCES, -ENOENT, -EPROTO, ...), -ENOENT (the image
 * or a layer is gone), -ECANCELED, an I/O errno. */
int ctr__image_push(const struct ctr__settings *set, const char *id, ctr__reg_client_t *c,
                    const struct ctr__push_opts *o, char ret_digest[72]);
