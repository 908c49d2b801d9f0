/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* State backend factories through libctr.so: each runtime gets an instance
 * of its own, freed with the runtime; unregister; and libctr 0.1's
 * ctr_state_backend_register() of a version-1 vtable still works. */
#include <errno.h>

#include "test-helpers.h"
#include "backend-dir.h"

/* A factory over the "testdir" backend whose instances record what they see. */
struct factory_log {
    int made, freed;
    void *opened[4]; /* the instance each open() was called with */
    int n_opened;
};

struct instance {
    struct factory_log *log;
    int serial;
};

static int inst_open(void **ret_db, const char *dir, void *userdata)
{
    struct instance *i = userdata;
    if (i->log->n_opened < 4)
        i->log->opened[i->log->n_opened++] = i;
    return test_backend_dir()->open(ret_db, dir, NULL);
}

static void inst_free(void *userdata)
{
    struct instance *i = userdata;
    i->log->freed++;
    free(i);
}

static int inst_create(ctr_state_backend_t *b, void *userdata)
{
    struct factory_log *log = userdata;
    struct instance *i = calloc(1, sizeof *i);
    if (!i)
        return ctr_state_backend_error(-ENOMEM, "out of memory");
    *i = (struct instance){ .log = log, .serial = ++log->made };
    const ctr_state_backend_t *dir = test_backend_dir();
    b->version = CTR_STATE_BACKEND_VERSION;
    b->open = inst_open;
    b->close = dir->close;
    b->add = dir->add;
    b->remove = dir->remove;
    b->save_state = dir->save_state;
    b->get = dir->get;
    b->lookup_name = dir->lookup_name;
    b->iterate = dir->iterate;
    b->userdata = i;
    b->free = inst_free;
    return 0;
}

static ctr_runtime_t *open_runtime(struct test_root *t, const char *backend, int want)
{
    ctr_runtime_options_t o = CTR_RUNTIME_OPTIONS_INIT;
    o.root = t->root;
    o.run_root = t->run_root;
    o.state_backend = backend;
    ctr_runtime_t *rt = NULL;
    if (want == 0)
        assert_ctr_ok(ctr_runtime_new(&rt, &o));
    else
        assert_ctr_err(ctr_runtime_new(&rt, &o), want);
    return rt;
}

static void test_instances(void **state)
{
    (void)state;
    struct factory_log log = { 0 };
    ctr_state_backend_factory_t f = CTR_STATE_BACKEND_FACTORY_INIT;
    f.name = "counted";
    f.create = inst_create;
    f.userdata = &log;
    assert_ctr_ok(ctr_state_backend_factory_register(&f));
    assert_ctr_err(ctr_state_backend_factory_register(&f), -EEXIST);

    struct test_root t1, t2;
    test_root_make(&t1);
    test_root_make(&t2);
    ctr_runtime_t *a = open_runtime(&t1, "counted", 0);
    ctr_runtime_t *b = open_runtime(&t2, "counted", 0);
    assert_int_equal(log.made, 2);
    assert_int_equal(log.n_opened, 2);
    assert_ptr_not_equal(log.opened[0], log.opened[1]); /* each runtime its own instance */
    assert_string_equal(ctr_runtime_state_backend(a), "counted");

    /* Both work, each on its own root. */
    ctr_container_t *ca = test_container_on_root(a, "in-a");
    ctr_container_t *cb = test_container_on_root(b, "in-b");
    ctr_container_t *x = NULL;
    assert_ctr_err(ctr_runtime_lookup(a, "in-b", &x), -ENOENT);
    assert_ctr_ok(ctr_runtime_lookup(b, "in-b", &x));
    ctr_container_unref(x);

    /* Unregistered: no runtime opens with it any more; the open ones work. */
    assert_ctr_ok(ctr_state_backend_unregister("counted"));
    assert_ctr_err(ctr_state_backend_unregister("counted"), -ENOENT);
    open_runtime(&t1, "counted", -EINVAL);
    assert_int_equal(log.made, 2);
    assert_ctr_ok(ctr_container_remove(ca, 0));
    ctr_container_unref(ca);

    /* free() runs once per instance, when its runtime goes (a container
     * handle holds a reference on its runtime). */
    ctr_runtime_unref(a);
    assert_int_equal(log.freed, 1);
    ctr_runtime_unref(b);
    assert_int_equal(log.freed, 1);
    ctr_container_unref(cb);
    assert_int_equal(log.freed, 2);

    /* Registered again, the same root opens with its records. */
    assert_ctr_ok(ctr_state_backend_factory_register(&f));
    b = open_runtime(&t2, "counted", 0);
    assert_ctr_ok(ctr_runtime_lookup(b, "in-b", &x));
    ctr_container_unref(x);
    ctr_runtime_unref(b);
    assert_int_equal(log.made, 3);
    assert_int_equal(log.freed, 3);
    assert_ctr_ok(ctr_state_backend_unregister("counted"));
    test_root_remove(&t1);
    test_root_remove(&t2);
}

static int refusing_create(ctr_state_backend_t *b, void *userdata)
{
    (void)b;
    (void)userdata;
    return ctr_state_backend_error(-EACCES, "refusing to make an instance");
}

static void test_factory_errors(void **state)
{
    (void)state;
    assert_ctr_err(ctr_state_backend_factory_register(NULL), -EINVAL);
    ctr_state_backend_factory_t f = CTR_STATE_BACKEND_FACTORY_INIT;
    f.name = "refusing";
    assert_ctr_err(ctr_state_backend_factory_register(&f), -EINVAL); /* no create() */
    f.create = refusing_create;
    f.version = CTR_STATE_BACKEND_FACTORY_VERSION + 1;
    assert_ctr_err(ctr_state_backend_factory_register(&f), -EINVAL);
    f.version = CTR_STATE_BACKEND_FACTORY_VERSION;
    f.name = "tdb";
    assert_ctr_err(ctr_state_backend_factory_register(&f), -EEXIST);
    f.name = "refusing";
    assert_ctr_ok(ctr_state_backend_factory_register(&f));

    struct test_root t;
    test_root_make(&t);
    open_runtime(&t, "refusing", -EACCES);
    assert_non_null(strstr(ctr_error_last()->message, "refusing to make an instance"));
    assert_ctr_ok(ctr_state_backend_unregister("refusing"));
    assert_ctr_err(ctr_state_backend_unregister("files"), -EPERM);
    assert_ctr_err(ctr_state_backend_unregister(NULL), -EINVAL);
    test_root_remove(&t);
}

/* libctr 0.1's way: a version-1 vtable registered as is, still used by every
 * runtime opened with its name. */
static void test_v1_register(void **state)
{
    (void)state;
    static ctr_state_backend_t v1;
    v1 = *test_backend_dir();
    v1.version = 1;
    v1.name = "testdir-v1";
    assert_ctr_ok(ctr_state_backend_register(&v1));
    assert_ctr_err(ctr_state_backend_register(&v1), -EEXIST);
    struct test_root t;
    test_root_make(&t);
    ctr_runtime_t *rt = open_runtime(&t, "testdir-v1", 0);
    assert_string_equal(ctr_runtime_state_backend(rt), "testdir-v1");
    ctr_container_unref(test_container_on_root(rt, "old"));
    ctr_runtime_unref(rt);
    rt = open_runtime(&t, "testdir-v1", 0);
    ctr_container_t *c = NULL;
    assert_ctr_ok(ctr_runtime_lookup(rt, "old", &c));
    ctr_container_unref(c);
    ctr_runtime_unref(rt);
    assert_ctr_ok(ctr_state_backend_unregister("testdir-v1"));
    open_runtime(&t, "testdir-v1", -EINVAL);

    /* The current version with a free() is refused: that is a factory's. */
    ctr_state_backend_t v2 = CTR_STATE_BACKEND_INIT;
    assert_int_equal(v2.version, CTR_STATE_BACKEND_VERSION);
    assert_null(v2.free);
    v2 = *test_backend_dir();
    v2.name = "with-free";
    v2.free = free;
    assert_ctr_err(ctr_state_backend_register(&v2), -EINVAL);
    test_root_remove(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_instances),
        cmocka_unit_test(test_factory_errors),
        cmocka_unit_test(test_v1_register),
    };
    return cmocka_run_group_tests_name("api-state-factory", tests, NULL, NULL);
}
