/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The native runtime's cgroups (cgroupfs manager; no systemd): the
 * container's cgroup made from linux.cgroupsPath, its linux.resources
 * written, processes moved in, frozen and thawed, listed, and removed.
 *
 * Works on cgroup v2 (unified) hosts, on v1 hosts and on hybrid ones (v1
 * controllers plus a v2 `unified` mount without controllers, as this
 * project's test machines have), with runc's path rules for cgroupfs: an
 * absolute cgroupsPath is below each hierarchy's mount root; a relative
 * one is below the calling process's own cgroup in that hierarchy (on a
 * v2-only host below its parent, as runc's fs2 does: the caller's own
 * cgroup has processes, so it cannot enable controllers for a child); no
 * cgroupsPath is `ID`, relative, like runc's default.  The directories are
 * found from /proc/self/mountinfo and /proc/self/cgroup. */
#pragma once

#include <json-c/json.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

struct ctr__native_cgroup;

/*
 * Resolve the container's cgroup directories for @cgroups_path (NULL: use
 * @id) without touching them.  @ret receives the handle.
 * Returns 0; -EINVAL (a path with "..", an empty one); -ENOENT (no cgroup
 * file system mounted); -ENOMEM.
 */
int ctr__native_cgroup_open(const char *cgroups_path, const char *id, struct ctr__native_cgroup **ret);

/* Whether the handle is on a v2-only host (all controllers unified). */
bool ctr__native_cgroup_is_v2(const struct ctr__native_cgroup *cg);

/*
 * Make the directories (and on v2 enable the controllers the resources
 * need in each ancestor's cgroup.subtree_control; on v1 a new cpuset
 * directory gets its parent's cpus and mems), then write @resources (an OCI
 * linux.resources object, NULL for none): memory (limit, reservation,
 * swap, kernel ignored, swappiness, disableOOMKiller), cpu (shares,
 * quota, period, realtime*, cpus, mems, idle), pids.limit, blockIO
 * (weight, leafWeight, weightDevice, throttle*), hugepageLimits, devices
 * (v1 devices.deny/allow; v2 an eBPF device program attached to the
 * directory), unified (v2 key=value files), with the v1 <-> v2 mapping
 * runc uses (shares -> weight, blkio weight -> io.weight, swap -> swap.max
 * as swap - memory).  A limit the host cannot apply is an error naming the
 * file and the value.  On failure the directories made are removed again.
 * Returns 0; -EINVAL (a bad value); -EEXIST (a directory with processes
 * already there); the errno of the write that failed.
 */
int ctr__native_cgroup_create(struct ctr__native_cgroup *cg, json_object *resources);

/* Write @resources again on an existing cgroup (update). Same errors. */
int ctr__native_cgroup_update(struct ctr__native_cgroup *cg, json_object *resources);

/* Move @pid into every directory of the cgroup.  Returns 0 or -errno. */
int ctr__native_cgroup_enter(const struct ctr__native_cgroup *cg, pid_t pid);

/*
 * An O_DIRECTORY descriptor of the unified directory (for clone3's
 * CLONE_INTO_CGROUP on v2 hosts; close-on-exec), or -EOPNOTSUPP when the
 * host's controllers are not all on v2.
 */
int ctr__native_cgroup_fd(const struct ctr__native_cgroup *cg);

/*
 * Freeze (true) or thaw every process: v2 cgroup.freeze, waiting for
 * cgroup.events' frozen 1; v1 freezer.state FROZEN, waiting while it reads
 * FREEZING.  Returns 0; -EOPNOTSUPP (no freezer); -ETIMEDOUT; -errno.
 */
int ctr__native_cgroup_freeze(const struct ctr__native_cgroup *cg, bool frozen);
/* Whether it is frozen now (false when unknown). */
bool ctr__native_cgroup_frozen(const struct ctr__native_cgroup *cg);

/* The PIDs of every process in the cgroup and below it (the pids or memory
 * hierarchy on v1).  @ret is malloc'ed.  Returns 0 or -errno. */
int ctr__native_cgroup_pids(const struct ctr__native_cgroup *cg, pid_t **ret, size_t *ret_n);

/*
 * Remove the directories (deepest first; a v2 cgroup with processes is
 * killed with cgroup.kill when the kernel has it, else its processes are
 * sent SIGKILL, and its removal retried for up to @timeout_ms).  Missing
 * directories are not an error.  Returns 0; -EBUSY; -errno.
 */
int ctr__native_cgroup_destroy(struct ctr__native_cgroup *cg, int timeout_ms);

/* The directory of a hierarchy for messages and tests: controller "" is
 * the unified one, else a v1 controller's ("memory", "pids"...); NULL when
 * none. Borrowed. */
const char *ctr__native_cgroup_dir(const struct ctr__native_cgroup *cg, const char *controller);

void ctr__native_cgroup_free(struct ctr__native_cgroup *cg);

/* For tests, the mapping alone (no host): the files @resources become on a
 * v2 host ("FILE=VALUE", in the order written) or a v1 one
 * ("CONTROLLER/FILE=VALUE"; unified keys "FILE=VALUE").  *ret a string
 * array (ctr__strv_free()); v2's device rules are the entries "bpf:deny"
 * and "bpf:allow" of the program's rules.  Returns 0; -EINVAL; -ENOMEM. */
int ctr__native_cgroup_v2_files(json_object *resources, char ***ret);
int ctr__native_cgroup_v1_files(json_object *resources, char ***ret);
/* runc's cpu.shares to cpu.weight: 1 + ((shares - 2) * 9999) / 262142, the
 * shares taken into the kernel's 2-262144 first; 0 for 0. */
uint64_t ctr__native_cgroup_v2_cpu_weight(uint64_t shares);
/* For tests: the v2 device program of the OCI linux.resources.devices array
 * @devices attached to the cgroup v2 directory @dir (in place of the ones
 * there), as create does on a v2 host; a hybrid host's unified directory
 * works too.  Returns 0; -EINVAL; -errno of bpf(). */
int ctr__native_cgroup_v2_devices(const char *dir, json_object *devices);
