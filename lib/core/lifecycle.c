/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A container's run-time state machine: the lock that reconciles the state
 * with the OCI runtime (an exit the monitor reported, a start or stop that
 * died), cleanup, stop, kill, pause, wait, the teardown before a remove and
 * the reset of a refresh.  Init and start are in init.c. */
#include "core/lifecycle.h"

#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include "base/error.h"
#include "base/fault.h"
#include "core/container-net.h"
#include "core/container.h"
#include "core/events.h"
#include "core/health-schedule.h"
#include "core/rootfs.h"
#include "core/volume.h"

/* ---- the OCI layer's view ---- */

int ctr__lifecycle_desc(ctr_container_t *c, struct ctr__desc *d)
{
    const struct ctr__config *cfg = ctr__container_config(c);
    const struct ctr__status *st = ctr__container_status(c);
    memset(d, 0, sizeof *d);
    d->run_dir = st->run_dir ? strdup(st->run_dir) : ctr__run_dir(ctr_container_runtime(c), cfg->id);
    d->exit_dir = d->run_dir ? ctr__asprintf("%s/exit", d->run_dir) : NULL;
    if (!d->run_dir || !d->exit_dir) {
        ctr__lifecycle_desc_done(d);
        return ctr__oom("a path");
    }
    d->oci = ctr__oci_container(cfg->id, cfg->static_dir, d->run_dir, d->exit_dir, st->pid, st->conmon_pid);
    return 0;
}

void ctr__lifecycle_desc_done(struct ctr__desc *d)
{
    free(d->run_dir);
    free(d->exit_dir);
    memset(d, 0, sizeof *d);
}

int ctr__lifecycle_oci(ctr_container_t *c, ctr__oci_t **oci, struct ctr__desc *d)
{
    int r = ctr__runtime_oci(ctr_container_runtime(c), oci);
    if (r < 0)
        return r;
    return ctr__lifecycle_desc(c, d);
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

/* The OCI runtime's container and the networks, side by side when there
 * are networks to tear down. */
static int remove_oci_and_net(ctr_container_t *c, ctr__oci_t *oci, const struct ctr__desc *d)
{
    struct oci_remove_job job = { .oci = oci, .oc = &d->oci };
    pthread_t thread;
    bool threaded = ctr__container_status(c)->netns_path && pthread_create(&thread, NULL, oci_remove_run, &job) == 0;
    int net_r = 0;
    if (threaded) {
        net_r = ctr__container_net_teardown(c); /* its error stays this thread's */
        pthread_join(thread, NULL);
    } else {
        oci_remove_run(&job);
    }
    if (job.r < 0 && job.r != -ENOENT)
        return ctr__err(job.r, "cleaning up " CTR_CFMT ": %s", CTR_CARG(c), job.msg);
    CTR_FAULT_POINT("cleanup.after-oci-remove");
    return threaded ? net_r : ctr__container_net_teardown(c);
}

int ctr__lifecycle_cleanup(ctr_container_t *c)
{
    const struct ctr__config *cfg = ctr__container_config(c);
    struct ctr__status *st = ctr__container_status(c);
    if (!st->run_dir && !st->pid && !st->conmon_pid && !st->netns_path)
        return 0;
    _cleanup_(ctr__lifecycle_desc_done) struct ctr__desc d = { 0 };
    ctr__oci_t *oci = NULL;
    int r = ctr__lifecycle_oci(c, &oci, &d);
    if (r < 0 || (r = remove_oci_and_net(c, oci, &d)) < 0)
        return r;
    if (umount2(cfg->shm_dir, MNT_DETACH) < 0 && errno != EINVAL && errno != ENOENT)
        return ctr__err(-errno, "cannot unmount %s: %m", cfg->shm_dir);
    if ((r = ctr__rootfs_unmount(c, false)) < 0)
        return r;
    ctr__volumes_release(c);
    ctr__health_unschedule(c, d.run_dir);
    r = ctr__rm_rf(d.run_dir);
    if (r < 0)
        return ctr__err(r, "cannot remove %s: %s", d.run_dir, strerror(-r));
    free(st->run_dir);
    st->run_dir = NULL;
    st->pid = 0;
    st->conmon_pid = 0;
    return 0;
}

/* ---- exits ---- */

/* The last stream (0 stdout, 1 stderr) tags of a log tail: conmon's k8s-file
 * lines are "TIME STREAM TAG MESSAGE". */
static void last_tags(char *buf, bool cut, char tags[2])
{
    char *line = buf;
    if (cut) { /* skip the first, cut line */
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
            tags[stream] = sp1[8];
    }
}

/* conmon writes a last line without a newline with the tag P (partial).  A
 * later run would continue that message; end it with an empty F line of the
 * same stream so each run's output stands alone.  The streams interleave, so
 * the last line of each stream is looked up in the log's tail. */
static void end_partial_log_line(const char *log_path)
{
    _cleanup_close_ int fd = open(log_path, O_RDWR | O_APPEND | O_CLOEXEC | O_NOFOLLOW);
    struct stat sb;
    if (fd < 0 || fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode) || sb.st_size < 2)
        return;
    char buf[16384];
    off_t off = sb.st_size > (off_t)sizeof buf - 1 ? sb.st_size - (off_t)sizeof buf + 1 : 0;
    ssize_t n = pread(fd, buf, (size_t)(sb.st_size - off), off);
    if (n < 2)
        return;
    buf[n] = '\0';
    char tags[2] = { 0, 0 };
    last_tags(buf, off > 0, tags);
    static const char *const names[] = { "stdout", "stderr" };
    for (int i = 0; i < 2; i++) {
        if (tags[i] != 'P')
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
    struct ctr__status *st = ctr__container_status(c);
    end_partial_log_line(ctr__container_config(c)->log_path);
    st->state = CTR_STATE_EXITED;
    st->exit_code = ex->exit_code;
    st->oom_killed = ex->oom_killed != 0;
    st->finished = ex->finished ? ex->finished : ctr__now_ns();
    /* The exit file's ctime comes from the kernel's coarse clock, up to a
     * tick behind the precise one that stamped the start: a process that
     * exits at once can look finished before it started.  Clamp. */
    if (st->finished < st->started)
        st->finished = st->started;
    /* The transition to exited, under the container's lock, is the one
     * place that reports the exit: whichever process records it. */
    ctr__event_container(c, "died", ex->exit_code, NULL);
}

int ctr__lifecycle_finish_exit(ctr_container_t *c, const ctr_oci_exit_t *ex)
{
    record_exit(c, ex);
    if (ctr__lifecycle_cleanup(c) < 0)
        ctr__rt_log(ctr_container_runtime(c), CTR_LOG_WARNING, "%s", ctr_error_last()->message);
    return ctr__container_save(c);
}

/* ---- reconciling ---- */

static ctr_state_t state_of(ctr_oci_status_t status, ctr_state_t otherwise)
{
    switch (status) {
    case CTR_OCI_STATUS_RUNNING: return CTR_STATE_RUNNING;
    case CTR_OCI_STATUS_PAUSED: return CTR_STATE_PAUSED;
    case CTR_OCI_STATUS_CREATED: return CTR_STATE_CREATED;
    default: return otherwise;
    }
}

/* A start that died before its save left its time stamp unsaved: the
 * marker it made right before the runtime's start has that time. */
static void stamp_died_start(ctr_container_t *c, const char *run_dir)
{
    struct ctr__status *st = ctr__container_status(c);
    if (st->state != CTR_STATE_CREATED || st->started)
        return;
    char marker[PATH_MAX];
    struct stat ms;
    snprintf(marker, sizeof marker, "%s/" CTR__STARTING_FILE, run_dir);
    if (stat(marker, &ms) == 0)
        st->started = (int64_t)ms.st_mtim.tv_sec * 1000000000 + ms.st_mtim.tv_nsec;
}

/* Under the lock, a live container that has not exited is "stopping" only
 * when its stop died (or failed), and "created" with the starting file only
 * when its start did: ask the runtime what became of it. */
static int finish_interrupted(ctr_container_t *c, ctr__oci_t *oci, const struct ctr__desc *d)
{
    struct ctr__status *st = ctr__container_status(c);
    if (st->state != CTR_STATE_CREATED && st->state != CTR_STATE_STOPPING)
        return 0;
    _cleanup_free_ char *marker = ctr__asprintf("%s/" CTR__STARTING_FILE, d->run_dir);
    if (!marker)
        return ctr__oom("a path");
    if (st->state == CTR_STATE_CREATED && access(marker, F_OK) < 0)
        return 0;
    ctr_oci_status_t status = CTR_OCI_STATUS_UNKNOWN;
    pid_t pid = 0;
    int r = ctr__oci_state(oci, &d->oci, &status, &pid);
    if (r < 0) {
        /* Not fatal: the container stays usable (stop, remove), and the next
         * sync asks again. */
        ctr__rt_log(ctr_container_runtime(c), CTR_LOG_WARNING, "%s: state after an interrupted start or stop: %s",
                    CTR_CARG(c), ctr_error_last()->message);
        ctr__err_clear();
        return 0;
    }
    ctr_state_t now = state_of(status, st->state);
    if (now != st->state) {
        stamp_died_start(c, d->run_dir);
        st->state = now;
        if ((r = ctr__container_save(c)) < 0)
            return r;
    }
    unlink(marker);
    return 0;
}

/* The runtime's container removed by force (its processes with it) and
 * /dev/shm unmounted, whatever the state says; errors are not reported. */
static void drop_runtime_side(ctr_container_t *c, const struct ctr__desc *d)
{
    ctr__oci_t *oci = NULL;
    struct ctr__err_saved saved;
    ctr__err_save(&saved);
    if (ctr__runtime_oci(ctr_container_runtime(c), &oci) == 0)
        (void)ctr__oci_remove(oci, &d->oci, CTR_OCI_REMOVE_FORCE);
    ctr__err_restore(&saved);
    umount2(ctr__container_config(c)->shm_dir, MNT_DETACH);
}

void ctr__lifecycle_drop_leftovers(ctr_container_t *c)
{
    _cleanup_(ctr__lifecycle_desc_done) struct ctr__desc d = { 0 };
    if (ctr__lifecycle_desc(c, &d) == 0 && access(d.run_dir, F_OK) == 0)
        drop_runtime_side(c, &d);
}

static bool pid_gone(pid_t pid)
{
    return pid > 0 && kill(pid, 0) < 0 && errno == ESRCH;
}

/* Neither the monitor nor the container's process exists any more. */
static bool monitor_gone(const struct ctr__status *st)
{
    return pid_gone(st->conmon_pid) && pid_gone(st->pid);
}

/* What a container may have made, found by its ID and not by its state:
 * the runtime's container with its processes (the monitor exits with
 * them), the networks and the namespace, /dev/shm, the root file system's
 * mount when init noted it, the run directory. */
static int undo_by_id(ctr_container_t *c, const struct ctr__desc *d)
{
    drop_runtime_side(c, d);
    ctr__container_net_undo(c);
    char mounted[PATH_MAX];
    snprintf(mounted, sizeof mounted, "%s/" CTR__MOUNTED_FILE, d->run_dir);
    int r;
    if (access(mounted, F_OK) == 0 && (r = ctr__rootfs_unmount(c, false)) < 0)
        return r;
    ctr__unmount_below(d->run_dir);
    if ((r = ctr__rm_rf(d->run_dir)) < 0)
        return ctr__err(r, "cannot remove %s: %s", d->run_dir, strerror(-r));
    return 0;
}

/* Init makes the run directory first and records it in the state last: a
 * container that is not live, whose state records no run directory but
 * that has one, is an init that died half way: undo what it made.  The
 * state (configured, or exited from an earlier run) stays true. */
static int undo_interrupted_init(ctr_container_t *c)
{
    /* At every lock of such a container: the check alone when there is none. */
    _cleanup_free_ char *run = ctr__run_dir(ctr_container_runtime(c), ctr__container_config(c)->id);
    if (!run)
        return ctr__oom("a path");
    if (access(run, F_OK) < 0)
        return 0;
    _cleanup_(ctr__lifecycle_desc_done) struct ctr__desc d = { 0 };
    int r = ctr__lifecycle_desc(c, &d);
    if (r < 0)
        return r;
    ctr__rt_log(ctr_container_runtime(c), CTR_LOG_INFO, CTR_CFMT ": undoing an init that did not finish", CTR_CARG(c));
    if ((r = undo_by_id(c, &d)) < 0)
        return r;
    return ctr__container_save(c);
}

/* A damaged record tells nothing to trust: the runtime is asked whether
 * the container still runs (then only a forced remove goes on), and what
 * it may have is torn down by its ID. */
static int teardown_damaged(ctr_container_t *c, bool force)
{
    _cleanup_(ctr__lifecycle_desc_done) struct ctr__desc d = { 0 };
    ctr__oci_t *oci = NULL;
    int r = ctr__lifecycle_oci(c, &oci, &d);
    if (r < 0)
        return r;
    ctr_oci_status_t status = CTR_OCI_STATUS_UNKNOWN;
    pid_t pid = 0;
    if (ctr__oci_state(oci, &d.oci, &status, &pid) < 0)
        ctr__err_clear();
    bool up = status == CTR_OCI_STATUS_RUNNING || status == CTR_OCI_STATUS_PAUSED || status == CTR_OCI_STATUS_CREATED;
    if (up && !force)
        return ctr__err(-EBUSY, CTR_CFMT " has a damaged record and the OCI runtime still has it: force the removal",
                        CTR_CARG(c));
    return undo_by_id(c, &d);
}

int ctr__lifecycle_update(ctr_container_t *c)
{
    const struct ctr__status *st = ctr__container_status(c);
    if (ctr__container_damage(c))
        return 0; /* nothing known to reconcile: a remove tears it down by its ID */
    if (!ctr__state_is_live(st->state))
        return st->run_dir ? 0 : undo_interrupted_init(c);
    if (st->boot_id && !streq(st->boot_id, ctr__runtime_settings(ctr_container_runtime(c))->boot_id)) {
        /* The machine rebooted: nothing of this run survived. */
        ctr_oci_exit_t ex = { .exit_code = -1 };
        return ctr__lifecycle_finish_exit(c, &ex);
    }
    _cleanup_(ctr__lifecycle_desc_done) struct ctr__desc d = { 0 };
    ctr__oci_t *oci = NULL;
    int r = ctr__lifecycle_oci(c, &oci, &d);
    if (r < 0)
        return r;
    ctr_oci_exit_t ex;
    r = ctr__oci_exit_status(oci, &d.oci, &ex);
    if (r == -EAGAIN && !monitor_gone(st))
        return finish_interrupted(c, oci, &d);
    if (r == -EAGAIN) /* the monitor may have reported it right before it went */
        r = ctr__oci_exit_status(oci, &d.oci, &ex);
    if (r == -EAGAIN) {
        /* Its monitor died before the container did, or with it, and
         * nobody reported the exit: it ended, its code unknown. */
        ctr__rt_log(ctr_container_runtime(c), CTR_LOG_WARNING, CTR_CFMT " ended with its monitor; exit code unknown",
                    CTR_CARG(c));
        ex = (ctr_oci_exit_t){ .exit_code = -1 };
        r = 0;
    }
    if (r < 0 && access(d.exit_dir, F_OK) < 0 && errno == ENOENT) {
        /* A teardown removed the run directory (or began to: the exit
         * directory goes first) but died before saving: nothing can report
         * this run's exit any more. */
        ctr__err_clear();
        ex = (ctr_oci_exit_t){ .exit_code = -1 };
        r = 0;
    }
    if (r < 0)
        return r;
    stamp_died_start(c, d.run_dir);
    return ctr__lifecycle_finish_exit(c, &ex);
}

int ctr__lifecycle_lock_any(ctr_container_t *c)
{
    bool batch = ctr__container_in_batch(c);
    int r = ctr__container_lock(c);
    if (r < 0 || batch)
        return r; /* inside a batch: neither re-read nor reconciled */
    r = ctr__lifecycle_update(c);
    if (r < 0)
        ctr__container_unlock(c);
    return r;
}

int ctr__lifecycle_lock(ctr_container_t *c)
{
    int r = ctr__lifecycle_lock_any(c);
    if (r < 0 || !ctr__container_damage(c))
        return r;
    ctr__container_unlock(c);
    return ctr__err(-EUCLEAN, CTR_CFMT " has a damaged record (%s): it can only be inspected or removed",
                    CTR_CARG(c), ctr__container_damage(c));
}

/* ---- kill, stop ---- */

static int kill_locked(ctr_container_t *c, int sig)
{
    ctr_state_t state = ctr__container_status(c)->state;
    if (state != CTR_STATE_RUNNING && state != CTR_STATE_STOPPING)
        return ctr__err(-EBUSY, CTR_CFMT " is %s: only running containers can be signalled", CTR_CARG(c),
                        ctr_state_name(state));
    _cleanup_(ctr__lifecycle_desc_done) struct ctr__desc d = { 0 };
    ctr__oci_t *oci = NULL;
    int r = ctr__lifecycle_oci(c, &oci, &d);
    if (r < 0)
        return r;
    r = ctr__oci_kill(oci, &d.oci, sig, 0);
    if (r == 0) {
        /* podman's StoppedByUser: its restart policy leaves it down. */
        ctr__container_status(c)->stopped_by_user = true;
        if ((r = ctr__container_save(c)) < 0)
            return r;
        char attr[32];
        snprintf(attr, sizeof attr, "signal=%d", sig);
        ctr__event_container(c, "kill", 0, (const char *const[]){ attr, NULL });
    }
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
    return CTR__WITH_LOCK(c, kill_locked(c, signal));
}

/* After the stop signal failed or timed out: SIGKILL, and its exit. */
static int stop_kill(ctr_container_t *c, ctr__oci_t *oci, const struct ctr__desc *d, int r, int timeout,
                     ctr_oci_exit_t *ex)
{
    const struct ctr__config *cfg = ctr__container_config(c);
    ctr_runtime_t *rt = ctr_container_runtime(c);
    if (r != -ETIMEDOUT)
        ctr__rt_log(rt, CTR_LOG_WARNING, "stop signal to %s failed (%s): killing it", cfg->name,
                    ctr_error_last()->message);
    else if (timeout > 0) /* podman's words: its users grep for them */
        ctr__rt_log(rt, CTR_LOG_WARNING, "StopSignal SIG%s failed to stop container %s in %d seconds, resorting to SIGKILL",
                    sigabbrev_np((int)cfg->stop_signal) ? sigabbrev_np((int)cfg->stop_signal) : "?", cfg->name,
                    timeout);
    ctr__err_clear();
    r = ctr__oci_kill(oci, &d->oci, SIGKILL, CTR_OCI_KILL_ALL);
    if (r < 0 && r != -ENOENT)
        return r;
    r = ctr__oci_wait_exit(oci, &d->oci, 30000, ex);
    if (r < 0)
        return ctr__err_prefix(r, CTR_CFMT " did not exit after SIGKILL", CTR_CARG(c));
    return 0;
}

static int stop_live(ctr_container_t *c, int timeout)
{
    const struct ctr__config *cfg = ctr__container_config(c);
    struct ctr__status *st = ctr__container_status(c);
    _cleanup_(ctr__lifecycle_desc_done) struct ctr__desc d = { 0 };
    ctr__oci_t *oci = NULL;
    int r = ctr__lifecycle_oci(c, &oci, &d);
    if (r < 0)
        return r;
    if (timeout < 0)
        timeout = (int)cfg->stop_timeout;
    ctr_state_t before = st->state;
    st->state = CTR_STATE_STOPPING;
    if ((r = ctr__container_save(c)) < 0)
        return r;
    CTR_FAULT_POINT("stop.after-stopping-save");
    ctr_oci_exit_t ex;
    r = -ETIMEDOUT;
    if (before != CTR_STATE_CREATED && timeout > 0) {
        r = ctr__oci_kill(oci, &d.oci, cfg->stop_signal, 0);
        if (r == 0 || r == -ENOENT)
            r = ctr__oci_wait_exit(oci, &d.oci, timeout * 1000, &ex);
    }
    if (r < 0 && (r = stop_kill(c, oci, &d, r, timeout, &ex)) < 0)
        return r;
    CTR_FAULT_POINT("stop.after-exit");
    return ctr__lifecycle_finish_exit(c, &ex);
}

int ctr__lifecycle_stop(ctr_container_t *c, int timeout)
{
    ctr_state_t state = ctr__container_status(c)->state;
    /* Saved with the stopping state: the exit's recorder sees it. */
    ctr__container_status(c)->stopped_by_user = true;
    switch (state) {
    case CTR_STATE_CONFIGURED:
    case CTR_STATE_EXITED:
        return ctr__lifecycle_cleanup(c) < 0 ? ctr__err_code() : ctr__container_save(c);
    case CTR_STATE_RUNNING:
    case CTR_STATE_CREATED:
    case CTR_STATE_STOPPING: {
        int r = stop_live(c, timeout);
        if (r == 0)
            ctr__event_container(c, "stop", 0, NULL);
        return r;
    }
    default:
        return ctr__err(-EBUSY, CTR_CFMT " is %s: it cannot be stopped", CTR_CARG(c), ctr_state_name(state));
    }
}

CTR_EXPORT int ctr_container_stop(ctr_container_t *c, int timeout)
{
    CTR_ENTER();
    CTR_CHECK_ARG(c);
    return CTR__WITH_LOCK(c, ctr__lifecycle_stop(c, timeout));
}

/* ---- pause ---- */

static int pause_locked(ctr_container_t *c, bool pause)
{
    struct ctr__status *st = ctr__container_status(c);
    ctr_state_t want = pause ? CTR_STATE_RUNNING : CTR_STATE_PAUSED;
    if (st->state != want)
        return ctr__err(-EBUSY, CTR_CFMT " is %s: it cannot be %s", CTR_CARG(c), ctr_state_name(st->state),
                        pause ? "paused" : "unpaused");
    _cleanup_(ctr__lifecycle_desc_done) struct ctr__desc d = { 0 };
    ctr__oci_t *oci = NULL;
    int r = ctr__lifecycle_oci(c, &oci, &d);
    if (r < 0)
        return r;
    r = pause ? ctr__oci_pause(oci, &d.oci) : ctr__oci_resume(oci, &d.oci);
    if (r < 0)
        return r;
    st->state = pause ? CTR_STATE_PAUSED : CTR_STATE_RUNNING;
    if ((r = ctr__container_save(c)) == 0)
        ctr__event_container(c, pause ? "pause" : "unpause", 0, NULL);
    return r;
}

CTR_EXPORT int ctr_container_pause(ctr_container_t *c)
{
    CTR_ENTER();
    CTR_CHECK_ARG(c);
    return CTR__WITH_LOCK(c, pause_locked(c, true));
}

CTR_EXPORT int ctr_container_unpause(ctr_container_t *c)
{
    CTR_ENTER();
    CTR_CHECK_ARG(c);
    return CTR__WITH_LOCK(c, pause_locked(c, false));
}

/* ---- wait ---- */

/* One round of a wait, lock held: 1 with the exit code when the container is
 * not live, else 0 with what to wait on (without the lock). */
static int wait_check(ctr_container_t *c, int *ret_code, ctr__oci_t **oci, struct ctr__desc *d)
{
    /* Inside a batch the lock does not sync: look at the exit file here. */
    int r = ctr__container_in_batch(c) ? ctr__lifecycle_update(c) : 0;
    if (r < 0)
        return r;
    const struct ctr__status *st = ctr__container_status(c);
    if (!ctr__state_is_live(st->state)) {
        *ret_code = st->exit_code;
        return 1;
    }
    return ctr__lifecycle_oci(c, oci, d);
}

CTR_EXPORT int ctr_container_wait(ctr_container_t *c, int64_t timeout_ms, int *ret_exit_code)
{
    CTR_ENTER();
    CTR_CHECK_ARG(c);
    CTR_CHECK_ARG(timeout_ms >= -1);
    if (timeout_ms > INT32_MAX)
        timeout_ms = INT32_MAX;
    for (;;) {
        _cleanup_(ctr__lifecycle_desc_done) struct ctr__desc d = { 0 };
        ctr__oci_t *oci = NULL;
        int code = 0;
        int r = CTR__WITH_LOCK(c, wait_check(c, &code, &oci, &d));
        if (r < 0)
            return r;
        if (r > 0) {
            if (ret_exit_code)
                *ret_exit_code = code;
            return 0;
        }
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

static int cleanup_locked(ctr_container_t *c)
{
    ctr_state_t state = ctr__container_status(c)->state;
    if (ctr__state_is_live(state))
        return ctr__err(-EBUSY, CTR_CFMT " is %s: stop it before cleaning up", CTR_CARG(c), ctr_state_name(state));
    int r = ctr__lifecycle_cleanup(c);
    return r < 0 ? r : ctr__container_save(c);
}

CTR_EXPORT int ctr_container_cleanup(ctr_container_t *c)
{
    CTR_ENTER();
    CTR_CHECK_ARG(c);
    return CTR__WITH_LOCK(c, cleanup_locked(c));
}

/* ---- remove, refresh ---- */

static int kill_for_remove(ctr_container_t *c)
{
    _cleanup_(ctr__lifecycle_desc_done) struct ctr__desc d = { 0 };
    ctr__oci_t *oci = NULL;
    int r = ctr__lifecycle_oci(c, &oci, &d);
    if (r < 0)
        return r;
    if (ctr__container_status(c)->state == CTR_STATE_PAUSED)
        ctr__oci_resume(oci, &d.oci);
    r = ctr__oci_kill(oci, &d.oci, SIGKILL, CTR_OCI_KILL_ALL);
    if (r < 0 && r != -ENOENT)
        return r;
    ctr_oci_exit_t ex = { .exit_code = -1 };
    if (access(d.exit_dir, F_OK) < 0) {
        /* A teardown that died removed the run dir: nothing can report
         * the exit any more; the cleanup removes the runtime's side. */
        record_exit(c, &ex);
        return 0;
    }
    r = ctr__oci_wait_exit(oci, &d.oci, 30000, &ex);
    if (r < 0)
        return ctr__err_prefix(r, CTR_CFMT " did not exit after SIGKILL", CTR_CARG(c));
    record_exit(c, &ex);
    return 0;
}

int ctr__lifecycle_teardown(ctr_container_t *c, bool force)
{
    if (ctr__container_damage(c))
        return teardown_damaged(c, force);
    ctr_state_t state = ctr__container_status(c)->state;
    if (ctr__state_is_live(state)) {
        if (!force)
            return ctr__err(-EBUSY, CTR_CFMT " is %s: stop it first or force the removal", CTR_CARG(c),
                            ctr_state_name(state));
        int r = kill_for_remove(c);
        if (r < 0)
            return r;
    }
    return ctr__lifecycle_cleanup(c);
}

/* The run-time fields of the state, as a container that never ran has them. */
static void reset_status(struct ctr__status *st)
{
    if (st->state != CTR_STATE_EXITED && st->state != CTR_STATE_REMOVING)
        st->state = CTR_STATE_CONFIGURED;
    st->pid = 0;
    st->conmon_pid = 0;
    st->mounted = false;
    char **fields[] = { &st->mount_point, &st->run_dir, &st->netns_path, &st->networks_json, &st->boot_id };
    for (size_t i = 0; i < ARRAY_SIZE(fields); i++) {
        free(*fields[i]);
        *fields[i] = NULL;
    }
}

int ctr__lifecycle_reset(ctr_container_t *c, bool fresh_boot, bool *ret_live)
{
    const struct ctr__config *cfg = ctr__container_config(c);
    struct ctr__status *st = ctr__container_status(c);
    ctr_runtime_t *rt = ctr_container_runtime(c);
    *ret_live = !fresh_boot && st->boot_id && streq(st->boot_id, ctr__runtime_settings(rt)->boot_id);
    if (*ret_live)
        return 0;
    /* In this boot, an init or start that died may have left the runtime's
     * container and its monitor running. */
    if (!fresh_boot)
        ctr__lifecycle_drop_leftovers(c);
    /* Networks first: CNI DEL with the results stored at setup. */
    if (ctr__container_net_teardown(c) < 0)
        ctr__rt_log(rt, CTR_LOG_WARNING, "refresh: %s: %s", cfg->name, ctr_error_last()->message);
    ctr__unmount_below(cfg->shm_dir);
    if (st->mounted && ctr__rootfs_unmount(c, true) < 0)
        ctr__rt_log(rt, CTR_LOG_WARNING, "refresh: %s: %s", cfg->name, ctr_error_last()->message);
    _cleanup_free_ char *run_dir = ctr__run_dir(rt, cfg->id);
    if (run_dir) {
        ctr__unmount_below(run_dir);
        ctr__rm_rf(run_dir);
    }
    reset_status(st);
    return ctr__container_save(c);
}
