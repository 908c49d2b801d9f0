/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Images made of one new layer: a root file system tarball (`podman
 * import`), or a container's changes over its image (commit).  The layer is
 * unpacked first (its diff ID names it), then the config and an OCI
 * manifest are written and the image published. */
#include <fcntl.h>
#include <sys/stat.h>

#include "base/error.h"
#include "base/fault.h"
#include "base/json-util.h"
#include "storage/store.h"

#define MT_MANIFEST "application/vnd.oci.image.manifest.v1+json"
#define MT_CONFIG "application/vnd.oci.image.config.v1+json"

int ctr__manifest_build(const char *config_hex, size_t config_size, struct ctr__layer_rec *const *layers, size_t n,
                        char **ret)
{
    _cleanup_json_ json_object *m = json_object_new_object();
    json_object *cfg = json_object_new_object(), *arr = json_object_new_array();
    if (!m || !cfg || !arr) {
        json_object_put(cfg);
        json_object_put(arr);
        return ctr__oom("manifest");
    }
    json_object_object_add(m, "schemaVersion", json_object_new_int(2));
    json_object_object_add(m, "mediaType", json_object_new_string(MT_MANIFEST));
    char digest[80];
    snprintf(digest, sizeof digest, "sha256:%s", config_hex);
    json_object_object_add(cfg, "mediaType", json_object_new_string(MT_CONFIG));
    json_object_object_add(cfg, "digest", json_object_new_string(digest));
    json_object_object_add(cfg, "size", json_object_new_int64((int64_t)config_size));
    json_object_object_add(m, "config", cfg);
    for (size_t i = 0; i < n; i++) {
        json_object *l = json_object_new_object();
        if (!l)
            return ctr__oom("manifest");
        snprintf(digest, sizeof digest, "sha256:%s", layers[i]->blob);
        json_object_object_add(l, "mediaType", json_object_new_string(layers[i]->media_type));
        json_object_object_add(l, "digest", json_object_new_string(digest));
        json_object_object_add(l, "size", json_object_new_int64(layers[i]->blob_size));
        json_object_array_add(arr, l);
    }
    json_object_object_add(m, "layers", arr);
    return ctr__json_to_string(m, ret);
}

static json_object *child(json_object *o, const char *key, json_type type)
{
    json_object *c;
    if (json_object_object_get_ex(o, key, &c) && json_object_is_type(c, type))
        return c;
    c = type == json_type_array ? json_object_new_array() : json_object_new_object();
    if (!c || json_object_object_add(o, key, c) < 0)
        return NULL;
    return c;
}

/* One layer on a base under way. */
struct layer_job {
    struct ctr__import *im;
    struct ctr__stage *st;
    const struct ctr__layer_on *lo;
    char **names;                 /* normalized */
    char **layers;                /* the base's layer IDs, base first */
    struct ctr__layer_rec *recs;  /* the base's layers, as the manifest needs them */
    size_t nb;
    int64_t base_size;
    char *base_config;            /* the base image's, when lo has none */
    struct ctr__layer_rec new_rec;
    char diff_id[65];
    char chain[65];
    char config_hex[65];
    char manifest_hex[65];
    size_t config_size;
};

static void layer_job_done(struct layer_job *j)
{
    ctr__layer_rec_clear(&j->new_rec);
    for (size_t i = 0; j->recs && i < j->nb; i++)
        ctr__layer_rec_clear(&j->recs[i]);
    free(j->recs);
    free(j->base_config);
    ctr__strv_free(j->layers);
    ctr__strv_free(j->names);
}

/* The base image's layers and their records, and its config (store lock held). */
static int read_base_locked(struct layer_job *j, struct ctr__store *s)
{
    const char *base = j->lo->base;
    struct ctr__image_rec *b = ctr__store_image(s, base);
    if (!b)
        return ctr__err(-ENOENT, "image %.12s has been removed", base);
    j->nb = ctr__strv_len((const char *const *)b->layers);
    if (!(j->recs = calloc(j->nb + 2, sizeof *j->recs)))
        return ctr__oom("layer records");
    for (size_t i = 0; i < j->nb; i++) {
        struct ctr__layer_rec *l = ctr__store_layer(s, b->layers[i]);
        if (!l)
            return ctr__err(-ENOENT, "layer %.12s of image %.12s is missing", b->layers[i], base);
        j->recs[i] = (struct ctr__layer_rec){ .id = strdup(l->id), .blob = ctr__strdup_null(l->blob),
                                              .media_type = ctr__strdup_null(l->media_type),
                                              .blob_size = l->blob_size };
        j->base_size += l->size;
        if (!j->recs[i].id || ctr__strv_push(&j->layers, l->id) < 0)
            return ctr__oom("layer records");
    }
    if (!j->lo->base_config)
        return ctr__store_blob_read(s, base, &j->base_config, NULL);
    return 0;
}

static int read_base(struct layer_job *j)
{
    if (!(j->layers = ctr__strv_copy(NULL)))
        return ctr__oom("layer IDs");
    if (!j->lo->base) {
        j->recs = calloc(2, sizeof *j->recs);
        return j->recs ? 0 : ctr__oom("layer records");
    }
    int r = ctr__store_lock(j->im->s);
    if (r < 0)
        return r;
    r = read_base_locked(j, j->im->s);
    ctr__store_unlock(j->im->s);
    return r;
}

/* Unpack the new layer into the stage (under "pending" until its chain ID
 * is known), keep its blob, make its record. */
static int unpack_layer(struct layer_job *j)
{
    const char *top = j->nb ? j->layers[j->nb - 1] : NULL;
    const struct ctr__src *src = j->lo->src;
    _cleanup_free_ char *tmp = NULL;
    _cleanup_close_ int copy_fd = -1, root_fd = -1;
    int r = ctr__stage_layer_dir(j->st, "pending", top, &root_fd);
    if (r < 0 || (r = ctr__stage_blob_tmp(j->st, &tmp, &copy_fd)) < 0)
        return r;
    j->im->prog.total += src->size;
    struct ctr__layer_result lr = { 0 };
    r = ctr__layer_unpack(src, NULL, NULL, copy_fd, root_fd, j->im->s->vfs ? CTR__UNPACK_VFS : CTR__UNPACK_OVERLAY,
                          &j->im->prog, &lr);
    ctr__closep(&copy_fd);
    copy_fd = -1;
    CTR_FAULT_POINT("stage.layer-unpacked");
    if (r < 0 || (r = ctr__chain_id(top, lr.diff_id, j->chain)) < 0 ||
        (r = ctr__stage_layer_rename(j->st, "pending", j->chain)) < 0 ||
        (r = ctr__stage_blob_done(j->st, tmp, lr.digest)) < 0)
        return r;
    memcpy(j->diff_id, lr.diff_id, sizeof j->diff_id);
    return ctr__layer_rec_make(j->chain, top, lr.diff_id, &lr, ctr__layer_media_type(lr.compression),
                               (int64_t)src->size, &j->new_rec);
}

/* The config to start from: the given or the base's, or a new one for this machine. */
static int start_config(struct layer_job *j, json_object **ret)
{
    const char *text = j->lo->base_config ? j->lo->base_config : j->base_config;
    if (text)
        return ctr__image_config_parse(text, ret, NULL);
    _cleanup_json_ json_object *cfg = json_object_new_object();
    if (!cfg)
        return ctr__oom("image config");
    const char *variant;
    json_object_object_add(cfg, "architecture", json_object_new_string(ctr__go_arch(&variant)));
    if (variant)
        json_object_object_add(cfg, "variant", json_object_new_string(variant));
    json_object_object_add(cfg, "os", json_object_new_string("linux"));
    *ret = TAKE_PTR(cfg);
    return 0;
}

/* The history entry of the new layer. */
static json_object *history_entry(const struct ctr__layer_on *lo, const char *created)
{
    json_object *h = json_object_new_object();
    if (!h)
        return NULL;
    json_object_object_add(h, "created", json_object_new_string(created));
    if (lo->created_by)
        json_object_object_add(h, "created_by", json_object_new_string(lo->created_by));
    if (lo->author)
        json_object_object_add(h, "author", json_object_new_string(lo->author));
    if (lo->comment)
        json_object_object_add(h, "comment", json_object_new_string(lo->comment));
    return h;
}

/* The new image's config: the layer's diff ID, the history entry, the changes. */
static int make_config(struct layer_job *j, char **ret)
{
    _cleanup_json_ json_object *cfg = NULL;
    int r = start_config(j, &cfg);
    if (r < 0)
        return r;
    json_object *c, *rootfs, *ids, *hist, *h;
    char created[64], d[80];
    ctr__format_time(ctr__now_ns(), created, sizeof created);
    if (!(c = child(cfg, "config", json_type_object)) || !(rootfs = child(cfg, "rootfs", json_type_object)) ||
        !(ids = child(rootfs, "diff_ids", json_type_array)) || !(hist = child(cfg, "history", json_type_array)) ||
        !(h = history_entry(j->lo, created)))
        return ctr__oom("image config");
    json_object_object_add(cfg, "created", json_object_new_string(created));
    json_object_object_add(rootfs, "type", json_object_new_string("layers"));
    snprintf(d, sizeof d, "sha256:%s", j->diff_id);
    json_object_array_add(ids, json_object_new_string(d));
    if (j->lo->author)
        json_object_object_add(cfg, "author", json_object_new_string(j->lo->author));
    json_object_array_add(hist, h);
    if ((r = ctr__config_apply_changes(c, j->im->changes)) < 0)
        return r;
    return ctr__json_to_string(cfg, ret);
}

/* The config and an OCI manifest over the base's layers and the new one, staged. */
static int stage_blobs(struct layer_job *j)
{
    _cleanup_free_ char *config = NULL, *manifest = NULL;
    int r = make_config(j, &config);
    if (r < 0)
        return r;
    j->config_size = strlen(config);
    if ((r = ctr__stage_blob_write(j->st, config, j->config_size, j->config_hex)) < 0)
        return r;
    struct ctr__layer_rec *ptrs[j->nb + 1];
    for (size_t i = 0; i < j->nb; i++)
        ptrs[i] = &j->recs[i];
    ptrs[j->nb] = &j->new_rec;
    if ((r = ctr__manifest_build(j->config_hex, j->config_size, ptrs, j->nb + 1, &manifest)) < 0)
        return r;
    r = ctr__stage_blob_write(j->st, manifest, strlen(manifest), j->manifest_hex);
    CTR_FAULT_POINT("stage.blobs-written");
    return r;
}

static int publish(struct layer_job *j)
{
    _cleanup_(ctr__image_rec_clear) struct ctr__image_rec img = {
        .id = strdup(j->config_hex),
        .manifest = strdup(j->manifest_hex),
        .names = ctr__strv_copy(NULL),
        .layers = ctr__strv_copy((const char *const *)j->layers),
        .created = ctr__now_ns(),
        .size = j->base_size + j->new_rec.size,
    };
    if (!img.id || !img.manifest || !img.names || !img.layers || ctr__strv_push(&img.layers, j->chain) < 0)
        return ctr__oom("image record");
    int r = ctr__stage_publish(j->st, &j->new_rec, 1, &img, (const char *const *)j->names);
    if (r < 0)
        return r;
    if (!(j->im->image_id = strdup(j->config_hex)))
        return ctr__oom("image ID");
    return 0;
}

int ctr__import_layer_on(struct ctr__import *im, struct ctr__stage *st, const struct ctr__layer_on *lo)
{
    _cleanup_(layer_job_done) struct layer_job j = { .im = im, .st = st, .lo = lo };
    int r = ctr__image_names_normalize(lo->names, &j.names);
    if (r < 0 || (r = read_base(&j)) < 0 || (r = unpack_layer(&j)) < 0 || (r = stage_blobs(&j)) < 0)
        return r;
    return publish(&j);
}

int ctr__import_tarball(struct ctr__import *im, const char *path, const char *const *names)
{
    _cleanup_(ctr__stage_freep) struct ctr__stage *st = NULL;
    int r = ctr__stage_new(im->s, &st);
    if (r < 0)
        return r;
    _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return ctr__err(-errno, "%s: %m", path);
    struct stat sb;
    if (fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode))
        return ctr__err(-EINVAL, "%s is not a regular file", path);
    struct ctr__src src = { .fd = fd, .off = 0, .size = (uint64_t)sb.st_size };
    _cleanup_free_ char *created_by = ctr__asprintf("/bin/sh -c #(nop) ADD file:%s in /", path);
    if (!created_by)
        return ctr__oom("history entry");
    struct ctr__layer_on lo = { .src = &src, .created_by = created_by, .comment = "imported from tarball",
                                .names = names };
    return ctr__import_layer_on(im, st, &lo);
}
