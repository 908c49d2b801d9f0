/* SPDX-License-Identifier: LGPL-2.1-or-later */
/**
 * @file ctr-io.h
 * @brief A container's standard streams: attach, resize, logs.
 */
#ifndef LIBCTR_CTR_IO_H
#define LIBCTR_CTR_IO_H

#include <libctr/ctr-common.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Streams, as in the log and in callbacks. */
enum {
    CTR_STREAM_STDOUT = 1, /**< the container's standard output */
    CTR_STREAM_STDERR = 2, /**< the container's standard error */
};

/** Current version of #ctr_attach_options_t. */
#define CTR_ATTACH_OPTIONS_VERSION 2

/** Flags of #ctr_attach_options_t. */
enum {
    /**
     * Start the container once attached (`podman start -a`), so none of its
     * output is missed; a configured or exited container is initialized first.
     */
    CTR_ATTACH_START = 1u << 0,
    /**
     * Return when ctr_attach_options_t::stdin_fd reaches end of file
     * instead of when the container's output ends.  (At end of file the
     * container's stdin is closed in any case.)
     */
    CTR_ATTACH_RETURN_ON_STDIN_EOF = 1u << 1,
};

/** Return value of ctr_container_attach() when the detach keys were typed. */
#define CTR_ATTACH_DETACHED 1

/** How to attach to a container's streams. */
typedef struct ctr_attach_options {
    /** #CTR_ATTACH_OPTIONS_VERSION. */
    unsigned int version;
    /** Copied to the container's stdin (needs #CTR_CREATE_STDIN or a terminal); -1 for none. */
    int stdin_fd;
    /** Where the container's stdout goes (with a terminal: all its output); -1 to drop it. */
    int stdout_fd;
    /** Where the container's stderr goes; -1 to drop it. */
    int stderr_fd;
    /** Detach keys such as "ctrl-p,ctrl-q"; NULL for the default "ctrl-p,ctrl-q"; "" for none. */
    const char *detach_keys;
    /** `CTR_ATTACH_*` flags. */
    uint64_t flags;
    /**
     * Version 2: a token another thread may trigger to end the attachment
     * with -ECANCELED (the container goes on running); NULL for none.
     */
    const ctr_cancel_t *cancel;
} ctr_attach_options_t;

/** Static initializer for #ctr_attach_options_t. */
#define CTR_ATTACH_OPTIONS_INIT { CTR_ATTACH_OPTIONS_VERSION, -1, -1, -1, NULL, 0, NULL }

/** Initialize @p opts for @p version. @return 0 or -EINVAL. */
int ctr_attach_options_init(ctr_attach_options_t *opts, unsigned int version);

/**
 * Attach to a created or running container: relay its output to the given
 * descriptors and the given input to it, until its output ends (it exited)
 * or the detach keys are typed.  With #CTR_ATTACH_START the container is
 * started (initialized first if needed) once the attachment is in place.
 * @return 0 when the container's output ended; #CTR_ATTACH_DETACHED;
 *         -ECANCELED (the token of version 2 was triggered); -EINVAL
 *         (bad options or detach keys); -ENOENT; -EBUSY (not created or
 *         running, or with #CTR_ATTACH_START running already); -EOPNOTSUPP
 *         (the OCI runtime backend cannot attach); -EIO; the
 *         errors of ctr_container_start() with #CTR_ATTACH_START.
 */
int ctr_container_attach(ctr_container_t *c, const ctr_attach_options_t *opts);

/**
 * Resize the container's terminal.
 * @return 0; -EINVAL (zero size); -ENOENT; -EBUSY (not running); -EOPNOTSUPP (no terminal).
 */
int ctr_container_resize(ctr_container_t *c, unsigned int height, unsigned int width);

/** Current version of #ctr_logs_options_t. */
#define CTR_LOGS_OPTIONS_VERSION 2

/** Flags of #ctr_logs_options_t. */
enum {
    CTR_LOGS_FOLLOW = 1u << 0, /**< keep reading until the container exits */
    CTR_LOGS_STDOUT = 1u << 1, /**< only stdout (with neither flag: both streams) */
    CTR_LOGS_STDERR = 1u << 2, /**< only stderr */
};

/** Which part of the log to read. */
typedef struct ctr_logs_options {
    /** #CTR_LOGS_OPTIONS_VERSION. */
    unsigned int version;
    /** `CTR_LOGS_*` flags. */
    uint64_t flags;
    /** Only lines at or after this time (ns since the epoch); 0 for all. */
    int64_t since;
    /** Only lines before this time; 0 for no limit. */
    int64_t until;
    /** Only the last @p tail lines; negative for all. */
    int64_t tail;
    /**
     * Version 2: with #CTR_LOGS_FOLLOW, a token another thread may trigger
     * to end the follow with -ECANCELED; NULL for none.
     */
    const ctr_cancel_t *cancel;
} ctr_logs_options_t;

/** Static initializer for #ctr_logs_options_t. */
#define CTR_LOGS_OPTIONS_INIT { CTR_LOGS_OPTIONS_VERSION, 0, 0, 0, -1, NULL }

/** Initialize @p opts for @p version. @return 0 or -EINVAL. */
int ctr_logs_options_init(ctr_logs_options_t *opts, unsigned int version);

/**
 * Called once per log line, in order.  @p data (without the newline) is lent
 * for the call.  A non-zero return stops reading and is returned by
 * ctr_container_logs().
 */
typedef int (*ctr_log_line_fn)(int stream, int64_t timestamp, const char *data, size_t size, void *userdata);

/**
 * Read the container's log (what it wrote to stdout and stderr, separately).
 * @return 0; the callback's non-zero value; -ECANCELED (the token of
 *         version 2 was triggered); -EINVAL; -ENOENT (removed; no log
 *         yet is not an error: nothing is read).
 */
int ctr_container_logs(ctr_container_t *c, const ctr_logs_options_t *opts, ctr_log_line_fn fn, void *userdata);

#ifdef __cplusplus
}
#endif

#endif
