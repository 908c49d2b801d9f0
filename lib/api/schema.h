/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The schema of libctr's records in a state database (see schema.c). */
#pragma once

#include "core/runtime.h"

/* The schema this libctr writes. */
#define CTR__SCHEMA_VERSION 2

/* When a runtime opens (runtime lock held): upgrade a database of an older
 * schema to this one, in place and keeping every record; refuse a newer one
 * (-EPROTONOSUPPORT).  Nothing with a state backend that keeps no object
 * records (it cannot hold pods either). */
int ctr__schema_open_locked(ctr_runtime_t *rt);
