/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Keeping the calling thread's error detail across cleanup work (a teardown
 * in an error path must not replace the error being reported). */
#pragma once

#include <stdio.h>

#include "error.h"

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
