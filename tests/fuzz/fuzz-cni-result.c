/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libFuzzer target: a CNI plugin's result (what a plugin prints on ADD). */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "net/cni-result.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    struct ctr__cni_result r;
    memset(&r, 0x5a, sizeof r);
    if (ctr__cni_result_parse(text, &r) == 0) {
        for (size_t i = 0; i < r.n_ips; i++) {
            const struct ctr__cni_ip *ip = &r.ips[i];
            unsigned char bin[16];
            /* what was accepted is a valid address of its family */
            if ((ip->version != 4 && ip->version != 6) ||
                inet_pton(ip->version == 4 ? AF_INET : AF_INET6, ip->address, bin) != 1)
                abort();
            if (ip->prefix > (ip->version == 4 ? 32u : 128u))
                abort();
            if (ip->gateway[0] && inet_pton(ip->version == 4 ? AF_INET : AF_INET6, ip->gateway, bin) != 1)
                abort();
            if (ip->interface >= 0 && (size_t)ip->interface >= r.n_interfaces)
                abort();
            const struct ctr__cni_iface *iface = ctr__cni_result_iface(&r, ip);
            if (iface && (memchr(iface->name, 0, sizeof iface->name) == NULL || memchr(iface->mac, 0, sizeof iface->mac) == NULL))
                abort();
        }
        ctr__cni_result_done(&r);
    }
    free(text);
    return 0;
}
