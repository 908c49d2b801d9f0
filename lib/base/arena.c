/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "base/arena.h"

#include <stdalign.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct ctr__arena_block {
    struct ctr__arena_block *next;
    alignas(max_align_t) unsigned char data[];
};

void *ctr__arena_alloc(struct ctr__arena *a, size_t size)
{
    if (size > SIZE_MAX - sizeof(struct ctr__arena_block))
        return NULL;
    struct ctr__arena_block *b = calloc(1, sizeof *b + size);
    if (!b)
        return NULL;
    b->next = a->head;
    a->head = b;
    return b->data;
}

char *ctr__arena_strdup(struct ctr__arena *a, const char *s)
{
    if (!s)
        return NULL;
    size_t n = strlen(s) + 1;
    char *p = ctr__arena_alloc(a, n);
    if (p)
        memcpy(p, s, n);
    return p;
}

const char *const *ctr__arena_strv(struct ctr__arena *a, char *const *v, int *ret_oom)
{
    if (!v)
        return NULL;
    size_t n = 0;
    while (v[n])
        n++;
    const char **out = ctr__arena_alloc(a, (n + 1) * sizeof *out);
    for (size_t i = 0; out && i < n; i++)
        if (!(out[i] = ctr__arena_strdup(a, v[i])))
            out = NULL;
    if (!out)
        *ret_oom = 1;
    return out;
}

const char *const *ctr__arena_strv_set(struct ctr__arena *a, char *const *v, int *ret_oom)
{
    return v && v[0] ? ctr__arena_strv(a, v, ret_oom) : NULL;
}

void ctr__arena_free(struct ctr__arena *a)
{
    for (struct ctr__arena_block *b = a->head, *next; b; b = next) {
        next = b->next;
        free(b);
    }
    a->head = NULL;
}
