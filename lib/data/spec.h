/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Generation of a container's OCI runtime spec (config.json). */
#pragma once

#include <libctr/ctr-container.h>

#include "data/config.h"

struct json_object;

/* Default size of /dev/shm when the config has none (podman's 64 MiB). */
#define CTR__SHM_SIZE_DEFAULT (64 * 1024 * 1024)
/* The PATH a process gets when its environment has none (podman's). */
#define CTR__DEFAULT_PATH_ENV "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
/* Default cgroup parent (cgroupfs). */
#define CTR__CGROUP_PARENT_DEFAULT "/libctr_parent"
/* CTR__RLIMIT_NOFILE_DEFAULT and CTR__RLIMIT_NPROC_DEFAULT: data/resources.h. */

/* What the lifecycle knows at init time beyond the config. */
struct ctr__spec_ctx {
    const char *rootfs;                 /* absolute path of the (mounted) root file system */
    const char *ns_path[CTR_NS_MAX];    /* namespace to join, by ctr_ns_t; NULL = a new one
                                           (except user and cgroup: none unless given) */
    bool ns_host[CTR_NS_MAX];           /* true: stay in the host's namespace of that type (no
                                           entry in the spec; wins over ns_path) */
    const char *shm_dir;                /* host dir with a tmpfs to bind on /dev/shm;
                                           NULL = a tmpfs mount of cfg->shm_size */
    const char *resolv_conf;            /* host files to bind-mount read-write, NULL = none */
    const char *hosts;
    const char *hostname_file;
    const char *cgroups_path;           /* e.g. "/libctr_parent/libctr-ID";
                                           NULL = derive from cfg->cgroup_parent and cfg->id */
    const char *const *extra_mounts_json; /* more mounts (image volumes): OCI mount objects as JSON
                                             strings, NULL-terminated; NULL = none */
    const char *const *mount_sources;   /* the host directory of each of cfg->mounts of type
                                           "volume", by index (NULL for the other types);
                                           NULL = none (no volume mounts) */
};

/*
 * Build the OCI runtime spec of @cfg as JSON.
 *
 * Base: cfg->spec_json when set (what the user gave is kept and only what is
 * missing is filled in; the config's own fields win: command, env, workdir,
 * user, terminal, hostname, read-only, privileged, no-new-privileges, SELinux
 * labels, the namespaces of @ctx), otherwise a default spec like podman's.
 *
 * Notes on what is generated:
 *  - process.user comes from cfg->user resolved in ctx->rootfs's /etc/passwd
 *    and /etc/group (see ctr__user_lookup()); HOME is set from it when the
 *    environment has none.
 *  - rlimits: RLIMIT_NOFILE 1048576 and RLIMIT_NPROC 4194304 unless given;
 *    every rlimit, the defaults and the ones of a user spec alike, is then
 *    clamped silently to the caller's current hard limit (getrlimit()),
 *    because raising a limit above it fails in the OCI runtime ("error
 *    setting rlimit type N").  A user spec asking for more gets less.
 *  - capabilities: podman's default set with cfg->security's additions and
 *    drops, or when privileged every capability of the running kernel that
 *    the caller's bounding set holds (like podman; granting one we lack
 *    fails) (ctr__security_caps()); root gets them effective and permitted
 *    too, a non-root user only the added ones, in all four other sets.
 *  - process.user: podman's additionalGids (the given user's primary
 *    group, the --group-add groups resolved in the rootfs's /etc/group,
 *    then the user's own) and the config's umask.
 *  - process.args: the entrypoint, then the command, under the init with
 *    CTR_CREATE_INIT (ctr__process_args()); the init program and the time
 *    zone are bound read-only at /run/podman-init and /etc/localtime.
 *  - seccomp: none with a profile "unconfined"; the container's profile
 *    converted for the bounding set (seccomp-profile.c); else the default
 *    policy (seccomp-default.c) evaluated against the bounding set, unless
 *    privileged, given by the user spec, or libctr was built without
 *    seccomp.
 *  - masked and read-only paths without the unmasked ones, then the masks
 *    added; linux.sysctl with podman's net.ipv4.ping_group_range "0 0" in a
 *    network namespace of the container's own, then the container's.
 *  - annotations: the container's and podman's own (TTY, autoremove, init,
 *    privileged, publish-all).
 *  - privileged: the host's device nodes, all devices allowed in the device
 *    cgroup, sysfs and cgroupfs read-write, no masked or read-only paths.
 *  - a read-only rootfs gets tmpfs mounts on /run, /tmp and /var/tmp, like
 *    podman's --read-only-tmpfs.
 *  - a joined UTS namespace gets no hostname (the runtime refuses one).
 *
 * @ret_json receives a NUL-terminated string; free with free().
 * @return 0; -EINVAL (bad argument, malformed or non-object user spec, a
 *         relative workdir, a malformed env entry or user, an unknown rlimit
 *         type); -ENOENT (unknown user or group in the rootfs); -ENOMEM; the
 *         errors of ctr__user_lookup().  @ret_json is untouched on failure.
 */
int ctr__spec_generate(const struct ctr__config *cfg, const struct ctr__spec_ctx *ctx, char **ret_json);

/*
 * The default seccomp policy (podman's semantics) for the native architecture
 * as a "linux.seccomp" JSON object, with capability-guarded rules evaluated
 * against @caps (NULL-terminated "CAP_*" names; NULL = none).
 * @ret receives a new reference.  @return 0, -ENOMEM.
 */
int ctr__seccomp_default_json(const char *const *caps, struct json_object **ret);
