/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Refresh after a reboot: nothing of the previous boot's run-time state is
 * real any more (processes, mounts, namespaces, the OCI runtime's state), so
 * reset every container the way libpod does and clear the run root. */
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include "container.h"
#include "error.h"
#include "lifecycle.h"
#include "net/net.h"
#include "refresh.h"
#include "rootfs.h"
#include "storage/container-storage.h"

/* Unmount whatever is mounted at or below path (deepest first). */
static void unmount_below(const char *path)
{
    FILE *f = fopen("/proc/self/mountinfo", "re");
    if (!f)
        return;
    size_t len = strlen(path);
    char line[4096];
    char **targets = NULL;
    size_t n = 0;
    while (fgets(line, sizeof line, f)) {
        /* ID PARENT MAJ:MIN ROOT MOUNTPOINT ... */
        char mp[4096];
        if (sscanf(line, "%*s %*s %*s %*s %4095s", mp) != 1)
            continue;
        if (strncmp(mp, path, len) != 0 || (mp[len] != '\0' && mp[len] != '/'))
            continue;
        char **t = realloc(targets, (n + 1) * sizeof *t);
        if (!t)
            break;
        targets = t;
        targets[n] = strdup(mp);
        if (targets[n])
            n++;
    }
    fclose(f);
    while (n > 0) {
        n--;
        umount2(targets[n], MNT_DETACH);
        free(targets[n]);
    }
    free(targets);
}

/* Reset one container's run-time state (runtime lock held).  A container
 * whose run-time state belongs to this boot is left alone (*ret_live). */
static int refresh_container(ctr_runtime_t *rt, const char *id, bool *ret_live)
{
    _cleanup_(ctr_container_unrefp) ctr_container_t *c = NULL;
    *ret_live = false;
    int r = ctr__container_load(rt, id, NULL, NULL, &c);
    if (r == -ENOENT)
        return 0;
    if (r < 0)
        return r;
    r = ctr__lock_acquire(&c->lock);
    if (r < 0)
        return r;
    /* Re-read under the lock. */
    _cleanup_free_ char *json = NULL;
    r = ctr__state_get(ctr__runtime_state(rt), id, NULL, &json);
    if (r == 0)
        r = ctr__status_from_json(json, &c->st);
    if (r < 0) {
        ctr__lock_release(&c->lock);
        return r == -ENOENT ? 0 : r;
    }
    if (!ctr__runtime_fresh_boot(rt) && c->st.boot_id && streq(c->st.boot_id, ctr__runtime_settings(rt)->boot_id)) {
        *ret_live = true;
        ctr__lock_release(&c->lock);
        return 0;
    }
    /* In this boot, an init or start that died may have left the runtime's
     * container and its monitor running. */
    if (!ctr__runtime_fresh_boot(rt))
        ctr__lifecycle_drop_leftovers(c);
    /* Networks first: CNI DEL with the results stored at setup. */
    int k = ctr__net_teardown(c);
    if (k < 0)
        ctr__rt_log(rt, CTR_LOG_WARNING, "refresh: %s: %s", c->cfg->name, ctr_error_last()->message);
    unmount_below(c->cfg->shm_dir);
    if (c->st.mounted) {
        k = ctr__rootfs_unmount(c, true);
        if (k < 0)
            ctr__rt_log(rt, CTR_LOG_WARNING, "refresh: %s: %s", c->cfg->name, ctr_error_last()->message);
    }
    _cleanup_free_ char *run_dir = ctr__run_dir(rt, id);
    if (run_dir) {
        unmount_below(run_dir);
        ctr__rm_rf(run_dir);
    }
    struct ctr__status *st = &c->st;
    if (st->state != CTR_STATE_EXITED && st->state != CTR_STATE_REMOVING)
        st->state = CTR_STATE_CONFIGURED;
    st->pid = 0;
    st->conmon_pid = 0;
    st->mounted = false;
    free(st->mount_point);
    st->mount_point = NULL;
    free(st->run_dir);
    st->run_dir = NULL;
    free(st->netns_path);
    st->netns_path = NULL;
    free(st->networks_json);
    st->networks_json = NULL;
    free(st->boot_id);
    st->boot_id = NULL;
    r = ctr__container_save(c);
    ctr__lock_release(&c->lock);
    return r;
}

static int collect_id(const char *id, const char *config, const char *state, void *userdata)
{
    return ctr__strv_push(userdata, id);
}

/* Remove entries of dir that are not in ids (orphans of a crash), keeping names in keep. */
static void sweep(const char *dir, char *const *ids, const char *suffix, const char *const *keep)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *de;
    size_t slen = suffix ? strlen(suffix) : 0;
    while ((de = readdir(d))) {
        if (streq(de->d_name, ".") || streq(de->d_name, "..") ||
            ctr__strv_contains(keep, de->d_name))
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
            unmount_below(path);
            ctr__rm_rf(path);
        }
    }
    closedir(d);
}

int ctr__refresh_locked(ctr_runtime_t *rt)
{
    _cleanup_strv_ char **ids = calloc(1, sizeof(char *));
    if (!ids)
        return -ENOMEM;
    int r = ctr__state_iterate(ctr__runtime_state(rt), 0, collect_id, &ids);
    if (r < 0)
        return r;
    int first_error = 0;
    _cleanup_strv_ char **live = calloc(1, sizeof(char *));
    if (!live)
        return -ENOMEM;
    for (char **id = ids; *id; id++) {
        bool is_live = false;
        r = refresh_container(rt, *id, &is_live);
        if (r == 0 && is_live)
            r = ctr__strv_push(&live, *id);
        if (r < 0) {
            ctr__rt_log(rt, CTR_LOG_WARNING, "refresh: container %.12s: %s", *id, ctr_error_last()->message);
            if (!first_error)
                first_error = r;
        }
    }
    /* The previous boot's OCI runtime state, run directories of containers
     * that no longer exist, lock files of removed containers, static
     * directories a crashed create left without state. */
    _cleanup_free_ char *oci = ctr__asprintf("%s/oci", ctr__runtime_settings(rt)->run_root);
    _cleanup_free_ char *run = ctr__asprintf("%s/containers", ctr__runtime_settings(rt)->run_root);
    _cleanup_free_ char *stat_dir = ctr__asprintf("%s/containers", ctr__runtime_settings(rt)->root);
    if (!oci || !run || !stat_dir)
        return -ENOMEM;
    if (ctr__runtime_fresh_boot(rt)) {
        unmount_below(oci);
        ctr__rm_rf(oci);
    } else {
        /* Keep the runtime state of containers of this boot: OCI/NAME/ID. */
        DIR *d = opendir(oci);
        struct dirent *de;
        while (d && (de = readdir(d))) {
            if (de->d_name[0] == '.')
                continue;
            _cleanup_free_ char *sub = ctr__asprintf("%s/%s", oci, de->d_name);
            if (sub)
                sweep(sub, live, NULL, NULL);
        }
        if (d)
            closedir(d);
    }
    sweep(run, ids, NULL, NULL);
    static const char *const keep_locks[] = { "runtime.lock", NULL };
    sweep(ctr__runtime_settings(rt)->lock_dir, ids, ".lock", keep_locks);
    sweep(stat_dir, ids, NULL, NULL);
    /* Layers of containers a crashed create left without state. */
    r = ctr__storage_sweep(ctr__runtime_settings(rt), ids);
    if (r < 0) {
        ctr__rt_log(rt, CTR_LOG_WARNING, "refresh: image store: %s", ctr_error_last()->message);
        if (!first_error)
            first_error = r;
    }
    return first_error;
}

CTR_EXPORT int ctr_runtime_refresh(ctr_runtime_t *rt)
{
    CTR_ENTER();
    CTR_CHECK_ARG(rt);
    int r = ctr__lock_acquire(ctr__runtime_lock(rt));
    if (r < 0)
        return r;
    r = ctr__refresh_locked(rt);
    ctr__lock_release(ctr__runtime_lock(rt));
    return r;
}
