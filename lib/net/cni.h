/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* CNI: network configuration files and plugin invocation (spec 0.3.0 to
 * 1.0.0), with chaining, prevResult, capability-gated runtimeConfig and a
 * result cache for DEL. */
#pragma once

#include <json-c/json.h>

#include "base/error.h"
#include "base/util.h"
#include "net/cni-types.h"

void ctr__cni_net_free(struct ctr__cni_net *n);
static inline void ctr__cni_net_freep(struct ctr__cni_net **p)
{
    if (*p)
        ctr__cni_net_free(*p);
}

/*
 * Parse a network configuration.  A document with "plugins" is a list
 * (`.conflist`); otherwise, it is one plugin's configuration (`.conf`) and
 * becomes a list of one.  Checks: an object, a valid name (letters, digits,
 * `_.-`, at most 200 characters), a cniVersion string, at least one plugin,
 * each an object with a "type" naming a plugin binary (no '/').
 * @source names the input in messages (a path).  @return 0; -EINVAL with a
 * detail; -ENOMEM.
 */
int ctr__cni_net_parse(const char *text, const char *source, struct ctr__cni_net **ret);

/* Read and parse one file (ctr__cni_net_parse()). */
int ctr__cni_net_load(const char *path, struct ctr__cni_net **ret);

/* Whether a file name is a network configuration: *.conflist, *.conf, *.json. */
bool ctr__cni_is_conf_file(const char *name);

/*
 * The networks of a configuration directory: each `*.conflist`, `*.conf`,
 * `*.json` file in name order; files that do not parse are skipped (and
 * named in *ret_skipped when not NULL, free with ctr__strv_free()); a name
 * seen again in a later file is ignored (the first file wins, like libcni).
 * A missing directory is an empty list.
 * @ret receives an array of *ret_n networks; free each and the array.
 */
int ctr__cni_net_list(const char *dir, struct ctr__cni_net ***ret, size_t *ret_n, char ***ret_skipped);
void ctr__cni_net_list_free(struct ctr__cni_net **v, size_t n);

/* The network named @name in @dir (the first file defining it).  -ENOENT. */
int ctr__cni_net_find(const char *dir, const char *name, struct ctr__cni_net **ret);

/*
 * The standard input of plugin @index of @net: the plugin's object with the
 * list's "name" and "cniVersion", "prevResult" when @prev_result is not
 * NULL, and "runtimeConfig" holding the entries of @runtime_config whose
 * capability the plugin declares (`"capabilities": {"portMappings": true}`);
 * none when it declares none of them.
 * @ret receives a new JSON object.  @return 0, -EINVAL, -ENOMEM.
 */
int ctr__cni_plugin_conf(const struct ctr__cni_net *net, size_t index, json_object *prev_result,
                         json_object *runtime_config, json_object **ret);

/*
 * ADD: run the list's plugins in order, each given the previous result.
 * On success, the final result is cached in a->cache_dir (with the list's
 * configuration and the runtime config, for a later DEL) and returned.  On
 * failure, DEL runs for the network (errors ignored) so nothing is left
 * half set up, and the plugin's error is returned: -EIO with the message
 * "network NAME: plugin TYPE (ADD): MSG: DETAILS" where MSG and DETAILS come
 * verbatim from the plugin's error JSON (or its stderr without one);
 * -ETIMEDOUT; -ENOENT (no such plugin in the plugin path).
 * @ret_result receives a new reference (json_object_put()).
 */
int ctr__cni_add(const struct ctr__cni_net *net, const struct ctr__cni_args *a, json_object **ret_result);

/*
 * DEL: run the plugins in reverse order.  When a cached ADD result exists
 * for (network, container, ifname) its configuration, runtime config and
 * result are used (so a network changed or removed since still comes down)
 * and the cache entry is removed afterwards; otherwise @net (may then not
 * be NULL) and @prev_result (may be NULL) are used.  Every plugin runs even
 * when one fails; the first failure is returned (same messages as ADD).
 */
int ctr__cni_del(const struct ctr__cni_net *net, const char *name, const struct ctr__cni_args *a,
                 json_object *prev_result);

/* The cache file of (network, container, ifname) in dir: malloc'ed, NULL on ENOMEM. */
char *ctr__cni_cache_path(const char *dir, const char *network, const char *container_id, const char *ifname);

/* Compare dotted versions ("0.4.0" vs "1.0.0"): <0, 0, >0. */
int ctr__cni_version_cmp(const char *a, const char *b);
