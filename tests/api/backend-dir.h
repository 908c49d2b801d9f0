/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* "testdir": a state backend written by the tests through the public plug-in
 * API (include/libctr/sys/ctr-state.h), with its own on-disk layout. */
#pragma once

#include <libctr/sys/ctr-state.h>

const ctr_state_backend_t *test_backend_dir(void);
