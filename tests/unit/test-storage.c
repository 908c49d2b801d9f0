/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Unit tests of the image store's internals: tar safety against a hostile
 * corpus, whiteout conversion both ways, digest checks, index / manifest /
 * config parsing, names, config changes. */
#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>

#include <cmocka.h>

#include "base/error.h"
#include "storage/store.h"

static char scratch[64];

static void sh(const char *fmt, ...)
{
    char cmd[4096];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    if (system(cmd) != 0)
        fail_msg("command failed: %s", cmd);
}

/* Unpack a tar file into a fresh directory; returns the result code. */
static int unpack(const char *tar, const char *dir, enum ctr__unpack_mode mode, struct ctr__layer_result *lr)
{
    mkdir(dir, 0755);
    int fd = open(tar, O_RDONLY | O_CLOEXEC);
    assert_true(fd >= 0);
    struct stat st;
    fstat(fd, &st);
    int root = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    assert_true(root >= 0);
    struct ctr__src src = { .fd = fd, .size = (uint64_t)st.st_size };
    struct ctr__layer_result dummy;
    int r = ctr__layer_unpack(&src, NULL, NULL, -1, root, mode, NULL, lr ? lr : &dummy);
    close(root);
    close(fd);
    return r;
}

static int count_entries(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return -1;
    int n = 0;
    struct dirent *de;
    while ((de = readdir(d)))
        if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
            n++;
    closedir(d);
    return n;
}

static void test_hostile_corpus(void **state)
{
    char canary[128], corpus[128];
    snprintf(canary, sizeof canary, "%s/canary", scratch);
    snprintf(corpus, sizeof corpus, "%s/corpus", scratch);
    sh("mkdir -p %s && echo original > %s/victim", canary, canary);
    const char *src = getenv("SOURCE_ROOT") ? getenv("SOURCE_ROOT") : SOURCE_ROOT;
    sh("python3 %s/tests/lib/make-hostile-tars.py %s %s >/dev/null", src, corpus, canary);
    struct stat passwd_before, passwd_after;
    stat("/etc/passwd", &passwd_before);
    DIR *d = opendir(corpus);
    assert_non_null(d);
    struct dirent *de;
    int n = 0;
    while ((de = readdir(d))) {
        size_t len = strlen(de->d_name);
        if (len < 5 || strcmp(de->d_name + len - 4, ".tar"))
            continue;
        for (int mode = 0; mode < 2; mode++) {
            char tar[512], dir[512];
            snprintf(tar, sizeof tar, "%s/%s", corpus, de->d_name);
            snprintf(dir, sizeof dir, "%s/x-%d-%.*s", scratch, mode, (int)len - 4, de->d_name);
            int r = unpack(tar, dir, mode ? CTR__UNPACK_VFS : CTR__UNPACK_OVERLAY, NULL);
            /* Refused or neutralised: either way the canary is untouched. */
            assert_int_equal(count_entries(canary), 1);
            char *text = NULL;
            char vp[256];
            snprintf(vp, sizeof vp, "%s/victim", canary);
            assert_int_equal(ctr__read_file_at(AT_FDCWD, vp, &text, NULL), 0);
            assert_string_equal(text, "original\n");
            free(text);
            /* No overlay xattr from the tar survives. */
            if (r == 0 && strstr(de->d_name, "overlay-xattrs")) {
                char f[600], v[16];
                snprintf(f, sizeof f, "%s/dir/file", dir);
                assert_true(getxattr(f, "trusted.overlay.redirect", v, sizeof v) < 0);
                snprintf(f, sizeof f, "%s/dir", dir);
                assert_true(getxattr(f, "trusted.overlay.opaque", v, sizeof v) < 0);
            }
            /* What lands, lands inside. */
            if (r == 0 && strstr(de->d_name, "dotdot") && !strstr(de->d_name, "whiteout") &&
                !strstr(de->d_name, "hardlink")) {
                char f[1024];
                snprintf(f, sizeof f, "%s%s/dotdot", dir, canary);
                assert_int_equal(access(f, F_OK), 0);
            }
            n++;
        }
    }
    closedir(d);
    assert_true(n >= 40);
    stat("/etc/passwd", &passwd_after);
    assert_int_equal(passwd_before.st_nlink, passwd_after.st_nlink);
    assert_int_equal(passwd_before.st_size, passwd_after.st_size);
}

/* A tar with whiteouts and an opaque directory, made with libarchive. */
static void write_tar(const char *path, const char *const *names)
{
    struct archive *a = archive_write_new();
    archive_write_set_format_pax_restricted(a);
    assert_int_equal(archive_write_open_filename(a, path), ARCHIVE_OK);
    for (; *names; names++) {
        struct archive_entry *e = archive_entry_new();
        size_t n = strlen(*names);
        bool dir = (*names)[n - 1] == '/';
        archive_entry_set_pathname(e, *names);
        archive_entry_set_filetype(e, dir ? AE_IFDIR : AE_IFREG);
        archive_entry_set_perm(e, dir ? 0755 : 0644);
        archive_entry_set_size(e, dir ? 0 : 3);
        archive_write_header(a, e);
        if (!dir)
            archive_write_data(a, "hi\n", 3);
        archive_entry_free(e);
    }
    archive_write_close(a);
    archive_write_free(a);
}

static void test_whiteouts(void **state)
{
    char base[256], upper[256], t1[256], t2[256], p[512];
    snprintf(t1, sizeof t1, "%s/base.tar", scratch);
    snprintf(t2, sizeof t2, "%s/upper.tar", scratch);
    write_tar(t1, (const char *const[]){ "etc/", "etc/a", "etc/b", "opt/", "opt/old", "keep", NULL });
    write_tar(t2, (const char *const[]){ "etc/.wh.a", ".wh.keep", "opt/", "opt/.wh..wh..opq", "opt/new", NULL });
    /* Overlay form. */
    snprintf(upper, sizeof upper, "%s/wh-overlay", scratch);
    assert_int_equal(unpack(t2, upper, CTR__UNPACK_OVERLAY, NULL), 0);
    struct stat st;
    snprintf(p, sizeof p, "%s/etc/a", upper);
    assert_int_equal(lstat(p, &st), 0);
    assert_true(S_ISCHR(st.st_mode) && st.st_rdev == makedev(0, 0));
    snprintf(p, sizeof p, "%s/keep", upper);
    assert_int_equal(lstat(p, &st), 0);
    assert_true(S_ISCHR(st.st_mode));
    char v[4] = { 0 };
    snprintf(p, sizeof p, "%s/opt", upper);
    assert_int_equal(getxattr(p, "trusted.overlay.opaque", v, sizeof v), 1);
    assert_int_equal(v[0], 'y');
    snprintf(p, sizeof p, "%s/etc/.wh.a", upper);
    assert_int_equal(access(p, F_OK), -1);
    /* Back to a tar: the markers come back as .wh. names. */
    char back[256];
    snprintf(back, sizeof back, "%s/back.tar", scratch);
    int out = open(back, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    int dfd = open(upper, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    assert_int_equal(ctr__tar_create(dfd, out, CTR__TAR_LAYER, NULL, NULL, NULL), 0);
    close(out);
    close(dfd);
    snprintf(p, sizeof p, "tar -tf %s | sort | tr '\\n' ' ' > %s/list", back, scratch);
    sh("%s", p);
    char *list = NULL;
    snprintf(p, sizeof p, "%s/list", scratch);
    assert_int_equal(ctr__read_file_at(AT_FDCWD, p, &list, NULL), 0);
    assert_string_equal(list, ".wh.keep etc/ etc/.wh.a opt/ opt/.wh..wh..opq opt/new ");
    free(list);
    /* vfs form: applied over a copy of the base. */
    snprintf(base, sizeof base, "%s/wh-vfs", scratch);
    assert_int_equal(unpack(t1, base, CTR__UNPACK_VFS, NULL), 0);
    assert_int_equal(unpack(t2, base, CTR__UNPACK_VFS, NULL), 0);
    snprintf(p, sizeof p, "%s/etc/a", base);
    assert_int_equal(access(p, F_OK), -1);
    snprintf(p, sizeof p, "%s/etc/b", base);
    assert_int_equal(access(p, F_OK), 0);
    snprintf(p, sizeof p, "%s/keep", base);
    assert_int_equal(access(p, F_OK), -1);
    snprintf(p, sizeof p, "%s/opt/old", base);
    assert_int_equal(access(p, F_OK), -1);
    snprintf(p, sizeof p, "%s/opt/new", base);
    assert_int_equal(access(p, F_OK), 0);
}

/* Each directory gets its own time from the tar (not its parent's). */
static void test_dir_times(void **state)
{
    (void)state;
    char t[256], dir[256], p[512];
    snprintf(t, sizeof t, "%s/times.tar", scratch);
    sh("mkdir -p %s/tsrc/top/sub && touch -d '2001-02-03 04:05:06' %s/tsrc/top/sub && "
       "touch -d '2002-02-03 04:05:06' %s/tsrc/top && tar -C %s/tsrc -cf %s top", scratch, scratch, scratch, scratch, t);
    snprintf(dir, sizeof dir, "%s/times", scratch);
    assert_int_equal(unpack(t, dir, CTR__UNPACK_VFS, NULL), 0);
    struct stat st;
    snprintf(p, sizeof p, "%s/top/sub", dir);
    assert_int_equal(stat(p, &st), 0);
    assert_int_equal(st.st_mtime, 981173106);
    snprintf(p, sizeof p, "%s/top", dir);
    assert_int_equal(stat(p, &st), 0);
    assert_int_equal(st.st_mtime, 1012709106);
}

/* The copy mode (podman cp): .wh. names are plain names, owners forced,
 * and a directory is not replaced by a file without overwrite. */
static void test_copy_extract(void **state)
{
    (void)state;
    char t[256], dir[256], p[512];
    snprintf(t, sizeof t, "%s/copy.tar", scratch);
    write_tar(t, (const char *const[]){ "d/", "d/.wh.x", "f", NULL });
    snprintf(dir, sizeof dir, "%s/copy", scratch);
    mkdir(dir, 0755);
    int root = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    int fd = open(t, O_RDONLY | O_CLOEXEC);
    struct ctr__copy_extract o = { .chown = true, .uid = 4321, .gid = 5432 };
    assert_int_equal(ctr__tar_extract_copy(fd, root, &o), 0);
    close(fd);
    struct stat st;
    snprintf(p, sizeof p, "%s/d/.wh.x", dir);
    assert_int_equal(lstat(p, &st), 0);
    assert_true(S_ISREG(st.st_mode));
    if (geteuid() == 0)
        assert_true(st.st_uid == 4321 && st.st_gid == 5432);
    /* f is a file now: a tar with a directory f is refused, then allowed. */
    snprintf(t, sizeof t, "%s/copy2.tar", scratch);
    write_tar(t, (const char *const[]){ "f/", "d", NULL });
    fd = open(t, O_RDONLY | O_CLOEXEC);
    o = (struct ctr__copy_extract){ .overwrite = false };
    assert_int_equal(ctr__tar_extract_copy(fd, root, &o), -EEXIST);
    close(fd);
    snprintf(p, sizeof p, "%s/f", dir);
    assert_int_equal(lstat(p, &st), 0);
    assert_true(S_ISREG(st.st_mode));
    fd = open(t, O_RDONLY | O_CLOEXEC);
    o.overwrite = true;
    assert_int_equal(ctr__tar_extract_copy(fd, root, &o), 0);
    close(fd);
    assert_int_equal(lstat(p, &st), 0);
    assert_true(S_ISDIR(st.st_mode));
    snprintf(p, sizeof p, "%s/d", dir);
    assert_int_equal(lstat(p, &st), 0);
    assert_true(S_ISREG(st.st_mode));
    /* Not a tar. */
    snprintf(p, sizeof p, "%s/garbage", scratch);
    sh("echo garbage > %s", p);
    fd = open(p, O_RDONLY | O_CLOEXEC);
    assert_int_equal(ctr__tar_extract_copy(fd, root, &o), -EINVAL);
    close(fd);
    close(root);
}

static void test_digests(void **state)
{
    char t[256], d[256], gz[300];
    snprintf(t, sizeof t, "%s/d.tar", scratch);
    write_tar(t, (const char *const[]){ "a", "b/", "b/c", NULL });
    snprintf(gz, sizeof gz, "%s/d.tar.gz", scratch);
    sh("gzip -c %s > %s", t, gz);
    char want[65];
    _cleanup_free_ char *data = NULL;
    size_t size;
    assert_int_equal(ctr__read_file_at(AT_FDCWD, t, &data, &size), 0);
    assert_int_equal(ctr__sha256_buf(data, size, want), 0);
    struct ctr__layer_result lr;
    snprintf(d, sizeof d, "%s/dg1", scratch);
    assert_int_equal(unpack(gz, d, CTR__UNPACK_OVERLAY, &lr), 0);
    assert_string_equal(lr.diff_id, want);
    assert_string_equal(lr.compression, "gzip");
    assert_int_equal(lr.size, size);
    /* A wrong diff ID is refused. */
    int fd = open(gz, O_RDONLY | O_CLOEXEC), root;
    struct stat st;
    fstat(fd, &st);
    snprintf(d, sizeof d, "%s/dg2", scratch);
    mkdir(d, 0755);
    root = open(d, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    struct ctr__src src = { .fd = fd, .size = (uint64_t)st.st_size };
    char bad[65];
    memset(bad, 'a', 64);
    bad[64] = '\0';
    assert_int_equal(ctr__layer_unpack(&src, NULL, bad, -1, root, CTR__UNPACK_OVERLAY, NULL, &lr), -EINVAL);
    assert_non_null(strstr(ctr_error_last()->message, "mismatch"));
    assert_int_equal(ctr__layer_unpack(&src, bad, NULL, -1, root, CTR__UNPACK_OVERLAY, NULL, &lr), -EINVAL);
    /* Truncated blob. */
    src.size /= 2;
    assert_true(ctr__layer_unpack(&src, NULL, NULL, -1, root, CTR__UNPACK_OVERLAY, NULL, &lr) < 0);
    close(root);
    close(fd);
    char hex[65];
    assert_int_equal(ctr__digest_parse("sha512:abcd", hex), -EOPNOTSUPP);
    assert_int_equal(ctr__digest_parse("sha256:XYZ", hex), -EINVAL);
    assert_int_equal(ctr__digest_parse("nocolon", hex), -EINVAL);
    assert_int_equal(ctr__sha256_buf("", 0, hex), 0);
    assert_string_equal(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

/* Blobs for index tests: a tiny map digest -> JSON. */
struct blobs {
    const char *hex[4];
    const char *json[4];
};

static int get_blob(void *userdata, const char *hex, char **ret, size_t *ret_size)
{
    struct blobs *b = userdata;
    for (int i = 0; i < 4 && b->hex[i]; i++)
        if (strcmp(b->hex[i], hex) == 0) {
            *ret = strdup(b->json[i]);
            *ret_size = strlen(*ret);
            return 0;
        }
    return -ENOENT;
}

#define H(c) c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c
static void test_index(void **state)
{
    struct ctr__manifest_pick p;
    /* One tagged manifest. */
    const char *idx1 = "{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
                       "\"digest\":\"sha256:" H("1") "\",\"size\":10,\"annotations\":{\"org.opencontainers.image.ref.name\":\"v1\"}}]}";
    assert_int_equal(ctr__oci_index_pick(idx1, "v1", get_blob, NULL, &p), 0);
    assert_string_equal(p.digest, H("1"));
    assert_string_equal(p.ref_name, "v1");
    free(p.media_type);
    free(p.ref_name);
    assert_int_equal(ctr__oci_index_pick(idx1, "v2", get_blob, NULL, &p), -ENOENT);
    assert_int_equal(ctr__oci_index_pick(idx1, NULL, get_blob, NULL, &p), 0);
    free(p.media_type);
    free(p.ref_name);
    /* A nested index with two platforms: the running one is picked. */
    const char *variant;
    const char *arch = ctr__go_arch(&variant);
    char nested[1024];
    snprintf(nested, sizeof nested,
             "{\"schemaVersion\":2,\"manifests\":["
             "{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"sha256:" H("2") "\",\"size\":1,"
             "\"platform\":{\"architecture\":\"%s\",\"os\":\"linux\"}},"
             "{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"sha256:" H("3") "\",\"size\":1,"
             "\"platform\":{\"architecture\":\"%s\",\"os\":\"linux\"}}]}",
             strcmp(arch, "s390x") ? "s390x" : "amd64", arch);
    struct blobs b = { { H("4") }, { nested } };
    const char *idx2 = "{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"application/vnd.oci.image.index.v1+json\","
                       "\"digest\":\"sha256:" H("4") "\",\"size\":10,\"annotations\":{\"org.opencontainers.image.ref.name\":\"latest\"}}]}";
    assert_int_equal(ctr__oci_index_pick(idx2, "latest", get_blob, &b, &p), 0);
    assert_string_equal(p.digest, H("3"));
    assert_string_equal(p.ref_name, "latest");
    free(p.media_type);
    free(p.ref_name);
    /* An explicit platform: the other one; variants; malformed platforms. */
    assert_int_equal(ctr__oci_index_pick_platform(nested, NULL, strcmp(arch, "s390x") ? "linux/s390x" : "linux/amd64",
                                                  get_blob, NULL, &p), 0);
    assert_string_equal(p.digest, H("2"));
    free(p.media_type);
    free(p.ref_name);
    assert_int_equal(ctr__oci_index_pick_platform(nested, NULL, "linux/s390x/v9", get_blob, NULL, &p),
                     strcmp(arch, "s390x") ? 0 : -EOPNOTSUPP);
    if (strcmp(arch, "s390x")) {
        free(p.media_type);
        free(p.ref_name);
    }
    assert_int_equal(ctr__oci_index_pick_platform(nested, NULL, "windows/amd64", get_blob, NULL, &p), -EOPNOTSUPP);
    assert_int_equal(ctr__oci_index_pick_platform(nested, NULL, "s390x", get_blob, NULL, &p), -EINVAL);
    assert_int_equal(ctr__oci_index_pick_platform(nested, NULL, "linux/", get_blob, NULL, &p), -EINVAL);
    assert_int_equal(ctr__oci_index_pick_platform(nested, NULL, "/amd64", get_blob, NULL, &p), -EINVAL);
    assert_int_equal(ctr__oci_index_pick_platform(nested, NULL, "linux/arm/v7/x", get_blob, NULL, &p), -EINVAL);
    const char *arms = "{\"manifests\":["
                       "{\"digest\":\"sha256:" H("5") "\",\"platform\":{\"architecture\":\"arm\",\"os\":\"linux\",\"variant\":\"v6\"}},"
                       "{\"digest\":\"sha256:" H("6") "\",\"platform\":{\"architecture\":\"arm\",\"os\":\"linux\",\"variant\":\"v7\"}}]}";
    assert_int_equal(ctr__oci_index_pick_platform(arms, NULL, "linux/arm/v7", get_blob, NULL, &p), 0);
    assert_string_equal(p.digest, H("6"));
    free(p.media_type);
    free(p.ref_name);
    /* No manifest for this platform. */
    snprintf(nested, sizeof nested,
             "{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
             "\"digest\":\"sha256:" H("2") "\",\"size\":1,\"platform\":{\"architecture\":\"nosucharch\",\"os\":\"linux\"}}]}");
    assert_int_equal(ctr__oci_index_pick(idx2, "latest", get_blob, &b, &p), -EOPNOTSUPP);
    /* An index naming itself loops until the depth limit. */
    struct blobs loop = { { H("4") }, { idx2 } };
    assert_int_equal(ctr__oci_index_pick(idx2, NULL, get_blob, &loop, &p), -EINVAL);
    /* Garbage. */
    assert_int_equal(ctr__oci_index_pick("{", NULL, get_blob, NULL, &p), -EINVAL);
    assert_int_equal(ctr__oci_index_pick("{\"manifests\":{}}", NULL, get_blob, NULL, &p), -EINVAL);
    assert_int_equal(ctr__oci_index_pick("{\"manifests\":[{\"digest\":\"md5:x\"}]}", NULL, get_blob, NULL, &p),
                     -EOPNOTSUPP);
}

static void test_manifest_config(void **state)
{
    struct ctr__manifest m;
    const char *good = "{\"schemaVersion\":2,\"config\":{\"digest\":\"sha256:" H("a") "\",\"size\":5},"
                       "\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\"sha256:" H("b")
                       "\",\"size\":7}]}";
    assert_int_equal(ctr__manifest_parse(good, &m), 0);
    assert_string_equal(m.config, H("a"));
    assert_int_equal(m.n_layers, 1);
    assert_int_equal(m.layers[0].size, 7);
    ctr__manifest_clear(&m);
    assert_int_equal(ctr__manifest_parse("{\"schemaVersion\":1}", &m), -EOPNOTSUPP);
    assert_int_equal(ctr__manifest_parse("{\"schemaVersion\":2,\"layers\":[]}", &m), -EINVAL);
    assert_int_equal(ctr__manifest_parse("{\"schemaVersion\":2,\"config\":{\"digest\":\"sha256:" H("a")
                                         "\"},\"layers\":[{\"digest\":\"sha256:" H("b") "\",\"size\":-1}]}", &m),
                     -EINVAL);
    assert_int_equal(ctr__manifest_parse("[]", &m), -EINVAL);

    json_object *cfg = NULL;
    char **ids = NULL;
    assert_int_equal(ctr__image_config_parse("{\"rootfs\":{\"diff_ids\":[\"sha256:" H("c") "\"]}}", &cfg, &ids), 0);
    assert_string_equal(ids[0], H("c"));
    assert_null(ids[1]);
    ctr__strv_free(ids);
    json_object_put(cfg);
    assert_int_equal(ctr__image_config_parse("{\"rootfs\":{\"diff_ids\":[\"bad\"]}}", &cfg, &ids), -EINVAL);
    assert_int_equal(ctr__image_config_parse("{\"config\":5}", &cfg, &ids), -EINVAL);

    struct ctr__docker_manifest dm;
    assert_int_equal(ctr__docker_manifest_parse("[{\"Config\":\"c.json\",\"RepoTags\":[\"a:b\"],\"Layers\":[\"l/layer.tar\"]}]", &dm), 0);
    assert_string_equal(dm.config, "c.json");
    assert_string_equal(dm.repo_tags[0], "a:b");
    assert_string_equal(dm.layers[0], "l/layer.tar");
    ctr__docker_manifest_clear(&dm);
    assert_int_equal(ctr__docker_manifest_parse("[{\"Config\":\"c.json\",\"RepoTags\":null,\"Layers\":[]}]", &dm), 0);
    ctr__docker_manifest_clear(&dm);
    assert_int_equal(ctr__docker_manifest_parse("[]", &dm), -EINVAL);
    assert_int_equal(ctr__docker_manifest_parse("[{\"Layers\":[]}]", &dm), -EINVAL);
}

static void test_names_changes(void **state)
{
    struct {
        const char *in, *out;
    } ok[] = {
        { "busybox", "localhost/busybox:latest" },
        { "busybox:1.36", "localhost/busybox:1.36" },
        { "docker.io/library/busybox", "docker.io/library/busybox:latest" },
        { "localhost/app:v1", "localhost/app:v1" },
        { "reg.example:5000/a/b:c", "reg.example:5000/a/b:c" },
    };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        char *n = NULL;
        assert_int_equal(ctr__image_name_normalize(ok[i].in, &n), 0);
        assert_string_equal(n, ok[i].out);
        free(n);
    }
    const char *bad[] = { "", "Upper", "a b", "/abs", "a//b", "x:", "-x" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char *n = NULL;
        assert_int_equal(ctr__image_name_normalize(bad[i], &n), -EINVAL);
    }
    json_object *c = json_object_new_object();
    const char *changes[] = { "CMD [\"/bin/echo\", \"x\"]", "ENTRYPOINT /bin/sh", "ENV A=b", "ENV A c", "LABEL k=v",
                              "WORKDIR /w", "USER 1000", "EXPOSE 80 53/udp", "VOLUME /data", "STOPSIGNAL SIGKILL", NULL };
    assert_int_equal(ctr__config_apply_changes(c, changes), 0);
    assert_string_equal(json_object_to_json_string_ext(c, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE),
                        "{\"Cmd\":[\"/bin/echo\",\"x\"],\"Entrypoint\":[\"/bin/sh\",\"-c\",\"/bin/sh\"],\"Env\":[\"A=c\"],"
                        "\"Labels\":{\"k\":\"v\"},\"WorkingDir\":\"/w\",\"User\":\"1000\",\"ExposedPorts\":{\"80/tcp\":{},"
                        "\"53/udp\":{}},\"Volumes\":{\"/data\":{}},\"StopSignal\":\"SIGKILL\"}");
    const char *bad_changes[][2] = { { "FROM x", NULL }, { "WORKDIR rel", NULL }, { "CMD", NULL }, { "VOLUME rel", NULL } };
    for (size_t i = 0; i < sizeof bad_changes / sizeof bad_changes[0]; i++)
        assert_int_equal(ctr__config_apply_changes(c, bad_changes[i]), -EINVAL);
    json_object_put(c);
}

static void test_tar_index(void **state)
{
    char t[256];
    snprintf(t, sizeof t, "%s/ix.tar", scratch);
    char longname[300];
    memset(longname, 'l', 200);
    strcpy(longname + 200, "/file");
    write_tar(t, (const char *const[]){ "./manifest.json", "blobs/", "blobs/sha256/x", longname, NULL });
    int fd = open(t, O_RDONLY | O_CLOEXEC);
    struct ctr__tar_index ix;
    assert_int_equal(ctr__tar_index_build(fd, &ix), 0);
    assert_non_null(ctr__tar_index_find(&ix, "manifest.json"));
    const struct ctr__tar_member *m = ctr__tar_index_find(&ix, "blobs/sha256/x");
    assert_non_null(m);
    assert_int_equal(m->size, 3);
    char buf[4] = { 0 };
    assert_int_equal(pread(fd, buf, 3, m->off), 3);
    assert_string_equal(buf, "hi\n");
    assert_non_null(ctr__tar_index_find(&ix, longname));
    assert_null(ctr__tar_index_find(&ix, "blobs"));
    ctr__tar_index_clear(&ix);
    close(fd);
    /* Not a tar. */
    fd = open("/etc/passwd", O_RDONLY | O_CLOEXEC);
    assert_true(ctr__tar_index_build(fd, &ix) < 0 || ix.n == 0);
    if (ix.n == 0)
        ctr__tar_index_clear(&ix);
    close(fd);
}

static int setup(void **state)
{
    snprintf(scratch, sizeof scratch, "/tmp/libctr-unit-storage-XXXXXX");
    if (!mkdtemp(scratch))
        return -1;
    return 0;
}

static int teardown(void **state)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", scratch);
    return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
    if (geteuid() != 0) {
        /* Overlay whiteouts (char 0/0 devices, trusted.* xattrs) need root. */
        bool ci = getenv("CI") && strcmp(getenv("CI"), "true") == 0;
        fprintf(stderr, "storage unit tests need root%s\n", ci ? " (CI: failing)" : " (skipping)");
        return ci ? 1 : 77;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hostile_corpus),
        cmocka_unit_test(test_whiteouts),
        cmocka_unit_test(test_dir_times),
        cmocka_unit_test(test_copy_extract),
        cmocka_unit_test(test_digests),
        cmocka_unit_test(test_index),
        cmocka_unit_test(test_manifest_config),
        cmocka_unit_test(test_names_changes),
        cmocka_unit_test(test_tar_index),
    };
    return cmocka_run_group_tests_name("storage", tests, setup, teardown);
}
