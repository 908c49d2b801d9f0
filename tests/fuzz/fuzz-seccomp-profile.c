/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libFuzzer target: a seccomp profile file (podman's/Docker's JSON format,
 * given by the user with --security-opt seccomp=FILE) turned into the OCI
 * linux.seccomp object. */
#include <json-c/json.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "data/seccomp-profile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool all_strings(json_object *a)
{
    for (size_t i = 0; i < json_object_array_length(a); i++)
        if (!json_object_is_type(json_object_array_get_idx(a, i), json_type_string))
            return false;
    return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    static const char *const caps[] = { "CAP_SYS_ADMIN", "CAP_CHOWN", NULL };
    json_object *out = NULL;
    if (ctr__seccomp_profile_convert(text, size % 2 ? caps : NULL, &out) == 0) {
        /* what was accepted has an action and only well-formed rules */
        json_object *v, *calls;
        if (!json_object_object_get_ex(out, "defaultAction", &v) || !json_object_is_type(v, json_type_string) ||
            !json_object_object_get_ex(out, "syscalls", &calls) || !json_object_is_type(calls, json_type_array))
            abort();
        for (size_t i = 0; i < json_object_array_length(calls); i++) {
            json_object *e = json_object_array_get_idx(calls, i), *names, *act;
            if (!json_object_object_get_ex(e, "names", &names) || !json_object_is_type(names, json_type_array) ||
                json_object_array_length(names) == 0 || !all_strings(names) ||
                !json_object_object_get_ex(e, "action", &act) || !json_object_is_type(act, json_type_string))
                abort();
        }
        json_object_put(out);
    } else if (out) {
        abort(); /* untouched on failure */
    }
    free(text);
    return 0;
}
