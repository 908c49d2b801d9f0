/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A pod's record as read back from a state backend (a plug-in; its bytes
 * are not trusted): parse, and when it parses, write it and read it again
 * to the same record, and make its cgroup path. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "data/pod.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    struct ctr__pod p = { 0 };
    if (ctr__pod_from_json(text, &p) == 0) {
        char *again = NULL, *third = NULL;
        struct ctr__pod q = { 0 };
        if (ctr__pod_to_json(&p, &again) != 0 || ctr__pod_from_json(again, &q) != 0 ||
            ctr__pod_to_json(&q, &third) != 0 || strcmp(again, third) != 0)
            abort(); /* what we write, we must read */
        free(ctr__pod_cgroup_path(&p));
        free(again);
        free(third);
        ctr__pod_clear(&q);
        ctr__pod_clear(&p);
    }
    free(text);
    return 0;
}
