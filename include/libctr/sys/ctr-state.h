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
 * fsync, none for a transient save) and `tdb` (one database, a transaction
 * per write, all durable).  Register another
 * with ctr_state_backend_factory_register() (or, as in libctr 0.1, with
 * ctr_state_backend_register()) and name it in
 * ctr_runtime_options_t::state_backend.
 *
 * Factories and instances.  What is registered is a *factory*: a name, a
 * create() function and its userdata (#ctr_state_backend_factory_t).  Each
 * runtime opened with that name gets an *instance* of its own: a
 * #ctr_state_backend_t that create() fills in when the runtime opens (the
 * callbacks, and in `userdata` the instance's own data), used by that runtime
 * alone and released by its free() callback when the runtime is freed.  The
 * built-in backends are factories in the same list; a vtable registered with
 * ctr_state_backend_register() is a factory whose instances are copies of it.
 * ctr_state_backend_unregister() takes a factory out of the list; runtimes
 * already open keep their instances.
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
 *   the one exception is a save_state_flags() with #CTR_STATE_SAVE_TRANSIENT
 *   (version 5), which must be atomic but need not be durable;
 * - libctr holds its runtime lock around add() and remove(), and the
 *   container's lock around save_state() and save_state_flags().
 *
 * The vtable is versioned: set `version` to #CTR_STATE_BACKEND_VERSION
 * (#CTR_STATE_BACKEND_INIT does); later versions only add members at the end,
 * and libctr reads a member only when the vtable's version has it.  Version 1
 * is libctr 0.1's; version 2 (libctr 0.2) adds free(); version 3 (libctr 0.4)
 * adds the object records (obj_add() to obj_iterate()); version 4 (libctr
 * 0.6) adds rename(), optional; version 5 (libctr 0.8) adds
 * save_state_flags(), optional.  The factory struct is
 * versioned the same way, by #CTR_STATE_BACKEND_FACTORY_VERSION.
 *
 * Object records (version 3).  Besides containers, a backend keeps documents
 * of other kinds of objects (libctr 0.4 uses the kind `volume`): for each
 * kind, a set of records keyed by a name, each one JSON document that libctr
 * writes and the backend stores as an opaque string.  A kind is
 * `[a-z]{1,32}`; a name is not empty, has no `/`, does not start with a dot
 * and is at most 255 bytes (the backend refuses others with -EINVAL).  Kinds
 * are separate name spaces, also apart from the container names.  The same
 * guarantees hold as for containers: every write atomic and durable, no
 * reader ever sees a torn document.  libctr holds its runtime lock around
 * obj_add() and obj_remove(), and serializes the obj_save() calls on one
 * record with a lock of its own (for volumes, its volumes lock).  A backend may leave all five NULL
 * (as versions 1 and 2 have none): libctr then refuses what needs them with
 * -EOPNOTSUPP; it must not set only some of them.
 *
 * Rename (version 4).  rename() replaces a container's two documents and
 * moves its name in the index in one atomic, durable step: after a crash at
 * any point the container has either its old name and documents or its new
 * ones, never both names nor none.  libctr holds its runtime lock and the
 * container's lock around it, and also calls it with the same name twice to
 * replace the config (a change of resources).  A backend may leave it NULL
 * (as versions 1 to 3 have none): libctr then does a remove() and an add()
 * under its runtime lock, which a crash between the two can leave without
 * the container's record.
 *
 * Transient saves (version 5).  Most saves of a container's state record
 * what a reboot ends anyway: that it was created in the OCI runtime, runs,
 * is paused, or has exited, with its PIDs, mounts and times.  After a
 * reboot, libctr's refresh resets every such container (to configured, or
 * exited) whatever its state document said.  libctr passes
 * #CTR_STATE_SAVE_TRANSIENT to save_state_flags() for those saves only: a
 * state-only save of a container whose new state is created, running,
 * paused or exited (podman's ContainerStateCreated, Running, Paused,
 * Stopped, Exited), and that does not record networks other than those of
 * the document libctr last read or saved (the refresh releases them by that
 * record).  Never for add(), remove(), rename(), the config, the object
 * records, nor the states configured, stopping and removing.  Such a save
 * must replace the document atomically exactly as save_state() does (a
 * reader sees the old document or the new one, never a mix, also after a
 * crash or power loss) but need not be durable: after a power loss the
 * document it replaced may come back, or an older one, back to the last
 * durable save of that container, never one older than that (an
 * operating-system crash is a power loss here; a process that dies is not:
 * what it saved stays).  A backend may ignore
 * the flag and save durably (the built-in `tdb` does: an unsynced
 * transaction torn by a power loss can damage the whole database, not one
 * record); it may also leave save_state_flags() NULL (as versions 1 to 4
 * have none): libctr then calls save_state() for every save, durable.
 */
#ifndef LIBCTR_SYS_CTR_STATE_H
#define LIBCTR_SYS_CTR_STATE_H

#include <libctr/ctr-common.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Current version of #ctr_state_backend_t (5 since libctr 0.8). */
#define CTR_STATE_BACKEND_VERSION 5

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

/**
 * Called by obj_iterate() once per record of the kind (version 3).  @p name
 * and @p doc are lent for the call.  A non-zero return stops the iteration
 * and is returned by obj_iterate().
 */
typedef int (*ctr_state_obj_fn)(const char *name, const char *doc, void *userdata);

/** Flags for the save_state_flags() callback (version 5). */
enum {
    /**
     * The save may be lost by a power loss (see "Transient saves" above):
     * atomic, but not necessarily durable.  A backend may save durably
     * anyway.
     */
    CTR_STATE_SAVE_TRANSIENT = 1u << 0,
};

/** A state backend. */
typedef struct ctr_state_backend {
    /** #CTR_STATE_BACKEND_VERSION. */
    unsigned int version;
    /**
     * Unique name, `[a-z0-9_-]{1,64}`, used in
     * ctr_runtime_options_t::state_backend.  In an instance made by a
     * factory, libctr sets it to the factory's name.
     */
    const char *name;
    /**
     * Passed to open() and free().  In an instance, its own data (create()
     * finds the factory's userdata here and may replace it).
     */
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

    /* Version 2 (libctr 0.2). */

    /**
     * Release the instance's data: called once with the instance's
     * `userdata`, from the thread that frees the runtime holding the
     * instance, after close() of its database (or when the runtime failed to
     * open after create() made the instance).  NULL: nothing to release.
     * Only an instance made by a factory's create() may set it:
     * ctr_state_backend_register() refuses a vtable that does.
     */
    void (*free)(void *userdata);

    /* Version 3 (libctr 0.4): object records (see "Object records" above). */

    /**
     * Add the record @p name of @p kind with document @p doc, atomically and
     * durably.  -EEXIST if the kind has a record of that name (nothing is
     * written); -EINVAL for a bad kind or name.
     */
    int (*obj_add)(void *db, const char *kind, const char *name, const char *doc);
    /** Replace the document of a record atomically and durably.  -ENOENT if absent. */
    int (*obj_save)(void *db, const char *kind, const char *name, const char *doc);
    /** Read a record's document (malloc()ed, libctr frees it).  -ENOENT if absent. */
    int (*obj_get)(void *db, const char *kind, const char *name, char **ret_doc);
    /** Remove a record atomically and durably.  -ENOENT if absent. */
    int (*obj_remove)(void *db, const char *kind, const char *name);
    /**
     * Call @p fn for every record of @p kind, in no particular order; a
     * record added or removed meanwhile may or may not be seen, but none is
     * seen half-written.  A kind never written has no records (0).
     * @return 0; @p fn's non-zero return, which stopped the iteration;
     *         -EINVAL for a bad kind; a negative errno from the storage
     *         (-EIO, -ENOMEM, ...).
     */
    int (*obj_iterate)(void *db, const char *kind, ctr_state_obj_fn fn, void *userdata);

    /* Version 4 (libctr 0.6): see "Rename" above. */

    /**
     * Replace the config and the state of container @p id and move its name
     * from @p old_name (its current name) to @p new_name, all in one atomic
     * and durable step.  @p new_name may equal @p old_name: then only the
     * documents are replaced.  A name link of @p new_name left dangling by a
     * crash is replaced, as add() does.  Optional (NULL: see "Rename").
     * @return 0; -ENOENT if @p id is absent; -EEXIST if another container has
     *         @p new_name (nothing is written); -EINVAL for a bad ID, name or
     *         a missing document; a negative errno from the storage.
     */
    int (*rename)(void *db, const char *id, const char *old_name, const char *new_name, const char *config,
                  const char *state);

    /* Version 5 (libctr 0.8): see "Transient saves" above. */

    /**
     * Replace the state document of container @p id with @p state (lent for
     * the call; the backend keeps its own copy), as save_state() does, with
     * @p flags: 0 is exactly save_state() (atomic and durable);
     * #CTR_STATE_SAVE_TRANSIENT asks for an atomic replace that need not be
     * durable (the backend may make it durable all the same).  libctr calls
     * it, when set, for every save of a state document, with the
     * container's lock held, and passes #CTR_STATE_SAVE_TRANSIENT only for
     * the saves described in "Transient saves"; never for add(), remove(),
     * rename() or a config.  Optional: NULL (or a vtable of version 1 to 4)
     * makes libctr call save_state() instead, for every save.
     * @return 0; -ENOENT if @p id is absent; -EINVAL for a bad ID, a NULL
     *         @p state or a flag the backend does not know (nothing is
     *         written); a negative errno from the storage.
     */
    int (*save_state_flags)(void *db, const char *id, const char *state, unsigned int flags);
} ctr_state_backend_t;

/**
 * Initializer of a #ctr_state_backend_t: the current version, every other
 * member NULL.  `ctr_state_backend_t b = CTR_STATE_BACKEND_INIT;` then set
 * the name (for ctr_state_backend_register()) and the callbacks.
 */
#define CTR_STATE_BACKEND_INIT                                                                    \
    {                                                                                             \
        CTR_STATE_BACKEND_VERSION, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, \
            NULL, NULL, NULL, NULL, NULL, NULL, NULL                                              \
    }

/**
 * Register a backend under its name, for every runtime opened later in this
 * process: each runtime gets a copy of the vtable as its instance, made when
 * it opens (so @p backend must stay valid while it is registered: until
 * ctr_state_backend_unregister() of its name returns, or until the process
 * exits), and open() is called with the vtable's `userdata`.  libctr 0.1's
 * interface; ctr_state_backend_factory_register() gives each runtime an
 * instance with data of its own.  Thread-safe.
 * @return 0; -EINVAL (NULL, bad version or name, a missing callback, free()
 *         set: that is for instances made by a factory); -EEXIST (the name is
 *         taken, built-ins included); -ENOMEM.
 */
int ctr_state_backend_register(const ctr_state_backend_t *backend);

/** Current version of #ctr_state_backend_factory_t (libctr 0.2). */
#define CTR_STATE_BACKEND_FACTORY_VERSION 1

/**
 * A factory's create(): make the instance of one runtime in @p backend.
 *
 * @p backend arrives filled as #CTR_STATE_BACKEND_INIT of the running libctr
 * (its version, callbacks NULL), with `name` set to the factory's name (a
 * string libctr owns, valid for the instance's life; leave it as it is) and
 * `userdata` set to the factory's @p userdata.  Set `version` to the
 * #CTR_STATE_BACKEND_VERSION you compiled with, every callback from open() to
 * iterate() (and, for version 3, the five object callbacks or none; for
 * version 5, save_state_flags() if you have one), and, for data of the instance's own, `userdata` and free() (which
 * libctr calls with that `userdata` when the runtime is freed).  A struct
 * assignment from a static vtable of yours is fine: libctr restores `name`.
 *
 * Called from the thread opening the runtime (ctr_runtime_new()), before
 * open(), with the registry's lock held: keep it short (opening the database
 * belongs in open()) and call no libctr function but
 * ctr_state_backend_error() (registering or unregistering from it
 * deadlocks).
 *
 * @return 0; a negative errno, with a detail from ctr_state_backend_error()
 *         (ctr_runtime_new() fails with that code, and nothing is released:
 *         free() is not called for an instance create() failed to make).
 *         An instance that lacks a callback or has a bad version fails
 *         ctr_runtime_new() with -EINVAL (its free() is called).
 */
typedef int (*ctr_state_backend_create_fn)(ctr_state_backend_t *backend, void *userdata);

/** A registered factory of state backend instances (libctr 0.2). */
typedef struct ctr_state_backend_factory {
    /** #CTR_STATE_BACKEND_FACTORY_VERSION. */
    unsigned int version;
    /** Unique name, `[a-z0-9_-]{1,64}`, used in ctr_runtime_options_t::state_backend. */
    const char *name;
    /** Makes a runtime's instance; required. */
    ctr_state_backend_create_fn create;
    /** Passed to create(); must stay valid until the factory is unregistered. */
    void *userdata;
} ctr_state_backend_factory_t;

/**
 * Initializer of a #ctr_state_backend_factory_t: the current version, every
 * other member NULL.
 */
#define CTR_STATE_BACKEND_FACTORY_INIT { CTR_STATE_BACKEND_FACTORY_VERSION, NULL, NULL, NULL }

/**
 * Register a factory under its name, for every runtime opened later in this
 * process (libctr 0.2).  The struct is copied, name included: the caller's may
 * go away when the call returns; `userdata` must stay valid until
 * ctr_state_backend_unregister() of the name returns.  Thread-safe.
 * @return 0; -EINVAL (NULL, a version newer than this libctr's, a bad name,
 *         no create()); -EEXIST (the name is taken, built-ins included);
 *         -ENOMEM.
 */
int ctr_state_backend_factory_register(const ctr_state_backend_factory_t *factory);

/**
 * Unregister the factory or backend registered under @p name (libctr 0.2),
 * whether by ctr_state_backend_factory_register() or
 * ctr_state_backend_register(): runtimes opened later do not find the name,
 * which may be registered again.  Runtimes already open keep their instances
 * until they are freed (the plug-in's code must stay loaded until then).
 * When the call returns, no create() of the factory is running and libctr no
 * longer reads its `userdata`, nor the vtable given to
 * ctr_state_backend_register(): both may be freed.  Thread-safe; not from
 * within create().
 * @return 0; -EINVAL (NULL); -ENOENT (no backend is registered under the
 *         name); -EPERM (a built-in backend, which cannot be unregistered).
 */
int ctr_state_backend_unregister(const char *name);

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
