/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Commit: a container's read-write layer becomes a new layer over its
 * image (overlay whiteouts back to .wh. names, opaque directories to
 * .wh..wh..opq; with vfs, the differences from the image's top layer), with
 * a config carrying the container's settings, the given changes and a
 * history entry. */
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>

#include "container.h"
#include "error.h"
#include "fault.h"
#include "json-util.h"
#include "storage/store.h"

static const size_t commit_size[] = { [1] = sizeof(ctr_commit_options_t) };

CTR_EXPORT int ctr_commit_options_init(ctr_commit_options_t *opts, unsigned int version)
{
    CTR_ENTER();
    CTR_CHECK_ARG(opts);
    if (version < 1 || version > CTR_COMMIT_OPTIONS_VERSION)
        return ctr__err(-EINVAL, "commit options version %u is not supported", version);
    memset(opts, 0, commit_size[version]);
    opts->version = version;
    return 0;
}

/* The image config with the container's settings over it. */
static int commit_config(ctr_container_t *c, const char *base, char **ret)
{
    _cleanup_json_ json_object *root = NULL;
    int r = ctr__image_config_parse(base, &root, NULL);
    if (r < 0)
        return r;
    json_object *cfg;
    if (!json_object_object_get_ex(root, "config", &cfg) || !json_object_is_type(cfg, json_type_object)) {
        cfg = json_object_new_object();
        if (!cfg || json_object_object_add(root, "config", cfg) < 0)
            return -ENOMEM;
    }
    const struct ctr__config *k = c->cfg;
    json_object_object_add(cfg, "Env", ctr__json_strv(k->env));
    /* The container's command replaces entrypoint + cmd. */
    json_object_object_del(cfg, "Entrypoint");
    json_object_object_add(cfg, "Cmd", ctr__json_strv(k->command));
    if (k->workdir)
        json_object_object_add(cfg, "WorkingDir", json_object_new_string(k->workdir));
    if (k->user)
        json_object_object_add(cfg, "User", json_object_new_string(k->user));
    json_object *labels = json_object_new_object();
    if (!labels)
        return -ENOMEM;
    for (char **l = k->labels; *l; l++) {
        size_t n = strcspn(*l, "=");
        char key[n + 1];
        memcpy(key, *l, n);
        key[n] = '\0';
        json_object_object_add(labels, key, json_object_new_string(*l + n + 1));
    }
    json_object_object_add(cfg, "Labels", labels);
    return ctr__json_to_string(root, ret);
}

/* With vfs, a container's layer is a full copy of its image's top layer:
 * open that layer, the base its changes are taken against.  *ret_fd stays
 * -1 with overlay (the layer holds only the changes) or an image without
 * layers. */
static int vfs_base(struct ctr__store *s, const char *ctr_id, int *ret_fd)
{
    *ret_fd = -1;
    if (!s->vfs)
        return 0;
    int r = ctr__store_lock(s);
    if (r < 0)
        return r;
    const struct ctr__ctr_rec *cr = ctr__store_ctr(s, ctr_id);
    size_t n = cr ? ctr__strv_len((const char *const *)cr->layers) : 0;
    _cleanup_free_ char *top = n ? ctr__store_layer_diff(s, cr->layers[n - 1]) : NULL;
    ctr__store_unlock(s);
    if (!cr)
        return ctr__err(-ENOENT, "no storage record for container %.12s", ctr_id);
    if (n == 0)
        return 0;
    if (!top)
        return -ENOMEM;
    if ((*ret_fd = open(top, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
        return ctr__err(-errno, "%s: %m", top);
    return 0;
}

CTR_EXPORT int ctr_container_commit(ctr_container_t *c, const ctr_commit_options_t *opts, ctr_image_t **ret)
{
    CTR_ENTER();
    CTR_CHECK_ARG(c);
    ctr_commit_options_t o;
    ctr_commit_options_init(&o, CTR_COMMIT_OPTIONS_VERSION);
    if (opts) {
        if (opts->version < 1 || opts->version > CTR_COMMIT_OPTIONS_VERSION)
            return ctr__err(-EINVAL, "commit options version %u is not supported", opts->version);
        memcpy(&o, opts, commit_size[opts->version]);
    }
    if (o.flags & ~(uint64_t)CTR_COMMIT_PAUSE)
        return ctr__err(-EINVAL, "unknown commit flags 0x%llx", (unsigned long long)o.flags);
    int r;
    _cleanup_free_ char *norm = NULL;
    if (o.name && (r = ctr__image_name_normalize(o.name, &norm)) < 0)
        return r;
    if (!c->cfg->image_id)
        return ctr__err(-EOPNOTSUPP, CTR_CFMT " was made from a rootfs directory: commit needs an image", CTR_CARG(c));
    bool paused = false;
    if (o.flags & CTR_COMMIT_PAUSE) {
        r = ctr_container_pause(c);
        paused = r == 0;
        if (r < 0 && r != -EBUSY)
            return r;
        CTR_ENTER();
    }
    _cleanup_(ctr__store_closep) struct ctr__store *s = NULL;
    _cleanup_(ctr__stage_freep) struct ctr__stage *st = NULL;
    _cleanup_free_ char *tmp = NULL, *base_config = NULL, *config = NULL, *image_id = NULL;
    _cleanup_close_ int tfd = -1;
    uint64_t size = 0;
    r = ctr__store_open(ctr__runtime_settings(c->rt), &s);
    if (r == 0)
        r = ctr__stage_new(s, &st);
    if (r == 0)
        r = ctr__stage_blob_tmp(st, &tmp, &tfd);
    struct ctr__progress prog = { .fn = o.progress, .userdata = o.progress_userdata, .cancel = o.cancel };
    _cleanup_close_ int base_fd = -1;
    if (r == 0)
        r = vfs_base(s, c->cfg->id, &base_fd);
    if (r == 0 && (r = ctr__container_lock(c)) == 0) {
        _cleanup_free_ char *diff = ctr__layers_container_diff(s, c->cfg->id);
        _cleanup_close_ int dfd = diff ? open(diff, O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
        if (dfd < 0)
            r = diff ? ctr__err(-errno, "%s: %m", diff) : -ENOMEM;
        else
            r = ctr__tar_create_changes(dfd, base_fd, tfd, CTR__TAR_LAYER, &prog, NULL, &size);
        ctr__container_unlock(c);
    }
    CTR_FAULT_POINT("commit.after-tar");
    if (paused) {
        int k = ctr_container_unpause(c);
        if (r == 0 && k < 0)
            r = k;
    }
    if (r < 0)
        return r;
    if ((r = ctr__store_lock(s)) < 0)
        return r;
    if (!ctr__store_image(s, c->cfg->image_id))
        r = ctr__err(-ENOENT, "the image of " CTR_CFMT " (%.12s) has been removed", CTR_CARG(c), c->cfg->image_id);
    else
        r = ctr__store_blob_read(s, c->cfg->image_id, &base_config, NULL);
    ctr__store_unlock(s);
    if (r < 0 || (r = commit_config(c, base_config, &config)) < 0)
        return r;
    struct ctr__src src = { .fd = tfd, .off = 0, .size = size };
    const char *names[] = { norm, NULL };
    struct ctr__import im = { .set = ctr__runtime_settings(c->rt), .s = s, .changes = o.changes, .prog = prog };
    _cleanup_free_ char *created_by = ctr__asprintf("ctrctl commit %s", c->cfg->name);
    if (!created_by)
        return -ENOMEM;
    struct ctr__layer_on lo = {
        .base = c->cfg->image_id,
        .base_config = config,
        .src = &src,
        .created_by = created_by,
        .author = o.author,
        .comment = o.message,
        .names = norm ? names : NULL,
    };
    r = ctr__import_layer_on(&im, st, &lo);
    image_id = im.image_id;
    CTR_FAULT_POINT("commit.after-publish");
    if (r < 0)
        return r;
    ctr__rt_log(c->rt, CTR_LOG_DEBUG, "committed %s as image %.12s", c->cfg->name, image_id);
    if (ret)
        return ctr_image_lookup(c->rt, image_id, ret);
    return 0;
}
