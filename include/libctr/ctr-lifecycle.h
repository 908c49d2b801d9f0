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
 * ctr_waiter_fd() is readable.  Today only exits are watched:
 * @p states must hold #CTR_STATE_EXITED (and may hold others, which are
 * reported when a check finds them), and a container that is not live
 * (configured, or exited) ends the watch at once with its state, as
 * ctr_container_wait() returns at once for it.
 * @param ret  set to the waiter (holding a reference on @p c); free it with
 *             ctr_waiter_free().
 * @return 0; -EINVAL (no state, or no #CTR_STATE_EXITED); -ENOENT
 *         (removed); -EOPNOTSUPP (the OCI runtime backend has no exit
 *         descriptor); -ENOMEM; -EMFILE.
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
 * @return 1 (the state is one of the set, or the container is not live);
 *         0 (not yet: wait for the descriptor again); -EINVAL; -ENOENT (removed); -EIO.
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
