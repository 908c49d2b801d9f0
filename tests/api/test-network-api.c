/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The network API through libctr.so, without root: networks are files in a
 * temporary CNI configuration directory (nothing runs, no interface is
 * made).  Arguments, errors, options versions, podman's file format. */
#include <errno.h>
#include <sys/stat.h>

#include "test-helpers.h"

static struct test_root root;
static char cni_dir[128];
static ctr_runtime_t *rt;

static void write_text(const char *name, const char *text)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", cni_dir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void test_options_init(void **state)
{
    ctr_network_options_t o;
    memset(&o, 0x5a, sizeof o);
    assert_ctr_ok(ctr_network_options_init(&o, CTR_NETWORK_OPTIONS_VERSION));
    assert_int_equal(o.version, CTR_NETWORK_OPTIONS_VERSION);
    assert_null(o.name);
    assert_null(o.subnet);
    assert_int_equal(o.flags, 0);
    assert_ctr_err(ctr_network_options_init(&o, 0), -EINVAL);
    assert_ctr_err(ctr_network_options_init(&o, CTR_NETWORK_OPTIONS_VERSION + 1), -EINVAL);
    assert_ctr_err(ctr_network_options_init(NULL, 1), -EINVAL);
    ctr_network_options_t init = CTR_NETWORK_OPTIONS_INIT;
    assert_int_equal(init.version, CTR_NETWORK_OPTIONS_VERSION);
}

static void test_arguments(void **state)
{
    ctr_network_options_t o = CTR_NETWORK_OPTIONS_INIT;
    char *s = NULL;
    char **v = NULL;
    assert_ctr_err(ctr_network_create(NULL, &o, NULL), -EINVAL);
    assert_ctr_err(ctr_network_create(rt, NULL, NULL), -EINVAL);
    assert_ctr_err(ctr_network_create(rt, &o, NULL), -EINVAL); /* no name */
    o.version = 99;
    o.name = "x";
    assert_ctr_err(ctr_network_create(rt, &o, NULL), -EINVAL);
    assert_ctr_err(ctr_network_list(rt, NULL), -EINVAL);
    assert_ctr_err(ctr_network_list(NULL, &v), -EINVAL);
    assert_ctr_err(ctr_network_inspect(rt, NULL, &s), -EINVAL);
    assert_ctr_err(ctr_network_inspect(rt, "x", NULL), -EINVAL);
    assert_ctr_err(ctr_network_remove(rt, NULL, 0), -EINVAL);
    assert_ctr_err(ctr_network_remove(rt, "x", 1u << 9), -EINVAL);
    assert_ctr_err(ctr_container_ip_address(NULL, NULL, &s), -EINVAL);
    assert_ctr_err(ctr_container_networks_json(NULL, &s), -EINVAL);
    assert_null(s);
    assert_null(v);
}

static void test_create_list_inspect_remove(void **state)
{
    ctr_network_options_t o = CTR_NETWORK_OPTIONS_INIT;
    o.name = "apinet";
    o.bridge = "ctrapi0";
    o.subnet = "10.209.75.0/24";
    o.gateway = "10.209.75.254";
    o.flags = CTR_NETWORK_NO_MASQUERADE | CTR_NETWORK_FIREWALL;
    char *path = NULL;
    assert_ctr_ok(ctr_network_create(rt, &o, &path));
    char want[256];
    snprintf(want, sizeof want, "%s/apinet.conflist", cni_dir);
    assert_string_equal(path, want);
    ctr_free(path);

    /* A file podman wrote, and a single-plugin .conf file. */
    write_text("87-podman-like.conflist",
               "{\"cniVersion\":\"0.4.0\",\"name\":\"podmanish\",\"plugins\":[{\"type\":\"bridge\",\"bridge\":"
               "\"cni-podman9\",\"isGateway\":true,\"ipMasq\":true,\"ipam\":{\"type\":\"host-local\",\"ranges\":"
               "[[{\"subnet\":\"10.209.74.0/24\",\"gateway\":\"10.209.74.1\"}]]}},{\"type\":\"portmap\","
               "\"capabilities\":{\"portMappings\":true}},{\"type\":\"firewall\"},{\"type\":\"tuning\"}]}");
    write_text("90-single.conf", "{\"cniVersion\":\"0.3.1\",\"name\":\"single\",\"type\":\"bridge\",\"bridge\":\"b1\","
                                 "\"ipam\":{\"type\":\"host-local\",\"subnet\":\"10.209.73.0/24\"}}");
    write_text("99-broken.conflist", "{");

    char **names = NULL;
    assert_ctr_ok(ctr_network_list(rt, &names));
    /* File name order: 87-podman-like, 90-single, apinet. */
    assert_string_equal(names[0], "podmanish");
    assert_string_equal(names[1], "single");
    assert_string_equal(names[2], "apinet");
    assert_null(names[3]);
    ctr_strv_free(names);

    char *json = NULL;
    assert_ctr_ok(ctr_network_inspect(rt, "apinet", &json));
    assert_true(strstr(json, "\"subnets\":[{\"subnet\":\"10.209.75.0/24\",\"gateway\":\"10.209.75.254\"}]") != NULL);
    assert_true(strstr(json, "\"plugins\":[\"bridge\",\"portmap\",\"firewall\"]") != NULL);
    assert_true(strstr(json, "\"id\":\"") != NULL);
    ctr_free(json);
    assert_ctr_ok(ctr_network_inspect(rt, "podmanish", &json));
    assert_true(strstr(json, "\"network_interface\":\"cni-podman9\"") != NULL);
    assert_true(strstr(json, "\"cni_version\":\"0.4.0\"") != NULL);
    ctr_free(json);
    assert_ctr_ok(ctr_network_inspect(rt, "single", &json));
    assert_true(strstr(json, "{\"subnet\":\"10.209.73.0/24\"}") != NULL);
    ctr_free(json);

    /* Taken names, bridges and subnets, of any file. */
    o.name = "podmanish";
    o.bridge = "ctrapi1";
    o.subnet = "10.209.72.0/24";
    o.gateway = NULL;
    assert_ctr_err(ctr_network_create(rt, &o, NULL), -EEXIST);
    o.name = "apinet2";
    o.bridge = "cni-podman9";
    assert_ctr_err(ctr_network_create(rt, &o, NULL), -EEXIST);
    o.bridge = "ctrapi1";
    o.subnet = "10.209.74.128/25";
    assert_ctr_err(ctr_network_create(rt, &o, NULL), -EEXIST);
    /* Defaults: a free 10.89.N.0/24 and libctrN. */
    o.subnet = NULL;
    o.bridge = NULL;
    assert_ctr_ok(ctr_network_create(rt, &o, NULL));
    assert_ctr_ok(ctr_network_inspect(rt, "apinet2", &json));
    assert_true(strstr(json, "\"subnet\":\"10.89.") != NULL);
    assert_true(strstr(json, "\"network_interface\":\"libctr") != NULL);
    ctr_free(json);

    assert_ctr_ok(ctr_network_remove(rt, "apinet2", 0));
    assert_ctr_ok(ctr_network_remove(rt, "apinet", 0));
    assert_ctr_ok(ctr_network_remove(rt, "single", 0));
    assert_ctr_ok(ctr_network_remove(rt, "podmanish", 0));
    assert_ctr_err(ctr_network_remove(rt, "podmanish", 0), -ENOENT);
    assert_ctr_ok(ctr_network_list(rt, &names));
    assert_null(names[0]);
    ctr_strv_free(names);
}

/* A container's network settings before it runs. */
static void test_container_settings(void **state)
{
    const char *nets[] = { "n1", "n2", NULL };
    ctr_container_options_t o = CTR_CONTAINER_OPTIONS_INIT;
    o.rootfs = "/";
    o.flags = CTR_CREATE_NETNS;
    o.networks = nets;
    ctr_container_t *c = NULL;
    assert_ctr_ok(ctr_container_create(&c, rt, &o));
    char *json = NULL, *ip = NULL;
    assert_ctr_ok(ctr_container_networks_json(c, &json));
    assert_true(strstr(json, "\"n1\":{\"EndpointID\":\"\",\"Gateway\":\"\",\"IPAddress\":\"\"") != NULL);
    assert_true(strstr(json, "\"InterfaceName\":\"eth1\"") != NULL);
    ctr_free(json);
    assert_ctr_err(ctr_container_ip_address(c, NULL, &ip), -ENOENT);
    assert_ctr_err(ctr_container_ip_address(c, "n2", &ip), -ENOENT);
    assert_null(ip);
    assert_ctr_ok(ctr_container_remove(c, 0));
    ctr_container_unref(c);

    /* No networks named: the runtime's default, recorded at create. */
    ctr_container_options_t o2 = CTR_CONTAINER_OPTIONS_INIT;
    o2.rootfs = "/";
    o2.flags = CTR_CREATE_NETNS;
    assert_ctr_ok(ctr_container_create(&c, rt, &o2));
    const char *const *v = ctr_container_networks(c);
    assert_string_equal(v[0], "apidefault");
    assert_null(v[1]);
    assert_ctr_ok(ctr_container_remove(c, 0));
    ctr_container_unref(c);

    /* No network of its own: {}. */
    ctr_container_options_t o3 = CTR_CONTAINER_OPTIONS_INIT;
    o3.rootfs = "/";
    o3.flags = CTR_CREATE_HOST_NETWORK;
    assert_ctr_ok(ctr_container_create(&c, rt, &o3));
    assert_ctr_ok(ctr_container_networks_json(c, &json));
    assert_string_equal(json, "{}");
    ctr_free(json);
    assert_ctr_ok(ctr_container_remove(c, 0));
    ctr_container_unref(c);
}

static int setup(void **state)
{
    test_root_make(&root);
    snprintf(cni_dir, sizeof cni_dir, "%s/cni.d", root.root);
    ctr_runtime_options_t o = CTR_RUNTIME_OPTIONS_INIT;
    o.root = root.root;
    o.run_root = root.run_root;
    o.cni_config_dir = cni_dir;
    o.default_network = "apidefault";
    if (ctr_runtime_new(&rt, &o) < 0)
        return -1;
    return 0;
}

static int teardown(void **state)
{
    ctr_runtime_unref(rt);
    test_root_remove(&root);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_options_init),
        cmocka_unit_test(test_arguments),
        cmocka_unit_test(test_create_list_inspect_remove),
        cmocka_unit_test(test_container_settings),
    };
    return cmocka_run_group_tests_name("network-api", tests, setup, teardown);
}
