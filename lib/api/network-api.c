/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The public network API: the runtime's networks (net/network.c) and a
 * container's addresses (net/net.c), reached through the handles.  The
 * network layer gets the runtime's settings and a container's config and
 * state, never the handles. */
#include <libctr/ctr-network.h>

#include "base/error.h"
#include "base/json-util.h"
#include "base/options.h"
#include "core/container-net.h"
#include "core/container.h"
#include "core/events.h"
#include "core/lifecycle.h"
#include "core/runtime.h"
#include "net/net.h"
#include "net/network.h"

static const struct ctr__options_type options_type = {
    "network options", CTR_NETWORK_OPTIONS_VERSION, (const size_t[]){ 0, sizeof(ctr_network_options_t) }
};

CTR_EXPORT int ctr_network_options_init(ctr_network_options_t *opts, unsigned int version)
{
    CTR_ENTER();
    CTR_CHECK_ARG(opts);
    return ctr__options_clear(&options_type, opts, version);
}

CTR_EXPORT int ctr_network_create(ctr_runtime_t *rt, const ctr_network_options_t *opts, char **ret_path)
{
    CTR_ENTER();
    CTR_CHECK_ARG(rt);
    CTR_CHECK_ARG(opts);
    int r = ctr__network_create(ctr__runtime_settings(rt), opts, ret_path);
    if (r == 0)
        ctr__event_object(rt, CTR__EVENT_NETWORK, "create", NULL, opts->name);
    return r;
}

CTR_EXPORT int ctr_network_list(ctr_runtime_t *rt, char ***ret)
{
    CTR_ENTER();
    CTR_CHECK_ARG(rt);
    CTR_CHECK_ARG(ret);
    return ctr__network_list(ctr__runtime_settings(rt), ret);
}

CTR_EXPORT int ctr_network_inspect(ctr_runtime_t *rt, const char *name, char **ret)
{
    CTR_ENTER();
    CTR_CHECK_ARG(rt);
    CTR_CHECK_ARG(name);
    CTR_CHECK_ARG(ret);
    return ctr__network_inspect(ctr__runtime_settings(rt), name, ret);
}

struct users {
    const struct ctr__settings *settings;
    const char *name;
};

static int uses_network(ctr_container_t *c, void *userdata)
{
    const struct users *u = userdata;
    return ctr__network_used_by(u->settings, ctr__container_config(c), u->name);
}

/* The containers on network @name: -EBUSY unless forced, then removed. */
static int remove_users(ctr_runtime_t *rt, const char *name, uint64_t flags)
{
    struct users u = { .settings = ctr__runtime_settings(rt), .name = name };
    ctr_container_t **list = NULL;
    size_t n = 0;
    int r = ctr_runtime_list(rt, uses_network, &u, &list, &n);
    if (r < 0)
        return r;
    if (n > 0 && !(flags & CTR_NETWORK_REMOVE_FORCE)) {
        const char *first = ctr_container_name(list[0]);
        r = ctr__err(-EBUSY, "network %s is used by %zu container%s (%s%s): remove %s first or force the removal",
                     name, n, n == 1 ? "" : "s", first, n > 1 ? ", ..." : "", n == 1 ? "it" : "them");
        ctr_container_list_free(list, n);
        return r;
    }
    for (size_t i = 0; i < n && r == 0; i++) {
        r = ctr_container_remove(list[i], CTR_REMOVE_FORCE);
        if (r == -ENOENT) /* removed meanwhile */
            r = 0;
    }
    ctr_container_list_free(list, n);
    if (r < 0)
        return ctr__err_prefix(r, "removing the containers of network %s", name);
    return 0;
}

CTR_EXPORT int ctr_network_remove(ctr_runtime_t *rt, const char *name, uint64_t flags)
{
    CTR_ENTER();
    CTR_CHECK_ARG(rt);
    CTR_CHECK_ARG(name);
    if (flags & ~(uint64_t)CTR_NETWORK_REMOVE_FORCE)
        return ctr__err(-EINVAL, "unknown network remove flags 0x%llx", (unsigned long long)flags);
    const struct ctr__settings *s = ctr__runtime_settings(rt);
    int r = ctr__network_exists(s, name);
    if (r < 0)
        return r;
    if ((r = remove_users(rt, name, flags)) < 0 || (r = ctr__network_remove(s, name)) < 0)
        return r;
    ctr__event_object(rt, CTR__EVENT_NETWORK, "remove", NULL, name);
    return 0;
}

/* ---- a container's addresses ---- */

CTR_EXPORT int ctr_container_ip_address(ctr_container_t *c, const char *network, char **ret)
{
    CTR_ENTER();
    CTR_CHECK_ARG(c);
    CTR_CHECK_ARG(ret);
    int r = ctr__lifecycle_lock(c);
    if (r < 0)
        return r;
    _cleanup_free_ char *found = NULL;
    r = ctr__net_address(ctr__container_status(c)->networks_json, network, &found);
    ctr__container_unlock(c);
    if (r < 0)
        return r;
    if (found) {
        *ret = TAKE_PTR(found);
        return 0;
    }
    if (network)
        return ctr__err(-ENOENT, CTR_CFMT " has no address on network %s (not attached, or not set up: not created "
                                 "or running)", ctr_container_name(c), network);
    return ctr__err(-ENOENT, CTR_CFMT " has no network address (no network, or not set up: not created or running)",
                    ctr_container_name(c));
}

CTR_EXPORT int ctr_container_networks_json(ctr_container_t *c, char **ret)
{
    CTR_ENTER();
    CTR_CHECK_ARG(c);
    CTR_CHECK_ARG(ret);
    int r = ctr__lifecycle_lock(c);
    if (r < 0)
        return r;
    _cleanup_json_ json_object *settings = json_object_new_object();
    r = settings ? ctr__container_net_inspect(c, settings) : ctr__oom("network settings");
    ctr__container_unlock(c);
    if (r < 0)
        return r;
    json_object *nets;
    if (!json_object_object_get_ex(settings, "Networks", &nets))
        return ctr__err(-EIO, "no Networks in the network settings");
    return ctr__json_to_string(nets, ret);
}
