/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A container's resources: cgroup limits, ulimits, devices, OOM settings;
 * checked from the options, kept in the config, turned into the OCI spec's
 * linux.resources, linux.devices and process.rlimits, and mapped onto
 * cgroup v1 and v2 files. */
#pragma once

#include <json-c/json.h>
#include <stdbool.h>
#include <libctr/ctr-container.h>

struct ctr__arena;

/* podman's default RLIMIT_NOFILE and RLIMIT_NPROC, before clamping to the
 * caller's hard limits (only defaults are clamped; explicit ulimits are not). */
#define CTR__RLIMIT_NOFILE_DEFAULT 1048576
#define CTR__RLIMIT_NPROC_DEFAULT 4194304
/* podman's default pids limit. */
#define CTR__PIDS_LIMIT_DEFAULT 2048
/* The CFS period of --cpus (podman's). */
#define CTR__CPU_PERIOD_DEFAULT 100000

/* The kinds of block device throttles, in the order of resource_args_t. */
enum { CTR__READ_BPS, CTR__WRITE_BPS, CTR__READ_IOPS, CTR__WRITE_IOPS, CTR__THROTTLE_KINDS };

struct ctr__throttle {
    char *path;
    uint64_t rate;       /* bytes or operations per second; a weight for weight devices */
};

struct ctr__ulimit {
    char *name;          /* "RLIMIT_NOFILE" */
    int64_t soft, hard;  /* -1: unlimited */
};

struct ctr__resources {
    int64_t memory, memory_swap, memory_reservation; /* swap: 0 twice memory (when set), -1 unlimited */
    int64_t nano_cpus, cpu_quota;
    uint64_t cpu_shares, cpu_period;
    char *cpuset_cpus, *cpuset_mems;
    int64_t pids_limit;          /* 0: podman's default, -1: unlimited */
    uint16_t blkio_weight;
    struct ctr__throttle *weight_devices; size_t n_weight_devices;
    struct ctr__throttle *throttles[CTR__THROTTLE_KINDS]; size_t n_throttles[CTR__THROTTLE_KINDS];
    bool oom_score_adj_set;
    int oom_score_adj;
    bool oom_kill_disable;
    struct ctr__ulimit *ulimits; size_t n_ulimits;
    char **devices;              /* HOST[:CONTAINER][:PERMISSIONS], never NULL once copied or read */
    char **device_cgroup_rules;  /* never NULL once copied or read */
};

/* Check the options' resources; nothing is allocated.  -EINVAL with a
 * message; a device or throttled device that cannot be looked up: its errno. */
int ctr__resources_check(const ctr_container_options_t *o);
/* Copy them (checked) into @res; -ENOMEM. */
int ctr__resources_copy(const ctr_container_options_t *o, struct ctr__resources *res);
void ctr__resources_clear(struct ctr__resources *res);
/* Fill the resource members of @o (memory ... ulimits, devices, device
 * cgroup rules) with what a caller would pass to make @res again
 * (ctr_container_get_options()), allocated in @a; the flags are the
 * config's.  -ENOMEM. */
int ctr__resources_export(const struct ctr__resources *res, struct ctr__arena *a, ctr_container_options_t *o);
/* Add the "resources" key to the config document; read it back (absent: nothing set). */
int ctr__resources_to_json(const struct ctr__resources *res, json_object *doc);
int ctr__resources_from_json(json_object *doc, struct ctr__resources *res);
/* Fill linux.resources, linux.devices, process.rlimits and
 * process.oomScoreAdj of @spec (privileged: all devices are there already).
 * An explicit ulimit above the caller's hard limit, without
 * CAP_SYS_RESOURCE, is -EPERM naming the limit; a device gone: its errno. */
int ctr__resources_spec(const struct ctr__resources *res, bool privileged, json_object *spec);
/* The OCI linux.resources object an update of a running container hands the
 * runtime (runc update --resources): memory, CPU, pids and block I/O as the
 * spec has them, with a memory limit, swap limit, CPU quota or pids limit
 * that @res does not have stated as -1 (the runtime keeps what it is not told).  Devices
 * are left out (an update does not change them).  -ENOMEM, a device's errno. */
int ctr__resources_update_json(const struct ctr__resources *res, char **ret);
/* HostConfig's keys of the resources (Memory, NanoCpus, Ulimits, Devices, ...). */
int ctr__resources_inspect(const struct ctr__resources *res, json_object *host_config);

/* ---- the cgroup mapping ---- */

/* What a cgroup file of the container should show: a line of @name is
 * @value.  For v1, the controller is the part of @name before its first
 * dot ("memory.limit_in_bytes" is in the memory hierarchy). */
struct ctr__cgroup_file {
    char name[40];
    char value[96];
};
/* The version of the host's cgroup hierarchy: 2 when /sys/fs/cgroup is a
 * unified (v2) mount, else 1. */
int ctr__cgroup_version(void);
/* The files and values the container's cgroup shows for @res under cgroup
 * @version (1 or 2), as runc applies them (v1: the blkio weight only where
 * the host's blkio controller has one, as the spec; v2: without bfq, the
 * weight in io.weight).  Throttled devices are looked up by path.  *ret is malloc()ed (free()), *ret_n entries.  -EINVAL for
 * another version, -ENOMEM, a device's errno. */
int ctr__resources_cgroup_files(const struct ctr__resources *res, int version, struct ctr__cgroup_file **ret,
                                size_t *ret_n);
