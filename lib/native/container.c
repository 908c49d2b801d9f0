/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* create, start, kill, delete, pause and update of native containers (see
 * container.h).  The set-up runs in the cloned child: child_main() below;
 * the runtime's side is create_child(). */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/error.h"
#include "base/json-util.h"
#include "native/cgroup.h"
#include "native/container.h"
#include "native/hooks.h"
#include "native/process.h"
#include "native/rootfs.h"
#include "native/seccomp.h"
#include "native/spec.h"
#include "native/state.h"

#define START_TIMEOUT_MS 10000
#define KILL_TIMEOUT_MS 10000

/* Messages of the child on the sync socket (a struct ctr__native_report:
 * err 0 is "ready", or, with HOOKS_REQUEST as its step, "run the prestart
 * and createRuntime hooks, then go on"); the runtime's answer is SYNC_GO. */
enum { SYNC_GO = 'g' };
#define HOOKS_REQUEST "hooks"

/* What the child needs, all made before the clone. */
struct child {
    const struct ctr__native_spec *s;
    const struct ctr__native_cgroup *cg;
    const struct ctr__native_seccomp *filter;
    int sync;       /* the child's end */
    int fifo;       /* O_PATH of exec.fifo */
    int console;    /* connected console socket, -1 */
    int ns_fd[CTR_NS_COUNT];
    int preserve_fds;
    const char *id;
    bool no_pivot;
};

/* ---- the child ---- */

static int wait_go(int sync, struct ctr__native_report *rep)
{
    char c = 0;
    ssize_t n;
    while ((n = read(sync, &c, 1)) < 0 && errno == EINTR)
        ;
    if (n != 1 || c != SYNC_GO)
        return ctr__native_fail(rep, EPIPE, "the runtime went away during set-up");
    return 0;
}

static int join_namespaces(const struct child *c, struct ctr__native_report *rep)
{
    for (int k = 0; k < CTR_NS_COUNT; k++)
        if (k != CTR_NS_PID && c->ns_fd[k] >= 0 && setns(c->ns_fd[k], ctr__native_ns_flag(k)) < 0)
            return ctr__native_fail(rep, errno, "joining the %s namespace %s", ctr__native_ns_proc_name(k),
                                    c->s->ns[k].path);
    if (c->s->ns[CTR_NS_CGROUP].wanted && !c->s->ns[CTR_NS_CGROUP].path && unshare(CLONE_NEWCGROUP) < 0)
        return ctr__native_fail(rep, errno, "a new cgroup namespace");
    if (setsid() < 0)
        return ctr__native_fail(rep, errno, "setsid");
    return 0;
}

/* A new network namespace gets its loopback up, as runc does. */
static int loopback_up(const struct ctr__native_spec *s, struct ctr__native_report *rep)
{
    if (!s->ns[CTR_NS_NET].wanted || s->ns[CTR_NS_NET].path)
        return 0;
    struct ifreq ifr = {.ifr_name = "lo"};
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    int r = fd >= 0 && ioctl(fd, SIOCGIFFLAGS, &ifr) == 0 ? 0 : -errno;
    ifr.ifr_flags |= IFF_UP;
    if (r == 0 && ioctl(fd, SIOCSIFFLAGS, &ifr) < 0)
        r = -errno;
    if (fd >= 0)
        close(fd);
    return r < 0 ? ctr__native_fail(rep, -r, "bringing up the loopback interface") : 0;
}

static int write_sysctl(const struct ctr__native_sysctl *sc, struct ctr__native_report *rep)
{
    char path[512];
    size_t n = (size_t)snprintf(path, sizeof path, "/proc/sys/%s", sc->key);

    if (n >= sizeof path)
        return ctr__native_fail(rep, ENAMETOOLONG, "sysctl %s", sc->key);
    for (char *p = path + 10; *p; p++)
        if (*p == '.')
            *p = '/';
    int fd = open(path, O_WRONLY | O_NOFOLLOW | O_CLOEXEC);
    int r = fd < 0 || write(fd, sc->value, strlen(sc->value)) < 0 ? -errno : 0;
    if (fd >= 0)
        close(fd);
    return r < 0 ? ctr__native_fail(rep, -r, "setting sysctl %s to %s", sc->key, sc->value) : 0;
}

static int no_pivot_root(const struct ctr__native_spec *s, struct ctr__native_report *rep)
{
    if (chdir(s->rootfs) < 0 || mount(s->rootfs, "/", NULL, MS_MOVE, NULL) < 0 || chroot(".") < 0 || chdir("/") < 0)
        return ctr__native_fail(rep, errno, "moving the rootfs to / (no pivot_root)");
    return 0;
}

/* The hooks of @kind run by the child, with its own PID as runc gives it. */
static int child_hooks(const struct child *c, enum ctr__native_hook_kind kind, const char *status,
                       struct ctr__native_report *rep)
{
    if (!c->s->hooks[kind].n)
        return 0;
    char *state = ctr__native_hook_state(c->s, c->id, status, getpid());
    int r = state ? ctr__native_hooks_run(c->s, kind, state, rep) : ctr__native_fail(rep, ENOMEM, "hook state");
    free(state);
    return r;
}

/* Once the mounts are made: the runtime's hooks (prestart, createRuntime:
 * it runs them and says go), then createContainer, here, before
 * pivot_root. */
static int mount_hooks(const struct child *c, struct ctr__native_report *rep)
{
    const struct ctr__native_spec *s = c->s;
    if (s->hooks[CTR_HOOK_PRESTART].n || s->hooks[CTR_HOOK_CREATE_RUNTIME].n) {
        struct ctr__native_report ask = {.step = HOOKS_REQUEST};
        if (send(c->sync, &ask, sizeof ask, MSG_NOSIGNAL) != (ssize_t)sizeof ask)
            return ctr__native_fail(rep, errno, "asking for the runtime's hooks");
        int r = wait_go(c->sync, rep);
        if (r < 0)
            return r;
    }
    return child_hooks(c, CTR_HOOK_CREATE_CONTAINER, "creating", rep);
}

static int set_names(const struct ctr__native_spec *s, struct ctr__native_report *rep)
{
    if (s->hostname && sethostname(s->hostname, strlen(s->hostname)) < 0)
        return ctr__native_fail(rep, errno, "sethostname %s", s->hostname);
    if (s->domainname && setdomainname(s->domainname, strlen(s->domainname)) < 0)
        return ctr__native_fail(rep, errno, "setdomainname %s", s->domainname);
    return 0;
}

/* Everything up to the wait on exec.fifo, in runc's order. */
static int child_setup(const struct child *c, char *path, size_t size, struct ctr__native_report *rep)
{
    const struct ctr__native_spec *s = c->s;
    int r = wait_go(c->sync, rep);

    if (r == 0)
        r = join_namespaces(c, rep);
    if (r == 0)
        r = loopback_up(s, rep);
    if (r == 0)
        r = ctr__native_rootfs_prepare(s, rep);
    if (r == 0)
        r = ctr__native_rootfs_mounts(s, c->cg, rep);
    if (r == 0)
        r = mount_hooks(c, rep);
    if (r == 0)
        r = c->no_pivot ? no_pivot_root(s, rep) : ctr__native_rootfs_pivot(s, rep);
    if (r == 0 && s->process.terminal)
        r = ctr__native_process_console(&s->process, c->console, true, rep);
    for (size_t i = 0; r == 0 && i < s->n_sysctls; i++)
        r = write_sysctl(&s->sysctls[i], rep);
    if (r == 0)
        r = set_names(s, rep);
    if (r == 0)
        r = ctr__native_rootfs_finish(s, rep);
    if (r == 0)
        r = ctr__native_process_limits(&s->process, rep);
    if (r == 0 && c->filter && !s->process.no_new_privileges && (r = ctr__native_seccomp_load(c->filter)) < 0)
        r = ctr__native_fail(rep, -r, "loading the seccomp filter");
    if (r == 0)
        r = ctr__native_process_identity(&s->process, rep);
    if (r == 0)
        r = ctr__native_process_cwd(&s->process, rep);
    if (r == 0)
        r = ctr__native_process_find(&s->process, path, size, rep);
    return r;
}

static int wait_start(int fifo, struct ctr__native_report *rep)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/self/fd/%d", fifo);
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return ctr__native_fail(rep, errno, "opening exec.fifo");
    int r = write(fd, "0", 1) == 1 ? 0 : ctr__native_fail(rep, errno, "writing exec.fifo");
    close(fd);
    return r;
}

static _Noreturn void child_main(const struct child *c)
{
    struct ctr__native_report rep = {0};
    char path[4096];

    (void)prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
    int r = child_setup(c, path, sizeof path, &rep);
    (void)send(c->sync, &rep, sizeof rep, MSG_NOSIGNAL);
    if (r < 0)
        _exit(1);
    close(c->sync);
    if (c->console >= 0)
        close(c->console);
    r = wait_start(c->fifo, &rep);
    if (r == 0)
        r = child_hooks(c, CTR_HOOK_START_CONTAINER, "created", &rep);
    if (r == 0) {
        const struct ctr__native_seccomp *late = c->s->process.no_new_privileges ? c->filter : NULL;
        r = ctr__native_process_exec(&c->s->process, path, late, 3 + c->preserve_fds, &rep);
    }
    if (rep.whole)
        dprintf(2, "ctr-oci: %s\n", rep.step);
    else
        dprintf(2, "ctr-oci: %s: %s\n", rep.step, strerror(rep.err));
    _exit(127);
}

/* ---- the runtime's side of create ---- */

/* What create made, undone on failure. */
struct creation {
    const char *root, *id;
    char *dir;
    struct ctr__native_spec spec;
    struct ctr__native_cgroup *cg;
    struct ctr__native_seccomp *filter;
    struct child child;
    int sync; /* the runtime's end */
    pid_t pid;
    bool cgroup_made;
};

static void creation_undo(struct creation *cr)
{
    struct ctr__err_saved saved;
    ctr__err_save(&saved);
    if (cr->pid > 0) {
        kill(cr->pid, SIGKILL);
        while (waitpid(cr->pid, NULL, 0) < 0 && errno == EINTR)
            ;
    }
    if (cr->cgroup_made)
        (void)ctr__native_cgroup_destroy(cr->cg, KILL_TIMEOUT_MS);
    if (cr->dir)
        (void)ctr__rm_rf(cr->dir);
    ctr__err_restore(&saved);
}

static void creation_done(struct creation *cr)
{
    for (int k = 0; k < CTR_NS_COUNT; k++)
        if (cr->child.ns_fd[k] >= 0)
            close(cr->child.ns_fd[k]);
    if (cr->child.fifo >= 0)
        close(cr->child.fifo);
    if (cr->child.console >= 0)
        close(cr->child.console);
    if (cr->sync >= 0)
        close(cr->sync);
    ctr__native_seccomp_free(cr->filter);
    ctr__native_cgroup_free(cr->cg);
    ctr__native_spec_done(&cr->spec);
    free(cr->dir);
}

static int make_dir(struct creation *cr)
{
    int r = ctr__mkdir_p(cr->root, 0711);
    if (r < 0)
        return ctr__err(r, "creating the state directory %s: %s", cr->root, strerror(-r));
    cr->dir = ctr__native_state_dir(cr->root, cr->id);
    if (!cr->dir)
        return ctr__oom("state directory");
    if (mkdir(cr->dir, 0711) < 0) {
        int e = errno;
        free(TAKE_PTR(cr->dir));
        return e == EEXIST ? ctr__err(-EEXIST, "container with id exists: %s", cr->id)
                           : ctr__err(-e, "creating %s: %s", cr->id, strerror(e));
    }
    return 0;
}

static int check_spec(const struct ctr__native_spec *s)
{
    if (!s->ns[CTR_NS_MNT].wanted || s->ns[CTR_NS_MNT].path)
        return ctr__err(-EOPNOTSUPP, "config.json: the native runtime needs a new mount namespace");
    return 0;
}

/* runc's default device rules after the spec's: mknod of anything, and
 * the standard character devices. */
static int resources_with_defaults(json_object *resources, json_object **ret)
{
    static const char *const rules =
        "[{\"allow\":true,\"type\":\"c\",\"access\":\"m\"},{\"allow\":true,\"type\":\"b\",\"access\":\"m\"},"
        "{\"allow\":true,\"type\":\"c\",\"major\":1,\"minor\":3,\"access\":\"rwm\"},"
        "{\"allow\":true,\"type\":\"c\",\"major\":1,\"minor\":8,\"access\":\"rwm\"},"
        "{\"allow\":true,\"type\":\"c\",\"major\":1,\"minor\":7,\"access\":\"rwm\"},"
        "{\"allow\":true,\"type\":\"c\",\"major\":5,\"minor\":0,\"access\":\"rwm\"},"
        "{\"allow\":true,\"type\":\"c\",\"major\":1,\"minor\":5,\"access\":\"rwm\"},"
        "{\"allow\":true,\"type\":\"c\",\"major\":1,\"minor\":9,\"access\":\"rwm\"},"
        "{\"allow\":true,\"type\":\"c\",\"major\":136,\"access\":\"rwm\"},"
        "{\"allow\":true,\"type\":\"c\",\"major\":5,\"minor\":2,\"access\":\"rwm\"},"
        "{\"allow\":true,\"type\":\"c\",\"major\":10,\"minor\":200,\"access\":\"rwm\"}]";
    json_object *copy = NULL, *devices = NULL, *defaults = json_tokener_parse(rules);

    if (!defaults || (resources && json_object_deep_copy(resources, &copy, NULL) < 0)) {
        json_object_put(defaults);
        return ctr__oom("resources");
    }
    if (!copy)
        copy = json_object_new_object();
    if (!json_object_object_get_ex(copy, "devices", &devices) || !json_object_is_type(devices, json_type_array)) {
        devices = json_object_new_array();
        json_object_object_add(copy, "devices", devices);
    }
    for (size_t i = 0; i < json_object_array_length(defaults); i++)
        json_object_array_add(devices, json_object_get(json_object_array_get_idx(defaults, i)));
    json_object_put(defaults);
    *ret = copy;
    return 0;
}

static int make_cgroup(struct creation *cr)
{
    _cleanup_json_ json_object *resources = NULL;
    int r = ctr__native_cgroup_open(cr->spec.cgroups_path, cr->id, &cr->cg);

    if (r == 0)
        r = resources_with_defaults(cr->spec.resources, &resources);
    if (r == 0)
        r = ctr__native_cgroup_create(cr->cg, resources);
    cr->cgroup_made = r == 0;
    return r;
}

static int make_fifo(struct creation *cr)
{
    _cleanup_free_ char *path = ctr__asprintf("%s/exec.fifo", cr->dir);
    if (!path)
        return ctr__oom("exec.fifo");
    mode_t old = umask(0);
    int r = mkfifo(path, 0622) < 0 ? -errno : 0;
    umask(old);
    if (r < 0)
        return ctr__err(r, "creating %s: %s", path, strerror(-r));
    cr->child.fifo = open(path, O_PATH | O_CLOEXEC);
    return cr->child.fifo < 0 ? ctr__err(-errno, "opening %s: %m", path) : 0;
}

static int connect_console(struct creation *cr, const char *path)
{
    struct sockaddr_un sa = {.sun_family = AF_UNIX};

    if (!cr->spec.process.terminal)
        return 0;
    if (!path)
        return ctr__err(-EINVAL, "cannot allocate tty if runc will detach without setting console socket");
    if (strlen(path) >= sizeof sa.sun_path)
        return ctr__err(-ENAMETOOLONG, "console socket path %s is too long", path);
    strcpy(sa.sun_path, path);
    cr->child.console = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (cr->child.console < 0 || connect(cr->child.console, (struct sockaddr *)&sa, sizeof sa) < 0)
        return ctr__err(-errno, "connecting to the console socket %s: %m", path);
    return 0;
}

static int open_namespaces(struct creation *cr)
{
    for (int k = 0; k < CTR_NS_COUNT; k++) {
        const char *path = cr->spec.ns[k].path;
        if (!path)
            continue;
        cr->child.ns_fd[k] = open(path, O_RDONLY | O_CLOEXEC);
        if (cr->child.ns_fd[k] < 0)
            return ctr__err(-errno, "opening the %s namespace %s: %m", ctr__native_ns_proc_name(k), path);
    }
    /* A PID namespace is entered by the children of the caller of setns(). */
    if (cr->child.ns_fd[CTR_NS_PID] >= 0 && setns(cr->child.ns_fd[CTR_NS_PID], CLONE_NEWPID) < 0)
        return ctr__err(-errno, "joining the pid namespace %s: %m", cr->spec.ns[CTR_NS_PID].path);
    return 0;
}

static int clone_flags(const struct ctr__native_spec *s)
{
    int flags = 0;
    for (int k = 0; k < CTR_NS_COUNT; k++)
        if (k != CTR_NS_CGROUP && s->ns[k].wanted && !s->ns[k].path)
            flags |= ctr__native_ns_flag(k);
    return flags;
}

/* prestart, then createRuntime: the child's mounts are made. */
static int runtime_hooks(struct creation *cr)
{
    struct ctr__native_report rep = {0};
    _cleanup_free_ char *state = ctr__native_hook_state(&cr->spec, cr->id, "creating", cr->pid);
    int r = state ? 0 : ctr__oom("a hook's state");

    if (r == 0)
        r = ctr__native_hooks_run(&cr->spec, CTR_HOOK_PRESTART, state, &rep);
    if (r == 0)
        r = ctr__native_hooks_run(&cr->spec, CTR_HOOK_CREATE_RUNTIME, state, &rep);
    return r < 0 && rep.err ? ctr__native_report_error(&rep) : r;
}

/* Clone the child, place it in the cgroup, let it set up (running the
 * runtime's hooks when it asks), and read its report. */
static int run_child(struct creation *cr)
{
    int sv[2];

    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
        return ctr__err(-errno, "socketpair: %m");
    cr->sync = sv[0];
    cr->child.sync = sv[1];
    long pid = syscall(SYS_clone, (unsigned long)clone_flags(&cr->spec) | SIGCHLD, NULL, NULL, NULL, 0);
    if (pid == 0) {
        close(sv[0]);
        child_main(&cr->child);
    }
    close(TAKE_FD(cr->child.sync));
    if (pid < 0)
        return ctr__err(-errno, "clone of the container's process: %m");
    cr->pid = (pid_t)pid;
    int r = ctr__native_cgroup_enter(cr->cg, cr->pid);
    if (r < 0)
        return ctr__err_keep(r, "moving the container's process into its cgroup: %s", strerror(-r));
    if (write(cr->sync, (char[]){SYNC_GO}, 1) != 1)
        return ctr__err(-errno, "starting the container's set-up: %m");
    struct ctr__native_report rep;
    for (;;) {
        ssize_t n;
        rep = (struct ctr__native_report){0};
        while ((n = recv(cr->sync, &rep, sizeof rep, 0)) < 0 && errno == EINTR)
            ;
        if (n != (ssize_t)sizeof rep)
            return ctr__err(-EIO, "the container's process exited during its set-up");
        if (rep.err || !streq(rep.step, HOOKS_REQUEST))
            break;
        r = runtime_hooks(cr);
        if (r < 0)
            return r;
        if (write(cr->sync, (char[]){SYNC_GO}, 1) != 1)
            return ctr__err(-errno, "resuming the container's set-up: %m");
    }
    return rep.err ? ctr__native_report_error(&rep) : 0;
}

static int write_pid_file(const char *path, pid_t pid)
{
    char text[32];
    int n = snprintf(text, sizeof text, "%d", (int)pid);
    int r = ctr__write_file_at(AT_FDCWD, path, text, (size_t)n, 0644, false);
    return r < 0 ? ctr__err(r, "writing the pid file %s: %s", path, strerror(-r)) : 0;
}

static unsigned int hook_kinds(const struct ctr__native_spec *s)
{
    unsigned int kinds = 0;
    for (int k = 0; k < CTR_HOOK_KINDS; k++)
        if (s->hooks[k].n)
            kinds |= 1u << k;
    return kinds;
}

static int save_created(struct creation *cr)
{
    char created[64];
    ctr__format_time(ctr__now_ns(), created, sizeof created);
    struct ctr__native_state st = {
        .id = (char *)cr->id,
        .bundle = (char *)cr->spec.bundle,
        .rootfs = cr->spec.rootfs,
        .cgroups_path = (char *)cr->spec.cgroups_path,
        .created = created,
        .pid = cr->pid,
        .start_time = ctr__native_pid_start_time(cr->pid),
        .annotations = cr->spec.annotations,
        .hooks = hook_kinds(&cr->spec),
    };
    if (!st.start_time)
        return ctr__err(-ESRCH, "the container's process exited during create");
    return ctr__native_state_save(cr->dir, &st);
}

static int seccomp_cache(const char *root, struct creation *cr)
{
    _cleanup_free_ char *cache = ctr__asprintf("%s/.cache/seccomp", root);
    if (!cr->spec.seccomp)
        return 0;
    return cache ? ctr__native_seccomp_prepare(cr->spec.seccomp, cache, &cr->filter) : ctr__oom("cache path");
}

int ctr__native_create(const char *root, const char *id, const struct ctr__native_create_opts *o)
{
    struct creation cr = {.root = root, .id = id, .sync = -1};
    int r = ctr__native_id_check(id);

    cr.child = (struct child){.s = &cr.spec, .sync = -1, .fifo = -1, .console = -1,
                              .ns_fd = {-1, -1, -1, -1, -1, -1}, .preserve_fds = o->preserve_fds,
                              .id = id, .no_pivot = o->no_pivot};
    if (r == 0)
        r = ctr__native_spec_load(o->bundle, &cr.spec);
    if (r == 0)
        r = check_spec(&cr.spec);
    if (r == 0)
        r = make_dir(&cr);
    if (r == 0)
        r = seccomp_cache(root, &cr);
    if (r == 0)
        r = make_cgroup(&cr);
    if (r == 0)
        r = make_fifo(&cr);
    if (r == 0)
        r = connect_console(&cr, o->console_socket);
    if (r == 0)
        r = open_namespaces(&cr);
    cr.child.cg = cr.cg;
    cr.child.filter = cr.filter;
    if (r == 0)
        r = run_child(&cr);
    if (r == 0)
        r = save_created(&cr);
    if (r == 0 && o->pid_file)
        r = write_pid_file(o->pid_file, cr.pid);
    if (r < 0)
        creation_undo(&cr);
    creation_done(&cr);
    return r;
}

/* ---- the other verbs ---- */

static int kill_all(const struct ctr__native_state *st, int sig);

/* The hooks of @kind of a created container, from its bundle's
 * config.json (read only when create saw such hooks in it). */
static int state_hooks(const struct ctr__native_state *st, enum ctr__native_hook_kind kind, const char *status,
                       pid_t pid)
{
    struct ctr__native_spec spec;
    struct ctr__native_report rep = {0};

    if (!(st->hooks & (1u << kind)))
        return 0;
    int r = ctr__native_spec_load(st->bundle, &spec);
    if (r < 0)
        return ctr__err_prefix(r, "the container's config.json, for its %s hooks", ctr__native_hook_name(kind));
    char *state = ctr__native_hook_state(&spec, st->id, status, pid);
    r = state ? ctr__native_hooks_run(&spec, kind, state, &rep) : ctr__oom("a hook's state");
    free(state);
    ctr__native_spec_done(&spec);
    return r < 0 && rep.err ? ctr__native_report_error(&rep) : r;
}

int ctr__native_start(const char *root, const char *id)
{
    struct ctr__native_state st;
    int r = ctr__native_state_load(root, id, &st);
    if (r < 0)
        return r;
    enum ctr__native_status status = ctr__native_state_status(root, &st);
    _cleanup_free_ char *fifo = ctr__asprintf("%s/%s/exec.fifo", root, id);
    if (status != CTR_NATIVE_CREATED) {
        ctr__native_state_done(&st);
        return ctr__err(-EINVAL, "cannot start a container that has %s",
                        status == CTR_NATIVE_STOPPED ? "stopped" : "already been started");
    }
    _cleanup_close_ int fd = fifo ? open(fifo, O_RDONLY | O_NONBLOCK | O_CLOEXEC) : -1;
    char c = 0;
    r = fd < 0 ? ctr__err(-errno, "opening exec.fifo: %m") : 0;
    for (int64_t end = ctr__mono_ms() + START_TIMEOUT_MS; r == 0;) {
        struct pollfd p = {.fd = fd, .events = POLLIN};
        if (poll(&p, 1, 50) > 0 && read(fd, &c, 1) == 1)
            break;
        if (!ctr__native_state_alive(&st))
            r = ctr__err(-EINVAL, "cannot start a container that has stopped");
        else if (ctr__mono_ms() > end)
            r = ctr__err(-ETIMEDOUT, "the container did not take its start");
    }
    if (r == 0)
        (void)unlink(fifo);
    /* runc's way with a failed poststart hook: the container is killed. */
    if (r == 0 && (r = state_hooks(&st, CTR_HOOK_POSTSTART, "running", st.pid)) < 0)
        (void)kill_all(&st, SIGKILL);
    ctr__native_state_done(&st);
    return r;
}

static int state_json(const struct ctr__native_state *st, enum ctr__native_status status, json_object **ret)
{
    json_object *o = json_object_new_object();
    int r = o ? 0 : -ENOMEM;
    if (r == 0)
        r = ctr__json_add_str(o, "ociVersion", "1.0.2");
    if (r == 0)
        r = ctr__json_add_str(o, "id", st->id);
    if (r == 0)
        r = ctr__json_add_int(o, "pid", status == CTR_NATIVE_STOPPED ? 0 : st->pid);
    if (r == 0)
        r = ctr__json_add_str(o, "status", ctr__native_status_name(status));
    if (r == 0)
        r = ctr__json_add_str(o, "bundle", st->bundle);
    if (r == 0)
        r = ctr__json_add_str(o, "rootfs", st->rootfs);
    if (r == 0)
        r = ctr__json_add_str(o, "created", st->created);
    if (r == 0)
        r = ctr__json_add_str(o, "owner", "");
    if (r == 0 && st->annotations)
        r = ctr__json_set(o, "annotations", json_object_get(st->annotations));
    if (r < 0) {
        json_object_put(o);
        return ctr__oom("state");
    }
    *ret = o;
    return 0;
}

int ctr__native_state(const char *root, const char *id, json_object **ret)
{
    struct ctr__native_state st;
    int r = ctr__native_state_load(root, id, &st);
    if (r == 0)
        r = state_json(&st, ctr__native_state_status(root, &st), ret);
    ctr__native_state_done(&st);
    return r;
}

static int open_cgroup(const struct ctr__native_state *st, struct ctr__native_cgroup **ret)
{
    return ctr__native_cgroup_open(st->cgroups_path, st->id, ret);
}

static int kill_all(const struct ctr__native_state *st, int sig)
{
    struct ctr__native_cgroup *cg = NULL;
    pid_t *pids = NULL;
    size_t n = 0;
    int r = open_cgroup(st, &cg);

    if (r == 0)
        r = ctr__native_cgroup_pids(cg, &pids, &n);
    for (size_t i = 0; r == 0 && i < n; i++)
        (void)kill(pids[i], sig);
    if (r == 0 && sig == SIGKILL && ctr__native_cgroup_frozen(cg))
        r = ctr__native_cgroup_freeze(cg, false);
    free(pids);
    ctr__native_cgroup_free(cg);
    return r;
}

static int signal_init(const struct ctr__native_state *st, int sig)
{
    int fd = (int)syscall(SYS_pidfd_open, st->pid, 0);
    if (fd < 0)
        return ctr__err(-errno, "container not running");
    /* The pidfd names this process: check its start time after opening. */
    int r = ctr__native_state_alive(st) ? 0 : -ESRCH;
    if (r == 0 && syscall(SYS_pidfd_send_signal, fd, sig, NULL, 0) < 0)
        r = -errno;
    close(fd);
    return r == -ESRCH ? ctr__err(-EINVAL, "container not running") : r < 0 ? ctr__err(r, "kill: %m") : 0;
}

int ctr__native_kill(const char *root, const char *id, int sig, bool all)
{
    struct ctr__native_state st;
    int r = ctr__native_state_load(root, id, &st);
    if (r < 0)
        return r;
    if (all)
        r = kill_all(&st, sig);
    else if (!ctr__native_state_alive(&st))
        r = ctr__err(-EINVAL, "container not running");
    else
        r = signal_init(&st, sig);
    ctr__native_state_done(&st);
    return r;
}

static int wait_gone(const struct ctr__native_state *st)
{
    for (int64_t end = ctr__mono_ms() + KILL_TIMEOUT_MS; ctr__native_state_alive(st);) {
        if (ctr__mono_ms() > end)
            return ctr__err(-ETIMEDOUT, "container %s did not exit after SIGKILL", st->id);
        usleep(1000);
    }
    return 0;
}

int ctr__native_delete(const char *root, const char *id, bool force)
{
    struct ctr__native_state st;
    struct ctr__native_cgroup *cg = NULL;
    int r = ctr__native_state_load(root, id, &st);
    if (r < 0)
        return r;
    enum ctr__native_status status = ctr__native_state_status(root, &st);
    if ((status == CTR_NATIVE_RUNNING || status == CTR_NATIVE_PAUSED) && !force)
        r = ctr__err(-EBUSY, "cannot delete container %s that is not stopped: %s", id,
                     ctr__native_status_name(status));
    if (r == 0 && status != CTR_NATIVE_STOPPED) {
        r = kill_all(&st, SIGKILL);
        if (r == 0)
            r = wait_gone(&st);
    }
    if (r == 0 && (r = open_cgroup(&st, &cg)) == 0)
        r = ctr__native_cgroup_destroy(cg, KILL_TIMEOUT_MS);
    _cleanup_free_ char *dir = r == 0 ? ctr__native_state_dir(root, id) : NULL;
    if (r == 0)
        r = dir ? ctr__rm_rf(dir) : ctr__oom("state directory");
    if (r == 0)
        r = state_hooks(&st, CTR_HOOK_POSTSTOP, "stopped", 0);
    ctr__native_cgroup_free(cg);
    ctr__native_state_done(&st);
    return r;
}

int ctr__native_pause(const char *root, const char *id, bool pause)
{
    struct ctr__native_state st;
    struct ctr__native_cgroup *cg = NULL;
    int r = ctr__native_state_load(root, id, &st);
    if (r < 0)
        return r;
    enum ctr__native_status status = ctr__native_state_status(root, &st);
    if (status != (pause ? CTR_NATIVE_RUNNING : CTR_NATIVE_PAUSED))
        r = ctr__err(-EINVAL, "container not %s", pause ? "running" : "paused");
    if (r == 0)
        r = open_cgroup(&st, &cg);
    if (r == 0)
        r = ctr__native_cgroup_freeze(cg, pause);
    ctr__native_cgroup_free(cg);
    ctr__native_state_done(&st);
    return r;
}

int ctr__native_update(const char *root, const char *id, json_object *resources)
{
    struct ctr__native_state st;
    struct ctr__native_cgroup *cg = NULL;
    int r = ctr__native_state_load(root, id, &st);
    if (r == 0)
        r = open_cgroup(&st, &cg);
    if (r == 0)
        r = ctr__native_cgroup_update(cg, resources);
    ctr__native_cgroup_free(cg);
    ctr__native_state_done(&st);
    return r;
}

static int compare_ids(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int ctr__native_list(const char *root, char ***ret)
{
    _cleanup_dir_ DIR *d = opendir(root);
    _cleanup_strv_ char **ids = ctr__strv_copy(NULL);
    struct dirent *de;

    if (!ids)
        return ctr__oom("container list");
    while (d && (de = readdir(d)))
        if (de->d_name[0] != '.' && ctr__strv_push(&ids, de->d_name) < 0)
            return ctr__oom("container list");
    qsort(ids, ctr__strv_len((const char *const *)ids), sizeof *ids, compare_ids);
    *ret = TAKE_PTR(ids);
    return 0;
}
