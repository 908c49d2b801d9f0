/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What the container's child tells the runtime when a step fails: the step
 * and the errno, in a fixed-size record (the child formats it with
 * vsnprintf() into its own memory and sends it whole over the sync socket;
 * nothing in it is allocated). */
#pragma once

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "base/error.h"

struct ctr__native_report {
    int err;        /* a positive errno, 0: no failure */
    bool whole;     /* step is the whole message (a hook's failure): no errno text after it */
    char step[480]; /* "mount /proc: ..." */
};

/* Record the failure of a step and return -@err. */
static inline int _printf_(3, 4) ctr__native_fail(struct ctr__native_report *rep, int err, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(rep->step, sizeof rep->step, fmt, ap);
    va_end(ap);
    rep->err = err > 0 ? err : -err;
    return -rep->err;
}

/* A child's report as the runtime's error: "STEP: no such file or
 * directory" (errno worded as runc's Go messages are). */
static inline int ctr__native_report_error(const struct ctr__native_report *rep)
{
    char buf[128];
    if (rep->whole)
        return ctr__err(-rep->err, "%s", rep->step);
    return ctr__err(-rep->err, "%s: %s", rep->step, ctr__strerror_go(rep->err, buf, sizeof buf));
}
