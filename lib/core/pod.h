/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Pods on a runtime: their records in the state backend (kind "pod", keyed
 * by ID), their lookup by ID, prefix or name, their members (the containers
 * whose config names the pod), their lock, and their cgroup. */
#pragma once

#include <libctr/ctr-container.h>

#include "base/lock.h"
#include "data/pod.h"

/* A pod's record by full ID: -ENOENT "no pod with ID"; -EUCLEAN for a
 * damaged one; -EOPNOTSUPP when the state backend keeps no objects. */
int ctr__pod_get(ctr_runtime_t *rt, const char *id, struct ctr__pod *ret);
/* By full ID, unique ID prefix or name: -ENOENT "no pod with name or ID";
 * -EINVAL for an empty or ambiguous reference. */
int ctr__pod_resolve(ctr_runtime_t *rt, const char *ref, struct ctr__pod *ret);
/* Every pod, oldest first; damaged records are logged and left out; *ret
 * freed with ctr__pod_list_free(). */
int ctr__pod_list(ctr_runtime_t *rt, struct ctr__pod **ret, size_t *ret_n);
void ctr__pod_list_free(struct ctr__pod *p, size_t n);
/* Whether a pod has this name (0 no, 1 yes, negative on an error); with a
 * state backend that keeps no objects, no pod has it. */
int ctr__pod_name_taken(ctr_runtime_t *rt, const char *name);

/* Add, replace and remove the record (runtime lock held: a pod's record is
 * written only under it). */
int ctr__pod_add_locked(ctr_runtime_t *rt, const struct ctr__pod *p);
int ctr__pod_save(ctr_runtime_t *rt, const struct ctr__pod *p);
int ctr__pod_delete_locked(ctr_runtime_t *rt, const char *id);

/* The pod's members, read now: the full IDs of the containers of its member
 * index that exist and whose config names the pod, the infra container
 * left out, oldest first (NULL-terminated).  -ENOENT when the pod is gone. */
int ctr__pod_members(ctr_runtime_t *rt, const char *pod_id, char ***ret);
/* Add a container's ID to the pod's member index, before its record is
 * added; remove it after its record is removed (runtime lock held). */
int ctr__pod_member_add(ctr_runtime_t *rt, const char *pod_id, const char *ctr_id);
int ctr__pod_member_remove(ctr_runtime_t *rt, const char *pod_id, const char *ctr_id);

/* The pod's lock, LOCK_DIR/pod-ID.lock, taken after the runtime's and
 * before a container's.  ctr__pod_unlock() releases and frees it. */
int ctr__pod_lock(ctr_runtime_t *rt, const char *id, struct ctr__lock *l);
void ctr__pod_unlock(struct ctr__lock *l, bool remove_file);

/* Make the pod's cgroup with its limits (the record's), in the hierarchies
 * of the controllers they need (v1: memory, cpu, cpuset; v2: the unified
 * one, its controllers enabled on the way), when it has limits; nothing
 * otherwise (the OCI runtime makes the path when a member starts). */
int ctr__pod_cgroup_create(ctr_runtime_t *rt, const struct ctr__pod *p);
/* Make the cgroup of the pod pod_id as ctr__pod_cgroup_create() does, for a
 * member about to be made by the OCI runtime: the pod's cgroup (and its
 * limits) goes with a reboot, and comes back with the first container of
 * the pod that starts in the new boot.  -ENOENT when the pod is gone. */
int ctr__pod_cgroup_ensure(ctr_runtime_t *rt, const char *pod_id);
/* Remove the pod's cgroup from every hierarchy (members gone): best effort,
 * a cgroup still busy is logged. */
void ctr__pod_cgroup_remove(ctr_runtime_t *rt, const struct ctr__pod *p);
