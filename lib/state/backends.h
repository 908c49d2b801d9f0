/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The built-in state backends (see include/libctr/sys/ctr-state.h). */
#pragma once

#include <ctr-config.h>
#include <libctr/sys/ctr-state.h>

/* "files": ctr/ID/{config,state}.json and names/NAME -> ID symlinks (state-files.c). */
extern const ctr_state_backend_t ctr__state_backend_files;

/* Layout version written to DIR/VERSION by the files backend. */
#define CTR__STATE_FILES_LAYOUT_VERSION 1

#if HAVE_TDB
/* "tdb": one DIR/state.tdb, a transaction per write (state-tdb.c). */
extern const ctr_state_backend_t ctr__state_backend_tdb;

/* Layout version stored under the "meta/version" key by the tdb backend. */
#define CTR__STATE_TDB_LAYOUT_VERSION 1
#endif
