/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Helpers for the API tests: temporary roots and assertions on errors.
 * API tests use only the public headers and link the real libctr.so. */
#pragma once

#include <libctr/ctr.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

/* Assert that expr returned code and left a non-empty message naming it. */
#define assert_ctr_err(expr, want)                                                                  \
    do {                                                                                            \
        int _r = (expr);                                                                            \
        if (_r != (want))                                                                           \
            fail_msg("%s returned %d (%s), expected %d; message: %s", #expr, _r, ctr_strerror(_r), \
                     (want), ctr_error_last()->message);                                            \
        assert_int_equal(ctr_error_last()->code, (want));                                           \
        assert_true(ctr_error_last()->message[0] != '\0');                                          \
    } while (0)

#define assert_ctr_ok(expr)                                                                         \
    do {                                                                                            \
        int _r = (expr);                                                                            \
        if (_r < 0)                                                                                 \
            fail_msg("%s failed: %d (%s): %s", #expr, _r, ctr_strerror(_r), ctr_error_last()->message); \
    } while (0)

/* A temporary root, with its run root inside it or, when CTR_TEST_RUN_DIR
 * names a directory (CI mounts a tmpfs there, as /run is on real machines),
 * in a directory of its own under that one. */
struct test_root {
    char root[64];
    char run_root[256];
};

static inline void test_root_make(struct test_root *t)
{
    snprintf(t->root, sizeof t->root, "/tmp/libctr-test-XXXXXX");
    if (!mkdtemp(t->root))
        fail_msg("mkdtemp failed");
    const char *base = getenv("CTR_TEST_RUN_DIR");
    if (base && *base) {
        snprintf(t->run_root, sizeof t->run_root, "%s/run-XXXXXX", base);
        if (!mkdtemp(t->run_root))
            fail_msg("mkdtemp under CTR_TEST_RUN_DIR=%s failed", base);
    } else {
        snprintf(t->run_root, sizeof t->run_root, "%s/run", t->root);
    }
}

/* Remove the roots, trying again for 5 s: a container's exit command
 * (ctr-cleanup, which its monitor runs once the container exited) may still
 * be writing in the root just after a forced remove returned. */
static inline void test_root_remove(struct test_root *t)
{
    char cmd[768];
    snprintf(cmd, sizeof cmd,
             "for i in $(seq 50); do rm -rf '%s' '%s' 2>/dev/null && exit 0; sleep 0.1; done; rm -rf '%s' '%s'",
             t->root, t->run_root, t->root, t->run_root);
    if (system(cmd) != 0)
        fail_msg("cannot remove %s", t->root);
}

static inline ctr_runtime_t *test_runtime(struct test_root *t, const char *backend)
{
    ctr_runtime_options_t o = CTR_RUNTIME_OPTIONS_INIT;
    o.root = t->root;
    o.run_root = t->run_root;
    o.state_backend = backend;
    ctr_runtime_t *rt = NULL;
    assert_ctr_ok(ctr_runtime_new(&rt, &o));
    return rt;
}

/* Count entries of a directory (without . and ..), -1 if it does not exist. */
/* A container named name running /bin/true on the host's root (never
 * started by the tests that use it): created, or the test fails. */
static inline ctr_container_t *test_container_on_root(ctr_runtime_t *rt, const char *name)
{
    ctr_container_options_t o = CTR_CONTAINER_OPTIONS_INIT;
    const char *cmd[] = { "/bin/true", NULL };
    o.name = name;
    o.rootfs = "/";
    o.command = cmd;
    ctr_container_t *c = NULL;
    assert_ctr_ok(ctr_container_create(&c, rt, &o));
    return c;
}

int test_count_entries(const char *dir);
