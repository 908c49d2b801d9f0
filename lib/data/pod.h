/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A pod's record: its ID, name, labels, the namespaces its members share,
 * its cgroup, exit policy and infra container; its JSON form, kept by the
 * state backend as the object record "pod"/ID; the checks of its values. */
#pragma once

#include <libctr/ctr-pod.h>
#include <json-c/json.h>
#include <stdbool.h>
#include <stdint.h>

/* The kind of the state backend's object records. */
#define CTR__POD_KIND "pod"
/* The record's "version". */
#define CTR__POD_VERSION 1
/* The parent of pods' cgroups, as podman's /libpod_parent. */
#define CTR__POD_CGROUP_PARENT "/libctr_parent"

struct ctr__pod {
    char *id;
    char *name;
    int64_t created;        /* ns since the epoch */
    char **labels;          /* KEY=VALUE, sorted by key, never NULL */
    uint32_t share;         /* CTR_POD_SHARE_* bits, CTR_POD_SHARE_NONE for none */
    int exit_policy;        /* ctr_pod_exit_policy_t */
    char *cgroup_parent;
    char *hostname;         /* or NULL */
    char *infra_id;         /* or NULL: no infra container (yet) */
    int64_t memory, memory_swap;  /* bytes; 0 none, memory_swap -1 unlimited */
    int64_t cpu_quota, cpu_period; /* microseconds; 0 none */
    char *cpuset_cpus, *cpuset_mems; /* or NULL */
    char **members;         /* IDs of the members (the infra container left out), never NULL after a
                               read: a superset (a member's ID is added before its record, removed after) */
};

void ctr__pod_clear(struct ctr__pod *p);
/* The pod's cgroup, CGROUP_PARENT/ID (malloc()ed; NULL on ENOMEM). */
char *ctr__pod_cgroup_path(const struct ctr__pod *p);

/* "ipc", "net", "uts", "pid", "cgroup": the names of the share bits, in
 * podman's order of `SharedNamespaces`.  Calls fn(name, bit) for each bit
 * set in share. */
void ctr__pod_share_each(uint32_t share, void (*fn)(const char *name, uint32_t bit, void *ud), void *ud);
/* The bit of one name; 0 for an unknown name. */
uint32_t ctr__pod_share_bit(const char *name);
/* podman's "continue" and "stop"; NULL for another value. */
const char *ctr__pod_exit_policy_name(int policy);

/* The record as JSON (malloc()ed); read back (untrusted: -EUCLEAN naming the
 * pod when it is not one of ours, -EPROTONOSUPPORT for a newer version). */
int ctr__pod_to_json(const struct ctr__pod *p, char **ret);
int ctr__pod_from_json(const char *json, struct ctr__pod *p);
