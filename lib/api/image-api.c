/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The public image API: image handles (a runtime reference and what the
 * record showed), list, lookup, tag, untag, remove, prune, config, inspect,
 * import, save.  The store's work is storage/image.c and storage/save.c;
 * here the handles, the argument and option checks, the runtime's settings. */
#include <libctr/ctr.h>

#include "base/error.h"
#include "base/options.h"
#include "api/image-api.h"
#include "core/events.h"
#include "core/runtime.h"
#include "storage/image.h"

struct ctr_image {
    unsigned int refs;
    ctr_runtime_t *rt;
    struct ctr__image_info info;
};

/* A handle taking info's contents (cleared either way); NULL on ENOMEM. */
static ctr_image_t *image_new(ctr_runtime_t *rt, struct ctr__image_info *info)
{
    ctr_image_t *img = calloc(1, sizeof *img);
    if (!img) {
        ctr__image_info_clear(info);
        return NULL;
    }
    img->refs = 1;
    img->rt = ctr_runtime_ref(rt);
    img->info = *info;
    *info = (struct ctr__image_info){ 0 };
    return img;
}

static const struct ctr__settings *settings_of(const ctr_image_t *img)
{
    return ctr__runtime_settings(img->rt);
}

/* r, after an image event when r is 0. */
static int image_event(int r, ctr_runtime_t *rt, const char *status, const char *id, const char *name)
{
    if (r == 0)
        ctr__event_object(rt, CTR__EVENT_IMAGE, status, id, name);
    return r;
}

CTR_EXPORT ctr_image_t *ctr_image_ref(ctr_image_t *img)
{
    if (img)
        __atomic_add_fetch(&img->refs, 1, __ATOMIC_RELAXED);
    return img;
}

CTR_EXPORT ctr_image_t *ctr_image_unref(ctr_image_t *img)
{
    if (!img || __atomic_sub_fetch(&img->refs, 1, __ATOMIC_ACQ_REL) > 0)
        return NULL;
    ctr_runtime_unref(img->rt);
    ctr__image_info_clear(&img->info);
    free(img);
    return NULL;
}

CTR_EXPORT const char *ctr_image_id(const ctr_image_t *img)
{
    return img ? img->info.id : NULL;
}

CTR_EXPORT const char *ctr_image_digest(const ctr_image_t *img)
{
    return img ? img->info.digest : NULL;
}

CTR_EXPORT const char *const *ctr_image_names(const ctr_image_t *img)
{
    return img ? (const char *const *)img->info.names : ctr__strv_empty;
}

CTR_EXPORT int64_t ctr_image_created(const ctr_image_t *img)
{
    return img ? img->info.created : 0;
}

CTR_EXPORT int64_t ctr_image_size(const ctr_image_t *img)
{
    return img ? img->info.size : 0;
}

CTR_EXPORT size_t ctr_image_layer_count(const ctr_image_t *img)
{
    return img ? img->info.n_layers : 0;
}

/* ---- list, lookup ---- */

static int newest_first(const void *a, const void *b)
{
    const ctr_image_t *x = *(ctr_image_t *const *)a, *y = *(ctr_image_t *const *)b;
    if (x->info.created != y->info.created)
        return x->info.created > y->info.created ? -1 : 1;
    return strcmp(x->info.id, y->info.id);
}

CTR_EXPORT void ctr_image_list_free(ctr_image_t **list, size_t count)
{
    if (!list)
        return;
    for (size_t i = 0; i < count; i++)
        ctr_image_unref(list[i]);
    free(list);
}

CTR_EXPORT int ctr_image_list(ctr_runtime_t *rt, ctr_image_t ***ret, size_t *ret_count)
{
    CTR_ENTER();
    CTR_CHECK_ARG(rt);
    CTR_CHECK_ARG(ret);
    CTR_CHECK_ARG(ret_count);
    _cleanup_free_ struct ctr__image_info *infos = NULL;
    size_t n = 0;
    int r = ctr__image_list(ctr__runtime_settings(rt), &infos, &n);
    if (r < 0)
        return r;
    ctr_image_t **v = calloc(n + 1, sizeof *v);
    size_t made = 0;
    while (v && made < n && (v[made] = image_new(rt, &infos[made])))
        made++;
    if (made < n) {
        for (size_t i = made; i < n; i++)
            ctr__image_info_clear(&infos[i]);
        ctr_image_list_free(v, made);
        return ctr__oom("image list");
    }
    qsort(v, n, sizeof *v, newest_first);
    *ret = v;
    *ret_count = n;
    return 0;
}

CTR_EXPORT int ctr_image_lookup(ctr_runtime_t *rt, const char *name_or_id, ctr_image_t **ret)
{
    CTR_ENTER();
    CTR_CHECK_ARG(rt);
    CTR_CHECK_ARG(name_or_id);
    CTR_CHECK_ARG(ret);
    struct ctr__image_info info;
    int r = ctr__image_find(ctr__runtime_settings(rt), name_or_id, &info);
    if (r < 0)
        return r;
    ctr_image_t *img = image_new(rt, &info);
    if (!img)
        return ctr__oom("image");
    *ret = img;
    return 0;
}

/* ---- tag, untag, remove, prune ---- */

CTR_EXPORT int ctr_image_tag(ctr_image_t *img, const char *name)
{
    CTR_ENTER();
    CTR_CHECK_ARG(img);
    CTR_CHECK_ARG(name);
    return image_event(ctr__image_tag(settings_of(img), img->info.id, name), img->rt, "tag", img->info.id, name);
}

CTR_EXPORT int ctr_image_untag(ctr_image_t *img, const char *name)
{
    CTR_ENTER();
    CTR_CHECK_ARG(img);
    CTR_CHECK_ARG(name);
    return image_event(ctr__image_untag(settings_of(img), img->info.id, name), img->rt, "untag", img->info.id,
                       name);
}

CTR_EXPORT int ctr_image_remove(ctr_runtime_t *rt, const char *name_or_id, uint64_t flags)
{
    CTR_ENTER();
    CTR_CHECK_ARG(rt);
    CTR_CHECK_ARG(name_or_id);
    if (flags & ~(uint64_t)CTR_IMAGE_REMOVE_FORCE)
        return ctr__err(-EINVAL, "unknown image remove flags 0x%llx", (unsigned long long)flags);
    _cleanup_(ctr_image_unrefp) ctr_image_t *img = NULL;
    if (ctr_image_lookup(rt, name_or_id, &img) < 0)
        ctr__err_clear(); /* the remove says why */
    return image_event(ctr__image_remove(ctr__runtime_settings(rt), name_or_id, flags), rt, "remove",
                       img ? img->info.id : NULL, name_or_id);
}

CTR_EXPORT int ctr_image_prune(ctr_runtime_t *rt, uint64_t flags, char ***ret_removed)
{
    CTR_ENTER();
    CTR_CHECK_ARG(rt);
    if (flags & ~(uint64_t)CTR_IMAGE_PRUNE_ALL)
        return ctr__err(-EINVAL, "unknown prune flags 0x%llx", (unsigned long long)flags);
    return ctr__image_prune(ctr__runtime_settings(rt), flags, ret_removed);
}

/* ---- inspect ---- */

CTR_EXPORT int ctr_image_config_json(ctr_image_t *img, char **ret)
{
    CTR_ENTER();
    CTR_CHECK_ARG(img);
    CTR_CHECK_ARG(ret);
    return ctr__image_config(settings_of(img), img->info.id, ret);
}

CTR_EXPORT int ctr_image_inspect(ctr_image_t *img, char **ret)
{
    CTR_ENTER();
    CTR_CHECK_ARG(img);
    CTR_CHECK_ARG(ret);
    return ctr__image_inspect(settings_of(img), img->info.id, ret);
}

/* ---- import, save ---- */

static const struct ctr__options_type import_type = {
    "import options", CTR_IMPORT_OPTIONS_VERSION, (const size_t[]){ 0, sizeof(ctr_import_options_t) }
};

CTR_EXPORT int ctr_import_options_init(ctr_import_options_t *opts, unsigned int version)
{
    CTR_ENTER();
    CTR_CHECK_ARG(opts);
    return ctr__options_clear(&import_type, opts, version);
}

CTR_EXPORT int ctr_image_import(ctr_runtime_t *rt, const ctr_import_options_t *opts, ctr_image_t **ret)
{
    CTR_ENTER();
    CTR_CHECK_ARG(rt);
    CTR_CHECK_ARG(opts);
    ctr_import_options_t o;
    ctr_import_options_init(&o, CTR_IMPORT_OPTIONS_VERSION);
    int r = ctr__options_copy(&import_type, &o, opts);
    if (r < 0)
        return r;
    if (isempty(o.reference))
        return ctr__err(-EINVAL, "no image reference to import");
    if (o.flags)
        return ctr__err(-EINVAL, "unknown import flags 0x%llx", (unsigned long long)o.flags);
    _cleanup_free_ char *id = NULL;
    r = ctr__image_import(ctr__runtime_settings(rt), &o, &id);
    if (r < 0)
        return r;
    ctr__rt_log(rt, CTR_LOG_DEBUG, "imported image %.12s from %s", id, o.reference);
    image_event(0, rt, "load", id, o.name ? o.name : o.reference);
    return ret ? ctr_image_lookup(rt, id, ret) : 0;
}

static const struct ctr__options_type save_type = {
    "save options", CTR_SAVE_OPTIONS_VERSION, (const size_t[]){ 0, sizeof(ctr_save_options_t) }
};

CTR_EXPORT int ctr_save_options_init(ctr_save_options_t *opts, unsigned int version)
{
    CTR_ENTER();
    CTR_CHECK_ARG(opts);
    return ctr__options_clear(&save_type, opts, version);
}

CTR_EXPORT int ctr_image_save(ctr_image_t *img, const char *reference, const ctr_save_options_t *opts)
{
    CTR_ENTER();
    CTR_CHECK_ARG(img);
    CTR_CHECK_ARG(reference);
    ctr_save_options_t o;
    ctr_save_options_init(&o, CTR_SAVE_OPTIONS_VERSION);
    int r = ctr__options_copy(&save_type, &o, opts);
    if (r < 0)
        return r;
    if (o.flags)
        return ctr__err(-EINVAL, "unknown save flags 0x%llx", (unsigned long long)o.flags);
    return image_event(ctr__image_save(settings_of(img), img->info.id, reference, &o), img->rt, "save", img->info.id,
                       reference);
}

ctr_runtime_t *ctr__image_runtime(const ctr_image_t *img)
{
    return img->rt;
}

const char *ctr__image_id(const ctr_image_t *img)
{
    return img->info.id;
}
