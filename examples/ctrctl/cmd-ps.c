/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* ctrctl ps: list containers as a table, IDs, JSON or a Go template, the
 * way podman's ps does (cmd/podman/containers/ps.go), with its --filter
 * (pkg/domain/filters/containers.go). */
#include "ctrctl.h"
#include "template.h"

#include <errno.h>
#include <fnmatch.h>
#include <getopt.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* What ps shows of one container. */
struct row {
    ctr_container_t *c;
    ctr_state_t state;
    int exit_code;
    pid_t pid;
    int64_t started, finished;
    const char *health; /* NULL: no healthcheck */
    char id[65], command[256], created[64], status[96];
};

static const char *source(ctr_container_t *c)
{
    const char *s = ctr_container_image_name(c);
    if (!s)
        s = ctr_container_rootfs(c);
    return s ? s : "";
}

static void join_command(ctr_container_t *c, bool trunc, char *buf, size_t size)
{
    size_t len = 0;
    buf[0] = '\0';
    for (const char *const *a = ctr_container_command(c); *a && len < size; a++)
        len += snprintf(buf + len, size - len, "%s%s", len ? " " : "", *a);
    if (trunc && strlen(buf) > 20)
        strcpy(buf + 17, "...");
}

static void status_text(const struct row *r, int64_t now, char *buf, size_t size)
{
    char d[48];
    switch (r->state) {
    case CTR_STATE_RUNNING:
        human_duration(now - r->started, d, sizeof d);
        /* as podman 4, with the health after it: "Up 5 seconds ago (healthy)" */
        snprintf(buf, size, "Up %s ago%s%s%s", d, r->health ? " (" : "", r->health ? r->health : "", r->health ? ")" : "");
        break;
    case CTR_STATE_EXITED:
        human_duration(now - r->finished, d, sizeof d);
        snprintf(buf, size, "Exited (%d) %s ago", r->exit_code, d);
        break;
    case CTR_STATE_UNKNOWN:
        /* A damaged record: the reason, as inspect's State.Error. */
        snprintf(buf, size, "Unknown: %s", ctr_container_damage(r->c) ? ctr_container_damage(r->c) : "?");
        break;
    default: {
        /* "Created", "Paused", "Configured", ... from the library's name. */
        const char *name = ctr_state_name(r->state);
        snprintf(buf, size, "%s", name);
        if (buf[0] >= 'a' && buf[0] <= 'z')
            buf[0] -= 'a' - 'A';
    }
    }
}

/* Read a container's state into r.  0; 1 when it was removed meanwhile; EXIT_ENGINE (printed). */
static int fill_row(struct row *r, ctr_container_t *c, bool trunc, int64_t now)
{
    r->c = c;
    int q = ctr_container_state(c, &r->state);
    if (q == 0)
        q = ctr_container_exit_code(c, &r->exit_code);
    if (q == 0)
        q = ctr_container_pid(c, &r->pid);
    if (q == 0)
        q = ctr_container_started_at(c, &r->started);
    if (q == 0)
        q = ctr_container_finished_at(c, &r->finished);
    ctr_health_status_t health = CTR_HEALTH_NONE;
    if (q == 0)
        q = ctr_container_health_status(c, &health);
    static const char *const health_names[] = { NULL, "starting", "healthy", "unhealthy" };
    r->health = health_names[health];
    if (q == -ENOENT)
        return 1;
    if (q < 0)
        return ctrctl_fail();
    snprintf(r->id, sizeof r->id, "%.*s", trunc ? 12 : 64, ctr_container_id(c));
    join_command(c, trunc, r->command, sizeof r->command);
    human_duration(now - ctr_container_created(c), r->created, sizeof r->created);
    strcat(r->created, " ago");
    status_text(r, now, r->status, sizeof r->status);
    return 0;
}

/* ---- --filter ---- */

enum filter_key { F_ANCESTOR, F_BEFORE, F_EXITED, F_ID, F_LABEL, F_NAME, F_SINCE, F_STATUS, F_COUNT };
static const char *const filter_names[F_COUNT] = {
    "ancestor", "before", "exited", "id", "label", "name", "since", "status",
};

struct filter {
    enum filter_key key;
    char *value;
    regex_t re; /* id, name */
    bool re_ok;
    int exit_code; /* exited */
};

struct filters {
    struct filter *v;
    size_t n;
    bool has[F_COUNT];
    int64_t before, since; /* creation times of the before= and since= containers */
    ctr_runtime_t *rt;     /* lent */
};

static void filters_clear(struct filters *f)
{
    for (size_t i = 0; i < f->n; i++) {
        if (f->v[i].re_ok)
            regfree(&f->v[i].re);
        free(f->v[i].value);
    }
    free(f->v);
    *f = (struct filters){ 0 };
}

/* podman's container states, and libctr's own names. */
static bool valid_status(const char *s)
{
    static const char *const names[] = { "configured", "created", "exited", "initialized", "paused", "removing",
                                          "running", "stopped", "stopping", "unknown" };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(s, names[i]) == 0)
            return true;
    return false;
}

/* exited=CODE, as podman's strconv.ParseInt(CODE, 10, 32) and its message. */
static int parse_exit_code(const char *s, int *ret)
{
    char *end;
    errno = 0;
    long long n = strtoll(s, &end, 10);
    bool syntax = !*s || *end || end == s || s[0] == ' ';
    if (!syntax && !errno && n >= INT32_MIN && n <= INT32_MAX) {
        *ret = (int)n;
        return 0;
    }
    return ctrctl_error("exited code out of range %s: strconv.ParseInt: parsing \"%s\": %s",
                        syntax ? "'\\x00'" : "'\xef\xbf\xbd'", s, syntax ? "invalid syntax" : "value out of range");
}

/* The creation time of the before= or since= container; podman keeps the earliest. */
static int reference_time(ctrctl_t *g, const char *name, bool has, int64_t *t)
{
    ctr_container_t *c = NULL;
    int r = ctrctl_lookup(g, name, &c);
    if (r)
        return r;
    if (!has || ctr_container_created(c) < *t)
        *t = ctr_container_created(c);
    ctr_container_unref(c);
    return 0;
}

/* Check and prepare one filter's value; 0 or EXIT_ENGINE (printed). */
static int filter_prepare(ctrctl_t *g, struct filters *fs, struct filter *f)
{
    switch (f->key) {
    case F_ID:
    case F_NAME: /* a regular expression, as podman (one that does not compile matches nothing) */
        f->re_ok = regcomp(&f->re, f->value, REG_EXTENDED | REG_NOSUB) == 0;
        return 0;
    case F_STATUS:
        if (!valid_status(f->value))
            return ctrctl_error("unknown container state: %s: invalid argument", f->value);
        return 0;
    case F_EXITED: return parse_exit_code(f->value, &f->exit_code);
    case F_BEFORE: return reference_time(g, f->value, fs->has[F_BEFORE], &fs->before);
    case F_SINCE: return reference_time(g, f->value, fs->has[F_SINCE], &fs->since);
    default: return 0;
    }
}

/* One KEY=VALUE; 0 or EXIT_ENGINE (printed). */
static int filter_add(ctrctl_t *g, struct filters *fs, const char *kv)
{
    const char *eq = strchr(kv, '=');
    if (!eq)
        return ctrctl_error("invalid filter \"%s\"", kv);
    size_t klen = (size_t)(eq - kv), key = 0;
    while (key < F_COUNT && !(strlen(filter_names[key]) == klen && strncmp(kv, filter_names[key], klen) == 0))
        key++;
    if (key == F_COUNT)
        return ctrctl_error("%.*s is an invalid filter", (int)klen, kv);
    struct filter *v = realloc(fs->v, (fs->n + 1) * sizeof *v);
    if (!v)
        return ctrctl_error("out of memory");
    fs->v = v;
    struct filter *f = &v[fs->n];
    *f = (struct filter){ .key = key, .value = strdup(eq + 1) };
    if (!f->value)
        return ctrctl_error("out of memory");
    fs->n++;
    int r = filter_prepare(g, fs, f);
    fs->has[key] = true;
    return r;
}

/* --filter's argument: podman's flag is a list, so commas separate filters too. */
static int filters_parse(ctrctl_t *g, struct filters *fs, const char *arg)
{
    char *copy = strdup(arg), *save = NULL;
    int r = copy ? 0 : ctrctl_error("out of memory");
    for (char *kv = copy ? strtok_r(copy, ",", &save) : NULL; kv && r == 0; kv = strtok_r(NULL, ",", &save))
        r = filter_add(g, fs, kv);
    free(copy);
    return r;
}

static bool regex_match(const struct filter *f, const char *s)
{
    return f->re_ok && regexec(&f->re, s, 0, NULL, 0) == 0;
}

/* status=: podman's names (created is libctr's configured, initialized its
 * created, stopped is exited), and libctr's own. */
static bool status_match(const char *want, ctr_state_t state)
{
    const char *podman = state == CTR_STATE_CONFIGURED ? "created"
                         : state == CTR_STATE_CREATED  ? "initialized"
                         : state == CTR_STATE_EXITED   ? "stopped"
                                                       : NULL;
    return strcmp(want, ctr_state_name(state)) == 0 || (podman && strcmp(want, podman) == 0);
}

/* label=KEY or label=KEY=VALUE; a KEY with * is a pattern (podman's MatchLabelFilters). */
static bool label_match(const char *want, char **labels)
{
    const char *eq = strchr(want, '=');
    size_t klen = eq ? (size_t)(eq - want) : strlen(want);
    char *key = strndup(want, klen), *pattern = NULL;
    bool found = false;
    if (!key || (strchr(key, '*') && asprintf(&pattern, "*%s*", key) < 0))
        pattern = NULL;
    for (char **l = labels; key && *l && !found; l++) {
        const char *leq = strchr(*l, '=');
        size_t lk = leq ? (size_t)(leq - *l) : strlen(*l);
        char *lkey = strndup(*l, lk);
        bool value_ok = !eq || !eq[1] || strcmp(leq ? leq + 1 : "", eq + 1) == 0;
        found = lkey && value_ok && (strcmp(lkey, key) == 0 || (pattern && fnmatch(pattern, lkey, 0) == 0));
        free(lkey);
    }
    free(key);
    free(pattern);
    return found;
}

/* full ("localhost/app:latest") is the image typed as a short name ("app",
 * "app:latest", "localhost/app"): typed is full, or its end after a '/',
 * the tag "latest" implied. */
static bool same_reference(const char *full, const char *typed)
{
    size_t t = strlen(typed);
    for (const char *p = full; p; p = strchr(p, '/') ? strchr(p, '/') + 1 : NULL)
        if (strncmp(p, typed, t) == 0 && (p[t] == '\0' || strcmp(p + t, ":latest") == 0))
            return true;
    return false;
}

/* The container's image as podman records it: its resolved name, the
 * image's name that the one given at creation meant ("" when none). */
static void image_name(ctr_runtime_t *rt, ctr_container_t *c, char *buf, size_t size)
{
    const char *typed = ctr_container_image_name(c), *id = ctr_container_image_id(c);
    ctr_image_t *img = NULL;
    snprintf(buf, size, "%s", typed ? typed : "");
    if (!typed || !id || ctr_image_lookup(rt, id, &img) < 0)
        return;
    for (const char *const *n = ctr_image_names(img); *n; n++) {
        if (same_reference(*n, typed)) {
            snprintf(buf, size, "%s", *n);
            break;
        }
    }
    ctr_image_unref(img);
}

/* ancestor=: the image's ID, its resolved name, or that name without the
 * tag "latest" (podman splits the tag at the first colon). */
static bool ancestor_match(ctr_runtime_t *rt, const char *want, ctr_container_t *c)
{
    const char *id = ctr_container_image_id(c);
    char name[512];
    if (id && strcmp(id, want) == 0)
        return true;
    image_name(rt, c, name, sizeof name);
    const char *colon = strchr(name, ':');
    if (strcmp(name, want) == 0)
        return true;
    return colon && strcmp(colon + 1, "latest") == 0 && strlen(want) == (size_t)(colon - name) &&
           strncmp(name, want, strlen(want)) == 0;
}

static bool filter_match(const struct filters *fs, const struct filter *f, const struct row *r, char **labels)
{
    int64_t created = ctr_container_created(r->c);
    switch (f->key) {
    case F_ANCESTOR: return ancestor_match(fs->rt, f->value, r->c);
    case F_BEFORE: return created < fs->before;
    case F_EXITED: return r->state == CTR_STATE_EXITED && r->exit_code == f->exit_code;
    case F_ID: return regex_match(f, ctr_container_id(r->c));
    case F_LABEL: return label_match(f->value, labels);
    case F_NAME: return regex_match(f, ctr_container_name(r->c));
    case F_SINCE: return created > fs->since;
    case F_STATUS: return status_match(f->value, r->state);
    default: return false;
    }
}

/* As podman: values of one key are alternatives (label's must all match),
 * different keys must all match.  1, 0, or EXIT_ENGINE (printed). */
static int filters_match(const struct filters *fs, const struct row *r)
{
    char **labels = NULL;
    if (fs->has[F_LABEL] && ctr_container_labels(r->c, &labels) < 0)
        return ctrctl_fail();
    bool ok = true;
    for (size_t key = 0; ok && key < F_COUNT; key++) {
        if (!fs->has[key])
            continue;
        bool any = false, all = true;
        for (size_t i = 0; i < fs->n; i++) {
            if (fs->v[i].key != key)
                continue;
            bool m = filter_match(fs, &fs->v[i], r, labels);
            any |= m;
            all &= m;
        }
        ok = key == F_LABEL ? all : any;
    }
    ctr_strv_free(labels);
    return ok;
}

/* ---- the default table, JSON ---- */

static void print_table(const struct row *rows, size_t n, bool heading)
{
    static const char *const head[] = { "CONTAINER ID", "IMAGE", "COMMAND", "CREATED", "STATUS", "NAMES" };
    int w[5] = { 0 };
    for (int k = 0; k < 5; k++)
        w[k] = (int)strlen(head[k]);
    for (size_t i = 0; i < n; i++) {
        const char *cols[5] = { rows[i].id, source(rows[i].c), rows[i].command, rows[i].created, rows[i].status };
        for (int k = 0; k < 5; k++)
            if ((int)strlen(cols[k]) > w[k])
                w[k] = (int)strlen(cols[k]);
    }
    if (heading)
        printf("%-*s  %-*s  %-*s  %-*s  %-*s  %s\n", w[0], head[0], w[1], head[1], w[2], head[2], w[3], head[3],
               w[4], head[4], head[5]);
    for (size_t i = 0; i < n; i++)
        printf("%-*s  %-*s  %-*s  %-*s  %-*s  %s\n", w[0], rows[i].id, w[1], source(rows[i].c), w[2],
               rows[i].command, w[3], rows[i].created, w[4], rows[i].status, ctr_container_name(rows[i].c));
}

/* 0 or EXIT_ENGINE (printed). */
static int print_json_row(const struct row *r)
{
    ctr_container_t *c = r->c;
    char **labels = NULL;
    if (ctr_container_labels(c, &labels) < 0)
        return ctrctl_fail();
    printf("  {\n    \"Id\": ");
    json_string(stdout, ctr_container_id(c));
    printf(",\n    \"Names\": [");
    json_string(stdout, ctr_container_name(c));
    printf("],\n    \"Image\": ");
    json_string(stdout, ctr_container_image_name(c));
    printf(",\n    \"ImageID\": ");
    json_string(stdout, ctr_container_image_id(c));
    printf(",\n    \"Rootfs\": ");
    json_string(stdout, ctr_container_rootfs(c));
    printf(",\n    \"Command\": [");
    for (const char *const *a = ctr_container_command(c); *a; a++) {
        printf("%s", a == ctr_container_command(c) ? "" : ", ");
        json_string(stdout, *a);
    }
    printf("]");
    /* As podman: Unix seconds, and CreatedAt as text. */
    char created[64];
    format_time(ctr_container_created(c), created, sizeof created);
    printf(",\n    \"Created\": %lld,\n    \"CreatedAt\": \"%s\",\n    \"StartedAt\": %lld,\n    \"ExitedAt\": %lld",
           (long long)(ctr_container_created(c) / 1000000000), created, (long long)(r->started / 1000000000),
           (long long)(r->finished / 1000000000));
    printf(",\n    \"State\": \"%s\",\n    \"Status\": ", ctr_state_name(r->state));
    json_string(stdout, r->status);
    printf(",\n    \"Exited\": %s,\n    \"ExitCode\": %d,\n    \"Pid\": %d,\n    \"Pod\": ",
           r->state == CTR_STATE_EXITED ? "true" : "false", r->exit_code, (int)r->pid);
    json_string(stdout, ctr_container_pod(c));
    printf(",\n    \"Labels\": {");
    for (char **l = labels; *l; l++) {
        char *eq = strchr(*l, '=');
        if (eq)
            *eq = '\0';
        printf("%s\n      ", l == labels ? "" : ",");
        json_string(stdout, *l);
        printf(": ");
        json_string(stdout, eq ? eq + 1 : "");
    }
    printf("%s}\n  }", labels[0] ? "\n    " : "");
    ctr_strv_free(labels);
    return 0;
}

static int print_json(const struct row *rows, size_t n)
{
    int r = 0;
    printf("[");
    for (size_t i = 0; i < n && r == 0; i++) {
        printf("%s\n", i ? "," : "");
        r = print_json_row(&rows[i]);
    }
    printf("%s]\n", n ? "\n" : "");
    return r;
}

/* ---- --format TEMPLATE ---- */

/* A row as podman's ps templates see it (psReporter): its fields and
 * methods, ID, Names, Command, Status... as podman prints them. */
static const tmpl_member_t ps_members[] = {
    { "Labels", NULL, TMPL_MAP, "map[string]string" },
    { "Namespaces", NULL, TMPL_STRUCT, "entities.ListContainerNamespaces" },
    { "Mounts", NULL, TMPL_LIST, "[]string" },
    { "Created", NULL, TMPL_AUTO, "time.Time" },
    { "ExitCode", NULL, TMPL_AUTO, "int32" },
    { "ExitedAt", NULL, TMPL_AUTO, "int64" },
    { "StartedAt", NULL, TMPL_AUTO, "int64" },
    { NULL, NULL, TMPL_AUTO, NULL },
};
static const tmpl_schema_t ps_schema = { TMPL_STRUCT, "containers.psReporter", ps_members };
/* The table's header row: a map from field to title, as podman's. */
static const tmpl_schema_t header_schema = { TMPL_MAP, "map[string]string", NULL };

static const char *const ps_headers[] = {
    "AutoRemove", "AUTO REMOVE", "Command", "COMMAND", "Created", "CREATED", "CreatedAt", "CREATED AT",
    "CreatedHuman", "CREATED", "Exited", "EXITED", "ExitedAt", "EXITED AT", "ExitCode", "EXIT CODE",
    "ID", "CONTAINER ID", "Image", "IMAGE", "ImageID", "IMAGE ID", "IsInfra", "IS INFRA", "Labels", "LABELS",
    "Mounts", "MOUNTS", "Names", "NAMES", "Namespaces", "NAMESPACES", "Networks", "NETWORKS", "Pid", "PID",
    "Pod", "POD ID", "PodName", "PODNAME", "Ports", "PORTS", "RunningFor", "RUNNING FOR", "Size", "SIZE",
    "StartedAt", "STARTED AT", "State", "STATE", "Status", "STATUS", "Cgroup", "CGROUPNS", "IPC", "IPC",
    "MNT", "MNT", "NET", "NET", "PIDNS", "PIDNS", "User", "USERNS", "UTS", "UTS", NULL,
};

/* Go's time.Time.String() of a UTC time: 2006-01-02 15:04:05.123 +0000 UTC. */
static void go_time(int64_t ns, char *buf, size_t size)
{
    time_t t = (time_t)(ns / 1000000000);
    struct tm tm;
    char date[32] = "", frac[16] = "";
    if (gmtime_r(&t, &tm))
        strftime(date, sizeof date, "%Y-%m-%d %H:%M:%S", &tm);
    if (ns % 1000000000) {
        snprintf(frac, sizeof frac, ".%09lld", (long long)(ns % 1000000000));
        for (size_t n = strlen(frac); frac[n - 1] == '0'; n--)
            frac[n - 1] = '\0';
    }
    snprintf(buf, size, "%s%s +0000 UTC", date, frac);
}

/* podman's portsToString: 0.0.0.0:8080->80/tcp, ... */
static void ports_text(ctr_container_t *c, char *buf, size_t size)
{
    const ctr_port_mapping_t *p = NULL;
    size_t n = ctr_container_port_mappings(c, &p), len = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < n && len < size; i++)
        len += snprintf(buf + len, size - len, "%s%s:%u->%u/%s", i ? ", " : "",
                        p[i].host_ip && *p[i].host_ip ? p[i].host_ip : "0.0.0.0", p[i].host_port,
                        p[i].container_port, p[i].protocol ? p[i].protocol : "tcp");
}

static json_object *string_list(const char *const *v)
{
    json_object *a = json_object_new_array();
    for (; a && *v; v++) {
        json_object *s = json_object_new_string(*v);
        if (!s || json_object_array_add(a, s) < 0) {
            json_object_put(s);
            json_object_put(a);
            a = NULL;
        }
    }
    return a;
}

static void joined(const char *const *v, const char *sep, char *buf, size_t size)
{
    size_t len = 0;
    buf[0] = '\0';
    for (; *v && len < size; v++)
        len += snprintf(buf + len, size - len, "%s%s", len ? sep : "", *v);
}

struct field {
    const char *key;
    json_object *value;
    bool null_ok; /* NULL is JSON's null, not out of memory */
};

/* An object of these fields, or NULL when one is NULL (out of memory); the values are taken. */
static json_object *object_of(struct field *f, size_t n)
{
    json_object *o = json_object_new_object();
    bool ok = o != NULL;
    for (size_t i = 0; i < n; i++)
        ok = ok && (f[i].value || f[i].null_ok);
    for (size_t i = 0; i < n; i++) {
        if (ok && json_object_object_add(o, f[i].key, f[i].value) == 0)
            continue;
        ok = false;
        json_object_put(f[i].value);
    }
    if (!ok) {
        json_object_put(o);
        return NULL;
    }
    return o;
}

/* The labels as a map; none is a nil map (null), as podman's.  *ret_ok false when out of memory. */
static json_object *labels_object(ctr_container_t *c, bool *ret_ok)
{
    char **labels = NULL;
    *ret_ok = ctr_container_labels(c, &labels) == 0;
    if (!*ret_ok || !labels[0]) {
        ctr_strv_free(labels);
        return NULL;
    }
    json_object *o = json_object_new_object();
    for (char **l = labels; o && *l; l++) {
        char *eq = strchr(*l, '=');
        if (eq)
            *eq = '\0';
        json_object *v = json_object_new_string(eq ? eq + 1 : "");
        if (!v || json_object_object_add(o, *l, v) < 0) {
            json_object_put(v);
            json_object_put(o);
            o = NULL;
        }
    }
    ctr_strv_free(labels);
    *ret_ok = o != NULL;
    return o;
}

static json_object *empty_namespaces(void)
{
    struct field f[] = {
        { "MNT", json_object_new_string("") },  { "Cgroup", json_object_new_string("") },
        { "IPC", json_object_new_string("") },  { "NET", json_object_new_string("") },
        { "PIDNS", json_object_new_string("") }, { "UTS", json_object_new_string("") },
        { "User", json_object_new_string("") },
    };
    return object_of(f, sizeof f / sizeof f[0]);
}

/* s, or its first 12 characters (an ID) with trunc; "" for NULL. */
static json_object *short_id(const char *s, bool trunc)
{
    size_t n = s ? strlen(s) : 0;
    return json_object_new_string_len(s ? s : "", (int)(trunc && n > 12 ? 12 : n));
}

/* The Unix time of a timestamp, or Go's zero time's (never). */
static int64_t unix_or_zero(int64_t ns)
{
    return ns ? ns / 1000000000 : -62135596800LL;
}

/* A row as podman's ps template sees it (podman's field order). */
static json_object *template_doc(ctr_runtime_t *rt, const struct row *r, bool trunc)
{
    ctr_container_t *c = r->c;
    char created[64], image[512], command[256], ports[512], networks[512];
    go_time(ctr_container_created(c), created, sizeof created);
    joined(ctr_container_command(c), " ", command, sizeof command);
    if (trunc && strlen(command) > 17) /* podman: 17 characters and "..." */
        strcpy(command + 17, "...");
    ports_text(c, ports, sizeof ports);
    joined(ctr_container_networks(c), ",", networks, sizeof networks);
    image_name(rt, c, image, sizeof image);
    bool labels_ok;
    json_object *labels = labels_object(c, &labels_ok);
    bool live = r->state == CTR_STATE_RUNNING || r->state == CTR_STATE_PAUSED || r->state == CTR_STATE_STOPPING;
    struct field f[] = {
        { "AutoRemove", json_object_new_boolean(0) },
        { "Command", json_object_new_string(command) },
        { "Created", json_object_new_string(created) },
        { "CreatedAt", json_object_new_string(created) },
        { "Exited", json_object_new_boolean(r->state == CTR_STATE_EXITED) },
        { "ExitedAt", json_object_new_int64(unix_or_zero(r->finished)) },
        { "ExitCode", json_object_new_int64(r->exit_code < 0 ? 0 : r->exit_code) },
        { "ID", json_object_new_string(r->id) },
        { "Image", json_object_new_string(image) },
        { "ImageID", short_id(ctr_container_image_id(c), trunc) },
        { "IsInfra", json_object_new_boolean(0) },
        { "Labels", labels, labels_ok },
        { "Mounts", string_list(ctr_container_volumes(c)) },
        { "Names", json_object_new_string(ctr_container_name(c)) },
        { "Namespaces", empty_namespaces() },
        { "Networks", json_object_new_string(networks) },
        { "Pid", json_object_new_int64(live ? r->pid : 0) },
        { "Pod", short_id(ctr_container_pod(c), trunc) },
        { "PodName", json_object_new_string("") },
        { "Ports", json_object_new_string(ports) },
        { "Size", json_object_new_string("") },
        { "StartedAt", json_object_new_int64(unix_or_zero(r->started)) },
        { "State", json_object_new_string(r->status) },
        { "Status", json_object_new_string(r->status) },
        { "CreatedHuman", json_object_new_string(r->created) },
        { "RunningFor", json_object_new_string(r->created) },
        { "Cgroup", json_object_new_string("") }, { "IPC", json_object_new_string("") },
        { "MNT", json_object_new_string("") }, { "NET", json_object_new_string("") },
        { "PIDNS", json_object_new_string("") }, { "User", json_object_new_string("") },
        { "UTS", json_object_new_string("") },
    };
    return object_of(f, sizeof f / sizeof f[0]);
}

/* The header row's document: [{"ID": "CONTAINER ID", ...}]. */
static json_object *header_doc(void)
{
    json_object *h = json_object_new_object(), *list = json_object_new_array();
    bool ok = h && list;
    for (const char *const *p = ps_headers; ok && *p; p += 2) {
        json_object *v = json_object_new_string(p[1]);
        ok = v && json_object_object_add(h, p[0], v) == 0;
        if (!ok)
            json_object_put(v);
    }
    if (ok && json_object_array_add(list, h) == 0)
        return list;
    json_object_put(h);
    json_object_put(list);
    return NULL;
}

/* The rows as the documents of the template. */
static json_object *row_docs(ctr_runtime_t *rt, const struct row *rows, size_t n, bool trunc)
{
    json_object *list = json_object_new_array();
    for (size_t i = 0; list && i < n; i++) {
        json_object *doc = template_doc(rt, &rows[i], trunc);
        if (!doc || json_object_array_add(list, doc) < 0) {
            json_object_put(doc);
            json_object_put(list);
            list = NULL;
        }
    }
    return list;
}

/* Run the template: for a table, the header row first (podman's --noheading
 * skips it), then the rows, aligned.  0 or EXIT_ENGINE (printed). */
static int run_template(ctr_runtime_t *rt, const tmpl_t *t, const struct row *rows, size_t n, bool trunc,
                        bool heading)
{
    bool header = tmpl_is_table(t) && heading;
    json_object *headers = header ? header_doc() : NULL, *docs = row_docs(rt, rows, n, trunc);
    int r = header && !headers ? ctrctl_error("out of memory")
                               : ctrctl_print_template(t, headers, &header_schema, docs, &ps_schema);
    json_object_put(headers);
    json_object_put(docs);
    return r;
}

/* ps --format TEMPLATE; 0 or EXIT_ENGINE (printed). */
static int print_formatted(ctr_runtime_t *rt, const char *format, const struct row *rows, size_t n, bool trunc,
                           bool heading)
{
    static const char *const namespaces[] = { ".Namespaces.", ".", NULL }; /* as podman */
    char *text = tmpl_replace(format, namespaces), *error = NULL;
    tmpl_t *t = NULL;
    int r = text ? tmpl_parse(&t, "ps", text, &error) : -ENOMEM;
    free(text);
    if (r < 0) {
        ctrctl_error("%s", r == -EINVAL ? error : "out of memory");
        free(error);
        return EXIT_ENGINE;
    }
    r = run_template(rt, t, rows, n, trunc, heading);
    tmpl_free(t);
    return r;
}

static const char ps_usage[] =
    "Usage: ctrctl ps [OPTIONS]\n\n"
    "List running and paused containers.\n\n"
    "  -a, --all                list every container\n"
    "  -f, --filter KEY=VALUE   only the containers that match (repeatable; values of one key\n"
    "                           are alternatives, different keys must all match), as podman's:\n"
    "                             name=REGEX, id=REGEX, label=KEY[=VALUE], exited=CODE,\n"
    "                             status=created|exited|paused|running|unknown|initialized|\n"
    "                                    configured|removing|stopping (implies --all),\n"
    "                             ancestor=IMAGE (name or ID), before=CONTAINER, since=CONTAINER\n"
    "  -q, --quiet              print IDs only\n"
    "      --no-trunc           do not truncate IDs and commands\n"
    "      --noheading          no header row\n"
    "      --format FORMAT      json (a JSON array), or a Go template run for each container, as\n"
    "                           podman's: '{{.ID}} {{.Names}}', '{{json .Labels}}',\n"
    "                           'table {{.ID}}\\t{{.Names}}\\t{{.Status}}' (a header and aligned columns);\n"
    "                           fields: ID, Names, Image, ImageID, Command, Created, CreatedAt,\n"
    "                           RunningFor, Status, State, Labels, Ports, Networks, Mounts, Pid,\n"
    "                           ExitCode, Exited, ExitedAt, StartedAt, Pod\n";

/* The rows to show: the containers that pass the filters, running ones
 * only unless all.  0 or EXIT_ENGINE (printed); *ret_n rows filled. */
static int select_rows(ctr_container_t **list, size_t n, const struct filters *fs, bool all, bool trunc,
                       struct row *rows, size_t *ret_n)
{
    int64_t now = now_ns();
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        int q = fill_row(&rows[m], list[i], trunc, now);
        if (q == 1)
            continue;
        if (q)
            return q;
        const ctr_state_t st = rows[m].state;
        if (!all && st != CTR_STATE_RUNNING && st != CTR_STATE_PAUSED && st != CTR_STATE_STOPPING)
            continue;
        if ((q = filters_match(fs, &rows[m])) > 1)
            return q;
        m += q == 1;
    }
    *ret_n = m;
    return 0;
}

struct ps_args {
    bool all, quiet, trunc, heading;
    const char *format;
    struct filters filters;
};

/* Options; 0, HELP_SHOWN or EXIT_ENGINE (printed). */
static int ps_parse(ctrctl_t *g, int argc, char **argv, struct ps_args *a)
{
    enum { OPT_NO_TRUNC = 256, OPT_FORMAT, OPT_NOHEADING };
    static const struct option options[] = {
        { "all", no_argument, NULL, 'a' },
        { "filter", required_argument, NULL, 'f' },
        { "quiet", no_argument, NULL, 'q' },
        { "no-trunc", no_argument, NULL, OPT_NO_TRUNC },
        { "noheading", no_argument, NULL, OPT_NOHEADING },
        { "format", required_argument, NULL, OPT_FORMAT },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    int o, r;
    while ((o = getopt_long(argc, argv, "af:qh", options, NULL)) != -1) {
        switch (o) {
        case 'a': a->all = true; break;
        case 'f':
            if ((r = filters_parse(g, &a->filters, optarg)))
                return r;
            break;
        case 'q': a->quiet = true; break;
        case OPT_NO_TRUNC: a->trunc = false; break;
        case OPT_NOHEADING: a->heading = false; break;
        case OPT_FORMAT: a->format = optarg; break;
        case 'h': ctrctl_help(ps_usage); return HELP_SHOWN;
        default: return ctrctl_bad_usage(argv[0]);
        }
    }
    if (optind < argc)
        return ctrctl_error("ps takes no arguments");
    if (a->filters.has[F_STATUS]) /* as podman (and docker) */
        a->all = true;
    return 0;
}

int cmd_ps(ctrctl_t *g, int argc, char **argv)
{
    struct ps_args a = { .trunc = true, .heading = true };
    int r = ps_parse(g, argc, argv, &a);
    bool json = a.format && tmpl_is_json(a.format);
    bool templated = a.format && !json && strcmp(a.format, "table") != 0 && *a.format;
    ctr_container_t **list = NULL;
    size_t n = 0, m = 0;
    if (r || (r = ctrctl_open(g)) || ctr_runtime_list(g->rt, NULL, NULL, &list, &n) < 0) {
        filters_clear(&a.filters);
        return r == HELP_SHOWN ? 0 : r ? r : ctrctl_fail();
    }
    struct row *rows = calloc(n ? n : 1, sizeof *rows);
    a.filters.rt = g->rt;
    r = rows ? select_rows(list, n, &a.filters, a.all, a.trunc && !json, rows, &m) : ctrctl_error("out of memory");
    if (r == 0 && json)
        r = print_json(rows, m);
    else if (r == 0 && templated) /* as podman: a format wins over --quiet */
        r = print_formatted(g->rt, a.format, rows, m, a.trunc, a.heading);
    else if (r == 0 && a.quiet)
        for (size_t i = 0; i < m; i++)
            printf("%s\n", rows[i].id);
    else if (r == 0)
        print_table(rows, m, a.heading);
    free(rows);
    ctr_container_list_free(list, n);
    filters_clear(&a.filters);
    return r;
}
