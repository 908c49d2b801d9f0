/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* ctrctl: sizes as podman reads --memory, --shm-size and --device-read-bps
 * (go-units' RAMInBytes).  No dependency on the rest of ctrctl, so that the
 * unit tests compile it alone. */
#pragma once

#include <stddef.h>
#include <stdint.h>

/* "64m", "1.5g", "100", "2 KiB", "512kb": a decimal number, an optional
 * space, an optional unit b, k, m, g, t or p (powers of 1024, any case),
 * then an optional "i" and an optional "b".  0 and *ret set, or -1 with
 * podman's reason in @err ("invalid size: '12q'"). */
int ram_in_bytes(const char *s, int64_t *ret, char *err, size_t err_size);
