/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* WWW-Authenticate challenges (registry/challenge.c). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "base/util.h"
#include "registry/challenge.h"

static void test_bearer(void **state)
{
    (void)state;
    struct ctr__challenge c = { 0 };
    assert_int_equal(ctr__challenge_parse("Bearer realm=\"https://auth.example/token\",service=\"reg\","
                                          "scope=\"repository:a/b:pull\"", &c), 0);
    assert_string_equal(c.scheme, "bearer");
    assert_string_equal(c.realm, "https://auth.example/token");
    assert_string_equal(c.service, "reg");
    assert_string_equal(c.scope, "repository:a/b:pull");
    ctr__challenge_clear(&c);
    assert_int_equal(ctr__challenge_parse("  bEaReR  realm = \"a\\\"b\" ,  service=svc", &c), 0);
    assert_string_equal(c.scheme, "bearer");
    assert_string_equal(c.realm, "a\"b");
    assert_string_equal(c.service, "svc");
    assert_null(c.scope);
    ctr__challenge_clear(&c);
}

static void test_several(void **state)
{
    (void)state;
    struct ctr__challenge c = { 0 };
    assert_int_equal(ctr__challenge_parse("Negotiate abc==, Basic realm=\"r\"", &c), 0);
    assert_string_equal(c.scheme, "basic");
    assert_string_equal(c.realm, "r");
    ctr__challenge_clear(&c);
    assert_int_equal(ctr__challenge_parse("Digest realm=x, nonce=\"y\", Bearer realm=z", &c), 0);
    assert_string_equal(c.scheme, "bearer");
    assert_string_equal(c.realm, "z");
    ctr__challenge_clear(&c);
}

static void test_bad(void **state)
{
    (void)state;
    static const char *const bad[] = { "", "   ", "Negotiate", "Digest realm=x", "Bearer realm=\"unterminated",
                                       "=,=,=", "\"\"" };
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        struct ctr__challenge c = { 0 };
        assert_int_equal(ctr__challenge_parse(bad[i], &c), -EINVAL);
        assert_null(c.scheme);
    }
    assert_int_equal(ctr__challenge_parse(NULL, &(struct ctr__challenge){ 0 }), -EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bearer),
        cmocka_unit_test(test_several),
        cmocka_unit_test(test_bad),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
