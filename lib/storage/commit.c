/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Commit in the store (commit.h): a container's read-write layer becomes a
 * new layer over its image (overlay whiteouts back to .wh. names, opaque
 * directories to .wh..wh..opq; with vfs, the differences from the image's
 * top layer), with a config carrying the container's settings, the given
 * changes and a history entry. */
#include "storage/commit.h"

#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>

#include "base/error.h"
#include "base/json-util.h"
#include "storage/store.h"

/* The image config with the container's settings over it. */
static int commit_config(const struct ctr__config *k, const char *base, char **ret)
{
    _cleanup_json_ json_object *root = NULL;
    int r = ctr__image_config_parse(base, &root, NULL);
    if (r < 0)
        return r;
    json_object *cfg;
    if (!json_object_object_get_ex(root, "config", &cfg) || !json_object_is_type(cfg, json_type_object)) {
        cfg = json_object_new_object();
        if (!cfg || json_object_object_add(root, "config", cfg) < 0)
            return ctr__oom("image config");
    }
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
        return ctr__oom("image config");
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
        return ctr__oom("path");
    if ((*ret_fd = open(top, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
        return ctr__err(-errno, "%s: %m", top);
    return 0;
}

struct ctr__commit {
    const struct ctr__config *cfg;
    const ctr_commit_options_t *o;
    char *name;                 /* o->name normalized, or NULL */
    struct ctr__store *s;
    struct ctr__stage *st;
    char *tmp;                  /* the staged blob of the layer's tar */
    int tfd;
    int base_fd;                /* vfs: the image's top layer */
    uint64_t size;
    struct ctr__progress prog;
};

void ctr__commit_free(struct ctr__commit *cm)
{
    if (!cm)
        return;
    ctr__closep(&cm->base_fd);
    ctr__closep(&cm->tfd);
    free(cm->tmp);
    ctr__stage_free(cm->st);
    ctr__store_close(cm->s);
    free(cm->name);
    free(cm);
}

int ctr__commit_begin(const struct ctr__settings *set, const struct ctr__config *cfg, const ctr_commit_options_t *o,
                      struct ctr__commit **ret)
{
    _cleanup_free_ char *name = NULL;
    int r;
    if (o->name && (r = ctr__image_name_normalize(o->name, &name)) < 0)
        return r;
    if (!cfg->image_id)
        return ctr__err(-EOPNOTSUPP, "container %s was made from a rootfs directory: commit needs an image",
                        cfg->name);
    _cleanup_(ctr__commit_freep) struct ctr__commit *cm = calloc(1, sizeof *cm);
    if (!cm)
        return ctr__oom("commit");
    *cm = (struct ctr__commit){ .cfg = cfg, .o = o, .name = TAKE_PTR(name), .tfd = -1, .base_fd = -1,
                                .prog = { .fn = o->progress, .userdata = o->progress_userdata, .cancel = o->cancel } };
    if ((r = ctr__store_open(set, &cm->s)) < 0 || (r = ctr__stage_new(cm->s, &cm->st)) < 0 ||
        (r = ctr__stage_blob_tmp(cm->st, &cm->tmp, &cm->tfd)) < 0 || (r = vfs_base(cm->s, cfg->id, &cm->base_fd)) < 0)
        return r;
    *ret = TAKE_PTR(cm);
    return 0;
}

int ctr__commit_tar(struct ctr__commit *cm)
{
    _cleanup_free_ char *diff = ctr__layers_container_diff(cm->s, cm->cfg->id);
    if (!diff)
        return ctr__oom("path");
    _cleanup_close_ int dfd = open(diff, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0)
        return ctr__err(-errno, "%s: %m", diff);
    return ctr__tar_create_changes(dfd, cm->base_fd, cm->tfd, CTR__TAR_LAYER, &cm->prog, NULL, &cm->size);
}

/* The config of the new image: the container's image's, with its settings. */
static int new_config(struct ctr__commit *cm, char **ret)
{
    const struct ctr__config *cfg = cm->cfg;
    int r = ctr__store_lock(cm->s);
    if (r < 0)
        return r;
    _cleanup_free_ char *base = NULL;
    if (!ctr__store_image(cm->s, cfg->image_id))
        r = ctr__err(-ENOENT, "the image of container %s (%.12s) has been removed", cfg->name, cfg->image_id);
    else
        r = ctr__store_blob_read(cm->s, cfg->image_id, &base, NULL);
    ctr__store_unlock(cm->s);
    if (r < 0)
        return r;
    return commit_config(cfg, base, ret);
}

int ctr__commit_publish(struct ctr__commit *cm, char **ret_id)
{
    _cleanup_free_ char *config = NULL;
    int r = new_config(cm, &config);
    if (r < 0)
        return r;
    _cleanup_free_ char *created_by = ctr__asprintf("ctrctl commit %s", cm->cfg->name);
    if (!created_by)
        return ctr__oom("history entry");
    struct ctr__src src = { .fd = cm->tfd, .off = 0, .size = cm->size };
    const char *names[] = { cm->name, NULL };
    struct ctr__import im = { .set = cm->s->set, .s = cm->s, .changes = cm->o->changes, .prog = cm->prog };
    struct ctr__layer_on lo = {
        .base = cm->cfg->image_id,
        .base_config = config,
        .src = &src,
        .created_by = created_by,
        .author = cm->o->author,
        .comment = cm->o->message,
        .names = cm->name ? names : NULL,
    };
    r = ctr__import_layer_on(&im, cm->st, &lo);
    if (r < 0) {
        free(im.image_id);
        return r;
    }
    *ret_id = im.image_id;
    return 0;
}

int ctr__storage_layer_tar(const struct ctr__settings *set, const struct ctr__config *cfg, int out_fd)
{
    _cleanup_(ctr__store_closep) struct ctr__store *s = NULL;
    _cleanup_close_ int base_fd = -1;
    int r = ctr__store_open(set, &s);
    if (r < 0 || (r = vfs_base(s, cfg->id, &base_fd)) < 0)
        return r;
    _cleanup_free_ char *diff = ctr__layers_container_diff(s, cfg->id);
    if (!diff)
        return ctr__oom("path");
    _cleanup_close_ int dfd = open(diff, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0)
        return ctr__err(-errno, "%s: %m", diff);
    return ctr__tar_create_changes(dfd, base_fd, out_fd, CTR__TAR_LAYER, NULL, NULL, NULL);
}

int ctr__storage_layer_apply(const struct ctr__settings *set, const struct ctr__config *cfg, int fd)
{
    _cleanup_(ctr__store_closep) struct ctr__store *s = NULL;
    int r = ctr__store_open(set, &s);
    if (r < 0)
        return r;
    _cleanup_free_ char *diff = ctr__layers_container_diff(s, cfg->id);
    if (!diff)
        return ctr__oom("path");
    _cleanup_close_ int dfd = open(diff, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0)
        return ctr__err(-errno, "%s: %m", diff);
    struct stat st;
    if (fstat(fd, &st) < 0)
        return ctr__err(-errno, "the layer tar: %m");
    struct ctr__src src = { .fd = fd, .off = 0, .size = (uint64_t)st.st_size };
    struct ctr__layer_result res;
    r = ctr__layer_unpack(&src, NULL, NULL, -1, dfd, s->vfs ? CTR__UNPACK_VFS : CTR__UNPACK_OVERLAY, NULL, &res);
    return r < 0 ? ctr__err_prefix(r, "the root file system changes") : 0;
}
