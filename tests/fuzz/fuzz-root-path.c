/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The walk of a mount destination in a root file system, whose symbolic
 * links are not trusted: the input is a link target, a newline and a
 * destination.  The link is made as /l in a scratch root, the destination
 * walked; a walk that succeeds gives a clean absolute path, and cleaning is
 * idempotent. */
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/root-path.h"
#include "base/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char root[] = "/tmp/fuzz-root-path.XXXXXX";

/* The scratch root goes with the run. */
static void remove_root(void)
{
    (void)ctr__rm_rf(root);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int made;
    if (!made && (!mkdtemp(root) || atexit(remove_root) != 0))
        abort();
    made = 1;
    if (size > 3 * PATH_MAX)
        return 0;
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    char *nl = strchr(text, '\n');
    const char *target = text, *dest = nl ? nl + 1 : "/l/x";
    if (nl)
        *nl = '\0';
    char link[PATH_MAX + 64];
    snprintf(link, sizeof link, "%s/l", root);
    unlink(link);
    if (*target && strlen(target) < PATH_MAX)
        (void)!symlink(target, link);

    char *resolved = NULL;
    if (ctr__root_path_resolve(root, dest, &resolved) == 0) {
        char clean[PATH_MAX];
        if (!resolved || resolved[0] != '/' || ctr__path_clean(resolved, clean, sizeof clean) < 0 ||
            strcmp(clean, resolved) != 0)
            abort(); /* a walk ends on a clean absolute path */
    }
    free(resolved);
    char a[PATH_MAX], b[PATH_MAX];
    if (ctr__path_clean(dest, a, sizeof a) >= 0 && (ctr__path_clean(a, b, sizeof b) < 0 || strcmp(a, b) != 0))
        abort(); /* cleaning a clean path changes nothing */
    free(text);
    return 0;
}
