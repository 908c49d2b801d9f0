/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The state front: the registry of backend factories, a runtime's instance,
 * and the calls on its database, one at a time. */
#include "state/state.h"

#include <ctr-config.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/stat.h>

#include "base/error.h"
#include "state/backends.h"

/*
 * The registry: a list of factories, each a name and a create() that makes a
 * runtime's instance (see sys/ctr-state.h).  The built-in backends are its
 * two static tail nodes; a vtable registered with ctr_state_backend_register()
 * is a node whose create() copies it, like the built-ins'.  create() runs
 * with registry_mutex held, so that when unregister returns no create() of
 * the factory is running any more.
 */
struct factory {
    struct factory *next;
    const char *name; /* owned, except for the built-ins */
    ctr_state_backend_create_fn create;
    void *userdata;
    bool builtin;
};

/* How many bytes of a vtable each version has: only those are read. */
static const size_t backend_size[] = {
    [1] = offsetof(ctr_state_backend_t, free),
    [2] = offsetof(ctr_state_backend_t, obj_add),
    [3] = offsetof(ctr_state_backend_t, rename),
    [4] = offsetof(ctr_state_backend_t, save_state_flags),
    [5] = sizeof(ctr_state_backend_t),
};
_Static_assert(ARRAY_SIZE(backend_size) == CTR_STATE_BACKEND_VERSION + 1, "a size for every vtable version");

/* The create() of a fixed vtable (userdata): the instance is a copy. */
static int copy_vtable(ctr_state_backend_t *b, void *userdata)
{
    const ctr_state_backend_t *vt = userdata;
    memcpy(b, vt, backend_size[vt->version]);
    return 0;
}

#if HAVE_TDB
static struct factory builtin_tdb = {
    .name = "tdb", .create = copy_vtable, .userdata = (void *)&ctr__state_backend_tdb, .builtin = true,
};
#define BUILTIN_NEXT &builtin_tdb
#else
#define BUILTIN_NEXT NULL
#endif
static struct factory builtin_files = {
    .next = BUILTIN_NEXT, .name = "files", .create = copy_vtable,
    .userdata = (void *)&ctr__state_backend_files, .builtin = true,
};

static pthread_mutex_t registry_mutex = PTHREAD_MUTEX_INITIALIZER;
static struct factory *registry = &builtin_files;

/* The link that points to the factory named name (*link is NULL when none). */
static struct factory **find_locked(const char *name)
{
    struct factory **l = &registry;
    while (*l && !streq((*l)->name, name))
        l = &(*l)->next;
    return l;
}

static int unknown_backend(const char *name)
{
    if (streq(name, "tdb"))
        return ctr__err(-EOPNOTSUPP, "state backend \"tdb\" is not built into this libctr");
    return ctr__err(-EINVAL, "unknown state backend \"%s\" (built in: files%s)", name, HAVE_TDB ? ", tdb" : "");
}

static bool name_ok(const char *name)
{
    if (isempty(name) || strlen(name) > 64)
        return false;
    for (const char *p = name; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_' || *p == '-'))
            return false;
    return true;
}

/* The object callbacks of version 3: how many are set (0 or 5 is right). */
static int obj_callbacks(const ctr_state_backend_t *b)
{
    if (b->version < 3)
        return 0;
    return !!b->obj_add + !!b->obj_save + !!b->obj_get + !!b->obj_remove + !!b->obj_iterate;
}

static bool has_callbacks(const ctr_state_backend_t *b)
{
    int objs = obj_callbacks(b);
    return b->open && b->close && b->add && b->remove && b->save_state && b->get && b->lookup_name && b->iterate &&
           (objs == 0 || objs == 5);
}

/* Append a factory (name and create checked): -EEXIST when the name is taken. */
static int add_factory(const char *name, ctr_state_backend_create_fn create, void *userdata)
{
    struct factory *f = calloc(1, sizeof *f);
    char *copy = strdup(name);
    if (!f || !copy) {
        free(f);
        free(copy);
        return ctr__oom("a state backend factory");
    }
    *f = (struct factory){ .name = copy, .create = create, .userdata = userdata };
    pthread_mutex_lock(&registry_mutex);
    struct factory **l = find_locked(name);
    bool taken = *l != NULL;
    if (!taken)
        *l = f;
    pthread_mutex_unlock(&registry_mutex);
    if (taken) {
        free(copy);
        free(f);
        return ctr__err(-EEXIST, "a state backend named \"%s\" is already registered", name);
    }
    return 0;
}

CTR_EXPORT int ctr_state_backend_register(const ctr_state_backend_t *b)
{
    CTR_ENTER();
    CTR_CHECK_ARG(b);
    if (b->version < 1 || b->version > CTR_STATE_BACKEND_VERSION)
        return ctr__err(-EINVAL, "state backend version %u is not supported (1..%d)", b->version,
                        CTR_STATE_BACKEND_VERSION);
    if (!name_ok(b->name))
        return ctr__err(-EINVAL, "state backend name must match [a-z0-9_-]{1,64}");
    if (!has_callbacks(b))
        return ctr__err(-EINVAL, "state backend \"%s\" lacks a callback", b->name);
    if (b->version >= 2 && b->free)
        return ctr__err(-EINVAL,
                        "state backend \"%s\" has a free() callback: register a factory for instances with data "
                        "of their own (ctr_state_backend_factory_register())",
                        b->name);
    return add_factory(b->name, copy_vtable, (void *)b);
}

CTR_EXPORT int ctr_state_backend_factory_register(const ctr_state_backend_factory_t *f)
{
    CTR_ENTER();
    CTR_CHECK_ARG(f);
    if (f->version < 1 || f->version > CTR_STATE_BACKEND_FACTORY_VERSION)
        return ctr__err(-EINVAL, "state backend factory version %u is not supported (1..%d)", f->version,
                        CTR_STATE_BACKEND_FACTORY_VERSION);
    if (!name_ok(f->name))
        return ctr__err(-EINVAL, "state backend name must match [a-z0-9_-]{1,64}");
    if (!f->create)
        return ctr__err(-EINVAL, "state backend factory \"%s\" has no create()", f->name);
    return add_factory(f->name, f->create, f->userdata);
}

CTR_EXPORT int ctr_state_backend_unregister(const char *name)
{
    CTR_ENTER();
    CTR_CHECK_ARG(name);
    pthread_mutex_lock(&registry_mutex);
    struct factory **l = find_locked(name);
    struct factory *f = *l;
    if (f && !f->builtin)
        *l = f->next;
    pthread_mutex_unlock(&registry_mutex);
    if (!f)
        return ctr__err(-ENOENT, "no state backend named \"%s\" is registered", name);
    if (f->builtin)
        return ctr__err(-EPERM, "state backend \"%s\" is built in: it cannot be unregistered", name);
    free((char *)f->name);
    free(f);
    return 0;
}

/* Check what create() made; the name is libctr's whatever create() did. */
static int check_instance(ctr_state_backend_t *vt, const char *name)
{
    vt->name = name;
    if (vt->version < 1 || vt->version > CTR_STATE_BACKEND_VERSION)
        return ctr__err(-EINVAL, "state backend \"%s\" made an instance of version %u (1..%d are supported)", name,
                        vt->version, CTR_STATE_BACKEND_VERSION);
    if (!has_callbacks(vt))
        return ctr__err(-EINVAL, "state backend \"%s\" made an instance that lacks a callback", name);
    return 0;
}

/* The instance's free(), when its version has one (every version from 2:
 * members are only added, and vt is libctr's own struct). */
static void instance_free(ctr_state_backend_t *vt)
{
    if (vt->version >= 2 && vt->free)
        vt->free(vt->userdata);
}

int ctr__state_new(struct ctr__state *s, const char *name)
{
    _cleanup_free_ char *copy = strdup(name);
    if (!copy)
        return ctr__oom("the state backend's name");
    ctr_state_backend_t vt = CTR_STATE_BACKEND_INIT;
    vt.name = copy;
    int r = 0;
    pthread_mutex_lock(&registry_mutex);
    struct factory *f = *find_locked(name);
    if (f) {
        vt.userdata = f->userdata;
        ctr__err_clear();
        r = f->create(&vt, f->userdata);
    }
    pthread_mutex_unlock(&registry_mutex);
    if (!f)
        return unknown_backend(name);
    if (r < 0)
        return ctr__err_keep(r, "state backend \"%s\" cannot make an instance: %s", name, strerror(-r));
    r = check_instance(&vt, copy);
    if (r < 0) {
        instance_free(&vt);
        return r;
    }
    *s = (struct ctr__state){ .vt = vt, .name = TAKE_PTR(copy) };
    s->backend = &s->vt;
    pthread_mutex_init(&s->mutex, NULL);
    return 0;
}

int ctr__state_open(struct ctr__state *s, const char *root)
{
    _cleanup_free_ char *dir = ctr__asprintf("%s/state/%s", root, s->name);
    if (!dir)
        return ctr__oom("the state directory's path");
    int r = ctr__mkdir_p(dir, 0700);
    if (r < 0)
        return ctr__err(r, "cannot create %s: %s", dir, strerror(-r));
    ctr__err_clear();
    r = s->vt.open(&s->db, dir, s->vt.userdata);
    if (r < 0)
        return ctr__err_keep(r, "state backend \"%s\" cannot open %s: %s", s->name, dir, strerror(-r));
    s->opened = true;
    return 0;
}

void ctr__state_close(struct ctr__state *s)
{
    if (!s->backend)
        return;
    if (s->opened)
        s->vt.close(s->db);
    instance_free(&s->vt);
    pthread_mutex_destroy(&s->mutex);
    free(s->name);
    *s = (struct ctr__state){ 0 };
}

/* Each call: serialize, clear the detail so the backend's own message is
 * recognized, and give a generic message when the backend set none. */
#define CALL(s, what, expr)                                                                              \
    ({                                                                                                   \
        pthread_mutex_lock(&(s)->mutex);                                                                 \
        ctr__err_clear();                                                                                \
        int _r = (expr);                                                                                 \
        pthread_mutex_unlock(&(s)->mutex);                                                               \
        if (_r < 0 && ctr__err_code() != _r)                                                             \
            ctr__err(_r, "state backend \"%s\": %s failed: %s", (s)->name, what, strerror(-_r));           \
        _r;                                                                                              \
    })

int ctr__state_add(struct ctr__state *s, const char *id, const char *name, const char *config, const char *state)
{
    return CALL(s, "add", s->vt.add(s->db, id, name, config, state));
}

int ctr__state_remove(struct ctr__state *s, const char *id, const char *name)
{
    return CALL(s, "remove", s->vt.remove(s->db, id, name));
}

int ctr__state_save(struct ctr__state *s, const char *id, const char *state)
{
    return CALL(s, "save_state", s->vt.save_state(s->db, id, state));
}

int ctr__state_save_flags(struct ctr__state *s, const char *id, const char *state, unsigned int flags)
{
    /* A backend without save_state_flags() (versions 1 to 4, or left NULL)
     * saves every state durably. */
    if (s->vt.version < 5 || !s->vt.save_state_flags)
        return ctr__state_save(s, id, state);
    return CALL(s, "save_state_flags", s->vt.save_state_flags(s->db, id, state, flags));
}

int ctr__state_get(struct ctr__state *s, const char *id, char **ret_config, char **ret_state)
{
    return CALL(s, "get", s->vt.get(s->db, id, ret_config, ret_state));
}

int ctr__state_lookup_name(struct ctr__state *s, const char *name, char **ret_id)
{
    return CALL(s, "lookup_name", s->vt.lookup_name(s->db, name, ret_id));
}

int ctr__state_iterate(struct ctr__state *s, unsigned int flags, ctr_state_iter_fn fn, void *userdata)
{
    /* The callback runs with the mutex held: it must not call back into the state. */
    return CALL(s, "iterate", s->vt.iterate(s->db, flags, fn, userdata));
}

/* The object records: -EOPNOTSUPP, naming the backend, when it has none. */
static int obj_unsupported(struct ctr__state *s, const char *kind)
{
    return ctr__err(-EOPNOTSUPP,
                    "state backend \"%s\" keeps no object records (a backend of version %u; version 3 has them): "
                    "it cannot store a %s",
                    s->name, s->vt.version, kind);
}

bool ctr__state_has_objects(const struct ctr__state *s)
{
    return obj_callbacks(&s->vt) == 5;
}

int ctr__state_obj_add(struct ctr__state *s, const char *kind, const char *name, const char *doc)
{
    if (!ctr__state_has_objects(s))
        return obj_unsupported(s, kind);
    return CALL(s, "obj_add", s->vt.obj_add(s->db, kind, name, doc));
}

int ctr__state_obj_save(struct ctr__state *s, const char *kind, const char *name, const char *doc)
{
    if (!ctr__state_has_objects(s))
        return obj_unsupported(s, kind);
    return CALL(s, "obj_save", s->vt.obj_save(s->db, kind, name, doc));
}

int ctr__state_obj_get(struct ctr__state *s, const char *kind, const char *name, char **ret_doc)
{
    if (!ctr__state_has_objects(s))
        return obj_unsupported(s, kind);
    return CALL(s, "obj_get", s->vt.obj_get(s->db, kind, name, ret_doc));
}

int ctr__state_obj_remove(struct ctr__state *s, const char *kind, const char *name)
{
    if (!ctr__state_has_objects(s))
        return obj_unsupported(s, kind);
    return CALL(s, "obj_remove", s->vt.obj_remove(s->db, kind, name));
}

int ctr__state_obj_iterate(struct ctr__state *s, const char *kind, ctr_state_obj_fn fn, void *userdata)
{
    if (!ctr__state_has_objects(s))
        return obj_unsupported(s, kind);
    /* As iterate(): the callback runs with the mutex held. */
    return CALL(s, "obj_iterate", s->vt.obj_iterate(s->db, kind, fn, userdata));
}

/* rename() of a backend without one (versions 1 to 3, or left NULL): the
 * record removed and added again, under the caller's runtime lock; an add
 * that fails puts the old record back.  Not atomic across a crash. */
static int rename_fallback(struct ctr__state *s, const char *id, const char *old_name, const char *new_name,
                           const char *config, const char *state)
{
    _cleanup_free_ char *old_config = NULL, *old_state = NULL, *owner = NULL;
    int r = ctr__state_get(s, id, &old_config, &old_state);
    if (r < 0)
        return r;
    if (!streq(old_name, new_name)) {
        r = ctr__state_lookup_name(s, new_name, &owner);
        if (r == 0 && !streq(owner, id))
            return ctr__err(-EEXIST, "name %s is already in use", new_name);
        if (r < 0 && r != -ENOENT)
            return r;
    }
    if ((r = ctr__state_remove(s, id, old_name)) < 0)
        return r;
    r = ctr__state_add(s, id, new_name, config, state);
    if (r < 0) {
        struct ctr__err_saved e;
        ctr__err_save(&e);
        (void)ctr__state_add(s, id, old_name, old_config, old_state);
        ctr__err_restore(&e);
    }
    return r;
}

int ctr__state_rename(struct ctr__state *s, const char *id, const char *old_name, const char *new_name,
                      const char *config, const char *state)
{
    if (s->vt.version < 4 || !s->vt.rename)
        return rename_fallback(s, id, old_name, new_name, config, state);
    return CALL(s, "rename", s->vt.rename(s->db, id, old_name, new_name, config, state));
}
