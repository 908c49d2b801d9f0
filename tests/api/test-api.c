/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The public API as data: runtime, create, lookup, list, getters, artifacts,
 * batch, remove — against every state backend, through the real libctr.so. */
#include <errno.h>
#include <stdbool.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "test-helpers.h"
#include "backend-dir.h"

struct fixture {
    struct test_root t;
    ctr_runtime_t *rt;
    const char *backend;
};

static int setup(void **state)
{
    const char *backend = *state;
    struct fixture *f = calloc(1, sizeof *f);
    f->backend = backend;
    test_root_make(&f->t);
    f->rt = test_runtime(&f->t, backend);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    const char *backend = f->backend;
    ctr_runtime_unref(f->rt);
    test_root_remove(&f->t);
    free(f);
    *state = (void *)backend;
    return 0;
}

static size_t count(ctr_runtime_t *rt)
{
    ctr_container_t **l = NULL;
    size_t n = 0;
    assert_ctr_ok(ctr_runtime_list(rt, NULL, NULL, &l, &n));
    ctr_container_list_free(l, n);
    return n;
}

static char *containers_dir(struct fixture *f)
{
    static char buf[128];
    snprintf(buf, sizeof buf, "%s/containers", f->t.root);
    return buf;
}

/* ---- runtime ---- */

static void test_runtime_open(void **state)
{
    struct fixture *f = *state;
    assert_string_equal(ctr_runtime_root(f->rt), f->t.root);
    assert_string_equal(ctr_runtime_run_root(f->rt), f->t.run_root);
    assert_string_equal(ctr_runtime_state_backend(f->rt), f->backend);
    assert_int_equal(strlen(ctr_runtime_boot_id(f->rt)), 36);
    assert_non_null(ctr_runtime_oci_runtime(f->rt));
    struct stat st;
    assert_int_equal(stat(f->t.root, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0700);
    assert_int_equal(stat(f->t.run_root, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0700);
    /* The refcount keeps it open. */
    assert_ptr_equal(ctr_runtime_ref(f->rt), f->rt);
    assert_null(ctr_runtime_unref(f->rt));
    assert_null(ctr_runtime_unref(NULL));
    assert_null(ctr_runtime_ref(NULL));
}

static void test_runtime_bad_options(void **state)
{
    struct fixture *f = *state;
    ctr_runtime_t *rt = (ctr_runtime_t *)0x1;
    assert_ctr_err(ctr_runtime_new(NULL, NULL), -EINVAL);
    ctr_runtime_options_t o = CTR_RUNTIME_OPTIONS_INIT;
    o.version = 99;
    assert_ctr_err(ctr_runtime_new(&rt, &o), -EINVAL);
    assert_ptr_equal(rt, (ctr_runtime_t *)0x1); /* untouched on failure */
    o.version = CTR_RUNTIME_OPTIONS_VERSION;
    o.root = "relative/path";
    assert_ctr_err(ctr_runtime_new(&rt, &o), -EINVAL);
    o.root = f->t.root;
    o.run_root = f->t.run_root;
    o.state_backend = "nosuch";
    assert_ctr_err(ctr_runtime_new(&rt, &o), -EINVAL);
    o.state_backend = f->backend;
    o.flags = 1;
    assert_ctr_err(ctr_runtime_new(&rt, &o), -EINVAL);
    o.flags = 0;
    o.storage_driver = "btrfs";
    assert_ctr_err(ctr_runtime_new(&rt, &o), -EINVAL);
    o.storage_driver = NULL;
    o.oci_runtime = "bin/runc";
    assert_ctr_err(ctr_runtime_new(&rt, &o), -EINVAL);
    assert_ctr_err(ctr_runtime_options_init(NULL, 1), -EINVAL);
    assert_ctr_err(ctr_runtime_options_init(&o, 0), -EINVAL);
    assert_ctr_ok(ctr_runtime_options_init(&o, CTR_RUNTIME_OPTIONS_VERSION));
    assert_int_equal(o.version, CTR_RUNTIME_OPTIONS_VERSION);
    assert_null(o.root);
}

static void test_runtime_foreign_root(void **state)
{
    struct fixture *f = *state;
    if (geteuid() != 0)
        skip();
    char dir[160];
    snprintf(dir, sizeof dir, "%s/foreign", f->t.root);
    assert_int_equal(mkdir(dir, 0700), 0);
    assert_int_equal(chown(dir, 4242, 4242), 0);
    ctr_runtime_options_t o = CTR_RUNTIME_OPTIONS_INIT;
    o.root = dir;
    o.run_root = f->t.run_root;
    o.state_backend = f->backend;
    ctr_runtime_t *rt = NULL;
    assert_ctr_err(ctr_runtime_new(&rt, &o), -EACCES);
    assert_non_null(strstr(ctr_error_last()->message, "owned by uid 4242"));
    assert_null(rt);
    /* A world-writable root is refused too. */
    assert_int_equal(chown(dir, 0, 0), 0);
    assert_int_equal(chmod(dir, 0777), 0);
    assert_ctr_err(ctr_runtime_new(&rt, &o), -EACCES);
}

static void test_boot_id_recorded(void **state)
{
    struct fixture *f = *state;
    char path[300], buf[64] = "";
    snprintf(path, sizeof path, "%s/alive", f->t.run_root);
    FILE *fp = fopen(path, "r");
    assert_non_null(fp);
    assert_non_null(fgets(buf, sizeof buf, fp));
    fclose(fp);
    assert_string_equal(buf, ctr_runtime_boot_id(f->rt));
}

/* ---- create ---- */

static void test_create_defaults(void **state)
{
    struct fixture *f = *state;
    ctr_container_t *c = test_container_on_root(f->rt, "alpha");
    const char *id = ctr_container_id(c);
    assert_int_equal(strlen(id), 64);
    for (const char *p = id; *p; p++)
        assert_true((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f'));
    assert_string_equal(ctr_container_name(c), "alpha");
    ctr_state_t st = CTR_STATE_UNKNOWN;
    assert_ctr_ok(ctr_container_state(c, &st));
    assert_int_equal(st, CTR_STATE_CONFIGURED);
    assert_string_equal(ctr_state_name(st), "configured");
    assert_string_equal(ctr_container_rootfs(c), "/");
    assert_int_equal(ctr_container_stop_signal(c), SIGTERM);
    assert_int_equal(ctr_container_stop_timeout(c), 10);
    assert_int_equal(ctr_container_shm_size(c), 64LL * 1024 * 1024);
    assert_string_equal(ctr_container_cgroup_parent(c), "/libctr_parent");
    assert_non_null(strstr(ctr_container_log_path(c), id));
    assert_non_null(strstr(ctr_container_static_dir(c), id));
    assert_non_null(strstr(ctr_container_shm_dir(c), f->t.run_root));
    int64_t created = ctr_container_created(c);
    assert_true(created > 1700000000LL * 1000000000LL);
    assert_null(ctr_container_pod(c));
    assert_null(ctr_container_user(c));
    assert_string_equal(ctr_container_command(c)[0], "/bin/true");
    assert_null(ctr_container_env(c)[0]);
    assert_null(ctr_container_dns_servers(c)[0]);
    assert_int_equal(ctr_container_port_mappings(c, NULL), 0);
    pid_t pid = 1;
    int code = 0, oom = 1, mounted = 1;
    int64_t t = 1;
    char *mp = (char *)0x1;
    assert_ctr_ok(ctr_container_pid(c, &pid));
    assert_int_equal(pid, 0);
    assert_ctr_ok(ctr_container_exit_code(c, &code));
    assert_int_equal(code, -1);
    assert_ctr_ok(ctr_container_oom_killed(c, &oom));
    assert_int_equal(oom, 0);
    assert_ctr_ok(ctr_container_started_at(c, &t));
    assert_int_equal(t, 0);
    assert_ctr_ok(ctr_container_finished_at(c, &t));
    assert_int_equal(t, 0);
    assert_ctr_ok(ctr_container_mounted(c, &mounted, &mp));
    assert_int_equal(mounted, 0);
    assert_null(mp);
    /* A second handle sees the same container. */
    ctr_container_t *d = NULL;
    assert_ctr_ok(ctr_runtime_lookup(f->rt, "alpha", &d));
    assert_string_equal(ctr_container_id(d), id);
    assert_int_equal(ctr_container_created(d), created);
    ctr_container_unref(d);
    ctr_container_unref(c);
}

static void test_create_all_fields(void **state)
{
    struct fixture *f = *state;
    ctr_container_t *base = test_container_on_root(f->rt, "base");
    const char *cmd[] = { "/bin/sh", "-c", "echo hi", NULL };
    const char *env[] = { "A=1", "B=two=2", NULL };
    const char *labels[] = { "zeta=last", "alpha=first", "empty=", NULL };
    const char *dns[] = { "192.0.2.1", NULL };
    const char *search[] = { "example.test", NULL };
    const char *dnsopt[] = { "ndots:2", NULL };
    const char *hosts[] = { "db:192.0.2.7", NULL };
    ctr_port_mapping_t ports[] = { { "127.0.0.1", 8080, 80, NULL }, { NULL, 5353, 53, "udp" } };
    ctr_container_options_t o = CTR_CONTAINER_OPTIONS_INIT;
    o.name = "full.name_1-x";
    o.rootfs = "/srv/rootfs";
    o.command = cmd;
    o.env = env;
    o.workdir = "/work";
    o.user = "tester:wheel";
    o.hostname = "box";
    o.flags = CTR_CREATE_READ_ONLY | CTR_CREATE_NO_NEW_PRIVS | CTR_CREATE_STDIN | CTR_CREATE_TERMINAL |
              CTR_CREATE_NETNS;
    o.shm_size = 1 << 20;
    o.ns_ctr[CTR_NS_PID] = "base";
    o.ns_ctr[CTR_NS_IPC] = ctr_container_id(base);
    o.port_mappings = ports;
    o.n_port_mappings = 2;
    o.dns_servers = dns;
    o.dns_search = search;
    o.dns_options = dnsopt;
    o.hosts_add = hosts;
    o.labels = labels;
    o.stop_signal = SIGINT;
    o.stop_timeout = 0;
    o.cgroup_parent = "/mine";
    o.log_path = "/var/log/x.log";
    o.spec_json = "{\"ociVersion\":\"1.0.2\",\"annotations\":{\"k\":\"v\"}}";
    ctr_container_t *c = NULL;
    assert_ctr_ok(ctr_container_create(&c, f->rt, &o));

    /* Read it back through a fresh runtime, so everything went through the backend. */
    ctr_runtime_t *rt2 = test_runtime(&f->t, f->backend);
    ctr_container_t *r = NULL;
    assert_ctr_ok(ctr_runtime_lookup(rt2, "full.name_1-x", &r));
    assert_string_equal(ctr_container_rootfs(r), "/srv/rootfs");
    assert_string_equal(ctr_container_command(r)[2], "echo hi");
    assert_string_equal(ctr_container_env(r)[1], "B=two=2");
    assert_string_equal(ctr_container_workdir(r), "/work");
    assert_string_equal(ctr_container_user(r), "tester:wheel");
    assert_string_equal(ctr_container_hostname(r), "box");
    assert_null(ctr_container_pod(r));
    assert_int_equal(ctr_container_flags(r), o.flags);
    assert_int_equal(ctr_container_shm_size(r), 1 << 20);
    assert_string_equal(ctr_container_ns_ctr(r, CTR_NS_PID), ctr_container_id(base));
    assert_string_equal(ctr_container_ns_ctr(r, CTR_NS_IPC), ctr_container_id(base));
    assert_null(ctr_container_ns_ctr(r, CTR_NS_NET));
    assert_null(ctr_container_ns_ctr(r, (ctr_ns_t)0));
    assert_null(ctr_container_ns_ctr(r, (ctr_ns_t)CTR_NS_MAX));
    const ctr_port_mapping_t *pm = NULL;
    assert_int_equal(ctr_container_port_mappings(r, &pm), 2);
    assert_string_equal(pm[0].host_ip, "127.0.0.1");
    assert_int_equal(pm[0].host_port, 8080);
    assert_int_equal(pm[0].container_port, 80);
    assert_string_equal(pm[0].protocol, "tcp");
    assert_null(pm[1].host_ip);
    assert_string_equal(pm[1].protocol, "udp");
    assert_string_equal(ctr_container_dns_servers(r)[0], "192.0.2.1");
    assert_string_equal(ctr_container_dns_search(r)[0], "example.test");
    assert_string_equal(ctr_container_dns_options(r)[0], "ndots:2");
    assert_string_equal(ctr_container_hosts_add(r)[0], "db:192.0.2.7");
    assert_string_equal(ctr_container_label(r, "alpha"), "first");
    assert_string_equal(ctr_container_label(r, "empty"), "");
    assert_null(ctr_container_label(r, "alph"));
    char **lv = NULL;
    assert_ctr_ok(ctr_container_labels(r, &lv));
    assert_string_equal(lv[0], "alpha=first");
    assert_string_equal(lv[1], "empty=");
    assert_string_equal(lv[2], "zeta=last");
    assert_null(lv[3]);
    ctr_strv_free(lv);
    assert_int_equal(ctr_container_stop_signal(r), SIGINT);
    assert_int_equal(ctr_container_stop_timeout(r), 0);
    assert_string_equal(ctr_container_cgroup_parent(r), "/mine");
    assert_string_equal(ctr_container_log_path(r), "/var/log/x.log");
    assert_int_equal(ctr_container_created(r), ctr_container_created(c));
    char *spec = NULL, *cfg = NULL, *stj = NULL;
    assert_ctr_ok(ctr_container_spec_json(r, &spec));
    assert_non_null(strstr(spec, "\"annotations\""));
    assert_ctr_ok(ctr_container_config_json(r, &cfg));
    assert_non_null(strstr(cfg, "\"pidNsCtr\""));
    assert_non_null(strstr(cfg, "\"spec\""));
    assert_ctr_ok(ctr_container_state_json(r, &stj));
    assert_non_null(strstr(stj, "\"state\":\"configured\""));
    ctr_free(spec);
    ctr_free(cfg);
    ctr_free(stj);

    /* Dependencies: each namespace maps to its own container, deduplicated
     * (the seed mapped PID to the network container and crashed on test_container_on_root()). */
    char **deps = NULL;
    assert_ctr_ok(ctr_container_dependencies(r, &deps));
    assert_string_equal(deps[0], ctr_container_id(base));
    assert_null(deps[1]);
    ctr_strv_free(deps);
    assert_ctr_ok(ctr_container_dependencies(base, &deps));
    assert_null(deps[0]);
    ctr_strv_free(deps);

    ctr_container_unref(r);
    ctr_runtime_unref(rt2);
    ctr_container_unref(c);
    ctr_container_unref(base);
}

static void test_dependencies_pid_only(void **state)
{
    struct fixture *f = *state;
    ctr_container_t *a = test_container_on_root(f->rt, "pidowner");
    ctr_container_t *b = test_container_on_root(f->rt, "netowner");
    ctr_container_options_t o = CTR_CONTAINER_OPTIONS_INIT;
    o.rootfs = "/";
    o.ns_ctr[CTR_NS_PID] = "pidowner";
    o.ns_ctr[CTR_NS_NET] = "netowner";
    ctr_container_t *c = NULL;
    assert_ctr_ok(ctr_container_create(&c, f->rt, &o));
    char **deps = NULL;
    assert_ctr_ok(ctr_container_dependencies(c, &deps));
    /* ns order: NET (3) before PID (4). */
    assert_string_equal(deps[0], ctr_container_id(b));
    assert_string_equal(deps[1], ctr_container_id(a));
    assert_null(deps[2]);
    ctr_strv_free(deps);
    ctr_container_unref(c);
    ctr_container_unref(a);
    ctr_container_unref(b);
}

/* A state document that does not parse (files backend: the file is
 * there to truncate) leaves the container listed as unknown with the
 * reason; it can be read and removed, nothing else. */
static void test_damaged_record(void **state)
{
    struct fixture *f = *state;
    if (strcmp(f->backend, "files") != 0)
        skip(); /* the tdb case is in tests/integration/test-damage.sh */
    ctr_container_options_t o = CTR_CONTAINER_OPTIONS_INIT;
    o.rootfs = "/";
    o.name = "damaged";
    ctr_container_t *c = NULL, *ok = NULL;
    assert_ctr_ok(ctr_container_create(&c, f->rt, &o));
    o.name = "healthy";
    assert_ctr_ok(ctr_container_create(&ok, f->rt, &o));
    assert_null(ctr_container_damage(c));
    char path[512];
    snprintf(path, sizeof path, "%s/state/files/ctr/%s/state.json", f->t.root, ctr_container_id(c));
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    fputs("{\"state\":", fp);
    fclose(fp);

    ctr_state_t st = CTR_STATE_RUNNING;
    assert_ctr_ok(ctr_container_state(c, &st));
    assert_int_equal(st, CTR_STATE_UNKNOWN);
    assert_non_null(ctr_container_damage(c));
    assert_non_null(strstr(ctr_container_damage(c), "container state"));
    assert_ctr_err(ctr_container_start(c), -EUCLEAN);
    assert_non_null(strstr(ctr_error_last()->message, "damaged record"));

    ctr_container_t **list = NULL;
    size_t n = 0;
    assert_ctr_ok(ctr_runtime_list(f->rt, NULL, NULL, &list, &n));
    assert_int_equal(n, 2);
    ctr_container_list_free(list, n);
    assert_ctr_ok(ctr_container_remove(c, 0));
    assert_ctr_ok(ctr_container_state(ok, &st));
    assert_int_equal(st, CTR_STATE_CONFIGURED);
    assert_null(ctr_container_damage(ok));
    assert_ctr_ok(ctr_container_remove(ok, 0));
    ctr_container_unref(c);
    ctr_container_unref(ok);
}

/* log_size_max: version 2 of the options; a version 1 caller's struct
 * ends before it, and whatever follows is not read. */
static void test_log_size_max(void **state)
{
    struct fixture *f = *state;
    const struct { unsigned int version; int64_t max; const char *want; } cases[] = {
        { 2, 12345, "\"logSize\":12345" }, { 2, -1, NULL }, { 2, 0, NULL }, { 1, 999, NULL },
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        ctr_container_options_t o = CTR_CONTAINER_OPTIONS_INIT;
        o.rootfs = "/";
        o.version = cases[i].version;
        o.log_size_max = cases[i].max;
        ctr_container_t *c = NULL;
        assert_ctr_ok(ctr_container_create(&c, f->rt, &o));
        char *json = NULL;
        assert_ctr_ok(ctr_container_config_json(c, &json));
        if (cases[i].want)
            assert_non_null(strstr(json, cases[i].want));
        else
            assert_null(strstr(json, "logSize"));
        free(json);
        assert_ctr_ok(ctr_container_remove(c, 0));
        ctr_container_unref(c);
    }
}

/* Mounts (options version 3): checked, normalized, kept across a reopen,
 * shown by the getter and inspect; bad ones leave nothing. */
static void test_mounts(void **state)
{
    struct fixture *f = *state;
    const char *const ro[] = { "ro", NULL }, *const size[] = { "size=1m", NULL }, *const bad[] = { "foo", NULL };
    ctr_mount_t mounts[] = {
        { "bind", "/tmp", "/data/", ro },
        { "tmpfs", NULL, "/scratch", size },
        { "volume", NULL, "/anon", NULL },
    };
    ctr_container_options_t o = CTR_CONTAINER_OPTIONS_INIT;
    o.rootfs = "/";
    o.name = "mounted";
    o.mounts = mounts;
    o.n_mounts = 3;
    ctr_container_t *c = NULL;
    /* A plug-in backend of version 2 keeps no volumes: refused, nothing left. */
    bool volumes = strcmp(f->backend, "testdir") != 0;
    if (!volumes) {
        assert_int_equal(ctr_container_create(&c, f->rt, &o), -EOPNOTSUPP);
        assert_int_equal(count(f->rt), 0);
        o.n_mounts = 2;
    }
    assert_ctr_ok(ctr_container_create(&c, f->rt, &o));
    ctr_container_unref(c);
    ctr_runtime_unref(f->rt);
    f->rt = test_runtime(&f->t, f->backend);
    assert_ctr_ok(ctr_runtime_lookup(f->rt, "mounted", &c));
    const char *const *d = ctr_container_mounts(c);
    assert_string_equal(d[0], "/data");
    assert_string_equal(d[1], "/scratch");
    if (volumes)
        assert_string_equal(d[2], "/anon");
    assert_null(d[volumes ? 3 : 2]);
    char *json = NULL;
    assert_ctr_ok(ctr_container_inspect(c, 0, &json));
    assert_non_null(strstr(json, ":ro,rprivate,rbind\"")); /* HostConfig.Binds */
    assert_non_null(strstr(json, "size=1m,rw,rprivate,nosuid,nodev,tmpcopyup"));
    free(json);
    assert_ctr_ok(ctr_container_remove(c, 0));
    ctr_container_unref(c);

    /* An older caller's struct has no mounts. */
    o.version = 2;
    o.name = NULL;
    assert_ctr_ok(ctr_container_create(&c, f->rt, &o));
    assert_null(ctr_container_mounts(c)[0]);
    assert_ctr_ok(ctr_container_remove(c, 0));
    ctr_container_unref(c);

    o.version = CTR_CONTAINER_OPTIONS_VERSION;
    const struct { ctr_mount_t m; int code; const char *text; } cases[] = {
        { { "bind", "/nonexistent", "/x", NULL }, -ENOENT, "statfs /nonexistent: no such file or directory" },
        { { "bind", "/tmp", "/x", bad }, -EINVAL, "unknown mount option \"foo\"" },
        { { "tmpfs", NULL, "/", NULL }, -EINVAL, "cannot cover the root" },
        { { "nfs", NULL, "/x", NULL }, -EINVAL, "invalid filesystem type" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        o.mounts = &cases[i].m;
        o.n_mounts = 1;
        c = NULL;
        assert_int_equal(ctr_container_create(&c, f->rt, &o), cases[i].code);
        assert_null(c);
        assert_non_null(strstr(ctr_error_last()->message, cases[i].text));
        assert_int_equal(count(f->rt), 0);
        assert_int_equal(test_count_entries(containers_dir(f)), 0);
    }
}

static void test_create_bad_input(void **state)
{
    struct fixture *f = *state;
    ctr_container_t *c = (ctr_container_t *)0x1;
    ctr_container_options_t o = CTR_CONTAINER_OPTIONS_INIT;
    o.rootfs = "/";
    int before = test_count_entries(containers_dir(f));

    assert_ctr_err(ctr_container_create(NULL, f->rt, &o), -EINVAL);
    assert_ctr_err(ctr_container_create(&c, NULL, &o), -EINVAL);
    assert_ctr_err(ctr_container_create(&c, f->rt, NULL), -EINVAL);
    o.version = 0;
    assert_ctr_err(ctr_container_create(&c, f->rt, &o), -EINVAL);
    o.version = CTR_CONTAINER_OPTIONS_VERSION;

    char longname[300];
    memset(longname, 'a', 254);
    longname[254] = '\0';
    const char *bad_names[] = { "", "-lead", ".lead", "_lead", "has space", "sl/ash", "ünï", "a\nb", longname };
    for (size_t i = 0; i < sizeof bad_names / sizeof *bad_names; i++) {
        o.name = bad_names[i];
        assert_ctr_err(ctr_container_create(&c, f->rt, &o), -EINVAL);
    }
    longname[253] = '\0';
    o.name = longname; /* 253 is fine */
    ctr_container_t *ok = NULL;
    assert_ctr_ok(ctr_container_create(&ok, f->rt, &o));
    before++;
    ctr_container_unref(ok);
    o.name = NULL;

    const char *bad_specs[] = { "", "{", "[]", "42", "{\"a\":1} trailing", "{\"a\":}", "nul\x01" };
    for (size_t i = 0; i < sizeof bad_specs / sizeof *bad_specs; i++) {
        o.spec_json = bad_specs[i];
        assert_ctr_err(ctr_container_create(&c, f->rt, &o), -EINVAL);
    }
    o.spec_json = NULL;

    const char *bad_labels[] = { "novalue", NULL };
    o.labels = bad_labels;
    assert_ctr_err(ctr_container_create(&c, f->rt, &o), -EINVAL);
    const char *dup_labels[] = { "k=1", "k=2", NULL };
    o.labels = dup_labels;
    assert_ctr_err(ctr_container_create(&c, f->rt, &o), -EINVAL);
    const char *empty_key[] = { "=v", NULL };
    o.labels = empty_key;
    assert_ctr_err(ctr_container_create(&c, f->rt, &o), -EINVAL);
    o.labels = NULL;

    const char *const bad_envs[][2] = { { "NOEQUALS" }, { "" }, { "=v" }, { "A\nB=1" }, { "A\tB=1" } };
    for (size_t i = 0; i < sizeof bad_envs / sizeof *bad_envs; i++) {
        o.env = bad_envs[i];
        assert_ctr_err(ctr_container_create(&c, f->rt, &o), -EINVAL);
    }
    const char *newline_key[] = { "a\nb=c", NULL };
    o.labels = newline_key;
    assert_ctr_err(ctr_container_create(&c, f->rt, &o), -EINVAL);
    o.labels = NULL;
    const char *multiline_value[] = { "A=line 1\nline 2", NULL }; /* values may have newlines (podman) */
    o.env = multiline_value;
    assert_ctr_ok(ctr_container_create(&ok, f->rt, &o));
    before++;
    ctr_container_unref(ok);
    o.env = NULL;

    const char *const bad_dns[][2] = { { "notanip" }, { "10.0.0" }, { "1.2.3.4 " }, { "::g" } };
    for (size_t i = 0; i < sizeof bad_dns / sizeof *bad_dns; i++) {
        o.dns_servers = bad_dns[i];
        assert_ctr_err(ctr_container_create(&c, f->rt, &o), -EINVAL);
        assert_non_null(strstr(ctr_error_last()->message, "is not an IP address"));
    }
    o.dns_servers = NULL;
    const char *const bad_hosts[][2] = { { "h:notip" }, { "h" }, { ":1.2.3.4" }, { "h h:1.2.3.4" }, { "h:" } };
    for (size_t i = 0; i < sizeof bad_hosts / sizeof *bad_hosts; i++) {
        o.hosts_add = bad_hosts[i];
        assert_ctr_err(ctr_container_create(&c, f->rt, &o), -EINVAL);
    }
    const char *good_hosts[] = { "h:10.1.2.3", "six:fd00::1", NULL };
    const char *good_dns[] = { "10.1.2.53", "fd00::53", NULL };
    o.hosts_add = good_hosts;
    o.dns_servers = good_dns;
    assert_ctr_ok(ctr_container_create(&ok, f->rt, &o));
    before++;
    ctr_container_unref(ok);
    o.hosts_add = NULL;
    o.dns_servers = NULL;

    /* A name that is a full ID would shadow that container's ID. */
    o.name = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    assert_ctr_err(ctr_container_create(&c, f->rt, &o), -EINVAL);
    assert_non_null(strstr(ctr_error_last()->message, "shadow"));
    o.name = NULL;

    o.rootfs = "relative";
    assert_ctr_err(ctr_container_create(&c, f->rt, &o), -EINVAL);
    o.rootfs = "/";
    o.flags = 1ull << 40;
    assert_ctr_err(ctr_container_create(&c, f->rt, &o), -EINVAL);
    o.flags = 0;
    o.shm_size = -1;
    assert_ctr_err(ctr_container_create(&c, f->rt, &o), -EINVAL);
    o.shm_size = 0;
    o.stop_signal = 1000;
    assert_ctr_err(ctr_container_create(&c, f->rt, &o), -EINVAL);
    o.stop_signal = 0;
    ctr_port_mapping_t pm = { NULL, 1, 80, "icmp" };
    o.port_mappings = &pm;
    o.n_port_mappings = 1;
    o.flags = CTR_CREATE_NETNS;
    assert_ctr_err(ctr_container_create(&c, f->rt, &o), -EINVAL);
    pm.protocol = "tcp";
    o.flags = 0; /* ports without a network namespace */
    assert_ctr_err(ctr_container_create(&c, f->rt, &o), -EINVAL);
    o.port_mappings = NULL;
    assert_ctr_err(ctr_container_create(&c, f->rt, &o), -EINVAL);
    o.n_port_mappings = 0;

    o.ns_ctr[CTR_NS_NET] = "nosuchcontainer";
    assert_ctr_err(ctr_container_create(&c, f->rt, &o), -ENOENT);
    o.ns_ctr[CTR_NS_NET] = NULL;
    const char *empty_cmd[] = { NULL };
    o.command = empty_cmd;
    assert_ctr_err(ctr_container_create(&c, f->rt, &o), -EINVAL);
    o.command = NULL;

    assert_ptr_equal(c, (ctr_container_t *)0x1);
    /* Nothing was left behind. */
    assert_int_equal(test_count_entries(containers_dir(f)), before);
    assert_int_equal(count(f->rt), (size_t)before);
}

static void test_duplicate_name(void **state)
{
    struct fixture *f = *state;
    ctr_container_t *a = test_container_on_root(f->rt, "twin");
    ctr_container_t *b = (ctr_container_t *)0x1;
    ctr_container_options_t o = CTR_CONTAINER_OPTIONS_INIT;
    o.name = "twin";
    o.rootfs = "/";
    assert_ctr_err(ctr_container_create(&b, f->rt, &o), -EEXIST);
    assert_non_null(strstr(ctr_error_last()->message, "twin"));
    assert_ptr_equal(b, (ctr_container_t *)0x1);
    assert_int_equal(count(f->rt), 1);
    assert_int_equal(test_count_entries(containers_dir(f)), 1);
    /* After removal the name is free again. */
    assert_ctr_ok(ctr_container_remove(a, 0));
    ctr_container_unref(a);
    a = test_container_on_root(f->rt, "twin");
    ctr_container_unref(a);
}

static void test_generated_names(void **state)
{
    struct fixture *f = *state;
    ctr_container_options_t o = CTR_CONTAINER_OPTIONS_INIT;
    o.rootfs = "/";
    for (int i = 0; i < 30; i++) {
        ctr_container_t *c = NULL;
        assert_ctr_ok(ctr_container_create(&c, f->rt, &o));
        const char *n = ctr_container_name(c);
        assert_non_null(strchr(n, '_'));
        ctr_container_t *d = NULL;
        assert_ctr_ok(ctr_runtime_lookup(f->rt, n, &d));
        assert_string_equal(ctr_container_id(d), ctr_container_id(c));
        ctr_container_unref(d);
        ctr_container_unref(c);
    }
    assert_int_equal(count(f->rt), 30);
}

/* ---- lookup ---- */

static void test_lookup(void **state)
{
    struct fixture *f = *state;
    ctr_container_t *cs[40];
    for (int i = 0; i < 40; i++) {
        /* 'x' is no hex digit: no name can be mistaken for an ID prefix here
         * (names win over prefixes, as the "abc" case below checks). */
        char name[16];
        snprintf(name, sizeof name, "x%d", i);
        cs[i] = test_container_on_root(f->rt, name);
    }
    ctr_container_t *c = NULL;
    const char *id = ctr_container_id(cs[7]);
    assert_ctr_ok(ctr_runtime_lookup(f->rt, id, &c));
    assert_string_equal(ctr_container_name(c), "x7");
    ctr_container_unref(c);
    /* A unique prefix.  Find the shortest unique prefix of cs[7]. */
    size_t len = 1;
    for (; len < 64; len++) {
        int matches = 0;
        for (int i = 0; i < 40; i++)
            matches += strncmp(ctr_container_id(cs[i]), id, len) == 0;
        if (matches == 1)
            break;
    }
    char prefix[65];
    memcpy(prefix, id, len);
    prefix[len] = '\0';
    assert_ctr_ok(ctr_runtime_lookup(f->rt, prefix, &c));
    assert_string_equal(ctr_container_id(c), id);
    ctr_container_unref(c);
    /* An ambiguous prefix: with 40 IDs some first hex digit repeats. */
    int seen[16] = { 0 };
    char amb[2] = { 0 };
    for (int i = 0; i < 40; i++) {
        char ch = ctr_container_id(cs[i])[0];
        int v = ch <= '9' ? ch - '0' : ch - 'a' + 10;
        if (++seen[v] == 2)
            amb[0] = ch;
    }
    assert_true(amb[0] != 0);
    c = (ctr_container_t *)0x1;
    assert_ctr_err(ctr_runtime_lookup(f->rt, amb, &c), -EINVAL);
    assert_non_null(strstr(ctr_error_last()->message, "ambiguous"));
    assert_non_null(strstr(ctr_error_last()->message, "matches"));
    assert_ptr_equal(c, (ctr_container_t *)0x1);
    /* Unknown. */
    assert_ctr_err(ctr_runtime_lookup(f->rt, "nosuch", &c), -ENOENT);
    assert_ctr_err(ctr_runtime_lookup(f->rt, "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff", &c),
                   -ENOENT);
    /* Invalid strings and NULLs. */
    assert_ctr_err(ctr_runtime_lookup(f->rt, "", &c), -EINVAL);
    assert_ctr_err(ctr_runtime_lookup(f->rt, "../etc", &c), -EINVAL);
    assert_ctr_err(ctr_runtime_lookup(f->rt, "a/b", &c), -EINVAL);
    assert_ctr_err(ctr_runtime_lookup(NULL, "x", &c), -EINVAL);
    assert_ctr_err(ctr_runtime_lookup(f->rt, NULL, &c), -EINVAL);
    assert_ctr_err(ctr_runtime_lookup(f->rt, "x", NULL), -EINVAL);
    /* A name that looks like a hex prefix wins as a name. */
    ctr_container_t *hexname = test_container_on_root(f->rt, "abc");
    assert_ctr_ok(ctr_runtime_lookup(f->rt, "abc", &c));
    assert_string_equal(ctr_container_name(c), "abc");
    ctr_container_unref(c);
    ctr_container_unref(hexname);
    for (int i = 0; i < 40; i++)
        ctr_container_unref(cs[i]);
}

/* ---- list ---- */

static int only_label(ctr_container_t *c, void *userdata)
{
    const char *v = ctr_container_label(c, "tier");
    return v && strcmp(v, userdata) == 0;
}

static int only_state(ctr_container_t *c, void *userdata)
{
    ctr_state_t st;
    return ctr_container_state(c, &st) == 0 && st == *(ctr_state_t *)userdata;
}

static void test_list(void **state)
{
    struct fixture *f = *state;
    const char *web[] = { "tier=web", NULL }, *db[] = { "tier=db", NULL };
    ctr_container_options_t o = CTR_CONTAINER_OPTIONS_INIT;
    o.rootfs = "/";
    for (int i = 0; i < 10; i++) {
        char name[16];
        snprintf(name, sizeof name, "n%d", i);
        o.name = name;
        o.labels = i % 3 ? web : db;
        ctr_container_t *c = NULL;
        assert_ctr_ok(ctr_container_create(&c, f->rt, &o));
        ctr_container_unref(c);
    }
    ctr_container_t **l = NULL;
    size_t n = 0;
    assert_ctr_ok(ctr_runtime_list(f->rt, NULL, NULL, &l, &n));
    assert_int_equal(n, 10);
    for (size_t i = 0; i < n; i++) { /* oldest first */
        char name[32];
        snprintf(name, sizeof name, "n%zu", i);
        assert_string_equal(ctr_container_name(l[i]), name);
    }
    ctr_container_list_free(l, n);
    assert_ctr_ok(ctr_runtime_list(f->rt, only_label, "db", &l, &n));
    assert_int_equal(n, 4);
    ctr_container_list_free(l, n);
    ctr_state_t want = CTR_STATE_CONFIGURED;
    assert_ctr_ok(ctr_runtime_list(f->rt, only_state, &want, &l, &n));
    assert_int_equal(n, 10);
    ctr_container_list_free(l, n);
    want = CTR_STATE_RUNNING;
    assert_ctr_ok(ctr_runtime_list(f->rt, only_state, &want, &l, &n));
    assert_int_equal(n, 0);
    ctr_container_list_free(l, n);
    assert_ctr_err(ctr_runtime_list(NULL, NULL, NULL, &l, &n), -EINVAL);
    assert_ctr_err(ctr_runtime_list(f->rt, NULL, NULL, NULL, &n), -EINVAL);
    ctr_container_list_free(NULL, 0);
}

/* ---- remove ---- */

static void test_remove(void **state)
{
    struct fixture *f = *state;
    ctr_container_t *a = test_container_on_root(f->rt, "owner");
    ctr_container_options_t o = CTR_CONTAINER_OPTIONS_INIT;
    o.rootfs = "/";
    o.name = "joiner";
    o.ns_ctr[CTR_NS_NET] = "owner";
    ctr_container_t *b = NULL;
    assert_ctr_ok(ctr_container_create(&b, f->rt, &o));
    o.name = "joiner2";
    o.ns_ctr[CTR_NS_NET] = NULL;
    o.ns_ctr[CTR_NS_IPC] = "joiner";
    ctr_container_t *c2 = NULL;
    assert_ctr_ok(ctr_container_create(&c2, f->rt, &o));
    assert_ctr_ok(ctr_container_artifact_add(a, "blob", "x", 1));

    /* Others depend on it: refused, and nothing changes. */
    assert_ctr_err(ctr_container_remove(a, 0), -EBUSY);
    assert_non_null(strstr(ctr_error_last()->message, "joiner"));
    assert_int_equal(count(f->rt), 3);
    assert_ctr_err(ctr_runtime_remove(f->rt, "owner", 0), -EBUSY);
    assert_ctr_err(ctr_container_remove(a, 1u << 20), -EINVAL);
    assert_ctr_err(ctr_container_remove(NULL, 0), -EINVAL);

    /* Forced: it goes with its dependents, transitively. */
    assert_ctr_ok(ctr_runtime_remove(f->rt, "owner", CTR_REMOVE_FORCE));
    assert_int_equal(count(f->rt), 0);
    assert_int_equal(test_count_entries(containers_dir(f)), 0);
    char locks[300];
    snprintf(locks, sizeof locks, "%s/locks", f->t.run_root);
    assert_int_equal(test_count_entries(locks), 1); /* runtime.lock only */

    /* Stale handles: config still readable, state calls say -ENOENT. */
    assert_string_equal(ctr_container_name(a), "owner");
    ctr_state_t st;
    assert_ctr_err(ctr_container_state(a, &st), -ENOENT);
    assert_ctr_err(ctr_container_state(b, &st), -ENOENT);
    assert_ctr_err(ctr_container_remove(a, 0), -ENOENT);
    assert_ctr_err(ctr_container_artifact_get(a, "blob", &(void *){ NULL }, NULL), -ENOENT);
    assert_ctr_err(ctr_runtime_remove(f->rt, "owner", 0), -ENOENT);
    ctr_container_unref(a);
    ctr_container_unref(b);
    ctr_container_unref(c2);
}

/* ---- artifacts ---- */

static void test_artifacts(void **state)
{
    struct fixture *f = *state;
    ctr_container_t *c = test_container_on_root(f->rt, "arty");
    void *data = NULL;
    size_t size = 0;
    assert_ctr_err(ctr_container_artifact_get(c, "none", &data, &size), -ENOENT);
    assert_ctr_ok(ctr_container_artifact_add(c, "one", "hello", 5));
    assert_ctr_ok(ctr_container_artifact_get(c, "one", &data, &size));
    assert_int_equal(size, 5);
    assert_memory_equal(data, "hello", 5);
    ctr_free(data);
    /* Replace; binary content; empty content. */
    char bin[4096];
    for (size_t i = 0; i < sizeof bin; i++)
        bin[i] = (char)(i * 7);
    assert_ctr_ok(ctr_container_artifact_add(c, "one", bin, sizeof bin));
    assert_ctr_ok(ctr_container_artifact_get(c, "one", &data, &size));
    assert_int_equal(size, sizeof bin);
    assert_memory_equal(data, bin, sizeof bin);
    ctr_free(data);
    assert_ctr_ok(ctr_container_artifact_add(c, "empty", NULL, 0));
    assert_ctr_ok(ctr_container_artifact_get(c, "empty", &data, NULL));
    ctr_free(data);
    assert_ctr_ok(ctr_container_artifact_remove(c, "one"));
    assert_ctr_err(ctr_container_artifact_remove(c, "one"), -ENOENT);
    assert_ctr_err(ctr_container_artifact_get(c, "one", &data, &size), -ENOENT);

    /* Hostile names: path traversal in the seed. */
    char n256[257];
    memset(n256, 'n', 256);
    n256[256] = '\0';
    const char *bad[] = { "", ".", "..", "../escape", "a/b", "/etc/passwd", "..\\..", n256, ".#tmp" };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        if (strcmp(bad[i], "..\\..") == 0)
            continue; /* a backslash is an ordinary character on Linux */
        assert_ctr_err(ctr_container_artifact_add(c, bad[i], "x", 1), -EINVAL);
        assert_ctr_err(ctr_container_artifact_get(c, bad[i], &data, &size), -EINVAL);
        assert_ctr_err(ctr_container_artifact_remove(c, bad[i]), -EINVAL);
    }
    n256[255] = '\0';
    assert_ctr_ok(ctr_container_artifact_add(c, n256, "x", 1));
    /* Nothing escaped into the static dir's parent. */
    char escape[200];
    snprintf(escape, sizeof escape, "%s/escape", ctr_container_static_dir(c));
    assert_int_equal(access(escape, F_OK), -1);
    assert_ctr_err(ctr_container_artifact_add(c, NULL, "x", 1), -EINVAL);
    assert_ctr_err(ctr_container_artifact_add(c, "x", NULL, 3), -EINVAL);
    assert_ctr_err(ctr_container_artifact_add(NULL, "x", "x", 1), -EINVAL);
    ctr_container_unref(c);
}

/* ---- batch ---- */

struct batch_ctx {
    ctr_runtime_t *rt;
    int calls;
    int nested;
};

static int batch_inner(ctr_container_t *c, void *userdata)
{
    struct batch_ctx *b = userdata;
    b->nested++;
    return 0;
}

static int batch_fn(ctr_container_t *c, void *userdata)
{
    struct batch_ctx *b = userdata;
    b->calls++;
    ctr_state_t st;
    assert_ctr_ok(ctr_container_state(c, &st));
    assert_int_equal(st, CTR_STATE_CONFIGURED);
    assert_ctr_ok(ctr_container_sync(c));
    assert_ctr_ok(ctr_container_artifact_add(c, "in-batch", "1", 1));
    assert_ctr_ok(ctr_container_batch(c, batch_inner, b));
    /* Removing itself inside its own batch is refused. */
    assert_ctr_err(ctr_container_remove(c, CTR_REMOVE_FORCE), -EDEADLK);
    return 7;
}

static int batch_fail(ctr_container_t *c, void *userdata)
{
    return -EMLINK;
}

static void test_batch(void **state)
{
    struct fixture *f = *state;
    ctr_container_t *c = test_container_on_root(f->rt, "batchy");
    struct batch_ctx b = { f->rt, 0, 0 };
    assert_int_equal(ctr_container_batch(c, batch_fn, &b), 0);
    assert_int_equal(b.calls, 1);
    assert_int_equal(b.nested, 1);
    assert_int_equal(ctr_container_batch(c, batch_fail, NULL), -EMLINK);
    assert_ctr_err(ctr_container_batch(NULL, batch_fn, &b), -EINVAL);
    assert_ctr_err(ctr_container_batch(c, NULL, &b), -EINVAL);
    /* After the batch, removal works and a batch on a removed container fails. */
    assert_ctr_ok(ctr_container_remove(c, 0));
    assert_ctr_err(ctr_container_batch(c, batch_fn, &b), -ENOENT);
    assert_int_equal(b.calls, 1);
    ctr_container_unref(c);
}

static void test_null_getters(void **state)
{
    assert_null(ctr_container_id(NULL));
    assert_null(ctr_container_name(NULL));
    assert_null(ctr_container_runtime(NULL));
    assert_null(ctr_container_label(NULL, "x"));
    assert_null(ctr_container_command(NULL)[0]);
    assert_int_equal(ctr_container_created(NULL), 0);
    assert_null(ctr_container_ref(NULL));
    assert_null(ctr_container_unref(NULL));
    ctr_state_t st;
    assert_ctr_err(ctr_container_state(NULL, &st), -EINVAL);
    assert_ctr_err(ctr_container_pid(NULL, &(pid_t){ 0 }), -EINVAL);
    assert_ctr_err(ctr_container_labels(NULL, &(char **){ NULL }), -EINVAL);
    assert_ctr_err(ctr_container_config_json(NULL, &(char *){ NULL }), -EINVAL);
    assert_ctr_err(ctr_container_spec_json(NULL, &(char *){ NULL }), -EINVAL);
    assert_ctr_err(ctr_container_state_json(NULL, &(char *){ NULL }), -EINVAL);
    assert_ctr_err(ctr_container_dependencies(NULL, &(char **){ NULL }), -EINVAL);
    assert_ctr_err(ctr_container_sync(NULL), -EINVAL);
    assert_ctr_err(ctr_container_namespace_path(NULL, CTR_NS_NET, &(char *){ NULL }), -EINVAL);
    assert_ctr_err(ctr_container_mounted(NULL, &(int){ 0 }, NULL), -EINVAL);
    assert_string_equal(ctr_state_name((ctr_state_t)99), "invalid");
    assert_string_equal(ctr_strerror(-ENOENT), "no such container or object");
    assert_string_equal(ctr_strerror(ENOENT), "no such container or object");
    ctr_free(NULL);
    ctr_strv_free(NULL);
    /* Each public call clears the detail. */
    assert_ctr_err(ctr_container_sync(NULL), -EINVAL);
    assert_int_equal(ctr_container_options_init(&(ctr_container_options_t){ 0 }, 1), 0);
    assert_int_equal(ctr_error_last()->code, 0);
    assert_string_equal(ctr_error_last()->message, "");
}

static void test_namespace_path(void **state)
{
    struct fixture *f = *state;
    ctr_container_t *c = test_container_on_root(f->rt, "nsless");
    char *p = NULL;
    assert_ctr_err(ctr_container_namespace_path(c, CTR_NS_NET, &p), -EBUSY);
    assert_non_null(strstr(ctr_error_last()->message, "configured"));
    assert_ctr_err(ctr_container_namespace_path(c, (ctr_ns_t)0, &p), -EINVAL);
    assert_ctr_err(ctr_container_namespace_path(c, (ctr_ns_t)42, &p), -EINVAL);
    ctr_container_unref(c);
}

/* ctr_container_top() before anything runs: bad arguments and descriptors
 * first, then the state; the caller's pointer untouched on failure. */
static void test_top_refused(void **state)
{
    struct fixture *f = *state;
    ctr_container_t *c = test_container_on_root(f->rt, "topless");
    ctr_top_t *t = (ctr_top_t *)(uintptr_t)1;
    assert_ctr_err(ctr_container_top(NULL, NULL, &t), -EINVAL);
    assert_ctr_err(ctr_container_top(c, NULL, NULL), -EINVAL);
    const char *bad[] = { "pid", "args,nosuch", NULL };
    assert_ctr_err(ctr_container_top(c, bad, &t), -EINVAL);
    assert_non_null(strstr(ctr_error_last()->message, "'nosuch': unknown descriptor"));
    assert_non_null(strstr(ctr_error_last()->message, "args, capamb, capbnd"));
    assert_ctr_err(ctr_container_top(c, NULL, &t), -EBUSY);
    assert_string_equal(ctr_error_last()->message,
                        "container topless is configured: top can only be used on running containers");
    const char *codes[] = { "%C", " pid ", ",,", NULL };
    assert_ctr_err(ctr_container_top(c, codes, &t), -EBUSY);
    assert_ptr_equal(t, (ctr_top_t *)(uintptr_t)1);
    ctr_container_top_free(NULL);
    ctr_container_unref(c);
}

/* ctr_container_copy_*() on a container of a root file system of its own:
 * bad arguments refused first, paths both ways, the tar forms, podman's
 * messages, and links planted in the root kept inside it. */
static void test_copy(void **state)
{
    struct fixture *f = *state;
    char rootfs[128], host[128], p[1024];
    snprintf(rootfs, sizeof rootfs, "%s/copy-rootfs", f->t.root);
    snprintf(host, sizeof host, "%s/copy-host", f->t.root);
    snprintf(p, sizeof p, "mkdir -p %s/etc %s/sub && echo hi > %s/sub/f && ln -s / %s/evil && ln -s ../../.. %s/up",
             rootfs, host, host, rootfs, rootfs);
    assert_int_equal(system(p), 0);
    ctr_container_options_t o = CTR_CONTAINER_OPTIONS_INIT;
    const char *cmd[] = { "/bin/true", NULL };
    o.name = "copier";
    o.rootfs = rootfs;
    o.command = cmd;
    ctr_container_t *c = NULL;
    assert_ctr_ok(ctr_container_create(&c, f->rt, &o));
    assert_ctr_err(ctr_container_copy_to(NULL, host, "/", 0), -EINVAL);
    assert_ctr_err(ctr_container_copy_to(c, NULL, "/", 0), -EINVAL);
    assert_ctr_err(ctr_container_copy_to(c, host, "", 0), -EINVAL);
    assert_ctr_err(ctr_container_copy_to(c, host, "/", 1u << 7), -EINVAL);
    assert_ctr_err(ctr_container_copy_from_fd(c, "/", -1, 0), -EINVAL);
    assert_ctr_err(ctr_container_copy_to_fd(c, -1, "/", 0), -EINVAL);
    /* Through the planted links: inside the root, never the host's. */
    snprintf(p, sizeof p, "%s/sub/f", host);
    char dst[256];
    snprintf(dst, sizeof dst, "/evil%s/sub", host);
    assert_ctr_err(ctr_container_copy_to(c, p, dst, 0), -ENOENT);
    snprintf(dst, sizeof dst, "/up%s/sub/f", host);
    assert_ctr_err(ctr_container_copy_to(c, p, dst, 0), -ENOENT);
    assert_non_null(strstr(ctr_error_last()->message, "could not be found on container copier"));
    assert_ctr_ok(ctr_container_copy_to(c, p, "/up/etc/", 0));
    snprintf(p, sizeof p, "%s/etc/f", rootfs);
    assert_int_equal(access(p, F_OK), 0);
    /* A tree in, a file out, the tree as a tar. */
    assert_ctr_ok(ctr_container_copy_to(c, host, "/evil/in", 0));
    snprintf(p, sizeof p, "%s/back", host);
    assert_ctr_ok(ctr_container_copy_from(c, "/in/sub/f", p, CTR_COPY_CHOWN));
    char data[16] = "";
    FILE *back = fopen(p, "r");
    assert_non_null(back);
    assert_non_null(fgets(data, sizeof data, back));
    fclose(back);
    assert_string_equal(data, "hi\n");
    FILE *tar = tmpfile();
    assert_ctr_ok(ctr_container_copy_from_fd(c, "/in", fileno(tar), 0));
    assert_true(lseek(fileno(tar), 0, SEEK_CUR) > 0);
    lseek(fileno(tar), 0, SEEK_SET);
    assert_ctr_ok(ctr_container_copy_to_fd(c, fileno(tar), "/etc", 0));
    snprintf(p, sizeof p, "%s/etc/in/sub/f", rootfs);
    assert_int_equal(access(p, F_OK), 0);
    lseek(fileno(tar), 0, SEEK_SET);
    assert_ctr_err(ctr_container_copy_to_fd(c, fileno(tar), "/etc/f", 0), -ENOTDIR);
    fclose(tar);
    /* A directory onto a file; a source that is not there. */
    assert_ctr_err(ctr_container_copy_to(c, host, "/etc/f", 0), -ENOTDIR);
    assert_string_equal(ctr_error_last()->message, "destination must be a directory when copying a directory");
    assert_ctr_err(ctr_container_copy_from(c, "/nonexistent", host, 0), -ENOENT);
    assert_string_equal(ctr_error_last()->message,
                        "\"/nonexistent\" could not be found on container copier: no such file or directory");
    assert_ctr_ok(ctr_container_remove(c, 0));
    ctr_container_unref(c);
}

/* ---- rename ---- */

static void expect_named(ctr_runtime_t *rt, const char *name, const char *id)
{
    ctr_container_t *c = NULL;
    assert_ctr_ok(ctr_runtime_lookup(rt, name, &c));
    assert_string_equal(ctr_container_id(c), id);
    assert_string_equal(ctr_container_name(c), name);
    ctr_container_unref(c);
}

static void expect_unnamed(ctr_runtime_t *rt, const char *name)
{
    ctr_container_t *c = NULL;
    assert_ctr_err(ctr_runtime_lookup(rt, name, &c), -ENOENT);
    assert_null(c);
}

/* What a rename refuses: a's name and record unchanged. */
static void rename_refusals(ctr_container_t *a, ctr_runtime_t *rt)
{
    assert_ctr_err(ctr_container_rename(a, "rn-b"), -EEXIST);
    assert_non_null(strstr(ctr_error_last()->message, "the name \"rn-b\" is already in use"));
    const char *bad[] = { "bad name", "/rn-x", "", "-x", "a/b", NULL };
    for (size_t i = 0; bad[i]; i++) {
        assert_ctr_err(ctr_container_rename(a, bad[i]), -EINVAL);
        assert_non_null(strstr(ctr_error_last()->message, "names must match [a-zA-Z0-9][a-zA-Z0-9_.-]*"));
    }
    char hex[65];
    memset(hex, 'a', 64);
    hex[64] = '\0';
    assert_ctr_err(ctr_container_rename(a, hex), -EINVAL);
    assert_ctr_err(ctr_container_rename(a, NULL), -EINVAL);
    assert_ctr_err(ctr_container_rename(NULL, "x"), -EINVAL);
    assert_string_equal(ctr_container_name(a), "rn-a");
    expect_named(rt, "rn-a", ctr_container_id(a));
    /* The same name: nothing to do. */
    assert_ctr_ok(ctr_container_rename(a, "rn-a"));
}

static void test_rename(void **state)
{
    struct fixture *f = *state;
    ctr_container_t *a = test_container_on_root(f->rt, "rn-a");
    ctr_container_t *b = test_container_on_root(f->rt, "rn-b");
    const char *id = ctr_container_id(a), *lent = ctr_container_name(a);
    ctr_container_t *other = NULL; /* a second handle, opened before */
    assert_ctr_ok(ctr_runtime_lookup(f->rt, "rn-a", &other));
    rename_refusals(a, f->rt);

    assert_ctr_ok(ctr_container_rename(a, "rn-new"));
    assert_string_equal(ctr_container_name(a), "rn-new");
    assert_string_equal(lent, "rn-a"); /* what was lent stays valid */
    expect_named(f->rt, "rn-new", id);
    expect_unnamed(f->rt, "rn-a");
    char *doc = NULL;
    assert_ctr_ok(ctr_container_inspect(a, 0, &doc));
    assert_true(strstr(doc, "\"Name\":\"rn-new\"") || strstr(doc, "\"Name\": \"rn-new\""));
    ctr_free(doc);
    /* The other handle reads the new config at its next lock. */
    ctr_state_t st;
    assert_ctr_ok(ctr_container_state(other, &st));
    assert_string_equal(ctr_container_name(other), "rn-new");
    assert_ctr_ok(ctr_container_config_json(other, &doc));
    assert_non_null(strstr(doc, "rn-new"));
    assert_null(strstr(doc, "rn-a"));
    ctr_free(doc);

    /* The old name is free; a fresh runtime reads it all from the backend. */
    ctr_container_t *c = test_container_on_root(f->rt, "rn-a");
    ctr_runtime_t *rt2 = test_runtime(&f->t, f->backend);
    expect_named(rt2, "rn-new", id);
    expect_named(rt2, "rn-a", ctr_container_id(c));
    assert_int_equal(count(rt2), 3);
    ctr_runtime_unref(rt2);

    /* A removed container's name can be taken; a removed one cannot be renamed. */
    assert_ctr_ok(ctr_container_remove(b, 0));
    assert_ctr_err(ctr_container_rename(b, "rn-z"), -ENOENT);
    assert_ctr_ok(ctr_container_rename(other, "rn-b"));
    expect_named(f->rt, "rn-b", id);
    expect_unnamed(f->rt, "rn-new");
    assert_ctr_ok(ctr_container_state(a, &st));
    assert_string_equal(ctr_container_name(a), "rn-b");
    assert_ctr_ok(ctr_container_remove(a, 0));
    assert_ctr_ok(ctr_container_remove(c, 0));
    expect_unnamed(f->rt, "rn-b");
    assert_int_equal(count(f->rt), 0);
    ctr_container_unref(a);
    ctr_container_unref(b);
    ctr_container_unref(c);
    ctr_container_unref(other);
}

/* ---- update ---- */

/* c's memory and pids limits as its config keeps them. */
static void expect_limits(ctr_container_t *c, int64_t memory, int64_t pids)
{
    ctr_container_options_t *o = NULL;
    assert_ctr_ok(ctr_container_get_options(c, &o));
    assert_int_equal(o->memory, memory);
    assert_int_equal(o->pids_limit, pids);
    ctr_container_options_free(o);
}

static void test_update(void **state)
{
    struct fixture *f = *state;
    ctr_container_t *c = test_container_on_root(f->rt, "upd");
    ctr_container_t *other = NULL;
    assert_ctr_ok(ctr_runtime_lookup(f->rt, "upd", &other));
    ctr_container_options_t u = CTR_CONTAINER_OPTIONS_INIT;
    u.memory = 64 << 20;
    u.pids_limit = 50;
    u.cpu_shares = 512; /* not named in the fields: ignored */
    assert_ctr_ok(ctr_container_update(c, &u, CTR_UPDATE_MEMORY | CTR_UPDATE_PIDS_LIMIT));
    expect_limits(c, 64 << 20, 50);
    char *doc = NULL;
    assert_ctr_ok(ctr_container_inspect(c, 0, &doc));
    assert_true(strstr(doc, "\"Memory\":67108864") || strstr(doc, "\"Memory\": 67108864"));
    assert_true(strstr(doc, "\"CpuShares\":0") || strstr(doc, "\"CpuShares\": 0"));
    ctr_free(doc);
    /* The other handle reads the new config at its next lock. */
    ctr_state_t st;
    assert_ctr_ok(ctr_container_state(other, &st));
    expect_limits(other, 64 << 20, 50);

    /* Bad values are refused, with nothing changed. */
    u.memory = 32 << 20;
    u.memory_swap = 16 << 20;
    assert_ctr_err(ctr_container_update(c, &u, CTR_UPDATE_MEMORY | CTR_UPDATE_MEMORY_SWAP), -EINVAL);
    u.blkio_weight = 5;
    assert_ctr_err(ctr_container_update(c, &u, CTR_UPDATE_BLKIO_WEIGHT), -EINVAL);
    u.pids_limit = -2;
    assert_ctr_err(ctr_container_update(c, &u, CTR_UPDATE_PIDS_LIMIT), -EINVAL);
    u.nano_cpus = 500000000;
    u.cpu_quota = 1000;
    assert_ctr_err(ctr_container_update(c, &u, CTR_UPDATE_CPUS | CTR_UPDATE_CPU_QUOTA), -EINVAL);
    assert_ctr_err(ctr_container_update(c, &u, 0), -EINVAL);
    assert_ctr_err(ctr_container_update(c, &u, 1u << 30), -EINVAL);
    assert_ctr_err(ctr_container_update(c, NULL, CTR_UPDATE_MEMORY), -EINVAL);
    expect_limits(c, 64 << 20, 50);

    /* --cpus replaces a quota, and the other way round. */
    u.cpu_quota = 20000;
    assert_ctr_ok(ctr_container_update(c, &u, CTR_UPDATE_CPU_QUOTA));
    assert_ctr_ok(ctr_container_update(c, &u, CTR_UPDATE_CPUS));
    ctr_container_options_t *o = NULL;
    assert_ctr_ok(ctr_container_get_options(c, &o));
    assert_int_equal(o->nano_cpus, 500000000);
    assert_int_equal(o->cpu_quota, 0);
    ctr_container_options_free(o);

    /* A fresh runtime reads the updated config from the backend. */
    ctr_runtime_t *rt2 = test_runtime(&f->t, f->backend);
    ctr_container_t *again = NULL;
    assert_ctr_ok(ctr_runtime_lookup(rt2, "upd", &again));
    expect_limits(again, 64 << 20, 50);
    ctr_container_unref(again);
    ctr_runtime_unref(rt2);
    assert_ctr_ok(ctr_container_remove(c, 0));
    assert_ctr_err(ctr_container_update(c, &u, CTR_UPDATE_CPUS), -ENOENT);
    ctr_container_unref(c);
    ctr_container_unref(other);
}

static int stats_never(const ctr_stats_t *const *stats, size_t n, void *userdata)
{
    (void)stats, (void)n, (void)userdata;
    fail_msg("a stream of a container that is not running called back");
    return 1;
}

/* ctr_container_stats() and the stream before anything runs: bad arguments
 * and options first, then the state; the caller's pointer untouched. */
static void test_stats_refused(void **state)
{
    struct fixture *f = *state;
    ctr_container_t *c = test_container_on_root(f->rt, "statless");
    ctr_stats_t *s = (ctr_stats_t *)(uintptr_t)1;
    assert_ctr_err(ctr_container_stats(NULL, NULL, &s), -EINVAL);
    assert_ctr_err(ctr_container_stats(c, NULL, NULL), -EINVAL);
    assert_ctr_err(ctr_container_stats(c, NULL, &s), -EBUSY);
    assert_string_equal(ctr_error_last()->message, "container statless is not running");
    assert_ptr_equal(s, (ctr_stats_t *)(uintptr_t)1);
    ctr_stats_free(NULL);
    ctr_stats_options_t o = CTR_STATS_OPTIONS_INIT;
    assert_int_equal(o.cancel_fd, -1);
    memset(&o, 0x55, sizeof o);
    assert_int_equal(ctr_stats_options_init(&o, CTR_STATS_OPTIONS_VERSION), 0);
    assert_true(o.version == CTR_STATS_OPTIONS_VERSION && o.interval_ms == 0 && o.cancel_fd == -1);
    assert_ctr_err(ctr_stats_options_init(&o, 99), -EINVAL);
    assert_ctr_err(ctr_stats_options_init(NULL, 1), -EINVAL);
    ctr_container_t *cs[] = { c };
    assert_ctr_err(ctr_container_stats_stream(NULL, 1, NULL, stats_never, NULL), -EINVAL);
    assert_ctr_err(ctr_container_stats_stream(cs, 0, NULL, stats_never, NULL), -EINVAL);
    assert_ctr_err(ctr_container_stats_stream(cs, 1, NULL, NULL, NULL), -EINVAL);
    o.version = 7;
    assert_ctr_err(ctr_container_stats_stream(cs, 1, &o, stats_never, NULL), -EINVAL);
    assert_ctr_err(ctr_container_stats_stream(cs, 1, NULL, stats_never, NULL), -EBUSY);
    ctr_container_unref(c);
}

/* Checkpoint and restore before anything runs: bad options, then the state
 * and the missing checkpoint; an import of what is not an archive. */
static void test_checkpoint_refused(void **state)
{
    struct fixture *f = *state;
    ctr_container_t *c = test_container_on_root(f->rt, "ckptless");
    assert_ctr_err(ctr_container_checkpoint(NULL, NULL), -EINVAL);
    ctr_checkpoint_options_t co = CTR_CHECKPOINT_OPTIONS_INIT;
    co.flags = 1u << 30;
    assert_ctr_err(ctr_container_checkpoint(c, &co), -EINVAL);
    co = (ctr_checkpoint_options_t)CTR_CHECKPOINT_OPTIONS_INIT;
    co.version = 99;
    assert_ctr_err(ctr_container_checkpoint(c, &co), -EINVAL);
    co = (ctr_checkpoint_options_t)CTR_CHECKPOINT_OPTIONS_INIT;
    co.export_path = "";
    assert_ctr_err(ctr_container_checkpoint(c, &co), -EINVAL);
    assert_ctr_err(ctr_container_checkpoint(c, NULL), -EBUSY);
    assert_string_equal(ctr_error_last()->message,
                        "\"configured\" is not running, cannot checkpoint: container state improper");

    assert_ctr_err(ctr_container_restore(NULL, NULL), -EINVAL);
    ctr_restore_options_t ro = CTR_RESTORE_OPTIONS_INIT;
    ro.name = "other";
    assert_ctr_err(ctr_container_restore(c, &ro), -EINVAL);
    ro = (ctr_restore_options_t)CTR_RESTORE_OPTIONS_INIT;
    ro.flags = 1u << 30;
    assert_ctr_err(ctr_container_restore(c, &ro), -EINVAL);
    assert_ctr_err(ctr_container_restore(c, NULL), -ENOENT);
    assert_non_null(strstr(ctr_error_last()->message,
                           "a complete checkpoint for this container cannot be found, cannot restore: stat "));

    ro = (ctr_restore_options_t)CTR_RESTORE_OPTIONS_INIT;
    ctr_container_t *n = (ctr_container_t *)(uintptr_t)1;
    assert_ctr_err(ctr_runtime_restore(f->rt, &ro, &n), -EINVAL);
    assert_ctr_err(ctr_runtime_restore(f->rt, NULL, &n), -EINVAL);
    ro.import_path = "/no/such/archive.tar";
    assert_ctr_err(ctr_runtime_restore(f->rt, &ro, &n), -ENOENT);
    assert_string_equal(ctr_error_last()->message,
                        "failed extracting runtime information from /no/such/archive.tar: failed to open checkpoint "
                        "archive /no/such/archive.tar for import: open /no/such/archive.tar: no such file or directory");
    ro.import_path = "/dev/null";
    assert_ctr_err(ctr_runtime_restore(f->rt, &ro, &n), -EINVAL);
    assert_ptr_equal(n, (ctr_container_t *)(uintptr_t)1);
    ctr_container_unref(c);
}

/* A custom backend registered through the public plug-in API. */
static void test_register_backend(void **state)
{
    ctr_state_backend_t bad = *test_backend_dir();
    bad.name = "Bad Name";
    assert_ctr_err(ctr_state_backend_register(&bad), -EINVAL);
    bad.name = "incomplete";
    bad.iterate = NULL;
    assert_ctr_err(ctr_state_backend_register(&bad), -EINVAL);
    bad = *test_backend_dir();
    bad.version = 99;
    assert_ctr_err(ctr_state_backend_register(&bad), -EINVAL);
    assert_ctr_err(ctr_state_backend_register(NULL), -EINVAL);
    static ctr_state_backend_t files_again;
    files_again = *test_backend_dir();
    files_again.name = "files";
    assert_ctr_err(ctr_state_backend_register(&files_again), -EEXIST);
}

#define BACKEND_TESTS(backend)                                                                     \
    cmocka_unit_test_prestate_setup_teardown(test_runtime_open, setup, teardown, backend),         \
    cmocka_unit_test_prestate_setup_teardown(test_runtime_bad_options, setup, teardown, backend),  \
    cmocka_unit_test_prestate_setup_teardown(test_runtime_foreign_root, setup, teardown, backend), \
    cmocka_unit_test_prestate_setup_teardown(test_boot_id_recorded, setup, teardown, backend),     \
    cmocka_unit_test_prestate_setup_teardown(test_create_defaults, setup, teardown, backend),      \
    cmocka_unit_test_prestate_setup_teardown(test_log_size_max, setup, teardown, backend),         \
    cmocka_unit_test_prestate_setup_teardown(test_mounts, setup, teardown, backend),               \
    cmocka_unit_test_prestate_setup_teardown(test_damaged_record, setup, teardown, backend),       \
    cmocka_unit_test_prestate_setup_teardown(test_create_all_fields, setup, teardown, backend),    \
    cmocka_unit_test_prestate_setup_teardown(test_dependencies_pid_only, setup, teardown, backend), \
    cmocka_unit_test_prestate_setup_teardown(test_create_bad_input, setup, teardown, backend),     \
    cmocka_unit_test_prestate_setup_teardown(test_duplicate_name, setup, teardown, backend),       \
    cmocka_unit_test_prestate_setup_teardown(test_generated_names, setup, teardown, backend),      \
    cmocka_unit_test_prestate_setup_teardown(test_lookup, setup, teardown, backend),               \
    cmocka_unit_test_prestate_setup_teardown(test_list, setup, teardown, backend),                 \
    cmocka_unit_test_prestate_setup_teardown(test_remove, setup, teardown, backend),               \
    cmocka_unit_test_prestate_setup_teardown(test_artifacts, setup, teardown, backend),            \
    cmocka_unit_test_prestate_setup_teardown(test_batch, setup, teardown, backend),                \
    cmocka_unit_test_prestate_setup_teardown(test_namespace_path, setup, teardown, backend),       \
    cmocka_unit_test_prestate_setup_teardown(test_top_refused, setup, teardown, backend),          \
    cmocka_unit_test_prestate_setup_teardown(test_copy, setup, teardown, backend),                 \
    cmocka_unit_test_prestate_setup_teardown(test_rename, setup, teardown, backend),               \
    cmocka_unit_test_prestate_setup_teardown(test_update, setup, teardown, backend),                 \
    cmocka_unit_test_prestate_setup_teardown(test_stats_refused, setup, teardown, backend),                 \
    cmocka_unit_test_prestate_setup_teardown(test_checkpoint_refused, setup, teardown, backend)

int main(void)
{
    if (ctr_state_backend_register(test_backend_dir()) < 0) {
        fprintf(stderr, "register: %s\n", ctr_error_last()->message);
        return 1;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_null_getters),
        cmocka_unit_test(test_register_backend),
        BACKEND_TESTS("files"),
        BACKEND_TESTS("tdb"),
        BACKEND_TESTS("testdir"),
    };
    return cmocka_run_group_tests_name("api", tests, NULL, NULL);
}
