/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* SKELETON: to be written (issue 14). */
#include "data/mounts.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int ctr__mounts_check(const ctr_container_options_t *o)
{
    (void)o;
    return 0;
}

int ctr__mounts_copy(const ctr_container_options_t *o, struct ctr__mounts *m)
{
    (void)o;
    memset(m, 0, sizeof *m);
    m->destinations = calloc(1, sizeof(char *));
    return m->destinations ? 0 : -ENOMEM;
}

void ctr__mounts_clear(struct ctr__mounts *m)
{
    free(m->destinations);
}

int ctr__mounts_to_json(const struct ctr__mounts *m, json_object *doc)
{
    (void)m;
    (void)doc;
    return 0;
}

int ctr__mounts_from_json(json_object *doc, struct ctr__mounts *m)
{
    (void)doc;
    memset(m, 0, sizeof *m);
    m->destinations = calloc(1, sizeof(char *));
    return m->destinations ? 0 : -ENOMEM;
}

int ctr__mounts_inspect(const struct ctr__mounts *m, json_object *inspect, json_object *host_config)
{
    (void)m;
    (void)inspect;
    (void)host_config;
    return 0;
}
