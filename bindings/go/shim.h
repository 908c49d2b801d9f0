/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* C side of the Go bindings: callback trampolines (cgo cannot pass Go
 * functions to C) and the optional modules (images, networks, refresh),
 * resolved at run time so the bindings load with a libctr built without them. */
#ifndef LIBCTR_GO_SHIM_H
#define LIBCTR_GO_SHIM_H

#include <libctr/ctr.h>
#include <libctr/ctr-image.h>
#include <libctr/ctr-network.h>
#include <libctr/ctr-volume.h>
#include <libctr/ctr-pod.h>
#include <libctr/ctr-kube.h>
#include <libctr/ctr-registry.h>
#include <libctr/ctr-events.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>

/* Callbacks: the uintptr_t is a cgo.Handle. */
void libctr_go_runtime_log(ctr_runtime_options_t *o, uintptr_t handle);
int libctr_go_logs(ctr_container_t *c, const ctr_logs_options_t *o, uintptr_t handle);
int libctr_go_batch(ctr_container_t *c, uintptr_t handle);
int libctr_go_events_read(ctr_runtime_t *rt, const ctr_events_options_t *o, uintptr_t handle);
int libctr_go_stats_stream(ctr_container_t *const *cs, size_t n, const ctr_stats_options_t *o, uintptr_t handle);
void libctr_go_import_progress(ctr_import_options_t *o, uintptr_t handle);
void libctr_go_save_progress(ctr_save_options_t *o, uintptr_t handle);
void libctr_go_commit_progress(ctr_commit_options_t *o, uintptr_t handle);
void libctr_go_registry_progress(ctr_registry_options_t *o, uintptr_t handle);

/* Array helpers. */
char **libctr_go_strv_new(size_t n);
void libctr_go_strv_set(char **v, size_t i, char *s);
void libctr_go_strv_free_all(char **v);
void *libctr_go_ptr_at(void **v, size_t i);
char *libctr_go_str_at(const char *const *v, size_t i);

/* Optional symbols: 1 when the loaded library has it. */
int libctr_go_has(const char *name);

/* Optional modules: the same signatures, -EOPNOTSUPP (or NULL/0) when missing. */
int libctr_go_runtime_refresh(ctr_runtime_t *rt);

ctr_image_t *libctr_go_image_ref(ctr_image_t *img);
ctr_image_t *libctr_go_image_unref(ctr_image_t *img);
const char *libctr_go_image_id(const ctr_image_t *img);
const char *libctr_go_image_digest(const ctr_image_t *img);
const char *const *libctr_go_image_names(const ctr_image_t *img);
int64_t libctr_go_image_created(const ctr_image_t *img);
int64_t libctr_go_image_size(const ctr_image_t *img);
size_t libctr_go_image_layer_count(const ctr_image_t *img);
int libctr_go_image_list(ctr_runtime_t *rt, ctr_image_t ***ret, size_t *ret_count);
void libctr_go_image_list_free(ctr_image_t **list, size_t count);
int libctr_go_image_lookup(ctr_runtime_t *rt, const char *name_or_id, ctr_image_t **ret);
int libctr_go_image_tag(ctr_image_t *img, const char *name);
int libctr_go_image_untag(ctr_image_t *img, const char *name);
int libctr_go_image_remove(ctr_runtime_t *rt, const char *name_or_id, uint64_t flags);
int libctr_go_image_prune(ctr_runtime_t *rt, uint64_t flags, char ***ret_removed);
int libctr_go_image_inspect(ctr_image_t *img, char **ret);
int libctr_go_image_config_json(ctr_image_t *img, char **ret);
int libctr_go_import_options_init(ctr_import_options_t *opts, unsigned int version);
int libctr_go_image_import(ctr_runtime_t *rt, const ctr_import_options_t *opts, ctr_image_t **ret);
int libctr_go_save_options_init(ctr_save_options_t *opts, unsigned int version);
int libctr_go_image_save(ctr_image_t *img, const char *reference, const ctr_save_options_t *opts);
int libctr_go_container_mount(ctr_container_t *c, const char *mount_label, char **ret_path);
int libctr_go_container_unmount(ctr_container_t *c, int force);
int libctr_go_container_rootfs_size(ctr_container_t *c, int64_t *ret);
int libctr_go_container_rw_size(ctr_container_t *c, int64_t *ret);
int libctr_go_container_export(ctr_container_t *c, int fd);
int libctr_go_container_copy_to(ctr_container_t *c, const char *src, const char *dst, uint64_t flags);
int libctr_go_container_copy_from(ctr_container_t *c, const char *src, const char *dst, uint64_t flags);
int libctr_go_container_copy_to_fd(ctr_container_t *c, int fd, const char *dst, uint64_t flags);
int libctr_go_container_copy_from_fd(ctr_container_t *c, const char *src, int fd, uint64_t flags);
int libctr_go_container_diff(ctr_container_t *c, ctr_change_t **ret, size_t *ret_count);
void libctr_go_changes_free(ctr_change_t *changes, size_t count);
int libctr_go_commit_options_init(ctr_commit_options_t *opts, unsigned int version);
int libctr_go_container_commit(ctr_container_t *c, const ctr_commit_options_t *opts, ctr_image_t **ret);

int libctr_go_network_options_init(ctr_network_options_t *opts, unsigned int version);
int libctr_go_network_create(ctr_runtime_t *rt, const ctr_network_options_t *opts, char **ret_path);
int libctr_go_network_list(ctr_runtime_t *rt, char ***ret);
int libctr_go_network_inspect(ctr_runtime_t *rt, const char *name, char **ret);
int libctr_go_network_remove(ctr_runtime_t *rt, const char *name, uint64_t flags);
int libctr_go_container_ip_address(ctr_container_t *c, const char *network, char **ret);
int libctr_go_container_networks_json(ctr_container_t *c, char **ret);

int libctr_go_volume_options_init(ctr_volume_options_t *opts, unsigned int version);
int libctr_go_volume_create(ctr_runtime_t *rt, const ctr_volume_options_t *opts, ctr_volume_t **ret);
int libctr_go_volume_lookup(ctr_runtime_t *rt, const char *name, ctr_volume_t **ret);
int libctr_go_volume_exists(ctr_runtime_t *rt, const char *name);
int libctr_go_volume_list(ctr_runtime_t *rt, const char *const *filters, ctr_volume_t ***ret, size_t *ret_count);
void libctr_go_volume_list_free(ctr_volume_t **list, size_t count);
ctr_volume_t *libctr_go_volume_ref(ctr_volume_t *v);
ctr_volume_t *libctr_go_volume_unref(ctr_volume_t *v);
const char *libctr_go_volume_name(const ctr_volume_t *v);
const char *libctr_go_volume_driver(const ctr_volume_t *v);
const char *libctr_go_volume_mountpoint(const ctr_volume_t *v);
const char *const *libctr_go_volume_labels(const ctr_volume_t *v);
const char *const *libctr_go_volume_options(const ctr_volume_t *v);
int64_t libctr_go_volume_created(const ctr_volume_t *v);
int libctr_go_volume_anonymous(const ctr_volume_t *v);
int libctr_go_volume_inspect(ctr_volume_t *v, char **ret);
int libctr_go_volume_remove(ctr_runtime_t *rt, const char *name, uint64_t flags);
int libctr_go_volume_prune(ctr_runtime_t *rt, const char *const *filters, uint64_t flags, char ***ret_removed);

int libctr_go_pod_options_init(ctr_pod_options_t *opts, unsigned int version);
int libctr_go_pod_create(ctr_runtime_t *rt, const ctr_pod_options_t *opts, ctr_pod_t **ret);
int libctr_go_pod_lookup(ctr_runtime_t *rt, const char *ref, ctr_pod_t **ret);
int libctr_go_pod_list(ctr_runtime_t *rt, ctr_pod_t ***ret, size_t *ret_count);
int libctr_go_pod_list_filter(ctr_runtime_t *rt, const char *const *filters, ctr_pod_t ***ret, size_t *ret_count);
void libctr_go_pod_list_free(ctr_pod_t **list, size_t count);
ctr_pod_t *libctr_go_pod_ref(ctr_pod_t *pod);
ctr_pod_t *libctr_go_pod_unref(ctr_pod_t *pod);
const char *libctr_go_pod_id(const ctr_pod_t *pod);
const char *libctr_go_pod_name(const ctr_pod_t *pod);
const char *libctr_go_pod_infra_id(const ctr_pod_t *pod);
const char *libctr_go_pod_cgroup_path(const ctr_pod_t *pod);
uint32_t libctr_go_pod_share(const ctr_pod_t *pod);
int64_t libctr_go_pod_created(const ctr_pod_t *pod);
int libctr_go_pod_containers(ctr_pod_t *pod, char ***ret);
int libctr_go_pod_status(ctr_pod_t *pod, char **ret);
int libctr_go_pod_start(ctr_pod_t *pod);
int libctr_go_pod_stop(ctr_pod_t *pod, int timeout);
int libctr_go_pod_kill(ctr_pod_t *pod, int signal);
int libctr_go_pod_pause(ctr_pod_t *pod);
int libctr_go_pod_unpause(ctr_pod_t *pod);
int libctr_go_pod_restart(ctr_pod_t *pod);
int libctr_go_pod_apply_exit_policy(ctr_pod_t *pod);
int libctr_go_pod_top(ctr_pod_t *pod, const char *const *descriptors, ctr_top_t **ret);
int libctr_go_pod_stats(ctr_pod_t *pod, const ctr_stats_t *const *prev, size_t n_prev, ctr_stats_t ***ret, size_t *n);
void libctr_go_pod_stats_free(ctr_stats_t **stats, size_t count);
int libctr_go_pod_remove(ctr_pod_t *pod, uint64_t flags);
int libctr_go_pod_inspect(ctr_pod_t *pod, char **ret);
ctr_runtime_t *libctr_go_pod_runtime(const ctr_pod_t *pod);

int libctr_go_pod_generate_kube(ctr_pod_t *pod, uint64_t flags, char **ret);
int libctr_go_container_generate_kube(ctr_container_t *c, uint64_t flags, char **ret);
int libctr_go_kube_play(ctr_runtime_t *rt, const char *yaml, size_t len, const ctr_kube_play_options_t *opts,
                        ctr_kube_report_t **ret);
int libctr_go_kube_down(ctr_runtime_t *rt, const char *yaml, size_t len, ctr_kube_report_t **ret);
size_t libctr_go_kube_report_count(const ctr_kube_report_t *report, ctr_kube_report_kind_t kind);
const char *libctr_go_kube_report_get(const ctr_kube_report_t *report, ctr_kube_report_kind_t kind, size_t i);
void libctr_go_kube_report_free(ctr_kube_report_t *report);

int libctr_go_registry_options_init(ctr_registry_options_t *opts, unsigned int version);
int libctr_go_image_pull(ctr_runtime_t *rt, const char *ref, const ctr_registry_options_t *opts, ctr_image_t **ret);
int libctr_go_image_pull_policy(ctr_runtime_t *rt, const char *ref, const ctr_registry_options_t *opts,
                                ctr_image_t **ret);
int libctr_go_image_push(ctr_image_t *img, const char *dest, const ctr_registry_options_t *opts, char **ret_digest);
int libctr_go_registry_login(const char *registry, const char *username, const char *password,
                             const ctr_registry_options_t *opts);
int libctr_go_registry_logout(const char *registry, const ctr_registry_options_t *opts);
int libctr_go_registry_login_user(const char *registry, const ctr_registry_options_t *opts, char **ret_username);
int libctr_go_image_resolve_name(const char *ref, const ctr_registry_options_t *opts, char ***ret);

#endif
