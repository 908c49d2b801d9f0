/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* native/hooks: config.json's hooks run in order with only their env and
 * the state on stdin; a failure, a timeout and a path that cannot be
 * executed stop the run with runc's words. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/error.h"
#include "base/util.h"
#include "native/hooks.h"

#define BASE "\"ociVersion\":\"1.0.2\",\"root\":{\"path\":\"rootfs\"},\"process\":{\"args\":[\"/bin/true\"]}"

static char dir[] = "/tmp/native-hooks-XXXXXX";

static void load(const char *hooks, struct ctr__native_spec *s)
{
    char text[8192];
    snprintf(text, sizeof text, "{" BASE ",\"annotations\":{\"a\":\"b\"},\"hooks\":{%s}}", hooks);
    json_object *doc = json_tokener_parse(text);
    assert_non_null(doc);
    if (ctr__native_spec_from_json(doc, "/bundle", s) < 0)
        fail_msg("%s: %s", hooks, ctr_error_last()->message);
}

static char *slurp(const char *name)
{
    char path[256], *text = NULL;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    assert_int_equal(ctr__read_file_at(AT_FDCWD, path, &text, NULL), 0);
    return text;
}

static void test_state_document(void **state _unused_)
{
    struct ctr__native_spec s;
    load("", &s);
    char *doc = ctr__native_hook_state(&s, "c1", "creating", 42);
    assert_string_equal(doc, "{\"ociVersion\":\"1.0.2\",\"id\":\"c1\",\"status\":\"creating\",\"pid\":42,"
                             "\"bundle\":\"\\/bundle\",\"annotations\":{\"a\":\"b\"}}");
    free(doc);
    doc = ctr__native_hook_state(&s, "c1", "stopped", 0);
    assert_null(strstr(doc, "\"pid\""));
    free(doc);
    ctr__native_spec_done(&s);
}

/* Two hooks in order, each with its args, its env only and the state. */
static void test_order_env_stdin(void **state _unused_)
{
    char hooks[2048];
    snprintf(hooks, sizeof hooks,
             "\"prestart\":[{\"path\":\"/bin/sh\",\"args\":[\"sh\",\"-c\",\"echo one $0 >> %s/log; env >> %s/log\",\"x\"],"
             "\"env\":[\"ONLY=1\"]},"
             "{\"path\":\"/bin/sh\",\"args\":[\"sh\",\"-c\",\"echo two >> %s/log; cat > %s/stdin\"]}]",
             dir, dir, dir, dir);
    struct ctr__native_spec s;
    struct ctr__native_report rep = {0};
    load(hooks, &s);
    assert_int_equal(ctr__native_hooks_run(&s, CTR_HOOK_PRESTART, "{\"state\":1}", &rep), 0);
    assert_int_equal(ctr__native_hooks_run(&s, CTR_HOOK_POSTSTOP, "{}", &rep), 0); /* none of that kind */
    char *log = slurp("log"), *in = slurp("stdin");
    /* sh adds PWD (and may add SHLVL, _) to what it was given: ONLY=1 and nothing of ours. */
    assert_non_null(strstr(log, "one x\n"));
    assert_non_null(strstr(log, "ONLY=1\n"));
    assert_null(strstr(log, "HOME="));
    assert_null(strstr(log, "PATH=/"));
    assert_true(strstr(log, "two\n") > strstr(log, "one x\n"));
    assert_string_equal(in, "{\"state\":1}");
    free(log);
    free(in);
    ctr__native_spec_done(&s);
}

static void expect_failure(const char *hooks, enum ctr__native_hook_kind kind, int err, const char *words)
{
    struct ctr__native_spec s;
    struct ctr__native_report rep = {0};
    load(hooks, &s);
    assert_int_equal(ctr__native_hooks_run(&s, kind, "{}", &rep), -err);
    assert_int_equal(rep.err, err);
    assert_true(rep.whole);
    if (!strstr(rep.step, words))
        fail_msg("\"%s\" lacks \"%s\"", rep.step, words);
    ctr__native_spec_done(&s);
}

/* The first failing hook stops the run (the second never runs). */
static void test_failures(void **state _unused_)
{
    char hooks[2048];
    snprintf(hooks, sizeof hooks,
             "\"createRuntime\":[{\"path\":\"/bin/sh\",\"args\":[\"sh\",\"-c\",\"echo out; echo err >&2; exit 3\"]},"
             "{\"path\":\"/bin/sh\",\"args\":[\"sh\",\"-c\",\"touch %s/second\"]}]",
             dir);
    expect_failure(hooks, CTR_HOOK_CREATE_RUNTIME, ECANCELED,
                   "error running createRuntime hook #0: exit status 3, stdout: out\n, stderr: err\n");
    char second[256];
    snprintf(second, sizeof second, "%s/second", dir);
    assert_int_equal(access(second, F_OK), -1);
    expect_failure("\"poststart\":[{\"path\":\"/bin/sh\",\"args\":[\"sh\",\"-c\",\"kill -9 $$\"]}]", CTR_HOOK_POSTSTART,
                   ECANCELED, "error running poststart hook #0: signal: killed");
    expect_failure("\"prestart\":[{\"path\":\"/bin/sleep\",\"args\":[\"sleep\",\"20\"],\"timeout\":1}]", CTR_HOOK_PRESTART,
                   ETIMEDOUT, "error running prestart hook #0: hook ran past specified timeout of 1.0s");
    expect_failure("\"startContainer\":[{\"path\":\"/no/such/hook\",\"args\":[\"x\"]}]", CTR_HOOK_START_CONTAINER, ENOENT,
                   "error running startContainer hook #0: fork/exec: no such file or directory");
}

/* A hook that exits without reading its stdin is no failure. */
static void test_unread_stdin(void **state _unused_)
{
    struct ctr__native_spec s;
    struct ctr__native_report rep = {0};
    char big[200000];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    load("\"poststop\":[{\"path\":\"/bin/true\",\"args\":[\"true\"]}]", &s);
    assert_int_equal(ctr__native_hooks_run(&s, CTR_HOOK_POSTSTOP, big, &rep), 0);
    ctr__native_spec_done(&s);
}

/* A state larger than a pipe holds: read whole by a hook that reads it, and
 * no hold on the timeout of one that neither reads it nor exits. */
static void test_large_state(void **state _unused_)
{
    static char big[300000];
    char hooks[1024];
    struct ctr__native_spec s;
    struct ctr__native_report rep = {0};
    memset(big, 'y', sizeof big - 1);
    snprintf(hooks, sizeof hooks,
             "\"prestart\":[{\"path\":\"/bin/sh\",\"args\":[\"sh\",\"-c\",\"cat > %s/big\"]}],"
             "\"poststart\":[{\"path\":\"/bin/sleep\",\"args\":[\"sleep\",\"20\"],\"timeout\":1}]",
             dir);
    load(hooks, &s);
    assert_int_equal(ctr__native_hooks_run(&s, CTR_HOOK_PRESTART, big, &rep), 0);
    char *got = slurp("big");
    assert_int_equal(strlen(got), sizeof big - 1);
    free(got);
    int64_t t0 = ctr__mono_ms();
    assert_int_equal(ctr__native_hooks_run(&s, CTR_HOOK_POSTSTART, big, &rep), -ETIMEDOUT);
    assert_true(ctr__mono_ms() - t0 < 5000);
    ctr__native_spec_done(&s);
}

static int setup(void **state _unused_)
{
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state _unused_)
{
    return ctr__rm_rf(dir) < 0 ? -1 : 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_state_document),
        cmocka_unit_test(test_order_env_stdin),
        cmocka_unit_test(test_failures),
        cmocka_unit_test(test_unread_stdin),
        cmocka_unit_test(test_large_state),
    };
    return cmocka_run_group_tests_name("native-hooks", tests, setup, teardown);
}
