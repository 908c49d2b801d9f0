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

#include "base/error.h"
#include "base/json-util.h"
#include "storage/store.h"

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

/* One import from an image source under way. */
struct import_job {
    struct ctr__import *im;
    const struct ctr__image_source *src;
    struct ctr__stage *st;        /* src->stage, or own_stage */
    struct ctr__stage *own_stage;
    char **names;                 /* normalized, each once */
    json_object *cfg;
    char **diff_ids;
    char **chain;                 /* chain IDs, base first */
    size_t n;
    bool *have;                   /* in the store already */
    int64_t *sizes;
    struct ctr__layer_rec *recs;  /* of the layers unpacked here */
    char config_hex[65];
    char manifest_hex[65];
};

static void import_job_done(struct import_job *j)
{
    for (size_t i = 0; j->recs && i < j->n; i++)
        ctr__layer_rec_clear(&j->recs[i]);
    free(j->recs);
    free(j->have);
    free(j->sizes);
    ctr__strv_free(j->chain);
    ctr__strv_free(j->diff_ids);
    json_object_put(j->cfg);
    ctr__strv_free(j->names);
    ctr__stage_free(j->own_stage);
}

/* The config (its digest is the image ID) and the manifest, staged. */
static int stage_config(struct import_job *j)
{
    const struct ctr__image_source *src = j->src;
    _cleanup_(close_src) struct ctr__src cs = { .fd = -1 };
    _cleanup_free_ char *staged = NULL, *config = NULL;
    size_t config_size = 0;
    int r = src->open_blob(src->userdata, (size_t)-1, src->config_hex, src->config_path, &cs, &staged);
    if (r < 0 || (r = ctr__src_read(&cs, 16 << 20, src->config_hex, "image config", &config, &config_size)) < 0)
        return r;
    if ((r = ctr__image_config_parse(config, &j->cfg, &j->diff_ids)) < 0)
        return r;
    j->n = ctr__strv_len((const char *const *)j->diff_ids);
    if (j->n != src->n_layers)
        return ctr__err(-EINVAL, "the image config lists %zu layers but the manifest %zu", j->n, src->n_layers);
    if ((r = ctr__stage_blob_write(j->st, config, config_size, j->config_hex)) < 0)
        return r;
    if (src->manifest_json &&
        (r = ctr__stage_blob_write(j->st, src->manifest_json, src->manifest_size, j->manifest_hex)) < 0)
        return r;
    return 0;
}

/* The layers' chain IDs, and which of them the store has already. */
static int known_layers(struct import_job *j)
{
    if (!(j->chain = ctr__strv_copy(NULL)))
        return ctr__oom("chain IDs");
    for (size_t i = 0; i < j->n; i++) {
        char id[65];
        int r = ctr__chain_id(i ? j->chain[i - 1] : NULL, j->diff_ids[i], id);
        if (r < 0)
            return r;
        if (ctr__strv_push(&j->chain, id) < 0)
            return ctr__oom("chain IDs");
    }
    j->have = calloc(j->n + 1, sizeof *j->have);
    j->sizes = calloc(j->n + 1, sizeof *j->sizes);
    j->recs = calloc(j->n + 1, sizeof *j->recs);
    if (!j->have || !j->sizes || !j->recs)
        return ctr__oom("layer records");
    int r = ctr__store_lock(j->im->s);
    if (r < 0)
        return r;
    for (size_t i = 0; i < j->n; i++) {
        struct ctr__layer_rec *l = ctr__store_layer(j->im->s, j->chain[i]);
        if (l) {
            j->have[i] = true;
            j->sizes[i] = l->size;
        }
    }
    ctr__store_unlock(j->im->s);
    for (size_t i = 0; i < j->n && j->src->layer_size; i++)
        j->im->prog.total += j->src->layer_size[i];
    return 0;
}

/* Unpack layer i into the stage (its blob kept), and make its record. */
static int import_layer(struct import_job *j, size_t i)
{
    const struct ctr__image_source *src = j->src;
    if (j->have[i])
        return src->layer_size ? ctr__progress_add(&j->im->prog, src->layer_size[i]) : 0;
    _cleanup_(close_src) struct ctr__src ls = { .fd = -1 };
    _cleanup_free_ char *staged = NULL, *tmp = NULL;
    _cleanup_close_ int root_fd = -1, copy_fd = -1;
    const char *hex = src->layer_hex ? src->layer_hex[i] : NULL;
    const char *parent = i ? j->chain[i - 1] : NULL;
    int r = src->open_blob(src->userdata, i, hex, src->layer_path ? src->layer_path[i] : NULL, &ls, &staged);
    if (r < 0 || (r = ctr__stage_layer_dir(j->st, j->chain[i], parent, &root_fd)) < 0)
        return r;
    if (!staged && (r = ctr__stage_blob_tmp(j->st, &tmp, &copy_fd)) < 0)
        return r;
    struct ctr__layer_result lr = { 0 };
    r = ctr__layer_unpack(&ls, hex, src->regenerated ? NULL : j->diff_ids[i], copy_fd, root_fd,
                          j->im->s->vfs ? CTR__UNPACK_VFS : CTR__UNPACK_OVERLAY, &j->im->prog, &lr);
    if (r < 0)
        return ctr__err_prefix(r, "layer %zu (sha256:%.12s)", i + 1, hex ? hex : j->diff_ids[i]);
    ctr__closep(&copy_fd);
    copy_fd = -1;
    if ((r = ctr__stage_blob_done(j->st, staged ? staged : tmp, lr.digest)) < 0)
        return r;
    j->sizes[i] = (int64_t)lr.size;
    const char *mt = src->layer_media_type && src->layer_media_type[i] ? src->layer_media_type[i]
                                                                      : ctr__layer_media_type(lr.compression);
    return ctr__layer_rec_make(j->chain[i], parent, j->diff_ids[i], &lr, mt, (int64_t)ls.size, &j->recs[i]);
}

/* The image record, published with the staged layers and blobs. */
static int publish(struct import_job *j)
{
    _cleanup_(ctr__image_rec_clear) struct ctr__image_rec img = {
        .id = strdup(j->config_hex),
        .manifest = j->manifest_hex[0] ? strdup(j->manifest_hex) : NULL,
        .names = ctr__strv_copy(NULL),
        .layers = ctr__strv_copy((const char *const *)j->chain),
        .created = config_created(j->cfg),
    };
    for (size_t i = 0; i < j->n; i++)
        img.size += j->sizes[i];
    if (!img.id || (j->manifest_hex[0] && !img.manifest) || !img.names || !img.layers)
        return ctr__oom("image record");
    int r = ctr__stage_publish(j->st, j->recs, j->n, &img, (const char *const *)j->names);
    if (r < 0)
        return r;
    if (!(j->im->image_id = strdup(j->config_hex)))
        return ctr__oom("image ID");
    return 0;
}

int ctr__import_image(struct ctr__import *im, const struct ctr__image_source *src, const char *const *names)
{
    _cleanup_(import_job_done) struct import_job j = { .im = im, .src = src, .st = src->stage };
    int r = ctr__image_names_normalize(names, &j.names);
    if (r < 0)
        return r;
    if (!j.st) {
        if ((r = ctr__stage_new(im->s, &j.own_stage)) < 0)
            return r;
        j.st = j.own_stage;
    }
    if ((r = stage_config(&j)) < 0 || (r = known_layers(&j)) < 0)
        return r;
    for (size_t i = 0; i < j.n; i++)
        if ((r = import_layer(&j, i)) < 0)
            return r;
    return publish(&j);
}

/* ---- OCI layouts ---- */

struct layout {
    int dir_fd;                  /* a directory layout, or -1 */
    int tar_fd;                  /* an archive, or -1 */
    struct ctr__tar_index ix;
    int64_t config_size;         /* the manifest's descriptor's: < 0 unknown */
};

/* A blob is as long as its descriptor says (the digest is checked as it is
 * read; the size, before). */
static int check_size(const char *hex, uint64_t actual, int64_t want)
{
    if (want >= 0 && actual != (uint64_t)want)
        return ctr__err(-EINVAL, "blob %.12s has %llu bytes, its descriptor says %lld", hex ? hex : "?",
                        (unsigned long long)actual, (long long)want);
    return 0;
}

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
    struct layout *l = userdata;
    int r = layout_open(l, hex, path, ret);
    if (r < 0)
        return r;
    if (index == (size_t)-1 && (r = check_size(hex, ret->size, l->config_size)) < 0) {
        close(ret->fd);
        ret->fd = -1;
    }
    return r;
}

/* Every layer blob as long as its descriptor says, those the store has
 * already too (they are not read again). */
static int check_layer_sizes(struct layout *l, const struct ctr__manifest *m)
{
    for (size_t i = 0; i < m->n_layers; i++) {
        struct ctr__src s;
        int r = layout_open(l, m->layers[i].digest, NULL, &s);
        if (r < 0)
            return r;
        r = check_size(m->layers[i].digest, s.size, m->layers[i].size);
        close(s.fd);
        if (r < 0)
            return r;
    }
    return 0;
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
    if ((r = layout_blob_read(l, pick.digest, &mjson, &msize)) < 0 || (r = check_size(pick.digest, msize, pick.size)) < 0)
        return ctr__err_prefix(r, "manifest");
    _cleanup_(ctr__manifest_clear) struct ctr__manifest m = { 0 };
    if ((r = ctr__manifest_parse(mjson, &m)) < 0)
        return r;
    _cleanup_free_ const char **hexes = calloc(m.n_layers + 1, sizeof *hexes);
    _cleanup_free_ const char **mts = calloc(m.n_layers + 1, sizeof *mts);
    _cleanup_free_ uint64_t *sizes = calloc(m.n_layers + 1, sizeof *sizes);
    if (!hexes || !mts || !sizes)
        return ctr__oom("the manifest's layer list");
    for (size_t i = 0; i < m.n_layers; i++) {
        hexes[i] = m.layers[i].digest;
        mts[i] = m.layers[i].media_type;
        sizes[i] = m.layers[i].size > 0 ? (uint64_t)m.layers[i].size : 0;
    }
    l->config_size = m.config_size;
    if ((r = check_layer_sizes(l, &m)) < 0)
        return r;
    _cleanup_strv_ char **all = ctr__strv_copy(names);
    if (!all)
        return ctr__oom("the image's names");
    /* A ref name that looks like an image name names the image; a bare tag does not. */
    if (ref_name && (strchr(ref_name, '/') || strchr(ref_name, ':')) && !names && ctr__strv_push(&all, ref_name) < 0)
        return ctr__oom("the image's names");
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
    return ctr__import_image(im, &src, (const char *const *)all);
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
        return ctr__oom("an archive reader");
    archive_read_support_filter_all(a);
    archive_read_support_format_raw(a);
    struct archive_entry *e;
    if (archive_read_open_fd(a, fd, 1 << 20) != ARCHIVE_OK || archive_read_next_header(a, &e) != ARCHIVE_OK)
        return ctr__err(-EINVAL, "%s: %s", path, archive_error_string(a));
    _cleanup_free_ char *buf = malloc(1 << 20);
    if (!buf)
        return ctr__oom("a decompression buffer");
    for (;;) {
        la_ssize_t n = archive_read_data(a, buf, 1 << 20);
        if (n < 0)
            return ctr__err(-EINVAL, "%s: %s", path, archive_error_string(a));
        if (n == 0)
            break;
        if ((r = ctr__write_all(out, buf, (size_t)n)) < 0 || (r = ctr__progress_add(prog, 0)) < 0)
            return r;
    }
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
