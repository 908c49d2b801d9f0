/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A pod's record (see pod.h).  The record is a JSON object:
 *
 *   {"version":1, "id":..., "name":..., "created":NS, "labels":[K=V...],
 *    "share":["ipc","net","uts"], "exitPolicy":"continue",
 *    "cgroupParent":..., "hostname":..., "infraId":..., "members":[ID...]}
 *
 * read back as untrusted input: a record that does not parse, or whose ID
 * or name is not one, is damage (-EUCLEAN). */
#include "data/pod.h"

#include <libctr/ctr-pod.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "base/error.h"
#include "base/json-util.h"
#include "base/names.h"
#include "base/util.h"
#include "data/config.h"

static const struct {
    const char *name;
    uint32_t bit;
} shares[] = {
    { "cgroup", CTR_POD_SHARE_CGROUP }, { "ipc", CTR_POD_SHARE_IPC }, { "net", CTR_POD_SHARE_NET },
    { "pid", CTR_POD_SHARE_PID },       { "uts", CTR_POD_SHARE_UTS },
};

void ctr__pod_clear(struct ctr__pod *p)
{
    free(p->id);
    free(p->name);
    ctr__strv_free(p->labels);
    free(p->cgroup_parent);
    free(p->hostname);
    free(p->infra_id);
    free(p->cpuset_cpus);
    free(p->cpuset_mems);
    ctr__strv_free(p->members);
    *p = (struct ctr__pod){ 0 };
}

char *ctr__pod_cgroup_path(const struct ctr__pod *p)
{
    const char *parent = p->cgroup_parent ? p->cgroup_parent : CTR__POD_CGROUP_PARENT;
    size_t n = strlen(parent);
    while (n > 1 && parent[n - 1] == '/')
        n--;
    return ctr__asprintf("%.*s/%s", (int)n, parent, p->id);
}

void ctr__pod_share_each(uint32_t share, void (*fn)(const char *name, uint32_t bit, void *ud), void *ud)
{
    for (size_t i = 0; i < ARRAY_SIZE(shares); i++)
        if (share & shares[i].bit)
            fn(shares[i].name, shares[i].bit, ud);
}

uint32_t ctr__pod_share_bit(const char *name)
{
    for (size_t i = 0; i < ARRAY_SIZE(shares); i++)
        if (streq(shares[i].name, name))
            return shares[i].bit;
    return 0;
}

const char *ctr__pod_exit_policy_name(int policy)
{
    return policy == CTR_POD_EXIT_CONTINUE ? "continue" : policy == CTR_POD_EXIT_STOP ? "stop" : NULL;
}

static void share_add(const char *name, uint32_t bit, void *ud)
{
    json_object *a = ud;
    json_object_array_add(a, json_object_new_string(name));
}

static json_object *share_array(uint32_t share)
{
    json_object *a = json_object_new_array();
    if (a)
        ctr__pod_share_each(share, share_add, a);
    return a;
}

/* The cgroup's limits, only those set. */
static int limits_to(json_object *o, const struct ctr__pod *p)
{
    const struct {
        const char *key;
        int64_t v;
    } n[] = { { "memory", p->memory }, { "memorySwap", p->memory_swap }, { "cpuQuota", p->cpu_quota },
              { "cpuPeriod", p->cpu_period } };
    int r = 0;
    for (size_t i = 0; i < ARRAY_SIZE(n) && r == 0; i++)
        if (n[i].v)
            r = ctr__json_add_int(o, n[i].key, n[i].v);
    if (r == 0)
        r = ctr__json_add_str(o, "cpusetCpus", p->cpuset_cpus);
    return r == 0 ? ctr__json_add_str(o, "cpusetMems", p->cpuset_mems) : r;
}

static int limits_from(json_object *o, struct ctr__pod *p)
{
    int r;
    if ((r = ctr__json_get_int(o, "memory", &p->memory)) < 0 || (r = ctr__json_get_int(o, "memorySwap", &p->memory_swap)) < 0 ||
        (r = ctr__json_get_int(o, "cpuQuota", &p->cpu_quota)) < 0 ||
        (r = ctr__json_get_int(o, "cpuPeriod", &p->cpu_period)) < 0 ||
        (r = ctr__json_get_str(o, "cpusetCpus", &p->cpuset_cpus)) < 0 ||
        (r = ctr__json_get_str(o, "cpusetMems", &p->cpuset_mems)) < 0)
        return ctr__err(-EUCLEAN, "pod record of %s: a limit has the wrong type", p->name);
    if (p->memory < 0 || p->memory_swap < -1 || p->cpu_quota < 0 || p->cpu_period < 0)
        return ctr__err(-EUCLEAN, "pod record of %s: a limit is out of range", p->name);
    return 0;
}

int ctr__pod_to_json(const struct ctr__pod *p, char **ret)
{
    _cleanup_json_ json_object *o = json_object_new_object();
    if (!o)
        return ctr__oom("a pod record");
    int r;
    if ((r = ctr__json_add_int(o, "version", CTR__POD_VERSION)) < 0 || (r = ctr__json_add_str(o, "id", p->id)) < 0 ||
        (r = ctr__json_add_str(o, "name", p->name)) < 0 || (r = ctr__json_add_int(o, "created", p->created)) < 0 ||
        (r = ctr__json_add_strv(o, "labels", p->labels)) < 0 ||
        (r = ctr__json_set(o, "share", share_array(p->share))) < 0 ||
        (r = ctr__json_add_str(o, "exitPolicy", ctr__pod_exit_policy_name(p->exit_policy))) < 0 ||
        (r = ctr__json_add_str(o, "cgroupParent", p->cgroup_parent)) < 0 ||
        (r = ctr__json_add_str(o, "hostname", p->hostname)) < 0 ||
        (r = ctr__json_add_str(o, "infraId", p->infra_id)) < 0 ||
        (r = ctr__json_add_strv(o, "members", p->members ? p->members : (char **)ctr__strv_empty)) < 0 ||
        (r = limits_to(o, p)) < 0)
        return r;
    return ctr__json_to_string(o, ret);
}

static bool id_ok(const char *id)
{
    return id && strlen(id) == 64 && strspn(id, "0123456789abcdef") == 64;
}

static int share_from(json_object *o, struct ctr__pod *p)
{
    json_object *a = json_object_object_get(o, "share");
    if (!a || !json_object_is_type(a, json_type_array))
        return ctr__err(-EUCLEAN, "pod record %.12s: \"share\" is not an array", p->id);
    p->share = 0;
    for (size_t i = 0; i < json_object_array_length(a); i++) {
        json_object *e = json_object_array_get_idx(a, i);
        uint32_t bit = json_object_is_type(e, json_type_string) ? ctr__pod_share_bit(json_object_get_string(e)) : 0;
        if (!bit)
            return ctr__err(-EUCLEAN, "pod record %.12s: \"share\" has an unknown namespace", p->id);
        p->share |= bit;
    }
    if (!p->share)
        p->share = CTR_POD_SHARE_NONE;
    return 0;
}

static int from_object(json_object *o, struct ctr__pod *p)
{
    int64_t version = 0;
    int r = ctr__json_get_int(o, "version", &version);
    if (r < 0 || version < 1)
        return ctr__err(-EUCLEAN, "pod record: no version");
    if (version > CTR__POD_VERSION)
        return ctr__err(-EPROTONOSUPPORT, "pod record of version %lld: this libctr reads version %d at most",
                        (long long)version, CTR__POD_VERSION);
    if ((r = ctr__json_get_str(o, "id", &p->id)) < 0 || !id_ok(p->id) ||
        (r = ctr__json_get_str(o, "name", &p->name)) < 0 || !ctr__name_valid(p->name))
        return ctr__err(-EUCLEAN, "pod record: no valid ID or name");
    const char *policy = ctr__json_str(o, "exitPolicy");
    p->exit_policy = policy && streq(policy, "stop") ? CTR_POD_EXIT_STOP : CTR_POD_EXIT_CONTINUE;
    if ((r = ctr__json_get_int(o, "created", &p->created)) < 0 ||
        (r = ctr__json_get_strv(o, "labels", &p->labels)) < 0 ||
        (r = ctr__json_get_str(o, "cgroupParent", &p->cgroup_parent)) < 0 ||
        (r = ctr__json_get_str(o, "hostname", &p->hostname)) < 0 ||
        (r = ctr__json_get_str(o, "infraId", &p->infra_id)) < 0 ||
        (r = ctr__json_get_strv(o, "members", &p->members)) < 0)
        return ctr__err(-EUCLEAN, "pod record of %s: a field has the wrong type", p->name);
    if (!p->members && !(p->members = ctr__strv_copy(NULL)))
        return ctr__oom("a pod");
    for (char **m = p->members; *m; m++)
        if (!id_ok(*m))
            return ctr__err(-EUCLEAN, "pod record of %s: a member's ID is not one", p->name);
    if (p->infra_id && !id_ok(p->infra_id))
        return ctr__err(-EUCLEAN, "pod record of %s: the infra container's ID is not one", p->name);
    if (!p->labels && !(p->labels = ctr__strv_copy(NULL)))
        return ctr__oom("a pod");
    if (ctr__labels_normalize(p->labels) < 0)
        return ctr__err(-EUCLEAN, "pod record of %s: bad labels", p->name);
    if ((r = limits_from(o, p)) < 0)
        return r;
    return share_from(o, p);
}

int ctr__pod_from_json(const char *json, struct ctr__pod *p)
{
    _cleanup_json_ json_object *o = NULL;
    struct ctr__pod n = { 0 };
    int r = ctr__json_parse(json, "pod record", &o);
    if (r < 0)
        return ctr__err(-EUCLEAN, "pod record: not JSON");
    if (!json_object_is_type(o, json_type_object))
        return ctr__err(-EUCLEAN, "pod record: not an object");
    if ((r = from_object(o, &n)) < 0) {
        ctr__pod_clear(&n);
        return r;
    }
    *p = n;
    return 0;
}
