/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A container's process settings beyond the command: entrypoint, init,
 * umask, time zone, annotations, domain name, restart policy and
 * healthcheck; checked from the options, kept in the config, shown by
 * inspect. */
#pragma once

#include <json-c/json.h>
#include <stdbool.h>
#include <libctr/ctr-container.h>

struct ctr__arena;

struct ctr__process {
    char **entrypoint;           /* NULL: none given; empty or [""]: none (the image's cleared) */
    bool entrypoint_given;       /* given by the caller (not the image's) */
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
    char *health_on_failure;     /* kill, restart, stop; NULL: none */
};

/* Whether @p has a healthcheck to run (a test, not NONE). */
bool ctr__process_has_healthcheck(const struct ctr__process *p);
/* Check the options' process members; nothing is allocated.  -EINVAL with a message. */
int ctr__process_check(const ctr_container_options_t *o);
/* Copy them (checked) into @p; -ENOMEM. */
int ctr__process_copy(const ctr_container_options_t *o, struct ctr__process *p);
void ctr__process_clear(struct ctr__process *p);
/* Fill the process members of @o (entrypoint ... health_retries) with what
 * a caller would pass to make @p again (ctr_container_get_options()): the
 * entrypoint only when it was given (else the image's is used again), the
 * healthcheck as stored (the image's too); allocated in @a.  -ENOMEM. */
int ctr__process_export(const struct ctr__process *p, struct ctr__arena *a, ctr_container_options_t *o);
/* Add the "process" key to the config document; read it back (absent: nothing set). */
int ctr__process_to_json(const struct ctr__process *p, json_object *doc);
int ctr__process_from_json(json_object *doc, struct ctr__process *p);
/* Config's and HostConfig's keys (Entrypoint, Healthcheck, Annotations, Umask, RestartPolicy, ...). */
int ctr__process_inspect(const struct ctr__process *p, uint64_t flags, json_object *config, json_object *host_config);
/* Add podman's own annotations for @flags (TTY, autoremove, init, privileged, publish-all) to @ann, keeping
 * those already there.  -ENOMEM. */
int ctr__process_podman_annotations(uint64_t flags, json_object *ann);

/* Default init program of #CTR_CREATE_INIT and where it is bind-mounted (podman's). */
#define CTR__INIT_PATH_DEFAULT "/usr/bin/catatonit"
#define CTR__INIT_DEST "/run/podman-init"

/*
 * The process's argv: the entrypoint (none when it is empty or [""]), then
 * @command; with @init, prefixed by CTR__INIT_DEST and "--".  *ret is
 * NULL-terminated (empty when both are empty); free with ctr__strv_free().
 * -ENOMEM.
 */
int ctr__process_args(const struct ctr__process *p, char *const *command, bool init, char ***ret);

/*
 * The image's part (its config's "config" object @image_config, may be
 * NULL), podman's rules: without an entrypoint given, the image's becomes
 * the entrypoint and, when *@command is empty, the image's Cmd the
 * command; with one given, the image's Cmd is not used.  Without a
 * healthcheck given, the image's Healthcheck.  Without either a command
 * or an entrypoint anywhere, the command is /bin/sh, unless an empty
 * entrypoint was given: then -EINVAL (podman's "no command or entrypoint
 * provided").  -ENOMEM.
 */
int ctr__process_image_defaults(struct ctr__process *p, char ***command, json_object *image_config);

/* The umask to set (process.user.umask). */
unsigned int ctr__process_umask(const struct ctr__process *p);

/* The host file to bind at /etc/localtime for the time zone, or NULL (none set). */
const char *ctr__process_localtime(const struct ctr__process *p, char *buf, size_t size);
