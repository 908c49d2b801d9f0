/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* ctr-bench: benchmarks of libctr, printed as tables of medians.
 *
 *   ctr-bench state --backend files|tdb [-n N] [--root DIR]
 *
 * Each subcommand prints a table and one final summary line. */
#include <errno.h>
#include <getopt.h>
#include <libctr/ctr.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bench-util.h"

static int die(const char *what)
{
    const ctr_error_t *e = ctr_error_last();
    fprintf(stderr, "ctr-bench: %s: %s (%s)\n", what, e->message, ctr_strerror(e->code));
    exit(1);
}

static ctr_runtime_t *open_rt(const char *root, const char *backend)
{
    char run_root[4096];
    snprintf(run_root, sizeof run_root, "%s/run", root);
    ctr_runtime_options_t o = CTR_RUNTIME_OPTIONS_INIT;
    o.root = root;
    o.run_root = run_root;
    o.state_backend = backend;
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

static void usage(void)
{
    fprintf(stderr, "usage: ctr-bench state --backend files|tdb [-n N] [--root DIR]\n");
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
    usage();
    return 2;
}
