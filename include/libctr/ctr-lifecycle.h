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
