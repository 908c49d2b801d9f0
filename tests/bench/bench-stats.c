/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* ctr-bench stats: the cost of sampling many running containers.
 *
 *   ctr-bench stats [-n CONTAINERS] [-r ROUNDS] [--root DIR] [--no-podman]
 *
 * Starts N libctr containers running sleep (busybox, no network), then
 * times, ROUNDS times each: a ctr_container_stats() of each of them, one
 * round of ctr_container_stats_stream() over all of them (the host's files
 * read once), and beside them `podman stats --no-stream --format json` of
 * N podman containers of its own (podman sees only its own: the same
 * rootfs, --network none), a whole process.  Prints the medians, the cost
 * per container and the ratios; removes every container it started. */
#include <getopt.h>
#include <libctr/ctr.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench-util.h"

int bench_stats(int argc, char **argv);

static void fail(const char *what)
{
    const ctr_error_t *e = ctr_error_last();
    fprintf(stderr, "ctr-bench stats: %s: %s (%s)\n", what, e->message, ctr_strerror(e->code));
}

static ctr_container_t **start_all(ctr_runtime_t *rt, const char *rootfs, int n)
{
    static const char *cmd[] = { "/bin/sleep", "1000", NULL };
    ctr_container_t **cs = calloc((size_t)n, sizeof *cs);
    for (int i = 0; cs && i < n; i++) {
        char name[64];
        snprintf(name, sizeof name, "ctr-bench-stats-%d", i);
        ctr_container_options_t o = CTR_CONTAINER_OPTIONS_INIT;
        o.name = name;
        o.rootfs = rootfs;
        o.command = cmd;
        if (ctr_container_create(&cs[i], rt, &o) < 0 || ctr_container_start(cs[i]) < 0) {
            fail("start a container");
            return cs;
        }
    }
    return cs;
}

static void remove_all(ctr_container_t **cs, int n)
{
    for (int i = 0; cs && i < n; i++) {
        if (cs[i] && ctr_container_remove(cs[i], CTR_REMOVE_FORCE) < 0)
            fail("remove a container");
        ctr_container_unref(cs[i]);
    }
    free(cs);
}

/* One ctr_container_stats() of each; -1 on a failure. */
static double time_each(ctr_container_t **cs, int n)
{
    double t0 = bench_now();
    for (int i = 0; i < n; i++) {
        ctr_stats_t *s = NULL;
        if (ctr_container_stats(cs[i], NULL, &s) < 0) {
            fail("ctr_container_stats");
            return -1;
        }
        ctr_stats_free(s);
    }
    return bench_now() - t0;
}

static int first_round(const ctr_stats_t *const *stats, size_t n, void *userdata)
{
    size_t *live = userdata;
    for (size_t i = 0; i < n; i++)
        *live += stats[i] != NULL;
    return 1;
}

/* One round of a stream over all of them; -1 on a failure. */
static double time_stream(ctr_container_t **cs, int n)
{
    size_t live = 0;
    double t0 = bench_now();
    if (ctr_container_stats_stream(cs, (size_t)n, NULL, first_round, &live) < 0 || live != (size_t)n) {
        fail("ctr_container_stats_stream");
        return -1;
    }
    return bench_now() - t0;
}

/* N podman containers of the bench's own, named ctr-bench-pstats-BATCH-I;
 * false when podman cannot run them. */
static bool podman_start(const char *rootfs, int n, int batch)
{
    char cmd[8192];
    snprintf(cmd, sizeof cmd,
             "command -v podman >/dev/null || exit 1; i=0; while [ $i -lt %d ]; do "
             "podman --runtime runc run -d --name ctr-bench-pstats-%d-$i --network none --ulimit nofile=1024:1024 "
             "--ulimit nproc=4096:4096 --rootfs %s /bin/sleep 1000 >/dev/null || exit 1; i=$((i + 1)); done",
             n, batch, rootfs);
    return bench_shell(cmd) == 0;
}

/* podman stats of the N named containers, a whole process; -1 on a failure. */
static double time_podman(int batch, int n)
{
    static char run[65536];
    size_t len = (size_t)snprintf(run, sizeof run, "podman stats --no-stream --format json");
    for (int i = 0; i < n && len < sizeof run; i++)
        len += (size_t)snprintf(run + len, sizeof run - len, " ctr-bench-pstats-%d-%d", batch, i);
    if (len + 16 >= sizeof run)
        return -1;
    snprintf(run + len, sizeof run - len, " >/dev/null");
    double t0 = bench_now();
    return bench_shell(run) == 0 ? bench_now() - t0 : -1;
}

static void podman_remove(int batch)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd,
             "podman ps -a --filter name='^ctr-bench-pstats-%d-' --format '{{.ID}}' | xargs -r podman rm -f -t 0 "
             ">/dev/null",
             batch);
    bench_shell(cmd);
}

struct stats_opts {
    int n, rounds;
    const char *root;
    bool podman;
};

static int parse(int argc, char **argv, struct stats_opts *o)
{
    static const struct option opts[] = {
        { "root", required_argument, NULL, 'R' },
        { "no-podman", no_argument, NULL, 'P' },
        { "help", no_argument, NULL, 'h' },
        { 0 },
    };
    int ch;
    while ((ch = getopt_long(argc, argv, "n:r:h", opts, NULL)) != -1) {
        switch (ch) {
        case 'n': o->n = atoi(optarg); break;
        case 'r': o->rounds = atoi(optarg); break;
        case 'R': o->root = optarg; break;
        case 'P': o->podman = false; break;
        default:
            fprintf(stderr, "usage: ctr-bench stats [-n CONTAINERS] [-r ROUNDS] [--root DIR] [--no-podman]\n");
            return ch == 'h' ? 0 : 2;
        }
    }
    o->n = o->n < 1 ? 1 : o->n;
    o->rounds = o->rounds < 1 ? 1 : o->rounds;
    return -1;
}

static void report(const struct stats_opts *o, double each, double stream, double pod, const char *pod_note)
{
    printf("stats of %d running containers (sleep), %d rounds, medians (ratio = other / libctr each)\n", o->n,
           o->rounds);
    printf("  %-58s %10s %12s %8s\n", "", "ms", "ms/container", "ratio");
    printf("  %-58s %10.2f %12.3f %8s\n", "libctr: ctr_container_stats() of each", each, each / o->n, "1.00");
    printf("  %-58s %10.2f %12.3f %8.2f\n", "libctr: one round of ctr_container_stats_stream()", stream,
           stream / o->n, stream / each);
    if (pod > 0)
        printf("  %-58s %10.2f %12.3f %8.2f\n", "podman stats --no-stream --format json (its own N)", pod, pod / o->n,
               pod / each);
    else
        printf("  %-58s %s\n", "podman stats --no-stream --format json", pod_note);
    printf("  (podman's figure is a whole process over %d podman containers of its own, same rootfs, --network "
           "none; libctr's are calls in this process)\n",
           o->n);
    printf("stats: n=%d per_container_ms=%.3f stream_per_container_ms=%.3f podman_per_container_ms=%s%.3f "
           "goal_under_1ms=%s\n",
           o->n, each / o->n, stream / o->n, pod > 0 ? "" : "n/a ", pod > 0 ? pod / o->n : 0,
           each / o->n < 1.0 ? "yes" : "no");
}

/* Time the three ROUNDS times, interleaved; medians in ms into ret[3] (podman -1 when not measured). */
static int measure(const struct stats_opts *o, ctr_container_t **cs, int batch, double ret[3])
{
    double *t[3];
    int k[3] = { 0, 0, 0 };
    for (int j = 0; j < 3; j++)
        t[j] = calloc((size_t)o->rounds, sizeof(double));
    int r = 0;
    time_each(cs, o->n); /* warm-up */
    for (int i = 0; i < o->rounds && r == 0; i++) {
        double v[3] = { time_each(cs, o->n), time_stream(cs, o->n), batch ? time_podman(batch, o->n) : -1 };
        r = v[0] < 0 || v[1] < 0 ? -1 : 0;
        for (int j = 0; j < 3; j++)
            if (v[j] >= 0)
                t[j][k[j]++] = v[j] * 1e3;
    }
    for (int j = 0; j < 3; j++) {
        ret[j] = k[j] ? bench_median(t[j], (size_t)k[j]) : -1;
        free(t[j]);
    }
    return r;
}

int bench_stats(int argc, char **argv)
{
    struct stats_opts o = { .n = 100, .rounds = 5, .podman = true };
    int r = parse(argc, argv, &o);
    if (r >= 0)
        return r;
    char root[4096], rootfs[4200], run_root[4200], cmd[8400];
    bool temp = bench_root(root, sizeof root, o.root);
    snprintf(rootfs, sizeof rootfs, "%s/rootfs", root);
    snprintf(run_root, sizeof run_root, "%s/run", root);
    const char *src = getenv("SOURCE_ROOT");
    snprintf(cmd, sizeof cmd, "%s/tests/lib/make-rootfs.sh %s >/dev/null", src ? src : ".", rootfs);
    if (bench_shell(cmd) != 0) {
        fprintf(stderr, "ctr-bench: cannot build a busybox rootfs (set SOURCE_ROOT to the source tree)\n");
        return 1;
    }
    ctr_runtime_options_t ro = CTR_RUNTIME_OPTIONS_INIT;
    ro.root = root;
    ro.run_root = run_root;
    ctr_runtime_t *rt = NULL;
    if (ctr_runtime_new(&rt, &ro) < 0)
        return fail("open runtime"), 1;
    ctr_container_t **cs = start_all(rt, rootfs, o.n);
    int batch = (int)getpid();
    if (o.podman && !podman_start(rootfs, o.n, batch))
        batch = 0;
    double m[3] = { -1, -1, -1 };
    r = cs && cs[o.n - 1] && ctr_container_pid(cs[o.n - 1], &(pid_t){ 0 }) == 0 ? measure(&o, cs, batch, m) : -1;
    if (r == 0)
        report(&o, m[0], m[1], m[2], o.podman ? "(podman not installed or failing)" : "(--no-podman)");
    if (o.podman)
        podman_remove((int)getpid());
    remove_all(cs, o.n);
    ctr_runtime_unref(rt);
    if (temp)
        bench_rm_rf(root);
    return r == 0 ? 0 : 1;
}
