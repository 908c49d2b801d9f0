/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Events as journal lines in podman's JSON shape, their parser and filters
 * (event.h). */
#include "data/event.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "base/error.h"
#include "base/json-util.h"
#include "base/util.h"

/* podman's Time: RFC 3339 in UTC with the nanoseconds' trailing zeros cut
 * (Go's RFC3339Nano). */
static void format_time(int64_t ns, char buf[48])
{
    ctr__format_time(ns, buf, 48);
    char *dot = strchr(buf, '.');
    if (!dot)
        return;
    char *end = dot + strlen(dot) - 1; /* the 'Z' */
    char *p = end;
    while (p > dot && p[-1] == '0')
        p--;
    if (p == dot + 1)
        p = dot; /* no fraction left */
    memmove(p, end, 2);
}

static int add_time(json_object *o, int64_t ns)
{
    char t[48];
    format_time(ns ? ns : ctr__now_ns(), t);
    return ctr__json_add_str(o, "Time", t);
}

int ctr__event_format(const struct ctr__event *ev, char **ret)
{
    _cleanup_json_ json_object *o = json_object_new_object();
    if (!o)
        return ctr__oom("an event");
    int r = 0;
    if (ev->exit_code != 0)
        r = ctr__json_add_int(o, "ContainerExitCode", ev->exit_code);
    if (r < 0 || (r = ctr__json_add_str(o, "ID", ev->id)) < 0 || (r = ctr__json_add_str(o, "Image", ev->image)) < 0 ||
        (r = ctr__json_add_str(o, "Name", ev->name)) < 0 || (r = ctr__json_add_str(o, "Network", ev->network)) < 0 ||
        (r = ctr__json_add_str(o, "Status", ev->status)) < 0 || (r = add_time(o, ev->time_ns)) < 0 ||
        (r = ctr__json_add_str(o, "Type", ev->type)) < 0 ||
        (ev->attributes ? (r = ctr__json_set(o, "Attributes", json_object_get(ev->attributes)))
                        : (r = json_object_object_add(o, "Attributes", NULL) < 0 ? -ENOMEM : 0)) < 0)
        return ctr__oom("an event");
    const char *s = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
    char *line = s ? strdup(s) : NULL;
    if (!line)
        return ctr__oom("an event");
    *ret = line;
    return 0;
}

/* ---- parsing ---- */

/* The string member key of o, or NULL when absent; -EINVAL when it is not
 * a string (or missing and required). */
static int get_str(json_object *o, const char *key, bool required, const char **ret)
{
    json_object *v = NULL;
    if (!json_object_object_get_ex(o, key, &v) || !v) {
        if (required)
            return ctr__err(-EINVAL, "event: no %s", key);
        *ret = NULL;
        return 0;
    }
    if (!json_object_is_type(v, json_type_string))
        return ctr__err(-EINVAL, "event: %s is not a string", key);
    *ret = json_object_get_string(v);
    return 0;
}

static int get_attributes(json_object *o, json_object **ret)
{
    json_object *a = NULL;
    *ret = NULL;
    if (!json_object_object_get_ex(o, "Attributes", &a) || !a)
        return 0;
    if (!json_object_is_type(a, json_type_object))
        return ctr__err(-EINVAL, "event: Attributes is not an object");
    json_object_object_foreach(a, k, v)
    {
        (void)k;
        if (!json_object_is_type(v, json_type_string))
            return ctr__err(-EINVAL, "event: attribute %s is not a string", k);
    }
    *ret = a;
    return 0;
}

static int get_exit_code(json_object *o, int *ret)
{
    json_object *v = NULL;
    *ret = 0;
    if (!json_object_object_get_ex(o, "ContainerExitCode", &v) || !v)
        return 0;
    if (!json_object_is_type(v, json_type_int))
        return ctr__err(-EINVAL, "event: ContainerExitCode is not an integer");
    int64_t n = json_object_get_int64(v);
    if (n < -1 || n > 255)
        return ctr__err(-EINVAL, "event: ContainerExitCode %lld is out of range", (long long)n);
    *ret = (int)n;
    return 0;
}

static int parse_json(const char *line, size_t len, json_object **ret)
{
    if (len > INT32_MAX)
        return ctr__err(-EINVAL, "event: too long");
    json_tokener *tok = json_tokener_new_ex(16);
    if (!tok)
        return ctr__oom("an event");
    json_object *o = json_tokener_parse_ex(tok, line, (int)len);
    bool whole = o && json_tokener_get_error(tok) == json_tokener_success && tok->char_offset == (int)len;
    json_tokener_free(tok);
    if (!whole || !json_object_is_type(o, json_type_object)) {
        json_object_put(o);
        return ctr__err(-EINVAL, "event: not a JSON object");
    }
    *ret = o;
    return 0;
}

int ctr__event_parse(const char *line, size_t len, json_object **ret_doc, struct ctr__event *ret)
{
    _cleanup_json_ json_object *o = NULL;
    int r = parse_json(line, len, &o);
    if (r < 0)
        return r;
    struct ctr__event ev = { 0 };
    const char *time = NULL;
    if ((r = get_str(o, "Status", true, &ev.status)) < 0 || (r = get_str(o, "Type", true, &ev.type)) < 0 ||
        (r = get_str(o, "Time", true, &time)) < 0 || (r = get_str(o, "ID", false, &ev.id)) < 0 ||
        (r = get_str(o, "Name", false, &ev.name)) < 0 || (r = get_str(o, "Image", false, &ev.image)) < 0 ||
        (r = get_str(o, "Network", false, &ev.network)) < 0 || (r = get_exit_code(o, &ev.exit_code)) < 0 ||
        (r = get_attributes(o, &ev.attributes)) < 0)
        return r;
    if (ctr__parse_time(time, &ev.time_ns) < 0)
        return ctr__err(-EINVAL, "event: Time %s is not an RFC 3339 time", time);
    *ret = ev;
    *ret_doc = TAKE_PTR(o);
    return 0;
}

/* ---- filters ---- */

static const char *const filter_keys[] = { "container", "event", "status", "image", "label", "pod",
                                           "type",      "volume", "network", NULL };

int ctr__event_filters_check(const char *const *filters)
{
    for (size_t i = 0; filters && filters[i]; i++) {
        const char *eq = strchr(filters[i], '=');
        if (!eq)
            return ctr__err(-EINVAL, "invalid filter syntax %s", filters[i]);
        bool known = false;
        for (size_t k = 0; filter_keys[k] && !known; k++)
            known = strlen(filter_keys[k]) == (size_t)(eq - filters[i]) &&
                    strncmp(filters[i], filter_keys[k], (size_t)(eq - filters[i])) == 0;
        if (!known)
            return ctr__err(-EINVAL, "%.*s is an invalid filter", (int)(eq - filters[i]), filters[i]);
    }
    return 0;
}

static bool eq(const char *a, const char *b)
{
    return a && b && strcmp(a, b) == 0;
}

static bool id_or_name(const struct ctr__event *ev, const char *type, const char *v)
{
    if (!eq(ev->type, type))
        return false;
    return eq(ev->name, v) || (ev->id && *v && strncmp(ev->id, v, strlen(v)) == 0);
}

static bool label_match(const struct ctr__event *ev, const char *v)
{
    const char *veq = strchr(v, '=');
    size_t klen = veq ? (size_t)(veq - v) : strlen(v);
    if (!ev->attributes)
        return false;
    json_object_object_foreach(ev->attributes, k, val)
    {
        if (strlen(k) == klen && strncmp(k, v, klen) == 0)
            return !veq || eq(json_object_get_string(val), veq + 1);
    }
    return false;
}

static bool filter_match(const struct ctr__event *ev, const char *key, size_t klen, const char *v)
{
#define IS(name) (klen == strlen(name) && strncmp(key, name, klen) == 0)
    if (IS("container"))
        return id_or_name(ev, CTR__EVENT_CONTAINER, v);
    if (IS("event") || IS("status"))
        return eq(ev->status, v);
    if (IS("image"))
        return eq(ev->image, v) || id_or_name(ev, CTR__EVENT_IMAGE, v);
    if (IS("label"))
        return label_match(ev, v);
    if (IS("pod"))
        return id_or_name(ev, CTR__EVENT_POD, v);
    if (IS("type"))
        return eq(ev->type, v);
    if (IS("volume"))
        return id_or_name(ev, CTR__EVENT_VOLUME, v);
    if (IS("network"))
        return eq(ev->type, CTR__EVENT_NETWORK) && (eq(ev->network, v) || id_or_name(ev, CTR__EVENT_NETWORK, v));
#undef IS
    return false;
}

bool ctr__event_match(const struct ctr__event *ev, const char *const *filters)
{
    for (size_t i = 0; filters && filters[i]; i++) {
        const char *eqs = strchr(filters[i], '=');
        size_t klen = (size_t)(eqs - filters[i]);
        bool seen_before = false;
        for (size_t j = 0; j < i && !seen_before; j++)
            seen_before = strncmp(filters[j], filters[i], klen + 1) == 0;
        if (seen_before)
            continue; /* this key was decided with its first value */
        bool any = false;
        for (size_t j = i; filters[j] && !any; j++)
            any = strncmp(filters[j], filters[i], klen + 1) == 0 && filter_match(ev, filters[i], klen, filters[j] + klen + 1);
        if (!any)
            return false;
    }
    return true;
}
