/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The public volume API through libctr.so, on both built-in backends and on
 * a plug-in backend of version 2 (no object records): create, lookup,
 * exists, list with filters, inspect, remove, prune, the errors; volumes of
 * containers made (never started) with volume mounts. */
#include <errno.h>
#include <stdbool.h>
#include <sys/stat.h>

#include <libctr/sys/ctr-state.h>

#include "backend-dir.h"
#include "test-helpers.h"

static const char *backend_name = "files";

struct fix {
    struct test_root root;
    ctr_runtime_t *rt;
};

static int setup(void **state)
{
    struct fix *f = calloc(1, sizeof *f);
    test_root_make(&f->root);
    f->rt = test_runtime(&f->root, backend_name);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fix *f = *state;
    ctr_runtime_unref(f->rt);
    test_root_remove(&f->root);
    free(f);
    return 0;
}

static ctr_volume_t *make(ctr_runtime_t *rt, const char *name, const char *const *labels, const char *const *opts)
{
    ctr_volume_options_t o = CTR_VOLUME_OPTIONS_INIT;
    o.name = name;
    o.labels = labels;
    o.options = opts;
    ctr_volume_t *v = NULL;
    assert_ctr_ok(ctr_volume_create(rt, &o, &v));
    assert_non_null(v);
    return v;
}

static size_t count(ctr_runtime_t *rt, const char *const *filters, const char *first)
{
    ctr_volume_t **list = NULL;
    size_t n = 99;
    assert_ctr_ok(ctr_volume_list(rt, filters, &list, &n));
    if (first) {
        assert_true(n > 0);
        assert_string_equal(ctr_volume_name(list[0]), first);
    }
    assert_null(list[n]);
    ctr_volume_list_free(list, n);
    return n;
}

static bool path_exists(const char *p)
{
    struct stat st;
    return lstat(p, &st) == 0;
}

static void test_create_inspect_remove(void **state)
{
    struct fix *f = *state;
    const char *labels[] = { "b=2", "a=1", NULL };
    const char *opts[] = { "type=tmpfs", "device=tmpfs", "o=size=10m", NULL };
    ctr_volume_t *v = make(f->rt, "data.1", labels, opts);
    assert_string_equal(ctr_volume_name(v), "data.1");
    assert_string_equal(ctr_volume_driver(v), "local");
    assert_string_equal(ctr_volume_labels(v)[0], "a=1");
    assert_string_equal(ctr_volume_options(v)[0], "device=tmpfs");
    assert_int_equal(ctr_volume_anonymous(v), 0);
    assert_true(ctr_volume_created(v) > 0);
    char want[300];
    snprintf(want, sizeof want, "%s/volumes/data.1/_data", f->root.root);
    assert_string_equal(ctr_volume_mountpoint(v), want);
    assert_true(path_exists(want));

    char *js = NULL;
    assert_ctr_ok(ctr_volume_inspect(v, &js));
    static const char *const keys[] = { "\"Name\":\"data.1\"", "\"Driver\":\"local\"", "\"Mountpoint\":\"/",
                                        "\"CreatedAt\":\"", "\"Labels\":{", "\"Scope\":\"local\"",
                                        "\"Options\":{", "\"MountCount\":0", "\"NeedsCopyUp\":true",
                                        "\"o\":\"size=10m\"", "\"a\":\"1\"" };
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        if (!strstr(js, keys[i]))
            fail_msg("inspect lacks %s: %s", keys[i], js);
    assert_null(strstr(js, "Anonymous"));
    ctr_free(js);

    ctr_volume_t *again = NULL;
    assert_ctr_ok(ctr_volume_lookup(f->rt, "data.1", &again));
    assert_string_equal(ctr_volume_name(again), "data.1");
    ctr_volume_unref(again);
    assert_int_equal(ctr_volume_exists(f->rt, "data.1"), 1);
    assert_int_equal(ctr_volume_exists(f->rt, "data.2"), 0);

    ctr_volume_options_t o = CTR_VOLUME_OPTIONS_INIT;
    o.name = "data.1";
    assert_ctr_err(ctr_volume_create(f->rt, &o, NULL), -EEXIST);
    assert_non_null(strstr(ctr_error_last()->message, "already exists"));

    assert_ctr_ok(ctr_volume_remove(f->rt, "data.1", 0));
    assert_false(path_exists(want));
    assert_ctr_err(ctr_volume_remove(f->rt, "data.1", 0), -ENOENT);
    assert_ctr_err(ctr_volume_inspect(v, &js), -ENOENT);
    assert_ctr_err(ctr_volume_lookup(f->rt, "data.1", &again), -ENOENT);
    ctr_volume_unref(v);
    assert_int_equal(count(f->rt, NULL, NULL), 0);

    /* A generated name: 64 hex digits. */
    ctr_volume_options_t g = CTR_VOLUME_OPTIONS_INIT;
    assert_ctr_ok(ctr_volume_create(f->rt, &g, &v));
    assert_int_equal(strlen(ctr_volume_name(v)), 64);
    assert_int_equal(strspn(ctr_volume_name(v), "0123456789abcdef"), 64);
    ctr_volume_unref(v);
}

/* Bad input: a clear error, and nothing made. */
static void test_bad_input(void **state)
{
    struct fix *f = *state;
    ctr_volume_options_t o = CTR_VOLUME_OPTIONS_INIT;
    const char *bad_names[] = { "a/b", "../x", ".hidden", "-x", "a b" };
    for (size_t i = 0; i < sizeof bad_names / sizeof bad_names[0]; i++) {
        o.name = bad_names[i];
        assert_ctr_err(ctr_volume_create(f->rt, &o, NULL), -EINVAL);
        assert_non_null(strstr(ctr_error_last()->message, "[a-zA-Z0-9][a-zA-Z0-9_.-]*"));
    }
    o.name = "a/b";
    assert_ctr_err(ctr_volume_create(f->rt, &o, NULL), -EINVAL);
    assert_non_null(strstr(ctr_error_last()->message, "not a path"));
    o.name = "";
    assert_ctr_err(ctr_volume_create(f->rt, &o, NULL), -EINVAL);

    o.name = "ok";
    const char *unknown[] = { "color=red", NULL };
    o.options = unknown;
    assert_ctr_err(ctr_volume_create(f->rt, &o, NULL), -EINVAL);
    assert_non_null(strstr(ctr_error_last()->message, "invalid mount option color for driver 'local'"));
    const char *nodev[] = { "type=bind", "device=/nonexistent/dir", NULL };
    o.options = nodev;
    assert_ctr_err(ctr_volume_create(f->rt, &o, NULL), -EINVAL);
    const char *notkv[] = { "type", NULL };
    o.options = notkv;
    assert_ctr_err(ctr_volume_create(f->rt, &o, NULL), -EINVAL);
    o.options = NULL;
    o.driver = "nfs";
    assert_ctr_err(ctr_volume_create(f->rt, &o, NULL), -EOPNOTSUPP);
    o.driver = NULL;
    const char *badlabel[] = { "=x", NULL };
    o.labels = badlabel;
    assert_ctr_err(ctr_volume_create(f->rt, &o, NULL), -EINVAL);

    assert_int_equal(count(f->rt, NULL, NULL), 0);
    char dir[300];
    snprintf(dir, sizeof dir, "%s/volumes", f->root.root);
    assert_true(test_count_entries(dir) <= 0);

    const char *badf[] = { "colour=red", NULL };
    ctr_volume_t **list = NULL;
    size_t n = 0;
    assert_ctr_err(ctr_volume_list(f->rt, badf, &list, &n), -EINVAL);
    assert_non_null(strstr(ctr_error_last()->message, "\"colour\" is an invalid volume filter"));
    const char *badd[] = { "dangling=maybe", NULL };
    assert_ctr_err(ctr_volume_list(f->rt, badd, &list, &n), -EINVAL);
    const char *name_only[] = { "name=x", NULL };
    assert_ctr_err(ctr_volume_prune(f->rt, name_only, 0, NULL), -EINVAL);
}

static void test_filters_prune(void **state)
{
    struct fix *f = *state;
    const char *l1[] = { "app=web", "tier=front", NULL };
    const char *l2[] = { "app=db", NULL };
    const char *tmpfs[] = { "type=tmpfs", "device=tmpfs", NULL };
    ctr_volume_unref(make(f->rt, "web1", l1, NULL));
    ctr_volume_unref(make(f->rt, "web2", l1, tmpfs));
    ctr_volume_unref(make(f->rt, "db", l2, NULL));
    assert_int_equal(count(f->rt, NULL, "db"), 3);
    assert_int_equal(count(f->rt, (const char *[]){ "name=web", NULL }, "web1"), 2);
    assert_int_equal(count(f->rt, (const char *[]){ "name=^d", NULL }, "db"), 1);
    assert_int_equal(count(f->rt, (const char *[]){ "label=app", NULL }, NULL), 3);
    assert_int_equal(count(f->rt, (const char *[]){ "label=app=db", NULL }, "db"), 1);
    assert_int_equal(count(f->rt, (const char *[]){ "label=tier", "name=2", NULL }, "web2"), 1);
    assert_int_equal(count(f->rt, (const char *[]){ "opt=type=tmpfs", NULL }, "web2"), 1);
    assert_int_equal(count(f->rt, (const char *[]){ "driver=local", NULL }, NULL), 3);
    assert_int_equal(count(f->rt, (const char *[]){ "driver=other", NULL }, NULL), 0);
    assert_int_equal(count(f->rt, (const char *[]){ "dangling=true", NULL }, NULL), 3);
    assert_int_equal(count(f->rt, (const char *[]){ "dangling=false", NULL }, NULL), 0);
    assert_int_equal(count(f->rt, (const char *[]){ "until=1h", NULL }, NULL), 0);

    char **removed = NULL;
    assert_int_equal(ctr_volume_prune(f->rt, (const char *[]){ "label=app=web", NULL }, 0, &removed), 2);
    assert_string_equal(removed[0], "web1");
    assert_string_equal(removed[1], "web2");
    assert_null(removed[2]);
    ctr_strv_free(removed);
    assert_int_equal(ctr_volume_prune(f->rt, NULL, 0, NULL), 1);
    assert_int_equal(count(f->rt, NULL, NULL), 0);
}

/* A container with volume mounts (made, never started). */
static ctr_container_t *with_mounts(ctr_runtime_t *rt, const char *name, const ctr_mount_t *m, size_t n)
{
    ctr_container_options_t o = CTR_CONTAINER_OPTIONS_INIT;
    const char *cmd[] = { "/bin/true", NULL };
    o.name = name;
    o.rootfs = "/";
    o.command = cmd;
    o.mounts = m;
    o.n_mounts = n;
    ctr_container_t *c = NULL;
    assert_ctr_ok(ctr_container_create(&c, rt, &o));
    return c;
}

static void test_containers(void **state)
{
    struct fix *f = *state;
    ctr_mount_t m[] = { { "volume", "shared", "/data", NULL }, { "volume", NULL, "/anon", NULL } };
    ctr_container_t *c1 = with_mounts(f->rt, "c1", m, 2);
    /* The named volume was made, and an anonymous one. */
    assert_int_equal(ctr_volume_exists(f->rt, "shared"), 1);
    ctr_volume_t **list = NULL;
    size_t n = 0;
    assert_ctr_ok(ctr_volume_list(f->rt, NULL, &list, &n));
    assert_int_equal(n, 2);
    const ctr_volume_t *anon = ctr_volume_anonymous(list[0]) ? list[0] : list[1];
    assert_int_equal(ctr_volume_anonymous(anon), 1);
    char anon_name[65];
    snprintf(anon_name, sizeof anon_name, "%s", ctr_volume_name(anon));
    assert_int_equal(strspn(anon_name, "0123456789abcdef"), 64);
    char *js = NULL;
    assert_ctr_ok(ctr_volume_inspect((ctr_volume_t *)anon, &js));
    assert_non_null(strstr(js, "\"Anonymous\":true"));
    ctr_free(js);
    ctr_volume_list_free(list, n);
    assert_int_equal(count(f->rt, (const char *[]){ "dangling=false", NULL }, NULL), 2);

    /* A second container uses the named one as it is. */
    ctr_mount_t m2[] = { { "volume", "shared", "/other", NULL } };
    ctr_container_t *c2 = with_mounts(f->rt, "c2", m2, 1);

    /* In use: refused, naming a container; prune leaves it. */
    assert_ctr_err(ctr_volume_remove(f->rt, "shared", 0), -EBUSY);
    assert_non_null(strstr(ctr_error_last()->message, "is being used by the following container(s): c"));
    assert_int_equal(ctr_volume_prune(f->rt, NULL, 0, NULL), 0);

    /* rm without CTR_REMOVE_VOLUMES keeps the anonymous volume (podman). */
    assert_ctr_ok(ctr_container_remove(c2, 0));
    ctr_container_unref(c2);
    assert_int_equal(ctr_volume_exists(f->rt, "shared"), 1);

    /* Forced: the containers that use it go first. */
    assert_ctr_ok(ctr_volume_remove(f->rt, "shared", CTR_VOLUME_REMOVE_FORCE));
    assert_int_equal(ctr_volume_exists(f->rt, "shared"), 0);
    ctr_container_t *gone = NULL;
    assert_ctr_err(ctr_runtime_lookup(f->rt, "c1", &gone), -ENOENT);
    ctr_container_unref(c1);
    /* Its anonymous volume is dangling now, and pruned. */
    assert_int_equal(ctr_volume_exists(f->rt, anon_name), 1);
    assert_int_equal(count(f->rt, (const char *[]){ "dangling=true", NULL }, anon_name), 1);
    assert_int_equal(ctr_volume_prune(f->rt, NULL, 0, NULL), 1);

    /* CTR_REMOVE_VOLUMES takes the anonymous ones, not the named ones. */
    ctr_container_t *c3 = with_mounts(f->rt, "c3", m, 2);
    assert_int_equal(count(f->rt, NULL, NULL), 2);
    assert_ctr_ok(ctr_container_remove(c3, CTR_REMOVE_VOLUMES));
    ctr_container_unref(c3);
    assert_int_equal(count(f->rt, NULL, "shared"), 1);
    assert_ctr_ok(ctr_volume_remove(f->rt, "shared", 0));
}

/* A volume name with '/' in a mount: refused before anything is made. */
static void test_container_bad_volume(void **state)
{
    struct fix *f = *state;
    ctr_container_options_t o = CTR_CONTAINER_OPTIONS_INIT;
    const char *cmd[] = { "/bin/true", NULL };
    ctr_mount_t m[] = { { "volume", "a/b", "/data", NULL } };
    o.name = "bad";
    o.rootfs = "/";
    o.command = cmd;
    o.mounts = m;
    o.n_mounts = 1;
    ctr_container_t *c = NULL;
    assert_ctr_err(ctr_container_create(&c, f->rt, &o), -EINVAL);
    assert_non_null(strstr(ctr_error_last()->message, "a/b"));
    assert_null(c);
    assert_ctr_err(ctr_runtime_lookup(f->rt, "bad", &c), -ENOENT);
    assert_int_equal(count(f->rt, NULL, NULL), 0);
}

/* A refresh removes the data directories without a record (a create that
 * died between the two), and keeps the others. */
static void test_refresh_sweeps(void **state)
{
    struct fix *f = *state;
    ctr_volume_unref(make(f->rt, "kept", NULL, NULL));
    char orphan[300], cmd[700];
    snprintf(orphan, sizeof orphan, "%s/volumes/orphan/_data", f->root.root);
    snprintf(cmd, sizeof cmd, "mkdir -p %s && touch %s/x", orphan, orphan);
    assert_int_equal(system(cmd), 0);
    assert_ctr_ok(ctr_runtime_refresh(f->rt));
    assert_false(path_exists(orphan));
    assert_int_equal(ctr_volume_exists(f->rt, "kept"), 1);
    snprintf(orphan, sizeof orphan, "%s/volumes/kept/_data", f->root.root);
    assert_true(path_exists(orphan));
}

/* A backend of version 2 keeps no object records: volumes are refused with
 * a message naming it, containers without volumes work. */
static int copy_v2(ctr_state_backend_t *b, void *userdata)
{
    memcpy(b, test_backend_dir(), offsetof(ctr_state_backend_t, obj_add));
    b->version = 2;
    return 0;
}

static void test_old_backend(void **state)
{
    (void)state;
    ctr_state_backend_factory_t fac = CTR_STATE_BACKEND_FACTORY_INIT;
    fac.name = "testdir-v2";
    fac.create = copy_v2;
    assert_ctr_ok(ctr_state_backend_factory_register(&fac));
    struct test_root root;
    test_root_make(&root);
    ctr_runtime_t *rt = test_runtime(&root, "testdir-v2");
    ctr_volume_options_t o = CTR_VOLUME_OPTIONS_INIT;
    o.name = "v";
    assert_ctr_err(ctr_volume_create(rt, &o, NULL), -EOPNOTSUPP);
    assert_non_null(strstr(ctr_error_last()->message, "testdir-v2"));
    ctr_volume_t **list = NULL;
    size_t n = 0;
    assert_ctr_err(ctr_volume_list(rt, NULL, &list, &n), -EOPNOTSUPP);
    ctr_container_t *c = test_container_on_root(rt, "novols");
    assert_ctr_ok(ctr_container_remove(c, CTR_REMOVE_VOLUMES));
    ctr_container_unref(c);
    ctr_mount_t m[] = { { "volume", "x", "/data", NULL } };
    ctr_container_options_t co = CTR_CONTAINER_OPTIONS_INIT;
    const char *cmd[] = { "/bin/true", NULL };
    co.rootfs = "/";
    co.command = cmd;
    co.mounts = m;
    co.n_mounts = 1;
    assert_ctr_err(ctr_container_create(&c, rt, &co), -EOPNOTSUPP);
    ctr_runtime_unref(rt);
    test_root_remove(&root);
    assert_ctr_ok(ctr_state_backend_unregister("testdir-v2"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_create_inspect_remove, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_input, setup, teardown),
        cmocka_unit_test_setup_teardown(test_filters_prune, setup, teardown),
        cmocka_unit_test_setup_teardown(test_containers, setup, teardown),
        cmocka_unit_test_setup_teardown(test_container_bad_volume, setup, teardown),
        cmocka_unit_test_setup_teardown(test_refresh_sweeps, setup, teardown),
    };
    const struct CMUnitTest once[] = { cmocka_unit_test(test_old_backend) };
    int failed = 0;
    static const char *const backends[] = { "files", "tdb" };
    for (size_t i = 0; i < 2; i++) {
        backend_name = backends[i];
        char name[64];
        snprintf(name, sizeof name, "volume-api[%s]", backend_name);
        failed += _cmocka_run_group_tests(name, tests, sizeof tests / sizeof tests[0], NULL, NULL);
    }
    failed += cmocka_run_group_tests(once, NULL, NULL);
    return failed;
}
