/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Checkpoint and restore (checkpoint.c), for the import of an exported
 * checkpoint (lib/api/checkpoint-import.c). */
#pragma once

#include <libctr/ctr-lifecycle.h>

/* The version and flags of o; -EINVAL. */
int ctr__restore_check_options(const ctr_restore_options_t *o);
/* ctr_container_restore() with checked options. */
int ctr__container_restore(ctr_container_t *c, const ctr_restore_options_t *o);
