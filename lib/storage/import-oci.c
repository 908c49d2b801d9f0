/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Importing images: the shared path from an image source (config, layers)
 * to a published image, and OCI image layouts, as directories and archives. */
#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include "error.h"
#include "json-util.h"
#include "storage/store.h"

#define MT_LAYER_TAR "application/vnd.oci.image.layer.v1.tar"

static const char *layer_media_type(const char *given, const char *compression)
{
    if (given)
        return given;
    if (!compression)
        return MT_LAYER_TAR;
    if (streq(compression, "gzip"))
        return MT_LAYER_TAR "+gzip";
    if (streq(compression, "zstd"))
        return MT_LAYER_TAR "+zstd";
    return MT_LAYER_TAR;
}

static int64_t config_created(json_object *cfg)
{
    json_object *v;
    int64_t ns = 0;
    if (json_object_object_get_ex(cfg, "created", &v) && json_object_is_type(v, json_type_string))
        ctr__parse_time(json_object_get_string(v), &ns);
    return ns;
}

static void close_src(struct ctr__src *s)
{
    if (s->fd >= 0)
        close(s->fd);
    s->fd = -1;
}

int ctr__import_image(struct ctr__import *im, const struct ctr__image_source *src, const char *const *names)
{
    struct ctr__store *s = im->s;
    int r;
    _cleanup_(ctr__stage_freep) struct ctr__stage *own_stage = NULL;
    struct ctr__stage *st = src->stage;
    if (!st) {
        if ((r = ctr__stage_new(s, &own_stage)) < 0)
            return r;
        st = own_stage;
    }

    /* The config: its digest is the image ID. */
    struct ctr__src cs = { .fd = -1 };
    _cleanup_free_ char *staged_cfg = NULL, *config = NULL;
    size_t config_size = 0;
    if ((r = src->open_blob(src->userdata, (size_t)-1, src->config_hex, src->config_path, &cs, &staged_cfg)) < 0)
        return r;
    r = ctr__src_read(&cs, 16 << 20, src->config_hex, "image config", &config, &config_size);
    close_src(&cs);
    if (r < 0)
        return r;
    _cleanup_json_ json_object *cfg = NULL;
    _cleanup_strv_ char **diff_ids = NULL;
    if ((r = ctr__image_config_parse(config, &cfg, &diff_ids)) < 0)
        return r;
    size_t n = ctr__strv_len((const char *const *)diff_ids);
    if (n != src->n_layers)
        return ctr__err(-EINVAL, "the image config lists %zu layers but the manifest %zu", n, src->n_layers);
    char config_hex[65];
    if ((r = ctr__stage_blob_write(st, config, config_size, config_hex)) < 0)
        return r;
    char manifest_hex[65] = "";
    if (src->manifest_json && (r = ctr__stage_blob_write(st, src->manifest_json, src->manifest_size, manifest_hex)) < 0)
        return r;

    /* Which layers the store has already (by chain ID). */
    _cleanup_strv_ char **chain = ctr__strv_copy(NULL);
    if (!chain)
        return -ENOMEM;
    char prev[65] = "";
    for (size_t i = 0; i < n; i++) {
        char id[65];
        if ((r = ctr__chain_id(i ? prev : NULL, diff_ids[i], id)) < 0 || (r = ctr__strv_push(&chain, id)) < 0)
            return r;
        memcpy(prev, id, 65);
    }
    bool *have = calloc(n + 1, sizeof *have);
    int64_t *sizes = calloc(n + 1, sizeof *sizes);
    struct ctr__layer_rec *recs = calloc(n + 1, sizeof *recs);
    if (!have || !sizes || !recs) {
        free(have);
        free(sizes);
        free(recs);
        return -ENOMEM;
    }
    if ((r = ctr__store_lock(s)) == 0) {
        for (size_t i = 0; i < n; i++) {
            struct ctr__layer_rec *l = ctr__store_layer(s, chain[i]);
            if (l) {
                have[i] = true;
                sizes[i] = l->size;
            }
        }
        ctr__store_unlock(s);
    }
    for (size_t i = 0; i < n && src->layer_size; i++)
        im->prog.total += src->layer_size[i];

    for (size_t i = 0; i < n && r == 0; i++) {
        if (have[i]) {
            if (src->layer_size && (r = ctr__progress_add(&im->prog, src->layer_size[i])) < 0)
                break;
            continue;
        }
        struct ctr__src ls = { .fd = -1 };
        _cleanup_free_ char *staged = NULL, *tmp = NULL;
        const char *hex = src->layer_hex ? src->layer_hex[i] : NULL;
        r = src->open_blob(src->userdata, i, hex, src->layer_path ? src->layer_path[i] : NULL, &ls, &staged);
        if (r < 0)
            break;
        int root_fd = -1, copy_fd = -1;
        r = ctr__stage_layer_dir(st, chain[i], i ? chain[i - 1] : NULL, &root_fd);
        if (r == 0 && !staged)
            r = ctr__stage_blob_tmp(st, &tmp, &copy_fd);
        struct ctr__layer_result lr = { 0 };
        if (r == 0) {
            r = ctr__layer_unpack(&ls, hex, src->regenerated ? NULL : diff_ids[i], copy_fd, root_fd,
                                  s->vfs ? CTR__UNPACK_VFS : CTR__UNPACK_OVERLAY, &im->prog, &lr);
            if (r < 0)
                ctr__err_prefix(r, "layer %zu (sha256:%.12s)", i + 1, hex ? hex : diff_ids[i]);
        }
        if (root_fd >= 0)
            close(root_fd);
        if (copy_fd >= 0)
            close(copy_fd);
        int64_t blob_size = (int64_t)ls.size;
        close_src(&ls);
        if (r == 0)
            r = ctr__stage_blob_done(st, staged ? staged : tmp, lr.digest);
        if (r == 0)
            r = ctr__layer_rec_make(chain[i], i ? chain[i - 1] : NULL, diff_ids[i], &lr,
                                    layer_media_type(src->layer_media_type ? src->layer_media_type[i] : NULL,
                                                     lr.compression),
                                    blob_size, &recs[i]);
        sizes[i] = (int64_t)lr.size;
    }
    if (r == 0) {
        struct ctr__image_rec img = { 0 };
        img.id = strdup(config_hex);
        img.manifest = manifest_hex[0] ? strdup(manifest_hex) : NULL;
        img.names = ctr__strv_copy(NULL);
        img.layers = ctr__strv_copy((const char *const *)chain);
        img.created = config_created(cfg);
        for (size_t i = 0; i < n; i++)
            img.size += sizes[i];
        if (!img.id || (manifest_hex[0] && !img.manifest) || !img.names || !img.layers)
            r = -ENOMEM;
        _cleanup_strv_ char **norm = ctr__strv_copy(NULL);
        if (!norm)
            r = -ENOMEM;
        for (const char *const *nm = names; r == 0 && nm && *nm; nm++) {
            char *x = NULL;
            if ((r = ctr__image_name_normalize(*nm, &x)) == 0) {
                if (!ctr__strv_contains((const char *const *)norm, x))
                    r = ctr__strv_push(&norm, x);
                free(x);
            }
        }
        if (r == 0)
            r = ctr__stage_publish(st, recs, n, &img, (const char *const *)norm);
        if (r == 0 && !(im->image_id = strdup(config_hex)))
            r = -ENOMEM;
        ctr__image_rec_clear(&img);
    }
    for (size_t i = 0; i < n; i++)
        ctr__layer_rec_clear(&recs[i]);
    free(recs);
    free(have);
    free(sizes);
    return r;
}

/* ---- OCI layouts ---- */

struct layout {
    int dir_fd;                  /* a directory layout, or -1 */
    int tar_fd;                  /* an archive, or -1 */
    struct ctr__tar_index ix;
};

static int layout_open(struct layout *l, const char *hex, const char *path, struct ctr__src *ret)
{
    char name[PATH_MAX];
    if (hex)
        snprintf(name, sizeof name, "blobs/sha256/%s", hex);
    else
        snprintf(name, sizeof name, "%s", path);
    if (l->dir_fd >= 0) {
        int fd = ctr__openat_in_root(l->dir_fd, name, O_RDONLY, 0, true);
        if (fd < 0)
            return ctr__err(fd, "%s: %s", name, strerror(-fd));
        struct stat st;
        if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
            close(fd);
            return ctr__err(-EINVAL, "%s is not a regular file", name);
        }
        *ret = (struct ctr__src){ .fd = fd, .off = 0, .size = (uint64_t)st.st_size };
        return 0;
    }
    const struct ctr__tar_member *m = ctr__tar_index_find(&l->ix, name);
    if (!m)
        return ctr__err(-ENOENT, "the archive has no %s", name);
    int fd = fcntl(l->tar_fd, F_DUPFD_CLOEXEC, 3);
    if (fd < 0)
        return -errno;
    *ret = (struct ctr__src){ .fd = fd, .off = m->off, .size = m->size };
    return 0;
}

static int layout_blob_open(void *userdata, size_t index, const char *hex, const char *path, struct ctr__src *ret,
                            char **ret_staged)
{
    return layout_open(userdata, hex, path, ret);
}

static int layout_blob_read(void *userdata, const char *hex, char **ret, size_t *ret_size)
{
    struct ctr__src s;
    int r = layout_open(userdata, hex, NULL, &s);
    if (r < 0)
        return r;
    r = ctr__src_read(&s, 16 << 20, hex, "blob", ret, ret_size);
    close(s.fd);
    return r;
}

static int import_layout(struct ctr__import *im, struct layout *l, const char *tag, const char *const *names,
                         struct ctr__stage *st)
{
    struct ctr__src s;
    int r = layout_open(l, NULL, "oci-layout", &s);
    if (r < 0)
        return ctr__err_prefix(r, "not an OCI image layout");
    _cleanup_free_ char *text = NULL;
    r = ctr__src_read(&s, 65536, NULL, "oci-layout", &text, NULL);
    close(s.fd);
    if (r < 0)
        return r;
    _cleanup_json_ json_object *ol = NULL;
    if ((r = ctr__json_parse(text, "oci-layout", &ol)) < 0)
        return r;
    free(TAKE_PTR(text));
    if ((r = layout_open(l, NULL, "index.json", &s)) < 0)
        return r;
    r = ctr__src_read(&s, 16 << 20, NULL, "index.json", &text, NULL);
    close(s.fd);
    if (r < 0)
        return r;
    struct ctr__manifest_pick pick = { 0 };
    if ((r = ctr__oci_index_pick(text, tag, layout_blob_read, l, &pick)) < 0)
        return r;
    _cleanup_free_ char *mt = pick.media_type, *ref_name = pick.ref_name;
    _cleanup_free_ char *mjson = NULL;
    size_t msize = 0;
    if ((r = layout_blob_read(l, pick.digest, &mjson, &msize)) < 0)
        return ctr__err_prefix(r, "manifest");
    struct ctr__manifest m = { 0 };
    if ((r = ctr__manifest_parse(mjson, &m)) < 0)
        return r;
    const char **hexes = calloc(m.n_layers + 1, sizeof *hexes);
    const char **mts = calloc(m.n_layers + 1, sizeof *mts);
    uint64_t *sizes = calloc(m.n_layers + 1, sizeof *sizes);
    if (!hexes || !mts || !sizes)
        r = -ENOMEM;
    for (size_t i = 0; r == 0 && i < m.n_layers; i++) {
        hexes[i] = m.layers[i].digest;
        mts[i] = m.layers[i].media_type;
        sizes[i] = m.layers[i].size > 0 ? (uint64_t)m.layers[i].size : 0;
    }
    _cleanup_strv_ char **all = ctr__strv_copy(names);
    if (!all)
        r = -ENOMEM;
    /* A ref name that looks like an image name names the image; a bare tag does not. */
    if (r == 0 && ref_name && (strchr(ref_name, '/') || strchr(ref_name, ':')) && !names)
        r = ctr__strv_push(&all, ref_name);
    if (r == 0) {
        struct ctr__image_source src = {
            .open_blob = layout_blob_open,
            .userdata = l,
            .config_hex = m.config,
            .manifest_json = mjson,
            .manifest_size = msize,
            .n_layers = m.n_layers,
            .layer_hex = hexes,
            .layer_media_type = mts,
            .layer_size = sizes,
            .stage = st,
        };
        r = ctr__import_image(im, &src, (const char *const *)all);
    }
    free(hexes);
    free(mts);
    free(sizes);
    ctr__manifest_clear(&m);
    return r;
}

int ctr__import_oci_dir(struct ctr__import *im, int dir_fd, const char *tag, const char *const *names)
{
    struct layout l = { .dir_fd = dir_fd, .tar_fd = -1 };
    return import_layout(im, &l, tag, names, NULL);
}

static void archive_read_freep(struct archive **a)
{
    if (*a)
        archive_read_free(*a);
}

int ctr__archive_open_plain(const char *path, struct ctr__stage *st, struct ctr__progress *prog, int *ret_fd)
{
    _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return ctr__err(-errno, "%s: %m", path);
    unsigned char m[4] = { 0 };
    if (pread(fd, m, sizeof m, 0) < 0)
        return ctr__err(-errno, "%s: %m", path);
    bool gz = m[0] == 0x1f && m[1] == 0x8b, zst = m[0] == 0x28 && m[1] == 0xb5 && m[2] == 0x2f && m[3] == 0xfd;
    if (!gz && !zst) {
        *ret_fd = TAKE_FD(fd);
        return 0;
    }
    /* Compressed: decompress into the stage once. */
    _cleanup_free_ char *tmp = NULL;
    _cleanup_close_ int out = -1;
    int r = ctr__stage_blob_tmp(st, &tmp, &out);
    if (r < 0)
        return r;
    _cleanup_(archive_read_freep) struct archive *a = archive_read_new();
    if (!a)
        return -ENOMEM;
    archive_read_support_filter_all(a);
    archive_read_support_format_raw(a);
    struct archive_entry *e;
    if (archive_read_open_fd(a, fd, 1 << 20) != ARCHIVE_OK || archive_read_next_header(a, &e) != ARCHIVE_OK)
        return ctr__err(-EINVAL, "%s: %s", path, archive_error_string(a));
    char *buf = malloc(1 << 20);
    if (!buf)
        return -ENOMEM;
    for (;;) {
        la_ssize_t n = archive_read_data(a, buf, 1 << 20);
        if (n < 0) {
            r = ctr__err(-EINVAL, "%s: %s", path, archive_error_string(a));
            break;
        }
        if (n == 0)
            break;
        if ((r = ctr__write_all(out, buf, (size_t)n)) < 0 || (r = ctr__progress_add(prog, 0)) < 0)
            break;
    }
    free(buf);
    if (r < 0)
        return r;
    *ret_fd = TAKE_FD(out);
    return 0;
}

int ctr__import_oci_archive(struct ctr__import *im, const char *path, const char *tag, const char *const *names)
{
    _cleanup_(ctr__stage_freep) struct ctr__stage *st = NULL;
    int r = ctr__stage_new(im->s, &st);
    if (r < 0)
        return r;
    struct layout l = { .dir_fd = -1, .tar_fd = -1 };
    if ((r = ctr__archive_open_plain(path, st, &im->prog, &l.tar_fd)) < 0)
        return r;
    r = ctr__tar_index_build(l.tar_fd, &l.ix);
    if (r < 0)
        ctr__err_prefix(r, "%s", path);
    else
        r = import_layout(im, &l, tag, names, st);
    ctr__tar_index_clear(&l.ix);
    close(l.tar_fd);
    return r;
}
