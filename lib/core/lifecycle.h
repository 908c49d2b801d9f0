/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A container's run-time state machine (lifecycle.c, init.c), as the
 * operations above it use it: the lock that reconciles, the OCI layer's
 * view of a container, and the steps a remove and a refresh take. */
#pragma once

#include "core/container.h"
#include "oci/oci.h"

/* Take c's lock, re-read its state and reconcile it with the OCI runtime:
 * record an exit the monitor reported (and clean up), finish a start or stop
 * that died.  Inside the caller's own batch: only the lock.  Every public
 * operation on a container locks with this; pair with
 * ctr__container_unlock(). */
int ctr__lifecycle_lock(ctr_container_t *c);
/* The same, also for a container whose record is damaged (its state is
 * then unknown and nothing is reconciled); ctr__lifecycle_lock() refuses
 * one with -EUCLEAN.  For what works on any container: the state reads,
 * inspect, remove. */
int ctr__lifecycle_lock_any(ctr_container_t *c);
/* The reconcile step of ctr__lifecycle_lock() alone (lock held). */
int ctr__lifecycle_update(ctr_container_t *c);

/* Run expr with c locked and reconciled; public entry points use this (or,
 * for what works on a damaged record too, CTR__WITH_LOCK_ANY). */
#define CTR__WITH_LOCK(c, expr) CTR__WITH_(ctr__lifecycle_lock, c, expr)
#define CTR__WITH_LOCK_ANY(c, expr) CTR__WITH_(ctr__lifecycle_lock_any, c, expr)
#define CTR__WITH_(lock, c, expr)                                                                            \
    ({                                                                                                       \
        int _r = lock(c);                                                                                    \
        if (_r == 0) {                                                                                       \
            _r = (expr);                                                                                     \
            ctr__container_unlock(c);                                                                        \
        }                                                                                                    \
        _r;                                                                                                  \
    })

/* The OCI layer's view of a container, with the strings it borrows. */
struct ctr__desc {
    ctr_oci_container_t oci;
    char *run_dir;
    char *exit_dir;
};

int ctr__lifecycle_desc(ctr_container_t *c, struct ctr__desc *d);
void ctr__lifecycle_desc_done(struct ctr__desc *d);
/* The runtime's OCI backend and c's view (lock held). */
int ctr__lifecycle_oci(ctr_container_t *c, ctr__oci_t **oci, struct ctr__desc *d);

/* The file a start keeps in the run directory from the runtime's start to
 * the save of "running": found under the lock, it means the start died. */
#define CTR__STARTING_FILE "starting"

/* The file init makes in the run directory once it has mounted the root
 * file system: an init that died after it has a mount to undo. */
#define CTR__MOUNTED_FILE "rootfs-mounted"

/* Release what an exited (or never started) container holds: the runtime's
 * state, its networks, the /dev/shm mount, the rootfs mount, the run
 * directory (lock held; the caller saves).  Idempotent. */
int ctr__lifecycle_cleanup(ctr_container_t *c);
/* Record an exit, clean up (a failure is logged: the container did exit, and
 * the next cleanup retries), save. */
int ctr__lifecycle_finish_exit(ctr_container_t *c, const ctr_oci_exit_t *ex);
/* When c's run directory exists, remove what an init or start that died half
 * way may have left: the OCI runtime's container (with its monitor) and the
 * /dev/shm mount.  Best effort; keeps the error detail. */
void ctr__lifecycle_drop_leftovers(ctr_container_t *c);

/* Init (init.c) with the processes restored from a checkpoint instead of
 * created: a configured or exited container becomes running (lock held;
 * saved).  The init's errors; -EOPNOTSUPP from a backend that cannot. */
int ctr__lifecycle_restore(ctr_container_t *c, const ctr_oci_checkpoint_options_t *restore);

/* Before a remove (lock held): a live container is refused (-EBUSY) or, with
 * force, killed; then cleaned up. */
int ctr__lifecycle_teardown(ctr_container_t *c, bool force);
/* At a refresh (runtime and container locks held): a container whose
 * run-time state is from another boot (any, when fresh_boot) is reset as if
 * it never ran, and saved; one of this boot is left alone (*ret_live). */
int ctr__lifecycle_reset(ctr_container_t *c, bool fresh_boot, bool *ret_live);

/* Start c (lock held; init first when configured or exited).  A user's start
 * (by_policy false) clears the count of the policy's restarts; both clear
 * "stopped by the user". */
int ctr__lifecycle_start(ctr_container_t *c, bool by_policy);
/* Stop c (lock held), marking it stopped by the user. */
int ctr__lifecycle_stop(ctr_container_t *c, int timeout);
/* After a reboot (restart.c): start container id when its restart policy is
 * `always`.  1 (started), 0 (not for it), -errno. */
int ctr__restart_after_boot(ctr_runtime_t *rt, const char *id);
