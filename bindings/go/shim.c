/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "shim.h"

#include <dlfcn.h>
#include <errno.h>

#include "_cgo_export.h"

/* ---- callbacks ---- */

static void log_tramp(int level, const char *message, void *userdata)
{
    goLibctrLog(level, (char *)message, (uintptr_t)userdata);
}

void libctr_go_runtime_log(ctr_runtime_options_t *o, uintptr_t handle)
{
    o->log_fn = log_tramp;
    o->log_userdata = (void *)handle;
}

static int log_line_tramp(int stream, int64_t timestamp, const char *data, size_t size, void *userdata)
{
    return goLibctrLogLine(stream, timestamp, (char *)data, size, (uintptr_t)userdata);
}

int libctr_go_logs(ctr_container_t *c, const ctr_logs_options_t *o, uintptr_t handle)
{
    return ctr_container_logs(c, o, log_line_tramp, (void *)handle);
}

static int stats_tramp(const ctr_stats_t *const *stats, size_t n, void *userdata)
{
    return goLibctrStats((ctr_stats_t **)stats, n, (uintptr_t)userdata);
}

int libctr_go_stats_stream(ctr_container_t *const *cs, size_t n, const ctr_stats_options_t *o, uintptr_t handle)
{
    return ctr_container_stats_stream(cs, n, o, stats_tramp, (void *)handle);
}

static int batch_tramp(ctr_container_t *c, void *userdata)
{
    return goLibctrBatch((uintptr_t)userdata);
}

int libctr_go_batch(ctr_container_t *c, uintptr_t handle)
{
    return ctr_container_batch(c, batch_tramp, (void *)handle);
}

static int event_tramp(const ctr_event_t *ev, void *userdata)
{
    return goLibctrEvent((ctr_event_t *)ev, (uintptr_t)userdata);
}

int libctr_go_events_read(ctr_runtime_t *rt, const ctr_events_options_t *o, uintptr_t handle)
{
    return ctr_events_read(rt, o, event_tramp, (void *)handle);
}

static int progress_tramp(uint64_t done, uint64_t total, void *userdata)
{
    return goLibctrProgress(done, total, (uintptr_t)userdata);
}

void libctr_go_import_progress(ctr_import_options_t *o, uintptr_t handle)
{
    o->progress = progress_tramp;
    o->progress_userdata = (void *)handle;
}

void libctr_go_save_progress(ctr_save_options_t *o, uintptr_t handle)
{
    o->progress = progress_tramp;
    o->progress_userdata = (void *)handle;
}

void libctr_go_commit_progress(ctr_commit_options_t *o, uintptr_t handle)
{
    o->progress = progress_tramp;
    o->progress_userdata = (void *)handle;
}

static int transfer_tramp(const ctr_transfer_progress_t *p, void *userdata)
{
    return goLibctrTransfer((ctr_transfer_progress_t *)p, (uintptr_t)userdata);
}

void libctr_go_registry_progress(ctr_registry_options_t *o, uintptr_t handle)
{
    o->progress = transfer_tramp;
    o->progress_userdata = (void *)handle;
}

/* ---- arrays ---- */

char **libctr_go_strv_new(size_t n)
{
    return calloc(n + 1, sizeof(char *));
}

void libctr_go_strv_set(char **v, size_t i, char *s)
{
    v[i] = s;
}

void libctr_go_strv_free_all(char **v)
{
    for (size_t i = 0; v && v[i]; i++)
        free(v[i]);
    free(v);
}

void *libctr_go_ptr_at(void **v, size_t i)
{
    return v[i];
}

char *libctr_go_str_at(const char *const *v, size_t i)
{
    return (char *)v[i];
}

/* ---- optional modules ---- */

int libctr_go_has(const char *name)
{
    return dlsym(RTLD_DEFAULT, name) != NULL;
}

/* Resolve NAME once; __typeof__ keeps the header's exact type. */
#define RESOLVE(name)                                                                                   \
    static __typeof__(name) *volatile fn;                                                               \
    if (!fn)                                                                                            \
        fn = (__typeof__(name) *)dlsym(RTLD_DEFAULT, #name)

#define OPTIONAL(ret, goname, name, params, args, missing)                                              \
    ret goname params                                                                                   \
    {                                                                                                   \
        RESOLVE(name);                                                                                  \
        if (!fn)                                                                                        \
            return missing;                                                                             \
        return fn args;                                                                                 \
    }

OPTIONAL(int, libctr_go_runtime_refresh, ctr_runtime_refresh, (ctr_runtime_t *rt), (rt), -EOPNOTSUPP)

OPTIONAL(ctr_image_t *, libctr_go_image_ref, ctr_image_ref, (ctr_image_t *img), (img), NULL)
OPTIONAL(ctr_image_t *, libctr_go_image_unref, ctr_image_unref, (ctr_image_t *img), (img), NULL)
OPTIONAL(const char *, libctr_go_image_id, ctr_image_id, (const ctr_image_t *img), (img), NULL)
OPTIONAL(const char *, libctr_go_image_digest, ctr_image_digest, (const ctr_image_t *img), (img), NULL)
OPTIONAL(const char *const *, libctr_go_image_names, ctr_image_names, (const ctr_image_t *img), (img), NULL)
OPTIONAL(int64_t, libctr_go_image_created, ctr_image_created, (const ctr_image_t *img), (img), 0)
OPTIONAL(int64_t, libctr_go_image_size, ctr_image_size, (const ctr_image_t *img), (img), 0)
OPTIONAL(size_t, libctr_go_image_layer_count, ctr_image_layer_count, (const ctr_image_t *img), (img), 0)
OPTIONAL(int, libctr_go_image_list, ctr_image_list, (ctr_runtime_t *rt, ctr_image_t ***ret, size_t *ret_count),
         (rt, ret, ret_count), -EOPNOTSUPP)
void libctr_go_image_list_free(ctr_image_t **list, size_t count)
{
    RESOLVE(ctr_image_list_free);
    if (fn)
        fn(list, count);
}
OPTIONAL(int, libctr_go_image_lookup, ctr_image_lookup, (ctr_runtime_t *rt, const char *n, ctr_image_t **ret),
         (rt, n, ret), -EOPNOTSUPP)
OPTIONAL(int, libctr_go_image_tag, ctr_image_tag, (ctr_image_t *img, const char *n), (img, n), -EOPNOTSUPP)
OPTIONAL(int, libctr_go_image_untag, ctr_image_untag, (ctr_image_t *img, const char *n), (img, n), -EOPNOTSUPP)
OPTIONAL(int, libctr_go_image_remove, ctr_image_remove, (ctr_runtime_t *rt, const char *n, uint64_t flags),
         (rt, n, flags), -EOPNOTSUPP)
OPTIONAL(int, libctr_go_image_prune, ctr_image_prune, (ctr_runtime_t *rt, uint64_t flags, char ***ret),
         (rt, flags, ret), -EOPNOTSUPP)
OPTIONAL(int, libctr_go_image_inspect, ctr_image_inspect, (ctr_image_t *img, char **ret), (img, ret), -EOPNOTSUPP)
OPTIONAL(int, libctr_go_image_config_json, ctr_image_config_json, (ctr_image_t *img, char **ret), (img, ret),
         -EOPNOTSUPP)
OPTIONAL(int, libctr_go_import_options_init, ctr_import_options_init, (ctr_import_options_t *o, unsigned int v),
         (o, v), -EOPNOTSUPP)
OPTIONAL(int, libctr_go_image_import, ctr_image_import,
         (ctr_runtime_t *rt, const ctr_import_options_t *o, ctr_image_t **ret), (rt, o, ret), -EOPNOTSUPP)
OPTIONAL(int, libctr_go_save_options_init, ctr_save_options_init, (ctr_save_options_t *o, unsigned int v), (o, v),
         -EOPNOTSUPP)
OPTIONAL(int, libctr_go_image_save, ctr_image_save, (ctr_image_t *img, const char *ref, const ctr_save_options_t *o),
         (img, ref, o), -EOPNOTSUPP)
OPTIONAL(int, libctr_go_container_mount, ctr_container_mount, (ctr_container_t *c, const char *l, char **ret),
         (c, l, ret), -EOPNOTSUPP)
OPTIONAL(int, libctr_go_container_unmount, ctr_container_unmount, (ctr_container_t *c, int force), (c, force),
         -EOPNOTSUPP)
OPTIONAL(int, libctr_go_container_rootfs_size, ctr_container_rootfs_size, (ctr_container_t *c, int64_t *ret),
         (c, ret), -EOPNOTSUPP)
OPTIONAL(int, libctr_go_container_rw_size, ctr_container_rw_size, (ctr_container_t *c, int64_t *ret), (c, ret),
         -EOPNOTSUPP)
OPTIONAL(int, libctr_go_container_export, ctr_container_export, (ctr_container_t *c, int fd), (c, fd), -EOPNOTSUPP)
OPTIONAL(int, libctr_go_commit_options_init, ctr_commit_options_init, (ctr_commit_options_t *o, unsigned int v),
         (o, v), -EOPNOTSUPP)
OPTIONAL(int, libctr_go_container_commit, ctr_container_commit,
         (ctr_container_t *c, const ctr_commit_options_t *o, ctr_image_t **ret), (c, o, ret), -EOPNOTSUPP)

OPTIONAL(int, libctr_go_network_options_init, ctr_network_options_init, (ctr_network_options_t *o, unsigned int v),
         (o, v), -EOPNOTSUPP)
OPTIONAL(int, libctr_go_network_create, ctr_network_create,
         (ctr_runtime_t *rt, const ctr_network_options_t *o, char **ret), (rt, o, ret), -EOPNOTSUPP)
OPTIONAL(int, libctr_go_network_list, ctr_network_list, (ctr_runtime_t *rt, char ***ret), (rt, ret), -EOPNOTSUPP)
OPTIONAL(int, libctr_go_network_inspect, ctr_network_inspect, (ctr_runtime_t *rt, const char *n, char **ret),
         (rt, n, ret), -EOPNOTSUPP)
OPTIONAL(int, libctr_go_network_remove, ctr_network_remove, (ctr_runtime_t *rt, const char *n, uint64_t flags),
         (rt, n, flags), -EOPNOTSUPP)
OPTIONAL(int, libctr_go_container_ip_address, ctr_container_ip_address,
         (ctr_container_t *c, const char *n, char **ret), (c, n, ret), -EOPNOTSUPP)
OPTIONAL(int, libctr_go_container_networks_json, ctr_container_networks_json, (ctr_container_t *c, char **ret),
         (c, ret), -EOPNOTSUPP)

/* Volumes (libctr 0.4). */
OPTIONAL(int, libctr_go_volume_options_init, ctr_volume_options_init, (ctr_volume_options_t *o, unsigned int v),
         (o, v), -EOPNOTSUPP)
OPTIONAL(int, libctr_go_volume_create, ctr_volume_create,
         (ctr_runtime_t *rt, const ctr_volume_options_t *o, ctr_volume_t **ret), (rt, o, ret), -EOPNOTSUPP)
OPTIONAL(int, libctr_go_volume_lookup, ctr_volume_lookup, (ctr_runtime_t *rt, const char *n, ctr_volume_t **ret),
         (rt, n, ret), -EOPNOTSUPP)
OPTIONAL(int, libctr_go_volume_exists, ctr_volume_exists, (ctr_runtime_t *rt, const char *n), (rt, n), -EOPNOTSUPP)
OPTIONAL(int, libctr_go_volume_list, ctr_volume_list,
         (ctr_runtime_t *rt, const char *const *f, ctr_volume_t ***ret, size_t *n), (rt, f, ret, n), -EOPNOTSUPP)
void libctr_go_volume_list_free(ctr_volume_t **list, size_t count)
{
    RESOLVE(ctr_volume_list_free);
    if (fn)
        fn(list, count);
}
OPTIONAL(ctr_volume_t *, libctr_go_volume_ref, ctr_volume_ref, (ctr_volume_t *v), (v), NULL)
OPTIONAL(ctr_volume_t *, libctr_go_volume_unref, ctr_volume_unref, (ctr_volume_t *v), (v), NULL)
OPTIONAL(const char *, libctr_go_volume_name, ctr_volume_name, (const ctr_volume_t *v), (v), NULL)
OPTIONAL(const char *, libctr_go_volume_driver, ctr_volume_driver, (const ctr_volume_t *v), (v), NULL)
OPTIONAL(const char *, libctr_go_volume_mountpoint, ctr_volume_mountpoint, (const ctr_volume_t *v), (v), NULL)
OPTIONAL(const char *const *, libctr_go_volume_labels, ctr_volume_labels, (const ctr_volume_t *v), (v), NULL)
OPTIONAL(const char *const *, libctr_go_volume_options, ctr_volume_options, (const ctr_volume_t *v), (v), NULL)
OPTIONAL(int64_t, libctr_go_volume_created, ctr_volume_created, (const ctr_volume_t *v), (v), 0)
OPTIONAL(int, libctr_go_volume_anonymous, ctr_volume_anonymous, (const ctr_volume_t *v), (v), 0)
OPTIONAL(int, libctr_go_volume_inspect, ctr_volume_inspect, (ctr_volume_t *v, char **ret), (v, ret), -EOPNOTSUPP)
OPTIONAL(int, libctr_go_volume_remove, ctr_volume_remove, (ctr_runtime_t *rt, const char *n, uint64_t flags),
         (rt, n, flags), -EOPNOTSUPP)
OPTIONAL(int, libctr_go_volume_prune, ctr_volume_prune,
         (ctr_runtime_t *rt, const char *const *f, uint64_t flags, char ***ret), (rt, f, flags, ret), -EOPNOTSUPP)

/* Pods (libctr 0.7). */
OPTIONAL(int, libctr_go_pod_options_init, ctr_pod_options_init, (ctr_pod_options_t *o, unsigned int v), (o, v),
         -EOPNOTSUPP)
OPTIONAL(int, libctr_go_pod_create, ctr_pod_create, (ctr_runtime_t *rt, const ctr_pod_options_t *o, ctr_pod_t **ret),
         (rt, o, ret), -EOPNOTSUPP)
OPTIONAL(int, libctr_go_pod_lookup, ctr_pod_lookup, (ctr_runtime_t *rt, const char *ref, ctr_pod_t **ret),
         (rt, ref, ret), -EOPNOTSUPP)
OPTIONAL(int, libctr_go_pod_list, ctr_pod_list, (ctr_runtime_t *rt, ctr_pod_t ***ret, size_t *n), (rt, ret, n),
         -EOPNOTSUPP)
OPTIONAL(int, libctr_go_pod_list_filter, ctr_pod_list_filter,
         (ctr_runtime_t *rt, const char *const *filters, ctr_pod_t ***ret, size_t *n), (rt, filters, ret, n), -EOPNOTSUPP)
void libctr_go_pod_list_free(ctr_pod_t **list, size_t count)
{
    RESOLVE(ctr_pod_list_free);
    if (fn)
        fn(list, count);
}
OPTIONAL(ctr_pod_t *, libctr_go_pod_ref, ctr_pod_ref, (ctr_pod_t *pod), (pod), NULL)
OPTIONAL(ctr_pod_t *, libctr_go_pod_unref, ctr_pod_unref, (ctr_pod_t *pod), (pod), NULL)
OPTIONAL(const char *, libctr_go_pod_id, ctr_pod_id, (const ctr_pod_t *pod), (pod), NULL)
OPTIONAL(const char *, libctr_go_pod_name, ctr_pod_name, (const ctr_pod_t *pod), (pod), NULL)
OPTIONAL(const char *, libctr_go_pod_infra_id, ctr_pod_infra_id, (const ctr_pod_t *pod), (pod), NULL)
OPTIONAL(const char *, libctr_go_pod_cgroup_path, ctr_pod_cgroup_path, (const ctr_pod_t *pod), (pod), NULL)
OPTIONAL(uint32_t, libctr_go_pod_share, ctr_pod_share, (const ctr_pod_t *pod), (pod), 0)
OPTIONAL(int64_t, libctr_go_pod_created, ctr_pod_created, (const ctr_pod_t *pod), (pod), 0)
OPTIONAL(int, libctr_go_pod_containers, ctr_pod_containers, (ctr_pod_t *pod, char ***ret), (pod, ret), -EOPNOTSUPP)
OPTIONAL(int, libctr_go_pod_status, ctr_pod_status, (ctr_pod_t *pod, char **ret), (pod, ret), -EOPNOTSUPP)
OPTIONAL(int, libctr_go_pod_start, ctr_pod_start, (ctr_pod_t *pod), (pod), -EOPNOTSUPP)
OPTIONAL(int, libctr_go_pod_stop, ctr_pod_stop, (ctr_pod_t *pod, int timeout), (pod, timeout), -EOPNOTSUPP)
OPTIONAL(int, libctr_go_pod_kill, ctr_pod_kill, (ctr_pod_t *pod, int signal), (pod, signal), -EOPNOTSUPP)
OPTIONAL(int, libctr_go_pod_pause, ctr_pod_pause, (ctr_pod_t *pod), (pod), -EOPNOTSUPP)
OPTIONAL(int, libctr_go_pod_unpause, ctr_pod_unpause, (ctr_pod_t *pod), (pod), -EOPNOTSUPP)
OPTIONAL(int, libctr_go_pod_restart, ctr_pod_restart, (ctr_pod_t *pod), (pod), -EOPNOTSUPP)
OPTIONAL(int, libctr_go_pod_top, ctr_pod_top, (ctr_pod_t *pod, const char *const *descriptors, ctr_top_t **ret), (pod, descriptors, ret), -EOPNOTSUPP)
OPTIONAL(int, libctr_go_pod_stats, ctr_pod_stats,
         (ctr_pod_t *pod, const ctr_stats_t *const *prev, size_t n_prev, ctr_stats_t ***ret, size_t *n),
         (pod, prev, n_prev, ret, n), -EOPNOTSUPP)
void libctr_go_pod_stats_free(ctr_stats_t **stats, size_t count)
{
    RESOLVE(ctr_pod_stats_free);
    if (fn)
        fn(stats, count);
}
OPTIONAL(int, libctr_go_pod_apply_exit_policy, ctr_pod_apply_exit_policy, (ctr_pod_t *pod), (pod), -EOPNOTSUPP)
OPTIONAL(int, libctr_go_pod_remove, ctr_pod_remove, (ctr_pod_t *pod, uint64_t flags), (pod, flags), -EOPNOTSUPP)
OPTIONAL(int, libctr_go_pod_inspect, ctr_pod_inspect, (ctr_pod_t *pod, char **ret), (pod, ret), -EOPNOTSUPP)
OPTIONAL(ctr_runtime_t *, libctr_go_pod_runtime, ctr_pod_runtime, (const ctr_pod_t *pod), (pod), NULL)

/* Kubernetes YAML (libctr 0.7). */
OPTIONAL(int, libctr_go_pod_generate_kube, ctr_pod_generate_kube, (ctr_pod_t *pod, uint64_t flags, char **ret),
         (pod, flags, ret), -EOPNOTSUPP)
OPTIONAL(int, libctr_go_container_generate_kube, ctr_container_generate_kube,
         (ctr_container_t *c, uint64_t flags, char **ret), (c, flags, ret), -EOPNOTSUPP)
OPTIONAL(int, libctr_go_kube_play, ctr_kube_play,
         (ctr_runtime_t *rt, const char *yaml, size_t len, const ctr_kube_play_options_t *opts,
          ctr_kube_report_t **ret),
         (rt, yaml, len, opts, ret), -EOPNOTSUPP)
OPTIONAL(int, libctr_go_kube_down, ctr_kube_down,
         (ctr_runtime_t *rt, const char *yaml, size_t len, ctr_kube_report_t **ret), (rt, yaml, len, ret), -EOPNOTSUPP)
OPTIONAL(size_t, libctr_go_kube_report_count, ctr_kube_report_count,
         (const ctr_kube_report_t *report, ctr_kube_report_kind_t kind), (report, kind), 0)
OPTIONAL(const char *, libctr_go_kube_report_get, ctr_kube_report_get,
         (const ctr_kube_report_t *report, ctr_kube_report_kind_t kind, size_t i), (report, kind, i), NULL)
void libctr_go_kube_report_free(ctr_kube_report_t *report)
{
    RESOLVE(ctr_kube_report_free);
    if (fn)
        fn(report);
}

OPTIONAL(int, libctr_go_registry_options_init, ctr_registry_options_init,
         (ctr_registry_options_t *opts, unsigned int version), (opts, version), -EOPNOTSUPP)
OPTIONAL(int, libctr_go_image_pull, ctr_image_pull,
         (ctr_runtime_t *rt, const char *ref, const ctr_registry_options_t *opts, ctr_image_t **ret),
         (rt, ref, opts, ret), -EOPNOTSUPP)
OPTIONAL(int, libctr_go_image_pull_policy, ctr_image_pull_policy,
         (ctr_runtime_t *rt, const char *ref, const ctr_registry_options_t *opts, ctr_image_t **ret),
         (rt, ref, opts, ret), -EOPNOTSUPP)
OPTIONAL(int, libctr_go_image_push, ctr_image_push,
         (ctr_image_t *img, const char *dest, const ctr_registry_options_t *opts, char **ret_digest),
         (img, dest, opts, ret_digest), -EOPNOTSUPP)
OPTIONAL(int, libctr_go_registry_login, ctr_registry_login,
         (const char *registry, const char *username, const char *password, const ctr_registry_options_t *opts),
         (registry, username, password, opts), -EOPNOTSUPP)
OPTIONAL(int, libctr_go_registry_logout, ctr_registry_logout,
         (const char *registry, const ctr_registry_options_t *opts), (registry, opts), -EOPNOTSUPP)
OPTIONAL(int, libctr_go_registry_login_user, ctr_registry_login_user,
         (const char *registry, const ctr_registry_options_t *opts, char **ret_username),
         (registry, opts, ret_username), -EOPNOTSUPP)
OPTIONAL(int, libctr_go_image_resolve_name, ctr_image_resolve_name,
         (const char *ref, const ctr_registry_options_t *opts, char ***ret), (ref, opts, ret), -EOPNOTSUPP)
OPTIONAL(int, libctr_go_container_copy_to, ctr_container_copy_to,
         (ctr_container_t *c, const char *src, const char *dst, uint64_t flags), (c, src, dst, flags), -EOPNOTSUPP)
OPTIONAL(int, libctr_go_container_copy_from, ctr_container_copy_from,
         (ctr_container_t *c, const char *src, const char *dst, uint64_t flags), (c, src, dst, flags), -EOPNOTSUPP)
OPTIONAL(int, libctr_go_container_copy_to_fd, ctr_container_copy_to_fd,
         (ctr_container_t *c, int fd, const char *dst, uint64_t flags), (c, fd, dst, flags), -EOPNOTSUPP)
OPTIONAL(int, libctr_go_container_copy_from_fd, ctr_container_copy_from_fd,
         (ctr_container_t *c, const char *src, int fd, uint64_t flags), (c, src, fd, flags), -EOPNOTSUPP)
OPTIONAL(int, libctr_go_container_diff, ctr_container_diff, (ctr_container_t *c, ctr_change_t **ret, size_t *ret_count),
         (c, ret, ret_count), -EOPNOTSUPP)

void libctr_go_changes_free(ctr_change_t *changes, size_t count)
{
    RESOLVE(ctr_changes_free);
    if (fn)
        fn(changes, count);
}
