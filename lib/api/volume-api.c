/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The public volume API (ctr-volume.h): the handle (a runtime reference and
 * the record as read), create, lookup, exists, list, inspect, remove,
 * prune.  Records, data and users are core/volume.c's. */
#include <libctr/ctr.h>
#include <libctr/ctr-volume.h>

#include "base/error.h"
#include "base/json-util.h"
#include "base/options.h"
#include "core/events.h"
#include "core/runtime.h"
#include "core/volume.h"
#include "storage/volume-dir.h"

struct ctr_volume {
    unsigned int refs;
    ctr_runtime_t *rt;
    struct ctr__volume v;
    char *mountpoint;
};

static const struct ctr__options_type options_type = {
    "volume options", CTR_VOLUME_OPTIONS_VERSION, (const size_t[]){ 0, sizeof(ctr_volume_options_t) }
};

CTR_EXPORT int ctr_volume_options_init(ctr_volume_options_t *opts, unsigned int version)
{
    CTR_ENTER();
    CTR_CHECK_ARG(opts);
    return ctr__options_clear(&options_type, opts, version);
}

/* A handle taking v's contents (cleared either way); NULL on ENOMEM. */
static ctr_volume_t *volume_new(ctr_runtime_t *rt, struct ctr__volume *v)
{
    ctr_volume_t *h = calloc(1, sizeof *h);
    char *mp = ctr__volume_data_path(ctr__runtime_settings(rt), v->name);
    if (!h || !mp) {
        free(h);
        free(mp);
        ctr__volume_clear(v);
        return NULL;
    }
    h->refs = 1;
    h->rt = ctr_runtime_ref(rt);
    h->v = *v;
    h->mountpoint = mp;
    *v = (struct ctr__volume){ 0 };
    return h;
}

CTR_EXPORT ctr_volume_t *ctr_volume_ref(ctr_volume_t *v)
{
    if (v)
        __atomic_add_fetch(&v->refs, 1, __ATOMIC_RELAXED);
    return v;
}

CTR_EXPORT ctr_volume_t *ctr_volume_unref(ctr_volume_t *v)
{
    if (!v || __atomic_sub_fetch(&v->refs, 1, __ATOMIC_ACQ_REL) > 0)
        return NULL;
    ctr_runtime_unref(v->rt);
    ctr__volume_clear(&v->v);
    free(v->mountpoint);
    free(v);
    return NULL;
}

CTR_EXPORT const char *ctr_volume_name(const ctr_volume_t *v)
{
    return v ? v->v.name : NULL;
}

CTR_EXPORT const char *ctr_volume_driver(const ctr_volume_t *v)
{
    return v ? v->v.driver : NULL;
}

CTR_EXPORT const char *ctr_volume_mountpoint(const ctr_volume_t *v)
{
    return v ? v->mountpoint : NULL;
}

CTR_EXPORT const char *const *ctr_volume_labels(const ctr_volume_t *v)
{
    return v ? (const char *const *)v->v.labels : ctr__strv_empty;
}

CTR_EXPORT const char *const *ctr_volume_options(const ctr_volume_t *v)
{
    return v ? (const char *const *)v->v.options : ctr__strv_empty;
}

CTR_EXPORT int64_t ctr_volume_created(const ctr_volume_t *v)
{
    return v ? v->v.created : 0;
}

CTR_EXPORT int ctr_volume_anonymous(const ctr_volume_t *v)
{
    return v && v->v.anonymous;
}

/* ---- create ---- */

static int check_create(const ctr_volume_options_t *o)
{
    if (o->name) {
        int r = ctr__volume_check_name(o->name);
        if (r < 0)
            return ctr__err_prefix(r, "running volume create option");
    }
    if (o->flags)
        return ctr__err(-EINVAL, "unknown volume create flags 0x%llx", (unsigned long long)o->flags);
    return ctr__volume_check(o->driver, o->labels, o->options);
}

static int create_locked(ctr_runtime_t *rt, const ctr_volume_options_t *o, struct ctr__volume *v)
{
    char generated[65];
    const char *name = o->name;
    if (!name) {
        int r = ctr__random_id(generated);
        if (r < 0)
            return ctr__err(r, "cannot get random bytes: %s", strerror(-r));
        name = generated;
    }
    int r = ctr__volume_init(v, name, o->labels, o->options, false, ctr__now_ns());
    if (r < 0)
        return r;
    return ctr__volume_add_locked(rt, v);
}

CTR_EXPORT int ctr_volume_create(ctr_runtime_t *rt, const ctr_volume_options_t *opts, ctr_volume_t **ret)
{
    CTR_ENTER();
    CTR_CHECK_ARG(rt);
    ctr_volume_options_t o = CTR_VOLUME_OPTIONS_INIT;
    int r = ctr__options_copy(&options_type, &o, opts);
    if (r < 0 || (r = check_create(&o)) < 0)
        return r;
    struct ctr__volume v = { 0 };
    if ((r = ctr__lock_acquire(ctr__runtime_lock(rt))) < 0)
        return r;
    r = create_locked(rt, &o, &v);
    ctr__lock_release(ctr__runtime_lock(rt));
    if (r < 0) {
        ctr__volume_clear(&v);
        return r;
    }
    ctr__rt_log(rt, CTR_LOG_DEBUG, "created volume %s", v.name);
    ctr__event_object(rt, CTR__EVENT_VOLUME, "create", NULL, v.name);
    if (!ret) {
        ctr__volume_clear(&v);
        return 0;
    }
    ctr_volume_t *h = volume_new(rt, &v);
    if (!h)
        return ctr__oom("a volume handle");
    *ret = h;
    return 0;
}

/* ---- lookup, exists, list ---- */

CTR_EXPORT int ctr_volume_lookup(ctr_runtime_t *rt, const char *name, ctr_volume_t **ret)
{
    CTR_ENTER();
    CTR_CHECK_ARG(rt);
    CTR_CHECK_ARG(name);
    CTR_CHECK_ARG(ret);
    struct ctr__volume v = { 0 };
    int r = ctr__volume_get(rt, name, &v);
    if (r < 0)
        return r;
    ctr_volume_t *h = volume_new(rt, &v);
    if (!h)
        return ctr__oom("a volume handle");
    *ret = h;
    return 0;
}

CTR_EXPORT int ctr_volume_exists(ctr_runtime_t *rt, const char *name)
{
    CTR_ENTER();
    CTR_CHECK_ARG(rt);
    CTR_CHECK_ARG(name);
    struct ctr__volume v = { 0 };
    int r = ctr__volume_get(rt, name, &v);
    ctr__volume_clear(&v);
    if (r == -ENOENT) {
        ctr__err_clear();
        return 0;
    }
    return r < 0 ? r : 1;
}

CTR_EXPORT void ctr_volume_list_free(ctr_volume_t **list, size_t count)
{
    if (!list)
        return;
    for (size_t i = 0; i < count; i++)
        ctr_volume_unref(list[i]);
    free(list);
}

/* The volumes that pass the filters, as handles (filters checked). */
static int list_filtered(ctr_runtime_t *rt, const char *const *filters, struct ctr__volume *all, size_t n,
                         ctr_volume_t ***ret, size_t *ret_count)
{
    struct ctr__volume_uses uses = { 0 };
    int r = ctr__volume_uses_load(rt, &uses);
    if (r < 0)
        return r;
    ctr_volume_t **v = calloc(n + 1, sizeof *v);
    bool oom = !v;
    size_t made = 0;
    for (size_t i = 0; !oom && i < n; i++) {
        bool dangling = ctr__volume_uses_count(&uses, all[i].name, false, NULL, NULL) == 0;
        if (!ctr__volume_filters_match(&all[i], filters, dangling))
            continue;
        if ((v[made] = volume_new(rt, &all[i])))
            made++;
        else
            oom = true;
    }
    ctr__volume_uses_clear(&uses);
    if (oom) {
        ctr_volume_list_free(v, made);
        return ctr__oom("the volume list");
    }
    *ret = v;
    *ret_count = made;
    return 0;
}

CTR_EXPORT int ctr_volume_list(ctr_runtime_t *rt, const char *const *filters, ctr_volume_t ***ret, size_t *ret_count)
{
    CTR_ENTER();
    CTR_CHECK_ARG(rt);
    CTR_CHECK_ARG(ret);
    CTR_CHECK_ARG(ret_count);
    int r = ctr__volume_filters_check(filters, false);
    if (r < 0)
        return r;
    struct ctr__volume *all = NULL;
    size_t n = 0;
    if ((r = ctr__volume_list(rt, &all, &n)) < 0)
        return r;
    r = list_filtered(rt, filters, all, n, ret, ret_count);
    ctr__volume_list_free(all, n);
    return r;
}

/* ---- inspect ---- */

static bool needs_mount(const struct ctr__volume *v)
{
    const char *type = NULL, *device = NULL;
    unsigned long flags = 0;
    _cleanup_free_ char *data = NULL;
    return ctr__volume_mount_args(v, &type, &device, &flags, &data) > 0;
}

CTR_EXPORT int ctr_volume_inspect(ctr_volume_t *h, char **ret)
{
    CTR_ENTER();
    CTR_CHECK_ARG(h);
    CTR_CHECK_ARG(ret);
    struct ctr__volume v = { 0 };
    int r = ctr__volume_get(h->rt, h->v.name, &v);
    if (r < 0)
        return r;
    struct ctr__volume_uses uses = { 0 };
    _cleanup_json_ json_object *o = NULL;
    if ((r = ctr__volume_uses_load(h->rt, &uses)) == 0) {
        /* podman counts the mounts of the driver's file system: none for a
         * volume used as a plain directory. */
        size_t live = needs_mount(&v) ? ctr__volume_uses_count(&uses, v.name, true, NULL, NULL) : 0;
        r = ctr__volume_inspect(&v, h->mountpoint, (unsigned int)live, &o);
        ctr__volume_uses_clear(&uses);
    }
    ctr__volume_clear(&v);
    return r < 0 ? r : ctr__json_to_string(o, ret);
}

/* ---- remove, prune ---- */

static int refuse_in_use(const char *name, const struct ctr__volume_uses *u, size_t first, size_t n)
{
    return ctr__err(-EBUSY, "volume %s is being used by the following container(s): %s (%.12s)%s: volume is being used",
                    name, u->v[first].name, u->v[first].id, n > 1 ? " and others" : "");
}

/* Remove the containers that use the volume (runtime lock held). */
static int remove_users(ctr_runtime_t *rt, const struct ctr__volume_uses *u, const char *name)
{
    for (size_t i = 0; i < u->n; i++) {
        if (!ctr__strv_contains((const char *const *)u->v[i].volumes, name))
            continue;
        int r = ctr_runtime_remove(rt, u->v[i].id, CTR_REMOVE_FORCE);
        if (r < 0 && r != -ENOENT)
            return ctr__err_prefix(r, "removing container %s, which uses volume %s", u->v[i].name, name);
    }
    return 0;
}

static int remove_locked(ctr_runtime_t *rt, const char *name, uint64_t flags)
{
    struct ctr__volume v = { 0 };
    int r = ctr__volume_get(rt, name, &v);
    ctr__volume_clear(&v);
    if (r < 0)
        return r;
    struct ctr__volume_uses uses = { 0 };
    if ((r = ctr__volume_uses_load(rt, &uses)) < 0)
        return r;
    size_t first = 0, n = ctr__volume_uses_count(&uses, name, false, NULL, &first);
    if (n > 0)
        r = (flags & CTR_VOLUME_REMOVE_FORCE) ? remove_users(rt, &uses, name) : refuse_in_use(name, &uses, first, n);
    ctr__volume_uses_clear(&uses);
    if (r < 0)
        return r;
    return ctr__volume_delete_locked(rt, name);
}

CTR_EXPORT int ctr_volume_remove(ctr_runtime_t *rt, const char *name, uint64_t flags)
{
    CTR_ENTER();
    CTR_CHECK_ARG(rt);
    CTR_CHECK_ARG(name);
    if (flags & ~(uint64_t)CTR_VOLUME_REMOVE_FORCE)
        return ctr__err(-EINVAL, "unknown volume remove flags 0x%llx", (unsigned long long)flags);
    int r = ctr__lock_acquire(ctr__runtime_lock(rt));
    if (r < 0)
        return r;
    r = remove_locked(rt, name, flags);
    ctr__lock_release(ctr__runtime_lock(rt));
    if (r == 0) {
        ctr__rt_log(rt, CTR_LOG_DEBUG, "removed volume %s", name);
        ctr__event_object(rt, CTR__EVENT_VOLUME, "remove", NULL, name);
    }
    return r;
}

static int prune_locked(ctr_runtime_t *rt, const char *const *filters, char ***removed)
{
    struct ctr__volume *all = NULL;
    size_t n = 0;
    int r = ctr__volume_list(rt, &all, &n);
    if (r < 0)
        return r;
    struct ctr__volume_uses uses = { 0 };
    if ((r = ctr__volume_uses_load(rt, &uses)) < 0) {
        ctr__volume_list_free(all, n);
        return r;
    }
    int count = 0;
    for (size_t i = 0; i < n && r >= 0; i++) {
        if (ctr__volume_uses_count(&uses, all[i].name, false, NULL, NULL) > 0 ||
            !ctr__volume_filters_match(&all[i], filters, true))
            continue;
        if ((r = ctr__volume_delete_locked(rt, all[i].name)) < 0)
            break;
        count++;
        if (ctr__strv_push(removed, all[i].name) < 0)
            r = ctr__oom("the list of removed volumes");
    }
    ctr__volume_uses_clear(&uses);
    ctr__volume_list_free(all, n);
    return r < 0 ? r : count;
}

CTR_EXPORT int ctr_volume_prune(ctr_runtime_t *rt, const char *const *filters, uint64_t flags, char ***ret_removed)
{
    CTR_ENTER();
    CTR_CHECK_ARG(rt);
    if (flags)
        return ctr__err(-EINVAL, "unknown volume prune flags 0x%llx", (unsigned long long)flags);
    int r = ctr__volume_filters_check(filters, true);
    if (r < 0)
        return r;
    _cleanup_strv_ char **removed = ctr__strv_copy(NULL);
    if (!removed)
        return ctr__oom("the list of removed volumes");
    if ((r = ctr__lock_acquire(ctr__runtime_lock(rt))) < 0)
        return r;
    r = prune_locked(rt, filters, &removed);
    ctr__lock_release(ctr__runtime_lock(rt));
    if (r >= 0 && ret_removed)
        *ret_removed = TAKE_PTR(removed);
    return r;
}
