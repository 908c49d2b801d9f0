/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A named volume's record: its name, driver, labels and driver options (the
 * config, fixed at create) and whether it still waits for the copy of an
 * image's content (the state); its JSON form, kept by the state backend as
 * the object record "volume"/NAME; its checks; podman's inspect document;
 * the list filters. */
#pragma once

#include <json-c/json.h>
#include <stdbool.h>
#include <stdint.h>

/* The kind of the state backend's object records. */
#define CTR__VOLUME_KIND "volume"
/* The one driver. */
#define CTR__VOLUME_DRIVER "local"
/* The record's "version". */
#define CTR__VOLUME_VERSION 1

struct ctr__volume {
    char *name;
    char *driver;        /* "local" */
    char **labels;       /* KEY=VALUE, sorted by key, never NULL */
    char **options;      /* driver options KEY=VALUE, sorted by key, never NULL */
    int64_t created;     /* ns since the epoch */
    bool anonymous;      /* made for one container, removed with it */
    bool needs_copy_up;  /* no container has mounted it yet */
};

/* Podman's rule for a volume name: [a-zA-Z0-9][a-zA-Z0-9_.-]*, at most 255
 * bytes.  -EINVAL with a message that says so (and, for a '/', that a
 * volume name is no path). */
int ctr__volume_check_name(const char *name);
/* A volume's labels and driver options (KEY=VALUE each; the options of the
 * local driver: type, o, device, uid, gid, size, inodes, noquota, copy,
 * nocopy; with type=bind, device must exist).  -EINVAL with a message;
 * -EOPNOTSUPP for another driver than local. */
int ctr__volume_check(const char *driver, const char *const *labels, const char *const *options);
/* Copy the checked values into @v (zeroed first): 0 or -ENOMEM. */
int ctr__volume_init(struct ctr__volume *v, const char *name, const char *const *labels,
                     const char *const *options, bool anonymous, int64_t created);
void ctr__volume_clear(struct ctr__volume *v);

/* The value of a driver option, or NULL. */
const char *ctr__volume_option(const struct ctr__volume *v, const char *key);
/* Whether starting a container mounts something on _data (type=, device= or
 * o= given): 1 with what to mount (lent from @v; the fs type NULL for a
 * bind mount, the flags MS_*, the data string malloc()ed), 0 when the
 * directory is used as it is; -EINVAL for what mount(2) cannot take. */
int ctr__volume_mount_args(const struct ctr__volume *v, const char **ret_type, const char **ret_device,
                           unsigned long *ret_flags, char **ret_data);

/* The record as JSON (malloc()ed); read back (untrusted: -EUCLEAN naming the
 * volume when it is not one of ours). */
int ctr__volume_to_json(const struct ctr__volume *v, char **ret);
int ctr__volume_from_json(const char *json, struct ctr__volume *v);

/* Podman's `volume inspect` object of @v, mounted at @mountpoint, used by
 * @mount_count running containers. */
int ctr__volume_inspect(const struct ctr__volume *v, const char *mountpoint, unsigned int mount_count,
                        json_object **ret);

/* List filters, podman's: name=REGEX, driver=, scope=, label=KEY[=VALUE],
 * opt=KEY[=VALUE], dangling=true|false (prune: label= and until= only,
 * with prune set).  Check them: -EINVAL with podman's message. */
int ctr__volume_filters_check(const char *const *filters, bool prune);
/* Whether @v passes every filter (checked); @dangling: no container uses it. */
bool ctr__volume_filters_match(const struct ctr__volume *v, const char *const *filters, bool dangling);
