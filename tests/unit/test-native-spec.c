/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* native/spec: config.json read as the native runtime acts on it: runc's
 * mount options, capabilities and rlimits; bad members refused with their
 * names; what the runtime cannot honour refused, never dropped. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>

#include "base/error.h"
#include "base/json-util.h"
#include "native/spec.h"

#define BASE "\"ociVersion\":\"1.0.2\",\"root\":{\"path\":\"rootfs\"},\"process\":{\"args\":[\"/bin/true\"]}"

static int load(const char *members, struct ctr__native_spec *s)
{
    char text[8192];
    snprintf(text, sizeof text, "{" BASE "%s%s}", *members ? "," : "", members);
    json_object *doc = json_tokener_parse(text);
    assert_non_null(doc);
    return ctr__native_spec_from_json(doc, "/bundle", s);
}

static void expect(const char *members, int code, const char *words)
{
    struct ctr__native_spec s;
    int r = load(members, &s);
    if (r != code)
        fail_msg("%s: %d, expected %d (%s)", members, r, code, ctr_error_last()->message);
    if (r == 0)
        ctr__native_spec_done(&s);
    else if (!strstr(ctr_error_last()->message, words))
        fail_msg("%s: message \"%s\" lacks \"%s\"", members, ctr_error_last()->message, words);
}

static void test_minimal(void **state _unused_)
{
    struct ctr__native_spec s;
    assert_int_equal(load("", &s), 0);
    assert_string_equal(s.rootfs, "/bundle/rootfs");
    assert_string_equal(s.process.args[0], "/bin/true");
    assert_null(s.process.args[1]);
    assert_string_equal(s.process.cwd, "/");
    assert_false(s.process.has_umask);
    assert_int_equal(s.n_mounts, 0);
    assert_false(s.ns[CTR_NS_MNT].wanted);
    ctr__native_spec_done(&s);
}

static void test_mount_options(void **state _unused_)
{
    struct ctr__native_spec s;
    assert_int_equal(load("\"mounts\":[{\"destination\":\"/data\",\"type\":\"bind\",\"source\":\"/src\","
                          "\"options\":[\"rbind\",\"ro\",\"nosuid\",\"rslave\"]},"
                          "{\"destination\":\"/t\",\"type\":\"tmpfs\",\"source\":\"tmpfs\","
                          "\"options\":[\"nosuid\",\"rw\",\"size=1m\",\"mode=1777\",\"tmpcopyup\",\"exec\"]},"
                          "{\"destination\":\"/b\",\"source\":\"/x\",\"options\":[\"bind\"]}]",
                          &s),
                     0);
    assert_int_equal(s.n_mounts, 3);
    const struct ctr__native_mount *m = &s.mounts[0];
    assert_true(m->bind);
    assert_int_equal(m->flags, MS_BIND | MS_REC | MS_RDONLY | MS_NOSUID);
    assert_int_equal(m->propagation, MS_SLAVE | MS_REC);
    assert_null(m->data);
    m = &s.mounts[1];
    assert_false(m->bind);
    assert_true(m->tmpcopyup);
    assert_int_equal(m->flags, MS_NOSUID);
    assert_int_equal(m->clear, MS_RDONLY | MS_NOEXEC);
    assert_string_equal(m->data, "size=1m,mode=1777");
    m = &s.mounts[2];
    assert_true(m->bind);
    assert_string_equal(m->type, "bind");
    ctr__native_spec_done(&s);
}

static void test_process(void **state _unused_)
{
    struct ctr__native_spec s;
    assert_int_equal(load("\"process\":{\"args\":[\"sh\"],\"cwd\":\"/tmp\",\"terminal\":true,"
                          "\"user\":{\"uid\":1000,\"gid\":100,\"umask\":18,\"additionalGids\":[10,20]},"
                          "\"capabilities\":{\"bounding\":[\"CAP_CHOWN\",\"CAP_KILL\",\"CAP_NO_SUCH\"],"
                          "\"ambient\":[\"CAP_KILL\"]},"
                          "\"rlimits\":[{\"type\":\"RLIMIT_NOFILE\",\"soft\":512,\"hard\":1024},"
                          "{\"type\":\"RLIMIT_CORE\",\"soft\":18446744073709551615,\"hard\":18446744073709551615}],"
                          "\"noNewPrivileges\":true,\"oomScoreAdj\":-500,\"consoleSize\":{\"height\":24,\"width\":80}}",
                          &s),
                     0);
    const struct ctr__native_process *p = &s.process;
    assert_string_equal(p->cwd, "/tmp");
    assert_true(p->terminal);
    assert_int_equal(p->uid, 1000);
    assert_int_equal(p->gid, 100);
    assert_true(p->has_umask);
    assert_int_equal(p->umask, 022);
    assert_int_equal(p->n_groups, 2);
    assert_int_equal(p->groups[1], 20);
    assert_int_equal(p->caps.bounding, (1ULL << 0) | (1ULL << 5)); /* CAP_CHOWN, CAP_KILL; the unknown one left out */
    assert_int_equal(p->caps.ambient, 1ULL << 5);
    assert_int_equal(p->caps.effective, 0);
    assert_int_equal(p->n_rlimits, 2);
    assert_int_equal(p->rlimits[0].resource, RLIMIT_NOFILE);
    assert_int_equal(p->rlimits[0].limit.rlim_cur, 512);
    assert_true(p->rlimits[1].limit.rlim_max == RLIM_INFINITY);
    assert_true(p->no_new_privileges);
    assert_int_equal(p->oom_score_adj, -500);
    assert_int_equal(p->console_rows, 24);
    assert_int_equal(p->console_cols, 80);
    ctr__native_spec_done(&s);
}

static void test_linux(void **state _unused_)
{
    struct ctr__native_spec s;
    assert_int_equal(load("\"hostname\":\"h\",\"linux\":{\"namespaces\":[{\"type\":\"pid\"},{\"type\":\"mount\"},"
                          "{\"type\":\"network\",\"path\":\"/proc/1/ns/net\"},{\"type\":\"uts\"}],"
                          "\"devices\":[{\"path\":\"/dev/fuse\",\"type\":\"c\",\"major\":10,\"minor\":229}],"
                          "\"maskedPaths\":[\"/proc/kcore\"],\"readonlyPaths\":[\"/proc/sys\"],"
                          "\"sysctl\":{\"net.ipv4.ip_forward\":\"1\"},\"rootfsPropagation\":\"rprivate\","
                          "\"cgroupsPath\":\"/a/b\",\"resources\":{\"pids\":{\"limit\":10}}},"
                          "\"hooks\":{\"poststop\":[{\"path\":\"/bin/true\",\"args\":[\"true\"],\"timeout\":3}]}",
                          &s),
                     0);
    assert_true(s.ns[CTR_NS_PID].wanted && !s.ns[CTR_NS_PID].path);
    assert_string_equal(s.ns[CTR_NS_NET].path, "/proc/1/ns/net");
    assert_false(s.ns[CTR_NS_IPC].wanted);
    assert_int_equal(ctr__native_ns_flag(CTR_NS_NET), CLONE_NEWNET);
    assert_string_equal(ctr__native_ns_proc_name(CTR_NS_MNT), "mnt");
    assert_int_equal(s.n_devices, 1);
    assert_int_equal(s.devices[0].mode, 0666);
    assert_int_equal(s.devices[0].minor, 229);
    assert_string_equal(s.masked[0], "/proc/kcore");
    assert_string_equal(s.readonly_paths[0], "/proc/sys");
    assert_int_equal(s.n_sysctls, 1);
    assert_string_equal(s.sysctls[0].value, "1");
    assert_int_equal(s.rootfs_propagation, MS_PRIVATE | MS_REC);
    assert_string_equal(s.cgroups_path, "/a/b");
    assert_non_null(s.resources);
    assert_int_equal(s.hooks[CTR_HOOK_POSTSTOP].n, 1);
    assert_int_equal(s.hooks[CTR_HOOK_POSTSTOP].v[0].timeout, 3);
    ctr__native_spec_done(&s);
}

static void test_errors(void **state _unused_)
{
    expect("\"root\":{}", -EINVAL, "root.path");
    expect("\"process\":{\"args\":[]}", -EINVAL, "process.args is empty");
    expect("\"process\":{\"args\":[1]}", -EINVAL, "process.args[0]");
    expect("\"process\":{\"args\":[\"x\"],\"cwd\":\"tmp\"}", -EINVAL, "not an absolute path");
    expect("\"process\":{\"args\":[\"x\"],\"user\":{\"uid\":-1}}", -EINVAL, "process.user.uid");
    expect("\"process\":{\"args\":[\"x\"],\"rlimits\":[{\"type\":\"RLIMIT_NOPE\"}]}", -EINVAL, "RLIMIT_NOPE");
    expect("\"process\":{\"args\":[\"x\"],\"oomScoreAdj\":2000}", -EINVAL, "oomScoreAdj");
    expect("\"process\":{\"args\":[\"x\"],\"terminal\":\"yes\"}", -EINVAL, "process.terminal");
    expect("\"mounts\":[{\"destination\":\"rel\"}]", -EINVAL, "not an absolute path");
    expect("\"mounts\":[{\"destination\":\"/x\",\"options\":[\"idmap\"]}]", -EOPNOTSUPP, "idmap");
    expect("\"linux\":{\"namespaces\":[{\"type\":\"user\"}]}", -EOPNOTSUPP, "user namespaces");
    expect("\"linux\":{\"namespaces\":[{\"type\":\"pid\"},{\"type\":\"pid\"}]}", -EINVAL, "twice");
    expect("\"linux\":{\"namespaces\":[{\"type\":\"nope\"}]}", -EINVAL, "nope");
    expect("\"linux\":{\"uidMappings\":[]}", -EOPNOTSUPP, "uidMappings");
    expect("\"linux\":{\"devices\":[{\"path\":\"/dev/x\",\"type\":\"z\"}]}", -EINVAL, "not c, b, u or p");
    expect("\"linux\":{\"sysctl\":{\"../x\":\"1\"}}", -EINVAL, "not a sysctl name");
    expect("\"linux\":{\"rootfsPropagation\":\"sideways\"}", -EINVAL, "sideways");
    expect("\"linux\":{\"seccomp\":[]}", -EINVAL, "linux.seccomp");
    expect("\"hostname\":\"h\"", -EINVAL, "uts namespace");
    expect("\"hooks\":{\"prestart\":[{\"path\":\"rel\"}]}", -EINVAL, "hook path");
    expect("\"hooks\":{\"prestart\":[{\"path\":\"/x\",\"timeout\":0}]}", -EINVAL, "timeout");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_minimal), cmocka_unit_test(test_mount_options), cmocka_unit_test(test_process),
        cmocka_unit_test(test_linux),   cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
