/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The public API's versioned options structs (doc/abi.md): each starts with
 * `unsigned int version`, a caller may pass any version from 1 to the
 * newest, and the library reads only the members that version has. */
#pragma once

#include <stddef.h>

/* One options struct: its name in messages ("attach options"), its newest
 * version, and sizes[v], the size of version v (sizes[0] unused). */
struct ctr__options_type {
    const char *what;
    unsigned int newest;
    const size_t *sizes;
};

/* Zero version VERSION of the struct at OPTS and set its version member;
 * the caller then sets the defaults that are not zero. -EINVAL with a
 * message for a version that does not exist. */
int ctr__options_clear(const struct ctr__options_type *t, void *opts, unsigned int version);

/* Copy the caller's options SRC, of whatever version it says, over DST,
 * which holds the newest version's defaults; members newer than SRC's
 * version keep them. A NULL SRC keeps every default. -EINVAL with a message
 * for a version that does not exist. */
int ctr__options_copy(const struct ctr__options_type *t, void *dst, const void *src);
