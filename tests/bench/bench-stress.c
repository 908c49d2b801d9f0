/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* ctr-bench stress: P processes (8) each run N (200) mixed operations
 * (create, start, exec, stop, remove, inspect, list, batch) on one shared
 * runtime, each with its own handle, on containers of a busybox image.  Each
 * process keeps what it believes of its containers and checks it against the
 * library as it goes (list, batch) and at the end; then removes them.
 * Reported: operations per second, p50/p99 latency per operation, and
 *
 *   lost   = operations that failed unexpectedly, and containers (or states)
 *            a process believes in that the library does not show;
 *   leaked = what is left after every process removed what it created:
 *            containers, conmon and container processes, mounts, lock files,
 *            runc state entries, directories, cgroups.
 *
 * Final line: `stress BACKEND: ops_per_s=... p99_ms=... lost=N leaked=N`. */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <libctr/ctr.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench-util.h"

int bench_stress(int argc, char **argv);

enum op { OP_CREATE, OP_START, OP_EXEC, OP_STOP, OP_REMOVE, OP_INSPECT, OP_LIST, OP_BATCH, N_OPS };
static const char *const op_names[N_OPS] = { "create", "start", "exec", "stop", "remove", "inspect", "list", "batch" };
/* Weights of the mix (percent). */
static const unsigned op_weight[N_OPS] = { 15, 15, 15, 10, 10, 12, 10, 13 };

#define MAX_OWN 4 /* containers a process keeps at most */

/* What a child sends its parent: one record per operation, then a summary. */
struct record {
    int op;
    int ok;
    double ms;
};

struct summary {
    int lost;
    int n_ids;
};

enum belief { B_CONFIGURED, B_RUNNING, B_EXITED };

struct own {
    bool used;
    char name[64];
    char id[65];
    enum belief b;
    ctr_container_t *c;
};

struct proc {
    int index;
    int n_procs;
    ctr_runtime_t *rt;
    unsigned seed;
    int serial;
    int lost;
    int complaints;
    struct own own[MAX_OWN];
    char (*ids)[65]; /* every container it created */
    int n_ids;
};

static const char *const stress_cmd[] = { "/bin/sh", "-c", "trap 'exit 0' TERM; sleep 3600 & wait", NULL };

static void complain(struct proc *p, const char *what, const char *name)
{
    p->lost++;
    if (p->complaints++ < 5)
        fprintf(stderr, "ctr-bench stress: process %d: %s %s: %s (%s)\n", p->index, what, name ? name : "",
                ctr_error_last()->message, ctr_strerror(ctr_error_last()->code));
}

static ctr_runtime_t *open_rt(const char *root, const char *backend)
{
    char run_root[4200];
    snprintf(run_root, sizeof run_root, "%s/run", root);
    ctr_runtime_options_t o = CTR_RUNTIME_OPTIONS_INIT;
    o.root = root;
    o.run_root = run_root;
    o.state_backend = backend;
    ctr_runtime_t *rt = NULL;
    if (ctr_runtime_new(&rt, &o) < 0) {
        fprintf(stderr, "ctr-bench stress: open runtime: %s\n", ctr_error_last()->message);
        return NULL;
    }
    return rt;
}

static struct own *pick(struct proc *p, int want) /* want: -1 any, else a belief */
{
    int idx[MAX_OWN], n = 0;
    for (int i = 0; i < MAX_OWN; i++)
        if (p->own[i].used && (want < 0 || (int)p->own[i].b == want))
            idx[n++] = i;
    return n ? &p->own[idx[rand_r(&p->seed) % (unsigned)n]] : NULL;
}

static struct own *free_slot(struct proc *p)
{
    for (int i = 0; i < MAX_OWN; i++)
        if (!p->own[i].used)
            return &p->own[i];
    return NULL;
}

static int state_of(struct own *o, ctr_state_t *ret)
{
    return ctr_container_state(o->c, ret);
}

static bool belief_holds(struct own *o, ctr_state_t st)
{
    switch (o->b) {
    case B_CONFIGURED: return st == CTR_STATE_CONFIGURED;
    case B_RUNNING: return st == CTR_STATE_RUNNING;
    case B_EXITED: return st == CTR_STATE_EXITED;
    }
    return false;
}

struct batch_ctx {
    struct own *o;
    bool ok;
};

/* Several reads under one lock and one sync. */
static int batch_fn(ctr_container_t *c, void *userdata)
{
    struct batch_ctx *b = userdata;
    ctr_state_t st;
    pid_t pid;
    int code;
    int64_t started;
    if (ctr_container_state(c, &st) < 0 || ctr_container_pid(c, &pid) < 0 || ctr_container_exit_code(c, &code) < 0 ||
        ctr_container_started_at(c, &started) < 0)
        return -EIO;
    b->ok = belief_holds(b->o, st) && (st != CTR_STATE_RUNNING || pid > 0);
    return 0;
}

/* Inspect a container of another process, looked up by name: it may be
 * removed at any time (-ENOENT is fine). */
static bool inspect_other(struct proc *p)
{
    char name[64];
    unsigned other = rand_r(&p->seed) % (unsigned)p->n_procs;
    snprintf(name, sizeof name, "stress-%u-%d", other, (int)(rand_r(&p->seed) % (unsigned)(p->serial + 1)));
    ctr_container_t *c = NULL;
    char *json = NULL;
    int r = ctr_runtime_lookup(p->rt, name, &c);
    if (r == 0)
        r = ctr_container_inspect(c, 0, &json);
    ctr_free(json);
    ctr_container_unref(c);
    if (r < 0 && r != -ENOENT) {
        complain(p, "inspect", name);
        return false;
    }
    return true;
}

/* One operation; returns whether it succeeded as expected. */
static bool do_op(struct proc *p, enum op op)
{
    struct own *o = NULL;
    switch (op) {
    case OP_CREATE: {
        o = free_slot(p);
        snprintf(o->name, sizeof o->name, "stress-%d-%d", p->index, p->serial++);
        ctr_container_options_t opts = CTR_CONTAINER_OPTIONS_INIT;
        opts.image = "busybox";
        opts.name = o->name;
        opts.command = stress_cmd;
        opts.stop_timeout = 2; /* a SIGTERM sent before the shell set its trap waits this long */
        if (ctr_container_create(&o->c, p->rt, &opts) < 0) {
            complain(p, "create", o->name);
            return false;
        }
        o->used = true;
        o->b = B_CONFIGURED;
        snprintf(o->id, sizeof o->id, "%s", ctr_container_id(o->c));
        snprintf(p->ids[p->n_ids++], 65, "%s", o->id);
        return true;
    }
    case OP_START:
        o = pick(p, B_CONFIGURED);
        if (!o)
            o = pick(p, B_EXITED);
        if (ctr_container_start(o->c) < 0) {
            complain(p, "start", o->name);
            return false;
        }
        o->b = B_RUNNING;
        return true;
    case OP_EXEC: {
        o = pick(p, B_RUNNING);
        static const char *const argv[] = { "/bin/sh", "-c", "test -d /proc/1", NULL };
        ctr_exec_options_t e = CTR_EXEC_OPTIONS_INIT;
        e.argv = argv;
        int code = -1;
        if (ctr_container_exec(o->c, &e, &code) < 0) {
            complain(p, "exec", o->name);
            return false;
        }
        if (code != 0) {
            fprintf(stderr, "ctr-bench stress: process %d: exec in %s exited %d\n", p->index, o->name, code);
            p->lost++;
            return false;
        }
        return true;
    }
    case OP_STOP:
        o = pick(p, B_RUNNING);
        if (ctr_container_stop(o->c, -1) < 0) {
            complain(p, "stop", o->name);
            return false;
        }
        o->b = B_EXITED;
        return true;
    case OP_REMOVE:
        o = pick(p, -1);
        if (ctr_container_remove(o->c, CTR_REMOVE_FORCE) < 0) {
            complain(p, "remove", o->name);
            return false;
        }
        ctr_container_unref(o->c);
        memset(o, 0, sizeof *o);
        return true;
    case OP_INSPECT: {
        o = pick(p, -1);
        if (rand_r(&p->seed) % 4 == 0)
            return inspect_other(p);
        char *json = NULL;
        if (ctr_container_inspect(o->c, 0, &json) < 0) {
            complain(p, "inspect", o->name);
            return false;
        }
        bool ok = strstr(json, o->id) != NULL;
        ctr_free(json);
        if (!ok) {
            fprintf(stderr, "ctr-bench stress: process %d: inspect of %s lacks its ID\n", p->index, o->name);
            p->lost++;
        }
        return ok;
    }
    case OP_LIST: {
        ctr_container_t **list = NULL;
        size_t n = 0;
        if (ctr_runtime_list(p->rt, NULL, NULL, &list, &n) < 0) {
            complain(p, "list", NULL);
            return false;
        }
        bool ok = true;
        for (int i = 0; i < MAX_OWN; i++) {
            if (!p->own[i].used)
                continue;
            bool found = false;
            for (size_t k = 0; k < n && !found; k++)
                found = strcmp(ctr_container_id(list[k]), p->own[i].id) == 0;
            if (!found) {
                fprintf(stderr, "ctr-bench stress: process %d: %s is missing from the list\n", p->index,
                        p->own[i].name);
                p->lost++;
                ok = false;
            }
        }
        ctr_container_list_free(list, n);
        return ok;
    }
    case OP_BATCH: {
        o = pick(p, -1);
        struct batch_ctx b = { .o = o };
        if (ctr_container_batch(o->c, batch_fn, &b) < 0) {
            complain(p, "batch", o->name);
            return false;
        }
        if (!b.ok) {
            fprintf(stderr, "ctr-bench stress: process %d: %s is not what it believes\n", p->index, o->name);
            p->lost++;
        }
        return b.ok;
    }
    default:
        return false;
    }
}

/* An operation that applies now (weighted); create when nothing else does. */
static enum op choose(struct proc *p)
{
    int n_used = 0, n_run = 0, n_startable = 0;
    for (int i = 0; i < MAX_OWN; i++) {
        if (!p->own[i].used)
            continue;
        n_used++;
        n_run += p->own[i].b == B_RUNNING;
        n_startable += p->own[i].b != B_RUNNING;
    }
    for (;;) {
        unsigned r = rand_r(&p->seed) % 100, acc = 0;
        enum op op = OP_CREATE;
        for (int i = 0; i < N_OPS; i++) {
            acc += op_weight[i];
            if (r < acc) {
                op = (enum op)i;
                break;
            }
        }
        bool ok;
        switch (op) {
        case OP_CREATE: ok = n_used < MAX_OWN; break;
        case OP_START: ok = n_startable > 0; break;
        case OP_EXEC:
        case OP_STOP: ok = n_run > 0; break;
        case OP_LIST: ok = true; break;
        default: ok = n_used > 0; break;
        }
        if (ok)
            return op;
    }
}

static int child_main(int index, int n_procs, const char *root, const char *backend, int n_ops, int out_fd)
{
    struct proc p = { .index = index, .n_procs = n_procs, .seed = 0x5eed0000u + (unsigned)index * 7919u };
    p.ids = calloc((size_t)n_ops + 1, sizeof *p.ids);
    struct record *recs = calloc((size_t)n_ops, sizeof *recs);
    p.rt = open_rt(root, backend);
    if (!p.rt || !p.ids || !recs)
        return 1;
    for (int i = 0; i < n_ops; i++) {
        enum op op = choose(&p);
        double t0 = bench_now();
        bool ok = do_op(&p, op);
        recs[i] = (struct record){ .op = op, .ok = ok, .ms = (bench_now() - t0) * 1e3 };
    }
    /* What it believes, checked, then everything it made removed. */
    for (int i = 0; i < MAX_OWN; i++) {
        struct own *o = &p.own[i];
        if (!o->used)
            continue;
        ctr_container_t *again = NULL;
        ctr_state_t st;
        if (ctr_runtime_lookup(p.rt, o->name, &again) < 0 || strcmp(ctr_container_id(again), o->id) != 0 ||
            state_of(o, &st) < 0 || !belief_holds(o, st)) {
            fprintf(stderr, "ctr-bench stress: process %d: %s is lost or not what it believes\n", index, o->name);
            p.lost++;
        }
        ctr_container_unref(again);
        if (ctr_container_remove(o->c, CTR_REMOVE_FORCE) < 0)
            complain(&p, "final remove", o->name);
        ctr_container_unref(o->c);
    }
    ctr_runtime_unref(p.rt);
    struct summary s = { .lost = p.lost, .n_ids = p.n_ids };
    int r = 0;
    if (write(out_fd, &s, sizeof s) != (ssize_t)sizeof s ||
        write(out_fd, recs, (size_t)n_ops * sizeof *recs) != (ssize_t)((size_t)n_ops * sizeof *recs) ||
        write(out_fd, p.ids, (size_t)p.n_ids * 65) != (ssize_t)((size_t)p.n_ids * 65))
        r = 1;
    free(recs);
    free(p.ids);
    return r;
}

static bool read_all(int fd, void *buf, size_t size)
{
    char *b = buf;
    while (size > 0) {
        ssize_t n = read(fd, b, size);
        if (n <= 0)
            return false;
        b += n;
        size -= (size_t)n;
    }
    return true;
}

/* ---- leaks ---- */

static int count_dir(const char *dir, const char *keep)
{
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    int n = 0;
    struct dirent *de;
    while ((de = readdir(d)))
        if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..") && (!keep || strcmp(de->d_name, keep)))
            n++;
    closedir(d);
    return n;
}

static int report(const char *what, int n)
{
    if (n > 0)
        fprintf(stderr, "ctr-bench stress: leaked: %d %s\n", n, what);
    return n;
}

static bool ids_in(const char *text, char (*ids)[65], int n_ids)
{
    for (int i = 0; i < n_ids; i++) {
        char needle[80];
        snprintf(needle, sizeof needle, "libctr-%s", ids[i]);
        if (strstr(text, needle))
            return true;
    }
    return false;
}

static int count_processes(const char *root, char (*ids)[65], int n_ids)
{
    DIR *d = opendir("/proc");
    struct dirent *de;
    int n = 0;
    while (d && (de = readdir(d))) {
        int pid = atoi(de->d_name);
        if (pid <= 0)
            continue;
        char path[64], buf[16384];
        snprintf(path, sizeof path, "/proc/%d/cmdline", pid);
        FILE *f = fopen(path, "r");
        size_t len = f ? fread(buf, 1, sizeof buf - 1, f) : 0;
        if (f)
            fclose(f);
        for (size_t i = 0; i < len; i++)
            if (!buf[i])
                buf[i] = ' ';
        buf[len] = '\0';
        bool match = strstr(buf, "conmon") && strstr(buf, root);
        snprintf(path, sizeof path, "/proc/%d/cgroup", pid);
        f = fopen(path, "r");
        len = f ? fread(buf, 1, sizeof buf - 1, f) : 0;
        if (f)
            fclose(f);
        buf[len] = '\0';
        if (match || ids_in(buf, ids, n_ids))
            n++;
    }
    if (d)
        closedir(d);
    return n;
}

static int count_mounts(const char *root)
{
    FILE *f = fopen("/proc/self/mountinfo", "r");
    char line[8192];
    int n = 0;
    size_t len = strlen(root);
    while (f && fgets(line, sizeof line, f)) {
        char mp[4096];
        if (sscanf(line, "%*s %*s %*s %*s %4095s", mp) == 1 && strncmp(mp, root, len) == 0 &&
            (mp[len] == '/' || mp[len] == '\0'))
            n++;
    }
    if (f)
        fclose(f);
    return n;
}

static int count_cgroups(char (*ids)[65], int n_ids)
{
    int n = 0;
    for (int i = 0; i < n_ids; i++) {
        char cmd[256];
        snprintf(cmd, sizeof cmd, "ls -d /sys/fs/cgroup/*/libctr_parent/libctr-%s >/dev/null 2>&1", ids[i]);
        n += system(cmd) == 0;
    }
    return n;
}

static int count_leaks(const char *root, const char *backend, char (*ids)[65], int n_ids)
{
    char p[4300];
    int leaked = 0;
    ctr_runtime_t *rt = open_rt(root, backend);
    if (rt) {
        ctr_container_t **list = NULL;
        size_t n = 0;
        if (ctr_runtime_list(rt, NULL, NULL, &list, &n) == 0) {
            leaked += report("containers", (int)n);
            for (size_t i = 0; i < n; i++) /* for a clean exit */
                ctr_container_remove(list[i], CTR_REMOVE_FORCE);
            ctr_container_list_free(list, n);
        }
        ctr_runtime_unref(rt);
    }
    /* conmon exits right after its container: give it a moment. */
    int procs = 0;
    for (int i = 0; i < 50 && (procs = count_processes(root, ids, n_ids)) > 0; i++)
        usleep(20000);
    leaked += report("conmon or container processes", procs);
    leaked += report("mounts", count_mounts(root));
    snprintf(p, sizeof p, "%s/run/locks", root);
    leaked += report("lock files", count_dir(p, "runtime.lock"));
    snprintf(p, sizeof p, "%s/run/oci/runc", root);
    leaked += report("runc state entries", count_dir(p, NULL));
    snprintf(p, sizeof p, "%s/containers", root);
    leaked += report("static directories", count_dir(p, NULL));
    snprintf(p, sizeof p, "%s/run/containers", root);
    leaked += report("run directories", count_dir(p, NULL));
    snprintf(p, sizeof p, "%s/storage/containers", root);
    leaked += report("container layers", count_dir(p, NULL));
    snprintf(p, sizeof p, "%s/run/storage", root);
    leaked += report("mount counts", count_dir(p, NULL));
    leaked += report("cgroups", count_cgroups(ids, n_ids));
    return leaked;
}

/* ---- main ---- */

static void usage(void)
{
    fprintf(stderr, "usage: ctr-bench stress --backend files|tdb [--root DIR] [-p PROCESSES] [-n OPERATIONS]\n");
}

int bench_stress(int argc, char **argv)
{
    const char *backend = "files", *root_arg = NULL;
    int procs = 8, n_ops = 200;
    static const struct option opts[] = {
        { "backend", required_argument, NULL, 'b' },
        { "root", required_argument, NULL, 'r' },
        { "help", no_argument, NULL, 'h' },
        { 0 },
    };
    int ch;
    while ((ch = getopt_long(argc, argv, "b:r:p:n:h", opts, NULL)) != -1) {
        switch (ch) {
        case 'b': backend = optarg; break;
        case 'r': root_arg = optarg; break;
        case 'p': procs = atoi(optarg); break;
        case 'n': n_ops = atoi(optarg); break;
        default: usage(); return ch == 'h' ? 0 : 2;
        }
    }
    if (procs < 1 || procs > 64 || n_ops < 1) {
        usage();
        return 2;
    }
    char root[4096];
    bool temp = bench_root(root, sizeof root, root_arg);

    /* The busybox image. */
    char cmd[12288];
    const char *src = getenv("SOURCE_ROOT") ? getenv("SOURCE_ROOT") : ".";
    snprintf(cmd, sizeof cmd,
             "set -e; d=$(mktemp -d); %s/tests/lib/make-rootfs.sh $d/rootfs; tar -C $d/rootfs -cf %s/busybox.tar .; "
             "rm -rf $d",
             src, root);
    if (system(cmd) != 0) {
        fprintf(stderr, "ctr-bench stress: cannot build a busybox rootfs (set SOURCE_ROOT to the source tree)\n");
        return 1;
    }
    ctr_runtime_t *rt = open_rt(root, backend);
    if (!rt)
        return 1;
    char ref[4200];
    snprintf(ref, sizeof ref, "tarball:%s/busybox.tar", root);
    ctr_import_options_t io = CTR_IMPORT_OPTIONS_INIT;
    io.reference = ref;
    io.name = "busybox";
    if (ctr_image_import(rt, &io, NULL) < 0) {
        fprintf(stderr, "ctr-bench stress: import: %s\n", ctr_error_last()->message);
        return 1;
    }
    ctr_runtime_unref(rt);

    /* The run: every process at once. */
    pid_t *pids = calloc((size_t)procs, sizeof *pids);
    int *fds = calloc((size_t)procs, sizeof *fds);
    double t0 = bench_now();
    for (int i = 0; i < procs; i++) {
        int pfd[2];
        if (pipe(pfd) < 0) {
            perror("ctr-bench stress: pipe");
            return 1;
        }
        pids[i] = fork();
        if (pids[i] == 0) {
            close(pfd[0]);
            _exit(child_main(i, procs, root, backend, n_ops, pfd[1]));
        }
        close(pfd[1]);
        fds[i] = pfd[0];
    }
    /* Each child writes its records when done. */
    size_t total = (size_t)procs * (size_t)n_ops;
    struct record *recs = calloc(total, sizeof *recs);
    char(*ids)[65] = calloc(total + 1, sizeof *ids);
    int lost = 0, n_ids = 0, failed_children = 0;
    for (int i = 0; i < procs; i++) {
        struct summary s;
        if (!read_all(fds[i], &s, sizeof s) || !read_all(fds[i], recs + (size_t)i * (size_t)n_ops,
                                                         (size_t)n_ops * sizeof *recs) ||
            s.n_ids < 0 || s.n_ids > n_ops || !read_all(fds[i], ids + n_ids, (size_t)s.n_ids * 65)) {
            failed_children++;
        } else {
            lost += s.lost;
            n_ids += s.n_ids;
        }
        close(fds[i]);
    }
    for (int i = 0; i < procs; i++) {
        int status = 0;
        if (waitpid(pids[i], &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
            failed_children++;
    }
    double wall = bench_now() - t0;
    if (failed_children)
        fprintf(stderr, "ctr-bench stress: %d process%s did not finish its run\n", failed_children,
                failed_children == 1 ? "" : "es");
    lost += failed_children * n_ops;

    /* Latencies. */
    printf("stress: %d processes x %d operations, state backend %s (%s)\n", procs, n_ops, backend, root);
    printf("  %-10s %8s %8s %10s %10s %10s\n", "operation", "count", "failed", "p50 ms", "p99 ms", "max ms");
    double *all = calloc(total, sizeof *all);
    size_t n_all = 0;
    for (int op = 0; op < N_OPS; op++) {
        double *v = calloc(total, sizeof *v);
        size_t n = 0, failed = 0;
        for (size_t i = 0; i < total; i++)
            if (recs[i].op == op) {
                v[n++] = recs[i].ms;
                all[n_all++] = recs[i].ms;
                failed += !recs[i].ok;
            }
        if (n > 0) {
            double p50 = bench_percentile(v, n, 50), p99 = bench_percentile(v, n, 99);
            printf("  %-10s %8zu %8zu %10.1f %10.1f %10.1f\n", op_names[op], n, failed, p50, p99, v[n - 1]);
        }
        free(v);
    }
    double p50 = bench_percentile(all, n_all, 50), p99 = bench_percentile(all, n_all, 99);
    printf("  %-10s %8zu %8s %10.1f %10.1f %10.1f\n", "all", n_all, "", p50, p99, n_all ? all[n_all - 1] : 0.0);
    double ops_per_s = (double)n_all / wall;
    printf("  wall %.1f s, %.1f operations per second\n", wall, ops_per_s);

    int leaked = count_leaks(root, backend, ids, n_ids);
    printf("stress %s: ops_per_s=%.1f p99_ms=%.1f lost=%d leaked=%d\n", backend, ops_per_s, p99, lost, leaked);
    free(all);
    free(recs);
    free(ids);
    free(pids);
    free(fds);
    if (temp && leaked == 0)
        bench_rm_rf(root);
    else if (temp)
        fprintf(stderr, "ctr-bench stress: root kept in %s\n", root);
    return lost || leaked ? 1 : 0;
}
