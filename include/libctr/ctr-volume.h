/* SPDX-License-Identifier: LGPL-2.1-or-later */
/**
 * @file ctr-volume.h
 * @brief Named volumes: create, lookup, list, inspect, remove, prune.
 *
 * A volume is a directory that outlives containers, as podman's: its data
 * is `ROOT/volumes/NAME/_data`, its record is kept by the runtime's state
 * backend (a backend of version 3, such as the built-in ones: with an older
 * one every call here fails with -EOPNOTSUPP).  Containers mount it with a
 * #ctr_mount_t of type `"volume"` whose `source` is its name; a volume
 * that does not exist is made then (the `local` driver, no options), and a
 * mount without a source makes an *anonymous* volume with a generated
 * 64-hex-digit name, removed with the container by ctr_container_remove()
 * with #CTR_REMOVE_VOLUMES (and by the removal of an auto-remove container),
 * kept otherwise, as podman does.
 *
 * The first container that mounts a volume copies into it what its root
 * file system has at the mount's destination, when the volume is empty
 * (podman's copy-up; the mount option `nocopy` skips it): owners, modes,
 * symbolic links, extended attributes and hard links are kept.
 *
 * The `local` driver's options, as podman's `--opt`: `type=tmpfs` (or
 * another file system type) with `device=` and `o=` (mount options,
 * `size=10m,...`) mounts that file system on `_data` when a container
 * using the volume starts, and unmounts it when no running container uses
 * it any more; `type=bind` or `o=bind` with `device=PATH` bind-mounts PATH
 * there.  Also accepted as podman does: `uid`, `gid`, `size`, `inodes`,
 * `noquota`, `copy`, `nocopy` (kept, shown by inspect).
 *
 * Threads and processes: calls are safe concurrently; create, remove and
 * prune serialize on the runtime's lock.
 */
#ifndef LIBCTR_CTR_VOLUME_H
#define LIBCTR_CTR_VOLUME_H

#include <libctr/ctr-common.h>

#ifdef __cplusplus
extern "C" {
#endif

/** A volume as its record showed when the handle was made (reference counted). */
typedef struct ctr_volume ctr_volume_t;

/** Current version of #ctr_volume_options_t (libctr 0.4). */
#define CTR_VOLUME_OPTIONS_VERSION 1

/**
 * A new volume.  Start from #CTR_VOLUME_OPTIONS_INIT or
 * ctr_volume_options_init().  Strings are copied.
 */
typedef struct ctr_volume_options {
    /** Must be #CTR_VOLUME_OPTIONS_VERSION (older versions are accepted). */
    unsigned int version;
    /** `[a-zA-Z0-9][a-zA-Z0-9_.-]*`, at most 255 bytes; NULL: a generated
     *  name of 64 hex digits. */
    const char *name;
    /** `local` (the only driver; NULL means it). */
    const char *driver;
    /** Labels, `KEY=VALUE` each, NULL-terminated; or NULL. */
    const char *const *labels;
    /** Driver options, `KEY=VALUE` each (see the file's description),
     *  NULL-terminated; or NULL. */
    const char *const *options;
    /** Reserved: 0. */
    uint64_t flags;
} ctr_volume_options_t;

/** Initializer of #ctr_volume_options_t: the current version, no name (generated), no labels or options. */
#define CTR_VOLUME_OPTIONS_INIT { CTR_VOLUME_OPTIONS_VERSION, NULL, NULL, NULL, NULL, 0 }

/**
 * Initialize @p opts as #CTR_VOLUME_OPTIONS_INIT does, for @p version.
 * @return 0; -EINVAL (NULL, or a version this libctr does not have).
 */
int ctr_volume_options_init(ctr_volume_options_t *opts, unsigned int version);

/**
 * Create a volume: its record and its data directory.
 * @param ret receives a handle (may be NULL when not wanted); release with
 *        ctr_volume_unref().
 * @return 0; -EINVAL (a bad name, such as one with `/`, a label or option
 *         that is not KEY=VALUE, an unknown option, `type=bind` with a
 *         `device` that does not exist; nothing is made); -EEXIST (a volume
 *         of that name exists); -EOPNOTSUPP (another driver than `local`, or
 *         a state backend without object records); an I/O errno.
 */
int ctr_volume_create(ctr_runtime_t *rt, const ctr_volume_options_t *opts, ctr_volume_t **ret);

/**
 * Find a volume by its full name.
 * @param ret receives a handle; release with ctr_volume_unref().
 * @return 0; -EINVAL; -ENOENT (no such volume); -EUCLEAN (its record is
 *         damaged); -EOPNOTSUPP (a state backend without object records).
 */
int ctr_volume_lookup(ctr_runtime_t *rt, const char *name, ctr_volume_t **ret);

/**
 * Whether a volume exists.
 * @return 1 (it does); 0 (it does not); -EINVAL; -EOPNOTSUPP; an I/O errno.
 */
int ctr_volume_exists(ctr_runtime_t *rt, const char *name);

/**
 * List volumes, sorted by name, that pass every filter (podman's `volume ls
 * --filter`): `name=REGEX` (extended, matching anywhere in the name),
 * `driver=NAME`, `scope=local`, `label=KEY` or `label=KEY=VALUE`,
 * `opt=KEY` or `opt=KEY=VALUE`, `dangling=true|false` (no container, of any
 * state, uses it), `until=TIME` (made before; a duration such as `10m` or
 * `24h` before now, seconds since the epoch, or RFC 3339).
 * @param filters NULL-terminated, or NULL for every volume.
 * @param ret receives the array of handles (@p ret_count of them; it is
 *        NULL-terminated too); free with ctr_volume_list_free().
 * @return 0; -EINVAL (a bad filter: the message is podman's); -EOPNOTSUPP;
 *         an I/O errno.
 */
int ctr_volume_list(ctr_runtime_t *rt, const char *const *filters, ctr_volume_t ***ret, size_t *ret_count);

/** Unref every handle in @p list and free it; NULL is allowed. */
void ctr_volume_list_free(ctr_volume_t **list, size_t count);

/** Take a reference; returns @p v (NULL is allowed), which the caller releases with ctr_volume_unref(). */
ctr_volume_t *ctr_volume_ref(ctr_volume_t *v);
/** Drop a reference (freeing the handle with the last one); returns NULL. */
ctr_volume_t *ctr_volume_unref(ctr_volume_t *v);
CTR_DEFINE_CLEANUP(ctr_volume_t, ctr_volume_unref)

/** The volume's name. The string is lent: valid as long as @p v; NULL when @p v is NULL. */
const char *ctr_volume_name(const ctr_volume_t *v);
/** The driver (`local`). The string is lent: valid as long as @p v; NULL when @p v is NULL. */
const char *ctr_volume_driver(const ctr_volume_t *v);
/** The data directory, `ROOT/volumes/NAME/_data`. The string is lent: valid as long as @p v; NULL when @p v is NULL. */
const char *ctr_volume_mountpoint(const ctr_volume_t *v);
/** The labels, `KEY=VALUE` sorted by key. The array is lent (valid as long as @p v); never NULL. */
const char *const *ctr_volume_labels(const ctr_volume_t *v);
/** The driver options, `KEY=VALUE` sorted by key. The array is lent (valid as long as @p v); never NULL. */
const char *const *ctr_volume_options(const ctr_volume_t *v);
/** When it was made, in nanoseconds since the epoch; 0 when @p v is NULL. */
int64_t ctr_volume_created(const ctr_volume_t *v);
/** 1 for an anonymous volume (made for one container), else 0. */
int ctr_volume_anonymous(const ctr_volume_t *v);

/**
 * Inspect the volume: JSON shaped like `podman volume inspect`'s object
 * (`Name`, `Driver`, `Mountpoint`, `CreatedAt`, `Labels`, `Scope`,
 * `Options`, `Anonymous` when true, `MountCount`: for a volume with a
 * driver mount, the running containers that use it (0 otherwise, as podman), `NeedsCopyUp` and `NeedsChown` while no container mounted
 * it), read anew from the record.
 * @param ret receives the JSON; free with ctr_free().
 * @return 0; -EINVAL; -ENOENT (removed meanwhile); -EOPNOTSUPP; -ENOMEM.
 */
int ctr_volume_inspect(ctr_volume_t *v, char **ret);

/** Flags for ctr_volume_remove() and ctr_volume_prune(). */
enum {
    /** Remove the containers that use the volume first (stopping them), as
     *  `podman volume rm -f` does. */
    CTR_VOLUME_REMOVE_FORCE = 1u << 0,
};

/**
 * Remove a volume and its data.
 * @param flags 0 or #CTR_VOLUME_REMOVE_FORCE.
 * @return 0; -EINVAL; -ENOENT (no such volume); -EBUSY (containers use it,
 *         whatever their state: the message names the first; nothing is
 *         removed); -EOPNOTSUPP; an errno of removing a container (with
 *         force) or the data.
 */
int ctr_volume_remove(ctr_runtime_t *rt, const char *name, uint64_t flags);

/**
 * Remove every volume that no container uses and that passes the filters
 * (podman's `volume prune --filter`: `label=KEY[=VALUE]`, `until=TIME`).
 * @param filters NULL-terminated, or NULL.
 * @param flags 0.
 * @param ret_removed receives the removed names (NULL-terminated; may be
 *        NULL to ignore); free with ctr_strv_free().
 * @return the number of volumes removed (>= 0); -EINVAL (a bad filter or
 *         flag); -EOPNOTSUPP; an I/O errno.
 */
int ctr_volume_prune(ctr_runtime_t *rt, const char *const *filters, uint64_t flags, char ***ret_removed);

#ifdef __cplusplus
}
#endif

#endif
