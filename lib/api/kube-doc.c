/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Taking typed fields out of Kubernetes documents (see kube-doc.h). */
#include "api/kube-doc.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/error.h"
#include "base/util.h"

json_object *ctr__kdoc_take(json_object *o, const char *key)
{
    json_object *v = NULL;
    if (!json_object_is_type(o, json_type_object) || !json_object_object_get_ex(o, key, &v))
        return NULL;
    json_object_get(v);
    json_object_object_del(o, key);
    return v;
}

void ctr__kdoc_path(char *buf, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, CTR__KPATH_MAX, fmt, ap);
    va_end(ap);
}

static int wrong_type(const char *path, const char *key, const char *want)
{
    return ctr__err(-EINVAL, "%s%s%s: %s expected", path, *path ? "." : "", key, want);
}

static int take_typed(json_object *o, const char *path, const char *key, json_type type, const char *want,
                      json_object **ret)
{
    *ret = ctr__kdoc_take(o, key);
    if (!*ret || json_object_is_type(*ret, type))
        return 0;
    json_object_put(*ret);
    *ret = NULL;
    return wrong_type(path, key, want);
}

int ctr__kdoc_str(struct ctr__kdoc *d, json_object *o, const char *path, const char *key, const char **ret)
{
    json_object *v = NULL;
    int r = take_typed(o, path, key, json_type_string, "a string (quote a number or a yes/no)", &v);
    *ret = NULL;
    if (v && !(*ret = ctr__arena_strdup(d->arena, json_object_get_string(v))))
        r = -ENOMEM;
    json_object_put(v);
    return r;
}

int ctr__kdoc_int(struct ctr__kdoc *d, json_object *o, const char *path, const char *key, int64_t *ret, bool *present)
{
    (void)d;
    json_object *v = NULL;
    int r = take_typed(o, path, key, json_type_int, "an integer", &v);
    if ((*present = v != NULL))
        *ret = json_object_get_int64(v);
    json_object_put(v);
    return r;
}

int ctr__kdoc_bool(struct ctr__kdoc *d, json_object *o, const char *path, const char *key, bool *ret, bool *present)
{
    (void)d;
    json_object *v = NULL;
    int r = take_typed(o, path, key, json_type_boolean, "true or false", &v);
    if ((*present = v != NULL))
        *ret = json_object_get_boolean(v);
    json_object_put(v);
    return r;
}

int ctr__kdoc_strv_add(struct ctr__kdoc *d, const char *const **v, const char *s)
{
    size_t n = 0;
    while (*v && (*v)[n])
        n++;
    const char **nv = ctr__arena_alloc(d->arena, (n + 2) * sizeof(*nv));
    char *copy = ctr__arena_strdup(d->arena, s);
    if (!nv || !copy)
        return -ENOMEM;
    for (size_t i = 0; i < n; i++)
        nv[i] = (*v)[i];
    nv[n] = copy;
    *v = nv;
    return 0;
}

int ctr__kdoc_strv(struct ctr__kdoc *d, json_object *o, const char *path, const char *key, const char *const **ret)
{
    *ret = NULL;
    json_object *v = ctr__kdoc_take(o, key);
    if (!v)
        return 0;
    int r = json_object_is_type(v, json_type_array) ? 0 : wrong_type(path, key, "a list of strings");
    for (size_t i = 0; r == 0 && i < json_object_array_length(v); i++) {
        json_object *e = json_object_array_get_idx(v, i);
        r = json_object_is_type(e, json_type_string) ? ctr__kdoc_strv_add(d, ret, json_object_get_string(e))
                                                      : wrong_type(path, key, "a list of strings");
    }
    if (r == 0 && !*ret)
        *ret = ctr__arena_alloc(d->arena, sizeof(**ret)); /* an empty list: { NULL } */
    json_object_put(v);
    return r == 0 && !*ret ? -ENOMEM : r;
}

int ctr__kdoc_map(struct ctr__kdoc *d, json_object *o, const char *path, const char *key, const char *const **ret)
{
    *ret = NULL;
    json_object *v = ctr__kdoc_take(o, key);
    if (!v)
        return 0;
    int r = json_object_is_type(v, json_type_object) ? 0 : wrong_type(path, key, "a mapping of strings");
    if (r == 0) {
        json_object_object_foreach(v, k, val)
        {
            if (!json_object_is_type(val, json_type_string)) {
                r = ctr__err(-EINVAL, "%s.%s.%s: a string expected (quote it)", path, key, k);
                break;
            }
            char *kv = ctr__kdoc_printf(d, "%s=%s", k, json_object_get_string(val));
            r = kv ? ctr__kdoc_strv_add(d, ret, kv) : -ENOMEM;
            if (r < 0)
                break;
        }
    }
    json_object_put(v);
    return r;
}

int ctr__kdoc_object(json_object *o, const char *path, const char *key, json_object **ret)
{
    return take_typed(o, path, key, json_type_object, "a mapping", ret);
}

int ctr__kdoc_array(json_object *o, const char *path, const char *key, json_object **ret)
{
    return take_typed(o, path, key, json_type_array, "a list", ret);
}

char *ctr__kdoc_printf(struct ctr__kdoc *d, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = NULL;
    int n = vasprintf(&s, fmt, ap);
    va_end(ap);
    if (n < 0)
        return NULL;
    char *copy = ctr__arena_strdup(d->arena, s);
    free(s);
    return copy;
}

int ctr__kdoc_warn(struct ctr__kdoc *d, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = NULL;
    int n = vasprintf(&s, fmt, ap);
    va_end(ap);
    if (n < 0)
        return -ENOMEM;
    int r = ctr__strv_push(d->warnings, s);
    free(s);
    return r;
}

static bool is_empty_object(json_object *v)
{
    return json_object_is_type(v, json_type_object) && json_object_object_length(v) == 0;
}

int ctr__kdoc_leftovers(struct ctr__kdoc *d, json_object *o, const char *path)
{
    char sub[CTR__KPATH_MAX];
    if (json_object_is_type(o, json_type_array)) {
        for (size_t i = 0; i < json_object_array_length(o); i++) {
            ctr__kdoc_path(sub, "%s[%zu]", path, i);
            json_object *e = json_object_array_get_idx(o, i);
            int r = json_object_is_type(e, json_type_object) ? ctr__kdoc_leftovers(d, e, sub)
                                                             : ctr__kdoc_warn(d, "%s: not supported", sub);
            if (r < 0)
                return r;
        }
        return 0;
    }
    if (!json_object_is_type(o, json_type_object))
        return 0;
    json_object_object_foreach(o, key, v)
    {
        ctr__kdoc_path(sub, "%s%s%s", path, *path ? "." : "", key);
        int r = 0;
        if (json_object_is_type(v, json_type_object) && !is_empty_object(v))
            r = ctr__kdoc_leftovers(d, v, sub);
        else if (json_object_is_type(v, json_type_array) && json_object_array_length(v) > 0 &&
                 json_object_is_type(json_object_array_get_idx(v, 0), json_type_object))
            r = ctr__kdoc_leftovers(d, v, sub);
        else if (!is_empty_object(v))
            r = ctr__kdoc_warn(d, "%s: not supported", sub);
        if (r < 0)
            return r;
    }
    return 0;
}
