/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>

#include "base/error.h"
#include "base/names.h"

static void test_valid(void **state)
{
    static const char *const good[] = {
        "a", "Z", "0", "9", "web", "brave_curie", "my-container", "app.v2", "A1_b2.c3-d4",
        "0abc", "x--", "x__", "x..", "x.-_", "UPPER", "a.b.c", "123",
    };
    for (size_t i = 0; i < ARRAY_SIZE(good); i++)
        if (!ctr__name_valid(good[i]))
            fail_msg("\"%s\" should be valid", good[i]);
}

static void test_invalid(void **state)
{
    static const char *const bad[] = {
        "", "-a", ".a", "_a", "-", ".", "..", "_", "a/b", "/a", "a/", "../x", "a b", " a", "a ",
        "a\tb", "a\nb", "caf\xc3\xa9", "\xc3\xa9t\xc3\xa9", "a\x7f", "a:b", "a@b", "a+b", "a*",
        "a,b", "a;b", "a$b", "a\\b", "\x01", "\xff",
    };
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
        if (ctr__name_valid(bad[i]))
            fail_msg("\"%s\" should be invalid", bad[i]);
    assert_false(ctr__name_valid(NULL));
}

static void test_length(void **state)
{
    char name[300];
    memset(name, 'a', sizeof name);
    name[CTR__NAME_MAX] = '\0';
    assert_int_equal(strlen(name), 253);
    assert_true(ctr__name_valid(name));
    name[CTR__NAME_MAX] = 'a';
    name[CTR__NAME_MAX + 1] = '\0';
    assert_int_equal(strlen(name), 254);
    assert_false(ctr__name_valid(name));
    name[299] = '\0';
    assert_false(ctr__name_valid(name));
    /* long and invalid at the end */
    memset(name, 'a', sizeof name);
    name[252] = '/';
    name[253] = '\0';
    assert_false(ctr__name_valid(name));
}

static void test_lists(void **state)
{
    size_t na, ns;
    const char *const *adj = ctr__name_adjectives(&na);
    const char *const *sur = ctr__name_surnames(&ns);
    size_t longest_a = 0, longest_s = 0;

    assert_true(na >= 100);
    assert_true(ns >= 150);
    for (size_t i = 0; i < na; i++) {
        assert_true(strlen(adj[i]) > 0);
        assert_true(strspn(adj[i], "abcdefghijklmnopqrstuvwxyz") == strlen(adj[i]));
        if (strlen(adj[i]) > longest_a)
            longest_a = strlen(adj[i]);
        for (size_t j = 0; j < i; j++)
            if (streq(adj[i], adj[j]))
                fail_msg("adjective \"%s\" twice", adj[i]);
    }
    for (size_t i = 0; i < ns; i++) {
        assert_true(strlen(sur[i]) > 0);
        assert_true(strspn(sur[i], "abcdefghijklmnopqrstuvwxyz") == strlen(sur[i]));
        if (strlen(sur[i]) > longest_s)
            longest_s = strlen(sur[i]);
        for (size_t j = 0; j < i; j++)
            if (streq(sur[i], sur[j]))
                fail_msg("surname \"%s\" twice", sur[i]);
    }
    /* any pair fits the documented buffer */
    assert_true(longest_a + 1 + longest_s + 1 <= CTR__NAME_GENERATED_SIZE);
}

static void test_generate(void **state)
{
    enum { N = 2000 };
    char(*names)[CTR__NAME_GENERATED_SIZE] = calloc(N, sizeof *names);
    size_t na, ns;
    const char *const *adj = ctr__name_adjectives(&na);
    const char *const *sur = ctr__name_surnames(&ns);
    bool *seen_a = calloc(na, 1), *seen_s = calloc(ns, 1);
    assert_non_null(names);

    for (int i = 0; i < N; i++) {
        assert_int_equal(ctr__name_generate(names[i], sizeof names[i]), 0);
        const char *n = names[i];
        assert_true(ctr__name_valid(n));
        assert_false(streq(n, "boring_wozniak"));
        const char *us = strchr(n, '_');
        assert_non_null(us);
        assert_null(strchr(us + 1, '_'));
        bool found_a = false, found_s = false;
        for (size_t j = 0; j < na; j++)
            if (strlen(adj[j]) == (size_t)(us - n) && strncmp(adj[j], n, (size_t)(us - n)) == 0) {
                seen_a[j] = found_a = true;
            }
        for (size_t j = 0; j < ns; j++)
            if (streq(sur[j], us + 1))
                seen_s[j] = found_s = true;
        assert_true(found_a);
        assert_true(found_s);
    }
    /* varied: with ~20000 combinations, 2000 draws are nearly all distinct */
    size_t distinct = 0;
    for (int i = 0; i < N; i++) {
        bool dup = false;
        for (int j = 0; j < i && !dup; j++)
            dup = streq(names[i], names[j]);
        distinct += !dup;
    }
    assert_true(distinct > N * 8 / 10);
    /* and both words vary: most list entries show up */
    size_t ca = 0, cs = 0;
    for (size_t j = 0; j < na; j++)
        ca += seen_a[j];
    for (size_t j = 0; j < ns; j++)
        cs += seen_s[j];
    assert_true(ca > na * 9 / 10);
    assert_true(cs > ns * 8 / 10);
    free(names);
    free(seen_a);
    free(seen_s);
}

static void test_generate_small_buffer(void **state)
{
    char buf[CTR__NAME_GENERATED_SIZE];
    memset(buf, 'x', sizeof buf);
    assert_int_equal(ctr__name_generate(buf, CTR__NAME_GENERATED_SIZE - 1), -ERANGE);
    assert_int_equal(buf[0], 'x');
    assert_int_equal(ctr__name_generate(buf, 0), -ERANGE);
    assert_int_equal(ctr__name_generate(NULL, 64), -EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid),
        cmocka_unit_test(test_invalid),
        cmocka_unit_test(test_length),
        cmocka_unit_test(test_lists),
        cmocka_unit_test(test_generate),
        cmocka_unit_test(test_generate_small_buffer),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
