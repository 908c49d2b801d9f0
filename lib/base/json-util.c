/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "base/json-util.h"

#include "base/error.h"

int ctr__json_parse(const char *text, const char *what, json_object **ret)
{
    if (!text)
        return ctr__err(-EINVAL, "%s: no JSON given", what);
    json_tokener *tok = json_tokener_new_ex(64);
    if (!tok)
        return ctr__oom("a JSON parser");
    size_t len = strlen(text);
    json_object *o = json_tokener_parse_ex(tok, text, (int)len);
    enum json_tokener_error jerr = json_tokener_get_error(tok);
    size_t end = json_tokener_get_parse_end(tok);
    json_tokener_free(tok);
    if (!o || jerr != json_tokener_success) {
        if (o)
            json_object_put(o);
        return ctr__err(-EINVAL, "%s: malformed JSON at offset %zu: %s", what, end,
                        jerr == json_tokener_continue ? "unexpected end of input"
                                                       : json_tokener_error_desc(jerr));
    }
    for (; end < len; end++) {
        char ch = text[end];
        if (ch != ' ' && ch != '\n' && ch != '\t' && ch != '\r') {
            json_object_put(o);
            return ctr__err(-EINVAL, "%s: malformed JSON: trailing data at offset %zu", what, end);
        }
    }
    *ret = o;
    return 0;
}

int ctr__json_to_string(json_object *o, char **ret)
{
    const char *s = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
    if (!s)
        return ctr__oom("a JSON text");
    char *c = strdup(s);
    if (!c)
        return ctr__oom("a JSON text");
    *ret = c;
    return 0;
}

int ctr__json_set(json_object *o, const char *key, json_object *v)
{
    if (!v)
        return ctr__oom("a JSON member");
    if (json_object_object_add(o, key, v) < 0) {
        json_object_put(v);
        return ctr__oom("a JSON member");
    }
    return 0;
}

int ctr__json_add_str(json_object *o, const char *key, const char *value)
{
    if (!value)
        return 0;
    return ctr__json_set(o, key, json_object_new_string(value));
}

int ctr__json_add_int(json_object *o, const char *key, int64_t value)
{
    return ctr__json_set(o, key, json_object_new_int64(value));
}

int ctr__json_add_bool(json_object *o, const char *key, bool value)
{
    return ctr__json_set(o, key, json_object_new_boolean(value));
}

json_object *ctr__json_strv(char *const *v)
{
    json_object *a = json_object_new_array();
    if (!a)
        return NULL;
    for (; v && *v; v++) {
        json_object *s = json_object_new_string(*v);
        if (!s || json_object_array_add(a, s) < 0) {
            json_object_put(s);
            json_object_put(a);
            return NULL;
        }
    }
    return a;
}

int ctr__json_add_strv(json_object *o, const char *key, char *const *v)
{
    return ctr__json_set(o, key, ctr__json_strv(v));
}

static json_object *member(json_object *o, const char *key)
{
    json_object *v = NULL;
    if (!json_object_object_get_ex(o, key, &v))
        return NULL;
    return v;
}

const char *ctr__json_str(json_object *o, const char *key)
{
    json_object *v;
    if (!o || !json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
        return NULL;
    return json_object_get_string(v);
}

int ctr__json_get_str(json_object *o, const char *key, char **ret)
{
    json_object *v = member(o, key);
    if (!v)
        return 0;
    if (!json_object_is_type(v, json_type_string))
        return ctr__err(-EINVAL, "\"%s\" must be a string", key);
    char *s = strdup(json_object_get_string(v));
    if (!s)
        return ctr__oom("a JSON string");
    free(*ret);
    *ret = s;
    return 0;
}

int ctr__json_get_int(json_object *o, const char *key, int64_t *ret)
{
    json_object *v = member(o, key);
    if (!v)
        return 0;
    if (!json_object_is_type(v, json_type_int))
        return ctr__err(-EINVAL, "\"%s\" must be an integer", key);
    *ret = json_object_get_int64(v);
    return 0;
}

int ctr__json_get_bool(json_object *o, const char *key, bool *ret)
{
    json_object *v = member(o, key);
    if (!v)
        return 0;
    if (!json_object_is_type(v, json_type_boolean))
        return ctr__err(-EINVAL, "\"%s\" must be a boolean", key);
    *ret = json_object_get_boolean(v);
    return 0;
}

int ctr__json_get_strv(json_object *o, const char *key, char ***ret)
{
    json_object *v = member(o, key);
    if (!v)
        return 0;
    if (!json_object_is_type(v, json_type_array))
        return ctr__err(-EINVAL, "\"%s\" must be an array of strings", key);
    size_t n = json_object_array_length(v);
    _cleanup_strv_ char **r = calloc(n + 1, sizeof *r);
    if (!r)
        return ctr__oom("a JSON string array");
    for (size_t i = 0; i < n; i++) {
        json_object *e = json_object_array_get_idx(v, i);
        if (!json_object_is_type(e, json_type_string))
            return ctr__err(-EINVAL, "\"%s\" must be an array of strings", key);
        r[i] = strdup(json_object_get_string(e));
        if (!r[i])
            return ctr__oom("a JSON string array");
    }
    ctr__strv_free(*ret);
    *ret = TAKE_PTR(r);
    return 0;
}

json_object *ctr__json_kv_object(char *const *v)
{
    json_object *o = json_object_new_object();
    for (; o && v && *v; v++) {
        size_t k = strcspn(*v, "=");
        _cleanup_free_ char *key = strndup(*v, k);
        json_object *val = json_object_new_string((*v)[k] ? *v + k + 1 : "");
        if (!key || !val || json_object_object_add(o, key, val) < 0) {
            json_object_put(val);
            json_object_put(o);
            return NULL;
        }
    }
    return o;
}
