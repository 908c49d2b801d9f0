/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "data/health.h"

#include "base/error.h"
#include "base/json-util.h"

static const char *const status_names[] = {
    [CTR_HEALTH_NONE] = "",
    [CTR_HEALTH_STARTING] = "starting",
    [CTR_HEALTH_HEALTHY] = "healthy",
    [CTR_HEALTH_UNHEALTHY] = "unhealthy",
};

static ctr_health_status_t status_of(const char *name)
{
    for (size_t i = CTR_HEALTH_STARTING; name && i < ARRAY_SIZE(status_names); i++)
        if (streq(name, status_names[i]))
            return (ctr_health_status_t)i;
    return CTR_HEALTH_STARTING;
}

/* A fresh document: starting, no streak, no log. */
static json_object *health_new(void)
{
    json_object *h = json_object_new_object();
    if (h && (ctr__json_add_str(h, "Status", "starting") < 0 || ctr__json_add_int(h, "FailingStreak", 0) < 0 ||
              json_object_object_add(h, "Log", NULL) < 0)) {
        json_object_put(h);
        return NULL;
    }
    return h;
}

/* The stored document, or a fresh one; with its members checked. */
static int health_load(const char *health_json, json_object **ret)
{
    json_object *h = NULL;
    if (!health_json)
        h = health_new();
    else if (ctr__json_parse(health_json, "container health", &h) < 0)
        return -EINVAL;
    if (!h)
        return ctr__oom("the container health");
    json_object *log = NULL;
    if (!json_object_is_type(h, json_type_object) || !json_object_is_type(json_object_object_get(h, "Status"), json_type_string) ||
        !json_object_is_type(json_object_object_get(h, "FailingStreak"), json_type_int) ||
        (json_object_object_get_ex(h, "Log", &log) && log && !json_object_is_type(log, json_type_array))) {
        json_object_put(h);
        return ctr__err(-EINVAL, "container health: not podman's Health object");
    }
    *ret = h;
    return 0;
}

ctr_health_status_t ctr__health_status(const char *health_json, bool has_check)
{
    if (!has_check)
        return CTR_HEALTH_NONE;
    _cleanup_json_ json_object *h = NULL;
    if (health_load(health_json, &h) < 0)
        return CTR_HEALTH_STARTING;
    return status_of(json_object_get_string(json_object_object_get(h, "Status")));
}

json_object *ctr__health_inspect(const char *health_json, bool has_check)
{
    json_object *h = NULL;
    if (has_check && health_load(health_json, &h) == 0)
        return h;
    h = json_object_new_object();
    if (h && (ctr__json_add_str(h, "Status", "") < 0 || ctr__json_add_int(h, "FailingStreak", 0) < 0 ||
              json_object_object_add(h, "Log", NULL) < 0)) {
        json_object_put(h);
        return NULL;
    }
    return h;
}

static int health_store(json_object *h, char **health_json)
{
    char *text = NULL;
    int r = ctr__json_to_string(h, &text);
    if (r < 0)
        return r;
    free(*health_json);
    *health_json = text;
    return 0;
}

int ctr__health_restart(char **health_json)
{
    _cleanup_json_ json_object *h = NULL;
    if (health_load(*health_json, &h) < 0) /* a damaged record starts over */
        h = health_new();
    if (!h || ctr__json_set(h, "Status", json_object_new_string("starting")) < 0 ||
        ctr__json_set(h, "FailingStreak", json_object_new_int(0)) < 0)
        return ctr__oom("the container health");
    return health_store(h, health_json);
}

/* One Log entry, podman's keys: Start, End (RFC 3339 with nanoseconds), ExitCode, Output. */
static json_object *log_entry(const struct ctr__health_result *res)
{
    char start[64], end[64];
    ctr__format_time(res->start, start, sizeof start);
    ctr__format_time(res->end, end, sizeof end);
    _cleanup_free_ char *out = strndup(res->output ? res->output : "", CTR__HEALTH_OUTPUT_MAX);
    json_object *e = json_object_new_object();
    if (e && out && ctr__json_add_str(e, "Start", start) == 0 && ctr__json_add_str(e, "End", end) == 0 &&
        ctr__json_add_int(e, "ExitCode", res->exit_code) == 0 && ctr__json_add_str(e, "Output", out) == 0)
        return e;
    json_object_put(e);
    return NULL;
}

/* Append e to the log, dropping the oldest beyond CTR__HEALTH_LOG_MAX. */
static int log_append(json_object *h, json_object *e)
{
    json_object *log = json_object_object_get(h, "Log");
    if (!log) {
        log = json_object_new_array();
        if (ctr__json_set(h, "Log", log) < 0) {
            json_object_put(e);
            return -ENOMEM;
        }
    }
    if (json_object_array_add(log, e) < 0) {
        json_object_put(e);
        return -ENOMEM;
    }
    size_t n = json_object_array_length(log);
    if (n > CTR__HEALTH_LOG_MAX && json_object_array_del_idx(log, 0, n - CTR__HEALTH_LOG_MAX) < 0)
        return -ENOMEM;
    return 0;
}

int ctr__health_record(char **health_json, const struct ctr__health_result *res, unsigned int retries,
                       bool in_start_period, ctr_health_status_t *ret_status)
{
    _cleanup_json_ json_object *h = NULL;
    int r = health_load(*health_json, &h);
    if (r < 0)
        return r;
    ctr_health_status_t status = status_of(json_object_get_string(json_object_object_get(h, "Status")));
    int64_t streak = json_object_get_int64(json_object_object_get(h, "FailingStreak"));
    if (res->exit_code == 0) {
        status = CTR_HEALTH_HEALTHY;
        streak = 0;
    } else if (!in_start_period && ++streak >= (int64_t)retries) {
        status = CTR_HEALTH_UNHEALTHY;
    }
    json_object *e = log_entry(res);
    if (!e || log_append(h, e) < 0 || ctr__json_set(h, "Status", json_object_new_string(status_names[status])) < 0 ||
        ctr__json_set(h, "FailingStreak", json_object_new_int64(streak)) < 0)
        return ctr__oom("the container health");
    if ((r = health_store(h, health_json)) < 0)
        return r;
    *ret_status = status;
    return 0;
}
