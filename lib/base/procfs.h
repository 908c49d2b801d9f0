/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A process as /proc shows it to the host: the parsers of /proc/PID/stat,
 * /proc/PID/status, /proc/PID/cmdline, the ID maps and /proc/stat's boot
 * time (pure functions over the text, so they are tested on crafted
 * files), and bounded reads of those files.  What the files say is
 * untrusted: a process chooses its comm (anything but NUL, parentheses
 * and spaces included) and its command line. */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "base/util.h"

/* Most PID namespace levels a process can be in (the kernel's MAX_PID_NS_LEVEL). */
#define CTR__PROC_NS_MAX 33

/* The fields of /proc/PID/stat that top shows. */
struct ctr__proc_stat {
    pid_t pid;
    char comm[64];              /* between the first '(' and the last ')', truncated */
    char state;
    pid_t ppid, pgrp, session;
    int64_t tty_nr;
    uint64_t utime, stime;      /* clock ticks */
    int64_t priority, nice;
    uint64_t starttime;         /* clock ticks after boot */
    uint64_t vsize;             /* bytes */
};

/* Parse the text of /proc/PID/stat (@len bytes, NUL not needed): the comm
 * is what lies between the first '(' and the LAST ')' (a comm may hold
 * ") (" itself), the numbered fields follow the last ')'.  -EINVAL (no
 * message) when the text is not such a line or a field is not a number. */
int ctr__proc_parse_stat(const char *text, size_t len, struct ctr__proc_stat *ret);

/* The lines of /proc/PID/status that top shows. */
struct ctr__proc_status {
    char state[8];              /* "State:" first word ("S"), "" when absent */
    pid_t ppid;
    uint32_t uid[4], gid[4];    /* real, effective, saved, file system */
    gid_t *groups;              /* supplementary groups (malloc'ed; NULL when none) */
    size_t n_groups;
    pid_t nspid[CTR__PROC_NS_MAX];   /* outermost (the reader's) first */
    size_t n_nspid;
    pid_t nspgid[CTR__PROC_NS_MAX];
    size_t n_nspgid;
    bool has_rss;
    uint64_t vm_rss_kb;         /* "VmRSS:" in kB (absent for kernel threads and zombies) */
    uint64_t cap_inh, cap_prm, cap_eff, cap_bnd, cap_amb;
    int seccomp;                /* 0, 1, 2; -1 when absent */
};

/* Parse the text of /proc/PID/status (NUL-terminated).  The "Uid:" and
 * "Gid:" lines must be there with four numbers each; without "NSpid:"
 * (kernels before 4.1) the "Pid:" line is the one level.  Unknown lines
 * are skipped.  -EINVAL (no message) on a malformed known line; -ENOMEM.
 * Free with ctr__proc_status_done(). */
int ctr__proc_parse_status(const char *text, struct ctr__proc_status *ret);
void ctr__proc_status_done(struct ctr__proc_status *s);
static inline void ctr__proc_status_donep(struct ctr__proc_status *s) { ctr__proc_status_done(s); }

/* Split the @len bytes of /proc/PID/cmdline into its arguments: each NUL
 * ends one, and what follows the last NUL is one more (empty when the text
 * ends with a NUL, as psgo splits it).  *ret is NULL-terminated, its
 * strings in one allocation with it: free(*ret) alone.  An empty text gives
 * no argument.  -ENOMEM. */
int ctr__proc_split_cmdline(const char *text, size_t len, char ***ret, size_t *ret_n);

/* One line of /proc/PID/uid_map or gid_map: IDs inside .. inside+count-1
 * are outside .. outside+count-1 in the reader's user namespace. */
struct ctr__idmap {
    uint32_t inside, outside, count;
};

/* Parse an ID map (at most 340 lines, the kernel's limit).  *ret malloc'ed
 * (NULL when empty).  -EINVAL on a malformed line; -ENOMEM. */
int ctr__proc_parse_idmap(const char *text, struct ctr__idmap **ret, size_t *ret_n);
/* The ID inside the namespace of @outside, the reader's ID; @overflow when
 * the map does not have it (the kernel's overflowuid, 65534).  An empty
 * map is the identity. */
uint32_t ctr__idmap_inside(const struct ctr__idmap *map, size_t n, uint32_t outside, uint32_t overflow);

/* The "btime" line of /proc/stat: the boot time in seconds since the
 * epoch.  -EINVAL when there is none. */
int ctr__proc_parse_btime(const char *text, int64_t *ret);

/* Read the file @name below the directory @dirfd (a /proc/PID directory),
 * at most @max bytes (the rest is dropped: *ret_truncated, may be NULL).
 * *ret NUL-terminated (free()); @ret_len may be NULL.  -errno of open and
 * read (-ENOENT, -ESRCH when the process is gone); -ENOMEM. */
int ctr__proc_read(int dirfd, const char *name, size_t max, char **ret, size_t *ret_len, bool *ret_truncated);
