/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The built-in state backends (see include/libctr/sys/ctr-state.h). */
#pragma once

#include <ctr-config.h>
#include <libctr/sys/ctr-state.h>
#include <limits.h>

#include "base/error.h"
#include "base/util.h"

/* "files": ctr/ID/{config,state}.json and names/NAME -> ID symlinks (state-files.c). */
extern const ctr_state_backend_t ctr__state_backend_files;

/* Layout version written to DIR/VERSION by the files backend. */
#define CTR__STATE_FILES_LAYOUT_VERSION 1

#if HAVE_TDB
/* "tdb": one DIR/state.tdb, a transaction per write (state-tdb.c). */
extern const ctr_state_backend_t ctr__state_backend_tdb;

/* Layout version stored under the "meta/version" key by the tdb backend. */
#define CTR__STATE_TDB_LAYOUT_VERSION 1
#endif

/* Keys the built-in backends accept: IDs and names become path components
 * or database keys, so neither may be empty, contain '/', start with a dot
 * (dot entries are the backends' transient ones) or be too long. */
#define CTR__STATE_ID_MAX 128
#define CTR__STATE_NAME_MAX 255

static inline bool ctr__state_component_ok(const char *s, size_t max)
{
    return !isempty(s) && s[0] != '.' && !strchr(s, '/') && strlen(s) <= max;
}

static inline int ctr__state_check_id(const char *id)
{
    if (!ctr__state_component_ok(id, CTR__STATE_ID_MAX))
        return ctr__err(-EINVAL, "invalid container ID \"%.*s\"", 80, id ? id : "(null)");
    return 0;
}

static inline int ctr__state_check_name(const char *name)
{
    if (!ctr__state_component_ok(name, CTR__STATE_NAME_MAX))
        return ctr__err(-EINVAL, "invalid container name \"%.*s\"", 80, name ? name : "(null)");
    return 0;
}

/* The arguments of rename() (version 4). */
static inline int ctr__state_check_rename(const char *id, const char *old_name, const char *new_name,
                                          const char *config, const char *state)
{
    int r;
    if ((r = ctr__state_check_id(id)) < 0 || (r = ctr__state_check_name(old_name)) < 0 ||
        (r = ctr__state_check_name(new_name)) < 0)
        return r;
    if (!config || !state)
        return ctr__err(-EINVAL, "rename: missing config or state document");
    return 0;
}

/* Check a stored layout version (text, blanks stripped): 0 when it is one
 * this libctr reads (1 to @supported); -EUCLEAN when it is no version;
 * -EPROTONOSUPPORT when a newer libctr wrote it.  @where names the store in
 * the messages (a directory or a file). */
static inline int ctr__state_layout_check(const char *text, const char *where, unsigned supported)
{
    char *end = NULL;
    errno = 0;
    unsigned long v = strtoul(text, &end, 10);
    if (errno != 0 || end == text || *end || text[0] == '-' || text[0] == '+' || v == 0)
        return ctr__err(-EUCLEAN, "%s: the layout version is corrupt (\"%.32s\")", where, text);
    if (v > supported)
        return ctr__err(-EPROTONOSUPPORT,
                        "%s has layout version %lu, but this libctr supports layout version %u at most "
                        "(it was written by a newer libctr)",
                        where, v, supported);
    return 0;
}

/* Object kinds are [a-z]{1,32}; object names follow the name rules. */
#define CTR__STATE_KIND_MAX 32

static inline int ctr__state_check_obj(const char *kind, const char *name)
{
    size_t n = kind ? strlen(kind) : 0;
    if (n == 0 || n > CTR__STATE_KIND_MAX || strspn(kind, "abcdefghijklmnopqrstuvwxyz") != n)
        return ctr__err(-EINVAL, "invalid object kind \"%.*s\"", 40, kind ? kind : "(null)");
    if (!ctr__state_component_ok(name, CTR__STATE_NAME_MAX))
        return ctr__err(-EINVAL, "invalid %s name \"%.*s\"", kind, 80, name ? name : "(null)");
    return 0;
}
