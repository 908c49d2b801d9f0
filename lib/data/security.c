/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A container's security settings (security.h): the checks of the options
 * with podman's rules and messages, the config document's "security" part,
 * inspect's HostConfig keys, and the capability set, sysctls and masked
 * paths of the generated spec. */
#include "data/security.h"

#include <cap-ng.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "base/arena.h"
#include "base/caps.h"
#include "base/error.h"
#include "base/json-util.h"
#include "base/util.h"
#include "data/seccomp-profile.h"

/* Largest seccomp profile read (Docker's default is about 20 KiB). */
#define SECCOMP_PROFILE_MAX (4 * 1024 * 1024)

/* ---- capabilities ---- */

int ctr__security_cap_normalize(const char *name, char *buf, size_t size)
{
    if (!name || !*name || size < 5)
        return ctr__err(-EINVAL, "\"\": unknown capability");
    if (strcasecmp(name, "ALL") == 0) {
        snprintf(buf, size, "ALL");
        return 0;
    }
    const char *base = strncasecmp(name, "CAP_", 4) == 0 ? name + 4 : name;
    if (strlen(base) + 5 > size)
        return ctr__err(-EINVAL, "\"%.64s\": unknown capability", name);
    memcpy(buf, "CAP_", 4);
    size_t i = 0;
    for (; base[i]; i++)
        buf[4 + i] = (char)toupper((unsigned char)base[i]);
    buf[4 + i] = '\0';
    int cap = capng_name_to_capability(base);
    if (cap < 0 || cap > ctr__cap_last_cap())
        return ctr__err(-EINVAL, "\"%s\": unknown capability", buf);
    return 0;
}

static int check_caps(const char *const *v)
{
    char buf[64];
    for (size_t i = 0; v && v[i]; i++) {
        int r = ctr__security_cap_normalize(v[i], buf, sizeof buf);
        if (r < 0)
            return r;
    }
    return 0;
}

/* "ALL" in @v, any case (the options' names are not normalized yet). */
static bool has_all(char *const *v)
{
    for (size_t i = 0; v && v[i]; i++)
        if (strcasecmp(v[i], "ALL") == 0)
            return true;
    return false;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* @v without duplicates and without the names in @drop, sorted. */
static int caps_finish(char ***v, char *const *drop)
{
    _cleanup_strv_ char **out = ctr__strv_copy(NULL);
    if (!out)
        return ctr__oom("the capability list");
    for (char **c = *v; *c; c++)
        if (!streq(*c, "ALL") && !ctr__strv_contains((const char *const *)drop, *c) &&
            !ctr__strv_contains((const char *const *)out, *c) && ctr__strv_push(&out, *c) < 0)
            return ctr__oom("the capability list");
    qsort(out, ctr__strv_len((const char *const *)out), sizeof *out, cmp_str);
    ctr__strv_free(*v);
    *v = TAKE_PTR(out);
    return 0;
}

static int caps_append(char ***v, char *const *add)
{
    for (size_t i = 0; add && add[i]; i++)
        if (ctr__strv_push(v, add[i]) < 0)
            return ctr__oom("the capability list");
    return 0;
}

/* The added capabilities that the bounding set @all holds (ALL: all of it). */
static int user_caps(const struct ctr__security *sec, char *const *all, char ***ret)
{
    _cleanup_strv_ char **v = ctr__strv_copy(NULL);
    if (!v)
        return ctr__oom("the capability list");
    int r = caps_append(&v, has_all(sec->cap_add) ? all : sec->cap_add);
    if (r < 0)
        return r;
    _cleanup_strv_ char **out = ctr__strv_copy(NULL);
    if (!out)
        return ctr__oom("the capability list");
    for (char **c = v; *c; c++)
        if (ctr__strv_contains((const char *const *)all, *c) && ctr__strv_push(&out, *c) < 0)
            return ctr__oom("the capability list");
    if ((r = caps_finish(&out, NULL)) < 0)
        return r;
    *ret = TAKE_PTR(out);
    return 0;
}

int ctr__security_caps(const struct ctr__security *sec, bool privileged, char ***ret_bounding, char ***ret_user)
{
    _cleanup_strv_ char **all = NULL, **caps = NULL, **user = NULL;
    int r = ctr__caps_all(&all);
    if (r < 0)
        return r;
    if (privileged) {
        caps = TAKE_PTR(all);
        if ((r = ctr__caps_all(&all)) < 0)
            return r;
    } else if (has_all(sec->cap_drop)) {
        caps = ctr__strv_copy(NULL);
        if (!caps)
            return ctr__oom("the capability list");
        if ((r = caps_append(&caps, has_all(sec->cap_add) ? all : sec->cap_add)) < 0)
            return r;
    } else {
        if (has_all(sec->cap_add))
            r = (caps = ctr__strv_copy((const char *const *)all)) ? 0 : ctr__oom("the capability list");
        else if ((r = ctr__caps_default(&caps)) >= 0)
            r = caps_append(&caps, sec->cap_add);
        if (r < 0)
            return r;
    }
    bool drop = !privileged && !has_all(sec->cap_drop);
    if ((r = caps_finish(&caps, drop ? sec->cap_drop : NULL)) < 0)
        return r;
    if (ret_user && (r = user_caps(sec, all, &user)) < 0)
        return r;
    *ret_bounding = TAKE_PTR(caps);
    if (ret_user)
        *ret_user = TAKE_PTR(user);
    return 0;
}

/* ---- sysctls ---- */

static const char *const ipc_sysctls[] = {
    "kernel.msgmax", "kernel.msgmnb", "kernel.msgmni", "kernel.sem", "kernel.shmall", "kernel.shmmax",
    "kernel.shmmni", "kernel.shm_rmid_forced", NULL,
};

static bool has_prefix(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* podman's form check: KEY=VALUE, no spaces around either. */
static int sysctl_form(const char *kv, size_t *ret_klen)
{
    const char *eq = strchr(kv, '=');
    if (!eq || eq == kv)
        return ctr__err(-EINVAL, "%s is invalid, sysctl values must be in the form of KEY=VALUE", kv);
    size_t klen = (size_t)(eq - kv);
    if (isspace((unsigned char)kv[0]) || isspace((unsigned char)kv[klen - 1]) || isspace((unsigned char)eq[1]) ||
        (eq[1] && isspace((unsigned char)kv[strlen(kv) - 1])))
        return ctr__err(-EINVAL, "'%s' is invalid, extra spaces found", kv);
    for (const char *p = kv; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f)
            return ctr__err(-EINVAL, "sysctl \"%.*s\" has control characters", (int)klen, kv);
    *ret_klen = klen;
    return 0;
}

int ctr__security_sysctl_check(const char *kv, bool host_net, bool host_ipc, bool host_uts)
{
    size_t klen = 0;
    int r = sysctl_form(kv, &klen);
    if (r < 0)
        return r;
    char key[256];
    if (klen >= sizeof key)
        return ctr__err(-EINVAL, "sysctl '%.64s...' is not allowed", kv);
    memcpy(key, kv, klen);
    key[klen] = '\0';
    bool net = has_prefix(key, "net."), mq = has_prefix(key, "fs.mqueue.");
    bool ipc = mq || ctr__strv_contains(ipc_sysctls, key);
    bool uts = streq(key, "kernel.domainname") || streq(key, "kernel.hostname");
    if (!net && !ipc && !uts)
        return ctr__err(-EINVAL, "sysctl '%s' is not allowed", key);
    if (net && host_net)
        return ctr__err(-EINVAL, "sysctl %s can't be set since Network Namespace set to host", kv);
    if (ipc && host_ipc)
        return ctr__err(-EINVAL, "sysctl %s can't be set since IPC Namespace set to host", kv);
    if (uts && host_uts)
        return ctr__err(-EINVAL, "sysctl %s can't be set since UTS Namespace set to host", kv);
    return 0;
}

int ctr__security_sysctl_spec(const struct ctr__security *sec, bool own_netns, json_object *linux_)
{
    json_object *s = NULL;
    if (!json_object_object_get_ex(linux_, "sysctl", &s) || !json_object_is_type(s, json_type_object)) {
        s = json_object_new_object();
        int r = ctr__json_set(linux_, "sysctl", s);
        if (r < 0)
            return r;
    }
    if (own_netns && !json_object_object_get_ex(s, "net.ipv4.ping_group_range", NULL) &&
        ctr__json_add_str(s, "net.ipv4.ping_group_range", "0 0") < 0)
        return ctr__oom("the sysctls");
    for (char **kv = sec->sysctls; kv && *kv; kv++) {
        const char *eq = strchr(*kv, '=');
        if (!eq)
            continue; /* checked at create */
        _cleanup_free_ char *key = strndup(*kv, (size_t)(eq - *kv));
        if (!key || ctr__json_add_str(s, key, eq + 1) < 0)
            return ctr__oom("the sysctls");
    }
    if (json_object_object_length(s) == 0)
        json_object_object_del(linux_, "sysctl");
    return 0;
}

/* ---- masked paths ---- */

static int paths_spec(const char *key, const char *const *defaults, char *const *unmask, char *const *add,
                      json_object *linux_)
{
    bool all = has_all(unmask);
    json_object *a = json_object_new_array();
    int r = ctr__json_set(linux_, key, a);
    if (r < 0)
        return r;
    for (size_t i = 0; !all && defaults && defaults[i]; i++)
        if (!ctr__strv_contains((const char *const *)unmask, defaults[i]) &&
            json_object_array_add(a, json_object_new_string(defaults[i])) < 0)
            return ctr__oom("the masked paths");
    for (size_t i = 0; add && add[i]; i++)
        if (json_object_array_add(a, json_object_new_string(add[i])) < 0)
            return ctr__oom("the masked paths");
    if (json_object_array_length(a) == 0)
        json_object_object_del(linux_, key);
    return 0;
}

int ctr__security_paths_spec(const struct ctr__security *sec, const char *const *masked_default,
                             const char *const *readonly_default, json_object *linux_)
{
    int r = paths_spec("maskedPaths", masked_default, sec->unmask_paths, sec->mask_paths, linux_);
    return r < 0 ? r : paths_spec("readonlyPaths", readonly_default, sec->unmask_paths, NULL, linux_);
}

bool ctr__security_apparmor_enabled(void)
{
    char c = 0;
    _cleanup_close_ int fd = open("/sys/module/apparmor/parameters/enabled", O_RDONLY | O_CLOEXEC);
    return fd >= 0 && read(fd, &c, 1) == 1 && c == 'Y';
}

/* ---- the options ---- */

static bool has_ctl(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7f)
            return true;
    return false;
}

static int check_paths(const char *what, const char *const *v, bool allow_all)
{
    for (size_t i = 0; v && v[i]; i++) {
        if (allow_all && streq(v[i], "ALL"))
            continue;
        if (v[i][0] != '/' || has_ctl(v[i]) || strstr(v[i], "/../") ||
            (strlen(v[i]) >= 3 && streq(v[i] + strlen(v[i]) - 3, "/..")))
            return ctr__err(-EINVAL, "%s \"%s\" is not an absolute path", what, v[i]);
    }
    return 0;
}

/* A group: a number or a name of the rootfs's /etc/group (looked up at init). */
static int check_groups(const char *const *v)
{
    for (size_t i = 0; v && v[i]; i++) {
        if (streq(v[i], "keep-groups"))
            return ctr__err(-EINVAL, "the keep-groups group is only supported with rootless crun: it "
                                     "cannot be used here");
        if (!*v[i] || has_ctl(v[i]) || strchr(v[i], ':') || strchr(v[i], '/'))
            return ctr__err(-EINVAL, "invalid group \"%s\"", v[i]);
    }
    return 0;
}

static int check_seccomp(const char *p)
{
    if (!p || streq(p, "unconfined"))
        return 0;
    if (p[0] != '/' || has_ctl(p))
        return ctr__err(-EINVAL, "seccomp profile \"%s\" must be an absolute path or \"unconfined\"", p);
    struct stat st;
    if (stat(p, &st) < 0)
        return ctr__err(-errno, "opening seccomp profile failed: open %s: %m", p);
    if (!S_ISREG(st.st_mode))
        return ctr__err(-EINVAL, "opening seccomp profile failed: %s is not a regular file", p);
    if (st.st_size > SECCOMP_PROFILE_MAX)
        return ctr__err(-EFBIG, "seccomp profile %s is larger than %d bytes", p, SECCOMP_PROFILE_MAX);
    return 0;
}

int ctr__security_check(const ctr_container_options_t *o)
{
    int r;
    if ((r = check_caps(o->cap_add)) < 0 || (r = check_caps(o->cap_drop)) < 0)
        return r;
    if (has_all((char *const *)o->cap_add) && has_all((char *const *)o->cap_drop))
        return ctr__err(-EINVAL, "adding all caps and removing all caps not allowed");
    if ((r = check_seccomp(o->seccomp_profile)) < 0)
        return r;
    if (o->apparmor_profile && (!*o->apparmor_profile || has_ctl(o->apparmor_profile)))
        return ctr__err(-EINVAL, "invalid AppArmor profile name \"%s\"", o->apparmor_profile);
    if ((r = check_paths("masked path", o->mask_paths, false)) < 0 ||
        (r = check_paths("unmasked path", o->unmask_paths, true)) < 0 || (r = check_groups(o->group_add)) < 0)
        return r;
    bool host_net = o->flags & CTR_CREATE_HOST_NETWORK;
    for (size_t i = 0; o->sysctls && o->sysctls[i]; i++)
        if ((r = ctr__security_sysctl_check(o->sysctls[i], host_net, false, false)) < 0)
            return r;
    return 0;
}

static int copy_caps(const char *const *in, char ***ret)
{
    _cleanup_strv_ char **v = ctr__strv_copy(NULL);
    if (!v)
        return ctr__oom("the capability list");
    char buf[64];
    for (size_t i = 0; in && in[i]; i++) {
        int r = ctr__security_cap_normalize(in[i], buf, sizeof buf);
        if (r < 0)
            return r;
        if (!ctr__strv_contains((const char *const *)v, buf) && ctr__strv_push(&v, buf) < 0)
            return ctr__oom("the capability list");
    }
    *ret = TAKE_PTR(v);
    return 0;
}

/* The profile's text, checked by a conversion. */
static int read_profile(const char *path, char **ret)
{
    _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0)
        return ctr__err(-errno, "opening seccomp profile failed: open %s: %m", path);
    struct stat st;
    if (fstat(fd, &st) < 0)
        return ctr__err(-errno, "seccomp profile %s: %m", path);
    if (!S_ISREG(st.st_mode) || st.st_size > SECCOMP_PROFILE_MAX)
        return ctr__err(-EINVAL, "seccomp profile %s is not a regular file of at most %d bytes", path,
                        SECCOMP_PROFILE_MAX);
    _cleanup_free_ char *text = malloc((size_t)st.st_size + 1);
    if (!text)
        return ctr__oom("the seccomp profile");
    size_t n = 0;
    while (n < (size_t)st.st_size) {
        ssize_t k = read(fd, text + n, (size_t)st.st_size - n);
        if (k < 0 && errno == EINTR)
            continue;
        if (k < 0)
            return ctr__err(-errno, "reading seccomp profile %s: %m", path);
        if (k == 0)
            break;
        n += (size_t)k;
    }
    text[n] = '\0';
    if (strlen(text) != n)
        return ctr__err(-EINVAL, "seccomp profile %s: a NUL byte in the file", path);
    _cleanup_json_ json_object *probe = NULL;
    int r = ctr__seccomp_profile_convert(text, NULL, &probe);
    if (r < 0)
        return ctr__err_prefix(r, "seccomp profile %s", path);
    *ret = TAKE_PTR(text);
    return 0;
}

int ctr__security_copy(const ctr_container_options_t *o, struct ctr__security *sec)
{
    int r;
    memset(sec, 0, sizeof *sec);
    if ((r = copy_caps(o->cap_add, &sec->cap_add)) < 0 || (r = copy_caps(o->cap_drop, &sec->cap_drop)) < 0)
        return r;
    if (o->seccomp_profile && streq(o->seccomp_profile, "unconfined")) {
        if (!(sec->seccomp_profile = strdup("unconfined")))
            return ctr__oom("the seccomp profile");
    } else if (o->seccomp_profile) {
        if ((r = read_profile(o->seccomp_profile, &sec->seccomp_profile)) < 0)
            return r;
        if (!(sec->seccomp_profile_path = strdup(o->seccomp_profile)))
            return ctr__oom("the seccomp profile path");
    }
    if (o->apparmor_profile && !(sec->apparmor_profile = strdup(o->apparmor_profile)))
        return ctr__oom("the AppArmor profile");
    sec->mask_paths = ctr__strv_copy(o->mask_paths);
    sec->unmask_paths = ctr__strv_copy(o->unmask_paths);
    sec->group_add = ctr__strv_copy(o->group_add);
    sec->sysctls = ctr__strv_copy(o->sysctls);
    if (!sec->mask_paths || !sec->unmask_paths || !sec->group_add || !sec->sysctls)
        return ctr__oom("the security settings");
    return 0;
}

void ctr__security_clear(struct ctr__security *sec)
{
    ctr__strv_free(sec->cap_add);
    ctr__strv_free(sec->cap_drop);
    free(sec->seccomp_profile);
    free(sec->seccomp_profile_path);
    free(sec->apparmor_profile);
    ctr__strv_free(sec->mask_paths);
    ctr__strv_free(sec->unmask_paths);
    ctr__strv_free(sec->group_add);
    ctr__strv_free(sec->sysctls);
    memset(sec, 0, sizeof *sec);
}

/* ---- the options again ---- */

int ctr__security_export(const struct ctr__security *sec, struct ctr__arena *a, ctr_container_options_t *o)
{
    int oom = 0;
    /* A profile file is named by its path (a create reads it again). */
    const char *seccomp = sec->seccomp_profile_path ? sec->seccomp_profile_path : sec->seccomp_profile;
    o->cap_add = ctr__arena_strv_set(a, sec->cap_add, &oom);
    o->cap_drop = ctr__arena_strv_set(a, sec->cap_drop, &oom);
    o->seccomp_profile = ctr__arena_strdup(a, seccomp);
    o->apparmor_profile = ctr__arena_strdup(a, sec->apparmor_profile);
    o->mask_paths = ctr__arena_strv_set(a, sec->mask_paths, &oom);
    o->unmask_paths = ctr__arena_strv_set(a, sec->unmask_paths, &oom);
    o->group_add = ctr__arena_strv_set(a, sec->group_add, &oom);
    o->sysctls = ctr__arena_strv_set(a, sec->sysctls, &oom);
    if (oom || (seccomp && !o->seccomp_profile) || (sec->apparmor_profile && !o->apparmor_profile))
        return ctr__oom("the exported security settings");
    return 0;
}

/* ---- the config document ---- */

int ctr__security_to_json(const struct ctr__security *sec, json_object *doc)
{
    json_object *o = json_object_new_object();
    int r = ctr__json_set(doc, "security", o);
    if (r < 0)
        return r;
    struct {
        const char *key;
        char **v;
    } lists[] = { { "capAdd", sec->cap_add },       { "capDrop", sec->cap_drop },
                  { "maskPaths", sec->mask_paths }, { "unmaskPaths", sec->unmask_paths },
                  { "groupAdd", sec->group_add },   { "sysctls", sec->sysctls } };
    for (size_t i = 0; i < ARRAY_SIZE(lists); i++)
        if (lists[i].v && lists[i].v[0] && ctr__json_add_strv(o, lists[i].key, lists[i].v) < 0)
            return ctr__oom("the security settings");
    if (ctr__json_add_str(o, "seccompProfile", sec->seccomp_profile) < 0 ||
        ctr__json_add_str(o, "seccompProfilePath", sec->seccomp_profile_path) < 0 ||
        ctr__json_add_str(o, "apparmorProfile", sec->apparmor_profile) < 0)
        return ctr__oom("the security settings");
    return 0;
}

int ctr__security_from_json(json_object *doc, struct ctr__security *sec)
{
    memset(sec, 0, sizeof *sec);
    json_object *o = NULL;
    if (json_object_object_get_ex(doc, "security", &o) && !json_object_is_type(o, json_type_object))
        return ctr__err(-EINVAL, "\"security\" is not an object");
    struct {
        const char *key;
        char ***v;
    } lists[] = { { "capAdd", &sec->cap_add },       { "capDrop", &sec->cap_drop },
                  { "maskPaths", &sec->mask_paths }, { "unmaskPaths", &sec->unmask_paths },
                  { "groupAdd", &sec->group_add },   { "sysctls", &sec->sysctls } };
    int r;
    for (size_t i = 0; i < ARRAY_SIZE(lists); i++) {
        if (o && (r = ctr__json_get_strv(o, lists[i].key, lists[i].v)) < 0)
            return r;
        if (!*lists[i].v && !(*lists[i].v = ctr__strv_copy(NULL)))
            return ctr__oom("the security settings");
    }
    if (o && ((r = ctr__json_get_str(o, "seccompProfile", &sec->seccomp_profile)) < 0 ||
              (r = ctr__json_get_str(o, "seccompProfilePath", &sec->seccomp_profile_path)) < 0 ||
              (r = ctr__json_get_str(o, "apparmorProfile", &sec->apparmor_profile)) < 0))
        return r;
    return 0;
}

/* ---- inspect ---- */

/* podman 4.3's SecurityOpt: "no-new-privileges", "seccomp=PATH" or "seccomp=unconfined", "apparmor=NAME". */
static int security_opts(const struct ctr__security *sec, uint64_t flags, json_object *a)
{
    _cleanup_free_ char *sc = sec->seccomp_profile_path ? ctr__asprintf("seccomp=%s", sec->seccomp_profile_path)
                              : sec->seccomp_profile    ? strdup("seccomp=unconfined")
                                                        : NULL;
    _cleanup_free_ char *aa = sec->apparmor_profile ? ctr__asprintf("apparmor=%s", sec->apparmor_profile) : NULL;
    if ((sec->seccomp_profile && !sc) || (sec->apparmor_profile && !aa))
        return ctr__oom("the security options");
    const char *v[] = { (flags & CTR_CREATE_NO_NEW_PRIVS) ? "no-new-privileges" : NULL, sc, aa };
    for (size_t i = 0; i < ARRAY_SIZE(v); i++)
        if (v[i] && json_object_array_add(a, json_object_new_string(v[i])) < 0)
            return ctr__oom("the security options");
    return 0;
}

/* The set podman 4.3's inspect compares the capabilities with (its older default). */
static const char *const inspect_base_caps[] = {
    "CAP_AUDIT_WRITE", "CAP_CHOWN",  "CAP_DAC_OVERRIDE", "CAP_FOWNER",         "CAP_FSETID",
    "CAP_KILL",        "CAP_MKNOD",  "CAP_NET_BIND_SERVICE", "CAP_NET_RAW",    "CAP_SETFCAP",
    "CAP_SETGID",      "CAP_SETPCAP", "CAP_SETUID",      "CAP_SYS_CHROOT",     NULL,
};

/* CapAdd and CapDrop as podman 4.3 shows them: the set against its base, both ways. */
static int inspect_caps(const struct ctr__security *sec, uint64_t flags, json_object *host_config)
{
    _cleanup_strv_ char **caps = NULL;
    int r = ctr__security_caps(sec, false, &caps, NULL);
    if (r < 0)
        return r;
    json_object *add = json_object_new_array(), *drop = json_object_new_array();
    if ((r = ctr__json_set(host_config, "CapAdd", add)) < 0 || (r = ctr__json_set(host_config, "CapDrop", drop)) < 0)
        return r;
    if (flags & CTR_CREATE_PRIVILEGED)
        return 0;
    for (char **c = caps; *c; c++)
        if (!ctr__strv_contains(inspect_base_caps, *c) && json_object_array_add(add, json_object_new_string(*c)) < 0)
            return ctr__oom("the inspect document");
    for (size_t i = 0; inspect_base_caps[i]; i++)
        if (!ctr__strv_contains((const char *const *)caps, inspect_base_caps[i]) &&
            json_object_array_add(drop, json_object_new_string(inspect_base_caps[i])) < 0)
            return ctr__oom("the inspect document");
    return 0;
}

int ctr__security_inspect(const struct ctr__security *sec, uint64_t flags, json_object *host_config)
{
    json_object *sysctls = json_object_new_object(), *opts = json_object_new_array();
    int r;
    if ((r = ctr__json_set(host_config, "Sysctls", sysctls)) < 0 ||
        (r = ctr__json_set(host_config, "SecurityOpt", opts)) < 0 || (r = security_opts(sec, flags, opts)) < 0 ||
        (r = inspect_caps(sec, flags, host_config)) < 0)
        return r;
    if (ctr__json_add_strv(host_config, "GroupAdd", sec->group_add) < 0)
        return ctr__oom("the inspect document");
    for (char **kv = sec->sysctls; kv && *kv; kv++) {
        const char *eq = strchr(*kv, '=');
        _cleanup_free_ char *key = eq ? strndup(*kv, (size_t)(eq - *kv)) : NULL;
        if (eq && (!key || ctr__json_add_str(sysctls, key, eq + 1) < 0))
            return ctr__oom("the inspect document");
    }
    return 0;
}
