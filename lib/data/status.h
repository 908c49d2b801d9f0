/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A container's mutable state, and its JSON form. */
#pragma once

#include <libctr/ctr-container.h>
#include <sys/types.h>

#include "base/util.h"

#define CTR__STATUS_VERSION 1

struct ctr__status {
    ctr_state_t state;
    char *config_path;    /* the generated OCI config.json */
    char *run_dir;        /* RUNROOT/containers/ID */
    bool mounted;
    char *mount_point;
    int64_t started;      /* ns since the epoch, 0 = never */
    int64_t finished;
    int exit_code;        /* -1 = unknown */
    bool oom_killed;
    pid_t pid;            /* container init process, 0 when not running */
    pid_t conmon_pid;     /* monitor process, 0 when none */
    char *netns_path;
    char *boot_id;        /* boot the run-time fields belong to */
    char *networks_json;  /* network results (network issue), JSON object or NULL */
    char *health_json;    /* podman's State.Health object (data/health.h), NULL: never checked */
    int restart_count;    /* restarts by the restart policy since the last start by a user */
    bool stopped_by_user; /* the last end was a user's stop or kill: no restart by the policy */
    uint64_t config_revision; /* the revision of the config that goes with it */
    /* Checkpoint/restore (core/checkpoint.c): the last checkpoint stopped
     * the container (cleared by its restore), the container runs restored
     * from one, when each happened (ns, 0 = never), and which of the
     * checkpoint's files in the static dir inspect names
     * (CTR__CKPT_FILE_*). */
    bool checkpointed;
    bool restored;
    int64_t checkpointed_at;
    int64_t restored_at;
    unsigned ckpt_files;
};

enum {
    CTR__CKPT_FILE_IMAGES = 1u << 0,      /* STATIC_DIR/checkpoint/ */
    CTR__CKPT_FILE_DUMP_LOG = 1u << 1,    /* STATIC_DIR/dump.log */
    CTR__CKPT_FILE_RESTORE_LOG = 1u << 2, /* STATIC_DIR/restore.log */
};

void ctr__status_init(struct ctr__status *st);   /* zero + exit_code = -1 */
void ctr__status_clear(struct ctr__status *st);  /* free members, then init */
int ctr__status_copy(struct ctr__status *dst, const struct ctr__status *src);
int ctr__status_to_json(const struct ctr__status *st, char **ret);
int ctr__status_from_json(const char *json, struct ctr__status *ret);

/* Whether a container in state s has a process and a monitor (created,
 * running, paused, stopping). */
bool ctr__state_is_live(ctr_state_t s);
