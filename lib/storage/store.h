/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The image store under ROOT/storage: content-addressed blobs, layers (one
 * directory each, through a driver: overlay or vfs), image records and the
 * container layers made from them.  Shared by the storage modules only.
 *
 *   ROOT/storage/storage.lock         F_OFD_SETLKW lock guarding the metadata
 *   ROOT/storage/{images,layers,containers}.json   records, replaced atomically
 *   ROOT/storage/blobs/sha256/HEX     blobs (manifests, configs, layer tars)
 *   ROOT/storage/layers/ID/diff       a layer's files (overlay: its own diff,
 *                                     whiteouts in overlay form; vfs: the full tree)
 *   ROOT/storage/containers/ID/{diff,work,merged}  a container's read-write layer
 *   ROOT/storage/tmp/NAME/            staging of an import or commit, with a
 *                                     `lock` file its owner holds; stale ones go
 *   ROOT/storage/pull-cache/sha256/HEX  blobs a pull fetched and verified, not yet
 *                                     published (pull.c): written as .tmp-PID-N, renamed
 *                                     once their digest checked, kept when a pull is
 *                                     interrupted so the next pull of any image reuses
 *                                     them, removed by the pull that publishes them.
 *                                     ctr__store_gc() never touches this directory
 *                                     (a live pull's files are there); a pull removes
 *                                     .tmp files whose PID is gone
 *
 * Long work (extraction, hashing) happens in a staging directory without the
 * lock; publishing renames the staged directories in and rewrites the records
 * under the lock, so a killed import leaves nothing visible. */
#pragma once

#include <libctr/ctr-image.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "base/lock.h"
#include "base/util.h"
#include "data/settings.h"

struct json_object;
struct archive;

/* ---- blob.c: digests (sha256, OpenSSL EVP) ---- */

typedef struct ctr__hash ctr__hash_t;
int ctr__hash_new(ctr__hash_t **ret);
void ctr__hash_update(ctr__hash_t *h, const void *data, size_t size);
/* Writes 64 lowercase hex digits + NUL into hex; the hash can be reused after. */
void ctr__hash_final(ctr__hash_t *h, char hex[65]);
void ctr__hash_free(ctr__hash_t *h);
static inline void ctr__hash_freep(ctr__hash_t **h) { ctr__hash_free(*h); }
int ctr__sha256_buf(const void *data, size_t size, char hex[65]);
/* "sha256:HEX" -> hex; -EINVAL for malformed, -EOPNOTSUPP for another algorithm. */
int ctr__digest_parse(const char *digest, char hex[65]);
bool ctr__hex64_valid(const char *s);

/* A byte range of a file: a blob in a layout, or a member of an archive. */
struct ctr__src {
    int fd;
    off_t off;
    uint64_t size;
};

/* Progress and cancellation of one import, save or commit. */
struct ctr__progress {
    ctr_progress_fn fn;
    void *userdata;
    const volatile int *cancel;
    uint64_t done, total;
};
/* Add n bytes done; -ECANCELED when cancelled (flag set or callback non-zero). */
int ctr__progress_add(struct ctr__progress *p, uint64_t n);

/* Read a whole source into memory (at most max bytes) and check its digest
 * (want_hex may be NULL).  -EINVAL with a message naming what on mismatch. */
int ctr__src_read(const struct ctr__src *src, size_t max, const char *want_hex, const char *what, char **ret,
                  size_t *ret_size);

/* ---- tar-extract.c: safe layer extraction ---- */

enum ctr__unpack_mode {
    CTR__UNPACK_OVERLAY = 0, /* whiteouts become char 0/0, opaque dirs an xattr */
    CTR__UNPACK_VFS = 1,     /* whiteouts delete from the tree below (a full copy) */
    CTR__UNPACK_COPY = 2,    /* a copy (podman cp): .wh. names are plain names; see ctr__tar_extract_copy() */
};

struct ctr__unpack_stats {
    uint64_t entries, bytes, neutralised, skipped;
};

/* Extract the tar stream of a (already opened) libarchive reader into the
 * directory root_fd.  No entry lands outside it: names are cleaned as if
 * rooted at /, every lookup uses openat2(RESOLVE_IN_ROOT), final components
 * are never followed, hardlink targets must exist inside, device nodes only
 * as root, trusted.overlay.* xattrs from the tar are dropped. */
int ctr__tar_extract(struct archive *a, int root_fd, enum ctr__unpack_mode mode, struct ctr__progress *prog,
                     struct ctr__unpack_stats *stats);

/* How ctr__tar_extract_copy() writes: the owner of every entry (else the
 * tar's, as root), and whether a directory may replace a non-directory and
 * back (podman cp --overwrite; a non-directory always replaces another). */
struct ctr__copy_extract {
    bool chown;
    uid_t uid;
    gid_t gid;
    bool overwrite;
};
/* Extract the tar stream on @fd (any compression) into the directory
 * @root_fd as ctr__tar_extract() does (nothing lands outside it), without
 * whiteouts.  -EEXIST when an entry would replace a directory by a
 * non-directory or back without @o->overwrite; -EINVAL (a malformed tar);
 * write errors; each with a message. */
int ctr__tar_extract_copy(int fd, int root_fd, const struct ctr__copy_extract *o);

/* Open a libarchive reader for a tar stream of any compression over src,
 * hashing the raw bytes (ret_digest) and the uncompressed stream
 * (ret_diff_id), optionally copying the raw bytes to copy_fd, extracting into
 * root_fd (or, with root_fd < 0, only reading).  Checks want_digest /
 * want_diff_id (hex, NULL = unchecked). */
struct ctr__layer_result {
    char digest[65];
    char diff_id[65];
    uint64_t size;      /* uncompressed bytes */
    const char *compression; /* "gzip", "zstd", ... or NULL */
};
int ctr__layer_unpack(const struct ctr__src *src, const char *want_digest, const char *want_diff_id, int copy_fd,
                      int root_fd, enum ctr__unpack_mode mode, struct ctr__progress *prog,
                      struct ctr__layer_result *ret);

/* ---- tar-create.c ---- */

enum {
    CTR__TAR_LAYER = 1u << 0, /* the directory is an overlay diff: whiteouts to .wh. names */
};
/* Write the tree under dir_fd as a POSIX (pax) tar to out_fd; hash it into
 * ret_hex (may be NULL); ret_size gets the byte count (may be NULL). */
int ctr__tar_create(int dir_fd, int out_fd, unsigned flags, struct ctr__progress *prog, char ret_hex[65],
                    uint64_t *ret_size);
/* The same, of what differs from the tree under base_fd (-1: none): entries
 * equal in the base are left out, entries only in the base become ".wh."
 * whiteouts (a vfs container layer against its image's top layer). */
int ctr__tar_create_changes(int dir_fd, int base_fd, int out_fd, unsigned flags, struct ctr__progress *prog,
                            char ret_hex[65], uint64_t *ret_size);
/* A copy's tar (podman cp's source): the entry @name of the directory (a
 * file, a link, a directory with its tree, ...) named @as in the tar, or,
 * with @name NULL, the tree under the directory; with @chown, every entry
 * owned by @uid and @gid. */
struct ctr__tar_copy {
    const char *name, *as;
    bool chown;
    uid_t uid;
    gid_t gid;
};
/* Write it from @dir_fd to @out_fd.  Errors as ctr__tar_create(). */
int ctr__tar_create_copy(int dir_fd, const struct ctr__tar_copy *copy, int out_fd);

/* ---- tree.c: copies and sizes ---- */

/* Copy the tree under src_fd into dst_fd (existing, empty or not): files,
 * dirs, symlinks, devices, owners, modes, xattrs, hardlinks within the tree.
 * With apply_overlay, src is an overlay diff: char 0/0 removes, an opaque
 * dir replaces. */
int ctr__tree_copy(int src_fd, int dst_fd, bool apply_overlay);
/* Bytes used by regular files and symlinks under dir (st_size), each inode once. */
int ctr__tree_size(int dir_fd, int64_t *ret);
/* The entry names of a directory (without . and ..), sorted by strcmp(). */
struct ctr__names {
    char **v;
    size_t n;
};
void ctr__names_done(struct ctr__names *x);
int ctr__name_cmp(const void *a, const void *b); /* of two char ** */
/* List dir_fd into *ret (rel names the directory in errors). */
int ctr__tree_names(int dir_fd, const char *rel, struct ctr__names *ret);
/* Whether entry name of dir_fd (stat st) is the same as in the base
 * directory (base_fd, stat bst): same type, owner and mode, and (but for
 * directories) modification time and size, device or link target.  As
 * containers/storage's naive diff, a content change that keeps size and
 * time is not seen. */
bool ctr__tree_same(int dir_fd, int base_fd, const char *name, const struct stat *st, const struct stat *bst);

/* ---- store.c: records and locking ---- */

struct ctr__layer_rec {
    char *id;           /* chain ID hex */
    char *parent;       /* NULL for a base layer */
    char *diff_id;      /* as the image config says, hex */
    char *blob;         /* stored blob's digest hex */
    char *blob_diff_id; /* uncompressed digest of the stored blob (== diff_id unless regenerated) */
    char *media_type;   /* of the stored blob */
    int64_t blob_size;
    int64_t size;       /* uncompressed bytes */
    int64_t created;
};

struct ctr__image_rec {
    char *id;           /* config digest hex */
    char *manifest;     /* manifest digest hex (stored blob), or NULL */
    char **names;
    char **layers;      /* layer IDs, base first */
    int64_t created;
    int64_t size;
};

struct ctr__ctr_rec {
    char *id;
    char *image;        /* image ID */
    char **layers;      /* the image's layers at create (kept even if the image goes) */
    int64_t created;
};

struct ctr__store {
    const struct ctr__settings *set; /* lent by the caller, outlives the store */
    char *dir;          /* ROOT/storage */
    int dir_fd;
    bool vfs;
    struct ctr__lock lock;
    bool loaded;
    struct ctr__layer_rec *layers;
    size_t n_layers;
    struct ctr__image_rec *images;
    size_t n_images;
    struct ctr__ctr_rec *ctrs;
    size_t n_ctrs;
    bool dirty_layers, dirty_images, dirty_ctrs;
};

int ctr__store_open(const struct ctr__settings *set, struct ctr__store **ret);
void ctr__store_close(struct ctr__store *s);
static inline void ctr__store_closep(struct ctr__store **s) { ctr__store_close(*s); }
/* Take the lock and (re)load the records. */
int ctr__store_lock(struct ctr__store *s);
/* Write what changed (atomically, durable), then release. */
int ctr__store_save(struct ctr__store *s);
void ctr__store_unlock(struct ctr__store *s);
/* Remove stale staging dirs and layer directories no record names (lock held). */
void ctr__store_gc(struct ctr__store *s);

struct ctr__layer_rec *ctr__store_layer(struct ctr__store *s, const char *id);
struct ctr__image_rec *ctr__store_image(struct ctr__store *s, const char *id);
struct ctr__ctr_rec *ctr__store_ctr(struct ctr__store *s, const char *id);
/* Find an image by full ID, "sha256:ID", name (normalized as stored), short
 * name, or unique ID prefix.  -ENOENT / -EINVAL (ambiguous) with a message. */
int ctr__store_find_image(struct ctr__store *s, const char *ref, struct ctr__image_rec **ret);
/* Normalize a name as stored: "busybox" -> "localhost/busybox:latest".
 * -EINVAL for an invalid name. */
int ctr__image_name_normalize(const char *name, char **ret);
/* Each of names normalized, once (NULL-terminated; names may be NULL). */
int ctr__image_names_normalize(const char *const *names, char ***ret);
/* Add a name to img, taking it from any other image. */
int ctr__store_tag(struct ctr__store *s, struct ctr__image_rec *img, const char *normalized);
/* Remove an image record and the layers only it used (lock held). */
int ctr__store_remove_image(struct ctr__store *s, struct ctr__image_rec *img);
/* Remove layers no image or container names (lock held); returns the count. */
int ctr__store_prune_layers(struct ctr__store *s);
void ctr__layer_rec_clear(struct ctr__layer_rec *l);
void ctr__image_rec_clear(struct ctr__image_rec *i);
int ctr__store_add_layer(struct ctr__store *s, struct ctr__layer_rec *l); /* takes the contents */
int ctr__store_add_image(struct ctr__store *s, struct ctr__image_rec *i); /* takes the contents */
/* Paths: ROOT/storage/layers/ID/diff etc.; malloc'ed or NULL. */
char *ctr__store_layer_diff(struct ctr__store *s, const char *id);
char *ctr__store_blob_path(struct ctr__store *s, const char *hex);
/* The diff directories of layers[0..n), top (n - 1) first, joined by ':'
 * as overlay's lowerdir takes them; "" for none, NULL on ENOMEM. */
char *ctr__store_lower_dirs(const struct ctr__store *s, char *const *layers, size_t n);
/* Open a stored blob as a source; -ENOENT. */
int ctr__store_blob_open(struct ctr__store *s, const char *hex, struct ctr__src *ret);
/* Read a stored blob (e.g. a config) into memory. */
int ctr__store_blob_read(struct ctr__store *s, const char *hex, char **ret, size_t *ret_size);

/* Chain ID of a layer: sha256(parent_chain + " " + "sha256:" diff_id), or diff_id for a base. */
int ctr__chain_id(const char *parent_chain, const char *diff_id, char ret[65]);

/* ---- staging (store.c) ---- */

struct ctr__stage {
    struct ctr__store *s;
    char *name;         /* tmp/NAME */
    int fd;             /* the staging dir */
    int lock_fd;
    /* staged layers: IDs whose dirs are in stage/layers/ID */
    char **layers;
    /* staged blobs: hex names in stage/blobs/ */
    char **blobs;
};
int ctr__stage_new(struct ctr__store *s, struct ctr__stage **ret);
void ctr__stage_free(struct ctr__stage *st); /* removes what was not published */
static inline void ctr__stage_freep(struct ctr__stage **p) { ctr__stage_free(*p); }
/* Create stage/blobs/.tmp-N for writing; commit it under its digest with stage_blob_done. */
int ctr__stage_blob_tmp(struct ctr__stage *st, char **ret_name, int *ret_fd);
int ctr__stage_blob_done(struct ctr__stage *st, const char *tmp_name, const char *hex);
/* Write a small blob (config, manifest) and return its digest. */
int ctr__stage_blob_write(struct ctr__stage *st, const void *data, size_t size, char ret_hex[65]);
/* Create stage/layers/ID/diff (for vfs: a copy of the parent's tree) and open it. */
int ctr__stage_layer_dir(struct ctr__stage *st, const char *id, const char *parent, int *ret_fd);
/* Publish: move staged blobs and layers in, add the layer records given and
 * the image (lock taken and released here).  On success *img is consumed and
 * ret_id receives the image ID. */
int ctr__stage_publish(struct ctr__stage *st, struct ctr__layer_rec *layers, size_t n_layers,
                       struct ctr__image_rec *img, const char *const *names);

/* ---- image-config.c: image configs, manifests, changes ---- */

/* Make a layer record for a freshly unpacked layer. */
int ctr__layer_rec_make(const char *id, const char *parent, const char *diff_id, const struct ctr__layer_result *lr,
                        const char *media_type, int64_t blob_size, struct ctr__layer_rec *ret);

/* The OCI layer media type for a compression ("gzip", "zstd", NULL: none). */
const char *ctr__layer_media_type(const char *compression);

/* Apply Dockerfile-style changes ("CMD [\"sh\"]", "ENV A=b", "WORKDIR /x",
 * "USER u", "LABEL k=v", "ENTRYPOINT ...", "EXPOSE 80/tcp", "VOLUME /v",
 * "STOPSIGNAL SIGTERM") to an image config's "config" object. */
int ctr__config_apply_changes(struct json_object *config, const char *const *changes);

/* Parse an image config; checks rootfs.diff_ids (hex out, NULL-terminated). */
int ctr__image_config_parse(const char *json, struct json_object **ret_cfg, char ***ret_diff_ids);

/* Select the manifest from an OCI index / image layout (nested indexes,
 * platform of the running machine, tag).  Exposed for tests and fuzzing.
 * get_blob reads a blob by digest hex. */
typedef int (*ctr__blob_reader_fn)(void *userdata, const char *hex, char **ret, size_t *ret_size);
struct ctr__manifest_pick {
    char digest[65];
    int64_t size;                /* the descriptor's, -1 when it gives none */
    char *media_type;
    char *ref_name;
};
int ctr__oci_index_pick(const char *index_json, const char *tag, ctr__blob_reader_fn get_blob, void *userdata,
                        struct ctr__manifest_pick *ret);
/* The same for @platform "OS/ARCH[/VARIANT]" (NULL: the running machine's);
 * -EINVAL for a malformed platform, -EOPNOTSUPP when none fits. */
int ctr__oci_index_pick_platform(const char *index_json, const char *tag, const char *platform,
                                 ctr__blob_reader_fn get_blob, void *userdata, struct ctr__manifest_pick *ret);
/* Parse a manifest: config digest and layers (digest hex, media type, size). */
struct ctr__manifest_layer {
    char digest[65];
    char *media_type;
    int64_t size;
};
struct ctr__manifest {
    char config[65];
    int64_t config_size;
    struct ctr__manifest_layer *layers;
    size_t n_layers;
};
int ctr__manifest_parse(const char *json, struct ctr__manifest *ret);
void ctr__manifest_clear(struct ctr__manifest *m);
/* docker-archive manifest.json: first entry's Config, RepoTags, Layers. */
struct ctr__docker_manifest {
    char *config;
    char **repo_tags;
    char **layers;
};
int ctr__docker_manifest_parse(const char *json, struct ctr__docker_manifest *ret);
void ctr__docker_manifest_clear(struct ctr__docker_manifest *m);
/* The running machine's GOARCH name (amd64, arm64, ...) and variant (or NULL). */
const char *ctr__go_arch(const char **ret_variant);

/* ---- tar-index.c: members of an uncompressed tar file ---- */

struct ctr__tar_member {
    char *name;   /* cleaned: no leading ./ or / */
    off_t off;    /* data offset */
    uint64_t size;
    char type;    /* '0' regular, '5' dir, ... */
};
struct ctr__tar_index {
    struct ctr__tar_member *m;
    size_t n;
};
int ctr__tar_index_build(int fd, struct ctr__tar_index *ret);
const struct ctr__tar_member *ctr__tar_index_find(const struct ctr__tar_index *ix, const char *name);
void ctr__tar_index_clear(struct ctr__tar_index *ix);

/* ---- imports (import-*.c) ---- */

struct ctr__import {
    const struct ctr__settings *set;
    struct ctr__store *s;
    struct ctr__progress prog;
    const char *const *changes;
    /* results */
    char *image_id;
};
int ctr__import_oci_dir(struct ctr__import *im, int dir_fd, const char *tag, const char *const *names);
int ctr__import_oci_archive(struct ctr__import *im, const char *path, const char *tag, const char *const *names);
int ctr__import_docker_archive(struct ctr__import *im, const char *path, const char *const *names);
int ctr__import_tarball(struct ctr__import *im, const char *path, const char *const *names);
int ctr__import_podman(struct ctr__import *im, const char *store_dir, const char *ref, const char *const *names);

/* Shared by the importers: given a parsed manifest, read config and layers
 * through open_blob, stage and publish. */
/* Open a blob (by digest hex or by path in the source).  An opener that had
 * to write the blob itself (a regenerated layer) puts it in the stage and
 * returns its staging name in *ret_staged (else leaves it NULL). */
typedef int (*ctr__blob_open_fn)(void *userdata, size_t index, const char *hex, const char *path,
                                 struct ctr__src *ret, char **ret_staged);
struct ctr__image_source {
    ctr__blob_open_fn open_blob;
    void *userdata;
    const char *config_hex;      /* config digest (may be NULL: then config_path, hashed) */
    const char *config_path;
    const char *manifest_json;   /* kept as a blob when given */
    size_t manifest_size;
    size_t n_layers;
    const char **layer_hex;      /* blob digests (may be NULL entries: unknown) */
    const char **layer_path;     /* or member paths */
    const char **layer_media_type;
    uint64_t *layer_size;        /* expected sizes for progress (may be NULL) */
    bool regenerated;            /* layers are rebuilt from directories: diff IDs not checked */
    struct ctr__stage *stage;    /* the stage to use (NULL: a new one) */
};
/* Open a possibly compressed tar archive file as an uncompressed one (a
 * decompressed copy in the stage when needed). */
int ctr__archive_open_plain(const char *path, struct ctr__stage *st, struct ctr__progress *prog, int *ret_fd);
/* Rename a staged layer (tarball imports and commits learn the ID last). */
int ctr__stage_layer_rename(struct ctr__stage *st, const char *from, const char *to);
int ctr__import_image(struct ctr__import *im, const struct ctr__image_source *src, const char *const *names);

/* Add one layer (a tar file at src, any compression) on top of base (an
 * image ID, or NULL for a base layer) and publish the image: the config is
 * base_config (JSON; NULL: the base image's, or an empty one) with the
 * layer's diff ID, the changes and a history entry appended.  import-tarball.c */
struct ctr__layer_on {
    const char *base;
    const char *base_config;
    const struct ctr__src *src;
    const char *created_by;
    const char *author;
    const char *comment;
    const char *const *names;
};
int ctr__import_layer_on(struct ctr__import *im, struct ctr__stage *st, const struct ctr__layer_on *lo);
/* An OCI manifest for config (hex, size) over the given layer records. */
int ctr__manifest_build(const char *config_hex, size_t config_size, struct ctr__layer_rec *const *layers, size_t n,
                        char **ret);

/* ---- save.c, commit.c ---- */

/* ---- drivers (driver-overlay.c, driver-vfs.c) behind layers.c ---- */

struct ctr__driver {
    const char *name;
    /* Set up containers/ID (dir_fd) over the image's layers (diff paths, base first). */
    int (*create)(struct ctr__store *s, int dir_fd, const char *const *lower);
    /* Mount: ret_path is the mount point (malloc'ed). */
    int (*mount)(struct ctr__store *s, const char *dir, const char *const *lower, const char *mount_label,
                 char **ret_path);
    int (*unmount)(struct ctr__store *s, const char *dir);
    /* Whether the mount is in place (for a count left from an earlier boot). */
    bool (*is_mounted)(const char *dir);
};
extern const struct ctr__driver ctr__driver_overlay;
extern const struct ctr__driver ctr__driver_vfs;

/* Make a container's layer over image img (lock held): containers/ID/... */
int ctr__layers_container_create(struct ctr__store *s, const char *ctr_id, const struct ctr__image_rec *img);
int ctr__layers_container_delete(struct ctr__store *s, const char *ctr_id);
/* Mount / unmount the container's root file system; ret_path malloc'ed. */
int ctr__layers_container_mount(struct ctr__store *s, const struct ctr__ctr_rec *cr, const char *mount_label,
                                char **ret_path);
int ctr__layers_container_unmount(struct ctr__store *s, const char *ctr_id);
bool ctr__layers_container_mounted(struct ctr__store *s, const char *ctr_id);
/* The container's read-write directory (overlay upper dir, vfs tree). */
char *ctr__layers_container_diff(struct ctr__store *s, const char *ctr_id);
