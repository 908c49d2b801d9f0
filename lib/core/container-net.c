/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A container's networks: the network layer's hooks with the container's
 * config and the runtime's settings, their results in the container's
 * state (container-net.h). */
#include "core/container-net.h"

#include <stdio.h>

#include "base/error.h"
#include "core/container.h"
#include "core/runtime.h"
#include "net/etc-files.h"
#include "net/net.h"

static const struct ctr__settings *settings_of(ctr_container_t *c)
{
    return ctr__runtime_settings(ctr_container_runtime(c));
}

static void clear_netns(struct ctr__status *st)
{
    free(st->netns_path);
    st->netns_path = NULL;
}

/* The state's record of the networks and the namespace, gone. */
static void clear_net(struct ctr__status *st)
{
    free(st->networks_json);
    st->networks_json = NULL;
    clear_netns(st);
}

static void pending_abortp(struct ctr__net_pending **p)
{
    ctr__net_pending_abort(*p);
}

int ctr__container_net_setup(ctr_container_t *c, struct ctr__net_pending **ret_pending, const char **ret_netns)
{
    const struct ctr__config *cfg = ctr__container_config(c);
    struct ctr__status *st = ctr__container_status(c);
    if (!(cfg->flags & CTR_CREATE_NETNS)) {
        *ret_pending = NULL;
        *ret_netns = cfg->netns_path; /* joined as is, or none */
        return 0;
    }
    /* Leftovers of an earlier run that was not cleaned up. */
    int r = ctr__container_net_teardown(c);
    if (r < 0)
        return r;
    _cleanup_(pending_abortp) struct ctr__net_pending *p = NULL;
    if ((r = ctr__net_setup(settings_of(c), cfg, &p)) < 0)
        return r;
    if (!(st->netns_path = strdup(ctr__net_pending_netns(p))))
        return ctr__oom("network namespace path");
    *ret_pending = TAKE_PTR(p);
    *ret_netns = st->netns_path;
    return 0;
}

int ctr__container_net_setup_wait(ctr_container_t *c, struct ctr__net_pending *pending, const char *run_dir)
{
    if (!pending)
        return 0;
    struct ctr__status *st = ctr__container_status(c);
    char *networks = NULL, ip[INET6_ADDRSTRLEN];
    int r = ctr__net_setup_wait(pending, &networks, ip);
    if (r < 0) {
        clear_netns(st); /* removed */
        return r;
    }
    free(st->networks_json);
    st->networks_json = networks;
    /* /etc/hosts was written before the address was known. */
    return run_dir ? ctr__etc_hosts_update(ctr__container_config(c), run_dir, *ip ? ip : NULL) : 0;
}

void ctr__container_net_abort(ctr_container_t *c, struct ctr__net_pending *pending)
{
    struct ctr__err_saved saved;
    ctr__err_save(&saved);
    if (pending) {
        ctr__net_pending_abort(pending);
        clear_netns(ctr__container_status(c));
    }
    ctr__container_net_teardown(c);
    ctr__err_restore(&saved);
}

int ctr__container_net_teardown(ctr_container_t *c)
{
    struct ctr__status *st = ctr__container_status(c);
    if (!st->networks_json && !st->netns_path)
        return 0;
    struct ctr__err_saved saved;
    ctr__err_save(&saved);
    int r = ctr__net_release(settings_of(c), ctr__container_config(c)->id, st->networks_json, st->netns_path);
    if (r < 0 && st->netns_path && access(st->netns_path, F_OK) == 0)
        return r; /* the namespace is still there: keep the record to retry */
    /* A DEL failure was logged by ctr__net_release(): it must not block the
     * cleanup, nor replace an error being reported. */
    ctr__err_restore(&saved);
    clear_net(st);
    return 0;
}

void ctr__container_net_undo(ctr_container_t *c)
{
    struct ctr__err_saved saved;
    ctr__err_save(&saved);
    if (ctr__net_release_config(settings_of(c), ctr__container_config(c)) < 0)
        ctr__rt_log(ctr_container_runtime(c), CTR_LOG_WARNING, "%s", ctr_error_last()->message);
    ctr__err_restore(&saved);
    clear_net(ctr__container_status(c));
}

int ctr__container_net_inspect(ctr_container_t *c, struct json_object *settings)
{
    const struct ctr__status *st = ctr__container_status(c);
    return ctr__net_inspect(settings_of(c), ctr__container_config(c), st->networks_json, st->netns_path, settings);
}
