/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* ctr_container_remove(): with the runtime lock, its dependents first (with
 * CTR_REMOVE_FORCE), then, with the container's lock, the teardown of what
 * runs (lifecycle.c), the "removing" save, the layer, the directories and the
 * record.  A remove that dies half way leaves "removing", which the next
 * remove finishes. */
#include "api/create.h"
#include "base/error.h"
#include "base/fault.h"
#include "core/events.h"
#include "core/container.h"
#include "core/lifecycle.h"
#include "core/pod.h"
#include "core/volume.h"
#include "storage/container-storage.h"

static int remove_locked(ctr_container_t *c, uint64_t flags);

static int refuse_dependents(ctr_container_t *c, char **deps)
{
    size_t n = ctr__strv_len((const char *const *)deps);
    _cleanup_(ctr_container_unrefp) ctr_container_t *d = NULL;
    const char *first = deps[0];
    if (ctr__container_load(ctr_container_runtime(c), deps[0], NULL, NULL, &d) == 0)
        first = ctr_container_name(d);
    return ctr__err(-EBUSY, CTR_CFMT " is needed by %zu other container%s (%s%s): remove %s first or force",
                    CTR_CARG(c), n, n == 1 ? "" : "s", first, n > 1 ? ", ..." : "", n == 1 ? "it" : "them");
}

static int remove_dependents(ctr_container_t *c, uint64_t flags)
{
    ctr_runtime_t *rt = ctr_container_runtime(c);
    _cleanup_strv_ char **deps = NULL;
    int r = ctr__runtime_dependents(rt, ctr_container_id(c), &deps);
    if (r < 0 || !deps[0])
        return r;
    if (!(flags & CTR_REMOVE_FORCE))
        return refuse_dependents(c, deps);
    for (char **p = deps; *p; p++) {
        _cleanup_(ctr_container_unrefp) ctr_container_t *d = NULL;
        /* One removed meanwhile (-ENOENT) is done. */
        if (((r = ctr__container_load(rt, *p, NULL, NULL, &d)) < 0 || (r = remove_locked(d, flags)) < 0) &&
            r != -ENOENT)
            return ctr__err_prefix(r, "removing dependent container %.12s", *p);
    }
    return 0;
}

static int remove_dir(const char *path)
{
    int r = path ? ctr__rm_rf(path) : 0;
    if (r < 0)
        return ctr__err(r, "cannot remove %s: %s", path, strerror(-r));
    return 0;
}

/* The container's lock held: bring it down, then delete what it has. */
static int remove_container(ctr_container_t *c, uint64_t flags)
{
    const struct ctr__config *cfg = ctr__container_config(c);
    struct ctr__status *st = ctr__container_status(c);
    int r = ctr__lifecycle_teardown(c, (flags & CTR_REMOVE_FORCE) != 0);
    CTR_FAULT_POINT("remove.after-teardown");
    if (r < 0)
        return r;
    if (st->state != CTR_STATE_REMOVING) {
        st->state = CTR_STATE_REMOVING;
        if ((r = ctr__container_save(c)) < 0)
            return r;
    }
    CTR_FAULT_POINT("remove.after-removing-save");
    const struct ctr__settings *set = ctr__runtime_settings(ctr_container_runtime(c));
    if ((r = ctr__container_config_damaged(c) ? ctr__storage_forget_id(set, cfg->id) : ctr__storage_delete(set, cfg)) < 0)
        return r;
    CTR_FAULT_POINT("remove.after-storage-delete");
    if ((r = remove_dir(cfg->static_dir)) < 0 || (r = remove_dir(st->run_dir)) < 0)
        return r;
    CTR_FAULT_POINT("remove.after-dirs");
    if ((r = ctr__container_delete(c)) < 0)
        return r;
    /* podman rm -v: the anonymous volumes go too (none that another
     * container still uses). */
    if (flags & CTR_REMOVE_VOLUMES)
        ctr__volumes_remove_anonymous(ctr_container_runtime(c), cfg);
    return 0;
}

/* A removed member out of its pod's member index (after its record: the
 * index stays a superset); a pod gone meanwhile has no index. */
static void forget_member(ctr_container_t *c)
{
    const struct ctr__config *cfg = ctr__container_config(c);
    if (!cfg->pod || cfg->infra)
        return;
    struct ctr__err_saved saved;
    ctr__err_save(&saved);
    int r = ctr__pod_member_remove(ctr_container_runtime(c), cfg->pod, cfg->id);
    if (r < 0 && r != -ENOENT)
        ctr__rt_log(ctr_container_runtime(c), CTR_LOG_WARNING, "pod %.12s: %s", cfg->pod, ctr_error_last()->message);
    ctr__err_restore(&saved);
}

/* Remove c; the runtime lock is held by the caller. */
static int remove_locked(ctr_container_t *c, uint64_t flags)
{
    int r = remove_dependents(c, flags);
    if (r < 0 || (r = ctr__lifecycle_lock_any(c)) < 0)
        return r;
    r = remove_container(c, flags);
    if (r == 0)
        ctr__event_container(c, "remove", 0, NULL);
    ctr__container_unlock(c);
    if (r < 0)
        return r;
    forget_member(c);
    ctr__rt_log(ctr_container_runtime(c), CTR_LOG_DEBUG, "removed container %s", ctr_container_name(c));
    return 0;
}

/* An infra container goes only with its pod, as podman's (runtime lock
 * held); one whose pod's record is gone may go. */
static int refuse_infra(ctr_container_t *c)
{
    const struct ctr__config *cfg = ctr__container_config(c);
    if (!cfg->infra || !cfg->pod)
        return 0;
    struct ctr__pod p = { 0 };
    int r = ctr__pod_get(ctr_container_runtime(c), cfg->pod, &p);
    if (r == -ENOENT) {
        ctr__err_clear();
        return 0;
    }
    if (r == 0)
        r = ctr__err(-EBUSY, "container %s is the infra container of pod %s and cannot be removed without removing "
                             "the pod", cfg->id, p.id);
    ctr__pod_clear(&p);
    return r;
}

CTR_EXPORT int ctr_container_remove(ctr_container_t *c, uint64_t flags)
{
    CTR_ENTER();
    CTR_CHECK_ARG(c);
    if (flags & ~(uint64_t)(CTR_REMOVE_FORCE | CTR_REMOVE_VOLUMES))
        return ctr__err(-EINVAL, "unknown remove flags 0x%llx", (unsigned long long)flags);
    if (ctr__container_in_batch(c))
        return ctr__err(-EDEADLK, "cannot remove " CTR_CFMT " inside its own batch", CTR_CARG(c));
    if (ctr__container_removed(c))
        return ctr__err(-ENOENT, CTR_CFMT " has already been removed", CTR_CARG(c));
    /* Lock order: runtime, then container. */
    struct ctr__lock *rt_lock = ctr__runtime_lock(ctr_container_runtime(c));
    int r = ctr__lock_acquire(rt_lock);
    if (r < 0)
        return r;
    ctr__create_undo_died(ctr_container_runtime(c));
    r = refuse_infra(c);
    if (r == 0)
        r = remove_locked(c, flags);
    ctr__lock_release(rt_lock);
    return r;
}

int ctr__container_remove_locked(ctr_container_t *c, uint64_t flags)
{
    return remove_locked(c, flags);
}

CTR_EXPORT int ctr_runtime_remove(ctr_runtime_t *rt, const char *id_or_name, uint64_t flags)
{
    CTR_ENTER();
    CTR_CHECK_ARG(rt);
    CTR_CHECK_ARG(id_or_name);
    _cleanup_(ctr_container_unrefp) ctr_container_t *c = NULL;
    int r = ctr_runtime_lookup(rt, id_or_name, &c);
    if (r < 0)
        return r;
    return ctr_container_remove(c, flags);
}
