/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The native runtime's cgroupfs manager (see cgroup.h), after runc's
 * libcontainer/cgroups/fs (v1) and fs2 (v2).
 *
 * A handle is the list of the hierarchies the calling process is in (the
 * lines of /proc/self/cgroup whose hierarchy is mounted here), each with
 * its mount point and the container's directory in it.  Resources become a
 * plan first (struct plan: which file gets which value, in runc's order),
 * checked as a whole before anything is made, then written.  Each kind of
 * resource (a "group": memory, cpu, ...) goes to the v1 hierarchy of its
 * controller when there is one, else to the unified hierarchy: on a hybrid
 * host a controller only v2 has (hugetlb on some) is still used. */
#include "native/cgroup.h"

#include <fcntl.h>
#include <linux/bpf.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "base/cgroup.h"
#include "base/error.h"
#include "base/json-util.h"
#include "base/util.h"

/* How long a v1 freeze may read FREEZING, or a v2 one wait for cgroup.events. */
#define FREEZE_TIMEOUT_MS 5000
#define RMDIR_DEPTH 16

/* One hierarchy: a v1 one (its controllers as /proc/self/cgroup lists
 * them: "cpu,cpuacct", "name=systemd") or the unified one (ctls NULL). */
struct hier {
    char *ctls;
    char *mount;
    char *dir;
};

struct ctr__native_cgroup {
    struct hier *h;
    size_t n;
    char *unified_ctls; /* the unified root's cgroup.controllers ("" none) */
    bool v2;
};

/* ---- small file helpers ---- */

static bool word_in(const char *list, const char *word, char sep)
{
    size_t n = strlen(word);
    for (const char *p = list; p && *p;) {
        const char *e = strchr(p, sep);
        size_t len = e ? (size_t)(e - p) : strlen(p);
        if (len == n && memcmp(p, word, n) == 0)
            return true;
        p = e ? e + 1 : NULL;
    }
    return false;
}

/* Read DIR/FILE, trailing blanks cut.  -errno, no message. */
static int read_at(const char *dir, const char *file, char **ret)
{
    _cleanup_free_ char *path = ctr__asprintf("%s/%s", dir, file);
    if (!path)
        return -ENOMEM;
    int r = ctr__read_file_at(AT_FDCWD, path, ret, NULL);
    if (r == 0)
        ctr__strstrip(*ret);
    return r;
}

/* One write(2) of @value to DIR/FILE, as the kernel wants cgroup files
 * written.  -errno, no message. */
static int write_raw(const char *dir, const char *file, const char *value)
{
    _cleanup_free_ char *path = ctr__asprintf("%s/%s", dir, file);
    if (!path)
        return -ENOMEM;
    _cleanup_close_ int fd = open(path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0)
        return -errno;
    return ctr__write_all(fd, value, strlen(value));
}

static int write_at(const char *dir, const char *file, const char *value)
{
    int r = write_raw(dir, file, value);
    if (r == -ENOMEM)
        return ctr__oom("a cgroup path");
    if (r < 0)
        return ctr__err(r, "cannot write \"%s\" to %s/%s: %s", value, dir, file, strerror(-r));
    return 0;
}

static bool exists_at(const char *dir, const char *file)
{
    _cleanup_free_ char *path = ctr__asprintf("%s/%s", dir, file);
    return path && access(path, F_OK) == 0;
}

static void sleep_ms(int ms)
{
    struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };
    while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
        ;
}

/* ---- the handle ---- */

static void hier_clear(struct hier *h)
{
    free(h->ctls);
    free(h->mount);
    free(h->dir);
}

void ctr__native_cgroup_free(struct ctr__native_cgroup *cg)
{
    if (!cg)
        return;
    for (size_t i = 0; i < cg->n; i++)
        hier_clear(&cg->h[i]);
    free(cg->h);
    free(cg->unified_ctls);
    free(cg);
}

static inline void cg_freep(struct ctr__native_cgroup **cg) { ctr__native_cgroup_free(*cg); }

/* The cgroupsPath cleaned: no empty or "." components, no "..", not the
 * root.  *ret "a/b" without the leading '/'. */
static int clean_path(const char *path, char **ret)
{
    if (isempty(path))
        return ctr__err(-EINVAL, "the cgroup path is empty");
    _cleanup_free_ char *copy = strdup(path);
    struct ctr__buf b = { 0 };
    if (!copy)
        return ctr__oom("a cgroup path");
    char *save = NULL;
    for (char *t = strtok_r(copy, "/", &save); t; t = strtok_r(NULL, "/", &save)) {
        if (streq(t, "."))
            continue;
        if (streq(t, "..")) {
            free(b.p);
            return ctr__err(-EINVAL, "the cgroup path %s has \"..\" in it", path);
        }
        ctr__buf_printf(&b, "%s%s", b.len ? "/" : "", t);
    }
    char *out = NULL;
    if (ctr__buf_finish(&b, &out) < 0)
        return ctr__oom("a cgroup path");
    if (!*out) {
        free(out);
        return ctr__err(-EINVAL, "the cgroup path %s names a root cgroup", path);
    }
    *ret = out;
    return 0;
}

/* The inner path and whether it is absolute, from cgroupsPath or the ID. */
static int inner_path(const char *cgroups_path, const char *id, char **ret, bool *ret_abs)
{
    if (cgroups_path) {
        *ret_abs = cgroups_path[0] == '/';
        return clean_path(cgroups_path, ret);
    }
    if (isempty(id) || strchr(id, '/') || streq(id, ".") || streq(id, ".."))
        return ctr__err(-EINVAL, "the container ID \"%s\" cannot name a cgroup", id ? id : "");
    *ret_abs = false;
    if (!(*ret = strdup(id)))
        return ctr__oom("a cgroup path");
    return 0;
}

struct open_ctx {
    const char *cgroup_text, *mounts;
    bool abs;
};

/* The hierarchy of one line of /proc/self/cgroup (ID:CONTROLLERS:PATH),
 * its dir the base the inner path goes below (the mount point for an
 * absolute path, else the caller's own cgroup).  0; 1: not mounted here;
 * -errno. */
static int hier_of_line(const struct open_ctx *o, const char *line, size_t len, struct hier *ret)
{
    const char *c1 = memchr(line, ':', len);
    const char *c2 = c1 ? memchr(c1 + 1, ':', len - (size_t)(c1 + 1 - line)) : NULL;
    if (!c2)
        return 1;
    struct hier h = { 0 };
    _cleanup_free_ char *first = NULL;
    if (c2 > c1 + 1) {
        h.ctls = strndup(c1 + 1, (size_t)(c2 - c1 - 1));
        first = h.ctls ? strndup(h.ctls, strcspn(h.ctls, ",")) : NULL;
        if (!first) {
            free(h.ctls);
            return ctr__oom("a cgroup hierarchy");
        }
    }
    int r = ctr__cgroup_mount_point(o->mounts, first, &h.mount);
    if (r == 0 && o->abs && !(h.dir = strdup(h.mount)))
        r = -ENOMEM;
    else if (r == 0 && !o->abs)
        r = ctr__cgroup_controller_dir(o->cgroup_text, o->mounts, first, &h.dir);
    if (r < 0) {
        hier_clear(&h);
        return r == -ENOENT ? 1 : ctr__oom("a cgroup hierarchy");
    }
    *ret = h;
    return 0;
}

static int hiers_collect(struct ctr__native_cgroup *cg, const struct open_ctx *o)
{
    for (const char *line = o->cgroup_text; *line;) {
        const char *nl = strchr(line, '\n');
        size_t len = nl ? (size_t)(nl - line) : strlen(line);
        struct hier h;
        int r = hier_of_line(o, line, len, &h);
        line += len + (nl != NULL);
        if (r < 0)
            return r;
        if (r > 0)
            continue;
        struct hier *nh = realloc(cg->h, (cg->n + 1) * sizeof *nh);
        if (!nh) {
            hier_clear(&h);
            return ctr__oom("the cgroup hierarchies");
        }
        cg->h = nh;
        cg->h[cg->n++] = h;
    }
    return 0;
}

static struct hier *unified_of(const struct ctr__native_cgroup *cg)
{
    for (size_t i = 0; i < cg->n; i++)
        if (!cg->h[i].ctls)
            return &cg->h[i];
    return NULL;
}

/* The v1 hierarchy of @controller, or NULL. */
static struct hier *v1_of(const struct ctr__native_cgroup *cg, const char *controller)
{
    for (size_t i = 0; i < cg->n; i++)
        if (cg->h[i].ctls && word_in(cg->h[i].ctls, controller, ','))
            return &cg->h[i];
    return NULL;
}

/* v2 only: no v1 hierarchy with a controller (a name=systemd one may be). */
static bool all_unified(const struct ctr__native_cgroup *cg)
{
    for (size_t i = 0; i < cg->n; i++)
        if (cg->h[i].ctls && strncmp(cg->h[i].ctls, "name=", 5) != 0)
            return false;
    return unified_of(cg) != NULL;
}

/* Each base joined with the inner path.  On a v2-only host a relative path
 * is below the parent of the caller's cgroup, as runc's fs2 does: the
 * caller's own one has processes, so it cannot enable controllers. */
static int hiers_join(struct ctr__native_cgroup *cg, const char *inner, bool abs)
{
    for (size_t i = 0; i < cg->n; i++) {
        struct hier *h = &cg->h[i];
        if (cg->v2 && !abs && !h->ctls && !streq(h->dir, h->mount)) {
            char *slash = strrchr(h->dir, '/');
            if (slash && (size_t)(slash - h->dir) >= strlen(h->mount))
                *slash = '\0';
        }
        char *dir = ctr__asprintf("%s/%s", h->dir, inner);
        if (!dir)
            return ctr__oom("a cgroup path");
        free(h->dir);
        h->dir = dir;
    }
    return 0;
}

int ctr__native_cgroup_open(const char *cgroups_path, const char *id, struct ctr__native_cgroup **ret)
{
    _cleanup_free_ char *inner = NULL, *mounts = NULL, *self = NULL;
    struct open_ctx o = { 0 };
    int r = inner_path(cgroups_path, id, &inner, &o.abs);
    if (r < 0)
        return r;
    if ((r = ctr__cgroup_mounts(&mounts)) < 0 || (r = ctr__read_file_at(AT_FDCWD, "/proc/self/cgroup", &self, NULL)) < 0)
        return ctr__err(r, "cannot read this process's cgroups: %s", strerror(-r));
    o.cgroup_text = self;
    o.mounts = mounts;
    _cleanup_(cg_freep) struct ctr__native_cgroup *cg = calloc(1, sizeof *cg);
    if (!cg)
        return ctr__oom("a cgroup handle");
    if ((r = hiers_collect(cg, &o)) < 0)
        return r;
    if (cg->n == 0)
        return ctr__err(-ENOENT, "no cgroup file system is mounted");
    cg->v2 = all_unified(cg);
    if ((r = hiers_join(cg, inner, o.abs)) < 0)
        return r;
    struct hier *u = unified_of(cg);
    if (!u || read_at(u->mount, "cgroup.controllers", &cg->unified_ctls) < 0)
        cg->unified_ctls = strdup("");
    if (!cg->unified_ctls)
        return ctr__oom("a cgroup handle");
    *ret = TAKE_PTR(cg);
    return 0;
}

bool ctr__native_cgroup_is_v2(const struct ctr__native_cgroup *cg) { return cg->v2; }

const char *ctr__native_cgroup_dir(const struct ctr__native_cgroup *cg, const char *controller)
{
    const struct hier *h = isempty(controller) ? unified_of(cg) : v1_of(cg, controller);
    return h ? h->dir : NULL;
}

/* ---- resources as a plan of writes ---- */

enum group { G_MEMORY, G_CPU, G_CPUSET, G_PIDS, G_IO, G_HUGETLB, G_DEVICES, G_UNIFIED, G_N };
/* The controller of each group on v1 and on v2. */
static const char *const group_v1[G_N] = { "memory", "cpu", "cpuset", "pids", "blkio", "hugetlb", "devices", NULL };
static const char *const group_v2[G_N] = { "memory", "cpu", "cpuset", "pids", "io", "hugetlb", NULL, NULL };

enum {
    F_OPTIONAL = 1,   /* a missing file is skipped */
    F_SWAP_ORDER = 2, /* v1 memory limit before memsw: runc's order of the two */
    F_RETRY = 4,      /* EINVAL tolerated, written again after the next write */
    F_SHARES = 8,     /* read back: the kernel clamps cpu.shares */
    F_BFQ = 16,       /* blkio.X missing: blkio.bfq.X */
};

struct entry {
    enum group g;
    bool v2;
    unsigned flags;
    char *file;
    char *value;
};

struct plan {
    struct entry *v;
    size_t n;
    bool v2[G_N]; /* where each group goes */
};

static void plan_clear(struct plan *p)
{
    for (size_t i = 0; i < p->n; i++) {
        free(p->v[i].file);
        free(p->v[i].value);
    }
    free(p->v);
    p->v = NULL;
    p->n = 0;
}

static int add(struct plan *p, enum group g, unsigned flags, const char *file, const char *fmt, ...) _printf_(5, 6);
static int add(struct plan *p, enum group g, unsigned flags, const char *file, const char *fmt, ...)
{
    struct entry *nv = realloc(p->v, (p->n + 1) * sizeof *nv);
    if (!nv)
        return ctr__oom("a cgroup plan");
    p->v = nv;
    struct entry *e = &p->v[p->n];
    *e = (struct entry){ g, p->v2[g], flags, strdup(file), NULL };
    va_list ap;
    va_start(ap, fmt);
    if (vasprintf(&e->value, fmt, ap) < 0)
        e->value = NULL;
    va_end(ap);
    if (!e->file || !e->value) {
        free(e->file);
        free(e->value);
        return ctr__oom("a cgroup plan");
    }
    p->n++;
    return 0;
}

/* Member @key of @o: NULL when absent or null; -EINVAL when not @type. */
static int member(json_object *o, const char *path, const char *key, json_type type, json_object **ret)
{
    json_object *m = NULL;
    *ret = NULL;
    if (!o || !json_object_object_get_ex(o, key, &m) || !m)
        return 0;
    if (!json_object_is_type(m, type))
        return ctr__err(-EINVAL, "linux.resources%s.%s is not %s", path, key,
                        type == json_type_int ? "an integer" : type == json_type_string ? "a string"
                        : type == json_type_array ? "an array" : type == json_type_boolean ? "a boolean" : "an object");
    *ret = m;
    return 0;
}

/* An integer member, 0 when absent; *present (may be NULL) whether it is there. */
static int get_int(json_object *o, const char *path, const char *key, int64_t *v, bool *present)
{
    json_object *m;
    int r = member(o, path, key, json_type_int, &m);
    *v = m ? json_object_get_int64(m) : 0;
    if (present)
        *present = m != NULL;
    return r;
}

static int get_str(json_object *o, const char *path, const char *key, const char **v)
{
    json_object *m;
    int r = member(o, path, key, json_type_string, &m);
    *v = m ? json_object_get_string(m) : NULL;
    return r;
}

/* 0 unset, -1 "max", else the number (runc's numToStr). */
static const char *num(int64_t v, char buf[static 24])
{
    if (v == 0)
        return NULL;
    if (v == -1)
        return "max";
    snprintf(buf, 24, "%lld", (long long)v);
    return buf;
}

/* runc's memory+swap to v2's swap alone (ConvertMemorySwapToCgroupV2Value). */
static int swap_v2(int64_t swap, int64_t memory, int64_t *ret)
{
    if (memory == -1 && swap == 0)
        *ret = -1;
    else if (swap == -1 || swap == 0)
        *ret = swap;
    else if (memory == 0 || memory == -1)
        return ctr__err(-EINVAL, "linux.resources.memory.swap: unable to set a swap limit without a memory limit");
    else if (memory < 0)
        return ctr__err(-EINVAL, "linux.resources.memory.limit: invalid value %lld", (long long)memory);
    else if (swap < memory)
        return ctr__err(-EINVAL, "linux.resources.memory.swap: memory+swap limit %lld should be >= the memory limit %lld",
                        (long long)swap, (long long)memory);
    else
        *ret = swap - memory;
    return 0;
}

static int plan_memory_v2(struct plan *p, int64_t limit, int64_t swap, int64_t reservation)
{
    int64_t sw = 0;
    char b[24];
    int r = swap_v2(swap, limit, &sw);
    if (r < 0)
        return r;
    const char *s = num(sw, b);
    if (!s && sw == 0 && swap > 0)
        s = "0"; /* memory and memory+swap the same: no swap */
    if (s && (r = add(p, G_MEMORY, streq(s, "max") || streq(s, "0") ? F_OPTIONAL : 0, "memory.swap.max", "%s", s)) < 0)
        return r;
    if ((s = num(limit, b)) && (r = add(p, G_MEMORY, 0, "memory.max", "%s", s)) < 0)
        return r;
    if ((s = num(reservation, b)) && (r = add(p, G_MEMORY, 0, "memory.low", "%s", s)) < 0)
        return r;
    return 0;
}

static int plan_memory_v1(struct plan *p, int64_t limit, int64_t swap, int64_t reservation)
{
    int r = 0;
    unsigned swap_flags = 0;
    if (limit == -1 && swap == 0) {
        swap = -1; /* unlimited memory: unlimited swap too, where the kernel accounts swap */
        swap_flags = F_OPTIONAL;
    }
    if (limit && (r = add(p, G_MEMORY, swap ? F_SWAP_ORDER : 0, "memory.limit_in_bytes", "%lld", (long long)limit)) < 0)
        return r;
    if (swap && (r = add(p, G_MEMORY, swap_flags, "memory.memsw.limit_in_bytes", "%lld", (long long)swap)) < 0)
        return r;
    if (reservation && (r = add(p, G_MEMORY, 0, "memory.soft_limit_in_bytes", "%lld", (long long)reservation)) < 0)
        return r;
    return 0;
}

static int plan_memory(struct plan *p, json_object *res)
{
    json_object *m, *oom;
    int64_t limit, swap, reservation, swappiness;
    bool has_swappiness;
    int r;
    if ((r = member(res, "", "memory", json_type_object, &m)) < 0 || !m)
        return r;
    if ((r = get_int(m, ".memory", "limit", &limit, NULL)) < 0 || (r = get_int(m, ".memory", "swap", &swap, NULL)) < 0 ||
        (r = get_int(m, ".memory", "reservation", &reservation, NULL)) < 0 ||
        (r = get_int(m, ".memory", "swappiness", &swappiness, &has_swappiness)) < 0 ||
        (r = member(m, ".memory", "disableOOMKiller", json_type_boolean, &oom)) < 0)
        return r;
    if (p->v2[G_MEMORY]) /* swappiness and the OOM killer: v1 only, ignored as runc's fs2 does */
        return plan_memory_v2(p, limit, swap, reservation);
    if ((r = plan_memory_v1(p, limit, swap, reservation)) < 0)
        return r;
    if (oom && json_object_get_boolean(oom) && (r = add(p, G_MEMORY, 0, "memory.oom_control", "1")) < 0)
        return r;
    if (has_swappiness && swappiness != -1) {
        if (swappiness < 0 || swappiness > 100)
            return ctr__err(-EINVAL, "linux.resources.memory.swappiness: invalid value %lld (valid range is 0-100)",
                            (long long)swappiness);
        if ((r = add(p, G_MEMORY, 0, "memory.swappiness", "%lld", (long long)swappiness)) < 0)
            return r;
    }
    return 0;
}

uint64_t ctr__native_cgroup_v2_cpu_weight(uint64_t shares)
{
    if (shares == 0)
        return 0;
    if (shares < 2)
        shares = 2; /* the kernel's range of shares, so that the weight is in 1-10000 */
    if (shares > 262144)
        shares = 262144;
    return 1 + ((shares - 2) * 9999) / 262142;
}

struct cpu {
    int64_t shares, quota, period, burst, rt_runtime, rt_period, idle;
    bool has_burst, has_idle;
};

static int cpu_read(json_object *c, struct cpu *v)
{
    int r;
    if ((r = get_int(c, ".cpu", "shares", &v->shares, NULL)) < 0 || (r = get_int(c, ".cpu", "quota", &v->quota, NULL)) < 0 ||
        (r = get_int(c, ".cpu", "period", &v->period, NULL)) < 0 ||
        (r = get_int(c, ".cpu", "burst", &v->burst, &v->has_burst)) < 0 ||
        (r = get_int(c, ".cpu", "realtimeRuntime", &v->rt_runtime, NULL)) < 0 ||
        (r = get_int(c, ".cpu", "realtimePeriod", &v->rt_period, NULL)) < 0 ||
        (r = get_int(c, ".cpu", "idle", &v->idle, &v->has_idle)) < 0)
        return r;
    if (v->shares < 0 || v->period < 0 || v->rt_period < 0)
        return ctr__err(-EINVAL, "linux.resources.cpu: shares, period and realtimePeriod cannot be negative");
    return 0;
}

static int plan_cpu_v2(struct plan *p, const struct cpu *v)
{
    int r = 0;
    if (v->rt_runtime || v->rt_period)
        return ctr__err(-EINVAL, "linux.resources.cpu: realtimeRuntime and realtimePeriod are not supported on cgroup v2");
    if (v->shares &&
        (r = add(p, G_CPU, 0, "cpu.weight", "%llu", (unsigned long long)ctr__native_cgroup_v2_cpu_weight((uint64_t)v->shares))) < 0)
        return r;
    if (v->has_idle && (r = add(p, G_CPU, 0, "cpu.idle", "%lld", (long long)v->idle)) < 0)
        return r;
    if (v->quota || v->period) {
        char q[24] = "max", per[32] = "";
        if (v->quota > 0)
            snprintf(q, sizeof q, "%lld", (long long)v->quota);
        if (v->period)
            snprintf(per, sizeof per, " %lld", (long long)v->period);
        if ((r = add(p, G_CPU, 0, "cpu.max", "%s%s", q, per)) < 0)
            return r;
    }
    if (v->has_burst && (r = add(p, G_CPU, 0, "cpu.max.burst", "%lld", (long long)v->burst)) < 0)
        return r;
    return 0;
}

static int plan_cpu_v1(struct plan *p, const struct cpu *v)
{
    int r = 0;
    if (v->shares && (r = add(p, G_CPU, F_SHARES, "cpu.shares", "%lld", (long long)v->shares)) < 0)
        return r;
    /* A period below the current one can be refused until the quota is set. */
    if (v->period && (r = add(p, G_CPU, v->quota ? F_RETRY : 0, "cpu.cfs_period_us", "%lld", (long long)v->period)) < 0)
        return r;
    if (v->quota && (r = add(p, G_CPU, 0, "cpu.cfs_quota_us", "%lld", (long long)v->quota)) < 0)
        return r;
    if (v->has_burst && (r = add(p, G_CPU, 0, "cpu.cfs_burst_us", "%lld", (long long)v->burst)) < 0)
        return r;
    if (v->has_idle && (r = add(p, G_CPU, 0, "cpu.idle", "%lld", (long long)v->idle)) < 0)
        return r;
    if (v->rt_period &&
        (r = add(p, G_CPU, v->rt_runtime ? F_RETRY : 0, "cpu.rt_period_us", "%lld", (long long)v->rt_period)) < 0)
        return r;
    if (v->rt_runtime && (r = add(p, G_CPU, 0, "cpu.rt_runtime_us", "%lld", (long long)v->rt_runtime)) < 0)
        return r;
    return 0;
}

static int plan_cpu(struct plan *p, json_object *res)
{
    json_object *c;
    struct cpu v = { 0 };
    const char *cpus, *mems;
    int r;
    if ((r = member(res, "", "cpu", json_type_object, &c)) < 0 || !c)
        return r;
    if ((r = cpu_read(c, &v)) < 0 || (r = get_str(c, ".cpu", "cpus", &cpus)) < 0 ||
        (r = get_str(c, ".cpu", "mems", &mems)) < 0)
        return r;
    if ((r = p->v2[G_CPU] ? plan_cpu_v2(p, &v) : plan_cpu_v1(p, &v)) < 0)
        return r;
    if (!isempty(cpus) && (r = add(p, G_CPUSET, 0, "cpuset.cpus", "%s", cpus)) < 0)
        return r;
    if (!isempty(mems) && (r = add(p, G_CPUSET, 0, "cpuset.mems", "%s", mems)) < 0)
        return r;
    return 0;
}

static int plan_pids(struct plan *p, json_object *res)
{
    json_object *o;
    int64_t limit;
    int r;
    if ((r = member(res, "", "pids", json_type_object, &o)) < 0 || !o || (r = get_int(o, ".pids", "limit", &limit, NULL)) < 0)
        return r;
    if (limit > 0)
        return add(p, G_PIDS, 0, "pids.max", "%lld", (long long)limit);
    return add(p, G_PIDS, 0, "pids.max", "max");
}

/* runc's blkio weight (10-1000) to io.weight (1-10000). */
static int64_t io_weight(int64_t w) { return 1 + (w - 10) * 9999 / 990; }

/* The major and minor of a device entry of blockIO. */
static int blk_device(json_object *d, const char *path, int64_t *maj, int64_t *min)
{
    bool has_maj, has_min;
    int r;
    if (!json_object_is_type(d, json_type_object))
        return ctr__err(-EINVAL, "linux.resources.blockIO.%s has an entry that is not an object", path);
    if ((r = get_int(d, ".blockIO", "major", maj, &has_maj)) < 0 || (r = get_int(d, ".blockIO", "minor", min, &has_min)) < 0)
        return r;
    if (!has_maj || !has_min || *maj < 0 || *min < 0)
        return ctr__err(-EINVAL, "linux.resources.blockIO.%s has an entry without a valid major and minor", path);
    return 0;
}

static int plan_weight_devices(struct plan *p, json_object *blk)
{
    json_object *a;
    int r = member(blk, ".blockIO", "weightDevice", json_type_array, &a);
    for (size_t i = 0; r == 0 && a && i < json_object_array_length(a); i++) {
        json_object *d = json_object_array_get_idx(a, i);
        int64_t maj, min, w, lw;
        if ((r = blk_device(d, "weightDevice", &maj, &min)) < 0 || (r = get_int(d, ".blockIO", "weight", &w, NULL)) < 0 ||
            (r = get_int(d, ".blockIO", "leafWeight", &lw, NULL)) < 0)
            return r;
        if (p->v2[G_IO]) {
            if (w)
                r = add(p, G_IO, 0, "io.weight", "%lld:%lld %lld", (long long)maj, (long long)min, (long long)io_weight(w));
            continue; /* no leaf weights on v2 */
        }
        if (w)
            r = add(p, G_IO, F_BFQ, "blkio.weight_device", "%lld:%lld %lld", (long long)maj, (long long)min, (long long)w);
        if (r == 0 && lw)
            r = add(p, G_IO, 0, "blkio.leaf_weight_device", "%lld:%lld %lld", (long long)maj, (long long)min, (long long)lw);
    }
    return r;
}

static int plan_throttle(struct plan *p, json_object *blk)
{
    static const char *const keys[][3] = {
        { "throttleReadBpsDevice", "blkio.throttle.read_bps_device", "rbps" },
        { "throttleWriteBpsDevice", "blkio.throttle.write_bps_device", "wbps" },
        { "throttleReadIOPSDevice", "blkio.throttle.read_iops_device", "riops" },
        { "throttleWriteIOPSDevice", "blkio.throttle.write_iops_device", "wiops" },
    };
    for (size_t k = 0; k < ARRAY_SIZE(keys); k++) {
        json_object *a;
        int r = member(blk, ".blockIO", keys[k][0], json_type_array, &a);
        for (size_t i = 0; r == 0 && a && i < json_object_array_length(a); i++) {
            json_object *d = json_object_array_get_idx(a, i);
            int64_t maj, min, rate;
            if ((r = blk_device(d, keys[k][0], &maj, &min)) < 0 || (r = get_int(d, ".blockIO", "rate", &rate, NULL)) < 0)
                return r;
            if (p->v2[G_IO])
                r = add(p, G_IO, 0, "io.max", "%lld:%lld %s=%lld", (long long)maj, (long long)min, keys[k][2], (long long)rate);
            else
                r = add(p, G_IO, 0, keys[k][1], "%lld:%lld %lld", (long long)maj, (long long)min, (long long)rate);
        }
        if (r < 0)
            return r;
    }
    return 0;
}

static int plan_io(struct plan *p, json_object *res)
{
    json_object *blk;
    int64_t w, lw;
    int r;
    if ((r = member(res, "", "blockIO", json_type_object, &blk)) < 0 || !blk)
        return r;
    if ((r = get_int(blk, ".blockIO", "weight", &w, NULL)) < 0 || (r = get_int(blk, ".blockIO", "leafWeight", &lw, NULL)) < 0)
        return r;
    if (w && p->v2[G_IO])
        r = add(p, G_IO, 0, "io.weight", "%lld", (long long)io_weight(w));
    else if (w)
        r = add(p, G_IO, F_BFQ, "blkio.weight", "%lld", (long long)w);
    if (r == 0 && lw && !p->v2[G_IO])
        r = add(p, G_IO, 0, "blkio.leaf_weight", "%lld", (long long)lw);
    if (r < 0 || (r = plan_weight_devices(p, blk)) < 0)
        return r;
    return plan_throttle(p, blk);
}

static int plan_hugetlb(struct plan *p, json_object *res)
{
    json_object *a;
    int r = member(res, "", "hugepageLimits", json_type_array, &a);
    for (size_t i = 0; r == 0 && a && i < json_object_array_length(a); i++) {
        json_object *h = json_object_array_get_idx(a, i);
        const char *size = NULL;
        int64_t limit;
        if (!json_object_is_type(h, json_type_object))
            return ctr__err(-EINVAL, "linux.resources.hugepageLimits has an entry that is not an object");
        if ((r = get_str(h, ".hugepageLimits", "pageSize", &size)) < 0 ||
            (r = get_int(h, ".hugepageLimits", "limit", &limit, NULL)) < 0)
            return r;
        if (isempty(size) || size[strspn(size, "0123456789KMGTPkmgtpBb")])
            return ctr__err(-EINVAL, "linux.resources.hugepageLimits: invalid page size \"%s\"", size ? size : "");
        bool v2 = p->v2[G_HUGETLB];
        char file[96], rsvd[96];
        snprintf(file, sizeof file, v2 ? "hugetlb.%s.max" : "hugetlb.%s.limit_in_bytes", size);
        snprintf(rsvd, sizeof rsvd, v2 ? "hugetlb.%s.rsvd.max" : "hugetlb.%s.rsvd.limit_in_bytes", size);
        if ((r = add(p, G_HUGETLB, 0, file, "%lld", (long long)limit)) == 0) /* and the reservations, where the kernel has them */
            r = add(p, G_HUGETLB, F_OPTIONAL, rsvd, "%lld", (long long)limit);
    }
    return r;
}

/* One device rule as devices.allow and devices.deny take it: "c 1:3 rwm". */
static int device_rule(json_object *d, char *buf, size_t size, bool *allow)
{
    json_object *a;
    const char *type = NULL, *access = NULL;
    int64_t maj, min;
    bool has_maj, has_min;
    int r;
    if (!json_object_is_type(d, json_type_object))
        return ctr__err(-EINVAL, "linux.resources.devices has an entry that is not an object");
    if ((r = member(d, ".devices", "allow", json_type_boolean, &a)) < 0 || (r = get_str(d, ".devices", "type", &type)) < 0 ||
        (r = get_str(d, ".devices", "access", &access)) < 0 || (r = get_int(d, ".devices", "major", &maj, &has_maj)) < 0 ||
        (r = get_int(d, ".devices", "minor", &min, &has_min)) < 0)
        return r;
    if (!a)
        return ctr__err(-EINVAL, "linux.resources.devices has an entry without \"allow\"");
    type = isempty(type) ? "a" : type;
    access = isempty(access) ? "rwm" : access;
    if (strlen(type) != 1 || !strchr("abc", type[0]) || access[strspn(access, "rwm")])
        return ctr__err(-EINVAL, "linux.resources.devices: invalid rule (type \"%s\", access \"%s\")", type, access);
    char smaj[24] = "*", smin[24] = "*";
    if (has_maj && maj >= 0)
        snprintf(smaj, sizeof smaj, "%lld", (long long)maj);
    if (has_min && min >= 0)
        snprintf(smin, sizeof smin, "%lld", (long long)min);
    snprintf(buf, size, "%s %s:%s %s", type, smaj, smin, access);
    *allow = json_object_get_boolean(a);
    return 0;
}

/* Everything denied, then the rules in their order: v1 devices.deny and
 * devices.allow; v2 the same rules as the entries "bpf:deny" and
 * "bpf:allow" that become one device program (see "v2 device rules"). */
static int plan_devices(struct plan *p, json_object *res)
{
    json_object *a;
    int r = member(res, "", "devices", json_type_array, &a);
    if (r < 0 || !a)
        return r;
    bool v2 = p->v2[G_DEVICES];
    if ((r = add(p, G_DEVICES, 0, v2 ? "bpf:deny" : "devices.deny", v2 ? "a *:* rwm" : "a")) < 0)
        return r;
    for (size_t i = 0; i < json_object_array_length(a); i++) {
        char rule[64];
        bool allow = false;
        if ((r = device_rule(json_object_array_get_idx(a, i), rule, sizeof rule, &allow)) < 0)
            return r;
        const char *file = v2 ? (allow ? "bpf:allow" : "bpf:deny") : allow ? "devices.allow" : "devices.deny";
        if ((r = add(p, G_DEVICES, 0, file, "%s", rule)) < 0)
            return r;
    }
    return 0;
}

/* unified: each key a file of the unified directory, written last. */
static int plan_unified(struct plan *p, json_object *res)
{
    json_object *u;
    int r = member(res, "", "unified", json_type_object, &u);
    if (r < 0 || !u)
        return r;
    json_object_object_foreach(u, key, val)
    {
        if (!*key || key[0] == '.' || strchr(key, '/') || !strchr(key, '.'))
            return ctr__err(-EINVAL, "linux.resources.unified: invalid file name \"%s\"", key);
        if (!json_object_is_type(val, json_type_string))
            return ctr__err(-EINVAL, "linux.resources.unified.%s is not a string", key);
        if ((r = add(p, G_UNIFIED, 0, key, "%s", json_object_get_string(val))) < 0)
            return r;
    }
    return 0;
}

/* The plan of @resources, each group where p->v2 says. */
static int plan_build(struct plan *p, json_object *res)
{
    static int (*const steps[])(struct plan *, json_object *) = {
        plan_memory, plan_cpu, plan_pids, plan_io, plan_hugetlb, plan_devices, plan_unified,
    };
    p->v2[G_UNIFIED] = true;
    if (res && !json_object_is_type(res, json_type_object))
        return ctr__err(-EINVAL, "linux.resources is not an object");
    for (size_t i = 0; res && i < ARRAY_SIZE(steps); i++) {
        int r = steps[i](p, res);
        if (r < 0) {
            plan_clear(p);
            return r;
        }
    }
    return 0;
}

/* The plan as "FILE=VALUE" (v2) or "CONTROLLER/FILE=VALUE" (v1) strings. */
static int plan_files(json_object *res, bool v2, char ***ret)
{
    struct plan p = { 0 };
    for (size_t g = 0; g < G_N; g++)
        p.v2[g] = v2;
    int r = plan_build(&p, res);
    if (r < 0)
        return r;
    _cleanup_strv_ char **v = ctr__strv_copy(NULL);
    for (size_t i = 0; v && r == 0 && i < p.n; i++) {
        const struct entry *e = &p.v[i];
        _cleanup_free_ char *s = e->v2 ? ctr__asprintf("%s=%s", e->file, e->value)
                                       : ctr__asprintf("%s/%s=%s", group_v1[e->g], e->file, e->value);
        r = s ? ctr__strv_push(&v, s) : -ENOMEM;
    }
    plan_clear(&p);
    if (!v || r < 0)
        return ctr__oom("a cgroup plan");
    *ret = TAKE_PTR(v);
    return 0;
}

int ctr__native_cgroup_v2_files(json_object *resources, char ***ret) { return plan_files(resources, true, ret); }

int ctr__native_cgroup_v1_files(json_object *resources, char ***ret) { return plan_files(resources, false, ret); }

/* ---- writing the plan ---- */

static void plan_clearp(struct plan *p) { plan_clear(p); }

/* Where each group goes on this host: v2 on a v2 host; on another, v1
 * unless no v1 hierarchy has the controller and the unified one has. */
static void plan_targets(const struct ctr__native_cgroup *cg, struct plan *p)
{
    bool unified = unified_of(cg) != NULL;
    for (size_t g = 0; g < G_N; g++) {
        bool v2_has = unified && group_v2[g] && word_in(cg->unified_ctls, group_v2[g], ' ');
        p->v2[g] = cg->v2 || g == G_UNIFIED || (!(group_v1[g] && v1_of(cg, group_v1[g])) && v2_has);
    }
}

static const char *entry_dir(const struct ctr__native_cgroup *cg, const struct entry *e)
{
    const struct hier *h = e->v2 ? unified_of(cg) : v1_of(cg, group_v1[e->g]);
    if (h)
        return h->dir;
    if (e->v2)
        ctr__err(-ENOENT, "cannot write \"%s\" to %s: no unified cgroup hierarchy is mounted", e->value, e->file);
    else
        ctr__err(-ENOENT, "cannot write \"%s\" to %s: no cgroup hierarchy of the %s controller is mounted", e->value,
                 e->file, group_v1[e->g]);
    return NULL;
}

/* The kernel keeps cpu.shares in its range: a value it changed is refused. */
static int shares_check(const char *dir, const struct entry *e)
{
    _cleanup_free_ char *got = NULL;
    int r = read_at(dir, e->file, &got);
    if (r < 0)
        return ctr__err(r, "cannot read %s/%s: %s", dir, e->file, strerror(-r));
    long long want = strtoll(e->value, NULL, 10), have = strtoll(got, NULL, 10);
    if (have != want)
        return ctr__err(-EINVAL, "cannot write \"%s\" to %s/%s: the %s allowed cpu-shares is %lld", e->value, dir,
                        e->file, have < want ? "maximum" : "minimum", have);
    return 0;
}

static int write_entry(const struct ctr__native_cgroup *cg, const struct entry *e)
{
    const char *dir = entry_dir(cg, e);
    if (!dir)
        return -ENOENT;
    int r = write_raw(dir, e->file, e->value);
    if (r == -ENOENT && (e->flags & F_OPTIONAL))
        return 0;
    if (r == -ENOENT && (e->flags & F_BFQ)) {
        _cleanup_free_ char *bfq = ctr__asprintf("blkio.bfq.%s", e->file + strlen("blkio."));
        if (!bfq)
            return ctr__oom("a cgroup path");
        if (exists_at(dir, bfq))
            return write_at(dir, bfq, e->value);
    }
    if (r == -ENOMEM)
        return ctr__oom("a cgroup path");
    if (r < 0)
        return ctr__err(r, "cannot write \"%s\" to %s/%s: %s", e->value, dir, e->file, strerror(-r));
    return (e->flags & F_SHARES) ? shares_check(dir, e) : 0;
}

/* runc's order of a v1 memory limit and memory+swap limit: memsw first
 * when it grows past the current limit (or is unlimited), else the limit
 * first, so that the kernel never sees memsw below the limit. */
static bool swap_first(const struct ctr__native_cgroup *cg, const struct entry *limit, const struct entry *swap)
{
    const char *dir = entry_dir(cg, limit);
    _cleanup_free_ char *cur = NULL;
    if (streq(swap->value, "-1"))
        return true;
    if (!dir || read_at(dir, limit->file, &cur) < 0)
        return false;
    return strtoull(cur, NULL, 10) < strtoull(swap->value, NULL, 10);
}

/* ---- v1 device rules ----
 *
 * Written as a change from what devices.list has now, as runc's device
 * emulator does.  The rules before the last one of type 'a' (all devices:
 * the plan's first "a" at least) no longer count; when that one denies
 * everything and the cgroup denies by default already, it is not written
 * (the kernel refuses "a" to a cgroup with children, and a running
 * container would lose every device for a moment): the exceptions there
 * that the new allow rules lack are denied instead, then the rules after
 * it are written in their order. */
static bool allowed_by(const struct entry *e, size_t n, const char *rule)
{
    for (size_t i = 0; i < n; i++)
        if (streq(e[i].file, "devices.allow") && streq(e[i].value, rule))
            return true;
    return false;
}

static int devices_v1(const struct ctr__native_cgroup *cg, const struct entry *e, size_t n)
{
    const char *dir = entry_dir(cg, e);
    _cleanup_free_ char *list = NULL;
    if (!dir)
        return -ENOENT;
    int r = read_at(dir, "devices.list", &list);
    if (r < 0)
        return ctr__err(r, "cannot read %s/devices.list: %s", dir, strerror(-r));
    size_t base = 0;
    for (size_t i = 0; i < n; i++)
        if (e[i].value[0] == 'a')
            base = i;
    size_t from = base;
    if (streq(e[base].file, "devices.deny") && !word_in(list, "a *:* rwm", '\n')) {
        char *save = NULL;
        for (char *t = strtok_r(list, "\n", &save); t; t = strtok_r(NULL, "\n", &save))
            if (*t && !allowed_by(e + base + 1, n - base - 1, t) && (r = write_at(dir, "devices.deny", t)) < 0)
                return r;
        from = base + 1;
    }
    for (size_t i = from; i < n; i++)
        if ((r = write_entry(cg, &e[i])) < 0)
            return r;
    return 0;
}

/* ---- v2 device rules: a BPF_PROG_TYPE_CGROUP_DEVICE program ----
 *
 * The rules are tried from the last to the first and the first that
 * matches decides, as runc's device filter does (a later rule overrides
 * an earlier one); a rule of type 'a' matches everything, so the rules
 * before it are left out (the verifier refuses unreachable code).  A rule
 * matches when the type, the major and minor (unless "*") match and the
 * access asked for is within the rule's. */

#define MAX_DEVICE_RULES 256
#define INSNS_PER_RULE 8
#define INSN(c, d, s, o, i) ((struct bpf_insn){ .code = (c), .dst_reg = (d), .src_reg = (s), .off = (o), .imm = (i) })

struct dev_rule {
    char type;
    long long major, minor; /* -1: any */
    unsigned access;        /* BPF_DEVCG_ACC_* */
    bool allow;
};

struct prog {
    struct bpf_insn v[MAX_DEVICE_RULES * INSNS_PER_RULE + 8];
    size_t n;
};

/* The rule of a plan entry ("bpf:allow" = "c 1:3 rwm"). */
static int rule_of(const struct entry *e, struct dev_rule *r)
{
    char maj[24], min[24], acc[8];
    if (sscanf(e->value, "%c %23[^:]:%23s %7s", &r->type, maj, min, acc) != 4)
        return ctr__err(-EINVAL, "linux.resources.devices: invalid rule \"%s\"", e->value);
    r->major = streq(maj, "*") ? -1 : strtoll(maj, NULL, 10);
    r->minor = streq(min, "*") ? -1 : strtoll(min, NULL, 10);
    r->access = (strchr(acc, 'm') ? BPF_DEVCG_ACC_MKNOD : 0) | (strchr(acc, 'r') ? BPF_DEVCG_ACC_READ : 0) |
                (strchr(acc, 'w') ? BPF_DEVCG_ACC_WRITE : 0);
    r->allow = streq(e->file, "bpf:allow");
    return 0;
}

/* One rule: its checks, each a jump past it when it fails, then the verdict. */
static void emit_rule(struct prog *p, const struct dev_rule *r)
{
    const unsigned all = BPF_DEVCG_ACC_MKNOD | BPF_DEVCG_ACC_READ | BPF_DEVCG_ACC_WRITE;
    size_t jumps[4], nj = 0;
    if (r->type != 'a') {
        jumps[nj++] = p->n;
        p->v[p->n++] = INSN(BPF_JMP | BPF_JNE | BPF_K, BPF_REG_2, 0, 0, r->type == 'b' ? BPF_DEVCG_DEV_BLOCK : BPF_DEVCG_DEV_CHAR);
        if ((r->access & all) != all) {
            p->v[p->n++] = INSN(BPF_ALU | BPF_MOV | BPF_X, BPF_REG_1, BPF_REG_3, 0, 0);
            p->v[p->n++] = INSN(BPF_ALU | BPF_AND | BPF_K, BPF_REG_1, 0, 0, (int32_t)(~r->access & all));
            jumps[nj++] = p->n;
            p->v[p->n++] = INSN(BPF_JMP | BPF_JNE | BPF_K, BPF_REG_1, 0, 0, 0);
        }
        if (r->major >= 0) {
            jumps[nj++] = p->n;
            p->v[p->n++] = INSN(BPF_JMP | BPF_JNE | BPF_K, BPF_REG_4, 0, 0, (int32_t)r->major);
        }
        if (r->minor >= 0) {
            jumps[nj++] = p->n;
            p->v[p->n++] = INSN(BPF_JMP | BPF_JNE | BPF_K, BPF_REG_5, 0, 0, (int32_t)r->minor);
        }
    }
    p->v[p->n++] = INSN(BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_0, 0, 0, r->allow);
    p->v[p->n++] = INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
    for (size_t j = 0; j < nj; j++)
        p->v[jumps[j]].off = (int16_t)(p->n - jumps[j] - 1);
}

/* The program of the entries e[0..n): r2 the device type, r3 the access,
 * r4 the major, r5 the minor; nothing matched: denied. */
static int prog_build(const struct entry *e, size_t n, struct prog *p)
{
    if (n > MAX_DEVICE_RULES)
        return ctr__err(-EINVAL, "linux.resources.devices: more than %d rules", MAX_DEVICE_RULES);
    p->n = 0;
    p->v[p->n++] = INSN(BPF_LDX | BPF_MEM | BPF_W, BPF_REG_2, BPF_REG_1, 0, 0);
    p->v[p->n++] = INSN(BPF_ALU | BPF_AND | BPF_K, BPF_REG_2, 0, 0, 0xffff);
    p->v[p->n++] = INSN(BPF_LDX | BPF_MEM | BPF_W, BPF_REG_3, BPF_REG_1, 0, 0);
    p->v[p->n++] = INSN(BPF_ALU | BPF_RSH | BPF_K, BPF_REG_3, 0, 0, 16);
    p->v[p->n++] = INSN(BPF_LDX | BPF_MEM | BPF_W, BPF_REG_4, BPF_REG_1, 4, 0);
    p->v[p->n++] = INSN(BPF_LDX | BPF_MEM | BPF_W, BPF_REG_5, BPF_REG_1, 8, 0);
    for (size_t i = n; i > 0; i--) {
        struct dev_rule r;
        int rc = rule_of(&e[i - 1], &r);
        if (rc < 0)
            return rc;
        emit_rule(p, &r);
        if (r.type == 'a')
            return 0; /* what comes before can no longer match */
    }
    p->v[p->n++] = INSN(BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_0, 0, 0, 0);
    p->v[p->n++] = INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
    return 0;
}

static int sys_bpf(int cmd, union bpf_attr *a) { return (int)syscall(SYS_bpf, cmd, a, sizeof *a); }

static int prog_load(const struct prog *p)
{
    union bpf_attr a;
    memset(&a, 0, sizeof a);
    a.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
    a.insns = (uint64_t)(uintptr_t)p->v;
    a.insn_cnt = (uint32_t)p->n;
    a.license = (uint64_t)(uintptr_t)"Apache";
    int fd = sys_bpf(BPF_PROG_LOAD, &a);
    return fd < 0 ? -errno : fd;
}

/* The programs attached to @cgfd before ours are detached once ours is: no
 * moment without one. */
static void detach_others(int cgfd, const uint32_t *ids, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++) {
        union bpf_attr a;
        memset(&a, 0, sizeof a);
        a.prog_id = ids[i];
        _cleanup_close_ int fd = sys_bpf(BPF_PROG_GET_FD_BY_ID, &a);
        if (fd < 0)
            continue;
        memset(&a, 0, sizeof a);
        a.target_fd = (uint32_t)cgfd;
        a.attach_bpf_fd = (uint32_t)fd;
        a.attach_type = BPF_CGROUP_DEVICE;
        (void)sys_bpf(BPF_PROG_DETACH, &a);
    }
}

static int prog_attach(const char *dir, int progfd)
{
    _cleanup_close_ int cgfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (cgfd < 0)
        return ctr__err(-errno, "cannot open the cgroup %s: %m", dir);
    uint32_t ids[64];
    union bpf_attr a;
    memset(&a, 0, sizeof a);
    a.query.target_fd = (uint32_t)cgfd;
    a.query.attach_type = BPF_CGROUP_DEVICE;
    a.query.prog_ids = (uint64_t)(uintptr_t)ids;
    a.query.prog_cnt = ARRAY_SIZE(ids);
    uint32_t old = sys_bpf(BPF_PROG_QUERY, &a) == 0 ? a.query.prog_cnt : 0;
    memset(&a, 0, sizeof a);
    a.target_fd = (uint32_t)cgfd;
    a.attach_bpf_fd = (uint32_t)progfd;
    a.attach_type = BPF_CGROUP_DEVICE;
    a.attach_flags = BPF_F_ALLOW_MULTI;
    if (sys_bpf(BPF_PROG_ATTACH, &a) < 0)
        return ctr__err(-errno, "cannot attach the device program to the cgroup %s: %m", dir);
    detach_others(cgfd, ids, old < ARRAY_SIZE(ids) ? old : ARRAY_SIZE(ids));
    return 0;
}

/* The device program of the entries e[0..n) attached to @dir. */
static int devices_v2(const char *dir, const struct entry *e, size_t n)
{
    _cleanup_free_ struct prog *p = malloc(sizeof *p);
    if (!p)
        return ctr__oom("a device program");
    int r = prog_build(e, n, p);
    if (r < 0)
        return r;
    _cleanup_close_ int fd = prog_load(p);
    if (fd < 0)
        return ctr__err(fd, "cannot load the device program (%zu rules) for %s: %s", n, dir, strerror(-fd));
    return prog_attach(dir, fd);
}

static int plan_apply(const struct ctr__native_cgroup *cg, const struct plan *p)
{
    for (size_t i = 0; i < p->n; i++) {
        const struct entry *e = &p->v[i], *next = i + 1 < p->n ? &p->v[i + 1] : NULL;
        int r;
        if ((e->flags & F_SWAP_ORDER) && next && swap_first(cg, e, next)) {
            if ((r = write_entry(cg, next)) < 0 || (r = write_entry(cg, e)) < 0)
                return r;
            i++;
            continue;
        }
        if (e->g == G_DEVICES) { /* the rules together */
            size_t n = 1;
            while (i + n < p->n && p->v[i + n].g == G_DEVICES)
                n++;
            const char *dir = e->v2 ? entry_dir(cg, e) : NULL;
            if (e->v2 && !dir)
                return -ENOENT;
            if ((r = e->v2 ? devices_v2(dir, e, n) : devices_v1(cg, e, n)) < 0)
                return r;
            i += n - 1;
            continue;
        }
        r = write_entry(cg, e);
        if (r == -EINVAL && (e->flags & F_RETRY) && next) {
            /* refused until the next one is written: that one, then again */
            if ((r = write_entry(cg, next)) < 0 || (r = write_entry(cg, e)) < 0)
                return r;
            i++;
            continue;
        }
        if (r < 0)
            return r;
    }
    return 0;
}

/* ---- create ---- */

struct made {
    char **dirs; /* made by this create, in order */
};

static void made_undo(void *arg)
{
    struct made *m = arg;
    for (size_t n = ctr__strv_len((const char *const *)m->dirs); n > 0; n--)
        (void)rmdir(m->dirs[n - 1]);
    ctr__strv_free(m->dirs);
}

/* v2: every controller of @dir's cgroup.controllers enabled for its
 * children, as runc does (one at a time if all at once is refused; one
 * that cannot be is the limit's error later). */
static void enable_controllers(const char *dir)
{
    _cleanup_free_ char *ctls = NULL, *copy = NULL;
    if (read_at(dir, "cgroup.controllers", &ctls) < 0 || !*ctls || !(copy = strdup(ctls)))
        return;
    struct ctr__buf b = { 0 };
    char *save = NULL;
    for (char *t = strtok_r(copy, " \n", &save); t; t = strtok_r(NULL, " \n", &save))
        ctr__buf_printf(&b, "%s+%s", b.len ? " " : "", t);
    _cleanup_free_ char *all = NULL;
    if (ctr__buf_finish(&b, &all) < 0 || write_raw(dir, "cgroup.subtree_control", all) == 0)
        return;
    for (char *t = strtok_r(all, " ", &save); t; t = strtok_r(NULL, " ", &save))
        (void)write_raw(dir, "cgroup.subtree_control", t);
}

/* A cpuset cgroup with no CPUs or memory nodes gets its parent's. */
static int cpuset_inherit(const char *dir, const char *parent)
{
    static const char *const files[] = { "cpuset.cpus", "cpuset.mems" };
    for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
        _cleanup_free_ char *mine = NULL, *theirs = NULL;
        if (read_at(dir, files[i], &mine) < 0 || *mine || read_at(parent, files[i], &theirs) < 0)
            continue;
        int r = write_at(dir, files[i], theirs);
        if (r < 0)
            return r;
    }
    return 0;
}

/* mkdir -p of the hierarchy's directory below its mount point. */
static int make_dirs(const struct hier *h, bool enable, struct made *m)
{
    bool cpuset = h->ctls && word_in(h->ctls, "cpuset", ',');
    _cleanup_free_ char *cur = strdup(h->mount), *rest = strdup(h->dir + strlen(h->mount));
    if (!cur || !rest)
        return ctr__oom("a cgroup path");
    char *save = NULL;
    for (char *t = strtok_r(rest, "/", &save); t; t = strtok_r(NULL, "/", &save)) {
        if (enable)
            enable_controllers(cur);
        _cleanup_free_ char *next = ctr__asprintf("%s/%s", cur, t);
        if (!next)
            return ctr__oom("a cgroup path");
        if (mkdir(next, 0755) == 0) {
            if (ctr__strv_push(&m->dirs, next) < 0) {
                (void)rmdir(next);
                return ctr__oom("a cgroup path");
            }
        } else if (errno != EEXIST) {
            return ctr__err(-errno, "cannot create the cgroup %s: %m", next);
        }
        int r = cpuset ? cpuset_inherit(next, cur) : 0;
        if (r < 0)
            return r;
        free(cur);
        cur = TAKE_PTR(next);
    }
    return 0;
}

/* -EEXIST when a directory is there with processes in it. */
static int check_unused(const struct ctr__native_cgroup *cg)
{
    for (size_t i = 0; i < cg->n; i++) {
        _cleanup_free_ char *procs = NULL;
        int r = read_at(cg->h[i].dir, "cgroup.procs", &procs);
        if (r == -ENOENT)
            continue;
        if (r < 0)
            return ctr__err(r, "cannot read %s/cgroup.procs: %s", cg->h[i].dir, strerror(-r));
        if (*procs)
            return ctr__err(-EEXIST, "the cgroup %s exists and has processes in it", cg->h[i].dir);
    }
    return 0;
}

static bool plan_has_v2(const struct plan *p)
{
    for (size_t i = 0; i < p->n; i++)
        if (p->v[i].v2)
            return true;
    return false;
}

int ctr__native_cgroup_create(struct ctr__native_cgroup *cg, json_object *resources)
{
    _cleanup_(plan_clearp) struct plan p = { 0 };
    plan_targets(cg, &p);
    int r = plan_build(&p, resources);
    if (r < 0 || (r = check_unused(cg)) < 0)
        return r;
    struct made m = { 0 };
    _cleanup_undo_ struct ctr__undo undo = CTR_UNDO(made_undo, &m);
    /* The unified hierarchy's controllers: on a v2 host, or when a limit goes there. */
    bool enable = cg->v2 || (*cg->unified_ctls && plan_has_v2(&p));
    for (size_t i = 0; i < cg->n; i++)
        if ((r = make_dirs(&cg->h[i], !cg->h[i].ctls && enable, &m)) < 0)
            return r;
    if ((r = plan_apply(cg, &p)) < 0)
        return r;
    ctr__undo_disarm(&undo);
    ctr__strv_free(m.dirs);
    return 0;
}

/* The unified hierarchy's controllers enabled above an existing directory
 * (an update that brings a limit there on a hybrid host). */
static void enable_above(const struct hier *u)
{
    _cleanup_free_ char *cur = strdup(u->dir);
    if (!cur)
        return;
    /* top down: a level can only enable what its parent enabled */
    for (char *slash = cur + strlen(u->mount); slash && *slash == '/'; slash = strchr(slash + 1, '/')) {
        *slash = '\0';
        enable_controllers(cur);
        *slash = '/';
    }
}

int ctr__native_cgroup_update(struct ctr__native_cgroup *cg, json_object *resources)
{
    _cleanup_(plan_clearp) struct plan p = { 0 };
    plan_targets(cg, &p);
    int r = plan_build(&p, resources);
    if (r < 0)
        return r;
    const struct hier *u = unified_of(cg);
    if (u && !cg->v2 && *cg->unified_ctls && plan_has_v2(&p))
        enable_above(u);
    return plan_apply(cg, &p);
}

/* ---- processes ---- */

int ctr__native_cgroup_enter(const struct ctr__native_cgroup *cg, pid_t pid)
{
    char v[24];
    snprintf(v, sizeof v, "%d", (int)pid);
    for (size_t i = 0; i < cg->n; i++) {
        int r = write_raw(cg->h[i].dir, "cgroup.procs", v);
        if (r < 0)
            return ctr__err(r, "cannot move process %d into the cgroup %s: %s", (int)pid, cg->h[i].dir, strerror(-r));
    }
    return 0;
}

int ctr__native_cgroup_fd(const struct ctr__native_cgroup *cg)
{
    const struct hier *u = unified_of(cg);
    if (!cg->v2 || !u)
        return ctr__err(-EOPNOTSUPP, "the host's cgroup controllers are not all on cgroup v2");
    int fd = open(u->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return ctr__err(-errno, "cannot open the cgroup %s: %m", u->dir);
    return fd;
}

/* Where the processes are listed: v1 pids, then memory, then the unified
 * hierarchy, then any. */
static const struct hier *procs_hier(const struct ctr__native_cgroup *cg)
{
    const struct hier *h = cg->v2 ? unified_of(cg) : NULL;
    if (!h)
        h = v1_of(cg, "pids");
    if (!h)
        h = v1_of(cg, "memory");
    if (!h)
        h = unified_of(cg);
    return h ? h : cg->n ? &cg->h[0] : NULL;
}

int ctr__native_cgroup_pids(const struct ctr__native_cgroup *cg, pid_t **ret, size_t *ret_n)
{
    const struct hier *h = procs_hier(cg);
    if (!h)
        return ctr__err(-ENOENT, "the cgroup has no hierarchy");
    int r = ctr__cgroup_procs(h->dir, ret, ret_n);
    if (r == -ENOMEM)
        return ctr__oom("the cgroup's processes");
    if (r < 0)
        return ctr__err(r, "cannot list the processes of the cgroup %s: %s", h->dir, strerror(-r));
    return 0;
}

/* ---- freezer ---- */

/* v1: write the state until it reads so (FREEZING meanwhile); a freeze that
 * does not finish is undone. */
static int freeze_v1(const char *dir, bool frozen)
{
    const char *want = frozen ? "FROZEN" : "THAWED";
    int64_t deadline = ctr__mono_ms() + FREEZE_TIMEOUT_MS;
    for (unsigned n = 0;; n++) {
        _cleanup_free_ char *state = NULL;
        int r = n % 25 == 0 ? write_at(dir, "freezer.state", want) : 0; /* again now and then: a fork may have escaped */
        if (r < 0)
            return r;
        if ((r = read_at(dir, "freezer.state", &state)) < 0)
            return ctr__err(r, "cannot read %s/freezer.state: %s", dir, strerror(-r));
        if (streq(state, want))
            return 0;
        if (ctr__mono_ms() > deadline) {
            if (frozen)
                (void)write_raw(dir, "freezer.state", "THAWED");
            return ctr__err(-ETIMEDOUT, "the cgroup %s is still %s after %d ms", dir, state, FREEZE_TIMEOUT_MS);
        }
        sleep_ms(1);
    }
}

/* cgroup.events' "frozen" (0 or 1), -errno. */
static int events_frozen(int fd)
{
    char buf[512];
    ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
    if (n < 0)
        return -errno;
    buf[n] = '\0';
    const char *f = strstr(buf, "frozen ");
    return f && (f == buf || f[-1] == '\n') && f[7] == '1';
}

/* v2: cgroup.freeze, then cgroup.events until it reports the state. */
static int freeze_v2(const char *dir, bool frozen)
{
    int r = write_at(dir, "cgroup.freeze", frozen ? "1" : "0");
    if (r < 0)
        return r;
    _cleanup_free_ char *path = ctr__asprintf("%s/cgroup.events", dir);
    if (!path)
        return ctr__oom("a cgroup path");
    _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return ctr__err(-errno, "cannot open %s: %m", path);
    int64_t deadline = ctr__mono_ms() + FREEZE_TIMEOUT_MS;
    for (;;) {
        if ((r = events_frozen(fd)) < 0)
            return ctr__err(r, "cannot read %s: %s", path, strerror(-r));
        if (r == frozen)
            return 0;
        int64_t left = deadline - ctr__mono_ms();
        if (left <= 0)
            return ctr__err(-ETIMEDOUT, "the cgroup %s is not %s after %d ms", dir, frozen ? "frozen" : "thawed",
                            FREEZE_TIMEOUT_MS);
        struct pollfd pfd = { .fd = fd, .events = POLLPRI };
        (void)poll(&pfd, 1, (int)(left < 100 ? left : 100)); /* woken by the change; a bounded wait if missed */
    }
}

/* The v1 freezer's directory, else the unified one if it has cgroup.freeze. */
static const struct hier *freezer_of(const struct ctr__native_cgroup *cg)
{
    const struct hier *h = cg->v2 ? NULL : v1_of(cg, "freezer");
    if (h)
        return h;
    h = unified_of(cg);
    return h && exists_at(h->dir, "cgroup.freeze") ? h : NULL;
}

int ctr__native_cgroup_freeze(const struct ctr__native_cgroup *cg, bool frozen)
{
    const struct hier *h = freezer_of(cg);
    if (!h)
        return ctr__err(-EOPNOTSUPP, "the host has no cgroup freezer for this cgroup");
    return h->ctls ? freeze_v1(h->dir, frozen) : freeze_v2(h->dir, frozen);
}

bool ctr__native_cgroup_frozen(const struct ctr__native_cgroup *cg)
{
    const struct hier *h = freezer_of(cg);
    if (!h)
        return false;
    if (h->ctls) {
        _cleanup_free_ char *state = NULL;
        return read_at(h->dir, "freezer.state", &state) == 0 && streq(state, "FROZEN");
    }
    _cleanup_free_ char *path = ctr__asprintf("%s/cgroup.events", h->dir);
    _cleanup_close_ int fd = path ? open(path, O_RDONLY | O_CLOEXEC) : -1;
    return fd >= 0 && events_frozen(fd) == 1;
}

/* ---- destroy ---- */

/* Every process killed: cgroup.kill where the unified directory has it
 * (on a v2 host that is all), and SIGKILL to each one listed otherwise; a
 * v1 freezer thawed so that they die. */
static void kill_all(const struct ctr__native_cgroup *cg)
{
    const struct hier *u = unified_of(cg);
    bool killed = u && write_raw(u->dir, "cgroup.kill", "1") == 0;
    if (!killed || !cg->v2) {
        const struct hier *h = procs_hier(cg);
        pid_t *pids = NULL;
        size_t n = 0;
        if (h && ctr__cgroup_procs(h->dir, &pids, &n) == 0)
            for (size_t i = 0; i < n; i++)
                (void)kill(pids[i], SIGKILL);
        free(pids);
    }
    const struct hier *f = cg->v2 ? NULL : v1_of(cg, "freezer");
    if (f)
        (void)write_raw(f->dir, "freezer.state", "THAWED");
}

/* rmdir of @dir after the cgroups below it, deepest first.  0 (also when
 * missing) or -errno. */
static int rmdir_tree(int parent, const char *name, int depth)
{
    _cleanup_close_ int fd = openat(parent, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0)
        return errno == ENOENT ? 0 : -errno;
    _cleanup_dir_ DIR *d = depth < RMDIR_DEPTH ? ctr__opendir_fd(fd) : NULL;
    if (!d && depth < RMDIR_DEPTH)
        return -errno;
    for (struct dirent *de; d && (de = readdir(d));) {
        if (de->d_type != DT_DIR || streq(de->d_name, ".") || streq(de->d_name, ".."))
            continue;
        int r = rmdir_tree(fd, de->d_name, depth + 1);
        if (r < 0)
            return r;
    }
    if (unlinkat(parent, name, AT_REMOVEDIR) < 0 && errno != ENOENT)
        return -errno;
    return 0;
}

/* One pass over every hierarchy: 0, or the last error (-EBUSY while processes remain). */
static int remove_all(const struct ctr__native_cgroup *cg, const char **failed)
{
    int last = 0;
    for (size_t i = 0; i < cg->n; i++) {
        int r = rmdir_tree(AT_FDCWD, cg->h[i].dir, 0);
        if (r < 0) {
            last = r;
            *failed = cg->h[i].dir;
        }
    }
    return last;
}

int ctr__native_cgroup_destroy(struct ctr__native_cgroup *cg, int timeout_ms)
{
    int64_t deadline = ctr__mono_ms() + (timeout_ms > 0 ? timeout_ms : 0);
    for (;;) {
        const char *failed = NULL;
        int r = remove_all(cg, &failed);
        if (r == 0)
            return 0;
        if (r != -EBUSY)
            return ctr__err(r, "cannot remove the cgroup %s: %s", failed, strerror(-r));
        kill_all(cg);
        if (ctr__mono_ms() >= deadline)
            return ctr__err(-EBUSY, "cannot remove the cgroup %s: it still has processes after %d ms", failed, timeout_ms);
        sleep_ms(10);
    }
}

int ctr__native_cgroup_v2_devices(const char *dir, json_object *devices)
{
    _cleanup_(plan_clearp) struct plan p = { 0 };
    p.v2[G_DEVICES] = true;
    _cleanup_json_ json_object *res = json_object_new_object();
    if (!res || json_object_object_add(res, "devices", json_object_get(devices)) < 0)
        return ctr__oom("a device program");
    int r = plan_devices(&p, res);
    if (r < 0)
        return r;
    return devices_v2(dir, p.v, p.n);
}
