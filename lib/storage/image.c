/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The public image API: handles, list, lookup, tag, remove, prune,
 * inspect, import. */
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <sys/stat.h>

#include "error.h"
#include "json-util.h"
#include "runtime.h"
#include "storage/store.h"

struct ctr_image {
    unsigned int refs;
    ctr_runtime_t *rt;
    char *id;
    char *digest;
    char **names;
    int64_t created;
    int64_t size;
    size_t n_layers;
};

static ctr_image_t *image_new(ctr_runtime_t *rt, const struct ctr__image_rec *rec)
{
    ctr_image_t *img = calloc(1, sizeof *img);
    if (!img)
        return NULL;
    img->refs = 1;
    img->rt = ctr_runtime_ref(rt);
    img->id = strdup(rec->id);
    img->digest = rec->manifest ? ctr__asprintf("sha256:%s", rec->manifest) : NULL;
    img->names = ctr__strv_copy((const char *const *)rec->names);
    img->created = rec->created;
    img->size = rec->size;
    img->n_layers = ctr__strv_len((const char *const *)rec->layers);
    if (!img->id || (rec->manifest && !img->digest) || !img->names)
        return ctr_image_unref(img);
    return img;
}

CTR_EXPORT ctr_image_t *ctr_image_ref(ctr_image_t *img)
{
    if (img)
        __atomic_add_fetch(&img->refs, 1, __ATOMIC_RELAXED);
    return img;
}

CTR_EXPORT ctr_image_t *ctr_image_unref(ctr_image_t *img)
{
    if (!img || __atomic_sub_fetch(&img->refs, 1, __ATOMIC_ACQ_REL) > 0)
        return NULL;
    ctr_runtime_unref(img->rt);
    free(img->id);
    free(img->digest);
    ctr__strv_free(img->names);
    free(img);
    return NULL;
}

CTR_EXPORT const char *ctr_image_id(const ctr_image_t *img)
{
    return img ? img->id : NULL;
}

CTR_EXPORT const char *ctr_image_digest(const ctr_image_t *img)
{
    return img ? img->digest : NULL;
}

CTR_EXPORT const char *const *ctr_image_names(const ctr_image_t *img)
{
    return img ? (const char *const *)img->names : ctr__strv_empty;
}

CTR_EXPORT int64_t ctr_image_created(const ctr_image_t *img)
{
    return img ? img->created : 0;
}

CTR_EXPORT int64_t ctr_image_size(const ctr_image_t *img)
{
    return img ? img->size : 0;
}

CTR_EXPORT size_t ctr_image_layer_count(const ctr_image_t *img)
{
    return img ? img->n_layers : 0;
}

/* For the other storage modules. */
ctr_runtime_t *ctr__image_runtime(const ctr_image_t *img);
ctr_runtime_t *ctr__image_runtime(const ctr_image_t *img)
{
    return img->rt;
}

/* ---- list, lookup ---- */

static int newest_first(const void *a, const void *b)
{
    const ctr_image_t *x = *(ctr_image_t *const *)a, *y = *(ctr_image_t *const *)b;
    if (x->created != y->created)
        return x->created > y->created ? -1 : 1;
    return strcmp(x->id, y->id);
}

CTR_EXPORT void ctr_image_list_free(ctr_image_t **list, size_t count)
{
    if (!list)
        return;
    for (size_t i = 0; i < count; i++)
        ctr_image_unref(list[i]);
    free(list);
}

CTR_EXPORT int ctr_image_list(ctr_runtime_t *rt, ctr_image_t ***ret, size_t *ret_count)
{
    CTR_ENTER();
    CTR_CHECK_ARG(rt);
    CTR_CHECK_ARG(ret);
    CTR_CHECK_ARG(ret_count);
    _cleanup_(ctr__store_closep) struct ctr__store *s = NULL;
    int r = ctr__store_open(ctr__runtime_settings(rt), &s);
    if (r < 0 || (r = ctr__store_lock(s)) < 0)
        return r;
    ctr_image_t **v = calloc(s->n_images + 1, sizeof *v);
    size_t n = 0;
    if (!v)
        r = -ENOMEM;
    for (size_t i = 0; r == 0 && i < s->n_images; i++)
        if (!(v[n++] = image_new(rt, &s->images[i])))
            r = -ENOMEM;
    ctr__store_unlock(s);
    if (r < 0) {
        ctr_image_list_free(v, n);
        return r;
    }
    qsort(v, n, sizeof *v, newest_first);
    *ret = v;
    *ret_count = n;
    return 0;
}

static int lookup(ctr_runtime_t *rt, struct ctr__store *s, const char *ref, ctr_image_t **ret)
{
    int r = ctr__store_lock(s);
    if (r < 0)
        return r;
    struct ctr__image_rec *rec = NULL;
    r = ctr__store_find_image(s, ref, &rec);
    ctr_image_t *img = NULL;
    if (r == 0 && !(img = image_new(rt, rec)))
        r = -ENOMEM;
    ctr__store_unlock(s);
    if (r == 0)
        *ret = img;
    return r;
}

CTR_EXPORT int ctr_image_lookup(ctr_runtime_t *rt, const char *name_or_id, ctr_image_t **ret)
{
    CTR_ENTER();
    CTR_CHECK_ARG(rt);
    CTR_CHECK_ARG(name_or_id);
    CTR_CHECK_ARG(ret);
    _cleanup_(ctr__store_closep) struct ctr__store *s = NULL;
    int r = ctr__store_open(ctr__runtime_settings(rt), &s);
    if (r < 0)
        return r;
    return lookup(rt, s, name_or_id, ret);
}

/* ---- tag, untag ---- */

static int with_image(ctr_image_t *img, struct ctr__store **ret_s, struct ctr__image_rec **ret_rec)
{
    int r = ctr__store_open(ctr__runtime_settings(img->rt), ret_s);
    if (r < 0 || (r = ctr__store_lock(*ret_s)) < 0)
        return r;
    *ret_rec = ctr__store_image(*ret_s, img->id);
    if (!*ret_rec) {
        ctr__store_unlock(*ret_s);
        return ctr__err(-ENOENT, "image %.12s has been removed", img->id);
    }
    return 0;
}

CTR_EXPORT int ctr_image_tag(ctr_image_t *img, const char *name)
{
    CTR_ENTER();
    CTR_CHECK_ARG(img);
    CTR_CHECK_ARG(name);
    _cleanup_free_ char *norm = NULL;
    int r = ctr__image_name_normalize(name, &norm);
    if (r < 0)
        return r;
    if (strchr(norm, '@'))
        return ctr__err(-EINVAL, "cannot tag with a digest reference \"%s\"", name);
    _cleanup_(ctr__store_closep) struct ctr__store *s = NULL;
    struct ctr__image_rec *rec;
    if ((r = with_image(img, &s, &rec)) < 0)
        return r;
    r = ctr__store_tag(s, rec, norm);
    if (r == 0)
        r = ctr__store_save(s);
    ctr__store_unlock(s);
    return r;
}

CTR_EXPORT int ctr_image_untag(ctr_image_t *img, const char *name)
{
    CTR_ENTER();
    CTR_CHECK_ARG(img);
    CTR_CHECK_ARG(name);
    _cleanup_free_ char *norm = NULL;
    int r = ctr__image_name_normalize(name, &norm);
    if (r < 0)
        return r;
    _cleanup_(ctr__store_closep) struct ctr__store *s = NULL;
    struct ctr__image_rec *rec;
    if ((r = with_image(img, &s, &rec)) < 0)
        return r;
    r = -ENOENT;
    for (size_t i = 0; rec->names[i]; i++)
        if (streq(rec->names[i], norm) || streq(rec->names[i], name)) {
            free(rec->names[i]);
            memmove(&rec->names[i], &rec->names[i + 1], (ctr__strv_len((const char *const *)rec->names + i + 1) + 1) *
                                                           sizeof(char *));
            s->dirty_images = true;
            r = ctr__store_save(s);
            break;
        }
    ctr__store_unlock(s);
    if (r == -ENOENT)
        return ctr__err(-ENOENT, "image %.12s has no name \"%s\"", img->id, name);
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

CTR_EXPORT int ctr_image_remove(ctr_runtime_t *rt, const char *name_or_id, uint64_t flags)
{
    CTR_ENTER();
    CTR_CHECK_ARG(rt);
    CTR_CHECK_ARG(name_or_id);
    if (flags & ~(uint64_t)CTR_IMAGE_REMOVE_FORCE)
        return ctr__err(-EINVAL, "unknown image remove flags 0x%llx", (unsigned long long)flags);
    _cleanup_(ctr__store_closep) struct ctr__store *s = NULL;
    int r = ctr__store_open(ctr__runtime_settings(rt), &s);
    if (r < 0 || (r = ctr__store_lock(s)) < 0)
        return r;
    struct ctr__image_rec *rec = NULL;
    r = ctr__store_find_image(s, name_or_id, &rec);
    if (r == 0) {
        /* By one of several names: only that name goes. */
        _cleanup_free_ char *norm = NULL;
        ctr__image_name_normalize(name_or_id, &norm);
        ctr__err_clear();
        size_t nn = ctr__strv_len((const char *const *)rec->names);
        ssize_t which = -1;
        for (size_t i = 0; i < nn; i++)
            if (streq(rec->names[i], name_or_id) || (norm && streq(rec->names[i], norm)))
                which = (ssize_t)i;
        if (nn > 1 && which >= 0) {
            free(rec->names[which]);
            memmove(&rec->names[which], &rec->names[which + 1], (nn - (size_t)which) * sizeof(char *));
            s->dirty_images = true;
        } else {
            size_t u = users(s, rec->id);
            if (u > 0 && !(flags & CTR_IMAGE_REMOVE_FORCE))
                r = ctr__err(-EBUSY, "image %.12s is used by %zu container%s: remove %s first or force", rec->id, u,
                             u == 1 ? "" : "s", u == 1 ? "it" : "them");
            else
                r = ctr__store_remove_image(s, rec);
        }
    }
    if (r == 0)
        r = ctr__store_save(s);
    ctr__store_unlock(s);
    return r;
}

CTR_EXPORT int ctr_image_prune(ctr_runtime_t *rt, uint64_t flags, char ***ret_removed)
{
    CTR_ENTER();
    CTR_CHECK_ARG(rt);
    if (flags & ~(uint64_t)CTR_IMAGE_PRUNE_ALL)
        return ctr__err(-EINVAL, "unknown prune flags 0x%llx", (unsigned long long)flags);
    _cleanup_strv_ char **removed = ctr__strv_copy(NULL);
    if (!removed)
        return -ENOMEM;
    _cleanup_(ctr__store_closep) struct ctr__store *s = NULL;
    int r = ctr__store_open(ctr__runtime_settings(rt), &s);
    if (r < 0 || (r = ctr__store_lock(s)) < 0)
        return r;
    ctr__store_gc(s);
    bool again = true;
    while (again && r == 0) {
        again = false;
        for (size_t i = 0; i < s->n_images; i++) {
            struct ctr__image_rec *rec = &s->images[i];
            if (users(s, rec->id) > 0 || (rec->names[0] && !(flags & CTR_IMAGE_PRUNE_ALL)))
                continue;
            if ((r = ctr__strv_push(&removed, rec->id)) < 0)
                break;
            ctr__store_remove_image(s, rec);
            again = true;
            break;
        }
    }
    if (r == 0) {
        ctr__store_prune_layers(s);
        r = ctr__store_save(s);
    }
    ctr__store_unlock(s);
    if (r < 0)
        return r;
    int n = (int)ctr__strv_len((const char *const *)removed);
    if (ret_removed)
        *ret_removed = TAKE_PTR(removed);
    return n;
}

/* ---- inspect ---- */

CTR_EXPORT int ctr_image_config_json(ctr_image_t *img, char **ret)
{
    CTR_ENTER();
    CTR_CHECK_ARG(img);
    CTR_CHECK_ARG(ret);
    _cleanup_(ctr__store_closep) struct ctr__store *s = NULL;
    struct ctr__image_rec *rec;
    int r = with_image(img, &s, &rec);
    if (r < 0)
        return r;
    r = ctr__store_blob_read(s, img->id, ret, NULL);
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

CTR_EXPORT int ctr_image_inspect(ctr_image_t *img, char **ret)
{
    CTR_ENTER();
    CTR_CHECK_ARG(img);
    CTR_CHECK_ARG(ret);
    _cleanup_(ctr__store_closep) struct ctr__store *s = NULL;
    struct ctr__image_rec *rec;
    int r = with_image(img, &s, &rec);
    if (r < 0)
        return r;
    _cleanup_free_ char *config = NULL, *manifest = NULL;
    _cleanup_json_ json_object *cfg = NULL, *o = json_object_new_object();
    json_object *layers = json_object_new_array(), *lower = NULL;
    size_t ml = 0;
    r = ctr__store_blob_read(s, rec->id, &config, NULL);
    if (r == 0)
        r = ctr__image_config_parse(config, &cfg, NULL);
    if (r == 0 && rec->manifest && ctr__store_blob_read(s, rec->manifest, &manifest, &ml) < 0)
        ctr__err_clear();
    if (r == 0 && (!o || !layers))
        r = -ENOMEM;
    if (r == 0) {
        char buf[PATH_MAX * 4];
        size_t n = 0;
        buf[0] = '\0';
        for (size_t i = ctr__strv_len((const char *const *)rec->layers); i-- > 0;) {
            struct ctr__layer_rec *l = ctr__store_layer(s, rec->layers[i]);
            char d[80];
            if (l) {
                snprintf(d, sizeof d, "sha256:%s", l->diff_id);
                json_object_array_put_idx(layers, i, json_object_new_string(d));
            }
            if (i + 1 < ctr__strv_len((const char *const *)rec->layers) && n < sizeof buf - 1)
                n += (size_t)snprintf(buf + n, sizeof buf - n, "%s%s/layers/%s/diff", n ? ":" : "", s->dir,
                                      rec->layers[i]);
        }
        lower = buf[0] ? json_object_new_string(buf) : NULL;
        char id[80];
        json_object_object_add(o, "Id", json_object_new_string(rec->id));
        snprintf(id, sizeof id, "sha256:%s", rec->manifest ? rec->manifest : rec->id);
        json_object_object_add(o, "Digest", json_object_new_string(id));
        json_object *tags = json_object_new_array(), *digests = json_object_new_array();
        for (char **nm = rec->names; *nm; nm++) {
            json_object_array_add(tags, json_object_new_string(*nm));
            if (rec->manifest) {
                char rd[600];
                size_t k = strcspn(*nm, "@");
                const char *colon = memchr(strrchr(*nm, '/') ? strrchr(*nm, '/') : *nm, ':', k);
                size_t repo = colon ? (size_t)(colon - *nm) : k;
                snprintf(rd, sizeof rd, "%.*s@sha256:%s", (int)repo, *nm, rec->manifest);
                json_object_array_add(digests, json_object_new_string(rd));
            }
        }
        json_object_object_add(o, "RepoTags", tags);
        json_object_object_add(o, "RepoDigests", digests);
        json_object *v = copy_member(cfg, "created");
        json_object_object_add(o, "Created", v ? v : json_object_new_string("0001-01-01T00:00:00Z"));
        json_object *c = copy_member(cfg, "config");
        json_object_object_add(o, "Config", c ? c : json_object_new_object());
        json_object_object_add(o, "Version", json_object_new_string(""));
        v = copy_member(cfg, "author");
        json_object_object_add(o, "Author", v ? v : json_object_new_string(""));
        v = copy_member(cfg, "architecture");
        json_object_object_add(o, "Architecture", v ? v : json_object_new_string(""));
        v = copy_member(cfg, "os");
        json_object_object_add(o, "Os", v ? v : json_object_new_string(""));
        v = copy_member(cfg, "variant");
        if (v)
            json_object_object_add(o, "Variant", v);
        json_object_object_add(o, "Size", json_object_new_int64(rec->size));
        json_object_object_add(o, "VirtualSize", json_object_new_int64(rec->size));
        json_object *gd = json_object_new_object(), *data = json_object_new_object();
        json_object_object_add(gd, "Name", json_object_new_string(s->vfs ? "vfs" : "overlay"));
        size_t nl = ctr__strv_len((const char *const *)rec->layers);
        if (nl > 0) {
            snprintf(buf, sizeof buf, "%s/layers/%s/diff", s->dir, rec->layers[nl - 1]);
            json_object_object_add(data, "UpperDir", json_object_new_string(buf));
        }
        if (lower)
            json_object_object_add(data, "LowerDir", lower);
        json_object_object_add(gd, "Data", data);
        json_object_object_add(o, "GraphDriver", gd);
        json_object *rootfs = json_object_new_object();
        json_object_object_add(rootfs, "Type", json_object_new_string("layers"));
        json_object_object_add(rootfs, "Layers", json_object_get(layers));
        json_object_object_add(o, "RootFS", rootfs);
        json_object *labels = c ? copy_member(c, "Labels") : NULL;
        json_object_object_add(o, "Labels", labels ? labels : NULL);
        json_object *ann = NULL;
        if (manifest) {
            _cleanup_json_ json_object *m = NULL;
            if (ctr__json_parse(manifest, "manifest", &m) == 0) {
                ann = copy_member(m, "annotations");
                v = copy_member(m, "mediaType");
                json_object_object_add(o, "ManifestType", v ? v : json_object_new_string(""));
            } else {
                ctr__err_clear();
            }
        }
        json_object_object_add(o, "Annotations", ann ? ann : json_object_new_object());
        c = c ? c : NULL;
        json_object *user = NULL;
        json_object *cc = NULL;
        if (json_object_object_get_ex(cfg, "config", &cc))
            user = copy_member(cc, "User");
        json_object_object_add(o, "User", user ? user : json_object_new_string(""));
        v = copy_member(cfg, "history");
        json_object_object_add(o, "History", v ? v : json_object_new_array());
        json_object *nh = json_object_new_array();
        for (char **nm = rec->names; *nm; nm++)
            json_object_array_add(nh, json_object_new_string(*nm));
        json_object_object_add(o, "NamesHistory", nh);
    }
    ctr__store_unlock(s);
    json_object_put(layers);
    if (r < 0)
        return r;
    return ctr__json_to_string(o, ret);
}

/* ---- import ---- */

static const size_t import_size[] = { [1] = sizeof(ctr_import_options_t) };

CTR_EXPORT int ctr_import_options_init(ctr_import_options_t *opts, unsigned int version)
{
    CTR_ENTER();
    CTR_CHECK_ARG(opts);
    if (version < 1 || version > CTR_IMPORT_OPTIONS_VERSION)
        return ctr__err(-EINVAL, "import options version %u is not supported", version);
    memset(opts, 0, import_size[version]);
    opts->version = version;
    return 0;
}

/* "oci:DIR[:TAG]": split the tag after the last '/'. */
static int split_tag(const char *s, char **ret_path, char **ret_tag)
{
    const char *slash = strrchr(s, '/');
    const char *colon = strchr(slash ? slash : s, ':');
    *ret_path = colon ? strndup(s, (size_t)(colon - s)) : strdup(s);
    *ret_tag = colon ? strdup(colon + 1) : NULL;
    if (!*ret_path || (colon && !*ret_tag))
        return -ENOMEM;
    if (!**ret_path || (colon && !**ret_tag))
        return ctr__err(-EINVAL, "invalid reference \"%s\"", s);
    return 0;
}

CTR_EXPORT int ctr_image_import(ctr_runtime_t *rt, const ctr_import_options_t *opts, ctr_image_t **ret)
{
    CTR_ENTER();
    CTR_CHECK_ARG(rt);
    CTR_CHECK_ARG(opts);
    if (opts->version < 1 || opts->version > CTR_IMPORT_OPTIONS_VERSION)
        return ctr__err(-EINVAL, "import options version %u is not supported", opts->version);
    ctr_import_options_t o;
    ctr_import_options_init(&o, CTR_IMPORT_OPTIONS_VERSION);
    memcpy(&o, opts, import_size[opts->version]);
    if (isempty(o.reference))
        return ctr__err(-EINVAL, "no image reference to import");
    if (o.flags)
        return ctr__err(-EINVAL, "unknown import flags 0x%llx", (unsigned long long)o.flags);
    _cleanup_free_ char *norm = NULL;
    int r;
    if (o.name && (r = ctr__image_name_normalize(o.name, &norm)) < 0)
        return r;
    const char *names_v[] = { o.name, NULL };
    const char *const *names = o.name ? names_v : NULL;

    _cleanup_(ctr__store_closep) struct ctr__store *s = NULL;
    if ((r = ctr__store_open(ctr__runtime_settings(rt), &s)) < 0)
        return r;
    struct ctr__import im = { .set = ctr__runtime_settings(rt), .s = s, .changes = o.changes,
                              .prog = { .fn = o.progress, .userdata = o.progress_userdata, .cancel = o.cancel } };
    const char *ref = o.reference;
    _cleanup_free_ char *path = NULL, *tag = NULL;
    if (strncmp(ref, "oci:", 4) == 0) {
        if ((r = split_tag(ref + 4, &path, &tag)) < 0)
            return r;
        _cleanup_close_ int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0)
            return ctr__err(-errno, "%s: %m", path);
        r = ctr__import_oci_dir(&im, fd, tag, names);
    } else if (strncmp(ref, "oci-archive:", 12) == 0) {
        if ((r = split_tag(ref + 12, &path, &tag)) < 0)
            return r;
        r = ctr__import_oci_archive(&im, path, tag, names);
    } else if (strncmp(ref, "docker-archive:", 15) == 0) {
        /* docker-archive:FILE[:NAME] — a name after the file is ignored on import. */
        if ((r = split_tag(ref + 15, &path, &tag)) < 0)
            return r;
        r = ctr__import_docker_archive(&im, path, names);
    } else if (strncmp(ref, "containers-storage:", 19) == 0) {
        const char *name = ref + 19;
        _cleanup_free_ char *store = NULL;
        if (name[0] == '[') {
            const char *end = strchr(name, ']');
            if (!end)
                return ctr__err(-EINVAL, "invalid reference \"%s\"", ref);
            const char *at = memchr(name, '@', (size_t)(end - name));
            const char *start = at ? at + 1 : name + 1;
            const char *plus = memchr(start, '+', (size_t)(end - start));
            store = strndup(start, (size_t)((plus ? plus : end) - start));
            if (!store)
                return -ENOMEM;
            if (at && strncmp(name + 1, "overlay@", 8) != 0)
                return ctr__err(-EOPNOTSUPP, "only podman's overlay store can be read");
            name = end + 1;
        }
        if (!*name)
            return ctr__err(-EINVAL, "invalid reference \"%s\": no image name", ref);
        r = ctr__import_podman(&im, store, name, names);
    } else {
        const char *file = strncmp(ref, "tarball:", 8) == 0 ? ref + 8 : ref;
        if (strchr(file, ':') && file[0] != '/' && file[0] != '.')
            return ctr__err(-EINVAL, "unknown image reference \"%s\" (oci:, oci-archive:, docker-archive:, "
                                     "containers-storage:, tarball:)", ref);
        r = ctr__import_tarball(&im, file, names);
    }
    if (r < 0) {
        free(im.image_id);
        return r;
    }
    ctr__rt_log(rt, CTR_LOG_DEBUG, "imported image %.12s from %s", im.image_id, ref);
    if (ret) {
        _cleanup_free_ char *id = im.image_id;
        return lookup(rt, s, id, ret);
    }
    free(im.image_id);
    return 0;
}
