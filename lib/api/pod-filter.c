/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* ctr_pod_list_filter(): podman's `pod ps --filter`, over each pod's
 * inspect document (its labels, status, containers and networks). */
#include <libctr/ctr.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/error.h"
#include "base/filters.h"
#include "base/json-util.h"
#include "base/util.h"

typedef json_object J;

static const char *const filter_keys[] = { "ctr-ids", "ctr-names", "ctr-number", "ctr-status", "id",
                                           "label",   "name",      "network",    "status",     "until", NULL };

static int check_filter(const char *f)
{
    const char *eq = strchr(f, '=');
    size_t k = eq ? (size_t)(eq - f) : strlen(f);
    size_t i = 0;
    while (filter_keys[i] && !(strlen(filter_keys[i]) == k && strncmp(filter_keys[i], f, k) == 0))
        i++;
    if (!eq || !filter_keys[i])
        return ctr__err(-EINVAL, "%.*s is an invalid filter", (int)k, f);
    int64_t ns;
    char *end;
    if (streq(filter_keys[i], "until"))
        return ctr__filter_until_ns(eq + 1, &ns);
    if (streq(filter_keys[i], "ctr-number") && (strtol(eq + 1, &end, 10) < 0 || end == eq + 1 || *end))
        return ctr__err(-EINVAL, "ctr-number filter \"%.100s\": not a number", eq + 1);
    if (streq(filter_keys[i], "name") || streq(filter_keys[i], "id") || streq(filter_keys[i], "ctr-names"))
        return ctr__filter_regex_check(filter_keys[i], eq + 1);
    return 0;
}

/* podman's names of a container's state for ctr-status (configured is created). */
static const char *ctr_status(const char *state)
{
    return streq_null(state, "configured") ? "created" : state ? state : "unknown";
}

/* Whether a member of the inspect document's Containers has @key matching @val. */
static bool any_container(J *doc, const char *key, const char *val)
{
    J *arr = NULL;
    json_object_object_get_ex(doc, "Containers", &arr);
    for (size_t i = 0; json_object_is_type(arr, json_type_array) && i < json_object_array_length(arr); i++) {
        const char *v = ctr__json_str(json_object_array_get_idx(arr, i), key);
        bool m = streq(key, "State") ? streq(ctr_status(v), val)
                 : streq(key, "Id")  ? v && strncmp(v, val, strlen(val)) == 0
                                     : v && ctr__filter_regex_match(val, v);
        if (m)
            return true;
    }
    return false;
}

static bool labels_match(J *doc, const char *val)
{
    J *labels = NULL;
    json_object_object_get_ex(doc, "Labels", &labels);
    if (!json_object_is_type(labels, json_type_object))
        return false;
    json_object_object_foreach(labels, k, v)
    {
        _cleanup_free_ char *kv = ctr__asprintf("%s=%s", k, json_object_get_string(v));
        const char *one[] = { kv, NULL };
        if (kv && ctr__filter_kv_match(one, val))
            return true;
    }
    return false;
}

static bool network_match(J *doc, const char *val)
{
    J *ic = NULL, *nets = NULL;
    json_object_object_get_ex(doc, "InfraConfig", &ic);
    json_object_object_get_ex(ic, "Networks", &nets);
    for (size_t i = 0; json_object_is_type(nets, json_type_array) && i < json_object_array_length(nets); i++)
        if (streq(json_object_get_string(json_object_array_get_idx(nets, i)), val))
            return true;
    return false;
}

static bool one_matches(ctr_pod_t *pod, J *doc, const char *f)
{
    const char *val = strchr(f, '=') + 1;
    int64_t ns = 0;
    if (strncmp(f, "id=", 3) == 0)
        return ctr__filter_regex_match(val, ctr_pod_id(pod));
    if (strncmp(f, "name=", 5) == 0)
        return ctr__filter_regex_match(val, ctr_pod_name(pod));
    if (strncmp(f, "label=", 6) == 0)
        return labels_match(doc, val);
    if (strncmp(f, "status=", 7) == 0)
        return strcasecmp(val, ctr__json_str(doc, "State") ? ctr__json_str(doc, "State") : "") == 0;
    if (strncmp(f, "until=", 6) == 0)
        return ctr__filter_until_ns(val, &ns) == 0 && ctr_pod_created(pod) < ns;
    if (strncmp(f, "network=", 8) == 0)
        return network_match(doc, val);
    if (strncmp(f, "ctr-number=", 11) == 0)
        return json_object_get_int64(json_object_object_get(doc, "NumContainers")) == strtol(val, NULL, 10);
    if (strncmp(f, "ctr-ids=", 8) == 0)
        return any_container(doc, "Id", val);
    if (strncmp(f, "ctr-names=", 10) == 0)
        return any_container(doc, "Name", val);
    return any_container(doc, "State", val); /* ctr-status= */
}

/* podman's rule: the values of one key are alternatives, the keys all hold. */
static bool matches(ctr_pod_t *pod, J *doc, const char *const *filters)
{
    for (size_t i = 0; filters[i]; i++) {
        size_t k = (size_t)(strchr(filters[i], '=') - filters[i]);
        bool any = false, seen_before = false;
        for (size_t j = 0; j < i; j++)
            seen_before |= strncmp(filters[j], filters[i], k + 1) == 0;
        if (seen_before)
            continue; /* judged with the first of its key */
        for (size_t j = i; filters[j] && !any; j++)
            any = strncmp(filters[j], filters[i], k + 1) == 0 && one_matches(pod, doc, filters[j]);
        if (!any)
            return false;
    }
    return true;
}

/* Keep in @list (of *n) the pods that pass; the others are released. */
static int keep_matching(ctr_pod_t **list, size_t *n, const char *const *filters)
{
    size_t kept = 0;
    for (size_t i = 0; i < *n; i++) {
        _cleanup_free_ char *text = NULL;
        _cleanup_json_ J *doc = NULL;
        int r = ctr_pod_inspect(list[i], &text);
        if (r == 0)
            r = ctr__json_parse(text, "the pod's inspect document", &doc);
        if (r < 0 && r != -ENOENT)
            return r;
        if (r == 0 && matches(list[i], doc, filters))
            list[kept++] = list[i];
        else
            ctr_pod_unref(list[i]); /* removed meanwhile, or filtered out */
    }
    *n = kept;
    return 0;
}

CTR_EXPORT int ctr_pod_list_filter(ctr_runtime_t *rt, const char *const *filters, ctr_pod_t ***ret, size_t *ret_count)
{
    if (!ret || !ret_count)
        return ctr__err(-EINVAL, "ctr_pod_list_filter: NULL argument");
    for (size_t i = 0; filters && filters[i]; i++) {
        int r = check_filter(filters[i]);
        if (r < 0)
            return r;
    }
    ctr_pod_t **list = NULL;
    size_t n = 0;
    int r = ctr_pod_list(rt, &list, &n);
    if (r == 0 && filters && filters[0])
        r = keep_matching(list, &n, filters);
    if (r < 0) {
        ctr_pod_list_free(list, n);
        return r;
    }
    *ret = n ? list : (free(list), NULL);
    *ret_count = n;
    return 0;
}
