/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* base/procfs.c, base/cgroup.c and the ID names of base/passwd.c: what top
 * reads, on crafted files (a comm with ") (" in it, malformed lines,
 * hybrid cgroup layouts) and on this process's own /proc files. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>

#include "base/cgroup.h"
#include "base/error.h"
#include "base/passwd.h"
#include "base/procfs.h"

static char dir[] = "/tmp/test-procfs.XXXXXX";
static int dirfd_ = -1;

static void put(const char *name, const char *data, size_t len)
{
    int fd = openat(dirfd_, name, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    assert_true(fd >= 0);
    assert_int_equal(ctr__write_all(fd, data, len), 0);
    close(fd);
}

/* Write @text as the file @name of the scratch directory and read it back
 * as top reads /proc files. */
static char *crafted(const char *name, const char *text, size_t *len)
{
    put(name, text, strlen(text));
    char *out = NULL;
    assert_int_equal(ctr__proc_read(dirfd_, name, 1u << 20, &out, len, NULL), 0);
    return out;
}

static void test_stat_comm(void **state)
{
    /* A comm chosen to fool a parser that stops at the first ')' or splits at spaces. */
    size_t len;
    char *text = crafted("stat", "4242 (a) (b c) 9 (x) R 1 4242 4242 34816 4242 4194560 120 0 0 0 7 3 0 0 20 -5 1 0 "
                                 "123456 8273920 233 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0\n",
                         &len);
    struct ctr__proc_stat st;
    assert_int_equal(ctr__proc_parse_stat(text, len, &st), 0);
    assert_int_equal(st.pid, 4242);
    assert_string_equal(st.comm, "a) (b c) 9 (x");
    assert_int_equal(st.state, 'R');
    assert_int_equal(st.ppid, 1);
    assert_int_equal(st.pgrp, 4242);
    assert_int_equal(st.session, 4242);
    assert_int_equal(st.tty_nr, 34816);
    assert_int_equal(st.utime, 7);
    assert_int_equal(st.stime, 3);
    assert_int_equal(st.priority, 20);
    assert_int_equal(st.nice, -5);
    assert_int_equal(st.starttime, 123456);
    assert_int_equal(st.vsize, 8273920);
    free(text);

    /* An empty comm, and one of just ")" characters. */
    text = crafted("stat", "7 () S 0 0 0 0 0 0 0 0 0 0 0 0 0 0 20 0 1 0 5 0 0", &len);
    assert_int_equal(ctr__proc_parse_stat(text, len, &st), 0);
    assert_string_equal(st.comm, "");
    free(text);
    text = crafted("stat", "7 ())) S 0 0 0 0 0 0 0 0 0 0 0 0 0 0 20 0 1 0 5 0 0", &len);
    assert_int_equal(ctr__proc_parse_stat(text, len, &st), 0);
    assert_string_equal(st.comm, "))");
    free(text);
}

static void test_stat_malformed(void **state)
{
    static const char *const bad[] = {
        "",
        "4242",
        "4242 comm R 1 2 3",                                                     /* no parentheses */
        "4242 (sh R 1 1 1 0 0 0 0 0 0 0 0 0 0 0 20 0 1 0 5 6",                    /* no ')' */
        "4242 (sh) R 1 1 1 0 0 0 0 0 0 0 0 0 0 0 20 0 1 0 5",                     /* field 23 missing */
        "x (sh) R 1 1 1 0 0 0 0 0 0 0 0 0 0 0 20 0 1 0 5 6",                      /* the PID */
        "4242(sh) R 1 1 1 0 0 0 0 0 0 0 0 0 0 0 20 0 1 0 5 6",                    /* no space before '(' */
        "4242 (sh) RS 1 1 1 0 0 0 0 0 0 0 0 0 0 0 20 0 1 0 5 6",                  /* the state */
        "4242 (sh) R -1 1 1 0 0 0 0 0 0 0 0 0 0 0 20 0 1 0 5 6",                  /* a negative PPID */
        "4242 (sh) R 1 1 1 0 0 0 0 0 0 0 0x1 0 0 0 20 0 1 0 5 6",                 /* utime */
        "4242 (sh) R 1 1 1 0 0 0 0 0 0 0 0 0 0 0 20 0 1 0 99999999999999999999 6", /* starttime overflows */
    };
    struct ctr__proc_stat st;
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
        if (ctr__proc_parse_stat(bad[i], strlen(bad[i]), &st) != -EINVAL)
            fail_msg("\"%s\" should be refused", bad[i]);
    /* A NUL inside the comm is not the kernel's. */
    static const char nul[] = "4242 (s\0h) R 1 1 1 0 0 0 0 0 0 0 0 0 0 0 20 0 1 0 5 6";
    assert_int_equal(ctr__proc_parse_stat(nul, sizeof nul - 1, &st), -EINVAL);
    /* A long comm is truncated, not overflowed. */
    char longer[512];
    snprintf(longer, sizeof longer, "9 (%0200d) S 0 0 0 0 0 0 0 0 0 0 0 0 0 0 20 0 1 0 5 0 0", 0);
    assert_int_equal(ctr__proc_parse_stat(longer, strlen(longer), &st), 0);
    assert_int_equal(strlen(st.comm), sizeof st.comm - 1);
}

static const char status_text[] = "Name:\ta) (b c\n"
                                  "Umask:\t0022\n"
                                  "State:\tS (sleeping)\n"
                                  "Tgid:\t30054\n"
                                  "Ngid:\t0\n"
                                  "Pid:\t30054\n"
                                  "PPid:\t30044\n"
                                  "TracerPid:\t0\n"
                                  "Uid:\t1000\t1001\t1002\t1003\n"
                                  "Gid:\t100\t101\t102\t103\n"
                                  "FDSize:\t64\n"
                                  "Groups:\t10 100 \n"
                                  "NStgid:\t30054\t6\n"
                                  "NSpid:\t30054\t6\n"
                                  "NSpgid:\t30044\t1\n"
                                  "NSsid:\t30044\t1\n"
                                  "VmPeak:\t    2268 kB\n"
                                  "VmSize:\t    2268 kB\n"
                                  "VmRSS:\t    1444 kB\n"
                                  "Threads:\t1\n"
                                  "CapInh:\t0000000000000000\n"
                                  "CapPrm:\t00000000a80425fb\n"
                                  "CapEff:\t00000000a80425fb\n"
                                  "CapBnd:\t000001ffffffffff\n"
                                  "CapAmb:\t0000000000000000\n"
                                  "NoNewPrivs:\t0\n"
                                  "Seccomp:\t2\n"
                                  "Seccomp_filters:\t1\n"
                                  "voluntary_ctxt_switches:\t2\n";

static void test_status(void **state)
{
    char *text = crafted("status", status_text, NULL);
    struct ctr__proc_status s;
    assert_int_equal(ctr__proc_parse_status(text, &s), 0);
    assert_string_equal(s.state, "S");
    assert_int_equal(s.ppid, 30044);
    assert_int_equal(s.uid[0], 1000);
    assert_int_equal(s.uid[1], 1001);
    assert_int_equal(s.uid[3], 1003);
    assert_int_equal(s.gid[1], 101);
    assert_int_equal(s.n_groups, 2);
    assert_int_equal(s.groups[0], 10);
    assert_int_equal(s.groups[1], 100);
    assert_int_equal(s.n_nspid, 2);
    assert_int_equal(s.nspid[0], 30054);
    assert_int_equal(s.nspid[1], 6);
    assert_int_equal(s.n_nspgid, 2);
    assert_int_equal(s.nspgid[1], 1);
    assert_true(s.has_rss);
    assert_int_equal(s.vm_rss_kb, 1444);
    assert_int_equal(s.cap_eff, 0xa80425fbULL);
    assert_int_equal(s.cap_bnd, 0x1ffffffffffULL);
    assert_int_equal(s.cap_amb, 0);
    assert_int_equal(s.seccomp, 2);
    ctr__proc_status_done(&s);
    free(text);

    /* A kernel thread or a zombie: no VmRSS, no groups, no Seccomp line;
     * an old kernel: no NSpid (the Pid line is the one level). */
    static const char minimal[] = "Name:\tkworker/0:1\nPid:\t77\nPPid:\t2\nUid:\t0 0 0 0\nGid:\t0 0 0 0\nGroups:\n";
    assert_int_equal(ctr__proc_parse_status(minimal, &s), 0);
    assert_false(s.has_rss);
    assert_int_equal(s.n_groups, 0);
    assert_null(s.groups);
    assert_int_equal(s.seccomp, -1);
    assert_int_equal(s.n_nspid, 1);
    assert_int_equal(s.nspid[0], 77);
    ctr__proc_status_done(&s);
}

static void test_status_malformed(void **state)
{
    static const char *const bad[] = {
        "Pid:\t1\nGid:\t0 0 0 0\n",                              /* no Uid */
        "Pid:\t1\nUid:\t0 0 0 0\n",                              /* no Gid */
        "Pid:\t1\nUid:\t0 0 0\nGid:\t0 0 0 0\n",                 /* three IDs */
        "Pid:\t1\nUid:\t0 0 0 0 0\nGid:\t0 0 0 0\n",             /* five */
        "Pid:\t1\nUid:\t0 0 0 x\nGid:\t0 0 0 0\n",
        "Pid:\t1\nUid:\t0 0 0 4294967296\nGid:\t0 0 0 0\n",      /* beyond 32 bits */
        "Pid:\t1\nUid:\t0 0 0 0\nGid:\t0 0 0 0\nGroups:\t1 -2\n",
        "Pid:\t1\nUid:\t0 0 0 0\nGid:\t0 0 0 0\nCapEff:\tzz\n",
        "Pid:\t1\nUid:\t0 0 0 0\nGid:\t0 0 0 0\nCapEff:\t00000000000000000\n", /* 17 digits */
        "Pid:\t1\nUid:\t0 0 0 0\nGid:\t0 0 0 0\nSeccomp:\t3\n",
        "Pid:\t1\nUid:\t0 0 0 0\nGid:\t0 0 0 0\nNSpid:\t1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 "
        "24 25 26 27 28 29 30 31 32 33 34\n",                    /* more levels than the kernel has */
        "Uid:\t0 0 0 0\nGid:\t0 0 0 0\n",                        /* no PID at all */
    };
    struct ctr__proc_status s;
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
        if (ctr__proc_parse_status(bad[i], &s) != -EINVAL)
            fail_msg("\"%s\" should be refused", bad[i]);
    /* "Name:" may hold anything, colons and numbers included. */
    static const char odd_name[] = "Name:\tUid: 1 2\nPid:\t5\nUid:\t1 2 3 4\nGid:\t5 6 7 8\n";
    assert_int_equal(ctr__proc_parse_status(odd_name, &s), 0);
    assert_int_equal(s.uid[0], 1);
    ctr__proc_status_done(&s);
}

/* This process's own files agree with the system calls. */
static void test_self(void **state)
{
    _cleanup_close_ int self = open("/proc/self", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    assert_true(self >= 0);
    char *text = NULL;
    size_t len = 0;
    assert_int_equal(ctr__proc_read(self, "stat", 1u << 16, &text, &len, NULL), 0);
    struct ctr__proc_stat st;
    assert_int_equal(ctr__proc_parse_stat(text, len, &st), 0);
    assert_int_equal(st.pid, getpid());
    assert_int_equal(st.ppid, getppid());
    assert_int_equal(st.pgrp, getpgrp());
    free(text);
    assert_int_equal(ctr__proc_read(self, "status", 1u << 16, &text, NULL, NULL), 0);
    struct ctr__proc_status s;
    assert_int_equal(ctr__proc_parse_status(text, &s), 0);
    assert_int_equal(s.uid[0], getuid());
    assert_int_equal(s.uid[1], geteuid());
    assert_int_equal(s.gid[1], getegid());
    assert_int_equal(s.nspid[0], getpid());
    assert_int_equal(s.ppid, getppid());
    ctr__proc_status_done(&s);
    free(text);
    int64_t btime;
    assert_int_equal(ctr__proc_read(AT_FDCWD, "/proc/stat", 1u << 24, &text, NULL, NULL), 0);
    assert_int_equal(ctr__proc_parse_btime(text, &btime), 0);
    assert_true(btime > 0 && btime * 1000000000 < ctr__now_ns());
    free(text);
}

static void test_cmdline(void **state)
{
    char **v;
    size_t n;
    static const char args[] = "sh\0-c\0sleep 100 & sleep 200\0";
    assert_int_equal(ctr__proc_split_cmdline(args, sizeof args - 1, &v, &n), 0);
    /* psgo splits at every NUL: the final one leaves an empty argument. */
    assert_int_equal(n, 4);
    assert_string_equal(v[0], "sh");
    assert_string_equal(v[2], "sleep 100 & sleep 200");
    assert_string_equal(v[3], "");
    assert_null(v[4]);
    free(v);
    /* A command line rewritten without NULs (setproctitle). */
    assert_int_equal(ctr__proc_split_cmdline("nginx: worker", 13, &v, &n), 0);
    assert_int_equal(n, 1);
    assert_string_equal(v[0], "nginx: worker");
    free(v);
    /* A kernel thread or a zombie: nothing. */
    assert_int_equal(ctr__proc_split_cmdline("", 0, &v, &n), 0);
    assert_int_equal(n, 0);
    assert_null(v[0]);
    free(v);
}

static void test_read_bounded(void **state)
{
    char big[10000];
    memset(big, 'x', sizeof big);
    put("big", big, sizeof big);
    char *text = NULL;
    size_t len = 0;
    bool truncated = false;
    assert_int_equal(ctr__proc_read(dirfd_, "big", 5000, &text, &len, &truncated), 0);
    assert_int_equal(len, 5000);
    assert_true(truncated);
    assert_int_equal(strlen(text), 5000);
    free(text);
    assert_int_equal(ctr__proc_read(dirfd_, "big", 10000, &text, &len, &truncated), 0);
    assert_int_equal(len, 10000);
    assert_false(truncated);
    free(text);
    assert_int_equal(ctr__proc_read(dirfd_, "missing", 100, &text, &len, NULL), -ENOENT);
}

static void test_idmap(void **state)
{
    struct ctr__idmap *m;
    size_t n;
    assert_int_equal(ctr__proc_parse_idmap("         0          0 4294967295\n", &m, &n), 0);
    assert_int_equal(n, 1);
    assert_int_equal(ctr__idmap_inside(m, n, 1000, 65534), 1000);
    free(m);
    assert_int_equal(ctr__proc_parse_idmap("0 100000 1000\n1000 1000 1\n1001 101001 64535\n", &m, &n), 0);
    assert_int_equal(n, 3);
    assert_int_equal(ctr__idmap_inside(m, n, 100000, 65534), 0);
    assert_int_equal(ctr__idmap_inside(m, n, 100999, 65534), 999);
    assert_int_equal(ctr__idmap_inside(m, n, 1000, 65534), 1000);
    assert_int_equal(ctr__idmap_inside(m, n, 101001, 65534), 1001);
    assert_int_equal(ctr__idmap_inside(m, n, 0, 65534), 65534); /* host root is not mapped */
    free(m);
    assert_int_equal(ctr__proc_parse_idmap("", &m, &n), 0);
    assert_int_equal(n, 0);
    assert_int_equal(ctr__idmap_inside(m, n, 7, 65534), 7);
    assert_int_equal(ctr__proc_parse_idmap("0 0\n", &m, &n), -EINVAL);
    assert_int_equal(ctr__proc_parse_idmap("0 0 1 2\n", &m, &n), -EINVAL);
    assert_int_equal(ctr__proc_parse_idmap("0 -1 1\n", &m, &n), -EINVAL);
    /* A range past the last ID, inside or outside (the kernel refuses it; fuzzed). */
    assert_int_equal(ctr__proc_parse_idmap("4294965950 0 429496595\n", &m, &n), -EINVAL);
    assert_int_equal(ctr__proc_parse_idmap("0 4294967295 2\n", &m, &n), -EINVAL);
    assert_int_equal(ctr__proc_parse_btime("cpu 1 2 3\nbtime x\n", &(int64_t){ 0 }), -EINVAL);
    assert_int_equal(ctr__proc_parse_btime("cpu 1 2 3\n", &(int64_t){ 0 }), -EINVAL);
}

/* /proc/PID/cgroup of a container and the host's mountinfo, three layouts. */
static const char cgroup_hybrid[] = "9:name=systemd:/libctr_parent/libctr-abc\n"
                                    "8:pids:/libctr_parent/libctr-abc\n"
                                    "4:memory:/libctr_parent/libctr-abc\n"
                                    "2:cpu,cpuacct:/libctr_parent/libctr-abc\n"
                                    "0::/libctr_parent/libctr-abc\n";
static const char mounts_hybrid[] =
    "31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755\n"
    "32 31 0:29 / /sys/fs/cgroup/cpu,cpuacct rw,relatime shared:9 - cgroup cgroup rw,cpu,cpuacct\n"
    "35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory\n"
    "39 31 0:36 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids\n"
    "40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,name=systemd\n"
    "41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw\n";

static void test_cgroup_dir(void **state)
{
    char *d = NULL;
    int v = 0;
    assert_int_equal(ctr__cgroup_dir(cgroup_hybrid, mounts_hybrid, &d, &v), 0);
    assert_string_equal(d, "/sys/fs/cgroup/pids/libctr_parent/libctr-abc");
    assert_int_equal(v, 1);
    free(d);

    /* No pids hierarchy mounted: memory. */
    static const char no_pids[] = "35 31 0:32 / /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory\n"
                                  "41 31 0:38 / /sys/fs/cgroup/unified rw - cgroup2 cgroup2 rw\n";
    assert_int_equal(ctr__cgroup_dir(cgroup_hybrid, no_pids, &d, &v), 0);
    assert_string_equal(d, "/sys/fs/cgroup/memory/libctr_parent/libctr-abc");
    free(d);

    /* Only the unified hierarchy of the hybrid layout. */
    static const char unified_only[] = "41 31 0:38 / /sys/fs/cgroup/unified rw - cgroup2 cgroup2 rw\n";
    assert_int_equal(ctr__cgroup_dir(cgroup_hybrid, unified_only, &d, &v), 0);
    assert_string_equal(d, "/sys/fs/cgroup/unified/libctr_parent/libctr-abc");
    assert_int_equal(v, 2);
    free(d);

    /* cgroup v2: one line, one mount. */
    static const char v2[] = "0::/machine.slice/libctr-abc.scope\n";
    static const char v2_mounts[] = "25 21 0:22 / /sys/fs/cgroup rw,nosuid - cgroup2 cgroup2 rw,nsdelegate\n";
    assert_int_equal(ctr__cgroup_dir(v2, v2_mounts, &d, &v), 0);
    assert_string_equal(d, "/sys/fs/cgroup/machine.slice/libctr-abc.scope");
    assert_int_equal(v, 2);
    free(d);

    /* Another v1 controller only (here name=systemd), its mount point escaped. */
    static const char sd_mounts[] = "40 31 0:37 / /sys/fs/cgroup/sys\\040temd rw - cgroup cgroup rw,xattr,name=systemd\n";
    assert_int_equal(ctr__cgroup_dir(cgroup_hybrid, sd_mounts, &d, &v), 0);
    assert_string_equal(d, "/sys/fs/cgroup/sys temd/libctr_parent/libctr-abc");
    free(d);

    /* A mount of a part of the hierarchy: its root taken off the path. */
    static const char sub_mounts[] = "39 31 0:36 /libctr_parent /cg rw - cgroup cgroup rw,pids\n";
    assert_int_equal(ctr__cgroup_dir(cgroup_hybrid, sub_mounts, &d, &v), 0);
    assert_string_equal(d, "/cg/libctr-abc");
    free(d);
    /* ... and one that does not reach the process's cgroup (a prefix of a name is not a parent). */
    static const char other_mounts[] = "39 31 0:36 /libctr_par /cg rw - cgroup cgroup rw,pids\n";
    assert_int_equal(ctr__cgroup_dir(cgroup_hybrid, other_mounts, &d, &v), -ENOENT);

    /* Nothing mounted, or nothing readable. */
    assert_int_equal(ctr__cgroup_dir(cgroup_hybrid, "", &d, &v), -ENOENT);
    assert_int_equal(ctr__cgroup_dir("garbage\n::\n1:pids\n", mounts_hybrid, &d, &v), -ENOENT);
}

/* This process's own cgroup holds it. */
static void test_cgroup_self(void **state)
{
    char *cg = NULL, *mi = NULL, *d = NULL;
    assert_int_equal(ctr__proc_read(AT_FDCWD, "/proc/self/cgroup", 1u << 16, &cg, NULL, NULL), 0);
    assert_int_equal(ctr__proc_read(AT_FDCWD, "/proc/self/mountinfo", 1u << 24, &mi, NULL, NULL), 0);
    int r = ctr__cgroup_dir(cg, mi, &d, NULL);
    free(cg);
    free(mi);
    if (r == -ENOENT)
        skip(); /* no cgroup file system mounted here */
    assert_int_equal(r, 0);
    pid_t *pids = NULL;
    size_t n = 0;
    r = ctr__cgroup_procs(d, &pids, &n);
    free(d);
    if (r == -ENOENT)
        skip(); /* our cgroup is not visible through this mount (another cgroup namespace) */
    assert_int_equal(r, 0);
    bool found = false;
    for (size_t i = 0; i < n; i++) {
        found |= pids[i] == getpid();
        if (i > 0)
            assert_true(pids[i - 1] < pids[i]);
    }
    assert_true(found);
    free(pids);
}

static void test_id_names(void **state)
{
    assert_int_equal(mkdirat(dirfd_, "etc", 0755), 0);
    const char *pw = "root:x:0:0:root:/root:/bin/sh\n# comment:x:5:5\n+nis\ntester:x:1000:1000::/home/t:/bin/sh\n"
                     "dup:x:1000:1000::/:/bin/sh\nbad:x:notanumber:0::/:/bin/sh\n:x:7:7::/:\n";
    put("etc/passwd", pw, strlen(pw));
    const char *gr = "root:x:0:\nusers:x:100:tester\r\nwheel:x:10:tester,other\n";
    put("etc/group", gr, strlen(gr));
    struct ctr__id_names n;
    assert_int_equal(ctr__id_names_load(dir, &n), 0);
    assert_string_equal(ctr__id_names_user(&n, 0), "root");
    assert_string_equal(ctr__id_names_user(&n, 1000), "tester"); /* the first entry wins */
    assert_null(ctr__id_names_user(&n, 5));                      /* comments are not users */
    assert_null(ctr__id_names_user(&n, 7));                      /* nor entries without a name */
    assert_null(ctr__id_names_user(&n, 65534));
    assert_string_equal(ctr__id_names_group(&n, 100), "users");
    assert_string_equal(ctr__id_names_group(&n, 10), "wheel");
    assert_null(ctr__id_names_group(&n, 1000));
    ctr__id_names_done(&n);

    /* A FIFO as /etc/group is refused, never opened for reading (it would block). */
    assert_int_equal(unlinkat(dirfd_, "etc/group", 0), 0);
    assert_int_equal(mkfifoat(dirfd_, "etc/group", 0644), 0);
    assert_int_equal(ctr__id_names_load(dir, &n), -EINVAL);
    assert_int_equal(unlinkat(dirfd_, "etc/group", 0), 0);
    /* A link out of the root is resolved inside it (here to nothing), or
     * refused where there is no openat2 (valgrind). */
    assert_int_equal(symlinkat("/../../../../etc/group-not-there", dirfd_, "etc/group"), 0);
    int r = ctr__id_names_load(dir, &n);
    if (r == -ELOOP)
        return;
    assert_int_equal(r, 0);
    assert_int_equal(n.n_groups, 0);
    assert_string_equal(ctr__id_names_user(&n, 0), "root");
    ctr__id_names_done(&n);
}

static int setup(void **state)
{
    if (!mkdtemp(dir))
        return -1;
    dirfd_ = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    return dirfd_ < 0 ? -1 : 0;
}

static int teardown(void **state)
{
    close(dirfd_);
    return ctr__rm_rf(dir) < 0 ? -1 : 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_stat_comm),
        cmocka_unit_test(test_stat_malformed),
        cmocka_unit_test(test_status),
        cmocka_unit_test(test_status_malformed),
        cmocka_unit_test(test_self),
        cmocka_unit_test(test_cmdline),
        cmocka_unit_test(test_read_bounded),
        cmocka_unit_test(test_idmap),
        cmocka_unit_test(test_cgroup_dir),
        cmocka_unit_test(test_cgroup_self),
        cmocka_unit_test(test_id_names),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
