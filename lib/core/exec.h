/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Exec for the other operations (the healthcheck): ctr_container_exec()
 * with a time limit. */
#pragma once

#include <libctr/ctr-lifecycle.h>

/* ctr_container_exec(), the process killed after @timeout seconds (0: no
 * limit): -ETIMEDOUT then. */
int ctr__exec(ctr_container_t *c, const ctr_exec_options_t *opts, unsigned int timeout, int *ret_exit_code);
