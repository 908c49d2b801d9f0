/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Driving conmon (2.1.x, API version 1): create under the monitor, exec
 * through it, the attach socket, the ctl FIFO, exit files. */
#pragma once

#include <libctr/sys/ctr-oci.h>
#include <stdbool.h>
#include <sys/types.h>

#include "base/util.h"

/* What every conmon invocation needs to know about the runtime. */
struct ctr__conmon_runtime {
    const char *conmon_path;     /* absolute: the create's monitor (conmon, or helpers/ctr-monitor) */
    const char *exec_conmon_path; /* absolute: exec's, when it is not conmon_path (ctr-monitor does no exec); NULL */
    const char *runtime_path;    /* absolute */
    const char *runtime_name;    /* for messages: "runc" */
    char *const *runtime_args;   /* global options placed before the command (--root X), NULL-terminated */
    bool json_log;               /* the runtime takes --log FILE --log-format json */
};

/* Create a container under a new conmon, or with restore (not NULL)
 * restore it from a checkpoint (conmon's --restore: the runtime's restore
 * --detach, the container running when it returns).  Returns 0 with the
 * container's and conmon's PIDs; -EIO with the runtime's message verbatim
 * when the runtime fails; -EEXIST when the runtime says the ID exists. */
int ctr__conmon_create(const struct ctr__conmon_runtime *rt, const ctr_oci_container_t *c,
                       const ctr_oci_create_options_t *opts, const ctr_oci_checkpoint_options_t *restore,
                       pid_t *ret_pid, pid_t *ret_conmon_pid);

/* Run a process in the container through conmon and relay its streams.
 * process_json is the OCI process object (its "terminal" is set here).
 * Returns 0 with the exit code, CTR_OCI_DETACHED, or a negative errno. */
int ctr__conmon_exec(const struct ctr__conmon_runtime *rt, const ctr_oci_container_t *c,
                     const ctr_oci_exec_options_t *opts, int *ret_exit_code);

/* Attach to the container's attach socket in bundle_dir. */
int ctr__conmon_attach(const ctr_oci_container_t *c, const ctr_oci_attach_options_t *opts);

/* Write one control line ("1 H W\n", "2 0 0\n") to BUNDLE/ctl.  -EBUSY
 * when no conmon reads it. */
int ctr__conmon_ctl(const ctr_oci_container_t *c, const char *line);

/* The exit of the container: read EXIT_DIR/ID, or learn that the monitor
 * died without writing it (exit code -1).  -EAGAIN while it runs. */
int ctr__conmon_exit_status(const ctr_oci_container_t *c, ctr_oci_exit_t *ret);
/* Wait for it (inotify on the exit directory + pidfd of the monitor);
 * timeout_ms -1 = forever.  -ETIMEDOUT. */
int ctr__conmon_wait_exit(const ctr_oci_container_t *c, int timeout_ms, ctr_oci_exit_t *ret);
/* A descriptor readable once c may have exited: its monitor's pidfd, or an
 * inotify on its exit directory without pidfds or a known monitor.
 * -ESRCH: the monitor is gone already. */
int ctr__conmon_exit_fd(const ctr_oci_container_t *c);
/* Wait (at most timeout_ms) for the container's monitor to be gone: used
 * after the runtime deleted the container.  0 when gone, -ETIMEDOUT. */
int ctr__conmon_wait_gone(const ctr_oci_container_t *c, int timeout_ms);
/* The monitor PID conmon recorded in the run directory, 0 when none: for a
 * caller that never learned it (a create whose caller died before saving). */
pid_t ctr__conmon_recorded_monitor(const ctr_oci_container_t *c);
/* Wait (at most timeout_ms) while the container's monitor is alive and the
 * runtime's create it runs has not finished (no PID file yet): a forced
 * remove of a container whose init died half way must not race a create
 * that finishes after it.  0 (also when there is no such monitor). */
int ctr__conmon_wait_created(const ctr_oci_container_t *c, int timeout_ms);
/* Remove what create() and conmon left: exit file, PID files, runtime log,
 * attach socket, FIFOs, OOM marker. */
void ctr__conmon_cleanup_files(const ctr_oci_container_t *c);

/* A pidfd for the container's monitor if it is alive and really is that
 * container's conmon (checked through /proc/PID/cmdline), else -ESRCH. */
int ctr__conmon_pidfd(const ctr_oci_container_t *c);

/* Collect a runtime's error text: the "msg" of error-level lines of a JSON
 * log (log_text, may be NULL), else the trimmed stderr text.  Returns a
 * malloc'ed string ("" when there is nothing), NULL on ENOMEM. */
char *ctr__runtime_error_text(const char *log_text, const char *stderr_text);
