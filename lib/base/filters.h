/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The parts of podman's --filter values that several lists share. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

/* until=: a duration before now (10m, 24h, 90s) or a time (RFC 3339, or
 * seconds since the epoch), in ns since the epoch.  -EINVAL with podman's
 * message. */
int ctr__filter_until_ns(const char *s, int64_t *ret);
/* Whether @s matches the extended regular expression @pattern anywhere (a
 * pattern that does not compile matches nothing). */
bool ctr__filter_regex_match(const char *pattern, const char *s);
/* -EINVAL naming @what when @pattern is not a regular expression. */
int ctr__filter_regex_check(const char *what, const char *pattern);
/* label=KEY or label=KEY=VALUE against KEY=VALUE strings @v (an empty
 * VALUE matches any). */
bool ctr__filter_kv_match(const char *const *v, const char *want);
