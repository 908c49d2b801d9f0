/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* OCI image index parsing and manifest selection (nested indexes resolve
 * to the input itself, so nesting and the depth limit are exercised). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/error.h"
#include "storage/store.h"

static const char *input;

static int get_blob(void *userdata, const char *hex, char **ret, size_t *ret_size)
{
    *ret = strdup(input);
    if (!*ret)
        return -ENOMEM;
    *ret_size = strlen(*ret);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    if (!s)
        return 0;
    memcpy(s, data, size);
    s[size] = '\0';
    input = s;
    struct ctr__manifest_pick p = { 0 };
    for (int tag = 0; tag < 2; tag++)
        if (ctr__oci_index_pick(s, tag ? "latest" : NULL, get_blob, NULL, &p) == 0) {
            free(p.media_type);
            free(p.ref_name);
        }
    free(s);
    return 0;
}
