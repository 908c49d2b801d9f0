/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A container's process settings beyond the command: entrypoint, init,
 * umask, time zone, annotations, domain name, restart policy and
 * healthcheck; checked from the options, kept in the config, shown by
 * inspect. */
#pragma once

#include <json-c/json.h>
#include <stdbool.h>
#include <libctr/ctr-container.h>

struct ctr__process {
    char **entrypoint;           /* NULL: none given */
    char *init_path;
    char *umask;                 /* NULL: 0022 */
    char *timezone;
    char **annotations;          /* KEY=VALUE, never NULL */
    char *domainname;
    char *restart_policy;        /* NULL: "no" */
    unsigned int restart_retries;
    char **health_cmd;           /* NULL: none */
    int64_t health_interval, health_timeout, health_start_period;
    unsigned int health_retries;
};

/* Check the options' process members; nothing is allocated.  -EINVAL with a message. */
int ctr__process_check(const ctr_container_options_t *o);
/* Copy them (checked) into @p; -ENOMEM. */
int ctr__process_copy(const ctr_container_options_t *o, struct ctr__process *p);
void ctr__process_clear(struct ctr__process *p);
/* Add the "process" key to the config document; read it back (absent: nothing set). */
int ctr__process_to_json(const struct ctr__process *p, json_object *doc);
int ctr__process_from_json(json_object *doc, struct ctr__process *p);
/* Config's and HostConfig's keys (Entrypoint, Healthcheck, Annotations, Umask, RestartPolicy, ...). */
int ctr__process_inspect(const struct ctr__process *p, json_object *config, json_object *host_config);
