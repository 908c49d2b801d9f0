/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A container's resources: cgroup limits, ulimits, devices, OOM settings;
 * checked from the options, kept in the config, turned into the OCI spec's
 * linux.resources, linux.devices and process.rlimits, and mapped onto
 * cgroup v1 and v2 files. */
#pragma once

#include <json-c/json.h>
#include <stdbool.h>
#include <libctr/ctr-container.h>

struct ctr__throttle {
    char *path;
    uint64_t rate;
};

struct ctr__ulimit {
    char *name;          /* "RLIMIT_NOFILE" */
    int64_t soft, hard;  /* -1: unlimited */
};

struct ctr__resources {
    int64_t memory, memory_swap, memory_reservation;
    int64_t nano_cpus, cpu_quota;
    uint64_t cpu_shares, cpu_period;
    char *cpuset_cpus, *cpuset_mems;
    int64_t pids_limit;          /* 0: podman's default */
    uint16_t blkio_weight;
    struct ctr__throttle *weight_devices; size_t n_weight_devices; /* rate: the weight */
    struct ctr__throttle *read_bps; size_t n_read_bps;
    struct ctr__throttle *write_bps; size_t n_write_bps;
    struct ctr__throttle *read_iops; size_t n_read_iops;
    struct ctr__throttle *write_iops; size_t n_write_iops;
    bool oom_score_adj_set;
    int oom_score_adj;
    bool oom_kill_disable;
    struct ctr__ulimit *ulimits; size_t n_ulimits;
    char **devices;              /* HOST[:CONTAINER][:PERMISSIONS], never NULL */
    char **device_cgroup_rules;  /* never NULL */
};

/* Check the options' resources; nothing is allocated.  -EINVAL with a message. */
int ctr__resources_check(const ctr_container_options_t *o);
/* Copy them (checked) into @res; -ENOMEM. */
int ctr__resources_copy(const ctr_container_options_t *o, struct ctr__resources *res);
void ctr__resources_clear(struct ctr__resources *res);
/* Add the "resources" key to the config document; read it back (absent: nothing set). */
int ctr__resources_to_json(const struct ctr__resources *res, json_object *doc);
int ctr__resources_from_json(json_object *doc, struct ctr__resources *res);
/* Fill linux.resources, linux.devices, process.rlimits and
 * process.oomScoreAdj of @spec (privileged: all devices are there already). */
int ctr__resources_spec(const struct ctr__resources *res, bool privileged, json_object *spec);
/* HostConfig's keys of the resources (Memory, NanoCpus, Ulimits, Devices, ...). */
int ctr__resources_inspect(const struct ctr__resources *res, json_object *host_config);
