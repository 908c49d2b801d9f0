/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* registry/toml.c: the examples of the TOML 1.0 specification, valid and
 * invalid, each compared with the json-c tree it must give (types
 * included: integers int64, floats double) or with the "LINE:COL: what"
 * it must fail with; and podman's registries.conf as Debian ships it. */
#include <errno.h>
#include <json-c/json.h>
#include <libctr/ctr-error.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "base/util.h"
#include "registry/toml.h"

static json_object *parse_ok(const char *toml, size_t size)
{
    json_object *o = NULL;
    char *err = NULL;
    int r = ctr__toml_parse(toml, size, &o, &err);
    if (r != 0)
        fail_msg("valid TOML refused: %s\n--- text:\n%s", err ? err : "?", toml);
    assert_null(err);
    assert_non_null(o);
    return o;
}

static void valid_n(const char *toml, size_t size, const char *want_json)
{
    json_object *o = parse_ok(toml, size);
    json_object *want = json_tokener_parse(want_json);
    if (!want)
        fail_msg("bad expected JSON: %s", want_json);
    if (!json_object_equal(o, want))
        fail_msg("TOML:\n%s\n--- got:  %s\n--- want: %s", toml, json_object_to_json_string(o), want_json);
    json_object_put(o);
    json_object_put(want);
}

static void valid(const char *toml, const char *want_json) { valid_n(toml, strlen(toml), want_json); }

/* Refused with "@where: ..." (NULL: any position) and @what in it. */
static void invalid_n(const char *toml, size_t size, const char *where, const char *what)
{
    json_object *o = (json_object *)0x1;
    char *err = NULL;
    int r = ctr__toml_parse(toml, size, &o, &err);
    if (r != -EINVAL)
        fail_msg("invalid TOML accepted (%d): %s", r, toml);
    assert_ptr_equal(o, (json_object *)0x1);
    assert_non_null(err);
    assert_string_equal(ctr_error_last()->message, err);
    unsigned line, col;
    int used = 0;
    if (sscanf(err, "%u:%u: %n", &line, &col, &used) != 2 || used == 0)
        fail_msg("error without LINE:COL: %s", err);
    if (where) {
        char pos[32];
        snprintf(pos, sizeof pos, "%u:%u", line, col);
        if (!streq(pos, where))
            fail_msg("TOML:\n%s\n--- error at %s, want %s: %s", toml, pos, where, err);
    }
    if (what && !strstr(err, what))
        fail_msg("TOML:\n%s\n--- error \"%s\" lacks \"%s\"", toml, err, what);
    free(err);
}

static void invalid(const char *toml, const char *where, const char *what)
{
    invalid_n(toml, strlen(toml), where, what);
}

static void test_keys(void **state)
{
    (void)state;
    valid("", "{}");
    valid("# only a comment\n\n   \n\t# another\n", "{}");
    valid("key = \"value\"", "{\"key\":\"value\"}");
    valid("bare_key = 1\nbare-key = 2\n1234 = 3\nABC_def-9 = 4", "{\"bare_key\":1,\"bare-key\":2,\"1234\":3,\"ABC_def-9\":4}");
    valid("\"127.0.0.1\" = \"value\"\n\"character encoding\" = \"value\"\n\"ʎǝʞ\" = \"value\"\n'key2' = \"value\"\n"
          "'quoted \"value\"' = \"value\"",
          "{\"127.0.0.1\":\"value\",\"character encoding\":\"value\",\"ʎǝʞ\":\"value\",\"key2\":\"value\","
          "\"quoted \\\"value\\\"\":\"value\"}");
    valid("\"\" = \"blank\"", "{\"\":\"blank\"}");
    valid("'' = 'blank'", "{\"\":\"blank\"}");
    valid("\"a\\tb\" = 1", "{\"a\\tb\":1}");
    valid("name = \"Orange\"\nphysical.color = \"orange\"\nphysical.shape = \"round\"\nsite.\"google.com\" = true",
          "{\"name\":\"Orange\",\"physical\":{\"color\":\"orange\",\"shape\":\"round\"},\"site\":{\"google.com\":true}}");
    valid("fruit.name = \"banana\"\nfruit. color = \"yellow\"\nfruit . flavor = \"banana\"",
          "{\"fruit\":{\"name\":\"banana\",\"color\":\"yellow\",\"flavor\":\"banana\"}}");
    valid("3.14159 = \"pi\"", "{\"3\":{\"14159\":\"pi\"}}");
    valid("fruit.apple.smooth = true\nfruit.orange = 2", "{\"fruit\":{\"apple\":{\"smooth\":true},\"orange\":2}}");
    valid("apple.type = \"fruit\"\norange.type = \"fruit\"\napple.skin = \"thin\"\norange.skin = \"thick\"",
          "{\"apple\":{\"type\":\"fruit\",\"skin\":\"thin\"},\"orange\":{\"type\":\"fruit\",\"skin\":\"thick\"}}");
    valid("\ta\t=\t1\t# tabs\n", "{\"a\":1}");
    valid("a=1\nb= 2\nc =3", "{\"a\":1,\"b\":2,\"c\":3}");
    valid("true = 1\nfalse = 2\ninf = 3\nnan = 4", "{\"true\":1,\"false\":2,\"inf\":3,\"nan\":4}");
    valid("# comment with\ttab and ünïcödé\na = 1 # end ⚠\n", "{\"a\":1}");

    invalid("key = # INVALID", "1:7", "expected a value");
    invalid("key =", "1:6", "expected a value before the end of the line");
    invalid("first = \"Tom\" last = \"Preston-Werner\"", "1:15", "expected the end of the line");
    invalid("= \"no key name\"", "1:1", "expected a key");
    invalid("\"\"\"key\"\"\" = 1", "1:1", "multi-line string cannot be a key");
    invalid("'''key''' = 1", "1:1", "multi-line string cannot be a key");
    invalid("name = \"Tom\"\nname = \"Pradyun\"", "2:1", "duplicate key name");
    invalid("spelling = \"favorite\"\n\"spelling\" = \"favourite\"", "2:1", "duplicate key spelling");
    invalid("a.b = 1\n\na.b = 2", "3:1", "duplicate key a.b");
    invalid("fruit.apple = 1\nfruit.apple.smooth = true", "2:1", "already defined, not as a table");
    invalid("a = 1\na.b = 2", "2:1", "already defined, not as a table");
    invalid("a b = 1", "1:3", "expected '=' after the key, or '.'");
    invalid("a", "1:2", "expected '='");
    invalid("a.", "1:3", "expected a key");
    invalid("a..b = 1", "1:3", "expected a key");
    invalid(".a = 1", "1:1", "expected a key");
    invalid("é = 1", "1:1", "non-ASCII characters need quotes");
    invalid("a = 1 # ok\nb", "2:2", "expected '='");
    invalid("\"a\nb\" = 1", "1:1", "unterminated string");
    invalid("a = 1\n\"ʎǝʞ\" = 2\n\"ʎǝʞ\" = 3", "3:1", "duplicate key");
    /* 32 parts are fine, 33 are not */
    struct ctr__buf b = { 0 };
    for (int i = 0; i < 32; i++)
        ctr__buf_put(&b, i ? ".k" : "k");
    ctr__buf_put(&b, " = 1");
    char *k32 = NULL;
    assert_int_equal(ctr__buf_finish(&b, &k32), 0);
    json_object_put(parse_ok(k32, strlen(k32)));
    char *k33 = ctr__asprintf("k.%s", k32);
    invalid(k33, "1:65", "a key of more than 32 parts");
    free(k32);
    free(k33);
}

static void test_strings(void **state)
{
    (void)state;
    valid("str = \"I'm a string. \\\"You can quote me\\\". Name\\tJos\\u00E9\\nLocation\\tSF.\"",
          "{\"str\":\"I'm a string. \\\"You can quote me\\\". Name\\tJosé\\nLocation\\tSF.\"}");
    valid("e = \"\\b\\t\\n\\f\\r\\\"\\\\\"", "{\"e\":\"\\b\\t\\n\\f\\r\\\"\\\\\"}");
    valid("u = \"\\u00e9\\u20AC\\U0001F600\\U0010FFFF\\u007f\"", "{\"u\":\"é€😀\\udbff\\udfff\\u007f\"}");
    valid("str1 = \"\"\"\nRoses are red\nViolets are blue\"\"\"", "{\"str1\":\"Roses are red\\nViolets are blue\"}");
    valid("str2 = \"\"\"\nThe quick brown \\\n\n\n  fox jumps over \\\n    the lazy dog.\"\"\"",
          "{\"str2\":\"The quick brown fox jumps over the lazy dog.\"}");
    valid("str3 = \"\"\"\\\n       The quick brown \\\n       fox jumps over \\\n       the lazy dog.\\\n       \"\"\"",
          "{\"str3\":\"The quick brown fox jumps over the lazy dog.\"}");
    valid("s = \"\"\"a \\  \t\n  b\"\"\"", "{\"s\":\"a b\"}"); /* blanks between the backslash and the newline */
    valid("str4 = \"\"\"Here are two quotation marks: \"\". Simple enough.\"\"\"",
          "{\"str4\":\"Here are two quotation marks: \\\"\\\". Simple enough.\"}");
    valid("str5 = \"\"\"Here are three quotation marks: \"\"\\\".\"\"\"",
          "{\"str5\":\"Here are three quotation marks: \\\"\\\"\\\".\"}");
    valid("str6 = \"\"\"Here are fifteen quotation marks: \"\"\\\"\"\"\\\"\"\"\\\"\"\"\\\"\"\"\\\".\"\"\"",
          "{\"str6\":\"Here are fifteen quotation marks: \\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\".\"}");
    valid("str7 = \"\"\"\"This,\" she said, \"is just a pointless statement.\"\"\"\"",
          "{\"str7\":\"\\\"This,\\\" she said, \\\"is just a pointless statement.\\\"\"}");
    valid("s = \"\"\"\"\"\"\"\"", "{\"s\":\"\\\"\\\"\"}"); /* two quotes, then the end */
    valid("s = \"\"\"\"\"\"", "{\"s\":\"\"}");
    valid("winpath = 'C:\\Users\\nodejs\\templates'\nwinpath2 = '\\\\ServerX\\admin$\\system32\\'\n"
          "quoted = 'Tom \"Dubs\" Preston-Werner'\nregex = '<\\i\\c*\\s*>'",
          "{\"winpath\":\"C:\\\\Users\\\\nodejs\\\\templates\",\"winpath2\":\"\\\\\\\\ServerX\\\\admin$\\\\system32\\\\\","
          "\"quoted\":\"Tom \\\"Dubs\\\" Preston-Werner\",\"regex\":\"<\\\\i\\\\c*\\\\s*>\"}");
    valid("regex2 = '''I [dw]on't need \\d{2} apples'''\nlines = '''\nThe first newline is\ntrimmed in raw strings.\n"
          "   All other whitespace\n   is preserved.\n'''",
          "{\"regex2\":\"I [dw]on't need \\\\d{2} apples\",\"lines\":\"The first newline is\\ntrimmed in raw "
          "strings.\\n   All other whitespace\\n   is preserved.\\n\"}");
    valid("quot15 = '''Here are fifteen quotation marks: \"\"\"\"\"\"\"\"\"\"\"\"\"\"\"'''\n"
          "apos15 = \"Here are fifteen apostrophes: '''''''''''''''\"\n"
          "str = ''''That,' she said, 'is still pointless.''''",
          "{\"quot15\":\"Here are fifteen quotation marks: \\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\","
          "\"apos15\":\"Here are fifteen apostrophes: '''''''''''''''\",\"str\":\"'That,' she said, 'is still "
          "pointless.'\"}");
    valid("t = \"a\tb\"\nl = 'a\tb'\nm = '''a\tb'''", "{\"t\":\"a\\tb\",\"l\":\"a\\tb\",\"m\":\"a\\tb\"}");
    valid("a = \"\"\"x\r\ny\"\"\"\r\nb = '''\r\nz'''\r\n", "{\"a\":\"x\\ny\",\"b\":\"z\"}");
    valid("a = \"\"\nb = ''\nc = \"\"\"\"\"\"\nd = ''''''", "{\"a\":\"\",\"b\":\"\",\"c\":\"\",\"d\":\"\"}");
    valid("a = \"# not a comment\" # a comment", "{\"a\":\"# not a comment\"}");

    invalid("a = \"\\x41\"", "1:6", "invalid escape \\x");
    invalid("a = \"\\e\"", "1:6", "invalid escape \\e");
    invalid("a = \"\\ \"", "1:6", "invalid escape");
    invalid("a = \"\\uD800\"", "1:6", "not a Unicode scalar value");
    invalid("a = \"\\uDFFF\"", "1:6", "not a Unicode scalar value");
    invalid("a = \"\\U00110000\"", "1:6", "not a Unicode scalar value");
    invalid("a = \"\\u00\"", "1:6", "4 hexadecimal digits");
    invalid("a = \"\\u12G4\"", "1:6", "4 hexadecimal digits");
    invalid("a = \"\\U0001F60\"", "1:6", "8 hexadecimal digits");
    invalid("a = \"\\u0000\"", "1:6", "NUL");
    invalid("a = \"tab\x01\"", "1:9", "control character U+0001");
    invalid("a = \"é\x01\"", "1:7", "control character"); /* columns count characters */
    invalid("a = \"del\x7f\"", "1:9", "U+007F");
    invalid("a = 'lit\x1f'", "1:9", "control character");
    invalid("a = \"unterminated", "1:5", "unterminated string");
    invalid("a = \"line\nbreak\"", "1:5", "unterminated string");
    invalid("a = 'x", "1:5", "unterminated string");
    invalid("a = 'x\ny'", "1:5", "unterminated string");
    invalid("a = \"\"\"x", "1:5", "unterminated multi-line string");
    invalid("a = '''x''", "1:5", "unterminated multi-line string");
    invalid("a = \"\"\"x\"\"\"\"\"\"", "1:9", "too many quotes");
    invalid("a = '''x''''''", "1:9", "too many quotes");
    invalid("a = \"\"\"\\\"", "1:5", "unterminated");
    invalid("a = \"\"\"a\rb\"\"\"", "1:9", "control character U+000D");
    invalid("a = \"\"\"a\x02\"\"\"", "1:9", "control character");
    invalid("a = \"\"\"a\\q\"\"\"", "1:9", "invalid escape \\q");
    invalid("a = \"\"\"a\\ b\"\"\"", "1:9", "invalid escape");
    invalid("a = \"x\" \"y\"", "1:9", "expected the end of the line");
}

static void test_numbers(void **state)
{
    (void)state;
    valid("int1 = +99\nint2 = 42\nint3 = 0\nint4 = -17\nint5 = 1_000\nint6 = 5_349_221\nint7 = 53_49_221\n"
          "int8 = 1_2_3_4_5\nz1 = +0\nz2 = -0",
          "{\"int1\":99,\"int2\":42,\"int3\":0,\"int4\":-17,\"int5\":1000,\"int6\":5349221,\"int7\":5349221,"
          "\"int8\":12345,\"z1\":0,\"z2\":0}");
    valid("hex1 = 0xDEADBEEF\nhex2 = 0xdeadbeef\nhex3 = 0xdead_beef\noct1 = 0o01234567\noct2 = 0o755\n"
          "bin1 = 0b11010110\nh0 = 0x0\nhmax = 0x7FFFFFFFFFFFFFFF\nb0 = 0b0000_0001",
          "{\"hex1\":3735928559,\"hex2\":3735928559,\"hex3\":3735928559,\"oct1\":342391,\"oct2\":493,"
          "\"bin1\":214,\"h0\":0,\"hmax\":9223372036854775807,\"b0\":1}");
    valid("max = 9223372036854775807\nmin = -9223372036854775808\nmax2 = +9_223_372_036_854_775_807",
          "{\"max\":9223372036854775807,\"min\":-9223372036854775808,\"max2\":9223372036854775807}");
    valid("flt1 = +1.0\nflt2 = 3.1415\nflt3 = -0.01\nflt4 = 5e+22\nflt5 = 1e06\nflt6 = -2E-2\nflt7 = 6.626e-34\n"
          "flt8 = 224_617.445_991_228\nflt9 = 0.0\nflt10 = 0e0\nflt11 = 1e1_0\nflt12 = 1e-400",
          "{\"flt1\":1.0,\"flt2\":3.1415,\"flt3\":-0.01,\"flt4\":5e+22,\"flt5\":1e06,\"flt6\":-2E-2,"
          "\"flt7\":6.626e-34,\"flt8\":224617.445991228,\"flt9\":0.0,\"flt10\":0.0,\"flt11\":1e10,\"flt12\":0.0}");
    const char *specials = "a = inf\nb = +inf\nc = -inf\nd = nan\ne = +nan\nf = -nan\ng = -0.0";
    json_object *o = parse_ok(specials, strlen(specials));
    double want_inf[] = { INFINITY, INFINITY, -INFINITY };
    for (int i = 0; i < 3; i++) {
        json_object *v = json_object_object_get(o, (const char[]){ (char)('a' + i), 0 });
        assert_true(json_object_is_type(v, json_type_double));
        assert_true(json_object_get_double(v) == want_inf[i]);
    }
    for (int i = 3; i < 6; i++) {
        json_object *v = json_object_object_get(o, (const char[]){ (char)('a' + i), 0 });
        assert_true(json_object_is_type(v, json_type_double));
        assert_true(isnan(json_object_get_double(v)));
    }
    assert_true(signbit(json_object_get_double(json_object_object_get(o, "g"))));
    json_object_put(o);
    valid("t = true\nf = false", "{\"t\":true,\"f\":false}");

    static const struct {
        const char *text, *what;
    } bad[] = {
        { "a = +0x1", "sign" },           { "a = -0o7", "sign" },           { "a = 0xG", "malformed integer" },
        { "a = 01", "leading zeros" },    { "a = -01", "leading zeros" },   { "a = 0_0", "leading zeros" },
        { "a = 1__0", "malformed" },      { "a = _1", "malformed value" }, { "a = 1_", "malformed" },
        { "a = 0x_1", "malformed" },      { "a = 0x1_", "malformed" },      { "a = 0x", "malformed" },
        { "a = 0X1", "malformed" },       { "a = 0b2", "malformed" },       { "a = 0o8", "malformed" },
        { "a = 0B1", "malformed" },       { "a = 1.", "digits needed" },    { "a = .1", "malformed float" },
        { "a = 1.e1", "digits needed" },  { "a = 1e", "exponent" },         { "a = 1e_1", "exponent" },
        { "a = 1.0_", "digits needed" },  { "a = 01.0", "malformed float" }, { "a = 1e400", "out of range" },
        { "a = -1e400", "out of range" }, { "a = infinity", "malformed" },  { "a = +-1", "malformed" },
        { "a = 1-2", "malformed" },       { "a = 1.2.3", "malformed" },     { "a = 1e2e3", "exponent" },
        { "a = Inf", "malformed" },       { "a = NaN", "malformed" },       { "a = ++1", "malformed" },
        { "a = 9223372036854775808", "out of range" },
        { "a = -9223372036854775809", "out of range" },
        { "a = 99999999999999999999999", "out of range" },
        { "a = 0x8000000000000000", "out of range" },
        { "a = 0xFFFFFFFFFFFFFFFFF", "out of range" },
        { "a = 0o1000000000000000000000", "out of range" },
        { "a = True", "malformed" },      { "a = truee", "malformed value after true" },
        { "a = falsey", "malformed value after false" }, { "a = tru", "malformed" },
        { "a = 1_000.5__0", "digits needed" }, { "a = 1e+", "exponent" },
    };
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
        invalid(bad[i].text, "1:5", bad[i].what);
}

static void test_dates(void **state)
{
    (void)state;
    valid("odt1 = 1979-05-27T07:32:00Z\nodt2 = 1979-05-27T00:32:00-07:00\nodt3 = 1979-05-27T00:32:00.999999-07:00\n"
          "odt4 = 1979-05-27 07:32:00Z\nodt5 = 1979-05-27t07:32:00z\nldt1 = 1979-05-27T07:32:00\n"
          "ldt2 = 1979-05-27T00:32:00.999999\nld1 = 1979-05-27\nlt1 = 07:32:00\nlt2 = 00:32:00.999999\n"
          "leap = 2000-02-29\nleap2 = 2024-02-29\nsec60 = 1990-12-31T23:59:60Z\nplus = 1979-05-27T07:32:00+14:00",
          "{\"odt1\":\"1979-05-27T07:32:00Z\",\"odt2\":\"1979-05-27T00:32:00-07:00\","
          "\"odt3\":\"1979-05-27T00:32:00.999999-07:00\",\"odt4\":\"1979-05-27 07:32:00Z\","
          "\"odt5\":\"1979-05-27t07:32:00z\",\"ldt1\":\"1979-05-27T07:32:00\",\"ldt2\":\"1979-05-27T00:32:00.999999\","
          "\"ld1\":\"1979-05-27\",\"lt1\":\"07:32:00\",\"lt2\":\"00:32:00.999999\",\"leap\":\"2000-02-29\","
          "\"leap2\":\"2024-02-29\",\"sec60\":\"1990-12-31T23:59:60Z\",\"plus\":\"1979-05-27T07:32:00+14:00\"}");
    valid("d = 1979-05-27 # a date, then a comment", "{\"d\":\"1979-05-27\"}");
    valid("a = [1979-05-27, 07:32:00, 1979-05-27T07:32:00Z]",
          "{\"a\":[\"1979-05-27\",\"07:32:00\",\"1979-05-27T07:32:00Z\"]}");

    invalid("a = 1979-13-01", "1:5", "invalid date");
    invalid("a = 1979-00-01", "1:5", "invalid date");
    invalid("a = 1979-02-30", "1:5", "invalid date");
    invalid("a = 1900-02-29", "1:5", "invalid date");
    invalid("a = 1979-04-31", "1:5", "invalid date");
    invalid("a = 1979-05-00", "1:5", "invalid date");
    invalid("a = 1979-05-27T25:00:00", "1:16", "invalid time");
    invalid("a = 1979-05-27T07:60:00", "1:16", "invalid time");
    invalid("a = 07:32:61", "1:5", "invalid time");
    invalid("a = 1979-05-27T07:32", "1:16", "HH:MM:SS");
    invalid("a = 07:32", "1:5", "malformed");
    invalid("a = 1979-05-27T07:32:00+25:00", "1:24", "malformed time offset");
    invalid("a = 1979-05-27T07:32:00+07", "1:24", "malformed time offset");
    invalid("a = 1979-05-27T07:32:00.", "1:24", "digits needed");
    invalid("a = 1979-05-27T", "1:15", "expected the end of the line");
    invalid("a = 1979-5-27", "1:5", "malformed");
    invalid("a = 07:32:00Z", "1:13", "expected the end of the line");
    invalid("a = 1979-05-27T07:32:00Zx", "1:25", "expected the end of the line");
}

static void test_arrays(void **state)
{
    (void)state;
    valid("integers = [ 1, 2, 3 ]\ncolors = [ \"red\", \"yellow\", \"green\" ]\n"
          "nested_arrays_of_ints = [ [ 1, 2 ], [3, 4, 5] ]\nnested_mixed_array = [ [ 1, 2 ], [\"a\", \"b\", \"c\"] ]\n"
          "string_array = [ \"all\", 'strings', \"\"\"are the same\"\"\", '''type''' ]",
          "{\"integers\":[1,2,3],\"colors\":[\"red\",\"yellow\",\"green\"],\"nested_arrays_of_ints\":[[1,2],[3,4,5]],"
          "\"nested_mixed_array\":[[1,2],[\"a\",\"b\",\"c\"]],\"string_array\":[\"all\",\"strings\",\"are the same\","
          "\"type\"]}");
    valid("numbers = [ 0.1, 0.2, 0.5, 1, 2, 5 ]\ncontributors = [\n  \"Foo Bar <foo@example.com>\",\n"
          "  { name = \"Baz Qux\", email = \"bazqux@example.com\", url = \"https://example.com/bazqux\" }\n]",
          "{\"numbers\":[0.1,0.2,0.5,1,2,5],\"contributors\":[\"Foo Bar <foo@example.com>\",{\"name\":\"Baz Qux\","
          "\"email\":\"bazqux@example.com\",\"url\":\"https://example.com/bazqux\"}]}");
    valid("integers2 = [\n  1, 2, 3\n]\n\nintegers3 = [\n  1,\n  2, # this is ok\n]",
          "{\"integers2\":[1,2,3],\"integers3\":[1,2]}");
    valid("e = []\nf = [ ]\ng = [\n]\nh = [ # c\n # d\n ]\ni = [[]]\nj = [1,]",
          "{\"e\":[],\"f\":[],\"g\":[],\"h\":[],\"i\":[[]],\"j\":[1]}");
    valid("a = [\r\n1,\r\n2\r\n]", "{\"a\":[1,2]}");
    valid("a = [ true, 1, 1.5, \"s\", [], {}, 1979-05-27 ]", "{\"a\":[true,1,1.5,\"s\",[],{},\"1979-05-27\"]}");
    /* 32 levels of nesting, not 33 */
    char deep[80];
    memset(deep, '[', 32);
    memset(deep + 32, ']', 32);
    strcpy(deep + 64, "");
    char *t = ctr__asprintf("a = %s", deep);
    json_object_put(parse_ok(t, strlen(t)));
    free(t);
    t = ctr__asprintf("a = [%s]", deep);
    invalid(t, NULL, "nested more than 32 deep");
    free(t);

    invalid("a = [1,,2]", "1:8", "expected a value");
    invalid("a = [,]", "1:6", "expected a value");
    invalid("a = [1 2]", "1:8", "expected ',' or ']'");
    invalid("a = [1", "1:5", "unterminated array");
    invalid("a = [\"a\"", "1:5", "unterminated array");
    invalid("a = [1 # c\n", "1:5", "unterminated array");
    invalid("a = [ # \x01\n]", "1:9", "control character");
    invalid("a = [1]]", "1:8", "expected the end of the line");
}

static void test_inline_tables(void **state)
{
    (void)state;
    valid("name = { first = \"Tom\", last = \"Preston-Werner\" }\npoint = { x = 1, y = 2 }\n"
          "animal = { type.name = \"pug\" }\nempty = {}\nempty2 = { }\nnested = { a = { b = { c = 1 } } }",
          "{\"name\":{\"first\":\"Tom\",\"last\":\"Preston-Werner\"},\"point\":{\"x\":1,\"y\":2},"
          "\"animal\":{\"type\":{\"name\":\"pug\"}},\"empty\":{},\"empty2\":{},\"nested\":{\"a\":{\"b\":{\"c\":1}}}}");
    valid("t = {a.b = 1, a.c = 2}", "{\"t\":{\"a\":{\"b\":1,\"c\":2}}}");
    valid("points = [ { x = 1, y = 2, z = 3 },\n           { x = 7, y = 8, z = 9 } ]",
          "{\"points\":[{\"x\":1,\"y\":2,\"z\":3},{\"x\":7,\"y\":8,\"z\":9}]}");
    valid("a = {b = [\n1,\n2]}", "{\"a\":{\"b\":[1,2]}}"); /* newlines inside an array inside are fine */

    invalid("a = {b = 1,}", "1:12", "trailing comma");
    invalid("a = {b = 1\n}", "1:11", "newline in an inline table");
    invalid("a = {\nb = 1}", "1:6", "expected a key before the end of the line");
    invalid("a = {b = 1, b = 2}", "1:13", "duplicate key b");
    invalid("a = {b = 1 c = 2}", "1:12", "expected ',' or '}'");
    invalid("a = {", "1:6", "expected a key");
    invalid("a = {b = 1", "1:5", "unterminated inline table");
    invalid("a = {b = {}, b.c = 1}", "1:14", "inline table b cannot be extended");
    invalid("a = {}\na.b = 1", "2:1", "inline table a cannot be extended");
    invalid("a = {b = 1}\na.c = 2", "2:1", "inline table a cannot be extended");
    invalid("a = {}\n[a]", "2:1", "defined more than once");
    invalid("a = {}\n[a.b]", "2:1", "inline table a cannot be extended");
    invalid("a = {b = {}}\n[a.b.c]", "2:1", "inline table a cannot be extended");
    invalid("product.type.name = \"Nail\"\nproduct.type = { edible = false }", "2:1", "duplicate key product.type");
    invalid("a.b = 0\na = {}", "2:1", "duplicate key a");
    invalid("a = [{b = 1}]\n[[a]]", "2:1", "not as an array of tables");
    invalid("a = [{b = 1}]\n[a.c]", "2:1", "is an array, not a table");
}

static void test_tables(void **state)
{
    (void)state;
    valid("[table-1]\nkey1 = \"some string\"\nkey2 = 123\n\n[table-2]\nkey1 = \"another string\"\nkey2 = 456",
          "{\"table-1\":{\"key1\":\"some string\",\"key2\":123},\"table-2\":{\"key1\":\"another string\",\"key2\":456}}");
    valid("[dog.\"tater.man\"]\ntype.name = \"pug\"", "{\"dog\":{\"tater.man\":{\"type\":{\"name\":\"pug\"}}}}");
    valid("[a.b.c]\n[ d.e.f ]\n[ g .  h  . i ]\n[ j . \"ʞ\" . 'l' ]",
          "{\"a\":{\"b\":{\"c\":{}}},\"d\":{\"e\":{\"f\":{}}},\"g\":{\"h\":{\"i\":{}}},\"j\":{\"ʞ\":{\"l\":{}}}}");
    valid("[x.y.z.w]\n[x]\nk = 1", "{\"x\":{\"y\":{\"z\":{\"w\":{}}},\"k\":1}}");
    valid("[a.b.c]\nanswer = 42\n[a]\nbetter = 43", "{\"a\":{\"b\":{\"c\":{\"answer\":42}},\"better\":43}}");
    valid("[fruit]\napple.color = \"red\"\napple.taste.sweet = true\n[fruit.apple.texture]\nsmooth = true",
          "{\"fruit\":{\"apple\":{\"color\":\"red\",\"taste\":{\"sweet\":true},\"texture\":{\"smooth\":true}}}}");
    valid("a = 1\n[t]\nb = 2\n[t.u]\nc = 3", "{\"a\":1,\"t\":{\"b\":2,\"u\":{\"c\":3}}}");
    valid("[a.b.c]\n[a]\nb.d = 1", "{\"a\":{\"b\":{\"c\":{},\"d\":1}}}");
    valid("[a]\n[a.b]\n[a.c]", "{\"a\":{\"b\":{},\"c\":{}}}");
    valid("[\"\"]\nk = 1", "{\"\":{\"k\":1}}");
    invalid("[\"\"]\n['']", "2:1", "defined more than once");
    valid("[a]#c\n[b] # c\n\t[c]\t", "{\"a\":{},\"b\":{},\"c\":{}}");

    invalid("[a]\n[a]", "2:1", "table a is defined more than once");
    invalid("[a]\nb = 1\n[a.b]", "3:1", "key a.b is already defined, not as a table");
    invalid("[fruit]\napple.color = \"red\"\n[fruit.apple]", "3:1", "defined more than once");
    invalid("[fruit]\napple.color = \"red\"\napple.taste.sweet = true\n[fruit.apple.taste]", "4:1",
            "defined more than once");
    invalid("[a.b.c]\nz = 9\n[a]\nb.c.t = 1", "4:1", "table b.c is defined elsewhere");
    invalid("[a.b.c.d]\nz = 9\n[a]\nb.c.d.k.t = 1", "4:1", "table b.c.d is defined elsewhere");
    invalid("a.b = 1\n[a]", "2:1", "defined more than once");
    invalid("[t1]\nt2.t3.v = 0\n[t1.t2]", "3:1", "defined more than once");
    invalid("[a]\nb.c = 1\n[a.b.d]\n[a]\n", "4:1", "defined more than once");
    invalid("[]", "1:2", "expected a key");
    invalid("[a.]", "1:4", "expected a key");
    invalid("[a", "1:3", "expected ']'");
    invalid("[a b]", "1:4", "expected ']'");
    invalid("[[a]", "1:4", "expected ']]'");
    invalid("[[a] ]", "1:4", "expected ']]'");
    invalid("[ [a] ]", "1:3", "expected a key");
    invalid("[a]b = 1", "1:4", "expected the end of the line");
    invalid("[a]]", "1:4", "expected the end of the line");
    invalid("a = 1\n[a]", "2:1", "already defined, not as a table");
    invalid("a = 1\n[a.b]", "2:1", "already defined, not as a table");
    invalid("[a]\nx = 1\n[b]\n[a]", "4:1", "defined more than once");
    invalid("[a]\n b = 1\n b = 2", "3:2", "duplicate key b");
    invalid("[\"a\nb\"]", "1:2", "unterminated string");
}

static void test_arrays_of_tables(void **state)
{
    (void)state;
    valid("[[products]]\nname = \"Hammer\"\nsku = 738594937\n\n[[products]]  # empty table within the array\n\n"
          "[[products]]\nname = \"Nail\"\nsku = 284758393\n\ncolor = \"gray\"",
          "{\"products\":[{\"name\":\"Hammer\",\"sku\":738594937},{},{\"name\":\"Nail\",\"sku\":284758393,"
          "\"color\":\"gray\"}]}");
    valid("[[fruits]]\nname = \"apple\"\n\n[fruits.physical]  # subtable\ncolor = \"red\"\nshape = \"round\"\n\n"
          "[[fruits.varieties]]  # nested array of tables\nname = \"red delicious\"\n\n[[fruits.varieties]]\n"
          "name = \"granny smith\"\n\n\n[[fruits]]\nname = \"banana\"\n\n[[fruits.varieties]]\nname = \"plantain\"",
          "{\"fruits\":[{\"name\":\"apple\",\"physical\":{\"color\":\"red\",\"shape\":\"round\"},"
          "\"varieties\":[{\"name\":\"red delicious\"},{\"name\":\"granny smith\"}]},{\"name\":\"banana\","
          "\"varieties\":[{\"name\":\"plantain\"}]}]}");
    valid("[[a.b]]\nx = 1\n[[a.b]]\nx = 2\n[a]\ny = 3", "{\"a\":{\"b\":[{\"x\":1},{\"x\":2}],\"y\":3}}");
    valid("[[ a ]]\n[[ a ]]", "{\"a\":[{},{}]}");
    valid("[[a]]\nb.c = 1\n[[a]]\nb.c = 2", "{\"a\":[{\"b\":{\"c\":1}},{\"b\":{\"c\":2}}]}");

    invalid("[fruit.physical]  # subtable, but to which parent element should it belong?\ncolor = \"red\"\n"
            "shape = \"round\"\n\n[[fruit]]  # parser must throw an error upon discovering that \"fruit\" is\n"
            "           # an array rather than a table\nname = \"apple\"",
            "5:1", "already defined, not as an array of tables");
    invalid("fruits = []\n\n[[fruits]] # Not allowed", "3:1", "not as an array of tables");
    invalid("[[fruits]]\nname = \"apple\"\n\n[[fruits.varieties]]\nname = \"red delicious\"\n\n"
            "# INVALID: This table conflicts with the previous array of tables\n[fruits.varieties]\nname = \"granny smith\"",
            "8:1", "is an array of tables");
    invalid("[[fruits]]\nname = \"apple\"\n\n[fruits.physical]\ncolor = \"red\"\n\n"
            "# INVALID: This array of tables conflicts with the previous table\n[[fruits.physical]]\ncolor = \"green\"",
            "8:1", "not as an array of tables");
    invalid("[[a]]\n[a]", "2:1", "is an array of tables");
    invalid("[a]\n[[a]]", "2:1", "not as an array of tables");
    valid("[[a]]\na.b = 1", "{\"a\":[{\"a\":{\"b\":1}}]}");
    invalid("[[a]]\n[[a]]\nx = 1\nx = 2", "4:1", "duplicate key x");
}

static void test_input(void **state)
{
    (void)state;
    valid("\xef\xbb\xbf" "a = 1", "{\"a\":1}");
    valid("a = 1\r\nb = 2\r\n", "{\"a\":1,\"b\":2}");
    valid("a = \"😀 ☃ é\"", "{\"a\":\"😀 ☃ é\"}");
    valid_n("a = 1\nb = 2", 5, "{\"a\":1}"); /* @size counts, not the NUL */
    json_object *o = NULL;
    assert_int_equal(ctr__toml_parse(NULL, 0, &o, NULL), 0); /* nothing is an empty document */
    json_object_put(o);

    invalid_n("a = 1\0b = 2", 11, "1:6", "a NUL byte");
    invalid("a = \"\xff\"", "1:6", "invalid UTF-8");
    invalid("a = \"\xc0\x80\"", "1:6", "invalid UTF-8");         /* overlong NUL */
    invalid("a = \"\xe0\x80\xaf\"", "1:6", "invalid UTF-8");     /* overlong */
    invalid("a = \"\xed\xa0\x80\"", "1:6", "invalid UTF-8");     /* a surrogate */
    invalid("a = \"\xf4\x90\x80\x80\"", "1:6", "invalid UTF-8"); /* beyond U+10FFFF */
    invalid("a = \"\xf5\x80\x80\x80\"", "1:6", "invalid UTF-8");
    invalid("a = \"\xe2\x82\"", "1:6", "invalid UTF-8");         /* truncated */
    invalid("a = \"x\xe2", "1:7", "invalid UTF-8");
    invalid("# \xff\n", "1:3", "invalid UTF-8");
    invalid("a = 1\rb = 2", "1:6", "expected the end of the line");
    invalid("\r", "1:1", "carriage return without a line feed");
    invalid("# a\x01\n", "1:4", "control character U+0001 in a comment");
    invalid("# a\r\n# b\x7f", "2:4", "control character U+007F");
    invalid("a = 1\n\x0c", "2:1", "expected a key, not U+000C");
    /* the message without a place to put it: only the thread's record */
    o = (json_object *)0x1;
    assert_int_equal(ctr__toml_parse("a = ", 4, &o, NULL), -EINVAL);
    assert_ptr_equal(o, (json_object *)0x1);
    assert_string_equal(ctr_error_last()->message, "1:5: expected a value before the end of the line");
}

/* /etc/containers/registries.conf as Debian's containers-common ships it
 * (comments shortened), and the forms its manual page shows. */
static void test_registries_conf(void **state)
{
    (void)state;
    valid("# For more information on this configuration file, see containers-registries.conf(5).\n"
          "#\n"
          "# NOTE: RISK OF USING UNQUALIFIED IMAGE NAMES\n"
          "# We recommend always using fully qualified image names including the registry\n"
          "# server (full dns name), namespace, image name, and tag\n"
          "# (e.g., registry.redhat.io/ubi8/ubi:latest).\n"
          "#\n"
          "# # An array of host[:port] registries to try when pulling an unqualified image, in order.\n"
          "# unqualified-search-registries = [\"example.com\"]\n"
          "#\n"
          "# [[registry]]\n"
          "# # The \"prefix\" field is used to choose the relevant [[registry]] TOML table;\n"
          "# prefix = \"example.com/foo\"\n"
          "# insecure = false\n"
          "# blocked = false\n"
          "# location = \"internal-registry-for-example.com/bar\"\n"
          "#\n"
          "# [[registry.mirror]]\n"
          "# location = \"example-mirror-0.local/mirror-for-foo\"\n"
          "\n"
          "unqualified-search-registries = [\"docker.io\", \"quay.io\"]\n"
          "short-name-mode = \"enforcing\"\n"
          "\n"
          "[[registry]]\n"
          "prefix = \"example.com/foo\"\n"
          "insecure = false\n"
          "blocked = false\n"
          "location = \"internal-registry-for-example.com/bar\"\n"
          "\n"
          "[[registry.mirror]]\n"
          "location = \"example-mirror-0.local/mirror-for-foo\"\n"
          "[[registry.mirror]]\n"
          "location = \"example-mirror-1.local/mirrors/foo\"\n"
          "insecure = true\n"
          "pull-from-mirror = \"digest-only\"\n"
          "\n"
          "[[registry]]\n"
          "location = \"127.0.0.1:5000\"\n"
          "insecure = true\n"
          "\n"
          "[aliases]\n"
          "  # centos\n"
          "  \"centos\" = \"quay.io/centos/centos\"\n"
          "  \"fedora\" = \"registry.fedoraproject.org/fedora\"\n",
          "{\"unqualified-search-registries\":[\"docker.io\",\"quay.io\"],\"short-name-mode\":\"enforcing\","
          "\"registry\":[{\"prefix\":\"example.com/foo\",\"insecure\":false,\"blocked\":false,"
          "\"location\":\"internal-registry-for-example.com/bar\",\"mirror\":[{\"location\":"
          "\"example-mirror-0.local/mirror-for-foo\"},{\"location\":\"example-mirror-1.local/mirrors/foo\","
          "\"insecure\":true,\"pull-from-mirror\":\"digest-only\"}]},{\"location\":\"127.0.0.1:5000\","
          "\"insecure\":true}],\"aliases\":{\"centos\":\"quay.io/centos/centos\","
          "\"fedora\":\"registry.fedoraproject.org/fedora\"}}");
    /* version 1 still parses as TOML (registries-conf.c refuses it) */
    valid("[registries.search]\nregistries = ['docker.io']\n[registries.insecure]\nregistries = []\n",
          "{\"registries\":{\"search\":{\"registries\":[\"docker.io\"]},\"insecure\":{\"registries\":[]}}}");
    /* the same content with a registry as an inline table in an array */
    valid("registry = [ { location = \"a.io\", mirror = [ { location = \"m.io\" } ] } ]",
          "{\"registry\":[{\"location\":\"a.io\",\"mirror\":[{\"location\":\"m.io\"}]}]}");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_keys),          cmocka_unit_test(test_strings),
        cmocka_unit_test(test_numbers),       cmocka_unit_test(test_dates),
        cmocka_unit_test(test_arrays),        cmocka_unit_test(test_inline_tables),
        cmocka_unit_test(test_tables),        cmocka_unit_test(test_arrays_of_tables),
        cmocka_unit_test(test_input),         cmocka_unit_test(test_registries_conf),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
