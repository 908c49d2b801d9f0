/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Reading conmon's k8s-file container logs:
 *
 *     2026-11-28T09:09:29.664685903+00:00 stdout F hello
 *
 * RFC 3339 timestamp (seconds fraction of 1..9 digits, "Z" or a +HH:MM /
 * -HH:MM offset), stream "stdout" or "stderr", tag "F" (full: ends a
 * message) or "P" (partial: continued by the next lines of the same stream
 * up to an F line), one space, then the message bytes up to the newline.
 * The file is written with what a container printed: everything in it is
 * treated as untrusted, malformed lines are skipped and counted. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Stream numbers; also the bits of ctr__logs_opts.streams. */
#define CTR__LOG_STDOUT 1
#define CTR__LOG_STDERR 2

/* Lines longer than this (without the newline) are malformed: conmon
 * writes at most about 8 KiB of message per line. */
#define CTR__LOG_LINE_MAX (256 * 1024)
/* Default cap of one message assembled from partial lines; a longer one is
 * delivered in pieces of at most this size. */
#define CTR__LOG_MESSAGE_MAX (1024 * 1024)

struct ctr__log_line {
    int64_t timestamp;  /* ns since the epoch (UTC) */
    int stream;         /* CTR__LOG_STDOUT or CTR__LOG_STDERR */
    bool partial;       /* tag P */
    const char *msg;    /* points into the parsed line; not NUL-terminated, may hold NULs */
    size_t msg_len;
};

/*
 * Parse one line (line[0..len), one trailing '\n' is ignored).  Fills *ret
 * (message pointing into line); nothing is written on failure.
 * Returns 0, or -EINVAL (malformed; the detail says which field) or -ERANGE
 * (timestamp outside what int64 nanoseconds hold, years 1678..2261).
 */
int ctr__log_parse_line(const char *line, size_t len, struct ctr__log_line *ret);

/*
 * Parse the RFC 3339 timestamp at the start of s[0..len) as written in log
 * lines; *ret_len gets the number of bytes it spans.  No error detail is set.
 * Returns 0, -EINVAL or -ERANGE.
 */
int ctr__log_parse_timestamp(const char *s, size_t len, int64_t *ret_ns, size_t *ret_len);

/*
 * Called once per message, in file order.  msg[0..len) is the message
 * without its newline (the parts of a partial message joined), lent for the
 * duration of the call; timestamp is that of the message's last line.
 * Return 0 to go on, > 0 to stop reading (ctr__logs_read() then succeeds),
 * < 0 to stop with that error.
 */
typedef int (*ctr__log_fn)(int stream, int64_t timestamp, const char *msg, size_t len, void *userdata);

struct ctr__logs_opts {
    int64_t since;      /* ns; only messages with timestamp >= since; 0 = no bound */
    int64_t until;      /* ns; only messages with timestamp <= until; 0 = no bound.
                         * With follow, following also ends at that time. */
    int64_t tail;       /* only the last N messages (after the stream and time
                         * filters) present when reading starts; -1 = all */
    bool follow;        /* keep reading as the log grows, reopen it when it is
                         * replaced (conmon's rotation), start over when it is
                         * truncated */
    int stop_fd;        /* with follow: stop (after reading what is left) once
                         * this fd is readable, e.g. conmon's pidfd or an
                         * eventfd; it is never read.  -1 = none */
    int cancel_fd;      /* with follow: end with -ECANCELED once this fd is
                         * readable (a ctr_cancel_t's); -1 = none */
    unsigned streams;   /* CTR__LOG_STDOUT | CTR__LOG_STDERR bits; 0 = both */
    size_t max_message; /* 0 = CTR__LOG_MESSAGE_MAX */
};
#define CTR__LOGS_OPTS_INIT { .since = 0, .until = 0, .tail = -1, .follow = false, .stop_fd = -1, .cancel_fd = -1 }

/*
 * Read the k8s-file log at path and call fn for each message that passes
 * the filters of opts (NULL = CTR__LOGS_OPTS_INIT).  Without follow, a final
 * partial message with no F line is delivered at the end of the file.
 * Tail seeks backwards from the end in blocks: memory does not grow with the
 * file.  Follow waits with inotify (and a timerfd for until): no polling.
 * With tail, a message whose parts are interleaved with the other stream's
 * lines may lose early parts that lie more than 8 MiB before the tail's
 * first message, or (with follow) a stream's unfinished message that
 * started before the other stream's last complete one.
 *
 * Returns the number of malformed lines skipped (>= 0), or -EINVAL (bad
 * options), -ENOENT and other errnos of open/read/inotify, -ENOMEM, or the
 * negative value fn returned.
 */
int ctr__logs_read(const char *path, const struct ctr__logs_opts *opts, ctr__log_fn fn, void *userdata);
