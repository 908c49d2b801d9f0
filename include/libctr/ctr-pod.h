/* SPDX-License-Identifier: LGPL-2.1-or-later */
/**
 * @file ctr-pod.h
 * @brief Pods: containers that share namespaces and a cgroup, around an infra container.
 *
 * A pod groups containers as podman's do.  Its *infra container* holds the
 * namespaces the members share (by default IPC, network and UTS, as podman:
 * a member reaches another's server on 127.0.0.1, and they have one host
 * name, but each has its own PIDs) and the pod's network settings: its
 * networks, published ports, host name, DNS and /etc/hosts entries.  The
 * infra container runs `catatonit -P` from a minimal image that libctr
 * makes on first use (`localhost/libctr-infra:latest`, a single layer
 * holding the host's statically linked `/usr/bin/catatonit`: no registry
 * is needed); it shows in container lists, with `IsInfra` true in its
 * inspect document, as podman's does, and is removed only with its pod.
 *
 * A member is made with ctr_container_create() and
 * ctr_container_options_t::pod set to the pod (ID, ID prefix or name): it
 * joins the infra container's shared namespaces and goes in the pod's cgroup
 * (`CGROUP_PARENT/POD_ID`, by default `/libctr_parent/POD_ID`).  A member
 * cannot publish ports, attach networks or have a network namespace of its
 * own when the pod shares the network (-EINVAL, as podman: the pod's ports
 * are set on the pod).
 *
 * Names are unique across pods and containers, as in podman (a pod cannot be
 * named as a container is, nor a container as a pod).
 *
 * Operations on a pod act on the infra container and every member: start
 * starts the infra container first, then the members (each after the
 * containers whose namespaces it joins); stop, kill, pause and unpause act
 * on the members first, then on the infra container.  Such an operation goes
 * on past a member that fails, and fails with the first error, whose message
 * names every failing member and its error (podman's per-container error
 * map); the members that did not fail are left as the operation made them.
 *
 * Records.  A pod's record is kept by the runtime's state backend (an object
 * record of kind `pod`, keyed by the pod's ID; a backend of version 3 or
 * later, as the built-in ones; with an older one every call here fails with
 * -EOPNOTSUPP).  Locks: the runtime's lock, then the pod's, then a
 * container's, never the other way round.
 *
 * Threads and processes: calls are safe concurrently; create and remove
 * serialize on the runtime's lock, the operations on the pod's.
 */
#ifndef LIBCTR_CTR_POD_H
#define LIBCTR_CTR_POD_H

#include <libctr/ctr-common.h>
#include <libctr/ctr-container.h>
#include <libctr/ctr-lifecycle.h>

#ifdef __cplusplus
extern "C" {
#endif

/** A pod, as its record showed when the handle was made (reference counted). */
typedef struct ctr_pod ctr_pod_t;

/** The namespaces a pod's members share (#ctr_pod_options_t::share). */
enum {
    CTR_POD_SHARE_IPC = 1u << 0,    /**< System V IPC and POSIX message queues */
    CTR_POD_SHARE_NET = 1u << 1,    /**< the network stack (and the pod's ports and networks) */
    CTR_POD_SHARE_UTS = 1u << 2,    /**< the host name */
    CTR_POD_SHARE_PID = 1u << 3,    /**< process IDs (catatonit is PID 1 of all members) */
    CTR_POD_SHARE_CGROUP = 1u << 4, /**< the cgroup namespace */
    /** Share nothing (podman's `--share ""`): the pod is then only a group and a cgroup. */
    CTR_POD_SHARE_NONE = 1u << 30,
};

/** What podman shares by default: `ipc,net,uts`. */
#define CTR_POD_SHARE_DEFAULT (CTR_POD_SHARE_IPC | CTR_POD_SHARE_NET | CTR_POD_SHARE_UTS)

/** What a pod does when its last member exits (#ctr_pod_options_t::exit_policy, podman's `--exit-policy`). */
typedef enum ctr_pod_exit_policy {
    CTR_POD_EXIT_CONTINUE = 0, /**< the infra container goes on (podman's default) */
    CTR_POD_EXIT_STOP = 1,     /**< the infra container is stopped too */
} ctr_pod_exit_policy_t;

/** The pod's network (#ctr_pod_options_t::network_mode, podman's `pod create --network`). */
typedef enum ctr_pod_network_mode {
    CTR_POD_NETWORK_BRIDGE = 0, /**< a namespace of its own on @ref ctr_pod_options_t::networks (default: the runtime's default network) */
    CTR_POD_NETWORK_NONE = 1,   /**< a namespace of its own with only a loopback device */
    CTR_POD_NETWORK_HOST = 2,   /**< the host's network namespace */
} ctr_pod_network_mode_t;

/** Current version of #ctr_pod_options_t (libctr 0.7). */
#define CTR_POD_OPTIONS_VERSION 1

/**
 * What a new pod is made of.  Start from #CTR_POD_OPTIONS_INIT or
 * ctr_pod_options_init().  NULL means "not set"; string arrays are
 * NULL-terminated.  Everything is copied.
 */
typedef struct ctr_pod_options {
    /** Must be #CTR_POD_OPTIONS_VERSION. */
    unsigned int version;
    /** `[a-zA-Z0-9][a-zA-Z0-9_.-]*`, at most 253 characters, not a container's or another pod's; NULL to generate one. */
    const char *name;
    /** Labels as `KEY=VALUE` strings; keys must be unique and non-empty. */
    const char *const *labels;
    /** `CTR_POD_SHARE_*` bits; 0 means #CTR_POD_SHARE_DEFAULT (with #CTR_POD_CREATE_NO_INFRA: #CTR_POD_SHARE_NONE, the only value it takes). */
    uint32_t share;
    /** #ctr_pod_exit_policy_t. */
    int exit_policy;
    /** #ctr_pod_network_mode_t (with #CTR_POD_SHARE_NET). */
    int network_mode;
    /** cgroup parent of the pod's cgroup (cgroupfs path); NULL means `/libctr_parent`. */
    const char *cgroup_parent;
    /** Host name of the members (with #CTR_POD_SHARE_UTS); NULL: the pod's name. */
    const char *hostname;
    /** DNS servers overriding the host's (with #CTR_POD_SHARE_NET). */
    const char *const *dns_servers;
    /** DNS search domains overriding the host's. */
    const char *const *dns_search;
    /** Resolver options overriding the host's. */
    const char *const *dns_options;
    /** Extra `/etc/hosts` entries as `HOST:IP`. */
    const char *const *hosts_add;
    /** Ports published by the pod (with #CTR_POD_NETWORK_BRIDGE), an array of @ref n_port_mappings. */
    const ctr_port_mapping_t *port_mappings;
    /** Number of entries in @ref port_mappings. */
    size_t n_port_mappings;
    /** Networks (with #CTR_POD_NETWORK_BRIDGE); NULL: the runtime's default network. */
    const char *const *networks;
    /** The infra container's image; NULL: libctr's own (see above). */
    const char *infra_image;
    /** `CTR_POD_CREATE_*` flags. */
    uint64_t flags;
    /**
     * Limits of the pod's cgroup, which every container of the pod is in
     * (podman's `pod create --memory`, `--memory-swap`, `--cpus`,
     * `--cpuset-cpus`, `--cpuset-mems`): made when the pod is, with these
     * written.  Zero and NULL are no limit.  Memory in bytes; @ref
     * memory_swap is memory plus swap (0: twice @ref memory, as podman;
     * -1: no limit on swap; needs @ref memory and is no less than it);
     * CPUs in billionths (`--cpus 0.5` is 500000000: a quota of 50 ms in
     * each 100 ms).
     */
    int64_t memory;
    /** See @ref memory. */
    int64_t memory_swap;
    /** See @ref memory. */
    int64_t nano_cpus;
    /** CPUs allowed (`0-2,4`). */
    const char *cpuset_cpus;
    /** Memory nodes allowed. */
    const char *cpuset_mems;
} ctr_pod_options_t;

/** Flags of #ctr_pod_options_t. */
enum {
    /** No infra container (podman's `--infra=false`): nothing is shared, so @ref ctr_pod_options_t::share must be #CTR_POD_SHARE_NONE or 0. */
    CTR_POD_CREATE_NO_INFRA = 1u << 0,
};

/** Static initializer for #ctr_pod_options_t. */
#define CTR_POD_OPTIONS_INIT                                                                                 \
    { CTR_POD_OPTIONS_VERSION, NULL, NULL, 0, 0, 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL, 0, 0, 0, 0, NULL, NULL }

/** Initialize @p opts for @p version. @return 0 or -EINVAL. */
int ctr_pod_options_init(ctr_pod_options_t *opts, unsigned int version);

/**
 * Create a pod and its infra container (state configured).
 * @param ret receives the new pod (may be NULL); release with ctr_pod_unref().
 * @return 0; -EINVAL (a bad option: the message says which); -EEXIST (the
 *         name is a pod's or a container's); -ENOENT (a network or the infra
 *         image named does not exist); -EOPNOTSUPP (the state backend keeps
 *         no object records); the errors of ctr_container_create() for the
 *         infra container.  On failure nothing is left.
 */
int ctr_pod_create(ctr_runtime_t *rt, const ctr_pod_options_t *opts, ctr_pod_t **ret);

/**
 * Look up a pod by full ID, unique ID prefix, or name.
 * @param ret receives a handle; release with ctr_pod_unref().
 * @return 0; -EINVAL (empty or invalid reference, or an ambiguous prefix);
 *         -ENOENT (no such pod); -EUCLEAN (its record is damaged).
 */
int ctr_pod_lookup(ctr_runtime_t *rt, const char *ref, ctr_pod_t **ret);

/**
 * Every pod, sorted by creation time (oldest first).  A damaged record is
 * skipped with a warning through the runtime's logger.
 * @param ret receives a malloc()ed array of handles (NULL when there are
 *        none); free it with ctr_pod_list_free().
 * @return 0; -EOPNOTSUPP; -ENOMEM; an error of the state backend.
 */
int ctr_pod_list(ctr_runtime_t *rt, ctr_pod_t ***ret, size_t *ret_count);

/**
 * The pods that pass every filter, as podman's `pod ps --filter`, sorted
 * as ctr_pod_list() sorts them.  A filter is `KEY=VALUE`; the values of one
 * key are alternatives (any may match), different keys must all match:
 * `id=REGEX`, `name=REGEX`, `label=KEY` or `label=KEY=VALUE`, `status=`
 * (the pod's status: created, running, degraded, paused, stopped, exited),
 * `until=TIME` (made before: a duration such as `10m` before now, seconds
 * since the epoch, or RFC 3339), `network=NAME` (the pod's networks),
 * `ctr-ids=PREFIX`, `ctr-names=REGEX`, `ctr-status=STATE` (a container of
 * the pod has it: created, running, paused, exited...), `ctr-number=N`
 * (the pod has N containers, the infra container included).
 * @param filters NULL-terminated; NULL or empty: every pod.
 * @param ret receives the array of handles (NULL when none passes); free
 *        it with ctr_pod_list_free().
 * @return 0; -EINVAL (an unknown key, a bad regular expression, time or
 *         number); the errors of ctr_pod_list().
 */
int ctr_pod_list_filter(ctr_runtime_t *rt, const char *const *filters, ctr_pod_t ***ret, size_t *ret_count);

/** Release the handles of ctr_pod_list() and the array. */
void ctr_pod_list_free(ctr_pod_t **list, size_t count);

/** Take a reference; returns @p pod (NULL is allowed), which the caller releases with ctr_pod_unref(). */
ctr_pod_t *ctr_pod_ref(ctr_pod_t *pod);
/** Drop a reference; the handle is freed with the last one. @return NULL. */
ctr_pod_t *ctr_pod_unref(ctr_pod_t *pod);
CTR_DEFINE_CLEANUP(ctr_pod_t, ctr_pod_unref)

/** The pod's full ID (64 hex digits); lent, valid as long as @p pod; NULL when @p pod is NULL. */
const char *ctr_pod_id(const ctr_pod_t *pod);
/** The pod's name; lent; NULL when @p pod is NULL. */
const char *ctr_pod_name(const ctr_pod_t *pod);
/** The infra container's full ID, or NULL (no infra container, or @p pod NULL); lent. */
const char *ctr_pod_infra_id(const ctr_pod_t *pod);
/** The pod's cgroup (`CGROUP_PARENT/POD_ID`); lent; NULL when @p pod is NULL. */
const char *ctr_pod_cgroup_path(const ctr_pod_t *pod);
/** The shared namespaces, `CTR_POD_SHARE_*` bits (#CTR_POD_SHARE_NONE for none); 0 when @p pod is NULL. */
uint32_t ctr_pod_share(const ctr_pod_t *pod);
/** Creation time in nanoseconds since the epoch; 0 when @p pod is NULL. */
int64_t ctr_pod_created(const ctr_pod_t *pod);
/** The runtime the pod belongs to (lent; the handle holds a reference); NULL when @p pod is NULL. */
ctr_runtime_t *ctr_pod_runtime(const ctr_pod_t *pod);

/**
 * The pod's containers, the infra container first, then the members
 * oldest first, as full IDs read now.
 * @param ret receives a NULL-terminated array of strings; free each and
 *        the array with ctr_free().
 * @return 0; -ENOENT (the pod was removed); -ENOMEM; a state backend error.
 */
int ctr_pod_containers(ctr_pod_t *pod, char ***ret);

/**
 * The pod's status as podman names it, from its containers' states:
 * `Created` (none ever started, or no container), `Running` (all running),
 * `Degraded` (some running, not all), `Paused` (all paused), `Stopped`
 * (none running, some exited), `Exited` (all exited).  The infra container
 * counts, as in podman.
 * @param ret receives the status; free with ctr_free().
 * @return 0; -ENOENT (removed); -ENOMEM.
 */
int ctr_pod_status(ctr_pod_t *pod, char **ret);

/**
 * Start the pod: the infra container, then every member not running (each
 * after the containers whose namespaces it joins).  Running members are
 * left as they are.
 * @return 0; -ENOENT (removed); the first member's error (see above).
 */
int ctr_pod_start(ctr_pod_t *pod);

/**
 * Stop the pod: every running or paused member with its own stop signal and
 * timeout (or, when @p timeout >= 0, that many seconds), then the infra
 * container.
 * @return 0; -ENOENT; the first member's error (see above).
 */
int ctr_pod_stop(ctr_pod_t *pod, int timeout);

/**
 * Send @p signal to every running member and to the infra container.
 * @return 0; -EINVAL (bad signal); -ENOENT; -EBUSY (no container running);
 *         the first member's error.
 */
int ctr_pod_kill(ctr_pod_t *pod, int signal);

/** Pause every running member and the infra container. @return 0; -ENOENT; -EBUSY (nothing running); the first member's error. */
int ctr_pod_pause(ctr_pod_t *pod);
/** Unpause every paused member and the infra container. @return 0; -ENOENT; -EBUSY (nothing paused); the first member's error. */
int ctr_pod_unpause(ctr_pod_t *pod);

/**
 * Restart the pod: stop (with each member's own timeout), then start.
 * @return 0; -ENOENT; the first member's error.
 */
int ctr_pod_restart(ctr_pod_t *pod);

/**
 * Apply the pod's exit policy after a member exited: with
 * #CTR_POD_EXIT_STOP, when no member is running, paused or stopping any
 * more, stop the infra container (podman's `--exit-policy stop`).
 * libctr's monitor helper (`ctr-cleanup`) calls it after each exit of a
 * member, so the policy holds with no caller alive.
 * @return 1 when the infra container was stopped; 0 when the policy asks
 *         nothing now (continue, a member still runs, no infra container, or
 *         it is not running); -ENOENT (the pod was removed); the errors of
 *         ctr_container_stop().
 */
int ctr_pod_apply_exit_policy(ctr_pod_t *pod);

/** Flags of ctr_pod_remove(). */
enum {
    /** Stop and remove running members too (podman's `pod rm -f`). */
    CTR_POD_REMOVE_FORCE = 1u << 0,
    /** Remove the members' anonymous volumes (as #CTR_REMOVE_VOLUMES). */
    CTR_POD_REMOVE_VOLUMES = 1u << 1,
};

/**
 * Remove the pod: its members, its infra container, its cgroup and its
 * record.  Without #CTR_POD_REMOVE_FORCE a pod with a running or paused
 * member is refused (-EBUSY, nothing removed), as podman refuses it.
 * @return 0; -EINVAL (bad flags); -ENOENT (removed already); -EBUSY; the
 *         first member's error (the pod is then kept, with the members that
 *         could not be removed).
 */
int ctr_pod_remove(ctr_pod_t *pod, uint64_t flags);

/**
 * The processes of the pod's running containers (the infra container's
 * catatonit and every running member's), as `podman pod top` lists them:
 * one table, the containers in the order of ctr_pod_containers(), each
 * one's processes as ctr_container_top() gives them for @p descriptors
 * (NULL or empty: the default `user pid ppid pcpu etime tty time args`).
 * A container that stops meanwhile is left out.
 * @param ret receives the table; free it with ctr_container_top_free().
 * @return 0; -EINVAL (an unknown descriptor); -ENOENT (removed); -EBUSY (no
 *         container of the pod runs); the errors of ctr_container_top().
 */
int ctr_pod_top(ctr_pod_t *pod, const char *const *descriptors, ctr_top_t **ret);

/**
 * One sample of the resource use of each running (or paused) container of
 * the pod, the infra container included, as `podman pod stats` lists them:
 * in the order of ctr_pod_containers(), each taken by ctr_container_stats().
 * A container that is not running, or that stops or is removed meanwhile,
 * is left out; a pod with none running gives no sample (0, *ret NULL).
 * @param prev samples of an earlier call (or NULL), @p n_prev of them
 *        (entries may be NULL): a container's
 *        @ref ctr_stats_t::cpu_percent is then since its own sample there,
 *        found by ID (else since it started); the others are ignored.
 * @param ret receives a malloc()ed array of samples (NULL with none), owned
 *        by the caller: free it and them with ctr_pod_stats_free().
 * @param ret_count receives the number of samples.
 * @return 0; -EINVAL (a NULL argument, or @p prev NULL with @p n_prev not
 *         0); -ENOENT (the pod was removed); -ENOMEM; the other errors of
 *         ctr_container_stats() (-ENOENT when a container's cgroup is not
 *         there, -EBADMSG, an I/O errno).  Nothing is returned on failure.
 */
int ctr_pod_stats(ctr_pod_t *pod, const ctr_stats_t *const *prev, size_t n_prev, ctr_stats_t ***ret,
                  size_t *ret_count);

/**
 * Free the first @p count samples of ctr_pod_stats() and their array (NULL
 * does nothing).  With @p count 0 only the array goes: a caller that keeps
 * the samples (a binding's objects) frees each with ctr_stats_free().
 */
void ctr_pod_stats_free(ctr_stats_t **stats, size_t count);

/**
 * Inspect the pod: a JSON object with podman's `pod inspect` keys and types
 * (`Id`, `Name`, `Created`, `ExitPolicy`, `State`, `Hostname`, `Labels`,
 * `CreateCgroup`, `CgroupParent`, `CgroupPath`, `CreateInfra`,
 * `InfraContainerID`, `InfraConfig`, `SharedNamespaces`, `NumContainers`,
 * `Containers` with each one's `Id`, `Name` and `State`).
 * @param ret receives the JSON; free with ctr_free().
 * @return 0; -ENOENT; -ENOMEM.
 */
int ctr_pod_inspect(ctr_pod_t *pod, char **ret);

#ifdef __cplusplus
}
#endif

#endif
