/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* ctrctl's template engine (examples/ctrctl/template.c), compiled in: Go's
 * text/template over JSON as podman prints it.  The expected outputs and
 * messages are Go's (go1.19 text/template and text/tabwriter, podman 4.3's
 * report package) on the same input. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "template.h"

/* A container as `inspect` documents it, smaller. */
static const char doc_json[] =
    "[{\"Id\":\"4442096c9896bf47\",\"Name\":\"web\","
    "\"State\":{\"Status\":\"running\",\"Running\":true,\"Pid\":42,\"ExitCode\":0,\"Health\":null},"
    "\"Config\":{\"Env\":[\"A=1\",\"B=2\"],\"Labels\":{\"zeta\":\"1\",\"app\":\"web\"},"
    "\"Cmd\":[\"/bin/sleep\",\"100\"],\"StopSignal\":15,\"Volumes\":null,\"Annotations\":{}},"
    "\"Mounts\":[],\"Ratio\":0.5,\"Big\":1e21,\"Empty\":\"\",\"Text\":\"<a&b>\\u2028\\u0001\\t\\\"\xc3\xa9\"}]";

static const tmpl_member_t members[] = {
    { "ID", "Id", TMPL_AUTO, NULL },
    { "State", NULL, TMPL_STRUCT, "*define.InspectContainerState" },
    { "Config", NULL, TMPL_STRUCT, "*define.InspectContainerConfig" },
    { "Health", NULL, TMPL_STRUCT, "*define.HealthCheckResults" },
    { "Labels", NULL, TMPL_MAP, "map[string]string" },
    { "Annotations", NULL, TMPL_MAP, "map[string]string" },
    { "Volumes", NULL, TMPL_MAP, "map[string]struct {}" },
    { "Mounts", NULL, TMPL_LIST, "[]define.InspectMount" },
    { NULL, NULL, TMPL_AUTO, NULL },
};
static const tmpl_schema_t schema = { TMPL_STRUCT, "interface {}", members };

/* Plain maps and lists, as Go's map[string]interface{} (lowercase keys). */
static const char map_json[] =
    "{\"f\":1.5,\"g\":2.0,\"big\":1e21,\"tiny\":1e-7,\"l\":[\"a\",\"b\",\"c\"],\"m\":{\"b\":\"2\",\"a\":\"1\"},"
    "\"mi\":{\"x\":1,\"y\":[1,2]},\"n\":null,\"i\":3,\"e\":\"\",\"el\":[],\"em\":{},\"t\":true,"
    "\"nested\":{\"k\":{\"z\":[{\"q\":1}]}}}";

/* format as podman reads it over the document: its output, then "|ERR: "
 * and the message when it failed. */
static char *run(const char *format, const char *json, const tmpl_schema_t *s, bool podman)
{
    json_object *data = json_tokener_parse(json);
    tmpl_t *t = NULL;
    tmpl_buf_t out = { 0 }, aligned = { 0 };
    char *error = NULL, *result = NULL;
    assert_non_null(data);
    int r = podman ? tmpl_parse(&t, "t", format, &error) : tmpl_parse_text(&t, "t", format, &error);
    if (r == 0)
        r = tmpl_execute(t, data, s, &out, &error);
    assert_true(r == 0 || r == -EINVAL);
    if (t && tmpl_is_table(t)) {
        assert_int_equal(tmpl_tabwrite(out.data ? out.data : "", out.len, &aligned), 0);
        tmpl_buf_free(&out);
        out = aligned;
    }
    assert_true(asprintf(&result, "%s%s%s", out.data ? out.data : "", r ? "|ERR: " : "", r ? error : "") > 0);
    tmpl_buf_free(&out);
    free(error);
    tmpl_free(t);
    json_object_put(data);
    return result;
}

static void check_with(const char *format, const char *json, const tmpl_schema_t *s, bool podman, const char *want)
{
    char *got = run(format, json, s, podman);
    if (strcmp(got, want) != 0)
        fail_msg("format %s\n  got  [%s]\n  want [%s]", format, got, want);
    free(got);
}

/* podman's rules over the container document. */
static void check(const char *format, const char *want)
{
    check_with(format, doc_json, &schema, true, want);
}

/* A plain Go template over the map document. */
static void check_raw(const char *text, const char *want)
{
    check_with(text, map_json, NULL, false, want);
}

static void test_fields(void **state)
{
    check("{{.State.Status}}", "running\n");
    check("{{.ID}}", "4442096c9896bf47\n");
    check("{{.Name}} {{.State.Pid}} {{.State.Running}} {{.Config.StopSignal}}", "web 42 true 15\n");
    check("{{.Config.Env}}", "[A=1 B=2]\n");
    check("{{.Config.Labels}}", "map[app:web zeta:1]\n");
    check("{{.Config.Labels.app}}|{{.Config.Labels.nope}}", "web|<no value>\n");
    check("{{index .Config.Labels \"app\"}}|{{index .Config.Labels \"nope\"}}|", "web||\n");
    check("{{.Config.Volumes}} {{.Config.Annotations}} {{.Mounts}} {{.State.Health}}", "map[] map[] [] <nil>\n");
    check("{{.State}}", "{running true 42 0 <nil>}\n");
    check("{{.Ratio}} {{.Big}} {{.Empty}}|", "0.5 1e+21 |\n");
    check("{{(.Config).Cmd}} {{len $}}", "[/bin/sleep 100] 1\n"); /* $: the list of documents */
}

static void test_field_errors(void **state)
{
    check("{{.Id}}", "|ERR: template: t:1:13: executing \"t\" at <.Id>: can't evaluate field Id in type interface {}");
    check("{{.Foo}}",
          "|ERR: template: t:1:13: executing \"t\" at <.Foo>: can't evaluate field Foo in type interface {}");
    check("x {{.State.Foo}}",
          "x |ERR: template: t:1:21: executing \"t\" at <.State.Foo>: can't evaluate field Foo in type "
          "*define.InspectContainerState");
    check("{{.Config.Foo.Bar}}", "|ERR: template: t:1:20: executing \"t\" at <.Config.Foo.Bar>: can't evaluate "
                                 "field Foo in type *define.InspectContainerConfig");
    check("{{.Config.Env.x}}",
          "|ERR: template: t:1:20: executing \"t\" at <.Config.Env.x>: can't evaluate field x in type []string");
    check("{{.Config.Labels.app.x}}",
          "|ERR: template: t:1:20: executing \"t\" at <.Config.Labels.app.x>: can't evaluate field x in type string");
    check("{{.State.Health.Status}}", "|ERR: template: t:1:19: executing \"t\" at <.State.Health.Status>: nil "
                                      "pointer evaluating *define.HealthCheckResults.Status");
    check("{{range .Name}}{{end}}", "|ERR: template: t:1:19: executing \"t\" at <.Name>: range can't iterate over web");
    check("{{.Name 1}}", "|ERR: template: t:1:13: executing \"t\" at <.Name>: Name has arguments but cannot be "
                         "invoked as function");
    check("{{index .Config.Env 9}}", "|ERR: template: t:1:13: executing \"t\" at <index .Config.Env 9>: error "
                                     "calling index: index out of range: 9");
    check("{{join .Name \",\"}}", "|ERR: template: t:1:18: executing \"t\" at <.Name>: wrong type for value; "
                                  "expected []string; got string");
    check("{{upper .State}}", "|ERR: template: t:1:19: executing \"t\" at <.State>: wrong type for value; expected "
                              "string; got *define.InspectContainerState");
}

static void test_printing(void **state)
{
    check_raw("{{1e6}} {{123456.0}} {{1234567.5}} {{0.0001}} {{0.00001}} {{1.5}} {{-0.0}}",
              "1e+06 123456 1.2345675e+06 0.0001 1e-05 1.5 -0");
    check_raw("{{.f}} {{.g}} {{.big}} {{.tiny}} {{1.5e300}} {{1e-300}} {{123456789.0}} {{0.000123}}",
              "1.5 2 1e+21 1e-07 1.5e+300 1e-300 1.23456789e+08 0.000123");
    check_raw("{{.m}} {{.l}} {{.n}} {{.mi}} {{.el}} {{.em}} {{.nested}} {{.t}} {{.i}}",
              "map[a:1 b:2] [a b c] <no value> map[x:1 y:[1 2]] [] map[] map[k:map[z:[map[q:1]]]] true 3");
    check_raw("{{.nope}} {{.nope.x}} {{.m.zz}}", "<no value> <no value> <no value>");
    check_raw("{{'a'}} {{'\\n'}} {{0x1F}} {{1e3}} {{010}} {{-5}} {{+5}} {{true}}", "97 10 31 1000 8 -5 5 true");
    check_raw("{{\"\\x41\\u00e9\\101\\t\"}} {{`raw\\n`}}", "A\xc3\xa9" "A\t raw\\n");
    check_raw("{{- \" trim \" -}} x {{- 1 -}} y", " trim x1y");
    check_raw("a {{/* comment */}} b {{- /* c */ -}} c", "a  bc");
}

static void test_json(void **state)
{
    check("{{json .Config.Labels}}", "{\"app\":\"web\",\"zeta\":\"1\"}\n");
    check("{{json .Config}}", "{\"Env\":[\"A=1\",\"B=2\"],\"Labels\":{\"app\":\"web\",\"zeta\":\"1\"},\"Cmd\":"
                              "[\"/bin/sleep\",\"100\"],\"StopSignal\":15,\"Volumes\":null,\"Annotations\":{}}\n");
    check("{{json .Text}}", "\"<a&b>\\u2028\\u0001\\t\\\"\xc3\xa9\"\n");
    check("{{json .Ratio}} {{json .Big}} {{json .Empty}} {{json .Mounts}} {{json .State.Health}}",
          "0.5 1e+21 \"\" [] null\n");
    check_raw("{{json .f}} {{json .g}} {{json .tiny}} {{json .n}} {{json .nope}} {{json 1}} {{json \"x\"}} {{json .t}}",
              "1.5 2 1e-7 null null 1 \"x\" true");
    check_raw("{{json .}}", "{\"big\":1e+21,\"e\":\"\",\"el\":[],\"em\":{},\"f\":1.5,\"g\":2,\"i\":3,\"l\":"
                            "[\"a\",\"b\",\"c\"],\"m\":{\"a\":\"1\",\"b\":\"2\"},\"mi\":{\"x\":1,\"y\":[1,2]},"
                            "\"n\":null,\"nested\":{\"k\":{\"z\":[{\"q\":1}]}},\"t\":true,\"tiny\":1e-7}");
}

static void test_control(void **state)
{
    check("{{range .Config.Env}}{{.}} {{end}}", "A=1 B=2 \n");
    check("{{range $i, $e := .Config.Cmd}}{{$i}}:{{$e}},{{end}}", "0:/bin/sleep,1:100,\n");
    check("{{range $k, $v := .Config.Labels}}{{$k}}={{$v}};{{end}}", "app=web;zeta=1;\n");
    check("{{range .Mounts}}x{{else}}none{{end}}", "none\n");
    check("{{if .State.Running}}up{{else}}down{{end}}", "up\n");
    check("{{if .Empty}}a{{else if .State.Pid}}b{{else}}c{{end}}", "b\n");
    check("{{with .Config}}{{.StopSignal}}{{end}} {{with .Empty}}x{{else}}y{{end}}", "15 y\n");
    check_raw("{{range .l}}{{if eq . \"b\"}}{{break}}{{end}}{{.}}{{end}}", "a");
    check_raw("{{range .l}}{{if eq . \"b\"}}{{continue}}{{end}}{{.}}{{end}}", "ac");
    check_raw("{{range .el}}x{{else}}empty{{end}} {{range .nope}}x{{else}}none{{end}} {{range .n}}{{else}}nil{{end}}",
              "empty none nil");
    check_raw("{{range .m}}{{.}}{{end}} {{with $x := .l}}{{$x}}{{end}} {{$x := 1}}{{$x}}{{$x = 2}}{{$x}}",
              "12 [a b c] 12");
    check_raw("{{range .l}}{{$.i}}{{end}} {{if $y := .i}}{{$y}}{{end}}", "333 3");
    check_raw("{{.l | len}} {{\"abc\" | len}} {{.i | printf \"%d-%s\" \"x\"}} {{.m | json}}",
              "3 3 %!d(string=x)-%!s(int=3) {\"a\":\"1\",\"b\":\"2\"}");
}

static void test_functions(void **state)
{
    check("{{len .Config.Env}} {{len .Config.Labels}} {{len .Name}}", "2 2 3\n");
    check("{{upper .Name}} {{lower \"AbC\"}} {{title \"hello wORLD-x_y z9a\"}}", "WEB abc Hello WORLD-X_y Z9a\n");
    check("{{join .Config.Env \",\"}} {{join .Mounts \",\"}}|", "A=1,B=2 |\n");
    check("{{split \"a,b,,c\" \",\"}} {{join (split \"a-b\" \"-\") \"+\"}} {{split \"h\xc3\xa9\" \"\"}}",
          "[a b  c] a+b [h \xc3\xa9]\n");
    check("{{pad \"x\" 2 3}}|{{pad \"\" 2 3}}|{{truncate \"hello\" 3}}|{{truncate \"hi\" 3}}", "  x   ||hel|hi\n");
    check("{{index .Config.Env 1}} {{index .Name 0}} {{slice .Name 1}} {{slice .Config.Env 1 2}}",
          "B=2 119 eb [B=2]\n");
    check_raw("{{eq .i 3}} {{lt \"a\" \"b\"}} {{eq .nope 1}} {{eq .i 1 2 3}} {{ne .i 3}} {{le 3 .i}} {{gt .i 2}} "
              "{{ge .i 4}}",
              "true true false true false true true false");
    check_raw("{{and 1 2}} {{or 0 \"\"}}| {{or .nope .i}} {{not .l}} {{and .i .nope}}", "2 | 3 false <no value>");
    check_raw("{{print 1 2 \"a\" \"b\" 3}} {{println 1 \"a\"}}", "1 2ab3 1 a\n");
    check_raw("{{printf \"%5s|%-4d|%q|%v|%x\" \"ab\" 7 \"h\\\"i\" .l 255}}", "   ab|7   |\"h\\\"i\"|[a b c]|ff");
    check_raw("{{printf \"%05d|%+d|%x|%X|%o|%c|%q|%t|%v|%6.2f|%e|%g|%g\" 42 5 -255 255 8 65 66 true .n 3.14159 "
              "1234.5 0.1 100000000.0}}",
              "00042|+5|-ff|FF|10|A|'B'|true|<nil>|  3.14|1.234500e+03|0.1|1e+08");
    check_raw("{{printf \"%d\" \"x\"}}{{printf \"%s\" 5}}{{printf \"%d\"}}{{printf \"%d\" 1 2}}{{printf \"%%|%z\" 1}}",
              "%!d(string=x)%!s(int=5)%!d(MISSING)1%!(EXTRA int=2)%|%!z(int=1)");
    check_raw("{{printf \"%-8s|%8s|%.2s|%x\" \"abc\" \"\xc3\xa9\" \"hello\" \"hi\"}}",
              "abc     |       \xc3\xa9|he|6869");
    check_raw("{{index .nested \"k\" \"z\" 0 \"q\"}} {{index .m \"a\"}}", "1 1");
}

static void test_function_errors(void **state)
{
    check_raw("{{len .nope}}", "|ERR: template: t:1:2: executing \"t\" at <len .nope>: error calling len: reflect: "
                               "call of reflect.Value.Type on zero Value");
    check_raw("{{index .l 3}}",
              "|ERR: template: t:1:2: executing \"t\" at <index .l 3>: error calling index: reflect: slice index "
              "out of range");
    check_raw("{{index .nope 1}}",
              "|ERR: template: t:1:2: executing \"t\" at <index .nope 1>: error calling index: index of untyped nil");
    check_raw("{{len .i}}", "|ERR: template: t:1:2: executing \"t\" at <len .i>: error calling len: len of type int");
    check_raw("{{eq 1 1.0}}", "|ERR: template: t:1:2: executing \"t\" at <eq 1 1.0>: error calling eq: incompatible "
                              "types for comparison");
    check_raw("{{lt true false}}",
              "|ERR: template: t:1:2: executing \"t\" at <lt true false>: error calling lt: invalid type for "
              "comparison");
    check_raw("{{eq .i}}", "|ERR: template: t:1:2: executing \"t\" at <eq .i>: error calling eq: missing argument for "
                           "comparison");
    check_raw("{{slice .l 2 1}}", "|ERR: template: t:1:2: executing \"t\" at <slice .l 2 1>: error calling slice: "
                                  "invalid slice index: 2 > 1");
    check_raw("{{index}}", "|ERR: template: t:1:2: executing \"t\" at <index>: wrong number of args for index: want "
                           "at least 1 got 0");
    check_raw("{{len 1 2}}", "|ERR: template: t:1:2: executing \"t\" at <len>: wrong number of args for len: want 1 "
                             "got 2");
    check_raw("{{truncate \"hello\" 1.5}}", "|ERR: template: t:1:19: executing \"t\" at <1.5>: expected integer; "
                                            "found 1.5");
    check_raw("{{upper .nope}}", "|ERR: template: t:1:8: executing \"t\" at <.nope>: invalid value; expected string");
    check_raw("{{nil}}", "|ERR: template: t:1:2: executing \"t\" at <nil>: nil is not a command");
    check_raw("{{1 2}}", "|ERR: template: t:1:2: executing \"t\" at <1>: can't give argument to non-function 1");
    check_raw("{{.m.a 1}}", "|ERR: template: t:1:4: executing \"t\" at <.m.a>: a is not a method but has arguments");
    check_raw("{{.n.x}}", "|ERR: template: t:1:4: executing \"t\" at <.n.x>: nil pointer evaluating interface {}.x");
    check_raw("{{$x := 1}}{{$x.y}}", "|ERR: template: t:1:15: executing \"t\" at <$x.y>: can't evaluate field y in "
                                     "type int");
}

static void test_parse_errors(void **state)
{
    check("{{.Foo", "|ERR: template: t:1: bad character U+007B '{'");
    check("{{if .Name}}", "|ERR: template: t:1: unexpected EOF");
    check("{{end}}", "|ERR: template: t:1: unexpected {{end}}");
    check("{{nofunc .Name}}", "|ERR: template: t:1: function \"nofunc\" not defined");
    check("{{if}}x{{end}}", "|ERR: template: t:1: missing value for if");
    check("{{.Name | 1}}", "|ERR: template: t:1: non executable command in pipeline stage 2");
    check("{{$x}}", "|ERR: template: t:1: undefined variable \"$x\"");
    check("{{\"abc}}", "|ERR: template: t:1: unterminated quoted string");
    check("{{`abc}}", "|ERR: template: t:1: unterminated raw quoted string");
    check("{{'ab'}}", "|ERR: template: t:1: malformed character constant: 'ab'");
    check("{{1x}}", "|ERR: template: t:1: bad number syntax: \"1x\"");
    check("{{08}}", "|ERR: template: t:1: integer overflow: \"08\"");
    check("{{(1}}", "|ERR: template: t:1: unclosed left paren");
    check("{{1)}}", "|ERR: template: t:1: unexpected \")\" in command");
    check("{{@}}", "|ERR: template: t:1: unexpected \"@\" in command");
    check("{{|.Name}}", "|ERR: template: t:1: unexpected \"|\" in command");
    check("{{\"a\".b}}", "|ERR: template: t:1: unexpected . after term \"\\\"a\\\"\"");
    check("{{range .Mounts}}{{else}}{{else}}{{end}}", "|ERR: template: t:1: expected end; found {{else}}");
    check("{{range $i, $e, $f := .Mounts}}{{end}}", "|ERR: template: t:1: too many declarations in range");
    check("{{range $i, 1}}{{end}}", "|ERR: template: t:1: range can only initialize variables");
    check("{{$x, $y := 1}}", "|ERR: template: t:1: too many declarations in command");
    check("{{if $x := 1}}{{end}}{{$x}}", "|ERR: template: t:1: undefined variable \"$x\"");
    check("{{/* x", "|ERR: template: t:1: unclosed comment");
    check("{{/* x */ .Name}}", "|ERR: template: t:1: comment ends before closing delimiter");
    check("{{.Name\n", "|ERR: template: t:2: unexpected \"{\" in operand");
    check("a\n\n{{if .Name}}\nx", "|ERR: template: t:4: unexpected EOF");
    check("{{define \"x\"}}{{end}}", "|ERR: template: t:1: {{define}} is not supported");
    check("{{template \"x\"}}", "|ERR: template: t:1: {{template}} is not supported");
    check_with("{{break}}", map_json, NULL, false, "|ERR: template: t:1: {{break}} outside {{range}}");
    check_with("{{.a", map_json, NULL, false, "|ERR: template: t:1: unclosed action");
    check_with("{{.a\n\n", map_json, NULL, false, "|ERR: template: t:3: unclosed action started at t:1");
    check_with("{{\"\\q\"}}", map_json, NULL, false, "|ERR: template: t:1: invalid syntax");
    char deep[5010] = "{{";
    memset(deep + 2, '(', 2500);
    deep[2502] = '1';
    memset(deep + 2503, ')', 2500);
    strcpy(deep + 5003, "}}");
    char *got = run(deep, map_json, NULL, false);
    assert_non_null(strstr(got, "exceeded maximum nesting depth"));
    free(got);
}

/* podman's report package: escapes, the final newline, {{range .}}, table. */
static void test_podman_format(void **state)
{
    check("{{.Name}}\\t{{.State.Pid}}\\n", "web\t42\n");
    check("a\\tb {{.Name}}", "a\tb web\n");
    check("{{range .}}{{.Name}},{{end}}", "web,\n");
    check("{{ range . }}{{.Name}}{{ end }} x", "web x\n");
    check("{{printf \"\\n\"}}", "\n"); /* normalized it does not parse: as given, without a newline */
    check("table {{.Name}} {{.State.Pid}}", "web         42\n");
    check("table {{.Name}}\\t{{.State.Status}}\\t{{.Config.StopSignal}}", "web         running     15\n");
    check("{{.Name}}{{\"\\t\"}}x", "web\tx\n");
    check("  {{- .Name}}", "web\n");
    check("table", "table\n");
    assert_true(tmpl_is_json("json"));
    assert_true(tmpl_is_json(" {{ json . }} "));
    assert_true(tmpl_is_json("{{json}}"));
    assert_false(tmpl_is_json("{{json .Config}}"));
    assert_false(tmpl_is_json("table json"));
    assert_false(tmpl_is_json("jsonx"));
}

static void check_tabwrite(const char *in, const char *want)
{
    tmpl_buf_t out = { 0 };
    assert_int_equal(tmpl_tabwrite(in, strlen(in), &out), 0);
    if (strcmp(out.data, want) != 0)
        fail_msg("tabwrite [%s]\n  got  [%s]\n  want [%s]", in, out.data, want);
    tmpl_buf_free(&out);
}

/* Go's text/tabwriter.NewWriter(w, 12, 2, 2, ' ', StripEscape) on the same input. */
static void test_tabwriter(void **state)
{
    check_tabwrite("a\tb\tc\n", "a           b           c\n");
    check_tabwrite("CONTAINER ID\tNAMES\tSTATUS\n0123456789ab\tweb\tUp 2 seconds ago\nffff\ta-much-longer-name\t"
                   "Exited (0)\n",
                   "CONTAINER ID  NAMES               STATUS\n0123456789ab  web                 Up 2 seconds ago\n"
                   "ffff          a-much-longer-name  Exited (0)\n");
    check_tabwrite("x\ty\nsingle\nq\tr\n", "x           y\nsingle\nq           r\n");
    check_tabwrite("no newline\tat end", "no newline  at end");
    check_tabwrite("", "");
    check_tabwrite("\n\n", "\n\n");
    check_tabwrite("a\t\tb\n\tc\td\n", "a                       b\n            c           d\n");
    check_tabwrite("\xc3\xa9\tb\nxx\tb\n", "\xc3\xa9           b\nxx          b\n");
    check_tabwrite("aa\tbb\tcc\ndd\tee\nff\n", "aa          bb          cc\ndd          ee\nff\n");
    check_tabwrite("tab at end\t\nx\t\n", "tab at end  \nx           \n");
    check_tabwrite("\xff" "a\tb\xff\tc\nd\te\n", "a\tb         c\nd           e\n");
    check_tabwrite("a\vb\fc\td\n", "a           b\nc           d\n");
}

static void test_replace(void **state)
{
    static const char *const pairs[] = { "table ", "", "\\t", "\t", " ", "\t", NULL };
    char *s = tmpl_replace("table {{.A}} x\\ty", pairs);
    assert_string_equal(s, "{{.A}}\tx\ty");
    free(s);
}

/* Random templates from pieces of the grammar: never a crash or a leak
 * (valgrind, ASan), always 0 or -EINVAL with a "template: " message. */
static void test_random(void **state)
{
    static const char *const pieces[] = {
        "{{", "}}", "{{-", "-}}", " ", ".", ".l", ".m.a", ".nope", "$", "$x", ":=", "=", "|", "(", ")", "\"s\"",
        "`r`", "'c'", "1", "2.5", "-3", "true", "nil", "if", "else", "end", "range", "with", "break", "continue",
        "len", "index", "printf", "json", "eq", "and", "join", "split", "\"%d\"", "\"\\t\"", "table ", "\\t",
        "\\n", "text", "/*", "*/", ",", "@", "\n", "{{range .l}}", "{{end}}", "{{if .i}}", "{{else}}", "\xc3\xa9",
    };
    unsigned seed = 1;
    json_object *data = json_tokener_parse(map_json);
    for (int round = 0; round < 3000; round++) {
        char text[512] = "";
        for (int k = rand_r(&seed) % 12; k >= 0; k--)
            strcat(text, pieces[rand_r(&seed) % (sizeof pieces / sizeof pieces[0])]);
        tmpl_t *t = NULL;
        char *error = NULL;
        int r = round % 2 ? tmpl_parse(&t, "t", text, &error) : tmpl_parse_text(&t, "t", text, &error);
        if (r == 0) {
            tmpl_buf_t out = { 0 };
            r = tmpl_execute(t, data, NULL, &out, &error);
            tmpl_buf_free(&out);
        }
        if (r != 0 && (r != -EINVAL || !error || strncmp(error, "template: ", 10) != 0))
            fail_msg("[%s]: %d %s", text, r, error ? error : "(no message)");
        free(error);
        tmpl_free(t);
    }
    json_object_put(data);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fields),
        cmocka_unit_test(test_field_errors),
        cmocka_unit_test(test_printing),
        cmocka_unit_test(test_json),
        cmocka_unit_test(test_control),
        cmocka_unit_test(test_functions),
        cmocka_unit_test(test_function_errors),
        cmocka_unit_test(test_parse_errors),
        cmocka_unit_test(test_podman_format),
        cmocka_unit_test(test_tabwriter),
        cmocka_unit_test(test_replace),
        cmocka_unit_test(test_random),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
