/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A container's security settings: capabilities added and dropped, the
 * seccomp profile, AppArmor, masked and unmasked paths, groups, sysctls;
 * checked from the options, kept in the config, turned into the OCI spec. */
#pragma once

#include <json-c/json.h>
#include <stdbool.h>
#include <libctr/ctr-container.h>

struct ctr__arena;

struct ctr__security {
    char **cap_add, **cap_drop;   /* "CAP_*" or "ALL", never NULL */
    char *seccomp_profile;        /* the profile's JSON text read at create, "unconfined", or NULL */
    char *seccomp_profile_path;   /* where it was read from (inspect's SecurityOpt) */
    char *apparmor_profile;
    char **mask_paths, **unmask_paths, **group_add, **sysctls; /* never NULL */
};

/* Check the options' security members; nothing is allocated.  -EINVAL with a message. */
int ctr__security_check(const ctr_container_options_t *o);
/* Copy them (checked) into @sec, reading the seccomp profile; -ENOMEM, file errors. */
int ctr__security_copy(const ctr_container_options_t *o, struct ctr__security *sec);
void ctr__security_clear(struct ctr__security *sec);
/* Fill the security members of @o (cap_add ... sysctls) with what a caller
 * would pass to make @sec again (ctr_container_get_options()): the seccomp
 * profile's path (or "unconfined"); allocated in @a.  -ENOMEM. */
int ctr__security_export(const struct ctr__security *sec, struct ctr__arena *a, ctr_container_options_t *o);
/* Add the "security" key to the config document; read it back (absent: nothing set). */
int ctr__security_to_json(const struct ctr__security *sec, json_object *doc);
int ctr__security_from_json(json_object *doc, struct ctr__security *sec);
/* HostConfig's keys (CapAdd, CapDrop, SecurityOpt, Sysctls, GroupAdd, ...). */
int ctr__security_inspect(const struct ctr__security *sec, uint64_t flags, json_object *host_config);

/* A capability name as podman takes it ("net_admin", "NET_ADMIN",
 * "CAP_NET_ADMIN") into @buf as "CAP_NET_ADMIN", or "ALL"; -EINVAL
 * ("unknown capability") for a name the running kernel does not have. */
int ctr__security_cap_normalize(const char *name, char *buf, size_t size);

/*
 * The capability set of the container's process as podman computes it:
 * privileged: every capability of the bounding set (cap_add and cap_drop
 * ignored); otherwise podman's default set, plus cap_add, minus cap_drop,
 * where cap_drop ALL keeps only cap_add and cap_add ALL is every capability
 * minus cap_drop.  Sorted by name.  With @ret_user (a non-root process), the
 * added capabilities only (those of the bounding set), for its effective and
 * permitted sets.  NULL-terminated arrays, free with ctr__strv_free().
 * -ENOMEM.
 */
int ctr__security_caps(const struct ctr__security *sec, bool privileged, char ***ret_bounding, char ***ret_user);

/* Whether @sysctl (KEY=VALUE) may be set with the host's network, IPC or UTS
 * namespace shared: 0, or -EINVAL with podman's message. */
int ctr__security_sysctl_check(const char *sysctl, bool host_net, bool host_ipc, bool host_uts);

/*
 * Fill linux.sysctl of @linux_: podman's default net.ipv4.ping_group_range
 * "0 0" (unless the network namespace is the host's or joined), then the
 * container's.  -ENOMEM.
 */
int ctr__security_sysctl_spec(const struct ctr__security *sec, bool own_netns, json_object *linux_);

/*
 * The masked and read-only paths: @masked_default and @readonly_default
 * (NULL-terminated) without the unmasked ones (all of them with unmask
 * ALL: then the keys are left out), then the masks added.  Sets
 * linux.maskedPaths and linux.readonlyPaths of @linux_.  -ENOMEM.
 */
int ctr__security_paths_spec(const struct ctr__security *sec, const char *const *masked_default,
                             const char *const *readonly_default, json_object *linux_);

/* Whether AppArmor is enabled on this host (/sys/module/apparmor/parameters/enabled is Y). */
bool ctr__security_apparmor_enabled(void);
