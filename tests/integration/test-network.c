/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Networking with runc and conmon through libctr.so, in two modes:
 * native (CTR_TEST_NET_MODE unset or "native": the networks libctr writes
 * carry its marker and run in-process, NAT in nftables' table ip libctr)
 * and plugins (CTR_TEST_NET_MODE=plugins: the marker is taken out of each
 * file the suite creates, so the real CNI plugin binaries run, as for a
 * user's own configuration list).  The default network a runtime writes
 * (ctrtest1) is native in both modes, so `plugins` also mixes the two.
 *
 * Everything happens on networks of the suite's own, in a temporary CNI
 * configuration directory, on dedicated subnets and bridges (never the
 * default network a user may have):
 *   ctrtest0  bridge ctrtest0  10.209.77.0/24  (masquerading, like podman's)
 *   ctrtest1  bridge ctrtest1  10.209.78.0/24  (the default network of a second runtime)
 *   ctrtest2  bridge ctrtest2  10.209.76.0/24  (no masquerading; a broken variant)
 * Traffic goes only to loopback and to the suite's containers.  At the end
 * nothing made here may remain: veths, bridges, namespaces, iptables rules
 * and chains, host-local reservations (checked, then the bridges removed).
 * Needs root, runc, conmon, the CNI plugins and iptables; in CI (CI=true) a
 * missing piece fails instead of skipping. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdbool.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>

#include "../api/backend-dir.h"
#include "../api/test-helpers.h"

#define PLUGINS "/usr/lib/cni"
#define HOST_PORT 18077

static struct test_root root;
static char rootfs[128], cni_dir[128];
static ctr_runtime_t *rt;
static bool had_var_lib_cni, had_hostport_chains, had_nft_table;
static bool native_mode = true;
static char chains_before[4096];

/* The CNI chains of the nat and filter tables, one per line. */
static void cni_chains(char *buf, size_t size)
{
    FILE *f = popen("iptables-save | grep -E '^:CNI-' | cut -d' ' -f1 | sort", "r");
    size_t len = f ? fread(buf, 1, size - 1, f) : 0;
    if (f)
        pclose(f);
    buf[len] = '\0';
}

/* ---- helpers ---- */

/* Create a network; for the real plugins, the marker out of its file. */
static void net_create(ctr_network_options_t *o)
{
    char *path = NULL;
    assert_ctr_ok(ctr_network_create(rt, o, &path));
    char cmd[4096];
    snprintf(cmd, sizeof cmd, "grep -q '\"libctr\"' %s", path);
    assert_int_equal(system(cmd), 0); /* the marker is written */
    if (!native_mode) {
        snprintf(cmd, sizeof cmd, "/usr/bin/python3 -c \"import json; p='%s'; d=json.load(open(p)); "
                                  "d.pop('libctr'); json.dump(d, open(p, 'w'))\"", path);
        assert_int_equal(system(cmd), 0);
    }
    ctr_free(path);
}

/* The NAT state's lines matching a grep pattern (grep -E -w): the
 * iptables rules with the plugins, libctr's nft table natively. */
static int nat_lines(const char *pattern);

static int count_lines(const char *cmd)
{
    FILE *f = popen(cmd, "r");
    if (!f)
        return -1;
    int n = 0;
    char line[1024];
    while (fgets(line, sizeof line, f))
        n++;
    pclose(f);
    return n;
}

static bool sh(const char *cmd)
{
    return system(cmd) == 0;
}

static int nat_lines(const char *pattern)
{
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "%s | grep -E -w -- '%s'",
             native_mode ? "nft list table ip libctr 2>/dev/null" : "iptables-save", pattern);
    return count_lines(cmd);
}

/* count_lines(cmd) once it reached 0, waiting up to 10 s: a namespace's
 * interfaces go away in the kernel's own time once its last user is gone. */
static int settle(const char *cmd)
{
    int n = 0;
    for (int i = 0; i < 200 && (n = count_lines(cmd)) != 0; i++) {
        struct timespec ts = { 0, 50 * 1000000L };
        nanosleep(&ts, NULL);
    }
    return n;
}

static ctr_container_t *make_with(ctr_container_options_t *o, const char *name, const char *script)
{
    const char *cmd[] = { "/bin/sh", "-c", script, NULL };
    o->rootfs = rootfs;
    o->name = name;
    o->command = cmd;
    ctr_container_t *c = NULL;
    assert_ctr_ok(ctr_container_create(&c, rt, o));
    o->command = NULL;
    return c;
}

/* A container on the given networks (NULL: none of its own). */
static ctr_container_t *make_on(const char *name, const char *const *networks, const char *script)
{
    ctr_container_options_t o = CTR_CONTAINER_OPTIONS_INIT;
    if (networks) {
        o.flags = CTR_CREATE_NETNS;
        o.networks = networks;
    }
    return make_with(&o, name, script);
}

static const char *const net0[] = { "ctrtest0", NULL };

struct out {
    char text[16384];
};

static int collect(int stream, int64_t ts, const char *data, size_t size, void *userdata)
{
    struct out *b = userdata;
    size_t len = strlen(b->text);
    snprintf(b->text + len, sizeof b->text - len, "%.*s\n", (int)size, data);
    return 0;
}

/* Start, wait, return the exit code; the output in *out. */
static int run_to_end(ctr_container_t *c, struct out *out)
{
    assert_ctr_ok(ctr_container_start(c));
    int code = -1;
    assert_ctr_ok(ctr_container_wait(c, 30000, &code));
    memset(out, 0, sizeof *out);
    ctr_logs_options_t lo = CTR_LOGS_OPTIONS_INIT;
    assert_ctr_ok(ctr_container_logs(c, &lo, collect, out));
    return code;
}

static void rm(ctr_container_t *c)
{
    assert_ctr_ok(ctr_container_remove(c, CTR_REMOVE_FORCE));
    ctr_container_unref(c);
}

static char *ip_of(ctr_container_t *c, const char *network)
{
    char *ip = NULL;
    assert_ctr_ok(ctr_container_ip_address(c, network, &ip));
    return ip;
}

/* HTTP GET from the host; the body (after the headers) or NULL.  Retries
 * for a few seconds (the server may still be starting). */
static char *http_get(const char *ip, int port, const char *path)
{
    for (int attempt = 0; attempt < 100; attempt++) {
        int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
        inet_pton(AF_INET, ip, &sa.sin_addr);
        struct timeval tv = { 2, 0 };
        setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        if (connect(s, (struct sockaddr *)&sa, sizeof sa) == 0) {
            char req[256], buf[8192];
            snprintf(req, sizeof req, "GET %s HTTP/1.0\r\nHost: x\r\n\r\n", path);
            size_t len = 0;
            if (write(s, req, strlen(req)) == (ssize_t)strlen(req)) {
                ssize_t n;
                while (len < sizeof buf - 1 && (n = read(s, buf + len, sizeof buf - 1 - len)) > 0)
                    len += (size_t)n;
            }
            close(s);
            buf[len] = '\0';
            char *body = strstr(buf, "\r\n\r\n");
            if (body)
                return strdup(body + 4);
        } else {
            close(s);
        }
        struct timespec ts = { 0, 50 * 1000000L };
        nanosleep(&ts, NULL);
    }
    return NULL;
}

/* The value of a JSON member "key": "value" in text (first one). */
static bool json_has(const char *json, const char *key, const char *value)
{
    char pat[256];
    snprintf(pat, sizeof pat, "\"%s\":\"%s\"", key, value);
    return strstr(json, pat) != NULL;
}

/* ---- the network API ---- */

static void test_network_api(void **state)
{
    ctr_network_options_t o = CTR_NETWORK_OPTIONS_INIT;
    o.name = "ctrtest0";
    o.bridge = "ctrtest0";
    o.subnet = "10.209.77.0/24";
    const char *labels[] = { "suite=network", NULL };
    o.labels = labels;
    net_create(&o);
    /* Taken: the name, the bridge, the subnet. */
    assert_ctr_err(ctr_network_create(rt, &o, NULL), -EEXIST);
    o.name = "ctrtest9";
    assert_ctr_err(ctr_network_create(rt, &o, NULL), -EEXIST);
    assert_true(strstr(ctr_error_last()->message, "ctrtest0") != NULL);
    o.bridge = "ctrtest9";
    o.subnet = "10.209.77.128/25";
    assert_ctr_err(ctr_network_create(rt, &o, NULL), -EEXIST);
    /* Invalid. */
    o.subnet = "10.209.75.0/33";
    assert_ctr_err(ctr_network_create(rt, &o, NULL), -EINVAL);
    o.subnet = "10.209.75.0/24";
    o.gateway = "10.209.74.1";
    assert_ctr_err(ctr_network_create(rt, &o, NULL), -EINVAL);
    o.gateway = NULL;
    o.name = "bad/name";
    assert_ctr_err(ctr_network_create(rt, &o, NULL), -EINVAL);
    o.name = "ctrtest9";
    o.bridge = "a-bridge-name-too-long";
    assert_ctr_err(ctr_network_create(rt, &o, NULL), -EINVAL);
    o.bridge = "ctrtest9";
    o.driver = "macvlan";
    assert_ctr_err(ctr_network_create(rt, &o, NULL), -EINVAL);
    o.driver = NULL;
    o.flags = 1u << 20;
    assert_ctr_err(ctr_network_create(rt, &o, NULL), -EINVAL);
    o.flags = CTR_NETWORK_INTERNAL;
    assert_ctr_ok(ctr_network_create(rt, &o, NULL));

    char **names = NULL;
    assert_ctr_ok(ctr_network_list(rt, &names));
    assert_non_null(names[0]);
    assert_string_equal(names[0], "ctrtest0");
    assert_string_equal(names[1], "ctrtest9");
    assert_null(names[2]);
    ctr_strv_free(names);

    char *json = NULL;
    assert_ctr_ok(ctr_network_inspect(rt, "ctrtest0", &json));
    assert_true(json_has(json, "name", "ctrtest0"));
    assert_true(json_has(json, "driver", "bridge"));
    assert_true(json_has(json, "network_interface", "ctrtest0"));
    assert_true(strstr(json, "{\"subnet\":\"10.209.77.0/24\",\"gateway\":\"10.209.77.1\"}") != NULL);
    assert_true(strstr(json, "\"internal\":false") != NULL);
    assert_true(strstr(json, "\"labels\":{\"suite\":\"network\"}") != NULL);
    assert_true(strstr(json, "\"plugins\":[\"bridge\",\"portmap\"]") != NULL);
    ctr_free(json);
    assert_ctr_ok(ctr_network_inspect(rt, "ctrtest9", &json));
    assert_true(strstr(json, "\"internal\":true") != NULL);
    ctr_free(json);

    assert_ctr_ok(ctr_network_remove(rt, "ctrtest9", 0));
    assert_ctr_err(ctr_network_remove(rt, "ctrtest9", 0), -ENOENT);
    assert_ctr_err(ctr_network_inspect(rt, "ctrtest9", &json), -ENOENT);
    assert_ctr_err(ctr_network_list(NULL, &names), -EINVAL);
}

/* ---- containers on networks ---- */

static const char server[] = "exec httpd -f -p 80 -h /www";

static void test_two_containers(void **state)
{
    ctr_container_t *a = make_on("web", net0, server);
    /* Not set up yet: no address. */
    char *ip = NULL;
    assert_ctr_err(ctr_container_ip_address(a, NULL, &ip), -ENOENT);
    assert_ctr_ok(ctr_container_start(a));
    char *ip_a = ip_of(a, NULL), *ip_a2 = ip_of(a, "ctrtest0");
    assert_string_equal(ip_a, ip_a2);
    assert_true(strncmp(ip_a, "10.209.77.", 10) == 0);
    assert_ctr_err(ctr_container_ip_address(a, "ctrtest1", &ip), -ENOENT);

    /* Inspect, podman's way. */
    char *json = NULL;
    assert_ctr_ok(ctr_container_inspect(a, 0, &json));
    char want[128];
    snprintf(want, sizeof want, "\"ctrtest0\":{\"EndpointID\":\"\",\"Gateway\":\"10.209.77.1\",\"IPAddress\":\"%s\","
                                "\"IPPrefixLen\":24", ip_a);
    if (!strstr(json, want))
        fail_msg("inspect lacks %s: %s", want, json);
    snprintf(want, sizeof want, "\"IPAddress\":\"%s\",\"IPPrefixLen\":24", ip_a);
    assert_true(strstr(json, want) != NULL);
    assert_true(strstr(json, "\"NetworkMode\":\"bridge\"") != NULL);
    assert_true(strstr(json, "\"MacAddress\":\"") != NULL && !strstr(json, "\"MacAddress\":\"\""));
    ctr_free(json);
    assert_ctr_ok(ctr_container_networks_json(a, &json));
    assert_true(strncmp(json, "{\"ctrtest0\":{", 13) == 0);
    ctr_free(json);

    /* A second container reaches the first by its address. */
    char script[512];
    snprintf(script, sizeof script,
             "for i in $(seq 100); do wget -q -O - http://%s/index.html && exit 0; sleep 0.1; done; exit 1", ip_a);
    ctr_container_t *b = make_on("client", net0, script);
    struct out out;
    assert_int_equal(run_to_end(b, &out), 0);
    assert_string_equal(out.text, "hello from ctrtest\n");
    /* The host reaches it too (routed through the bridge). */
    char *body = http_get(ip_a, 80, "/index.html");
    assert_non_null(body);
    assert_string_equal(body, "hello from ctrtest\n");
    free(body);
    rm(b);
    rm(a);
    free(ip_a);
    free(ip_a2);
}

static void test_port_mapping(void **state)
{
    ctr_container_options_t o = CTR_CONTAINER_OPTIONS_INIT;
    o.flags = CTR_CREATE_NETNS;
    o.networks = net0;
    ctr_port_mapping_t pm = { .host_ip = "127.0.0.1", .host_port = HOST_PORT, .container_port = 80, .protocol = "tcp" };
    o.port_mappings = &pm;
    o.n_port_mappings = 1;
    ctr_container_t *c = make_with(&o, "mapped", server);
    assert_ctr_ok(ctr_container_start(c));
    char *body = http_get("127.0.0.1", HOST_PORT, "/index.html");
    assert_non_null(body);
    assert_string_equal(body, "hello from ctrtest\n");
    free(body);
    char *json = NULL;
    assert_ctr_ok(ctr_container_inspect(c, 0, &json));
    assert_true(strstr(json, "\"Ports\":{\"80/tcp\":[{\"HostIp\":\"127.0.0.1\",\"HostPort\":\"18077\"}]}") != NULL);
    ctr_free(json);
    /* The rule (element) is there while it runs, gone once it stopped. */
    const char *pat = native_mode ? "127\\.0\\.0\\.1 \\. tcp \\. 18077" : "--dport 18077";
    assert_true(nat_lines(pat) > 0);
    assert_ctr_ok(ctr_container_stop(c, 0));
    assert_int_equal(nat_lines(pat), 0);
    rm(c);
}

static void test_none(void **state)
{
    ctr_container_t *c = make_on("lonely", NULL, "ls /sys/class/net; cat /sys/class/net/lo/operstate");
    struct out out;
    assert_int_equal(run_to_end(c, &out), 0);
    /* Only the loopback, and it is up (runc brings it up). */
    assert_string_equal(out.text, "lo\nunknown\n");
    char *ip = NULL;
    assert_ctr_err(ctr_container_ip_address(c, NULL, &ip), -ENOENT);
    rm(c);
}

static void test_join(void **state)
{
    ctr_container_t *a = make_on("owner", net0, "exec sleep 100");
    assert_ctr_ok(ctr_container_start(a));
    char *ip_a = ip_of(a, NULL);
    const char *script = "ls /sys/class/net | tr '\\n' ' '; echo; ip -o -4 addr show eth0 | awk '{print $4}'";

    ctr_container_options_t o = CTR_CONTAINER_OPTIONS_INIT;
    o.ns_ctr[CTR_NS_NET] = "owner";
    ctr_container_t *b = make_with(&o, "joiner", script);
    struct out out;
    assert_int_equal(run_to_end(b, &out), 0);
    char want[128];
    snprintf(want, sizeof want, "eth0 lo \n%s/24\n", ip_a);
    assert_string_equal(out.text, want);

    /* The same through a namespace path. */
    pid_t pid = 0;
    assert_ctr_ok(ctr_container_pid(a, &pid));
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/ns/net", (int)pid);
    ctr_container_options_t o2 = CTR_CONTAINER_OPTIONS_INIT;
    o2.netns_path = path;
    ctr_container_t *c = make_with(&o2, "bypath", script);
    assert_int_equal(run_to_end(c, &out), 0);
    assert_string_equal(out.text, want);
    char *json = NULL;
    assert_ctr_ok(ctr_container_inspect(c, 0, &json));
    char mode[128];
    snprintf(mode, sizeof mode, "\"NetworkMode\":\"ns:%s\"", path);
    assert_true(strstr(json, mode) != NULL);
    ctr_free(json);
    rm(c);
    rm(b);
    rm(a);
    free(ip_a);
}

static void test_host(void **state)
{
    ctr_container_options_t o = CTR_CONTAINER_OPTIONS_INIT;
    o.flags = CTR_CREATE_HOST_NETWORK;
    ctr_container_t *c = make_with(&o, "hostnet", "ls /sys/class/net");
    struct out out;
    assert_int_equal(run_to_end(c, &out), 0);
    /* The host's interfaces, the suite's bridge among them. */
    assert_true(strstr(out.text, "ctrtest0\n") != NULL);
    assert_true(strstr(out.text, "lo\n") != NULL);
    char *json = NULL;
    assert_ctr_ok(ctr_container_inspect(c, 0, &json));
    assert_true(strstr(json, "\"NetworkMode\":\"host\"") != NULL);
    ctr_free(json);
    rm(c);
}

static void test_etc_files(void **state)
{
    ctr_container_options_t o = CTR_CONTAINER_OPTIONS_INIT;
    o.flags = CTR_CREATE_NETNS;
    o.networks = net0;
    o.hostname = "myhost";
    const char *dns[] = { "10.209.77.53", NULL }, *search[] = { "example.test", NULL }, *opts[] = { "ndots:2", NULL };
    const char *hosts[] = { "db:10.209.77.200", "v6:fd00::1", NULL };
    o.dns_servers = dns;
    o.dns_search = search;
    o.dns_options = opts;
    o.hosts_add = hosts;
    ctr_container_t *c = make_with(&o, "etcfiles", "cat /etc/resolv.conf; echo ---; cat /etc/hosts; echo ---; "
                                                   "cat /etc/hostname; hostname");
    struct out out;
    assert_int_equal(run_to_end(c, &out), 0);
    /* The address is gone once it exited: take it from the hosts file. */
    char *hosts_part = strstr(out.text, "---\n");
    assert_non_null(hosts_part);
    assert_true(strncmp(out.text, "search example.test\nnameserver 10.209.77.53\noptions ndots:2\n---\n",
                        (size_t)(hosts_part - out.text) + 4) == 0);
    assert_true(strstr(hosts_part, "127.0.0.1\tlocalhost") != NULL);
    assert_true(strstr(hosts_part, "10.209.77.200\tdb\nfd00::1\tv6\n10.209.77.") != NULL);
    assert_true(strstr(hosts_part, "\tmyhost etcfiles\n---\nmyhost\nmyhost\n") != NULL);

    /* Without own servers: the host's (never a loopback stub) or podman's fallback. */
    ctr_container_t *d = make_on("etcdefault", net0, "grep -c '^nameserver 127\\.' /etc/resolv.conf; "
                                                     "grep -c '^nameserver' /etc/resolv.conf");
    assert_int_equal(run_to_end(d, &out), 0);
    assert_true(strncmp(out.text, "0\n", 2) == 0);
    assert_true(strcmp(out.text + 2, "0\n") != 0);
    rm(d);
    rm(c);
}

static void test_default_network(void **state)
{
    /* A runtime whose default network is one of the suite's. */
    ctr_runtime_options_t ro = CTR_RUNTIME_OPTIONS_INIT;
    ro.root = root.root;
    ro.run_root = root.run_root;
    ro.cni_config_dir = cni_dir;
    ro.cni_plugin_dir = PLUGINS;
    ro.default_network = "ctrtest1";
    ro.default_bridge = "ctrtest1";
    ro.default_subnet = "10.209.78.0/24";
    ctr_runtime_t *rt2 = NULL;
    assert_ctr_ok(ctr_runtime_new(&rt2, &ro));
    const char *cmd[] = { "/bin/sh", "-c", "ip -o -4 addr show eth0 | awk '{print $4}'", NULL };
    ctr_container_options_t o = CTR_CONTAINER_OPTIONS_INIT;
    o.rootfs = rootfs;
    o.command = cmd;
    o.flags = CTR_CREATE_NETNS;
    ctr_container_t *c = NULL;
    assert_ctr_ok(ctr_container_create(&c, rt2, &o));
    char file[256];
    snprintf(file, sizeof file, "%s/ctrtest1.conflist", cni_dir);
    assert_int_equal(access(file, F_OK), -1); /* written on first use */
    struct out out;
    assert_int_equal(run_to_end(c, &out), 0);
    assert_int_equal(access(file, F_OK), 0);
    assert_true(strncmp(out.text, "10.209.78.", 10) == 0);
    assert_true(strstr(out.text, "/24\n") != NULL);
    char *json = NULL;
    assert_ctr_ok(ctr_container_inspect(c, 0, &json));
    assert_true(strstr(json, "\"Networks\":{\"ctrtest1\":{") != NULL);
    ctr_free(json);
    /* In use: refused without force. */
    assert_ctr_err(ctr_network_remove(rt2, "ctrtest1", 0), -EBUSY);
    assert_ctr_ok(ctr_container_remove(c, 0));
    ctr_container_unref(c);
    ctr_runtime_unref(rt2);
}

/* A runtime of its own root and configuration directory, default network NAME. */
static ctr_runtime_t *other_runtime_with(const char *dir, const char *default_network, const char *backend)
{
    char sub[300], cni[320];
    snprintf(sub, sizeof sub, "%s/%s", root.root, dir);
    snprintf(cni, sizeof cni, "%s/cni.d", sub);
    ctr_runtime_options_t ro = CTR_RUNTIME_OPTIONS_INIT;
    ro.root = sub;
    ro.run_root = NULL;
    char run[320];
    snprintf(run, sizeof run, "%s/run", sub);
    ro.run_root = run;
    ro.cni_config_dir = cni;
    ro.cni_plugin_dir = PLUGINS;
    ro.default_network = default_network;
    ro.state_backend = backend;
    ctr_runtime_t *r = NULL;
    assert_ctr_ok(ctr_runtime_new(&r, &ro));
    return r;
}

static ctr_runtime_t *other_runtime(const char *dir, const char *default_network)
{
    return other_runtime_with(dir, default_network, NULL);
}

/* The flags of the last save of state from the index from on (the "logged"
 * backend, backend-dir.h); the test fails when there is none. */
static unsigned int save_flags_of(int from, const char *state)
{
    int at = -1;
    for (int i = from; i < test_saves.n; i++)
        if (strcmp(test_saves.state[i], state) == 0)
            at = i;
    if (at < 0)
        fail_msg("no save of the state %s", state);
    return test_saves.flags[at];
}

/* A save that records networks other than the document read before is
 * durable: their addresses are leased on disk and the refresh after a
 * reboot releases them by that record.  The other saves of a running
 * container, and the one that drops the record, are transient. */
static void test_network_saves(void **state)
{
    assert_ctr_ok(test_backend_logged_register());
    ctr_runtime_t *r = other_runtime_with("root-saves", "ctrtestdl", "logged");
    const char *sleep_cmd[] = { "/bin/sleep", "100", NULL };
    ctr_container_options_t o = CTR_CONTAINER_OPTIONS_INIT;
    o.rootfs = rootfs;
    o.command = sleep_cmd;
    o.flags = CTR_CREATE_NETNS;
    ctr_container_t *c = NULL;
    assert_ctr_ok(ctr_container_create(&c, r, &o));
    int from = test_saves.n;
    assert_ctr_ok(ctr_container_init(c));
    assert_int_equal(save_flags_of(from, "created"), 0);
    assert_ctr_ok(ctr_container_start(c));
    assert_int_equal(save_flags_of(from, "running"), CTR_STATE_SAVE_TRANSIENT);
    assert_ctr_ok(ctr_container_stop(c, 0));
    assert_int_equal(save_flags_of(from, "stopping"), 0);
    assert_int_equal(save_flags_of(from, "exited"), CTR_STATE_SAVE_TRANSIENT);
    /* Started again: new networks, so a durable save before the transient ones. */
    from = test_saves.n;
    assert_ctr_ok(ctr_container_start(c));
    bool durable = false;
    for (int i = from; i < test_saves.n; i++)
        durable = durable || test_saves.flags[i] == 0;
    assert_true(durable);
    assert_int_equal(save_flags_of(from, "running"), CTR_STATE_SAVE_TRANSIENT);
    assert_ctr_ok(ctr_container_remove(c, CTR_REMOVE_FORCE));
    ctr_container_unref(c);
    assert_ctr_ok(ctr_network_remove(r, "ctrtestdl", CTR_NETWORK_REMOVE_FORCE));
    ctr_runtime_unref(r);
    assert_ctr_ok(ctr_state_backend_unregister("logged"));
}

/* Key of a network's inspect document: the bridge, or the first subnet. */
static void net_field(ctr_runtime_t *r, const char *name, bool subnet, char *buf, size_t size)
{
    char *json = NULL;
    assert_ctr_ok(ctr_network_inspect(r, name, &json));
    const char *key = subnet ? "\"subnet\": \"" : "\"network_interface\": \"";
    const char *p = strstr(json, key);
    if (!p) /* compact JSON */
        p = strstr(json, subnet ? "\"subnet\":\"" : "\"network_interface\":\"");
    assert_non_null(p);
    p = strchr(strchr(p, ':'), '"') + 1;
    snprintf(buf, size, "%.*s", (int)strcspn(p, "\""), p);
    ctr_free(json);
}

/* Two runtimes with other roots on one host: each writes its default network
 * on a bridge and a subnet the other does not hold; a network whose subnet
 * another interface has is refused, naming the interface and the flag. */
static void test_two_roots(void **state)
{
    ctr_runtime_t *ra = other_runtime("root-a", "ctrtestda"), *rb = other_runtime("root-b", "ctrtestdb");
    const char *sleep_cmd[] = { "/bin/sleep", "100", NULL };
    ctr_container_options_t o = CTR_CONTAINER_OPTIONS_INIT;
    o.rootfs = rootfs;
    o.command = sleep_cmd;
    o.flags = CTR_CREATE_NETNS;
    ctr_container_t *ca = NULL, *cb = NULL;
    assert_ctr_ok(ctr_container_create(&ca, ra, &o));
    assert_ctr_ok(ctr_container_start(ca));
    assert_ctr_ok(ctr_container_create(&cb, rb, &o));
    assert_ctr_ok(ctr_container_start(cb));
    char bra[32], brb[32], sna[64], snb[64];
    net_field(ra, "ctrtestda", false, bra, sizeof bra);
    net_field(rb, "ctrtestdb", false, brb, sizeof brb);
    net_field(ra, "ctrtestda", true, sna, sizeof sna);
    net_field(rb, "ctrtestdb", true, snb, sizeof snb);
    fprintf(stderr, "two roots: %s %s, %s %s\n", bra, sna, brb, snb);
    assert_true(strncmp(bra, "libctr", 6) == 0 && strncmp(brb, "libctr", 6) == 0);
    assert_string_not_equal(bra, brb);
    assert_string_not_equal(sna, snb);
    assert_true(strncmp(sna, "10.9", 4) == 0 && strstr(sna, ".0.0/16"));

    /* A third root's network on a's subnet: refused when written... */
    ctr_runtime_t *rc = other_runtime("root-c", "ctrtestdc");
    ctr_network_options_t no = CTR_NETWORK_OPTIONS_INIT;
    no.name = "ctrtest9";
    no.bridge = "ctrtest9";
    no.subnet = sna;
    assert_ctr_err(ctr_network_create(rc, &no, NULL), -EEXIST);
    assert_non_null(strstr(ctr_error_last()->message, bra));
    assert_non_null(strstr(ctr_error_last()->message, "--subnet"));
    /* ... and, written by hand, when a container would bring its bridge up. */
    char path[400], cmd[1024];
    snprintf(path, sizeof path, "%s/root-c/cni.d/ctrtest9.conflist", root.root);
    snprintf(cmd, sizeof cmd, "mkdir -p %s/root-c/cni.d && printf '%%s' '{\"cniVersion\":\"1.0.0\",\"name\":\"ctrtest9\","
             "\"libctr\":{\"native\":true},\"plugins\":[{\"type\":\"bridge\",\"bridge\":\"ctrtest9\",\"isGateway\":true,"
             "\"ipMasq\":true,\"hairpinMode\":true,\"ipam\":{\"type\":\"host-local\",\"ranges\":[[{\"subnet\":\"%s\"}]],"
             "\"routes\":[{\"dst\":\"0.0.0.0/0\"}]}}]}' > %s", root.root, sna, path);
    assert_int_equal(system(cmd), 0);
    const char *nets[] = { "ctrtest9", NULL };
    o.networks = nets;
    ctr_container_t *cc = NULL;
    assert_ctr_ok(ctr_container_create(&cc, rc, &o));
    assert_int_not_equal(ctr_container_start(cc), 0);
    fprintf(stderr, "overlap: %s\n", ctr_error_last()->message);
    assert_non_null(strstr(ctr_error_last()->message, bra));
    assert_non_null(strstr(ctr_error_last()->message, "ctrctl network create --subnet"));
    assert_int_equal(count_lines("ip -o link show ctrtest9 2>/dev/null"), 0);

    assert_ctr_ok(ctr_container_remove(cc, CTR_REMOVE_FORCE));
    assert_ctr_ok(ctr_container_remove(ca, CTR_REMOVE_FORCE));
    assert_ctr_ok(ctr_container_remove(cb, CTR_REMOVE_FORCE));
    ctr_container_unref(cc);
    ctr_container_unref(ca);
    ctr_container_unref(cb);
    assert_ctr_ok(ctr_network_remove(ra, "ctrtestda", CTR_NETWORK_REMOVE_FORCE));
    assert_ctr_ok(ctr_network_remove(rb, "ctrtestdb", CTR_NETWORK_REMOVE_FORCE));
    assert_ctr_ok(ctr_network_remove(rc, "ctrtest9", CTR_NETWORK_REMOVE_FORCE));
    snprintf(cmd, sizeof cmd, "ip -o link show %s 2>/dev/null; ip -o link show %s 2>/dev/null", bra, brb);
    assert_int_equal(count_lines(cmd), 0);
    /* No NAT element of either subnet ("10.9N." of "10.9N.0.0/16"). */
    snprintf(cmd, sizeof cmd, "nft list table ip libctr 2>/dev/null | grep -F -e ' %.*s' -e ' %.*s'",
             (int)(strchr(sna + 3, '.') - sna + 1), sna, (int)(strchr(snb + 3, '.') - snb + 1), snb);
    assert_int_equal(count_lines(cmd), 0);
    ctr_runtime_unref(ra);
    ctr_runtime_unref(rb);
    ctr_runtime_unref(rc);
}

static void test_multiple_networks(void **state)
{
    const char *both[] = { "ctrtest0", "ctrtest1", NULL };
    ctr_container_t *c = make_on("twonets", both, "exec sleep 100");
    assert_ctr_ok(ctr_container_start(c));
    char *ip0 = ip_of(c, "ctrtest0"), *ip1 = ip_of(c, "ctrtest1"), *first = ip_of(c, NULL);
    assert_true(strncmp(ip0, "10.209.77.", 10) == 0);
    assert_true(strncmp(ip1, "10.209.78.", 10) == 0);
    assert_string_equal(first, ip0);
    const char *argv[] = { "/bin/sh", "-c", "ls /sys/class/net | tr '\\n' ' '", NULL };
    ctr_exec_options_t eo = CTR_EXEC_OPTIONS_INIT;
    eo.argv = argv;
    int code = -1;
    assert_ctr_ok(ctr_container_exec(c, &eo, &code));
    assert_int_equal(code, 0);
    char *json = NULL;
    assert_ctr_ok(ctr_container_networks_json(c, &json));
    assert_true(strstr(json, "\"InterfaceName\":\"eth0\"") != NULL);
    assert_true(strstr(json, "\"InterfaceName\":\"eth1\"") != NULL);
    ctr_free(json);
    free(ip0);
    free(ip1);
    free(first);
    rm(c);
}

/* Down at stop, up again at start; nothing left after the removal. */
static void test_stop_restart(void **state)
{
    ctr_container_t *c = make_on("cycler", net0, "exec sleep 100");
    assert_ctr_ok(ctr_container_start(c));
    char *json = NULL;
    assert_ctr_ok(ctr_container_inspect(c, 0, &json));
    const char *key = strstr(json, "\"SandboxKey\":\"");
    assert_non_null(key);
    char netns[512];
    snprintf(netns, sizeof netns, "%.*s", (int)strcspn(key + 14, "\""), key + 14);
    ctr_free(json);
    assert_int_equal(access(netns, F_OK), 0);
    char *ip = ip_of(c, NULL), *id = strdup(ctr_container_id(c));
    char cmd[512], pat[128];
    /* masquerading: the bridge plugin's rules name the container, libctr's
     * elements its address */
    snprintf(pat, sizeof pat, "%s", native_mode ? ip : id);
    for (char *d = pat; native_mode && (d = strchr(d, '.')); d += 2) {
        memmove(d + 1, d, strlen(d) + 1);
        *d = '\\';
    }
    assert_true(nat_lines(pat) > 0);
    assert_ctr_ok(ctr_container_stop(c, 0));
    assert_int_equal(access(netns, F_OK), -1);
    assert_int_equal(nat_lines(pat), 0);
    char *none = NULL;
    assert_ctr_err(ctr_container_ip_address(c, NULL, &none), -ENOENT);
    char cache[512];
    snprintf(cache, sizeof cache, "%s/cni/results", root.root);
    assert_int_equal(test_count_entries(cache), 0);
    /* host-local released the address. */
    snprintf(cmd, sizeof cmd, "/var/lib/cni/networks/ctrtest0/%s", ip);
    assert_int_equal(access(cmd, F_OK), -1);
    assert_ctr_ok(ctr_container_start(c));
    char *ip2 = ip_of(c, NULL);
    assert_true(strncmp(ip2, "10.209.77.", 10) == 0);
    rm(c);
    assert_int_equal(access(netns, F_OK), -1);
    free(ip);
    free(ip2);
    free(id);
}

static void test_missing_netns(void **state)
{
    ctr_network_options_t no = CTR_NETWORK_OPTIONS_INIT;
    no.name = "ctrtest2";
    no.bridge = "ctrtest2";
    no.subnet = "10.209.76.0/24";
    no.flags = CTR_NETWORK_NO_MASQUERADE;
    net_create(&no);
    const char *net2[] = { "ctrtest2", NULL };
    ctr_container_options_t o = CTR_CONTAINER_OPTIONS_INIT;
    o.flags = CTR_CREATE_NETNS;
    o.networks = net2;
    ctr_port_mapping_t pm = { .host_ip = "127.0.0.1", .host_port = HOST_PORT + 1, .container_port = 80 };
    o.port_mappings = &pm;
    o.n_port_mappings = 1;
    ctr_container_t *c = make_with(&o, "orphan", "exec sleep 100");
    assert_ctr_ok(ctr_container_start(c));
    char *json = NULL;
    assert_ctr_ok(ctr_container_inspect(c, 0, &json));
    const char *key = strstr(json, "\"SandboxKey\":\"");
    char netns[512], cmd[1100];
    snprintf(netns, sizeof netns, "%.*s", (int)strcspn(key + 14, "\""), key + 14);
    ctr_free(json);
    /* Somebody removes the namespace's mount under it. */
    snprintf(cmd, sizeof cmd, "umount -l %s && rm -f %s", netns, netns);
    assert_true(sh(cmd));
    assert_ctr_ok(ctr_container_stop(c, 0));
    /* The port mapping came down anyway. */
    snprintf(cmd, sizeof cmd, native_mode ? "tcp \\. %d" : "--dport %d", HOST_PORT + 1);
    assert_int_equal(nat_lines(cmd), 0);
    rm(c);
    /* The veth went with the namespace. */
    assert_int_equal(settle("ip -o link show master ctrtest2"), 0);
}

static void test_plugin_failure(void **state)
{
    /* A configuration a plugin refuses, after the bridge came up. */
    char path[256];
    snprintf(path, sizeof path, "%s/50-ctrtestbad.conflist", cni_dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("{\"cniVersion\":\"1.0.0\",\"name\":\"ctrtestbad\",\"plugins\":["
          "{\"type\":\"bridge\",\"bridge\":\"ctrtest2\",\"isGateway\":true,\"ipMasq\":true,"
          "\"ipam\":{\"type\":\"host-local\",\"ranges\":[[{\"subnet\":\"10.209.76.0/24\"}]]}},"
          "{\"type\":\"portmap\",\"capabilities\":{\"portMappings\":true}},"
          "{\"type\":\"tuning\",\"sysctl\":{\"net.ipv4.conf.eth0.ctrtest_no_such_knob\":\"1\"}}]}",
          f);
    fclose(f);
    const char *bad[] = { "ctrtestbad", NULL };
    ctr_container_options_t o = CTR_CONTAINER_OPTIONS_INIT;
    o.flags = CTR_CREATE_NETNS;
    o.networks = bad;
    ctr_port_mapping_t pm = { .host_ip = "127.0.0.1", .host_port = HOST_PORT + 2, .container_port = 80 };
    o.port_mappings = &pm;
    o.n_port_mappings = 1;
    ctr_container_t *c = make_with(&o, "broken", "true");
    assert_ctr_err(ctr_container_start(c), -EIO);
    const char *msg = ctr_error_last()->message;
    /* The plugin's own words. */
    if (!strstr(msg, "network ctrtestbad: plugin tuning (ADD): open /proc/sys/net/ipv4/conf/eth0/"
                     "ctrtest_no_such_knob: no such file or directory"))
        fail_msg("unexpected message: %s", msg);
    ctr_state_t st;
    assert_ctr_ok(ctr_container_state(c, &st));
    assert_int_equal(st, CTR_STATE_CONFIGURED);
    char dir[300], cmd[512];
    snprintf(dir, sizeof dir, "%s/netns", root.run_root);
    assert_int_equal(test_count_entries(dir), 0);
    assert_int_equal(settle("ip -o link show master ctrtest2"), 0);
    snprintf(cmd, sizeof cmd, "iptables-save | grep -F '%s'", ctr_container_id(c));
    assert_int_equal(count_lines(cmd), 0);
    snprintf(cmd, sizeof cmd, "iptables-save -t nat | grep -- '--dport %d'", HOST_PORT + 2);
    assert_int_equal(count_lines(cmd), 0);
    assert_int_equal(count_lines("ls /var/lib/cni/networks/ctrtestbad | grep '^10\\.'"), 0);
    snprintf(dir, sizeof dir, "%s/cni/results", root.root);
    assert_true(test_count_entries(dir) <= 0);
    /* The runtime must not have kept a container either. */
    snprintf(cmd, sizeof cmd, "runc --root %s/oci/runc list -q 2>/dev/null", root.run_root);
    assert_int_equal(count_lines(cmd), 0);
    rm(c);

    /* A plugin failing first (host-local refuses the range). */
    f = fopen(path, "w");
    fputs("{\"cniVersion\":\"1.0.0\",\"name\":\"ctrtestbad\",\"plugins\":["
          "{\"type\":\"bridge\",\"bridge\":\"ctrtest2\",\"ipam\":{\"type\":\"host-local\","
          "\"ranges\":[[{\"subnet\":\"10.209.76.0/24\",\"rangeStart\":\"10.209.99.5\"}]]}}]}",
          f);
    fclose(f);
    c = make_with(&o, "broken2", "true");
    assert_ctr_err(ctr_container_init(c), -EIO);
    assert_true(strstr(ctr_error_last()->message, "network ctrtestbad: plugin bridge (ADD): ") != NULL);
    assert_true(strstr(ctr_error_last()->message, "10.209.99.5") != NULL);
    snprintf(dir, sizeof dir, "%s/netns", root.run_root);
    assert_int_equal(test_count_entries(dir), 0);
    rm(c);
    unlink(path);
    assert_true(sh("rm -rf /var/lib/cni/networks/ctrtestbad"));
}

/* An init that fails after the networks started coming up (the OCI
 * runtime refuses a program that is not there): the setup in flight is
 * undone (interface, address, NAT, namespace), the runtime's error is the
 * one reported, and a second init finds nothing of the first in its way. */
static void test_create_failure(void **state)
{
    const char *cmd[] = { "/no-such-program", NULL };
    ctr_container_options_t o = CTR_CONTAINER_OPTIONS_INIT;
    o.flags = CTR_CREATE_NETNS;
    o.networks = net0;
    o.rootfs = rootfs;
    o.name = "nocommand";
    o.command = cmd;
    ctr_port_mapping_t pm = { .host_ip = "127.0.0.1", .host_port = HOST_PORT + 4, .container_port = 80 };
    o.port_mappings = &pm;
    o.n_port_mappings = 1;
    ctr_container_t *c = NULL;
    assert_ctr_ok(ctr_container_create(&c, rt, &o));
    for (int i = 0; i < 2; i++) {
        assert_true(ctr_container_init(c) < 0);
        const char *msg = ctr_error_last()->message;
        if (!strstr(msg, "no-such-program"))
            fail_msg("unexpected message: %s", msg);
        ctr_state_t st;
        assert_ctr_ok(ctr_container_state(c, &st));
        assert_int_equal(st, CTR_STATE_CONFIGURED);
        char dir[300], line[512];
        snprintf(dir, sizeof dir, "%s/netns", root.run_root);
        assert_int_equal(test_count_entries(dir), 0);
        assert_int_equal(settle("ip -o link show master ctrtest0"), 0);
        snprintf(line, sizeof line, "grep -rlF '%s' /var/lib/cni/networks/ctrtest0", ctr_container_id(c));
        assert_int_equal(count_lines(line), 0);
        snprintf(line, sizeof line, native_mode ? "tcp \\. %d" : "--dport %d", HOST_PORT + 4);
        assert_int_equal(nat_lines(line), 0);
        snprintf(dir, sizeof dir, "%s/cni/results", root.root);
        assert_true(test_count_entries(dir) <= 0);
    }
    rm(c);
}

/* A crash of the machine, faked: the container's processes die and the run
 * root names another boot; the next runtime opened refreshes, and the
 * network comes down from the cached ADD result (address, NAT, interfaces). */
static void test_refresh_after_crash(void **state)
{
    ctr_container_options_t o = CTR_CONTAINER_OPTIONS_INIT;
    o.flags = CTR_CREATE_NETNS;
    o.networks = net0;
    ctr_port_mapping_t pm = { .host_ip = "127.0.0.1", .host_port = HOST_PORT + 3, .container_port = 80 };
    o.port_mappings = &pm;
    o.n_port_mappings = 1;
    ctr_container_t *c = make_with(&o, "crashed", server);
    assert_ctr_ok(ctr_container_start(c));
    char *ip = ip_of(c, NULL);
    pid_t pid = 0;
    assert_ctr_ok(ctr_container_pid(c, &pid));
    char file[256], pat[64], alive[300];
    snprintf(file, sizeof file, "/var/lib/cni/networks/ctrtest0/%s", ip);
    assert_int_equal(access(file, F_OK), 0);
    snprintf(pat, sizeof pat, native_mode ? "tcp \\. %d" : "--dport %d", HOST_PORT + 3);
    assert_true(nat_lines(pat) > 0);
    assert_true(count_lines("ip -o link show master ctrtest0") > 0);
    assert_int_equal(kill(pid, SIGKILL), 0);
    ctr_container_unref(c);
    snprintf(alive, sizeof alive, "%s/alive", root.run_root);
    FILE *f = fopen(alive, "w");
    assert_non_null(f);
    fputs("00000000-0000-0000-0000-000000000000\n", f);
    fclose(f);

    ctr_runtime_options_t ro = CTR_RUNTIME_OPTIONS_INIT;
    ro.root = root.root;
    ro.run_root = root.run_root;
    ro.state_backend = getenv("CTR_TEST_BACKEND");
    ro.cni_config_dir = cni_dir;
    ro.cni_plugin_dir = PLUGINS;
    ro.default_network = "ctrtest-unused";
    ctr_runtime_t *rt2 = NULL;
    assert_ctr_ok(ctr_runtime_new(&rt2, &ro)); /* refreshes */
    assert_int_equal(access(file, F_OK), -1);
    assert_int_equal(nat_lines(pat), 0);
    assert_int_equal(settle("ip -o link show master ctrtest0"), 0);
    char dir[256];
    snprintf(dir, sizeof dir, "%s/cni/results", root.root);
    assert_true(test_count_entries(dir) <= 0);
    ctr_container_t *again = NULL;
    assert_ctr_ok(ctr_runtime_lookup(rt2, "crashed", &again));
    ctr_state_t st;
    assert_ctr_ok(ctr_container_state(again, &st));
    assert_int_equal(st, CTR_STATE_CONFIGURED);
    assert_ctr_ok(ctr_container_remove(again, CTR_REMOVE_FORCE));
    ctr_container_unref(again);
    ctr_runtime_unref(rt2);
    free(ip);
}

static void test_network_remove_in_use(void **state)
{
    ctr_container_t *c = make_on("user", net0, "exec sleep 100");
    assert_ctr_ok(ctr_container_start(c));
    assert_ctr_err(ctr_network_remove(rt, "ctrtest0", 0), -EBUSY);
    assert_true(strstr(ctr_error_last()->message, "user") != NULL);
    ctr_container_unref(c);
    /* Force: the container goes first, then the network and its bridge. */
    assert_ctr_ok(ctr_network_remove(rt, "ctrtest0", CTR_NETWORK_REMOVE_FORCE));
    ctr_container_t *gone = NULL;
    assert_ctr_err(ctr_runtime_lookup(rt, "user", &gone), -ENOENT);
    assert_int_equal(count_lines("ip -o link show ctrtest0 2>/dev/null"), 0);
    assert_int_equal(access("/var/lib/cni/networks/ctrtest0", F_OK), -1);
    assert_ctr_ok(ctr_network_remove(rt, "ctrtest2", 0));
    assert_ctr_ok(ctr_network_remove(rt, "ctrtest1", 0));
}

/* Nothing made by the suite is left on the host. */
static void test_no_leftovers(void **state)
{
    char cmd[512];
    assert_int_equal(count_lines("ip -o link show | grep -E ': ctrtest[0-9]'"), 0);
    assert_int_equal(settle("ip -o link show type veth | grep -E 'master ctrtest'"), 0);
    assert_int_equal(count_lines("iptables-save | grep -E 'ctrtest|10\\.209\\.7[6-9]\\.'"), 0);
    /* libctr's nft table: no element of the suite's, and gone with the
     * last native network unless it was there before (or other runtimes'
     * containers have elements in it now). */
    assert_int_equal(count_lines("nft list table ip libctr 2>/dev/null | grep -E '10\\.209\\.7[6-9]\\.|1807[0-9]'"), 0);
    if (!had_nft_table)
        assert_false(sh("nft list table ip libctr >/dev/null 2>&1 && ! nft list table ip libctr | grep -q 'elements ='"));
    /* No chain but portmap's shared ones (removed at the end when the suite made them). */
    char now[4096];
    cni_chains(now, sizeof now);
    char *p = now, *w = now;
    for (char *line; (line = strsep(&p, "\n"));) {
        if (!*line || strncmp(line, ":CNI-HOSTPORT-", 14) == 0)
            continue;
        w += sprintf(w, "%s\n", line);
    }
    *w = '\0';
    char before[4096];
    snprintf(before, sizeof before, "%s", chains_before);
    p = before;
    w = before;
    for (char *line; (line = strsep(&p, "\n"));) {
        if (!*line || strncmp(line, ":CNI-HOSTPORT-", 14) == 0)
            continue;
        w += sprintf(w, "%s\n", line);
    }
    *w = '\0';
    assert_string_equal(now, before);
    snprintf(cmd, sizeof cmd, "%s/netns", root.run_root);
    assert_true(test_count_entries(cmd) <= 0);
    snprintf(cmd, sizeof cmd, "grep -F -e ' %s/' -e ' %s/' /proc/self/mountinfo", root.root, root.run_root);
    assert_int_equal(count_lines(cmd), 0);
    snprintf(cmd, sizeof cmd, "%s/cni/results", root.root);
    assert_true(test_count_entries(cmd) <= 0);
    assert_int_equal(count_lines("ls -d /var/lib/cni/networks/ctrtest* 2>/dev/null"), 0);
    snprintf(cmd, sizeof cmd, "%s/containers", root.root);
    assert_int_equal(test_count_entries(cmd), 0);
}

/* ---- setup ---- */

/* After each test: its containers, even when it failed half-way. */
static int remove_containers(void **state)
{
    ctr_container_t **list = NULL;
    size_t n = 0;
    if (ctr_runtime_list(rt, NULL, NULL, &list, &n) < 0)
        return -1;
    for (size_t i = 0; i < n; i++)
        if (ctr_container_remove(list[i], CTR_REMOVE_FORCE) < 0 && ctr_error_last()->code != -ENOENT)
            fprintf(stderr, "cleanup: removing %s: %s\n", ctr_container_name(list[i]), ctr_error_last()->message);
    ctr_container_list_free(list, n);
    return 0;
}

static bool chains_exist(void)
{
    return sh("iptables -w -t nat -S CNI-HOSTPORT-DNAT >/dev/null 2>&1");
}

static int group_setup(void **state)
{
    const char *src = getenv("SOURCE_ROOT");
    bool ci = getenv("CI") && strcmp(getenv("CI"), "true") == 0;
    const char *missing = geteuid() != 0                                    ? "root"
                          : access("/usr/sbin/runc", X_OK) != 0             ? "runc"
                          : access("/usr/bin/conmon", X_OK) != 0            ? "conmon"
                          : access(PLUGINS "/bridge", X_OK) != 0            ? "the CNI plugins"
                          : !sh("command -v iptables >/dev/null")           ? "iptables"
                          : !sh("command -v ip >/dev/null")                 ? "iproute2"
                          : !sh("command -v nft >/dev/null")                ? "nftables"
                                                                            : NULL;
    if (missing) {
        fprintf(stderr, "network: needs %s%s\n", missing, ci ? " (CI: failing)" : " (skipping)");
        exit(ci ? 1 : 77);
    }
    /* One run of the network suites at a time on a machine (they share the
     * ctrtest networks): a lock on the plugin directory itself, which leaves
     * no file behind; held until the process ends. */
    int lock_fd = open(PLUGINS, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (lock_fd < 0 || flock(lock_fd, LOCK_EX) < 0) {
        fprintf(stderr, "network: cannot lock %s: %m\n", PLUGINS);
        return -1;
    }
    /* The suite's bridges must not exist: a leftover. */
    if (count_lines("ip -o link show | grep -E ': ctrtest[0-9]'") != 0) {
        fprintf(stderr, "network: a ctrtest bridge exists already (another run, or a leftover)\n");
        return -1;
    }
    had_var_lib_cni = access("/var/lib/cni", F_OK) == 0;
    had_hostport_chains = chains_exist();
    had_nft_table = sh("nft list table ip libctr >/dev/null 2>&1");
    const char *mode = getenv("CTR_TEST_NET_MODE");
    native_mode = !mode || strcmp(mode, "plugins") != 0;
    fprintf(stderr, "network: %s mode\n", native_mode ? "native" : "plugins");
    cni_chains(chains_before, sizeof chains_before);
    test_root_make(&root);
    snprintf(rootfs, sizeof rootfs, "%s/rootfs", root.root);
    snprintf(cni_dir, sizeof cni_dir, "%s/cni.d", root.root);
    char cmd[512];
    snprintf(cmd, sizeof cmd, "%s/tests/lib/make-rootfs.sh %s && mkdir -p %s/www && echo 'hello from ctrtest' > "
                              "%s/www/index.html",
             src ? src : ".", rootfs, rootfs, rootfs);
    if (system(cmd) != 0)
        return -1;
    ctr_runtime_options_t o = CTR_RUNTIME_OPTIONS_INIT;
    o.root = root.root;
    o.run_root = root.run_root;
    o.state_backend = getenv("CTR_TEST_BACKEND");
    o.cni_config_dir = cni_dir;
    o.cni_plugin_dir = PLUGINS;
    o.default_network = "ctrtest-unused"; /* never the user's default */
    if (ctr_runtime_new(&rt, &o) < 0)
        return -1;
    return 0;
}

static int group_teardown(void **state)
{
    /* Whatever a failed test left: containers, networks, bridges. */
    ctr_container_t **list = NULL;
    size_t n = 0;
    if (ctr_runtime_list(rt, NULL, NULL, &list, &n) == 0) {
        for (size_t i = 0; i < n; i++)
            if (ctr_container_remove(list[i], CTR_REMOVE_FORCE) < 0)
                fprintf(stderr, "teardown: removing %s: %s\n", ctr_container_name(list[i]), ctr_error_last()->message);
        ctr_container_list_free(list, n);
    } else {
        fprintf(stderr, "teardown: listing: %s\n", ctr_error_last()->message);
    }
    static const char *const nets[] = { "ctrtest0", "ctrtest1", "ctrtest2", "ctrtest9" };
    for (size_t i = 0; i < sizeof nets / sizeof nets[0]; i++)
        ctr_network_remove(rt, nets[i], CTR_NETWORK_REMOVE_FORCE);
    ctr_runtime_unref(rt);
    (void)!system("for b in ctrtest0 ctrtest1 ctrtest2 ctrtest9; do ip link del $b 2>/dev/null; done; "
                  "rm -rf /var/lib/cni/networks/ctrtest*");
    /* portmap's shared chains and host-local's directory, if the suite made them. */
    if (!had_hostport_chains && chains_exist() &&
        !sh("iptables -w -t nat -S CNI-HOSTPORT-DNAT | grep -q -- '-A CNI-HOSTPORT-DNAT'"))
        (void)!system("iptables -w -t nat -D PREROUTING -m addrtype --dst-type LOCAL -j CNI-HOSTPORT-DNAT; "
                      "iptables -w -t nat -D OUTPUT -m addrtype --dst-type LOCAL -j CNI-HOSTPORT-DNAT; "
                      "iptables -w -t nat -D POSTROUTING -m comment --comment 'CNI portfwd requiring masquerade' "
                      "-j CNI-HOSTPORT-MASQ; "
                      "for c in CNI-HOSTPORT-DNAT CNI-HOSTPORT-MASQ CNI-HOSTPORT-SETMARK; do "
                      "iptables -w -t nat -F $c; iptables -w -t nat -X $c; done 2>/dev/null");
    if (!had_var_lib_cni)
        (void)!system("rmdir /var/lib/cni/networks /var/lib/cni 2>/dev/null");
    char cmd[256];
    snprintf(cmd, sizeof cmd, "grep -F ' %s' /proc/self/mountinfo | awk '{print $5}' | sort -r | xargs -r -n1 umount -l",
             root.root);
    (void)!system(cmd);
    test_root_remove(&root);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_network_api, remove_containers),
        cmocka_unit_test_teardown(test_two_containers, remove_containers),
        cmocka_unit_test_teardown(test_port_mapping, remove_containers),
        cmocka_unit_test_teardown(test_none, remove_containers),
        cmocka_unit_test_teardown(test_join, remove_containers),
        cmocka_unit_test_teardown(test_host, remove_containers),
        cmocka_unit_test_teardown(test_etc_files, remove_containers),
        cmocka_unit_test_teardown(test_default_network, remove_containers),
        cmocka_unit_test_teardown(test_two_roots, remove_containers),
        cmocka_unit_test_teardown(test_network_saves, remove_containers),
        cmocka_unit_test_teardown(test_multiple_networks, remove_containers),
        cmocka_unit_test_teardown(test_stop_restart, remove_containers),
        cmocka_unit_test_teardown(test_missing_netns, remove_containers),
        cmocka_unit_test_teardown(test_plugin_failure, remove_containers),
        cmocka_unit_test_teardown(test_create_failure, remove_containers),
        cmocka_unit_test_teardown(test_refresh_after_crash, remove_containers),
        cmocka_unit_test_teardown(test_network_remove_in_use, remove_containers),
        cmocka_unit_test_teardown(test_no_leftovers, remove_containers),
    };
    return cmocka_run_group_tests_name("network", tests, group_setup, group_teardown);
}
