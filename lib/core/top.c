/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Top: the processes of a running container with podman's (psgo's) format
 * descriptors, read from the host's side without running anything in the
 * container.  The processes are those of the container's cgroup (found
 * from its init process's /proc/PID/cgroup, base/cgroup.c) and of the
 * cgroups below it; each one's /proc files (base/procfs.c) give the rest.
 * The PIDs in the container's PID namespace are the NSpid entries at the
 * level of the container's init; user and group IDs are mapped into the
 * container's user namespace by its init's uid_map and gid_map and named
 * by the /etc/passwd and /etc/group seen through /proc/PID/root (the
 * container's own mounts), read inside that root (base/passwd.c).  Every
 * value is formatted as podman 4.3 prints it; the table is handed out in
 * an arena behind the public struct (ctr_container_top_free()). */
#include <fcntl.h>
#include <inttypes.h>
#include <math.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>

#include "base/arena.h"
#include "core/top.h"
#include "base/caps.h"
#include "base/cgroup.h"
#include "base/error.h"
#include "base/passwd.h"
#include "base/procfs.h"
#include "core/lifecycle.h"

/* Largest command line read (the rest is dropped). */
#define CMDLINE_MAX (1u << 20)
/* Largest status, stat, cgroup or map file read. */
#define SMALL_MAX (256u << 10)
/* The kernel's overflowuid and overflowgid (shown for an unmapped ID). */
#define OVERFLOW_ID 65534

/* What a descriptor needs read beyond stat and status. */
enum {
    NEED_CMDLINE = 1u << 0,
    NEED_LABEL = 1u << 1,
    NEED_NAMES = 1u << 2,      /* the container's /etc/passwd and /etc/group */
    NEED_HOST_NAMES = 1u << 3, /* the host's */
    NEED_TTYS = 1u << 4,       /* the container's /dev */
};

struct proc {
    pid_t hpid, pid, ppid, pgid;
    struct ctr__proc_stat stat;
    struct ctr__proc_status status;
    char **argv;
    size_t argc;
    char *label;
};

struct tty {
    dev_t rdev;
    char name[sizeof "pts/" + 256];
};

struct top_ctx {
    size_t level; /* the container's PID namespace level: its init's NSpid entries */
    int64_t now_ns, btime;
    long ticks;
    int last_cap;
    struct ctr__idmap *uid_map, *gid_map;
    size_t n_uid_map, n_gid_map;
    struct ctr__id_names names, host_names;
    struct tty *ttys;
    size_t n_ttys;
    struct proc *procs;
    size_t n_procs;
};

typedef void (*field_fn)(const struct top_ctx *t, const struct proc *p, struct ctr__buf *b);

struct descriptor {
    const char *name, *code, *header;
    unsigned needs;
    field_fn fn;
};

/* ---- values, as psgo formats them ---- */

/* A duration as Go's time.Duration.String() prints it. */
static void go_duration(struct ctr__buf *b, int64_t d)
{
    uint64_t u = d < 0 ? -(uint64_t)d : (uint64_t)d;
    if (d < 0)
        ctr__buf_put(b, "-");
    if (u == 0) {
        ctr__buf_put(b, "0s");
        return;
    }
    uint64_t unit = u < 1000 ? 1 : u < 1000000 ? 1000 : u < 1000000000 ? 1000000 : 1000000000;
    const char *suffix = unit == 1 ? "ns" : unit == 1000 ? "\u00b5s" : unit == 1000000 ? "ms" : "s";
    int prec = unit == 1 ? 0 : unit == 1000 ? 3 : unit == 1000000 ? 6 : 9;
    uint64_t whole = u / unit, frac = u % unit;
    char fbuf[16] = "";
    if (frac) {
        snprintf(fbuf, sizeof fbuf, ".%0*" PRIu64, prec, frac);
        for (size_t n = strlen(fbuf); fbuf[n - 1] == '0'; n--)
            fbuf[n - 1] = '\0';
    }
    if (unit != 1000000000)
        ctr__buf_printf(b, "%" PRIu64 "%s%s", whole, fbuf, suffix);
    else if (whole >= 3600)
        ctr__buf_printf(b, "%" PRIu64 "h%" PRIu64 "m%" PRIu64 "%ss", whole / 3600, whole / 60 % 60, whole % 60, fbuf);
    else if (whole >= 60)
        ctr__buf_printf(b, "%" PRIu64 "m%" PRIu64 "%ss", whole / 60, whole % 60, fbuf);
    else
        ctr__buf_printf(b, "%" PRIu64 "%ss", whole, fbuf);
}

/* The start, in seconds since the epoch, as psgo computes it. */
static int64_t start_secs(const struct top_ctx *t, const struct proc *p)
{
    return t->btime + (int64_t)(p->stat.starttime / (uint64_t)t->ticks);
}

static int64_t elapsed_ns(const struct top_ctx *t, const struct proc *p)
{
    return t->now_ns - start_secs(t, p) * 1000000000;
}

/* Whole seconds of CPU time, as psgo counts them. */
static int64_t cpu_secs(const struct top_ctx *t, const struct proc *p)
{
    return (int64_t)((p->stat.utime + p->stat.stime) / (uint64_t)t->ticks);
}

static uint32_t inside_uid(const struct top_ctx *t, uint32_t id)
{
    return ctr__idmap_inside(t->uid_map, t->n_uid_map, id, OVERFLOW_ID);
}

static uint32_t inside_gid(const struct top_ctx *t, uint32_t id)
{
    return ctr__idmap_inside(t->gid_map, t->n_gid_map, id, OVERFLOW_ID);
}

static void put_name(struct ctr__buf *b, const char *name, uint32_t id)
{
    if (name)
        ctr__buf_put(b, name);
    else
        ctr__buf_printf(b, "%" PRIu32, id);
}

static void f_user(const struct top_ctx *t, const struct proc *p, struct ctr__buf *b)
{
    uint32_t id = inside_uid(t, p->status.uid[1]);
    put_name(b, ctr__id_names_user(&t->names, id), id);
}

static void f_ruser(const struct top_ctx *t, const struct proc *p, struct ctr__buf *b)
{
    uint32_t id = inside_uid(t, p->status.uid[0]);
    put_name(b, ctr__id_names_user(&t->names, id), id);
}

static void f_group(const struct top_ctx *t, const struct proc *p, struct ctr__buf *b)
{
    uint32_t id = inside_gid(t, p->status.gid[1]);
    put_name(b, ctr__id_names_group(&t->names, id), id);
}

static void f_rgroup(const struct top_ctx *t, const struct proc *p, struct ctr__buf *b)
{
    uint32_t id = inside_gid(t, p->status.gid[0]);
    put_name(b, ctr__id_names_group(&t->names, id), id);
}

static void f_groups(const struct top_ctx *t, const struct proc *p, struct ctr__buf *b)
{
    for (size_t i = 0; i < p->status.n_groups; i++) {
        uint32_t id = inside_gid(t, p->status.groups[i]);
        if (i)
            ctr__buf_put(b, ",");
        put_name(b, ctr__id_names_group(&t->names, id), id);
    }
}

static void f_huser(const struct top_ctx *t, const struct proc *p, struct ctr__buf *b)
{
    put_name(b, ctr__id_names_user(&t->host_names, p->status.uid[1]), p->status.uid[1]);
}

static void f_hgroup(const struct top_ctx *t, const struct proc *p, struct ctr__buf *b)
{
    put_name(b, ctr__id_names_group(&t->host_names, p->status.gid[1]), p->status.gid[1]);
}

static void f_hgroups(_unused_ const struct top_ctx *t, const struct proc *p, struct ctr__buf *b)
{
    for (size_t i = 0; i < p->status.n_groups; i++)
        ctr__buf_printf(b, "%s%" PRIu32, i ? "," : "", (uint32_t)p->status.groups[i]);
}

static void f_pid(_unused_ const struct top_ctx *t, const struct proc *p, struct ctr__buf *b)
{
    ctr__buf_printf(b, "%d", (int)p->pid);
}

static void f_ppid(_unused_ const struct top_ctx *t, const struct proc *p, struct ctr__buf *b)
{
    ctr__buf_printf(b, "%d", (int)p->ppid);
}

static void f_pgid(_unused_ const struct top_ctx *t, const struct proc *p, struct ctr__buf *b)
{
    ctr__buf_printf(b, "%d", (int)p->pgid);
}

static void f_hpid(_unused_ const struct top_ctx *t, const struct proc *p, struct ctr__buf *b)
{
    ctr__buf_printf(b, "%d", (int)p->hpid);
}

static void f_args(_unused_ const struct top_ctx *t, const struct proc *p, struct ctr__buf *b)
{
    if (p->argc == 0 || !*p->argv[0]) { /* what ps shows for no command line */
        ctr__buf_printf(b, "[%s]", p->stat.comm);
        return;
    }
    for (size_t i = 0; i < p->argc; i++) {
        if (i)
            ctr__buf_put(b, " ");
        ctr__buf_put(b, p->argv[i]);
    }
}

static void f_comm(_unused_ const struct top_ctx *t, const struct proc *p, struct ctr__buf *b)
{
    ctr__buf_put(b, p->stat.comm);
}

static void f_nice(_unused_ const struct top_ctx *t, const struct proc *p, struct ctr__buf *b)
{
    ctr__buf_printf(b, "%" PRId64, p->stat.nice);
}

static void f_etime(const struct top_ctx *t, const struct proc *p, struct ctr__buf *b)
{
    go_duration(b, elapsed_ns(t, p));
}

static void f_time(const struct top_ctx *t, const struct proc *p, struct ctr__buf *b)
{
    go_duration(b, cpu_secs(t, p) * 1000000000);
}

static void f_pcpu(const struct top_ctx *t, const struct proc *p, struct ctr__buf *b)
{
    int64_t e = elapsed_ns(t, p);
    /* Go's Duration.Seconds(), then 100 * cpu / elapsed, left to right. */
    double elapsed = (double)(e / 1000000000) + (double)(e % 1000000000) / 1e9;
    double pcpu = 100 * (double)cpu_secs(t, p) / elapsed;
    if (isnan(pcpu))
        ctr__buf_put(b, "NaN");
    else if (isinf(pcpu))
        ctr__buf_put(b, pcpu > 0 ? "+Inf" : "-Inf");
    else
        ctr__buf_printf(b, "%.3f", pcpu);
}

static void f_stime(const struct top_ctx *t, const struct proc *p, struct ctr__buf *b)
{
    time_t s = (time_t)start_secs(t, p);
    struct tm tm;
    char out[128];
    if (!localtime_r(&s, &tm) || strftime(out, sizeof out, "%Y-%m-%d %H:%M:%S %z %Z", &tm) == 0)
        ctr__buf_printf(b, "%" PRId64, (int64_t)s);
    else
        ctr__buf_put(b, out);
}

static void f_tty(const struct top_ctx *t, const struct proc *p, struct ctr__buf *b)
{
    uint64_t nr = (uint64_t)p->stat.tty_nr;
    dev_t dev = makedev((unsigned)((nr >> 8) & 0xfff), (unsigned)((nr & 0xff) | ((nr >> 12) & 0xfff00)));
    for (size_t i = 0; i < t->n_ttys; i++)
        if (t->ttys[i].rdev == dev) {
            ctr__buf_put(b, t->ttys[i].name);
            return;
        }
    ctr__buf_put(b, "?");
}

static void f_vsz(_unused_ const struct top_ctx *t, const struct proc *p, struct ctr__buf *b)
{
    ctr__buf_printf(b, "%" PRIu64, p->stat.vsize / 1024);
}

static void f_rss(_unused_ const struct top_ctx *t, const struct proc *p, struct ctr__buf *b)
{
    ctr__buf_printf(b, "%" PRIu64, p->status.has_rss ? p->status.vm_rss_kb : 0);
}

static void f_state(_unused_ const struct top_ctx *t, const struct proc *p, struct ctr__buf *b)
{
    ctr__buf_put(b, p->status.state);
}

static void f_label(_unused_ const struct top_ctx *t, const struct proc *p, struct ctr__buf *b)
{
    ctr__buf_put(b, p->label ? p->label : "?");
}

static void f_seccomp(_unused_ const struct top_ctx *t, const struct proc *p, struct ctr__buf *b)
{
    static const char *const modes[] = { "disabled", "strict", "filter" };
    int m = p->status.seccomp;
    ctr__buf_put(b, m >= 0 && m <= 2 ? modes[m] : "?");
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* A capability set: "full", "none", or the names without CAP_, sorted. */
static void put_caps(const struct top_ctx *t, uint64_t mask, struct ctr__buf *b)
{
    uint64_t full = t->last_cap >= 63 ? UINT64_MAX : (UINT64_C(1) << (t->last_cap + 1)) - 1;
    if (mask == full) {
        ctr__buf_put(b, "full");
        return;
    }
    char names[64][48];
    const char *sorted[64];
    size_t n = 0;
    for (unsigned i = 0; i < 64; i++) {
        if (!(mask >> i & 1))
            continue;
        char buf[48];
        snprintf(names[n], sizeof names[n], "%s", ctr__cap_name(i, buf, sizeof buf) == 0 ? buf + 4 : "unknown");
        sorted[n] = names[n];
        n++;
    }
    if (n == 0) {
        ctr__buf_put(b, "none");
        return;
    }
    qsort(sorted, n, sizeof *sorted, cmp_str);
    for (size_t i = 0; i < n; i++)
        ctr__buf_printf(b, "%s%s", i ? "," : "", sorted[i]);
}

static void f_capamb(const struct top_ctx *t, const struct proc *p, struct ctr__buf *b)
{
    put_caps(t, p->status.cap_amb, b);
}

static void f_capinh(const struct top_ctx *t, const struct proc *p, struct ctr__buf *b)
{
    put_caps(t, p->status.cap_inh, b);
}

static void f_capprm(const struct top_ctx *t, const struct proc *p, struct ctr__buf *b)
{
    put_caps(t, p->status.cap_prm, b);
}

static void f_capeff(const struct top_ctx *t, const struct proc *p, struct ctr__buf *b)
{
    put_caps(t, p->status.cap_eff, b);
}

static void f_capbnd(const struct top_ctx *t, const struct proc *p, struct ctr__buf *b)
{
    put_caps(t, p->status.cap_bnd, b);
}

/* podman 4.3's descriptors (psgo's), by name. */
static const struct descriptor known[] = {
    { "args", "%a", "COMMAND", NEED_CMDLINE, f_args },
    { "capamb", NULL, "AMBIENT CAPS", 0, f_capamb },
    { "capbnd", NULL, "BOUNDING CAPS", 0, f_capbnd },
    { "capeff", NULL, "EFFECTIVE CAPS", 0, f_capeff },
    { "capinh", NULL, "INHERITED CAPS", 0, f_capinh },
    { "capprm", NULL, "PERMITTED CAPS", 0, f_capprm },
    { "comm", "%c", "COMMAND", 0, f_comm },
    { "etime", "%t", "ELAPSED", 0, f_etime },
    { "group", "%G", "GROUP", NEED_NAMES, f_group },
    { "groups", NULL, "GROUPS", NEED_NAMES, f_groups },
    { "hgroup", NULL, "HGROUP", NEED_HOST_NAMES, f_hgroup },
    { "hgroups", NULL, "HGROUPS", 0, f_hgroups },
    { "hpid", NULL, "HPID", 0, f_hpid },
    { "huser", NULL, "HUSER", NEED_HOST_NAMES, f_huser },
    { "label", NULL, "LABEL", NEED_LABEL, f_label },
    { "nice", "%n", "NI", 0, f_nice },
    { "pcpu", "%C", "%CPU", 0, f_pcpu },
    { "pgid", "%r", "PGID", 0, f_pgid },
    { "pid", "%p", "PID", 0, f_pid },
    { "ppid", "%P", "PPID", 0, f_ppid },
    { "rgroup", "%g", "RGROUP", NEED_NAMES, f_rgroup },
    { "rss", NULL, "RSS", 0, f_rss },
    { "ruser", "%u", "RUSER", NEED_NAMES, f_ruser },
    { "seccomp", NULL, "SECCOMP", 0, f_seccomp },
    { "state", NULL, "STATE", 0, f_state },
    { "stime", NULL, "STIME", 0, f_stime },
    { "time", "%x", "TIME", 0, f_time },
    { "tty", "%y", "TTY", NEED_TTYS, f_tty },
    { "user", "%U", "USER", NEED_NAMES, f_user },
    { "vsz", "%z", "VSZ", 0, f_vsz },
};

static const char *const default_descriptors[] = { "user", "pid", "ppid", "pcpu", "etime", "tty", "time", "args" };

/* ---- the descriptors asked for ---- */

struct chosen {
    const struct descriptor **v;
    size_t n;
    unsigned needs;
};

static void chosen_done(struct chosen *c)
{
    free(c->v);
}

static int choose_one(struct chosen *c, const char *s, size_t len)
{
    while (len > 0 && (*s == ' ' || *s == '\t' || *s == '\n'))
        s++, len--;
    while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t' || s[len - 1] == '\n'))
        len--;
    if (len == 0)
        return 0;
    for (size_t i = 0; i < ARRAY_SIZE(known); i++) {
        const struct descriptor *d = &known[i];
        if ((strlen(d->name) == len && memcmp(d->name, s, len) == 0) ||
            (d->code && strlen(d->code) == len && memcmp(d->code, s, len) == 0)) {
            const struct descriptor **v = realloc(c->v, (c->n + 1) * sizeof *v);
            if (!v)
                return ctr__oom("the top descriptors");
            c->v = v;
            c->v[c->n++] = d;
            c->needs |= d->needs;
            return 0;
        }
    }
    struct ctr__buf valid = { 0 };
    for (size_t i = 0; i < ARRAY_SIZE(known); i++)
        ctr__buf_printf(&valid, "%s%s", i ? ", " : "", known[i].name);
    _cleanup_free_ char *list = NULL;
    if (ctr__buf_finish(&valid, &list) < 0)
        return ctr__oom("the top descriptors");
    return ctr__err(-EINVAL, "'%.*s': unknown descriptor (valid descriptors: %s)", (int)(len > 256 ? 256 : len), s, list);
}

/* Each element split at commas, as podman does. */
static int choose(const char *const *in, struct chosen *ret)
{
    _cleanup_(chosen_done) struct chosen c = { 0 };
    for (size_t i = 0; in && in[i]; i++) {
        for (const char *p = in[i];;) {
            size_t len = strcspn(p, ",");
            int r = choose_one(&c, p, len);
            if (r < 0)
                return r;
            if (!p[len])
                break;
            p += len + 1;
        }
    }
    if (c.n == 0)
        for (size_t i = 0; i < ARRAY_SIZE(default_descriptors); i++) {
            int r = choose_one(&c, default_descriptors[i], strlen(default_descriptors[i]));
            if (r < 0)
                return r;
        }
    *ret = c;
    c.v = NULL;
    return 0;
}

/* ---- reading the processes ---- */

static void proc_done(struct proc *p)
{
    ctr__proc_status_done(&p->status);
    free(p->argv);
    free(p->label);
}

static void ctx_done(struct top_ctx *t)
{
    free(t->uid_map);
    free(t->gid_map);
    ctr__id_names_done(&t->names);
    ctr__id_names_done(&t->host_names);
    free(t->ttys);
    for (size_t i = 0; i < t->n_procs; i++)
        proc_done(&t->procs[i]);
    free(t->procs);
}

static bool gone(int r)
{
    return r == -ENOENT || r == -ESRCH;
}

/* A /proc file of a process that does not parse. */
static int bad_file(pid_t pid, const char *name)
{
    return ctr__err(-EBADMSG, "unexpected content in /proc/%d/%s", (int)pid, name);
}

static int read_stat_status(int dfd, pid_t hpid, struct proc *p)
{
    _cleanup_free_ char *stat = NULL, *status = NULL;
    size_t len = 0;
    int r = ctr__proc_read(dfd, "stat", SMALL_MAX, &stat, &len, NULL);
    if (r < 0 || (r = ctr__proc_read(dfd, "status", SMALL_MAX, &status, NULL, NULL)) < 0)
        return gone(r) ? 0 : ctr__err(r, "cannot read /proc/%d: %s", (int)hpid, strerror(-r));
    if (ctr__proc_parse_stat(stat, len, &p->stat) < 0)
        return bad_file(hpid, "stat");
    r = ctr__proc_parse_status(status, &p->status);
    if (r == -ENOMEM)
        return ctr__oom("a process's status");
    return r < 0 ? bad_file(hpid, "status") : 1;
}

/* The LSM label: attr/current without its trailing newlines and NULs;
 * NULL (shown "?") when the host has none. */
static int read_label(int dfd, struct proc *p)
{
    _cleanup_free_ char *text = NULL;
    size_t len = 0;
    int r = ctr__proc_read(dfd, "attr/current", SMALL_MAX, &text, &len, NULL);
    if (gone(r))
        return 0;
    if (r == -ENOMEM)
        return ctr__oom("a process's label");
    if (r < 0)
        return 1;
    while (len > 0 && (text[len - 1] == '\n' || text[len - 1] == '\0'))
        text[--len] = '\0';
    p->label = TAKE_PTR(text);
    return 1;
}

/* One process of the cgroup: 1 read; 0 gone meanwhile (skipped, as psgo
 * skips it); or an error. */
static int read_proc(int procfd, pid_t hpid, unsigned needs, struct proc *p)
{
    char name[16];
    snprintf(name, sizeof name, "%d", (int)hpid);
    _cleanup_close_ int dfd = openat(procfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0)
        return gone(-errno) ? 0 : ctr__err(-errno, "cannot open /proc/%d: %m", (int)hpid);
    p->hpid = hpid;
    int r = read_stat_status(dfd, hpid, p);
    if (r <= 0)
        return r;
    if (needs & NEED_CMDLINE) {
        _cleanup_free_ char *text = NULL;
        size_t len = 0;
        r = ctr__proc_read(dfd, "cmdline", CMDLINE_MAX, &text, &len, NULL);
        if (r < 0)
            return gone(r) ? 0 : ctr__err(r, "cannot read /proc/%d/cmdline: %s", (int)hpid, strerror(-r));
        if (ctr__proc_split_cmdline(text, len, &p->argv, &p->argc) < 0)
            return ctr__oom("a command line");
    }
    return needs & NEED_LABEL ? read_label(dfd, p) : 1;
}

/* The PID in the container's namespace of a host PID outside the list (a
 * parent): 0 when it is not in that namespace or gone. */
static pid_t pid_in_container(const struct top_ctx *t, int procfd, pid_t hpid)
{
    for (size_t i = 0; i < t->n_procs; i++)
        if (t->procs[i].hpid == hpid)
            return t->procs[i].pid;
    char name[32];
    snprintf(name, sizeof name, "%d/status", (int)hpid);
    _cleanup_free_ char *text = NULL;
    _cleanup_(ctr__proc_status_donep) struct ctr__proc_status st = { 0 };
    if (hpid <= 0 || ctr__proc_read(procfd, name, SMALL_MAX, &text, NULL, NULL) < 0 ||
        ctr__proc_parse_status(text, &st) < 0 || st.n_nspid < t->level)
        return 0;
    return st.nspid[t->level - 1];
}

static int cmp_proc(const void *a, const void *b)
{
    const struct proc *x = a, *y = b;
    return (x->pid > y->pid) - (x->pid < y->pid);
}

/* Read every process of @pids; those outside the container's PID
 * namespace (fewer levels than its init) are left out. */
static int read_procs(struct top_ctx *t, int procfd, const pid_t *pids, size_t n, unsigned needs)
{
    t->procs = calloc(n ? n : 1, sizeof *t->procs);
    if (!t->procs)
        return ctr__oom("the process list");
    for (size_t i = 0; i < n; i++) {
        struct proc *p = &t->procs[t->n_procs];
        int r = read_proc(procfd, pids[i], needs, p);
        if (r < 0 || r == 0 || p->status.n_nspid < t->level) {
            proc_done(p);
            *p = (struct proc){ 0 };
            if (r < 0)
                return r;
            continue;
        }
        p->pid = p->status.nspid[t->level - 1];
        p->pgid = p->status.n_nspgid >= t->level ? p->status.nspgid[t->level - 1]
                  : t->level == 1               ? p->stat.pgrp
                                                : 0;
        t->n_procs++;
    }
    for (size_t i = 0; i < t->n_procs; i++)
        t->procs[i].ppid = pid_in_container(t, procfd, t->procs[i].status.ppid);
    if (t->n_procs > 1)
        qsort(t->procs, t->n_procs, sizeof *t->procs, cmp_proc);
    return 0;
}

/* The character devices of a directory of the container's /dev ("tty*"
 * of /dev itself, everything of /dev/pts), as psgo finds terminals: not
 * following symbolic links. */
static int add_ttys(struct top_ctx *t, int dirfd, const char *prefix, bool tty_only)
{
    _cleanup_dir_ DIR *d = ctr__opendir_fd(dirfd);
    if (!d)
        return 0;
    struct dirent *de;
    while ((de = readdir(d)) && t->n_ttys < 4096) {
        struct stat st;
        if ((tty_only && strncmp(de->d_name, "tty", 3) != 0) || de->d_name[0] == '.' ||
            fstatat(dirfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISCHR(st.st_mode))
            continue;
        struct tty *v = realloc(t->ttys, (t->n_ttys + 1) * sizeof *v);
        if (!v)
            return ctr__oom("the terminal list");
        t->ttys = v;
        v[t->n_ttys].rdev = st.st_rdev;
        snprintf(v[t->n_ttys].name, sizeof v[t->n_ttys].name, "%s%s", prefix, de->d_name);
        t->n_ttys++;
    }
    return 0;
}

/* The terminals of the container's /dev, through its init's root: each
 * step one component opened without following a link, so nothing leads
 * out of the container.  None when /dev or /dev/pts is not there. */
static int scan_ttys(struct top_ctx *t, pid_t init)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/root", (int)init);
    _cleanup_close_ int root = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
    _cleanup_close_ int dev = root < 0 ? -1 : openat(root, "dev", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (dev < 0)
        return 0;
    int r = add_ttys(t, dev, "", true);
    _cleanup_close_ int pts = openat(dev, "pts", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    return r < 0 || pts < 0 ? r : add_ttys(t, pts, "pts/", false);
}

/* Names of IDs: without them (an unreadable file) the numbers show. */
static void load_names(const char *root, struct ctr__id_names *n)
{
    if (ctr__id_names_load(root, n) < 0)
        ctr__err_clear();
}

/* The container's cgroup, from its init's /proc/PID/cgroup. */
static int container_pids(int initfd, pid_t init, pid_t **ret, size_t *ret_n)
{
    _cleanup_free_ char *cgroup = NULL, *mountinfo = NULL, *dir = NULL;
    int r = ctr__proc_read(initfd, "cgroup", SMALL_MAX, &cgroup, NULL, NULL);
    if (r < 0)
        return ctr__err(r, "cannot read /proc/%d/cgroup: %s", (int)init, strerror(-r));
    r = ctr__proc_read(AT_FDCWD, "/proc/self/mountinfo", 64u << 20, &mountinfo, NULL, NULL);
    if (r < 0)
        return ctr__err(r, "cannot read /proc/self/mountinfo: %s", strerror(-r));
    r = ctr__cgroup_dir(cgroup, mountinfo, &dir, NULL);
    if (r == -ENOENT)
        return ctr__err(-ENOENT, "the cgroup of process %d is not mounted on this host", (int)init);
    if (r < 0)
        return ctr__oom("the cgroup path");
    r = ctr__cgroup_procs(dir, ret, ret_n);
    return r < 0 ? ctr__err(r, "cannot list the processes of the cgroup %s: %s", dir, strerror(-r)) : 0;
}

/* What every value is computed from: the init's namespace level and ID
 * maps, the boot time, the clock, and the names and terminals asked for. */
static int read_context(struct top_ctx *t, int initfd, pid_t init, unsigned needs)
{
    _cleanup_free_ char *status = NULL, *stat = NULL, *uid_map = NULL, *gid_map = NULL;
    _cleanup_(ctr__proc_status_donep) struct ctr__proc_status st = { 0 };
    int r = ctr__proc_read(initfd, "status", SMALL_MAX, &status, NULL, NULL);
    if (r < 0)
        return ctr__err(r, "cannot read /proc/%d/status: %s", (int)init, strerror(-r));
    if (ctr__proc_parse_status(status, &st) < 0)
        return bad_file(init, "status");
    t->level = st.n_nspid;
    if ((r = ctr__proc_read(initfd, "uid_map", SMALL_MAX, &uid_map, NULL, NULL)) < 0 ||
        (r = ctr__proc_read(initfd, "gid_map", SMALL_MAX, &gid_map, NULL, NULL)) < 0)
        return ctr__err(r, "cannot read the ID maps of process %d: %s", (int)init, strerror(-r));
    if (ctr__proc_parse_idmap(uid_map, &t->uid_map, &t->n_uid_map) < 0)
        return bad_file(init, "uid_map");
    if (ctr__proc_parse_idmap(gid_map, &t->gid_map, &t->n_gid_map) < 0)
        return bad_file(init, "gid_map");
    r = ctr__proc_read(AT_FDCWD, "/proc/stat", 16u << 20, &stat, NULL, NULL);
    if (r < 0)
        return ctr__err(r, "cannot read /proc/stat: %s", strerror(-r));
    if (ctr__proc_parse_btime(stat, &t->btime) < 0)
        return ctr__err(-EBADMSG, "no boot time in /proc/stat");
    t->ticks = sysconf(_SC_CLK_TCK);
    if (t->ticks <= 0)
        t->ticks = 100;
    t->last_cap = ctr__cap_last_cap();
    t->now_ns = ctr__now_ns();
    tzset();
    char root[64];
    snprintf(root, sizeof root, "/proc/%d/root", (int)init);
    if (needs & NEED_NAMES)
        load_names(root, &t->names);
    if (needs & NEED_HOST_NAMES)
        load_names("/", &t->host_names);
    return needs & NEED_TTYS ? scan_ttys(t, init) : 0;
}

static int gather(pid_t init, unsigned needs, struct top_ctx *t)
{
    _cleanup_close_ int procfd = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (procfd < 0)
        return ctr__err(-errno, "cannot open /proc: %m");
    char name[16];
    snprintf(name, sizeof name, "%d", (int)init);
    _cleanup_close_ int initfd = openat(procfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (initfd < 0)
        return ctr__err(-errno, "cannot open /proc/%d of the container's process: %m", (int)init);
    _cleanup_free_ pid_t *pids = NULL;
    size_t n = 0;
    int r = read_context(t, initfd, init, needs);
    if (r < 0 || (r = container_pids(initfd, init, &pids, &n)) < 0)
        return r;
    return read_procs(t, procfd, pids, n, needs);
}

/* ---- the table handed out ---- */

#define TOP_MAGIC 0x637472746f707321ULL /* "ctrtops!" */

struct top_table {
    uint64_t magic;
    struct ctr__arena arena;
    ctr_top_t pub;
};

static void table_free(struct top_table *tt)
{
    if (!tt)
        return;
    ctr__arena_free(&tt->arena);
    tt->magic = 0;
    free(tt);
}

static void table_freep(struct top_table **tt)
{
    table_free(*tt);
}

/* One row: each descriptor's value of @p. */
static const char *const *make_row(struct ctr__arena *a, const struct top_ctx *t, const struct chosen *ch,
                                   const struct proc *p)
{
    const char **row = ctr__arena_alloc(a, (ch->n + 1) * sizeof *row);
    for (size_t j = 0; row && j < ch->n; j++) {
        struct ctr__buf b = { 0 };
        ch->v[j]->fn(t, p, &b);
        _cleanup_free_ char *s = NULL;
        if (ctr__buf_finish(&b, &s) < 0 || !(row[j] = ctr__arena_strdup(a, s)))
            return NULL;
    }
    return row;
}

static int build(const struct top_ctx *t, const struct chosen *ch, ctr_top_t **ret)
{
    _cleanup_(table_freep) struct top_table *tt = calloc(1, sizeof *tt);
    if (!tt)
        return ctr__oom("the process table");
    tt->magic = TOP_MAGIC;
    struct ctr__arena *a = &tt->arena;
    const char **header = ctr__arena_alloc(a, (ch->n + 1) * sizeof *header);
    const char *const **rows = ctr__arena_alloc(a, (t->n_procs + 1) * sizeof *rows);
    if (!header || !rows)
        return ctr__oom("the process table");
    for (size_t j = 0; j < ch->n; j++)
        if (!(header[j] = ctr__arena_strdup(a, ch->v[j]->header)))
            return ctr__oom("the process table");
    for (size_t i = 0; i < t->n_procs; i++)
        if (!(rows[i] = make_row(a, t, ch, &t->procs[i])))
            return ctr__oom("the process table");
    tt->pub = (ctr_top_t){ .n_columns = ch->n, .header = header, .n_rows = t->n_procs, .rows = rows };
    *ret = &TAKE_PTR(tt)->pub;
    return 0;
}

static int top_locked(ctr_container_t *c, const struct chosen *ch, ctr_top_t **ret)
{
    const struct ctr__status *st = ctr__container_status(c);
    if (st->state != CTR_STATE_RUNNING || st->pid <= 0)
        return ctr__err(-EBUSY, CTR_CFMT " is %s: top can only be used on running containers", CTR_CARG(c),
                        ctr_state_name(st->state));
    _cleanup_(ctx_done) struct top_ctx t = { 0 };
    int r = gather(st->pid, ch->needs, &t);
    return r < 0 ? r : build(&t, ch, ret);
}

CTR_EXPORT int ctr_container_top(ctr_container_t *c, const char *const *descriptors, ctr_top_t **ret)
{
    CTR_ENTER();
    CTR_CHECK_ARG(c);
    CTR_CHECK_ARG(ret);
    _cleanup_(chosen_done) struct chosen ch = { 0 };
    int r = choose(descriptors, &ch);
    return r < 0 ? r : CTR__WITH_LOCK(c, top_locked(c, &ch, ret));
}

int ctr__top_join(ctr_top_t *const *tops, size_t n, ctr_top_t **ret)
{
    size_t rows_n = 0;
    for (size_t k = 0; k < n; k++)
        rows_n += tops[k]->n_rows;
    _cleanup_(table_freep) struct top_table *tt = calloc(1, sizeof *tt);
    if (!tt || !n)
        return tt ? ctr__err(-EINVAL, "no process table to join") : ctr__oom("the process table");
    tt->magic = TOP_MAGIC;
    struct ctr__arena *a = &tt->arena;
    int oom = 0;
    const char *const *header = ctr__arena_strv(a, (char *const *)tops[0]->header, &oom);
    const char *const **rows = ctr__arena_alloc(a, (rows_n + 1) * sizeof *rows);
    size_t i = 0;
    for (size_t k = 0; rows && !oom && k < n; k++)
        for (size_t j = 0; j < tops[k]->n_rows && !oom; j++)
            rows[i++] = ctr__arena_strv(a, (char *const *)tops[k]->rows[j], &oom);
    if (!header || !rows || oom)
        return ctr__oom("the process table");
    tt->pub = (ctr_top_t){ .n_columns = tops[0]->n_columns, .header = header, .n_rows = rows_n, .rows = rows };
    *ret = &TAKE_PTR(tt)->pub;
    return 0;
}

CTR_EXPORT void ctr_container_top_free(ctr_top_t *top)
{
    if (!top)
        return;
    struct top_table *tt = (struct top_table *)(void *)((char *)top - offsetof(struct top_table, pub));
    if (tt->magic == TOP_MAGIC)
        table_free(tt);
}
