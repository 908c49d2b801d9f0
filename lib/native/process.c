/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A container process's last steps before execve (see process.h). */
#include <cap-ng.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/close_range.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <termios.h>
#include <unistd.h>

#include "base/caps.h"
#include "native/process.h"
#include "native/seccomp.h"

#define DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

int ctr__native_process_limits(const struct ctr__native_process *p, struct ctr__native_report *rep)
{
    for (size_t i = 0; i < p->n_rlimits; i++)
        if (setrlimit(p->rlimits[i].resource, &p->rlimits[i].limit) < 0)
            return ctr__native_fail(rep, errno, "setting rlimit %d to %llu:%llu", p->rlimits[i].resource,
                                    (unsigned long long)p->rlimits[i].limit.rlim_cur,
                                    (unsigned long long)p->rlimits[i].limit.rlim_max);
    if (!p->has_oom_score_adj)
        return 0;
    char text[16];
    int n = snprintf(text, sizeof text, "%d", p->oom_score_adj);
    int fd = open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);
    int r = fd < 0 || write(fd, text, (size_t)n) != n ? -errno : 0;
    if (fd >= 0)
        close(fd);
    return r < 0 ? ctr__native_fail(rep, -r, "writing oom_score_adj %d", p->oom_score_adj) : 0;
}

/* ---- console ---- */

static int send_fd(int socket_fd, int fd)
{
    char name[] = "/dev/ptmx";
    union {
        struct cmsghdr h;
        char buf[CMSG_SPACE(sizeof(int))];
    } u = {0};
    struct iovec iov = {name, sizeof name};
    struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf, .msg_controllen = sizeof u.buf};
    struct cmsghdr *c = CMSG_FIRSTHDR(&msg);

    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(c), &fd, sizeof fd);
    return sendmsg(socket_fd, &msg, MSG_NOSIGNAL) < 0 ? -errno : 0;
}

static int open_pty(int *ret_master, int *ret_slave, struct ctr__native_report *rep)
{
    char name[64];
    int unlock = 0, n = -1;
    int master = open("/dev/pts/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);

    if (master < 0)
        return ctr__native_fail(rep, errno, "opening /dev/pts/ptmx");
    if (ioctl(master, TIOCSPTLCK, &unlock) < 0 || ioctl(master, TIOCGPTN, &n) < 0) {
        close(master);
        return ctr__native_fail(rep, errno, "unlocking the pty");
    }
    snprintf(name, sizeof name, "/dev/pts/%d", n);
    int slave = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (slave < 0) {
        close(master);
        return ctr__native_fail(rep, errno, "opening %s", name);
    }
    *ret_master = master;
    *ret_slave = slave;
    return 0;
}

static int bind_console(int slave, struct ctr__native_report *rep)
{
    char src[32];
    int fd = open("/dev/console", O_CREAT | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0600);

    if (fd < 0)
        return ctr__native_fail(rep, errno, "creating /dev/console");
    close(fd);
    snprintf(src, sizeof src, "/proc/self/fd/%d", slave);
    if (mount(src, "/dev/console", NULL, MS_BIND, NULL) < 0)
        return ctr__native_fail(rep, errno, "bind mount of the pty on /dev/console");
    return 0;
}

int ctr__native_process_console(const struct ctr__native_process *p, int socket_fd, bool bind,
                                struct ctr__native_report *rep)
{
    int master = -1, slave = -1;
    int r = open_pty(&master, &slave, rep);

    if (r < 0)
        return r;
    if (p->console_rows || p->console_cols) {
        struct winsize ws = {.ws_row = p->console_rows, .ws_col = p->console_cols};
        (void)ioctl(slave, TIOCSWINSZ, &ws);
    }
    r = send_fd(socket_fd, master);
    close(master);
    if (r < 0)
        r = ctr__native_fail(rep, -r, "sending the pty to the console socket");
    if (r == 0 && bind)
        r = bind_console(slave, rep);
    for (int i = 0; r == 0 && i < 3; i++)
        if (dup2(slave, i) < 0)
            r = ctr__native_fail(rep, errno, "making the pty stdio");
    if (r == 0 && ioctl(0, TIOCSCTTY, 0) < 0)
        r = ctr__native_fail(rep, errno, "making the pty the controlling terminal");
    close(slave);
    return r;
}

/* ---- identity ---- */

static void caps_into(uint64_t set, capng_type_t type)
{
    for (unsigned int cap = 0; cap < 64; cap++)
        if (set & (1ULL << cap))
            capng_update(CAPNG_ADD, type, cap);
}

int ctr__native_process_identity(const struct ctr__native_process *p, struct ctr__native_report *rep)
{
    const struct ctr__native_caps *c = &p->caps;

    capng_clear(CAPNG_SELECT_ALL);
    caps_into(c->bounding, CAPNG_BOUNDING_SET);
    if (capng_apply(CAPNG_SELECT_BOUNDS) < 0)
        return ctr__native_fail(rep, EPERM, "dropping capabilities from the bounding set");
    if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
        return ctr__native_fail(rep, errno, "keeping capabilities across setuid");
    if (setgroups(p->n_groups, p->groups) < 0)
        return ctr__native_fail(rep, errno, "setgroups");
    if (syscall(SYS_setresgid, p->gid, p->gid, p->gid) < 0)
        return ctr__native_fail(rep, errno, "setresgid %u", (unsigned)p->gid);
    if (syscall(SYS_setresuid, p->uid, p->uid, p->uid) < 0)
        return ctr__native_fail(rep, errno, "setresuid %u", (unsigned)p->uid);
    if (prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0)
        return ctr__native_fail(rep, errno, "clearing keep-capabilities");
    capng_clear(CAPNG_SELECT_CAPS | CAPNG_SELECT_AMBIENT);
    caps_into(c->effective, CAPNG_EFFECTIVE);
    caps_into(c->permitted, CAPNG_PERMITTED);
    caps_into(c->inheritable, CAPNG_INHERITABLE);
    if (capng_apply(CAPNG_SELECT_CAPS) < 0)
        return ctr__native_fail(rep, EPERM, "setting the effective, permitted and inheritable capabilities");
    if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
        return ctr__native_fail(rep, errno, "clearing the ambient capabilities");
    /* As runc: an ambient capability that is not also permitted and
     * inheritable (the kernel's rule) is not raised, and that is no error. */
    for (unsigned int cap = 0; cap < 64; cap++)
        if ((c->ambient & (1ULL << cap)) && prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0) < 0 &&
            errno != EPERM)
            return ctr__native_fail(rep, errno, "raising ambient capability %u", cap);
    return 0;
}

int ctr__native_process_cwd(const struct ctr__native_process *p, struct ctr__native_report *rep)
{
    char buf[4096];

    if (chdir(p->cwd) < 0)
        return ctr__native_fail(rep, errno, "chdir to the cwd %s", p->cwd);
    /* A directory outside the root (a leaked descriptor's) has no path
     * from it: getcwd() fails or answers "(unreachable)...". */
    if (!getcwd(buf, sizeof buf) || buf[0] != '/')
        return ctr__native_fail(rep, EPERM, "the cwd %s is outside the container", p->cwd);
    return 0;
}

/* ---- the program ---- */

static const char *env_path(const struct ctr__native_process *p)
{
    for (size_t i = 0; p->env && p->env[i]; i++)
        if (!strncmp(p->env[i], "PATH=", 5))
            return p->env[i] + 5;
    return DEFAULT_PATH;
}

int ctr__native_process_find(const struct ctr__native_process *p, char *buf, size_t size,
                             struct ctr__native_report *rep)
{
    const char *name = p->args[0];
    struct stat st;

    if (strchr(name, '/')) {
        /* As runc, before the start: a missing file or one that cannot run. */
        if ((size_t)snprintf(buf, size, "%s", name) >= size)
            return ctr__native_fail(rep, ENAMETOOLONG, "the program %s", name);
        if (stat(buf, &st) < 0)
            return ctr__native_fail(rep, errno, "exec: \"%s\": stat %s", name, name);
        if (!S_ISREG(st.st_mode) || access(buf, X_OK) < 0)
            return ctr__native_fail(rep, EACCES, "exec: \"%s\": %s", name,
                                    S_ISDIR(st.st_mode) ? "is a directory" : "permission denied");
        return 0;
    }
    for (const char *dir = env_path(p);;) {
        size_t n = strcspn(dir, ":");
        if ((size_t)snprintf(buf, size, "%.*s/%s", (int)(n ? n : 1), n ? dir : ".", name) < size &&
            stat(buf, &st) == 0 && S_ISREG(st.st_mode) && access(buf, X_OK) == 0)
            return 0;
        if (!dir[n])
            break;
        dir += n + 1;
    }
    return ctr__native_fail(rep, ENOENT, "exec: \"%s\": executable file not found in $PATH", name);
}

int ctr__native_process_exec(const struct ctr__native_process *p, const char *path,
                             const struct ctr__native_seccomp *filter, int keep_fds, struct ctr__native_report *rep)
{
    if (p->no_new_privileges && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
        return ctr__native_fail(rep, errno, "setting no_new_privs");
    umask(p->has_umask ? p->umask : 022);
    if (syscall(SYS_close_range, (unsigned)keep_fds, ~0U, CLOSE_RANGE_CLOEXEC) < 0)
        return ctr__native_fail(rep, errno, "closing the runtime's descriptors");
    if (filter) {
        int r = ctr__native_seccomp_load(filter);
        if (r < 0)
            return ctr__native_fail(rep, -r, "loading the seccomp filter");
    }
    execve(path, (char *const *)p->args, (char *const *)(p->env ? p->env : ctr__strv_empty));
    return ctr__native_fail(rep, errno, "exec %s", path);
}
