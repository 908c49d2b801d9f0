/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Pulling an image from a registry (pull.h).  In order:
 *  1. the manifest by digest or tag; an index (or Docker list) picks the
 *     platform's manifest (ctr__oci_index_pick_platform(), nested indexes
 *     read from the registry by digest);
 *  2. the config, from the store or the pull cache, else fetched: its diff
 *     IDs give the layers' chain IDs;
 *  3. the layers: skipped when the store has the layer (its chain ID) or a
 *     layer whose blob has that digest, reused from the pull cache, else
 *     fetched at most max_connections at once, each streamed into
 *     pull-cache/sha256/.tmp-PID-N and renamed to HEX once the client has
 *     checked its digest and size;
 *  4. ctr__import_image() over blobs opened from the store or the cache
 *     (unpacked in a stage, published under the store's lock);
 *  5. this pull's cache files removed.
 * A pull killed in 3 leaves its verified blobs in the cache for the next
 * pull, and .tmp files a later pull removes once their PID is gone. */
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>

#include "base/error.h"
#include "base/json-util.h"
#include "storage/pull.h"
#include "storage/store.h"

#define CACHE_DIR "pull-cache/sha256"

struct pull;

struct pull_blob {
    char hex[65];
    char digest[72];       /* "sha256:HEX" */
    int64_t size;          /* the descriptor's, -1 unknown */
    bool in_store;         /* open it from the store's blobs */
    bool in_cache;         /* open it from the pull cache */
    bool layer_known;      /* the store has the layer itself: never opened */
    int fd;                /* the .tmp file being written, or -1 */
    char tmp[64];
    uint64_t done;
    int64_t last_ns;       /* of the last progress report */
    size_t index;
    struct pull *p;
};

struct pull {
    const struct ctr__pull_opts *o;
    char *reference;
    struct ctr__store *s;
    int cache_fd;
    struct pull_blob *b;   /* the layers, then the config */
    size_t n;
    char **chain;          /* the layers' chain IDs */
    uint64_t total, total_done;
};

static void pull_done(struct pull *p)
{
    for (size_t i = 0; p->b && i < p->n; i++)
        if (p->b[i].fd >= 0) {
            close(p->b[i].fd);
            unlinkat(p->cache_fd, p->b[i].tmp, 0);
        }
    free(p->b);
    ctr__strv_free(p->chain);
    if (p->cache_fd >= 0)
        close(p->cache_fd);
    ctr__store_close(p->s);
    free(p->reference);
}

static struct pull_blob *config_blob(struct pull *p)
{
    return &p->b[p->n - 1];
}

/* One progress report; -ECANCELED when the callback asks to stop. */
static int report(struct pull *p, int phase, const struct pull_blob *b)
{
    if (p->o->cancel && *p->o->cancel)
        return ctr__err(-ECANCELED, "pull of %s cancelled", p->reference);
    if (!p->o->progress)
        return 0;
    ctr_transfer_progress_t t = {
        .phase = phase,
        .reference = p->reference,
        .digest = b ? b->digest : NULL,
        .index = b ? (int)b->index : -1,
        .n_blobs = (int)p->n,
        .done = b ? b->done : 0,
        .size = b && b->size > 0 ? (uint64_t)b->size : 0,
        .total_done = p->total_done,
        .total = p->total,
    };
    if (p->o->progress(&t, p->o->progress_userdata) != 0)
        return ctr__err(-ECANCELED, "pull of %s cancelled", p->reference);
    return 0;
}

/* ---- the manifest ---- */

static bool is_index(const char *mt)
{
    return mt && (streq(mt, CTR__MT_OCI_INDEX) || streq(mt, CTR__MT_DOCKER_LIST));
}

/* A nested index, read from the registry by digest (verified there). */
static int registry_blob_read(void *userdata, const char *hex, char **ret, size_t *ret_size)
{
    char want[72], digest[72];
    _cleanup_free_ char *mt = NULL;
    snprintf(want, sizeof want, "sha256:%s", hex);
    return ctr__reg_get_manifest(userdata, want, ret, ret_size, &mt, digest);
}

static int get_manifest(struct pull *p, ctr__reg_client_t *c, const struct ctr__ref *ref, char **ret,
                        size_t *ret_size)
{
    _cleanup_free_ char *body = NULL, *mt = NULL;
    size_t size = 0;
    char digest[72];
    int r = ctr__reg_get_manifest(c, ref->digest ? ref->digest : ref->tag, &body, &size, &mt, digest);
    if (r < 0)
        return r;
    if (is_index(mt)) {
        struct ctr__manifest_pick pick = { 0 };
        if ((r = ctr__oci_index_pick_platform(body, NULL, p->o->platform, registry_blob_read, c, &pick)) < 0)
            return ctr__err_prefix(r, "%s", p->reference);
        free(pick.media_type);
        free(pick.ref_name);
        char want[72];
        snprintf(want, sizeof want, "sha256:%s", pick.digest);
        free(TAKE_PTR(body));
        free(TAKE_PTR(mt));
        if ((r = ctr__reg_get_manifest(c, want, &body, &size, &mt, digest)) < 0)
            return r;
        if (pick.size >= 0 && (size_t)pick.size != size)
            return ctr__err(-EINVAL, "manifest %s has %zu bytes, the index says %lld", want, size,
                            (long long)pick.size);
        if (is_index(mt))
            return ctr__err(-EINVAL, "manifest %s: an image index where a manifest was expected", want);
    }
    *ret = TAKE_PTR(body);
    *ret_size = size;
    return 0;
}

/* ---- the pull cache ---- */

/* Remove the .tmp files of pulls whose process is gone. */
static void cache_clean(int cache_fd)
{
    int fd = fcntl(cache_fd, F_DUPFD_CLOEXEC, 3);
    DIR *d = fd >= 0 ? ctr__opendir_fd(fd) : NULL;
    if (!d) {
        if (fd >= 0)
            close(fd);
        return;
    }
    struct dirent *de;
    while ((de = readdir(d))) {
        if (strncmp(de->d_name, ".tmp-", 5) != 0)
            continue;
        long pid = strtol(de->d_name + 5, NULL, 10);
        if (pid > 0 && pid != (long)getpid() && kill((pid_t)pid, 0) < 0 && errno == ESRCH)
            unlinkat(cache_fd, de->d_name, 0);
    }
    closedir(d);
}

static int cache_open(struct pull *p)
{
    if (mkdirat(p->s->dir_fd, "pull-cache", 0700) < 0 && errno != EEXIST)
        return ctr__err(-errno, "%s/pull-cache: %m", p->s->dir);
    if (mkdirat(p->s->dir_fd, CACHE_DIR, 0700) < 0 && errno != EEXIST)
        return ctr__err(-errno, "%s/" CACHE_DIR ": %m", p->s->dir);
    p->cache_fd = openat(p->s->dir_fd, CACHE_DIR, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
    if (p->cache_fd < 0)
        return ctr__err(-errno, "%s/" CACHE_DIR ": %m", p->s->dir);
    cache_clean(p->cache_fd);
    return 0;
}

static bool cache_has(struct pull *p, const struct pull_blob *b)
{
    struct stat st;
    return fstatat(p->cache_fd, b->hex, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode) &&
           (b->size < 0 || st.st_size == b->size);
}

static bool store_has_blob(struct pull *p, const char *hex)
{
    char path[128];
    snprintf(path, sizeof path, "blobs/sha256/%s", hex);
    return faccessat(p->s->dir_fd, path, F_OK, AT_SYMLINK_NOFOLLOW) == 0;
}

/* The blobs of manifest m: layers, then the config. */
static int blobs_make(struct pull *p, const struct ctr__manifest *m)
{
    p->n = m->n_layers + 1;
    if (!(p->b = calloc(p->n, sizeof *p->b)))
        return ctr__oom("the blobs to pull");
    for (size_t i = 0; i < p->n; i++) {
        struct pull_blob *b = &p->b[i];
        bool cfg = i == m->n_layers;
        memcpy(b->hex, cfg ? m->config : m->layers[i].digest, 65);
        snprintf(b->digest, sizeof b->digest, "sha256:%s", b->hex);
        b->size = cfg ? m->config_size : m->layers[i].size;
        b->fd = -1;
        b->index = i;
        b->p = p;
        p->total += b->size > 0 ? (uint64_t)b->size : 0;
    }
    return 0;
}

/* ---- fetching ---- */

static int blob_sink(void *userdata, const void *data, size_t size)
{
    struct pull_blob *b = userdata;
    int r = ctr__write_all(b->fd, data, size);
    if (r < 0)
        return ctr__err(r, "writing %s into the pull cache: %s", b->digest, strerror(-r));
    b->done += size;
    b->p->total_done += size;
    int64_t now = ctr__now_ns();
    if (now - b->last_ns < 100000000 && !(b->p->o->cancel && *b->p->o->cancel))
        return 0;
    b->last_ns = now;
    return report(b->p, CTR_TRANSFER_BLOB, b);
}

struct fetch {
    struct pull *p;
    struct pull_blob **v;
    bool report_done;
};

static int blob_fetched(void *userdata, size_t index, int result)
{
    struct fetch *f = userdata;
    struct pull_blob *b = f->v[index];
    struct pull *p = f->p;
    if (result < 0)
        return result;
    if (fdatasync(b->fd) < 0 || close(b->fd) < 0) {
        b->fd = -1;
        return ctr__err(-errno, "writing %s into the pull cache: %m", b->digest);
    }
    b->fd = -1;
    if (renameat(p->cache_fd, b->tmp, p->cache_fd, b->hex) < 0)
        return ctr__err(-errno, "pull cache: renaming %s: %m", b->digest);
    b->in_cache = true;
    return f->report_done ? report(p, CTR_TRANSFER_BLOB_DONE, b) : 0;
}

/* Fetch the n blobs of v into the cache, in parallel. */
static int fetch(struct pull *p, ctr__reg_client_t *c, struct pull_blob **v, size_t n, bool report_done)
{
    static unsigned long counter;
    if (n == 0)
        return 0;
    _cleanup_free_ struct ctr__reg_blob_get *g = calloc(n, sizeof *g);
    if (!g)
        return ctr__oom("blob requests");
    for (size_t i = 0; i < n; i++) {
        struct pull_blob *b = v[i];
        snprintf(b->tmp, sizeof b->tmp, ".tmp-%ld-%lu", (long)getpid(), __atomic_fetch_add(&counter, 1, __ATOMIC_RELAXED));
        b->fd = openat(p->cache_fd, b->tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
        if (b->fd < 0)
            return ctr__err(-errno, "pull cache: %m");
        b->last_ns = ctr__now_ns();
        g[i] = (struct ctr__reg_blob_get){ b->digest, b->size, blob_sink, b };
    }
    struct fetch f = { p, v, report_done };
    unsigned max = p->o->max_connections ? p->o->max_connections : 6;
    int r = ctr__reg_get_blobs(c, g, n, max, blob_fetched, &f);
    for (size_t i = 0; i < n; i++)
        if (v[i]->fd >= 0) {
            close(v[i]->fd);
            v[i]->fd = -1;
            unlinkat(p->cache_fd, v[i]->tmp, 0);
            p->total_done -= v[i]->done;
            v[i]->done = 0;
        }
    return r;
}

/* The config: in the store (an image of it exists), in the cache, or fetched. */
static int config_get(struct pull *p, ctr__reg_client_t *c, char **ret)
{
    struct pull_blob *b = config_blob(p);
    b->in_store = store_has_blob(p, b->hex);
    b->in_cache = !b->in_store && cache_has(p, b);
    int r;
    if (!b->in_store && !b->in_cache && (r = fetch(p, c, &b, 1, false)) < 0)
        return r;
    if (b->in_store)
        return ctr__store_blob_read(p->s, b->hex, ret, NULL);
    _cleanup_close_ int fd = openat(p->cache_fd, b->hex, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) < 0)
        return ctr__err(-errno, "pull cache: %s: %m", b->digest);
    struct ctr__src src = { .fd = fd, .off = 0, .size = (uint64_t)st.st_size };
    return ctr__src_read(&src, 16 << 20, b->hex, "image config", ret, NULL);
}

/* Which layers the store or the cache has (chain IDs from the config). */
static int layers_present(struct pull *p, const char *config)
{
    _cleanup_json_ struct json_object *cfg = NULL;
    _cleanup_strv_ char **diff_ids = NULL;
    int r = ctr__image_config_parse(config, &cfg, &diff_ids);
    if (r < 0)
        return r;
    if (ctr__strv_len((const char *const *)diff_ids) != p->n - 1)
        return ctr__err(-EINVAL, "the image config lists %zu layers but the manifest %zu",
                        ctr__strv_len((const char *const *)diff_ids), p->n - 1);
    if (!(p->chain = ctr__strv_copy(NULL)))
        return ctr__oom("chain IDs");
    for (size_t i = 0; i + 1 < p->n; i++) {
        char id[65];
        if ((r = ctr__chain_id(i ? p->chain[i - 1] : NULL, diff_ids[i], id)) < 0)
            return r;
        if (ctr__strv_push(&p->chain, id) < 0)
            return ctr__oom("chain IDs");
    }
    if ((r = ctr__store_lock(p->s)) < 0)
        return r;
    for (size_t i = 0; i + 1 < p->n; i++) {
        struct pull_blob *b = &p->b[i];
        b->layer_known = ctr__store_layer(p->s, p->chain[i]) != NULL;
        for (size_t k = 0; !b->layer_known && !b->in_store && k < p->s->n_layers; k++)
            b->in_store = p->s->layers[k].blob && streq(p->s->layers[k].blob, b->hex) && store_has_blob(p, b->hex);
    }
    ctr__store_unlock(p->s);
    for (size_t i = 0; i + 1 < p->n; i++)
        if (!p->b[i].layer_known && !p->b[i].in_store)
            p->b[i].in_cache = cache_has(p, &p->b[i]);
    return 0;
}

/* Report the layers present, fetch the others. */
static int layers_fetch(struct pull *p, ctr__reg_client_t *c)
{
    _cleanup_free_ struct pull_blob **v = calloc(p->n, sizeof *v);
    if (!v)
        return ctr__oom("the blobs to pull");
    size_t n = 0;
    int r;
    for (size_t i = 0; i + 1 < p->n; i++) {
        struct pull_blob *b = &p->b[i];
        if (!b->layer_known && !b->in_store && !b->in_cache) {
            v[n++] = b;
            continue;
        }
        b->done = b->size > 0 ? (uint64_t)b->size : 0;
        p->total_done += b->done;
        if ((r = report(p, b->in_cache ? CTR_TRANSFER_BLOB_DONE : CTR_TRANSFER_BLOB_SKIPPED, b)) < 0)
            return r;
    }
    if ((r = fetch(p, c, v, n, true)) < 0)
        return r;
    /* The config was fetched (and counted) before the layers, or was there. */
    struct pull_blob *cb = config_blob(p);
    uint64_t full = cb->size > 0 ? (uint64_t)cb->size : 0;
    p->total_done += full > cb->done ? full - cb->done : 0;
    cb->done = full;
    return report(p, CTR_TRANSFER_BLOB_DONE, cb);
}

/* ---- publishing ---- */

static int open_blob(void *userdata, size_t index, const char *hex, const char *path, struct ctr__src *ret,
                     char **ret_staged)
{
    struct pull *p = userdata;
    (void)hex, (void)path, (void)ret_staged;
    struct pull_blob *b = index == (size_t)-1 ? config_blob(p) : index + 1 < p->n ? &p->b[index] : NULL;
    if (!b)
        return ctr__err(-EINVAL, "no blob %zu in the pull", index);
    if (b->in_store)
        return ctr__store_blob_open(p->s, b->hex, ret);
    int fd = b->in_cache ? openat(p->cache_fd, b->hex, O_RDONLY | O_CLOEXEC | O_NOFOLLOW) : -1;
    struct stat st;
    if (fd < 0 || fstat(fd, &st) < 0) {
        if (fd >= 0)
            close(fd);
        return ctr__err(-ENOENT, "%s: blob %s went away while pulling: try again", p->reference, b->digest);
    }
    *ret = (struct ctr__src){ .fd = fd, .off = 0, .size = (uint64_t)st.st_size };
    return 0;
}

static int publish(struct pull *p, const char *mjson, size_t msize, const struct ctr__manifest *m, char **ret_id)
{
    _cleanup_free_ const char **hexes = calloc(p->n, sizeof *hexes);
    _cleanup_free_ const char **mts = calloc(p->n, sizeof *mts);
    _cleanup_free_ uint64_t *sizes = calloc(p->n, sizeof *sizes);
    if (!hexes || !mts || !sizes)
        return ctr__oom("the manifest's layer list");
    for (size_t i = 0; i < m->n_layers; i++) {
        hexes[i] = m->layers[i].digest;
        mts[i] = m->layers[i].media_type;
        sizes[i] = m->layers[i].size > 0 ? (uint64_t)m->layers[i].size : 0;
    }
    struct ctr__image_source src = {
        .open_blob = open_blob,
        .userdata = p,
        .config_hex = m->config,
        .manifest_json = mjson,
        .manifest_size = msize,
        .n_layers = m->n_layers,
        .layer_hex = hexes,
        .layer_media_type = mts,
        .layer_size = sizes,
    };
    struct ctr__import im = { .set = p->s->set, .s = p->s, .prog = { .cancel = p->o->cancel } };
    const char *names[] = { p->o->name, NULL };
    int r = report(p, CTR_TRANSFER_WRITING, NULL);
    if (r < 0 || (r = ctr__import_image(&im, &src, p->o->name ? names : NULL)) < 0)
        return r;
    for (size_t i = 0; i < p->n; i++)
        if (p->b[i].in_cache)
            unlinkat(p->cache_fd, p->b[i].hex, 0);
    *ret_id = im.image_id;
    return report(p, CTR_TRANSFER_DONE, NULL);
}

int ctr__image_pull(const struct ctr__settings *set, const struct ctr__ref *ref, ctr__reg_client_t *c,
                    const struct ctr__pull_opts *o, char **ret_id)
{
    _cleanup_(pull_done) struct pull p = { .o = o, .cache_fd = -1 };
    if (!(p.reference = ctr__ref_string(ref)))
        return ctr__oom("a reference");
    int r = report(&p, CTR_TRANSFER_RESOLVING, NULL);
    _cleanup_free_ char *mjson = NULL, *config = NULL;
    size_t msize = 0;
    if (r < 0 || (r = get_manifest(&p, c, ref, &mjson, &msize)) < 0)
        return r;
    _cleanup_(ctr__manifest_clear) struct ctr__manifest m = { 0 };
    if ((r = ctr__manifest_parse(mjson, &m)) < 0)
        return ctr__err_prefix(r, "%s", p.reference);
    if ((r = ctr__store_open(set, &p.s)) < 0 || (r = cache_open(&p)) < 0 || (r = blobs_make(&p, &m)) < 0)
        return r;
    if ((r = config_get(&p, c, &config)) < 0 || (r = layers_present(&p, config)) < 0 ||
        (r = layers_fetch(&p, c)) < 0)
        return r;
    return publish(&p, mjson, msize, &m, ret_id);
}
