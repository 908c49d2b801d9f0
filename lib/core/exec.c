/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Exec: an extra process in a running container, through the monitor so its
 * exit code is not lost (the seed's Exec dropped it). */
#include <fcntl.h>

#include "base/caps.h"
#include "base/detach-keys.h"
#include "base/error.h"
#include "base/json-util.h"
#include "base/options.h"
#include "base/passwd.h"
#include "core/events.h"
#include "core/exec.h"
#include "core/lifecycle.h"

static const struct ctr__options_type options_type = {
    "exec options", CTR_EXEC_OPTIONS_VERSION, (const size_t[]){ 0, sizeof(ctr_exec_options_t) }
};

CTR_EXPORT int ctr_exec_options_init(ctr_exec_options_t *opts, unsigned int version)
{
    CTR_ENTER();
    CTR_CHECK_ARG(opts);
    int r = ctr__options_clear(&options_type, opts, version);
    if (r < 0)
        return r;
    opts->stdin_fd = opts->stdout_fd = opts->stderr_fd = -1;
    return 0;
}

/* Replace or add KEY=VALUE in a JSON array of environment strings. */
static int env_set(json_object *env, const char *kv)
{
    size_t klen = strcspn(kv, "=");
    size_t n = json_object_array_length(env);
    json_object *s = json_object_new_string(kv);
    if (!s)
        return ctr__oom("the exec environment");
    for (size_t i = 0; i < n; i++) {
        const char *e = json_object_get_string(json_object_array_get_idx(env, i));
        if (e && strncmp(e, kv, klen) == 0 && e[klen] == '=')
            return json_object_array_put_idx(env, i, s) < 0 ? ctr__oom("the exec environment") : 0;
    }
    if (json_object_array_add(env, s) < 0) {
        json_object_put(s);
        return ctr__oom("the exec environment");
    }
    return 0;
}

static json_object *int_array(const gid_t *v, size_t n)
{
    json_object *a = json_object_new_array();
    for (size_t i = 0; a && i < n; i++)
        if (json_object_array_add(a, json_object_new_int64(v[i])) < 0) {
            json_object_put(a);
            return NULL;
        }
    return a;
}

/* The exec's OCI process: the container's own process from its config.json,
 * with the exec's argv, env, cwd, user, terminal and capabilities. */
static int build_process(ctr_container_t *c, const ctr_exec_options_t *o, char **ret)
{
    const struct ctr__config *cfg = ctr__container_config(c);
    const struct ctr__status *st = ctr__container_status(c);
    _cleanup_free_ char *text = NULL;
    int r = ctr__read_file_at(AT_FDCWD, st->config_path, &text, NULL);
    if (r < 0)
        return ctr__err(r, "cannot read %s: %s", st->config_path, strerror(-r));
    _cleanup_json_ json_object *spec = NULL;
    if ((r = ctr__json_parse(text, "container spec", &spec)) < 0)
        return r;
    json_object *proc = NULL;
    if (!json_object_object_get_ex(spec, "process", &proc) || !json_object_is_type(proc, json_type_object))
        return ctr__err(-EINVAL, "the spec of " CTR_CFMT " has no process", CTR_CARG(c));
    json_object_get(proc);
    _cleanup_json_ json_object *p = proc;

    if ((r = ctr__json_set(p, "args", ctr__json_strv((char *const *)o->argv))) < 0)
        return r;
    json_object *env = NULL;
    if (!json_object_object_get_ex(p, "env", &env) || !json_object_is_type(env, json_type_array)) {
        env = json_object_new_array();
        if ((r = ctr__json_set(p, "env", env)) < 0)
            return r;
    }
    for (const char *const *e = o->env; e && *e; e++)
        if ((r = env_set(env, *e)) < 0)
            return r;
    if (o->workdir && (r = ctr__json_set(p, "cwd", json_object_new_string(o->workdir))) < 0)
        return r;
    /* runc exec reads them too, in the running container. */
    const char *root = cfg->rootfs ? cfg->rootfs : st->mount_point;
    if (root && (r = ctr__user_files_check(root)) < 0)
        return r;
    if (o->user) {
        uid_t uid;
        gid_t gid;
        _cleanup_free_ gid_t *groups = NULL;
        size_t ngroups = 0;
        /* The root file system as the container sees it: its directory, or
         * the image-based container's mount point while it runs. */
        const char *rootfs = cfg->rootfs ? cfg->rootfs : st->mount_point;
        if (!rootfs)
            return ctr__err(-EBUSY, CTR_CFMT " has no mounted root file system", CTR_CARG(c));
        r = ctr__user_resolve(rootfs, o->user, &uid, &gid, &groups, &ngroups);
        if (r < 0)
            return ctr__err_prefix(r, "exec user \"%s\"", o->user);
        json_object *u = json_object_new_object();
        if ((r = ctr__json_set(p, "user", u)) < 0)
            return r;
        if ((r = ctr__json_set(u, "uid", json_object_new_int64(uid))) < 0 || (r = ctr__json_set(u, "gid", json_object_new_int64(gid))) < 0)
            return r;
        if (ngroups && (r = ctr__json_set(u, "additionalGids", int_array(groups, ngroups))) < 0)
            return r;
    }
    if ((r = ctr__json_set(p, "terminal", json_object_new_boolean((o->flags & CTR_EXEC_TTY) != 0))) < 0)
        return r;
    json_object_object_del(p, "consoleSize");
    if (o->flags & CTR_EXEC_PRIVILEGED) {
        _cleanup_strv_ char **all = NULL;
        if ((r = ctr__caps_all(&all)) < 0)
            return r;
        json_object *caps = json_object_new_object();
        if ((r = ctr__json_set(p, "capabilities", caps)) < 0)
            return r;
        const char *sets[] = { "bounding", "effective", "permitted" };
        for (size_t i = 0; i < ARRAY_SIZE(sets); i++)
            if ((r = ctr__json_set(caps, sets[i], ctr__json_strv(all))) < 0)
                return r;
    }
    return ctr__json_to_string(p, ret);
}

static int check_options(const ctr_exec_options_t *o)
{
    if (!o->argv || !o->argv[0])
        return ctr__err(-EINVAL, "exec needs a command");
    if (o->flags & ~(uint64_t)(CTR_EXEC_TTY | CTR_EXEC_PRIVILEGED))
        return ctr__err(-EINVAL, "unknown exec flags 0x%llx", (unsigned long long)o->flags);
    if (o->workdir && o->workdir[0] != '/')
        return ctr__err(-EINVAL, "exec working directory \"%s\" is not absolute", o->workdir);
    for (const char *const *e = o->env; e && *e; e++)
        if (!strchr(*e, '=') || **e == '=')
            return ctr__err(-EINVAL, "exec env entry \"%s\" is not KEY=VALUE", *e);
    if (o->detach_keys) {
        unsigned char keys[32];
        size_t n;
        return ctr__detach_keys_parse(o->detach_keys, keys, &n);
    }
    return 0;
}

/* What an exec needs of the container, taken under its lock. */
static int prepare_locked(ctr_container_t *c, const ctr_exec_options_t *o, char **process, ctr__oci_t **oci,
                          struct ctr__desc *d)
{
    ctr_state_t state = ctr__container_status(c)->state;
    if (state != CTR_STATE_RUNNING)
        return ctr__err(-EBUSY, CTR_CFMT " is %s: exec needs a running container", CTR_CARG(c),
                        ctr_state_name(state));
    int r = build_process(c, o, process);
    return r < 0 ? r : ctr__lifecycle_oci(c, oci, d);
}

/* Like podman: a command that cannot be found is 127, one that cannot be
 * executed 126 (the message stays available); -1 for another error. */
static int exit_code_of(const char *m)
{
    if (strstr(m, "executable file not found") || strstr(m, "no such file or directory") ||
        strstr(m, "No such file or directory"))
        return 127;
    if (strstr(m, "permission denied") || strstr(m, "Permission denied"))
        return 126;
    return -1;
}

CTR_EXPORT int ctr_container_exec(ctr_container_t *c, const ctr_exec_options_t *opts, int *ret_exit_code)
{
    CTR_ENTER();
    CTR_CHECK_ARG(c);
    CTR_CHECK_ARG(opts);
    CTR_CHECK_ARG(ret_exit_code);
    return ctr__exec(c, opts, 0, ret_exit_code);
}

int ctr__exec(ctr_container_t *c, const ctr_exec_options_t *opts, unsigned int timeout, int *ret_exit_code)
{
    ctr_exec_options_t o;
    ctr_exec_options_init(&o, CTR_EXEC_OPTIONS_VERSION);
    int r = ctr__options_copy(&options_type, &o, opts);
    if (r < 0)
        return r;
    r = check_options(&o);
    if (r < 0)
        return r;
    /* Take what we need under the lock, run without it: execs are concurrent. */
    _cleanup_(ctr__lifecycle_desc_done) struct ctr__desc d = { 0 };
    _cleanup_free_ char *process = NULL;
    ctr__oci_t *oci = NULL;
    if ((r = CTR__WITH_LOCK(c, prepare_locked(c, &o, &process, &oci, &d))) < 0)
        return r;
    ctr_oci_exec_options_t eo = {
        .version = CTR_OCI_BACKEND_VERSION,
        .process_json = process,
        .stdin_fd = o.stdin_fd,
        .stdout_fd = o.stdout_fd,
        .stderr_fd = o.stderr_fd,
        .detach_keys = o.detach_keys ? o.detach_keys : "",
        .flags = (o.flags & CTR_EXEC_TTY) ? CTR_OCI_EXEC_TTY : 0,
        .timeout = timeout,
    };
    int code = -1;
    ctr__event_container(c, "exec", 0, NULL);
    r = ctr__oci_exec(oci, &d.oci, &eo, &code);
    if (r == -EIO && exit_code_of(ctr_error_last()->message) >= 0) {
        code = exit_code_of(ctr_error_last()->message); /* the runtime's reason stays in the record */
        r = 0;
    }
    if (r < 0)
        return r;
    ctr__event_container(c, "exec_died", code, NULL);
    *ret_exit_code = code;
    return 0;
}
