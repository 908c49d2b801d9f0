/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A container's streams: attach through the monitor's socket, terminal
 * resize, and the k8s-file log. */
#include <fcntl.h>
#include <stddef.h>
#include <libctr/ctr-io.h>
#include <sys/syscall.h>

#include "base/cancel.h"
#include "base/detach-keys.h"
#include "base/error.h"
#include "base/logs.h"
#include "base/options.h"
#include "core/events.h"
#include "core/lifecycle.h"

static const struct ctr__options_type attach_type = {
    "attach options", CTR_ATTACH_OPTIONS_VERSION,
    (const size_t[]){ 0, offsetof(ctr_attach_options_t, cancel), sizeof(ctr_attach_options_t) }
};
static const struct ctr__options_type logs_type = {
    "logs options", CTR_LOGS_OPTIONS_VERSION,
    (const size_t[]){ 0, offsetof(ctr_logs_options_t, cancel), sizeof(ctr_logs_options_t) }
};

CTR_EXPORT int ctr_attach_options_init(ctr_attach_options_t *opts, unsigned int version)
{
    CTR_ENTER();
    CTR_CHECK_ARG(opts);
    int r = ctr__options_clear(&attach_type, opts, version);
    if (r < 0)
        return r;
    opts->stdin_fd = opts->stdout_fd = opts->stderr_fd = -1;
    return 0;
}

CTR_EXPORT int ctr_logs_options_init(ctr_logs_options_t *opts, unsigned int version)
{
    CTR_ENTER();
    CTR_CHECK_ARG(opts);
    int r = ctr__options_clear(&logs_type, opts, version);
    if (r < 0)
        return r;
    opts->tail = -1;
    return 0;
}

/* Lock, check the state is one of allowed (bit mask of states), copy the
 * descriptor out, unlock. */
static int describe_locked(ctr_container_t *c, unsigned allowed, const char *what, struct ctr__desc *d,
                           ctr__oci_t **oci)
{
    ctr_state_t state = ctr__container_status(c)->state;
    if (!(allowed & (1u << state)))
        return ctr__err(-EBUSY, CTR_CFMT " is %s: %s", CTR_CARG(c), ctr_state_name(state), what);
    return ctr__lifecycle_oci(c, oci, d);
}

static int describe(ctr_container_t *c, unsigned allowed, const char *what, struct ctr__desc *d, ctr__oci_t **oci)
{
    return CTR__WITH_LOCK(c, describe_locked(c, allowed, what, d, oci));
}

/* The container's state, read under its lock. */
static int state_now(ctr_container_t *c, ctr_state_t *ret)
{
    int r = ctr__lifecycle_lock(c);
    if (r < 0)
        return r;
    *ret = ctr__container_status(c)->state;
    ctr__container_unlock(c);
    return 0;
}

struct attach_start {
    ctr_container_t *c;
    int start_error;
};

/* Called by the OCI layer once the attach socket is connected. */
static int start_when_attached(void *userdata)
{
    struct attach_start *as = userdata;
    int r = ctr_container_start(as->c);
    if (r < 0) {
        as->start_error = r;
        return r;
    }
    return 0;
}

CTR_EXPORT int ctr_container_attach(ctr_container_t *c, const ctr_attach_options_t *opts)
{
    CTR_ENTER();
    CTR_CHECK_ARG(c);
    CTR_CHECK_ARG(opts);
    ctr_attach_options_t o;
    ctr_attach_options_init(&o, CTR_ATTACH_OPTIONS_VERSION);
    int r = ctr__options_copy(&attach_type, &o, opts);
    if (r < 0)
        return r;
    if (o.flags & ~(uint64_t)(CTR_ATTACH_START | CTR_ATTACH_RETURN_ON_STDIN_EOF))
        return ctr__err(-EINVAL, "unknown attach flags 0x%llx", (unsigned long long)o.flags);
    const char *keys = o.detach_keys ? o.detach_keys : "ctrl-p,ctrl-q";
    unsigned char parsed[32];
    size_t n;
    r = ctr__detach_keys_parse(keys, parsed, &n);
    if (r < 0)
        return r;
    bool start = (o.flags & CTR_ATTACH_START) != 0;
    if (start) {
        /* The attach socket exists once the container is created. */
        ctr_state_t st;
        if ((r = state_now(c, &st)) < 0)
            return r;
        if ((st == CTR_STATE_CONFIGURED || st == CTR_STATE_EXITED) && (r = ctr_container_init(c)) < 0)
            return r;
    }
    _cleanup_(ctr__lifecycle_desc_done) struct ctr__desc d = { 0 };
    ctr__oci_t *oci = NULL;
    unsigned allowed = start ? (1u << CTR_STATE_CREATED) : (1u << CTR_STATE_CREATED) | (1u << CTR_STATE_RUNNING);
    r = describe(c, allowed, start ? "only a created container can be started attached"
                                   : "attach needs a created or running container", &d, &oci);
    if (r < 0)
        return r;
    struct attach_start as = { c, 0 };
    ctr_oci_attach_options_t ao = {
        .version = CTR_OCI_BACKEND_VERSION,
        .stdin_fd = o.stdin_fd,
        .stdout_fd = o.stdout_fd,
        .stderr_fd = o.stderr_fd,
        .detach_keys = keys,
        .flags = (o.flags & CTR_ATTACH_RETURN_ON_STDIN_EOF) ? CTR_OCI_ATTACH_RETURN_ON_STDIN_EOF : 0,
        .attached = start ? start_when_attached : NULL,
        .attached_userdata = &as,
        .cancel = o.cancel,
    };
    ctr__event_container(c, "attach", 0, NULL);
    r = ctr__oci_attach(oci, &d.oci, &ao);
    if (as.start_error < 0)
        return as.start_error; /* its detail is kept: the callback ran on this thread */
    return r;
}

CTR_EXPORT int ctr_container_resize(ctr_container_t *c, unsigned int height, unsigned int width)
{
    CTR_ENTER();
    CTR_CHECK_ARG(c);
    if (height == 0 || width == 0 || height > 65535 || width > 65535)
        return ctr__err(-EINVAL, "invalid terminal size %ux%u", height, width);
    if (!(ctr__container_config(c)->flags & CTR_CREATE_TERMINAL))
        return ctr__err(-EOPNOTSUPP, CTR_CFMT " has no terminal", CTR_CARG(c));
    _cleanup_(ctr__lifecycle_desc_done) struct ctr__desc d = { 0 };
    ctr__oci_t *oci = NULL;
    int r = describe(c, (1u << CTR_STATE_CREATED) | (1u << CTR_STATE_RUNNING) | (1u << CTR_STATE_PAUSED),
                     "only a live container's terminal can be resized", &d, &oci);
    if (r < 0)
        return r;
    return ctr__oci_resize(oci, &d.oci, height, width);
}

struct logs_ctx {
    ctr_log_line_fn fn;
    void *userdata;
    int stopped; /* the caller's non-zero return */
};

static int logs_cb(int stream, int64_t timestamp, const char *msg, size_t len, void *userdata)
{
    struct logs_ctx *x = userdata;
    int r = x->fn(stream == CTR__LOG_STDERR ? CTR_STREAM_STDERR : CTR_STREAM_STDOUT, timestamp, msg, len,
                  x->userdata);
    if (r != 0) {
        x->stopped = r;
        return 1; /* stop reading cleanly */
    }
    return 0;
}

CTR_EXPORT int ctr_container_logs(ctr_container_t *c, const ctr_logs_options_t *opts, ctr_log_line_fn fn,
                                  void *userdata)
{
    CTR_ENTER();
    CTR_CHECK_ARG(c);
    CTR_CHECK_ARG(opts);
    CTR_CHECK_ARG(fn);
    ctr_logs_options_t o;
    ctr_logs_options_init(&o, CTR_LOGS_OPTIONS_VERSION);
    int r = ctr__options_copy(&logs_type, &o, opts);
    if (r < 0)
        return r;
    if (o.flags & ~(uint64_t)(CTR_LOGS_FOLLOW | CTR_LOGS_STDOUT | CTR_LOGS_STDERR))
        return ctr__err(-EINVAL, "unknown logs flags 0x%llx", (unsigned long long)o.flags);
    if (o.since < 0 || o.until < 0)
        return ctr__err(-EINVAL, "negative log time bound");

    /* Follow until the monitor exits: it drains the container's output
     * into the log before it goes. */
    r = ctr__lifecycle_lock(c);
    if (r < 0)
        return r;
    const struct ctr__status *st = ctr__container_status(c);
    pid_t monitor = ctr__state_is_live(st->state) ? st->conmon_pid : 0;
    ctr__container_unlock(c);
    _cleanup_close_ int stop_fd = -1;
    bool follow = (o.flags & CTR_LOGS_FOLLOW) != 0;
    if (follow && monitor > 0) {
        stop_fd = (int)syscall(SYS_pidfd_open, monitor, 0);
        if (stop_fd < 0)
            follow = false; /* the monitor is already gone: nothing more will come */
    } else {
        follow = false;
    }
    struct ctr__logs_opts lo = CTR__LOGS_OPTS_INIT;
    lo.since = o.since;
    lo.until = o.until;
    lo.tail = o.tail < 0 ? -1 : o.tail;
    lo.follow = follow;
    lo.stop_fd = stop_fd;
    lo.cancel_fd = ctr__cancel_fd(o.cancel);
    lo.streams = ((o.flags & CTR_LOGS_STDOUT) ? CTR__LOG_STDOUT : 0) | ((o.flags & CTR_LOGS_STDERR) ? CTR__LOG_STDERR : 0);
    struct logs_ctx x = { fn, userdata, 0 };
    const char *log_path = ctr__container_config(c)->log_path;
    r = ctr__logs_read(log_path, &lo, logs_cb, &x);
    if (x.stopped)
        return x.stopped;
    if (r == -ENOENT && !follow)
        return 0; /* no output yet */
    if (r > 0)
        ctr__rt_log(ctr_container_runtime(c), CTR_LOG_DEBUG, "%s: skipped %d malformed log lines", log_path, r);
    return r < 0 ? r : 0;
}
