/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The container config and state documents as read back from a state
 * backend (a backend is a plug-in; its bytes are not trusted): parse,
 * and when they parse, serialize and parse again to the same document. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "data/config.h"
#include "data/status.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';

    struct ctr__config *cfg = NULL;
    if (ctr__config_from_json(text, &cfg) == 0) {
        char *again = NULL;
        if (ctr__config_to_json(cfg, &again) == 0) {
            struct ctr__config *cfg2 = NULL;
            if (ctr__config_from_json(again, &cfg2) != 0)
                abort(); /* what we write, we must read */
            char *third = NULL;
            if (ctr__config_to_json(cfg2, &third) != 0 || strcmp(again, third) != 0)
                abort();
            free(third);
            ctr__config_unref(cfg2);
            free(again);
        }
        ctr__config_unref(cfg);
    }

    struct ctr__status st;
    ctr__status_init(&st);
    if (ctr__status_from_json(text, &st) == 0) {
        char *again = NULL;
        if (ctr__status_to_json(&st, &again) == 0) {
            struct ctr__status st2;
            ctr__status_init(&st2);
            if (ctr__status_from_json(again, &st2) != 0)
                abort();
            ctr__status_clear(&st2);
            free(again);
        }
    }
    ctr__status_clear(&st);
    free(text);
    return 0;
}
