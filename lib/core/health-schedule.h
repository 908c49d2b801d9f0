/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The healthcheck's schedule: the helper ctr-healthcheck started with a
 * container and signalled at its cleanup (health-schedule.c). */
#pragma once

#include <libctr/ctr-container.h>

/* After a start (lock held, the state saved as running): start the helper
 * for a container with a healthcheck and keep its PID in the run
 * directory.  Best effort: a failure is logged. */
void ctr__health_schedule(ctr_container_t *c);
/* At a cleanup (lock held), before @run_dir is removed: end the helper the
 * run directory names, when it is still that helper for c and not the
 * calling process. */
void ctr__health_unschedule(ctr_container_t *c, const char *run_dir);
