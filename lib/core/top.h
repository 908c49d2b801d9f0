/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Process tables of ctr_container_top() (top.c), for the pod's. */
#pragma once

#include <libctr/ctr-lifecycle.h>

/* One table of the rows of @tops (n >= 1, with the same columns), in order,
 * with the first one's header; freed with ctr_container_top_free(). */
int ctr__top_join(ctr_top_t *const *tops, size_t n, ctr_top_t **ret);
