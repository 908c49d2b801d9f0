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
