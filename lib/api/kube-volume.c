/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* kube play: what a container's mount of a pod's volume is (hostPath,
 * persistentVolumeClaim, emptyDir, configMap). */
#include "api/kube-play.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "api/kube.h"
#include "base/error.h"
#include "base/json-util.h"
#include "base/util.h"

typedef json_object J;

J *ctr__kube_configmap(const struct ctr__kpod *p, const char *name)
{
    for (size_t i = 0; i < p->n_configmaps; i++) {
        J *md = NULL, *data = NULL;
        json_object_object_get_ex(p->configmaps[i], "metadata", &md);
        if (!streq_null(ctr__json_str(md, "name"), name))
            continue;
        json_object_object_get_ex(p->configmaps[i], "data", &data);
        return data ? data : md; /* a ConfigMap with no data: found, empty */
    }
    return NULL;
}

/* hostPath's types: what the path must be (S_IFMT bits), whether it is made. */
static const struct {
    const char *name;
    mode_t fmt;
    bool make;
} host_path_types[] = {
    { "Directory", S_IFDIR, false }, { "DirectoryOrCreate", S_IFDIR, true }, { "File", S_IFREG, false },
    { "FileOrCreate", S_IFREG, true }, { "Socket", S_IFSOCK, false },    { "CharDevice", S_IFCHR, false },
    { "BlockDevice", S_IFBLK, false },
};

static int host_path_make(const char *path, mode_t fmt, const char *where)
{
    if (fmt == S_IFDIR)
        return mkdir(path, 0755) < 0 && errno != EEXIST ? ctr__err(-errno, "%s: cannot make %s: %m", where, path) : 0;
    int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK, 0644);
    if (fd < 0 && errno != EISDIR && errno != ELOOP)
        return ctr__err(-errno, "%s: cannot make %s: %m", where, path);
    if (fd >= 0)
        close(fd);
    return 0;
}

/* The hostPath @path checked against @type (nothing to check without one). */
static int host_path_check(const char *path, const char *type, bool dry, const char *where)
{
    if (!type || !*type)
        return 0;
    size_t i = 0;
    while (i < ARRAY_SIZE(host_path_types) && !streq(type, host_path_types[i].name))
        i++;
    if (i == ARRAY_SIZE(host_path_types))
        return ctr__err(-EINVAL, "%s.hostPath.type: unknown: %s", where, type);
    if (dry && host_path_types[i].make)
        return 0; /* made by the play itself */
    int r = host_path_types[i].make ? host_path_make(path, host_path_types[i].fmt, where) : 0;
    struct stat st;
    if (r == 0 && stat(path, &st) < 0)
        return ctr__err(-ENOENT, "%s: %s does not exist", where, path);
    if (r == 0 && (st.st_mode & S_IFMT) != host_path_types[i].fmt)
        return ctr__err(-EINVAL, "%s: %s is not a %s", where, path, type);
    return r;
}

static int claim_volume(struct ctr__kpod *p, const char *name)
{
    if (p->dry)
        return 0;
    _cleanup_(ctr_volume_unrefp) ctr_volume_t *v = NULL;
    if (ctr_volume_lookup(p->rt, name, &v) == 0)
        return 0;
    ctr_volume_options_t vo = CTR_VOLUME_OPTIONS_INIT;
    vo.name = name;
    int r = ctr_volume_create(p->rt, &vo, NULL);
    return r < 0 ? r : ctr__strv_push(p->made_volumes, name);
}

/* The volume POD-NAME for an emptyDir that several containers share (a
 * tmpfs one of @size bytes, or none, for medium Memory), labelled to go
 * with the pod. */
static int shared_empty_dir(struct ctr__kpod *p, const char *name, const char *size, ctr_mount_t *m, bool memory)
{
    m->type = "volume";
    m->source = ctr__kdoc_printf(&p->d, "%s-%s", p->name, name);
    const char *labels[] = { ctr__kdoc_printf(&p->d, CTR__KUBE_POD_LABEL "=%s", p->name), NULL };
    const char *tmpfs[] = { "type=tmpfs", "device=tmpfs", size ? ctr__kdoc_printf(&p->d, "o=size=%s", size) : NULL,
                            NULL };
    if (!m->source || !labels[0] || (size && !tmpfs[2]))
        return -ENOMEM;
    if (p->dry)
        return 0;
    _cleanup_(ctr_volume_unrefp) ctr_volume_t *v = NULL;
    if (ctr_volume_lookup(p->rt, m->source, &v) == 0)
        return 0; /* made for the pod's first container that mounts it */
    ctr_volume_options_t vo = CTR_VOLUME_OPTIONS_INIT;
    vo.name = m->source;
    vo.labels = labels;
    vo.options = memory ? tmpfs : NULL;
    return ctr_volume_create(p->rt, &vo, NULL);
}

static int64_t volume_uses(struct ctr__kpod *p, const char *name)
{
    J *n = NULL;
    json_object_object_get_ex(p->volume_uses, name, &n);
    return n ? json_object_get_int64(n) : 0;
}

/* An emptyDir: in one container a tmpfs (medium Memory) or an anonymous
 * volume, as podman makes them; shared by several, a volume of the pod's. */
static int empty_dir_mount(struct ctr__kpod *p, J *ed, const char *name, const char *where, ctr_mount_t *m)
{
    bool memory = streq_null(ctr__json_str(ed, "medium"), "Memory");
    const char *size = ctr__json_str(ed, "sizeLimit");
    int64_t bytes = 0;
    if (size && ctr__kube_parse_quantity(size, false, &bytes) < 0)
        return ctr__err(-EINVAL, "%s.emptyDir.sizeLimit: not a quantity: %s", where, size);
    char *size_opt = size ? ctr__kdoc_printf(&p->d, "%" PRId64, bytes) : NULL;
    if (size && !size_opt)
        return -ENOMEM;
    if (volume_uses(p, name) > 1)
        return shared_empty_dir(p, name, memory ? size_opt : NULL, m, memory);
    m->type = memory ? "tmpfs" : "volume"; /* an anonymous volume goes with the container */
    if (memory && size_opt && ctr__kdoc_strv_add(&p->d, &m->options, ctr__kdoc_printf(&p->d, "size=%s", size_opt)) < 0)
        return -ENOMEM;
    return 0;
}

/* A file of a ConfigMap volume: @rel below the volume's directory @dir,
 * made with its directories (a relative path with no ".." only). */
static int write_item(int dir, const char *rel, const char *data, mode_t mode, const char *where)
{
    if (!*rel || rel[0] == '/' || strstr(rel, "..") || strstr(rel, "//"))
        return ctr__err(-EINVAL, "%s: the path %s is not a relative one without \"..\"", where, rel);
    _cleanup_free_ char *copy = strdup(rel);
    if (!copy)
        return -ENOMEM;
    for (char *slash = strchr(copy, '/'); slash; slash = strchr(slash + 1, '/')) {
        *slash = '\0';
        if (mkdirat(dir, copy, 0755) < 0 && errno != EEXIST)
            return ctr__err(-errno, "%s: cannot make %s: %m", where, copy);
        *slash = '/';
    }
    _cleanup_close_ int fd = openat(dir, rel, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, mode);
    size_t len = strlen(data);
    if (fd < 0 || write(fd, data, len) != (ssize_t)len || fchmod(fd, mode) < 0)
        return ctr__err(-errno ? -errno : -EIO, "%s: cannot write %s: %m", where, rel);
    return 0;
}

/* The ConfigMap's keys (or the items asked for) as files in @dir. */
static int write_configmap(J *data, J *items, int dir, mode_t mode, const char *where)
{
    if (!json_object_is_type(items, json_type_array)) {
        json_object_object_foreach(data, key, value)
        {
            int r = json_object_is_type(value, json_type_string)
                        ? write_item(dir, key, json_object_get_string(value), mode, where)
                        : 0;
            if (r < 0)
                return r;
        }
        return 0;
    }
    for (size_t i = 0; i < json_object_array_length(items); i++) {
        J *it = json_object_array_get_idx(items, i), *v = NULL;
        const char *key = ctr__json_str(it, "key"), *path = ctr__json_str(it, "path");
        if (!key || !json_object_object_get_ex(data, key, &v) || !json_object_is_type(v, json_type_string))
            return ctr__err(-EINVAL, "%s.configMap.items[%zu]: no key %s in the ConfigMap", where, i, key ? key : "(none)");
        int r = write_item(dir, path ? path : key, json_object_get_string(v), mode, where);
        if (r < 0)
            return r;
    }
    return 0;
}

/* A configMap volume: a volume of the pod's (POD-NAME) holding the
 * ConfigMap's keys as files, mounted read-only as Kubernetes mounts it. */
static int configmap_mount(struct ctr__kpod *p, J *cm, const char *name, const char *where, ctr_mount_t *m)
{
    const char *cm_name = ctr__json_str(cm, "name");
    J *data = cm_name ? ctr__kube_configmap(p, cm_name) : NULL, *opt = NULL, *mode = NULL, *items = NULL;
    json_object_object_get_ex(cm, "optional", &opt);
    json_object_object_get_ex(cm, "defaultMode", &mode);
    json_object_object_get_ex(cm, "items", &items);
    if (!data && !json_object_get_boolean(opt))
        return ctr__err(-EINVAL, "%s.configMap.name: no ConfigMap %s", where, cm_name ? cm_name : "(none)");
    int r = shared_empty_dir(p, name, NULL, m, false);
    if (r == 0)
        r = ctr__kdoc_strv_add(&p->d, &m->options, "ro");
    _cleanup_(ctr_volume_unrefp) ctr_volume_t *v = NULL;
    if (r == 0 && !p->dry)
        r = ctr_volume_lookup(p->rt, m->source, &v);
    if (r < 0 || !data || p->dry)
        return r;
    _cleanup_close_ int dir = open(ctr_volume_mountpoint(v), O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
    if (dir < 0)
        return ctr__err(-errno, "%s: the volume %s: %m", where, m->source);
    int64_t bits = mode ? json_object_get_int64(mode) : 0644;
    return write_configmap(data, items, dir, (mode_t)(bits & 07777), where);
}

int ctr__kube_volume_mount(struct ctr__kpod *p, J *vol, const char *name, const char *where, ctr_mount_t *m)
{
    J *hp = NULL, *pvc = NULL, *ed = NULL, *cm = NULL;
    json_object_object_get_ex(vol, "configMap", &cm);
    json_object_object_get_ex(vol, "hostPath", &hp);
    json_object_object_get_ex(vol, "persistentVolumeClaim", &pvc);
    json_object_object_get_ex(vol, "emptyDir", &ed);
    if (hp) {
        m->type = "bind";
        m->source = ctr__arena_strdup(p->d.arena, ctr__json_str(hp, "path"));
        if (!m->source || m->source[0] != '/')
            return ctr__err(-EINVAL, "%s.hostPath.path: an absolute path expected", where);
        return host_path_check(m->source, ctr__json_str(hp, "type"), p->dry, where);
    }
    if (pvc) {
        m->type = "volume";
        m->source = ctr__arena_strdup(p->d.arena, ctr__json_str(pvc, "claimName"));
        if (!m->source)
            return ctr__err(-EINVAL, "%s.persistentVolumeClaim.claimName: missing", where);
        J *ro = NULL;
        if (json_object_object_get_ex(pvc, "readOnly", &ro) && json_object_get_boolean(ro) &&
            ctr__kdoc_strv_add(&p->d, &m->options, "ro") < 0)
            return -ENOMEM;
        return claim_volume(p, m->source);
    }
    if (ed)
        return empty_dir_mount(p, ed, name, where, m);
    if (cm)
        return configmap_mount(p, cm, name, where, m);
    return ctr__err(-EINVAL, "%s: a hostPath, persistentVolumeClaim, emptyDir or configMap volume expected", where);
}

