/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Small helpers shared by every module: cleanup attributes, strings, files.
 * This module depends on nothing, not even the error record (base/error.h
 * includes this header): its functions return a negative errno and leave
 * no message, so a caller that gets -ENOMEM from one names what could not be
 * allocated with ctr__oom(). */
#pragma once

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#define CTR_EXPORT __attribute__((visibility("default")))

#define _cleanup_(f) __attribute__((cleanup(f)))
#define _unused_ __attribute__((unused))
#define _printf_(a, b) __attribute__((format(printf, a, b)))

static inline void ctr__freep(void *p) { free(*(void **)p); }
/* Closes and sets *fd to -1, so that an early close needs no reset. */
static inline void ctr__closep(int *fd)
{
    if (*fd >= 0) {
        int saved = errno;
        close(*fd);
        errno = saved;
        *fd = -1;
    }
}
static inline void ctr__closedirp(DIR **d)
{
    if (*d)
        closedir(*d);
}
static inline void ctr__fclosep(FILE **f)
{
    if (*f)
        fclose(*f);
}
#define _cleanup_free_ _cleanup_(ctr__freep)
#define _cleanup_close_ _cleanup_(ctr__closep)   /* fds and pidfds; reset to -1 */
#define _cleanup_dir_ _cleanup_(ctr__closedirp)
#define _cleanup_fclose_ _cleanup_(ctr__fclosep)

/* An undo step of a multi-step set-up: run at the end of the scope unless
 * disarmed once the set-up succeeded.
 *     _cleanup_undo_ struct ctr__undo u = CTR_UNDO(unmount_it, c);
 *     ...
 *     ctr__undo_disarm(&u); */
struct ctr__undo {
    void (*fn)(void *arg);
    void *arg;
};
static inline void ctr__undop(struct ctr__undo *u)
{
    if (u->fn)
        u->fn(u->arg);
}
static inline void ctr__undo_disarm(struct ctr__undo *u) { u->fn = NULL; }
#define _cleanup_undo_ _cleanup_(ctr__undop)
#define CTR_UNDO(f, a) ((struct ctr__undo){ .fn = (f), .arg = (a) })
#define _cleanup_strv_ _cleanup_(ctr__strv_freep)

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Move ownership out of a cleanup variable. */
#define TAKE_PTR(p) ({ __typeof__(p) _t = (p); (p) = NULL; _t; })
#define TAKE_FD(fd) ({ int _t = (fd); (fd) = -1; _t; })

static inline bool streq(const char *a, const char *b) { return strcmp(a, b) == 0; }
static inline bool streq_null(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}
static inline bool isempty(const char *s) { return !s || !*s; }

/* Strings and string arrays (NULL-terminated). */
char *ctr__strdup_null(const char *s);                 /* NULL-safe; NULL on ENOMEM too */
char *ctr__asprintf(const char *fmt, ...) _printf_(1, 2); /* NULL on ENOMEM */
size_t ctr__strv_len(const char *const *v);
char **ctr__strv_copy(const char *const *v);           /* NULL in -> empty array; NULL on ENOMEM */
int ctr__strv_push(char ***v, const char *s);          /* copies s; -ENOMEM */
void ctr__strv_free(char **v);
static inline void ctr__strv_freep(char ***v) { ctr__strv_free(*v); }
bool ctr__strv_contains(const char *const *v, const char *s);
extern const char *const ctr__strv_empty[];            /* { NULL } */

/* A growing string: append with ctr__buf_put()/ctr__buf_printf(), then take
 * it with ctr__buf_finish().  An allocation failure is remembered (later
 * appends do nothing) and reported once, by ctr__buf_finish(). */
struct ctr__buf {
    char *p;
    size_t len, cap;
    bool oom;
};
void ctr__buf_put(struct ctr__buf *b, const char *s);
void ctr__buf_printf(struct ctr__buf *b, const char *fmt, ...) _printf_(2, 3);
/* *ret receives the string ("" when nothing was appended; free() it); -ENOMEM
 * (the buffer is freed). */
int ctr__buf_finish(struct ctr__buf *b, char **ret);

/* Time, nanoseconds since the epoch (CLOCK_REALTIME). */
int64_t ctr__now_ns(void);
/* Milliseconds of CLOCK_MONOTONIC, for deadlines. */
int64_t ctr__mono_ms(void);
/* RFC 3339 with nanoseconds in UTC, into buf (>= 40 bytes). */
void ctr__format_time(int64_t ns, char *buf, size_t size);
/* Parse what ctr__format_time() writes (and RFC 3339 with an offset); -EINVAL. */
int ctr__parse_time(const char *s, int64_t *ret_ns);

/* A directory stream on a close-on-exec duplicate of @fd (which stays
 * open; closedir() the stream).  NULL with errno set. */
DIR *ctr__opendir_fd(int fd);
/* n random bytes from getrandom() (retried on EINTR).  0 or -errno. */
int ctr__random_bytes(void *buf, size_t n);
/* 64 lowercase hex digits from getrandom(); buf >= 65 bytes. */
int ctr__random_id(char *buf);

/* Files.  All paths are absolute or relative to dirfd (AT_FDCWD). */
int ctr__mkdir_p(const char *path, mode_t mode);       /* 0 or -errno */
int ctr__rm_rf_at(int dirfd, const char *name);        /* recursive, does not cross mounts; -errno */
int ctr__rm_rf(const char *path);
/* Unmount (lazily) whatever is mounted at or below path, deepest first. */
void ctr__unmount_below(const char *path);
int ctr__fsync_dir(const char *path);                  /* fsync a directory */
/* Whether fd is still the entry @name of the directory @dirfd: not removed,
 * not replaced by another file (two stats, one path component): 1 yes, 0
 * no, -errno. */
int ctr__still_linked(int fd, int dirfd, const char *name);
int ctr__fsync_dirfd(int dirfd, const char *name);     /* fsync dirfd/name (a directory) */
/* Write data to dirfd/name atomically: temp file, fsync, rename, fsync of the directory.
 * name may have directories in it (or be absolute): the temp file goes beside it.
 * With durable == false the two fsyncs are skipped (run-root files). */
int ctr__write_file_at(int dirfd, const char *name, const void *data, size_t size, mode_t mode, bool durable);
/* Read a whole file; *ret is NUL-terminated; ret_size may be NULL.  -errno. */
int ctr__read_file_at(int dirfd, const char *name, char **ret, size_t *ret_size);
int ctr__read_fd(int fd, char **ret, size_t *ret_size);
int ctr__write_all(int fd, const void *data, size_t size);
/* Open path below the directory root: with openat2(RESOLVE_IN_ROOT, or
 * RESOLVE_BENEATH when beneath), so that no symlink or ".." leads outside;
 * without openat2 (kernels before 5.6, valgrind) by a walk that refuses any
 * symlink on the way (stricter, never unsafe).  Returns an fd or -errno. */
int ctr__openat_in_root(int root, const char *path, int flags, mode_t mode, bool beneath);
/* Trim trailing whitespace in place. */
char *ctr__strstrip(char *s);

