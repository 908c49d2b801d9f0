/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The overlay driver: a container's root file system is an overlayfs
 * mount of the image's layer diffs (lower, nearest first) under its own
 * upper and work directories.  Long lower lists that do not fit one mount
 * option page go through the new mount API, one "lowerdir+" at a time. */
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include "base/error.h"
#include "storage/store.h"

static int overlay_create(struct ctr__store *s, int dir_fd, const char *const *lower)
{
    if (mkdirat(dir_fd, "diff", 0755) < 0 || mkdirat(dir_fd, "work", 0700) < 0 || mkdirat(dir_fd, "merged", 0755) < 0 ||
        mkdirat(dir_fd, "empty", 0755) < 0)
        return ctr__err(-errno, "cannot create a container layer: %m");
    /* The merged root shows the upper root: give it the image root's owner and mode. */
    size_t n = ctr__strv_len(lower);
    struct stat st;
    if (n > 0 && stat(lower[n - 1], &st) == 0) {
        _cleanup_close_ int fd = openat(dir_fd, "diff", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd >= 0) {
            if (fchown(fd, st.st_uid, st.st_gid) < 0 && geteuid() == 0)
                return ctr__err(-errno, "cannot set up a container layer: %m");
            fchmod(fd, st.st_mode & 07777);
        }
    }
    return 0;
}

static bool overlay_is_mounted(const char *dir)
{
    char merged[PATH_MAX];
    snprintf(merged, sizeof merged, "%s/merged", dir);
    struct stat a, b;
    return stat(merged, &a) == 0 && stat(dir, &b) == 0 && a.st_dev != b.st_dev;
}

static int mount_new_api(const char *merged, const char *const *lower, size_t n, const char *upper, const char *work,
                         const char *label)
{
    _cleanup_close_ int fs = (int)syscall(SYS_fsopen, "overlay", FSOPEN_CLOEXEC);
    if (fs < 0)
        return -errno;
    for (size_t i = n; i-- > 0;)
        if (syscall(SYS_fsconfig, fs, FSCONFIG_SET_STRING, "lowerdir+", lower[i], 0) < 0)
            return -errno;
    if (syscall(SYS_fsconfig, fs, FSCONFIG_SET_STRING, "upperdir", upper, 0) < 0 ||
        syscall(SYS_fsconfig, fs, FSCONFIG_SET_STRING, "workdir", work, 0) < 0 ||
        (label && syscall(SYS_fsconfig, fs, FSCONFIG_SET_STRING, "context", label, 0) < 0) ||
        syscall(SYS_fsconfig, fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
        return -errno;
    _cleanup_close_ int mfd = (int)syscall(SYS_fsmount, fs, FSMOUNT_CLOEXEC, 0);
    if (mfd < 0 || syscall(SYS_move_mount, mfd, "", AT_FDCWD, merged, MOVE_MOUNT_F_EMPTY_PATH) < 0)
        return -errno;
    return 0;
}

static int overlay_mount(struct ctr__store *s, const char *dir, const char *const *lower, const char *label,
                         char **ret_path)
{
    _cleanup_free_ char *merged = ctr__asprintf("%s/merged", dir), *upper = ctr__asprintf("%s/diff", dir),
                        *work = ctr__asprintf("%s/work", dir), *empty = ctr__asprintf("%s/empty", dir);
    if (!merged || !upper || !work || !empty)
        return ctr__oom("the overlay's paths");
    size_t n = ctr__strv_len(lower);
    const char *const none[] = { empty, NULL };
    if (n == 0) {
        lower = none;
        n = 1;
    }
    size_t len = 64 + strlen(upper) + strlen(work) + (label ? strlen(label) + 16 : 0);
    for (size_t i = 0; i < n; i++)
        len += strlen(lower[i]) + 1;
    int r;
    if (len < 4000) {
        _cleanup_free_ char *opts = malloc(len);
        if (!opts)
            return ctr__oom("the overlay's mount options");
        size_t o = (size_t)snprintf(opts, len, "lowerdir=");
        for (size_t i = n; i-- > 0;)
            o += (size_t)snprintf(opts + o, len - o, "%s%s", lower[i], i ? ":" : "");
        snprintf(opts + o, len - o, ",upperdir=%s,workdir=%s%s%s", upper, work, label ? ",context=" : "",
                 label ? label : "");
        r = mount("overlay", merged, "overlay", MS_NODEV, opts) < 0 ? -errno : 0;
    } else {
        r = mount_new_api(merged, lower, n, upper, work, label);
    }
    if (r < 0)
        return ctr__err(r, "cannot mount the overlay of %zu layers on %s: %s%s", n, merged, strerror(-r),
                        r == -ENODEV ? " (no overlayfs: use the vfs storage driver)" : "");
    *ret_path = TAKE_PTR(merged);
    return 0;
}

static int overlay_unmount(struct ctr__store *s, const char *dir)
{
    _cleanup_free_ char *merged = ctr__asprintf("%s/merged", dir);
    if (!merged)
        return ctr__oom("a path");
    if (umount2(merged, 0) < 0 && errno != EINVAL && errno != ENOENT) {
        if (errno != EBUSY || umount2(merged, MNT_DETACH) < 0)
            return ctr__err(-errno, "cannot unmount %s: %m", merged);
    }
    return 0;
}

const struct ctr__driver ctr__driver_overlay = {
    .name = "overlay",
    .create = overlay_create,
    .mount = overlay_mount,
    .unmount = overlay_unmount,
    .is_mounted = overlay_is_mounted,
};
