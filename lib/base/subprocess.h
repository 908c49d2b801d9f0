/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Running helper programs: finding them, spawning them with the descriptors
 * and environment they get, waiting for them. */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

/* Find an executable: an absolute path is checked as is; a bare name is
 * searched in PATH, then in /usr/local/sbin, /usr/local/bin, /usr/sbin,
 * /usr/bin, /sbin, /bin.  -ENOENT when not found. */
int ctr__find_program(const char *name, char **ret);
/* Where libctr's helper programs are: $LIBCTR_HELPER_DIR (a build tree's
 * tests), else where they were installed (LIBEXECDIR/libctr).  Static. */
const char *ctr__helper_dir(void);
/* conmon's absolute path (PATH, then podman's libexec directories) in
 * *ret; -ENOENT when there is none. */
int ctr__find_conmon(char **ret);
/* Whether path is a regular file the caller may execute. */
bool ctr__is_executable(const char *path);

/* Spawn a helper program (vfork semantics, via posix_spawn). */
struct ctr__spawn {
    const char *path;       /* absolute */
    char *const *argv;
    char *const *envp;      /* NULL: the caller's environment */
    const char *cwd;        /* NULL: inherit */
    /* fds[i] becomes the child's descriptor i (i < n_fds <= 8).  For i <= 2,
     * -1 means /dev/null; for i > 2, -1 leaves the slot closed.  The
     * caller's descriptors may all be close-on-exec and in any order. */
    int fds[8];
    size_t n_fds;
    bool new_pgroup;        /* put the child in a process group of its own */
};
/* Signal mask empty and every signal at its default in the child.
 * Returns 0 and the PID, or a negative errno (with a detail). */
int ctr__spawn(const struct ctr__spawn *s, pid_t *ret_pid);
/* Spawn and wait for the program; what names it in the error of the wait.
 * 0 with its wait status, or a negative errno (with a detail). */
int ctr__spawn_run(const struct ctr__spawn *s, const char *what, int *ret_status);
/* The text a helper wrote to a memfd: the last max bytes (0: all), NUL
 * terminated; "" for fd -1; NULL on ENOMEM. */
char *ctr__memfd_read(int fd, size_t max);
/* waitpid() retrying on EINTR; *ret_status as from waitpid(). */
int ctr__spawn_wait(pid_t pid, int *ret_status);
/* The environment to give a helper: the caller's, without NOTIFY_SOCKET,
 * LISTEN_*, and _OCI_* variables, plus `extra` (NULL-terminated, may be
 * NULL).  Free with ctr__strv_free(). */
char **ctr__spawn_env(const char *const *extra);
/* Describe a wait status ("exited with status 1", "killed by signal 9"). */
void ctr__spawn_status_string(int status, char *buf, size_t size);
