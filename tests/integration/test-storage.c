/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Images and storage end to end, through libctr.so: images made the way
 * users make them (podman import, skopeo copy, umoci), containers run from
 * them with runc and conmon, hostile layers, export / import round trips,
 * commit, save (checked with the OCI schemas, skopeo and podman), removal of
 * images in use, and an import killed half way.
 * Needs root, runc, conmon, podman, skopeo, umoci and python3; in CI
 * (CI=true) a missing piece fails. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdbool.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <sys/xattr.h>

#include "../api/test-helpers.h"

static struct test_root root;
static char src_root[1024];
static char rootfs[256];
static char podman_name[128];
static char podman_id[80];
static ctr_runtime_t *rt;

static void sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void sh(const char *fmt, ...)
{
    char cmd[8192];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    if (system(cmd) != 0)
        fail_msg("command failed: %s", cmd);
}

/* Run a shell command and read its first line of output. */
static void sh_out(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void sh_out(char *buf, size_t size, const char *fmt, ...)
{
    char cmd[8192];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    buf[0] = '\0';
    if (!fgets(buf, (int)size, p))
        buf[0] = '\0';
    buf[strcspn(buf, "\n")] = '\0';
    if (pclose(p) != 0)
        fail_msg("command failed: %s", cmd);
}

static ctr_image_t *import_ref(ctr_runtime_t *r, const char *ref, const char *name)
{
    ctr_import_options_t o = CTR_IMPORT_OPTIONS_INIT;
    o.reference = ref;
    o.name = name;
    ctr_image_t *img = NULL;
    assert_ctr_ok(ctr_image_import(r, &o, &img));
    return img;
}

static int collect(int stream, int64_t ts, const char *data, size_t size, void *userdata)
{
    char *b = userdata;
    size_t len = strlen(b);
    snprintf(b + len, 4096 - len, "%.*s\n", (int)size, data);
    return 0;
}

/* Run image with cmd (NULL: its own), return the output. */
static void run_image(ctr_runtime_t *r, const char *image, const char *script, char out[4096])
{
    const char *cmd[] = { "/bin/sh", "-c", script, NULL };
    ctr_container_options_t o = CTR_CONTAINER_OPTIONS_INIT;
    o.image = image;
    o.command = script ? cmd : NULL;
    ctr_container_t *c = NULL;
    assert_ctr_ok(ctr_container_create(&c, r, &o));
    assert_ctr_ok(ctr_container_start(c));
    int code = -1;
    assert_ctr_ok(ctr_container_wait(c, 30000, &code));
    out[0] = '\0';
    ctr_logs_options_t lo = CTR_LOGS_OPTIONS_INIT;
    assert_ctr_ok(ctr_container_logs(c, &lo, collect, out));
    assert_int_equal(code, 0);
    assert_ctr_ok(ctr_container_remove(c, CTR_REMOVE_FORCE));
    ctr_container_unref(c);
}

/* ---- sources ---- */

static void test_load_sources(void **state)
{
    char ref[512], out[4096];
    snprintf(ref, sizeof ref, "oci:%s/oci-bb:latest", root.root);
    ctr_image_t *a = import_ref(rt, ref, "from-oci");
    assert_string_equal(ctr_image_id(a), podman_id);
    assert_non_null(ctr_image_digest(a));
    snprintf(ref, sizeof ref, "docker-archive:%s/bb-docker.tar", root.root);
    ctr_image_t *b = import_ref(rt, ref, NULL);
    assert_string_equal(ctr_image_id(b), podman_id);
    snprintf(ref, sizeof ref, "oci-archive:%s/bb-oci.tar:v1", root.root);
    ctr_image_t *c = import_ref(rt, ref, "from-oci-archive");
    assert_string_equal(ctr_image_id(c), podman_id);
    snprintf(ref, sizeof ref, "containers-storage:%s", podman_name);
    ctr_image_t *d = import_ref(rt, ref, "from-podman");
    assert_string_equal(ctr_image_id(d), podman_id);
    /* Names from the docker archive and from podman's store came along. */
    ctr_image_t *e = NULL;
    assert_ctr_ok(ctr_image_lookup(rt, podman_name, &e));
    assert_string_equal(ctr_image_id(e), podman_id);
    ctr_image_unref(e);
    /* Lookups: short name, ID prefix, sha256:ID. */
    assert_ctr_ok(ctr_image_lookup(rt, "from-oci", &e));
    ctr_image_unref(e);
    char prefix[16];
    snprintf(prefix, sizeof prefix, "%.10s", podman_id);
    assert_ctr_ok(ctr_image_lookup(rt, prefix, &e));
    ctr_image_unref(e);
    snprintf(ref, sizeof ref, "sha256:%s", podman_id);
    assert_ctr_ok(ctr_image_lookup(rt, ref, &e));
    ctr_image_unref(e);
    assert_ctr_err(ctr_image_lookup(rt, "no-such-image", &e), -ENOENT);
    /* The image's own command (podman import --change CMD). */
    run_image(rt, "from-oci", NULL, out);
    assert_string_equal(out, "hello from the image\n");
    run_image(rt, "from-podman", "echo $HOME; cat /etc/hostname >/dev/null; echo ok", out);
    assert_string_equal(out, "/root\nok\n");
    ctr_image_unref(a);
    ctr_image_unref(b);
    ctr_image_unref(c);
    ctr_image_unref(d);
    /* Bad references. */
    ctr_import_options_t o = CTR_IMPORT_OPTIONS_INIT;
    o.reference = "oci:/nonexistent/layout";
    assert_ctr_err(ctr_image_import(rt, &o, NULL), -ENOENT);
    snprintf(ref, sizeof ref, "oci:%s/oci-bb:nosuchtag", root.root);
    o.reference = ref;
    assert_ctr_err(ctr_image_import(rt, &o, NULL), -ENOENT);
    o.reference = "ftp:thing";
    assert_ctr_err(ctr_image_import(rt, &o, NULL), -EINVAL);
    o.reference = "containers-storage:localhost/libctr-no-such-image";
    assert_ctr_err(ctr_image_import(rt, &o, NULL), -ENOENT);
}

/* ---- a multi-layer image from umoci: whiteouts and an opaque directory ---- */

static void check_merged(const char *m)
{
    char p[1024];
    struct {
        const char *path;
        bool present;
    } want[] = {
        { "data/a", false }, { "data/b", true }, { "data/opq/z", true }, { "data/opq/x", false },
        { "data/opq/y", false }, { "etc/group", false }, { "etc/passwd", true }, { "bin/busybox", true },
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        snprintf(p, sizeof p, "%s/%s", m, want[i].path);
        if ((access(p, F_OK) == 0) != want[i].present)
            fail_msg("%s should %sbe in the merged view", want[i].path, want[i].present ? "" : "not ");
    }
}

static void test_umoci_multilayer(void **state)
{
    char L[256], w[512];
    snprintf(L, sizeof L, "%s/umoci", root.root);
    snprintf(w, sizeof w, "%s/umoci-src", root.root);
    sh("mkdir -p %s/d1 %s/opq && echo a > %s/d1/a && echo b > %s/d1/b && mkdir %s/d1/opq && "
       "echo x > %s/d1/opq/x && echo y > %s/d1/opq/y && echo z > %s/opq/z",
       w, w, w, w, w, w, w, w);
    sh("umoci init --layout %s && umoci new --image %s:t && umoci insert --image %s:t %s / && "
       "umoci insert --image %s:t %s/d1 /data && umoci insert --image %s:t --whiteout /data/a && "
       "umoci insert --image %s:t --whiteout /etc/group && umoci insert --image %s:t --opaque %s/opq /data/opq && "
       "umoci config --image %s:t --config.cmd /bin/sh >/dev/null",
       L, L, L, rootfs, L, w, L, L, L, w, L);
    char ref[512], out[4096];
    snprintf(ref, sizeof ref, "oci:%s:t", L);
    ctr_image_t *img = import_ref(rt, ref, "umoci-multi");
    assert_int_equal(ctr_image_layer_count(img), 5);
    ctr_container_options_t o = CTR_CONTAINER_OPTIONS_INIT;
    o.image = "umoci-multi";
    ctr_container_t *c = NULL;
    assert_ctr_ok(ctr_container_create(&c, rt, &o));
    char *m = NULL;
    assert_ctr_ok(ctr_container_mount(c, NULL, &m));
    check_merged(m);
    int mounted = 0;
    assert_ctr_ok(ctr_container_mounted(c, &mounted, NULL));
    assert_int_equal(mounted, 1);
    ctr_free(m);
    assert_ctr_ok(ctr_container_unmount(c, 0));
    assert_ctr_ok(ctr_container_remove(c, CTR_REMOVE_FORCE));
    ctr_container_unref(c);
    run_image(rt, "umoci-multi", "ls /data; ls /data/opq", out);
    assert_string_equal(out, "b\nopq\nz\n");
    /* The same image through the vfs driver. */
    struct test_root vroot;
    test_root_make(&vroot);
    ctr_runtime_options_t ro = CTR_RUNTIME_OPTIONS_INIT;
    ro.root = vroot.root;
    ro.run_root = vroot.run_root;
    ro.storage_driver = "vfs";
    ctr_runtime_t *vrt = NULL;
    assert_ctr_ok(ctr_runtime_new(&vrt, &ro));
    ctr_image_t *vimg = import_ref(vrt, ref, "umoci-multi");
    assert_string_equal(ctr_image_id(vimg), ctr_image_id(img));
    assert_ctr_ok(ctr_container_create(&c, vrt, &o));
    assert_ctr_ok(ctr_container_mount(c, NULL, &m));
    check_merged(m);
    ctr_free(m);
    assert_ctr_ok(ctr_container_unmount(c, 0));
    assert_ctr_ok(ctr_container_remove(c, CTR_REMOVE_FORCE));
    ctr_container_unref(c);
    run_image(vrt, "umoci-multi", "ls /data/opq", out);
    assert_string_equal(out, "z\n");
    /* A vfs commit holds only the changes: the deleted directory stays
     * deleted (a whiteout), and the layer is small, not the whole tree. */
    const char *vcmd[] = { "/bin/sh", "-c", "rm -rf /data/opq; echo v > /data/vnew", NULL };
    ctr_container_options_t vo = CTR_CONTAINER_OPTIONS_INIT;
    vo.image = "umoci-multi";
    vo.command = vcmd;
    assert_ctr_ok(ctr_container_create(&c, vrt, &vo));
    assert_ctr_ok(ctr_container_start(c));
    int vcode = -1;
    assert_ctr_ok(ctr_container_wait(c, 30000, &vcode));
    assert_int_equal(vcode, 0);
    ctr_commit_options_t vco = CTR_COMMIT_OPTIONS_INIT;
    vco.name = "vfs-committed";
    ctr_image_t *vci = NULL;
    assert_ctr_ok(ctr_container_commit(c, &vco, &vci));
    assert_ctr_ok(ctr_container_remove(c, CTR_REMOVE_FORCE));
    ctr_container_unref(c);
    assert_int_equal(ctr_image_layer_count(vci), ctr_image_layer_count(vimg) + 1);
    int64_t grown = ctr_image_size(vci) - ctr_image_size(vimg);
    assert_true(grown > 0 && grown < 64 * 1024);
    ctr_image_unref(vci);
    run_image(vrt, "vfs-committed", "ls /data; cat /data/vnew", out);
    assert_string_equal(out, "b\nvnew\nv\n");
    /* A store made with one driver refuses the other. */
    ctr_image_unref(vimg);
    ctr_runtime_unref(vrt);
    ro.storage_driver = "overlay";
    assert_ctr_ok(ctr_runtime_new(&vrt, &ro));
    ctr_image_t **list = NULL;
    size_t n = 0;
    assert_ctr_err(ctr_image_list(vrt, &list, &n), -EINVAL);
    ctr_runtime_unref(vrt);
    test_root_remove(&vroot);
    ctr_image_unref(img);
}

/* ---- hostile layers ---- */

static void test_hostile_layers(void **state)
{
    char canary[256], corpus[256];
    snprintf(canary, sizeof canary, "%s/canary", root.root);
    snprintf(corpus, sizeof corpus, "%s/hostile", root.root);
    sh("mkdir -p %s && echo original > %s/victim && python3 %s/tests/lib/make-hostile-tars.py %s %s >/dev/null",
       canary, canary, src_root, corpus, canary);
    char before[128], after[128];
    sh_out(before, sizeof before, "stat -c '%%h %%s %%Y' /etc/passwd");
    DIR *d = opendir(corpus);
    assert_non_null(d);
    struct dirent *de;
    int refused = 0, accepted = 0;
    while ((de = readdir(d))) {
        if (de->d_name[0] == '.' || strstr(de->d_name, ".tar"))
            continue;
        char ref[1024];
        snprintf(ref, sizeof ref, "oci:%s/%s:latest", corpus, de->d_name);
        ctr_import_options_t o = CTR_IMPORT_OPTIONS_INIT;
        o.reference = ref;
        int r = ctr_image_import(rt, &o, NULL);
        if (r < 0) {
            assert_true(ctr_error_last()->message[0]);
            refused++;
        } else {
            accepted++;
        }
        if (strncmp(de->d_name, "hardlink-", 9) == 0 && strcmp(de->d_name, "hardlink-to-symlink"))
            assert_int_equal(r, -EINVAL);
        /* Nothing outside the store changed. */
        assert_int_equal(test_count_entries(canary), 1);
        char victim[4096];
        sh_out(victim, sizeof victim, "cat %s/victim", canary);
        assert_string_equal(victim, "original");
    }
    closedir(d);
    assert_true(refused > 0 && accepted > 0);
    sh_out(after, sizeof after, "stat -c '%%h %%s %%Y' /etc/passwd");
    assert_string_equal(before, after);
    /* Refused imports left nothing behind. */
    char tmp[512];
    snprintf(tmp, sizeof tmp, "%s/storage/tmp", root.root);
    assert_int_equal(test_count_entries(tmp), 0);
    char **removed = NULL;
    assert_true(ctr_image_prune(rt, 0, &removed) >= accepted);
    ctr_strv_free(removed);
}

/* ---- export, then import again: the same tree ---- */

struct tree_entry {
    char path[512];
    mode_t mode;
    uid_t uid;
    gid_t gid;
    off_t size;
    char link[256];
    char xattr[64];
    nlink_t nlink;
};

static struct tree_entry *tree;
static size_t tree_n, tree_cap;
static size_t tree_base;

static int tree_cb(const char *path, const struct stat *st, int flag, struct FTW *f)
{
    if (tree_n == tree_cap) {
        tree_cap = tree_cap ? tree_cap * 2 : 1024;
        tree = realloc(tree, tree_cap * sizeof *tree);
    }
    struct tree_entry *e = &tree[tree_n++];
    memset(e, 0, sizeof *e);
    snprintf(e->path, sizeof e->path, "%s", path + tree_base);
    e->mode = st->st_mode;
    e->uid = st->st_uid;
    e->gid = st->st_gid;
    e->size = S_ISREG(st->st_mode) ? st->st_size : 0;
    e->nlink = S_ISDIR(st->st_mode) ? 0 : st->st_nlink;
    if (S_ISLNK(st->st_mode)) {
        ssize_t n = readlink(path, e->link, sizeof e->link - 1);
        if (n > 0)
            e->link[n] = '\0';
    } else {
        ssize_t n = lgetxattr(path, "user.ctrtest", e->xattr, sizeof e->xattr - 1);
        if (n > 0)
            e->xattr[n] = '\0';
    }
    return 0;
}

static int entry_cmp(const void *a, const void *b)
{
    return strcmp(((const struct tree_entry *)a)->path, ((const struct tree_entry *)b)->path);
}

/* A sorted listing of a tree (without the root itself). */
static struct tree_entry *list_tree(const char *dir, size_t *n)
{
    tree = NULL;
    tree_n = tree_cap = 0;
    tree_base = strlen(dir);
    nftw(dir, tree_cb, 32, FTW_PHYS);
    qsort(tree, tree_n, sizeof *tree, entry_cmp);
    *n = tree_n;
    return tree;
}

static void test_export_reimport(void **state)
{
    char special[256], tarball[256], exported[256];
    snprintf(special, sizeof special, "%s/special", root.root);
    snprintf(tarball, sizeof tarball, "%s/special.tar", root.root);
    snprintf(exported, sizeof exported, "%s/exported.tar", root.root);
    sh("cp -a %s %s && cd %s && mkdir -p s/empty s/deep/er && chmod 0700 s/empty && echo data > s/owned && "
       "chown 1234:5678 s/owned && echo suid > s/suid && chmod 4755 s/suid && echo linked > s/h1 && "
       "ln s/h1 s/h2 && ln s/h1 s/deep/er/h3 && ln -s ../owned s/deep/rel && ln -s /etc/passwd s/abs && "
       "mkfifo s/fifo && mknod s/null c 1 3 && setfattr -n user.ctrtest -v hello s/owned && "
       "tar --xattrs --xattrs-include='user.*' -C %s -cf %s .",
       rootfs, special, special, special, tarball);
    char ref[512];
    snprintf(ref, sizeof ref, "tarball:%s", tarball);
    ctr_image_t *a = import_ref(rt, ref, "special-a");
    ctr_container_options_t o = CTR_CONTAINER_OPTIONS_INIT;
    o.image = "special-a";
    ctr_container_t *ca = NULL, *cb = NULL;
    assert_ctr_ok(ctr_container_create(&ca, rt, &o));
    int fd = open(exported, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    assert_true(fd >= 0);
    assert_ctr_ok(ctr_container_export(ca, fd));
    close(fd);
    snprintf(ref, sizeof ref, "tarball:%s", exported);
    ctr_image_t *b = import_ref(rt, ref, "special-b");
    o.image = "special-b";
    assert_ctr_ok(ctr_container_create(&cb, rt, &o));
    char *ma = NULL, *mb = NULL;
    assert_ctr_ok(ctr_container_mount(ca, NULL, &ma));
    assert_ctr_ok(ctr_container_mount(cb, NULL, &mb));
    size_t na, nb;
    struct tree_entry *ta = list_tree(ma, &na);
    struct tree_entry *tb = list_tree(mb, &nb);
    assert_true(na > 300);
    assert_int_equal(na, nb);
    for (size_t i = 0; i < na; i++) {
        if (strcmp(ta[i].path, tb[i].path) || ta[i].mode != tb[i].mode || ta[i].uid != tb[i].uid ||
            ta[i].gid != tb[i].gid || ta[i].size != tb[i].size || strcmp(ta[i].link, tb[i].link) ||
            strcmp(ta[i].xattr, tb[i].xattr) || ta[i].nlink != tb[i].nlink)
            fail_msg("trees differ at %s / %s (mode %o/%o, owner %u:%u/%u:%u, links %lu/%lu, xattr '%s'/'%s')",
                     ta[i].path, tb[i].path, ta[i].mode, tb[i].mode, ta[i].uid, ta[i].gid, tb[i].uid, tb[i].gid,
                     (unsigned long)ta[i].nlink, (unsigned long)tb[i].nlink, ta[i].xattr, tb[i].xattr);
    }
    /* The special files made it. */
    bool seen_owned = false, seen_link = false;
    for (size_t i = 0; i < na; i++) {
        if (!strcmp(ta[i].path, "/s/owned"))
            seen_owned = ta[i].uid == 1234 && ta[i].gid == 5678 && !strcmp(ta[i].xattr, "hello");
        if (!strcmp(ta[i].path, "/s/h1"))
            seen_link = ta[i].nlink == 3;
    }
    assert_true(seen_owned);
    assert_true(seen_link);
    free(ta);
    free(tb);
    ctr_free(ma);
    ctr_free(mb);
    /* Sizes and inspect. */
    int64_t rootfs_size = 0, rw = -1;
    assert_ctr_ok(ctr_container_rootfs_size(ca, &rootfs_size));
    assert_true(rootfs_size > 1000000);
    assert_ctr_ok(ctr_container_rw_size(ca, &rw));
    assert_int_equal(rw, 0);
    char *json = NULL;
    assert_ctr_ok(ctr_container_inspect(ca, CTR_INSPECT_SIZE, &json));
    assert_non_null(strstr(json, "\"SizeRw\":0"));
    assert_non_null(strstr(json, "\"GraphDriver\":{\"Name\":\"overlay\""));
    ctr_free(json);
    assert_ctr_ok(ctr_image_inspect(a, &json));
    assert_non_null(strstr(json, "\"RepoTags\":[\"localhost/special-a:latest\"]"));
    ctr_free(json);
    assert_ctr_ok(ctr_container_unmount(ca, 1));
    assert_ctr_ok(ctr_container_unmount(cb, 1));
    assert_ctr_ok(ctr_container_remove(ca, CTR_REMOVE_FORCE));
    assert_ctr_ok(ctr_container_remove(cb, CTR_REMOVE_FORCE));
    ctr_container_unref(ca);
    ctr_container_unref(cb);
    ctr_image_unref(a);
    ctr_image_unref(b);
}

/* ---- commit ---- */

static void test_commit(void **state)
{
    const char *cmd[] = { "/bin/sh", "-c", "echo committed > /etc/motd; rm -rf /home; mkdir -p /data; touch /data/new", NULL };
    ctr_container_options_t o = CTR_CONTAINER_OPTIONS_INIT;
    o.image = "from-oci";
    o.command = cmd;
    ctr_container_t *c = NULL;
    assert_ctr_ok(ctr_container_create(&c, rt, &o));
    assert_ctr_ok(ctr_container_start(c));
    assert_ctr_ok(ctr_container_wait(c, 30000, NULL));
    int64_t rw = 0;
    assert_ctr_ok(ctr_container_rw_size(c, &rw));
    assert_true(rw > 0);
    const char *changes[] = { "CMD [\"/bin/cat\", \"/etc/motd\"]", "ENV COMMITTED=yes", "LABEL stage=two", NULL };
    ctr_commit_options_t co = CTR_COMMIT_OPTIONS_INIT;
    co.name = "committed";
    co.changes = changes;
    co.author = "tester";
    co.message = "a change";
    ctr_image_t *img = NULL;
    assert_ctr_ok(ctr_container_commit(c, &co, &img));
    assert_int_equal(ctr_image_layer_count(img), 2);
    char out[4096];
    run_image(rt, "committed", NULL, out);
    assert_string_equal(out, "committed\n");
    run_image(rt, "committed", "test -e /home && echo home; ls /data; echo $COMMITTED", out);
    assert_string_equal(out, "new\nyes\n");
    char *json = NULL;
    assert_ctr_ok(ctr_image_inspect(img, &json));
    assert_non_null(strstr(json, "\"stage\":\"two\""));
    assert_non_null(strstr(json, "a change"));
    ctr_free(json);
    ctr_image_unref(img);
    assert_ctr_ok(ctr_container_remove(c, CTR_REMOVE_FORCE));
    ctr_container_unref(c);
    /* A running container, paused while committing; a rootfs container cannot be committed. */
    const char *sleeper[] = { "/bin/sh", "-c", "echo live > /live; exec sleep 100", NULL };
    o.command = sleeper;
    assert_ctr_ok(ctr_container_create(&c, rt, &o));
    assert_ctr_ok(ctr_container_start(c));
    usleep(300000);
    co = (ctr_commit_options_t)CTR_COMMIT_OPTIONS_INIT;
    co.flags = CTR_COMMIT_PAUSE;
    assert_ctr_ok(ctr_container_commit(c, &co, &img));
    ctr_state_t st;
    assert_ctr_ok(ctr_container_state(c, &st));
    assert_int_equal(st, CTR_STATE_RUNNING);
    assert_int_equal(ctr_image_names(img)[0], NULL);
    run_image(rt, ctr_image_id(img), "cat /live", out);
    assert_string_equal(out, "live\n");
    ctr_image_unref(img);
    assert_ctr_ok(ctr_container_remove(c, CTR_REMOVE_FORCE));
    ctr_container_unref(c);
    o = (ctr_container_options_t)CTR_CONTAINER_OPTIONS_INIT;
    o.rootfs = rootfs;
    assert_ctr_ok(ctr_container_create(&c, rt, &o));
    assert_ctr_err(ctr_container_commit(c, NULL, NULL), -EOPNOTSUPP);
    assert_ctr_ok(ctr_container_remove(c, 0));
    ctr_container_unref(c);
}

/* ---- image volumes and image defaults ---- */

static void test_image_volumes(void **state)
{
    char ref[512];
    snprintf(ref, sizeof ref, "tarball:%s/bb.tar", root.root);
    const char *changes[] = { "VOLUME /vol", "WORKDIR /tmp", "ENV FROM_IMAGE=1", "LABEL from=image", "EXPOSE 8080",
                              "STOPSIGNAL SIGINT", "ENTRYPOINT [\"/bin/sh\", \"-c\"]", "CMD [\"pwd\"]", NULL };
    ctr_import_options_t io = CTR_IMPORT_OPTIONS_INIT;
    io.reference = ref;
    io.name = "with-volume";
    io.changes = changes;
    assert_ctr_ok(ctr_image_import(rt, &io, NULL));
    const char *env[] = { "MINE=2", NULL };
    ctr_container_options_t o = CTR_CONTAINER_OPTIONS_INIT;
    o.image = "with-volume";
    o.env = env;
    o.flags = CTR_CREATE_IMAGE_VOLUMES;
    ctr_container_t *c = NULL;
    assert_ctr_ok(ctr_container_create(&c, rt, &o));
    /* podman's rules: the image's entrypoint, then its cmd */
    assert_string_equal(ctr_container_entrypoint(c)[0], "/bin/sh");
    assert_string_equal(ctr_container_entrypoint(c)[1], "-c");
    assert_string_equal(ctr_container_command(c)[0], "pwd");
    assert_string_equal(ctr_container_workdir(c), "/tmp");
    assert_string_equal(ctr_container_volumes(c)[0], "/vol");
    assert_string_equal(ctr_container_exposed_ports(c)[0], "8080/tcp");
    assert_string_equal(ctr_container_label(c, "from"), "image");
    assert_int_equal(ctr_container_stop_signal(c), SIGINT);
    assert_non_null(ctr_container_image_id(c));
    bool mine = false, theirs = false;
    for (const char *const *e = ctr_container_env(c); *e; e++) {
        mine |= strcmp(*e, "MINE=2") == 0;
        theirs |= strcmp(*e, "FROM_IMAGE=1") == 0;
    }
    assert_true(mine && theirs);
    assert_ctr_ok(ctr_container_remove(c, 0));
    ctr_container_unref(c);
    ctr_container_t *c2 = NULL;
    /* the image's entrypoint (sh -c) runs the command (podman's rules) */
    const char *cmd[] = { "echo data > /vol/f; mount | grep -c ' /vol '", NULL };
    o.command = cmd;
    assert_ctr_ok(ctr_container_create(&c2, rt, &o));
    assert_ctr_ok(ctr_container_start(c2));
    int code = -1;
    assert_ctr_ok(ctr_container_wait(c2, 30000, &code));
    assert_int_equal(code, 0);
    /* The image's volume is an anonymous volume, as podman makes it. */
    ctr_volume_t **vols = NULL;
    size_t nv = 0;
    const char *in_use[] = { "dangling=false", NULL };
    assert_ctr_ok(ctr_volume_list(rt, in_use, &vols, &nv));
    assert_int_equal(nv, 1);
    assert_int_equal(ctr_volume_anonymous(vols[0]), 1);
    char out[256];
    sh_out(out, sizeof out, "cat %s/f", ctr_volume_mountpoint(vols[0]));
    assert_string_equal(out, "data");
    ctr_volume_list_free(vols, nv);
    assert_ctr_ok(ctr_container_remove(c2, CTR_REMOVE_FORCE | CTR_REMOVE_VOLUMES));
    ctr_container_unref(c2);
    /* The first container's went with neither of them (rm without -v keeps it). */
    assert_ctr_ok(ctr_volume_list(rt, NULL, &vols, &nv));
    assert_int_equal(nv, 1);
    ctr_volume_list_free(vols, nv);
    assert_int_equal(ctr_volume_prune(rt, NULL, 0, NULL), 1);
}

/* ---- save ---- */

static void validate_layout(const char *dir)
{
    char cmd[4096];
    snprintf(cmd, sizeof cmd,
             "set -e; v=${OCI_VALIDATE:-%s/tests/lib/oci-validate}; d=%s; $v image-layout $d/oci-layout; "
             "$v image-index $d/index.json; for m in $(python3 -c \"import json;"
             "print(' '.join(x['digest'][7:] for x in json.load(open('$d/index.json'))['manifests']))\"); do "
             "$v image-manifest $d/blobs/sha256/$m; c=$(python3 -c \"import json;"
             "print(json.load(open('$d/blobs/sha256/'+'$m'))['config']['digest'][7:])\"); "
             "$v image-config $d/blobs/sha256/$c; done",
             src_root, dir);
    if (system(cmd) != 0)
        fail_msg("%s does not validate", dir);
}

static void test_save(void **state)
{
    ctr_image_t *img = NULL;
    assert_ctr_ok(ctr_image_lookup(rt, "committed", &img));
    char ref[512], dir[256], name[160];
    snprintf(dir, sizeof dir, "%s/saved-oci", root.root);
    snprintf(ref, sizeof ref, "oci:%s:v1", dir);
    assert_ctr_ok(ctr_image_save(img, ref, NULL));
    snprintf(ref, sizeof ref, "oci:%s:v2", dir);
    assert_ctr_ok(ctr_image_save(img, ref, NULL)); /* a second tag in the same layout */
    validate_layout(dir);
    sh("skopeo inspect oci:%s:v1 >/dev/null && skopeo inspect oci:%s:v2 >/dev/null", dir, dir);
    snprintf(ref, sizeof ref, "oci-archive:%s/saved-oci.tar:v1", root.root);
    assert_ctr_ok(ctr_image_save(img, ref, NULL));
    sh("mkdir -p %s/unpacked && tar -C %s/unpacked -xf %s/saved-oci.tar", root.root, root.root, root.root);
    snprintf(dir, sizeof dir, "%s/unpacked", root.root);
    validate_layout(dir);
    snprintf(name, sizeof name, "localhost/libctr-test-saved-%d:latest", (int)getpid());
    snprintf(ref, sizeof ref, "docker-archive:%s/saved-docker.tar:%s", root.root, name);
    assert_ctr_ok(ctr_image_save(img, ref, NULL));
    sh("skopeo inspect oci-archive:%s/saved-oci.tar:v1 >/dev/null && skopeo inspect docker-archive:%s/saved-docker.tar "
       ">/dev/null",
       root.root, root.root);
    /* podman loads it and sees the committed change in a container's root. */
    char out[256];
    sh("podman load -q -i %s/saved-docker.tar >/dev/null", root.root);
    sh_out(out, sizeof out, "c=$(podman create %s) && m=$(podman mount $c) && cat $m/etc/motd; podman rm -f $c >/dev/null",
           name);
    sh("podman rmi -f %s >/dev/null", name);
    assert_string_equal(out, "committed");
    /* Round trip: the saved layout loads back to the same image. */
    snprintf(ref, sizeof ref, "oci:%s/saved-oci:v1", root.root);
    ctr_image_t *back = import_ref(rt, ref, NULL);
    assert_string_equal(ctr_image_id(back), ctr_image_id(img));
    ctr_image_unref(back);
    /* An image from podman's store (layers rebuilt) saves consistently too. */
    ctr_image_t *p = NULL;
    assert_ctr_ok(ctr_image_lookup(rt, "from-podman", &p));
    snprintf(ref, sizeof ref, "oci:%s/saved-podman:latest", root.root);
    assert_ctr_ok(ctr_image_save(p, ref, NULL));
    snprintf(dir, sizeof dir, "%s/saved-podman", root.root);
    validate_layout(dir);
    sh("skopeo inspect oci:%s:latest >/dev/null", dir);
    ctr_image_unref(p);
    assert_ctr_err(ctr_image_save(img, "http://x", NULL), -EINVAL);
    ctr_image_unref(img);
}

/* ---- removal, tags, prune ---- */

static void test_remove_in_use(void **state)
{
    ctr_image_t *img = NULL;
    assert_ctr_ok(ctr_image_lookup(rt, "committed", &img));
    assert_ctr_ok(ctr_image_tag(img, "second-name:v2"));
    ctr_image_t *again = NULL;
    assert_ctr_ok(ctr_image_lookup(rt, "second-name:v2", &again));
    assert_string_equal(ctr_image_id(again), ctr_image_id(img));
    ctr_image_unref(again);
    /* Removing by one of two names only untags. */
    assert_ctr_ok(ctr_image_remove(rt, "second-name:v2", 0));
    assert_ctr_err(ctr_image_lookup(rt, "second-name:v2", &again), -ENOENT);
    assert_ctr_ok(ctr_image_lookup(rt, "committed", &again));
    ctr_image_unref(again);
    ctr_container_options_t o = CTR_CONTAINER_OPTIONS_INIT;
    o.image = "committed";
    ctr_container_t *c = NULL;
    assert_ctr_ok(ctr_container_create(&c, rt, &o));
    assert_ctr_err(ctr_image_remove(rt, "committed", 0), -EBUSY);
    assert_ctr_err(ctr_image_remove(rt, ctr_image_id(img), 0), -EBUSY);
    /* Forced: the image goes, the container keeps its layers and still runs. */
    assert_ctr_ok(ctr_image_remove(rt, ctr_image_id(img), CTR_IMAGE_REMOVE_FORCE));
    assert_ctr_err(ctr_image_lookup(rt, ctr_image_id(img), &again), -ENOENT);
    assert_ctr_ok(ctr_container_start(c));
    int code = -1;
    assert_ctr_ok(ctr_container_wait(c, 30000, &code));
    assert_int_equal(code, 0);
    assert_ctr_ok(ctr_container_remove(c, 0));
    ctr_container_unref(c);
    assert_ctr_err(ctr_image_tag(img, "x"), -ENOENT);
    ctr_image_unref(img);
    /* prune --all removes every unused image; layers go with them. */
    char **removed = NULL;
    int n = ctr_image_prune(rt, CTR_IMAGE_PRUNE_ALL, &removed);
    assert_true(n > 0);
    ctr_strv_free(removed);
    ctr_image_t **list = NULL;
    size_t count = 9;
    assert_ctr_ok(ctr_image_list(rt, &list, &count));
    assert_int_equal(count, 0);
    ctr_image_list_free(list, count);
    char dir[256];
    snprintf(dir, sizeof dir, "%s/storage/layers", root.root);
    assert_int_equal(test_count_entries(dir), 0);
    snprintf(dir, sizeof dir, "%s/storage/blobs/sha256", root.root);
    assert_int_equal(test_count_entries(dir), 0);
}

/* ---- an import killed half way ---- */

static int kill_half_way(uint64_t done, uint64_t total, void *userdata)
{
    if (total && done > total / 2)
        raise(SIGKILL);
    return 0;
}

static int cancel_at_once(uint64_t done, uint64_t total, void *userdata)
{
    return 1;
}

static void test_killed_import(void **state)
{
    char big[256];
    snprintf(big, sizeof big, "%s/big.tar", root.root);
    sh("mkdir -p %s/big && head -c 40000000 /dev/urandom > %s/big/blob && tar -C %s/big -cf %s . && rm -rf %s/big",
       root.root, root.root, root.root, big, root.root);
    char ref[512];
    snprintf(ref, sizeof ref, "tarball:%s", big);
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        ctr_runtime_t *crt = test_runtime(&root, getenv("CTR_TEST_BACKEND"));
        ctr_import_options_t o = CTR_IMPORT_OPTIONS_INIT;
        o.reference = ref;
        o.name = "half";
        o.progress = kill_half_way;
        ctr_image_import(crt, &o, NULL);
        _exit(3); /* not reached: the callback kills us */
    }
    int status = 0;
    waitpid(pid, &status, 0);
    assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
    ctr_image_t *img = NULL;
    assert_ctr_err(ctr_image_lookup(rt, "half", &img), -ENOENT);
    ctr_image_t **list = NULL;
    size_t n = 0;
    assert_ctr_ok(ctr_image_list(rt, &list, &n));
    assert_int_equal(n, 0);
    ctr_image_list_free(list, n);
    /* The next writer cleans the stale staging directory. */
    char **removed = NULL;
    assert_int_equal(ctr_image_prune(rt, 0, &removed), 0);
    ctr_strv_free(removed);
    char dir[256];
    snprintf(dir, sizeof dir, "%s/storage/tmp", root.root);
    assert_int_equal(test_count_entries(dir), 0);
    snprintf(dir, sizeof dir, "%s/storage/layers", root.root);
    assert_int_equal(test_count_entries(dir), 0);
    /* Cancellation through the callback: -ECANCELED, nothing left. */
    ctr_import_options_t o = CTR_IMPORT_OPTIONS_INIT;
    o.reference = ref;
    o.progress = cancel_at_once;
    assert_ctr_err(ctr_image_import(rt, &o, NULL), -ECANCELED);
    snprintf(dir, sizeof dir, "%s/storage/tmp", root.root);
    assert_int_equal(test_count_entries(dir), 0);
    unlink(big);
}

static void test_no_leftovers(void **state)
{
    char cmd[512], out[256];
    snprintf(cmd, sizeof cmd, "grep -c -F ' %s' /proc/self/mountinfo || true", root.root);
    sh_out(out, sizeof out, "%s", cmd);
    assert_string_equal(out, "0");
    snprintf(cmd, sizeof cmd, "%s/storage/containers", root.root);
    assert_int_equal(test_count_entries(cmd), 0);
}

static int group_setup(void **state)
{
    const char *src = getenv("SOURCE_ROOT");
    bool ci = getenv("CI") && strcmp(getenv("CI"), "true") == 0;
    const char *need[] = { "/usr/sbin/runc", "/usr/bin/conmon", "/usr/bin/podman", "/usr/bin/skopeo", "/usr/bin/umoci",
                           "/usr/bin/setfattr" };
    for (size_t i = 0; i < sizeof need / sizeof need[0]; i++)
        if (geteuid() != 0 || access(need[i], X_OK) != 0) {
            fprintf(stderr, "storage integration: needs root and %s%s\n", need[i], ci ? " (CI: failing)" : " (skipping)");
            exit(ci ? 1 : 77);
        }
    snprintf(src_root, sizeof src_root, "%s", src ? src : ".");
    test_root_make(&root);
    snprintf(rootfs, sizeof rootfs, "%s/rootfs", root.root);
    snprintf(podman_name, sizeof podman_name, "localhost/libctr-test-bb-%d:latest", (int)getpid());
    char cmd[4096];
    snprintf(cmd, sizeof cmd,
             "set -e; %s/tests/lib/make-rootfs.sh %s; tar -C %s -cf %s/bb.tar .; "
             "podman import -q --change 'CMD [\"/bin/sh\",\"-c\",\"echo hello from the image\"]' %s/bb.tar %s >/dev/null; "
             "skopeo copy -q containers-storage:%s oci:%s/oci-bb:latest; "
             "skopeo copy -q containers-storage:%s oci-archive:%s/bb-oci.tar:v1; "
             "skopeo copy -q containers-storage:%s docker-archive:%s/bb-docker.tar:%s",
             src_root, rootfs, rootfs, root.root, root.root, podman_name, podman_name, root.root, podman_name, root.root,
             podman_name, root.root, podman_name);
    if (system(cmd) != 0)
        return -1;
    FILE *p = NULL;
    snprintf(cmd, sizeof cmd, "podman image inspect --format '{{.Id}}' %s", podman_name);
    if (!(p = popen(cmd, "r")) || !fgets(podman_id, sizeof podman_id, p))
        return -1;
    pclose(p);
    podman_id[strcspn(podman_id, "\n")] = '\0';
    rt = test_runtime(&root, getenv("CTR_TEST_BACKEND") ? getenv("CTR_TEST_BACKEND") : "files");
    return 0;
}

static int group_teardown(void **state)
{
    char cmd[512];
    snprintf(cmd, sizeof cmd, "podman rmi -f %s >/dev/null 2>&1", podman_name);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove podman image %s\n", podman_name);
    ctr_runtime_unref(rt);
    snprintf(cmd, sizeof cmd, "grep -F ' %s/' /proc/self/mountinfo | awk '{print $5}' | sort -r | xargs -r -n1 umount -l",
             root.root);
    (void)!system(cmd);
    test_root_remove(&root);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_load_sources),
        cmocka_unit_test(test_umoci_multilayer),
        cmocka_unit_test(test_hostile_layers),
        cmocka_unit_test(test_export_reimport),
        cmocka_unit_test(test_commit),
        cmocka_unit_test(test_image_volumes),
        cmocka_unit_test(test_save),
        cmocka_unit_test(test_remove_in_use),
        cmocka_unit_test(test_killed_import),
        cmocka_unit_test(test_no_leftovers),
    };
    return cmocka_run_group_tests_name("storage", tests, group_setup, group_teardown);
}
