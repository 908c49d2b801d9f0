/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Image references from users and documents: a parse that succeeds gives a
 * string that parses again to the same reference. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "registry/reference.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 4096)
        return 0;
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    struct ctr__ref r = { 0 }, again = { 0 };
    if (ctr__ref_parse(text, &r) == 0) {
        char *s = ctr__ref_string(&r);
        if (!s || ctr__ref_parse(s, &again) != 0 || !streq_null(r.domain, again.domain) ||
            !streq(r.path, again.path) || !streq_null(r.tag, again.tag) || !streq_null(r.digest, again.digest))
            abort(); /* the string of a reference is that reference */
        free(s);
        ctr__ref_clear(&again);
        struct ctr__ref q = { 0 };
        if (ctr__ref_qualify(&r, "docker.io", &q) == 0)
            ctr__ref_clear(&q);
    }
    ctr__ref_clear(&r);
    free(text);
    return 0;
}
