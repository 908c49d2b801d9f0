/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* containers-storage: images in podman's store (overlay driver), read only.
 * The records are read under podman's own read locks; each layer's diff
 * directory (overlay form) is turned into a layer tar and unpacked like any
 * other, so the image keeps its ID and diff IDs. */
#include <fcntl.h>
#include <limits.h>
#include <openssl/evp.h>
#include <sys/stat.h>

#include "base/error.h"
#include "base/json-util.h"
#include "storage/store.h"

#define PODMAN_STORE "/var/lib/containers/storage"

struct podman {
    int root_fd;
    struct ctr__stage *st;
    struct ctr__progress *prog;
    char **layer_ids; /* base first */
};

static int read_lock(int dir_fd, const char *name, int *ret_fd)
{
    int fd = openat(dir_fd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) {
        *ret_fd = -1;
        return errno == ENOENT ? 0 : -errno;
    }
    struct flock fl = { .l_type = F_RDLCK, .l_whence = SEEK_SET };
    while (fcntl(fd, F_OFD_SETLKW, &fl) < 0)
        if (errno != EINTR) {
            int e = -errno;
            close(fd);
            return e;
        }
    *ret_fd = fd;
    return 0;
}

static bool name_matches(json_object *names, const char *ref, const char *norm)
{
    size_t n = json_object_is_type(names, json_type_array) ? json_object_array_length(names) : 0;
    for (size_t i = 0; i < n; i++) {
        const char *nm = json_object_get_string(json_object_array_get_idx(names, i));
        if (!nm)
            continue;
        if (streq(nm, ref) || (norm && streq(nm, norm)))
            return true;
        /* short names: "busybox" matches ".../busybox:latest" */
        const char *tail = norm && strncmp(norm, "localhost/", 10) == 0 ? norm + 10 : NULL;
        size_t l = strlen(nm), tl = tail ? strlen(tail) : 0;
        if (tail && l > tl && nm[l - tl - 1] == '/' && streq(nm + l - tl, tail))
            return true;
    }
    return false;
}

static int podman_open(void *userdata, size_t index, const char *hex, const char *path, struct ctr__src *ret,
                       char **ret_staged)
{
    struct podman *p = userdata;
    if (index == (size_t)-1) {
        /* The config, a big-data file. */
        int fd = openat(p->root_fd, path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
        if (fd < 0)
            return ctr__err(-errno, "podman's store: %s: %m", path);
        struct stat st;
        if (fstat(fd, &st) < 0) {
            int r = ctr__err(-errno, "podman's store: %s: %m", path);
            close(fd);
            return r;
        }
        *ret = (struct ctr__src){ .fd = fd, .size = (uint64_t)st.st_size };
        return 0;
    }
    char diff[PATH_MAX];
    snprintf(diff, sizeof diff, "overlay/%s/diff", p->layer_ids[index]);
    _cleanup_close_ int dfd = openat(p->root_fd, diff, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
    if (dfd < 0)
        return ctr__err(-errno, "podman's store: %s: %m", diff);
    char *tmp = NULL;
    int fd = -1;
    int r = ctr__stage_blob_tmp(p->st, &tmp, &fd);
    if (r < 0)
        return r;
    uint64_t size = 0;
    r = ctr__tar_create(dfd, fd, CTR__TAR_LAYER, NULL, NULL, &size);
    if (r < 0) {
        close(fd);
        free(tmp);
        return ctr__err_prefix(r, "podman's layer %.12s", p->layer_ids[index]);
    }
    *ret = (struct ctr__src){ .fd = fd, .size = size };
    *ret_staged = tmp;
    return 0;
}

/* podman's image and layer records (its read locks held). */
static int read_records(int root, const char *dir, json_object **ret_images, json_object **ret_layers)
{
    _cleanup_free_ char *itext = NULL, *ltext = NULL;
    int r;
    if ((r = ctr__read_file_at(root, "overlay-images/images.json", &itext, NULL)) < 0 ||
        (r = ctr__read_file_at(root, "overlay-layers/layers.json", &ltext, NULL)) < 0)
        return ctr__err(r, "podman's store %s (overlay driver): cannot read its records: %s", dir, strerror(-r));
    _cleanup_json_ json_object *images = NULL, *layers = NULL;
    if ((r = ctr__json_parse(itext, "podman's images.json", &images)) < 0 ||
        (r = ctr__json_parse(ltext, "podman's layers.json", &layers)) < 0)
        return r;
    if (!json_object_is_type(images, json_type_array) || !json_object_is_type(layers, json_type_array))
        return ctr__err(-EINVAL, "podman's store: records are not arrays");
    *ret_images = TAKE_PTR(images);
    *ret_layers = TAKE_PTR(layers);
    return 0;
}

/* The image record ref names: by ID or name, else by a unique ID prefix (3 or more digits). */
static json_object *find_image(json_object *images, const char *ref)
{
    _cleanup_free_ char *norm = NULL;
    ctr__image_name_normalize(ref, &norm);
    ctr__err_clear();
    const char *hex = strncmp(ref, "sha256:", 7) == 0 ? ref + 7 : ref;
    size_t ni = json_object_array_length(images), prefix_hits = 0;
    json_object *hit = NULL;
    for (size_t i = 0; i < ni; i++) {
        json_object *o = json_object_array_get_idx(images, i), *nm;
        const char *id = ctr__json_str(o, "id");
        if ((id && streq(id, hex)) || (json_object_object_get_ex(o, "names", &nm) && name_matches(nm, ref, norm)))
            return o;
        if (id && strlen(hex) >= 3 && strncmp(id, hex, strlen(hex)) == 0 && prefix_hits++ == 0)
            hit = o;
    }
    return prefix_hits == 1 ? hit : NULL;
}

static json_object *find_layer(json_object *layers, const char *id)
{
    for (size_t i = 0; i < json_object_array_length(layers); i++) {
        json_object *o = json_object_array_get_idx(layers, i);
        const char *lid = ctr__json_str(o, "id");
        if (lid && streq(lid, id))
            return o;
    }
    return NULL;
}

/* The IDs of the layers from top down to the base, returned base first. */
static int layer_chain(json_object *layers, const char *top, const char *image_id, char ***ret)
{
    _cleanup_strv_ char **ids = ctr__strv_copy(NULL);
    if (!ids)
        return ctr__oom("layer IDs");
    size_t depth = 0;
    for (const char *cur = top; cur; depth++) {
        if (depth > 1000)
            return ctr__err(-ELOOP, "podman's store: layer chain too long");
        json_object *found = find_layer(layers, cur), *flags, *inc;
        if (!found)
            return ctr__err(-ENOENT, "podman's store: layer %.12s of image %.12s is missing", cur, image_id);
        if (json_object_object_get_ex(found, "flags", &flags) && json_object_object_get_ex(flags, "incomplete", &inc) &&
            json_object_get_boolean(inc))
            return ctr__err(-EBUSY, "podman's store: layer %.12s is incomplete", cur);
        if (strchr(cur, '/') || cur[0] == '.')
            return ctr__err(-EINVAL, "podman's store: malformed layer ID");
        if (ctr__strv_push(&ids, cur) < 0)
            return ctr__oom("layer IDs");
        cur = ctr__json_str(found, "parent");
    }
    size_t n = ctr__strv_len((const char *const *)ids);
    for (size_t i = 0; i < n / 2; i++) {
        char *x = ids[i];
        ids[i] = ids[n - 1 - i];
        ids[n - 1 - i] = x;
    }
    *ret = TAKE_PTR(ids);
    return 0;
}

/* The names to give: the caller's, or podman's own (without digests). */
static int image_names(json_object *img, const char *const *names, char ***ret)
{
    _cleanup_strv_ char **all = ctr__strv_copy(names);
    json_object *nm;
    if (!all)
        return ctr__oom("image names");
    if (!names && json_object_object_get_ex(img, "names", &nm) && json_object_is_type(nm, json_type_array))
        for (size_t i = 0; i < json_object_array_length(nm); i++) {
            const char *s = json_object_get_string(json_object_array_get_idx(nm, i));
            if (s && !strchr(s, '@') && ctr__strv_push(&all, s) < 0)
                return ctr__oom("image names");
        }
    *ret = TAKE_PTR(all);
    return 0;
}

/* The layers' diff sizes, for progress (0 where unknown). */
static uint64_t *layer_sizes(json_object *layers, char *const *ids, size_t n)
{
    uint64_t *sizes = calloc(n + 1, sizeof *sizes);
    for (size_t i = 0; sizes && i < n; i++) {
        json_object *o = find_layer(layers, ids[i]), *ds;
        if (o && json_object_object_get_ex(o, "diff-size", &ds))
            sizes[i] = (uint64_t)json_object_get_int64(ds);
    }
    return sizes;
}

int ctr__import_podman(struct ctr__import *im, const char *store_dir, const char *ref, const char *const *names)
{
    const char *dir = store_dir ? store_dir : PODMAN_STORE;
    _cleanup_close_ int root = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (root < 0)
        return ctr__err(-errno, "podman's store %s: %m", dir);
    _cleanup_close_ int l1 = -1, l2 = -1, l3 = -1;
    int r;
    if ((r = read_lock(root, "storage.lock", &l1)) < 0 || (r = read_lock(root, "overlay-layers/layers.lock", &l2)) < 0 ||
        (r = read_lock(root, "overlay-images/images.lock", &l3)) < 0)
        return ctr__err(r, "cannot lock podman's store %s: %s", dir, strerror(-r));
    _cleanup_json_ json_object *images = NULL, *layers = NULL;
    if ((r = read_records(root, dir, &images, &layers)) < 0)
        return r;
    json_object *img = find_image(images, ref);
    if (!img)
        return ctr__err(-ENOENT, "no image \"%s\" in podman's store %s", ref, dir);
    const char *id = ctr__json_str(img, "id");
    if (!id || !ctr__hex64_valid(id))
        return ctr__err(-EINVAL, "podman's store: malformed image record");
    _cleanup_strv_ char **ids = NULL, **all = NULL;
    if ((r = layer_chain(layers, ctr__json_str(img, "layer"), id, &ids)) < 0 || (r = image_names(img, names, &all)) < 0)
        return r;
    size_t n = ctr__strv_len((const char *const *)ids);
    _cleanup_free_ uint64_t *sizes = layer_sizes(layers, ids, n);
    if (!sizes)
        return ctr__oom("layer sizes");
    /* The config: big-data key "sha256:ID", stored as "=" + base64(key). */
    char key[80], b64[128], cfg_path[256];
    int klen = snprintf(key, sizeof key, "sha256:%s", id);
    EVP_EncodeBlock((unsigned char *)b64, (const unsigned char *)key, klen);
    snprintf(cfg_path, sizeof cfg_path, "overlay-images/%s/=%s", id, b64);
    _cleanup_(ctr__stage_freep) struct ctr__stage *st = NULL;
    if ((r = ctr__stage_new(im->s, &st)) < 0)
        return r;
    struct podman p = { .root_fd = root, .st = st, .prog = &im->prog, .layer_ids = ids };
    struct ctr__image_source src = {
        .open_blob = podman_open,
        .userdata = &p,
        .config_hex = id,
        .config_path = cfg_path,
        .n_layers = n,
        .layer_size = sizes,
        .regenerated = true,
        .stage = st,
    };
    return ctr__import_image(im, &src, (const char *const *)all);
}
