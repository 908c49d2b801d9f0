/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* ctr_container_create(): the options checked (before anything is
 * allocated), the config built with its defaults, a name, the image's layer,
 * the static directory and the record, all under the runtime lock. */
#include "api/create.h"

#include <stddef.h>
#include <arpa/inet.h>
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/error.h"
#include "base/fault.h"
#include "base/json-util.h"
#include "base/names.h"
#include "base/options.h"
#include "core/events.h"
#include "core/container.h"
#include "core/pod.h"
#include "core/runtime.h"
#include "core/volume.h"
#include "storage/container-storage.h"

#define DEFAULT_SHM_SIZE (64LL * 1024 * 1024)
#define DEFAULT_STOP_TIMEOUT 10
#define DEFAULT_CGROUP_PARENT "/libctr_parent"

#define KNOWN_FLAGS                                                                                          \
    (CTR_CREATE_READ_ONLY | CTR_CREATE_PRIVILEGED | CTR_CREATE_NO_NEW_PRIVS | CTR_CREATE_STDIN |             \
     CTR_CREATE_TERMINAL | CTR_CREATE_NETNS | CTR_CREATE_IMAGE_VOLUMES | CTR_CREATE_HOST_NETWORK |           \
     CTR_CREATE_AUTO_REMOVE | CTR_CREATE_INIT | CTR_CREATE_OOM_KILL_DISABLE | CTR_CREATE_NO_READ_ONLY_TMPFS |      \
     CTR_CREATE_OOM_SCORE_ADJ | CTR_CREATE_IMAGE_VOLUMES_TMPFS)

static const struct ctr__options_type options_type = {
    "container options", CTR_CONTAINER_OPTIONS_VERSION,
    (const size_t[]){ 0, offsetof(ctr_container_options_t, log_size_max), offsetof(ctr_container_options_t, mounts),
                      offsetof(ctr_container_options_t, health_on_failure), sizeof(ctr_container_options_t) }
};

CTR_EXPORT int ctr_container_options_init(ctr_container_options_t *opts, unsigned int version)
{
    CTR_ENTER();
    CTR_CHECK_ARG(opts);
    int r = ctr__options_clear(&options_type, opts, version);
    if (r < 0)
        return r;
    opts->stop_timeout = -1;
    return 0;
}

/* ---- checks: nothing allocated ---- */

static bool has_ctl(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7f)
            return true;
    return false;
}

/* KEY=VALUE entries (env, labels): a key that is not empty and has no
 * control character (a newline would forge another entry wherever the list
 * is written one per line); any value. */
static int check_kv(const char *what, const char *const *v)
{
    for (; v && *v; v++) {
        const char *eq = strchr(*v, '=');
        if (!eq || eq == *v)
            return ctr__err(-EINVAL, "%s entry \"%.300s\" is not KEY=VALUE", what, *v);
        for (const char *p = *v; p < eq; p++)
            if ((unsigned char)*p < 0x20 || *p == 0x7f)
                return ctr__err(-EINVAL, "%s key \"%.*s\" has control characters", what, (int)(eq - *v), *v);
    }
    return 0;
}

static int check_strv(const char *what, const char *const *v)
{
    for (; v && *v; v++)
        if (isempty(*v) || has_ctl(*v))
            return ctr__err(-EINVAL, "%s entry \"%.300s\" is empty or has control characters", what, *v);
    return 0;
}

static bool is_ip(const char *s)
{
    unsigned char buf[sizeof(struct in6_addr)];
    return inet_pton(AF_INET, s, buf) == 1 || inet_pton(AF_INET6, s, buf) == 1;
}

/* DNS servers are addresses; host entries HOST:IP (podman's messages). */
static int check_addresses(const ctr_container_options_t *o)
{
    for (const char *const *s = o->dns_servers; s && *s; s++)
        if (!is_ip(*s))
            return ctr__err(-EINVAL, "DNS server \"%.300s\" is not an IP address", *s);
    for (const char *const *h = o->hosts_add; h && *h; h++) {
        const char *colon = strchr(*h, ':');
        if (!colon || colon == *h || colon - *h > 253 || strpbrk(*h, " \t"))
            return ctr__err(-EINVAL, "bad format for add-host: \"%.300s\" (HOST:IP)", *h);
        if (!is_ip(colon + 1))
            return ctr__err(-EINVAL, "invalid IP address in add-host: \"%.300s\"", colon + 1);
    }
    return 0;
}

static const char *port_protocol(const ctr_port_mapping_t *p)
{
    return p->protocol ? p->protocol : "tcp";
}

static int check_ports(const ctr_port_mapping_t *p, size_t n)
{
    if (n > 0 && !p)
        return ctr__err(-EINVAL, "n_port_mappings is %zu but port_mappings is NULL", n);
    for (size_t i = 0; i < n; i++) {
        const char *proto = port_protocol(&p[i]);
        if (!streq(proto, "tcp") && !streq(proto, "udp") && !streq(proto, "sctp"))
            return ctr__err(-EINVAL, "port mapping %zu: unknown protocol \"%s\"", i, proto);
        if (p[i].container_port == 0)
            return ctr__err(-EINVAL, "port mapping %zu: container port 0", i);
        if (p[i].host_ip && has_ctl(p[i].host_ip))
            return ctr__err(-EINVAL, "port mapping %zu: bad host IP", i);
    }
    return 0;
}

/* The paths and single strings of the options. */
static int check_values(const ctr_container_options_t *o)
{
    int r;
    if (o->name && (r = ctr__name_check(o->name)) < 0)
        return r;
    if (o->flags & ~(uint64_t)KNOWN_FLAGS)
        return ctr__err(-EINVAL, "unknown container flags 0x%llx", (unsigned long long)(o->flags & ~(uint64_t)KNOWN_FLAGS));
    if ((o->flags & CTR_CREATE_IMAGE_VOLUMES) && (o->flags & CTR_CREATE_IMAGE_VOLUMES_TMPFS))
        return ctr__err(-EINVAL, "the image's volumes are either volumes (CTR_CREATE_IMAGE_VOLUMES) or tmpfs "
                                 "mounts (CTR_CREATE_IMAGE_VOLUMES_TMPFS), not both");
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
    if (o->command && !o->command[0]) /* any bytes are fine in argv */
        return ctr__err(-EINVAL, "the command is empty");
    return 0;
}

/* The network mode and the namespaces joined. */
static int check_namespaces(const ctr_container_options_t *o)
{
    if (o->netns_path && o->netns_path[0] != '/')
        return ctr__err(-EINVAL, "network namespace path \"%s\" is not absolute", o->netns_path);
    int modes = !!(o->flags & CTR_CREATE_NETNS) + !!(o->flags & CTR_CREATE_HOST_NETWORK) + !!o->netns_path +
                !!o->ns_ctr[CTR_NS_NET];
    if (modes > 1)
        return ctr__err(-EINVAL, "choose one network mode: a new namespace, the host's, a given path, or "
                                 "another container's");
    if (o->networks && o->networks[0] && !(o->flags & CTR_CREATE_NETNS))
        return ctr__err(-EINVAL, "networks need a new network namespace (CTR_CREATE_NETNS)");
    if (o->n_port_mappings && !(o->flags & CTR_CREATE_NETNS))
        return ctr__err(-EINVAL, "port mappings need a new network namespace (CTR_CREATE_NETNS)");
    if (o->ns_ctr[0])
        return ctr__err(-EINVAL, "ns_ctr[0] is unused and must be NULL");
    return 0;
}

/* The volumes a create may make: their names (a name with '/' is refused
 * here, before anything is made). */
static int check_volume_names(const ctr_container_options_t *o)
{
    for (size_t i = 0; o->mounts && i < o->n_mounts; i++) {
        const ctr_mount_t *m = &o->mounts[i];
        if (!m->type || !streq(m->type, "volume") || isempty(m->source))
            continue;
        int r = ctr__volume_check_name(m->source);
        if (r < 0)
            return ctr__err_prefix(r, "mount at %s", m->destination ? m->destination : "(none)");
    }
    return 0;
}

static int check_options(const ctr_container_options_t *o)
{
    int r;
    if ((r = check_values(o)) < 0 || (r = check_kv("env", o->env)) < 0 || (r = check_kv("label", o->labels)) < 0 ||
        (r = check_strv("DNS server", o->dns_servers)) < 0 ||
        (r = check_strv("DNS search domain", o->dns_search)) < 0 ||
        (r = check_strv("DNS option", o->dns_options)) < 0 || (r = check_strv("host entry", o->hosts_add)) < 0 ||
        (r = check_addresses(o)) < 0 || (r = check_strv("network", o->networks)) < 0 ||
        (r = check_ports(o->port_mappings, o->n_port_mappings)) < 0 || (r = check_namespaces(o)) < 0)
        return r;
    if ((r = ctr__mounts_check(o)) < 0 || (r = check_volume_names(o)) < 0 || (r = ctr__resources_check(o)) < 0 ||
        (r = ctr__security_check(o)) < 0)
        return r;
    return ctr__process_check(o);
}

/* ---- the config ---- */

static int copy_ports(struct ctr__config *cfg, const ctr_port_mapping_t *p, size_t n)
{
    if (n == 0)
        return 0;
    cfg->ports = calloc(n, sizeof *cfg->ports);
    if (!cfg->ports)
        return ctr__oom("port mappings");
    for (size_t i = 0; i < n; i++) {
        cfg->ports[i].host_ip = ctr__strdup_null(isempty(p[i].host_ip) ? NULL : p[i].host_ip);
        cfg->ports[i].protocol = strdup(port_protocol(&p[i]));
        cfg->ports[i].host_port = p[i].host_port;
        cfg->ports[i].container_port = p[i].container_port;
        cfg->n_ports = i + 1;
        if (!cfg->ports[i].protocol || (!isempty(p[i].host_ip) && !cfg->ports[i].host_ip))
            return ctr__oom("port mappings");
    }
    return 0;
}

/* The strings and lists of the options, as given. */
static bool copy_strings(const ctr_container_options_t *o, struct ctr__config *cfg)
{
    cfg->name = ctr__strdup_null(o->name);
    cfg->pod = ctr__strdup_null(o->pod);
    cfg->rootfs = ctr__strdup_null(o->rootfs);
    cfg->image_name = ctr__strdup_null(o->image);
    cfg->workdir = ctr__strdup_null(o->workdir);
    cfg->user = ctr__strdup_null(o->user);
    cfg->hostname = ctr__strdup_null(o->hostname);
    cfg->process_label = ctr__strdup_null(o->process_label);
    cfg->mount_label = ctr__strdup_null(o->mount_label);
    cfg->netns_path = ctr__strdup_null(o->netns_path);
    cfg->command = ctr__strv_copy(o->command);
    cfg->env = ctr__strv_copy(o->env);
    cfg->dns_servers = ctr__strv_copy(o->dns_servers);
    cfg->dns_search = ctr__strv_copy(o->dns_search);
    cfg->dns_options = ctr__strv_copy(o->dns_options);
    cfg->hosts_add = ctr__strv_copy(o->hosts_add);
    cfg->networks = ctr__strv_copy(o->networks);
    cfg->labels = ctr__strv_copy(o->labels);
    cfg->volumes = ctr__strv_copy(NULL);
    cfg->exposed_ports = ctr__strv_copy(NULL);
    cfg->create_command = ctr__strv_copy(o->create_command);
    return (!o->name || cfg->name) && (!o->pod || cfg->pod) && (!o->rootfs || cfg->rootfs) &&
           (!o->image || cfg->image_name) && (!o->workdir || cfg->workdir) && (!o->user || cfg->user) &&
           (!o->hostname || cfg->hostname) && (!o->process_label || cfg->process_label) &&
           (!o->mount_label || cfg->mount_label) && (!o->netns_path || cfg->netns_path) && cfg->command &&
           cfg->env && cfg->dns_servers && cfg->dns_search && cfg->dns_options && cfg->hosts_add &&
           cfg->networks && cfg->labels && cfg->volumes && cfg->exposed_ports && cfg->create_command;
}

/* The ID, the paths under the runtime's roots and the defaults. */
static int fill_defaults(ctr_runtime_t *rt, const ctr_container_options_t *o, struct ctr__config *cfg)
{
    char id[65];
    int r = ctr__random_id(id);
    if (r < 0)
        return ctr__err(r, "cannot get random bytes for an ID: %s", strerror(-r));
    cfg->id = strdup(id);
    cfg->flags = o->flags;
    cfg->shm_size = o->shm_size ? o->shm_size : DEFAULT_SHM_SIZE;
    cfg->stop_signal = o->stop_signal ? o->stop_signal : SIGTERM;
    cfg->stop_timeout = o->stop_timeout < 0 ? DEFAULT_STOP_TIMEOUT : (unsigned int)o->stop_timeout;
    cfg->created = ctr__now_ns();
    cfg->static_dir = ctr__static_dir(rt, id);
    _cleanup_free_ char *run_dir = ctr__run_dir(rt, id);
    cfg->shm_dir = run_dir ? ctr__asprintf("%s/shm", run_dir) : NULL;
    cfg->log_path = o->log_path ? strdup(o->log_path) : ctr__asprintf("%s/ctr.log", cfg->static_dir ? cfg->static_dir : "");
    cfg->cgroup_parent = strdup(o->cgroup_parent ? o->cgroup_parent : DEFAULT_CGROUP_PARENT);
    int64_t log_max = o->log_size_max ? o->log_size_max : ctr__runtime_settings(rt)->log_size_max;
    cfg->log_size_max = log_max > 0 ? log_max : 0;
    if (!cfg->id || !cfg->static_dir || !cfg->shm_dir || !cfg->log_path || !cfg->cgroup_parent)
        return ctr__oom("container config");
    /* No network named: the runtime's default, fixed now (as podman does). */
    if ((cfg->flags & CTR_CREATE_NETNS) && !cfg->networks[0] &&
        ctr__strv_push(&cfg->networks, ctr__runtime_settings(rt)->default_network) < 0)
        return ctr__oom("container config");
    return 0;
}

/* The namespace containers, resolved under the runtime lock so that they
 * cannot be removed between the check and the add. */
static int resolve_namespaces(ctr_runtime_t *rt, const ctr_container_options_t *o, struct ctr__config *cfg)
{
    for (size_t ns = 1; ns < CTR_NS_MAX; ns++) {
        if (!o->ns_ctr[ns])
            continue;
        int r = ctr__runtime_resolve(rt, o->ns_ctr[ns], &cfg->ns_ctr[ns]);
        if (r < 0)
            return ctr__err_prefix(r, "namespace container \"%s\"", o->ns_ctr[ns]);
    }
    if (cfg->ns_ctr[CTR_NS_NET] && (cfg->flags & CTR_CREATE_NETNS))
        return ctr__err(-EINVAL, "joining another container's network namespace conflicts with creating one");
    return 0;
}

/* The namespaces of a pod's infra container that a member joins. */
static const struct {
    uint32_t share;
    ctr_ns_t ns;
} pod_ns[] = {
    { CTR_POD_SHARE_IPC, CTR_NS_IPC }, { CTR_POD_SHARE_NET, CTR_NS_NET },      { CTR_POD_SHARE_UTS, CTR_NS_UTS },
    { CTR_POD_SHARE_PID, CTR_NS_PID }, { CTR_POD_SHARE_CGROUP, CTR_NS_CGROUP },
};

/* A member joins what its pod shares; what would conflict with that is
 * refused, as podman refuses it. */
static int join_infra(const ctr_container_options_t *o, struct ctr__config *cfg, const struct ctr__pod *p)
{
    if ((p->share & CTR_POD_SHARE_NET) &&
        ((o->flags & (CTR_CREATE_NETNS | CTR_CREATE_HOST_NETWORK)) || o->n_port_mappings || o->netns_path ||
         (o->networks && o->networks[0])))
        return ctr__err(-EINVAL, "container of pod %s: the pod shares its network namespace, so ports, networks "
                                 "and a network mode are the pod's (set them when the pod is created)", p->name);
    if ((p->share & CTR_POD_SHARE_UTS) && o->hostname)
        return ctr__err(-EINVAL, "container of pod %s: cannot set a host name when joining the pod's UTS namespace",
                        p->name);
    for (size_t i = 0; i < ARRAY_SIZE(pod_ns); i++) {
        if (!(p->share & pod_ns[i].share))
            continue;
        if (cfg->ns_ctr[pod_ns[i].ns])
            return ctr__err(-EINVAL, "container of pod %s: the pod shares its %s namespace; it cannot join another",
                            p->name, ctr__ns_name(pod_ns[i].ns));
        if (!(cfg->ns_ctr[pod_ns[i].ns] = strdup(p->infra_id)))
            return ctr__oom("container config");
    }
    if ((p->share & CTR_POD_SHARE_UTS) && !(cfg->hostname = strdup(p->hostname ? p->hostname : p->name)))
        return ctr__oom("container config");
    return 0;
}

/* A container of a pod (runtime lock held): the pod's full ID, its cgroup
 * as the parent, and, for a member, the infra container's namespaces. */
static int apply_pod(ctr_runtime_t *rt, const ctr_container_options_t *o, struct ctr__config *cfg)
{
    if (!o->pod)
        return 0;
    struct ctr__pod p = { 0 };
    int r = ctr__pod_resolve(rt, o->pod, &p);
    if (r < 0)
        return r;
    free(cfg->pod);
    cfg->pod = strdup(p.id);
    if (!o->cgroup_parent) {
        free(cfg->cgroup_parent);
        cfg->cgroup_parent = ctr__pod_cgroup_path(&p);
    }
    if (!cfg->pod || !cfg->cgroup_parent)
        r = ctr__oom("container config");
    else if (!cfg->infra && p.infra_id)
        r = join_infra(o, cfg, &p);
    ctr__pod_clear(&p);
    return r;
}

static int spec_copy(const char *spec_json, struct ctr__config *cfg)
{
    if (!spec_json)
        return 0;
    _cleanup_json_ json_object *spec = NULL;
    int r = ctr__json_parse(spec_json, "OCI runtime spec", &spec);
    if (r < 0)
        return r;
    if (!json_object_is_type(spec, json_type_object))
        return ctr__err(-EINVAL, "OCI runtime spec: not a JSON object");
    return ctr__json_to_string(spec, &cfg->spec_json);
}

/* The config of the options (checked already), runtime lock held. */
static int build_config(ctr_runtime_t *rt, const ctr_container_options_t *o, struct ctr__config *cfg)
{
    int r = spec_copy(o->spec_json, cfg);
    if (r < 0)
        return r;
    if (!copy_strings(o, cfg))
        return ctr__oom("container config");
    if ((r = fill_defaults(rt, o, cfg)) < 0 || (r = ctr__labels_normalize(cfg->labels)) < 0 ||
        (r = copy_ports(cfg, o->port_mappings, o->n_port_mappings)) < 0)
        return r;
    if ((r = ctr__mounts_copy(o, &cfg->mounts)) < 0 || (r = ctr__resources_copy(o, &cfg->resources)) < 0 ||
        (r = ctr__security_copy(o, &cfg->security)) < 0 || (r = ctr__process_copy(o, &cfg->process)) < 0)
        return r;
    if ((r = resolve_namespaces(rt, o, cfg)) < 0)
        return r;
    return apply_pod(rt, o, cfg);
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
        if (r == -ENOENT && (r = ctr__pod_name_taken(rt, buf)) == 0) {
            *ret = strdup(buf);
            return *ret ? 0 : ctr__oom("container name");
        }
        if (r < 0 && r != -ENOENT)
            return r;
        ctr__err_clear();
    }
    return ctr__err(-EEXIST, "could not find a free generated name");
}

/* ---- the record ---- */

/* The static directory and the record (runtime lock held); on failure
 * neither is left. */
static int record(ctr_runtime_t *rt, const struct ctr__config *cfg)
{
    _cleanup_free_ char *config_json = NULL, *state_json = NULL;
    struct ctr__status st;
    ctr__status_init(&st);
    int r = ctr__config_to_json(cfg, &config_json);
    if (r < 0 || (r = ctr__status_to_json(&st, &state_json)) < 0)
        return r;
    if (mkdir(cfg->static_dir, 0700) < 0)
        return ctr__err(-errno, "cannot create %s: %m", cfg->static_dir);
    CTR_FAULT_POINT("create.after-static-dir");
    r = ctr__state_add(ctr__runtime_state(rt), cfg->id, cfg->name, config_json, state_json);
    if (r == -EEXIST)
        ctr__err(-EEXIST, "the name \"%s\" is already in use", cfg->name);
    if (r < 0)
        ctr__rm_rf(cfg->static_dir);
    return r;
}

/* ---- creates in flight ---- */

static char *mark_path(ctr_runtime_t *rt, const char *id)
{
    return ctr__asprintf("%s/creating%s%s", ctr__runtime_settings(rt)->run_root, id ? "/" : "", id ? id : "");
}

static int mark(ctr_runtime_t *rt, const char *id)
{
    _cleanup_free_ char *path = mark_path(rt, id);
    if (!path)
        return ctr__oom("a path");
    int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0 && errno == ENOENT) { /* the first create of this run root */
        _cleanup_free_ char *dir = mark_path(rt, NULL);
        if (!dir)
            return ctr__oom("a path");
        if (mkdir(dir, 0700) < 0 && errno != EEXIST)
            return ctr__err(-errno, "cannot create %s: %m", dir);
        fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    }
    if (fd < 0)
        return ctr__err(-errno, "cannot create %s: %m", path);
    close(fd);
    return 0;
}

static void unmark(ctr_runtime_t *rt, const char *id)
{
    _cleanup_free_ char *path = mark_path(rt, id);
    if (path)
        unlink(path);
}

/* One mark: a record means the create finished (it died before the
 * unmark); none, that its layer and static directory are leftovers. */
static int undo_one(ctr_runtime_t *rt, const char *id)
{
    int r = ctr__state_get(ctr__runtime_state(rt), id, NULL, NULL);
    if (r == -ENOENT) {
        ctr__err_clear();
        ctr__rt_log(rt, CTR_LOG_INFO, "undoing the create of %.12s that did not finish", id);
        if ((r = ctr__storage_forget_id(ctr__runtime_settings(rt), id)) < 0)
            return r;
        _cleanup_free_ char *dir = ctr__static_dir(rt, id);
        if (!dir)
            return ctr__oom("a path");
        if ((r = ctr__rm_rf(dir)) < 0)
            return ctr__err(r, "cannot remove %s: %s", dir, strerror(-r));
    } else if (r < 0) {
        return r;
    }
    unmark(rt, id);
    return 0;
}

void ctr__create_undo_died(ctr_runtime_t *rt)
{
    _cleanup_free_ char *dir = mark_path(rt, NULL);
    _cleanup_dir_ DIR *d = dir ? opendir(dir) : NULL;
    for (struct dirent *de; d && (de = readdir(d));) {
        if (!ctr__id_valid(de->d_name))
            continue;
        struct ctr__err_saved saved;
        ctr__err_save(&saved);
        if (undo_one(rt, de->d_name) < 0)
            ctr__rt_log(rt, CTR_LOG_WARNING, "container %.12s: %s", de->d_name, ctr_error_last()->message);
        ctr__err_restore(&saved);
    }
}

/* The layer, the volumes and the record, each undone when a later one
 * fails (runtime lock held, the create marked). */
static int create_marked(ctr_runtime_t *rt, const ctr_container_options_t *o, struct ctr__config *cfg)
{
    const struct ctr__settings *set = ctr__runtime_settings(rt);
    int r;
    if (o->image && (r = ctr__storage_container_create(set, cfg, o->image)) < 0)
        return r;
    CTR_FAULT_POINT("create.after-storage");
    _cleanup_strv_ char **made = NULL;
    if ((r = ctr__volumes_create_for(rt, cfg, &made)) < 0) {
        if (o->image)
            ctr__storage_forget(set, cfg);
        return r;
    }
    r = record(rt, cfg);
    if (r < 0) {
        ctr__volumes_undo(rt, made);
        if (o->image)
            ctr__storage_forget(set, cfg);
    }
    return r;
}

static int create_locked(ctr_runtime_t *rt, const ctr_container_options_t *o, struct ctr__config *cfg)
{
    int r = build_config(rt, o, cfg);
    if (r < 0 || (!cfg->name && (r = generate_name(rt, &cfg->name)) < 0))
        return r;
    if (o->name && (r = ctr__pod_name_taken(rt, cfg->name)) != 0)
        return r < 0 ? r : ctr__err(-EEXIST, "the name \"%s\" is in use by a pod", cfg->name);
    if ((r = mark(rt, cfg->id)) < 0)
        return r;
    bool member = cfg->pod && !cfg->infra;
    r = member ? ctr__pod_member_add(rt, cfg->pod, cfg->id) : 0; /* before the record: a superset */
    if (r == 0)
        r = create_marked(rt, o, cfg);
    if (r < 0 && member) {
        struct ctr__err_saved saved;
        ctr__err_save(&saved);
        ctr__pod_member_remove(rt, cfg->pod, cfg->id);
        ctr__err_restore(&saved);
    }
    CTR_FAULT_POINT("create.after-add");
    unmark(rt, cfg->id);
    if (r == 0)
        ctr__event_config(rt, cfg, "create", 0, NULL);
    return r;
}

int ctr__container_options_copy(ctr_container_options_t *dst, const ctr_container_options_t *src)
{
    ctr_container_options_init(dst, CTR_CONTAINER_OPTIONS_VERSION);
    return ctr__options_copy(&options_type, dst, src);
}

static int create(ctr_container_t **ret, ctr_runtime_t *rt, const ctr_container_options_t *opts, bool infra)
{
    ctr_container_options_t o;
    int r = ctr__container_options_copy(&o, opts);
    if (r < 0)
        return r;
    r = check_options(&o);
    if (r < 0)
        return r;

    _cleanup_(ctr__config_unrefp) struct ctr__config *cfg = calloc(1, sizeof *cfg);
    if (!cfg)
        return ctr__oom("container config");
    cfg->refs = 1;
    cfg->infra = infra;
    if ((r = ctr__lock_acquire(ctr__runtime_lock(rt))) < 0)
        return r;
    r = create_locked(rt, &o, cfg);
    ctr__lock_release(ctr__runtime_lock(rt));
    if (r < 0)
        return r;

    ctr__runtime_config_remember(rt, cfg);
    if ((r = ctr__container_new(rt, cfg, ret)) < 0)
        return r;
    ctr__rt_log(rt, CTR_LOG_DEBUG, "created container %s (%s)", cfg->name, cfg->id);
    return 0;
}

CTR_EXPORT int ctr_container_create(ctr_container_t **ret, ctr_runtime_t *rt, const ctr_container_options_t *opts)
{
    CTR_ENTER();
    CTR_CHECK_ARG(ret);
    CTR_CHECK_ARG(rt);
    CTR_CHECK_ARG(opts);
    return create(ret, rt, opts, false);
}

int ctr__container_create_infra(ctr_container_t **ret, ctr_runtime_t *rt, const ctr_container_options_t *opts)
{
    return create(ret, rt, opts, true);
}
