/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <sys/stat.h>

#include "container.h"
#include "error.h"
#include "fault.h"
#include "json-util.h"
#include "names.h"
#include "storage/container-storage.h"

#define DEFAULT_SHM_SIZE (64LL * 1024 * 1024)
#define DEFAULT_STOP_TIMEOUT 10
#define DEFAULT_CGROUP_PARENT "/libctr_parent"

/* ---- handles ---- */

static ctr_container_t *container_new(ctr_runtime_t *rt, struct ctr__config *cfg)
{
    ctr_container_t *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    _cleanup_free_ char *lock_path = ctr__lock_path(rt, cfg->id);
    if (!lock_path || ctr__lock_init(&c->lock, lock_path) < 0) {
        free(c);
        return NULL;
    }
    c->refs = 1;
    c->rt = ctr_runtime_ref(rt);
    c->cfg = ctr__config_ref(cfg);
    ctr__status_init(&c->st);
    return c;
}

int ctr__container_load(ctr_runtime_t *rt, const char *id, const char *config_json, const char *state_json,
                        ctr_container_t **ret)
{
    _cleanup_free_ char *state_owned = NULL;
    if (!state_json) {
        int r = ctr__state_get(ctr__runtime_state(rt), id, NULL, &state_owned);
        if (r == -ENOENT)
            return ctr__err(-ENOENT, "no such container %s", id);
        if (r < 0)
            return r;
        state_json = state_owned;
    }
    _cleanup_(ctr__config_unrefp) struct ctr__config *cfg = NULL;
    int r = ctr__runtime_config(rt, id, config_json, &cfg);
    if (r < 0)
        return r;
    ctr_container_t *c = container_new(rt, cfg);
    if (!c)
        return -ENOMEM;
    r = ctr__status_from_json(state_json, &c->st);
    if (r < 0) {
        ctr_container_unref(c);
        return ctr__err_prefix(r, "container %s", cfg->name);
    }
    *ret = c;
    return 0;
}

CTR_EXPORT ctr_container_t *ctr_container_ref(ctr_container_t *c)
{
    if (c)
        __atomic_add_fetch(&c->refs, 1, __ATOMIC_RELAXED);
    return c;
}

CTR_EXPORT ctr_container_t *ctr_container_unref(ctr_container_t *c)
{
    if (!c || __atomic_sub_fetch(&c->refs, 1, __ATOMIC_ACQ_REL) > 0)
        return NULL;
    ctr__status_clear(&c->st);
    ctr__lock_done(&c->lock);
    ctr__config_unref(c->cfg);
    ctr_runtime_unref(c->rt);
    free(c);
    return NULL;
}

const struct ctr__config *ctr__container_config(const ctr_container_t *c)
{
    return c->cfg;
}

struct ctr__status *ctr__container_status(ctr_container_t *c)
{
    return &c->st;
}

/* ---- locking, sync, save ---- */

bool ctr__container_in_batch(ctr_container_t *c)
{
    return ctr__lock_held(&c->lock) && c->batch > 0;
}

int ctr__container_sync(ctr_container_t *c)
{
    if (c->removed)
        return ctr__err(-ENOENT, CTR_CFMT " has been removed", CTR_CARG(c));
    _cleanup_free_ char *json = NULL;
    int r = ctr__state_get(ctr__runtime_state(c->rt), c->cfg->id, NULL, &json);
    if (r == -ENOENT) {
        c->removed = true;
        /* We may have recreated the lock file of a container removed while we
         * waited for its lock: take it away again. */
        ctr__lock_unlink(&c->lock);
        return ctr__err(-ENOENT, CTR_CFMT " has been removed", CTR_CARG(c));
    }
    if (r < 0)
        return r;
    r = ctr__status_from_json(json, &c->st);
    if (r < 0)
        return ctr__err_prefix(r, CTR_CFMT, CTR_CARG(c));
    return ctr__lifecycle_update(c);
}

int ctr__container_save(ctr_container_t *c)
{
    _cleanup_free_ char *json = NULL;
    int r = ctr__status_to_json(&c->st, &json);
    if (r < 0)
        return r;
    r = ctr__state_save(ctr__runtime_state(c->rt), c->cfg->id, json);
    if (r == -ENOENT)
        c->removed = true;
    return r;
}

int ctr__container_lock(ctr_container_t *c)
{
    if (c->removed)
        return ctr__err(-ENOENT, CTR_CFMT " has been removed", CTR_CARG(c));
    if (ctr__container_in_batch(c))
        return ctr__lock_acquire(&c->lock); /* re-entrant: no syscall, no sync */
    int r = ctr__lock_acquire(&c->lock);
    if (r < 0)
        return r;
    r = ctr__container_sync(c);
    if (r < 0)
        ctr__lock_release(&c->lock);
    return r;
}

void ctr__container_unlock(ctr_container_t *c)
{
    ctr__lock_release(&c->lock);
}

/* ---- create ---- */

static const size_t options_size[] = { [1] = sizeof(ctr_container_options_t) };

CTR_EXPORT int ctr_container_options_init(ctr_container_options_t *opts, unsigned int version)
{
    CTR_ENTER();
    CTR_CHECK_ARG(opts);
    if (version < 1 || version > CTR_CONTAINER_OPTIONS_VERSION)
        return ctr__err(-EINVAL, "container options version %u is not supported", version);
    memset(opts, 0, options_size[version]);
    opts->version = version;
    opts->stop_timeout = -1;
    return 0;
}

#define KNOWN_FLAGS                                                                                          \
    (CTR_CREATE_READ_ONLY | CTR_CREATE_PRIVILEGED | CTR_CREATE_NO_NEW_PRIVS | CTR_CREATE_STDIN |             \
     CTR_CREATE_TERMINAL | CTR_CREATE_NETNS | CTR_CREATE_IMAGE_VOLUMES | CTR_CREATE_HOST_NETWORK | \
     CTR_CREATE_AUTO_REMOVE)

static bool has_ctl(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7f)
            return true;
    return false;
}

static int check_strv(const char *what, const char *const *v, bool need_eq)
{
    for (; v && *v; v++) {
        if (need_eq && (!strchr(*v, '=') || **v == '='))
            return ctr__err(-EINVAL, "%s entry \"%s\" is not KEY=VALUE", what, *v);
        if (!need_eq && (isempty(*v) || has_ctl(*v)))
            return ctr__err(-EINVAL, "%s entry \"%s\" is empty or has control characters", what, *v);
    }
    return 0;
}

static int copy_ports(struct ctr__config *cfg, const ctr_port_mapping_t *p, size_t n)
{
    if (n == 0)
        return 0;
    if (!p)
        return ctr__err(-EINVAL, "n_port_mappings is %zu but port_mappings is NULL", n);
    cfg->ports = calloc(n, sizeof *cfg->ports);
    if (!cfg->ports)
        return -ENOMEM;
    for (size_t i = 0; i < n; i++) {
        const char *proto = p[i].protocol ? p[i].protocol : "tcp";
        if (!streq(proto, "tcp") && !streq(proto, "udp") && !streq(proto, "sctp"))
            return ctr__err(-EINVAL, "port mapping %zu: unknown protocol \"%s\"", i, proto);
        if (p[i].container_port == 0)
            return ctr__err(-EINVAL, "port mapping %zu: container port 0", i);
        if (p[i].host_ip && has_ctl(p[i].host_ip))
            return ctr__err(-EINVAL, "port mapping %zu: bad host IP", i);
        cfg->ports[i].host_ip = ctr__strdup_null(isempty(p[i].host_ip) ? NULL : p[i].host_ip);
        cfg->ports[i].protocol = strdup(proto);
        cfg->ports[i].host_port = p[i].host_port;
        cfg->ports[i].container_port = p[i].container_port;
        cfg->n_ports = i + 1;
        if (!cfg->ports[i].protocol)
            return -ENOMEM;
    }
    return 0;
}

static int build_config(ctr_runtime_t *rt, const ctr_container_options_t *o, struct ctr__config *cfg)
{
    int r;
    if (o->name && !ctr__name_valid(o->name))
        return ctr__err(-EINVAL, "invalid container name \"%.300s\": names match [a-zA-Z0-9][a-zA-Z0-9_.-]* "
                                 "and have at most 253 characters", o->name);
    if (o->flags & ~(uint64_t)KNOWN_FLAGS)
        return ctr__err(-EINVAL, "unknown container flags 0x%llx", (unsigned long long)(o->flags & ~(uint64_t)KNOWN_FLAGS));
    if (o->rootfs && o->rootfs[0] != '/')
        return ctr__err(-EINVAL, "rootfs \"%s\" is not an absolute path", o->rootfs);
    if (o->rootfs && o->image)
        return ctr__err(-EINVAL, "give either a rootfs directory or an image, not both");
    if (o->shm_size < 0)
        return ctr__err(-EINVAL, "negative shm size");
    if (o->stop_signal < 0 || o->stop_signal > SIGRTMAX)
        return ctr__err(-EINVAL, "stop signal %d is out of range", o->stop_signal);
    if (o->workdir && o->workdir[0] != '/')
        return ctr__err(-EINVAL, "working directory \"%s\" is not absolute", o->workdir);
    if (o->cgroup_parent && (o->cgroup_parent[0] != '/' || strstr(o->cgroup_parent, "..")))
        return ctr__err(-EINVAL, "cgroup parent \"%s\" must be an absolute path without \"..\"", o->cgroup_parent);
    if (o->log_path && o->log_path[0] != '/')
        return ctr__err(-EINVAL, "log path \"%s\" is not absolute", o->log_path);
    if (o->hostname && (strlen(o->hostname) > 64 || has_ctl(o->hostname) || strchr(o->hostname, '/')))
        return ctr__err(-EINVAL, "invalid host name \"%.80s\"", o->hostname);
    const char *strs[] = { o->user, o->pod, o->image, o->process_label, o->mount_label };
    for (size_t i = 0; i < ARRAY_SIZE(strs); i++)
        if (strs[i] && (isempty(strs[i]) || has_ctl(strs[i])))
            return ctr__err(-EINVAL, "empty string or control characters in an option");
    if ((r = check_strv("env", o->env, true)) < 0 || (r = check_strv("label", o->labels, true)) < 0 ||
        (r = check_strv("DNS server", o->dns_servers, false)) < 0 ||
        (r = check_strv("DNS search domain", o->dns_search, false)) < 0 ||
        (r = check_strv("DNS option", o->dns_options, false)) < 0 ||
        (r = check_strv("host entry", o->hosts_add, false)) < 0)
        return r;
    for (const char *const *p = o->command; p && *p; p++)
        ; /* any bytes are fine in argv */
    if (o->command && !o->command[0])
        return ctr__err(-EINVAL, "the command is empty");

    if (o->spec_json) {
        _cleanup_json_ json_object *spec = NULL;
        r = ctr__json_parse(o->spec_json, "OCI runtime spec", &spec);
        if (r < 0)
            return r;
        if (!json_object_is_type(spec, json_type_object))
            return ctr__err(-EINVAL, "OCI runtime spec: not a JSON object");
        if ((r = ctr__json_to_string(spec, &cfg->spec_json)) < 0)
            return r;
    }

    char id[65];
    if ((r = ctr__random_id(id)) < 0)
        return ctr__err(r, "cannot get random bytes for an ID: %s", strerror(-r));
    cfg->id = strdup(id);
    cfg->name = ctr__strdup_null(o->name);
    cfg->pod = ctr__strdup_null(o->pod);
    cfg->rootfs = ctr__strdup_null(o->rootfs);
    cfg->image_name = ctr__strdup_null(o->image);
    cfg->command = ctr__strv_copy(o->command);
    cfg->env = ctr__strv_copy(o->env);
    cfg->workdir = ctr__strdup_null(o->workdir);
    cfg->user = ctr__strdup_null(o->user);
    cfg->hostname = ctr__strdup_null(o->hostname);
    cfg->flags = o->flags;
    cfg->shm_size = o->shm_size ? o->shm_size : DEFAULT_SHM_SIZE;
    cfg->static_dir = ctr__static_dir(rt, id);
    _cleanup_free_ char *run_dir = ctr__run_dir(rt, id);
    cfg->shm_dir = run_dir ? ctr__asprintf("%s/shm", run_dir) : NULL;
    cfg->log_path = o->log_path ? strdup(o->log_path) : ctr__asprintf("%s/containers/%s/ctr.log", ctr__runtime_settings(rt)->root, id);
    cfg->cgroup_parent = strdup(o->cgroup_parent ? o->cgroup_parent : DEFAULT_CGROUP_PARENT);
    cfg->process_label = ctr__strdup_null(o->process_label);
    cfg->mount_label = ctr__strdup_null(o->mount_label);
    cfg->dns_servers = ctr__strv_copy(o->dns_servers);
    cfg->dns_search = ctr__strv_copy(o->dns_search);
    cfg->dns_options = ctr__strv_copy(o->dns_options);
    cfg->hosts_add = ctr__strv_copy(o->hosts_add);
    cfg->mounts = ctr__strv_copy(NULL);
    cfg->networks = ctr__strv_copy(o->networks);
    cfg->netns_path = ctr__strdup_null(o->netns_path);
    cfg->volumes = ctr__strv_copy(NULL);
    cfg->exposed_ports = ctr__strv_copy(NULL);
    cfg->labels = ctr__strv_copy(o->labels);
    cfg->stop_signal = o->stop_signal ? o->stop_signal : SIGTERM;
    cfg->stop_timeout = o->stop_timeout < 0 ? DEFAULT_STOP_TIMEOUT : (unsigned int)o->stop_timeout;
    cfg->created = ctr__now_ns();
    if (!cfg->id || (o->name && !cfg->name) || (o->pod && !cfg->pod) || (o->rootfs && !cfg->rootfs) ||
        (o->image && !cfg->image_name) || !cfg->command || !cfg->env || (o->workdir && !cfg->workdir) ||
        (o->user && !cfg->user) || (o->hostname && !cfg->hostname) || !cfg->static_dir || !cfg->shm_dir ||
        !cfg->log_path || !cfg->cgroup_parent || !cfg->dns_servers || !cfg->dns_search || !cfg->dns_options ||
        !cfg->hosts_add || !cfg->mounts || !cfg->labels || !cfg->networks || !cfg->volumes ||
        !cfg->exposed_ports || (o->netns_path && !cfg->netns_path))
        return -ENOMEM;
    if ((r = check_strv("network", o->networks, false)) < 0)
        return r;
    if (o->netns_path && o->netns_path[0] != '/')
        return ctr__err(-EINVAL, "network namespace path \"%s\" is not absolute", o->netns_path);
    {
        int modes = !!(o->flags & CTR_CREATE_NETNS) + !!(o->flags & CTR_CREATE_HOST_NETWORK) + !!o->netns_path +
                    !!o->ns_ctr[CTR_NS_NET];
        if (modes > 1)
            return ctr__err(-EINVAL, "choose one network mode: a new namespace, the host's, a given path, or "
                                     "another container's");
    }
    if (o->networks && o->networks[0] && !(o->flags & CTR_CREATE_NETNS))
        return ctr__err(-EINVAL, "networks need a new network namespace (CTR_CREATE_NETNS)");
    /* No network named: the runtime's default, fixed now (as podman does). */
    if ((cfg->flags & CTR_CREATE_NETNS) && !cfg->networks[0] && (r = ctr__strv_push(&cfg->networks, ctr__runtime_settings(rt)->default_network)) < 0)
        return r;
    if ((r = ctr__labels_normalize(cfg->labels)) < 0)
        return r;
    if ((r = copy_ports(cfg, o->port_mappings, o->n_port_mappings)) < 0)
        return r;
    if (cfg->n_ports && !(cfg->flags & CTR_CREATE_NETNS))
        return ctr__err(-EINVAL, "port mappings need a new network namespace (CTR_CREATE_NETNS)");
    if (o->ns_ctr[0])
        return ctr__err(-EINVAL, "ns_ctr[0] is unused and must be NULL");
    for (size_t ns = 1; ns < CTR_NS_MAX; ns++) {
        if (!o->ns_ctr[ns])
            continue;
        r = ctr__runtime_resolve(rt, o->ns_ctr[ns], &cfg->ns_ctr[ns]);
        if (r < 0)
            return ctr__err_prefix(r, "namespace container \"%s\"", o->ns_ctr[ns]);
    }
    if (cfg->ns_ctr[CTR_NS_NET] && (cfg->flags & CTR_CREATE_NETNS))
        return ctr__err(-EINVAL, "joining another container's network namespace conflicts with creating one");
    return 0;
}

/* Pick a free generated name (runtime lock held). */
static int generate_name(ctr_runtime_t *rt, char **ret)
{
    char buf[128];
    for (int attempt = 0; attempt < 64; attempt++) {
        int r = ctr__name_generate(buf, sizeof buf);
        if (r < 0)
            return r;
        if (attempt >= 8) {
            size_t n = strlen(buf);
            snprintf(buf + n, sizeof buf - n, "%d", attempt);
        }
        _cleanup_free_ char *id = NULL;
        r = ctr__state_lookup_name(ctr__runtime_state(rt), buf, &id);
        if (r == -ENOENT) {
            *ret = strdup(buf);
            return *ret ? 0 : -ENOMEM;
        }
        if (r < 0)
            return r;
    }
    return ctr__err(-EEXIST, "could not find a free generated name");
}

CTR_EXPORT int ctr_container_create(ctr_container_t **ret, ctr_runtime_t *rt, const ctr_container_options_t *opts)
{
    CTR_ENTER();
    CTR_CHECK_ARG(ret);
    CTR_CHECK_ARG(rt);
    CTR_CHECK_ARG(opts);
    if (opts->version < 1 || opts->version > CTR_CONTAINER_OPTIONS_VERSION)
        return ctr__err(-EINVAL, "container options version %u is not supported (1..%d)", opts->version,
                        CTR_CONTAINER_OPTIONS_VERSION);
    ctr_container_options_t o;
    ctr_container_options_init(&o, CTR_CONTAINER_OPTIONS_VERSION);
    memcpy(&o, opts, options_size[opts->version]);

    _cleanup_(ctr__config_unrefp) struct ctr__config *cfg = calloc(1, sizeof *cfg);
    if (!cfg)
        return -ENOMEM;
    cfg->refs = 1;

    int r = ctr__lock_acquire(ctr__runtime_lock(rt));
    if (r < 0)
        return r;
    /* Namespace containers are resolved under the runtime lock so they cannot
     * be removed between the check and the add. */
    r = build_config(rt, &o, cfg);
    if (r == 0 && !cfg->name)
        r = generate_name(rt, &cfg->name);
    bool storage = false;
    if (r == 0 && o.image) {
        r = ctr__storage_container_create(ctr__runtime_settings(rt), cfg, o.image);
        storage = r == 0;
    }
    CTR_FAULT_POINT("create.after-storage");
    _cleanup_free_ char *config_json = NULL, *state_json = NULL;
    struct ctr__status st;
    ctr__status_init(&st);
    if (r == 0)
        r = ctr__config_to_json(cfg, &config_json);
    if (r == 0)
        r = ctr__status_to_json(&st, &state_json);
    if (r == 0 && mkdir(cfg->static_dir, 0700) < 0)
        r = ctr__err(-errno, "cannot create %s: %m", cfg->static_dir);
    CTR_FAULT_POINT("create.after-static-dir");
    if (r == 0) {
        r = ctr__state_add(ctr__runtime_state(rt), cfg->id, cfg->name, config_json, state_json);
        if (r == -EEXIST)
            ctr__err(-EEXIST, "the name \"%s\" is already in use", cfg->name);
        if (r < 0)
            ctr__rm_rf(cfg->static_dir);
    }
    if (r < 0 && storage)
        ctr__storage_forget(ctr__runtime_settings(rt), cfg);
    CTR_FAULT_POINT("create.after-add");
    ctr__lock_release(ctr__runtime_lock(rt));
    if (r < 0)
        return r;

    ctr__runtime_config_remember(rt, cfg);
    ctr_container_t *c = container_new(rt, cfg);
    if (!c)
        return -ENOMEM;
    c->st = st;
    ctr__rt_log(rt, CTR_LOG_DEBUG, "created container %s (%s)", cfg->name, cfg->id);
    *ret = c;
    return 0;
}

/* ---- config getters ---- */

#define GETTER(name, expr)                                                                                   \
    CTR_EXPORT const char *ctr_container_##name(const ctr_container_t *c)                                   \
    {                                                                                                        \
        return c ? (expr) : NULL;                                                                            \
    }

GETTER(id, c->cfg->id)
GETTER(name, c->cfg->name)
GETTER(pod, c->cfg->pod)
GETTER(rootfs, c->cfg->rootfs)
GETTER(image_id, c->cfg->image_id)
GETTER(image_name, c->cfg->image_name)
GETTER(user, c->cfg->user)
GETTER(workdir, c->cfg->workdir)
GETTER(hostname, c->cfg->hostname)
GETTER(static_dir, c->cfg->static_dir)
GETTER(shm_dir, c->cfg->shm_dir)
GETTER(log_path, c->cfg->log_path)
GETTER(cgroup_parent, c->cfg->cgroup_parent)
GETTER(process_label, c->cfg->process_label)
GETTER(mount_label, c->cfg->mount_label)

#define STRV_GETTER(name, field)                                                                             \
    CTR_EXPORT const char *const *ctr_container_##name(const ctr_container_t *c)                            \
    {                                                                                                        \
        return c ? (const char *const *)c->cfg->field : ctr__strv_empty;                                    \
    }

STRV_GETTER(command, command)
STRV_GETTER(env, env)
STRV_GETTER(dns_servers, dns_servers)
STRV_GETTER(dns_search, dns_search)
STRV_GETTER(dns_options, dns_options)
STRV_GETTER(hosts_add, hosts_add)
STRV_GETTER(mounts, mounts)
STRV_GETTER(networks, networks)
STRV_GETTER(volumes, volumes)
STRV_GETTER(exposed_ports, exposed_ports)
GETTER(netns_path, c->cfg->netns_path)

CTR_EXPORT ctr_runtime_t *ctr_container_runtime(const ctr_container_t *c)
{
    return c ? c->rt : NULL;
}

CTR_EXPORT int64_t ctr_container_created(const ctr_container_t *c)
{
    return c ? c->cfg->created : 0;
}

CTR_EXPORT uint64_t ctr_container_flags(const ctr_container_t *c)
{
    return c ? c->cfg->flags : 0;
}

CTR_EXPORT int64_t ctr_container_shm_size(const ctr_container_t *c)
{
    return c ? c->cfg->shm_size : 0;
}

CTR_EXPORT int ctr_container_stop_signal(const ctr_container_t *c)
{
    return c ? c->cfg->stop_signal : 0;
}

CTR_EXPORT unsigned int ctr_container_stop_timeout(const ctr_container_t *c)
{
    return c ? c->cfg->stop_timeout : 0;
}

CTR_EXPORT const char *ctr_container_ns_ctr(const ctr_container_t *c, ctr_ns_t ns)
{
    if (!c || ns < 1 || ns >= CTR_NS_MAX)
        return NULL;
    return c->cfg->ns_ctr[ns];
}

CTR_EXPORT size_t ctr_container_port_mappings(const ctr_container_t *c, const ctr_port_mapping_t **ret)
{
    if (!c) {
        if (ret)
            *ret = NULL;
        return 0;
    }
    if (ret)
        *ret = c->cfg->ports;
    return c->cfg->n_ports;
}

CTR_EXPORT const char *ctr_container_label(const ctr_container_t *c, const char *key)
{
    if (!c || !key)
        return NULL;
    return ctr__labels_get(c->cfg->labels, key);
}

CTR_EXPORT int ctr_container_labels(const ctr_container_t *c, char ***ret)
{
    CTR_ENTER();
    CTR_CHECK_ARG(c);
    CTR_CHECK_ARG(ret);
    char **v = ctr__strv_copy((const char *const *)c->cfg->labels);
    if (!v)
        return -ENOMEM;
    *ret = v;
    return 0;
}

CTR_EXPORT int ctr_container_config_json(const ctr_container_t *c, char **ret)
{
    CTR_ENTER();
    CTR_CHECK_ARG(c);
    CTR_CHECK_ARG(ret);
    return ctr__config_to_json(c->cfg, ret);
}

CTR_EXPORT int ctr_container_spec_json(const ctr_container_t *c, char **ret)
{
    CTR_ENTER();
    CTR_CHECK_ARG(c);
    CTR_CHECK_ARG(ret);
    char *s = strdup(c->cfg->spec_json ? c->cfg->spec_json : "{}");
    if (!s)
        return -ENOMEM;
    *ret = s;
    return 0;
}

/* The seed built this list with a negative capacity and put the network
 * container in place of the PID one; here every namespace maps to itself. */
CTR_EXPORT int ctr_container_dependencies(const ctr_container_t *c, char ***ret)
{
    CTR_ENTER();
    CTR_CHECK_ARG(c);
    CTR_CHECK_ARG(ret);
    _cleanup_strv_ char **v = calloc(1, sizeof *v);
    if (!v)
        return -ENOMEM;
    for (size_t ns = 1; ns < CTR_NS_MAX; ns++) {
        const char *dep = c->cfg->ns_ctr[ns];
        if (!dep || ctr__strv_contains((const char *const *)v, dep))
            continue;
        if (ctr__strv_push(&v, dep) < 0)
            return -ENOMEM;
    }
    *ret = TAKE_PTR(v);
    return 0;
}

/* ---- state getters ---- */

CTR_EXPORT int ctr_container_sync(ctr_container_t *c)
{
    CTR_ENTER();
    CTR_CHECK_ARG(c);
    int r = ctr__lock_acquire(&c->lock);
    if (r < 0)
        return r;
    r = ctr__container_sync(c);
    ctr__lock_release(&c->lock);
    return r;
}

/* Lock, sync, read one field, unlock. */
#define STATE_GETTER(fn, type, expr)                                                                         \
    CTR_EXPORT int fn(ctr_container_t *c, type *ret)                                                        \
    {                                                                                                        \
        CTR_ENTER();                                                                                         \
        CTR_CHECK_ARG(c);                                                                                    \
        CTR_CHECK_ARG(ret);                                                                                  \
        int r = ctr__container_lock(c);                                                                      \
        if (r < 0)                                                                                           \
            return r;                                                                                        \
        *ret = (expr);                                                                                       \
        ctr__container_unlock(c);                                                                            \
        return 0;                                                                                            \
    }

STATE_GETTER(ctr_container_state, ctr_state_t, c->st.state)
STATE_GETTER(ctr_container_pid, pid_t, c->st.pid)
STATE_GETTER(ctr_container_exit_code, int, c->st.exit_code)
STATE_GETTER(ctr_container_oom_killed, int, c->st.oom_killed ? 1 : 0)
STATE_GETTER(ctr_container_started_at, int64_t, c->st.started)
STATE_GETTER(ctr_container_finished_at, int64_t, c->st.finished)

CTR_EXPORT int ctr_container_mounted(ctr_container_t *c, int *ret_mounted, char **ret_path)
{
    CTR_ENTER();
    CTR_CHECK_ARG(c);
    CTR_CHECK_ARG(ret_mounted);
    int r = ctr__container_lock(c);
    if (r < 0)
        return r;
    char *path = NULL;
    if (ret_path && c->st.mounted && c->st.mount_point && !(path = strdup(c->st.mount_point))) {
        ctr__container_unlock(c);
        return -ENOMEM;
    }
    *ret_mounted = c->st.mounted ? 1 : 0;
    if (ret_path)
        *ret_path = path;
    ctr__container_unlock(c);
    return 0;
}

CTR_EXPORT int ctr_container_state_json(ctr_container_t *c, char **ret)
{
    CTR_ENTER();
    CTR_CHECK_ARG(c);
    CTR_CHECK_ARG(ret);
    int r = ctr__container_lock(c);
    if (r < 0)
        return r;
    r = ctr__status_to_json(&c->st, ret);
    ctr__container_unlock(c);
    return r;
}

static const char *const ns_names[CTR_NS_MAX] = {
    [CTR_NS_IPC] = "ipc", [CTR_NS_MNT] = "mnt", [CTR_NS_NET] = "net",       [CTR_NS_PID] = "pid",
    [CTR_NS_USER] = "user", [CTR_NS_UTS] = "uts", [CTR_NS_CGROUP] = "cgroup",
};

CTR_EXPORT int ctr_container_namespace_path(ctr_container_t *c, ctr_ns_t ns, char **ret)
{
    CTR_ENTER();
    CTR_CHECK_ARG(c);
    CTR_CHECK_ARG(ret);
    if (ns < 1 || ns >= CTR_NS_MAX)
        return ctr__err(-EINVAL, "invalid namespace %d", (int)ns);
    int r = ctr__container_lock(c);
    if (r < 0)
        return r;
    ctr_state_t state = c->st.state;
    pid_t pid = c->st.pid;
    ctr__container_unlock(c);
    if ((state != CTR_STATE_RUNNING && state != CTR_STATE_PAUSED) || pid <= 0)
        return ctr__err(-EBUSY, CTR_CFMT " is %s: namespaces exist only while it runs", CTR_CARG(c),
                        ctr_state_name(state));
    char *p = ctr__asprintf("/proc/%d/ns/%s", (int)pid, ns_names[ns]);
    if (!p)
        return -ENOMEM;
    *ret = p;
    return 0;
}

/* ---- batch ---- */

CTR_EXPORT int ctr_container_batch(ctr_container_t *c, ctr_batch_fn fn, void *userdata)
{
    CTR_ENTER();
    CTR_CHECK_ARG(c);
    CTR_CHECK_ARG(fn);
    int r = ctr__container_lock(c);
    if (r < 0)
        return r;
    c->batch++;
    r = fn(c, userdata);
    c->batch--;
    ctr__container_unlock(c);
    return r < 0 ? r : 0;
}

/* ---- remove ---- */

static int remove_locked(ctr_container_t *c, uint64_t flags);

static int remove_dependents(ctr_container_t *c, uint64_t flags)
{
    _cleanup_strv_ char **deps = NULL;
    int r = ctr__runtime_dependents(c->rt, c->cfg->id, &deps);
    if (r < 0)
        return r;
    size_t n = ctr__strv_len((const char *const *)deps);
    if (n == 0)
        return 0;
    if (!(flags & CTR_REMOVE_FORCE)) {
        _cleanup_(ctr_container_unrefp) ctr_container_t *d = NULL;
        const char *first = deps[0];
        if (ctr__container_load(c->rt, deps[0], NULL, NULL, &d) == 0)
            first = d->cfg->name;
        return ctr__err(-EBUSY, CTR_CFMT " is needed by %zu other container%s (%s%s): remove %s first or force",
                        CTR_CARG(c), n, n == 1 ? "" : "s", first, n > 1 ? ", ..." : "", n == 1 ? "it" : "them");
    }
    for (char **p = deps; *p; p++) {
        _cleanup_(ctr_container_unrefp) ctr_container_t *d = NULL;
        r = ctr__container_load(c->rt, *p, NULL, NULL, &d);
        if (r == -ENOENT)
            continue;
        if (r == 0)
            r = remove_locked(d, flags);
        if (r < 0 && r != -ENOENT)
            return ctr__err_prefix(r, "removing dependent container %.12s", *p);
    }
    return 0;
}

/* Remove c; the runtime lock is held by the caller. */
static int remove_locked(ctr_container_t *c, uint64_t flags)
{
    int r = remove_dependents(c, flags);
    if (r < 0)
        return r;
    r = ctr__container_lock(c);
    if (r < 0)
        return r;
    r = ctr__lifecycle_teardown(c, (flags & CTR_REMOVE_FORCE) != 0);
    CTR_FAULT_POINT("remove.after-teardown");
    if (r == 0 && c->st.state != CTR_STATE_REMOVING) {
        c->st.state = CTR_STATE_REMOVING;
        r = ctr__container_save(c);
    }
    CTR_FAULT_POINT("remove.after-removing-save");
    if (r == 0)
        r = ctr__storage_delete(ctr__runtime_settings(c->rt), c->cfg);
    CTR_FAULT_POINT("remove.after-storage-delete");
    if (r == 0) {
        int k = ctr__rm_rf(c->cfg->static_dir);
        if (k < 0)
            r = ctr__err(k, "cannot remove %s: %s", c->cfg->static_dir, strerror(-k));
    }
    if (r == 0 && c->st.run_dir) {
        int k = ctr__rm_rf(c->st.run_dir);
        if (k < 0)
            r = ctr__err(k, "cannot remove %s: %s", c->st.run_dir, strerror(-k));
    }
    CTR_FAULT_POINT("remove.after-dirs");
    if (r == 0) {
        r = ctr__state_remove(ctr__runtime_state(c->rt), c->cfg->id, c->cfg->name);
        CTR_FAULT_POINT("remove.after-state-remove");
        if (r == 0 || r == -ENOENT) {
            r = 0;
            c->removed = true;
            ctr__lock_unlink(&c->lock);
            ctr__runtime_config_forget(c->rt, c->cfg->id);
        }
    }
    ctr__container_unlock(c);
    if (r == 0)
        ctr__rt_log(c->rt, CTR_LOG_DEBUG, "removed container %s", c->cfg->name);
    return r;
}

CTR_EXPORT int ctr_container_remove(ctr_container_t *c, uint64_t flags)
{
    CTR_ENTER();
    CTR_CHECK_ARG(c);
    if (flags & ~(uint64_t)(CTR_REMOVE_FORCE | CTR_REMOVE_VOLUMES))
        return ctr__err(-EINVAL, "unknown remove flags 0x%llx", (unsigned long long)flags);
    if (ctr__container_in_batch(c))
        return ctr__err(-EDEADLK, "cannot remove " CTR_CFMT " inside its own batch", CTR_CARG(c));
    if (c->removed)
        return ctr__err(-ENOENT, CTR_CFMT " has already been removed", CTR_CARG(c));
    /* Lock order: runtime, then container. */
    int r = ctr__lock_acquire(ctr__runtime_lock(c->rt));
    if (r < 0)
        return r;
    r = remove_locked(c, flags);
    ctr__lock_release(ctr__runtime_lock(c->rt));
    return r;
}
