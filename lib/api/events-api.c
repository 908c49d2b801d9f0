/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The public event API (ctr-events.h): a reader over base/journal.c's
 * lines, parsed and filtered by data/event.c.  A follower waits in an epoll
 * set of the journal's inotify fd, its own cancel eventfd and the caller's
 * cancel fd: that set is what ctr_events_fd() hands out. */
#include <libctr/ctr.h>
#include <libctr/ctr-events.h>

#include <errno.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>

#include "base/error.h"
#include "base/journal.h"
#include "base/json-util.h"
#include "base/options.h"
#include "core/events.h"
#include "data/event.h"

struct ctr_events {
    ctr_runtime_t *rt;
    struct ctr__journal_reader *j;
    uint64_t flags;
    int64_t since, until;
    char **filters;
    int epfd;      /* follow: the set below */
    int cancel_fd; /* an eventfd written by ctr_events_cancel() */
    int user_fd;   /* the options' cancel fd, or -1 */
    atomic_bool cancelled;
};

/* An event handed out: the public struct and what its strings point into. */
struct event_box {
    ctr_event_t pub;
    json_object *doc;
    char *json;
};

static const struct ctr__options_type options_type = {
    "events options", CTR_EVENTS_OPTIONS_VERSION, (const size_t[]){ 0, sizeof(ctr_events_options_t) }
};

static void options_defaults(ctr_events_options_t *o)
{
    o->cancel_fd = -1;
}

CTR_EXPORT int ctr_events_options_init(ctr_events_options_t *opts, unsigned int version)
{
    CTR_ENTER();
    CTR_CHECK_ARG(opts);
    int r = ctr__options_clear(&options_type, opts, version);
    if (r == 0)
        options_defaults(opts);
    return r;
}

CTR_EXPORT ctr_events_t *ctr_events_close(ctr_events_t *e)
{
    if (!e)
        return NULL;
    ctr__journal_reader_free(e->j);
    ctr__closep(&e->epfd);
    ctr__closep(&e->cancel_fd);
    ctr__strv_free(e->filters);
    ctr_runtime_unref(e->rt);
    free(e);
    return NULL;
}

static int check_options(const ctr_events_options_t *o)
{
    if (o->flags & ~CTR_EVENTS_FOLLOW)
        return ctr__err(-EINVAL, "events: unknown flags 0x%llx", (unsigned long long)(o->flags & ~CTR_EVENTS_FOLLOW));
    if (o->since_ns < 0 || o->until_ns < 0)
        return ctr__err(-EINVAL, "events: a negative since or until");
    if (o->until_ns && o->since_ns > o->until_ns)
        return ctr__err(-EINVAL, "events: until is before since");
    return ctr__event_filters_check(o->filters);
}

static int epoll_add(int epfd, int fd)
{
    struct epoll_event ev = { .events = EPOLLIN, .data.fd = fd };
    return epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev) < 0 ? ctr__err(-errno, "events: epoll_ctl: %m") : 0;
}

static int follow_setup(ctr_events_t *e)
{
    e->epfd = epoll_create1(EPOLL_CLOEXEC);
    if (e->epfd < 0)
        return ctr__err(-errno, "events: epoll_create1: %m");
    int r;
    if ((r = epoll_add(e->epfd, ctr__journal_reader_fd(e->j))) < 0 || (r = epoll_add(e->epfd, e->cancel_fd)) < 0 ||
        (e->user_fd >= 0 && (r = epoll_add(e->epfd, e->user_fd)) < 0))
        return r;
    return 0;
}

CTR_EXPORT int ctr_events_open(ctr_runtime_t *rt, const ctr_events_options_t *opts, ctr_events_t **ret)
{
    CTR_ENTER();
    CTR_CHECK_ARG(rt && ret);
    ctr_events_options_t o;
    ctr_events_options_init(&o, CTR_EVENTS_OPTIONS_VERSION);
    int r = ctr__options_copy(&options_type, &o, opts);
    if (r < 0 || (r = check_options(&o)) < 0)
        return r;
    _cleanup_(ctr_events_closep) ctr_events_t *e = calloc(1, sizeof *e);
    if (!e)
        return ctr__oom("an events reader");
    e->epfd = e->cancel_fd = -1;
    e->rt = ctr_runtime_ref(rt);
    e->flags = o.flags;
    e->since = o.since_ns;
    e->until = o.until_ns;
    e->user_fd = o.cancel_fd;
    e->filters = ctr__strv_copy(o.filters);
    _cleanup_free_ char *dir = ctr__events_dir(rt);
    if (!e->filters || !dir)
        return ctr__oom("an events reader");
    e->cancel_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (e->cancel_fd < 0)
        return ctr__err(-errno, "events: eventfd: %m");
    bool follow = o.flags & CTR_EVENTS_FOLLOW;
    if ((r = ctr__journal_reader_open(dir, follow, &e->j)) < 0)
        return ctr__err(r, "the event journal %s: %s", dir, strerror(-r));
    if (follow && (r = follow_setup(e)) < 0)
        return r;
    *ret = TAKE_PTR(e);
    return 0;
}

CTR_EXPORT void ctr_event_free(ctr_event_t *ev)
{
    if (!ev)
        return;
    struct event_box *b = (struct event_box *)((char *)ev - offsetof(struct event_box, pub));
    json_object_put(b->doc);
    free(b->json);
    free(b);
}

static int box_event(const char *line, json_object *doc, const struct ctr__event *ev, ctr_event_t **ret)
{
    struct event_box *b = calloc(1, sizeof *b);
    char *json = strdup(line);
    if (!b || !json) {
        free(b);
        free(json);
        return ctr__oom("an event");
    }
    b->doc = json_object_get(doc);
    b->json = json;
    b->pub = (ctr_event_t){
        .version = CTR_EVENT_VERSION,
        .type = ev->type,
        .status = ev->status,
        .id = ev->id,
        .name = ev->network ? ev->network : ev->name,
        .image = ev->image,
        .time_ns = ev->time_ns,
        .exit_code = ev->exit_code,
        .json = json,
    };
    *ret = &b->pub;
    return 0;
}

/* The next line that passes: 1 with it; 0 when none is left now; 2 when
 * the until time is passed (a follower's end). */
static int next_kept(ctr_events_t *e, ctr_event_t **ret)
{
    for (;;) {
        const char *line = NULL;
        size_t len = 0;
        int r = ctr__journal_reader_next(e->j, &line, &len);
        if (r < 0)
            return ctr__err(r, "reading the event journal: %s", strerror(-r));
        if (r == 0)
            return 0;
        _cleanup_json_ json_object *doc = NULL;
        struct ctr__event ev;
        if (ctr__event_parse(line, len, &doc, &ev) < 0) {
            ctr__err_clear(); /* a damaged line: skipped */
            continue;
        }
        if (ev.time_ns < e->since)
            continue;
        if (e->until && ev.time_ns > e->until) {
            if (e->flags & CTR_EVENTS_FOLLOW)
                return 2;
            continue;
        }
        if (ctr__event_match(&ev, (const char *const *)e->filters))
            return box_event(line, doc, &ev, ret) < 0 ? -ENOMEM : 1;
    }
}

/* Wait for the journal to change: 0 (look again), -EAGAIN (timeout), 2
 * (the until time passed), -ECANCELED. */
static int wait_change(ctr_events_t *e, int64_t timeout_ms)
{
    if (e->until) {
        int64_t left = (e->until - ctr__now_ns()) / 1000000 + 1;
        if (left <= 0)
            return 2;
        if (timeout_ms < 0 || left < timeout_ms)
            timeout_ms = left;
    }
    struct epoll_event evs[4];
    int n = epoll_wait(e->epfd, evs, 4, timeout_ms > INT32_MAX ? INT32_MAX : (int)timeout_ms);
    if (n < 0 && errno != EINTR)
        return ctr__err(-errno, "events: epoll_wait: %m");
    for (int i = 0; i < n; i++)
        if (evs[i].data.fd == e->user_fd || evs[i].data.fd == e->cancel_fd)
            return ctr__err(-ECANCELED, "events: cancelled");
    ctr__journal_reader_drain(e->j);
    if (n == 0 && e->until && ctr__now_ns() > e->until)
        return 2;
    return n == 0 ? ctr__err(-EAGAIN, "events: none within %lld ms", (long long)timeout_ms) : 0;
}

CTR_EXPORT int ctr_events_next(ctr_events_t *e, int64_t timeout_ms, ctr_event_t **ret)
{
    CTR_ENTER();
    CTR_CHECK_ARG(e && ret);
    bool follow = e->flags & CTR_EVENTS_FOLLOW;
    for (;;) {
        if (atomic_load(&e->cancelled))
            return ctr__err(-ECANCELED, "events: cancelled");
        int r = next_kept(e, ret);
        if (r == 1 || r < 0)
            return r;
        if (r == 2 || !follow)
            return 0;
        r = wait_change(e, timeout_ms);
        if (r == 2)
            return 0;
        if (r < 0)
            return r;
    }
}

CTR_EXPORT int ctr_events_fd(ctr_events_t *e)
{
    CTR_ENTER();
    CTR_CHECK_ARG(e);
    if (e->epfd < 0)
        return ctr__err(-EINVAL, "events: a reader without follow has no fd");
    return e->epfd;
}

CTR_EXPORT int ctr_events_cancel(ctr_events_t *e)
{
    if (!e)
        return -EINVAL; /* async-signal-safe: no error record */
    atomic_store(&e->cancelled, true);
    uint64_t one = 1;
    (void)!write(e->cancel_fd, &one, sizeof one);
    return 0;
}

CTR_EXPORT int ctr_events_read(ctr_runtime_t *rt, const ctr_events_options_t *opts, ctr_events_fn fn, void *userdata)
{
    CTR_ENTER();
    CTR_CHECK_ARG(rt && fn);
    _cleanup_(ctr_events_closep) ctr_events_t *e = NULL;
    int r = ctr_events_open(rt, opts, &e);
    while (r == 0) {
        ctr_event_t *ev = NULL;
        r = ctr_events_next(e, -1, &ev);
        if (r <= 0)
            return r;
        r = fn(ev, userdata);
        ctr_event_free(ev);
    }
    return r;
}
