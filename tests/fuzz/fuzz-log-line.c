/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libFuzzer target: one k8s-file log line. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/logs.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* an exactly sized copy: reads past the end are caught */
    char *line = malloc(size ? size : 1);
    if (!line)
        return 0;
    memcpy(line, data, size);

    struct ctr__log_line l;
    memset(&l, 0x5a, sizeof l);
    int r = ctr__log_parse_line(line, size, &l);
    if (r == 0) {
        if (l.stream != CTR__LOG_STDOUT && l.stream != CTR__LOG_STDERR)
            abort();
        if (l.msg < line || l.msg > line + size || l.msg_len > size || l.msg + l.msg_len > line + size)
            abort();
        /* the header is at most 45 bytes: what comes after it is the message */
        if ((size_t)(l.msg - line) > 46)
            abort();
        volatile char sink = 0;
        for (size_t i = 0; i < l.msg_len; i++)
            sink ^= l.msg[i];
        (void)sink;
        /* parsing a prefix that still holds the header gives the same header */
        struct ctr__log_line p;
        size_t hdr = (size_t)(l.msg - line);
        if (ctr__log_parse_line(line, hdr, &p) != 0 || p.timestamp != l.timestamp || p.stream != l.stream ||
            p.partial != l.partial)
            abort();
    } else if (r != -EINVAL && r != -ERANGE) {
        abort();
    }

    int64_t ns;
    size_t n = 0;
    r = ctr__log_parse_timestamp(line, size, &ns, &n);
    if (r == 0 && (n < 20 || n > size))
        abort();
    free(line);
    return 0;
}
