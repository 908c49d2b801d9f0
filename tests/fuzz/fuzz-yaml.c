/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* YAML from kube play's callers (untrusted): parse; when it parses, write
 * the documents and read them again to the same trees. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "data/yaml.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void same_or_abort(json_object **a, json_object **b, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const char *x = json_object_to_json_string_ext(a[i], JSON_C_TO_STRING_PLAIN);
        const char *y = json_object_to_json_string_ext(b[i], JSON_C_TO_STRING_PLAIN);
        if (strcmp(x, y) != 0)
            abort(); /* what we write, we must read back */
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    json_object **docs = NULL, **again = NULL;
    size_t n = 0, m = 0;
    if (ctr__yaml_parse((const char *)data, size, &docs, &n) != 0)
        return 0;
    char *text = NULL;
    if (ctr__yaml_emit(docs, n, "# a header\n", 0, &text) != 0)
        abort();
    if (ctr__yaml_parse(text, strlen(text), &again, &m) != 0 || m != n)
        abort();
    same_or_abort(docs, again, n);
    free(text);
    ctr__yaml_docs_free(docs, n);
    ctr__yaml_docs_free(again, m);
    return 0;
}
