/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The parts of podman's --filter values that several lists share. */
#include "base/filters.h"

#include <errno.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>

#include "base/error.h"
#include "base/util.h"

int ctr__filter_until_ns(const char *s, int64_t *ret)
{
    char *end = NULL;
    errno = 0;
    double d = strtod(s, &end);
    if (errno == 0 && end != s && end && *end && !end[1] && strchr("hms", *end) && d >= 0) {
        double mult = *end == 'h' ? 3600e9 : *end == 'm' ? 60e9 : 1e9;
        *ret = ctr__now_ns() - (int64_t)(d * mult);
        return 0;
    }
    if (errno == 0 && end != s && end && !*end) {
        *ret = (int64_t)(d * 1e9);
        return 0;
    }
    if (ctr__parse_time(s, ret) == 0)
        return 0;
    return ctr__err(-EINVAL, "invalid until filter \"%.100s\": give a duration (10m, 24h) or a time", s);
}

bool ctr__filter_regex_match(const char *pattern, const char *s)
{
    regex_t re;
    if (regcomp(&re, pattern, REG_EXTENDED | REG_NOSUB) != 0)
        return false;
    bool m = regexec(&re, s, 0, NULL, 0) == 0;
    regfree(&re);
    return m;
}

int ctr__filter_regex_check(const char *what, const char *pattern)
{
    regex_t re;
    if (regcomp(&re, pattern, REG_EXTENDED | REG_NOSUB) != 0)
        return ctr__err(-EINVAL, "invalid %s filter \"%.100s\": not a regular expression", what, pattern);
    regfree(&re);
    return 0;
}

bool ctr__filter_kv_match(const char *const *v, const char *want)
{
    const char *eq = strchr(want, '=');
    size_t klen = eq ? (size_t)(eq - want) : strlen(want);
    for (; v && *v; v++) {
        if (strncmp(*v, want, klen) != 0 || ((*v)[klen] != '=' && (*v)[klen] != '\0'))
            continue;
        const char *val = (*v)[klen] == '=' ? *v + klen + 1 : "";
        return !eq || !eq[1] || streq(val, eq + 1);
    }
    return false;
}
