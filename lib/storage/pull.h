/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Pulling an image from a registry into the store (pull.c): the manifest
 * (an image index or Docker manifest list picks a platform), the blobs the
 * store lacks fetched in parallel through the registry client into the pull
 * cache (ROOT/storage/pull-cache, see store.h), then the import machinery
 * stages and publishes the image, so nothing is visible until it is whole. */
#pragma once

#include <libctr/ctr-registry.h>

#include "data/settings.h"
#include "registry/client.h"
#include "registry/reference.h"

struct ctr__pull_opts {
    const char *name;             /* the image's name ("HOST/PATH:TAG"), or NULL for none */
    const char *platform;         /* "OS/ARCH[/VARIANT]", NULL: the running machine's */
    unsigned max_connections;     /* 0: 6 */
    ctr_transfer_fn progress;     /* may be NULL */
    void *progress_userdata;
    const volatile int *cancel;
};

/* Pull @ref (fully qualified; its digest, else its tag) through @c, which
 * talks to @ref's repository.  *ret_id receives the image ID (malloc'ed).
 * Errors: those of the client (-ENOENT, -EACCES, -EPROTO, ...), -EINVAL
 * (a malformed manifest or config, a digest or size mismatch), -EOPNOTSUPP
 * (no platform fits, an unknown media type), -ECANCELED, an I/O errno. */
int ctr__image_pull(const struct ctr__settings *set, const struct ctr__ref *ref, ctr__reg_client_t *c,
                    const struct ctr__pull_opts *o, char **ret_id);
