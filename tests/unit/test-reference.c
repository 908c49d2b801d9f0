/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Image references (registry/reference.c): the grammar, docker.io's
 * normalisation, short names, the strings made back. */
#include <errno.h>
#include <libctr/ctr-error.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "base/util.h"
#include "registry/reference.h"

static void check(const char *s, const char *domain, const char *path, const char *tag, const char *digest,
                  const char *back)
{
    struct ctr__ref r = { 0 };
    assert_int_equal(ctr__ref_parse(s, &r), 0);
    if (domain)
        assert_string_equal(r.domain, domain);
    else
        assert_null(r.domain);
    assert_string_equal(r.path, path);
    if (tag)
        assert_string_equal(r.tag, tag);
    else
        assert_null(r.tag);
    if (digest)
        assert_string_equal(r.digest, digest);
    else
        assert_null(r.digest);
    char *str = ctr__ref_string(&r);
    assert_string_equal(str, back);
    free(str);
    ctr__ref_clear(&r);
}

#define D64 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

static void test_good(void **state)
{
    (void)state;
    check("busybox", NULL, "busybox", "latest", NULL, "busybox:latest");
    check("docker.io/busybox", "docker.io", "library/busybox", "latest", NULL, "docker.io/library/busybox:latest");
    check("index.docker.io/foo/bar:1", "docker.io", "foo/bar", "1", NULL, "docker.io/foo/bar:1");
    check("127.0.0.1:5000/a/b:v1.0-rc_1", "127.0.0.1:5000", "a/b", "v1.0-rc_1", NULL,
          "127.0.0.1:5000/a/b:v1.0-rc_1");
    check("localhost/x", "localhost", "x", "latest", NULL, "localhost/x:latest");
    check("quay.io/ns/repo@sha256:" D64, "quay.io", "ns/repo", NULL, "sha256:" D64, "quay.io/ns/repo@sha256:" D64);
    check("quay.io/ns/repo:t@sha256:" D64, "quay.io", "ns/repo", "t", "sha256:" D64,
          "quay.io/ns/repo:t@sha256:" D64);
    check("a__b-c---d/e.f_g", NULL, "a__b-c---d/e.f_g", "latest", NULL, "a__b-c---d/e.f_g:latest");
    check("Registry/x", "Registry", "x", "latest", NULL, "Registry/x:latest");
    check("[::1]:5000/x", "[::1]:5000", "x", "latest", NULL, "[::1]:5000/x:latest");
    check("localhost:5000", NULL, "localhost", "5000", NULL, "localhost:5000");
}

static void test_bad(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "", "Busybox", "busybox:", ":tag", "a//b", "a/", "/a", "-a", "a-", "a..b", "a___b", "a:b:c",
        "busybox@sha256:abc", "busybox@sha512:" D64, "busybox@sha256:" D64 "0", "x@SHA256:" D64,
        "busybox:.tag", "busybox:-tag", "reg.io:abc/x", "reg.io:123456/x", "-reg.io/x", "reg..io/x",
        "reg.io/", "quay.io/UPPER", "a b", "a\nb", "busybox@", "@sha256:" D64, "[zz]:5/x",
    };
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        struct ctr__ref r = { 0 };
        int rc = ctr__ref_parse(bad[i], &r);
        if (rc != -EINVAL)
            fail_msg("\"%s\" parsed (%d)", bad[i], rc);
        assert_true(strstr(ctr_error_last()->message, "invalid reference") != NULL);
        assert_null(r.path);
    }
    char tag[200] = "a:";
    memset(tag + 2, 't', 129);
    assert_int_equal(ctr__ref_parse(tag, &(struct ctr__ref){ 0 }), -EINVAL);
    tag[2 + 128] = '\0';
    struct ctr__ref r = { 0 };
    assert_int_equal(ctr__ref_parse(tag, &r), 0);
    ctr__ref_clear(&r);
    char name[300];
    memset(name, 'a', 256);
    name[256] = '\0';
    assert_int_equal(ctr__ref_parse(name, &r), -EINVAL);
    assert_true(strstr(ctr_error_last()->message, "longer than 255") != NULL);
    name[255] = '\0';
    assert_int_equal(ctr__ref_parse(name, &r), 0);
    ctr__ref_clear(&r);
}

static void test_qualify(void **state)
{
    (void)state;
    struct ctr__ref r = { 0 }, q = { 0 };
    assert_int_equal(ctr__ref_parse("busybox:1.36", &r), 0);
    assert_int_equal(ctr__ref_qualify(&r, "docker.io", &q), 0);
    char *s = ctr__ref_string(&q), *repo = ctr__ref_repository(&q);
    assert_string_equal(s, "docker.io/library/busybox:1.36");
    assert_string_equal(repo, "docker.io/library/busybox");
    free(s);
    free(repo);
    ctr__ref_clear(&q);
    assert_int_equal(ctr__ref_qualify(&r, "quay.io", &q), 0);
    s = ctr__ref_string(&q);
    assert_string_equal(s, "quay.io/busybox:1.36");
    free(s);
    ctr__ref_clear(&q);
    repo = ctr__ref_repository(&r);
    assert_string_equal(repo, "busybox");
    free(repo);
    ctr__ref_clear(&r);
    ctr__ref_clear(&r); /* twice is fine */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_good),
        cmocka_unit_test(test_bad),
        cmocka_unit_test(test_qualify),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
