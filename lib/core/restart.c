/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Restarts: the restart policy (`--restart`), applied when a container's
 * process ended by itself, in whichever process records the exit (conmon's
 * exit command, ctr-cleanup, when no caller of libctr is alive); the
 * restart a user asks for (podman restart); the `always` containers started
 * again after a reboot.
 *
 * podman's rules: a user's stop or kill marks the container stopped by the
 * user, and no policy restarts it then; `on-failure[:N]` restarts on a
 * non-zero exit code, at most N times (0: no limit) counted since the last
 * start by a user; `always` and `unless-stopped` restart on any exit.  As in
 * podman 4.3 there is no delay between restarts. */
#include <errno.h>
#include <libctr/ctr-lifecycle.h>
#include <stdlib.h>

#include "base/error.h"
#include "base/util.h"
#include "core/container.h"
#include "core/events.h"
#include "core/lifecycle.h"
#include "core/runtime.h"
#include "data/config.h"
#include "data/status.h"

static bool policy_is(const struct ctr__config *cfg, const char *name)
{
    const char *p = cfg->process.restart_policy;
    return p && streq(p, name);
}

/* Whether the policy restarts c, exited (lock held). */
static bool should_restart(ctr_container_t *c)
{
    const struct ctr__config *cfg = ctr__container_config(c);
    const struct ctr__status *st = ctr__container_status(c);
    if (st->state != CTR_STATE_EXITED || st->stopped_by_user || (cfg->flags & CTR_CREATE_AUTO_REMOVE))
        return false;
    if (policy_is(cfg, "always") || policy_is(cfg, "unless-stopped"))
        return true;
    if (!policy_is(cfg, "on-failure") || st->exit_code == 0)
        return false;
    return cfg->process.restart_retries == 0 || st->restart_count < (int)cfg->process.restart_retries;
}

static int apply_locked(ctr_container_t *c)
{
    if (!should_restart(c))
        return 0;
    struct ctr__status *st = ctr__container_status(c);
    st->restart_count++;
    int r = ctr__container_save(c);
    if (r < 0)
        return r;
    ctr__event_container(c, "restart", 0, NULL);
    r = ctr__lifecycle_start(c, true);
    return r < 0 ? r : 1;
}

CTR_EXPORT int ctr_container_apply_restart_policy(ctr_container_t *c)
{
    CTR_ENTER();
    CTR_CHECK_ARG(c);
    return CTR__WITH_LOCK(c, apply_locked(c));
}

static int restart_locked(ctr_container_t *c, int timeout)
{
    ctr_state_t state = ctr__container_status(c)->state;
    if (state == CTR_STATE_PAUSED || state == CTR_STATE_REMOVING)
        return ctr__err(-EBUSY, CTR_CFMT " is %s: it cannot be restarted", CTR_CARG(c), ctr_state_name(state));
    int r = ctr__state_is_live(state) ? ctr__lifecycle_stop(c, timeout) : 0;
    if (r < 0)
        return r;
    ctr__event_container(c, "restart", 0, NULL);
    return ctr__lifecycle_start(c, true);
}

CTR_EXPORT int ctr_container_restart(ctr_container_t *c, int timeout)
{
    CTR_ENTER();
    CTR_CHECK_ARG(c);
    return CTR__WITH_LOCK(c, restart_locked(c, timeout));
}

int ctr__restart_after_boot(ctr_runtime_t *rt, const char *id)
{
    _cleanup_(ctr_container_unrefp) ctr_container_t *c = NULL;
    int r = ctr__container_load(rt, id, NULL, NULL, &c);
    if (r < 0)
        return r == -ENOENT ? 0 : r;
    if (!policy_is(ctr__container_config(c), "always"))
        return 0;
    r = ctr_container_start(c);
    if (r == -EBUSY) /* running already: someone was first */
        return 0;
    return r < 0 ? r : 1;
}
