/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The security and process settings of a container (data/security.c,
 * data/process.c, data/seccomp-profile.c): the checks with podman's
 * messages, the copies and their config document, the capability sets,
 * the sysctl rules, the seccomp profile converter against a profile file
 * and its expected OCI output, the entrypoint rules and inspect's keys. */
#include <errno.h>
#include <json-c/json.h>
#include <libctr/ctr-error.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "base/json-util.h"
#include "base/util.h"
#include "data/process.h"
#include "data/seccomp-profile.h"
#include "data/security.h"

#ifndef SOURCE_ROOT
#define SOURCE_ROOT "."
#endif

typedef json_object J;

static const char *source_root(void)
{
    const char *s = getenv("SOURCE_ROOT");
    return s && *s ? s : SOURCE_ROOT;
}

static char *read_text(const char *rel)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/tests/unit/%s", source_root(), rel);
    FILE *f = fopen(path, "re");
    assert_non_null(f);
    char *buf = calloc(1, 1 << 20);
    assert_non_null(buf);
    size_t n = fread(buf, 1, (1 << 20) - 1, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

#define V(...) ((const char *const[]){ __VA_ARGS__, NULL })

static ctr_container_options_t opts(void)
{
    ctr_container_options_t o = CTR_CONTAINER_OPTIONS_INIT;
    return o;
}

/* The security and process checks fail with -EINVAL and a message holding @want. */
static void check_fails(const ctr_container_options_t *o, int code, const char *want)
{
    int r = ctr__security_check(o);
    if (r == 0)
        r = ctr__process_check(o);
    if (r != code)
        fail_msg("want %d \"%s\", got %d \"%s\"", code, want, r, ctr_error_last()->message);
    if (!strstr(ctr_error_last()->message, want))
        fail_msg("message \"%s\" lacks \"%s\"", ctr_error_last()->message, want);
}

static void strv_equal(char **got, const char *const *want)
{
    size_t i = 0;
    for (; want[i]; i++) {
        assert_non_null(got[i]);
        assert_string_equal(got[i], want[i]);
    }
    assert_null(got[i]);
}

/* ---- capabilities ---- */

static void test_cap_names(void **state)
{
    (void)state;
    char buf[64];
    assert_int_equal(ctr__security_cap_normalize("net_admin", buf, sizeof buf), 0);
    assert_string_equal(buf, "CAP_NET_ADMIN");
    assert_int_equal(ctr__security_cap_normalize("CAP_SYS_TIME", buf, sizeof buf), 0);
    assert_string_equal(buf, "CAP_SYS_TIME");
    assert_int_equal(ctr__security_cap_normalize("Cap_Chown", buf, sizeof buf), 0);
    assert_string_equal(buf, "CAP_CHOWN");
    assert_int_equal(ctr__security_cap_normalize("all", buf, sizeof buf), 0);
    assert_string_equal(buf, "ALL");
    assert_int_equal(ctr__security_cap_normalize("FOO", buf, sizeof buf), -EINVAL);
    assert_string_equal(ctr_error_last()->message, "\"CAP_FOO\": unknown capability");
    assert_int_equal(ctr__security_cap_normalize("", buf, sizeof buf), -EINVAL);
}

static void caps_of(const char *const *add, const char *const *drop, bool privileged, char ***ret, char ***ret_user)
{
    ctr_container_options_t o = opts();
    o.cap_add = add;
    o.cap_drop = drop;
    struct ctr__security sec;
    assert_int_equal(ctr__security_check(&o), 0);
    assert_int_equal(ctr__security_copy(&o, &sec), 0);
    assert_int_equal(ctr__security_caps(&sec, privileged, ret, ret_user), 0);
    ctr__security_clear(&sec);
}

static void test_cap_sets(void **state)
{
    (void)state;
    char **caps = NULL, **user = NULL;
    caps_of(NULL, NULL, false, &caps, &user);
    strv_equal(caps, V("CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL",
                       "CAP_NET_BIND_SERVICE", "CAP_SETFCAP", "CAP_SETGID", "CAP_SETPCAP", "CAP_SETUID",
                       "CAP_SYS_CHROOT"));
    strv_equal(user, V(NULL));
    ctr__strv_free(caps);
    ctr__strv_free(user);

    caps_of(V("net_admin", "NET_ADMIN", "CAP_NET_RAW"), V("CHOWN", "kill"), false, &caps, &user);
    strv_equal(caps, V("CAP_DAC_OVERRIDE", "CAP_FOWNER", "CAP_FSETID", "CAP_NET_ADMIN", "CAP_NET_BIND_SERVICE",
                       "CAP_NET_RAW", "CAP_SETFCAP", "CAP_SETGID", "CAP_SETPCAP", "CAP_SETUID", "CAP_SYS_CHROOT"));
    strv_equal(user, V("CAP_NET_ADMIN", "CAP_NET_RAW"));
    ctr__strv_free(caps);
    ctr__strv_free(user);

    caps_of(V("SYS_TIME", "NET_RAW"), V("ALL"), false, &caps, NULL);
    strv_equal(caps, V("CAP_NET_RAW", "CAP_SYS_TIME"));
    ctr__strv_free(caps);

    char **all = NULL;
    caps_of(V("ALL"), V("CHOWN"), false, &caps, NULL);
    caps_of(NULL, V("CHOWN", "SYS_TIME"), true, &all, NULL); /* privileged: add and drop ignored */
    assert_true(ctr__strv_contains((const char *const *)all, "CAP_CHOWN"));
    assert_true(ctr__strv_contains((const char *const *)all, "CAP_SYS_ADMIN"));
    assert_int_equal(ctr__strv_len((const char *const *)caps) + 1, ctr__strv_len((const char *const *)all));
    assert_false(ctr__strv_contains((const char *const *)caps, "CAP_CHOWN"));
    assert_true(ctr__strv_contains((const char *const *)caps, "CAP_SYS_ADMIN"));
    ctr__strv_free(caps);
    ctr__strv_free(all);
}

/* ---- sysctls ---- */

static void test_sysctls(void **state)
{
    (void)state;
    const char *ok[] = { "net.ipv4.ip_forward=1", "fs.mqueue.msg_max=20", "kernel.shmmax=65536", "kernel.sem=1 2 3 4",
                         "kernel.msgmnb=1", "kernel.hostname=x", "kernel.domainname=y", "net.ipv4.ping_group_range=0 0" };
    for (size_t i = 0; i < ARRAY_SIZE(ok); i++)
        assert_int_equal(ctr__security_sysctl_check(ok[i], false, false, false), 0);
    const struct {
        const char *kv;
        bool net, ipc, uts;
        const char *msg;
    } bad[] = {
        { "kernel.foo=1", false, false, false, "sysctl 'kernel.foo' is not allowed" },
        { "vm.swappiness=1", false, false, false, "sysctl 'vm.swappiness' is not allowed" },
        { "net.x", false, false, false, "net.x is invalid, sysctl values must be in the form of KEY=VALUE" },
        { "=1", false, false, false, "must be in the form of KEY=VALUE" },
        { "net.x = 1", false, false, false, "'net.x = 1' is invalid, extra spaces found" },
        { "net.ipv4.ip_forward=1", true, false, false,
          "sysctl net.ipv4.ip_forward=1 can't be set since Network Namespace set to host" },
        { "kernel.shmmax=1", false, true, false, "can't be set since IPC Namespace set to host" },
        { "fs.mqueue.queues_max=1", false, true, false, "IPC Namespace set to host" },
        { "kernel.domainname=x", false, false, true, "UTS Namespace set to host" },
    };
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        assert_int_equal(ctr__security_sysctl_check(bad[i].kv, bad[i].net, bad[i].ipc, bad[i].uts), -EINVAL);
        if (!strstr(ctr_error_last()->message, bad[i].msg))
            fail_msg("%s: \"%s\" lacks \"%s\"", bad[i].kv, ctr_error_last()->message, bad[i].msg);
    }
    /* through the options: host network */
    ctr_container_options_t o = opts();
    o.flags = CTR_CREATE_HOST_NETWORK;
    o.sysctls = V("net.core.somaxconn=100");
    check_fails(&o, -EINVAL, "Network Namespace set to host");
    o.sysctls = V("kernel.shmmax=100");
    assert_int_equal(ctr__security_check(&o), 0);

    /* the spec: podman's default first, then the container's */
    struct ctr__security sec;
    o.sysctls = V("net.ipv4.ip_forward=1", "kernel.shmmax=100");
    o.flags = 0;
    assert_int_equal(ctr__security_copy(&o, &sec), 0);
    _cleanup_json_ J *linux_ = json_object_new_object();
    assert_int_equal(ctr__security_sysctl_spec(&sec, true, linux_), 0);
    assert_string_equal(json_object_to_json_string_ext(linux_, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE),
                        "{\"sysctl\":{\"net.ipv4.ping_group_range\":\"0 0\",\"net.ipv4.ip_forward\":\"1\","
                        "\"kernel.shmmax\":\"100\"}}");
    _cleanup_json_ J *host = json_object_new_object();
    struct ctr__security none = { 0 };
    assert_int_equal(ctr__security_sysctl_spec(&none, false, host), 0);
    assert_string_equal(json_object_to_json_string_ext(host, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE), "{}");
    ctr__security_clear(&sec);
}

/* ---- masked paths ---- */

static void test_paths(void **state)
{
    (void)state;
    ctr_container_options_t o = opts();
    o.mask_paths = V("/x", "/y");
    o.unmask_paths = V("/proc/kcore", "/proc/sys");
    struct ctr__security sec;
    assert_int_equal(ctr__security_check(&o), 0);
    assert_int_equal(ctr__security_copy(&o, &sec), 0);
    _cleanup_json_ J *l = json_object_new_object();
    assert_int_equal(ctr__security_paths_spec(&sec, V("/proc/acpi", "/proc/kcore"), V("/proc/bus", "/proc/sys"), l), 0);
    assert_string_equal(json_object_to_json_string_ext(l, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE),
                        "{\"maskedPaths\":[\"/proc/acpi\",\"/x\",\"/y\"],\"readonlyPaths\":[\"/proc/bus\"]}");
    ctr__security_clear(&sec);

    o = opts();
    o.unmask_paths = V("ALL");
    assert_int_equal(ctr__security_copy(&o, &sec), 0);
    _cleanup_json_ J *all = json_object_new_object();
    assert_int_equal(ctr__security_paths_spec(&sec, V("/proc/acpi"), V("/proc/bus"), all), 0);
    assert_string_equal(json_object_to_json_string_ext(all, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE), "{}");
    ctr__security_clear(&sec);
}

/* ---- the checks of the options ---- */

static void test_check_errors(void **state)
{
    (void)state;
    ctr_container_options_t o = opts();
    o.cap_add = V("NET_ADMIN", "BOGUS");
    check_fails(&o, -EINVAL, "\"CAP_BOGUS\": unknown capability");
    o = opts();
    o.cap_drop = V("nope");
    check_fails(&o, -EINVAL, "\"CAP_NOPE\": unknown capability");
    o = opts();
    o.cap_add = V("ALL");
    o.cap_drop = V("all");
    check_fails(&o, -EINVAL, "adding all caps and removing all caps not allowed");
    o = opts();
    o.seccomp_profile = "/nonexistent/profile.json";
    check_fails(&o, -ENOENT, "opening seccomp profile failed: open /nonexistent/profile.json");
    o.seccomp_profile = "relative.json";
    check_fails(&o, -EINVAL, "must be an absolute path or \"unconfined\"");
    o.seccomp_profile = "/dev";
    check_fails(&o, -EINVAL, "not a regular file");
    o = opts();
    o.mask_paths = V("rel");
    check_fails(&o, -EINVAL, "masked path \"rel\" is not an absolute path");
    o = opts();
    o.unmask_paths = V("/a/../b");
    check_fails(&o, -EINVAL, "unmasked path");
    o = opts();
    o.group_add = V("keep-groups");
    check_fails(&o, -EINVAL, "keep-groups");
    o.group_add = V("a:b");
    check_fails(&o, -EINVAL, "invalid group \"a:b\"");
    o = opts();
    o.sysctls = V("kernel.foo=1");
    check_fails(&o, -EINVAL, "sysctl 'kernel.foo' is not allowed");
    o = opts();
    o.apparmor_profile = "";
    check_fails(&o, -EINVAL, "AppArmor");

    o = opts();
    o.umask = "999";
    check_fails(&o, -EINVAL, "invalid umask string 999");
    o.umask = "07777";
    check_fails(&o, -EINVAL, "invalid umask string");
    o = opts();
    o.timezone = "Nowhere/City";
    check_fails(&o, -ENOENT, "unknown time zone \"Nowhere/City\"");
    o.timezone = "../etc/passwd";
    check_fails(&o, -EINVAL, "invalid time zone");
    o = opts();
    o.restart_policy = "bogus";
    check_fails(&o, -EINVAL, "\"bogus\" is not a valid restart policy");
    o.restart_policy = "always";
    o.restart_retries = 3;
    check_fails(&o, -EINVAL, "restart policy retries can only be specified with on-failure restart policy");
    o.restart_retries = 0;
    o.flags = CTR_CREATE_AUTO_REMOVE;
    check_fails(&o, -EINVAL, "the --rm option conflicts with --restart");
    o.restart_policy = "no";
    assert_int_equal(ctr__process_check(&o), 0);
    o = opts();
    o.annotations = V("noeq");
    check_fails(&o, -EINVAL, "annotations must be formatted KEY=VALUE");
    o = opts();
    o.health_cmd = V("CURL", "x");
    check_fails(&o, -EINVAL, "healthcheck test must start with NONE, CMD or CMD-SHELL");
    o.health_cmd = V("CMD-SHELL");
    check_fails(&o, -EINVAL, "healthcheck test CMD-SHELL needs");
    o.health_cmd = V("CMD", "true");
    o.health_interval = 1000;
    check_fails(&o, -EINVAL, "healthcheck-interval must be at least 1 second");
    o = opts();
    o.flags = CTR_CREATE_INIT;
    o.init_path = "/nonexistent/init";
    check_fails(&o, -ENOENT, "container-init binary not found on the host: /nonexistent/init");
    o.init_path = "init";
    check_fails(&o, -EINVAL, "init path \"init\" is not an absolute path");
}

/* ---- copy and the config document ---- */

static J *roundtrip_doc(const struct ctr__security *sec, const struct ctr__process *p)
{
    J *doc = json_object_new_object();
    assert_int_equal(ctr__security_to_json(sec, doc), 0);
    assert_int_equal(ctr__process_to_json(p, doc), 0);
    /* through text, as the state backend keeps it */
    J *back = json_tokener_parse(json_object_to_json_string(doc));
    json_object_put(doc);
    assert_non_null(back);
    return back;
}

static void test_copy_roundtrip(void **state)
{
    (void)state;
    char path[4096];
    snprintf(path, sizeof path, "%s/tests/unit/seccomp/profile.json", source_root());
    ctr_container_options_t o = opts();
    o.cap_add = V("net_admin");
    o.cap_drop = V("CAP_CHOWN", "chown");
    o.seccomp_profile = path;
    o.apparmor_profile = "unconfined";
    o.mask_paths = V("/x");
    o.unmask_paths = V("ALL");
    o.group_add = V("wheel", "20");
    o.sysctls = V("net.ipv4.ip_forward=1");
    o.entrypoint = V("/bin/echo", "ep");
    o.flags = CTR_CREATE_INIT | CTR_CREATE_NO_NEW_PRIVS;
    o.init_path = "/bin/sh";
    o.umask = "77";
    o.timezone = "local";
    o.annotations = V("a=b", "c=d=e");
    o.domainname = "example.org";
    o.restart_policy = "on-failure";
    o.restart_retries = 4;
    o.health_cmd = V("CMD-SHELL", "true");
    o.health_start_period = 2000000000;
    assert_int_equal(ctr__security_check(&o), 0);
    assert_int_equal(ctr__process_check(&o), 0);
    struct ctr__security sec, sec2;
    struct ctr__process p, p2;
    assert_int_equal(ctr__security_copy(&o, &sec), 0);
    assert_int_equal(ctr__process_copy(&o, &p), 0);
    strv_equal(sec.cap_add, V("CAP_NET_ADMIN"));
    strv_equal(sec.cap_drop, V("CAP_CHOWN"));
    assert_non_null(strstr(sec.seccomp_profile, "SCMP_ACT_ERRNO"));
    assert_string_equal(sec.seccomp_profile_path, path);
    assert_string_equal(p.umask, "0077");
    assert_int_equal(p.health_interval, 30000000000LL);
    assert_int_equal(p.health_timeout, 30000000000LL);
    assert_int_equal(p.health_retries, 3);
    assert_true(p.entrypoint_given);

    J *doc = roundtrip_doc(&sec, &p);
    assert_int_equal(ctr__security_from_json(doc, &sec2), 0);
    assert_int_equal(ctr__process_from_json(doc, &p2), 0);
    json_object_put(doc);
    strv_equal(sec2.cap_add, V("CAP_NET_ADMIN"));
    strv_equal(sec2.cap_drop, V("CAP_CHOWN"));
    assert_string_equal(sec2.seccomp_profile, sec.seccomp_profile);
    assert_string_equal(sec2.seccomp_profile_path, path);
    assert_string_equal(sec2.apparmor_profile, "unconfined");
    strv_equal(sec2.mask_paths, V("/x"));
    strv_equal(sec2.unmask_paths, V("ALL"));
    strv_equal(sec2.group_add, V("wheel", "20"));
    strv_equal(sec2.sysctls, V("net.ipv4.ip_forward=1"));
    strv_equal(p2.entrypoint, V("/bin/echo", "ep"));
    assert_true(p2.entrypoint_given);
    assert_string_equal(p2.init_path, "/bin/sh");
    assert_string_equal(p2.umask, "0077");
    assert_string_equal(p2.timezone, "local");
    strv_equal(p2.annotations, V("a=b", "c=d=e"));
    assert_string_equal(p2.domainname, "example.org");
    assert_string_equal(p2.restart_policy, "on-failure");
    assert_int_equal(p2.restart_retries, 4);
    strv_equal(p2.health_cmd, V("CMD-SHELL", "true"));
    assert_int_equal(p2.health_interval, 30000000000LL);
    assert_int_equal(p2.health_start_period, 2000000000LL);
    assert_int_equal(p2.health_retries, 3);
    ctr__security_clear(&sec);
    ctr__security_clear(&sec2);
    ctr__process_clear(&p);
    ctr__process_clear(&p2);

    /* a version-1 document: nothing set, arrays never NULL */
    _cleanup_json_ J *old = json_tokener_parse("{\"id\":\"x\"}");
    assert_int_equal(ctr__security_from_json(old, &sec2), 0);
    assert_int_equal(ctr__process_from_json(old, &p2), 0);
    assert_non_null(sec2.cap_add);
    assert_null(sec2.cap_add[0]);
    assert_null(sec2.seccomp_profile);
    assert_null(p2.entrypoint);
    assert_non_null(p2.annotations);
    assert_int_equal(ctr__process_umask(&p2), 0022);
    ctr__security_clear(&sec2);
    ctr__process_clear(&p2);

    const char *bad[] = { "{\"security\":[]}", "{\"security\":{\"capAdd\":\"x\"}}", "{\"process\":7}",
                          "{\"process\":{\"umask\":\"9\"}}", "{\"process\":{\"healthRetries\":-1}}",
                          "{\"process\":{\"healthCmd\":[]}}" };
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        _cleanup_json_ J *d = json_tokener_parse(bad[i]);
        int r = ctr__security_from_json(d, &sec2);
        ctr__security_clear(&sec2);
        if (r == 0) {
            r = ctr__process_from_json(d, &p2);
            ctr__process_clear(&p2);
        }
        if (r != -EINVAL)
            fail_msg("%s: %d", bad[i], r);
    }
}

/* ---- the seccomp profile converter ---- */

static void test_seccomp_profile(void **state)
{
    (void)state;
    _cleanup_free_ char *text = read_text("seccomp/profile.json");
    _cleanup_json_ J *out = NULL;
    assert_int_equal(ctr__seccomp_profile_convert(text, V("CAP_SYS_TIME", "CAP_CHOWN", "CAP_SYS_ADMIN"), &out), 0);
#if defined(__x86_64__) && !defined(__ILP32__)
    _cleanup_free_ char *want_text = read_text("seccomp/expected-amd64.json");
    _cleanup_json_ J *want = json_tokener_parse(want_text);
    assert_non_null(want);
    if (!json_object_equal(out, want))
        fail_msg("got %s", json_object_to_json_string_ext(out, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
#else
    J *calls;
    assert_true(json_object_object_get_ex(out, "syscalls", &calls));
    assert_true(json_object_array_length(calls) >= 6);
#endif
    /* without the capabilities: settimeofday gone, chown denied */
    _cleanup_json_ J *bare = NULL;
    assert_int_equal(ctr__seccomp_profile_convert(text, NULL, &bare), 0);
    const char *s = json_object_to_json_string_ext(bare, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
    assert_null(strstr(s, "settimeofday"));
    assert_non_null(strstr(s, "\"chown\""));
}

static void test_seccomp_errors(void **state)
{
    (void)state;
    const struct {
        const char *profile, *msg;
    } bad[] = {
        { "", "seccomp profile: malformed JSON" },
        { "{", "seccomp profile: malformed JSON" },
        { "[]", "not a JSON object" },
        { "{}", "\"defaultAction\" is required" },
        { "{\"defaultAction\":\"SCMP_ACT_NOPE\"}", "unknown action \"SCMP_ACT_NOPE\"" },
        { "{\"defaultAction\":7}", "\"defaultAction\" has the wrong type" },
        { "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"architectures\":[\"SCMP_ARCH_X86_64\"],"
          "\"archMap\":[{\"architecture\":\"SCMP_ARCH_X86_64\"}]}",
          "'architectures' and 'archMap' were specified" },
        { "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"name\":\"a\",\"names\":[\"b\"],"
          "\"action\":\"SCMP_ACT_ALLOW\"}]}",
          "'name' and 'names' were specified" },
        { "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"a\"]}]}", "has no \"action\"" },
        { "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"a\"],\"action\":\"SCMP_ACT_ALLOW\","
          "\"args\":[{\"index\":0,\"value\":1,\"op\":\"SCMP_CMP_WHAT\"}]}]}",
          "unknown operator \"SCMP_CMP_WHAT\"" },
        { "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"a\"],\"action\":\"SCMP_ACT_ALLOW\","
          "\"args\":[{\"index\":9,\"value\":1,\"op\":\"SCMP_CMP_EQ\"}]}]}",
          "argument index 9 is out of range" },
        { "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[1],\"action\":\"SCMP_ACT_ALLOW\"}]}",
          "must hold strings only" },
        { "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[7]}", "syscalls[0] is not an object" },
        { "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"a\"],\"action\":\"SCMP_ACT_ALLOW\","
          "\"includes\":{\"minKernel\":\"five\"}}]}",
          "invalid minKernel \"five\"" },
        { "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"defaultErrnoRet\":-1}", "defaultErrnoRet is out of range" },
    };
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        J *out = NULL;
        int r = ctr__seccomp_profile_convert(bad[i].profile, NULL, &out);
        if (r != -EINVAL || !strstr(ctr_error_last()->message, bad[i].msg))
            fail_msg("%s: %d \"%s\", want \"%s\"", bad[i].profile, r, ctr_error_last()->message, bad[i].msg);
        assert_null(out);
    }
}

/* ---- process: argv and the image's rules ---- */

static void test_process_args(void **state)
{
    (void)state;
    struct ctr__process p = { 0 };
    char *cmd[] = { "a", "b", NULL }, **argv = NULL;
    assert_int_equal(ctr__process_args(&p, cmd, false, &argv), 0);
    strv_equal(argv, V("a", "b"));
    ctr__strv_free(argv);
    char *ep[] = { "/bin/echo", "x", NULL }, *empty[] = { "", NULL };
    p.entrypoint = ep;
    assert_int_equal(ctr__process_args(&p, cmd, true, &argv), 0);
    strv_equal(argv, V(CTR__INIT_DEST, "--", "/bin/echo", "x", "a", "b"));
    ctr__strv_free(argv);
    p.entrypoint = empty;
    assert_int_equal(ctr__process_args(&p, cmd, false, &argv), 0);
    strv_equal(argv, V("a", "b"));
    ctr__strv_free(argv);
    assert_int_equal(ctr__process_args(&p, NULL, true, &argv), 0);
    strv_equal(argv, V(CTR__INIT_DEST, "--", "/bin/sh"));
    ctr__strv_free(argv);
}

static void image_case(const char *const *entrypoint, const char *const *command, const char *image, int code,
                       const char *const *want_ep, const char *const *want_cmd)
{
    ctr_container_options_t o = opts();
    o.entrypoint = entrypoint;
    struct ctr__process p;
    assert_int_equal(ctr__process_copy(&o, &p), 0);
    char **cmd = ctr__strv_copy(command);
    _cleanup_json_ J *c = image ? json_tokener_parse(image) : NULL;
    assert_int_equal(ctr__process_image_defaults(&p, &cmd, c), code);
    if (code == 0) {
        if (want_ep)
            strv_equal(p.entrypoint, want_ep);
        else
            assert_null(p.entrypoint);
        strv_equal(cmd, want_cmd);
    }
    ctr__strv_free(cmd);
    ctr__process_clear(&p);
}

static void test_image_rules(void **state)
{
    (void)state;
    const char *img = "{\"Entrypoint\":[\"/bin/echo\",\"ep\"],\"Cmd\":[\"c1\",\"c2\"]}";
    /* podman's makeCommand(): the image's entrypoint and cmd */
    image_case(NULL, NULL, img, 0, V("/bin/echo", "ep"), V("c1", "c2"));
    /* a command replaces the image's cmd only */
    image_case(NULL, V("x"), img, 0, V("/bin/echo", "ep"), V("x"));
    /* an entrypoint given: the image's cmd is dropped */
    image_case(V("/bin/ls"), NULL, img, 0, V("/bin/ls"), V(NULL));
    image_case(V("/bin/ls"), V("y"), img, 0, V("/bin/ls"), V("y"));
    /* --entrypoint '': none, and then a command is needed */
    image_case(V(""), V("x"), img, 0, V(""), V("x"));
    image_case(V(""), NULL, img, -EINVAL, NULL, NULL);
    assert_non_null(strstr(ctr_error_last()->message, "no command or entrypoint provided"));
    /* nothing anywhere: /bin/sh, as before */
    image_case(NULL, NULL, "{}", 0, NULL, V("/bin/sh"));
    image_case(NULL, NULL, NULL, 0, NULL, V("/bin/sh"));
}

static void test_image_healthcheck(void **state)
{
    (void)state;
    ctr_container_options_t o = opts();
    struct ctr__process p;
    assert_int_equal(ctr__process_copy(&o, &p), 0);
    char **cmd = ctr__strv_copy(V("x"));
    _cleanup_json_ J *c = json_tokener_parse("{\"Healthcheck\":{\"Test\":[\"CMD-SHELL\",\"true\"],"
                                             "\"Interval\":5000000000,\"Retries\":2}}");
    assert_int_equal(ctr__process_image_defaults(&p, &cmd, c), 0);
    strv_equal(p.health_cmd, V("CMD-SHELL", "true"));
    assert_int_equal(p.health_interval, 5000000000LL);
    assert_int_equal(p.health_retries, 2);
    ctr__strv_free(cmd);

    /* inspect: podman's Healthcheck, RestartPolicy, Entrypoint and annotations */
    _cleanup_json_ J *config = json_object_new_object(), *host = json_object_new_object();
    assert_int_equal(ctr__process_inspect(&p, CTR_CREATE_INIT | CTR_CREATE_TERMINAL, config, host), 0);
    assert_string_equal(json_object_to_json_string_ext(host, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE),
                        "{\"RestartPolicy\":{\"Name\":\"\",\"MaximumRetryCount\":0},\"Init\":true}");
    assert_string_equal(json_object_to_json_string_ext(config, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE),
                        "{\"Entrypoint\":\"\",\"Umask\":\"0022\",\"Domainname\":\"\",\"Annotations\":{"
                        "\"io.kubernetes.cri-o.TTY\":\"true\",\"io.podman.annotations.autoremove\":\"FALSE\","
                        "\"io.podman.annotations.init\":\"TRUE\",\"io.podman.annotations.privileged\":\"FALSE\","
                        "\"io.podman.annotations.publish-all\":\"FALSE\"},"
                        "\"Healthcheck\":{\"Test\":[\"CMD-SHELL\",\"true\"],\"Interval\":5000000000,\"Retries\":2}}");
    ctr__process_clear(&p);
}

static void test_security_inspect(void **state)
{
    (void)state;
    ctr_container_options_t o = opts();
    o.cap_add = V("NET_ADMIN");
    o.cap_drop = V("CHOWN");
    o.seccomp_profile = "unconfined";
    o.group_add = V("10");
    struct ctr__security sec;
    assert_int_equal(ctr__security_copy(&o, &sec), 0);
    _cleanup_json_ J *host = json_object_new_object();
    assert_int_equal(ctr__security_inspect(&sec, CTR_CREATE_NO_NEW_PRIVS, host), 0);
    /* podman 4.3 compares with its older default (AUDIT_WRITE, MKNOD, NET_RAW in it) */
    assert_string_equal(json_object_to_json_string_ext(host, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE),
                        "{\"Sysctls\":{},\"SecurityOpt\":[\"no-new-privileges\",\"seccomp=unconfined\"],"
                        "\"CapAdd\":[\"CAP_NET_ADMIN\"],\"CapDrop\":[\"CAP_AUDIT_WRITE\",\"CAP_CHOWN\","
                        "\"CAP_MKNOD\",\"CAP_NET_RAW\"],\"GroupAdd\":[\"10\"]}");
    ctr__security_clear(&sec);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cap_names),        cmocka_unit_test(test_cap_sets),
        cmocka_unit_test(test_sysctls),          cmocka_unit_test(test_paths),
        cmocka_unit_test(test_check_errors),     cmocka_unit_test(test_copy_roundtrip),
        cmocka_unit_test(test_seccomp_profile),  cmocka_unit_test(test_seccomp_errors),
        cmocka_unit_test(test_process_args),     cmocka_unit_test(test_image_rules),
        cmocka_unit_test(test_image_healthcheck), cmocka_unit_test(test_security_inspect),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
