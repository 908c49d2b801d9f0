/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Volumes inside: names, options and their mount arguments, the record's
 * JSON (and damaged records), podman's inspect document, filters; the data
 * directories and the copy-up (storage/volume-dir.c) on a scratch root. */
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
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "base/util.h"
#include "data/volume.h"
#include "storage/volume-dir.h"

static void test_names(void **state)
{
    (void)state;
    static const char *const good[] = { "a", "data", "my-vol_1.2", "0abc", "A.b-c_d" };
    for (size_t i = 0; i < ARRAY_SIZE(good); i++)
        assert_int_equal(ctr__volume_check_name(good[i]), 0);
    static const char *const bad[] = { "", "a/b", "/abs", "-x", ".x", "_x", "a b", "a\nb", "ä" };
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        assert_int_equal(ctr__volume_check_name(bad[i]), -EINVAL);
        assert_true(ctr_error_last()->message[0] != '\0');
    }
    char longname[300];
    memset(longname, 'a', 256);
    longname[256] = '\0';
    assert_int_equal(ctr__volume_check_name(longname), -EINVAL);
    longname[255] = '\0';
    assert_int_equal(ctr__volume_check_name(longname), 0);
}

static void test_options(void **state)
{
    (void)state;
    assert_int_equal(ctr__volume_check(NULL, NULL, NULL), 0);
    assert_int_equal(ctr__volume_check("local", (const char *[]){ "a=1", "b=", NULL }, NULL), 0);
    assert_int_equal(ctr__volume_check("nfs", NULL, NULL), -EOPNOTSUPP);
    assert_int_equal(ctr__volume_check(NULL, (const char *[]){ "novalue", NULL }, NULL), -EINVAL);
    assert_int_equal(ctr__volume_check(NULL, NULL, (const char *[]){ "color=red", NULL }), -EINVAL);
    assert_int_equal(ctr__volume_check(NULL, NULL, (const char *[]){ "type=tmpfs", "type=bind", NULL }), -EINVAL);
    assert_int_equal(ctr__volume_check(NULL, NULL, (const char *[]){ "type=bind", "device=/no/such", NULL }), -EINVAL);
    assert_int_equal(ctr__volume_check(NULL, NULL, (const char *[]){ "type=bind", "device=/tmp", NULL }), 0);
    /* o= without a type or bind: mount(2) would not know what to mount. */
    assert_int_equal(ctr__volume_check(NULL, NULL, (const char *[]){ "o=size=1m", NULL }), -EINVAL);
    assert_int_equal(ctr__volume_check(NULL, NULL, (const char *[]){ "type=ext4", NULL }), -EINVAL);
    assert_int_equal(ctr__volume_check(NULL, NULL, (const char *[]){ "uid=1", "gid=2", "nocopy=true", NULL }), 0);
}

static void mount_args(const char *const *opts, int want, const char *type, const char *device, unsigned long flags,
                       const char *data)
{
    struct ctr__volume v = { .options = (char **)opts };
    const char *t = (const char *)0x1, *d = (const char *)0x1;
    unsigned long f = 0;
    char *s = NULL;
    assert_int_equal(ctr__volume_mount_args(&v, &t, &d, &f, &s), want);
    if (want != 1)
        return;
    if (type)
        assert_string_equal(t, type);
    else
        assert_null(t);
    assert_string_equal(d, device);
    assert_int_equal(f, flags);
    assert_string_equal(s, data);
    free(s);
}

static void test_mount_args(void **state)
{
    (void)state;
    mount_args((const char *[]){ "uid=1", NULL }, 0, NULL, NULL, 0, NULL);
    mount_args((const char *[]){ "device=tmpfs", "o=size=10m,nosuid,mode=0700", "type=tmpfs", NULL }, 1, "tmpfs",
               "tmpfs", MS_NOSUID, "size=10m,mode=0700");
    mount_args((const char *[]){ "type=tmpfs", NULL }, 1, "tmpfs", "tmpfs", 0, "");
    mount_args((const char *[]){ "device=/srv", "o=bind,ro", "type=none", NULL }, 1, NULL, "/srv", MS_BIND | MS_RDONLY,
               "");
    mount_args((const char *[]){ "device=/srv", "o=rbind", NULL }, 1, NULL, "/srv", MS_BIND | MS_REC, "");
    mount_args((const char *[]){ "device=/srv", "type=bind", NULL }, 1, NULL, "/srv", MS_BIND, "");
    mount_args((const char *[]){ "device=/dev/sdz1", "o=noatime,timeout=3,noquota", "type=ext4", NULL }, 1, "ext4",
               "/dev/sdz1", MS_NOATIME, "");
    mount_args((const char *[]){ "type=bind", NULL }, -EINVAL, NULL, NULL, 0, NULL);
}

static void test_json(void **state)
{
    (void)state;
    struct ctr__volume v, w;
    assert_int_equal(ctr__volume_init(&v, "vol", (const char *[]){ "z=1", "a=2", NULL },
                                      (const char *[]){ "type=tmpfs", NULL }, true, 1234567890123456789LL),
                     0);
    assert_string_equal(v.labels[0], "a=2");
    char *js = NULL;
    assert_int_equal(ctr__volume_to_json(&v, &js), 0);
    assert_int_equal(ctr__volume_from_json(js, &w), 0);
    assert_string_equal(w.name, "vol");
    assert_string_equal(w.driver, "local");
    assert_string_equal(w.labels[1], "z=1");
    assert_string_equal(w.options[0], "type=tmpfs");
    assert_int_equal(w.created, 1234567890123456789LL);
    assert_true(w.anonymous);
    assert_true(w.needs_copy_up);
    ctr__volume_clear(&w);
    free(js);

    json_object *doc = NULL;
    assert_int_equal(ctr__volume_inspect(&v, "/r/volumes/vol/_data", 2, &doc), 0);
    assert_string_equal(json_object_get_string(json_object_object_get(doc, "CreatedAt")), "2009-02-13T23:31:30.123456789Z");
    assert_int_equal(json_object_get_int(json_object_object_get(doc, "MountCount")), 2);
    assert_true(json_object_get_boolean(json_object_object_get(doc, "Anonymous")));
    assert_string_equal(json_object_get_string(json_object_object_get(json_object_object_get(doc, "Labels"), "z")), "1");
    json_object_put(doc);
    ctr__volume_clear(&v);

    /* Damaged or foreign records: -EUCLEAN, nothing half-filled. */
    static const char *const bad[] = {
        "", "[]", "{", "{}", "{\"version\":1}", "{\"version\":1,\"name\":\"a/b\",\"driver\":\"local\"}",
        "{\"version\":1,\"name\":\"a\",\"driver\":\"local\",\"labels\":[]}",
        "{\"version\":1,\"name\":\"a\",\"driver\":\"local\",\"labels\":{\"k\":1}}",
        "{\"version\":1,\"name\":\"a\",\"driver\":\"local\",\"created\":\"x\"}",
        "{\"version\":\"1\",\"name\":\"a\",\"driver\":\"local\"}",
    };
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        memset(&w, 0x5a, sizeof w);
        int r = ctr__volume_from_json(bad[i], &w);
        if (r != -EUCLEAN)
            fail_msg("record %s: %d, not -EUCLEAN", bad[i], r);
    }
    assert_int_equal(ctr__volume_from_json("{\"version\":9,\"name\":\"a\",\"driver\":\"local\"}", &w),
                     -EPROTONOSUPPORT);
    /* The smallest record that is one. */
    assert_int_equal(ctr__volume_from_json("{\"version\":1,\"name\":\"a\",\"driver\":\"local\"}", &w), 0);
    assert_non_null(w.labels);
    assert_null(w.labels[0]);
    ctr__volume_clear(&w);
}

static void test_filters(void **state)
{
    (void)state;
    struct ctr__volume v;
    assert_int_equal(ctr__volume_init(&v, "web-data", (const char *[]){ "app=web", "tier=", NULL },
                                      (const char *[]){ "type=tmpfs", NULL }, false, ctr__now_ns() - 3600LL * 1000000000),
                     0);
    assert_int_equal(ctr__volume_filters_check((const char *[]){ "name=web", "label=app", "dangling=1", NULL }, false),
                     0);
    assert_int_equal(ctr__volume_filters_check((const char *[]){ "nope=1", NULL }, false), -EINVAL);
    assert_int_equal(ctr__volume_filters_check((const char *[]){ "name", NULL }, false), -EINVAL);
    assert_int_equal(ctr__volume_filters_check((const char *[]){ "name=(", NULL }, false), -EINVAL);
    assert_int_equal(ctr__volume_filters_check((const char *[]){ "dangling=yes", NULL }, false), -EINVAL);
    assert_int_equal(ctr__volume_filters_check((const char *[]){ "until=soon", NULL }, false), -EINVAL);
    assert_int_equal(ctr__volume_filters_check((const char *[]){ "name=x", NULL }, true), -EINVAL);
    assert_int_equal(ctr__volume_filters_check((const char *[]){ "label=a", "until=10m", NULL }, true), 0);
    struct {
        const char *f;
        bool dangling, want;
    } cases[] = {
        { "name=web", false, true },      { "name=^data", false, false }, { "name=d.t", false, true },
        { "label=app", false, true },     { "label=app=web", false, true }, { "label=app=db", false, false },
        { "label=tier", false, true },    { "label=nope", false, false }, { "opt=type", false, true },
        { "opt=type=bind", false, false }, { "driver=local", false, true }, { "scope=local", false, true },
        { "dangling=true", true, true },  { "dangling=true", false, false }, { "dangling=0", false, true },
        { "until=10m", false, true },     { "until=2h", false, false },
    };
    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        const char *f[] = { cases[i].f, NULL };
        assert_int_equal(ctr__volume_filters_check(f, false), 0);
        if (ctr__volume_filters_match(&v, f, cases[i].dangling) != cases[i].want)
            fail_msg("filter %s (dangling %d): not %d", cases[i].f, cases[i].dangling, cases[i].want);
    }
    assert_false(ctr__volume_filters_match(&v, (const char *[]){ "label=app", "name=db", NULL }, false));
    assert_true(ctr__volume_filters_match(&v, NULL, false));
    ctr__volume_clear(&v);
}

/* The data directory and the copy-up, on a scratch root. */
static void test_dirs(void **state)
{
    (void)state;
    char root[] = "/tmp/test-volume-XXXXXX";
    assert_non_null(mkdtemp(root));
    struct ctr__settings set = { .root = root };
    assert_int_equal(ctr__volume_dir_create(&set, "v"), 0);
    char *data = ctr__volume_data_path(&set, "v");
    struct stat st;
    assert_int_equal(stat(data, &st), 0);
    assert_int_equal(st.st_mode & 07777, 0755);
    assert_int_equal(ctr__volume_dir_mounted(&set, "v"), 0);

    /* An image tree to copy: a file, a symlink, a subdirectory. */
    char img[256], cmd[2048];
    snprintf(img, sizeof img, "%s/img", root);
    snprintf(cmd, sizeof cmd, "mkdir -p %s/etc/app/sub && echo x > %s/etc/app/f && ln -s f %s/etc/app/l && "
                              "chmod 0711 %s/etc/app",
             img, img, img, img);
    assert_int_equal(system(cmd), 0);
    int rfd = open(img, O_RDONLY | O_DIRECTORY);
    assert_true(rfd >= 0);
    assert_int_equal(ctr__volume_dir_copy_up(&set, "v", rfd, "/nonexistent"), 0);
    assert_int_equal(ctr__volume_dir_copy_up(&set, "v", rfd, "/etc/app"), 1);
    assert_int_equal(stat(data, &st), 0);
    assert_int_equal(st.st_mode & 07777, 0711);
    char p[PATH_MAX], target[16] = "";
    snprintf(p, sizeof p, "%s/l", data);
    assert_int_equal(readlink(p, target, sizeof target - 1), 1);
    /* Not empty any more: no second copy. */
    assert_int_equal(ctr__volume_dir_copy_up(&set, "v", rfd, "/etc/app"), 0);
    /* A symlink out of the image does not lead the copy outside it. */
    snprintf(cmd, sizeof cmd, "ln -s /etc %s/escape", img);
    assert_int_equal(system(cmd), 0);
    assert_int_equal(ctr__volume_dir_create(&set, "w"), 0);
    /* With openat2 the link resolves inside the image (its /etc/app is
     * copied); without it (old kernels, valgrind) the walk refuses links and
     * copies nothing.  Never the host's /etc. */
    int copied = ctr__volume_dir_copy_up(&set, "w", rfd, "/escape/app");
    assert_true(copied == 0 || copied == 1);
    char *wdata = ctr__volume_data_path(&set, "w");
    snprintf(p, sizeof p, "%s/f", wdata);
    assert_int_equal(access(p, F_OK) == 0, copied == 1);
    snprintf(p, sizeof p, "%s/passwd", wdata);
    assert_int_not_equal(access(p, F_OK), 0);
    free(wdata);
    close(rfd);

    char **names = NULL;
    assert_int_equal(ctr__volume_dir_list(&set, &names), 0);
    assert_int_equal(ctr__strv_len((const char *const *)names), 2);
    ctr__strv_free(names);
    assert_int_equal(ctr__volume_dir_remove(&set, "v"), 0);
    assert_int_equal(stat(data, &st), -1);
    assert_int_equal(ctr__volume_dir_remove(&set, "v"), 0);
    free(data);
    assert_int_equal(ctr__rm_rf(root), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_names),   cmocka_unit_test(test_options), cmocka_unit_test(test_mount_args),
        cmocka_unit_test(test_json),    cmocka_unit_test(test_filters), cmocka_unit_test(test_dirs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
