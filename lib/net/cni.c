/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* CNI configuration files, plugin invocation and the result cache. */
#include "net/cni.h"

#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>

#include "base/error.h"
#include "base/json-util.h"
#include "base/subprocess.h"
#include "net/native.h"

extern char **environ;

#define DEFAULT_TIMEOUT_MS 60000
#define MAX_OUTPUT (4u << 20)
#define MAX_NAME 200

/* ---- configurations ---- */

void ctr__cni_net_free(struct ctr__cni_net *n)
{
    if (!n)
        return;
    free(n->name);
    free(n->cni_version);
    free(n->path);
    if (n->conf)
        json_object_put(n->conf);
    free(n);
}

static bool valid_name(const char *s)
{
    if (isempty(s) || strlen(s) > MAX_NAME)
        return false;
    for (const char *p = s; *p; p++) {
        bool alnum = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9');
        if (!alnum && (p == s || (*p != '_' && *p != '.' && *p != '-')))
            return false;
    }
    return true;
}

int ctr__cni_version_cmp(const char *a, const char *b)
{
    for (;;) {
        char *ea, *eb;
        unsigned long x = strtoul(a, &ea, 10), y = strtoul(b, &eb, 10);
        if (x != y)
            return x < y ? -1 : 1;
        a = *ea == '.' ? ea + 1 : ea;
        b = *eb == '.' ? eb + 1 : eb;
        if (!*a && !*b)
            return 0;
        if (!*a || !*b)
            return *a ? 1 : -1;
        if (a == ea && b == eb) /* neither advanced: junk */
            return strcmp(a, b);
    }
}

int ctr__cni_net_parse(const char *text, const char *source, struct ctr__cni_net **ret)
{
    const char *src = source ? source : "network configuration";
    _cleanup_json_ json_object *o = NULL;
    int r = ctr__json_parse(text, src, &o);
    if (r < 0)
        return r;
    if (!json_object_is_type(o, json_type_object))
        return ctr__err(-EINVAL, "%s: not a JSON object", src);
    const char *name = ctr__json_str(o, "name"), *version = ctr__json_str(o, "cniVersion");
    if (!name)
        return ctr__err(-EINVAL, "%s: no \"name\" string", src);
    if (!valid_name(name))
        return ctr__err(-EINVAL, "%s: invalid network name \"%.64s\"", src, name);
    if (!version || !*version)
        return ctr__err(-EINVAL, "%s: no \"cniVersion\" string", src);

    json_object *plugins;
    if (!json_object_object_get_ex(o, "plugins", &plugins)) {
        /* A single plugin (.conf): the list is made of it. */
        _cleanup_json_ json_object *list = json_object_new_object();
        json_object *arr = json_object_new_array();
        if (!list || !arr) {
            if (arr)
                json_object_put(arr);
            return ctr__oom("a network's plugin list");
        }
        json_object_object_add(list, "plugins", arr);
        if (ctr__json_add_str(list, "cniVersion", version) < 0 || ctr__json_add_str(list, "name", name) < 0 ||
            json_object_array_add(arr, json_object_get(o)) < 0)
            return ctr__oom("a network's plugin list");
        json_object_put(o);
        o = TAKE_PTR(list);
        plugins = arr;
    }
    if (!json_object_is_type(plugins, json_type_array) || json_object_array_length(plugins) == 0)
        return ctr__err(-EINVAL, "%s: \"plugins\" must be a non-empty array", src);
    size_t n = json_object_array_length(plugins);
    for (size_t i = 0; i < n; i++) {
        json_object *p = json_object_array_get_idx(plugins, i);
        if (!json_object_is_type(p, json_type_object))
            return ctr__err(-EINVAL, "%s: plugins[%zu] is not an object", src, i);
        const char *type = ctr__json_str(p, "type");
        if (isempty(type) || strchr(type, '/') || streq(type, ".") || streq(type, ".."))
            return ctr__err(-EINVAL, "%s: plugins[%zu] has no valid \"type\"", src, i);
    }

    struct ctr__cni_net *net = calloc(1, sizeof *net);
    if (!net)
        return ctr__oom("a network");
    net->name = strdup(name);
    net->cni_version = strdup(version);
    net->path = ctr__strdup_null(source);
    net->n_plugins = n;
    net->conf = TAKE_PTR(o);
    if (!net->name || !net->cni_version || (source && !net->path)) {
        ctr__cni_net_free(net);
        return ctr__oom("a network");
    }
    *ret = net;
    return 0;
}

int ctr__cni_net_load(const char *path, struct ctr__cni_net **ret)
{
    _cleanup_free_ char *text = NULL;
    int r = ctr__read_file_at(AT_FDCWD, path, &text, NULL);
    if (r < 0)
        return ctr__err(r, "cannot read %s: %s", path, strerror(-r));
    return ctr__cni_net_parse(text, path, ret);
}

static bool has_suffix(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n > m && streq(s + n - m, suffix);
}

bool ctr__cni_is_conf_file(const char *name)
{
    return name[0] != '.' && (has_suffix(name, ".conflist") || has_suffix(name, ".conf") || has_suffix(name, ".json"));
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The configuration file names of dir, sorted. */
static int conf_files(const char *dir, char ***ret)
{
    _cleanup_strv_ char **names = ctr__strv_copy(NULL);
    if (!names)
        return ctr__oom("the CNI configuration file list");
    _cleanup_dir_ DIR *d = opendir(dir);
    if (!d) {
        if (errno == ENOENT) {
            *ret = TAKE_PTR(names);
            return 0;
        }
        return ctr__err(-errno, "cannot read the CNI configuration directory %s: %m", dir);
    }
    struct dirent *de;
    while ((de = readdir(d))) {
        if (!ctr__cni_is_conf_file(de->d_name) || (de->d_type != DT_REG && de->d_type != DT_LNK && de->d_type != DT_UNKNOWN))
            continue;
        if (ctr__strv_push(&names, de->d_name) < 0)
            return ctr__oom("the CNI configuration file list");
    }
    qsort(names, ctr__strv_len((const char *const *)names), sizeof *names, cmp_str);
    *ret = TAKE_PTR(names);
    return 0;
}

void ctr__cni_net_list_free(struct ctr__cni_net **v, size_t n)
{
    for (size_t i = 0; v && i < n; i++)
        ctr__cni_net_free(v[i]);
    free(v);
}

int ctr__cni_net_list(const char *dir, struct ctr__cni_net ***ret, size_t *ret_n, char ***ret_skipped)
{
    struct ctr__err_saved saved;
    ctr__err_save(&saved);
    _cleanup_strv_ char **names = NULL, **skipped = ctr__strv_copy(NULL);
    if (!skipped)
        return ctr__oom("the list of skipped files");
    int r = conf_files(dir, &names);
    if (r < 0)
        return r;
    size_t cap = ctr__strv_len((const char *const *)names), n = 0;
    struct ctr__cni_net **v = calloc(cap + 1, sizeof *v);
    if (!v)
        return ctr__oom("the network list");
    for (char **f = names; *f; f++) {
        _cleanup_free_ char *path = ctr__asprintf("%s/%s", dir, *f);
        struct ctr__cni_net *net = NULL;
        if (!path) {
            ctr__cni_net_list_free(v, n);
            return ctr__oom("a CNI configuration file's path");
        }
        if (ctr__cni_net_load(path, &net) < 0) {
            if (ctr__strv_push(&skipped, path) < 0) {
                ctr__cni_net_list_free(v, n);
                return ctr__oom("the list of skipped files");
            }
            continue;
        }
        bool dup = false;
        for (size_t i = 0; i < n && !dup; i++)
            dup = streq(v[i]->name, net->name);
        if (dup)
            ctr__cni_net_free(net);
        else
            v[n++] = net;
    }
    ctr__err_restore(&saved); /* skipped files are not this call's failure */
    *ret = v;
    *ret_n = n;
    if (ret_skipped)
        *ret_skipped = TAKE_PTR(skipped);
    return 0;
}

int ctr__cni_net_find(const char *dir, const char *name, struct ctr__cni_net **ret)
{
    struct ctr__err_saved saved;
    ctr__err_save(&saved);
    _cleanup_strv_ char **names = NULL;
    int r = conf_files(dir, &names);
    if (r < 0)
        return r;
    for (char **f = names; *f; f++) {
        _cleanup_free_ char *path = ctr__asprintf("%s/%s", dir, *f);
        if (!path)
            return ctr__oom("a CNI configuration file's path");
        struct ctr__cni_net *net = NULL;
        if (ctr__cni_net_load(path, &net) < 0)
            continue;
        if (streq(net->name, name)) {
            ctr__err_restore(&saved);
            *ret = net;
            return 0;
        }
        ctr__cni_net_free(net);
    }
    return ctr__err(-ENOENT, "network %s not found in %s", name, dir);
}

/* ---- plugin configuration ---- */

static json_object *plugin_at(const struct ctr__cni_net *net, size_t i)
{
    json_object *plugins;
    json_object_object_get_ex(net->conf, "plugins", &plugins);
    return json_object_array_get_idx(plugins, i);
}

static const char *plugin_type(const struct ctr__cni_net *net, size_t i)
{
    return ctr__json_str(plugin_at(net, i), "type");
}

int ctr__cni_plugin_conf(const struct ctr__cni_net *net, size_t index, json_object *prev_result,
                         json_object *runtime_config, json_object **ret)
{
    if (!net || index >= net->n_plugins)
        return ctr__err(-EINVAL, "CNI: invalid plugin index");
    json_object *p = plugin_at(net, index);
    _cleanup_json_ json_object *o = json_object_new_object();
    if (!o)
        return ctr__oom("a plugin's configuration");
    json_object_object_foreach(p, key, val)
    {
        if (streq(key, "name") || streq(key, "cniVersion") || streq(key, "prevResult") || streq(key, "runtimeConfig"))
            continue;
        if (json_object_object_add(o, key, json_object_get(val)) < 0)
            return ctr__oom("a plugin's configuration");
    }
    if (ctr__json_add_str(o, "cniVersion", net->cni_version) < 0 || ctr__json_add_str(o, "name", net->name) < 0)
        return ctr__oom("a plugin's configuration");
    if (prev_result && json_object_object_add(o, "prevResult", json_object_get(prev_result)) < 0)
        return ctr__oom("a plugin's configuration");
    json_object *caps;
    if (runtime_config && json_object_object_get_ex(p, "capabilities", &caps) &&
        json_object_is_type(caps, json_type_object)) {
        _cleanup_json_ json_object *rc = json_object_new_object();
        if (!rc)
            return ctr__oom("a plugin's configuration");
        json_object_object_foreach(caps, cap, on)
        {
            json_object *v;
            if (!json_object_get_boolean(on) || !json_object_object_get_ex(runtime_config, cap, &v))
                continue;
            if (json_object_object_add(rc, cap, json_object_get(v)) < 0)
                return ctr__oom("a plugin's configuration");
        }
        if (json_object_object_length(rc) > 0 && json_object_object_add(o, "runtimeConfig", TAKE_PTR(rc)) < 0)
            return ctr__oom("a plugin's configuration");
    }
    *ret = TAKE_PTR(o);
    return 0;
}

/* ---- running a plugin ---- */

static int find_plugin(const char *path_list, const char *type, char **ret)
{
    const char *p = path_list ? path_list : "";
    while (*p) {
        size_t n = strcspn(p, ":");
        if (n > 0) {
            _cleanup_free_ char *candidate = ctr__asprintf("%.*s/%s", (int)n, p, type);
            if (!candidate)
                return ctr__oom("a plugin's path");
            if (access(candidate, X_OK) == 0) {
                *ret = TAKE_PTR(candidate);
                return 0;
            }
        }
        p += n;
        if (*p == ':')
            p++;
    }
    return ctr__err(-ENOENT, "CNI plugin \"%s\" not found in %s", type, isempty(path_list) ? "(empty path)" : path_list);
}

/* The plugin's environment: ours without CNI_* (Go takes the first of a
 * duplicated variable) and without notification sockets, plus the CNI
 * variables; a PATH with the sbin directories when there is none (plugins
 * run iptables). */
static char **plugin_env(const char *command, const struct ctr__cni_args *a)
{
    static const char *const drop[] = { "CNI_", "NOTIFY_SOCKET=", "LISTEN_", "_OCI_" };
    _cleanup_strv_ char **env = ctr__strv_copy(NULL);
    if (!env)
        return NULL;
    bool have_path = false;
    for (char **e = environ; e && *e; e++) {
        bool skip = false;
        for (size_t i = 0; i < ARRAY_SIZE(drop) && !skip; i++)
            skip = strncmp(*e, drop[i], strlen(drop[i])) == 0;
        if (skip)
            continue;
        if (strncmp(*e, "PATH=", 5) == 0)
            have_path = true;
        if (ctr__strv_push(&env, *e) < 0)
            return NULL;
    }
    char *vars[] = {
        ctr__asprintf("CNI_COMMAND=%s", command),
        ctr__asprintf("CNI_CONTAINERID=%s", a->container_id ? a->container_id : ""),
        ctr__asprintf("CNI_NETNS=%s", a->netns ? a->netns : ""),
        ctr__asprintf("CNI_IFNAME=%s", a->ifname ? a->ifname : ""),
        ctr__asprintf("CNI_ARGS=%s", a->cni_args ? a->cni_args : "IgnoreUnknown=1"),
        ctr__asprintf("CNI_PATH=%s", a->plugin_path ? a->plugin_path : ""),
        have_path ? NULL : strdup("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"),
    };
    bool ok = true;
    for (size_t i = 0; i < ARRAY_SIZE(vars); i++) {
        if (i == ARRAY_SIZE(vars) - 1 && have_path)
            break;
        if (!vars[i] || ctr__strv_push(&env, vars[i]) < 0)
            ok = false;
    }
    for (size_t i = 0; i < ARRAY_SIZE(vars); i++)
        free(vars[i]);
    return ok ? TAKE_PTR(env) : NULL;
}

struct outbuf {
    char *p;
    size_t len;
};

static int out_append(struct outbuf *b, const char *data, size_t n)
{
    if (b->len + n > MAX_OUTPUT)
        return -EFBIG;
    char *p = realloc(b->p, b->len + n + 1);
    if (!p)
        return ctr__oom("a plugin's output");
    memcpy(p + b->len, data, n);
    b->p = p;
    b->len += n;
    b->p[b->len] = '\0';
    return 0;
}

/* The plugin's error in one line: "MSG: DETAILS" from its error JSON, else
 * its stderr, else how it ended. */
static void plugin_error(const char *out, const char *err, int status, char *buf, size_t size)
{
    _cleanup_json_ json_object *o = NULL;
    if (out && *out) {
        json_tokener *tok = json_tokener_new();
        if (tok) {
            o = json_tokener_parse_ex(tok, out, (int)strlen(out));
            json_tokener_free(tok);
        }
    }
    const char *msg = o && json_object_is_type(o, json_type_object) ? ctr__json_str(o, "msg") : NULL;
    const char *details = msg ? ctr__json_str(o, "details") : NULL;
    if (msg) {
        snprintf(buf, size, "%s%s%s", msg, isempty(details) ? "" : ": ", isempty(details) ? "" : details);
        return;
    }
    if (err && *err) {
        snprintf(buf, size, "%s", err);
        ctr__strstrip(buf);
        if (*buf)
            return;
    }
    ctr__spawn_status_string(status, buf, size);
}

static void outbuf_done(struct outbuf *b)
{
    free(b->p);
}

/* Close and forget a descriptor. */
static void close_fd(int *fd)
{
    ctr__closep(fd);
    *fd = -1;
}

/* Read what a pipe has into @b; closed at its end.  0 or -errno. */
static int drain(struct pollfd *p, struct outbuf *b)
{
    if (p->fd < 0 || !p->revents)
        return 0;
    char buf[16384];
    ssize_t k = read(p->fd, buf, sizeof buf);
    if (k < 0 && (errno == EINTR || errno == EAGAIN))
        return 0;
    if (k <= 0) {
        close_fd(&p->fd);
        return 0;
    }
    return out_append(b, buf, (size_t)k);
}

/* A plugin's three pipes, the parent's ends. */
struct plugin_io {
    int in, out, err;
};

static void plugin_io_done(struct plugin_io *io)
{
    ctr__closep(&io->in);
    ctr__closep(&io->out);
    ctr__closep(&io->err);
}

/* Start plugin @path with @env, its stdin a socket (send(MSG_NOSIGNAL)
 * cannot raise SIGPIPE in the application when a plugin exits without
 * reading it all) and its stdout and stderr pipes.  *ret_pid; @io receives
 * the parent's ends. */
static int plugin_start(char *path, char **env, pid_t *ret_pid, struct plugin_io *io)
{
    int in[2] = { -1, -1 }, out[2] = { -1, -1 }, err[2] = { -1, -1 };
    bool piped = socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, in) == 0 && pipe2(out, O_CLOEXEC) == 0 &&
                 pipe2(err, O_CLOEXEC) == 0;
    /* The child's ends are closed here either way, the parent's unless
     * handed out (closing keeps errno). */
    _cleanup_(plugin_io_done) struct plugin_io child = { in[0], out[1], err[1] }, parent = { in[1], out[0], err[0] };
    if (!piped)
        return ctr__err(-errno, "pipe: %m");
    char *argv[] = { path, NULL };
    struct ctr__spawn s = { .path = path, .argv = argv, .envp = env, .fds = { in[0], out[1], err[1] }, .n_fds = 3 };
    int r = ctr__spawn(&s, ret_pid);
    if (r < 0)
        return r;
    *io = parent;
    parent = (struct plugin_io){ -1, -1, -1 };
    return 0;
}

/* Feed @input to the plugin and drain its stdout and stderr together, until
 * both close or @deadline (ctr__mono_ms()) passes.  0, -ETIMEDOUT, or the errno
 * of the I/O (-EFBIG: too much output).  Closes @io's descriptors. */
static int plugin_io_run(struct plugin_io *io, const char *input, int64_t deadline, struct outbuf *ob,
                         struct outbuf *eb)
{
    size_t in_len = strlen(input), in_off = 0;
    struct pollfd pfd[3] = { { .fd = io->in, .events = POLLOUT }, { .fd = io->out, .events = POLLIN },
                             { .fd = io->err, .events = POLLIN } };
    *io = (struct plugin_io){ -1, -1, -1 }; /* pfd's now */
    shutdown(pfd[0].fd, SHUT_RD);
    if (in_len == 0)
        close_fd(&pfd[0].fd);
    int r = 0;
    while (r == 0 && (pfd[1].fd >= 0 || pfd[2].fd >= 0)) {
        int64_t left = deadline - ctr__mono_ms();
        if (left <= 0) {
            r = -ETIMEDOUT;
            break;
        }
        int n = poll(pfd, 3, (int)(left > 1000 ? 1000 : left));
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            r = -errno;
            break;
        }
        if (pfd[0].fd >= 0 && pfd[0].revents) {
            ssize_t w = (pfd[0].revents & POLLOUT)
                            ? send(pfd[0].fd, input + in_off, in_len - in_off, MSG_NOSIGNAL | MSG_DONTWAIT)
                            : -1;
            if (w > 0)
                in_off += (size_t)w;
            if (w < 0 && errno == EAGAIN)
                continue;
            if (w <= 0 || in_off == in_len) /* done, or the plugin closed its stdin */
                close_fd(&pfd[0].fd);
        }
        for (int i = 1; i < 3 && r == 0; i++)
            r = drain(&pfd[i], i == 1 ? ob : eb);
    }
    for (int i = 0; i < 3; i++)
        ctr__closep(&pfd[i].fd);
    return r;
}

/* Run one plugin.  *ret_out receives its standard output (may be empty). */
static int run_plugin(const char *net_name, const char *type, const char *command, const struct ctr__cni_args *a,
                      const char *input, char **ret_out)
{
    _cleanup_free_ char *path = NULL;
    int r = find_plugin(a->plugin_path, type, &path);
    if (r < 0)
        return ctr__err_prefix(r, "network %s", net_name);
    _cleanup_strv_ char **env = plugin_env(command, a);
    if (!env)
        return ctr__oom("plugin environment");
    _cleanup_(plugin_io_done) struct plugin_io io = { -1, -1, -1 };
    pid_t pid;
    if ((r = plugin_start(path, env, &pid, &io)) < 0)
        return ctr__err_prefix(r, "network %s: plugin %s (%s)", net_name, type, command);
    int timeout = a->timeout_ms > 0 ? a->timeout_ms : DEFAULT_TIMEOUT_MS;
    _cleanup_(outbuf_done) struct outbuf ob = { 0 }, eb = { 0 };
    int64_t t0 = ctr__mono_ms();
    int io_err = plugin_io_run(&io, input, t0 + timeout, &ob, &eb);
    if (io_err < 0)
        kill(pid, SIGKILL);
    int status = 0;
    ctr__spawn_wait(pid, &status);
    if (a->log)
        ctr__log(a->log, CTR_LOG_DEBUG, "network %s: plugin %s (%s, %s) took %lld ms", net_name, type, command,
                 a->ifname ? a->ifname : "", (long long)(ctr__mono_ms() - t0));
    if (io_err == -ETIMEDOUT)
        return ctr__err(-ETIMEDOUT, "network %s: plugin %s (%s) did not finish within %d ms", net_name, type, command,
                        timeout);
    if (io_err < 0)
        return ctr__err(io_err, "network %s: plugin %s (%s): %s", net_name, type, command,
                        io_err == -EFBIG ? "too much output" : strerror(-io_err));
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        char msg[1536];
        plugin_error(ob.p, eb.p, status, msg, sizeof msg);
        return ctr__err(-EIO, "network %s: plugin %s (%s): %s", net_name, type, command, msg);
    }
    *ret_out = ob.p ? TAKE_PTR(ob.p) : strdup("");
    return *ret_out ? 0 : ctr__oom("plugin output");
}

static int invoke(const struct ctr__cni_net *net, size_t i, const char *command, const struct ctr__cni_args *a,
                  json_object *prev, json_object *rc, char **ret_out)
{
    _cleanup_json_ json_object *conf = NULL;
    int r = ctr__cni_plugin_conf(net, i, prev, rc, &conf);
    if (r < 0)
        return r;
    const char *input = json_object_to_json_string_ext(conf, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
    if (!input)
        return ctr__oom("a plugin's configuration");
    return run_plugin(net->name, plugin_type(net, i), command, a, input, ret_out);
}

/* ---- the result cache ---- */

char *ctr__cni_cache_path(const char *dir, const char *network, const char *container_id, const char *ifname)
{
    return ctr__asprintf("%s/%s-%s-%s", dir, network, container_id, ifname);
}

/* The entry of an ADD; @native marks one done by native.c, so that its DEL
 * goes there too (whatever the configuration on disk says by then). */
static int cache_write(const struct ctr__cni_net *net, const struct ctr__cni_args *a, json_object *result, bool native)
{
    if (!a->cache_dir)
        return 0;
    int r = ctr__mkdir_p(a->cache_dir, 0700);
    if (r < 0)
        return ctr__err(r, "cannot create %s: %s", a->cache_dir, strerror(-r));
    _cleanup_json_ json_object *o = json_object_new_object();
    if (!o || ctr__json_add_str(o, "kind", "libctr/cni-cached-result") < 0 ||
        ctr__json_add_str(o, "containerId", a->container_id) < 0 || ctr__json_add_str(o, "networkName", net->name) < 0 ||
        ctr__json_add_str(o, "ifName", a->ifname) < 0 || ctr__json_add_str(o, "netns", a->netns) < 0 ||
        json_object_object_add(o, "config", json_object_get(net->conf)) < 0 ||
        (a->runtime_config && json_object_object_add(o, "runtimeConfig", json_object_get(a->runtime_config)) < 0) ||
        json_object_object_add(o, "result", json_object_get(result)) < 0 ||
        (native && ctr__json_add_bool(o, "native", true) < 0))
        return ctr__oom("the CNI result cache entry");
    _cleanup_free_ char *text = NULL, *name = ctr__cni_cache_path(".", net->name, a->container_id, a->ifname);
    if (!name || ctr__json_to_string(o, &text) < 0)
        return ctr__oom("the CNI result cache entry");
    _cleanup_close_ int dfd = open(a->cache_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0)
        return ctr__err(-errno, "cannot open %s: %m", a->cache_dir);
    /* Not durable, like libcni's: a crash right after ADD loses at most the
     * cache entry, and DEL then falls back to the configuration on disk. */
    r = ctr__write_file_at(dfd, name + 2, text, strlen(text), 0600, false);
    if (r < 0)
        return ctr__err(r, "cannot write the CNI result cache in %s: %s", a->cache_dir, strerror(-r));
    return 0;
}

struct cached {
    struct ctr__cni_net *net;
    json_object *rc, *result;
    char *path;
    bool native;    /* the ADD was native */
};

static void cached_done(struct cached *c)
{
    ctr__cni_net_free(c->net);
    if (c->rc)
        json_object_put(c->rc);
    if (c->result)
        json_object_put(c->result);
    free(c->path);
}

/* 0 and *c filled, -ENOENT when there is no (usable) cache entry. */
static int cache_read(const char *name, const struct ctr__cni_args *a, struct cached *c)
{
    if (!a->cache_dir)
        return -ENOENT;
    c->path = ctr__cni_cache_path(a->cache_dir, name, a->container_id, a->ifname);
    if (!c->path)
        return ctr__oom("the CNI result cache's path");
    _cleanup_free_ char *text = NULL;
    if (ctr__read_file_at(AT_FDCWD, c->path, &text, NULL) < 0)
        return -ENOENT;
    _cleanup_json_ json_object *o = NULL;
    json_object *conf, *v;
    struct ctr__err_saved saved;
    ctr__err_save(&saved);
    if (ctr__json_parse(text, c->path, &o) < 0 || !json_object_is_type(o, json_type_object) ||
        !json_object_object_get_ex(o, "config", &conf)) {
        ctr__err_restore(&saved);
        return -ENOENT;
    }
    const char *conf_text = json_object_to_json_string_ext(conf, JSON_C_TO_STRING_PLAIN);
    if (!conf_text || ctr__cni_net_parse(conf_text, NULL, &c->net) < 0) {
        ctr__err_restore(&saved);
        return -ENOENT;
    }
    if (json_object_object_get_ex(o, "runtimeConfig", &v) && json_object_is_type(v, json_type_object))
        c->rc = json_object_get(v);
    if (json_object_object_get_ex(o, "result", &v) && json_object_is_type(v, json_type_object))
        c->result = json_object_get(v);
    c->native = json_object_object_get_ex(o, "native", &v) && json_object_get_boolean(v);
    return 0;
}

/* ---- ADD and DEL ---- */

static int del_list(const struct ctr__cni_net *net, const struct ctr__cni_args *a, json_object *prev, json_object *rc)
{
    /* prevResult on DEL since 0.4.0 (what libcni does). */
    if (ctr__cni_version_cmp(net->cni_version, "0.4.0") < 0)
        prev = NULL;
    int first = 0;
    char msg[2048] = "";
    for (size_t i = net->n_plugins; i-- > 0;) {
        _cleanup_free_ char *out = NULL;
        int r = invoke(net, i, "DEL", a, prev, rc, &out);
        if (r < 0 && first == 0) {
            first = r;
            snprintf(msg, sizeof msg, "%s", ctr_error_last()->message);
        }
    }
    if (first < 0)
        return ctr__err(first, "%s", msg);
    return 0;
}

/* A failed ADD of the plugin list undone: DEL with the result so far (may
 * be NULL); @code and its message are kept. */
static int add_undo(const struct ctr__cni_net *net, const struct ctr__cni_args *a, json_object *prev, int code)
{
    struct ctr__err_saved saved;
    ctr__err_save(&saved);
    del_list(net, a, prev, a->runtime_config);
    ctr__err_restore(&saved);
    return code;
}

/* Plugin @i's ADD output as its result: a JSON object, else -EIO. */
static int add_result(const struct ctr__cni_net *net, size_t i, const char *out, json_object **ret)
{
    _cleanup_json_ json_object *res = NULL;
    if (ctr__json_parse(out, "CNI result", &res) < 0)
        return ctr__err_prefix(-EIO, "network %s: plugin %s (ADD)", net->name, plugin_type(net, i));
    if (!json_object_is_type(res, json_type_object))
        return ctr__err(-EIO, "network %s: plugin %s (ADD) printed a result that is not an object", net->name,
                        plugin_type(net, i));
    *ret = TAKE_PTR(res);
    return 0;
}

int ctr__cni_add(const struct ctr__cni_net *net, const struct ctr__cni_args *a, json_object **ret_result)
{
    if (!net || !a || !a->container_id || !a->ifname || !ret_result)
        return ctr__err(-EINVAL, "CNI ADD: invalid argument");
    if (ctr__native_eligible(net)) {
        json_object *res = NULL;
        int r = ctr__native_add(net, a, &res);
        if (r < 0)
            return r;
        if ((r = cache_write(net, a, res, true)) < 0) {
            struct ctr__err_saved saved;
            ctr__err_save(&saved);
            ctr__native_del(net, a, res);
            json_object_put(res);
            ctr__err_restore(&saved);
            return r;
        }
        *ret_result = res;
        return 0;
    }
    _cleanup_json_ json_object *prev = NULL;
    for (size_t i = 0; i < net->n_plugins; i++) {
        _cleanup_free_ char *out = NULL;
        json_object *res = NULL;
        int r;
        /* A failure undoes what the earlier plugins (and this one, partly) did. */
        if ((r = invoke(net, i, "ADD", a, prev, a->runtime_config, &out)) < 0 ||
            (*out && (r = add_result(net, i, out, &res)) < 0))
            return add_undo(net, a, prev, r);
        if (res) { /* a plugin printing nothing passes the previous result on */
            if (prev)
                json_object_put(prev);
            prev = res;
        }
    }
    if (!prev)
        return ctr__err(-EIO, "network %s: no plugin printed a result", net->name);
    int r = cache_write(net, a, prev, false);
    if (r < 0)
        return add_undo(net, a, prev, r);
    *ret_result = TAKE_PTR(prev);
    return 0;
}

int ctr__cni_del(const struct ctr__cni_net *net, const char *name, const struct ctr__cni_args *a, json_object *prev_result)
{
    if (!a || !a->container_id || !a->ifname || (!net && !name))
        return ctr__err(-EINVAL, "CNI DEL: invalid argument");
    _cleanup_(cached_done) struct cached c = { 0 };
    int r = cache_read(net ? net->name : name, a, &c);
    if (r == -ENOMEM)
        return r;
    if (r < 0) { /* no cache entry: the configuration on disk */
        if (!net)
            return ctr__err(-ENOENT, "network %s: no cached result and no configuration to tear it down with", name);
        if (ctr__native_eligible(net))
            return ctr__native_del(net, a, prev_result);
        return del_list(net, a, prev_result, a->runtime_config);
    }
    struct ctr__cni_args a2 = *a;
    a2.runtime_config = c.rc;
    json_object *prev = c.result ? c.result : prev_result;
    r = c.native ? ctr__native_del(c.net, &a2, prev) : del_list(c.net, &a2, prev, c.rc);
    if (r < 0)
        return r;
    if (unlink(c.path) < 0 && errno != ENOENT)
        return ctr__err(-errno, "cannot remove %s: %m", c.path);
    return 0;
}
