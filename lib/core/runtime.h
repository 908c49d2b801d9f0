/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The runtime object, shared by the modules that implement its operations. */
#pragma once

#include <libctr/ctr-runtime.h>
#include <pthread.h>

#include "base/lock.h"
#include "base/util.h"
#include "data/config.h"
#include "data/settings.h"
#include "oci/oci.h"
#include "state/state.h"

/* The runtime handle (runtime.c) holds the options, the two directories, the
 * runtime lock, the state backend, the config cache and the OCI backend.
 * Other modules see it through the functions below. */

/* Its settings (lent, read-only). */
const struct ctr__settings *ctr__runtime_settings(const ctr_runtime_t *rt);
/* Its opened state backend. */
struct ctr__state *ctr__runtime_state(ctr_runtime_t *rt);
/* The runtime-wide lock: names, create, remove, refresh. */
struct ctr__lock *ctr__runtime_lock(ctr_runtime_t *rt);

/* Open a runtime (ctr_runtime_new() without its refresh after a reboot):
 * check the options, make the directories, open the state backend.
 * -EINVAL for bad options, the backend's error, -ENOMEM. */
int ctr__runtime_open(const ctr_runtime_options_t *opts, ctr_runtime_t **ret);
/* Whether RUN_ROOT/alive names another boot than this one (or is missing):
 * the machine rebooted, or the run root was wiped (runtime lock held). */
int ctr__runtime_boot_changed(ctr_runtime_t *rt, bool *ret);
/* Record this boot in RUN_ROOT/alive, after the refresh (runtime lock held). */
int ctr__runtime_mark_boot(ctr_runtime_t *rt);

/* Log through the runtime's callback. */
#define ctr__rt_log(rt, ...) ctr__log(&ctr__runtime_settings(rt)->log, __VA_ARGS__)

/* The command a container's monitor runs when it exits: libctr's helper
 * ctr-cleanup with the options that open this runtime again, which records
 * the exit (and its died event) and, with rm, removes the container.
 * 0, or -ENOENT (no helper: the message says where it was looked for). */
int ctr__runtime_exit_command(ctr_runtime_t *rt, const char *id, bool rm, char ***ret);
/* The command line of libctr's helper @name (ctr-cleanup, ctr-healthcheck)
 * for container @id, with the options that open this runtime, then @flag
 * (NULL: none) and @id.  0, or -ENOENT as above. */
int ctr__runtime_helper_command(ctr_runtime_t *rt, const char *name, const char *id, const char *flag, char ***ret);

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

/* The records of one kind of object (volumes, pods) as an array of parsed
 * elements: parse() fills one from its document (a record it refuses is
 * logged and left out, not the end of the list), cmp() sorts them, clear()
 * releases one. */
struct ctr__records_type {
    const char *kind;
    size_t size;
    int (*parse)(const char *doc, void *elem);
    void (*clear)(void *elem);
    int (*cmp)(const void *a, const void *b);
};
/* Every record of t->kind (*ret malloc'ed, NULL when none); the errors of
 * the state backend's obj_iterate(); -ENOMEM. */
int ctr__runtime_records(ctr_runtime_t *rt, const struct ctr__records_type *t, void **ret, size_t *ret_n);
void ctr__runtime_records_free(const struct ctr__records_type *t, void *v, size_t n);
