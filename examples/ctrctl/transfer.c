/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The report of a pull or push, as podman prints it: "Trying to pull
 * REF..." (pull only), "Getting image source signatures", one line per blob, "Writing manifest to
 * image destination", "Storing signatures".  On a terminal each blob's line is a live progress bar
 * ("Copying blob 3f4d90098f5b [=====>----] 1.2MiB / 2.8MiB") redrawn in
 * place while blobs move in parallel; otherwise (or with -q: nothing) one
 * quiet line per finished blob ("Copying blob sha256:HEX done"). */
#include "ctrctl.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define BAR_WIDTH 30

struct transfer_line {
    int index;               /* the blob's index in the transfer */
    char digest[72];         /* "sha256:HEX" */
    bool config;
    int phase;               /* CTR_TRANSFER_BLOB, _DONE or _SKIPPED */
    uint64_t done, size;
};

void ctrctl_transfer_init(struct ctrctl_transfer *t, bool quiet, bool push)
{
    memset(t, 0, sizeof *t);
    t->quiet = quiet;
    t->push = push;
    t->tty = !quiet && isatty(STDERR_FILENO);
}

void ctrctl_transfer_clear(struct ctrctl_transfer *t)
{
    free(t->lines);
    t->lines = NULL;
    t->n_lines = t->drawn = 0;
}

static struct transfer_line *line_of(struct ctrctl_transfer *t, const ctr_transfer_progress_t *p)
{
    for (size_t i = 0; i < t->n_lines; i++)
        if (t->lines[i].index == p->index)
            return &t->lines[i];
    struct transfer_line *v = realloc(t->lines, (t->n_lines + 1) * sizeof *v);
    if (!v)
        return NULL;
    t->lines = v;
    struct transfer_line *l = &v[t->n_lines++];
    memset(l, 0, sizeof *l);
    l->index = p->index;
    l->config = p->index == p->n_blobs - 1;
    snprintf(l->digest, sizeof l->digest, "%s", p->digest ? p->digest : "");
    return l;
}

/* "3f4d90098f5b": the 12 first hex digits, as podman's bars show them. */
static const char *short_hex(const char *digest)
{
    const char *colon = strchr(digest, ':');
    return colon ? colon + 1 : digest;
}

static void draw_bar(const struct transfer_line *l)
{
    const char *what = l->config ? "config" : "blob";
    if (l->phase == CTR_TRANSFER_BLOB_DONE || l->phase == CTR_TRANSFER_BLOB_SKIPPED) {
        fprintf(stderr, "Copying %s %.12s %s\033[K\n", what, short_hex(l->digest),
                l->phase == CTR_TRANSFER_BLOB_DONE ? "done" : "skipped: already exists");
        return;
    }
    int fill = l->size ? (int)((double)l->done / (double)l->size * BAR_WIDTH) : 0;
    fill = fill > BAR_WIDTH ? BAR_WIDTH : fill;
    char bar[BAR_WIDTH + 1];
    for (int i = 0; i < BAR_WIDTH; i++)
        bar[i] = i < fill ? '=' : i == fill ? '>' : '-';
    bar[BAR_WIDTH] = '\0';
    fprintf(stderr, "Copying %s %.12s [%s] %.1fMiB / %.1fMiB\033[K\n", what, short_hex(l->digest), bar,
            (double)l->done / 1048576.0, (double)l->size / 1048576.0);
}

/* Redraw the block of bars over the one drawn before. */
static void redraw(struct ctrctl_transfer *t)
{
    if (t->drawn)
        fprintf(stderr, "\033[%zuA\r", t->drawn);
    for (size_t i = 0; i < t->n_lines; i++)
        draw_bar(&t->lines[i]);
    t->drawn = t->n_lines;
    fflush(stderr);
}

/* A finished blob without a terminal: one quiet line, as podman's. */
static void quiet_line(struct ctrctl_transfer *t, const ctr_transfer_progress_t *p)
{
    bool config = p->index == p->n_blobs - 1;
    fprintf(stderr, "Copying %s %s %s\n", config ? "config" : "blob", p->digest ? p->digest : "",
            p->phase == CTR_TRANSFER_BLOB_DONE ? "done" : "skipped: already exists");
    (void)t;
}

static void blob_update(struct ctrctl_transfer *t, const ctr_transfer_progress_t *p)
{
    if (!t->tty) {
        if (p->phase != CTR_TRANSFER_BLOB)
            quiet_line(t, p);
        return;
    }
    struct transfer_line *l = line_of(t, p);
    if (!l)
        return;
    l->phase = p->phase;
    l->done = p->phase == CTR_TRANSFER_BLOB ? p->done : p->size;
    l->size = p->size;
    redraw(t);
}

/* The whole-transfer lines end the block of bars: they go below it. */
static void end_bars(struct ctrctl_transfer *t)
{
    if (t->tty && t->drawn)
        ctrctl_transfer_clear(t);
}

int ctrctl_transfer_progress(const ctr_transfer_progress_t *p, void *userdata)
{
    struct ctrctl_transfer *t = userdata;
    if (t->quiet)
        return 0;
    switch (p->phase) {
    case CTR_TRANSFER_RESOLVING:
        end_bars(t);
        if (!t->push)
            fprintf(stderr, "Trying to pull %s...\n", p->reference);
        fputs("Getting image source signatures\n", stderr);
        break;
    case CTR_TRANSFER_BLOB:
    case CTR_TRANSFER_BLOB_DONE:
    case CTR_TRANSFER_BLOB_SKIPPED:
        blob_update(t, p);
        break;
    case CTR_TRANSFER_WRITING:
        end_bars(t);
        fputs("Writing manifest to image destination\nStoring signatures\n", stderr);
        break;
    default:
        break;
    }
    fflush(stderr);
    return 0;
}
