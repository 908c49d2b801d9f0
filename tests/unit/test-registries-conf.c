/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* registry/registries-conf.c: registries.conf version 2 as podman 4.3
 * reads it: the keys and their types, [[registry]] entries and mirrors,
 * the drop-ins of PATH.d/ merged in name order, version 1 refused, prefix
 * matching (longest, at component boundaries, "*.domain"), short-name
 * resolution (aliases, search registries, the enforcing mode) and the pull
 * sources (mirrors, digest-only and tag-only, blocked entries). */
#include <errno.h>
#include <fcntl.h>
#include <libctr/ctr-error.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "base/util.h"
#include "registry/registries-conf.h"

static char tmpdir[] = "/tmp/test-registries-conf.XXXXXX";

static int setup(void **state)
{
    (void)state;
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    return ctr__rm_rf(tmpdir);
}

static void write_text(const char *name, const char *text)
{
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    assert_int_equal(ctr__write_file_at(AT_FDCWD, path, text, strlen(text), 0644, false), 0);
}

static void parse_ok(const char *toml, struct ctr__regconf *c)
{
    int r = ctr__regconf_parse(toml, "test.conf", c);
    if (r != 0)
        fail_msg("refused (%d): %s\n--- text:\n%s", r, ctr_error_last()->message, toml);
}

/* Refused with -EINVAL and a message holding @want. */
static void parse_bad(const char *toml, const char *want)
{
    struct ctr__regconf c = { 0 };
    int r = ctr__regconf_parse(toml, "test.conf", &c);
    if (r != -EINVAL)
        fail_msg("accepted or wrong error (%d):\n%s", r, toml);
    const char *m = ctr_error_last()->message;
    if (!strstr(m, want) || !strstr(m, "test.conf"))
        fail_msg("message \"%s\" lacks \"%s\" (or the file name)", m, want);
    assert_null(c.regs);
}

static void test_keys(void **state)
{
    (void)state;
    struct ctr__regconf c;
    parse_ok("", &c);
    assert_non_null(c.search);
    assert_null(c.search[0]);
    assert_non_null(c.aliases);
    assert_null(c.aliases[0]);
    assert_int_equal(c.mode, CTR__SHORT_PERMISSIVE);
    assert_null(c.search_origin);
    ctr__regconf_clear(&c);

    parse_ok("# podman's default\nunqualified-search-registries = [\"registry.fedoraproject.org\", \"docker.io\", "
             "\"127.0.0.1:5000/\"]\nshort-name-mode = \"enforcing\"\ncredential-helpers = [\"containers-auth.json\"]\n"
             "unknown-key = 1\n",
             &c);
    assert_int_equal(ctr__strv_len((const char *const *)c.search), 3);
    assert_string_equal(c.search[0], "registry.fedoraproject.org");
    assert_string_equal(c.search[2], "127.0.0.1:5000");
    assert_string_equal(c.search_origin, "test.conf");
    assert_int_equal(c.mode, CTR__SHORT_ENFORCING);
    ctr__regconf_clear(&c);

    parse_ok("short-name-mode = \"disabled\"", &c);
    assert_int_equal(c.mode, CTR__SHORT_DISABLED);
    ctr__regconf_clear(&c);

    parse_bad("unqualified-search-registries = \"docker.io\"", "unqualified-search-registries");
    parse_bad("unqualified-search-registries = [1]", "unqualified-search-registries");
    parse_bad("unqualified-search-registries = [\"https://docker.io\"]", "URI schemes");
    parse_bad("unqualified-search-registries = [\"docker.io/library\"]", "HOST[:PORT]");
    parse_bad("unqualified-search-registries = [\"\"]", "unqualified-search-registries");
    parse_bad("short-name-mode = \"strict\"", "invalid short-name-mode \"strict\"");
    parse_bad("short-name-mode = true", "short-name-mode");
    parse_bad("credential-helpers = \"x\"", "credential-helpers");
    /* TOML errors carry the file name, line and column */
    parse_bad("a = 1\nb = [\n", "test.conf:");
    parse_bad("a = 1\na = 2\n", "2:");
}

static void test_version1(void **state)
{
    (void)state;
    parse_bad("[registries.search]\nregistries = ['docker.io']\n", "version 1 format");
    parse_bad("[registries.insecure]\nregistries = []\n", "version 2");
    parse_bad("[registries.block]\nregistries = ['evil.io']\nunqualified-search-registries = ['a.io']\n",
              "version 1 format");
}

static void test_registries(void **state)
{
    (void)state;
    struct ctr__regconf c;
    parse_ok("[[registry]]\nprefix = \"example.com/foo\"\nlocation = \"internal.example.com/bar/\"\n"
             "insecure = true\n"
             "[[registry.mirror]]\nlocation = \"mirror-0.local/foo\"\n"
             "[[registry.mirror]]\nlocation = \"mirror-1.local/foo\"\ninsecure = true\npull-from-mirror = \"digest-only\"\n"
             "[[registry.mirror]]\nlocation = \"mirror-2.local\"\npull-from-mirror = \"tag-only\"\n"
             "[[registry]]\nlocation = \"127.0.0.1:5000\"\nblocked = true\n"
             "[[registry]]\nprefix = \"*.example.org\"\n"
             "[[registry]]\nlocation = \"d.io\"\nmirror-by-digest-only = true\n[[registry.mirror]]\nlocation = \"m.io\"\n",
             &c);
    assert_int_equal(c.n_regs, 4);
    /* sorted by prefix */
    assert_string_equal(c.regs[0].prefix, "*.example.org");
    assert_null(c.regs[0].location);
    assert_string_equal(c.regs[1].prefix, "127.0.0.1:5000");
    assert_string_equal(c.regs[1].location, "127.0.0.1:5000");
    assert_true(c.regs[1].blocked);
    assert_false(c.regs[1].insecure);
    assert_string_equal(c.regs[2].prefix, "d.io");
    assert_int_equal(c.regs[2].n_mirrors, 1);
    assert_true(c.regs[2].mirrors[0].pull_from_mirror_by_digest_only);
    const struct ctr__regconf_registry *r = &c.regs[3];
    assert_string_equal(r->prefix, "example.com/foo");
    assert_string_equal(r->location, "internal.example.com/bar");
    assert_true(r->insecure);
    assert_false(r->blocked);
    assert_int_equal(r->n_mirrors, 3);
    assert_string_equal(r->mirrors[0].location, "mirror-0.local/foo");
    assert_false(r->mirrors[0].insecure);
    assert_false(r->mirrors[0].pull_from_mirror_by_digest_only);
    assert_true(r->mirrors[1].insecure);
    assert_true(r->mirrors[1].pull_from_mirror_by_digest_only);
    assert_true(r->mirrors[2].pull_from_mirror_by_tag_only);
    ctr__regconf_clear(&c);

    /* within one file the first entry of a prefix wins */
    parse_ok("[[registry]]\nlocation = \"a.io\"\n[[registry]]\nprefix = \"a.io\"\nlocation = \"b.io\"\n", &c);
    assert_int_equal(c.n_regs, 1);
    assert_string_equal(c.regs[0].location, "a.io");
    ctr__regconf_clear(&c);

    parse_bad("[[registry]]\ninsecure = true\n", "both location and prefix are unset");
    parse_bad("[[registry]]\nprefix = \"a.io\"\n", "location is unset");
    parse_bad("[[registry]]\nprefix = \"*.a.io/ns\"\n", "*.example.com");
    parse_bad("[[registry]]\nlocation = \"http://a.io\"\n", "URI schemes");
    parse_bad("[[registry]]\nlocation = \"a.io\"\ninsecure = \"yes\"\n", "\"insecure\" must be true or false");
    parse_bad("[[registry]]\nlocation = 5\n", "\"location\" must be a string");
    parse_bad("[[registry]]\nlocation = \"a.io\"\npull-from-mirror = \"all\"\n", "non-mirror");
    parse_bad("[[registry]]\nlocation = \"a.io\"\n[[registry.mirror]]\nlocation = \"m.io\"\npull-from-mirror = \"x\"\n",
              "unsupported pull-from-mirror value \"x\"");
    parse_bad("[[registry]]\nlocation = \"a.io\"\nmirror-by-digest-only = true\n[[registry.mirror]]\n"
              "location = \"m.io\"\npull-from-mirror = \"tag-only\"\n",
              "at the same time");
    parse_bad("[[registry]]\nlocation = \"a.io\"\n[[registry.mirror]]\ninsecure = true\n", "mirror location is unset");
    parse_bad("[registry]\nlocation = \"a.io\"\n", "array of tables");
    parse_bad("[[registry]]\nprefix = \"x.io\"\nlocation = \"a.io\"\n[[registry]]\nprefix = \"y.io\"\n"
              "location = \"a.io\"\ninsecure = true\n",
              "conflicting 'insecure'");
    parse_bad("[[registry]]\nlocation = \"a.io\"\nblocked = true\n[[registry]]\nprefix = \"z.io\"\nlocation = \"a.io\"\n",
              "conflicting 'blocked'");
}

static void test_aliases(void **state)
{
    (void)state;
    struct ctr__regconf c;
    parse_ok("[aliases]\n\"zeta\" = \"quay.io/z/zeta\"\n\"fedora\" = \"registry.fedoraproject.org/fedora\"\n"
             "\"ubuntu\" = \"docker.io/ubuntu\"\n\"ns/app\" = \"index.docker.io/ns/app\"\n",
             &c);
    assert_int_equal(ctr__strv_len((const char *const *)c.aliases), 4);
    assert_string_equal(c.aliases[0], "fedora=registry.fedoraproject.org/fedora");
    assert_string_equal(c.aliases[1], "ns/app=docker.io/ns/app");
    assert_string_equal(c.aliases[2], "ubuntu=docker.io/library/ubuntu");
    assert_string_equal(c.aliases[3], "zeta=quay.io/z/zeta");
    ctr__regconf_clear(&c);

    parse_bad("[aliases]\n\"quay.io/x\" = \"quay.io/x\"\n", "must not contain a registry");
    parse_bad("[aliases]\n\"x:1\" = \"quay.io/x\"\n", "must not contain a registry, tag or digest");
    parse_bad("[aliases]\n\"x\" = \"x\"\n", "must contain a registry and repository");
    parse_bad("[aliases]\n\"x\" = \"quay.io/x:latest\"\n", "no tag");
    parse_bad("[aliases]\n\"x\" = 1\n", "must be a string");
    parse_bad("[aliases]\n\"X\" = \"quay.io/x\"\n", "invalid name");
    parse_bad("aliases = 1\n", "\"aliases\" must be a table");
}

/* The main file and its drop-ins; $CONTAINERS_REGISTRIES_CONF. */
static void test_load(void **state)
{
    (void)state;
    char path[PATH_MAX];
    struct ctr__regconf c;
    snprintf(path, sizeof path, "%s/registries.conf", tmpdir);

    /* a missing default is an empty config; a given missing file is not */
    assert_int_equal(ctr__regconf_load(path, &c), -ENOENT);
    assert_non_null(strstr(ctr_error_last()->message, path));

    write_text("registries.conf", "unqualified-search-registries = [\"a.io\", \"b.io\"]\n"
                                  "short-name-mode = \"enforcing\"\n"
                                  "[[registry]]\nlocation = \"a.io\"\ninsecure = true\n"
                                  "[[registry]]\nlocation = \"keep.io\"\n"
                                  "[aliases]\n\"one\" = \"a.io/one\"\n\"two\" = \"a.io/two\"\n");
    char dropins[PATH_MAX + 8];
    snprintf(dropins, sizeof dropins, "%s.d", path);
    assert_int_equal(mkdir(dropins, 0755), 0);
    /* later names win; non-.conf files and directories are skipped */
    write_text("registries.conf.d/20-b.conf", "unqualified-search-registries = [\"c.io\"]\n"
                                              "[[registry]]\nlocation = \"a.io\"\nblocked = true\n"
                                              "[aliases]\n\"one\" = \"c.io/uno\"\n\"two\" = \"\"\n");
    write_text("registries.conf.d/10-a.conf", "unqualified-search-registries = [\"x.io\"]\nshort-name-mode = \"permissive\"\n");
    write_text("registries.conf.d/30-c.conf", "[aliases]\n\"three\" = \"c.io/three\"\n");
    write_text("registries.conf.d/99-ignored.txt", "this is not toml [");
    char sub[PATH_MAX];
    snprintf(sub, sizeof sub, "%s/registries.conf.d/dir.conf", tmpdir);
    assert_int_equal(mkdir(sub, 0755), 0);

    assert_int_equal(ctr__regconf_load(path, &c), 0);
    assert_int_equal(ctr__strv_len((const char *const *)c.search), 1);
    assert_string_equal(c.search[0], "c.io");
    assert_non_null(strstr(c.search_origin, "20-b.conf"));
    assert_int_equal(c.mode, CTR__SHORT_PERMISSIVE);
    assert_int_equal(c.n_regs, 2);
    assert_string_equal(c.regs[0].prefix, "a.io");
    assert_true(c.regs[0].blocked); /* the drop-in's entry replaces the main file's */
    assert_false(c.regs[0].insecure);
    assert_string_equal(c.regs[1].prefix, "keep.io");
    assert_int_equal(ctr__strv_len((const char *const *)c.aliases), 2);
    assert_string_equal(c.aliases[0], "one=c.io/uno");
    assert_string_equal(c.aliases[1], "three=c.io/three"); /* "two" erased by "" */
    ctr__regconf_clear(&c);

    /* $CONTAINERS_REGISTRIES_CONF when no path is given */
    setenv("CONTAINERS_REGISTRIES_CONF", path, 1);
    assert_int_equal(ctr__regconf_load(NULL, &c), 0);
    assert_int_equal(c.n_regs, 2);
    ctr__regconf_clear(&c);
    unsetenv("CONTAINERS_REGISTRIES_CONF");

    /* a bad drop-in is an error naming it; version 1 in one too */
    write_text("registries.conf.d/40-bad.conf", "[[registry]]\nlocation = 1\n");
    assert_int_equal(ctr__regconf_load(path, &c), -EINVAL);
    assert_non_null(strstr(ctr_error_last()->message, "40-bad.conf"));
    write_text("registries.conf.d/40-bad.conf", "[registries.search]\nregistries = [\"a.io\"]\n");
    assert_int_equal(ctr__regconf_load(path, &c), -EINVAL);
    assert_non_null(strstr(ctr_error_last()->message, "version 1"));
    write_text("registries.conf.d/40-bad.conf", "x = ");
    assert_int_equal(ctr__regconf_load(path, &c), -EINVAL);
    assert_non_null(strstr(ctr_error_last()->message, "40-bad.conf:1:"));
}

static void test_find(void **state)
{
    (void)state;
    struct ctr__regconf c;
    parse_ok("[[registry]]\nlocation = \"example.com\"\n"
             "[[registry]]\nprefix = \"example.com/foo\"\nlocation = \"f.io\"\n"
             "[[registry]]\nprefix = \"example.com/foo/bar\"\nlocation = \"fb.io\"\n"
             "[[registry]]\nprefix = \"*.wild.org\"\n"
             "[[registry]]\nprefix = \"*.a.wild.org\"\nlocation = \"aw.io\"\n"
             "[[registry]]\nlocation = \"127.0.0.1:5000/ns\"\n",
             &c);
    struct {
        const char *ref, *want_prefix;
    } cases[] = {
        { "example.com/x", "example.com" },
        { "example.com/foo", "example.com/foo" },
        { "example.com/foo:tag", "example.com/foo" },
        { "example.com/foo@sha256:" "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", "example.com/foo" },
        { "example.com/foobar", "example.com" }, /* not at a boundary */
        { "example.com/foo/bar/baz", "example.com/foo/bar" },
        { "example.com/foo/barbaz", "example.com/foo" },
        { "example.community/x", NULL },
        { "x.wild.org/img", "*.wild.org" },
        { "x.y.wild.org/img", "*.wild.org" },
        { "b.a.wild.org/img", "*.a.wild.org" },
        { "wild.org/img", NULL },
        { "xwild.org/img", NULL },
        { "evil.io/x.wild.org/img", NULL }, /* the wildcard applies to the host only */
        { "127.0.0.1:5000/ns/img", "127.0.0.1:5000/ns" },
        { "127.0.0.1:5000/nsx/img", NULL },
        { "127.0.0.1:5001/ns/img", NULL },
        { "quay.io/x", NULL },
    };
    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        const struct ctr__regconf_registry *r = ctr__regconf_find(&c, cases[i].ref);
        if (!cases[i].want_prefix && r)
            fail_msg("%s: matched %s", cases[i].ref, r->prefix);
        if (cases[i].want_prefix && (!r || strcmp(r->prefix, cases[i].want_prefix) != 0))
            fail_msg("%s: got %s, want %s", cases[i].ref, r ? r->prefix : "none", cases[i].want_prefix);
    }
    ctr__regconf_clear(&c);
}

static void expect_resolve(const struct ctr__regconf *c, const char *name, const char *want)
{
    char **v = NULL;
    int r = ctr__regconf_resolve(c, name, &v);
    if (r < 0)
        fail_msg("%s: %s", name, ctr_error_last()->message);
    struct ctr__buf b = { 0 };
    for (size_t i = 0; v[i]; i++)
        ctr__buf_printf(&b, "%s%s", i ? " " : "", v[i]);
    _cleanup_free_ char *got = NULL;
    assert_int_equal(ctr__buf_finish(&b, &got), 0);
    if (strcmp(got, want) != 0)
        fail_msg("%s: got \"%s\", want \"%s\"", name, got, want);
    ctr__strv_free(v);
}

static void expect_resolve_error(const struct ctr__regconf *c, const char *name, const char *want)
{
    char **v = NULL;
    assert_int_equal(ctr__regconf_resolve(c, name, &v), -EINVAL);
    assert_null(v);
    const char *m = ctr_error_last()->message;
    if (!strstr(m, want))
        fail_msg("%s: message \"%s\" lacks \"%s\"", name, m, want);
}

static void test_resolve(void **state)
{
    (void)state;
    struct ctr__regconf c;
    parse_ok("unqualified-search-registries = [\"quay.io\", \"docker.io\"]\nshort-name-mode = \"permissive\"\n"
             "[aliases]\n\"fedora\" = \"registry.fedoraproject.org/fedora\"\n",
             &c);
    expect_resolve(&c, "fedora", "registry.fedoraproject.org/fedora");
    expect_resolve(&c, "fedora:39", "registry.fedoraproject.org/fedora:39");
    expect_resolve(&c, "busybox", "quay.io/busybox docker.io/library/busybox");
    expect_resolve(&c, "ns/app:1.0", "quay.io/ns/app:1.0 docker.io/ns/app:1.0");
    expect_resolve(&c, "alpine@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
                   "quay.io/alpine@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef "
                   "docker.io/library/alpine@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
    expect_resolve(&c, "example.com/x:1", "example.com/x:1"); /* qualified: as it is */
    expect_resolve(&c, "localhost/x", "localhost/x");
    expect_resolve_error(&c, "Busybox", "invalid");
    expect_resolve_error(&c, "busybox:", "invalid tag");
    expect_resolve_error(&c, "a@sha256:12", "invalid digest");
    expect_resolve_error(&c, "", "no name");

    /* enforcing: ambiguous without an alias, the candidates listed */
    c.mode = CTR__SHORT_ENFORCING;
    expect_resolve(&c, "fedora", "registry.fedoraproject.org/fedora");
    expect_resolve_error(&c, "busybox", "candidates: quay.io/busybox, docker.io/library/busybox");
    ctr__regconf_clear(&c);

    parse_ok("unqualified-search-registries = [\"docker.io\"]\nshort-name-mode = \"enforcing\"\n", &c);
    expect_resolve(&c, "busybox", "docker.io/library/busybox"); /* one candidate: no ambiguity */
    ctr__regconf_clear(&c);

    parse_ok("unqualified-search-registries = []\n", &c);
    expect_resolve_error(&c, "busybox", "no unqualified-search registries are defined in \"test.conf\"");
    ctr__regconf_clear(&c);
    parse_ok("", &c);
    expect_resolve_error(&c, "busybox", "did not resolve to an alias and no containers-registries.conf(5)");
    ctr__regconf_clear(&c);
}

static void expect_sources(const struct ctr__regconf *c, const char *ref, const char *want)
{
    struct ctr__regconf_source *s = NULL;
    size_t n = 0;
    int r = ctr__regconf_pull_sources(c, ref, &s, &n);
    if (r < 0)
        fail_msg("%s: %s", ref, ctr_error_last()->message);
    struct ctr__buf b = { 0 };
    for (size_t i = 0; i < n; i++)
        ctr__buf_printf(&b, "%s%s%s", i ? " " : "", s[i].reference, s[i].insecure ? "(insecure)" : "");
    _cleanup_free_ char *got = NULL;
    assert_int_equal(ctr__buf_finish(&b, &got), 0);
    if (strcmp(got, want) != 0)
        fail_msg("%s: got \"%s\", want \"%s\"", ref, got, want);
    ctr__regconf_sources_free(s, n);
}

static void test_pull_sources(void **state)
{
    (void)state;
    struct ctr__regconf c;
    const char *digest = "@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    parse_ok("[[registry]]\nprefix = \"example.com/foo\"\nlocation = \"internal.example.com/bar\"\n"
             "[[registry.mirror]]\nlocation = \"m0.local/foo\"\ninsecure = true\n"
             "[[registry.mirror]]\nlocation = \"m1.local\"\npull-from-mirror = \"digest-only\"\n"
             "[[registry.mirror]]\nlocation = \"m2.local/t\"\npull-from-mirror = \"tag-only\"\n"
             "[[registry]]\nlocation = \"evil.io\"\nblocked = true\n"
             "[[registry]]\nlocation = \"plain.io\"\ninsecure = true\n"
             "[[registry]]\nprefix = \"*.wild.org\"\n"
             "[[registry]]\nprefix = \"*.mapped.org\"\nlocation = \"central.io/all\"\n",
             &c);
    expect_sources(&c, "example.com/foo/img:1",
                   "m0.local/foo/img:1(insecure) m2.local/t/img:1 internal.example.com/bar/img:1");
    _cleanup_free_ char *by_digest = ctr__asprintf("example.com/foo/img%s", digest);
    _cleanup_free_ char *want = ctr__asprintf("m0.local/foo/img%s(insecure) m1.local/img%s internal.example.com/bar/img%s",
                                              digest, digest, digest);
    expect_sources(&c, by_digest, want);
    expect_sources(&c, "example.com/foo:2", "m0.local/foo:2(insecure) m2.local/t:2 internal.example.com/bar:2");
    expect_sources(&c, "example.com/other:1", "example.com/other:1");
    expect_sources(&c, "plain.io/x", "plain.io/x(insecure)");
    expect_sources(&c, "a.wild.org/x:1", "a.wild.org/x:1");
    expect_sources(&c, "a.mapped.org/x:1", "central.io/all/x:1");

    struct ctr__regconf_source *s = NULL;
    size_t n = 0;
    assert_int_equal(ctr__regconf_pull_sources(&c, "evil.io/x:1", &s, &n), -EPERM);
    assert_string_equal(ctr_error_last()->message, "registry evil.io is blocked in registries.conf");
    assert_null(s);
    assert_int_equal(ctr__regconf_pull_sources(&c, "", &s, &n), -EINVAL);
    ctr__regconf_clear(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_keys),    cmocka_unit_test(test_version1), cmocka_unit_test(test_registries),
        cmocka_unit_test(test_aliases), cmocka_unit_test(test_load),     cmocka_unit_test(test_find),
        cmocka_unit_test(test_resolve), cmocka_unit_test(test_pull_sources),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
