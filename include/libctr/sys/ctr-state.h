/* SPDX-License-Identifier: LGPL-2.1-or-later */
/**
 * @file sys/ctr-state.h
 * @brief Plug-in API: state backends.
 *
 * A state backend stores, for each container, two JSON documents written by
 * libctr (the *config*, written once at add, and the *state*, replaced on
 * every save) and a name index.  libctr owns the documents' format; the
 * backend stores them as opaque NUL-terminated strings.
 *
 * Built-in backends: `files` (a directory per container, atomic replace with
 * fsync) and `tdb` (one database, a transaction per write).  Register another
 * with ctr_state_backend_register() and name it in
 * ctr_runtime_options_t::state_backend.
 *
 * Contract for every callback:
 * - return 0 (or the documented positive value) on success, a negative errno
 *   on failure; ctr_state_backend_error() records a detail message;
 * - strings returned through `ret` parameters are allocated with malloc() and
 *   freed by libctr with free();
 * - libctr serializes the calls it makes on one opened database (one call at a
 *   time per `db`), but several processes may open the same directory at once:
 *   writes must be atomic and durable (visible completely or not at all, also
 *   after a crash or power loss), and readers must never see a torn write;
 * - libctr holds its runtime lock around add() and remove(), and the
 *   container's lock around save_state().
 *
 * The vtable is versioned: set `version` to #CTR_STATE_BACKEND_VERSION; later
 * versions only add members at the end.
 */
#ifndef LIBCTR_SYS_CTR_STATE_H
#define LIBCTR_SYS_CTR_STATE_H

#include <libctr/ctr-common.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Current version of #ctr_state_backend_t. */
#define CTR_STATE_BACKEND_VERSION 1

/** Flags for the iterate() callback: which documents to load. */
enum {
    CTR_STATE_ITER_CONFIG = 1u << 0, /**< pass each container's config document */
    CTR_STATE_ITER_STATE = 1u << 1,  /**< pass each container's state document */
};

/**
 * Called by iterate() once per container.  @p config and @p state are lent
 * for the call (NULL when not requested).  A non-zero return stops the
 * iteration and is returned by iterate().
 */
typedef int (*ctr_state_iter_fn)(const char *id, const char *config, const char *state, void *userdata);

/** A state backend. */
typedef struct ctr_state_backend {
    /** #CTR_STATE_BACKEND_VERSION. */
    unsigned int version;
    /** Unique name, `[a-z0-9_-]+`, used in ctr_runtime_options_t::state_backend. */
    const char *name;
    /** Passed to open(). */
    void *userdata;

    /**
     * Open (creating if needed) the database kept in directory @p dir (which
     * exists, mode 0700, and belongs to this backend alone).  Must refuse with
     * -EPROTONOSUPPORT a database whose layout version is newer than the
     * backend understands.
     */
    int (*open)(void **ret_db, const char *dir, void *userdata);
    /** Close a database opened by open(). */
    void (*close)(void *db);

    /**
     * Add a container atomically: its config, initial state, and its name in
     * the index.  -EEXIST if @p id or @p name is taken (nothing is written).
     */
    int (*add)(void *db, const char *id, const char *name, const char *config, const char *state);
    /** Remove a container and its name atomically.  -ENOENT if absent. */
    int (*remove)(void *db, const char *id, const char *name);
    /** Replace a container's state atomically and durably.  -ENOENT if absent. */
    int (*save_state)(void *db, const char *id, const char *state);
    /**
     * Read a container's documents; either output pointer may be NULL when
     * not wanted.  -ENOENT if absent.
     */
    int (*get)(void *db, const char *id, char **ret_config, char **ret_state);
    /** Resolve a name to a full ID.  -ENOENT if no container has the name. */
    int (*lookup_name)(void *db, const char *name, char **ret_id);
    /**
     * Call @p fn for every container, loading what @p flags asks for.  The
     * order is unspecified.  A container added or removed meanwhile may or
     * may not be seen, but no container is seen half-written.
     * @return 0; @p fn's non-zero return, which stopped the iteration; a
     *         negative errno from the storage (-EIO, -ENOMEM, ...).
     */
    int (*iterate)(void *db, unsigned int flags, ctr_state_iter_fn fn, void *userdata);
} ctr_state_backend_t;

/**
 * Register a backend under its name, for every runtime opened later in this
 * process.  The struct must stay valid until the process exits (it is not
 * copied).  Thread-safe.
 * @return 0; -EINVAL (NULL, bad version or name, a missing callback);
 *         -EEXIST (the name is taken, built-ins included).
 */
int ctr_state_backend_register(const ctr_state_backend_t *backend);

/**
 * For backends: set the calling thread's error detail and return @p code, so
 * a callback can write `return ctr_state_backend_error(-EIO, "...", ...)`.
 */
int ctr_state_backend_error(int code, const char *format, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

#ifdef __cplusplus
}
#endif

#endif
