/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* ctr-healthcheck: the schedule of a container's healthcheck without
 * systemd.  libctr starts it when a container with a healthcheck starts:
 *
 *   ctr-healthcheck [--root DIR] [--runroot DIR] [--state-backend NAME]
 *                   [--runtime NAME|PATH] [--conmon PATH] [--storage-driver NAME]
 *                   [--cni-config-dir DIR] [--cni-plugin-dir DIR] ID
 *
 * It prints the PID of a detached worker (its own session, its parent
 * init) and exits; libctr keeps that PID in the container's run directory.
 * The worker sleeps the healthcheck's interval, then, while the container
 * still runs the start it was made for, runs the check
 * (ctr_container_healthcheck_run(): the start period, the status, the
 * event and the on-failure action are its), and again (a paused container
 * is checked at the next interval).  It ends when the container is no
 * longer running or paused, or was started again, and the cleanup of
 * the container (stop, exit, remove, restart) signals it before.  Built on
 * the public API only. */
#include <errno.h>
#include <libctr/ctr.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "helper.h"

static void sleep_ns(int64_t ns)
{
    struct timespec t = { .tv_sec = ns / 1000000000, .tv_nsec = ns % 1000000000 };
    while (nanosleep(&t, &t) < 0 && errno == EINTR)
        ;
}

/* Whether c still runs (or is paused in) the start of @started. */
static bool same_start(ctr_container_t *c, int64_t started)
{
    ctr_state_t st = CTR_STATE_UNKNOWN;
    int64_t now_started = 0;
    return ctr_container_state(c, &st) == 0 && (st == CTR_STATE_RUNNING || st == CTR_STATE_PAUSED) &&
           ctr_container_started_at(c, &now_started) == 0 && now_started == started;
}

/* Check container c at each interval of its healthcheck, while it runs. */
static int schedule(ctr_container_t *c)
{
    ctr_container_options_t *o = NULL;
    int64_t started = 0;
    int r = ctr_container_get_options(c, &o);
    if (r == 0)
        r = ctr_container_started_at(c, &started);
    int64_t interval = r == 0 ? o->health_interval : 0;
    ctr_container_options_free(o);
    if (r < 0 || interval <= 0)
        return r < 0 && r != -ENOENT;
    for (;;) {
        sleep_ns(interval);
        if (!same_start(c, started))
            return 0;
        ctr_health_status_t status;
        r = ctr_container_healthcheck_run(c, &status);
        if (r == -ENOENT || !same_start(c, started))
            return 0; /* removed, stopped, or restarted (by its on-failure action) */
        if (r < 0 && r != -ETIMEDOUT && r != -EBUSY) /* -EBUSY: paused, checked again after it */
            fprintf(stderr, "ctr-healthcheck: %s: %s\n", ctr_container_id(c), ctr_error_last()->message);
    }
}

int main(int argc, char **argv)
{
    ctr_runtime_options_t ro = CTR_RUNTIME_OPTIONS_INIT;
    const char *id = NULL;
    int r = helper_parse(argc, argv, "ctr-healthcheck", &ro, NULL, &id);
    if (r)
        return r;
    if ((r = helper_detach("ctr-healthcheck", true)) != 0)
        return r;
    ctr_runtime_t *rt = NULL;
    ctr_container_t *c = NULL;
    r = ctr_runtime_new(&rt, &ro);
    if (r == 0)
        r = ctr_runtime_lookup(rt, id, &c);
    if (r == 0)
        r = schedule(c);
    else
        r = r != -ENOENT;
    ctr_container_unref(c);
    ctr_runtime_unref(rt);
    _exit(r);
}
