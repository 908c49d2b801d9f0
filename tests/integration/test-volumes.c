/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Named volumes with real containers (runc and conmon on a busybox rootfs),
 * through libctr.so and ctr_mount_t only: data kept across containers and
 * their removal, the copy of the image's content into an empty volume
 * (owners, modes, symlinks) and nocopy, a tmpfs volume mounted while a
 * container runs and unmounted after.  Needs root, runc and conmon; in CI
 * (CI=true) a missing piece fails. */
#include <errno.h>
#include <stdbool.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../api/test-helpers.h"

static struct test_root root;
static char rootfs[128];
static ctr_runtime_t *rt;

/* Run script in a new container with mounts m; its exit code. */
static int run(const char *name, const char *script, const ctr_mount_t *m, size_t n, ctr_container_t **ret)
{
    ctr_container_options_t o = CTR_CONTAINER_OPTIONS_INIT;
    const char *cmd[] = { "/bin/sh", "-c", script, NULL };
    o.rootfs = rootfs;
    o.name = name;
    o.command = cmd;
    o.mounts = m;
    o.n_mounts = n;
    ctr_container_t *c = NULL;
    assert_ctr_ok(ctr_container_create(&c, rt, &o));
    assert_ctr_ok(ctr_container_start(c));
    int code = -100;
    assert_ctr_ok(ctr_container_wait(c, 20000, &code));
    if (ret)
        *ret = c;
    else
        ctr_container_unref(c);
    return code;
}

static void rm(const char *name, uint64_t flags)
{
    assert_ctr_ok(ctr_runtime_remove(rt, name, CTR_REMOVE_FORCE | flags));
}

static char *data_of(const char *volume, const char *file)
{
    char *p = NULL;
    assert_true(asprintf(&p, "%s/volumes/%s/_data%s%s", root.root, volume, file ? "/" : "", file ? file : "") > 0);
    return p;
}

/* Whether PATH is a mount point now, from /proc/self/mountinfo. */
static bool mounted(const char *path)
{
    char cmd[512];
    snprintf(cmd, sizeof cmd, "awk '$5 == \"%s\" { found = 1 } END { exit !found }' /proc/self/mountinfo", path);
    return system(cmd) == 0;
}

static void test_data_kept(void **state)
{
    (void)state;
    ctr_mount_t m[] = { { "volume", "keep", "/data", NULL } };
    assert_int_equal(run("writer", "echo hello > /data/f && mkdir /data/d", m, 1, NULL), 0);
    char *f = data_of("keep", "f");
    char buf[32] = "";
    FILE *fp = fopen(f, "r");
    assert_non_null(fp);
    assert_non_null(fgets(buf, sizeof buf, fp));
    fclose(fp);
    assert_string_equal(buf, "hello\n");
    /* The writer goes; the data stays, and a second container sees it. */
    rm("writer", CTR_REMOVE_VOLUMES);
    assert_int_equal(access(f, F_OK), 0);
    assert_int_equal(run("reader", "test \"$(cat /data/f)\" = hello && test -d /data/d", m, 1, NULL), 0);
    /* In use by an exited container: not removed. */
    assert_ctr_err(ctr_volume_remove(rt, "keep", 0), -EBUSY);
    assert_non_null(strstr(ctr_error_last()->message, "reader"));
    rm("reader", 0);
    assert_ctr_ok(ctr_volume_remove(rt, "keep", 0));
    assert_int_equal(access(f, F_OK), -1);
    free(f);
}

static void test_copy_up(void **state)
{
    (void)state;
    /* What the image has at the destination: a file of its own owner and
     * mode, a symlink, a subdirectory. */
    char cmd[1024];
    snprintf(cmd, sizeof cmd,
             "set -e; d=%s/seed; mkdir -p $d/sub; echo seeded > $d/file; chown 123:456 $d/file; chmod 0640 $d/file; "
             "ln -sf file $d/link; chmod 0750 $d; chown 7:8 $d; echo deep > $d/sub/x",
             rootfs);
    assert_int_equal(system(cmd), 0);
    ctr_mount_t m[] = { { "volume", "seeded", "/seed", NULL } };
    assert_int_equal(run("copier", "test \"$(cat /seed/file)\" = seeded && test -L /seed/link && "
                                   "test \"$(cat /seed/sub/x)\" = deep && echo mine > /seed/file",
                         m, 1, NULL),
                     0);
    char *file = data_of("seeded", "file"), *link = data_of("seeded", "link"), *top = data_of("seeded", NULL);
    struct stat st;
    assert_int_equal(stat(file, &st), 0);
    assert_int_equal(st.st_uid, 123);
    assert_int_equal(st.st_gid, 456);
    assert_int_equal(st.st_mode & 07777, 0640);
    char target[64] = "";
    assert_int_equal(readlink(link, target, sizeof target - 1), 4);
    assert_string_equal(target, "file");
    assert_int_equal(stat(top, &st), 0);
    assert_int_equal(st.st_uid, 7);
    assert_int_equal(st.st_mode & 07777, 0750);
    /* Only the first mount copies: the container's write stays. */
    assert_int_equal(run("copier2", "test \"$(cat /seed/file)\" = mine", m, 1, NULL), 0);
    ctr_volume_t *v = NULL;
    char *js = NULL;
    assert_ctr_ok(ctr_volume_lookup(rt, "seeded", &v));
    assert_ctr_ok(ctr_volume_inspect(v, &js));
    assert_null(strstr(js, "NeedsCopyUp"));
    ctr_free(js);
    ctr_volume_unref(v);

    /* nocopy: an empty volume stays empty. */
    const char *nocopy[] = { "nocopy", NULL };
    ctr_mount_t n[] = { { "volume", "empty", "/seed", nocopy } };
    assert_int_equal(run("nocopier", "test -z \"$(ls -A /seed)\"", n, 1, NULL), 0);
    rm("copier", 0);
    rm("copier2", 0);
    rm("nocopier", 0);
    assert_int_equal(ctr_volume_prune(rt, NULL, 0, NULL), 2);
    free(file);
    free(link);
    free(top);
}

static void test_tmpfs(void **state)
{
    (void)state;
    ctr_volume_options_t o = CTR_VOLUME_OPTIONS_INIT;
    const char *opts[] = { "type=tmpfs", "device=tmpfs", "o=size=10m,mode=0700", NULL };
    o.name = "scratch";
    o.options = opts;
    assert_ctr_ok(ctr_volume_create(rt, &o, NULL));
    char *data = data_of("scratch", NULL);
    assert_false(mounted(data));
    ctr_mount_t m[] = { { "volume", "scratch", "/scratch", NULL } };
    ctr_container_t *c = NULL;
    /* Inside, a 10 MiB tmpfs; outside, mounted while the container lives. */
    assert_int_equal(run("tmp1", "grep -q ' /scratch tmpfs .*size=10240k' /proc/mounts && echo x > /scratch/x", m, 1,
                         &c),
                     0);
    /* wait() recorded the exit and cleaned up: nothing uses it, unmounted. */
    assert_false(mounted(data));
    ctr_container_unref(c);
    /* While a container runs it is mounted; its data is the tmpfs's. */
    ctr_container_options_t co = CTR_CONTAINER_OPTIONS_INIT;
    const char *cmd[] = { "/bin/sh", "-c", "echo y > /scratch/y; sleep 30", NULL };
    co.rootfs = rootfs;
    co.name = "tmp2";
    co.command = cmd;
    co.mounts = m;
    co.n_mounts = 1;
    assert_ctr_ok(ctr_container_create(&c, rt, &co));
    assert_ctr_ok(ctr_container_start(c));
    assert_true(mounted(data));
    char *js = NULL;
    ctr_volume_t *v = NULL;
    assert_ctr_ok(ctr_volume_lookup(rt, "scratch", &v));
    assert_ctr_ok(ctr_volume_inspect(v, &js));
    assert_non_null(strstr(js, "\"MountCount\":1"));
    ctr_free(js);
    ctr_volume_unref(v);
    assert_ctr_ok(ctr_container_stop(c, 1));
    assert_false(mounted(data));
    ctr_container_unref(c);
    /* The tmpfs's data went with it. */
    char *x = data_of("scratch", "x");
    assert_int_equal(access(x, F_OK), -1);
    free(x);
    rm("tmp1", 0);
    rm("tmp2", 0);
    assert_ctr_ok(ctr_volume_remove(rt, "scratch", 0));
    free(data);
}

static void test_anonymous(void **state)
{
    (void)state;
    ctr_mount_t m[] = { { "volume", NULL, "/anon", NULL } };
    assert_int_equal(run("anon", "echo a > /anon/a", m, 1, NULL), 0);
    ctr_volume_t **list = NULL;
    size_t n = 0;
    assert_ctr_ok(ctr_volume_list(rt, NULL, &list, &n));
    assert_int_equal(n, 1);
    assert_int_equal(ctr_volume_anonymous(list[0]), 1);
    char *a = data_of(ctr_volume_name(list[0]), "a");
    assert_int_equal(access(a, F_OK), 0);
    ctr_volume_list_free(list, n);
    rm("anon", CTR_REMOVE_VOLUMES);
    assert_int_equal(access(a, F_OK), -1);
    assert_ctr_ok(ctr_volume_list(rt, NULL, &list, &n));
    assert_int_equal(n, 0);
    ctr_volume_list_free(list, n);
    free(a);
}

static int group_setup(void **state)
{
    (void)state;
    const char *src = getenv("SOURCE_ROOT");
    bool ci = getenv("CI") && strcmp(getenv("CI"), "true") == 0;
    if (geteuid() != 0 || access("/usr/sbin/runc", X_OK) != 0 || access("/usr/bin/conmon", X_OK) != 0) {
        fprintf(stderr, "volumes: needs root, runc and conmon%s\n", ci ? " (CI: failing)" : " (skipping)");
        exit(ci ? 1 : 77);
    }
    test_root_make(&root);
    snprintf(rootfs, sizeof rootfs, "%s/rootfs", root.root);
    char cmd[512];
    snprintf(cmd, sizeof cmd, "%s/tests/lib/make-rootfs.sh %s", src ? src : ".", rootfs);
    if (system(cmd) != 0)
        return -1;
    rt = test_runtime(&root, getenv("CTR_TEST_BACKEND") ? getenv("CTR_TEST_BACKEND") : "files");
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    ctr_runtime_unref(rt);
    char cmd[300];
    /* Nothing of ours may be left mounted. */
    snprintf(cmd, sizeof cmd, "grep -q '%s' /proc/self/mountinfo", root.root);
    bool left = system(cmd) == 0;
    test_root_remove(&root);
    if (left)
        fail_msg("mounts under %s were left", root.root);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_data_kept),
        cmocka_unit_test(test_copy_up),
        cmocka_unit_test(test_tmpfs),
        cmocka_unit_test(test_anonymous),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
