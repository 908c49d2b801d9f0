/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The native runtime's containers, with runc's life cycle and state
 * directory contract: ROOT/ID/ holds state.json (what the container is)
 * and, between create and start, exec.fifo, on which the container's
 * process waits before its execve.
 *
 * create clones the container's process (no re-exec of any host binary:
 * the child is a copy of the runtime that is not dumpable until it execs
 * the container's program), sets it up from config.json (rootfs.h,
 * process.h) while the runtime places it in its cgroup, and returns once
 * the child waits on exec.fifo; start opens the FIFO, which lets it exec.
 * The status is never stored: it is read from the process (alive, with
 * the start time recorded at create), exec.fifo and the freezer. */
#pragma once

#include <json-c/json.h>
#include <stdbool.h>

struct ctr__native_create_opts {
    const char *bundle;         /* required */
    const char *pid_file;       /* NULL: none */
    const char *console_socket; /* the terminal's master is sent there */
    int preserve_fds;           /* fds 3 .. 3+N-1 pass into the container */
    bool no_pivot;              /* MS_MOVE + chroot instead of pivot_root */
};

/*
 * Create container @id below the state directory @root (made when
 * missing).  Returns 0; -EEXIST (the ID is taken); -EINVAL (a bad ID or
 * config.json); -EOPNOTSUPP; or the errno of the step that failed, with
 * a message naming the step.  On failure nothing of the container is left.
 */
int ctr__native_create(const char *root, const char *id, const struct ctr__native_create_opts *o);

/* Let a created container's process exec its program.  -ENOENT (no such
 * container); -EINVAL (not created: "cannot start a container that has
 * stopped" and the like, as runc words it). */
int ctr__native_start(const char *root, const char *id);

/* runc's state document {ociVersion, id, pid, status, bundle, rootfs,
 * created, owner, annotations}.  *ret is the caller's.  -ENOENT. */
int ctr__native_state(const char *root, const char *id, json_object **ret);

/* Send @sig to the container's process, or with @all to every process of
 * its cgroup.  -ENOENT; -EINVAL (stopped: "container not running"). */
int ctr__native_kill(const char *root, const char *id, int sig, bool all);

/* Remove a stopped or created container (its cgroup, its state); with
 * @force a running or paused one is killed first.  -ENOENT; -EBUSY
 * (running without @force). */
int ctr__native_delete(const char *root, const char *id, bool force);

/* Freeze (true) or thaw the container's processes.  -ENOENT; -EINVAL (not
 * running, or not paused for a resume). */
int ctr__native_pause(const char *root, const char *id, bool pause);

/* Write new linux.resources to the container's cgroup.  -ENOENT; -EINVAL. */
int ctr__native_update(const char *root, const char *id, json_object *resources);

struct ctr__native_exec_opts {
    const char *process_file;   /* the OCI process JSON; required */
    const char *pid_file;       /* NULL: none */
    const char *console_socket; /* when the process has a terminal */
    int preserve_fds;
    bool detach;                /* return once it runs; else wait for it */
};

/*
 * Run a process in container @id (exec.c).  @ret_status: its exit status
 * (128 + signal) when not detached, else 0.  Returns 0; -ENOENT; -EINVAL
 * (stopped or paused: runc's words); the errno of the step that failed,
 * with a message naming it.
 */
int ctr__native_exec(const char *root, const char *id, const struct ctr__native_exec_opts *o, int *ret_status);

/* The IDs of the containers below @root, sorted (malloc'ed, NULL-terminated). */
int ctr__native_list(const char *root, char ***ret);
