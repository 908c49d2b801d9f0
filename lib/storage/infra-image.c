/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The image of pods' infra containers (see infra-image.h): one layer that
 * holds the host's statically linked catatonit as /catatonit, imported as a
 * tarball with the entrypoint `/catatonit -P`, as podman builds its pause
 * image on first use. */
#include "storage/infra-image.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/error.h"
#include "storage/image.h"

/* The tar of one file, /catatonit, from @src on @out. */
static int write_tar(int src, const struct stat *st, int out)
{
    struct archive *a = archive_write_new();
    struct archive_entry *e = archive_entry_new();
    int r = 0;
    if (!a || !e) {
        r = ctr__oom("the infra image's layer");
        goto done;
    }
    archive_write_set_format_pax_restricted(a);
    archive_entry_set_pathname(e, "catatonit");
    archive_entry_set_filetype(e, AE_IFREG);
    archive_entry_set_perm(e, 0755);
    archive_entry_set_size(e, st->st_size);
    archive_entry_set_mtime(e, st->st_mtime, 0);
    if (archive_write_open_fd(a, out) != ARCHIVE_OK || archive_write_header(a, e) != ARCHIVE_OK) {
        r = ctr__err(-EIO, "the infra image's layer: %s", archive_error_string(a));
        goto done;
    }
    char buf[65536];
    for (ssize_t n; (n = read(src, buf, sizeof buf)) != 0;) {
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 || archive_write_data(a, buf, (size_t)n) != n) {
            r = n < 0 ? ctr__err(-errno, "reading catatonit: %m")
                      : ctr__err(-EIO, "the infra image's layer: %s", archive_error_string(a));
            goto done;
        }
    }
    if (archive_write_close(a) != ARCHIVE_OK)
        r = ctr__err(-EIO, "the infra image's layer: %s", archive_error_string(a));
done:
    archive_entry_free(e);
    if (a)
        archive_write_free(a);
    return r;
}

/* Import the image from catatonit at @path, named @name. */
static int make(const struct ctr__settings *set, const char *path, const char *name, char **ret_id)
{
    _cleanup_close_ int src = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (src < 0 || fstat(src, &st) < 0)
        return ctr__err(errno == ENOENT ? -ENOENT : -errno,
                        "the infra image needs catatonit at %s (Debian's package catatonit): %m", path);
    if (!S_ISREG(st.st_mode))
        return ctr__err(-EINVAL, "the infra image needs catatonit: %s is not a file", path);
    _cleanup_free_ char *tar = ctr__asprintf("%s/.infra-XXXXXX", set->root);
    if (!tar)
        return ctr__oom("a path");
    _cleanup_close_ int out = mkostemp(tar, O_CLOEXEC);
    if (out < 0)
        return ctr__err(-errno, "cannot create a file in %s: %m", set->root);
    int r = write_tar(src, &st, out);
    _cleanup_free_ char *ref = r == 0 ? ctr__asprintf("tarball:%s", tar) : NULL;
    if (r == 0 && !ref)
        r = ctr__oom("a reference");
    if (r == 0) {
        ctr_import_options_t o = CTR_IMPORT_OPTIONS_INIT;
        o.reference = ref;
        o.name = name;
        o.changes = (const char *const[]){ "ENTRYPOINT [\"/catatonit\", \"-P\"]", NULL };
        r = ctr__image_import(set, &o, ret_id);
    }
    unlink(tar);
    return r;
}

int ctr__storage_infra_image(const struct ctr__settings *set, const char *catatonit, char **ret_id)
{
    struct ctr__image_info info = { 0 };
    int r = ctr__image_find(set, CTR__INFRA_IMAGE, &info);
    if (r == 0) {
        *ret_id = info.id;
        info.id = NULL;
        ctr__image_info_clear(&info);
        return 0;
    }
    if (r != -ENOENT)
        return r;
    ctr__err_clear();
    return make(set, catatonit ? catatonit : CTR__INFRA_CATATONIT, CTR__INFRA_IMAGE, ret_id);
}
