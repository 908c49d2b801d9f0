/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* ctr_container_get_options(): a container made with most options set
 * gives them back member by member (normalized where the config
 * normalizes), a second container made from what it gave has the same
 * config, defaults come back as stored; bad calls and the image volume
 * flags' conflict.  Against the files and tdb backends, through the real
 * libctr.so. */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <sys/stat.h>

#include <json-c/json.h>

#include "test-helpers.h"

struct fixture {
    struct test_root t;
    ctr_runtime_t *rt;
    const char *backend;
};

static int setup(void **state)
{
    const char *backend = *state;
    struct fixture *f = calloc(1, sizeof *f);
    f->backend = backend;
    test_root_make(&f->t);
    f->rt = test_runtime(&f->t, backend);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    const char *backend = f->backend;
    ctr_container_t **l = NULL;
    size_t n = 0;
    if (ctr_runtime_list(f->rt, NULL, NULL, &l, &n) == 0) {
        for (size_t i = 0; i < n; i++)
            ctr_container_remove(l[i], CTR_REMOVE_FORCE | CTR_REMOVE_VOLUMES);
        ctr_container_list_free(l, n);
    }
    ctr_runtime_unref(f->rt);
    test_root_remove(&f->t);
    free(f);
    *state = (void *)backend;
    return 0;
}

/* A block device node of this machine for the throttles, or NULL. */
static const char *block_device(void)
{
    static char path[300];
    DIR *d = opendir("/dev");
    struct dirent *de;
    struct stat st;
    path[0] = '\0';
    while (d && (de = readdir(d))) {
        snprintf(path, sizeof path, "/dev/%s", de->d_name);
        if (de->d_name[0] != '.' && stat(path, &st) == 0 && S_ISBLK(st.st_mode))
            break;
        path[0] = '\0';
    }
    if (d)
        closedir(d);
    return path[0] ? path : NULL;
}

static void assert_strv(const char *const *got, const char *const *want)
{
    if (!want) {
        assert_null(got);
        return;
    }
    assert_non_null(got);
    size_t i = 0;
    for (; want[i]; i++) {
        assert_non_null(got[i]);
        assert_string_equal(got[i], want[i]);
    }
    assert_null(got[i]);
}

static void assert_str(const char *got, const char *want)
{
    if (want)
        assert_string_equal(got, want);
    else
        assert_null(got);
}

#define V(...) ((const char *const[]){ __VA_ARGS__, NULL })

static char profile[4096];

#define FLAGS                                                                                      \
    (CTR_CREATE_READ_ONLY | CTR_CREATE_NO_NEW_PRIVS | CTR_CREATE_STDIN | CTR_CREATE_NETNS |         \
     CTR_CREATE_INIT | CTR_CREATE_OOM_KILL_DISABLE | CTR_CREATE_NO_READ_ONLY_TMPFS |                \
     CTR_CREATE_OOM_SCORE_ADJ | CTR_CREATE_IMAGE_VOLUMES)

/* Most members set: everything but what contradicts another (nano_cpus
 * with cpu_quota, a namespace container with a new network namespace for
 * the same kind, a rootfs with an image).  Declarations and statements in
 * the caller's scope: what the options point to lives as long as it. */
#define FILL(o, blk)                                                                             \
        ctr_container_options_t *o_ = (o);                                                        \
        ctr_mount_t mounts[4];                                                                    \
        mounts[0] = (ctr_mount_t){ "bind", "/tmp", "/data/", V("ro") };                           \
        mounts[1] = (ctr_mount_t){ "tmpfs", NULL, "/scratch", V("size=1m", "notmpcopyup") };      \
        mounts[2] = (ctr_mount_t){ "volume", NULL, "/anon", NULL };                               \
        mounts[3] = (ctr_mount_t){ "volume", "optvol", "/named", V("nocopy") };                   \
        ctr_port_mapping_t ports[] = { { "127.0.0.1", 8080, 80, NULL }, { NULL, 5353, 53, "udp" } };\
        ctr_ulimit_t ulimits[] = { { "nofile", 100, 200 }, { "RLIMIT_CORE", -1, -1 } };           \
        ctr_throttle_device_t rbps[1], wiops[1];                                                  \
        ctr_weight_device_t weights[1];                                                           \
        rbps[0] = (ctr_throttle_device_t){ (blk), 1 << 20 };                                        \
        wiops[0] = (ctr_throttle_device_t){ (blk), 300 };                                           \
        weights[0] = (ctr_weight_device_t){ (blk), 200 };                                           \
        o_->name = "orig";                                                                         \
        o_->spec_json = "{\"ociVersion\":\"1.0.2\"}";                                              \
        o_->rootfs = "/";                                                                          \
        o_->command = V("/bin/sh", "-c", "echo hi");                                               \
        o_->env = V("A=1", "B=two=2");                                                             \
        o_->workdir = "/work";                                                                     \
        o_->user = "0:0";                                                                          \
        o_->hostname = "box";                                                                      \
        o_->flags = FLAGS;                                                                        \
        o_->shm_size = 1 << 20;                                                                    \
        o_->ns_ctr[CTR_NS_IPC] = "base";                                                           \
        o_->port_mappings = ports;                                                                 \
        o_->n_port_mappings = 2;                                                                   \
        o_->dns_servers = V("192.0.2.1");                                                          \
        o_->dns_search = V("example.test");                                                        \
        o_->dns_options = V("ndots:2");                                                            \
        o_->hosts_add = V("db:192.0.2.7");                                                         \
        o_->labels = V("zeta=last", "alpha=first");                                                \
        o_->stop_signal = SIGINT;                                                                  \
        o_->stop_timeout = 3;                                                                      \
        o_->cgroup_parent = "/mine";                                                               \
        o_->log_path = "/var/log/libctr-opts-test.log";                                            \
        o_->process_label = "system_u:system_r:container_t:s0";                                    \
        o_->mount_label = "system_u:object_r:container_file_t:s0";                                 \
        o_->networks = V("net1", "net2");                                                          \
        o_->log_size_max = 1 << 20;                                                                \
        o_->mounts = mounts;                                                                       \
        o_->n_mounts = 4;                                                                          \
        o_->memory = 64 << 20;                                                                     \
        o_->memory_swap = 128 << 20;                                                               \
        o_->memory_reservation = 32 << 20;                                                         \
        o_->cpu_shares = 512;                                                                      \
        o_->cpu_period = 50000;                                                                    \
        o_->cpu_quota = 25000;                                                                     \
        o_->cpuset_cpus = "0";                                                                     \
        o_->cpuset_mems = "0";                                                                     \
        o_->pids_limit = 20;                                                                       \
        o_->blkio_weight = 300;                                                                    \
        if (blk) {                                                                                \
            o_->blkio_weight_devices = weights;                                                    \
            o_->n_blkio_weight_devices = 1;                                                        \
            o_->device_read_bps = rbps;                                                            \
            o_->n_device_read_bps = 1;                                                             \
            o_->device_write_iops = wiops;                                                         \
            o_->n_device_write_iops = 1;                                                           \
        }                                                                                         \
        o_->oom_score_adj = -500;                                                                  \
        o_->ulimits = ulimits;                                                                     \
        o_->n_ulimits = 2;                                                                         \
        o_->cap_add = V("net_admin");                                                              \
        o_->cap_drop = V("CAP_CHOWN");                                                             \
        o_->seccomp_profile = profile;                                                             \
        o_->apparmor_profile = "unconfined";                                                       \
        o_->mask_paths = V("/secret");                                                             \
        o_->unmask_paths = V("/proc/kcore");                                                       \
        o_->group_add = V("20");                                                                   \
        o_->sysctls = V("net.ipv4.ip_forward=1");                                                  \
        o_->devices = V("/dev/null:/dev/mynull:rw");                                               \
        o_->device_cgroup_rules = V("c 1:3 rwm");                                                  \
        o_->entrypoint = V("/bin/echo", "ep");                                                     \
        o_->init_path = "/bin/sh";                                                                 \
        o_->umask = "77";                                                                          \
        o_->timezone = "local";                                                                    \
        o_->annotations = V("a=b", "c=d=e");                                                       \
        o_->domainname = "example.org";                                                            \
        o_->restart_policy = "on-failure";                                                         \
        o_->restart_retries = 4;                                                                   \
        o_->health_cmd = V("CMD-SHELL", "true");                                                   \
        o_->health_interval = 5000000000;                                                          \
        o_->health_timeout = 2000000000;                                                           \
        o_->health_start_period = 1000000000;                                                      \
        o_->health_retries = 7;                                                                    \
        o_->create_command = V("ctrctl", "run", "x");


static void check_mounts(const ctr_container_options_t *g)
{
    assert_int_equal(g->n_mounts, 4);
    const ctr_mount_t *m = g->mounts;
    assert_string_equal(m[0].type, "bind");
    assert_string_equal(m[0].source, "/tmp");
    assert_string_equal(m[0].destination, "/data"); /* cleaned */
    assert_string_equal(m[0].options[0], "ro");
    assert_string_equal(m[1].type, "tmpfs");
    assert_null(m[1].source);
    assert_strv(m[1].options, V("size=1m", "rw", "rprivate", "nosuid", "nodev", "notmpcopyup"));
    assert_string_equal(m[2].type, "volume");
    assert_null(m[2].source); /* anonymous: a create names a new one */
    assert_strv(m[2].options, V("rw", "rprivate", "nosuid", "nodev", "rbind"));
    assert_string_equal(m[3].source, "optvol");
    assert_strv(m[3].options, V("nocopy", "rw", "rprivate", "nosuid", "nodev", "rbind"));
}

static void check_resources(const ctr_container_options_t *g, const char *blk)
{
    assert_int_equal(g->memory, 64 << 20);
    assert_int_equal(g->memory_swap, 128 << 20);
    assert_int_equal(g->memory_reservation, 32 << 20);
    assert_int_equal(g->nano_cpus, 0);
    assert_int_equal(g->cpu_shares, 512);
    assert_int_equal(g->cpu_period, 50000);
    assert_int_equal(g->cpu_quota, 25000);
    assert_string_equal(g->cpuset_cpus, "0");
    assert_string_equal(g->cpuset_mems, "0");
    assert_int_equal(g->pids_limit, 20);
    assert_int_equal(g->blkio_weight, 300);
    assert_int_equal(g->n_blkio_weight_devices, blk ? 1 : 0);
    assert_int_equal(g->n_device_read_bps, blk ? 1 : 0);
    assert_int_equal(g->n_device_write_bps, 0);
    assert_null(g->device_write_bps);
    assert_int_equal(g->n_device_read_iops, 0);
    assert_int_equal(g->n_device_write_iops, blk ? 1 : 0);
    if (blk) {
        assert_string_equal(g->blkio_weight_devices[0].path, blk);
        assert_int_equal(g->blkio_weight_devices[0].weight, 200);
        assert_string_equal(g->device_read_bps[0].path, blk);
        assert_int_equal(g->device_read_bps[0].rate, 1 << 20);
        assert_int_equal(g->device_write_iops[0].rate, 300);
    }
    assert_int_equal(g->oom_score_adj, -500);
    assert_int_equal(g->n_ulimits, 2);
    assert_string_equal(g->ulimits[0].name, "RLIMIT_NOFILE");
    assert_int_equal(g->ulimits[0].soft, 100);
    assert_int_equal(g->ulimits[0].hard, 200);
    assert_string_equal(g->ulimits[1].name, "RLIMIT_CORE");
    assert_int_equal(g->ulimits[1].soft, -1);
    assert_strv(g->devices, V("/dev/null:/dev/mynull:rw"));
    assert_strv(g->device_cgroup_rules, V("c 1:3 rwm"));
}

static void check_security_process(const ctr_container_options_t *g)
{
    assert_strv(g->cap_add, V("CAP_NET_ADMIN"));
    assert_strv(g->cap_drop, V("CAP_CHOWN"));
    assert_string_equal(g->seccomp_profile, profile);
    assert_string_equal(g->apparmor_profile, "unconfined");
    assert_strv(g->mask_paths, V("/secret"));
    assert_strv(g->unmask_paths, V("/proc/kcore"));
    assert_strv(g->group_add, V("20"));
    assert_strv(g->sysctls, V("net.ipv4.ip_forward=1"));
    assert_strv(g->entrypoint, V("/bin/echo", "ep"));
    assert_string_equal(g->init_path, "/bin/sh");
    assert_string_equal(g->umask, "0077");
    assert_string_equal(g->timezone, "local");
    assert_strv(g->annotations, V("a=b", "c=d=e"));
    assert_string_equal(g->domainname, "example.org");
    assert_string_equal(g->restart_policy, "on-failure");
    assert_int_equal(g->restart_retries, 4);
    assert_strv(g->health_cmd, V("CMD-SHELL", "true"));
    assert_int_equal(g->health_interval, 5000000000);
    assert_int_equal(g->health_timeout, 2000000000);
    assert_int_equal(g->health_start_period, 1000000000);
    assert_int_equal(g->health_retries, 7);
    assert_strv(g->create_command, V("ctrctl", "run", "x"));
}

static void check_basics(const ctr_container_options_t *g, const char *base_id)
{
    assert_int_equal(g->version, CTR_CONTAINER_OPTIONS_VERSION);
    assert_string_equal(g->name, "orig");
    assert_string_equal(g->spec_json, "{\"ociVersion\":\"1.0.2\"}");
    assert_string_equal(g->rootfs, "/");
    assert_null(g->image);
    assert_strv(g->command, V("/bin/sh", "-c", "echo hi"));
    assert_strv(g->env, V("A=1", "B=two=2"));
    assert_string_equal(g->workdir, "/work");
    assert_string_equal(g->user, "0:0");
    assert_string_equal(g->hostname, "box");
    assert_null(g->pod);
    assert_int_equal(g->flags, FLAGS);
    assert_int_equal(g->shm_size, 1 << 20);
    for (int ns = 0; ns < CTR_NS_MAX; ns++)
        assert_str(g->ns_ctr[ns], ns == CTR_NS_IPC ? base_id : NULL); /* the full ID */
    assert_int_equal(g->n_port_mappings, 2);
    assert_string_equal(g->port_mappings[0].host_ip, "127.0.0.1");
    assert_int_equal(g->port_mappings[0].host_port, 8080);
    assert_int_equal(g->port_mappings[0].container_port, 80);
    assert_string_equal(g->port_mappings[0].protocol, "tcp");
    assert_null(g->port_mappings[1].host_ip);
    assert_string_equal(g->port_mappings[1].protocol, "udp");
    assert_strv(g->dns_servers, V("192.0.2.1"));
    assert_strv(g->dns_search, V("example.test"));
    assert_strv(g->dns_options, V("ndots:2"));
    assert_strv(g->hosts_add, V("db:192.0.2.7"));
    assert_strv(g->labels, V("alpha=first", "zeta=last")); /* sorted */
    assert_int_equal(g->stop_signal, SIGINT);
    assert_int_equal(g->stop_timeout, 3);
    assert_string_equal(g->cgroup_parent, "/mine");
    assert_string_equal(g->log_path, "/var/log/libctr-opts-test.log");
    assert_string_equal(g->process_label, "system_u:system_r:container_t:s0");
    assert_string_equal(g->mount_label, "system_u:object_r:container_file_t:s0");
    assert_strv(g->networks, V("net1", "net2"));
    assert_null(g->netns_path);
    assert_int_equal(g->log_size_max, 1 << 20);
}

/* The config document without what differs between two containers of the
 * same options: ID, name, times, paths, anonymous volumes' names. */
static char *comparable(ctr_container_t *c)
{
    char *text = NULL;
    assert_ctr_ok(ctr_container_config_json(c, &text));
    json_object *doc = json_tokener_parse(text);
    ctr_free(text);
    assert_non_null(doc);
    const char *drop[] = { "id", "name", "createdTime", "staticDir", "shmDir", "logPath" };
    for (size_t i = 0; i < sizeof drop / sizeof *drop; i++)
        json_object_object_del(doc, drop[i]);
    json_object *mounts = NULL, *anon = NULL;
    assert_true(json_object_object_get_ex(doc, "mounts", &mounts));
    for (size_t i = 0; i < json_object_array_length(mounts); i++) {
        json_object *m = json_object_array_get_idx(mounts, i);
        if (json_object_object_get_ex(m, "anonymous", &anon) && json_object_get_boolean(anon))
            json_object_object_del(m, "source");
    }
    char *out = strdup(json_object_to_json_string_ext(doc, JSON_C_TO_STRING_PLAIN));
    json_object_put(doc);
    return out;
}

static void test_round_trip(void **state)
{
    struct fixture *f = *state;
    snprintf(profile, sizeof profile, "%s/tests/unit/seccomp/profile.json", getenv("SOURCE_ROOT"));
    const char *blk = block_device();
    ctr_container_t *base = test_container_on_root(f->rt, "base");
    ctr_container_options_t o = CTR_CONTAINER_OPTIONS_INIT;
    FILL(&o, blk);
    ctr_container_t *c = NULL;
    assert_ctr_ok(ctr_container_create(&c, f->rt, &o));

    /* Through a fresh runtime, so the options come from the stored record. */
    ctr_runtime_t *rt2 = test_runtime(&f->t, f->backend);
    ctr_container_t *r = NULL;
    assert_ctr_ok(ctr_runtime_lookup(rt2, "orig", &r));
    ctr_container_options_t *g = NULL;
    assert_ctr_ok(ctr_container_get_options(r, &g));
    check_basics(g, ctr_container_id(base));
    check_mounts(g);
    check_resources(g, blk);
    check_security_process(g);

    /* A second container from them, under another name: the same config. */
    g->name = "copy";
    ctr_container_t *c2 = NULL;
    assert_ctr_ok(ctr_container_create(&c2, rt2, g));
    ctr_container_options_free(g);
    char *a = comparable(r), *b = comparable(c2);
    assert_string_equal(a, b);
    free(a);
    free(b);
    assert_string_not_equal(ctr_container_id(c2), ctr_container_id(r));

    /* ... whose own options are the same again, but for the name. */
    assert_ctr_ok(ctr_container_get_options(c2, &g));
    assert_string_equal(g->name, "copy");
    g->name = "orig";
    check_basics(g, ctr_container_id(base));
    check_mounts(g);
    ctr_container_options_free(g);

    ctr_container_unref(c2);
    ctr_container_unref(r);
    ctr_runtime_unref(rt2);
    ctr_container_unref(c);
    ctr_container_unref(base);
}

/* A container of few options: the defaults as the config stores them. */
static void test_defaults(void **state)
{
    struct fixture *f = *state;
    ctr_container_t *c = test_container_on_root(f->rt, "plain");
    ctr_container_options_t *g = NULL;
    assert_ctr_ok(ctr_container_get_options(c, &g));
    assert_int_equal(g->version, CTR_CONTAINER_OPTIONS_VERSION);
    assert_string_equal(g->name, "plain");
    assert_strv(g->command, V("/bin/true"));
    assert_null(g->env);
    assert_null(g->spec_json);
    assert_null(g->hostname);
    assert_int_equal(g->flags, 0);
    assert_int_equal(g->shm_size, 64 << 20);
    assert_int_equal(g->stop_signal, SIGTERM);
    assert_int_equal(g->stop_timeout, 10);
    assert_string_equal(g->cgroup_parent, "/libctr_parent");
    assert_null(g->log_path); /* the default one in the static directory */
    assert_true(g->log_size_max == -1 || g->log_size_max > 0);
    assert_null(g->mounts);
    assert_int_equal(g->n_mounts, 0);
    assert_null(g->entrypoint);
    assert_null(g->health_cmd);
    assert_null(g->cap_add);
    assert_null(g->seccomp_profile);
    assert_int_equal(g->memory, 0);
    assert_int_equal(g->pids_limit, 0);
    assert_null(g->ulimits);
    for (int ns = 0; ns < CTR_NS_MAX; ns++)
        assert_null(g->ns_ctr[ns]);
    /* A cleared entrypoint is { NULL }, not NULL. */
    ctr_container_options_t o = CTR_CONTAINER_OPTIONS_INIT;
    o.rootfs = "/";
    o.command = V("/bin/true");
    o.entrypoint = (const char *const[]){ NULL };
    o.flags = CTR_CREATE_NETNS;
    ctr_container_t *c2 = NULL;
    assert_ctr_ok(ctr_container_create(&c2, f->rt, &o));
    ctr_container_options_t *g2 = NULL;
    assert_ctr_ok(ctr_container_get_options(c2, &g2));
    assert_non_null(g2->entrypoint);
    assert_null(g2->entrypoint[0]);
    assert_non_null(g2->name); /* the generated one */
    assert_string_equal(g2->name, ctr_container_name(c2));
    assert_non_null(g2->networks); /* the default network, named at create */
    assert_null(g2->networks[1]);
    ctr_container_options_free(g2);
    ctr_container_options_free(g);
    ctr_container_options_free(NULL);
    ctr_container_unref(c2);
    ctr_container_unref(c);
}

static void test_bad_calls(void **state)
{
    struct fixture *f = *state;
    ctr_container_t *c = test_container_on_root(f->rt, "x");
    ctr_container_options_t *g = (ctr_container_options_t *)0x1;
    assert_ctr_err(ctr_container_get_options(NULL, &g), -EINVAL);
    assert_ptr_equal(g, (ctr_container_options_t *)0x1);
    assert_ctr_err(ctr_container_get_options(c, NULL), -EINVAL);
    /* Members pointed elsewhere by the caller: only the library's memory is freed. */
    assert_ctr_ok(ctr_container_get_options(c, &g));
    const char *const mine[] = { "/bin/false", NULL };
    g->command = mine;
    g->name = "other";
    ctr_container_options_free(g);

    /* The image's volumes are volumes or tmpfs mounts, not both. */
    ctr_container_options_t o = CTR_CONTAINER_OPTIONS_INIT;
    o.rootfs = "/";
    o.flags = CTR_CREATE_IMAGE_VOLUMES | CTR_CREATE_IMAGE_VOLUMES_TMPFS;
    ctr_container_t *bad = NULL;
    assert_ctr_err(ctr_container_create(&bad, f->rt, &o), -EINVAL);
    assert_non_null(strstr(ctr_error_last()->message, "not both"));
    assert_null(bad);
    o.flags = CTR_CREATE_IMAGE_VOLUMES_TMPFS; /* alone: fine (a rootfs has no image volumes) */
    assert_ctr_ok(ctr_container_create(&bad, f->rt, &o));
    assert_ctr_ok(ctr_container_get_options(bad, &g));
    assert_int_equal(g->flags, CTR_CREATE_IMAGE_VOLUMES_TMPFS);
    ctr_container_options_free(g);
    ctr_container_unref(bad);
    ctr_container_unref(c);
}

#define BACKEND_TESTS(backend)                                                            \
    cmocka_unit_test_prestate_setup_teardown(test_round_trip, setup, teardown, backend), \
    cmocka_unit_test_prestate_setup_teardown(test_defaults, setup, teardown, backend),   \
    cmocka_unit_test_prestate_setup_teardown(test_bad_calls, setup, teardown, backend)

int main(void)
{
    const struct CMUnitTest tests[] = {
        BACKEND_TESTS("files"),
        BACKEND_TESTS("tdb"),
    };
    return cmocka_run_group_tests_name("api-options", tests, NULL, NULL);
}
