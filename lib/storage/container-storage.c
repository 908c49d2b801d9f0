/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Container storage: the hooks the container and lifecycle code call.  A
 * container made from a rootfs directory uses it as is; one made from an
 * image gets a layer of its own over the image's layers (lib/storage/). */
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <signal.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include "error.h"
#include "json-util.h"
#include "storage/storage.h"
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
            return -ENOMEM;
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
            return -ENOMEM;
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
    if (!cfg->command[0]) {
        _cleanup_strv_ char **cmd = ctr__strv_copy(NULL);
        if (!cmd)
            return -ENOMEM;
        if (c && ((r = strv_from_array(c, "Entrypoint", &cmd)) < 0 || (r = strv_from_array(c, "Cmd", &cmd)) < 0))
            return r;
        if (!cmd[0] && ctr__strv_push(&cmd, "/bin/sh") < 0)
            return -ENOMEM;
        ctr__strv_free(cfg->command);
        cfg->command = TAKE_PTR(cmd);
    }
    if (!c)
        return 0;
    /* Environment: the image's, then the container's over it by key. */
    _cleanup_strv_ char **env = ctr__strv_copy(NULL);
    if (!env || (r = strv_from_array(c, "Env", &env)) < 0)
        return -ENOMEM;
    for (char **e = cfg->env; *e; e++) {
        size_t k = strcspn(*e, "=");
        bool replaced = false;
        for (char **x = env; *x && !replaced; x++)
            if (strncmp(*x, *e, k) == 0 && (*x)[k] == '=') {
                char *n = strdup(*e);
                if (!n)
                    return -ENOMEM;
                free(*x);
                *x = n;
                replaced = true;
            }
        if (!replaced && ctr__strv_push(&env, *e) < 0)
            return -ENOMEM;
    }
    ctr__strv_free(cfg->env);
    cfg->env = TAKE_PTR(env);
    json_object *v;
    if (!cfg->workdir && json_object_object_get_ex(c, "WorkingDir", &v) && json_object_is_type(v, json_type_string) &&
        json_object_get_string(v)[0] == '/' && !(cfg->workdir = strdup(json_object_get_string(v))))
        return -ENOMEM;
    if (!cfg->user && json_object_object_get_ex(c, "User", &v) && json_object_is_type(v, json_type_string) &&
        json_object_get_string(v)[0] && !(cfg->user = strdup(json_object_get_string(v))))
        return -ENOMEM;
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
                return -ENOMEM;
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

int ctr__storage_container_create(ctr_runtime_t *rt, struct ctr__config *cfg, const char *image_ref)
{
    _cleanup_(ctr__store_closep) struct ctr__store *s = NULL;
    int r = ctr__store_open(ctr__runtime_settings(rt), &s);
    if (r < 0)
        return r;
    if ((r = ctr__store_lock(s)) < 0)
        return r;
    struct ctr__image_rec *img = NULL;
    _cleanup_free_ char *config = NULL;
    r = ctr__store_find_image(s, image_ref, &img);
    if (r == 0)
        r = ctr__store_blob_read(s, img->id, &config, NULL);
    if (r == 0 && !(cfg->image_id = strdup(img->id)))
        r = -ENOMEM;
    if (r == 0)
        r = apply_image_config(cfg, config);
    if (r == 0)
        r = ctr__layers_container_create(s, cfg->id, img);
    if (r == 0) {
        struct ctr__ctr_rec *v = realloc(s->ctrs, (s->n_ctrs + 2) * sizeof *v);
        if (!v) {
            r = -ENOMEM;
        } else {
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
                r = -ENOMEM;
        }
        if (r == 0)
            r = ctr__store_save(s);
        if (r < 0)
            ctr__layers_container_delete(s, cfg->id);
    }
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

static int forget(ctr_runtime_t *rt, const char *id)
{
    _cleanup_(ctr__store_closep) struct ctr__store *s = NULL;
    int r = ctr__store_open(ctr__runtime_settings(rt), &s);
    if (r < 0 || (r = ctr__store_lock(s)) < 0)
        return r;
    bool found = false;
    for (size_t i = 0; r == 0 && i < s->n_ctrs && !found; i++)
        if ((found = streq(s->ctrs[i].id, id)))
            r = drop_ctr(s, i);
    if (r == 0 && !found)
        r = ctr__layers_container_delete(s, id);
    if (r == 0)
        r = ctr__store_save(s);
    ctr__store_unlock(s);
    return r;
}

int ctr__storage_sweep(ctr_runtime_t *rt, char *const *ids)
{
    _cleanup_free_ char *dir = ctr__asprintf("%s/storage", ctr__runtime_settings(rt)->root);
    if (!dir)
        return -ENOMEM;
    if (access(dir, F_OK) < 0)
        return 0; /* no image was ever used */
    _cleanup_(ctr__store_closep) struct ctr__store *s = NULL;
    int r = ctr__store_open(ctr__runtime_settings(rt), &s);
    if (r < 0 || (r = ctr__store_lock(s)) < 0)
        return r;
    for (size_t i = 0; r == 0 && i < s->n_ctrs;) {
        if (ctr__strv_contains((const char *const *)ids, s->ctrs[i].id))
            i++;
        else
            r = drop_ctr(s, i);
    }
    if (r == 0)
        r = ctr__store_save(s);
    ctr__store_gc(s);
    ctr__store_unlock(s);
    return r;
}

void ctr__storage_forget(ctr_runtime_t *rt, const struct ctr__config *cfg)
{
    if (cfg->image_id)
        forget(rt, cfg->id);
}

/* ---- mount counting: RUNROOT/storage/ID.mounts (gone after a reboot, like the mounts) ---- */

static int count_path(ctr_container_t *c, char *buf, size_t size)
{
    int n = snprintf(buf, size, "%s/storage", ctr__runtime_settings(c->rt)->run_root);
    if (mkdir(buf, 0700) < 0 && errno != EEXIST)
        return ctr__err(-errno, "cannot create %s: %m", buf);
    snprintf(buf + n, size - (size_t)n, "/%s.mounts", c->cfg->id);
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
        return unlink(path) < 0 && errno != ENOENT ? -errno : 0;
    char buf[32];
    int len = snprintf(buf, sizeof buf, "%d", n);
    return ctr__write_file_at(AT_FDCWD, path, buf, (size_t)len, 0600, false);
}

static int rootfs_dir_check(ctr_container_t *c)
{
    struct stat st;
    if (stat(c->cfg->rootfs, &st) < 0)
        return ctr__err(-errno, "root file system %s: %m", c->cfg->rootfs);
    if (!S_ISDIR(st.st_mode))
        return ctr__err(-ENOTDIR, "root file system %s is not a directory", c->cfg->rootfs);
    return 0;
}

int ctr__storage_mount(ctr_container_t *c, const char *mount_label, const char **ret_path)
{
    if (c->cfg->rootfs) {
        int r = rootfs_dir_check(c);
        if (r < 0)
            return r;
        *ret_path = c->cfg->rootfs;
        return 0;
    }
    if (!c->cfg->image_id)
        return ctr__err(-EOPNOTSUPP, CTR_CFMT " has no root file system", CTR_CARG(c));
    char cpath[PATH_MAX];
    int r = count_path(c, cpath, sizeof cpath);
    if (r < 0)
        return r;
    _cleanup_(ctr__store_closep) struct ctr__store *s = NULL;
    if ((r = ctr__store_open(ctr__runtime_settings(c->rt), &s)) < 0)
        return r;
    int count = count_read(cpath);
    if (count > 0 && c->st.mount_point && ctr__layers_container_mounted(s, c->cfg->id)) {
        if ((r = count_write(cpath, count + 1)) < 0)
            return ctr__err(r, "cannot write %s: %s", cpath, strerror(-r));
        *ret_path = c->st.mount_point;
        return 0;
    }
    if ((r = ctr__store_lock(s)) < 0)
        return r;
    struct ctr__ctr_rec *cr = ctr__store_ctr(s, c->cfg->id);
    _cleanup_free_ char *path = NULL;
    if (!cr)
        r = ctr__err(-ENOENT, "the storage of " CTR_CFMT " is missing", CTR_CARG(c));
    else {
        /* A mount left from before (e.g. a count lost with the run root) is replaced. */
        if (ctr__layers_container_mounted(s, c->cfg->id) && !s->vfs)
            ctr__layers_container_unmount(s, c->cfg->id);
        r = ctr__layers_container_mount(s, cr, mount_label ? mount_label : c->cfg->mount_label, &path);
    }
    ctr__store_unlock(s);
    if (r < 0)
        return r;
    if ((r = count_write(cpath, 1)) < 0) {
        ctr__layers_container_unmount(s, c->cfg->id);
        return ctr__err(r, "cannot write %s: %s", cpath, strerror(-r));
    }
    free(c->st.mount_point);
    c->st.mount_point = TAKE_PTR(path);
    c->st.mounted = true;
    *ret_path = c->st.mount_point;
    return 0;
}

int ctr__storage_unmount(ctr_container_t *c, bool force)
{
    if (c->cfg->rootfs || !c->cfg->image_id)
        return 0;
    char cpath[PATH_MAX];
    int r = count_path(c, cpath, sizeof cpath);
    if (r < 0)
        return r;
    int count = count_read(cpath);
    count = force ? 0 : count - 1;
    if (count > 0)
        return count_write(cpath, count);
    _cleanup_(ctr__store_closep) struct ctr__store *s = NULL;
    if ((r = ctr__store_open(ctr__runtime_settings(c->rt), &s)) < 0)
        return r;
    if ((r = ctr__layers_container_unmount(s, c->cfg->id)) < 0)
        return r;
    count_write(cpath, 0);
    c->st.mounted = false;
    free(c->st.mount_point);
    c->st.mount_point = NULL;
    return 0;
}

int ctr__storage_delete(ctr_container_t *c)
{
    if (c->cfg->rootfs || !c->cfg->image_id)
        return 0;
    int r = ctr__storage_unmount(c, true);
    if (r < 0)
        return r;
    return forget(c->rt, c->cfg->id);
}

/* ---- image volumes ---- */

int ctr__storage_volume_mounts(ctr_container_t *c, const char *rootfs, char ***ret)
{
    _cleanup_strv_ char **out = ctr__strv_copy(NULL);
    if (!out)
        return -ENOMEM;
    if (!(c->cfg->flags & CTR_CREATE_IMAGE_VOLUMES) || !c->cfg->volumes[0]) {
        *ret = TAKE_PTR(out);
        return 0;
    }
    _cleanup_free_ char *vdir = ctr__asprintf("%s/volumes", c->cfg->static_dir);
    if (!vdir)
        return -ENOMEM;
    if (mkdir(vdir, 0700) < 0 && errno != EEXIST)
        return ctr__err(-errno, "cannot create %s: %m", vdir);
    _cleanup_close_ int root_fd = open(rootfs, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (root_fd < 0)
        return ctr__err(-errno, "%s: %m", rootfs);
    for (char **v = c->cfg->volumes; *v; v++) {
        if ((*v)[0] != '/')
            continue;
        char hex[65];
        int r = ctr__sha256_buf(*v, strlen(*v), hex);
        if (r < 0)
            return r;
        _cleanup_free_ char *dir = ctr__asprintf("%s/%.24s", vdir, hex);
        if (!dir)
            return -ENOMEM;
        if (mkdir(dir, 0755) == 0) {
            /* New: start with what the image has there (podman copies it up). */
            long src = ctr__openat_in_root(root_fd, *v + 1, O_RDONLY | O_DIRECTORY, 0, false);
            if (src >= 0) {
                _cleanup_close_ int dst = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
                struct stat st;
                if (dst >= 0 && fstat((int)src, &st) == 0) {
                    if (geteuid() == 0)
                        (void)!fchown(dst, st.st_uid, st.st_gid);
                    fchmod(dst, st.st_mode & 07777);
                    r = ctr__tree_copy((int)src, dst, false);
                }
                close((int)src);
                if (r < 0)
                    return ctr__err_prefix(r, "volume %s", *v);
            }
        } else if (errno != EEXIST) {
            return ctr__err(-errno, "cannot create %s: %m", dir);
        }
        _cleanup_json_ json_object *m = json_object_new_object();
        json_object *opts = json_object_new_array();
        if (!m || !opts) {
            json_object_put(opts);
            return -ENOMEM;
        }
        json_object_object_add(m, "destination", json_object_new_string(*v));
        json_object_object_add(m, "type", json_object_new_string("bind"));
        json_object_object_add(m, "source", json_object_new_string(dir));
        json_object_array_add(opts, json_object_new_string("rbind"));
        json_object_array_add(opts, json_object_new_string("rprivate"));
        json_object_object_add(m, "options", opts);
        _cleanup_free_ char *js = NULL;
        if ((r = ctr__json_to_string(m, &js)) < 0 || (r = ctr__strv_push(&out, js)) < 0)
            return r;
    }
    *ret = TAKE_PTR(out);
    return 0;
}
