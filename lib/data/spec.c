/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* OCI runtime spec generation: the config (plus what the lifecycle knows) to config.json. */
#include "data/spec.h"

#include <dirent.h>
#include <fcntl.h>
#include <glob.h>
#include <inttypes.h>
#include <json-c/json.h>
#include <stdio.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "base/caps.h"
#include "base/error.h"
#include "base/json-util.h"
#include "base/passwd.h"
#include "ctr-config.h"
#include "data/seccomp-profile.h"

#if HAVE_SELINUX
#include <selinux/selinux.h>
#endif

#define OCI_VERSION "1.0.2"
#define DEFAULT_UMASK 0022
/* Most host device nodes a privileged container gets. */
#define HOST_DEVICES_MAX 4096

typedef json_object J;

/* ---- small JSON helpers: each returns 0 or a negative errno ---- */

/* Add @v (a new reference, may be NULL from a failed constructor) as @key, replacing. */
static int add(J *o, const char *key, J *v)
{
    return ctr__json_set(o, key, v);
}

static int push(J *arr, J *v)
{
    if (!v)
        return ctr__oom("an OCI spec array entry");
    if (json_object_array_add(arr, v) < 0) {
        json_object_put(v);
        return ctr__oom("an OCI spec array entry");
    }
    return 0;
}

static int add_str(J *o, const char *key, const char *s)
{
    return add(o, key, json_object_new_string(s));
}

static int add_bool(J *o, const char *key, bool b)
{
    return add(o, key, json_object_new_boolean(b));
}

static int add_i64(J *o, const char *key, int64_t v)
{
    return add(o, key, json_object_new_int64(v));
}

/* The value of @key when it is of @type; NULL when absent or JSON null. -EINVAL for another type. */
static int get_typed(J *o, const char *key, json_type type, const char *where, J **ret)
{
    J *v = NULL;
    *ret = NULL;
    if (!json_object_object_get_ex(o, key, &v) || !v)
        return 0;
    if (!json_object_is_type(v, type))
        return ctr__err(-EINVAL, "invalid OCI spec: %s%s%s is not %s", where, *where ? "." : "", key,
                        type == json_type_object   ? "an object"
                        : type == json_type_array  ? "an array"
                        : type == json_type_string ? "a string"
                        : type == json_type_boolean ? "a boolean"
                                                    : "a number");
    *ret = v;
    return 0;
}

/* The object at @key, created when absent. */
static int child(J *o, const char *key, const char *where, J **ret)
{
    J *v;
    int r = get_typed(o, key, json_type_object, where, &v);
    if (r < 0)
        return r;
    if (!v) {
        v = json_object_new_object();
        r = add(o, key, v);
        if (r < 0)
            return r;
    }
    *ret = v;
    return 0;
}

static J *strv_to_json(const char *const *v)
{
    J *a = json_object_new_array();
    for (size_t i = 0; a && v && v[i]; i++)
        if (push(a, json_object_new_string(v[i])) < 0) {
            json_object_put(a);
            return NULL;
        }
    return a;
}

/* An array of strings to a strv (copied). */
static int json_to_strv(J *arr, const char *what, char ***ret)
{
    _cleanup_strv_ char **v = ctr__strv_copy(NULL);
    if (!v)
        return ctr__oom(what);
    size_t n = json_object_array_length(arr);
    for (size_t i = 0; i < n; i++) {
        J *s = json_object_array_get_idx(arr, i);
        if (!json_object_is_type(s, json_type_string))
            return ctr__err(-EINVAL, "invalid OCI spec: %s must hold strings only", what);
        if (ctr__strv_push(&v, json_object_get_string(s)) < 0)
            return ctr__oom(what);
    }
    *ret = TAKE_PTR(v);
    return 0;
}

/* ---- process ---- */

/* Index of the entry of @env whose key is the key of @kv ("K=V" or "K"), or -1. */
static ssize_t env_find(char **env, const char *kv)
{
    size_t klen = strcspn(kv, "=");
    for (size_t i = 0; env && env[i]; i++)
        if (strncmp(env[i], kv, klen) == 0 && (env[i][klen] == '=' || env[i][klen] == '\0'))
            return (ssize_t)i;
    return -1;
}

/* Set K=V in @env, replacing an entry with the same key (@replace) or keeping it. */
static int env_set(char ***env, const char *kv, bool replace)
{
    ssize_t i = env_find(*env, kv);
    if (i >= 0) {
        if (!replace)
            return 0;
        char *n = strdup(kv);
        if (!n)
            return ctr__oom("the environment");
        free((*env)[i]);
        (*env)[i] = n;
        return 0;
    }
    if (ctr__strv_push(env, kv) < 0)
        return ctr__oom("the environment");
    return 0;
}

static int valid_env(const char *kv)
{
    const char *eq = strchr(kv, '=');
    if (!eq || eq == kv)
        return ctr__err(-EINVAL, "invalid environment variable \"%s\": expected KEY=VALUE", kv);
    return 0;
}

static int set_env(J *process, const struct ctr__config *cfg, const char *hostname, const char *home)
{
    J *base;
    int r = get_typed(process, "env", json_type_array, "process", &base);
    if (r < 0)
        return r;
    _cleanup_strv_ char **env = NULL;
    if (base)
        r = json_to_strv(base, "process.env", &env);
    else
        r = (env = ctr__strv_copy(NULL)) ? 0 : ctr__oom("the environment");
    if (r < 0)
        return r;

    for (size_t i = 0; cfg->env && cfg->env[i]; i++) {
        r = valid_env(cfg->env[i]);
        if (r < 0)
            return r;
        r = env_set(&env, cfg->env[i], true);
        if (r < 0)
            return r;
    }

    /* Defaults for what is still missing, PATH first like podman. */
    _cleanup_strv_ char **defaults = ctr__strv_copy(NULL);
    _cleanup_free_ char *h = hostname ? ctr__asprintf("HOSTNAME=%s", hostname) : NULL;
    _cleanup_free_ char *hm = ctr__asprintf("HOME=%s", home ? home : "/");
    if (!defaults || (hostname && !h) || !hm)
        return ctr__oom("the default environment");
    const char *want[] = {
        CTR__DEFAULT_PATH_ENV,
        (cfg->flags & CTR_CREATE_TERMINAL) ? "TERM=xterm" : NULL,
        "container=libctr",
        h,
        hm,
    };
    for (size_t i = 0; i < ARRAY_SIZE(want); i++)
        if (want[i] && env_find(env, want[i]) < 0 && ctr__strv_push(&defaults, want[i]) < 0)
            return ctr__oom("the default environment");

    J *arr = strv_to_json((const char *const *)defaults);
    if (!arr)
        return ctr__oom("the environment");
    r = add(process, "env", arr);
    if (r < 0)
        return r;
    for (size_t i = 0; env[i]; i++)
        if ((r = push(arr, json_object_new_string(env[i]))) < 0)
            return r;
    return 0;
}

static int set_user(J *process, const struct ctr__user *u)
{
    J *pu;
    int r = child(process, "user", "process", &pu);
    if (r < 0)
        return r;
    if ((r = add_i64(pu, "uid", u->uid)) < 0 || (r = add_i64(pu, "gid", u->gid)) < 0)
        return r;
    if (u->ngroups > 0) {
        J *g = json_object_new_array();
        if ((r = add(pu, "additionalGids", g)) < 0)
            return r;
        for (size_t i = 0; i < u->ngroups; i++)
            if ((r = push(g, json_object_new_int64(u->groups[i]))) < 0)
                return r;
    } else {
        json_object_object_del(pu, "additionalGids");
    }
    if (!json_object_object_get_ex(pu, "umask", NULL))
        return add_i64(pu, "umask", DEFAULT_UMASK);
    return 0;
}

/* A group of --group-add: a number, or a name of the rootfs's /etc/group. */
static int group_id(const char *rootfs, const char *g, gid_t *ret)
{
    char *end;
    errno = 0;
    unsigned long n = strtoul(g, &end, 10);
    if (*g >= '0' && *g <= '9' && !*end && errno == 0 && n < UINT32_MAX) {
        *ret = (gid_t)n;
        return 0;
    }
    _cleanup_free_ char *spec = ctr__asprintf("0:%s", g);
    if (!spec)
        return ctr__oom("a group name");
    _cleanup_(ctr__user_donep) struct ctr__user u = { 0 };
    int r = ctr__user_lookup(rootfs, spec, &u);
    if (r < 0)
        return ctr__err_prefix(r, "looking up supplemental group %s", g);
    *ret = u.gid;
    return 0;
}

static int push_gid(J *arr, gid_t gid)
{
    size_t n = json_object_array_length(arr);
    for (size_t i = 0; i < n; i++)
        if (json_object_get_int64(json_object_array_get_idx(arr, i)) == (int64_t)gid)
            return 0;
    return push(arr, json_object_new_int64(gid));
}

/* process.user: the config's umask; podman's additionalGids: the primary
 * group when a user is given, the groups added, then the user's own. */
static int set_user_extras(J *process, const struct ctr__config *cfg, const struct ctr__spec_ctx *ctx,
                           const struct ctr__user *u)
{
    J *pu, *old;
    int r = child(process, "user", "process", &pu);
    if (r < 0)
        return r;
    if (cfg->process.umask && (r = add_i64(pu, "umask", ctr__process_umask(&cfg->process))) < 0)
        return r;
    bool given = !isempty(cfg->user);
    if (!given && !(cfg->security.group_add && cfg->security.group_add[0]))
        return 0;
    if ((r = get_typed(pu, "additionalGids", json_type_array, "process.user", &old)) < 0)
        return r;
    _cleanup_json_ J *keep = old ? json_object_get(old) : NULL;
    J *g = json_object_new_array();
    if ((r = add(pu, "additionalGids", g)) < 0 || (given && (r = push_gid(g, u->gid)) < 0))
        return r;
    for (char **name = cfg->security.group_add; name && *name; name++) {
        gid_t gid = 0;
        if ((r = group_id(ctx->rootfs, *name, &gid)) < 0 || (r = push_gid(g, gid)) < 0)
            return r;
    }
    for (size_t i = 0; keep && i < json_object_array_length(keep); i++)
        if ((r = push_gid(g, (gid_t)json_object_get_int64(json_object_array_get_idx(keep, i)))) < 0)
            return r;
    return 0;
}

/* The user: cfg->user (strict: an unknown name fails), else the spec's
 * process.user (kept as given), else root (a rootfs whose files cannot be
 * read still runs as 0:0).  @u receives the uid the process runs as and,
 * when the rootfs has an entry for it, its home. */
static int resolve_user(J *process, const struct ctr__config *cfg, const struct ctr__spec_ctx *ctx,
                        struct ctr__user *u)
{
    int r;
    if (ctx->rootfs && (r = ctr__user_files_check(ctx->rootfs)) < 0)
        return r;
    if (!isempty(cfg->user)) {
        r = ctr__user_lookup(ctx->rootfs, cfg->user, u);
        if (r < 0)
            return r;
        return set_user(process, u);
    }

    J *pu;
    r = get_typed(process, "user", json_type_object, "process", &pu);
    if (r < 0)
        return r;
    if (pu) {
        /* The user spec's own user: kept as given; looked up only for HOME. */
        J *uid;
        r = get_typed(pu, "uid", json_type_int, "process.user", &uid);
        if (r < 0)
            return r;
        char buf[32];
        int64_t id = uid ? json_object_get_int64(uid) : 0;
        if (id < 0 || id >= UINT32_MAX)
            return ctr__err(-EINVAL, "invalid OCI spec: process.user.uid %" PRId64 " out of range", id);
        snprintf(buf, sizeof buf, "%" PRId64, id);
        if (ctr__user_lookup(ctx->rootfs, buf, u) < 0)
            *u = (struct ctr__user){ .uid = (uid_t)id };
        return 0;
    }

    /* No user anywhere: root, with root's groups when the rootfs's files are readable. */
    if (ctr__user_lookup(ctx->rootfs, "0", u) < 0)
        *u = (struct ctr__user){ 0 };
    return set_user(process, u);
}

static int set_caps(J *process, const struct ctr__config *cfg, uid_t uid, char ***ret_bounding)
{
    J *have;
    int r = get_typed(process, "capabilities", json_type_object, "process", &have);
    if (r < 0)
        return r;
    bool privileged = cfg->flags & CTR_CREATE_PRIVILEGED;

    if (have && !privileged) {
        /* The user's own capabilities: kept; the bounding set gates the seccomp rules. */
        J *b;
        r = get_typed(have, "bounding", json_type_array, "process.capabilities", &b);
        if (r < 0)
            return r;
        if (!b) {
            *ret_bounding = ctr__strv_copy(NULL);
            return *ret_bounding ? 0 : ctr__oom("the bounding set");
        }
        return json_to_strv(b, "process.capabilities.bounding", ret_bounding);
    }

    _cleanup_strv_ char **caps = NULL, **user = NULL;
    r = ctr__security_caps(&cfg->security, privileged, &caps, &user);
    if (r < 0)
        return r;
    const char *const *c = (const char *const *)caps;
    J *o = json_object_new_object();
    if ((r = add(process, "capabilities", o)) < 0)
        return r;
    /* Like podman 4.3: root gets the set in bounding, effective and
     * permitted; a non-root process the bounding set and, in the others,
     * only the capabilities added for it (so none by default:
     * CVE-2022-27649). */
    const char *const *eff = uid == 0 ? c : (const char *const *)user;
    const char *const *amb = uid == 0 ? NULL : (const char *const *)user;
    if ((r = add(o, "bounding", strv_to_json(c))) < 0 || (r = add(o, "effective", strv_to_json(eff))) < 0 ||
        (r = add(o, "permitted", strv_to_json(eff))) < 0 || (r = add(o, "inheritable", strv_to_json(amb))) < 0 ||
        (r = add(o, "ambient", strv_to_json(amb))) < 0)
        return r;
    *ret_bounding = TAKE_PTR(caps);
    return 0;
}

static const struct {
    const char *name;
    int resource;
} rlimit_names[] = {
    { "RLIMIT_AS", RLIMIT_AS },           { "RLIMIT_CORE", RLIMIT_CORE },
    { "RLIMIT_CPU", RLIMIT_CPU },         { "RLIMIT_DATA", RLIMIT_DATA },
    { "RLIMIT_FSIZE", RLIMIT_FSIZE },     { "RLIMIT_LOCKS", RLIMIT_LOCKS },
    { "RLIMIT_MEMLOCK", RLIMIT_MEMLOCK }, { "RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE },
    { "RLIMIT_NICE", RLIMIT_NICE },       { "RLIMIT_NOFILE", RLIMIT_NOFILE },
    { "RLIMIT_NPROC", RLIMIT_NPROC },     { "RLIMIT_RSS", RLIMIT_RSS },
    { "RLIMIT_RTPRIO", RLIMIT_RTPRIO },   { "RLIMIT_RTTIME", RLIMIT_RTTIME },
    { "RLIMIT_SIGPENDING", RLIMIT_SIGPENDING }, { "RLIMIT_STACK", RLIMIT_STACK },
};

static int rlimit_resource(const char *name)
{
    for (size_t i = 0; i < ARRAY_SIZE(rlimit_names); i++)
        if (streq(rlimit_names[i].name, name))
            return rlimit_names[i].resource;
    return -1;
}

/* A non-negative number (json-c reads negatives as 0, big ones as uint64). */
static uint64_t get_u64(J *v)
{
    return json_object_get_uint64(v);
}

static J *new_rlimit(const char *type, uint64_t soft, uint64_t hard)
{
    _cleanup_json_ J *o = json_object_new_object();
    if (!o || add_str(o, "type", type) < 0 || add(o, "soft", json_object_new_uint64(soft)) < 0 ||
        add(o, "hard", json_object_new_uint64(hard)) < 0)
        return NULL;
    return TAKE_PTR(o);
}

/* podman's defaults for what is missing, then every entry clamped to our hard limits. */
static int set_rlimits(J *process)
{
    J *arr;
    int r = get_typed(process, "rlimits", json_type_array, "process", &arr);
    if (r < 0)
        return r;
    if (!arr) {
        arr = json_object_new_array();
        if ((r = add(process, "rlimits", arr)) < 0)
            return r;
    }

    bool have_nofile = false, have_nproc = false;
    size_t n = json_object_array_length(arr);
    for (size_t i = 0; i < n; i++) {
        J *e = json_object_array_get_idx(arr, i), *type, *soft, *hard;
        if (!json_object_is_type(e, json_type_object))
            return ctr__err(-EINVAL, "invalid OCI spec: process.rlimits[%zu] is not an object", i);
        if ((r = get_typed(e, "type", json_type_string, "process.rlimits[]", &type)) < 0 ||
            (r = get_typed(e, "soft", json_type_int, "process.rlimits[]", &soft)) < 0 ||
            (r = get_typed(e, "hard", json_type_int, "process.rlimits[]", &hard)) < 0)
            return r;
        if (!type || !soft || !hard)
            return ctr__err(-EINVAL, "invalid OCI spec: process.rlimits[%zu] needs type, soft and hard", i);
        const char *name = json_object_get_string(type);
        int res = rlimit_resource(name);
        if (res < 0)
            return ctr__err(-EINVAL, "invalid OCI spec: unknown rlimit type %s", name);
        have_nofile |= res == RLIMIT_NOFILE;
        have_nproc |= res == RLIMIT_NPROC;

        struct rlimit cur;
        if (getrlimit(res, &cur) < 0)
            return ctr__err(-errno, "getrlimit(%s): %m", name);
        uint64_t h = get_u64(hard), s = get_u64(soft);
        if (cur.rlim_max != RLIM_INFINITY && h > (uint64_t)cur.rlim_max)
            h = cur.rlim_max;
        if (s > h)
            s = h;
        if ((r = add(e, "soft", json_object_new_uint64(s))) < 0 ||
            (r = add(e, "hard", json_object_new_uint64(h))) < 0)
            return r;
    }

    static const struct {
        const char *name;
        int res;
        uint64_t v;
    } defaults[] = {
        { "RLIMIT_NOFILE", RLIMIT_NOFILE, CTR__RLIMIT_NOFILE_DEFAULT },
        { "RLIMIT_NPROC", RLIMIT_NPROC, CTR__RLIMIT_NPROC_DEFAULT },
    };
    for (size_t i = 0; i < ARRAY_SIZE(defaults); i++) {
        if ((defaults[i].res == RLIMIT_NOFILE && have_nofile) || (defaults[i].res == RLIMIT_NPROC && have_nproc))
            continue;
        struct rlimit cur;
        if (getrlimit(defaults[i].res, &cur) < 0)
            return ctr__err(-errno, "getrlimit(%s): %m", defaults[i].name);
        uint64_t v = defaults[i].v;
        if (cur.rlim_max != RLIM_INFINITY && v > (uint64_t)cur.rlim_max)
            v = cur.rlim_max;
        if ((r = push(arr, new_rlimit(defaults[i].name, v, v))) < 0)
            return r;
    }
    return 0;
}

static int set_process(J *spec, const struct ctr__config *cfg, const struct ctr__spec_ctx *ctx,
                       const char *hostname, char ***ret_bounding)
{
    J *process;
    int r = child(spec, "process", "", &process);
    if (r < 0)
        return r;

    /* args */
    J *args;
    _cleanup_strv_ char **argv = NULL;
    if ((r = get_typed(process, "args", json_type_array, "process", &args)) < 0 ||
        (r = ctr__process_args(&cfg->process, cfg->command, cfg->flags & CTR_CREATE_INIT, &argv)) < 0)
        return r;
    if (argv[0])
        r = add(process, "args", strv_to_json((const char *const *)argv));
    else if (!args || json_object_array_length(args) == 0)
        r = add(process, "args", strv_to_json((const char *const[]){ "/bin/sh", NULL }));
    if (r < 0)
        return r;

    /* cwd */
    J *cwd;
    if ((r = get_typed(process, "cwd", json_type_string, "process", &cwd)) < 0)
        return r;
    const char *dir = !isempty(cfg->workdir) ? cfg->workdir : cwd ? json_object_get_string(cwd) : "/";
    if (dir[0] != '/')
        return ctr__err(-EINVAL, "invalid working directory \"%s\": must be an absolute path", dir);
    if (!cwd || !streq(dir, json_object_get_string(cwd)))
        if ((r = add_str(process, "cwd", dir)) < 0)
            return r;

    if ((r = add_bool(process, "terminal", cfg->flags & CTR_CREATE_TERMINAL)) < 0)
        return r;

    _cleanup_(ctr__user_donep) struct ctr__user u = { 0 };
    if ((r = resolve_user(process, cfg, ctx, &u)) < 0 || (r = set_user_extras(process, cfg, ctx, &u)) < 0)
        return r;
    if ((r = set_env(process, cfg, hostname, u.home)) < 0)
        return r;
    if ((r = set_caps(process, cfg, u.uid, ret_bounding)) < 0)
        return r;
    if ((r = set_rlimits(process)) < 0)
        return r;

    if (cfg->flags & CTR_CREATE_NO_NEW_PRIVS)
        r = add_bool(process, "noNewPrivileges", true);
    else if (!json_object_object_get_ex(process, "noNewPrivileges", NULL))
        r = add_bool(process, "noNewPrivileges", false);
    /* podman sets an AppArmor profile only where AppArmor is enabled. */
    if (r >= 0 && cfg->security.apparmor_profile && ctr__security_apparmor_enabled())
        r = add_str(process, "apparmorProfile", cfg->security.apparmor_profile);
    return r;
}

/* ---- mounts ---- */

static J *new_mount(const char *dest, const char *type, const char *source, const char *const *options)
{
    _cleanup_json_ J *m = json_object_new_object();
    if (!m || add_str(m, "destination", dest) < 0 || add_str(m, "type", type) < 0 ||
        add_str(m, "source", source) < 0 || add(m, "options", strv_to_json(options)) < 0)
        return NULL;
    return TAKE_PTR(m);
}

#define OPTS(...) ((const char *const[]){ __VA_ARGS__, NULL })

static int default_mounts(const struct ctr__config *cfg, const struct ctr__spec_ctx *ctx, J *out)
{
    bool priv = cfg->flags & CTR_CREATE_PRIVILEGED;
    int r;

    if ((r = push(out, new_mount("/proc", "proc", "proc", OPTS("nosuid", "noexec", "nodev")))) < 0 ||
        (r = push(out, new_mount("/dev", "tmpfs", "tmpfs",
                                 OPTS("nosuid", "strictatime", "mode=755", "size=65536k")))) < 0 ||
        (r = push(out, new_mount("/dev/pts", "devpts", "devpts",
                                 OPTS("nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620",
                                      "gid=5")))) < 0 ||
        (r = push(out, new_mount("/dev/mqueue", "mqueue", "mqueue", OPTS("nosuid", "noexec", "nodev")))) < 0 ||
        (r = push(out, new_mount("/sys", "sysfs", "sysfs",
                                 OPTS("nosuid", "noexec", "nodev", priv ? "rw" : "ro")))) < 0 ||
        (r = push(out, new_mount("/sys/fs/cgroup", "cgroup", "cgroup",
                                 OPTS("nosuid", "noexec", "nodev", "relatime", priv ? "rw" : "ro")))) < 0)
        return r;

    if (ctx->shm_dir) {
        r = push(out, new_mount("/dev/shm", "bind", ctx->shm_dir,
                                OPTS("bind", "rprivate", "nosuid", "noexec", "nodev")));
    } else {
        char size[64];
        int64_t sz = cfg->shm_size > 0 ? cfg->shm_size : CTR__SHM_SIZE_DEFAULT;
        snprintf(size, sizeof size, "size=%" PRId64, sz);
        r = push(out, new_mount("/dev/shm", "tmpfs", "shm", OPTS("nosuid", "noexec", "nodev", "mode=1777", size)));
    }
    if (r < 0)
        return r;

    if ((cfg->flags & CTR_CREATE_READ_ONLY) && !(cfg->flags & CTR_CREATE_NO_READ_ONLY_TMPFS)) {
        /* podman's --read-only-tmpfs: writable scratch space on a read-only root. */
        static const char *const dirs[] = { "/run", "/tmp", "/var/tmp" };
        for (size_t i = 0; i < ARRAY_SIZE(dirs); i++)
            if ((r = push(out, new_mount(dirs[i], "tmpfs", "tmpfs",
                                         OPTS("rw", "rprivate", "nosuid", "nodev", "tmpcopyup")))) < 0)
                return r;
    }

    const struct {
        const char *dest, *src;
    } binds[] = {
        { "/etc/resolv.conf", ctx->resolv_conf },
        { "/etc/hosts", ctx->hosts },
        { "/etc/hostname", ctx->hostname_file },
    };
    for (size_t i = 0; i < ARRAY_SIZE(binds); i++)
        if (binds[i].src && (r = push(out, new_mount(binds[i].dest, "bind", binds[i].src, OPTS("bind", "rprivate")))) < 0)
            return r;
    return 0;
}

static const char *mount_dest(J *m)
{
    J *d;
    if (!json_object_is_type(m, json_type_object) || !json_object_object_get_ex(m, "destination", &d) ||
        !json_object_is_type(d, json_type_string))
        return NULL;
    return json_object_get_string(d);
}

/* The first entry of @arr with @dest that is not @used yet, marked used; NULL when none. */
static J *take_dest(J *arr, bool *used, const char *dest)
{
    size_t n = arr ? json_object_array_length(arr) : 0;
    for (size_t k = 0; k < n; k++)
        if (!used[k] && streq(mount_dest(json_object_array_get_idx(arr, k)), dest)) {
            used[k] = true;
            return json_object_array_get_idx(arr, k);
        }
    return NULL;
}

static int push_unused(J *out, J *arr, const bool *used)
{
    size_t n = arr ? json_object_array_length(arr) : 0;
    int r;
    for (size_t k = 0; k < n; k++)
        if (!used[k] && (r = push(out, json_object_get(json_object_array_get_idx(arr, k)))) < 0)
            return r;
    return 0;
}

/* Extra mounts (image volumes) last, so they cover what is below them;
 * one on the destination of a mount of the config is left out. */
static int push_extra(J *out, const struct ctr__config *cfg, const struct ctr__spec_ctx *ctx)
{
    for (const char *const *e = ctx->extra_mounts_json; e && *e; e++) {
        _cleanup_json_ J *m = json_tokener_parse(*e);
        if (!m || !mount_dest(m))
            return ctr__err(-EINVAL, "spec generation: an extra mount is not an OCI mount object");
        if (ctr__strv_contains((const char *const *)cfg->mounts.destinations, mount_dest(m)))
            continue;
        int r = push(out, TAKE_PTR(m));
        if (r < 0)
            return r;
    }
    return 0;
}

/* The mounts, by destination: the config's own (cfg->mounts, from
 * ctr__mounts_oci()) win over the user spec's, which win over the defaults;
 * a winner takes the default's place (parents stay before children).  The
 * user spec's other mounts follow in their order, then the config's
 * (parents first), then the image volumes. */
static int set_mounts(J *spec, const struct ctr__config *cfg, const struct ctr__spec_ctx *ctx)
{
    J *user;
    int r = get_typed(spec, "mounts", json_type_array, "", &user);
    if (r < 0)
        return r;
    _cleanup_json_ J *defs = json_object_new_array(), *mine = json_object_new_array();
    if (!defs || !mine)
        return ctr__oom("the mounts");
    if ((r = default_mounts(cfg, ctx, defs)) < 0 ||
        (r = ctr__mounts_oci(&cfg->mounts, ctx->rootfs, ctx->mount_sources, mine)) < 0)
        return r;

    size_t nu = user ? json_object_array_length(user) : 0, nm = json_object_array_length(mine);
    for (size_t i = 0; i < nu; i++)
        if (!mount_dest(json_object_array_get_idx(user, i)))
            return ctr__err(-EINVAL, "invalid OCI spec: mounts[%zu] has no destination", i);

    _cleanup_json_ J *out = json_object_new_array();
    _cleanup_free_ bool *used_user = calloc(nu + 1, sizeof(bool)), *used_mine = calloc(nm + 1, sizeof(bool));
    if (!out || !used_user || !used_mine)
        return ctr__oom("the mounts");
    /* A user spec mount on a destination of the config's is dropped. */
    for (size_t i = 0; i < nm; i++)
        while (take_dest(user, used_user, mount_dest(json_object_array_get_idx(mine, i))))
            ;

    size_t nd = json_object_array_length(defs);
    for (size_t i = 0; i < nd; i++) {
        J *d = json_object_array_get_idx(defs, i), *pick = take_dest(mine, used_mine, mount_dest(d));
        if (!pick && !(pick = take_dest(user, used_user, mount_dest(d))))
            pick = d;
        if ((r = push(out, json_object_get(pick))) < 0)
            return r;
    }
    if ((r = push_unused(out, user, used_user)) < 0 || (r = push_unused(out, mine, used_mine)) < 0 ||
        (r = push_extra(out, cfg, ctx)) < 0)
        return r;
    /* Replacing "mounts" drops the user's array; its entries live on in @out. */
    return add(spec, "mounts", TAKE_PTR(out));
}

/* ---- linux ---- */

static const char *const ns_names[CTR_NS_MAX] = {
    [CTR_NS_IPC] = "ipc",   [CTR_NS_MNT] = "mount", [CTR_NS_NET] = "network", [CTR_NS_PID] = "pid",
    [CTR_NS_USER] = "user", [CTR_NS_UTS] = "uts",   [CTR_NS_CGROUP] = "cgroup",
};

static J *new_ns(const char *type, const char *path)
{
    _cleanup_json_ J *o = json_object_new_object();
    if (!o || add_str(o, "type", type) < 0 || (path && add_str(o, "path", path) < 0))
        return NULL;
    return TAKE_PTR(o);
}

static int set_namespaces(J *linux_, const struct ctr__spec_ctx *ctx)
{
    J *arr;
    int r = get_typed(linux_, "namespaces", json_type_array, "linux", &arr);
    if (r < 0)
        return r;

    if (!arr) {
        /* podman's set: new pid, network, ipc, uts and mount namespaces;
         * user and cgroup namespaces only when one is given to join. */
        static const ctr_ns_t order[] = { CTR_NS_PID, CTR_NS_NET, CTR_NS_IPC, CTR_NS_UTS,
                                          CTR_NS_MNT, CTR_NS_USER, CTR_NS_CGROUP };
        arr = json_object_new_array();
        if ((r = add(linux_, "namespaces", arr)) < 0)
            return r;
        for (size_t i = 0; i < ARRAY_SIZE(order); i++) {
            ctr_ns_t ns = order[i];
            if (((ns == CTR_NS_USER || ns == CTR_NS_CGROUP) && !ctx->ns_path[ns]) || ctx->ns_host[ns])
                continue;
            if ((r = push(arr, new_ns(ns_names[ns], ctx->ns_path[ns]))) < 0)
                return r;
        }
        return 0;
    }

    /* The user's list stays, without the namespaces shared with the host;
     * the namespaces to join are set in it or added. */
    for (size_t i = json_object_array_length(arr); i-- > 0;) {
        J *e = json_object_array_get_idx(arr, i), *type;
        if (!json_object_is_type(e, json_type_object) || !json_object_object_get_ex(e, "type", &type) ||
            !json_object_is_type(type, json_type_string))
            continue;
        for (int ns = 1; ns < CTR_NS_MAX; ns++)
            if (ctx->ns_host[ns] && streq(json_object_get_string(type), ns_names[ns])) {
                json_object_array_del_idx(arr, i, 1);
                break;
            }
    }
    for (int ns = 1; ns < CTR_NS_MAX; ns++) {
        if (!ctx->ns_path[ns] || ctx->ns_host[ns])
            continue;
        bool done = false;
        size_t n = json_object_array_length(arr);
        for (size_t i = 0; i < n && !done; i++) {
            J *e = json_object_array_get_idx(arr, i), *type;
            if (!json_object_is_type(e, json_type_object))
                return ctr__err(-EINVAL, "invalid OCI spec: linux.namespaces[%zu] is not an object", i);
            if (json_object_object_get_ex(e, "type", &type) && json_object_is_type(type, json_type_string) &&
                streq(json_object_get_string(type), ns_names[ns])) {
                if ((r = add_str(e, "path", ctx->ns_path[ns])) < 0)
                    return r;
                done = true;
            }
        }
        if (!done && (r = push(arr, new_ns(ns_names[ns], ctx->ns_path[ns]))) < 0)
            return r;
    }
    return 0;
}

static J *new_device_rule(bool allow)
{
    _cleanup_json_ J *o = json_object_new_object();
    if (!o || add_bool(o, "allow", allow) < 0 || add_str(o, "access", "rwm") < 0)
        return NULL;
    return TAKE_PTR(o);
}

static bool device_listed(J *devices, const char *path)
{
    size_t n = json_object_array_length(devices);
    for (size_t i = 0; i < n; i++) {
        J *p;
        if (json_object_object_get_ex(json_object_array_get_idx(devices, i), "path", &p) &&
            json_object_is_type(p, json_type_string) && streq(json_object_get_string(p), path))
            return true;
    }
    return false;
}

/* Add the host's device nodes under @dir (podman's privileged mode: runc's
 * HostDevices() list, /dev/ptmx included). */
static int add_host_devices(J *devices, const char *dir, size_t *count, int depth)
{
    static const char *const skip[] = { "pts", "shm", "fd", "mqueue", ".lxc", ".lxd-mounts", ".udev",
                                        "console", NULL };
    if (depth > 8)
        return 0;
    _cleanup_dir_ DIR *d = opendir(dir);
    if (!d)
        return 0; /* unreadable: nothing to add */
    struct dirent *de;
    int r;
    while ((de = readdir(d))) {
        if (streq(de->d_name, ".") || streq(de->d_name, ".."))
            continue;
        if (ctr__strv_contains(skip, de->d_name))
            continue;
        _cleanup_free_ char *path = ctr__asprintf("%s/%s", dir, de->d_name);
        if (!path)
            return ctr__oom("a device path");
        struct stat st;
        if (lstat(path, &st) < 0)
            continue;
        if (S_ISDIR(st.st_mode)) {
            if ((r = add_host_devices(devices, path, count, depth + 1)) < 0)
                return r;
            continue;
        }
        if (!S_ISCHR(st.st_mode) && !S_ISBLK(st.st_mode))
            continue;
        if (*count >= HOST_DEVICES_MAX || device_listed(devices, path))
            continue;
        _cleanup_json_ J *o = json_object_new_object();
        if (!o || add_str(o, "path", path) < 0 || add_str(o, "type", S_ISCHR(st.st_mode) ? "c" : "b") < 0 ||
            add_i64(o, "major", major(st.st_rdev)) < 0 || add_i64(o, "minor", minor(st.st_rdev)) < 0 ||
            add_i64(o, "fileMode", st.st_mode & 07777) < 0 || add_i64(o, "uid", st.st_uid) < 0 ||
            add_i64(o, "gid", st.st_gid) < 0)
            return ctr__oom("a device entry");
        if ((r = push(devices, TAKE_PTR(o))) < 0)
            return r;
        (*count)++;
    }
    return 0;
}

static int set_paths(J *linux_, const char *key, const char *const *paths, bool with_globs)
{
    if (json_object_object_get_ex(linux_, key, NULL))
        return 0; /* the user's */
    J *arr = strv_to_json(paths);
    int r = add(linux_, key, arr);
    if (r < 0 || !with_globs)
        return r;
    /* podman masks each CPU's thermal_throttle directory too. */
    glob_t g;
    if (glob("/sys/devices/system/cpu/cpu*/thermal_throttle", GLOB_NOSORT, NULL, &g) == 0) {
        for (size_t i = 0; i < g.gl_pathc && r >= 0; i++)
            r = push(arr, json_object_new_string(g.gl_pathv[i]));
        globfree(&g);
    }
    return r;
}

static const char *const masked_paths[] = {
    "/proc/acpi",       "/proc/kcore",      "/proc/keys",        "/proc/latency_stats",
    "/proc/sched_debug", "/proc/scsi",      "/proc/timer_list",  "/proc/timer_stats",
    "/proc/interrupts", "/sys/firmware",    "/sys/fs/selinux",   "/sys/dev/block",
    "/sys/devices/virtual/powercap", NULL,
};

static const char *const readonly_paths[] = {
    "/proc/asound", "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger", NULL,
};

/* The container's masks over the defaults (set_paths' lists, the user
 * spec's when it has its own). */
static int unmask_paths(J *linux_, const struct ctr__config *cfg)
{
    const struct ctr__security *sec = &cfg->security;
    if (!(sec->mask_paths && sec->mask_paths[0]) && !(sec->unmask_paths && sec->unmask_paths[0]))
        return 0;
    const char *keys[] = { "maskedPaths", "readonlyPaths" };
    _cleanup_strv_ char **masked = NULL, **readonly = NULL;
    char **const *lists[] = { &masked, &readonly };
    for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
        J *a;
        int r = get_typed(linux_, keys[i], json_type_array, "linux", &a);
        if (r < 0)
            return r;
        if (a && (r = json_to_strv(a, keys[i], (char ***)lists[i])) < 0)
            return r;
    }
    return ctr__security_paths_spec(sec, (const char *const *)masked, (const char *const *)readonly, linux_);
}

/* linux.seccomp: the user spec's, none (unconfined), the container's profile
 * converted for @bounding, or the default. */
static int set_seccomp(J *linux_, const struct ctr__config *cfg, const char *const *bounding)
{
    const char *profile = cfg->security.seccomp_profile;
    if (profile && streq(profile, "unconfined")) {
        json_object_object_del(linux_, "seccomp");
        return 0;
    }
    J *sc;
    int r;
    if (profile) {
        if ((r = ctr__seccomp_profile_convert(profile, bounding, &sc)) < 0)
            return ctr__err_prefix(r, "the container's seccomp profile");
        return add(linux_, "seccomp", sc);
    }
#if HAVE_SECCOMP
    if (!json_object_object_get_ex(linux_, "seccomp", NULL)) {
        if ((r = ctr__seccomp_default_json(bounding, &sc)) < 0 || (r = add(linux_, "seccomp", sc)) < 0)
            return r;
    }
#else
    (void)bounding;
    (void)r;
    (void)sc;
#endif
    return 0;
}

static bool selinux_on(void)
{
#if HAVE_SELINUX
    return is_selinux_enabled() > 0;
#else
    return false;
#endif
}

static int set_linux(J *spec, const struct ctr__config *cfg, const struct ctr__spec_ctx *ctx,
                     const char *const *bounding)
{
    bool priv = cfg->flags & CTR_CREATE_PRIVILEGED;
    J *linux_, *resources, *devices;
    int r = child(spec, "linux", "", &linux_);
    if (r < 0)
        return r;

    if ((r = set_namespaces(linux_, ctx)) < 0)
        return r;

    /* cgroupsPath: always ours, the lifecycle manages the cgroup parent. */
    if (ctx->cgroups_path) {
        r = add_str(linux_, "cgroupsPath", ctx->cgroups_path);
    } else {
        const char *parent = !isempty(cfg->cgroup_parent) ? cfg->cgroup_parent : CTR__CGROUP_PARENT_DEFAULT;
        size_t len = strlen(parent);
        while (len > 1 && parent[len - 1] == '/')
            len--;
        _cleanup_free_ char *p = streq(parent, "/") ? ctr__asprintf("/libctr-%s", cfg->id)
                                                    : ctr__asprintf("%.*s/libctr-%s", (int)len, parent, cfg->id);
        r = p ? add_str(linux_, "cgroupsPath", p) : ctr__oom("the cgroups path");
    }
    if (r < 0)
        return r;

    /* Device cgroup: deny all but the runtime's defaults, or allow all when privileged. */
    if ((r = child(linux_, "resources", "linux", &resources)) < 0 ||
        (r = get_typed(resources, "devices", json_type_array, "linux.resources", &devices)) < 0)
        return r;
    if (priv) {
        J *a = json_object_new_array();
        if ((r = add(resources, "devices", a)) < 0 || (r = push(a, new_device_rule(true))) < 0)
            return r;
    } else if (!devices) {
        J *a = json_object_new_array();
        if ((r = add(resources, "devices", a)) < 0 || (r = push(a, new_device_rule(false))) < 0)
            return r;
    }

    if (priv) {
        J *devs;
        size_t count = 0;
        if ((r = get_typed(linux_, "devices", json_type_array, "linux", &devs)) < 0)
            return r;
        if (!devs) {
            devs = json_object_new_array();
            if ((r = add(linux_, "devices", devs)) < 0)
                return r;
        }
        if ((r = add_host_devices(devs, "/dev", &count, 0)) < 0)
            return r;
        json_object_object_del(linux_, "maskedPaths");
        json_object_object_del(linux_, "readonlyPaths");
        json_object_object_del(linux_, "seccomp");
    } else {
        if ((r = set_paths(linux_, "maskedPaths", masked_paths, true)) < 0 ||
            (r = set_paths(linux_, "readonlyPaths", readonly_paths, false)) < 0 ||
            (r = unmask_paths(linux_, cfg)) < 0 || (r = set_seccomp(linux_, cfg, bounding)) < 0)
            return r;
    }
    bool own_netns = !ctx->ns_host[CTR_NS_NET] && !cfg->ns_ctr[CTR_NS_NET];
    if ((r = ctr__security_sysctl_spec(&cfg->security, own_netns, linux_)) < 0)
        return r;

    if (selinux_on() && !isempty(cfg->mount_label) && (r = add_str(linux_, "mountLabel", cfg->mount_label)) < 0)
        return r;
    return 0;
}

static int set_annotations(J *spec, const struct ctr__config *cfg)
{
    J *a;
    int r = child(spec, "annotations", "", &a);
    if (r < 0)
        return r;
    if (!json_object_object_get_ex(a, "io.container.manager", NULL) &&
        (r = add_str(a, "io.container.manager", "libctr")) < 0)
        return r;
    for (char **kv = cfg->process.annotations; kv && *kv; kv++) {
        const char *eq = strchr(*kv, '=');
        _cleanup_free_ char *key = eq ? strndup(*kv, (size_t)(eq - *kv)) : NULL;
        if (eq && (!key || (r = add_str(a, key, eq + 1)) < 0))
            return key ? r : ctr__oom("the annotations");
    }
    if ((r = ctr__process_podman_annotations(cfg->flags, a)) < 0)
        return r;
    if (cfg->stop_signal > 0) {
        char sig[16];
        snprintf(sig, sizeof sig, "%d", cfg->stop_signal);
        if ((r = add_str(a, "org.opencontainers.image.stopSignal", sig)) < 0)
            return r;
    }
    return 0;
}

static bool has_mount(J *mounts, const char *dest)
{
    size_t n = json_object_array_length(mounts);
    for (size_t i = 0; i < n; i++) {
        const char *d = mount_dest(json_object_array_get_idx(mounts, i));
        if (d && streq(d, dest))
            return true;
    }
    return false;
}

/* The init program at /run/podman-init and the time zone at /etc/localtime
 * (read-only binds of host files), unless a mount is there already; the
 * domain name. */
static int set_process_extras(J *spec, const struct ctr__config *cfg, const struct ctr__spec_ctx *ctx)
{
    J *mounts;
    char buf[4096];
    int r = get_typed(spec, "mounts", json_type_array, "", &mounts);
    if (r < 0)
        return r;
    const char *init = cfg->process.init_path ? cfg->process.init_path : CTR__INIT_PATH_DEFAULT;
    const char *zone = ctr__process_localtime(&cfg->process, buf, sizeof buf);
    const struct {
        const char *dest, *src;
    } binds[] = { { CTR__INIT_DEST, (cfg->flags & CTR_CREATE_INIT) ? init : NULL }, { "/etc/localtime", zone } };
    for (size_t i = 0; i < ARRAY_SIZE(binds); i++) {
        if (!binds[i].src || (mounts && has_mount(mounts, binds[i].dest)))
            continue;
        if (!mounts && (r = add(spec, "mounts", mounts = json_object_new_array())) < 0)
            return r;
        if ((r = push(mounts, new_mount(binds[i].dest, "bind", binds[i].src, OPTS("bind", "rprivate", "ro")))) < 0)
            return r;
    }
    if (cfg->process.domainname && !ctx->ns_path[CTR_NS_UTS] && !ctx->ns_host[CTR_NS_UTS])
        return add_str(spec, "domainname", cfg->process.domainname);
    return 0;
}

static int check_ctx(const struct ctr__spec_ctx *ctx)
{
    if (!ctx->rootfs || ctx->rootfs[0] != '/')
        return ctr__err(-EINVAL, "spec generation: the root file system path must be absolute");
    for (int ns = 1; ns < CTR_NS_MAX; ns++)
        if (ctx->ns_path[ns] && ctx->ns_path[ns][0] != '/')
            return ctr__err(-EINVAL, "spec generation: namespace path %s is not absolute", ctx->ns_path[ns]);
    if (ctx->ns_path[0])
        return ctr__err(-EINVAL, "spec generation: namespace index 0 is unused");
    return 0;
}

/* The config's own spec to start from, or an empty one. */
static int base_spec(const struct ctr__config *cfg, J **ret)
{
    if (isempty(cfg->spec_json)) {
        *ret = json_object_new_object();
        return *ret ? 0 : ctr__oom("the spec");
    }
    enum json_tokener_error jerr;
    J *spec = json_tokener_parse_verbose(cfg->spec_json, &jerr);
    if (!spec)
        return ctr__err(-EINVAL, "invalid OCI spec: %s", json_tokener_error_desc(jerr));
    if (!json_object_is_type(spec, json_type_object)) {
        json_object_put(spec);
        return ctr__err(-EINVAL, "invalid OCI spec: not a JSON object");
    }
    *ret = spec;
    return 0;
}

static int set_root(J *spec, const struct ctr__config *cfg, const struct ctr__spec_ctx *ctx)
{
    J *v, *root, *ro;
    int r;
    if ((r = get_typed(spec, "ociVersion", json_type_string, "", &v)) < 0)
        return r;
    if (!v && (r = add_str(spec, "ociVersion", OCI_VERSION)) < 0)
        return r;
    if ((r = child(spec, "root", "", &root)) < 0 || (r = add_str(root, "path", ctx->rootfs)) < 0 ||
        (r = get_typed(root, "readonly", json_type_boolean, "root", &ro)) < 0)
        return r;
    return add_bool(root, "readonly", (cfg->flags & CTR_CREATE_READ_ONLY) || (ro && json_object_get_boolean(ro)));
}

/* The hostname: the config's, the spec's, or the ID's first 12 characters;
 * none in a joined UTS namespace (runc refuses to set one there).  *ret is
 * the one set (NULL when none), for the process's HOSTNAME. */
static int set_hostname(J *spec, const struct ctr__config *cfg, const struct ctr__spec_ctx *ctx, char **ret)
{
    char short_id[13];
    snprintf(short_id, sizeof short_id, "%s", cfg->id);
    J *v;
    int r = get_typed(spec, "hostname", json_type_string, "", &v);
    if (r < 0)
        return r;
    if (ctx->ns_path[CTR_NS_UTS]) {
        json_object_object_del(spec, "hostname");
        *ret = NULL;
        return 0;
    }
    _cleanup_free_ char *hn = strdup(!isempty(cfg->hostname) ? cfg->hostname : v ? json_object_get_string(v) : short_id);
    if (!hn)
        return ctr__oom("the hostname");
    if ((r = add_str(spec, "hostname", hn)) < 0)
        return r;
    *ret = TAKE_PTR(hn);
    return 0;
}

static int set_process_label(J *spec, const struct ctr__config *cfg)
{
    if (!selinux_on() || isempty(cfg->process_label))
        return 0;
    J *process;
    int r = child(spec, "process", "", &process);
    return r < 0 ? r : add_str(process, "selinuxLabel", cfg->process_label);
}

int ctr__spec_generate(const struct ctr__config *cfg, const struct ctr__spec_ctx *ctx, char **ret_json)
{
    if (!cfg || !ctx || !ret_json || isempty(cfg->id))
        return ctr__err(-EINVAL, "spec generation: invalid argument");
    int r = check_ctx(ctx);
    if (r < 0)
        return r;
    _cleanup_json_ J *spec = NULL;
    _cleanup_free_ char *hostname = NULL;
    _cleanup_strv_ char **bounding = NULL;
    if ((r = base_spec(cfg, &spec)) < 0 || (r = set_root(spec, cfg, ctx)) < 0 ||
        (r = set_hostname(spec, cfg, ctx, &hostname)) < 0 ||
        (r = set_process(spec, cfg, ctx, hostname, &bounding)) < 0 || (r = set_process_label(spec, cfg)) < 0 ||
        (r = set_mounts(spec, cfg, ctx)) < 0 || (r = set_linux(spec, cfg, ctx, (const char *const *)bounding)) < 0 ||
        (r = set_annotations(spec, cfg)) < 0 || (r = set_process_extras(spec, cfg, ctx)) < 0 ||
        (r = ctr__resources_spec(&cfg->resources, cfg->flags & CTR_CREATE_PRIVILEGED, spec)) < 0)
        return r;
    const char *s = json_object_to_json_string_ext(spec, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE);
    char *out = s ? strdup(s) : NULL;
    if (!out)
        return ctr__oom("the spec");
    *ret_json = out;
    return 0;
}
