/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Init and start.  Init sets a container up step by step (run directory,
 * /dev/shm, rootfs, network, /etc files, spec, the OCI create) and, when a
 * step fails, undoes the steps done before it in reverse, so a failed init
 * leaves the container as it was; one that dies is undone by the next lock
 * (lifecycle.c), found by its run directory.  Start runs init when needed, then the
 * runtime's start. */
#include <fcntl.h>
#include <stdio.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include "base/error.h"
#include "base/fault.h"
#include "core/container-net.h"
#include "core/container.h"
#include "core/events.h"
#include "core/health-schedule.h"
#include "core/lifecycle.h"
#include "core/pod.h"
#include "core/rootfs.h"
#include "core/volume.h"
#include "data/health.h"
#include "data/spec.h"
#include "net/etc-files.h"

/* What one init set up so far: its undo undoes exactly that. */
struct init {
    ctr_container_t *c;
    const struct ctr__config *cfg;
    ctr__oci_t *oci;
    struct ctr__desc d;
    char *ns_paths[CTR_NS_MAX];
    const char *rootfs; /* lent from the state */
    struct ctr__etc_files etc;
    char **volumes;
    char **mount_sources; /* by index of cfg->mounts; NULL: no volume mounts */
    struct ctr__net_pending *net_pending; /* the setup in flight */
    char *spec;
    char *config_path;
    bool mounted, made_run_dir, mounted_shm, net, volumes_prepared;
    pid_t pid, monitor;
    const ctr_oci_checkpoint_options_t *restore; /* restore from it instead of create */
    bool done; /* succeeded: nothing to undo */
};

static void init_done(struct init *x)
{
    if (!x->done) {
        struct ctr__err_saved saved;
        ctr__err_save(&saved);
        if (x->net)
            ctr__container_net_abort(x->c, TAKE_PTR(x->net_pending));
        if (x->volumes_prepared)
            ctr__volumes_release(x->c);
        if (x->mounted)
            ctr__rootfs_unmount(x->c, false);
        if (x->mounted_shm)
            umount2(x->cfg->shm_dir, MNT_DETACH);
        if (x->made_run_dir)
            ctr__rm_rf(x->d.run_dir); /* last: until then it tells of this init */
        ctr__err_restore(&saved);
    }
    for (size_t i = 0; i < CTR_NS_MAX; i++)
        free(x->ns_paths[i]);
    ctr__etc_files_done(&x->etc);
    ctr__strv_free(x->volumes);
    ctr__volume_sources_free(x->mount_sources, x->cfg->mounts.n);
    free(x->spec);
    free(x->config_path);
    ctr__lifecycle_desc_done(&x->d);
}

/* ---- the steps ---- */

/* The /proc/PID/ns paths of the containers whose namespaces c joins. */
static int dependency_namespaces(struct init *x)
{
    for (ctr_ns_t ns = 1; ns < CTR_NS_MAX; ns++) {
        const char *dep_id = x->cfg->ns_ctr[ns];
        if (!dep_id)
            continue;
        _cleanup_(ctr_container_unrefp) ctr_container_t *dep = NULL;
        int r = ctr__container_load(ctr_container_runtime(x->c), dep_id, NULL, NULL, &dep);
        if (r < 0)
            return ctr__err_prefix(r, "namespace container %.12s", dep_id);
        if ((r = ctr__lifecycle_lock(dep)) < 0)
            return r;
        ctr_state_t st = ctr__container_status(dep)->state;
        pid_t pid = ctr__container_status(dep)->pid;
        ctr__container_unlock(dep);
        if ((st != CTR_STATE_RUNNING && st != CTR_STATE_PAUSED) || pid <= 0)
            return ctr__err(-EBUSY, CTR_CFMT " joins the %s namespace of container %s, which is %s: start it first",
                            CTR_CARG(x->c), ctr__ns_name(ns), ctr_container_name(dep), ctr_state_name(st));
        x->ns_paths[ns] = ctr__asprintf("/proc/%d/ns/%s", (int)pid, ctr__ns_name(ns));
        if (!x->ns_paths[ns])
            return ctr__oom("a path");
    }
    return 0;
}

/* A fresh run directory with its exit directory, and /dev/shm's tmpfs. */
static int make_run_dir(struct init *x)
{
    struct ctr__status *st = ctr__container_status(x->c);
    free(st->run_dir);
    st->run_dir = NULL;
    int r = ctr__lifecycle_desc(x->c, &x->d);
    if (r < 0)
        return r;
    ctr__lifecycle_drop_leftovers(x->c); /* of an init that died half way */
    ctr__rm_rf(x->d.run_dir);            /* leftovers of an earlier run */
    if (mkdir(x->d.run_dir, 0700) < 0 || mkdir(x->d.exit_dir, 0700) < 0)
        return ctr__err(-errno, "cannot create %s: %m", x->d.run_dir);
    x->made_run_dir = true;
    const char *shm = x->cfg->shm_dir;
    if (mkdir(shm, 0700) < 0 && errno != EEXIST)
        return ctr__err(-errno, "cannot create %s: %m", shm);
    char opts[64];
    snprintf(opts, sizeof opts, "mode=1777,size=%lld", (long long)x->cfg->shm_size);
    if (mount("shm", shm, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, opts) < 0)
        return ctr__err(-errno, "cannot mount a tmpfs on %s: %m", shm);
    x->mounted_shm = true;
    return 0;
}

/* The root file system, noted in the run directory once mounted. */
static int mount_rootfs(struct init *x)
{
    int r = ctr__rootfs_mount(x->c, NULL, &x->rootfs);
    if (r < 0)
        return r;
    x->mounted = true;
    _cleanup_free_ char *note = ctr__asprintf("%s/" CTR__MOUNTED_FILE, x->d.run_dir);
    if (!note)
        return ctr__oom("a path");
    _cleanup_close_ int fd = open(note, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0)
        return ctr__err(-errno, "cannot create %s: %m", note);
    return 0;
}

/* The network namespace (its setup goes on beside the OCI create) and the
 * /etc files that name the container's address. */
static int setup_network(struct init *x)
{
    const char *netns = NULL;
    int r = ctr__container_net_setup(x->c, &x->net_pending, &netns);
    x->net = true; /* a failed setup leaves what an abort removes */
    if (r < 0)
        return r;
    if (netns && !x->ns_paths[CTR_NS_NET] && !(x->ns_paths[CTR_NS_NET] = strdup(netns)))
        return ctr__oom("a path");
    return ctr__etc_files_write(x->cfg, x->d.run_dir, NULL, &x->etc);
}

/* The named volumes: their driver mounts and copy-up, and their data
 * directories for the spec. */
static int prepare_volumes(struct init *x)
{
    int r = ctr__volumes_prepare(x->c, x->rootfs, &x->mount_sources);
    if (r < 0)
        return r;
    x->volumes_prepared = x->mount_sources != NULL;
    return 0;
}

/* The OCI spec, written to the bundle's config.json. */
static int write_spec(struct init *x)
{
    struct ctr__spec_ctx ctx = {
        .rootfs = x->rootfs,
        .extra_mounts_json = (const char *const *)x->volumes,
        .mount_sources = (const char *const *)x->mount_sources,
        .shm_dir = x->cfg->shm_dir,
        .resolv_conf = x->etc.resolv_conf,
        .hosts = x->etc.hosts,
        .hostname_file = x->etc.hostname,
        .ns_host = { [CTR_NS_NET] = (x->cfg->flags & CTR_CREATE_HOST_NETWORK) != 0 },
    };
    memcpy(ctx.ns_path, x->ns_paths, sizeof x->ns_paths);
    int r = ctr__spec_generate(x->cfg, &ctx, &x->spec);
    if (r < 0)
        return ctr__err_prefix(r, "generating the OCI spec of " CTR_CFMT, CTR_CARG(x->c));
    const char *dir = x->cfg->static_dir;
    if (!(x->config_path = ctr__asprintf("%s/config.json", dir)))
        return ctr__oom("a path");
    _cleanup_close_ int sfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (sfd < 0)
        return ctr__err(-errno, "cannot open %s: %m", dir);
    if ((r = ctr__write_file_at(sfd, "config.json", x->spec, strlen(x->spec), 0600, false)) < 0)
        return ctr__err(r, "cannot write %s: %s", x->config_path, strerror(-r));
    return 0;
}

/* The runtime's create through the monitor; then the networks that came up
 * meanwhile (a failure there removes the runtime's container again). */
static int oci_create(struct init *x)
{
    const struct ctr__config *cfg = x->cfg;
    _cleanup_strv_ char **exit_command = NULL;
    bool rm = cfg->flags & CTR_CREATE_AUTO_REMOVE;
    int r = ctr__runtime_exit_command(ctr_container_runtime(x->c), cfg->id, rm, &exit_command);
    if (r < 0 && rm)
        return r;
    if (r < 0) {
        /* Without the helper, the exit is recorded by whoever looks next. */
        ctr__rt_log(ctr_container_runtime(x->c), CTR_LOG_DEBUG, "%s", ctr_error_last()->message);
        ctr__err_clear();
    }
    ctr_oci_create_options_t co = {
        .version = CTR_OCI_BACKEND_VERSION,
        .name = cfg->name,
        .log_path = cfg->log_path,
        .flags = ((cfg->flags & CTR_CREATE_TERMINAL) ? CTR_OCI_CREATE_TERMINAL : 0) |
                 ((cfg->flags & CTR_CREATE_STDIN) ? CTR_OCI_CREATE_STDIN : 0) |
                 (exit_command ? CTR_OCI_CREATE_EXIT_COMMAND : 0) |
                 (cfg->log_size_max > 0 ? CTR_OCI_CREATE_LOG_SIZE_MAX : 0),
        .exit_command = (const char *const *)exit_command,
        .log_size_max = cfg->log_size_max,
    };
    r = x->restore ? ctr__oci_restore(x->oci, &x->d.oci, &co, x->restore, &x->pid, &x->monitor)
                   : ctr__oci_create(x->oci, &x->d.oci, &co, &x->pid, &x->monitor);
    CTR_FAULT_POINT("init.after-oci-create");
    if (r < 0 || (r = ctr__container_net_setup_wait(x->c, TAKE_PTR(x->net_pending), x->d.run_dir)) == 0)
        return r;
    struct ctr__err_saved saved;
    ctr__err_save(&saved);
    ctr_oci_container_t oc = ctr__oci_container(cfg->id, cfg->static_dir, x->d.run_dir, x->d.exit_dir, x->pid,
                                                x->monitor);
    ctr__oci_remove(x->oci, &oc, CTR_OCI_REMOVE_FORCE);
    ctr__err_restore(&saved);
    return r;
}

/* Record the created container in the state. */
static int record_created(struct init *x)
{
    struct ctr__status *st = ctr__container_status(x->c);
    char *boot_id = strdup(ctr__runtime_settings(ctr_container_runtime(x->c))->boot_id);
    if (!boot_id)
        return ctr__oom("the boot ID");
    st->state = x->restore ? CTR_STATE_RUNNING : CTR_STATE_CREATED;
    st->pid = x->pid;
    st->conmon_pid = x->monitor;
    st->run_dir = TAKE_PTR(x->d.run_dir);
    free(st->config_path);
    st->config_path = TAKE_PTR(x->config_path);
    free(st->boot_id);
    st->boot_id = boot_id;
    st->exit_code = -1;
    st->oom_killed = false;
    if (!x->restore) { /* a restored container keeps its times, as podman's */
        st->started = 0;
        st->finished = 0;
        st->checkpointed = false; /* a fresh run: its checkpoint (if kept) no longer is where it stands */
    } else if (!st->started) {
        st->started = ctr__now_ns(); /* a new container restored from an export */
    }
    x->done = true;
    return ctr__container_save(x->c);
}

/* A member of a pod: the pod's cgroup, with its limits, before the OCI
 * runtime makes the container's below it (after a reboot it is gone). */
static int pod_cgroup(struct init *x)
{
    if (!x->cfg->pod)
        return 0;
    int r = ctr__pod_cgroup_ensure(ctr_container_runtime(x->c), x->cfg->pod);
    return r < 0 ? ctr__err_prefix(r, "the cgroup of pod %.12s", x->cfg->pod) : 0;
}

/* An exited container is cleaned up first, and that saved: the record of
 * its last run must not outlive what it describes, or an init that dies
 * next would leave a state that names the old run. */
static int check_initable(ctr_container_t *c)
{
    ctr_state_t state = ctr__container_status(c)->state;
    if (state == CTR_STATE_EXITED) {
        const struct ctr__status *st = ctr__container_status(c);
        bool held = st->run_dir || st->pid || st->conmon_pid || st->netns_path;
        int r = ctr__lifecycle_cleanup(c);
        return r < 0 || !held ? r : ctr__container_save(c);
    }
    if (state != CTR_STATE_CONFIGURED)
        return ctr__err(-EBUSY, CTR_CFMT " is %s: only configured or exited containers can be initialized",
                        CTR_CARG(c), ctr_state_name(state));
    return 0;
}

static int init_as(ctr_container_t *c, const ctr_oci_checkpoint_options_t *restore)
{
    int r = check_initable(c);
    if (r < 0)
        return r;
    _cleanup_(init_done) struct init x = { .c = c, .cfg = ctr__container_config(c), .restore = restore };
    /* The run directory first: while the state does not record it, it
     * tells whoever locks the container next that an init died here. */
    if ((r = dependency_namespaces(&x)) < 0 || (r = pod_cgroup(&x)) < 0 || (r = ctr__runtime_oci(ctr_container_runtime(c), &x.oci)) < 0 ||
        (r = make_run_dir(&x)) < 0)
        return r;
    CTR_FAULT_POINT("init.after-shm");
    if ((r = mount_rootfs(&x)) < 0)
        return r;
    CTR_FAULT_POINT("init.after-mount");
    if ((r = setup_network(&x)) < 0 || (r = ctr__rootfs_volume_mounts(c, x.rootfs, &x.volumes)) < 0 ||
        (r = prepare_volumes(&x)) < 0 || (r = write_spec(&x)) < 0 || (r = oci_create(&x)) < 0 ||
        (r = record_created(&x)) < 0)
        return r;
    ctr__event_container(c, "init", 0, NULL);
    return 0;
}

static int init_locked(ctr_container_t *c)
{
    return init_as(c, NULL);
}

int ctr__lifecycle_restore(ctr_container_t *c, const ctr_oci_checkpoint_options_t *restore)
{
    return init_as(c, restore);
}

CTR_EXPORT int ctr_container_init(ctr_container_t *c)
{
    CTR_ENTER();
    CTR_CHECK_ARG(c);
    return CTR__WITH_LOCK(c, init_locked(c));
}

/* ---- start ---- */

/* The runtime's start failed: the process may have failed to exec, so take
 * its exit, if any, and keep the start's error. */
static int start_failed(ctr_container_t *c, ctr__oci_t *oci, const struct ctr__desc *d, int r)
{
    ctr_oci_exit_t ex;
    struct ctr__err_saved saved;
    ctr__err_save(&saved);
    if (ctr__oci_exit_status(oci, &d->oci, &ex) == 0)
        ctr__lifecycle_finish_exit(c, &ex);
    ctr__err_restore(&saved); /* the start's error, not the probe's */
    return r;
}

int ctr__lifecycle_start(ctr_container_t *c, bool by_policy)
{
    struct ctr__status *st = ctr__container_status(c);
    int r;
    /* A user's start begins a new count of the policy's restarts. */
    st->stopped_by_user = false;
    if (!by_policy)
        st->restart_count = 0;
    if ((st->state == CTR_STATE_CONFIGURED || st->state == CTR_STATE_EXITED) && (r = init_locked(c)) < 0)
        return r;
    if (st->state != CTR_STATE_CREATED)
        return ctr__err(-EBUSY, CTR_CFMT " is %s: it cannot be started", CTR_CARG(c), ctr_state_name(st->state));
    _cleanup_(ctr__lifecycle_desc_done) struct ctr__desc d = { 0 };
    ctr__oci_t *oci = NULL;
    if ((r = ctr__lifecycle_oci(c, &oci, &d)) < 0)
        return r;
    /* Stamp the start before it happens: a short-lived process may finish
     * (and its exit be recorded) before the runtime's start returns. */
    st->started = ctr__now_ns();
    _cleanup_free_ char *marker = ctr__asprintf("%s/" CTR__STARTING_FILE, d.run_dir);
    if (!marker)
        return ctr__oom("a path");
    _cleanup_close_ int mfd = open(marker, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (mfd < 0)
        return ctr__err(-errno, "cannot create %s: %m", marker);
    CTR_FAULT_POINT("start.before-oci-start");
    r = ctr__oci_start(oci, &d.oci);
    CTR_FAULT_POINT("start.after-oci-start");
    if (r < 0)
        return start_failed(c, oci, &d, r);
    st->state = CTR_STATE_RUNNING;
    if (ctr__process_has_healthcheck(&ctr__container_config(c)->process) && (r = ctr__health_restart(&st->health_json)) < 0)
        return r;
    if ((r = ctr__container_save(c)) < 0)
        return r;
    ctr__event_container(c, "start", 0, NULL);
    unlink(marker);
    ctr__health_schedule(c);
    return 0;
}

/* Start the containers c joins that are not running (dependencies first). */
static int start_dependencies(ctr_container_t *c, unsigned depth)
{
    if (depth > 16)
        return ctr__err(-ELOOP, "namespace dependencies of " CTR_CFMT " nest too deep", CTR_CARG(c));
    for (size_t ns = 1; ns < CTR_NS_MAX; ns++) {
        const char *dep_id = ctr__container_config(c)->ns_ctr[ns];
        if (!dep_id)
            continue;
        _cleanup_(ctr_container_unrefp) ctr_container_t *dep = NULL;
        int r = ctr__container_load(ctr_container_runtime(c), dep_id, NULL, NULL, &dep);
        if (r < 0)
            return ctr__err_prefix(r, "namespace container %.12s", dep_id);
        if ((r = start_dependencies(dep, depth + 1)) < 0 || (r = ctr__lifecycle_lock(dep)) < 0)
            return r;
        ctr_state_t state = ctr__container_status(dep)->state;
        if (state != CTR_STATE_RUNNING && state != CTR_STATE_PAUSED)
            r = ctr__lifecycle_start(dep, false);
        ctr__container_unlock(dep);
        if (r < 0)
            return ctr__err_prefix(r, "starting dependency %s", ctr_container_name(dep));
    }
    return 0;
}

CTR_EXPORT int ctr_container_start(ctr_container_t *c)
{
    CTR_ENTER();
    CTR_CHECK_ARG(c);
    int r = start_dependencies(c, 0);
    if (r < 0)
        return r;
    return CTR__WITH_LOCK(c, ctr__lifecycle_start(c, false));
}
