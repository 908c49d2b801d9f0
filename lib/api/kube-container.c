/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* kube play: one Kubernetes container as ctr_container_options_t. */
#include "api/kube-play.h"

#include <errno.h>
#include <inttypes.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "api/kube.h"
#include "base/error.h"
#include "base/json-util.h"
#include "base/util.h"

typedef json_object J;

/* ---- image, command ---- */

static int take_image(struct ctr__kpod *p, J *k, const char *path, ctr_container_options_t *o, ctr_image_t **img)
{
    const char *policy = NULL;
    int r = ctr__kdoc_str(&p->d, k, path, "image", &o->image);
    if (r == 0)
        r = ctr__kdoc_str(&p->d, k, path, "imagePullPolicy", &policy);
    if (r < 0)
        return r;
    if (!o->image || !*o->image)
        return ctr__err(-EINVAL, "%s.image: missing", path);
    ctr_registry_options_t ro = CTR_REGISTRY_OPTIONS_INIT;
    if (!policy || streq(policy, "IfNotPresent"))
        ro.pull_policy = CTR_PULL_MISSING;
    else if (streq(policy, "Always"))
        ro.pull_policy = CTR_PULL_ALWAYS;
    else if (streq(policy, "Never"))
        ro.pull_policy = CTR_PULL_NEVER;
    else
        return ctr__err(-EINVAL, "%s.imagePullPolicy: Always, IfNotPresent or Never, not %s", path, policy);
    return p->dry ? 0 : ctr_image_pull_policy(p->rt, o->image, &ro, img);
}

/* Whether the image has an entrypoint (an unreadable config: as if it had). */
static bool image_has_entrypoint(ctr_image_t *img)
{
    _cleanup_free_ char *text = NULL;
    _cleanup_json_ J *doc = NULL;
    if (ctr_image_config_json(img, &text) < 0 || ctr__json_parse(text, "the image's config", &doc) < 0)
        return true;
    J *config = NULL, *entry = NULL;
    json_object_object_get_ex(doc, "config", &config);
    json_object_object_get_ex(config, "Entrypoint", &entry);
    return json_object_is_type(entry, json_type_array) && json_object_array_length(entry) > 0;
}

/* Kubernetes' command replaces the entrypoint (and then the image's cmd is
 * not used), args the cmd: as libctr's entrypoint and command. */
static int take_command(struct ctr__kpod *p, J *k, const char *path, ctr_image_t *img, ctr_container_options_t *o)
{
    const char *const *command = NULL, *const *args = NULL;
    int r = ctr__kdoc_strv(&p->d, k, path, "command", &command);
    if (r == 0)
        r = ctr__kdoc_strv(&p->d, k, path, "args", &args);
    if (r < 0)
        return r;
    if (command && command[0] && !(args && args[0]) && img && !image_has_entrypoint(img)) {
        o->command = command; /* the same process, kept as podman's kube generate read it: a command */
        return 0;
    }
    o->entrypoint = command;
    o->command = args && args[0] ? args : NULL;
    return 0;
}

/* ---- env ---- */

static int configmap_value(struct ctr__kpod *p, J *ref, const char *path, const char **ret)
{
    const char *name = NULL, *key = NULL;
    bool optional = false, present;
    int r = ctr__kdoc_str(&p->d, ref, path, "name", &name);
    if (r == 0)
        r = ctr__kdoc_str(&p->d, ref, path, "key", &key);
    if (r == 0)
        r = ctr__kdoc_bool(&p->d, ref, path, "optional", &optional, &present);
    if (r < 0)
        return r;
    if (!name || !key)
        return ctr__err(-EINVAL, "%s: name and key are needed", path);
    J *data = ctr__kube_configmap(p, name), *v = NULL;
    if (data && json_object_object_get_ex(data, key, &v) && json_object_is_type(v, json_type_string)) {
        *ret = json_object_get_string(v);
        return 0;
    }
    *ret = NULL;
    return optional ? 0 : ctr__err(-EINVAL, "%s: no key %s in a ConfigMap %s", path, key, name);
}

static int field_value(struct ctr__kpod *p, J *ref, const char *path, const char **ret)
{
    const char *field = NULL, *api = NULL;
    int r = ctr__kdoc_str(&p->d, ref, path, "fieldPath", &field);
    if (r == 0)
        r = ctr__kdoc_str(&p->d, ref, path, "apiVersion", &api);
    if (r < 0)
        return r;
    if (streq_null(field, "metadata.name"))
        *ret = p->name;
    else if (streq_null(field, "status.podIP") || streq_null(field, "status.podIPs"))
        *ret = p->pod_ip ? p->pod_ip : "";
    else
        return ctr__err(-EINVAL, "%s.fieldPath: metadata.name or status.podIP, not %s", path, field ? field : "nothing");
    return 0;
}

static int value_from(struct ctr__kpod *p, J *from, const char *path, const char **ret)
{
    char sub[CTR__KPATH_MAX];
    _cleanup_json_ J *cm = NULL, *field = NULL;
    int r = ctr__kdoc_object(from, path, "configMapKeyRef", &cm);
    if (r == 0)
        r = ctr__kdoc_object(from, path, "fieldRef", &field);
    if (r < 0)
        return r;
    if (cm) {
        ctr__kdoc_path(sub, "%s.configMapKeyRef", path);
        r = configmap_value(p, cm, sub, ret);
        return r < 0 ? r : ctr__kdoc_leftovers(&p->d, cm, sub);
    }
    if (field) {
        ctr__kdoc_path(sub, "%s.fieldRef", path);
        r = field_value(p, field, sub, ret);
        return r < 0 ? r : ctr__kdoc_leftovers(&p->d, field, sub);
    }
    *ret = NULL;
    return ctr__kdoc_leftovers(&p->d, from, path); /* secretKeyRef, resourceFieldRef */
}

static int env_entry(struct ctr__kpod *p, J *e, const char *path, const char *const **env)
{
    const char *name = NULL, *value = NULL;
    _cleanup_json_ J *from = NULL;
    int r = ctr__kdoc_str(&p->d, e, path, "name", &name);
    if (r == 0)
        r = ctr__kdoc_str(&p->d, e, path, "value", &value);
    if (r == 0)
        r = ctr__kdoc_object(e, path, "valueFrom", &from);
    if (r < 0)
        return r;
    if (!name || !*name)
        return ctr__err(-EINVAL, "%s.name: missing", path);
    char sub[CTR__KPATH_MAX];
    ctr__kdoc_path(sub, "%s.valueFrom", path);
    if (from && (r = value_from(p, from, sub, &value)) < 0)
        return r;
    if (from && !value)
        return 0; /* an optional key that is not there: no variable */
    char *kv = ctr__kdoc_printf(&p->d, "%s=%s", name, value ? value : "");
    return kv ? ctr__kdoc_strv_add(&p->d, env, kv) : -ENOMEM;
}

static int env_from_entry(struct ctr__kpod *p, J *e, const char *path, const char *const **env)
{
    _cleanup_json_ J *ref = NULL;
    const char *prefix = NULL, *name = NULL;
    bool optional = false, present;
    char sub[CTR__KPATH_MAX];
    ctr__kdoc_path(sub, "%s.configMapRef", path);
    int r = ctr__kdoc_str(&p->d, e, path, "prefix", &prefix);
    if (r == 0)
        r = ctr__kdoc_object(e, path, "configMapRef", &ref);
    if (r == 0 && ref)
        r = ctr__kdoc_str(&p->d, ref, sub, "name", &name);
    if (r == 0 && ref)
        r = ctr__kdoc_bool(&p->d, ref, sub, "optional", &optional, &present);
    if (r < 0 || !ref)
        return r;
    J *data = ctr__kube_configmap(p, name);
    if (!data)
        return optional ? 0 : ctr__err(-EINVAL, "%s.name: no ConfigMap %s", sub, name ? name : "(none)");
    json_object_object_foreach(data, key, v)
    {
        char *kv = json_object_is_type(v, json_type_string)
                       ? ctr__kdoc_printf(&p->d, "%s%s=%s", prefix ? prefix : "", key, json_object_get_string(v))
                       : NULL;
        if (json_object_is_type(v, json_type_string) && (!kv || ctr__kdoc_strv_add(&p->d, env, kv) < 0))
            return -ENOMEM;
    }
    return ctr__kdoc_leftovers(&p->d, ref, sub);
}

typedef int (*entry_fn)(struct ctr__kpod *p, J *e, const char *path, const char *const **env);

static int take_list(struct ctr__kpod *p, J *k, const char *path, const char *key, entry_fn fn,
                     const char *const **acc)
{
    _cleanup_json_ J *arr = NULL;
    int r = ctr__kdoc_array(k, path, key, &arr);
    for (size_t i = 0; r == 0 && arr && i < json_object_array_length(arr); i++) {
        char sub[CTR__KPATH_MAX];
        ctr__kdoc_path(sub, "%s.%s[%zu]", path, key, i);
        J *e = json_object_array_get_idx(arr, i);
        r = json_object_is_type(e, json_type_object) ? fn(p, e, sub, acc) : ctr__err(-EINVAL, "%s: a mapping expected", sub);
        if (r == 0)
            r = ctr__kdoc_leftovers(&p->d, e, sub);
    }
    return r;
}

static int take_env(struct ctr__kpod *p, J *k, const char *path, ctr_container_options_t *o)
{
    const char *const *env = NULL;
    int r = take_list(p, k, path, "envFrom", env_from_entry, &env);
    if (r == 0)
        r = take_list(p, k, path, "env", env_entry, &env);
    o->env = env;
    return r;
}

/* ---- resources ---- */

static int take_limits(struct ctr__kpod *p, J *limits, const char *path, bool requests, ctr_container_options_t *o)
{
    const char *mem = NULL, *cpu = NULL;
    int64_t v;
    int r = ctr__kdoc_str(&p->d, limits, path, "memory", &mem);
    if (r == 0 && !requests)
        r = ctr__kdoc_str(&p->d, limits, path, "cpu", &cpu);
    if (r < 0)
        return r;
    if (mem && ctr__kube_parse_quantity(mem, false, &v) < 0)
        return ctr__err(-EINVAL, "%s.memory: not a quantity: %s", path, mem);
    if (mem)
        *(requests ? &o->memory_reservation : &o->memory) = v;
    if (cpu && ctr__kube_parse_quantity(cpu, true, &v) < 0)
        return ctr__err(-EINVAL, "%s.cpu: not a quantity: %s", path, cpu);
    if (cpu)
        o->nano_cpus = v * 1000000;
    return ctr__kdoc_leftovers(&p->d, limits, path);
}

static int take_resources(struct ctr__kpod *p, J *k, const char *path, ctr_container_options_t *o)
{
    _cleanup_json_ J *res = NULL, *limits = NULL, *requests = NULL;
    char sub[CTR__KPATH_MAX];
    int r = ctr__kdoc_object(k, path, "resources", &res);
    if (r < 0 || !res)
        return r;
    ctr__kdoc_path(sub, "%s.resources", path);
    r = ctr__kdoc_object(res, sub, "limits", &limits);
    if (r == 0)
        r = ctr__kdoc_object(res, sub, "requests", &requests);
    if (r < 0)
        return r;
    ctr__kdoc_path(sub, "%s.resources.limits", path);
    if (limits && (r = take_limits(p, limits, sub, false, o)) < 0)
        return r;
    ctr__kdoc_path(sub, "%s.resources.requests", path);
    if (requests && (r = take_limits(p, requests, sub, true, o)) < 0)
        return r;
    ctr__kdoc_path(sub, "%s.resources", path);
    return ctr__kdoc_leftovers(&p->d, res, sub);
}

/* ---- securityContext ---- */

static int take_caps(struct ctr__kpod *p, J *sc, const char *path, ctr_container_options_t *o)
{
    _cleanup_json_ J *caps = NULL;
    char sub[CTR__KPATH_MAX];
    int r = ctr__kdoc_object(sc, path, "capabilities", &caps);
    if (r < 0 || !caps)
        return r;
    ctr__kdoc_path(sub, "%s.capabilities", path);
    r = ctr__kdoc_strv(&p->d, caps, sub, "add", &o->cap_add);
    if (r == 0)
        r = ctr__kdoc_strv(&p->d, caps, sub, "drop", &o->cap_drop);
    return r < 0 ? r : ctr__kdoc_leftovers(&p->d, caps, sub);
}

static int take_user(struct ctr__kpod *p, J *sc, const char *path, ctr_container_options_t *o)
{
    int64_t uid = p->run_as_user, gid = p->run_as_group, v;
    bool present;
    int r = ctr__kdoc_int(&p->d, sc, path, "runAsUser", &v, &present);
    if (r == 0 && present)
        uid = v;
    if (r == 0)
        r = ctr__kdoc_int(&p->d, sc, path, "runAsGroup", &v, &present);
    if (r == 0 && present)
        gid = v;
    if (r < 0)
        return r;
    if (uid < -1 || gid < -1 || uid > UINT32_MAX || gid > UINT32_MAX)
        return ctr__err(-EINVAL, "%s: runAsUser and runAsGroup are IDs from 0", path);
    if (uid >= 0 && gid >= 0)
        o->user = ctr__kdoc_printf(&p->d, "%" PRId64 ":%" PRId64, uid, gid);
    else if (uid >= 0)
        o->user = ctr__kdoc_printf(&p->d, "%" PRId64, uid);
    else if (gid >= 0)
        o->user = ctr__kdoc_printf(&p->d, "0:%" PRId64, gid);
    return (uid >= 0 || gid >= 0) && !o->user ? -ENOMEM : 0;
}

static int take_security(struct ctr__kpod *p, J *k, const char *path, ctr_container_options_t *o)
{
    _cleanup_json_ J *sc = NULL;
    char sub[CTR__KPATH_MAX];
    int r = ctr__kdoc_object(k, path, "securityContext", &sc);
    if (r < 0)
        return r;
    if (!sc)
        sc = json_object_new_object();
    if (!sc)
        return -ENOMEM;
    ctr__kdoc_path(sub, "%s.securityContext", path);
    bool v, present;
    r = ctr__kdoc_bool(&p->d, sc, sub, "privileged", &v, &present);
    if (r == 0 && present && v)
        o->flags |= CTR_CREATE_PRIVILEGED;
    if (r == 0)
        r = ctr__kdoc_bool(&p->d, sc, sub, "readOnlyRootFilesystem", &v, &present);
    if (r == 0 && present && v)
        o->flags |= CTR_CREATE_READ_ONLY;
    if (r == 0)
        r = ctr__kdoc_bool(&p->d, sc, sub, "allowPrivilegeEscalation", &v, &present);
    if (r == 0 && present && !v)
        o->flags |= CTR_CREATE_NO_NEW_PRIVS;
    if (r == 0)
        r = take_caps(p, sc, sub, o);
    if (r == 0)
        r = take_user(p, sc, sub, o);
    return r < 0 ? r : ctr__kdoc_leftovers(&p->d, sc, sub);
}

/* ---- volume mounts ---- */

static J *find_volume(struct ctr__kpod *p, const char *name)
{
    J *v = NULL;
    json_object_object_get_ex(p->volumes, name, &v);
    return v;
}

static int mount_entry(struct ctr__kpod *p, J *e, const char *path, ctr_mount_t *m)
{
    const char *name = NULL, *sub_path = NULL;
    bool ro = false, present;
    int r = ctr__kdoc_str(&p->d, e, path, "name", &name);
    if (r == 0)
        r = ctr__kdoc_str(&p->d, e, path, "mountPath", &m->destination);
    if (r == 0)
        r = ctr__kdoc_bool(&p->d, e, path, "readOnly", &ro, &present);
    if (r == 0)
        r = ctr__kdoc_str(&p->d, e, path, "subPath", &sub_path);
    if (r < 0)
        return r;
    J *vol = name ? find_volume(p, name) : NULL;
    if (!vol)
        return ctr__err(-EINVAL, "%s.name: no volume %s in spec.volumes", path, name ? name : "(none)");
    if (!m->destination)
        return ctr__err(-EINVAL, "%s.mountPath: missing", path);
    char where[CTR__KPATH_MAX];
    ctr__kdoc_path(where, "spec.volumes[%s]", name);
    r = ctr__kube_volume_mount(p, vol, name, where, m);
    if (r == 0 && sub_path && streq(m->type, "bind"))
        m->source = ctr__kdoc_printf(&p->d, "%s/%s", m->source, sub_path);
    else if (r == 0 && sub_path)
        r = ctr__kdoc_warn(&p->d, "%s.subPath: not supported for this volume", path);
    if (r == 0 && ro)
        r = ctr__kdoc_strv_add(&p->d, &m->options, "ro");
    return r == 0 && !m->source && streq(m->type, "bind") ? -ENOMEM : r;
}

static int take_mounts(struct ctr__kpod *p, J *k, const char *path, ctr_container_options_t *o)
{
    _cleanup_json_ J *arr = NULL;
    int r = ctr__kdoc_array(k, path, "volumeMounts", &arr);
    if (r < 0 || !arr)
        return r;
    size_t n = json_object_array_length(arr);
    ctr_mount_t *mounts = ctr__arena_alloc(p->d.arena, (n + 1) * sizeof(*mounts));
    if (!mounts)
        return -ENOMEM;
    for (size_t i = 0; r == 0 && i < n; i++) {
        char sub[CTR__KPATH_MAX];
        ctr__kdoc_path(sub, "%s.volumeMounts[%zu]", path, i);
        J *e = json_object_array_get_idx(arr, i);
        r = json_object_is_type(e, json_type_object) ? mount_entry(p, e, sub, &mounts[i])
                                                      : ctr__err(-EINVAL, "%s: a mapping expected", sub);
        if (r == 0)
            r = ctr__kdoc_leftovers(&p->d, e, sub);
    }
    o->mounts = mounts;
    o->n_mounts = n;
    return r;
}

/* ---- the rest ---- */

/* podman's annotation KEY/NAME for container @name: "true" or "TRUE". */
static bool podman_flag(struct ctr__kpod *p, const char *key, const char *name)
{
    char full[CTR__KPATH_MAX];
    ctr__kdoc_path(full, "%s/%s", key, name);
    J *v = NULL;
    json_object_object_get_ex(p->podman_annotations, full, &v);
    return v && strcasecmp(json_object_get_string(v), "true") == 0;
}

static int take_flags(struct ctr__kpod *p, J *k, const char *path, const char *name, ctr_container_options_t *o)
{
    bool v, present;
    int r = ctr__kdoc_bool(&p->d, k, path, "stdin", &v, &present);
    if (r == 0 && present && v)
        o->flags |= CTR_CREATE_STDIN;
    if (r == 0)
        r = ctr__kdoc_bool(&p->d, k, path, "tty", &v, &present);
    if (r == 0 && ((present && v) || podman_flag(p, CTR__KUBE_ANN_TTY, name)))
        o->flags |= CTR_CREATE_TERMINAL;
    if (podman_flag(p, CTR__KUBE_ANN_INIT, name))
        o->flags |= CTR_CREATE_INIT;
    if (podman_flag(p, CTR__KUBE_ANN_AUTOREMOVE, name))
        o->flags |= CTR_CREATE_AUTO_REMOVE;
    return r;
}

static int take_name(struct ctr__kpod *p, J *k, const char *path, ctr_container_options_t *o, const char **ret)
{
    int r = ctr__kdoc_str(&p->d, k, path, "name", ret);
    if (r < 0)
        return r;
    if (!*ret || !**ret)
        return ctr__err(-EINVAL, "%s.name: missing", path);
    o->name = ctr__kdoc_printf(&p->d, "%s-%s", p->name, *ret);
    return o->name ? 0 : -ENOMEM;
}

int ctr__kube_container_options(struct ctr__kpod *p, J *k, const char *path, bool init, ctr_container_options_t *o)
{
    const char *name = NULL;
    _cleanup_(ctr_image_unrefp) ctr_image_t *img = NULL;
    int r = take_name(p, k, path, o, &name);
    if (r == 0)
        r = take_image(p, k, path, o, &img);
    if (r == 0)
        r = take_command(p, k, path, img, o);
    if (r == 0)
        r = ctr__kdoc_str(&p->d, k, path, "workingDir", &o->workdir);
    if (r == 0)
        r = take_env(p, k, path, o);
    if (r == 0)
        r = take_resources(p, k, path, o);
    if (r == 0)
        r = take_security(p, k, path, o);
    if (r == 0)
        r = take_mounts(p, k, path, o);
    if (r == 0)
        r = take_flags(p, k, path, name, o);
    if (r < 0)
        return r;
    o->pod = p->pod_id;
    o->annotations = p->annotations;
    o->restart_policy = init ? NULL : p->restart;
    return ctr__kdoc_leftovers(&p->d, k, path);
}
