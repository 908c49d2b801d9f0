/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* ctr_container_update(): new resource limits for a container, checked as
 * create checks them (data/resources.c) on the container's options with the
 * update applied, given to a live container through the OCI runtime's update
 * (runc update --resources), and stored in a revision of its config
 * (ctr__container_store_config(): the state backend's rename() with the same
 * name), so that inspect and the next start keep them.  The runtime lock is
 * held as for a rename: a backend without rename() falls back to a remove
 * and an add of the record.  A crash between the runtime's update and the
 * store leaves the cgroup ahead of the config (the old limits come back at
 * the next start); the config itself is always the old or the new one. */
#include "api/create.h"
#include "base/arena.h"
#include "base/error.h"
#include "core/container.h"
#include "core/lifecycle.h"
#include "data/resources.h"

#define UPDATE_FIELDS                                                                                        \
    (CTR_UPDATE_MEMORY | CTR_UPDATE_MEMORY_SWAP | CTR_UPDATE_MEMORY_RESERVATION | CTR_UPDATE_CPUS |            \
     CTR_UPDATE_CPU_SHARES | CTR_UPDATE_CPU_PERIOD | CTR_UPDATE_CPU_QUOTA | CTR_UPDATE_CPUSET_CPUS |           \
     CTR_UPDATE_CPUSET_MEMS | CTR_UPDATE_PIDS_LIMIT | CTR_UPDATE_BLKIO_WEIGHT)

/* The container's options o with what fields takes from u.  --cpus and a
 * quota or period exclude each other: the one given replaces the other
 * (both given: the check refuses them, as create does). */
static void apply_fields(ctr_container_options_t *o, const ctr_container_options_t *u, uint64_t fields)
{
    if (fields & CTR_UPDATE_MEMORY)
        o->memory = u->memory;
    if (fields & CTR_UPDATE_MEMORY_SWAP)
        o->memory_swap = u->memory_swap;
    if (fields & CTR_UPDATE_MEMORY_RESERVATION)
        o->memory_reservation = u->memory_reservation;
    if (fields & CTR_UPDATE_CPUS) {
        o->nano_cpus = u->nano_cpus;
        o->cpu_quota = 0;
        o->cpu_period = 0;
    } else if (fields & (CTR_UPDATE_CPU_QUOTA | CTR_UPDATE_CPU_PERIOD)) {
        o->nano_cpus = 0;
    }
    if (fields & CTR_UPDATE_CPU_PERIOD)
        o->cpu_period = u->cpu_period;
    if (fields & CTR_UPDATE_CPU_QUOTA)
        o->cpu_quota = u->cpu_quota;
    if (fields & CTR_UPDATE_CPU_SHARES)
        o->cpu_shares = u->cpu_shares;
    if (fields & CTR_UPDATE_CPUSET_CPUS)
        o->cpuset_cpus = u->cpuset_cpus;
    if (fields & CTR_UPDATE_CPUSET_MEMS)
        o->cpuset_mems = u->cpuset_mems;
    if (fields & CTR_UPDATE_PIDS_LIMIT)
        o->pids_limit = u->pids_limit;
    if (fields & CTR_UPDATE_BLKIO_WEIGHT)
        o->blkio_weight = u->blkio_weight;
}

/* A revision of cfg with the update applied and checked. */
static int updated_config(const struct ctr__config *cfg, const ctr_container_options_t *u, uint64_t fields,
                          struct ctr__config **ret)
{
    _cleanup_(ctr__arena_free) struct ctr__arena a = { 0 };
    ctr_container_options_t o;
    ctr_container_options_init(&o, CTR_CONTAINER_OPTIONS_VERSION);
    int r = ctr__config_export(cfg, &a, &o);
    if (r < 0)
        return r;
    apply_fields(&o, u, fields);
    if ((r = ctr__resources_check(&o)) < 0)
        return r;
    _cleanup_(ctr__config_unrefp) struct ctr__config *next = NULL;
    if ((r = ctr__config_revise(cfg, &next)) < 0)
        return r;
    ctr__resources_clear(&next->resources);
    if ((r = ctr__resources_copy(&o, &next->resources)) < 0)
        return r;
    *ret = TAKE_PTR(next);
    return 0;
}

/* Hand res to the OCI runtime for live c (lock held). */
static int apply_live(ctr_container_t *c, const struct ctr__resources *res)
{
    _cleanup_free_ char *json = NULL;
    int r = ctr__resources_update_json(res, &json);
    if (r < 0)
        return r;
    _cleanup_(ctr__lifecycle_desc_done) struct ctr__desc d = { 0 };
    ctr__oci_t *oci = NULL;
    if ((r = ctr__lifecycle_oci(c, &oci, &d)) < 0)
        return r;
    return ctr__oci_update(oci, &d.oci, json);
}

static int update_locked(ctr_container_t *c, const ctr_container_options_t *u, uint64_t fields)
{
    ctr_state_t st = ctr__container_status(c)->state;
    if (st == CTR_STATE_STOPPING || st == CTR_STATE_REMOVING)
        return ctr__err(-EBUSY, CTR_CFMT " is %s: it cannot be updated", CTR_CARG(c), ctr_state_name(st));
    const struct ctr__config *cfg = ctr__container_config(c);
    _cleanup_(ctr__config_unrefp) struct ctr__config *next = NULL;
    int r = updated_config(cfg, u, fields, &next);
    if (r < 0)
        return r;
    bool live = ctr__state_is_live(st);
    if (live && (r = apply_live(c, &next->resources)) < 0)
        return ctr__err_prefix(r, "updating " CTR_CFMT, CTR_CARG(c));
    if ((r = ctr__container_store_config(c, next)) < 0 && live) {
        struct ctr__err_saved e;
        ctr__err_save(&e);
        (void)apply_live(c, &cfg->resources); /* the limits it had */
        ctr__err_restore(&e);
    }
    return r;
}

CTR_EXPORT int ctr_container_update(ctr_container_t *c, const ctr_container_options_t *resources, uint64_t fields)
{
    CTR_ENTER();
    CTR_CHECK_ARG(c);
    CTR_CHECK_ARG(resources);
    if (fields == 0 || (fields & ~(uint64_t)UPDATE_FIELDS))
        return ctr__err(-EINVAL, "update fields 0x%llx: name one or more of CTR_UPDATE_*", (unsigned long long)fields);
    ctr_container_options_t u;
    int r = ctr__container_options_copy(&u, resources);
    if (r < 0)
        return r;
    if (ctr__container_in_batch(c))
        return ctr__err(-EDEADLK, "cannot update " CTR_CFMT " inside its own batch", CTR_CARG(c));
    /* Lock order: runtime, then container. */
    struct ctr__lock *rt_lock = ctr__runtime_lock(ctr_container_runtime(c));
    if ((r = ctr__lock_acquire(rt_lock)) < 0)
        return r;
    r = CTR__WITH_LOCK(c, update_locked(c, &u, fields));
    ctr__lock_release(rt_lock);
    return r;
}
