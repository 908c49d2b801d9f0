/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Refresh after a reboot or a crash (runtime lock held). */
#pragma once

#include "core/runtime.h"

/* Reset the containers whose run-time state is from another boot (all of
 * them when fresh_boot: the machine rebooted), and sweep the run root of
 * what no container owns.  Returns the first container error, after trying
 * them all. */
int ctr__refresh_locked(ctr_runtime_t *rt, bool fresh_boot);
