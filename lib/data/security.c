/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* SKELETON: to be written (issue 14). */
#include "data/security.h"

#include <string.h>

int ctr__security_check(const ctr_container_options_t *o)
{
    (void)o;
    return 0;
}

int ctr__security_copy(const ctr_container_options_t *o, struct ctr__security *sec)
{
    (void)o;
    memset(sec, 0, sizeof *sec);
    return 0;
}

void ctr__security_clear(struct ctr__security *sec)
{
    (void)sec;
}

int ctr__security_to_json(const struct ctr__security *sec, json_object *doc)
{
    (void)sec;
    (void)doc;
    return 0;
}

int ctr__security_from_json(json_object *doc, struct ctr__security *sec)
{
    (void)doc;
    memset(sec, 0, sizeof *sec);
    return 0;
}

int ctr__security_inspect(const struct ctr__security *sec, json_object *host_config)
{
    (void)sec;
    (void)host_config;
    return 0;
}
