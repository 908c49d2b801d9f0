/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A bundle's config.json as the native runtime reads it (native/spec.c):
 * any document either is refused with an error or gives a structure whose
 * strings and arrays can all be walked. */
#include <json-c/json.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "native/spec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static size_t walk_strv(const char *const *v)
{
    size_t n = 0;
    for (; v && *v; v++)
        n += strlen(*v);
    return n;
}

static void walk(const struct ctr__native_spec *s)
{
    volatile size_t n = strlen(s->rootfs) + walk_strv(s->process.args) + walk_strv(s->process.env) +
                        strlen(s->process.cwd) + walk_strv(s->masked) + walk_strv(s->readonly_paths);
    for (size_t i = 0; i < s->n_mounts; i++)
        n += strlen(s->mounts[i].destination) + strlen(s->mounts[i].type) + (s->mounts[i].data ? 1 : 0);
    for (size_t i = 0; i < s->n_devices; i++)
        n += strlen(s->devices[i].path);
    for (size_t i = 0; i < s->n_sysctls; i++)
        n += strlen(s->sysctls[i].key) + strlen(s->sysctls[i].value);
    for (size_t i = 0; i < s->process.n_groups; i++)
        n += s->process.groups[i];
    for (int k = 0; k < CTR_HOOK_KINDS; k++)
        for (size_t i = 0; i < s->hooks[k].n; i++)
            n += strlen(s->hooks[k].v[i].path) + walk_strv(s->hooks[k].v[i].args);
    (void)n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    json_object *doc = json_tokener_parse(text);
    free(text);
    if (!doc)
        return 0;
    struct ctr__native_spec s;
    if (ctr__native_spec_from_json(doc, "/bundle", &s) == 0) {
        walk(&s);
        ctr__native_spec_done(&s);
    }
    return 0;
}
