/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* native/seccomp: policies compiled, cached, damaged cache entries compiled
 * again, bad policies refused, and the filters loaded in a child process
 * doing what the policy says (runc's semantics). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "base/error.h"
#include "base/json-util.h"
#include "base/util.h"
#include "data/spec.h"
#include "native/seccomp.h"

#include <seccomp.h>

static json_object *policy(const char *text)
{
    json_object *o = json_tokener_parse(text);
    assert_non_null(o);
    return o;
}

static struct ctr__native_seccomp *prepare(const char *text, const char *cache)
{
    _cleanup_json_ json_object *o = policy(text);
    struct ctr__native_seccomp *f = NULL;
    int r = ctr__native_seccomp_prepare(o, cache, &f);
    if (r < 0)
        fail_msg("prepare: %d %s", r, ctr_error_last()->message);
    return f;
}

/* What a probe returns in a child after the filter is loaded: the errno
 * of each call (0 when it succeeded), written to a pipe. */
typedef void (*probe_fn)(int out);

/* Valgrind has no seccomp(2): under it (CTR_TEST_VALGRIND) the policies
 * are compiled and cached but not loaded, and libseccomp is told the
 * kernel's API level instead of probing it with seccomp(2). */
static bool can_load(void)
{
    return !getenv("CTR_TEST_VALGRIND");
}

/* The child's exit once a filter is loaded: exit_group(2) itself, as the
 * sanitizers' _exit() runs their checks, whose calls the policy may deny. */
__attribute__((noreturn)) static void child_exit(int status)
{
    syscall(SYS_exit_group, status);
    abort();
}

/* Run @probe in a child with @f loaded and check that its calls failed
 * with the errnos of @want (0: succeeded). */
static void check_child(const struct ctr__native_seccomp *f, probe_fn probe, const int *want, size_t n)
{
    int results[8], p[2];
    assert_true(n <= 8);
    if (!can_load())
        return;
    assert_int_equal(pipe(p), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        close(p[0]);
        if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 || ctr__native_seccomp_load(f) < 0)
            _exit(100);
        probe(p[1]);
        child_exit(0);
    }
    close(p[1]);
    size_t got = 0;
    ssize_t k;
    while (got < n * sizeof *results && (k = read(p[0], (char *)results + got, n * sizeof *results - got)) > 0)
        got += (size_t)k;
    close(p[0]);
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
    assert_int_equal(got, n * sizeof *results);
    for (size_t i = 0; i < n; i++)
        if (results[i] != want[i])
            fail_msg("call %zu of the probe: errno %d, expected %d", i, results[i], want[i]);
}

static void put_errno(int out, long r)
{
    int e = r < 0 ? errno : 0;
    if (syscall(SYS_write, out, &e, sizeof e) != (long)sizeof e)
        child_exit(101);
}

static void probe_fixture(int out)
{
    put_errno(out, syscall(SYS_mkdir, "/nonexistent-ctr/x", 0700));
    put_errno(out, syscall(SYS_getppid));
    put_errno(out, syscall(SYS_personality, 8UL));
    put_errno(out, syscall(SYS_personality, 0xffffffffUL));
}

static char *read_text(const char *path)
{
    char *text = NULL;
    assert_int_equal(ctr__read_file_at(AT_FDCWD, path, &text, NULL), 0);
    return text;
}

/* The fixture policy: errno defaults, an argument rule, unknown names. */
static void test_fixture_policy(void **state _unused_)
{
    _cleanup_free_ char *text = read_text(SOURCE_ROOT "/tests/unit/seccomp/expected-amd64.json");
    struct ctr__native_seccomp *f = prepare(text, NULL);
    /* mkdir: errnoRet 1; getppid: the default; personality(8) allowed by
     * its argument, another persona the default. */
    static const int want[] = {EPERM, ENOSYS, 0, ENOSYS};

    assert_false(ctr__native_seccomp_cached(f));
    check_child(f, probe_fixture, want, 4);
    ctr__native_seccomp_free(f);
}

static void probe_priority(int out)
{
    put_errno(out, syscall(SYS_getpriority, 1, 0)); /* PRIO_PGRP */
    put_errno(out, syscall(SYS_getpriority, 2, 0)); /* PRIO_USER */
    put_errno(out, syscall(SYS_getpriority, 0, 0)); /* PRIO_PROCESS */
    put_errno(out, syscall(SYS_getpriority, 0, (long)getpid()));
    put_errno(out, syscall(SYS_getppid));
}

/* Two conditions on one index are two rules (either matches); conditions
 * on different indexes are one rule (all must match).  Unknown names are
 * skipped; an errno action without errnoRet is EPERM. */
static void test_argument_rules(void **state _unused_)
{
    struct ctr__native_seccomp *f = prepare(
        "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":["
        "{\"names\":[\"getpriority\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":13,\"args\":["
        "{\"index\":0,\"value\":1,\"op\":\"SCMP_CMP_EQ\"},{\"index\":0,\"value\":2,\"op\":\"SCMP_CMP_EQ\"}]},"
        "{\"names\":[\"getpriority\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":22,\"args\":["
        "{\"index\":0,\"value\":0,\"op\":\"SCMP_CMP_EQ\"},{\"index\":1,\"value\":0,\"op\":\"SCMP_CMP_EQ\"}]},"
        "{\"names\":[\"no_such_system_call\",\"getppid\"],\"action\":\"SCMP_ACT_ERRNO\"},"
        "{\"names\":[\"getuid\"],\"action\":\"SCMP_ACT_ALLOW\"}]}",
        NULL);
    static const int want[] = {EACCES, EACCES, EINVAL, 0, EPERM};

    check_child(f, probe_priority, want, 5);
    ctr__native_seccomp_free(f);
}

static void probe_masked(int out)
{
    put_errno(out, syscall(SYS_umask, 0077));
    put_errno(out, syscall(SYS_umask, 0022));
}

static void test_masked_eq(void **state _unused_)
{
    struct ctr__native_seccomp *f = prepare(
        "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"flags\":[\"SECCOMP_FILTER_FLAG_LOG\"],\"syscalls\":["
        "{\"names\":[\"umask\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":5,\"args\":["
        "{\"index\":0,\"value\":56,\"valueTwo\":56,\"op\":\"SCMP_CMP_MASKED_EQ\"}]}]}",
        NULL);
    static const int want[] = {EIO, 0}; /* 0077 & 070 == 070; 0022 & 070 != 070 */

    check_child(f, probe_masked, want, 2);
    ctr__native_seccomp_free(f);
}

static char cache_dir[] = "/tmp/ctr-test-seccomp-XXXXXX";

static char *only_entry(void)
{
    _cleanup_dir_ DIR *d = opendir(cache_dir);
    struct dirent *de;
    char *found = NULL;
    assert_non_null(d);
    while ((de = readdir(d)))
        if (de->d_name[0] != '.') {
            assert_null(found);
            assert_true(asprintf(&found, "%s/%s", cache_dir, de->d_name) > 0);
        }
    assert_non_null(found);
    return found;
}

static void damage(const char *path, const char *how)
{
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    int fd = open(path, O_WRONLY);
    assert_true(fd >= 0);
    if (!strcmp(how, "truncate"))
        assert_int_equal(ftruncate(fd, st.st_size - 3), 0);
    else if (!strcmp(how, "key"))
        assert_int_equal(pwrite(fd, "X", 1, 8), 1);
    else
        assert_int_equal(ftruncate(fd, 8 + 64 + 8 * 5000), 0);
    close(fd);
}

/* The second prepare reads the cache; a damaged entry (cut, another key,
 * too long) is compiled again and rewritten; the filter works either way. */
static void test_cache(void **state _unused_)
{
    const char *text = "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":["
                       "{\"names\":[\"getppid\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":42}]}";
    static const char *const damages[] = {"truncate", "key", "long"};
    struct ctr__native_seccomp *f = prepare(text, cache_dir);
    static const int want[] = {0, 0, 0, 0, 42};

    assert_false(ctr__native_seccomp_cached(f));
    ctr__native_seccomp_free(f);
    _cleanup_free_ char *entry = only_entry();
    _cleanup_free_ char *first = read_text(entry);
    for (size_t i = 0; i < 3; i++) {
        f = prepare(text, cache_dir);
        assert_true(ctr__native_seccomp_cached(f));
        check_child(f, probe_priority, want, 5);
        ctr__native_seccomp_free(f);
        damage(entry, damages[i]);
        f = prepare(text, cache_dir);
        assert_false(ctr__native_seccomp_cached(f));
        check_child(f, probe_priority, want, 5);
        ctr__native_seccomp_free(f);
        _cleanup_free_ char *again = read_text(entry);
        assert_string_equal(again, first);
    }
    /* Another policy is another entry. */
    f = prepare("{\"defaultAction\":\"SCMP_ACT_ALLOW\"}", cache_dir);
    assert_false(ctr__native_seccomp_cached(f));
    ctr__native_seccomp_free(f);
    unlink(entry);
    free(only_entry());
}

static void expect_error(const char *text, int code, const char *words)
{
    _cleanup_json_ json_object *o = policy(text);
    struct ctr__native_seccomp *f = (void *)1;
    assert_int_equal(ctr__native_seccomp_prepare(o, cache_dir, &f), code);
    assert_null(f);
    if (!strstr(ctr_error_last()->message, words))
        fail_msg("%s: message \"%s\" has no \"%s\"", text, ctr_error_last()->message, words);
}

static void test_errors(void **state _unused_)
{
    expect_error("[]", -EINVAL, "not an object");
    expect_error("{}", -EINVAL, "action is missing");
    expect_error("{\"defaultAction\":\"SCMP_ACT_NOPE\"}", -EINVAL, "SCMP_ACT_NOPE");
    expect_error("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"defaultErrnoRet\":\"x\"}", -EINVAL, "errnoRet");
    expect_error("{\"defaultAction\":\"SCMP_ACT_NOTIFY\"}", -EOPNOTSUPP, "NOTIFY");
    expect_error("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"listenerPath\":\"/x\"}", -EOPNOTSUPP, "listenerPath");
    expect_error("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"flags\":[\"SECCOMP_FILTER_FLAG_X\"]}", -EINVAL, "FLAG_X");
    expect_error("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"architectures\":[\"SCMP_ARCH_VAX\"]}", -EINVAL, "VAX");
    expect_error("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"architectures\":[\"x86_64\"]}", -EINVAL, "x86_64");
    expect_error("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":{}}", -EINVAL, "syscalls");
    expect_error("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"action\":\"SCMP_ACT_LOG\"}]}", -EINVAL,
                 "names");
    expect_error("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"read\"],"
                 "\"action\":\"SCMP_ACT_LOG\",\"args\":[{\"index\":6,\"value\":1,\"op\":\"SCMP_CMP_EQ\"}]}]}",
                 -EINVAL, "index");
    expect_error("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"read\"],"
                 "\"action\":\"SCMP_ACT_LOG\",\"args\":[{\"index\":0,\"value\":1,\"op\":\"SCMP_CMP_ABOUT\"}]}]}",
                 -EINVAL, "SCMP_CMP_ABOUT");
    expect_error("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"\"],\"action\":\"SCMP_ACT_LOG\"}]}",
                 -EINVAL, "empty");
}

static void probe_default(int out)
{
    char buf[4096] = "";
    int fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC);
    ssize_t n = fd >= 0 ? read(fd, buf, sizeof buf - 1) : -1;
    const char *s = n > 0 ? strstr(buf, "\nSeccomp:") : NULL;
    const char *c = n > 0 ? strstr(buf, "\nSeccomp_filters:") : NULL;

    put_errno(out, s && atoi(s + 9) == 2 ? 0 : -1);
    put_errno(out, c && atoi(c + 17) == 1 ? 0 : -1);
    put_errno(out, syscall(SYS_kexec_load, 0, 0, 0, 0));
    put_errno(out, syscall(SYS_getpid));
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* podman's default policy, as data/ makes it for the default capabilities:
 * one filter, mode 2, kexec_load refused, ordinary calls allowed; read
 * from the cache much faster than compiled. */
static void test_default_policy(void **state _unused_)
{
    static const char *const caps[] = {"CAP_CHOWN", "CAP_KILL", "CAP_SETUID", "CAP_SETGID", NULL};
    _cleanup_json_ json_object *o = NULL;
    struct ctr__native_seccomp *f = NULL;
    static const int want[] = {0, 0, EPERM, 0};

    assert_int_equal(ctr__seccomp_default_json(caps, &o), 0);
    double t0 = now_ms();
    assert_int_equal(ctr__native_seccomp_prepare(o, cache_dir, &f), 0);
    double t1 = now_ms();
    assert_false(ctr__native_seccomp_cached(f));
    ctr__native_seccomp_free(f);
    assert_int_equal(ctr__native_seccomp_prepare(o, cache_dir, &f), 0);
    double t2 = now_ms();
    assert_true(ctr__native_seccomp_cached(f));
    print_message("default policy: compiled in %.3f ms, from the cache in %.3f ms\n", t1 - t0, t2 - t1);
    check_child(f, probe_default, want, 4);
    ctr__native_seccomp_free(f);
}

static int setup(void **state _unused_)
{
    return mkdtemp(cache_dir) ? 0 : -1;
}

static int teardown(void **state _unused_)
{
    return ctr__rm_rf(cache_dir) < 0 ? -1 : 0;
}

int main(void)
{
    if (!can_load() && seccomp_api_set(3) < 0)
        return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fixture_policy), cmocka_unit_test(test_argument_rules),
        cmocka_unit_test(test_masked_eq),      cmocka_unit_test(test_cache),
        cmocka_unit_test(test_errors),         cmocka_unit_test(test_default_policy),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
