/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The runtime object, shared by the modules that implement its operations. */
#pragma once

#include <libctr/ctr-runtime.h>
#include <pthread.h>

#include "config.h"
#include "lock.h"
#include "oci/oci.h"
#include "state/state.h"
#include "util.h"

struct ctr__config_cache;

struct ctr_runtime {
    unsigned int refs;
    char *root;
    char *run_root;
    char *lock_dir;
    char *oci_runtime;   /* absolute path, or the name when not found in PATH */
    char *oci_name;      /* as given: a name or a path */
    char *conmon_path;
    char *storage_driver;
    char *cni_config_dir;
    char *cni_plugin_dir;
    char *default_network;  /* network module: the default network's name, bridge, subnet */
    char *default_bridge;
    char *default_subnet;
    ctr_log_fn log_fn;
    void *log_userdata;
    int log_level;
    char boot_id[64];
    bool fresh_boot;     /* during the open's refresh in a new boot (every container is stale) */
    struct ctr__state state;
    struct ctr__lock lock; /* runtime-wide: names, create, remove */
    pthread_mutex_t oci_mutex;
    ctr__oci_t *oci;     /* opened on first use */
    pthread_mutex_t cache_mutex;
    struct ctr__config_cache *cache;
};

void ctr__log(ctr_runtime_t *rt, int level, const char *fmt, ...) _printf_(3, 4);

/* The command a container's monitor runs when it exits to remove it: libctr's
 * helper ctr-cleanup with the options that open this runtime again.
 * 0, or -ENOENT (no helper: the message says where it was looked for). */
int ctr__runtime_exit_command(ctr_runtime_t *rt, const char *id, char ***ret);

/* Paths of a container's directories and files; malloc'ed, NULL on ENOMEM. */
char *ctr__static_dir(ctr_runtime_t *rt, const char *id);
char *ctr__run_dir(ctr_runtime_t *rt, const char *id);
char *ctr__lock_path(ctr_runtime_t *rt, const char *id);

/* The parsed config of container id, shared (a reference for the caller): from
 * the cache, else from the backend (then cached).  config_json, when not NULL,
 * is used instead of asking the backend. */
int ctr__runtime_config(ctr_runtime_t *rt, const char *id, const char *config_json, struct ctr__config **ret);
void ctr__runtime_config_forget(ctr_runtime_t *rt, const char *id);
void ctr__runtime_config_remember(ctr_runtime_t *rt, struct ctr__config *cfg);

/* Resolve a full ID, unique prefix or name to a full ID (no handle). */
int ctr__runtime_resolve(ctr_runtime_t *rt, const char *id_or_name, char **ret_id);

/* IDs of the containers whose config names id in an ns_ctr field (dependents). */
int ctr__runtime_dependents(ctr_runtime_t *rt, const char *id, char ***ret_ids);

bool ctr__id_valid(const char *id);

/* The OCI runtime backend, opened on first use. */
int ctr__runtime_oci(ctr_runtime_t *rt, ctr__oci_t **ret);
