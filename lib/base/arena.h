/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* An arena: allocations that are freed together, for a structure handed out
 * whole (ctr_container_get_options(): the options struct and everything it
 * points to).  Each allocation is one block in a list; none is freed alone. */
#pragma once

#include <stddef.h>

struct ctr__arena_block;

struct ctr__arena {
    struct ctr__arena_block *head;
};

/* @size zeroed bytes aligned for any type; NULL on ENOMEM. */
void *ctr__arena_alloc(struct ctr__arena *a, size_t size);
/* A copy of @s (NULL stays NULL); NULL on ENOMEM. */
char *ctr__arena_strdup(struct ctr__arena *a, const char *s);
/* A NULL-terminated copy of @v, its strings in the arena too; NULL for
 * NULL.  *@ret_oom is set on ENOMEM (and NULL returned). */
const char *const *ctr__arena_strv(struct ctr__arena *a, char *const *v, int *ret_oom);
/* The same, but NULL for an empty array too (an options list "not set"). */
const char *const *ctr__arena_strv_set(struct ctr__arena *a, char *const *v, int *ret_oom);
/* Free every block; the arena is empty again. */
void ctr__arena_free(struct ctr__arena *a);
