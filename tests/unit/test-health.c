/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* data/health: podman's rules for a check's result, the log's bound, the
 * document kept in the state. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "base/json-util.h"
#include "data/health.h"

static ctr_health_status_t record(char **doc, int exit_code, unsigned retries, bool in_start_period, const char *out)
{
    struct ctr__health_result res = { 1000000000, 2000000000, exit_code, out };
    ctr_health_status_t st = CTR_HEALTH_NONE;
    assert_int_equal(ctr__health_record(doc, &res, retries, in_start_period, &st), 0);
    return st;
}

static int64_t member(const char *doc, const char *key)
{
    _cleanup_json_ json_object *o = json_tokener_parse(doc);
    return json_object_get_int64(json_object_object_get(o, key));
}

static size_t log_length(const char *doc)
{
    _cleanup_json_ json_object *o = json_tokener_parse(doc);
    return json_object_array_length(json_object_object_get(o, "Log"));
}

static void test_retries_and_success(void **state)
{
    char *doc = NULL;
    assert_int_equal(ctr__health_status(doc, true), CTR_HEALTH_STARTING);
    assert_int_equal(ctr__health_status(doc, false), CTR_HEALTH_NONE);
    assert_int_equal(record(&doc, 1, 3, false, ""), CTR_HEALTH_STARTING);
    assert_int_equal(record(&doc, 1, 3, false, ""), CTR_HEALTH_STARTING);
    assert_int_equal(member(doc, "FailingStreak"), 2);
    assert_int_equal(record(&doc, 1, 3, false, ""), CTR_HEALTH_UNHEALTHY);
    assert_int_equal(record(&doc, 0, 3, false, "ok\n"), CTR_HEALTH_HEALTHY);
    assert_int_equal(member(doc, "FailingStreak"), 0);
    assert_int_equal(record(&doc, -1, 3, false, ""), CTR_HEALTH_HEALTHY); /* a timeout: one failure */
    assert_int_equal(member(doc, "FailingStreak"), 1);
    assert_int_equal(ctr__health_status(doc, true), CTR_HEALTH_HEALTHY);
    assert_non_null(strstr(doc, "\"Start\":\"1970-01-01T00:00:01"));
    free(doc);
}

static void test_start_period_and_restart(void **state)
{
    char *doc = NULL;
    assert_int_equal(record(&doc, 1, 1, true, ""), CTR_HEALTH_STARTING);
    assert_int_equal(member(doc, "FailingStreak"), 0);
    assert_int_equal(log_length(doc), 1);
    assert_int_equal(record(&doc, 1, 1, false, ""), CTR_HEALTH_UNHEALTHY);
    assert_int_equal(ctr__health_restart(&doc), 0);
    assert_int_equal(ctr__health_status(doc, true), CTR_HEALTH_STARTING);
    assert_int_equal(member(doc, "FailingStreak"), 0);
    assert_int_equal(log_length(doc), 2); /* the log stays */
    free(doc);
}

static void test_log_bounds(void **state)
{
    char *doc = NULL;
    char big[2000];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    for (int i = 0; i < 8; i++)
        record(&doc, i, 3, false, big);
    assert_int_equal(log_length(doc), CTR__HEALTH_LOG_MAX);
    _cleanup_json_ json_object *o = json_tokener_parse(doc);
    json_object *first = json_object_array_get_idx(json_object_object_get(o, "Log"), 0);
    assert_int_equal(json_object_get_int(json_object_object_get(first, "ExitCode")), 3); /* the oldest dropped */
    assert_int_equal(strlen(json_object_get_string(json_object_object_get(first, "Output"))), CTR__HEALTH_OUTPUT_MAX);
    free(doc);
}

static void test_damaged(void **state)
{
    char *doc = strdup("{\"Status\":3}");
    struct ctr__health_result res = { 1, 2, 0, "" };
    ctr_health_status_t st;
    assert_int_equal(ctr__health_record(&doc, &res, 3, false, &st), -EINVAL);
    assert_int_equal(ctr__health_status(doc, true), CTR_HEALTH_STARTING);
    json_object *shown = ctr__health_inspect(doc, false);
    assert_string_equal(json_object_to_json_string_ext(shown, JSON_C_TO_STRING_PLAIN),
                        "{\"Status\":\"\",\"FailingStreak\":0,\"Log\":null}");
    json_object_put(shown);
    assert_int_equal(ctr__health_restart(&doc), 0); /* starts over */
    assert_int_equal(ctr__health_status(doc, true), CTR_HEALTH_STARTING);
    free(doc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_retries_and_success),
        cmocka_unit_test(test_start_period_and_restart),
        cmocka_unit_test(test_log_bounds),
        cmocka_unit_test(test_damaged),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
