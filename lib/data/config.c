/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "data/config.h"

#include <stdio.h>

#include "base/arena.h"
#include "base/error.h"
#include "base/json-util.h"

static const char *const ns_keys[CTR_NS_MAX] = {
    [CTR_NS_IPC] = "ipcNsCtr",   [CTR_NS_MNT] = "mountNsCtr", [CTR_NS_NET] = "netNsCtr",
    [CTR_NS_PID] = "pidNsCtr",   [CTR_NS_USER] = "userNsCtr", [CTR_NS_UTS] = "utsNsCtr",
    [CTR_NS_CGROUP] = "cgroupNsCtr",
};

static const struct {
    uint64_t flag;
    const char *key;
} flag_keys[] = {
    { CTR_CREATE_READ_ONLY, "readOnly" },   { CTR_CREATE_PRIVILEGED, "privileged" },
    { CTR_CREATE_NO_NEW_PRIVS, "noNewPrivs" }, { CTR_CREATE_STDIN, "stdin" },
    { CTR_CREATE_TERMINAL, "terminal" },    { CTR_CREATE_NETNS, "createNetNS" },
    { CTR_CREATE_IMAGE_VOLUMES, "imageVolumes" }, { CTR_CREATE_HOST_NETWORK, "hostNetwork" },
    { CTR_CREATE_AUTO_REMOVE, "autoRemove" },
    /* version 2 */
    { CTR_CREATE_INIT, "init" },            { CTR_CREATE_OOM_KILL_DISABLE, "oomKillDisable" },
    { CTR_CREATE_NO_READ_ONLY_TMPFS, "noReadOnlyTmpfs" }, { CTR_CREATE_OOM_SCORE_ADJ, "oomScoreAdjSet" },
    /* libctr 0.5 (an older reader ignores it: the tmpfs mounts are in "mounts") */
    { CTR_CREATE_IMAGE_VOLUMES_TMPFS, "imageVolumesTmpfs" },
};

struct ctr__config *ctr__config_ref(struct ctr__config *cfg)
{
    if (cfg)
        __atomic_add_fetch(&cfg->refs, 1, __ATOMIC_RELAXED);
    return cfg;
}

void ctr__config_unref(struct ctr__config *cfg)
{
    if (!cfg || __atomic_sub_fetch(&cfg->refs, 1, __ATOMIC_ACQ_REL) > 0)
        return;
    free(cfg->id);
    free(cfg->name);
    free(cfg->pod);
    free(cfg->spec_json);
    free(cfg->rootfs);
    free(cfg->image_id);
    free(cfg->image_name);
    ctr__strv_free(cfg->command);
    ctr__strv_free(cfg->env);
    free(cfg->workdir);
    free(cfg->user);
    free(cfg->hostname);
    free(cfg->static_dir);
    free(cfg->shm_dir);
    free(cfg->log_path);
    free(cfg->cgroup_parent);
    free(cfg->process_label);
    free(cfg->mount_label);
    for (size_t i = 0; i < CTR_NS_MAX; i++)
        free(cfg->ns_ctr[i]);
    for (size_t i = 0; i < cfg->n_ports; i++) {
        free((char *)cfg->ports[i].host_ip);
        free((char *)cfg->ports[i].protocol);
    }
    free(cfg->ports);
    ctr__strv_free(cfg->dns_servers);
    ctr__strv_free(cfg->dns_search);
    ctr__strv_free(cfg->dns_options);
    ctr__strv_free(cfg->hosts_add);
    ctr__mounts_clear(&cfg->mounts);
    ctr__resources_clear(&cfg->resources);
    ctr__security_clear(&cfg->security);
    ctr__process_clear(&cfg->process);
    ctr__strv_free(cfg->labels);
    ctr__strv_free(cfg->networks);
    free(cfg->netns_path);
    ctr__strv_free(cfg->volumes);
    ctr__strv_free(cfg->exposed_ports);
    ctr__strv_free(cfg->create_command);
    free(cfg);
}

static int label_cmp(const void *a, const void *b)
{
    const char *x = *(const char *const *)a, *y = *(const char *const *)b;
    size_t lx = strcspn(x, "="), ly = strcspn(y, "=");
    int r = strncmp(x, y, lx < ly ? lx : ly);
    if (r != 0)
        return r;
    return (lx > ly) - (lx < ly);
}

int ctr__labels_normalize(char **labels)
{
    size_t n = ctr__strv_len((const char *const *)labels);
    for (size_t i = 0; i < n; i++) {
        const char *eq = strchr(labels[i], '=');
        if (!eq)
            return ctr__err(-EINVAL, "label \"%s\" is not KEY=VALUE", labels[i]);
        if (eq == labels[i])
            return ctr__err(-EINVAL, "label \"%s\" has an empty key", labels[i]);
    }
    qsort(labels, n, sizeof *labels, label_cmp);
    for (size_t i = 1; i < n; i++)
        if (label_cmp(&labels[i - 1], &labels[i]) == 0)
            return ctr__err(-EINVAL, "label key \"%.*s\" is given twice",
                            (int)strcspn(labels[i], "="), labels[i]);
    return 0;
}

const char *ctr__labels_get(char *const *labels, const char *key)
{
    size_t klen = strlen(key);
    for (; labels && *labels; labels++)
        if (strncmp(*labels, key, klen) == 0 && (*labels)[klen] == '=')
            return *labels + klen + 1;
    return NULL;
}

static json_object *labels_to_json(char *const *labels)
{
    json_object *o = json_object_new_object();
    if (!o)
        return NULL;
    for (; labels && *labels; labels++) {
        size_t k = strcspn(*labels, "=");
        char key[k + 1];
        memcpy(key, *labels, k);
        key[k] = '\0';
        json_object *v = json_object_new_string(*labels + k + 1);
        if (!v || json_object_object_add(o, key, v) < 0) {
            json_object_put(v);
            json_object_put(o);
            return NULL;
        }
    }
    return o;
}

static int labels_from_json(json_object *o, char ***ret)
{
    json_object *m;
    if (!json_object_object_get_ex(o, "labels", &m))
        return 0;
    if (!json_object_is_type(m, json_type_object))
        return ctr__err(-EINVAL, "\"labels\" must be an object");
    _cleanup_strv_ char **v = calloc(1, sizeof *v);
    if (!v)
        return ctr__oom("the label list");
    json_object_object_foreach(m, key, val)
    {
        if (!json_object_is_type(val, json_type_string))
            return ctr__err(-EINVAL, "label \"%s\" must be a string", key);
        _cleanup_free_ char *kv = ctr__asprintf("%s=%s", key, json_object_get_string(val));
        if (!kv || ctr__strv_push(&v, kv) < 0)
            return ctr__oom("the label list");
    }
    int r = ctr__labels_normalize(v);
    if (r < 0)
        return r;
    ctr__strv_free(*ret);
    *ret = TAKE_PTR(v);
    return 0;
}

static json_object *ports_to_json(const struct ctr__config *cfg)
{
    json_object *a = json_object_new_array();
    if (!a)
        return NULL;
    for (size_t i = 0; i < cfg->n_ports; i++) {
        const ctr_port_mapping_t *p = &cfg->ports[i];
        json_object *o = json_object_new_object();
        if (!o || json_object_array_add(a, o) < 0) {
            json_object_put(o);
            json_object_put(a);
            return NULL;
        }
        if (ctr__json_add_str(o, "hostIP", p->host_ip) < 0 || ctr__json_add_int(o, "hostPort", p->host_port) < 0 ||
            ctr__json_add_int(o, "containerPort", p->container_port) < 0 ||
            ctr__json_add_str(o, "protocol", p->protocol) < 0) {
            json_object_put(a);
            return NULL;
        }
    }
    return a;
}

static int ports_from_json(json_object *o, struct ctr__config *cfg)
{
    json_object *a;
    if (!json_object_object_get_ex(o, "portMappings", &a))
        return 0;
    if (!json_object_is_type(a, json_type_array))
        return ctr__err(-EINVAL, "\"portMappings\" must be an array");
    size_t n = json_object_array_length(a);
    if (n == 0)
        return 0;
    cfg->ports = calloc(n, sizeof *cfg->ports);
    if (!cfg->ports)
        return ctr__oom("the port mappings");
    for (size_t i = 0; i < n; i++) {
        json_object *e = json_object_array_get_idx(a, i);
        if (!json_object_is_type(e, json_type_object))
            return ctr__err(-EINVAL, "\"portMappings\" entries must be objects");
        _cleanup_free_ char *host_ip = NULL, *proto = NULL;
        int64_t hp = 0, cp = 0;
        int r;
        if ((r = ctr__json_get_str(e, "hostIP", &host_ip)) < 0 || (r = ctr__json_get_str(e, "protocol", &proto)) < 0)
            return r;
        cfg->ports[i].host_ip = TAKE_PTR(host_ip);
        cfg->ports[i].protocol = TAKE_PTR(proto);
        cfg->n_ports = i + 1;
        if ((r = ctr__json_get_int(e, "hostPort", &hp)) < 0 || (r = ctr__json_get_int(e, "containerPort", &cp)) < 0)
            return r;
        if (hp < 0 || hp > 65535 || cp < 1 || cp > 65535)
            return ctr__err(-EINVAL, "port mapping %zu is out of range", i);
        cfg->ports[i].host_port = (uint16_t)hp;
        cfg->ports[i].container_port = (uint16_t)cp;
    }
    return 0;
}

int ctr__config_to_json(const struct ctr__config *cfg, char **ret)
{
    _cleanup_json_ json_object *o = json_object_new_object();
    if (!o)
        return ctr__oom("the container config document");
    char created[64];
    ctr__format_time(cfg->created, created, sizeof created);
    int r = 0;

    r |= ctr__json_add_int(o, "version", CTR__CONFIG_VERSION);
    r |= ctr__json_add_str(o, "id", cfg->id);
    r |= ctr__json_add_str(o, "name", cfg->name);
    if (cfg->revision > 0)
        r |= ctr__json_add_int(o, "revision", (int64_t)cfg->revision);
    r |= ctr__json_add_str(o, "pod", cfg->pod);
    if (cfg->infra)
        r |= ctr__json_add_bool(o, "isInfra", true);
    if (cfg->spec_json) {
        json_object *spec = NULL;
        int k = ctr__json_parse(cfg->spec_json, "spec", &spec);
        if (k < 0)
            return k;
        if (json_object_object_add(o, "spec", spec) < 0) {
            json_object_put(spec);
            return ctr__oom("the container config document");
        }
    }
    r |= ctr__json_add_str(o, "rootfs", cfg->rootfs);
    r |= ctr__json_add_str(o, "rootfsImageID", cfg->image_id);
    r |= ctr__json_add_str(o, "rootfsImageName", cfg->image_name);
    r |= ctr__json_add_strv(o, "command", cfg->command);
    r |= ctr__json_add_strv(o, "env", cfg->env);
    r |= ctr__json_add_str(o, "workDir", cfg->workdir);
    r |= ctr__json_add_str(o, "user", cfg->user);
    r |= ctr__json_add_str(o, "hostname", cfg->hostname);
    for (size_t i = 0; i < ARRAY_SIZE(flag_keys); i++)
        r |= ctr__json_add_bool(o, flag_keys[i].key, (cfg->flags & flag_keys[i].flag) != 0);
    r |= ctr__json_add_int(o, "shmSize", cfg->shm_size);
    r |= ctr__json_add_str(o, "staticDir", cfg->static_dir);
    r |= ctr__json_add_str(o, "shmDir", cfg->shm_dir);
    r |= ctr__json_add_str(o, "logPath", cfg->log_path);
    r |= ctr__json_add_str(o, "cgroupParent", cfg->cgroup_parent);
    r |= ctr__json_add_str(o, "processLabel", cfg->process_label);
    r |= ctr__json_add_str(o, "mountLabel", cfg->mount_label);
    for (size_t i = 1; i < CTR_NS_MAX; i++)
        r |= ctr__json_add_str(o, ns_keys[i], cfg->ns_ctr[i]);
    json_object *ports = ports_to_json(cfg);
    if (!ports || json_object_object_add(o, "portMappings", ports) < 0) {
        json_object_put(ports);
        return ctr__oom("the port mappings");
    }
    r |= ctr__json_add_strv(o, "dnsServer", cfg->dns_servers);
    r |= ctr__json_add_strv(o, "dnsSearch", cfg->dns_search);
    r |= ctr__json_add_strv(o, "dnsOption", cfg->dns_options);
    r |= ctr__json_add_strv(o, "hostsAdd", cfg->hosts_add);
    r |= ctr__json_add_strv(o, "networks", cfg->networks);
    r |= ctr__json_add_str(o, "netNsPath", cfg->netns_path);
    r |= ctr__json_add_strv(o, "volumes", cfg->volumes);
    r |= ctr__json_add_strv(o, "exposedPorts", cfg->exposed_ports);
    r |= ctr__json_add_strv(o, "createCommand", cfg->create_command);
    json_object *labels = labels_to_json(cfg->labels);
    if (!labels || json_object_object_add(o, "labels", labels) < 0) {
        json_object_put(labels);
        return ctr__oom("the labels");
    }
    r |= ctr__json_add_int(o, "stopSignal", cfg->stop_signal);
    r |= ctr__json_add_int(o, "stopTimeout", cfg->stop_timeout);
    if (cfg->log_size_max > 0)
        r |= ctr__json_add_int(o, "logSize", cfg->log_size_max);
    r |= ctr__json_add_str(o, "createdTime", created);
    if (r != 0)
        return ctr__oom("the container config document");
    if ((r = ctr__mounts_to_json(&cfg->mounts, o)) < 0 || (r = ctr__resources_to_json(&cfg->resources, o)) < 0 ||
        (r = ctr__security_to_json(&cfg->security, o)) < 0 || (r = ctr__process_to_json(&cfg->process, o)) < 0)
        return r;
    return ctr__json_to_string(o, ret);
}

/* The string and list members (each optional). */
static int strings_from_json(json_object *o, struct ctr__config *cfg, char **created)
{
    struct {
        const char *key;
        char **dst;
    } strs[] = {
        { "id", &cfg->id },           { "name", &cfg->name },
        { "pod", &cfg->pod },         { "rootfs", &cfg->rootfs },
        { "rootfsImageID", &cfg->image_id }, { "rootfsImageName", &cfg->image_name },
        { "workDir", &cfg->workdir }, { "user", &cfg->user },
        { "hostname", &cfg->hostname }, { "staticDir", &cfg->static_dir },
        { "shmDir", &cfg->shm_dir },  { "logPath", &cfg->log_path },
        { "cgroupParent", &cfg->cgroup_parent }, { "processLabel", &cfg->process_label },
        { "mountLabel", &cfg->mount_label }, { "createdTime", created },
        { "netNsPath", &cfg->netns_path },
    };
    int r;
    for (size_t i = 0; i < ARRAY_SIZE(strs); i++)
        if ((r = ctr__json_get_str(o, strs[i].key, strs[i].dst)) < 0)
            return r;
    for (size_t i = 1; i < CTR_NS_MAX; i++)
        if ((r = ctr__json_get_str(o, ns_keys[i], &cfg->ns_ctr[i])) < 0)
            return r;
    struct {
        const char *key;
        char ***dst;
    } strvs[] = {
        { "command", &cfg->command },      { "env", &cfg->env },
        { "dnsServer", &cfg->dns_servers }, { "dnsSearch", &cfg->dns_search },
        { "dnsOption", &cfg->dns_options }, { "hostsAdd", &cfg->hosts_add },
        { "networks", &cfg->networks },
        { "volumes", &cfg->volumes },       { "exposedPorts", &cfg->exposed_ports },
        { "createCommand", &cfg->create_command },
    };
    for (size_t i = 0; i < ARRAY_SIZE(strvs); i++)
        if ((r = ctr__json_get_strv(o, strvs[i].key, strvs[i].dst)) < 0)
            return r;
    return 0;
}

/* The flags and numbers, checked. */
static int values_from_json(json_object *o, struct ctr__config *cfg)
{
    int r;
    for (size_t i = 0; i < ARRAY_SIZE(flag_keys); i++) {
        bool b = false;
        if ((r = ctr__json_get_bool(o, flag_keys[i].key, &b)) < 0)
            return r;
        if (b)
            cfg->flags |= flag_keys[i].flag;
    }
    if ((r = ctr__json_get_bool(o, "isInfra", &cfg->infra)) < 0)
        return r;
    int64_t shm = 0, sig = 0, timeout = 0, log_max = 0, revision = 0;
    if ((r = ctr__json_get_int(o, "revision", &revision)) < 0 || (r = ctr__json_get_int(o, "shmSize", &shm)) < 0 || (r = ctr__json_get_int(o, "stopSignal", &sig)) < 0 ||
        (r = ctr__json_get_int(o, "stopTimeout", &timeout)) < 0 || (r = ctr__json_get_int(o, "logSize", &log_max)) < 0)
        return r;
    if (sig < 0 || sig > 64 || timeout < 0 || timeout > UINT32_MAX || shm < 0 || log_max < 0 || revision < 0)
        return ctr__err(-EINVAL, "stop signal, stop timeout, shm size, log size or revision out of range");
    cfg->revision = (uint64_t)revision;
    cfg->log_size_max = log_max;
    cfg->shm_size = shm;
    cfg->stop_signal = (int)sig;
    cfg->stop_timeout = (unsigned int)timeout;
    return 0;
}

static int members_from_json(json_object *o, struct ctr__config *cfg)
{
    json_object *spec;
    int r;
    if (json_object_object_get_ex(o, "spec", &spec)) {
        if (!json_object_is_type(spec, json_type_object))
            return ctr__err(-EINVAL, "\"spec\" must be an object");
        if ((r = ctr__json_to_string(spec, &cfg->spec_json)) < 0)
            return r;
    }
    _cleanup_free_ char *created = NULL;
    if ((r = strings_from_json(o, cfg, &created)) < 0 || (r = values_from_json(o, cfg)) < 0 ||
        (r = labels_from_json(o, &cfg->labels)) < 0 || (r = ports_from_json(o, cfg)) < 0 ||
        (r = ctr__mounts_from_json(o, &cfg->mounts)) < 0 || (r = ctr__resources_from_json(o, &cfg->resources)) < 0 ||
        (r = ctr__security_from_json(o, &cfg->security)) < 0 || (r = ctr__process_from_json(o, &cfg->process)) < 0)
        return r;
    if (!cfg->id || !cfg->name)
        return ctr__err(-EINVAL, "\"id\" and \"name\" are required");
    if (created && ctr__parse_time(created, &cfg->created) < 0)
        return ctr__err(-EINVAL, "bad \"createdTime\" \"%s\"", created);
    /* Arrays are never NULL in memory. */
    char ***all[] = { &cfg->command, &cfg->env,      &cfg->dns_servers, &cfg->dns_search,
                      &cfg->dns_options, &cfg->hosts_add, &cfg->labels,
                      &cfg->networks, &cfg->volumes,  &cfg->exposed_ports, &cfg->create_command };
    for (size_t i = 0; i < ARRAY_SIZE(all); i++)
        if (!*all[i] && !(*all[i] = calloc(1, sizeof(char *))))
            return ctr__oom("a list");
    return 0;
}

int ctr__config_from_json(const char *json, struct ctr__config **ret)
{
    _cleanup_json_ json_object *o = NULL;
    int r = ctr__json_parse(json, "container config", &o);
    if (r < 0)
        return r;
    if (!json_object_is_type(o, json_type_object))
        return ctr__err(-EINVAL, "container config: not a JSON object");
    int64_t version = 0;
    if ((r = ctr__json_get_int(o, "version", &version)) < 0)
        return r;
    if (version > CTR__CONFIG_VERSION)
        return ctr__err(-EPROTONOSUPPORT, "container config version %lld is newer than this libctr understands (%d)",
                        (long long)version, CTR__CONFIG_VERSION);
    _cleanup_(ctr__config_unrefp) struct ctr__config *cfg = calloc(1, sizeof *cfg);
    if (!cfg)
        return ctr__oom("a container config");
    cfg->refs = 1;
    if ((r = members_from_json(o, cfg)) < 0)
        return ctr__err_prefix(r, "container config");
    *ret = TAKE_PTR(cfg);
    return 0;
}

int ctr__config_revise(const struct ctr__config *cfg, struct ctr__config **ret)
{
    _cleanup_free_ char *json = NULL;
    _cleanup_(ctr__config_unrefp) struct ctr__config *copy = NULL;
    int r = ctr__config_to_json(cfg, &json);
    if (r < 0 || (r = ctr__config_from_json(json, &copy)) < 0)
        return r;
    copy->revision = cfg->revision + 1;
    *ret = TAKE_PTR(copy);
    return 0;
}

/* ---- the options again ---- */

static int export_ports(const struct ctr__config *cfg, struct ctr__arena *a, ctr_container_options_t *o)
{
    o->port_mappings = NULL;
    o->n_port_mappings = 0;
    if (cfg->n_ports == 0)
        return 0;
    ctr_port_mapping_t *v = ctr__arena_alloc(a, cfg->n_ports * sizeof *v);
    if (!v)
        return ctr__oom("the exported port mappings");
    for (size_t i = 0; i < cfg->n_ports; i++) {
        v[i] = cfg->ports[i];
        v[i].host_ip = ctr__arena_strdup(a, cfg->ports[i].host_ip);
        v[i].protocol = ctr__arena_strdup(a, cfg->ports[i].protocol);
        if ((cfg->ports[i].host_ip && !v[i].host_ip) || (cfg->ports[i].protocol && !v[i].protocol))
            return ctr__oom("the exported port mappings");
    }
    o->port_mappings = v;
    o->n_port_mappings = cfg->n_ports;
    return 0;
}

/* The log path, unless it is the default one in the static directory. */
static const char *given_log_path(const struct ctr__config *cfg, char *buf, size_t size)
{
    if (!cfg->log_path)
        return NULL;
    if (cfg->static_dir && (size_t)snprintf(buf, size, "%s/ctr.log", cfg->static_dir) < size &&
        streq(buf, cfg->log_path))
        return NULL;
    return cfg->log_path;
}

static int export_strings(const struct ctr__config *cfg, struct ctr__arena *a, ctr_container_options_t *o)
{
    char buf[4096];
    const char *image = cfg->image_name ? cfg->image_name : cfg->image_id;
    struct {
        const char *src;
        const char **dst;
    } strs[] = {
        { cfg->name, &o->name },           { cfg->spec_json, &o->spec_json },
        { cfg->rootfs, &o->rootfs },       { image, &o->image },
        { cfg->workdir, &o->workdir },     { cfg->user, &o->user },
        { cfg->hostname, &o->hostname },   { cfg->pod, &o->pod },
        { cfg->cgroup_parent, &o->cgroup_parent }, { given_log_path(cfg, buf, sizeof buf), &o->log_path },
        { cfg->process_label, &o->process_label }, { cfg->mount_label, &o->mount_label },
        { cfg->netns_path, &o->netns_path },
    };
    for (size_t i = 0; i < ARRAY_SIZE(strs); i++)
        if ((*strs[i].dst = ctr__arena_strdup(a, strs[i].src)) == NULL && strs[i].src)
            return ctr__oom("the exported options");
    for (size_t ns = 1; ns < CTR_NS_MAX; ns++)
        if (!(o->ns_ctr[ns] = ctr__arena_strdup(a, cfg->ns_ctr[ns])) && cfg->ns_ctr[ns])
            return ctr__oom("the exported options");
    o->ns_ctr[0] = NULL;
    return 0;
}

static int export_lists(const struct ctr__config *cfg, struct ctr__arena *a, ctr_container_options_t *o)
{
    int oom = 0;
    o->command = ctr__arena_strv_set(a, cfg->command, &oom);
    o->env = ctr__arena_strv_set(a, cfg->env, &oom);
    o->dns_servers = ctr__arena_strv_set(a, cfg->dns_servers, &oom);
    o->dns_search = ctr__arena_strv_set(a, cfg->dns_search, &oom);
    o->dns_options = ctr__arena_strv_set(a, cfg->dns_options, &oom);
    o->hosts_add = ctr__arena_strv_set(a, cfg->hosts_add, &oom);
    o->labels = ctr__arena_strv_set(a, cfg->labels, &oom);
    o->networks = ctr__arena_strv_set(a, cfg->networks, &oom);
    o->create_command = ctr__arena_strv_set(a, cfg->create_command, &oom);
    return oom ? ctr__oom("the exported options") : 0;
}

int ctr__config_export(const struct ctr__config *cfg, struct ctr__arena *a, ctr_container_options_t *o)
{
    int r;
    o->flags = cfg->flags;
    o->shm_size = cfg->shm_size;
    o->stop_signal = cfg->stop_signal;
    o->stop_timeout = cfg->stop_timeout > INT32_MAX ? INT32_MAX : (int)cfg->stop_timeout;
    o->log_size_max = cfg->log_size_max > 0 ? cfg->log_size_max : -1; /* stored 0: no limit */
    if ((r = export_strings(cfg, a, o)) < 0 || (r = export_lists(cfg, a, o)) < 0 || (r = export_ports(cfg, a, o)) < 0)
        return r;
    if ((r = ctr__mounts_export(&cfg->mounts, a, o)) < 0 || (r = ctr__resources_export(&cfg->resources, a, o)) < 0 ||
        (r = ctr__security_export(&cfg->security, a, o)) < 0)
        return r;
    return ctr__process_export(&cfg->process, a, o);
}

const char *ctr__ns_name(ctr_ns_t ns)
{
    static const char *const names[CTR_NS_MAX] = {
        [CTR_NS_IPC] = "ipc", [CTR_NS_MNT] = "mnt", [CTR_NS_NET] = "net",       [CTR_NS_PID] = "pid",
        [CTR_NS_USER] = "user", [CTR_NS_UTS] = "uts", [CTR_NS_CGROUP] = "cgroup",
    };
    return ns > 0 && ns < CTR_NS_MAX ? names[ns] : "?";
}
