/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* docker-archive manifest.json parsing and image name normalization. */
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
    struct ctr__docker_manifest m;
    if (ctr__docker_manifest_parse(s, &m) == 0) {
        for (char **t = m.repo_tags; *t; t++) {
            char *n = NULL;
            if (ctr__image_name_normalize(*t, &n) == 0)
                free(n);
        }
        ctr__docker_manifest_clear(&m);
    }
    char *n = NULL;
    if (ctr__image_name_normalize(s, &n) == 0)
        free(n);
    free(s);
    return 0;
}
