/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The OCI runtime front: choosing and opening a backend (the registry), thin
 * wrappers the lifecycle code calls, and helpers shared by the backends
 * (spawning helpers, PATH lookup). */
#pragma once

#include <libctr/sys/ctr-oci.h>
#include <stdbool.h>
#include <sys/types.h>

#include "base/subprocess.h"
#include "base/util.h"

/* An opened backend.  Immutable after ctr__oci_open(); safe to share between
 * threads (the backends' callbacks are thread-safe). */
typedef struct ctr__oci {
    const ctr_oci_backend_t *backend;
    void *handle;
    char *runtime_name;  /* what the user named ("runc" by default) */
    char *runtime_path;  /* absolute path of the binary, or NULL (custom backend) */
    char *conmon_path;   /* absolute, or NULL when not found */
    uint64_t caps;       /* CTR_OCI_CAP_* */
} ctr__oci_t;

/* The native runtime's monitor (helpers/ctr-monitor): conmon's contract for
 * a create, no exec. */
#define CTR__NATIVE_MONITOR "ctr-monitor"

/*
 * Choose and open a backend.
 *
 * runtime: NULL or "" means "runc".  A name containing '/' must be an
 * absolute path to an executable: the built-in CLI backend drives it, with
 * quirks chosen by its basename (runc, crun, youki, ...).  Otherwise a
 * backend registered by the user under that name wins; then "oci-cli" names
 * the built-in backend with runc; else the name is searched in PATH (and in
 * the usual sbin/bin directories when PATH lacks them) and driven by the CLI
 * backend.
 *
 * conmon_path: an absolute path, or NULL to search `conmon` in PATH,
 * /usr/bin, /usr/libexec/podman, /usr/local/libexec/podman.  Not finding it
 * is not an error here (create() then fails with -ENOENT).  For the runtime
 * "native", NULL means LIBCTR_HELPER_DIR/ctr-monitor when it is there (it
 * monitors creates; exec sessions stay on conmon, found as above).
 *
 * state_dir: the runtime's --root; created (mode 0700) if missing.
 *
 * Returns 0; -EINVAL (relative path, NULL state_dir); -ENOENT (runtime or an
 * explicitly named conmon not found or not executable); -ENOMEM; a
 * backend's open() error.  *ret is untouched on failure.
 */
int ctr__oci_open(ctr__oci_t **ret, const char *runtime, const char *conmon_path, const char *state_dir);
/* Close and free; NULL is allowed.  Returns NULL. */
ctr__oci_t *ctr__oci_close(ctr__oci_t *oci);
static inline void ctr__oci_closep(ctr__oci_t **p) { ctr__oci_close(*p); }

static inline bool ctr__oci_has(const ctr__oci_t *oci, uint64_t cap) { return (oci->caps & cap) == cap; }

/* Fill a container descriptor (strings are borrowed). */
static inline ctr_oci_container_t ctr__oci_container(const char *id, const char *bundle_dir, const char *run_dir,
                                                     const char *exit_dir, pid_t pid, pid_t monitor_pid)
{
    ctr_oci_container_t c = {
        .version = CTR_OCI_BACKEND_VERSION,
        .id = id,
        .bundle_dir = bundle_dir,
        .run_dir = run_dir,
        .exit_dir = exit_dir,
        .pid = pid,
        .monitor_pid = monitor_pid,
    };
    return c;
}

/*
 * Wrappers around the backend's callbacks: they check arguments, turn a
 * missing optional callback into -EOPNOTSUPP, and make sure a failure always
 * leaves an error detail.  Semantics and return values are those documented
 * in <libctr/sys/ctr-oci.h>.
 */
int ctr__oci_create(ctr__oci_t *oci, const ctr_oci_container_t *c, const ctr_oci_create_options_t *opts,
                    pid_t *ret_pid, pid_t *ret_monitor_pid);
int ctr__oci_start(ctr__oci_t *oci, const ctr_oci_container_t *c);
/* Version 2: -EOPNOTSUPP for a version 1 backend. */
int ctr__oci_checkpoint(ctr__oci_t *oci, const ctr_oci_container_t *c, const ctr_oci_checkpoint_options_t *opts);
int ctr__oci_restore(ctr__oci_t *oci, const ctr_oci_container_t *c, const ctr_oci_create_options_t *opts,
                     const ctr_oci_checkpoint_options_t *restore, pid_t *ret_pid, pid_t *ret_monitor_pid);
int ctr__oci_kill(ctr__oci_t *oci, const ctr_oci_container_t *c, int signal, uint64_t flags);
int ctr__oci_remove(ctr__oci_t *oci, const ctr_oci_container_t *c, uint64_t flags);
int ctr__oci_pause(ctr__oci_t *oci, const ctr_oci_container_t *c);
int ctr__oci_resume(ctr__oci_t *oci, const ctr_oci_container_t *c);
int ctr__oci_state(ctr__oci_t *oci, const ctr_oci_container_t *c, ctr_oci_status_t *ret_status, pid_t *ret_pid);
int ctr__oci_update(ctr__oci_t *oci, const ctr_oci_container_t *c, const char *resources_json);
int ctr__oci_exec(ctr__oci_t *oci, const ctr_oci_container_t *c, const ctr_oci_exec_options_t *opts, int *ret_exit_code);
int ctr__oci_attach(ctr__oci_t *oci, const ctr_oci_container_t *c, const ctr_oci_attach_options_t *opts);
int ctr__oci_resize(ctr__oci_t *oci, const ctr_oci_container_t *c, unsigned int height, unsigned int width);
int ctr__oci_reopen_log(ctr__oci_t *oci, const ctr_oci_container_t *c);
int ctr__oci_exit_status(ctr__oci_t *oci, const ctr_oci_container_t *c, ctr_oci_exit_t *ret);
int ctr__oci_wait_exit(ctr__oci_t *oci, const ctr_oci_container_t *c, int timeout_ms, ctr_oci_exit_t *ret);
/* A descriptor readable once c may have exited (the caller closes it);
 * -ESRCH: its monitor is gone already; -EOPNOTSUPP. */
int ctr__oci_exit_fd(ctr__oci_t *oci, const ctr_oci_container_t *c);

/* Name of a status ("created", "running", ...; "unknown"). Static. */
const char *ctr__oci_status_name(ctr_oci_status_t s);

/* ---- Helpers for backends ---- */

/* The built-in CLI backend (oci-cli.c). */
extern const ctr_oci_backend_t ctr__oci_cli_backend;
