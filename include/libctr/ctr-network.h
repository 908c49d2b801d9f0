/* SPDX-License-Identifier: LGPL-2.1-or-later */
/**
 * @file ctr-network.h
 * @brief CNI networks: create, list, inspect, remove; a container's
 *        addresses.
 *
 * A network is a CNI configuration list in the runtime's configuration
 * directory (`cni_config_dir` of #ctr_runtime_options_t, default
 * `/etc/cni/net.d`), in podman's format, so the files podman (with its CNI
 * backend) writes work here and the other way round.  Every `*.conflist`,
 * `*.conf` (one plugin) and `*.json` file counts; when two files define the
 * same name, the first in name order wins (like libcni).
 *
 * Containers made with #CTR_CREATE_NETNS are attached to their networks
 * (`networks` of #ctr_container_options_t, or the runtime's default network)
 * by running the CNI plugins from `cni_plugin_dir` at init, and detached at
 * cleanup; the interfaces are `eth0`, `eth1`, ... in the order given, and
 * port mappings go to the first network.
 *
 * Threads and processes: calls are safe concurrently; create and remove
 * serialize on the runtime's lock.
 */
#ifndef LIBCTR_CTR_NETWORK_H
#define LIBCTR_CTR_NETWORK_H

#include <libctr/ctr-common.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Flags of #ctr_network_options_t. */
enum {
    /** No route out and no masquerading: containers reach each other only
     *  (the bridge has no address; port mappings from the host do not work). */
    CTR_NETWORK_INTERNAL = 1u << 0,
    /** Keep the gateway (the host reaches the containers, port mappings work)
     *  but do not masquerade traffic leaving the host. */
    CTR_NETWORK_NO_MASQUERADE = 1u << 1,
    /** Add the `firewall` plugin (FORWARD rules, for hosts whose FORWARD
     *  policy drops traffic). */
    CTR_NETWORK_FIREWALL = 1u << 2,
};

/** Current version of #ctr_network_options_t. */
#define CTR_NETWORK_OPTIONS_VERSION 1

/**
 * A new bridge network.  Start from #CTR_NETWORK_OPTIONS_INIT or
 * ctr_network_options_init().  Strings are copied; NULL means the default.
 */
typedef struct ctr_network_options {
    /** Must be #CTR_NETWORK_OPTIONS_VERSION (older versions are accepted). */
    unsigned int version;
    /** Required: `[a-zA-Z0-9][a-zA-Z0-9_.-]*`, at most 200 characters. */
    const char *name;
    /** `bridge` (the only driver; NULL means it). */
    const char *driver;
    /** Bridge interface name (at most 15 characters); default: the first
     *  `libctrN` (N >= 1) that no network uses and no interface has. */
    const char *bridge;
    /** Subnet as CIDR (IPv4 or IPv6); default: the first free `10.89.N.0/24`.
     *  May not overlap another network's subnet or a host interface's. */
    const char *subnet;
    /** Gateway address in the subnet; default: the subnet's first address. */
    const char *gateway;
    /** Labels as `KEY=VALUE` (stored as podman does, in `args.podman_labels`). */
    const char *const *labels;
    /** `CTR_NETWORK_*` flags. */
    uint64_t flags;
} ctr_network_options_t;

/** Static initializer for #ctr_network_options_t. */
#define CTR_NETWORK_OPTIONS_INIT { CTR_NETWORK_OPTIONS_VERSION, NULL, NULL, NULL, NULL, NULL, NULL, 0 }

/**
 * Initialize @p opts to the defaults for @p version.
 * @return 0, or -EINVAL for NULL or an unknown version.
 */
int ctr_network_options_init(ctr_network_options_t *opts, unsigned int version);

/**
 * Create a bridge network: write `NAME.conflist` in the configuration
 * directory (created if missing): a `bridge` plugin with `host-local`
 * addresses on the subnet (`isGateway`, `ipMasq`, `hairpinMode`, a default
 * route, unless the flags say otherwise), then `portmap` (capability
 * `portMappings`), then `firewall` with #CTR_NETWORK_FIREWALL.  The bridge
 * interface itself appears when the first container attaches.
 *
 * Without #CTR_NETWORK_FIREWALL and on an IPv4 subnet, the file also
 * carries the top-level key `"libctr": {"native": true}`: libctr then
 * attaches containers in-process (netlink, host-local's address store,
 * NAT in the nftables table `ip libctr`, which needs `nft`) instead of
 * running the bridge and portmap binaries, with the same results.  CNI
 * tools ignore the key, so the file stays usable by the real plugins; a
 * list without it (a user's own) always goes through the plugins.
 *
 * @param ret_path receives the file's path (may be NULL); free with ctr_free().
 * @return 0; -EINVAL (NULL, bad version, flags, name, driver, bridge name,
 *         subnet or gateway; a gateway outside the subnet); -EEXIST (the name
 *         is taken, or the bridge or subnet is used by another network or the
 *         subnet by a host interface: the message says which); an I/O errno.
 */
int ctr_network_create(ctr_runtime_t *rt, const ctr_network_options_t *opts, char **ret_path);

/**
 * Names of the networks in the configuration directory, in file name order.
 * Files that do not parse are skipped (logged at #CTR_LOG_WARNING).
 * @param ret receives a NULL-terminated array; free with ctr_strv_free().
 * @return 0, -EINVAL, -ENOMEM, an errno reading the directory.
 */
int ctr_network_list(ctr_runtime_t *rt, char ***ret);

/**
 * A network as JSON, shaped like an element of `podman network inspect`:
 * `name`, `id` (SHA-256 of the name, as podman's CNI backend), `driver`,
 * `network_interface`, `created`, `subnets` (`subnet`, `gateway`),
 * `ipv6_enabled`, `internal`, `dns_enabled`, `labels`, `options`,
 * `ipam_options`; plus `cni_version`, `plugins` (their types) and `path`.
 * @param ret receives a string; free with ctr_free().
 * @return 0; -EINVAL; -ENOENT (no such network).
 */
int ctr_network_inspect(ctr_runtime_t *rt, const char *name, char **ret);

/** Flags of ctr_network_remove(). */
enum {
    /** Remove the containers attached to the network first (forcibly). */
    CTR_NETWORK_REMOVE_FORCE = 1u << 0,
};

/**
 * Remove a network: its configuration file, its bridge interface when no
 * other network names it and no interface is attached to it any more, and
 * host-local's address reservations when they are in the default place
 * (`/var/lib/cni/networks/NAME`).  Removing a native network also deletes
 * the nftables table `ip libctr` once no container (of any runtime) has
 * elements in it.
 *
 * @return 0; -EINVAL; -ENOENT (no such network); -EBUSY (containers use it
 *         and #CTR_NETWORK_REMOVE_FORCE is not given: the message says how
 *         many); the errors of ctr_container_remove() with force; an I/O errno.
 */
int ctr_network_remove(ctr_runtime_t *rt, const char *name, uint64_t flags);

/* ---- A container's networks (state: synced under the container's lock) ---- */

/**
 * The address of a container on a network (without the prefix length): the
 * first IPv4 address, else the first IPv6 one.
 *
 * @param network a network name, or NULL for the first network (eth0).
 * @param ret     receives the address; free with ctr_free().
 * @return 0; -EINVAL; -ENOENT (the container was removed, is not attached to
 *         that network, or has no address because its network is not set up:
 *         it is not created or running).
 */
int ctr_container_ip_address(ctr_container_t *c, const char *network, char **ret);

/**
 * The container's networks as JSON, shaped like podman's
 * `NetworkSettings.Networks`: an object keyed by network name, each with
 * `IPAddress`, `IPPrefixLen`, `Gateway`, `MacAddress`, `GlobalIPv6Address`,
 * `GlobalIPv6PrefixLen`, `IPv6Gateway`, `NetworkID` and `InterfaceName`:
 * one entry per network the container is configured with, its addresses
 * empty until the network is set up (created or running); "{}" for a
 * container without networks of its own.
 * @param ret receives a string; free with ctr_free().
 * @return 0; -EINVAL; -ENOENT (removed).
 */
int ctr_container_networks_json(ctr_container_t *c, char **ret);

#ifdef __cplusplus
}
#endif

#endif
