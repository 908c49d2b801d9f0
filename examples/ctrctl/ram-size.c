/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* ctrctl: podman's RAMInBytes sizes (see ram-size.h). */
#include "ram-size.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The number part: digits, then groups of "." and digits (the pattern
 * go-units matches; more than one dot then fails to parse as a number). */
static size_t number_length(const char *s, size_t *dots)
{
    size_t i = 0;
    *dots = 0;
    while (s[i] >= '0' && s[i] <= '9')
        i++;
    if (i == 0)
        return 0;
    while (s[i] == '.' && s[i + 1] >= '0' && s[i + 1] <= '9') {
        (*dots)++;
        i++;
        while (s[i] >= '0' && s[i] <= '9')
            i++;
    }
    return i;
}

int ram_in_bytes(const char *s, int64_t *ret, char *err, size_t err_size)
{
    static const char units[] = "kmgtp";
    size_t dots, n = number_length(s, &dots);
    const char *p = s + n;
    double mult = 1;
    if (n > 0 && *p == ' ')
        p++;
    const char *u = *p ? strchr(units, *p | 0x20) : NULL;
    if (u && *p != '\0') {
        for (const char *q = units; q <= u; q++)
            mult *= 1024;
        p++;
    }
    if ((*p | 0x20) == 'i')
        p++;
    if ((*p | 0x20) == 'b')
        p++;
    if (n == 0 || *p) {
        snprintf(err, err_size, "invalid size: '%s'", s);
        return -1;
    }
    if (dots > 1) {
        snprintf(err, err_size, "strconv.ParseFloat: parsing \"%.*s\": invalid syntax", (int)n, s);
        return -1;
    }
    errno = 0;
    double v = strtod(s, NULL) * mult;
    if (errno || v >= 9223372036854775808.0) {
        snprintf(err, err_size, "invalid size: '%s': too large", s);
        return -1;
    }
    *ret = (int64_t)v;
    return 0;
}
