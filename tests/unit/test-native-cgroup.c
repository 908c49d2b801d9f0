/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* native/cgroup.c: the v1 and v2 mapping of linux.resources on fixtures
 * (no host needed), then the manager on this host's cgroupfs below a test
 * parent /libctr_test_cg_PID (removed from every hierarchy after each
 * test): path rules, create and read back, update, enter, freeze, destroy
 * with a live process, errors; and a differential check against runc (the
 * files runc writes for the same resources), skipped without runc or
 * busybox. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "base/cgroup.h"
#include "base/error.h"
#include "base/json-util.h"
#include "native/cgroup.h"

static char parent[64]; /* "/libctr_test_cg_PID" */

/* ---- helpers ---- */

static json_object *json(const char *text)
{
    json_object *o = json_tokener_parse(text);
    assert_non_null(o);
    return o;
}

/* The files of @resources (v2 or v1) joined with '\n'. */
static char *files_of(const char *resources, bool v2, int *ret_r)
{
    _cleanup_json_ json_object *o = json(resources);
    char **v = NULL;
    *ret_r = v2 ? ctr__native_cgroup_v2_files(o, &v) : ctr__native_cgroup_v1_files(o, &v);
    if (*ret_r < 0)
        return NULL;
    struct ctr__buf b = { 0 };
    for (char **p = v; *p; p++)
        ctr__buf_printf(&b, "%s\n", *p);
    ctr__strv_free(v);
    char *out = NULL;
    assert_int_equal(ctr__buf_finish(&b, &out), 0);
    return out;
}

static void assert_files(const char *resources, bool v2, const char *want)
{
    int r;
    _cleanup_free_ char *got = files_of(resources, v2, &r);
    if (r < 0)
        fail_msg("%s: %d %s", resources, r, ctr_error_last()->message);
    assert_string_equal(got, want);
}

static void assert_files_error(const char *resources, bool v2, int code, const char *in_message)
{
    int r;
    _cleanup_free_ char *got = files_of(resources, v2, &r);
    assert_int_equal(r, code);
    if (!strstr(ctr_error_last()->message, in_message))
        fail_msg("message \"%s\" lacks \"%s\"", ctr_error_last()->message, in_message);
}

static char *read_text(const char *dir, const char *file)
{
    _cleanup_free_ char *path = ctr__asprintf("%s/%s", dir, file);
    char *text = NULL;
    assert_non_null(path);
    if (ctr__read_file_at(AT_FDCWD, path, &text, NULL) < 0)
        fail_msg("cannot read %s", path);
    return ctr__strstrip(text);
}

static void assert_file(const struct ctr__native_cgroup *cg, const char *ctl, const char *file, const char *want)
{
    const char *dir = ctr__native_cgroup_dir(cg, ctl);
    if (!dir)
        fail_msg("no %s hierarchy", ctl);
    _cleanup_free_ char *got = read_text(dir, file);
    if (!streq(got, want))
        fail_msg("%s/%s: \"%s\", not \"%s\"", dir, file, got, want);
}

static bool exists_file(const struct ctr__native_cgroup *cg, const char *ctl, const char *file)
{
    const char *dir = ctr__native_cgroup_dir(cg, ctl);
    _cleanup_free_ char *path = dir ? ctr__asprintf("%s/%s", dir, file) : NULL;
    return path && access(path, F_OK) == 0;
}

static bool dir_exists(const char *dir)
{
    struct stat st;
    return dir && stat(dir, &st) == 0 && S_ISDIR(st.st_mode);
}

/* A child that sleeps until killed. */
static pid_t sleeper(void)
{
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        for (;;)
            pause();
    }
    return pid;
}

static void reap(pid_t pid)
{
    (void)kill(pid, SIGKILL);
    (void)waitpid(pid, NULL, 0);
}

/* The test parent removed from every mounted hierarchy, processes killed. */
static void remove_parent(void)
{
    _cleanup_free_ char *mounts = NULL;
    if (ctr__cgroup_mounts(&mounts) < 0)
        return;
    char *save = NULL;
    for (char *line = strtok_r(mounts, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        char mp[4096];
        if (sscanf(line, "%*s %*s %*s %*s %4095s", mp) != 1)
            continue;
        _cleanup_free_ char *dir = ctr__asprintf("%s%s", mp, parent);
        pid_t *pids = NULL;
        size_t n = 0;
        if (ctr__cgroup_procs(dir, &pids, &n) == 0)
            for (size_t i = 0; i < n; i++)
                kill(pids[i], SIGKILL);
        free(pids);
        _cleanup_free_ char *cmd = ctr__asprintf("find '%s' -depth -type d -exec rmdir {} + 2>/dev/null", dir);
        if (dir_exists(dir))
            for (int i = 0; i < 100 && dir_exists(dir); i++) {
                (void)system(cmd);
                if (dir_exists(dir))
                    usleep(10000);
            }
    }
}

static int teardown(void **state)
{
    (void)state;
    remove_parent();
    return 0;
}

/* A handle on PARENT/@sub. */
static struct ctr__native_cgroup *open_sub(const char *sub)
{
    _cleanup_free_ char *path = ctr__asprintf("%s/%s", parent, sub);
    struct ctr__native_cgroup *cg = NULL;
    int r = ctr__native_cgroup_open(path, NULL, &cg);
    if (r < 0)
        fail_msg("open %s: %s", path, ctr_error_last()->message);
    return cg;
}

/* ---- the mapping, on fixtures ---- */

static void test_cpu_weight(void **state)
{
    (void)state;
    assert_int_equal(ctr__native_cgroup_v2_cpu_weight(0), 0);
    assert_int_equal(ctr__native_cgroup_v2_cpu_weight(2), 1);
    assert_int_equal(ctr__native_cgroup_v2_cpu_weight(1024), 39);  /* runc's 1 + (1022 * 9999) / 262142 */
    assert_int_equal(ctr__native_cgroup_v2_cpu_weight(512), 20);
    assert_int_equal(ctr__native_cgroup_v2_cpu_weight(262144), 10000);
    assert_int_equal(ctr__native_cgroup_v2_cpu_weight(1), 1);            /* clamped to 2 */
    assert_int_equal(ctr__native_cgroup_v2_cpu_weight(1u << 30), 10000); /* clamped to 262144 */
}

static void test_v2_mapping(void **state)
{
    (void)state;
    assert_files("{}", true, "");
    assert_files("{\"memory\":{\"limit\":67108864,\"swap\":134217728,\"reservation\":33554432,\"swappiness\":10,"
                 "\"disableOOMKiller\":true,\"kernel\":1}}",
                 true, "memory.swap.max=67108864\nmemory.max=67108864\nmemory.low=33554432\n");
    /* swap == memory: no swap; -1: max; memory -1 alone: swap max too */
    assert_files("{\"memory\":{\"limit\":1000000,\"swap\":1000000}}", true, "memory.swap.max=0\nmemory.max=1000000\n");
    assert_files("{\"memory\":{\"limit\":1000000,\"swap\":-1}}", true, "memory.swap.max=max\nmemory.max=1000000\n");
    assert_files("{\"memory\":{\"limit\":-1}}", true, "memory.swap.max=max\nmemory.max=max\n");
    assert_files("{\"cpu\":{\"shares\":1024,\"quota\":50000,\"period\":100000,\"cpus\":\"0-1\",\"mems\":\"0\"}}", true,
                 "cpu.weight=39\ncpu.max=50000 100000\ncpuset.cpus=0-1\ncpuset.mems=0\n");
    assert_files("{\"cpu\":{\"quota\":-1,\"period\":200000,\"idle\":1,\"burst\":1000}}", true,
                 "cpu.idle=1\ncpu.max=max 200000\ncpu.max.burst=1000\n");
    assert_files("{\"cpu\":{\"quota\":30000}}", true, "cpu.max=30000\n");
    assert_files("{\"pids\":{\"limit\":42}}", true, "pids.max=42\n");
    assert_files("{\"pids\":{\"limit\":0}}", true, "pids.max=max\n");
    assert_files("{\"pids\":{\"limit\":-1}}", true, "pids.max=max\n");
    assert_files("{\"blockIO\":{\"weight\":500,\"leafWeight\":300,\"weightDevice\":[{\"major\":8,\"minor\":0,\"weight\":1000}],"
                 "\"throttleReadBpsDevice\":[{\"major\":8,\"minor\":0,\"rate\":1048576}],"
                 "\"throttleWriteIOPSDevice\":[{\"major\":8,\"minor\":16,\"rate\":100}]}}",
                 true, "io.weight=4950\nio.weight=8:0 10000\nio.max=8:0 rbps=1048576\nio.max=8:16 wiops=100\n");
    assert_files("{\"hugepageLimits\":[{\"pageSize\":\"2MB\",\"limit\":4194304}]}", true,
                 "hugetlb.2MB.max=4194304\nhugetlb.2MB.rsvd.max=4194304\n");
    assert_files("{\"devices\":[{\"allow\":false,\"access\":\"rwm\"},{\"allow\":true,\"type\":\"c\",\"major\":1,"
                 "\"minor\":3,\"access\":\"rwm\"},{\"allow\":false,\"type\":\"b\",\"minor\":2,\"access\":\"w\"}]}",
                 true, "bpf:deny=a *:* rwm\nbpf:deny=a *:* rwm\nbpf:allow=c 1:3 rwm\nbpf:deny=b *:2 w\n");
    assert_files("{\"memory\":{\"limit\":1048576},\"unified\":{\"memory.high\":\"900000\",\"memory.oom.group\":\"1\"}}", true,
                 "memory.max=1048576\nmemory.high=900000\nmemory.oom.group=1\n");
}

static void test_v1_mapping(void **state)
{
    (void)state;
    assert_files("{\"memory\":{\"limit\":67108864,\"swap\":134217728,\"reservation\":33554432,\"swappiness\":10,"
                 "\"disableOOMKiller\":true,\"kernel\":1}}",
                 false,
                 "memory/memory.limit_in_bytes=67108864\nmemory/memory.memsw.limit_in_bytes=134217728\n"
                 "memory/memory.soft_limit_in_bytes=33554432\nmemory/memory.oom_control=1\nmemory/memory.swappiness=10\n");
    assert_files("{\"memory\":{\"limit\":-1,\"swappiness\":-1}}", false,
                 "memory/memory.limit_in_bytes=-1\nmemory/memory.memsw.limit_in_bytes=-1\n");
    assert_files("{\"cpu\":{\"shares\":512,\"quota\":50000,\"period\":100000,\"realtimePeriod\":1000000,"
                 "\"realtimeRuntime\":950000,\"cpus\":\"0\",\"mems\":\"0\"}}",
                 false,
                 "cpu/cpu.shares=512\ncpu/cpu.cfs_period_us=100000\ncpu/cpu.cfs_quota_us=50000\n"
                 "cpu/cpu.rt_period_us=1000000\ncpu/cpu.rt_runtime_us=950000\ncpuset/cpuset.cpus=0\ncpuset/cpuset.mems=0\n");
    assert_files("{\"pids\":{\"limit\":0}}", false, "pids/pids.max=max\n");
    assert_files("{\"blockIO\":{\"weight\":500,\"leafWeight\":300,\"weightDevice\":[{\"major\":8,\"minor\":0,\"weight\":1000,"
                 "\"leafWeight\":10}],\"throttleWriteBpsDevice\":[{\"major\":8,\"minor\":0,\"rate\":1048576}]}}",
                 false,
                 "blkio/blkio.weight=500\nblkio/blkio.leaf_weight=300\nblkio/blkio.weight_device=8:0 1000\n"
                 "blkio/blkio.leaf_weight_device=8:0 10\nblkio/blkio.throttle.write_bps_device=8:0 1048576\n");
    assert_files("{\"hugepageLimits\":[{\"pageSize\":\"1GB\",\"limit\":0}]}", false,
                 "hugetlb/hugetlb.1GB.limit_in_bytes=0\nhugetlb/hugetlb.1GB.rsvd.limit_in_bytes=0\n");
    assert_files("{\"devices\":[{\"allow\":false,\"access\":\"rwm\"},{\"allow\":true,\"type\":\"c\",\"major\":1,"
                 "\"minor\":3,\"access\":\"rwm\"},{\"allow\":true,\"type\":\"b\",\"major\":8,\"access\":\"r\"},"
                 "{\"allow\":false,\"type\":\"c\",\"major\":1,\"minor\":5}]}",
                 false,
                 "devices/devices.deny=a\ndevices/devices.deny=a *:* rwm\ndevices/devices.allow=c 1:3 rwm\n"
                 "devices/devices.allow=b 8:* r\ndevices/devices.deny=c 1:5 rwm\n");
}

static void test_mapping_errors(void **state)
{
    (void)state;
    assert_files_error("[]", true, -EINVAL, "linux.resources is not an object");
    assert_files_error("{\"memory\":{\"limit\":\"1g\"}}", false, -EINVAL, "linux.resources.memory.limit is not an integer");
    assert_files_error("{\"memory\":[]}", false, -EINVAL, "linux.resources.memory is not an object");
    assert_files_error("{\"memory\":{\"swap\":1000}}", true, -EINVAL, "without a memory limit");
    assert_files_error("{\"memory\":{\"limit\":2000,\"swap\":1000}}", true, -EINVAL, "should be >= the memory limit");
    assert_files_error("{\"memory\":{\"swappiness\":101}}", false, -EINVAL, "valid range is 0-100");
    assert_files_error("{\"cpu\":{\"realtimeRuntime\":1000}}", true, -EINVAL, "not supported on cgroup v2");
    assert_files_error("{\"cpu\":{\"cpus\":7}}", false, -EINVAL, "linux.resources.cpu.cpus is not a string");
    assert_files_error("{\"hugepageLimits\":[{\"pageSize\":\"../2MB\",\"limit\":1}]}", false, -EINVAL, "page size");
    assert_files_error("{\"blockIO\":{\"throttleReadBpsDevice\":[{\"rate\":1}]}}", false, -EINVAL, "major and minor");
    assert_files_error("{\"devices\":[{\"type\":\"c\"}]}", false, -EINVAL, "without \"allow\"");
    assert_files_error("{\"devices\":[{\"allow\":true,\"type\":\"x\"}]}", false, -EINVAL, "invalid rule");
    assert_files_error("{\"unified\":{\"../memory.max\":\"1\"}}", true, -EINVAL, "invalid file name");
    assert_files_error("{\"unified\":{\"memory.max\":1}}", true, -EINVAL, "is not a string");
}

/* ---- on this host ---- */

static void test_paths(void **state)
{
    (void)state;
    struct ctr__native_cgroup *cg = NULL;
    _cleanup_free_ char *abs = ctr__asprintf("%s//a/./b/", parent);
    assert_int_equal(ctr__native_cgroup_open(abs, "ignored", &cg), 0);
    _cleanup_free_ char *mem_mp = NULL, *mounts = NULL, *self = NULL, *own_mem = NULL, *own_u = NULL;
    assert_int_equal(ctr__cgroup_mounts(&mounts), 0);
    assert_int_equal(ctr__read_file_at(AT_FDCWD, "/proc/self/cgroup", &self, NULL), 0);
    if (ctr__cgroup_mount_point(mounts, "memory", &mem_mp) == 0) {
        _cleanup_free_ char *want = ctr__asprintf("%s%s/a/b", mem_mp, parent);
        assert_string_equal(ctr__native_cgroup_dir(cg, "memory"), want);
        assert_int_equal(ctr__cgroup_controller_dir(self, mounts, "memory", &own_mem), 0);
    }
    assert_null(ctr__native_cgroup_dir(cg, "no-such-controller"));
    assert_false(dir_exists(ctr__native_cgroup_dir(cg, "memory"))); /* open makes nothing */
    ctr__native_cgroup_free(cg);

    /* relative: below this process's own cgroup; none: the ID */
    cg = NULL;
    assert_int_equal(ctr__native_cgroup_open("x/y", "ignored", &cg), 0);
    if (own_mem) {
        _cleanup_free_ char *want = ctr__asprintf("%s/x/y", own_mem);
        assert_string_equal(ctr__native_cgroup_dir(cg, "memory"), want);
    }
    bool v2 = ctr__native_cgroup_is_v2(cg);
    if (!v2 && ctr__cgroup_controller_dir(self, mounts, NULL, &own_u) == 0) {
        _cleanup_free_ char *want = ctr__asprintf("%s/x/y", own_u);
        assert_string_equal(ctr__native_cgroup_dir(cg, ""), want);
    }
    ctr__native_cgroup_free(cg);
    cg = NULL;
    assert_int_equal(ctr__native_cgroup_open(NULL, "ctr-id", &cg), 0);
    if (own_mem) {
        _cleanup_free_ char *want = ctr__asprintf("%s/ctr-id", own_mem);
        assert_string_equal(ctr__native_cgroup_dir(cg, "memory"), want);
    }
    ctr__native_cgroup_free(cg);

    static const char *const bad[] = { "", "/", "/a/../b", "..", "a/..", "//", "." };
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        cg = NULL;
        assert_int_equal(ctr__native_cgroup_open(bad[i], "id", &cg), -EINVAL);
        assert_null(cg);
    }
    assert_int_equal(ctr__native_cgroup_open(NULL, "a/b", &cg), -EINVAL);
    assert_int_equal(ctr__native_cgroup_open(NULL, "..", &cg), -EINVAL);
    assert_int_equal(ctr__native_cgroup_open(NULL, NULL, &cg), -EINVAL);
}

/* A block device's "MAJ:MIN" for the blkio throttle, or NULL. */
static char *a_block_device(void)
{
    _cleanup_dir_ DIR *d = opendir("/sys/block");
    for (struct dirent *de; d && (de = readdir(d));) {
        if (de->d_name[0] == '.')
            continue;
        _cleanup_free_ char *dir = ctr__asprintf("/sys/block/%s", de->d_name);
        _cleanup_free_ char *dev = read_text(dir, "dev");
        if (strncmp(de->d_name, "loop", 4) != 0)
            return TAKE_PTR(dev);
    }
    return NULL;
}

static const char create_resources[] =
    "{\"memory\":{\"limit\":67108864,\"swap\":134217728,\"reservation\":33554432,\"swappiness\":10,"
    "\"disableOOMKiller\":true},"
    "\"cpu\":{\"shares\":512,\"quota\":50000,\"period\":100000,\"cpus\":\"0\",\"mems\":\"0\"},"
    "\"pids\":{\"limit\":42},"
    "\"devices\":[{\"allow\":false,\"access\":\"rwm\"},{\"allow\":true,\"type\":\"c\",\"major\":1,\"minor\":3,"
    "\"access\":\"rwm\"},{\"allow\":true,\"type\":\"c\",\"major\":1,\"minor\":5,\"access\":\"r\"}]}";

static void check_created_v1(const struct ctr__native_cgroup *cg)
{
    assert_file(cg, "memory", "memory.limit_in_bytes", "67108864");
    assert_file(cg, "memory", "memory.soft_limit_in_bytes", "33554432");
    assert_file(cg, "memory", "memory.swappiness", "10");
    if (exists_file(cg, "memory", "memory.memsw.limit_in_bytes"))
        assert_file(cg, "memory", "memory.memsw.limit_in_bytes", "134217728");
    _cleanup_free_ char *oom = read_text(ctr__native_cgroup_dir(cg, "memory"), "memory.oom_control");
    assert_non_null(strstr(oom, "oom_kill_disable 1"));
    assert_file(cg, "cpu", "cpu.shares", "512");
    assert_file(cg, "cpu", "cpu.cfs_quota_us", "50000");
    assert_file(cg, "cpu", "cpu.cfs_period_us", "100000");
    assert_file(cg, "cpuset", "cpuset.cpus", "0");
    assert_file(cg, "cpuset", "cpuset.mems", "0");
    assert_file(cg, "pids", "pids.max", "42");
    assert_file(cg, "devices", "devices.list", "c 1:3 rwm\nc 1:5 r");
}

static void check_created_v2(const struct ctr__native_cgroup *cg)
{
    assert_file(cg, "", "memory.max", "67108864");
    assert_file(cg, "", "memory.low", "33554432");
    if (exists_file(cg, "", "memory.swap.max"))
        assert_file(cg, "", "memory.swap.max", "67108864");
    assert_file(cg, "", "cpu.weight", "20");
    assert_file(cg, "", "cpu.max", "50000 100000");
    assert_file(cg, "", "cpuset.cpus", "0");
    assert_file(cg, "", "pids.max", "42");
}

static void test_create_update(void **state)
{
    (void)state;
    struct ctr__native_cgroup *cg = open_sub("c1");
    _cleanup_json_ json_object *res = json(create_resources);
    if (ctr__native_cgroup_is_v2(cg)) /* no eBPF device rules yet */
        json_object_object_del(res, "devices");
    if (ctr__native_cgroup_create(cg, res) < 0)
        fail_msg("create: %s", ctr_error_last()->message);
    if (ctr__native_cgroup_is_v2(cg)) {
        check_created_v2(cg);
    } else {
        check_created_v1(cg);
        /* a new cpuset level got its parent's CPUs and nodes before the limit */
        _cleanup_free_ char *pdir = strdup(ctr__native_cgroup_dir(cg, "cpuset"));
        *strrchr(pdir, '/') = '\0';
        _cleanup_free_ char *pcpus = read_text(pdir, "cpuset.cpus"), *root = read_text("/sys/fs/cgroup/cpuset", "cpuset.cpus");
        assert_string_equal(pcpus, root);
    }
    /* update: both memory limits grow (memsw first), then shrink (the limit first) */
    _cleanup_json_ json_object *up = json("{\"memory\":{\"limit\":134217728,\"swap\":268435456},\"pids\":{\"limit\":0},"
                                          "\"cpu\":{\"shares\":1024,\"period\":50000,\"quota\":25000}}");
    if (ctr__native_cgroup_update(cg, up) < 0)
        fail_msg("update: %s", ctr_error_last()->message);
    _cleanup_json_ json_object *down = json("{\"memory\":{\"limit\":16777216,\"swap\":33554432}}");
    if (ctr__native_cgroup_update(cg, down) < 0)
        fail_msg("update: %s", ctr_error_last()->message);
    if (ctr__native_cgroup_is_v2(cg)) {
        assert_file(cg, "", "memory.max", "16777216");
        assert_file(cg, "", "pids.max", "max");
        assert_file(cg, "", "cpu.max", "25000 50000");
    } else {
        assert_file(cg, "memory", "memory.limit_in_bytes", "16777216");
        if (exists_file(cg, "memory", "memory.memsw.limit_in_bytes"))
            assert_file(cg, "memory", "memory.memsw.limit_in_bytes", "33554432");
        assert_file(cg, "pids", "pids.max", "max");
        assert_file(cg, "cpu", "cpu.shares", "1024");
        assert_file(cg, "cpu", "cpu.cfs_period_us", "50000");
        assert_file(cg, "cpu", "cpu.cfs_quota_us", "25000");
        /* new device rules on a cgroup with a child cgroup (which the kernel
         * does not let reset with "a"): the change from the rules there */
        struct ctr__native_cgroup *nested = open_sub("c1/nested");
        assert_int_equal(ctr__native_cgroup_create(nested, NULL), 0);
        _cleanup_json_ json_object *dev = json("{\"devices\":[{\"allow\":false,\"access\":\"rwm\"},{\"allow\":true,"
                                               "\"type\":\"c\",\"major\":1,\"minor\":3,\"access\":\"rwm\"},"
                                               "{\"allow\":true,\"type\":\"c\",\"major\":1,\"minor\":7,\"access\":\"rwm\"}]}");
        if (ctr__native_cgroup_update(cg, dev) < 0)
            fail_msg("update: %s", ctr_error_last()->message);
        assert_file(cg, "devices", "devices.list", "c 1:3 rwm\nc 1:7 rwm");
        ctr__native_cgroup_free(nested);
    }
    assert_int_equal(ctr__native_cgroup_destroy(cg, 1000), 0);
    assert_false(dir_exists(ctr__native_cgroup_dir(cg, "memory")));
    assert_false(dir_exists(ctr__native_cgroup_dir(cg, "")));
    assert_int_equal(ctr__native_cgroup_destroy(cg, 1000), 0); /* gone already: not an error */
    ctr__native_cgroup_free(cg);
}

/* hugetlb where this host has it: a v1 hierarchy, else the unified one
 * (a hybrid host's hugetlb may be there). */
static void test_hugetlb(void **state)
{
    (void)state;
    struct ctr__native_cgroup *cg = open_sub("huge");
    bool v1 = ctr__native_cgroup_dir(cg, "hugetlb") != NULL;
    const char *ctl = v1 ? "hugetlb" : "";
    _cleanup_free_ char *mounts = NULL, *mp = NULL, *ctls = NULL;
    assert_int_equal(ctr__cgroup_mounts(&mounts), 0);
    if (ctr__cgroup_mount_point(mounts, NULL, &mp) == 0)
        ctls = read_text(mp, "cgroup.controllers");
    bool v2 = ctls && (ctr__native_cgroup_is_v2(cg) || strstr(ctls, "hugetlb"));
    if (access("/sys/kernel/mm/hugepages/hugepages-2048kB", F_OK) < 0 || (!v1 && !v2)) {
        ctr__native_cgroup_free(cg);
        skip();
    }
    /* an update brings the first limit (on a hybrid host the controller is
     * enabled on the way then), then a create with one */
    _cleanup_json_ json_object *res = json("{\"hugepageLimits\":[{\"pageSize\":\"2MB\",\"limit\":4194304}]}");
    assert_int_equal(ctr__native_cgroup_create(cg, NULL), 0);
    if (ctr__native_cgroup_update(cg, res) < 0)
        fail_msg("update: %s", ctr_error_last()->message);
    const char *file = *ctl ? "hugetlb.2MB.limit_in_bytes" : "hugetlb.2MB.max";
    assert_file(cg, ctl, file, "4194304");
    struct ctr__native_cgroup *cg2 = open_sub("huge2/below");
    if (ctr__native_cgroup_create(cg2, res) < 0)
        fail_msg("create: %s", ctr_error_last()->message);
    assert_file(cg2, ctl, file, "4194304");
    assert_int_equal(ctr__native_cgroup_destroy(cg, 1000), 0);
    assert_int_equal(ctr__native_cgroup_destroy(cg2, 1000), 0);
    ctr__native_cgroup_free(cg);
    ctr__native_cgroup_free(cg2);
}

/* The state letter of /proc/PID/stat. */
static char proc_state(pid_t pid)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    _cleanup_free_ char *text = NULL;
    assert_int_equal(ctr__read_file_at(AT_FDCWD, path, &text, NULL), 0);
    const char *p = strrchr(text, ')');
    assert_non_null(p);
    return p[2];
}

static void test_enter_freeze(void **state)
{
    (void)state;
    struct ctr__native_cgroup *cg = open_sub("c2");
    assert_int_equal(ctr__native_cgroup_create(cg, NULL), 0);
    pid_t child = sleeper();
    if (ctr__native_cgroup_enter(cg, child) < 0)
        fail_msg("enter: %s", ctr_error_last()->message);
    pid_t *pids = NULL;
    size_t n = 0;
    assert_int_equal(ctr__native_cgroup_pids(cg, &pids, &n), 0);
    assert_int_equal(n, 1);
    assert_int_equal(pids[0], child);
    free(pids);

    assert_false(ctr__native_cgroup_frozen(cg));
    if (ctr__native_cgroup_freeze(cg, true) < 0)
        fail_msg("freeze: %s", ctr_error_last()->message);
    assert_true(ctr__native_cgroup_frozen(cg));
    const char *fdir = ctr__native_cgroup_dir(cg, "freezer");
    if (fdir) {
        assert_file(cg, "freezer", "freezer.state", "FROZEN");
    } else {
        _cleanup_free_ char *ev = read_text(ctr__native_cgroup_dir(cg, ""), "cgroup.events");
        assert_non_null(strstr(ev, "frozen 1"));
    }
    char st = proc_state(child);
    assert_true(st == 'D' || st == 'S' || st == 'T'); /* frozen: not running */
    assert_int_equal(ctr__native_cgroup_freeze(cg, false), 0);
    assert_false(ctr__native_cgroup_frozen(cg));
    assert_int_equal(ctr__native_cgroup_freeze(cg, false), 0); /* thawing a thawed cgroup */

    /* fd: only where every controller is on v2 */
    int fd = ctr__native_cgroup_fd(cg);
    if (ctr__native_cgroup_is_v2(cg))
        assert_true(fd >= 0);
    else
        assert_int_equal(fd, -EOPNOTSUPP);
    if (fd >= 0)
        close(fd);

    /* another create of the same cgroup with a process in it */
    struct ctr__native_cgroup *again = open_sub("c2");
    assert_int_equal(ctr__native_cgroup_create(again, NULL), -EEXIST);
    ctr__native_cgroup_free(again);
    reap(child);
    assert_int_equal(ctr__native_cgroup_destroy(cg, 1000), 0);
    ctr__native_cgroup_free(cg);
}

/* destroy kills what is inside, frozen too, and removes sub-cgroups. */
static void test_destroy_live(void **state)
{
    (void)state;
    struct ctr__native_cgroup *cg = open_sub("c3");
    assert_int_equal(ctr__native_cgroup_create(cg, NULL), 0);
    pid_t a = sleeper(), b = sleeper();
    assert_int_equal(ctr__native_cgroup_enter(cg, a), 0);
    /* b in a nested cgroup of its own, in every hierarchy */
    struct ctr__native_cgroup *sub = open_sub("c3/nested");
    assert_int_equal(ctr__native_cgroup_create(sub, NULL), 0);
    assert_int_equal(ctr__native_cgroup_enter(sub, b), 0);
    pid_t *pids = NULL;
    size_t n = 0;
    assert_int_equal(ctr__native_cgroup_pids(cg, &pids, &n), 0);
    assert_int_equal(n, 2);
    free(pids);
    assert_int_equal(ctr__native_cgroup_freeze(cg, true), 0);
    if (ctr__native_cgroup_destroy(cg, 5000) < 0)
        fail_msg("destroy: %s", ctr_error_last()->message);
    int status;
    assert_int_equal(waitpid(a, &status, 0), a);
    assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
    assert_int_equal(waitpid(b, &status, 0), b);
    assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
    assert_false(dir_exists(ctr__native_cgroup_dir(cg, "memory")));
    assert_false(dir_exists(ctr__native_cgroup_dir(cg, "pids")));
    assert_false(dir_exists(ctr__native_cgroup_dir(cg, "")));
    ctr__native_cgroup_free(sub);
    ctr__native_cgroup_free(cg);
}

/* Which of the opens a child moved into @cg managed: bit i for opens[i]
 * (sent back through a pipe: under valgrind the exit status can be its
 * error exit code). */
static int probe_devices(const struct ctr__native_cgroup *cg)
{
    static const struct {
        const char *path;
        int flags;
    } opens[] = { { "/dev/null", O_RDWR }, { "/dev/zero", O_RDONLY }, { "/dev/zero", O_WRONLY }, { "/dev/full", O_RDONLY } };
    int go[2], back[2];
    assert_int_equal(pipe(go), 0);
    assert_int_equal(pipe(back), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        char mask = 0;
        close(go[1]);
        if (read(go[0], &mask, 1) != 1)
            _exit(1);
        mask = 0;
        for (size_t i = 0; i < ARRAY_SIZE(opens); i++) {
            int fd = open(opens[i].path, opens[i].flags | O_CLOEXEC);
            if (fd >= 0)
                mask |= (char)(1 << i);
            if (fd >= 0)
                close(fd);
        }
        _exit(write(back[1], &mask, 1) == 1 ? 0 : 1);
    }
    close(go[0]);
    close(back[1]);
    int r = ctr__native_cgroup_enter(cg, pid);
    assert_int_equal(write(go[1], "x", 1), 1);
    close(go[1]);
    char mask = -1;
    assert_int_equal(read(back[0], &mask, 1), 1);
    close(back[0]);
    assert_int_equal(waitpid(pid, NULL, 0), pid);
    assert_int_equal(r, 0);
    return mask;
}

/* v2 device rules as an eBPF program, on the unified directory (a hybrid
 * host's too): replaced by another, deny rules after allow ones.  The
 * documents are kept where a forked child's valgrind still sees them. */
static json_object *some, *all, *deny;

static void test_devices_bpf(void **state)
{
    (void)state;
    struct ctr__native_cgroup *cg = open_sub("dev");
    const char *dir = ctr__native_cgroup_dir(cg, "");
    if (!dir) {
        ctr__native_cgroup_free(cg);
        skip();
    }
    assert_int_equal(ctr__native_cgroup_create(cg, NULL), 0);
    assert_int_equal(probe_devices(cg), 15);
    some = json("[{\"allow\":false,\"access\":\"rwm\"},{\"allow\":true,\"type\":\"c\","
                                            "\"major\":1,\"minor\":3,\"access\":\"rwm\"},{\"allow\":true,"
                                            "\"type\":\"c\",\"major\":1,\"minor\":5,\"access\":\"r\"}]");
    if (ctr__native_cgroup_v2_devices(dir, some) < 0)
        fail_msg("devices: %s", ctr_error_last()->message);
    assert_int_equal(probe_devices(cg), 1 | 2);
    /* the old program is gone: everything allowed again */
    all = json("[{\"allow\":true,\"access\":\"rwm\"}]");
    assert_int_equal(ctr__native_cgroup_v2_devices(dir, all), 0);
    assert_int_equal(probe_devices(cg), 15);
    /* a later deny overrides an earlier allow; access within the rule's */
    deny = json("[{\"allow\":true,\"access\":\"rwm\"},{\"allow\":false,\"type\":\"c\","
                                            "\"major\":1,\"minor\":5,\"access\":\"w\"},{\"allow\":false,"
                                            "\"type\":\"c\",\"major\":1,\"minor\":7}]");
    assert_int_equal(ctr__native_cgroup_v2_devices(dir, deny), 0);
    assert_int_equal(probe_devices(cg), 1 | 2);
    assert_int_equal(ctr__native_cgroup_destroy(cg, 1000), 0);
    ctr__native_cgroup_free(cg);
    json_object_put(some);
    json_object_put(all);
    json_object_put(deny);
}

/* A value the kernel refuses: an error naming the file, nothing left made. */
static void test_errors(void **state)
{
    (void)state;
    struct ctr__native_cgroup *cg = open_sub("bad/deeper");
    static const char *const cases[][2] = {
        { "{\"cpu\":{\"cpus\":\"4096\"}}", "cpuset.cpus" },
        { "{\"pids\":{\"limit\":42},\"memory\":{\"limit\":-5}}", "memory" },
        { "{\"pids\":{\"limit\":42},\"unified\":{\"nosuch.file\":\"1\"}}", "nosuch.file" },
        { "{\"cpu\":{\"shares\":1}}", "cpu-shares is 2" }, /* v1 only: the kernel's range */
    };
    for (size_t i = 0; i < ARRAY_SIZE(cases) - ctr__native_cgroup_is_v2(cg); i++) {
        _cleanup_json_ json_object *res = json(cases[i][0]);
        int r = ctr__native_cgroup_create(cg, res);
        assert_true(r < 0);
        const char *msg = ctr_error_last()->message;
        if (!strstr(msg, cases[i][1]))
            fail_msg("%s: \"%s\" does not name %s", cases[i][0], msg, cases[i][1]);
        /* neither the cgroup nor the parent level this create made is left */
        assert_false(dir_exists(ctr__native_cgroup_dir(cg, "memory")));
        assert_false(dir_exists(ctr__native_cgroup_dir(cg, "cpuset")));
        assert_false(dir_exists(ctr__native_cgroup_dir(cg, "")));
        _cleanup_free_ char *up = strdup(ctr__native_cgroup_dir(cg, "pids") ? ctr__native_cgroup_dir(cg, "pids") : "/none/x");
        *strrchr(up, '/') = '\0';
        assert_false(dir_exists(up));
    }
    /* a bad document: refused before anything is made */
    _cleanup_json_ json_object *bad = json("{\"memory\":{\"limit\":\"64m\"}}");
    assert_int_equal(ctr__native_cgroup_create(cg, bad), -EINVAL);
    assert_non_null(strstr(ctr_error_last()->message, "memory.limit"));
    assert_false(dir_exists(ctr__native_cgroup_dir(cg, "memory")));
    ctr__native_cgroup_free(cg);
}

/* ---- against runc ---- */

static const char *const compared[][2] = {
    { "memory", "memory.limit_in_bytes" }, { "memory", "memory.memsw.limit_in_bytes" },
    { "memory", "memory.soft_limit_in_bytes" }, { "memory", "memory.swappiness" },
    { "memory", "memory.oom_control" }, { "cpu", "cpu.shares" },
    { "cpu", "cpu.cfs_quota_us" }, { "cpu", "cpu.cfs_period_us" },
    { "cpuset", "cpuset.cpus" }, { "cpuset", "cpuset.mems" },
    { "pids", "pids.max" }, { "blkio", "blkio.throttle.read_bps_device" },
    { "blkio", "blkio.throttle.write_iops_device" },
};

/* The bundle's config.json (from `runc spec`) running sleep with @resources
 * merged into its linux.resources and the cgroup @path. */
static void bundle_config(const char *bundle, const char *path, json_object *resources)
{
    _cleanup_free_ char *file = ctr__asprintf("%s/config.json", bundle), *text = NULL;
    assert_int_equal(ctr__read_file_at(AT_FDCWD, file, &text, NULL), 0);
    _cleanup_json_ json_object *c = json(text);
    json_object *process, *linux_, *res;
    assert_true(json_object_object_get_ex(c, "process", &process) && json_object_object_get_ex(c, "linux", &linux_));
    assert_true(json_object_object_get_ex(linux_, "resources", &res));
    json_object_object_add(process, "terminal", json_object_new_boolean(false));
    json_object *args = json_object_new_array();
    json_object_array_add(args, json_object_new_string("/bin/sleep"));
    json_object_array_add(args, json_object_new_string("1000"));
    json_object_object_add(process, "args", args);
    json_object_object_add(linux_, "cgroupsPath", json_object_new_string(path));
    json_object_object_foreach(resources, k, v) json_object_object_add(res, k, json_object_get(v));
    const char *out = json_object_to_json_string(c);
    assert_int_equal(ctr__write_file_at(AT_FDCWD, file, out, strlen(out), 0644, false), 0);
}

static void compare_with_runc(const struct ctr__native_cgroup *theirs, const struct ctr__native_cgroup *ours)
{
    size_t n = 0;
    for (size_t i = 0; i < ARRAY_SIZE(compared); i++) {
        if (!exists_file(theirs, compared[i][0], compared[i][1]))
            continue;
        _cleanup_free_ char *a = read_text(ctr__native_cgroup_dir(theirs, compared[i][0]), compared[i][1]);
        _cleanup_free_ char *b = read_text(ctr__native_cgroup_dir(ours, compared[i][0]), compared[i][1]);
        if (!streq(a, b))
            fail_msg("%s: runc wrote \"%s\", libctr \"%s\"", compared[i][1], a, b);
        n++;
    }
    assert_true(n >= 10); /* runc's files were there to compare */
}

static void test_runc_differential(void **state)
{
    (void)state;
    if (system("command -v runc >/dev/null && command -v busybox >/dev/null") != 0)
        skip();
    struct ctr__native_cgroup *probe = open_sub("probe");
    bool v2 = ctr__native_cgroup_is_v2(probe);
    ctr__native_cgroup_free(probe);
    if (v2)
        skip(); /* the compared files are v1's */
    char bundle[] = "/tmp/cg-bundle.XXXXXX", id[64];
    assert_non_null(mkdtemp(bundle));
    snprintf(id, sizeof id, "libctr-cg-test-%d", (int)getpid());
    _cleanup_free_ char *dev = a_block_device();
    unsigned maj = 0, min = 0;
    _cleanup_free_ char *blk = dev && sscanf(dev, "%u:%u", &maj, &min) == 2
                                   ? ctr__asprintf(",\"blockIO\":{\"throttleReadBpsDevice\":[{\"major\":%u,\"minor\":%u,"
                                                   "\"rate\":1048576}],\"throttleWriteIOPSDevice\":[{\"major\":%u,"
                                                   "\"minor\":%u,\"rate\":100}]}",
                                                   maj, min, maj, min)
                                   : strdup("");
    _cleanup_free_ char *text = ctr__asprintf(
        "{\"memory\":{\"limit\":67108864,\"swap\":134217728,\"reservation\":33554432,\"swappiness\":10,"
        "\"disableOOMKiller\":true},\"cpu\":{\"shares\":512,\"quota\":50000,\"period\":100000,\"cpus\":\"0\","
        "\"mems\":\"0\"},\"pids\":{\"limit\":42}%s}",
        blk);
    _cleanup_json_ json_object *res = json(text);
    _cleanup_free_ char *path = ctr__asprintf("%s/runc", parent);
    _cleanup_free_ char *setup = ctr__asprintf("mkdir -p %s/rootfs/bin && cp \"$(command -v busybox)\" %s/rootfs/bin/ && "
                                               "ln -s busybox %s/rootfs/bin/sleep && cd %s && runc spec", bundle, bundle, bundle, bundle);
    assert_int_equal(system(setup), 0);
    bundle_config(bundle, path, res);
    _cleanup_free_ char *run = ctr__asprintf("runc --root %s/state run -d --bundle %s %s </dev/null >%s/log 2>&1", bundle,
                                             bundle, id, bundle);
    _cleanup_free_ char *del = ctr__asprintf("runc --root %s/state delete -f %s >/dev/null 2>&1; rm -rf %s", bundle, id, bundle);
    if (system(run) != 0) {
        _cleanup_free_ char *log = ctr__asprintf("cat %s/log >&2", bundle);
        (void)system(log);
        (void)system(del);
        fail_msg("runc run failed");
    }
    struct ctr__native_cgroup *theirs = NULL, *ours = open_sub("ours");
    assert_int_equal(ctr__native_cgroup_open(path, NULL, &theirs), 0);
    int r = ctr__native_cgroup_create(ours, res);
    if (r == 0)
        compare_with_runc(theirs, ours);
    (void)system(del);
    if (r < 0)
        fail_msg("create: %s", ctr_error_last()->message);
    assert_int_equal(ctr__native_cgroup_destroy(ours, 1000), 0);
    ctr__native_cgroup_free(theirs);
    ctr__native_cgroup_free(ours);
}

int main(void)
{
    snprintf(parent, sizeof parent, "/libctr_test_cg_%d", (int)getpid());
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cpu_weight),
        cmocka_unit_test(test_v2_mapping),
        cmocka_unit_test(test_v1_mapping),
        cmocka_unit_test(test_mapping_errors),
        cmocka_unit_test_teardown(test_paths, teardown),
        cmocka_unit_test_teardown(test_create_update, teardown),
        cmocka_unit_test_teardown(test_hugetlb, teardown),
        cmocka_unit_test_teardown(test_enter_freeze, teardown),
        cmocka_unit_test_teardown(test_destroy_live, teardown),
        cmocka_unit_test_teardown(test_devices_bpf, teardown),
        cmocka_unit_test_teardown(test_errors, teardown),
        cmocka_unit_test_teardown(test_runc_differential, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, teardown);
}
