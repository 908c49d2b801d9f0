/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The store's images behind the public image API (image.h): list, find,
 * tag, untag, remove, prune, config, inspect, import. */
#include "storage/image.h"

#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <sys/stat.h>

#include "base/error.h"
#include "base/json-util.h"
#include "storage/store.h"

void ctr__image_info_clear(struct ctr__image_info *info)
{
    free(info->id);
    free(info->digest);
    ctr__strv_free(info->names);
    *info = (struct ctr__image_info){ 0 };
}

static int info_of(const struct ctr__image_rec *rec, struct ctr__image_info *ret)
{
    struct ctr__image_info i = {
        .id = strdup(rec->id),
        .digest = rec->manifest ? ctr__asprintf("sha256:%s", rec->manifest) : NULL,
        .names = ctr__strv_copy((const char *const *)rec->names),
        .created = rec->created,
        .size = rec->size,
        .n_layers = ctr__strv_len((const char *const *)rec->layers),
    };
    if (!i.id || (rec->manifest && !i.digest) || !i.names) {
        ctr__image_info_clear(&i);
        return ctr__oom("image");
    }
    *ret = i;
    return 0;
}

/* Open the store and lock it (the caller unlocks). */
static int open_locked(const struct ctr__settings *set, struct ctr__store **ret)
{
    int r = ctr__store_open(set, ret);
    if (r < 0)
        return r;
    if ((r = ctr__store_lock(*ret)) < 0) {
        ctr__store_close(*ret);
        *ret = NULL;
        return r;
    }
    return 0;
}

/* Open the store locked on image id's record (the caller unlocks). */
static int with_image(const struct ctr__settings *set, const char *id, struct ctr__store **ret_s,
                      struct ctr__image_rec **ret_rec)
{
    int r = open_locked(set, ret_s);
    if (r < 0)
        return r;
    *ret_rec = ctr__store_image(*ret_s, id);
    if (!*ret_rec) {
        ctr__store_unlock(*ret_s);
        return ctr__err(-ENOENT, "image %.12s has been removed", id);
    }
    return 0;
}

/* ---- list, find ---- */

static void infos_free(struct ctr__image_info *v, size_t n)
{
    for (size_t i = 0; v && i < n; i++)
        ctr__image_info_clear(&v[i]);
    free(v);
}

/* The info of every image, s->n_images of them (store lock held). */
static int list_locked(struct ctr__store *s, struct ctr__image_info **ret)
{
    struct ctr__image_info *v = calloc(s->n_images + 1, sizeof *v);
    if (!v)
        return ctr__oom("image list");
    for (size_t n = 0; n < s->n_images; n++) {
        int r = info_of(&s->images[n], &v[n]);
        if (r < 0) {
            infos_free(v, n);
            return r;
        }
    }
    *ret = v;
    return 0;
}

int ctr__image_list(const struct ctr__settings *set, struct ctr__image_info **ret, size_t *ret_count)
{
    _cleanup_(ctr__store_closep) struct ctr__store *s = NULL;
    int r = open_locked(set, &s);
    if (r < 0)
        return r;
    struct ctr__image_info *v = NULL;
    size_t n = s->n_images;
    r = list_locked(s, &v);
    ctr__store_unlock(s);
    if (r < 0)
        return r;
    *ret = v;
    *ret_count = n;
    return 0;
}

/* The image ref names, into ret (store lock held). */
static int find_locked(struct ctr__store *s, const char *ref, struct ctr__image_info *ret)
{
    struct ctr__image_rec *rec = NULL;
    int r = ctr__store_find_image(s, ref, &rec);
    if (r < 0)
        return r;
    return info_of(rec, ret);
}

int ctr__image_find(const struct ctr__settings *set, const char *ref, struct ctr__image_info *ret)
{
    _cleanup_(ctr__store_closep) struct ctr__store *s = NULL;
    int r = open_locked(set, &s);
    if (r < 0)
        return r;
    r = find_locked(s, ref, ret);
    ctr__store_unlock(s);
    return r;
}

/* ---- tag, untag ---- */

/* Tag rec with the normalized name, saved (store lock held). */
static int tag_locked(struct ctr__store *s, struct ctr__image_rec *rec, const char *norm)
{
    int r = ctr__store_tag(s, rec, norm);
    if (r < 0)
        return r;
    return ctr__store_save(s);
}

int ctr__image_tag(const struct ctr__settings *set, const char *id, const char *name)
{
    _cleanup_free_ char *norm = NULL;
    int r = ctr__image_name_normalize(name, &norm);
    if (r < 0)
        return r;
    if (strchr(norm, '@'))
        return ctr__err(-EINVAL, "cannot tag with a digest reference \"%s\"", name);
    _cleanup_(ctr__store_closep) struct ctr__store *s = NULL;
    struct ctr__image_rec *rec;
    if ((r = with_image(set, id, &s, &rec)) < 0)
        return r;
    r = tag_locked(s, rec, norm);
    ctr__store_unlock(s);
    return r;
}

/* Drop name i of rec (store lock held). */
static void drop_name(struct ctr__store *s, struct ctr__image_rec *rec, size_t i)
{
    free(rec->names[i]);
    memmove(&rec->names[i], &rec->names[i + 1],
            (ctr__strv_len((const char *const *)rec->names + i + 1) + 1) * sizeof(char *));
    s->dirty_images = true;
}

int ctr__image_untag(const struct ctr__settings *set, const char *id, const char *name)
{
    _cleanup_free_ char *norm = NULL;
    int r = ctr__image_name_normalize(name, &norm);
    if (r < 0)
        return r;
    _cleanup_(ctr__store_closep) struct ctr__store *s = NULL;
    struct ctr__image_rec *rec;
    if ((r = with_image(set, id, &s, &rec)) < 0)
        return r;
    r = -ENOENT;
    for (size_t i = 0; rec->names[i]; i++)
        if (streq(rec->names[i], norm) || streq(rec->names[i], name)) {
            drop_name(s, rec, i);
            r = ctr__store_save(s);
            break;
        }
    ctr__store_unlock(s);
    if (r == -ENOENT)
        return ctr__err(-ENOENT, "image %.12s has no name \"%s\"", id, name);
    return r;
}

/* ---- remove, prune ---- */

static size_t users(struct ctr__store *s, const char *id)
{
    size_t n = 0;
    for (size_t i = 0; i < s->n_ctrs; i++)
        if (s->ctrs[i].image && streq(s->ctrs[i].image, id))
            n++;
    return n;
}

/* Remove what name_or_id names (store lock held): by one of several names,
 * only that name goes; else the image, if no container uses it or with force. */
static int remove_locked(struct ctr__store *s, const char *name_or_id, uint64_t flags)
{
    struct ctr__image_rec *rec = NULL;
    int r = ctr__store_find_image(s, name_or_id, &rec);
    if (r < 0)
        return r;
    _cleanup_free_ char *norm = NULL;
    ctr__image_name_normalize(name_or_id, &norm);
    ctr__err_clear();
    size_t nn = ctr__strv_len((const char *const *)rec->names);
    ssize_t which = -1;
    for (size_t i = 0; i < nn; i++)
        if (streq(rec->names[i], name_or_id) || (norm && streq(rec->names[i], norm)))
            which = (ssize_t)i;
    if (nn > 1 && which >= 0) {
        drop_name(s, rec, (size_t)which);
        return ctr__store_save(s);
    }
    size_t u = users(s, rec->id);
    if (u > 0 && !(flags & CTR_IMAGE_REMOVE_FORCE))
        return ctr__err(-EBUSY, "image %.12s is used by %zu container%s: remove %s first or force", rec->id, u,
                        u == 1 ? "" : "s", u == 1 ? "it" : "them");
    if ((r = ctr__store_remove_image(s, rec)) < 0)
        return r;
    return ctr__store_save(s);
}

int ctr__image_remove(const struct ctr__settings *set, const char *name_or_id, uint64_t flags)
{
    _cleanup_(ctr__store_closep) struct ctr__store *s = NULL;
    int r = open_locked(set, &s);
    if (r < 0)
        return r;
    r = remove_locked(s, name_or_id, flags);
    ctr__store_unlock(s);
    return r;
}

/* Remove the images prune takes, IDs to removed, and the layers left (store lock held). */
static int prune_locked(struct ctr__store *s, uint64_t flags, char ***removed)
{
    ctr__store_gc(s);
    for (size_t i = 0; i < s->n_images;) {
        struct ctr__image_rec *rec = &s->images[i];
        if (users(s, rec->id) > 0 || (rec->names[0] && !(flags & CTR_IMAGE_PRUNE_ALL))) {
            i++;
            continue;
        }
        if (ctr__strv_push(removed, rec->id) < 0)
            return ctr__oom("image list");
        ctr__store_remove_image(s, rec);
        i = 0; /* the records moved: look again from the start */
    }
    ctr__store_prune_layers(s);
    return ctr__store_save(s);
}

int ctr__image_prune(const struct ctr__settings *set, uint64_t flags, char ***ret_removed)
{
    _cleanup_strv_ char **removed = ctr__strv_copy(NULL);
    if (!removed)
        return ctr__oom("image list");
    _cleanup_(ctr__store_closep) struct ctr__store *s = NULL;
    int r = open_locked(set, &s);
    if (r < 0)
        return r;
    r = prune_locked(s, flags, &removed);
    ctr__store_unlock(s);
    if (r < 0)
        return r;
    int n = (int)ctr__strv_len((const char *const *)removed);
    if (ret_removed)
        *ret_removed = TAKE_PTR(removed);
    return n;
}

/* ---- config, inspect ---- */

int ctr__image_config(const struct ctr__settings *set, const char *id, char **ret)
{
    _cleanup_(ctr__store_closep) struct ctr__store *s = NULL;
    struct ctr__image_rec *rec;
    int r = with_image(set, id, &s, &rec);
    if (r < 0)
        return r;
    r = ctr__store_blob_read(s, rec->id, ret, NULL);
    ctr__store_unlock(s);
    return r;
}

static json_object *copy_member(json_object *o, const char *key)
{
    json_object *v;
    if (o && json_object_object_get_ex(o, key, &v))
        return json_object_get(v);
    return NULL;
}

/* o[key] = src[key], or dflt (may be NULL: then nothing) when src has none. */
static void add_copy(json_object *o, const char *key, json_object *src, const char *src_key, json_object *dflt)
{
    json_object *v = copy_member(src, src_key);
    if (v || dflt) {
        json_object_object_add(o, key, v ? v : dflt);
        if (v)
            json_object_put(dflt);
    }
}

/* RepoTags and RepoDigests ("repo@sha256:manifest") of the names. */
static void add_repo_names(json_object *o, const struct ctr__image_rec *rec)
{
    json_object *tags = json_object_new_array(), *digests = json_object_new_array();
    for (char **nm = rec->names; *nm; nm++) {
        json_object_array_add(tags, json_object_new_string(*nm));
        if (!rec->manifest)
            continue;
        char rd[600];
        size_t k = strcspn(*nm, "@");
        const char *colon = memchr(strrchr(*nm, '/') ? strrchr(*nm, '/') : *nm, ':', k);
        size_t repo = colon ? (size_t)(colon - *nm) : k;
        snprintf(rd, sizeof rd, "%.*s@sha256:%s", (int)repo, *nm, rec->manifest);
        json_object_array_add(digests, json_object_new_string(rd));
    }
    json_object_object_add(o, "RepoTags", tags);
    json_object_object_add(o, "RepoDigests", digests);
}

/* GraphDriver (the top layer's diff over the others) and RootFS (the diff IDs). */
static int add_layers(json_object *o, struct ctr__store *s, const struct ctr__image_rec *rec)
{
    size_t nl = ctr__strv_len((const char *const *)rec->layers);
    _cleanup_free_ char *lower = nl ? ctr__store_lower_dirs(s, rec->layers, nl - 1) : strdup("");
    json_object *gd = json_object_new_object(), *data = json_object_new_object();
    json_object *rootfs = json_object_new_object(), *layers = json_object_new_array();
    json_object_object_add(o, "GraphDriver", gd);
    json_object_object_add(o, "RootFS", rootfs);
    if (!lower || !gd || !data || !rootfs || !layers) {
        json_object_put(data);
        json_object_put(layers);
        return ctr__oom("image inspect");
    }
    json_object_object_add(gd, "Name", json_object_new_string(s->vfs ? "vfs" : "overlay"));
    if (nl > 0) {
        _cleanup_free_ char *upper = ctr__store_layer_diff(s, rec->layers[nl - 1]);
        json_object_object_add(data, "UpperDir", upper ? json_object_new_string(upper) : NULL);
    }
    if (*lower)
        json_object_object_add(data, "LowerDir", json_object_new_string(lower));
    json_object_object_add(gd, "Data", data);
    for (size_t i = nl; i-- > 0;) {
        struct ctr__layer_rec *l = ctr__store_layer(s, rec->layers[i]);
        char d[80];
        if (l) {
            snprintf(d, sizeof d, "sha256:%s", l->diff_id);
            json_object_array_put_idx(layers, i, json_object_new_string(d));
        }
    }
    json_object_object_add(rootfs, "Type", json_object_new_string("layers"));
    json_object_object_add(rootfs, "Layers", layers);
    return 0;
}

/* ManifestType and Annotations, from the stored manifest when there is one. */
static void add_manifest(json_object *o, struct ctr__store *s, const struct ctr__image_rec *rec)
{
    _cleanup_free_ char *manifest = NULL;
    _cleanup_json_ json_object *m = NULL;
    if (rec->manifest && (ctr__store_blob_read(s, rec->manifest, &manifest, NULL) < 0 ||
                          ctr__json_parse(manifest, "manifest", &m) < 0))
        ctr__err_clear();
    if (m)
        add_copy(o, "ManifestType", m, "mediaType", json_object_new_string(""));
    add_copy(o, "Annotations", m, "annotations", json_object_new_object());
}

/* The inspect document of rec (store lock held). */
static int inspect_locked(struct ctr__store *s, const struct ctr__image_rec *rec, json_object *o)
{
    _cleanup_free_ char *config = NULL;
    _cleanup_json_ json_object *cfg = NULL;
    int r = ctr__store_blob_read(s, rec->id, &config, NULL);
    if (r < 0 || (r = ctr__image_config_parse(config, &cfg, NULL)) < 0)
        return r;
    char id[80];
    json_object_object_add(o, "Id", json_object_new_string(rec->id));
    snprintf(id, sizeof id, "sha256:%s", rec->manifest ? rec->manifest : rec->id);
    json_object_object_add(o, "Digest", json_object_new_string(id));
    add_repo_names(o, rec);
    add_copy(o, "Created", cfg, "created", json_object_new_string("0001-01-01T00:00:00Z"));
    add_copy(o, "Config", cfg, "config", json_object_new_object());
    json_object_object_add(o, "Version", json_object_new_string(""));
    add_copy(o, "Author", cfg, "author", json_object_new_string(""));
    add_copy(o, "Architecture", cfg, "architecture", json_object_new_string(""));
    add_copy(o, "Os", cfg, "os", json_object_new_string(""));
    add_copy(o, "Variant", cfg, "variant", NULL);
    json_object_object_add(o, "Size", json_object_new_int64(rec->size));
    json_object_object_add(o, "VirtualSize", json_object_new_int64(rec->size));
    if ((r = add_layers(o, s, rec)) < 0)
        return r;
    json_object *c = NULL;
    if (!json_object_object_get_ex(cfg, "config", &c))
        c = NULL;
    json_object_object_add(o, "Labels", copy_member(c, "Labels"));
    add_manifest(o, s, rec);
    add_copy(o, "User", c, "User", json_object_new_string(""));
    add_copy(o, "History", cfg, "history", json_object_new_array());
    json_object_object_add(o, "NamesHistory", ctr__json_strv(rec->names));
    return 0;
}

int ctr__image_inspect(const struct ctr__settings *set, const char *id, char **ret)
{
    _cleanup_json_ json_object *o = json_object_new_object();
    if (!o)
        return ctr__oom("image inspect");
    _cleanup_(ctr__store_closep) struct ctr__store *s = NULL;
    struct ctr__image_rec *rec;
    int r = with_image(set, id, &s, &rec);
    if (r < 0)
        return r;
    r = inspect_locked(s, rec, o);
    ctr__store_unlock(s);
    if (r < 0)
        return r;
    return ctr__json_to_string(o, ret);
}

/* ---- import ---- */

/* "oci:DIR[:TAG]": split the tag after the last '/'. */
static int split_tag(const char *s, char **ret_path, char **ret_tag)
{
    const char *slash = strrchr(s, '/');
    const char *colon = strchr(slash ? slash : s, ':');
    *ret_path = colon ? strndup(s, (size_t)(colon - s)) : strdup(s);
    *ret_tag = colon ? strdup(colon + 1) : NULL;
    if (!*ret_path || (colon && !*ret_tag))
        return ctr__oom("reference");
    if (!**ret_path || (colon && !**ret_tag))
        return ctr__err(-EINVAL, "invalid reference \"%s\"", s);
    return 0;
}

/* containers-storage:[DRIVER@STORE+RUN]NAME, or :NAME (podman's default store). */
static int import_podman(struct ctr__import *im, const char *ref, const char *const *names)
{
    const char *name = ref + strlen("containers-storage:");
    _cleanup_free_ char *store = NULL;
    if (name[0] == '[') {
        const char *end = strchr(name, ']');
        if (!end)
            return ctr__err(-EINVAL, "invalid reference \"%s\"", ref);
        const char *at = memchr(name, '@', (size_t)(end - name));
        const char *start = at ? at + 1 : name + 1;
        const char *plus = memchr(start, '+', (size_t)(end - start));
        if (!(store = strndup(start, (size_t)((plus ? plus : end) - start))))
            return ctr__oom("reference");
        if (at && strncmp(name + 1, "overlay@", 8) != 0)
            return ctr__err(-EOPNOTSUPP, "only podman's overlay store can be read");
        name = end + 1;
    }
    if (!*name)
        return ctr__err(-EINVAL, "invalid reference \"%s\": no image name", ref);
    return ctr__import_podman(im, store, name, names);
}

/* Import by the reference's transport. */
static int import_ref(struct ctr__import *im, const char *ref, const char *const *names)
{
    _cleanup_free_ char *path = NULL, *tag = NULL;
    int r;
    if (strncmp(ref, "oci:", 4) == 0) {
        if ((r = split_tag(ref + 4, &path, &tag)) < 0)
            return r;
        _cleanup_close_ int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0)
            return ctr__err(-errno, "%s: %m", path);
        return ctr__import_oci_dir(im, fd, tag, names);
    }
    if (strncmp(ref, "oci-archive:", 12) == 0) {
        if ((r = split_tag(ref + 12, &path, &tag)) < 0)
            return r;
        return ctr__import_oci_archive(im, path, tag, names);
    }
    if (strncmp(ref, "docker-archive:", 15) == 0) {
        /* docker-archive:FILE[:NAME] — a name after the file is ignored on import. */
        if ((r = split_tag(ref + 15, &path, &tag)) < 0)
            return r;
        return ctr__import_docker_archive(im, path, names);
    }
    if (strncmp(ref, "containers-storage:", 19) == 0)
        return import_podman(im, ref, names);
    const char *file = strncmp(ref, "tarball:", 8) == 0 ? ref + 8 : ref;
    if (strchr(file, ':') && file[0] != '/' && file[0] != '.')
        return ctr__err(-EINVAL, "unknown image reference \"%s\" (oci:, oci-archive:, docker-archive:, "
                                 "containers-storage:, tarball:)", ref);
    return ctr__import_tarball(im, file, names);
}

int ctr__image_import(const struct ctr__settings *set, const ctr_import_options_t *o, char **ret_id)
{
    _cleanup_free_ char *norm = NULL;
    int r;
    if (o->name && (r = ctr__image_name_normalize(o->name, &norm)) < 0)
        return r;
    const char *names_v[] = { o->name, NULL };
    _cleanup_(ctr__store_closep) struct ctr__store *s = NULL;
    if ((r = ctr__store_open(set, &s)) < 0)
        return r;
    struct ctr__import im = { .set = set, .s = s, .changes = o->changes,
                              .prog = { .fn = o->progress, .userdata = o->progress_userdata, .cancel = o->cancel } };
    r = import_ref(&im, o->reference, o->name ? names_v : NULL);
    if (r < 0) {
        free(im.image_id);
        return r;
    }
    *ret_id = im.image_id;
    return 0;
}
