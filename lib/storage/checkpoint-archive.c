/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A checkpoint exported to a tar file (podman's `checkpoint --export`) and
 * read back (`restore --import`), over the settings and a config, never a
 * handle (checkpoint-archive.h).
 *
 * The archive, uncompressed, holds:
 *   config.dump        the container's config document (data/config.c)
 *   checkpoint/        CRIU's images, as the runtime wrote them
 *   rootfs-diff.tar    an image-based container's read-write layer as a
 *                      layer tar (.wh. whiteouts), as a commit writes it
 *
 * Export stages the archive's tree in STATIC_DIR/.export (the images moved
 * in and back, a rename on one file system); import extracts the archive,
 * an untrusted tar, through tar-extract.c into ROOT/checkpoint-import/XXXXXX
 * (removed when done), reads its config, and once the new container exists
 * moves the images to its STATIC_DIR/checkpoint and applies the layer tar to
 * its layer the way a layer is unpacked. */
#include "storage/checkpoint-archive.h"

#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>

#include "base/error.h"
#include "storage/commit.h"
#include "storage/store.h"

#define EXPORT_DIR ".export"
#define CONFIG_DUMP "config.dump"
#define ROOTFS_DIFF "rootfs-diff.tar"
#define IMAGES "checkpoint"
#define CONFIG_MAX (16u << 20)

/* A directory made empty in dir_fd, opened. */
static int fresh_dir(int dir_fd, const char *name, int *ret_fd)
{
    int r = ctr__rm_rf_at(dir_fd, name);
    if (r < 0 && r != -ENOENT)
        return ctr__err(r, "cannot remove %s: %s", name, strerror(-r));
    if (mkdirat(dir_fd, name, 0700) < 0)
        return ctr__err(-errno, "cannot create %s: %m", name);
    *ret_fd = openat(dir_fd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    return *ret_fd < 0 ? ctr__err(-errno, "cannot open %s: %m", name) : 0;
}

/* The staged tree (images moved in) written to out_fd. */
static int export_staged(const struct ctr__settings *set, const struct ctr__config *cfg, int sfd, int xfd,
                         int out_fd)
{
    int r;
    if (cfg->image_id) {
        _cleanup_close_ int tfd = openat(xfd, ROOTFS_DIFF, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
        if (tfd < 0)
            return ctr__err(-errno, "cannot create " ROOTFS_DIFF ": %m");
        if ((r = ctr__storage_layer_tar(set, cfg, tfd)) < 0)
            return r;
    }
    if (renameat(sfd, IMAGES, xfd, IMAGES) < 0)
        return ctr__err(-errno, "cannot move %s/" IMAGES ": %m", cfg->static_dir);
    r = ctr__tar_create(xfd, out_fd, 0, NULL, NULL, NULL);
    if (renameat(xfd, IMAGES, sfd, IMAGES) < 0 && r >= 0)
        r = ctr__err(-errno, "cannot move the checkpoint back to %s/" IMAGES ": %m", cfg->static_dir);
    return r;
}

int ctr__ckpt_export(const struct ctr__settings *set, const struct ctr__config *cfg, const char *config_json,
                     int out_fd)
{
    _cleanup_close_ int sfd = open(cfg->static_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (sfd < 0)
        return ctr__err(-errno, "cannot open %s: %m", cfg->static_dir);
    _cleanup_close_ int xfd = -1;
    int r = fresh_dir(sfd, EXPORT_DIR, &xfd);
    if (r >= 0 && (r = ctr__write_file_at(xfd, CONFIG_DUMP, config_json, strlen(config_json), 0600, false)) < 0)
        ctr__err(r, "cannot write " CONFIG_DUMP ": %s", strerror(-r));
    if (r >= 0)
        r = export_staged(set, cfg, sfd, xfd, out_fd);
    ctr__rm_rf_at(sfd, EXPORT_DIR);
    return r;
}

/* Extract the archive on fd (untrusted) into dir_fd. */
static int extract(int fd, int dir_fd, const char *what)
{
    struct stat s;
    if (fstat(fd, &s) < 0)
        return ctr__err(-errno, "%s: %m", what);
    if (!S_ISREG(s.st_mode))
        return ctr__err(-EINVAL, "%s is not a regular file", what);
    struct ctr__src src = { .fd = fd, .off = 0, .size = (uint64_t)s.st_size };
    struct ctr__layer_result res;
    int r = ctr__layer_unpack(&src, NULL, NULL, -1, dir_fd, CTR__UNPACK_OVERLAY, NULL, &res);
    return r < 0 ? ctr__err_prefix(r, "%s", what) : 0;
}

void ctr__ckpt_import_free(struct ctr__ckpt_import *im)
{
    if (!im)
        return;
    ctr__closep(&im->dir_fd);
    if (im->dir)
        ctr__rm_rf(im->dir);
    free(im->dir);
    free(im->config_json);
    free(im);
}

/* The archive extracted into ROOT/checkpoint-import/XXXXXX. */
static int import_extract(const struct ctr__settings *set, int fd, const char *path, struct ctr__ckpt_import *im)
{
    _cleanup_free_ char *parent = ctr__asprintf("%s/checkpoint-import", set->root);
    if (!parent || !(im->dir = ctr__asprintf("%s/XXXXXX", parent)))
        return ctr__oom("a path");
    if (mkdir(parent, 0700) < 0 && errno != EEXIST)
        return ctr__err(-errno, "cannot create %s: %m", parent);
    if (!mkdtemp(im->dir)) {
        int r = ctr__err(-errno, "cannot create a directory in %s: %m", parent);
        free(TAKE_PTR(im->dir));
        return r;
    }
    if ((im->dir_fd = open(im->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
        return ctr__err(-errno, "cannot open %s: %m", im->dir);
    return extract(fd, im->dir_fd, path);
}

int ctr__ckpt_import_open(const struct ctr__settings *set, int fd, const char *path, struct ctr__ckpt_import **ret)
{
    _cleanup_(ctr__ckpt_import_freep) struct ctr__ckpt_import *im = calloc(1, sizeof *im);
    if (!im)
        return ctr__oom("an import");
    im->dir_fd = -1;
    int r = import_extract(set, fd, path, im);
    if (r < 0)
        return r;
    struct stat s;
    if (fstatat(im->dir_fd, CONFIG_DUMP, &s, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISREG(s.st_mode) ||
        s.st_size > CONFIG_MAX)
        return ctr__err(-EINVAL, "%s is not a checkpoint archive: it has no " CONFIG_DUMP, path);
    size_t size = 0;
    if ((r = ctr__read_file_at(im->dir_fd, CONFIG_DUMP, &im->config_json, &size)) < 0)
        return ctr__err(r, "reading " CONFIG_DUMP " of %s: %s", path, strerror(-r));
    if (strlen(im->config_json) != size)
        return ctr__err(-EINVAL, CONFIG_DUMP " of %s is not a config document", path);
    if (fstatat(im->dir_fd, IMAGES "/inventory.img", &s, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISREG(s.st_mode))
        return ctr__err(-EINVAL, "%s is not a checkpoint archive: it has no " IMAGES "/inventory.img", path);
    *ret = TAKE_PTR(im);
    return 0;
}

int ctr__ckpt_import_finish(struct ctr__ckpt_import *im, const struct ctr__settings *set,
                            const struct ctr__config *cfg)
{
    _cleanup_close_ int sfd = open(cfg->static_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (sfd < 0)
        return ctr__err(-errno, "cannot open %s: %m", cfg->static_dir);
    int r = ctr__rm_rf_at(sfd, IMAGES);
    if (r < 0 && r != -ENOENT)
        return ctr__err(r, "cannot remove %s/" IMAGES ": %s", cfg->static_dir, strerror(-r));
    if (renameat(im->dir_fd, IMAGES, sfd, IMAGES) < 0)
        return ctr__err(-errno, "cannot move the checkpoint to %s/" IMAGES ": %m", cfg->static_dir);
    _cleanup_close_ int tfd = openat(im->dir_fd, ROOTFS_DIFF, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (tfd < 0 && errno != ENOENT)
        return ctr__err(-errno, "%s/" ROOTFS_DIFF ": %m", im->dir);
    if (tfd < 0 || !cfg->image_id)
        return 0;
    return ctr__storage_layer_apply(set, cfg, tfd);
}
