/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* An append-only journal of text lines in a directory, shared by every
 * process that opens the same run root, bounded in size and rotated (the
 * event journal of events.c).  No parsing here: lines are opaque.
 *
 *   DIR/events.log     the current file, one line per record ('\n' ends it)
 *   DIR/events.log.1   the previous file, kept at one rotation
 *   DIR/events.lock    flock(2): exclusive for an append or a rotation,
 *                      shared for a reader switching files
 *
 * An append is one write(2) with O_APPEND under the exclusive lock; a file
 * that does not end with '\n' (a writer died in its write) gets one first,
 * so a torn line never glues onto the next one.  A file that would grow past
 * the bound is renamed to events.log.1 (replacing the older one) first.
 * A reader keeps its file open: at its end, if the path names another file,
 * the rotation happened, nothing will be appended to its file any more, and
 * it drains it, then goes on with events.log.1 if that is not its own file
 * (two rotations meanwhile) and then events.log: no line lost or repeated
 * unless the journal rotated twice while the reader was away.  A line with
 * no '\n' at the end of a finished file, or over CTR__JOURNAL_MAX_LINE
 * bytes, is skipped. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CTR__JOURNAL_MAX_LINE 65536
#define CTR__JOURNAL_DEFAULT_MAX_SIZE (1024 * 1024)

/* The bound of the current file: LIBCTR_EVENTS_MAX_SIZE (bytes, for tests;
 * inherited by conmon's exit command) or CTR__JOURNAL_DEFAULT_MAX_SIZE. */
uint64_t ctr__journal_max_size(void);

/* Append line (len bytes, no '\n' in it) to the journal in dir, made if
 * missing.  0, -EINVAL (a '\n' in the line, or too long), or -errno. */
int ctr__journal_append(const char *dir, const char *line, size_t len, uint64_t max_size);

struct ctr__journal_reader;

/* A reader from the oldest line kept.  With watch, it also has an inotify
 * fd (ctr__journal_reader_fd()) that becomes readable when the journal
 * changes.  0, or -errno (-ENOMEM). */
int ctr__journal_reader_open(const char *dir, bool watch, struct ctr__journal_reader **ret);
void ctr__journal_reader_free(struct ctr__journal_reader *r);
static inline void ctr__journal_reader_freep(struct ctr__journal_reader **r)
{
    if (*r)
        ctr__journal_reader_free(*r);
}
/* The next whole line (without its '\n', lent until the next call): 1;
 * 0 when there is none now; -errno on a read error. */
int ctr__journal_reader_next(struct ctr__journal_reader *r, const char **ret_line, size_t *ret_len);
/* The inotify fd (-1 without watch) and the read of its pending events. */
int ctr__journal_reader_fd(const struct ctr__journal_reader *r);
void ctr__journal_reader_drain(struct ctr__journal_reader *r);
