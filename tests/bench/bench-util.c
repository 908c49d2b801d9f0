/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench-util.h"

extern char **environ;

double bench_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

double bench_percentile(double *v, size_t n, double p)
{
    if (n == 0)
        return 0;
    qsort(v, n, sizeof *v, cmp);
    double idx = p / 100.0 * (double)(n - 1);
    size_t lo = (size_t)idx;
    if (lo + 1 >= n)
        return v[n - 1];
    double frac = idx - (double)lo;
    return v[lo] * (1 - frac) + v[lo + 1] * frac;
}

double bench_median(double *v, size_t n)
{
    return bench_percentile(v, n, 50);
}

bool bench_root(char *buf, size_t size, const char *given)
{
    if (given) {
        snprintf(buf, size, "%s", given);
        return false;
    }
    snprintf(buf, size, "/var/tmp/ctr-bench-XXXXXX");
    if (!mkdtemp(buf)) {
        perror("ctr-bench: mkdtemp");
        exit(1);
    }
    return true;
}

int bench_run(char *const argv[], bool quiet)
{
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    if (quiet) {
        posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
        posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
    }
    pid_t pid;
    int r = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    if (r != 0)
        return -1;
    int status;
    if (waitpid(pid, &status, 0) < 0)
        return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

void bench_rm_rf(const char *path)
{
    char *const argv[] = { "rm", "-rf", "--one-file-system", (char *)path, NULL };
    bench_run(argv, true);
}

int bench_shell(const char *cmd)
{
    char *argv[] = { "/bin/sh", "-c", (char *)cmd, NULL };
    return bench_run(argv, false);
}

/* The image: busybox plus four layers of mixed files (random and text). */
int bench_make_image(const char *dir, int mb)
{
    char cmd[8192];
    snprintf(cmd, sizeof cmd,
             "set -e; d=%s; rm -rf $d; mkdir -p $d/src; cd $d/src; "
             "sh %s/tests/lib/make-rootfs.sh rootfs >/dev/null; "
             "umoci init --layout $d/oci; umoci new --image $d/oci:bench; "
             "umoci insert --image $d/oci:bench rootfs / ; "
             "per=$((%d / 4)); for l in 1 2 3 4; do mkdir -p l$l; i=0; "
             "  while [ $i -lt 8 ]; do head -c $((per * 1024 * 1024 / 16)) /dev/urandom > l$l/rand$i; "
             "    seq 1 $((per * 1024 * 1024 / 16 / 7)) > l$l/text$i; i=$((i + 1)); done; "
             "  umoci insert --image $d/oci:bench l$l /data/l$l; done; "
             "rm -rf $d/src",
             dir, getenv("SOURCE_ROOT") ? getenv("SOURCE_ROOT") : ".", mb);
    return bench_shell(cmd);
}

double bench_blobs_mb(const char *dir)
{
    char cmd[8400];
    snprintf(cmd, sizeof cmd, "du -sb %s/oci/blobs | cut -f1", dir);
    FILE *p = popen(cmd, "r");
    double bytes = 0;
    if (p) {
        if (fscanf(p, "%lf", &bytes) != 1)
            bytes = 0;
        pclose(p);
    }
    return bytes / 1e6;
}

/* Unmount whatever a scratch containers-storage left mounted under dir. */
void bench_unmount_under(const char *dir)
{
    /* Never the whole system: only an absolute directory below /. */
    if (!dir || dir[0] != '/' || !dir[1] || strchr(dir, '\'') || strchr(dir, ' '))
        return;
    char cmd[8400];
    snprintf(cmd, sizeof cmd,
             "awk -v d='%s/' 'index($5, d) == 1 {print $5}' /proc/self/mountinfo | sort -r | xargs -r -n1 umount -l",
             dir);
    (void)!system(cmd);
}
