/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* "testdir": a state backend written by the tests through the public plug-in
 * API (include/libctr/sys/ctr-state.h), with its own on-disk layout. */
#pragma once

#include <libctr/sys/ctr-state.h>

const ctr_state_backend_t *test_backend_dir(void);

/* "logged": a factory of testdir instances whose save_state_flags()
 * (version 5) logs the state ("running", ...) and the flags of each save in
 * test_saves, then saves.  Which saves libctr makes transient
 * (CTR_STATE_SAVE_TRANSIENT) is read there. */
#define TEST_SAVES_MAX 64
struct test_saves {
    int n;
    unsigned int flags[TEST_SAVES_MAX];
    char state[TEST_SAVES_MAX][16];
};
extern struct test_saves test_saves;
/* Register "logged" (0 or the registration's error). */
int test_backend_logged_register(void);
