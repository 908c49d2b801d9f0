/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "base/error.h"

#include <libctr/ctr-error.h>
#include <libctr/sys/ctr-state.h>
#include <ctype.h>
#include <stdio.h>

#define MSG_MAX 2048

static __thread struct {
    int code;
    char message[MSG_MAX];
} last;

static __thread ctr_error_t view;

void ctr__err_clear(void)
{
    last.code = 0;
    last.message[0] = '\0';
}

int ctr__err_code(void)
{
    return last.code;
}

int ctr__errv(int code, const char *fmt, va_list ap)
{
    last.code = code;
    vsnprintf(last.message, sizeof last.message, fmt, ap);
    return code;
}

int ctr__err(int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    ctr__errv(code, fmt, ap);
    va_end(ap);
    return code;
}

int ctr__err_keep(int code, const char *fmt, ...)
{
    if (last.code == code && last.message[0])
        return code;
    va_list ap;
    va_start(ap, fmt);
    ctr__errv(code, fmt, ap);
    va_end(ap);
    return code;
}

int ctr__err_prefix(int code, const char *fmt, ...)
{
    char prefix[256], old[MSG_MAX - 300];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(prefix, sizeof prefix, fmt, ap);
    va_end(ap);
    if (last.message[0]) {
        snprintf(old, sizeof old, "%.1700s", last.message);
        snprintf(last.message, sizeof last.message, "%s: %s", prefix, old);
    } else {
        snprintf(last.message, sizeof last.message, "%s: %s", prefix, strerror(-code));
    }
    last.code = code;
    return code;
}

CTR_EXPORT const ctr_error_t *ctr_error_last(void)
{
    view.code = last.code;
    view.message = last.message;
    return &view;
}

CTR_EXPORT int ctr_state_backend_error(int code, const char *format, ...)
{
    va_list ap;
    va_start(ap, format);
    ctr__errv(code, format, ap);
    va_end(ap);
    return code;
}

CTR_EXPORT const char *ctr_strerror(int code)
{
    if (code < 0)
        code = -code;
    switch (code) {
    case 0: return "success";
    case EINVAL: return "invalid argument";
    case ENOENT: return "no such container or object";
    case EEXIST: return "name or ID already in use";
    case EBUSY: return "wrong state or in use";
    case EDEADLK: return "operation would deadlock";
    case EOPNOTSUPP: return "not supported";
    case ETIMEDOUT: return "timed out";
    case ECANCELED: return "cancelled";
    case EPROTONOSUPPORT: return "stored state is from a newer libctr";
    case EIO: return "external program failed";
    case ENOMEM: return "out of memory";
    default: return strerror(code);
    }
}

void ctr__log(const struct ctr__logger *lg, int level, const char *fmt, ...)
{
    if (!lg || !lg->fn || level > lg->level)
        return;
    char buf[MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    lg->fn(level, buf, lg->userdata);
}

const char *ctr__strerror_go(int err, char *buf, size_t size)
{
    snprintf(buf, size, "%s", strerror(err));
    buf[0] = (char)tolower((unsigned char)buf[0]);
    return buf;
}
