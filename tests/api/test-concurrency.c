/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Several processes on one runtime root: batches serialize (no lost update),
 * and a process killed at any point leaves the state consistent. */
#include <errno.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>

#include "backend-dir.h"
#include "test-helpers.h"

#define PROCS 4
/* 500 rounds per process; under valgrind (CTR_TEST_VALGRIND=1) fewer, since
 * every round there is a hundred times slower. */
static int rounds(void)
{
    const char *v = getenv("CTR_TEST_VALGRIND");
    return v && *v == '1' ? 25 : 500;
}
#define ROUNDS rounds()

static int increment(ctr_container_t *c, void *userdata)
{
    void *data = NULL;
    size_t size = 0;
    int r = ctr_container_artifact_get(c, "counter", &data, &size);
    if (r < 0)
        return r;
    long n = strtol(data, NULL, 10);
    ctr_free(data);
    char buf[32];
    int len = snprintf(buf, sizeof buf, "%ld", n + 1);
    return ctr_container_artifact_add(c, "counter", buf, (size_t)len);
}

static void test_no_lost_updates(void **state)
{
    const char *backend = *state;
    struct test_root t;
    test_root_make(&t);
    ctr_runtime_t *rt = test_runtime(&t, backend);
    ctr_container_options_t o = CTR_CONTAINER_OPTIONS_INIT;
    o.name = "shared";
    o.rootfs = "/";
    ctr_container_t *c = NULL;
    assert_ctr_ok(ctr_container_create(&c, rt, &o));
    assert_ctr_ok(ctr_container_artifact_add(c, "counter", "0", 1));
    ctr_container_unref(c);
    ctr_runtime_unref(rt);

    pid_t pids[PROCS];
    for (int p = 0; p < PROCS; p++) {
        pids[p] = fork();
        assert_true(pids[p] >= 0);
        if (pids[p] == 0) {
            /* Each process opens its own runtime and handle. */
            ctr_runtime_options_t ro = CTR_RUNTIME_OPTIONS_INIT;
            ro.root = t.root;
            ro.run_root = t.run_root;
            ro.state_backend = backend;
            ctr_runtime_t *crt = NULL;
            ctr_container_t *cc = NULL;
            if (ctr_runtime_new(&crt, &ro) < 0 || ctr_runtime_lookup(crt, "shared", &cc) < 0)
                _exit(2);
            for (int i = 0; i < ROUNDS; i++)
                if (ctr_container_batch(cc, increment, NULL) < 0) {
                    fprintf(stderr, "batch: %s\n", ctr_error_last()->message);
                    _exit(3);
                }
            ctr_container_unref(cc);
            ctr_runtime_unref(crt);
            _exit(0);
        }
    }
    for (int p = 0; p < PROCS; p++) {
        int status;
        assert_int_equal(waitpid(pids[p], &status, 0), pids[p]);
        assert_true(WIFEXITED(status));
        assert_int_equal(WEXITSTATUS(status), 0);
    }
    rt = test_runtime(&t, backend);
    assert_ctr_ok(ctr_runtime_lookup(rt, "shared", &c));
    void *data = NULL;
    assert_ctr_ok(ctr_container_artifact_get(c, "counter", &data, NULL));
    assert_int_equal(strtol(data, NULL, 10), PROCS * ROUNDS);
    ctr_free(data);
    ctr_container_unref(c);
    ctr_runtime_unref(rt);
    test_root_remove(&t);
}

/* Threads sharing one handle serialize the same way. */
#include <pthread.h>
struct thread_arg {
    ctr_container_t *c;
    int failures;
};

static void *thread_main(void *p)
{
    struct thread_arg *a = p;
    for (int i = 0; i < 100; i++)
        if (ctr_container_batch(a->c, increment, NULL) < 0)
            a->failures++;
    return NULL;
}

static void test_threads_share_handle(void **state)
{
    const char *backend = *state;
    /* valgrind 3.19 does not know F_OFD_SETLKW blocks: a thread waiting for
     * a lock keeps valgrind's scheduler lock, and the holder never runs.
     * The same locking is covered by the processes test and by the normal
     * run of this one. */
    if (rounds() < 500)
        skip();
    struct test_root t;
    test_root_make(&t);
    ctr_runtime_t *rt = test_runtime(&t, backend);
    ctr_container_options_t o = CTR_CONTAINER_OPTIONS_INIT;
    o.rootfs = "/";
    ctr_container_t *c = NULL, *c2 = NULL;
    assert_ctr_ok(ctr_container_create(&c, rt, &o));
    assert_ctr_ok(ctr_container_artifact_add(c, "counter", "0", 1));
    assert_ctr_ok(ctr_runtime_lookup(rt, ctr_container_id(c), &c2));
    pthread_t th[4];
    struct thread_arg args[4];
    for (int i = 0; i < 4; i++) {
        /* Two threads on each of two handles of the same container. */
        args[i] = (struct thread_arg){ i % 2 ? c : c2, 0 };
        assert_int_equal(pthread_create(&th[i], NULL, thread_main, &args[i]), 0);
    }
    for (int i = 0; i < 4; i++) {
        pthread_join(th[i], NULL);
        assert_int_equal(args[i].failures, 0);
    }
    void *data = NULL;
    assert_ctr_ok(ctr_container_artifact_get(c, "counter", &data, NULL));
    assert_int_equal(strtol(data, NULL, 10), 400);
    ctr_free(data);
    ctr_container_unref(c2);
    ctr_container_unref(c);
    ctr_runtime_unref(rt);
    test_root_remove(&t);
}

/* A child creates, changes and removes containers in a loop until killed. */
static void churn(const struct test_root *t, const char *backend)
{
    ctr_runtime_options_t ro = CTR_RUNTIME_OPTIONS_INIT;
    ro.root = t->root;
    ro.run_root = t->run_root;
    ro.state_backend = backend;
    ctr_runtime_t *rt = NULL;
    if (ctr_runtime_new(&rt, &ro) < 0)
        _exit(2);
    const char *labels[] = { "crash=test", NULL };
    for (unsigned i = 0;; i++) {
        char name[32];
        snprintf(name, sizeof name, "churn-%u-%d", i, (int)getpid());
        ctr_container_options_t o = CTR_CONTAINER_OPTIONS_INIT;
        o.name = name;
        o.rootfs = "/";
        o.labels = labels;
        ctr_container_t *c = NULL;
        if (ctr_container_create(&c, rt, &o) < 0)
            _exit(3);
        ctr_container_artifact_add(c, "a", name, strlen(name));
        if (i % 3 == 0)
            ctr_container_remove(c, 0);
        ctr_container_unref(c);
    }
}

static void check_consistent(const struct test_root *t, const char *backend, size_t *ret_count)
{
    ctr_runtime_t *rt = test_runtime((struct test_root *)t, backend); /* the database opens */
    ctr_container_t **l = NULL;
    size_t n = 0;
    assert_ctr_ok(ctr_runtime_list(rt, NULL, NULL, &l, &n));
    for (size_t i = 0; i < n; i++) {
        /* Fully there: config, state, name index and static dir agree. */
        ctr_container_t *c = NULL;
        assert_ctr_ok(ctr_runtime_lookup(rt, ctr_container_name(l[i]), &c));
        assert_string_equal(ctr_container_id(c), ctr_container_id(l[i]));
        assert_string_equal(ctr_container_label(c, "crash"), "test");
        ctr_state_t st;
        assert_ctr_ok(ctr_container_state(c, &st));
        assert_true(st == CTR_STATE_CONFIGURED || st == CTR_STATE_REMOVING);
        struct stat sb;
        if (st == CTR_STATE_CONFIGURED)
            assert_int_equal(stat(ctr_container_static_dir(c), &sb), 0);
        /* A half-removed container can be removed now. */
        if (st == CTR_STATE_REMOVING)
            assert_ctr_ok(ctr_container_remove(c, 0));
        ctr_container_unref(c);
    }
    ctr_container_list_free(l, n);
    ctr_runtime_unref(rt);
    *ret_count = n;
}

static void test_killed_caller(void **state)
{
    const char *backend = *state;
    struct test_root t;
    test_root_make(&t);
    unsigned seed = (unsigned)time(NULL) ^ (unsigned)getpid();
    size_t seen = 0;
    int kill_rounds = rounds() < 500 ? 3 : 30;
    for (int round = 0; round < kill_rounds; round++) {
        pid_t pid = fork();
        assert_true(pid >= 0);
        if (pid == 0)
            churn(&t, backend);
        long ms = (long)(1 + rand_r(&seed) % 40) * (rounds() < 500 ? 20 : 1);
        struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
        nanosleep(&ts, NULL);
        kill(pid, SIGKILL);
        int status;
        assert_int_equal(waitpid(pid, &status, 0), pid);
        assert_true(WIFSIGNALED(status));
        size_t n = 0;
        check_consistent(&t, backend, &n);
        seen += n;
    }
    assert_true(seen > 0); /* the children did get work done */
    test_root_remove(&t);
}

int main(void)
{
    if (ctr_state_backend_register(test_backend_dir()) < 0)
        return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_prestate(test_no_lost_updates, "files"),
        cmocka_unit_test_prestate(test_no_lost_updates, "tdb"),
        cmocka_unit_test_prestate(test_no_lost_updates, "testdir"),
        cmocka_unit_test_prestate(test_threads_share_handle, "files"),
        cmocka_unit_test_prestate(test_threads_share_handle, "tdb"),
        cmocka_unit_test_prestate(test_killed_caller, "files"),
        cmocka_unit_test_prestate(test_killed_caller, "tdb"),
        cmocka_unit_test_prestate(test_killed_caller, "testdir"),
    };
    return cmocka_run_group_tests_name("concurrency", tests, NULL, NULL);
}
