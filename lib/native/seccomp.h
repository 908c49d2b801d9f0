/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The native runtime's seccomp: the OCI spec's linux.seccomp compiled into a
 * classic BPF program with libseccomp, cached by the policy's hash, and
 * loaded in the container's process just before execve().
 *
 * Compiling podman's default policy takes milliseconds; loading a compiled
 * program takes microseconds.  The cache is a directory (under the run
 * root) of files named by the SHA-256 of the policy's JSON text (as json-c
 * prints it), the native architecture and libseccomp's version; a file is
 * written atomically (temp + rename, no fsync: a lost cache entry is
 * compiled again) and checked when read (size a multiple of 8, at most
 * BPF_MAXINSNS instructions, a header that names the hash).  A damaged entry is compiled again, never loaded. */
#pragma once

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>

/* A compiled filter, ready to load.  Made in the runtime's process before
 * the container's child is cloned, so the child only calls load. */
struct ctr__native_seccomp;

/*
 * Compile (or read from cache_dir, when not NULL) the filter of the OCI
 * linux.seccomp object @seccomp: defaultAction, defaultErrnoRet,
 * architectures, flags, syscalls [{names, action, errnoRet, args [{index,
 * value, valueTwo, op}]}], with runc's semantics (an unknown syscall name
 * is skipped, as runc does; an unknown action, op or architecture is an
 * error; SCMP_ACT_NOTIFY and listenerPath are -EOPNOTSUPP).
 * @ret receives the filter.
 * Returns 0; -EINVAL with a message naming the bad member; -EOPNOTSUPP;
 * -ENOMEM; -EIO (libseccomp failed).
 */
int ctr__native_seccomp_prepare(json_object *seccomp, const char *cache_dir, struct ctr__native_seccomp **ret);

/* Whether it was read from the cache (for tests and benchmarks). */
bool ctr__native_seccomp_cached(const struct ctr__native_seccomp *f);

/*
 * Load the filter into the calling thread (all threads with the spec's
 * SECCOMP_FILTER_FLAG_TSYNC) with seccomp(2), falling back to
 * prctl(PR_SET_SECCOMP) where the flags allow.  Async-signal-safe: no
 * allocation, callable in a cloned child.  The caller has set
 * no_new_privs or holds CAP_SYS_ADMIN.
 * Returns 0 or a negative errno.
 */
int ctr__native_seccomp_load(const struct ctr__native_seccomp *f);

void ctr__native_seccomp_free(struct ctr__native_seccomp *f);
