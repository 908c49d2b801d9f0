/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Crash points for the crash tests (tests/integration/test-crash.c).
 *
 * CTR_FAULT_POINT("module.step") marks a place where a crash must leave a
 * state that the next open, refresh or operation repairs.  It compiles to
 * nothing unless the library is built with -Dfault_injection=true.  In such a
 * build, the environment variable CTR_FAULT=NAME (or NAME:N, the Nth time the
 * point is reached) makes the process kill itself with SIGKILL there; before
 * that, the name is written to the file CTR_FAULT_HIT names, if it is set.
 * The variables are read once per process (again after a fork()). */
#pragma once

#include <ctr-config.h>

#if CTR_FAULT_INJECTION
void ctr__fault_point(const char *name);
#define CTR_FAULT_POINT(name) ctr__fault_point(name)
#else
#define CTR_FAULT_POINT(name) \
    do {                      \
    } while (0)
#endif
