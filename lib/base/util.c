/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "base/util.h"

#include <dirent.h>
#include <linux/openat2.h>
#include <sys/syscall.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <sys/random.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <time.h>

const char *const ctr__strv_empty[] = { NULL };

char *ctr__strdup_null(const char *s)
{
    return s ? strdup(s) : NULL;
}

char *ctr__asprintf(const char *fmt, ...)
{
    char *s = NULL;
    va_list ap;
    va_start(ap, fmt);
    int r = vasprintf(&s, fmt, ap);
    va_end(ap);
    return r < 0 ? NULL : s;
}

/* Make room for n more bytes and the terminator. */
static bool buf_reserve(struct ctr__buf *b, size_t n)
{
    if (b->oom)
        return false;
    if (b->p && b->len + n < b->cap)
        return true;
    size_t cap = (b->len + n + 1) * 2;
    char *p = realloc(b->p, cap);
    if (!p) {
        b->oom = true;
        return false;
    }
    b->p = p;
    b->cap = cap;
    return true;
}

void ctr__buf_put(struct ctr__buf *b, const char *s)
{
    size_t n = strlen(s);
    if (!buf_reserve(b, n))
        return;
    memcpy(b->p + b->len, s, n + 1);
    b->len += n;
}

void ctr__buf_printf(struct ctr__buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0) {
        b->oom = true;
        return;
    }
    if (!buf_reserve(b, (size_t)n))
        return;
    va_start(ap, fmt);
    vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

int ctr__buf_finish(struct ctr__buf *b, char **ret)
{
    if (b->oom) {
        free(b->p);
        *b = (struct ctr__buf){ 0 };
        return -ENOMEM;
    }
    *ret = b->p ? b->p : strdup("");
    *b = (struct ctr__buf){ 0 };
    return *ret ? 0 : -ENOMEM;
}

size_t ctr__strv_len(const char *const *v)
{
    size_t n = 0;
    while (v && v[n])
        n++;
    return n;
}

char **ctr__strv_copy(const char *const *v)
{
    size_t n = ctr__strv_len(v);
    char **r = calloc(n + 1, sizeof *r);
    if (!r)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        r[i] = strdup(v[i]);
        if (!r[i]) {
            ctr__strv_free(r);
            return NULL;
        }
    }
    return r;
}

int ctr__strv_push(char ***v, const char *s)
{
    size_t n = ctr__strv_len((const char *const *)*v);
    char *c = strdup(s);
    if (!c)
        return -ENOMEM;
    char **r = realloc(*v, (n + 2) * sizeof *r);
    if (!r) {
        free(c);
        return -ENOMEM;
    }
    r[n] = c;
    r[n + 1] = NULL;
    *v = r;
    return 0;
}

void ctr__strv_free(char **v)
{
    if (!v)
        return;
    for (char **p = v; *p; p++)
        free(*p);
    free(v);
}

bool ctr__strv_contains(const char *const *v, const char *s)
{
    for (; v && *v; v++)
        if (streq(*v, s))
            return true;
    return false;
}

int64_t ctr__now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int64_t ctr__mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void ctr__format_time(int64_t ns, char *buf, size_t size)
{
    time_t sec = (time_t)(ns / 1000000000);
    long frac = (long)(ns % 1000000000);
    if (frac < 0) {
        frac += 1000000000;
        sec--;
    }
    struct tm tm;
    gmtime_r(&sec, &tm);
    char base[32];
    strftime(base, sizeof base, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(buf, size, "%s.%09ldZ", base, frac);
}

int ctr__parse_time(const char *s, int64_t *ret_ns)
{
    struct tm tm = { 0 };
    /* Exactly YYYY-MM-DDTHH:MM:SS before strptime (which accepts loose widths). */
    static const char shape[] = "dddd-dd-ddTdd:dd:dd";
    for (size_t i = 0; i < sizeof shape - 1; i++)
        if (shape[i] == 'd' ? (s[i] < '0' || s[i] > '9') : s[i] != shape[i])
            return -EINVAL;
    const char *p = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm);
    if (!p || p != s + sizeof shape - 1)
        return -EINVAL;
    long frac = 0;
    if (*p == '.') {
        int digits = 0;
        p++;
        while (*p >= '0' && *p <= '9') {
            if (digits < 9) {
                frac = frac * 10 + (*p - '0');
                digits++;
            }
            p++;
        }
        if (digits == 0)
            return -EINVAL;
        while (digits++ < 9)
            frac *= 10;
    }
    long offset = 0;
    if (*p == 'Z') {
        p++;
    } else if (*p == '+' || *p == '-') {
        /* Exactly +HH:MM. */
        int sign = *p == '-' ? -1 : 1;
        const char *o = p + 1;
        for (int i = 0; i < 5; i++)
            if (i == 2 ? o[i] != ':' : (o[i] < '0' || o[i] > '9'))
                return -EINVAL;
        int hh = (o[0] - '0') * 10 + (o[1] - '0'), mm = (o[3] - '0') * 10 + (o[4] - '0');
        if (hh > 23 || mm > 59)
            return -EINVAL;
        offset = sign * (hh * 3600L + mm * 60L);
        p += 6;
    } else {
        return -EINVAL;
    }
    if (*p)
        return -EINVAL;
    time_t sec = timegm(&tm);
    /* Nanoseconds since the epoch fit in 64 bits until the year 2262. */
    int64_t s64 = (int64_t)sec - offset;
    if (s64 > INT64_MAX / 1000000000 - 1 || s64 < INT64_MIN / 1000000000 + 1)
        return -ERANGE;
    *ret_ns = s64 * 1000000000 + frac;
    return 0;
}

int ctr__random_bytes(void *buf, size_t n)
{
    size_t got = 0;
    while (got < n) {
        ssize_t k = getrandom((char *)buf + got, n - got, 0);
        if (k < 0) {
            if (errno == EINTR)
                continue;
            return -errno;
        }
        got += (size_t)k;
    }
    return 0;
}

int ctr__random_id(char *buf)
{
    uint8_t raw[32];
    int r = ctr__random_bytes(raw, sizeof raw);
    if (r < 0)
        return r;
    static const char hex[] = "0123456789abcdef";
    for (size_t i = 0; i < sizeof raw; i++) {
        buf[2 * i] = hex[raw[i] >> 4];
        buf[2 * i + 1] = hex[raw[i] & 15];
    }
    buf[64] = '\0';
    return 0;
}

int ctr__mkdir_p(const char *path, mode_t mode)
{
    char buf[PATH_MAX];
    size_t len = strlen(path);
    if (len == 0 || len >= sizeof buf)
        return -EINVAL;
    memcpy(buf, path, len + 1);
    for (char *p = buf + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(buf, mode) < 0 && errno != EEXIST)
            return -errno;
        *p = '/';
    }
    if (mkdir(buf, mode) < 0 && errno != EEXIST)
        return -errno;
    return 0;
}

DIR *ctr__opendir_fd(int fd)
{
    int dup = fcntl(fd, F_DUPFD_CLOEXEC, 3);
    if (dup < 0)
        return NULL;
    DIR *d = fdopendir(dup);
    if (!d) {
        int e = errno;
        close(dup);
        errno = e;
    }
    return d;
}

static int rm_rf_children(int fd, dev_t dev)
{
    DIR *d = fdopendir(fd);
    if (!d) {
        close(fd);
        return -errno;
    }
    int ret = 0;
    struct dirent *de;
    while ((de = readdir(d))) {
        if (streq(de->d_name, ".") || streq(de->d_name, ".."))
            continue;
        struct stat st;
        if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
            if (errno != ENOENT && ret == 0)
                ret = -errno;
            continue;
        }
        if (S_ISDIR(st.st_mode)) {
            if (st.st_dev != dev) {
                /* A mount point: never cross into another file system. */
                if (ret == 0)
                    ret = -EBUSY;
                continue;
            }
            int sub = openat(dirfd(d), de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            if (sub >= 0) {
                int r = rm_rf_children(sub, dev);
                if (r < 0 && ret == 0)
                    ret = r;
            }
            if (unlinkat(dirfd(d), de->d_name, AT_REMOVEDIR) < 0 && errno != ENOENT && ret == 0)
                ret = -errno;
        } else if (unlinkat(dirfd(d), de->d_name, 0) < 0 && errno != ENOENT && ret == 0) {
            ret = -errno;
        }
    }
    closedir(d);
    return ret;
}

int ctr__rm_rf_at(int dirfd, const char *name)
{
    struct stat st;
    if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
        return errno == ENOENT ? 0 : -errno;
    if (!S_ISDIR(st.st_mode))
        return unlinkat(dirfd, name, 0) < 0 && errno != ENOENT ? -errno : 0;
    int fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return -errno;
    int r = rm_rf_children(fd, st.st_dev);
    if (unlinkat(dirfd, name, AT_REMOVEDIR) < 0 && errno != ENOENT && r == 0)
        r = -errno;
    return r;
}

int ctr__rm_rf(const char *path)
{
    return ctr__rm_rf_at(AT_FDCWD, path);
}

int ctr__still_linked(int fd, int dirfd, const char *name)
{
    struct stat a, b;
    if (fstat(fd, &a) < 0)
        return -errno;
    if (a.st_nlink == 0)
        return 0;
    if (fstatat(dirfd, name, &b, AT_SYMLINK_NOFOLLOW) < 0)
        return errno == ENOENT ? 0 : -errno;
    return a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

int ctr__fsync_dirfd(int dirfd, const char *name)
{
    _cleanup_close_ int fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return -errno;
    if (fsync(fd) < 0)
        return -errno;
    return 0;
}

int ctr__fsync_dir(const char *path)
{
    return ctr__fsync_dirfd(AT_FDCWD, path);
}

int ctr__write_all(int fd, const void *data, size_t size)
{
    const char *p = data;
    while (size > 0) {
        ssize_t n = write(fd, p, size);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -errno;
        }
        p += n;
        size -= (size_t)n;
    }
    return 0;
}

/* data into fd (the file tmp of dirfd), synced when durable, then renamed
 * to name. */
static int write_and_rename(int fd, const void *data, size_t size, bool durable, int dirfd, const char *tmp,
                            const char *name)
{
    int r = ctr__write_all(fd, data, size);
    if (r < 0)
        return r;
    if ((durable && fdatasync(fd) < 0) || renameat(dirfd, tmp, dirfd, name) < 0)
        return -errno;
    return 0;
}

int ctr__write_file_at(int dirfd, const char *name, const void *data, size_t size, mode_t mode, bool durable)
{
    char tmp[PATH_MAX];
    char rnd[65];
    int r = ctr__random_id(rnd);
    if (r < 0)
        return r;
    /* The temporary file beside the target, whatever directory name has:
     * a rename across file systems fails (EXDEV). */
    const char *slash = strrchr(name, '/');
    int dir_len = slash ? (int)(slash + 1 - name) : 0;
    if (snprintf(tmp, sizeof tmp, "%.*s.#tmp.%.16s", dir_len, name, rnd) >= (int)sizeof tmp)
        return -ENAMETOOLONG;

    _cleanup_close_ int fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
    if (fd < 0)
        return -errno;
    r = write_and_rename(fd, data, size, durable, dirfd, tmp, name);
    if (r < 0) {
        unlinkat(dirfd, tmp, 0);
        return r;
    }
    if (durable && dir_len) {
        tmp[dir_len] = '\0';
        return ctr__fsync_dirfd(dirfd, tmp);
    }
    if (durable && fsync(dirfd) < 0)
        return -errno;
    return 0;
}

int ctr__read_fd(int fd, char **ret, size_t *ret_size)
{
    size_t cap = 4096, len = 0;
    struct stat st;
    bool sized = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0;
    if (sized)
        cap = (size_t)st.st_size + 1;
    char *buf = malloc(cap);
    if (!buf)
        return -ENOMEM;
    for (;;) {
        /* A regular file is read as the size fstat() gave: one read() call
         * for the small atomically replaced files this is used for. */
        if (sized && len == cap - 1)
            break;
        if (len + 1 >= cap) {
            char *n = realloc(buf, cap * 2);
            if (!n) {
                free(buf);
                return -ENOMEM;
            }
            buf = n;
            cap *= 2;
        }
        ssize_t k = read(fd, buf + len, cap - len - 1);
        if (k < 0) {
            if (errno == EINTR)
                continue;
            int e = -errno;
            free(buf);
            return e;
        }
        if (k == 0)
            break;
        len += (size_t)k;
    }
    buf[len] = '\0';
    *ret = buf;
    if (ret_size)
        *ret_size = len;
    return 0;
}

int ctr__read_file_at(int dirfd, const char *name, char **ret, size_t *ret_size)
{
    _cleanup_close_ int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0)
        return -errno;
    return ctr__read_fd(fd, ret, ret_size);
}

char *ctr__strstrip(char *s)
{
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
        s[--n] = '\0';
    return s;
}

/* Without openat2 (kernels before 5.6, valgrind): walk the components with
 * O_NOFOLLOW and refuse any symlink on the way (stricter, never unsafe). */
static int open_nofollow_walk(int root, const char *path, int flags, mode_t mode)
{
    char buf[PATH_MAX];
    if (snprintf(buf, sizeof buf, "%s", path) >= (int)sizeof buf)
        return -ENAMETOOLONG;
    int cur = fcntl(root, F_DUPFD_CLOEXEC, 3);
    if (cur < 0)
        return -errno;
    char *p = buf;
    for (;;) {
        while (*p == '/')
            p++;
        char *slash = strchr(p, '/');
        if (slash)
            *slash = '\0';
        if (!*p) {
            if (!slash) {
                /* The path named the root itself. */
                int fd = openat(cur, ".", (flags & ~(O_CREAT | O_EXCL)) | O_CLOEXEC);
                int e = fd < 0 ? -errno : fd;
                close(cur);
                return e;
            }
            p = slash + 1;
            continue;
        }
        if (streq(p, "..")) {
            close(cur);
            return -EXDEV;
        }
        int next = slash ? openat(cur, p, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
                         : openat(cur, p, flags | O_NOFOLLOW | O_CLOEXEC, mode);
        int e = -errno;
        /* O_DIRECTORY | O_NOFOLLOW on a symlink says ENOTDIR: a link is
         * refused (ELOOP), a file that is not a directory stays ENOTDIR. */
        struct stat lst;
        if (next < 0 && e == -ENOTDIR && fstatat(cur, p, &lst, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(lst.st_mode))
            e = -ELOOP;
        close(cur);
        if (next < 0)
            return e;
        if (!slash) {
            /* O_PATH | O_NOFOLLOW opens a symlink itself: refuse it too. */
            struct stat st;
            if ((flags & O_PATH) && fstat(next, &st) == 0 && S_ISLNK(st.st_mode)) {
                close(next);
                return -ELOOP;
            }
            return next;
        }
        cur = next;
        p = slash + 1;
    }
}

int ctr__openat_in_root(int root, const char *path, int flags, mode_t mode, bool beneath)
{
    static int have_openat2 = -1;
    struct open_how how = {
        .flags = (uint64_t)(flags | O_CLOEXEC),
        .mode = (flags & O_CREAT) ? mode : 0,
        .resolve = (beneath ? RESOLVE_BENEATH : RESOLVE_IN_ROOT) | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV,
    };
    if (__atomic_load_n(&have_openat2, __ATOMIC_RELAXED) != 0) {
        for (;;) {
            long fd = syscall(SYS_openat2, root, path[0] ? path : ".", &how, sizeof how);
            if (fd >= 0) {
                __atomic_store_n(&have_openat2, 1, __ATOMIC_RELAXED);
                return (int)fd;
            }
            if (errno == ENOSYS)
                break;
            if (errno != EAGAIN && errno != EINTR)
                return -errno;
        }
        __atomic_store_n(&have_openat2, 0, __ATOMIC_RELAXED);
    }
    return open_nofollow_walk(root, path, flags, mode);
}

/* ---- public memory helpers ---- */
#include <libctr/ctr-common.h>

CTR_EXPORT void ctr_free(void *p)
{
    free(p);
}

CTR_EXPORT void ctr_strv_free(char **strv)
{
    ctr__strv_free(strv);
}

/* Unmount whatever is mounted at or below path (deepest first). */
void ctr__unmount_below(const char *path)
{
    FILE *f = fopen("/proc/self/mountinfo", "re");
    if (!f)
        return;
    size_t len = strlen(path);
    char line[4096];
    char **targets = NULL;
    size_t n = 0;
    while (fgets(line, sizeof line, f)) {
        /* ID PARENT MAJ:MIN ROOT MOUNTPOINT ... */
        char mp[4096];
        if (sscanf(line, "%*s %*s %*s %*s %4095s", mp) != 1)
            continue;
        if (strncmp(mp, path, len) != 0 || (mp[len] != '\0' && mp[len] != '/'))
            continue;
        char **t = realloc(targets, (n + 1) * sizeof *t);
        if (!t)
            break;
        targets = t;
        targets[n] = strdup(mp);
        if (targets[n])
            n++;
    }
    fclose(f);
    while (n > 0) {
        n--;
        umount2(targets[n], MNT_DETACH);
        free(targets[n]);
    }
    free(targets);
}
