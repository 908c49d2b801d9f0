/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Pushing an image to a registry (push.h).  In order:
 *  1. the image's parts from the store (ctr__image_gather(): the stored
 *     blobs of its layers, its config, a manifest fitting them);
 *  2. each layer, then the config: skipped when the registry has the blob
 *     (HEAD), mounted when another repository of the registry named in
 *     mount_from has it, else uploaded from the stored blob file (the
 *     config from a memfd), one at a time;
 *  3. the manifest, with its media type, under the tag.
 * Nothing is kept locally; a push stopped half way leaves complete blobs in
 * the registry, which the next push skips. */
#include <fcntl.h>
#include <json-c/json.h>
#include <sys/mman.h>
#include <unistd.h>

#include "base/error.h"
#include "base/json-util.h"
#include "storage/gather.h"
#include "storage/push.h"
#include "storage/store.h"

struct push {
    const struct ctr__push_opts *o;
    struct ctr__store *s;
    ctr__reg_client_t *c;
    struct ctr__gathered g;
    int n_blobs;
    uint64_t total, total_done;
    int64_t last_ns;
};

struct push_blob {
    char digest[72];
    int index;
    uint64_t size, done;
    struct push *p;
};

static int report(struct push *p, int phase, const struct push_blob *b)
{
    if (p->o->cancel && *p->o->cancel)
        return ctr__err(-ECANCELED, "push to %s cancelled", p->o->reference);
    if (!p->o->progress)
        return 0;
    ctr_transfer_progress_t t = {
        .phase = phase,
        .reference = p->o->reference,
        .digest = b ? b->digest : NULL,
        .index = b ? b->index : -1,
        .n_blobs = p->n_blobs,
        .done = b ? b->done : 0,
        .size = b ? b->size : 0,
        .total_done = p->total_done,
        .total = p->total,
    };
    if (p->o->progress(&t, p->o->progress_userdata) != 0)
        return ctr__err(-ECANCELED, "push to %s cancelled", p->o->reference);
    return 0;
}

static int sent(void *userdata, uint64_t n)
{
    struct push_blob *b = userdata;
    struct push *p = b->p;
    p->total_done += n - b->done;
    b->done = n;
    int64_t now = ctr__now_ns();
    if (now - p->last_ns < 100000000 && !(p->o->cancel && *p->o->cancel))
        return 0;
    p->last_ns = now;
    return report(p, CTR_TRANSFER_BLOB, b);
}

/* The registry has the blob already, or it mounts from another repository: 1. */
static int blob_present(struct push *p, const struct push_blob *b)
{
    int r = ctr__reg_blob_exists(p->c, b->digest);
    for (const char *const *m = p->o->mount_from; r == 0 && m && *m; m++)
        r = ctr__reg_blob_mount(p->c, b->digest, *m);
    return r;
}

/* Upload one blob read from fd (size bytes at off), unless the registry has it. */
static int push_blob(struct push *p, struct push_blob *b, int fd, off_t off)
{
    int r = blob_present(p, b);
    if (r < 0)
        return r;
    if (r == 0) {
        uint64_t chunk = p->o->chunk_size ? p->o->chunk_size : CTR__PUSH_CHUNK;
        p->last_ns = ctr__now_ns();
        if ((r = ctr__reg_blob_upload(p->c, b->digest, fd, (uint64_t)off, b->size, chunk, sent, b)) < 0) {
            if (!p->o->cancel || !*p->o->cancel)
                return r;
            return ctr__err(-ECANCELED, "push to %s cancelled", p->o->reference);
        }
    }
    p->total_done += b->size - b->done;
    b->done = b->size;
    return report(p, r == 0 ? CTR_TRANSFER_BLOB_DONE : CTR_TRANSFER_BLOB_SKIPPED, b);
}

static int push_layer(struct push *p, size_t i)
{
    const struct ctr__gather_layer *l = &p->g.layers[i];
    struct push_blob b = { .index = (int)i, .size = l->size > 0 ? (uint64_t)l->size : 0, .p = p };
    snprintf(b.digest, sizeof b.digest, "sha256:%s", l->blob);
    struct ctr__src src;
    int r = ctr__store_blob_open(p->s, l->blob, &src);
    if (r < 0)
        return r;
    b.size = src.size;
    r = push_blob(p, &b, src.fd, src.off);
    close(src.fd);
    return r;
}

static int push_config(struct push *p)
{
    struct push_blob b = { .index = p->n_blobs - 1, .size = p->g.config_size, .p = p };
    snprintf(b.digest, sizeof b.digest, "sha256:%s", p->g.config_hex);
    _cleanup_close_ int fd = memfd_create("libctr-push-config", MFD_CLOEXEC);
    if (fd < 0)
        return ctr__err(-errno, "memfd for the config: %m");
    int r = ctr__write_all(fd, p->g.config, p->g.config_size);
    if (r < 0)
        return ctr__err(r, "memfd for the config: %s", strerror(-r));
    return push_blob(p, &b, fd, 0);
}

/* The manifest's media type: its mediaType, else OCI's. */
static int manifest_type(const struct ctr__gathered *g, char **ret)
{
    _cleanup_json_ json_object *doc = json_tokener_parse(g->manifest);
    json_object *mt = NULL;
    if (!doc || !json_object_is_type(doc, json_type_object))
        return ctr__err(-EINVAL, "the image's manifest is not a JSON object");
    const char *s = json_object_object_get_ex(doc, "mediaType", &mt) && json_object_is_type(mt, json_type_string)
                        ? json_object_get_string(mt)
                        : CTR__MT_OCI_MANIFEST;
    *ret = strdup(s);
    return *ret ? 0 : ctr__oom("a media type");
}

static int push_all(struct push *p, char ret_digest[72])
{
    int r = report(p, CTR_TRANSFER_RESOLVING, NULL);
    for (size_t i = 0; r >= 0 && i < p->g.n; i++)
        r = push_layer(p, i);
    if (r < 0 || (r = push_config(p)) < 0 || (r = report(p, CTR_TRANSFER_WRITING, NULL)) < 0)
        return r;
    _cleanup_free_ char *mt = NULL;
    char digest[72];
    snprintf(digest, sizeof digest, "sha256:%s", p->g.manifest_hex);
    if ((r = manifest_type(&p->g, &mt)) < 0 ||
        (r = ctr__reg_put_manifest(p->c, p->o->tag ? p->o->tag : digest, mt, p->g.manifest, p->g.manifest_size,
                                   ret_digest)) < 0)
        return r;
    return report(p, CTR_TRANSFER_DONE, NULL);
}

int ctr__image_push(const struct ctr__settings *set, const char *id, ctr__reg_client_t *c,
                    const struct ctr__push_opts *o, char ret_digest[72])
{
    struct push p = { .o = o, .c = c };
    int r = ctr__store_open(set, &p.s);
    if (r < 0)
        return r;
    if ((r = ctr__image_gather(p.s, id, &p.g)) >= 0) {
        p.n_blobs = (int)p.g.n + 1;
        p.total = p.g.config_size;
        for (size_t i = 0; i < p.g.n; i++)
            p.total += p.g.layers[i].size > 0 ? (uint64_t)p.g.layers[i].size : 0;
        r = push_all(&p, ret_digest);
    }
    ctr__gathered_clear(&p.g);
    ctr__store_close(p.s);
    return r;
}
