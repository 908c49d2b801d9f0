/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "core/runtime.h"

#include <stddef.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <sys/stat.h>

#include "base/error.h"
#include "base/names.h"
#include "base/options.h"
#include "ctr-config.h"

#define DEFAULT_ROOT "/var/lib/libctr"
#define DEFAULT_RUN_ROOT "/run/libctr"

struct ctr_runtime {
    unsigned int refs;
    struct ctr__settings set; /* the strings are owned here */
    struct ctr__state state;
    struct ctr__lock lock;    /* runtime-wide: names, create, remove */
    pthread_mutex_t oci_mutex;
    ctr__oci_t *oci;          /* opened on first use */
    pthread_mutex_t cache_mutex;
    struct ctr__config_cache *cache;
};

/* ---- config cache: id -> shared parsed config ---- */

struct ctr__config_cache {
    size_t cap;  /* power of two */
    size_t used; /* live + tombstones */
    struct ctr__config **slots;
};

#define TOMBSTONE ((struct ctr__config *)1)

static size_t id_hash(const char *id)
{
    size_t h = 1469598103934665603ULL;
    for (const char *p = id; *p; p++)
        h = (h ^ (unsigned char)*p) * 1099511628211ULL;
    return h;
}

static int cache_grow(struct ctr__config_cache *c)
{
    size_t cap = c->cap ? c->cap * 2 : 256;
    struct ctr__config **slots = calloc(cap, sizeof *slots);
    if (!slots)
        return ctr__oom("the config cache");
    size_t used = 0;
    for (size_t i = 0; i < c->cap; i++) {
        struct ctr__config *cfg = c->slots[i];
        if (!cfg || cfg == TOMBSTONE)
            continue;
        size_t j = id_hash(cfg->id) & (cap - 1);
        while (slots[j])
            j = (j + 1) & (cap - 1);
        slots[j] = cfg;
        used++;
    }
    free(c->slots);
    c->slots = slots;
    c->cap = cap;
    c->used = used;
    return 0;
}

static struct ctr__config **cache_slot(struct ctr__config_cache *c, const char *id)
{
    if (!c->cap)
        return NULL;
    for (size_t j = id_hash(id) & (c->cap - 1);; j = (j + 1) & (c->cap - 1)) {
        struct ctr__config *cfg = c->slots[j];
        if (!cfg)
            return NULL;
        if (cfg != TOMBSTONE && streq(cfg->id, id))
            return &c->slots[j];
    }
}

static void cache_put(struct ctr__config_cache *c, struct ctr__config *cfg)
{
    if (cache_slot(c, cfg->id))
        return;
    if ((c->used + 1) * 2 > c->cap && cache_grow(c) < 0)
        return; /* a cache: failing to remember is fine */
    size_t j = id_hash(cfg->id) & (c->cap - 1);
    while (c->slots[j] && c->slots[j] != TOMBSTONE)
        j = (j + 1) & (c->cap - 1);
    if (!c->slots[j])
        c->used++;
    c->slots[j] = ctr__config_ref(cfg);
}

static void cache_free(struct ctr__config_cache *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->cap; i++)
        if (c->slots[i] && c->slots[i] != TOMBSTONE)
            ctr__config_unref(c->slots[i]);
    free(c->slots);
    free(c);
}

void ctr__runtime_config_remember(ctr_runtime_t *rt, struct ctr__config *cfg)
{
    pthread_mutex_lock(&rt->cache_mutex);
    cache_put(rt->cache, cfg);
    pthread_mutex_unlock(&rt->cache_mutex);
}

void ctr__runtime_config_forget(ctr_runtime_t *rt, const char *id)
{
    pthread_mutex_lock(&rt->cache_mutex);
    struct ctr__config **slot = cache_slot(rt->cache, id);
    if (slot) {
        ctr__config_unref(*slot);
        *slot = TOMBSTONE;
    }
    pthread_mutex_unlock(&rt->cache_mutex);
}

/* A stored config is the container's own: its ID, and the directories this
 * runtime gives it (a remove deletes them). */
static int check_config_paths(ctr_runtime_t *rt, const struct ctr__config *cfg, const char *id)
{
    if (!streq(cfg->id, id))
        return ctr__err(-EINVAL, "container %.12s: stored config names another ID", id);
    _cleanup_free_ char *stat_dir = ctr__static_dir(rt, id), *run = ctr__run_dir(rt, id);
    _cleanup_free_ char *shm = run ? ctr__asprintf("%s/shm", run) : NULL;
    if (!stat_dir || !shm)
        return ctr__oom("a path");
    if (!cfg->static_dir || !streq(cfg->static_dir, stat_dir))
        return ctr__err(-EINVAL, "container %.12s: stored config: \"staticDir\" is not the container's directory", id);
    if (!cfg->shm_dir || !streq(cfg->shm_dir, shm))
        return ctr__err(-EINVAL, "container %.12s: stored config: \"shmDir\" is not the container's directory", id);
    return 0;
}

int ctr__runtime_config(ctr_runtime_t *rt, const char *id, const char *config_json, struct ctr__config **ret)
{
    pthread_mutex_lock(&rt->cache_mutex);
    struct ctr__config **slot = cache_slot(rt->cache, id);
    struct ctr__config *cfg = slot ? ctr__config_ref(*slot) : NULL;
    pthread_mutex_unlock(&rt->cache_mutex);
    if (cfg) {
        *ret = cfg;
        return 0;
    }
    _cleanup_free_ char *owned = NULL;
    if (!config_json) {
        int r = ctr__state_get(&rt->state, id, &owned, NULL);
        if (r < 0)
            return r;
        config_json = owned;
    }
    int r = ctr__config_from_json(config_json, &cfg);
    if (r < 0)
        return ctr__err_prefix(r, "container %.12s", id);
    if ((r = check_config_paths(rt, cfg, id)) < 0) {
        ctr__config_unref(cfg);
        return r;
    }
    ctr__runtime_config_remember(rt, cfg);
    *ret = cfg;
    return 0;
}

/* ---- accessors and paths ---- */

const struct ctr__settings *ctr__runtime_settings(const ctr_runtime_t *rt)
{
    return &rt->set;
}

struct ctr__state *ctr__runtime_state(ctr_runtime_t *rt)
{
    return &rt->state;
}

struct ctr__lock *ctr__runtime_lock(ctr_runtime_t *rt)
{
    return &rt->lock;
}

char *ctr__static_dir(ctr_runtime_t *rt, const char *id)
{
    return ctr__asprintf("%s/containers/%s", rt->set.root, id);
}

char *ctr__run_dir(ctr_runtime_t *rt, const char *id)
{
    return ctr__asprintf("%s/containers/%s", rt->set.run_root, id);
}

char *ctr__lock_path(ctr_runtime_t *rt, const char *id)
{
    return ctr__asprintf("%s/%s.lock", rt->set.lock_dir, id);
}

bool ctr__id_valid(const char *id)
{
    size_t n = 0;
    for (; id[n]; n++)
        if (!((id[n] >= '0' && id[n] <= '9') || (id[n] >= 'a' && id[n] <= 'f')))
            return false;
    return n == 64;
}

/* ---- opening ---- */

static const struct ctr__options_type options_type = {
    "runtime options", CTR_RUNTIME_OPTIONS_VERSION,
    (const size_t[]){ 0, offsetof(ctr_runtime_options_t, log_size_max), sizeof(ctr_runtime_options_t) }
};

CTR_EXPORT int ctr_runtime_options_init(ctr_runtime_options_t *opts, unsigned int version)
{
    CTR_ENTER();
    CTR_CHECK_ARG(opts);
    return ctr__options_clear(&options_type, opts, version);
}

/* Make a private directory, refusing one owned by somebody else. */
static int private_dir(const char *path)
{
    int r = ctr__mkdir_p(path, 0700);
    if (r < 0)
        return ctr__err(r, "cannot create %s: %s", path, strerror(-r));
    struct stat st;
    if (stat(path, &st) < 0)
        return ctr__err(-errno, "cannot stat %s: %m", path);
    if (!S_ISDIR(st.st_mode))
        return ctr__err(-ENOTDIR, "%s is not a directory", path);
    if (st.st_uid != geteuid())
        return ctr__err(-EACCES, "%s is owned by uid %u, not by the caller (uid %u): refusing to use it", path,
                        (unsigned)st.st_uid, (unsigned)geteuid());
    if (st.st_mode & 022)
        return ctr__err(-EACCES, "%s is writable by group or others (mode %o): refusing to use it", path,
                        (unsigned)(st.st_mode & 07777));
    return 0;
}

static char *find_in_path(const char *name)
{
    if (name[0] == '/')
        return strdup(name);
    const char *path = getenv("PATH");
    if (!path || !*path)
        path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    _cleanup_free_ char *copy = strdup(path);
    if (!copy)
        return NULL;
    char *save = NULL;
    for (char *dir = strtok_r(copy, ":", &save); dir; dir = strtok_r(NULL, ":", &save)) {
        char *full = ctr__asprintf("%s/%s", dir, name);
        if (full && access(full, X_OK) == 0)
            return full;
        free(full);
    }
    return strdup(name);
}

static int read_boot_id(char *buf, size_t size)
{
    _cleanup_free_ char *s = NULL;
    int r = ctr__read_file_at(AT_FDCWD, "/proc/sys/kernel/random/boot_id", &s, NULL);
    if (r < 0)
        return ctr__err(r, "cannot read the boot ID: %s", strerror(-r));
    ctr__strstrip(s);
    snprintf(buf, size, "%s", s);
    return 0;
}

/* The run root's `alive` file holds the boot ID it was set up in.  A missing
 * file or another boot ID means the machine rebooted (or the run root was
 * wiped): the state's run-time fields are stale. */
static char *alive_path(const ctr_runtime_t *rt)
{
    return ctr__asprintf("%s/alive", rt->set.run_root);
}

int ctr__runtime_boot_changed(ctr_runtime_t *rt, bool *ret)
{
    _cleanup_free_ char *alive = alive_path(rt);
    _cleanup_free_ char *seen = NULL;
    if (!alive)
        return ctr__oom("a path");
    int r = ctr__read_file_at(AT_FDCWD, alive, &seen, NULL);
    if (r < 0 && r != -ENOENT)
        return ctr__err(r, "cannot read %s: %s", alive, strerror(-r));
    *ret = r < 0 || !streq(ctr__strstrip(seen), rt->set.boot_id);
    return 0;
}

int ctr__runtime_mark_boot(ctr_runtime_t *rt)
{
    _cleanup_free_ char *alive = alive_path(rt);
    if (!alive)
        return ctr__oom("a path");
    _cleanup_close_ int fd = open(rt->set.run_root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return ctr__err(-errno, "cannot open %s: %m", rt->set.run_root);
    int r = ctr__write_file_at(fd, "alive", rt->set.boot_id, strlen(rt->set.boot_id), 0600, false);
    if (r < 0)
        return ctr__err(r, "cannot write %s: %s", alive, strerror(-r));
    return 0;
}

static int oci_open_locked(ctr_runtime_t *rt)
{
    const char *base = strrchr(rt->set.oci_name, '/');
    _cleanup_free_ char *state_dir = ctr__asprintf("%s/oci/%s", rt->set.run_root, base ? base + 1 : rt->set.oci_name);
    if (!state_dir)
        return ctr__oom("a path");
    int r = ctr__mkdir_p(state_dir, 0700);
    if (r < 0)
        return ctr__err(r, "cannot create %s: %s", state_dir, strerror(-r));
    return ctr__oci_open(&rt->oci, rt->set.oci_name, rt->set.conmon_path, state_dir);
}

int ctr__runtime_oci(ctr_runtime_t *rt, ctr__oci_t **ret)
{
    pthread_mutex_lock(&rt->oci_mutex);
    int r = rt->oci ? 0 : oci_open_locked(rt);
    ctr__oci_t *oci = rt->oci;
    pthread_mutex_unlock(&rt->oci_mutex);
    if (r < 0)
        return r;
    *ret = oci;
    return 0;
}

static void settings_free(struct ctr__settings *set)
{
    free(set->root);
    free(set->run_root);
    free(set->lock_dir);
    free(set->oci_name);
    free(set->oci_runtime);
    free(set->conmon_path);
    free(set->storage_driver);
    free(set->cni_config_dir);
    free(set->cni_plugin_dir);
    free(set->default_network);
    free(set->default_bridge);
    free(set->default_subnet);
}

static void runtime_free(ctr_runtime_t *rt)
{
    ctr__oci_close(rt->oci);
    pthread_mutex_destroy(&rt->oci_mutex);
    ctr__state_close(&rt->state);
    ctr__lock_done(&rt->lock);
    cache_free(rt->cache);
    pthread_mutex_destroy(&rt->cache_mutex);
    settings_free(&rt->set);
    free(rt);
}

/* The OCI runtime when the options name none: $LIBCTR_RUNTIME (ignored
 * in a set-uid program), else runc. */
static const char *default_oci_runtime(void)
{
    const char *env = secure_getenv("LIBCTR_RUNTIME");
    return env && *env ? env : "runc";
}

static int check_oci_runtime(const char *name, const char *what)
{
    if (!*name || (name[0] != '/' && strchr(name, '/')))
        return ctr__err(-EINVAL, "OCI runtime \"%s\"%s must be a name or an absolute path", name, what);
    return 0;
}

static int check_options(const ctr_runtime_options_t *o)
{
    if (o->flags != 0)
        return ctr__err(-EINVAL, "unknown runtime flags 0x%llx", (unsigned long long)o->flags);
    const char *paths[] = { o->root, o->run_root, o->lock_dir, o->cni_config_dir, o->cni_plugin_dir, o->conmon_path };
    for (size_t i = 0; i < ARRAY_SIZE(paths); i++)
        if (paths[i] && paths[i][0] != '/')
            return ctr__err(-EINVAL, "\"%s\" is not an absolute path", paths[i]);
    int r = check_oci_runtime(o->oci_runtime ? o->oci_runtime : default_oci_runtime(),
                              o->oci_runtime ? "" : " (from $LIBCTR_RUNTIME)");
    if (r < 0)
        return r;
    if (o->storage_driver && !streq(o->storage_driver, "overlay") && !streq(o->storage_driver, "vfs"))
        return ctr__err(-EINVAL, "unknown storage driver \"%s\" (overlay, vfs)", o->storage_driver);
    return 0;
}

static char *strdup_or(const char *s, const char *dflt)
{
    return strdup(s ? s : dflt);
}

/* The settings of the options, with their defaults. */
static int settings_fill(struct ctr__settings *set, const ctr_runtime_options_t *o)
{
    set->oci_name = strdup_or(o->oci_runtime, default_oci_runtime());
    set->root = strdup_or(o->root, DEFAULT_ROOT);
    set->run_root = strdup_or(o->run_root, DEFAULT_RUN_ROOT);
    set->lock_dir = o->lock_dir ? strdup(o->lock_dir) : ctr__asprintf("%s/locks", set->run_root ? set->run_root : "");
    set->oci_runtime = find_in_path(o->oci_runtime ? o->oci_runtime : default_oci_runtime());
    set->conmon_path = ctr__strdup_null(o->conmon_path); /* NULL: the OCI layer searches */
    set->storage_driver = strdup_or(o->storage_driver, "overlay");
    set->cni_config_dir = strdup_or(o->cni_config_dir, "/etc/cni/net.d");
    set->cni_plugin_dir = strdup_or(o->cni_plugin_dir, "/usr/lib/cni");
    set->default_network = strdup_or(o->default_network, "libctr");
    /* NULL: the network module picks a free bridge and subnet when it writes the network. */
    set->default_bridge = ctr__strdup_null(o->default_bridge);
    set->default_subnet = ctr__strdup_null(o->default_subnet);
    set->log = (struct ctr__logger){ o->log_fn, o->log_userdata, o->log_level ? o->log_level : CTR_LOG_WARNING };
    set->log_size_max = o->version >= 2 ? o->log_size_max : 0;
    if (!set->oci_name || !set->root || !set->run_root || !set->lock_dir || !set->oci_runtime ||
        (o->conmon_path && !set->conmon_path) || !set->storage_driver || !set->cni_config_dir ||
        !set->cni_plugin_dir || !set->default_network || (o->default_bridge && !set->default_bridge) ||
        (o->default_subnet && !set->default_subnet))
        return ctr__oom("runtime settings");
    return read_boot_id(set->boot_id, sizeof set->boot_id);
}

/* ROOT, RUN_ROOT, the lock directory and the two container directories. */
static int make_dirs(const struct ctr__settings *set)
{
    _cleanup_free_ char *containers = ctr__asprintf("%s/containers", set->root);
    _cleanup_free_ char *run_containers = ctr__asprintf("%s/containers", set->run_root);
    if (!containers || !run_containers)
        return ctr__oom("a path");
    const char *dirs[] = { set->root, set->run_root, set->lock_dir, containers, run_containers };
    for (size_t i = 0; i < ARRAY_SIZE(dirs); i++) {
        int r = private_dir(dirs[i]);
        if (r < 0)
            return r;
    }
    return 0;
}

static int runtime_setup(ctr_runtime_t *rt, const ctr_runtime_options_t *o)
{
    /* An unknown backend fails before any directory is made. */
    int r = ctr__state_new(&rt->state, o->state_backend ? o->state_backend : "files");
    if (r < 0 || (r = settings_fill(&rt->set, o)) < 0 || (r = make_dirs(&rt->set)) < 0)
        return r;
    _cleanup_free_ char *lock_path = ctr__asprintf("%s/runtime.lock", rt->set.lock_dir);
    if (!lock_path)
        return ctr__oom("a path");
    if ((r = ctr__lock_init(&rt->lock, lock_path)) < 0)
        return r;
    return ctr__state_open(&rt->state, rt->set.root);
}

int ctr__runtime_open(const ctr_runtime_options_t *opts, ctr_runtime_t **ret)
{
    ctr_runtime_options_t o = CTR_RUNTIME_OPTIONS_INIT;
    int r = ctr__options_copy(&options_type, &o, opts);
    if (r < 0)
        return r;
    r = check_options(&o);
    if (r < 0)
        return r;
    ctr_runtime_t *rt = calloc(1, sizeof *rt);
    if (!rt)
        return ctr__oom("a runtime");
    rt->refs = 1;
    pthread_mutex_init(&rt->cache_mutex, NULL);
    pthread_mutex_init(&rt->oci_mutex, NULL);
    rt->lock.fd = -1;
    rt->cache = calloc(1, sizeof *rt->cache);
    r = rt->cache ? runtime_setup(rt, &o) : ctr__oom("the config cache");
    if (r < 0) {
        runtime_free(rt);
        return r;
    }
    *ret = rt;
    return 0;
}

CTR_EXPORT ctr_runtime_t *ctr_runtime_ref(ctr_runtime_t *rt)
{
    if (rt)
        __atomic_add_fetch(&rt->refs, 1, __ATOMIC_RELAXED);
    return rt;
}

CTR_EXPORT ctr_runtime_t *ctr_runtime_unref(ctr_runtime_t *rt)
{
    if (rt && __atomic_sub_fetch(&rt->refs, 1, __ATOMIC_ACQ_REL) == 0)
        runtime_free(rt);
    return NULL;
}

CTR_EXPORT const char *ctr_runtime_root(const ctr_runtime_t *rt)
{
    return rt ? rt->set.root : NULL;
}

CTR_EXPORT const char *ctr_runtime_run_root(const ctr_runtime_t *rt)
{
    return rt ? rt->set.run_root : NULL;
}

int ctr__runtime_exit_command(ctr_runtime_t *rt, const char *id, bool rm, char ***ret)
{
    /* ctr-exit starts ctr-cleanup detached and returns: the monitor, which
     * runs it in its own place, ends at once. */
    _cleanup_free_ char *launcher = ctr__asprintf("%s/ctr-exit", ctr__helper_dir());
    if (!launcher)
        return ctr__oom("the exit command");
    if (access(launcher, X_OK) < 0)
        return ctr__err(-ENOENT, "libctr's helper %s is missing: install libctr, or set LIBCTR_HELPER_DIR", launcher);
    _cleanup_strv_ char **cmd = NULL;
    int r = ctr__runtime_helper_command(rt, "ctr-cleanup", id, rm ? "--rm" : NULL, &cmd);
    if (r < 0)
        return r;
    _cleanup_strv_ char **v = ctr__strv_copy(NULL);
    if (!v || ctr__strv_push(&v, launcher) < 0)
        return ctr__oom("the exit command");
    for (char **p = cmd; *p; p++)
        if (ctr__strv_push(&v, *p) < 0)
            return ctr__oom("the exit command");
    *ret = TAKE_PTR(v);
    return 0;
}

int ctr__runtime_helper_command(ctr_runtime_t *rt, const char *name, const char *id, const char *flag, char ***ret)
{
    _cleanup_free_ char *helper = ctr__asprintf("%s/%s", ctr__helper_dir(), name);
    if (!helper)
        return ctr__oom("the exit command");
    if (helper[0] != '/' || access(helper, X_OK) < 0)
        return ctr__err(-ENOENT, "libctr's helper %s is missing: install libctr, or set LIBCTR_HELPER_DIR", helper);
    const char *args[] = {
        helper, "--root", rt->set.root, "--runroot", rt->set.run_root, "--state-backend", rt->state.backend->name,
        "--runtime", rt->set.oci_runtime, "--storage-driver", rt->set.storage_driver ? rt->set.storage_driver : "",
        "--cni-config-dir", rt->set.cni_config_dir ? rt->set.cni_config_dir : "",
        "--cni-plugin-dir", rt->set.cni_plugin_dir ? rt->set.cni_plugin_dir : "",
        rt->set.conmon_path ? "--conmon" : NULL, rt->set.conmon_path, NULL,
    };
    _cleanup_strv_ char **v = ctr__strv_copy(NULL);
    for (size_t i = 0; v && args[i]; i++)
        if (ctr__strv_push(&v, args[i]) < 0)
            return ctr__oom("the exit command");
    if (!v || (flag && ctr__strv_push(&v, flag) < 0) || ctr__strv_push(&v, id) < 0)
        return ctr__oom("the exit command");
    *ret = TAKE_PTR(v);
    return 0;
}

CTR_EXPORT const char *ctr_runtime_state_backend(const ctr_runtime_t *rt)
{
    return rt ? rt->state.backend->name : NULL;
}

CTR_EXPORT const char *ctr_runtime_oci_runtime(const ctr_runtime_t *rt)
{
    return rt ? rt->set.oci_runtime : NULL;
}

CTR_EXPORT const char *ctr_runtime_boot_id(const ctr_runtime_t *rt)
{
    return rt ? rt->set.boot_id : NULL;
}

/* ---- lookup ---- */

struct prefix_match {
    const char *prefix;
    size_t len;
    size_t count;
    char id[65];
};

static int prefix_cb(const char *id, const char *config, const char *state, void *userdata)
{
    struct prefix_match *m = userdata;
    if (strncmp(id, m->prefix, m->len) == 0) {
        if (m->count++ == 0)
            snprintf(m->id, sizeof m->id, "%s", id);
    }
    return 0;
}

static bool is_hex(const char *s)
{
    for (; *s; s++)
        if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f')))
            return false;
    return true;
}

int ctr__runtime_resolve(ctr_runtime_t *rt, const char *s, char **ret_id)
{
    if (isempty(s))
        return ctr__err(-EINVAL, "empty container ID or name");
    if (strlen(s) > 253 || (!ctr__name_valid(s) && !is_hex(s)))
        return ctr__err(-EINVAL, "\"%.64s\" is not a valid container ID or name", s);
    if (ctr__id_valid(s)) {
        int r = ctr__state_get(&rt->state, s, NULL, NULL);
        if (r == 0) {
            *ret_id = strdup(s);
            return *ret_id ? 0 : ctr__oom("a container ID");
        }
        if (r != -ENOENT)
            return r;
    }
    char *id = NULL;
    int r = ctr__state_lookup_name(&rt->state, s, &id);
    if (r == 0) {
        *ret_id = id;
        return 0;
    }
    if (r != -ENOENT)
        return r;
    if (is_hex(s) && strlen(s) < 64) {
        struct prefix_match m = { .prefix = s, .len = strlen(s) };
        r = ctr__state_iterate(&rt->state, 0, prefix_cb, &m);
        if (r < 0)
            return r;
        if (m.count > 1)
            return ctr__err(-EINVAL, "ID prefix \"%s\" is ambiguous: it matches %zu containers", s, m.count);
        if (m.count == 1) {
            *ret_id = strdup(m.id);
            return *ret_id ? 0 : ctr__oom("a container ID");
        }
    }
    return ctr__err(-ENOENT, "no such container \"%s\"", s);
}

/* ---- dependents ---- */

static int ids_cb(const char *id, const char *config, const char *state, void *userdata)
{
    char ***ids = userdata;
    if (ctr__strv_push(ids, id) < 0)
        return ctr__oom("the container list");
    return 0;
}

int ctr__runtime_dependents(ctr_runtime_t *rt, const char *id, char ***ret_ids)
{
    _cleanup_strv_ char **all = calloc(1, sizeof(char *));
    _cleanup_strv_ char **deps = calloc(1, sizeof(char *));
    if (!all || !deps)
        return ctr__oom("the dependents list");
    int r = ctr__state_iterate(&rt->state, 0, ids_cb, &all);
    if (r < 0)
        return r;
    for (char **p = all; *p; p++) {
        if (streq(*p, id))
            continue;
        _cleanup_(ctr__config_unrefp) struct ctr__config *cfg = NULL;
        r = ctr__runtime_config(rt, *p, NULL, &cfg);
        if (r == -ENOENT)
            continue;
        if (r < 0)
            return r;
        for (size_t ns = 1; ns < CTR_NS_MAX; ns++)
            if (cfg->ns_ctr[ns] && streq(cfg->ns_ctr[ns], id)) {
                if (ctr__strv_push(&deps, *p) < 0)
                    return ctr__oom("the dependents list");
                break;
            }
    }
    *ret_ids = TAKE_PTR(deps);
    return 0;
}

/* ---- object records ---- */

struct records {
    ctr_runtime_t *rt;
    const struct ctr__records_type *t;
    char *v;
    size_t n, cap;
};

static int record_one(const char *name, const char *doc, void *userdata)
{
    struct records *c = userdata;
    if (c->n == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 16;
        char *v = realloc(c->v, cap * c->t->size);
        if (!v)
            return ctr__oom(c->t->kind);
        c->v = v;
        c->cap = cap;
    }
    void *elem = c->v + c->n * c->t->size;
    memset(elem, 0, c->t->size);
    if (c->t->parse(doc, elem) < 0) {
        ctr__rt_log(c->rt, CTR_LOG_WARNING, "%s %s: %s", c->t->kind, name, ctr_error_last()->message);
        ctr__err_clear();
        return 0;
    }
    c->n++;
    return 0;
}

int ctr__runtime_records(ctr_runtime_t *rt, const struct ctr__records_type *t, void **ret, size_t *ret_n)
{
    struct records c = { .rt = rt, .t = t };
    int r = ctr__state_obj_iterate(&rt->state, t->kind, record_one, &c);
    if (r != 0) {
        ctr__runtime_records_free(t, c.v, c.n);
        return r;
    }
    if (c.n > 1)
        qsort(c.v, c.n, t->size, t->cmp);
    *ret = c.v;
    *ret_n = c.n;
    return 0;
}

void ctr__runtime_records_free(const struct ctr__records_type *t, void *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        t->clear((char *)v + i * t->size);
    free(v);
}
