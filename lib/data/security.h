/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A container's security settings: capabilities added and dropped, the
 * seccomp profile, AppArmor, masked and unmasked paths, groups, sysctls;
 * checked from the options, kept in the config, turned into the OCI spec. */
#pragma once

#include <json-c/json.h>
#include <stdbool.h>
#include <libctr/ctr-container.h>

struct ctr__security {
    char **cap_add, **cap_drop;   /* "CAP_*" or "ALL", never NULL */
    char *seccomp_profile;        /* the profile's JSON text read at create, "unconfined", or NULL */
    char *seccomp_profile_path;   /* where it was read from (inspect's SecurityOpt) */
    char *apparmor_profile;
    char **mask_paths, **unmask_paths, **group_add, **sysctls; /* never NULL */
};

/* Check the options' security members; nothing is allocated.  -EINVAL with a message. */
int ctr__security_check(const ctr_container_options_t *o);
/* Copy them (checked) into @sec, reading the seccomp profile; -ENOMEM, file errors. */
int ctr__security_copy(const ctr_container_options_t *o, struct ctr__security *sec);
void ctr__security_clear(struct ctr__security *sec);
/* Add the "security" key to the config document; read it back (absent: nothing set). */
int ctr__security_to_json(const struct ctr__security *sec, json_object *doc);
int ctr__security_from_json(json_object *doc, struct ctr__security *sec);
/* HostConfig's keys (CapAdd, CapDrop, SecurityOpt, Sysctls, GroupAdd, ...). */
int ctr__security_inspect(const struct ctr__security *sec, json_object *host_config);
