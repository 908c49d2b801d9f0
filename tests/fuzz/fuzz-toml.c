/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libFuzzer target: the TOML parser (registry/toml.c), which reads
 * registries.conf and its drop-ins.  Accepted input gives a table and no
 * error; refused input an error "LINE:COL: what" and no tree. */
#include <errno.h>
#include <json-c/json.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "registry/toml.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    json_object *o = NULL;
    char *err = NULL;
    int r = ctr__toml_parse((const char *)data, size, &o, &err);
    if (r == 0) {
        if (!json_object_is_type(o, json_type_object) || err)
            abort();
        /* the whole tree can be walked (and serialized) */
        if (!json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN))
            abort();
        json_object_put(o);
        return 0;
    }
    unsigned line, col;
    int used = 0;
    if (o || (r != -EINVAL && r != -ENOMEM) || (r == -EINVAL && !err))
        abort();
    if (err && (sscanf(err, "%u:%u: %n", &line, &col, &used) != 2 || used == 0 || line == 0 || col == 0))
        abort();
    free(err);
    return 0;
}
