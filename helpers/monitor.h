/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What ctr-monitor (the daemon, libc only) and ctr-monitor-create (its
 * create step, over lib/native) share: conmon's command line as
 * lib/oci/conmon.c gives it, the sync pipe's reports, and the hand-over
 * between the two programs, which run in turn in the same process (see
 * ctr-monitor.c). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define CTR_MONITOR_DEFAULT_ROOT "/run/ctr-oci"
/* The hand-over: the daemon's descriptors (struct monitor_fds, in order),
 * and the created container's PID on the way back. */
#define CTR_MONITOR_FDS_ENV "_CTR_MONITOR_FDS"
#define CTR_MONITOR_PID_ENV "_CTR_MONITOR_PID"
#define CTR_MONITOR_CREATE "ctr-monitor-create"
#define CTR_MONITOR_CONSOLE ".ctr-monitor-console"

struct opts {
    const char *cid, *bundle, *pidfile, *conmon_pidfile, *log, *exit_dir, *exit_command;
    const char *root, *oci_log;
    char **exit_args;
    size_t n_exit_args;
    long long log_size_max;
    bool tty, stdin_open, unsupported;
    char **rargs;
    size_t n_rargs;
};

/* The daemon's descriptors, kept open across both execve()s. */
struct monitor_fds {
    int sync, bundle, out, err, in, listen, ctl, ctl_w, log, console;
};
#define MONITOR_FDS_N 10

/* Parse conmon's command line into *o (strings borrowed from argv); -1
 * with a message on stderr. */
int monitor_parse(struct opts *o, int argc, char **argv);
/* Append s to the NULL-terminated *v of *n entries (exits when out of memory). */
void monitor_push(char ***v, size_t *n, const char *s);
/* An inherited descriptor's number from the environment, -1 if none. */
int monitor_env_fd(const char *name);
void monitor_write_all(int fd, const void *buf, size_t len);
/* {"data": N} or {"data": N, "message": "..."} on the sync pipe. */
void monitor_sync_send(int fd, int data, const char *message);
/* Report a failure (the runtime's JSON log, the sync pipe, stderr), exit 1. */
void monitor_fail(const struct opts *o, int sync, const char *msg) __attribute__((noreturn));
/* The hand-over's text: "N,N,...", and back. */
void monitor_fds_format(const struct monitor_fds *f, char *buf, size_t size);
int monitor_fds_parse(const char *s, struct monitor_fds *f);
