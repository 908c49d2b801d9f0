/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The container's mounts, /dev and pivot_root (see rootfs.h). */
#include <errno.h>
#include <fcntl.h>
#include <linux/mount.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "base/cgroup.h"
#include "native/cgroup.h"
#include "native/rootfs.h"

#define FD_PATH_MAX 32
#define COPYUP_DEPTH 32

int ctr__native_open_in_root(int root, const char *path, int flags, mode_t mode)
{
    struct open_how how = {
        .flags = (uint64_t)(flags | O_CLOEXEC),
        .mode = (flags & O_CREAT) ? mode : 0,
        .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
    };
    while (*path == '/')
        path++;
    for (;;) {
        long fd = syscall(SYS_openat2, root, *path ? path : ".", &how, sizeof how);
        if (fd >= 0)
            return (int)fd;
        if (errno != EAGAIN && errno != EINTR)
            return -errno;
    }
}

static void fd_path(char buf[FD_PATH_MAX], int fd)
{
    snprintf(buf, FD_PATH_MAX, "/proc/self/fd/%d", fd);
}

/* ---- targets ---- */

#define TARGET_LINKS_MAX 32

static int make_target_in(int root, const char *path, bool dir, int links);

/* The directory @prefix's parent resolves to (inside @root). */
static int open_parent(int root, char *prefix, char *name)
{
    if (name == prefix) {
        int fd = fcntl(root, F_DUPFD_CLOEXEC, 0);
        return fd < 0 ? -errno : fd;
    }
    name[-1] = '\0';
    int fd = ctr__native_open_in_root(root, prefix, O_PATH | O_DIRECTORY, 0);
    name[-1] = '/';
    return fd;
}

/* A dangling symlink @name in @parent on the way: the rest of the target
 * made along where it points (inside the root, as the mount's resolution
 * will go), as runc's in-root MkdirAll does. */
static int follow_link(int root, int parent, const char *prefix, const char *name, const char *rest, bool dir,
                       int links)
{
    char target[4096], next[4096];
    ssize_t n = readlinkat(parent, name, target, sizeof target - 1);

    if (n < 0)
        return -errno;
    target[n] = '\0';
    /* A relative link is relative to its directory: @prefix up to @name. */
    int len = target[0] == '/' ? snprintf(next, sizeof next, "%s/%s", target, rest)
                               : snprintf(next, sizeof next, "%.*s%s/%s", (int)(name - prefix), prefix, target, rest);
    if (len < 0 || (size_t)len >= sizeof next)
        return -ENAMETOOLONG;
    return make_target_in(root, next, dir, links + 1);
}

/* One component of make_target(): @prefix (ending with @name) made when
 * it does not resolve yet, in the directory its parent resolves to.
 * Returns 0, 1 when a link was followed for the @rest, or -errno. */
static int make_component(int root, char *prefix, char *name, const char *rest, bool dir, int links)
{
    bool file = !*rest && !dir;
    struct stat st;
    int fd = ctr__native_open_in_root(root, prefix, O_PATH, 0);

    if (fd >= 0) {
        close(fd);
        return 0;
    }
    if (fd != -ENOENT)
        return fd;
    int parent = open_parent(root, prefix, name);
    if (parent < 0)
        return parent;
    int r;
    if (fstatat(parent, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode))
        r = links >= TARGET_LINKS_MAX ? -ELOOP : follow_link(root, parent, prefix, name, rest, dir, links) ?: 1;
    else
        r = (file ? mknodat(parent, name, S_IFREG | 0644, 0) : mkdirat(parent, name, 0755)) < 0 && errno != EEXIST
                ? -errno
                : 0;
    close(parent);
    return r;
}

static int make_target_in(int root, const char *path, bool dir, int links)
{
    char buf[4096];
    size_t len = strlen(path);

    if (len >= sizeof buf)
        return -ENAMETOOLONG;
    memcpy(buf, path, len + 1);
    char *p = buf + strspn(buf, "/");
    while (*p) {
        char *end = p + strcspn(p, "/");
        const char *rest = end + strspn(end, "/");
        char saved = *end;
        *end = '\0';
        int r = make_component(root, buf, p, rest, dir, links);
        *end = saved;
        if (r != 0)
            return r < 0 ? r : 0;
        p = (char *)rest;
    }
    return 0;
}

/* Make every directory of @path inside @root, and its last component as a
 * directory (@dir) or an empty file; dangling symlinks on the way are
 * followed inside the root. */
static int make_target(int root, const char *path, bool dir)
{
    return make_target_in(root, path, dir, 0);
}

/* The target of @dest opened (O_PATH) inside @root, refused when it is the
 * root itself (a symlink to "/" at a mount target). */
static int open_target(int root, const char *dest, struct ctr__native_report *rep)
{
    struct stat st_root, st;
    int fd = ctr__native_open_in_root(root, dest, O_PATH, 0);

    if (fd < 0)
        return ctr__native_fail(rep, -fd, "opening the mount target %s in the rootfs", dest);
    if (fstat(root, &st_root) < 0 || fstat(fd, &st) < 0) {
        close(fd);
        return ctr__native_fail(rep, errno, "stat of the mount target %s", dest);
    }
    if (st.st_dev == st_root.st_dev && st.st_ino == st_root.st_ino && strcmp(dest, "/")) {
        close(fd);
        return ctr__native_fail(rep, EINVAL, "the mount target %s resolves to the rootfs itself", dest);
    }
    return fd;
}

/* ---- mounts ---- */

static int remount_bind(int root, const struct ctr__native_mount *m, struct ctr__native_report *rep)
{
    unsigned long keep = m->flags & ~(MS_BIND | MS_REC | MS_REMOUNT);
    char path[FD_PATH_MAX];
    struct statvfs sv;

    if (!keep)
        return 0;
    int fd = open_target(root, m->destination, rep);
    if (fd < 0)
        return fd;
    fd_path(path, fd);
    /* Flags the source mount has and the options do not clear stay. */
    if (fstatvfs(fd, &sv) == 0)
        keep |= (sv.f_flag & ST_NOSUID ? MS_NOSUID : 0) | (sv.f_flag & ST_NODEV ? MS_NODEV : 0) |
                (sv.f_flag & ST_NOEXEC ? MS_NOEXEC : 0);
    keep &= ~m->clear;
    int r = mount(NULL, path, NULL, MS_REMOUNT | MS_BIND | keep, NULL) < 0 ? -errno : 0;
    close(fd);
    return r < 0 ? ctr__native_fail(rep, -r, "remounting %s", m->destination) : 0;
}

static int mount_bind(int root, const struct ctr__native_spec *s, const struct ctr__native_mount *m,
                      struct ctr__native_report *rep)
{
    char src_path[4096], src[FD_PATH_MAX], dst[FD_PATH_MAX];
    struct stat st;

    if (!m->source)
        return ctr__native_fail(rep, EINVAL, "the bind mount %s has no source", m->destination);
    if ((size_t)snprintf(src_path, sizeof src_path, "%s%s%s", m->source[0] == '/' ? "" : s->bundle,
                         m->source[0] == '/' ? "" : "/", m->source) >= sizeof src_path)
        return ctr__native_fail(rep, ENAMETOOLONG, "bind source %s", m->source);
    _cleanup_close_ int sfd = open(src_path, O_PATH | O_CLOEXEC);
    if (sfd < 0 || fstat(sfd, &st) < 0)
        return ctr__native_fail(rep, errno, "opening the bind source %s", src_path);
    int r = make_target(root, m->destination, S_ISDIR(st.st_mode));
    if (r < 0)
        return ctr__native_fail(rep, -r, "making the mount target %s", m->destination);
    _cleanup_close_ int tfd = open_target(root, m->destination, rep);
    if (tfd < 0)
        return tfd;
    fd_path(src, sfd);
    fd_path(dst, tfd);
    if (mount(src, dst, NULL, MS_BIND | (m->flags & MS_REC), NULL) < 0)
        return ctr__native_fail(rep, errno, "bind mount of %s on %s", src_path, m->destination);
    return remount_bind(root, m, rep);
}

/* tmpcopyup: what the target directory held, copied into the new tmpfs. */
static int copy_tree(int from, int to, int depth);

static int copy_entry(int from, int to, const char *name, const struct stat *st, int depth)
{
    int r = 0;

    if (S_ISDIR(st->st_mode)) {
        if (mkdirat(to, name, st->st_mode & 07777) < 0 && errno != EEXIST)
            return -errno;
        int a = openat(from, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        int b = openat(to, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        r = a < 0 || b < 0 ? -errno : copy_tree(a, b, depth + 1);
        if (a >= 0)
            close(a);
        if (b >= 0)
            close(b);
    } else if (S_ISLNK(st->st_mode)) {
        char target[4096];
        ssize_t n = readlinkat(from, name, target, sizeof target - 1);
        if (n < 0)
            return -errno;
        target[n] = '\0';
        r = symlinkat(target, to, name) < 0 ? -errno : 0;
    } else if (S_ISREG(st->st_mode)) {
        int a = openat(from, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
        int b = openat(to, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, st->st_mode & 07777);
        char buf[65536];
        ssize_t n = 0;
        while (a >= 0 && b >= 0 && (n = read(a, buf, sizeof buf)) > 0 && ctr__write_all(b, buf, (size_t)n) == 0)
            ;
        r = a < 0 || b < 0 || n != 0 ? -EIO : 0;
        if (a >= 0)
            close(a);
        if (b >= 0)
            close(b);
    } else {
        r = mknodat(to, name, st->st_mode, st->st_rdev) < 0 ? -errno : 0;
    }
    if (r == 0 && fchownat(to, name, st->st_uid, st->st_gid, AT_SYMLINK_NOFOLLOW) < 0)
        r = -errno;
    return r;
}

static int copy_tree(int from, int to, int depth)
{
    if (depth > COPYUP_DEPTH)
        return -ELOOP;
    _cleanup_dir_ DIR *d = ctr__opendir_fd(from);
    struct dirent *de;
    struct stat st;
    int r = d ? 0 : -errno;

    while (r == 0 && (de = readdir(d)))
        if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
            r = fstatat(from, de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 ? -errno
                                                                         : copy_entry(from, to, de->d_name, &st, depth);
    return r;
}

static int mount_tmpfs_copyup(int root, int tfd, const struct ctr__native_mount *m, struct ctr__native_report *rep)
{
    char dst[FD_PATH_MAX], tmp[] = "/tmp/.ctr-copyup-XXXXXX";

    /* Mounted on a directory of this (new) mount namespace, filled, moved. */
    if (!mkdtemp(tmp))
        return ctr__native_fail(rep, errno, "tmpcopyup of %s: a temporary directory", m->destination);
    int r = mount("tmpfs", tmp, "tmpfs", m->flags & ~(MS_REC | MS_BIND | MS_RDONLY), m->data) < 0 ? -errno : 0;
    if (r == 0) {
        int from = openat(tfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        int to = open(tmp, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        r = from < 0 || to < 0 ? -errno : copy_tree(from, to, 0);
        if (from >= 0)
            close(from);
        if (to >= 0)
            close(to);
        fd_path(dst, tfd);
        if (r == 0 && mount(tmp, dst, NULL, MS_MOVE, NULL) < 0)
            r = -errno;
        if (r < 0)
            umount2(tmp, MNT_DETACH);
    }
    rmdir(tmp);
    if (r < 0)
        return ctr__native_fail(rep, -r, "tmpcopyup of %s", m->destination);
    if (!(m->flags & MS_RDONLY))
        return 0;
    /* Remounted through the moved mount (a new open), not the directory below. */
    _cleanup_close_ int again = open_target(root, m->destination, rep);
    if (again < 0)
        return again;
    fd_path(dst, again);
    if (mount(NULL, dst, NULL, MS_REMOUNT | (m->flags & ~(MS_REC | MS_BIND)), m->data) < 0)
        return ctr__native_fail(rep, errno, "remounting %s read-only", m->destination);
    return 0;
}

/* The v1 hierarchies bound from the container's own cgroup directories
 * (with the mount's flags), under a writable tmpfs at the target, as runc
 * does; a hybrid host's unified hierarchy is not shown, as with runc. */
static int mount_cgroup_v1(int root, const struct ctr__native_mount *m, const struct ctr__native_cgroup *cg,
                           struct ctr__native_report *rep);

static int mount_cgroup(int root, int tfd, const struct ctr__native_mount *m, const struct ctr__native_cgroup *cg,
                        struct ctr__native_report *rep)
{
    char dst[FD_PATH_MAX];

    if (!cg)
        return ctr__native_fail(rep, EOPNOTSUPP, "a cgroup mount at %s with no cgroup", m->destination);
    fd_path(dst, tfd);
    if (ctr__native_cgroup_is_v2(cg)) {
        if (mount("cgroup2", dst, "cgroup2", m->flags & ~(MS_REC | MS_BIND), NULL) < 0)
            return ctr__native_fail(rep, errno, "mount of cgroup2 on %s", m->destination);
        return 0;
    }
    return mount_cgroup_v1(root, m, cg, rep);
}

static int mount_one(int root, const struct ctr__native_spec *s, const struct ctr__native_mount *m,
                     const struct ctr__native_cgroup *cg, struct ctr__native_report *rep)
{
    char dst[FD_PATH_MAX];
    int r;

    if (m->bind)
        r = mount_bind(root, s, m, rep);
    else {
        r = make_target(root, m->destination, true);
        if (r < 0)
            return ctr__native_fail(rep, -r, "making the mount target %s", m->destination);
        _cleanup_close_ int tfd = open_target(root, m->destination, rep);
        if (tfd < 0)
            return tfd;
        fd_path(dst, tfd);
        if (streq(m->type, "cgroup"))
            r = mount_cgroup(root, tfd, m, cg, rep);
        else if (m->tmpcopyup && streq(m->type, "tmpfs"))
            r = mount_tmpfs_copyup(root, tfd, m, rep);
        else if (mount(m->source ? m->source : m->type, dst, m->type, m->flags & ~(MS_REC | MS_BIND), m->data) < 0)
            r = ctr__native_fail(rep, errno, "mount of %s (%s) on %s", m->source ? m->source : m->type, m->type,
                                 m->destination);
    }
    if (r < 0 || !m->propagation)
        return r;
    _cleanup_close_ int pfd = open_target(root, m->destination, rep);
    if (pfd < 0)
        return pfd;
    fd_path(dst, pfd);
    if (mount(NULL, dst, NULL, m->propagation, NULL) < 0)
        return ctr__native_fail(rep, errno, "setting the propagation of %s", m->destination);
    return 0;
}

/* ---- cgroup v1 ---- */

/* The hierarchy's mount point and controllers from one mountinfo line. */
static bool cgroup_v1_line(char *line, char **ret_point, char **ret_opts)
{
    char *sep = strstr(line, " - cgroup ");
    char *f = line;

    if (!sep)
        return false;
    for (int i = 0; i < 4 && f; i++)
        f = strchr(f + 1, ' ');
    if (!f)
        return false;
    *ret_point = f + 1;
    *strchr(f + 1, ' ') = '\0';
    char *opts = strchr(sep + 10, ' ');
    if (!opts)
        return false;
    *ret_opts = opts + 1;
    char *end = strchr(opts + 1, '\n');
    if (end)
        *end = '\0';
    return true;
}

/* The controller a hierarchy's options name first ("cpu" of
 * "rw,cpu,cpuacct"; "name=systemd"), into buf. */
static void first_controller(const char *opts, char *buf, size_t size)
{
    const char *p = opts;
    buf[0] = '\0';
    while (*p) {
        size_t n = strcspn(p, ",");
        if (n && strncmp(p, "rw", n) && strncmp(p, "ro", n) && n < size) {
            memcpy(buf, p, n);
            buf[n] = '\0';
            return;
        }
        p += n + (p[n] == ',');
    }
}

static int bind_hierarchy(int root, const struct ctr__native_mount *m, const char *point, const char *dir,
                          struct ctr__native_report *rep)
{
    char dest[4096];
    const char *base = strrchr(point, '/');
    struct ctr__native_mount bind = *m;

    if ((size_t)snprintf(dest, sizeof dest, "%s/%s", m->destination, base ? base + 1 : point) >= sizeof dest)
        return ctr__native_fail(rep, ENAMETOOLONG, "cgroup mount %s", point);
    bind.destination = dest;
    bind.source = dir;
    bind.flags = (m->flags & ~(MS_REC | MS_REMOUNT)) | MS_BIND;
    bind.propagation = 0;
    return mount_bind(root, NULL, &bind, rep);
}

static int mount_cgroup_v1(int root, const struct ctr__native_mount *m, const struct ctr__native_cgroup *cg,
                           struct ctr__native_report *rep)
{
    _cleanup_free_ char *mounts = NULL;
    char dst[FD_PATH_MAX], controller[64];
    int r = ctr__cgroup_mounts(&mounts);

    if (r < 0)
        return ctr__native_fail(rep, -r, "reading the cgroup mounts");
    _cleanup_close_ int tfd = open_target(root, m->destination, rep);
    if (tfd < 0)
        return tfd;
    fd_path(dst, tfd);
    if (mount("tmpfs", dst, "tmpfs", (m->flags & ~(MS_REC | MS_BIND | MS_RDONLY)), "mode=755") < 0)
        return ctr__native_fail(rep, errno, "mount of a tmpfs on %s", m->destination);
    for (char *line = mounts, *next; line && *line && r == 0; line = next) {
        char *point = NULL, *opts = NULL;
        next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        if (!cgroup_v1_line(line, &point, &opts))
            continue;
        first_controller(opts, controller, sizeof controller);
        const char *dir = ctr__native_cgroup_dir(cg, controller);
        if (dir)
            r = bind_hierarchy(root, m, point, dir, rep);
    }
    return r;
}

/* ---- /dev ---- */

static const struct ctr__native_device default_devices[] = {
    {"/dev/null", 'c', 1, 3, 0666, 0, 0},    {"/dev/zero", 'c', 1, 5, 0666, 0, 0},
    {"/dev/full", 'c', 1, 7, 0666, 0, 0},    {"/dev/tty", 'c', 5, 0, 0666, 0, 0},
    {"/dev/random", 'c', 1, 8, 0666, 0, 0},  {"/dev/urandom", 'c', 1, 9, 0666, 0, 0},
};

static int make_device(int root, const struct ctr__native_device *d, struct ctr__native_report *rep)
{
    char parent[4096];
    const char *slash = strrchr(d->path, '/');
    mode_t type = d->type == 'b' ? S_IFBLK : d->type == 'p' ? S_IFIFO : S_IFCHR;

    if ((size_t)(slash - d->path) >= sizeof parent)
        return ctr__native_fail(rep, ENAMETOOLONG, "device %s", d->path);
    memcpy(parent, d->path, (size_t)(slash - d->path));
    parent[slash - d->path] = '\0';
    int r = parent[0] ? make_target(root, parent, true) : 0;
    _cleanup_close_ int dir = r < 0 ? r : ctr__native_open_in_root(root, parent, O_PATH | O_DIRECTORY, 0);
    if (dir < 0)
        return ctr__native_fail(rep, -dir, "the directory of device %s", d->path);
    (void)unlinkat(dir, slash + 1, 0);
    mode_t old = umask(0);
    r = mknodat(dir, slash + 1, type | (d->mode & 07777), makedev(d->major, d->minor)) < 0 ? -errno : 0;
    umask(old);
    if (r == 0 && fchownat(dir, slash + 1, d->uid, d->gid, AT_SYMLINK_NOFOLLOW) < 0)
        r = -errno;
    return r < 0 ? ctr__native_fail(rep, -r, "creating device %s", d->path) : 0;
}

static bool dev_is_bound(const struct ctr__native_spec *s)
{
    for (size_t i = 0; i < s->n_mounts; i++)
        if (streq(s->mounts[i].destination, "/dev") && s->mounts[i].bind)
            return true;
    return false;
}

static int dev_links(int root, struct ctr__native_report *rep)
{
    static const char *const links[][2] = {
        {"/proc/self/fd", "fd"},     {"/proc/self/fd/0", "stdin"}, {"/proc/self/fd/1", "stdout"},
        {"/proc/self/fd/2", "stderr"}, {"pts/ptmx", "ptmx"},
    };
    _cleanup_close_ int dev = ctr__native_open_in_root(root, "/dev", O_PATH | O_DIRECTORY, 0);

    if (dev < 0)
        return ctr__native_fail(rep, -dev, "opening /dev in the rootfs");
    (void)unlinkat(dev, "ptmx", 0);
    for (size_t i = 0; i < ARRAY_SIZE(links); i++)
        if (symlinkat(links[i][0], dev, links[i][1]) < 0 && errno != EEXIST)
            return ctr__native_fail(rep, errno, "linking /dev/%s", links[i][1]);
    if (access("/proc/kcore", F_OK) == 0 && symlinkat("/proc/kcore", dev, "core") < 0 && errno != EEXIST)
        return ctr__native_fail(rep, errno, "linking /dev/core");
    return 0;
}

static int make_devices(int root, const struct ctr__native_spec *s, struct ctr__native_report *rep)
{
    int r = 0;

    /* runc's order: the default devices, the spec's, then the links
     * (/dev/ptmx is one even when the spec lists the device). */
    bool bound = dev_is_bound(s);
    for (size_t i = 0; !bound && i < ARRAY_SIZE(default_devices) && r == 0; i++)
        r = make_device(root, &default_devices[i], rep);
    for (size_t i = 0; i < s->n_devices && r == 0; i++)
        r = make_device(root, &s->devices[i], rep);
    if (r == 0 && !bound)
        r = dev_links(root, rep);
    return r;
}

/* ---- the steps ---- */

int ctr__native_rootfs_prepare(const struct ctr__native_spec *s, struct ctr__native_report *rep)
{
    unsigned long prop = s->rootfs_propagation ? s->rootfs_propagation : MS_SLAVE | MS_REC;

    if (mount(NULL, "/", NULL, prop, NULL) < 0)
        return ctr__native_fail(rep, errno, "setting the propagation of /");
    if (mount(s->rootfs, s->rootfs, NULL, MS_BIND | MS_REC, NULL) < 0)
        return ctr__native_fail(rep, errno, "bind mount of the rootfs %s", s->rootfs);
    if ((prop & (MS_SHARED | MS_PRIVATE)) && mount(NULL, s->rootfs, NULL, MS_PRIVATE, NULL) < 0)
        return ctr__native_fail(rep, errno, "making the rootfs mount private");
    return 0;
}

int ctr__native_rootfs_mounts(const struct ctr__native_spec *s, const struct ctr__native_cgroup *cg,
                              struct ctr__native_report *rep)
{
    _cleanup_close_ int root = open(s->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
    int r = 0;

    if (root < 0)
        return ctr__native_fail(rep, errno, "opening the rootfs %s", s->rootfs);
    for (size_t i = 0; i < s->n_mounts && r == 0; i++)
        r = mount_one(root, s, &s->mounts[i], cg, rep);
    if (r == 0)
        r = make_devices(root, s, rep);
    return r;
}

int ctr__native_rootfs_pivot(const struct ctr__native_spec *s, struct ctr__native_report *rep)
{
    _cleanup_close_ int old_root = open("/", O_DIRECTORY | O_RDONLY | O_CLOEXEC);
    _cleanup_close_ int new_root = open(s->rootfs, O_DIRECTORY | O_RDONLY | O_CLOEXEC);

    if (old_root < 0 || new_root < 0)
        return ctr__native_fail(rep, errno, "opening / and the rootfs for pivot_root");
    if (fchdir(new_root) < 0 || syscall(SYS_pivot_root, ".", ".") < 0)
        return ctr__native_fail(rep, errno, "pivot_root into %s", s->rootfs);
    if (fchdir(old_root) < 0 || mount(NULL, ".", NULL, MS_SLAVE | MS_REC, NULL) < 0 || umount2(".", MNT_DETACH) < 0)
        return ctr__native_fail(rep, errno, "detaching the old root");
    if (chdir("/") < 0)
        return ctr__native_fail(rep, errno, "chdir to the new root");
    return 0;
}

/* Flags a bind remount must keep (statvfs of the mount). */
static unsigned long kept_flags(const char *path)
{
    struct statvfs sv;
    if (statvfs(path, &sv) < 0)
        return 0;
    return (sv.f_flag & ST_NOSUID ? MS_NOSUID : 0) | (sv.f_flag & ST_NODEV ? MS_NODEV : 0) |
           (sv.f_flag & ST_NOEXEC ? MS_NOEXEC : 0);
}

static int readonly_path(const char *path, struct ctr__native_report *rep)
{
    char p[FD_PATH_MAX];
    _cleanup_close_ int fd = open(path, O_PATH | O_NOFOLLOW | O_CLOEXEC);

    if (fd < 0)
        return errno == ENOENT ? 0 : ctr__native_fail(rep, errno, "opening the read-only path %s", path);
    fd_path(p, fd);
    if (mount(p, p, NULL, MS_BIND | MS_REC, NULL) < 0)
        return ctr__native_fail(rep, errno, "bind mount of the read-only path %s", path);
    if (mount(NULL, path, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | kept_flags(path), NULL) < 0)
        return ctr__native_fail(rep, errno, "remounting %s read-only", path);
    return 0;
}

static int masked_path(int null_fd, const char *path, struct ctr__native_report *rep)
{
    char target[FD_PATH_MAX], null_path[FD_PATH_MAX];
    struct stat st;
    _cleanup_close_ int fd = open(path, O_PATH | O_NOFOLLOW | O_CLOEXEC);

    if (fd < 0)
        return errno == ENOENT ? 0 : ctr__native_fail(rep, errno, "opening the masked path %s", path);
    if (fstat(fd, &st) < 0)
        return ctr__native_fail(rep, errno, "stat of the masked path %s", path);
    fd_path(target, fd);
    fd_path(null_path, null_fd);
    int r = S_ISDIR(st.st_mode) ? mount("tmpfs", target, "tmpfs", MS_RDONLY, NULL)
                                : mount(null_path, target, NULL, MS_BIND, NULL);
    return r < 0 ? ctr__native_fail(rep, errno, "masking %s", path) : 0;
}

/* /dev/null, opened once and checked to be the null device (a container
 * image cannot make it a file or a link that would be bound instead). */
static int open_dev_null(struct ctr__native_report *rep)
{
    struct stat st;
    int fd = open("/dev/null", O_PATH | O_NOFOLLOW | O_CLOEXEC);

    if (fd < 0)
        return ctr__native_fail(rep, errno, "opening /dev/null");
    if (fstat(fd, &st) < 0 || !S_ISCHR(st.st_mode) || st.st_rdev != makedev(1, 3)) {
        close(fd);
        return ctr__native_fail(rep, EPERM, "/dev/null is not the null device");
    }
    return fd;
}

int ctr__native_rootfs_finish(const struct ctr__native_spec *s, struct ctr__native_report *rep)
{
    int r = 0;

    if (s->readonly && mount(NULL, "/", NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | kept_flags("/"), NULL) < 0)
        return ctr__native_fail(rep, errno, "remounting the rootfs read-only");
    for (size_t i = 0; s->readonly_paths && s->readonly_paths[i] && r == 0; i++)
        r = readonly_path(s->readonly_paths[i], rep);
    if (r < 0 || !s->masked || !s->masked[0])
        return r;
    _cleanup_close_ int null_fd = open_dev_null(rep);
    if (null_fd < 0)
        return null_fd;
    for (size_t i = 0; s->masked[i] && r == 0; i++)
        r = masked_path(null_fd, s->masked[i], rep);
    return r;
}
