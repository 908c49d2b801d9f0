/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The import of an exported checkpoint (storage/checkpoint-archive.c) from
 * arbitrary bytes: extracted into ROOT/checkpoint-import/XXXXXX of a scratch
 * root, its config read; nothing may land outside the staging directory
 * (the canary beside the root) and nothing may be left in it afterwards. */
#include <dirent.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include "base/error.h"
#include "data/settings.h"
#include "storage/checkpoint-archive.h"

static char base[64], root[96], staging[128], canary[96];

static bool dir_empty(const char *path)
{
    DIR *d = opendir(path);
    if (!d)
        return true;
    struct dirent *e;
    bool empty = true;
    while ((e = readdir(d)))
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
            empty = false;
    closedir(d);
    return empty;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!base[0]) {
        snprintf(base, sizeof base, "/tmp/libctr-fuzz-XXXXXX");
        if (!mkdtemp(base))
            abort();
        snprintf(root, sizeof root, "%s/root", base);
        snprintf(staging, sizeof staging, "%s/checkpoint-import", root);
        snprintf(canary, sizeof canary, "%s/canary", base);
        if (mkdir(root, 0700) < 0 || mkdir(canary, 0700) < 0)
            abort();
    }
    int fd = memfd_create("archive", MFD_CLOEXEC);
    if (fd < 0 || ctr__write_all(fd, data, size) < 0)
        abort();
    struct ctr__settings set = { .root = root };
    struct ctr__ckpt_import *im = NULL;
    if (ctr__ckpt_import_open(&set, fd, "fuzz.tar", &im) == 0 && (!im->config_json || strlen(im->config_json) > (16u << 20)))
        abort();
    ctr__ckpt_import_free(im);
    close(fd);
    if (!dir_empty(staging) || !dir_empty(canary))
        abort();
    return 0;
}
