/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Container storage: rootfs directories now; image layers arrive with the
 * image store. */
#include <sys/stat.h>

#include "error.h"
#include "storage/storage.h"

int ctr__storage_container_create(ctr_runtime_t *rt, struct ctr__config *cfg, const char *image_ref)
{
    return ctr__err(-EOPNOTSUPP, "image \"%s\": containers from images are not supported yet; give a rootfs directory",
                    image_ref);
}

void ctr__storage_forget(ctr_runtime_t *rt, const struct ctr__config *cfg)
{
}

int ctr__storage_mount(ctr_container_t *c, const char *mount_label, const char **ret_path)
{
    if (!c->cfg->rootfs)
        return ctr__err(-EOPNOTSUPP, CTR_CFMT " has no root file system", CTR_CARG(c));
    struct stat st;
    if (stat(c->cfg->rootfs, &st) < 0)
        return ctr__err(-errno, "root file system %s: %m", c->cfg->rootfs);
    if (!S_ISDIR(st.st_mode))
        return ctr__err(-ENOTDIR, "root file system %s is not a directory", c->cfg->rootfs);
    *ret_path = c->cfg->rootfs;
    return 0;
}

int ctr__storage_unmount(ctr_container_t *c, bool force)
{
    return 0;
}

int ctr__storage_delete(ctr_container_t *c)
{
    return 0;
}
