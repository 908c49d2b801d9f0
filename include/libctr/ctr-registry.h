/* SPDX-License-Identifier: LGPL-2.1-or-later */
/**
 * @file ctr-registry.h
 * @brief Registries: pull, push, login and logout over the OCI distribution API.
 *
 * References are podman's: `[HOST[:PORT]/]PATH[:TAG][@sha256:HEX]`.  A
 * reference whose first component has no `.` or `:` and is not `localhost`
 * is a *short name*: it is resolved through `registries.conf` (aliases,
 * then `unqualified-search-registries` in order, as podman does: with
 * `short-name-mode = "enforcing"` a short name that more than one search
 * registry could serve is an error listing the candidates (no prompt: a
 * library has no terminal); with `"permissive"`, `"disabled"` or no mode
 * set (podman's default) they are tried in order).  `docker.io`
 * names get `library/` for one-component paths; the tag defaults to
 * `latest`.
 *
 * Configuration files, as podman reads them (each overridable in
 * #ctr_registry_options_t):
 *  - `registries.conf` (version 2): `$CONTAINERS_REGISTRIES_CONF` or
 *    `/etc/containers/registries.conf`, then `*.conf` of
 *    `/etc/containers/registries.conf.d/` in order; short-name aliases also
 *    from `shortnames.conf`;
 *  - credentials: `$REGISTRY_AUTH_FILE`, else
 *    `$XDG_RUNTIME_DIR/containers/auth.json`, else
 *    `/run/containers/UID/auth.json` (podman's `auth.json` format: so
 *    `podman login` credentials work here and ctr_registry_login() writes
 *    the same file);
 *  - TLS: the system CAs plus the `.crt` files of `HOST:PORT/` in
 *    `/etc/containers/certs.d` and `/etc/docker/certs.d`, and client
 *    certificates `*.cert` with `*.key` there.
 *
 * Threads: every call may run concurrently with any other on other
 * threads; progress callbacks are called on the calling thread.
 */
#ifndef LIBCTR_CTR_REGISTRY_H
#define LIBCTR_CTR_REGISTRY_H

#include <libctr/ctr-common.h>
#include <libctr/ctr-image.h>

#ifdef __cplusplus
extern "C" {
#endif

/** What a transfer is doing (#ctr_transfer_progress_t::phase). */
typedef enum ctr_transfer_phase {
    CTR_TRANSFER_RESOLVING = 1, /**< resolving the name, reading the manifest */
    CTR_TRANSFER_BLOB = 2,      /**< bytes of one blob moved */
    CTR_TRANSFER_BLOB_DONE = 3, /**< one blob complete (verified) */
    CTR_TRANSFER_BLOB_SKIPPED = 4, /**< one blob already there (in the store, or in the registry) */
    CTR_TRANSFER_WRITING = 5,   /**< unpacking layers, writing the manifest */
    CTR_TRANSFER_DONE = 6,      /**< finished */
} ctr_transfer_phase_t;

/** One progress report of a pull or push. Everything is lent for the call. */
typedef struct ctr_transfer_progress {
    /** #ctr_transfer_phase_t. */
    int phase;
    /** The reference being transferred, fully qualified. */
    const char *reference;
    /** The blob concerned ("sha256:HEX"), or NULL for the whole transfer. */
    const char *digest;
    /** The blob's index among the layers (0 = base; the config is #n_blobs - 1), or -1. */
    int index;
    /** Number of blobs of the transfer (layers and the config). */
    int n_blobs;
    /** Bytes of this blob moved so far. */
    uint64_t done;
    /** This blob's size (0 when unknown). */
    uint64_t size;
    /** Bytes of the whole transfer moved so far (blobs skipped count as done). */
    uint64_t total_done;
    /** Bytes of the whole transfer. */
    uint64_t total;
} ctr_transfer_progress_t;

/**
 * Progress of a pull or push; return non-zero to cancel (the call then fails
 * with -ECANCELED).  Called on the calling thread, at most every 100 ms per
 * blob for #CTR_TRANSFER_BLOB and once for each other phase.
 */
typedef int (*ctr_transfer_fn)(const ctr_transfer_progress_t *p, void *userdata);

/** #ctr_registry_options_t::tls_verify. */
enum {
    CTR_TLS_DEFAULT = 0, /**< verify, unless registries.conf marks the registry `insecure` */
    CTR_TLS_VERIFY = 1,  /**< always verify (podman's `--tls-verify=true`) */
    CTR_TLS_NO_VERIFY = 2, /**< neither verify certificates nor require HTTPS (`--tls-verify=false`) */
};

/** Pull policies (#ctr_registry_options_t::pull_policy), podman's `--pull`. */
enum {
    CTR_PULL_ALWAYS = 0,  /**< always ask the registry; pull when the image differs */
    CTR_PULL_MISSING = 1, /**< pull only when no image of that name is in the store */
    CTR_PULL_NEVER = 2,   /**< never pull: the image must be in the store (-ENOENT otherwise) */
    CTR_PULL_NEWER = 3,   /**< pull when the registry's image differs from the stored one (by manifest digest); a registry that cannot be reached keeps the stored one */
};

/** Current version of #ctr_registry_options_t. */
#define CTR_REGISTRY_OPTIONS_VERSION 1

/**
 * How to reach registries.  Start from #CTR_REGISTRY_OPTIONS_INIT or
 * ctr_registry_options_init().  Everything is lent for the call; NULL and
 * 0 mean the defaults.
 */
typedef struct ctr_registry_options {
    /** Must be #CTR_REGISTRY_OPTIONS_VERSION (older versions are accepted). */
    unsigned int version;
    /** The credentials file (podman's `--authfile`); default as the file comment says. */
    const char *auth_file;
    /** Credentials to use instead of the file's (podman's `--creds USER:PASS`). */
    const char *username;
    /** The password or token of @ref username. */
    const char *password;
    /** registries.conf to read instead of the default (and its drop-in directory). */
    const char *registries_conf;
    /** The directory of this registry's certificates (`*.crt` CAs, `*.cert`
     *  with `*.key` client certificates), used instead of
     *  `/etc/containers/certs.d/HOST:PORT` and `/etc/docker/certs.d/HOST:PORT`
     *  (podman's `--cert-dir`: the directory itself, not a tree of hosts). */
    const char *certs_dir;
    /** `CTR_TLS_*`. */
    int tls_verify;
    /** Pull: the platform to pick from an image index, `OS/ARCH[/VARIANT]`
     *  (default: the running machine's, `linux/amd64` here). */
    const char *platform;
    /** `CTR_PULL_*` for ctr_image_pull_policy(); ignored by the others. */
    int pull_policy;
    /** Most blobs moved at once (connections); 0 means 6. */
    unsigned int max_connections;
    /** Progress callback, or NULL. */
    ctr_transfer_fn progress;
    /** Passed to @ref progress. */
    void *progress_userdata;
    /** When not NULL, a non-zero value (set from any thread or a signal handler) cancels. */
    const volatile int *cancel;
    /** No flags defined yet; must be 0. */
    uint64_t flags;
} ctr_registry_options_t;

/** Static initializer for #ctr_registry_options_t. */
#define CTR_REGISTRY_OPTIONS_INIT                                                                                     \
    { CTR_REGISTRY_OPTIONS_VERSION, NULL, NULL, NULL, NULL, NULL, 0, NULL, CTR_PULL_MISSING, 0, NULL, NULL, NULL, 0 }

/** Initialize @p opts for @p version. @return 0 or -EINVAL. */
int ctr_registry_options_init(ctr_registry_options_t *opts, unsigned int version);

/**
 * Pull an image from a registry into the store.  The manifest is read by
 * tag or digest (an image index or Docker manifest list picks
 * @ref ctr_registry_options_t::platform; Docker schema 1 is refused); blobs
 * are fetched in parallel, each verified against its digest and size while
 * it streams; layers already in the store are not fetched again.  Nothing
 * is visible until the image is complete; the blobs of an interrupted pull
 * that were complete are kept and reused by the next pull of any image.
 * The image is named with the fully qualified reference (a digest
 * reference: no name, as podman).
 * @param ref  the reference (a short name is resolved as the file comment says).
 * @param opts options, or NULL for the defaults.
 * @param ret  receives a handle on the image (may be NULL); release with ctr_image_unref().
 * @return 0; -EINVAL (malformed reference or options, digest or size
 *         mismatch, malformed manifest: the message says which); -ENOENT (no
 *         such repository, tag or digest); -EACCES (401/403: credentials
 *         missing or refused); -EOPNOTSUPP (schema 1, an unknown media type,
 *         an image index with no manifest for the platform); -EPERM (the
 *         registry is `blocked`);
 *         -ECONNREFUSED, -EHOSTUNREACH, -ETIMEDOUT, -EPROTO (a TLS or HTTP
 *         failure: the message names it); -ECANCELED; an I/O errno.
 */
int ctr_image_pull(ctr_runtime_t *rt, const char *ref, const ctr_registry_options_t *opts, ctr_image_t **ret);

/**
 * Find or pull an image by @ref ctr_registry_options_t::pull_policy, as
 * podman's `create --pull` does: #CTR_PULL_MISSING looks @p ref up in the
 * store first (as ctr_image_lookup() does, so IDs and local names work);
 * the other policies as their comments say.
 * @param ret receives a handle on the image (may be NULL); release with ctr_image_unref().
 * @return as ctr_image_pull(); -ENOENT with #CTR_PULL_NEVER and no such image.
 */
int ctr_image_pull_policy(ctr_runtime_t *rt, const char *ref, const ctr_registry_options_t *opts,
                          ctr_image_t **ret);

/**
 * Push an image to a registry: blobs the registry has are skipped (HEAD),
 * blobs of another repository of the same registry are mounted
 * cross-repository, the others uploaded (chunked for large layers), then
 * the config and the manifest (the stored one when the image has one,
 * else an OCI manifest made for it) with their media types.
 * @param dest  a fully qualified reference (`HOST[:PORT]/PATH[:TAG]`).
 * @param ret_digest receives the manifest's digest ("sha256:HEX",
 *        may be NULL); free with ctr_free().
 * @return 0; errors as ctr_image_pull(); -ENOENT if the image was removed.
 */
int ctr_image_push(ctr_image_t *img, const char *dest, const ctr_registry_options_t *opts, char **ret_digest);

/**
 * Log in: check @p username and @p password against @p registry (`HOST[:PORT]`,
 * or `HOST[:PORT]/PATH` for a repository's own entry), and on success store
 * them in the credentials file as `podman login` does (created 0600, its
 * other entries kept).
 * @return 0; -EACCES (refused: 401); -EINVAL; the errors of ctr_image_pull() reaching the registry.
 */
int ctr_registry_login(const char *registry, const char *username, const char *password,
                       const ctr_registry_options_t *opts);

/**
 * Log out: remove @p registry's entry from the credentials file, or every
 * entry when @p registry is NULL.
 * @return 0; -ENOENT (no entry for it: "not logged in"); an I/O errno.
 */
int ctr_registry_logout(const char *registry, const ctr_registry_options_t *opts);

/**
 * The credentials stored for @p registry (as a pull would use them: the most
 * specific entry of the file first).
 * @param ret_username receives the user name; free with ctr_free().
 * @return 0; -ENOENT (none).
 */
int ctr_registry_login_user(const char *registry, const ctr_registry_options_t *opts, char **ret_username);

/**
 * The fully qualified references a pull of @p ref would try, in order
 * (a qualified @p ref: itself, normalized).
 * @param ret receives a NULL-terminated array; free with ctr_strv_free().
 * @return 0; -EINVAL (malformed reference; an ambiguous short name in
 *         enforcing mode: the message lists the candidates); -EPERM (blocked).
 */
int ctr_image_resolve_name(const char *ref, const ctr_registry_options_t *opts, char ***ret);

#ifdef __cplusplus
}
#endif

#endif
