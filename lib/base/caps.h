/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Capability sets for generated specs, named the OCI way ("CAP_CHOWN"). */
#pragma once

#include "base/util.h"

/* The highest capability number of the running kernel
 * (/proc/sys/kernel/cap_last_cap; the compile-time CAP_LAST_CAP when unreadable). */
int ctr__cap_last_cap(void);

/* "CAP_" + the upper-case name libcap-ng gives capability @cap, into buf;
 * -EINVAL when libcap-ng does not know it. */
int ctr__cap_name(unsigned int cap, char *buf, size_t size);

/* Podman's default set: CHOWN, DAC_OVERRIDE, FOWNER, FSETID, KILL,
 * NET_BIND_SERVICE, SETFCAP, SETGID, SETPCAP, SETUID, SYS_CHROOT.
 * *ret is a NULL-terminated array; free with ctr__strv_free().  -ENOMEM. */
int ctr__caps_default(char ***ret);

/* Every capability of the running kernel (0 .. cap_last_cap) that is in the
 * calling process's bounding set (what podman's privileged mode gives: a
 * capability we do not hold cannot be granted) and that libcap-ng can name.
 * Same ownership as ctr__caps_default(). */
int ctr__caps_all(char ***ret);
