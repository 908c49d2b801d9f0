/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libFuzzer target: detach-key specs and the streaming matcher.
 * Input: the spec up to the first '\n', then the bytes typed; the first
 * byte of those picks the read size the relay sees. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/detach-keys.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *nl = memchr(data, '\n', size);
    size_t spec_len = nl ? (size_t)(nl - data) : size;
    char *spec = malloc(spec_len + 1);
    if (!spec)
        return 0;
    memcpy(spec, data, spec_len);
    spec[spec_len] = '\0';

    unsigned char keys[CTR__DETACH_KEYS_MAX];
    size_t nkeys = 12345;
    int r = ctr__detach_keys_parse(spec, keys, &nkeys);
    free(spec);
    if (r < 0) {
        if (nkeys != 12345)
            abort(); /* written on failure */
        return 0;
    }
    if (nkeys > CTR__DETACH_KEYS_MAX)
        abort();
    for (size_t i = 0; i < nkeys; i++)
        if (keys[i] >= 0x80)
            abort();

    if (!nl)
        return 0;
    const uint8_t *in = nl + 1;
    size_t in_len = size - spec_len - 1, chunk = 1;
    if (in_len > 0) {
        chunk = in[0] % 16 + 1;
        in++;
        in_len--;
    }

    struct ctr__detach_matcher m;
    ctr__detach_matcher_init(&m, keys, nkeys);
    uint8_t *out = malloc(in_len + CTR__DETACH_KEYS_MAX + 1), *all = malloc(in_len + CTR__DETACH_KEYS_MAX + 1);
    size_t all_len = 0;
    bool detached = false;
    if (!out || !all)
        abort();
    for (size_t off = 0; off < in_len && !detached; off += chunk) {
        size_t n = in_len - off < chunk ? in_len - off : chunk, k;
        detached = ctr__detach_matcher_feed(&m, in + off, n, out, &k);
        if (k > n + CTR__DETACH_KEYS_MAX)
            abort();
        memcpy(all + all_len, out, k);
        all_len += k;
    }
    if (!detached)
        all_len += ctr__detach_matcher_flush(&m, all + all_len);

    /* Reference: everything before the first occurrence, or everything. */
    const uint8_t *hit = nkeys ? memmem(in, in_len, keys, nkeys) : NULL;
    size_t want = hit ? (size_t)(hit - in) : in_len;
    if (detached != (hit != NULL) || all_len != want || memcmp(all, in, want) != 0)
        abort();
    free(out);
    free(all);
    return 0;
}
