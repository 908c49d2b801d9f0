/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Opening a runtime, and its refresh after a reboot or a crash: nothing of an
 * earlier boot's run-time state is real any more (processes, mounts,
 * namespaces, the OCI runtime's state), so every container of that boot is
 * reset the way libpod does (lifecycle.c) and the run root is swept of what
 * no container owns. */
#include "api/refresh.h"
#include "api/schema.h"

#include <dirent.h>
#include <limits.h>
#include <stdio.h>

#include "api/create.h"
#include "base/error.h"
#include "core/container-net.h"
#include "core/container.h"
#include "core/lifecycle.h"
#include "core/pod.h"
#include "core/volume.h"
#include "storage/container-storage.h"

/* Reset one container's run-time state (runtime lock held).  A container
 * whose run-time state belongs to this boot is left alone (*ret_live). */
static int refresh_container(ctr_runtime_t *rt, const char *id, bool fresh_boot, bool *ret_live)
{
    _cleanup_(ctr_container_unrefp) ctr_container_t *c = NULL;
    *ret_live = false;
    int r = ctr__container_load(rt, id, NULL, NULL, &c);
    if (r == -ENOENT)
        return 0;
    if (r < 0)
        return r;
    r = ctr__container_lock(c); /* re-reads the state, does not reconcile it */
    if (r == -ENOENT) {
        ctr__err_clear();
        return 0;
    }
    if (r < 0)
        return r;
    r = ctr__lifecycle_reset(c, fresh_boot, ret_live);
    ctr__container_unlock(c);
    return r;
}

/* Refresh container id; *live gets it when it is still running. */
static int refresh_one(ctr_runtime_t *rt, const char *id, bool fresh_boot, char ***live)
{
    bool is_live = false;
    int r = refresh_container(rt, id, fresh_boot, &is_live);
    if (r < 0)
        return r;
    if (is_live && ctr__strv_push(live, id) < 0)
        return ctr__oom("the list of live containers");
    return 0;
}

static int collect_id(const char *id, const char *config, const char *state, void *userdata)
{
    if (ctr__strv_push(userdata, id) < 0)
        return ctr__oom("the container list");
    return 0;
}

/* Remove entries of dir that are not in ids (orphans of a crash), keeping names in keep. */
static void sweep(const char *dir, char *const *ids, const char *suffix, const char *const *keep)
{
    _cleanup_dir_ DIR *d = opendir(dir);
    if (!d)
        return;
    size_t slen = suffix ? strlen(suffix) : 0;
    for (struct dirent *de; (de = readdir(d));) {
        if (streq(de->d_name, ".") || streq(de->d_name, "..") || ctr__strv_contains(keep, de->d_name))
            continue;
        char id[NAME_MAX + 1];
        snprintf(id, sizeof id, "%s", de->d_name);
        size_t len = strlen(id);
        if (slen && len > slen && streq(id + len - slen, suffix))
            id[len - slen] = '\0';
        if (ctr__strv_contains((const char *const *)ids, id))
            continue;
        _cleanup_free_ char *path = ctr__asprintf("%s/%s", dir, de->d_name);
        if (path) {
            ctr__unmount_below(path);
            ctr__rm_rf(path);
        }
    }
}

/* The OCI runtimes' state: all of it after a reboot, else what belongs to
 * no live container (RUN_ROOT/oci/RUNTIME/ID). */
static int sweep_oci(ctr_runtime_t *rt, char *const *live, bool fresh_boot)
{
    _cleanup_free_ char *oci = ctr__asprintf("%s/oci", ctr__runtime_settings(rt)->run_root);
    if (!oci)
        return ctr__oom("a path");
    if (fresh_boot) {
        ctr__unmount_below(oci);
        ctr__rm_rf(oci);
        return 0;
    }
    _cleanup_dir_ DIR *d = opendir(oci);
    for (struct dirent *de; d && (de = readdir(d));) {
        if (de->d_name[0] == '.')
            continue;
        _cleanup_free_ char *sub = ctr__asprintf("%s/%s", oci, de->d_name);
        if (sub)
            sweep(sub, live, NULL, NULL);
    }
    return 0;
}

/* The lock files that are no container's and stay: the runtime's, the
 * volumes', each pod's (another process may hold one: a new file would
 * be another lock). */
static int kept_locks(ctr_runtime_t *rt, char ***ret)
{
    _cleanup_strv_ char **keep = ctr__strv_copy((const char *const[]){ "runtime.lock", "volumes.lock", NULL });
    struct ctr__pod *pods = NULL;
    size_t n = 0;
    int r = ctr__state_has_objects(ctr__runtime_state(rt)) ? ctr__pod_list(rt, &pods, &n) : 0;
    if (r < 0)
        return r;
    for (size_t i = 0; r == 0 && keep && i < n; i++) {
        _cleanup_free_ char *name = ctr__asprintf("pod-%s.lock", pods[i].id);
        if (!name || ctr__strv_push(&keep, name) < 0)
            r = ctr__oom("the lock list");
    }
    ctr__pod_list_free(pods, n);
    if (r < 0 || !keep)
        return r < 0 ? r : ctr__oom("the lock list");
    *ret = TAKE_PTR(keep);
    return 0;
}

/* What no container owns: run directories of containers that no longer
 * exist, lock files of removed containers, static directories and layers a
 * crashed create left without a record. */
static int sweep_orphans(ctr_runtime_t *rt, char *const *ids)
{
    const struct ctr__settings *set = ctr__runtime_settings(rt);
    _cleanup_free_ char *run = ctr__asprintf("%s/containers", set->run_root);
    _cleanup_free_ char *stat_dir = ctr__asprintf("%s/containers", set->root);
    _cleanup_strv_ char **keep_locks = NULL;
    if (!run || !stat_dir)
        return ctr__oom("a path");
    int r = kept_locks(rt, &keep_locks);
    if (r < 0)
        return r;
    sweep(run, ids, NULL, NULL);
    sweep(set->lock_dir, ids, ".lock", (const char *const *)keep_locks);
    sweep(stat_dir, ids, NULL, NULL);
    ctr__volumes_sweep(rt);
    r = ctr__storage_sweep(ctr__runtime_settings(rt), ids);
    if (r < 0)
        ctr__rt_log(rt, CTR_LOG_WARNING, "refresh: image store: %s", ctr_error_last()->message);
    return r;
}

int ctr__refresh_locked(ctr_runtime_t *rt, bool fresh_boot)
{
    _cleanup_strv_ char **ids = calloc(1, sizeof(char *));
    _cleanup_strv_ char **live = calloc(1, sizeof(char *));
    if (!ids || !live)
        return ctr__oom("the container list");
    int r = ctr__state_iterate(ctr__runtime_state(rt), 0, collect_id, &ids);
    if (r < 0)
        return r;
    int first_error = 0;
    for (char **id = ids; *id; id++) {
        r = refresh_one(rt, *id, fresh_boot, &live);
        if (r < 0) {
            ctr__rt_log(rt, CTR_LOG_WARNING, "refresh: container %.12s: %s", *id, ctr_error_last()->message);
            if (!first_error)
                first_error = r;
        }
    }
    if ((r = sweep_oci(rt, live, fresh_boot)) < 0 || (r = sweep_orphans(rt, ids)) < 0)
        if (!first_error)
            first_error = r;
    return first_error;
}

CTR_EXPORT int ctr_runtime_refresh(ctr_runtime_t *rt)
{
    CTR_ENTER();
    CTR_CHECK_ARG(rt);
    int r = ctr__lock_acquire(ctr__runtime_lock(rt));
    if (r < 0)
        return r;
    r = ctr__refresh_locked(rt, false);
    ctr__lock_release(ctr__runtime_lock(rt));
    return r;
}

/* After a reboot, reset what the previous boot left before anybody uses
 * this one (runtime lock held).  A failed refresh is logged, not returned:
 * the runtime stays usable, and ctr_runtime_refresh() can retry. */
static int refresh_after_reboot(ctr_runtime_t *rt, bool *ret_rebooted)
{
    bool changed = false;
    int r = ctr__runtime_boot_changed(rt, &changed);
    if (r < 0 || !changed)
        return r;
    if (ctr__refresh_locked(rt, true) < 0)
        ctr__rt_log(rt, CTR_LOG_WARNING, "refresh after reboot: %s", ctr_error_last()->message);
    *ret_rebooted = true;
    return ctr__runtime_mark_boot(rt);
}

/* After a reboot's refresh, without the runtime lock: start the containers
 * whose restart policy is `always` (podman has a systemd unit do it).  A
 * container that does not start is logged. */
static void restart_always(ctr_runtime_t *rt)
{
    _cleanup_strv_ char **ids = calloc(1, sizeof(char *));
    if (!ids || ctr__state_iterate(ctr__runtime_state(rt), 0, collect_id, &ids) < 0) {
        ctr__rt_log(rt, CTR_LOG_WARNING, "restart after reboot: %s", ids ? ctr_error_last()->message : "out of memory");
        return;
    }
    for (char **id = ids; *id; id++)
        if (ctr__restart_after_boot(rt, *id) < 0)
            ctr__rt_log(rt, CTR_LOG_WARNING, "restart after reboot: container %.12s: %s", *id,
                        ctr_error_last()->message);
}

/* A new handle's work under the runtime lock: the schema's upgrade, the
 * refresh after a reboot, then the undo of creates that died. */
static int open_locked(ctr_runtime_t *rt, bool *ret_rebooted)
{
    int r = ctr__schema_open_locked(rt);
    if (r == 0)
        r = refresh_after_reboot(rt, ret_rebooted);
    if (r < 0)
        return r;
    ctr__create_undo_died(rt);
    return 0;
}

CTR_EXPORT int ctr_runtime_new(ctr_runtime_t **ret, const ctr_runtime_options_t *opts)
{
    CTR_ENTER();
    CTR_CHECK_ARG(ret);
    _cleanup_(ctr_runtime_unrefp) ctr_runtime_t *rt = NULL;
    int r = ctr__runtime_open(opts, &rt);
    if (r < 0 || (r = ctr__lock_acquire(ctr__runtime_lock(rt))) < 0)
        return r;
    bool rebooted = false;
    r = open_locked(rt, &rebooted);
    ctr__lock_release(ctr__runtime_lock(rt));
    if (r < 0)
        return r;
    if (rebooted)
        restart_always(rt);
    *ret = TAKE_PTR(rt);
    return 0;
}
