/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What libctr's helpers share: the runtime's options on their command
 * line, and becoming a detached worker. */
#pragma once

#include <libctr/ctr.h>
#include <stdbool.h>

/* Parse [RUNTIME OPTIONS] [--rm] ID (--rm only when ret_rm is not NULL)
 * into ro; 0 with *ret_id set, or 2 on bad usage (printed, naming name). */
int helper_parse(int argc, char **argv, const char *name, ctr_runtime_options_t *ro, bool *ret_rm,
                 const char **ret_id);
/* Fork a worker in a session of its own with stdin (and stdout) on
 * /dev/null, whose parent is init (or the subreaper): returns 0 in the
 * worker, 1 when the first fork failed (printed).  The calling process
 * waits for the intermediate child and exits with its status (0 once the
 * worker exists); with print_pid, the worker's PID is printed on stdout
 * first. */
int helper_detach(const char *name, bool print_pid);
