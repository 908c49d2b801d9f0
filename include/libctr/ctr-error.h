/* SPDX-License-Identifier: LGPL-2.1-or-later */
/**
 * @file ctr-error.h
 * @brief Error codes and the per-thread error detail.
 *
 * Every fallible call returns an `int`: zero or a positive value on success,
 * a negative errno on failure.  The mapping is fixed:
 *
 * | code            | meaning                                                   |
 * |-----------------|-----------------------------------------------------------|
 * | `-EINVAL`       | a bad argument: NULL, invalid name or ID, ambiguous ID prefix, malformed JSON |
 * | `-ENOENT`       | no such container, image, artifact or file                |
 * | `-EEXIST`       | the name (or ID) is taken                                 |
 * | `-EBUSY`        | the container is in the wrong state for the operation, or in use |
 * | `-EDEADLK`      | the operation would deadlock (removing a container inside its own batch) |
 * | `-EOPNOTSUPP`   | not built in, or not supported by the chosen backend      |
 * | `-ETIMEDOUT`    | a timeout expired                                         |
 * | `-ECANCELED`    | cancelled by the caller (a progress callback or cancel flag) |
 * | `-EPROTONOSUPPORT` | stored state was written by a newer libctr          |
 * | `-EPERM`/`-EACCES` | refused by the system or by a safety check (root owned by another user) |
 * | `-ENOMEM`       | out of memory                                             |
 * | `-EIO`          | an external program (runtime, monitor) failed; the detail holds its message |
 *
 * Other negative errno values pass through from the system call that failed.
 *
 * A human-readable detail for the last failure is kept per thread.  Each call
 * that can fail (every function returning an error code) clears it on entry,
 * so read it right after the call that failed.  Infallible calls (getters,
 * ref/unref, ctr_free(), ctr_strerror(), ctr_state_name()) leave it alone.
 */
#ifndef LIBCTR_CTR_ERROR_H
#define LIBCTR_CTR_ERROR_H

#include <libctr/ctr-common.h>

#ifdef __cplusplus
extern "C" {
#endif

/** The last error of the calling thread. */
typedef struct ctr_error {
    /** The negative errno the failing call returned; 0 when there was none. */
    int code;
    /** What went wrong, in one line; "" when there was no error. Never NULL. */
    const char *message;
} ctr_error_t;

/**
 * The calling thread's last error.  Never NULL.  The record and its message
 * are owned by libctr and stay valid until the next libctr call on this
 * thread.
 */
const ctr_error_t *ctr_error_last(void);

/**
 * A static, human-readable name for an error code such as `-ENOENT`
 * ("no such container or object").  Accepts positive or negative values;
 * unknown codes fall back to strerror()'s text.  Never NULL; thread-safe.
 */
const char *ctr_strerror(int code);

#ifdef __cplusplus
}
#endif

#endif
