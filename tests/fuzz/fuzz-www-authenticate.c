/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The WWW-Authenticate header of a registry's 401: a parse that succeeds
 * names a known scheme. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "registry/challenge.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 65536)
        return 0;
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    struct ctr__challenge c = { 0 };
    if (ctr__challenge_parse(text, &c) == 0 && (!c.scheme || !(streq(c.scheme, "bearer") || streq(c.scheme, "basic"))))
        abort();
    ctr__challenge_clear(&c);
    free(text);
    return 0;
}
