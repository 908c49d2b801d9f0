/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Image references: [DOMAIN[:PORT]/]PATH[:TAG][@sha256:HEX], checked
 * strictly (the distribution reference grammar) since they come from users
 * and from documents of others.  docker.io's one-component paths are in
 * library/; index.docker.io is docker.io. */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "base/error.h"
#include "base/util.h"
#include "registry/reference.h"

#define NAME_MAX_LEN 255
#define TAG_MAX_LEN 128

static bool is_lower_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }
static bool is_alnum(char c) { return is_lower_alnum(c) || (c >= 'A' && c <= 'Z'); }

/* One path component: [a-z0-9]+((\.|_|__|-+)[a-z0-9]+)* of s[0..n). */
static bool path_component_ok(const char *s, size_t n)
{
    size_t i = 0;
    if (n == 0 || !is_lower_alnum(s[0]))
        return false;
    while (i < n) {
        while (i < n && is_lower_alnum(s[i]))
            i++;
        if (i == n)
            return true;
        size_t sep = i;
        if (s[i] == '.')
            i++;
        else if (s[i] == '_')
            i += (i + 1 < n && s[i + 1] == '_') ? 2 : 1;
        else if (s[i] == '-')
            while (i < n && s[i] == '-')
                i++;
        else
            return false;
        if (i == sep || i == n || !is_lower_alnum(s[i]))
            return false;
    }
    return true;
}

/* A host name component: [a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])? */
static bool host_label_ok(const char *s, size_t n)
{
    if (n == 0 || !is_alnum(s[0]) || !is_alnum(s[n - 1]))
        return false;
    for (size_t i = 0; i < n; i++)
        if (!is_alnum(s[i]) && s[i] != '-')
            return false;
    return true;
}

/* HOST[:PORT] with HOST labels separated by '.', or [IPv6]. */
static bool domain_ok(const char *s, size_t n)
{
    size_t host_end = n;
    if (n > 0 && s[0] == '[') {
        const char *close = memchr(s, ']', n);
        if (!close || close == s + 1)
            return false;
        for (const char *p = s + 1; p < close; p++)
            if (!isxdigit((unsigned char)*p) && *p != ':')
                return false;
        host_end = (size_t)(close - s) + 1;
        if (host_end < n && s[host_end] != ':')
            return false;
    } else {
        const char *colon = memchr(s, ':', n);
        if (colon)
            host_end = (size_t)(colon - s);
        size_t start = 0;
        for (size_t i = 0; i <= host_end; i++) {
            if (i == host_end || s[i] == '.') {
                if (!host_label_ok(s + start, i - start))
                    return false;
                start = i + 1;
            }
        }
    }
    if (host_end == n)
        return true;
    if (host_end + 1 == n || n - host_end - 1 > 5)
        return false;
    for (size_t i = host_end + 1; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return true;
}

static bool tag_ok(const char *t)
{
    size_t n = strlen(t);
    if (n == 0 || n > TAG_MAX_LEN || !(is_alnum(t[0]) || t[0] == '_'))
        return false;
    for (size_t i = 1; i < n; i++)
        if (!is_alnum(t[i]) && t[i] != '_' && t[i] != '.' && t[i] != '-')
            return false;
    return true;
}

static bool digest_ok(const char *d)
{
    if (strncmp(d, "sha256:", 7) != 0 || strlen(d) != 7 + 64)
        return false;
    for (const char *p = d + 7; *p; p++)
        if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
            return false;
    return true;
}

/* Does the first component @s[0..n) name a registry? */
static bool looks_like_domain(const char *s, size_t n)
{
    if (memchr(s, '.', n) || memchr(s, ':', n) || (n == 9 && memcmp(s, "localhost", 9) == 0))
        return true;
    for (size_t i = 0; i < n; i++)
        if (s[i] >= 'A' && s[i] <= 'Z')
            return true;
    return false;
}

static int check_path(const char *ref, const char *path)
{
    const char *p = path;
    for (;;) {
        const char *slash = strchr(p, '/');
        size_t n = slash ? (size_t)(slash - p) : strlen(p);
        for (size_t i = 0; i < n; i++)
            if (p[i] >= 'A' && p[i] <= 'Z')
                return ctr__err(-EINVAL, "invalid reference \"%s\": repository name must be lowercase", ref);
        if (!path_component_ok(p, n))
            return ctr__err(-EINVAL, "invalid reference \"%s\": invalid repository name component \"%.*s\"", ref,
                            (int)n, p);
        if (!slash)
            return 0;
        p = slash + 1;
    }
}

/* Split @name (modified) into domain and path, normalizing docker.io. */
static int split_name(const char *ref, char *name, struct ctr__ref *r)
{
    char *slash = strchr(name, '/');
    const char *path = name;
    if (slash && looks_like_domain(name, (size_t)(slash - name))) {
        if (!domain_ok(name, (size_t)(slash - name)))
            return ctr__err(-EINVAL, "invalid reference \"%s\": invalid registry \"%.*s\"", ref,
                            (int)(slash - name), name);
        *slash = '\0';
        path = slash + 1;
        r->domain = strdup(streq(name, "index.docker.io") ? "docker.io" : name);
        if (!r->domain)
            return ctr__oom("reference");
    }
    int rc = check_path(ref, path);
    if (rc < 0)
        return rc;
    if (r->domain && streq(r->domain, "docker.io") && !strchr(path, '/'))
        r->path = ctr__asprintf("library/%s", path);
    else
        r->path = strdup(path);
    return r->path ? 0 : ctr__oom("reference");
}

int ctr__ref_parse(const char *s, struct ctr__ref *ret)
{
    if (!s || !*s)
        return ctr__err(-EINVAL, "invalid reference: empty");
    _cleanup_free_ char *copy = strdup(s);
    if (!copy)
        return ctr__oom("reference");
    struct ctr__ref r = { 0 };
    char *at = strchr(copy, '@');
    if (at) {
        *at = '\0';
        if (!digest_ok(at + 1))
            return ctr__err(-EINVAL, "invalid reference \"%s\": invalid digest \"%s\" (sha256:64 hex digits)", s,
                            at + 1);
    }
    char *last_slash = strrchr(copy, '/'), *colon = strrchr(last_slash ? last_slash : copy, ':');
    if (colon) {
        *colon = '\0';
        if (!tag_ok(colon + 1))
            return ctr__err(-EINVAL, "invalid reference \"%s\": invalid tag \"%s\"", s, colon + 1);
    }
    if (!*copy)
        return ctr__err(-EINVAL, "invalid reference \"%s\": no repository name", s);
    if (strlen(copy) > NAME_MAX_LEN)
        return ctr__err(-EINVAL, "invalid reference \"%.64s...\": repository name longer than %d bytes", s,
                        NAME_MAX_LEN);
    int rc = split_name(s, copy, &r);
    if (rc >= 0 && at && !(r.digest = strdup(at + 1)))
        rc = ctr__oom("reference");
    if (rc >= 0 && (colon || !at) && !(r.tag = strdup(colon ? colon + 1 : "latest")))
        rc = ctr__oom("reference");
    if (rc < 0) {
        ctr__ref_clear(&r);
        return rc;
    }
    *ret = r;
    return 0;
}

void ctr__ref_clear(struct ctr__ref *r)
{
    if (!r)
        return;
    free(r->domain);
    free(r->path);
    free(r->tag);
    free(r->digest);
    *r = (struct ctr__ref){ 0 };
}

char *ctr__ref_repository(const struct ctr__ref *r)
{
    if (!r->domain)
        return strdup(r->path);
    return ctr__asprintf("%s/%s", r->domain, r->path);
}

char *ctr__ref_string(const struct ctr__ref *r)
{
    return ctr__asprintf("%s%s%s%s%s%s%s", r->domain ? r->domain : "", r->domain ? "/" : "", r->path,
                         r->tag ? ":" : "", r->tag ? r->tag : "", r->digest ? "@" : "", r->digest ? r->digest : "");
}

int ctr__ref_qualify(const struct ctr__ref *r, const char *domain, struct ctr__ref *ret)
{
    struct ctr__ref q = { 0 };
    if (streq(domain, "index.docker.io"))
        domain = "docker.io";
    q.domain = strdup(domain);
    if (streq(domain, "docker.io") && !strchr(r->path, '/'))
        q.path = ctr__asprintf("library/%s", r->path);
    else
        q.path = strdup(r->path);
    q.tag = ctr__strdup_null(r->tag);
    q.digest = ctr__strdup_null(r->digest);
    if (!q.domain || !q.path || (r->tag && !q.tag) || (r->digest && !q.digest)) {
        ctr__ref_clear(&q);
        return ctr__oom("reference");
    }
    *ret = q;
    return 0;
}
