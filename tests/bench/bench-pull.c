/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* ctr-bench pull: pull throughput from a registry on 127.0.0.1 (Debian's
 * docker-registry, started here on a free port with a configuration written
 * here, filled with skopeo) of a ~100 MB image of five layers (made with
 * umoci), beside `skopeo copy docker://... containers-storage:` and
 * `podman pull` of the same image in the same run.  Each round pulls into a
 * fresh store; medians of -n rounds (default 5).  The registry process and
 * everything made are removed at the end.  Last line:
 *   pull: ctr_mb_s=... skopeo_mb_s=... podman_mb_s=...   */
#include <arpa/inet.h>
#include <getopt.h>
#include <libctr/ctr.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench-util.h"

int bench_pull(int argc, char **argv);

static int free_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    socklen_t len = sizeof a;
    if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof a) < 0 || getsockname(fd, (struct sockaddr *)&a, &len) < 0) {
        perror("ctr-bench pull: a free port");
        exit(1);
    }
    close(fd);
    return ntohs(a.sin_port);
}

static bool answers(int port)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port),
                             .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    bool ok = fd >= 0 && connect(fd, (struct sockaddr *)&a, sizeof a) == 0;
    if (fd >= 0)
        close(fd);
    return ok;
}

/* docker-registry serving dir/data on 127.0.0.1:port; its PID. */
static pid_t registry_start(const char *dir, int port)
{
    char cfg[4400];
    snprintf(cfg, sizeof cfg, "%s/config.yml", dir);
    FILE *f = fopen(cfg, "w");
    if (!f)
        return -1;
    fprintf(f, "version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n    rootdirectory: %s/data\n"
               "http:\n  addr: 127.0.0.1:%d\n  secret: ctr-bench-%d\n", dir, port, port);
    fclose(f);
    pid_t pid = fork();
    if (pid == 0) {
        char log[4400];
        snprintf(log, sizeof log, "%s/log", dir);
        if (!freopen(log, "w", stdout) || !freopen(log, "a", stderr))
            _exit(127);
        execlp("docker-registry", "docker-registry", "serve", cfg, (char *)NULL);
        _exit(127);
    }
    for (int i = 0; pid > 0 && i < 200 && !answers(port); i++)
        usleep(50000);
    return pid;
}

static void registry_stop(pid_t pid)
{
    if (pid <= 0)
        return;
    kill(pid, SIGTERM);
    waitpid(pid, NULL, 0);
}

struct pull_bench {
    const char *base, *ref;
    int rounds;
    double *t_ctr, *t_skopeo, *t_podman;
    bool have_skopeo, have_podman;
};

static double time_ctr(const struct pull_bench *b, int i)
{
    char root[4200], run[4300];
    snprintf(root, sizeof root, "%s/ctr-%d", b->base, i);
    snprintf(run, sizeof run, "%s/run", root);
    ctr_runtime_options_t o = CTR_RUNTIME_OPTIONS_INIT;
    o.root = root;
    o.run_root = run;
    ctr_runtime_t *rt = NULL;
    ctr_registry_options_t ro = CTR_REGISTRY_OPTIONS_INIT;
    ro.tls_verify = CTR_TLS_NO_VERIFY;
    if (ctr_runtime_new(&rt, &o) < 0) {
        fprintf(stderr, "ctr-bench pull: runtime: %s\n", ctr_error_last()->message);
        exit(1);
    }
    sync();
    double t0 = bench_now();
    if (ctr_image_pull(rt, b->ref, &ro, NULL) < 0) {
        fprintf(stderr, "ctr-bench pull: libctr pull: %s\n", ctr_error_last()->message);
        exit(1);
    }
    double t = bench_now() - t0;
    ctr_runtime_unref(rt);
    bench_unmount_under(root);
    bench_rm_rf(root);
    return t;
}

/* One timed shell command that fills store, removed after. */
static double time_cmd(const char *what, const char *cmd, const char *store, bool *ok)
{
    sync();
    double t0 = bench_now();
    if (bench_shell(cmd) != 0) {
        fprintf(stderr, "ctr-bench pull: %s failed: %s\n", what, cmd);
        *ok = false;
    }
    double t = bench_now() - t0;
    bench_unmount_under(store);
    bench_rm_rf(store);
    return t;
}

static void run_rounds(struct pull_bench *b)
{
    char store[4200], cmd[32768];
    for (int i = 0; i < b->rounds; i++) {
        b->t_ctr[i] = time_ctr(b, i);
        snprintf(store, sizeof store, "%s/skopeo-%d", b->base, i);
        snprintf(cmd, sizeof cmd,
                 "skopeo copy -q --src-tls-verify=false docker://%s "
                 "'containers-storage:[overlay@%s/root+%s/run]localhost/bench:latest' >/dev/null",
                 b->ref, store, store);
        if (b->have_skopeo)
            b->t_skopeo[i] = time_cmd("skopeo copy", cmd, store, &b->have_skopeo);
        snprintf(store, sizeof store, "%s/podman-%d", b->base, i);
        snprintf(cmd, sizeof cmd,
                 "podman --root %s/root --runroot %s/run --storage-driver overlay pull -q --tls-verify=false %s "
                 ">/dev/null",
                 store, store, b->ref);
        if (b->have_podman)
            b->t_podman[i] = time_cmd("podman pull", cmd, store, &b->have_podman);
    }
}

static void report(const struct pull_bench *b, double mb)
{
    double ctr_s = bench_median(b->t_ctr, (size_t)b->rounds);
    double skopeo_s = b->have_skopeo ? bench_median(b->t_skopeo, (size_t)b->rounds) : 0;
    double podman_s = b->have_podman ? bench_median(b->t_podman, (size_t)b->rounds) : 0;
    printf("%-44s %10s\n", "what (median of rounds)", "value");
    printf("%-44s %10.1f\n", "image size (compressed blobs, MB)", mb);
    printf("%-44s %10.3f\n", "libctr pull (s)", ctr_s);
    if (b->have_skopeo)
        printf("%-44s %10.3f\n", "skopeo copy to containers-storage (s)", skopeo_s);
    if (b->have_podman)
        printf("%-44s %10.3f\n", "podman pull (s)", podman_s);
    if (b->have_skopeo)
        printf("%-44s %10.2f\n", "skopeo / libctr (time ratio)", skopeo_s / ctr_s);
    if (b->have_podman)
        printf("%-44s %10.2f\n", "podman / libctr (time ratio)", podman_s / ctr_s);
    printf("pull: ctr_mb_s=%.1f skopeo_mb_s=%.1f podman_mb_s=%.1f\n", mb / ctr_s,
           b->have_skopeo ? mb / skopeo_s : 0, b->have_podman ? mb / podman_s : 0);
}

static int parse(int argc, char **argv, int *rounds, int *mb, const char **root)
{
    static const struct option opts[] = {
        { "root", required_argument, NULL, 'r' }, { "size", required_argument, NULL, 's' },
        { "help", no_argument, NULL, 'h' },       { 0 },
    };
    int ch;
    while ((ch = getopt_long(argc, argv, "n:r:s:h", opts, NULL)) != -1) {
        switch (ch) {
        case 'n': *rounds = atoi(optarg); break;
        case 'r': *root = optarg; break;
        case 's': *mb = atoi(optarg); break;
        default:
            fprintf(stderr, "usage: ctr-bench pull [-n ROUNDS] [--size MB] [--root DIR]\n");
            return ch == 'h' ? 0 : 2;
        }
    }
    if (*rounds < 1 || *mb < 4) {
        fprintf(stderr, "ctr-bench pull: bad -n or --size\n");
        return 2;
    }
    return -1;
}

int bench_pull(int argc, char **argv)
{
    const char *root_arg = NULL;
    int rounds = 5, mb = 100, r;
    if ((r = parse(argc, argv, &rounds, &mb, &root_arg)) >= 0)
        return r;
    char base[4096], image[4200], reg[4200], ref[256], cmd[8800];
    bool temp = bench_root(base, sizeof base, root_arg);
    snprintf(image, sizeof image, "%s/image", base);
    snprintf(reg, sizeof reg, "%s/registry", base);
    fprintf(stderr, "making a %d MB image of five layers with umoci...\n", mb);
    int port = free_port();
    snprintf(ref, sizeof ref, "127.0.0.1:%d/bench/pull:1", port);
    snprintf(cmd, sizeof cmd, "mkdir -p %s/data", reg);
    pid_t pid = bench_make_image(image, mb) == 0 && bench_shell(cmd) == 0 ? registry_start(reg, port) : -1;
    snprintf(cmd, sizeof cmd, "skopeo copy -q --dest-tls-verify=false oci:%s/oci:bench docker://%s", image, ref);
    if (pid <= 0 || bench_shell(cmd) != 0) {
        fprintf(stderr, "ctr-bench pull: cannot make the image or fill the registry (umoci, skopeo, docker-registry?)\n");
        registry_stop(pid);
        return 1;
    }
    struct pull_bench b = { .base = base, .ref = ref, .rounds = rounds,
                            .t_ctr = calloc((size_t)rounds, sizeof(double)),
                            .t_skopeo = calloc((size_t)rounds, sizeof(double)),
                            .t_podman = calloc((size_t)rounds, sizeof(double)),
                            .have_skopeo = access("/usr/bin/skopeo", X_OK) == 0,
                            .have_podman = access("/usr/bin/podman", X_OK) == 0 };
    run_rounds(&b);
    report(&b, bench_blobs_mb(image));
    registry_stop(pid);
    free(b.t_ctr);
    free(b.t_skopeo);
    free(b.t_podman);
    if (temp)
        bench_rm_rf(base);
    return 0;
}
