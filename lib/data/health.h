/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A container's health (podman's State.Health): its status, failing streak
 * and the log of the last checks, kept in the state document as podman's
 * JSON object; podman's rules for a check's result. */
#pragma once

#include <libctr/ctr-lifecycle.h>
#include <stdbool.h>
#include <json-c/json.h>
#include <stdint.h>

/* Checks kept in the log (podman's MaxHealthCheckNumberLogs). */
#define CTR__HEALTH_LOG_MAX 5
/* Bytes of a check's output kept (podman's MaxHealthCheckLogLength). */
#define CTR__HEALTH_OUTPUT_MAX 500

/* One check: its times (ns since the epoch), exit code (-1: timed out) and output. */
struct ctr__health_result {
    int64_t start, end;
    int exit_code;
    const char *output;
};

/* The status a document names; a container with no healthcheck has none,
 * one never checked (NULL document) is starting. */
ctr_health_status_t ctr__health_status(const char *health_json, bool has_check);
/* State.Health of inspect: {"Status","FailingStreak","Log"}.  NULL on ENOMEM. */
json_object *ctr__health_inspect(const char *health_json, bool has_check);
/* A new start: status starting, streak 0, the log kept.  0 or -ENOMEM. */
int ctr__health_restart(char **health_json);
/* Record one check in *health_json (replaced), podman's rules: a success
 * makes it healthy and the streak 0; a failure outside the start period
 * adds to the streak, which at retries makes it unhealthy; the log keeps
 * the last CTR__HEALTH_LOG_MAX.  *ret_status: the status after it.
 * 0, -EINVAL (a damaged document), -ENOMEM. */
int ctr__health_record(char **health_json, const struct ctr__health_result *res, unsigned int retries,
                       bool in_start_period, ctr_health_status_t *ret_status);
