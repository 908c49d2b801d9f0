/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The per-thread error detail and the log callback. */
#pragma once

#include <libctr/ctr-error.h>
#include <libctr/ctr-runtime.h>
#include <stdio.h>

#include "base/util.h"

/* Set the calling thread's error detail and return code (a negative errno). */
int ctr__err(int code, const char *fmt, ...) _printf_(2, 3);
int ctr__errv(int code, const char *fmt, va_list ap);
/* Keep the detail already set by a deeper call if there is one for code;
 * otherwise set it from fmt. */
int ctr__err_keep(int code, const char *fmt, ...) _printf_(2, 3);
/* Prefix the current detail with "fmt: " (context from an outer layer). */
int ctr__err_prefix(int code, const char *fmt, ...) _printf_(2, 3);
/* Clear the detail; every public entry point calls this first. */
void ctr__err_clear(void);
/* Current code of the thread's detail (0 when none). */
int ctr__err_code(void);
/* strerror(err) as Go words it, lowercase ("no such file or directory"), for
 * podman's messages; written into buf (size bytes), which is returned. */
const char *ctr__strerror_go(int err, char *buf, size_t size);

/* Entry of a public function: clear the detail and check arguments. */
#define CTR_ENTER() ctr__err_clear()
#define CTR_CHECK_ARG(cond)                                                              \
    do {                                                                                 \
        if (!(cond))                                                                     \
            return ctr__err(-EINVAL, "%s: invalid argument: %s", __func__, #cond);       \
    } while (0)

/* Where a runtime's log messages go: the callback and level of its options.
 * Lent by the runtime to the modules that log (ctr__log); a zero logger, or
 * NULL, drops every message. */
struct ctr__logger {
    ctr_log_fn fn;
    void *userdata;
    int level;
};

/* Pass a message to @lg's callback when @level is within its level. */
void ctr__log(const struct ctr__logger *lg, int level, const char *fmt, ...) _printf_(3, 4);

/* -ENOMEM with its message: what could not be allocated. */
#define ctr__oom(what) ctr__err(-ENOMEM, "out of memory (%s)", (what))

/* Keeping the calling thread's error detail across cleanup work (a teardown
 * in an error path must not replace the error being reported). */
struct ctr__err_saved {
    int code;
    char message[2048];
};

static inline void ctr__err_save(struct ctr__err_saved *s)
{
    const ctr_error_t *e = ctr_error_last();
    s->code = e->code;
    snprintf(s->message, sizeof s->message, "%s", e->message);
}

static inline void ctr__err_restore(const struct ctr__err_saved *s)
{
    if (s->code)
        ctr__err(s->code, "%s", s->message);
    else
        ctr__err_clear();
}
