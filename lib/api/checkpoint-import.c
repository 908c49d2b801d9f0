/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* ctr_runtime_restore(): an exported checkpoint (storage/checkpoint-archive.c)
 * restored as a new container.  The archive is extracted and its config
 * read first; the container is made from that config as options again (the
 * new name over the old), given the images and the root file system
 * changes, and restored in place (core/checkpoint.c).  Any failure removes
 * the new container. */
#include <fcntl.h>
#include <libctr/ctr-container.h>
#include <libctr/ctr-lifecycle.h>

#include "base/arena.h"
#include "base/error.h"
#include "core/checkpoint.h"
#include "core/container.h"
#include "core/runtime.h"
#include "storage/checkpoint-archive.h"

/* The archived config as the options of a new container named name (or as before). */
static int create_from(ctr_runtime_t *rt, const char *config_json, const char *name, ctr_container_t **ret)
{
    _cleanup_(ctr__config_unrefp) struct ctr__config *cfg = NULL;
    int r = ctr__config_from_json(config_json, &cfg);
    if (r < 0)
        return ctr__err_prefix(r, "the checkpoint's config");
    struct ctr__arena arena = { 0 };
    ctr_container_options_t o;
    ctr_container_options_init(&o, CTR_CONTAINER_OPTIONS_VERSION);
    r = ctr__config_export(cfg, &arena, &o);
    if (r >= 0) {
        if (name)
            o.name = name;
        r = ctr_container_create(ret, rt, &o);
    }
    ctr__arena_free(&arena);
    return r;
}

static int import_into(ctr_container_t *c, struct ctr__ckpt_import *im, const ctr_restore_options_t *o)
{
    int r = ctr__ckpt_import_finish(im, ctr__runtime_settings(ctr_container_runtime(c)), ctr__container_config(c));
    if (r < 0)
        return r;
    ctr_restore_options_t in_place = *o;
    in_place.import_path = NULL;
    in_place.name = NULL;
    return ctr__container_restore(c, &in_place);
}

static int runtime_restore(ctr_runtime_t *rt, const ctr_restore_options_t *o, ctr_container_t **ret)
{
    _cleanup_close_ int fd = open(o->import_path, O_RDONLY | O_CLOEXEC);
    char text[128];
    if (fd < 0)
        return ctr__err(-errno, "failed extracting runtime information from %s: failed to open checkpoint archive %s "
                        "for import: open %s: %s", o->import_path, o->import_path, o->import_path,
                        ctr__strerror_go(errno, text, sizeof text));
    _cleanup_(ctr__ckpt_import_freep) struct ctr__ckpt_import *im = NULL;
    int r = ctr__ckpt_import_open(ctr__runtime_settings(rt), fd, o->import_path, &im);
    if (r < 0)
        return r;
    _cleanup_(ctr_container_unrefp) ctr_container_t *c = NULL;
    if ((r = create_from(rt, im->config_json, o->name, &c)) < 0)
        return r;
    if ((r = import_into(c, im, o)) < 0) {
        struct ctr__err_saved saved;
        ctr__err_save(&saved);
        ctr_container_remove(c, CTR_REMOVE_FORCE);
        ctr__err_restore(&saved);
        return r;
    }
    if (ret)
        *ret = TAKE_PTR(c);
    return 0;
}

CTR_EXPORT int ctr_runtime_restore(ctr_runtime_t *rt, const ctr_restore_options_t *opts, ctr_container_t **ret)
{
    CTR_ENTER();
    CTR_CHECK_ARG(rt);
    CTR_CHECK_ARG(opts);
    int r = ctr__restore_check_options(opts);
    if (r < 0)
        return r;
    if (!opts->import_path || !*opts->import_path)
        return ctr__err(-EINVAL, "restore of a new container needs an archive to import");
    if (opts->name && !*opts->name)
        return ctr__err(-EINVAL, "an empty name");
    return runtime_restore(rt, opts, ret);
}
