/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A container's resources (podman's --memory ... --ulimit, --device,
 * --device-cgroup-rule): the check of the options, the config's part
 * ("resources"), the OCI spec's linux.resources, linux.devices,
 * process.rlimits and process.oomScoreAdj, inspect's HostConfig keys, and
 * the cgroup v1 and v2 files that runc writes for them.
 *
 * Host devices and throttled block devices are named by path and looked up
 * (stat) at create, to refuse what does not exist, and again when the spec
 * is made: their numbers are the host's at that moment. */
#include "data/resources.h"

#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "base/arena.h"
#include "base/error.h"
#include "base/json-util.h"
#include "base/util.h"

typedef json_object J;

#define DEVICE_DEPTH_MAX 8
#define DEVICES_MAX 4096

/* The strerror() text as Go prints it: lower case first letter. */
static const char *errtext(int e, char *buf, size_t size)
{
    snprintf(buf, size, "%s", strerror(e));
    if (buf[0] >= 'A' && buf[0] <= 'Z' && !(buf[1] >= 'A' && buf[1] <= 'Z'))
        buf[0] = (char)(buf[0] - 'A' + 'a');
    return buf;
}

/* ---- ulimit names ---- */

static const struct {
    const char *name; /* podman's */
    const char *oci;
    int resource;
} ulimit_names[] = {
    { "core", "RLIMIT_CORE", RLIMIT_CORE },
    { "cpu", "RLIMIT_CPU", RLIMIT_CPU },
    { "data", "RLIMIT_DATA", RLIMIT_DATA },
    { "fsize", "RLIMIT_FSIZE", RLIMIT_FSIZE },
    { "locks", "RLIMIT_LOCKS", RLIMIT_LOCKS },
    { "memlock", "RLIMIT_MEMLOCK", RLIMIT_MEMLOCK },
    { "msgqueue", "RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE },
    { "nice", "RLIMIT_NICE", RLIMIT_NICE },
    { "nofile", "RLIMIT_NOFILE", RLIMIT_NOFILE },
    { "nproc", "RLIMIT_NPROC", RLIMIT_NPROC },
    { "rss", "RLIMIT_RSS", RLIMIT_RSS },
    { "rtprio", "RLIMIT_RTPRIO", RLIMIT_RTPRIO },
    { "rttime", "RLIMIT_RTTIME", RLIMIT_RTTIME },
    { "sigpending", "RLIMIT_SIGPENDING", RLIMIT_SIGPENDING },
    { "stack", "RLIMIT_STACK", RLIMIT_STACK },
};

/* The index in ulimit_names of "nofile" or "RLIMIT_NOFILE"; -1. */
static int ulimit_index(const char *name)
{
    for (size_t i = 0; name && i < ARRAY_SIZE(ulimit_names); i++)
        if (streq(name, ulimit_names[i].name) || streq(name, ulimit_names[i].oci))
            return (int)i;
    return -1;
}

static uint64_t rlim_value(int64_t v)
{
    return v < 0 ? UINT64_MAX : (uint64_t)v;
}

/* ---- devices: HOST[:CONTAINER][:PERMISSIONS] (podman's ParseDevice) ---- */

struct device_spec {
    char host[PATH_MAX];
    char ctr[PATH_MAX];
    char perms[4];
};

static bool valid_mode(const char *m)
{
    size_t n = strlen(m);
    if (n == 0 || n > 3)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!strchr("rwm", m[i]) || memchr(m, m[i], i))
            return false;
    return true;
}

static int parse_device(const char *s, struct device_spec *d)
{
    const char *c1 = strchr(s, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
    if (c2 && strchr(c2 + 1, ':'))
        return ctr__err(-EINVAL, "invalid device specification: %s", s);
    snprintf(d->perms, sizeof d->perms, "rwm");
    d->ctr[0] = '\0';
    size_t hlen = c1 ? (size_t)(c1 - s) : strlen(s);
    if (hlen == 0 || hlen >= sizeof d->host)
        return ctr__err(-EINVAL, "invalid device specification: %s", s);
    memcpy(d->host, s, hlen);
    d->host[hlen] = '\0';
    if (c2) {
        if (!valid_mode(c2 + 1))
            return ctr__err(-EINVAL, "invalid device mode: %s", c2 + 1);
        memcpy(d->perms, c2 + 1, strlen(c2 + 1) + 1); /* at most 3 */
    }
    if (c1) {
        char mid[PATH_MAX];
        size_t mlen = c2 ? (size_t)(c2 - c1 - 1) : strlen(c1 + 1);
        if (mlen >= sizeof mid)
            return ctr__err(-EINVAL, "invalid device specification: %s", s);
        memcpy(mid, c1 + 1, mlen);
        mid[mlen] = '\0';
        if (valid_mode(mid))
            memcpy(d->perms, mid, strlen(mid) + 1); /* at most 3 */
        else if (mid[0] != '/')
            return ctr__err(-EINVAL, "invalid device mode: %s", mid);
        else
            snprintf(d->ctr, sizeof d->ctr, "%s", mid);
    }
    if (!d->ctr[0])
        snprintf(d->ctr, sizeof d->ctr, "%s", d->host);
    return 0;
}

/* One device node to give the container. */
struct device_node {
    const char *host, *ctr, *perms;
    struct stat st;
};
typedef int (*device_fn)(const struct device_node *n, void *userdata);

/* The device nodes under @dir (podman walks a directory given as a device),
 * in lexical order, each at @dest plus its path below @src. */
static int walk_devices(const char *dir, const char *src, const char *dest, const char *perms, int depth,
                        size_t *count, device_fn fn, void *userdata)
{
    if (depth > DEVICE_DEPTH_MAX)
        return 0;
    struct dirent **list = NULL;
    int n = scandir(dir, &list, NULL, alphasort), r = 0;
    if (n < 0)
        return ctr__err(-errno, "cannot read the device directory %s: %m", dir);
    for (int i = 0; i < n; i++) {
        const char *name = list[i]->d_name;
        char path[PATH_MAX], ctr[PATH_MAX];
        struct stat st;
        if (r < 0 || streq(name, ".") || streq(name, ".."))
            continue;
        if (snprintf(path, sizeof path, "%s/%s", dir, name) >= (int)sizeof path ||
            snprintf(ctr, sizeof ctr, "%s%s", dest, path + strlen(src)) >= (int)sizeof ctr)
            r = ctr__err(-ENAMETOOLONG, "device path too long under %s", dir);
        else if (lstat(path, &st) < 0)
            continue;
        else if (S_ISDIR(st.st_mode))
            r = walk_devices(path, src, dest, perms, depth + 1, count, fn, userdata);
        else if ((S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode)) && (*count)++ < DEVICES_MAX)
            r = fn(&(struct device_node){ path, ctr, perms, st }, userdata);
    }
    for (int i = 0; i < n; i++)
        free(list[i]);
    free(list);
    return r;
}

/* Call @fn for each device node that the --device string @s gives. */
static int for_each_device(const char *s, device_fn fn, void *userdata)
{
    struct device_spec d;
    int r = parse_device(s, &d);
    if (r < 0)
        return r;
    char resolved[PATH_MAX], e[64];
    struct stat st;
    if (lstat(d.host, &st) == 0 && S_ISLNK(st.st_mode) && realpath(d.host, resolved)) {
        if (streq(d.ctr, d.host))
            snprintf(d.ctr, sizeof d.ctr, "%s", resolved);
        snprintf(d.host, sizeof d.host, "%s", resolved);
    }
    if (stat(d.host, &st) < 0)
        return ctr__err(-errno, "stat %s: %s", d.host, errtext(errno, e, sizeof e));
    if (S_ISDIR(st.st_mode)) {
        size_t count = 0;
        if ((r = walk_devices(d.host, d.host, d.ctr, d.perms, 0, &count, fn, userdata)) < 0)
            return r;
        return count ? 0 : ctr__err(-EINVAL, "no devices found in %s: invalid argument", s);
    }
    if (!S_ISCHR(st.st_mode) && !S_ISBLK(st.st_mode))
        return ctr__err(-EINVAL, "%s is not a valid device: not a device node", d.host);
    return fn(&(struct device_node){ d.host, d.ctr, d.perms, st }, userdata);
}

static int device_ok(const struct device_node *n, void *userdata)
{
    (void)n;
    (void)userdata;
    return 0;
}

/* ---- device cgroup rules: TYPE MAJOR:MINOR ACCESS ---- */

struct device_rule {
    char type;
    int64_t major, minor; /* -1: any */
    char access[4];
};

static int parse_number(const char *s, size_t len, int64_t *ret)
{
    if (len == 1 && s[0] == '*') {
        *ret = -1;
        return 0;
    }
    int64_t v = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9' || v > (INT64_MAX - 9) / 10)
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    *ret = v;
    return len ? 0 : -1;
}

static int parse_rule(const char *s, struct device_rule *rule)
{
    const char *sp1 = strchr(s, ' '), *sp2 = sp1 ? strchr(sp1 + 1, ' ') : NULL;
    if (!sp2 || strchr(sp2 + 1, ' '))
        return ctr__err(-EINVAL, "invalid device cgroup rule requires type, major:Minor, and access rules: \"%s\"",
                        s);
    if (sp1 - s != 1 || !strchr("abc", s[0]))
        return ctr__err(-EINVAL, "invalid device type in device-access-add: %.*s", (int)(sp1 - s), s);
    rule->type = s[0];
    const char *num = sp1 + 1, *colon = memchr(num, ':', (size_t)(sp2 - num));
    rule->minor = -1;
    if (parse_number(num, (size_t)((colon ? colon : sp2) - num), &rule->major) < 0 ||
        (colon && parse_number(colon + 1, (size_t)(sp2 - colon - 1), &rule->minor) < 0))
        return ctr__err(-EINVAL, "invalid device numbers in device-access-add: %.*s", (int)(sp2 - num), num);
    const char *acc = sp2 + 1;
    for (const char *p = acc; *p; p++)
        if (!strchr("rwm", *p))
            return ctr__err(-EINVAL, "invalid device access in device-access-add: %c", *p);
    if (!valid_mode(acc))
        return ctr__err(-EINVAL, "invalid device access in device-access-add: %s", acc);
    snprintf(rule->access, sizeof rule->access, "%s", acc);
    return 0;
}

/* ---- throttled block devices ---- */

static int throttle_device(const char *path, dev_t *ret)
{
    struct stat st;
    char e[64];
    if (isempty(path))
        return ctr__err(-EINVAL, "a throttled device needs a path");
    if (stat(path, &st) < 0)
        return ctr__err(-errno, "could not parse throttle device at %s: %s", path, errtext(errno, e, sizeof e));
    if (!S_ISBLK(st.st_mode) && !S_ISCHR(st.st_mode))
        return ctr__err(-EINVAL, "%s is not a device", path);
    *ret = st.st_rdev;
    return 0;
}

/* ---- the check ---- */

static int check_memory(const ctr_container_options_t *o)
{
    if (o->memory < 0 || o->memory_reservation < 0 || o->memory_swap < -1)
        return ctr__err(-EINVAL, "invalid memory limit: sizes are positive (memory swap: -1 for unlimited)");
    if (o->memory_swap != 0 && o->memory == 0)
        return ctr__err(-EINVAL, "you should always set a memory limit when using a memoryswap limit");
    if (o->memory_swap > 0 && o->memory_swap < o->memory)
        return ctr__err(-EINVAL, "minimum memoryswap limit should be larger than memory limit");
    if (o->memory > 0 && o->memory_reservation > o->memory)
        return ctr__err(-EINVAL, "minimum memory limit cannot be less than memory reservation limit");
    return 0;
}

static int check_cpuset(const char *what, const char *s)
{
    if (!s)
        return 0;
    /* N or N-M, comma separated */
    bool digit = false;
    for (const char *p = s; *p; p++) {
        if (*p >= '0' && *p <= '9')
            digit = true;
        else if ((*p == '-' || *p == ',') && digit && p[1] >= '0' && p[1] <= '9')
            digit = false;
        else
            return ctr__err(-EINVAL, "invalid %s \"%s\": a list such as 0-3,5", what, s);
    }
    return digit ? 0 : ctr__err(-EINVAL, "invalid %s \"%s\": a list such as 0-3,5", what, s);
}

/* The CFS quota of @nano_cpus over podman's period of 100 ms. */
static int64_t cpus_quota(int64_t nano_cpus)
{
    return nano_cpus / (1000000000 / CTR__CPU_PERIOD_DEFAULT);
}

static int check_cpu(const ctr_container_options_t *o)
{
    if (o->nano_cpus < 0)
        return ctr__err(-EINVAL, "invalid number of CPUs: it must be positive");
    if (o->nano_cpus > 0 && o->cpu_quota != 0)
        return ctr__err(-EINVAL, "--cpu-quota and --cpus cannot be set together");
    if (o->nano_cpus > 0 && o->cpu_period != 0)
        return ctr__err(-EINVAL, "--cpu-period and --cpus cannot be set together");
    if (o->nano_cpus > 0 && cpus_quota(o->nano_cpus) < 1000)
        return ctr__err(-EINVAL, "CPU cfs quota cannot be less than 1ms (i.e. 1000): too few CPUs");
    if (o->cpu_period != 0 && (o->cpu_period < 1000 || o->cpu_period > 1000000))
        return ctr__err(-EINVAL, "CPU cfs period cannot be less than 1ms (i.e. 1000) or larger than 1s (i.e. 1000000)");
    if (o->cpu_quota != 0 && o->cpu_quota < 1000)
        return ctr__err(-EINVAL, "CPU cfs quota cannot be less than 1ms (i.e. 1000)");
    if (o->cpu_shares != 0 && (o->cpu_shares < 2 || o->cpu_shares > 262144))
        return ctr__err(-EINVAL, "invalid cpu shares %" PRIu64 ": the range is 2 to 262144", o->cpu_shares);
    int r;
    if ((r = check_cpuset("cpuset-cpus", o->cpuset_cpus)) < 0 || (r = check_cpuset("cpuset-mems", o->cpuset_mems)) < 0)
        return r;
    return 0;
}

static int check_blkio(const ctr_container_options_t *o)
{
    dev_t dev;
    int r;
    if (o->blkio_weight != 0 && (o->blkio_weight < 10 || o->blkio_weight > 1000))
        return ctr__err(-EINVAL, "invalid blkio weight %u: the range is 10 to 1000", o->blkio_weight);
    if (o->n_blkio_weight_devices && !o->blkio_weight_devices)
        return ctr__err(-EINVAL, "blkio_weight_devices is NULL with n_blkio_weight_devices set");
    for (size_t i = 0; i < o->n_blkio_weight_devices; i++) {
        const ctr_weight_device_t *w = &o->blkio_weight_devices[i];
        if (w->weight < 10 || w->weight > 1000)
            return ctr__err(-EINVAL, "invalid weight for device: %s:%u", w->path ? w->path : "", w->weight);
        if ((r = throttle_device(w->path, &dev)) < 0)
            return r;
    }
    const ctr_throttle_device_t *const t[] = { o->device_read_bps, o->device_write_bps, o->device_read_iops,
                                              o->device_write_iops };
    const size_t n[] = { o->n_device_read_bps, o->n_device_write_bps, o->n_device_read_iops, o->n_device_write_iops };
    for (size_t k = 0; k < CTR__THROTTLE_KINDS; k++) {
        if (n[k] && !t[k])
            return ctr__err(-EINVAL, "a throttled device array is NULL with its count set");
        for (size_t i = 0; i < n[k]; i++) {
            if (t[k][i].rate == 0)
                return ctr__err(-EINVAL, "invalid rate for device: %s: it must be positive",
                                t[k][i].path ? t[k][i].path : "");
            if ((r = throttle_device(t[k][i].path, &dev)) < 0)
                return r;
        }
    }
    return 0;
}

static int check_ulimits(const ctr_container_options_t *o)
{
    if (o->n_ulimits && !o->ulimits)
        return ctr__err(-EINVAL, "ulimits is NULL with n_ulimits set");
    for (size_t i = 0; i < o->n_ulimits; i++) {
        const ctr_ulimit_t *u = &o->ulimits[i];
        if (ulimit_index(u->name) < 0)
            return ctr__err(-EINVAL, "invalid ulimit type: %s", u->name ? u->name : "(null)");
        if (u->soft < -1 || u->hard < -1)
            return ctr__err(-EINVAL, "invalid ulimit %s: limits are -1 (unlimited) or more", u->name);
        if (rlim_value(u->soft) > rlim_value(u->hard))
            return ctr__err(-EINVAL, "ulimit soft limit must be less than or equal to hard limit: %" PRId64 " > %" PRId64,
                            u->soft, u->hard);
    }
    return 0;
}

static int check_devices(const ctr_container_options_t *o)
{
    int r;
    for (size_t i = 0; o->devices && o->devices[i]; i++)
        if ((r = for_each_device(o->devices[i], device_ok, NULL)) < 0)
            return r;
    struct device_rule rule;
    for (size_t i = 0; o->device_cgroup_rules && o->device_cgroup_rules[i]; i++)
        if ((r = parse_rule(o->device_cgroup_rules[i], &rule)) < 0)
            return r;
    return 0;
}

int ctr__resources_check(const ctr_container_options_t *o)
{
    int r;
    if ((r = check_memory(o)) < 0 || (r = check_cpu(o)) < 0 || (r = check_blkio(o)) < 0 ||
        (r = check_ulimits(o)) < 0 || (r = check_devices(o)) < 0)
        return r;
    if (o->pids_limit < -1)
        return ctr__err(-EINVAL, "invalid pids limit %" PRId64 ": -1 (unlimited), 0 (the default) or more",
                        o->pids_limit);
    if ((o->flags & CTR_CREATE_OOM_SCORE_ADJ) && (o->oom_score_adj < -1000 || o->oom_score_adj > 1000))
        return ctr__err(-EINVAL, "invalid oom score adjustment %d: the range is -1000 to 1000", o->oom_score_adj);
    return 0;
}

/* ---- copy and clear ---- */

static int copy_throttles(const ctr_throttle_device_t *t, const ctr_weight_device_t *w, size_t n,
                          struct ctr__throttle **ret, size_t *ret_n)
{
    if (n == 0)
        return 0;
    struct ctr__throttle *v = calloc(n, sizeof *v);
    if (!v)
        return ctr__oom("the throttled devices");
    *ret = v;
    *ret_n = n;
    for (size_t i = 0; i < n; i++) {
        v[i].path = strdup(t ? t[i].path : w[i].path);
        v[i].rate = t ? t[i].rate : w[i].weight;
        if (!v[i].path)
            return ctr__oom("the throttled devices");
    }
    return 0;
}

static int copy_ulimits(const ctr_container_options_t *o, struct ctr__resources *res)
{
    if (o->n_ulimits == 0)
        return 0;
    if (!(res->ulimits = calloc(o->n_ulimits, sizeof *res->ulimits)))
        return ctr__oom("the ulimits");
    res->n_ulimits = o->n_ulimits;
    for (size_t i = 0; i < o->n_ulimits; i++) {
        struct ctr__ulimit *u = &res->ulimits[i];
        if (!(u->name = strdup(ulimit_names[ulimit_index(o->ulimits[i].name)].oci)))
            return ctr__oom("the ulimits");
        u->soft = o->ulimits[i].soft;
        u->hard = o->ulimits[i].hard;
    }
    return 0;
}

static int copy_values(const ctr_container_options_t *o, struct ctr__resources *res)
{
    res->memory = o->memory;
    res->memory_swap = o->memory_swap;
    res->memory_reservation = o->memory_reservation;
    res->nano_cpus = o->nano_cpus;
    res->cpu_quota = o->cpu_quota;
    res->cpu_shares = o->cpu_shares;
    res->cpu_period = o->cpu_period;
    res->pids_limit = o->pids_limit;
    res->blkio_weight = o->blkio_weight;
    res->oom_score_adj_set = o->flags & CTR_CREATE_OOM_SCORE_ADJ;
    res->oom_score_adj = res->oom_score_adj_set ? o->oom_score_adj : 0;
    res->oom_kill_disable = o->flags & CTR_CREATE_OOM_KILL_DISABLE;
    res->cpuset_cpus = ctr__strdup_null(o->cpuset_cpus);
    res->cpuset_mems = ctr__strdup_null(o->cpuset_mems);
    res->devices = ctr__strv_copy(o->devices);
    res->device_cgroup_rules = ctr__strv_copy(o->device_cgroup_rules);
    if ((o->cpuset_cpus && !res->cpuset_cpus) || (o->cpuset_mems && !res->cpuset_mems) || !res->devices ||
        !res->device_cgroup_rules)
        return ctr__oom("the resources");
    return 0;
}

int ctr__resources_copy(const ctr_container_options_t *o, struct ctr__resources *res)
{
    memset(res, 0, sizeof *res);
    const ctr_throttle_device_t *const t[] = { o->device_read_bps, o->device_write_bps, o->device_read_iops,
                                              o->device_write_iops };
    const size_t n[] = { o->n_device_read_bps, o->n_device_write_bps, o->n_device_read_iops, o->n_device_write_iops };
    int r;
    if ((r = copy_values(o, res)) < 0 || (r = copy_ulimits(o, res)) < 0 ||
        (r = copy_throttles(NULL, o->blkio_weight_devices, o->n_blkio_weight_devices, &res->weight_devices,
                            &res->n_weight_devices)) < 0)
        return r;
    for (size_t k = 0; k < CTR__THROTTLE_KINDS; k++)
        if ((r = copy_throttles(t[k], NULL, n[k], &res->throttles[k], &res->n_throttles[k])) < 0)
            return r;
    return 0;
}

static void free_throttles(struct ctr__throttle *v, size_t n)
{
    for (size_t i = 0; v && i < n; i++)
        free(v[i].path);
    free(v);
}

void ctr__resources_clear(struct ctr__resources *res)
{
    free(res->cpuset_cpus);
    free(res->cpuset_mems);
    free_throttles(res->weight_devices, res->n_weight_devices);
    for (size_t k = 0; k < CTR__THROTTLE_KINDS; k++)
        free_throttles(res->throttles[k], res->n_throttles[k]);
    for (size_t i = 0; res->ulimits && i < res->n_ulimits; i++)
        free(res->ulimits[i].name);
    free(res->ulimits);
    ctr__strv_free(res->devices);
    ctr__strv_free(res->device_cgroup_rules);
    memset(res, 0, sizeof *res);
}

/* ---- the options again ---- */

static int export_throttles(const struct ctr__throttle *v, size_t n, struct ctr__arena *a,
                            const ctr_throttle_device_t **ret, size_t *ret_n)
{
    *ret = NULL;
    *ret_n = 0;
    if (n == 0)
        return 0;
    ctr_throttle_device_t *t = ctr__arena_alloc(a, n * sizeof *t);
    if (!t)
        return ctr__oom("the exported resources");
    for (size_t i = 0; i < n; i++) {
        t[i].rate = v[i].rate;
        if (!(t[i].path = ctr__arena_strdup(a, v[i].path)))
            return ctr__oom("the exported resources");
    }
    *ret = t;
    *ret_n = n;
    return 0;
}

static int export_weights(const struct ctr__resources *res, struct ctr__arena *a, ctr_container_options_t *o)
{
    o->blkio_weight_devices = NULL;
    o->n_blkio_weight_devices = 0;
    if (res->n_weight_devices == 0)
        return 0;
    ctr_weight_device_t *w = ctr__arena_alloc(a, res->n_weight_devices * sizeof *w);
    if (!w)
        return ctr__oom("the exported resources");
    for (size_t i = 0; i < res->n_weight_devices; i++) {
        w[i].weight = (uint16_t)res->weight_devices[i].rate;
        if (!(w[i].path = ctr__arena_strdup(a, res->weight_devices[i].path)))
            return ctr__oom("the exported resources");
    }
    o->blkio_weight_devices = w;
    o->n_blkio_weight_devices = res->n_weight_devices;
    return 0;
}

static int export_ulimits(const struct ctr__resources *res, struct ctr__arena *a, ctr_container_options_t *o)
{
    o->ulimits = NULL;
    o->n_ulimits = 0;
    if (res->n_ulimits == 0)
        return 0;
    ctr_ulimit_t *u = ctr__arena_alloc(a, res->n_ulimits * sizeof *u);
    if (!u)
        return ctr__oom("the exported resources");
    for (size_t i = 0; i < res->n_ulimits; i++) {
        u[i].soft = res->ulimits[i].soft;
        u[i].hard = res->ulimits[i].hard;
        if (!(u[i].name = ctr__arena_strdup(a, res->ulimits[i].name)))
            return ctr__oom("the exported resources");
    }
    o->ulimits = u;
    o->n_ulimits = res->n_ulimits;
    return 0;
}

static int export_values(const struct ctr__resources *res, struct ctr__arena *a, ctr_container_options_t *o)
{
    int oom = 0;
    o->memory = res->memory;
    o->memory_swap = res->memory_swap;
    o->memory_reservation = res->memory_reservation;
    o->nano_cpus = res->nano_cpus;
    o->cpu_quota = res->cpu_quota;
    o->cpu_shares = res->cpu_shares;
    o->cpu_period = res->cpu_period;
    o->pids_limit = res->pids_limit;
    o->blkio_weight = res->blkio_weight;
    o->oom_score_adj = res->oom_score_adj_set ? res->oom_score_adj : 0;
    o->cpuset_cpus = ctr__arena_strdup(a, res->cpuset_cpus);
    o->cpuset_mems = ctr__arena_strdup(a, res->cpuset_mems);
    o->devices = ctr__arena_strv_set(a, res->devices, &oom);
    o->device_cgroup_rules = ctr__arena_strv_set(a, res->device_cgroup_rules, &oom);
    if (oom || (res->cpuset_cpus && !o->cpuset_cpus) || (res->cpuset_mems && !o->cpuset_mems))
        return ctr__oom("the exported resources");
    return 0;
}

int ctr__resources_export(const struct ctr__resources *res, struct ctr__arena *a, ctr_container_options_t *o)
{
    const ctr_throttle_device_t **t[] = { &o->device_read_bps, &o->device_write_bps, &o->device_read_iops,
                                          &o->device_write_iops };
    size_t *n[] = { &o->n_device_read_bps, &o->n_device_write_bps, &o->n_device_read_iops, &o->n_device_write_iops };
    int r;
    if ((r = export_values(res, a, o)) < 0 || (r = export_ulimits(res, a, o)) < 0 ||
        (r = export_weights(res, a, o)) < 0)
        return r;
    for (size_t k = 0; k < CTR__THROTTLE_KINDS; k++)
        if ((r = export_throttles(res->throttles[k], res->n_throttles[k], a, t[k], n[k])) < 0)
            return r;
    /* The flags (CTR_CREATE_OOM_SCORE_ADJ, CTR_CREATE_OOM_KILL_DISABLE) are the config's. */
    return 0;
}

/* ---- the config document: "resources" ---- */

static const char *const throttle_keys[CTR__THROTTLE_KINDS] = { "readBps", "writeBps", "readIops", "writeIops" };

static int throttles_to_json(J *o, const char *key, const struct ctr__throttle *v, size_t n)
{
    if (n == 0)
        return 0;
    J *arr = json_object_new_array();
    int r = ctr__json_set(o, key, arr);
    for (size_t i = 0; r >= 0 && i < n; i++) {
        J *e = json_object_new_object();
        if (!e || json_object_array_add(arr, e) < 0) {
            json_object_put(e);
            return ctr__oom("the resources document");
        }
        if ((r = ctr__json_add_str(e, "path", v[i].path)) >= 0)
            r = ctr__json_set(e, "rate", json_object_new_uint64(v[i].rate));
    }
    return r;
}

static int ulimits_to_json(J *o, const struct ctr__resources *res)
{
    if (res->n_ulimits == 0)
        return 0;
    J *arr = json_object_new_array();
    int r = ctr__json_set(o, "ulimits", arr);
    for (size_t i = 0; r >= 0 && i < res->n_ulimits; i++) {
        J *e = json_object_new_object();
        if (!e || json_object_array_add(arr, e) < 0) {
            json_object_put(e);
            return ctr__oom("the resources document");
        }
        if ((r = ctr__json_add_str(e, "name", res->ulimits[i].name)) >= 0 &&
            (r = ctr__json_add_int(e, "soft", res->ulimits[i].soft)) >= 0)
            r = ctr__json_add_int(e, "hard", res->ulimits[i].hard);
    }
    return r;
}

static int values_to_json(J *o, const struct ctr__resources *res)
{
    const struct {
        const char *key;
        int64_t v;
    } ints[] = {
        { "memory", res->memory },         { "memorySwap", res->memory_swap },
        { "memoryReservation", res->memory_reservation },
        { "nanoCpus", res->nano_cpus },    { "cpuQuota", res->cpu_quota },
        { "cpuShares", (int64_t)res->cpu_shares }, { "cpuPeriod", (int64_t)res->cpu_period },
        { "pidsLimit", res->pids_limit },  { "blkioWeight", res->blkio_weight },
    };
    int r = 0;
    for (size_t i = 0; r >= 0 && i < ARRAY_SIZE(ints); i++)
        if (ints[i].v != 0)
            r = ctr__json_add_int(o, ints[i].key, ints[i].v);
    if (r >= 0 && res->oom_score_adj_set)
        r = ctr__json_add_int(o, "oomScoreAdj", res->oom_score_adj);
    if (r >= 0 && res->oom_kill_disable)
        r = ctr__json_add_bool(o, "oomKillDisable", true);
    if (r >= 0)
        r = ctr__json_add_str(o, "cpusetCpus", res->cpuset_cpus);
    if (r >= 0)
        r = ctr__json_add_str(o, "cpusetMems", res->cpuset_mems);
    return r;
}

int ctr__resources_to_json(const struct ctr__resources *res, json_object *doc)
{
    J *o = json_object_new_object();
    int r = ctr__json_set(doc, "resources", o);
    if (r < 0 || (r = values_to_json(o, res)) < 0 || (r = ulimits_to_json(o, res)) < 0 ||
        (r = throttles_to_json(o, "weightDevices", res->weight_devices, res->n_weight_devices)) < 0)
        return r;
    for (size_t k = 0; k < CTR__THROTTLE_KINDS; k++)
        if ((r = throttles_to_json(o, throttle_keys[k], res->throttles[k], res->n_throttles[k])) < 0)
            return r;
    if (res->devices && res->devices[0] && (r = ctr__json_add_strv(o, "devices", res->devices)) < 0)
        return r;
    if (res->device_cgroup_rules && res->device_cgroup_rules[0] &&
        (r = ctr__json_add_strv(o, "deviceCgroupRules", res->device_cgroup_rules)) < 0)
        return r;
    return 0;
}

/* The array member @key of @o (NULL when absent); -EINVAL for another type. */
static int get_array(J *o, const char *key, J **ret)
{
    J *v = NULL;
    *ret = NULL;
    if (!json_object_object_get_ex(o, key, &v) || !v)
        return 0;
    if (!json_object_is_type(v, json_type_array))
        return ctr__err(-EINVAL, "\"resources.%s\" must be an array", key);
    *ret = v;
    return 0;
}

static int throttles_from_json(J *o, const char *key, struct ctr__throttle **ret, size_t *ret_n)
{
    J *arr;
    int r = get_array(o, key, &arr);
    size_t n = arr ? json_object_array_length(arr) : 0;
    if (r < 0 || n == 0)
        return r;
    if (!(*ret = calloc(n, sizeof **ret)))
        return ctr__oom("the throttled devices");
    for (size_t i = 0; i < n; i++) {
        J *e = json_object_array_get_idx(arr, i);
        int64_t rate = 0;
        if (!json_object_is_type(e, json_type_object))
            return ctr__err(-EINVAL, "\"resources.%s\" entries must be objects", key);
        (*ret_n)++;
        if ((r = ctr__json_get_str(e, "path", &(*ret)[i].path)) < 0 || (r = ctr__json_get_int(e, "rate", &rate)) < 0)
            return r;
        if (!(*ret)[i].path || rate <= 0)
            return ctr__err(-EINVAL, "\"resources.%s\" entries need a path and a positive rate", key);
        (*ret)[i].rate = (uint64_t)rate;
    }
    return 0;
}

static int ulimits_from_json(J *o, struct ctr__resources *res)
{
    J *arr;
    int r = get_array(o, "ulimits", &arr);
    size_t n = arr ? json_object_array_length(arr) : 0;
    if (r < 0 || n == 0)
        return r;
    if (!(res->ulimits = calloc(n, sizeof *res->ulimits)))
        return ctr__oom("the ulimits");
    for (size_t i = 0; i < n; i++) {
        J *e = json_object_array_get_idx(arr, i);
        struct ctr__ulimit *u = &res->ulimits[i];
        if (!json_object_is_type(e, json_type_object))
            return ctr__err(-EINVAL, "\"resources.ulimits\" entries must be objects");
        res->n_ulimits++;
        if ((r = ctr__json_get_str(e, "name", &u->name)) < 0 || (r = ctr__json_get_int(e, "soft", &u->soft)) < 0 ||
            (r = ctr__json_get_int(e, "hard", &u->hard)) < 0)
            return r;
        int k = ulimit_index(u->name);
        if (k < 0 || !streq(u->name, ulimit_names[k].oci) || u->soft < -1 || u->hard < -1)
            return ctr__err(-EINVAL, "invalid entry %zu of \"resources.ulimits\"", i);
    }
    return 0;
}

static int values_from_json(J *o, struct ctr__resources *res)
{
    int64_t shares = 0, period = 0, weight = 0, adj = INT64_MIN;
    int r;
    if ((r = ctr__json_get_int(o, "memory", &res->memory)) < 0 ||
        (r = ctr__json_get_int(o, "memorySwap", &res->memory_swap)) < 0 ||
        (r = ctr__json_get_int(o, "memoryReservation", &res->memory_reservation)) < 0 ||
        (r = ctr__json_get_int(o, "nanoCpus", &res->nano_cpus)) < 0 ||
        (r = ctr__json_get_int(o, "cpuQuota", &res->cpu_quota)) < 0 ||
        (r = ctr__json_get_int(o, "cpuShares", &shares)) < 0 || (r = ctr__json_get_int(o, "cpuPeriod", &period)) < 0 ||
        (r = ctr__json_get_int(o, "pidsLimit", &res->pids_limit)) < 0 ||
        (r = ctr__json_get_int(o, "blkioWeight", &weight)) < 0 || (r = ctr__json_get_int(o, "oomScoreAdj", &adj)) < 0 ||
        (r = ctr__json_get_bool(o, "oomKillDisable", &res->oom_kill_disable)) < 0 ||
        (r = ctr__json_get_str(o, "cpusetCpus", &res->cpuset_cpus)) < 0 ||
        (r = ctr__json_get_str(o, "cpusetMems", &res->cpuset_mems)) < 0)
        return r;
    if (res->memory < 0 || res->memory_swap < -1 || res->memory_reservation < 0 || res->nano_cpus < 0 ||
        shares < 0 || period < 0 || res->pids_limit < -1 || weight < 0 || weight > 1000 ||
        (adj != INT64_MIN && (adj < -1000 || adj > 1000)))
        return ctr__err(-EINVAL, "a value of \"resources\" is out of range");
    res->cpu_shares = (uint64_t)shares;
    res->cpu_period = (uint64_t)period;
    res->blkio_weight = (uint16_t)weight;
    res->oom_score_adj_set = adj != INT64_MIN;
    res->oom_score_adj = res->oom_score_adj_set ? (int)adj : 0;
    return 0;
}

static int members_from_json(J *o, struct ctr__resources *res)
{
    int r;
    if ((r = values_from_json(o, res)) < 0 || (r = ulimits_from_json(o, res)) < 0 ||
        (r = throttles_from_json(o, "weightDevices", &res->weight_devices, &res->n_weight_devices)) < 0)
        return r;
    for (size_t k = 0; k < CTR__THROTTLE_KINDS; k++)
        if ((r = throttles_from_json(o, throttle_keys[k], &res->throttles[k], &res->n_throttles[k])) < 0)
            return r;
    if ((r = ctr__json_get_strv(o, "devices", &res->devices)) < 0 ||
        (r = ctr__json_get_strv(o, "deviceCgroupRules", &res->device_cgroup_rules)) < 0)
        return r;
    if ((!res->devices && !(res->devices = ctr__strv_copy(NULL))) ||
        (!res->device_cgroup_rules && !(res->device_cgroup_rules = ctr__strv_copy(NULL))))
        return ctr__oom("the resources");
    return 0;
}

int ctr__resources_from_json(json_object *doc, struct ctr__resources *res)
{
    memset(res, 0, sizeof *res);
    J *o = NULL;
    if (json_object_object_get_ex(doc, "resources", &o) && o && !json_object_is_type(o, json_type_object))
        return ctr__err(-EINVAL, "\"resources\" must be an object");
    int r = members_from_json(o, res);
    if (r < 0)
        ctr__resources_clear(res);
    return r;
}

/* ---- the OCI spec ---- */

/* The object member @key of @o, made when absent. */
static int spec_child(J *o, const char *key, const char *where, J **ret)
{
    J *v = NULL;
    if (json_object_object_get_ex(o, key, &v) && v) {
        if (!json_object_is_type(v, json_type_object))
            return ctr__err(-EINVAL, "invalid OCI spec: %s.%s is not an object", where, key);
        *ret = v;
        return 0;
    }
    *ret = json_object_new_object();
    return ctr__json_set(o, key, *ret);
}

/* The array member @key of @o, made when absent. */
static int spec_array(J *o, const char *key, const char *where, J **ret)
{
    J *v = NULL;
    if (json_object_object_get_ex(o, key, &v) && v) {
        if (!json_object_is_type(v, json_type_array))
            return ctr__err(-EINVAL, "invalid OCI spec: %s.%s is not an array", where, key);
        *ret = v;
        return 0;
    }
    *ret = json_object_new_array();
    return ctr__json_set(o, key, *ret);
}

static int push(J *arr, J *v)
{
    if (!v || json_object_array_add(arr, v) < 0) {
        json_object_put(v);
        return ctr__oom("an OCI spec array entry");
    }
    return 0;
}

/* The memory swap limit the spec gets: twice the memory by default, none when unlimited. */
static int64_t effective_swap(const struct ctr__resources *res)
{
    if (res->memory_swap == 0 && res->memory > 0)
        return res->memory > INT64_MAX / 2 ? INT64_MAX : 2 * res->memory;
    return res->memory_swap > 0 ? res->memory_swap : 0;
}

static int64_t effective_quota(const struct ctr__resources *res)
{
    return res->nano_cpus > 0 ? cpus_quota(res->nano_cpus) : res->cpu_quota;
}

static uint64_t effective_period(const struct ctr__resources *res)
{
    return res->nano_cpus > 0 ? CTR__CPU_PERIOD_DEFAULT : res->cpu_period;
}

/* linux.resources.pids.limit: podman's 2048 by default, 0 (none) when unlimited. */
static int64_t effective_pids(const struct ctr__resources *res)
{
    return res->pids_limit == 0 ? CTR__PIDS_LIMIT_DEFAULT : res->pids_limit < 0 ? 0 : res->pids_limit;
}

static int spec_memory(const struct ctr__resources *res, J *resources)
{
    int64_t swap = effective_swap(res);
    if (!res->memory && !res->memory_reservation && !swap && !res->oom_kill_disable)
        return 0;
    J *m;
    int r = spec_child(resources, "memory", "linux.resources", &m);
    if (r >= 0 && res->memory)
        r = ctr__json_add_int(m, "limit", res->memory);
    if (r >= 0 && res->memory_reservation)
        r = ctr__json_add_int(m, "reservation", res->memory_reservation);
    if (r >= 0 && swap)
        r = ctr__json_add_int(m, "swap", swap);
    if (r >= 0 && res->oom_kill_disable)
        r = ctr__json_add_bool(m, "disableOOMKiller", true);
    return r;
}

static int spec_cpu(const struct ctr__resources *res, J *resources)
{
    int64_t quota = effective_quota(res);
    uint64_t period = effective_period(res);
    if (!res->cpu_shares && !quota && !period && !res->cpuset_cpus && !res->cpuset_mems)
        return 0;
    J *c;
    int r = spec_child(resources, "cpu", "linux.resources", &c);
    if (r >= 0 && res->cpu_shares)
        r = ctr__json_set(c, "shares", json_object_new_uint64(res->cpu_shares));
    if (r >= 0 && quota)
        r = ctr__json_add_int(c, "quota", quota);
    if (r >= 0 && period)
        r = ctr__json_set(c, "period", json_object_new_uint64(period));
    if (r >= 0)
        r = ctr__json_add_str(c, "cpus", res->cpuset_cpus);
    if (r >= 0)
        r = ctr__json_add_str(c, "mems", res->cpuset_mems);
    return r;
}

static int spec_pids(const struct ctr__resources *res, J *resources)
{
    if (res->pids_limit == 0 && json_object_object_get_ex(resources, "pids", NULL))
        return 0; /* the base spec's */
    J *p;
    int r = spec_child(resources, "pids", "linux.resources", &p);
    return r < 0 ? r : ctr__json_add_int(p, "limit", effective_pids(res));
}

/* Does the host's blkio controller take a weight?  (podman discards it when not.) */
static bool blkio_weight_supported(void)
{
    if (ctr__cgroup_version() == 2)
        return true;
    return access("/sys/fs/cgroup/blkio/blkio.weight", F_OK) == 0 ||
           access("/sys/fs/cgroup/blkio/blkio.bfq.weight", F_OK) == 0;
}

static int push_rate(J *arr, const struct ctr__throttle *t, const char *key)
{
    dev_t dev;
    int r = throttle_device(t->path, &dev);
    if (r < 0)
        return r;
    J *e = json_object_new_object();
    if ((r = push(arr, e)) < 0)
        return r;
    if ((r = ctr__json_add_int(e, "major", major(dev))) < 0 || (r = ctr__json_add_int(e, "minor", minor(dev))) < 0)
        return r;
    return ctr__json_set(e, key, json_object_new_uint64(t->rate));
}

static int spec_blkio(const struct ctr__resources *res, J *resources)
{
    static const char *const keys[CTR__THROTTLE_KINDS] = { "throttleReadBpsDevice", "throttleWriteBpsDevice",
                                                           "throttleReadIOPSDevice", "throttleWriteIOPSDevice" };
    size_t total = res->n_weight_devices;
    for (size_t k = 0; k < CTR__THROTTLE_KINDS; k++)
        total += res->n_throttles[k];
    if (!res->blkio_weight && total == 0)
        return 0;
    J *b, *arr;
    int r = spec_child(resources, "blockIO", "linux.resources", &b);
    if (r >= 0 && res->blkio_weight && blkio_weight_supported())
        r = ctr__json_add_int(b, "weight", res->blkio_weight);
    if (r >= 0 && res->n_weight_devices && (r = spec_array(b, "weightDevice", "linux.resources.blockIO", &arr)) >= 0)
        for (size_t i = 0; r >= 0 && i < res->n_weight_devices; i++)
            r = push_rate(arr, &res->weight_devices[i], "weight");
    for (size_t k = 0; r >= 0 && k < CTR__THROTTLE_KINDS; k++)
        if (res->n_throttles[k] && (r = spec_array(b, keys[k], "linux.resources.blockIO", &arr)) >= 0)
            for (size_t i = 0; r >= 0 && i < res->n_throttles[k]; i++)
                r = push_rate(arr, &res->throttles[k][i], "rate");
    return r;
}

static J *new_cgroup_rule(char type, int64_t maj, int64_t min, const char *access)
{
    _cleanup_json_ J *o = json_object_new_object();
    char t[2] = { type, '\0' };
    if (!o || ctr__json_add_bool(o, "allow", true) < 0 || ctr__json_add_str(o, "type", t) < 0 ||
        (maj >= 0 && ctr__json_add_int(o, "major", maj) < 0) || (min >= 0 && ctr__json_add_int(o, "minor", min) < 0) ||
        ctr__json_add_str(o, "access", access) < 0)
        return NULL;
    return TAKE_PTR(o);
}

struct spec_devices {
    J *devices, *rules;
    bool privileged;
};

static bool device_listed(J *devices, const char *path)
{
    size_t n = json_object_array_length(devices);
    for (size_t i = 0; i < n; i++)
        if (streq_null(ctr__json_str(json_object_array_get_idx(devices, i), "path"), path))
            return true;
    return false;
}

static int add_device(const struct device_node *n, void *userdata)
{
    struct spec_devices *sd = userdata;
    const char *type = S_ISBLK(n->st.st_mode) ? "b" : "c";
    int r;
    if (!device_listed(sd->devices, n->ctr)) {
        J *d = json_object_new_object();
        if ((r = push(sd->devices, d)) < 0 || (r = ctr__json_add_str(d, "path", n->ctr)) < 0 ||
            (r = ctr__json_add_str(d, "type", type)) < 0 ||
            (r = ctr__json_add_int(d, "major", major(n->st.st_rdev))) < 0 ||
            (r = ctr__json_add_int(d, "minor", minor(n->st.st_rdev))) < 0 ||
            (r = ctr__json_add_int(d, "fileMode", n->st.st_mode & 07777)) < 0 ||
            (r = ctr__json_add_int(d, "uid", n->st.st_uid)) < 0 || (r = ctr__json_add_int(d, "gid", n->st.st_gid)) < 0)
            return r;
    }
    if (sd->privileged)
        return 0; /* every device is allowed already */
    return push(sd->rules, new_cgroup_rule(type[0], major(n->st.st_rdev), minor(n->st.st_rdev), n->perms));
}

static int spec_devices(const struct ctr__resources *res, bool privileged, J *linux_, J *resources)
{
    bool any_rule = res->device_cgroup_rules && res->device_cgroup_rules[0];
    if (!(res->devices && res->devices[0]) && !any_rule)
        return 0;
    struct spec_devices sd = { .privileged = privileged };
    int r;
    if ((r = spec_array(linux_, "devices", "linux", &sd.devices)) < 0 ||
        (r = spec_array(resources, "devices", "linux.resources", &sd.rules)) < 0)
        return r;
    for (size_t i = 0; res->devices && res->devices[i]; i++)
        if ((r = for_each_device(res->devices[i], add_device, &sd)) < 0)
            return ctr__err_prefix(r, "device %s", res->devices[i]);
    for (size_t i = 0; !privileged && res->device_cgroup_rules && res->device_cgroup_rules[i]; i++) {
        struct device_rule rule;
        if ((r = parse_rule(res->device_cgroup_rules[i], &rule)) < 0 ||
            (r = push(sd.rules, new_cgroup_rule(rule.type, rule.major, rule.minor, rule.access))) < 0)
            return r;
    }
    if (json_object_array_length(sd.devices) == 0)
        json_object_object_del(linux_, "devices");
    return 0;
}

static bool have_sys_resource(void)
{
    struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
    struct __user_cap_data_struct d[2];
    if (syscall(SYS_capget, &h, d) < 0)
        return false;
    return d[CAP_SYS_RESOURCE / 32].effective & (1u << (CAP_SYS_RESOURCE % 32));
}

/* An explicit ulimit must be one the kernel takes: its hard limit no
 * higher than ours unless we may raise it (then up to fs.nr_open for nofile). */
static int check_hard_limit(const struct ctr__ulimit *u)
{
    int k = ulimit_index(u->name);
    struct rlimit cur;
    if (k < 0)
        return ctr__err(-EINVAL, "invalid ulimit type: %s", u->name);
    if (getrlimit(ulimit_names[k].resource, &cur) < 0)
        return ctr__err(-errno, "getrlimit(%s): %m", u->name);
    uint64_t hard = rlim_value(u->hard), max = cur.rlim_max == RLIM_INFINITY ? UINT64_MAX : cur.rlim_max;
    if (hard > max && !have_sys_resource())
        return ctr__err(-EPERM,
                        "ulimit %s: the hard limit %" PRIu64 " is above this process's hard limit %" PRIu64
                        " (raising it needs CAP_SYS_RESOURCE)",
                        ulimit_names[k].name, hard, max);
    if (ulimit_names[k].resource == RLIMIT_NOFILE && hard > 0) {
        unsigned long nr_open = 0;
        _cleanup_fclose_ FILE *f = fopen("/proc/sys/fs/nr_open", "re");
        if (f && fscanf(f, "%lu", &nr_open) == 1 && hard > nr_open)
            return ctr__err(-EPERM, "ulimit nofile: the hard limit %" PRIu64 " is above fs.nr_open (%lu)", hard,
                            nr_open);
    }
    return 0;
}

/* process.rlimits: the explicit ulimits first (podman's order), then the
 * entries already there (the defaults) that they do not replace. */
static int spec_rlimits(const struct ctr__resources *res, J *process)
{
    if (res->n_ulimits == 0)
        return 0;
    J *old;
    int r = spec_array(process, "rlimits", "process", &old);
    if (r < 0)
        return r;
    _cleanup_json_ J *keep = json_object_get(old); /* alive while arr replaces it */
    J *arr = json_object_new_array();
    if ((r = ctr__json_set(process, "rlimits", arr)) < 0)
        return r;
    for (size_t i = 0; i < res->n_ulimits; i++) {
        const struct ctr__ulimit *u = &res->ulimits[i];
        bool later = false; /* a later entry of the same name wins */
        for (size_t j = i + 1; j < res->n_ulimits; j++)
            later |= streq(res->ulimits[j].name, u->name);
        if (later)
            continue;
        if ((r = check_hard_limit(u)) < 0)
            return r;
        J *e = json_object_new_object();
        if ((r = push(arr, e)) < 0 || (r = ctr__json_add_str(e, "type", u->name)) < 0 ||
            (r = ctr__json_set(e, "soft", json_object_new_uint64(rlim_value(u->soft)))) < 0 ||
            (r = ctr__json_set(e, "hard", json_object_new_uint64(rlim_value(u->hard)))) < 0)
            return r;
    }
    size_t n = json_object_array_length(keep);
    for (size_t i = 0; i < n; i++) {
        J *e = json_object_array_get_idx(keep, i);
        const char *type = ctr__json_str(e, "type");
        bool replaced = false;
        for (size_t j = 0; type && j < res->n_ulimits; j++)
            replaced |= streq(res->ulimits[j].name, type);
        if (!replaced && (r = push(arr, json_object_get(e))) < 0)
            return r;
    }
    return 0;
}

int ctr__resources_spec(const struct ctr__resources *res, bool privileged, json_object *spec)
{
    J *linux_, *resources, *process;
    int r;
    if ((r = spec_child(spec, "linux", "spec", &linux_)) < 0 ||
        (r = spec_child(linux_, "resources", "linux", &resources)) < 0 ||
        (r = spec_child(spec, "process", "spec", &process)) < 0)
        return r;
    if ((r = spec_memory(res, resources)) < 0 || (r = spec_cpu(res, resources)) < 0 ||
        (r = spec_pids(res, resources)) < 0 || (r = spec_blkio(res, resources)) < 0 ||
        (r = spec_devices(res, privileged, linux_, resources)) < 0 || (r = spec_rlimits(res, process)) < 0)
        return r;
    if (res->oom_score_adj_set && (r = ctr__json_add_int(process, "oomScoreAdj", res->oom_score_adj)) < 0)
        return r;
    return 0;
}

/* A limit in @obj's @key that none means stated as -1 (unlimited). */
static int add_unlimited(J *resources, const char *obj, const char *key)
{
    J *o;
    int r = spec_child(resources, obj, "linux.resources", &o);
    return r < 0 ? r : ctr__json_add_int(o, key, -1);
}

int ctr__resources_update_json(const struct ctr__resources *res, char **ret)
{
    _cleanup_json_ J *o = json_object_new_object();
    if (!o)
        return ctr__oom("the resources of an update");
    int r;
    if ((r = spec_memory(res, o)) < 0 || (r = spec_cpu(res, o)) < 0 || (r = spec_pids(res, o)) < 0 ||
        (r = spec_blkio(res, o)) < 0)
        return r;
    /* The runtime keeps what it is not told: a limit that is gone is -1. */
    if ((!res->memory && (r = add_unlimited(o, "memory", "limit")) < 0) ||
        (!effective_swap(res) && (r = add_unlimited(o, "memory", "swap")) < 0) ||
        (!effective_quota(res) && (r = add_unlimited(o, "cpu", "quota")) < 0) ||
        (res->pids_limit < 0 && (r = add_unlimited(o, "pids", "limit")) < 0))
        return r;
    return ctr__json_to_string(o, ret);
}

/* ---- inspect ---- */

/* @name: [{"Path": ..., key: ...}]; null when the container has no block
 * I/O setting (podman's: its lists come from the spec's blockIO). */
static int throttles_inspect(J *host_config, const char *name, const struct ctr__throttle *v, size_t n,
                             const char *key, bool block_io)
{
    if (!block_io)
        return json_object_object_add(host_config, name, NULL) < 0 ? ctr__oom("the inspect document") : 0;
    J *arr = json_object_new_array();
    int r = ctr__json_set(host_config, name, arr);
    for (size_t i = 0; r >= 0 && i < n; i++) {
        J *e = json_object_new_object();
        if ((r = push(arr, e)) >= 0 && (r = ctr__json_add_str(e, "Path", v[i].path)) >= 0)
            r = ctr__json_set(e, key, json_object_new_uint64(v[i].rate));
    }
    return r;
}

static int push_ulimit(J *arr, const char *name, int64_t soft, int64_t hard)
{
    J *e = json_object_new_object();
    int r;
    if ((r = push(arr, e)) < 0 || (r = ctr__json_add_str(e, "Name", name)) < 0 ||
        (r = ctr__json_add_int(e, "Soft", soft)) < 0 || (r = ctr__json_add_int(e, "Hard", hard)) < 0)
        return r;
    return 0;
}

/* The explicit ulimits, then the defaults the spec gets (clamped) for the others. */
static J *ulimits_inspect(const struct ctr__resources *res)
{
    static const struct {
        const char *name;
        int resource;
        int64_t v;
    } defaults[] = {
        { "RLIMIT_NOFILE", RLIMIT_NOFILE, CTR__RLIMIT_NOFILE_DEFAULT },
        { "RLIMIT_NPROC", RLIMIT_NPROC, CTR__RLIMIT_NPROC_DEFAULT },
    };
    _cleanup_json_ J *arr = json_object_new_array();
    if (!arr)
        return NULL;
    for (size_t i = 0; i < res->n_ulimits; i++)
        if (push_ulimit(arr, res->ulimits[i].name, res->ulimits[i].soft, res->ulimits[i].hard) < 0)
            return NULL;
    for (size_t i = 0; i < ARRAY_SIZE(defaults); i++) {
        bool given = false;
        for (size_t j = 0; j < res->n_ulimits; j++)
            given |= streq(res->ulimits[j].name, defaults[i].name);
        struct rlimit cur;
        int64_t v = defaults[i].v;
        if (getrlimit(defaults[i].resource, &cur) == 0 && cur.rlim_max != RLIM_INFINITY && (uint64_t)v > cur.rlim_max)
            v = (int64_t)cur.rlim_max;
        if (!given && push_ulimit(arr, defaults[i].name, v, v) < 0)
            return NULL;
    }
    return TAKE_PTR(arr);
}

static int inspect_device(const struct device_node *n, void *userdata)
{
    J *e = json_object_new_object();
    int r;
    /* podman 4.3 shows no permissions here */
    if ((r = push(userdata, e)) < 0 || (r = ctr__json_add_str(e, "PathOnHost", n->host)) < 0 ||
        (r = ctr__json_add_str(e, "PathInContainer", n->ctr)) < 0 ||
        (r = ctr__json_add_str(e, "CgroupPermissions", "")) < 0)
        return r;
    return 0;
}

/* Devices: each device node given, as podman lists them (a directory's nodes
 * one by one); a string that no longer resolves is shown as given. */
static J *devices_inspect(const struct ctr__resources *res)
{
    _cleanup_json_ J *arr = json_object_new_array();
    for (size_t i = 0; arr && res->devices && res->devices[i]; i++) {
        size_t before = json_object_array_length(arr);
        if (for_each_device(res->devices[i], inspect_device, arr) == 0)
            continue;
        if (ctr__err_code() == -ENOMEM)
            return NULL;
        while (json_object_array_length(arr) > before)
            json_object_array_del_idx(arr, json_object_array_length(arr) - 1, 1);
        struct device_spec d;
        struct stat st = { 0 };
        if (parse_device(res->devices[i], &d) == 0 &&
            inspect_device(&(struct device_node){ d.host, d.ctr, d.perms, st }, arr) < 0)
            return NULL;
    }
    return TAKE_PTR(arr);
}

int ctr__resources_inspect(const struct ctr__resources *res, json_object *host_config)
{
    int64_t swap = res->memory_swap < 0 ? 0 : effective_swap(res);
    /* podman: -1 (the system's) with a memory section in the spec, else 0 */
    bool memory_in_spec = res->memory || res->memory_reservation || swap || res->oom_kill_disable;
    const struct {
        const char *key;
        int64_t v;
    } ints[] = {
        { "Memory", res->memory }, { "MemorySwap", swap }, { "MemoryReservation", res->memory_reservation },
        { "KernelMemory", 0 }, { "MemorySwappiness", memory_in_spec ? -1 : 0 }, { "NanoCpus", res->nano_cpus },
        { "CpuShares", (int64_t)res->cpu_shares }, { "CpuPeriod", (int64_t)effective_period(res) },
        { "CpuQuota", effective_quota(res) }, { "CpuRealtimePeriod", 0 }, { "CpuRealtimeRuntime", 0 },
        { "CpuCount", 0 }, { "CpuPercent", 0 }, { "PidsLimit", effective_pids(res) },
        { "BlkioWeight", res->blkio_weight }, { "OomScoreAdj", res->oom_score_adj },
        { "IOMaximumIOps", 0 }, { "IOMaximumBandwidth", 0 },
    };
    int r = 0;
    for (size_t i = 0; r >= 0 && i < ARRAY_SIZE(ints); i++)
        r = ctr__json_add_int(host_config, ints[i].key, ints[i].v);
    static const char *const keys[CTR__THROTTLE_KINDS] = { "BlkioDeviceReadBps", "BlkioDeviceWriteBps",
                                                           "BlkioDeviceReadIOps", "BlkioDeviceWriteIOps" };
    bool block_io = res->blkio_weight || res->n_weight_devices;
    for (size_t k = 0; k < CTR__THROTTLE_KINDS; k++)
        block_io |= res->n_throttles[k] > 0;
    for (size_t k = 0; r >= 0 && k < CTR__THROTTLE_KINDS; k++)
        r = throttles_inspect(host_config, keys[k], res->throttles[k], res->n_throttles[k], "Rate", block_io);
    if (r < 0 ||
        (r = throttles_inspect(host_config, "BlkioWeightDevice", res->weight_devices, res->n_weight_devices,
                               "Weight", block_io)) < 0 ||
        (r = ctr__json_add_str(host_config, "CpusetCpus", res->cpuset_cpus ? res->cpuset_cpus : "")) < 0 ||
        (r = ctr__json_add_str(host_config, "CpusetMems", res->cpuset_mems ? res->cpuset_mems : "")) < 0 ||
        (r = ctr__json_add_bool(host_config, "OomKillDisable", res->oom_kill_disable)) < 0 ||
        (r = ctr__json_set(host_config, "Ulimits", ulimits_inspect(res))) < 0 ||
        (r = ctr__json_set(host_config, "Devices", devices_inspect(res))) < 0)
        return r;
    return 0;
}

/* ---- the cgroup mapping ---- */

int ctr__cgroup_version(void)
{
    return access("/sys/fs/cgroup/cgroup.controllers", F_OK) == 0 ? 2 : 1;
}

struct files {
    struct ctr__cgroup_file *v;
    size_t n, cap;
};

static int file_add(struct files *f, const char *name, const char *fmt, ...) _printf_(3, 4);
static int file_add(struct files *f, const char *name, const char *fmt, ...)
{
    if (f->n == f->cap) {
        size_t cap = f->cap ? 2 * f->cap : 16;
        struct ctr__cgroup_file *v = realloc(f->v, cap * sizeof *v);
        if (!v)
            return ctr__oom("the cgroup files");
        f->v = v;
        f->cap = cap;
    }
    struct ctr__cgroup_file *e = &f->v[f->n++];
    snprintf(e->name, sizeof e->name, "%s", name);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->value, sizeof e->value, fmt, ap);
    va_end(ap);
    return 0;
}

/* The kernel keeps memory limits in pages. */
static int64_t pages(int64_t bytes)
{
    long ps = sysconf(_SC_PAGESIZE);
    return ps > 0 ? bytes / ps * ps : bytes;
}

static int memory_files(const struct ctr__resources *res, int version, struct files *f)
{
    int64_t swap = effective_swap(res);
    int r = 0;
    if (version == 1) {
        if (res->memory)
            r = file_add(f, "memory.limit_in_bytes", "%" PRId64, pages(res->memory));
        if (r >= 0 && (swap || (res->memory && res->memory_swap < 0)))
            r = file_add(f, "memory.memsw.limit_in_bytes", "%" PRId64, pages(swap ? swap : INT64_MAX));
        if (r >= 0 && res->memory_reservation)
            r = file_add(f, "memory.soft_limit_in_bytes", "%" PRId64, pages(res->memory_reservation));
        if (r >= 0 && res->oom_kill_disable)
            r = file_add(f, "memory.oom_control", "oom_kill_disable 1");
        return r;
    }
    /* v2: memory.swap.max is the swap alone; no OOM killer switch */
    if (res->memory)
        r = file_add(f, "memory.max", "%" PRId64, pages(res->memory));
    if (r >= 0 && res->memory && res->memory_swap < 0)
        r = file_add(f, "memory.swap.max", "max");
    else if (r >= 0 && swap)
        r = file_add(f, "memory.swap.max", "%" PRId64, pages(swap - res->memory));
    if (r >= 0 && res->memory_reservation)
        r = file_add(f, "memory.low", "%" PRId64, pages(res->memory_reservation));
    return r;
}

static int cpu_files(const struct ctr__resources *res, int version, struct files *f)
{
    int64_t quota = effective_quota(res);
    uint64_t period = effective_period(res);
    int r = 0;
    if (version == 1) {
        if (res->cpu_shares)
            r = file_add(f, "cpu.shares", "%" PRIu64, res->cpu_shares);
        if (r >= 0 && quota)
            r = file_add(f, "cpu.cfs_quota_us", "%" PRId64, quota);
        if (r >= 0 && period)
            r = file_add(f, "cpu.cfs_period_us", "%" PRIu64, period);
    } else {
        /* runc 1.1's conversion of shares [2, 262144] to a weight [1, 10000] */
        if (res->cpu_shares)
            r = file_add(f, "cpu.weight", "%" PRIu64, 1 + ((res->cpu_shares - 2) * 9999) / 262142);
        if (r >= 0 && (quota || period))
            r = quota > 0 ? file_add(f, "cpu.max", "%" PRId64 " %" PRIu64, quota, period ? period : 100000)
                          : file_add(f, "cpu.max", "max %" PRIu64, period);
    }
    if (r >= 0 && res->cpuset_cpus)
        r = file_add(f, "cpuset.cpus", "%s", res->cpuset_cpus);
    if (r >= 0 && res->cpuset_mems)
        r = file_add(f, "cpuset.mems", "%s", res->cpuset_mems);
    return r;
}

static int blkio_files_v1(const struct ctr__resources *res, struct files *f)
{
    static const char *const names[CTR__THROTTLE_KINDS] = {
        "blkio.throttle.read_bps_device", "blkio.throttle.write_bps_device", "blkio.throttle.read_iops_device",
        "blkio.throttle.write_iops_device"
    };
    dev_t dev;
    /* the weight only where the spec has it */
    int r = res->blkio_weight && blkio_weight_supported() ? file_add(f, "blkio.weight", "%u", res->blkio_weight) : 0;
    for (size_t i = 0; r >= 0 && i < res->n_weight_devices; i++)
        if ((r = throttle_device(res->weight_devices[i].path, &dev)) >= 0)
            r = file_add(f, "blkio.weight_device", "%u:%u %" PRIu64, major(dev), minor(dev),
                         res->weight_devices[i].rate);
    for (size_t k = 0; r >= 0 && k < CTR__THROTTLE_KINDS; k++)
        for (size_t i = 0; r >= 0 && i < res->n_throttles[k]; i++)
            if ((r = throttle_device(res->throttles[k][i].path, &dev)) >= 0)
                r = file_add(f, names[k], "%u:%u %" PRIu64, major(dev), minor(dev), res->throttles[k][i].rate);
    return r;
}

/* v2: io.max has one line per device with all four limits ("max" when unset). */
static int blkio_files_v2(const struct ctr__resources *res, struct files *f)
{
    static const char *const keys[CTR__THROTTLE_KINDS] = { "rbps", "wbps", "riops", "wiops" };
    int r = res->blkio_weight ? file_add(f, "io.weight", "default %u", 1 + (res->blkio_weight - 10) * 9999 / 990) : 0;
    dev_t dev, other;
    for (size_t i = 0; r >= 0 && i < res->n_weight_devices; i++)
        if ((r = throttle_device(res->weight_devices[i].path, &dev)) >= 0)
            r = file_add(f, "io.bfq.weight", "%u:%u %" PRIu64, major(dev), minor(dev), res->weight_devices[i].rate);
    for (size_t k = 0; r >= 0 && k < CTR__THROTTLE_KINDS; k++)
        for (size_t i = 0; r >= 0 && i < res->n_throttles[k]; i++) {
            if ((r = throttle_device(res->throttles[k][i].path, &dev)) < 0)
                return r;
            bool seen = false; /* one line per device, made at its first throttle */
            for (size_t k2 = 0; k2 <= k && !seen; k2++)
                for (size_t j = 0; j < (k2 < k ? res->n_throttles[k2] : i) && !seen; j++)
                    seen = throttle_device(res->throttles[k2][j].path, &other) == 0 && other == dev;
            if (seen)
                continue;
            char line[96], *p = line;
            p += snprintf(p, sizeof line, "%u:%u", major(dev), minor(dev));
            for (size_t k2 = 0; k2 < CTR__THROTTLE_KINDS; k2++) {
                uint64_t rate = 0;
                for (size_t j = 0; j < res->n_throttles[k2]; j++)
                    if (throttle_device(res->throttles[k2][j].path, &other) == 0 && other == dev)
                        rate = res->throttles[k2][j].rate;
                p += rate ? snprintf(p, (size_t)(line + sizeof line - p), " %s=%" PRIu64, keys[k2], rate)
                          : snprintf(p, (size_t)(line + sizeof line - p), " %s=max", keys[k2]);
            }
            r = file_add(f, "io.max", "%s", line);
        }
    return r;
}

int ctr__resources_cgroup_files(const struct ctr__resources *res, int version, struct ctr__cgroup_file **ret,
                                size_t *ret_n)
{
    if (version != 1 && version != 2)
        return ctr__err(-EINVAL, "cgroup version %d is not 1 or 2", version);
    struct files f = { 0 };
    int64_t pids = effective_pids(res);
    int r;
    if ((r = memory_files(res, version, &f)) < 0 || (r = cpu_files(res, version, &f)) < 0 ||
        (r = pids ? file_add(&f, "pids.max", "%" PRId64, pids) : file_add(&f, "pids.max", "max")) < 0 ||
        (r = version == 1 ? blkio_files_v1(res, &f) : blkio_files_v2(res, &f)) < 0) {
        free(f.v);
        return r;
    }
    *ret = f.v;
    *ret_n = f.n;
    return 0;
}
