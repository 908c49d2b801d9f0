/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libFuzzer target: a network configuration file (a `.conflist` or `.conf`
 * from the configuration directory, anyone's), as libctr parses it and then
 * decides whether it can attach containers to it in-process. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/error.h"
#include "net/cni.h"
#include "net/native.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    struct ctr__cni_net *net = NULL;
    if (ctr__cni_net_parse(text, "fuzz.conflist", &net) == 0) {
        /* what was accepted has a name and at least one plugin */
        if (!net->name || !net->cni_version || net->n_plugins == 0 || !net->conf)
            abort();
        (void)ctr__native_eligible(net);
        ctr__cni_net_free(net);
    }
    ctr__err_clear();
    free(text);
    return 0;
}
