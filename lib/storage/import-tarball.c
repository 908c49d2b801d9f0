/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Images made of one new layer: a root file system tarball (`podman
 * import`), or a container's changes over its image (commit).  The layer is
 * unpacked first (its diff ID names it), then the config and an OCI
 * manifest are written and the image published. */
#include <fcntl.h>
#include <sys/stat.h>

#include "error.h"
#include "fault.h"
#include "json-util.h"
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
        return -ENOMEM;
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
            return -ENOMEM;
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

int ctr__import_layer_on(struct ctr__import *im, struct ctr__stage *st, const struct ctr__layer_on *lo)
{
    struct ctr__store *s = im->s;
    int r;
    /* The base image: its layers and their records. */
    _cleanup_strv_ char **base_layers = ctr__strv_copy(NULL);
    struct ctr__layer_rec *recs = NULL;
    size_t nb = 0;
    int64_t base_size = 0;
    _cleanup_free_ char *base_config = NULL;
    if (!base_layers)
        return -ENOMEM;
    if (lo->base) {
        if ((r = ctr__store_lock(s)) < 0)
            return r;
        struct ctr__image_rec *b = ctr__store_image(s, lo->base);
        if (!b) {
            ctr__store_unlock(s);
            return ctr__err(-ENOENT, "image %.12s has been removed", lo->base);
        }
        nb = ctr__strv_len((const char *const *)b->layers);
        recs = calloc(nb + 2, sizeof *recs);
        if (!recs)
            r = -ENOMEM;
        for (size_t i = 0; r == 0 && i < nb; i++) {
            struct ctr__layer_rec *l = ctr__store_layer(s, b->layers[i]);
            if (!l) {
                r = ctr__err(-ENOENT, "layer %.12s of image %.12s is missing", b->layers[i], lo->base);
                break;
            }
            recs[i] = (struct ctr__layer_rec){ .id = strdup(l->id), .blob = ctr__strdup_null(l->blob),
                                               .media_type = ctr__strdup_null(l->media_type),
                                               .blob_size = l->blob_size };
            base_size += l->size;
            if ((r = ctr__strv_push(&base_layers, l->id)) == 0 && !recs[i].id)
                r = -ENOMEM;
        }
        if (r == 0 && !lo->base_config)
            r = ctr__store_blob_read(s, lo->base, &base_config, NULL);
        ctr__store_unlock(s);
    } else {
        recs = calloc(2, sizeof *recs);
        r = recs ? 0 : -ENOMEM;
    }
    const char *top = nb ? base_layers[nb - 1] : NULL;
    struct ctr__layer_rec *ptrs[nb + 2];
    struct ctr__layer_rec new_rec = { 0 };
    _cleanup_free_ char *tmp = NULL, *config = NULL, *manifest = NULL;
    int copy_fd = -1, root_fd = -1;
    struct ctr__layer_result lr = { 0 };
    char chain[65];
    if (r == 0)
        r = ctr__stage_layer_dir(st, "pending", top, &root_fd);
    if (r == 0)
        r = ctr__stage_blob_tmp(st, &tmp, &copy_fd);
    if (r == 0) {
        im->prog.total += lo->src->size;
        r = ctr__layer_unpack(lo->src, NULL, NULL, copy_fd, root_fd, s->vfs ? CTR__UNPACK_VFS : CTR__UNPACK_OVERLAY,
                              &im->prog, &lr);
    }
    if (root_fd >= 0)
        close(root_fd);
    if (copy_fd >= 0)
        close(copy_fd);
    CTR_FAULT_POINT("stage.layer-unpacked");
    if (r == 0 && (r = ctr__chain_id(top, lr.diff_id, chain)) == 0 &&
        (r = ctr__stage_layer_rename(st, "pending", chain)) == 0)
        r = ctr__stage_blob_done(st, tmp, lr.digest);
    static const char *const media[] = { "application/vnd.oci.image.layer.v1.tar",
                                         "application/vnd.oci.image.layer.v1.tar+gzip",
                                         "application/vnd.oci.image.layer.v1.tar+zstd" };
    const char *mt = !lr.compression ? media[0] : streq(lr.compression, "gzip") ? media[1]
                                                : streq(lr.compression, "zstd") ? media[2] : media[0];
    if (r == 0)
        r = ctr__layer_rec_make(chain, top, lr.diff_id, &lr, mt, (int64_t)lo->src->size, &new_rec);

    /* The config. */
    _cleanup_json_ json_object *cfg = NULL;
    const char *cfg_text = lo->base_config ? lo->base_config : base_config;
    char created[64];
    ctr__format_time(ctr__now_ns(), created, sizeof created);
    if (r == 0 && cfg_text) {
        r = ctr__image_config_parse(cfg_text, &cfg, NULL);
    } else if (r == 0) {
        const char *variant;
        cfg = json_object_new_object();
        if (!cfg)
            r = -ENOMEM;
        else {
            json_object_object_add(cfg, "architecture", json_object_new_string(ctr__go_arch(&variant)));
            if (variant)
                json_object_object_add(cfg, "variant", json_object_new_string(variant));
            json_object_object_add(cfg, "os", json_object_new_string("linux"));
        }
    }
    json_object *c = NULL, *rootfs = NULL, *ids = NULL, *hist = NULL;
    if (r == 0 && (!(c = child(cfg, "config", json_type_object)) || !(rootfs = child(cfg, "rootfs", json_type_object)) ||
                   !(ids = child(rootfs, "diff_ids", json_type_array)) || !(hist = child(cfg, "history", json_type_array))))
        r = -ENOMEM;
    if (r == 0) {
        json_object_object_add(cfg, "created", json_object_new_string(created));
        json_object_object_add(rootfs, "type", json_object_new_string("layers"));
        char d[80];
        snprintf(d, sizeof d, "sha256:%s", lr.diff_id);
        json_object_array_add(ids, json_object_new_string(d));
        json_object *h = json_object_new_object();
        json_object_object_add(h, "created", json_object_new_string(created));
        if (lo->created_by)
            json_object_object_add(h, "created_by", json_object_new_string(lo->created_by));
        if (lo->author) {
            json_object_object_add(h, "author", json_object_new_string(lo->author));
            json_object_object_add(cfg, "author", json_object_new_string(lo->author));
        }
        if (lo->comment)
            json_object_object_add(h, "comment", json_object_new_string(lo->comment));
        json_object_array_add(hist, h);
        r = ctr__config_apply_changes(c, im->changes);
    }
    char config_hex[65], manifest_hex[65];
    if (r == 0)
        r = ctr__json_to_string(cfg, &config);
    if (r == 0)
        r = ctr__stage_blob_write(st, config, strlen(config), config_hex);
    if (r == 0) {
        for (size_t i = 0; i < nb; i++)
            ptrs[i] = &recs[i];
        ptrs[nb] = &new_rec;
        r = ctr__manifest_build(config_hex, strlen(config), ptrs, nb + 1, &manifest);
    }
    if (r == 0)
        r = ctr__stage_blob_write(st, manifest, strlen(manifest), manifest_hex);
    CTR_FAULT_POINT("stage.blobs-written");
    _cleanup_strv_ char **names = ctr__strv_copy(NULL);
    for (const char *const *nm = lo->names; r == 0 && nm && *nm; nm++) {
        char *x = NULL;
        if (!names)
            r = -ENOMEM;
        else if ((r = ctr__image_name_normalize(*nm, &x)) == 0) {
            r = ctr__strv_push(&names, x);
            free(x);
        }
    }
    if (r == 0) {
        struct ctr__image_rec img = { 0 };
        img.id = strdup(config_hex);
        img.manifest = strdup(manifest_hex);
        img.names = ctr__strv_copy(NULL);
        img.layers = ctr__strv_copy((const char *const *)base_layers);
        img.created = ctr__now_ns();
        img.size = base_size + new_rec.size;
        if (!img.id || !img.manifest || !img.names || !img.layers || ctr__strv_push(&img.layers, chain) < 0)
            r = -ENOMEM;
        if (r == 0)
            r = ctr__stage_publish(st, &new_rec, 1, &img, (const char *const *)names);
        if (r == 0 && !(im->image_id = strdup(config_hex)))
            r = -ENOMEM;
        ctr__image_rec_clear(&img);
    }
    ctr__layer_rec_clear(&new_rec);
    for (size_t i = 0; recs && i < nb; i++)
        ctr__layer_rec_clear(&recs[i]);
    free(recs);
    return r;
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
        return -ENOMEM;
    struct ctr__layer_on lo = { .src = &src, .created_by = created_by, .comment = "imported from tarball",
                                .names = names };
    return ctr__import_layer_on(im, st, &lo);
}
