/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The healthcheck: one run of the container's check through exec, its
 * result recorded with podman's rules (data/health.c), the health_status
 * event, and the on-failure action.  The schedule is health-schedule.c. */
#include <signal.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

#include "base/error.h"
#include "core/container.h"
#include "core/events.h"
#include "core/exec.h"
#include "core/lifecycle.h"
#include "data/health.h"

#define SECOND_NS 1000000000LL

/* What a run needs, taken under the lock: the check's argv and limits. */
struct check {
    char **argv;
    unsigned int timeout_s, retries;
    int64_t timeout, start_period;
};

static void check_done(struct check *k)
{
    ctr__strv_free(k->argv);
}

static int prepare_locked(ctr_container_t *c, struct check *k)
{
    const struct ctr__process *p = &ctr__container_config(c)->process;
    if (!ctr__process_has_healthcheck(p))
        return ctr__err(-EINVAL, "container %s has no defined healthcheck", ctr_container_id(c));
    if (ctr__container_status(c)->state != CTR_STATE_RUNNING)
        return ctr__err(-EBUSY, "container %s is not running", ctr_container_id(c));
    if (streq(p->health_cmd[0], "CMD-SHELL"))
        k->argv = ctr__strv_copy((const char *const[]){ "/bin/sh", "-c", p->health_cmd[1], NULL });
    else
        k->argv = ctr__strv_copy((const char *const *)p->health_cmd + 1);
    if (!k->argv)
        return ctr__oom("the healthcheck command");
    k->timeout = p->health_timeout;
    k->timeout_s = (unsigned int)((p->health_timeout + SECOND_NS - 1) / SECOND_NS);
    k->retries = p->health_retries;
    k->start_period = p->health_start_period;
    return 0;
}

/* A time of at least a second as Go prints a duration: 1h2m3.5s. */
static void go_duration(int64_t ns, char *buf, size_t size)
{
    long long s = (long long)(ns / SECOND_NS);
    char frac[16] = "";
    if (ns % SECOND_NS) {
        snprintf(frac, sizeof frac, ".%09lld", (long long)(ns % SECOND_NS));
        for (size_t n = strlen(frac); frac[n - 1] == '0'; n--)
            frac[n - 1] = '\0';
    }
    if (s >= 3600)
        snprintf(buf, size, "%lldh%lldm%lld%ss", s / 3600, s % 3600 / 60, s % 60, frac);
    else if (s >= 60)
        snprintf(buf, size, "%lldm%lld%ss", s / 60, s % 60, frac);
    else
        snprintf(buf, size, "%lld%ss", s, frac);
}

/* Exec the check with its output in a memfd: 0 with the result, or the exec's error. */
static int run_check(ctr_container_t *c, const struct check *k, struct ctr__health_result *res, char *out)
{
    _cleanup_close_ int fd = memfd_create("healthcheck", MFD_CLOEXEC);
    if (fd < 0)
        return ctr__err(-errno, "memfd_create: %m");
    ctr_exec_options_t o = CTR_EXEC_OPTIONS_INIT;
    o.argv = (const char *const *)k->argv;
    o.stdout_fd = o.stderr_fd = fd;
    res->start = ctr__now_ns();
    int code = -1;
    int r = ctr__exec(c, &o, k->timeout_s, &code);
    res->end = ctr__now_ns();
    if (r < 0 && r != -ETIMEDOUT)
        return r;
    res->exit_code = r == -ETIMEDOUT ? -1 : code;
    ssize_t n = pread(fd, out, CTR__HEALTH_OUTPUT_MAX, 0);
    out[n > 0 ? n : 0] = '\0';
    res->output = out;
    return 0;
}

/* Record the result (lock held): the state saved, the event written. */
static int record_locked(ctr_container_t *c, const struct check *k, const struct ctr__health_result *res,
                         ctr_health_status_t *ret_status)
{
    struct ctr__status *st = ctr__container_status(c);
    if (st->state != CTR_STATE_RUNNING)
        return ctr__err(-EBUSY, "container %s is not running", ctr_container_id(c));
    bool in_start_period = k->start_period > 0 && res->start - st->started < k->start_period;
    int r = ctr__health_record(&st->health_json, res, k->retries, in_start_period, ret_status);
    if (r < 0 || (r = ctr__container_save(c)) < 0)
        return r;
    static const char *const names[] = { "", "starting", "healthy", "unhealthy" };
    char attr[40];
    snprintf(attr, sizeof attr, "health_status=%s", names[*ret_status]);
    ctr__event_container(c, "health_status", 0, (const char *const[]){ attr, NULL });
    return 0;
}

/* The on-failure action of an unhealthy container: podman's kill, stop, restart. */
static int on_failure(ctr_container_t *c)
{
    const char *a = ctr__container_config(c)->process.health_on_failure;
    if (!a)
        return 0;
    if (streq(a, "kill"))
        return ctr_container_kill(c, SIGKILL);
    if (streq(a, "stop"))
        return ctr_container_stop(c, -1);
    return ctr_container_restart(c, -1);
}

CTR_EXPORT int ctr_container_healthcheck_run(ctr_container_t *c, ctr_health_status_t *ret_status)
{
    CTR_ENTER();
    CTR_CHECK_ARG(c);
    _cleanup_(check_done) struct check k = { 0 };
    int r = CTR__WITH_LOCK(c, prepare_locked(c, &k));
    if (r < 0)
        return r;
    struct ctr__health_result res = { 0 };
    char out[CTR__HEALTH_OUTPUT_MAX + 1];
    if ((r = run_check(c, &k, &res, out)) < 0)
        return r;
    ctr_health_status_t status = CTR_HEALTH_STARTING;
    if ((r = CTR__WITH_LOCK(c, record_locked(c, &k, &res, &status))) < 0)
        return r;
    if (ret_status)
        *ret_status = status;
    if (res.exit_code != 0 && status == CTR_HEALTH_UNHEALTHY && (r = on_failure(c)) < 0)
        return r;
    if (res.exit_code == -1) {
        char t[48];
        go_duration(k.timeout, t, sizeof t);
        return ctr__err(-ETIMEDOUT, "healthcheck command exceeded timeout of %s", t);
    }
    return res.exit_code == 0 ? 0 : 1;
}
