/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A container's process settings (process.h): entrypoint and the image's
 * entrypoint/cmd rules, init, umask, time zone, annotations, domain name,
 * restart policy and healthcheck, with podman's checks, messages and
 * inspect keys. */
#include "data/process.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/arena.h"
#include "base/error.h"
#include "base/json-util.h"
#include "base/util.h"

#define SECOND 1000000000LL
#define HEALTH_INTERVAL_DEFAULT (30 * SECOND)
#define HEALTH_TIMEOUT_DEFAULT (30 * SECOND)
#define HEALTH_RETRIES_DEFAULT 3
#define ZONEINFO "/usr/share/zoneinfo/"

static bool has_ctl(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7f)
            return true;
    return false;
}

/* ---- checks ---- */

/* 1 to 4 octal digits, at most 0777. */
static int parse_umask(const char *s, unsigned int *ret)
{
    size_t n = strspn(s, "01234567");
    if (n == 0 || n > 4 || s[n])
        return -EINVAL;
    unsigned int v = (unsigned int)strtoul(s, NULL, 8);
    if (v > 0777)
        return -EINVAL;
    *ret = v;
    return 0;
}

static int check_timezone(const char *tz)
{
    if (streq(tz, "local"))
        return 0;
    if (!*tz || tz[0] == '/' || has_ctl(tz) || strstr(tz, ".."))
        return ctr__err(-EINVAL, "invalid time zone \"%s\": a name under " ZONEINFO " or \"local\"", tz);
    char path[4096];
    if (snprintf(path, sizeof path, ZONEINFO "%s", tz) >= (int)sizeof path)
        return ctr__err(-EINVAL, "time zone name \"%.64s...\" is too long", tz);
    struct stat st;
    if (stat(path, &st) < 0)
        return ctr__err(-errno, "unknown time zone \"%s\": stat %s: %m", tz, path);
    if (!S_ISREG(st.st_mode))
        return ctr__err(-EINVAL, "unknown time zone \"%s\": %s is not a file", tz, path);
    return 0;
}

static int check_restart(const ctr_container_options_t *o)
{
    static const char *const names[] = { "no", "always", "on-failure", "unless-stopped", NULL };
    const char *p = o->restart_policy;
    if (p && !ctr__strv_contains(names, p))
        return ctr__err(-EINVAL, "\"%s\" is not a valid restart policy", p);
    if ((o->flags & CTR_CREATE_AUTO_REMOVE) && p && !streq(p, "no"))
        return ctr__err(-EINVAL, "the --rm option conflicts with --restart, when the restartPolicy is not \"\" "
                                 "and \"no\"");
    if (o->restart_retries > 0 && (!p || !streq(p, "on-failure")))
        return ctr__err(-EINVAL, "restart policy retries can only be specified with on-failure restart policy");
    return 0;
}

static int check_health(const ctr_container_options_t *o)
{
    const char *const *t = o->health_cmd;
    if (t) {
        if (!t[0] || (!streq(t[0], "NONE") && !streq(t[0], "CMD") && !streq(t[0], "CMD-SHELL")))
            return ctr__err(-EINVAL, "healthcheck test must start with NONE, CMD or CMD-SHELL");
        if (streq(t[0], "NONE") && t[1])
            return ctr__err(-EINVAL, "healthcheck test NONE takes no arguments");
        if (!streq(t[0], "NONE") && (!t[1] || (streq(t[0], "CMD-SHELL") && t[2])))
            return ctr__err(-EINVAL, "healthcheck test %s needs %s", t[0],
                            streq(t[0], "CMD") ? "a command" : "exactly one command string");
    }
    const char *a = o->health_on_failure;
    if (a && !streq(a, "none") && !streq(a, "kill") && !streq(a, "restart") && !streq(a, "stop"))
        return ctr__err(-EINVAL, "invalid on-failure action \"%s\" for health check: supported actions are none,kill,restart,stop", a);
    if (o->health_interval < 0 || o->health_timeout < 0 || o->health_start_period < 0)
        return ctr__err(-EINVAL, "healthcheck times must not be negative");
    if (o->health_interval > 0 && o->health_interval < SECOND)
        return ctr__err(-EINVAL, "healthcheck-interval must be at least 1 second");
    if (o->health_timeout > 0 && o->health_timeout < SECOND)
        return ctr__err(-EINVAL, "healthcheck-timeout must be at least 1 second");
    return 0;
}

bool ctr__process_has_healthcheck(const struct ctr__process *p)
{
    return p->health_cmd && p->health_cmd[0] && !streq(p->health_cmd[0], "NONE");
}

int ctr__process_check(const ctr_container_options_t *o)
{
    unsigned int m;
    int r;
    if (o->umask && parse_umask(o->umask, &m) < 0)
        return ctr__err(-EINVAL, "invalid umask string %s", o->umask);
    if (o->init_path && (o->init_path[0] != '/' || has_ctl(o->init_path)))
        return ctr__err(-EINVAL, "init path \"%s\" is not an absolute path", o->init_path);
    if ((o->flags & CTR_CREATE_INIT) && access(o->init_path ? o->init_path : CTR__INIT_PATH_DEFAULT, X_OK) < 0)
        return ctr__err(-errno, "container-init binary not found on the host: %s: %m",
                        o->init_path ? o->init_path : CTR__INIT_PATH_DEFAULT);
    if (o->timezone && (r = check_timezone(o->timezone)) < 0)
        return r;
    for (size_t i = 0; o->annotations && o->annotations[i]; i++)
        if (!strchr(o->annotations[i], '=') || o->annotations[i][0] == '=')
            return ctr__err(-EINVAL, "annotations must be formatted KEY=VALUE");
    if (o->domainname && (strlen(o->domainname) > 64 || has_ctl(o->domainname) || strchr(o->domainname, '/')))
        return ctr__err(-EINVAL, "invalid domain name \"%.80s\"", o->domainname);
    if (o->entrypoint && o->entrypoint[0] && o->entrypoint[1] && !*o->entrypoint[0])
        return ctr__err(-EINVAL, "the entrypoint's program is empty");
    if ((r = check_restart(o)) < 0)
        return r;
    return check_health(o);
}

/* ---- copy ---- */

static int dup_str(const char *s, char **ret)
{
    if (!s)
        return 0;
    return (*ret = strdup(s)) ? 0 : ctr__oom("the process settings");
}

int ctr__process_copy(const ctr_container_options_t *o, struct ctr__process *p)
{
    memset(p, 0, sizeof *p);
    int r;
    if (o->entrypoint) {
        if (!(p->entrypoint = ctr__strv_copy(o->entrypoint)))
            return ctr__oom("the entrypoint");
        p->entrypoint_given = true;
    }
    if (o->health_cmd && !(p->health_cmd = ctr__strv_copy(o->health_cmd)))
        return ctr__oom("the healthcheck");
    if (!(p->annotations = ctr__strv_copy(o->annotations)))
        return ctr__oom("the annotations");
    if ((r = dup_str(o->init_path, &p->init_path)) < 0 || (r = dup_str(o->timezone, &p->timezone)) < 0 ||
        (r = dup_str(o->domainname, &p->domainname)) < 0 || (r = dup_str(o->restart_policy, &p->restart_policy)) < 0)
        return r;
    if (o->health_on_failure && !streq(o->health_on_failure, "none") &&
        (r = dup_str(o->health_on_failure, &p->health_on_failure)) < 0)
        return r;
    unsigned int m;
    if (o->umask && parse_umask(o->umask, &m) == 0 && !(p->umask = ctr__asprintf("%04o", m)))
        return ctr__oom("the umask");
    p->restart_retries = o->restart_retries;
    bool health = p->health_cmd && !streq(p->health_cmd[0], "NONE");
    p->health_interval = o->health_interval ? o->health_interval : health ? HEALTH_INTERVAL_DEFAULT : 0;
    p->health_timeout = o->health_timeout ? o->health_timeout : health ? HEALTH_TIMEOUT_DEFAULT : 0;
    p->health_start_period = o->health_start_period;
    p->health_retries = o->health_retries ? o->health_retries : health ? HEALTH_RETRIES_DEFAULT : 0;
    return 0;
}

void ctr__process_clear(struct ctr__process *p)
{
    ctr__strv_free(p->entrypoint);
    free(p->init_path);
    free(p->umask);
    free(p->timezone);
    ctr__strv_free(p->annotations);
    free(p->domainname);
    free(p->restart_policy);
    ctr__strv_free(p->health_cmd);
    free(p->health_on_failure);
    memset(p, 0, sizeof *p);
}

/* ---- the config document ---- */

int ctr__process_export(const struct ctr__process *p, struct ctr__arena *a, ctr_container_options_t *o)
{
    int oom = 0;
    /* The image's entrypoint is the image's again; a given one, even empty. */
    o->entrypoint = p->entrypoint_given ? ctr__arena_strv(a, p->entrypoint, &oom) : NULL;
    o->init_path = ctr__arena_strdup(a, p->init_path);
    o->umask = ctr__arena_strdup(a, p->umask);
    o->timezone = ctr__arena_strdup(a, p->timezone);
    o->annotations = ctr__arena_strv_set(a, p->annotations, &oom);
    o->domainname = ctr__arena_strdup(a, p->domainname);
    o->restart_policy = ctr__arena_strdup(a, p->restart_policy);
    o->restart_retries = p->restart_retries;
    o->health_cmd = ctr__arena_strv(a, p->health_cmd, &oom);
    o->health_interval = p->health_interval;
    o->health_timeout = p->health_timeout;
    o->health_start_period = p->health_start_period;
    o->health_retries = p->health_retries;
    o->health_on_failure = ctr__arena_strdup(a, p->health_on_failure);
    const char *strs[][2] = { { p->init_path, o->init_path },   { p->umask, o->umask },
                              { p->timezone, o->timezone },     { p->domainname, o->domainname },
                              { p->restart_policy, o->restart_policy },
                              { p->health_on_failure, o->health_on_failure } };
    for (size_t i = 0; i < ARRAY_SIZE(strs); i++)
        oom |= strs[i][0] && !strs[i][1];
    if (oom || (p->entrypoint_given && p->entrypoint && !o->entrypoint))
        return ctr__oom("the exported process settings");
    return 0;
}

int ctr__process_to_json(const struct ctr__process *p, json_object *doc)
{
    json_object *o = json_object_new_object();
    int r = ctr__json_set(doc, "process", o);
    if (r < 0)
        return r;
    if ((p->entrypoint && ctr__json_add_strv(o, "entrypoint", p->entrypoint) < 0) ||
        (p->entrypoint_given && ctr__json_add_bool(o, "entrypointGiven", true) < 0) ||
        (p->health_cmd && ctr__json_add_strv(o, "healthCmd", p->health_cmd) < 0) ||
        (p->annotations && p->annotations[0] && ctr__json_add_strv(o, "annotations", p->annotations) < 0) ||
        ctr__json_add_str(o, "initPath", p->init_path) < 0 || ctr__json_add_str(o, "umask", p->umask) < 0 ||
        ctr__json_add_str(o, "timezone", p->timezone) < 0 || ctr__json_add_str(o, "domainname", p->domainname) < 0 ||
        ctr__json_add_str(o, "restartPolicy", p->restart_policy) < 0 ||
        ctr__json_add_str(o, "healthOnFailure", p->health_on_failure) < 0)
        return ctr__oom("the process settings");
    const struct {
        const char *key;
        int64_t v;
    } nums[] = { { "restartRetries", p->restart_retries },   { "healthInterval", p->health_interval },
                 { "healthTimeout", p->health_timeout },     { "healthStartPeriod", p->health_start_period },
                 { "healthRetries", p->health_retries } };
    for (size_t i = 0; i < ARRAY_SIZE(nums); i++)
        if (nums[i].v && ctr__json_add_int(o, nums[i].key, nums[i].v) < 0)
            return ctr__oom("the process settings");
    return 0;
}

static int numbers_from_json(json_object *o, struct ctr__process *p)
{
    int64_t v[5] = { 0 };
    const char *keys[] = { "restartRetries", "healthInterval", "healthTimeout", "healthStartPeriod", "healthRetries" };
    for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
        int r = ctr__json_get_int(o, keys[i], &v[i]);
        if (r < 0)
            return r;
        if (v[i] < 0 || ((i == 0 || i == 4) && v[i] > UINT32_MAX))
            return ctr__err(-EINVAL, "\"%s\" is out of range", keys[i]);
    }
    p->restart_retries = (unsigned int)v[0];
    p->health_interval = v[1];
    p->health_timeout = v[2];
    p->health_start_period = v[3];
    p->health_retries = (unsigned int)v[4];
    return 0;
}

int ctr__process_from_json(json_object *doc, struct ctr__process *p)
{
    memset(p, 0, sizeof *p);
    json_object *o = NULL;
    int r;
    if (json_object_object_get_ex(doc, "process", &o) && !json_object_is_type(o, json_type_object))
        return ctr__err(-EINVAL, "\"process\" is not an object");
    if (o && ((r = ctr__json_get_strv(o, "entrypoint", &p->entrypoint)) < 0 ||
              (r = ctr__json_get_bool(o, "entrypointGiven", &p->entrypoint_given)) < 0 ||
              (r = ctr__json_get_strv(o, "healthCmd", &p->health_cmd)) < 0 ||
              (r = ctr__json_get_strv(o, "annotations", &p->annotations)) < 0 ||
              (r = ctr__json_get_str(o, "initPath", &p->init_path)) < 0 ||
              (r = ctr__json_get_str(o, "umask", &p->umask)) < 0 ||
              (r = ctr__json_get_str(o, "timezone", &p->timezone)) < 0 ||
              (r = ctr__json_get_str(o, "domainname", &p->domainname)) < 0 ||
              (r = ctr__json_get_str(o, "restartPolicy", &p->restart_policy)) < 0 ||
              (r = ctr__json_get_str(o, "healthOnFailure", &p->health_on_failure)) < 0 || (r = numbers_from_json(o, p)) < 0))
        return r;
    const char *a = p->health_on_failure;
    if (a && !streq(a, "kill") && !streq(a, "restart") && !streq(a, "stop"))
        return ctr__err(-EINVAL, "bad \"healthOnFailure\" \"%s\"", a);
    unsigned int m;
    if (p->umask && parse_umask(p->umask, &m) < 0)
        return ctr__err(-EINVAL, "bad \"umask\" \"%s\"", p->umask);
    if (p->health_cmd && !p->health_cmd[0])
        return ctr__err(-EINVAL, "\"healthCmd\" is empty");
    if (!p->annotations && !(p->annotations = ctr__strv_copy(NULL)))
        return ctr__oom("the annotations");
    return 0;
}

/* ---- the spec's parts ---- */

static bool entrypoint_empty(char *const *e)
{
    return !e || !e[0] || (!e[1] && !*e[0]);
}

int ctr__process_args(const struct ctr__process *p, char *const *command, bool init, char ***ret)
{
    _cleanup_strv_ char **v = ctr__strv_copy(NULL);
    if (!v)
        return ctr__oom("the process's arguments");
    if (init && (ctr__strv_push(&v, CTR__INIT_DEST) < 0 || ctr__strv_push(&v, "--") < 0))
        return ctr__oom("the process's arguments");
    size_t start = ctr__strv_len((const char *const *)v);
    for (size_t i = 0; !entrypoint_empty(p->entrypoint) && p->entrypoint[i]; i++)
        if (ctr__strv_push(&v, p->entrypoint[i]) < 0)
            return ctr__oom("the process's arguments");
    for (size_t i = 0; command && command[i]; i++)
        if (ctr__strv_push(&v, command[i]) < 0)
            return ctr__oom("the process's arguments");
    if (init && !v[start] && ctr__strv_push(&v, "/bin/sh") < 0)
        return ctr__oom("the process's arguments");
    *ret = TAKE_PTR(v);
    return 0;
}

unsigned int ctr__process_umask(const struct ctr__process *p)
{
    unsigned int m = 0022;
    if (p->umask)
        (void)parse_umask(p->umask, &m);
    return m;
}

const char *ctr__process_localtime(const struct ctr__process *p, char *buf, size_t size)
{
    if (!p->timezone)
        return NULL;
    if (streq(p->timezone, "local"))
        return "/etc/localtime";
    if (snprintf(buf, size, ZONEINFO "%s", p->timezone) >= (int)size)
        return NULL;
    return buf;
}

/* ---- the image's defaults ---- */

static int image_strv(json_object *c, const char *key, char ***ret)
{
    json_object *a;
    if (!c || !json_object_object_get_ex(c, key, &a) || !json_object_is_type(a, json_type_array))
        return 0;
    _cleanup_strv_ char **v = ctr__strv_copy(NULL);
    if (!v)
        return ctr__oom("the image's defaults");
    for (size_t i = 0; i < json_object_array_length(a); i++) {
        json_object *e = json_object_array_get_idx(a, i);
        if (json_object_is_type(e, json_type_string) && ctr__strv_push(&v, json_object_get_string(e)) < 0)
            return ctr__oom("the image's defaults");
    }
    ctr__strv_free(*ret);
    *ret = TAKE_PTR(v);
    return 0;
}

/* The image's Healthcheck (Docker's field names; times in nanoseconds). */
static int image_health(struct ctr__process *p, json_object *c)
{
    json_object *h;
    if (p->health_cmd || !c || !json_object_object_get_ex(c, "Healthcheck", &h) ||
        !json_object_is_type(h, json_type_object))
        return 0;
    _cleanup_strv_ char **test = NULL;
    int r = image_strv(h, "Test", &test);
    if (r < 0 || !test || !test[0])
        return r;
    if (!streq(test[0], "NONE") && !streq(test[0], "CMD") && !streq(test[0], "CMD-SHELL"))
        return 0; /* not a test podman would run: ignored */
    int64_t v[4] = { 0 };
    const char *keys[] = { "Interval", "Timeout", "StartPeriod", "Retries" };
    for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
        json_object *n;
        if (json_object_object_get_ex(h, keys[i], &n) && json_object_is_type(n, json_type_int))
            v[i] = json_object_get_int64(n) > 0 ? json_object_get_int64(n) : 0;
    }
    p->health_cmd = TAKE_PTR(test);
    p->health_interval = v[0];
    p->health_timeout = v[1];
    p->health_start_period = v[2];
    p->health_retries = v[3] > UINT32_MAX ? UINT32_MAX : (unsigned int)v[3];
    return 0;
}

int ctr__process_image_defaults(struct ctr__process *p, char ***command, json_object *c)
{
    int r;
    if (!p->entrypoint_given) {
        if ((r = image_strv(c, "Entrypoint", &p->entrypoint)) < 0)
            return r;
        if (!(*command)[0] && (r = image_strv(c, "Cmd", command)) < 0)
            return r;
    }
    if ((r = image_health(p, c)) < 0)
        return r;
    if (!entrypoint_empty(p->entrypoint) || (*command)[0])
        return 0;
    if (p->entrypoint_given)
        return ctr__err(-EINVAL, "no command or entrypoint provided, and no CMD or ENTRYPOINT from image");
    return ctr__strv_push(command, "/bin/sh") < 0 ? ctr__oom("the command") : 0;
}

/* ---- inspect ---- */

static int add_health(const struct ctr__process *p, json_object *config)
{
    if (!p->health_cmd)
        return 0;
    json_object *h = json_object_new_object();
    int r = ctr__json_set(config, "Healthcheck", h);
    if (r < 0)
        return r;
    if (ctr__json_add_strv(h, "Test", p->health_cmd) < 0 ||
        (p->health_start_period && ctr__json_add_int(h, "StartPeriod", p->health_start_period) < 0) ||
        (p->health_interval && ctr__json_add_int(h, "Interval", p->health_interval) < 0) ||
        (p->health_timeout && ctr__json_add_int(h, "Timeout", p->health_timeout) < 0) ||
        (p->health_retries && ctr__json_add_int(h, "Retries", p->health_retries) < 0))
        return ctr__oom("the inspect document");
    return 0;
}

/* podman 4.3's Entrypoint: the words joined by spaces, "" when none. */
static char *joined(char *const *v)
{
    size_t len = 1;
    for (size_t i = 0; v && v[i]; i++)
        len += strlen(v[i]) + 1;
    char *s = calloc(1, len);
    for (size_t i = 0; s && v && v[i]; i++) {
        if (i)
            strcat(s, " ");
        strcat(s, v[i]);
    }
    return s;
}

/* podman's own annotations (Config.Annotations and the spec's). */
int ctr__process_podman_annotations(uint64_t flags, json_object *ann)
{
    const struct {
        const char *key;
        bool on;
        bool lower;
    } a[] = {
        { "io.kubernetes.cri-o.TTY", flags & CTR_CREATE_TERMINAL, true },
        { "io.podman.annotations.autoremove", flags & CTR_CREATE_AUTO_REMOVE, false },
        { "io.podman.annotations.init", flags & CTR_CREATE_INIT, false },
        { "io.podman.annotations.privileged", flags & CTR_CREATE_PRIVILEGED, false },
        { "io.podman.annotations.publish-all", false, false },
    };
    for (size_t i = 0; i < ARRAY_SIZE(a); i++)
        if (!json_object_object_get_ex(ann, a[i].key, NULL) &&
            ctr__json_add_str(ann, a[i].key, a[i].lower ? (a[i].on ? "true" : "false") : (a[i].on ? "TRUE" : "FALSE")) < 0)
            return ctr__oom("the annotations");
    return 0;
}

int ctr__process_inspect(const struct ctr__process *p, uint64_t flags, json_object *config, json_object *host_config)
{
    _cleanup_free_ char *ep = joined(p->entrypoint);
    json_object *rp = json_object_new_object();
    int r;
    if (!ep)
        return ctr__oom("the inspect document");
    if ((r = ctr__json_set(host_config, "RestartPolicy", rp)) < 0)
        return r;
    if (ctr__json_add_str(rp, "Name", p->restart_policy ? p->restart_policy : "") < 0 ||
        ctr__json_add_int(rp, "MaximumRetryCount", p->restart_retries) < 0 ||
        ctr__json_add_str(config, "Entrypoint", ep) < 0 ||
        ctr__json_add_str(config, "Umask", p->umask ? p->umask : "0022") < 0 ||
        ctr__json_add_str(config, "Domainname", p->domainname ? p->domainname : "") < 0 ||
        ctr__json_add_str(config, "Timezone", p->timezone) < 0)
        return ctr__oom("the inspect document");
    json_object *ann;
    if (!json_object_object_get_ex(config, "Annotations", &ann) || !json_object_is_type(ann, json_type_object)) {
        ann = json_object_new_object();
        if ((r = ctr__json_set(config, "Annotations", ann)) < 0)
            return r;
    }
    for (char **kv = p->annotations; kv && *kv; kv++) {
        const char *eq = strchr(*kv, '=');
        _cleanup_free_ char *key = eq ? strndup(*kv, (size_t)(eq - *kv)) : NULL;
        if (eq && (!key || ctr__json_add_str(ann, key, eq + 1) < 0))
            return ctr__oom("the inspect document");
    }
    if ((r = ctr__process_podman_annotations(flags, ann)) < 0)
        return r;
    if ((flags & CTR_CREATE_INIT) && ctr__json_add_bool(host_config, "Init", true) < 0)
        return ctr__oom("the inspect document");
    return add_health(p, config);
}
