/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The "resources" part of a container's config document as read back from
 * a state backend (its bytes are not trusted): parse; when it parses,
 * serialize and parse again to the same document, and map it onto the
 * cgroup v1 and v2 files. */
#include <json-c/json.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "data/resources.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char *to_text(const struct ctr__resources *res)
{
    json_object *doc = json_object_new_object();
    char *s = NULL;
    if (doc && ctr__resources_to_json(res, doc) == 0)
        s = strdup(json_object_to_json_string(doc));
    json_object_put(doc);
    return s;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    json_tokener *tok = json_tokener_new();
    if (!tok)
        return 0;
    json_object *doc = json_tokener_parse_ex(tok, (const char *)data, (int)(size > INT32_MAX ? INT32_MAX : size));
    json_tokener_free(tok);
    if (!doc)
        return 0;
    struct ctr__resources res;
    if (ctr__resources_from_json(doc, &res) == 0) {
        char *again = to_text(&res);
        if (again) {
            json_object *doc2 = json_tokener_parse(again);
            struct ctr__resources res2;
            if (!doc2 || ctr__resources_from_json(doc2, &res2) != 0)
                abort(); /* what we write, we must read */
            char *third = to_text(&res2);
            if (!third || strcmp(again, third) != 0)
                abort();
            free(third);
            ctr__resources_clear(&res2);
            json_object_put(doc2);
            free(again);
        }
        for (int v = 1; v <= 2; v++) {
            struct ctr__cgroup_file *f = NULL;
            size_t n = 0;
            if (ctr__resources_cgroup_files(&res, v, &f, &n) == 0)
                free(f);
        }
        ctr__resources_clear(&res);
    }
    json_object_put(doc);
    return 0;
}
