/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The /proc files top reads (a process chooses its comm and command line)
 * and the cgroup lookup: the first byte picks the parser, the rest is the
 * file ("stat", "status", "cmdline", "uid_map", "/proc/stat", or
 * /proc/PID/cgroup and mountinfo separated by a NUL).  What parses keeps
 * its invariants: a comm without NUL that fits, one to 33 PID levels, an
 * argument count that matches, an ID inside a map's range. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/cgroup.h"
#include "base/procfs.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_status(const char *text)
{
    struct ctr__proc_status s;
    if (ctr__proc_parse_status(text, &s) < 0)
        return;
    if (s.n_nspid < 1 || s.n_nspid > CTR__PROC_NS_MAX || s.n_nspgid > CTR__PROC_NS_MAX ||
        (s.n_groups == 0) != (s.groups == NULL) || s.seccomp < -1 || s.seccomp > 2 ||
        strlen(s.state) >= sizeof s.state)
        abort();
    ctr__proc_status_done(&s);
}

static void check_cmdline(const char *text, size_t len)
{
    char **v = NULL;
    size_t n = 0;
    if (ctr__proc_split_cmdline(text, len, &v, &n) < 0)
        return;
    size_t k = 0;
    while (v[k])
        k++;
    if (k != n)
        abort();
    free(v);
}

static void check_idmap(const char *text)
{
    struct ctr__idmap *m = NULL;
    size_t n = 0;
    if (ctr__proc_parse_idmap(text, &m, &n) < 0)
        return;
    /* The ID of each line's first outside ID is in one line's inside range. */
    for (size_t i = 0; i < n; i++) {
        if (m[i].count == 0)
            continue;
        uint32_t in = ctr__idmap_inside(m, n, m[i].outside, 65534);
        bool inside = false;
        for (size_t j = 0; j < n; j++)
            inside |= in >= m[j].inside && (uint64_t)in - m[j].inside < m[j].count;
        if (!inside)
            abort();
    }
    free(m);
}

static void check_cgroup(const char *text, size_t len)
{
    const char *mounts = memchr(text, '\0', len) ? text + strlen(text) + 1 : "";
    char *dir = NULL;
    int v = 0;
    if (ctr__cgroup_dir(text, mounts, &dir, &v) == 0 && (!dir || (v != 1 && v != 2)))
        abort();
    free(dir);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > 1 << 16)
        return 0;
    size_t len = size - 1;
    char *text = malloc(len + 2);
    if (!text)
        return 0;
    memcpy(text, data + 1, len);
    text[len] = text[len + 1] = '\0';
    switch (data[0] % 6) {
    case 0: {
        struct ctr__proc_stat st;
        if (ctr__proc_parse_stat(text, len, &st) == 0 && strlen(st.comm) >= sizeof st.comm)
            abort();
        break;
    }
    case 1: check_status(text); break;
    case 2: check_cmdline(text, len); break;
    case 3: check_idmap(text); break;
    case 4: {
        int64_t b;
        if (ctr__proc_parse_btime(text, &b) == 0 && b < 0)
            abort();
        break;
    }
    default: check_cgroup(text, len); break;
    }
    free(text);
    return 0;
}
