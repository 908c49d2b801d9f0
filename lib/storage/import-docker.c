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

int ctr__import_docker_archive(struct ctr__import *im, const char *path, const char *const *names)
{
    _cleanup_(ctr__stage_freep) struct ctr__stage *st = NULL;
    int r = ctr__stage_new(im->s, &st);
    if (r < 0)
        return r;
    struct darchive d = { .fd = -1 };
    if ((r = ctr__archive_open_plain(path, st, &im->prog, &d.fd)) < 0)
        return r;
    struct ctr__docker_manifest dm = { 0 };
    _cleanup_free_ char *mjson = NULL;
    const char **paths = NULL, **hexes = NULL;
    uint64_t *sizes = NULL;
    char (*hexbuf)[65] = NULL;
    char config_hex[65];
    _cleanup_strv_ char **all = NULL;
    r = ctr__tar_index_build(d.fd, &d.ix);
    if (r < 0) {
        ctr__err_prefix(r, "%s", path);
        goto out;
    }
    struct ctr__src s;
    if ((r = member_open(&d, 0, NULL, "manifest.json", &s, NULL)) < 0) {
        ctr__err_prefix(r, "not a docker archive");
        goto out;
    }
    r = ctr__src_read(&s, 16 << 20, NULL, "manifest.json", &mjson, NULL);
    close(s.fd);
    if (r < 0 || (r = ctr__docker_manifest_parse(mjson, &dm)) < 0)
        goto out;
    size_t n = ctr__strv_len((const char *const *)dm.layers);
    paths = calloc(n + 1, sizeof *paths);
    hexes = calloc(n + 1, sizeof *hexes);
    sizes = calloc(n + 1, sizeof *sizes);
    hexbuf = calloc(n + 1, sizeof *hexbuf);
    all = ctr__strv_copy(names);
    if (!paths || !hexes || !sizes || !hexbuf || !all) {
        r = -ENOMEM;
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        paths[i] = dm.layers[i];
        const struct ctr__tar_member *m = ctr__tar_index_find(&d.ix, dm.layers[i]);
        sizes[i] = m ? m->size : 0;
        if (strncmp(dm.layers[i], "blobs/sha256/", 13) == 0 && hex_from_path(dm.layers[i], hexbuf[i]))
            hexes[i] = hexbuf[i];
    }
    for (char **t = dm.repo_tags; !names && *t && r == 0; t++)
        r = ctr__strv_push(&all, *t);
    if (r < 0)
        goto out;
    {
        struct ctr__image_source src = {
            .open_blob = member_open,
            .userdata = &d,
            .config_hex = hex_from_path(dm.config, config_hex) ? config_hex : NULL,
            .config_path = dm.config,
            .n_layers = n,
            .layer_hex = hexes,
            .layer_path = paths,
            .layer_size = sizes,
            .stage = st,
        };
        r = ctr__import_image(im, &src, (const char *const *)all);
    }
out:
    free(paths);
    free(hexes);
    free(sizes);
    free(hexbuf);
    ctr__docker_manifest_clear(&dm);
    ctr__tar_index_clear(&d.ix);
    if (d.fd >= 0)
        close(d.fd);
    return r;
}
