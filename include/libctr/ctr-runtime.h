/* SPDX-License-Identifier: LGPL-2.1-or-later */
/**
 * @file ctr-runtime.h
 * @brief Opening a runtime; finding, listing and removing containers.
 *
 * Threads: a `ctr_runtime_t` may be shared by any number of threads; every
 * call on it is safe to make concurrently.  Processes: any number of processes
 * may open the same root at once; they coordinate through locks in the run
 * root.  A handle must not be used in a child after fork(): open a new one.
 */
#ifndef LIBCTR_CTR_RUNTIME_H
#define LIBCTR_CTR_RUNTIME_H

#include <libctr/ctr-common.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Log levels passed to a #ctr_log_fn. */
enum {
    CTR_LOG_ERROR = 3,   /**< something failed that the caller was not told about */
    CTR_LOG_WARNING = 4, /**< something was worked around */
    CTR_LOG_INFO = 6,    /**< a notable step (e.g. a stop that fell back to SIGKILL) */
    CTR_LOG_DEBUG = 7,   /**< every step */
};

/**
 * A log callback.  libctr never prints; it passes what it has to say here.
 * @p message is lent for the duration of the call.  May be called from any
 * thread that calls into libctr, possibly with libctr's locks held: the
 * callback must not call back into libctr.  The callback and its userdata
 * must stay valid as long as the runtime or any container handle from it
 * lives (containers hold a reference on their runtime).
 */
typedef void (*ctr_log_fn)(int level, const char *message, void *userdata);

/** Current version of #ctr_runtime_options_t. */
#define CTR_RUNTIME_OPTIONS_VERSION 2

/**
 * Options for ctr_runtime_new().  Start from #CTR_RUNTIME_OPTIONS_INIT or
 * ctr_runtime_options_init(); a NULL string means the default.  All strings are
 * copied.
 */
typedef struct ctr_runtime_options {
    /** Must be #CTR_RUNTIME_OPTIONS_VERSION (older versions are accepted). */
    unsigned int version;
    /** Persistent root. Default `/var/lib/libctr`. Created 0700. */
    const char *root;
    /** Per-boot run root. Default `/run/libctr`. Created 0700. */
    const char *run_root;
    /** State backend name: `files` (default), `tdb`, or a registered one. */
    const char *state_backend;
    /**
     * OCI runtime: a name looked up in PATH (`runc`, `crun`), `native`
     * (libctr's own runtime, `ctr-oci` in libctr's helper directory), a
     * registered backend's name, or an absolute path.  NULL: the
     * environment's `LIBCTR_RUNTIME` when set and not empty (not in a
     * set-uid program), else `runc`.
     */
    const char *oci_runtime;
    /** conmon binary; default: `conmon` from PATH, `/usr/bin/conmon`, `/usr/libexec/podman/conmon`. */
    const char *conmon_path;
    /** Storage driver: `overlay` (default) or `vfs`. */
    const char *storage_driver;
    /** CNI network configuration directory. Default `/etc/cni/net.d`. */
    const char *cni_config_dir;
    /** CNI plugin directory. Default `/usr/lib/cni`. */
    const char *cni_plugin_dir;
    /** Directory of lock files. Default `RUN_ROOT/locks`. */
    const char *lock_dir;
    /** Optional log callback (see #ctr_log_fn). */
    ctr_log_fn log_fn;
    /** Passed to @ref log_fn. */
    void *log_userdata;
    /** Highest level passed to @ref log_fn; 0 means #CTR_LOG_WARNING. */
    int log_level;
    /** `CTR_RUNTIME_*` flags; none defined yet, must be 0. */
    uint64_t flags;
    /** Network of containers made with #CTR_CREATE_NETNS and no networks.
     *  Default `libctr`.  When no file in @ref cni_config_dir defines it,
     *  libctr writes `NAME.conflist` there on first use (a bridge with
     *  host-local addresses, masquerading and port mappings). */
    const char *default_network;
    /** Bridge interface of the default network libctr writes.  Default: the
     *  first of `libctr0`, `libctr1`, ... that no network in @ref cni_config_dir
     *  uses and that is not a host interface when the network is written. */
    const char *default_bridge;
    /** Subnet (CIDR) of the default network libctr writes.  Default: the first
     *  of `10.90.0.0/16` to `10.99.0.0/16` that no network in @ref cni_config_dir
     *  and no host interface uses when it is written (so that runtimes with
     *  other roots on one host do not collide). */
    const char *default_subnet;

    /* Version 2 (libctr 0.3). */
    /** Log size limit of containers created with none of their own (see
     *  ctr_container_options_t::log_size_max); 0 or negative: no limit. */
    int64_t log_size_max;
} ctr_runtime_options_t;

/** Static initializer for #ctr_runtime_options_t. */
#define CTR_RUNTIME_OPTIONS_INIT { CTR_RUNTIME_OPTIONS_VERSION, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0, 0, NULL, NULL, NULL, 0 }

/**
 * Initialize @p opts to the defaults for @p version (for bindings that cannot
 * use the macro).
 * @return 0, or -EINVAL if @p opts is NULL or @p version is unknown.
 */
int ctr_runtime_options_init(ctr_runtime_options_t *opts, unsigned int version);

/**
 * Open (creating it if needed) a runtime.
 *
 * Creates the root and run root with mode 0700, refuses a root or run root
 * owned by another user, opens the state backend, and records the boot ID so
 * that a reboot can be told later.
 *
 * @param ret   receives the new handle (refcount 1); release with ctr_runtime_unref().
 *              Untouched on failure.
 * @param opts  options, or NULL for all defaults.
 * @return 0 on success; -EINVAL (NULL @p ret, bad version, unknown backend,
 *         non-zero flags), -EACCES (a directory owned by another user),
 *         -EPROTONOSUPPORT (state written by a newer libctr), or an errno from
 *         creating the directories.
 */
int ctr_runtime_new(ctr_runtime_t **ret, const ctr_runtime_options_t *opts);

/** Take a reference. Returns @p rt. NULL is allowed and returned. */
ctr_runtime_t *ctr_runtime_ref(ctr_runtime_t *rt);

/**
 * Drop a reference; the last one closes the runtime.  Containers hold a
 * reference on their runtime, so it stays open while any handle lives.
 * Returns NULL. NULL is allowed.
 */
ctr_runtime_t *ctr_runtime_unref(ctr_runtime_t *rt);
CTR_DEFINE_CLEANUP(ctr_runtime_t, ctr_runtime_unref)

/** The persistent root directory. Lent until the runtime is released. */
const char *ctr_runtime_root(const ctr_runtime_t *rt);
/** The run root directory. Lent until the runtime is released. */
const char *ctr_runtime_run_root(const ctr_runtime_t *rt);
/** The state backend's name (`files`, `tdb`, ...). Lent. */
const char *ctr_runtime_state_backend(const ctr_runtime_t *rt);
/** The OCI runtime's absolute path. Lent. */
const char *ctr_runtime_oci_runtime(const ctr_runtime_t *rt);
/** The boot ID recorded when the run root was set up. Lent. */
const char *ctr_runtime_boot_id(const ctr_runtime_t *rt);

/**
 * Look a container up by full ID, unique ID prefix, or name (in that order of
 * preference: an exact ID or name wins over a prefix).
 *
 * @param ret receives a new handle; release with ctr_container_unref().
 * @return 0; -EINVAL (NULL argument, empty or invalid string, or a prefix
 *         matching several containers: the message says how many); -ENOENT.
 */
int ctr_runtime_lookup(ctr_runtime_t *rt, const char *id_or_name, ctr_container_t **ret);

/**
 * A filter for ctr_runtime_list(): return non-zero to keep @p c.  The handle
 * is lent for the call; take a reference to keep it.
 */
typedef int (*ctr_container_filter_fn)(ctr_container_t *c, void *userdata);

/**
 * List containers, oldest first, with their state as stored (no runtime
 * query per container, no container locks taken).
 *
 * @param filter    NULL to list all.
 * @param ret       receives a malloc'ed array of handles; free it with
 *                  ctr_container_list_free().
 * @param ret_count receives the number of handles.
 * @return 0; -EINVAL; -ENOMEM; an errno from the state backend.
 */
int ctr_runtime_list(ctr_runtime_t *rt, ctr_container_filter_fn filter, void *userdata,
                     ctr_container_t ***ret, size_t *ret_count);

/** Unref every handle in @p list and free it. NULL is allowed. */
void ctr_container_list_free(ctr_container_t **list, size_t count);

/** Flags for ctr_runtime_remove() and ctr_container_remove(). */
enum {
    /** Stop a running container first, and remove the containers that depend on it too. */
    CTR_REMOVE_FORCE = 1u << 0,
    /** Also remove the container's anonymous volumes (podman's `rm -v`), those no other container uses. */
    CTR_REMOVE_VOLUMES = 1u << 1,
};

/**
 * Reset containers left over from an earlier boot and sweep the run root.
 *
 * libctr does this by itself when ctr_runtime_new() finds that the machine
 * rebooted (the run root's `alive` file is missing or names another boot
 * ID).  Like libpod: created, running, paused and stopping containers become
 * configured, exited ones stay exited; stale mounts, network namespaces and
 * networks (CNI DEL), the OCI runtime's state, monitor files and lock files
 * of removed containers are removed, as are directories and read-write
 * layers a crashed create left behind, the OCI runtime's container and
 * monitor of an init or start that died half way, and the staging of a
 * crashed import or commit.  Containers started in this boot are left
 * alone, so calling it at any time (after a crash, say) is safe.
 * @return 0; -EINVAL; the first error met (after trying every container).
 */
int ctr_runtime_refresh(ctr_runtime_t *rt);

/**
 * Remove the container named by @p id_or_name (full ID, unique prefix or
 * name).  See ctr_container_remove() for @p flags.
 * @return 0; -EINVAL (NULL, invalid or ambiguous @p id_or_name, unknown
 *         flags); -ENOENT (no such container); and the errors of
 *         ctr_container_remove().
 */
int ctr_runtime_remove(ctr_runtime_t *rt, const char *id_or_name, uint64_t flags);

#ifdef __cplusplus
}
#endif

#endif
