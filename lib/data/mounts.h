/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A container's mounts (bind, volume, tmpfs, devpts, mqueue, proc): checked
 * from the options, kept in the config, turned into OCI mounts. */
#pragma once

#include <json-c/json.h>
#include <stdbool.h>
#include <libctr/ctr-container.h>

struct ctr__arena;

struct ctr__mount {
    char *type;          /* "bind", "volume", "tmpfs", "devpts", "mqueue", "proc" */
    char *source;        /* host path (bind), volume name (volume; the generated one of an anonymous volume),
                            else the file system's name ("tmpfs", "devpts", ...) */
    char *destination;   /* absolute, clean */
    char **options;      /* normalized as podman does, never NULL */
    bool anonymous;      /* volume made for this container, removed with it */
};

struct ctr__mounts {
    struct ctr__mount *v;
    size_t n;
    char **destinations; /* of v, in order, for ctr_container_mounts(); never NULL once copied or read */
};

/* Check the options' mounts; nothing is allocated.  -EINVAL (a bad type,
 * destination, source or option, a duplicate destination), -ENOENT (a bind
 * source that does not exist: podman's "statfs PATH: no such file or
 * directory"), -EOPNOTSUPP (idmap, U, O), with a message. */
int ctr__mounts_check(const ctr_container_options_t *o);
/* Copy the (checked) mounts into @m, normalized; an identical repeat of a
 * mount is dropped; an anonymous volume gets a generated name.  -ENOMEM,
 * -errno of statfs() on a bind source. */
int ctr__mounts_copy(const ctr_container_options_t *o, struct ctr__mounts *m);
void ctr__mounts_clear(struct ctr__mounts *m);
/* Append a mount (a create's image volume: type "volume", source NULL,
 * anonymous; or a "tmpfs"), its options (valid ones, may be NULL)
 * normalized as ctr__mounts_copy() does, keeping destinations; -ENOMEM. */
int ctr__mounts_add(struct ctr__mounts *m, const char *type, const char *source, const char *destination,
                    const char *const *options, bool anonymous);
/* Fill o->mounts and o->n_mounts with what a caller would pass to make
 * these mounts again (ctr_container_get_options()): an anonymous volume
 * without its generated name, the normalized options; all allocated in
 * @a.  -ENOMEM. */
int ctr__mounts_export(const struct ctr__mounts *m, struct ctr__arena *a, ctr_container_options_t *o);
/* Add the "mounts" key to the config document; read it back (absent: none). */
int ctr__mounts_to_json(const struct ctr__mounts *m, json_object *doc);
int ctr__mounts_from_json(json_object *doc, struct ctr__mounts *m);
/* Inspect's "Mounts" array and HostConfig's "Binds" and "Tmpfs" (added to @host_config). */
int ctr__mounts_inspect(const struct ctr__mounts *m, json_object *inspect, json_object *host_config);

/*
 * The OCI mounts of @m, appended to the JSON array @out: parents before
 * children (sorted by the number of components, stable).  With @rootfs,
 * each destination is first walked in it (ctr__root_path_resolve()): one
 * that leaves the root through a symbolic link fails.  A bind source must
 * still exist and be a directory or a file.  A volume's host directory is
 * @sources[i] (the index in m->v).  @return 0; -EPERM, -ELOOP (the walk);
 * -ENOENT, -EINVAL (a bind source; a volume without a host directory);
 * -ENOMEM.
 */
int ctr__mounts_oci(const struct ctr__mounts *m, const char *rootfs, const char *const *sources, json_object *out);
