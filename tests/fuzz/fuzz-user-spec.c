/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* An OCI runtime spec given by a user as the base of a container's spec:
 * generating from it must never crash, and what it produces must be JSON. */
#include <json-c/json.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "data/config.h"
#include "data/spec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char *const empty[] = { NULL };
    static char *const cmd[] = { "/bin/true", NULL };
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    struct ctr__config cfg = {
        .refs = 1,
        .id = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
        .name = "fuzz",
        .spec_json = text,
        .command = (char **)cmd,
        .env = (char **)empty,
        .dns_servers = (char **)empty,
        .dns_search = (char **)empty,
        .dns_options = (char **)empty,
        .hosts_add = (char **)empty,
        .labels = (char **)empty,
        .networks = (char **)empty,
        .volumes = (char **)empty,
        .exposed_ports = (char **)empty,
        .shm_size = 65536,
        .stop_signal = 15,
        .cgroup_parent = "/libctr_fuzz",
    };
    struct ctr__spec_ctx ctx = { .rootfs = "/nonexistent-fuzz-rootfs" };
    char *out = NULL;
    if (ctr__spec_generate(&cfg, &ctx, &out) == 0) {
        json_object *o = json_tokener_parse(out);
        if (!o)
            abort();
        json_object_put(o);
        free(out);
    }
    free(text);
    return 0;
}
