/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* OCI spec generation, user resolution, the default seccomp policy; and, as
 * root with runc, real containers run from the generated specs. */
#include <fcntl.h>
#include <inttypes.h>
#include <json-c/json.h>
#include <libctr/ctr-error.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <cmocka.h>

#include "caps.h"
#include "config.h"
#include "ctr-config.h"
#include "passwd.h"
#include "spec.h"
#include "util.h"

#ifndef SOURCE_ROOT
#define SOURCE_ROOT "."
#endif

typedef json_object J;

static char *validator;       /* path of oci-validate, NULL when unavailable */
static char tmpdir[] = "/tmp/libctr-test-spec-XXXXXX";
static char rootfs[PATH_MAX]; /* a rootfs with /etc/passwd and /etc/group only */
static const char test_id[] = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

static const char passwd_text[] = "root:x:0:0:root:/root:/bin/sh\n"
                                  "daemon:x:1:1:daemon:/usr/sbin:/bin/false\n"
                                  "# a comment\n"
                                  "\n"
                                  "nobody:x:65534:65534:nobody:/nonexistent:/bin/false\n"
                                  "tester:x:1000:1000:tester:/home/tester:/bin/sh\n"
                                  "nohome:x:1001:1001::\n";
static const char group_text[] = "root:x:0:\n"
                                 "daemon:x:1:\n"
                                 "users:x:100:tester\n"
                                 "nogroup:x:65534:\n"
                                 "tester:x:1000:\n"
                                 "wheel:x:10:someone, tester\n";

static bool ci(void)
{
    const char *c = getenv("CI");
    return c && (streq(c, "true") || streq(c, "1"));
}

static void write_text(const char *dir, const char *rel, const char *text)
{
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/%s", dir, rel);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    assert_int_equal(fclose(f), 0);
}

/* A fresh directory under tmpdir. */
static void make_dir(char *out, size_t size, const char *name)
{
    snprintf(out, size, "%s/%s", tmpdir, name);
    assert_int_equal(ctr__mkdir_p(out, 0755), 0);
}

/* ---- running programs ---- */

/* Run argv; capture stdout+stderr into *out (may be NULL); return the exit status or -1. */
static int run(char *const argv[], char **out, bool quiet_stdin)
{
    int p[2];
    if (pipe2(p, O_CLOEXEC) < 0)
        return -1;
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        dup2(p[1], 1);
        dup2(p[1], 2);
        if (quiet_stdin) {
            int n = open("/dev/null", O_RDONLY);
            if (n >= 0)
                dup2(n, 0);
        }
        execvp(argv[0], argv);
        _exit(127);
    }
    close(p[1]);
    char *buf = NULL;
    int r = ctr__read_fd(p[0], &buf, NULL);
    close(p[0]);
    int st;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
        ;
    if (out)
        *out = r < 0 ? NULL : buf;
    else
        free(buf);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void validate(const char *json)
{
    if (!validator)
        return;
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/config-check.json", tmpdir);
    write_text(tmpdir, "config-check.json", json);
    char *out = NULL;
    int st = run((char *const[]){ validator, "runtime-config", path, NULL }, &out, true);
    if (st != 0)
        fail_msg("oci-validate rejected the generated spec (status %d):\n%s\n%s", st, out ? out : "", json);
    free(out);
}

/* ---- spec helpers ---- */

static void init_cfg(struct ctr__config *cfg)
{
    static char *empty[] = { NULL };
    *cfg = (struct ctr__config){
        .id = (char *)test_id,
        .command = empty,
        .env = empty,
        .stop_signal = SIGTERM,
    };
}

static void init_ctx(struct ctr__spec_ctx *ctx)
{
    *ctx = (struct ctr__spec_ctx){ .rootfs = rootfs };
}

/* Generate, validate, parse. */
static J *gen(const struct ctr__config *cfg, const struct ctr__spec_ctx *ctx)
{
    char *json = NULL;
    int r = ctr__spec_generate(cfg, ctx, &json);
    if (r < 0)
        fail_msg("ctr__spec_generate: %s (%d)", ctr_error_last()->message, r);
    validate(json);
    J *o = json_tokener_parse(json);
    assert_non_null(o);
    free(json);
    return o;
}

/* A member by dotted path ("process.user.uid"); NULL when absent. */
static J *jget(J *o, const char *path)
{
    char buf[256];
    snprintf(buf, sizeof buf, "%s", path);
    char *save = NULL;
    for (char *k = strtok_r(buf, ".", &save); k && o; k = strtok_r(NULL, ".", &save))
        if (!json_object_object_get_ex(o, k, &o))
            return NULL;
    return o;
}

static const char *jstr(J *o, const char *path)
{
    J *v = jget(o, path);
    return v && json_object_is_type(v, json_type_string) ? json_object_get_string(v) : NULL;
}

static int64_t jint(J *o, const char *path)
{
    J *v = jget(o, path);
    assert_non_null(v);
    return json_object_get_int64(v);
}

static bool arr_has(J *arr, const char *s)
{
    for (size_t i = 0; arr && i < json_object_array_length(arr); i++)
        if (streq(json_object_get_string(json_object_array_get_idx(arr, i)), s))
            return true;
    return false;
}

static size_t arr_len(J *arr)
{
    return arr ? json_object_array_length(arr) : 0;
}

/* A string member named literally (keys with dots). */
static const char *jkey(J *o, const char *key)
{
    J *v;
    if (!o || !json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
        return NULL;
    return json_object_get_string(v);
}

static J *find_mount(J *spec, const char *dest, size_t *index)
{
    J *m = jget(spec, "mounts");
    for (size_t i = 0; i < arr_len(m); i++) {
        J *e = json_object_array_get_idx(m, i);
        if (streq(jstr(e, "destination"), dest)) {
            if (index)
                *index = i;
            return e;
        }
    }
    return NULL;
}

static J *find_ns(J *spec, const char *type)
{
    J *a = jget(spec, "linux.namespaces");
    for (size_t i = 0; i < arr_len(a); i++)
        if (streq(jstr(json_object_array_get_idx(a, i), "type"), type))
            return json_object_array_get_idx(a, i);
    return NULL;
}

static J *find_rlimit(J *spec, const char *type)
{
    J *a = jget(spec, "process.rlimits");
    for (size_t i = 0; i < arr_len(a); i++)
        if (streq(jstr(json_object_array_get_idx(a, i), "type"), type))
            return json_object_array_get_idx(a, i);
    return NULL;
}

static bool seccomp_has(J *spec, const char *name, const char *action)
{
    J *s = jget(spec, "linux.seccomp.syscalls");
    for (size_t i = 0; i < arr_len(s); i++) {
        J *e = json_object_array_get_idx(s, i);
        if (streq(jstr(e, "action"), action) && arr_has(jget(e, "names"), name))
            return true;
    }
    return false;
}

static uint64_t hard_limit(int res)
{
    struct rlimit rl;
    assert_int_equal(getrlimit(res, &rl), 0);
    return rl.rlim_max;
}

/* ---- defaults ---- */

static void test_defaults(void **state)
{
    struct ctr__config cfg;
    struct ctr__spec_ctx ctx;
    init_cfg(&cfg);
    init_ctx(&ctx);
    J *s = gen(&cfg, &ctx);

    assert_string_equal(jstr(s, "ociVersion"), "1.0.2");
    assert_string_equal(jstr(s, "root.path"), rootfs);
    assert_false(json_object_get_boolean(jget(s, "root.readonly")));
    assert_string_equal(jstr(s, "hostname"), "0123456789ab");

    /* process */
    assert_int_equal(arr_len(jget(s, "process.args")), 1);
    assert_string_equal(json_object_get_string(json_object_array_get_idx(jget(s, "process.args"), 0)), "/bin/sh");
    assert_string_equal(jstr(s, "process.cwd"), "/");
    assert_false(json_object_get_boolean(jget(s, "process.terminal")));
    assert_false(json_object_get_boolean(jget(s, "process.noNewPrivileges")));
    J *env = jget(s, "process.env");
    assert_string_equal(json_object_get_string(json_object_array_get_idx(env, 0)),
                        "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
    assert_true(arr_has(env, "HOSTNAME=0123456789ab"));
    assert_true(arr_has(env, "container=libctr"));
    assert_true(arr_has(env, "HOME=/root"));
    assert_false(arr_has(env, "TERM=xterm"));
    assert_int_equal(jint(s, "process.user.uid"), 0);
    assert_int_equal(jint(s, "process.user.gid"), 0);
    assert_int_equal(jint(s, "process.user.umask"), 022);
    assert_null(jget(s, "process.user.additionalGids"));

    /* capabilities: podman's default set, effective for root */
    J *bnd = jget(s, "process.capabilities.bounding");
    assert_int_equal(arr_len(bnd), 11);
    const char *want[] = { "CAP_CHOWN",  "CAP_DAC_OVERRIDE", "CAP_FOWNER", "CAP_FSETID",
                           "CAP_KILL",   "CAP_NET_BIND_SERVICE", "CAP_SETFCAP", "CAP_SETGID",
                           "CAP_SETPCAP", "CAP_SETUID",      "CAP_SYS_CHROOT" };
    for (size_t i = 0; i < ARRAY_SIZE(want); i++) {
        assert_true(arr_has(bnd, want[i]));
        assert_true(arr_has(jget(s, "process.capabilities.effective"), want[i]));
        assert_true(arr_has(jget(s, "process.capabilities.permitted"), want[i]));
    }
    assert_false(arr_has(bnd, "CAP_SYS_ADMIN"));
    assert_int_equal(arr_len(jget(s, "process.capabilities.inheritable")), 0);
    assert_int_equal(arr_len(jget(s, "process.capabilities.ambient")), 0);

    /* rlimits: podman's, clamped to ours */
    uint64_t nofile = hard_limit(RLIMIT_NOFILE), nproc = hard_limit(RLIMIT_NPROC);
    if (nofile > CTR__RLIMIT_NOFILE_DEFAULT)
        nofile = CTR__RLIMIT_NOFILE_DEFAULT;
    if (nproc > CTR__RLIMIT_NPROC_DEFAULT)
        nproc = CTR__RLIMIT_NPROC_DEFAULT;
    assert_int_equal(jint(find_rlimit(s, "RLIMIT_NOFILE"), "hard"), (int64_t)nofile);
    assert_int_equal(jint(find_rlimit(s, "RLIMIT_NOFILE"), "soft"), (int64_t)nofile);
    assert_int_equal(jint(find_rlimit(s, "RLIMIT_NPROC"), "hard"), (int64_t)nproc);

    /* mounts, in parent-before-child order */
    const char *dests[] = { "/proc", "/dev", "/dev/pts", "/dev/mqueue", "/sys", "/sys/fs/cgroup", "/dev/shm" };
    for (size_t i = 0; i < ARRAY_SIZE(dests); i++) {
        size_t idx = 99;
        assert_non_null(find_mount(s, dests[i], &idx));
        assert_int_equal(idx, i);
    }
    assert_int_equal(arr_len(jget(s, "mounts")), ARRAY_SIZE(dests));
    J *shm = find_mount(s, "/dev/shm", NULL);
    assert_string_equal(jstr(shm, "type"), "tmpfs");
    assert_true(arr_has(jget(shm, "options"), "size=67108864"));
    assert_true(arr_has(jget(find_mount(s, "/sys", NULL), "options"), "ro"));
    assert_null(find_mount(s, "/tmp", NULL));
    assert_null(find_mount(s, "/etc/resolv.conf", NULL));

    /* linux */
    const char *ns[] = { "pid", "network", "ipc", "uts", "mount" };
    assert_int_equal(arr_len(jget(s, "linux.namespaces")), ARRAY_SIZE(ns));
    for (size_t i = 0; i < ARRAY_SIZE(ns); i++) {
        assert_non_null(find_ns(s, ns[i]));
        assert_null(jget(find_ns(s, ns[i]), "path"));
    }
    assert_null(find_ns(s, "user"));
    assert_null(find_ns(s, "cgroup"));
    char cg[256];
    snprintf(cg, sizeof cg, "/libctr_parent/libctr-%s", test_id);
    assert_string_equal(jstr(s, "linux.cgroupsPath"), cg);
    J *dev = json_object_array_get_idx(jget(s, "linux.resources.devices"), 0);
    assert_false(json_object_get_boolean(jget(dev, "allow")));
    assert_string_equal(jstr(dev, "access"), "rwm");
    assert_null(jget(s, "linux.devices"));
    assert_true(arr_has(jget(s, "linux.maskedPaths"), "/proc/kcore"));
    assert_true(arr_has(jget(s, "linux.maskedPaths"), "/sys/firmware"));
    assert_true(arr_has(jget(s, "linux.maskedPaths"), "/sys/dev/block"));
    assert_true(arr_has(jget(s, "linux.readonlyPaths"), "/proc/sys"));
    assert_true(arr_has(jget(s, "linux.readonlyPaths"), "/proc/sysrq-trigger"));
    assert_null(jget(s, "linux.mountLabel"));
    assert_null(jget(s, "process.selinuxLabel"));
#if HAVE_SECCOMP
    assert_non_null(jget(s, "linux.seccomp"));
#else
    assert_null(jget(s, "linux.seccomp"));
#endif

    assert_string_equal(jkey(jget(s, "annotations"), "io.container.manager"), "libctr");
    assert_string_equal(jkey(jget(s, "annotations"), "org.opencontainers.image.stopSignal"), "15");
    json_object_put(s);
}

/* ---- the user's spec as the base ---- */

static const char base_spec[] =
    "{\"ociVersion\": \"1.0.1\", \"hostname\": \"base-host\","
    " \"process\": {\"args\": [\"/bin/true\", \"x\"], \"env\": [\"FOO=bar\", \"PATH=/custom\"], \"cwd\": \"/srv\","
    "   \"rlimits\": [{\"type\": \"RLIMIT_CORE\", \"soft\": 0, \"hard\": 0}], \"oomScoreAdj\": 5},"
    " \"mounts\": [{\"destination\": \"/dev/shm\", \"type\": \"tmpfs\", \"source\": \"shm\", \"options\": [\"size=1k\"]},"
    "              {\"destination\": \"/data\", \"type\": \"bind\", \"source\": \"/tmp\", \"options\": [\"bind\"]}],"
    " \"annotations\": {\"a\": \"b\", \"io.container.manager\": \"mine\"},"
    " \"linux\": {\"namespaces\": [{\"type\": \"pid\"}, {\"type\": \"mount\"}], \"sysctl\": {\"kernel.msgmax\": \"8192\"}}}";

static void test_user_spec_base(void **state)
{
    struct ctr__config cfg;
    struct ctr__spec_ctx ctx;
    init_cfg(&cfg);
    cfg.spec_json = (char *)base_spec;
    init_ctx(&ctx);
    J *s = gen(&cfg, &ctx);

    assert_string_equal(jstr(s, "ociVersion"), "1.0.1");
    assert_string_equal(jstr(s, "hostname"), "base-host");
    assert_int_equal(arr_len(jget(s, "process.args")), 2);
    assert_string_equal(jstr(s, "process.cwd"), "/srv");
    assert_int_equal(jint(s, "process.oomScoreAdj"), 5);
    J *env = jget(s, "process.env");
    assert_true(arr_has(env, "FOO=bar"));
    assert_true(arr_has(env, "PATH=/custom"));
    assert_false(arr_has(env, "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"));
    assert_true(arr_has(env, "HOSTNAME=base-host"));
    assert_string_equal(jstr(s, "root.path"), rootfs);

    /* the user's /dev/shm in the default's place, /data after the defaults */
    size_t i_shm, i_data;
    J *shm = find_mount(s, "/dev/shm", &i_shm);
    assert_true(arr_has(jget(shm, "options"), "size=1k"));
    assert_non_null(find_mount(s, "/data", &i_data));
    assert_true(i_data > i_shm);
    assert_int_equal(i_data, arr_len(jget(s, "mounts")) - 1);
    assert_non_null(find_mount(s, "/proc", NULL));

    /* the user's namespace list is kept as given */
    assert_int_equal(arr_len(jget(s, "linux.namespaces")), 2);
    assert_null(find_ns(s, "network"));
    assert_string_equal(jkey(jget(s, "linux.sysctl"), "kernel.msgmax"), "8192");

    assert_non_null(find_rlimit(s, "RLIMIT_CORE"));
    assert_int_equal(jint(find_rlimit(s, "RLIMIT_CORE"), "hard"), 0);
    assert_non_null(find_rlimit(s, "RLIMIT_NOFILE"));
    assert_non_null(find_rlimit(s, "RLIMIT_NPROC"));

    assert_string_equal(jstr(s, "annotations.a"), "b");
    assert_string_equal(jkey(jget(s, "annotations"), "io.container.manager"), "mine");
    json_object_put(s);
}
