/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The public kube API through libctr.so, with containers that are never
 * started (CTR_KUBE_PLAY_NO_START; host-network pods, so no network is
 * needed), made from libctr's own infra image: play of a Pod (names, env,
 * limits, capabilities, the report's pods, containers and warnings),
 * generate of it and play --replace of that (the same options), a
 * PersistentVolumeClaim made once and kept by down, a lone container's
 * YAML, the errors (malformed YAML, a missing image, a taken name, bad
 * options) that leave nothing, down. */
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "test-helpers.h"

#define IMAGE "localhost/libctr-infra:latest"

struct fix {
    struct test_root root;
    ctr_runtime_t *rt;
};

static int setup(void **state)
{
    struct fix *f = calloc(1, sizeof *f);
    test_root_make(&f->root);
    f->rt = test_runtime(&f->root, "files");
    /* a pod makes libctr's infra image, which the YAML then uses */
    ctr_pod_options_t o = CTR_POD_OPTIONS_INIT;
    o.name = "imagemaker";
    o.network_mode = CTR_POD_NETWORK_NONE;
    ctr_pod_t *p = NULL;
    assert_ctr_ok(ctr_pod_create(f->rt, &o, &p));
    assert_ctr_ok(ctr_pod_remove(p, CTR_POD_REMOVE_FORCE));
    ctr_pod_unref(p);
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

static const char pod_yaml[] = "apiVersion: v1\n"
                               "kind: Pod\n"
                               "metadata:\n"
                               "  name: web\n"
                               "  labels:\n"
                               "    tier: front\n"
                               "spec:\n"
                               "  hostNetwork: true\n"
                               "  restartPolicy: OnFailure\n"
                               "  containers:\n"
                               "  - name: a\n"
                               "    image: " IMAGE "\n"
                               "    command: [\"/catatonit\", \"-P\"]\n"
                               "    env:\n"
                               "    - name: FOO\n"
                               "      value: \"8080\"\n"
                               "    resources:\n"
                               "      limits: {memory: 48Mi, cpu: 500m}\n"
                               "    securityContext:\n"
                               "      capabilities: {add: [NET_ADMIN], drop: [CHOWN]}\n"
                               "    livenessProbe:\n"
                               "      exec: {command: [\"true\"]}\n"
                               "  - name: b\n"
                               "    image: " IMAGE "\n"
                               "    args: [\"-g\"]\n"
                               "---\n"
                               "apiVersion: v1\n"
                               "kind: Secret\n"
                               "metadata: {name: s}\n";

static ctr_kube_report_t *play(ctr_runtime_t *rt, const char *yaml, uint64_t flags)
{
    ctr_kube_play_options_t o = CTR_KUBE_PLAY_OPTIONS_INIT;
    o.flags = flags | CTR_KUBE_PLAY_NO_START;
    ctr_kube_report_t *rep = NULL;
    assert_ctr_ok(ctr_kube_play(rt, yaml, strlen(yaml), &o, &rep));
    assert_non_null(rep);
    return rep;
}

static bool has_warning(const ctr_kube_report_t *rep, const char *w)
{
    for (size_t i = 0; i < ctr_kube_report_count(rep, CTR_KUBE_REPORT_WARNING); i++)
        if (strcmp(ctr_kube_report_get(rep, CTR_KUBE_REPORT_WARNING, i), w) == 0)
            return true;
    return false;
}

static bool has_str(const char *const *v, const char *s)
{
    for (; v && *v; v++)
        if (strcmp(*v, s) == 0)
            return true;
    return false;
}

/* The member web-a as the YAML made it. */
static void check_member_a(ctr_runtime_t *rt)
{
    ctr_container_t *c = NULL;
    ctr_container_options_t *o = NULL;
    assert_ctr_ok(ctr_runtime_lookup(rt, "web-a", &c));
    assert_ctr_ok(ctr_container_get_options(c, &o));
    assert_true(has_str(o->env, "FOO=8080"));
    assert_int_equal(o->memory, 48 << 20);
    assert_true(o->nano_cpus == 500000000 || (o->cpu_quota == 50000 && o->cpu_period == 100000));
    assert_true(has_str(o->cap_add, "CAP_NET_ADMIN") || has_str(o->cap_add, "NET_ADMIN"));
    assert_string_equal(o->restart_policy, "on-failure");
    assert_non_null(ctr_container_pod(c));
    ctr_container_options_free(o);
    ctr_container_unref(c);
}

static void test_play(void **state)
{
    struct fix *f = *state;
    ctr_kube_report_t *rep = play(f->rt, pod_yaml, 0);
    assert_int_equal(ctr_kube_report_count(rep, CTR_KUBE_REPORT_POD), 1);
    assert_int_equal(ctr_kube_report_count(rep, CTR_KUBE_REPORT_CONTAINER), 2);
    assert_int_equal(strlen(ctr_kube_report_get(rep, CTR_KUBE_REPORT_POD, 0)), 64);
    assert_null(ctr_kube_report_get(rep, CTR_KUBE_REPORT_POD, 1));
    assert_true(has_warning(rep, "spec.containers[0].livenessProbe.exec.command: not supported"));
    assert_true(has_warning(rep, "kind Secret: not supported"));
    ctr_pod_t *pod = NULL;
    assert_ctr_ok(ctr_pod_lookup(f->rt, "web", &pod));
    assert_string_equal(ctr_pod_id(pod), ctr_kube_report_get(rep, CTR_KUBE_REPORT_POD, 0));
    assert_ptr_equal(ctr_pod_runtime(pod), f->rt);
    check_member_a(f->rt);
    ctr_kube_report_free(rep);

    /* generate, then play --replace of what it wrote: the same member */
    char *yaml = NULL;
    assert_ctr_ok(ctr_pod_generate_kube(pod, 0, &yaml));
    assert_non_null(strstr(yaml, "kind: Pod\n"));
    assert_non_null(strstr(yaml, "  - name: a\n") ? strstr(yaml, "  - name: a\n") : strstr(yaml, "    name: a\n"));
    assert_non_null(strstr(yaml, "value: \"8080\"\n"));
    assert_non_null(strstr(yaml, "memory: 48Mi\n"));
    assert_non_null(strstr(yaml, "hostNetwork: true\n"));
    assert_non_null(strstr(yaml, "restartPolicy: OnFailure\n"));
    ctr_pod_unref(pod);
    rep = play(f->rt, yaml, CTR_KUBE_PLAY_REPLACE);
    assert_int_equal(ctr_kube_report_count(rep, CTR_KUBE_REPORT_WARNING), 0);
    ctr_kube_report_free(rep);
    check_member_a(f->rt);
    ctr_free(yaml);

    /* a Service before the Pod */
    assert_ctr_ok(ctr_pod_lookup(f->rt, "web", &pod));
    assert_ctr_ok(ctr_pod_generate_kube(pod, CTR_KUBE_GENERATE_SERVICE, &yaml));
    assert_non_null(strstr(yaml, "kind: Service\n"));
    assert_true(strstr(yaml, "kind: Service\n") < strstr(yaml, "kind: Pod\n"));
    ctr_free(yaml);
    assert_ctr_err(ctr_pod_generate_kube(pod, 1u << 9, &yaml), -EINVAL);
    ctr_pod_unref(pod);

    /* down */
    assert_ctr_ok(ctr_kube_down(f->rt, pod_yaml, strlen(pod_yaml), &rep));
    assert_int_equal(ctr_kube_report_count(rep, CTR_KUBE_REPORT_POD), 1);
    ctr_kube_report_free(rep);
    assert_ctr_err(ctr_pod_lookup(f->rt, "web", &pod), -ENOENT);
    assert_ctr_err(ctr_runtime_lookup(f->rt, "web-a", &(ctr_container_t *){ NULL }), -ENOENT);
    assert_ctr_ok(ctr_kube_down(f->rt, pod_yaml, strlen(pod_yaml), &rep));
    assert_int_equal(ctr_kube_report_count(rep, CTR_KUBE_REPORT_POD), 0);
    ctr_kube_report_free(rep);
}

static void test_volume_claim(void **state)
{
    struct fix *f = *state;
    static const char yaml[] = "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: data}\n---\n"
                               "apiVersion: v1\nkind: Pod\nmetadata: {name: pv}\nspec:\n  hostNetwork: true\n"
                               "  containers:\n  - name: c\n    image: " IMAGE "\n"
                               "    volumeMounts: [{name: d, mountPath: /data, readOnly: true}]\n"
                               "  volumes: [{name: d, persistentVolumeClaim: {claimName: data}}]\n";
    ctr_kube_report_t *rep = play(f->rt, yaml, 0);
    assert_int_equal(ctr_kube_report_count(rep, CTR_KUBE_REPORT_VOLUME), 1);
    assert_string_equal(ctr_kube_report_get(rep, CTR_KUBE_REPORT_VOLUME, 0), "data");
    ctr_kube_report_free(rep);
    rep = play(f->rt, yaml, CTR_KUBE_PLAY_REPLACE);
    assert_int_equal(ctr_kube_report_count(rep, CTR_KUBE_REPORT_VOLUME), 0); /* made once */
    ctr_kube_report_free(rep);
    assert_ctr_ok(ctr_kube_down(f->rt, yaml, strlen(yaml), NULL));
    ctr_volume_t *v = NULL;
    assert_ctr_ok(ctr_volume_lookup(f->rt, "data", &v)); /* a claim outlives its pods */
    ctr_volume_unref(v);
}

static void test_lone_container(void **state)
{
    struct fix *f = *state;
    ctr_container_options_t o = CTR_CONTAINER_OPTIONS_INIT;
    const char *env[] = { "X=yes", NULL };
    o.name = "solo";
    o.image = IMAGE;
    o.env = env;
    o.flags = CTR_CREATE_HOST_NETWORK;
    ctr_container_t *c = NULL;
    assert_ctr_ok(ctr_container_create(&c, f->rt, &o));
    char *yaml = NULL;
    assert_ctr_ok(ctr_container_generate_kube(c, 0, &yaml));
    assert_non_null(strstr(yaml, "  name: solo-pod\n"));
    assert_non_null(strstr(yaml, "value: \"yes\"\n"));
    assert_null(strstr(yaml, "command:")); /* the image's */
    ctr_free(yaml);
    assert_ctr_ok(ctr_container_remove(c, 0));
    ctr_container_unref(c);
}

static void refused(ctr_runtime_t *rt, const char *yaml, int err, const char *msg)
{
    ctr_kube_play_options_t o = CTR_KUBE_PLAY_OPTIONS_INIT;
    o.flags = CTR_KUBE_PLAY_NO_START;
    ctr_kube_report_t *rep = (ctr_kube_report_t *)&o; /* untouched on failure */
    assert_int_equal(ctr_kube_play(rt, yaml, strlen(yaml), &o, &rep), err);
    assert_ptr_equal(rep, &o);
    assert_non_null(strstr(ctr_error_last()->message, msg));
}

static void test_errors(void **state)
{
    struct fix *f = *state;
    ctr_pod_t **pods = NULL;
    size_t n0 = 0, n1 = 0;
    assert_ctr_ok(ctr_pod_list(f->rt, &pods, &n0));
    ctr_pod_list_free(pods, n0);
    refused(f->rt, "a: [1\n", -EINVAL, "YAML line");
    refused(f->rt, "- 1\n", -EINVAL, "a mapping expected");
    refused(f->rt, "apiVersion: v1\nkind: Pod\nspec: {}\n", -EINVAL, "no metadata.name");
    refused(f->rt, "kind: Pod\nmetadata: {name: x}\nspec:\n  containers: [{name: c}]\n", -EINVAL,
            "spec.containers[0].image: missing");
    refused(f->rt, "kind: Pod\nmetadata: {name: x}\nspec:\n  hostNetwork: true\n  containers:\n"
                   "  - {name: c, image: " IMAGE "}\n  - {name: d, image: " IMAGE ", workingDir: 5}\n",
            -EINVAL, "spec.containers[1].workingDir: a string");
    refused(f->rt, "kind: Pod\nmetadata: {name: x}\nspec:\n  restartPolicy: Sometimes\n  containers: [{name: c, image: i}]\n",
            -EINVAL, "restartPolicy");
    assert_ctr_ok(ctr_pod_list(f->rt, &pods, &n1));
    ctr_pod_list_free(pods, n1);
    assert_int_equal(n1, n0); /* the pod made before the bad container went again */
    assert_ctr_err(ctr_runtime_lookup(f->rt, "x-c", &(ctr_container_t *){ NULL }), -ENOENT);

    ctr_kube_report_free(play(f->rt, pod_yaml, 0));
    refused(f->rt, pod_yaml, -EEXIST, "web");
    /* --replace of YAML that does not play: the pod there is kept */
    static const char broken[] = "kind: Pod\nmetadata: {name: web}\nspec:\n  hostNetwork: true\n  containers:\n"
                                 "  - name: a\n    image: " IMAGE "\n    env: [{name: X, value: 1}]\n";
    ctr_kube_play_options_t ro = CTR_KUBE_PLAY_OPTIONS_INIT;
    ro.flags = CTR_KUBE_PLAY_REPLACE | CTR_KUBE_PLAY_NO_START;
    assert_ctr_err(ctr_kube_play(f->rt, broken, strlen(broken), &ro, NULL), -EINVAL);
    assert_non_null(strstr(ctr_error_last()->message, "spec.containers[0].env[0].value"));
    ctr_pod_t *kept = NULL;
    assert_ctr_ok(ctr_pod_lookup(f->rt, "web", &kept));
    ctr_pod_unref(kept);
    check_member_a(f->rt);
    assert_ctr_ok(ctr_kube_down(f->rt, pod_yaml, strlen(pod_yaml), NULL));

    ctr_kube_play_options_t o = CTR_KUBE_PLAY_OPTIONS_INIT;
    o.version = 99;
    assert_ctr_err(ctr_kube_play(f->rt, pod_yaml, strlen(pod_yaml), &o, NULL), -EINVAL);
    o.version = CTR_KUBE_PLAY_OPTIONS_VERSION;
    o.flags = 1u << 20;
    assert_ctr_err(ctr_kube_play(f->rt, pod_yaml, strlen(pod_yaml), &o, NULL), -EINVAL);
    assert_ctr_err(ctr_kube_play(NULL, pod_yaml, strlen(pod_yaml), NULL, NULL), -EINVAL);
    assert_ctr_err(ctr_kube_play(f->rt, NULL, 0, NULL, NULL), -EINVAL);
    assert_ctr_err(ctr_pod_generate_kube(NULL, 0, &(char *){ NULL }), -EINVAL);
    assert_int_equal(ctr_kube_report_count(NULL, CTR_KUBE_REPORT_POD), 0);
    assert_null(ctr_kube_report_get(NULL, CTR_KUBE_REPORT_POD, 0));
    ctr_kube_report_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_play, setup, teardown),
        cmocka_unit_test_setup_teardown(test_volume_claim, setup, teardown),
        cmocka_unit_test_setup_teardown(test_lone_container, setup, teardown),
        cmocka_unit_test_setup_teardown(test_errors, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
