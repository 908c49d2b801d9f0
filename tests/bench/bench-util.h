/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Timing and statistics helpers for the benchmarks. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

double bench_now(void);                          /* monotonic seconds */
double bench_median(double *v, size_t n);         /* sorts v */
double bench_percentile(double *v, size_t n, double p); /* sorts v; p in [0,100] */
/* A root directory: the given one, or a fresh temporary one (returns true). */
bool bench_root(char *buf, size_t size, const char *given);
void bench_rm_rf(const char *path);
/* Run argv, wait, return its exit status (-1 if it could not run); output to /dev/null when quiet. */
int bench_run(char *const argv[], bool quiet);
/* Run a /bin/sh command line; its exit status. */
int bench_shell(const char *cmd);
/* An OCI layout DIR/oci, image "bench": busybox plus four layers of mixed
 * random and text files, about @mb MB in all (umoci). */
int bench_make_image(const char *dir, int mb);
/* The size of DIR/oci/blobs in MB. */
double bench_blobs_mb(const char *dir);
/* Unmount whatever a scratch containers-storage left mounted under dir. */
void bench_unmount_under(const char *dir);
