/* SPDX-License-Identifier: LGPL-2.1-or-later */
/**
 * @file ctr-common.h
 * @brief Types, memory helpers and macros shared by every libctr header.
 *
 * Ownership rule of the whole API: anything handed out through a `ret_*`
 * output parameter belongs to the caller and is released with the function
 * named in the declaration's comment (`ctr_free()`, `ctr_strv_free()`,
 * `ctr_container_unref()`, ...).  `const char *` results of getters are lent:
 * they stay valid until the handle they came from is released.
 */
#ifndef LIBCTR_CTR_COMMON_H
#define LIBCTR_CTR_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

/** A runtime: one root directory, run root, state backend and OCI runtime. */
typedef struct ctr_runtime ctr_runtime_t;
/** A container handle: an immutable config and a state snapshot. */
typedef struct ctr_container ctr_container_t;

/**
 * Free memory that libctr handed out (strings, JSON documents, artifact
 * data).  `ctr_free(NULL)` does nothing.
 */
void ctr_free(void *p);

/**
 * Free a NULL-terminated string array handed out by libctr, and each string
 * in it.  `ctr_strv_free(NULL)` does nothing.
 */
void ctr_strv_free(char **strv);

/**
 * A cancellation token: another thread triggers it to end the blocking calls
 * that were given it (ctr_container_wait_for(), ...), which then return
 * -ECANCELED.  It stays triggered until ctr_cancel_reset().  Thread-safe.
 */
typedef struct ctr_cancel ctr_cancel_t;

/**
 * Make a cancellation token, not triggered.
 * @param ret  set to the token; free it with ctr_cancel_free().
 * @return 0; -EINVAL; -ENOMEM; -EMFILE (no descriptor left).
 */
int ctr_cancel_new(ctr_cancel_t **ret);

/**
 * Trigger @p t: the calls waiting with it return -ECANCELED, and those given
 * it later return it at once.  Async-signal-safe (one write()).
 * @return 0; -EINVAL.
 */
int ctr_cancel_trigger(ctr_cancel_t *t);

/** Make @p t untriggered again.  @return 0; -EINVAL. */
int ctr_cancel_reset(ctr_cancel_t *t);

/**
 * The token's descriptor, readable while it is triggered, for a caller's
 * own poll loop.  Lent: it stays open until ctr_cancel_free().
 * @return the descriptor; -EINVAL.
 */
int ctr_cancel_fd(const ctr_cancel_t *t);

/** Free a token no call is waiting with any more.  NULL does nothing. */
void ctr_cancel_free(ctr_cancel_t *t);

/**
 * Defines `NAMEp(TYPE **p)` calling `FREE(*p)`, for use with GCC/Clang's
 * `__attribute__((cleanup(NAMEp)))` in C callers.
 */
#define CTR_DEFINE_CLEANUP(type, func)                                         \
    static inline void func##p(type **p)                                       \
    {                                                                          \
        if (p && *p)                                                           \
            (void)func(*p);                                                    \
    }

#ifdef __cplusplus
}
#endif

#endif
