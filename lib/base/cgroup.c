/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A process's cgroup and the processes in it (see cgroup.h). */
#include "base/cgroup.h"

#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sys/stat.h>
#include <unistd.h>

#define WALK_DEPTH 16
/* Largest mountinfo read (a host with many thousands of mounts). */
#define MOUNTINFO_MAX (64u << 20)
/* Largest cgroup.procs read (a PID is at most 8 bytes with its newline). */
#define PROCS_MAX (64u << 20)

/* A hierarchy looked for: a v1 controller (or "name=..."), NULL for v2. */
struct want {
    const char *controller;
    bool any_v1;
};

static bool list_has(const char *list, size_t len, const char *name)
{
    size_t nl = strlen(name);
    for (const char *p = list, *end = list + len; p < end;) {
        const char *c = memchr(p, ',', (size_t)(end - p));
        const char *e = c ? c : end;
        if ((size_t)(e - p) == nl && memcmp(p, name, nl) == 0)
            return true;
        p = e + 1;
    }
    return false;
}

/* mountinfo's octal escapes (\040 and the like) undone, in place. */
static void unescape(char *s)
{
    char *w = s;
    for (char *r = s; *r; r++) {
        if (r[0] == '\\' && r[1] >= '0' && r[1] <= '3' && r[2] >= '0' && r[2] <= '7' && r[3] >= '0' && r[3] <= '7') {
            *w++ = (char)((r[1] - '0') * 64 + (r[2] - '0') * 8 + (r[3] - '0'));
            r += 3;
        } else {
            *w++ = *r;
        }
    }
    *w = '\0';
}

/* The fields of one mountinfo line, in place: root, mount point, file
 * system type and super options.  false for a malformed line. */
static bool split_mount(char *line, char **root, char **point, char **fstype, char **opts)
{
    char *f[6] = { 0 }, *save = NULL;
    int n = 0;
    for (char *t = strtok_r(line, " ", &save); t; t = strtok_r(NULL, " ", &save)) {
        if (n < 5)
            f[n++] = t;
        else if (streq(t, "-"))
            break;
    }
    char *type = strtok_r(NULL, " ", &save), *source = strtok_r(NULL, " ", &save);
    char *super = strtok_r(NULL, " ", &save);
    if (n < 5 || !type || !source || !super)
        return false;
    *root = f[3];
    *point = f[4];
    *fstype = type;
    *opts = super;
    unescape(*root);
    unescape(*point);
    return true;
}

/* The mount of the hierarchy of @controller (NULL: v2) that reaches @path: its directory for
 * @path, malloc'ed, or NULL (-ENOMEM in *r). */
static char *mounted_dir(const char *mountinfo, const char *controller, const char *path, int *r)
{
    _cleanup_free_ char *copy = strdup(mountinfo);
    if (!copy) {
        *r = -ENOMEM;
        return NULL;
    }
    char *save = NULL;
    for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        char *root, *point, *fstype, *opts;
        if (!split_mount(line, &root, &point, &fstype, &opts))
            continue;
        if (controller ? !streq(fstype, "cgroup") || !list_has(opts, strlen(opts), controller)
                       : !streq(fstype, "cgroup2"))
            continue;
        size_t rl = strlen(root);
        const char *rest = path;
        if (!streq(root, "/")) {
            if (strncmp(path, root, rl) != 0 || (path[rl] != '/' && path[rl] != '\0'))
                continue;
            rest = path + rl;
        }
        char *dir = ctr__asprintf("%s%s", point, streq(rest, "/") ? "" : rest);
        if (!dir)
            *r = -ENOMEM;
        return dir;
    }
    return NULL;
}

/* Look for @w in the lines of /proc/PID/cgroup. */
static char *find_dir(const char *cgroup_text, const char *mountinfo, const struct want *w, int *r)
{
    for (const char *line = cgroup_text; *line && *r == 0;) {
        const char *nl = strchr(line, '\n');
        const char *end = nl ? nl : line + strlen(line);
        const char *c1 = memchr(line, ':', (size_t)(end - line));
        const char *c2 = c1 ? memchr(c1 + 1, ':', (size_t)(end - c1 - 1)) : NULL;
        line = nl ? nl + 1 : end;
        if (!c2 || c2[1] != '/')
            continue;
        const char *list = c1 + 1;
        size_t list_len = (size_t)(c2 - list);
        bool match = w->controller ? list_has(list, list_len, w->controller) : w->any_v1 ? list_len > 0 : list_len == 0;
        if (!match)
            continue;
        /* Any v1 hierarchy: the mount of the line's first controller. */
        char first[64];
        size_t fl = strcspn(list, ",:");
        snprintf(first, sizeof first, "%.*s", (int)(fl < sizeof first ? fl : sizeof first - 1), list);
        _cleanup_free_ char *path = strndup(c2 + 1, (size_t)(end - c2 - 1));
        if (!path) {
            *r = -ENOMEM;
            return NULL;
        }
        char *dir = mounted_dir(mountinfo, w->controller ? w->controller : w->any_v1 ? first : NULL, path, r);
        if (dir || *r < 0)
            return dir;
    }
    return NULL;
}

int ctr__cgroup_dir(const char *cgroup_text, const char *mountinfo_text, char **ret_dir, int *ret_version)
{
    static const struct want wants[] = {
        { "pids", false }, { "memory", false }, { NULL, false }, { NULL, true },
    };
    if (!cgroup_text || !mountinfo_text)
        return -ENOENT;
    for (size_t i = 0; i < ARRAY_SIZE(wants); i++) {
        int r = 0;
        char *dir = find_dir(cgroup_text, mountinfo_text, &wants[i], &r);
        if (r < 0)
            return r;
        if (dir) {
            *ret_dir = dir;
            if (ret_version)
                *ret_version = wants[i].controller || wants[i].any_v1 ? 1 : 2;
            return 0;
        }
    }
    return -ENOENT;
}

int ctr__cgroup_controller_dir(const char *cgroup_text, const char *mountinfo_text, const char *controller,
                               char **ret_dir)
{
    if (!cgroup_text || !mountinfo_text)
        return -ENOENT;
    const struct want w = { controller, false };
    int r = 0;
    char *dir = find_dir(cgroup_text, mountinfo_text, &w, &r);
    if (r < 0)
        return r;
    if (!dir)
        return -ENOENT;
    *ret_dir = dir;
    return 0;
}

int ctr__cgroup_mount_point(const char *mountinfo_text, const char *controller, char **ret_point)
{
    _cleanup_free_ char *copy = strdup(mountinfo_text ? mountinfo_text : "");
    if (!copy)
        return -ENOMEM;
    char *save = NULL;
    for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        char *root, *point, *fstype, *opts;
        if (!split_mount(line, &root, &point, &fstype, &opts))
            continue;
        if (controller ? !streq(fstype, "cgroup") || !list_has(opts, strlen(opts), controller)
                       : !streq(fstype, "cgroup2"))
            continue;
        if (!(*ret_point = strdup(point)))
            return -ENOMEM;
        return 0;
    }
    return -ENOENT;
}

struct pids {
    pid_t *v;
    size_t n, cap;
};

static int push_pid(struct pids *p, pid_t pid)
{
    if (p->n == p->cap) {
        size_t cap = p->cap ? p->cap * 2 : 16;
        pid_t *nv = realloc(p->v, cap * sizeof *nv);
        if (!nv)
            return -ENOMEM;
        p->v = nv;
        p->cap = cap;
    }
    p->v[p->n++] = pid;
    return 0;
}

static int read_procs(int dirfd, struct pids *p)
{
    _cleanup_close_ int fd = openat(dirfd, "cgroup.procs", O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0)
        return -errno;
    _cleanup_free_ char *text = NULL;
    size_t len = 0;
    int r = ctr__read_fd(fd, &text, &len);
    if (r < 0)
        return r;
    if (len > PROCS_MAX)
        return -EFBIG;
    char *save = NULL;
    for (char *t = strtok_r(text, "\n", &save); t; t = strtok_r(NULL, "\n", &save)) {
        char *end;
        errno = 0;
        long v = strtol(t, &end, 10);
        if (errno || *end || end == t || v <= 0 || v > INT32_MAX)
            return -EINVAL;
        if ((r = push_pid(p, (pid_t)v)) < 0)
            return r;
    }
    return 0;
}

static int walk(int dirfd, int depth, struct pids *p)
{
    int r = read_procs(dirfd, p);
    if (r < 0 || depth >= WALK_DEPTH)
        return r;
    _cleanup_dir_ DIR *d = ctr__opendir_fd(dirfd);
    if (!d)
        return -errno;
    struct dirent *de;
    while ((de = readdir(d))) {
        if (de->d_type != DT_DIR || streq(de->d_name, ".") || streq(de->d_name, ".."))
            continue;
        _cleanup_close_ int sub = openat(dirfd, de->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
        if (sub < 0 && (errno == ENOENT || errno == ENOTDIR))
            continue; /* removed meanwhile */
        if (sub < 0)
            return -errno;
        r = walk(sub, depth + 1, p);
        if (r < 0 && r != -ENOENT && r != -ENODEV)
            return r;
    }
    return 0;
}

static int cmp_pid(const void *a, const void *b)
{
    pid_t x = *(const pid_t *)a, y = *(const pid_t *)b;
    return (x > y) - (x < y);
}

int ctr__cgroup_procs(const char *dir, pid_t **ret, size_t *ret_n)
{
    _cleanup_close_ int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return -errno;
    struct pids p = { 0 };
    int r = walk(fd, 0, &p);
    if (r < 0) {
        free(p.v);
        return r;
    }
    if (p.n > 0)
        qsort(p.v, p.n, sizeof *p.v, cmp_pid);
    size_t n = 0;
    for (size_t i = 0; i < p.n; i++)
        if (n == 0 || p.v[n - 1] != p.v[i])
            p.v[n++] = p.v[i];
    *ret = n ? p.v : NULL;
    if (!n)
        free(p.v);
    *ret_n = n;
    return 0;
}

/* The cgroup lines of /proc/self/mountinfo, kept while the mount table does
 * not change: poll() on the open file reports a change (POLLPRI) once. */
static struct {
    pthread_mutex_t lock;
    int fd;
    pid_t pid; /* the process that opened fd (a child re-opens) */
    char *lines;
} mounts = { PTHREAD_MUTEX_INITIALIZER, -1, 0, NULL };

/* Keep the lines of @text that are cgroup or cgroup2 mounts. */
static char *cgroup_lines(const char *text)
{
    struct ctr__buf b = { 0 };
    for (const char *line = text; *line;) {
        const char *nl = strchr(line, '\n');
        size_t len = nl ? (size_t)(nl - line) : strlen(line);
        const char *sep = memmem(line, len, " - cgroup", 9);
        if (sep && (sep[9] == ' ' || (sep[9] == '2' && sep[10] == ' ')))
            ctr__buf_printf(&b, "%.*s\n", (int)len, line);
        line += len + (nl != NULL);
    }
    char *out = NULL;
    return ctr__buf_finish(&b, &out) < 0 ? NULL : out;
}

static int mounts_reload(void)
{
    if (mounts.fd >= 0 && mounts.pid != getpid())
        ctr__closep(&mounts.fd);
    if (mounts.fd < 0 && (mounts.fd = open("/proc/self/mountinfo", O_RDONLY | O_CLOEXEC)) < 0)
        return -errno;
    mounts.pid = getpid();
    struct pollfd p = { .fd = mounts.fd, .events = POLLPRI };
    bool changed = poll(&p, 1, 0) > 0 && (p.revents & (POLLPRI | POLLERR));
    if (mounts.lines && !changed)
        return 0;
    _cleanup_free_ char *text = NULL;
    size_t len = 0;
    if (lseek(mounts.fd, 0, SEEK_SET) < 0)
        return -errno;
    int r = ctr__read_fd(mounts.fd, &text, &len);
    if (r < 0)
        return r;
    if (len > MOUNTINFO_MAX)
        return -EFBIG;
    char *lines = cgroup_lines(text);
    if (!lines)
        return -ENOMEM;
    free(mounts.lines);
    mounts.lines = lines;
    return 0;
}

int ctr__cgroup_mounts(char **ret)
{
    pthread_mutex_lock(&mounts.lock);
    int r = mounts_reload();
    char *copy = r == 0 ? strdup(mounts.lines) : NULL;
    if (r == 0 && !copy)
        r = -ENOMEM;
    pthread_mutex_unlock(&mounts.lock);
    if (r == 0)
        *ret = copy;
    return r;
}
