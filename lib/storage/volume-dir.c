/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Named volumes' data.  Layout, as podman's:
 *
 *   ROOT/volumes/NAME/         0700, made by a volume's create
 *   ROOT/volumes/NAME/_data    0755, what containers mount; with the local
 *                              driver's options type=/device=/o=, a mount
 *                              (tmpfs, a bind of device=, a file system)
 *                              made when a container using it starts
 *
 * The record is the state backend's (kind "volume"); a directory without one
 * is what a create or remove that died left, removed by the next create of
 * the name or by a refresh.  Mounts on _data are the volume's own: made under
 * the volumes lock (core/volume.c), gone with a reboot.
 */
#include "storage/volume-dir.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "base/error.h"
#include "base/util.h"
#include "storage/store.h"

static char *volumes_dir(const struct ctr__settings *set)
{
    return ctr__asprintf("%s/volumes", set->root);
}

char *ctr__volume_data_path(const struct ctr__settings *set, const char *name)
{
    return ctr__asprintf("%s/volumes/%s/_data", set->root, name);
}

static int make_dir(const char *path, mode_t mode)
{
    if (mkdir(path, mode) < 0 && errno != EEXIST)
        return ctr__err(-errno, "cannot create %s: %m", path);
    struct stat st;
    if (lstat(path, &st) < 0)
        return ctr__err(-errno, "cannot stat %s: %m", path);
    if (!S_ISDIR(st.st_mode))
        return ctr__err(-EEXIST, "%s exists and is not a directory", path);
    return 0;
}

int ctr__volume_dir_create(const struct ctr__settings *set, const char *name)
{
    _cleanup_free_ char *top = volumes_dir(set), *dir = ctr__asprintf("%s/volumes/%s", set->root, name);
    _cleanup_free_ char *data = ctr__volume_data_path(set, name);
    if (!top || !dir || !data)
        return ctr__oom("a path");
    int r = ctr__volume_dir_remove(set, name); /* a leftover without a record */
    if (r < 0 || (r = make_dir(top, 0700)) < 0 || (r = make_dir(dir, 0700)) < 0 || (r = make_dir(data, 0755)) < 0)
        return r;
    (void)chmod(data, 0755);
    return 0;
}

int ctr__volume_dir_mounted(const struct ctr__settings *set, const char *name)
{
    _cleanup_free_ char *data = ctr__volume_data_path(set, name);
    if (!data)
        return ctr__oom("a path");
    struct statx sx;
    if (statx(AT_FDCWD, data, AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS, &sx) < 0)
        return errno == ENOENT ? 0 : ctr__err(-errno, "cannot stat %s: %m", data);
    if (sx.stx_attributes_mask & STATX_ATTR_MOUNT_ROOT)
        return (sx.stx_attributes & STATX_ATTR_MOUNT_ROOT) ? 1 : 0;
    /* An old kernel: a mount of another file system at least. */
    struct stat parent;
    _cleanup_free_ char *up = ctr__asprintf("%s/..", data);
    if (!up || stat(up, &parent) < 0)
        return up ? ctr__err(-errno, "cannot stat %s: %m", up) : ctr__oom("a path");
    return makedev(sx.stx_dev_major, sx.stx_dev_minor) != parent.st_dev;
}

int ctr__volume_dir_unmount(const struct ctr__settings *set, const char *name)
{
    int r = ctr__volume_dir_mounted(set, name);
    if (r <= 0)
        return r;
    _cleanup_free_ char *data = ctr__volume_data_path(set, name);
    if (!data)
        return ctr__oom("a path");
    if (umount2(data, MNT_DETACH) < 0 && errno != EINVAL && errno != ENOENT)
        return ctr__err(-errno, "cannot unmount volume %s (%s): %m", name, data);
    return 0;
}

int ctr__volume_dir_remove(const struct ctr__settings *set, const char *name)
{
    _cleanup_free_ char *dir = ctr__asprintf("%s/volumes/%s", set->root, name);
    if (!dir)
        return ctr__oom("a path");
    int r = ctr__volume_dir_unmount(set, name);
    if (r < 0)
        return r;
    if ((r = ctr__rm_rf(dir)) < 0 && r != -ENOENT)
        return ctr__err(r, "cannot remove %s: %s", dir, strerror(-r));
    return 0;
}

int ctr__volume_dir_mount(const struct ctr__settings *set, const struct ctr__volume *v)
{
    const char *type = NULL, *device = NULL;
    unsigned long flags = 0;
    _cleanup_free_ char *data = NULL;
    int r = ctr__volume_mount_args(v, &type, &device, &flags, &data);
    if (r <= 0)
        return r < 0 ? ctr__err_prefix(r, "volume %s", v->name) : 0;
    if ((r = ctr__volume_dir_mounted(set, v->name)) != 0)
        return r;
    _cleanup_free_ char *path = ctr__volume_data_path(set, v->name);
    if (!path)
        return ctr__oom("a path");
    bool bind = flags & MS_BIND;
    if (mount(device, path, type, bind ? flags & (MS_BIND | MS_REC) : flags, isempty(data) ? NULL : data) < 0)
        return ctr__err(-errno, "cannot mount volume %s (%s%s%s on %s): %m", v->name, type ? type : "bind",
                        device ? " " : "", device ? device : "", path);
    /* A bind mount takes its flags (ro, nosuid, ...) by a remount. */
    if (bind && (flags & (MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC)) &&
        mount(NULL, path, NULL, MS_REMOUNT | MS_BIND | (flags & (MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC)),
              NULL) < 0) {
        r = ctr__err(-errno, "cannot remount volume %s (%s) with its options: %m", v->name, path);
        (void)umount2(path, MNT_DETACH);
        return r;
    }
    return 1;
}

/* Whether the directory at fd has no entries: 1, 0, -errno. */
static int dir_empty(int fd)
{
    int dfd = openat(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0)
        return -errno;
    _cleanup_dir_ DIR *d = fdopendir(dfd);
    if (!d) {
        close(dfd);
        return -errno;
    }
    for (struct dirent *de; (de = readdir(d));)
        if (!streq(de->d_name, ".") && !streq(de->d_name, ".."))
            return 0;
    return 1;
}

int ctr__volume_dir_copy_up(const struct ctr__settings *set, const char *name, int root_fd, const char *path)
{
    _cleanup_free_ char *data = ctr__volume_data_path(set, name);
    if (!data)
        return ctr__oom("a path");
    _cleanup_close_ int dst = open(data, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (dst < 0)
        return ctr__err(-errno, "cannot open volume %s (%s): %m", name, data);
    int r = dir_empty(dst);
    if (r <= 0)
        return r < 0 ? ctr__err(r, "cannot read volume %s (%s): %s", name, data, strerror(-r)) : 0;
    _cleanup_close_ int src = ctr__openat_in_root(root_fd, path[0] == '/' ? path + 1 : path,
                                                  O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0, false);
    if (src < 0)
        return 0; /* nothing there in the image (or no directory) */
    struct stat st;
    if (fstat(src, &st) < 0)
        return ctr__err(-errno, "cannot stat %s in the root file system: %m", path);
    if (fchown(dst, st.st_uid, st.st_gid) < 0 && geteuid() == 0)
        return ctr__err(-errno, "cannot give volume %s the owner of %s: %m", name, path);
    if (fchmod(dst, st.st_mode & 07777) < 0)
        return ctr__err(-errno, "cannot give volume %s the mode of %s: %m", name, path);
    if ((r = ctr__tree_copy(src, dst, false)) < 0)
        return ctr__err_prefix(r, "copying %s of the image into volume %s", path, name);
    return 1;
}

int ctr__volume_dir_list(const struct ctr__settings *set, char ***ret)
{
    _cleanup_free_ char *top = volumes_dir(set);
    _cleanup_strv_ char **v = ctr__strv_copy(NULL);
    if (!top || !v)
        return ctr__oom("the volume directories");
    _cleanup_dir_ DIR *d = opendir(top);
    if (!d && errno != ENOENT)
        return ctr__err(-errno, "cannot read %s: %m", top);
    for (struct dirent *de; d && (de = readdir(d));) {
        if (de->d_name[0] == '.')
            continue;
        if (ctr__strv_push(&v, de->d_name) < 0)
            return ctr__oom("the volume directories");
    }
    *ret = TAKE_PTR(v);
    return 0;
}
