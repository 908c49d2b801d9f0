/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Container storage: one container's layer, mounts, volumes and sizes, over
 * the settings and the container's config (container-storage.h).  A
 * container made from a rootfs directory uses it as is; one made from an
 * image gets a layer of its own over the image's layers (lib/storage/). */
#include "storage/container-storage.h"

#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <signal.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include "base/error.h"
#include "base/json-util.h"
#include "storage/store.h"

/* ---- defaults from the image config ---- */

static int strv_from_array(json_object *o, const char *key, char ***ret)
{
    json_object *a;
    if (!json_object_object_get_ex(o, key, &a) || !json_object_is_type(a, json_type_array))
        return 0;
    for (size_t i = 0; i < json_object_array_length(a); i++) {
        json_object *e = json_object_array_get_idx(a, i);
        if (json_object_is_type(e, json_type_string) && ctr__strv_push(ret, json_object_get_string(e)) < 0)
            return ctr__oom("the image's defaults");
    }
    return 0;
}

static int keys_of(json_object *o, const char *key, char ***ret)
{
    json_object *m;
    if (!json_object_object_get_ex(o, key, &m) || !json_object_is_type(m, json_type_object))
        return 0;
    json_object_object_foreach(m, k, v)
    {
        (void)v;
        if (!ctr__strv_contains((const char *const *)*ret, k) && ctr__strv_push(ret, k) < 0)
            return ctr__oom("the image's defaults");
    }
    return 0;
}

static int parse_signal(const char *s)
{
    static const struct {
        const char *name;
        int sig;
    } sigs[] = { { "HUP", SIGHUP },   { "INT", SIGINT },   { "QUIT", SIGQUIT }, { "KILL", SIGKILL },
                 { "USR1", SIGUSR1 }, { "USR2", SIGUSR2 }, { "TERM", SIGTERM }, { "STOP", SIGSTOP },
                 { "WINCH", SIGWINCH }, { "PWR", SIGPWR } };
    if (!s || !*s)
        return 0;
    if (s[0] >= '0' && s[0] <= '9') {
        int n = atoi(s);
        return n > 0 && n <= SIGRTMAX ? n : 0;
    }
    if (strncmp(s, "SIG", 3) == 0)
        s += 3;
    for (size_t i = 0; i < ARRAY_SIZE(sigs); i++)
        if (streq(s, sigs[i].name))
            return sigs[i].sig;
    return 0;
}

static int apply_image_config(struct ctr__config *cfg, const char *config_json)
{
    _cleanup_json_ json_object *root = NULL;
    int r = ctr__image_config_parse(config_json, &root, NULL);
    if (r < 0)
        return r;
    json_object *c;
    if (!json_object_object_get_ex(root, "config", &c) || !json_object_is_type(c, json_type_object))
        c = NULL;
    /* Entrypoint, command and healthcheck: podman's rules (data/process.c). */
    if ((r = ctr__process_image_defaults(&cfg->process, &cfg->command, c)) < 0)
        return r;
    if (!c)
        return 0;
    /* Environment: the image's, then the container's over it by key. */
    _cleanup_strv_ char **env = ctr__strv_copy(NULL);
    if (!env)
        return ctr__oom("the environment");
    if ((r = strv_from_array(c, "Env", &env)) < 0)
        return r;
    for (char **e = cfg->env; *e; e++) {
        size_t k = strcspn(*e, "=");
        bool replaced = false;
        for (char **x = env; *x && !replaced; x++)
            if (strncmp(*x, *e, k) == 0 && (*x)[k] == '=') {
                char *n = strdup(*e);
                if (!n)
                    return ctr__oom("the environment");
                free(*x);
                *x = n;
                replaced = true;
            }
        if (!replaced && ctr__strv_push(&env, *e) < 0)
            return ctr__oom("the environment");
    }
    ctr__strv_free(cfg->env);
    cfg->env = TAKE_PTR(env);
    json_object *v;
    if (!cfg->workdir && json_object_object_get_ex(c, "WorkingDir", &v) && json_object_is_type(v, json_type_string) &&
        json_object_get_string(v)[0] == '/' && !(cfg->workdir = strdup(json_object_get_string(v))))
        return ctr__oom("the working directory");
    if (!cfg->user && json_object_object_get_ex(c, "User", &v) && json_object_is_type(v, json_type_string) &&
        json_object_get_string(v)[0] && !(cfg->user = strdup(json_object_get_string(v))))
        return ctr__oom("the user");
    if (cfg->stop_signal == SIGTERM && json_object_object_get_ex(c, "StopSignal", &v) &&
        json_object_is_type(v, json_type_string)) {
        int sig = parse_signal(json_object_get_string(v));
        if (sig)
            cfg->stop_signal = sig;
    }
    json_object *labels;
    if (json_object_object_get_ex(c, "Labels", &labels) && json_object_is_type(labels, json_type_object)) {
        json_object_object_foreach(labels, k, lv)
        {
            if (!*k || strchr(k, '=') || !json_object_is_type(lv, json_type_string) || ctr__labels_get(cfg->labels, k))
                continue;
            char *kv = ctr__asprintf("%s=%s", k, json_object_get_string(lv));
            if (!kv || ctr__strv_push(&cfg->labels, kv) < 0) {
                free(kv);
                return ctr__oom("the label list");
            }
            free(kv);
        }
        if ((r = ctr__labels_normalize(cfg->labels)) < 0)
            return r;
    }
    if ((r = keys_of(c, "Volumes", &cfg->volumes)) < 0 || (r = keys_of(c, "ExposedPorts", &cfg->exposed_ports)) < 0)
        return r;
    return 0;
}

/* Add the record of container cfg over img (store lock held). */
static int add_ctr(struct ctr__store *s, const struct ctr__config *cfg, const struct ctr__image_rec *img)
{
    struct ctr__ctr_rec *v = realloc(s->ctrs, (s->n_ctrs + 2) * sizeof *v);
    if (!v)
        return ctr__oom("container record");
    s->ctrs = v;
    struct ctr__ctr_rec *c = &s->ctrs[s->n_ctrs];
    memset(c, 0, sizeof *c);
    c->id = strdup(cfg->id);
    c->image = strdup(img->id);
    c->layers = ctr__strv_copy((const char *const *)img->layers);
    c->created = cfg->created;
    s->n_ctrs++;
    s->dirty_ctrs = true;
    if (!c->id || !c->image || !c->layers)
        return ctr__oom("container record");
    return 0;
}

/* The image's config applied to cfg, the layer made and recorded (store lock held). */
static int create_locked(struct ctr__store *s, struct ctr__config *cfg, const char *image_ref)
{
    struct ctr__image_rec *img = NULL;
    _cleanup_free_ char *config = NULL;
    int r = ctr__store_find_image(s, image_ref, &img);
    if (r < 0 || (r = ctr__store_blob_read(s, img->id, &config, NULL)) < 0)
        return r;
    if (!(cfg->image_id = strdup(img->id)))
        return ctr__oom("image ID");
    if ((r = apply_image_config(cfg, config)) < 0)
        return ctr__err_keep(r, "cannot apply the image config: %s", strerror(-r));
    if ((r = ctr__layers_container_create(s, cfg->id, img)) < 0)
        return r;
    if ((r = add_ctr(s, cfg, img)) < 0 || (r = ctr__store_save(s)) < 0) {
        ctr__layers_container_delete(s, cfg->id);
        return r;
    }
    return 0;
}

int ctr__storage_container_create(const struct ctr__settings *set, struct ctr__config *cfg, const char *image_ref)
{
    _cleanup_(ctr__store_closep) struct ctr__store *s = NULL;
    int r = ctr__store_open(set, &s);
    if (r < 0 || (r = ctr__store_lock(s)) < 0)
        return r;
    r = create_locked(s, cfg, image_ref);
    ctr__store_unlock(s);
    if (r < 0)
        return ctr__err_prefix(r, "image \"%s\"", image_ref);
    return 0;
}

/* Delete container record i and its layer (store lock held). */
static int drop_ctr(struct ctr__store *s, size_t i)
{
    int r = ctr__layers_container_delete(s, s->ctrs[i].id);
    if (r < 0)
        return r;
    free(s->ctrs[i].id);
    free(s->ctrs[i].image);
    ctr__strv_free(s->ctrs[i].layers);
    s->ctrs[i] = s->ctrs[--s->n_ctrs];
    memset(&s->ctrs[s->n_ctrs], 0, sizeof s->ctrs[0]);
    s->dirty_ctrs = true;
    return 0;
}

/* Delete the record and layer of container id (store lock held). */
static int forget_locked(struct ctr__store *s, const char *id)
{
    for (size_t i = 0; i < s->n_ctrs; i++)
        if (streq(s->ctrs[i].id, id)) {
            int r = drop_ctr(s, i);
            return r < 0 ? r : ctr__store_save(s);
        }
    int r = ctr__layers_container_delete(s, id);
    return r < 0 ? r : ctr__store_save(s);
}

static int forget(const struct ctr__settings *set, const char *id)
{
    _cleanup_(ctr__store_closep) struct ctr__store *s = NULL;
    int r = ctr__store_open(set, &s);
    if (r < 0 || (r = ctr__store_lock(s)) < 0)
        return r;
    r = forget_locked(s, id);
    ctr__store_unlock(s);
    return r;
}

int ctr__storage_forget_id(const struct ctr__settings *set, const char *id)
{
    _cleanup_free_ char *dir = ctr__asprintf("%s/storage", set->root);
    if (!dir)
        return ctr__oom("path");
    return access(dir, F_OK) < 0 ? 0 : forget(set, id);
}

/* Drop the records and layers of the containers not in ids (store lock
 * held). */
static int sweep_locked(struct ctr__store *s, char *const *ids)
{
    for (size_t i = 0; i < s->n_ctrs;) {
        if (ctr__strv_contains((const char *const *)ids, s->ctrs[i].id)) {
            i++;
            continue;
        }
        int r = drop_ctr(s, i);
        if (r < 0)
            return r;
    }
    return ctr__store_save(s);
}

int ctr__storage_sweep(const struct ctr__settings *set, char *const *ids)
{
    _cleanup_free_ char *dir = ctr__asprintf("%s/storage", set->root);
    if (!dir)
        return ctr__oom("path");
    if (access(dir, F_OK) < 0)
        return 0; /* no image was ever used */
    _cleanup_(ctr__store_closep) struct ctr__store *s = NULL;
    int r = ctr__store_open(set, &s);
    if (r < 0 || (r = ctr__store_lock(s)) < 0)
        return r;
    r = sweep_locked(s, ids);
    ctr__store_gc(s);
    ctr__store_unlock(s);
    return r;
}

void ctr__storage_forget(const struct ctr__settings *set, const struct ctr__config *cfg)
{
    if (cfg->image_id)
        forget(set, cfg->id);
}

/* ---- mount counting: RUNROOT/storage/ID.mounts (gone after a reboot, like the mounts) ---- */

static int count_path(const struct ctr__settings *set, const char *id, char *buf, size_t size)
{
    int n = snprintf(buf, size, "%s/storage", set->run_root);
    if (mkdir(buf, 0700) < 0 && errno != EEXIST)
        return ctr__err(-errno, "cannot create %s: %m", buf);
    snprintf(buf + n, size - (size_t)n, "/%s.mounts", id);
    return 0;
}

static int count_read(const char *path)
{
    _cleanup_free_ char *s = NULL;
    if (ctr__read_file_at(AT_FDCWD, path, &s, NULL) < 0)
        return 0;
    int n = atoi(s);
    return n > 0 ? n : 0;
}

static int count_write(const char *path, int n)
{
    if (n <= 0)
        return unlink(path) < 0 && errno != ENOENT ? ctr__err(-errno, "cannot remove %s: %m", path) : 0;
    char buf[32];
    int len = snprintf(buf, sizeof buf, "%d", n);
    int r = ctr__write_file_at(AT_FDCWD, path, buf, (size_t)len, 0600, false);
    if (r < 0)
        return ctr__err(r, "cannot write %s: %s", path, strerror(-r));
    return 0;
}

static int rootfs_dir_check(const struct ctr__config *cfg)
{
    struct stat st;
    if (stat(cfg->rootfs, &st) < 0)
        return ctr__err(-errno, "root file system %s: %m", cfg->rootfs);
    if (!S_ISDIR(st.st_mode))
        return ctr__err(-ENOTDIR, "root file system %s is not a directory", cfg->rootfs);
    return 0;
}

/* Mount the container's layer anew (no mount counted). */
static int mount_layer(struct ctr__store *s, const struct ctr__config *cfg, const char *mount_label, char **ret_path)
{
    int r = ctr__store_lock(s);
    if (r < 0)
        return r;
    struct ctr__ctr_rec *cr = ctr__store_ctr(s, cfg->id);
    if (!cr) {
        ctr__store_unlock(s);
        return ctr__err(-ENOENT, "the storage of container %s is missing", cfg->name);
    }
    /* A mount left from before (e.g. a count lost with the run root) is replaced. */
    if (ctr__layers_container_mounted(s, cfg->id) && !s->vfs)
        ctr__layers_container_unmount(s, cfg->id);
    r = ctr__layers_container_mount(s, cr, mount_label ? mount_label : cfg->mount_label, ret_path);
    ctr__store_unlock(s);
    return r;
}

int ctr__storage_mount(const struct ctr__settings *set, const struct ctr__config *cfg, const char *mounted,
                       const char *mount_label, char **ret_path)
{
    if (cfg->rootfs) {
        int r = rootfs_dir_check(cfg);
        if (r < 0)
            return r;
        *ret_path = NULL;
        return 0;
    }
    if (!cfg->image_id)
        return ctr__err(-EOPNOTSUPP, "container %s has no root file system", cfg->name);
    char cpath[PATH_MAX];
    int r = count_path(set, cfg->id, cpath, sizeof cpath);
    if (r < 0)
        return r;
    _cleanup_(ctr__store_closep) struct ctr__store *s = NULL;
    if ((r = ctr__store_open(set, &s)) < 0)
        return r;
    int count = count_read(cpath);
    _cleanup_free_ char *path = NULL;
    if (count > 0 && mounted && ctr__layers_container_mounted(s, cfg->id)) {
        if (!(path = strdup(mounted)))
            return ctr__oom("mount point");
        if ((r = count_write(cpath, count + 1)) < 0)
            return r;
        *ret_path = TAKE_PTR(path);
        return 1;
    }
    if ((r = mount_layer(s, cfg, mount_label, &path)) < 0)
        return r;
    if ((r = count_write(cpath, 1)) < 0) {
        ctr__layers_container_unmount(s, cfg->id);
        return r;
    }
    *ret_path = TAKE_PTR(path);
    return 1;
}

int ctr__storage_unmount(const struct ctr__settings *set, const struct ctr__config *cfg, bool force)
{
    if (cfg->rootfs || !cfg->image_id)
        return 0;
    char cpath[PATH_MAX];
    int r = count_path(set, cfg->id, cpath, sizeof cpath);
    if (r < 0)
        return r;
    int count = force ? 0 : count_read(cpath) - 1;
    if (count > 0)
        return count_write(cpath, count);
    _cleanup_(ctr__store_closep) struct ctr__store *s = NULL;
    if ((r = ctr__store_open(set, &s)) < 0)
        return r;
    if ((r = ctr__layers_container_unmount(s, cfg->id)) < 0)
        return r;
    count_write(cpath, 0);
    return 1;
}

int ctr__storage_delete(const struct ctr__settings *set, const struct ctr__config *cfg)
{
    if (cfg->rootfs || !cfg->image_id)
        return 0;
    int r = ctr__storage_unmount(set, cfg, true);
    if (r < 0)
        return r;
    return forget(set, cfg->id);
}

/* ---- image volumes ---- */

/* A new volume directory starts with what the image has at its path (podman
 * copies it up). */
static int volume_fill(int root_fd, const char *volume, const char *dir)
{
    _cleanup_close_ int src = (int)ctr__openat_in_root(root_fd, volume + 1, O_RDONLY | O_DIRECTORY, 0, false);
    if (src < 0)
        return 0; /* nothing there in the image */
    _cleanup_close_ int dst = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    struct stat st;
    if (dst < 0 || fstat(src, &st) < 0)
        return 0;
    if (geteuid() == 0)
        (void)!fchown(dst, st.st_uid, st.st_gid);
    fchmod(dst, st.st_mode & 07777);
    int r = ctr__tree_copy(src, dst, false);
    if (r < 0)
        return ctr__err_prefix(r, "volume %s", volume);
    return 0;
}

/* The bind mount of dir on destination, as an OCI mount object in JSON. */
static int volume_mount_json(const char *destination, const char *dir, char **ret)
{
    _cleanup_json_ json_object *m = json_object_new_object();
    json_object *opts = json_object_new_array();
    if (!m || !opts) {
        json_object_put(opts);
        return ctr__oom("volume mount");
    }
    json_object_object_add(m, "destination", json_object_new_string(destination));
    json_object_object_add(m, "type", json_object_new_string("bind"));
    json_object_object_add(m, "source", json_object_new_string(dir));
    json_object_array_add(opts, json_object_new_string("rbind"));
    json_object_array_add(opts, json_object_new_string("rprivate"));
    json_object_object_add(m, "options", opts);
    return ctr__json_to_string(m, ret);
}

/* The directory of one volume, made and filled on first use, as a mount. */
static int volume_mount(int root_fd, const char *vdir, const char *volume, char **ret)
{
    char hex[65];
    int r = ctr__sha256_buf(volume, strlen(volume), hex);
    if (r < 0)
        return r;
    _cleanup_free_ char *dir = ctr__asprintf("%s/%.24s", vdir, hex);
    if (!dir)
        return ctr__oom("path");
    if (mkdir(dir, 0755) == 0) {
        if ((r = volume_fill(root_fd, volume, dir)) < 0)
            return r;
    } else if (errno != EEXIST) {
        return ctr__err(-errno, "cannot create %s: %m", dir);
    }
    return volume_mount_json(volume, dir, ret);
}

int ctr__storage_volume_mounts(const struct ctr__config *cfg, const char *rootfs, char ***ret)
{
    _cleanup_strv_ char **out = ctr__strv_copy(NULL);
    if (!out)
        return ctr__oom("volume mounts");
    if (!(cfg->flags & CTR_CREATE_IMAGE_VOLUMES) || !cfg->volumes[0]) {
        *ret = TAKE_PTR(out);
        return 0;
    }
    _cleanup_free_ char *vdir = ctr__asprintf("%s/volumes", cfg->static_dir);
    if (!vdir)
        return ctr__oom("path");
    if (mkdir(vdir, 0700) < 0 && errno != EEXIST)
        return ctr__err(-errno, "cannot create %s: %m", vdir);
    _cleanup_close_ int root_fd = open(rootfs, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (root_fd < 0)
        return ctr__err(-errno, "%s: %m", rootfs);
    for (char **v = cfg->volumes; *v; v++) {
        /* Since config version 2 they are volume mounts (core/volume.c). */
        if ((*v)[0] != '/' || ctr__strv_contains((const char *const *)cfg->mounts.destinations, *v))
            continue;
        _cleanup_free_ char *js = NULL;
        int r = volume_mount(root_fd, vdir, *v, &js);
        if (r < 0)
            return r;
        if (ctr__strv_push(&out, js) < 0)
            return ctr__oom("volume mounts");
    }
    *ret = TAKE_PTR(out);
    return 0;
}

/* ---- sizes, graph driver, export ---- */

static int dir_size(const char *path, int64_t *ret)
{
    _cleanup_close_ int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return ctr__err(-errno, "%s: %m", path);
    int r = ctr__tree_size(fd, ret);
    if (r < 0)
        return ctr__err(r, "cannot measure %s: %s", path, strerror(-r));
    return 0;
}

/* The bytes of the image layers under container id (store lock taken here). */
static int layers_size(struct ctr__store *s, const struct ctr__config *cfg, int64_t *ret)
{
    int r = ctr__store_lock(s);
    if (r < 0)
        return r;
    struct ctr__ctr_rec *cr = ctr__store_ctr(s, cfg->id);
    int64_t total = 0;
    for (char **l = cr ? cr->layers : NULL; l && *l; l++) {
        struct ctr__layer_rec *lr = ctr__store_layer(s, *l);
        if (lr)
            total += lr->size;
    }
    ctr__store_unlock(s);
    if (!cr)
        return ctr__err(-ENOENT, "the storage of container %s is missing", cfg->name);
    *ret = total;
    return 0;
}

int ctr__storage_sizes(const struct ctr__settings *set, const struct ctr__config *cfg, int64_t *ret_rootfs,
                       int64_t *ret_rw)
{
    if (cfg->rootfs) {
        if (ret_rw)
            *ret_rw = 0;
        return ret_rootfs ? dir_size(cfg->rootfs, ret_rootfs) : 0;
    }
    _cleanup_(ctr__store_closep) struct ctr__store *s = NULL;
    int r = ctr__store_open(set, &s);
    if (r < 0)
        return r;
    if (ret_rootfs && (r = layers_size(s, cfg, ret_rootfs)) < 0)
        return r;
    if (ret_rw) {
        _cleanup_free_ char *diff = ctr__layers_container_diff(s, cfg->id);
        if (!diff)
            return ctr__oom("path");
        return dir_size(diff, ret_rw);
    }
    return 0;
}

/* The GraphDriver object (store lock held). */
static json_object *graph_driver_locked(struct ctr__store *s, const struct ctr__config *cfg)
{
    struct ctr__ctr_rec *cr = ctr__store_ctr(s, cfg->id);
    _cleanup_json_ json_object *gd = json_object_new_object();
    if (!gd)
        return NULL;
    json_object_object_add(gd, "Name", json_object_new_string(s->vfs ? "vfs" : "overlay"));
    json_object *data = json_object_new_object();
    if (!data || json_object_object_add(gd, "Data", data) < 0) {
        json_object_put(data);
        return NULL;
    }
    _cleanup_free_ char *lower =
        ctr__store_lower_dirs(s, cr ? cr->layers : NULL, cr ? ctr__strv_len((const char *const *)cr->layers) : 0);
    if (lower && !s->vfs && *lower)
        json_object_object_add(data, "LowerDir", json_object_new_string(lower));
    char p[4200];
    snprintf(p, sizeof p, "%s/containers/%s/diff", s->dir, cfg->id);
    json_object_object_add(data, "UpperDir", json_object_new_string(p));
    if (!s->vfs) {
        snprintf(p, sizeof p, "%s/containers/%s/work", s->dir, cfg->id);
        json_object_object_add(data, "WorkDir", json_object_new_string(p));
        snprintf(p, sizeof p, "%s/containers/%s/merged", s->dir, cfg->id);
        json_object_object_add(data, "MergedDir", json_object_new_string(p));
    }
    return TAKE_PTR(gd);
}

struct json_object *ctr__storage_graph_driver(const struct ctr__settings *set, const struct ctr__config *cfg)
{
    if (!cfg->image_id)
        return NULL;
    _cleanup_(ctr__store_closep) struct ctr__store *s = NULL;
    if (ctr__store_open(set, &s) < 0 || ctr__store_lock(s) < 0) {
        ctr__err_clear();
        return NULL;
    }
    json_object *gd = graph_driver_locked(s, cfg);
    ctr__store_unlock(s);
    return gd;
}

int ctr__storage_export(const char *root, int fd)
{
    _cleanup_close_ int dfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0)
        return ctr__err(-errno, "%s: %m", root);
    return ctr__tar_create(dfd, fd, 0, NULL, NULL, NULL);
}
