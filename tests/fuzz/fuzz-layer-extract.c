/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Layer extraction of arbitrary bytes (any compression) into a scratch
 * root, in overlay and vfs modes and as a copy (podman cp's stream, with and
 * without overwrite); the scratch root is emptied after each input.  Anything landing outside it would show in the sibling canary. */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/error.h"
#include "storage/store.h"

static char base[64];
static int root_fd = -1, canary_fd = -1;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (root_fd < 0) {
        snprintf(base, sizeof base, "/tmp/libctr-fuzz-XXXXXX");
        if (!mkdtemp(base))
            abort();
        char p[128];
        snprintf(p, sizeof p, "%s/root", base);
        mkdir(p, 0755);
        root_fd = open(p, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        snprintf(p, sizeof p, "%s/canary", base);
        mkdir(p, 0755);
        canary_fd = open(p, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (root_fd < 0 || canary_fd < 0)
            abort();
    }
    int fd = memfd_create("layer", MFD_CLOEXEC);
    if (fd < 0 || ctr__write_all(fd, data, size) < 0)
        abort();
    for (int mode = 0; mode < 4; mode++) {
        struct ctr__src src = { .fd = fd, .off = 0, .size = size };
        struct ctr__layer_result lr;
        struct ctr__copy_extract o = { .overwrite = mode == 3 };
        if (mode < 2) {
            ctr__layer_unpack(&src, NULL, NULL, -1, root_fd, mode ? CTR__UNPACK_VFS : CTR__UNPACK_OVERLAY, NULL, &lr);
        } else if (lseek(fd, 0, SEEK_SET) == 0) {
            ctr__tar_extract_copy(fd, root_fd, &o);
        }
        /* Empty the scratch root for the next input. */
        char p[128];
        snprintf(p, sizeof p, "%s/root", base);
        ctr__rm_rf(p);
        mkdir(p, 0755);
        close(root_fd);
        root_fd = open(p, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        /* Nothing escaped into the canary beside it. */
        struct stat st;
        if (fstatat(canary_fd, "escaped", &st, AT_SYMLINK_NOFOLLOW) == 0)
            abort();
    }
    close(fd);
    return 0;
}
