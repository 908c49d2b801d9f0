/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Networking internals: CNI configuration lists, plugin stdin, results,
 * plugin invocation (with fake plugins: shell scripts), resolv.conf and
 * hosts generation.  No root, no real plugins. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>

#include "data/config.h"
#include "base/error.h"
#include "base/json-util.h"
#include "net/cni-result.h"
#include "net/cni.h"
#include "net/etc-files.h"
#include "net/net.h"
#include "data/spec.h"

/* ---- helpers ---- */

static char tmp[64];

static void write_file(const char *dir, const char *name, const char *text, mode_t mode)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    chmod(path, mode);
}

static char *read_text(const char *path)
{
    char *s = NULL;
    if (ctr__read_file_at(AT_FDCWD, path, &s, NULL) < 0)
        return NULL;
    return s;
}

static json_object *parse(const char *text)
{
    json_object *o = NULL;
    if (ctr__json_parse(text, "test", &o) < 0)
        fail_msg("bad test JSON: %s", ctr_error_last()->message);
    return o;
}

static const char *member(json_object *o, const char *key)
{
    json_object *v;
    if (!json_object_object_get_ex(o, key, &v))
        return NULL;
    return json_object_get_string(v);
}

/* A config with the fields the generators read. */
static struct ctr__config *make_config(void)
{
    struct ctr__config *c = calloc(1, sizeof *c);
    c->refs = 1;
    c->id = strdup("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
    c->name = strdup("web");
    c->dns_servers = ctr__strv_copy(NULL);
    c->dns_search = ctr__strv_copy(NULL);
    c->dns_options = ctr__strv_copy(NULL);
    c->hosts_add = ctr__strv_copy(NULL);
    return c;
}

static void free_config(struct ctr__config *c)
{
    free(c->id);
    free(c->name);
    free(c->hostname);
    ctr__strv_free(c->dns_servers);
    ctr__strv_free(c->dns_search);
    ctr__strv_free(c->dns_options);
    ctr__strv_free(c->hosts_add);
    free(c);
}

/* ---- configuration lists ---- */

/* The shape podman (CNI backend) writes. */
static const char podman_like[] =
    "{\n"
    "  \"cniVersion\": \"0.4.0\",\n"
    "  \"name\": \"mynet\",\n"
    "  \"plugins\": [\n"
    "    { \"type\": \"bridge\", \"bridge\": \"cni-podman1\", \"isGateway\": true, \"ipMasq\": true,\n"
    "      \"hairpinMode\": true,\n"
    "      \"ipam\": { \"type\": \"host-local\", \"routes\": [{ \"dst\": \"0.0.0.0/0\" }],\n"
    "                \"ranges\": [[{ \"subnet\": \"10.89.3.0/24\", \"gateway\": \"10.89.3.1\" }]] } },\n"
    "    { \"type\": \"portmap\", \"capabilities\": { \"portMappings\": true } },\n"
    "    { \"type\": \"firewall\", \"backend\": \"\" },\n"
    "    { \"type\": \"tuning\" }\n"
    "  ],\n"
    "  \"args\": { \"podman_labels\": { \"app\": \"x\" } }\n"
    "}\n";

static void test_conflist_parse(void **state)
{
    struct ctr__cni_net *n = NULL;
    assert_int_equal(ctr__cni_net_parse(podman_like, "/x/mynet.conflist", &n), 0);
    assert_string_equal(n->name, "mynet");
    assert_string_equal(n->cni_version, "0.4.0");
    assert_string_equal(n->path, "/x/mynet.conflist");
    assert_int_equal(n->n_plugins, 4);
    ctr__cni_net_free(n);

    /* A single plugin (.conf) becomes a list of one. */
    assert_int_equal(ctr__cni_net_parse("{\"cniVersion\":\"0.3.1\",\"name\":\"one\",\"type\":\"bridge\",\"bridge\":\"b\"}",
                                        NULL, &n),
                     0);
    assert_string_equal(n->name, "one");
    assert_int_equal(n->n_plugins, 1);
    json_object *conf = NULL;
    assert_int_equal(ctr__cni_plugin_conf(n, 0, NULL, NULL, &conf), 0);
    assert_string_equal(member(conf, "type"), "bridge");
    assert_string_equal(member(conf, "bridge"), "b");
    assert_string_equal(member(conf, "name"), "one");
    assert_string_equal(member(conf, "cniVersion"), "0.3.1");
    json_object_put(conf);
    ctr__cni_net_free(n);
}

static void test_conflist_invalid(void **state)
{
    static const char *const bad[] = {
        "",
        "[]",
        "{}",
        "{\"name\":\"x\",\"plugins\":[{\"type\":\"bridge\"}]}",                           /* no cniVersion */
        "{\"cniVersion\":\"1.0.0\",\"plugins\":[{\"type\":\"bridge\"}]}",                  /* no name */
        "{\"cniVersion\":\"1.0.0\",\"name\":\"-x\",\"plugins\":[{\"type\":\"bridge\"}]}",  /* bad name */
        "{\"cniVersion\":\"1.0.0\",\"name\":\"a/b\",\"plugins\":[{\"type\":\"bridge\"}]}",
        "{\"cniVersion\":\"1.0.0\",\"name\":\"x\",\"plugins\":[]}",
        "{\"cniVersion\":\"1.0.0\",\"name\":\"x\",\"plugins\":{}}",
        "{\"cniVersion\":\"1.0.0\",\"name\":\"x\",\"plugins\":[1]}",
        "{\"cniVersion\":\"1.0.0\",\"name\":\"x\",\"plugins\":[{}]}",
        "{\"cniVersion\":\"1.0.0\",\"name\":\"x\",\"plugins\":[{\"type\":\"../bin/sh\"}]}",
        "{\"cniVersion\":\"1.0.0\",\"name\":\"x\",\"plugins\":[{\"type\":\"..\"}]}",
        "{\"cniVersion\":\"1.0.0\",\"name\":\"x\"}",                                      /* .conf without type */
        "{\"cniVersion\":\"1.0.0\",\"name\":\"x\",\"plugins\":[{\"type\":\"bridge\"}]} junk",
    };
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        struct ctr__cni_net *n = NULL;
        int r = ctr__cni_net_parse(bad[i], "t", &n);
        if (r != -EINVAL)
            fail_msg("case %zu (%s): %d", i, bad[i], r);
        assert_true(ctr_error_last()->message[0] != '\0');
        assert_null(n);
    }
}

static void test_plugin_conf(void **state)
{
    struct ctr__cni_net *n = NULL;
    assert_int_equal(ctr__cni_net_parse(
                         "{\"cniVersion\":\"1.0.0\",\"name\":\"n\",\"plugins\":["
                         "{\"type\":\"bridge\",\"name\":\"ignored\",\"runtimeConfig\":{\"stale\":1}},"
                         "{\"type\":\"portmap\",\"capabilities\":{\"portMappings\":true}},"
                         "{\"type\":\"static\",\"capabilities\":{\"ips\":true,\"mac\":true,\"portMappings\":false}},"
                         "{\"type\":\"tuning\",\"capabilities\":{\"mac\":true}}]}",
                         NULL, &n),
                     0);
    json_object *prev = parse("{\"cniVersion\":\"1.0.0\",\"ips\":[{\"address\":\"10.0.0.2/24\"}]}");
    json_object *rc = parse("{\"portMappings\":[{\"hostPort\":8080,\"containerPort\":80,\"protocol\":\"tcp\"}],"
                            "\"ips\":[\"10.0.0.9/24\"],\"mac\":\"02:00:00:00:00:01\"}");
    json_object *c = NULL, *v;

    /* Plugin 0: no capabilities, no runtimeConfig; the list's name wins. */
    assert_int_equal(ctr__cni_plugin_conf(n, 0, NULL, rc, &c), 0);
    assert_string_equal(member(c, "name"), "n");
    assert_false(json_object_object_get_ex(c, "runtimeConfig", NULL));
    assert_false(json_object_object_get_ex(c, "prevResult", NULL));
    json_object_put(c);

    /* Plugin 1: portMappings only, and the previous result. */
    assert_int_equal(ctr__cni_plugin_conf(n, 1, prev, rc, &c), 0);
    assert_true(json_object_object_get_ex(c, "runtimeConfig", &v));
    assert_int_equal(json_object_object_length(v), 1);
    assert_true(json_object_object_get_ex(v, "portMappings", NULL));
    assert_true(json_object_object_get_ex(c, "prevResult", &v));
    assert_true(json_object_object_get_ex(v, "ips", NULL));
    json_object_put(c);

    /* Plugin 2: ips and mac, not portMappings (declared false). */
    assert_int_equal(ctr__cni_plugin_conf(n, 2, NULL, rc, &c), 0);
    assert_true(json_object_object_get_ex(c, "runtimeConfig", &v));
    assert_int_equal(json_object_object_length(v), 2);
    assert_true(json_object_object_get_ex(v, "ips", NULL));
    assert_string_equal(member(v, "mac"), "02:00:00:00:00:01");
    json_object_put(c);

    /* Plugin 3 declares mac, but no runtime config is given: none. */
    assert_int_equal(ctr__cni_plugin_conf(n, 3, NULL, NULL, &c), 0);
    assert_false(json_object_object_get_ex(c, "runtimeConfig", NULL));
    json_object_put(c);

    /* A capability declared but not provided: no empty runtimeConfig. */
    json_object *only_ips = parse("{\"ips\":[\"10.0.0.9/24\"]}");
    assert_int_equal(ctr__cni_plugin_conf(n, 1, NULL, only_ips, &c), 0);
    assert_false(json_object_object_get_ex(c, "runtimeConfig", NULL));
    json_object_put(c);
    json_object_put(only_ips);

    assert_int_equal(ctr__cni_plugin_conf(n, 4, NULL, NULL, &c), -EINVAL);
    json_object_put(prev);
    json_object_put(rc);
    ctr__cni_net_free(n);
}

static void test_version_cmp(void **state)
{
    assert_true(ctr__cni_version_cmp("0.4.0", "1.0.0") < 0);
    assert_true(ctr__cni_version_cmp("1.0.0", "0.4.0") > 0);
    assert_true(ctr__cni_version_cmp("0.3.1", "0.4.0") < 0);
    assert_int_equal(ctr__cni_version_cmp("0.4.0", "0.4.0"), 0);
    assert_int_equal(ctr__cni_version_cmp("1.0", "1.0.0"), -1);
    assert_true(ctr__cni_version_cmp("0.10.0", "0.9.0") > 0);
}

static void test_dir_list(void **state)
{
    char dir[128];
    snprintf(dir, sizeof dir, "%s/netd", tmp);
    mkdir(dir, 0755);
    write_file(dir, "10-a.conflist", "{\"cniVersion\":\"1.0.0\",\"name\":\"a\",\"plugins\":[{\"type\":\"bridge\"}]}", 0644);
    write_file(dir, "20-b.conf", "{\"cniVersion\":\"0.4.0\",\"name\":\"b\",\"type\":\"macvlan\"}", 0644);
    write_file(dir, "30-a.json", "{\"cniVersion\":\"1.0.0\",\"name\":\"a\",\"plugins\":[{\"type\":\"ptp\"}]}", 0644);
    write_file(dir, "40-broken.conflist", "{ not json", 0644);
    write_file(dir, "cni.lock", "", 0644);
    write_file(dir, ".hidden.conflist", "{\"cniVersion\":\"1.0.0\",\"name\":\"h\",\"plugins\":[{\"type\":\"x\"}]}", 0644);

    struct ctr__cni_net **v = NULL;
    size_t n = 0;
    char **skipped = NULL;
    ctr__err_clear();
    assert_int_equal(ctr__cni_net_list(dir, &v, &n, &skipped), 0);
    assert_int_equal(n, 2);
    assert_string_equal(v[0]->name, "a");
    assert_true(strstr(v[0]->path, "10-a.conflist") != NULL); /* the first file wins */
    assert_string_equal(v[1]->name, "b");
    assert_int_equal(ctr__strv_len((const char *const *)skipped), 1);
    assert_true(strstr(skipped[0], "40-broken") != NULL);
    assert_int_equal(ctr__err_code(), 0);
    ctr__strv_free(skipped);
    ctr__cni_net_list_free(v, n);

    struct ctr__cni_net *net = NULL;
    assert_int_equal(ctr__cni_net_find(dir, "b", &net), 0);
    assert_string_equal(net->cni_version, "0.4.0");
    ctr__cni_net_free(net);
    assert_int_equal(ctr__cni_net_find(dir, "nope", &net), -ENOENT);
    assert_true(strstr(ctr_error_last()->message, "nope") != NULL);

    /* A missing directory has no networks. */
    assert_int_equal(ctr__cni_net_list("/nonexistent/libctr-test", &v, &n, NULL), 0);
    assert_int_equal(n, 0);
    ctr__cni_net_list_free(v, n);
}

/* ---- results ---- */

static void test_result_parse(void **state)
{
    struct ctr__cni_result r;
    assert_int_equal(ctr__cni_result_parse(
                         "{\"cniVersion\":\"1.0.0\",\"interfaces\":[{\"name\":\"ctrtest0\",\"mac\":\"4e:07:82:d9:35:60\"},"
                         "{\"name\":\"veth1\",\"mac\":\"fa:df:ce:89:99:8b\"},"
                         "{\"name\":\"eth0\",\"mac\":\"4a:a7:93:59:2c:57\",\"sandbox\":\"/run/netns/x\"}],"
                         "\"ips\":[{\"interface\":2,\"address\":\"10.209.77.2/24\",\"gateway\":\"10.209.77.1\"},"
                         "{\"interface\":2,\"address\":\"fd00:1::5/64\",\"gateway\":\"fd00:1::1\"}],"
                         "\"routes\":[{\"dst\":\"0.0.0.0/0\"}],\"dns\":{}}",
                         &r),
                     0);
    assert_int_equal(r.n_interfaces, 3);
    assert_int_equal(r.n_ips, 2);
    assert_string_equal(r.ips[0].address, "10.209.77.2");
    assert_int_equal(r.ips[0].prefix, 24);
    assert_int_equal(r.ips[0].version, 4);
    assert_string_equal(r.ips[0].gateway, "10.209.77.1");
    const struct ctr__cni_iface *i = ctr__cni_result_iface(&r, &r.ips[0]);
    assert_non_null(i);
    assert_string_equal(i->name, "eth0");
    assert_string_equal(i->mac, "4a:a7:93:59:2c:57");
    assert_true(i->sandbox);
    assert_int_equal(r.ips[1].version, 6);
    assert_int_equal(r.ips[1].prefix, 64);
    ctr__cni_result_done(&r);

    /* 0.4.0 with "version", no interface index. */
    assert_int_equal(ctr__cni_result_parse("{\"cniVersion\":\"0.4.0\",\"ips\":[{\"version\":\"4\","
                                           "\"address\":\"10.88.0.7/16\",\"gateway\":\"10.88.0.1\"}]}",
                                           &r),
                     0);
    assert_int_equal(r.n_ips, 1);
    assert_int_equal(r.ips[0].interface, -1);
    assert_null(ctr__cni_result_iface(&r, &r.ips[0]));
    ctr__cni_result_done(&r);

    /* 0.2.0 */
    assert_int_equal(ctr__cni_result_parse("{\"cniVersion\":\"0.2.0\",\"ip4\":{\"ip\":\"10.1.0.5/16\",\"gateway\":"
                                           "\"10.1.0.1\"},\"ip6\":{\"ip\":\"fd00::5/64\"}}",
                                           &r),
                     0);
    assert_int_equal(r.n_ips, 2);
    assert_string_equal(r.ips[0].address, "10.1.0.5");
    assert_int_equal(r.ips[1].version, 6);
    assert_string_equal(r.ips[1].gateway, "");
    ctr__cni_result_done(&r);

    /* An interface index out of range is dropped, not trusted. */
    assert_int_equal(ctr__cni_result_parse("{\"interfaces\":[],\"ips\":[{\"interface\":5,\"address\":\"10.0.0.1/8\"}]}", &r),
                     0);
    assert_int_equal(r.ips[0].interface, -1);
    ctr__cni_result_done(&r);

    /* An empty result is valid (no addresses). */
    assert_int_equal(ctr__cni_result_parse("{}", &r), 0);
    assert_int_equal(r.n_ips, 0);
    ctr__cni_result_done(&r);
}

static void test_result_invalid(void **state)
{
    static const char *const bad[] = {
        "",
        "[]",
        "\"x\"",
        "{\"ips\":{}}",
        "{\"ips\":[1]}",
        "{\"ips\":[{}]}",
        "{\"ips\":[{\"address\":\"10.0.0.300/24\"}]}",
        "{\"ips\":[{\"address\":\"10.0.0.3/33\"}]}",
        "{\"ips\":[{\"address\":\"10.0.0.3/\"}]}",
        "{\"ips\":[{\"address\":\"10.0.0.3/2x\"}]}",
        "{\"ips\":[{\"address\":\"fd00::1/129\"}]}",
        "{\"ips\":[{\"address\":5}]}",
        "{\"ips\":[{\"address\":\"10.0.0.3/24\",\"gateway\":\"fd00::1\"}]}",
        "{\"ips\":[{\"address\":\"10.0.0.3/24\",\"interface\":\"0\"}]}",
        "{\"interfaces\":{}}",
        "{\"interfaces\":[1]}",
        "{\"interfaces\":[{\"name\":1}]}",
        "{\"ip4\":{\"ip\":\"nope\"}}",
    };
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        struct ctr__cni_result r = { 0 };
        int k = ctr__cni_result_parse(bad[i], &r);
        if (k != -EINVAL)
            fail_msg("case %zu (%s): %d", i, bad[i], k);
        assert_null(r.ips);
    }
}

/* ---- plugin invocation with fake plugins ---- */

static char plugins[128], cache[128], logdir[128];

/* A fake plugin: records its command and stdin, prints a result naming
 * itself (or, for "fail", an error), and checks CNI_* variables. */
static const char fake_plugin[] =
    "#!/bin/sh\n"
    "me=$(basename \"$0\")\n"
    "cat > \"$FAKE_LOG/$CNI_COMMAND-$me.json\"\n"
    "echo \"$CNI_COMMAND $me $CNI_CONTAINERID $CNI_IFNAME $CNI_NETNS\" >> \"$FAKE_LOG/order\"\n"
    "[ \"$CNI_COMMAND\" = DEL ] && exit 0\n"
    "case $me in\n"
    "fail) echo '{\"cniVersion\":\"1.0.0\",\"code\":7,\"msg\":\"boom: the thing\",\"details\":\"more about it\"}'; exit 1;;\n"
    "stderr) echo 'plain failure on stderr' >&2; exit 2;;\n"
    "slow) sleep 5;;\n"
    "silent) exit 0;;\n"
    "garbage) echo 'not json'; exit 0;;\n"
    "esac\n"
    "printf '{\"cniVersion\":\"1.0.0\",\"interfaces\":[{\"name\":\"eth0\",\"mac\":\"02:00:00:00:00:0%s\","
    "\"sandbox\":\"/x\"}],\"ips\":[{\"interface\":0,\"address\":\"10.9.0.%s/24\",\"gateway\":\"10.9.0.1\"}],"
    "\"made_by\":\"%s\"}' ${#me} ${#me} \"$me\"\n";

static void install_fake(const char *name)
{
    write_file(plugins, name, fake_plugin, 0755);
}

static void reset_log(void)
{
    char cmd[256];
    snprintf(cmd, sizeof cmd, "rm -f %s/*", logdir);
    assert_int_equal(system(cmd), 0);
}

static struct ctr__cni_args args(void)
{
    struct ctr__cni_args a = {
        .container_id = "cid",
        .netns = "/run/netns/fake",
        .ifname = "eth0",
        .plugin_path = plugins,
        .cache_dir = cache,
        .timeout_ms = 3000,
    };
    return a;
}

static struct ctr__cni_net *net_of(const char *types_json)
{
    char text[1024];
    snprintf(text, sizeof text, "{\"cniVersion\":\"1.0.0\",\"name\":\"fakenet\",\"plugins\":[%s]}", types_json);
    struct ctr__cni_net *n = NULL;
    assert_int_equal(ctr__cni_net_parse(text, NULL, &n), 0);
    return n;
}

static char *log_text(const char *name)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", logdir, name);
    return read_text(path);
}

static void test_invoke_chain(void **state)
{
    reset_log();
    setenv("CNI_COMMAND", "BOGUS", 1); /* the caller's CNI_* must not leak into plugins */
    struct ctr__cni_net *n = net_of("{\"type\":\"first\"},{\"type\":\"second\",\"capabilities\":{\"portMappings\":true}}");
    json_object *rc = parse("{\"portMappings\":[{\"hostPort\":1,\"containerPort\":2}]}");
    struct ctr__cni_args a = args();
    a.runtime_config = rc;
    json_object *res = NULL;
    assert_int_equal(ctr__cni_add(n, &a, &res), 0);
    assert_string_equal(member(res, "made_by"), "second");
    json_object_put(res);

    char *order = log_text("order");
    assert_string_equal(order, "ADD first cid eth0 /run/netns/fake\nADD second cid eth0 /run/netns/fake\n");
    free(order);
    /* The second got the first's result and the port mappings. */
    char *in = log_text("ADD-second.json");
    json_object *o = parse(in), *v;
    assert_true(json_object_object_get_ex(o, "prevResult", &v));
    assert_string_equal(member(v, "made_by"), "first");
    assert_true(json_object_object_get_ex(o, "runtimeConfig", &v));
    json_object_put(o);
    free(in);
    in = log_text("ADD-first.json");
    o = parse(in);
    assert_false(json_object_object_get_ex(o, "prevResult", NULL));
    assert_false(json_object_object_get_ex(o, "runtimeConfig", NULL));
    json_object_put(o);
    free(in);

    /* The result is cached; DEL uses it (config, runtime config, result),
     * runs in reverse order, and removes the cache entry. */
    char *cpath = ctr__cni_cache_path(cache, "fakenet", "cid", "eth0");
    assert_int_equal(access(cpath, F_OK), 0);
    reset_log();
    json_object_put(rc);
    a.runtime_config = NULL;
    assert_int_equal(ctr__cni_del(NULL, "fakenet", &a, NULL), 0);
    order = log_text("order");
    assert_string_equal(order, "DEL second cid eth0 /run/netns/fake\nDEL first cid eth0 /run/netns/fake\n");
    free(order);
    in = log_text("DEL-second.json");
    o = parse(in);
    assert_true(json_object_object_get_ex(o, "prevResult", &v));
    assert_string_equal(member(v, "made_by"), "second");
    assert_true(json_object_object_get_ex(o, "runtimeConfig", &v)); /* from the cache */
    json_object_put(o);
    free(in);
    assert_int_equal(access(cpath, F_OK), -1);

    /* Without a cache entry nor a configuration: -ENOENT. */
    assert_int_equal(ctr__cni_del(NULL, "fakenet", &a, NULL), -ENOENT);
    /* With a configuration: it is used (no prevResult given: none sent). */
    reset_log();
    assert_int_equal(ctr__cni_del(n, NULL, &a, NULL), 0);
    in = log_text("DEL-first.json");
    o = parse(in);
    assert_false(json_object_object_get_ex(o, "prevResult", NULL));
    json_object_put(o);
    free(in);
    free(cpath);
    ctr__cni_net_free(n);
    unsetenv("CNI_COMMAND");
}

static void test_invoke_error(void **state)
{
    reset_log();
    struct ctr__cni_net *n = net_of("{\"type\":\"first\"},{\"type\":\"fail\"},{\"type\":\"second\"}");
    struct ctr__cni_args a = args();
    json_object *res = NULL;
    assert_int_equal(ctr__cni_add(n, &a, &res), -EIO);
    assert_null(res);
    const char *msg = ctr_error_last()->message;
    assert_true(strstr(msg, "network fakenet") != NULL);
    assert_true(strstr(msg, "plugin fail (ADD)") != NULL);
    assert_true(strstr(msg, "boom: the thing: more about it") != NULL);
    /* Everything was undone: DEL of the whole list, in reverse order. */
    char *order = log_text("order");
    assert_string_equal(order, "ADD first cid eth0 /run/netns/fake\nADD fail cid eth0 /run/netns/fake\n"
                               "DEL second cid eth0 /run/netns/fake\nDEL fail cid eth0 /run/netns/fake\n"
                               "DEL first cid eth0 /run/netns/fake\n");
    free(order);
    char *cpath = ctr__cni_cache_path(cache, "fakenet", "cid", "eth0");
    assert_int_equal(access(cpath, F_OK), -1); /* nothing cached */
    free(cpath);
    ctr__cni_net_free(n);

    /* No error JSON: stderr. */
    n = net_of("{\"type\":\"stderr\"}");
    assert_int_equal(ctr__cni_add(n, &a, &res), -EIO);
    assert_true(strstr(ctr_error_last()->message, "plain failure on stderr") != NULL);
    ctr__cni_net_free(n);

    /* Not a result. */
    n = net_of("{\"type\":\"garbage\"}");
    assert_int_equal(ctr__cni_add(n, &a, &res), -EIO);
    assert_true(strstr(ctr_error_last()->message, "garbage") != NULL);
    ctr__cni_net_free(n);

    /* A plugin printing nothing passes the previous result on; all silent: an error. */
    n = net_of("{\"type\":\"first\"},{\"type\":\"silent\"}");
    assert_int_equal(ctr__cni_add(n, &a, &res), 0);
    assert_string_equal(member(res, "made_by"), "first");
    json_object_put(res);
    assert_int_equal(ctr__cni_del(n, NULL, &a, NULL), 0);
    ctr__cni_net_free(n);
    n = net_of("{\"type\":\"silent\"}");
    assert_int_equal(ctr__cni_add(n, &a, &res), -EIO);
    ctr__cni_net_free(n);

    /* A missing plugin. */
    n = net_of("{\"type\":\"nosuchplugin\"}");
    assert_int_equal(ctr__cni_add(n, &a, &res), -ENOENT);
    assert_true(strstr(ctr_error_last()->message, "nosuchplugin") != NULL);
    ctr__cni_net_free(n);

    /* A plugin that hangs is killed at the timeout. */
    n = net_of("{\"type\":\"slow\"}");
    a.timeout_ms = 200;
    assert_int_equal(ctr__cni_add(n, &a, &res), -ETIMEDOUT);
    ctr__cni_net_free(n);
}

/* ---- resolv.conf and hosts ---- */

static void test_resolv_conf(void **state)
{
    struct ctr__config *c = make_config();
    char *out = NULL;

    /* A stub resolver: the upstream file's servers. */
    const char *stub = "# managed\nnameserver 127.0.0.53\noptions edns0 trust-ad\nsearch lan\n";
    const char *upstream = "nameserver 192.0.2.53\nnameserver 192.0.2.54\nsearch lan corp\n";
    assert_int_equal(ctr__resolv_conf_generate(c, stub, upstream, false, &out), 0);
    assert_string_equal(out, "nameserver 192.0.2.53\nnameserver 192.0.2.54\nsearch lan corp\n");
    free(out);
    /* The host network reaches the stub: kept as is. */
    assert_int_equal(ctr__resolv_conf_generate(c, stub, upstream, true, &out), 0);
    assert_string_equal(out, "nameserver 127.0.0.53\noptions edns0 trust-ad\nsearch lan\n");
    free(out);
    /* Mixed: the loopback one is dropped, the others kept (no upstream used). */
    assert_int_equal(ctr__resolv_conf_generate(c, "nameserver ::1\nnameserver 10.0.0.1\n", upstream, false, &out), 0);
    assert_string_equal(out, "nameserver 10.0.0.1\n");
    free(out);
    /* Nothing usable at all: podman's fallback. */
    assert_int_equal(ctr__resolv_conf_generate(c, "nameserver 127.0.0.1\n", NULL, false, &out), 0);
    assert_string_equal(out, "nameserver 8.8.8.8\nnameserver 8.8.4.4\n");
    free(out);
    assert_int_equal(ctr__resolv_conf_generate(c, NULL, NULL, false, &out), 0);
    assert_string_equal(out, "nameserver 8.8.8.8\nnameserver 8.8.4.4\n");
    free(out);

    /* The config's servers, search domains and options replace the host's. */
    ctr__strv_push(&c->dns_servers, "1.1.1.1");
    ctr__strv_push(&c->dns_servers, "fd00::53");
    ctr__strv_push(&c->dns_search, "example.com");
    ctr__strv_push(&c->dns_search, "example.org");
    ctr__strv_push(&c->dns_options, "ndots:2");
    assert_int_equal(ctr__resolv_conf_generate(c, "nameserver 10.0.0.1\nsearch lan\noptions rotate\ndomain x\n",
                                               upstream, false, &out),
                     0);
    assert_string_equal(out, "search example.com example.org\nnameserver 1.1.1.1\nnameserver fd00::53\n"
                             "options ndots:2\n");
    free(out);
    /* Only the servers given: the host's search and options stay. */
    ctr__strv_free(c->dns_search);
    c->dns_search = ctr__strv_copy(NULL);
    ctr__strv_free(c->dns_options);
    c->dns_options = ctr__strv_copy(NULL);
    assert_int_equal(ctr__resolv_conf_generate(c, "nameserver 10.0.0.1\n\tsearch lan  \noptions rotate\n", NULL,
                                               false, &out),
                     0);
    assert_string_equal(out, "options rotate\nnameserver 1.1.1.1\nnameserver fd00::53\n");
    free(out);
    free_config(c);
}

static void test_hosts(void **state)
{
    struct ctr__config *c = make_config();
    char *out = NULL;
    assert_int_equal(ctr__hosts_generate(c, "10.209.77.5", &out), 0);
    assert_string_equal(out, "127.0.0.1\tlocalhost localhost.localdomain localhost4 localhost4.localdomain4\n"
                             "::1\tlocalhost localhost.localdomain localhost6 localhost6.localdomain6\n"
                             "10.209.77.5\t0123456789ab web\n");
    free(out);
    c->hostname = strdup("web");
    ctr__strv_push(&c->hosts_add, "db:10.0.0.7");
    ctr__strv_push(&c->hosts_add, "v6host:fd00::7");
    assert_int_equal(ctr__hosts_generate(c, NULL, &out), 0);
    assert_true(strstr(out, "\n10.0.0.7\tdb\nfd00::7\tv6host\n127.0.1.1\tweb\n") != NULL);
    free(out);
    static const char *const bad[] = { "nocolon", ":1.2.3.4", "host:", "a b:1.2.3.4" };
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        ctr__strv_free(c->hosts_add);
        c->hosts_add = ctr__strv_copy((const char *const[]){ bad[i], NULL });
        assert_int_equal(ctr__hosts_generate(c, NULL, &out), -EINVAL);
    }
    free_config(c);
}

static void test_etc_files_write(void **state)
{
    struct ctr__config *c = make_config();
    char dir[128];
    snprintf(dir, sizeof dir, "%s/etc", tmp);
    mkdir(dir, 0700);
    struct ctr__etc_files f = { 0 };
    assert_int_equal(ctr__etc_files_write(c, dir, NULL, &f), 0);
    char *hn = read_text(f.hostname);
    assert_string_equal(hn, "0123456789ab\n");
    free(hn);
    /* The address known later: rewritten in place (same inode). */
    struct stat before, after;
    assert_int_equal(stat(f.hosts, &before), 0);
    assert_int_equal(ctr__etc_hosts_update(c, dir, "10.1.2.3"), 0);
    assert_int_equal(stat(f.hosts, &after), 0);
    assert_int_equal(before.st_ino, after.st_ino);
    char *hosts = read_text(f.hosts);
    assert_true(strstr(hosts, "10.1.2.3\t0123456789ab web\n") != NULL);
    free(hosts);
    ctr__etc_files_done(&f);
    free_config(c);
}

/* ---- the spec: the host's network namespace ---- */

static bool has_netns(const char *json)
{
    json_object *o = parse(json), *v;
    bool found = false;
    assert_true(json_object_object_get_ex(o, "linux", &v) && json_object_object_get_ex(v, "namespaces", &v));
    for (size_t i = 0; i < json_object_array_length(v); i++)
        found |= streq(member(json_object_array_get_idx(v, i), "type"), "network");
    json_object_put(o);
    return found;
}

static void test_spec_host_network(void **state)
{
    char rootfs[128];
    snprintf(rootfs, sizeof rootfs, "%s/specroot", tmp);
    mkdir(rootfs, 0755);
    char etc[160];
    snprintf(etc, sizeof etc, "%s/etc", rootfs);
    mkdir(etc, 0755);
    write_file(etc, "passwd", "root:x:0:0:root:/root:/bin/sh\n", 0644);
    write_file(etc, "group", "root:x:0:\n", 0644);
    static char *empty[] = { NULL };
    struct ctr__config cfg = { .id = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
                               .command = empty, .env = empty, .stop_signal = 15 };
    struct ctr__spec_ctx ctx = { .rootfs = rootfs };
    char *json = NULL;
    assert_int_equal(ctr__spec_generate(&cfg, &ctx, &json), 0);
    assert_true(has_netns(json)); /* a new one by default */
    free(json);
    ctx.ns_host[CTR_NS_NET] = true;
    assert_int_equal(ctr__spec_generate(&cfg, &ctx, &json), 0);
    assert_false(has_netns(json));
    free(json);
    /* Wins over a path, and over a user spec's own entry. */
    ctx.ns_path[CTR_NS_NET] = "/proc/1/ns/net";
    cfg.spec_json = "{\"linux\":{\"namespaces\":[{\"type\":\"pid\"},{\"type\":\"network\"},{\"type\":\"mount\"}]}}";
    assert_int_equal(ctr__spec_generate(&cfg, &ctx, &json), 0);
    assert_false(has_netns(json));
    assert_true(strstr(json, "\"pid\"") && strstr(json, "\"mount\""));
    free(json);
    /* A given path is joined. */
    ctx.ns_host[CTR_NS_NET] = false;
    assert_int_equal(ctr__spec_generate(&cfg, &ctx, &json), 0);
    if (!strstr(json, "\"path\":\"/proc/1/ns/net\""))
        fail_msg("%s", json);
    free(json);
}

/* A container's address from its state's networks document: eth0's
 * network unless one is named, IPv4 before IPv6, none without a record. */
static void test_net_address(void **state)
{
    static const char doc[] =
        "{\"b\":{\"interface\":\"eth1\",\"ips\":[{\"address\":\"10.2.0.3\",\"prefixLen\":24,\"version\":4}]},"
        "\"a\":{\"interface\":\"eth0\",\"ips\":[{\"address\":\"fd00::5\",\"prefixLen\":64,\"version\":6},"
        "{\"address\":\"10.1.0.7\",\"prefixLen\":24,\"version\":4}]},"
        "\"c\":{\"interface\":\"eth2\",\"ips\":[{\"address\":\"fd00::9\",\"prefixLen\":64,\"version\":6}]},"
        "\"d\":{\"interface\":\"eth3\",\"ips\":[]}}";
    char *ip = NULL;
    assert_int_equal(ctr__net_address(doc, NULL, &ip), 0);
    assert_string_equal(ip, "10.1.0.7");
    free(ip);
    assert_int_equal(ctr__net_address(doc, "b", &ip), 0);
    assert_string_equal(ip, "10.2.0.3");
    free(ip);
    assert_int_equal(ctr__net_address(doc, "c", &ip), 0);
    assert_string_equal(ip, "fd00::9");
    free(ip);
    ip = (char *)"unchanged";
    assert_int_equal(ctr__net_address(doc, "d", &ip), 0);
    assert_null(ip);
    assert_int_equal(ctr__net_address(doc, "nope", &ip), 0);
    assert_null(ip);
    assert_int_equal(ctr__net_address(NULL, NULL, &ip), 0);
    assert_null(ip);
    assert_int_equal(ctr__net_address("not json", NULL, &ip), 0);
    assert_null(ip);
}

static int setup(void **state)
{
    snprintf(tmp, sizeof tmp, "/tmp/libctr-net-unit-XXXXXX");
    if (!mkdtemp(tmp))
        return -1;
    snprintf(plugins, sizeof plugins, "%s/plugins", tmp);
    snprintf(cache, sizeof cache, "%s/cache", tmp);
    snprintf(logdir, sizeof logdir, "%s/log", tmp);
    mkdir(plugins, 0755);
    mkdir(logdir, 0755);
    static const char *const fakes[] = { "first", "second", "fail", "stderr", "slow", "silent", "garbage" };
    for (size_t i = 0; i < ARRAY_SIZE(fakes); i++)
        install_fake(fakes[i]);
    setenv("FAKE_LOG", logdir, 1);
    return 0;
}

static int teardown(void **state)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp);
    return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_conflist_parse),
        cmocka_unit_test(test_conflist_invalid),
        cmocka_unit_test(test_plugin_conf),
        cmocka_unit_test(test_version_cmp),
        cmocka_unit_test(test_dir_list),
        cmocka_unit_test(test_result_parse),
        cmocka_unit_test(test_result_invalid),
        cmocka_unit_test(test_invoke_chain),
        cmocka_unit_test(test_invoke_error),
        cmocka_unit_test(test_resolv_conf),
        cmocka_unit_test(test_hosts),
        cmocka_unit_test(test_etc_files_write),
        cmocka_unit_test(test_spec_host_network),
        cmocka_unit_test(test_net_address),
    };
    return cmocka_run_group_tests_name("net", tests, setup, teardown);
}
