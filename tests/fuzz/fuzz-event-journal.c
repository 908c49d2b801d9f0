/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libFuzzer target: the event journal's reader over a whole file (the
 * input is events.log) and each line through the event parser.  A parsed
 * event formats back into a line that parses to the same event; filters
 * run on it.  Checks that every line handed out is whole (no '\n', as long
 * as it says) and that the reader ends. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/error.h"
#include "base/journal.h"
#include "base/json-util.h"
#include "base/util.h"
#include "data/event.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool same_str(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static void round_trip(const struct ctr__event *ev)
{
    _cleanup_free_ char *line = NULL;
    if (ctr__event_format(ev, &line) < 0)
        abort();
    _cleanup_json_ json_object *doc = NULL;
    struct ctr__event back;
    if (ctr__event_parse(line, strlen(line), &doc, &back) < 0)
        abort();
    if (!same_str(ev->status, back.status) || !same_str(ev->type, back.type) || !same_str(ev->id, back.id) ||
        !same_str(ev->name, back.name) || !same_str(ev->image, back.image) || ev->time_ns != back.time_ns ||
        ev->exit_code != back.exit_code)
        abort();
    static const char *const filters[] = { "container=a", "event=died", "label=k=v", "type=container", NULL };
    (void)ctr__event_match(&back, filters);
    (void)ctr__event_match(&back, filters + 2);
}

static char dir[64];

/* The journal's directory goes with the run. */
static void remove_dir(void)
{
    (void)ctr__rm_rf(dir);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!dir[0]) {
        snprintf(dir, sizeof dir, "/tmp/fuzz-event-journal-XXXXXX");
        if (!mkdtemp(dir) || atexit(remove_dir) != 0)
            abort();
    }
    char path[128];
    snprintf(path, sizeof path, "%s/events.log", dir);
    FILE *f = fopen(path, "w");
    if (!f || (size && fwrite(data, 1, size, f) != size) || fclose(f) != 0)
        abort();
    struct ctr__journal_reader *r = NULL;
    if (ctr__journal_reader_open(dir, false, &r) < 0)
        abort();
    const char *line;
    size_t len, total = 0;
    int k;
    while ((k = ctr__journal_reader_next(r, &line, &len)) == 1) {
        if (len == 0 || memchr(line, '\n', len) || line[len] != 0)
            abort();
        total += len + 1;
        if (total > size + 1)
            abort(); /* more than the file held */
        _cleanup_json_ json_object *doc = NULL;
        struct ctr__event ev;
        if (ctr__event_parse(line, len, &doc, &ev) == 0)
            round_trip(&ev);
        ctr__err_clear();
    }
    if (k != 0)
        abort();
    ctr__journal_reader_free(r);
    return 0;
}
