/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* OCI spec generation, user resolution, the default seccomp policy; and, as
 * root with runc, real containers run from the generated specs. */
#include <fcntl.h>
#include <inttypes.h>
#include <json-c/json.h>
#include <libctr/ctr-error.h>
#include <limits.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <linux/openat2.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <cmocka.h>

#include "base/caps.h"
#include "data/config.h"
#include "ctr-config.h"
#include "base/passwd.h"
#include "data/spec.h"
#include "base/util.h"

#ifndef SOURCE_ROOT
#define SOURCE_ROOT "."
#endif

/* The source tree: $SOURCE_ROOT (set by meson's test()), else the build-time define. */
static const char *source_root(void)
{
    const char *s = getenv("SOURCE_ROOT");
    return s && *s ? s : SOURCE_ROOT;
}

typedef json_object J;

static char *validator;       /* path of oci-validate, NULL when unavailable */
static char tmpdir[] = "/tmp/libctr-test-spec-XXXXXX";
static char rootfs[1024]; /* a rootfs with /etc/passwd and /etc/group only */
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

/* Run argv with stdout and stderr to the file @path; return the exit status or -1. */
static int run_to_file(char *const argv[], const char *path)
{
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644), n = open("/dev/null", O_RDONLY);
        if (fd < 0 || n < 0)
            _exit(126);
        dup2(n, 0);
        dup2(fd, 1);
        dup2(fd, 2);
        execvp(argv[0], argv);
        _exit(127);
    }
    int st;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
        ;
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

_unused_ static bool seccomp_has(J *spec, const char *name, const char *action)
{
    J *s = jget(spec, "linux.seccomp.syscalls");
    for (size_t i = 0; i < arr_len(s); i++) {
        J *e = json_object_array_get_idx(s, i);
        if (streq(jstr(e, "action"), action) && arr_has(jget(e, "names"), name))
            return true;
    }
    return false;
}

/* Our bounding set as a mask, and its size. */
static uint64_t bounding_mask(size_t *count)
{
    uint64_t m = 0;
    size_t n = 0;
    for (int c = 0; c <= ctr__cap_last_cap(); c++)
        if (prctl(PR_CAPBSET_READ, (unsigned long)c, 0, 0, 0) == 1) {
            m |= UINT64_C(1) << c;
            n++;
        }
    if (count)
        *count = n;
    return m;
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

/* ---- the config's fields win over the user's spec ---- */

static void test_overrides(void **state)
{
    struct ctr__config cfg;
    struct ctr__spec_ctx ctx;
    init_cfg(&cfg);
    cfg.spec_json = (char *)base_spec;
    cfg.command = (char *[]){ "/bin/echo", "hi", NULL };
    cfg.env = (char *[]){ "FOO=baz", "NEW=1", NULL };
    cfg.workdir = "/home/tester";
    cfg.user = "tester";
    cfg.hostname = "cfg-host";
    cfg.flags = CTR_CREATE_TERMINAL | CTR_CREATE_NO_NEW_PRIVS;
    init_ctx(&ctx);
    J *s = gen(&cfg, &ctx);

    J *args = jget(s, "process.args");
    assert_int_equal(arr_len(args), 2);
    assert_string_equal(json_object_get_string(json_object_array_get_idx(args, 0)), "/bin/echo");
    assert_string_equal(jstr(s, "process.cwd"), "/home/tester");
    assert_string_equal(jstr(s, "hostname"), "cfg-host");
    assert_true(json_object_get_boolean(jget(s, "process.terminal")));
    assert_true(json_object_get_boolean(jget(s, "process.noNewPrivileges")));
    J *env = jget(s, "process.env");
    assert_true(arr_has(env, "FOO=baz"));
    assert_false(arr_has(env, "FOO=bar"));
    assert_true(arr_has(env, "NEW=1"));
    assert_true(arr_has(env, "PATH=/custom"));
    assert_true(arr_has(env, "TERM=xterm"));
    assert_true(arr_has(env, "HOSTNAME=cfg-host"));
    assert_true(arr_has(env, "HOME=/home/tester"));

    assert_int_equal(jint(s, "process.user.uid"), 1000);
    assert_int_equal(jint(s, "process.user.gid"), 1000);
    /* podman's additionalGids: the primary group of the given user first */
    J *groups = jget(s, "process.user.additionalGids");
    assert_int_equal(arr_len(groups), 3);
    assert_int_equal(json_object_get_int(json_object_array_get_idx(groups, 0)), 1000);
    assert_int_equal(json_object_get_int(json_object_array_get_idx(groups, 1)), 100);
    assert_int_equal(json_object_get_int(json_object_array_get_idx(groups, 2)), 10);
    /* not root: the bounding set only */
    assert_int_equal(arr_len(jget(s, "process.capabilities.bounding")), 11);
    assert_int_equal(arr_len(jget(s, "process.capabilities.effective")), 0);
    assert_int_equal(arr_len(jget(s, "process.capabilities.permitted")), 0);
    json_object_put(s);

    /* an env entry the user gave already (HOME) is not replaced by the passwd one */
    init_cfg(&cfg);
    cfg.user = "tester";
    cfg.env = (char *[]){ "HOME=/elsewhere", NULL };
    s = gen(&cfg, &ctx);
    assert_true(arr_has(jget(s, "process.env"), "HOME=/elsewhere"));
    assert_false(arr_has(jget(s, "process.env"), "HOME=/home/tester"));
    json_object_put(s);

    /* a user spec's own process.user is kept when the config has none */
    init_cfg(&cfg);
    cfg.spec_json = "{\"ociVersion\": \"1.0.2\", \"process\": {\"cwd\": \"/\", \"user\": {\"uid\": 1000, \"gid\": 5}}}";
    s = gen(&cfg, &ctx);
    assert_int_equal(jint(s, "process.user.uid"), 1000);
    assert_int_equal(jint(s, "process.user.gid"), 5);
    assert_null(jget(s, "process.user.umask"));
    assert_true(arr_has(jget(s, "process.env"), "HOME=/home/tester"));
    assert_int_equal(arr_len(jget(s, "process.capabilities.effective")), 0);
    json_object_put(s);
}

/* ---- user resolution ---- */

struct user_case {
    const char *user;
    int ret;
    uid_t uid;
    gid_t gid;
    size_t ngroups;
    gid_t groups[2];
};

static void check_user(const char *root, const struct user_case *c)
{
    uid_t uid = 4242;
    gid_t gid = 4242, *groups = NULL;
    size_t n = 99;
    int r = ctr__user_resolve(root, c->user, &uid, &gid, &groups, &n);
    if (r != c->ret)
        fail_msg("user \"%s\": got %d (%s), want %d", c->user, r, ctr_error_last()->message, c->ret);
    if (r < 0) {
        assert_int_equal(uid, 4242); /* untouched on failure */
        assert_int_equal(n, 99);
        return;
    }
    if (uid != c->uid || gid != c->gid || n != c->ngroups)
        fail_msg("user \"%s\": got %u:%u (%zu groups), want %u:%u (%zu)", c->user, uid, gid, n, c->uid, c->gid,
                 c->ngroups);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(groups[i], c->groups[i]);
    free(groups);
}

static void test_user_resolution(void **state)
{
    static const struct user_case cases[] = {
        { "root", 0, 0, 0, 0, { 0 } },
        { "0", 0, 0, 0, 0, { 0 } },
        { "tester", 0, 1000, 1000, 2, { 100, 10 } },
        { "1000", 0, 1000, 1000, 2, { 100, 10 } },     /* a number with an entry: like its name */
        { "tester:wheel", 0, 1000, 10, 0, { 0 } },     /* explicit group: no supplementary ones */
        { "tester:4242", 0, 1000, 4242, 0, { 0 } },
        { "1000:100", 0, 1000, 100, 0, { 0 } },
        { "nobody:nogroup", 0, 65534, 65534, 0, { 0 } },
        { "4242", 0, 4242, 0, 0, { 0 } },              /* unknown number: gid 0 like runc */
        { "4242:users", 0, 4242, 100, 0, { 0 } },
        { "4242:77", 0, 4242, 77, 0, { 0 } },
        { "nohome", 0, 1001, 1001, 0, { 0 } },
        { "missing", -ENOENT, 0, 0, 0, { 0 } },
        { "missing:root", -ENOENT, 0, 0, 0, { 0 } },
        { "tester:missing", -ENOENT, 0, 0, 0, { 0 } },
        { "", -EINVAL, 0, 0, 0, { 0 } },
        { ":", -EINVAL, 0, 0, 0, { 0 } },
        { "tester:", -EINVAL, 0, 0, 0, { 0 } },
        { ":root", -EINVAL, 0, 0, 0, { 0 } },
        { "a:b:c", -EINVAL, 0, 0, 0, { 0 } },
        { "4294967295", -EINVAL, 0, 0, 0, { 0 } },
        { "99999999999999999999", -EINVAL, 0, 0, 0, { 0 } },
    };
    for (size_t i = 0; i < ARRAY_SIZE(cases); i++)
        check_user(rootfs, &cases[i]);

    /* the detail names the user and the file */
    assert_int_equal(ctr__user_resolve(rootfs, "ghost", NULL, NULL, NULL, NULL), -ENOENT);
    assert_string_equal(ctr_error_last()->message, "user ghost not found in /etc/passwd of the container");
    assert_int_equal(ctr__user_resolve(rootfs, "root:ghosts", NULL, NULL, NULL, NULL), -ENOENT);
    assert_string_equal(ctr_error_last()->message, "group ghosts not found in /etc/group of the container");

    /* home and name through the full lookup */
    struct ctr__user u = { 0 };
    assert_int_equal(ctr__user_lookup(rootfs, "1000", &u), 0);
    assert_string_equal(u.name, "tester");
    assert_string_equal(u.home, "/home/tester");
    ctr__user_done(&u);
    assert_int_equal(ctr__user_lookup(rootfs, "nohome", &u), 0);
    assert_string_equal(u.home, "/");
    ctr__user_done(&u);
    assert_int_equal(ctr__user_lookup(rootfs, "31337", &u), 0);
    assert_null(u.name);
    assert_null(u.home);
    ctr__user_done(&u);

    /* a rootfs without /etc: numbers only */
    char bare[PATH_MAX];
    make_dir(bare, sizeof bare, "bare");
    static const struct user_case bare_cases[] = {
        { "0", 0, 0, 0, 0, { 0 } },
        { "1000:1000", 0, 1000, 1000, 0, { 0 } },
        { "root", -ENOENT, 0, 0, 0, { 0 } },
        { "0:wheel", -ENOENT, 0, 0, 0, { 0 } },
    };
    for (size_t i = 0; i < ARRAY_SIZE(bare_cases); i++)
        check_user(bare, &bare_cases[i]);

    /* a spec for a rootfs without /etc/passwd still runs as root */
    struct ctr__config cfg;
    struct ctr__spec_ctx ctx;
    init_cfg(&cfg);
    init_ctx(&ctx);
    ctx.rootfs = bare;
    J *s = gen(&cfg, &ctx);
    assert_int_equal(jint(s, "process.user.uid"), 0);
    assert_true(arr_has(jget(s, "process.env"), "HOME=/"));
    json_object_put(s);

    /* an unknown user fails the whole generation with -ENOENT */
    init_ctx(&ctx);
    cfg.user = "ghost";
    char *json = NULL;
    assert_int_equal(ctr__spec_generate(&cfg, &ctx, &json), -ENOENT);
    assert_null(json);
}

/* Whether the kernel (or valgrind) has openat2: without it, lookups in the
 * rootfs refuse every symlink (-ELOOP) instead of resolving it inside. */
static bool have_openat2(void)
{
    struct open_how how = { .flags = O_PATH | O_CLOEXEC, .resolve = RESOLVE_IN_ROOT };
    int fd = (int)syscall(SYS_openat2, AT_FDCWD, "/", &how, sizeof how);
    if (fd >= 0)
        close(fd);
    return fd >= 0 || errno != ENOSYS;
}

/* A rootfs whose /etc/passwd or /etc/group leads outside must never read host files. */
static void test_hostile_rootfs(void **state)
{
    const bool in_root = have_openat2();
    char dir[1024], etc[2048], p[PATH_MAX];

    /* /etc/passwd -> /etc/shadow: resolved inside the rootfs, where there is none */
    make_dir(dir, sizeof dir, "hostile1");
    snprintf(etc, sizeof etc, "%s/etc", dir);
    assert_int_equal(ctr__mkdir_p(etc, 0755), 0);
    snprintf(p, sizeof p, "%s/passwd", etc);
    assert_int_equal(symlink("/etc/shadow", p), 0);
    snprintf(p, sizeof p, "%s/group", etc);
    assert_int_equal(symlink("/etc/group", p), 0);
    assert_int_equal(ctr__user_resolve(dir, "root", NULL, NULL, NULL, NULL), in_root ? -ENOENT : -ELOOP);
    /* /etc/group -> /etc/group is itself inside the root: a loop, never the host's file */
    assert_int_equal(ctr__user_resolve(dir, "0:root", NULL, NULL, NULL, NULL), -ELOOP);
    uid_t uid = 1;
    gid_t gid = 1;
    if (in_root) {
        assert_int_equal(ctr__user_resolve(dir, "0", &uid, &gid, NULL, NULL), 0);
        assert_int_equal(uid, 0);
        assert_int_equal(gid, 0);
    }

    /* /etc/passwd -> ../../../../etc/passwd: ".." stops at the root, so it points at itself */
    make_dir(dir, sizeof dir, "hostile2");
    snprintf(etc, sizeof etc, "%s/etc", dir);
    assert_int_equal(ctr__mkdir_p(etc, 0755), 0);
    snprintf(p, sizeof p, "%s/passwd", etc);
    assert_int_equal(symlink("../../../../../../../../etc/passwd", p), 0);
    assert_int_equal(ctr__user_resolve(dir, "root", NULL, NULL, NULL, NULL), -ELOOP);

    /* /etc -> /etc of the host */
    make_dir(dir, sizeof dir, "hostile3");
    snprintf(etc, sizeof etc, "%s/etc", dir);
    assert_int_equal(symlink("/etc", etc), 0);
    int r = ctr__user_resolve(dir, "root", NULL, NULL, NULL, NULL);
    assert_true(r == -ELOOP || r == -ENOENT);

    /* /etc/passwd -> a file of the rootfs: fine, that stays inside */
    make_dir(dir, sizeof dir, "hostile4");
    snprintf(etc, sizeof etc, "%s/etc", dir);
    assert_int_equal(ctr__mkdir_p(etc, 0755), 0);
    write_text(dir, "etc/real-passwd", "alice:x:7:8::/home/alice:/bin/sh\n");
    snprintf(p, sizeof p, "%s/passwd", etc);
    assert_int_equal(symlink("/etc/real-passwd", p), 0);
    if (in_root) {
        assert_int_equal(ctr__user_resolve(dir, "alice", &uid, &gid, NULL, NULL), 0);
        assert_int_equal(uid, 7);
        assert_int_equal(gid, 8);
    } else {
        assert_int_equal(ctr__user_resolve(dir, "alice", &uid, &gid, NULL, NULL), -ELOOP);
    }

    /* not a regular file: a directory, a FIFO (must not block), a device */
    make_dir(dir, sizeof dir, "hostile5/etc/passwd");
    snprintf(dir, sizeof dir, "%s/hostile5", tmpdir);
    assert_int_equal(ctr__user_resolve(dir, "root", NULL, NULL, NULL, NULL), -EINVAL);
    make_dir(dir, sizeof dir, "hostile6/etc");
    snprintf(p, sizeof p, "%s/passwd", dir);
    assert_int_equal(mkfifo(p, 0644), 0);
    snprintf(dir, sizeof dir, "%s/hostile6", tmpdir);
    assert_int_equal(ctr__user_resolve(dir, "root", NULL, NULL, NULL, NULL), -EINVAL);
    if (getuid() == 0) {
        make_dir(dir, sizeof dir, "hostile7/etc");
        snprintf(p, sizeof p, "%s/passwd", dir);
        assert_int_equal(mknod(p, S_IFCHR | 0644, makedev(1, 5)), 0); /* /dev/zero */
        snprintf(dir, sizeof dir, "%s/hostile7", tmpdir);
        assert_int_equal(ctr__user_resolve(dir, "root", NULL, NULL, NULL, NULL), -EINVAL);
    }

    /* too large */
    make_dir(dir, sizeof dir, "hostile8/etc");
    snprintf(p, sizeof p, "%s/passwd", dir);
    int fd = open(p, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
    assert_true(fd >= 0);
    assert_int_equal(ftruncate(fd, 17 << 20), 0);
    close(fd);
    snprintf(dir, sizeof dir, "%s/hostile8", tmpdir);
    assert_int_equal(ctr__user_resolve(dir, "root", NULL, NULL, NULL, NULL), -EFBIG);
}

/* ---- flags ---- */

static void test_read_only(void **state)
{
    struct ctr__config cfg;
    struct ctr__spec_ctx ctx;
    init_cfg(&cfg);
    cfg.flags = CTR_CREATE_READ_ONLY;
    init_ctx(&ctx);
    J *s = gen(&cfg, &ctx);
    assert_true(json_object_get_boolean(jget(s, "root.readonly")));
    const char *dirs[] = { "/run", "/tmp", "/var/tmp" };
    for (size_t i = 0; i < ARRAY_SIZE(dirs); i++) {
        J *m = find_mount(s, dirs[i], NULL);
        assert_non_null(m);
        assert_string_equal(jstr(m, "type"), "tmpfs");
    }
    json_object_put(s);

    /* a user spec's readonly root stays read-only */
    init_cfg(&cfg);
    cfg.spec_json = "{\"ociVersion\": \"1.0.2\", \"root\": {\"path\": \"elsewhere\", \"readonly\": true}}";
    s = gen(&cfg, &ctx);
    assert_true(json_object_get_boolean(jget(s, "root.readonly")));
    assert_string_equal(jstr(s, "root.path"), rootfs);
    json_object_put(s);
}

static void test_privileged(void **state)
{
    struct ctr__config cfg;
    struct ctr__spec_ctx ctx;
    init_cfg(&cfg);
    cfg.flags = CTR_CREATE_PRIVILEGED;
    /* the user's seccomp profile and masked paths give way to privileged */
    cfg.spec_json = "{\"ociVersion\": \"1.0.2\", \"linux\": {\"seccomp\": {\"defaultAction\": \"SCMP_ACT_ALLOW\"},"
                    " \"maskedPaths\": [\"/proc/kcore\"]}}";
    init_ctx(&ctx);
    J *s = gen(&cfg, &ctx);

    size_t nbnd;
    bounding_mask(&nbnd);
    J *bnd = jget(s, "process.capabilities.bounding");
    assert_int_equal(arr_len(bnd), nbnd);
    assert_true(arr_has(bnd, "CAP_SYS_ADMIN"));
    assert_true(arr_has(bnd, "CAP_NET_ADMIN"));
    assert_true(arr_has(jget(s, "process.capabilities.effective"), "CAP_SYS_ADMIN"));
    assert_null(jget(s, "linux.seccomp"));
    assert_null(jget(s, "linux.maskedPaths"));
    assert_null(jget(s, "linux.readonlyPaths"));
    assert_false(json_object_get_boolean(jget(s, "process.noNewPrivileges")));
    J *rules = jget(s, "linux.resources.devices");
    assert_int_equal(arr_len(rules), 1);
    assert_true(json_object_get_boolean(jget(json_object_array_get_idx(rules, 0), "allow")));
    assert_true(arr_has(jget(find_mount(s, "/sys", NULL), "options"), "rw"));
    assert_true(arr_has(jget(find_mount(s, "/sys/fs/cgroup", NULL), "options"), "rw"));

    /* the host's device nodes */
    J *devs = jget(s, "linux.devices");
    bool null_found = false;
    for (size_t i = 0; i < arr_len(devs); i++) {
        J *d = json_object_array_get_idx(devs, i);
        assert_string_not_equal(jstr(d, "path"), "/dev/console");
        if (streq(jstr(d, "path"), "/dev/null")) {
            null_found = true;
            assert_string_equal(jstr(d, "type"), "c");
            assert_int_equal(jint(d, "major"), 1);
            assert_int_equal(jint(d, "minor"), 3);
        }
    }
    assert_true(null_found);
    json_object_put(s);

    /* no-new-privileges when asked, privileged or not */
    cfg.flags = CTR_CREATE_PRIVILEGED | CTR_CREATE_NO_NEW_PRIVS;
    cfg.spec_json = NULL;
    s = gen(&cfg, &ctx);
    assert_true(json_object_get_boolean(jget(s, "process.noNewPrivileges")));
    json_object_put(s);
}

/* ---- namespaces and cgroups ---- */

static void test_namespaces(void **state)
{
    struct ctr__config cfg;
    struct ctr__spec_ctx ctx;
    init_cfg(&cfg);
    init_ctx(&ctx);
    ctx.ns_path[CTR_NS_NET] = "/proc/1/ns/net";
    ctx.ns_path[CTR_NS_UTS] = "/proc/1/ns/uts";
    ctx.ns_path[CTR_NS_CGROUP] = "/proc/1/ns/cgroup";
    J *s = gen(&cfg, &ctx);
    assert_string_equal(jstr(find_ns(s, "network"), "path"), "/proc/1/ns/net");
    assert_string_equal(jstr(find_ns(s, "uts"), "path"), "/proc/1/ns/uts");
    assert_string_equal(jstr(find_ns(s, "cgroup"), "path"), "/proc/1/ns/cgroup");
    assert_null(jget(find_ns(s, "pid"), "path"));
    assert_null(find_ns(s, "user"));
    assert_int_equal(arr_len(jget(s, "linux.namespaces")), 6);
    /* a joined UTS namespace: no hostname */
    assert_null(jget(s, "hostname"));
    for (size_t i = 0; i < arr_len(jget(s, "process.env")); i++)
        assert_false(strncmp(json_object_get_string(json_object_array_get_idx(jget(s, "process.env"), i)),
                             "HOSTNAME=", 9) == 0);
    json_object_put(s);

    /* with the user's list: set in place or added */
    cfg.spec_json = "{\"ociVersion\": \"1.0.2\", \"hostname\": \"h\", \"linux\": {\"namespaces\": "
                    "[{\"type\": \"pid\"}, {\"type\": \"network\"}, {\"type\": \"mount\"}]}}";
    memset(ctx.ns_path, 0, sizeof ctx.ns_path);
    ctx.ns_path[CTR_NS_NET] = "/run/netns/x";
    ctx.ns_path[CTR_NS_IPC] = "/proc/1/ns/ipc";
    s = gen(&cfg, &ctx);
    assert_int_equal(arr_len(jget(s, "linux.namespaces")), 4);
    assert_string_equal(jstr(find_ns(s, "network"), "path"), "/run/netns/x");
    assert_string_equal(jstr(find_ns(s, "ipc"), "path"), "/proc/1/ns/ipc");
    assert_string_equal(jstr(s, "hostname"), "h");
    json_object_put(s);

    /* relative paths and index 0 are refused */
    char *json = NULL;
    cfg.spec_json = NULL;
    ctx.ns_path[CTR_NS_NET] = "proc/1/ns/net";
    assert_int_equal(ctr__spec_generate(&cfg, &ctx, &json), -EINVAL);
    ctx.ns_path[CTR_NS_NET] = NULL;
    ctx.ns_path[0] = "/proc/1/ns/net";
    assert_int_equal(ctr__spec_generate(&cfg, &ctx, &json), -EINVAL);
    assert_null(json);
}

static void test_cgroups(void **state)
{
    struct ctr__config cfg;
    struct ctr__spec_ctx ctx;
    char want[256];
    init_cfg(&cfg);
    init_ctx(&ctx);
    cfg.cgroup_parent = "/custom/parent/";
    J *s = gen(&cfg, &ctx);
    snprintf(want, sizeof want, "/custom/parent/libctr-%s", test_id);
    assert_string_equal(jstr(s, "linux.cgroupsPath"), want);
    json_object_put(s);

    cfg.cgroup_parent = "/";
    s = gen(&cfg, &ctx);
    snprintf(want, sizeof want, "/libctr-%s", test_id);
    assert_string_equal(jstr(s, "linux.cgroupsPath"), want);
    json_object_put(s);

    ctx.cgroups_path = "/given/path";
    s = gen(&cfg, &ctx);
    assert_string_equal(jstr(s, "linux.cgroupsPath"), "/given/path");
    json_object_put(s);
}

/* ---- /dev/shm and host files ---- */

static void test_shm_and_files(void **state)
{
    struct ctr__config cfg;
    struct ctr__spec_ctx ctx;
    init_cfg(&cfg);
    init_ctx(&ctx);
    cfg.shm_size = 1 << 20;
    J *s = gen(&cfg, &ctx);
    J *shm = find_mount(s, "/dev/shm", NULL);
    assert_string_equal(jstr(shm, "type"), "tmpfs");
    assert_true(arr_has(jget(shm, "options"), "size=1048576"));
    assert_true(arr_has(jget(shm, "options"), "mode=1777"));
    json_object_put(s);

    ctx.shm_dir = "/run/libctr/containers/x/shm";
    ctx.resolv_conf = "/run/libctr/containers/x/resolv.conf";
    ctx.hosts = "/run/libctr/containers/x/hosts";
    ctx.hostname_file = "/run/libctr/containers/x/hostname";
    s = gen(&cfg, &ctx);
    shm = find_mount(s, "/dev/shm", NULL);
    assert_string_equal(jstr(shm, "type"), "bind");
    assert_string_equal(jstr(shm, "source"), "/run/libctr/containers/x/shm");
    assert_true(arr_has(jget(shm, "options"), "bind"));
    assert_string_equal(jstr(find_mount(s, "/etc/resolv.conf", NULL), "source"), ctx.resolv_conf);
    assert_string_equal(jstr(find_mount(s, "/etc/hosts", NULL), "source"), ctx.hosts);
    assert_string_equal(jstr(find_mount(s, "/etc/hostname", NULL), "source"), ctx.hostname_file);
    json_object_put(s);
}

/* ---- rlimits ---- */

/* In a child with a lowered RLIMIT_NOFILE hard limit; returns a failure count as exit code. */
static int rlimit_child(void)
{
    struct rlimit rl = { .rlim_cur = 1024, .rlim_max = 2048 };
    if (setrlimit(RLIMIT_NOFILE, &rl) < 0)
        return 100;
    static const struct {
        const char *spec;
        int64_t soft, hard;
    } cases[] = {
        { NULL, 2048, 2048 },
        { "{\"ociVersion\": \"1.0.2\", \"process\": {\"cwd\": \"/\", \"rlimits\": "
          "[{\"type\": \"RLIMIT_NOFILE\", \"soft\": 100000, \"hard\": 100000}]}}", 2048, 2048 },
        { "{\"ociVersion\": \"1.0.2\", \"process\": {\"cwd\": \"/\", \"rlimits\": "
          "[{\"type\": \"RLIMIT_NOFILE\", \"soft\": 10, \"hard\": 18446744073709551615}]}}", 10, 2048 },
        { "{\"ociVersion\": \"1.0.2\", \"process\": {\"cwd\": \"/\", \"rlimits\": "
          "[{\"type\": \"RLIMIT_NOFILE\", \"soft\": 500, \"hard\": 600}]}}", 500, 600 },
    };
    int bad = 0;
    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        struct ctr__config cfg;
        struct ctr__spec_ctx ctx;
        init_cfg(&cfg);
        init_ctx(&ctx);
        cfg.spec_json = (char *)cases[i].spec;
        char *json = NULL;
        if (ctr__spec_generate(&cfg, &ctx, &json) < 0)
            return 101;
        J *s = json_tokener_parse(json);
        free(json);
        J *nofile = find_rlimit(s, "RLIMIT_NOFILE");
        if (!nofile || json_object_get_int64(jget(nofile, "soft")) != cases[i].soft ||
            json_object_get_int64(jget(nofile, "hard")) != cases[i].hard) {
            fprintf(stderr, "case %zu: %s\n", i, json_object_to_json_string(nofile));
            bad++;
        }
        json_object_put(s);
    }
    return bad;
}

static void test_rlimits(void **state)
{
    /* valgrind keeps file descriptors for itself and lowers RLIMIT_NOFILE. */
    const char *vg = getenv("CTR_TEST_VALGRIND");
    if (vg && *vg == '1')
        skip();
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0)
        _exit(rlimit_child());
    int st;
    assert_int_equal(waitpid(pid, &st, 0), pid);
    assert_true(WIFEXITED(st));
    assert_int_equal(WEXITSTATUS(st), 0);

    /* an unknown type is refused, a malformed entry too */
    struct ctr__config cfg;
    struct ctr__spec_ctx ctx;
    init_cfg(&cfg);
    init_ctx(&ctx);
    char *json = NULL;
    cfg.spec_json = "{\"ociVersion\": \"1.0.2\", \"process\": {\"cwd\": \"/\", \"rlimits\": "
                    "[{\"type\": \"RLIMIT_BOGUS\", \"soft\": 1, \"hard\": 1}]}}";
    assert_int_equal(ctr__spec_generate(&cfg, &ctx, &json), -EINVAL);
    cfg.spec_json = "{\"ociVersion\": \"1.0.2\", \"process\": {\"cwd\": \"/\", \"rlimits\": [{\"type\": \"RLIMIT_CORE\"}]}}";
    assert_int_equal(ctr__spec_generate(&cfg, &ctx, &json), -EINVAL);
    assert_null(json);
}

/* ---- capabilities and seccomp ---- */

static void test_caps(void **state)
{
    char name[64];
    assert_int_equal(ctr__cap_name(0, name, sizeof name), 0);
    assert_string_equal(name, "CAP_CHOWN");
    assert_int_equal(ctr__cap_name(21, name, sizeof name), 0);
    assert_string_equal(name, "CAP_SYS_ADMIN");
    assert_int_equal(ctr__cap_name(200, name, sizeof name), -EINVAL);

    char **caps = NULL;
    assert_int_equal(ctr__caps_default(&caps), 0);
    assert_int_equal(ctr__strv_len((const char *const *)caps), 11);
    assert_string_equal(caps[0], "CAP_CHOWN");
    assert_string_equal(caps[10], "CAP_SYS_CHROOT");
    ctr__strv_free(caps);
    assert_int_equal(ctr__caps_all(&caps), 0);
    size_t nbnd;
    bounding_mask(&nbnd);
    assert_int_equal(ctr__strv_len((const char *const *)caps), nbnd);
    ctr__strv_free(caps);

    /* the user's capabilities are kept when not privileged */
    struct ctr__config cfg;
    struct ctr__spec_ctx ctx;
    init_cfg(&cfg);
    init_ctx(&ctx);
    cfg.spec_json = "{\"ociVersion\": \"1.0.2\", \"process\": {\"cwd\": \"/\", \"capabilities\": "
                    "{\"bounding\": [\"CAP_KILL\", \"CAP_SYS_ADMIN\"], \"effective\": [\"CAP_KILL\"]}}}";
    J *s = gen(&cfg, &ctx);
    assert_int_equal(arr_len(jget(s, "process.capabilities.bounding")), 2);
    assert_int_equal(arr_len(jget(s, "process.capabilities.effective")), 1);
#if HAVE_SECCOMP
    /* the seccomp rules follow the bounding set: CAP_SYS_ADMIN allows sethostname, no chroot */
    assert_true(seccomp_has(s, "sethostname", "SCMP_ACT_ALLOW"));
    assert_false(seccomp_has(s, "sethostname", "SCMP_ACT_ERRNO"));
    assert_true(seccomp_has(s, "chroot", "SCMP_ACT_ERRNO"));
    assert_false(seccomp_has(s, "chroot", "SCMP_ACT_ALLOW"));
#endif
    json_object_put(s);
}

#if defined(__x86_64__)
/* Whether this process runs under a seccomp filter (then an x32 probe could kill it). */
static bool under_seccomp(void)
{
    FILE *f = fopen("/proc/self/status", "re");
    char line[256];
    bool filtered = true;
    while (f && fgets(line, sizeof line, f))
        if (strncmp(line, "Seccomp:", 8) == 0) {
            filtered = strtol(line + 8, NULL, 10) != 0;
            break;
        }
    if (f)
        fclose(f);
    return filtered;
}
#endif

static void test_seccomp(void **state)
{
#if HAVE_SECCOMP
    struct ctr__config cfg;
    struct ctr__spec_ctx ctx;
    init_cfg(&cfg);
    init_ctx(&ctx);
    J *s = gen(&cfg, &ctx);
    J *sc = jget(s, "linux.seccomp");
    assert_non_null(sc);
    assert_string_equal(jstr(sc, "defaultAction"), "SCMP_ACT_ERRNO");
    assert_int_equal(jint(sc, "defaultErrnoRet"), 38);
#if defined(__x86_64__)
    J *arch = jget(sc, "architectures");
    assert_true(arr_has(arch, "SCMP_ARCH_X86_64"));
    assert_true(arr_has(arch, "SCMP_ARCH_X86"));
    /* x32 is listed exactly when this kernel can run x32 programs; the
     * library probes only outside any seccomp filter (so does the test). */
    if (!under_seccomp()) {
        long x32 = syscall(0x40000000L | SYS_getpid);
        bool kernel_x32 = !(x32 < 0 && errno == ENOSYS);
        assert_int_equal(arr_has(arch, "SCMP_ARCH_X32"), kernel_x32);
        assert_int_equal(arr_len(arch), kernel_x32 ? 3 : 2);
    }
    assert_true(seccomp_has(s, "arch_prctl", "SCMP_ACT_ALLOW"));
    assert_true(seccomp_has(s, "modify_ldt", "SCMP_ACT_ALLOW"));
    assert_false(seccomp_has(s, "cacheflush", "SCMP_ACT_ALLOW"));
#elif defined(__aarch64__)
    assert_true(arr_has(jget(sc, "architectures"), "SCMP_ARCH_ARM"));
    assert_true(seccomp_has(s, "cacheflush", "SCMP_ACT_ALLOW"));
#endif
    /* common calls allowed, obsolete ones EPERM, guarded ones by capability */
    assert_true(seccomp_has(s, "read", "SCMP_ACT_ALLOW"));
    assert_true(seccomp_has(s, "execve", "SCMP_ACT_ALLOW"));
    assert_true(seccomp_has(s, "clone", "SCMP_ACT_ALLOW"));
    assert_true(seccomp_has(s, "clone3", "SCMP_ACT_ALLOW"));
    assert_true(seccomp_has(s, "kexec_load", "SCMP_ACT_ERRNO"));
    assert_true(seccomp_has(s, "chroot", "SCMP_ACT_ALLOW"));    /* CAP_SYS_CHROOT is a default */
    assert_true(seccomp_has(s, "sethostname", "SCMP_ACT_ERRNO")); /* no CAP_SYS_ADMIN */
    assert_true(seccomp_has(s, "init_module", "SCMP_ACT_ERRNO"));
    assert_false(seccomp_has(s, "init_module", "SCMP_ACT_ALLOW"));
    assert_true(seccomp_has(s, "ptrace", "SCMP_ACT_ALLOW"));
    assert_true(seccomp_has(s, "kcmp", "SCMP_ACT_ERRNO"));
    assert_false(seccomp_has(s, "reboot", "SCMP_ACT_ERRNO"));

    /* errnoRet and argument filters */
    J *sys = jget(sc, "syscalls");
    size_t personas = 0, audit_rules = 0;
    for (size_t i = 0; i < arr_len(sys); i++) {
        J *e = json_object_array_get_idx(sys, i);
        if (streq(jstr(e, "action"), "SCMP_ACT_ERRNO"))
            assert_non_null(jget(e, "errnoRet"));
        if (arr_has(jget(e, "names"), "personality")) {
            personas++;
            assert_int_equal(arr_len(jget(e, "args")), 1);
            assert_string_equal(jstr(json_object_array_get_idx(jget(e, "args"), 0), "op"), "SCMP_CMP_EQ");
        }
        if (arr_has(jget(e, "names"), "socket") && streq(jstr(e, "action"), "SCMP_ACT_ERRNO")) {
            audit_rules++;
            assert_int_equal(jint(e, "errnoRet"), EINVAL);
            assert_int_equal(arr_len(jget(e, "args")), 2);
        }
    }
    assert_int_equal(personas, 5);
    assert_int_equal(audit_rules, 1);
    json_object_put(s);

    /* a user's profile is kept */
    cfg.spec_json = "{\"ociVersion\": \"1.0.2\", \"linux\": {\"seccomp\": {\"defaultAction\": \"SCMP_ACT_LOG\"}}}";
    s = gen(&cfg, &ctx);
    assert_string_equal(jstr(s, "linux.seccomp.defaultAction"), "SCMP_ACT_LOG");
    assert_null(jget(s, "linux.seccomp.syscalls"));
    json_object_put(s);

    /* the table directly: with every capability, the guarded calls are allowed */
    char **all = NULL;
    assert_int_equal(ctr__caps_all(&all), 0);
    J *p = NULL;
    assert_int_equal(ctr__seccomp_default_json((const char *const *)all, &p), 0);
    J *wrap = json_object_new_object();
    J *lin = json_object_new_object();
    json_object_object_add(wrap, "linux", lin);
    json_object_object_add(lin, "seccomp", p);
    assert_true(seccomp_has(wrap, "init_module", "SCMP_ACT_ALLOW"));
    assert_true(seccomp_has(wrap, "bpf", "SCMP_ACT_ALLOW"));
    assert_true(seccomp_has(wrap, "socket", "SCMP_ACT_ALLOW"));
    assert_false(seccomp_has(wrap, "init_module", "SCMP_ACT_ERRNO"));
    json_object_put(wrap);
    ctr__strv_free(all);
#else
    struct ctr__config cfg;
    struct ctr__spec_ctx ctx;
    init_cfg(&cfg);
    init_ctx(&ctx);
    J *s = gen(&cfg, &ctx);
    assert_null(jget(s, "linux.seccomp"));
    json_object_put(s);
#endif
}

/* ---- bad input ---- */

static void test_errors(void **state)
{
    struct ctr__config cfg;
    struct ctr__spec_ctx ctx;
    char *json = NULL;
    init_cfg(&cfg);
    init_ctx(&ctx);

    assert_int_equal(ctr__spec_generate(NULL, &ctx, &json), -EINVAL);
    assert_int_equal(ctr__spec_generate(&cfg, NULL, &json), -EINVAL);
    assert_int_equal(ctr__spec_generate(&cfg, &ctx, NULL), -EINVAL);
    ctx.rootfs = "relative/rootfs";
    assert_int_equal(ctr__spec_generate(&cfg, &ctx, &json), -EINVAL);
    init_ctx(&ctx);

    static const char *const bad_specs[] = {
        "{", "[1, 2]", "\"string\"", "{\"process\": []}", "{\"process\": {\"env\": \"x\"}}",
        "{\"process\": {\"env\": [1]}}", "{\"linux\": {\"namespaces\": {}}}", "{\"mounts\": [{\"type\": \"tmpfs\"}]}",
        "{\"root\": {\"readonly\": \"yes\"}}", "{\"ociVersion\": 1}", "{\"process\": {\"cwd\": \"relative\"}}",
    };
    for (size_t i = 0; i < ARRAY_SIZE(bad_specs); i++) {
        cfg.spec_json = (char *)bad_specs[i];
        int r = ctr__spec_generate(&cfg, &ctx, &json);
        if (r != -EINVAL)
            fail_msg("spec %s: got %d, want -EINVAL", bad_specs[i], r);
        assert_true(strlen(ctr_error_last()->message) > 0);
    }
    init_cfg(&cfg);
    cfg.workdir = "relative";
    assert_int_equal(ctr__spec_generate(&cfg, &ctx, &json), -EINVAL);
    init_cfg(&cfg);
    cfg.env = (char *[]){ "NOEQUALS", NULL };
    assert_int_equal(ctr__spec_generate(&cfg, &ctx, &json), -EINVAL);
    cfg.env = (char *[]){ "=value", NULL };
    assert_int_equal(ctr__spec_generate(&cfg, &ctx, &json), -EINVAL);
    assert_null(json);
}

/* ---- real containers with runc ---- */

struct runc_env {
    char *runc;
    char root[PATH_MAX];   /* runc --root */
    char rootfs[PATH_MAX]; /* busybox */
};

static char *find_runc(void)
{
    static const char *const dirs[] = { "/usr/sbin", "/usr/bin", "/sbin", "/bin", "/usr/local/sbin", "/usr/local/bin" };
    for (size_t i = 0; i < ARRAY_SIZE(dirs); i++) {
        char *p = ctr__asprintf("%s/runc", dirs[i]);
        if (p && access(p, X_OK) == 0)
            return p;
        free(p);
    }
    return NULL;
}

/* Write the spec of cfg/ctx to a new bundle; returns the bundle path (static buffer per call site). */
static void write_bundle(const struct ctr__config *cfg, const struct ctr__spec_ctx *ctx, const char *name,
                         char *bundle, size_t size)
{
    make_dir(bundle, size, name);
    char *json = NULL;
    int r = ctr__spec_generate(cfg, ctx, &json);
    if (r < 0)
        fail_msg("ctr__spec_generate: %s", ctr_error_last()->message);
    validate(json);
    write_text(bundle, "config.json", json);
    free(json);
}

static void runc_delete(struct runc_env *e, const char *id)
{
    run((char *const[]){ e->runc, "--root", e->root, "delete", "-f", (char *)id, NULL }, NULL, true);
}

/* Run a container in the foreground; returns its output (caller frees), fails on a non-zero status. */
static char *runc_run(struct runc_env *e, struct ctr__config *cfg, struct ctr__spec_ctx *ctx, const char *name)
{
    char bundle[PATH_MAX], id[128];
    write_bundle(cfg, ctx, name, bundle, sizeof bundle);
    snprintf(id, sizeof id, "libctr-spec-%d-%s", (int)getpid(), name);
    char *out = NULL;
    int st = run((char *const[]){ e->runc, "--root", e->root, "run", "--bundle", bundle, id, NULL }, &out, true);
    runc_delete(e, id);
    ctr__rm_rf(bundle);
    if (st != 0)
        fail_msg("runc run %s: status %d:\n%s", name, st, out ? out : "");
    assert_non_null(out);
    return out;
}

static void set_id(struct ctr__config *cfg, char *buf)
{
    assert_int_equal(ctr__random_id(buf), 0);
    cfg->id = buf;
}

static void expect(const char *out, const char *needle, const char *what)
{
    const char *text = out ? out : "";
    if (!strstr(text, needle))
        fail_msg("%s: \"%s\" not in the output:\n%s", what, needle, text);
}

static void test_runc(void **state)
{
    struct runc_env e = { .runc = find_runc() };
    if (getuid() != 0 || !e.runc) {
        free(e.runc);
        if (ci())
            fail_msg("CI=true: the runc checks need root and runc");
        skip();
    }
    char script[PATH_MAX];
    snprintf(e.rootfs, sizeof e.rootfs, "%s/busybox", tmpdir);
    snprintf(script, sizeof script, "%s/tests/lib/make-rootfs.sh", source_root());
    char *mk_out = NULL;
    int st = run((char *const[]){ "/bin/sh", script, e.rootfs, NULL }, &mk_out, true);
    if (st != 0) {
        if (!ci() && mk_out && strstr(mk_out, "busybox-static is not installed")) {
            free(mk_out);
            free(e.runc);
            skip();
        }
        fail_msg("make-rootfs.sh: status %d: %s", st, mk_out ? mk_out : "");
    }
    free(mk_out);
    make_dir(e.root, sizeof e.root, "runc-root");

    char id[65];
    struct ctr__config cfg;
    struct ctr__spec_ctx ctx;
    char *cmd[] = { "/bin/sh", "-c", "id; grep -E '^(Cap|Seccomp|NoNewPrivs)' /proc/self/status; ulimit -n", NULL };
    char hex[32], want[64];
    uint64_t nofile = hard_limit(RLIMIT_NOFILE);
    if (nofile > CTR__RLIMIT_NOFILE_DEFAULT)
        nofile = CTR__RLIMIT_NOFILE_DEFAULT;
    char nofile_line[32];
    snprintf(nofile_line, sizeof nofile_line, "\n%" PRIu64 "\n", nofile);

    /* default: root with podman's capabilities (0x800405fb), seccomp filter mode */
    init_cfg(&cfg);
    set_id(&cfg, id);
    cfg.command = cmd;
    init_ctx(&ctx);
    ctx.rootfs = e.rootfs;
    char *out = runc_run(&e, &cfg, &ctx, "default");
    expect(out, "uid=0(root) gid=0(root)", "default");
    expect(out, "CapEff:\t00000000800405fb", "default");
    expect(out, "CapBnd:\t00000000800405fb", "default");
    expect(out, "NoNewPrivs:\t0", "default");
#if HAVE_SECCOMP
    expect(out, "Seccomp:\t2", "default");
#endif
    expect(out, nofile_line, "default");
    free(out);

    /* privileged: every capability, no seccomp, host devices present */
    init_cfg(&cfg);
    set_id(&cfg, id);
    char *pcmd[] = { "/bin/sh", "-c",
                     "id; grep -E '^(Cap|Seccomp)' /proc/self/status; ulimit -n; test -c /dev/null && echo DEVOK; "
                     "touch /sys/.x 2>&1 | grep -q 'Read-only' && echo SYSRO || echo SYSRW",
                     NULL };
    cfg.command = pcmd;
    cfg.flags = CTR_CREATE_PRIVILEGED | CTR_CREATE_NO_NEW_PRIVS;
    out = runc_run(&e, &cfg, &ctx, "privileged");
    snprintf(hex, sizeof hex, "%016" PRIx64, bounding_mask(NULL));
    snprintf(want, sizeof want, "CapEff:\t%s", hex);
    expect(out, want, "privileged");
    expect(out, "Seccomp:\t0", "privileged");
    expect(out, "DEVOK", "privileged");
    expect(out, "SYSRW", "privileged");
    free(out);

    /* read-only root with writable tmpfs scratch dirs */
    init_cfg(&cfg);
    set_id(&cfg, id);
    char *rocmd[] = { "/bin/sh", "-c",
                      "touch /x 2>/dev/null && echo ROOT-RW || echo ROOT-RO; touch /tmp/y && echo TMP-RW; "
                      "touch /run/z && echo RUN-RW; touch /var/tmp/w && echo VARTMP-RW; hostname",
                      NULL };
    cfg.command = rocmd;
    cfg.flags = CTR_CREATE_READ_ONLY;
    out = runc_run(&e, &cfg, &ctx, "readonly");
    expect(out, "ROOT-RO", "read-only");
    expect(out, "TMP-RW", "read-only");
    expect(out, "RUN-RW", "read-only");
    expect(out, "VARTMP-RW", "read-only");
    char shortid[16];
    snprintf(shortid, sizeof shortid, "%.12s\n", id);
    expect(out, shortid, "read-only");
    free(out);

    /* user tester: uid, groups, no effective capabilities; /dev/shm size and env */
    init_cfg(&cfg);
    set_id(&cfg, id);
    char *ucmd[] = { "/bin/sh", "-c",
                     "id; grep -E '^Cap' /proc/self/status; echo HOME=$HOME; pwd; df -k /dev/shm | tail -n 1", NULL };
    cfg.command = ucmd;
    cfg.user = "tester";
    cfg.workdir = "/home/tester";
    cfg.shm_size = 8 << 20;
    out = runc_run(&e, &cfg, &ctx, "tester");
    expect(out, "uid=1000(tester) gid=1000(tester)", "tester");
    expect(out, "10(wheel)", "tester");
    expect(out, "100(users)", "tester");
    expect(out, "CapEff:\t0000000000000000", "tester");
    expect(out, "CapBnd:\t00000000800405fb", "tester");
    expect(out, "HOME=/home/tester", "tester");
    expect(out, "\n/home/tester\n", "tester");
    expect(out, " 8192 ", "tester");
    free(out);

    /* joined namespaces: a sleeper, then a container in its net and pid namespaces */
    char sleeper_id[128], bundle[PATH_MAX];
    init_cfg(&cfg);
    set_id(&cfg, id);
    char *scmd[] = { "/bin/sleep", "60", NULL };
    cfg.command = scmd;
    write_bundle(&cfg, &ctx, "sleeper", bundle, sizeof bundle);
    snprintf(sleeper_id, sizeof sleeper_id, "libctr-spec-%d-sleeper", (int)getpid());
    /* detached: its stdio goes to a file, a pipe would stay open as long as it runs */
    char log[PATH_MAX], pidfile[PATH_MAX];
    snprintf(log, sizeof log, "%s/sleeper.log", tmpdir);
    snprintf(pidfile, sizeof pidfile, "%s/sleeper.pid", tmpdir);
    st = run_to_file((char *const[]){ e.runc, "--root", e.root, "run", "-d", "--pid-file", pidfile, "--bundle", bundle,
                                      sleeper_id, NULL },
                     log);
    char *text = NULL;
    if (st != 0) {
        ctr__read_file_at(AT_FDCWD, log, &text, NULL);
        runc_delete(&e, sleeper_id);
        fail_msg("runc run -d sleeper: %d: %s", st, text ? text : "");
    }
    int pid = 0;
    if (ctr__read_file_at(AT_FDCWD, pidfile, &text, NULL) == 0) {
        pid = atoi(text);
        free(text);
    }
    if (pid <= 0) {
        runc_delete(&e, sleeper_id);
        fail_msg("no pid for the sleeper");
    }
    char net[64], pidns[64], host_net[128];
    snprintf(net, sizeof net, "/proc/%d/ns/net", pid);
    snprintf(pidns, sizeof pidns, "/proc/%d/ns/pid", pid);
    ssize_t n = readlink(net, host_net, sizeof host_net - 1);
    assert_true(n > 0);
    host_net[n] = '\0';

    char join_id[65];
    init_cfg(&cfg);
    set_id(&cfg, join_id);
    char *jcmd[] = { "/bin/sh", "-c", "readlink /proc/self/ns/net; ps -o pid,args", NULL };
    cfg.command = jcmd;
    struct ctr__spec_ctx jctx = ctx;
    jctx.ns_path[CTR_NS_NET] = net;
    jctx.ns_path[CTR_NS_PID] = pidns;
    out = runc_run(&e, &cfg, &jctx, "joined");
    runc_delete(&e, sleeper_id);
    ctr__rm_rf(bundle);
    expect(out, host_net, "joined net");
    expect(out, "sleep 60", "joined pid");
    free(out);
    free(e.runc);
}

/* ---- setup ---- */

static int setup(void **state)
{
    if (!mkdtemp(tmpdir))
        return -1;
    snprintf(rootfs, sizeof rootfs, "%s/rootfs", tmpdir);
    char etc[PATH_MAX];
    snprintf(etc, sizeof etc, "%s/etc", rootfs);
    if (ctr__mkdir_p(etc, 0755) < 0)
        return -1;
    write_text(rootfs, "etc/passwd", passwd_text);
    write_text(rootfs, "etc/group", group_text);

    /* tests/lib/oci-validate checks against the schemas Debian ships (scripts/setup.sh installs them). */
    const char *v = getenv("OCI_VALIDATE");
    validator = v && *v ? strdup(v) : ctr__asprintf("%s/tests/lib/oci-validate", source_root());
    const char *why = NULL;
    char *out = NULL;
    if (validator && access(validator, X_OK) != 0)
        why = "not found";
    else if (validator && run((char *const[]){ validator, "runtime-config", "/dev/null", NULL }, &out, true) == 2)
        why = "cannot run (schemas not installed?)";
    if (why) {
        fprintf(stderr, "%soci-validate %s at %s%s%s\n", ci() ? "" : "# ", why, validator, out ? ":\n" : "",
                out ? out : "");
        free(out);
        if (ci())
            return -1;
        fprintf(stderr, "# specs are not validated\n");
        free(validator);
        validator = NULL;
        return 0;
    }
    free(out);
    return 0;
}

/* The validator rejects a broken spec, so a passing validate() means something. */
static void test_validator(void **state)
{
    if (!validator)
        skip();
    write_text(tmpdir, "broken.json", "{\"ociVersion\": 5, \"root\": {\"path\": \"rootfs\"}}");
    char path[PATH_MAX], *out = NULL;
    snprintf(path, sizeof path, "%s/broken.json", tmpdir);
    int st = run((char *const[]){ validator, "runtime-config", path, NULL }, &out, true);
    if (st != 1 || !out || !strstr(out, "ociVersion"))
        fail_msg("oci-validate accepted {\"ociVersion\": 5} (status %d):\n%s", st, out ? out : "");
    free(out);
    /* The smallest valid spec passes: the schemas' cross references resolve locally. */
    write_text(tmpdir, "minimal.json",
               "{\"ociVersion\": \"1.0.2\", \"root\": {\"path\": \"rootfs\"}, "
               "\"linux\": {\"namespaces\": [{\"type\": \"mount\"}]}}");
    snprintf(path, sizeof path, "%s/minimal.json", tmpdir);
    out = NULL;
    st = run((char *const[]){ validator, "runtime-config", path, NULL }, &out, true);
    if (st != 0)
        fail_msg("oci-validate rejected a minimal spec (status %d):\n%s", st, out ? out : "");
    free(out);
}

static int teardown(void **state)
{
    ctr__rm_rf(tmpdir);
    free(validator);
    return 0;
}

/* The security and process parts of the config (cfg->security, cfg->process). */
static void test_security_process(void **state)
{
    (void)state;
    struct ctr__config cfg;
    struct ctr__spec_ctx ctx;
    init_cfg(&cfg);
    init_ctx(&ctx);
    char *cmd[] = { "/bin/true", NULL }, *ep[] = { "/bin/echo", "x", NULL };
    char *add[] = { "CAP_NET_ADMIN", NULL }, *drop[] = { "CAP_CHOWN", NULL }, *groups[] = { "wheel", "20", NULL };
    char *sysctls[] = { "net.ipv4.ip_forward=1", NULL }, *ann[] = { "a=b", NULL }, *mask[] = { "/secret", NULL };
    char *unmask[] = { "/proc/keys", NULL }, *none[] = { NULL };
    cfg.command = cmd;
    cfg.user = "tester";
    cfg.flags = CTR_CREATE_INIT;
    cfg.security = (struct ctr__security){ .cap_add = add, .cap_drop = drop, .seccomp_profile = "unconfined",
                                           .mask_paths = mask, .unmask_paths = unmask, .group_add = groups,
                                           .sysctls = sysctls };
    cfg.process = (struct ctr__process){ .entrypoint = ep, .umask = "0077", .timezone = "local", .annotations = ann,
                                         .domainname = "example.org" };
    J *s = gen(&cfg, &ctx);
    J *args = jget(s, "process.args");
    assert_int_equal(arr_len(args), 5);
    assert_string_equal(json_object_get_string(json_object_array_get_idx(args, 0)), "/run/podman-init");
    assert_string_equal(json_object_get_string(json_object_array_get_idx(args, 1)), "--");
    assert_string_equal(json_object_get_string(json_object_array_get_idx(args, 2)), "/bin/echo");
    assert_string_equal(json_object_get_string(json_object_array_get_idx(args, 4)), "/bin/true");
    J *m = find_mount(s, "/run/podman-init", NULL);
    assert_non_null(m);
    assert_string_equal(jstr(m, "source"), "/usr/bin/catatonit");
    assert_true(arr_has(jget(m, "options"), "ro"));
    assert_non_null(m = find_mount(s, "/etc/localtime", NULL));
    assert_string_equal(jstr(m, "source"), "/etc/localtime");
    /* a non-root user: the added capability only, in the four sets */
    assert_true(arr_has(jget(s, "process.capabilities.bounding"), "CAP_NET_ADMIN"));
    assert_false(arr_has(jget(s, "process.capabilities.bounding"), "CAP_CHOWN"));
    assert_int_equal(arr_len(jget(s, "process.capabilities.effective")), 1);
    assert_true(arr_has(jget(s, "process.capabilities.ambient"), "CAP_NET_ADMIN"));
    /* podman's additionalGids: the primary group, the added ones, the user's */
    J *g = jget(s, "process.user.additionalGids");
    int64_t want[] = { 1000, 10, 20, 100 };
    assert_int_equal(arr_len(g), ARRAY_SIZE(want));
    for (size_t i = 0; i < ARRAY_SIZE(want); i++)
        assert_int_equal(json_object_get_int64(json_object_array_get_idx(g, i)), want[i]);
    assert_int_equal(jint(s, "process.user.umask"), 077);
    assert_null(jget(s, "linux.seccomp"));
    J *sc = jget(s, "linux.sysctl");
    assert_non_null(sc);
    assert_string_equal(jkey(sc, "net.ipv4.ip_forward"), "1");
    assert_string_equal(jkey(sc, "net.ipv4.ping_group_range"), "0 0");
    assert_true(arr_has(jget(s, "linux.maskedPaths"), "/secret"));
    assert_false(arr_has(jget(s, "linux.maskedPaths"), "/proc/keys"));
    assert_string_equal(jstr(s, "domainname"), "example.org");
    J *a = jget(s, "annotations");
    assert_string_equal(jkey(a, "a"), "b");
    assert_string_equal(jkey(a, "io.podman.annotations.init"), "TRUE");
    assert_null(jget(s, "process.apparmorProfile"));
    json_object_put(s);

    /* an unknown group name fails, naming it */
    char *bad_groups[] = { "nosuch", NULL };
    cfg.security.group_add = bad_groups;
    char *json = NULL;
    assert_int_equal(ctr__spec_generate(&cfg, &ctx, &json), -ENOENT);
    assert_non_null(strstr(ctr_error_last()->message, "nosuch"));
    assert_null(json);

    /* a profile: converted for the bounding set; the host network: no default sysctl */
    cfg.security = (struct ctr__security){ .seccomp_profile = "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":["
                                                              "{\"names\":[\"mkdir\"],\"action\":\"SCMP_ACT_ERRNO\","
                                                              "\"errnoRet\":1,\"includes\":{\"caps\":[\"CAP_CHOWN\"]}}]}",
                                           .group_add = none };
    cfg.user = NULL;
    cfg.flags = 0;
    ctx.ns_host[CTR_NS_NET] = true;
    s = gen(&cfg, &ctx);
    assert_string_equal(jstr(s, "linux.seccomp.defaultAction"), "SCMP_ACT_ALLOW");
    assert_int_equal(arr_len(jget(s, "linux.seccomp.syscalls")), 1);
    assert_null(jget(s, "linux.sysctl"));
    assert_null(find_mount(s, "/run/podman-init", NULL));
    json_object_put(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults),       cmocka_unit_test(test_user_spec_base),
        cmocka_unit_test(test_overrides),      cmocka_unit_test(test_user_resolution),
        cmocka_unit_test(test_hostile_rootfs), cmocka_unit_test(test_read_only),
        cmocka_unit_test(test_privileged),     cmocka_unit_test(test_namespaces),
        cmocka_unit_test(test_cgroups),        cmocka_unit_test(test_shm_and_files),
        cmocka_unit_test(test_rlimits),        cmocka_unit_test(test_caps),
        cmocka_unit_test(test_seccomp),        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_runc),           cmocka_unit_test(test_validator),
        cmocka_unit_test(test_security_process),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
