/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "base/subprocess.h"

#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "base/error.h"
#include "base/util.h"
#include "ctr-config.h"

extern char **environ;

/* ---- Finding programs ---- */

bool ctr__is_executable(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, X_OK) == 0;
}

static int search_dirs(const char *dirs, const char *name, char **ret)
{
    const char *p = dirs;
    while (p && *p) {
        const char *colon = strchr(p, ':');
        size_t len = colon ? (size_t)(colon - p) : strlen(p);
        if (len > 0 && p[0] == '/') {
            _cleanup_free_ char *cand = ctr__asprintf("%.*s/%s", (int)len, p, name);
            if (!cand)
                return ctr__oom("a program's path");
            if (ctr__is_executable(cand)) {
                *ret = TAKE_PTR(cand);
                return 0;
            }
        }
        p = colon ? colon + 1 : NULL;
    }
    return -ENOENT;
}

int ctr__find_program(const char *name, char **ret)
{
    if (isempty(name))
        return -EINVAL;
    if (strchr(name, '/')) {
        if (name[0] != '/')
            return -EINVAL;
        if (!ctr__is_executable(name))
            return -ENOENT;
        char *s = strdup(name);
        if (!s)
            return ctr__oom("a program's path");
        *ret = s;
        return 0;
    }
    int r = search_dirs(getenv("PATH"), name, ret);
    if (r != -ENOENT)
        return r;
    return search_dirs("/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", name, ret);
}

/* ---- Spawning ---- */

static bool env_kept(const char *e)
{
    return strncmp(e, "NOTIFY_SOCKET=", 14) != 0 && strncmp(e, "LISTEN_", 7) != 0 && strncmp(e, "_OCI_", 5) != 0;
}

char **ctr__spawn_env(const char *const *extra)
{
    size_t n = 0, m = ctr__strv_len(extra);
    for (char **e = environ; e && *e; e++)
        n++;
    _cleanup_strv_ char **v = calloc(n + m + 1, sizeof *v);
    if (!v)
        return NULL;
    size_t k = 0;
    for (char **e = environ; e && *e; e++)
        if (env_kept(*e) && !(v[k++] = strdup(*e)))
            return NULL;
    for (size_t i = 0; i < m; i++)
        if (!(v[k++] = strdup(extra[i])))
            return NULL;
    return TAKE_PTR(v);
}

/* The descriptors a spawn moved out of the way, closed when it is done. */
struct moved_fds {
    int fd[8];
};
_Static_assert(sizeof(((struct moved_fds *)0)->fd) == sizeof(((struct ctr__spawn *)0)->fds), "one slot per fd");

static void moved_fds_close(struct moved_fds *m)
{
    for (size_t i = 0; i < ARRAY_SIZE(m->fd); i++)
        ctr__closep(&m->fd[i]);
}

/* The child's descriptors.  Every source is moved above the target range
 * first, so that no dup2() clobbers a source and none is dup2()ed onto
 * itself (which would keep it close-on-exec).  A positive errno. */
static int set_fds(posix_spawn_file_actions_t *fa, const struct ctr__spawn *s, struct moved_fds *m)
{
    int r;
    for (size_t i = 0; i < s->n_fds; i++) {
        if (s->fds[i] < 0) {
            if (i <= 2 &&
                (r = posix_spawn_file_actions_addopen(fa, (int)i, "/dev/null", i == 0 ? O_RDONLY : O_WRONLY, 0)) != 0)
                return r;
            continue;
        }
        m->fd[i] = fcntl(s->fds[i], F_DUPFD_CLOEXEC, (int)ARRAY_SIZE(s->fds) + 3);
        if (m->fd[i] < 0)
            return errno;
        if ((r = posix_spawn_file_actions_adddup2(fa, m->fd[i], (int)i)) != 0)
            return r;
    }
    /* Whatever the application leaked without close-on-exec stays out. */
    if ((r = posix_spawn_file_actions_addclosefrom_np(fa, (int)s->n_fds)) != 0)
        return r;
    return s->cwd ? posix_spawn_file_actions_addchdir_np(fa, s->cwd) : 0;
}

/* Signal mask empty, every signal at its default, a process group. */
static void set_attrs(posix_spawnattr_t *attr, const struct ctr__spawn *s)
{
    sigset_t none, all;
    sigemptyset(&none);
    sigfillset(&all);
    short flags = POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF;
    if (s->new_pgroup) {
        flags |= POSIX_SPAWN_SETPGROUP;
        posix_spawnattr_setpgroup(attr, 0);
    }
    posix_spawnattr_setsigmask(attr, &none);
    posix_spawnattr_setsigdefault(attr, &all);
    posix_spawnattr_setflags(attr, flags);
}

static void posix_spawn_file_actions_destroyp(posix_spawn_file_actions_t **p)
{
    if (*p)
        posix_spawn_file_actions_destroy(*p);
}

static void posix_spawnattr_destroyp(posix_spawnattr_t **p)
{
    if (*p)
        posix_spawnattr_destroy(*p);
}

int ctr__spawn(const struct ctr__spawn *s, pid_t *ret_pid)
{
    if (!s || !s->path || !s->argv || s->n_fds < 3 || s->n_fds > ARRAY_SIZE(s->fds))
        return ctr__err(-EINVAL, "spawn: invalid argument");
    posix_spawn_file_actions_t fa;
    posix_spawnattr_t attr;
    _cleanup_(posix_spawn_file_actions_destroyp) posix_spawn_file_actions_t *fap = NULL;
    _cleanup_(posix_spawnattr_destroyp) posix_spawnattr_t *attrp = NULL;
    int r;
    if ((r = posix_spawn_file_actions_init(&fa)) != 0 || !(fap = &fa) || (r = posix_spawnattr_init(&attr)) != 0)
        return ctr__err(-r, "spawn %s: %s", s->path, strerror(r));
    attrp = &attr;
    _cleanup_(moved_fds_close) struct moved_fds moved = { .fd = { -1, -1, -1, -1, -1, -1, -1, -1 } };
    if ((r = set_fds(fap, s, &moved)) != 0)
        return ctr__err(-r, "cannot run %s: %s", s->path, strerror(r));
    set_attrs(attrp, s);
    pid_t pid;
    r = posix_spawn(&pid, s->path, fap, attrp, s->argv, s->envp ? s->envp : environ);
    if (r != 0)
        return ctr__err(-r, "cannot run %s: %s", s->path, strerror(r));
    *ret_pid = pid;
    return 0;
}

int ctr__spawn_run(const struct ctr__spawn *s, const char *what, int *ret_status)
{
    pid_t pid;
    int r = ctr__spawn(s, &pid);
    if (r < 0)
        return r;
    r = ctr__spawn_wait(pid, ret_status);
    if (r < 0)
        return ctr__err(r, "waiting for %s: %s", what, strerror(-r));
    return 0;
}

char *ctr__memfd_read(int fd, size_t max)
{
    struct stat st;
    if (fd < 0 || fstat(fd, &st) < 0)
        return strdup("");
    size_t size = max && (size_t)st.st_size > max ? max : (size_t)st.st_size;
    char *s = malloc(size + 1);
    if (!s)
        return NULL;
    ssize_t n = pread(fd, s, size, (off_t)((size_t)st.st_size - size));
    s[n > 0 ? n : 0] = '\0';
    return s;
}

int ctr__spawn_wait(pid_t pid, int *ret_status)
{
    int status;
    for (;;) {
        pid_t w = waitpid(pid, &status, 0);
        if (w == pid)
            break;
        if (w < 0 && errno == EINTR)
            continue;
        return -errno;
    }
    if (ret_status)
        *ret_status = status;
    return 0;
}

void ctr__spawn_status_string(int status, char *buf, size_t size)
{
    if (WIFEXITED(status))
        snprintf(buf, size, "exited with status %d", WEXITSTATUS(status));
    else if (WIFSIGNALED(status))
        snprintf(buf, size, "killed by signal %d (%s)", WTERMSIG(status), sigabbrev_np(WTERMSIG(status)) ?: "?");
    else
        snprintf(buf, size, "ended with wait status 0x%x", (unsigned)status);
}

const char *ctr__helper_dir(void)
{
    const char *d = secure_getenv("LIBCTR_HELPER_DIR");
    return d && *d ? d : CTR_HELPER_DIR;
}

int ctr__find_conmon(char **ret)
{
    int r = ctr__find_program("conmon", ret);
    if (r != -ENOENT)
        return r;
    static const char *const extra[] = { "/usr/libexec/podman/conmon", "/usr/local/libexec/podman/conmon",
                                         "/usr/lib/podman/conmon" };
    for (size_t i = 0; i < ARRAY_SIZE(extra); i++)
        if (ctr__is_executable(extra[i])) {
            char *s = strdup(extra[i]);
            if (!s)
                return ctr__oom("conmon's path");
            *ret = s;
            return 0;
        }
    return -ENOENT;
}
