/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* ctrctl: the resource and device options of create and run, with podman's
 * syntax and messages (--memory ... --ulimit, --device, --device-cgroup-rule,
 * --shm-size, --oom-*). */
#include "ctrctl.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ram-size.h"

const char resource_args_usage[] =
    "  -m, --memory SIZE           memory limit (SIZE: NUMBER[b|k|m|g], powers of 1024)\n"
    "      --memory-swap SIZE      memory plus swap: -1 for unlimited (default: twice --memory)\n"
    "      --memory-reservation SIZE  memory soft limit\n"
    "      --kernel-memory SIZE    no longer supported: ignored\n"
    "      --cpus NUMBER           number of CPUs (0.5: a quota of 50000 per 100000 us)\n"
    "  -c, --cpu-shares N          CPU shares (relative weight)\n"
    "      --cpu-period US         CPU CFS period\n"
    "      --cpu-quota US          CPU CFS quota\n"
    "      --cpuset-cpus LIST      CPUs in which to allow execution (0-3, 0,1)\n"
    "      --cpuset-mems LIST      memory nodes in which to allow execution (0-3, 0,1)\n"
    "      --pids-limit N          pids limit (-1 for unlimited; default 2048)\n"
    "      --blkio-weight N        block IO weight, 10 to 1000\n"
    "      --blkio-weight-device DEVICE:WEIGHT  block IO weight of a device\n"
    "      --device-read-bps DEVICE:RATE   limit the read rate (bytes per second, 1mb)\n"
    "      --device-write-bps DEVICE:RATE  limit the write rate (bytes per second)\n"
    "      --device-read-iops DEVICE:N     limit the read rate (IO per second)\n"
    "      --device-write-iops DEVICE:N    limit the write rate (IO per second)\n"
    "      --oom-score-adj N       the host's OOM preference (-1000 to 1000)\n"
    "      --oom-kill-disable      disable the OOM killer\n"
    "      --ulimit NAME=SOFT[:HARD]  resource limit (nofile=1024:2048, core=-1) (repeatable)\n"
    "      --device HOST[:CONTAINER][:PERMS]  add a host device (repeatable)\n"
    "      --device-cgroup-rule RULE  allow devices: 'c 1:3 rwm' (repeatable)\n"
    "      --shm-size SIZE         size of /dev/shm (default 64m)\n";

/* A copy of @s kept in r->strings (its address is stable); NULL when out of memory (printed). */
static const char *keep(resource_args_t *r, const char *s)
{
    return strv_push(&r->strings, s) < 0 ? NULL : r->strings.v[r->strings.n - 1];
}

/* A size option: podman's "invalid value for memory: invalid size: '12q'". */
static int size_option(const char *prefix, const char *arg, int64_t *ret)
{
    char err[256];
    if (ram_in_bytes(arg, ret, err, sizeof err) < 0)
        return ctrctl_error("%s: %s", prefix, err);
    return 0;
}

/* An integer flag, with pflag's message when it is not one. */
static int int_option(const char *flag, const char *arg, bool is_unsigned, int64_t *ret)
{
    char *end;
    errno = 0;
    long long v = strtoll(arg, &end, 10);
    if (!*arg || *end || errno || (is_unsigned && (v < 0 || arg[0] == '-')))
        return ctrctl_error("invalid argument \"%s\" for \"%s\" flag: strconv.Parse%s: parsing \"%s\": %s", arg, flag,
                            is_unsigned ? "Uint" : "Int", arg, errno == ERANGE ? "value out of range" : "invalid syntax");
    *ret = v;
    return 0;
}

static int cpus_option(resource_args_t *r, const char *arg)
{
    char *end;
    errno = 0;
    double v = strtod(arg, &end);
    if (!*arg || *end || errno || !isfinite(v))
        return ctrctl_error("invalid argument \"%s\" for \"--cpus\" flag: strconv.ParseFloat: parsing \"%s\": "
                            "invalid syntax", arg, arg);
    if (v < 0)
        return ctrctl_error("invalid argument \"%s\" for \"--cpus\" flag: the number of CPUs must be positive", arg);
    if (v * 1e9 > 9.2e18)
        return ctrctl_error("invalid argument \"%s\" for \"--cpus\" flag: too many CPUs", arg);
    r->cpus = v;
    return 0;
}

/* DEVICE:VALUE for --blkio-weight-device and the throttles. */
static int split_device(const char *arg, char **ret_path, const char **ret_value)
{
    const char *colon = strchr(arg, ':');
    if (!colon)
        return ctrctl_error("bad format: %s", arg);
    if (strncmp(arg, "/dev/", 5) != 0)
        return ctrctl_error("bad format for device path: %s", arg);
    if (!(*ret_path = strndup(arg, (size_t)(colon - arg))))
        return ctrctl_error("out of memory");
    *ret_value = colon + 1;
    return 0;
}

static int throttle_option(resource_args_t *r, int kind, const char *arg)
{
    char *path = NULL, err[256];
    const char *value;
    int64_t rate = 0;
    if (split_device(arg, &path, &value))
        return EXIT_ENGINE;
    bool bps = kind == 0 || kind == 1, bad;
    if (bps) {
        bad = ram_in_bytes(value, &rate, err, sizeof err) < 0 || rate <= 0;
    } else {
        char *end;
        errno = 0;
        rate = (int64_t)strtoll(value, &end, 10);
        bad = !*value || *end || errno || rate <= 0 || value[0] == '-';
    }
    ctr_throttle_device_t *v = bad ? NULL : realloc(r->throttles[kind], (r->n_throttles[kind] + 1) * sizeof *v);
    int ret = 0;
    if (bad && bps)
        ret = ctrctl_error("invalid rate for device: %s. The correct format is <device-path>:<number>[<unit>]. "
                           "Number must be a positive integer. Unit is optional and can be kb, mb, or gb", arg);
    else if (bad)
        ret = ctrctl_error("invalid rate for device: %s. The correct format is <device-path>:<number>. "
                           "Number must be a positive integer", arg);
    else if (!v)
        ret = ctrctl_error("out of memory");
    if (v)
        r->throttles[kind] = v;
    const char *kept = ret == 0 ? keep(r, path) : NULL;
    if (ret == 0 && !kept)
        ret = EXIT_ENGINE;
    if (kept)
        v[r->n_throttles[kind]++] = (ctr_throttle_device_t){ kept, (uint64_t)rate };
    free(path);
    return ret;
}

static int weight_device_option(resource_args_t *r, const char *arg)
{
    char *path = NULL, *end;
    const char *value;
    if (split_device(arg, &path, &value))
        return EXIT_ENGINE;
    errno = 0;
    unsigned long w = strtoul(value, &end, 10);
    int ret = 0;
    ctr_weight_device_t *v = NULL;
    if (!*value || *end || errno || value[0] == '-' || (w > 0 && (w < 10 || w > 1000)) || w == 0)
        ret = ctrctl_error("invalid weight for device: %s", arg);
    else if (!(v = realloc(r->weights, (r->n_weights + 1) * sizeof *v)))
        ret = ctrctl_error("out of memory");
    if (v)
        r->weights = v;
    const char *kept = ret == 0 ? keep(r, path) : NULL;
    if (ret == 0 && !kept)
        ret = EXIT_ENGINE;
    if (kept)
        v[r->n_weights++] = (ctr_weight_device_t){ kept, (uint16_t)w };
    free(path);
    return ret;
}

/* NAME=SOFT[:HARD] (go-units' ParseUlimit, wrapped as podman wraps it). */
static int ulimit_option(resource_args_t *r, const char *arg)
{
    static const char *const names[] = { "core",  "cpu", "data",   "fsize",  "locks",      "memlock", "msgqueue", "nice",
                                         "nofile", "nproc", "rss", "rtprio", "rttime", "sigpending", "stack" };
    const char *eq = strchr(arg, '=');
    char why[200] = "", name[32];
    int64_t soft = 0, hard = 0;
    size_t nlen = eq ? (size_t)(eq - arg) : 0;
    bool known = false;
    for (size_t i = 0; eq && nlen < sizeof name && i < sizeof names / sizeof *names; i++)
        known |= strlen(names[i]) == nlen && strncmp(names[i], arg, nlen) == 0;
    if (!eq) {
        snprintf(why, sizeof why, "invalid ulimit argument: %s", arg);
    } else if (!known) {
        snprintf(why, sizeof why, "invalid ulimit type: %.*s", (int)nlen, arg);
    } else {
        const char *v = eq + 1, *colon = strchr(v, ':');
        char *end;
        if (colon && strchr(colon + 1, ':')) {
            snprintf(why, sizeof why, "too many limit value arguments - %s, can only have up to two, `soft[:hard]`", v);
        } else {
            errno = 0;
            soft = strtoll(v, &end, 10);
            if (end == v || end != (colon ? colon : v + strlen(v)) || errno)
                snprintf(why, sizeof why, "strconv.ParseInt: parsing \"%.*s\": invalid syntax",
                         (int)(colon ? (size_t)(colon - v) : strlen(v)), v);
            hard = soft;
            if (!why[0] && colon) {
                hard = strtoll(colon + 1, &end, 10);
                if (end == colon + 1 || *end || errno)
                    snprintf(why, sizeof why, "strconv.ParseInt: parsing \"%s\": invalid syntax", colon + 1);
            }
            if (!why[0] && hard != -1 && soft > hard)
                snprintf(why, sizeof why,
                         "ulimit soft limit must be less than or equal to hard limit: %lld > %lld", (long long)soft,
                         (long long)hard);
        }
    }
    if (why[0])
        return ctrctl_error("ulimit option \"%s\" requires name=SOFT:HARD, failed to be parsed: %s", arg, why);
    snprintf(name, sizeof name, "%.*s", (int)nlen, arg);
    ctr_ulimit_t *u = realloc(r->ulimits, (r->n_ulimits + 1) * sizeof *u);
    if (!u)
        return ctrctl_error("out of memory");
    r->ulimits = u;
    const char *kept = keep(r, name);
    if (!kept)
        return EXIT_ENGINE;
    u[r->n_ulimits++] = (ctr_ulimit_t){ kept, soft, hard };
    return 0;
}

/* podman 4.3 takes --kernel-memory and ignores it, with this warning. */
static void warn_kernel_memory(void)
{
    char t[64];
    format_time(now_ns(), t, sizeof t);
    char *dot = strchr(t, '.');
    if (dot)
        strcpy(dot, "Z");
    fprintf(stderr, "time=\"%s\" level=warning msg=\"The --kernel-memory flag is no longer supported. "
                    "This flag is a noop.\"\n", t);
}

static int scalar_option(resource_args_t *r, int opt, const char *arg)
{
    ctr_container_options_t *v = &r->v;
    int64_t n;
    switch (opt) {
    case 'm': return size_option("invalid value for memory", arg, &v->memory);
    case OPT_RES_MEMORY_SWAP:
        if (strcmp(arg, "-1") == 0) {
            v->memory_swap = -1;
            return 0;
        }
        return size_option("invalid value for memory", arg, &v->memory_swap);
    case OPT_RES_MEMORY_RESERVATION: return size_option("invalid value for memory", arg, &v->memory_reservation);
    case OPT_RES_SHM_SIZE: return size_option("unable to translate --shm-size", arg, &v->shm_size);
    case OPT_RES_KERNEL_MEMORY:
        warn_kernel_memory();
        return 0;
    case OPT_RES_CPUS: return cpus_option(r, arg);
    case 'c': return int_option("-c, --cpu-shares", arg, true, &n) ? EXIT_ENGINE : (v->cpu_shares = (uint64_t)n, 0);
    case OPT_RES_CPU_PERIOD:
        return int_option("--cpu-period", arg, true, &n) ? EXIT_ENGINE : (v->cpu_period = (uint64_t)n, 0);
    case OPT_RES_CPU_QUOTA: return int_option("--cpu-quota", arg, false, &v->cpu_quota) ? EXIT_ENGINE : 0;
    case OPT_RES_PIDS_LIMIT:
        if (int_option("--pids-limit", arg, false, &n))
            return EXIT_ENGINE;
        v->pids_limit = n <= 0 ? -1 : n; /* podman: 0 is unlimited too */
        return 0;
    case OPT_RES_BLKIO_WEIGHT:
        if (int_option("--blkio-weight", arg, true, &n) || n > 65535)
            return n > 65535 ? ctrctl_error("invalid value for blkio-weight: %s", arg) : EXIT_ENGINE;
        v->blkio_weight = (uint16_t)n;
        return 0;
    case OPT_RES_OOM_SCORE_ADJ:
        if (int_option("--oom-score-adj", arg, false, &n))
            return EXIT_ENGINE;
        if (n < -1000 || n > 1000)
            return ctrctl_error("invalid value for oom-score-adj %s: the range is -1000 to 1000", arg);
        v->oom_score_adj = (int)n;
        v->flags |= CTR_CREATE_OOM_SCORE_ADJ;
        return 0;
    case OPT_RES_OOM_KILL_DISABLE: v->flags |= CTR_CREATE_OOM_KILL_DISABLE; return 0;
    default: return 1;
    }
}

int resource_args_option(resource_args_t *r, int opt, const char *arg)
{
    switch (opt) {
    case OPT_RES_CPUSET_CPUS: return (r->v.cpuset_cpus = keep(r, arg)) ? 0 : EXIT_ENGINE;
    case OPT_RES_CPUSET_MEMS: return (r->v.cpuset_mems = keep(r, arg)) ? 0 : EXIT_ENGINE;
    case OPT_RES_BLKIO_WEIGHT_DEVICE: return weight_device_option(r, arg);
    case OPT_RES_READ_BPS: return throttle_option(r, 0, arg);
    case OPT_RES_WRITE_BPS: return throttle_option(r, 1, arg);
    case OPT_RES_READ_IOPS: return throttle_option(r, 2, arg);
    case OPT_RES_WRITE_IOPS: return throttle_option(r, 3, arg);
    case OPT_RES_ULIMIT: return ulimit_option(r, arg);
    case OPT_RES_DEVICE: return strv_push(&r->devices, arg) < 0 ? EXIT_ENGINE : 0;
    case OPT_RES_DEVICE_CGROUP_RULE: return strv_push(&r->rules, arg) < 0 ? EXIT_ENGINE : 0;
    default: return scalar_option(r, opt, arg);
    }
}

/* The podman checks of the command line, with its messages. */
static int check_args(const resource_args_t *r)
{
    const ctr_container_options_t *v = &r->v;
    if (v->memory_swap != 0 && v->memory == 0)
        return ctrctl_error("you should always set a memory limit when using a memoryswap limit, see usage");
    if (v->memory_swap > 0 && v->memory_swap < v->memory)
        return ctrctl_error("minimum memoryswap limit should be larger than memory limit, see usage");
    if (v->memory > 0 && v->memory_reservation > v->memory)
        return ctrctl_error("minimum memory limit cannot be less than memory reservation limit, see usage");
    if (r->cpus > 0 && v->cpu_quota != 0)
        return ctrctl_error("--cpu-quota and --cpus cannot be set together");
    if (r->cpus > 0 && v->cpu_period != 0)
        return ctrctl_error("--cpu-period and --cpus cannot be set together");
    return 0;
}

int resource_args_apply(resource_args_t *r, ctr_container_options_t *o)
{
    const ctr_container_options_t *v = &r->v;
    int ret = check_args(r);
    if (ret)
        return ret;
    o->memory = v->memory;
    o->memory_swap = v->memory_swap;
    o->memory_reservation = v->memory_reservation;
    if (v->shm_size)
        o->shm_size = v->shm_size;
    o->nano_cpus = (int64_t)(r->cpus * 1e9 + 0.5);
    o->cpu_shares = v->cpu_shares;
    o->cpu_period = v->cpu_period;
    o->cpu_quota = v->cpu_quota;
    o->cpuset_cpus = v->cpuset_cpus;
    o->cpuset_mems = v->cpuset_mems;
    o->pids_limit = v->pids_limit;
    o->blkio_weight = v->blkio_weight;
    o->oom_score_adj = v->oom_score_adj;
    o->flags |= v->flags;
    o->ulimits = r->ulimits;
    o->n_ulimits = r->n_ulimits;
    o->blkio_weight_devices = r->weights;
    o->n_blkio_weight_devices = r->n_weights;
    o->device_read_bps = r->throttles[0];
    o->n_device_read_bps = r->n_throttles[0];
    o->device_write_bps = r->throttles[1];
    o->n_device_write_bps = r->n_throttles[1];
    o->device_read_iops = r->throttles[2];
    o->n_device_read_iops = r->n_throttles[2];
    o->device_write_iops = r->throttles[3];
    o->n_device_write_iops = r->n_throttles[3];
    o->devices = (const char *const *)r->devices.v;
    o->device_cgroup_rules = (const char *const *)r->rules.v;
    return 0;
}

void resource_args_clear(resource_args_t *r)
{
    free(r->ulimits);
    for (int k = 0; k < 4; k++)
        free(r->throttles[k]);
    free(r->weights);
    strv_clear(&r->devices);
    strv_clear(&r->rules);
    strv_clear(&r->strings);
}
