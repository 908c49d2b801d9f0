/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Stats: samples of a running container's resource use, read from the
 * host's side: its cgroup's counters (base/cgroup.c finds the directories
 * from its init process's /proc/PID/cgroup; v1 per controller, else the
 * unified v2 one), the network counters of its namespace through
 * /proc/PID/net/dev (the file shows the namespace of the process that
 * owns it: no setns), the host's CPU time from /proc/stat.  The parsers
 * are base/cgroup-stats.c.  The container's lock is held only to read its
 * state; the counters are read without it.  A sample is one allocation
 * behind the public struct (ctr_stats_free()); a stream samples its
 * containers every interval, waiting in poll() on the caller's cancel
 * descriptor. */
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <sys/stat.h>
#include <sys/sysinfo.h>
#include <time.h>

#include "base/cgroup-stats.h"
#include "base/cgroup.h"
#include "base/error.h"
#include "base/procfs.h"
#include "core/lifecycle.h"
#include "core/stats.h"

/* Largest cgroup or /proc file read. */
#define FILE_MAX (1u << 20)

#define STATS_MAGIC 0x6374727374617473ULL /* "ctrstats" */

struct sample {
    uint64_t magic;
    ctr_stats_t pub;
    uint64_t *percpu;
    char *id, *name;
};

/* What a sample needs of the container, copied under its lock. */
struct target {
    char *id, *name;
    pid_t pid;
    int64_t started;
};

static void target_done(struct target *t)
{
    free(t->id);
    free(t->name);
}

/* What every sample of a round shares. */
struct host {
    uint64_t system_cpu_ns, ram;
    unsigned ncpu;
    char *mountinfo;
};

static void host_done(struct host *h)
{
    free(h->mountinfo);
}

static void sample_free(struct sample *s)
{
    if (!s)
        return;
    free(s->percpu);
    free(s->id);
    free(s->name);
    s->magic = 0;
    free(s);
}

static void sample_freep(struct sample **s)
{
    sample_free(*s);
}

static struct sample *sample_of(const ctr_stats_t *p)
{
    struct sample *s = (struct sample *)(void *)((char *)p - offsetof(struct sample, pub));
    return s->magic == STATS_MAGIC ? s : NULL;
}

static int bad_file(const char *dir, const char *name)
{
    return ctr__err(-EBADMSG, "cannot parse %s/%s", dir, name);
}

/* Read @name in @dir (NUL-terminated into *ret). */
static int read_in(int dfd, const char *dir, const char *name, char **ret)
{
    int r = ctr__proc_read(dfd, name, FILE_MAX, ret, NULL, NULL);
    return r < 0 ? ctr__err(r, "cannot read %s/%s: %s", dir, name, strerror(-r)) : 0;
}

static int read_uint(int dfd, const char *dir, const char *name, uint64_t *ret)
{
    _cleanup_free_ char *t = NULL;
    int r = read_in(dfd, dir, name, &t);
    if (r < 0)
        return r;
    return ctr__cgstat_uint(t, ret) < 0 ? bad_file(dir, name) : 0;
}

/* A key of a flat keyed file; a key that is not there is 0. */
static int read_keyed(const char *text, const char *dir, const char *name, const char *key, uint64_t *ret)
{
    int r = ctr__cgstat_keyed(text, key, ret);
    if (r == -ENOENT)
        *ret = 0;
    return r == -EINVAL ? bad_file(dir, name) : 0;
}

static int host_read(struct host *h)
{
    _cleanup_free_ char *stat = NULL;
    int r = ctr__proc_read(AT_FDCWD, "/proc/stat", FILE_MAX, &stat, NULL, NULL);
    if (r < 0)
        return ctr__err(r, "cannot read /proc/stat: %s", strerror(-r));
    uint64_t ticks;
    if (ctr__proc_parse_cpu_total(stat, &ticks, &h->ncpu) < 0)
        return ctr__err(-EBADMSG, "no cpu line in /proc/stat");
    long hz = sysconf(_SC_CLK_TCK);
    h->system_cpu_ns = ticks * (UINT64_C(1000000000) / (uint64_t)(hz > 0 ? hz : 100));
    struct sysinfo si;
    h->ram = sysinfo(&si) == 0 ? (uint64_t)si.totalram * si.mem_unit : UINT64_MAX;
    r = ctr__cgroup_mounts(&h->mountinfo);
    return r < 0 ? ctr__err(r, "cannot read /proc/self/mountinfo: %s", strerror(-r)) : 0;
}

/* The cgroup directory of @controller (NULL: v2) of the process whose /proc/PID/cgroup is @cg. */
static int open_dir(const struct host *h, const char *cg, const char *controller, char **ret_dir, int *ret_fd)
{
    _cleanup_free_ char *dir = NULL;
    int r = ctr__cgroup_controller_dir(cg, h->mountinfo, controller, &dir);
    if (r == -ENOMEM)
        return ctr__oom("a cgroup path");
    if (r < 0)
        return r;
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return ctr__err(-errno, "cannot open the cgroup %s: %m", dir);
    *ret_fd = fd;
    *ret_dir = TAKE_PTR(dir);
    return 0;
}

/* v1 cpuacct: usage, per core, user and system (usage_user and usage_sys, else cpuacct.stat's ticks). */
static int v1_cpu(int dfd, const char *dir, struct sample *s)
{
    ctr_stats_t *p = &s->pub;
    _cleanup_free_ char *percpu = NULL;
    int r = read_uint(dfd, dir, "cpuacct.usage", &p->cpu_ns);
    if (r < 0 || (r = read_in(dfd, dir, "cpuacct.usage_percpu", &percpu)) < 0)
        return r;
    if ((r = ctr__cgstat_percpu(percpu, &s->percpu, &p->n_percpu)) < 0)
        return r == -ENOMEM ? ctr__oom("the CPU times") : bad_file(dir, "cpuacct.usage_percpu");
    p->percpu_ns = s->percpu;
    if (read_uint(dfd, dir, "cpuacct.usage_user", &p->cpu_user_ns) == 0 &&
        read_uint(dfd, dir, "cpuacct.usage_sys", &p->cpu_system_ns) == 0)
        return 0;
    _cleanup_free_ char *st = NULL;
    if ((r = read_in(dfd, dir, "cpuacct.stat", &st)) < 0 ||
        (r = read_keyed(st, dir, "cpuacct.stat", "user", &p->cpu_user_ns)) < 0 ||
        (r = read_keyed(st, dir, "cpuacct.stat", "system", &p->cpu_system_ns)) < 0)
        return r;
    long hz = sysconf(_SC_CLK_TCK);
    uint64_t tick = UINT64_C(1000000000) / (uint64_t)(hz > 0 ? hz : 100);
    p->cpu_user_ns *= tick;
    p->cpu_system_ns *= tick;
    return 0;
}

/* memory.stat's cache and RSS: v1 the hierarchical total_ keys, v2 file and anon. */
static int mem_stat(int dfd, const char *dir, int version, ctr_stats_t *p)
{
    _cleanup_free_ char *t = NULL;
    int r = read_in(dfd, dir, "memory.stat", &t);
    if (r < 0)
        return r;
    const char *cache = version == 1 ? "total_cache" : "file", *rss = version == 1 ? "total_rss" : "anon";
    if ((r = read_keyed(t, dir, "memory.stat", cache, &p->mem_cache)) < 0 ||
        (r = read_keyed(t, dir, "memory.stat", rss, &p->mem_rss)) < 0)
        return r;
    return 0;
}

static int v1_memory(int dfd, const char *dir, ctr_stats_t *p)
{
    int r = read_uint(dfd, dir, "memory.usage_in_bytes", &p->mem_usage);
    if (r < 0 || (r = read_uint(dfd, dir, "memory.limit_in_bytes", &p->mem_limit)) < 0)
        return r;
    return mem_stat(dfd, dir, 1, p);
}

static int pids(int dfd, const char *dir, ctr_stats_t *p)
{
    int r = read_uint(dfd, dir, "pids.current", &p->pids_current);
    if (r < 0 || (r = read_uint(dfd, dir, "pids.max", &p->pids_limit)) < 0)
        return r;
    if (p->pids_limit == UINT64_MAX)
        p->pids_limit = 0;
    return 0;
}

/* v1 blkio: the first of the byte counters that has lines (CFQ's, BFQ's, the throttle layer's). */
static int v1_blkio(int dfd, const char *dir, ctr_stats_t *p)
{
    static const char *const files[] = {
        "blkio.io_service_bytes_recursive",
        "blkio.bfq.io_service_bytes_recursive",
        "blkio.throttle.io_service_bytes_recursive",
    };
    for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
        _cleanup_free_ char *t = NULL;
        if (ctr__proc_read(dfd, files[i], FILE_MAX, &t, NULL, NULL) < 0)
            continue;
        if (ctr__cgstat_blkio_v1(t, &p->block_read, &p->block_write) < 0)
            return bad_file(dir, files[i]);
        if (p->block_read || p->block_write || strchr(t, ':'))
            return 0;
    }
    return 0;
}

typedef int (*v1_reader)(int dfd, const char *dir, struct sample *s);

static int v1_memory_s(int dfd, const char *dir, struct sample *s) { return v1_memory(dfd, dir, &s->pub); }
static int pids_s(int dfd, const char *dir, struct sample *s) { return pids(dfd, dir, &s->pub); }
static int v1_blkio_s(int dfd, const char *dir, struct sample *s) { return v1_blkio(dfd, dir, &s->pub); }

static int read_v1(const struct host *h, const char *cg, struct sample *s)
{
    static const struct {
        const char *controller;
        v1_reader fn;
        bool needed;
    } parts[] = {
        { "cpuacct", v1_cpu, true },
        { "memory", v1_memory_s, true },
        { "pids", pids_s, false },
        { "blkio", v1_blkio_s, false },
    };
    for (size_t i = 0; i < ARRAY_SIZE(parts); i++) {
        _cleanup_free_ char *dir = NULL;
        _cleanup_close_ int fd = -1;
        int r = open_dir(h, cg, parts[i].controller, &dir, &fd);
        if (r == -ENOENT && !parts[i].needed)
            continue;
        if (r == -ENOENT)
            return ctr__err(r, "the %s cgroup of the container is not mounted here", parts[i].controller);
        if (r < 0 || (r = parts[i].fn(fd, dir, s)) < 0)
            return r;
    }
    s->pub.cgroup_version = 1;
    return 0;
}

static int v2_cpu(int dfd, const char *dir, ctr_stats_t *p)
{
    _cleanup_free_ char *t = NULL;
    int r = read_in(dfd, dir, "cpu.stat", &t);
    if (r < 0 || (r = read_keyed(t, dir, "cpu.stat", "usage_usec", &p->cpu_ns)) < 0 ||
        (r = read_keyed(t, dir, "cpu.stat", "user_usec", &p->cpu_user_ns)) < 0 ||
        (r = read_keyed(t, dir, "cpu.stat", "system_usec", &p->cpu_system_ns)) < 0)
        return r;
    p->cpu_ns *= 1000;
    p->cpu_user_ns *= 1000;
    p->cpu_system_ns *= 1000;
    return 0;
}

int ctr__stats_read_v2(int dfd, const char *dir, ctr_stats_t *p)
{
    _cleanup_free_ char *io = NULL;
    int r = v2_cpu(dfd, dir, p);
    if (r < 0 || (r = read_uint(dfd, dir, "memory.current", &p->mem_usage)) < 0 ||
        (r = read_uint(dfd, dir, "memory.max", &p->mem_limit)) < 0 || (r = mem_stat(dfd, dir, 2, p)) < 0)
        return r;
    if (faccessat(dfd, "pids.current", F_OK, 0) == 0 && (r = pids(dfd, dir, p)) < 0)
        return r;
    if (ctr__proc_read(dfd, "io.stat", FILE_MAX, &io, NULL, NULL) == 0 &&
        ctr__cgstat_io_v2(io, &p->block_read, &p->block_write) < 0)
        return bad_file(dir, "io.stat");
    p->cgroup_version = 2;
    return 0;
}

static int read_v2(const struct host *h, const char *cg, struct sample *s)
{
    _cleanup_free_ char *dir = NULL;
    _cleanup_close_ int fd = -1;
    int r = open_dir(h, cg, NULL, &dir, &fd);
    if (r == -ENOENT)
        return ctr__err(r, "the cgroup of the container is not mounted here");
    return r < 0 ? r : ctr__stats_read_v2(fd, dir, &s->pub);
}

/* The network counters, when the process's network namespace is not the reader's. */
static int read_net(int pidfd, pid_t pid, ctr_stats_t *p)
{
    struct stat mine, theirs;
    if (fstatat(pidfd, "ns/net", &theirs, 0) < 0)
        return ctr__err(-errno, "cannot read the network namespace of process %d: %m", (int)pid);
    if (stat("/proc/self/ns/net", &mine) == 0 && mine.st_ino == theirs.st_ino && mine.st_dev == theirs.st_dev)
        return 0;
    _cleanup_free_ char *t = NULL;
    int r = ctr__proc_read(pidfd, "net/dev", FILE_MAX, &t, NULL, NULL);
    if (r < 0)
        return ctr__err(r, "cannot read /proc/%d/net/dev: %s", (int)pid, strerror(-r));
    struct ctr__net_counters n;
    if (ctr__proc_parse_net_dev(t, &n) < 0)
        return ctr__err(-EBADMSG, "cannot parse /proc/%d/net/dev", (int)pid);
    p->has_net = 1;
    p->net_rx_bytes = n.rx_bytes;
    p->net_rx_packets = n.rx_packets;
    p->net_tx_bytes = n.tx_bytes;
    p->net_tx_packets = n.tx_packets;
    return 0;
}

static double percent(uint64_t part, uint64_t whole)
{
    return whole > 0 ? (double)part / (double)whole * 100.0 : 0.0;
}

/* podman's: the CPU time since @prev_cpu over the wall-clock time since @prev_ns. */
static double cpu_percent(const ctr_stats_t *p, uint64_t prev_cpu, uint64_t prev_ns)
{
    if (p->cpu_ns <= prev_cpu || p->timestamp_ns <= prev_ns)
        return 0.0;
    return percent(p->cpu_ns - prev_cpu, p->timestamp_ns - prev_ns);
}

static void derive(const struct host *h, const ctr_stats_t *prev, ctr_stats_t *p)
{
    p->system_cpu_ns = h->system_cpu_ns;
    p->online_cpus = h->ncpu;
    if (p->mem_limit > h->ram)
        p->mem_limit = h->ram;
    p->mem_percent = percent(p->mem_usage, p->mem_limit);
    p->avg_cpu_percent = cpu_percent(p, 0, p->started_ns);
    p->cpu_percent = prev ? cpu_percent(p, prev->cpu_ns, prev->timestamp_ns) : p->avg_cpu_percent;
}

static int read_counters(const struct host *h, struct target *t, struct sample *s)
{
    char path[32];
    snprintf(path, sizeof path, "/proc/%d", (int)t->pid);
    _cleanup_close_ int pidfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (pidfd < 0)
        return ctr__err(-errno, "cannot open %s of the container's process: %m", path);
    _cleanup_free_ char *cg = NULL;
    int r = ctr__proc_read(pidfd, "cgroup", FILE_MAX, &cg, NULL, NULL);
    if (r < 0)
        return ctr__err(r, "cannot read %s/cgroup: %s", path, strerror(-r));
    _cleanup_free_ char *probe = NULL;
    bool v1 = ctr__cgroup_controller_dir(cg, h->mountinfo, "cpuacct", &probe) == 0;
    if ((r = v1 ? read_v1(h, cg, s) : read_v2(h, cg, s)) < 0)
        return r;
    return read_net(pidfd, t->pid, &s->pub);
}

static int sample_make(const struct host *h, struct target *t, const ctr_stats_t *prev, ctr_stats_t **ret)
{
    _cleanup_(sample_freep) struct sample *s = calloc(1, sizeof *s);
    if (!s)
        return ctr__oom("a stats sample");
    s->magic = STATS_MAGIC;
    s->id = TAKE_PTR(t->id);
    s->name = TAKE_PTR(t->name);
    s->pub = (ctr_stats_t){ .version = CTR_STATS_VERSION, .id = s->id, .name = s->name,
                            .started_ns = t->started > 0 ? (uint64_t)t->started : 0 };
    int r = read_counters(h, t, s);
    if (r < 0)
        return r;
    s->pub.timestamp_ns = (uint64_t)ctr__now_ns();
    derive(h, prev, &s->pub);
    *ret = &TAKE_PTR(s)->pub;
    return 0;
}

static int target_locked(ctr_container_t *c, struct target *t)
{
    const struct ctr__status *st = ctr__container_status(c);
    /* as podman: a paused container's cgroup is still there to read */
    if ((st->state != CTR_STATE_RUNNING && st->state != CTR_STATE_PAUSED) || st->pid <= 0)
        return ctr__err(-EBUSY, CTR_CFMT " is not running", CTR_CARG(c));
    const struct ctr__config *cfg = ctr__container_config(c);
    if (!(t->id = strdup(cfg->id)) || !(t->name = strdup(cfg->name)))
        return ctr__oom("a stats sample");
    t->pid = st->pid;
    t->started = st->started;
    return 0;
}

static int check_prev(ctr_container_t *c, const ctr_stats_t *prev)
{
    if (prev && (!sample_of(prev) || !streq(prev->id, ctr__container_config(c)->id)))
        return ctr__err(-EINVAL, "the previous sample is not one of " CTR_CFMT, CTR_CARG(c));
    return 0;
}

static int stats_one(const struct host *h, ctr_container_t *c, const ctr_stats_t *prev, ctr_stats_t **ret)
{
    _cleanup_(target_done) struct target t = { 0 };
    int r = check_prev(c, prev);
    if (r < 0 || (r = CTR__WITH_LOCK(c, target_locked(c, &t))) < 0)
        return r;
    return sample_make(h, &t, prev, ret);
}

CTR_EXPORT int ctr_container_stats(ctr_container_t *c, const ctr_stats_t *prev, ctr_stats_t **ret)
{
    CTR_ENTER();
    CTR_CHECK_ARG(c);
    CTR_CHECK_ARG(ret);
    _cleanup_(host_done) struct host h = { 0 };
    int r = host_read(&h);
    return r < 0 ? r : stats_one(&h, c, prev, ret);
}

CTR_EXPORT void ctr_stats_free(ctr_stats_t *p)
{
    if (p)
        sample_free(sample_of(p));
}

/* ---- streams ---- */

static const size_t options_size[] = { [1] = sizeof(ctr_stats_options_t) };

CTR_EXPORT int ctr_stats_options_init(ctr_stats_options_t *opts, unsigned int version)
{
    CTR_ENTER();
    CTR_CHECK_ARG(opts);
    if (version < 1 || version > CTR_STATS_OPTIONS_VERSION)
        return ctr__err(-EINVAL, "stats options version %u is not supported", version);
    memset(opts, 0, options_size[version]);
    opts->version = version;
    opts->cancel_fd = -1;
    return 0;
}

struct round {
    ctr_stats_t **cur, **prev;
    size_t n;
};

static void round_clear(ctr_stats_t **v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        ctr_stats_free(v[i]);
        v[i] = NULL;
    }
}

static void round_done(struct round *r)
{
    if (r->cur)
        round_clear(r->cur, r->n);
    if (r->prev)
        round_clear(r->prev, r->n);
    free(r->cur);
    free(r->prev);
}

/* One round: each container's sample into rd->cur (NULL for one not running, after the first). */
static int sample_round(ctr_container_t *const *cs, struct round *rd, bool first, size_t *ret_live)
{
    _cleanup_(host_done) struct host h = { 0 };
    int r = host_read(&h);
    if (r < 0)
        return r;
    size_t live = 0;
    for (size_t i = 0; i < rd->n; i++) {
        r = stats_one(&h, cs[i], rd->prev[i], &rd->cur[i]);
        if (r < 0 && (first || (r != -EBUSY && r != -ENOENT && r != -ESRCH)))
            return r;
        live += r == 0;
    }
    *ret_live = live;
    return 0;
}

/* Wait @ms, or until @fd is readable: 1 when it is. */
static int wait_cancel(int fd, unsigned ms)
{
    struct pollfd p = { .fd = fd, .events = POLLIN };
    int64_t end = ctr__now_ns() + (int64_t)ms * 1000000;
    for (;;) {
        int64_t left = (end - ctr__now_ns()) / 1000000;
        int k = poll(&p, fd >= 0 ? 1 : 0, left > 0 ? (int)left : 0);
        if (k < 0 && errno == EINTR)
            continue;
        if (k < 0)
            return ctr__err(-errno, "cannot wait on the cancel descriptor: %m");
        if (k > 0 || left <= 0)
            return k > 0;
    }
}

static int stream(ctr_container_t *const *cs, size_t n, const ctr_stats_options_t *o, ctr_stats_fn fn,
                  void *userdata)
{
    _cleanup_(round_done) struct round rd = { .cur = calloc(n, sizeof(ctr_stats_t *)),
                                              .prev = calloc(n, sizeof(ctr_stats_t *)), .n = n };
    if (!rd.cur || !rd.prev)
        return ctr__oom("the stats samples");
    unsigned ms = o->interval_ms ? o->interval_ms : 5000;
    for (bool first = true;; first = false) {
        size_t live = 0;
        int r = sample_round(cs, &rd, first, &live);
        if (r < 0)
            return r;
        if (live == 0)
            return 0;
        r = fn((const ctr_stats_t *const *)rd.cur, n, userdata);
        if (r != 0)
            return r < 0 ? r : 0;
        for (size_t i = 0; i < n; i++) {
            ctr_stats_free(rd.prev[i]);
            rd.prev[i] = rd.cur[i];
            rd.cur[i] = NULL;
        }
        if ((r = wait_cancel(o->cancel_fd, ms)) != 0)
            return r < 0 ? r : 0;
    }
}

CTR_EXPORT int ctr_container_stats_stream(ctr_container_t *const *cs, size_t n, const ctr_stats_options_t *opts,
                                          ctr_stats_fn fn, void *userdata)
{
    CTR_ENTER();
    CTR_CHECK_ARG(cs);
    CTR_CHECK_ARG(fn);
    if (n == 0)
        return ctr__err(-EINVAL, "ctr_container_stats_stream: no container");
    for (size_t i = 0; i < n; i++)
        if (!cs[i])
            return ctr__err(-EINVAL, "ctr_container_stats_stream: invalid argument: cs[%zu]", i);
    ctr_stats_options_t o = CTR_STATS_OPTIONS_INIT;
    if (opts) {
        if (opts->version < 1 || opts->version > CTR_STATS_OPTIONS_VERSION)
            return ctr__err(-EINVAL, "stats options version %u is not supported", opts->version);
        memcpy(&o, opts, options_size[opts->version]);
    }
    return stream(cs, n, &o, fn, userdata);
}
