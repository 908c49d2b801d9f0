/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The native runtime's reading of a bundle's config.json: every member the
 * runtime acts on, checked and converted once, in the runtime's process,
 * before the container's child is cloned (the child then only reads this
 * structure: no parsing, no allocation that can fail half-way).
 *
 * Strings are borrowed from the parsed document the structure keeps; the
 * arrays are in the structure's arena.  A member the native runtime cannot honour
 * yet (user namespaces, idmapped mounts, a seccomp listener, Intel RDT, time
 * namespaces) is -EOPNOTSUPP with its name, never silently ignored. */
#pragma once

#include <json-c/json.h>
#include <stdbool.h>

#include "base/arena.h"
#include <stdint.h>
#include <sys/resource.h>
#include <sys/types.h>

enum ctr__native_ns {
    CTR_NS_PID,
    CTR_NS_NET,
    CTR_NS_IPC,
    CTR_NS_UTS,
    CTR_NS_MNT,
    CTR_NS_CGROUP,
    CTR_NS_COUNT,
};

struct ctr__native_ns_spec {
    bool wanted;      /* listed in linux.namespaces */
    const char *path; /* join this one (NULL: a new namespace) */
};

struct ctr__native_mount {
    const char *destination; /* absolute, inside the rootfs */
    const char *type;        /* "bind" for bind mounts (also "none" with bind options) */
    const char *source;
    unsigned long flags;       /* MS_* of the options, MS_BIND for binds */
    unsigned long clear;       /* flags the options turn off (a bind's remount keeps the rest) */
    unsigned long propagation; /* MS_PRIVATE/SHARED/SLAVE/UNBINDABLE [| MS_REC], 0 none */
    bool bind;
    bool tmpcopyup; /* tmpfs filled with what the target directory had */
    char *data;     /* the options that are not flags, comma-separated, or NULL */
};

struct ctr__native_device {
    const char *path;
    char type; /* 'c', 'b', 'u' or 'p' */
    unsigned int major, minor;
    mode_t mode; /* permission bits; 0666 when not given */
    uid_t uid;
    gid_t gid;
};

struct ctr__native_rlimit {
    int resource;
    struct rlimit limit;
};

struct ctr__native_caps {
    uint64_t bounding, effective, permitted, inheritable, ambient; /* bit N: capability N */
};

struct ctr__native_hook {
    const char *path;
    const char *const *args; /* NULL-terminated, args[0] included; never NULL */
    const char *const *env;
    int timeout; /* seconds, 0: none */
};

enum ctr__native_hook_kind {
    CTR_HOOK_PRESTART,
    CTR_HOOK_CREATE_RUNTIME,
    CTR_HOOK_CREATE_CONTAINER,
    CTR_HOOK_START_CONTAINER,
    CTR_HOOK_POSTSTART,
    CTR_HOOK_POSTSTOP,
    CTR_HOOK_KINDS,
};

struct ctr__native_hooks {
    struct ctr__native_hook *v;
    size_t n;
};

/* The name of @kind in config.json ("prestart", "createRuntime", ...). */
const char *ctr__native_hook_name(enum ctr__native_hook_kind kind);

/* A process: the container's (process) or an exec's (--process FILE). */
struct ctr__native_process {
    bool terminal;
    const char *const *args; /* NULL-terminated, at least one */
    const char *const *env;
    const char *cwd; /* absolute */
    uid_t uid;
    gid_t gid;
    gid_t *groups; /* additionalGids */
    size_t n_groups;
    mode_t umask;
    bool has_umask;
    bool no_new_privileges;
    bool has_oom_score_adj;
    int oom_score_adj;
    struct ctr__native_caps caps;
    struct ctr__native_rlimit *rlimits;
    size_t n_rlimits;
    unsigned short console_rows, console_cols; /* consoleSize, 0: none */
    const char *apparmor, *selinux_label;      /* NULL or ""; set only when the host can apply them */
};

struct ctr__native_sysctl {
    const char *key; /* "net.ipv4.ping_group_range" */
    const char *value;
};

struct ctr__native_spec {
    json_object *doc; /* owns every borrowed string */
    struct ctr__arena arena;
    const char *bundle;
    char *rootfs; /* the absolute rootfs (root.path joined to the bundle) */
    bool readonly;
    const char *hostname, *domainname;
    struct ctr__native_process process;
    struct ctr__native_ns_spec ns[CTR_NS_COUNT];
    struct ctr__native_mount *mounts;
    size_t n_mounts;
    struct ctr__native_device *devices;
    size_t n_devices;
    const char *const *masked, *const *readonly_paths;
    struct ctr__native_sysctl *sysctls;
    size_t n_sysctls;
    unsigned long rootfs_propagation; /* 0: runc's default, MS_SLAVE | MS_REC */
    const char *cgroups_path;
    json_object *resources, *seccomp; /* borrowed from doc; NULL when absent */
    json_object *annotations;
    struct ctr__native_hooks hooks[CTR_HOOK_KINDS];
};

/*
 * Read @bundle/config.json into @ret (zeroed first; @bundle is borrowed).  Returns 0; -ENOENT (no
 * config.json); -EINVAL with a message naming the member; -EOPNOTSUPP (a
 * feature named above); -ENOMEM.  On failure @ret holds nothing to free.
 */
int ctr__native_spec_load(const char *bundle, struct ctr__native_spec *ret);

/* The same from a parsed document (taken: put on failure too), for tests. */
int ctr__native_spec_from_json(json_object *doc, const char *bundle, struct ctr__native_spec *ret);

/* A process object (exec's --process FILE): strings borrowed from
 * @process, arrays allocated in @arena.  Same errors. */
int ctr__native_process_from_json(json_object *process, struct ctr__arena *arena, struct ctr__native_process *ret);

void ctr__native_spec_done(struct ctr__native_spec *s);

/* The CLONE_NEW* flag of a namespace kind, and its /proc/PID/ns name. */
int ctr__native_ns_flag(enum ctr__native_ns ns);
const char *ctr__native_ns_proc_name(enum ctr__native_ns ns);
