/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* YAML as json-c trees (data/yaml.c): scalars resolved as YAML 1.2's core
 * schema, quoting on output so that YAML 1.1 readers read strings back,
 * refusals (aliases, duplicate keys, complex keys, depth), and Kubernetes'
 * quantities (api/kube-quantity.c). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "api/kube.h"
#include "data/yaml.h"

static json_object *parse_one(const char *text)
{
    json_object **docs = NULL;
    size_t n = 0;
    assert_int_equal(ctr__yaml_parse(text, strlen(text), &docs, &n), 0);
    assert_int_equal(n, 1);
    json_object *d = docs[0];
    free(docs);
    return d;
}

static const char *as_json(json_object *o)
{
    return json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);
}

static void test_scalars(void **state)
{
    (void)state;
    json_object *d = parse_one("s: text\nq: \"8080\"\ni: 8080\nh: 0x10\no: 0o17\nf: 2.5\ne: 1e3\nb: true\nB: False\n"
                               "n: null\nt: ~\ny: yes\nv: 1.2.3\ntag: !!str 12\nneg: -.inf\n");
    assert_string_equal(as_json(d), "{\"s\":\"text\",\"q\":\"8080\",\"i\":8080,\"h\":16,\"o\":15,\"f\":2.5,\"e\":1000.0,"
                                    "\"b\":true,\"B\":false,\"n\":null,\"t\":null,\"y\":\"yes\",\"v\":\"1.2.3\","
                                    "\"tag\":\"12\",\"neg\":-Infinity}");
    json_object_put(d);
}

static void test_documents(void **state)
{
    (void)state;
    const char *text = "---\na: 1\n---\n---\n- x\n...\n";
    json_object **docs = NULL;
    size_t n = 0;
    assert_int_equal(ctr__yaml_parse(text, strlen(text), &docs, &n), 0);
    assert_int_equal(n, 2); /* the empty document is left out */
    assert_string_equal(as_json(docs[1]), "[\"x\"]");
    ctr__yaml_docs_free(docs, n);
}

static void refused(const char *text, const char *why)
{
    json_object **docs = NULL;
    size_t n = 0;
    assert_int_equal(ctr__yaml_parse(text, strlen(text), &docs, &n), -EINVAL);
    assert_null(docs);
    (void)why;
}

static void test_refusals(void **state)
{
    (void)state;
    refused("a: &x 1\nb: *x\n", "aliases");
    refused("a: 1\na: 2\n", "a key twice");
    refused("? [a, b]\n: 1\n", "a sequence as a key");
    refused("a: [1, 2\n", "syntax");
    refused("a: \"x\0y\"\n", "NUL"); /* cut at the NUL: an unterminated string */
    char deep[CTR__YAML_MAX_DEPTH * 2 + 8];
    size_t i = 0;
    for (; i < CTR__YAML_MAX_DEPTH + 1; i++)
        deep[i] = '[';
    for (size_t j = 0; j < CTR__YAML_MAX_DEPTH + 1; j++)
        deep[i++] = ']';
    deep[i] = '\0';
    refused(deep, "too deep");
    json_object **docs = NULL;
    size_t n = 0;
    assert_int_equal(ctr__yaml_parse("a", (size_t)CTR__YAML_MAX_SIZE + 1, &docs, &n), -EFBIG);
}

static void test_quoting(void **state)
{
    (void)state;
    const char *ambiguous[] = { "yes", "No", "on", "OFF", "y", "true", "null", "~", "", "8080", "08", "1e3",
                                "0x1F", "1_000", "1:20", "-1", ".5", "2001-12-14", NULL };
    for (size_t i = 0; ambiguous[i]; i++)
        assert_true(ctr__yaml_plain_is_ambiguous(ambiguous[i]));
    const char *plain[] = { "bar", "127.0.0.1", "1.2.3", "httpd", "-f", "CAP_NET_ADMIN", "/data", "250m", "32Mi", NULL };
    for (size_t i = 0; plain[i]; i++)
        assert_false(ctr__yaml_plain_is_ambiguous(plain[i]));
}

static void test_emit_round_trip(void **state)
{
    (void)state;
    json_object *d = parse_one("a: \"yes\"\nb: [\"8080\", 8080, 1.0, true, null]\nc: {}\nd: \"with: colon\"\n"
                               "e: \" lead\"\nf: \"line\\nbreak\"\ng: 1e20\n");
    char *text = NULL;
    assert_int_equal(ctr__yaml_emit(&d, 1, "# header\n", 0, &text), 0);
    assert_non_null(strstr(text, "# header\na: \"yes\"\n"));
    assert_non_null(strstr(text, "c: {}\n"));
    json_object *again = parse_one(text);
    assert_string_equal(as_json(again), as_json(d));
    free(text);
    json_object_put(again);
    json_object_put(d);
}

static void test_quantities(void **state)
{
    (void)state;
    int64_t v;
    char buf[32];
    assert_int_equal(ctr__kube_parse_quantity("64Mi", false, &v), 0);
    assert_int_equal(v, 64 << 20);
    assert_int_equal(ctr__kube_parse_quantity("1G", false, &v), 0);
    assert_int_equal(v, 1000000000);
    assert_int_equal(ctr__kube_parse_quantity("1.5Gi", false, &v), 0);
    assert_int_equal(v, 1610612736);
    assert_int_equal(ctr__kube_parse_quantity("250m", true, &v), 0);
    assert_int_equal(v, 250);
    assert_int_equal(ctr__kube_parse_quantity("2", true, &v), 0);
    assert_int_equal(v, 2000);
    assert_int_equal(ctr__kube_parse_quantity("0.5", true, &v), 0);
    assert_int_equal(v, 500);
    assert_int_equal(ctr__kube_parse_quantity("1e3", false, &v), 0);
    assert_int_equal(v, 1000);
    assert_int_equal(ctr__kube_parse_quantity("-1", false, &v), -EINVAL);
    assert_int_equal(ctr__kube_parse_quantity("12Q", false, &v), -EINVAL);
    assert_int_equal(ctr__kube_parse_quantity("", false, &v), -EINVAL);
    assert_int_equal(ctr__kube_parse_quantity("99Ei", false, &v), -EINVAL);
    assert_int_equal(ctr__kube_quantity_bytes(50331648, buf, sizeof(buf)), 0);
    assert_string_equal(buf, "48Mi");
    assert_int_equal(ctr__kube_quantity_bytes(1000, buf, sizeof(buf)), 0);
    assert_string_equal(buf, "1000");
    assert_int_equal(ctr__kube_quantity_cpu(250, buf, sizeof(buf)), 0);
    assert_string_equal(buf, "250m");
    assert_int_equal(ctr__kube_quantity_cpu(2000, buf, sizeof(buf)), 0);
    assert_string_equal(buf, "2");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_scalars),         cmocka_unit_test(test_documents),
        cmocka_unit_test(test_refusals),        cmocka_unit_test(test_quoting),
        cmocka_unit_test(test_emit_round_trip), cmocka_unit_test(test_quantities),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
