/* SPDX-License-Identifier: LGPL-2.1-or-later */
/**
 * @file ctr-lifecycle.h
 * @brief Running containers: init, start, stop, kill, pause, wait, exec, cleanup, inspect.
 *
 * States move configured → created (init) → running (start) ⇄ paused →
 * exited.  Each call checks the state first and fails with `-EBUSY` and a
 * message naming the state when it does not apply.  Containers run under the
 * OCI runtime chosen at ctr_runtime_new() (runc by default), monitored by
 * conmon, which writes the container's output to its log file and records its
 * exit code, so a container outlives the process that started it.
 *
 * Containers whose namespaces a container joins (ctr_container_dependencies())
 * must be running when it is initialized.
 */
#ifndef LIBCTR_CTR_LIFECYCLE_H
#define LIBCTR_CTR_LIFECYCLE_H

#include <libctr/ctr-common.h>
#include <libctr/ctr-container.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Create the container in the OCI runtime (state created): generate its OCI
 * spec, prepare its run directory and /dev/shm, and start its monitor.  The
 * process waits for ctr_container_start().
 * @return 0; -EINVAL; -ENOENT (removed, or the rootfs is missing); -EBUSY
 *         (not configured or exited, or a namespace container is not running);
 *         -EIO (the OCI runtime or monitor failed: the detail holds the
 *         runtime's own message); -EPERM (a mount destination leads out of
 *         the root file system through a symbolic link); -ELOOP (too many
 *         links on a mount destination's path).  The OCI runtime and conmon
 *         are looked up on first use, so a missing one shows here as -ENOENT.
 */
int ctr_container_init(ctr_container_t *c);

/**
 * Start the container.  A configured or exited container is initialized first
 * (like `podman start`).
 * @return 0; -EINVAL; -ENOENT; -EBUSY (running or paused); -EIO (runtime error,
 *         e.g. the command does not exist in the rootfs: the detail says so);
 *         the errors of ctr_container_init() (-EPERM, -ELOOP for a mount).
 */
int ctr_container_start(ctr_container_t *c);

/**
 * Stop the container: send its stop signal, wait up to @p timeout seconds,
 * then SIGKILL.  A negative @p timeout uses the container's stop timeout; 0
 * kills at once.  Stopping an exited or configured container does nothing.
 * Afterwards the runtime's state is deleted and mounts are released.
 * @return 0; -EINVAL; -ENOENT; -EBUSY (paused); -EIO.
 */
int ctr_container_stop(ctr_container_t *c, int timeout);

/**
 * Send @p signal to the container's first process.
 * @return 0; -EINVAL (bad signal); -ENOENT; -EBUSY (not running); -EIO.
 */
int ctr_container_kill(ctr_container_t *c, int signal);

/**
 * Freeze every process of a running container (cgroup freezer).
 * @return 0; -EINVAL; -ENOENT (removed); -EBUSY (not running);
 *         -EOPNOTSUPP (the OCI runtime backend cannot pause); -EIO.
 */
int ctr_container_pause(ctr_container_t *c);
/**
 * Thaw a paused container.
 * @return 0; -EINVAL; -ENOENT (removed); -EBUSY (not paused);
 *         -EOPNOTSUPP (the OCI runtime backend cannot pause); -EIO.
 */
int ctr_container_unpause(ctr_container_t *c);

/**
 * Wait until the container exits and return its exit code (128+signal when
 * killed by a signal, -1 when unknown, e.g. after its monitor was killed).
 * Event driven: no polling.  A container that is configured or already
 * exited returns at once.
 * @param timeout_ms  -1 waits forever.
 * @param ret_exit_code may be NULL.
 * @return 0; -EINVAL; -ENOENT; -ETIMEDOUT.
 */
int ctr_container_wait(ctr_container_t *c, int64_t timeout_ms, int *ret_exit_code);

/** The bit of state @p s in a set of states (ctr_container_wait_for()). */
#define CTR_WAIT_STATE(s) (1u << (unsigned)(s))

/**
 * A watch on one container until its state is in a set, through a file
 * descriptor the caller adds to its own poll, epoll, GLib, libuv or asyncio
 * loop: no thread per container and no timer.  Not thread-safe (one loop
 * owns it).
 */
typedef struct ctr_waiter ctr_waiter_t;

/**
 * Watch @p c until its state is one of @p states (#CTR_WAIT_STATE() bits;
 * podman's `wait --condition`; #CTR_STATE_EXITED is podman's "stopped" and
 * "exited").  Call ctr_waiter_check() first and again each time
 * ctr_waiter_fd() is readable.  An exit is watched through the monitor's
 * pidfd; the other states through the event journal, which every change
 * writes in whichever process makes it (so a set of other states also
 * wakes, briefly, for other containers' events).  With the set
 * {#CTR_STATE_EXITED} alone, a container that is not live (configured, or
 * exited) ends the watch at once with its state, as ctr_container_wait()
 * returns at once for it; with other states in the set it is waited for.
 * @param ret  set to the waiter (holding a reference on @p c); free it with
 *             ctr_waiter_free().
 * @return 0; -EINVAL (no state, or an unknown one); -ENOENT (removed);
 *         -EOPNOTSUPP (the set holds #CTR_STATE_EXITED and the OCI runtime
 *         backend has no exit descriptor); -ENOMEM; -EMFILE.
 */
int ctr_container_waiter_new(ctr_container_t *c, unsigned int states, ctr_waiter_t **ret);

/**
 * The waiter's descriptor: readable when ctr_waiter_check() should be
 * called.  Lent: valid until ctr_waiter_free(); level triggered.
 * @return the descriptor; -EINVAL.
 */
int ctr_waiter_fd(const ctr_waiter_t *w);

/**
 * Look at the container and re-arm the descriptor.  Once the descriptor
 * fired, the exit is read from the monitor's record at once, without the
 * container's lock (the next call on the container records it and cleans
 * up); otherwise the lock is taken, which records an exit and cleans up as
 * every call does.
 * @param ret_state      the state found; may be NULL.
 * @param ret_exit_code  its exit code (as ctr_container_wait()) when the
 *                       state is #CTR_STATE_EXITED, else -1; may be NULL.
 * @return 1 (the state is one of the set, or, for the exited state alone,
 *         the container is not live); 0 (not yet: wait for the descriptor
 *         again); -EINVAL; -ENOENT (removed); -EIO.
 */
int ctr_waiter_check(ctr_waiter_t *w, ctr_state_t *ret_state, int *ret_exit_code);

/** Free a waiter (and its reference on the container).  NULL does nothing. */
void ctr_waiter_free(ctr_waiter_t *w);
CTR_DEFINE_CLEANUP(ctr_waiter_t, ctr_waiter_free)

/**
 * Wait until the container's state is one of @p states, as
 * ctr_container_waiter_new() watches it; ctr_container_wait() is this with
 * #CTR_STATE_EXITED.
 * @param timeout_ms     -1 waits forever.
 * @param cancel         a token another thread may trigger; may be NULL.
 * @param ret_state      may be NULL.
 * @param ret_exit_code  as ctr_waiter_check(); may be NULL.
 * @return 0; -ETIMEDOUT; -ECANCELED; the errors of
 *         ctr_container_waiter_new() and ctr_waiter_check().
 */
int ctr_container_wait_for(ctr_container_t *c, unsigned int states, int64_t timeout_ms, const ctr_cancel_t *cancel,
                           ctr_state_t *ret_state, int *ret_exit_code);

/**
 * Stop the container if it is live (as ctr_container_stop() with
 * @p timeout), then start it again; podman restart.  The count of restarts
 * by its restart policy is kept.
 * @return 0; -EINVAL; -ENOENT; -EBUSY (paused, or being removed); the errors
 *         of ctr_container_stop() and ctr_container_start().
 */
int ctr_container_restart(ctr_container_t *c, int timeout);

/**
 * Apply the container's restart policy to its exit, as conmon's exit
 * command does when the container's process ends (with no caller of libctr
 * alive): when it exited by itself (not by a user's ctr_container_stop() or
 * ctr_container_kill()) and its policy says so (`always`,
 * `unless-stopped`, or `on-failure` after a non-zero exit code and fewer
 * restarts than its retries since the last user's start), count the
 * restart (`RestartCount` in inspect), write a `restart` event and start it
 * again.  podman's rules, without delay between restarts.
 * @return 1 (restarted); 0 (the policy does not restart it: not exited, no
 *         policy, stopped by a user, or out of retries); -EINVAL; -ENOENT;
 *         the errors of ctr_container_start().
 */
int ctr_container_apply_restart_policy(ctr_container_t *c);

/**
 * Release what an exited container still holds: the OCI runtime's state,
 * mounts, the monitor's files.  Done automatically by stop, wait and remove;
 * calling it twice is harmless.  -EBUSY while running or paused.
 */
int ctr_container_cleanup(ctr_container_t *c);

/** Current version of #ctr_exec_options_t. */
#define CTR_EXEC_OPTIONS_VERSION 1

/** Flags of #ctr_exec_options_t. */
enum {
    CTR_EXEC_TTY = 1u << 0,        /**< allocate a terminal (stdout and stderr merge) */
    CTR_EXEC_PRIVILEGED = 1u << 1, /**< all capabilities */
};

/** An extra process in a running container. */
typedef struct ctr_exec_options {
    /** #CTR_EXEC_OPTIONS_VERSION. */
    unsigned int version;
    /** Command and arguments (required, NULL-terminated). */
    const char *const *argv;
    /** Extra environment, `KEY=VALUE`, added to the container's. */
    const char *const *env;
    /** User (`name`, `uid`, `uid:gid`, ...); NULL: the container's user. */
    const char *user;
    /** Working directory; NULL: the container's. */
    const char *workdir;
    /** `CTR_EXEC_*` flags. */
    uint64_t flags;
    /** Where the process's stdin comes from; -1 for none (/dev/null). */
    int stdin_fd;
    /** Where the process's stdout goes (with a tty: all its output); -1 to drop it. */
    int stdout_fd;
    /** Where the process's stderr goes; -1 to drop it. */
    int stderr_fd;
    /** Detach keys such as "ctrl-p,ctrl-q" (with a tty and stdin); NULL for none. */
    const char *detach_keys;
} ctr_exec_options_t;

/** Static initializer for #ctr_exec_options_t. */
#define CTR_EXEC_OPTIONS_INIT { CTR_EXEC_OPTIONS_VERSION, NULL, NULL, NULL, NULL, 0, -1, -1, -1, NULL }

/** Initialize @p opts for @p version. @return 0 or -EINVAL. */
int ctr_exec_options_init(ctr_exec_options_t *opts, unsigned int version);

/**
 * Run a process in the running container and wait for it, relaying its
 * standard streams to the given descriptors.  Several execs may run at once.
 * @param ret_exit_code receives the process's exit code (126 when it cannot be
 *        executed, 127 when not found, 128+signal when killed).  For 126 and
 *        127 that the runtime reported (the process never ran), the call
 *        still returns 0 and ctr_error_last() holds the runtime's reason;
 *        after a process that ran, its message is empty.
 * @return 0; -EINVAL (bad options, invalid detach keys); -ENOENT; -EBUSY (not
 *         running, e.g. paused); -EOPNOTSUPP (the OCI runtime backend cannot
 *         exec); -EIO (runtime error).
 */
int ctr_container_exec(ctr_container_t *c, const ctr_exec_options_t *opts, int *ret_exit_code);

/** Current version of #ctr_checkpoint_options_t. */
#define CTR_CHECKPOINT_OPTIONS_VERSION 1

/** Flags of #ctr_checkpoint_options_t (podman's `container checkpoint` options). */
enum {
    /** The container keeps running after the checkpoint (`--leave-running`). */
    CTR_CHECKPOINT_LEAVE_RUNNING = 1u << 0,
    /**
     * Checkpoint established TCP connections (`--tcp-established`); without
     * it CRIU refuses a container that has any.
     */
    CTR_CHECKPOINT_TCP_ESTABLISHED = 1u << 1,
    /**
     * Keep CRIU's log (`dump.log`) and, with an export, the checkpoint's
     * images in the container's directory (`--keep`).
     */
    CTR_CHECKPOINT_KEEP = 1u << 2,
    /** Checkpoint file locks (`--file-locks`). */
    CTR_CHECKPOINT_FILE_LOCKS = 1u << 3
};

/** How ctr_container_checkpoint() checkpoints. */
typedef struct ctr_checkpoint_options {
    /** #CTR_CHECKPOINT_OPTIONS_VERSION. */
    unsigned int version;
    /**
     * Also write the checkpoint to this file as an uncompressed tar
     * (`--export`): the images, the container's config and an image-based
     * container's root file system changes, for ctr_runtime_restore().
     * NULL: the checkpoint stays in the container's directory only.
     */
    const char *export_path;
    /** `CTR_CHECKPOINT_*` flags. */
    uint64_t flags;
} ctr_checkpoint_options_t;

/** Static initializer for #ctr_checkpoint_options_t. */
#define CTR_CHECKPOINT_OPTIONS_INIT { CTR_CHECKPOINT_OPTIONS_VERSION, NULL, 0 }

/**
 * Checkpoint a running container with CRIU (`podman container checkpoint`):
 * its processes' memory and state are written to the `checkpoint`
 * directory of the container's static directory (inspect's
 * `State.CheckpointPath`), and the container then is `exited` with
 * `State.Checkpointed` true, its network namespace and root file system
 * mount released as by a stop, unless #CTR_CHECKPOINT_LEAVE_RUNNING.
 * ctr_container_restore() brings it back where it was.
 * @param opts NULL for the defaults.
 * @return 0; -EINVAL (bad options, an export path that cannot be created:
 *         nothing is left of it); -ENOENT; -EBUSY (not running: "\"exited\"
 *         is not running, cannot checkpoint: container state improper");
 *         -EOPNOTSUPP (the OCI runtime backend cannot checkpoint, or criu is
 *         not installed); -EIO (the runtime or CRIU failed: its message, and
 *         CRIU's log is kept as `dump.log` in the container's directory).
 */
int ctr_container_checkpoint(ctr_container_t *c, const ctr_checkpoint_options_t *opts);

/** Current version of #ctr_restore_options_t. */
#define CTR_RESTORE_OPTIONS_VERSION 1

/** Flags of #ctr_restore_options_t (podman's `container restore` options). */
enum {
    /** Restore established TCP connections (`--tcp-established`). */
    CTR_RESTORE_TCP_ESTABLISHED = 1u << 0,
    /**
     * Keep the checkpoint's images and CRIU's logs (`dump.log`,
     * `restore.log`) in the container's directory (`--keep`); else they are
     * removed once the container runs again.
     */
    CTR_RESTORE_KEEP = 1u << 1,
    /** Restore file locks (`--file-locks`). */
    CTR_RESTORE_FILE_LOCKS = 1u << 2
};

/** How ctr_container_restore() and ctr_runtime_restore() restore. */
typedef struct ctr_restore_options {
    /** #CTR_RESTORE_OPTIONS_VERSION. */
    unsigned int version;
    /**
     * ctr_runtime_restore() only: the archive written by
     * ctr_container_checkpoint() with ctr_checkpoint_options_t::export_path
     * (`--import`).
     */
    const char *import_path;
    /**
     * ctr_runtime_restore() only: the new container's name (`--name`);
     * NULL: the checkpointed container's name.
     */
    const char *name;
    /** `CTR_RESTORE_*` flags. */
    uint64_t flags;
} ctr_restore_options_t;

/** Static initializer for #ctr_restore_options_t. */
#define CTR_RESTORE_OPTIONS_INIT { CTR_RESTORE_OPTIONS_VERSION, NULL, NULL, 0 }

/**
 * Restore a checkpointed container in place (`podman container restore`):
 * its processes come back from the checkpoint in its directory and go on
 * where they were; the container is `running` with `State.Restored` true.
 * Its network namespace and root file system mount are made again as a
 * start makes them.
 * @param opts NULL for the defaults; its import_path and name must be NULL.
 * @return 0; -EINVAL (bad options); -ENOENT (no checkpoint: "a complete
 *         checkpoint for this container cannot be found, cannot restore:
 *         ..."); -EBUSY (running or paused: "container ID is running or
 *         paused, cannot restore: container state improper"); -EOPNOTSUPP
 *         (the OCI runtime backend cannot restore); -EIO (the runtime or
 *         CRIU failed: its message; CRIU's log stays as `restore.log` in the
 *         container's directory).
 */
int ctr_container_restore(ctr_container_t *c, const ctr_restore_options_t *opts);

/**
 * Restore a checkpoint exported with ctr_container_checkpoint() as a new
 * container (`podman container restore --import FILE [--name NAME]`): the
 * container is made from the archive's config (with ctr_restore_options_t::name,
 * or the old name), given its root file system changes, and restored; it
 * runs when the call returns.  On failure nothing of it is left.
 * @param ret receives the new container (unref it); may be NULL.
 * @return 0; -EINVAL (no import_path, an archive that is not a checkpoint);
 *         -ENOENT (no such file; the image the container was made from is
 *         not in the store); -EEXIST (the name is taken); the errors of
 *         ctr_container_create() and ctr_container_restore().
 */
int ctr_runtime_restore(ctr_runtime_t *rt, const ctr_restore_options_t *opts, ctr_container_t **ret);

/** A container's health, podman's `State.Health.Status`. */
typedef enum ctr_health_status {
    CTR_HEALTH_NONE = 0,  /**< no healthcheck (`""`) */
    CTR_HEALTH_STARTING,  /**< not yet healthy nor unhealthy (`"starting"`) */
    CTR_HEALTH_HEALTHY,   /**< the last check passed (`"healthy"`) */
    CTR_HEALTH_UNHEALTHY, /**< `retries` checks in a row failed (`"unhealthy"`) */
} ctr_health_status_t;

/**
 * Run the container's healthcheck once, as `podman healthcheck run`: its
 * command (`CMD`: the arguments as they are; `CMD-SHELL`: `/bin/sh -c
 * COMMAND`) is exec'd in the running container with its timeout (the
 * process is killed then), with its output (stdout and stderr, the first
 * 500 bytes) kept.  The result is recorded in the container's state with
 * podman's rules (`State.Health` of inspect): a success makes it healthy
 * and its failing streak 0; a failure (a non-zero exit code, or the
 * timeout: exit code -1) after the start period adds one to the streak, and
 * `retries` in a row make it unhealthy; a failure during the start period
 * counts for nothing.  The log keeps the last 5 checks.  Each run writes a
 * `health_status` event with the status after it (podman 4.3 writes one
 * per run too, but with the status before it).  When the run leaves the
 * container unhealthy, its `health_on_failure` action is taken (`kill`,
 * `stop`, `restart`).
 * @param ret_status receives the container's health after the run; may be NULL.
 * @return 0 (the check passed), 1 (it failed), -ETIMEDOUT (it took longer
 *         than its timeout: recorded as a failure); -EINVAL (NULL handle,
 *         or the container has no healthcheck: "container ID has no defined
 *         healthcheck"); -ENOENT; -EBUSY (not running: "container ID is not
 *         running"); the errors of ctr_container_exec() and of the action.
 */
int ctr_container_healthcheck_run(ctr_container_t *c, ctr_health_status_t *ret_status);

/**
 * The container's health as its last check left it (#CTR_HEALTH_STARTING
 * for a container with a healthcheck that was never checked since its
 * start, #CTR_HEALTH_NONE without a healthcheck).
 * @return 0; -EINVAL (a NULL argument); -ENOENT (removed); the state
 *         backend's errors.
 */
int ctr_container_health_status(ctr_container_t *c, ctr_health_status_t *ret);

/**
 * The processes of a running container, as ctr_container_top() returns
 * them: a table of strings, one column per descriptor.  It is made by the
 * library and read-only to the caller, who frees it with
 * ctr_container_top_free(); members may be added at its end in later
 * versions (a caller never allocates one).
 */
typedef struct ctr_top {
    /** Number of columns: one per descriptor. */
    size_t n_columns;
    /** The columns' headers as podman prints them ("USER", "PID", "%CPU",
     *  ...): n_columns strings, then NULL. */
    const char *const *header;
    /** Number of processes. */
    size_t n_rows;
    /** One row per process, by PID in the container's PID namespace: n_rows
     *  arrays (then NULL) of n_columns strings (then NULL each). */
    const char *const *const *rows;
} ctr_top_t;

/**
 * List the processes of a running container, as `podman top` does: the
 * processes of the container's cgroup (and of the cgroups below it), read
 * from the host's /proc without running anything in the container.
 *
 * @p descriptors (NULL-terminated; NULL or empty for the default `user pid
 * ppid pcpu etime tty time args`) are podman's (psgo's) format descriptors,
 * each by name or AIX code: `args` (%a), `capamb`, `capbnd`, `capeff`,
 * `capinh`, `capprm`, `comm` (%c), `etime` (%t), `group` (%G), `groups`,
 * `hgroup`, `hgroups`, `hpid`, `huser`, `label`, `nice` (%n), `pcpu` (%C),
 * `pgid` (%r), `pid` (%p), `ppid` (%P), `rgroup` (%g), `rss`, `ruser` (%u),
 * `seccomp`, `state`, `stime`, `time` (%x), `tty` (%y), `user` (%U),
 * `vsz` (%z).  An element may hold several separated by commas (`pid,args`);
 * spaces around each are ignored, and so are empty ones.
 *
 * The values are podman's: `pid`, `ppid` and `pgid` are PIDs in the
 * container's PID namespace (0 for a parent outside it), `hpid` the host's;
 * `user`, `group`, `ruser`, `rgroup` and `groups` are the IDs in the
 * container's user namespace named by the container's /etc/passwd and
 * /etc/group (read inside its root; the number when it has no name),
 * `huser` and `hgroup` the host's IDs named by the host's files, `hgroups`
 * the host's supplementary group numbers; `args` is the command line, its
 * arguments joined by spaces (with the trailing space podman shows when it
 * ends with a NUL; `[comm]` when empty); `etime` the time since the start
 * and `time` the CPU time, as Go prints a duration (`1m2.345678901s`,
 * `0s`); `pcpu` the CPU time over the elapsed time in percent with three
 * decimals; `stime` the start (`2024-05-01 10:20:30 +0000 UTC`, local
 * time); `vsz` and `rss` in KiB; `tty` the terminal's name in the
 * container's /dev (`pts/0`) or `?`; `label` the LSM label or `?`;
 * `seccomp` `disabled`, `strict` or `filter`; the capability sets their
 * names without `CAP_`, sorted and joined by commas, `full` or `none`.
 * Unlike podman, which then runs ps(1) in the container, an unknown
 * descriptor is an error.
 *
 * @param ret receives the table; free it with ctr_container_top_free().
 * @return 0; -EINVAL (a NULL argument; an unknown descriptor, the message
 *         naming it and listing the valid ones); -ENOENT (removed); -EBUSY
 *         (the container is not running, paused included: "top can only be
 *         used on running containers"); -EUCLEAN (a damaged record);
 *         -ENOMEM; -EBADMSG (a /proc file that does not parse); -errno of
 *         reading the container's cgroup or its init process's /proc files
 *         (-ENOENT when its cgroup is not mounted on this host).
 */
int ctr_container_top(ctr_container_t *c, const char *const *descriptors, ctr_top_t **ret);

/** Free what ctr_container_top() returned.  NULL does nothing. */
void ctr_container_top_free(ctr_top_t *top);

/** The version of #ctr_stats_t this library makes. */
#define CTR_STATS_VERSION 1

/**
 * One sample of a running container's resource use, as
 * ctr_container_stats() returns it: made by the library and read-only to
 * the caller, who frees it with ctr_stats_free().  Members are added at
 * its end in later versions, with #CTR_STATS_VERSION raised; @ref version
 * says which members a sample has (a caller never allocates one).
 * Counters are what the container's cgroup shows (cgroup v1: cpuacct,
 * memory, pids and blkio; v2: cpu.stat, memory.current, memory.max,
 * memory.stat, pids.current, pids.max and io.stat); the network counters
 * are those of its network namespace.
 */
typedef struct ctr_stats {
    /** The version of this struct that the library filled (#CTR_STATS_VERSION). */
    unsigned int version;
    /** The container's full ID (lent: valid until the sample is freed). */
    const char *id;
    /** The container's name (lent, as @ref id). */
    const char *name;
    /** The cgroup version the counters were read from: 1 or 2. */
    int cgroup_version;
    /** When the sample was taken: nanoseconds since the epoch (CLOCK_REALTIME). */
    uint64_t timestamp_ns;
    /** When the container started: nanoseconds since the epoch. */
    uint64_t started_ns;
    /** CPU time of the container's processes in nanoseconds. */
    uint64_t cpu_ns;
    /** Its part in user mode, in nanoseconds. */
    uint64_t cpu_user_ns;
    /** Its part in kernel mode, in nanoseconds. */
    uint64_t cpu_system_ns;
    /** CPU time per core in nanoseconds (cgroup v1's cpuacct.usage_percpu): @ref n_percpu numbers,
     *  NULL and 0 where the cgroup does not have them (v2). */
    const uint64_t *percpu_ns;
    /** Number of @ref percpu_ns entries. */
    size_t n_percpu;
    /** The host's CPU time (all cores, every state, idle included) in nanoseconds, from /proc/stat. */
    uint64_t system_cpu_ns;
    /** Number of the host's CPUs (the cpuN lines of /proc/stat). */
    unsigned int online_cpus;
    /** CPU use in percent since the previous sample (or since the start without one), podman's
     *  formula: the container's CPU time over the wall-clock time between the two, times 100 (a
     *  container using one full core shows 100). */
    double cpu_percent;
    /** CPU use in percent since the container started (podman's `AVG CPU %`). */
    double avg_cpu_percent;
    /** Memory in use in bytes (v1 memory.usage_in_bytes, v2 memory.current). */
    uint64_t mem_usage;
    /** The memory limit in bytes: the cgroup's limit, at most the host's RAM. */
    uint64_t mem_limit;
    /** Page cache in bytes (memory.stat's total_cache; v2: file). */
    uint64_t mem_cache;
    /** Anonymous memory in bytes (memory.stat's total_rss; v2: anon). */
    uint64_t mem_rss;
    /** @ref mem_usage over @ref mem_limit, in percent. */
    double mem_percent;
    /** Processes (tasks) in the container's cgroup. */
    uint64_t pids_current;
    /** The cgroup's pids limit; 0 for none. */
    uint64_t pids_limit;
    /** Bytes read from block devices. */
    uint64_t block_read;
    /** Bytes written to block devices. */
    uint64_t block_write;
    /** Whether the network counters are there (0 when the container has no network namespace of its own). */
    int has_net;
    /** Bytes received by the interfaces of its network namespace, the loopback left out. */
    uint64_t net_rx_bytes;
    /** Packets received, as @ref net_rx_bytes. */
    uint64_t net_rx_packets;
    /** Bytes transmitted, as @ref net_rx_bytes. */
    uint64_t net_tx_bytes;
    /** Packets transmitted, as @ref net_rx_bytes. */
    uint64_t net_tx_packets;
} ctr_stats_t;

/**
 * Take one sample of the resource use of a running (or paused) container from its
 * cgroup and the /proc files of its init process (its network namespace's
 * /proc/PID/net/dev), without running anything in the container.
 *
 * @param prev an earlier sample of the same container (or NULL):
 *        @ref ctr_stats_t::cpu_percent is the CPU use since it; without it,
 *        since the container started (podman's first sample).
 * @param ret receives the sample; free it with ctr_stats_free().
 * @return 0; -EINVAL (a NULL argument, @p prev of another container);
 *         -ENOENT (removed, or its cgroup is not mounted on this host);
 *         -EBUSY (neither running nor paused: "container NAME is not running");
 *         -EUCLEAN (a damaged record); -ENOMEM; -EBADMSG (a cgroup or /proc
 *         file that does not parse); -errno of reading them (-ESRCH when
 *         the container's process is gone).
 */
int ctr_container_stats(ctr_container_t *c, const ctr_stats_t *prev, ctr_stats_t **ret);

/** Free a sample of ctr_container_stats() or of a stream's.  NULL does nothing. */
void ctr_stats_free(ctr_stats_t *s);

/** Current version of #ctr_stats_options_t. */
#define CTR_STATS_OPTIONS_VERSION 1

/** How ctr_container_stats_stream() samples. */
typedef struct ctr_stats_options {
    /** Must be #CTR_STATS_OPTIONS_VERSION (older versions are accepted). */
    unsigned int version;
    /** Milliseconds between samples; 0 means 5000 (podman's `--interval 5`). */
    unsigned int interval_ms;
    /** A descriptor whose becoming readable (a byte written to a pipe, an eventfd) stops the
     *  stream from another thread at its next wait; -1 for none. */
    int cancel_fd;
} ctr_stats_options_t;

/** Static initializer of #ctr_stats_options_t with the defaults. */
#define CTR_STATS_OPTIONS_INIT { CTR_STATS_OPTIONS_VERSION, 0, -1 }

/** Initialize @p opts for @p version. @return 0 or -EINVAL. */
int ctr_stats_options_init(ctr_stats_options_t *opts, unsigned int version);

/**
 * The callback of ctr_container_stats_stream(), once per interval: the
 * samples of the @p n containers in the order given, NULL for one that is
 * no longer running (stopped or removed; a paused one is sampled).  The samples are lent:
 * they are freed when the callback returns.  Return 0 to go on; any other
 * value stops the stream, which returns it when negative (0 otherwise).
 */
typedef int (*ctr_stats_fn)(const ctr_stats_t *const *stats, size_t n, void *userdata);

/**
 * Sample @p n running containers at once, then every interval, and hand
 * each round to @p fn, until @p fn returns non-zero, @p opts's cancel_fd
 * becomes readable, or none of the containers runs any more.  The CPU
 * percentage of each round is since the round before (the first: since the
 * start).  Runs on the calling thread; the containers' locks are held only
 * while they are read.
 *
 * @param opts NULL for the defaults.
 * @return 0 (stopped by @p fn with a positive value, by cancel_fd, or
 *         every container stopped); what @p fn returned when negative;
 *         -EINVAL (a NULL argument, bad options, @p n 0); the errors of
 *         ctr_container_stats() for the first round (then a container
 *         that is not running stops nothing; -EBUSY and -ENOENT become a
 *         NULL sample); -errno of poll() on cancel_fd.
 */
int ctr_container_stats_stream(ctr_container_t *const *cs, size_t n, const ctr_stats_options_t *opts,
                               ctr_stats_fn fn, void *userdata);

/** Flags for ctr_container_inspect(). */
enum {
    CTR_INSPECT_SIZE = 1u << 0, /**< compute rootfs and read-write layer sizes */
};

/**
 * Inspect the container: a JSON object shaped like `podman inspect`'s
 * (Id, Name, Created, State{Status, Running, Paused, Pid, ExitCode, OOMKilled,
 * StartedAt, FinishedAt}, Config{Cmd, Env, WorkingDir, User, Labels, ...},
 * HostConfig, Mounts, NetworkSettings, LogPath, ...).
 * @param ret receives the JSON; free with ctr_free().
 * @return 0; -EINVAL; -ENOENT.
 */
int ctr_container_inspect(ctr_container_t *c, uint64_t flags, char **ret);

#ifdef __cplusplus
}
#endif

#endif
