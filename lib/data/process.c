/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* SKELETON: to be written (issue 14). */
#include "data/process.h"

#include <string.h>

int ctr__process_check(const ctr_container_options_t *o)
{
    (void)o;
    return 0;
}

int ctr__process_copy(const ctr_container_options_t *o, struct ctr__process *p)
{
    (void)o;
    memset(p, 0, sizeof *p);
    return 0;
}

void ctr__process_clear(struct ctr__process *p)
{
    (void)p;
}

int ctr__process_to_json(const struct ctr__process *p, json_object *doc)
{
    (void)p;
    (void)doc;
    return 0;
}

int ctr__process_from_json(json_object *doc, struct ctr__process *p)
{
    (void)doc;
    memset(p, 0, sizeof *p);
    return 0;
}

int ctr__process_inspect(const struct ctr__process *p, json_object *config, json_object *host_config)
{
    (void)p;
    (void)config;
    (void)host_config;
    return 0;
}
