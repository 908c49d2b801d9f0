/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <ctr-config.h>
#include <stdio.h>
#include <sys/stat.h>

#include "backends.h"
#include "error.h"
#include "state.h"

#define MAX_BACKENDS 32

static pthread_mutex_t registry_mutex = PTHREAD_MUTEX_INITIALIZER;
static const ctr_state_backend_t *registry[MAX_BACKENDS];
static size_t n_registry;

static const ctr_state_backend_t *const builtins[] = {
    &ctr__state_backend_files,
#if HAVE_TDB
    &ctr__state_backend_tdb,
#endif
};

static const ctr_state_backend_t *find_locked(const char *name)
{
    for (size_t i = 0; i < ARRAY_SIZE(builtins); i++)
        if (streq(builtins[i]->name, name))
            return builtins[i];
    for (size_t i = 0; i < n_registry; i++)
        if (streq(registry[i]->name, name))
            return registry[i];
    return NULL;
}

int ctr__state_find(const char *name, const ctr_state_backend_t **ret)
{
    pthread_mutex_lock(&registry_mutex);
    const ctr_state_backend_t *b = find_locked(name);
    pthread_mutex_unlock(&registry_mutex);
    if (!b) {
        if (streq(name, "tdb"))
            return ctr__err(-EOPNOTSUPP, "state backend \"tdb\" is not built into this libctr");
        return ctr__err(-EINVAL, "unknown state backend \"%s\" (built in: files%s)", name, HAVE_TDB ? ", tdb" : "");
    }
    *ret = b;
    return 0;
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

CTR_EXPORT int ctr_state_backend_register(const ctr_state_backend_t *b)
{
    CTR_ENTER();
    CTR_CHECK_ARG(b);
    if (b->version < 1 || b->version > CTR_STATE_BACKEND_VERSION)
        return ctr__err(-EINVAL, "state backend version %u is not supported (1..%d)", b->version,
                        CTR_STATE_BACKEND_VERSION);
    if (!name_ok(b->name))
        return ctr__err(-EINVAL, "state backend name must match [a-z0-9_-]{1,64}");
    if (!b->open || !b->close || !b->add || !b->remove || !b->save_state || !b->get || !b->lookup_name ||
        !b->iterate)
        return ctr__err(-EINVAL, "state backend \"%s\" lacks a callback", b->name);
    int r = 0;
    pthread_mutex_lock(&registry_mutex);
    if (find_locked(b->name))
        r = ctr__err(-EEXIST, "a state backend named \"%s\" is already registered", b->name);
    else if (n_registry == MAX_BACKENDS)
        r = ctr__err(-ENOSPC, "too many state backends registered");
    else
        registry[n_registry++] = b;
    pthread_mutex_unlock(&registry_mutex);
    return r;
}

int ctr__state_open(struct ctr__state *s, const ctr_state_backend_t *backend, const char *root)
{
    _cleanup_free_ char *dir = ctr__asprintf("%s/state/%s", root, backend->name);
    if (!dir)
        return -ENOMEM;
    int r = ctr__mkdir_p(dir, 0700);
    if (r < 0)
        return ctr__err(r, "cannot create %s: %s", dir, strerror(-r));
    ctr__err_clear();
    r = backend->open(&s->db, dir, backend->userdata);
    if (r < 0)
        return ctr__err_keep(r, "state backend \"%s\" cannot open %s: %s", backend->name, dir, strerror(-r));
    s->backend = backend;
    pthread_mutex_init(&s->mutex, NULL);
    return 0;
}

void ctr__state_close(struct ctr__state *s)
{
    if (!s->backend)
        return;
    s->backend->close(s->db);
    pthread_mutex_destroy(&s->mutex);
    s->backend = NULL;
    s->db = NULL;
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
            ctr__err(_r, "state backend \"%s\": %s failed: %s", (s)->backend->name, what, strerror(-_r)); \
        _r;                                                                                              \
    })

int ctr__state_add(struct ctr__state *s, const char *id, const char *name, const char *config, const char *state)
{
    return CALL(s, "add", s->backend->add(s->db, id, name, config, state));
}

int ctr__state_remove(struct ctr__state *s, const char *id, const char *name)
{
    return CALL(s, "remove", s->backend->remove(s->db, id, name));
}

int ctr__state_save(struct ctr__state *s, const char *id, const char *state)
{
    return CALL(s, "save_state", s->backend->save_state(s->db, id, state));
}

int ctr__state_get(struct ctr__state *s, const char *id, char **ret_config, char **ret_state)
{
    return CALL(s, "get", s->backend->get(s->db, id, ret_config, ret_state));
}

int ctr__state_lookup_name(struct ctr__state *s, const char *name, char **ret_id)
{
    return CALL(s, "lookup_name", s->backend->lookup_name(s->db, name, ret_id));
}

int ctr__state_iterate(struct ctr__state *s, unsigned int flags, ctr_state_iter_fn fn, void *userdata)
{
    /* The callback runs with the mutex held: it must not call back into the state. */
    return CALL(s, "iterate", s->backend->iterate(s->db, flags, fn, userdata));
}

int ctr__state_layout_check(const char *text, const char *where, unsigned supported)
{
    char *end = NULL;
    errno = 0;
    unsigned long v = strtoul(text, &end, 10);
    if (errno != 0 || end == text || *end || text[0] == '-' || text[0] == '+' || v == 0)
        return ctr__err(-EUCLEAN, "%s: the layout version is corrupt (\"%.32s\")", where, text);
    if (v > supported)
        return ctr__err(-EPROTONOSUPPORT,
                        "%s has layout version %lu, but this libctr supports layout version %u at most "
                        "(it was written by a newer libctr)",
                        where, v, supported);
    return 0;
}
