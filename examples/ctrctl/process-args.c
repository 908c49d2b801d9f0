/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* ctrctl: the process options of create and run (--entrypoint, --env-file,
 * --init, --init-path, --umask, --tz, --annotation, --domainname, --restart,
 * --health-*, --no-healthcheck), with podman's syntax and messages. */
#include "ctrctl.h"

#include <ctype.h>
#include <errno.h>
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

const char process_args_usage[] =
    "      --entrypoint CMD        the program to run: a string or a JSON array (\"\" clears the image's)\n"
    "      --env-file FILE         read KEY=VALUE lines (KEY alone: ctrctl's value) before -e (repeatable)\n"
    "      --init                  run an init (catatonit) as PID 1 that reaps and forwards signals\n"
    "      --init-path PATH        the init program (default /usr/bin/catatonit)\n"
    "      --umask MASK            the process's umask in octal (default 0022)\n"
    "      --tz ZONE               time zone: local or a name such as Europe/Paris\n"
    "      --annotation KEY=VALUE  add an OCI annotation (repeatable)\n"
    "      --domainname NAME       NIS domain name in the container\n"
    "      --restart POLICY        no, always, on-failure[:MAX], unless-stopped (stored only)\n"
    "      --health-cmd CMD        healthcheck command, a string or a JSON array\n"
    "      --health-interval TIME  between checks (default 30s)\n"
    "      --health-timeout TIME   the longest a check may take (default 30s)\n"
    "      --health-start-period TIME  failures in this time after the start do not count\n"
    "      --health-retries N      failures in a row before unhealthy (default 3)\n"
    "      --health-on-failure ACTION  none, kill, restart or stop, once unhealthy (default none)\n"
    "      --no-healthcheck        no healthcheck, not even the image's\n";

/* A JSON array of strings into @out; false when @s is not one. */
static bool json_strings(const char *s, strv_t *out)
{
    json_object *a = json_tokener_parse(s);
    bool ok = a && json_object_is_type(a, json_type_array);
    for (size_t i = 0; ok && i < json_object_array_length(a); i++)
        ok = json_object_is_type(json_object_array_get_idx(a, i), json_type_string);
    for (size_t i = 0; ok && i < json_object_array_length(a); i++)
        if (strv_push(out, json_object_get_string(json_object_array_get_idx(a, i))) < 0)
            ok = false;
    json_object_put(a);
    return ok;
}

int parse_duration(const char *what, const char *s, int64_t *ret)
{
    static const struct {
        const char *unit;
        double ns;
    } units[] = { { "ns", 1 }, { "us", 1e3 }, { "µs", 1e3 }, { "ms", 1e6 }, { "s", 1e9 }, { "m", 60e9 }, { "h", 3600e9 } };
    const char *p = s;
    double total = 0;
    if (strcmp(s, "0") == 0) {
        *ret = 0;
        return 0;
    }
    while (*p) {
        char *end;
        errno = 0;
        double v = strtod(p, &end);
        if (end == p || errno || v < 0 || *p == '+' || *p == '-')
            return ctrctl_error("invalid %s: time: invalid duration \"%s\"", what, s);
        size_t best = 0, idx = 0;
        for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
            size_t n = strlen(units[i].unit);
            if (strncmp(end, units[i].unit, n) == 0 && n > best)
                best = n, idx = i;
        }
        if (!best && !*end)
            return ctrctl_error("invalid %s: time: missing unit in duration \"%s\"", what, s);
        if (!best)
            return ctrctl_error("invalid %s: time: unknown unit \"%.*s\" in duration \"%s\"", what,
                                (int)strcspn(end, "0123456789."), end, s);
        total += v * units[idx].ns;
        p = end + best;
    }
    if (total > 9.2e18)
        return ctrctl_error("invalid %s: time: invalid duration \"%s\"", what, s);
    *ret = (int64_t)total;
    return 0;
}

/* --restart no|always|on-failure[:N]|unless-stopped. */
static int parse_restart(process_args_t *p, ctr_container_options_t *o, const char *arg)
{
    const char *colon = strchr(arg, ':');
    char *policy = p->restart;
    size_t n = colon ? (size_t)(colon - arg) : strlen(arg);
    if (n >= sizeof p->restart)
        return ctrctl_error("\"%s\" is not a valid restart policy: invalid argument", arg);
    memcpy(policy, arg, n);
    policy[n] = '\0';
    o->restart_policy = policy;
    o->restart_retries = 0;
    if (!colon)
        return 0;
    char *end;
    errno = 0;
    long v = strtol(colon + 1, &end, 10);
    if (!colon[1] || *end || errno || v > (long)UINT32_MAX)
        return ctrctl_error("parsing restart policy retry count: strconv.Atoi: parsing \"%s\": invalid syntax",
                            colon + 1);
    if (strcmp(policy, "on-failure") != 0)
        return ctrctl_error("restart policy retries can only be specified with on-failure restart policy");
    if (v <= 0)
        return ctrctl_error("must specify restart policy retry count as a number greater than 0");
    o->restart_retries = (unsigned int)v;
    return 0;
}

/* podman's env file: KEY=VALUE lines, KEY alone takes ctrctl's value, '#' comments, blank lines. */
static int read_env_file(process_args_t *p, const char *path)
{
    FILE *f = fopen(path, "re");
    if (!f)
        return ctrctl_error("open %s: %s", path, strerror(errno));
    char *line = NULL;
    size_t cap = 0;
    int r = 0;
    while (r == 0 && getline(&line, &cap, f) >= 0) {
        line[strcspn(line, "\r\n")] = '\0';
        char *l = line;
        while (isspace((unsigned char)*l))
            l++;
        if (!*l || *l == '#')
            continue;
        size_t klen = strcspn(l, "=");
        for (size_t i = 0; i < klen && r == 0; i++)
            if (isspace((unsigned char)l[i]))
                r = ctrctl_error("variable '%.*s' contains whitespaces", (int)klen, l);
        if (r)
            break;
        if (l[klen] == '=') {
            r = klen == 0 ? ctrctl_error("invalid variable: \"%s\"", l) : strv_push(&p->env_file_env, l) < 0 ? EXIT_ENGINE : 0;
            continue;
        }
        const char *v = getenv(l);
        char *kv = NULL;
        if (v && asprintf(&kv, "%s=%s", l, v) < 0)
            r = ctrctl_error("out of memory");
        else if (v)
            r = strv_push(&p->env_file_env, kv) < 0 ? EXIT_ENGINE : 0;
        free(kv);
    }
    free(line);
    fclose(f);
    return r;
}

static int parse_health(process_args_t *p, int opt, const char *arg)
{
    char *end;
    switch (opt) {
    case OPT_PROC_HEALTH_CMD: p->health_arg = arg; return 0;
    case OPT_PROC_HEALTH_INTERVAL:
        if (strcmp(arg, "disable") == 0) {
            p->health_interval = 0;
            return 0;
        }
        return parse_duration("healthcheck-interval", arg, &p->health_interval);
    case OPT_PROC_HEALTH_TIMEOUT: return parse_duration("healthcheck-timeout", arg, &p->health_timeout);
    case OPT_PROC_HEALTH_START_PERIOD: return parse_duration("healthcheck-start-period", arg, &p->health_start_period);
    case OPT_PROC_HEALTH_RETRIES:
        errno = 0;
        p->health_retries = strtol(arg, &end, 10);
        if (!*arg || *end || errno || p->health_retries < 0 || p->health_retries > (long)UINT32_MAX)
            return ctrctl_error("invalid argument \"%s\" for \"--health-retries\" flag: strconv.ParseUint: parsing "
                                "\"%s\": invalid syntax", arg, arg);
        if (p->health_retries < 1)
            return ctrctl_error("healthcheck-retries must be greater than 0");
        return 0;
    case OPT_PROC_NO_HEALTHCHECK: p->no_healthcheck = true; return 0;
    default: return 1;
    }
}

int process_args_option(process_args_t *p, ctr_container_options_t *o, int opt, const char *arg)
{
    switch (opt) {
    case OPT_PROC_ENTRYPOINT:
        strv_clear(&p->entrypoint);
        p->entrypoint_set = true;
        if (json_strings(arg, &p->entrypoint))
            return 0;
        strv_clear(&p->entrypoint);
        return strv_push(&p->entrypoint, arg) < 0 ? EXIT_ENGINE : 0;
    case OPT_PROC_ENV_FILE: return read_env_file(p, arg);
    case OPT_PROC_INIT: o->flags |= CTR_CREATE_INIT; return 0;
    case OPT_PROC_INIT_PATH: o->init_path = arg; return 0;
    case OPT_PROC_UMASK: o->umask = arg; return 0;
    case OPT_PROC_TZ: o->timezone = arg; return 0;
    case OPT_PROC_ANNOTATION:
        if (!strchr(arg, '=') || arg[0] == '=')
            return ctrctl_error("annotations must be formatted KEY=VALUE");
        return strv_push(&p->annotations, arg) < 0 ? EXIT_ENGINE : 0;
    case OPT_PROC_DOMAINNAME: o->domainname = arg; return 0;
    case OPT_PROC_RESTART: return parse_restart(p, o, arg);
    case OPT_PROC_HEALTH_ON_FAILURE: o->health_on_failure = arg; return 0;
    default: return parse_health(p, opt, arg);
    }
}

/* --health-cmd: "none", a JSON array (CMD, CMD-SHELL or NONE first; else CMD is added), or a shell command. */
static int apply_health(process_args_t *p, ctr_container_options_t *o)
{
    if (p->no_healthcheck && p->health_arg)
        return ctrctl_error("cannot specify both --no-healthcheck and --health-cmd");
    if (p->no_healthcheck || (p->health_arg && strcasecmp(p->health_arg, "none") == 0)) {
        if (strv_push(&p->health_cmd, "NONE") < 0)
            return EXIT_ENGINE;
    } else if (p->health_arg) {
        if (!*p->health_arg)
            return ctrctl_error("must define a healthcheck command for all healthcheck types");
        strv_t tmp = { 0 };
        if (p->health_arg[0] == '[' && json_strings(p->health_arg, &tmp) && tmp.n > 0) {
            bool kw = !strcmp(tmp.v[0], "CMD") || !strcmp(tmp.v[0], "CMD-SHELL") || !strcmp(tmp.v[0], "NONE");
            int r = kw ? 0 : strv_push(&p->health_cmd, "CMD");
            for (size_t i = 0; r == 0 && i < tmp.n; i++)
                r = strv_push(&p->health_cmd, tmp.v[i]);
            strv_clear(&tmp);
            if (r < 0)
                return EXIT_ENGINE;
        } else {
            strv_clear(&tmp);
            if (strv_push(&p->health_cmd, "CMD-SHELL") < 0 || strv_push(&p->health_cmd, p->health_arg) < 0)
                return EXIT_ENGINE;
        }
        o->health_interval = p->health_interval;
        o->health_timeout = p->health_timeout;
        o->health_start_period = p->health_start_period;
        o->health_retries = (unsigned int)p->health_retries;
    }
    if (p->health_cmd.n)
        o->health_cmd = (const char *const *)p->health_cmd.v;
    return 0;
}

int process_args_apply(process_args_t *p, ctr_container_options_t *o)
{
    if (p->entrypoint_set) {
        static const char *const empty[] = { NULL };
        o->entrypoint = p->entrypoint.n ? (const char *const *)p->entrypoint.v : empty;
    }
    if (p->annotations.n)
        o->annotations = (const char *const *)p->annotations.v;
    if (p->env_file_env.n) {
        /* The files' variables first, so that -e wins. */
        for (size_t i = 0; o->env && o->env[i]; i++)
            if (strv_push(&p->env_file_env, o->env[i]) < 0)
                return EXIT_ENGINE;
        o->env = (const char *const *)p->env_file_env.v;
    }
    return apply_health(p, o);
}

void process_args_clear(process_args_t *p)
{
    strv_clear(&p->entrypoint);
    strv_clear(&p->env_file_env);
    strv_clear(&p->annotations);
    strv_clear(&p->health_cmd);
    strv_clear(&p->strings);
}
