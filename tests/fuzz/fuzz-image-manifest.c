/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Image manifest, image config and docker-archive manifest.json parsing,
 * and config changes applied to what parsed. */
#include <json-c/json.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/error.h"
#include "storage/store.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    if (!s)
        return 0;
    memcpy(s, data, size);
    s[size] = '\0';
    struct ctr__manifest m;
    if (ctr__manifest_parse(s, &m) == 0)
        ctr__manifest_clear(&m);
    json_object *cfg = NULL;
    char **ids = NULL;
    if (ctr__image_config_parse(s, &cfg, &ids) == 0) {
        json_object *c;
        static const char *const changes[] = { "ENV A=b", "LABEL x=y", "EXPOSE 80", "VOLUME /v", "CMD [\"a\"]", NULL };
        if (json_object_object_get_ex(cfg, "config", &c) && json_object_is_type(c, json_type_object))
            ctr__config_apply_changes(c, changes);
        json_object_put(cfg);
        ctr__strv_free(ids);
    }
    /* The input as a change list too (one instruction per line). */
    char *lines[16] = { 0 };
    size_t n = 0;
    for (char *save = NULL, *t = strtok_r(s, "\n", &save); t && n < 15; t = strtok_r(NULL, "\n", &save))
        lines[n++] = t;
    json_object *o = json_object_new_object();
    if (o) {
        ctr__config_apply_changes(o, (const char *const *)lines);
        json_object_put(o);
    }
    free(s);
    return 0;
}
