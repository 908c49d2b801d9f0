/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* base/cgroup-stats.c and the cgroup v2 reader of core/stats.c: the v1
 * and v2 counter files, /proc/PID/net/dev and /proc/stat on crafted
 * texts (malformed lines refused), a v2 cgroup directory of fixture files
 * (tests/unit/cgroup-v2, as a v2 host shows them: this machine is v1), and
 * the directory of one controller on a hybrid layout. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>

#include "base/cgroup-stats.h"
#include "base/cgroup.h"
#include "base/error.h"
#include "core/stats.h"

static const char *fixtures;

static void test_uint(void **state)
{
    (void)state;
    uint64_t v = 0;
    assert_int_equal(ctr__cgstat_uint("1234\n", &v), 0);
    assert_int_equal(v, 1234);
    assert_int_equal(ctr__cgstat_uint("max\n", &v), 0);
    assert_true(v == UINT64_MAX);
    assert_int_equal(ctr__cgstat_uint("  9223372036854771712 \n", &v), 0);
    assert_true(v == UINT64_C(9223372036854771712));
    assert_int_equal(ctr__cgstat_uint("", &v), -EINVAL);
    assert_int_equal(ctr__cgstat_uint("12 13\n", &v), -EINVAL);
    assert_int_equal(ctr__cgstat_uint("-1\n", &v), -EINVAL);
    assert_int_equal(ctr__cgstat_uint("18446744073709551616\n", &v), -EINVAL); /* overflow */
    assert_int_equal(ctr__cgstat_uint("maxi\n", &v), -EINVAL);
}

static void test_keyed(void **state)
{
    (void)state;
    const char *text = "cache 4096\nrss 8192\ntotal_cache 12288\ntotal_rss 16384\n";
    uint64_t v = 0;
    assert_int_equal(ctr__cgstat_keyed(text, "rss", &v), 0);
    assert_int_equal(v, 8192);
    assert_int_equal(ctr__cgstat_keyed(text, "total_rss", &v), 0);
    assert_int_equal(v, 16384);
    assert_int_equal(ctr__cgstat_keyed(text, "total", &v), -ENOENT); /* a prefix is no key */
    assert_int_equal(ctr__cgstat_keyed("user 12\nsystem x\n", "system", &v), -EINVAL);
    assert_int_equal(ctr__cgstat_keyed("user 12 13\n", "user", &v), -EINVAL);
    assert_int_equal(ctr__cgstat_keyed("user 12", "user", &v), 0); /* no final newline */
    assert_int_equal(v, 12);
}

static void test_percpu(void **state)
{
    (void)state;
    uint64_t *v = NULL;
    size_t n = 0;
    assert_int_equal(ctr__cgstat_percpu("100 200 0 300 \n", &v, &n), 0);
    assert_int_equal(n, 4);
    assert_int_equal(v[0], 100);
    assert_int_equal(v[3], 300);
    free(v);
    assert_int_equal(ctr__cgstat_percpu("\n", &v, &n), 0);
    assert_int_equal(n, 0);
    assert_null(v);
    assert_int_equal(ctr__cgstat_percpu("1 2x 3\n", &v, &n), -EINVAL);
}

static void test_blkio_v1(void **state)
{
    (void)state;
    uint64_t rd = 0, wr = 0;
    const char *text = "8:0 Read 4096\n8:0 Write 8192\n8:0 Sync 12288\n8:0 Async 0\n8:0 Discard 0\n8:0 Total 12288\n"
                       "8:16 Read 100\n8:16 Write 1\nTotal 12389\n";
    assert_int_equal(ctr__cgstat_blkio_v1(text, &rd, &wr), 0);
    assert_int_equal(rd, 4196);
    assert_int_equal(wr, 8193);
    assert_int_equal(ctr__cgstat_blkio_v1("Total 0\n", &rd, &wr), 0);
    assert_int_equal(rd + wr, 0);
    assert_int_equal(ctr__cgstat_blkio_v1("8:0 Read\n", &rd, &wr), -EINVAL);
    assert_int_equal(ctr__cgstat_blkio_v1("sda Read 1\n", &rd, &wr), -EINVAL);
    assert_int_equal(ctr__cgstat_blkio_v1("8:0 Read 18446744073709551615\n8:1 Read 1\n", &rd, &wr), -EINVAL);
}

static void test_io_v2(void **state)
{
    (void)state;
    uint64_t rd = 0, wr = 0;
    assert_int_equal(ctr__cgstat_io_v2("8:0 rbytes=10 wbytes=20 rios=1 wios=2 dbytes=0 dios=0\n8:16 rbytes=5\n", &rd, &wr), 0);
    assert_int_equal(rd, 15);
    assert_int_equal(wr, 20);
    assert_int_equal(ctr__cgstat_io_v2("", &rd, &wr), 0);
    assert_int_equal(rd + wr, 0);
    assert_int_equal(ctr__cgstat_io_v2("8:0 rbytes\n", &rd, &wr), -EINVAL);
    assert_int_equal(ctr__cgstat_io_v2("8:0 rbytes=1x\n", &rd, &wr), -EINVAL);
}

static void test_net_dev(void **state)
{
    (void)state;
    const char *text =
        "Inter-|   Receive                                                |  Transmit\n"
        " face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls "
        "carrier compressed\n"
        "    lo:    6579      89    0    0    0     0          0         0     6579      89    0    0    0     0       0 "
        "         0\n"
        "  eth0: 71210559    1794    0    0    0     0          0         0    71459     859    0    0    0     0       "
        "0          0\n"
        "we!rd:   10    1    0    0    0     0          0         0    20     2    0    0    0     0       0          0\n";
    struct ctr__net_counters n;
    assert_int_equal(ctr__proc_parse_net_dev(text, &n), 0);
    assert_int_equal(n.n_interfaces, 2);
    assert_int_equal(n.rx_bytes, 71210569);
    assert_int_equal(n.rx_packets, 1795);
    assert_int_equal(n.tx_bytes, 71479);
    assert_int_equal(n.tx_packets, 861);
    assert_int_equal(ctr__proc_parse_net_dev("only one line\n", &n), -EINVAL);
    assert_int_equal(ctr__proc_parse_net_dev("h\nh\neth0: 1 2 3\n", &n), -EINVAL);
    assert_int_equal(ctr__proc_parse_net_dev("h\nh\n", &n), 0);
    assert_int_equal(n.n_interfaces, 0);
}

static void test_cpu_total(void **state)
{
    (void)state;
    uint64_t ticks = 0;
    unsigned ncpu = 0;
    const char *text = "cpu  36028 0 8696 58663 521 0 242 612 7 0\ncpu0 17723 0 3927 30432 41 0 19 245 0 0\n"
                       "cpu1 18305 0 4769 28231 480 0 223 367 0 0\nintr 1\nbtime 1700000000\n";
    assert_int_equal(ctr__proc_parse_cpu_total(text, &ticks, &ncpu), 0);
    assert_int_equal(ticks, 36028 + 8696 + 58663 + 521 + 242 + 612);
    assert_int_equal(ncpu, 2);
    assert_int_equal(ctr__proc_parse_cpu_total("intr 1\n", &ticks, &ncpu), -EINVAL);
    assert_int_equal(ctr__proc_parse_cpu_total("cpu  1 x\n", &ticks, &ncpu), -EINVAL);
}

/* The v2 fixture directory, as read for a container on a v2 host. */
static void test_v2_fixtures(void **state)
{
    (void)state;
    int fd = open(fixtures, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    assert_true(fd >= 0);
    ctr_stats_t s = { 0 };
    assert_int_equal(ctr__stats_read_v2(fd, fixtures, &s), 0);
    assert_int_equal(s.cgroup_version, 2);
    assert_int_equal(s.cpu_ns, UINT64_C(7523110000));
    assert_int_equal(s.cpu_user_ns, UINT64_C(5000000000));
    assert_int_equal(s.cpu_system_ns, UINT64_C(2523110000));
    assert_int_equal(s.n_percpu, 0);
    assert_int_equal(s.mem_usage, 23068672);
    assert_int_equal(s.mem_limit, 536870912);
    assert_int_equal(s.mem_rss, 20971520);
    assert_int_equal(s.mem_cache, 1048576);
    assert_int_equal(s.pids_current, 4);
    assert_int_equal(s.pids_limit, 0); /* "max" */
    assert_int_equal(s.block_read, 1004096);
    assert_int_equal(s.block_write, 8192);
    close(fd);
}

/* A damaged v2 file: -EBADMSG naming it. */
static void test_v2_bad(void **state)
{
    (void)state;
    char dir[] = "/tmp/test-cgroup-stats.XXXXXX";
    assert_non_null(mkdtemp(dir));
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    assert_true(fd >= 0);
    assert_int_equal(ctr__write_file_at(fd, "cpu.stat", "usage_usec 1\n", 13, 0644, false), 0);
    assert_int_equal(ctr__write_file_at(fd, "memory.current", "lots\n", 5, 0644, false), 0);
    ctr_stats_t s = { 0 };
    assert_int_equal(ctr__stats_read_v2(fd, dir, &s), -EBADMSG);
    assert_non_null(strstr(ctr_error_last()->message, "memory.current"));
    assert_int_equal(ctr__write_file_at(fd, "memory.current", "1\n", 2, 0644, false), 0);
    assert_int_equal(ctr__stats_read_v2(fd, dir, &s), -ENOENT); /* no memory.max */
    ctr__rm_rf(dir);
    close(fd);
}

static void test_controller_dir(void **state)
{
    (void)state;
    const char *cg = "12:pids:/libctr/c1\n4:cpu,cpuacct:/libctr/c1\n3:memory:/libctr/c1\n0::/libctr/c1\n";
    const char *mi = "30 25 0:27 / /sys/fs/cgroup/cpu,cpuacct rw - cgroup cgroup rw,cpu,cpuacct\n"
                     "31 25 0:28 / /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory\n"
                     "32 25 0:29 / /sys/fs/cgroup/unified rw - cgroup2 cgroup2 rw\n";
    char *dir = NULL;
    assert_int_equal(ctr__cgroup_controller_dir(cg, mi, "cpuacct", &dir), 0);
    assert_string_equal(dir, "/sys/fs/cgroup/cpu,cpuacct/libctr/c1");
    free(dir);
    assert_int_equal(ctr__cgroup_controller_dir(cg, mi, NULL, &dir), 0);
    assert_string_equal(dir, "/sys/fs/cgroup/unified/libctr/c1");
    free(dir);
    /* pids has a line but no mount; blkio neither */
    assert_int_equal(ctr__cgroup_controller_dir(cg, mi, "pids", &dir), -ENOENT);
    assert_int_equal(ctr__cgroup_controller_dir(cg, mi, "blkio", &dir), -ENOENT);
    /* "cpu" is a controller of its own, not a prefix of "cpuacct" */
    assert_int_equal(ctr__cgroup_controller_dir("4:cpuacct:/x\n", mi, "cpu", &dir), -ENOENT);
}

/* The cgroup lines of this process's mountinfo, the same on a second call (from the cache). */
static void test_cgroup_mounts(void **state)
{
    (void)state;
    char *text = NULL, *again = NULL;
    assert_int_equal(ctr__read_file_at(AT_FDCWD, "/proc/self/mountinfo", &text, NULL), 0);
    size_t want = 0;
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n"))
        want += strstr(line, " - cgroup ") || strstr(line, " - cgroup2 ");
    free(text);
    char *lines = NULL;
    assert_int_equal(ctr__cgroup_mounts(&lines), 0);
    size_t n = 0;
    for (const char *p = lines; (p = strchr(p, '\n')); p++)
        n++;
    assert_int_equal(n, want);
    assert_int_equal(ctr__cgroup_mounts(&again), 0);
    assert_string_equal(lines, again);
    char *dir = NULL;
    if (want > 0) { /* this process's own cgroup is found through them */
        char *cg = NULL;
        assert_int_equal(ctr__read_file_at(AT_FDCWD, "/proc/self/cgroup", &cg, NULL), 0);
        assert_int_equal(ctr__cgroup_dir(cg, lines, &dir, NULL), 0);
        free(cg);
        free(dir);
    }
    free(lines);
    free(again);
}

int main(int argc, char **argv)
{
    fixtures = argc > 1 ? argv[1] : "tests/unit/cgroup-v2";
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_uint),          cmocka_unit_test(test_keyed),     cmocka_unit_test(test_percpu),
        cmocka_unit_test(test_blkio_v1),      cmocka_unit_test(test_io_v2),     cmocka_unit_test(test_net_dev),
        cmocka_unit_test(test_cpu_total),     cmocka_unit_test(test_v2_fixtures), cmocka_unit_test(test_v2_bad),
        cmocka_unit_test(test_controller_dir), cmocka_unit_test(test_cgroup_mounts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
