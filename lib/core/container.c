/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The container handle: loading, references, the lock and the state's
 * re-read and save, lookup and list, the config getters.  Creating is in
 * create.c, removing in remove.c, running in lifecycle.c. */
#include "core/container.h"

#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <sys/stat.h>

#include "base/error.h"
#include "base/fault.h"
#include "base/json-util.h"
#include "net/network.h"

/* A handle: a reference to the shared config, the container's lock and a
 * copy of its state.  Other modules see it through container.h. */
struct ctr_container {
    unsigned int refs;
    ctr_runtime_t *rt;
    struct ctr__config *cfg; /* shared, immutable; replaced (under the lock) when the stored one changes */
    struct ctr__config **old_cfgs; /* the ones it replaced: what getters lent stays valid */
    size_t n_old_cfgs;
    struct ctr__lock lock;   /* the container's lock file + handle mutex */
    struct ctr__status st;   /* guarded by lock */
    unsigned int batch;      /* batch depth, owner thread only */
    uint64_t stored_net;     /* net_hash() of the networks of the state last read or saved */
    char *damage;            /* why the record cannot be read (the state is unknown), or NULL */
    bool config_damaged;     /* cfg is made up: the stored config cannot be read */
    bool removed;
};

/* ---- handles ---- */

int ctr__container_new(ctr_runtime_t *rt, struct ctr__config *cfg, ctr_container_t **ret)
{
    _cleanup_free_ ctr_container_t *c = calloc(1, sizeof *c);
    _cleanup_free_ char *lock_path = ctr__lock_path(rt, cfg->id);
    if (!c || !lock_path)
        return ctr__oom("a container handle");
    int r = ctr__lock_init(&c->lock, lock_path);
    if (r < 0)
        return r;
    c->refs = 1;
    c->rt = ctr_runtime_ref(rt);
    c->cfg = ctr__config_ref(cfg);
    ctr__status_init(&c->st);
    *ret = TAKE_PTR(c);
    return 0;
}

/* ---- damaged records ---- */

/* A read error that is damage of this one record (not "gone", not out of
 * memory): the container is shown with an unknown state and the reason. */
static bool is_damage(int r)
{
    return r < 0 && r != -ENOENT && r != -ENOMEM;
}

/* The state of c cannot be trusted: unknown, with why. */
static int set_damage(ctr_container_t *c, const char *why)
{
    ctr__status_clear(&c->st);
    ctr__status_init(&c->st);
    c->st.state = CTR_STATE_UNKNOWN;
    free(c->damage);
    c->damage = strdup(why);
    ctr__err_clear();
    return c->damage ? 0 : ctr__oom("the reason of a damaged record");
}

/* The paths the state names are the ones this runtime gives the container:
 * a record that says otherwise would have a remove unmount or delete them. */
/* What follows the parts (NULL-terminated) at the start of p, or NULL when
 * p does not start with them: a path compared without building one (this
 * runs at every lock). */
static const char *after(const char *p, const char *const *parts)
{
    for (; *parts; parts++) {
        size_t n = strlen(*parts);
        if (strncmp(p, *parts, n) != 0)
            return NULL;
        p += n;
    }
    return p;
}

static bool is_path(const char *p, const char *const *parts)
{
    const char *rest = after(p, parts);
    return rest && !*rest;
}

static int check_paths(ctr_container_t *c, char *why, size_t size)
{
    const struct ctr__settings *s = ctr__runtime_settings(c->rt);
    const struct ctr__status *st = &c->st;
    const struct ctr__config *cfg = c->cfg;
    /* The config's own paths were checked when it was read (runtime.c). */
    const char *bad =
        st->run_dir && !is_path(cfg->shm_dir, (const char *[]){ st->run_dir, "/shm", NULL })            ? "runDir"
        : st->netns_path && !is_path(st->netns_path, (const char *[]){ s->run_root, "/netns/", cfg->id, NULL }) ? "netNsPath"
        : st->config_path && !is_path(st->config_path, (const char *[]){ cfg->static_dir, "/config.json", NULL }) ? "configPath"
        : st->mount_point && !after(st->mount_point, (const char *[]){ s->root, "/storage/", NULL })       ? "mountPoint"
                                                                                                           : NULL;
    if (bad)
        snprintf(why, size, "container state: \"%s\" is outside the runtime's directories", bad);
    return bad ? 1 : 0;
}

int ctr__container_set_config(ctr_container_t *c, struct ctr__config *cfg)
{
    struct ctr__config **v = realloc(c->old_cfgs, (c->n_old_cfgs + 1) * sizeof *v);
    if (!v)
        return ctr__oom("a container's configs");
    c->old_cfgs = v;
    v[c->n_old_cfgs++] = c->cfg;
    __atomic_store_n(&c->cfg, ctr__config_ref(cfg), __ATOMIC_RELEASE);
    return 0;
}

/* The state names another revision of the config than c's (a rename or an
 * update, by another handle): the stored config replaces c's, in the cache
 * too.  0, 1 when that config is damaged (c is then), -errno. */
static int follow_config(ctr_container_t *c)
{
    if (c->config_damaged || c->st.config_revision == c->cfg->revision)
        return 0;
    ctr__runtime_config_forget(c->rt, c->cfg->id);
    _cleanup_(ctr__config_unrefp) struct ctr__config *cfg = NULL;
    int r = ctr__runtime_config(c->rt, c->cfg->id, NULL, &cfg);
    if (is_damage(r))
        return set_damage(c, ctr_error_last()->message) < 0 ? -ENOMEM : 1;
    if (r < 0)
        return r;
    return ctr__container_set_config(c, cfg);
}

/* FNV-1a of a state's networks record (CNI results), 0 for none. */
static uint64_t net_hash(const char *networks_json)
{
    if (!networks_json)
        return 0;
    uint64_t h = 0xcbf29ce484222325ull;
    for (const unsigned char *p = (const unsigned char *)networks_json; *p; p++)
        h = (h ^ *p) * 0x100000001b3ull;
    return h ? h : 1;
}

/* Parse json into c's state; a document that does not parse, or names
 * paths that are not the container's, makes c damaged. */

static int load_status(ctr_container_t *c, const char *json)
{
    if (c->config_damaged)
        return 0; /* stays damaged: the config is what is missing */
    int r = ctr__status_from_json(json, &c->st);
    if (is_damage(r))
        return set_damage(c, ctr_error_last()->message);
    if (r < 0)
        return r;
    c->stored_net = net_hash(c->st.networks_json);
    char why[256];
    if ((r = check_paths(c, why, sizeof why)) != 0)
        return r < 0 ? r : set_damage(c, why);
    if ((r = follow_config(c)) != 0)
        return r < 0 ? r : 0;
    free(c->damage);
    c->damage = NULL;
    return 0;
}

/* A config for a container whose stored one cannot be read: its ID, its
 * short ID for a name, the paths every container of the runtime has, and,
 * since its networks are unknown, all there are (a remove then releases
 * what it may hold on each). */
static int damaged_config(ctr_runtime_t *rt, const char *id, struct ctr__config **ret)
{
    const struct ctr__settings *s = ctr__runtime_settings(rt);
    _cleanup_free_ char *stat_dir = ctr__static_dir(rt, id), *run = ctr__run_dir(rt, id);
    _cleanup_free_ char *shm = run ? ctr__asprintf("%s/shm", run) : NULL;
    _cleanup_free_ char *log = stat_dir ? ctr__asprintf("%s/ctr.log", stat_dir) : NULL;
    _cleanup_strv_ char **nets = NULL;
    if (ctr__network_list(s, &nets) < 0) {
        ctr__err_clear();
        nets = NULL;
    }
    char name[13];
    snprintf(name, sizeof name, "%.12s", id);
    _cleanup_json_ json_object *o = json_object_new_object();
    _cleanup_free_ char *text = NULL;
    if (!stat_dir || !shm || !log || !o || ctr__json_add_int(o, "version", CTR__CONFIG_VERSION) < 0 ||
        ctr__json_add_str(o, "id", id) < 0 || ctr__json_add_str(o, "name", name) < 0 ||
        ctr__json_add_str(o, "staticDir", stat_dir) < 0 || ctr__json_add_str(o, "shmDir", shm) < 0 ||
        ctr__json_add_str(o, "logPath", log) < 0 || ctr__json_add_int(o, "flags", nets ? CTR_CREATE_NETNS : 0) < 0 ||
        (nets && ctr__json_add_strv(o, "networks", nets) < 0) || ctr__json_to_string(o, &text) < 0)
        return ctr__oom("the config of a damaged record");
    return ctr__config_from_json(text, ret);
}

/* The config of id, or a made-up one when the stored one is damaged (then
 * *ret_why holds the reason). */
static int load_config(ctr_runtime_t *rt, const char *id, const char *config_json, struct ctr__config **ret,
                       char **ret_why)
{
    int r = ctr__runtime_config(rt, id, config_json, ret);
    if (!is_damage(r))
        return r;
    if (!(*ret_why = strdup(ctr_error_last()->message)))
        return ctr__oom("the reason of a damaged record");
    ctr__err_clear();
    return damaged_config(rt, id, ret);
}

int ctr__container_load(ctr_runtime_t *rt, const char *id, const char *config_json, const char *state_json,
                        ctr_container_t **ret)
{
    _cleanup_free_ char *state_owned = NULL, *why = NULL;
    int r = 0;
    if (!state_json) {
        r = ctr__state_get(ctr__runtime_state(rt), id, NULL, &state_owned);
        if (r == -ENOENT)
            return ctr__err(-ENOENT, "no such container %s", id);
        if (is_damage(r) && !(why = strdup(ctr_error_last()->message)))
            return ctr__oom("the reason of a damaged record");
        if (r < 0 && !why)
            return r;
        state_json = state_owned;
    }
    _cleanup_(ctr__config_unrefp) struct ctr__config *cfg = NULL;
    _cleanup_free_ char *config_why = NULL;
    if ((r = load_config(rt, id, config_json, &cfg, &config_why)) < 0)
        return r;
    _cleanup_(ctr_container_unrefp) ctr_container_t *c = NULL;
    if ((r = ctr__container_new(rt, cfg, &c)) < 0)
        return r;
    c->config_damaged = config_why != NULL;
    if (config_why || why)
        r = set_damage(c, config_why ? config_why : why);
    else
        r = load_status(c, state_json);
    if (r < 0)
        return r;
    *ret = TAKE_PTR(c);
    return 0;
}

const char *ctr__container_damage(const ctr_container_t *c)
{
    return c->damage;
}

bool ctr__container_config_damaged(const ctr_container_t *c)
{
    return c->config_damaged;
}

CTR_EXPORT const char *ctr_container_damage(const ctr_container_t *c)
{
    return c ? c->damage : NULL;
}

CTR_EXPORT ctr_container_t *ctr_container_ref(ctr_container_t *c)
{
    if (c)
        __atomic_add_fetch(&c->refs, 1, __ATOMIC_RELAXED);
    return c;
}

CTR_EXPORT ctr_container_t *ctr_container_unref(ctr_container_t *c)
{
    if (!c || __atomic_sub_fetch(&c->refs, 1, __ATOMIC_ACQ_REL) > 0)
        return NULL;
    ctr__status_clear(&c->st);
    free(c->damage);
    ctr__lock_done(&c->lock);
    ctr__config_unref(c->cfg);
    for (size_t i = 0; i < c->n_old_cfgs; i++)
        ctr__config_unref(c->old_cfgs[i]);
    free(c->old_cfgs);
    ctr_runtime_unref(c->rt);
    free(c);
    return NULL;
}

const struct ctr__config *ctr__container_config(const ctr_container_t *c)
{
    return c->cfg;
}

struct ctr__status *ctr__container_status(ctr_container_t *c)
{
    return &c->st;
}

/* ---- locking, sync, save ---- */

bool ctr__container_in_batch(ctr_container_t *c)
{
    return ctr__lock_held(&c->lock) && c->batch > 0;
}

int ctr__container_sync(ctr_container_t *c)
{
    if (c->removed)
        return ctr__err(-ENOENT, CTR_CFMT " has been removed", CTR_CARG(c));
    _cleanup_free_ char *json = NULL;
    int r = ctr__state_get(ctr__runtime_state(c->rt), c->cfg->id, NULL, &json);
    if (r == -ENOENT) {
        c->removed = true;
        /* We may have recreated the lock file of a container removed while we
         * waited for its lock: take it away again. */
        ctr__lock_unlink(&c->lock);
        return ctr__err(-ENOENT, CTR_CFMT " has been removed", CTR_CARG(c));
    }
    if (is_damage(r))
        return set_damage(c, ctr_error_last()->message);
    if (r < 0)
        return r;
    return load_status(c, json);
}

/*
 * The one place that decides which saves may be lost by a power loss
 * (CTR_STATE_SAVE_TRANSIENT, "Transient saves" in sys/ctr-state.h): those
 * of the states a reboot ends anyway, created, running, paused and exited
 * (podman's Created, Running, Paused, Stopped, Exited), which the refresh
 * after the reboot resets (ctr__lifecycle_reset()) whichever of them it
 * finds.  Durable: configured (what a refresh leaves), stopping and
 * removing (marks of operations the next lock finishes), and a save that
 * records networks other than those of the document last read or saved:
 * their addresses are leased on disk (host-local IPAM) and the refresh
 * releases them by that record, so it must not fall back to an older one.
 * Losing a save that drops the record is harmless (the refresh releases
 * them again; a DEL is idempotent).  add, remove, rename and the config are
 * not saves of the state: always durable.
 */
static unsigned int save_flags(const ctr_container_t *c)
{
    switch (c->st.state) {
    case CTR_STATE_CREATED:
    case CTR_STATE_RUNNING:
    case CTR_STATE_PAUSED:
    case CTR_STATE_EXITED:
        break;
    default:
        return 0;
    }
    if (c->st.networks_json && net_hash(c->st.networks_json) != c->stored_net)
        return 0;
    return CTR_STATE_SAVE_TRANSIENT;
}

int ctr__container_save(ctr_container_t *c)
{
    _cleanup_free_ char *json = NULL;
    c->st.config_revision = c->cfg->revision;
    int r = ctr__status_to_json(&c->st, &json);
    if (r < 0)
        return r;
    r = ctr__state_save_flags(ctr__runtime_state(c->rt), c->cfg->id, json, save_flags(c));
    if (r == -ENOENT)
        c->removed = true;
    if (r >= 0)
        c->stored_net = net_hash(c->st.networks_json);
    return r;
}

int ctr__container_store_config(ctr_container_t *c, struct ctr__config *cfg)
{
    _cleanup_free_ char *config_json = NULL, *state_json = NULL;
    uint64_t was = c->st.config_revision;
    c->st.config_revision = cfg->revision;
    int r = ctr__config_to_json(cfg, &config_json);
    if (r >= 0)
        r = ctr__status_to_json(&c->st, &state_json);
    if (r >= 0)
        r = ctr__state_rename(ctr__runtime_state(c->rt), cfg->id, c->cfg->name, cfg->name, config_json, state_json);
    if (r < 0) {
        c->st.config_revision = was;
        if (r == -ENOENT)
            c->removed = true;
        return r;
    }
    ctr__runtime_config_forget(c->rt, cfg->id);
    ctr__runtime_config_remember(c->rt, cfg);
    /* Out of memory here, the next lock reads the stored config instead. */
    if (ctr__container_set_config(c, cfg) < 0)
        ctr__err_clear();
    return 0;
}

int ctr__container_lock(ctr_container_t *c)
{
    if (c->removed)
        return ctr__err(-ENOENT, CTR_CFMT " has been removed", CTR_CARG(c));
    if (ctr__container_in_batch(c))
        return ctr__lock_acquire(&c->lock); /* re-entrant: no syscall, no sync */
    int r = ctr__lock_acquire(&c->lock);
    if (r < 0)
        return r;
    r = ctr__container_sync(c);
    if (r < 0)
        ctr__lock_release(&c->lock);
    return r;
}

void ctr__container_unlock(ctr_container_t *c)
{
    ctr__lock_release(&c->lock);
}

int ctr__container_run_batch(ctr_container_t *c, ctr_batch_fn fn, void *userdata)
{
    c->batch++;
    int r = fn(c, userdata);
    c->batch--;
    return r;
}

bool ctr__container_removed(const ctr_container_t *c)
{
    return c->removed;
}

int ctr__container_delete(ctr_container_t *c)
{
    int r = ctr__state_remove(ctr__runtime_state(c->rt), c->cfg->id, c->cfg->name);
    CTR_FAULT_POINT("remove.after-state-remove");
    if (r < 0 && r != -ENOENT)
        return r;
    c->removed = true;
    ctr__lock_unlink(&c->lock);
    ctr__runtime_config_forget(c->rt, c->cfg->id);
    return 0;
}

/* ---- lookup and list ---- */

CTR_EXPORT int ctr_runtime_lookup(ctr_runtime_t *rt, const char *id_or_name, ctr_container_t **ret)
{
    CTR_ENTER();
    CTR_CHECK_ARG(rt);
    CTR_CHECK_ARG(id_or_name);
    CTR_CHECK_ARG(ret);
    _cleanup_free_ char *id = NULL;
    int r = ctr__runtime_resolve(rt, id_or_name, &id);
    if (r < 0)
        return r;
    return ctr__container_load(rt, id, NULL, NULL, ret);
}

struct list_entry {
    char *id;
    char *state;
};

struct list_acc {
    struct list_entry *v;
    size_t n, cap;
};

static void list_acc_done(struct list_acc *a)
{
    for (size_t i = 0; i < a->n; i++) {
        free(a->v[i].id);
        free(a->v[i].state);
    }
    free(a->v);
}

static int list_cb(const char *id, const char *config, const char *state, void *userdata)
{
    struct list_acc *a = userdata;
    if (a->n == a->cap) {
        size_t cap = a->cap ? a->cap * 2 : 64;
        struct list_entry *v = realloc(a->v, cap * sizeof *v);
        if (!v)
            return ctr__oom("the container list");
        a->v = v;
        a->cap = cap;
    }
    struct list_entry e = { strdup(id), strdup(state ? state : "") };
    if (!e.id || !e.state) {
        free(e.id);
        free(e.state);
        return ctr__oom("the container list");
    }
    a->v[a->n++] = e;
    return 0;
}

static int created_cmp(const void *x, const void *y)
{
    const ctr_container_t *a = *(ctr_container_t *const *)x, *b = *(ctr_container_t *const *)y;
    int64_t ca = ctr_container_created(a), cb = ctr_container_created(b);
    if (ca != cb)
        return ca < cb ? -1 : 1;
    return strcmp(ctr_container_id(a), ctr_container_id(b));
}

CTR_EXPORT void ctr_container_list_free(ctr_container_t **list, size_t count)
{
    if (!list)
        return;
    for (size_t i = 0; i < count; i++)
        ctr_container_unref(list[i]);
    free(list);
}

/* Handles for the listed records that pass the filter; out has room. */
static int list_load(ctr_runtime_t *rt, const struct list_acc *acc, ctr_container_filter_fn filter,
                     void *userdata, ctr_container_t **out, size_t *n)
{
    for (size_t i = 0; i < acc->n; i++) {
        ctr_container_t *c = NULL;
        int r = ctr__container_load(rt, acc->v[i].id, NULL, acc->v[i].state, &c);
        if (r == -ENOENT)
            continue; /* removed meanwhile */
        if (r < 0)
            return r;
        if (filter && !filter(c, userdata)) {
            ctr_container_unref(c);
            continue;
        }
        out[(*n)++] = c;
    }
    return 0;
}

CTR_EXPORT int ctr_runtime_list(ctr_runtime_t *rt, ctr_container_filter_fn filter, void *userdata,
                                ctr_container_t ***ret, size_t *ret_count)
{
    CTR_ENTER();
    CTR_CHECK_ARG(rt);
    CTR_CHECK_ARG(ret);
    CTR_CHECK_ARG(ret_count);
    _cleanup_(list_acc_done) struct list_acc acc = { 0 };
    int r = ctr__state_iterate(ctr__runtime_state(rt), CTR_STATE_ITER_STATE, list_cb, &acc);
    if (r < 0)
        return r;
    ctr_container_t **out = calloc(acc.n + 1, sizeof *out);
    if (!out)
        return ctr__oom("the container list");
    size_t n = 0;
    if ((r = list_load(rt, &acc, filter, userdata, out, &n)) < 0) {
        ctr_container_list_free(out, n);
        return r;
    }
    qsort(out, n, sizeof *out, created_cmp);
    *ret = out;
    *ret_count = n;
    return 0;
}

/* ---- config getters ---- */

#define GETTER(name, expr)                                                                                   \
    CTR_EXPORT const char *ctr_container_##name(const ctr_container_t *c)                                   \
    {                                                                                                        \
        return c ? (expr) : NULL;                                                                            \
    }

GETTER(id, c->cfg->id)
GETTER(name, c->cfg->name)
GETTER(pod, c->cfg->pod)
GETTER(rootfs, c->cfg->rootfs)
GETTER(image_id, c->cfg->image_id)
GETTER(image_name, c->cfg->image_name)
GETTER(user, c->cfg->user)
GETTER(workdir, c->cfg->workdir)
GETTER(hostname, c->cfg->hostname)
GETTER(static_dir, c->cfg->static_dir)
GETTER(shm_dir, c->cfg->shm_dir)
GETTER(log_path, c->cfg->log_path)
GETTER(cgroup_parent, c->cfg->cgroup_parent)
GETTER(process_label, c->cfg->process_label)
GETTER(mount_label, c->cfg->mount_label)

#define STRV_GETTER(name, field)                                                                             \
    CTR_EXPORT const char *const *ctr_container_##name(const ctr_container_t *c)                            \
    {                                                                                                        \
        return c ? (const char *const *)c->cfg->field : ctr__strv_empty;                                    \
    }

STRV_GETTER(command, command)
STRV_GETTER(env, env)
STRV_GETTER(dns_servers, dns_servers)
STRV_GETTER(dns_search, dns_search)
STRV_GETTER(dns_options, dns_options)
STRV_GETTER(hosts_add, hosts_add)
STRV_GETTER(mounts, mounts.destinations)
STRV_GETTER(networks, networks)
STRV_GETTER(volumes, volumes)
STRV_GETTER(exposed_ports, exposed_ports)
GETTER(netns_path, c->cfg->netns_path)

CTR_EXPORT const char *const *ctr_container_entrypoint(const ctr_container_t *c)
{
    return c && c->cfg->process.entrypoint ? (const char *const *)c->cfg->process.entrypoint : ctr__strv_empty;
}

CTR_EXPORT ctr_runtime_t *ctr_container_runtime(const ctr_container_t *c)
{
    return c ? c->rt : NULL;
}

CTR_EXPORT int64_t ctr_container_created(const ctr_container_t *c)
{
    return c ? c->cfg->created : 0;
}

CTR_EXPORT uint64_t ctr_container_flags(const ctr_container_t *c)
{
    return c ? c->cfg->flags : 0;
}

CTR_EXPORT int64_t ctr_container_shm_size(const ctr_container_t *c)
{
    return c ? c->cfg->shm_size : 0;
}

CTR_EXPORT int ctr_container_stop_signal(const ctr_container_t *c)
{
    return c ? c->cfg->stop_signal : 0;
}

CTR_EXPORT unsigned int ctr_container_stop_timeout(const ctr_container_t *c)
{
    return c ? c->cfg->stop_timeout : 0;
}

CTR_EXPORT const char *ctr_container_ns_ctr(const ctr_container_t *c, ctr_ns_t ns)
{
    if (!c || ns < 1 || ns >= CTR_NS_MAX)
        return NULL;
    return c->cfg->ns_ctr[ns];
}

CTR_EXPORT size_t ctr_container_port_mappings(const ctr_container_t *c, const ctr_port_mapping_t **ret)
{
    if (!c) {
        if (ret)
            *ret = NULL;
        return 0;
    }
    if (ret)
        *ret = c->cfg->ports;
    return c->cfg->n_ports;
}

CTR_EXPORT const char *ctr_container_label(const ctr_container_t *c, const char *key)
{
    if (!c || !key)
        return NULL;
    return ctr__labels_get(c->cfg->labels, key);
}

CTR_EXPORT int ctr_container_labels(const ctr_container_t *c, char ***ret)
{
    CTR_ENTER();
    CTR_CHECK_ARG(c);
    CTR_CHECK_ARG(ret);
    char **v = ctr__strv_copy((const char *const *)c->cfg->labels);
    if (!v)
        return ctr__oom("the label list");
    *ret = v;
    return 0;
}

CTR_EXPORT int ctr_container_config_json(const ctr_container_t *c, char **ret)
{
    CTR_ENTER();
    CTR_CHECK_ARG(c);
    CTR_CHECK_ARG(ret);
    return ctr__config_to_json(c->cfg, ret);
}

CTR_EXPORT int ctr_container_spec_json(const ctr_container_t *c, char **ret)
{
    CTR_ENTER();
    CTR_CHECK_ARG(c);
    CTR_CHECK_ARG(ret);
    char *s = strdup(c->cfg->spec_json ? c->cfg->spec_json : "{}");
    if (!s)
        return ctr__oom("the spec");
    *ret = s;
    return 0;
}

/* The seed built this list with a negative capacity and put the network
 * container in place of the PID one; here every namespace maps to itself. */
CTR_EXPORT int ctr_container_dependencies(const ctr_container_t *c, char ***ret)
{
    CTR_ENTER();
    CTR_CHECK_ARG(c);
    CTR_CHECK_ARG(ret);
    _cleanup_strv_ char **v = calloc(1, sizeof *v);
    if (!v)
        return ctr__oom("the dependency list");
    for (size_t ns = 1; ns < CTR_NS_MAX; ns++) {
        const char *dep = c->cfg->ns_ctr[ns];
        if (!dep || ctr__strv_contains((const char *const *)v, dep))
            continue;
        if (ctr__strv_push(&v, dep) < 0)
            return ctr__oom("the dependency list");
    }
    *ret = TAKE_PTR(v);
    return 0;
}
