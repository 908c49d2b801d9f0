/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The image store's front: opening, the lock, the records (JSON files
 * replaced atomically), lookups, names, staging and publishing, and garbage
 * collection of what an interrupted operation left behind. */
#include "storage/store.h"

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <sys/stat.h>

#include "base/error.h"
#include "base/fault.h"
#include "base/json-util.h"

/* ---- records ---- */

void ctr__layer_rec_clear(struct ctr__layer_rec *l)
{
    free(l->id);
    free(l->parent);
    free(l->diff_id);
    free(l->blob);
    free(l->blob_diff_id);
    free(l->media_type);
    memset(l, 0, sizeof *l);
}

void ctr__image_rec_clear(struct ctr__image_rec *i)
{
    free(i->id);
    free(i->manifest);
    ctr__strv_free(i->names);
    ctr__strv_free(i->layers);
    memset(i, 0, sizeof *i);
}

static void ctr_rec_clear(struct ctr__ctr_rec *c)
{
    free(c->id);
    free(c->image);
    ctr__strv_free(c->layers);
    memset(c, 0, sizeof *c);
}

static void records_clear(struct ctr__store *s)
{
    for (size_t i = 0; i < s->n_layers; i++)
        ctr__layer_rec_clear(&s->layers[i]);
    for (size_t i = 0; i < s->n_images; i++)
        ctr__image_rec_clear(&s->images[i]);
    for (size_t i = 0; i < s->n_ctrs; i++)
        ctr_rec_clear(&s->ctrs[i]);
    free(s->layers);
    free(s->images);
    free(s->ctrs);
    s->layers = NULL;
    s->images = NULL;
    s->ctrs = NULL;
    s->n_layers = s->n_images = s->n_ctrs = 0;
    s->loaded = false;
}

static int get_hex(json_object *o, const char *key, bool required, char **ret, const char *what)
{
    char *v = NULL;
    int r = ctr__json_get_str(o, key, &v);
    if (r < 0)
        return r;
    if (!v && required)
        return ctr__err(-EINVAL, "%s: missing \"%s\"", what, key);
    if (v && !ctr__hex64_valid(v)) {
        free(v);
        return ctr__err(-EINVAL, "%s: malformed \"%s\"", what, key);
    }
    *ret = v;
    return 0;
}

static int load_array(struct ctr__store *s, const char *file, json_object **ret)
{
    _cleanup_free_ char *text = NULL;
    int r = ctr__read_file_at(s->dir_fd, file, &text, NULL);
    if (r == -ENOENT) {
        *ret = json_object_new_array();
        return *ret ? 0 : ctr__oom(file);
    }
    if (r < 0)
        return ctr__err(r, "cannot read %s/%s: %s", s->dir, file, strerror(-r));
    r = ctr__json_parse(text, file, ret);
    if (r < 0)
        return r;
    if (!json_object_is_type(*ret, json_type_array)) {
        json_object_put(*ret);
        return ctr__err(-EINVAL, "%s/%s: not a JSON array", s->dir, file);
    }
    return 0;
}

static int load(struct ctr__store *s)
{
    records_clear(s);
    _cleanup_json_ json_object *layers = NULL, *images = NULL, *ctrs = NULL;
    int r;
    if ((r = load_array(s, "layers.json", &layers)) < 0 || (r = load_array(s, "images.json", &images)) < 0 ||
        (r = load_array(s, "containers.json", &ctrs)) < 0)
        return r;
    size_t nl = json_object_array_length(layers), ni = json_object_array_length(images),
           nc = json_object_array_length(ctrs);
    s->layers = calloc(nl + 1, sizeof *s->layers);
    s->images = calloc(ni + 1, sizeof *s->images);
    s->ctrs = calloc(nc + 1, sizeof *s->ctrs);
    if (!s->layers || !s->images || !s->ctrs)
        return ctr__oom("the image store's records");
    for (size_t i = 0; i < nl; i++) {
        json_object *o = json_object_array_get_idx(layers, i);
        struct ctr__layer_rec *l = &s->layers[s->n_layers++];
        if (!json_object_is_type(o, json_type_object))
            return ctr__err(-EINVAL, "layers.json: entry %zu is not an object", i);
        if ((r = get_hex(o, "id", true, &l->id, "layers.json")) < 0 ||
            (r = get_hex(o, "parent", false, &l->parent, "layers.json")) < 0 ||
            (r = get_hex(o, "diff_id", true, &l->diff_id, "layers.json")) < 0 ||
            (r = get_hex(o, "blob", false, &l->blob, "layers.json")) < 0 ||
            (r = get_hex(o, "blob_diff_id", false, &l->blob_diff_id, "layers.json")) < 0 ||
            (r = ctr__json_get_str(o, "media_type", &l->media_type)) < 0 ||
            (r = ctr__json_get_int(o, "blob_size", &l->blob_size)) < 0 ||
            (r = ctr__json_get_int(o, "size", &l->size)) < 0 || (r = ctr__json_get_int(o, "created", &l->created)) < 0)
            return r;
    }
    for (size_t i = 0; i < ni; i++) {
        json_object *o = json_object_array_get_idx(images, i);
        struct ctr__image_rec *im = &s->images[s->n_images++];
        if (!json_object_is_type(o, json_type_object))
            return ctr__err(-EINVAL, "images.json: entry %zu is not an object", i);
        im->names = ctr__strv_copy(NULL);
        im->layers = ctr__strv_copy(NULL);
        if (!im->names || !im->layers)
            return ctr__oom("the image store's records");
        if ((r = get_hex(o, "id", true, &im->id, "images.json")) < 0 ||
            (r = get_hex(o, "manifest", false, &im->manifest, "images.json")) < 0 ||
            (r = ctr__json_get_strv(o, "names", &im->names)) < 0 ||
            (r = ctr__json_get_strv(o, "layers", &im->layers)) < 0 ||
            (r = ctr__json_get_int(o, "created", &im->created)) < 0 || (r = ctr__json_get_int(o, "size", &im->size)) < 0)
            return r;
    }
    for (size_t i = 0; i < nc; i++) {
        json_object *o = json_object_array_get_idx(ctrs, i);
        struct ctr__ctr_rec *c = &s->ctrs[s->n_ctrs++];
        if (!json_object_is_type(o, json_type_object))
            return ctr__err(-EINVAL, "containers.json: entry %zu is not an object", i);
        c->layers = ctr__strv_copy(NULL);
        if (!c->layers)
            return ctr__oom("the image store's records");
        if ((r = get_hex(o, "id", true, &c->id, "containers.json")) < 0 ||
            (r = get_hex(o, "image", false, &c->image, "containers.json")) < 0 ||
            (r = ctr__json_get_strv(o, "layers", &c->layers)) < 0 ||
            (r = ctr__json_get_int(o, "created", &c->created)) < 0)
            return r;
    }
    s->loaded = true;
    return 0;
}

static int write_json(struct ctr__store *s, const char *file, json_object *arr)
{
    const char *text = json_object_to_json_string_ext(arr, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
    if (!text)
        return ctr__oom(file);
    int r = ctr__write_file_at(s->dir_fd, file, text, strlen(text), 0600, true);
    if (r < 0)
        return ctr__err(r, "cannot write %s/%s: %s", s->dir, file, strerror(-r));
    return 0;
}

static int save_layers(struct ctr__store *s)
{
    _cleanup_json_ json_object *arr = json_object_new_array();
    if (!arr)
        return ctr__oom("layers.json");
    for (size_t i = 0; i < s->n_layers; i++) {
        const struct ctr__layer_rec *l = &s->layers[i];
        json_object *o = json_object_new_object();
        if (!o || json_object_array_add(arr, o) < 0)
            return ctr__oom("layers.json");
        if (ctr__json_add_str(o, "id", l->id) < 0 || ctr__json_add_str(o, "parent", l->parent) < 0 ||
            ctr__json_add_str(o, "diff_id", l->diff_id) < 0 || ctr__json_add_str(o, "blob", l->blob) < 0 ||
            ctr__json_add_str(o, "blob_diff_id", l->blob_diff_id) < 0 ||
            ctr__json_add_str(o, "media_type", l->media_type) < 0 || ctr__json_add_int(o, "blob_size", l->blob_size) < 0 ||
            ctr__json_add_int(o, "size", l->size) < 0 || ctr__json_add_int(o, "created", l->created) < 0)
            return ctr__oom("layers.json");
    }
    return write_json(s, "layers.json", arr);
}

static int save_images(struct ctr__store *s)
{
    _cleanup_json_ json_object *arr = json_object_new_array();
    if (!arr)
        return ctr__oom("images.json");
    for (size_t i = 0; i < s->n_images; i++) {
        const struct ctr__image_rec *im = &s->images[i];
        json_object *o = json_object_new_object();
        if (!o || json_object_array_add(arr, o) < 0)
            return ctr__oom("images.json");
        if (ctr__json_add_str(o, "id", im->id) < 0 || ctr__json_add_str(o, "manifest", im->manifest) < 0 ||
            ctr__json_add_strv(o, "names", im->names) < 0 || ctr__json_add_strv(o, "layers", im->layers) < 0 ||
            ctr__json_add_int(o, "created", im->created) < 0 || ctr__json_add_int(o, "size", im->size) < 0)
            return ctr__oom("images.json");
    }
    return write_json(s, "images.json", arr);
}

static int save_ctrs(struct ctr__store *s)
{
    _cleanup_json_ json_object *arr = json_object_new_array();
    if (!arr)
        return ctr__oom("containers.json");
    for (size_t i = 0; i < s->n_ctrs; i++) {
        const struct ctr__ctr_rec *c = &s->ctrs[i];
        json_object *o = json_object_new_object();
        if (!o || json_object_array_add(arr, o) < 0)
            return ctr__oom("containers.json");
        if (ctr__json_add_str(o, "id", c->id) < 0 || ctr__json_add_str(o, "image", c->image) < 0 ||
            ctr__json_add_strv(o, "layers", c->layers) < 0 || ctr__json_add_int(o, "created", c->created) < 0)
            return ctr__oom("containers.json");
    }
    return write_json(s, "containers.json", arr);
}

/* ---- open, lock ---- */

/* Layers of one driver mean nothing to the other: the store keeps the first. */
static int check_driver(struct ctr__store *s)
{
    const char *want = s->vfs ? "vfs" : "overlay";
    _cleanup_free_ char *have = NULL;
    int r = ctr__read_file_at(s->dir_fd, "driver", &have, NULL);
    if (r == -ENOENT) /* a new store */
        r = ctr__write_file_at(s->dir_fd, "driver", want, strlen(want), 0600, true);
    if (r < 0)
        return ctr__err(r, "cannot use %s: %s", s->dir, strerror(-r));
    if (have && !streq(ctr__strstrip(have), want))
        return ctr__err(-EINVAL, "the image store %s was made with the %s storage driver, not %s", s->dir, have, want);
    return 0;
}

int ctr__store_open(const struct ctr__settings *set, struct ctr__store **ret)
{
    _cleanup_(ctr__store_closep) struct ctr__store *s = calloc(1, sizeof *s);
    if (!s)
        return ctr__oom("the image store");
    s->set = set;
    s->dir_fd = -1;
    s->lock.fd = -1;
    s->vfs = set->storage_driver && streq(set->storage_driver, "vfs");
    s->dir = ctr__asprintf("%s/storage", set->root);
    _cleanup_free_ char *lock_path = s->dir ? ctr__asprintf("%s/storage.lock", s->dir) : NULL;
    if (!lock_path || ctr__lock_init(&s->lock, lock_path) < 0)
        return ctr__oom("the image store");
    static const char *const subdirs[] = { "", "/blobs", "/blobs/sha256", "/layers", "/containers", "/tmp" };
    for (size_t i = 0; i < ARRAY_SIZE(subdirs); i++) {
        char path[PATH_MAX];
        snprintf(path, sizeof path, "%s%s", s->dir, subdirs[i]);
        if (mkdir(path, 0700) < 0 && errno != EEXIST)
            return ctr__err(-errno, "cannot create %s: %m", path);
    }
    s->dir_fd = open(s->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (s->dir_fd < 0)
        return ctr__err(-errno, "cannot open %s: %m", s->dir);
    int r = check_driver(s);
    if (r < 0)
        return r;
    *ret = TAKE_PTR(s);
    return 0;
}

void ctr__store_close(struct ctr__store *s)
{
    if (!s)
        return;
    records_clear(s);
    if (s->dir_fd >= 0)
        close(s->dir_fd);
    ctr__lock_done(&s->lock);
    free(s->dir);
    free(s);
}

int ctr__store_lock(struct ctr__store *s)
{
    int r = ctr__lock_acquire(&s->lock);
    if (r < 0)
        return r;
    s->dirty_layers = s->dirty_images = s->dirty_ctrs = false;
    r = load(s);
    if (r < 0)
        ctr__lock_release(&s->lock);
    return r;
}

int ctr__store_save(struct ctr__store *s)
{
    int r = 0;
    /* Layers first: an image or container never names a layer not recorded. */
    if (s->dirty_layers && (r = save_layers(s)) < 0)
        return r;
    CTR_FAULT_POINT("store.after-layers-json");
    if (s->dirty_images && (r = save_images(s)) < 0)
        return r;
    CTR_FAULT_POINT("store.after-images-json");
    if (s->dirty_ctrs && (r = save_ctrs(s)) < 0)
        return r;
    s->dirty_layers = s->dirty_images = s->dirty_ctrs = false;
    return 0;
}

void ctr__store_unlock(struct ctr__store *s)
{
    ctr__lock_release(&s->lock);
}

/* ---- lookups ---- */

struct ctr__layer_rec *ctr__store_layer(struct ctr__store *s, const char *id)
{
    for (size_t i = 0; i < s->n_layers; i++)
        if (streq(s->layers[i].id, id))
            return &s->layers[i];
    return NULL;
}

struct ctr__image_rec *ctr__store_image(struct ctr__store *s, const char *id)
{
    for (size_t i = 0; i < s->n_images; i++)
        if (streq(s->images[i].id, id))
            return &s->images[i];
    return NULL;
}

struct ctr__ctr_rec *ctr__store_ctr(struct ctr__store *s, const char *id)
{
    for (size_t i = 0; i < s->n_ctrs; i++)
        if (streq(s->ctrs[i].id, id))
            return &s->ctrs[i];
    return NULL;
}

static bool is_hex(const char *s)
{
    for (; *s; s++)
        if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f')))
            return false;
    return true;
}

int ctr__store_find_image(struct ctr__store *s, const char *ref, struct ctr__image_rec **ret)
{
    if (isempty(ref))
        return ctr__err(-EINVAL, "empty image reference");
    const char *hex = ref;
    if (strncmp(ref, "sha256:", 7) == 0)
        hex = ref + 7;
    if (ctr__hex64_valid(hex)) {
        struct ctr__image_rec *im = ctr__store_image(s, hex);
        if (im) {
            *ret = im;
            return 0;
        }
    }
    /* Names: as given, normalized, then as a short name. */
    for (size_t i = 0; i < s->n_images; i++)
        if (ctr__strv_contains((const char *const *)s->images[i].names, ref)) {
            *ret = &s->images[i];
            return 0;
        }
    _cleanup_free_ char *norm = NULL;
    if (ctr__image_name_normalize(ref, &norm) == 0) {
        for (size_t i = 0; i < s->n_images; i++)
            if (ctr__strv_contains((const char *const *)s->images[i].names, norm)) {
                *ret = &s->images[i];
                return 0;
            }
        /* "busybox" finds "docker.io/library/busybox:latest". */
        const char *tail = norm + strlen("localhost/");
        if (strncmp(norm, "localhost/", 10) == 0 && strncmp(ref, "localhost/", 10) != 0) {
            struct ctr__image_rec *found = NULL;
            size_t n = 0, tl = strlen(tail);
            for (size_t i = 0; i < s->n_images; i++)
                for (char **nm = s->images[i].names; *nm; nm++) {
                    size_t l = strlen(*nm);
                    if (l > tl && (*nm)[l - tl - 1] == '/' && streq(*nm + l - tl, tail)) {
                        if (found != &s->images[i])
                            n++;
                        found = &s->images[i];
                        break;
                    }
                }
            if (n == 1) {
                *ret = found;
                return 0;
            }
            if (n > 1)
                return ctr__err(-EINVAL, "short image name \"%s\" matches %zu images: give the full name", ref, n);
        }
    }
    if (is_hex(hex) && strlen(hex) < 64) {
        struct ctr__image_rec *found = NULL;
        size_t n = 0;
        for (size_t i = 0; i < s->n_images; i++)
            if (strncmp(s->images[i].id, hex, strlen(hex)) == 0) {
                found = &s->images[i];
                n++;
            }
        if (n > 1)
            return ctr__err(-EINVAL, "image ID prefix \"%s\" is ambiguous: it matches %zu images", hex, n);
        if (n == 1) {
            *ret = found;
            return 0;
        }
    }
    return ctr__err(-ENOENT, "no such image \"%s\"", ref);
}

int ctr__store_tag(struct ctr__store *s, struct ctr__image_rec *img, const char *normalized)
{
    for (size_t i = 0; i < s->n_images; i++) {
        struct ctr__image_rec *o = &s->images[i];
        if (o == img)
            continue;
        size_t w = 0;
        for (size_t k = 0; o->names[k]; k++) {
            if (streq(o->names[k], normalized)) {
                free(o->names[k]);
                continue;
            }
            o->names[w++] = o->names[k];
        }
        o->names[w] = NULL;
    }
    s->dirty_images = true;
    if (ctr__strv_contains((const char *const *)img->names, normalized))
        return 0;
    if (ctr__strv_push(&img->names, normalized) < 0)
        return ctr__oom("an image's names");
    return 0;
}

static bool layer_used(struct ctr__store *s, const char *id, const struct ctr__image_rec *except)
{
    for (size_t i = 0; i < s->n_images; i++)
        if (&s->images[i] != except && ctr__strv_contains((const char *const *)s->images[i].layers, id))
            return true;
    for (size_t i = 0; i < s->n_ctrs; i++)
        if (ctr__strv_contains((const char *const *)s->ctrs[i].layers, id))
            return true;
    return false;
}

static void remove_layer_at(struct ctr__store *s, size_t i)
{
    char path[PATH_MAX];
    snprintf(path, sizeof path, "layers/%s", s->layers[i].id);
    int r = ctr__rm_rf_at(s->dir_fd, path);
    if (r < 0)
        ctr__log(&s->set->log, CTR_LOG_WARNING, "cannot remove %s/%s: %s", s->dir, path, strerror(-r));
    ctr__layer_rec_clear(&s->layers[i]);
    s->layers[i] = s->layers[--s->n_layers];
    memset(&s->layers[s->n_layers], 0, sizeof s->layers[0]);
    s->dirty_layers = true;
}

/* Remove blobs no image or layer names. */
static void gc_blobs(struct ctr__store *s)
{
    _cleanup_close_ int fd = openat(s->dir_fd, "blobs/sha256", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    DIR *d = fd >= 0 ? ctr__opendir_fd(fd) : NULL;
    if (!d)
        return;
    struct dirent *de;
    while ((de = readdir(d))) {
        if (de->d_name[0] == '.')
            continue;
        bool used = false;
        for (size_t i = 0; i < s->n_images && !used; i++)
            used = streq(s->images[i].id, de->d_name) ||
                   (s->images[i].manifest && streq(s->images[i].manifest, de->d_name));
        for (size_t i = 0; i < s->n_layers && !used; i++)
            used = s->layers[i].blob && streq(s->layers[i].blob, de->d_name);
        if (!used)
            unlinkat(fd, de->d_name, 0);
    }
    closedir(d);
}

int ctr__store_prune_layers(struct ctr__store *s)
{
    int n = 0;
    bool again = true;
    while (again) {
        again = false;
        for (size_t i = 0; i < s->n_layers; i++) {
            if (layer_used(s, s->layers[i].id, NULL))
                continue;
            /* A layer some other layer builds on stays while that one does. */
            bool parent = false;
            for (size_t k = 0; k < s->n_layers && !parent; k++)
                parent = s->layers[k].parent && streq(s->layers[k].parent, s->layers[i].id);
            if (parent)
                continue;
            remove_layer_at(s, i);
            n++;
            again = true;
            break;
        }
    }
    gc_blobs(s);
    return n;
}

int ctr__store_remove_image(struct ctr__store *s, struct ctr__image_rec *img)
{
    size_t idx = (size_t)(img - s->images);
    _cleanup_strv_ char **layers = TAKE_PTR(img->layers);
    ctr__image_rec_clear(img);
    s->images[idx] = s->images[--s->n_images];
    memset(&s->images[s->n_images], 0, sizeof s->images[0]);
    s->dirty_images = true;
    /* The image's own layers, top first, while nothing else uses them. */
    for (size_t k = ctr__strv_len((const char *const *)layers); k-- > 0;) {
        if (layer_used(s, layers[k], NULL))
            break;
        for (size_t i = 0; i < s->n_layers; i++)
            if (streq(s->layers[i].id, layers[k])) {
                bool parent = false;
                for (size_t j = 0; j < s->n_layers && !parent; j++)
                    parent = s->layers[j].parent && streq(s->layers[j].parent, layers[k]);
                if (!parent)
                    remove_layer_at(s, i);
                break;
            }
    }
    gc_blobs(s);
    return 0;
}

int ctr__store_add_layer(struct ctr__store *s, struct ctr__layer_rec *l)
{
    struct ctr__layer_rec *v = realloc(s->layers, (s->n_layers + 2) * sizeof *v);
    if (!v)
        return ctr__oom("the layer records");
    s->layers = v;
    s->layers[s->n_layers++] = *l;
    memset(l, 0, sizeof *l);
    s->dirty_layers = true;
    return 0;
}

int ctr__store_add_image(struct ctr__store *s, struct ctr__image_rec *i)
{
    struct ctr__image_rec *v = realloc(s->images, (s->n_images + 2) * sizeof *v);
    if (!v)
        return ctr__oom("the image records");
    s->images = v;
    s->images[s->n_images++] = *i;
    memset(i, 0, sizeof *i);
    s->dirty_images = true;
    return 0;
}

char *ctr__store_layer_diff(struct ctr__store *s, const char *id)
{
    return ctr__asprintf("%s/layers/%s/diff", s->dir, id);
}

char *ctr__store_lower_dirs(const struct ctr__store *s, char *const *layers, size_t n)
{
    size_t len = 1;
    for (size_t i = 0; i < n; i++)
        len += strlen(s->dir) + strlen("/layers//diff:") + strlen(layers[i]);
    char *lower = calloc(1, len);
    size_t k = 0;
    for (size_t i = n; lower && i-- > 0;)
        k += (size_t)snprintf(lower + k, len - k, "%s%s/layers/%s/diff", k ? ":" : "", s->dir, layers[i]);
    return lower;
}

char *ctr__store_blob_path(struct ctr__store *s, const char *hex)
{
    return ctr__asprintf("%s/blobs/sha256/%s", s->dir, hex);
}

int ctr__store_blob_open(struct ctr__store *s, const char *hex, struct ctr__src *ret)
{
    char path[128];
    snprintf(path, sizeof path, "blobs/sha256/%s", hex);
    int fd = openat(s->dir_fd, path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return ctr__err(-errno, "blob sha256:%s: %m", hex);
    struct stat st;
    if (fstat(fd, &st) < 0) {
        int e = -errno;
        close(fd);
        return e;
    }
    *ret = (struct ctr__src){ .fd = fd, .off = 0, .size = (uint64_t)st.st_size };
    return 0;
}

int ctr__store_blob_read(struct ctr__store *s, const char *hex, char **ret, size_t *ret_size)
{
    struct ctr__src src;
    int r = ctr__store_blob_open(s, hex, &src);
    if (r < 0)
        return r;
    r = ctr__src_read(&src, 64 << 20, NULL, "blob", ret, ret_size);
    close(src.fd);
    return r;
}

int ctr__chain_id(const char *parent_chain, const char *diff_id, char ret[65])
{
    if (!parent_chain) {
        memcpy(ret, diff_id, 65);
        return 0;
    }
    char buf[160];
    int n = snprintf(buf, sizeof buf, "sha256:%s sha256:%s", parent_chain, diff_id);
    return ctr__sha256_buf(buf, (size_t)n, ret);
}

/* ---- staging ---- */

static int try_lock(int fd)
{
    struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
    return fcntl(fd, F_OFD_SETLK, &fl) < 0 ? -errno : 0;
}

void ctr__store_gc(struct ctr__store *s)
{
    _cleanup_close_ int tmp = openat(s->dir_fd, "tmp", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    DIR *d = tmp >= 0 ? ctr__opendir_fd(tmp) : NULL;
    if (d) {
        struct dirent *de;
        while ((de = readdir(d))) {
            size_t n = strlen(de->d_name);
            if (de->d_name[0] == '.' || (n > 5 && streq(de->d_name + n - 5, ".lock")))
                continue;
            char lock[NAME_MAX + 8];
            snprintf(lock, sizeof lock, "%s.lock", de->d_name);
            _cleanup_close_ int lfd = openat(tmp, lock, O_RDWR | O_CLOEXEC | O_NOFOLLOW);
            if (lfd >= 0 && try_lock(lfd) < 0)
                continue; /* in use */
            ctr__log(&s->set->log, CTR_LOG_INFO, "removing stale staging directory %s/tmp/%s", s->dir, de->d_name);
            ctr__rm_rf_at(tmp, de->d_name);
            unlinkat(tmp, lock, 0);
        }
        closedir(d);
    }
    /* Layer directories no record names (a publish that died half way). */
    _cleanup_close_ int lfd = openat(s->dir_fd, "layers", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    d = lfd >= 0 ? ctr__opendir_fd(lfd) : NULL;
    if (d) {
        struct dirent *de;
        while ((de = readdir(d)))
            if (de->d_name[0] != '.' && !ctr__store_layer(s, de->d_name))
                ctr__rm_rf_at(lfd, de->d_name);
        closedir(d);
    }
    _cleanup_close_ int cfd = openat(s->dir_fd, "containers", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    d = cfd >= 0 ? ctr__opendir_fd(cfd) : NULL;
    if (d) {
        struct dirent *de;
        while ((de = readdir(d)))
            if (de->d_name[0] != '.' && !ctr__store_ctr(s, de->d_name)) {
                char merged[NAME_MAX + 16];
                snprintf(merged, sizeof merged, "%s/merged", de->d_name);
                struct stat a, b;
                /* Never remove under a mount. */
                if (fstatat(cfd, merged, &a, AT_SYMLINK_NOFOLLOW) == 0 && fstatat(cfd, de->d_name, &b, 0) == 0 &&
                    a.st_dev != b.st_dev)
                    continue;
                ctr__rm_rf_at(cfd, de->d_name);
            }
        closedir(d);
    }
}

/* The staging area's lock file, then its directory tmp/NAME (the store
 * lock held, so that gc never takes a staging directory that is being set
 * up for a live one). */
static int stage_create_locked(struct ctr__stage *st)
{
    struct ctr__store *s = st->s;
    char path[NAME_MAX + 16];
    snprintf(path, sizeof path, "tmp/%s.lock", st->name);
    st->lock_fd = openat(s->dir_fd, path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (st->lock_fd < 0 || try_lock(st->lock_fd) < 0)
        return ctr__err(-errno, "cannot create %s/%s: %m", s->dir, path);
    snprintf(path, sizeof path, "tmp/%s", st->name);
    if (mkdirat(s->dir_fd, path, 0700) < 0)
        return ctr__err(-errno, "cannot create %s/%s: %m", s->dir, path);
    return 0;
}

int ctr__stage_new(struct ctr__store *s, struct ctr__stage **ret)
{
    _cleanup_(ctr__stage_freep) struct ctr__stage *st = calloc(1, sizeof *st);
    if (!st)
        return ctr__oom("a staging area");
    st->s = s;
    st->fd = -1;
    st->lock_fd = -1;
    st->layers = ctr__strv_copy(NULL);
    st->blobs = ctr__strv_copy(NULL);
    char rnd[65];
    int r = ctr__random_id(rnd);
    if (r < 0)
        return r;
    if (!st->layers || !st->blobs || !(st->name = ctr__asprintf("stage-%.16s", rnd)))
        return ctr__oom("a staging area");
    if ((r = ctr__store_lock(s)) < 0)
        return r;
    ctr__store_gc(s);
    r = stage_create_locked(st);
    ctr__store_unlock(s);
    if (r < 0)
        return r;
    char path[NAME_MAX + 16];
    snprintf(path, sizeof path, "tmp/%s", st->name);
    if ((st->fd = openat(s->dir_fd, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0 ||
        mkdirat(st->fd, "blobs", 0700) < 0 || mkdirat(st->fd, "layers", 0700) < 0)
        return -errno;
    CTR_FAULT_POINT("stage.after-new");
    *ret = TAKE_PTR(st);
    return 0;
}

void ctr__stage_free(struct ctr__stage *st)
{
    if (!st)
        return;
    if (st->fd >= 0) {
        close(st->fd);
        char path[NAME_MAX + 16];
        snprintf(path, sizeof path, "tmp/%s", st->name);
        ctr__rm_rf_at(st->s->dir_fd, path);
    }
    if (st->lock_fd >= 0) {
        char path[NAME_MAX + 16];
        snprintf(path, sizeof path, "tmp/%s.lock", st->name);
        unlinkat(st->s->dir_fd, path, 0);
        close(st->lock_fd);
    }
    ctr__strv_free(st->layers);
    ctr__strv_free(st->blobs);
    free(st->name);
    free(st);
}

int ctr__stage_blob_tmp(struct ctr__stage *st, char **ret_name, int *ret_fd)
{
    static unsigned counter;
    char name[64];
    snprintf(name, sizeof name, "blobs/.tmp-%u", __atomic_add_fetch(&counter, 1, __ATOMIC_RELAXED));
    int fd = openat(st->fd, name, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0)
        return ctr__err(-errno, "cannot create a staging file: %m");
    char *n = strdup(name);
    if (!n) {
        close(fd);
        return ctr__oom("a staging file's name");
    }
    *ret_name = n;
    *ret_fd = fd;
    return 0;
}

int ctr__stage_blob_done(struct ctr__stage *st, const char *tmp_name, const char *hex)
{
    char path[128];
    snprintf(path, sizeof path, "blobs/%s", hex);
    if (renameat(st->fd, tmp_name, st->fd, path) < 0)
        return ctr__err(-errno, "cannot stage blob %s: %m", hex);
    if (!ctr__strv_contains((const char *const *)st->blobs, hex) && ctr__strv_push(&st->blobs, hex) < 0)
        return ctr__oom("the staged blobs");
    return 0;
}

int ctr__stage_blob_write(struct ctr__stage *st, const void *data, size_t size, char ret_hex[65])
{
    int r = ctr__sha256_buf(data, size, ret_hex);
    if (r < 0)
        return r;
    char path[128];
    snprintf(path, sizeof path, "blobs/%s", ret_hex);
    if ((r = ctr__write_file_at(st->fd, path, data, size, 0600, false)) < 0)
        return ctr__err(r, "cannot stage a blob: %s", strerror(-r));
    if (!ctr__strv_contains((const char *const *)st->blobs, ret_hex) && ctr__strv_push(&st->blobs, ret_hex) < 0)
        return ctr__oom("the staged blobs");
    return 0;
}

/* vfs: a new layer (its diff directory fd) starts as a copy of its parent's
 * tree, staged or in the store. */
static int copy_parent(struct ctr__stage *st, const char *parent, int fd)
{
    char ppath[160];
    snprintf(ppath, sizeof ppath, "layers/%s/diff", parent);
    _cleanup_close_ int pfd = ctr__strv_contains((const char *const *)st->layers, parent)
                                  ? openat(st->fd, ppath, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
                                  : openat(st->s->dir_fd, ppath, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (pfd < 0)
        return ctr__err(-errno, "parent layer %.12s: %m", parent);
    return ctr__tree_copy(pfd, fd, false);
}

int ctr__stage_layer_dir(struct ctr__stage *st, const char *id, const char *parent, int *ret_fd)
{
    char path[160];
    snprintf(path, sizeof path, "layers/%s", id);
    if (mkdirat(st->fd, path, 0700) < 0)
        return ctr__err(-errno, "cannot create a staging layer: %m");
    snprintf(path, sizeof path, "layers/%s/diff", id);
    if (mkdirat(st->fd, path, 0755) < 0)
        return ctr__err(-errno, "cannot create a staging layer: %m");
    _cleanup_close_ int fd = openat(st->fd, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return -errno;
    if (ctr__strv_push(&st->layers, id) < 0)
        return ctr__oom("the staged layers");
    int r;
    if (st->s->vfs && parent && (r = copy_parent(st, parent, fd)) < 0)
        return r;
    *ret_fd = TAKE_FD(fd);
    return 0;
}

/* Move the staged blobs and layers into the store and record the image
 * (the store lock held). */
static int publish_locked(struct ctr__stage *st, struct ctr__layer_rec *layers, size_t n_layers,
                          struct ctr__image_rec *img, const char *const *names)
{
    struct ctr__store *s = st->s;
    ctr__store_gc(s);
    for (char **b = st->blobs; *b; b++) {
        char from[128], to[128];
        snprintf(from, sizeof from, "blobs/%s", *b);
        snprintf(to, sizeof to, "blobs/sha256/%s", *b);
        if (faccessat(s->dir_fd, to, F_OK, AT_SYMLINK_NOFOLLOW) == 0)
            continue;
        if (renameat(st->fd, from, s->dir_fd, to) < 0)
            return ctr__err(-errno, "cannot publish blob %s: %m", *b);
    }
    CTR_FAULT_POINT("publish.after-blobs");
    int r;
    for (size_t i = 0; i < n_layers; i++) {
        if (!layers[i].id || ctr__store_layer(s, layers[i].id))
            continue;
        char from[160], to[160];
        snprintf(from, sizeof from, "layers/%s", layers[i].id);
        snprintf(to, sizeof to, "layers/%s", layers[i].id);
        if (!ctr__strv_contains((const char *const *)st->layers, layers[i].id))
            return ctr__err(-ENOENT, "layer %.12s was removed while importing: try again", layers[i].id);
        ctr__rm_rf_at(s->dir_fd, to);
        if (renameat(st->fd, from, s->dir_fd, to) < 0)
            return ctr__err(-errno, "cannot publish layer %.12s: %m", layers[i].id);
        if ((r = ctr__store_add_layer(s, &layers[i])) < 0)
            return r;
    }
    CTR_FAULT_POINT("publish.after-layers");
    for (char **l = img->layers; *l; l++)
        if (!ctr__store_layer(s, *l))
            return ctr__err(-ENOENT, "layer %.12s was removed while importing: try again", *l);
    struct ctr__image_rec *im = ctr__store_image(s, img->id);
    if (!im) {
        _cleanup_free_ char *id = strdup(img->id);
        if (!id)
            return ctr__oom("an image ID");
        if ((r = ctr__store_add_image(s, img)) < 0)
            return r;
        im = ctr__store_image(s, id);
    } else if (img->manifest && !im->manifest) {
        im->manifest = TAKE_PTR(img->manifest);
        s->dirty_images = true;
    }
    for (const char *const *n = names; n && *n; n++)
        if ((r = ctr__store_tag(s, im, *n)) < 0)
            return r;
    return ctr__store_save(s);
}

int ctr__stage_publish(struct ctr__stage *st, struct ctr__layer_rec *layers, size_t n_layers,
                       struct ctr__image_rec *img, const char *const *names)
{
    int r = ctr__store_lock(st->s);
    if (r < 0)
        return r;
    r = publish_locked(st, layers, n_layers, img, names);
    ctr__store_unlock(st->s);
    return r;
}

int ctr__stage_layer_rename(struct ctr__stage *st, const char *from, const char *to)
{
    char a[160], b[160];
    snprintf(a, sizeof a, "layers/%s", from);
    snprintf(b, sizeof b, "layers/%s", to);
    if (renameat(st->fd, a, st->fd, b) < 0)
        return ctr__err(-errno, "cannot rename a staged layer: %m");
    for (char **l = st->layers; *l; l++)
        if (streq(*l, from)) {
            char *n = strdup(to);
            if (!n)
                return ctr__oom("the staged layers");
            free(*l);
            *l = n;
            return 0;
        }
    if (ctr__strv_push(&st->layers, to) < 0)
        return ctr__oom("the staged layers");
    return 0;
}
