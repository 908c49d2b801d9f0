/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Named volumes on a runtime (see volume.h).
 *
 * Locks.  A volume's record is added and removed under the runtime lock
 * (its create, its remove and prune, a container's create that makes one).
 * What changes a volume while containers use it (the driver's mount on
 * _data, the copy of an image's content, the record's needsCopyUp) happens
 * under the volumes lock, LOCK_DIR/volumes.lock, taken inside a container's
 * lock (init, cleanup) or the runtime lock (remove), never the other way
 * round: nothing takes a container's lock while holding it.
 *
 * Who uses a volume is read from the containers' configs (their mounts of
 * type "volume"), and whether they run from their states, so nothing has to
 * be counted: a caller that dies leaves no count behind.
 */
#include "core/volume.h"

#include <fcntl.h>
#include <stdlib.h>

#include "base/error.h"
#include "base/fault.h"
#include "base/lock.h"
#include "core/container.h"
#include "core/runtime.h"
#include "data/status.h"
#include "state/state.h"
#include "storage/volume-dir.h"

/* ---- records ---- */

int ctr__volume_get(ctr_runtime_t *rt, const char *name, struct ctr__volume *ret)
{
    _cleanup_free_ char *doc = NULL;
    int r = ctr__state_obj_get(ctr__runtime_state(rt), CTR__VOLUME_KIND, name, &doc);
    if (r == -ENOENT || r == -EINVAL)
        return ctr__err(-ENOENT, "no volume with name \"%s\" found: no such volume", name);
    if (r < 0)
        return r;
    r = ctr__volume_from_json(doc, ret);
    return r < 0 ? ctr__err_prefix(r, "volume %s", name) : 0;
}

static int parse(const char *doc, void *elem)
{
    return ctr__volume_from_json(doc, elem);
}

static void clear(void *elem)
{
    ctr__volume_clear(elem);
}

static int by_name(const void *a, const void *b)
{
    return strcmp(((const struct ctr__volume *)a)->name, ((const struct ctr__volume *)b)->name);
}

static const struct ctr__records_type records = {
    CTR__VOLUME_KIND, sizeof(struct ctr__volume), parse, clear, by_name,
};

int ctr__volume_list(ctr_runtime_t *rt, struct ctr__volume **ret, size_t *ret_n)
{
    return ctr__runtime_records(rt, &records, (void **)ret, ret_n);
}

void ctr__volume_list_free(struct ctr__volume *v, size_t n)
{
    ctr__runtime_records_free(&records, v, n);
}

int ctr__volume_add_locked(ctr_runtime_t *rt, const struct ctr__volume *v)
{
    const struct ctr__settings *set = ctr__runtime_settings(rt);
    struct ctr__state *state = ctr__runtime_state(rt);
    if (!ctr__state_has_objects(state))
        return ctr__state_obj_add(state, CTR__VOLUME_KIND, v->name, "{}"); /* the -EOPNOTSUPP message */
    _cleanup_free_ char *doc = NULL;
    int r = ctr__volume_to_json(v, &doc);
    if (r < 0)
        return r;
    /* Only a name without a record: the directory's create empties what is
     * there, the leftover of a create that died. */
    _cleanup_free_ char *old = NULL;
    r = ctr__state_obj_get(state, CTR__VOLUME_KIND, v->name, &old);
    if (r == 0)
        return ctr__err(-EEXIST, "volume with name %s already exists: volume already exists", v->name);
    if (r != -ENOENT)
        return r;
    ctr__err_clear();
    /* The directory first: a create that dies before the record leaves a
     * directory without one, which the next create of the name or a
     * refresh removes (ctr__volumes_sweep()). */
    if ((r = ctr__volume_dir_create(set, v->name)) < 0)
        return r;
    CTR_FAULT_POINT("volume.add.after-dir");
    r = ctr__state_obj_add(state, CTR__VOLUME_KIND, v->name, doc);
    if (r == -EEXIST)
        ctr__err(-EEXIST, "volume with name %s already exists: volume already exists", v->name);
    if (r < 0) {
        struct ctr__err_saved saved;
        ctr__err_save(&saved);
        (void)ctr__volume_dir_remove(set, v->name);
        ctr__err_restore(&saved);
    }
    return r;
}

int ctr__volume_delete_locked(ctr_runtime_t *rt, const char *name)
{
    /* The record last: a remove that dies half way leaves a volume whose
     * data is gone, which a remove again finishes. */
    int r = ctr__volume_dir_remove(ctr__runtime_settings(rt), name);
    if (r < 0)
        return r;
    CTR_FAULT_POINT("volume.delete.after-dir");
    r = ctr__state_obj_remove(ctr__runtime_state(rt), CTR__VOLUME_KIND, name);
    if (r == -ENOENT)
        return ctr__err(-ENOENT, "no volume with name \"%s\" found: no such volume", name);
    return r;
}

void ctr__volumes_sweep(ctr_runtime_t *rt)
{
    const struct ctr__settings *set = ctr__runtime_settings(rt);
    if (!ctr__state_has_objects(ctr__runtime_state(rt)))
        return;
    struct ctr__err_saved saved;
    ctr__err_save(&saved);
    _cleanup_strv_ char **dirs = NULL;
    if (ctr__volume_dir_list(set, &dirs) < 0)
        dirs = NULL;
    for (char **d = dirs; d && *d; d++) {
        _cleanup_free_ char *doc = NULL;
        if (ctr__state_obj_get(ctr__runtime_state(rt), CTR__VOLUME_KIND, *d, &doc) != -ENOENT)
            continue;
        ctr__rt_log(rt, CTR_LOG_INFO, "removing the data of volume %s, which has no record", *d);
        if (ctr__volume_dir_remove(set, *d) < 0)
            ctr__rt_log(rt, CTR_LOG_WARNING, "%s", ctr_error_last()->message);
    }
    ctr__err_restore(&saved);
}

/* ---- who uses them ---- */

struct raw {
    char **ids, **configs, **states;
};

static void raw_clear(struct raw *r)
{
    ctr__strv_free(r->ids);
    ctr__strv_free(r->configs);
    ctr__strv_free(r->states);
}

/* The callback runs with the state's mutex held: collect, parse later. */
static int raw_one(const char *id, const char *config, const char *state, void *userdata)
{
    struct raw *r = userdata;
    if (ctr__strv_push(&r->ids, id) < 0 || ctr__strv_push(&r->configs, config ? config : "") < 0 ||
        ctr__strv_push(&r->states, state ? state : "") < 0)
        return ctr__oom("the container list");
    return 0;
}

/* One container's use: false when its config mounts no volume (or is
 * damaged: it then names none). */
static int use_of(ctr_runtime_t *rt, const char *id, const char *config, const char *state,
                  struct ctr__volume_use *u)
{
    _cleanup_(ctr__config_unrefp) struct ctr__config *cfg = NULL;
    if (ctr__runtime_config(rt, id, config, &cfg) < 0) {
        ctr__err_clear();
        return 0;
    }
    _cleanup_strv_ char **vols = ctr__strv_copy(NULL);
    if (!vols)
        return ctr__oom("the volume users");
    for (size_t i = 0; i < cfg->mounts.n; i++) {
        const struct ctr__mount *m = &cfg->mounts.v[i];
        if (streq_null(m->type, "volume") && !isempty(m->source) && ctr__strv_push(&vols, m->source) < 0)
            return ctr__oom("the volume users");
    }
    if (!vols[0])
        return 0;
    struct ctr__status st;
    ctr__status_init(&st);
    bool live = ctr__status_from_json(state, &st) == 0 && ctr__state_is_live(st.state);
    ctr__status_clear(&st);
    ctr__err_clear();
    *u = (struct ctr__volume_use){ .id = strdup(id), .name = strdup(cfg->name ? cfg->name : id), .live = live };
    u->volumes = TAKE_PTR(vols);
    if (!u->id || !u->name)
        return ctr__oom("the volume users");
    return 1;
}

int ctr__volume_uses_load(ctr_runtime_t *rt, struct ctr__volume_uses *ret)
{
    _cleanup_(raw_clear) struct raw raw = { ctr__strv_copy(NULL), ctr__strv_copy(NULL), ctr__strv_copy(NULL) };
    if (!raw.ids || !raw.configs || !raw.states)
        return ctr__oom("the container list");
    int r = ctr__state_iterate(ctr__runtime_state(rt), CTR_STATE_ITER_CONFIG | CTR_STATE_ITER_STATE, raw_one, &raw);
    if (r != 0)
        return r;
    size_t n = ctr__strv_len((const char *const *)raw.ids);
    struct ctr__volume_uses u = { .v = calloc(n + 1, sizeof *u.v) };
    if (!u.v)
        return ctr__oom("the volume users");
    for (size_t i = 0; i < n; i++) {
        r = use_of(rt, raw.ids[i], raw.configs[i], raw.states[i], &u.v[u.n]);
        if (r != 0) /* a partial entry of a failure is freed with the rest */
            u.n++;
        if (r < 0) {
            ctr__volume_uses_clear(&u);
            return r;
        }
    }
    *ret = u;
    return 0;
}

void ctr__volume_uses_clear(struct ctr__volume_uses *u)
{
    for (size_t i = 0; i < u->n; i++) {
        free(u->v[i].id);
        free(u->v[i].name);
        ctr__strv_free(u->v[i].volumes);
    }
    free(u->v);
    *u = (struct ctr__volume_uses){ 0 };
}

size_t ctr__volume_uses_count(const struct ctr__volume_uses *u, const char *name, bool live_only, const char *skip_id,
                              size_t *ret_first)
{
    size_t count = 0;
    for (size_t i = 0; i < u->n; i++) {
        const struct ctr__volume_use *e = &u->v[i];
        if ((live_only && !e->live) || (skip_id && streq(e->id, skip_id)) ||
            !ctr__strv_contains((const char *const *)e->volumes, name))
            continue;
        if (count++ == 0 && ret_first)
            *ret_first = i;
    }
    return count;
}

/* ---- a container's volumes ---- */

static bool is_volume(const struct ctr__mount *m)
{
    return streq_null(m->type, "volume");
}

/* A volume of one of cfg's mounts (runtime lock held): made unless it
 * exists; 1 when made. */
static int ensure_volume(ctr_runtime_t *rt, const struct ctr__mount *m)
{
    struct ctr__volume v = { 0 };
    int r = ctr__volume_get(rt, m->source, &v);
    ctr__volume_clear(&v);
    if (r != -ENOENT)
        return r;
    ctr__err_clear();
    if ((r = ctr__volume_check_name(m->source)) < 0)
        return r;
    if ((r = ctr__volume_init(&v, m->source, NULL, NULL, m->anonymous, ctr__now_ns())) < 0)
        return r;
    r = ctr__volume_add_locked(rt, &v);
    ctr__volume_clear(&v);
    return r < 0 ? r : 1;
}

/* An anonymous volume's name: 64 hex digits, as podman's. */
static int name_anonymous(struct ctr__mount *m)
{
    char id[65];
    int r = ctr__random_id(id);
    if (r < 0)
        return ctr__err(r, "cannot get random bytes: %s", strerror(-r));
    char *name = strdup(id);
    if (!name)
        return ctr__oom("a volume name");
    free(m->source);
    m->source = name;
    m->anonymous = true;
    return 0;
}

/* The image's volumes become anonymous volume mounts
 * (CTR_CREATE_IMAGE_VOLUMES) or tmpfs mounts (CTR_CREATE_IMAGE_VOLUMES_TMPFS),
 * with the options podman gives them, except where a mount of the options
 * has the same destination. */
static int add_image_volumes(struct ctr__config *cfg)
{
    static const char *const options[] = { "rprivate", "rw", "nodev", "exec", NULL };
    bool tmpfs = cfg->flags & CTR_CREATE_IMAGE_VOLUMES_TMPFS;
    if (!(cfg->flags & CTR_CREATE_IMAGE_VOLUMES) && !tmpfs)
        return 0;
    for (char **v = cfg->volumes; v && *v; v++) {
        if ((*v)[0] != '/' || ctr__strv_contains((const char *const *)cfg->mounts.destinations, *v))
            continue;
        int r = ctr__mounts_add(&cfg->mounts, tmpfs ? "tmpfs" : "volume", NULL, *v, options, !tmpfs);
        if (r < 0)
            return r;
    }
    return 0;
}

int ctr__volumes_create_for(ctr_runtime_t *rt, struct ctr__config *cfg, char ***ret_made)
{
    _cleanup_strv_ char **made = ctr__strv_copy(NULL);
    if (!made)
        return ctr__oom("the volume list");
    int r = add_image_volumes(cfg);
    if (r < 0)
        return r;
    for (size_t i = 0; i < cfg->mounts.n; i++) {
        struct ctr__mount *m = &cfg->mounts.v[i];
        if (!is_volume(m))
            continue;
        r = isempty(m->source) ? name_anonymous(m) : 0;
        if (r < 0 || (r = ensure_volume(rt, m)) < 0) {
            ctr__volumes_undo(rt, made);
            return ctr__err_prefix(r, "volume mount at %s", m->destination);
        }
        if (r > 0 && ctr__strv_push(&made, m->source) < 0) {
            ctr__volumes_undo(rt, made);
            return ctr__oom("the volume list");
        }
    }
    *ret_made = TAKE_PTR(made);
    return 0;
}

void ctr__volumes_undo(ctr_runtime_t *rt, char **made)
{
    struct ctr__err_saved saved;
    ctr__err_save(&saved);
    for (char **p = made; p && *p; p++)
        if (ctr__volume_delete_locked(rt, *p) < 0)
            ctr__rt_log(rt, CTR_LOG_WARNING, "volume %s: %s", *p, ctr_error_last()->message);
    ctr__err_restore(&saved);
}

/* The volumes lock, on the stack for one use. */
static int volumes_lock(ctr_runtime_t *rt, struct ctr__lock *l)
{
    _cleanup_free_ char *path = ctr__lock_path(rt, "volumes");
    if (!path)
        return ctr__oom("a path");
    int r = ctr__lock_init(l, path);
    if (r < 0)
        return r;
    if ((r = ctr__lock_acquire(l)) < 0)
        ctr__lock_done(l);
    return r;
}

static void volumes_unlock(struct ctr__lock *l)
{
    ctr__lock_release(l);
    ctr__lock_done(l);
}

static bool mount_has(const struct ctr__mount *m, const char *opt)
{
    return ctr__strv_contains((const char *const *)m->options, opt);
}

/* One volume mount at init (volumes lock held): the driver's mount, the
 * copy-up, the record's needsCopyUp. */
static int prepare_one(ctr_runtime_t *rt, const struct ctr__mount *m, int root_fd)
{
    const struct ctr__settings *set = ctr__runtime_settings(rt);
    struct ctr__volume v = { 0 };
    int r = ctr__volume_get(rt, m->source, &v);
    if (r < 0)
        return r;
    if ((r = ctr__volume_dir_mount(set, &v)) >= 0 && v.needs_copy_up && !mount_has(m, "nocopy")) {
        if ((r = ctr__volume_dir_copy_up(set, v.name, root_fd, m->destination)) >= 0) {
            _cleanup_free_ char *doc = NULL;
            v.needs_copy_up = false;
            if ((r = ctr__volume_to_json(&v, &doc)) == 0)
                r = ctr__state_obj_save(ctr__runtime_state(rt), CTR__VOLUME_KIND, v.name, doc);
        }
    }
    ctr__volume_clear(&v);
    return r < 0 ? ctr__err_prefix(r, "volume %s", m->source) : 0;
}

void ctr__volume_sources_free(char **sources, size_t n)
{
    for (size_t i = 0; sources && i < n; i++)
        free(sources[i]);
    free(sources);
}

static int prepare_all(ctr_runtime_t *rt, const struct ctr__config *cfg, int root_fd, char **sources)
{
    for (size_t i = 0; i < cfg->mounts.n; i++) {
        const struct ctr__mount *m = &cfg->mounts.v[i];
        if (!is_volume(m))
            continue;
        int r = prepare_one(rt, m, root_fd);
        if (r < 0)
            return r;
        if (!(sources[i] = ctr__volume_data_path(ctr__runtime_settings(rt), m->source)))
            return ctr__oom("a path");
    }
    return 0;
}

static bool has_volumes(const struct ctr__config *cfg)
{
    for (size_t i = 0; i < cfg->mounts.n; i++)
        if (is_volume(&cfg->mounts.v[i]))
            return true;
    return false;
}

int ctr__volumes_prepare(ctr_container_t *c, const char *rootfs, char ***ret_sources)
{
    const struct ctr__config *cfg = ctr__container_config(c);
    ctr_runtime_t *rt = ctr_container_runtime(c);
    size_t n = cfg->mounts.n;
    if (!has_volumes(cfg)) {
        *ret_sources = NULL;
        return 0;
    }
    _cleanup_close_ int root_fd = open(rootfs, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (root_fd < 0)
        return ctr__err(-errno, "cannot open the root file system %s: %m", rootfs);
    char **sources = calloc(n + 1, sizeof *sources);
    if (!sources)
        return ctr__oom("the volume sources");
    struct ctr__lock l;
    int r = volumes_lock(rt, &l);
    if (r == 0) {
        r = prepare_all(rt, cfg, root_fd, sources);
        volumes_unlock(&l);
    }
    if (r < 0) {
        ctr__volume_sources_free(sources, n);
        return r;
    }
    *ret_sources = sources;
    return 0;
}

/* Unmount those of cfg's volumes no live container but skip_id uses
 * (volumes lock held). */
static void release_unused(ctr_runtime_t *rt, const struct ctr__config *cfg, const char *skip_id)
{
    struct ctr__volume_uses u = { 0 };
    if (ctr__volume_uses_load(rt, &u) < 0) {
        ctr__rt_log(rt, CTR_LOG_WARNING, "volumes of %s: %s", cfg->name, ctr_error_last()->message);
        return;
    }
    for (size_t i = 0; i < cfg->mounts.n; i++) {
        const struct ctr__mount *m = &cfg->mounts.v[i];
        if (!is_volume(m) || isempty(m->source) || ctr__volume_uses_count(&u, m->source, true, skip_id, NULL) > 0)
            continue;
        if (ctr__volume_dir_unmount(ctr__runtime_settings(rt), m->source) < 0)
            ctr__rt_log(rt, CTR_LOG_WARNING, "%s", ctr_error_last()->message);
    }
    ctr__volume_uses_clear(&u);
}

void ctr__volumes_release(ctr_container_t *c)
{
    const struct ctr__config *cfg = ctr__container_config(c);
    if (!has_volumes(cfg))
        return;
    ctr_runtime_t *rt = ctr_container_runtime(c);
    struct ctr__err_saved saved;
    ctr__err_save(&saved);
    struct ctr__lock l;
    if (volumes_lock(rt, &l) == 0) {
        release_unused(rt, cfg, cfg->id);
        volumes_unlock(&l);
    }
    ctr__err_restore(&saved);
}

void ctr__volumes_remove_anonymous(ctr_runtime_t *rt, const struct ctr__config *cfg)
{
    if (!has_volumes(cfg))
        return;
    struct ctr__err_saved saved;
    ctr__err_save(&saved);
    struct ctr__volume_uses u = { 0 };
    if (ctr__volume_uses_load(rt, &u) < 0) {
        ctr__rt_log(rt, CTR_LOG_WARNING, "volumes of %s: %s", cfg->name, ctr_error_last()->message);
        ctr__err_restore(&saved);
        return;
    }
    for (size_t i = 0; i < cfg->mounts.n; i++) {
        const struct ctr__mount *m = &cfg->mounts.v[i];
        struct ctr__volume v = { 0 };
        if (!is_volume(m) || isempty(m->source) || ctr__volume_uses_count(&u, m->source, false, cfg->id, NULL) > 0 ||
            ctr__volume_get(rt, m->source, &v) < 0)
            continue;
        if (v.anonymous && ctr__volume_delete_locked(rt, v.name) < 0)
            ctr__rt_log(rt, CTR_LOG_WARNING, "%s", ctr_error_last()->message);
        ctr__volume_clear(&v);
    }
    ctr__volume_uses_clear(&u);
    ctr__err_restore(&saved);
}
