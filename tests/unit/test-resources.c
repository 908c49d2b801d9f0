/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* data/resources: the check of the options, the copy, the config
 * document's round trip, the OCI spec sections, inspect's keys and the
 * cgroup v1 and v2 mapping; and ctrctl's size parser (ram-size.c). */
#include <errno.h>
#include <inttypes.h>
#include <json-c/json.h>
#include <libctr/ctr.h>
#include <linux/capability.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "base/error.h"
#include "base/util.h"
#include "data/resources.h"
#include "ram-size.h"

typedef json_object J;

static J *jget(J *o, const char *path)
{
    char buf[256];
    snprintf(buf, sizeof buf, "%s", path);
    char *save = NULL;
    for (char *t = strtok_r(buf, ".", &save); t && o; t = strtok_r(NULL, ".", &save)) {
        J *v = NULL;
        if (json_object_is_type(o, json_type_array))
            v = json_object_array_get_idx(o, (size_t)atoi(t));
        else if (!json_object_object_get_ex(o, t, &v))
            return NULL;
        o = v;
    }
    return o;
}

static int64_t jint(J *o, const char *path)
{
    J *v = jget(o, path);
    assert_non_null(v);
    assert_true(json_object_is_type(v, json_type_int));
    return json_object_get_int64(v);
}

static const char *jstr(J *o, const char *path)
{
    J *v = jget(o, path);
    assert_non_null(v);
    assert_true(json_object_is_type(v, json_type_string));
    return json_object_get_string(v);
}

static ctr_container_options_t opts(void)
{
    ctr_container_options_t o = CTR_CONTAINER_OPTIONS_INIT;
    return o;
}

/* The check fails with @code and a message containing @msg. */
static void refused(const ctr_container_options_t *o, int code, const char *msg)
{
    int r = ctr__resources_check(o);
    if (r != code || !strstr(ctr_error_last()->message, msg))
        fail_msg("check: %d \"%s\", expected %d \"%s\"", r, ctr_error_last()->message, code, msg);
}

/* ---- the check ---- */

static void test_check_memory_cpu(void **state)
{
    (void)state;
    ctr_container_options_t o = opts();
    assert_int_equal(ctr__resources_check(&o), 0);
    o.memory_swap = 1 << 20;
    refused(&o, -EINVAL, "memory limit when using a memoryswap");
    o.memory = 2 << 20;
    refused(&o, -EINVAL, "memoryswap limit should be larger");
    o.memory_swap = -1;
    assert_int_equal(ctr__resources_check(&o), 0);
    o.memory_swap = -2;
    refused(&o, -EINVAL, "invalid memory limit");
    o.memory_swap = 0;
    o.memory_reservation = 4 << 20;
    refused(&o, -EINVAL, "memory reservation");
    o = opts();
    o.nano_cpus = -1;
    refused(&o, -EINVAL, "number of CPUs");
    o.nano_cpus = 500000000;
    o.cpu_quota = 20000;
    refused(&o, -EINVAL, "--cpu-quota and --cpus");
    o.cpu_quota = 0;
    o.cpu_period = 50000;
    refused(&o, -EINVAL, "--cpu-period and --cpus");
    o = opts();
    o.cpu_period = 100;
    refused(&o, -EINVAL, "CPU cfs period");
    o.cpu_period = 0;
    o.cpu_quota = 100;
    refused(&o, -EINVAL, "CPU cfs quota");
    o.cpu_quota = 0;
    o.cpu_shares = 1;
    refused(&o, -EINVAL, "cpu shares");
    o.cpu_shares = 2;
    o.cpuset_cpus = "0-1,3";
    o.cpuset_mems = "0";
    assert_int_equal(ctr__resources_check(&o), 0);
    o.cpuset_cpus = "0-";
    refused(&o, -EINVAL, "cpuset-cpus");
    o.cpuset_cpus = "a";
    refused(&o, -EINVAL, "cpuset-cpus");
    o = opts();
    o.pids_limit = -2;
    refused(&o, -EINVAL, "pids limit");
    o.pids_limit = -1;
    o.flags = CTR_CREATE_OOM_SCORE_ADJ;
    o.oom_score_adj = 1001;
    refused(&o, -EINVAL, "oom score");
    o.oom_score_adj = -1000;
    assert_int_equal(ctr__resources_check(&o), 0);
}

static void test_check_blkio_ulimits(void **state)
{
    (void)state;
    ctr_container_options_t o = opts();
    o.blkio_weight = 5;
    refused(&o, -EINVAL, "blkio weight");
    o.blkio_weight = 500;
    ctr_weight_device_t w = { "/dev/null", 5 };
    o.blkio_weight_devices = &w;
    o.n_blkio_weight_devices = 1;
    refused(&o, -EINVAL, "invalid weight for device: /dev/null:5");
    w.weight = 200;
    assert_int_equal(ctr__resources_check(&o), 0);
    ctr_throttle_device_t t = { "/dev/nonexistent-libctr", 1 };
    o.device_write_iops = &t;
    o.n_device_write_iops = 1;
    refused(&o, -ENOENT, "could not parse throttle device at /dev/nonexistent-libctr: no such file");
    t.path = "/etc/hostname";
    refused(&o, -EINVAL, "is not a device");
    t.path = "/dev/null";
    t.rate = 0;
    refused(&o, -EINVAL, "invalid rate");
    t.rate = 10;
    assert_int_equal(ctr__resources_check(&o), 0);

    o = opts();
    ctr_ulimit_t u[] = { { "nofile", 100, 200 }, { "RLIMIT_CORE", -1, -1 } };
    o.ulimits = u;
    o.n_ulimits = 2;
    assert_int_equal(ctr__resources_check(&o), 0);
    u[1].name = "bogus";
    refused(&o, -EINVAL, "invalid ulimit type: bogus");
    u[1].name = "core";
    u[0].soft = 300;
    refused(&o, -EINVAL, "soft limit must be less than or equal to hard limit: 300 > 200");
    u[0].soft = -1;
    refused(&o, -EINVAL, "soft limit");
    u[0].soft = -5;
    refused(&o, -EINVAL, "-1 (unlimited)");
    o.ulimits = NULL;
    refused(&o, -EINVAL, "ulimits is NULL");
}

static void test_check_devices(void **state)
{
    (void)state;
    ctr_container_options_t o = opts();
    const char *dev[] = { "/dev/null:/dev/mynull:rw", NULL, NULL };
    o.devices = dev;
    assert_int_equal(ctr__resources_check(&o), 0);
    dev[0] = "/dev/nonexistent-libctr";
    refused(&o, -ENOENT, "stat /dev/nonexistent-libctr: no such file or directory");
    dev[0] = "/dev/null:rel";
    refused(&o, -EINVAL, "invalid device mode: rel");
    dev[0] = "/dev/null:/dev/x:rwz";
    refused(&o, -EINVAL, "invalid device mode: rwz");
    dev[0] = "/dev/null:/a:r:w";
    refused(&o, -EINVAL, "invalid device specification");
    dev[0] = "/etc/hostname";
    refused(&o, -EINVAL, "not a valid device");
    char empty[] = "/tmp/libctr-test-resources-XXXXXX";
    assert_non_null(mkdtemp(empty));
    dev[0] = empty;
    refused(&o, -EINVAL, "no devices found in");
    rmdir(empty);
    dev[0] = "/dev/null:r";
    const char *rules[] = { "c 1:3 rwm", "a *:* r", "b 8:* m", NULL, NULL };
    o.device_cgroup_rules = rules;
    assert_int_equal(ctr__resources_check(&o), 0);
    rules[3] = "x 1:3 rwm";
    refused(&o, -EINVAL, "invalid device type in device-access-add: x");
    rules[3] = "c 1:3";
    refused(&o, -EINVAL, "requires type, major:Minor, and access");
    rules[3] = "c 1:3 rwq";
    refused(&o, -EINVAL, "invalid device access in device-access-add: q");
    rules[3] = "c x:3 r";
    refused(&o, -EINVAL, "invalid device numbers");
}

/* ---- copy and the config document ---- */

static ctr_ulimit_t full_ulimits[] = { { "nofile", 100, 200 }, { "core", -1, -1 } };
static ctr_throttle_device_t full_bps = { "/dev/null", 1048576 };
static ctr_throttle_device_t full_iops[] = { { "/dev/null", 100 }, { "/dev/zero", 200 } };
static ctr_weight_device_t full_weight = { "/dev/null", 300 };
static const char *full_devices[] = { "/dev/null:/dev/mynull:r", "/dev/zero", NULL };
static const char *full_rules[] = { "c 1:3 rwm", "a *:* r", NULL };

/* Options with every resource set. */
static ctr_container_options_t full(void)
{
    ctr_container_options_t o = opts();
    o.memory = 64 << 20;
    o.memory_reservation = 32 << 20;
    o.nano_cpus = 500000000;
    o.cpu_shares = 512;
    o.cpuset_cpus = "0";
    o.cpuset_mems = "0";
    o.pids_limit = 20;
    o.blkio_weight = 300;
    o.blkio_weight_devices = &full_weight;
    o.n_blkio_weight_devices = 1;
    o.device_read_bps = &full_bps;
    o.n_device_read_bps = 1;
    o.device_write_iops = full_iops;
    o.n_device_write_iops = 2;
    o.flags = CTR_CREATE_OOM_SCORE_ADJ | CTR_CREATE_OOM_KILL_DISABLE;
    o.oom_score_adj = 100;
    o.ulimits = full_ulimits;
    o.n_ulimits = 2;
    o.devices = full_devices;
    o.device_cgroup_rules = full_rules;
    return o;
}

static void assert_same(const struct ctr__resources *a, const struct ctr__resources *b)
{
    assert_int_equal(a->memory, b->memory);
    assert_int_equal(a->memory_swap, b->memory_swap);
    assert_int_equal(a->memory_reservation, b->memory_reservation);
    assert_int_equal(a->nano_cpus, b->nano_cpus);
    assert_int_equal(a->cpu_quota, b->cpu_quota);
    assert_int_equal(a->cpu_shares, b->cpu_shares);
    assert_int_equal(a->cpu_period, b->cpu_period);
    assert_true(streq_null(a->cpuset_cpus, b->cpuset_cpus) && streq_null(a->cpuset_mems, b->cpuset_mems));
    assert_int_equal(a->pids_limit, b->pids_limit);
    assert_int_equal(a->blkio_weight, b->blkio_weight);
    assert_int_equal(a->oom_score_adj_set, b->oom_score_adj_set);
    assert_int_equal(a->oom_score_adj, b->oom_score_adj);
    assert_int_equal(a->oom_kill_disable, b->oom_kill_disable);
    assert_int_equal(a->n_weight_devices, b->n_weight_devices);
    for (size_t i = 0; i < a->n_weight_devices; i++) {
        assert_string_equal(a->weight_devices[i].path, b->weight_devices[i].path);
        assert_int_equal(a->weight_devices[i].rate, b->weight_devices[i].rate);
    }
    for (size_t k = 0; k < CTR__THROTTLE_KINDS; k++) {
        assert_int_equal(a->n_throttles[k], b->n_throttles[k]);
        for (size_t i = 0; i < a->n_throttles[k]; i++) {
            assert_string_equal(a->throttles[k][i].path, b->throttles[k][i].path);
            assert_int_equal(a->throttles[k][i].rate, b->throttles[k][i].rate);
        }
    }
    assert_int_equal(a->n_ulimits, b->n_ulimits);
    for (size_t i = 0; i < a->n_ulimits; i++) {
        assert_string_equal(a->ulimits[i].name, b->ulimits[i].name);
        assert_int_equal(a->ulimits[i].soft, b->ulimits[i].soft);
        assert_int_equal(a->ulimits[i].hard, b->ulimits[i].hard);
    }
    assert_int_equal(ctr__strv_len((const char *const *)a->devices), ctr__strv_len((const char *const *)b->devices));
    for (size_t i = 0; a->devices[i]; i++)
        assert_string_equal(a->devices[i], b->devices[i]);
    for (size_t i = 0; a->device_cgroup_rules[i] || b->device_cgroup_rules[i]; i++)
        assert_string_equal(a->device_cgroup_rules[i], b->device_cgroup_rules[i]);
}

static void round_trip(const ctr_container_options_t *o)
{
    struct ctr__resources a, b;
    assert_int_equal(ctr__resources_check(o), 0);
    assert_int_equal(ctr__resources_copy(o, &a), 0);
    J *doc = json_object_new_object();
    assert_int_equal(ctr__resources_to_json(&a, doc), 0);
    /* through the text, as the state backend keeps it */
    J *back = json_tokener_parse(json_object_to_json_string(doc));
    assert_non_null(back);
    assert_int_equal(ctr__resources_from_json(back, &b), 0);
    assert_same(&a, &b);
    ctr__resources_clear(&a);
    ctr__resources_clear(&b);
    json_object_put(doc);
    json_object_put(back);
}

static void test_round_trip(void **state)
{
    (void)state;
    ctr_container_options_t o = full();
    round_trip(&o);
    struct ctr__resources a;
    assert_int_equal(ctr__resources_copy(&o, &a), 0);
    assert_string_equal(a.ulimits[0].name, "RLIMIT_NOFILE"); /* stored by the OCI name */
    assert_string_equal(a.ulimits[1].name, "RLIMIT_CORE");
    assert_int_equal(a.throttles[CTR__WRITE_IOPS][1].rate, 200);
    ctr__resources_clear(&a);
    o = opts();
    round_trip(&o);
    o.memory = 1;
    o.memory_swap = -1;
    o.pids_limit = -1;
    o.cpu_quota = 20000;
    o.cpu_period = 50000;
    round_trip(&o);

    /* a version-1 document has no "resources": nothing set, arrays empty */
    J *v1 = json_tokener_parse("{\"id\": \"x\"}");
    assert_int_equal(ctr__resources_from_json(v1, &a), 0);
    assert_int_equal(a.memory, 0);
    assert_non_null(a.devices);
    assert_null(a.devices[0]);
    assert_non_null(a.device_cgroup_rules);
    ctr__resources_clear(&a);
    json_object_put(v1);

    static const char *const bad[] = {
        "{\"resources\": 1}",
        "{\"resources\": {\"memory\": \"x\"}}",
        "{\"resources\": {\"memory\": -5}}",
        "{\"resources\": {\"ulimits\": [{\"name\": \"RLIMIT_BOGUS\", \"soft\": 1, \"hard\": 1}]}}",
        "{\"resources\": {\"ulimits\": [1]}}",
        "{\"resources\": {\"readBps\": [{\"path\": \"/dev/null\", \"rate\": 0}]}}",
        "{\"resources\": {\"devices\": \"x\"}}",
        "{\"resources\": {\"oomScoreAdj\": 5000}}",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        J *d = json_tokener_parse(bad[i]);
        assert_non_null(d);
        if (ctr__resources_from_json(d, &a) != -EINVAL)
            fail_msg("accepted %s", bad[i]);
        json_object_put(d);
    }
}

/* ---- the OCI spec ---- */

/* ctr__resources_spec() over a base spec as spec.c leaves it. */
static J *spec_of(const ctr_container_options_t *o, bool privileged, int expect)
{
    struct ctr__resources res;
    assert_int_equal(ctr__resources_check(o), 0);
    assert_int_equal(ctr__resources_copy(o, &res), 0);
    J *spec = json_tokener_parse(
        "{\"process\": {\"rlimits\": [{\"type\": \"RLIMIT_NOFILE\", \"soft\": 1024, \"hard\": 1024},"
        " {\"type\": \"RLIMIT_NPROC\", \"soft\": 512, \"hard\": 512}]},"
        " \"linux\": {\"resources\": {\"devices\": [{\"allow\": false, \"access\": \"rwm\"}]}}}");
    assert_non_null(spec);
    int r = ctr__resources_spec(&res, privileged, spec);
    if (r != expect)
        fail_msg("spec: %d (%s), expected %d", r, ctr_error_last()->message, expect);
    ctr__resources_clear(&res);
    return spec;
}

static void test_spec_sections(void **state)
{
    (void)state;
    ctr_container_options_t o = full();
    J *s = spec_of(&o, false, 0);
    assert_int_equal(jint(s, "linux.resources.memory.limit"), 64 << 20);
    assert_int_equal(jint(s, "linux.resources.memory.swap"), 128 << 20); /* podman: twice */
    assert_int_equal(jint(s, "linux.resources.memory.reservation"), 32 << 20);
    assert_true(json_object_get_boolean(jget(s, "linux.resources.memory.disableOOMKiller")));
    assert_int_equal(jint(s, "linux.resources.cpu.shares"), 512);
    assert_int_equal(jint(s, "linux.resources.cpu.quota"), 50000);
    assert_int_equal(jint(s, "linux.resources.cpu.period"), 100000);
    assert_string_equal(jstr(s, "linux.resources.cpu.cpus"), "0");
    assert_string_equal(jstr(s, "linux.resources.cpu.mems"), "0");
    assert_int_equal(jint(s, "linux.resources.pids.limit"), 20);
    /* /dev/null is 1:3, /dev/zero 1:5 */
    assert_int_equal(jint(s, "linux.resources.blockIO.weightDevice.0.major"), 1);
    assert_int_equal(jint(s, "linux.resources.blockIO.weightDevice.0.minor"), 3);
    assert_int_equal(jint(s, "linux.resources.blockIO.weightDevice.0.weight"), 300);
    assert_int_equal(jint(s, "linux.resources.blockIO.throttleReadBpsDevice.0.rate"), 1048576);
    assert_int_equal(jint(s, "linux.resources.blockIO.throttleWriteIOPSDevice.1.minor"), 5);
    assert_int_equal(jint(s, "linux.resources.blockIO.throttleWriteIOPSDevice.1.rate"), 200);
    assert_null(jget(s, "linux.resources.blockIO.throttleReadIOPSDevice"));
    /* devices: the node at its container path, with the host's numbers and mode */
    assert_string_equal(jstr(s, "linux.devices.0.path"), "/dev/mynull");
    assert_string_equal(jstr(s, "linux.devices.0.type"), "c");
    assert_int_equal(jint(s, "linux.devices.0.major"), 1);
    assert_int_equal(jint(s, "linux.devices.0.minor"), 3);
    struct stat st;
    assert_int_equal(stat("/dev/null", &st), 0);
    assert_int_equal(jint(s, "linux.devices.0.fileMode"), st.st_mode & 07777); /* the OCI schema's: no type bits */
    assert_string_equal(jstr(s, "linux.devices.1.path"), "/dev/zero");
    /* the rules: the deny-all first, then each device, then the given rules */
    J *rules = jget(s, "linux.resources.devices");
    assert_int_equal(json_object_array_length(rules), 5);
    assert_false(json_object_get_boolean(jget(rules, "0.allow")));
    assert_string_equal(jstr(rules, "1.access"), "r");
    assert_int_equal(jint(rules, "2.minor"), 5);
    assert_string_equal(jstr(rules, "2.access"), "rwm");
    assert_string_equal(jstr(rules, "3.type"), "c");
    assert_string_equal(jstr(rules, "4.type"), "a");
    assert_null(jget(rules, "4.major"));
    assert_null(jget(rules, "4.minor"));
    /* rlimits: the explicit ones first, then the default nproc */
    J *rl = jget(s, "process.rlimits");
    assert_int_equal(json_object_array_length(rl), 3);
    assert_string_equal(jstr(rl, "0.type"), "RLIMIT_NOFILE");
    assert_int_equal(jint(rl, "0.soft"), 100);
    assert_int_equal(jint(rl, "0.hard"), 200);
    assert_string_equal(jstr(rl, "1.type"), "RLIMIT_CORE");
    assert_true(json_object_get_uint64(jget(rl, "1.soft")) == UINT64_MAX);
    assert_string_equal(jstr(rl, "2.type"), "RLIMIT_NPROC");
    assert_int_equal(jint(rl, "2.hard"), 512);
    assert_int_equal(jint(s, "process.oomScoreAdj"), 100);
    json_object_put(s);
}

static void test_spec_defaults(void **state)
{
    (void)state;
    ctr_container_options_t o = opts();
    J *s = spec_of(&o, false, 0);
    /* podman's pids limit, nothing else */
    assert_int_equal(jint(s, "linux.resources.pids.limit"), 2048);
    assert_null(jget(s, "linux.resources.memory"));
    assert_null(jget(s, "linux.resources.cpu"));
    assert_null(jget(s, "linux.resources.blockIO"));
    assert_null(jget(s, "linux.devices"));
    assert_null(jget(s, "process.oomScoreAdj"));
    assert_int_equal(json_object_array_length(jget(s, "linux.resources.devices")), 1);
    assert_int_equal(json_object_array_length(jget(s, "process.rlimits")), 2);
    json_object_put(s);

    o.pids_limit = -1; /* unlimited: podman writes 0 */
    o.memory = 64 << 20;
    o.memory_swap = -1; /* no swap limit */
    o.cpu_quota = 20000;
    o.cpu_period = 50000;
    o.flags = CTR_CREATE_OOM_SCORE_ADJ;
    o.oom_score_adj = 0;
    s = spec_of(&o, false, 0);
    assert_int_equal(jint(s, "linux.resources.pids.limit"), 0);
    assert_null(jget(s, "linux.resources.memory.swap"));
    assert_int_equal(jint(s, "linux.resources.cpu.quota"), 20000);
    assert_int_equal(jint(s, "linux.resources.cpu.period"), 50000);
    assert_int_equal(jint(s, "process.oomScoreAdj"), 0);
    json_object_put(s);
}

static void test_spec_devices(void **state)
{
    (void)state;
    char dir[] = "/tmp/libctr-test-resources-XXXXXX", sub[PATH_MAX], node[PATH_MAX], link[PATH_MAX];
    assert_non_null(mkdtemp(dir));
    snprintf(sub, sizeof sub, "%s/sub", dir);
    snprintf(node, sizeof node, "%s/sub/null", dir);
    snprintf(link, sizeof link, "%s/zero", dir);
    assert_int_equal(mkdir(sub, 0755), 0);
    assert_int_equal(mknod(node, S_IFCHR | 0600, makedev(1, 3)), 0);
    assert_int_equal(symlink("/dev/zero", link), 0);
    /* a directory: its nodes, at the container path given, with the permissions */
    char spec1[PATH_MAX + 16];
    snprintf(spec1, sizeof spec1, "%s:/dev/mine:r", dir);
    const char *devs[] = { spec1, link, NULL };
    ctr_container_options_t o = opts();
    o.devices = devs;
    J *s = spec_of(&o, false, 0);
    assert_string_equal(jstr(s, "linux.devices.0.path"), "/dev/mine/sub/null");
    assert_int_equal(jint(s, "linux.devices.0.fileMode"), 0600);
    assert_string_equal(jstr(s, "linux.resources.devices.1.access"), "r");
    /* a symbolic link: the device it points to, at the target's path (podman) */
    assert_string_equal(jstr(s, "linux.devices.1.path"), "/dev/zero");
    assert_int_equal(jint(s, "linux.devices.1.minor"), 5);
    json_object_put(s);
    /* privileged: the devices, no rules */
    s = spec_of(&o, true, 0);
    assert_int_equal(json_object_array_length(jget(s, "linux.devices")), 2);
    assert_int_equal(json_object_array_length(jget(s, "linux.resources.devices")), 1);
    json_object_put(s);
    /* a device gone between create and the spec */
    struct ctr__resources res;
    assert_int_equal(ctr__resources_copy(&o, &res), 0);
    unlink(link);
    s = json_object_new_object();
    assert_int_equal(ctr__resources_spec(&res, false, s), -ENOENT);
    assert_non_null(strstr(ctr_error_last()->message, "zero"));
    json_object_put(s);
    ctr__resources_clear(&res);
    unlink(node);
    rmdir(sub);
    rmdir(dir);
}

/* In a child without CAP_SYS_RESOURCE and a hard RLIMIT_NOFILE of 500: an
 * explicit nofile above it is refused, naming the limit; below it is taken. */
static void test_spec_ulimit_above_hard(void **state)
{
    (void)state;
    /* valgrind keeps descriptors of its own above the limit: setrlimit()
     * fails under it; the plain and sanitizer runs do this test. */
    if (getenv("CTR_TEST_VALGRIND"))
        skip();
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
        struct __user_cap_data_struct d[2];
        struct rlimit rl = { 500, 500 };
        if (syscall(SYS_capget, &h, d) < 0)
            _exit(10);
        d[CAP_SYS_RESOURCE / 32].effective &= ~(1u << (CAP_SYS_RESOURCE % 32));
        if (syscall(SYS_capset, &h, d) < 0 || setrlimit(RLIMIT_NOFILE, &rl) < 0)
            _exit(11);
        ctr_ulimit_t u = { "nofile", 100, 1000 };
        ctr_container_options_t o = opts();
        o.ulimits = &u;
        o.n_ulimits = 1;
        struct ctr__resources res;
        if (ctr__resources_copy(&o, &res) < 0)
            _exit(12);
        J *s = json_object_new_object();
        if (ctr__resources_spec(&res, false, s) != -EPERM || !strstr(ctr_error_last()->message, "ulimit nofile") ||
            !strstr(ctr_error_last()->message, "500"))
            _exit(13);
        res.ulimits[0].hard = 400;
        json_object_put(s);
        s = json_object_new_object();
        if (ctr__resources_spec(&res, false, s) != 0)
            _exit(14);
        json_object_put(s);
        ctr__resources_clear(&res);
        _exit(0);
    }
    int st;
    assert_int_equal(waitpid(pid, &st, 0), pid);
    assert_true(WIFEXITED(st));
    assert_int_equal(WEXITSTATUS(st), 0);
}

/* ---- inspect ---- */

static void test_inspect(void **state)
{
    (void)state;
    ctr_container_options_t o = full();
    struct ctr__resources res;
    assert_int_equal(ctr__resources_copy(&o, &res), 0);
    J *h = json_object_new_object();
    assert_int_equal(ctr__resources_inspect(&res, h), 0);
    assert_int_equal(jint(h, "Memory"), 64 << 20);
    assert_int_equal(jint(h, "MemorySwap"), 128 << 20);
    assert_int_equal(jint(h, "NanoCpus"), 500000000);
    assert_int_equal(jint(h, "CpuQuota"), 50000);
    assert_int_equal(jint(h, "CpuPeriod"), 100000);
    assert_int_equal(jint(h, "PidsLimit"), 20);
    assert_int_equal(jint(h, "MemorySwappiness"), -1);
    assert_int_equal(jint(h, "KernelMemory"), 0);
    assert_string_equal(jstr(h, "CpusetCpus"), "0");
    assert_true(json_object_get_boolean(jget(h, "OomKillDisable")));
    assert_int_equal(jint(h, "OomScoreAdj"), 100);
    assert_string_equal(jstr(h, "BlkioDeviceReadBps.0.Path"), "/dev/null");
    assert_int_equal(jint(h, "BlkioDeviceReadBps.0.Rate"), 1048576);
    assert_int_equal(jint(h, "BlkioWeightDevice.0.Weight"), 300);
    /* none given, with other block I/O settings: an empty list, as podman */
    assert_int_equal(json_object_array_length(jget(h, "BlkioDeviceWriteBps")), 0);
    assert_string_equal(jstr(h, "Ulimits.0.Name"), "RLIMIT_NOFILE");
    assert_int_equal(jint(h, "Ulimits.0.Soft"), 100);
    assert_int_equal(jint(h, "Ulimits.1.Soft"), -1);
    assert_string_equal(jstr(h, "Ulimits.2.Name"), "RLIMIT_NPROC");
    assert_string_equal(jstr(h, "Devices.0.PathOnHost"), "/dev/null");
    assert_string_equal(jstr(h, "Devices.0.PathInContainer"), "/dev/mynull");
    assert_string_equal(jstr(h, "Devices.0.CgroupPermissions"), "");
    json_object_put(h);
    ctr__resources_clear(&res);

    o = opts();
    o.pids_limit = -1;
    assert_int_equal(ctr__resources_copy(&o, &res), 0);
    h = json_object_new_object();
    assert_int_equal(ctr__resources_inspect(&res, h), 0);
    assert_int_equal(jint(h, "PidsLimit"), 0);
    assert_int_equal(jint(h, "MemorySwap"), 0);
    assert_int_equal(jint(h, "MemorySwappiness"), 0); /* podman: no memory section */
    assert_null(jget(h, "BlkioWeightDevice"));
    assert_int_equal(json_object_array_length(jget(h, "Devices")), 0);
    assert_int_equal(json_object_array_length(jget(h, "Ulimits")), 2);
    json_object_put(h);
    ctr__resources_clear(&res);
}

/* ---- the cgroup mapping ---- */

static const char *file_value(const struct ctr__cgroup_file *f, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (streq(f[i].name, name))
            return f[i].value;
    return NULL;
}

static void expect_file(const struct ctr__cgroup_file *f, size_t n, const char *name, const char *value)
{
    const char *v = file_value(f, n, name);
    if (!v || !streq(v, value))
        fail_msg("%s: \"%s\", expected \"%s\"", name, v ? v : "(none)", value);
}

static void test_cgroup_v1(void **state)
{
    (void)state;
    ctr_container_options_t o = full();
    struct ctr__resources res;
    struct ctr__cgroup_file *f;
    size_t n;
    assert_int_equal(ctr__resources_copy(&o, &res), 0);
    assert_int_equal(ctr__resources_cgroup_files(&res, 1, &f, &n), 0);
    expect_file(f, n, "memory.limit_in_bytes", "67108864");
    expect_file(f, n, "memory.memsw.limit_in_bytes", "134217728");
    expect_file(f, n, "memory.soft_limit_in_bytes", "33554432");
    expect_file(f, n, "memory.oom_control", "oom_kill_disable 1");
    expect_file(f, n, "cpu.shares", "512");
    expect_file(f, n, "cpu.cfs_quota_us", "50000");
    expect_file(f, n, "cpu.cfs_period_us", "100000");
    expect_file(f, n, "cpuset.cpus", "0");
    expect_file(f, n, "pids.max", "20");
    if (access("/sys/fs/cgroup/blkio/blkio.weight", F_OK) == 0 ||
        access("/sys/fs/cgroup/blkio/blkio.bfq.weight", F_OK) == 0)
        expect_file(f, n, "blkio.weight", "300");
    else /* podman and the spec leave it out */
        assert_null(file_value(f, n, "blkio.weight"));
    expect_file(f, n, "blkio.weight_device", "1:3 300");
    expect_file(f, n, "blkio.throttle.read_bps_device", "1:3 1048576");
    expect_file(f, n, "blkio.throttle.write_iops_device", "1:3 100");
    free(f);
    ctr__resources_clear(&res);

    o = opts();
    o.memory = 10000; /* in pages */
    o.memory_swap = -1;
    o.pids_limit = -1;
    o.cpu_period = 50000;
    assert_int_equal(ctr__resources_copy(&o, &res), 0);
    assert_int_equal(ctr__resources_cgroup_files(&res, 1, &f, &n), 0);
    char v[32];
    snprintf(v, sizeof v, "%ld", 10000 / sysconf(_SC_PAGESIZE) * sysconf(_SC_PAGESIZE));
    expect_file(f, n, "memory.limit_in_bytes", v);
    snprintf(v, sizeof v, "%" PRId64, INT64_MAX / sysconf(_SC_PAGESIZE) * sysconf(_SC_PAGESIZE));
    expect_file(f, n, "memory.memsw.limit_in_bytes", v);
    expect_file(f, n, "pids.max", "max");
    expect_file(f, n, "cpu.cfs_period_us", "50000");
    assert_null(file_value(f, n, "cpu.cfs_quota_us"));
    free(f);
    assert_int_equal(ctr__resources_cgroup_files(&res, 3, &f, &n), -EINVAL);
    ctr__resources_clear(&res);
}

static void test_cgroup_v2(void **state)
{
    (void)state;
    ctr_container_options_t o = full();
    struct ctr__resources res;
    struct ctr__cgroup_file *f;
    size_t n;
    assert_int_equal(ctr__resources_copy(&o, &res), 0);
    assert_int_equal(ctr__resources_cgroup_files(&res, 2, &f, &n), 0);
    expect_file(f, n, "memory.max", "67108864");
    expect_file(f, n, "memory.swap.max", "67108864"); /* the swap alone */
    expect_file(f, n, "memory.low", "33554432");
    assert_null(file_value(f, n, "memory.oom_control"));
    expect_file(f, n, "cpu.weight", "20"); /* runc: 1 + (512 - 2) * 9999 / 262142 */
    expect_file(f, n, "cpu.max", "50000 100000");
    expect_file(f, n, "cpuset.cpus", "0");
    expect_file(f, n, "cpuset.mems", "0");
    expect_file(f, n, "pids.max", "20");
    expect_file(f, n, "io.weight", "default 2930"); /* 1 + (300 - 10) * 9999 / 990 */
    /* one io.max line per device: /dev/null has a read bps and a write iops, /dev/zero a write iops */
    size_t lines = 0;
    for (size_t i = 0; i < n; i++)
        if (streq(f[i].name, "io.max")) {
            lines++;
            assert_true(streq(f[i].value, "1:3 rbps=1048576 wbps=max riops=max wiops=100") ||
                        streq(f[i].value, "1:5 rbps=max wbps=max riops=max wiops=200"));
        }
    assert_int_equal(lines, 2);
    free(f);
    ctr__resources_clear(&res);

    o = opts();
    o.memory = 64 << 20;
    o.memory_swap = -1;
    o.cpu_period = 50000;
    o.cpu_shares = 2;
    assert_int_equal(ctr__resources_copy(&o, &res), 0);
    assert_int_equal(ctr__resources_cgroup_files(&res, 2, &f, &n), 0);
    expect_file(f, n, "memory.swap.max", "max");
    expect_file(f, n, "cpu.max", "max 50000");
    expect_file(f, n, "cpu.weight", "1");
    expect_file(f, n, "pids.max", "2048");
    free(f);
    ctr__resources_clear(&res);
    int v = ctr__cgroup_version();
    assert_true(v == 1 || v == 2);
    assert_int_equal(v == 2, access("/sys/fs/cgroup/cgroup.controllers", F_OK) == 0);
}

/* ---- ctrctl's sizes ---- */

static void test_ram_size(void **state)
{
    (void)state;
    static const struct {
        const char *s;
        int64_t v;
    } good[] = {
        { "0", 0 },           { "100", 100 },         { "64m", 64 << 20 },  { "64M", 64 << 20 },
        { "1k", 1024 },       { "1kb", 1024 },        { "1KiB", 1024 },     { "1.5g", 3LL << 29 },
        { "2 m", 2 << 20 },   { "10b", 10 },          { "1t", 1LL << 40 },  { "1p", 1LL << 50 },
        { "1mi", 1 << 20 },   { "0.5k", 512 },
    };
    char err[128];
    for (size_t i = 0; i < sizeof good / sizeof *good; i++) {
        int64_t v = -1;
        if (ram_in_bytes(good[i].s, &v, err, sizeof err) != 0 || v != good[i].v)
            fail_msg("%s: %" PRId64 " (%s), expected %" PRId64, good[i].s, v, err, good[i].v);
    }
    static const char *const bad[] = { "", "12q", "-5", "m", "1mm", "1bb", "1.", ".5", "1e3", " 1", "1 2", "1 m b" };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        int64_t v = 7;
        if (ram_in_bytes(bad[i], &v, err, sizeof err) != -1 || v != 7)
            fail_msg("accepted \"%s\"", bad[i]);
    }
    assert_int_equal(ram_in_bytes("12q", &(int64_t){ 0 }, err, sizeof err), -1);
    assert_string_equal(err, "invalid size: '12q'");
    assert_int_equal(ram_in_bytes("1.2.3", &(int64_t){ 0 }, err, sizeof err), -1);
    assert_string_equal(err, "strconv.ParseFloat: parsing \"1.2.3\": invalid syntax");
    assert_int_equal(ram_in_bytes("99999999999p", &(int64_t){ 0 }, err, sizeof err), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_check_memory_cpu), cmocka_unit_test(test_check_blkio_ulimits),
        cmocka_unit_test(test_check_devices),    cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_spec_sections),    cmocka_unit_test(test_spec_defaults),
        cmocka_unit_test(test_spec_devices),     cmocka_unit_test(test_spec_ulimit_above_hard),
        cmocka_unit_test(test_inspect),          cmocka_unit_test(test_cgroup_v1),
        cmocka_unit_test(test_cgroup_v2),        cmocka_unit_test(test_ram_size),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
