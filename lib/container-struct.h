/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* TEMPORARY: while net/ and storage/ are moved off it. */
#pragma once

#include "container.h"

/* A handle: a reference to the shared config, the container's lock and a
 * copy of its state.  Other modules see it through container.h. */
struct ctr_container {
    unsigned int refs;
    ctr_runtime_t *rt;
    struct ctr__config *cfg; /* shared, immutable */
    struct ctr__lock lock;   /* the container's lock file + handle mutex */
    struct ctr__status st;   /* guarded by lock */
    unsigned int batch;      /* batch depth, owner thread only */
    bool removed;
};

