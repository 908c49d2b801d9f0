/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A container's mounts: the check of the caller's ctr_mount_t array (before
 * anything is allocated), the copy normalized as podman normalizes its
 * -v, --mount and --tmpfs (the options it adds: rw, rprivate, nosuid and
 * nodev where podman adds them, rbind, tmpcopyup), the config document's
 * "mounts" key, inspect's view, and the OCI mounts, each destination first
 * walked in the root file system (base/root-path.c). */
#include "data/mounts.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>

#include "base/arena.h"
#include "base/error.h"
#include "base/json-util.h"
#include "base/names.h"
#include "base/root-path.h"
#include "base/util.h"

/* ---- the kinds of mount and of option ---- */

enum { T_BIND = 1, T_VOLUME = 2, T_TMPFS = 4, T_DEVPTS = 8, T_MQUEUE = 16, T_PROC = 32 };
#define T_ALL (T_BIND | T_VOLUME | T_TMPFS | T_DEVPTS | T_MQUEUE | T_PROC)
#define T_BV (T_BIND | T_VOLUME)
#define T_PLAIN (T_BIND | T_VOLUME | T_TMPFS | T_MQUEUE | T_PROC)

static const struct {
    const char *name;
    unsigned int bit;
} types[] = {
    { "bind", T_BIND },     { "volume", T_VOLUME }, { "tmpfs", T_TMPFS },
    { "devpts", T_DEVPTS }, { "mqueue", T_MQUEUE }, { "proc", T_PROC },
};

enum group {
    G_NONE, G_RW, G_PROP, G_SUID, G_DEV, G_EXEC, G_BIND, G_LABEL, G_COPY, G_COPYUP, G_SIZE, G_MODE,
    G_UID, G_GID, G_PTMXMODE, G_MAX, G_NEWINSTANCE, G_DROPPED, G_COUNT
};

/* What "only one of X can be used" says of each group. */
static const char *const group_text[G_COUNT] = {
    [G_RW] = "'rw' and 'ro'",
    [G_PROP] = "the propagations private, rprivate, shared, rshared, slave, rslave, unbindable, runbindable",
    [G_SUID] = "'nosuid' and 'suid'", [G_DEV] = "'nodev' and 'dev'", [G_EXEC] = "'noexec' and 'exec'",
    [G_BIND] = "'rbind' and 'bind'", [G_LABEL] = "'z' and 'Z'", [G_COPY] = "'nocopy' and 'copy'",
    [G_COPYUP] = "'tmpcopyup' and 'notmpcopyup'", [G_SIZE] = "the tmpfs sizes", [G_MODE] = "the modes",
    [G_UID] = "the uids", [G_GID] = "the gids", [G_PTMXMODE] = "the ptmx modes", [G_MAX] = "the maximums",
    [G_NEWINSTANCE] = "'newinstance'",
};

enum value { V_NONE, V_SIZE, V_OCTAL, V_NUMBER };

static const struct kind {
    const char *name;
    enum value value;
    enum group group;
    unsigned int types;
} kinds[] = {
    { "ro", V_NONE, G_RW, T_PLAIN },          { "rw", V_NONE, G_RW, T_PLAIN },
    { "private", V_NONE, G_PROP, T_PLAIN },   { "rprivate", V_NONE, G_PROP, T_PLAIN },
    { "shared", V_NONE, G_PROP, T_PLAIN },    { "rshared", V_NONE, G_PROP, T_PLAIN },
    { "slave", V_NONE, G_PROP, T_PLAIN },     { "rslave", V_NONE, G_PROP, T_PLAIN },
    { "unbindable", V_NONE, G_PROP, T_PLAIN }, { "runbindable", V_NONE, G_PROP, T_PLAIN },
    { "nosuid", V_NONE, G_SUID, T_ALL },      { "suid", V_NONE, G_SUID, T_ALL },
    { "nodev", V_NONE, G_DEV, T_ALL },        { "dev", V_NONE, G_DEV, T_ALL },
    { "noexec", V_NONE, G_EXEC, T_ALL },      { "exec", V_NONE, G_EXEC, T_ALL },
    { "bind", V_NONE, G_BIND, T_BV },         { "rbind", V_NONE, G_BIND, T_BV },
    { "z", V_NONE, G_LABEL, T_BV },           { "Z", V_NONE, G_LABEL, T_BV },
    { "copy", V_NONE, G_COPY, T_BV },         { "nocopy", V_NONE, G_COPY, T_BV },
    { "tmpcopyup", V_NONE, G_COPYUP, T_TMPFS }, { "notmpcopyup", V_NONE, G_COPYUP, T_TMPFS },
    { "size", V_SIZE, G_SIZE, T_TMPFS },      { "mode", V_OCTAL, G_MODE, T_TMPFS | T_DEVPTS },
    { "uid", V_NUMBER, G_UID, T_DEVPTS },     { "gid", V_NUMBER, G_GID, T_DEVPTS },
    { "ptmxmode", V_OCTAL, G_PTMXMODE, T_DEVPTS }, { "max", V_NUMBER, G_MAX, T_DEVPTS },
    { "newinstance", V_NONE, G_NEWINSTANCE, T_DEVPTS },
    /* Docker's macOS options, dropped as podman drops them. */
    { "cached", V_NONE, G_DROPPED, T_ALL },   { "delegated", V_NONE, G_DROPPED, T_ALL },
};

static unsigned int type_bit(const char *type)
{
    for (size_t i = 0; i < ARRAY_SIZE(types); i++)
        if (streq(types[i].name, type ? type : "bind"))
            return types[i].bit;
    return 0;
}

static const char *type_name(const char *type)
{
    return type ? type : "bind";
}

/* The kind of @opt ("size=10m" is "size"); NULL when unknown. */
static const struct kind *find_kind(const char *opt)
{
    const char *eq = strchr(opt, '=');
    size_t len = eq ? (size_t)(eq - opt) : strlen(opt);
    for (size_t i = 0; i < ARRAY_SIZE(kinds); i++)
        if (strlen(kinds[i].name) == len && strncmp(kinds[i].name, opt, len) == 0 &&
            (kinds[i].value != V_NONE) == (eq != NULL))
            return &kinds[i];
    return NULL;
}

/* ---- the check ---- */

/* podman's "statfs PATH: no such file or directory" (Go's lowercase text). */
static int source_error(int err, const char *src)
{
    char text[128];
    return ctr__err(-err, "statfs %s: %s", src, ctr__strerror_go(err, text, sizeof text));
}

static const char *file_kind(mode_t mode)
{
    return S_ISFIFO(mode) ? "a FIFO" : S_ISSOCK(mode) ? "a socket" : S_ISCHR(mode) ? "a character device"
           : S_ISBLK(mode) ? "a block device" : NULL;
}

/* A bind source: absolute, existing, a directory or a file (after links). */
static int check_bind_source(const char *dest, const char *src)
{
    if (isempty(src))
        return ctr__err(-EINVAL, "mount on %s: a bind mount needs a source (a host path)", dest);
    if (src[0] != '/' || strchr(src, '\n') || strlen(src) >= PATH_MAX)
        return ctr__err(-EINVAL, "mount on %s: invalid bind source \"%s\": it must be an absolute host path", dest,
                        src);
    struct stat st;
    if (stat(src, &st) < 0)
        return source_error(errno, src);
    const char *kind = file_kind(st.st_mode);
    if (kind)
        return ctr__err(-EINVAL, "mount on %s: the bind source %s is %s: only a directory or a file can be mounted",
                        dest, src, kind);
    return 0;
}

static int check_source(const ctr_mount_t *mt, const char *dest)
{
    unsigned int t = type_bit(mt->type);
    if (t == T_BIND)
        return check_bind_source(dest, mt->source);
    if (t == T_VOLUME && !isempty(mt->source) && !ctr__name_valid(mt->source))
        return ctr__err(-EINVAL, "mount on %s: invalid volume name \"%s\": names must match [a-zA-Z0-9][a-zA-Z0-9_.-]*",
                        dest, mt->source);
    return 0;
}

static bool value_ok(enum value v, const char *s)
{
    size_t n = strspn(s, "0123456789");
    if (v == V_SIZE)
        return n > 0 && n <= 20 && (s[n] == '\0' || (strchr("kKmMgGtTpPeE%", s[n]) && s[n + 1] == '\0'));
    if (v == V_OCTAL)
        return n > 0 && n <= 5 && s[n] == '\0' && strspn(s, "01234567") == n && strtoul(s, NULL, 8) <= 07777;
    return n > 0 && n <= 10 && s[n] == '\0' && strtoull(s, NULL, 10) <= UINT32_MAX;
}

/* Options that podman knows and libctr does not do. */
static int refused(const char *opt, const char *dest)
{
    if (strncmp(opt, "idmap", 5) == 0 && (opt[5] == '\0' || opt[5] == '='))
        return ctr__err(-EOPNOTSUPP, "mount on %s: the idmap option (an ID-mapped mount) is not supported", dest);
    if (streq(opt, "U"))
        return ctr__err(-EOPNOTSUPP,
                        "mount on %s: the U option (chown of the source to the container's user) is not supported",
                        dest);
    if (streq(opt, "O"))
        return ctr__err(-EOPNOTSUPP, "mount on %s: the O option (an overlay over the source) is not supported",
                        dest);
    return 0;
}

static int check_option(const char *opt, unsigned int t, const char *type, const char *dest, bool seen[G_COUNT])
{
    int r;
    if (!opt[0] || strchr(opt, '\n') || strchr(opt, ','))
        return ctr__err(-EINVAL, "mount on %s: invalid mount option \"%s\"", dest, opt);
    if ((r = refused(opt, dest)) < 0)
        return r;
    const struct kind *k = find_kind(opt);
    if (!k)
        return ctr__err(-EINVAL, "mount on %s: unknown mount option \"%s\"", dest, opt);
    if (!(k->types & t))
        return ctr__err(-EINVAL, "mount on %s: the '%s' option is not allowed with %s mounts", dest, k->name, type);
    if (k->value != V_NONE && !value_ok(k->value, strchr(opt, '=') + 1))
        return ctr__err(-EINVAL, "mount on %s: invalid %s \"%s\": %s", dest, k->name, strchr(opt, '=') + 1,
                        k->value == V_SIZE    ? "a number of bytes, with k, m or g"
                        : k->value == V_OCTAL ? "an octal number up to 7777"
                                              : "a number");
    if (k->group != G_DROPPED && seen[k->group])
        return ctr__err(-EINVAL, "mount on %s: only one of %s can be used", dest, group_text[k->group]);
    seen[k->group] = true;
    return 0;
}

static int check_options(const ctr_mount_t *mt, const char *dest)
{
    bool seen[G_COUNT] = { false };
    unsigned int t = type_bit(mt->type);
    int r;
    for (const char *const *p = mt->options; p && *p; p++)
        if ((r = check_option(*p, t, type_name(mt->type), dest, seen)) < 0)
            return r;
    return 0;
}

/* The cleaned destination of @mt into @buf (PATH_MAX). */
static int clean_destination(const ctr_mount_t *mt, size_t i, char *buf)
{
    const char *d = mt->destination;
    if (isempty(d))
        return ctr__err(-EINVAL, "mounts[%zu]: must set the mount destination", i);
    if (d[0] != '/' || strchr(d, '\n') || ctr__path_clean(d, buf, PATH_MAX) < 0)
        return ctr__err(-EINVAL, "invalid container path \"%s\", must be an absolute path", d);
    if (streq(buf, "/"))
        return ctr__err(-EINVAL, "invalid mount destination \"%s\": a mount cannot cover the root file system", d);
    return 0;
}

static bool same_options(const char *const *a, const char *const *b)
{
    size_t na = ctr__strv_len(a), nb = ctr__strv_len(b);
    if (na != nb)
        return false;
    for (size_t i = 0; i < na; i++)
        if (!streq(a[i], b[i]))
            return false;
    return true;
}

/* The same mount given twice (podman drops the repeat). */
static bool identical(const ctr_mount_t *a, const ctr_mount_t *b)
{
    return streq(type_name(a->type), type_name(b->type)) &&
           streq(a->source ? a->source : "", b->source ? b->source : "") && same_options(a->options, b->options);
}

/* -1: none; else the index of an earlier mount with the cleaned @dest. */
static ssize_t earlier_with(const ctr_mount_t *v, size_t i, const char *dest)
{
    char other[PATH_MAX];
    for (size_t k = 0; k < i; k++)
        if (ctr__path_clean(v[k].destination, other, sizeof other) >= 0 && streq(other, dest))
            return (ssize_t)k;
    return -1;
}

int ctr__mounts_check(const ctr_container_options_t *o)
{
    if (o->n_mounts && !o->mounts)
        return ctr__err(-EINVAL, "n_mounts is %zu but mounts is NULL", o->n_mounts);
    char dest[PATH_MAX];
    int r;
    for (size_t i = 0; i < o->n_mounts; i++) {
        const ctr_mount_t *mt = &o->mounts[i];
        if (!type_bit(mt->type))
            return ctr__err(-EINVAL, "mounts[%zu]: invalid filesystem type \"%s\"", i, mt->type);
        if ((r = clean_destination(mt, i, dest)) < 0 || (r = check_source(mt, dest)) < 0 ||
            (r = check_options(mt, dest)) < 0)
            return r;
        ssize_t k = earlier_with(o->mounts, i, dest);
        if (k >= 0 && !identical(&o->mounts[k], mt))
            return ctr__err(-EINVAL, "%s: duplicate mount destination", dest);
    }
    return 0;
}

/* ---- the copy, normalized ---- */

struct norm {
    char **out;
    bool seen[G_COUNT];
};

static void norm_done(struct norm *n)
{
    ctr__strv_free(n->out);
}

static int add_unless(struct norm *n, enum group g, const char *opt)
{
    if (n->seen[g])
        return 0;
    return ctr__strv_push(&n->out, opt) < 0 ? ctr__oom("a mount option") : 0;
}

/* What podman adds after the given options: rw, rprivate, the source's
 * noexec/nosuid/nodev (a bind) or nosuid and nodev (a volume, a tmpfs),
 * tmpcopyup (a tmpfs), rbind (a bind, a volume). */
static int add_defaults(struct norm *n, unsigned int t, const char *bind_src)
{
    bool noexec = false, nosuid = true, nodev = true;
    if (t == T_BIND) {
        struct statvfs sv;
        if (statvfs(bind_src, &sv) < 0)
            return source_error(errno, bind_src);
        noexec = sv.f_flag & ST_NOEXEC;
        nosuid = sv.f_flag & ST_NOSUID;
        nodev = sv.f_flag & ST_NODEV;
    }
    int r;
    if ((r = add_unless(n, G_RW, "rw")) < 0 || (r = add_unless(n, G_PROP, "rprivate")) < 0 ||
        (noexec && (r = add_unless(n, G_EXEC, "noexec")) < 0) || (nosuid && (r = add_unless(n, G_SUID, "nosuid")) < 0) ||
        (nodev && (r = add_unless(n, G_DEV, "nodev")) < 0))
        return r;
    if (t == T_TMPFS)
        return add_unless(n, G_COPYUP, "tmpcopyup");
    return add_unless(n, G_BIND, "rbind");
}

static int normalize(const ctr_mount_t *mt, char ***ret)
{
    _cleanup_(norm_done) struct norm n = { .out = calloc(1, sizeof(char *)) };
    if (!n.out)
        return ctr__oom("the mount options");
    unsigned int t = type_bit(mt->type);
    for (const char *const *p = mt->options; p && *p; p++) {
        const struct kind *k = find_kind(*p);
        if (!k)
            return ctr__err(-EINVAL, "unknown mount option \"%s\"", *p); /* checked before */
        n.seen[k->group] = true;
        /* notmpcopyup is not the runtime's; z and Z stay (inspect's Mode) and
         * are left out of the OCI mount (SELinux labels: nothing to do without). */
        if (k->group == G_DROPPED || streq(*p, "notmpcopyup"))
            continue;
        if (ctr__strv_push(&n.out, *p) < 0)
            return ctr__oom("the mount options");
    }
    int r;
    if ((t & (T_BV | T_TMPFS)) && (r = add_defaults(&n, t, mt->source)) < 0)
        return r;
    *ret = TAKE_PTR(n.out);
    return 0;
}

static void mount_clear(struct ctr__mount *x)
{
    free(x->type);
    free(x->source);
    free(x->destination);
    ctr__strv_free(x->options);
    memset(x, 0, sizeof *x);
}

/* The file system's name as the OCI source of a mount without one. */
static const char *fs_source(unsigned int t, const char *type)
{
    return t == T_TMPFS ? "tmpfs" : type;
}

static int copy_one(const ctr_mount_t *mt, const char *dest, struct ctr__mount *x)
{
    unsigned int t = type_bit(mt->type);
    char id[65];
    const char *source = t == T_BIND ? mt->source : fs_source(t, type_name(mt->type));
    int r;
    if (t == T_VOLUME) {
        x->anonymous = isempty(mt->source);
        if (x->anonymous && (r = ctr__random_id(id)) < 0)
            return ctr__err(r, "cannot name an anonymous volume: %s", strerror(-r));
        source = x->anonymous ? id : mt->source;
    }
    x->type = strdup(type_name(mt->type));
    x->source = strdup(source);
    x->destination = strdup(dest);
    if (!x->type || !x->source || !x->destination)
        return ctr__oom("a mount");
    return normalize(mt, &x->options);
}

int ctr__mounts_copy(const ctr_container_options_t *o, struct ctr__mounts *m)
{
    memset(m, 0, sizeof *m);
    m->destinations = calloc(o->n_mounts + 1, sizeof(char *));
    m->v = calloc(o->n_mounts + 1, sizeof *m->v);
    if (!m->destinations || !m->v)
        return ctr__oom("the mounts");
    char dest[PATH_MAX];
    for (size_t i = 0; i < o->n_mounts; i++) {
        if (ctr__path_clean(o->mounts[i].destination, dest, sizeof dest) < 0)
            return ctr__err(-EINVAL, "mounts[%zu]: invalid destination", i); /* checked before */
        if (earlier_with(o->mounts, i, dest) >= 0)
            continue; /* an identical repeat (the check refused the others) */
        struct ctr__mount *x = &m->v[m->n];
        int r = copy_one(&o->mounts[i], dest, x);
        if (r < 0) {
            mount_clear(x);
            return r;
        }
        if (!(m->destinations[m->n] = strdup(x->destination))) {
            mount_clear(x);
            return ctr__oom("the mounts");
        }
        m->n++;
    }
    return 0;
}

int ctr__mounts_add(struct ctr__mounts *m, const char *type, const char *source, const char *destination,
                    const char *const *options, bool anonymous)
{
    char dest[PATH_MAX];
    if (ctr__path_clean(destination, dest, sizeof dest) < 0)
        return ctr__err(-EINVAL, "invalid mount destination \"%.200s\"", destination);
    struct ctr__mount *v = realloc(m->v, (m->n + 2) * sizeof *v);
    if (v)
        m->v = v;
    char **d = v ? realloc(m->destinations, (m->n + 2) * sizeof *d) : NULL;
    if (!d)
        return ctr__oom("the mounts");
    m->destinations = d;
    d[m->n + 1] = NULL;
    const ctr_mount_t mt = { type, anonymous ? NULL : source, destination, options };
    struct ctr__mount *x = &m->v[m->n];
    memset(x, 0, sizeof *x);
    int r = copy_one(&mt, dest, x);
    if (r >= 0 && !(d[m->n] = strdup(x->destination)))
        r = ctr__oom("the mounts");
    if (r < 0) {
        mount_clear(x);
        return r;
    }
    m->n++;
    return 0;
}

void ctr__mounts_clear(struct ctr__mounts *m)
{
    for (size_t i = 0; i < m->n; i++)
        mount_clear(&m->v[i]);
    free(m->v);
    ctr__strv_free(m->destinations);
    memset(m, 0, sizeof *m);
}

/* ---- the options again ---- */

/* What a caller passes for @x: the source of a bind mount or a named
 * volume (an anonymous one's generated name is not given), the normalized
 * options, with notmpcopyup for a tmpfs whose tmpcopyup was dropped. */
static int export_one(const struct ctr__mount *x, struct ctr__arena *a, ctr_mount_t *out)
{
    unsigned int t = type_bit(x->type);
    bool no_copyup = t == T_TMPFS && !ctr__strv_contains((const char *const *)x->options, "tmpcopyup");
    size_t n = ctr__strv_len((const char *const *)x->options);
    const char **opts = ctr__arena_alloc(a, (n + 2) * sizeof *opts);
    if (!opts)
        return ctr__oom("the exported mounts");
    for (size_t i = 0; i < n; i++)
        if (!(opts[i] = ctr__arena_strdup(a, x->options[i])))
            return ctr__oom("the exported mounts");
    if (no_copyup)
        opts[n++] = "notmpcopyup";
    bool has_source = t == T_BIND || (t == T_VOLUME && !x->anonymous);
    out->type = ctr__arena_strdup(a, x->type);
    out->source = has_source ? ctr__arena_strdup(a, x->source) : NULL;
    out->destination = ctr__arena_strdup(a, x->destination);
    out->options = n ? opts : NULL;
    if (!out->type || (has_source && !out->source) || !out->destination)
        return ctr__oom("the exported mounts");
    return 0;
}

int ctr__mounts_export(const struct ctr__mounts *m, struct ctr__arena *a, ctr_container_options_t *o)
{
    o->mounts = NULL;
    o->n_mounts = 0;
    if (m->n == 0)
        return 0;
    ctr_mount_t *v = ctr__arena_alloc(a, m->n * sizeof *v);
    if (!v)
        return ctr__oom("the exported mounts");
    for (size_t i = 0; i < m->n; i++) {
        int r = export_one(&m->v[i], a, &v[i]);
        if (r < 0)
            return r;
    }
    o->mounts = v;
    o->n_mounts = m->n;
    return 0;
}

/* ---- the config document ---- */

static json_object *mount_to_json(const struct ctr__mount *x)
{
    _cleanup_json_ json_object *j = json_object_new_object();
    if (!j || ctr__json_add_str(j, "type", x->type) < 0 || ctr__json_add_str(j, "source", x->source) < 0 ||
        ctr__json_add_str(j, "destination", x->destination) < 0 || ctr__json_add_strv(j, "options", x->options) < 0 ||
        (x->anonymous && ctr__json_add_bool(j, "anonymous", true) < 0))
        return NULL;
    return TAKE_PTR(j);
}

int ctr__mounts_to_json(const struct ctr__mounts *m, json_object *doc)
{
    _cleanup_json_ json_object *arr = json_object_new_array_ext((int)m->n);
    if (!arr)
        return ctr__oom("the mounts document");
    for (size_t i = 0; i < m->n; i++) {
        json_object *j = mount_to_json(&m->v[i]);
        if (!j || json_object_array_add(arr, j) < 0) {
            json_object_put(j);
            return ctr__oom("the mounts document");
        }
    }
    return ctr__json_set(doc, "mounts", TAKE_PTR(arr));
}

static int mount_from_json(json_object *j, size_t i, struct ctr__mount *x)
{
    if (!json_object_is_type(j, json_type_object))
        return ctr__err(-EINVAL, "\"mounts\"[%zu] must be an object", i);
    char clean[PATH_MAX];
    int r;
    if ((r = ctr__json_get_str(j, "type", &x->type)) < 0 || (r = ctr__json_get_str(j, "source", &x->source)) < 0 ||
        (r = ctr__json_get_str(j, "destination", &x->destination)) < 0 ||
        (r = ctr__json_get_strv(j, "options", &x->options)) < 0 || (r = ctr__json_get_bool(j, "anonymous", &x->anonymous)) < 0)
        return r;
    if (!x->type || !type_bit(x->type) || !x->source || !x->destination ||
        ctr__path_clean(x->destination, clean, sizeof clean) < 0 || !streq(clean, x->destination) ||
        streq(clean, "/"))
        return ctr__err(-EINVAL, "\"mounts\"[%zu] needs a known type, a source and a clean absolute destination", i);
    if (!x->options && !(x->options = calloc(1, sizeof(char *))))
        return ctr__oom("the mount options");
    return 0;
}

int ctr__mounts_from_json(json_object *doc, struct ctr__mounts *m)
{
    memset(m, 0, sizeof *m);
    json_object *arr = NULL;
    if (json_object_object_get_ex(doc, "mounts", &arr) && arr && !json_object_is_type(arr, json_type_array))
        return ctr__err(-EINVAL, "\"mounts\" must be an array");
    size_t n = arr ? json_object_array_length(arr) : 0;
    m->destinations = calloc(n + 1, sizeof(char *));
    m->v = calloc(n + 1, sizeof *m->v);
    if (!m->destinations || !m->v)
        return ctr__oom("the mounts");
    for (size_t i = 0; i < n; i++) {
        struct ctr__mount *x = &m->v[m->n];
        int r = mount_from_json(json_object_array_get_idx(arr, i), i, x);
        if (r < 0 || !(m->destinations[m->n] = strdup(x->destination))) {
            mount_clear(x);
            return r < 0 ? r : ctr__oom("the mounts");
        }
        m->n++;
    }
    return 0;
}

/* ---- inspect ---- */

static bool is_propagation(const char *opt)
{
    const struct kind *k = find_kind(opt);
    return k && k->group == G_PROP;
}

/* podman's view of the options: RW, the propagation, the label, the rest. */
static json_object *inspect_mount(const struct ctr__mount *x)
{
    bool volume = streq(x->type, "volume"), rw = true;
    const char *prop = "", *mode = "";
    _cleanup_json_ json_object *j = json_object_new_object(), *opts = json_object_new_array();
    if (!j || !opts)
        return NULL;
    for (char **p = x->options; *p; p++) {
        if (streq(*p, "ro") || streq(*p, "rw"))
            rw = rw && !streq(*p, "ro");
        else if (is_propagation(*p))
            prop = *p;
        else if (streq(*p, "z") || streq(*p, "Z"))
            mode = *p;
        else if (json_object_array_add(opts, json_object_new_string(*p)) < 0)
            return NULL;
    }
    /* The volume's host directory is the volume module's: not known here. */
    if (ctr__json_add_str(j, "Type", volume ? "volume" : "bind") < 0 ||
        (volume && ctr__json_add_str(j, "Name", x->source) < 0) ||
        ctr__json_add_str(j, "Source", volume ? "" : x->source) < 0 ||
        ctr__json_add_str(j, "Destination", x->destination) < 0 ||
        ctr__json_add_str(j, "Driver", volume ? "local" : "") < 0 || ctr__json_add_str(j, "Mode", mode) < 0 ||
        ctr__json_set(j, "Options", TAKE_PTR(opts)) < 0 || ctr__json_add_bool(j, "RW", rw) < 0 ||
        ctr__json_add_str(j, "Propagation", prop) < 0)
        return NULL;
    return TAKE_PTR(j);
}

/* "SRC:DST[:OPT,OPT...]" of HostConfig.Binds; the options joined for Tmpfs. */
static char *joined(const struct ctr__mount *x, bool bind)
{
    struct ctr__buf b = { 0 };
    if (bind)
        ctr__buf_printf(&b, "%s:%s%s", x->source, x->destination, x->options[0] ? ":" : "");
    for (char **p = x->options; *p; p++)
        ctr__buf_printf(&b, "%s%s", p == x->options ? "" : ",", *p);
    char *s = NULL;
    return ctr__buf_finish(&b, &s) < 0 ? NULL : s;
}

static int inspect_add(const struct ctr__mount *x, json_object *mounts, json_object *binds, json_object *tmpfs)
{
    bool is_tmpfs = streq(x->type, "tmpfs");
    _cleanup_free_ char *s = joined(x, !is_tmpfs);
    if (!s)
        return ctr__oom("the inspected mounts");
    if (is_tmpfs)
        return ctr__json_add_str(tmpfs, x->destination, s);
    json_object *j = inspect_mount(x), *b = json_object_new_string(s);
    if (!j || !b || json_object_array_add(mounts, j) < 0 || (j = NULL, json_object_array_add(binds, b) < 0)) {
        json_object_put(j);
        json_object_put(b);
        return ctr__oom("the inspected mounts");
    }
    return 0;
}

/* podman lists the volumes first, then the other mounts. */
int ctr__mounts_inspect(const struct ctr__mounts *m, json_object *inspect, json_object *host_config)
{
    _cleanup_json_ json_object *mounts = json_object_new_array(), *binds = json_object_new_array(),
                               *tmpfs = json_object_new_object();
    if (!mounts || !binds || !tmpfs)
        return ctr__oom("the inspected mounts");
    int r;
    for (int volumes = 1; volumes >= 0; volumes--)
        for (size_t i = 0; i < m->n; i++)
            if (streq(m->v[i].type, "volume") == (volumes == 1) &&
                (r = inspect_add(&m->v[i], mounts, binds, tmpfs)) < 0)
                return r;
    if ((r = ctr__json_set(inspect, "Mounts", TAKE_PTR(mounts))) < 0 ||
        (r = ctr__json_set(host_config, "Binds", TAKE_PTR(binds))) < 0)
        return r;
    return ctr__json_set(host_config, "Tmpfs", TAKE_PTR(tmpfs));
}

/* ---- the OCI mounts ---- */

static const char *source_of(const struct ctr__mount *x, size_t i, const char *const *sources)
{
    return streq(x->type, "volume") ? (sources ? sources[i] : NULL) : x->source;
}

static int check_oci_source(const struct ctr__mount *x, size_t i, const char *const *sources)
{
    if (streq(x->type, "volume") && !source_of(x, i, sources))
        return ctr__err(-EINVAL, "mount on %s: volume %s has no host directory", x->destination, x->source);
    /* Checked at create; what is there now is what the runtime will mount. */
    return streq(x->type, "bind") ? check_bind_source(x->destination, x->source) : 0;
}

/* The options without the SELinux relabel ones; NULL when none are left. */
static int oci_options(char **options, json_object **ret)
{
    _cleanup_json_ json_object *a = json_object_new_array();
    if (!a)
        return ctr__oom("the OCI mounts");
    for (char **p = options; *p; p++)
        if (!streq(*p, "z") && !streq(*p, "Z") && json_object_array_add(a, json_object_new_string(*p)) < 0)
            return ctr__oom("the OCI mounts");
    *ret = json_object_array_length(a) ? TAKE_PTR(a) : NULL;
    return 0;
}

static json_object *oci_mount(const struct ctr__mount *x, const char *source)
{
    bool bind = streq(x->type, "bind") || streq(x->type, "volume");
    _cleanup_json_ json_object *j = json_object_new_object(), *opts = NULL;
    if (!j || oci_options(x->options, &opts) < 0 || ctr__json_add_str(j, "destination", x->destination) < 0 ||
        ctr__json_add_str(j, "type", bind ? "bind" : x->type) < 0 || ctr__json_add_str(j, "source", source) < 0 ||
        (opts && ctr__json_set(j, "options", TAKE_PTR(opts)) < 0))
        return NULL;
    return TAKE_PTR(j);
}

static size_t depth(const char *path)
{
    size_t n = 0;
    for (const char *p = path; *p; p++)
        n += *p == '/';
    return n;
}

int ctr__mounts_oci(const struct ctr__mounts *m, const char *rootfs, const char *const *sources, json_object *out)
{
    size_t most = 0;
    int r;
    for (size_t i = 0; i < m->n; i++) {
        if ((r = check_oci_source(&m->v[i], i, sources)) < 0 ||
            (rootfs && (r = ctr__root_path_resolve(rootfs, m->v[i].destination, NULL)) < 0))
            return r;
        most = depth(m->v[i].destination) > most ? depth(m->v[i].destination) : most;
    }
    /* Parents before children: by depth, in the given order within one. */
    for (size_t d = 1; d <= most; d++)
        for (size_t i = 0; i < m->n; i++) {
            if (depth(m->v[i].destination) != d)
                continue;
            json_object *j = oci_mount(&m->v[i], source_of(&m->v[i], i, sources));
            if (!j || json_object_array_add(out, j) < 0) {
                json_object_put(j);
                return ctr__oom("the OCI mounts");
            }
        }
    return 0;
}
