/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The schema of libctr's records in a state database: its version is the
 * object record meta/schema, {"version":N}.
 *
 *   1  (no meta/schema record) libctr 0.6 and before: containers (a config
 *      may name a pod by any string) and volumes.
 *   2  libctr 0.7: pods, each record with the index of its members.
 *
 * A runtime that opens a database of schema 1 upgrades it under the runtime
 * lock before anything else reads it: every container whose config names a
 * pod that has a record is put in that pod's member index (a pod named by a
 * config written before pods existed has none: the container is kept as it
 * is, its pod a plain string), then the version is written.  Every step can
 * be done again, so an upgrade that dies half way is finished by the next
 * open.  A database of a newer schema is refused: this libctr would not
 * keep what it does not know of. */
#include "api/schema.h"

#include "base/error.h"
#include "base/json-util.h"
#include "core/pod.h"
#include "state/state.h"

#define SCHEMA_KIND "meta"
#define SCHEMA_NAME "schema"

/* The stored version: 1 when there is no record. */
static int read_version(ctr_runtime_t *rt, int64_t *ret, bool *ret_exists)
{
    _cleanup_free_ char *doc = NULL;
    int r = ctr__state_obj_get(ctr__runtime_state(rt), SCHEMA_KIND, SCHEMA_NAME, &doc);
    *ret_exists = r == 0;
    if (r == -ENOENT) {
        ctr__err_clear();
        *ret = 1;
        return 0;
    }
    if (r < 0)
        return r;
    _cleanup_json_ json_object *o = NULL;
    int64_t v = 0;
    if (ctr__json_parse(doc, "the state's schema record", &o) < 0 || !json_object_is_type(o, json_type_object) ||
        ctr__json_get_int(o, "version", &v) < 0 || v < 1)
        return ctr__err(-EUCLEAN, "the state's schema record (meta/schema) is damaged: \"%.64s\"", doc);
    *ret = v;
    return 0;
}

struct upgrade {
    ctr_runtime_t *rt;
    size_t containers, members;
    char **pairs; /* container ID, pod, container ID, pod, ...: the state is not called inside its iterate */
};

/* One container of a schema-1 database: noted when its config names a pod. */
static int note_member(const char *id, const char *config, const char *state, void *userdata)
{
    struct upgrade *u = userdata;
    u->containers++;
    _cleanup_(ctr__config_unrefp) struct ctr__config *cfg = NULL;
    if (ctr__runtime_config(u->rt, id, config, &cfg) < 0 || !cfg->pod || cfg->infra) {
        ctr__err_clear(); /* a damaged config is kept for ctr_container_remove() */
        return 0;
    }
    return ctr__strv_push(&u->pairs, id) < 0 || ctr__strv_push(&u->pairs, cfg->pod) < 0 ? ctr__oom("the upgrade") : 0;
}

/* Each noted container into its pod's member index. */
static int index_members(struct upgrade *u)
{
    for (char **p = u->pairs; p && p[0] && p[1]; p += 2) {
        int r = ctr__pod_member_add(u->rt, p[1], p[0]);
        if (r == -ENOENT) {
            ctr__err_clear();
            ctr__rt_log(u->rt, CTR_LOG_INFO,
                        "schema upgrade: container %.12s names pod \"%s\", which has no record: kept", p[0], p[1]);
            continue;
        }
        if (r < 0)
            return r;
        u->members++;
    }
    return 0;
}

static int write_version(ctr_runtime_t *rt, bool exists)
{
    char doc[64];
    snprintf(doc, sizeof doc, "{\"version\":%d}", CTR__SCHEMA_VERSION);
    struct ctr__state *s = ctr__runtime_state(rt);
    int r = exists ? ctr__state_obj_save(s, SCHEMA_KIND, SCHEMA_NAME, doc)
                   : ctr__state_obj_add(s, SCHEMA_KIND, SCHEMA_NAME, doc);
    return r < 0 ? ctr__err_prefix(r, "writing the state's schema version") : 0;
}

int ctr__schema_open_locked(ctr_runtime_t *rt)
{
    if (!ctr__state_has_objects(ctr__runtime_state(rt)))
        return 0;
    int64_t version = 0;
    bool exists = false;
    int r = read_version(rt, &version, &exists);
    if (r < 0 || version == CTR__SCHEMA_VERSION)
        return r;
    if (version > CTR__SCHEMA_VERSION)
        return ctr__err(-EPROTONOSUPPORT,
                        "the state in %s has schema version %lld, but this libctr knows version %d at most: "
                        "use a newer libctr",
                        ctr_runtime_root(rt), (long long)version, CTR__SCHEMA_VERSION);
    struct upgrade u = { .rt = rt };
    r = ctr__state_iterate(ctr__runtime_state(rt), CTR_STATE_ITER_CONFIG, note_member, &u);
    if (r == 0)
        r = index_members(&u);
    ctr__strv_free(u.pairs);
    if (r < 0 || (r = write_version(rt, exists)) < 0)
        return ctr__err_prefix(r, "upgrading the state from schema version %lld", (long long)version);
    if (u.containers)
        ctr__rt_log(rt, CTR_LOG_INFO, "state upgraded from schema version %lld to %d: %zu containers kept, %zu pod members indexed",
                    (long long)version, CTR__SCHEMA_VERSION, u.containers, u.members);
    return 0;
}
