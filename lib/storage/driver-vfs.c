/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The vfs driver, for file systems without overlayfs: every layer is a
 * full copy of the tree, and a container's layer is a copy of its image's
 * top layer.  Mounting is then only handing out the directory. */
#include <fcntl.h>
#include <sys/stat.h>

#include "base/error.h"
#include "storage/store.h"

static int vfs_create(struct ctr__store *s, int dir_fd, const char *const *lower)
{
    if (mkdirat(dir_fd, "diff", 0755) < 0)
        return ctr__err(-errno, "cannot create a container layer: %m");
    size_t n = ctr__strv_len(lower);
    if (n == 0)
        return 0;
    _cleanup_close_ int src = open(lower[n - 1], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    _cleanup_close_ int dst = openat(dir_fd, "diff", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (src < 0 || dst < 0)
        return ctr__err(-errno, "cannot copy the image into a container layer: %m");
    struct stat st;
    if (fstat(src, &st) == 0) {
        if (geteuid() == 0)
            (void)!fchown(dst, st.st_uid, st.st_gid);
        fchmod(dst, st.st_mode & 07777);
    }
    return ctr__tree_copy(src, dst, false);
}

static int vfs_mount(struct ctr__store *s, const char *dir, const char *const *lower, const char *label,
                     char **ret_path)
{
    char *p = ctr__asprintf("%s/diff", dir);
    if (!p)
        return ctr__oom("a path");
    *ret_path = p;
    return 0;
}

static int vfs_unmount(struct ctr__store *s, const char *dir)
{
    return 0;
}

static bool vfs_is_mounted(const char *dir)
{
    return true;
}

const struct ctr__driver ctr__driver_vfs = {
    .name = "vfs",
    .create = vfs_create,
    .mount = vfs_mount,
    .unmount = vfs_unmount,
    .is_mounted = vfs_is_mounted,
};
