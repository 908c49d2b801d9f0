/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* ctrctl: the mount options of create and run (-v/--volume, --mount,
 * --tmpfs, --image-volume), with podman's syntax and messages.  What is
 * collected becomes ctr_container_options_t::mounts; the library checks
 * and normalizes the options (rw, rprivate, rbind... as podman adds them). */
#include "ctrctl.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

const char mount_args_usage[] =
    "  -v, --volume [SRC:]DST[:OPTS]\n"
    "                              bind-mount a host path SRC (absolute or ./), or mount the volume\n"
    "                              named SRC, or an anonymous volume (no SRC) on DST; OPTS: ro, rw,\n"
    "                              [r]shared, [r]private, [r]slave, nosuid, nodev, noexec, [r]bind,\n"
    "                              z, Z, copy, nocopy (repeatable)\n"
    "      --mount type=TYPE,...   bind, volume, tmpfs or devpts: src=, dst=, ro, bind-propagation=,\n"
    "                              bind-nonrecursive, relabel=, tmpfs-size=, tmpfs-mode=, ...\n"
    "                              (repeatable)\n"
    "      --tmpfs DST[:OPTS]      mount a tmpfs on DST; OPTS: size=, mode=, ro, noexec, ...\n"
    "                              (repeatable)\n"
    "      --image-volume MODE     the image's volumes: bind (anonymous volumes, the default),\n"
    "                              tmpfs (a tmpfs each) or ignore\n";

/* The --mount error of podman when the format is wrong. */
#define MOUNT_SYNTAX                                                                                        \
    "incorrect mount format: should be --mount type=<bind|tmpfs|volume>,[src=<host-dir|volume-name>,]target=" \
    "<ctr-dir>[,options]"

/* A mount being built: its strings are copies owned by m->strings. */
typedef struct building {
    const char *type, *source, *destination;
    strv_t options;
} building_t;

static const char *keep(mount_args_t *m, const char *s)
{
    return strv_push(&m->strings, s) < 0 ? NULL : m->strings.v[m->strings.n - 1];
}

/* Append the mount (its options array is the mount's own, freed by clear). */
static int add_mount(mount_args_t *m, building_t *b)
{
    ctr_mount_t *v = realloc(m->mounts, (m->n_mounts + 1) * sizeof *v);
    if (!v)
        return ctrctl_error("out of memory");
    m->mounts = v;
    const char *type = keep(m, b->type), *dst = keep(m, b->destination);
    const char *src = b->source ? keep(m, b->source) : NULL;
    if (!type || !dst || (b->source && !src))
        return EXIT_ENGINE;
    const char **opts = calloc(b->options.n + 1, sizeof *opts);
    if (!opts)
        return ctrctl_error("out of memory");
    for (size_t i = 0; i < b->options.n; i++)
        if (!(opts[i] = keep(m, b->options.v[i]))) {
            free(opts);
            return EXIT_ENGINE;
        }
    m->mounts[m->n_mounts++] = (ctr_mount_t){ type, src, dst, opts };
    return 0;
}

/* Split @s at @sep into @out. */
static int split(const char *s, char sep, strv_t *out)
{
    const char *p = s;
    for (;;) {
        const char *e = strchr(p, sep);
        size_t len = e ? (size_t)(e - p) : strlen(p);
        char *part = strndup(p, len);
        if (!part)
            return ctrctl_error("out of memory");
        int r = strv_push(out, part);
        free(part);
        if (r < 0)
            return EXIT_ENGINE;
        if (!e)
            return 0;
        p = e + 1;
    }
}

/* ---- -v ---- */

static int count_in(const char *const *names, const char *opt)
{
    for (; *names; names++)
        if (strcmp(*names, opt) == 0)
            return 1;
    return 0;
}

/* podman's check of -v options: each known, one of each kind. */
static int validate_volume_opts(strv_t *opts, const char *joined)
{
    static const struct {
        const char *names[9];
        const char *text;
    } groups[] = {
        { { "noexec", "exec" }, "'noexec' or 'exec'" },
        { { "nodev", "dev" }, "'nodev' or 'dev'" },
        { { "nosuid", "suid" }, "'nosuid' or 'suid'" },
        { { "rw", "ro" }, "'rw' or 'ro'" },
        { { "z", "Z", "O" }, "'z', 'Z', or 'O'" },
        { { "U" }, "'U'" },
        { { "private", "rprivate", "shared", "rshared", "slave", "rslave", "unbindable", "runbindable" },
          "'[r]shared', '[r]private', '[r]slave' or '[r]unbindable'" },
        { { "bind", "rbind" }, "'[r]bind'" },
        { { "copy", "nocopy" }, "'copy' or 'nocopy'" },
    };
    int seen[sizeof groups / sizeof groups[0]] = { 0 };
    for (size_t i = 0; i < opts->n; i++) {
        const char *o = opts->v[i];
        if (strncmp(o, "idmap", 5) == 0 || strcmp(o, "cached") == 0 || strcmp(o, "delegated") == 0)
            continue; /* idmap: the library refuses it clearly; the others it drops */
        size_t g = 0;
        while (g < sizeof groups / sizeof groups[0] && !count_in(groups[g].names, o))
            g++;
        if (g == sizeof groups / sizeof groups[0])
            return ctrctl_error("invalid option type \"%s\"", o);
        if (++seen[g] > 1)
            return ctrctl_error("invalid options \"%s\", can only specify 1 %s option", joined, groups[g].text);
    }
    return 0;
}

static int volume_options(building_t *b, const char *spec)
{
    strv_t raw = { 0 };
    int r = split(spec, ',', &raw);
    /* podman quotes the options joined with ", " in its error. */
    size_t len = 1;
    for (size_t i = 0; r == 0 && i < raw.n; i++)
        len += strlen(raw.v[i]) + 2;
    char *joined = r == 0 ? calloc(1, len) : NULL;
    for (size_t i = 0; joined && i < raw.n; i++)
        strcat(strcat(joined, i ? ", " : ""), raw.v[i]);
    if (r == 0 && !joined)
        r = ctrctl_error("out of memory");
    if (r == 0)
        r = validate_volume_opts(&raw, joined);
    free(joined);
    for (size_t i = 0; r == 0 && i < raw.n; i++)
        r = strv_push(&b->options, raw.v[i]) < 0 ? EXIT_ENGINE : 0;
    strv_clear(&raw);
    return r;
}

/* A "./" source is a path relative to the working directory, made absolute. */
static int volume_source(building_t *b, const char *src, char *abs)
{
    b->source = src;
    if (src[0] == '/') {
        b->type = "bind";
    } else if (src[0] == '.') {
        if (!realpath(src, abs))
            return ctrctl_error("%s: %m", src);
        b->type = "bind";
        b->source = abs;
    } else {
        b->type = "volume";
    }
    return 0;
}

static int parse_volume(mount_args_t *m, const char *arg)
{
    strv_t parts = { 0 };
    building_t b = { 0 };
    char abs[PATH_MAX];
    int r = split(arg, ':', &parts);
    if (r == 0 && parts.n > 3)
        r = ctrctl_error("%s: incorrect volume format, should be [host-dir:]ctr-dir[:option]", arg);
    if (r == 0 && parts.n == 1) {
        b.type = "volume"; /* an anonymous volume */
        b.destination = parts.v[0];
    } else if (r == 0) {
        b.destination = parts.v[1];
        if (!parts.v[0][0])
            r = ctrctl_error("host directory cannot be empty");
        if (r == 0 && parts.n == 3)
            r = volume_options(&b, parts.v[2]);
        if (r == 0)
            r = volume_source(&b, parts.v[0], abs);
    }
    if (r == 0 && b.destination[0] != '/')
        r = ctrctl_error("invalid container path \"%s\", must be an absolute path", b.destination);
    r = r ? r : add_mount(m, &b);
    strv_clear(&b.options);
    strv_clear(&parts);
    return r;
}

/* ---- --tmpfs ---- */

static int parse_tmpfs(mount_args_t *m, const char *arg)
{
    building_t b = { .type = "tmpfs" };
    const char *colon = strchr(arg, ':');
    char *dst = colon ? strndup(arg, (size_t)(colon - arg)) : strdup(arg);
    if (!dst)
        return ctrctl_error("out of memory");
    int r = 0;
    if (!dst[0])
        r = ctrctl_error("container directory cannot be empty");
    else if (dst[0] != '/')
        r = ctrctl_error("invalid container path \"%s\", must be an absolute path", dst);
    if (r == 0 && colon && colon[1])
        r = split(colon + 1, ',', &b.options);
    b.destination = dst;
    r = r ? r : add_mount(m, &b);
    strv_clear(&b.options);
    free(dst);
    return r;
}

/* ---- --mount ---- */

#define NEED_ARG ": must provide an argument for option"

typedef struct mount_parse {
    building_t b;
    char *dest; /* cleaned by the library; kept as given here */
    bool set_rorw, set_suid, set_dev, set_exec, set_relabel, set_copyup, set_owner;
} mount_parse_t;

static int push_opt(mount_parse_t *p, const char *opt)
{
    return strv_push(&p->b.options, opt) < 0 ? EXIT_ENGINE : 0;
}

static int once(bool *flag, const char *what)
{
    if (*flag)
        return ctrctl_error("cannot pass %s options more than once" NEED_ARG, what);
    *flag = true;
    return 0;
}

/* U, U=true, U=false (podman's chown flag). */
static int owner_key(mount_parse_t *p, const char *tok, const char *val)
{
    int r = once(&p->set_owner, "'U' or 'chown'");
    if (r)
        return r;
    if (!val || strcasecmp(val, "true") == 0)
        return push_opt(p, "U");
    if (strcasecmp(val, "false") == 0)
        return 0;
    (void)tok;
    return ctrctl_error("'U' or 'chown' must be set to true or false, instead received \"%s\"" NEED_ARG, val);
}

/* Keys every type but devpts has: 0, 1 when not one of them, or EXIT_ENGINE. */
static int common_key(mount_parse_t *p, const char *key, const char *tok, const char *val)
{
    if (strcmp(key, "nosuid") == 0 || strcmp(key, "suid") == 0) {
        int r = once(&p->set_suid, "'nosuid' and 'suid'");
        return r ? r : push_opt(p, key);
    }
    if (strcmp(key, "nodev") == 0 || strcmp(key, "dev") == 0) {
        int r = once(&p->set_dev, "'nodev' and 'dev'");
        return r ? r : push_opt(p, key);
    }
    if (strcmp(key, "noexec") == 0 || strcmp(key, "exec") == 0) {
        int r = once(&p->set_exec, "'noexec' and 'exec'");
        return r ? r : push_opt(p, key);
    }
    if (strcmp(key, "U") == 0 || strcmp(key, "chown") == 0)
        return owner_key(p, tok, val);
    if (strcmp(key, "consistency") == 0)
        return 0;
    return 1;
}

/* The destination key: 0, 1 when not it, or EXIT_ENGINE. */
static int dest_key(mount_parse_t *p, const char *key, const char *val)
{
    if (strcmp(key, "target") != 0 && strcmp(key, "dst") != 0 && strcmp(key, "destination") != 0)
        return 1;
    if (!val)
        return ctrctl_error("%s" NEED_ARG, key);
    if (!val[0])
        return ctrctl_error("container directory cannot be empty");
    if (val[0] != '/')
        return ctrctl_error("invalid container path \"%s\", must be an absolute path", val);
    free(p->dest);
    if (!(p->dest = strdup(val)))
        return ctrctl_error("out of memory");
    p->b.destination = p->dest;
    return 0;
}

static bool is_propagation(const char *s)
{
    static const char *const props[] = { "shared", "rshared", "private", "rprivate", "slave",
                                         "rslave", "unbindable", "runbindable", NULL };
    return count_in(props, s);
}

/* readonly, ro, rw, each with =true or =false. */
static int bind_rorw(mount_parse_t *p, const char *key, const char *val)
{
    int r = once(&p->set_rorw, "'readonly', 'ro', or 'rw'");
    if (r)
        return r;
    const char *opt = strcmp(key, "readonly") == 0 ? "ro" : key;
    if (!val || strcasecmp(val, "true") == 0)
        return push_opt(p, opt);
    if (strcasecmp(val, "false") == 0)
        return strcmp(opt, "rw") == 0 ? push_opt(p, "ro") : 0; /* ro=false is the default */
    return ctrctl_error("'readonly', 'ro', or 'rw' must be set to true or false, instead received \"%s\"" NEED_ARG,
                        val);
}

static int bind_key(mount_parse_t *p, const char *key, const char *tok, const char *val)
{
    int r;
    if (strcmp(key, "bind-nonrecursive") == 0)
        return push_opt(p, "bind");
    if (strcmp(key, "readonly") == 0 || strcmp(key, "ro") == 0 || strcmp(key, "rw") == 0)
        return bind_rorw(p, key, val);
    if (is_propagation(key) || strcmp(key, "z") == 0 || strcmp(key, "Z") == 0 || strcmp(key, "idmap") == 0)
        return push_opt(p, tok);
    if (strcmp(key, "bind-propagation") == 0)
        return val ? push_opt(p, val) : ctrctl_error("%s" NEED_ARG, key);
    if (strcmp(key, "src") == 0 || strcmp(key, "source") == 0) {
        if (!val)
            return ctrctl_error("%s" NEED_ARG, key);
        if (!val[0])
            return ctrctl_error("host directory cannot be empty" NEED_ARG);
        p->b.source = val;
        return 0;
    }
    if (strcmp(key, "relabel") == 0) {
        if ((r = once(&p->set_relabel, "'relabel'")))
            return r;
        if (val && (strcmp(val, "private") == 0 || strcmp(val, "shared") == 0))
            return push_opt(p, strcmp(val, "private") == 0 ? "Z" : "z");
        return ctrctl_error("relabel mount option must be 'private' or 'shared': invalid mount option");
    }
    return 1;
}

static int tmpfs_key(mount_parse_t *p, const char *key, const char *val)
{
    int r;
    if (strcmp(key, "tmpcopyup") == 0 || strcmp(key, "notmpcopyup") == 0)
        return (r = once(&p->set_copyup, "'tmpcopyup' and 'notmpcopyup'")) ? r : push_opt(p, key);
    if (strcmp(key, "ro") == 0 || strcmp(key, "rw") == 0)
        return (r = once(&p->set_rorw, "'ro' and 'rw'")) ? r : push_opt(p, key);
    if (strcmp(key, "tmpfs-mode") == 0 || strcmp(key, "tmpfs-size") == 0) {
        if (!val)
            return ctrctl_error("%s" NEED_ARG, key);
        char opt[256];
        snprintf(opt, sizeof opt, "%s=%.200s", strcmp(key, "tmpfs-mode") == 0 ? "mode" : "size", val);
        return push_opt(p, opt);
    }
    if (strcmp(key, "src") == 0 || strcmp(key, "source") == 0)
        return ctrctl_error("source is not supported with tmpfs mounts");
    return 1;
}

static int volume_key(mount_parse_t *p, const char *key, const char *val)
{
    int r;
    if (strcmp(key, "ro") == 0 || strcmp(key, "rw") == 0)
        return (r = once(&p->set_rorw, "'ro' and 'rw'")) ? r : push_opt(p, key);
    if (strcmp(key, "src") == 0 || strcmp(key, "source") == 0) {
        if (!val)
            return ctrctl_error("%s" NEED_ARG, key);
        p->b.source = val;
        return 0;
    }
    if (strcmp(key, "volume-label") == 0)
        return ctrctl_error("the --volume-label option is not presently implemented");
    if (strcmp(key, "volume-opt") == 0)
        return ctrctl_error("volume-opt: volume driver options are not supported");
    return 1;
}

static int devpts_key(mount_parse_t *p, const char *key, const char *tok)
{
    static const char *const keys[] = { "uid", "gid", "mode", "ptmxmode", "newinstance", "max", NULL };
    return count_in(keys, key) ? push_opt(p, tok) : 1;
}

/* One KEY[=VALUE] token of a --mount of @type. */
static int mount_token(mount_parse_t *p, const char *type, char *tok)
{
    char *eq = strchr(tok, '='), *val = eq ? eq + 1 : NULL;
    char key[128];
    snprintf(key, sizeof key, "%.*s", eq ? (int)(eq - tok) : (int)strlen(tok), tok);
    int r = dest_key(p, key, val);
    bool devpts = strcmp(type, "devpts") == 0;
    if (r == 1 && !devpts)
        r = common_key(p, key, tok, val);
    if (r == 1)
        r = strcmp(type, "bind") == 0    ? bind_key(p, key, tok, val)
            : strcmp(type, "tmpfs") == 0 ? tmpfs_key(p, key, val)
            : devpts                     ? devpts_key(p, key, tok)
                                         : volume_key(p, key, val);
    return r == 1 ? ctrctl_error("%s: invalid mount option", key) : r;
}

/* The type=X token; the others stay in @tokens. */
static int mount_type(strv_t *tokens, const char **ret)
{
    for (size_t i = 0; i < tokens->n; i++)
        if (strncmp(tokens->v[i], "type=", 5) == 0 && !strchr(tokens->v[i] + 5, '=')) {
            *ret = tokens->v[i] + 5;
            return (int)i;
        }
    return ctrctl_error(MOUNT_SYNTAX), -1;
}

static int mount_finish(mount_args_t *m, mount_parse_t *p, const char *type)
{
    if (!p->b.destination)
        return ctrctl_error("must set volume destination");
    if (strcmp(type, "bind") == 0) {
        if (!p->b.source)
            p->b.source = p->b.destination; /* podman's default */
        /* podman checks the options as it does -v's. */
        size_t len = 1;
        for (size_t i = 0; i < p->b.options.n; i++)
            len += strlen(p->b.options.v[i]) + 2;
        char *joined = calloc(1, len);
        if (!joined)
            return ctrctl_error("out of memory");
        for (size_t i = 0; i < p->b.options.n; i++)
            strcat(strcat(joined, i ? ", " : ""), p->b.options.v[i]);
        int r = validate_volume_opts(&p->b.options, joined);
        free(joined);
        if (r)
            return r;
    }
    return add_mount(m, &p->b);
}

static int parse_mount(mount_args_t *m, const char *arg)
{
    strv_t tokens = { 0 };
    mount_parse_t p = { 0 };
    const char *type = NULL;
    int r = split(arg, ',', &tokens), ti = -1;
    if (r == 0 && (ti = mount_type(&tokens, &type)) < 0)
        r = EXIT_ENGINE;
    if (r == 0 && strcmp(type, "bind") != 0 && strcmp(type, "tmpfs") != 0 && strcmp(type, "volume") != 0 &&
        strcmp(type, "devpts") != 0)
        r = ctrctl_error("invalid filesystem type \"%s\"", type);
    p.b.type = type;
    for (size_t i = 0; r == 0 && i < tokens.n; i++)
        if ((int)i != ti && tokens.v[i][0])
            r = mount_token(&p, type, tokens.v[i]);
    if (r == 0)
        r = mount_finish(m, &p, type);
    strv_clear(&p.b.options);
    free(p.dest);
    strv_clear(&tokens);
    return r;
}

/* ---- the group ---- */

int mount_args_option(mount_args_t *m, int opt, const char *arg)
{
    switch (opt) {
    case 'v': return parse_volume(m, arg);
    case OPT_MNT_MOUNT: return parse_mount(m, arg);
    case OPT_MNT_TMPFS: return parse_tmpfs(m, arg);
    case OPT_MNT_IMAGE_VOLUME:
        if (strcmp(arg, "bind") != 0 && strcmp(arg, "tmpfs") != 0 && strcmp(arg, "ignore") != 0)
            return ctrctl_error("invalid image volume mode \"%s\": bind, tmpfs or ignore", arg);
        m->image_volume = strcmp(arg, "ignore") == 0  ? IMAGE_VOLUME_IGNORE
                          : strcmp(arg, "tmpfs") == 0 ? IMAGE_VOLUME_TMPFS
                                                      : IMAGE_VOLUME_BIND;
        return 0;
    default: return 1;
    }
}

int mount_args_apply(mount_args_t *m, ctr_container_options_t *o)
{
    o->mounts = m->mounts;
    o->n_mounts = m->n_mounts;
    /* podman's default is bind: each image volume an anonymous volume. */
    o->flags &= ~(uint64_t)(CTR_CREATE_IMAGE_VOLUMES | CTR_CREATE_IMAGE_VOLUMES_TMPFS);
    if (m->image_volume == IMAGE_VOLUME_BIND)
        o->flags |= CTR_CREATE_IMAGE_VOLUMES;
    else if (m->image_volume == IMAGE_VOLUME_TMPFS)
        o->flags |= CTR_CREATE_IMAGE_VOLUMES_TMPFS;
    return 0;
}

void mount_args_clear(mount_args_t *m)
{
    for (size_t i = 0; i < m->n_mounts; i++)
        free((void *)m->mounts[i].options);
    free(m->mounts);
    m->mounts = NULL;
    m->n_mounts = 0;
    strv_clear(&m->strings);
}
