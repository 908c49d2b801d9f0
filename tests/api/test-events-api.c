/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The public event API through libctr.so: containers created and removed
 * (never started) read back with filters and times, a follower's fd,
 * timeout, cancel from another thread and through the caller's fd, the
 * callback's stop value, the errors. */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <sys/eventfd.h>
#include <time.h>

#include "test-helpers.h"

struct fix {
    struct test_root root;
    ctr_runtime_t *rt;
};

static int setup(void **state)
{
    struct fix *f = calloc(1, sizeof *f);
    test_root_make(&f->root);
    f->rt = test_runtime(&f->root, "files");
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

static int64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void create_remove(ctr_runtime_t *rt, const char *name)
{
    ctr_container_t *c = test_container_on_root(rt, name);
    assert_ctr_ok(ctr_container_remove(c, 0));
    ctr_container_unref(c);
}

/* The events that pass opts, "status name" joined by ',' into buf. */
static int read_list(ctr_runtime_t *rt, const ctr_events_options_t *o, char *buf, size_t size)
{
    ctr_events_t *e = NULL;
    assert_ctr_ok(ctr_events_open(rt, o, &e));
    ctr_event_t *ev = NULL;
    int n = 0, r;
    buf[0] = 0;
    while ((r = ctr_events_next(e, -1, &ev)) == 1) {
        assert_int_equal(ev->version, CTR_EVENT_VERSION);
        assert_non_null(strstr(ev->json, ev->status));
        size_t len = strlen(buf);
        snprintf(buf + len, size - len, "%s%s %s", n++ ? "," : "", ev->status, ev->name);
        ctr_event_free(ev);
    }
    assert_int_equal(r, 0);
    ctr_events_close(e);
    return n;
}

static void test_read_back(void **state)
{
    struct fix *f = *state;
    int64_t t0 = now_ns();
    create_remove(f->rt, "ev-a");
    int64_t t1 = now_ns();
    create_remove(f->rt, "ev-b");
    char buf[1024];
    assert_int_equal(read_list(f->rt, NULL, buf, sizeof buf), 4);
    assert_string_equal(buf, "create ev-a,remove ev-a,create ev-b,remove ev-b");
    ctr_events_options_t o = CTR_EVENTS_OPTIONS_INIT;
    o.since_ns = t0;
    o.until_ns = t1;
    assert_int_equal(read_list(f->rt, &o, buf, sizeof buf), 2);
    assert_string_equal(buf, "create ev-a,remove ev-a");
    ctr_events_options_t g = CTR_EVENTS_OPTIONS_INIT;
    g.filters = (const char *const[]){ "container=ev-b", "event=remove", NULL };
    assert_int_equal(read_list(f->rt, &g, buf, sizeof buf), 1);
    assert_string_equal(buf, "remove ev-b");
}

static void test_errors(void **state)
{
    struct fix *f = *state;
    ctr_events_t *e = NULL;
    ctr_events_options_t o = CTR_EVENTS_OPTIONS_INIT;
    o.flags = 1u << 7;
    assert_ctr_err(ctr_events_open(f->rt, &o, &e), -EINVAL);
    o = (ctr_events_options_t)CTR_EVENTS_OPTIONS_INIT;
    o.since_ns = 2;
    o.until_ns = 1;
    assert_ctr_err(ctr_events_open(f->rt, &o, &e), -EINVAL);
    o = (ctr_events_options_t)CTR_EVENTS_OPTIONS_INIT;
    o.filters = (const char *const[]){ "colour=red", NULL };
    assert_ctr_err(ctr_events_open(f->rt, &o, &e), -EINVAL);
    o.version = 99;
    assert_ctr_err(ctr_events_open(f->rt, &o, &e), -EINVAL);
    assert_ctr_err(ctr_events_options_init(&o, 99), -EINVAL);
    assert_null(e);
    assert_ctr_ok(ctr_events_open(f->rt, NULL, &e));
    assert_ctr_err(ctr_events_fd(e), -EINVAL); /* no follow */
    ctr_events_close(e);
    assert_ctr_err(ctr_events_open(NULL, NULL, &e), -EINVAL);
}

static void *cancel_later(void *arg)
{
    usleep(50000);
    ctr_events_cancel(arg);
    return NULL;
}

static void test_follow(void **state)
{
    struct fix *f = *state;
    ctr_events_options_t o = CTR_EVENTS_OPTIONS_INIT;
    o.flags = CTR_EVENTS_FOLLOW;
    ctr_events_t *e = NULL;
    ctr_event_t *ev = NULL;
    assert_ctr_ok(ctr_events_open(f->rt, &o, &e));
    assert_ctr_err(ctr_events_next(e, 20, &ev), -EAGAIN);
    int fd = ctr_events_fd(e);
    assert_true(fd >= 0);
    struct pollfd p = { .fd = fd, .events = POLLIN };
    assert_int_equal(poll(&p, 1, 0), 0); /* idle: not readable */
    create_remove(f->rt, "ev-f");
    assert_int_equal(poll(&p, 1, 2000), 1);
    assert_int_equal(ctr_events_next(e, 0, &ev), 1);
    assert_string_equal(ev->status, "create");
    assert_string_equal(ev->type, "container");
    assert_non_null(ev->id);
    assert_null(ev->image);
    ctr_event_free(ev);
    assert_int_equal(ctr_events_next(e, 0, &ev), 1);
    assert_string_equal(ev->status, "remove");
    ctr_event_free(ev);
    /* A cancel from another thread ends a wait. */
    pthread_t th;
    assert_int_equal(pthread_create(&th, NULL, cancel_later, e), 0);
    assert_ctr_err(ctr_events_next(e, -1, &ev), -ECANCELED);
    pthread_join(th, NULL);
    ctr_events_close(e);
    /* until ends a follower. */
    o.until_ns = now_ns() + 100000000;
    assert_ctr_ok(ctr_events_open(f->rt, &o, &e));
    int64_t t = now_ns();
    int r;
    while ((r = ctr_events_next(e, -1, &ev)) == 1)
        ctr_event_free(ev);
    assert_int_equal(r, 0);
    assert_true(now_ns() - t < 2000000000);
    ctr_events_close(e);
}

static int count_stop(const ctr_event_t *ev, void *userdata)
{
    int *n = userdata;
    (void)ev;
    return ++*n == 2 ? 42 : 0;
}

static void test_read_callback(void **state)
{
    struct fix *f = *state;
    create_remove(f->rt, "ev-r");
    create_remove(f->rt, "ev-s");
    int n = 0;
    assert_int_equal(ctr_events_read(f->rt, NULL, count_stop, &n), 42);
    assert_int_equal(n, 2);
    /* The caller's cancel fd stops a follower. */
    ctr_events_options_t o = CTR_EVENTS_OPTIONS_INIT;
    o.flags = CTR_EVENTS_FOLLOW;
    o.cancel_fd = eventfd(1, EFD_CLOEXEC);
    o.filters = (const char *const[]){ "event=nothing", NULL };
    n = 0;
    assert_ctr_err(ctr_events_read(f->rt, &o, count_stop, &n), -ECANCELED);
    assert_int_equal(n, 0);
    close(o.cancel_fd);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_read_back, setup, teardown),
        cmocka_unit_test_setup_teardown(test_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_follow, setup, teardown),
        cmocka_unit_test_setup_teardown(test_read_callback, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
