/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The state's schema through libctr.so: roots written by a libctr of schema
 * 1 (before pods; tests/fixtures/schema1-roots.tar.gz, made by
 * tests/fixtures/make-schema1-roots.sh) open with this one, on both built-in
 * backends, and keep every container (names, labels, stop signal, the exit
 * code of one that ran, a rename) and take pods; the upgrade puts a pod's
 * members back in its member index; a root of a newer schema is refused. */
#include <errno.h>
#include <json-c/json.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "test-helpers.h"

static const char *backend_name = "files";

/* Where the fixture's roots and run roots were made, and are extracted
 * again (a config names its static and run directories: a root cannot
 * move); the run roots start empty, as after a reboot. */
#define FIXTURE_DIR "/tmp/libctr-schema1-fixture"

struct fix {
    char state_root[320]; /* the fixture's root of this backend */
};

static void run_or_fail(const char *cmd)
{
    if (system(cmd) != 0)
        fail_msg("failed: %s", cmd);
}

static int setup(void **state)
{
    struct fix *f = calloc(1, sizeof *f);
    const char *src = getenv("SOURCE_ROOT");
    char cmd[768];
    snprintf(cmd, sizeof cmd, "rm -rf " FIXTURE_DIR " && mkdir " FIXTURE_DIR " && tar -C " FIXTURE_DIR
             " -xzf '%s/tests/fixtures/schema1-roots.tar.gz'", src ? src : ".");
    run_or_fail(cmd);
    snprintf(f->state_root, sizeof f->state_root, FIXTURE_DIR "/%s", backend_name);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fix *f = *state;
    run_or_fail("rm -rf " FIXTURE_DIR);
    free(f);
    return 0;
}

static int open_rt(struct fix *f, ctr_runtime_t **ret)
{
    ctr_runtime_options_t o = CTR_RUNTIME_OPTIONS_INIT;
    o.root = f->state_root;
    char run_root[320];
    snprintf(run_root, sizeof run_root, FIXTURE_DIR "/run-%s", backend_name);
    o.run_root = run_root;
    o.state_backend = backend_name;
    return ctr_runtime_new(ret, &o);
}

static void test_old_root_keeps_its_containers(void **state)
{
    struct fix *f = *state;
    ctr_runtime_t *rt = NULL;
    assert_ctr_ok(open_rt(f, &rt));
    ctr_container_t **list = NULL;
    size_t n = 0;
    assert_ctr_ok(ctr_runtime_list(rt, NULL, NULL, &list, &n));
    assert_int_equal(n, 3);
    ctr_container_list_free(list, n);
    ctr_container_t *c = NULL;
    assert_ctr_ok(ctr_runtime_lookup(rt, "configured", &c));
    char **labels = NULL;
    assert_ctr_ok(ctr_container_labels(c, &labels));
    assert_string_equal(labels[0], "app=web");
    assert_string_equal(labels[1], "tier=front");
    for (char **l = labels; *l; l++)
        ctr_free(*l);
    ctr_free(labels);
    assert_int_equal(ctr_container_stop_signal(c), SIGINT);
    ctr_state_t st;
    assert_ctr_ok(ctr_container_state(c, &st));
    assert_int_equal(st, CTR_STATE_CONFIGURED);
    ctr_container_unref(c);
    assert_ctr_ok(ctr_runtime_lookup(rt, "exited", &c));
    int code = -1;
    assert_ctr_ok(ctr_container_state(c, &st));
    assert_int_equal(st, CTR_STATE_EXITED);
    assert_ctr_ok(ctr_container_exit_code(c, &code));
    assert_int_equal(code, 3);
    ctr_container_unref(c);
    assert_ctr_ok(ctr_runtime_lookup(rt, "renamed", &c));
    ctr_container_unref(c);
    assert_ctr_err(ctr_runtime_lookup(rt, "before-rename", &c), -ENOENT);
    /* The upgraded root takes pods, and its containers still go. */
    ctr_pod_options_t po = CTR_POD_OPTIONS_INIT;
    po.name = "newpod";
    po.flags = CTR_POD_CREATE_NO_INFRA;
    ctr_pod_t *pod = NULL;
    assert_ctr_ok(ctr_pod_create(rt, &po, &pod));
    po.name = "renamed"; /* a container's name */
    ctr_pod_t *dup = NULL;
    assert_ctr_err(ctr_pod_create(rt, &po, &dup), -EEXIST);
    assert_ctr_ok(ctr_pod_remove(pod, 0));
    ctr_pod_unref(pod);
    assert_ctr_ok(ctr_runtime_remove(rt, "exited", 0));
    ctr_runtime_unref(rt);
    /* Opened again: upgraded once, nothing lost. */
    assert_ctr_ok(open_rt(f, &rt));
    assert_ctr_ok(ctr_runtime_list(rt, NULL, NULL, &list, &n));
    assert_int_equal(n, 2);
    ctr_container_list_free(list, n);
    ctr_runtime_unref(rt);
}

/* The files backend keeps object records as obj/KIND/NAME. */
static void write_obj(struct fix *f, const char *kind, const char *name, const char *doc)
{
    char path[512];
    snprintf(path, sizeof path, "%s/state/files/obj/%s", f->state_root, kind);
    mkdir(path, 0700);
    snprintf(path, sizeof path, "%s/state/files/obj/%s/%s", f->state_root, kind, name);
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    fputs(doc, fp);
    fclose(fp);
}

static void test_newer_schema_refused(void **state)
{
    struct fix *f = *state;
    ctr_runtime_t *rt = NULL;
    assert_ctr_ok(open_rt(f, &rt)); /* upgraded to this libctr's */
    ctr_runtime_unref(rt);
    write_obj(f, "meta", "schema", "{\"version\":3}");
    assert_ctr_err(open_rt(f, &rt), -EPROTONOSUPPORT);
    write_obj(f, "meta", "schema", "{\"version\":\"x\"}");
    assert_ctr_err(open_rt(f, &rt), -EUCLEAN);
}

/* A pod's member index lost, and the schema record with it: the upgrade
 * indexes the members again from their configs. */
static void test_upgrade_indexes_members(void **state)
{
    struct fix *f = *state;
    ctr_runtime_t *rt = NULL;
    assert_ctr_ok(open_rt(f, &rt));
    ctr_pod_options_t po = CTR_POD_OPTIONS_INIT;
    po.name = "grp";
    po.flags = CTR_POD_CREATE_NO_INFRA;
    ctr_pod_t *pod = NULL;
    assert_ctr_ok(ctr_pod_create(rt, &po, &pod));
    ctr_container_options_t co = CTR_CONTAINER_OPTIONS_INIT;
    co.rootfs = "/";
    co.name = "member";
    co.pod = "grp";
    ctr_container_t *c = NULL;
    assert_ctr_ok(ctr_container_create(&c, rt, &co));
    char doc[512];
    snprintf(doc, sizeof doc,
             "{\"version\":1,\"id\":\"%s\",\"name\":\"grp\",\"created\":%lld,\"labels\":[],\"share\":[],"
             "\"exitPolicy\":\"continue\",\"cgroupParent\":\"/libctr_parent\",\"members\":[]}",
             ctr_pod_id(pod), (long long)ctr_pod_created(pod));
    ctr_container_unref(c);
    ctr_runtime_unref(rt);
    write_obj(f, "pod", ctr_pod_id(pod), doc);
    char path[512];
    snprintf(path, sizeof path, "%s/state/files/obj/meta/schema", f->state_root);
    assert_int_equal(unlink(path), 0);
    assert_ctr_ok(open_rt(f, &rt));
    ctr_pod_t *again = NULL;
    assert_ctr_ok(ctr_pod_lookup(rt, "grp", &again));
    char **ids = NULL;
    assert_ctr_ok(ctr_pod_containers(again, &ids));
    assert_non_null(ids[0]);
    assert_ctr_ok(ctr_runtime_lookup(rt, ids[0], &c));
    assert_string_equal(ctr_container_name(c), "member");
    c = ctr_container_unref(c);
    assert_null(ids[1]);
    for (char **i = ids; *i; i++)
        ctr_free(*i);
    ctr_free(ids);
    assert_ctr_ok(ctr_pod_remove(again, CTR_POD_REMOVE_FORCE));
    assert_ctr_err(ctr_runtime_lookup(rt, "member", &c), -ENOENT);
    ctr_pod_unref(again);
    ctr_pod_unref(pod);
    ctr_runtime_unref(rt);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_old_root_keeps_its_containers, setup, teardown),
    };
    const struct CMUnitTest files_only[] = {
        cmocka_unit_test_setup_teardown(test_newer_schema_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_upgrade_indexes_members, setup, teardown),
    };
    int failed = 0;
    static const char *const backends[] = { "files", "tdb" };
    for (size_t i = 0; i < sizeof backends / sizeof backends[0]; i++) {
        backend_name = backends[i];
        char name[64];
        snprintf(name, sizeof name, "schema-api[%s]", backend_name);
        failed += _cmocka_run_group_tests(name, tests, sizeof tests / sizeof tests[0], NULL, NULL);
    }
    backend_name = "files";
    failed += cmocka_run_group_tests(files_only, NULL, NULL);
    return failed;
}
