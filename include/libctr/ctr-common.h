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
