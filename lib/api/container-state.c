/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The public reads of a container's state, and the batch: each takes the
 * container's lock with ctr__lifecycle_lock(), which re-reads the state and
 * reconciles it with the OCI runtime (an exit the monitor reported is
 * recorded), reads, and unlocks. */
#include <stdio.h>

#include "base/error.h"
#include "core/container.h"
#include "core/lifecycle.h"
#include "data/health.h"

static int sync_locked(ctr_container_t *c)
{
    /* Inside a batch the lock did not re-read: this call always does. */
    int r;
    if (ctr__container_in_batch(c) && (r = ctr__container_sync(c)) < 0)
        return r;
    return ctr__lifecycle_update(c);
}

CTR_EXPORT int ctr_container_sync(ctr_container_t *c)
{
    CTR_ENTER();
    CTR_CHECK_ARG(c);
    int r = ctr__container_lock(c);
    if (r < 0)
        return r;
    r = sync_locked(c);
    ctr__container_unlock(c);
    return r;
}

/* Lock, reconcile, read one field, unlock. */
#define STATE_GETTER(fn, type, expr)                                                                         \
    CTR_EXPORT int fn(ctr_container_t *c, type *ret)                                                        \
    {                                                                                                        \
        CTR_ENTER();                                                                                         \
        CTR_CHECK_ARG(c);                                                                                    \
        CTR_CHECK_ARG(ret);                                                                                  \
        int r = ctr__lifecycle_lock_any(c);                                                                      \
        if (r < 0)                                                                                           \
            return r;                                                                                        \
        const struct ctr__status *st = ctr__container_status(c);                                             \
        *ret = (expr);                                                                                       \
        ctr__container_unlock(c);                                                                            \
        return 0;                                                                                            \
    }

STATE_GETTER(ctr_container_state, ctr_state_t, st->state)
STATE_GETTER(ctr_container_pid, pid_t, st->pid)
STATE_GETTER(ctr_container_exit_code, int, st->exit_code)
STATE_GETTER(ctr_container_oom_killed, int, st->oom_killed ? 1 : 0)
STATE_GETTER(ctr_container_started_at, int64_t, st->started)
STATE_GETTER(ctr_container_finished_at, int64_t, st->finished)
STATE_GETTER(ctr_container_health_status, ctr_health_status_t,
             ctr__health_status(st->health_json, ctr__process_has_healthcheck(&ctr__container_config(c)->process)))

CTR_EXPORT int ctr_container_mounted(ctr_container_t *c, int *ret_mounted, char **ret_path)
{
    CTR_ENTER();
    CTR_CHECK_ARG(c);
    CTR_CHECK_ARG(ret_mounted);
    int r = ctr__lifecycle_lock_any(c);
    if (r < 0)
        return r;
    const struct ctr__status *st = ctr__container_status(c);
    bool mounted = st->mounted;
    _cleanup_free_ char *path = ret_path && mounted && st->mount_point ? strdup(st->mount_point) : NULL;
    bool oom = ret_path && mounted && st->mount_point && !path;
    ctr__container_unlock(c);
    if (oom)
        return ctr__oom("a path");
    *ret_mounted = mounted ? 1 : 0;
    if (ret_path)
        *ret_path = TAKE_PTR(path);
    return 0;
}

CTR_EXPORT int ctr_container_state_json(ctr_container_t *c, char **ret)
{
    CTR_ENTER();
    CTR_CHECK_ARG(c);
    CTR_CHECK_ARG(ret);
    int r = ctr__lifecycle_lock_any(c);
    if (r < 0)
        return r;
    r = ctr__status_to_json(ctr__container_status(c), ret);
    ctr__container_unlock(c);
    return r;
}

CTR_EXPORT int ctr_container_namespace_path(ctr_container_t *c, ctr_ns_t ns, char **ret)
{
    CTR_ENTER();
    CTR_CHECK_ARG(c);
    CTR_CHECK_ARG(ret);
    if (ns < 1 || ns >= CTR_NS_MAX)
        return ctr__err(-EINVAL, "invalid namespace %d", (int)ns);
    int r = ctr__lifecycle_lock_any(c);
    if (r < 0)
        return r;
    ctr_state_t state = ctr__container_status(c)->state;
    pid_t pid = ctr__container_status(c)->pid;
    ctr__container_unlock(c);
    if ((state != CTR_STATE_RUNNING && state != CTR_STATE_PAUSED) || pid <= 0)
        return ctr__err(-EBUSY, CTR_CFMT " is %s: namespaces exist only while it runs", CTR_CARG(c),
                        ctr_state_name(state));
    char *p = ctr__asprintf("/proc/%d/ns/%s", (int)pid, ctr__ns_name(ns));
    if (!p)
        return ctr__oom("a path");
    *ret = p;
    return 0;
}

CTR_EXPORT int ctr_container_batch(ctr_container_t *c, ctr_batch_fn fn, void *userdata)
{
    CTR_ENTER();
    CTR_CHECK_ARG(c);
    CTR_CHECK_ARG(fn);
    int r = ctr__lifecycle_lock(c);
    if (r < 0)
        return r;
    r = ctr__container_run_batch(c, fn, userdata);
    ctr__container_unlock(c);
    return r < 0 ? r : 0;
}
