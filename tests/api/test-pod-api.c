/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The public pod API through libctr.so, on both built-in backends, with
 * containers that are never started: create (with libctr's own infra image,
 * made from catatonit on first use, and without an infra container), lookup
 * by ID, prefix and name, list, names shared with containers, members (the
 * pod's cgroup, the infra container's namespaces), what a member cannot
 * set, the infra container's removal refused, remove, inspect, the errors;
 * the stats of a pod with nothing running (no sample), its events (type
 * pod, create, stop and remove in order, read with the pod= filter), its
 * lock file kept by a refresh;
 * four processes at once on a pod and its members (the lock order runtime →
 * pod → container: no deadlock, no member lost or left in the index). */
#include <errno.h>
#include <json-c/json.h>
#include <sys/wait.h>
#include <unistd.h>
#include <signal.h>
#include <stdbool.h>
#include <string.h>

#include "test-helpers.h"

static const char *backend_name = "files";

struct fix {
    struct test_root root;
    ctr_runtime_t *rt;
};

static int setup(void **state)
{
    struct fix *f = calloc(1, sizeof *f);
    test_root_make(&f->root);
    f->rt = test_runtime(&f->root, backend_name);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fix *f = *state;
    ctr_runtime_unref(f->rt);
    test_root_remove(&f->root);
    free(f);
    return 0;
}

static ctr_pod_t *make_pod(ctr_runtime_t *rt, const char *name, uint64_t flags)
{
    ctr_pod_options_t o = CTR_POD_OPTIONS_INIT;
    o.name = name;
    o.flags = flags; /* without an infra container: share 0 is none */
    if (!(flags & CTR_POD_CREATE_NO_INFRA))
        o.network_mode = CTR_POD_NETWORK_NONE;
    ctr_pod_t *p = NULL;
    assert_ctr_ok(ctr_pod_create(rt, &o, &p));
    assert_non_null(p);
    return p;
}

static ctr_container_t *member(ctr_runtime_t *rt, const char *pod, const char *name)
{
    ctr_container_options_t o = CTR_CONTAINER_OPTIONS_INIT;
    const char *cmd[] = { "/bin/true", NULL };
    o.name = name;
    o.rootfs = "/";
    o.command = cmd;
    o.pod = pod;
    ctr_container_t *c = NULL;
    assert_ctr_ok(ctr_container_create(&c, rt, &o));
    return c;
}

static json_object *inspect(ctr_pod_t *p)
{
    char *s = NULL;
    assert_ctr_ok(ctr_pod_inspect(p, &s));
    json_object *o = json_tokener_parse(s);
    assert_non_null(o);
    ctr_free(s);
    return o;
}

static void test_create_lookup_members(void **state)
{
    struct fix *f = *state;
    ctr_pod_t *p = make_pod(f->rt, "web", 0);
    assert_int_equal(strlen(ctr_pod_id(p)), 64);
    assert_string_equal(ctr_pod_name(p), "web");
    assert_int_equal(ctr_pod_share(p), CTR_POD_SHARE_DEFAULT);
    assert_non_null(ctr_pod_infra_id(p));
    char cg[128];
    snprintf(cg, sizeof cg, "/libctr_parent/%s", ctr_pod_id(p));
    assert_string_equal(ctr_pod_cgroup_path(p), cg);
    /* The infra container: marked, named, its image made from catatonit. */
    ctr_container_t *infra = NULL;
    assert_ctr_ok(ctr_runtime_lookup(f->rt, ctr_pod_infra_id(p), &infra));
    assert_string_equal(ctr_container_pod(infra), ctr_pod_id(p));
    assert_string_equal(ctr_container_image_name(infra), "localhost/libctr-infra:latest");
    assert_string_equal(ctr_container_hostname(infra), "web");
    /* Lookups: name, ID, prefix. */
    const char *refs[] = { "web", ctr_pod_id(p), "", NULL };
    char prefix[8];
    snprintf(prefix, sizeof prefix, "%.6s", ctr_pod_id(p));
    refs[2] = prefix;
    for (const char **r = refs; *r; r++) {
        ctr_pod_t *q = NULL;
        assert_ctr_ok(ctr_pod_lookup(f->rt, *r, &q));
        assert_string_equal(ctr_pod_id(q), ctr_pod_id(p));
        ctr_pod_unref(q);
    }
    /* Members: the pod's ID, its cgroup, the infra container's namespaces. */
    ctr_container_t *m1 = member(f->rt, "web", "m1"), *m2 = member(f->rt, prefix, "m2");
    assert_string_equal(ctr_container_pod(m1), ctr_pod_id(p));
    assert_string_equal(ctr_container_hostname(m2), "web");
    char **deps = NULL;
    assert_ctr_ok(ctr_container_dependencies(m1, &deps));
    assert_string_equal(deps[0], ctr_pod_infra_id(p));
    assert_null(deps[1]);
    for (char **d = deps; *d; d++)
        ctr_free(*d);
    ctr_free(deps);
    char **ids = NULL;
    assert_ctr_ok(ctr_pod_containers(p, &ids));
    assert_string_equal(ids[0], ctr_pod_infra_id(p));
    assert_string_equal(ids[1], ctr_container_id(m1));
    assert_string_equal(ids[2], ctr_container_id(m2));
    assert_null(ids[3]);
    for (char **d = ids; *d; d++)
        ctr_free(*d);
    ctr_free(ids);
    char *status = NULL;
    assert_ctr_ok(ctr_pod_status(p, &status));
    assert_string_equal(status, "Created");
    ctr_free(status);
    json_object *doc = inspect(p), *v;
    assert_true(json_object_object_get_ex(doc, "NumContainers", &v) && json_object_get_int(v) == 3);
    assert_true(json_object_object_get_ex(doc, "CgroupPath", &v) && strcmp(json_object_get_string(v), cg) == 0);
    json_object_put(doc);
    /* The infra container goes only with the pod; the pod removes all. */
    assert_ctr_err(ctr_container_remove(infra, CTR_REMOVE_FORCE), -EBUSY);
    assert_ctr_ok(ctr_pod_remove(p, 0));
    assert_ctr_err(ctr_pod_inspect(p, &status), -ENOENT);
    ctr_container_t *gone = NULL;
    assert_ctr_err(ctr_runtime_lookup(f->rt, "m1", &gone), -ENOENT);
    assert_ctr_err(ctr_runtime_lookup(f->rt, ctr_pod_infra_id(p), &gone), -ENOENT);
    ctr_pod_t *q = NULL;
    assert_ctr_err(ctr_pod_lookup(f->rt, "web", &q), -ENOENT);
    ctr_container_unref(infra);
    ctr_container_unref(m1);
    ctr_container_unref(m2);
    ctr_pod_unref(p);
}

static void test_names_and_list(void **state)
{
    struct fix *f = *state;
    ctr_container_t *c = test_container_on_root(f->rt, "taken");
    ctr_pod_options_t o = CTR_POD_OPTIONS_INIT;
    o.name = "taken";
    ctr_pod_t *p = NULL;
    assert_ctr_err(ctr_pod_create(f->rt, &o, &p), -EEXIST);
    ctr_pod_t *a = make_pod(f->rt, "alpha", CTR_POD_CREATE_NO_INFRA);
    ctr_pod_t *b = make_pod(f->rt, NULL, CTR_POD_CREATE_NO_INFRA); /* a generated name */
    assert_true(strchr(ctr_pod_name(b), '_') != NULL);
    assert_null(ctr_pod_infra_id(a));
    ctr_container_options_t co = CTR_CONTAINER_OPTIONS_INIT;
    co.name = "alpha";
    co.rootfs = "/";
    ctr_container_t *d = NULL;
    assert_ctr_err(ctr_container_create(&d, f->rt, &co), -EEXIST);
    ctr_pod_t **list = NULL;
    size_t n = 0;
    assert_ctr_ok(ctr_pod_list(f->rt, &list, &n));
    assert_int_equal(n, 2);
    assert_string_equal(ctr_pod_name(list[0]), "alpha"); /* oldest first */
    ctr_pod_list_free(list, n);
    /* A member of a pod without infra container joins nothing. */
    ctr_container_t *m = member(f->rt, "alpha", "lone");
    char **deps = NULL;
    assert_ctr_ok(ctr_container_dependencies(m, &deps));
    assert_null(deps[0]);
    ctr_free(deps);
    json_object *doc = inspect(a), *v;
    assert_true(json_object_object_get_ex(doc, "CreateInfra", &v) && !json_object_get_boolean(v));
    assert_true(json_object_object_get_ex(doc, "SharedNamespaces", &v) && json_object_array_length(v) == 0);
    json_object_put(doc);
    assert_ctr_ok(ctr_pod_remove(a, 0));
    assert_ctr_ok(ctr_pod_remove(b, 0));
    assert_ctr_err(ctr_pod_remove(b, 0), -ENOENT);
    ctr_container_unref(m);
    ctr_container_unref(c);
    ctr_pod_unref(a);
    ctr_pod_unref(b);
}

static void test_bad_input(void **state)
{
    struct fix *f = *state;
    ctr_pod_t *p = NULL;
    ctr_pod_options_t o = CTR_POD_OPTIONS_INIT;
    o.name = "bad name";
    assert_ctr_err(ctr_pod_create(f->rt, &o, &p), -EINVAL);
    o = (ctr_pod_options_t)CTR_POD_OPTIONS_INIT;
    o.share = CTR_POD_SHARE_NONE | CTR_POD_SHARE_NET;
    assert_ctr_err(ctr_pod_create(f->rt, &o, &p), -EINVAL);
    o.share = CTR_POD_SHARE_NET;
    o.flags = CTR_POD_CREATE_NO_INFRA; /* sharing needs an infra container */
    assert_ctr_err(ctr_pod_create(f->rt, &o, &p), -EINVAL);
    o.share = 0;
    o.flags = 0;
    o.exit_policy = 9;
    assert_ctr_err(ctr_pod_create(f->rt, &o, &p), -EINVAL);
    o.exit_policy = 0;
    ctr_port_mapping_t port = { NULL, 8080, 80, NULL };
    o.port_mappings = &port;
    o.n_port_mappings = 1;
    o.network_mode = CTR_POD_NETWORK_HOST;
    assert_ctr_err(ctr_pod_create(f->rt, &o, &p), -EINVAL);
    o = (ctr_pod_options_t)CTR_POD_OPTIONS_INIT;
    o.labels = (const char *const[]){ "nokey", NULL };
    assert_ctr_err(ctr_pod_create(f->rt, &o, &p), -EINVAL);
    o.labels = NULL;
    o.memory_swap = 1 << 20; /* without a memory limit */
    assert_ctr_err(ctr_pod_create(f->rt, &o, &p), -EINVAL);
    o.memory = 2 << 20; /* more memory than memory plus swap */
    assert_ctr_err(ctr_pod_create(f->rt, &o, &p), -EINVAL);
    o.memory = o.memory_swap = 0;
    o.cpuset_cpus = "0;1";
    assert_ctr_err(ctr_pod_create(f->rt, &o, &p), -EINVAL);
    o.cpuset_cpus = NULL;
    o.nano_cpus = -1;
    assert_ctr_err(ctr_pod_create(f->rt, &o, &p), -EINVAL);
    o.nano_cpus = 0;
    o.version = 99;
    assert_ctr_err(ctr_pod_create(f->rt, &o, &p), -EINVAL);
    assert_ctr_err(ctr_pod_lookup(f->rt, "", &p), -EINVAL);
    assert_ctr_err(ctr_pod_lookup(f->rt, "nosuch", &p), -ENOENT);
    ctr_pod_t **list = NULL;
    size_t n = 9;
    assert_ctr_ok(ctr_pod_list(f->rt, &list, &n));
    assert_int_equal(n, 0); /* nothing was made by the failures */
    /* A member of a pod that shares its network cannot have ports or a network of its own. */
    ctr_pod_t *web = make_pod(f->rt, "web", 0);
    ctr_container_options_t co = CTR_CONTAINER_OPTIONS_INIT;
    co.rootfs = "/";
    co.pod = "web";
    co.flags = CTR_CREATE_NETNS;
    ctr_container_t *c = NULL;
    assert_ctr_err(ctr_container_create(&c, f->rt, &co), -EINVAL);
    co.flags = 0;
    co.hostname = "other";
    assert_ctr_err(ctr_container_create(&c, f->rt, &co), -EINVAL);
    co.hostname = NULL;
    co.pod = "nosuchpod";
    assert_ctr_err(ctr_container_create(&c, f->rt, &co), -ENOENT);
    assert_ctr_err(ctr_pod_remove(web, 0x80), -EINVAL);
    assert_ctr_err(ctr_pod_kill(web, 0), -EINVAL);
    assert_ctr_err(ctr_pod_kill(web, SIGTERM), -EBUSY); /* nothing runs */
    ctr_top_t *top = NULL;
    assert_ctr_err(ctr_pod_top(web, NULL, &top), -EBUSY);
    assert_ctr_ok(ctr_pod_stop(web, 0));                 /* stopped already: nothing to do */
    assert_ctr_ok(ctr_pod_remove(web, 0));
    ctr_pod_unref(web);
}

/* ---- four processes at once ---- */

static int rounds(void)
{
    const char *v = getenv("CTR_TEST_VALGRIND");
    return v && *v == '1' ? 8 : 60;
}

static int bump(ctr_container_t *c, void *userdata)
{
    void *data = NULL;
    int r = ctr_container_artifact_get(c, "n", &data, NULL);
    if (r < 0)
        return r;
    char buf[32];
    int len = snprintf(buf, sizeof buf, "%ld", strtol(data, NULL, 10) + 1);
    ctr_free(data);
    return ctr_container_artifact_add(c, "n", buf, (size_t)len);
}

/* Process 0: members made and removed (runtime lock, the pod's index);
 * 1: the pod's operations (its lock, then each member's); 2: batches on a
 * member and renames (a container's lock; runtime, then container); 3: other
 * pods made and removed, and the pod's inspect and status. */
static int worker(ctr_runtime_t *rt, int which, int i)
{
    char name[64];
    ctr_pod_t *pod = NULL;
    ctr_container_t *c = NULL;
    char *s = NULL;
    int r = ctr_pod_lookup(rt, "busy", &pod);
    if (r == 0 && which == 0) {
        snprintf(name, sizeof name, "churn-%d", i);
        ctr_container_options_t co = CTR_CONTAINER_OPTIONS_INIT; /* no cmocka assert in a child */
        co.name = name;
        co.rootfs = "/";
        co.pod = "busy";
        if ((r = ctr_container_create(&c, rt, &co)) == 0 && i % 2)
            r = ctr_container_remove(c, 0); /* every other one stays */
    } else if (r == 0 && which == 1) {
        r = ctr_pod_stop(pod, 0);
        if (r == 0 && (r = ctr_pod_apply_exit_policy(pod)) > 0)
            r = 0;
        if (r == 0 && (r = ctr_pod_pause(pod)) == -EBUSY) /* nothing runs: refused, not stuck */
            r = 0;
    } else if (r == 0 && which == 2) {
        snprintf(name, sizeof name, "fixed-%d", i);
        if ((r = ctr_runtime_lookup(rt, i ? "fixed-0" : "fixed", &c)) == -ENOENT)
            r = ctr_runtime_lookup(rt, "fixed", &c);
        if (r == 0 && (r = ctr_container_batch(c, bump, NULL)) == 0 && i == 0)
            r = ctr_container_rename(c, "fixed-0");
    } else if (r == 0) {
        snprintf(name, sizeof name, "other-%d", i);
        ctr_pod_options_t po = CTR_POD_OPTIONS_INIT;
        po.name = name;
        po.flags = CTR_POD_CREATE_NO_INFRA;
        ctr_pod_t *o = NULL;
        if ((r = ctr_pod_create(rt, &po, &o)) == 0)
            r = ctr_pod_remove(o, 0);
        ctr_pod_unref(o);
        if (r == 0 && (r = ctr_pod_inspect(pod, &s)) == 0) {
            ctr_free(s);
            s = NULL;
            r = ctr_pod_status(pod, &s);
        }
    }
    if (r < 0)
        fprintf(stderr, "worker %d round %d: %s\n", which, i, ctr_error_last()->message);
    ctr_free(s);
    ctr_container_unref(c);
    ctr_pod_unref(pod);
    return r;
}

/* The pod's events in the journal, "STATUS NAME" each on a line, for filters. */
static int pod_event(const ctr_event_t *ev, void *userdata)
{
    char *buf = userdata;
    size_t len = strlen(buf);
    snprintf(buf + len, 512 - len, "%s %s %s|", ev->type, ev->status, ev->name ? ev->name : "-");
    return 0;
}

static void pod_events(ctr_runtime_t *rt, const char *const *filters, char buf[512])
{
    ctr_events_options_t o = CTR_EVENTS_OPTIONS_INIT;
    o.filters = filters;
    buf[0] = '\0';
    assert_ctr_ok(ctr_events_read(rt, &o, pod_event, buf));
}

static void test_stats_and_events(void **state)
{
    struct fix *f = *state;
    ctr_pod_t *p = make_pod(f->rt, "quiet", 0), *other = make_pod(f->rt, "other", CTR_POD_CREATE_NO_INFRA);
    ctr_container_unref(member(f->rt, "quiet", "q1"));
    ctr_stats_t *sentinel[1], **stats = sentinel;
    size_t n = 9;
    assert_ctr_ok(ctr_pod_stats(p, NULL, 0, &stats, &n));
    assert_int_equal(n, 0); /* nothing runs: no sample, and no error (podman lists such a pod with no row) */
    assert_null(stats);
    assert_ctr_err(ctr_pod_stats(p, NULL, 1, &stats, &n), -EINVAL);
    assert_ctr_err(ctr_pod_stats(NULL, NULL, 0, &stats, &n), -EINVAL);
    assert_ctr_err(ctr_pod_stats(p, NULL, 0, NULL, &n), -EINVAL);
    ctr_pod_stats_free(NULL, 0);
    assert_ctr_ok(ctr_pod_stop(p, 0)); /* nothing runs: a stop all the same, as podman */
    /* The pod's lock file (made by the stop) is no orphan to a refresh: another process may hold it. */
    char lock[512];
    snprintf(lock, sizeof lock, "%s/locks/pod-%s.lock", f->root.run_root, ctr_pod_id(p));
    assert_int_equal(access(lock, F_OK), 0);
    assert_ctr_ok(ctr_runtime_refresh(f->rt));
    assert_int_equal(access(lock, F_OK), 0);
    assert_ctr_err(ctr_pod_kill(p, SIGTERM), -EBUSY); /* nothing to kill: no event */
    assert_ctr_ok(ctr_pod_remove(p, 0));
    assert_ctr_err(ctr_pod_stats(p, NULL, 0, &stats, &n), -ENOENT);
    char buf[512];
    pod_events(f->rt, (const char *[]){ "type=pod", NULL }, buf);
    assert_string_equal(buf, "pod create quiet|pod create other|pod stop quiet|pod remove quiet|");
    pod_events(f->rt, (const char *[]){ "pod=quiet", NULL }, buf);
    assert_string_equal(buf, "pod create quiet|pod stop quiet|pod remove quiet|");
    char prefix[16];
    snprintf(prefix, sizeof prefix, "pod=%.6s", ctr_pod_id(other));
    pod_events(f->rt, (const char *[]){ "pod=quiet", prefix, NULL }, buf);
    assert_string_equal(buf, "pod create quiet|pod create other|pod stop quiet|pod remove quiet|");
    pod_events(f->rt, (const char *[]){ "pod=q1", NULL }, buf);
    assert_string_equal(buf, ""); /* a container's name is no pod's */
    ctr_pod_unref(p);
    ctr_pod_unref(other);
}

static void test_concurrent(void **state)
{
    struct fix *f = *state;
    ctr_pod_t *pod = make_pod(f->rt, "busy", 0);
    ctr_container_t *fixed = member(f->rt, "busy", "fixed");
    assert_ctr_ok(ctr_container_artifact_add(fixed, "n", "0", 1));
    ctr_container_unref(fixed);
    pid_t pids[4];
    for (int p = 0; p < 4; p++) {
        pids[p] = fork();
        assert_true(pids[p] >= 0);
        if (pids[p] == 0) {
            alarm(240); /* a deadlock ends the test, not the suite's timeout */
            ctr_runtime_options_t ro = CTR_RUNTIME_OPTIONS_INIT;
            ro.root = f->root.root;
            ro.run_root = f->root.run_root;
            ro.state_backend = backend_name;
            ctr_runtime_t *rt = NULL;
            if (ctr_runtime_new(&rt, &ro) < 0)
                _exit(2);
            for (int i = 0; i < rounds(); i++)
                if (worker(rt, p, i) < 0)
                    _exit(3);
            ctr_runtime_unref(rt);
            _exit(0);
        }
    }
    int status[4] = { 0 };
    for (int p = 0; p < 4; p++) /* all of them, before a failure removes the root */
        assert_int_equal(waitpid(pids[p], &status[p], 0), pids[p]);
    for (int p = 0; p < 4; p++)
        if (!WIFEXITED(status[p]) || WEXITSTATUS(status[p]) != 0)
            fail_msg("worker %d: %s %d", p, WIFEXITED(status[p]) ? "exit" : "signal",
                     WIFEXITED(status[p]) ? WEXITSTATUS(status[p]) : WTERMSIG(status[p]));
    /* Nothing lost: the members are the infra container, "fixed-0" and the
     * churn members kept (the even rounds), and no other pod is left. */
    char **ids = NULL;
    assert_ctr_ok(ctr_pod_containers(pod, &ids));
    size_t n = 0;
    for (char **i = ids; *i; i++, n++)
        ctr_free(*i);
    ctr_free(ids);
    assert_int_equal(n, 2 + (size_t)(rounds() + 1) / 2);
    ctr_container_t *c = NULL;
    assert_ctr_ok(ctr_runtime_lookup(f->rt, "fixed-0", &c));
    void *data = NULL;
    assert_ctr_ok(ctr_container_artifact_get(c, "n", &data, NULL));
    assert_int_equal(strtol(data, NULL, 10), rounds()); /* every batch counted */
    ctr_free(data);
    ctr_container_unref(c);
    ctr_pod_t **list = NULL;
    assert_ctr_ok(ctr_pod_list(f->rt, &list, &n));
    assert_int_equal(n, 1);
    ctr_pod_list_free(list, n);
    assert_ctr_ok(ctr_pod_remove(pod, CTR_POD_REMOVE_FORCE));
    ctr_container_t **all = NULL;
    assert_ctr_ok(ctr_runtime_list(f->rt, NULL, NULL, &all, &n));
    assert_int_equal(n, 0); /* every member went with the pod */
    ctr_container_list_free(all, n);
    ctr_pod_unref(pod);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_create_lookup_members, setup, teardown),
        cmocka_unit_test_setup_teardown(test_names_and_list, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_input, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stats_and_events, setup, teardown),
        cmocka_unit_test_setup_teardown(test_concurrent, setup, teardown),
    };
    int failed = 0;
    static const char *const backends[] = { "files", "tdb" };
    for (size_t i = 0; i < sizeof backends / sizeof backends[0]; i++) {
        backend_name = backends[i];
        char name[64];
        snprintf(name, sizeof name, "pod-api[%s]", backend_name);
        failed += _cmocka_run_group_tests(name, tests, sizeof tests / sizeof tests[0], NULL, NULL);
    }
    return failed;
}
