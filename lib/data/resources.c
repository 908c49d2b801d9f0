/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* SKELETON: to be written (issue 14). */
#include "data/resources.h"

#include <string.h>

int ctr__resources_check(const ctr_container_options_t *o)
{
    (void)o;
    return 0;
}

int ctr__resources_copy(const ctr_container_options_t *o, struct ctr__resources *res)
{
    (void)o;
    memset(res, 0, sizeof *res);
    return 0;
}

void ctr__resources_clear(struct ctr__resources *res)
{
    (void)res;
}

int ctr__resources_to_json(const struct ctr__resources *res, json_object *doc)
{
    (void)res;
    (void)doc;
    return 0;
}

int ctr__resources_from_json(json_object *doc, struct ctr__resources *res)
{
    (void)doc;
    memset(res, 0, sizeof *res);
    return 0;
}

int ctr__resources_spec(const struct ctr__resources *res, bool privileged, json_object *spec)
{
    (void)res;
    (void)privileged;
    (void)spec;
    return 0;
}

int ctr__resources_inspect(const struct ctr__resources *res, json_object *host_config)
{
    (void)res;
    (void)host_config;
    return 0;
}
