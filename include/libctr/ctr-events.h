/* SPDX-License-Identifier: LGPL-2.1-or-later */
/**
 * @file ctr-events.h
 * @brief The event journal: what happened to containers, pods, images,
 * volumes and networks, read back or followed as it happens.
 *
 * Every state change and operation is appended, by whichever process makes
 * it (a program using libctr, ctrctl, the helper that a container's monitor
 * runs when the container exits), to the journal of the run root as one
 * line of podman's `events --format json` object: `ID`, `Image`, `Name`,
 * `Network` (each left out when empty), `Status`, `Time` (RFC 3339, UTC),
 * `Type` and `Attributes` (a container's labels; null for other types), and
 * `ContainerExitCode` for `died` and `exec_died` when not 0.
 *
 * Types and statuses: `container` (create, init, start, attach, died,
 * exec, exec_died, pause, unpause, stop, kill with the signal's number in
 * the attribute `signal`, restart, remove, mount, unmount, commit, export,
 * checkpoint, restore, rename, health_status), `image` (pull, push, load,
 * save, tag, untag, remove), `volume` (create, remove), `network` (create,
 * remove), `pod` (create, start, stop, kill, pause, unpause, remove: one
 * event for the whole pod, after its containers' own events, with the
 * pod's ID and name).  `died` is written once per exit, by whoever records
 * it.
 *
 * The journal is bounded (1 MiB, then the file is rotated and one previous
 * file kept): a reader sees the events of both files, and a follower loses
 * nothing at a rotation.  A damaged line is skipped.
 *
 * Threads: a #ctr_events_t is used by one thread at a time, except
 * ctr_events_cancel(), which any thread (or a signal handler) may call.
 */
#ifndef LIBCTR_CTR_EVENTS_H
#define LIBCTR_CTR_EVENTS_H

#include <libctr/ctr-common.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Current version of #ctr_event_t (libctr 0.6). */
#define CTR_EVENT_VERSION 1

/** One event.  Every string is lent by whoever handed the event out. */
typedef struct ctr_event {
    /** #CTR_EVENT_VERSION: members are only ever added at the end. */
    unsigned int version;
    /** `container`, `pod`, `image`, `volume` or `network`. */
    const char *type;
    /** What happened: `create`, `start`, `died`, ... */
    const char *status;
    /** The object's ID, or NULL. */
    const char *id;
    /** The object's name (a network's for network events), or NULL. */
    const char *name;
    /** A container's image, or NULL. */
    const char *image;
    /** When, in nanoseconds since the epoch. */
    int64_t time_ns;
    /** The exit code of `died` and `exec_died` (-1 unknown), else 0. */
    int exit_code;
    /** The event as its journal line: podman's JSON object. */
    const char *json;
} ctr_event_t;

/** Follow: after the events kept, wait for new ones (podman's `--stream`). */
#define CTR_EVENTS_FOLLOW (UINT64_C(1) << 0)

/** Current version of #ctr_events_options_t (libctr 0.6). */
#define CTR_EVENTS_OPTIONS_VERSION 1

/** What to read.  Start from #CTR_EVENTS_OPTIONS_INIT or ctr_events_options_init(). */
typedef struct ctr_events_options {
    /** Must be #CTR_EVENTS_OPTIONS_VERSION (older versions are accepted). */
    unsigned int version;
    /** #CTR_EVENTS_FOLLOW or 0. */
    uint64_t flags;
    /** Only events at or after this time (ns since the epoch); 0: all kept. */
    int64_t since_ns;
    /** Only events at or before this time; 0: no end.  A follower stops
     *  when it passes. */
    int64_t until_ns;
    /** podman's filters, `KEY=VALUE` each, NULL-terminated, or NULL:
     *  `container=ID|NAME` (an ID prefix), `event=STATUS` (or `status=`),
     *  `image=NAME|ID`, `label=KEY[=VALUE]`, `pod=NAME|ID` (pod events of the pod
     *  named, or of an ID prefix), `type=TYPE`, `volume=NAME`,
     *  `network=NAME|ID`.  Values of one key are alternatives; different
     *  keys must all match.  Copied. */
    const char *const *filters;
    /** An fd of the caller's, or -1: when it becomes readable (an eventfd
     *  written, a pipe's other end written or closed), a follower stops
     *  with -ECANCELED.  Not closed, not read. */
    int cancel_fd;
} ctr_events_options_t;

/** Initializer of #ctr_events_options_t: no follow, every event kept, no filter, no cancel fd. */
#define CTR_EVENTS_OPTIONS_INIT { CTR_EVENTS_OPTIONS_VERSION, 0, 0, 0, NULL, -1 }

/**
 * Initialize @p opts as #CTR_EVENTS_OPTIONS_INIT does, for @p version.
 * @return 0; -EINVAL (NULL, or a version this libctr does not have).
 */
int ctr_events_options_init(ctr_events_options_t *opts, unsigned int version);

/** A reader of the event journal. */
typedef struct ctr_events ctr_events_t;

/**
 * Open a reader of the runtime's event journal.
 * @param ret receives the reader, owned by the caller: close it with
 *        ctr_events_close() (which frees it).
 * @return 0; -EINVAL (NULL, a bad version or flag, a bad filter: the
 *         message names it, until before since); -ENOMEM; an I/O errno
 *         (the journal's directory cannot be made or read).
 */
int ctr_events_open(ctr_runtime_t *rt, const ctr_events_options_t *opts, ctr_events_t **ret);

/**
 * The next event that passes the options.
 * @param timeout_ms how long a follower waits for one: -1 for ever, 0 not
 *        at all (after its fd polled readable, say).  Ignored without
 *        #CTR_EVENTS_FOLLOW.
 * @param ret receives the event; free it with ctr_event_free().
 * @return 1 with an event; 0 at the end (all read without follow, or the
 *         until time passed); -EAGAIN (a follower's timeout: none yet);
 *         -ECANCELED (ctr_events_cancel(), or the options' cancel fd);
 *         -EINVAL (NULL); -ENOMEM; an I/O errno.
 */
int ctr_events_next(ctr_events_t *e, int64_t timeout_ms, ctr_event_t **ret);

/**
 * A file descriptor that polls readable (`POLLIN`) when ctr_events_next()
 * may have something: a new line in the journal, a cancel.  Add it to the
 * caller's epoll, poll or event loop and call ctr_events_next() with
 * timeout 0 until it returns -EAGAIN.  No timer: an idle follower does not
 * wake.
 * @return the fd (lent: valid until ctr_events_close(); do not close it or
 *         read it); -EINVAL (NULL, or a reader without #CTR_EVENTS_FOLLOW).
 */
int ctr_events_fd(ctr_events_t *e);

/**
 * Make the reader's ctr_events_next() (a waiting one, or the next one)
 * return -ECANCELED, from any thread or a signal handler.
 * @return 0; -EINVAL (NULL).
 */
int ctr_events_cancel(ctr_events_t *e);

/** Close a reader (NULL is allowed); no call may be waiting in it. Returns NULL. */
ctr_events_t *ctr_events_close(ctr_events_t *e);

/** Free an event that ctr_events_next() handed out (NULL is allowed). */
void ctr_event_free(ctr_event_t *ev);

CTR_DEFINE_CLEANUP(ctr_events_t, ctr_events_close)

/**
 * Called by ctr_events_read() with each event (lent for the call).  Return
 * 0 to go on, non-zero to stop: ctr_events_read() then returns that value.
 */
typedef int (*ctr_events_fn)(const ctr_event_t *ev, void *userdata);

/**
 * Read the events that pass the options and hand each to @p fn: until the
 * end without #CTR_EVENTS_FOLLOW, else until @p fn returns non-zero, the
 * until time passes, or the options' cancel fd is readable.
 * @return 0 at the end; @p fn's non-zero value; -ECANCELED (the cancel fd);
 *         the errors of ctr_events_open() and ctr_events_next().
 */
int ctr_events_read(ctr_runtime_t *rt, const ctr_events_options_t *opts, ctr_events_fn fn, void *userdata);

#ifdef __cplusplus
}
#endif

#endif
