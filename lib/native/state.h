/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* ROOT/ID/state.json of the native runtime: what create recorded (written
 * atomically, not fsynced: a reboot ends every container anyway), and the
 * status read from the system each time. */
#pragma once

#include <json-c/json.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

struct ctr__native_state {
    char *id, *bundle, *rootfs, *cgroups_path, *created;
    pid_t pid;
    uint64_t start_time; /* /proc/PID/stat starttime, guarding against PID reuse */
    json_object *annotations;
    unsigned int hooks; /* bit K: config.json has hooks of kind K (spec.h), for start and delete */
};

enum ctr__native_status {
    CTR_NATIVE_CREATING,
    CTR_NATIVE_CREATED,
    CTR_NATIVE_RUNNING,
    CTR_NATIVE_PAUSED,
    CTR_NATIVE_STOPPED,
};

/* A container ID as runc accepts it ([A-Za-z0-9_+.-], not "." or ".."), and
 * not starting with '.' (this runtime's own entries).  -EINVAL. */
int ctr__native_id_check(const char *id);

/* ROOT/ID, malloc'ed (NULL on ENOMEM). */
char *ctr__native_state_dir(const char *root, const char *id);

int ctr__native_state_save(const char *dir, const struct ctr__native_state *st);
/* -ENOENT (no container there, with runc's message); -EINVAL (damaged). */
int ctr__native_state_load(const char *root, const char *id, struct ctr__native_state *ret);
void ctr__native_state_done(struct ctr__native_state *st);

/* The start time of @pid, or 0 when it is gone or a zombie. */
uint64_t ctr__native_pid_start_time(pid_t pid);

/* Whether the recorded process still runs (not a zombie, same start time). */
bool ctr__native_state_alive(const struct ctr__native_state *st);

/* The status now: stopped, created (exec.fifo still there), paused (its
 * cgroup frozen) or running. */
enum ctr__native_status ctr__native_state_status(const char *root, const struct ctr__native_state *st);
const char *ctr__native_status_name(enum ctr__native_status s);
