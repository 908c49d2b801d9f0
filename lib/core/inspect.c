/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Inspect: the container as JSON shaped like `podman inspect`, so tools that
 * read podman's output can read ours. */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>

#include "base/error.h"
#include "base/json-util.h"
#include "core/container-net.h"
#include "core/container.h"
#include "core/lifecycle.h"
#include "core/rootfs.h"
#include "data/health.h"
#include "data/spec.h"
#include "storage/volume-dir.h"

static json_object *str_or_empty(const char *s)
{
    return json_object_new_string(s ? s : "");
}

static json_object *time_str(int64_t ns)
{
    char t[64];
    if (ns == 0)
        return json_object_new_string("0001-01-01T00:00:00Z");
    ctr__format_time(ns, t, sizeof t);
    return json_object_new_string(t);
}

/* KEY=VALUE labels as an object; null when there are none, as podman shows them. */
static json_object *labels_obj(char *const *labels)
{
    return labels && labels[0] ? ctr__json_kv_object(labels) : NULL;
}

static const char *const ns_keys[CTR_NS_MAX] = {
    [CTR_NS_IPC] = "IpcMode", [CTR_NS_NET] = "NetworkMode", [CTR_NS_PID] = "PidMode",
    [CTR_NS_UTS] = "UTSMode", [CTR_NS_USER] = "UsernsMode", [CTR_NS_CGROUP] = "CgroupMode",
};

/* A size as podman prints one (go-units' HumanSize: powers of 1000, four
 * significant digits): "10MB", "1.5kB", "0B". */
static void human_size(int64_t v, char *buf, size_t size)
{
    static const char *const units[] = { "B", "kB", "MB", "GB", "TB", "PB", "EB" };
    double d = (double)v;
    size_t i = 0;
    while (d >= 1000 && i + 1 < ARRAY_SIZE(units)) {
        d /= 1000;
        i++;
    }
    snprintf(buf, size, "%.4g%s", d, units[i]);
}

/* HostConfig.LogConfig, podman's keys. */
static json_object *log_config(const struct ctr__config *cfg)
{
    json_object *l = json_object_new_object();
    if (!l)
        return NULL;
    char size[32];
    human_size(cfg->log_size_max, size, sizeof size);
    json_object_object_add(l, "Type", json_object_new_string("k8s-file"));
    json_object_object_add(l, "Config", NULL);
    json_object_object_add(l, "Path", str_or_empty(cfg->log_path));
    json_object_object_add(l, "Tag", json_object_new_string(""));
    json_object_object_add(l, "Size", json_object_new_string(size));
    return l;
}

/* The HostConfig keys of podman's that libctr has no setting for: podman's
 * values when none is given. */
static void add_fixed_host_keys(json_object *h)
{
    json_object *console = json_object_new_array();
    json_object_array_add(console, json_object_new_int(0));
    json_object_array_add(console, json_object_new_int(0));
    json_object_object_add(h, "ConsoleSize", console);
    static const char *const empty[] = { "ContainerIDFile", "VolumeDriver", "Cgroup", "Isolation" };
    for (size_t i = 0; i < ARRAY_SIZE(empty); i++)
        json_object_object_add(h, empty[i], json_object_new_string(""));
    static const char *const nulls[] = { "VolumesFrom", "Links", "CgroupConf" };
    for (size_t i = 0; i < ARRAY_SIZE(nulls); i++)
        json_object_object_add(h, nulls[i], NULL);
    json_object_object_add(h, "Cgroups", json_object_new_string("default"));
    json_object_object_add(h, "Runtime", json_object_new_string("oci"));
    json_object_object_add(h, "PublishAllPorts", json_object_new_boolean(0));
    json_object_object_add(h, "DiskQuota", json_object_new_int(0));
}

static json_object *host_config(const struct ctr__config *cfg)
{
    json_object *h = json_object_new_object();
    if (!h)
        return NULL;
    json_object_object_add(h, "CgroupManager", json_object_new_string("cgroupfs"));
    json_object_object_add(h, "CgroupParent", str_or_empty(cfg->cgroup_parent));
    json_object_object_add(h, "Privileged", json_object_new_boolean(cfg->flags & CTR_CREATE_PRIVILEGED));
    json_object_object_add(h, "ReadonlyRootfs", json_object_new_boolean(cfg->flags & CTR_CREATE_READ_ONLY));
    json_object_object_add(h, "ShmSize", json_object_new_int64(cfg->shm_size));
    json_object_object_add(h, "AutoRemove", json_object_new_boolean(cfg->flags & CTR_CREATE_AUTO_REMOVE));
    json_object_object_add(h, "Dns", ctr__json_strv(cfg->dns_servers));
    json_object_object_add(h, "DnsSearch", ctr__json_strv(cfg->dns_search));
    json_object_object_add(h, "DnsOptions", ctr__json_strv(cfg->dns_options));
    json_object_object_add(h, "ExtraHosts", ctr__json_strv(cfg->hosts_add));
    json_object_object_add(h, "LogConfig", log_config(cfg));
    for (size_t ns = 1; ns < CTR_NS_MAX; ns++) {
        if (!ns_keys[ns])
            continue;
        char mode[80];
        if (cfg->ns_ctr[ns])
            snprintf(mode, sizeof mode, "container:%s", cfg->ns_ctr[ns]);
        else if (ns == CTR_NS_NET)
            snprintf(mode, sizeof mode, "%s%s",
                     (cfg->flags & CTR_CREATE_NETNS)          ? "bridge"
                     : (cfg->flags & CTR_CREATE_HOST_NETWORK) ? "host"
                     : cfg->netns_path                        ? "ns:"
                                                              : "none",
                     cfg->netns_path ? cfg->netns_path : "");
        else if (ns == CTR_NS_USER || ns == CTR_NS_CGROUP)
            snprintf(mode, sizeof mode, "host");
        else
            snprintf(mode, sizeof mode, "private");
        json_object_object_add(h, ns_keys[ns], json_object_new_string(mode));
    }
    json_object *ports = json_object_new_object();
    for (size_t i = 0; ports && i < cfg->n_ports; i++) {
        char key[32];
        snprintf(key, sizeof key, "%u/%s", cfg->ports[i].container_port, cfg->ports[i].protocol);
        json_object *arr = NULL;
        if (!json_object_object_get_ex(ports, key, &arr)) {
            arr = json_object_new_array();
            json_object_object_add(ports, key, arr);
        }
        json_object *b = json_object_new_object();
        char hp[16];
        snprintf(hp, sizeof hp, "%u", cfg->ports[i].host_port);
        json_object_object_add(b, "HostIp", str_or_empty(cfg->ports[i].host_ip));
        json_object_object_add(b, "HostPort", json_object_new_string(hp));
        json_object_array_add(arr, b);
    }
    json_object_object_add(h, "PortBindings", ports);
    add_fixed_host_keys(h);
    return h;
}

/* podman's checkpoint keys of State: the times always, the rest when set. */
static void checkpoint_keys(json_object *s, const struct ctr__status *st, const char *static_dir)
{
    static const struct {
        const char *key, *name;
        unsigned bit;
    } files[] = {
        { "CheckpointLog", "dump.log", CTR__CKPT_FILE_DUMP_LOG },
        { "CheckpointPath", "checkpoint", CTR__CKPT_FILE_IMAGES },
        { "RestoreLog", "restore.log", CTR__CKPT_FILE_RESTORE_LOG },
    };
    if (st->checkpointed)
        json_object_object_add(s, "Checkpointed", json_object_new_boolean(1));
    json_object_object_add(s, "CheckpointedAt", time_str(st->checkpointed_at));
    json_object_object_add(s, "RestoredAt", time_str(st->restored_at));
    for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
        if (!(st->ckpt_files & files[i].bit))
            continue;
        _cleanup_free_ char *path = ctr__asprintf("%s/%s", static_dir, files[i].name);
        if (path)
            json_object_object_add(s, files[i].key, json_object_new_string(path));
    }
    if (st->restored)
        json_object_object_add(s, "Restored", json_object_new_boolean(1));
}

static json_object *state_obj(const struct ctr__status *st, const char *damage, const char *static_dir,
                              bool has_check)
{
    json_object *s = json_object_new_object();
    if (!s)
        return NULL;
    json_object_object_add(s, "OciVersion", json_object_new_string("1.0.2"));
    json_object_object_add(s, "Status", json_object_new_string(ctr_state_name(st->state)));
    json_object_object_add(s, "Running", json_object_new_boolean(st->state == CTR_STATE_RUNNING));
    json_object_object_add(s, "Paused", json_object_new_boolean(st->state == CTR_STATE_PAUSED));
    json_object_object_add(s, "Restarting", json_object_new_boolean(0));
    json_object_object_add(s, "OOMKilled", json_object_new_boolean(st->oom_killed));
    json_object_object_add(s, "Dead", json_object_new_boolean(0));
    json_object_object_add(s, "Pid", json_object_new_int(st->pid));
    json_object_object_add(s, "ConmonPid", json_object_new_int(st->conmon_pid));
    json_object_object_add(s, "ExitCode", json_object_new_int(st->exit_code < 0 && st->state != CTR_STATE_EXITED ? 0 : st->exit_code));
    json_object_object_add(s, "Error", json_object_new_string(damage ? damage : ""));
    json_object_object_add(s, "StartedAt", time_str(st->started));
    json_object_object_add(s, "FinishedAt", time_str(st->finished));
    json_object_object_add(s, "Health", ctr__health_inspect(st->health_json, has_check));
    checkpoint_keys(s, st, static_dir);
    return s;
}

/* The environment the process really gets: process.env of the generated
 * spec once there is one (podman shows its spec's), else the configured one. */
static json_object *process_env(const struct ctr__config *cfg, const struct ctr__status *st)
{
    _cleanup_free_ char *text = NULL;
    _cleanup_json_ json_object *spec = NULL;
    json_object *proc, *env;
    if (st->config_path && ctr__read_file_at(AT_FDCWD, st->config_path, &text, NULL) == 0 &&
        ctr__json_parse(text, "container spec", &spec) == 0 && json_object_object_get_ex(spec, "process", &proc) &&
        json_object_object_get_ex(proc, "env", &env) && json_object_is_type(env, json_type_array))
        return json_object_get(env);
    ctr__err_clear(); /* a spec that cannot be read: the configuration's, after the default PATH */
    json_object *a = json_object_new_array();
    bool has_path = false;
    for (char **e = cfg->env; *e; e++)
        has_path |= strncmp(*e, "PATH=", 5) == 0;
    if (a && !has_path)
        json_object_array_add(a, json_object_new_string(CTR__DEFAULT_PATH_ENV));
    for (char **e = cfg->env; a && *e; e++)
        json_object_array_add(a, json_object_new_string(*e));
    return a;
}

/* The image's volumes as podman shows them ({"/path": {}}), null when none. */
static json_object *volumes_obj(char *const *volumes)
{
    if (!volumes || !volumes[0])
        return NULL;
    json_object *o = json_object_new_object();
    for (; o && *volumes; volumes++)
        json_object_object_add(o, *volumes, json_object_new_object());
    return o;
}

static json_object *config_obj(const struct ctr__config *cfg, const struct ctr__status *st)
{
    json_object *o = json_object_new_object();
    if (!o)
        return NULL;
    char hostname[72];
    snprintf(hostname, sizeof hostname, "%.*s", cfg->hostname ? 64 : 12, cfg->hostname ? cfg->hostname : cfg->id);
    json_object_object_add(o, "Hostname", json_object_new_string(hostname));
    json_object_object_add(o, "Domainname", json_object_new_string(""));
    json_object_object_add(o, "User", str_or_empty(cfg->user));
    json_object_object_add(o, "AttachStdin", json_object_new_boolean(cfg->flags & CTR_CREATE_STDIN));
    json_object_object_add(o, "AttachStdout", json_object_new_boolean(0));
    json_object_object_add(o, "AttachStderr", json_object_new_boolean(0));
    json_object_object_add(o, "Tty", json_object_new_boolean(cfg->flags & CTR_CREATE_TERMINAL));
    json_object_object_add(o, "OpenStdin", json_object_new_boolean(cfg->flags & CTR_CREATE_STDIN));
    json_object_object_add(o, "StdinOnce", json_object_new_boolean(0));
    json_object_object_add(o, "Env", process_env(cfg, st));
    /* podman: null without a command (an entrypoint alone) */
    json_object_object_add(o, "Cmd", cfg->command[0] ? ctr__json_strv(cfg->command) : NULL);
    json_object_object_add(o, "Image", str_or_empty(cfg->image_name));
    json_object_object_add(o, "WorkingDir", json_object_new_string(cfg->workdir ? cfg->workdir : "/"));
    json_object_object_add(o, "Labels", labels_obj(cfg->labels));
    json_object_object_add(o, "StopSignal", json_object_new_int(cfg->stop_signal));
    json_object_object_add(o, "StopTimeout", json_object_new_int64(cfg->stop_timeout));
    json_object_object_add(o, "Volumes", volumes_obj(cfg->volumes));
    json_object_object_add(o, "OnBuild", NULL);
    json_object_object_add(o, "HealthcheckOnFailureAction",
                           json_object_new_string(cfg->process.health_on_failure ? cfg->process.health_on_failure : "none"));
    json_object_object_add(o, "CreateCommand", ctr__json_strv(cfg->create_command));
    json_object_object_add(o, "Timeout", json_object_new_int(0));
    json_object_object_add(o, "Passwd", json_object_new_boolean(1));
    json_object_object_add(o, "sdNotifyMode", json_object_new_string("container"));
    return o;
}

/* The run directory's /etc files and the monitor's PID files. */
static void add_etc_paths(json_object *o, const struct ctr__status *st)
{
    static const char *const keys[][2] = {
        { "ResolvConfPath", "resolv.conf" }, { "HostnamePath", "hostname" }, { "HostsPath", "hosts" },
        { "ConmonPidFile", "conmon.pid" },   { "PidFile", "pidfile" },
    };
    for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
        char p[4200] = ""; /* before init: "", as podman shows them */
        if (st->run_dir)
            snprintf(p, sizeof p, "%s/%s", st->run_dir, keys[i][1]);
        json_object_object_add(o, keys[i][0], json_object_new_string(p));
    }
}

/* The process's argv (entrypoint, command, init; data/process.c): Path and Args. */
static json_object *args_obj(const struct ctr__config *cfg, char ***ret_argv)
{
    *ret_argv = NULL;
    if (ctr__process_args(&cfg->process, cfg->command, cfg->flags & CTR_CREATE_INIT, ret_argv) < 0)
        return NULL;
    json_object *args = json_object_new_array();
    /* podman 4.3: the arguments after the first, or the one alone */
    for (char **a = (*ret_argv)[0] && (*ret_argv)[1] ? *ret_argv + 1 : *ret_argv; args && *a; a++)
        json_object_array_add(args, json_object_new_string(*a));
    return args;
}

static json_object *dependencies_obj(const struct ctr__config *cfg)
{
    json_object *deps = json_object_new_array();
    for (size_t ns = 1; deps && ns < CTR_NS_MAX; ns++)
        if (cfg->ns_ctr[ns])
            json_object_array_add(deps, json_object_new_string(cfg->ns_ctr[ns]));
    return deps;
}

/* Whether the configured user is root (unset, root, 0, with any group). */
static bool user_is_root(const char *user)
{
    if (isempty(user))
        return true;
    size_t n = strcspn(user, ":");
    return (n == 1 && user[0] == '0') || (n == 4 && strncmp(user, "root", 4) == 0);
}

/* EffectiveCaps and BoundingCaps: the capability set of the process. */
static void add_caps(json_object *o, const struct ctr__config *cfg)
{
    _cleanup_strv_ char **bounding = NULL, **user = NULL;
    bool root = user_is_root(cfg->user);
    if (ctr__security_caps(&cfg->security, cfg->flags & CTR_CREATE_PRIVILEGED, &bounding, root ? NULL : &user) < 0) {
        ctr__err_clear(); /* ENOMEM: left out, as other keys are */
        return;
    }
    json_object_object_add(o, "EffectiveCaps", ctr__json_strv(root ? bounding : user));
    json_object_object_add(o, "BoundingCaps", ctr__json_strv(bounding));
}

/* The keys of the config and the state, in podman's order. */
static void add_container(json_object *o, ctr_container_t *c)
{
    const struct ctr__config *cfg = ctr__container_config(c);
    const struct ctr__status *st = ctr__container_status(c);
    const char *oci_runtime = ctr_runtime_oci_runtime(ctr_container_runtime(c));
    json_object_object_add(o, "Id", json_object_new_string(cfg->id));
    json_object_object_add(o, "Created", time_str(cfg->created));
    _cleanup_strv_ char **argv = NULL;
    json_object *args = args_obj(cfg, &argv);
    json_object_object_add(o, "Path", str_or_empty(argv ? argv[0] : NULL));
    json_object_object_add(o, "Args", args);
    json_object_object_add(o, "State", state_obj(st, ctr__container_damage(c), cfg->static_dir,
                                                  ctr__process_has_healthcheck(&cfg->process)));
    json_object_object_add(o, "Image", str_or_empty(cfg->image_id));
    json_object_object_add(o, "ImageName", str_or_empty(cfg->image_name));
    json_object_object_add(o, "Rootfs", str_or_empty(cfg->rootfs));
    json_object_object_add(o, "Pod", str_or_empty(cfg->pod));
    add_etc_paths(o, st);
    json_object_object_add(o, "StaticDir", str_or_empty(cfg->static_dir));
    json_object_object_add(o, "OCIConfigPath", str_or_empty(st->config_path));
    json_object_object_add(o, "OCIRuntime", json_object_new_string(oci_runtime));
    json_object_object_add(o, "Name", json_object_new_string(cfg->name));
    json_object_object_add(o, "RestartCount", json_object_new_int(st->restart_count));
    json_object_object_add(o, "Driver", json_object_new_string(cfg->rootfs ? "" : oci_runtime));
    json_object_object_add(o, "MountLabel", str_or_empty(cfg->mount_label));
    json_object_object_add(o, "ProcessLabel", str_or_empty(cfg->process_label));
    json_object_object_add(o, "LogPath", str_or_empty(cfg->log_path));
    json_object_object_add(o, "Mounts", json_object_new_array());
    json_object_object_add(o, "Dependencies", dependencies_obj(cfg));
    json_object_object_add(o, "ImageDigest", json_object_new_string(""));
    json_object_object_add(o, "AppArmorProfile", json_object_new_string(""));
    add_caps(o, cfg);
    json_object_object_add(o, "ExecIDs", json_object_new_array());
    json_object_object_add(o, "Namespace", json_object_new_string(""));
    json_object_object_add(o, "IsInfra", json_object_new_boolean(cfg->infra));
    json_object_object_add(o, "IsService", json_object_new_boolean(0));
}

/* HostConfig.Tmpfs of a read-only root: the scratch tmpfs mounts spec.c adds. */
static void add_read_only_tmpfs(json_object *host, uint64_t flags)
{
    json_object *tmpfs;
    if (!(flags & CTR_CREATE_READ_ONLY) || (flags & CTR_CREATE_NO_READ_ONLY_TMPFS) ||
        !json_object_object_get_ex(host, "Tmpfs", &tmpfs) || !json_object_is_type(tmpfs, json_type_object))
        return;
    static const char *const dirs[] = { "/run", "/tmp", "/var/tmp" };
    for (size_t i = 0; i < ARRAY_SIZE(dirs); i++)
        if (!json_object_object_get_ex(tmpfs, dirs[i], NULL))
            json_object_object_add(tmpfs, dirs[i], json_object_new_string("rw,rprivate,nosuid,nodev,tmpcopyup"));
}

/* The host directory of each volume in inspect's Mounts (data/mounts.c
 * knows the name, storage/volume-dir.c where its data is). */
static void add_volume_sources(json_object *o, ctr_container_t *c)
{
    json_object *mounts;
    if (!json_object_object_get_ex(o, "Mounts", &mounts) || !json_object_is_type(mounts, json_type_array))
        return;
    const struct ctr__settings *set = ctr__runtime_settings(ctr_container_runtime(c));
    for (size_t i = 0; i < json_object_array_length(mounts); i++) {
        json_object *m = json_object_array_get_idx(mounts, i);
        const char *name = ctr__json_str(m, "Name");
        if (!streq_null(ctr__json_str(m, "Type"), "volume") || !name)
            continue;
        _cleanup_free_ char *path = ctr__volume_data_path(set, name);
        if (path)
            json_object_object_add(m, "Source", json_object_new_string(path));
    }
}

/* NetworkSettings, Config, HostConfig and the storage keys. */
static void add_settings(json_object *o, ctr_container_t *c, uint64_t flags)
{
    const struct ctr__config *cfg = ctr__container_config(c);
    const struct ctr__status *st = ctr__container_status(c);
    json_object *net = json_object_new_object();
    if (net && ctr__container_net_inspect(c, net) < 0) {
        json_object_put(net);
        net = NULL;
    }
    json_object_object_add(o, "NetworkSettings", net);
    json_object *config = config_obj(cfg, st), *host = host_config(cfg);
    json_object_object_add(o, "Config", config);
    json_object_object_add(o, "HostConfig", host);
    if (config && host) /* what they cannot add is missing, as on ENOMEM above */
        (void)(ctr__mounts_inspect(&cfg->mounts, o, host) < 0 || ctr__resources_inspect(&cfg->resources, host) < 0 ||
               ctr__security_inspect(&cfg->security, cfg->flags, host) < 0 ||
               ctr__process_inspect(&cfg->process, cfg->flags, config, host) < 0);
    if (host)
        add_read_only_tmpfs(host, cfg->flags);
    add_volume_sources(o, c);
    if (st->mount_point)
        json_object_object_add(o, "Mountpoint", json_object_new_string(st->mount_point));
    json_object *gd = ctr__rootfs_graph_driver(c);
    if (!gd && (gd = json_object_new_object())) { /* a rootfs directory: no driver */
        json_object_object_add(gd, "Name", json_object_new_string(""));
        json_object_object_add(gd, "Data", json_object_new_object());
    }
    json_object_object_add(o, "GraphDriver", gd);
    if (flags & CTR_INSPECT_SIZE) {
        int64_t rootfs = 0, rw = 0;
        if (ctr__rootfs_sizes(c, &rootfs, &rw) == 0) {
            json_object_object_add(o, "SizeRw", json_object_new_int64(rw));
            json_object_object_add(o, "SizeRootFs", json_object_new_int64(rootfs + rw));
        } else {
            ctr__err_clear();
        }
    }
}

static int inspect_locked(ctr_container_t *c, uint64_t flags, char **ret)
{
    _cleanup_json_ json_object *o = json_object_new_object();
    if (!o)
        return ctr__oom("the inspect document");
    add_container(o, c);
    add_settings(o, c, flags);
    return ctr__json_to_string(o, ret);
}

CTR_EXPORT int ctr_container_inspect(ctr_container_t *c, uint64_t flags, char **ret)
{
    CTR_ENTER();
    CTR_CHECK_ARG(c);
    CTR_CHECK_ARG(ret);
    if (flags & ~(uint64_t)CTR_INSPECT_SIZE)
        return ctr__err(-EINVAL, "unknown inspect flags 0x%llx", (unsigned long long)flags);
    return CTR__WITH_LOCK_ANY(c, inspect_locked(c, flags, ret));
}
