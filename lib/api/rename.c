/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* ctr_container_rename(): a new name for a container in any state but
 * removing, with the runtime lock (the name index) and the container's: a
 * revision of its config with the new name, stored with its state and the
 * index in one atomic step of the state backend (its rename()).  Other
 * handles read the new config at their next lock (the state names its
 * revision). */
#include "base/error.h"
#include "base/names.h"
#include "core/container.h"
#include "core/events.h"
#include "core/lifecycle.h"

/* The rename with both locks held. */
static int rename_locked(ctr_container_t *c, const char *new_name)
{
    const struct ctr__config *cfg = ctr__container_config(c);
    ctr_state_t st = ctr__container_status(c)->state;
    if (st == CTR_STATE_REMOVING)
        return ctr__err(-EBUSY, CTR_CFMT " is %s: it cannot be renamed", CTR_CARG(c), ctr_state_name(st));
    if (streq(cfg->name, new_name))
        return 0;
    _cleanup_(ctr__config_unrefp) struct ctr__config *next = NULL;
    int r = ctr__config_revise(cfg, &next);
    if (r < 0)
        return r;
    free(next->name);
    if (!(next->name = strdup(new_name)))
        return ctr__oom("a container name");
    r = ctr__container_store_config(c, next);
    if (r == -EEXIST)
        return ctr__err(-EEXIST, "the name \"%s\" is already in use", new_name);
    if (r < 0)
        return ctr__err_prefix(r, "renaming " CTR_CFMT, CTR_CARG(c));
    ctr__event_container(c, "rename", 0, NULL); /* with the new name, as podman's */
    return 0;
}

CTR_EXPORT int ctr_container_rename(ctr_container_t *c, const char *new_name)
{
    CTR_ENTER();
    CTR_CHECK_ARG(c);
    CTR_CHECK_ARG(new_name);
    int r = ctr__name_check(new_name);
    if (r < 0)
        return r;
    if (ctr__container_in_batch(c))
        return ctr__err(-EDEADLK, "cannot rename " CTR_CFMT " inside its own batch", CTR_CARG(c));
    if (ctr__container_removed(c))
        return ctr__err(-ENOENT, CTR_CFMT " has been removed", CTR_CARG(c));
    /* Lock order: runtime, then container. */
    struct ctr__lock *rt_lock = ctr__runtime_lock(ctr_container_runtime(c));
    if ((r = ctr__lock_acquire(rt_lock)) < 0)
        return r;
    r = CTR__WITH_LOCK(c, rename_locked(c, new_name));
    ctr__lock_release(rt_lock);
    return r;
}
