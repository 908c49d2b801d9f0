/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* OCI runtime front: the backend registry, opening a backend by name or
 * path, wrappers for the lifecycle code, and spawn helpers. */
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "error.h"
#include "oci/oci.h"

extern char **environ;

/* ---- Registry ---- */

static pthread_mutex_t registry_lock = PTHREAD_MUTEX_INITIALIZER;
static const ctr_oci_backend_t **registry;   /* user-registered backends */
static size_t registry_len;

static bool backend_name_valid(const char *name)
{
    if (isempty(name) || strlen(name) > 64)
        return false;
    for (const char *p = name; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_' || *p == '-' || *p == '.'))
            return false;
    return true;
}

CTR_EXPORT int ctr_oci_backend_register(const ctr_oci_backend_t *backend)
{
    CTR_ENTER();
    CTR_CHECK_ARG(backend);
    if (backend->version < 1 || backend->version > CTR_OCI_BACKEND_VERSION)
        return ctr__err(-EINVAL, "OCI backend version %u not supported (this libctr knows up to %d)",
                        backend->version, CTR_OCI_BACKEND_VERSION);
    if (!backend_name_valid(backend->name))
        return ctr__err(-EINVAL, "invalid OCI backend name '%s' (want [a-z0-9_.-]+)",
                        backend->name ? backend->name : "(null)");
    if (!backend->open || !backend->close || !backend->capabilities || !backend->create || !backend->start ||
        !backend->kill || !backend->remove || !backend->state || !backend->exit_status || !backend->wait_exit)
        return ctr__err(-EINVAL, "OCI backend '%s' lacks a mandatory callback", backend->name);

    pthread_mutex_lock(&registry_lock);
    int r = 0;
    if (streq(backend->name, ctr__oci_cli_backend.name)) {
        r = ctr__err(-EEXIST, "OCI backend name '%s' is taken by a built-in backend", backend->name);
        goto out;
    }
    for (size_t i = 0; i < registry_len; i++)
        if (streq(registry[i]->name, backend->name)) {
            r = ctr__err(-EEXIST, "OCI backend '%s' is already registered", backend->name);
            goto out;
        }
    const ctr_oci_backend_t **n = realloc(registry, (registry_len + 1) * sizeof *n);
    if (!n) {
        r = ctr__err(-ENOMEM, "out of memory");
        goto out;
    }
    n[registry_len++] = backend;
    registry = n;
out:
    pthread_mutex_unlock(&registry_lock);
    return r;
}

CTR_EXPORT int ctr_oci_backend_error(int code, const char *format, ...)
{
    va_list ap;
    va_start(ap, format);
    ctr__errv(code, format, ap);
    va_end(ap);
    return code;
}

static const ctr_oci_backend_t *registry_find(const char *name)
{
    const ctr_oci_backend_t *b = NULL;
    pthread_mutex_lock(&registry_lock);
    for (size_t i = 0; i < registry_len && !b; i++)
        if (streq(registry[i]->name, name))
            b = registry[i];
    pthread_mutex_unlock(&registry_lock);
    return b;
}

/* ---- Finding programs ---- */

static bool is_executable(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, X_OK) == 0;
}

static int search_dirs(const char *dirs, const char *name, char **ret)
{
    const char *p = dirs;
    while (p && *p) {
        const char *colon = strchr(p, ':');
        size_t len = colon ? (size_t)(colon - p) : strlen(p);
        if (len > 0 && p[0] == '/') {
            _cleanup_free_ char *cand = ctr__asprintf("%.*s/%s", (int)len, p, name);
            if (!cand)
                return -ENOMEM;
            if (is_executable(cand)) {
                *ret = TAKE_PTR(cand);
                return 0;
            }
        }
        p = colon ? colon + 1 : NULL;
    }
    return -ENOENT;
}

int ctr__oci_find_program(const char *name, char **ret)
{
    if (isempty(name))
        return -EINVAL;
    if (strchr(name, '/')) {
        if (name[0] != '/')
            return -EINVAL;
        if (!is_executable(name))
            return -ENOENT;
        char *s = strdup(name);
        if (!s)
            return -ENOMEM;
        *ret = s;
        return 0;
    }
    int r = search_dirs(getenv("PATH"), name, ret);
    if (r != -ENOENT)
        return r;
    return search_dirs("/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", name, ret);
}

static int find_conmon(char **ret)
{
    int r = ctr__oci_find_program("conmon", ret);
    if (r != -ENOENT)
        return r;
    static const char *const extra[] = { "/usr/libexec/podman/conmon", "/usr/local/libexec/podman/conmon",
                                         "/usr/lib/podman/conmon" };
    for (size_t i = 0; i < ARRAY_SIZE(extra); i++)
        if (is_executable(extra[i])) {
            char *s = strdup(extra[i]);
            if (!s)
                return -ENOMEM;
            *ret = s;
            return 0;
        }
    return -ENOENT;
}

/* ---- Opening ---- */

ctr__oci_t *ctr__oci_close(ctr__oci_t *oci)
{
    if (!oci)
        return NULL;
    if (oci->backend && oci->handle)
        oci->backend->close(oci->handle);
    free(oci->runtime_name);
    free(oci->runtime_path);
    free(oci->conmon_path);
    free(oci);
    return NULL;
}

int ctr__oci_open(ctr__oci_t **ret, const char *runtime, const char *conmon_path, const char *state_dir)
{
    if (!ret || isempty(state_dir) || state_dir[0] != '/')
        return ctr__err(-EINVAL, "OCI runtime: invalid argument (state directory must be an absolute path)");
    if (isempty(runtime))
        runtime = "runc";

    _cleanup_(ctr__oci_closep) ctr__oci_t *oci = calloc(1, sizeof *oci);
    if (!oci || !(oci->runtime_name = strdup(runtime)))
        return ctr__err(-ENOMEM, "out of memory");

    int r;
    if (strchr(runtime, '/')) {
        if (runtime[0] != '/')
            return ctr__err(-EINVAL, "OCI runtime '%s': a path must be absolute", runtime);
        r = ctr__oci_find_program(runtime, &oci->runtime_path);
        if (r == -ENOENT)
            return ctr__err(-ENOENT, "OCI runtime '%s' does not exist or is not executable", runtime);
        if (r < 0)
            return ctr__err(r, "OCI runtime '%s': %s", runtime, strerror(-r));
        oci->backend = &ctr__oci_cli_backend;
    } else {
        oci->backend = registry_find(runtime);
        const char *binary = runtime;
        if (!oci->backend && streq(runtime, ctr__oci_cli_backend.name)) {
            oci->backend = &ctr__oci_cli_backend;
            binary = "runc";
        }
        r = ctr__oci_find_program(binary, &oci->runtime_path);
        if (r < 0 && r != -ENOENT)
            return ctr__err(r, "OCI runtime '%s': %s", runtime, strerror(-r));
        if (!oci->backend) {
            if (r == -ENOENT)
                return ctr__err(-ENOENT, "OCI runtime '%s' not found in PATH and no backend registered under that name",
                                runtime);
            oci->backend = &ctr__oci_cli_backend;
        } else if (oci->backend == &ctr__oci_cli_backend && r == -ENOENT) {
            return ctr__err(-ENOENT, "OCI runtime 'runc' not found in PATH");
        }
    }

    if (conmon_path) {
        r = ctr__oci_find_program(conmon_path, &oci->conmon_path);
        if (r == -EINVAL)
            return ctr__err(-EINVAL, "conmon path '%s' must be absolute", conmon_path);
        if (r < 0)
            return ctr__err(r, "conmon '%s' does not exist or is not executable", conmon_path);
    } else {
        r = find_conmon(&oci->conmon_path);
        if (r < 0 && r != -ENOENT)
            return ctr__err(r, "looking for conmon: %s", strerror(-r));
    }

    r = ctr__mkdir_p(state_dir, 0700);
    if (r < 0)
        return ctr__err(r, "creating OCI runtime state directory %s: %s", state_dir, strerror(-r));

    ctr_oci_options_t opts = {
        .version = CTR_OCI_BACKEND_VERSION,
        .runtime_name = oci->runtime_name,
        .runtime_path = oci->runtime_path,
        .conmon_path = oci->conmon_path,
        .state_dir = state_dir,
    };
    void *handle = NULL;
    ctr__err_clear();
    r = oci->backend->open(&handle, &opts, oci->backend->userdata);
    if (r < 0)
        return ctr__err_keep(r, "opening OCI runtime backend '%s': %s", oci->backend->name, strerror(-r));
    oci->handle = handle;
    oci->caps = oci->backend->capabilities(handle);
    *ret = TAKE_PTR(oci);
    return 0;
}

/* ---- Wrappers ---- */

static int check_ctr(const ctr_oci_container_t *c)
{
    if (!c || isempty(c->id))
        return ctr__err(-EINVAL, "OCI runtime: no container given");
    return 0;
}

/* A backend failing without a detail still gets one. */
static int finish(int r, const ctr__oci_t *oci, const char *what, const char *id)
{
    if (r < 0 && r != -EAGAIN)
        return ctr__err_keep(r, "%s %s %.12s: %s", oci->backend->name, what, id, strerror(-r));
    return r;
}

#define CALL(oci, c, member, what, ...)                                                              \
    ({                                                                                               \
        int _r = check_ctr(c);                                                                       \
        if (_r >= 0) {                                                                               \
            if (!(oci)->backend->member)                                                             \
                _r = ctr__err(-EOPNOTSUPP, "OCI runtime backend '%s' does not support %s",           \
                              (oci)->backend->name, what);                                           \
            else {                                                                                   \
                ctr__err_clear();                                                                    \
                _r = finish((oci)->backend->member((oci)->handle, c, ##__VA_ARGS__), oci, what, (c)->id); \
            }                                                                                        \
        }                                                                                            \
        _r;                                                                                          \
    })

int ctr__oci_create(ctr__oci_t *oci, const ctr_oci_container_t *c, const ctr_oci_create_options_t *opts,
                    pid_t *ret_pid, pid_t *ret_monitor_pid)
{
    if (!opts || !ret_pid || !ret_monitor_pid || (c && (isempty(c->bundle_dir) || isempty(c->run_dir) ||
                                                         isempty(c->exit_dir))))
        return ctr__err(-EINVAL, "OCI create: invalid argument");
    return CALL(oci, c, create, "create", opts, ret_pid, ret_monitor_pid);
}

int ctr__oci_start(ctr__oci_t *oci, const ctr_oci_container_t *c)
{
    return CALL(oci, c, start, "start");
}

int ctr__oci_kill(ctr__oci_t *oci, const ctr_oci_container_t *c, int signal, uint64_t flags)
{
    if (signal <= 0 || signal >= NSIG)
        return ctr__err(-EINVAL, "invalid signal %d", signal);
    return CALL(oci, c, kill, "kill", signal, flags);
}

int ctr__oci_remove(ctr__oci_t *oci, const ctr_oci_container_t *c, uint64_t flags)
{
    return CALL(oci, c, remove, "delete", flags);
}

int ctr__oci_pause(ctr__oci_t *oci, const ctr_oci_container_t *c)
{
    return CALL(oci, c, pause, "pause");
}

int ctr__oci_resume(ctr__oci_t *oci, const ctr_oci_container_t *c)
{
    return CALL(oci, c, resume, "resume");
}

int ctr__oci_state(ctr__oci_t *oci, const ctr_oci_container_t *c, ctr_oci_status_t *ret_status, pid_t *ret_pid)
{
    if (!ret_status || !ret_pid)
        return ctr__err(-EINVAL, "OCI state: invalid argument");
    return CALL(oci, c, state, "state", ret_status, ret_pid);
}

int ctr__oci_update(ctr__oci_t *oci, const ctr_oci_container_t *c, const char *resources_json)
{
    if (isempty(resources_json))
        return ctr__err(-EINVAL, "OCI update: no resources given");
    return CALL(oci, c, update, "update", resources_json);
}

int ctr__oci_exec(ctr__oci_t *oci, const ctr_oci_container_t *c, const ctr_oci_exec_options_t *opts, int *ret_exit_code)
{
    if (!opts || isempty(opts->process_json) || !ret_exit_code)
        return ctr__err(-EINVAL, "OCI exec: invalid argument");
    return CALL(oci, c, exec, "exec", opts, ret_exit_code);
}

int ctr__oci_attach(ctr__oci_t *oci, const ctr_oci_container_t *c, const ctr_oci_attach_options_t *opts)
{
    if (!opts)
        return ctr__err(-EINVAL, "OCI attach: invalid argument");
    return CALL(oci, c, attach, "attach", opts);
}

int ctr__oci_resize(ctr__oci_t *oci, const ctr_oci_container_t *c, unsigned int height, unsigned int width)
{
    return CALL(oci, c, resize, "resize", height, width);
}

int ctr__oci_reopen_log(ctr__oci_t *oci, const ctr_oci_container_t *c)
{
    return CALL(oci, c, reopen_log, "reopen log");
}

int ctr__oci_exit_status(ctr__oci_t *oci, const ctr_oci_container_t *c, ctr_oci_exit_t *ret)
{
    if (!ret)
        return ctr__err(-EINVAL, "OCI exit status: invalid argument");
    return CALL(oci, c, exit_status, "exit status", ret);
}

int ctr__oci_wait_exit(ctr__oci_t *oci, const ctr_oci_container_t *c, int timeout_ms, ctr_oci_exit_t *ret)
{
    if (!ret || timeout_ms < -1)
        return ctr__err(-EINVAL, "OCI wait: invalid argument");
    return CALL(oci, c, wait_exit, "wait", timeout_ms, ret);
}

const char *ctr__oci_status_name(ctr_oci_status_t s)
{
    switch (s) {
    case CTR_OCI_STATUS_CREATING: return "creating";
    case CTR_OCI_STATUS_CREATED: return "created";
    case CTR_OCI_STATUS_RUNNING: return "running";
    case CTR_OCI_STATUS_PAUSED: return "paused";
    case CTR_OCI_STATUS_STOPPED: return "stopped";
    default: return "unknown";
    }
}

/* ---- Spawning ---- */

char **ctr__spawn_env(const char *const *extra)
{
    size_t n = 0, m = ctr__strv_len(extra);
    for (char **e = environ; e && *e; e++)
        n++;
    char **v = calloc(n + m + 1, sizeof *v);
    if (!v)
        return NULL;
    size_t k = 0;
    for (char **e = environ; e && *e; e++) {
        if (strncmp(*e, "NOTIFY_SOCKET=", 14) == 0 || strncmp(*e, "LISTEN_", 7) == 0 || strncmp(*e, "_OCI_", 5) == 0)
            continue;
        if (!(v[k++] = strdup(*e)))
            goto fail;
    }
    for (size_t i = 0; i < m; i++)
        if (!(v[k++] = strdup(extra[i])))
            goto fail;
    return v;
fail:
    ctr__strv_free(v);
    return NULL;
}

static void posix_spawn_file_actions_destroyp(posix_spawn_file_actions_t **p)
{
    if (*p)
        posix_spawn_file_actions_destroy(*p);
}

static void posix_spawnattr_destroyp(posix_spawnattr_t **p)
{
    if (*p)
        posix_spawnattr_destroy(*p);
}

int ctr__spawn(const struct ctr__spawn *s, pid_t *ret_pid)
{
    if (!s || !s->path || !s->argv || s->n_fds < 3 || s->n_fds > ARRAY_SIZE(s->fds))
        return ctr__err(-EINVAL, "spawn: invalid argument");

    /* Move every descriptor above the target range first, so that no
     * dup2() clobbers a source and none is dup2()ed onto itself (which
     * would keep it close-on-exec). */
    int moved[ARRAY_SIZE(s->fds)];
    for (size_t i = 0; i < ARRAY_SIZE(moved); i++)
        moved[i] = -1;
    int r = 0;
    posix_spawn_file_actions_t fa, *fap = NULL;
    posix_spawnattr_t attr, *attrp = NULL;
    _cleanup_(posix_spawn_file_actions_destroyp) posix_spawn_file_actions_t *fa_cleanup = NULL;
    _cleanup_(posix_spawnattr_destroyp) posix_spawnattr_t *attr_cleanup = NULL;

    if ((r = posix_spawn_file_actions_init(&fa)) != 0)
        return ctr__err(-r, "spawn %s: %s", s->path, strerror(r));
    fa_cleanup = fap = &fa;
    if ((r = posix_spawnattr_init(&attr)) != 0)
        return ctr__err(-r, "spawn %s: %s", s->path, strerror(r));
    attr_cleanup = attrp = &attr;

    for (size_t i = 0; i < s->n_fds; i++) {
        if (s->fds[i] < 0) {
            if (i <= 2)
                r = posix_spawn_file_actions_addopen(fap, (int)i, "/dev/null", i == 0 ? O_RDONLY : O_WRONLY, 0);
            if (r != 0)
                goto fail;
            continue;
        }
        moved[i] = fcntl(s->fds[i], F_DUPFD_CLOEXEC, (int)ARRAY_SIZE(s->fds) + 3);
        if (moved[i] < 0) {
            r = errno;
            goto fail;
        }
        if ((r = posix_spawn_file_actions_adddup2(fap, moved[i], (int)i)) != 0)
            goto fail;
    }
    /* Whatever the application leaked without close-on-exec stays out. */
    if ((r = posix_spawn_file_actions_addclosefrom_np(fap, (int)s->n_fds)) != 0)
        goto fail;
    if (s->cwd && (r = posix_spawn_file_actions_addchdir_np(fap, s->cwd)) != 0)
        goto fail;

    sigset_t none, all;
    sigemptyset(&none);
    sigfillset(&all);
    short flags = POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF;
    if (s->new_pgroup) {
        flags |= POSIX_SPAWN_SETPGROUP;
        posix_spawnattr_setpgroup(attrp, 0);
    }
    posix_spawnattr_setsigmask(attrp, &none);
    posix_spawnattr_setsigdefault(attrp, &all);
    posix_spawnattr_setflags(attrp, flags);

    pid_t pid;
    r = posix_spawn(&pid, s->path, fap, attrp, s->argv, s->envp ? s->envp : environ);
    if (r != 0)
        goto fail;
    for (size_t i = 0; i < ARRAY_SIZE(moved); i++)
        if (moved[i] >= 0)
            close(moved[i]);
    *ret_pid = pid;
    return 0;

fail:
    for (size_t i = 0; i < ARRAY_SIZE(moved); i++)
        if (moved[i] >= 0)
            close(moved[i]);
    return ctr__err(-r, "cannot run %s: %s", s->path, strerror(r));
}

int ctr__spawn_wait(pid_t pid, int *ret_status)
{
    int status;
    for (;;) {
        pid_t w = waitpid(pid, &status, 0);
        if (w == pid)
            break;
        if (w < 0 && errno == EINTR)
            continue;
        return -errno;
    }
    if (ret_status)
        *ret_status = status;
    return 0;
}

void ctr__spawn_status_string(int status, char *buf, size_t size)
{
    if (WIFEXITED(status))
        snprintf(buf, size, "exited with status %d", WEXITSTATUS(status));
    else if (WIFSIGNALED(status))
        snprintf(buf, size, "killed by signal %d (%s)", WTERMSIG(status), sigabbrev_np(WTERMSIG(status)) ?: "?");
    else
        snprintf(buf, size, "ended with wait status 0x%x", (unsigned)status);
}
