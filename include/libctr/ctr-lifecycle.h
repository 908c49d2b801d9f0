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
