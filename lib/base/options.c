/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "base/options.h"

#include <errno.h>
#include <string.h>

#include "base/error.h"

static int check_version(const struct ctr__options_type *t, unsigned int version)
{
    if (version < 1 || version > t->newest)
        return ctr__err(-EINVAL, "%s version %u is not supported (1..%u)", t->what, version, t->newest);
    return 0;
}

int ctr__options_clear(const struct ctr__options_type *t, void *opts, unsigned int version)
{
    int r = check_version(t, version);
    if (r < 0)
        return r;
    memset(opts, 0, t->sizes[version]);
    memcpy(opts, &version, sizeof version);
    return 0;
}

int ctr__options_copy(const struct ctr__options_type *t, void *dst, const void *src)
{
    if (!src)
        return 0;
    unsigned int version;
    memcpy(&version, src, sizeof version);
    int r = check_version(t, version);
    if (r < 0)
        return r;
    memcpy(dst, src, t->sizes[version]);
    return 0;
}
