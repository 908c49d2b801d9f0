/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Parsing image metadata: OCI indexes (nested, per platform), manifests,
 * image configs, docker-archive manifests; and config changes
 * (Dockerfile-style instructions such as `podman import --change`). */
#include <sys/utsname.h>

#include "base/error.h"
#include "base/json-util.h"
#include "storage/store.h"

#define MT_LAYER_TAR "application/vnd.oci.image.layer.v1.tar"

#define MT_OCI_INDEX "application/vnd.oci.image.index.v1+json"
#define MT_OCI_MANIFEST "application/vnd.oci.image.manifest.v1+json"
#define MT_DOCKER_LIST "application/vnd.docker.distribution.manifest.list.v2+json"
#define MT_DOCKER_MANIFEST "application/vnd.docker.distribution.manifest.v2+json"

const char *ctr__go_arch(const char **ret_variant)
{
    static const struct {
        const char *machine, *arch, *variant;
    } map[] = {
        { "x86_64", "amd64", NULL },  { "aarch64", "arm64", NULL }, { "armv7l", "arm", "v7" },
        { "armv6l", "arm", "v6" },    { "i686", "386", NULL },      { "i386", "386", NULL },
        { "ppc64le", "ppc64le", NULL }, { "s390x", "s390x", NULL }, { "riscv64", "riscv64", NULL },
        { "mips64", "mips64", NULL },
    };
    struct utsname u;
    if (ret_variant)
        *ret_variant = NULL;
    if (uname(&u) < 0)
        return "amd64";
    for (size_t i = 0; i < ARRAY_SIZE(map); i++)
        if (streq(u.machine, map[i].machine)) {
            if (ret_variant)
                *ret_variant = map[i].variant;
            return map[i].arch;
        }
    return "amd64";
}

static bool is_index_type(const char *mt)
{
    return mt && (streq(mt, MT_OCI_INDEX) || streq(mt, MT_DOCKER_LIST));
}

static bool is_manifest_type(const char *mt)
{
    return !mt || streq(mt, MT_OCI_MANIFEST) || streq(mt, MT_DOCKER_MANIFEST);
}

/* The platform an index pick wants: the running machine's, or "os/arch[/variant]". */
struct platform {
    char os[32], arch[32], variant[32];
};

static int platform_parse(const char *spec, struct platform *ret)
{
    *ret = (struct platform){ "linux", "", "" };
    if (!spec) {
        const char *variant;
        snprintf(ret->arch, sizeof ret->arch, "%s", ctr__go_arch(&variant));
        snprintf(ret->variant, sizeof ret->variant, "%s", variant ? variant : "");
        return 0;
    }
    const char *a = strchr(spec, '/');
    const char *v = a ? strchr(a + 1, '/') : NULL;
    size_t los = a ? (size_t)(a - spec) : 0, la = a ? (v ? (size_t)(v - a - 1) : strlen(a + 1)) : 0;
    if (!a || los == 0 || los >= sizeof ret->os || la == 0 || la >= sizeof ret->arch ||
        (v && (!v[1] || strlen(v + 1) >= sizeof ret->variant || strchr(v + 1, '/'))))
        return ctr__err(-EINVAL, "invalid platform \"%.64s\": expected OS/ARCH[/VARIANT]", spec);
    memcpy(ret->os, spec, los);
    memcpy(ret->arch, a + 1, la);
    if (v)
        snprintf(ret->variant, sizeof ret->variant, "%s", v + 1);
    return 0;
}

/* Does a descriptor's platform fit?  No platform fits; the exact variant fits best. */
static int platform_score(json_object *desc, const struct platform *want)
{
    json_object *p;
    if (!json_object_object_get_ex(desc, "platform", &p) || !json_object_is_type(p, json_type_object))
        return 1;
    const char *os = ctr__json_str(p, "os"), *a = ctr__json_str(p, "architecture"), *v = ctr__json_str(p, "variant");
    if ((os && !streq(os, want->os)) || (a && !streq(a, want->arch)))
        return 0;
    if (want->variant[0] && v && !streq(v, want->variant))
        return 0;
    return want->variant[0] && v ? 3 : 2;
}

#define MAX_INDEX_DEPTH 8

/* The org.opencontainers.image.ref.name annotation of a descriptor, or NULL. */
static const char *ref_name_of(json_object *d)
{
    json_object *ann;
    if (json_object_object_get_ex(d, "annotations", &ann))
        return ctr__json_str(ann, "org.opencontainers.image.ref.name");
    return NULL;
}

/* Several images in one layout, asked for none by tag: they must differ by platform only. */
static int check_one_image(json_object *manifests, int best_score, const struct platform *want)
{
    size_t fitting = 0;
    for (size_t i = 0; i < json_object_array_length(manifests); i++) {
        json_object *d = json_object_array_get_idx(manifests, i);
        if (platform_score(d, want) == best_score && ref_name_of(d))
            fitting++;
    }
    if (fitting > 1)
        return ctr__err(-EINVAL, "the layout holds %zu images: name one with oci:DIR:TAG", fitting);
    return 0;
}

static int pick(json_object *index, const char *tag, const struct platform *want, ctr__blob_reader_fn get_blob,
                void *userdata, int depth, const char *ref_name, struct ctr__manifest_pick *ret)
{
    if (depth > MAX_INDEX_DEPTH)
        return ctr__err(-EINVAL, "image index nests deeper than %d levels", MAX_INDEX_DEPTH);
    json_object *manifests;
    if (!json_object_is_type(index, json_type_object) || !json_object_object_get_ex(index, "manifests", &manifests) ||
        !json_object_is_type(manifests, json_type_array))
        return ctr__err(-EINVAL, "image index: no \"manifests\" array");
    size_t n = json_object_array_length(manifests);
    json_object *best = NULL;
    int best_score = 0;
    size_t candidates = 0;
    for (size_t i = 0; i < n; i++) {
        json_object *d = json_object_array_get_idx(manifests, i);
        if (!json_object_is_type(d, json_type_object))
            return ctr__err(-EINVAL, "image index: manifests[%zu] is not an object", i);
        const char *name = ref_name_of(d);
        if (tag && depth == 0 && (!name || !streq(name, tag)))
            continue;
        candidates++;
        int score = platform_score(d, want);
        if (score > best_score) {
            best = d;
            best_score = score;
        }
    }
    if (!best) {
        if (tag && depth == 0)
            return ctr__err(-ENOENT, "no image tagged \"%s\" in the layout", tag);
        if (candidates == 0)
            return ctr__err(-ENOENT, "the image index lists no manifest");
        return ctr__err(-EOPNOTSUPP, "no manifest for %s/%s%s%s in the image index", want->os, want->arch,
                        want->variant[0] ? "/" : "", want->variant);
    }
    int r;
    if (!tag && depth == 0 && candidates > 1 && (r = check_one_image(manifests, best_score, want)) < 0)
        return r;
    const char *digest = ctr__json_str(best, "digest"), *mt = ctr__json_str(best, "mediaType");
    char hex[65];
    if ((r = ctr__digest_parse(digest, hex)) < 0)
        return ctr__err_prefix(r, "image index");
    const char *name = ref_name_of(best) ? ref_name_of(best) : ref_name;
    if (is_index_type(mt)) {
        _cleanup_free_ char *json = NULL;
        size_t size;
        if ((r = get_blob(userdata, hex, &json, &size)) < 0)
            return r;
        _cleanup_json_ json_object *sub = NULL;
        if ((r = ctr__json_parse(json, "nested image index", &sub)) < 0)
            return r;
        return pick(sub, NULL, want, get_blob, userdata, depth + 1, name, ret);
    }
    if (!is_manifest_type(mt))
        return ctr__err(-EOPNOTSUPP, "unsupported manifest media type \"%s\"", mt);
    memcpy(ret->digest, hex, 65);
    json_object *sz;
    ret->size = json_object_object_get_ex(best, "size", &sz) && json_object_is_type(sz, json_type_int)
                    ? json_object_get_int64(sz)
                    : -1;
    ret->media_type = ctr__strdup_null(mt ? mt : MT_OCI_MANIFEST);
    ret->ref_name = ctr__strdup_null(name);
    if (!ret->media_type || (name && !ret->ref_name)) {
        free(ret->media_type);
        free(ret->ref_name);
        return ctr__oom("manifest");
    }
    return 0;
}

int ctr__oci_index_pick_platform(const char *index_json, const char *tag, const char *platform,
                                 ctr__blob_reader_fn get_blob, void *userdata, struct ctr__manifest_pick *ret)
{
    struct platform want;
    int r = platform_parse(platform, &want);
    if (r < 0)
        return r;
    _cleanup_json_ json_object *idx = NULL;
    if ((r = ctr__json_parse(index_json, "index.json", &idx)) < 0)
        return r;
    return pick(idx, tag, &want, get_blob, userdata, 0, NULL, ret);
}

int ctr__oci_index_pick(const char *index_json, const char *tag, ctr__blob_reader_fn get_blob, void *userdata,
                        struct ctr__manifest_pick *ret)
{
    return ctr__oci_index_pick_platform(index_json, tag, NULL, get_blob, userdata, ret);
}

static int parse_descriptor(json_object *d, const char *what, char hex[65], char **ret_mt, int64_t *ret_size)
{
    if (!json_object_is_type(d, json_type_object))
        return ctr__err(-EINVAL, "manifest: %s is not an object", what);
    int r = ctr__digest_parse(ctr__json_str(d, "digest"), hex);
    if (r < 0)
        return ctr__err_prefix(r, "manifest: %s", what);
    json_object *sz;
    int64_t size = -1;
    if (json_object_object_get_ex(d, "size", &sz)) {
        if (!json_object_is_type(sz, json_type_int) || json_object_get_int64(sz) < 0)
            return ctr__err(-EINVAL, "manifest: %s has a bad size", what);
        size = json_object_get_int64(sz);
    }
    if (ret_size)
        *ret_size = size;
    if (ret_mt) {
        const char *mt = ctr__json_str(d, "mediaType");
        *ret_mt = ctr__strdup_null(mt);
        if (mt && !*ret_mt)
            return ctr__oom("a media type");
    }
    return 0;
}

void ctr__manifest_clear(struct ctr__manifest *m)
{
    for (size_t i = 0; i < m->n_layers; i++)
        free(m->layers[i].media_type);
    free(m->layers);
    memset(m, 0, sizeof *m);
}

int ctr__manifest_parse(const char *json, struct ctr__manifest *ret)
{
    _cleanup_json_ json_object *o = NULL;
    int r = ctr__json_parse(json, "manifest", &o);
    if (r < 0)
        return r;
    if (!json_object_is_type(o, json_type_object))
        return ctr__err(-EINVAL, "manifest: not a JSON object");
    json_object *v;
    if (json_object_object_get_ex(o, "schemaVersion", &v) &&
        (!json_object_is_type(v, json_type_int) || json_object_get_int(v) != 2))
        return ctr__err(-EOPNOTSUPP, "manifest: schema version is not 2");
    const char *mt = ctr__json_str(o, "mediaType");
    if (is_index_type(mt))
        return ctr__err(-EINVAL, "manifest: an image index where a manifest was expected");
    json_object *config, *layers;
    if (!json_object_object_get_ex(o, "config", &config))
        return ctr__err(-EINVAL, "manifest: no \"config\"");
    struct ctr__manifest m = { 0 };
    if ((r = parse_descriptor(config, "config", m.config, NULL, &m.config_size)) < 0)
        return r;
    if (!json_object_object_get_ex(o, "layers", &layers) || !json_object_is_type(layers, json_type_array))
        return ctr__err(-EINVAL, "manifest: no \"layers\" array");
    size_t n = json_object_array_length(layers);
    if (n > 1000)
        return ctr__err(-EINVAL, "manifest: %zu layers is too many", n);
    m.layers = calloc(n + 1, sizeof *m.layers);
    if (!m.layers)
        return ctr__oom("the manifest's layers");
    for (size_t i = 0; i < n; i++) {
        char what[32];
        snprintf(what, sizeof what, "layers[%zu]", i);
        struct ctr__manifest_layer *l = &m.layers[i];
        r = parse_descriptor(json_object_array_get_idx(layers, i), what, l->digest, &l->media_type, &l->size);
        m.n_layers = i + 1;
        if (r < 0) {
            ctr__manifest_clear(&m);
            return r;
        }
        const char *lmt = l->media_type;
        if (lmt && !strstr(lmt, "tar") && !strstr(lmt, "layer")) {
            r = ctr__err(-EOPNOTSUPP, "manifest: layers[%zu]: unsupported media type \"%s\"", i, lmt);
            ctr__manifest_clear(&m);
            return r;
        }
    }
    *ret = m;
    return 0;
}

int ctr__image_config_parse(const char *json, json_object **ret_cfg, char ***ret_diff_ids)
{
    _cleanup_json_ json_object *o = NULL;
    int r = ctr__json_parse(json, "image config", &o);
    if (r < 0)
        return r;
    if (!json_object_is_type(o, json_type_object))
        return ctr__err(-EINVAL, "image config: not a JSON object");
    json_object *rootfs, *ids, *c;
    if (json_object_object_get_ex(o, "config", &c) && !json_object_is_type(c, json_type_object) &&
        !json_object_is_type(c, json_type_null))
        return ctr__err(-EINVAL, "image config: \"config\" is not an object");
    _cleanup_strv_ char **diff_ids = ctr__strv_copy(NULL);
    if (!diff_ids)
        return ctr__oom("the diff IDs");
    if (json_object_object_get_ex(o, "rootfs", &rootfs)) {
        if (!json_object_is_type(rootfs, json_type_object))
            return ctr__err(-EINVAL, "image config: \"rootfs\" is not an object");
        if (json_object_object_get_ex(rootfs, "diff_ids", &ids)) {
            if (!json_object_is_type(ids, json_type_array))
                return ctr__err(-EINVAL, "image config: rootfs.diff_ids is not an array");
            size_t n = json_object_array_length(ids);
            for (size_t i = 0; i < n; i++) {
                json_object *d = json_object_array_get_idx(ids, i);
                char hex[65];
                if (!json_object_is_type(d, json_type_string))
                    return ctr__err(-EINVAL, "image config: rootfs.diff_ids[%zu] is not a string", i);
                if ((r = ctr__digest_parse(json_object_get_string(d), hex)) < 0)
                    return ctr__err_prefix(r, "image config: rootfs.diff_ids[%zu]", i);
                if ((r = ctr__strv_push(&diff_ids, hex)) < 0)
                    return r;
            }
        }
    }
    if (ret_diff_ids)
        *ret_diff_ids = TAKE_PTR(diff_ids);
    if (ret_cfg)
        *ret_cfg = TAKE_PTR(o);
    return 0;
}

void ctr__docker_manifest_clear(struct ctr__docker_manifest *m)
{
    free(m->config);
    ctr__strv_free(m->repo_tags);
    ctr__strv_free(m->layers);
    memset(m, 0, sizeof *m);
}

int ctr__docker_manifest_parse(const char *json, struct ctr__docker_manifest *ret)
{
    _cleanup_json_ json_object *o = NULL;
    int r = ctr__json_parse(json, "manifest.json", &o);
    if (r < 0)
        return r;
    if (!json_object_is_type(o, json_type_array) || json_object_array_length(o) == 0)
        return ctr__err(-EINVAL, "manifest.json: not a non-empty array");
    if (json_object_array_length(o) > 1)
        return ctr__err(-EINVAL, "manifest.json lists %zu images: only one per archive is supported",
                        json_object_array_length(o));
    json_object *e = json_object_array_get_idx(o, 0);
    if (!json_object_is_type(e, json_type_object))
        return ctr__err(-EINVAL, "manifest.json: entry is not an object");
    struct ctr__docker_manifest m = { 0 };
    m.repo_tags = ctr__strv_copy(NULL);
    m.layers = ctr__strv_copy(NULL);
    if (!m.repo_tags || !m.layers) {
        ctr__docker_manifest_clear(&m);
        return ctr__oom("the docker manifest");
    }
    json_object *rt;
    if ((r = ctr__json_get_str(e, "Config", &m.config)) < 0 || (r = ctr__json_get_strv(e, "Layers", &m.layers)) < 0 ||
        (json_object_object_get_ex(e, "RepoTags", &rt) && !json_object_is_type(rt, json_type_null) &&
         (r = ctr__json_get_strv(e, "RepoTags", &m.repo_tags)) < 0)) {
        ctr__docker_manifest_clear(&m);
        return ctr__err_keep(-EINVAL, "manifest.json: malformed entry");
    }
    if (!m.config) {
        ctr__docker_manifest_clear(&m);
        return ctr__err(-EINVAL, "manifest.json: no \"Config\"");
    }
    *ret = m;
    return 0;
}

int ctr__layer_rec_make(const char *id, const char *parent, const char *diff_id, const struct ctr__layer_result *lr,
                        const char *media_type, int64_t blob_size, struct ctr__layer_rec *ret)
{
    struct ctr__layer_rec l = { 0 };
    l.id = strdup(id);
    l.parent = ctr__strdup_null(parent);
    l.diff_id = strdup(diff_id);
    l.blob = strdup(lr->digest);
    l.blob_diff_id = strdup(lr->diff_id);
    l.media_type = strdup(media_type);
    l.blob_size = blob_size;
    l.size = (int64_t)lr->size;
    l.created = ctr__now_ns();
    if (!l.id || (parent && !l.parent) || !l.diff_id || !l.blob || !l.blob_diff_id || !l.media_type) {
        free(l.id);
        free(l.parent);
        free(l.diff_id);
        free(l.blob);
        free(l.blob_diff_id);
        free(l.media_type);
        return ctr__oom("a docker manifest layer");
    }
    *ret = l;
    return 0;
}

const char *ctr__layer_media_type(const char *compression)
{
    if (compression && streq(compression, "gzip"))
        return MT_LAYER_TAR "+gzip";
    if (compression && streq(compression, "zstd"))
        return MT_LAYER_TAR "+zstd";
    return MT_LAYER_TAR;
}

/* ---- names ---- */

int ctr__image_names_normalize(const char *const *names, char ***ret)
{
    _cleanup_strv_ char **norm = ctr__strv_copy(NULL);
    if (!norm)
        return ctr__oom("image names");
    for (const char *const *nm = names; nm && *nm; nm++) {
        _cleanup_free_ char *x = NULL;
        int r = ctr__image_name_normalize(*nm, &x);
        if (r < 0)
            return r;
        if (!ctr__strv_contains((const char *const *)norm, x) && ctr__strv_push(&norm, x) < 0)
            return ctr__oom("image names");
    }
    *ret = TAKE_PTR(norm);
    return 0;
}

int ctr__image_name_normalize(const char *name, char **ret)
{
    size_t len = name ? strlen(name) : 0;
    if (len == 0 || len > 255)
        return ctr__err(-EINVAL, "invalid image name \"%.100s\"", name ? name : "");
    for (const char *p = name; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || strchr("._-/:@", *p)))
            return ctr__err(-EINVAL, "invalid image name \"%.100s\": character '%c'", name, *p);
    if (name[0] == '/' || name[len - 1] == '/' || strstr(name, "//") || name[0] == ':' || name[0] == '-' ||
        name[0] == '.')
        return ctr__err(-EINVAL, "invalid image name \"%.100s\"", name);
    const char *at = strchr(name, '@');
    const char *last = strrchr(name, '/');
    last = last ? last + 1 : name;
    const char *colon = strchr(last, ':');
    const char *repo_end = at ? at : colon ? colon : name + len;
    for (const char *p = name; p < repo_end; p++) {
        /* The domain may have upper case and a port; the path may not. */
        const char *slash = strchr(name, '/');
        bool in_domain = slash && p < slash && (memchr(name, '.', (size_t)(slash - name)) ||
                                                memchr(name, ':', (size_t)(slash - name)));
        if (!in_domain && *p >= 'A' && *p <= 'Z')
            return ctr__err(-EINVAL, "invalid image name \"%.100s\": repository names are lower case", name);
    }
    if (colon && !at && (colon[1] == '\0' || strlen(colon + 1) > 128))
        return ctr__err(-EINVAL, "invalid image name \"%.100s\": bad tag", name);
    const char *slash = strchr(name, '/');
    bool has_domain = slash && (memchr(name, '.', (size_t)(slash - name)) || memchr(name, ':', (size_t)(slash - name)) ||
                                (slash - name == 9 && strncmp(name, "localhost", 9) == 0));
    char *out = ctr__asprintf("%s%s%s", has_domain ? "" : "localhost/", name, (colon || at) ? "" : ":latest");
    if (!out)
        return ctr__oom("an image name");
    *ret = out;
    return 0;
}

/* ---- config changes ---- */

/* JSON array form `["a", "b"]`, or the shell form wrapped in /bin/sh -c. */
static json_object *command_value(const char *v)
{
    while (*v == ' ' || *v == '\t')
        v++;
    if (*v == '[') {
        json_object *a = json_tokener_parse(v);
        if (a && json_object_is_type(a, json_type_array)) {
            size_t n = json_object_array_length(a);
            bool ok = true;
            for (size_t i = 0; i < n; i++)
                ok = ok && json_object_is_type(json_object_array_get_idx(a, i), json_type_string);
            if (ok)
                return a;
        }
        if (a)
            json_object_put(a);
    }
    json_object *a = json_object_new_array();
    if (!a)
        return NULL;
    json_object_array_add(a, json_object_new_string("/bin/sh"));
    json_object_array_add(a, json_object_new_string("-c"));
    json_object_array_add(a, json_object_new_string(v));
    return a;
}

static json_object *child_obj(json_object *o, const char *key)
{
    json_object *c;
    if (json_object_object_get_ex(o, key, &c) && json_object_is_type(c, json_type_object))
        return c;
    c = json_object_new_object();
    if (!c || json_object_object_add(o, key, c) < 0)
        return NULL;
    return c;
}

/* KEY=VALUE or KEY VALUE into key/value (malloc'ed). */
static int split_kv(const char *v, char **key, char **value)
{
    size_t k = strcspn(v, "= \t");
    if (k == 0)
        return -EINVAL;
    const char *rest = v + k;
    if (*rest == '=')
        rest++;
    else
        while (*rest == ' ' || *rest == '\t')
            rest++;
    *key = strndup(v, k);
    *value = strdup(rest);
    if (!*key || !*value) {
        free(*key);
        free(*value);
        *key = *value = NULL;
        return ctr__oom("a config change");
    }
    /* Strip one level of double quotes from the value. */
    size_t n = strlen(*value);
    if (n >= 2 && (*value)[0] == '"' && (*value)[n - 1] == '"') {
        memmove(*value, *value + 1, n - 2);
        (*value)[n - 2] = '\0';
    }
    return 0;
}

static int set_env(json_object *cfg, const char *key, const char *value)
{
    json_object *env;
    if (!json_object_object_get_ex(cfg, "Env", &env) || !json_object_is_type(env, json_type_array)) {
        env = json_object_new_array();
        if (!env || json_object_object_add(cfg, "Env", env) < 0)
            return ctr__oom("the config's Env");
    }
    char *kv = ctr__asprintf("%s=%s", key, value);
    if (!kv)
        return ctr__oom("an environment variable");
    size_t kl = strlen(key), n = json_object_array_length(env);
    for (size_t i = 0; i < n; i++) {
        const char *e = json_object_get_string(json_object_array_get_idx(env, i));
        if (e && strncmp(e, key, kl) == 0 && e[kl] == '=') {
            json_object_array_put_idx(env, i, json_object_new_string(kv));
            free(kv);
            return 0;
        }
    }
    json_object_array_add(env, json_object_new_string(kv));
    free(kv);
    return 0;
}

#define VERB_MAX 16

/* A change's verb, upper-cased into verb, and its value (after blanks or '='). */
static int change_split(const char *change, char verb[VERB_MAX], const char **ret_value)
{
    const char *c = change;
    while (*c == ' ')
        c++;
    size_t k = strcspn(c, " \t=");
    if (k == 0 || k >= VERB_MAX)
        return ctr__err(-EINVAL, "invalid change \"%.100s\"", change);
    for (size_t i = 0; i < k; i++)
        verb[i] = (char)((c[i] >= 'a' && c[i] <= 'z') ? c[i] - 32 : c[i]);
    verb[k] = '\0';
    const char *v = c + k;
    while (*v == ' ' || *v == '\t' || *v == '=')
        v++;
    if (!*v)
        return ctr__err(-EINVAL, "change \"%.100s\" has no value", change);
    *ret_value = v;
    return 0;
}

/* ENV or LABEL: KEY=VALUE (or KEY VALUE). */
static int change_kv(json_object *cfg, const char *verb, const char *v, const char *change)
{
    _cleanup_free_ char *key = NULL, *value = NULL;
    if (split_kv(v, &key, &value) < 0)
        return ctr__err(-EINVAL, "change \"%.100s\": expected KEY=VALUE", change);
    if (streq(verb, "ENV"))
        return set_env(cfg, key, value);
    json_object *labels = child_obj(cfg, "Labels");
    if (!labels)
        return ctr__oom("image config");
    json_object_object_add(labels, key, json_object_new_string(value));
    return 0;
}

/* EXPOSE or VOLUME as words: each a key of set, a port without a protocol
 * taken as TCP, a volume only as an absolute path. */
static int set_add_words(json_object *set, bool expose, const char *v, const char *change)
{
    _cleanup_free_ char *copy = strdup(v);
    if (!copy)
        return ctr__oom("image config");
    char *save = NULL;
    for (char *t = strtok_r(copy, " \t", &save); t; t = strtok_r(NULL, " \t", &save)) {
        if (expose && !strchr(t, '/')) {
            char port[64];
            snprintf(port, sizeof port, "%.50s/tcp", t);
            json_object_object_add(set, port, json_object_new_object());
        } else {
            if (!expose && t[0] != '/')
                return ctr__err(-EINVAL, "change \"%.100s\": volumes must be absolute", change);
            json_object_object_add(set, t, json_object_new_object());
        }
    }
    return 0;
}

/* EXPOSE or VOLUME: a JSON array or words, the keys of ExposedPorts or Volumes. */
static int change_set(json_object *cfg, const char *verb, const char *v, const char *change)
{
    bool expose = streq(verb, "EXPOSE");
    json_object *set = child_obj(cfg, expose ? "ExposedPorts" : "Volumes");
    if (!set)
        return ctr__oom("image config");
    _cleanup_json_ json_object *arr = v[0] == '[' ? json_tokener_parse(v) : NULL;
    if (!arr || !json_object_is_type(arr, json_type_array))
        return set_add_words(set, expose, v, change);
    for (size_t i = 0; i < json_object_array_length(arr); i++) {
        const char *item = json_object_get_string(json_object_array_get_idx(arr, i));
        if (item)
            json_object_object_add(set, item, json_object_new_object());
    }
    return 0;
}

/* One change, its verb upper case and v its value; change is all of it, for messages. */
static int change_apply(json_object *cfg, const char *verb, const char *v, const char *change)
{
    if (streq(verb, "CMD") || streq(verb, "ENTRYPOINT")) {
        json_object *a = command_value(v);
        if (!a)
            return ctr__oom("image config");
        json_object_object_add(cfg, streq(verb, "CMD") ? "Cmd" : "Entrypoint", a);
    } else if (streq(verb, "ENV") || streq(verb, "LABEL")) {
        return change_kv(cfg, verb, v, change);
    } else if (streq(verb, "WORKDIR")) {
        if (v[0] != '/')
            return ctr__err(-EINVAL, "change \"%.100s\": the working directory must be absolute", change);
        json_object_object_add(cfg, "WorkingDir", json_object_new_string(v));
    } else if (streq(verb, "USER")) {
        json_object_object_add(cfg, "User", json_object_new_string(v));
    } else if (streq(verb, "STOPSIGNAL")) {
        json_object_object_add(cfg, "StopSignal", json_object_new_string(v));
    } else if (streq(verb, "EXPOSE") || streq(verb, "VOLUME")) {
        return change_set(cfg, verb, v, change);
    } else {
        return ctr__err(-EINVAL, "unsupported change \"%.100s\" (CMD, ENTRYPOINT, ENV, LABEL, WORKDIR, USER, "
                                 "EXPOSE, VOLUME, STOPSIGNAL)", change);
    }
    return 0;
}

int ctr__config_apply_changes(json_object *cfg, const char *const *changes)
{
    for (; changes && *changes; changes++) {
        char verb[VERB_MAX];
        const char *v = NULL;
        int r = change_split(*changes, verb, &v);
        if (r < 0 || (r = change_apply(cfg, verb, v, *changes)) < 0)
            return r;
    }
    return 0;
}
