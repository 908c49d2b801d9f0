/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A container's immutable config, and its JSON form. */
#pragma once

#include <libctr/ctr-container.h>

#include "base/util.h"
#include "data/mounts.h"
#include "data/process.h"
#include "data/resources.h"
#include "data/security.h"

/* Current version of the config JSON document ("version" key). */
#define CTR__CONFIG_VERSION 2

struct ctr__config {
    unsigned int refs;    /* shared by handles and the runtime's cache */
    uint64_t revision;    /* 0 as created, one more at each change (rename, update) */
    char *id;
    char *name;
    char *pod;            /* the pod's full ID, or NULL */
    bool infra;           /* the infra container of its pod */
    char *spec_json;      /* spec given by the user (a JSON object), or NULL */
    char *rootfs;         /* directory given at create, or NULL */
    char *image_id;
    char *image_name;
    char **command;       /* never NULL */
    char **env;           /* never NULL */
    char *workdir;
    char *user;
    char *hostname;
    uint64_t flags;       /* CTR_CREATE_* */
    int64_t shm_size;
    char *static_dir;     /* ROOT/containers/ID */
    char *shm_dir;        /* RUNROOT/containers/ID/shm */
    char *log_path;
    int64_t log_size_max; /* bytes; 0: no limit */
    char *cgroup_parent;
    char *process_label;
    char *mount_label;
    char *ns_ctr[CTR_NS_MAX]; /* full IDs; index 0 unused */
    ctr_port_mapping_t *ports; /* strings owned here */
    size_t n_ports;
    char **dns_servers;   /* never NULL */
    char **dns_search;
    char **dns_options;
    char **hosts_add;
    char **labels;        /* KEY=VALUE, sorted by key, never NULL */
    int stop_signal;
    unsigned int stop_timeout;
    int64_t created;      /* ns since the epoch */
    char **networks;      /* CNI network names, never NULL */
    char *netns_path;     /* a given namespace to join, or NULL */
    char **volumes;       /* image volumes (container paths), never NULL */
    char **exposed_ports; /* "PORT/PROTO" from the image, never NULL */
    char **create_command; /* the caller's command line, never NULL */
    /* Version 2: podman run's configuration, each part owned by its module. */
    struct ctr__mounts mounts;
    struct ctr__resources resources;
    struct ctr__security security;
    struct ctr__process process;
};

/* Configs are immutable once made and shared by reference count (atomic). */
struct ctr__config *ctr__config_ref(struct ctr__config *cfg);
void ctr__config_unref(struct ctr__config *cfg);
static inline void ctr__config_unrefp(struct ctr__config **p) { ctr__config_unref(*p); }

/* A new config (unshared: the caller may change it before sharing it) equal
 * to cfg, with the next revision: the start of a change of a stored config,
 * which the state then names (ctr__status.config_revision).  -ENOMEM. */
int ctr__config_revise(const struct ctr__config *cfg, struct ctr__config **ret);

/* Serialize to JSON (pretty = false: compact). */
int ctr__config_to_json(const struct ctr__config *cfg, char **ret);
/* Parse; -EINVAL with a detail for malformed input, -EPROTONOSUPPORT for a newer version. */
int ctr__config_from_json(const char *json, struct ctr__config **ret);

/*
 * Fill @o (initialized to the newest version's defaults) with what a caller
 * would pass to ctr_container_create() to make a container of this config
 * (ctr_container_get_options()): the stored values, defaults as stored,
 * each part by its module; the image as named (else its ID); no log path
 * when it is the default one in the static directory; log_size_max -1 for
 * "no limit".  Everything is allocated in @a.  -ENOMEM.
 */
struct ctr__arena;
int ctr__config_export(const struct ctr__config *cfg, struct ctr__arena *a, ctr_container_options_t *o);

/* Label lookup in a sorted KEY=VALUE array. */
const char *ctr__labels_get(char *const *labels, const char *key);
/* Check and sort a label list in place: -EINVAL for a missing '=', empty or duplicate key. */
int ctr__labels_normalize(char **labels);

/* The file of namespace ns in /proc/PID/ns ("net", "ipc", ...). */
const char *ctr__ns_name(ctr_ns_t ns);
