/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Native bridge networks: eligibility, ADD and DEL. */
#include "net/native.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <net/if.h>
#include <pthread.h>
#include <stdio.h>
#include <time.h>

#include "base/error.h"
#include "base/json-util.h"
#include "net/cidr.h"
#include "net/ipam.h"
#include "net/nat.h"
#include "net/netlink.h"
#include "net/netns.h"

#define MAX_RANGES 8
#define MAX_ROUTES 16
#define MAX_PORTS 256

struct route {
    uint32_t dst;
    unsigned prefix;
    uint32_t gw; /* 0: the range's gateway */
};

/* A configuration list this module implements, taken apart. */
struct nconf {
    char bridge[IFNAMSIZ];
    bool is_gateway, ipmasq, hairpin, portmap;
    struct ctr__ipam_range ranges[MAX_RANGES];
    size_t n_ranges;
    struct route routes[MAX_ROUTES];
    size_t n_routes;
};

/* ---- the configuration ---- */

static bool only_keys(json_object *o, const char *const *allowed)
{
    if (!json_object_is_type(o, json_type_object))
        return false;
    json_object_object_foreach(o, key, val)
    {
        (void)val;
        if (!ctr__strv_contains(allowed, key))
            return false;
    }
    return true;
}

/* An optional boolean: absent is false; another type is not eligible. */
static bool bool_of(json_object *o, const char *key, bool *ret)
{
    json_object *v;
    *ret = false;
    if (!json_object_object_get_ex(o, key, &v))
        return true;
    if (!json_object_is_type(v, json_type_boolean))
        return false;
    *ret = json_object_get_boolean(v);
    return true;
}

/* An IPv4 address, as a number in host order. */
static bool parse_v4(const char *s, uint32_t *ret)
{
    struct ctr__cidr c;
    if (ctr__addr_parse(s, &c) < 0 || c.family != AF_INET)
        return false;
    *ret = ctr__cidr_v4(&c);
    return true;
}

/* An IPv4 "ADDR/N", the address as written (not masked). */
static bool parse_v4_cidr(const char *s, uint32_t *ret, unsigned *ret_prefix)
{
    struct ctr__cidr c;
    if (ctr__cidr_parse(s, &c) < 0 || c.family != AF_INET)
        return false;
    *ret = ctr__cidr_v4(&c);
    *ret_prefix = c.prefix;
    return true;
}

static bool parse_ipam(json_object *ipam, struct nconf *c)
{
    static const char *const keys[] = { "type", "ranges", "routes", NULL };
    static const char *const range_keys[] = { "subnet", "gateway", NULL };
    static const char *const route_keys[] = { "dst", "gw", NULL };
    json_object *ranges, *routes, *set;
    if (!only_keys(ipam, keys) || !ctr__json_str(ipam, "type") || !streq(ctr__json_str(ipam, "type"), "host-local"))
        return false;
    /* One range set (IPv4), one or more ranges in it. */
    if (!json_object_object_get_ex(ipam, "ranges", &ranges) || !json_object_is_type(ranges, json_type_array) ||
        json_object_array_length(ranges) != 1)
        return false;
    set = json_object_array_get_idx(ranges, 0);
    if (!json_object_is_type(set, json_type_array) || json_object_array_length(set) == 0 ||
        json_object_array_length(set) > MAX_RANGES)
        return false;
    for (size_t i = 0; i < json_object_array_length(set); i++) {
        json_object *r = json_object_array_get_idx(set, i);
        uint32_t subnet, gw = 0;
        unsigned prefix;
        if (!only_keys(r, range_keys) || !parse_v4_cidr(ctr__json_str(r, "subnet"), &subnet, &prefix))
            return false;
        if (json_object_object_get_ex(r, "gateway", NULL) && !parse_v4(ctr__json_str(r, "gateway"), &gw))
            return false;
        if (ctr__ipam_range_init(&c->ranges[c->n_ranges++], subnet, prefix, gw) < 0)
            return false;
    }
    if (json_object_object_get_ex(ipam, "routes", &routes)) {
        if (!json_object_is_type(routes, json_type_array) || json_object_array_length(routes) > MAX_ROUTES)
            return false;
        for (size_t i = 0; i < json_object_array_length(routes); i++) {
            json_object *r = json_object_array_get_idx(routes, i);
            struct route *rt = &c->routes[c->n_routes++];
            if (!only_keys(r, route_keys) || !parse_v4_cidr(ctr__json_str(r, "dst"), &rt->dst, &rt->prefix))
                return false;
            rt->dst &= rt->prefix ? ~0u << (32 - rt->prefix) : 0;
            if (json_object_object_get_ex(r, "gw", NULL) && !parse_v4(ctr__json_str(r, "gw"), &rt->gw))
                return false;
        }
    }
    return true;
}

/* 0 and *c filled when the list is one this module implements exactly. */
static int nconf_parse(const struct ctr__cni_net *net, struct nconf *c)
{
    static const char *const top_keys[] = { "cniVersion", "name", "plugins", "args", CTR__NATIVE_KEY, NULL };
    static const char *const marker_keys[] = { "native", NULL };
    static const char *const bridge_keys[] = { "type", "bridge", "isGateway", "ipMasq", "hairpinMode", "ipam", NULL };
    static const char *const portmap_keys[] = { "type", "capabilities", NULL };
    static const char *const caps_keys[] = { "portMappings", NULL };
    memset(c, 0, sizeof *c);
    json_object *marker, *plugins, *ipam, *caps;
    bool native = false;
    if (!net || !streq(net->cni_version, "1.0.0") || !only_keys(net->conf, top_keys) ||
        !json_object_object_get_ex(net->conf, CTR__NATIVE_KEY, &marker) || !only_keys(marker, marker_keys) ||
        !bool_of(marker, "native", &native) || !native)
        return -EINVAL;
    if (!json_object_object_get_ex(net->conf, "plugins", &plugins) || net->n_plugins < 1 || net->n_plugins > 2)
        return -EINVAL;
    json_object *br = json_object_array_get_idx(plugins, 0);
    const char *name = ctr__json_str(br, "bridge");
    if (!only_keys(br, bridge_keys) || !streq(ctr__json_str(br, "type"), "bridge") || !name || !*name ||
        strlen(name) >= IFNAMSIZ || strchr(name, '/') || streq(name, ".") || streq(name, ".."))
        return -EINVAL;
    snprintf(c->bridge, sizeof c->bridge, "%s", name);
    if (!bool_of(br, "isGateway", &c->is_gateway) || !bool_of(br, "ipMasq", &c->ipmasq) ||
        !bool_of(br, "hairpinMode", &c->hairpin))
        return -EINVAL;
    if (!json_object_object_get_ex(br, "ipam", &ipam) || !parse_ipam(ipam, c))
        return -EINVAL;
    if (net->n_plugins == 2) {
        json_object *pm = json_object_array_get_idx(plugins, 1);
        bool on = false;
        if (!only_keys(pm, portmap_keys) || !streq(ctr__json_str(pm, "type"), "portmap") ||
            !json_object_object_get_ex(pm, "capabilities", &caps) || !only_keys(caps, caps_keys) ||
            !bool_of(caps, "portMappings", &on) || !on)
            return -EINVAL;
        c->portmap = true;
    }
    return 0;
}

bool ctr__native_eligible(const struct ctr__cni_net *net)
{
    struct nconf c;
    return nconf_parse(net, &c) == 0 && ctr__nat_available();
}

/* ---- port mappings (the runtime config) ---- */

static int ports_parse(const char *net_name, json_object *rc, struct ctr__nat_port **ret, size_t *ret_n)
{
    json_object *arr;
    *ret = NULL;
    *ret_n = 0;
    if (!rc || !json_object_object_get_ex(rc, "portMappings", &arr))
        return 0;
    if (!json_object_is_type(arr, json_type_array) || json_object_array_length(arr) > MAX_PORTS)
        return ctr__err(-EINVAL, "network %s: invalid portMappings", net_name);
    size_t n = json_object_array_length(arr), k = 0;
    struct ctr__nat_port *v = calloc(n + 1, sizeof *v);
    if (!v)
        return ctr__oom("the port mappings");
    for (size_t i = 0; i < n; i++) {
        json_object *m = json_object_array_get_idx(arr, i), *hp, *cp;
        const char *proto = ctr__json_str(m, "protocol"), *host = ctr__json_str(m, "hostIP");
        if (!proto || !*proto)
            proto = "tcp";
        int64_t h = json_object_object_get_ex(m, "hostPort", &hp) ? json_object_get_int64(hp) : 0;
        int64_t c = json_object_object_get_ex(m, "containerPort", &cp) ? json_object_get_int64(cp) : 0;
        if (h < 1 || h > 65535 || c < 1 || c > 65535 ||
            (!streq(proto, "tcp") && !streq(proto, "udp") && !streq(proto, "sctp"))) {
            free(v);
            return ctr__err(-EINVAL, "network %s: invalid port mapping %zu", net_name, i);
        }
        uint32_t ip = 0;
        struct ctr__cidr hc;
        if (host && *host) {
            if (ctr__addr_parse(host, &hc) < 0) {
                free(v);
                return ctr__err(-EINVAL, "network %s: invalid hostIP \"%s\"", net_name, host);
            }
            if (hc.family != AF_INET)
                continue; /* for IPv6 containers only, like portmap */
            ip = ctr__cidr_v4(&hc);
        }
        v[k++] = (struct ctr__nat_port){ .host_ip = ip, .host_port = (uint16_t)h, .container_port = (uint16_t)c,
                                         .proto = streq(proto, "tcp") ? "tcp" : streq(proto, "udp") ? "udp" : "sctp" };
    }
    *ret = v;
    *ret_n = k;
    return 0;
}

/* ---- helpers ---- */

static int sysctl_set(const char *path, const char *value)
{
    _cleanup_close_ int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return ctr__err(-errno, "cannot open %s: %m", path);
    int r = ctr__write_all(fd, value, strlen(value));
    if (r < 0)
        return ctr__err(r, "cannot write %s: %s", path, strerror(-r));
    return 0;
}

/* A locally administered unicast MAC. */
static void mac_fix(unsigned char mac[6])
{
    mac[0] = (unsigned char)((mac[0] & 0xfe) | 0x02);
}

static void mac_format(const unsigned char mac[6], char *buf, size_t size)
{
    snprintf(buf, size, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
}

static void fmt_v4(uint32_t a, char *buf, size_t size)
{
    struct in_addr in = { .s_addr = htonl(a) };
    inet_ntop(AF_INET, &in, buf, (socklen_t)size);
}

static int64_t mono_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* A bridge made now must not take a subnet another host interface has (two
 * runtimes with other roots, or a user's network): the kernel would route
 * one of them into the other.  A bridge that is there was checked when made. */
static int check_new_bridge(const struct nconf *c, const char *net_name)
{
    if (if_nametoindex(c->bridge) > 0)
        return 0;
    for (size_t i = 0; i < c->n_ranges; i++) {
        uint32_t be = htonl(c->ranges[i].subnet);
        struct ctr__cidr want = { .family = AF_INET, .prefix = c->ranges[i].prefix };
        memcpy(want.addr, &be, 4);
        char ifname[IFNAMSIZ], have[64], sn[64];
        int r = ctr__host_overlap(&want, c->bridge, ifname, have, sizeof have);
        if (r < 0)
            return r;
        ctr__cidr_format(&want, true, sn, sizeof sn);
        if (r > 0)
            return ctr__err(-EEXIST, "subnet %s of network %s overlaps %s of host interface %s: give the network "
                            "another subnet (ctrctl network create --subnet, or the runtime's default_subnet)",
                            sn, net_name, have, ifname);
    }
    return 0;
}

/* The result, shaped like the bridge plugin's (CNI 1.0.0). */
static json_object *build_result(const struct nconf *c, const char *host_veth, const char *host_mac,
                                 const char *ifname, const char *mac, const char *netns, uint32_t addr,
                                 const struct ctr__ipam_range *range)
{
    char a[INET_ADDRSTRLEN + 4], gw[INET_ADDRSTRLEN], br_mac[32] = "";
    fmt_v4(addr, a, INET_ADDRSTRLEN);
    snprintf(a + strlen(a), 4, "/%u", range->prefix);
    fmt_v4(range->gateway, gw, sizeof gw);
    _cleanup_free_ char *path = ctr__asprintf("/sys/class/net/%s/address", c->bridge), *text = NULL;
    if (path && ctr__read_file_at(AT_FDCWD, path, &text, NULL) == 0)
        snprintf(br_mac, sizeof br_mac, "%s", ctr__strstrip(text));
    _cleanup_json_ json_object *o = json_object_new_object();
    json_object *ifs = json_object_new_array(), *ips = json_object_new_array(), *routes = json_object_new_array(),
                *ib = json_object_new_object(), *ih = json_object_new_object(), *ic = json_object_new_object(),
                *ip = json_object_new_object();
    if (!o || !ifs || !ips || !routes || !ib || !ih || !ic || !ip) {
        json_object *all[] = { ifs, ips, routes, ib, ih, ic, ip };
        for (size_t i = 0; i < ARRAY_SIZE(all); i++)
            if (all[i])
                json_object_put(all[i]);
        return NULL;
    }
    json_object_object_add(o, "cniVersion", json_object_new_string("1.0.0"));
    json_object_object_add(o, "interfaces", ifs);
    json_object_array_add(ifs, ib);
    json_object_array_add(ifs, ih);
    json_object_array_add(ifs, ic);
    ctr__json_add_str(ib, "name", c->bridge);
    ctr__json_add_str(ib, "mac", br_mac);
    ctr__json_add_str(ih, "name", host_veth);
    ctr__json_add_str(ih, "mac", host_mac);
    ctr__json_add_str(ic, "name", ifname);
    ctr__json_add_str(ic, "mac", mac);
    ctr__json_add_str(ic, "sandbox", netns);
    json_object_object_add(o, "ips", ips);
    json_object_array_add(ips, ip);
    ctr__json_add_int(ip, "interface", 2);
    ctr__json_add_str(ip, "address", a);
    ctr__json_add_str(ip, "gateway", gw);
    json_object_object_add(o, "routes", routes);
    for (size_t i = 0; i < c->n_routes; i++) {
        json_object *r = json_object_new_object();
        char d[INET_ADDRSTRLEN + 4], g[INET_ADDRSTRLEN];
        if (!r)
            return NULL;
        json_object_array_add(routes, r);
        fmt_v4(c->routes[i].dst, d, INET_ADDRSTRLEN);
        snprintf(d + strlen(d), 4, "/%u", c->routes[i].prefix);
        ctr__json_add_str(r, "dst", d);
        if (c->routes[i].gw) {
            fmt_v4(c->routes[i].gw, g, sizeof g);
            ctr__json_add_str(r, "gw", g);
        }
    }
    json_object_object_add(o, "dns", json_object_new_object());
    return TAKE_PTR(o);
}

/* ---- ADD ---- */

/* One ADD: its inputs, what it made so far (for the undo) and the
 * descriptors it holds. */
struct add {
    const struct ctr__cni_net *net;
    const struct ctr__cni_args *a;
    struct nconf c;
    struct ctr__nat_port *ports;
    size_t n_ports;
    char *ipam_dir;
    int ns_fd, host_fd, ctr_fd;
    int br_index;
    uint32_t addr;
    const struct ctr__ipam_range *range;
    unsigned char host_mac[6], mac[6];
    bool ip, veth, nat;
    char veth_name[IFNAMSIZ];
    struct ctr__nat_entry nat_entry;
};

/* Undo what was made. */
static void add_undo(struct add *x)
{
    if (x->nat)
        ctr__nat_del(&x->nat_entry);
    if (x->veth && x->host_fd >= 0)
        ctr__nl_link_del(x->host_fd, x->veth_name); /* both ends go */
    if (x->ip)
        ctr__ipam_release(x->ipam_dir, x->a->container_id, x->a->ifname, NULL);
    x->nat = x->veth = x->ip = false;
}

/* Undo what is still marked as made, then release the rest. */
static void add_done(struct add *x)
{
    add_undo(x);
    free(x->ports);
    free(x->ipam_dir);
    ctr__closep(&x->ns_fd);
    ctr__closep(&x->host_fd);
    ctr__closep(&x->ctr_fd);
}

/* A failed netlink or system call of @step. */
static int step_err(int r, const char *step)
{
    return ctr__err(r, "%s: %s", step, strerror(-r));
}

/* The arguments and the configuration, the port mappings, the IPAM store
 * and the namespace. */
static int add_open(struct add *x)
{
    const struct ctr__cni_net *net = x->net;
    const struct ctr__cni_args *a = x->a;
    if (nconf_parse(net, &x->c) < 0)
        return ctr__err(-EINVAL, "network %s: not a native network", net->name);
    if (isempty(a->netns))
        return ctr__err(-EINVAL, "network %s: ADD needs a network namespace", net->name);
    if (strlen(a->ifname) >= IFNAMSIZ)
        return ctr__err(-EINVAL, "network %s: invalid interface name %s", net->name, a->ifname);
    int r = x->c.portmap ? ports_parse(net->name, a->runtime_config, &x->ports, &x->n_ports) : 0;
    if (r < 0)
        return r;
    if (!(x->ipam_dir = ctr__ipam_default_dir(net->name)))
        return ctr__oom("IPAM directory");
    if ((x->ns_fd = open(a->netns, O_RDONLY | O_CLOEXEC)) < 0)
        return ctr__err(-errno, "network %s: cannot open the network namespace %s: %m", net->name, a->netns);
    return 0;
}

/* The bridge, its gateway addresses, forwarding. */
static int add_bridge(struct add *x)
{
    const struct nconf *c = &x->c;
    if ((x->host_fd = ctr__nl_open(-1)) < 0)
        return x->host_fd;
    int r = check_new_bridge(c, x->net->name);
    if (r < 0 || (r = ctr__nl_bridge_ensure(x->host_fd, c->bridge, &x->br_index)) < 0)
        return r;
    if (c->is_gateway) {
        for (size_t i = 0; i < c->n_ranges; i++) {
            uint32_t gw = htonl(c->ranges[i].gateway);
            if ((r = ctr__nl_addr_add(x->host_fd, x->br_index, AF_INET, (unsigned char *)&gw, c->ranges[i].prefix)) < 0)
                return step_err(r, "adding the gateway address to the bridge");
        }
        if ((r = sysctl_set("/proc/sys/net/ipv4/ip_forward", "1")) < 0)
            return r;
    }
    if ((r = ctr__nl_link_up(x->host_fd, x->br_index)) < 0)
        return step_err(r, "setting the bridge up");
    if (x->n_ports > 0) {
        char path[128];
        snprintf(path, sizeof path, "/proc/sys/net/ipv4/conf/%s/route_localnet", c->bridge);
        return sysctl_set(path, "1");
    }
    return 0;
}

/* The veth pair, its peer made right in the container's namespace. */
static int add_veth(struct add *x)
{
    unsigned char rnd[16];
    int r = ctr__random_bytes(rnd, sizeof rnd);
    if (r < 0)
        return step_err(r, "getrandom");
    snprintf(x->veth_name, sizeof x->veth_name, "veth%02x%02x%02x%02x", rnd[0], rnd[1], rnd[2], rnd[3]);
    memcpy(x->host_mac, rnd + 4, 6);
    memcpy(x->mac, rnd + 10, 6);
    mac_fix(x->host_mac);
    mac_fix(x->mac);
    r = ctr__nl_veth_create(x->host_fd, x->veth_name, x->host_mac, x->br_index, x->a->ifname, x->mac, x->ns_fd);
    if (r < 0)
        return step_err(r, "creating the veth pair");
    x->veth = true;
    if (x->c.hairpin) {
        int vi = (int)if_nametoindex(x->veth_name);
        if ((r = vi > 0 ? ctr__nl_brport_hairpin(x->host_fd, vi, true) : -ENODEV) < 0)
            return step_err(r, "setting hairpin mode");
    }
    return 0;
}

/* Inside: the address and the routes. */
static int add_inside(struct add *x)
{
    const struct nconf *c = &x->c;
    if ((x->ctr_fd = ctr__nl_open(x->ns_fd)) < 0)
        return x->ctr_fd;
    int ci = ctr__nl_link_index(x->ctr_fd, x->a->ifname);
    if (ci <= 0)
        return step_err(ci < 0 ? ci : -ENODEV, "finding the container interface");
    uint32_t be = htonl(x->addr);
    int r = ctr__nl_addr_add(x->ctr_fd, ci, AF_INET, (unsigned char *)&be, x->range->prefix);
    if (r < 0)
        return step_err(r, "adding the address");
    if ((r = ctr__nl_link_up(x->ctr_fd, ci)) < 0)
        return step_err(r, "setting the container interface up");
    for (size_t i = 0; i < c->n_routes; i++) {
        uint32_t dst = htonl(c->routes[i].dst), gw = htonl(c->routes[i].gw ? c->routes[i].gw : x->range->gateway);
        if ((r = ctr__nl_route_add(x->ctr_fd, ci, AF_INET, (unsigned char *)&dst, c->routes[i].prefix,
                                   (unsigned char *)&gw)) < 0)
            return step_err(r, "adding a route");
    }
    return 0;
}

/* The steps in order; each records what it made in @x for the undo. */
static int add_steps(struct add *x)
{
    size_t ri = 0;
    int r = ctr__ipam_alloc(x->ipam_dir, x->c.ranges, x->c.n_ranges, x->a->container_id, x->a->ifname, &x->addr, &ri);
    if (r < 0)
        return r;
    x->ip = true;
    x->range = &x->c.ranges[ri];
    if ((r = add_bridge(x)) < 0 || (r = add_veth(x)) < 0 || (r = add_inside(x)) < 0)
        return r;
    /* NAT: masquerading and port mappings, one transaction. */
    x->nat_entry = (struct ctr__nat_entry){ .addr = x->addr, .subnet = x->range->subnet, .prefix = x->range->prefix,
                                            .masquerade = x->c.ipmasq, .ports = x->ports, .n_ports = x->n_ports };
    if (x->c.ipmasq || x->n_ports) {
        if ((r = ctr__nat_add(&x->nat_entry)) < 0)
            return r;
        x->nat = true;
    }
    return 0;
}

int ctr__native_add(const struct ctr__cni_net *net, const struct ctr__cni_args *a, json_object **ret_result)
{
    if (!net || !a || isempty(a->container_id) || isempty(a->ifname) || !ret_result)
        return ctr__err(-EINVAL, "native network ADD: invalid argument");
    int64_t t0 = mono_us();
    _cleanup_(add_done) struct add x = { .net = net, .a = a, .ns_fd = -1, .host_fd = -1, .ctr_fd = -1 };
    int r = add_open(&x);
    if (r < 0)
        return r;
    if ((r = add_steps(&x)) < 0) {
        char msg[1536];
        snprintf(msg, sizeof msg, "%s", ctr_error_last()->message);
        add_undo(&x);
        return ctr__err(r == -ENOMEM || r == -EINVAL ? r : -EIO, "network %s: native bridge (ADD): %s", net->name,
                        msg);
    }
    char hm[32], cm[32];
    mac_format(x.host_mac, hm, sizeof hm);
    mac_format(x.mac, cm, sizeof cm);
    json_object *res = build_result(&x.c, x.veth_name, hm, a->ifname, cm, a->netns, x.addr, x.range);
    if (!res)
        return ctr__oom("native network result");
    if (a->log)
        ctr__log(a->log, CTR_LOG_DEBUG, "network %s: native ADD (%s) took %lld us", net->name, a->ifname,
                 (long long)(mono_us() - t0));
    x.ip = x.veth = x.nat = false; /* kept */
    *ret_result = res;
    return 0;
}

/* ---- DEL ---- */

/* The container address and the host end of the pair from a result. */
static void from_result(json_object *res, const char *ifname, uint32_t *ret_addr, char *veth, size_t veth_size)
{
    json_object *ips, *ifs;
    if (!res)
        return;
    if (json_object_object_get_ex(res, "ips", &ips) && json_object_is_type(ips, json_type_array))
        for (size_t i = 0; i < json_object_array_length(ips) && !*ret_addr; i++) {
            const char *s = ctr__json_str(json_object_array_get_idx(ips, i), "address");
            unsigned p;
            if (s)
                parse_v4_cidr(s, ret_addr, &p);
        }
    if (json_object_object_get_ex(res, "interfaces", &ifs) && json_object_is_type(ifs, json_type_array))
        for (size_t i = 0; i < json_object_array_length(ifs); i++) {
            json_object *e = json_object_array_get_idx(ifs, i);
            const char *name = ctr__json_str(e, "name");
            if (name && !json_object_object_get_ex(e, "sandbox", NULL) && strncmp(name, "veth", 4) == 0 &&
                strlen(name) < veth_size)
                snprintf(veth, veth_size, "%s", name);
        }
    (void)ifname;
}

/* DEL's interface removal: inside when the namespace is there (the pair
 * goes with it), else the host end in case the namespace still lives (a
 * path that cannot be entered any more, say, a file left after its unmount,
 * is a namespace gone: its interfaces go with it). */
struct link_job {
    const char *netns, *ifname;
    char veth[IFNAMSIZ];
    int r;
    char msg[512];
};

static void *link_job_run(void *userdata)
{
    struct link_job *j = userdata;
    bool gone = false;
    j->r = 0;
    if (!isempty(j->netns)) {
        _cleanup_close_ int ns_fd = open(j->netns, O_RDONLY | O_CLOEXEC);
        int fd = ns_fd >= 0 ? ctr__nl_open(ns_fd) : -EBADF;
        if (fd >= 0) {
            int r = ctr__nl_link_del(fd, j->ifname);
            close(fd);
            if (r == 0 || r == -ENODEV)
                gone = true;
            else {
                j->r = r;
                snprintf(j->msg, sizeof j->msg, "deleting %s: %s", j->ifname, strerror(-r));
            }
        }
    }
    if (!gone && j->veth[0]) {
        int fd = ctr__nl_open(-1);
        int r = fd < 0 ? fd : ctr__nl_link_del(fd, j->veth);
        if (fd >= 0)
            close(fd);
        if (r < 0 && r != -ENODEV && j->r == 0) {
            j->r = r;
            snprintf(j->msg, sizeof j->msg, "deleting %s: %s", j->veth, strerror(-r));
        }
    }
    return NULL;
}

int ctr__native_del(const struct ctr__cni_net *net, const struct ctr__cni_args *a, json_object *prev_result)
{
    if (!net || !a || isempty(a->container_id) || isempty(a->ifname))
        return ctr__err(-EINVAL, "native network DEL: invalid argument");
    struct nconf c;
    if (nconf_parse(net, &c) < 0)
        return ctr__err(-EINVAL, "network %s: not a native network", net->name);
    int64_t t0 = mono_us();
    int first = 0;
    char msg[1536] = "";
#define KEEP(r)                                                                                       \
    do {                                                                                              \
        int keep_ = (r); /* once: r may be a call */                                                  \
        if (keep_ < 0 && first == 0) {                                                                \
            first = keep_;                                                                            \
            snprintf(msg, sizeof msg, "%s", ctr_error_last()->message);                               \
        }                                                                                             \
    } while (0)

    uint32_t addr = 0;
    char veth[IFNAMSIZ] = "";
    from_result(prev_result, a->ifname, &addr, veth, sizeof veth);

    /* The interface, in a thread of its own: deleting a link waits for an
     * RCU grace period (~20 ms), as long as nft's transaction below. */
    struct link_job lj = { .netns = a->netns, .ifname = a->ifname };
    snprintf(lj.veth, sizeof lj.veth, "%s", veth);
    pthread_t lt;
    bool threaded = pthread_create(&lt, NULL, link_job_run, &lj) == 0;
    if (!threaded)
        link_job_run(&lj);

    /* The address goes once the interface is gone (no second holder of
     * it); without a result, its file tells it, released first then. */
    _cleanup_free_ char *dir = ctr__ipam_default_dir(net->name);
    bool released = false;
    if (!addr) {
        KEEP(dir ? ctr__ipam_release(dir, a->container_id, a->ifname, &addr) : ctr__oom("the IPAM directory"));
        released = true;
    }

    /* NAT elements: rebuilt from the same inputs as at ADD. */
    if (addr) {
        _cleanup_free_ struct ctr__nat_port *ports = NULL;
        size_t n_ports = 0;
        int r = c.portmap ? ports_parse(net->name, a->runtime_config, &ports, &n_ports) : 0;
        KEEP(r);
        const struct ctr__ipam_range *range = NULL;
        for (size_t i = 0; i < c.n_ranges && !range; i++)
            if ((addr & (c.ranges[i].prefix ? ~0u << (32 - c.ranges[i].prefix) : 0)) == c.ranges[i].subnet)
                range = &c.ranges[i];
        struct ctr__nat_entry e = { .addr = addr, .subnet = range ? range->subnet : addr, .prefix = range ? range->prefix : 32,
                                    .masquerade = c.ipmasq, .ports = ports, .n_ports = r == 0 ? n_ports : 0 };
        if (c.ipmasq || e.n_ports)
            KEEP(ctr__nat_del(&e));
    }

    if (threaded)
        pthread_join(lt, NULL);
    if (lj.r < 0 && first == 0) {
        first = lj.r;
        snprintf(msg, sizeof msg, "%s", lj.msg);
    }
    if (!released)
        KEEP(dir ? ctr__ipam_release(dir, a->container_id, a->ifname, NULL) : ctr__oom("the IPAM directory"));
#undef KEEP
    if (a->log)
        ctr__log(a->log, CTR_LOG_DEBUG, "network %s: native DEL (%s) took %lld us", net->name, a->ifname,
                 (long long)(mono_us() - t0));
    if (first < 0)
        return ctr__err(first == -ENOMEM ? first : -EIO, "network %s: native bridge (DEL): %s", net->name, msg);
    return 0;
}
