/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* docker-archive: a tar with manifest.json ([{Config, RepoTags, Layers}]),
 * the config and the layer tars, as `docker save`, `podman save` and skopeo
 * write it.  Members are read in place; layers are checked against the
 * config's diff IDs (and their blob digest when the name carries it). */
#include <fcntl.h>
#include <limits.h>

#include "base/error.h"
#include "storage/store.h"

struct darchive {
    int fd;
    struct ctr__tar_index ix;
};

static void darchive_clear(struct darchive *d)
{
    ctr__tar_index_clear(&d->ix);
    ctr__closep(&d->fd);
}

static int member_open(void *userdata, size_t index, const char *hex, const char *path, struct ctr__src *ret,
                       char **ret_staged)
{
    struct darchive *d = userdata;
    const struct ctr__tar_member *m = ctr__tar_index_find(&d->ix, path);
    if (!m)
        return ctr__err(-ENOENT, "the archive has no \"%.200s\"", path);
    int fd = fcntl(d->fd, F_DUPFD_CLOEXEC, 3);
    if (fd < 0)
        return -errno;
    *ret = (struct ctr__src){ .fd = fd, .off = m->off, .size = m->size };
    return 0;
}

/* "blobs/sha256/HEX" or "HEX.json" / "HEX.tar" / "HEX/layer.tar": the digest when the name carries one. */
static bool hex_from_path(const char *path, char hex[65])
{
    const char *p = strncmp(path, "blobs/sha256/", 13) == 0 ? path + 13 : path;
    if (strlen(p) < 64)
        return false;
    memcpy(hex, p, 64);
    hex[64] = '\0';
    if (!ctr__hex64_valid(hex))
        return false;
    return p[64] == '\0' || streq(p + 64, ".json");
}

/* manifest.json, parsed. */
static int read_manifest(struct darchive *d, struct ctr__docker_manifest *ret)
{
    struct ctr__src s;
    int r = member_open(d, 0, NULL, "manifest.json", &s, NULL);
    if (r < 0)
        return ctr__err_prefix(r, "not a docker archive");
    _cleanup_free_ char *mjson = NULL;
    r = ctr__src_read(&s, 16 << 20, NULL, "manifest.json", &mjson, NULL);
    close(s.fd);
    if (r < 0)
        return r;
    return ctr__docker_manifest_parse(mjson, ret);
}

/* The layers as the importer takes them: member paths, sizes for the
 * progress, and the blob digest where the path carries one. */
struct dlayers {
    const char **paths, **hexes;
    uint64_t *sizes;
    char (*hexbuf)[65];
};

static void dlayers_clear(struct dlayers *l)
{
    free(l->paths);
    free(l->hexes);
    free(l->sizes);
    free(l->hexbuf);
}

/* The manifest's n layers, found in the archive's index. */
static int layers_of(const struct darchive *d, const struct ctr__docker_manifest *dm, size_t n, struct dlayers *ret)
{
    ret->paths = calloc(n + 1, sizeof *ret->paths);
    ret->hexes = calloc(n + 1, sizeof *ret->hexes);
    ret->sizes = calloc(n + 1, sizeof *ret->sizes);
    ret->hexbuf = calloc(n + 1, sizeof *ret->hexbuf);
    if (!ret->paths || !ret->hexes || !ret->sizes || !ret->hexbuf)
        return ctr__oom("the archive's layers");
    for (size_t i = 0; i < n; i++) {
        ret->paths[i] = dm->layers[i];
        const struct ctr__tar_member *m = ctr__tar_index_find(&d->ix, dm->layers[i]);
        ret->sizes[i] = m ? m->size : 0;
        if (strncmp(dm->layers[i], "blobs/sha256/", 13) == 0 && hex_from_path(dm->layers[i], ret->hexbuf[i]))
            ret->hexes[i] = ret->hexbuf[i];
    }
    return 0;
}

/* The names to give the image: those asked for, else the archive's RepoTags. */
static int image_names(const struct ctr__docker_manifest *dm, const char *const *names, char ***ret)
{
    _cleanup_strv_ char **all = ctr__strv_copy(names);
    if (!all)
        return ctr__oom("image names");
    for (char **t = dm->repo_tags; !names && *t; t++)
        if (ctr__strv_push(&all, *t) < 0)
            return ctr__oom("image names");
    *ret = TAKE_PTR(all);
    return 0;
}

int ctr__import_docker_archive(struct ctr__import *im, const char *path, const char *const *names)
{
    _cleanup_(ctr__stage_freep) struct ctr__stage *st = NULL;
    int r = ctr__stage_new(im->s, &st);
    if (r < 0)
        return r;
    _cleanup_(darchive_clear) struct darchive d = { .fd = -1 };
    if ((r = ctr__archive_open_plain(path, st, &im->prog, &d.fd)) < 0)
        return r;
    if ((r = ctr__tar_index_build(d.fd, &d.ix)) < 0)
        return ctr__err_prefix(r, "%s", path);
    _cleanup_(ctr__docker_manifest_clear) struct ctr__docker_manifest dm = { 0 };
    _cleanup_(dlayers_clear) struct dlayers l = { 0 };
    _cleanup_strv_ char **all = NULL;
    if ((r = read_manifest(&d, &dm)) < 0)
        return r;
    size_t n = ctr__strv_len((const char *const *)dm.layers);
    if ((r = layers_of(&d, &dm, n, &l)) < 0 || (r = image_names(&dm, names, &all)) < 0)
        return r;
    char config_hex[65];
    struct ctr__image_source src = {
        .open_blob = member_open,
        .userdata = &d,
        .config_hex = hex_from_path(dm.config, config_hex) ? config_hex : NULL,
        .config_path = dm.config,
        .n_layers = n,
        .layer_hex = l.hexes,
        .layer_path = l.paths,
        .layer_size = l.sizes,
        .stage = st,
    };
    return ctr__import_image(im, &src, (const char *const *)all);
}
