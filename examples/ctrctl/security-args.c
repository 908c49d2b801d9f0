/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* ctrctl: the security options of create and run (--cap-add, --cap-drop,
 * --security-opt, --group-add, --sysctl, --read-only-tmpfs), with podman's
 * syntax and messages. */
#include "ctrctl.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

const char security_args_usage[] =
    "      --cap-add CAP           add a capability (NET_ADMIN, CAP_NET_ADMIN or ALL; repeatable)\n"
    "      --cap-drop CAP          drop a capability (or ALL; repeatable)\n"
    "      --security-opt OPT      no-new-privileges, seccomp=FILE|unconfined, apparmor=NAME|unconfined,\n"
    "                              mask=PATH[:PATH...], unmask=ALL|PATH[:PATH...], label=... (repeatable)\n"
    "      --group-add GROUP       add a supplementary group, a name or a number (repeatable)\n"
    "      --sysctl KEY=VALUE      set a namespaced kernel parameter (repeatable)\n"
    "      --read-only-tmpfs[=BOOL] with --read-only, tmpfs on /run, /tmp and /var/tmp (default true)\n";

/* "a,b,c" as podman's string-slice flags take it. */
static int push_split(strv_t *s, const char *arg, const char *sep)
{
    char *copy = strdup(arg), *save = NULL;
    if (!copy)
        return ctrctl_error("out of memory");
    int r = 0;
    for (char *t = strtok_r(copy, sep, &save); t && r == 0; t = strtok_r(NULL, sep, &save))
        r = strv_push(s, t) < 0 ? EXIT_ENGINE : 0;
    free(copy);
    return r;
}

static int parse_bool(const char *what, const char *s, bool *ret)
{
    if (!s || strcasecmp(s, "true") == 0 || strcmp(s, "1") == 0 || strcasecmp(s, "t") == 0) {
        *ret = true;
        return 0;
    }
    if (strcasecmp(s, "false") == 0 || strcmp(s, "0") == 0 || strcasecmp(s, "f") == 0) {
        *ret = false;
        return 0;
    }
    return ctrctl_error("invalid argument \"%s\" for \"%s\" flag: strconv.ParseBool: parsing \"%s\": invalid syntax",
                        s, what, s);
}

/* label=...: accepted, nothing to do without SELinux (as podman). */
static int parse_label(const char *opt, const char *v)
{
    static const char *const keys[] = { "user:", "role:", "type:", "level:", "filetype:", NULL };
    if (strcmp(v, "disable") == 0 || strcmp(v, "nested") == 0)
        return 0;
    for (size_t i = 0; keys[i]; i++)
        if (strncmp(v, keys[i], strlen(keys[i])) == 0)
            return 0;
    return ctrctl_error("invalid --security-opt 2: \"%s\"", opt);
}

/* One --security-opt, podman's syntax: KEY=VALUE, or no-new-privileges. */
static int parse_security_opt(security_args_t *s, ctr_container_options_t *o, const char *opt)
{
    bool nnp;
    if (strcmp(opt, "no-new-privileges") == 0 || strncmp(opt, "no-new-privileges=", 18) == 0 ||
        strncmp(opt, "no-new-privileges:", 18) == 0) {
        if (parse_bool("no-new-privileges", opt[17] ? opt + 18 : NULL, &nnp))
            return EXIT_ENGINE;
        o->flags = nnp ? o->flags | CTR_CREATE_NO_NEW_PRIVS : o->flags & ~(uint64_t)CTR_CREATE_NO_NEW_PRIVS;
        return 0;
    }
    const char *eq = strchr(opt, '=');
    if (!eq)
        return ctrctl_error("invalid --security-opt 1: \"%s\"", opt);
    size_t k = (size_t)(eq - opt);
    const char *v = eq + 1;
    if (k == 7 && strncmp(opt, "seccomp", k) == 0) {
        if (!*v)
            return ctrctl_error("invalid --security-opt 2: \"%s\"", opt);
        s->seccomp = v;
        return 0;
    }
    if (k == 8 && strncmp(opt, "apparmor", k) == 0) {
        s->apparmor = v;
        return 0;
    }
    if (k == 5 && strncmp(opt, "label", k) == 0)
        return parse_label(opt, v);
    if (k == 4 && strncmp(opt, "mask", k) == 0)
        return push_split(&s->mask, v, ":");
    if (k == 6 && strncmp(opt, "unmask", k) == 0)
        return push_split(&s->unmask, v, ":");
    if (k == 11 && strncmp(opt, "systempaths", k) == 0 && strcmp(v, "unconfined") == 0)
        return strv_push(&s->unmask, "ALL") < 0 ? EXIT_ENGINE : 0;
    return ctrctl_error("invalid --security-opt 2: \"%s\"", opt);
}

int security_args_option(security_args_t *s, ctr_container_options_t *o, int opt, const char *arg)
{
    bool b;
    switch (opt) {
    case OPT_SEC_CAP_ADD: return push_split(&s->cap_add, arg, ",");
    case OPT_SEC_CAP_DROP: return push_split(&s->cap_drop, arg, ",");
    case OPT_SEC_SECURITY_OPT: return parse_security_opt(s, o, arg);
    case OPT_SEC_GROUP_ADD: return push_split(&s->group_add, arg, ",");
    case OPT_SEC_SYSCTL: return push_split(&s->sysctls, arg, ",");
    case OPT_SEC_READ_ONLY_TMPFS:
        if (parse_bool("read-only-tmpfs", arg, &b))
            return EXIT_ENGINE;
        o->flags = b ? o->flags & ~(uint64_t)CTR_CREATE_NO_READ_ONLY_TMPFS : o->flags | CTR_CREATE_NO_READ_ONLY_TMPFS;
        return 0;
    default: return 1;
    }
}

int security_args_apply(security_args_t *s, ctr_container_options_t *o)
{
    /* seccomp=FILE relative to the working directory, as podman reads it */
    if (s->seccomp && s->seccomp[0] != '/' && strcmp(s->seccomp, "unconfined") != 0) {
        char cwd[4096], *abs = NULL;
        if (!getcwd(cwd, sizeof cwd) || asprintf(&abs, "%s/%s", cwd, s->seccomp) < 0)
            return ctrctl_error("seccomp profile %s: cannot make the path absolute", s->seccomp);
        int r = strv_push(&s->strings, abs);
        free(abs);
        if (r < 0)
            return EXIT_ENGINE;
        s->seccomp = s->strings.v[s->strings.n - 1];
    }
    o->cap_add = (const char *const *)s->cap_add.v;
    o->cap_drop = (const char *const *)s->cap_drop.v;
    o->mask_paths = (const char *const *)s->mask.v;
    o->unmask_paths = (const char *const *)s->unmask.v;
    o->group_add = (const char *const *)s->group_add.v;
    o->sysctls = (const char *const *)s->sysctls.v;
    o->seccomp_profile = s->seccomp;
    o->apparmor_profile = s->apparmor;
    return 0;
}

void security_args_clear(security_args_t *s)
{
    strv_clear(&s->cap_add);
    strv_clear(&s->cap_drop);
    strv_clear(&s->mask);
    strv_clear(&s->unmask);
    strv_clear(&s->group_add);
    strv_clear(&s->sysctls);
    strv_clear(&s->strings);
}
