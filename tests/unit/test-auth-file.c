/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* registry/auth-file.c: podman's auth.json read (most specific key first,
 * the legacy keys, Docker Hub's names, malformed files), written (0600,
 * 0700 directory, other members kept, concurrent writers) and removed; and
 * interop with podman itself: its `login --get-login` reads what we write,
 * its `logout` edits it, and a file written as podman 4.3 writes it reads
 * back here. */
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <libctr/ctr-error.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "base/util.h"
#include "registry/auth-file.h"

static char tmpdir[] = "/tmp/test-auth-file.XXXXXX";
static char file[PATH_MAX];

static int setup(void **state)
{
    (void)state;
    if (!mkdtemp(tmpdir))
        return -1;
    snprintf(file, sizeof file, "%s/auth.json", tmpdir);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    return ctr__rm_rf(tmpdir);
}

static void write_text(const char *path, const char *text)
{
    assert_int_equal(ctr__write_file_at(AT_FDCWD, path, text, strlen(text), 0600, false), 0);
}

static char *read_text(const char *path)
{
    char *t = NULL;
    assert_int_equal(ctr__read_file_at(AT_FDCWD, path, &t, NULL), 0);
    return t;
}

/* Get and compare; want_user NULL: expect @want_r. */
static void expect_get(const char *path, const char *repo, int want_r, const char *want_user, const char *want_pw)
{
    char *u = (char *)0x1, *p = (char *)0x1;
    int r = ctr__auth_file_get(path, repo, &u, &p);
    if (r != want_r)
        fprintf(stderr, "get %s: %d (%s), want %d\n", repo, r, ctr_error_last()->message, want_r);
    assert_int_equal(r, want_r);
    if (r < 0) {
        assert_ptr_equal(u, (char *)0x1); /* untouched on failure */
        assert_ptr_equal(p, (char *)0x1);
        assert_true(ctr_error_last()->message[0] != '\0');
        return;
    }
    assert_string_equal(u, want_user);
    assert_string_equal(p, want_pw);
    free(u);
    free(p);
}

static void test_path(void **state)
{
    (void)state;
    char *saved_raf = ctr__strdup_null(getenv("REGISTRY_AUTH_FILE"));
    char *saved_xdg = ctr__strdup_null(getenv("XDG_RUNTIME_DIR"));
    setenv("REGISTRY_AUTH_FILE", "/x/env.json", 1);
    setenv("XDG_RUNTIME_DIR", "/run/user/7", 1);
    char *p = ctr__auth_file_path("/given.json");
    assert_string_equal(p, "/given.json");
    free(p);
    p = ctr__auth_file_path(NULL);
    assert_string_equal(p, "/x/env.json");
    free(p);
    setenv("REGISTRY_AUTH_FILE", "", 1);
    p = ctr__auth_file_path("");
    assert_string_equal(p, "/run/user/7/containers/auth.json");
    free(p);
    unsetenv("REGISTRY_AUTH_FILE");
    unsetenv("XDG_RUNTIME_DIR");
    p = ctr__auth_file_path(NULL);
    char want[64];
    snprintf(want, sizeof want, "/run/containers/%u/auth.json", (unsigned)getuid());
    assert_string_equal(p, want);
    free(p);
    if (saved_raf)
        setenv("REGISTRY_AUTH_FILE", saved_raf, 1);
    if (saved_xdg)
        setenv("XDG_RUNTIME_DIR", saved_xdg, 1);
    free(saved_raf);
    free(saved_xdg);
}

/* base64 of "host-user:host-pw", "repo-user:repo-pw", ... */
#define B64_HOST "aG9zdC11c2VyOmhvc3QtcHc="
#define B64_NS "bnMtdXNlcjpucy1wdw=="
#define B64_REPO "cmVwby11c2VyOnJlcG8tcHc="
#define B64_LEGACY "bGVnYWN5OnB3"     /* legacy:pw */
#define B64_HUB "aHViOmh1Yi1wdw=="    /* hub:hub-pw */

static void test_most_specific(void **state)
{
    (void)state;
    write_text(file, "{\"auths\": {"
                     "\"quay.io\": {\"auth\": \"" B64_HOST "\"},"
                     "\"quay.io/team\": {\"auth\": \"" B64_NS "\"},"
                     "\"quay.io/team/app\": {\"auth\": \"" B64_REPO "\"}}}");
    expect_get(file, "quay.io/team/app", 0, "repo-user", "repo-pw");
    expect_get(file, "quay.io/team/app/sub", 0, "repo-user", "repo-pw");
    expect_get(file, "quay.io/team/other", 0, "ns-user", "ns-pw");
    expect_get(file, "quay.io/team", 0, "ns-user", "ns-pw");
    expect_get(file, "quay.io/elsewhere/x", 0, "host-user", "host-pw");
    expect_get(file, "quay.io", 0, "host-user", "host-pw");
    /* components, not string prefixes */
    expect_get(file, "quay.io/teamx/app", 0, "host-user", "host-pw");
    expect_get(file, "quay.iox/team/app", -ENOENT, NULL, NULL);
    expect_get(file, "example.com/a", -ENOENT, NULL, NULL);
    /* ports are part of the host */
    write_text(file, "{\"auths\": {\"127.0.0.1:5000\": {\"auth\": \"" B64_HOST "\"}}}");
    expect_get(file, "127.0.0.1:5000/a/b", 0, "host-user", "host-pw");
    expect_get(file, "127.0.0.1:5001/a/b", -ENOENT, NULL, NULL);
    expect_get(file, "127.0.0.1/a/b", -ENOENT, NULL, NULL);
}

static void test_legacy_keys(void **state)
{
    (void)state;
    static const char *const keys[] = { "https://quay.io", "http://quay.io", "https://quay.io/v1/",
                                        "https://quay.io/v2/", "quay.io" };
    for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
        char text[256];
        snprintf(text, sizeof text, "{\"auths\": {\"%s\": {\"auth\": \"" B64_LEGACY "\"}}}", keys[i]);
        write_text(file, text);
        expect_get(file, "quay.io/ns/repo", 0, "legacy", "pw");
        expect_get(file, "quay.io", 0, "legacy", "pw");
        expect_get(file, "quay.io.evil/ns", -ENOENT, NULL, NULL);
    }
    /* a scheme-less key with a path is a namespace, not a host */
    write_text(file, "{\"auths\": {\"quay.io/v1/\": {\"auth\": \"" B64_LEGACY "\"}}}");
    expect_get(file, "quay.io/ns", -ENOENT, NULL, NULL);
    /* an exact key wins over a legacy one, wherever it is in the file */
    write_text(file, "{\"auths\": {\"https://quay.io/v1/\": {\"auth\": \"" B64_LEGACY "\"},"
                     "\"quay.io\": {\"auth\": \"" B64_HOST "\"}}}");
    expect_get(file, "quay.io/ns", 0, "host-user", "host-pw");
}

static void test_docker_hub(void **state)
{
    (void)state;
    static const char *const keys[] = { "https://index.docker.io/v1/", "index.docker.io", "docker.io",
                                        "registry-1.docker.io", "https://registry-1.docker.io/v2/" };
    for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
        char text[256];
        snprintf(text, sizeof text, "{\"auths\": {\"%s\": {\"auth\": \"" B64_HUB "\"}}}", keys[i]);
        write_text(file, text);
        expect_get(file, "docker.io/library/busybox", 0, "hub", "hub-pw");
        expect_get(file, "docker.io", 0, "hub", "hub-pw");
        expect_get(file, "quay.io/library/busybox", -ENOENT, NULL, NULL);
    }
    write_text(file, "{\"auths\": {\"https://index.docker.io/v1/\": {\"auth\": \"" B64_HUB "\"},"
                     "\"docker.io/library\": {\"auth\": \"" B64_NS "\"}}}");
    expect_get(file, "docker.io/library/busybox", 0, "ns-user", "ns-pw");
    expect_get(file, "docker.io/someone/busybox", 0, "hub", "hub-pw");
}

static void test_entries(void **state)
{
    (void)state;
    /* the password keeps ':'; podman trims NULs around it */
    write_text(file, "{\"auths\": {\"a.io\": {\"auth\": \"dTpwOnc6\"},"   /* u:p:w: */
                     "\"b.io\": {\"auth\": \"dTpwdwAA\"},"                /* u:pw\0\0 */
                     "\"c.io\": {\"auth\": \"dTo=\"},"                    /* u: */
                     "\"d.io\": {\"auth\": \"OnB3\"},"                    /* :pw */
                     "\"e.io\": {\"auth\": \"dTpw\\r\\nZA==\"},"          /* u:pd, with CR LF */
                     "\"f.io\": {\"auth\": \"\"},"                        /* a helper's marker */
                     "\"g.io\": {\"identitytoken\": \"tok\"},"            /* OAuth refresh token only */
                     "\"h.io\": {},"
                     "\"i.io\": null,"
                     "\"j.io\": {\"auth\": \"dTpwdw==\", \"identitytoken\": \"tok\", \"email\": \"x\"},"
                     "\"k.io\": {\"auth\": null}}}");
    expect_get(file, "a.io/x", 0, "u", "p:w:");
    expect_get(file, "b.io/x", 0, "u", "pw");
    expect_get(file, "c.io/x", 0, "u", "");
    expect_get(file, "d.io/x", 0, "", "pw");
    expect_get(file, "e.io/x", 0, "u", "pd");
    expect_get(file, "f.io/x", -ENOENT, NULL, NULL);
    expect_get(file, "g.io/x", -ENOENT, NULL, NULL);
    expect_get(file, "h.io/x", -ENOENT, NULL, NULL);
    expect_get(file, "i.io/x", -ENOENT, NULL, NULL);
    expect_get(file, "j.io/x", 0, "u", "pw");
    expect_get(file, "k.io/x", -ENOENT, NULL, NULL);
    /* the most specific entry decides, even an empty one */
    write_text(file, "{\"auths\": {\"a.io\": {\"auth\": \"dTpwdw==\"}, \"a.io/ns\": {}}}");
    expect_get(file, "a.io/ns/x", -ENOENT, NULL, NULL);
    expect_get(file, "a.io/other", 0, "u", "pw");
    /* no file, an empty file, no auths */
    char missing[PATH_MAX + 16];
    snprintf(missing, sizeof missing, "%s/none.json", tmpdir);
    expect_get(missing, "a.io/x", -ENOENT, NULL, NULL);
    write_text(file, "");
    expect_get(file, "a.io/x", -ENOENT, NULL, NULL);
    write_text(file, " \n");
    expect_get(file, "a.io/x", -ENOENT, NULL, NULL);
    write_text(file, "{}");
    expect_get(file, "a.io/x", -ENOENT, NULL, NULL);
    write_text(file, "{\"auths\": null, \"credHelpers\": {\"a.io\": \"secretservice\"}}");
    expect_get(file, "a.io/x", -ENOENT, NULL, NULL);
    assert_int_equal(ctr__auth_file_get(NULL, "a.io", &(char *){ NULL }, &(char *){ NULL }), -EINVAL);
    assert_int_equal(ctr__auth_file_get(file, "", &(char *){ NULL }, &(char *){ NULL }), -EINVAL);
}

static void test_malformed(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "{", "[]", "\"auths\"", "{\"auths\": []}", "{\"auths\": \"x\"}", "{\"auths\": {\"a.io\": 1}}",
        "{\"auths\": {\"a.io\": []}}", "{\"auths\": {\"a.io\": {\"auth\": 5}}}",
        "{\"auths\": {\"a.io\": {\"auth\": {}}}}", "{\"auths\": {\"z.io\": {\"identitytoken\": 1}}}",
        "{\"auths\": {}, \"credHelpers\": []}", "{\"auths\": {}} trailing", "{\"auths\": {}}{}",
        /* malformed entries of the key that matches */
        "{\"auths\": {\"a.io\": {\"auth\": \"not base64!\"}}}", "{\"auths\": {\"a.io\": {\"auth\": \"dXNlcg==\"}}}",
        "{\"auths\": {\"a.io\": {\"auth\": \"dXNlcg\"}}}", "{\"auths\": {\"a.io\": {\"auth\": \"dXNlcg=\"}}}",
        "{\"auths\": {\"a.io\": {\"auth\": \"dTpw=dTpw\"}}}", "{\"auths\": {\"a.io\": {\"auth\": \"=dTpw\"}}}",
        "{\"auths\": {\"a.io\": {\"auth\": \"dQA6cHc=\"}}}", /* u\0:pw */
        "{\"auths\": {\"a.io\": {\"auth\": \"dTpwAHc=\"}}}", /* u:p\0w */
        "{\"auths\": {\"a.io\": {\"auth\": \"dTp=\"}}}",     /* non-zero bits then padding: still decodes "u:"? */
    };
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        write_text(file, bad[i]);
        char *u = NULL, *p = NULL;
        int r = ctr__auth_file_get(file, "a.io/x", &u, &p);
        if (i == ARRAY_SIZE(bad) - 1) { /* Go's StdEncoding is not strict about the trailing bits either */
            assert_int_equal(r, 0);
            assert_string_equal(u, "u");
            free(u);
            free(p);
            continue;
        }
        if (r != -EINVAL)
            fprintf(stderr, "case %zu: %s -> %d\n", i, bad[i], r);
        assert_int_equal(r, -EINVAL);
        assert_null(u);
        assert_non_null(strstr(ctr_error_last()->message, file)); /* names the file */
    }
    /* a NUL byte in the file */
    assert_int_equal(ctr__write_file_at(AT_FDCWD, file, "{\"auths\":{}}\0", 13, 0600, false), 0);
    assert_int_equal(ctr__auth_file_get(file, "a.io/x", &(char *){ NULL }, &(char *){ NULL }), -EINVAL);
    /* a directory where the file should be */
    char dir[PATH_MAX + 16];
    snprintf(dir, sizeof dir, "%s/adir", tmpdir);
    assert_int_equal(mkdir(dir, 0700), 0);
    assert_int_equal(ctr__auth_file_get(dir, "a.io/x", &(char *){ NULL }, &(char *){ NULL }), -EISDIR);
    rmdir(dir);
}

static void test_set(void **state)
{
    (void)state;
    char dir[PATH_MAX + 16], path[PATH_MAX + 32];
    snprintf(dir, sizeof dir, "%s/set/containers", tmpdir);
    snprintf(path, sizeof path, "%s/auth.json", dir);
    /* every padding length and characters JSON escapes */
    static const char *const pws[] = { "", "a", "ab", "abc", "abcd", "p:w", "\"quoted\\\"/é", "x y\tz" };
    for (size_t i = 0; i < ARRAY_SIZE(pws); i++) {
        assert_int_equal(ctr__auth_file_set(path, "127.0.0.1:5000", "bob", pws[i]), 0);
        expect_get(path, "127.0.0.1:5000/ns/app", 0, "bob", pws[i]);
    }
    struct stat st;
    assert_int_equal(stat(dir, &st), 0);
    assert_int_equal(st.st_mode & 07777, 0700);
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 07777, 0600);
    /* other entries and top-level members kept, a wider mode tightened */
    write_text(path, "{\"auths\": {\"quay.io\": {\"auth\": \"" B64_HOST "\", \"email\": \"e\"}},"
                     "\"credHelpers\": {\"gcr.io\": \"gcloud\"}, \"HttpHeaders\": {\"X\": \"y\"}}");
    chmod(path, 0644);
    assert_int_equal(ctr__auth_file_set(path, "quay.io/team/", "alice", "pw"), 0); /* trailing / dropped */
    assert_int_equal(ctr__auth_file_set(path, "docker.io", "hub", "hub-pw"), 0);
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 07777, 0600);
    expect_get(path, "quay.io/team/app", 0, "alice", "pw");
    expect_get(path, "quay.io/other", 0, "host-user", "host-pw");
    expect_get(path, "docker.io/library/x", 0, "hub", "hub-pw");
    json_object *doc = json_object_from_file(path);
    assert_non_null(doc);
    json_object *v;
    assert_true(json_object_object_get_ex(doc, "credHelpers", &v));
    assert_string_equal(json_object_get_string(json_object_object_get(v, "gcr.io")), "gcloud");
    assert_true(json_object_object_get_ex(doc, "HttpHeaders", &v));
    v = json_object_object_get(json_object_object_get(doc, "auths"), "quay.io");
    assert_string_equal(json_object_get_string(json_object_object_get(v, "email")), "e");
    v = json_object_object_get(json_object_object_get(doc, "auths"), "quay.io/team");
    assert_non_null(v);
    json_object_put(doc);
    /* replacing keeps one entry */
    assert_int_equal(ctr__auth_file_set(path, "quay.io/team", "carol", "pw2"), 0);
    expect_get(path, "quay.io/team/app", 0, "carol", "pw2");
    doc = json_object_from_file(path);
    assert_int_equal(json_object_object_length(json_object_object_get(doc, "auths")), 3);
    json_object_put(doc);
}

static void test_set_refused(void **state)
{
    (void)state;
    write_text(file, "{\"auths\": {\"a.io\": 1}}");
    char *before = read_text(file);
    assert_int_equal(ctr__auth_file_set(file, "b.io", "u", "p"), -EINVAL);
    assert_non_null(strstr(ctr_error_last()->message, file));
    char *after = read_text(file);
    assert_string_equal(before, after); /* unchanged */
    free(before);
    free(after);
    write_text(file, "{}");
    static const char *const keys[] = { "", "https://quay.io", "http://x/", "a b", "a\tb", "a\nb", "/" };
    for (size_t i = 0; i < ARRAY_SIZE(keys); i++)
        assert_int_equal(ctr__auth_file_set(file, keys[i], "u", "p"), -EINVAL);
    assert_int_equal(ctr__auth_file_set(file, NULL, "u", "p"), -EINVAL);
    assert_int_equal(ctr__auth_file_set(file, "a.io", "u:v", "p"), -EINVAL);
    assert_int_equal(ctr__auth_file_set(file, "a.io", "", "p"), -EINVAL);
    assert_int_equal(ctr__auth_file_set(file, "a.io", NULL, "p"), -EINVAL);
    assert_int_equal(ctr__auth_file_set(file, "a.io", "u", NULL), -EINVAL);
    assert_int_equal(ctr__auth_file_set(NULL, "a.io", "u", "p"), -EINVAL);
    char *t = read_text(file);
    assert_string_equal(t, "{}");
    free(t);
}

static void test_remove(void **state)
{
    (void)state;
    write_text(file, "{\"auths\": {\"quay.io\": {\"auth\": \"" B64_HOST "\"},"
                     "\"https://quay.io/v1/\": {\"auth\": \"" B64_LEGACY "\"},"
                     "\"quay.io/team\": {\"auth\": \"" B64_NS "\"},"
                     "\"https://index.docker.io/v1/\": {\"auth\": \"" B64_HUB "\"},"
                     "\"b.io\": {\"auth\": \"" B64_HOST "\"}}, \"credHelpers\": {}}");
    assert_int_equal(ctr__auth_file_remove(file, "quay.io/team"), 0);
    expect_get(file, "quay.io/team/x", 0, "host-user", "host-pw");
    assert_int_equal(ctr__auth_file_remove(file, "quay.io/team"), -ENOENT);
    assert_non_null(strstr(ctr_error_last()->message, "not logged into quay.io/team"));
    /* a host: its legacy forms too, so nothing is found after it */
    assert_int_equal(ctr__auth_file_remove(file, "quay.io"), 0);
    expect_get(file, "quay.io/x", -ENOENT, NULL, NULL);
    assert_int_equal(ctr__auth_file_remove(file, "docker.io"), 0);
    expect_get(file, "docker.io/library/x", -ENOENT, NULL, NULL);
    expect_get(file, "b.io/x", 0, "host-user", "host-pw");
    assert_int_equal(ctr__auth_file_remove(file, "c.io"), -ENOENT);
    /* all: the other members stay */
    assert_int_equal(ctr__auth_file_set(file, "c.io", "u", "p"), 0);
    assert_int_equal(ctr__auth_file_remove(file, NULL), 0);
    expect_get(file, "b.io/x", -ENOENT, NULL, NULL);
    expect_get(file, "c.io/x", -ENOENT, NULL, NULL);
    json_object *doc = json_object_from_file(file);
    assert_non_null(json_object_object_get(doc, "credHelpers"));
    assert_int_equal(json_object_object_length(json_object_object_get(doc, "auths")), 0);
    json_object_put(doc);
    assert_int_equal(ctr__auth_file_remove(file, NULL), 0); /* nothing left: still fine, as podman logout -a */
    /* no file: a key is not logged in; all is nothing to do, and no file is made */
    char missing[PATH_MAX + 32];
    snprintf(missing, sizeof missing, "%s/nodir/auth.json", tmpdir);
    assert_int_equal(ctr__auth_file_remove(missing, "a.io"), -ENOENT);
    assert_int_equal(ctr__auth_file_remove(missing, NULL), 0);
    assert_int_equal(access(missing, F_OK), -1);
    write_text(file, "[1]");
    assert_int_equal(ctr__auth_file_remove(file, "a.io"), -EINVAL);
    assert_int_equal(ctr__auth_file_remove(file, "https://a.io"), -EINVAL);
}

/* Writers in parallel processes: the directory lock keeps every entry. */
static void test_concurrent(void **state)
{
    (void)state;
    char path[PATH_MAX + 16];
    snprintf(path, sizeof path, "%s/conc/auth.json", tmpdir);
    enum { N = 8, ROUNDS = 10 };
    pid_t pids[N];
    for (int i = 0; i < N; i++) {
        pids[i] = fork();
        assert_true(pids[i] >= 0);
        if (pids[i] == 0) {
            for (int j = 0; j < ROUNDS; j++) {
                char key[64];
                snprintf(key, sizeof key, "r%d.io/n%d", i, j);
                if (ctr__auth_file_set(path, key, "u", key) < 0)
                    _exit(1);
            }
            _exit(0);
        }
    }
    for (int i = 0; i < N; i++) {
        int st;
        assert_int_equal(waitpid(pids[i], &st, 0), pids[i]);
        assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    }
    for (int i = 0; i < N; i++)
        for (int j = 0; j < ROUNDS; j++) {
            char key[64];
            snprintf(key, sizeof key, "r%d.io/n%d", i, j);
            expect_get(path, key, 0, "u", key);
        }
}

/* ---- podman ---- */

static bool have_podman(void)
{
    if (system("podman --version >/dev/null 2>&1") == 0)
        return true;
    const char *ci = getenv("CI");
    if (ci && streq(ci, "true"))
        fail_msg("podman is not installed (CI=true: failing instead of skipping)");
    return false;
}

/* Run a shell command; its first line of output into @out. */
static int run(char *out, size_t size, const char *fmt, ...)
{
    char cmd[PATH_MAX * 3];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    FILE *f = popen(cmd, "r");
    assert_non_null(f);
    out[0] = '\0';
    if (!fgets(out, (int)size, f))
        out[0] = '\0';
    out[strcspn(out, "\n")] = '\0';
    while (fgetc(f) != EOF)
        ;
    int st = pclose(f);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void test_podman_reads_ours(void **state)
{
    (void)state;
    if (!have_podman())
        skip();
    char path[PATH_MAX + 16], out[256];
    snprintf(path, sizeof path, "%s/podman/ours.json", tmpdir);
    assert_int_equal(ctr__auth_file_set(path, "127.0.0.1:5000", "bob", "s3cr:et"), 0);
    assert_int_equal(ctr__auth_file_set(path, "quay.io/team", "alice", "pw"), 0);
    assert_int_equal(ctr__auth_file_set(path, "docker.io", "hub", "x"), 0);
    assert_int_equal(run(out, sizeof out, "podman login --get-login --authfile %s 127.0.0.1:5000 2>&1", path), 0);
    assert_string_equal(out, "bob");
    assert_int_equal(run(out, sizeof out, "podman login --get-login --authfile %s docker.io 2>&1", path), 0);
    assert_string_equal(out, "hub");
    assert_int_equal(run(out, sizeof out, "podman login --get-login --authfile %s quay.io/team 2>&1", path), 0);
    assert_string_equal(out, "alice");
    assert_int_not_equal(run(out, sizeof out, "podman login --get-login --authfile %s quay.io 2>&1", path), 0);
    assert_non_null(strstr(out, "not logged into quay.io"));
    /* podman edits our file: its logout removes one entry, keeps the others */
    assert_int_equal(run(out, sizeof out, "podman logout --authfile %s 127.0.0.1:5000 2>&1", path), 0);
    expect_get(path, "127.0.0.1:5000/x", -ENOENT, NULL, NULL);
    expect_get(path, "quay.io/team/app", 0, "alice", "pw");
    expect_get(path, "docker.io/library/busybox", 0, "hub", "x");
    /* and we edit what podman wrote */
    assert_int_equal(ctr__auth_file_remove(path, "docker.io"), 0);
    assert_int_not_equal(run(out, sizeof out, "podman login --get-login --authfile %s docker.io 2>&1", path), 0);
    assert_int_equal(run(out, sizeof out, "podman login --get-login --authfile %s quay.io/team 2>&1", path), 0);
    assert_string_equal(out, "alice");
}

/* A file byte for byte as podman 4.3 writes it after `podman login`
 * (json.MarshalIndent with tabs; base64 of "bob:s3cr:et"). */
static void test_podman_format(void **state)
{
    (void)state;
    static const char podman43[] = "{\n"
                                   "\t\"auths\": {\n"
                                   "\t\t\"127.0.0.1:5000\": {\n"
                                   "\t\t\t\"auth\": \"Ym9iOnMzY3I6ZXQ=\"\n"
                                   "\t\t},\n"
                                   "\t\t\"quay.io/team/app\": {\n"
                                   "\t\t\t\"auth\": \"YWxpY2U6cHc=\"\n"
                                   "\t\t}\n"
                                   "\t}\n"
                                   "}";
    char path[PATH_MAX + 16], out[256];
    snprintf(path, sizeof path, "%s/podman43.json", tmpdir);
    write_text(path, podman43);
    expect_get(path, "127.0.0.1:5000/ns/app", 0, "bob", "s3cr:et");
    expect_get(path, "quay.io/team/app", 0, "alice", "pw");
    expect_get(path, "quay.io/team/other", -ENOENT, NULL, NULL);
    if (!have_podman())
        skip();
    /* the same bytes are what podman reads too */
    assert_int_equal(run(out, sizeof out, "podman login --get-login --authfile %s 127.0.0.1:5000 2>&1", path), 0);
    assert_string_equal(out, "bob");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_path),           cmocka_unit_test(test_most_specific),
        cmocka_unit_test(test_legacy_keys),    cmocka_unit_test(test_docker_hub),
        cmocka_unit_test(test_entries),        cmocka_unit_test(test_malformed),
        cmocka_unit_test(test_set),            cmocka_unit_test(test_set_refused),
        cmocka_unit_test(test_remove),         cmocka_unit_test(test_concurrent),
        cmocka_unit_test(test_podman_reads_ours), cmocka_unit_test(test_podman_format),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
