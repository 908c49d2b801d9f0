/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libFuzzer target: registries.conf (registry/registries-conf.c over
 * registry/toml.c), anyone's file.  Accepted input gives a configuration
 * whose lookups work on it: every entry has a prefix, the entry found for
 * a prefix matches it, and resolution and pull sources give references or
 * clean errors. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/error.h"
#include "base/util.h"
#include "registry/registries-conf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_lookups(const struct ctr__regconf *c)
{
    static const char *const refs[] = {
        "example.com/foo/img:1",
        "docker.io/library/busybox",
        "a.b.example.org/x",
        "127.0.0.1:5000/ns/app@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
    };
    for (size_t i = 0; i < c->n_regs; i++) {
        if (!c->regs[i].prefix || (!c->regs[i].location && strncmp(c->regs[i].prefix, "*.", 2) != 0))
            abort();
        if (strncmp(c->regs[i].prefix, "*.", 2) != 0 && !ctr__regconf_find(c, c->regs[i].prefix))
            abort();
    }
    for (size_t i = 0; i < ARRAY_SIZE(refs); i++) {
        struct ctr__regconf_source *s = NULL;
        size_t n = 0;
        int r = ctr__regconf_pull_sources(c, refs[i], &s, &n);
        if (r == 0 && n == 0)
            abort();
        if (r < 0 && r != -EPERM && r != -ENOMEM)
            abort();
        ctr__regconf_sources_free(s, n);
    }
    static const char *const names[] = { "busybox", "fedora:39", "ns/app", "x" };
    for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
        char **v = NULL;
        int r = ctr__regconf_resolve(c, names[i], &v);
        if (r == 0 && (!v || !v[0]))
            abort();
        if (r < 0 && r != -EINVAL && r != -ENOMEM)
            abort();
        ctr__strv_free(v);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    struct ctr__regconf c = { 0 };
    int r = ctr__regconf_parse(text, "fuzz.conf", &c);
    if (r == 0) {
        if (!c.search || !c.aliases)
            abort();
        check_lookups(&c);
        ctr__regconf_clear(&c);
    } else if ((r != -EINVAL && r != -ENOMEM) || c.regs || c.search) {
        abort();
    }
    ctr__err_clear();
    free(text);
    return 0;
}
