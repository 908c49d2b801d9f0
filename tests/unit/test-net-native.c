/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The native bridge network's pure parts: host-local compatible IPAM in a
 * temporary directory, nft script generation, netlink message building,
 * which configuration lists are run natively.  No root, no kernel state. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <sys/stat.h>

#include "base/error.h"
#include "net/cni.h"
#include "net/ipam.h"
#include "net/nat.h"
#include "net/native.h"
#include "net/netlink.h"

static char tmp[64];

static uint32_t v4(const char *s)
{
    struct in_addr in;
    assert_int_equal(inet_pton(AF_INET, s, &in), 1);
    return ntohl(in.s_addr);
}

static void read_text(const char *path, char *buf, size_t size)
{
    int fd = open(path, O_RDONLY);
    assert_true(fd >= 0);
    ssize_t n = read(fd, buf, size - 1);
    close(fd);
    assert_true(n >= 0);
    buf[n] = '\0';
}

/* ---- IPAM ---- */

static void test_ipam(void **state)
{
    char dir[128], path[256], text[128];
    snprintf(dir, sizeof dir, "%s/networks/net1", tmp);
    struct ctr__ipam_range r;
    assert_int_equal(ctr__ipam_range_init(&r, v4("10.1.2.0"), 29, 0), 0);
    assert_int_equal(r.start, v4("10.1.2.1"));
    assert_int_equal(r.end, v4("10.1.2.6"));
    assert_int_equal(r.gateway, v4("10.1.2.1"));
    struct ctr__ipam_range bad;
    assert_int_equal(ctr__ipam_range_init(&bad, v4("10.1.2.0"), 31, 0), -EINVAL);
    assert_int_equal(ctr__ipam_range_init(&bad, v4("10.1.2.0"), 24, v4("10.1.3.1")), -EINVAL);

    uint32_t a = 0;
    size_t ri = 9;
    assert_int_equal(ctr__ipam_alloc(dir, &r, 1, "c1", "eth0", &a, &ri), 0);
    assert_int_equal(a, v4("10.1.2.2")); /* .1 is the gateway */
    assert_int_equal(ri, 0);
    /* host-local's format, byte for byte. */
    snprintf(path, sizeof path, "%s/10.1.2.2", dir);
    read_text(path, text, sizeof text);
    assert_string_equal(text, "c1\r\neth0");
    snprintf(path, sizeof path, "%s/last_reserved_ip.0", dir);
    read_text(path, text, sizeof text);
    assert_string_equal(text, "10.1.2.2");
    snprintf(path, sizeof path, "%s/lock", dir);
    assert_int_equal(access(path, F_OK), 0);

    assert_int_equal(ctr__ipam_alloc(dir, &r, 1, "c2", "eth0", &a, &ri), 0);
    assert_int_equal(a, v4("10.1.2.3"));
    /* No second address for the same container and interface. */
    assert_int_equal(ctr__ipam_alloc(dir, &r, 1, "c1", "eth0", &a, &ri), -EEXIST);
    assert_non_null(strstr(ctr_error_last()->message, "duplicate allocation"));
    assert_int_equal(ctr__ipam_alloc(dir, &r, 1, "c1", "eth1", &a, &ri), 0);
    assert_int_equal(a, v4("10.1.2.4"));
    uint32_t released = 0;
    assert_int_equal(ctr__ipam_release(dir, "c1", "eth0", &released), 0);
    assert_int_equal(released, v4("10.1.2.2"));
    snprintf(path, sizeof path, "%s/10.1.2.2", dir);
    assert_int_equal(access(path, F_OK), -1);
    snprintf(path, sizeof path, "%s/10.1.2.4", dir);
    assert_int_equal(access(path, F_OK), 0); /* eth1's stays */
    /* Round-robin: after the last reserved (.4), then wrapping to .2. */
    assert_int_equal(ctr__ipam_alloc(dir, &r, 1, "c3", "eth0", &a, &ri), 0);
    assert_int_equal(a, v4("10.1.2.5"));
    assert_int_equal(ctr__ipam_alloc(dir, &r, 1, "c4", "eth0", &a, &ri), 0);
    assert_int_equal(a, v4("10.1.2.6"));
    assert_int_equal(ctr__ipam_alloc(dir, &r, 1, "c5", "eth0", &a, &ri), 0);
    assert_int_equal(a, v4("10.1.2.2"));
    assert_int_equal(ctr__ipam_alloc(dir, &r, 1, "c6", "eth0", &a, &ri), -ENOSPC);
    /* A file of an older host-local (the ID alone) is released too. */
    assert_int_equal(ctr__ipam_release(dir, "c3", "eth0", NULL), 0);
    snprintf(path, sizeof path, "%s/10.1.2.5", dir);
    FILE *f = fopen(path, "w");
    fputs("old1\n", f);
    fclose(f);
    assert_int_equal(ctr__ipam_release(dir, "old1", "eth0", &released), 0);
    assert_int_equal(released, v4("10.1.2.5"));
    assert_int_equal(access(path, F_OK), -1);
    /* Two ranges: the next one after the first is full. */
    struct ctr__ipam_range two[2];
    assert_int_equal(ctr__ipam_range_init(&two[0], v4("10.1.2.0"), 29, 0), 0);
    assert_int_equal(ctr__ipam_range_init(&two[1], v4("10.1.3.0"), 30, 0), 0);
    assert_int_equal(ctr__ipam_alloc(dir, two, 2, "c7", "eth0", &a, &ri), 0);
    assert_int_equal(a, v4("10.1.2.5"));
    assert_int_equal(ctr__ipam_alloc(dir, two, 2, "c8", "eth0", &a, &ri), 0);
    assert_int_equal(a, v4("10.1.3.2"));
    assert_int_equal(ri, 1);
    /* Releasing what is not there, in a directory that is not there. */
    assert_int_equal(ctr__ipam_release(dir, "nobody", "eth0", &released), 0);
    assert_int_equal(released, 0);
    snprintf(path, sizeof path, "%s/networks/none", tmp);
    assert_int_equal(ctr__ipam_release(path, "c1", "eth0", NULL), 0);
}

/* ---- nft scripts ---- */

static void test_nat_script(void **state)
{
    struct ctr__nat_port ports[] = {
        { .host_ip = v4("127.0.0.1"), .host_port = 8080, .container_port = 80, .proto = "tcp" },
        { .host_ip = 0, .host_port = 5353, .container_port = 53, .proto = "udp" },
    };
    struct ctr__nat_entry e = { .addr = v4("10.1.2.3"), .subnet = v4("10.1.2.0"), .prefix = 24, .masquerade = true,
                                .ports = ports, .n_ports = 2 };
    char *s = ctr__nat_script(&e, true, false);
    assert_non_null(s);
    assert_string_equal(s, "add element ip libctr masq { 10.1.2.3 }\n"
                           "add element ip libctr nomasq { 10.1.2.3 . 10.1.2.0/24 }\n"
                           "add element ip libctr published { 10.1.2.3 }\n"
                           "add element ip libctr hairpin { 10.1.2.3 . 10.1.2.3 }\n"
                           "add element ip libctr hostport_ip { 127.0.0.1 . tcp . 8080 : 10.1.2.3 . 80 }\n"
                           "add element ip libctr hostport_any { udp . 5353 : 10.1.2.3 . 53 }\n");
    free(s);
    /* DEL: each element added then deleted (gone already is no error). */
    e.n_ports = 0;
    s = ctr__nat_script(&e, false, false);
    assert_string_equal(s, "add element ip libctr masq { 10.1.2.3 }\n"
                           "delete element ip libctr masq { 10.1.2.3 }\n"
                           "add element ip libctr nomasq { 10.1.2.3 . 10.1.2.0/24 }\n"
                           "delete element ip libctr nomasq { 10.1.2.3 . 10.1.2.0/24 }\n");
    free(s);
    /* The declaration: the table, its sets and maps, its chains flushed
     * and filled again, never another table. */
    s = ctr__nat_script(&e, true, true);
    assert_true(strncmp(s, "add table ip libctr\n", 20) == 0);
    assert_non_null(strstr(s, "flush chain ip libctr postrouting\n"));
    assert_non_null(strstr(s, "add rule ip libctr hostports dnat to ip daddr . meta l4proto . th dport map @hostport_ip\n"));
    assert_non_null(strstr(s, "add rule ip libctr postrouting ip saddr @masq ip daddr != 224.0.0.0/4 masquerade\n"));
    assert_null(strstr(s, " ip nat"));
    assert_null(strstr(s, " ip filter"));
    assert_non_null(strstr(s, "add element ip libctr masq { 10.1.2.3 }\n"));
    free(s);
    /* Nothing to do: an empty script. */
    e.masquerade = false;
    s = ctr__nat_script(&e, true, false);
    assert_string_equal(s, "");
    free(s);
}

/* ---- netlink messages ---- */

static void test_netlink_msg(void **state)
{
    struct ctr__nl_msg m;
    struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC, .ifi_index = 7 };
    ctr__nl_msg_init(&m, RTM_NEWLINK, NLM_F_CREATE, &ifi, sizeof ifi);
    assert_int_equal(m.hdr.nlmsg_type, RTM_NEWLINK);
    assert_int_equal(m.hdr.nlmsg_flags, NLM_F_CREATE | NLM_F_REQUEST | NLM_F_ACK);
    assert_int_equal(m.hdr.nlmsg_len, NLMSG_LENGTH(sizeof ifi));
    ctr__nl_put_str(&m, IFLA_IFNAME, "eth0"); /* 4 + 5, padded to 12 */
    assert_int_equal(m.hdr.nlmsg_len, NLMSG_LENGTH(sizeof ifi) + 12);
    size_t nest_at = m.hdr.nlmsg_len;
    ctr__nl_nest_begin(&m, IFLA_LINKINFO, false);
    ctr__nl_put_str(&m, IFLA_INFO_KIND, "veth"); /* 12 */
    ctr__nl_nest_begin(&m, IFLA_PROTINFO, true);
    ctr__nl_put_u32(&m, 1, 42); /* 8 */
    ctr__nl_nest_end(&m);
    ctr__nl_nest_end(&m);
    assert_int_equal(m.n_nest, 0);
    struct nlattr outer, inner;
    memcpy(&outer, m.buf + nest_at, sizeof outer);
    assert_int_equal(outer.nla_type, IFLA_LINKINFO);
    assert_int_equal(outer.nla_len, 4 + 12 + 4 + 8);
    memcpy(&inner, m.buf + nest_at + 16, sizeof inner);
    assert_int_equal(inner.nla_type, IFLA_PROTINFO | NLA_F_NESTED);
    assert_int_equal(inner.nla_len, 12);
    uint32_t v;
    memcpy(&v, m.buf + nest_at + 24, 4);
    assert_int_equal(v, 42);
    assert_int_equal(m.hdr.nlmsg_len, nest_at + 28);
    assert_false(m.overflow);
    /* Too much: flagged, and refused when sent. */
    char big[600] = { 0 };
    ctr__nl_put(&m, 1, big, sizeof big);
    ctr__nl_put(&m, 1, big, sizeof big);
    assert_true(m.overflow);
    assert_int_equal(ctr__nl_talk(-1, &m), -EMSGSIZE);
    /* An unbalanced nest is refused too. */
    ctr__nl_msg_init(&m, RTM_NEWLINK, 0, &ifi, sizeof ifi);
    ctr__nl_nest_begin(&m, IFLA_LINKINFO, false);
    assert_int_equal(ctr__nl_talk(-1, &m), -EMSGSIZE);
}

/* ---- eligibility ---- */

#define BRIDGE_OK                                                                                                  \
    "{\"type\":\"bridge\",\"bridge\":\"br9\",\"isGateway\":true,\"ipMasq\":true,\"hairpinMode\":true,"              \
    "\"ipam\":{\"type\":\"host-local\",\"routes\":[{\"dst\":\"0.0.0.0/0\"}],"                                      \
    "\"ranges\":[[{\"subnet\":\"10.1.2.0/24\",\"gateway\":\"10.1.2.1\"}]]}}"
#define PORTMAP_OK "{\"type\":\"portmap\",\"capabilities\":{\"portMappings\":true}}"
#define MARKER "\"libctr\":{\"native\":true}"

static bool eligible(const char *text)
{
    struct ctr__cni_net *net = NULL;
    assert_int_equal(ctr__cni_net_parse(text, NULL, &net), 0);
    bool r = ctr__native_eligible(net);
    ctr__cni_net_free(net);
    return r;
}

static void test_eligible(void **state)
{
    bool nft = ctr__nat_available();
    /* What libctr writes. */
    assert_int_equal(eligible("{\"cniVersion\":\"1.0.0\",\"name\":\"n\"," MARKER ",\"plugins\":[" BRIDGE_OK "," PORTMAP_OK "]}"),
                     nft);
    assert_int_equal(eligible("{\"cniVersion\":\"1.0.0\",\"name\":\"n\"," MARKER ",\"args\":{\"podman_labels\":{}},"
                              "\"plugins\":[" BRIDGE_OK "]}"),
                     nft);
    /* No marker: a user's list, for the real plugins. */
    assert_false(eligible("{\"cniVersion\":\"1.0.0\",\"name\":\"n\",\"plugins\":[" BRIDGE_OK "," PORTMAP_OK "]}"));
    assert_false(eligible("{\"cniVersion\":\"1.0.0\",\"name\":\"n\",\"libctr\":{\"native\":false},\"plugins\":[" BRIDGE_OK "]}"));
    /* Anything not implemented exactly. */
    assert_false(eligible("{\"cniVersion\":\"0.4.0\",\"name\":\"n\"," MARKER ",\"plugins\":[" BRIDGE_OK "]}"));
    assert_false(eligible("{\"cniVersion\":\"1.0.0\",\"name\":\"n\"," MARKER ",\"plugins\":[" BRIDGE_OK "," PORTMAP_OK
                          ",{\"type\":\"firewall\"}]}"));
    assert_false(eligible("{\"cniVersion\":\"1.0.0\",\"name\":\"n\"," MARKER ",\"plugins\":[{\"type\":\"bridge\","
                          "\"bridge\":\"br9\",\"mtu\":9000,\"ipam\":{\"type\":\"host-local\",\"ranges\":[[{\"subnet\":"
                          "\"10.1.2.0/24\"}]]}}]}"));
    assert_false(eligible("{\"cniVersion\":\"1.0.0\",\"name\":\"n\"," MARKER ",\"plugins\":[{\"type\":\"bridge\","
                          "\"bridge\":\"br9\",\"ipam\":{\"type\":\"host-local\",\"ranges\":[[{\"subnet\":"
                          "\"fd00::/64\"}]]}}]}"));
    assert_false(eligible("{\"cniVersion\":\"1.0.0\",\"name\":\"n\"," MARKER ",\"plugins\":[{\"type\":\"bridge\","
                          "\"bridge\":\"br9\",\"ipam\":{\"type\":\"host-local\",\"ranges\":[[{\"subnet\":"
                          "\"10.1.2.0/24\",\"rangeStart\":\"10.1.2.9\"}]]}}]}"));
    assert_false(eligible("{\"cniVersion\":\"1.0.0\",\"name\":\"n\"," MARKER ",\"plugins\":[{\"type\":\"bridge\","
                          "\"bridge\":\"br9\",\"ipam\":{\"type\":\"dhcp\"}}]}"));
    assert_false(eligible("{\"cniVersion\":\"1.0.0\",\"name\":\"n\"," MARKER ",\"plugins\":[" PORTMAP_OK "," BRIDGE_OK "]}"));
    assert_false(eligible("{\"cniVersion\":\"1.0.0\",\"name\":\"n\"," MARKER ",\"dns\":{},\"plugins\":[" BRIDGE_OK "]}"));
    assert_false(eligible("{\"cniVersion\":\"1.0.0\",\"name\":\"n\",\"libctr\":{\"native\":true,\"x\":1},\"plugins\":["
                          BRIDGE_OK "]}"));
}

static int setup(void **state)
{
    snprintf(tmp, sizeof tmp, "/tmp/ctr-net-native-XXXXXX");
    return mkdtemp(tmp) ? 0 : -1;
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
        cmocka_unit_test(test_ipam),
        cmocka_unit_test(test_nat_script),
        cmocka_unit_test(test_netlink_msg),
        cmocka_unit_test(test_eligible),
    };
    return cmocka_run_group_tests_name("net-native", tests, setup, teardown);
}
