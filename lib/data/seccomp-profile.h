/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A seccomp profile file in podman's (Docker's) JSON format, turned into the
 * OCI runtime spec's linux.seccomp as podman does (untrusted input). */
#pragma once

#include <json-c/json.h>

/*
 * Convert the profile @text for the native architecture and the capability
 * set @caps (NULL-terminated "CAP_*" names; NULL: none), as podman does:
 *  - defaultAction (required), defaultErrnoRet, flags, listenerPath and
 *    listenerMetadata are copied;
 *  - "architectures" is copied; or "archMap" gives the entry of the native
 *    architecture with its subArchitectures (giving both is an error);
 *  - each syscall entry has "names" (or the older "name", not both), an
 *    action, optional errnoRet and args ({index, value, valueTwo, op});
 *    "includes" (caps: all needed, arches: the native one among them,
 *    minKernel) and "excludes" (caps: any one excludes, arches,
 *    minKernel) decide whether it is kept;
 *  - actions must be SCMP_ACT_* and ops SCMP_CMP_* names the OCI spec knows.
 * @ret receives a new linux.seccomp object.
 * @return 0; -EINVAL with a message naming what is wrong; -ENOMEM.
 */
int ctr__seccomp_profile_convert(const char *text, const char *const *caps, json_object **ret);
