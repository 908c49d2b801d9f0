/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Running containers: init, start, stop, kill, pause, wait, cleanup, and the
 * hooks the data layer calls (state update on sync, teardown on remove). */
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include "container.h"
#include "error.h"
#include "fault.h"
#include "lifecycle.h"
#include "net/err-save.h"
#include "net/etc-files.h"
#include "net/net.h"
#include "rootfs.h"
#include "spec.h"

/* ---- paths and descriptors ---- */

static bool is_live(ctr_state_t s)
{
    return s == CTR_STATE_CREATED || s == CTR_STATE_RUNNING || s == CTR_STATE_PAUSED || s == CTR_STATE_STOPPING;
}

int ctr__lifecycle_desc(ctr_container_t *c, struct ctr__desc *d)
{
    memset(d, 0, sizeof *d);
    d->run_dir = c->st.run_dir ? strdup(c->st.run_dir) : ctr__run_dir(c->rt, c->cfg->id);
    if (!d->run_dir)
        return -ENOMEM;
    d->exit_dir = ctr__asprintf("%s/exit", d->run_dir);
    if (!d->exit_dir) {
        free(d->run_dir);
        return -ENOMEM;
    }
    d->oci = ctr__oci_container(c->cfg->id, c->cfg->static_dir, d->run_dir, d->exit_dir, c->st.pid,
                                c->st.conmon_pid);
    return 0;
}

void ctr__lifecycle_desc_done(struct ctr__desc *d)
{
    free(d->run_dir);
    free(d->exit_dir);
    memset(d, 0, sizeof *d);
}

/* ---- cleanup ---- */

/* The runtime's delete of a container, run on a thread of its own beside the
 * network teardown: both mostly wait for helper processes (the runtime, the
 * CNI plugins or nft), and neither needs the other done first. */
struct oci_remove_job {
    ctr__oci_t *oci;
    const ctr_oci_container_t *oc;
    int r;
    char msg[1024];
};

static void *oci_remove_run(void *userdata)
{
    struct oci_remove_job *j = userdata;
    ctr__err_clear();
    j->r = ctr__oci_remove(j->oci, j->oc, CTR_OCI_REMOVE_FORCE);
    if (j->r < 0)
        snprintf(j->msg, sizeof j->msg, "%s", ctr_error_last()->message);
    return NULL;
}

/* Release what an exited (or never started) container holds: the runtime's
 * state, its networks, the /dev/shm mount, the run directory.  Idempotent. */
static int cleanup_locked(ctr_container_t *c)
{
    if (!c->st.run_dir && !c->st.pid && !c->st.conmon_pid && !c->st.netns_path)
        return 0;
    _cleanup_(ctr__lifecycle_desc_done) struct ctr__desc d = { 0 };
    int r = ctr__lifecycle_desc(c, &d);
    if (r < 0)
        return r;
    ctr__oci_t *oci = NULL;
    r = ctr__runtime_oci(c->rt, &oci);
    if (r < 0)
        return r;
    struct oci_remove_job job = { .oci = oci, .oc = &d.oci };
    pthread_t thread;
    bool threaded = c->st.netns_path && pthread_create(&thread, NULL, oci_remove_run, &job) == 0;
    int net_r = 0;
    if (threaded) {
        net_r = ctr__net_teardown(c); /* its error stays this thread's */
        pthread_join(thread, NULL);
    } else {
        oci_remove_run(&job);
    }
    if (job.r < 0 && job.r != -ENOENT)
        return ctr__err(job.r, "cleaning up " CTR_CFMT ": %s", CTR_CARG(c), job.msg);
    CTR_FAULT_POINT("cleanup.after-oci-remove");
    if (threaded ? (r = net_r) < 0 : (r = ctr__net_teardown(c)) < 0)
        return r;
    if (umount2(c->cfg->shm_dir, MNT_DETACH) < 0 && errno != EINVAL && errno != ENOENT)
        return ctr__err(-errno, "cannot unmount %s: %m", c->cfg->shm_dir);
    if ((r = ctr__rootfs_unmount(c, false)) < 0)
        return r;
    r = ctr__rm_rf(d.run_dir);
    if (r < 0)
        return ctr__err(r, "cannot remove %s: %s", d.run_dir, strerror(-r));
    free(c->st.run_dir);
    c->st.run_dir = NULL;
    c->st.pid = 0;
    c->st.conmon_pid = 0;
    return 0;
}

/* conmon writes a last line without a newline with the tag P (partial).  A
 * later run would continue that message; end it with an empty F line of the
 * same stream so each run's output stands alone.  The streams interleave, so
 * the last line of each stream is looked up in the log's tail. */
static void end_partial_log_line(ctr_container_t *c)
{
    _cleanup_close_ int fd = open(c->cfg->log_path, O_RDWR | O_APPEND | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0)
        return;
    struct stat st;
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size < 2)
        return;
    char buf[16384];
    off_t off = st.st_size > (off_t)sizeof buf - 1 ? st.st_size - (off_t)sizeof buf + 1 : 0;
    ssize_t n = pread(fd, buf, (size_t)(st.st_size - off), off);
    if (n < 2)
        return;
    buf[n] = '\0';
    char last_tag[2] = { 0, 0 }; /* stdout, stderr */
    char *line = buf;
    if (off > 0) { /* skip the first, cut line */
        line = strchr(buf, '\n');
        if (!line)
            return;
        line++;
    }
    for (char *nl; (nl = strchr(line, '\n')); line = nl + 1) {
        char *sp1 = memchr(line, ' ', (size_t)(nl - line));
        if (!sp1 || nl - sp1 < 9)
            continue;
        int stream = strncmp(sp1 + 1, "stdout ", 7) == 0 ? 0 : strncmp(sp1 + 1, "stderr ", 7) == 0 ? 1 : -1;
        if (stream >= 0)
            last_tag[stream] = sp1[8];
    }
    static const char *const names[] = { "stdout", "stderr" };
    for (int i = 0; i < 2; i++) {
        if (last_tag[i] != 'P')
            continue;
        char ts[64], out[128];
        ctr__format_time(ctr__now_ns(), ts, sizeof ts);
        int len = snprintf(out, sizeof out, "%s %s F \n", ts, names[i]);
        if (len > 0 && len < (int)sizeof out)
            (void)!write(fd, out, (size_t)len);
    }
}

static void record_exit(ctr_container_t *c, const ctr_oci_exit_t *ex)
{
    end_partial_log_line(c);
    c->st.state = CTR_STATE_EXITED;
    c->st.exit_code = ex->exit_code;
    c->st.oom_killed = ex->oom_killed != 0;
    c->st.finished = ex->finished ? ex->finished : ctr__now_ns();
    /* The exit file's ctime comes from the kernel's coarse clock, up to a
     * tick behind the precise one that stamped the start: a process that
     * exits at once can look finished before it started.  Clamp. */
    if (c->st.finished < c->st.started)
        c->st.finished = c->st.started;
}

/* Record the exit, release resources, save.  A cleanup failure is logged:
 * the container did exit, and the next cleanup retries. */
static int finish_exit(ctr_container_t *c, const ctr_oci_exit_t *ex)
{
    record_exit(c, ex);
    int r = cleanup_locked(c);
    if (r < 0)
        ctr__rt_log(c->rt, CTR_LOG_WARNING, "%s", ctr_error_last()->message);
    return ctr__container_save(c);
}

/* The file a start keeps in the run directory from the runtime's start to
 * the save of "running": found under the lock, it means the start died. */
#define STARTING_FILE "starting"

/* Under the lock, a live container that has not exited is "stopping" only
 * when its stop died (or failed), and "created" with the starting file only
 * when its start did: ask the runtime what became of it. */
static int finish_interrupted(ctr_container_t *c, ctr__oci_t *oci, const struct ctr__desc *d)
{
    if (c->st.state != CTR_STATE_CREATED && c->st.state != CTR_STATE_STOPPING)
        return 0;
    _cleanup_free_ char *marker = ctr__asprintf("%s/" STARTING_FILE, d->run_dir);
    if (!marker)
        return -ENOMEM;
    if (c->st.state == CTR_STATE_CREATED && access(marker, F_OK) < 0)
        return 0;
    ctr_oci_status_t status = CTR_OCI_STATUS_UNKNOWN;
    pid_t pid = 0;
    int r = ctr__oci_state(oci, &d->oci, &status, &pid);
    if (r < 0) {
        /* Not fatal: the container stays usable (stop, remove), and the next
         * sync asks again. */
        ctr__rt_log(c->rt, CTR_LOG_WARNING, "%s: state after an interrupted start or stop: %s", c->cfg->name,
                 ctr_error_last()->message);
        ctr__err_clear();
        return 0;
    }
    ctr_state_t now = status == CTR_OCI_STATUS_RUNNING  ? CTR_STATE_RUNNING
                      : status == CTR_OCI_STATUS_PAUSED ? CTR_STATE_PAUSED
                      : status == CTR_OCI_STATUS_CREATED ? CTR_STATE_CREATED
                                                         : c->st.state;
    if (now != c->st.state) {
        c->st.state = now;
        if ((r = ctr__container_save(c)) < 0)
            return r;
    }
    unlink(marker);
    return 0;
}

void ctr__lifecycle_drop_leftovers(ctr_container_t *c)
{
    _cleanup_(ctr__lifecycle_desc_done) struct ctr__desc d = { 0 };
    ctr__oci_t *oci = NULL;
    if (ctr__lifecycle_desc(c, &d) < 0 || access(d.run_dir, F_OK) < 0 || ctr__runtime_oci(c->rt, &oci) < 0)
        return;
    struct ctr__err_saved saved;
    ctr__err_save(&saved);
    (void)ctr__oci_remove(oci, &d.oci, CTR_OCI_REMOVE_FORCE);
    ctr__err_restore(&saved);
    umount2(c->cfg->shm_dir, MNT_DETACH);
}

int ctr__lifecycle_update(ctr_container_t *c)
{
    if (!is_live(c->st.state))
        return 0;
    if (c->st.boot_id && !streq(c->st.boot_id, ctr__runtime_settings(c->rt)->boot_id)) {
        /* The machine rebooted: nothing of this run survived. */
        ctr_oci_exit_t ex = { .exit_code = -1 };
        return finish_exit(c, &ex);
    }
    _cleanup_(ctr__lifecycle_desc_done) struct ctr__desc d = { 0 };
    int r = ctr__lifecycle_desc(c, &d);
    if (r < 0)
        return r;
    ctr__oci_t *oci = NULL;
    r = ctr__runtime_oci(c->rt, &oci);
    if (r < 0)
        return r;
    ctr_oci_exit_t ex;
    r = ctr__oci_exit_status(oci, &d.oci, &ex);
    if (r == -EAGAIN)
        return finish_interrupted(c, oci, &d);
    if (r < 0 && access(d.run_dir, F_OK) < 0 && errno == ENOENT) {
        /* A teardown removed the run directory but died before saving:
         * nothing can report this run's exit any more. */
        ctr__err_clear();
        ex = (ctr_oci_exit_t){ .exit_code = -1 };
        r = 0;
    }
    if (r < 0)
        return r;
    return finish_exit(c, &ex);
}

/* ---- init ---- */

static const char *const ns_files[CTR_NS_MAX] = {
    [CTR_NS_IPC] = "ipc", [CTR_NS_MNT] = "mnt", [CTR_NS_NET] = "net",       [CTR_NS_PID] = "pid",
    [CTR_NS_USER] = "user", [CTR_NS_UTS] = "uts", [CTR_NS_CGROUP] = "cgroup",
};

/* The /proc/PID/ns paths of the containers whose namespaces c joins. */
static int dependency_namespaces(ctr_container_t *c, char *paths[CTR_NS_MAX])
{
    for (size_t ns = 1; ns < CTR_NS_MAX; ns++) {
        const char *dep_id = c->cfg->ns_ctr[ns];
        if (!dep_id)
            continue;
        _cleanup_(ctr_container_unrefp) ctr_container_t *dep = NULL;
        int r = ctr__container_load(c->rt, dep_id, NULL, NULL, &dep);
        if (r < 0)
            return ctr__err_prefix(r, "namespace container %.12s", dep_id);
        r = ctr__container_lock(dep);
        if (r < 0)
            return r;
        ctr_state_t st = dep->st.state;
        pid_t pid = dep->st.pid;
        ctr__container_unlock(dep);
        if ((st != CTR_STATE_RUNNING && st != CTR_STATE_PAUSED) || pid <= 0)
            return ctr__err(-EBUSY, CTR_CFMT " joins the %s namespace of container %s, which is %s: start it first",
                            CTR_CARG(c), ns_files[ns], dep->cfg->name, ctr_state_name(st));
        paths[ns] = ctr__asprintf("/proc/%d/ns/%s", (int)pid, ns_files[ns]);
        if (!paths[ns])
            return -ENOMEM;
    }
    return 0;
}

static int mount_shm(ctr_container_t *c)
{
    if (mkdir(c->cfg->shm_dir, 0700) < 0 && errno != EEXIST)
        return ctr__err(-errno, "cannot create %s: %m", c->cfg->shm_dir);
    char opts[64];
    snprintf(opts, sizeof opts, "mode=1777,size=%lld", (long long)c->cfg->shm_size);
    if (mount("shm", c->cfg->shm_dir, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, opts) < 0)
        return ctr__err(-errno, "cannot mount a tmpfs on %s: %m", c->cfg->shm_dir);
    return 0;
}

static int init_locked(ctr_container_t *c)
{
    if (c->st.state == CTR_STATE_EXITED) {
        int r = cleanup_locked(c);
        if (r < 0)
            return r;
    } else if (c->st.state != CTR_STATE_CONFIGURED) {
        return ctr__err(-EBUSY, CTR_CFMT " is %s: only configured or exited containers can be initialized",
                        CTR_CARG(c), ctr_state_name(c->st.state));
    }
    char *ns_paths[CTR_NS_MAX] = { 0 };
    const char *rootfs = NULL, *netns = NULL, *ip = NULL;
    int r = ctr__rootfs_mount(c, NULL, &rootfs);
    if (r < 0)
        return r;
    CTR_FAULT_POINT("init.after-mount");
    _cleanup_(ctr__lifecycle_desc_done) struct ctr__desc d = { 0 };
    struct ctr__etc_files etc = { 0 };
    _cleanup_free_ char *spec = NULL;
    ctr__oci_t *oci = NULL;
    bool made_run_dir = false, mounted_shm = false;

    r = dependency_namespaces(c, ns_paths);
    if (r == 0)
        r = ctr__runtime_oci(c->rt, &oci);
    if (r == 0) {
        free(c->st.run_dir);
        c->st.run_dir = NULL;
        r = ctr__lifecycle_desc(c, &d);
    }
    if (r == 0) {
        ctr__lifecycle_drop_leftovers(c); /* of an init that died half way */
        ctr__rm_rf(d.run_dir);            /* leftovers of an earlier run */
        if (mkdir(d.run_dir, 0700) < 0 || mkdir(d.exit_dir, 0700) < 0)
            r = ctr__err(-errno, "cannot create %s: %m", d.run_dir);
        made_run_dir = r == 0;
    }
    if (r == 0 && (r = mount_shm(c)) == 0)
        mounted_shm = true;
    CTR_FAULT_POINT("init.after-shm");
    if (r == 0 && (r = ctr__net_setup(c, &netns, &ip)) == 0 && netns && !ns_paths[CTR_NS_NET] &&
        !(ns_paths[CTR_NS_NET] = strdup(netns)))
        r = -ENOMEM;
    if (r == 0)
        r = ctr__etc_files_write(c->cfg, d.run_dir, ip, &etc);
    _cleanup_strv_ char **volumes = NULL;
    if (r == 0)
        r = ctr__rootfs_volume_mounts(c, rootfs, &volumes);
    if (r == 0) {
        struct ctr__spec_ctx ctx = {
            .rootfs = rootfs,
            .extra_mounts_json = (const char *const *)volumes,
            .shm_dir = c->cfg->shm_dir,
            .resolv_conf = etc.resolv_conf,
            .hosts = etc.hosts,
            .hostname_file = etc.hostname,
            .ns_host = { [CTR_NS_NET] = (c->cfg->flags & CTR_CREATE_HOST_NETWORK) != 0 },
        };
        memcpy(ctx.ns_path, ns_paths, sizeof ns_paths);
        r = ctr__spec_generate(c->cfg, &ctx, &spec);
        if (r < 0)
            ctr__err_prefix(r, "generating the OCI spec of " CTR_CFMT, CTR_CARG(c));
    }
    _cleanup_free_ char *config_path = ctr__asprintf("%s/config.json", c->cfg->static_dir);
    if (r == 0 && !config_path)
        r = -ENOMEM;
    if (r == 0) {
        _cleanup_close_ int sfd = open(c->cfg->static_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (sfd < 0)
            r = ctr__err(-errno, "cannot open %s: %m", c->cfg->static_dir);
        else if ((r = ctr__write_file_at(sfd, "config.json", spec, strlen(spec), 0600, false)) < 0)
            ctr__err(r, "cannot write %s: %s", config_path, strerror(-r));
    }
    pid_t pid = 0, monitor = 0;
    _cleanup_strv_ char **exit_command = NULL;
    if (r == 0 && (c->cfg->flags & CTR_CREATE_AUTO_REMOVE))
        r = ctr__runtime_exit_command(c->rt, c->cfg->id, &exit_command);
    if (r == 0) {
        ctr_oci_create_options_t co = {
            .version = CTR_OCI_BACKEND_VERSION,
            .name = c->cfg->name,
            .log_path = c->cfg->log_path,
            .flags = ((c->cfg->flags & CTR_CREATE_TERMINAL) ? CTR_OCI_CREATE_TERMINAL : 0) |
                     ((c->cfg->flags & CTR_CREATE_STDIN) ? CTR_OCI_CREATE_STDIN : 0) |
                     (exit_command ? CTR_OCI_CREATE_EXIT_COMMAND : 0),
            .exit_command = (const char *const *)exit_command,
        };
        r = ctr__oci_create(oci, &d.oci, &co, &pid, &monitor);
    }
    CTR_FAULT_POINT("init.after-oci-create");
    /* The networks came up meanwhile (CNI ADD ran beside the OCI create). */
    if (r == 0 && (r = ctr__net_setup_wait(c, d.run_dir)) < 0) {
        struct ctr__err_saved saved;
        ctr__err_save(&saved);
        ctr_oci_container_t oc = ctr__oci_container(c->cfg->id, c->cfg->static_dir, d.run_dir, d.exit_dir, pid, monitor);
        ctr__oci_remove(oci, &oc, CTR_OCI_REMOVE_FORCE);
        ctr__err_restore(&saved);
    }
    for (size_t i = 0; i < CTR_NS_MAX; i++)
        free(ns_paths[i]);
    ctr__etc_files_done(&etc);
    if (r < 0) {
        ctr__net_teardown(c);
        if (mounted_shm)
            umount2(c->cfg->shm_dir, MNT_DETACH);
        if (made_run_dir)
            ctr__rm_rf(d.run_dir);
        ctr__rootfs_unmount(c, false);
        return r;
    }
    c->st.state = CTR_STATE_CREATED;
    c->st.pid = pid;
    c->st.conmon_pid = monitor;
    c->st.run_dir = TAKE_PTR(d.run_dir);
    free(c->st.config_path);
    c->st.config_path = TAKE_PTR(config_path);
    free(c->st.boot_id);
    c->st.boot_id = strdup(ctr__runtime_settings(c->rt)->boot_id);
    c->st.exit_code = -1;
    c->st.oom_killed = false;
    c->st.started = 0;
    c->st.finished = 0;
    if (!c->st.boot_id)
        return -ENOMEM;
    return ctr__container_save(c);
}

/* Run op with c locked and synced; public entry points use this. */
#define WITH_LOCK(c, expr)                                                                                   \
    ({                                                                                                       \
        int _r = ctr__container_lock(c);                                                                     \
        if (_r == 0) {                                                                                       \
            _r = (expr);                                                                                     \
            ctr__container_unlock(c);                                                                        \
        }                                                                                                    \
        _r;                                                                                                  \
    })

CTR_EXPORT int ctr_container_init(ctr_container_t *c)
{
    CTR_ENTER();
    CTR_CHECK_ARG(c);
    return WITH_LOCK(c, init_locked(c));
}

/* ---- start ---- */

static int start_locked(ctr_container_t *c)
{
    int r;
    if (c->st.state == CTR_STATE_CONFIGURED || c->st.state == CTR_STATE_EXITED) {
        r = init_locked(c);
        if (r < 0)
            return r;
    }
    if (c->st.state != CTR_STATE_CREATED)
        return ctr__err(-EBUSY, CTR_CFMT " is %s: it cannot be started", CTR_CARG(c), ctr_state_name(c->st.state));
    _cleanup_(ctr__lifecycle_desc_done) struct ctr__desc d = { 0 };
    ctr__oci_t *oci = NULL;
    if ((r = ctr__runtime_oci(c->rt, &oci)) < 0 || (r = ctr__lifecycle_desc(c, &d)) < 0)
        return r;
    /* Stamp the start before it happens: a short-lived process may finish
     * (and its exit be recorded) before the runtime's start returns. */
    c->st.started = ctr__now_ns();
    _cleanup_free_ char *marker = ctr__asprintf("%s/" STARTING_FILE, d.run_dir);
    _cleanup_close_ int mfd = marker ? open(marker, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600) : -1;
    if (mfd < 0)
        return marker ? ctr__err(-errno, "cannot create %s: %m", marker) : -ENOMEM;
    CTR_FAULT_POINT("start.before-oci-start");
    r = ctr__oci_start(oci, &d.oci);
    CTR_FAULT_POINT("start.after-oci-start");
    if (r < 0) {
        /* The process may have failed to exec: take the exit, if any. */
        ctr_oci_exit_t ex;
        struct ctr__err_saved saved;
        ctr__err_save(&saved);
        if (ctr__oci_exit_status(oci, &d.oci, &ex) == 0)
            finish_exit(c, &ex);
        ctr__err_restore(&saved); /* the start's error, not the probe's */
        return r;
    }
    c->st.state = CTR_STATE_RUNNING;
    r = ctr__container_save(c);
    if (r == 0)
        unlink(marker);
    return r;
}

/* Start the containers c joins that are not running (dependencies first). */
static int start_dependencies(ctr_container_t *c, unsigned depth)
{
    if (depth > 16)
        return ctr__err(-ELOOP, "namespace dependencies of " CTR_CFMT " nest too deep", CTR_CARG(c));
    for (size_t ns = 1; ns < CTR_NS_MAX; ns++) {
        const char *dep_id = c->cfg->ns_ctr[ns];
        if (!dep_id)
            continue;
        _cleanup_(ctr_container_unrefp) ctr_container_t *dep = NULL;
        int r = ctr__container_load(c->rt, dep_id, NULL, NULL, &dep);
        if (r < 0)
            return ctr__err_prefix(r, "namespace container %.12s", dep_id);
        r = start_dependencies(dep, depth + 1);
        if (r < 0)
            return r;
        r = ctr__container_lock(dep);
        if (r < 0)
            return r;
        if (dep->st.state != CTR_STATE_RUNNING && dep->st.state != CTR_STATE_PAUSED)
            r = start_locked(dep);
        ctr__container_unlock(dep);
        if (r < 0)
            return ctr__err_prefix(r, "starting dependency %s", dep->cfg->name);
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
    return WITH_LOCK(c, start_locked(c));
}

/* ---- kill, stop ---- */

static int oci_for(ctr_container_t *c, ctr__oci_t **oci, struct ctr__desc *d)
{
    int r = ctr__runtime_oci(c->rt, oci);
    if (r < 0)
        return r;
    return ctr__lifecycle_desc(c, d);
}

static int kill_locked(ctr_container_t *c, int sig)
{
    if (c->st.state != CTR_STATE_RUNNING && c->st.state != CTR_STATE_STOPPING)
        return ctr__err(-EBUSY, CTR_CFMT " is %s: only running containers can be signalled", CTR_CARG(c),
                        ctr_state_name(c->st.state));
    _cleanup_(ctr__lifecycle_desc_done) struct ctr__desc d = { 0 };
    ctr__oci_t *oci = NULL;
    int r = oci_for(c, &oci, &d);
    if (r < 0)
        return r;
    r = ctr__oci_kill(oci, &d.oci, sig, 0);
    if (r == -ENOENT) {
        /* Gone meanwhile: record the exit instead of failing. */
        ctr__err_clear();
        return ctr__lifecycle_update(c);
    }
    return r;
}

CTR_EXPORT int ctr_container_kill(ctr_container_t *c, int signal)
{
    CTR_ENTER();
    CTR_CHECK_ARG(c);
    if (signal < 1 || signal > SIGRTMAX)
        return ctr__err(-EINVAL, "invalid signal %d", signal);
    return WITH_LOCK(c, kill_locked(c, signal));
}

static int stop_locked(ctr_container_t *c, int timeout)
{
    switch (c->st.state) {
    case CTR_STATE_CONFIGURED:
    case CTR_STATE_EXITED:
        return cleanup_locked(c) < 0 ? ctr__err_code() : ctr__container_save(c);
    case CTR_STATE_RUNNING:
    case CTR_STATE_CREATED:
    case CTR_STATE_STOPPING:
        break;
    default:
        return ctr__err(-EBUSY, CTR_CFMT " is %s: it cannot be stopped", CTR_CARG(c), ctr_state_name(c->st.state));
    }
    _cleanup_(ctr__lifecycle_desc_done) struct ctr__desc d = { 0 };
    ctr__oci_t *oci = NULL;
    int r = oci_for(c, &oci, &d);
    if (r < 0)
        return r;
    if (timeout < 0)
        timeout = (int)c->cfg->stop_timeout;
    ctr_state_t before = c->st.state;
    c->st.state = CTR_STATE_STOPPING;
    if ((r = ctr__container_save(c)) < 0)
        return r;
    CTR_FAULT_POINT("stop.after-stopping-save");
    ctr_oci_exit_t ex;
    r = -ETIMEDOUT;
    if (before != CTR_STATE_CREATED && timeout > 0) {
        r = ctr__oci_kill(oci, &d.oci, c->cfg->stop_signal, 0);
        if (r == 0 || r == -ENOENT)
            r = ctr__oci_wait_exit(oci, &d.oci, timeout * 1000, &ex);
    }
    if (r == -ETIMEDOUT || r < 0) {
        if (r != -ETIMEDOUT)
            ctr__rt_log(c->rt, CTR_LOG_WARNING, "stop signal to %s failed (%s): killing it", c->cfg->name,
                     ctr_error_last()->message);
        else if (timeout > 0) /* podman's words: its users grep for them */
            ctr__rt_log(c->rt, CTR_LOG_WARNING, "StopSignal SIG%s failed to stop container %s in %d seconds, resorting to SIGKILL",
                     sigabbrev_np((int)c->cfg->stop_signal) ? sigabbrev_np((int)c->cfg->stop_signal) : "?",
                     c->cfg->name, timeout);
        ctr__err_clear();
        r = ctr__oci_kill(oci, &d.oci, SIGKILL, CTR_OCI_KILL_ALL);
        if (r < 0 && r != -ENOENT)
            return r;
        r = ctr__oci_wait_exit(oci, &d.oci, 30000, &ex);
        if (r < 0)
            return ctr__err_prefix(r, CTR_CFMT " did not exit after SIGKILL", CTR_CARG(c));
    }
    CTR_FAULT_POINT("stop.after-exit");
    return finish_exit(c, &ex);
}

CTR_EXPORT int ctr_container_stop(ctr_container_t *c, int timeout)
{
    CTR_ENTER();
    CTR_CHECK_ARG(c);
    return WITH_LOCK(c, stop_locked(c, timeout));
}

/* ---- pause ---- */

static int pause_locked(ctr_container_t *c, bool pause)
{
    ctr_state_t want = pause ? CTR_STATE_RUNNING : CTR_STATE_PAUSED;
    if (c->st.state != want)
        return ctr__err(-EBUSY, CTR_CFMT " is %s: it cannot be %s", CTR_CARG(c), ctr_state_name(c->st.state),
                        pause ? "paused" : "unpaused");
    _cleanup_(ctr__lifecycle_desc_done) struct ctr__desc d = { 0 };
    ctr__oci_t *oci = NULL;
    int r = oci_for(c, &oci, &d);
    if (r < 0)
        return r;
    r = pause ? ctr__oci_pause(oci, &d.oci) : ctr__oci_resume(oci, &d.oci);
    if (r < 0)
        return r;
    c->st.state = pause ? CTR_STATE_PAUSED : CTR_STATE_RUNNING;
    return ctr__container_save(c);
}

CTR_EXPORT int ctr_container_pause(ctr_container_t *c)
{
    CTR_ENTER();
    CTR_CHECK_ARG(c);
    return WITH_LOCK(c, pause_locked(c, true));
}

CTR_EXPORT int ctr_container_unpause(ctr_container_t *c)
{
    CTR_ENTER();
    CTR_CHECK_ARG(c);
    return WITH_LOCK(c, pause_locked(c, false));
}

/* ---- wait ---- */

CTR_EXPORT int ctr_container_wait(ctr_container_t *c, int64_t timeout_ms, int *ret_exit_code)
{
    CTR_ENTER();
    CTR_CHECK_ARG(c);
    CTR_CHECK_ARG(timeout_ms >= -1);
    if (timeout_ms > INT32_MAX)
        timeout_ms = INT32_MAX;
    for (;;) {
        int r = ctr__container_lock(c);
        if (r < 0)
            return r;
        /* Inside a batch the lock does not sync: look at the exit file here. */
        if (ctr__container_in_batch(c) && (r = ctr__lifecycle_update(c)) < 0) {
            ctr__container_unlock(c);
            return r;
        }
        if (!is_live(c->st.state)) {
            int code = c->st.exit_code;
            ctr__container_unlock(c);
            if (ret_exit_code)
                *ret_exit_code = code;
            return 0;
        }
        _cleanup_(ctr__lifecycle_desc_done) struct ctr__desc d = { 0 };
        ctr__oci_t *oci = NULL;
        r = oci_for(c, &oci, &d);
        ctr__container_unlock(c);
        if (r < 0)
            return r;
        /* Wait without the lock (others may stop or exec meanwhile), unless
         * the caller holds it in a batch. */
        ctr_oci_exit_t ex;
        r = ctr__oci_wait_exit(oci, &d.oci, (int)timeout_ms, &ex);
        if (r < 0)
            return r;
        /* The next round's sync records the exit and cleans up. */
    }
}

/* ---- cleanup ---- */

CTR_EXPORT int ctr_container_cleanup(ctr_container_t *c)
{
    CTR_ENTER();
    CTR_CHECK_ARG(c);
    int r = ctr__container_lock(c);
    if (r < 0)
        return r;
    if (is_live(c->st.state))
        r = ctr__err(-EBUSY, CTR_CFMT " is %s: stop it before cleaning up", CTR_CARG(c), ctr_state_name(c->st.state));
    else if ((r = cleanup_locked(c)) == 0)
        r = ctr__container_save(c);
    ctr__container_unlock(c);
    return r;
}

/* ---- remove ---- */

int ctr__lifecycle_teardown(ctr_container_t *c, bool force)
{
    if (is_live(c->st.state)) {
        if (!force)
            return ctr__err(-EBUSY, CTR_CFMT " is %s: stop it first or force the removal", CTR_CARG(c),
                            ctr_state_name(c->st.state));
        _cleanup_(ctr__lifecycle_desc_done) struct ctr__desc d = { 0 };
        ctr__oci_t *oci = NULL;
        int r = oci_for(c, &oci, &d);
        if (r < 0)
            return r;
        if (c->st.state == CTR_STATE_PAUSED)
            ctr__oci_resume(oci, &d.oci);
        r = ctr__oci_kill(oci, &d.oci, SIGKILL, CTR_OCI_KILL_ALL);
        if (r < 0 && r != -ENOENT)
            return r;
        ctr_oci_exit_t ex;
        r = ctr__oci_wait_exit(oci, &d.oci, 30000, &ex);
        if (r < 0)
            return ctr__err_prefix(r, CTR_CFMT " did not exit after SIGKILL", CTR_CARG(c));
        record_exit(c, &ex);
    }
    return cleanup_locked(c);
}
