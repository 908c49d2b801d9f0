/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What an image is made of, gathered from the store for save and push:
 * its config, a manifest (the stored one when it still fits the layers,
 * else one made anew, with the config rewritten when a layer was rebuilt
 * from podman's store), and each layer's stored blob. */
#include "base/error.h"
#include "base/json-util.h"
#include "storage/gather.h"
#include "storage/image.h"
#include "storage/store.h"

void ctr__gathered_clear(struct ctr__gathered *si)
{
    free(si->config);
    free(si->manifest);
    for (size_t i = 0; si->layers && i < si->n; i++)
        free(si->layers[i].media_type);
    free(si->layers);
    ctr__strv_free(si->names);
}


/* The image's layers into si (stored blob, its diff ID, size, media type)
 * and their records into *ret_recs (lent from the store); *ret_consistent
 * is false when a layer was rebuilt, so that its stored blob is not what the
 * config's diff ID names.  Lock held. */
static int gather_layers(struct ctr__store *s, const struct ctr__image_rec *rec, const char *id, struct ctr__gathered *si,
                         struct ctr__layer_rec ***ret_recs, bool *ret_consistent)
{
    si->n = ctr__strv_len((const char *const *)rec->layers);
    si->layers = calloc(si->n + 1, sizeof *si->layers);
    si->names = ctr__strv_copy((const char *const *)rec->names);
    if (!si->layers || !si->names)
        return ctr__oom("the image's layers and names");
    _cleanup_free_ struct ctr__layer_rec **recs = calloc(si->n + 1, sizeof *recs);
    if (!recs)
        return ctr__oom("the image's layers");
    bool consistent = true;
    for (size_t i = 0; i < si->n; i++) {
        struct ctr__layer_rec *l = ctr__store_layer(s, rec->layers[i]);
        if (!l || !l->blob)
            return ctr__err(-ENOENT, "layer %.12s of image %.12s is missing", rec->layers[i], id);
        recs[i] = l;
        memcpy(si->layers[i].blob, l->blob, 65);
        memcpy(si->layers[i].diff_id, l->blob_diff_id ? l->blob_diff_id : l->diff_id, 65);
        si->layers[i].size = l->blob_size;
        if (!(si->layers[i].media_type = strdup(l->media_type ? l->media_type
                                                              : "application/vnd.oci.image.layer.v1.tar")))
            return ctr__oom("the image's layers");
        if (l->blob_diff_id && !streq(l->blob_diff_id, l->diff_id))
            consistent = false;
    }
    *ret_recs = TAKE_PTR(recs);
    *ret_consistent = consistent;
    return 0;
}

/* Rewrite the config's rootfs.diff_ids to the stored blobs' digests. */
static int config_set_diff_ids(struct ctr__gathered *si)
{
    _cleanup_json_ json_object *cfg = NULL;
    int r = ctr__image_config_parse(si->config, &cfg, NULL);
    if (r < 0)
        return r;
    _cleanup_json_ json_object *rootfs = json_object_new_object(), *ids = json_object_new_array();
    if (!rootfs || !ids)
        return ctr__oom("image config");
    for (size_t i = 0; i < si->n; i++) {
        char d[80];
        snprintf(d, sizeof d, "sha256:%s", si->layers[i].diff_id);
        json_object_array_add(ids, json_object_new_string(d));
    }
    json_object_object_add(rootfs, "type", json_object_new_string("layers"));
    json_object_object_add(rootfs, "diff_ids", TAKE_PTR(ids));
    json_object_object_add(cfg, "rootfs", TAKE_PTR(rootfs));
    free(si->config);
    si->config = NULL;
    if ((r = ctr__json_to_string(cfg, &si->config)) < 0)
        return r;
    si->config_size = strlen(si->config);
    return 0;
}

/* A new manifest over si's config and the layers' records, and the digests of both. */
static int manifest_make(struct ctr__gathered *si, struct ctr__layer_rec *const *recs)
{
    int r = ctr__sha256_buf(si->config, si->config_size, si->config_hex);
    if (r < 0 || (r = ctr__manifest_build(si->config_hex, si->config_size, recs, si->n, &si->manifest)) < 0)
        return r;
    si->manifest_size = strlen(si->manifest);
    return ctr__sha256_buf(si->manifest, si->manifest_size, si->manifest_hex);
}

/* Read what to write: config, manifest, layers.  The stored manifest is
 * kept when it still fits the layers; else the manifest is made anew (and
 * the config rewritten when a layer was rebuilt).  Lock held. */
static int gather_locked(struct ctr__store *s, const char *id, struct ctr__gathered *si)
{
    struct ctr__image_rec *rec = ctr__store_image(s, id);
    if (!rec)
        return ctr__err(-ENOENT, "image %.12s has been removed", id);
    _cleanup_free_ struct ctr__layer_rec **recs = NULL;
    bool consistent = true;
    int r = gather_layers(s, rec, id, si, &recs, &consistent);
    if (r < 0 || (r = ctr__store_blob_read(s, id, &si->config, &si->config_size)) < 0)
        return r;
    if (consistent && rec->manifest && ctr__store_blob_read(s, rec->manifest, &si->manifest, &si->manifest_size) == 0) {
        memcpy(si->config_hex, id, 65);
        memcpy(si->manifest_hex, rec->manifest, 65);
        return 0;
    }
    ctr__err_clear();
    if (!consistent && (r = config_set_diff_ids(si)) < 0)
        return r;
    return manifest_make(si, recs);
}

int ctr__image_gather(struct ctr__store *s, const char *id, struct ctr__gathered *si)
{
    int r = ctr__store_lock(s);
    if (r < 0)
        return r;
    r = gather_locked(s, id, si);
    ctr__store_unlock(s);
    return r;
}
