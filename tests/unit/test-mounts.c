/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A container's mounts (data/mounts.c): the check, podman's normalization,
 * the config document's round trip, inspect's view, the OCI mounts in the
 * generated spec; and the walk of a destination in a root file system
 * (base/root-path.c). */
#include <errno.h>
#include <json-c/json.h>
#include <libctr/ctr-error.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "base/root-path.h"
#include "base/util.h"
#include "data/config.h"
#include "data/mounts.h"
#include "data/spec.h"

static char tmpdir[] = "/tmp/libctr-test-mounts-XXXXXX";
static char src[PATH_MAX], fifo[PATH_MAX], root[PATH_MAX];
static char flagged[PATH_MAX]; /* a nosuid,nodev,noexec tmpfs; "" when not root */

#define OPTS(...) ((const char *const[]){ __VA_ARGS__, NULL })

static int setup(void **state)
{
    (void)state;
    if (!mkdtemp(tmpdir))
        return -1;
    snprintf(src, sizeof src, "%s/src", tmpdir);
    snprintf(fifo, sizeof fifo, "%s/fifo", tmpdir);
    snprintf(root, sizeof root, "%s/root", tmpdir);
    char path[PATH_MAX + 32];
    snprintf(path, sizeof path, "%s/etc/sub", root);
    if (mkdir(src, 0755) < 0 || mkfifo(fifo, 0600) < 0 || ctr__mkdir_p(path, 0755) < 0)
        return -1;
    static const struct {
        const char *name, *target;
    } links[] = {
        { "up", "../../../.." },  { "abs", "/../../etc" }, { "in", "/etc" },     { "rel", "etc/sub" },
        { "loop", "loop" },       { "dot", "./etc/../etc" }, { "deep", "etc/sub/../../../x" },
        { "etc/sub/back", "../../in" },
    };
    for (size_t i = 0; i < ARRAY_SIZE(links); i++) {
        snprintf(path, sizeof path, "%s/%s", root, links[i].name);
        if (symlink(links[i].target, path) < 0)
            return -1;
    }
    if (geteuid() == 0) {
        snprintf(flagged, sizeof flagged, "%s/flagged", tmpdir);
        if (mkdir(flagged, 0755) < 0 || mount("tmpfs", flagged, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
            return -1;
    }
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    if (flagged[0])
        umount2(flagged, MNT_DETACH);
    return ctr__rm_rf(tmpdir);
}

/* Check, and on success copy, one mount. */
static int check1(ctr_mount_t m)
{
    ctr_container_options_t o = CTR_CONTAINER_OPTIONS_INIT;
    o.mounts = &m;
    o.n_mounts = 1;
    return ctr__mounts_check(&o);
}

static void assert_fails(ctr_mount_t m, int code, const char *text)
{
    int r = check1(m);
    assert_int_equal(r, code);
    if (!strstr(ctr_error_last()->message, text))
        fail_msg("message [%s] does not have [%s]", ctr_error_last()->message, text);
}

/* The normalized options of one mount, joined with ",". */
static char *normalized(ctr_mount_t m)
{
    ctr_container_options_t o = CTR_CONTAINER_OPTIONS_INIT;
    o.mounts = &m;
    o.n_mounts = 1;
    assert_int_equal(ctr__mounts_check(&o), 0);
    struct ctr__mounts ms;
    assert_int_equal(ctr__mounts_copy(&o, &ms), 0);
    assert_int_equal(ms.n, 1);
    struct ctr__buf b = { 0 };
    for (char **p = ms.v[0].options; *p; p++)
        ctr__buf_printf(&b, "%s%s", p == ms.v[0].options ? "" : ",", *p);
    char *s = NULL;
    assert_int_equal(ctr__buf_finish(&b, &s), 0);
    ctr__mounts_clear(&ms);
    return s;
}

#define assert_normalized(m, want)          \
    do {                                    \
        char *got_ = normalized(m);         \
        assert_string_equal(got_, want);    \
        free(got_);                         \
    } while (0)

/* ---- the check ---- */

static void test_check(void **state)
{
    (void)state;
    assert_int_equal(check1((ctr_mount_t){ NULL, src, "/data", NULL }), 0);
    assert_int_equal(check1((ctr_mount_t){ "tmpfs", NULL, "/t", OPTS("size=10m", "mode=1777") }), 0);
    assert_int_equal(check1((ctr_mount_t){ "volume", NULL, "/v", NULL }), 0);
    assert_int_equal(check1((ctr_mount_t){ "devpts", NULL, "/dp", OPTS("uid=5", "gid=5", "mode=620") }), 0);
    assert_fails((ctr_mount_t){ "ramfs", NULL, "/x", NULL }, -EINVAL, "invalid filesystem type \"ramfs\"");
    assert_fails((ctr_mount_t){ "tmpfs", NULL, "x", NULL }, -EINVAL, "must be an absolute path");
    assert_fails((ctr_mount_t){ "tmpfs", NULL, NULL, NULL }, -EINVAL, "must set the mount destination");
    assert_fails((ctr_mount_t){ "tmpfs", NULL, "/a/..", NULL }, -EINVAL, "cannot cover the root");
    assert_fails((ctr_mount_t){ "tmpfs", NULL, "/a\nb", NULL }, -EINVAL, "invalid container path");
    assert_fails((ctr_mount_t){ "bind", "/nonexistent", "/x", NULL }, -ENOENT,
                 "statfs /nonexistent: no such file or directory");
    assert_fails((ctr_mount_t){ "bind", NULL, "/x", NULL }, -EINVAL, "needs a source");
    assert_fails((ctr_mount_t){ "bind", "rel", "/x", NULL }, -EINVAL, "absolute host path");
    assert_fails((ctr_mount_t){ "bind", fifo, "/x", NULL }, -EINVAL, "is a FIFO");
    assert_fails((ctr_mount_t){ "bind", "/dev/null", "/x", NULL }, -EINVAL, "is a character device");
    assert_fails((ctr_mount_t){ "volume", "a/b", "/x", NULL }, -EINVAL, "invalid volume name \"a/b\"");
    assert_fails((ctr_mount_t){ "bind", src, "/x", OPTS("foo") }, -EINVAL, "unknown mount option \"foo\"");
    assert_fails((ctr_mount_t){ "bind", src, "/x", OPTS("ro", "rw") }, -EINVAL, "only one of 'rw' and 'ro'");
    assert_fails((ctr_mount_t){ "bind", src, "/x", OPTS("shared", "rslave") }, -EINVAL, "the propagations");
    assert_fails((ctr_mount_t){ "bind", src, "/x", OPTS("nosuid", "suid") }, -EINVAL, "'nosuid' and 'suid'");
    assert_fails((ctr_mount_t){ "bind", src, "/x", OPTS("bind", "rbind") }, -EINVAL, "'rbind' and 'bind'");
    assert_fails((ctr_mount_t){ "bind", src, "/x", OPTS("size=1m") }, -EINVAL, "not allowed with bind mounts");
    assert_fails((ctr_mount_t){ "tmpfs", NULL, "/x", OPTS("rbind") }, -EINVAL, "not allowed with tmpfs");
    assert_fails((ctr_mount_t){ "tmpfs", NULL, "/x", OPTS("size=12q") }, -EINVAL, "invalid size \"12q\"");
    assert_fails((ctr_mount_t){ "tmpfs", NULL, "/x", OPTS("size=") }, -EINVAL, "invalid size");
    assert_fails((ctr_mount_t){ "tmpfs", NULL, "/x", OPTS("size") }, -EINVAL, "unknown mount option");
    assert_fails((ctr_mount_t){ "tmpfs", NULL, "/x", OPTS("mode=99") }, -EINVAL, "invalid mode \"99\"");
    assert_fails((ctr_mount_t){ "tmpfs", NULL, "/x", OPTS("mode=17777") }, -EINVAL, "invalid mode");
    assert_fails((ctr_mount_t){ "tmpfs", NULL, "/x", OPTS("size=1m", "size=2m") }, -EINVAL, "the tmpfs sizes");
    assert_fails((ctr_mount_t){ "tmpfs", NULL, "/x", OPTS("a,b") }, -EINVAL, "invalid mount option");
    assert_fails((ctr_mount_t){ "bind", src, "/x", OPTS("idmap") }, -EOPNOTSUPP, "idmap option");
    assert_fails((ctr_mount_t){ "bind", src, "/x", OPTS("idmap=uids=0-1-2") }, -EOPNOTSUPP, "idmap option");
    assert_fails((ctr_mount_t){ "bind", src, "/x", OPTS("U") }, -EOPNOTSUPP, "the U option");
    assert_fails((ctr_mount_t){ "bind", src, "/x", OPTS("O") }, -EOPNOTSUPP, "the O option");
    assert_fails((ctr_mount_t){ "devpts", NULL, "/x", OPTS("ro") }, -EINVAL, "not allowed with devpts");

    /* Duplicates: refused unless the very same mount (podman drops the repeat). */
    ctr_mount_t two[] = { { "bind", src, "/x", NULL }, { "tmpfs", NULL, "/x/", NULL } };
    ctr_container_options_t o = CTR_CONTAINER_OPTIONS_INIT;
    o.mounts = two;
    o.n_mounts = 2;
    assert_int_equal(ctr__mounts_check(&o), -EINVAL);
    assert_string_equal(ctr_error_last()->message, "/x: duplicate mount destination");
    two[1] = (ctr_mount_t){ NULL, src, "//x", NULL };
    assert_int_equal(ctr__mounts_check(&o), 0);
    struct ctr__mounts ms;
    assert_int_equal(ctr__mounts_copy(&o, &ms), 0);
    assert_int_equal(ms.n, 1);
    assert_string_equal(ms.destinations[0], "/x");
    assert_null(ms.destinations[1]);
    ctr__mounts_clear(&ms);
    o.mounts = NULL;
    assert_int_equal(ctr__mounts_check(&o), -EINVAL);
}

/* podman 4.3's lists for the same flags (see tests/integration/test-ctrctl-mounts.sh). */
static void test_normalize(void **state)
{
    (void)state;
    assert_normalized(((ctr_mount_t){ NULL, src, "/d", OPTS("ro") }), "ro,rprivate,rbind");
    assert_normalized(((ctr_mount_t){ "bind", src, "/d", NULL }), "rw,rprivate,rbind");
    assert_normalized(((ctr_mount_t){ "bind", src, "/d", OPTS("ro", "shared") }), "ro,shared,rbind");
    assert_normalized(((ctr_mount_t){ "bind", src, "/d", OPTS("z", "nosuid", "noexec", "nodev") }),
                      "z,nosuid,noexec,nodev,rw,rprivate,rbind");
    assert_normalized(((ctr_mount_t){ "bind", src, "/d", OPTS("Z", "rslave") }), "Z,rslave,rw,rbind");
    assert_normalized(((ctr_mount_t){ "bind", src, "/d", OPTS("bind") }), "bind,rw,rprivate");
    assert_normalized(((ctr_mount_t){ "bind", src, "/d", OPTS("nocopy", "cached") }), "nocopy,rw,rprivate,rbind");
    /* The source's mount flags, as podman takes them from statfs(): a
     * tmpfs of our own (as root) mounted nosuid, nodev, noexec. */
    if (flagged[0]) {
        assert_normalized(((ctr_mount_t){ "bind", flagged, "/d", NULL }), "rw,rprivate,noexec,nosuid,nodev,rbind");
        assert_normalized(((ctr_mount_t){ "bind", flagged, "/d", OPTS("exec") }), "exec,rw,rprivate,nosuid,nodev,rbind");
    }
    assert_normalized(((ctr_mount_t){ "volume", "v1", "/d", OPTS("ro") }), "ro,rprivate,nosuid,nodev,rbind");
    assert_normalized(((ctr_mount_t){ "volume", "v1", "/d", OPTS("nosuid", "exec") }),
                      "nosuid,exec,rw,rprivate,nodev,rbind");
    assert_normalized(((ctr_mount_t){ "tmpfs", NULL, "/s", OPTS("size=10m") }),
                      "size=10m,rw,rprivate,nosuid,nodev,tmpcopyup");
    assert_normalized(((ctr_mount_t){ "tmpfs", NULL, "/s", OPTS("ro", "size=1g", "mode=1777") }),
                      "ro,size=1g,mode=1777,rprivate,nosuid,nodev,tmpcopyup");
    assert_normalized(((ctr_mount_t){ "tmpfs", NULL, "/s", OPTS("exec", "suid", "dev") }),
                      "exec,suid,dev,rw,rprivate,tmpcopyup");
    assert_normalized(((ctr_mount_t){ "tmpfs", NULL, "/s", OPTS("rshared") }), "rshared,rw,nosuid,nodev,tmpcopyup");
    assert_normalized(((ctr_mount_t){ "tmpfs", NULL, "/s", OPTS("notmpcopyup") }), "rw,rprivate,nosuid,nodev");
    assert_normalized(((ctr_mount_t){ "tmpfs", NULL, "/s", OPTS("tmpcopyup", "noexec") }),
                      "tmpcopyup,noexec,rw,rprivate,nosuid,nodev");
    assert_normalized(((ctr_mount_t){ "devpts", NULL, "/dp", NULL }), "");
    assert_normalized(((ctr_mount_t){ "devpts", NULL, "/dp", OPTS("uid=5", "gid=5", "mode=620") }),
                      "uid=5,gid=5,mode=620");
}

static struct ctr__mounts sample(void)
{
    static ctr_mount_t v[4];
    v[0] = (ctr_mount_t){ "bind", src, "/data/", OPTS("ro", "shared", "z") };
    v[1] = (ctr_mount_t){ "volume", "", "/anon", NULL };
    v[2] = (ctr_mount_t){ "tmpfs", NULL, "/scratch", OPTS("size=10m", "mode=1777") };
    v[3] = (ctr_mount_t){ "devpts", NULL, "/dp", NULL };
    ctr_container_options_t o = CTR_CONTAINER_OPTIONS_INIT;
    o.mounts = v;
    o.n_mounts = 4;
    assert_int_equal(ctr__mounts_check(&o), 0);
    struct ctr__mounts ms;
    assert_int_equal(ctr__mounts_copy(&o, &ms), 0);
    return ms;
}

static void test_json(void **state)
{
    (void)state;
    struct ctr__mounts ms = sample(), back;
    assert_true(ms.v[1].anonymous);
    assert_int_equal(strlen(ms.v[1].source), 64);
    assert_string_equal(ms.v[0].destination, "/data");
    json_object *doc = json_object_new_object();
    assert_int_equal(ctr__mounts_to_json(&ms, doc), 0);
    char *text = strdup(json_object_to_json_string(doc));
    assert_int_equal(ctr__mounts_from_json(doc, &back), 0);
    json_object *doc2 = json_object_new_object();
    assert_int_equal(ctr__mounts_to_json(&back, doc2), 0);
    assert_string_equal(text, json_object_to_json_string(doc2));
    assert_int_equal(back.n, 4);
    assert_true(back.v[1].anonymous);
    assert_false(back.v[0].anonymous);
    assert_string_equal(back.destinations[2], "/scratch");
    free(text);
    json_object_put(doc);
    json_object_put(doc2);
    ctr__mounts_clear(&back);

    /* Absent: none (a version-1 record), destinations never NULL. */
    doc = json_object_new_object();
    assert_int_equal(ctr__mounts_from_json(doc, &back), 0);
    assert_int_equal(back.n, 0);
    assert_non_null(back.destinations);
    assert_null(back.destinations[0]);
    ctr__mounts_clear(&back);
    json_object_put(doc);

    static const char *const bad[] = {
        "{\"mounts\": {}}",
        "{\"mounts\": [1]}",
        "{\"mounts\": [{\"type\": \"nfs\", \"source\": \"x\", \"destination\": \"/x\"}]}",
        "{\"mounts\": [{\"type\": \"bind\", \"source\": \"x\", \"destination\": \"/x/../y\"}]}",
        "{\"mounts\": [{\"type\": \"bind\", \"source\": \"x\", \"destination\": \"/\"}]}",
        "{\"mounts\": [{\"type\": \"bind\", \"destination\": \"/x\"}]}",
        "{\"mounts\": [{\"type\": \"bind\", \"source\": \"x\", \"destination\": \"/x\", \"options\": [1]}]}",
    };
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        doc = json_tokener_parse(bad[i]);
        assert_non_null(doc);
        assert_int_equal(ctr__mounts_from_json(doc, &back), -EINVAL);
        ctr__mounts_clear(&back);
        json_object_put(doc);
    }
    ctr__mounts_clear(&ms);
}

static const char *jstr(json_object *o, const char *key)
{
    json_object *v;
    assert_true(json_object_object_get_ex(o, key, &v));
    return json_object_get_string(v);
}

static void test_inspect(void **state)
{
    (void)state;
    struct ctr__mounts ms = sample();
    json_object *in = json_object_new_object(), *host = json_object_new_object(), *v;
    assert_int_equal(ctr__mounts_inspect(&ms, in, host), 0);
    assert_true(json_object_object_get_ex(in, "Mounts", &v));
    assert_int_equal(json_object_array_length(v), 3); /* the tmpfs is in HostConfig.Tmpfs only */
    json_object *vol = json_object_array_get_idx(v, 0), *bind = json_object_array_get_idx(v, 1),
                *dp = json_object_array_get_idx(v, 2);
    assert_string_equal(jstr(vol, "Type"), "volume");
    assert_string_equal(jstr(vol, "Name"), ms.v[1].source);
    assert_string_equal(jstr(vol, "Driver"), "local");
    assert_string_equal(jstr(vol, "Propagation"), "rprivate");
    assert_string_equal(json_object_to_json_string(json_object_object_get(vol, "Options")),
                        "[ \"nosuid\", \"nodev\", \"rbind\" ]");
    assert_string_equal(jstr(bind, "Type"), "bind");
    assert_string_equal(jstr(bind, "Source"), src);
    assert_string_equal(jstr(bind, "Destination"), "/data");
    assert_false(json_object_get_boolean(json_object_object_get(bind, "RW")));
    assert_string_equal(jstr(bind, "Propagation"), "shared");
    assert_string_equal(jstr(bind, "Mode"), "z");
    assert_string_equal(json_object_to_json_string(json_object_object_get(bind, "Options")), "[ \"rbind\" ]");
    assert_string_equal(jstr(dp, "Type"), "bind"); /* as podman shows it */
    assert_string_equal(jstr(dp, "Source"), "devpts");
    assert_string_equal(jstr(dp, "Propagation"), "");
    assert_true(json_object_get_boolean(json_object_object_get(dp, "RW")));

    assert_true(json_object_object_get_ex(host, "Binds", &v));
    assert_int_equal(json_object_array_length(v), 3);
    char want[PATH_MAX + 64];
    snprintf(want, sizeof want, "%s:/data:ro,shared,z,rbind", src);
    assert_string_equal(json_object_get_string(json_object_array_get_idx(v, 1)), want);
    assert_string_equal(json_object_get_string(json_object_array_get_idx(v, 2)), "devpts:/dp");
    assert_true(json_object_object_get_ex(host, "Tmpfs", &v));
    assert_string_equal(jstr(v, "/scratch"), "size=10m,mode=1777,rw,rprivate,nosuid,nodev,tmpcopyup");
    json_object_put(in);
    json_object_put(host);
    ctr__mounts_clear(&ms);
}

/* ---- the walk in the root ---- */

static void assert_resolves(const char *path, const char *want)
{
    char *got = NULL;
    int r = ctr__root_path_resolve(root, path, &got);
    if (r < 0)
        fail_msg("%s: %s", path, ctr_error_last()->message);
    assert_string_equal(got, want);
    free(got);
}

static void assert_escapes(const char *path, int code, const char *text)
{
    char *got = NULL;
    assert_int_equal(ctr__root_path_resolve(root, path, &got), code);
    assert_null(got);
    if (!strstr(ctr_error_last()->message, text))
        fail_msg("message [%s] does not have [%s]", ctr_error_last()->message, text);
}

static void test_resolve(void **state)
{
    (void)state;
    char buf[PATH_MAX];
    static const char *const clean[][2] = {
        { "/", "/" },         { "//a//b/", "/a/b" }, { "/a/./b/.", "/a/b" }, { "/a/../../b", "/b" },
        { "/..", "/" },       { "/a/b/..", "/a" },   { "/.../x", "/.../x" },
    };
    for (size_t i = 0; i < ARRAY_SIZE(clean); i++) {
        assert_true(ctr__path_clean(clean[i][0], buf, sizeof buf) >= 0);
        assert_string_equal(buf, clean[i][1]);
    }
    assert_int_equal(ctr__path_clean("rel", buf, sizeof buf), -1);
    assert_int_equal(ctr__path_clean("/abcdef", buf, 4), -1);

    assert_resolves("/data", "/data");                  /* missing: fine */
    assert_resolves("/missing/a/b", "/missing/a/b");
    assert_resolves("/in/x", "/etc/x");                 /* an absolute link inside the root */
    assert_resolves("/rel/y", "/etc/sub/y");
    assert_resolves("/dot", "/etc");
    assert_resolves("/etc/sub/back/z", "/etc/z");       /* a link to a link */
    assert_escapes("/up/x", -EPERM,
                   "mount destination /up/x: the symbolic link /up -> ../../../.. in the root file system leads out of it");
    assert_escapes("/up", -EPERM, "/up -> ../../../..");
    assert_escapes("/abs/x", -EPERM, "the symbolic link /abs -> /../../etc");
    assert_escapes("/deep", -EPERM, "/deep -> etc/sub/../../../x");
    assert_escapes("/loop/x", -ELOOP, "too many levels of symbolic links");
    assert_escapes("rel", -EINVAL, "not an absolute path");
}

/* ---- in the generated spec ---- */

static json_object *find_mount(json_object *spec, const char *dest, size_t *ret_index)
{
    json_object *arr = json_object_object_get(spec, "mounts"), *found = NULL;
    size_t n = json_object_array_length(arr), count = 0;
    for (size_t i = 0; i < n; i++) {
        json_object *m = json_object_array_get_idx(arr, i);
        if (streq(jstr(m, "destination"), dest)) {
            found = m;
            count++;
            if (ret_index)
                *ret_index = i;
        }
    }
    assert_true(count <= 1);
    return found;
}

static void test_spec(void **state)
{
    (void)state;
    ctr_mount_t v[] = {
        { "bind", src, "/a/b", OPTS("ro", "Z") },
        { "tmpfs", NULL, "/a", NULL },
        { "tmpfs", NULL, "/dev/shm", OPTS("size=1m") },
        { "volume", "data", "/vol", OPTS("nocopy") },
        { "devpts", NULL, "/dp", NULL },
    };
    ctr_container_options_t o = CTR_CONTAINER_OPTIONS_INIT;
    o.mounts = v;
    o.n_mounts = ARRAY_SIZE(v);
    assert_int_equal(ctr__mounts_check(&o), 0);
    static char *empty[] = { NULL };
    struct ctr__config cfg = { .id = (char *)"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
                               .command = empty, .env = empty, .stop_signal = 15 };
    assert_int_equal(ctr__mounts_copy(&o, &cfg.mounts), 0);
    const char *const sources[] = { NULL, NULL, NULL, "/srv/volumes/data/_data", NULL };
    const char *const extra[] = { "{\"destination\": \"/vol\", \"type\": \"bind\", \"source\": \"/img\"}",
                                  "{\"destination\": \"/other\", \"type\": \"bind\", \"source\": \"/img\"}", NULL };
    struct ctr__spec_ctx ctx = { .rootfs = root, .mount_sources = sources, .extra_mounts_json = extra };
    char *json = NULL;
    assert_int_equal(ctr__spec_generate(&cfg, &ctx, &json), 0);
    json_object *spec = json_tokener_parse(json);
    assert_non_null(spec);
    size_t ia = 0, iab = 0, ishm = 0, idev = 0;
    json_object *m = find_mount(spec, "/a/b", &iab);
    assert_non_null(find_mount(spec, "/a", &ia));
    assert_true(ia < iab); /* parents first */
    assert_string_equal(json_object_to_json_string(json_object_object_get(m, "options")),
                        "[ \"ro\", \"rprivate\", \"rbind\" ]");
    m = find_mount(spec, "/dev/shm", &ishm); /* the user's replaces the default, in its place */
    assert_non_null(find_mount(spec, "/dev", &idev));
    assert_true(idev < ishm && ishm < ia);
    assert_string_equal(jstr(m, "type"), "tmpfs");
    assert_string_equal(jstr(m, "source"), "tmpfs");
    m = find_mount(spec, "/vol", NULL); /* the config's volume, not the image's */
    assert_string_equal(jstr(m, "type"), "bind");
    assert_string_equal(jstr(m, "source"), "/srv/volumes/data/_data");
    assert_non_null(find_mount(spec, "/other", NULL));
    m = find_mount(spec, "/dp", NULL);
    assert_string_equal(jstr(m, "type"), "devpts");
    assert_null(json_object_object_get(m, "options")); /* as podman: none */
    json_object_put(spec);
    free(json);

    /* A volume without its host directory; a destination that escapes. */
    ctx.mount_sources = NULL;
    assert_int_equal(ctr__spec_generate(&cfg, &ctx, &json), -EINVAL);
    assert_non_null(strstr(ctr_error_last()->message, "volume data has no host directory"));
    ctr__mounts_clear(&cfg.mounts);
    ctr_mount_t esc = { "tmpfs", NULL, "/up/x", NULL };
    o.mounts = &esc;
    o.n_mounts = 1;
    assert_int_equal(ctr__mounts_copy(&o, &cfg.mounts), 0);
    assert_int_equal(ctr__spec_generate(&cfg, &ctx, &json), -EPERM);
    assert_non_null(strstr(ctr_error_last()->message, "/up -> ../../../.."));
    ctr__mounts_clear(&cfg.mounts);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_check),   cmocka_unit_test(test_normalize), cmocka_unit_test(test_json),
        cmocka_unit_test(test_inspect), cmocka_unit_test(test_resolve),   cmocka_unit_test(test_spec),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
