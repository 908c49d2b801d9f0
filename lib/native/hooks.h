/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* config.json's hooks, run as runc runs them: each in turn, its path
 * executed with its args and env (only those), the container's state
 * document on its stdin, its stdout and stderr kept for the error, killed
 * at its timeout.  Where each kind runs (container.c): prestart and
 * createRuntime in the runtime's namespaces once the container's mounts
 * are made, createContainer in the container's mount namespace before
 * pivot_root, startContainer in the container just before the execve,
 * poststart by start after the go-ahead, poststop by delete. */
#pragma once

#include <sys/types.h>

#include "native/report.h"
#include "native/spec.h"

/* The state document a hook reads on stdin: {ociVersion, id, status,
 * pid, bundle, annotations}, malloc'ed; NULL on ENOMEM.  @pid 0 leaves
 * "pid" out (a stopped container's). */
char *ctr__native_hook_state(const struct ctr__native_spec *s, const char *id, const char *status, pid_t pid);

/* Run the hooks of @kind of @s in their order with @state on stdin.
 * Stops at the first that fails (does not start, exits non-zero, is
 * killed, or outlives its timeout) and records it in @rep as runc words
 * it ("error running createRuntime hook #0: exit status 3, stdout: ...,
 * stderr: ..."); returns its -errno.  0 when every hook succeeded or
 * there are none. */
int ctr__native_hooks_run(const struct ctr__native_spec *s, enum ctr__native_hook_kind kind, const char *state,
                          struct ctr__native_report *rep);
