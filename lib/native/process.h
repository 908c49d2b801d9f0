/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The last steps of a container's (or an exec's) process, in its child,
 * after the file system view is made: limits, the console, the identity
 * (groups, IDs, capabilities with libcap-ng), the working directory
 * checked to be inside the container (CVE-2024-21626), the program found
 * on the container's PATH, and the exec itself with no_new_privs, seccomp
 * and every other descriptor closed.
 *
 * Each returns 0 or -errno with the step in @rep. */
#pragma once

#include <stddef.h>

#include "native/report.h"
#include "native/spec.h"

struct ctr__native_seccomp;

/* rlimits (setrlimit) and oom_score_adj. */
int ctr__native_process_limits(const struct ctr__native_process *p, struct ctr__native_report *rep);

/* A terminal: a new pty of the container's /dev/pts, its master sent to
 * the console socket @socket_fd (SCM_RIGHTS), its slave bound on
 * /dev/console (when @bind_console) and made the controlling terminal and
 * stdio. */
int ctr__native_process_console(const struct ctr__native_process *p, int socket_fd, bool bind_console,
                                struct ctr__native_report *rep);

/* Groups, gid and uid (capabilities kept across), then the bounding,
 * effective, permitted, inheritable and ambient sets. */
int ctr__native_process_identity(const struct ctr__native_process *p, struct ctr__native_report *rep);

/* chdir to the cwd and check that it is inside the container's root. */
int ctr__native_process_cwd(const struct ctr__native_process *p, struct ctr__native_report *rep);

/* The program to execute: args[0] with a '/' as it is, else the first
 * executable file of that name on the PATH of the process's env (the
 * container's default PATH when it has none), into @buf. */
int ctr__native_process_find(const struct ctr__native_process *p, char *buf, size_t size,
                             struct ctr__native_report *rep);

/* no_new_privs, the umask, every descriptor from @keep_fds up closed on
 * exec, seccomp (@filter: NULL when there is none or the caller loaded it
 * before the identity, as it must without no_new_privs), then
 * execve(@path).  Returns only on failure. */
int ctr__native_process_exec(const struct ctr__native_process *p, const char *path,
                             const struct ctr__native_seccomp *filter, int keep_fds, struct ctr__native_report *rep);
