/* SPDX-License-Identifier: LGPL-2.1-or-later */
/**
 * @file ctr-container.h
 * @brief Containers as data: create, config and state getters, artifacts,
 *        dependencies, batch, remove.
 *
 * A container has an immutable *config* (fixed at create) and a mutable
 * *state* kept by the state backend.  A `ctr_container_t` is a reference
 * counted handle holding both; calls that read the state first sync it from
 * the backend under the container's lock.
 *
 * Threads: a handle may be used from several threads; calls on it serialize
 * on the handle (and, across handles and processes, on the container's lock
 * file).  Config getters returning `const char *` are lock-free: the config
 * never changes.  Inside ctr_container_batch() the callback's thread owns the
 * handle: calls from that thread do not relock, calls from other threads on
 * the same container wait until the batch ends.
 */
#ifndef LIBCTR_CTR_CONTAINER_H
#define LIBCTR_CTR_CONTAINER_H

#include <libctr/ctr-common.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Container states.  The numbers are ABI. */
typedef enum ctr_state {
    CTR_STATE_UNKNOWN = 0,    /**< an error left the state unknown */
    CTR_STATE_CONFIGURED = 1, /**< exists as data only */
    CTR_STATE_CREATED = 2,    /**< created in the OCI runtime, not started */
    CTR_STATE_RUNNING = 3,    /**< its process runs */
    CTR_STATE_EXITED = 4,     /**< ran and exited; libpod's "stopped" */
    CTR_STATE_PAUSED = 5,     /**< its processes are frozen */
    CTR_STATE_STOPPING = 6,   /**< transient: a stop is in progress */
    CTR_STATE_REMOVING = 7,   /**< transient: a remove is in progress */
} ctr_state_t;

/** The state's name as podman prints it ("configured", "running", "exited"...). Static; never NULL. */
const char *ctr_state_name(ctr_state_t state);

/** Linux namespaces a container can share with another container. The numbers are ABI. */
typedef enum ctr_ns {
    CTR_NS_IPC = 1, /**< System V IPC and POSIX message queues */
    CTR_NS_MNT = 2, /**< mount table */
    CTR_NS_NET = 3, /**< network stack */
    CTR_NS_PID = 4, /**< process IDs */
    CTR_NS_USER = 5, /**< user and group IDs */
    CTR_NS_UTS = 6, /**< host and domain name */
    CTR_NS_CGROUP = 7, /**< cgroup root */
} ctr_ns_t;

/** Number of #ctr_ns_t values plus one (index 0 is unused). */
#define CTR_NS_MAX 8

/** A port forwarded from the host into the container's network namespace. */
typedef struct ctr_port_mapping {
    const char *host_ip;     /**< NULL or "" for all addresses */
    uint16_t host_port;      /**< port on the host; 0 lets the network plugin choose */
    uint16_t container_port; /**< port in the container (1-65535) */
    const char *protocol;    /**< "tcp" (NULL means tcp) or "udp" */
} ctr_port_mapping_t;

/** Flags of #ctr_container_options_t and ctr_container_flags(). */
enum {
    CTR_CREATE_READ_ONLY = 1u << 0,     /**< read-only root file system */
    CTR_CREATE_PRIVILEGED = 1u << 1,    /**< all capabilities and devices, no seccomp */
    CTR_CREATE_NO_NEW_PRIVS = 1u << 2,  /**< set no_new_privileges */
    CTR_CREATE_STDIN = 1u << 3,         /**< keep stdin open (attach can write) */
    CTR_CREATE_TERMINAL = 1u << 4,      /**< allocate a pseudo-terminal */
    CTR_CREATE_NETNS = 1u << 5,         /**< create and configure a network namespace */
    /**
     * Each of the image's `Volumes` becomes an anonymous volume mount
     * (podman's default, `--image-volume bind`), with podman's options
     * (`rprivate`, `rw`, `nodev`, `exec`, normalized: `nosuid`, `rbind`);
     * an empty volume gets the image's content at that path on its first
     * mount.  Removed with the container by #CTR_REMOVE_VOLUMES.  A mount
     * of the options with the same destination wins.  Not with
     * #CTR_CREATE_IMAGE_VOLUMES_TMPFS (-EINVAL).  Without either, the
     * image's volumes are not mounted (`--image-volume ignore`).
     */
    CTR_CREATE_IMAGE_VOLUMES = 1u << 6,
    CTR_CREATE_HOST_NETWORK = 1u << 7,  /**< share the host's network namespace */
    /**
     * Remove the container when it exits, also when no process of the caller
     * is left (podman's `--rm`, `AutoRemove`): the monitor runs libctr's
     * helper `ctr-cleanup` (installed in `LIBEXECDIR/libctr`, or found in
     * the directory named by the environment variable `LIBCTR_HELPER_DIR`).
     * A wait in another process may then find the container gone (-ENOENT).
     */
    CTR_CREATE_AUTO_REMOVE = 1u << 8,
    /**
     * Run an init process as PID 1 that reaps zombies and forwards signals
     * (podman's `--init`): @ref ctr_container_options_t::init_path, by
     * default Debian's `/usr/bin/catatonit`, bind-mounted from the host at
     * `/run/podman-init` (version 3).
     */
    CTR_CREATE_INIT = 1u << 9,
    /** Disable the OOM killer in the container's memory cgroup (`--oom-kill-disable`, version 3). */
    CTR_CREATE_OOM_KILL_DISABLE = 1u << 10,
    /**
     * With #CTR_CREATE_READ_ONLY, no tmpfs on /run, /tmp and /var/tmp
     * (podman's `--read-only-tmpfs=false`, version 3).
     */
    CTR_CREATE_NO_READ_ONLY_TMPFS = 1u << 11,
    /** @ref ctr_container_options_t::oom_score_adj is set (version 3). */
    CTR_CREATE_OOM_SCORE_ADJ = 1u << 12,
    /**
     * Each of the image's `Volumes` becomes a new tmpfs instead (podman's
     * `--image-volume tmpfs`), with podman's options `rprivate`, `rw`,
     * `nodev`, `exec`, `nosuid` and `tmpcopyup` (the image's content at
     * that path is copied in at each start); nothing outlives the
     * container.  They are kept as `"tmpfs"` mounts of the config (see
     * ctr_container_get_options()).  Not with #CTR_CREATE_IMAGE_VOLUMES
     * (-EINVAL).  (libctr 0.5)
     */
    CTR_CREATE_IMAGE_VOLUMES_TMPFS = 1u << 13,
};

/**
 * A mount of a new container (#ctr_container_options_t version 3), as
 * podman's `--mount`, `-v` and `--tmpfs` describe one.
 *
 * `type` is one of:
 *  - `"bind"`: @ref source is an existing host path (absolute);
 *  - `"volume"`: @ref source names a volume (see ctr-volume.h), made with
 *    the `local` driver when it does not exist; NULL or "" makes an
 *    anonymous volume (a generated name), removed with the container by
 *    ctr_container_remove() with #CTR_REMOVE_VOLUMES (podman's `rm -v`) or
 *    when an auto-remove container goes, kept otherwise (as podman);
 *  - `"tmpfs"`: a new tmpfs; @ref source is ignored;
 *  - `"devpts"`, `"mqueue"`, `"proc"`: a new instance of that file system,
 *    as podman allows.
 *
 * @ref destination is an absolute path in the container (cleaned: `/a//b/`
 * is `/a/b`; `/` is refused), resolved inside its root file system without
 * following a symbolic link out of it: when the container is initialized, a
 * destination whose path crosses a link that leads out of the root fails
 * with -EPERM (the message names the destination and the link).  Two mounts
 * on one destination are refused unless they are the same (then one is
 * kept).  A bind source must be a directory or a file (not a FIFO, socket or
 * device node).
 *
 * @ref options are podman's, each a string: `ro`/`rw`; the propagation
 * `private|rprivate|shared|rshared|slave|rslave`; `nosuid|suid`,
 * `nodev|dev`, `noexec|exec`; `bind` or `rbind` (bind mounts; rbind is the
 * default); `z|Z` (SELinux relabel: nothing to do without SELinux);
 * `idmap` (refused: not supported); for tmpfs `size=SIZE` (bytes, or with
 * k, m or g), `mode=OCTAL`, `tmpcopyup|notmpcopyup`; for volumes
 * `nocopy` (no copy of the image's content into an empty volume) and
 * `copy`; for devpts `uid=N`, `gid=N`, `mode=OCTAL`, `ptmxmode=OCTAL`,
 * `max=N`, `newinstance`.  They are normalized as podman does: `rw` and
 * `rprivate` unless given, `rbind` for bind mounts and volumes, `nosuid`
 * and `nodev` for volumes and tmpfs (and, for a bind mount, `nosuid`,
 * `nodev`, `noexec` when the source's own mount has them), `tmpcopyup` for
 * tmpfs; `z`, `Z` and `notmpcopyup` are dropped.  `idmap`, `U` (chown the
 * source) and `O` (an overlay) are refused with -EOPNOTSUPP.
 */
typedef struct ctr_mount {
    const char *type;                /**< see above; NULL means "bind" */
    const char *source;              /**< host path, volume name, or NULL */
    const char *destination;         /**< absolute path in the container */
    const char *const *options;      /**< NULL-terminated, or NULL */
} ctr_mount_t;

/**
 * A resource limit of the container's process (`--ulimit NAME=SOFT[:HARD]`).
 * The name is podman's: `core`, `cpu`, `data`, `fsize`, `locks`,
 * `memlock`, `msgqueue`, `nice`, `nofile`, `nproc`, `rss`, `rtprio`,
 * `rttime`, `sigpending`, `stack` (or the `RLIMIT_` names); -1 is
 * unlimited.  A value the kernel refuses (above the caller's hard limit)
 * makes the container's start fail with an error naming the limit.
 */
typedef struct ctr_ulimit {
    const char *name;   /**< `nofile` or `RLIMIT_NOFILE` and the like (-EINVAL at create for another) */
    int64_t soft;       /**< the soft limit, -1 for unlimited; no more than @ref hard */
    int64_t hard;       /**< the hard limit, -1 for unlimited */
} ctr_ulimit_t;

/** A rate on a block device (`--device-read-bps PATH:RATE` and the like). */
typedef struct ctr_throttle_device {
    const char *path;   /**< a block device node on the host, e.g. /dev/vda */
    uint64_t rate;      /**< bytes or operations per second, > 0 */
} ctr_throttle_device_t;

/** A block device weight (`--blkio-weight-device PATH:WEIGHT`). */
typedef struct ctr_weight_device {
    const char *path;   /**< a block device node on the host */
    uint16_t weight;    /**< 10-1000 */
} ctr_weight_device_t;

/** Current version of #ctr_container_options_t. */
#define CTR_CONTAINER_OPTIONS_VERSION 4

/**
 * What a new container is made of.  Start from #CTR_CONTAINER_OPTIONS_INIT
 * or ctr_container_options_init().  NULL means "not set"; string arrays are
 * NULL-terminated.  Everything is copied.
 */
typedef struct ctr_container_options {
    /** Must be #CTR_CONTAINER_OPTIONS_VERSION (older versions are accepted). */
    unsigned int version;
    /** `[a-zA-Z0-9][a-zA-Z0-9_.-]*`, at most 253 characters; NULL to generate one. */
    const char *name;
    /** An OCI runtime spec as JSON, used as the base of the generated spec; NULL for the defaults. */
    const char *spec_json;
    /** A root file system directory (absolute path). */
    const char *rootfs;
    /** An image reference (name or ID), as an alternative to @ref rootfs. */
    const char *image;
    /** The command (argv). NULL: the image's entrypoint and cmd, or `/bin/sh`. */
    const char *const *command;
    /** Environment as `KEY=VALUE` strings. */
    const char *const *env;
    /** Working directory in the container. */
    const char *workdir;
    /** User as `name`, `uid`, `name:group` or `uid:gid`, resolved in the rootfs. */
    const char *user;
    /** Host name inside the container; default: the first 12 characters of the ID. */
    const char *hostname;
    /** Full ID of the pod the container belongs to. */
    const char *pod;
    /** `CTR_CREATE_*` flags. */
    uint64_t flags;
    /** Size of /dev/shm in bytes; 0 means 64 MiB. */
    int64_t shm_size;
    /** Containers (ID, ID prefix or name) whose namespaces to join, indexed by #ctr_ns_t. */
    const char *ns_ctr[CTR_NS_MAX];
    /** Port mappings (with #CTR_CREATE_NETNS), an array of @ref n_port_mappings. */
    const ctr_port_mapping_t *port_mappings;
    /** Number of entries in @ref port_mappings. */
    size_t n_port_mappings;
    /** DNS servers overriding the host's. */
    const char *const *dns_servers;
    /** DNS search domains overriding the host's. */
    const char *const *dns_search;
    /** Resolver options (`ndots:2`...) overriding the host's. */
    const char *const *dns_options;
    /** Extra `/etc/hosts` entries as `HOST:IP`. */
    const char *const *hosts_add;
    /** Labels as `KEY=VALUE` strings; keys must be unique and non-empty. */
    const char *const *labels;
    /** Stop signal number; 0 means SIGTERM. */
    int stop_signal;
    /** Seconds to wait after the stop signal before SIGKILL; negative means 10. */
    int stop_timeout;
    /** cgroup parent (cgroupfs path); NULL means `/libctr_parent`. */
    const char *cgroup_parent;
    /** Log file path; NULL means `ctr.log` in the container's static directory. */
    const char *log_path;
    /** SELinux process label; NULL to let libctr choose (no-op without SELinux). */
    const char *process_label;
    /** SELinux mount label; NULL to let libctr choose (no-op without SELinux). */
    const char *mount_label;
    /** Networks to attach (with #CTR_CREATE_NETNS); NULL: the default network. */
    const char *const *networks;
    /** An existing network namespace to join (a path such as /run/netns/NAME). */
    const char *netns_path;

    /* Version 2 (libctr 0.3). */
    /**
     * Largest size of the container's log in bytes (podman's `log_size_max`,
     * `--log-opt max-size`): when a write would take the log past it, the
     * monitor truncates the log and goes on, so what is kept is the newest
     * output.  0: the runtime's default (ctr_runtime_options_t::log_size_max);
     * negative: no limit.
     */
    int64_t log_size_max;

    /* Version 3 (libctr 0.4): podman run's configuration.  Zero, NULL and
     * an empty list mean "not set" (podman's default) unless said
     * otherwise.  Sizes are in bytes, times in nanoseconds. */

    /** Mounts, an array of @ref n_mounts (`-v`, `--mount`, `--tmpfs`). */
    const ctr_mount_t *mounts;
    /** Number of entries in @ref mounts. */
    size_t n_mounts;

    /** Memory limit (`--memory`). */
    int64_t memory;
    /**
     * Memory plus swap (`--memory-swap`): 0 is twice @ref memory (podman),
     * -1 unlimited.  Needs @ref memory, and is no less than it (-EINVAL).
     */
    int64_t memory_swap;
    /** Soft memory limit (`--memory-reservation`), no more than @ref memory when both are set. */
    int64_t memory_reservation;
    /**
     * CPUs in billionths (`--cpus 0.5` is 500000000): a quota over the
     * period of 100 ms (50000 of 100000 us); not with @ref cpu_quota or
     * @ref cpu_period (-EINVAL, as podman).
     */
    int64_t nano_cpus;
    /** Relative CPU weight (`--cpu-shares`), 2-262144. */
    uint64_t cpu_shares;
    /** CFS period in microseconds (`--cpu-period`), 1000-1000000. */
    uint64_t cpu_period;
    /** CFS quota in microseconds (`--cpu-quota`), >= 1000. */
    int64_t cpu_quota;
    /** CPUs allowed (`--cpuset-cpus 0-2,4`). */
    const char *cpuset_cpus;
    /** Memory nodes allowed (`--cpuset-mems`). */
    const char *cpuset_mems;
    /** Largest number of processes (`--pids-limit`): 0 is podman's default 2048, -1 unlimited. */
    int64_t pids_limit;
    /**
     * Block I/O weight 10-1000 (`--blkio-weight`); 0: not set.  As podman,
     * left out of the spec when the host's blkio controller has no weight.
     */
    uint16_t blkio_weight;
    /** Per-device weights, an array of @ref n_blkio_weight_devices. */
    const ctr_weight_device_t *blkio_weight_devices;
    /** Number of entries in @ref blkio_weight_devices. */
    size_t n_blkio_weight_devices;
    /**
     * Read rate limits in bytes per second (`--device-read-bps`), an array
     * of @ref n_device_read_bps.  The paths of these and of the weight
     * devices are looked up at create (a missing one: -ENOENT) and again
     * when the spec is made.
     */
    const ctr_throttle_device_t *device_read_bps;
    /** Number of entries in @ref device_read_bps. */
    size_t n_device_read_bps;
    /** Write rate limits in bytes per second (`--device-write-bps`). */
    const ctr_throttle_device_t *device_write_bps;
    /** Number of entries in @ref device_write_bps. */
    size_t n_device_write_bps;
    /** Read rate limits in operations per second (`--device-read-iops`). */
    const ctr_throttle_device_t *device_read_iops;
    /** Number of entries in @ref device_read_iops. */
    size_t n_device_read_iops;
    /** Write rate limits in operations per second (`--device-write-iops`). */
    const ctr_throttle_device_t *device_write_iops;
    /** Number of entries in @ref device_write_iops. */
    size_t n_device_write_iops;
    /** OOM score adjustment -1000..1000 (`--oom-score-adj`), with #CTR_CREATE_OOM_SCORE_ADJ. */
    int oom_score_adj;
    /**
     * Resource limits (`--ulimit`), an array of @ref n_ulimits; they
     * replace podman's defaults of the same name (a later entry of a name
     * wins) and, unlike the defaults, are not clamped: a hard limit above
     * the caller's, without CAP_SYS_RESOURCE, makes the start fail with
     * -EPERM naming the limit.
     */
    const ctr_ulimit_t *ulimits;
    /** Number of entries in @ref ulimits. */
    size_t n_ulimits;

    /** Capabilities to add (`--cap-add`): `CAP_NET_ADMIN`, `NET_ADMIN` or `ALL`. */
    const char *const *cap_add;
    /** Capabilities to drop (`--cap-drop`), `ALL` for every one; applied after @ref cap_add unless ALL. */
    const char *const *cap_drop;
    /** seccomp: a profile file (podman's JSON format, read at create) or `unconfined`; NULL: the default profile. */
    const char *seccomp_profile;
    /** AppArmor profile name or `unconfined`; applied only where AppArmor is enabled. */
    const char *apparmor_profile;
    /** More paths to mask (`--security-opt mask=/a:/b`, one path per entry). */
    const char *const *mask_paths;
    /** Default masked or read-only paths to leave alone (`--security-opt unmask=`), or `ALL`. */
    const char *const *unmask_paths;
    /** More groups for the process (`--group-add`): names resolved in the rootfs, or numbers. */
    const char *const *group_add;
    /** Namespaced sysctls as `KEY=VALUE` (`--sysctl`), checked as podman checks them (no `net.*` with #CTR_CREATE_HOST_NETWORK); podman's `net.ipv4.ping_group_range=0 0` is added in a network namespace of the container's own. */
    const char *const *sysctls;
    /**
     * Host devices `HOST[:CONTAINER][:PERMISSIONS]` (`--device
     * /dev/fuse:/dev/fuse:rwm`), each made in the container with the host
     * node's numbers, mode and owner, and allowed in its device cgroup.
     * A directory gives every device node below it (podman).  Looked up at
     * create (a missing one: -ENOENT, nothing made) and when the spec is made.
     */
    const char *const *devices;
    /** Device cgroup rules `TYPE MAJOR:MINOR ACCESS` (`--device-cgroup-rule 'c 1:3 rwm'`). */
    const char *const *device_cgroup_rules;

    /**
     * The entrypoint (`--entrypoint`): replaces the image's, and the
     * image's cmd is then not used (podman's rules): the process runs the
     * entrypoint followed by @ref command.  An empty list (`{ NULL }`) or
     * `{ "", NULL }` clears the image's entrypoint; a command is then
     * required.  NULL: the image's entrypoint, and the image's cmd when
     * @ref command is empty.
     */
    const char *const *entrypoint;
    /** The init program with #CTR_CREATE_INIT (`--init-path`); NULL: `/usr/bin/catatonit`. */
    const char *init_path;
    /** umask in octal as a string (`--umask 0077`); NULL: 0022. */
    const char *umask;
    /** Time zone (`--tz`): `local` (the host's /etc/localtime) or a name under /usr/share/zoneinfo such as `Europe/Paris`, bound read-only at /etc/localtime. */
    const char *timezone;
    /** OCI annotations as `KEY=VALUE` (`--annotation`). */
    const char *const *annotations;
    /** NIS domain name in the container's UTS namespace (`--domainname`). */
    const char *domainname;

    /** Restart policy (`--restart`): `no`, `always`, `on-failure`, `unless-stopped`; NULL: `no`. */
    const char *restart_policy;
    /** Most restarts with `on-failure` (`--restart on-failure:N`); 0: no limit. */
    unsigned int restart_retries;
    /**
     * Healthcheck test as podman stores it: `{"CMD-SHELL", "curl -f x",
     * NULL}`, `{"CMD", "/bin/check", "arg", NULL}` or `{"NONE", NULL}`
     * (`--health-cmd`, `--no-healthcheck`); NULL: the image's.
     */
    const char *const *health_cmd;
    /** Time between checks (`--health-interval`); 0: 30 s. */
    int64_t health_interval;
    /** Time a check may take (`--health-timeout`); 0: 30 s. */
    int64_t health_timeout;
    /** Time after the start during which failures do not count (`--health-start-period`). */
    int64_t health_start_period;
    /** Failures in a row that make the container unhealthy (`--health-retries`); 0: 3. */
    unsigned int health_retries;
    /** The command line that made the container, kept for inspect's `Config.CreateCommand` (podman's). */
    const char *const *create_command;

    /* Version 4. */
    /**
     * What to do when the container turns unhealthy (`--health-on-failure`):
     * `none`, `kill`, `restart` (stop with its stop timeout, then start) or
     * `stop`; NULL: `none`.  Taken by ctr_container_healthcheck_run().
     */
    const char *health_on_failure;
} ctr_container_options_t;

/** Static initializer for #ctr_container_options_t. */
#define CTR_CONTAINER_OPTIONS_INIT { .version = CTR_CONTAINER_OPTIONS_VERSION, .stop_timeout = -1 }

/**
 * Initialize @p opts to the defaults for @p version.
 * @return 0, or -EINVAL for NULL or an unknown version.
 */
int ctr_container_options_init(ctr_container_options_t *opts, unsigned int version);

/**
 * Create a container in state #CTR_STATE_CONFIGURED.  Nothing runs yet.
 *
 * The ID is 64 random lowercase hex digits.  The name is checked and reserved
 * atomically; containers named in `ns_ctr` must exist and are recorded by full
 * ID.  On failure nothing is left on disk.
 *
 * @param ret receives the new handle; release with ctr_container_unref().
 * @return 0; -EINVAL (NULL argument, bad version, invalid name, malformed or
 *         non-object spec JSON, bad label, port mapping or flag, a
 *         namespace container equal to itself, a bad mount: its type,
 *         destination, source, an unknown or contradicting option, a
 *         destination given twice; an unknown capability, a sysctl podman
 *         refuses, a malformed seccomp profile, umask, restart policy,
 *         healthcheck or annotation, "keep-groups", an entrypoint cleared
 *         with no command); -EEXIST (name taken); -ENOENT (a namespace
 *         container, a bind mount's source, the seccomp profile file, the
 *         time zone or the init program does not exist); -EOPNOTSUPP (the
 *         mount options `idmap`, `U`, `O`); -EFBIG (a seccomp profile over
 *         4 MiB); an errno from the state backend.
 */
int ctr_container_create(ctr_container_t **ret, ctr_runtime_t *rt, const ctr_container_options_t *opts);

/** Take a reference. Returns @p c; NULL allowed. */
ctr_container_t *ctr_container_ref(ctr_container_t *c);
/** Drop a reference. Returns NULL; NULL allowed. */
ctr_container_t *ctr_container_unref(ctr_container_t *c);
CTR_DEFINE_CLEANUP(ctr_container_t, ctr_container_unref)

/** The runtime the container belongs to (lent; the handle holds a reference). */
ctr_runtime_t *ctr_container_runtime(const ctr_container_t *c);

/* ---- Config getters: the config never changes, so these take no lock and set no error detail. ---- */
/** The full 64-hex-digit ID. The string is lent: it stays valid as long as @p c and needs no freeing. NULL when unset or when @p c is NULL. */
const char *ctr_container_id(const ctr_container_t *c);
/** The name. The string is lent: it stays valid as long as @p c and needs no freeing. NULL when unset or when @p c is NULL. */
const char *ctr_container_name(const ctr_container_t *c);
/** The ID of the pod the container belongs to. The string is lent: it stays valid as long as @p c and needs no freeing. NULL when unset or when @p c is NULL. */
const char *ctr_container_pod(const ctr_container_t *c);
/** The root file system directory given at create. The string is lent: it stays valid as long as @p c and needs no freeing. NULL when unset or when @p c is NULL. */
const char *ctr_container_rootfs(const ctr_container_t *c);
/** The ID of the image the container was made from. The string is lent: it stays valid as long as @p c and needs no freeing. NULL when unset or when @p c is NULL. */
const char *ctr_container_image_id(const ctr_container_t *c);
/** The image reference the container was made from, as given. The string is lent: it stays valid as long as @p c and needs no freeing. NULL when unset or when @p c is NULL. */
const char *ctr_container_image_name(const ctr_container_t *c);
/** The user the process runs as, as configured (`name`, `uid`, `uid:gid`...). The string is lent: it stays valid as long as @p c and needs no freeing. NULL when unset or when @p c is NULL. */
const char *ctr_container_user(const ctr_container_t *c);
/** The working directory of the process, as configured. The string is lent: it stays valid as long as @p c and needs no freeing. NULL when unset or when @p c is NULL. */
const char *ctr_container_workdir(const ctr_container_t *c);
/** The host name, as configured (the default, the first 12 ID digits, is not returned). The string is lent: it stays valid as long as @p c and needs no freeing. NULL when unset or when @p c is NULL. */
const char *ctr_container_hostname(const ctr_container_t *c);
/** The static directory (persistent: artifacts, OCI bundle, log). The string is lent: it stays valid as long as @p c and needs no freeing. NULL when unset or when @p c is NULL. */
const char *ctr_container_static_dir(const ctr_container_t *c);
/** The source of the /dev/shm mount, in the run root. The string is lent: it stays valid as long as @p c and needs no freeing. NULL when unset or when @p c is NULL. */
const char *ctr_container_shm_dir(const ctr_container_t *c);
/** The k8s-file log path. The string is lent: it stays valid as long as @p c and needs no freeing. NULL when unset or when @p c is NULL. */
const char *ctr_container_log_path(const ctr_container_t *c);
/** The cgroup parent (cgroupfs path). The string is lent: it stays valid as long as @p c and needs no freeing. NULL when unset or when @p c is NULL. */
const char *ctr_container_cgroup_parent(const ctr_container_t *c);
/** The SELinux process label. The string is lent: it stays valid as long as @p c and needs no freeing. NULL when unset or when @p c is NULL. */
const char *ctr_container_process_label(const ctr_container_t *c);
/** The SELinux mount label. The string is lent: it stays valid as long as @p c and needs no freeing. NULL when unset or when @p c is NULL. */
const char *ctr_container_mount_label(const ctr_container_t *c);
/** Creation time, nanoseconds since the epoch; 0 when @p c is NULL. */
int64_t ctr_container_created(const ctr_container_t *c);
/** The `CTR_CREATE_*` flags; 0 when @p c is NULL. */
uint64_t ctr_container_flags(const ctr_container_t *c);
/** The size of /dev/shm in bytes; 0 when @p c is NULL. */
int64_t ctr_container_shm_size(const ctr_container_t *c);
/** The stop signal number (never 0 for a valid handle; 0 when @p c is NULL). */
int ctr_container_stop_signal(const ctr_container_t *c);
/** The stop timeout in seconds; 0 when @p c is NULL. */
unsigned int ctr_container_stop_timeout(const ctr_container_t *c);
/** The full ID of the container whose namespace @p ns is joined, or NULL (also for an invalid @p ns). Lent, valid as long as @p c. */
const char *ctr_container_ns_ctr(const ctr_container_t *c, ctr_ns_t ns);
/** The network namespace path given at create (not one libctr made). The string is lent: it stays valid as long as @p c and needs no freeing. NULL when unset or when @p c is NULL. */
const char *ctr_container_netns_path(const ctr_container_t *c);
/** The command: the caller's, else the image's `Cmd` (unless an entrypoint was given: podman's rules, see ctr_container_options_t::entrypoint); the process runs ctr_container_entrypoint() followed by it. The array and its strings are lent (valid as long as @p c); never NULL: an empty array when unset or when @p c is NULL. */
const char *const *ctr_container_command(const ctr_container_t *c);
/** The entrypoint: the caller's (ctr_container_options_t::entrypoint), else the image's; `{ "" }` when cleared. The array and its strings are lent (valid as long as @p c); never NULL: an empty array when unset or when @p c is NULL (since 0.4). */
const char *const *ctr_container_entrypoint(const ctr_container_t *c);
/** The environment as `KEY=VALUE` strings. The array and its strings are lent (valid as long as @p c); never NULL: an empty array when unset or when @p c is NULL. */
const char *const *ctr_container_env(const ctr_container_t *c);
/** DNS servers overriding the host's. The array and its strings are lent (valid as long as @p c); never NULL: an empty array when unset or when @p c is NULL. */
const char *const *ctr_container_dns_servers(const ctr_container_t *c);
/** DNS search domains overriding the host's. The array and its strings are lent (valid as long as @p c); never NULL: an empty array when unset or when @p c is NULL. */
const char *const *ctr_container_dns_search(const ctr_container_t *c);
/** Resolver options overriding the host's. The array and its strings are lent (valid as long as @p c); never NULL: an empty array when unset or when @p c is NULL. */
const char *const *ctr_container_dns_options(const ctr_container_t *c);
/** Extra `/etc/hosts` entries as `HOST:IP`. The array and its strings are lent (valid as long as @p c); never NULL: an empty array when unset or when @p c is NULL. */
const char *const *ctr_container_hosts_add(const ctr_container_t *c);
/** The destinations of the container's mounts (ctr_container_options_t::mounts), in order. The array and its strings are lent (valid as long as @p c); never NULL: an empty array when unset or when @p c is NULL. */
const char *const *ctr_container_mounts(const ctr_container_t *c);
/** Networks the container is attached to (with #CTR_CREATE_NETNS). The array and its strings are lent (valid as long as @p c); never NULL: an empty array when unset or when @p c is NULL. */
const char *const *ctr_container_networks(const ctr_container_t *c);
/** Volumes (container paths) from the image, created as anonymous directories. The array and its strings are lent (valid as long as @p c); never NULL: an empty array when unset or when @p c is NULL. */
const char *const *ctr_container_volumes(const ctr_container_t *c);
/** Ports the image exposes, as `PORT/PROTO`. The array and its strings are lent (valid as long as @p c); never NULL: an empty array when unset or when @p c is NULL. */
const char *const *ctr_container_exposed_ports(const ctr_container_t *c);
/** Port mappings: returns their count and lends the array through @p ret. */
size_t ctr_container_port_mappings(const ctr_container_t *c, const ctr_port_mapping_t **ret);

/** A label's value, lent, or NULL when the label is not set. */
const char *ctr_container_label(const ctr_container_t *c, const char *key);
/**
 * All labels as `KEY=VALUE` strings, sorted by key.
 * @param ret receives a NULL-terminated array; free with ctr_strv_free().
 * @return 0, -EINVAL, -ENOMEM.
 */
int ctr_container_labels(const ctr_container_t *c, char ***ret);

/**
 * The container's config as JSON (every field, with the spec).
 * @param ret receives a string; free with ctr_free().
 * @return 0, -EINVAL, -ENOMEM.
 */
int ctr_container_config_json(const ctr_container_t *c, char **ret);

/**
 * The container's whole configuration, as the options a caller would pass
 * to ctr_container_create() to make an equal container: every member of
 * the current version (#CTR_CONTAINER_OPTIONS_VERSION) holds what the
 * config stores, defaults as stored (`shm_size` 64 MiB, `stop_signal`
 * SIGTERM, `stop_timeout` 10, `cgroup_parent`, the default network named
 * in `networks`...).  The exceptions, each so that a create from the
 * result makes the same config again:
 *  - `image` is the reference as given at create (or the image's ID when
 *    it was made from one);
 *  - `log_path` is NULL when it is the default (`ctr.log` in the static
 *    directory), `log_size_max` -1 when the log has no limit;
 *  - `command` is the stored one (the image's `Cmd` when none was given),
 *    `entrypoint` NULL unless one was given (the image's is then used
 *    again; ctr_container_entrypoint() shows it);
 *  - `mounts` hold the normalized options (ctr_mount_t), with no source
 *    for an anonymous volume (a create names a new one); the image's
 *    volumes made at create (#CTR_CREATE_IMAGE_VOLUMES,
 *    #CTR_CREATE_IMAGE_VOLUMES_TMPFS) are among them;
 *  - `seccomp_profile` is the profile file's path (a create reads it
 *    again) or `unconfined`; capabilities are `CAP_*` names, ulimits
 *    `RLIMIT_*` names, the umask four octal digits;
 *  - the healthcheck is the stored one (the image's too).
 * An empty list is NULL, except a cleared entrypoint (`{ NULL }`).
 * Change what you like (a new `name`: the name is taken) and pass it to
 * ctr_container_create().
 *
 * @param ret receives the options and everything they point to, in one
 *        allocation owned by the caller; free with
 *        ctr_container_options_free() (not ctr_free(), and not its
 *        members one by one).  Untouched on failure.
 * @return 0; -EINVAL (NULL argument); -EUCLEAN (the container's config is
 *         damaged: see ctr_container_damage()); -ENOMEM.
 * (libctr 0.5)
 */
int ctr_container_get_options(const ctr_container_t *c, ctr_container_options_t **ret);

/**
 * Free options returned by ctr_container_get_options(), with every string
 * and array they point to.  NULL allowed.  Only for such options, once:
 * passing a struct of the caller's own, or freeing twice, is undefined (a
 * guard word before the struct makes it likely that such a call does
 * nothing).  The caller may have changed members (pointing elsewhere): the
 * memory the call handed out is freed all the same, the caller's is not.
 * (libctr 0.5)
 */
void ctr_container_options_free(ctr_container_options_t *o);

/**
 * The OCI runtime spec given at create, as JSON, or "{}" when none was given.
 * @param ret receives a string; free with ctr_free().
 * @return 0, -EINVAL, -ENOMEM.
 */
int ctr_container_spec_json(const ctr_container_t *c, char **ret);

/**
 * Containers this one depends on (whose namespaces it joins), as full IDs,
 * each once, in #ctr_ns_t order.
 * @param ret receives a NULL-terminated array (possibly empty); free with ctr_strv_free().
 * @return 0, -EINVAL, -ENOMEM.
 */
int ctr_container_dependencies(const ctr_container_t *c, char ***ret);

/* ---- State: each call syncs with the stored state under the container's lock. ---- */

/**
 * Re-read the container's state.  Outside a batch every state getter does
 * this itself; inside ctr_container_batch() it is the way to see changes.
 * @return 0; -EINVAL; -ENOENT if the container was removed (the handle is then invalid).
 */
int ctr_container_sync(ctr_container_t *c);

/** Current state. @return 0, -EINVAL, -ENOENT (removed). */
int ctr_container_state(ctr_container_t *c, ctr_state_t *ret);

/**
 * Why the container's record could not be read, or NULL when it was read.
 *
 * A record whose config or state does not parse, or whose state names
 * paths that are not the container's, does not stop the listing, lookup or
 * removal of the others: the container is shown with the state
 * #CTR_STATE_UNKNOWN and this reason.  Its state getters, inspect and
 * removal work (a remove tears down what the container may have by its ID;
 * #CTR_REMOVE_FORCE is needed while the OCI runtime still has it); every
 * other operation fails with -EUCLEAN.  The string is owned by the handle
 * (do not free it), valid until the next call on it (the state getters
 * re-read the record).
 * (libctr 0.3)
 */
const char *ctr_container_damage(const ctr_container_t *c);
/** PID of the container's first process, 0 when not running. @return as ctr_container_state(). */
int ctr_container_pid(ctr_container_t *c, pid_t *ret);
/** Exit code of the last run (128+signal when killed, -1 unknown). @return as ctr_container_state(). */
int ctr_container_exit_code(ctr_container_t *c, int *ret);
/** Non-zero when the last run was killed by the OOM killer. @return as ctr_container_state(). */
int ctr_container_oom_killed(ctr_container_t *c, int *ret);
/** Start time of the last run, ns since the epoch, 0 if none. @return as ctr_container_state(). */
int ctr_container_started_at(ctr_container_t *c, int64_t *ret);
/** Finish time of the last run, ns since the epoch, 0 if none. @return as ctr_container_state(). */
int ctr_container_finished_at(ctr_container_t *c, int64_t *ret);
/**
 * Whether the rootfs is mounted, and where.
 * @param ret_mounted receives 0 or 1.
 * @param ret_path    receives the mount point or NULL (may itself be NULL); free with ctr_free().
 * @return 0; -EINVAL; -ENOENT (removed); -ENOMEM.
 */
int ctr_container_mounted(ctr_container_t *c, int *ret_mounted, char **ret_path);

/**
 * The state as JSON (the stored document, after a sync).
 * @param ret receives a string; free with ctr_free().
 * @return 0; -EINVAL; -ENOENT (removed); -ENOMEM.
 */
int ctr_container_state_json(ctr_container_t *c, char **ret);

/**
 * Path of one of the container's namespaces, `/proc/PID/ns/NAME`.
 * @param ret receives the path; free with ctr_free().
 * @return 0; -EINVAL (NULL, unknown @p ns); -EBUSY (not running or paused);
 *         -ENOENT (removed).
 */
int ctr_container_namespace_path(ctr_container_t *c, ctr_ns_t ns, char **ret);

/* ---- Artifacts: named blobs in the container's static directory. ---- */

/**
 * Store @p data under @p name, replacing any previous artifact atomically.
 * @p name may not be empty, ".", "..", contain '/' or be over 255 bytes.
 * @return 0; -EINVAL (bad name, NULL data with non-zero size); -ENOENT (removed); an I/O errno.
 */
int ctr_container_artifact_add(ctr_container_t *c, const char *name, const void *data, size_t size);
/**
 * Read an artifact.
 * @param ret      receives a malloc'ed buffer (NUL-terminated for convenience); free with ctr_free().
 * @param ret_size receives its size (may be NULL).
 * @return 0; -EINVAL (bad name); -ENOENT (no such artifact, or container removed).
 */
int ctr_container_artifact_get(ctr_container_t *c, const char *name, void **ret, size_t *ret_size);
/** Remove an artifact. @return 0; -EINVAL; -ENOENT. */
int ctr_container_artifact_remove(ctr_container_t *c, const char *name);

/* ---- Batch and remove ---- */

/** Batch callback; a negative return aborts the batch and is returned by ctr_container_batch(). */
typedef int (*ctr_batch_fn)(ctr_container_t *c, void *userdata);

/**
 * Run @p fn with the container's lock held and its state synced once.
 * Calls on @p c from inside @p fn (on this thread) do not relock or resync;
 * use ctr_container_sync() to re-read.  The state is saved once at the end
 * when @p fn changed it.  Nested batches on the same handle are allowed and
 * run inline.  Removing the container inside its own batch is refused.
 *
 * @return @p fn's return value when negative, else 0; -EINVAL; -ENOENT (removed).
 */
int ctr_container_batch(ctr_container_t *c, ctr_batch_fn fn, void *userdata);

/**
 * Remove the container: its state, name, static and run directories, lock
 * file.  The handle stays valid for config getters; state calls on it then
 * return -ENOENT.
 *
 * @param flags #CTR_REMOVE_FORCE stops it first and removes dependents too.
 * @return 0; -EINVAL; -ENOENT (already removed); -EBUSY (created, running,
 *         paused or stopping without force, or other containers depend on it: the message names
 *         how many); -EDEADLK (inside its own batch).
 */
int ctr_container_remove(ctr_container_t *c, uint64_t flags);

/**
 * Give the container a new name (libctr 0.6), in any state but removing
 * (created, running and stopped containers alike, as `podman rename`).  The
 * config, the state and the name index change in one atomic step of the
 * state backend: after a crash the container has either name, never both or
 * none.  The old name is free afterwards; the container keeps its ID.
 * Other handles of the container see the new name at their next lock (any
 * state call, ctr_container_sync()); what ctr_container_name() lent before
 * stays valid for the handle's life.  Renaming to the current name does
 * nothing.
 *
 * @param new_name `[a-zA-Z0-9][a-zA-Z0-9_.-]*`, at most 253 characters, not
 *        64 hexadecimal characters (that would shadow an ID).
 * @return 0; -EINVAL (NULL, an invalid name: the message says podman's
 *         rule); -EEXIST (another container has the name); -ENOENT
 *         (removed); -EBUSY (removing); -EUCLEAN (a damaged record);
 *         -EDEADLK (inside its own batch); the state backend's error.
 */
int ctr_container_rename(ctr_container_t *c, const char *new_name);

/** Which resource members of the options ctr_container_update() applies (libctr 0.6). */
enum {
    CTR_UPDATE_MEMORY = 1u << 0,             /**< ctr_container_options_t::memory (`--memory`) */
    CTR_UPDATE_MEMORY_SWAP = 1u << 1,        /**< memory_swap (`--memory-swap`) */
    CTR_UPDATE_MEMORY_RESERVATION = 1u << 2, /**< memory_reservation (`--memory-reservation`) */
    CTR_UPDATE_CPUS = 1u << 3,               /**< nano_cpus (`--cpus`); clears the quota and period */
    CTR_UPDATE_CPU_SHARES = 1u << 4,         /**< cpu_shares (`--cpu-shares`) */
    CTR_UPDATE_CPU_PERIOD = 1u << 5,         /**< cpu_period (`--cpu-period`); clears nano_cpus */
    CTR_UPDATE_CPU_QUOTA = 1u << 6,          /**< cpu_quota (`--cpu-quota`); clears nano_cpus */
    CTR_UPDATE_CPUSET_CPUS = 1u << 7,        /**< cpuset_cpus (`--cpuset-cpus`) */
    CTR_UPDATE_CPUSET_MEMS = 1u << 8,        /**< cpuset_mems (`--cpuset-mems`) */
    CTR_UPDATE_PIDS_LIMIT = 1u << 9,         /**< pids_limit (`--pids-limit`) */
    CTR_UPDATE_BLKIO_WEIGHT = 1u << 10,      /**< blkio_weight (`--blkio-weight`) */
};

/**
 * Change the resource limits of a container (libctr 0.6), as `podman
 * update`: the members of @p resources that @p fields names (`CTR_UPDATE_*`;
 * the others are ignored) replace the container's, checked as
 * ctr_container_create() checks them.  A created, running or paused
 * container gets them at once through the OCI runtime's update (`runc
 * update --resources`, its cgroup v1 or v2 files); for every state but
 * removing they are also stored in the container's config (its revision
 * moves on: other handles read it at their next lock), so that inspect's
 * HostConfig shows them and the next start applies them.  Unlike podman 4.3,
 * which refuses under cgroup v1, this works with either hierarchy.  When
 * the runtime refuses, nothing is stored; when storing fails after the
 * runtime applied them, the old limits are applied again.
 *
 * @param resources an options struct (#CTR_CONTAINER_OPTIONS_INIT) carrying
 *        the new values; copied, not kept.
 * @return 0; -EINVAL (NULL, an unknown bit in @p fields, no bit, a value
 *         out of range: the message says which, in create's words);
 *         -ENOENT (removed); -EBUSY (stopping or removing); -EUCLEAN (a
 *         damaged record); -EDEADLK (inside its own batch); -EOPNOTSUPP (an OCI backend without update);
 *         -EIO (the OCI runtime refused: its message); the state backend's
 *         error.
 */
int ctr_container_update(ctr_container_t *c, const ctr_container_options_t *resources, uint64_t fields);

#ifdef __cplusplus
}
#endif

#endif
