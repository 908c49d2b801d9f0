/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* ctr_container_get_options(): a container's config as the options struct
 * a caller would pass to ctr_container_create() to make it again.  The
 * struct handed out sits in a hidden wrapper holding the arena of every
 * string and array it points to, so ctr_container_options_free() finds
 * the arena from the struct's address alone.  Each part is filled by the
 * data module that owns it (ctr__config_export() and those it calls). */
#include <stddef.h>
#include <stdlib.h>

#include "base/arena.h"
#include "base/error.h"
#include "core/container.h"

#define EXPORTED_MAGIC 0x6374726f70747321ULL /* "ctropts!" */

struct exported {
    uint64_t magic;
    struct ctr__arena arena;
    ctr_container_options_t opts;
};

static struct exported *exported_of(ctr_container_options_t *o)
{
    return (struct exported *)(void *)((char *)o - offsetof(struct exported, opts));
}

static void exported_free(struct exported *e)
{
    if (!e)
        return;
    ctr__arena_free(&e->arena);
    e->magic = 0;
    free(e);
}

static void exported_freep(struct exported **e)
{
    exported_free(*e);
}

CTR_EXPORT int ctr_container_get_options(const ctr_container_t *c, ctr_container_options_t **ret)
{
    CTR_ENTER();
    CTR_CHECK_ARG(c);
    CTR_CHECK_ARG(ret);
    if (ctr__container_config_damaged(c))
        return ctr__err(-EUCLEAN, CTR_CFMT " has a damaged config: %s", CTR_CARG(c), ctr__container_damage(c));
    _cleanup_(exported_freep) struct exported *e = calloc(1, sizeof *e);
    if (!e)
        return ctr__oom("the container options");
    e->magic = EXPORTED_MAGIC;
    int r = ctr_container_options_init(&e->opts, CTR_CONTAINER_OPTIONS_VERSION);
    if (r < 0 || (r = ctr__config_export(ctr__container_config(c), &e->arena, &e->opts)) < 0)
        return r;
    *ret = &TAKE_PTR(e)->opts;
    return 0;
}

CTR_EXPORT void ctr_container_options_free(ctr_container_options_t *o)
{
    if (!o)
        return;
    struct exported *e = exported_of(o);
    /* A struct of the caller's own or a second free is undefined; the guard
     * word makes it likely to do nothing rather than corrupt the heap. */
    if (e->magic != EXPORTED_MAGIC)
        return;
    exported_free(e);
}
