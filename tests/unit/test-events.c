/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The event journal (base/journal.c) and the event lines (data/event.c):
 * appends from concurrent processes, rotation under a reader, torn and
 * overlong lines, the inotify fd; the JSON shape, the parser's refusals,
 * the filters. */
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "base/journal.h"
#include "base/json-util.h"
#include "base/util.h"
#include "data/event.h"

static char dir[64];

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/test-events-XXXXXX");
    assert_non_null(mkdtemp(dir));
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    ctr__rm_rf(dir);
    return 0;
}

static void append(const char *line, uint64_t max)
{
    assert_int_equal(ctr__journal_append(dir, line, strlen(line), max), 0);
}

static off_t file_size(const char *name)
{
    char p[128];
    struct stat s;
    snprintf(p, sizeof p, "%s/%s", dir, name);
    return stat(p, &s) == 0 ? s.st_size : -1;
}

/* Every line the reader has now, joined by ',' into buf. */
static int read_all(struct ctr__journal_reader *r, char *buf, size_t size)
{
    const char *line;
    size_t len;
    int n = 0, k;
    buf[0] = 0;
    while ((k = ctr__journal_reader_next(r, &line, &len)) == 1) {
        assert_int_equal(strlen(line), len);
        if (n++)
            strncat(buf, ",", size - strlen(buf) - 1);
        strncat(buf, line, size - strlen(buf) - 1);
    }
    assert_int_equal(k, 0);
    return n;
}

static void test_append_read(void **state)
{
    (void)state;
    append("one", 1 << 20);
    append("two", 1 << 20);
    struct ctr__journal_reader *r = NULL;
    assert_int_equal(ctr__journal_reader_open(dir, true, &r), 0);
    char buf[4096];
    assert_int_equal(read_all(r, buf, sizeof buf), 2);
    assert_string_equal(buf, "one,two");
    /* The inotify fd tells of the next append. */
    ctr__journal_reader_drain(r);
    struct pollfd p = { .fd = ctr__journal_reader_fd(r), .events = POLLIN };
    assert_int_equal(poll(&p, 1, 0), 0);
    append("three", 1 << 20);
    assert_int_equal(poll(&p, 1, 1000), 1);
    assert_int_equal(read_all(r, buf, sizeof buf), 1);
    assert_string_equal(buf, "three");
    assert_int_equal(ctr__journal_append(dir, "a\nb", 3, 1 << 20), -EINVAL);
    ctr__journal_reader_free(r);
}

static void test_rotation(void **state)
{
    (void)state;
    struct ctr__journal_reader *r = NULL;
    char line[64], buf[65536] = "", want[65536] = "";
    assert_int_equal(ctr__journal_reader_open(dir, false, &r), 0);
    /* 200 lines of 16 bytes through a 256-byte bound: many rotations, the
     * reader keeping up every 10 lines. */
    int got = 0;
    for (int i = 0; i < 200; i++) {
        snprintf(line, sizeof line, "line-%010d", i);
        append(line, 256);
        if (i)
            strcat(want, ",");
        strcat(want, line);
        assert_true(file_size("events.log") <= 256);
        if (i % 10 == 9) {
            size_t off = strlen(buf);
            int n = read_all(r, buf + off + (off ? 1 : 0), sizeof buf - off - 1);
            if (off && n)
                buf[off] = ',';
            got += n;
        }
    }
    assert_int_equal(got, 200);
    assert_string_equal(buf, want);
    ctr__journal_reader_free(r);
    /* A reader opened now sees both files: the last lines, in order. */
    assert_int_equal(ctr__journal_reader_open(dir, false, &r), 0);
    int n = read_all(r, buf, sizeof buf);
    assert_true(n >= 15 && n <= 32);
    assert_non_null(strstr(want, buf));
    assert_string_equal(buf + strlen(buf) - 15, "line-0000000199");
    ctr__journal_reader_free(r);
}

/* Two rotations while the reader was away: it reads events.log.1 then events.log. */
static void test_two_rotations_away(void **state)
{
    (void)state;
    struct ctr__journal_reader *r = NULL;
    char buf[4096];
    append("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-0", 256);
    assert_int_equal(ctr__journal_reader_open(dir, false, &r), 0);
    assert_int_equal(read_all(r, buf, sizeof buf), 1);
    char line[128];
    for (int i = 1; i <= 6; i++) { /* 71 bytes each: 3 per file */
        snprintf(line, sizeof line, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-%d", i);
        append(line, 256);
    }
    /* files: [0,1,2] gone, [3,4,5] .1, [6] current; the reader was on the first. */
    int n = read_all(r, buf, sizeof buf);
    assert_true(strstr(buf, "-3,") != NULL);
    assert_int_equal(n, 2 + 3 + 1);
    ctr__journal_reader_free(r);
}

static void test_torn_and_long(void **state)
{
    (void)state;
    append("first", 1 << 20);
    char p[128];
    snprintf(p, sizeof p, "%s/events.log", dir);
    FILE *f = fopen(p, "a");
    assert_non_null(f);
    fputs("torn-without-newline", f);
    fclose(f);
    append("second", 1 << 20);
    /* An overlong line, written by hand, is skipped whole. */
    f = fopen(p, "a");
    assert_non_null(f);
    for (int i = 0; i < CTR__JOURNAL_MAX_LINE + 100; i++)
        fputc('x', f);
    fputc('\n', f);
    fclose(f);
    append("third", 1 << 20);
    struct ctr__journal_reader *r = NULL;
    char buf[4096];
    assert_int_equal(ctr__journal_reader_open(dir, false, &r), 0);
    assert_int_equal(read_all(r, buf, sizeof buf), 4);
    assert_string_equal(buf, "first,torn-without-newline,second,third");
    ctr__journal_reader_free(r);
}

/* Appends from several processes at once: whole lines only. */
static void test_concurrent(void **state)
{
    (void)state;
    enum { PROCS = 4, LINES = 300 };
    for (int p = 0; p < PROCS; p++) {
        pid_t pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
            char line[128];
            for (int i = 0; i < LINES; i++) {
                snprintf(line, sizeof line, "{\"proc\":%d,\"i\":%d,\"pad\":\"%040d\"}", p, i, i);
                if (ctr__journal_append(dir, line, strlen(line), 1 << 20) < 0)
                    _exit(1);
            }
            _exit(0);
        }
    }
    for (int p = 0; p < PROCS; p++) {
        int st = 0;
        assert_true(wait(&st) > 0);
        assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    }
    struct ctr__journal_reader *r = NULL;
    assert_int_equal(ctr__journal_reader_open(dir, false, &r), 0);
    const char *line;
    size_t len;
    int n = 0, next[PROCS] = { 0 };
    while (ctr__journal_reader_next(r, &line, &len) == 1) {
        int p = -1, i = -1;
        assert_int_equal(sscanf(line, "{\"proc\":%d,\"i\":%d,", &p, &i), 2);
        assert_int_equal(i, next[p]++); /* each process's lines in its order */
        n++;
    }
    assert_int_equal(n, PROCS * LINES);
    ctr__journal_reader_free(r);
}

/* ---- event lines ---- */

static void test_format_parse(void **state)
{
    (void)state;
    _cleanup_json_ json_object *attrs = json_object_new_object();
    json_object_object_add(attrs, "app", json_object_new_string("web"));
    struct ctr__event ev = {
        .type = CTR__EVENT_CONTAINER, .status = "died", .id = "abc", .name = "web",
        .time_ns = 1795856969120000000LL, .exit_code = 3, .attributes = attrs,
    };
    _cleanup_free_ char *line = NULL;
    assert_int_equal(ctr__event_format(&ev, &line), 0);
    assert_string_equal(line, "{\"ContainerExitCode\":3,\"ID\":\"abc\",\"Name\":\"web\",\"Status\":\"died\","
                              "\"Time\":\"2026-11-28T09:09:29.12Z\",\"Type\":\"container\",\"Attributes\":{\"app\":\"web\"}}");
    _cleanup_json_ json_object *doc = NULL;
    struct ctr__event back;
    assert_int_equal(ctr__event_parse(line, strlen(line), &doc, &back), 0);
    assert_string_equal(back.status, "died");
    assert_string_equal(back.type, "container");
    assert_string_equal(back.id, "abc");
    assert_null(back.image);
    assert_int_equal(back.exit_code, 3);
    assert_int_equal(back.time_ns, ev.time_ns);
    /* A volume: no exit code, null attributes, a whole second. */
    struct ctr__event vol = { .type = CTR__EVENT_VOLUME, .status = "create", .name = "v", .time_ns = 1795856969000000000LL };
    _cleanup_free_ char *vline = NULL;
    assert_int_equal(ctr__event_format(&vol, &vline), 0);
    assert_string_equal(vline, "{\"Name\":\"v\",\"Status\":\"create\",\"Time\":\"2026-11-28T09:09:29Z\",\"Type\":\"volume\","
                               "\"Attributes\":null}");
}

static void test_parse_refuses(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "", "[]", "not json", "{\"Status\":\"x\",\"Type\":\"container\"}",
        "{\"Status\":1,\"Type\":\"container\",\"Time\":\"2026-11-28T09:09:29Z\"}",
        "{\"Status\":\"x\",\"Type\":\"container\",\"Time\":\"yesterday\"}",
        "{\"Status\":\"x\",\"Type\":\"container\",\"Time\":\"2026-11-28T09:09:29Z\",\"Attributes\":{\"a\":1}}",
        "{\"Status\":\"x\",\"Type\":\"container\",\"Time\":\"2026-11-28T09:09:29Z\",\"ContainerExitCode\":\"1\"}",
        "{\"Status\":\"x\",\"Type\":\"container\",\"Time\":\"2026-11-28T09:09:29Z\",\"ContainerExitCode\":999}",
        "{\"Status\":\"x\",\"Type\":\"container\",\"Time\":\"2026-11-28T09:09:29Z\"} trailing",
        "{\"Status\":\"x\",\"Type\":\"container\",\"Time\":\"2026-11-28T09:09:29Z\",\"ID\":[]}",
        NULL,
    };
    for (size_t i = 0; bad[i]; i++) {
        json_object *doc = NULL;
        struct ctr__event ev;
        if (ctr__event_parse(bad[i], strlen(bad[i]), &doc, &ev) != -EINVAL)
            fail_msg("accepted: %s", bad[i]);
        assert_null(doc);
    }
}

static bool matches(const char *line, const char *const *filters)
{
    _cleanup_json_ json_object *doc = NULL;
    struct ctr__event ev;
    assert_int_equal(ctr__event_parse(line, strlen(line), &doc, &ev), 0);
    assert_int_equal(ctr__event_filters_check(filters), 0);
    return ctr__event_match(&ev, filters);
}

static void test_filters(void **state)
{
    (void)state;
    const char *c = "{\"ID\":\"abcdef\",\"Image\":\"busybox\",\"Name\":\"web\",\"Status\":\"start\","
                    "\"Time\":\"2026-11-28T09:09:29Z\",\"Type\":\"container\",\"Attributes\":{\"app\":\"x\"}}";
    const char *v = "{\"Name\":\"data\",\"Status\":\"create\",\"Time\":\"2026-11-28T09:09:29Z\",\"Type\":\"volume\","
                    "\"Attributes\":null}";
    assert_true(matches(c, NULL));
    assert_true(matches(c, (const char *[]){ "container=web", NULL }));
    assert_true(matches(c, (const char *[]){ "container=abc", NULL }));
    assert_false(matches(c, (const char *[]){ "container=bcd", NULL }));
    assert_true(matches(c, (const char *[]){ "event=stop", "event=start", NULL }));
    assert_false(matches(c, (const char *[]){ "event=start", "type=volume", NULL }));
    assert_true(matches(c, (const char *[]){ "label=app", "image=busybox", NULL }));
    assert_true(matches(c, (const char *[]){ "label=app=x", NULL }));
    assert_false(matches(c, (const char *[]){ "label=app=y", NULL }));
    assert_false(matches(v, (const char *[]){ "label=app", NULL }));
    assert_true(matches(v, (const char *[]){ "volume=data", "type=volume", NULL }));
    assert_false(matches(v, (const char *[]){ "container=data", NULL }));
    const char *p = "{\"ID\":\"0123abcd\",\"Name\":\"web\",\"Status\":\"start\",\"Time\":\"2026-11-28T09:09:29Z\","
                    "\"Type\":\"pod\",\"Attributes\":null}";
    assert_true(matches(p, (const char *[]){ "pod=web", NULL }));
    assert_true(matches(p, (const char *[]){ "pod=0123", "type=pod", NULL }));
    assert_false(matches(p, (const char *[]){ "pod=123", NULL }));
    assert_false(matches(p, (const char *[]){ "container=web", NULL }));
    assert_false(matches(c, (const char *[]){ "pod=web", NULL })); /* a container's event is not its pod's */
    assert_false(matches(p, (const char *[]){ "type=container", NULL }));
    assert_int_equal(ctr__event_filters_check((const char *[]){ "nope=1", NULL }), -EINVAL);
    assert_int_equal(ctr__event_filters_check((const char *[]){ "container", NULL }), -EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_append_read, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rotation, setup, teardown),
        cmocka_unit_test_setup_teardown(test_two_rotations_away, setup, teardown),
        cmocka_unit_test_setup_teardown(test_torn_and_long, setup, teardown),
        cmocka_unit_test_setup_teardown(test_concurrent, setup, teardown),
        cmocka_unit_test(test_format_parse),
        cmocka_unit_test(test_parse_refuses),
        cmocka_unit_test(test_filters),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
