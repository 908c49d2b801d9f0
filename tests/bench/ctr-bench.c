/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* ctr-bench: benchmarks of libctr, printed as tables of medians.
 *
 *   ctr-bench state --backend files|tdb [-n N] [--root DIR]
 *   ctr-bench stress --backend files|tdb [--root DIR]   (bench-stress.c)
 *   ctr-bench stats [-n CONTAINERS] [-r ROUNDS]          (bench-stats.c)
 *
 * Each subcommand prints a table and one final summary line. */
#include <errno.h>
#include <getopt.h>
#include <libctr/ctr.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "bench-util.h"

static int die(const char *what)
{
    const ctr_error_t *e = ctr_error_last();
    fprintf(stderr, "ctr-bench: %s: %s (%s)\n", what, e->message, ctr_strerror(e->code));
    exit(1);
}

/* lifecycle --runtime: the OCI runtime libctr's containers run with. */
static const char *bench_oci_runtime;
/* ... and the binary its bare split runs: for "native", ctr-oci of
 * $LIBCTR_HELPER_DIR (libctr runs it under helpers/ctr-monitor). */
static const char *bench_split_runtime;
static char bench_native_path[4200];

static ctr_runtime_t *open_rt(const char *root, const char *backend)
{
    char run_root[4096];
    snprintf(run_root, sizeof run_root, "%s/run", root);
    ctr_runtime_options_t o = CTR_RUNTIME_OPTIONS_INIT;
    o.root = root;
    o.run_root = run_root;
    o.state_backend = backend;
    o.oci_runtime = bench_oci_runtime;
    ctr_runtime_t *rt = NULL;
    if (ctr_runtime_new(&rt, &o) < 0)
        die("open runtime");
    return rt;
}

static void create_one(ctr_runtime_t *rt, const char *name)
{
    static const char *cmd[] = { "/bin/true", NULL };
    static const char *labels[] = { "bench=state", "app=demo", NULL };
    ctr_container_options_t o = CTR_CONTAINER_OPTIONS_INIT;
    o.name = name;
    o.rootfs = "/";
    o.command = cmd;
    o.labels = labels;
    ctr_container_t *c = NULL;
    if (ctr_container_create(&c, rt, &o) < 0)
        die("create");
    ctr_container_unref(c);
}

static int bench_state(int argc, char **argv)
{
    const char *backend = "files", *root_arg = NULL;
    int n = 1000, extra = 200, rounds = 21;
    static const struct option opts[] = {
        { "backend", required_argument, NULL, 'b' },
        { "root", required_argument, NULL, 'r' },
        { "help", no_argument, NULL, 'h' },
        { 0 },
    };
    int ch;
    while ((ch = getopt_long(argc, argv, "n:b:r:h", opts, NULL)) != -1) {
        switch (ch) {
        case 'n': n = atoi(optarg); break;
        case 'b': backend = optarg; break;
        case 'r': root_arg = optarg; break;
        default:
            fprintf(stderr, "usage: ctr-bench state --backend files|tdb [-n N] [--root DIR]\n");
            return ch == 'h' ? 0 : 2;
        }
    }
    if (n < 1) {
        fprintf(stderr, "ctr-bench: -n must be positive\n");
        return 2;
    }
    char root[4096];
    bool temp = bench_root(root, sizeof root, root_arg);
    ctr_runtime_t *rt = open_rt(root, backend);

    /* Fill up to N containers. */
    char name[64];
    double t0 = bench_now();
    for (int i = 0; i < n; i++) {
        snprintf(name, sizeof name, "bench-%d", i);
        create_one(rt, name);
    }
    double fill = bench_now() - t0;

    /* Durable creates at N existing containers. */
    t0 = bench_now();
    for (int i = 0; i < extra; i++) {
        snprintf(name, sizeof name, "extra-%d", i);
        create_one(rt, name);
    }
    double creates_per_s = extra / (bench_now() - t0);
    int total = n + extra;

    /* List all with states: in this process (configs cached) and from a
     * freshly opened runtime (every config parsed). */
    double *list_ms = calloc((size_t)rounds, sizeof *list_ms);
    double *cold_ms = calloc((size_t)rounds, sizeof *cold_ms);
    for (int i = 0; i < rounds; i++) {
        ctr_container_t **l = NULL;
        size_t cnt = 0;
        t0 = bench_now();
        if (ctr_runtime_list(rt, NULL, NULL, &l, &cnt) < 0)
            die("list");
        list_ms[i] = (bench_now() - t0) * 1e3;
        if ((int)cnt != total) {
            fprintf(stderr, "ctr-bench: listed %zu containers, expected %d\n", cnt, total);
            return 1;
        }
        ctr_container_list_free(l, cnt);
    }
    for (int i = 0; i < 5; i++) {
        ctr_runtime_t *fresh = open_rt(root, backend);
        ctr_container_t **l = NULL;
        size_t cnt = 0;
        t0 = bench_now();
        if (ctr_runtime_list(fresh, NULL, NULL, &l, &cnt) < 0)
            die("list");
        cold_ms[i] = (bench_now() - t0) * 1e3;
        ctr_container_list_free(l, cnt);
        ctr_runtime_unref(fresh);
    }

    /* Lookup by name and inspect (config + state JSON). */
    int lookups = 1000;
    double *lookup_us = calloc((size_t)lookups, sizeof *lookup_us);
    double *inspect_us = calloc((size_t)lookups, sizeof *inspect_us);
    unsigned seed = 12345;
    for (int i = 0; i < lookups; i++) {
        snprintf(name, sizeof name, "bench-%d", (int)(rand_r(&seed) % (unsigned)n));
        ctr_container_t *c = NULL;
        t0 = bench_now();
        if (ctr_runtime_lookup(rt, name, &c) < 0)
            die("lookup");
        lookup_us[i] = (bench_now() - t0) * 1e6;
        char *cfg = NULL, *st = NULL;
        t0 = bench_now();
        if (ctr_container_config_json(c, &cfg) < 0 || ctr_container_state_json(c, &st) < 0)
            die("inspect");
        inspect_us[i] = (bench_now() - t0) * 1e6;
        ctr_free(cfg);
        ctr_free(st);
        ctr_container_unref(c);
    }

    double list_med = bench_median(list_ms, (size_t)rounds);
    double cold_med = bench_median(cold_ms, 5);
    double lookup_med = bench_median(lookup_us, (size_t)lookups);
    double inspect_med = bench_median(inspect_us, (size_t)lookups);

    printf("state backend %s, %d containers (%s)\n", backend, total, root);
    printf("  %-44s %12s\n", "measure", "median");
    printf("  %-44s %12.0f\n", "fill: creates per second (0 -> N)", n / fill);
    printf("  %-44s %12.0f\n", "durable creates per second at N existing", creates_per_s);
    printf("  %-44s %12.2f ms\n", "list all with states", list_med);
    printf("  %-44s %12.2f ms\n", "list all, freshly opened runtime", cold_med);
    printf("  %-44s %12.1f us\n", "lookup by name", lookup_med);
    printf("  %-44s %12.1f us\n", "inspect (config + state JSON)", inspect_med);
    printf("  (reference: podman create 22-28/s; podman ps -a with 500 containers 209 ms)\n");
    printf("state %s: creates_per_s=%.0f list_ms=%.2f lookup_us=%.1f inspect_us=%.1f\n", backend, creates_per_s,
           list_med, lookup_med, inspect_med);
    free(list_ms);
    free(cold_ms);
    free(lookup_us);
    free(inspect_us);
    ctr_runtime_unref(rt);
    if (temp)
        bench_rm_rf(root);
    return 0;
}

/* ---- lifecycle ---- */

/* A busybox rootfs and two bare OCI bundles around it for runc itself: runc's
 * own default spec (made runnable here: no terminal, rlimits within the hard
 * limit, the command `true`), and the very spec libctr generates (with the
 * default seccomp profile, masked paths and capabilities), so that the
 * library's own overhead shows apart from what the spec costs the runtime. */
static void make_rootfs(const char *rootfs)
{
    char cmd[8192];
    const char *src = getenv("SOURCE_ROOT");
    snprintf(cmd, sizeof cmd, "%s/tests/lib/make-rootfs.sh %s", src ? src : ".", rootfs);
    if (system(cmd) != 0) {
        fprintf(stderr, "ctr-bench: cannot build a busybox rootfs (set SOURCE_ROOT to the source tree)\n");
        exit(1);
    }
}

static void make_bundle(const char *dir, const char *rootfs, const char *from_spec)
{
    char cmd[16384];
    if (from_spec)
        snprintf(cmd, sizeof cmd,
                 "cd %s && /usr/bin/python3 -c \"import json;s=json.load(open('%s'));"
                 "s['linux']['cgroupsPath']='/libctr_bench/runc-same';json.dump(s,open('config.json','w'))\"",
                 dir, from_spec);
    else
        snprintf(cmd, sizeof cmd,
                 "cd %s && runc spec && /usr/bin/python3 -c \"import json;s=json.load(open('config.json'));"
                 "s['process']['terminal']=False;s['process']['args']=['/bin/true'];s['process'].pop('rlimits',None);"
                 "s['root']['path']='%s';s['linux']['cgroupsPath']='/libctr_bench/runc';"
                 "json.dump(s,open('config.json','w'))\"",
                 dir, rootfs);
    if (system(cmd) != 0) {
        fprintf(stderr, "ctr-bench: cannot make a runc bundle in %s\n", dir);
        exit(1);
    }
}

static double time_runc_run(const char *bundle, const char *state_root, int i)
{
    char id[64];
    snprintf(id, sizeof id, "ctr-bench-run-%d-%d", (int)getpid(), i);
    char *const argv[] = { "runc", "--root", (char *)state_root, "run", "--bundle", (char *)bundle, id, NULL };
    double t0 = bench_now();
    if (bench_run(argv, true) != 0) {
        fprintf(stderr, "ctr-bench: runc run failed\n");
        exit(1);
    }
    return bench_now() - t0;
}

/* create + start + state + delete with @runtime (runc's command line). */
static double time_split(const char *runtime, const char *bundle, const char *state_root, int i)
{
    char id[64];
    snprintf(id, sizeof id, "ctr-bench-split-%d-%d", (int)getpid(), i);
    char *rt = (char *)runtime, *root = (char *)state_root;
    char *const create[] = { rt, "--root", root, "create", "--bundle", (char *)bundle, id, NULL };
    char *const start[] = { rt, "--root", root, "start", id, NULL };
    char *const state[] = { rt, "--root", root, "state", id, NULL };
    char *const del[] = { rt, "--root", root, "delete", "--force", id, NULL };
    double t0 = bench_now();
    if (bench_run(create, true) != 0 || bench_run(start, true) != 0 || bench_run(state, true) != 0 ||
        bench_run(del, true) != 0) {
        fprintf(stderr, "ctr-bench: %s create/start/delete failed\n", runtime);
        exit(1);
    }
    return bench_now() - t0;
}

static double time_runc_split(const char *bundle, const char *state_root, int i)
{
    return time_split("runc", bundle, state_root, i);
}

static double time_ctr(ctr_runtime_t *rt, const char *rootfs)
{
    static const char *cmd[] = { "/bin/true", NULL };
    ctr_container_options_t o = CTR_CONTAINER_OPTIONS_INIT;
    o.rootfs = rootfs;
    o.command = cmd;
    ctr_container_t *c = NULL;
    int code = -1;
    double t0 = bench_now();
    if (ctr_container_create(&c, rt, &o) < 0 || ctr_container_init(c) < 0 || ctr_container_start(c) < 0 ||
        ctr_container_wait(c, -1, &code) < 0 || ctr_container_remove(c, 0) < 0)
        die("lifecycle");
    double t = bench_now() - t0;
    if (code != 0) {
        fprintf(stderr, "ctr-bench: true exited %d\n", code);
        exit(1);
    }
    ctr_container_unref(c);
    return t;
}

static double time_podman(int i)
{
    /* --runtime runc: podman's default here, crun, refuses this machine's hybrid cgroup layout. */
    char *const argv[] = { "podman", "run", "--rm", "--runtime", "runc", "--network", "none", "--ulimit", "nofile=1024:1024",
                           "--ulimit", "nproc=1024:1024", "ctr-bench-busybox", "true", NULL };
    double t0 = bench_now();
    if (bench_run(argv, true) != 0)
        return -1;
    return bench_now() - t0;
}

static bool have_podman_image(void)
{
    char *const probe[] = { "podman", "--version", NULL };
    if (bench_run(probe, true) != 0)
        return false;
    char *const exists[] = { "podman", "image", "exists", "ctr-bench-busybox", NULL };
    if (bench_run(exists, true) == 0)
        return true;
    /* Import the busybox rootfs as an image, the way a user would. */
    const char *src = getenv("SOURCE_ROOT");
    char cmd[4096];
    snprintf(cmd, sizeof cmd,
             "d=$(mktemp -d) && %s/tests/lib/make-rootfs.sh $d/r >/dev/null && tar -C $d/r -cf $d/r.tar . && "
             "podman import -q $d/r.tar ctr-bench-busybox >/dev/null; s=$?; rm -rf $d; exit $s",
             src ? src : ".");
    return system(cmd) == 0;
}

static int bench_network(int n, const char *root_arg);

static int bench_lifecycle(int argc, char **argv)
{
    int n = 20;
    bool network = false;
    const char *root_arg = NULL;
    static const struct option opts[] = {
        { "root", required_argument, NULL, 'r' },
        { "network", no_argument, NULL, 'N' },
        { "runtime", required_argument, NULL, 'R' },
        { "help", no_argument, NULL, 'h' },
        { 0 },
    };
    int ch;
    while ((ch = getopt_long(argc, argv, "n:r:h", opts, NULL)) != -1) {
        switch (ch) {
        case 'n': n = atoi(optarg); break;
        case 'r': root_arg = optarg; break;
        case 'N': network = true; break;
        case 'R':
            bench_oci_runtime = bench_split_runtime = optarg;
            if (strcmp(optarg, "native") == 0 && getenv("LIBCTR_HELPER_DIR")) {
                snprintf(bench_native_path, sizeof bench_native_path, "%s/ctr-oci", getenv("LIBCTR_HELPER_DIR"));
                bench_split_runtime = bench_native_path;
            }
            break;
        default:
            fprintf(stderr, "usage: ctr-bench lifecycle [-n N] [--root DIR] [--network] [--runtime PATH]\n");
            return ch == 'h' ? 0 : 2;
        }
    }
    if (n < 1)
        n = 1;
    if (network)
        return bench_network(n, root_arg);
    char root[4096], rootfs[4200], bundle[4200], same[4200], state_root[4200];
    bool temp = bench_root(root, sizeof root, root_arg);
    snprintf(rootfs, sizeof rootfs, "%s/rootfs", root);
    snprintf(bundle, sizeof bundle, "%s/bundle", root);
    snprintf(same, sizeof same, "%s/bundle-same", root);
    snprintf(state_root, sizeof state_root, "%s/runc-state", root);
    mkdir(bundle, 0700);
    mkdir(same, 0700);
    make_rootfs(rootfs);
    make_bundle(bundle, rootfs, NULL);
    ctr_runtime_t *rt = open_rt(root, "files");
    /* A libctr container kept created for the run: its config.json (and the
     * files it binds) serve the same-spec bundle. */
    static const char *true_cmd[] = { "/bin/true", NULL };
    ctr_container_options_t so = CTR_CONTAINER_OPTIONS_INIT;
    so.rootfs = rootfs;
    so.command = true_cmd;
    so.name = "ctr-bench-spec";
    ctr_container_t *spec_ctr = NULL;
    if (ctr_container_create(&spec_ctr, rt, &so) < 0 || ctr_container_init(spec_ctr) < 0)
        die("spec container");
    char spec_path[4300];
    snprintf(spec_path, sizeof spec_path, "%s/config.json", ctr_container_static_dir(spec_ctr));
    make_bundle(same, rootfs, spec_path);
    bool podman = have_podman_image();

    double *ctr_t = calloc((size_t)n, sizeof(double)), *run_t = calloc((size_t)n, sizeof(double));
    double *split_t = calloc((size_t)n, sizeof(double)), *pod_t = calloc((size_t)n, sizeof(double));
    double *drun_t = calloc((size_t)n, sizeof(double)), *dsplit_t = calloc((size_t)n, sizeof(double));
    double *osplit_t = calloc((size_t)n, sizeof(double));
    /* One warm-up each, then interleave so drift hits all alike. */
    time_ctr(rt, rootfs);
    if (bench_oci_runtime)
        time_split(bench_split_runtime, same, state_root, -3);
    time_runc_run(same, state_root, -1);
    time_runc_split(same, state_root, -1);
    time_runc_split(bundle, state_root, -2);
    int pods = 0;
    for (int i = 0; i < n; i++) {
        ctr_t[i] = time_ctr(rt, rootfs) * 1e3;
        run_t[i] = time_runc_run(same, state_root, i) * 1e3;
        split_t[i] = time_runc_split(same, state_root, i) * 1e3;
        drun_t[i] = time_runc_run(bundle, state_root, n + i) * 1e3;
        dsplit_t[i] = time_runc_split(bundle, state_root, n + i) * 1e3;
        if (bench_oci_runtime)
            osplit_t[i] = time_split(bench_split_runtime, same, state_root, 2 * n + i) * 1e3;
        if (podman) {
            double t = time_podman(i);
            if (t > 0)
                pod_t[pods++] = t * 1e3;
        }
    }
    double ctr_ms = bench_median(ctr_t, (size_t)n), run_ms = bench_median(run_t, (size_t)n);
    double split_ms = bench_median(split_t, (size_t)n), pod_ms = pods ? bench_median(pod_t, (size_t)pods) : 0;
    double drun_ms = bench_median(drun_t, (size_t)n), dsplit_ms = bench_median(dsplit_t, (size_t)n);
    printf("lifecycle of busybox true, %d runs each, medians (ratio = libctr / other)\n", n);
    printf("  %-60s %9s %9s\n", "", "ms", "ratio");
    printf("  %-60s %9.1f %9s\n", "libctr create+init+start+wait+remove (files backend)", ctr_ms, "1.00");
    printf("  %-60s %9.1f %9.2f\n", "runc create+start+state+delete, libctr's spec (bare split)", split_ms,
           ctr_ms / split_ms);
    printf("  %-60s %9.1f %9.2f\n", "runc run, libctr's spec", run_ms, ctr_ms / run_ms);
    printf("  %-60s %9.1f %9.2f\n", "runc create+start+state+delete, runc's default spec", dsplit_ms,
           ctr_ms / dsplit_ms);
    printf("  %-60s %9.1f %9.2f\n", "runc run, runc's default spec", drun_ms, ctr_ms / drun_ms);
    printf("  (libctr's spec carries podman's default seccomp profile, which runc compiles at every start;\n"
           "   runc's default spec has none)\n");
    if (pods)
        printf("  %-60s %9.1f %9.2f\n", "podman run --rm --network none", pod_ms, ctr_ms / pod_ms);
    else
        printf("  %-60s %9s\n", "podman run --rm --network none", "(podman not installed or failing)");
    if (bench_oci_runtime) {
        double osplit_ms = bench_median(osplit_t, (size_t)n);
        printf("  %-60s %9.1f %9.2f\n", "--runtime's create+start+state+delete, libctr's spec", osplit_ms,
               ctr_ms / osplit_ms);
        printf("  (libctr above ran with --runtime %s)\n", bench_oci_runtime);
        printf("lifecycle-native: ctr_ms=%.1f runtime_split_ms=%.1f runc_split_ms=%.1f podman_ms=%s%.1f "
               "vs_runc_split=%.2f vs_podman=%s%.2f\n",
               ctr_ms, osplit_ms, split_ms, pods ? "" : "n/a ", pod_ms, split_ms / ctr_ms, pods ? "" : "n/a ",
               pods ? pod_ms / ctr_ms : 0);
    }
    printf("lifecycle: ctr_ms=%.1f runc_run_ms=%.1f runc_split_ms=%.1f podman_ms=%s%.1f vs_runc_split=%.2f "
           "vs_podman=%s%.2f\n",
           ctr_ms, run_ms, split_ms, pods ? "" : "n/a ", pod_ms, ctr_ms / split_ms, pods ? "" : "n/a ",
           pods ? pod_ms / ctr_ms : 0);
    free(ctr_t);
    free(run_t);
    free(split_t);
    free(pod_t);
    free(drun_t);
    free(dsplit_t);
    free(osplit_t);
    ctr_container_remove(spec_ctr, CTR_REMOVE_FORCE);
    ctr_container_unref(spec_ctr);
    ctr_runtime_unref(rt);
    if (temp)
        bench_rm_rf(root);
    return 0;
}

/* ---- lifecycle with a bridge network and a port mapping ---- */

/* A network of the bench's own, in a temporary CNI configuration directory,
 * on a dedicated subnet (never the user's default network). */
#define BENCH_NET "ctrbench0"
#define BENCH_SUBNET "10.209.79.0/24"
#define BENCH_PORT 18979

static double time_ctr_net(ctr_runtime_t *rt, const char *rootfs)
{
    static const char *cmd[] = { "/bin/true", NULL };
    static const char *nets[] = { BENCH_NET, NULL };
    ctr_port_mapping_t pm = { .host_ip = "127.0.0.1", .host_port = BENCH_PORT, .container_port = 80 };
    ctr_container_options_t o = CTR_CONTAINER_OPTIONS_INIT;
    o.rootfs = rootfs;
    o.command = cmd;
    o.flags = CTR_CREATE_NETNS;
    o.networks = nets;
    o.port_mappings = &pm;
    o.n_port_mappings = 1;
    ctr_container_t *c = NULL;
    int code = -1;
    double t0 = bench_now();
    if (ctr_container_create(&c, rt, &o) < 0 || ctr_container_init(c) < 0 || ctr_container_start(c) < 0 ||
        ctr_container_wait(c, -1, &code) < 0 || ctr_container_remove(c, 0) < 0)
        die("lifecycle with a network");
    double t = bench_now() - t0;
    if (code != 0) {
        fprintf(stderr, "ctr-bench: true exited %d\n", code);
        exit(1);
    }
    ctr_container_unref(c);
    return t;
}

/* podman with its default bridge network and the same port mapping; runc
 * as libctr uses (crun cannot run on hybrid cgroup hosts). */
static double time_podman_net(void)
{
    char port[64];
    snprintf(port, sizeof port, "127.0.0.1:%d:80", BENCH_PORT + 1);
    char *const argv[] = { "podman", "run", "--rm", "--runtime", "runc", "-p", port, "--ulimit", "nofile=1024:1024",
                           "--ulimit", "nproc=1024:1024", "ctr-bench-busybox", "true", NULL };
    double t0 = bench_now();
    if (bench_run(argv, true) != 0)
        return -1;
    return bench_now() - t0;
}

static bool dir_exists(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

static bool chain_exists(void)
{
    char *const argv[] = { "iptables", "-w", "-t", "nat", "-S", "CNI-HOSTPORT-DNAT", NULL };
    return bench_run(argv, true) == 0;
}

static int bench_network(int n, const char *root_arg)
{
    char root[4096], rootfs[4200], cni[4200];
    bool temp = bench_root(root, sizeof root, root_arg);
    snprintf(rootfs, sizeof rootfs, "%s/rootfs", root);
    snprintf(cni, sizeof cni, "%s/cni", root);
    char cmd[8192];
    const char *src = getenv("SOURCE_ROOT");
    snprintf(cmd, sizeof cmd, "%s/tests/lib/make-rootfs.sh %s", src ? src : ".", rootfs);
    if (system(cmd) != 0) {
        fprintf(stderr, "ctr-bench: cannot build a busybox rootfs (set SOURCE_ROOT to the source tree)\n");
        return 1;
    }
    /* What this bench may leave on the host, to remove it after. */
    bool had_cni_dir = dir_exists("/var/lib/cni"), had_chains = chain_exists();

    char run_root[4200];
    snprintf(run_root, sizeof run_root, "%s/run", root);
    ctr_runtime_options_t ro = CTR_RUNTIME_OPTIONS_INIT;
    ro.root = root;
    ro.run_root = run_root;
    ro.cni_config_dir = cni;
    ctr_runtime_t *rt = NULL;
    if (ctr_runtime_new(&rt, &ro) < 0)
        die("open runtime");
    ctr_network_options_t no = CTR_NETWORK_OPTIONS_INIT;
    no.name = BENCH_NET;
    no.bridge = BENCH_NET;
    no.subnet = BENCH_SUBNET;
    if (ctr_network_create(rt, &no, NULL) < 0)
        die("network create");
    bool podman = have_podman_image();

    double *ctr_t = calloc((size_t)n, sizeof(double)), *plain_t = calloc((size_t)n, sizeof(double));
    double *pod_t = calloc((size_t)n, sizeof(double));
    /* One warm-up each (the first also makes the bridge), then interleave. */
    time_ctr_net(rt, rootfs);
    time_ctr(rt, rootfs);
    if (podman && time_podman_net() < 0) {
        fprintf(stderr, "ctr-bench: podman run with a port mapping failed: leaving podman out\n");
        podman = false;
    }
    int pods = 0;
    for (int i = 0; i < n; i++) {
        ctr_t[i] = time_ctr_net(rt, rootfs) * 1e3;
        plain_t[i] = time_ctr(rt, rootfs) * 1e3;
        if (podman) {
            double t = time_podman_net();
            if (t > 0)
                pod_t[pods++] = t * 1e3;
        }
    }
    double ctr_ms = bench_median(ctr_t, (size_t)n), plain_ms = bench_median(plain_t, (size_t)n);
    double pod_ms = pods ? bench_median(pod_t, (size_t)pods) : 0;
    printf("lifecycle of busybox true with a bridge network and a port mapping, %d runs each, medians\n", n);
    printf("  %-58s %9s %9s\n", "", "ms", "ratio");
    printf("  %-58s %9.1f %9s\n", "libctr create+init+start+wait+remove, " BENCH_NET " + -p", ctr_ms, "1.00");
    printf("  %-58s %9.1f %9.2f\n", "libctr the same without a network (runc's empty netns)", plain_ms,
           ctr_ms / plain_ms);
    if (pods)
        printf("  %-58s %9.1f %9.2f\n", "podman run --rm -p (default bridge, runc)", pod_ms, ctr_ms / pod_ms);
    else
        printf("  %-58s %9s\n", "podman run --rm -p (default bridge, runc)", "(podman not installed)");
    printf("network: ctr_ms=%.1f podman_ms=%s%.1f vs_podman=%s%.2f\n", ctr_ms, pods ? "" : "n/a ", pod_ms,
           pods ? "" : "n/a ", pods ? pod_ms / ctr_ms : 0);
    free(ctr_t);
    free(plain_t);
    free(pod_t);
    if (ctr_network_remove(rt, BENCH_NET, CTR_NETWORK_REMOVE_FORCE) < 0)
        fprintf(stderr, "ctr-bench: network rm: %s\n", ctr_error_last()->message);
    ctr_runtime_unref(rt);
    /* portmap's shared chains and host-local's directory, if this made them. */
    if (!had_chains && chain_exists() && system("iptables -w -t nat -S CNI-HOSTPORT-DNAT | grep -q -- '-A CNI-HOSTPORT-DNAT' || { "
                              "iptables -w -t nat -D PREROUTING -m addrtype --dst-type LOCAL -j CNI-HOSTPORT-DNAT; "
                              "iptables -w -t nat -D OUTPUT -m addrtype --dst-type LOCAL -j CNI-HOSTPORT-DNAT; "
                              "iptables -w -t nat -D POSTROUTING -m comment --comment "
                              "'CNI portfwd requiring masquerade' -j CNI-HOSTPORT-MASQ; "
                              "for c in CNI-HOSTPORT-DNAT CNI-HOSTPORT-MASQ CNI-HOSTPORT-SETMARK; do "
                              "iptables -w -t nat -F $c; iptables -w -t nat -X $c; done; } 2>/dev/null") != 0)
        fprintf(stderr, "ctr-bench: could not remove portmap's chains\n");
    if (!had_cni_dir)
        (void)!system("rmdir /var/lib/cni/networks /var/lib/cni 2>/dev/null");
    if (temp)
        bench_rm_rf(root);
    return 0;
}

int bench_storage(int argc, char **argv); /* bench-storage.c */
int bench_stress(int argc, char **argv);  /* bench-stress.c */
int bench_pull(int argc, char **argv);    /* bench-pull.c */
int bench_stats(int argc, char **argv);   /* bench-stats.c */

static void usage(void)
{
    fprintf(stderr, "usage: ctr-bench state --backend files|tdb [-n N] [--root DIR]\n"
                    "       ctr-bench lifecycle [-n N] [--root DIR] [--network]\n"
                    "       ctr-bench storage [-n ROUNDS] [--size MB] [--root DIR]\n"
                    "       ctr-bench stress --backend files|tdb [--root DIR] [-p PROCESSES] [-n OPERATIONS]\n"
                    "       ctr-bench pull [-n ROUNDS] [--size MB] [--root DIR]\n"
                    "       ctr-bench stats [-n CONTAINERS] [-r ROUNDS] [--root DIR] [--no-podman]\n");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage();
        return 2;
    }
    const char *cmd = argv[1];
    argv[1] = argv[0];
    if (strcmp(cmd, "state") == 0)
        return bench_state(argc - 1, argv + 1);
    if (strcmp(cmd, "lifecycle") == 0)
        return bench_lifecycle(argc - 1, argv + 1);
    if (strcmp(cmd, "storage") == 0)
        return bench_storage(argc - 1, argv + 1);
    if (strcmp(cmd, "stress") == 0)
        return bench_stress(argc - 1, argv + 1);
    if (strcmp(cmd, "pull") == 0)
        return bench_pull(argc - 1, argv + 1);
    if (strcmp(cmd, "stats") == 0)
        return bench_stats(argc - 1, argv + 1);
    usage();
    return 2;
}
