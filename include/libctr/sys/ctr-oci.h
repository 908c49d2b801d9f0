/* SPDX-License-Identifier: LGPL-2.1-or-later */
/**
 * @file sys/ctr-oci.h
 * @brief Plug-in API: OCI runtime backends.
 *
 * An OCI runtime backend runs containers for libctr: it creates a container
 * from an OCI bundle (a directory with `config.json`), starts, signals,
 * pauses and deletes it, runs extra processes in it (exec), relays its
 * standard streams (attach), and reports how it exited.  libctr prepares the
 * bundle (spec, root file system, mounts, network namespace) and keeps the
 * container's state; the backend only drives the runtime.
 *
 * Built-in backend: `oci-cli`, which runs any OCI runtime binary with the
 * runc command line (runc, crun, youki...) under the conmon monitor, with
 * per-runtime quirks chosen from the binary's name.  libctr uses it when
 * ctr_runtime_options_t::oci_runtime is an absolute path or a name found in
 * `PATH` and no registered backend has that name.  Register another backend
 * with ctr_oci_backend_register() and name it in
 * ctr_runtime_options_t::oci_runtime.
 *
 * A backend keeps no state of its own between calls beyond what it keeps on
 * disk: every call gets a #ctr_oci_container_t naming the container's ID and
 * directories, and the process calling may not be the one that created the
 * container (several processes share a libctr root).
 *
 * Contract for every callback:
 * - return 0 (or the documented positive value) on success, a negative errno
 *   on failure, and set a detail message with ctr_oci_backend_error()
 *   (a runtime's own error text goes into it verbatim);
 * - the error mapping is: -ENOENT the runtime does not know the container;
 *   -EBUSY the container is in the wrong state for the operation; -ESRCH
 *   (kill only) the container's process is not running; -EOPNOTSUPP the
 *   backend lacks the capability; -ETIMEDOUT a timeout expired; -EIO the
 *   runtime or monitor failed (the detail holds its message); -EINVAL a bad
 *   argument;
 * - output parameters are written only on success;
 * - strings and structs passed in are lent for the duration of the call;
 * - callbacks may be called from several threads at once, also for the same
 *   container (libctr serializes state changes of one container with its
 *   lock, but exec, attach, resize and exit queries run concurrently with
 *   them);
 * - file descriptors a backend opens are close-on-exec, children it starts
 *   are reaped, and it signals no process it did not start except through
 *   the runtime.
 *
 * The vtable and the structs passed to it are versioned: set
 * ctr_oci_backend_t::version to #CTR_OCI_BACKEND_VERSION.  Later versions
 * only add members at the end of each struct; libctr never hands a backend a
 * member newer than the backend's version, and refuses to register a backend
 * with a version newer than its own.
 */
#ifndef LIBCTR_SYS_CTR_OCI_H
#define LIBCTR_SYS_CTR_OCI_H

#include <libctr/ctr-common.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Current version of #ctr_oci_backend_t and of the structs passed to it. */
#define CTR_OCI_BACKEND_VERSION 2

/** Capability flags returned by ctr_oci_backend_t::capabilities. */
enum {
    /** pause() and resume() work. */
    CTR_OCI_CAP_PAUSE = 1u << 0,
    /** exec() works. */
    CTR_OCI_CAP_EXEC = 1u << 1,
    /**
     * checkpoint() and restore() work (version 2): the runtime can
     * checkpoint and restore with CRIU, and a `criu` binary was found.
     */
    CTR_OCI_CAP_CHECKPOINT = 1u << 2,
    /** update() works. */
    CTR_OCI_CAP_UPDATE = 1u << 3,
    /** attach() works (the container's streams go through a monitor). */
    CTR_OCI_CAP_ATTACH = 1u << 4,
    /** resize() and reopen_log() work. */
    CTR_OCI_CAP_CONTROL = 1u << 5,
    /** kill() honors #CTR_OCI_KILL_ALL. */
    CTR_OCI_CAP_KILL_ALL = 1u << 6,
    /** create() writes the container's output to ctr_oci_create_options_t::log_path. */
    CTR_OCI_CAP_LOG = 1u << 7
};

/** Container status as the runtime reports it (ctr_oci_backend_t::state). */
typedef enum ctr_oci_status {
    CTR_OCI_STATUS_UNKNOWN = 0,  /**< a status string this backend does not know */
    CTR_OCI_STATUS_CREATING = 1, /**< create is still in progress */
    CTR_OCI_STATUS_CREATED = 2,  /**< created, the user process not started */
    CTR_OCI_STATUS_RUNNING = 3,  /**< the user process runs */
    CTR_OCI_STATUS_PAUSED = 4,   /**< frozen */
    CTR_OCI_STATUS_STOPPED = 5  /**< the user process exited */
} ctr_oci_status_t;

/** What the backend is opened with (ctr_oci_backend_t::open). */
typedef struct ctr_oci_options {
    /** #CTR_OCI_BACKEND_VERSION. */
    unsigned int version;
    /**
     * What ctr_runtime_options_t::oci_runtime named (`runc` by default):
     * the registered backend's name, a name found in PATH, or a path.
     */
    const char *runtime_name;
    /** The runtime binary's absolute path, or NULL when none was found. */
    const char *runtime_path;
    /** The conmon binary's absolute path, or NULL when none was found. */
    const char *conmon_path;
    /**
     * A directory (existing, mode 0700, under libctr's run root) for the
     * runtime's own state, e.g. `runc --root`.  Never shared between runtimes.
     */
    const char *state_dir;
} ctr_oci_options_t;

/**
 * Names a container in every per-container callback.  All strings are
 * absolute paths (or the ID) lent for the call.
 */
typedef struct ctr_oci_container {
    /** #CTR_OCI_BACKEND_VERSION. */
    unsigned int version;
    /** The container's ID (libctr uses 64 hex digits). */
    const char *id;
    /**
     * The OCI bundle: holds `config.json`; the backend may keep files here
     * while the container exists (conmon's `attach` socket, `ctl` and
     * `winsz` FIFOs, `oom` marker).
     */
    const char *bundle_dir;
    /** A per-container directory in libctr's run root (PID files, runtime logs, exec sessions). */
    const char *run_dir;
    /** Where the monitor writes the exit file, named after the ID. */
    const char *exit_dir;
    /** The container's init PID as create() returned it, or 0 when unknown. */
    pid_t pid;
    /** The monitor's PID as create() returned it, or 0 when unknown or none. */
    pid_t monitor_pid;
} ctr_oci_container_t;

/** Flags of #ctr_oci_create_options_t. */
enum {
    /** Allocate a pseudo-terminal (`process.terminal` must be true in config.json). */
    CTR_OCI_CREATE_TERMINAL = 1u << 0,
    /** Keep the container's stdin open so attach can write to it. */
    CTR_OCI_CREATE_STDIN = 1u << 1,
    /**
     * ctr_oci_create_options_t::exit_command is set: the monitor runs it
     * after the container exited and its exit was recorded (conmon's
     * `--exit-command`).  Without this flag the member is not there (a
     * caller built before it existed) and must not be read.
     */
    CTR_OCI_CREATE_EXIT_COMMAND = 1u << 2,
    /**
     * ctr_oci_create_options_t::log_size_max is set (libctr 0.3); without
     * this flag the member is not there and must not be read.
     */
    CTR_OCI_CREATE_LOG_SIZE_MAX = 1u << 3
};

/** What create() needs beyond #ctr_oci_container_t. */
typedef struct ctr_oci_create_options {
    /** #CTR_OCI_BACKEND_VERSION. */
    unsigned int version;
    /** The container's name (for logs and the monitor's command line). */
    const char *name;
    /** k8s-file log of the container's output, or NULL for none. */
    const char *log_path;
    /** `CTR_OCI_CREATE_*` flags. */
    uint64_t flags;
    /**
     * With #CTR_OCI_CREATE_EXIT_COMMAND: the program (an absolute path) and
     * its arguments, NULL-terminated, to run once the container has exited.
     */
    const char *const *exit_command;
    /**
     * With #CTR_OCI_CREATE_LOG_SIZE_MAX: the largest size of the log in
     * bytes, > 0; the monitor truncates it when a write would pass it
     * (conmon's `--log-size-max`).
     */
    int64_t log_size_max;
} ctr_oci_create_options_t;

/** Flags of ctr_oci_backend_t::kill. */
enum {
    /** Signal every process of the container, not only its init. */
    CTR_OCI_KILL_ALL = 1u << 0
};

/** Flags of ctr_oci_backend_t::remove. */
enum {
    /** Kill the container first if it is running or paused. */
    CTR_OCI_REMOVE_FORCE = 1u << 0
};

/** How a container (or an exec session) ended. */
typedef struct ctr_oci_exit {
    /** Exit code 0-255, 128+signal when killed, -1 when unknown (the monitor died). */
    int exit_code;
    /** Non-zero when the kernel's OOM killer struck the container. */
    int oom_killed;
    /** When it ended, nanoseconds since the epoch (CLOCK_REALTIME). */
    int64_t finished;
} ctr_oci_exit_t;

/**
 * Called by attach() once the connection to the container's streams is up
 * and before any byte is relayed, so that a caller can start the container
 * without losing its first output.  A negative return aborts the attach and
 * is returned by attach().
 */
typedef int (*ctr_oci_attached_fn)(void *userdata);

/** Flags of #ctr_oci_attach_options_t. */
enum {
    /**
     * Return as soon as @c stdin_fd reaches end of file (after
     * closing the container's stdin), instead of relaying output until the
     * container's output ends.
     */
    CTR_OCI_ATTACH_RETURN_ON_STDIN_EOF = 1u << 0
};

/** Flags of #ctr_oci_exec_options_t. */
enum {
    /** Allocate a pseudo-terminal for the process (its stderr then goes to the terminal too). */
    CTR_OCI_EXEC_TTY = 1u << 0
};

/**
 * Descriptors and detach keys of attach().  The descriptors belong to the
 * caller; a backend reads and writes them without changing their flags and
 * never closes them.
 */
typedef struct ctr_oci_attach_options {
    /** #CTR_OCI_BACKEND_VERSION. */
    unsigned int version;
    /**
     * Read and sent to the container's stdin, or -1.  At end of file the
     * container's stdin is closed.  The container's stdin is also closed
     * when attach() returns, detached or not (conmon closes it when its
     * client goes away).
     */
    int stdin_fd;
    /** The container's stdout (the terminal's output with a tty) is written here; -1 discards it. */
    int stdout_fd;
    /** The container's stderr is written here; -1 discards it. */
    int stderr_fd;
    /**
     * Detach sequence as `ctrl-p,ctrl-q` (the default when NULL); "" never
     * detaches.  Typed on @ref stdin_fd it is not forwarded.
     */
    const char *detach_keys;
    /** `CTR_OCI_ATTACH_*` flags. */
    uint64_t flags;
    /** Optional; see #ctr_oci_attached_fn. */
    ctr_oci_attached_fn attached;
    /** Passed to @ref attached. */
    void *attached_userdata;
    /**
     * Version 2: end the attachment with -ECANCELED once this token is
     * triggered (its descriptor, ctr_cancel_fd(), is readable); NULL for
     * none.
     */
    const ctr_cancel_t *cancel;
} ctr_oci_attach_options_t;

/** An extra process to run in a running container (exec()). */
typedef struct ctr_oci_exec_options {
    /** #CTR_OCI_BACKEND_VERSION. */
    unsigned int version;
    /**
     * The OCI `process` object as JSON (args, env, cwd, user,
     * capabilities...).  Its `terminal` member is set from
     * #CTR_OCI_EXEC_TTY.
     */
    const char *process_json;
    /** The process's stdin, relayed as in #ctr_oci_attach_options_t; -1: the process gets none. */
    int stdin_fd;
    /** Where the process's stdout goes; -1 discards it. */
    int stdout_fd;
    /** Where the process's stderr goes; -1 discards it. */
    int stderr_fd;
    /** As in #ctr_oci_attach_options_t. */
    const char *detach_keys;
    /** `CTR_OCI_EXEC_TTY`. */
    uint64_t flags;
    /** Kill the process after this many seconds; 0 = no limit. */
    unsigned int timeout;
} ctr_oci_exec_options_t;

/** Flags of #ctr_oci_checkpoint_options_t (runc's options of the same names). */
enum {
    /** The container keeps running after the checkpoint (`--leave-running`). */
    CTR_OCI_CHECKPOINT_LEAVE_RUNNING = 1u << 0,
    /** Checkpoint or restore established TCP connections (`--tcp-established`). */
    CTR_OCI_CHECKPOINT_TCP_ESTABLISHED = 1u << 1,
    /** Checkpoint or restore file locks (`--file-locks`). */
    CTR_OCI_CHECKPOINT_FILE_LOCKS = 1u << 2
};

/**
 * Where checkpoint() writes and restore() reads a checkpoint (version 2).
 * Both directories exist; they belong to libctr.
 */
typedef struct ctr_oci_checkpoint_options {
    /** #CTR_OCI_BACKEND_VERSION. */
    unsigned int version;
    /** The checkpoint's images (CRIU's `--images-dir`), empty at checkpoint(). */
    const char *image_dir;
    /**
     * Where CRIU runs and writes its log: `dump.log` at checkpoint(),
     * `restore.log` at restore() (conmon's restore uses the bundle).
     */
    const char *work_dir;
    /** `CTR_OCI_CHECKPOINT_*` flags. */
    uint64_t flags;
} ctr_oci_checkpoint_options_t;

/** Return value of attach() and exec() when the detach keys were typed. */
#define CTR_OCI_DETACHED 1

/** An OCI runtime backend. */
typedef struct ctr_oci_backend {
    /** #CTR_OCI_BACKEND_VERSION. */
    unsigned int version;
    /** Unique name, `[a-z0-9_.-]+`, used in ctr_runtime_options_t::oci_runtime. */
    const char *name;
    /** Passed to open(). */
    void *userdata;

    /**
     * Open the backend for a libctr runtime.  Called once per runtime; the
     * handle is shared by all its threads.
     * @return 0; -ENOENT (a binary the backend needs was not found);
     *         -EINVAL; -ENOMEM.
     */
    int (*open)(void **ret_handle, const ctr_oci_options_t *opts, void *userdata);
    /** Release a handle from open().  Containers keep running. */
    void (*close)(void *handle);
    /** `CTR_OCI_CAP_*` flags of what works with this handle.  Never fails. */
    uint64_t (*capabilities)(void *handle);

    /**
     * Create the container from ctr_oci_container_t::bundle_dir, up to the
     * point where its user process waits to be started, under a monitor
     * that writes the exit file and the log.  Stale files of a previous
     * run (exit file, PID files, OOM marker) are removed first.
     * @param ret_pid         receives the container's init PID.
     * @param ret_monitor_pid receives the monitor's PID (0 when none).
     * @return 0; -EEXIST (the runtime already has a container with the ID);
     *         -EIO (the runtime refused: its message is the detail);
     *         -ENOENT (the monitor binary is missing).
     */
    int (*create)(void *handle, const ctr_oci_container_t *ctr, const ctr_oci_create_options_t *opts,
                  pid_t *ret_pid, pid_t *ret_monitor_pid);
    /** Start a created container's user process. @return 0; -ENOENT; -EBUSY; -EIO. */
    int (*start)(void *handle, const ctr_oci_container_t *ctr);
    /**
     * Send @p signal to the container's init (or every process with
     * #CTR_OCI_KILL_ALL).
     * @return 0; -ENOENT; -ESRCH (not running); -EINVAL (bad signal); -EIO.
     */
    int (*kill)(void *handle, const ctr_oci_container_t *ctr, int signal, uint64_t flags);
    /**
     * Delete the container from the runtime and release what the backend
     * made for it: afterwards its monitor has exited (waited for, a few
     * seconds at most) and its exit file is gone.  The bundle and run
     * directories themselves stay (they belong to libctr).
     * @param flags #CTR_OCI_REMOVE_FORCE kills a running or paused container.
     * @return 0 (also for a container unknown to the runtime with
     *         #CTR_OCI_REMOVE_FORCE); -ENOENT (unknown to the runtime, without
     *         force; the backend's files are still released); -EBUSY (running
     *         without force); -EIO.
     */
    int (*remove)(void *handle, const ctr_oci_container_t *ctr, uint64_t flags);
    /** Freeze every process of the container. @return 0; -ENOENT; -EBUSY; -EOPNOTSUPP; -EIO. */
    int (*pause)(void *handle, const ctr_oci_container_t *ctr);
    /** Thaw a paused container. @return 0; -ENOENT; -EBUSY; -EOPNOTSUPP; -EIO. */
    int (*resume)(void *handle, const ctr_oci_container_t *ctr);
    /**
     * Ask the runtime for the container's status and init PID (0 once
     * stopped).
     * @return 0; -ENOENT; -EIO.
     */
    int (*state)(void *handle, const ctr_oci_container_t *ctr, ctr_oci_status_t *ret_status, pid_t *ret_pid);
    /**
     * Change the container's resources; @p resources_json is an OCI
     * `linux.resources` object.
     * @return 0; -ENOENT; -EINVAL; -EOPNOTSUPP; -EIO.
     */
    int (*update)(void *handle, const ctr_oci_container_t *ctr, const char *resources_json);

    /**
     * Run a process in the running container, relay its streams until it
     * ends, and report its exit code (never lost: the monitor reports it).
     * @param ret_exit_code receives the exit code (128+signal when killed).
     * @return 0; #CTR_OCI_DETACHED (detach keys typed: the process keeps
     *         running, @p ret_exit_code is untouched); -EBUSY (not running,
     *         or paused); -ENOENT; -ETIMEDOUT (killed after
     *         ctr_oci_exec_options_t::timeout); -EINVAL (malformed process
     *         JSON, bad detach keys); -EOPNOTSUPP; -EIO (the runtime refused:
     *         its message is the detail).
     */
    int (*exec)(void *handle, const ctr_oci_container_t *ctr, const ctr_oci_exec_options_t *opts, int *ret_exit_code);
    /**
     * Connect to the container's streams and relay them: the container's
     * stdout and stderr to the caller's descriptors, the caller's stdin to
     * the container.  Output written by the container while nobody is
     * attached is only in the log.
     * @return 0 when the container's output ended (it exited) or, with
     *         #CTR_OCI_ATTACH_RETURN_ON_STDIN_EOF, stdin ended;
     *         #CTR_OCI_DETACHED when the detach keys were typed; the
     *         callback's negative value; -EBUSY (nothing to attach to: not
     *         created by this backend's monitor, or the monitor is gone);
     *         -EINVAL (bad detach keys); -EPIPE (a caller descriptor was
     *         closed); -EOPNOTSUPP.
     */
    int (*attach)(void *handle, const ctr_oci_container_t *ctr, const ctr_oci_attach_options_t *opts);
    /**
     * Set the size of the container's terminal.
     * @return 0; -EBUSY (the monitor is gone); -EOPNOTSUPP.
     */
    int (*resize)(void *handle, const ctr_oci_container_t *ctr, unsigned int height, unsigned int width);
    /** Make the monitor reopen the log file (after rotation). @return as resize(). */
    int (*reopen_log)(void *handle, const ctr_oci_container_t *ctr);

    /**
     * How the container exited, without blocking.  When the monitor died
     * without writing an exit file the container counts as exited with
     * code -1 at the time of the call.
     * @return 0 (exited: @p ret filled); -EAGAIN (still created, running or
     *         paused); -EIO.
     */
    int (*exit_status)(void *handle, const ctr_oci_container_t *ctr, ctr_oci_exit_t *ret);
    /**
     * Like exit_status(), but wait until the container exits or
     * @p timeout_ms milliseconds pass (-1: no limit; 0: do not wait).
     * Event driven (no polling).  When it returns 0 the monitor has
     * finished too (attach and resize then fail with -EBUSY).
     * @return 0; -ETIMEDOUT; -EIO; -EINTR is never returned.
     */
    int (*wait_exit)(void *handle, const ctr_oci_container_t *ctr, int timeout_ms, ctr_oci_exit_t *ret);

    /* ---- version 2 (libctr 0.6); a version 1 backend has none of these ---- */

    /**
     * A file descriptor that becomes readable once the container may have
     * exited (exit_status() then tells), for a caller's own poll or epoll
     * loop: libctr's waiters (ctr_container_waiter_new()) are built on it.
     * The caller owns it and closes it; it must stay readable once it is
     * (level triggered), and be close-on-exec.  NULL (or a version 1
     * backend): waiters for an exit refuse with -EOPNOTSUPP, and
     * ctr_container_wait() uses wait_exit().
     * @return the descriptor; -ESRCH (the monitor is gone already:
     *         exit_status() tells now); -EIO.
     */
    int (*exit_fd)(void *handle, const ctr_oci_container_t *ctr);
    /**
     * Checkpoint the running container's processes into
     * ctr_oci_checkpoint_options_t::image_dir.  Unless
     * #CTR_OCI_CHECKPOINT_LEAVE_RUNNING, its processes are gone afterwards
     * and its monitor reports the exit as for any other end.
     * Optional (#CTR_OCI_CAP_CHECKPOINT).
     * @return 0; -ENOENT; -EBUSY (not running); -EOPNOTSUPP; -EIO (the
     *         runtime or CRIU failed: its message is the detail).
     */
    int (*checkpoint)(void *handle, const ctr_oci_container_t *ctr, const ctr_oci_checkpoint_options_t *opts);
    /**
     * Like create(), but the container's processes come back from the
     * checkpoint in ctr_oci_checkpoint_options_t::image_dir instead of
     * being created: on success the container is running (no start()).
     * Optional (#CTR_OCI_CAP_CHECKPOINT).
     * @return as create(); -EOPNOTSUPP.
     */
    int (*restore)(void *handle, const ctr_oci_container_t *ctr, const ctr_oci_create_options_t *opts,
                   const ctr_oci_checkpoint_options_t *restore, pid_t *ret_pid, pid_t *ret_monitor_pid);
} ctr_oci_backend_t;

/**
 * Register an OCI runtime backend under its name, for every runtime opened
 * later in this process.  The struct must stay valid until the process exits
 * (it is not copied).  Thread-safe.
 * @return 0; -EINVAL (NULL, a version of 0 or newer than
 *         #CTR_OCI_BACKEND_VERSION, a bad name, a missing open, close,
 *         capabilities, create, start, kill, remove, state, exit_status or
 *         wait_exit; the other callbacks may be NULL, which reads as
 *         -EOPNOTSUPP; a version 1 backend has no checkpoint nor restore,
 *         which read as NULL); -EEXIST (the name is taken, built-ins included);
 *         -ENOMEM.
 */
int ctr_oci_backend_register(const ctr_oci_backend_t *backend);

/**
 * For backends: set the calling thread's error detail and return @p code, so
 * a callback can write `return ctr_oci_backend_error(-EIO, "...", ...)`.
 */
int ctr_oci_backend_error(int code, const char *format, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

#ifdef __cplusplus
}
#endif

#endif
