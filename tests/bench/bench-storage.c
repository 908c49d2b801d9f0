/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* ctr-bench storage: import throughput of a ~100 MB multi-layer image
 * (made with umoci, gzip layers) beside `skopeo copy oci:... containers-storage:...`
 * of the same image into a scratch podman store; container rootfs mount +
 * unmount time; commit time.  Medians of a few rounds. */
#include <errno.h>
#include <getopt.h>
#include <libctr/ctr.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bench-util.h"

int bench_storage(int argc, char **argv);

static int fail(const char *what)
{
    const ctr_error_t *e = ctr_error_last();
    fprintf(stderr, "ctr-bench storage: %s: %s (%s)\n", what, e->message, ctr_strerror(e->code));
    exit(1);
}

static ctr_runtime_t *open_rt(const char *root)
{
    char run_root[4200];
    snprintf(run_root, sizeof run_root, "%s/run", root);
    ctr_runtime_options_t o = CTR_RUNTIME_OPTIONS_INIT;
    o.root = root;
    o.run_root = run_root;
    ctr_runtime_t *rt = NULL;
    if (ctr_runtime_new(&rt, &o) < 0)
        fail("open runtime");
    return rt;
}

int bench_storage(int argc, char **argv)
{
    const char *root_arg = NULL;
    int rounds = 3, mb = 100;
    static const struct option opts[] = {
        { "root", required_argument, NULL, 'r' },
        { "size", required_argument, NULL, 's' },
        { "help", no_argument, NULL, 'h' },
        { 0 },
    };
    int ch;
    while ((ch = getopt_long(argc, argv, "n:r:s:h", opts, NULL)) != -1) {
        switch (ch) {
        case 'n': rounds = atoi(optarg); break;
        case 'r': root_arg = optarg; break;
        case 's': mb = atoi(optarg); break;
        default:
            fprintf(stderr, "usage: ctr-bench storage [-n ROUNDS] [--size MB] [--root DIR]\n");
            return ch == 'h' ? 0 : 2;
        }
    }
    if (rounds < 1 || mb < 4) {
        fprintf(stderr, "ctr-bench storage: bad -n or --size\n");
        return 2;
    }
    char base[4096];
    bool temp = bench_root(base, sizeof base, root_arg);
    char image[4200], ref[4300];
    snprintf(image, sizeof image, "%s/image", base);
    fprintf(stderr, "making a %d MB image with umoci...\n", mb);
    if (bench_make_image(image, mb) != 0) {
        fprintf(stderr, "ctr-bench storage: cannot make the image (umoci installed?)\n");
        return 1;
    }
    snprintf(ref, sizeof ref, "oci:%s/oci:bench", image);
    double size = bench_blobs_mb(image);

    /* libctr import, each round into a fresh store. */
    double *t_import = calloc((size_t)rounds, sizeof(double)), *t_skopeo = calloc((size_t)rounds, sizeof(double));
    bool have_skopeo = access("/usr/bin/skopeo", X_OK) == 0;
    for (int i = 0; i < rounds; i++) {
        char root[4200];
        snprintf(root, sizeof root, "%s/root-%d", base, i);
        ctr_runtime_t *rt = open_rt(root);
        ctr_import_options_t o = CTR_IMPORT_OPTIONS_INIT;
        o.reference = ref;
        o.name = "bench";
        sync();
        double t0 = bench_now();
        if (ctr_image_import(rt, &o, NULL) < 0)
            fail("import");
        t_import[i] = bench_now() - t0;
        ctr_runtime_unref(rt);
        if (i + 1 < rounds)
            bench_rm_rf(root);
        if (have_skopeo) {
            char store[4200], cmd[16384];
            snprintf(store, sizeof store, "%s/cs-%d", base, i);
            snprintf(cmd, sizeof cmd,
                     "skopeo copy -q %s 'containers-storage:[overlay@%s/root+%s/run]localhost/bench:latest' >/dev/null",
                     ref, store, store);
            sync();
            t0 = bench_now();
            if (bench_shell(cmd) != 0) {
                fprintf(stderr, "ctr-bench storage: skopeo copy failed\n");
                have_skopeo = false;
            }
            t_skopeo[i] = bench_now() - t0;
            bench_unmount_under(store);
            bench_rm_rf(store);
        }
    }
    double import_s = bench_median(t_import, (size_t)rounds);
    double skopeo_s = have_skopeo ? bench_median(t_skopeo, (size_t)rounds) : 0;

    /* Mount + unmount and commit on the last store. */
    char root[4200];
    snprintf(root, sizeof root, "%s/root-%d", base, rounds - 1);
    ctr_runtime_t *rt = open_rt(root);
    ctr_container_options_t co = CTR_CONTAINER_OPTIONS_INIT;
    co.image = "bench";
    ctr_container_t *c = NULL;
    if (ctr_container_create(&c, rt, &co) < 0)
        fail("create");
    int n = 21;
    double *t_mount = calloc((size_t)n, sizeof(double)), *t_commit = calloc((size_t)n, sizeof(double));
    for (int i = 0; i < n; i++) {
        char *path = NULL;
        double t0 = bench_now();
        if (ctr_container_mount(c, NULL, &path) < 0 || ctr_container_unmount(c, 0) < 0)
            fail("mount");
        t_mount[i] = bench_now() - t0;
        ctr_free(path);
    }
    int nc = 5;
    for (int i = 0; i < nc; i++) {
        /* A change of about 1 MB each time. */
        char *path = NULL, cmd[4400];
        if (ctr_container_mount(c, NULL, &path) < 0)
            fail("mount");
        snprintf(cmd, sizeof cmd, "head -c 1048576 /dev/urandom > %s/change-%d", path, i);
        bench_shell(cmd);
        ctr_container_unmount(c, 0);
        ctr_free(path);
        ctr_commit_options_t cm = CTR_COMMIT_OPTIONS_INIT;
        double t0 = bench_now();
        if (ctr_container_commit(c, &cm, NULL) < 0)
            fail("commit");
        t_commit[i] = bench_now() - t0;
    }
    double mount_ms = bench_median(t_mount, (size_t)n) * 1000, commit_ms = bench_median(t_commit, (size_t)nc) * 1000;
    ctr_container_remove(c, CTR_REMOVE_FORCE);
    ctr_container_unref(c);
    ctr_runtime_unref(rt);

    double import_mb_s = size / import_s, skopeo_mb_s = have_skopeo ? size / skopeo_s : 0;
    printf("%-44s %10s\n", "what (median)", "value");
    printf("%-44s %10.1f\n", "image size (blobs, MB)", size);
    printf("%-44s %10.3f\n", "libctr import (s)", import_s);
    printf("%-44s %10.1f\n", "libctr import (MB/s)", import_mb_s);
    if (have_skopeo) {
        printf("%-44s %10.3f\n", "skopeo copy to containers-storage (s)", skopeo_s);
        printf("%-44s %10.1f\n", "skopeo copy to containers-storage (MB/s)", skopeo_mb_s);
    }
    printf("%-44s %10.2f\n", "rootfs mount + unmount (ms)", mount_ms);
    printf("%-44s %10.1f\n", "commit of a 1 MB change (ms)", commit_ms);
    printf("storage: import_mb_s=%.1f skopeo_mb_s=%.1f mount_ms=%.2f commit_ms=%.1f\n", import_mb_s, skopeo_mb_s,
           mount_ms, commit_ms);
    free(t_import);
    free(t_skopeo);
    free(t_mount);
    free(t_commit);
    if (temp)
        bench_rm_rf(base);
    return 0;
}
