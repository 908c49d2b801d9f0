/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* WWW-Authenticate: SCHEME [PARAM=VALUE {, PARAM=VALUE}] {, SCHEME ...},
 * VALUE a token or a quoted string with backslash escapes. */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/error.h"
#include "base/util.h"
#include "registry/challenge.h"

#define MAX_VALUE 8192

static bool is_tchar(char c)
{
    return isalnum((unsigned char)c) || (c && strchr("!#$%&'*+-.^_`|~", c));
}

static const char *skip_ws(const char *p)
{
    while (*p == ' ' || *p == '\t')
        p++;
    return p;
}

/* A token at @p into @buf (lowercased when @lower); its end, or NULL. */
static const char *read_token(const char *p, char *buf, size_t size, bool lower)
{
    size_t n = 0;
    while (is_tchar(*p)) {
        if (n + 1 >= size)
            return NULL;
        buf[n++] = lower ? (char)tolower((unsigned char)*p) : *p;
        p++;
    }
    buf[n] = '\0';
    return n ? p : NULL;
}

/* A token or quoted string at @p into @buf. */
static const char *read_value(const char *p, char *buf, size_t size)
{
    if (*p != '"')
        return read_token(p, buf, size, false);
    size_t n = 0;
    for (p++; *p != '"'; p++) {
        if (*p == '\\' && p[1])
            p++;
        if (!*p || n + 1 >= size)
            return NULL;
        buf[n++] = *p;
    }
    buf[n] = '\0';
    return p + 1;
}

static int set_param(struct ctr__challenge *c, const char *name, const char *value)
{
    char **slot = streq(name, "realm") ? &c->realm : streq(name, "service") ? &c->service
                  : streq(name, "scope")   ? &c->scope : NULL;
    if (!slot || *slot)
        return 0; /* other parameters, and repeats, are ignored */
    *slot = strdup(value);
    return *slot ? 0 : ctr__oom("challenge");
}

/* The parameters of one challenge from @p; *end after them (at the next
 * scheme or the end). */
static int read_params(const char *p, struct ctr__challenge *c, bool keep, const char **end)
{
    char name[64], *value = malloc(MAX_VALUE);
    if (!value)
        return ctr__oom("challenge");
    int rc = 0;
    for (;;) {
        p = skip_ws(p);
        while (*p == ',')
            p = skip_ws(p + 1);
        const char *q = read_token(p, name, sizeof name, true);
        if (!q)
            break;
        q = skip_ws(q);
        if (*q != '=' || q[1] == '=')
            break; /* a new scheme (or token68 padding) */
        q = read_value(skip_ws(q + 1), value, MAX_VALUE);
        if (!q) {
            rc = ctr__err(-EINVAL, "WWW-Authenticate: malformed parameter \"%s\"", name);
            break;
        }
        if (keep && (rc = set_param(c, name, value)) < 0)
            break;
        p = q;
    }
    free(value);
    *end = p;
    return rc;
}

int ctr__challenge_parse(const char *header, struct ctr__challenge *ret)
{
    if (!header)
        return ctr__err(-EINVAL, "no WWW-Authenticate header");
    const char *p = header;
    char scheme[64];
    for (;;) {
        p = skip_ws(p);
        while (*p == ',')
            p = skip_ws(p + 1);
        if (!*p)
            break;
        const char *q = read_token(p, scheme, sizeof scheme, true);
        if (!q) {
            p++; /* a token68's padding or a stray character */
            continue;
        }
        bool keep = streq(scheme, "bearer") || streq(scheme, "basic");
        struct ctr__challenge c = { 0 };
        int rc = read_params(q, &c, keep, &p);
        if (rc >= 0 && keep && !(c.scheme = strdup(scheme)))
            rc = ctr__oom("challenge");
        if (rc < 0 || keep) {
            if (rc >= 0) {
                *ret = c;
                return 0;
            }
            ctr__challenge_clear(&c);
            return rc;
        }
    }
    return ctr__err(-EINVAL, "WWW-Authenticate: no Basic or Bearer challenge in \"%.100s\"", header);
}

void ctr__challenge_clear(struct ctr__challenge *c)
{
    if (!c)
        return;
    free(c->scheme);
    free(c->realm);
    free(c->service);
    free(c->scope);
    *c = (struct ctr__challenge){ 0 };
}
