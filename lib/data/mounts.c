/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* SKELETON: to be written (issue 14).
 * STAND-IN (volumes branch): the smallest copy and JSON round trip of the
 * mounts, so that volume mounts reach the config; the mounts branch's
 * module replaces this file whole. */
#include "data/mounts.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "base/error.h"
#include "base/json-util.h"
#include "base/util.h"

int ctr__mounts_check(const ctr_container_options_t *o)
{
    for (size_t i = 0; o->mounts && i < o->n_mounts; i++)
        if (!o->mounts[i].destination || o->mounts[i].destination[0] != '/')
            return ctr__err(-EINVAL, "mount %zu: the destination must be an absolute path", i);
    return 0;
}

static int finish(struct ctr__mounts *m)
{
    m->destinations = calloc(m->n + 1, sizeof(char *));
    if (!m->destinations)
        return ctr__oom("the mounts");
    for (size_t i = 0; i < m->n; i++)
        m->destinations[i] = m->v[i].destination;
    return 0;
}

int ctr__mounts_copy(const ctr_container_options_t *o, struct ctr__mounts *m)
{
    memset(m, 0, sizeof *m);
    m->v = calloc(o->n_mounts + 1, sizeof *m->v);
    if (!m->v)
        return ctr__oom("the mounts");
    for (size_t i = 0; o->mounts && i < o->n_mounts; i++) {
        const ctr_mount_t *s = &o->mounts[i];
        struct ctr__mount *d = &m->v[m->n++];
        d->type = strdup(s->type ? s->type : "bind");
        d->source = ctr__strdup_null(s->source);
        d->destination = strdup(s->destination);
        d->options = ctr__strv_copy(s->options);
        d->anonymous = streq(d->type ? d->type : "", "volume") && isempty(s->source);
        if (!d->type || (s->source && !d->source) || !d->destination || !d->options)
            return ctr__oom("the mounts");
    }
    return finish(m);
}

void ctr__mounts_clear(struct ctr__mounts *m)
{
    for (size_t i = 0; m->v && i < m->n; i++) {
        free(m->v[i].type);
        free(m->v[i].source);
        free(m->v[i].destination);
        ctr__strv_free(m->v[i].options);
    }
    free(m->v);
    free(m->destinations);
    memset(m, 0, sizeof *m);
}

int ctr__mounts_add(struct ctr__mounts *m, const char *type, const char *source, const char *destination,
                    bool anonymous)
{
    struct ctr__mount *v = realloc(m->v, (m->n + 2) * sizeof *v);
    if (!v)
        return ctr__oom("the mounts");
    m->v = v;
    struct ctr__mount *d = &v[m->n];
    *d = (struct ctr__mount){ .type = strdup(type), .source = ctr__strdup_null(source),
                              .destination = strdup(destination), .options = ctr__strv_copy(NULL),
                              .anonymous = anonymous };
    m->n++;
    if (!d->type || (source && !d->source) || !d->destination || !d->options)
        return ctr__oom("the mounts");
    free(m->destinations);
    return finish(m);
}

int ctr__mounts_to_json(const struct ctr__mounts *m, json_object *doc)
{
    json_object *a = json_object_new_array();
    if (!a)
        return ctr__oom("the mounts");
    int r = ctr__json_set(doc, "mounts", a);
    for (size_t i = 0; r == 0 && i < m->n; i++) {
        json_object *o = json_object_new_object();
        if (!o || json_object_array_add(a, o) < 0) {
            json_object_put(o);
            return ctr__oom("the mounts");
        }
        const struct ctr__mount *e = &m->v[i];
        if ((r = ctr__json_add_str(o, "type", e->type)) < 0 || (r = ctr__json_add_str(o, "source", e->source)) < 0 ||
            (r = ctr__json_add_str(o, "destination", e->destination)) < 0 ||
            (r = ctr__json_add_strv(o, "options", e->options)) < 0 ||
            (r = ctr__json_add_bool(o, "anonymous", e->anonymous)) < 0)
            return r;
    }
    return r;
}

int ctr__mounts_from_json(json_object *doc, struct ctr__mounts *m)
{
    memset(m, 0, sizeof *m);
    json_object *a = json_object_object_get(doc, "mounts");
    size_t n = a && json_object_is_type(a, json_type_array) ? json_object_array_length(a) : 0;
    m->v = calloc(n + 1, sizeof *m->v);
    if (!m->v)
        return ctr__oom("the mounts");
    for (size_t i = 0; i < n; i++) {
        json_object *o = json_object_array_get_idx(a, i);
        struct ctr__mount *d = &m->v[m->n++];
        int r;
        if ((r = ctr__json_get_str(o, "type", &d->type)) < 0 || (r = ctr__json_get_str(o, "source", &d->source)) < 0 ||
            (r = ctr__json_get_str(o, "destination", &d->destination)) < 0 ||
            (r = ctr__json_get_strv(o, "options", &d->options)) < 0 ||
            (r = ctr__json_get_bool(o, "anonymous", &d->anonymous)) < 0)
            return r;
        if (!d->type || !d->destination || (!d->options && !(d->options = ctr__strv_copy(NULL))))
            return ctr__err(-EUCLEAN, "config: mounts[%zu] is incomplete", i);
    }
    return finish(m);
}

int ctr__mounts_inspect(const struct ctr__mounts *m, json_object *inspect, json_object *host_config)
{
    (void)m;
    (void)inspect;
    (void)host_config;
    return 0;
}
