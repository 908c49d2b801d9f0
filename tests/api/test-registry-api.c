/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The public registry API through libctr.so, with no registry: options and
 * their checks, name resolution from a registries.conf of the test (search
 * registries, aliases, enforcing mode, blocked registries), the credentials
 * file (a podman auth.json: lookup, logout of one entry and of all, the
 * other entries kept), pull policies that need no network, a registry that
 * does not answer, push's destination checks, and the argument errors of
 * every call.  The transfers
 * themselves are the integration suites' (registry-pull, registry-push). */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>

#include "test-helpers.h"

struct fix {
    struct test_root root;
    ctr_runtime_t *rt;
    char conf[128], auth[128];
    ctr_registry_options_t o;
};

static int setup(void **state)
{
    struct fix *f = calloc(1, sizeof *f);
    test_root_make(&f->root);
    f->rt = test_runtime(&f->root, "files");
    snprintf(f->conf, sizeof f->conf, "%s/registries.conf", f->root.root);
    snprintf(f->auth, sizeof f->auth, "%s/auth.json", f->root.root);
    assert_ctr_ok(ctr_registry_options_init(&f->o, CTR_REGISTRY_OPTIONS_VERSION));
    f->o.registries_conf = f->conf;
    f->o.auth_file = f->auth;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fix *f = *state;
    ctr_runtime_unref(f->rt);
    test_root_remove(&f->root);
    free(f);
    return 0;
}

static void write_file(const char *path, const char *text)
{
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    assert_int_equal(fputs(text, fp) >= 0, 1);
    assert_int_equal(fclose(fp), 0);
}

static char *read_file(const char *path)
{
    FILE *fp = fopen(path, "r");
    if (!fp)
        return NULL;
    static char buf[8192];
    size_t n = fread(buf, 1, sizeof buf - 1, fp);
    fclose(fp);
    buf[n] = '\0';
    return buf;
}

static void test_options(void **state)
{
    (void)state;
    ctr_registry_options_t o;
    memset(&o, 0xff, sizeof o);
    assert_ctr_ok(ctr_registry_options_init(&o, CTR_REGISTRY_OPTIONS_VERSION));
    assert_int_equal(o.version, CTR_REGISTRY_OPTIONS_VERSION);
    assert_int_equal(o.pull_policy, CTR_PULL_MISSING);
    assert_null(o.auth_file);
    assert_null(o.progress);
    ctr_registry_options_t s = CTR_REGISTRY_OPTIONS_INIT;
    assert_memory_equal(&o, &s, sizeof o);
    assert_ctr_err(ctr_registry_options_init(&o, 0), -EINVAL);
    assert_ctr_err(ctr_registry_options_init(&o, CTR_REGISTRY_OPTIONS_VERSION + 1), -EINVAL);
    assert_ctr_err(ctr_registry_options_init(NULL, CTR_REGISTRY_OPTIONS_VERSION), -EINVAL);
}

static void test_bad_options(void **state)
{
    struct fix *f = *state;
    char **v = NULL;
    ctr_registry_options_t o = f->o;
    o.tls_verify = 7;
    assert_ctr_err(ctr_image_resolve_name("busybox", &o, &v), -EINVAL);
    o = f->o;
    o.pull_policy = -1;
    assert_ctr_err(ctr_image_resolve_name("busybox", &o, &v), -EINVAL);
    o = f->o;
    o.username = "user";
    assert_ctr_err(ctr_image_resolve_name("busybox", &o, &v), -EINVAL);
    assert_non_null(strstr(ctr_error_last()->message, "password"));
    o = f->o;
    o.flags = 1;
    assert_ctr_err(ctr_image_resolve_name("busybox", &o, &v), -EINVAL);
    o = f->o;
    o.version = 99;
    assert_ctr_err(ctr_image_resolve_name("busybox", &o, &v), -EINVAL);
    assert_null(v);
}

static void expect_names(const struct fix *f, const char *ref, const char *const *want)
{
    char **v = NULL;
    assert_ctr_ok(ctr_image_resolve_name(ref, &f->o, &v));
    size_t i = 0;
    for (; want[i]; i++) {
        assert_non_null(v[i]);
        assert_string_equal(v[i], want[i]);
    }
    assert_null(v[i]);
    ctr_strv_free(v);
}

static void test_resolve(void **state)
{
    struct fix *f = *state;
    write_file(f->conf, "unqualified-search-registries = [\"one.example\", \"two.example:5000\"]\n"
                        "[aliases]\n\"tool\" = \"three.example/tools/tool\"\n");
    expect_names(f, "busybox", (const char *[]){ "one.example/busybox:latest", "two.example:5000/busybox:latest", NULL });
    expect_names(f, "docker://ns/app:2", (const char *[]){ "one.example/ns/app:2", "two.example:5000/ns/app:2", NULL });
    expect_names(f, "tool", (const char *[]){ "three.example/tools/tool:latest", NULL });
    expect_names(f, "docker.io/busybox", (const char *[]){ "docker.io/library/busybox:latest", NULL });
    expect_names(f, "localhost:5000/a/b@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
                 (const char *[]){
                     "localhost:5000/a/b@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
                     NULL });
    char **v = NULL;
    assert_ctr_err(ctr_image_resolve_name("Not A Reference", &f->o, &v), -EINVAL);
    assert_ctr_err(ctr_image_resolve_name("a/b@sha256:short", &f->o, &v), -EINVAL);
    assert_ctr_err(ctr_image_resolve_name(NULL, &f->o, &v), -EINVAL);
    assert_ctr_err(ctr_image_resolve_name("busybox", &f->o, NULL), -EINVAL);

    write_file(f->conf, "unqualified-search-registries = [\"one.example\", \"two.example\"]\n"
                        "short-name-mode = \"enforcing\"\n");
    assert_ctr_err(ctr_image_resolve_name("busybox", &f->o, &v), -EINVAL);
    assert_non_null(strstr(ctr_error_last()->message, "one.example/busybox"));
    assert_non_null(strstr(ctr_error_last()->message, "two.example/busybox"));

    write_file(f->conf, "[[registry]]\nlocation = \"bad.example/ns\"\nblocked = true\n");
    assert_ctr_err(ctr_image_resolve_name("bad.example/ns/app", &f->o, &v), -EPERM);
    expect_names(f, "bad.example/other/app", (const char *[]){ "bad.example/other/app:latest", NULL });

    write_file(f->conf, "unqualified-search-registries = [\"one.example\"\n");
    assert_ctr_err(ctr_image_resolve_name("busybox", &f->o, &v), -EINVAL);
    write_file(f->conf, "");
    assert_ctr_err(ctr_image_resolve_name("busybox", &f->o, &v), -EINVAL);
    assert_null(v);
}

/* user:secret and other:pw in base64. */
#define AUTH_JSON                                                                                     \
    "{\"auths\": {\"reg.example:5000\": {\"auth\": \"dXNlcjpzZWNyZXQ=\"},"                             \
    " \"reg.example:5000/team\": {\"auth\": \"b3RoZXI6cHc=\"}}, \"credHelpers\": {\"x.example\": \"h\"}}\n"

static void test_credentials(void **state)
{
    struct fix *f = *state;
    char *user = NULL;
    assert_ctr_err(ctr_registry_login_user("reg.example:5000", &f->o, &user), -ENOENT);
    assert_ctr_err(ctr_registry_logout("reg.example:5000", &f->o), -ENOENT);
    write_file(f->auth, AUTH_JSON);
    assert_ctr_ok(ctr_registry_login_user("reg.example:5000", &f->o, &user));
    assert_string_equal(user, "user");
    ctr_free(user);
    assert_ctr_ok(ctr_registry_login_user("reg.example:5000/team/app", &f->o, &user));
    assert_string_equal(user, "other"); /* the most specific entry */
    ctr_free(user);
    assert_ctr_err(ctr_registry_login_user(NULL, &f->o, &user), -EINVAL);
    assert_ctr_err(ctr_registry_login_user("reg.example:5000", &f->o, NULL), -EINVAL);

    assert_ctr_ok(ctr_registry_logout("reg.example:5000", &f->o));
    char *text = read_file(f->auth);
    assert_non_null(text);
    assert_null(strstr(text, "dXNlcjpzZWNyZXQ="));
    assert_non_null(strstr(text, "b3RoZXI6cHc="));  /* the other entry kept */
    assert_non_null(strstr(text, "credHelpers"));   /* and the keys it does not know */
    struct stat st;
    assert_int_equal(stat(f->auth, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    assert_ctr_ok(ctr_registry_login_user("reg.example:5000/team", &f->o, &user));
    ctr_free(user);
    assert_ctr_ok(ctr_registry_logout(NULL, &f->o)); /* all */
    assert_ctr_err(ctr_registry_login_user("reg.example:5000/team", &f->o, &user), -ENOENT);

    user = NULL;
    write_file(f->auth, "{\"auths\": {\"reg.example\": {\"auth\": \"!!!\"}}}");
    assert_ctr_err(ctr_registry_login_user("reg.example", &f->o, &user), -EINVAL);
    write_file(f->auth, "{\"auths\": ");
    assert_ctr_err(ctr_registry_login_user("reg.example", &f->o, &user), -EINVAL);
    assert_null(user);
}

static void test_login_args(void **state)
{
    struct fix *f = *state;
    assert_ctr_err(ctr_registry_login(NULL, "u", "p", &f->o), -EINVAL);
    assert_ctr_err(ctr_registry_login("127.0.0.1:1", NULL, "p", &f->o), -EINVAL);
    assert_ctr_err(ctr_registry_login("127.0.0.1:1", "u", NULL, &f->o), -EINVAL);
    /* Nothing listens there: the error names the failure, nothing is stored. */
    write_file(f->conf, "unqualified-search-registries = []\n");
    ctr_registry_options_t o = f->o;
    o.tls_verify = CTR_TLS_NO_VERIFY;
    assert_ctr_err(ctr_registry_login("127.0.0.1:1", "u", "p", &o), -ECONNREFUSED);
    assert_null(read_file(f->auth));
}

static int cancel_at_once(const ctr_transfer_progress_t *p, void *userdata)
{
    (void)p;
    ++*(int *)userdata;
    return 1;
}

static void test_pull_no_network(void **state)
{
    struct fix *f = *state;
    ctr_image_t *img = NULL;
    write_file(f->conf, "unqualified-search-registries = [\"127.0.0.1:1\"]\n");
    ctr_registry_options_t o = f->o;
    o.pull_policy = CTR_PULL_NEVER;
    assert_ctr_err(ctr_image_pull_policy(f->rt, "127.0.0.1:1/a/b:1", &o, &img), -ENOENT);
    o.pull_policy = CTR_PULL_MISSING;
    o.tls_verify = CTR_TLS_NO_VERIFY;
    assert_ctr_err(ctr_image_pull_policy(f->rt, "127.0.0.1:1/a/b:1", &o, &img), -ECONNREFUSED);
    assert_ctr_err(ctr_image_pull(f->rt, "busybox", &o, &img), -ECONNREFUSED);
    assert_non_null(strstr(ctr_error_last()->message, "127.0.0.1:1"));
    int calls = 0;
    o.progress = cancel_at_once;
    o.progress_userdata = &calls;
    assert_ctr_err(ctr_image_pull(f->rt, "127.0.0.1:1/a/b:1", &o, &img), -ECANCELED);
    assert_int_equal(calls, 1);
    volatile int cancel = 1;
    o.progress = NULL;
    o.cancel = &cancel;
    assert_ctr_err(ctr_image_pull(f->rt, "127.0.0.1:1/a/b:1", &o, &img), -ECANCELED);
    assert_ctr_err(ctr_image_pull(NULL, "a/b", &f->o, &img), -EINVAL);
    assert_ctr_err(ctr_image_pull(f->rt, NULL, &f->o, &img), -EINVAL);
    assert_ctr_err(ctr_image_pull(f->rt, "UPPER/..", &f->o, &img), -EINVAL);
    assert_null(img);
    ctr_image_t **list = NULL;
    size_t n = 9;
    assert_ctr_ok(ctr_image_list(f->rt, &list, &n));
    assert_int_equal(n, 0);
    ctr_image_list_free(list, n);
}

/* An image of a one-file root file system tarball. */
static ctr_image_t *tiny_image(struct fix *f)
{
    char cmd[512], tar[160];
    snprintf(tar, sizeof tar, "%s/rootfs.tar", f->root.root);
    snprintf(cmd, sizeof cmd, "set -e; d=%s/rootfs; mkdir -p $d; echo hi >$d/hello; tar -C $d -cf %s .",
             f->root.root, tar);
    assert_int_equal(system(cmd), 0);
    char ref[200];
    snprintf(ref, sizeof ref, "tarball:%s", tar);
    ctr_import_options_t io = CTR_IMPORT_OPTIONS_INIT;
    io.reference = ref;
    io.name = "127.0.0.1:1/tiny/image:1";
    ctr_image_t *img = NULL;
    assert_ctr_ok(ctr_image_import(f->rt, &io, &img));
    return img;
}

static void test_push_no_network(void **state)
{
    struct fix *f = *state;
    ctr_image_t *img = tiny_image(f);
    char *digest = NULL;
    write_file(f->conf, "[[registry]]\nlocation = \"blocked.example\"\nblocked = true\n");
    assert_ctr_err(ctr_image_push(NULL, "127.0.0.1:1/a:1", &f->o, &digest), -EINVAL);
    assert_ctr_err(ctr_image_push(img, NULL, &f->o, &digest), -EINVAL);
    assert_ctr_err(ctr_image_push(img, "tiny/image:1", &f->o, &digest), -EINVAL);
    assert_non_null(strstr(ctr_error_last()->message, "fully qualified"));
    assert_ctr_err(ctr_image_push(img, "127.0.0.1:1/a@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
                                  &f->o, &digest), -EINVAL);
    assert_ctr_err(ctr_image_push(img, "Not A Reference", &f->o, &digest), -EINVAL);
    assert_ctr_err(ctr_image_push(img, "blocked.example/a:1", &f->o, &digest), -EPERM);
    ctr_registry_options_t o = f->o;
    o.tls_verify = CTR_TLS_NO_VERIFY;
    assert_ctr_err(ctr_image_push(img, "docker://127.0.0.1:1/a:1", &o, &digest), -ECONNREFUSED);
    o.flags = 2;
    assert_ctr_err(ctr_image_push(img, "127.0.0.1:1/a:1", &o, &digest), -EINVAL);
    int calls = 0;
    o = f->o;
    o.tls_verify = CTR_TLS_NO_VERIFY;
    o.progress = cancel_at_once;
    o.progress_userdata = &calls;
    assert_ctr_err(ctr_image_push(img, "127.0.0.1:1/a:1", &o, &digest), -ECANCELED);
    assert_int_equal(calls, 1);
    assert_null(digest);
    ctr_image_unref(img);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_options),
        cmocka_unit_test_setup_teardown(test_bad_options, setup, teardown),
        cmocka_unit_test_setup_teardown(test_resolve, setup, teardown),
        cmocka_unit_test_setup_teardown(test_credentials, setup, teardown),
        cmocka_unit_test_setup_teardown(test_login_args, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pull_no_network, setup, teardown),
        cmocka_unit_test_setup_teardown(test_push_no_network, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
