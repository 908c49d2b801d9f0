/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A volume's record as read back from a state backend (a plug-in; its bytes
 * are not trusted): parse, and when it parses, write it, read it again to
 * the same record, and build its inspect document and filter matches. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "data/volume.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    struct ctr__volume v = { 0 };
    if (ctr__volume_from_json(text, &v) == 0) {
        char *again = NULL, *third = NULL;
        struct ctr__volume w = { 0 };
        if (ctr__volume_to_json(&v, &again) != 0 || ctr__volume_from_json(again, &w) != 0 ||
            ctr__volume_to_json(&w, &third) != 0 || strcmp(again, third) != 0)
            abort(); /* what we write, we must read */
        json_object *doc = NULL;
        if (ctr__volume_inspect(&v, "/x", 1, &doc) == 0)
            json_object_put(doc);
        const char *filters[] = { "label=a=b", "opt=type", "name=^v", NULL };
        (void)ctr__volume_filters_match(&v, filters, true);
        const char *type, *device;
        unsigned long flags;
        char *mdata = NULL;
        if (ctr__volume_mount_args(&v, &type, &device, &flags, &mdata) == 1)
            free(mdata);
        free(again);
        free(third);
        ctr__volume_clear(&w);
        ctr__volume_clear(&v);
    }
    free(text);
    return 0;
}
