/* SPDX-License-Identifier: LGPL-2.1-or-later */
/**
 * @file ctr-image.h
 * @brief Images and storage: import, list, tag, remove, inspect, save;
 *        a container's root file system: mount, sizes, export, commit.
 *
 * Threads: image calls may run concurrently from any threads and processes
 * (the store is guarded by lock files).  A `ctr_image_t` is a reference
 * counted snapshot of an image record: its getters lend data that never
 * changes, so one handle may be read from several threads; ref/unref are
 * atomic.  Progress callbacks run on the calling thread and must not call
 * back into libctr.
 *
 * Images live in the runtime's root (`ROOT/storage`): content-addressed
 * blobs, layers unpacked through the storage driver chosen at
 * ctr_runtime_new() (`overlay`, or `vfs` where overlayfs is missing), and
 * image records.  An image's ID is the digest of its config (64 hex digits);
 * its names are references such as `localhost/app:latest`.  Several
 * processes may use one store at once; an interrupted import leaves nothing
 * visible.
 *
 * A container created with #ctr_container_options_t.image gets a read-write
 * layer of its own over the image's layers; its defaults (command =
 * entrypoint + cmd, environment, working directory, user, stop signal,
 * labels, volumes, exposed ports) come from the image config.
 */
#ifndef LIBCTR_CTR_IMAGE_H
#define LIBCTR_CTR_IMAGE_H

#include <libctr/ctr-common.h>

#ifdef __cplusplus
extern "C" {
#endif

/** An image handle: a snapshot of the image's record, reference counted. */
typedef struct ctr_image ctr_image_t;

/** Take a reference. Returns @p img; NULL allowed. */
ctr_image_t *ctr_image_ref(ctr_image_t *img);
/** Drop a reference. Returns NULL; NULL allowed. */
ctr_image_t *ctr_image_unref(ctr_image_t *img);
CTR_DEFINE_CLEANUP(ctr_image_t, ctr_image_unref)

/** The image's ID: the config digest's 64 hex digits (lent, valid as long as the handle). */
const char *ctr_image_id(const ctr_image_t *img);
/** The manifest digest, `sha256:HEX`, or NULL when none is stored (lent). */
const char *ctr_image_digest(const ctr_image_t *img);
/** The image's names, e.g. `localhost/app:latest`, as when the handle was made (lent; never NULL). */
const char *const *ctr_image_names(const ctr_image_t *img);
/** Creation time from the image config, nanoseconds since the epoch (0 when unknown). */
int64_t ctr_image_created(const ctr_image_t *img);
/** Uncompressed size of the image's layers in bytes. */
int64_t ctr_image_size(const ctr_image_t *img);
/** Number of layers. */
size_t ctr_image_layer_count(const ctr_image_t *img);

/**
 * List the images, newest first.
 * @param ret       receives a malloc'ed array of handles; free with ctr_image_list_free().
 * @param ret_count receives the number of handles.
 * @return 0; -EINVAL; -ENOMEM; an I/O errno from the store.
 */
int ctr_image_list(ctr_runtime_t *rt, ctr_image_t ***ret, size_t *ret_count);
/** Unref every handle in @p list and free it.  NULL allowed. */
void ctr_image_list_free(ctr_image_t **list, size_t count);

/**
 * Find an image by full ID, `sha256:ID`, name (`app`, `app:v1`,
 * `localhost/app:latest`, `docker.io/library/busybox`), or unique ID prefix.
 * @param ret receives a new handle; release with ctr_image_unref().
 * @return 0; -EINVAL (NULL, empty, or an ambiguous ID prefix); -ENOENT (no such image).
 */
int ctr_image_lookup(ctr_runtime_t *rt, const char *name_or_id, ctr_image_t **ret);

/**
 * Give the image another name (taking it from any image that had it).  A
 * name without a registry gets `localhost/`, without a tag `:latest`.
 * @return 0; -EINVAL (NULL or invalid name); -ENOENT (the image was removed).
 */
int ctr_image_tag(ctr_image_t *img, const char *name);
/**
 * Remove one of the image's names.
 * @return 0; -EINVAL; -ENOENT (the image does not have that name, or was removed).
 */
int ctr_image_untag(ctr_image_t *img, const char *name);

/** Flags of ctr_image_remove() and ctr_image_prune(). */
enum {
    /** Remove even when containers use the image (they keep their layers). */
    CTR_IMAGE_REMOVE_FORCE = 1u << 0,
    /** Prune: every image no container uses, not only unnamed ones. */
    CTR_IMAGE_PRUNE_ALL = 1u << 1,
};

/**
 * Remove an image and the layers no other image or container uses.
 * Given a name while the image has other names, only that name goes
 * (like `podman rmi`).
 * @param flags #CTR_IMAGE_REMOVE_FORCE.
 * @return 0; -EINVAL; -ENOENT (no such image); -EBUSY (containers use it: the
 *         message says how many; force to remove anyway).
 */
int ctr_image_remove(ctr_runtime_t *rt, const char *name_or_id, uint64_t flags);

/**
 * Remove dangling images (no names, no container), or with
 * #CTR_IMAGE_PRUNE_ALL every image no container uses; then layers nothing uses.
 * @param ret_removed receives the removed image IDs (NULL-terminated; may be
 *        NULL to ignore); free with ctr_strv_free().
 * @return the number of images removed (>= 0); -EINVAL; an I/O errno.
 */
int ctr_image_prune(ctr_runtime_t *rt, uint64_t flags, char ***ret_removed);

/**
 * Inspect the image: JSON shaped like `podman image inspect`'s object (Id,
 * Digest, RepoTags, Created, Config, Architecture, Os, Size, GraphDriver,
 * RootFS, History, Labels...).
 * @param ret receives the JSON; free with ctr_free().
 * @return 0; -EINVAL; -ENOENT (removed meanwhile); -ENOMEM.
 */
int ctr_image_inspect(ctr_image_t *img, char **ret);

/**
 * The image's OCI config (the stored blob) as JSON.
 * @param ret receives the JSON; free with ctr_free().
 * @return 0; -EINVAL; -ENOENT.
 */
int ctr_image_config_json(ctr_image_t *img, char **ret);

/**
 * Progress of an import, save or commit: @p done of @p total bytes (total
 * may grow while blobs are discovered).  Return non-zero to cancel (the
 * operation then fails with -ECANCELED).  Called on the calling thread.
 */
typedef int (*ctr_progress_fn)(uint64_t done, uint64_t total, void *userdata);

/** Current version of #ctr_import_options_t. */
#define CTR_IMPORT_OPTIONS_VERSION 1

/**
 * What to import.  Everything is copied; NULL means "not set".
 */
typedef struct ctr_import_options {
    /** #CTR_IMPORT_OPTIONS_VERSION. */
    unsigned int version;
    /**
     * Where the image comes from:
     *  - `oci:DIR[:TAG]`: an OCI image layout (nested indexes; the manifest
     *    for the running architecture is picked);
     *  - `oci-archive:FILE[:TAG]`: the same as a tar file;
     *  - `docker-archive:FILE`: what `docker save`, `podman save` or skopeo write;
     *  - `containers-storage:NAME`: an image in podman's store
     *    (`/var/lib/containers/storage`, read only), or
     *    `containers-storage:[/STORE/DIR]NAME`;
     *  - `tarball:FILE` or a plain path: a root file system tar (like
     *    `podman import`), compressed or not.
     */
    const char *reference;
    /** A name to give the image (in addition to names the source carries). */
    const char *name;
    /** Dockerfile-style config changes: `CMD ["sh"]`, `ENV A=b`, `WORKDIR /w`,
     *  `USER u`, `LABEL k=v`, `ENTRYPOINT ...`, `EXPOSE 80/tcp`, `VOLUME /v`, `STOPSIGNAL TERM`. */
    const char *const *changes;
    /** Progress callback, or NULL. */
    ctr_progress_fn progress;
    /** Passed to @ref progress. */
    void *progress_userdata;
    /** When not NULL, a non-zero value (set from any thread or a signal handler) cancels. */
    const volatile int *cancel;
    /** No flags defined yet; must be 0. */
    uint64_t flags;
} ctr_import_options_t;

/** Static initializer for #ctr_import_options_t. */
#define CTR_IMPORT_OPTIONS_INIT { CTR_IMPORT_OPTIONS_VERSION, NULL, NULL, NULL, NULL, NULL, NULL, 0 }

/** Initialize @p opts for @p version. @return 0 or -EINVAL. */
int ctr_import_options_init(ctr_import_options_t *opts, unsigned int version);

/**
 * Import an image.  Every blob's digest is checked; layers (uncompressed,
 * gzip or zstd) are unpacked safely: no entry of a hostile tar lands outside
 * the layer.  Nothing is visible until the image is complete.
 * @param ret receives a handle on the imported image (may be NULL); release
 *        with ctr_image_unref().
 * @return 0; -EINVAL (bad options or reference, malformed image, digest
 *         mismatch, a refused tar entry: the message says which); -ENOENT
 *         (no such file, tag or image); -EOPNOTSUPP (no manifest for this
 *         architecture, unknown media type); -ECANCELED; an I/O errno.
 */
int ctr_image_import(ctr_runtime_t *rt, const ctr_import_options_t *opts, ctr_image_t **ret);

/** Current version of #ctr_save_options_t. */
#define CTR_SAVE_OPTIONS_VERSION 1

/** How to save an image. */
typedef struct ctr_save_options {
    /** #CTR_SAVE_OPTIONS_VERSION. */
    unsigned int version;
    /** The name recorded in the output (docker-archive RepoTags); NULL: the image's names. */
    const char *name;
    /** Progress callback, or NULL. */
    ctr_progress_fn progress;
    /** Passed to @ref progress. */
    void *progress_userdata;
    /** When not NULL, a non-zero value (set from any thread or a signal handler) cancels. */
    const volatile int *cancel;
    /** No flags defined yet; must be 0. */
    uint64_t flags;
} ctr_save_options_t;

/** Static initializer for #ctr_save_options_t. */
#define CTR_SAVE_OPTIONS_INIT { CTR_SAVE_OPTIONS_VERSION, NULL, NULL, NULL, NULL, 0 }

/** Initialize @p opts for @p version. @return 0 or -EINVAL. */
int ctr_save_options_init(ctr_save_options_t *opts, unsigned int version);

/**
 * Save the image to @p reference: `oci:DIR[:TAG]` (added to an existing
 * layout), `oci-archive:FILE[:TAG]` or `docker-archive:FILE` (replaced), in a
 * form skopeo and podman load.
 * @param opts NULL for the defaults.
 * @return 0; -EINVAL (bad reference or options); -ENOENT (the image was
 *         removed); -ECANCELED; an I/O errno.
 */
int ctr_image_save(ctr_image_t *img, const char *reference, const ctr_save_options_t *opts);

/* ---- a container's root file system ---- */

/**
 * Mount the container's root file system (an overlay of the image's layers
 * and its own layer; a rootfs directory as is) and return where.  Mounts are
 * counted: each ctr_container_mount() needs a ctr_container_unmount().
 * @param mount_label SELinux label for the mount, or NULL.
 * @param ret_path receives the mount point; free with ctr_free().
 * @return 0; -EINVAL; -ENOENT (removed); an errno from mount(2).
 */
int ctr_container_mount(ctr_container_t *c, const char *mount_label, char **ret_path);

/**
 * Drop one mount of ctr_container_mount() (all of them with @p force);
 * the file system is unmounted when none is left and the container is not running.
 * @return 0; -EINVAL; -ENOENT; -EBUSY (running and @p force given).
 */
int ctr_container_unmount(ctr_container_t *c, int force);

/**
 * Size in bytes of the container's root file system below its own layer
 * (the image's layers), like podman's rootFsSize; of the directory for a
 * rootfs container.
 * @return 0; -EINVAL; -ENOENT.
 */
int ctr_container_rootfs_size(ctr_container_t *c, int64_t *ret);
/**
 * Size in bytes of what the container changed (its read-write layer); 0
 * for a rootfs container.
 * @return 0; -EINVAL; -ENOENT.
 */
int ctr_container_rw_size(ctr_container_t *c, int64_t *ret);

/**
 * Write the container's root file system as a tar to @p fd (`podman
 * export`).  The container may be in any state.
 * @return 0; -EINVAL; -ENOENT; an I/O errno.
 */
int ctr_container_export(ctr_container_t *c, int fd);

/** What a #ctr_change_t records (the kinds of containers/storage, as `podman diff` prints them). */
typedef enum ctr_change_kind {
    CTR_CHANGE_MODIFIED = 0, /**< `C`: changed (for a directory: it or something in it) */
    CTR_CHANGE_ADDED = 1,    /**< `A`: added (with everything under it) */
    CTR_CHANGE_DELETED = 2,  /**< `D`: deleted */
} ctr_change_kind_t;

/** One changed path of ctr_container_diff(). */
typedef struct ctr_change {
    /** The absolute path inside the container. */
    const char *path;
    /** #ctr_change_kind_t. */
    int kind;
} ctr_change_t;

/**
 * The paths the container changed against its image, sorted by path, as
 * `podman diff` lists them: its read-write layer compared with the image's
 * layers (whiteouts are deletions; a directory holding a change is
 * changed), the mount points made in every container left out as podman
 * leaves them (`/dev`, `/proc`, `/sys`, `/run`, `/etc/hosts`,
 * `/etc/resolv.conf`, `/etc/hostname`, `/etc/mtab`, `/run/.containerenv`,
 * `/run/secrets`; a volume's mount point is listed, as podman lists it).
 * Works in any state; nothing in the container is run or followed.
 * @param ret receives the array (may be empty); free with ctr_changes_free().
 * @param ret_count receives its length.
 * @return 0; -EINVAL; -ENOENT (the container or its layer is gone);
 *         -EOPNOTSUPP (a container made from a root file system has no layer);
 *         -ELOOP (nested deeper than 256 directories); an I/O errno.
 */
int ctr_container_diff(ctr_container_t *c, ctr_change_t **ret, size_t *ret_count);

/** Free the result of ctr_container_diff() (NULL is fine). */
void ctr_changes_free(ctr_change_t *changes, size_t count);

/** ctr_container_copy_to() and the others: owners. Going in, what is copied
 * gets the container's user and group (its `user`, resolved in its
 * /etc/passwd and /etc/group; root without one), as `podman cp` does by
 * default (`--archive`); coming out (ctr_container_copy_from()), the
 * caller's effective user and group (in the tar of ctr_container_copy_from_fd()).
 * Without it the owners are kept (as root). */
#define CTR_COPY_CHOWN (1u << 0)
/** A directory may replace a non-directory and back (`podman cp
 * --overwrite`); without it that fails with -EEXIST. A non-directory always
 * replaces a non-directory. */
#define CTR_COPY_OVERWRITE (1u << 1)

/**
 * Copy the host path @p src into the container at @p dst (`podman cp SRC
 * CTR:DST`), in any state: through its root file system (mounted for the
 * copy when it is not) or, under the destination of a bind mount or a named
 * volume, that mount's host directory.  @p dst (absolute, or relative to the
 * container's working directory) is resolved inside the container's root:
 * its symbolic links are followed as the container would, never out of it.
 * podman's rules: the last symbolic link of @p src is followed, and links
 * inside a copied tree are copied as links; `SRC/.` copies a directory's
 * contents; an existing directory @p dst receives the source under its own
 * name; anything else at @p dst is replaced by it (a directory only by a
 * directory, see #CTR_COPY_OVERWRITE); a missing @p dst is made by it (its
 * parent must exist; a @p dst ending in `/` must exist).  Modes (setuid,
 * sticky), modification times, symbolic links, hard links within the copy,
 * extended attributes and, as root, owners are kept.
 * @param flags #CTR_COPY_CHOWN, #CTR_COPY_OVERWRITE.
 * @return 0; -EINVAL (a NULL or empty argument, an unknown flag);
 *         -ENOENT (the container is gone; @p src or @p dst's directory does
 *         not exist: podman's `"PATH" could not be found on the host: no such
 *         file or directory`, `... on container NAME ...`); -ENOTDIR (a
 *         directory onto a non-directory: `destination must be a directory
 *         when copying a directory`); -EEXIST (a directory and a
 *         non-directory, without #CTR_COPY_OVERWRITE); -ELOOP (too many
 *         symbolic links); -EBUSY (the container is being removed); an I/O
 *         errno.  Each with a message.
 */
int ctr_container_copy_to(ctr_container_t *c, const char *src, const char *dst, uint64_t flags);

/**
 * Copy the container's path @p src to the host path @p dst (`podman cp
 * CTR:SRC DST`): the same rules as ctr_container_copy_to() the other way;
 * @p src is resolved inside the container's root, and the tree copied out is
 * extracted with the same checks as an image layer (nothing it holds is
 * written outside @p dst, whatever its links say).
 * @param flags #CTR_COPY_CHOWN (what podman always does: the caller owns the
 *        copy), #CTR_COPY_OVERWRITE.
 * @return as ctr_container_copy_to().
 */
int ctr_container_copy_from(ctr_container_t *c, const char *src, const char *dst, uint64_t flags);

/**
 * Extract the tar stream read from @p fd (any compression) into the
 * container's directory @p dst (`podman cp - CTR:DST`), which must exist;
 * the names in the tar are kept inside it, whatever they and the links on
 * the way say.  The caller keeps @p fd; it is read to the tar's end.
 * @param flags #CTR_COPY_CHOWN, #CTR_COPY_OVERWRITE.
 * @return 0; -EINVAL (bad arguments, a malformed tar); -ENOENT (@p dst does
 *         not exist, or the container is gone); -ENOTDIR (@p dst is not a
 *         directory); -EEXIST (see #CTR_COPY_OVERWRITE); an I/O errno.
 */
int ctr_container_copy_to_fd(ctr_container_t *c, int fd, const char *dst, uint64_t flags);

/**
 * Write the container's path @p src as a tar (pax) to @p fd (`podman cp
 * CTR:SRC -`): the entry under its own name with everything below it, or,
 * for `SRC/.`, a directory's contents.  Modes, times and links are those
 * in the container, and so are owners unless #CTR_COPY_CHOWN.  The caller
 * keeps @p fd.
 * @param flags #CTR_COPY_CHOWN: every entry owned by the caller's effective
 *        user and group (what `podman cp CTR:SRC -` does);
 *        #CTR_COPY_OVERWRITE has no effect here.
 * @return 0; -EINVAL; -ENOENT (@p src does not exist, or the container is
 *         gone); an I/O errno (-EPIPE: the reader went away).
 */
int ctr_container_copy_from_fd(ctr_container_t *c, const char *src, int fd, uint64_t flags);

/** Current version of #ctr_commit_options_t. */
#define CTR_COMMIT_OPTIONS_VERSION 1

/** Flags of #ctr_commit_options_t. */
enum {
    /** Pause a running container while its changes are read. */
    CTR_COMMIT_PAUSE = 1u << 0,
};

/** How to commit a container. */
typedef struct ctr_commit_options {
    /** #CTR_COMMIT_OPTIONS_VERSION. */
    unsigned int version;
    /** The new image's name; NULL for none (a dangling image). */
    const char *name;
    /** Config changes, as in #ctr_import_options_t. */
    const char *const *changes;
    /** Author recorded in the image config and history. */
    const char *author;
    /** Message recorded in the history. */
    const char *message;
    /** `CTR_COMMIT_*` flags. */
    uint64_t flags;
    /** Progress callback, or NULL. */
    ctr_progress_fn progress;
    /** Passed to @ref progress. */
    void *progress_userdata;
    /** When not NULL, a non-zero value (set from any thread or a signal handler) cancels. */
    const volatile int *cancel;
} ctr_commit_options_t;

/** Static initializer for #ctr_commit_options_t. */
#define CTR_COMMIT_OPTIONS_INIT { CTR_COMMIT_OPTIONS_VERSION, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL }

/** Initialize @p opts for @p version. @return 0 or -EINVAL. */
int ctr_commit_options_init(ctr_commit_options_t *opts, unsigned int version);

/**
 * Make a new image from the container's image and its changes (the
 * read-write layer becomes a new layer; deleted files become whiteouts).
 * The config is the image's (or, for a rootfs container, an empty one) with
 * the container's command, environment, working directory, user, labels,
 * then the given changes, and a history entry.
 * @param opts NULL for the defaults.
 * @param ret receives a handle on the new image (may be NULL); release with ctr_image_unref().
 * @return 0; -EINVAL; -ENOENT; -EOPNOTSUPP (a rootfs container: commit needs an
 *         image); -EBUSY (paused by someone else); -ECANCELED; an I/O errno.
 */
int ctr_container_commit(ctr_container_t *c, const ctr_commit_options_t *opts, ctr_image_t **ret);

#ifdef __cplusplus
}
#endif

#endif
