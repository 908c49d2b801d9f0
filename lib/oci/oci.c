/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* OCI runtime front: the backend registry, opening a backend by name or
 * path, wrappers for the lifecycle code, and spawn helpers. */
#include "oci/oci.h"

#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "base/error.h"

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

static int registry_add_locked(const ctr_oci_backend_t *backend)
{
    if (streq(backend->name, ctr__oci_cli_backend.name))
        return ctr__err(-EEXIST, "OCI backend name '%s' is taken by a built-in backend", backend->name);
    for (size_t i = 0; i < registry_len; i++)
        if (streq(registry[i]->name, backend->name))
            return ctr__err(-EEXIST, "OCI backend '%s' is already registered", backend->name);
    const ctr_oci_backend_t **n = realloc(registry, (registry_len + 1) * sizeof *n);
    if (!n)
        return ctr__oom("the OCI backend registry");
    n[registry_len++] = backend;
    registry = n;
    return 0;
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
    int r = registry_add_locked(backend);
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

/* A runtime given by path: the CLI backend runs it. */
static int find_runtime_path(ctr__oci_t *oci, const char *runtime)
{
    if (runtime[0] != '/')
        return ctr__err(-EINVAL, "OCI runtime '%s': a path must be absolute", runtime);
    int r = ctr__find_program(runtime, &oci->runtime_path);
    if (r == -ENOENT)
        return ctr__err(-ENOENT, "OCI runtime '%s' does not exist or is not executable", runtime);
    if (r < 0)
        return ctr__err(r, "OCI runtime '%s': %s", runtime, strerror(-r));
    oci->backend = &ctr__oci_cli_backend;
    return 0;
}

/* A runtime given by name: a registered backend, the CLI backend's own
 * name (runc), "native" (helpers/ctr-oci, driven as runc is), or a
 * program on PATH run by the CLI backend. */
static int find_runtime_name(ctr__oci_t *oci, const char *runtime)
{
    const char *binary = runtime;
    _cleanup_free_ char *native = NULL;

    oci->backend = registry_find(runtime);
    if (!oci->backend && streq(runtime, ctr__oci_cli_backend.name)) {
        oci->backend = &ctr__oci_cli_backend;
        binary = "runc";
    } else if (!oci->backend && streq(runtime, "native")) {
        if (!(native = ctr__asprintf("%s/ctr-oci", ctr__helper_dir())))
            return ctr__oom("the native runtime's path");
        oci->backend = &ctr__oci_cli_backend;
        binary = native;
    }
    int r = ctr__find_program(binary, &oci->runtime_path);
    if (r < 0 && r != -ENOENT)
        return ctr__err(r, "OCI runtime '%s': %s", runtime, strerror(-r));
    if (!oci->backend) {
        if (r == -ENOENT)
            return ctr__err(-ENOENT, "OCI runtime '%s' not found in PATH and no backend registered under that name",
                            runtime);
        oci->backend = &ctr__oci_cli_backend;
    } else if (oci->backend == &ctr__oci_cli_backend && r == -ENOENT) {
        return ctr__err(-ENOENT, "OCI runtime '%s' not found (%s)", runtime, binary);
    }
    return 0;
}

/* The create's monitor: conmon_path when given; for the native runtime
 * helpers/ctr-monitor (when built; else conmon, as for the others); else
 * conmon found in PATH, or none. */
static int find_monitor(ctr__oci_t *oci, const char *conmon_path, bool native)
{
    int r;

    if (!conmon_path && native) {
        _cleanup_free_ char *monitor = ctr__asprintf("%s/" CTR__NATIVE_MONITOR, ctr__helper_dir());
        if (!monitor)
            return ctr__oom("the native monitor's path");
        if (ctr__is_executable(monitor)) {
            oci->conmon_path = TAKE_PTR(monitor);
            return 0;
        }
    }
    if (!conmon_path) {
        r = ctr__find_conmon(&oci->conmon_path);
        if (r < 0 && r != -ENOENT)
            return ctr__err(r, "looking for conmon: %s", strerror(-r));
        return 0;
    }
    r = ctr__find_program(conmon_path, &oci->conmon_path);
    if (r == -EINVAL)
        return ctr__err(-EINVAL, "conmon path '%s' must be absolute", conmon_path);
    if (r < 0)
        return ctr__err(r, "conmon '%s' does not exist or is not executable", conmon_path);
    return 0;
}

static int open_backend(ctr__oci_t *oci, const char *state_dir)
{
    ctr_oci_options_t opts = {
        .version = CTR_OCI_BACKEND_VERSION,
        .runtime_name = oci->runtime_name,
        .runtime_path = oci->runtime_path,
        .conmon_path = oci->conmon_path,
        .state_dir = state_dir,
    };
    void *handle = NULL;
    ctr__err_clear();
    int r = oci->backend->open(&handle, &opts, oci->backend->userdata);
    if (r < 0)
        return ctr__err_keep(r, "opening OCI runtime backend '%s': %s", oci->backend->name, strerror(-r));
    oci->handle = handle;
    oci->caps = oci->backend->capabilities(handle);
    if (oci->backend->version < 2)
        oci->caps &= ~(uint64_t)CTR_OCI_CAP_CHECKPOINT; /* it has no callback for it */
    return 0;
}

int ctr__oci_open(ctr__oci_t **ret, const char *runtime, const char *conmon_path, const char *state_dir)
{
    if (!ret || isempty(state_dir) || state_dir[0] != '/')
        return ctr__err(-EINVAL, "OCI runtime: invalid argument (state directory must be an absolute path)");
    if (isempty(runtime))
        runtime = "runc";

    _cleanup_(ctr__oci_closep) ctr__oci_t *oci = calloc(1, sizeof *oci);
    if (!oci || !(oci->runtime_name = strdup(runtime)))
        return ctr__oom("the OCI runtime handle");

    int r = strchr(runtime, '/') ? find_runtime_path(oci, runtime) : find_runtime_name(oci, runtime);
    if (r == 0)
        r = find_monitor(oci, conmon_path, streq(runtime, "native") && oci->backend == &ctr__oci_cli_backend);
    if (r < 0)
        return r;
    r = ctr__mkdir_p(state_dir, 0700);
    if (r < 0)
        return ctr__err(r, "creating OCI runtime state directory %s: %s", state_dir, strerror(-r));
    r = open_backend(oci, state_dir);
    if (r < 0)
        return r;
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

/* A version 1 backend's struct ends before the version 2 callbacks. */
static bool has_v2(const ctr__oci_t *oci, const char *what)
{
    if (oci->backend->version >= 2)
        return true;
    ctr__err(-EOPNOTSUPP, "OCI runtime backend '%s' does not support %s", oci->backend->name, what);
    return false;
}

static int check_checkpoint_opts(const ctr_oci_checkpoint_options_t *o, const char *what)
{
    if (!o || isempty(o->image_dir) || isempty(o->work_dir))
        return ctr__err(-EINVAL, "OCI %s: invalid argument", what);
    return 0;
}

int ctr__oci_checkpoint(ctr__oci_t *oci, const ctr_oci_container_t *c, const ctr_oci_checkpoint_options_t *opts)
{
    if (check_checkpoint_opts(opts, "checkpoint") < 0)
        return -EINVAL;
    if (!has_v2(oci, "checkpoint"))
        return -EOPNOTSUPP;
    return CALL(oci, c, checkpoint, "checkpoint", opts);
}

int ctr__oci_restore(ctr__oci_t *oci, const ctr_oci_container_t *c, const ctr_oci_create_options_t *opts,
                     const ctr_oci_checkpoint_options_t *restore, pid_t *ret_pid, pid_t *ret_monitor_pid)
{
    if (check_checkpoint_opts(restore, "restore") < 0)
        return -EINVAL;
    if (!opts || !ret_pid || !ret_monitor_pid || (c && (isempty(c->bundle_dir) || isempty(c->run_dir) ||
                                                         isempty(c->exit_dir))))
        return ctr__err(-EINVAL, "OCI restore: invalid argument");
    if (!has_v2(oci, "restore"))
        return -EOPNOTSUPP;
    return CALL(oci, c, restore, "restore", opts, restore, ret_pid, ret_monitor_pid);
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

int ctr__oci_exit_fd(ctr__oci_t *oci, const ctr_oci_container_t *c)
{
    /* A version 1 backend's struct ends before exit_fd. */
    if (oci->backend->version < 2 && !check_ctr(c))
        return ctr__err(-EOPNOTSUPP, "OCI runtime backend '%s' does not support exit descriptors", oci->backend->name);
    return CALL(oci, c, exit_fd, "exit descriptor");
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
