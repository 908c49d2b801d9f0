/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The built-in OCI backend: any runtime with runc's command line (runc,
 * crun, youki...), containers and exec sessions monitored by conmon.
 *
 * Every runtime call is `RT --root STATE [--log /proc/self/fd/3
 * --log-format json] VERB ...` with stdin /dev/null and stdout/stderr/log in
 * memfds, so that the runtime's own error text reaches the caller verbatim
 * without temporary files. */
#include <fcntl.h>
#include <json-c/json.h>
#include <libctr/ctr-error.h>
#include <libgen.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <sys/wait.h>

#include "base/error.h"
#include "oci/conmon.h"
#include "oci/oci.h"

#ifndef CGROUP2_SUPER_MAGIC
#define CGROUP2_SUPER_MAGIC 0x63677270
#endif
#ifndef TMPFS_MAGIC
#define TMPFS_MAGIC 0x01021994
#endif

#define CAPS_ALL                                                                                            \
    (CTR_OCI_CAP_PAUSE | CTR_OCI_CAP_EXEC | CTR_OCI_CAP_UPDATE | CTR_OCI_CAP_ATTACH | CTR_OCI_CAP_CONTROL | \
     CTR_OCI_CAP_KILL_ALL | CTR_OCI_CAP_LOG)
#define CAPS_MONITOR (CTR_OCI_CAP_EXEC | CTR_OCI_CAP_ATTACH | CTR_OCI_CAP_CONTROL | CTR_OCI_CAP_LOG)

/* What differs between runtimes. */
struct quirks {
    const char *name;           /* basename prefix */
    bool json_log;              /* --log FILE --log-format json */
    bool no_hybrid_cgroups;     /* refuses the cgroup v1 + v2 "unified" layout */
    uint64_t caps;              /* CTR_OCI_CAP_CHECKPOINT: when criu is found too */
};

static const struct quirks quirks_table[] = {
    { "runc", true, false, CAPS_ALL | CTR_OCI_CAP_CHECKPOINT },
    { "crun", true, true, CAPS_ALL | CTR_OCI_CAP_CHECKPOINT },
    { "krun", true, true, CAPS_ALL },
    { "youki", true, false, CAPS_ALL },
    { "runsc", true, false, CAPS_ALL },
    { "ctr-oci", true, false, CAPS_ALL }, /* libctr's native runtime (helpers/ctr-oci) */
};
static const struct quirks quirks_generic = { "generic", false, false, CAPS_ALL };

struct cli {
    char *runtime_path;
    char *runtime_name;     /* basename, for messages */
    char *conmon_path;
    char *exec_conmon_path; /* conmon, when conmon_path is ctr-monitor (which does no exec) */
    char *state_dir;
    char *root_args[3];     /* --root STATE_DIR NULL */
    bool criu;              /* a criu binary was found (the runtime runs it from PATH) */
    const struct quirks *q;
    struct ctr__conmon_runtime crt;
};

static void cli_close(void *handle)
{
    struct cli *h = handle;
    if (!h)
        return;
    free(h->runtime_path);
    free(h->runtime_name);
    free(h->conmon_path);
    free(h->exec_conmon_path);
    free(h->state_dir);
    free(h->root_args[0]);
    free(h);
}

static int cli_open(void **ret_handle, const ctr_oci_options_t *opts, void *userdata)
{
    if (!opts || isempty(opts->state_dir))
        return ctr__err(-EINVAL, "oci-cli: no state directory");
    if (isempty(opts->runtime_path))
        return ctr__err(-ENOENT, "oci-cli: OCI runtime '%s' not found", opts->runtime_name ? opts->runtime_name : "runc");
    struct cli *h = calloc(1, sizeof *h);
    if (!h)
        return ctr__oom("the runtime handle");
    h->runtime_path = strdup(opts->runtime_path);
    h->conmon_path = ctr__strdup_null(opts->conmon_path);
    h->state_dir = strdup(opts->state_dir);
    h->root_args[0] = strdup("--root");
    h->root_args[1] = h->state_dir;
    _cleanup_free_ char *copy = strdup(opts->runtime_path);
    h->runtime_name = copy ? strdup(basename(copy)) : NULL;
    if (!h->runtime_path || (opts->conmon_path && !h->conmon_path) || !h->state_dir || !h->root_args[0] ||
        !h->runtime_name) {
        cli_close(h);
        return ctr__oom("the runtime handle");
    }
    h->q = &quirks_generic;
    for (size_t i = 0; i < ARRAY_SIZE(quirks_table); i++)
        if (strncmp(h->runtime_name, quirks_table[i].name, strlen(quirks_table[i].name)) == 0) {
            h->q = &quirks_table[i];
            break;
        }
    _cleanup_free_ char *criu = NULL;
    h->criu = ctr__find_program("criu", &criu) == 0;
    if (h->conmon_path && streq(strrchr(h->conmon_path, '/') + 1, CTR__NATIVE_MONITOR))
        (void)ctr__find_conmon(&h->exec_conmon_path);
    ctr__err_clear();
    h->crt = (struct ctr__conmon_runtime){
        .conmon_path = h->conmon_path,
        .exec_conmon_path = h->exec_conmon_path,
        .runtime_path = h->runtime_path,
        .runtime_name = h->runtime_name,
        .runtime_args = h->root_args,
        .json_log = h->q->json_log,
    };
    *ret_handle = h;
    return 0;
}

static uint64_t cli_capabilities(void *handle)
{
    struct cli *h = handle;
    uint64_t caps = h->q->caps;
    if (!h->conmon_path)
        caps &= ~(uint64_t)(CAPS_MONITOR | CTR_OCI_CAP_CHECKPOINT); /* a restore goes through conmon */
    if (!h->criu)
        caps &= ~(uint64_t)CTR_OCI_CAP_CHECKPOINT;
    return caps;
}

/* ---- Running the runtime ---- */

/*
 * Run `RUNTIME --root STATE [--log ...] args...`.  Returns 0 (with its
 * stdout in *ret_out when asked); -EIO when it failed, with its error text
 * in *ret_text; another negative errno (with a detail) when it could not
 * run at all.
 */
static int run_runtime(struct cli *h, const char *const *args, char **ret_out, char **ret_text)
{
    _cleanup_close_ int out_fd = ret_out ? memfd_create("runtime-stdout", MFD_CLOEXEC) : -1;
    _cleanup_close_ int err_fd = memfd_create("runtime-stderr", MFD_CLOEXEC);
    _cleanup_close_ int log_fd = h->q->json_log ? memfd_create("runtime-log", MFD_CLOEXEC) : -1;
    if ((ret_out && out_fd < 0) || err_fd < 0 || (h->q->json_log && log_fd < 0))
        return ctr__err(-errno, "memfd_create: %m");

    const char *argv[32];
    size_t n = 0;
    argv[n++] = h->runtime_path;
    argv[n++] = "--root";
    argv[n++] = h->state_dir;
    if (log_fd >= 0) {
        /* The runtime opens the log by name: the memfd as our fd 3. */
        argv[n++] = "--log";
        argv[n++] = "/proc/self/fd/3";
        argv[n++] = "--log-format";
        argv[n++] = "json";
    }
    for (; *args; args++) {
        if (n + 1 >= ARRAY_SIZE(argv))
            return ctr__err(-E2BIG, "too many runtime arguments");
        argv[n++] = *args;
    }
    argv[n] = NULL;

    /* The caller's environment, less what would confuse the runtime
     * (NOTIFY_SOCKET, LISTEN_FDS...). */
    _cleanup_strv_ char **env = ctr__spawn_env(NULL);
    if (!env)
        return ctr__oom("the runtime's environment");
    struct ctr__spawn s = {
        .path = h->runtime_path,
        .argv = (char *const *)argv,
        .envp = env,
        .fds = { -1, out_fd, err_fd, log_fd },
        .n_fds = log_fd >= 0 ? 4 : 3,
    };
    int status;
    int r = ctr__spawn_run(&s, h->runtime_name, &status);
    if (r < 0)
        return r;

    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
        if (ret_out) {
            char *o = ctr__memfd_read(out_fd, 0);
            if (!o)
                return ctr__oom("the runtime's output");
            *ret_out = o;
        }
        return 0;
    }
    _cleanup_free_ char *log = ctr__memfd_read(log_fd, 0);
    _cleanup_free_ char *err = ctr__memfd_read(err_fd, 0);
    char *text = ctr__runtime_error_text(log, err);
    if (!text)
        return ctr__oom("the runtime's error text");
    if (!*text) {
        char how[64];
        free(text);
        ctr__spawn_status_string(status, how, sizeof how);
        text = ctr__asprintf("%s %s with no message", h->runtime_name, how);
        if (!text)
            return ctr__oom("the runtime's error text");
    }
    *ret_text = text;
    return -EIO;
}

/* Which cgroup layout the host has. */
enum { CG_UNKNOWN, CG_LEGACY, CG_HYBRID, CG_UNIFIED };

static int cgroup_layout(void)
{
    struct statfs fs;
    if (statfs("/sys/fs/cgroup", &fs) < 0)
        return CG_UNKNOWN;
    if ((unsigned long)fs.f_type == CGROUP2_SUPER_MAGIC)
        return CG_UNIFIED;
    if ((unsigned long)fs.f_type != TMPFS_MAGIC)
        return CG_UNKNOWN;
    if (statfs("/sys/fs/cgroup/unified", &fs) == 0 && (unsigned long)fs.f_type == CGROUP2_SUPER_MAGIC)
        return CG_HYBRID;
    return CG_LEGACY;
}

enum op { OP_CREATE, OP_START, OP_KILL, OP_DELETE, OP_PAUSE, OP_RESUME, OP_STATE, OP_UPDATE, OP_EXEC,
          OP_CHECKPOINT, OP_RESTORE };

static const char *const op_names[] = {
    [OP_CREATE] = "create", [OP_START] = "start", [OP_KILL] = "kill",   [OP_DELETE] = "delete", [OP_PAUSE] = "pause",
    [OP_RESUME] = "resume", [OP_STATE] = "state", [OP_UPDATE] = "update", [OP_EXEC] = "exec",
    [OP_CHECKPOINT] = "checkpoint", [OP_RESTORE] = "restore",
};

static bool contains_any(const char *text, const char *const *needles)
{
    for (; *needles; needles++)
        if (strcasestr(text, *needles))
            return true;
    return false;
}

/* The runtime does not know the container: runc says "container does not
 * exist", crun fails to open its state ("...STATE_DIR/ID...: No such file
 * or directory"). */
static bool text_missing(struct cli *h, const char *id, const char *text)
{
    if (strstr(text, "does not exist"))
        return true;
    if (strstr(text, "No such file or directory")) {
        _cleanup_free_ char *state = ctr__asprintf("%s/%s", h->state_dir, id);
        return state && strstr(text, state);
    }
    return false;
}

/* Turn a runtime's failure into an errno and a detail that quotes the
 * runtime verbatim. */
static int runtime_error(struct cli *h, enum op op, const char *id, const char *text)
{
    static const char *const wrong_state[] = {
        "not running", "not paused", "already running", "already paused", "is paused", "paused container",
        "not stopped", "not in created state", "is not created", "container is running", "is running",
        "cannot start", "already started", "stopped container", NULL,
    };
    static const char *const not_running[] = { "not running", "No such process", "process already finished", NULL };
    static const char *const exists[] = { "already exists", "container with id exists", "exists:", NULL };

    int code = -EIO;
    if (op != OP_CREATE && text_missing(h, id, text))
        code = -ENOENT;
    else if (op == OP_CREATE && contains_any(text, exists))
        code = -EEXIST;
    else if (op == OP_KILL && contains_any(text, not_running))
        code = -ESRCH;
    else if (op != OP_CREATE && op != OP_STATE && contains_any(text, wrong_state))
        code = -EBUSY;

    const char *hint = "";
    if (op == OP_CREATE && h->q->no_hybrid_cgroups && cgroup_layout() == CG_HYBRID)
        hint = " (this host mounts cgroup v1 controllers with a cgroup2 'unified' hierarchy, a hybrid layout that "
               "this runtime does not support: use runc, or boot with a pure cgroup v2 layout)";
    return ctr__err(code, "%s %s %.12s: %s%s", h->runtime_name, op_names[op], id, text, hint);
}

static int simple(struct cli *h, enum op op, const char *id, const char *const *args)
{
    _cleanup_free_ char *text = NULL;
    int r = run_runtime(h, args, NULL, &text);
    if (r == -EIO)
        return runtime_error(h, op, id, text);
    return r;
}

/* ---- Callbacks ---- */

/* Create or (restore not NULL) restore under conmon. */
static int create_or_restore(struct cli *h, const ctr_oci_container_t *c, const ctr_oci_create_options_t *opts,
                             const ctr_oci_checkpoint_options_t *restore, pid_t *ret_pid, pid_t *ret_monitor_pid)
{
    int r = ctr__conmon_create(&h->crt, c, opts, restore, ret_pid, ret_monitor_pid);
    if (r == -EIO) {
        _cleanup_free_ char *text = strdup(ctr_error_last()->message);
        if (!text)
            return ctr__oom("the runtime's error text");
        r = runtime_error(h, restore ? OP_RESTORE : OP_CREATE, c->id, text);
    }
    if (r < 0 && r != -EEXIST && r != -ENOENT && r != -ENOMEM) {
        /* conmon may have died after the runtime created the container:
         * leave no half-made container behind (the ID is ours: -EEXIST,
         * where it would be another's, is excluded). */
        _cleanup_free_ char *saved = strdup(ctr_error_last()->message);
        const char *args[] = { "delete", "--force", c->id, NULL };
        _cleanup_free_ char *ignored = NULL;
        (void)run_runtime(h, args, NULL, &ignored);
        ctr__conmon_cleanup_files(c);
        ctr__err(r, "%s", saved ? saved : "create failed");
    }
    return r;
}

static int cli_create(void *handle, const ctr_oci_container_t *c, const ctr_oci_create_options_t *opts,
                      pid_t *ret_pid, pid_t *ret_monitor_pid)
{
    return create_or_restore(handle, c, opts, NULL, ret_pid, ret_monitor_pid);
}

static int cli_restore(void *handle, const ctr_oci_container_t *c, const ctr_oci_create_options_t *opts,
                       const ctr_oci_checkpoint_options_t *restore, pid_t *ret_pid, pid_t *ret_monitor_pid)
{
    struct cli *h = handle;
    if (!(cli_capabilities(h) & CTR_OCI_CAP_CHECKPOINT))
        return ctr__err(-EOPNOTSUPP, "%s cannot restore here: %s", h->runtime_name,
                        h->criu ? "no conmon" : "criu not found (install criu)");
    return create_or_restore(h, c, opts, restore, ret_pid, ret_monitor_pid);
}

/* `checkpoint --image-path DIR --work-path DIR [flags] ID`. */
static int cli_checkpoint(void *handle, const ctr_oci_container_t *c, const ctr_oci_checkpoint_options_t *opts)
{
    struct cli *h = handle;
    if (!(cli_capabilities(h) & CTR_OCI_CAP_CHECKPOINT))
        return ctr__err(-EOPNOTSUPP, "%s cannot checkpoint here: %s", h->runtime_name,
                        h->criu ? "no conmon" : "criu not found (install criu)");
    const char *args[12];
    size_t n = 0;
    args[n++] = "checkpoint";
    args[n++] = "--image-path";
    args[n++] = opts->image_dir;
    args[n++] = "--work-path";
    args[n++] = opts->work_dir;
    if (opts->flags & CTR_OCI_CHECKPOINT_LEAVE_RUNNING)
        args[n++] = "--leave-running";
    if (opts->flags & CTR_OCI_CHECKPOINT_TCP_ESTABLISHED)
        args[n++] = "--tcp-established";
    if (opts->flags & CTR_OCI_CHECKPOINT_FILE_LOCKS)
        args[n++] = "--file-locks";
    args[n++] = c->id;
    args[n] = NULL;
    return simple(h, OP_CHECKPOINT, c->id, args);
}

static int cli_start(void *handle, const ctr_oci_container_t *c)
{
    const char *args[] = { "start", c->id, NULL };
    return simple(handle, OP_START, c->id, args);
}

static int cli_kill(void *handle, const ctr_oci_container_t *c, int signal, uint64_t flags)
{
    char sig[16];
    snprintf(sig, sizeof sig, "%d", signal);
    const char *args[] = { "kill", c->id, sig, NULL };
    const char *args_all[] = { "kill", "--all", c->id, sig, NULL };
    return simple(handle, OP_KILL, c->id, (flags & CTR_OCI_KILL_ALL) ? args_all : args);
}

static int cli_remove(void *handle, const ctr_oci_container_t *c, uint64_t flags)
{
    const char *args[] = { "delete", c->id, NULL };
    const char *args_force[] = { "delete", "--force", c->id, NULL };
    if (flags & CTR_OCI_REMOVE_FORCE)
        (void)ctr__conmon_wait_created(c, 10000);
    int r = simple(handle, OP_DELETE, c->id, (flags & CTR_OCI_REMOVE_FORCE) ? args_force : args);
    if (r == -ENOENT && (flags & CTR_OCI_REMOVE_FORCE))
        r = 0;   /* forced removal is idempotent (runc says so itself, crun does not) */
    if (r < 0 && r != -ENOENT)
        return r;
    /* The container is gone from the runtime: its monitor follows at once
     * (it reports the exit first, so wait before its files go). */
    ctr_oci_container_t mc = *c;
    if (mc.monitor_pid <= 0)
        mc.monitor_pid = ctr__conmon_recorded_monitor(c);
    if (mc.monitor_pid > 0)
        (void)ctr__conmon_wait_gone(&mc, 5000);
    ctr__conmon_cleanup_files(c);
    return r;
}

static int cli_pause(void *handle, const ctr_oci_container_t *c)
{
    const char *args[] = { "pause", c->id, NULL };
    return simple(handle, OP_PAUSE, c->id, args);
}

static int cli_resume(void *handle, const ctr_oci_container_t *c)
{
    const char *args[] = { "resume", c->id, NULL };
    return simple(handle, OP_RESUME, c->id, args);
}

static ctr_oci_status_t parse_status(const char *s)
{
    static const struct {
        const char *name;
        ctr_oci_status_t status;
    } map[] = {
        { "creating", CTR_OCI_STATUS_CREATING }, { "created", CTR_OCI_STATUS_CREATED },
        { "running", CTR_OCI_STATUS_RUNNING },   { "paused", CTR_OCI_STATUS_PAUSED },
        { "pausing", CTR_OCI_STATUS_RUNNING },   { "stopped", CTR_OCI_STATUS_STOPPED },
    };
    for (size_t i = 0; s && i < ARRAY_SIZE(map); i++)
        if (streq(s, map[i].name))
            return map[i].status;
    return CTR_OCI_STATUS_UNKNOWN;
}

static int cli_state(void *handle, const ctr_oci_container_t *c, ctr_oci_status_t *ret_status, pid_t *ret_pid)
{
    struct cli *h = handle;
    const char *args[] = { "state", c->id, NULL };
    _cleanup_free_ char *out = NULL, *text = NULL;
    int r = run_runtime(h, args, &out, &text);
    if (r == -EIO)
        return runtime_error(h, OP_STATE, c->id, text);
    if (r < 0)
        return r;
    json_object *o = json_tokener_parse(out);
    json_object *status, *pid;
    if (!o || !json_object_object_get_ex(o, "status", &status) || !json_object_is_type(status, json_type_string)) {
        if (o)
            json_object_put(o);
        return ctr__err(-EIO, "%s state %.12s: unexpected output '%.200s'", h->runtime_name, c->id, out);
    }
    *ret_status = parse_status(json_object_get_string(status));
    *ret_pid = json_object_object_get_ex(o, "pid", &pid) ? (pid_t)json_object_get_int(pid) : 0;
    json_object_put(o);
    return 0;
}

static int cli_update(void *handle, const ctr_oci_container_t *c, const char *resources_json)
{
    struct cli *h = handle;
    json_object *o = json_tokener_parse(resources_json);
    bool ok = o && json_object_is_type(o, json_type_object);
    if (o)
        json_object_put(o);
    if (!ok)
        return ctr__err(-EINVAL, "update: the resources are not a JSON object");
    if (isempty(c->run_dir))
        return ctr__err(-EINVAL, "update: no run directory");
    _cleanup_close_ int dfd = open(c->run_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0)
        return ctr__err(-errno, "opening %s: %m", c->run_dir);
    /* A name of its own, so that concurrent updates cannot mix. */
    char rnd[65], name[64];
    int r = ctr__random_id(rnd);
    if (r < 0)
        return ctr__err(r, "getrandom: %s", strerror(-r));
    snprintf(name, sizeof name, "resources-%.16s.json", rnd);
    r = ctr__write_file_at(dfd, name, resources_json, strlen(resources_json), 0600, false);
    if (r < 0)
        return ctr__err(r, "writing resources for update: %s", strerror(-r));
    _cleanup_free_ char *path = ctr__asprintf("%s/%s", c->run_dir, name);
    if (!path) {
        unlinkat(dfd, name, 0);
        return ctr__oom("the resources file's path");
    }
    const char *args[] = { "update", "--resources", path, c->id, NULL };
    r = simple(h, OP_UPDATE, c->id, args);
    unlinkat(dfd, name, 0);
    return r;
}

static int cli_exec(void *handle, const ctr_oci_container_t *c, const ctr_oci_exec_options_t *opts, int *ret_exit_code)
{
    struct cli *h = handle;
    if (isempty(c->run_dir))
        return ctr__err(-EINVAL, "exec: no run directory");
    int r = ctr__conmon_exec(&h->crt, c, opts, ret_exit_code);
    if (r == -EIO) {
        const ctr_error_t *e = ctr_error_last();
        _cleanup_free_ char *text = strdup(e->message);
        if (!text)
            return ctr__oom("the runtime's error text");
        return runtime_error(h, OP_EXEC, c->id, text);
    }
    return r;
}

static int cli_attach(void *handle, const ctr_oci_container_t *c, const ctr_oci_attach_options_t *opts)
{
    if (isempty(c->bundle_dir))
        return ctr__err(-EINVAL, "attach: no bundle directory");
    return ctr__conmon_attach(c, opts);
}

static int cli_resize(void *handle, const ctr_oci_container_t *c, unsigned int height, unsigned int width)
{
    if (isempty(c->bundle_dir))
        return ctr__err(-EINVAL, "resize: no bundle directory");
    if (height > 65535 || width > 65535)
        return ctr__err(-EINVAL, "resize: %ux%u is too large", height, width);
    char line[64];
    snprintf(line, sizeof line, "1 %u %u\n", height, width);
    return ctr__conmon_ctl(c, line);
}

static int cli_reopen_log(void *handle, const ctr_oci_container_t *c)
{
    if (isempty(c->bundle_dir))
        return ctr__err(-EINVAL, "reopen log: no bundle directory");
    return ctr__conmon_ctl(c, "2 0 0\n");
}

static int cli_exit_status(void *handle, const ctr_oci_container_t *c, ctr_oci_exit_t *ret)
{
    if (isempty(c->exit_dir))
        return ctr__err(-EINVAL, "exit status: no exit directory");
    return ctr__conmon_exit_status(c, ret);
}

static int cli_wait_exit(void *handle, const ctr_oci_container_t *c, int timeout_ms, ctr_oci_exit_t *ret)
{
    if (isempty(c->exit_dir))
        return ctr__err(-EINVAL, "wait: no exit directory");
    return ctr__conmon_wait_exit(c, timeout_ms, ret);
}

static int cli_exit_fd(void *handle, const ctr_oci_container_t *c)
{
    if (isempty(c->exit_dir))
        return ctr__err(-EINVAL, "exit descriptor: no exit directory");
    return ctr__conmon_exit_fd(c);
}

const ctr_oci_backend_t ctr__oci_cli_backend = {
    .version = CTR_OCI_BACKEND_VERSION,
    .name = "oci-cli",
    .open = cli_open,
    .close = cli_close,
    .capabilities = cli_capabilities,
    .create = cli_create,
    .start = cli_start,
    .kill = cli_kill,
    .remove = cli_remove,
    .pause = cli_pause,
    .resume = cli_resume,
    .state = cli_state,
    .update = cli_update,
    .exec = cli_exec,
    .attach = cli_attach,
    .resize = cli_resize,
    .reopen_log = cli_reopen_log,
    .exit_status = cli_exit_status,
    .wait_exit = cli_wait_exit,
    .exit_fd = cli_exit_fd,
    .checkpoint = cli_checkpoint,
    .restore = cli_restore,
};
