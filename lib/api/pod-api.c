/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The public pod API (ctr-pod.h): the handle (a runtime reference and the
 * record as read), create with the infra container, lookup, list, the
 * operations on every container of a pod, remove, status and inspect.
 * Records, members, the lock and the cgroup are core/pod.c's; the infra
 * image is storage/infra-image.c's. */
#include <libctr/ctr.h>
#include <signal.h>
#include <libctr/ctr-pod.h>

#include "api/create.h"
#include "base/error.h"
#include "base/json-util.h"
#include "base/names.h"
#include "base/options.h"
#include "core/events.h"
#include "core/pod.h"
#include "core/runtime.h"
#include "core/top.h"
#include "state/state.h"
#include "storage/infra-image.h"

struct ctr_pod {
    unsigned int refs;
    ctr_runtime_t *rt;
    struct ctr__pod p;
    char *cgroup_path;
};

static const struct ctr__options_type options_type = {
    "pod options", CTR_POD_OPTIONS_VERSION, (const size_t[]){ 0, sizeof(ctr_pod_options_t) }
};

#define SHARE_BITS (CTR_POD_SHARE_IPC | CTR_POD_SHARE_NET | CTR_POD_SHARE_UTS | CTR_POD_SHARE_PID | CTR_POD_SHARE_CGROUP)

CTR_EXPORT int ctr_pod_options_init(ctr_pod_options_t *opts, unsigned int version)
{
    CTR_ENTER();
    CTR_CHECK_ARG(opts);
    return ctr__options_clear(&options_type, opts, version);
}

/* A handle taking p's contents (cleared either way); NULL on ENOMEM. */
static ctr_pod_t *pod_new(ctr_runtime_t *rt, struct ctr__pod *p)
{
    ctr_pod_t *h = calloc(1, sizeof *h);
    char *cg = ctr__pod_cgroup_path(p);
    if (!h || !cg) {
        free(h);
        free(cg);
        ctr__pod_clear(p);
        return NULL;
    }
    h->refs = 1;
    h->rt = ctr_runtime_ref(rt);
    h->p = *p;
    h->cgroup_path = cg;
    *p = (struct ctr__pod){ 0 };
    return h;
}

CTR_EXPORT ctr_pod_t *ctr_pod_ref(ctr_pod_t *pod)
{
    if (pod)
        __atomic_add_fetch(&pod->refs, 1, __ATOMIC_RELAXED);
    return pod;
}

CTR_EXPORT ctr_pod_t *ctr_pod_unref(ctr_pod_t *pod)
{
    if (!pod || __atomic_sub_fetch(&pod->refs, 1, __ATOMIC_ACQ_REL) > 0)
        return NULL;
    ctr_runtime_unref(pod->rt);
    ctr__pod_clear(&pod->p);
    free(pod->cgroup_path);
    free(pod);
    return NULL;
}

CTR_EXPORT const char *ctr_pod_id(const ctr_pod_t *pod)
{
    return pod ? pod->p.id : NULL;
}

CTR_EXPORT const char *ctr_pod_name(const ctr_pod_t *pod)
{
    return pod ? pod->p.name : NULL;
}

CTR_EXPORT const char *ctr_pod_infra_id(const ctr_pod_t *pod)
{
    return pod ? pod->p.infra_id : NULL;
}

CTR_EXPORT const char *ctr_pod_cgroup_path(const ctr_pod_t *pod)
{
    return pod ? pod->cgroup_path : NULL;
}

CTR_EXPORT uint32_t ctr_pod_share(const ctr_pod_t *pod)
{
    return pod ? pod->p.share : 0;
}

CTR_EXPORT int64_t ctr_pod_created(const ctr_pod_t *pod)
{
    return pod ? pod->p.created : 0;
}

CTR_EXPORT ctr_runtime_t *ctr_pod_runtime(const ctr_pod_t *pod)
{
    return pod ? pod->rt : NULL;
}

/* ---- create ---- */

static int check_network(const ctr_pod_options_t *o, uint32_t share)
{
    bool net = (share & CTR_POD_SHARE_NET) != 0;
    if (o->network_mode < CTR_POD_NETWORK_BRIDGE || o->network_mode > CTR_POD_NETWORK_HOST)
        return ctr__err(-EINVAL, "unknown pod network mode %d", o->network_mode);
    bool bridge = net && o->network_mode == CTR_POD_NETWORK_BRIDGE;
    if (!bridge && (o->n_port_mappings || (o->networks && o->networks[0])))
        return ctr__err(-EINVAL, "a pod's ports and networks need a network namespace of its own on a bridge "
                                 "network, shared by the pod (share net, network mode bridge)");
    if (!net && (o->network_mode || o->dns_servers || o->dns_search || o->dns_options || o->hosts_add))
        return ctr__err(-EINVAL, "the pod's network settings need the network namespace shared (share net)");
    return 0;
}

/* What the pod shares: the default set unless said, nothing without an
 * infra container. */
static uint32_t share_of(const ctr_pod_options_t *o)
{
    if (o->share)
        return o->share;
    return (o->flags & CTR_POD_CREATE_NO_INFRA) ? CTR_POD_SHARE_NONE : CTR_POD_SHARE_DEFAULT;
}

/* The cgroup's limits, podman's checks. */
static int check_limits(const ctr_pod_options_t *o)
{
    if (o->memory < 0 || o->nano_cpus < 0 || o->memory_swap < -1)
        return ctr__err(-EINVAL, "a pod's memory, memory plus swap and CPUs must not be negative (-1: no swap limit)");
    if (o->memory_swap && !o->memory)
        return ctr__err(-EINVAL, "you must provide a memory limit when specifying a memory swap limit");
    if (o->memory_swap > 0 && o->memory_swap < o->memory)
        return ctr__err(-EINVAL, "minimum memoryswap limit should be larger than memory limit, see usage");
    if (o->nano_cpus && o->nano_cpus < 10000000) /* a quota of 1 ms in each 100 ms at least */
        return ctr__err(-EINVAL, "a pod's CPUs must be 0.01 at least");
    const char *sets[] = { o->cpuset_cpus, o->cpuset_mems };
    for (size_t i = 0; i < ARRAY_SIZE(sets); i++)
        if (sets[i] && (!*sets[i] || strspn(sets[i], "0123456789,-") != strlen(sets[i])))
            return ctr__err(-EINVAL, "invalid cpuset \"%.64s\": a list of numbers and ranges (0-2,4)", sets[i]);
    return 0;
}

static int check_options(const ctr_pod_options_t *o)
{
    int r;
    if (o->name && (r = ctr__name_check(o->name)) < 0)
        return r;
    if (o->flags & ~(uint64_t)CTR_POD_CREATE_NO_INFRA)
        return ctr__err(-EINVAL, "unknown pod flags 0x%llx", (unsigned long long)o->flags);
    if (o->share & ~(uint32_t)(SHARE_BITS | CTR_POD_SHARE_NONE) ||
        ((o->share & CTR_POD_SHARE_NONE) && (o->share & SHARE_BITS)))
        return ctr__err(-EINVAL, "bad shared namespaces 0x%x: CTR_POD_SHARE_* bits, or CTR_POD_SHARE_NONE alone",
                        o->share);
    uint32_t share = share_of(o);
    if ((o->flags & CTR_POD_CREATE_NO_INFRA) && !(share & CTR_POD_SHARE_NONE))
        return ctr__err(-EINVAL, "a pod without an infra container shares no namespace (CTR_POD_SHARE_NONE)");
    if (!ctr__pod_exit_policy_name(o->exit_policy))
        return ctr__err(-EINVAL, "unknown pod exit policy %d (continue or stop)", o->exit_policy);
    if (o->cgroup_parent && (o->cgroup_parent[0] != '/' || strstr(o->cgroup_parent, "..")))
        return ctr__err(-EINVAL, "cgroup parent \"%s\" must be an absolute path without \"..\"", o->cgroup_parent);
    if (o->hostname && !(share & CTR_POD_SHARE_UTS))
        return ctr__err(-EINVAL, "a pod's host name needs the UTS namespace shared (share uts)");
    if ((r = check_network(o, share)) < 0 || (r = check_limits(o)) < 0)
        return r;
    _cleanup_strv_ char **labels = ctr__strv_copy(o->labels);
    if (!labels)
        return ctr__oom("the pod's labels");
    return ctr__labels_normalize(labels) < 0 ? ctr__err_prefix(-EINVAL, "pod labels") : 0;
}

/* Whether a pod or a container has the name (runtime lock held): -EEXIST
 * with podman's words. */
static int name_free(ctr_runtime_t *rt, const char *name)
{
    _cleanup_free_ char *id = NULL;
    int r = ctr__state_lookup_name(ctr__runtime_state(rt), name, &id);
    if (r == 0)
        return ctr__err(-EEXIST, "name \"%s\" is in use: container already exists", name);
    if (r != -ENOENT)
        return r;
    ctr__err_clear();
    if ((r = ctr__pod_name_taken(rt, name)) != 0)
        return r < 0 ? r : ctr__err(-EEXIST, "name \"%s\" is in use: pod already exists", name);
    return 0;
}

static int pick_name(ctr_runtime_t *rt, const char *given, char **ret)
{
    char buf[CTR__NAME_GENERATED_SIZE + 8];
    for (int attempt = 0; !given && attempt < 64; attempt++) {
        int r = ctr__name_generate(buf, CTR__NAME_GENERATED_SIZE);
        if (r < 0)
            return r;
        if (attempt >= 8)
            snprintf(buf + strlen(buf), sizeof buf - strlen(buf), "%d", attempt);
        if ((r = name_free(rt, buf)) == 0)
            return (*ret = strdup(buf)) ? 0 : ctr__oom("a pod name");
        if (r != -EEXIST)
            return r;
        ctr__err_clear();
    }
    if (!given)
        return ctr__err(-EEXIST, "could not find a free generated name");
    int r = name_free(rt, given);
    if (r < 0)
        return r;
    return (*ret = strdup(given)) ? 0 : ctr__oom("a pod name");
}

/* The record of a new pod, from the checked options (runtime lock held). */
static int record_of(ctr_runtime_t *rt, const ctr_pod_options_t *o, struct ctr__pod *p)
{
    char id[65];
    int r = ctr__random_id(id);
    if (r < 0)
        return ctr__err(r, "cannot get random bytes for an ID: %s", strerror(-r));
    if ((r = pick_name(rt, o->name, &p->name)) < 0)
        return r;
    p->id = strdup(id);
    p->created = ctr__now_ns();
    p->labels = ctr__strv_copy(o->labels);
    p->share = share_of(o);
    p->exit_policy = o->exit_policy;
    p->cgroup_parent = strdup(o->cgroup_parent ? o->cgroup_parent : CTR__POD_CGROUP_PARENT);
    p->hostname = ctr__strdup_null(o->hostname);
    p->memory = o->memory;
    p->memory_swap = o->memory && !o->memory_swap ? 2 * o->memory : o->memory_swap; /* podman's default */
    p->cpu_period = o->nano_cpus ? 100000 : 0;
    p->cpu_quota = o->nano_cpus / 10000; /* billionths of a CPU over 100000 us */
    p->cpuset_cpus = ctr__strdup_null(o->cpuset_cpus);
    p->cpuset_mems = ctr__strdup_null(o->cpuset_mems);
    if (!p->id || !p->labels || !p->cgroup_parent || (o->hostname && !p->hostname) ||
        (o->cpuset_cpus && !p->cpuset_cpus) || (o->cpuset_mems && !p->cpuset_mems))
        return ctr__oom("a pod");
    return ctr__labels_normalize(p->labels);
}

/* The infra container's options: the pod's network settings, what it shares. */
static void infra_options(const ctr_pod_options_t *o, const struct ctr__pod *p, const char *image, const char *name,
                          ctr_container_options_t *io)
{
    ctr_container_options_init(io, CTR_CONTAINER_OPTIONS_VERSION);
    io->name = name;
    io->image = image;
    io->pod = p->id;
    if (p->share & CTR_POD_SHARE_UTS)
        io->hostname = p->hostname ? p->hostname : p->name;
    if (p->share & CTR_POD_SHARE_NET) {
        io->flags |= o->network_mode == CTR_POD_NETWORK_BRIDGE ? CTR_CREATE_NETNS
                     : o->network_mode == CTR_POD_NETWORK_HOST ? CTR_CREATE_HOST_NETWORK
                                                               : 0;
        io->port_mappings = o->port_mappings;
        io->n_port_mappings = o->n_port_mappings;
        io->networks = o->networks;
        io->dns_servers = o->dns_servers;
        io->dns_search = o->dns_search;
        io->dns_options = o->dns_options;
        io->hosts_add = o->hosts_add;
    }
}

/* The infra container, made under the runtime lock held: its ID in p. */
static int make_infra(ctr_runtime_t *rt, const ctr_pod_options_t *o, struct ctr__pod *p)
{
    _cleanup_free_ char *image = NULL;
    int r = o->infra_image ? 0 : ctr__storage_infra_image(ctr__runtime_settings(rt), NULL, &image);
    if (r < 0)
        return ctr__err_prefix(r, "the infra image");
    char name[32];
    snprintf(name, sizeof name, "%.12s-infra", p->id);
    ctr_container_options_t io;
    infra_options(o, p, o->infra_image ? o->infra_image : CTR__INFRA_IMAGE, name, &io);
    _cleanup_(ctr_container_unrefp) ctr_container_t *c = NULL;
    if ((r = ctr__container_create_infra(&c, rt, &io)) < 0)
        return ctr__err_prefix(r, "the infra container of pod %s", p->name);
    if (!(p->infra_id = strdup(ctr_container_id(c))))
        r = ctr__oom("a pod");
    if (r == 0)
        r = ctr__pod_save(rt, p);
    if (r < 0)
        ctr__container_remove_locked(c, CTR_REMOVE_FORCE);
    return r;
}

static int create_locked(ctr_runtime_t *rt, const ctr_pod_options_t *o, struct ctr__pod *p)
{
    if (!ctr__state_has_objects(ctr__runtime_state(rt)))
        return ctr__err(-EOPNOTSUPP, "the state backend keeps no object records: pods need one of version 3");
    int r = record_of(rt, o, p);
    if (r < 0 || (r = ctr__pod_add_locked(rt, p)) < 0)
        return r;
    if ((r = ctr__pod_cgroup_create(rt, p)) < 0 ||
        (!(o->flags & CTR_POD_CREATE_NO_INFRA) && (r = make_infra(rt, o, p)) < 0)) {
        struct ctr__err_saved saved;
        ctr__err_save(&saved);
        ctr__pod_cgroup_remove(rt, p);
        ctr__pod_delete_locked(rt, p->id);
        ctr__err_restore(&saved);
        return r;
    }
    ctr__event_object(rt, CTR__EVENT_POD, "create", p->id, p->name);
    return 0;
}

CTR_EXPORT int ctr_pod_create(ctr_runtime_t *rt, const ctr_pod_options_t *opts, ctr_pod_t **ret)
{
    CTR_ENTER();
    CTR_CHECK_ARG(rt);
    CTR_CHECK_ARG(opts);
    ctr_pod_options_t o;
    ctr_pod_options_init(&o, CTR_POD_OPTIONS_VERSION);
    int r = ctr__options_copy(&options_type, &o, opts);
    if (r < 0 || (r = check_options(&o)) < 0)
        return r;
    struct ctr__pod p = { 0 };
    if ((r = ctr__lock_acquire(ctr__runtime_lock(rt))) < 0)
        return r;
    r = create_locked(rt, &o, &p);
    ctr__lock_release(ctr__runtime_lock(rt));
    if (r < 0) {
        ctr__pod_clear(&p);
        return r;
    }
    ctr__rt_log(rt, CTR_LOG_DEBUG, "created pod %s (%s)", p.name, p.id);
    if (!ret) {
        ctr__pod_clear(&p);
        return 0;
    }
    return (*ret = pod_new(rt, &p)) ? 0 : ctr__oom("a pod handle");
}

/* ---- lookup, list ---- */

CTR_EXPORT int ctr_pod_lookup(ctr_runtime_t *rt, const char *ref, ctr_pod_t **ret)
{
    CTR_ENTER();
    CTR_CHECK_ARG(rt);
    CTR_CHECK_ARG(ret);
    if (!ref || !ctr__state_has_objects(ctr__runtime_state(rt)))
        return ref ? ctr__err(-EOPNOTSUPP, "the state backend keeps no object records: no pods")
                   : ctr__err(-EINVAL, "a pod's name or ID must not be empty");
    struct ctr__pod p = { 0 };
    int r = ctr__pod_resolve(rt, ref, &p);
    if (r < 0)
        return r;
    return (*ret = pod_new(rt, &p)) ? 0 : ctr__oom("a pod handle");
}

CTR_EXPORT int ctr_pod_list(ctr_runtime_t *rt, ctr_pod_t ***ret, size_t *ret_count)
{
    CTR_ENTER();
    CTR_CHECK_ARG(rt);
    CTR_CHECK_ARG(ret);
    CTR_CHECK_ARG(ret_count);
    if (!ctr__state_has_objects(ctr__runtime_state(rt)))
        return ctr__err(-EOPNOTSUPP, "the state backend keeps no object records: no pods");
    struct ctr__pod *v = NULL;
    size_t n = 0;
    int r = ctr__pod_list(rt, &v, &n);
    if (r < 0)
        return r;
    ctr_pod_t **out = n ? calloc(n, sizeof *out) : NULL;
    for (size_t i = 0; i < n && out; i++) {
        if (!(out[i] = pod_new(rt, &v[i]))) {
            ctr_pod_list_free(out, i);
            out = NULL;
        }
    }
    ctr__pod_list_free(v, n);
    if (n && !out)
        return ctr__oom("the pod list");
    *ret = out;
    *ret_count = n;
    return 0;
}

CTR_EXPORT void ctr_pod_list_free(ctr_pod_t **list, size_t count)
{
    for (size_t i = 0; list && i < count; i++)
        ctr_pod_unref(list[i]);
    free(list);
}

/* ---- containers and status ---- */

/* Still there: -ENOENT with a message when the pod's record is gone. */
static int pod_present(ctr_pod_t *pod)
{
    struct ctr__pod p = { 0 };
    int r = ctr__pod_get(pod->rt, pod->p.id, &p);
    ctr__pod_clear(&p);
    return r;
}

/* The infra container (when there is one) and the members, oldest first,
 * read now: -ENOENT with a message when the pod's record is gone. */
static int all_ids(ctr_pod_t *pod, char ***ret)
{
    _cleanup_strv_ char **ids = NULL;
    int r = ctr__pod_members(pod->rt, pod->p.id, &ids);
    if (r < 0)
        return r;
    _cleanup_strv_ char **out = ctr__strv_copy(NULL);
    if (!out || (pod->p.infra_id && ctr__strv_push(&out, pod->p.infra_id) < 0))
        return ctr__oom("the pod's containers");
    for (char **p = ids; *p; p++)
        if (ctr__strv_push(&out, *p) < 0)
            return ctr__oom("the pod's containers");
    *ret = TAKE_PTR(out);
    return 0;
}

CTR_EXPORT int ctr_pod_containers(ctr_pod_t *pod, char ***ret)
{
    CTR_ENTER();
    CTR_CHECK_ARG(pod);
    CTR_CHECK_ARG(ret);
    return all_ids(pod, ret);
}

/* Each container's state, synced with the runtime (NULL-terminated ids;
 * one removed meanwhile counts as none). */
static int count_states(ctr_pod_t *pod, char **ids, size_t counts[CTR_STATE_REMOVING + 1], size_t *ret_total)
{
    size_t total = 0;
    for (char **p = ids; *p; p++) {
        _cleanup_(ctr_container_unrefp) ctr_container_t *c = NULL;
        ctr_state_t st;
        if (ctr_runtime_lookup(pod->rt, *p, &c) < 0 || ctr_container_state(c, &st) < 0 || st > CTR_STATE_REMOVING) {
            ctr__err_clear();
            continue;
        }
        counts[st]++;
        total++;
    }
    *ret_total = total;
    return 0;
}

static const char *status_of(const size_t *n, size_t total)
{
    size_t running = n[CTR_STATE_RUNNING], paused = n[CTR_STATE_PAUSED];
    size_t exited = n[CTR_STATE_EXITED];
    if (total == 0)
        return "Created";
    if (running == total)
        return "Running";
    if (running > 0)
        return "Degraded";
    if (paused == total)
        return "Paused";
    if (exited == total)
        return "Exited";
    return exited > 0 || paused > 0 ? "Stopped" : "Created";
}

static int status_string(ctr_pod_t *pod, char **ids, char **ret)
{
    size_t counts[CTR_STATE_REMOVING + 1] = { 0 }, total = 0;
    count_states(pod, ids, counts, &total);
    return (*ret = strdup(status_of(counts, total))) ? 0 : ctr__oom("a pod status");
}

CTR_EXPORT int ctr_pod_status(ctr_pod_t *pod, char **ret)
{
    CTR_ENTER();
    CTR_CHECK_ARG(pod);
    CTR_CHECK_ARG(ret);
    _cleanup_strv_ char **ids = NULL;
    int r = all_ids(pod, &ids);
    return r < 0 ? r : status_string(pod, ids, ret);
}

/* ---- operations on every container ---- */

/* What one operation on a pod gathered: the first error, and every failing
 * container's name and message. */
struct outcome {
    int first;
    size_t failed, acted;
    struct ctr__buf msg;
};

/* A container's failure: @c's name, or (its record unreadable) @id's start. */
static void outcome_fail(struct outcome *o, ctr_container_t *c, const char *id, int r)
{
    if (!o->first)
        o->first = r;
    ctr__buf_printf(&o->msg, "%s%.*s: %s", o->failed++ ? "; " : "", c ? 253 : 12, c ? ctr_container_name(c) : id,
                    ctr_error_last()->message);
}

static int outcome_finish(struct outcome *o, const char *what, const ctr_pod_t *pod)
{
    _cleanup_free_ char *msg = NULL;
    if (ctr__buf_finish(&o->msg, &msg) < 0)
        return -ENOMEM;
    if (!o->first)
        return 0;
    return ctr__err(o->first, "%s pod %s: %zu container%s failed: %s", what, pod->p.name, o->failed,
                    o->failed == 1 ? "" : "s", msg ? msg : "");
}

/* An operation on one container: 1 when it acted, 0 when the container's
 * state needs nothing, negative on an error. */
typedef int (*pod_op_fn)(ctr_container_t *c, void *userdata);

/* op on each container of the pod, the infra container first and the members
 * oldest first, or (reverse) newest first and the infra container last; the
 * pod's lock held. */
static int each(ctr_pod_t *pod, bool reverse, pod_op_fn op, void *userdata, struct outcome *out)
{
    _cleanup_strv_ char **ids = NULL;
    int r = all_ids(pod, &ids);
    if (r < 0)
        return r;
    size_t n = ctr__strv_len((const char *const *)ids);
    for (size_t i = 0; i < n; i++) {
        const char *id = ids[reverse ? n - 1 - i : i];
        _cleanup_(ctr_container_unrefp) ctr_container_t *c = NULL;
        if ((r = ctr_runtime_lookup(pod->rt, id, &c)) == -ENOENT)
            continue; /* removed meanwhile */
        if (r == 0 && (r = op(c, userdata)) == -ENOENT) {
            ctr__err_clear(); /* removed while the operation went on */
            continue;
        }
        if (r < 0)
            outcome_fail(out, c, id, r);
        else if (r > 0)
            out->acted++;
    }
    return 0;
}

/* op on the pod's containers under its lock; with need_one, -EBUSY when no
 * container was in a state for it. */
static int with_lock(ctr_pod_t *pod, const char *what, bool reverse, bool need_one, pod_op_fn op, void *userdata)
{
    struct ctr__lock l;
    int r = ctr__pod_lock(pod->rt, pod->p.id, &l);
    if (r < 0)
        return r;
    struct outcome out = { 0 };
    r = each(pod, reverse, op, userdata, &out);
    ctr__pod_unlock(&l, false);
    if (r < 0) {
        _cleanup_free_ char *dropped = NULL;
        ctr__buf_finish(&out.msg, &dropped);
        return r;
    }
    if ((r = outcome_finish(&out, what, pod)) == 0 && need_one && !out.acted)
        r = ctr__err(-EBUSY, "%s pod %s: no container is in a state for it", what, pod->p.name);
    if (r == 0)
        ctr__event_object(pod->rt, CTR__EVENT_POD, what, pod->p.id, pod->p.name);
    return r;
}

static int state_of(ctr_container_t *c, ctr_state_t *st)
{
    return ctr_container_state(c, st);
}

static int op_start(ctr_container_t *c, void *userdata)
{
    ctr_state_t st;
    int r = state_of(c, &st);
    if (r < 0 || st == CTR_STATE_RUNNING || st == CTR_STATE_PAUSED)
        return r;
    return (r = ctr_container_start(c)) < 0 ? r : 1;
}

static int op_stop(ctr_container_t *c, void *userdata)
{
    ctr_state_t st;
    int r = state_of(c, &st);
    if (r < 0 || (st != CTR_STATE_RUNNING && st != CTR_STATE_PAUSED && st != CTR_STATE_CREATED))
        return r;
    int timeout = *(const int *)userdata;
    return (r = ctr_container_stop(c, timeout)) < 0 ? r : 1;
}

static int op_kill(ctr_container_t *c, void *userdata)
{
    ctr_state_t st;
    int r = state_of(c, &st);
    if (r < 0 || st != CTR_STATE_RUNNING)
        return r;
    return (r = ctr_container_kill(c, *(const int *)userdata)) < 0 ? r : 1;
}

static int op_pause(ctr_container_t *c, void *userdata)
{
    ctr_state_t st;
    int r = state_of(c, &st);
    bool pause = *(const bool *)userdata;
    if (r < 0 || st != (pause ? CTR_STATE_RUNNING : CTR_STATE_PAUSED))
        return r;
    return (r = pause ? ctr_container_pause(c) : ctr_container_unpause(c)) < 0 ? r : 1;
}

CTR_EXPORT int ctr_pod_start(ctr_pod_t *pod)
{
    CTR_ENTER();
    CTR_CHECK_ARG(pod);
    return with_lock(pod, "start", false, false, op_start, NULL);
}

/* The stop of every container, each with its own timeout when timeout < 0;
 * a pod with nothing running is stopped already, which podman reports as a
 * stop too. */
static int stop_all(ctr_pod_t *pod, int timeout)
{
    /* ctr_container_stop() takes a negative timeout as "the container's own". */
    int r = with_lock(pod, "stop", true, true, op_stop, &(int){ timeout });
    if (r != -EBUSY)
        return r;
    ctr__err_clear();
    ctr__event_object(pod->rt, CTR__EVENT_POD, "stop", pod->p.id, pod->p.name);
    return 0;
}

CTR_EXPORT int ctr_pod_stop(ctr_pod_t *pod, int timeout)
{
    CTR_ENTER();
    CTR_CHECK_ARG(pod);
    return stop_all(pod, timeout);
}

CTR_EXPORT int ctr_pod_kill(ctr_pod_t *pod, int signal)
{
    CTR_ENTER();
    CTR_CHECK_ARG(pod);
    if (signal <= 0 || signal > SIGRTMAX)
        return ctr__err(-EINVAL, "signal %d is out of range", signal);
    return with_lock(pod, "kill", true, true, op_kill, &signal);
}

CTR_EXPORT int ctr_pod_pause(ctr_pod_t *pod)
{
    CTR_ENTER();
    CTR_CHECK_ARG(pod);
    return with_lock(pod, "pause", true, true, op_pause, &(bool){ true });
}

CTR_EXPORT int ctr_pod_unpause(ctr_pod_t *pod)
{
    CTR_ENTER();
    CTR_CHECK_ARG(pod);
    return with_lock(pod, "unpause", false, true, op_pause, &(bool){ false });
}

CTR_EXPORT int ctr_pod_restart(ctr_pod_t *pod)
{
    CTR_ENTER();
    CTR_CHECK_ARG(pod);
    int r = stop_all(pod, -1);
    if (r < 0)
        return r;
    return with_lock(pod, "start", false, false, op_start, NULL);
}

/* ---- the exit policy ---- */

/* Whether a member of ids (the infra container, ids[0], left out) is live. */
static bool member_live(ctr_pod_t *pod, char **ids)
{
    size_t counts[CTR_STATE_REMOVING + 1] = { 0 }, total = 0;
    count_states(pod, ids + (pod->p.infra_id && ids[0] ? 1 : 0), counts, &total);
    return counts[CTR_STATE_RUNNING] + counts[CTR_STATE_PAUSED] + counts[CTR_STATE_STOPPING] > 0;
}

static int exit_policy_locked(ctr_pod_t *pod)
{
    _cleanup_strv_ char **ids = NULL;
    int r = all_ids(pod, &ids);
    if (r < 0 || !ids[0] || !ids[1] || member_live(pod, ids))
        return r; /* no member at all has not exited */
    _cleanup_(ctr_container_unrefp) ctr_container_t *infra = NULL;
    ctr_state_t st;
    if ((r = ctr_runtime_lookup(pod->rt, pod->p.infra_id, &infra)) < 0 || (r = ctr_container_state(infra, &st)) < 0)
        return r == -ENOENT ? (ctr__err_clear(), 0) : r;
    if (st != CTR_STATE_RUNNING && st != CTR_STATE_PAUSED)
        return 0;
    if ((r = ctr_container_stop(infra, -1)) < 0)
        return r;
    ctr__rt_log(pod->rt, CTR_LOG_DEBUG, "pod %s: its last member exited: stopped its infra container", pod->p.name);
    return 1;
}

CTR_EXPORT int ctr_pod_apply_exit_policy(ctr_pod_t *pod)
{
    CTR_ENTER();
    CTR_CHECK_ARG(pod);
    if (pod->p.exit_policy != CTR_POD_EXIT_STOP || !pod->p.infra_id)
        return pod_present(pod); /* nothing to do, once it is known to be there */
    struct ctr__lock l;
    int r = ctr__pod_lock(pod->rt, pod->p.id, &l);
    if (r < 0)
        return r;
    r = exit_policy_locked(pod);
    ctr__pod_unlock(&l, false);
    return r;
}

/* ---- remove ---- */

/* Refuse a pod with a container that runs (without force). */
static int refuse_live(ctr_pod_t *pod, char **ids)
{
    size_t counts[CTR_STATE_REMOVING + 1] = { 0 }, total = 0;
    count_states(pod, ids, counts, &total);
    size_t live = counts[CTR_STATE_RUNNING] + counts[CTR_STATE_PAUSED] + counts[CTR_STATE_STOPPING];
    if (!live)
        return 0;
    return ctr__err(-EBUSY, "pod %s has %zu running or paused container%s: stop the pod first, or force", pod->p.name,
                    live, live == 1 ? "" : "s");
}

/* Remove every container, the members newest first and then the infra
 * container (runtime and pod locks held). */
static int remove_containers(ctr_pod_t *pod, char **ids, uint64_t flags)
{
    struct outcome out = { 0 };
    uint64_t cflags = CTR_REMOVE_FORCE | ((flags & CTR_POD_REMOVE_VOLUMES) ? CTR_REMOVE_VOLUMES : 0);
    size_t n = ctr__strv_len((const char *const *)ids);
    for (size_t i = n; i-- > 0;) {
        _cleanup_(ctr_container_unrefp) ctr_container_t *c = NULL;
        int r = ctr_runtime_lookup(pod->rt, ids[i], &c);
        if (r == 0)
            r = ctr__container_remove_locked(c, cflags);
        if (r < 0 && r != -ENOENT)
            outcome_fail(&out, c, ids[i], r);
    }
    return outcome_finish(&out, "remove", pod);
}

static int remove_locked(ctr_pod_t *pod, uint64_t flags)
{
    _cleanup_strv_ char **ids = NULL;
    int r = all_ids(pod, &ids);
    if (r < 0)
        return r;
    if (!(flags & CTR_POD_REMOVE_FORCE) && (r = refuse_live(pod, ids)) < 0)
        return r;
    if ((r = remove_containers(pod, ids, flags)) < 0)
        return r;
    ctr__pod_cgroup_remove(pod->rt, &pod->p);
    if ((r = ctr__pod_delete_locked(pod->rt, pod->p.id)) < 0)
        return r;
    ctr__event_object(pod->rt, CTR__EVENT_POD, "remove", pod->p.id, pod->p.name);
    return 0;
}

CTR_EXPORT int ctr_pod_remove(ctr_pod_t *pod, uint64_t flags)
{
    CTR_ENTER();
    CTR_CHECK_ARG(pod);
    if (flags & ~(uint64_t)(CTR_POD_REMOVE_FORCE | CTR_POD_REMOVE_VOLUMES))
        return ctr__err(-EINVAL, "unknown pod remove flags 0x%llx", (unsigned long long)flags);
    struct ctr__lock *rt_lock = ctr__runtime_lock(pod->rt);
    int r = ctr__lock_acquire(rt_lock);
    if (r < 0)
        return r;
    struct ctr__lock l;
    if ((r = ctr__pod_lock(pod->rt, pod->p.id, &l)) == 0) {
        r = remove_locked(pod, flags);
        ctr__pod_unlock(&l, r == 0);
    }
    ctr__lock_release(rt_lock);
    return r;
}

/* ---- top ---- */

/* The table of each running container of ids into tops (*n of them). */
static int tops_of(ctr_pod_t *pod, char **ids, const char *const *descriptors, ctr_top_t **tops, size_t *n)
{
    for (char **p = ids; *p; p++) {
        _cleanup_(ctr_container_unrefp) ctr_container_t *c = NULL;
        ctr_state_t st;
        int r = ctr_runtime_lookup(pod->rt, *p, &c);
        if (r == 0 && (r = ctr_container_state(c, &st)) == 0 && st == CTR_STATE_RUNNING &&
            (r = ctr_container_top(c, descriptors, &tops[*n])) == 0)
            ++*n;
        if (r == -ENOENT || r == -EBUSY || r == -ESRCH) /* gone or stopped meanwhile */
            ctr__err_clear();
        else if (r < 0)
            return r;
    }
    return *n ? 0 : ctr__err(-EBUSY, "no container of pod %s is running", pod->p.name);
}

CTR_EXPORT int ctr_pod_top(ctr_pod_t *pod, const char *const *descriptors, ctr_top_t **ret)
{
    CTR_ENTER();
    CTR_CHECK_ARG(pod);
    CTR_CHECK_ARG(ret);
    _cleanup_strv_ char **ids = NULL;
    int r = all_ids(pod, &ids);
    if (r < 0)
        return r;
    size_t n = 0;
    ctr_top_t **tops = calloc(ctr__strv_len((const char *const *)ids) + 1, sizeof *tops);
    if (!tops)
        return ctr__oom("the pod's processes");
    if ((r = tops_of(pod, ids, descriptors, tops, &n)) == 0)
        r = ctr__top_join(tops, n, ret);
    for (size_t i = 0; i < n; i++)
        ctr_container_top_free(tops[i]);
    free(tops);
    return r;
}

/* ---- stats ---- */

/* The sample of prev (n of them) of the container id, or NULL. */
static const ctr_stats_t *prev_of(const ctr_stats_t *const *prev, size_t n, const char *id)
{
    for (size_t i = 0; i < n; i++)
        if (prev[i] && prev[i]->id && streq(prev[i]->id, id))
            return prev[i];
    return NULL;
}

/* Whether an error of a container's sample means it left meanwhile (stopped
 * or removed), not that it cannot be read. */
static bool left_meanwhile(ctr_pod_t *pod, const char *id, int r)
{
    if (r == -EBUSY || r == -ESRCH)
        return true;
    _cleanup_(ctr_container_unrefp) ctr_container_t *c = NULL;
    return r == -ENOENT && ctr_runtime_lookup(pod->rt, id, &c) == -ENOENT; /* else: its cgroup is not there */
}

/* A sample of each running container of ids into out (*n of them). */
static int samples_of(ctr_pod_t *pod, char **ids, const ctr_stats_t *const *prev, size_t n_prev, ctr_stats_t **out,
                      size_t *n)
{
    for (char **p = ids; *p; p++) {
        _cleanup_(ctr_container_unrefp) ctr_container_t *c = NULL;
        int r = ctr_runtime_lookup(pod->rt, *p, &c);
        if (r == 0 && (r = ctr_container_stats(c, prev_of(prev, n_prev, *p), &out[*n])) == 0)
            ++*n;
        else if (r < 0 && !left_meanwhile(pod, *p, r))
            return r;
        ctr__err_clear();
    }
    return 0;
}

CTR_EXPORT int ctr_pod_stats(ctr_pod_t *pod, const ctr_stats_t *const *prev, size_t n_prev, ctr_stats_t ***ret,
                             size_t *ret_count)
{
    CTR_ENTER();
    CTR_CHECK_ARG(pod);
    CTR_CHECK_ARG(prev || !n_prev);
    CTR_CHECK_ARG(ret);
    CTR_CHECK_ARG(ret_count);
    _cleanup_strv_ char **ids = NULL;
    int r = all_ids(pod, &ids);
    if (r < 0)
        return r;
    size_t n = 0;
    ctr_stats_t **out = calloc(ctr__strv_len((const char *const *)ids) + 1, sizeof *out);
    if (!out)
        return ctr__oom("the pod's stats");
    if ((r = samples_of(pod, ids, prev, n_prev, out, &n)) < 0) {
        ctr_pod_stats_free(out, n);
        return r;
    }
    if (n == 0) {
        free(out);
        out = NULL;
    }
    *ret = out;
    *ret_count = n;
    return 0;
}

CTR_EXPORT void ctr_pod_stats_free(ctr_stats_t **stats, size_t count)
{
    for (size_t i = 0; stats && i < count; i++)
        ctr_stats_free(stats[i]);
    free(stats);
}

/* ---- inspect ---- */

static json_object *strv_or_null(const char *const *v)
{
    return v && v[0] ? ctr__json_strv((char *const *)v) : NULL;
}

/* podman's PortBindings: {"80/tcp": [{"HostIp": "", "HostPort": "8080"}]}. */
static json_object *port_bindings(const ctr_container_options_t *o)
{
    json_object *b = json_object_new_object();
    for (size_t i = 0; b && i < o->n_port_mappings; i++) {
        const ctr_port_mapping_t *p = &o->port_mappings[i];
        char key[32], port[8];
        snprintf(key, sizeof key, "%u/%s", p->container_port, p->protocol ? p->protocol : "tcp");
        snprintf(port, sizeof port, "%u", p->host_port);
        json_object *a = json_object_object_get(b, key);
        if (!a) {
            a = json_object_new_array();
            json_object_object_add(b, key, a);
        }
        json_object *e = json_object_new_object();
        json_object_object_add(e, "HostIp", json_object_new_string(p->host_ip ? p->host_ip : ""));
        json_object_object_add(e, "HostPort", json_object_new_string(port));
        json_object_array_add(a, e);
    }
    return b;
}

static void infra_network(json_object *ic, const ctr_container_options_t *o)
{
    json_object_object_add(ic, "PortBindings", port_bindings(o));
    json_object_object_add(ic, "HostNetwork", json_object_new_boolean((o->flags & CTR_CREATE_HOST_NETWORK) != 0));
    json_object_object_add(ic, "StaticIP", json_object_new_string(""));
    json_object_object_add(ic, "StaticMAC", json_object_new_string(""));
    json_object_object_add(ic, "NoManageResolvConf", json_object_new_boolean(0));
    json_object_object_add(ic, "DNSServer", strv_or_null(o->dns_servers));
    json_object_object_add(ic, "DNSSearch", strv_or_null(o->dns_search));
    json_object_object_add(ic, "DNSOption", strv_or_null(o->dns_options));
    json_object_object_add(ic, "NoManageHosts", json_object_new_boolean(0));
    json_object_object_add(ic, "HostAdd", strv_or_null(o->hosts_add));
    json_object_object_add(ic, "Networks", strv_or_null(o->networks));
    json_object_object_add(ic, "NetworkOptions", NULL);
}

/* podman's limit keys (omitted when not set). */
static void limit_keys(json_object *o, const struct ctr__pod *p, bool infra)
{
    if (p->cpu_period)
        json_object_object_add(o, "cpu_period", json_object_new_int64(p->cpu_period));
    if (p->cpu_quota)
        json_object_object_add(o, "cpu_quota", json_object_new_int64(p->cpu_quota));
    if (p->cpuset_cpus)
        json_object_object_add(o, "cpuset_cpus", json_object_new_string(p->cpuset_cpus));
    if (p->cpuset_mems)
        json_object_object_add(o, "cpuset_mems", json_object_new_string(p->cpuset_mems));
    if (!infra && p->memory)
        json_object_object_add(o, "memory_limit", json_object_new_int64(p->memory));
    if (!infra && p->memory_swap)
        json_object_object_add(o, "memory_swap", json_object_new_int64(p->memory_swap));
}

/* InfraConfig, from the infra container's options. */
static json_object *infra_config(ctr_pod_t *pod)
{
    _cleanup_(ctr_container_unrefp) ctr_container_t *c = NULL;
    ctr_container_options_t *o = NULL;
    if (!pod->p.infra_id || ctr_runtime_lookup(pod->rt, pod->p.infra_id, &c) < 0 ||
        ctr_container_get_options(c, &o) < 0) {
        ctr__err_clear();
        return NULL;
    }
    json_object *ic = json_object_new_object();
    if (ic) {
        infra_network(ic, o);
        bool pid = pod->p.share & CTR_POD_SHARE_PID, uts = pod->p.share & CTR_POD_SHARE_UTS;
        limit_keys(ic, &pod->p, true);
        json_object_object_add(ic, "pid_ns", json_object_new_string(pid ? "pod" : "private"));
        json_object_object_add(ic, "userns", json_object_new_string("host"));
        json_object_object_add(ic, "uts_ns", json_object_new_string(uts ? "private" : "host"));
    }
    ctr_container_options_free(o);
    return ic;
}

static void share_name(const char *name, uint32_t bit, void *ud)
{
    json_object_array_add(ud, json_object_new_string(name));
}

static const char *const state_names[] = {
    [CTR_STATE_UNKNOWN] = "unknown", [CTR_STATE_CONFIGURED] = "configured", [CTR_STATE_CREATED] = "created",
    [CTR_STATE_RUNNING] = "running", [CTR_STATE_EXITED] = "exited",         [CTR_STATE_PAUSED] = "paused",
    [CTR_STATE_STOPPING] = "stopping", [CTR_STATE_REMOVING] = "removing",
};

static json_object *containers_array(ctr_pod_t *pod, char **ids)
{
    json_object *a = json_object_new_array();
    for (char **p = ids; a && *p; p++) {
        _cleanup_(ctr_container_unrefp) ctr_container_t *c = NULL;
        ctr_state_t st = CTR_STATE_UNKNOWN;
        if (ctr_runtime_lookup(pod->rt, *p, &c) < 0) {
            ctr__err_clear();
            continue;
        }
        if (ctr_container_state(c, &st) < 0 || st > CTR_STATE_REMOVING)
            st = CTR_STATE_UNKNOWN;
        ctr__err_clear();
        json_object *e = json_object_new_object();
        json_object_object_add(e, "Id", json_object_new_string(*p));
        json_object_object_add(e, "Name", json_object_new_string(ctr_container_name(c)));
        json_object_object_add(e, "State", json_object_new_string(state_names[st]));
        json_object_array_add(a, e);
    }
    return a;
}

static void inspect_ids(json_object *o, ctr_pod_t *pod)
{
    char created[64];
    ctr__format_time(pod->p.created, created, sizeof created);
    json_object_object_add(o, "Id", json_object_new_string(pod->p.id));
    json_object_object_add(o, "Name", json_object_new_string(pod->p.name));
    json_object_object_add(o, "Created", json_object_new_string(created));
    json_object_object_add(o, "ExitPolicy", json_object_new_string(ctr__pod_exit_policy_name(pod->p.exit_policy)));
}

static int inspect_doc(ctr_pod_t *pod, char **ids, json_object *o)
{
    _cleanup_free_ char *status = NULL;
    int r = status_string(pod, ids, &status);
    if (r < 0)
        return r;
    inspect_ids(o, pod);
    json_object_object_add(o, "State", json_object_new_string(status));
    json_object_object_add(o, "Hostname", json_object_new_string(pod->p.hostname ? pod->p.hostname : ""));
    if (pod->p.labels[0])
        json_object_object_add(o, "Labels", ctr__json_kv_object(pod->p.labels));
    json_object_object_add(o, "CreateCgroup", json_object_new_boolean(1));
    json_object_object_add(o, "CgroupParent", json_object_new_string(pod->p.cgroup_parent));
    json_object_object_add(o, "CgroupPath", json_object_new_string(pod->cgroup_path));
    json_object_object_add(o, "CreateInfra", json_object_new_boolean(pod->p.infra_id != NULL));
    if (pod->p.infra_id) {
        json_object_object_add(o, "InfraContainerID", json_object_new_string(pod->p.infra_id));
        json_object_object_add(o, "InfraConfig", infra_config(pod));
    }
    json_object *shared = json_object_new_array();
    if (shared)
        ctr__pod_share_each(pod->p.share, share_name, shared);
    json_object_object_add(o, "SharedNamespaces", shared);
    json_object_object_add(o, "NumContainers", json_object_new_int((int)ctr__strv_len((const char *const *)ids)));
    json_object_object_add(o, "Containers", containers_array(pod, ids));
    limit_keys(o, &pod->p, false);
    return 0;
}

CTR_EXPORT int ctr_pod_inspect(ctr_pod_t *pod, char **ret)
{
    CTR_ENTER();
    CTR_CHECK_ARG(pod);
    CTR_CHECK_ARG(ret);
    _cleanup_strv_ char **ids = NULL;
    int r = all_ids(pod, &ids);
    if (r < 0)
        return r;
    _cleanup_json_ json_object *o = json_object_new_object();
    if (!o)
        return ctr__oom("a pod's inspect document");
    if ((r = inspect_doc(pod, ids, o)) < 0)
        return r;
    return ctr__json_to_string(o, ret);
}
