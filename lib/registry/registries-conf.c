/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* podman's registries.conf (containers-registries.conf(5), version 2), read
 * as podman 4.3 (containers/image 5.23) reads it:
 *
 *   unqualified-search-registries = ["docker.io", "quay.io"]
 *   short-name-mode = "enforcing"            # or "permissive" (unset), "disabled"
 *   [[registry]]
 *   prefix = "example.com/foo"               # or "*.example.com"; default: location
 *   location = "internal.example.com/bar"    # may be empty for a wildcard prefix
 *   insecure = false                         # plain HTTP and unverified TLS allowed
 *   blocked = false
 *   mirror-by-digest-only = false            # every mirror digest-only
 *   [[registry.mirror]]
 *   location = "mirror.local/foo"
 *   insecure = true
 *   pull-from-mirror = "digest-only"         # or "tag-only", "all"
 *   [aliases]
 *   "fedora" = "registry.fedoraproject.org/fedora"
 *
 * Files: the main file (@path, else $CONTAINERS_REGISTRIES_CONF, else
 * /etc/containers/registries.conf), then every *.conf of PATH.d/ in name
 * order (not recursive).  A later file replaces the search registries and
 * the mode when it sets them (an empty list too), replaces [[registry]]
 * entries of the same prefix, and overrides aliases (an alias set to ""
 * erases an earlier one).  Within a file the first entry of a prefix wins,
 * and two entries of one location may not disagree on insecure or blocked.
 * Entries are kept sorted by prefix.  Keys podman does not know are
 * ignored (it only logs them); a known key of the wrong type is an error.
 *
 * Version 1 ([registries.search], [registries.insecure], [registries.block]
 * with "registries" lists) is refused with an error saying so (podman
 * converts it).
 *
 * Not read (as the header says): $HOME/.config/containers/registries.conf,
 * the credential helpers, and the machine-written short-name-aliases.conf. */
#include "registry/registries-conf.h"

#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>

#include "base/error.h"
#include "base/json-util.h"
#include "base/util.h"
#include "registry/toml.h"

#define DEFAULT_PATH "/etc/containers/registries.conf"

static bool starts_with(const char *s, const char *p) { return strncmp(s, p, strlen(p)) == 0; }
static bool is_lower_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }
static bool is_alnum(char c) { return is_lower_alnum(c) || (c >= 'A' && c <= 'Z'); }

static void mirror_clear(struct ctr__regconf_mirror *m) { free(m->location); }

static void registry_clear(struct ctr__regconf_registry *r)
{
    free(r->prefix);
    free(r->location);
    for (size_t i = 0; i < r->n_mirrors; i++)
        mirror_clear(&r->mirrors[i]);
    free(r->mirrors);
    *r = (struct ctr__regconf_registry){ 0 };
}

void ctr__regconf_clear(struct ctr__regconf *c)
{
    ctr__strv_free(c->search);
    for (size_t i = 0; i < c->n_regs; i++)
        registry_clear(&c->regs[i]);
    free(c->regs);
    ctr__strv_free(c->aliases);
    free(c->search_origin);
    *c = (struct ctr__regconf){ 0 };
}

static void regconf_clearp(struct ctr__regconf *c) { ctr__regconf_clear(c); }

/* ---- names ---- */

/* A domain as the reference grammar has it: alphanumeric components
 * (hyphens inside) joined by '.', then an optional :PORT. */
static bool valid_domain(const char *s)
{
    const char *p = s;
    for (;;) {
        if (!is_alnum(*p))
            return false;
        while (is_alnum(*p) || *p == '-')
            p++;
        if (p[-1] == '-')
            return false;
        if (*p != '.')
            break;
        p++;
    }
    if (*p == ':') {
        if (!(*++p >= '0' && *p <= '9'))
            return false;
        while (*p >= '0' && *p <= '9')
            p++;
    }
    return *p == '\0';
}

/* A path component: [a-z0-9]+ joined by '.', '_', '__' or '-'+. */
static bool valid_component(const char *s, size_t n)
{
    size_t i = 0;
    for (;;) {
        size_t start = i;
        while (i < n && is_lower_alnum(s[i]))
            i++;
        if (i == start)
            return false;
        if (i == n)
            return true;
        if (s[i] == '.')
            i++;
        else if (s[i] == '_')
            i += i + 1 < n && s[i + 1] == '_' ? 2 : 1;
        else if (s[i] == '-')
            while (i < n && s[i] == '-')
                i++;
        else
            return false;
    }
}

static bool valid_tag(const char *t)
{
    size_t n = strlen(t);
    if (n == 0 || n > 128 || !(is_alnum(*t) || *t == '_'))
        return false;
    for (size_t i = 1; i < n; i++)
        if (!(is_alnum(t[i]) || t[i] == '_' || t[i] == '.' || t[i] == '-'))
            return false;
    return true;
}

static bool valid_digest(const char *d)
{
    if (!starts_with(d, "sha256:") || strlen(d) != 7 + 64)
        return false;
    for (d += 7; *d; d++)
        if (!((*d >= '0' && *d <= '9') || (*d >= 'a' && *d <= 'f')))
            return false;
    return true;
}

/* A reference as written: NAME[:TAG][@DIGEST], NAME = [DOMAIN/]PATH. */
struct name {
    size_t len;         /* of NAME */
    const char *suffix; /* ":TAG@DIGEST" as written, "" when none */
    bool tagged, digested;
    bool qualified;     /* the first component is a domain */
};

/* Split and check @s; -EINVAL with @what in the message. */
static int parse_name(const char *s, const char *what, struct name *ret)
{
    const char *at = strchr(s, '@'), *end = at ? at : s + strlen(s);
    const char *slash = NULL, *colon = NULL;
    for (const char *p = s; p < end; p++)
        if (*p == '/')
            slash = p;
    for (const char *p = slash ? slash : s; p < end; p++)
        if (*p == ':')
            colon = p;
    if (colon) {
        _cleanup_free_ char *tag = strndup(colon + 1, (size_t)(end - colon - 1));
        if (!tag)
            return ctr__oom("a name");
        if (!valid_tag(tag))
            return ctr__err(-EINVAL, "%s \"%s\": invalid tag", what, s);
        end = colon;
    }
    if (at && !valid_digest(at + 1))
        return ctr__err(-EINVAL, "%s \"%s\": invalid digest (sha256:64 hex digits)", what, s);
    size_t first = strcspn(s, "/");
    if (first > (size_t)(end - s))
        first = (size_t)(end - s);
    bool qualified = memchr(s, '.', first) || memchr(s, ':', first) || (first == 9 && starts_with(s, "localhost"));
    if (end - s > 255)
        return ctr__err(-EINVAL, "%s \"%s\": longer than 255 bytes", what, s);
    for (const char *p = qualified ? s + first + 1 : s; p <= end;) {
        size_t n = (size_t)(memchr(p, '/', (size_t)(end - p)) ? (const char *)memchr(p, '/', (size_t)(end - p)) - p
                                                               : end - p);
        if (p > end || !valid_component(p, n))
            return ctr__err(-EINVAL, "%s \"%s\": invalid name", what, s);
        p += n + 1;
    }
    if (qualified) {
        _cleanup_free_ char *domain = strndup(s, first);
        if (!domain)
            return ctr__oom("a name");
        if (!valid_domain(domain))
            return ctr__err(-EINVAL, "%s \"%s\": invalid registry %s", what, s, domain);
    }
    *ret = (struct name){ (size_t)(end - s), end, colon != NULL, at != NULL, qualified };
    return 0;
}

/* DOMAIN/PATH as podman normalizes it: Docker Hub's names as docker.io,
 * one-component paths there under library/. */
static char *qualify(const char *domain, size_t domain_len, const char *path, size_t path_len, const char *suffix)
{
    bool hub = (domain_len == 9 && starts_with(domain, "docker.io")) ||
               (domain_len == 15 && starts_with(domain, "index.docker.io"));
    bool library = hub && !memchr(path, '/', path_len);
    if (hub) {
        domain = "docker.io";
        domain_len = 9;
    }
    return ctr__asprintf("%.*s/%s%.*s%s", (int)domain_len, domain, library ? "library/" : "", (int)path_len, path,
                         suffix);
}

/* ---- typed members ---- */

static int get_string(json_object *o, const char *what, const char *where, const char *key, const char **ret)
{
    json_object *v;
    if (!json_object_object_get_ex(o, key, &v))
        return 0;
    if (!json_object_is_type(v, json_type_string))
        return ctr__err(-EINVAL, "%s: %s\"%s\" must be a string", what, where, key);
    *ret = json_object_get_string(v);
    return 0;
}

static int get_bool(json_object *o, const char *what, const char *where, const char *key, bool *ret)
{
    json_object *v;
    if (!json_object_object_get_ex(o, key, &v))
        return 0;
    if (!json_object_is_type(v, json_type_boolean))
        return ctr__err(-EINVAL, "%s: %s\"%s\" must be true or false", what, where, key);
    *ret = json_object_get_boolean(v);
    return 0;
}

/* An array of strings: *ret NULL when absent. */
static int get_strings(json_object *o, const char *what, const char *key, json_object **ret)
{
    json_object *v;
    *ret = NULL;
    if (!json_object_object_get_ex(o, key, &v))
        return 0;
    if (!json_object_is_type(v, json_type_array))
        return ctr__err(-EINVAL, "%s: \"%s\" must be an array of strings", what, key);
    for (size_t i = 0; i < json_object_array_length(v); i++)
        if (!json_object_is_type(json_object_array_get_idx(v, i), json_type_string))
            return ctr__err(-EINVAL, "%s: \"%s\" must be an array of strings", what, key);
    *ret = v;
    return 0;
}

/* podman's parseLocation(): trailing slashes dropped, no URL scheme.
 * *ret NULL when nothing is left. */
static int clean_location(const char *what, const char *where, const char *key, const char *in, char **ret)
{
    size_t n = strlen(in);
    while (n > 0 && in[n - 1] == '/')
        n--;
    if (starts_with(in, "http://") || starts_with(in, "https://"))
        return ctr__err(-EINVAL, "%s: %s\"%s\": invalid location \"%s\": URI schemes are not supported", what, where,
                        key, in);
    if (n == 0) {
        *ret = NULL;
        return 0;
    }
    if (!(*ret = strndup(in, n)))
        return ctr__oom("registries.conf");
    return 0;
}

/* ---- [[registry]] ---- */

static int parse_pull_from_mirror(const char *what, const char *where, const char *v, struct ctr__regconf_mirror *m)
{
    if (isempty(v) || streq(v, "all"))
        return 0;
    if (streq(v, "digest-only"))
        m->pull_from_mirror_by_digest_only = true;
    else if (streq(v, "tag-only"))
        m->pull_from_mirror_by_tag_only = true;
    else
        return ctr__err(-EINVAL, "%s: %sunsupported pull-from-mirror value \"%s\" (all, digest-only, tag-only)", what,
                        where, v);
    return 0;
}

static int parse_mirror(json_object *o, const char *what, const char *where, bool by_digest_only,
                        struct ctr__regconf_mirror *ret)
{
    if (!json_object_is_type(o, json_type_object))
        return ctr__err(-EINVAL, "%s: %snot a table", what, where);
    const char *location = "", *pfm = NULL;
    struct ctr__regconf_mirror m = { 0 };
    int r;
    if ((r = get_string(o, what, where, "location", &location)) < 0 ||
        (r = get_bool(o, what, where, "insecure", &m.insecure)) < 0 ||
        (r = get_string(o, what, where, "pull-from-mirror", &pfm)) < 0)
        return r;
    if (by_digest_only && !isempty(pfm))
        return ctr__err(-EINVAL, "%s: %scannot set mirror-by-digest-only for the registry and pull-from-mirror for "
                        "the mirror at the same time", what, where);
    if ((r = parse_pull_from_mirror(what, where, pfm, &m)) < 0)
        return r;
    m.pull_from_mirror_by_digest_only |= by_digest_only;
    if ((r = clean_location(what, where, "location", location, &m.location)) < 0)
        return r;
    if (!m.location)
        return ctr__err(-EINVAL, "%s: %sthe mirror location is unset", what, where);
    *ret = m;
    return 0;
}

static int parse_mirrors(json_object *o, const char *what, const char *where, bool by_digest_only,
                         struct ctr__regconf_registry *reg)
{
    json_object *a;
    if (!json_object_object_get_ex(o, "mirror", &a))
        return 0;
    if (!json_object_is_type(a, json_type_array))
        return ctr__err(-EINVAL, "%s: %s\"mirror\" must be an array of tables ([[registry.mirror]])", what, where);
    size_t n = json_object_array_length(a);
    if (n && !(reg->mirrors = calloc(n, sizeof *reg->mirrors)))
        return ctr__oom("registries.conf");
    for (size_t i = 0; i < n; i++) {
        char w[96];
        snprintf(w, sizeof w, "%smirror %zu: ", where, i + 1);
        int r = parse_mirror(json_object_array_get_idx(a, i), what, w, by_digest_only, &reg->mirrors[i]);
        if (r < 0)
            return r;
        reg->n_mirrors++;
    }
    return 0;
}

static int parse_registry(json_object *o, const char *what, size_t index, struct ctr__regconf_registry *ret)
{
    char where[64];
    snprintf(where, sizeof where, "[[registry]] %zu: ", index + 1);
    if (!json_object_is_type(o, json_type_object))
        return ctr__err(-EINVAL, "%s: %snot a table", what, where);
    const char *prefix = "", *location = "", *pfm = NULL;
    bool by_digest_only = false;
    _cleanup_(registry_clear) struct ctr__regconf_registry reg = { 0 };
    int r;
    if ((r = get_string(o, what, where, "prefix", &prefix)) < 0 ||
        (r = get_string(o, what, where, "location", &location)) < 0 ||
        (r = get_bool(o, what, where, "insecure", &reg.insecure)) < 0 ||
        (r = get_bool(o, what, where, "blocked", &reg.blocked)) < 0 ||
        (r = get_bool(o, what, where, "mirror-by-digest-only", &by_digest_only)) < 0 ||
        (r = get_string(o, what, where, "pull-from-mirror", &pfm)) < 0)
        return r;
    if (!isempty(pfm))
        return ctr__err(-EINVAL, "%s: %spull-from-mirror must not be set for a non-mirror registry", what, where);
    if ((r = clean_location(what, where, "location", location, &reg.location)) < 0 ||
        (r = clean_location(what, where, "prefix", prefix, &reg.prefix)) < 0)
        return r;
    if (!reg.prefix && !reg.location)
        return ctr__err(-EINVAL, "%s: %sboth location and prefix are unset", what, where);
    if (!reg.prefix && !(reg.prefix = strdup(reg.location)))
        return ctr__oom("registries.conf");
    bool wildcard = starts_with(reg.prefix, "*.");
    if (!wildcard && !reg.location)
        return ctr__err(-EINVAL, "%s: %slocation is unset and prefix \"%s\" is not in the format *.example.com", what,
                        where, reg.prefix);
    if (wildcard && strpbrk(reg.prefix, "/@:"))
        return ctr__err(-EINVAL, "%s: %sa wildcard prefix must be in the format *.example.com, not \"%s\"", what, where,
                        reg.prefix);
    if ((r = parse_mirrors(o, what, where, by_digest_only, &reg)) < 0)
        return r;
    *ret = reg;
    reg = (struct ctr__regconf_registry){ 0 };
    return 0;
}

/* Two entries of one location (the prefix without one) must agree. */
static int check_conflicts(const struct ctr__regconf *c, const char *what)
{
    for (size_t i = 0; i < c->n_regs; i++)
        for (size_t j = i + 1; j < c->n_regs; j++) {
            const struct ctr__regconf_registry *a = &c->regs[i], *b = &c->regs[j];
            const char *ka = a->location ? a->location : a->prefix, *kb = b->location ? b->location : b->prefix;
            if (!streq(ka, kb) || !!a->location != !!b->location)
                continue;
            if (a->insecure != b->insecure)
                return ctr__err(-EINVAL, "%s: registry \"%s\" is defined multiple times with conflicting 'insecure' "
                                "setting", what, ka);
            if (a->blocked != b->blocked)
                return ctr__err(-EINVAL, "%s: registry \"%s\" is defined multiple times with conflicting 'blocked' "
                                "setting", what, ka);
        }
    return 0;
}

static int cmp_registry(const void *x, const void *y)
{
    const struct ctr__regconf_registry *a = x, *b = y;
    return strcmp(a->prefix, b->prefix);
}

/* Sorted by prefix, one entry per prefix: the first of a file (@keep_first)
 * or, merging, the last. */
static void sort_unique(struct ctr__regconf *c, bool keep_first)
{
    /* a stable sort by insertion (the counts are small) */
    for (size_t i = 1; i < c->n_regs; i++)
        for (size_t j = i; j > 0 && cmp_registry(&c->regs[j - 1], &c->regs[j]) > 0; j--) {
            struct ctr__regconf_registry t = c->regs[j - 1];
            c->regs[j - 1] = c->regs[j];
            c->regs[j] = t;
        }
    size_t o = 0;
    for (size_t i = 0; i < c->n_regs; i++) {
        if (o > 0 && streq(c->regs[o - 1].prefix, c->regs[i].prefix)) {
            if (keep_first) {
                registry_clear(&c->regs[i]);
                continue;
            }
            registry_clear(&c->regs[o - 1]);
            o--;
        }
        c->regs[o++] = c->regs[i];
    }
    c->n_regs = o;
}

static int parse_registries(json_object *doc, const char *what, struct ctr__regconf *c)
{
    json_object *a;
    if (!json_object_object_get_ex(doc, "registry", &a))
        return 0;
    if (!json_object_is_type(a, json_type_array))
        return ctr__err(-EINVAL, "%s: \"registry\" must be an array of tables ([[registry]])", what);
    size_t n = json_object_array_length(a);
    if (n && !(c->regs = calloc(n, sizeof *c->regs)))
        return ctr__oom("registries.conf");
    for (size_t i = 0; i < n; i++) {
        int r = parse_registry(json_object_array_get_idx(a, i), what, i, &c->regs[c->n_regs]);
        if (r < 0)
            return r;
        c->n_regs++;
    }
    int r = check_conflicts(c, what);
    if (r < 0)
        return r;
    sort_unique(c, true);
    return 0;
}

/* ---- the other keys ---- */

static int parse_search(json_object *doc, const char *what, struct ctr__regconf *c, bool *has)
{
    json_object *a;
    int r = get_strings(doc, what, "unqualified-search-registries", &a);
    if (r < 0 || !a)
        return r;
    ctr__strv_free(c->search);
    c->search = ctr__strv_copy(NULL);
    if (!c->search)
        return ctr__oom("registries.conf");
    for (size_t i = 0; i < json_object_array_length(a); i++) {
        const char *s = json_object_get_string(json_object_array_get_idx(a, i));
        _cleanup_free_ char *loc = NULL;
        if ((r = clean_location(what, "", "unqualified-search-registries", s, &loc)) < 0)
            return r;
        if (!loc || !valid_domain(loc))
            return ctr__err(-EINVAL, "%s: invalid unqualified-search-registries entry \"%s\": HOST[:PORT] expected",
                            what, s);
        if (ctr__strv_push(&c->search, loc) < 0)
            return ctr__oom("registries.conf");
    }
    *has = true;
    return 0;
}

static int parse_mode(json_object *doc, const char *what, struct ctr__regconf *c, bool *has)
{
    const char *m = NULL;
    int r = get_string(doc, what, "", "short-name-mode", &m);
    if (r < 0 || isempty(m))
        return r;
    if (streq(m, "enforcing"))
        c->mode = CTR__SHORT_ENFORCING;
    else if (streq(m, "permissive"))
        c->mode = CTR__SHORT_PERMISSIVE;
    else if (streq(m, "disabled"))
        c->mode = CTR__SHORT_DISABLED;
    else
        return ctr__err(-EINVAL, "%s: invalid short-name-mode \"%s\" (enforcing, permissive, disabled)", what, m);
    *has = true;
    return 0;
}

/* NAME = "DOMAIN/PATH" (normalized), or "" to erase an earlier alias:
 * "NAME=VALUE" into *ret. */
static int parse_alias(const char *what, const char *name, json_object *v, char **ret)
{
    struct name n;
    int r;
    if (!json_object_is_type(v, json_type_string))
        return ctr__err(-EINVAL, "%s: [aliases] \"%s\" must be a string", what, name);
    if ((r = parse_name(name, "short-name alias", &n)) < 0)
        return ctr__err_prefix(r, "%s", what);
    if (n.qualified || n.tagged || n.digested)
        return ctr__err(-EINVAL, "%s: invalid short name \"%s\": must not contain a registry, tag or digest", what,
                        name);
    const char *value = json_object_get_string(v);
    if (!*value)
        return (*ret = ctr__asprintf("%s=", name)) ? 0 : ctr__oom("registries.conf");
    if ((r = parse_name(value, "alias", &n)) < 0)
        return ctr__err_prefix(r, "%s: [aliases] \"%s\"", what, name);
    if (!n.qualified || n.tagged || n.digested)
        return ctr__err(-EINVAL, "%s: invalid alias \"%s\" for \"%s\": must contain a registry and repository, no tag "
                        "or digest", what, value, name);
    size_t first = strcspn(value, "/");
    if (first >= n.len)
        return ctr__err(-EINVAL, "%s: invalid alias \"%s\" for \"%s\": no repository", what, value, name);
    _cleanup_free_ char *q = qualify(value, first, value + first + 1, n.len - first - 1, "");
    if (!q || !(*ret = ctr__asprintf("%s=%s", name, q)))
        return ctr__oom("registries.conf");
    return 0;
}

static int parse_aliases(json_object *doc, const char *what, struct ctr__regconf *c)
{
    json_object *t;
    if (!json_object_object_get_ex(doc, "aliases", &t))
        return 0;
    if (!json_object_is_type(t, json_type_object))
        return ctr__err(-EINVAL, "%s: \"aliases\" must be a table", what);
    json_object_object_foreach(t, name, v)
    {
        _cleanup_free_ char *entry = NULL;
        int r = parse_alias(what, name, v, &entry);
        if (r < 0)
            return r;
        if (ctr__strv_push(&c->aliases, entry) < 0)
            return ctr__oom("registries.conf");
    }
    return 0;
}

/* ---- version 1 ---- */

/* Version 1 ([registries.search], [registries.insecure],
 * [registries.block] with "registries" lists) is refused: podman converts
 * it, libctr asks for version 2. */
static int refuse_v1(json_object *doc, const char *what)
{
    json_object *v1;
    if (!json_object_object_get_ex(doc, "registries", &v1))
        return 0;
    return ctr__err(-EINVAL, "%s: the version 1 format ([registries.search], [registries.insecure], "
                    "[registries.block]) is not supported: use version 2 (unqualified-search-registries and "
                    "[[registry]] tables, containers-registries.conf(5))", what);
}

/* ---- one file ---- */

struct file {
    struct ctr__regconf c; /* aliases may have empty values: erasures */
    bool has_search, has_mode;
};

static void file_clear(struct file *f) { ctr__regconf_clear(&f->c); }

static int parse_doc(json_object *doc, const char *what, struct file *f)
{
    int r;
    json_object *creds;
    if ((r = refuse_v1(doc, what)) < 0 || (r = get_strings(doc, what, "credential-helpers", &creds)) < 0)
        return r;
    if ((r = parse_search(doc, what, &f->c, &f->has_search)) < 0 || (r = parse_mode(doc, what, &f->c, &f->has_mode)) < 0 ||
        (r = parse_registries(doc, what, &f->c)) < 0 || (r = parse_aliases(doc, what, &f->c)) < 0)
        return r;
    return 0;
}

static int parse_text(const char *text, size_t size, const char *what, struct file *ret)
{
    _cleanup_json_ json_object *doc = NULL;
    _cleanup_free_ char *err = NULL;
    int r = ctr__toml_parse(text, size, &doc, &err);
    if (r == -EINVAL)
        return ctr__err(-EINVAL, "%s:%s", what, err);
    if (r < 0)
        return r;
    _cleanup_(file_clear) struct file f = { 0 };
    if ((r = parse_doc(doc, what, &f)) < 0)
        return r;
    if (f.has_search && !(f.c.search_origin = strdup(what)))
        return ctr__oom("registries.conf");
    *ret = f;
    f = (struct file){ 0 };
    return 0;
}

/* ---- merging ---- */

static int cmp_alias_names(const char *a, const char *b)
{
    size_t la = strcspn(a, "="), lb = strcspn(b, "=");
    int r = memcmp(a, b, la < lb ? la : lb);
    return r ? r : (la > lb) - (la < lb);
}

static int cmp_alias(const void *x, const void *y) { return cmp_alias_names(*(char *const *)x, *(char *const *)y); }

/* @update's settings over @c's (podman's updateWithConfigurationFrom()). */
static int merge(struct ctr__regconf *c, struct file *update)
{
    struct ctr__regconf *u = &update->c;
    if (update->has_search) {
        ctr__strv_free(c->search);
        free(c->search_origin);
        c->search = TAKE_PTR(u->search);
        c->search_origin = TAKE_PTR(u->search_origin);
    }
    if (update->has_mode)
        c->mode = u->mode;
    if (u->n_regs) {
        struct ctr__regconf_registry *v = realloc(c->regs, (c->n_regs + u->n_regs) * sizeof *v);
        if (!v)
            return ctr__oom("registries.conf");
        c->regs = v;
        memcpy(c->regs + c->n_regs, u->regs, u->n_regs * sizeof *v);
        c->n_regs += u->n_regs;
        u->n_regs = 0;
        sort_unique(c, false);
    }
    for (size_t i = 0; u->aliases && u->aliases[i]; i++) {
        size_t o = 0;
        for (size_t j = 0; c->aliases && c->aliases[j]; j++) {
            if (cmp_alias_names(c->aliases[j], u->aliases[i]) == 0)
                free(c->aliases[j]);
            else
                c->aliases[o++] = c->aliases[j];
        }
        if (c->aliases)
            c->aliases[o] = NULL;
        if (ctr__strv_push(&c->aliases, u->aliases[i]) < 0)
            return ctr__oom("registries.conf");
    }
    return 0;
}

/* The end of loading: erased aliases dropped, the rest sorted. */
static int finish(struct ctr__regconf *c)
{
    if (!c->search && !(c->search = ctr__strv_copy(NULL)))
        return ctr__oom("registries.conf");
    if (!c->aliases && !(c->aliases = ctr__strv_copy(NULL)))
        return ctr__oom("registries.conf");
    size_t o = 0;
    for (size_t i = 0; c->aliases[i]; i++) {
        if (c->aliases[i][strcspn(c->aliases[i], "=") + 1] == '\0')
            free(c->aliases[i]);
        else
            c->aliases[o++] = c->aliases[i];
    }
    c->aliases[o] = NULL;
    qsort(c->aliases, o, sizeof *c->aliases, cmp_alias);
    return 0;
}

static int start(struct ctr__regconf *c)
{
    *c = (struct ctr__regconf){ .mode = CTR__SHORT_PERMISSIVE };
    return 0;
}

int ctr__regconf_parse(const char *toml, const char *what, struct ctr__regconf *ret)
{
    _cleanup_(regconf_clearp) struct ctr__regconf c = { 0 };
    _cleanup_(file_clear) struct file f = { 0 };
    int r;
    if (!what)
        what = "registries.conf";
    if ((r = start(&c)) < 0 || (r = parse_text(toml ? toml : "", toml ? strlen(toml) : 0, what, &f)) < 0 ||
        (r = merge(&c, &f)) < 0 || (r = finish(&c)) < 0)
        return r;
    *ret = c;
    c = (struct ctr__regconf){ 0 };
    return 0;
}

/* ---- files ---- */

static int read_conf(const char *path, struct file *ret)
{
    _cleanup_free_ char *text = NULL;
    size_t size = 0;
    int r = ctr__read_file_at(AT_FDCWD, path, &text, &size);
    if (r == -ENOENT)
        return -ENOENT;
    if (r < 0)
        return ctr__err(r, "%s: %s", path, strerror(-r));
    return parse_text(text, size, path, ret);
}

static int cmp_str(const void *x, const void *y) { return strcmp(*(char *const *)x, *(char *const *)y); }

/* The *.conf files of @dir (not directories), sorted; none without it. */
static int list_drop_ins(const char *dir, char ***ret)
{
    _cleanup_strv_ char **names = ctr__strv_copy(NULL);
    if (!names)
        return ctr__oom("registries.conf.d");
    _cleanup_dir_ DIR *d = opendir(dir);
    if (!d && (errno == ENOENT || errno == ENOTDIR)) {
        *ret = TAKE_PTR(names);
        return 0;
    }
    if (!d)
        return ctr__err(-errno, "%s: %m", dir);
    for (struct dirent *e; (errno = 0, e = readdir(d));) {
        size_t n = strlen(e->d_name);
        if (n < 6 || !streq(e->d_name + n - 5, ".conf"))
            continue;
        struct stat st;
        if (fstatat(dirfd(d), e->d_name, &st, 0) == 0 && S_ISDIR(st.st_mode))
            continue;
        char *path = ctr__asprintf("%s/%s", dir, e->d_name);
        if (!path || ctr__strv_push(&names, path) < 0) {
            free(path);
            return ctr__oom("registries.conf.d");
        }
        free(path);
    }
    if (errno)
        return ctr__err(-errno, "%s: %m", dir);
    qsort(names, ctr__strv_len((const char *const *)names), sizeof *names, cmp_str);
    *ret = TAKE_PTR(names);
    return 0;
}

int ctr__regconf_load(const char *path, struct ctr__regconf *ret)
{
    const char *env = getenv("CONTAINERS_REGISTRIES_CONF");
    bool given = !isempty(path) || !isempty(env);
    const char *main_path = !isempty(path) ? path : !isempty(env) ? env : DEFAULT_PATH;
    _cleanup_(regconf_clearp) struct ctr__regconf c = { 0 };
    _cleanup_(file_clear) struct file f = { 0 };
    start(&c);
    int r = read_conf(main_path, &f);
    if (r == -ENOENT && given)
        return ctr__err(-ENOENT, "registries configuration %s: no such file", main_path);
    if ((r < 0 && r != -ENOENT) || (r == 0 && (r = merge(&c, &f)) < 0))
        return r;
    _cleanup_free_ char *dir = ctr__asprintf("%s.d", main_path);
    _cleanup_strv_ char **drop_ins = NULL;
    if (!dir)
        return ctr__oom("registries.conf");
    if ((r = list_drop_ins(dir, &drop_ins)) < 0)
        return r;
    for (size_t i = 0; drop_ins[i]; i++) {
        file_clear(&f);
        r = read_conf(drop_ins[i], &f);
        if (r == -ENOENT) /* removed meanwhile */
            continue;
        if (r < 0 || (r = merge(&c, &f)) < 0)
            return r;
    }
    if ((r = finish(&c)) < 0)
        return r;
    *ret = c;
    c = (struct ctr__regconf){ 0 };
    return 0;
}

/* ---- lookups ---- */

/* podman's refMatchingPrefix(): the length of @ref that @prefix matches,
 * or -1.  A prefix ends at a component boundary: the end, '/', ':' (a tag,
 * or a port: podman's documented quirk) or '@'; "*.domain" matches any
 * subdomain of domain in the host part. */
static ssize_t prefix_match(const char *ref, const char *prefix)
{
    size_t lp = strlen(prefix);
    size_t end;
    if (starts_with(prefix, "*.")) {
        const char *hit = strstr(ref, prefix + 1);
        if (!hit || memchr(ref, '/', (size_t)(hit - ref)))
            return -1;
        end = (size_t)(hit - ref) + lp - 1;
    } else {
        if (strncmp(ref, prefix, lp) != 0)
            return -1;
        end = lp;
    }
    char c = ref[end];
    return c == '\0' || c == '/' || c == ':' || c == '@' ? (ssize_t)end : -1;
}

const struct ctr__regconf_registry *ctr__regconf_find(const struct ctr__regconf *c, const char *reference)
{
    const struct ctr__regconf_registry *best = NULL;
    size_t best_len = 0;
    for (size_t i = 0; reference && i < c->n_regs; i++) {
        size_t lp = strlen(c->regs[i].prefix);
        if (lp > best_len && prefix_match(reference, c->regs[i].prefix) >= 0) {
            best = &c->regs[i];
            best_len = lp;
        }
    }
    return best;
}

void ctr__regconf_sources_free(struct ctr__regconf_source *s, size_t n)
{
    for (size_t i = 0; s && i < n; i++)
        free(s[i].reference);
    free(s);
}

/* @reference with @reg's prefix replaced by @location (NULL: as it is). */
static int add_source(struct ctr__regconf_source *v, size_t *n, const char *reference,
                      const struct ctr__regconf_registry *reg, const char *location, bool insecure)
{
    ssize_t len = reg ? prefix_match(reference, reg->prefix) : 0;
    char *s = !reg || !location || len < 0 ? strdup(reference) : ctr__asprintf("%s%s", location, reference + len);
    if (!s)
        return ctr__oom("the pull sources");
    v[(*n)++] = (struct ctr__regconf_source){ s, insecure };
    return 0;
}

int ctr__regconf_pull_sources(const struct ctr__regconf *c, const char *reference, struct ctr__regconf_source **ret,
                              size_t *ret_n)
{
    if (isempty(reference))
        return ctr__err(-EINVAL, "registries.conf: no reference given");
    const struct ctr__regconf_registry *reg = ctr__regconf_find(c, reference);
    if (reg && reg->blocked)
        return ctr__err(-EPERM, "registry %s is blocked in registries.conf", reg->prefix);
    size_t n = 0, cap = (reg ? reg->n_mirrors : 0) + 1;
    struct ctr__regconf_source *v = calloc(cap, sizeof *v);
    if (!v)
        return ctr__oom("the pull sources");
    bool digested = strchr(reference, '@') != NULL;
    int r = 0;
    for (size_t i = 0; reg && r == 0 && i < reg->n_mirrors; i++) {
        const struct ctr__regconf_mirror *m = &reg->mirrors[i];
        if ((m->pull_from_mirror_by_digest_only && !digested) || (m->pull_from_mirror_by_tag_only && digested))
            continue;
        r = add_source(v, &n, reference, reg, m->location, m->insecure);
    }
    if (r == 0)
        r = add_source(v, &n, reference, reg, reg ? reg->location : NULL, reg && reg->insecure);
    if (r < 0) {
        ctr__regconf_sources_free(v, n);
        return r;
    }
    *ret = v;
    *ret_n = n;
    return 0;
}

/* The alias of @name ("NAME=VALUE" sorted by NAME), or NULL. */
static const char *find_alias(const struct ctr__regconf *c, const char *name, size_t len)
{
    size_t lo = 0, hi = ctr__strv_len((const char *const *)c->aliases);
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        const char *a = c->aliases[mid];
        size_t la = strcspn(a, "=");
        int r = memcmp(a, name, la < len ? la : len);
        if (r == 0)
            r = (la > len) - (la < len);
        if (r == 0)
            return a + la + 1;
        if (r < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

/* Every search registry's candidate, and the enforcing mode's verdict. */
static int search_candidates(const struct ctr__regconf *c, const char *short_name, const struct name *n, char ***ret)
{
    size_t count = ctr__strv_len((const char *const *)c->search);
    if (count == 0) {
        if (c->search_origin)
            return ctr__err(-EINVAL, "short-name \"%s\" did not resolve to an alias and no unqualified-search "
                            "registries are defined in \"%s\"", short_name, c->search_origin);
        return ctr__err(-EINVAL, "short-name \"%s\" did not resolve to an alias and no containers-registries.conf(5) "
                        "was found", short_name);
    }
    _cleanup_strv_ char **v = ctr__strv_copy(NULL);
    struct ctr__buf list = { 0 };
    for (size_t i = 0; v && i < count; i++) {
        _cleanup_free_ char *q = qualify(c->search[i], strlen(c->search[i]), short_name, n->len, n->suffix);
        if (!q || ctr__strv_push(&v, q) < 0)
            break;
        ctr__buf_printf(&list, "%s%s", i ? ", " : "", q);
    }
    _cleanup_free_ char *candidates = NULL;
    if (ctr__buf_finish(&list, &candidates) < 0 || !v || ctr__strv_len((const char *const *)v) != count)
        return ctr__oom("the short-name candidates");
    if (count > 1 && c->mode == CTR__SHORT_ENFORCING)
        return ctr__err(-EINVAL, "short-name \"%s\" is ambiguous: short-name resolution enforced but cannot prompt "
                        "without a TTY; candidates: %s (use a fully qualified name, or add an alias to [aliases] in "
                        "registries.conf)", short_name, candidates);
    *ret = TAKE_PTR(v);
    return 0;
}

int ctr__regconf_resolve(const struct ctr__regconf *c, const char *short_name, char ***ret)
{
    struct name n;
    if (isempty(short_name))
        return ctr__err(-EINVAL, "short-name resolution: no name given");
    int r = parse_name(short_name, "invalid reference", &n);
    if (r < 0)
        return r;
    _cleanup_strv_ char **v = ctr__strv_copy(NULL);
    if (!v)
        return ctr__oom("the short-name candidates");
    if (n.qualified) {
        if (ctr__strv_push(&v, short_name) < 0)
            return ctr__oom("the short-name candidates");
        *ret = TAKE_PTR(v);
        return 0;
    }
    const char *alias = find_alias(c, short_name, n.len);
    if (alias) {
        _cleanup_free_ char *q = ctr__asprintf("%s%s", alias, n.suffix);
        if (!q || ctr__strv_push(&v, q) < 0)
            return ctr__oom("the short-name candidates");
        *ret = TAKE_PTR(v);
        return 0;
    }
    return search_candidates(c, short_name, &n, ret);
}
