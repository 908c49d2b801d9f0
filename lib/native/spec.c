/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* config.json read into struct ctr__native_spec (see spec.h), with runc's
 * reading of mount options, capabilities and rlimits. */
#include <cap-ng.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <string.h>
#include <sys/mount.h>

#include "base/caps.h"
#include "base/error.h"
#include "base/json-util.h"
#include "native/spec.h"

#define ARENA_NEW(a, type, n) ((type *)ctr__arena_alloc((a), sizeof(type) * ((n) ? (n) : 1)))

static json_object *member(json_object *o, const char *key)
{
    json_object *v = NULL;
    return json_object_object_get_ex(o, key, &v) ? v : NULL;
}

static int want_type(json_object *v, json_type type, const char *what)
{
    if (v && !json_object_is_type(v, type))
        return ctr__err(-EINVAL, "config.json: %s is not %s", what,
                        type == json_type_array    ? "an array"
                        : type == json_type_object ? "an object"
                        : type == json_type_string ? "a string"
                        : type == json_type_int    ? "an integer"
                                                   : "a boolean");
    return 0;
}

/* An unsigned integer member within [0, max]; absent: *ret unchanged. */
static int get_uint(json_object *o, const char *key, uint64_t max, const char *what, uint64_t *ret)
{
    json_object *v = member(o, key);
    if (!v)
        return 0;
    /* json-c keeps integers above INT64_MAX as uint64 (RLIM_INFINITY). */
    if (!json_object_is_type(v, json_type_int) || json_object_get_int64(v) < 0 || json_object_get_uint64(v) > max)
        return ctr__err(-EINVAL, "config.json: %s.%s is not an integer from 0 to %llu", what, key,
                        (unsigned long long)max);
    *ret = json_object_get_uint64(v);
    return 0;
}

static int get_str(json_object *o, const char *key, const char *what, const char **ret)
{
    json_object *v = member(o, key);
    int r = want_type(v, json_type_string, what);
    if (r == 0 && v)
        *ret = json_object_get_string(v);
    return r;
}

/* A string array as a borrowed NULL-terminated vector (empty when absent). */
static int get_strv(struct ctr__arena *a, json_object *o, const char *key, const char *what,
                    const char *const **ret)
{
    json_object *v = member(o, key);
    int r = want_type(v, json_type_array, what);
    if (r < 0)
        return r;
    size_t n = v ? json_object_array_length(v) : 0;
    const char **strv = ARENA_NEW(a, const char *, n + 1);
    if (!strv)
        return ctr__oom("config.json strings");
    for (size_t i = 0; i < n; i++) {
        json_object *s = json_object_array_get_idx(v, i);
        if (!json_object_is_type(s, json_type_string))
            return ctr__err(-EINVAL, "config.json: %s[%zu] is not a string", what, i);
        strv[i] = json_object_get_string(s);
    }
    *ret = strv;
    return 0;
}

/* ---- process ---- */

static int cap_set(json_object *caps, const char *key, uint64_t *ret)
{
    json_object *v = member(caps, key);
    int last = ctr__cap_last_cap();
    int r = want_type(v, json_type_array, "process.capabilities");

    *ret = 0;
    for (size_t i = 0; r == 0 && v && i < json_object_array_length(v); i++) {
        const char *name = json_object_get_string(json_object_array_get_idx(v, i));
        int cap = name && !strncmp(name, "CAP_", 4) ? capng_name_to_capability(name + 4) : -1;
        /* As runc: a capability this host does not know is left out. */
        if (cap >= 0 && cap <= last && cap < 64)
            *ret |= 1ULL << cap;
    }
    return r;
}

static int read_caps(json_object *process, struct ctr__native_caps *ret)
{
    json_object *caps = member(process, "capabilities");
    int r = want_type(caps, json_type_object, "process.capabilities");

    if (r == 0)
        r = cap_set(caps, "bounding", &ret->bounding);
    if (r == 0)
        r = cap_set(caps, "effective", &ret->effective);
    if (r == 0)
        r = cap_set(caps, "permitted", &ret->permitted);
    if (r == 0)
        r = cap_set(caps, "inheritable", &ret->inheritable);
    if (r == 0)
        r = cap_set(caps, "ambient", &ret->ambient);
    return r;
}

static const struct {
    const char *name;
    int resource;
} rlimit_names[] = {
    {"RLIMIT_AS", RLIMIT_AS},
    {"RLIMIT_CORE", RLIMIT_CORE},
    {"RLIMIT_CPU", RLIMIT_CPU},
    {"RLIMIT_DATA", RLIMIT_DATA},
    {"RLIMIT_FSIZE", RLIMIT_FSIZE},
    {"RLIMIT_LOCKS", RLIMIT_LOCKS},
    {"RLIMIT_MEMLOCK", RLIMIT_MEMLOCK},
    {"RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE},
    {"RLIMIT_NICE", RLIMIT_NICE},
    {"RLIMIT_NOFILE", RLIMIT_NOFILE},
    {"RLIMIT_NPROC", RLIMIT_NPROC},
    {"RLIMIT_RSS", RLIMIT_RSS},
    {"RLIMIT_RTPRIO", RLIMIT_RTPRIO},
    {"RLIMIT_RTTIME", RLIMIT_RTTIME},
    {"RLIMIT_SIGPENDING", RLIMIT_SIGPENDING},
    {"RLIMIT_STACK", RLIMIT_STACK},
};

static int read_rlimit(json_object *o, struct ctr__native_rlimit *ret)
{
    const char *type = NULL;
    uint64_t soft = 0, hard = 0;
    size_t k = 0;
    int r = get_str(o, "type", "process.rlimits[].type", &type);

    while (r == 0 && k < ARRAY_SIZE(rlimit_names) && strcmp(rlimit_names[k].name, type ? type : ""))
        k++;
    if (r == 0 && k == ARRAY_SIZE(rlimit_names))
        return ctr__err(-EINVAL, "config.json: unknown rlimit %s", type ? type : "(none)");
    if (r == 0)
        r = get_uint(o, "soft", UINT64_MAX, "process.rlimits[]", &soft);
    if (r == 0)
        r = get_uint(o, "hard", UINT64_MAX, "process.rlimits[]", &hard);
    if (r < 0)
        return r;
    ret->resource = rlimit_names[k].resource;
    ret->limit.rlim_cur = soft;
    ret->limit.rlim_max = hard;
    return 0;
}

static int read_rlimits(json_object *process, struct ctr__arena *a, struct ctr__native_process *ret)
{
    json_object *v = member(process, "rlimits");
    int r = want_type(v, json_type_array, "process.rlimits");
    size_t n = v && r == 0 ? json_object_array_length(v) : 0;

    if (r < 0 || !n)
        return r;
    ret->rlimits = ARENA_NEW(a, struct ctr__native_rlimit, n);
    if (!ret->rlimits)
        return ctr__oom("rlimits");
    for (size_t i = 0; i < n; i++) {
        r = read_rlimit(json_object_array_get_idx(v, i), &ret->rlimits[i]);
        if (r < 0)
            return r;
    }
    ret->n_rlimits = n;
    return 0;
}

static int read_user(json_object *process, struct ctr__arena *a, struct ctr__native_process *ret)
{
    json_object *user = member(process, "user"), *groups = member(user, "additionalGids");
    uint64_t uid = 0, gid = 0, umask = 0;
    int r = want_type(user, json_type_object, "process.user");

    if (r == 0)
        r = get_uint(user, "uid", UINT32_MAX - 1, "process.user", &uid);
    if (r == 0)
        r = get_uint(user, "gid", UINT32_MAX - 1, "process.user", &gid);
    if (r == 0)
        r = get_uint(user, "umask", 07777, "process.user", &umask);
    if (r == 0)
        r = want_type(groups, json_type_array, "process.user.additionalGids");
    if (r < 0)
        return r;
    ret->uid = (uid_t)uid;
    ret->gid = (gid_t)gid;
    ret->umask = (mode_t)umask;
    ret->has_umask = member(user, "umask") != NULL;
    ret->n_groups = groups ? json_object_array_length(groups) : 0;
    ret->groups = ARENA_NEW(a, gid_t, ret->n_groups);
    if (!ret->groups)
        return ctr__oom("additionalGids");
    for (size_t i = 0; i < ret->n_groups; i++) {
        json_object *g = json_object_array_get_idx(groups, i);
        if (!json_object_is_type(g, json_type_int) || json_object_get_int64(g) < 0 ||
            json_object_get_int64(g) >= UINT32_MAX)
            return ctr__err(-EINVAL, "config.json: process.user.additionalGids[%zu] is not a group ID", i);
        ret->groups[i] = (gid_t)json_object_get_int64(g);
    }
    return 0;
}

static int read_console(json_object *process, struct ctr__native_process *ret)
{
    json_object *size = member(process, "consoleSize");
    uint64_t h = 0, w = 0;
    int r = want_type(size, json_type_object, "process.consoleSize");

    if (r == 0)
        r = get_uint(size, "height", UINT16_MAX, "process.consoleSize", &h);
    if (r == 0)
        r = get_uint(size, "width", UINT16_MAX, "process.consoleSize", &w);
    ret->console_rows = (unsigned short)h;
    ret->console_cols = (unsigned short)w;
    return r;
}

static int read_process_flags(json_object *process, struct ctr__native_process *ret)
{
    json_object *t = member(process, "terminal"), *nnp = member(process, "noNewPrivileges");
    json_object *oom = member(process, "oomScoreAdj");
    int r = want_type(t, json_type_boolean, "process.terminal");

    if (r == 0)
        r = want_type(nnp, json_type_boolean, "process.noNewPrivileges");
    if (r == 0)
        r = want_type(oom, json_type_int, "process.oomScoreAdj");
    if (r < 0)
        return r;
    if (oom && (json_object_get_int64(oom) < -1000 || json_object_get_int64(oom) > 1000))
        return ctr__err(-EINVAL, "config.json: process.oomScoreAdj %s is not from -1000 to 1000",
                        json_object_get_string(oom));
    ret->terminal = t && json_object_get_boolean(t);
    ret->no_new_privileges = nnp && json_object_get_boolean(nnp);
    ret->has_oom_score_adj = oom != NULL;
    ret->oom_score_adj = oom ? (int)json_object_get_int64(oom) : 0;
    return 0;
}

int ctr__native_process_from_json(json_object *process, struct ctr__arena *a, struct ctr__native_process *ret)
{
    int r = want_type(process, json_type_object, "process");

    *ret = (struct ctr__native_process){.cwd = "/"};
    if (r == 0 && !process)
        r = ctr__err(-EINVAL, "config.json: process is missing");
    if (r == 0)
        r = get_strv(a, process, "args", "process.args", &ret->args);
    if (r == 0 && !ret->args[0])
        r = ctr__err(-EINVAL, "config.json: process.args is empty");
    if (r == 0)
        r = get_strv(a, process, "env", "process.env", &ret->env);
    if (r == 0)
        r = get_str(process, "cwd", "process.cwd", &ret->cwd);
    if (r == 0 && ret->cwd[0] != '/')
        r = ctr__err(-EINVAL, "config.json: process.cwd %s is not an absolute path", ret->cwd);
    if (r == 0)
        r = read_user(process, a, ret);
    if (r == 0)
        r = read_caps(process, &ret->caps);
    if (r == 0)
        r = read_rlimits(process, a, ret);
    if (r == 0)
        r = read_console(process, ret);
    if (r == 0)
        r = read_process_flags(process, ret);
    if (r == 0)
        r = get_str(process, "apparmorProfile", "process.apparmorProfile", &ret->apparmor);
    if (r == 0)
        r = get_str(process, "selinuxLabel", "process.selinuxLabel", &ret->selinux_label);
    return r;
}

/* ---- mounts ---- */

static const struct {
    const char *name;
    bool clear;
    unsigned long flag;
} mount_flags[] = {
    {"async", true, MS_SYNCHRONOUS},   {"atime", true, MS_NOATIME},        {"bind", false, MS_BIND},
    {"defaults", false, 0},            {"dev", true, MS_NODEV},            {"diratime", true, MS_NODIRATIME},
    {"dirsync", false, MS_DIRSYNC},    {"exec", true, MS_NOEXEC},          {"mand", false, MS_MANDLOCK},
    {"noatime", false, MS_NOATIME},    {"nodev", false, MS_NODEV},         {"nodiratime", false, MS_NODIRATIME},
    {"noexec", false, MS_NOEXEC},      {"nomand", true, MS_MANDLOCK},      {"norelatime", true, MS_RELATIME},
    {"nostrictatime", true, MS_STRICTATIME}, {"nosuid", false, MS_NOSUID}, {"rbind", false, MS_BIND | MS_REC},
    {"relatime", false, MS_RELATIME},  {"remount", false, MS_REMOUNT},     {"ro", false, MS_RDONLY},
    {"rw", true, MS_RDONLY},           {"strictatime", false, MS_STRICTATIME}, {"suid", true, MS_NOSUID},
    {"sync", false, MS_SYNCHRONOUS},
};

static const struct {
    const char *name;
    unsigned long flag;
} propagation_flags[] = {
    {"private", MS_PRIVATE},           {"rprivate", MS_PRIVATE | MS_REC},   {"shared", MS_SHARED},
    {"rshared", MS_SHARED | MS_REC},   {"slave", MS_SLAVE},                 {"rslave", MS_SLAVE | MS_REC},
    {"unbindable", MS_UNBINDABLE},     {"runbindable", MS_UNBINDABLE | MS_REC},
};

static bool propagation_flag(const char *name, unsigned long *ret)
{
    for (size_t i = 0; i < ARRAY_SIZE(propagation_flags); i++)
        if (streq(name, propagation_flags[i].name)) {
            *ret = propagation_flags[i].flag;
            return true;
        }
    return false;
}

static bool flag_option(const char *name, struct ctr__native_mount *m)
{
    for (size_t i = 0; i < ARRAY_SIZE(mount_flags); i++)
        if (streq(name, mount_flags[i].name)) {
            if (mount_flags[i].clear) {
                m->flags &= ~mount_flags[i].flag;
                m->clear |= mount_flags[i].flag;
            } else {
                m->flags |= mount_flags[i].flag;
                m->clear &= ~mount_flags[i].flag;
            }
            return true;
        }
    return false;
}

static int mount_option(const char *opt, struct ctr__native_mount *m, struct ctr__buf *data)
{
    if (flag_option(opt, m) || propagation_flag(opt, &m->propagation))
        return 0;
    if (streq(opt, "tmpcopyup")) {
        m->tmpcopyup = true;
        return 0;
    }
    if (streq(opt, "idmap") || streq(opt, "ridmap") || !strncmp(opt, "rro", 3) || !strncmp(opt, "rrw", 3))
        return ctr__err(-EOPNOTSUPP, "config.json: mount option %s is not supported by the native runtime", opt);
    if (data->len)
        ctr__buf_put(data, ",");
    ctr__buf_put(data, opt);
    return 0;
}

static int read_mount(struct ctr__arena *a, json_object *o, struct ctr__native_mount *m)
{
    const char *const *opts = NULL;
    struct ctr__buf data = {0};
    int r = want_type(o, json_type_object, "mounts[]");

    if (r == 0)
        r = get_str(o, "destination", "mounts[].destination", &m->destination);
    if (r == 0 && (!m->destination || m->destination[0] != '/'))
        r = ctr__err(-EINVAL, "config.json: mount destination %s is not an absolute path",
                     m->destination ? m->destination : "(none)");
    if (r == 0)
        r = get_str(o, "type", "mounts[].type", &m->type);
    if (r == 0)
        r = get_str(o, "source", "mounts[].source", &m->source);
    if (r == 0)
        r = get_strv(a, o, "options", "mounts[].options", &opts);
    for (size_t i = 0; r == 0 && opts[i]; i++)
        r = mount_option(opts[i], m, &data);
    if (r == 0 && member(o, "uidMappings"))
        r = ctr__err(-EOPNOTSUPP, "config.json: idmapped mounts are not supported by the native runtime");
    char *text = NULL;
    int f = ctr__buf_finish(&data, &text);
    if (r == 0 && f < 0)
        r = ctr__oom("mount options");
    if (r == 0 && *text && !(m->data = ctr__arena_strdup(a, text)))
        r = ctr__oom("mount options");
    free(text);
    if (r < 0)
        return r;
    m->bind = (m->flags & MS_BIND) || streq_null(m->type, "bind");
    if (!m->type)
        m->type = m->bind ? "bind" : "none";
    return 0;
}

static int read_mounts(json_object *doc, struct ctr__native_spec *s)
{
    json_object *v = member(doc, "mounts");
    int r = want_type(v, json_type_array, "mounts");
    size_t n = v && r == 0 ? json_object_array_length(v) : 0;

    if (r < 0)
        return r;
    s->mounts = ARENA_NEW(&s->arena, struct ctr__native_mount, n);
    if (!s->mounts)
        return ctr__oom("mounts");
    for (size_t i = 0; i < n; i++) {
        r = read_mount(&s->arena, json_object_array_get_idx(v, i), &s->mounts[i]);
        if (r < 0)
            return r;
    }
    s->n_mounts = n;
    return 0;
}

/* ---- linux ---- */

static const char *const ns_names[CTR_NS_COUNT] = {"pid", "network", "ipc", "uts", "mount", "cgroup"};
static const char *const ns_proc[CTR_NS_COUNT] = {"pid", "net", "ipc", "uts", "mnt", "cgroup"};
static const int ns_flags[CTR_NS_COUNT] = {CLONE_NEWPID, CLONE_NEWNET,  CLONE_NEWIPC,
                                           CLONE_NEWUTS, CLONE_NEWNS,   CLONE_NEWCGROUP};

int ctr__native_ns_flag(enum ctr__native_ns ns)
{
    return ns_flags[ns];
}

const char *ctr__native_ns_proc_name(enum ctr__native_ns ns)
{
    return ns_proc[ns];
}

static int read_namespace(json_object *o, struct ctr__native_spec *s)
{
    const char *type = NULL, *path = NULL;
    int r = get_str(o, "type", "linux.namespaces[].type", &type);
    size_t k = 0;

    if (r == 0)
        r = get_str(o, "path", "linux.namespaces[].path", &path);
    if (r < 0)
        return r;
    if (streq_null(type, "user") || streq_null(type, "time"))
        return ctr__err(-EOPNOTSUPP, "config.json: %s namespaces are not supported by the native runtime", type);
    while (k < CTR_NS_COUNT && !streq_null(type, ns_names[k]))
        k++;
    if (k == CTR_NS_COUNT)
        return ctr__err(-EINVAL, "config.json: unknown namespace type %s", type ? type : "(none)");
    if (s->ns[k].wanted)
        return ctr__err(-EINVAL, "config.json: the %s namespace is listed twice", type);
    if (path && path[0] != '/')
        return ctr__err(-EINVAL, "config.json: namespace path %s is not absolute", path);
    s->ns[k] = (struct ctr__native_ns_spec){.wanted = true, .path = path && *path ? path : NULL};
    return 0;
}

static int read_device(json_object *o, struct ctr__native_device *d)
{
    const char *type = NULL;
    uint64_t major = 0, minor = 0, mode = 0666, uid = 0, gid = 0;
    int r = get_str(o, "path", "linux.devices[].path", &d->path);

    if (r == 0)
        r = get_str(o, "type", "linux.devices[].type", &type);
    if (r == 0 && (!d->path || d->path[0] != '/'))
        r = ctr__err(-EINVAL, "config.json: device path %s is not absolute", d->path ? d->path : "(none)");
    if (r == 0 && (!type || strlen(type) != 1 || !strchr("cbup", type[0])))
        r = ctr__err(-EINVAL, "config.json: device %s has type %s, not c, b, u or p", d->path,
                     type ? type : "(none)");
    if (r == 0)
        r = get_uint(o, "major", UINT32_MAX, "linux.devices[]", &major);
    if (r == 0)
        r = get_uint(o, "minor", UINT32_MAX, "linux.devices[]", &minor);
    if (r == 0)
        r = get_uint(o, "fileMode", 07777, "linux.devices[]", &mode);
    if (r == 0)
        r = get_uint(o, "uid", UINT32_MAX - 1, "linux.devices[]", &uid);
    if (r == 0)
        r = get_uint(o, "gid", UINT32_MAX - 1, "linux.devices[]", &gid);
    if (r < 0)
        return r;
    *d = (struct ctr__native_device){d->path, type[0], (unsigned)major, (unsigned)minor, (mode_t)mode,
                                     (uid_t)uid, (gid_t)gid};
    return 0;
}

static int read_array(struct ctr__native_spec *s, json_object *linux_, const char *key,
                      int (*read_one)(json_object *o, void *item, struct ctr__native_spec *s), size_t item_size,
                      void **ret, size_t *ret_n)
{
    json_object *v = member(linux_, key);
    int r = want_type(v, json_type_array, key);
    size_t n = v && r == 0 ? json_object_array_length(v) : 0;

    if (r < 0)
        return r;
    char *items = ctr__arena_alloc(&s->arena, item_size * (n ? n : 1));
    if (!items)
        return ctr__oom(key);
    for (size_t i = 0; i < n; i++) {
        r = read_one(json_object_array_get_idx(v, i), items + i * item_size, s);
        if (r < 0)
            return r;
    }
    *ret = items;
    *ret_n = n;
    return 0;
}

static int read_ns_item(json_object *o, void *item, struct ctr__native_spec *s)
{
    (void)item;
    return read_namespace(o, s);
}

static int read_device_item(json_object *o, void *item, struct ctr__native_spec *s)
{
    (void)s;
    return read_device(o, item);
}

static int read_sysctls(json_object *linux_, struct ctr__native_spec *s)
{
    json_object *v = member(linux_, "sysctl");
    int r = want_type(v, json_type_object, "linux.sysctl");
    size_t i = 0;

    if (r < 0 || !v)
        return r;
    s->sysctls = ARENA_NEW(&s->arena, struct ctr__native_sysctl, (size_t)json_object_object_length(v));
    if (!s->sysctls)
        return ctr__oom("sysctls");
    json_object_object_foreach(v, key, val) {
        if (!json_object_is_type(val, json_type_string))
            return ctr__err(-EINVAL, "config.json: linux.sysctl %s is not a string", key);
        if (!*key || strstr(key, "..") || key[0] == '.' || key[0] == '/')
            return ctr__err(-EINVAL, "config.json: linux.sysctl %s is not a sysctl name", key);
        s->sysctls[i++] = (struct ctr__native_sysctl){key, json_object_get_string(val)};
    }
    s->n_sysctls = i;
    return 0;
}

static int read_unsupported(json_object *linux_)
{
    static const char *const keys[] = {"uidMappings", "gidMappings", "intelRdt", "personality", "timeOffsets"};
    for (size_t i = 0; i < ARRAY_SIZE(keys); i++)
        if (member(linux_, keys[i]))
            return ctr__err(-EOPNOTSUPP, "config.json: linux.%s is not supported by the native runtime", keys[i]);
    return 0;
}

static int read_linux(json_object *linux_, struct ctr__native_spec *s)
{
    const char *prop = NULL;
    void *unused = NULL;
    size_t n_unused = 0;
    int r = want_type(linux_, json_type_object, "linux");

    if (r == 0)
        r = read_unsupported(linux_);
    if (r == 0)
        r = read_array(s, linux_, "namespaces", read_ns_item, 1, &unused, &n_unused);
    if (r == 0)
        r = read_array(s, linux_, "devices", read_device_item, sizeof(struct ctr__native_device),
                       (void **)&s->devices, &s->n_devices);
    if (r == 0)
        r = get_strv(&s->arena, linux_, "maskedPaths", "linux.maskedPaths", &s->masked);
    if (r == 0)
        r = get_strv(&s->arena, linux_, "readonlyPaths", "linux.readonlyPaths", &s->readonly_paths);
    if (r == 0)
        r = read_sysctls(linux_, s);
    if (r == 0)
        r = get_str(linux_, "rootfsPropagation", "linux.rootfsPropagation", &prop);
    if (r == 0 && prop && !propagation_flag(prop, &s->rootfs_propagation))
        r = ctr__err(-EINVAL, "config.json: unknown linux.rootfsPropagation %s", prop);
    if (r == 0)
        r = get_str(linux_, "cgroupsPath", "linux.cgroupsPath", &s->cgroups_path);
    if (r == 0)
        r = want_type(s->resources = member(linux_, "resources"), json_type_object, "linux.resources");
    if (r == 0)
        r = want_type(s->seccomp = member(linux_, "seccomp"), json_type_object, "linux.seccomp");
    return r;
}

/* ---- hooks ---- */

static const char *const hook_keys[CTR_HOOK_KINDS] = {"prestart",        "createRuntime", "createContainer",
                                                      "startContainer",  "poststart",     "poststop"};

const char *ctr__native_hook_name(enum ctr__native_hook_kind kind)
{
    return kind < CTR_HOOK_KINDS ? hook_keys[kind] : "(unknown)";
}

static int read_hook(json_object *o, void *item, struct ctr__native_spec *s)
{
    struct ctr__native_hook *h = item;
    uint64_t timeout = 0;
    int r = want_type(o, json_type_object, "hooks[]");

    if (r == 0)
        r = get_str(o, "path", "hooks[].path", &h->path);
    if (r == 0 && (!h->path || h->path[0] != '/'))
        r = ctr__err(-EINVAL, "config.json: hook path %s is not absolute", h->path ? h->path : "(none)");
    if (r == 0)
        r = get_strv(&s->arena, o, "args", "hooks[].args", &h->args);
    if (r == 0)
        r = get_strv(&s->arena, o, "env", "hooks[].env", &h->env);
    if (r == 0)
        r = get_uint(o, "timeout", INT32_MAX, "hooks[]", &timeout);
    if (r == 0 && member(o, "timeout") && timeout == 0)
        r = ctr__err(-EINVAL, "config.json: a hook's timeout must be positive");
    h->timeout = (int)timeout;
    return r;
}

static int read_hooks(json_object *doc, struct ctr__native_spec *s)
{
    json_object *hooks = member(doc, "hooks");
    int r = want_type(hooks, json_type_object, "hooks");

    for (int k = 0; r == 0 && k < CTR_HOOK_KINDS; k++)
        r = read_array(s, hooks, hook_keys[k], read_hook, sizeof(struct ctr__native_hook), (void **)&s->hooks[k].v,
                       &s->hooks[k].n);
    return r;
}

/* ---- the document ---- */

static int read_root(json_object *doc, struct ctr__native_spec *s)
{
    json_object *root = member(doc, "root"), *ro = member(root, "readonly");
    const char *path = NULL;
    int r = want_type(root, json_type_object, "root");

    if (r == 0)
        r = get_str(root, "path", "root.path", &path);
    if (r == 0)
        r = want_type(ro, json_type_boolean, "root.readonly");
    if (r == 0 && isempty(path))
        r = ctr__err(-EINVAL, "config.json: root.path is missing");
    if (r < 0)
        return r;
    s->readonly = ro && json_object_get_boolean(ro);
    s->rootfs = path[0] == '/' ? ctr__arena_strdup(&s->arena, path) : NULL;
    if (path[0] != '/') {
        _cleanup_free_ char *joined = ctr__asprintf("%s/%s", s->bundle, path);
        s->rootfs = joined ? ctr__arena_strdup(&s->arena, joined) : NULL;
    }
    return s->rootfs ? 0 : ctr__oom("rootfs path");
}

static int read_doc(json_object *doc, struct ctr__native_spec *s)
{
    int r = want_type(doc, json_type_object, "the document");

    if (r == 0)
        r = read_root(doc, s);
    if (r == 0)
        r = ctr__native_process_from_json(member(doc, "process"), &s->arena, &s->process);
    if (r == 0)
        r = get_str(doc, "hostname", "hostname", &s->hostname);
    if (r == 0)
        r = get_str(doc, "domainname", "domainname", &s->domainname);
    if (r == 0)
        r = read_mounts(doc, s);
    if (r == 0 && member(doc, "linux"))
        r = read_linux(member(doc, "linux"), s);
    if (r == 0)
        r = read_hooks(doc, s);
    if (r == 0)
        r = want_type(s->annotations = member(doc, "annotations"), json_type_object, "annotations");
    if (r == 0 && (s->hostname || s->domainname) && !s->ns[CTR_NS_UTS].wanted)
        r = ctr__err(-EINVAL, "config.json: a hostname needs a new uts namespace");
    return r;
}

int ctr__native_spec_from_json(json_object *doc, const char *bundle, struct ctr__native_spec *ret)
{
    *ret = (struct ctr__native_spec){.doc = doc, .bundle = bundle};
    int r = read_doc(doc, ret);
    if (r < 0)
        ctr__native_spec_done(ret);
    return r;
}

int ctr__native_spec_load(const char *bundle, struct ctr__native_spec *ret)
{
    _cleanup_free_ char *path = ctr__asprintf("%s/config.json", bundle), *text = NULL;
    json_object *doc = NULL;
    int r;

    *ret = (struct ctr__native_spec){0};
    if (!path)
        return ctr__oom("config.json path");
    r = ctr__read_file_at(AT_FDCWD, path, &text, NULL);
    if (r < 0)
        return ctr__err(r, "reading %s: %s", path, strerror(-r));
    r = ctr__json_parse(text, path, &doc);
    if (r < 0)
        return r;
    return ctr__native_spec_from_json(doc, bundle, ret);
}

void ctr__native_spec_done(struct ctr__native_spec *s)
{
    json_object_put(s->doc);
    ctr__arena_free(&s->arena);
    *s = (struct ctr__native_spec){0};
}
