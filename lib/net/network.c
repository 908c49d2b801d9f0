/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The public network API: bridge networks as CNI configuration lists in the
 * runtime's configuration directory, and a container's addresses. */
#include <arpa/inet.h>
#include <dirent.h>
#include <fcntl.h>
#include <libctr/ctr-network.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <sys/stat.h>

#include "container.h"
#include "container-struct.h"
#include "error.h"
#include "json-util.h"
#include "net/cidr.h"
#include "net/cni.h"
#include "net/err-save.h"
#include "net/ipam.h"
#include "net/nat.h"
#include "net/native.h"
#include "net/net.h"
#include "net/netns.h"

/* ---- addresses ---- */

static size_t cidr_len(const struct ctr__cidr *c)
{
    return c->family == AF_INET ? 4 : 16;
}

/* A subnet "A.B.C.D/N": the address is masked to the network's. */
static int subnet_parse(const char *s, struct ctr__cidr *ret)
{
    int r = ctr__cidr_parse(s, ret);
    if (r == 0)
        ctr__cidr_mask(ret);
    return r;
}

/* ---- reading a network's configuration ---- */

struct net_info {
    const char *bridge;       /* the bridge plugin's interface, or NULL */
    json_object *ipam;        /* the first plugin's "ipam", or NULL */
    const char *driver;       /* the first plugin's type */
    bool ipmasq, is_gateway;
};

static bool bool_member(json_object *o, const char *key)
{
    json_object *v;
    return o && json_object_object_get_ex(o, key, &v) && json_object_get_boolean(v);
}

static json_object *plugins_of(const struct ctr__cni_net *net)
{
    json_object *p = NULL;
    json_object_object_get_ex(net->conf, "plugins", &p);
    return p;
}

static void net_info(const struct ctr__cni_net *net, struct net_info *ret)
{
    memset(ret, 0, sizeof *ret);
    json_object *plugins = plugins_of(net);
    for (size_t i = 0; i < net->n_plugins; i++) {
        json_object *p = json_object_array_get_idx(plugins, i), *ipam;
        const char *type = ctr__json_str(p, "type");
        if (i == 0)
            ret->driver = type;
        if (type && streq(type, "bridge") && !ret->bridge) {
            ret->bridge = ctr__json_str(p, "bridge");
            if (!ret->bridge)
                ret->bridge = "cni0"; /* the bridge plugin's default */
            ret->ipmasq = bool_member(p, "ipMasq");
            ret->is_gateway = bool_member(p, "isGateway");
        }
        if (!ret->ipam && json_object_object_get_ex(p, "ipam", &ipam) && json_object_is_type(ipam, json_type_object))
            ret->ipam = ipam;
    }
}

/* Call fn for each subnet (and its gateway, may be NULL) of a network's
 * host-local IPAM: "ranges": [[{"subnet","gateway"}]] or the old "subnet". */
static void for_each_subnet(const struct ctr__cni_net *net, void (*fn)(const char *subnet, const char *gateway, void *u),
                            void *userdata)
{
    struct net_info info;
    net_info(net, &info);
    if (!info.ipam)
        return;
    json_object *ranges;
    if (json_object_object_get_ex(info.ipam, "ranges", &ranges) && json_object_is_type(ranges, json_type_array)) {
        for (size_t i = 0; i < json_object_array_length(ranges); i++) {
            json_object *set = json_object_array_get_idx(ranges, i);
            if (!json_object_is_type(set, json_type_array))
                continue;
            for (size_t k = 0; k < json_object_array_length(set); k++) {
                json_object *r = json_object_array_get_idx(set, k);
                if (ctr__json_str(r, "subnet"))
                    fn(ctr__json_str(r, "subnet"), ctr__json_str(r, "gateway"), userdata);
            }
        }
    }
    if (ctr__json_str(info.ipam, "subnet"))
        fn(ctr__json_str(info.ipam, "subnet"), ctr__json_str(info.ipam, "gateway"), userdata);
}

/* ---- creating ---- */

static bool valid_bridge(const char *s)
{
    if (isempty(s) || strlen(s) > 15 || streq(s, ".") || streq(s, ".."))
        return false;
    for (const char *p = s; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '_' ||
              *p == '.' || *p == '-'))
            return false;
    return true;
}

struct overlap_check {
    const struct ctr__cidr *want;
    const char *found;   /* the overlapping subnet, when found */
    char buf[64];
};

static void check_subnet(const char *subnet, const char *gateway, void *userdata)
{
    struct overlap_check *o = userdata;
    struct ctr__cidr c;
    if (!o->found && subnet_parse(subnet, &c) == 0 && ctr__cidr_overlap(&c, o->want)) {
        snprintf(o->buf, sizeof o->buf, "%s", subnet);
        o->found = o->buf;
    }
}

/* The existing networks (all of the directory). */
struct netlist {
    struct ctr__cni_net **v;
    size_t n;
};

static void netlist_done(struct netlist *l)
{
    ctr__cni_net_list_free(l->v, l->n);
    memset(l, 0, sizeof *l);
}

static int netlist_load(ctr_runtime_t *rt, struct netlist *l)
{
    _cleanup_strv_ char **skipped = NULL;
    int r = ctr__cni_net_list(ctr__runtime_settings(rt)->cni_config_dir, &l->v, &l->n, &skipped);
    if (r < 0)
        return r;
    for (char **s = skipped; s && *s; s++)
        ctr__rt_log(rt, CTR_LOG_WARNING, "skipping the CNI configuration %s: it does not parse", *s);
    return 0;
}

static const struct ctr__cni_net *netlist_bridge_user(const struct netlist *l, const char *bridge)
{
    for (size_t i = 0; i < l->n; i++) {
        struct net_info info;
        net_info(l->v[i], &info);
        if (info.bridge && streq(info.bridge, bridge))
            return l->v[i];
    }
    return NULL;
}

/* Where subnets are picked from when none is given: count networks of
 * the prefix's size, one after the other from base (IPv4, host order). */
struct subnet_pool {
    uint32_t base;
    unsigned prefix, count;
    const char *range; /* for messages */
};
/* The default network: a /16 as podman's, the first one free. */
static const struct subnet_pool default_pool = { 0x0a5a0000, 16, 10, "10.90.0.0/16 to 10.99.0.0/16" };
static const struct subnet_pool network_pool = { 0x0a590000, 24, 256, "10.89.0.0/16" };

/* A free subnet: the first of the pool no network and no host interface uses
 * (podman picks its next subnet the same way). */
static int pick_subnet(const struct netlist *l, const struct subnet_pool *pool, struct ctr__cidr *ret)
{
    for (unsigned n = 0; n < pool->count; n++) {
        uint32_t be = htonl(pool->base + (n << (32 - pool->prefix)));
        struct ctr__cidr c = { .family = AF_INET, .prefix = pool->prefix };
        memcpy(c.addr, &be, 4);
        char ifname[IFNAMSIZ], net[64];
        struct overlap_check o = { .want = &c };
        for (size_t i = 0; i < l->n && !o.found; i++)
            for_each_subnet(l->v[i], check_subnet, &o);
        if (!o.found && ctr__host_overlap(&c, NULL, ifname, net, sizeof net) == 0) {
            *ret = c;
            return 0;
        }
    }
    return ctr__err(-EEXIST, "no free subnet in %s: give one (ctrctl network create --subnet)", pool->range);
}

/* A bridge name that no network uses and no host interface has: PREFIXn
 * from n = first. */
static int pick_bridge(const struct netlist *l, unsigned first, char *buf, size_t size)
{
    for (unsigned n = first; n < 10000; n++) {
        snprintf(buf, size, "libctr%u", n);
        if (!netlist_bridge_user(l, buf) && !ctr__link_exists(buf))
            return 0;
    }
    return ctr__err(-EEXIST, "no free bridge name: give one");
}

static json_object *build_conflist(const char *name, const char *bridge, const struct ctr__cidr *subnet,
                                   const struct ctr__cidr *gateway, char *const *labels, uint64_t flags)
{
    char sn[64], gw[64];
    ctr__cidr_format(subnet, true, sn, sizeof sn);
    ctr__cidr_format(gateway, false, gw, sizeof gw);
    bool internal = flags & CTR_NETWORK_INTERNAL;
    _cleanup_json_ json_object *o = json_object_new_object();
    json_object *plugins = json_object_new_array(), *br = json_object_new_object(), *ipam = json_object_new_object(),
                *ranges = json_object_new_array(), *set = json_object_new_array(), *range = json_object_new_object(),
                *pm = json_object_new_object(), *caps = json_object_new_object();
    if (!o || !plugins || !br || !ipam || !ranges || !set || !range || !pm || !caps) {
        json_object *all[] = { plugins, br, ipam, ranges, set, range, pm, caps };
        for (size_t i = 0; i < ARRAY_SIZE(all); i++)
            if (all[i])
                json_object_put(all[i]);
        return NULL;
    }
    /* Assemble (ownership moves into the tree as each is added). */
    json_object_object_add(o, "cniVersion", json_object_new_string("1.0.0"));
    json_object_object_add(o, "name", json_object_new_string(name));
    json_object_object_add(o, "plugins", plugins);
    json_object_array_add(plugins, br);
    json_object_object_add(br, "type", json_object_new_string("bridge"));
    json_object_object_add(br, "bridge", json_object_new_string(bridge));
    json_object_object_add(br, "isGateway", json_object_new_boolean(!internal));
    json_object_object_add(br, "ipMasq", json_object_new_boolean(!internal && !(flags & CTR_NETWORK_NO_MASQUERADE)));
    json_object_object_add(br, "hairpinMode", json_object_new_boolean(1));
    json_object_object_add(br, "ipam", ipam);
    json_object_object_add(ipam, "type", json_object_new_string("host-local"));
    if (!internal) {
        json_object *routes = json_object_new_array(), *def = json_object_new_object();
        json_object_object_add(ipam, "routes", routes);
        json_object_array_add(routes, def);
        json_object_object_add(def, "dst", json_object_new_string(subnet->family == AF_INET ? "0.0.0.0/0" : "::/0"));
    }
    json_object_object_add(ipam, "ranges", ranges);
    json_object_array_add(ranges, set);
    json_object_array_add(set, range);
    json_object_object_add(range, "subnet", json_object_new_string(sn));
    json_object_object_add(range, "gateway", json_object_new_string(gw));
    json_object_array_add(plugins, pm);
    json_object_object_add(pm, "type", json_object_new_string("portmap"));
    json_object_object_add(pm, "capabilities", caps);
    json_object_object_add(caps, "portMappings", json_object_new_boolean(1));
    if (flags & CTR_NETWORK_FIREWALL) {
        json_object *fw = json_object_new_object();
        json_object_array_add(plugins, fw);
        json_object_object_add(fw, "type", json_object_new_string("firewall"));
    } else if (subnet->family == AF_INET) {
        /* libctr runs it in-process (native.c); the real plugins ignore the
         * key and can run the same file. */
        json_object *marker = json_object_new_object();
        json_object_object_add(o, CTR__NATIVE_KEY, marker);
        json_object_object_add(marker, "native", json_object_new_boolean(1));
    }
    if (labels && labels[0]) {
        json_object *args = json_object_new_object(), *pl = json_object_new_object();
        json_object_object_add(o, "args", args);
        json_object_object_add(args, "podman_labels", pl);
        for (char *const *l = labels; *l; l++) {
            const char *eq = strchr(*l, '=');
            char key[256];
            snprintf(key, sizeof key, "%.*s", (int)(eq - *l), *l);
            json_object_object_add(pl, key, json_object_new_string(eq + 1));
        }
    }
    return TAKE_PTR(o);
}

/* Write dir/NAME.conflist, never replacing a file: a temporary file, then
 * link() (fails with EEXIST), then unlink of the temporary. */
static int write_new_file(const char *dir, const char *name, const char *text, char **ret_path)
{
    int r = ctr__mkdir_p(dir, 0755);
    if (r < 0)
        return ctr__err(r, "cannot create %s: %s", dir, strerror(-r));
    _cleanup_free_ char *path = ctr__asprintf("%s/%s.conflist", dir, name);
    _cleanup_free_ char *tmp = ctr__asprintf("%s/.%s.conflist.tmp%d", dir, name, (int)getpid());
    if (!path || !tmp)
        return -ENOMEM;
    _cleanup_close_ int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
    if (fd < 0)
        return ctr__err(-errno, "cannot create %s: %m", tmp);
    r = ctr__write_all(fd, text, strlen(text));
    if (r == 0 && fsync(fd) < 0)
        r = -errno;
    if (r == 0 && link(tmp, path) < 0)
        r = -errno;
    unlink(tmp);
    if (r == -EEXIST)
        return ctr__err(-EEXIST, "%s already exists", path);
    if (r < 0)
        return ctr__err(r, "cannot write %s: %s", path, strerror(-r));
    ctr__fsync_dir(dir);
    if (ret_path)
        *ret_path = TAKE_PTR(path);
    return 0;
}

/* Network files are created and removed under the configuration
 * directory's cni.lock (the file podman's CNI backend locks as well), not
 * under the runtime lock: init writes the default network with the
 * container's lock held, and the runtime lock comes before a container's. */
static int netlock_acquire(ctr_runtime_t *rt, struct ctr__lock *l)
{
    int r = ctr__mkdir_p(ctr__runtime_settings(rt)->cni_config_dir, 0755);
    if (r < 0)
        return ctr__err(r, "cannot create %s: %s", ctr__runtime_settings(rt)->cni_config_dir, strerror(-r));
    _cleanup_free_ char *path = ctr__asprintf("%s/cni.lock", ctr__runtime_settings(rt)->cni_config_dir);
    if (!path)
        return -ENOMEM;
    if ((r = ctr__lock_init(l, path)) < 0)
        return r;
    if ((r = ctr__lock_acquire(l)) < 0)
        ctr__lock_done(l);
    return r;
}

static void netlock_release(struct ctr__lock *l)
{
    ctr__lock_release(l);
    ctr__lock_done(l);
}

static bool valid_label(const char *l)
{
    const char *eq = strchr(l, '=');
    return eq && eq != l && eq - l < 256;
}

/* Write network o, with the network lock held; without a bridge or subnet, free ones are picked (for
 * the default network, from libctr0 and the default pool). */
static int create_locked(ctr_runtime_t *rt, const ctr_network_options_t *o, bool is_default, char **ret_path)
{
    struct netlist l = { 0 };
    int r = netlist_load(rt, &l);
    if (r < 0)
        return r;
    for (size_t i = 0; i < l.n && r == 0; i++)
        if (streq(l.v[i]->name, o->name))
            r = ctr__err(-EEXIST, "network %s already exists (%s)", o->name, l.v[i]->path);

    char bridge[32];
    if (r == 0 && o->bridge) {
        const struct ctr__cni_net *user = netlist_bridge_user(&l, o->bridge);
        if (user)
            r = ctr__err(-EEXIST, "bridge %s is used by network %s", o->bridge, user->name);
        snprintf(bridge, sizeof bridge, "%s", o->bridge);
    } else if (r == 0) {
        r = pick_bridge(&l, is_default ? 0 : 1, bridge, sizeof bridge);
    }

    struct ctr__cidr subnet, gateway;
    if (r == 0 && o->subnet) {
        if (subnet_parse(o->subnet, &subnet) < 0)
            r = ctr__err(-EINVAL, "invalid subnet \"%s\": use ADDRESS/PREFIX", o->subnet);
        else if (subnet.prefix > (subnet.family == AF_INET ? 30u : 126u))
            r = ctr__err(-EINVAL, "subnet %s is too small", o->subnet);
        struct overlap_check oc = { .want = &subnet };
        for (size_t i = 0; r == 0 && i < l.n && !oc.found; i++) {
            for_each_subnet(l.v[i], check_subnet, &oc);
            if (oc.found)
                r = ctr__err(-EEXIST, "subnet %s overlaps %s of network %s", o->subnet, oc.found, l.v[i]->name);
        }
        char ifname[IFNAMSIZ], net[64];
        if (r == 0 && ctr__host_overlap(&subnet, NULL, ifname, net, sizeof net) > 0)
            r = ctr__err(-EEXIST, "subnet %s overlaps %s of host interface %s: choose another subnet "
                         "(ctrctl network create --subnet)", o->subnet, net, ifname);
    } else if (r == 0) {
        r = pick_subnet(&l, is_default ? &default_pool : &network_pool, &subnet);
    }
    if (r == 0 && o->gateway) {
        if (ctr__addr_parse(o->gateway, &gateway) < 0)
            r = ctr__err(-EINVAL, "invalid gateway \"%s\"", o->gateway);
        else if (gateway.family != subnet.family || !ctr__same_prefix(gateway.addr, subnet.addr, subnet.prefix))
            r = ctr__err(-EINVAL, "gateway %s is not in the subnet", o->gateway);
    } else if (r == 0) {
        gateway = subnet;
        gateway.prefix = subnet.family == AF_INET ? 32 : 128;
        for (size_t k = cidr_len(&gateway); k-- > 0;) /* network address + 1 */
            if (++gateway.addr[k] != 0)
                break;
    }
    netlist_done(&l);
    if (r < 0)
        return r;

    _cleanup_strv_ char **labels = ctr__strv_copy(o->labels);
    if (!labels)
        return -ENOMEM;
    _cleanup_json_ json_object *conf = build_conflist(o->name, bridge, &subnet, &gateway, labels, o->flags);
    if (!conf)
        return -ENOMEM;
    const char *text = json_object_to_json_string_ext(conf, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
                                                                JSON_C_TO_STRING_NOSLASHESCAPE);
    if (!text)
        return -ENOMEM;
    return write_new_file(ctr__runtime_settings(rt)->cni_config_dir, o->name, text, ret_path);
}

static int check_options(const ctr_network_options_t *o)
{
    if (o->version < 1 || o->version > CTR_NETWORK_OPTIONS_VERSION)
        return ctr__err(-EINVAL, "network options version %u is not supported (1..%d)", o->version,
                        CTR_NETWORK_OPTIONS_VERSION);
    if (o->flags & ~(uint64_t)(CTR_NETWORK_INTERNAL | CTR_NETWORK_NO_MASQUERADE | CTR_NETWORK_FIREWALL))
        return ctr__err(-EINVAL, "unknown network flags 0x%llx", (unsigned long long)o->flags);
    /* The name is checked the way configuration files are. */
    _cleanup_free_ char *probe = ctr__asprintf("{\"cniVersion\":\"1.0.0\",\"name\":\"%s\",\"type\":\"bridge\"}",
                                               o->name ? o->name : "");
    struct ctr__cni_net *n = NULL;
    if (!probe)
        return -ENOMEM;
    if (isempty(o->name) || strchr(o->name, '"') || strchr(o->name, '\\') || ctr__cni_net_parse(probe, NULL, &n) < 0)
        return ctr__err(-EINVAL, "invalid network name \"%s\": use letters, digits and _.- (200 at most)",
                        o->name ? o->name : "");
    ctr__cni_net_free(n);
    if (o->driver && !streq(o->driver, "bridge"))
        return ctr__err(-EINVAL, "unsupported network driver \"%s\" (bridge)", o->driver);
    if (o->bridge && !valid_bridge(o->bridge))
        return ctr__err(-EINVAL, "invalid bridge name \"%s\": at most 15 letters, digits or _.-", o->bridge);
    for (const char *const *l = o->labels; l && *l; l++)
        if (!valid_label(*l))
            return ctr__err(-EINVAL, "invalid label \"%s\": use KEY=VALUE", *l);
    return 0;
}

CTR_EXPORT int ctr_network_options_init(ctr_network_options_t *opts, unsigned int version)
{
    CTR_ENTER();
    CTR_CHECK_ARG(opts);
    if (version < 1 || version > CTR_NETWORK_OPTIONS_VERSION)
        return ctr__err(-EINVAL, "network options version %u is not supported (1..%d)", version,
                        CTR_NETWORK_OPTIONS_VERSION);
    memset(opts, 0, sizeof *opts);
    opts->version = version;
    return 0;
}

CTR_EXPORT int ctr_network_create(ctr_runtime_t *rt, const ctr_network_options_t *opts, char **ret_path)
{
    CTR_ENTER();
    CTR_CHECK_ARG(rt);
    CTR_CHECK_ARG(opts);
    int r = check_options(opts);
    if (r < 0)
        return r;
    struct ctr__lock l;
    if ((r = netlock_acquire(rt, &l)) < 0)
        return r;
    r = create_locked(rt, opts, false, ret_path);
    netlock_release(&l);
    return r;
}

int ctr__network_default(ctr_runtime_t *rt, struct ctr__cni_net **ret)
{
    int r = ctr__cni_net_find(ctr__runtime_settings(rt)->cni_config_dir, ctr__runtime_settings(rt)->default_network, ret);
    if (r != -ENOENT)
        return r;
    ctr__err_clear();
    ctr_network_options_t o = CTR_NETWORK_OPTIONS_INIT;
    o.name = ctr__runtime_settings(rt)->default_network;
    o.bridge = ctr__runtime_settings(rt)->default_bridge;
    o.subnet = ctr__runtime_settings(rt)->default_subnet;
    if ((r = check_options(&o)) < 0)
        return ctr__err_prefix(r, "default network");
    struct ctr__lock lk;
    if ((r = netlock_acquire(rt, &lk)) < 0)
        return r;
    /* Another process may have written it meanwhile. */
    r = ctr__cni_net_find(ctr__runtime_settings(rt)->cni_config_dir, ctr__runtime_settings(rt)->default_network, ret);
    if (r == -ENOENT) {
        ctr__err_clear();
        r = create_locked(rt, &o, true, NULL);
        if (r == 0) {
            ctr__rt_log(rt, CTR_LOG_INFO, "wrote the default network %s in %s", o.name, ctr__runtime_settings(rt)->cni_config_dir);
            r = ctr__cni_net_find(ctr__runtime_settings(rt)->cni_config_dir, ctr__runtime_settings(rt)->default_network, ret);
        } else {
            ctr__err_prefix(r, "cannot write the default network %s (set the runtime's default_network, "
                               "default_bridge or default_subnet)", o.name);
        }
    }
    netlock_release(&lk);
    return r;
}

/* ---- list, inspect ---- */

CTR_EXPORT int ctr_network_list(ctr_runtime_t *rt, char ***ret)
{
    CTR_ENTER();
    CTR_CHECK_ARG(rt);
    CTR_CHECK_ARG(ret);
    struct netlist l = { 0 };
    int r = netlist_load(rt, &l);
    if (r < 0)
        return r;
    _cleanup_strv_ char **names = ctr__strv_copy(NULL);
    for (size_t i = 0; names && i < l.n; i++)
        if (ctr__strv_push(&names, l.v[i]->name) < 0) {
            ctr__strv_free(TAKE_PTR(names));
            break;
        }
    netlist_done(&l);
    if (!names)
        return -ENOMEM;
    *ret = TAKE_PTR(names);
    return 0;
}

static void add_subnet_json(const char *subnet, const char *gateway, void *userdata)
{
    json_object *arr = userdata, *s = json_object_new_object();
    if (!s || json_object_array_add(arr, s) < 0) {
        if (s)
            json_object_put(s);
        return;
    }
    ctr__json_add_str(s, "subnet", subnet);
    if (gateway)
        ctr__json_add_str(s, "gateway", gateway);
}

static void has_v6(const char *subnet, const char *gateway, void *userdata)
{
    if (strchr(subnet, ':'))
        *(bool *)userdata = true;
}

/* podman's CNI backend: the ID of a network is the SHA-256 of its name. */
static void network_id(const char *name, char out[65])
{
    unsigned char md[32];
    unsigned int len = 0;
    out[0] = '\0';
    if (EVP_Digest(name, strlen(name), md, &len, EVP_sha256(), NULL) != 1 || len != 32)
        return;
    for (int i = 0; i < 32; i++)
        snprintf(out + 2 * i, 3, "%02x", md[i]);
}

static json_object *inspect_json(const struct ctr__cni_net *net)
{
    struct net_info info;
    net_info(net, &info);
    _cleanup_json_ json_object *o = json_object_new_object();
    json_object *subnets = json_object_new_array(), *plugins = json_object_new_array();
    if (!o || !subnets || !plugins) {
        if (subnets)
            json_object_put(subnets);
        if (plugins)
            json_object_put(plugins);
        return NULL;
    }
    char id[65], created[64] = "0001-01-01T00:00:00Z";
    network_id(net->name, id);
    struct stat st;
    if (net->path && stat(net->path, &st) == 0)
        ctr__format_time((int64_t)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec, created, sizeof created);
    for_each_subnet(net, add_subnet_json, subnets);
    bool v6 = false;
    for_each_subnet(net, has_v6, &v6);
    json_object *list = plugins_of(net), *args, *labels = NULL;
    for (size_t i = 0; i < net->n_plugins; i++)
        json_object_array_add(plugins, json_object_new_string(ctr__json_str(json_object_array_get_idx(list, i), "type")));
    if (json_object_object_get_ex(net->conf, "args", &args) && json_object_object_get_ex(args, "podman_labels", &labels) &&
        !json_object_is_type(labels, json_type_object))
        labels = NULL;
    json_object *ipam = json_object_new_object();
    if (ipam && info.ipam && ctr__json_str(info.ipam, "type"))
        ctr__json_add_str(ipam, "driver", ctr__json_str(info.ipam, "type"));
    json_object_object_add(o, "name", json_object_new_string(net->name));
    json_object_object_add(o, "id", json_object_new_string(id));
    json_object_object_add(o, "driver", json_object_new_string(info.driver ? info.driver : ""));
    json_object_object_add(o, "network_interface", json_object_new_string(info.bridge ? info.bridge : ""));
    json_object_object_add(o, "created", json_object_new_string(created));
    json_object_object_add(o, "subnets", subnets);
    json_object_object_add(o, "ipv6_enabled", json_object_new_boolean(v6));
    json_object_object_add(o, "internal", json_object_new_boolean(info.bridge && !info.is_gateway));
    json_object_object_add(o, "dns_enabled", json_object_new_boolean(0));
    json_object_object_add(o, "labels", labels ? json_object_get(labels) : json_object_new_object());
    json_object_object_add(o, "options", json_object_new_object());
    json_object_object_add(o, "ipam_options", ipam);
    json_object_object_add(o, "cni_version", json_object_new_string(net->cni_version));
    json_object_object_add(o, "plugins", plugins);
    json_object_object_add(o, "path", json_object_new_string(net->path ? net->path : ""));
    return TAKE_PTR(o);
}

CTR_EXPORT int ctr_network_inspect(ctr_runtime_t *rt, const char *name, char **ret)
{
    CTR_ENTER();
    CTR_CHECK_ARG(rt);
    CTR_CHECK_ARG(name);
    CTR_CHECK_ARG(ret);
    struct ctr__cni_net *net = NULL;
    int r = ctr__cni_net_find(ctr__runtime_settings(rt)->cni_config_dir, name, &net);
    if (r < 0)
        return r;
    _cleanup_json_ json_object *o = inspect_json(net);
    ctr__cni_net_free(net);
    if (!o)
        return -ENOMEM;
    return ctr__json_to_string(o, ret);
}

/* ---- remove ---- */

/* Whether interfaces are attached to a bridge (somebody else's containers). */
static bool bridge_has_ports(const char *bridge)
{
    _cleanup_free_ char *dir = ctr__asprintf("/sys/class/net/%s/brif", bridge);
    if (!dir)
        return true;
    DIR *d = opendir(dir);
    if (!d)
        return false;
    bool ports = false;
    struct dirent *de;
    while (!ports && (de = readdir(d)))
        ports = de->d_name[0] != '.';
    closedir(d);
    return ports;
}

struct users {
    const char *name;
    const char *default_network;
};

static int uses_network(ctr_container_t *c, void *userdata)
{
    const struct users *u = userdata;
    const struct ctr__config *cfg = c->cfg;
    if (!(cfg->flags & CTR_CREATE_NETNS))
        return 0;
    if (!cfg->networks[0])
        return streq(u->name, u->default_network);
    return ctr__strv_contains((const char *const *)cfg->networks, u->name);
}

CTR_EXPORT int ctr_network_remove(ctr_runtime_t *rt, const char *name, uint64_t flags)
{
    CTR_ENTER();
    CTR_CHECK_ARG(rt);
    CTR_CHECK_ARG(name);
    if (flags & ~(uint64_t)CTR_NETWORK_REMOVE_FORCE)
        return ctr__err(-EINVAL, "unknown network remove flags 0x%llx", (unsigned long long)flags);
    struct ctr__cni_net *net = NULL;
    int r = ctr__cni_net_find(ctr__runtime_settings(rt)->cni_config_dir, name, &net);
    if (r < 0)
        return r;
    ctr__cni_net_free(net);

    struct users u = { .name = name, .default_network = ctr__runtime_settings(rt)->default_network };
    ctr_container_t **list = NULL;
    size_t n = 0;
    r = ctr_runtime_list(rt, uses_network, &u, &list, &n);
    if (r < 0)
        return r;
    if (n > 0 && !(flags & CTR_NETWORK_REMOVE_FORCE)) {
        const char *first = ctr_container_name(list[0]);
        r = ctr__err(-EBUSY, "network %s is used by %zu container%s (%s%s): remove %s first or force the removal",
                     name, n, n == 1 ? "" : "s", first, n > 1 ? ", ..." : "", n == 1 ? "it" : "them");
        ctr_container_list_free(list, n);
        return r;
    }
    for (size_t i = 0; i < n && r == 0; i++) {
        r = ctr_container_remove(list[i], CTR_REMOVE_FORCE);
        if (r == -ENOENT) /* removed meanwhile */
            r = 0;
    }
    ctr_container_list_free(list, n);
    if (r < 0)
        return ctr__err_prefix(r, "removing the containers of network %s", name);

    struct ctr__lock lk;
    if ((r = netlock_acquire(rt, &lk)) < 0)
        return r;
    struct netlist l = { 0 };
    r = netlist_load(rt, &l);
    const struct ctr__cni_net *victim = NULL;
    for (size_t i = 0; r == 0 && i < l.n; i++)
        if (streq(l.v[i]->name, name))
            victim = l.v[i];
    if (r == 0 && !victim)
        r = ctr__err(-ENOENT, "network %s not found in %s", name, ctr__runtime_settings(rt)->cni_config_dir);
    if (r == 0 && unlink(victim->path) < 0)
        r = ctr__err(-errno, "cannot remove %s: %m", victim->path);
    if (r == 0) {
        struct net_info info;
        net_info(victim, &info);
        bool shared = false;
        for (size_t i = 0; info.bridge && i < l.n; i++) {
            struct net_info other;
            net_info(l.v[i], &other);
            shared |= l.v[i] != victim && other.bridge && streq(other.bridge, info.bridge);
        }
        if (info.bridge && !shared && ctr__link_exists(info.bridge) && !bridge_has_ports(info.bridge)) {
            int k = ctr__link_delete(info.bridge);
            if (k < 0 && k != -ENODEV)
                ctr__rt_log(rt, CTR_LOG_WARNING, "network %s: %s", name, ctr_error_last()->message);
        }
        /* The last native network gone: libctr's nft table goes when no
         * container of any runtime has elements in it. */
        if (ctr__native_eligible(victim) && ctr__nat_remove_if_unused() < 0)
            ctr__rt_log(rt, CTR_LOG_WARNING, "network %s: %s", name, ctr_error_last()->message);
        /* host-local's reservations, when kept in its default place. */
        if (info.ipam && ctr__json_str(info.ipam, "type") && streq(ctr__json_str(info.ipam, "type"), "host-local") &&
            !ctr__json_str(info.ipam, "dataDir")) {
            _cleanup_free_ char *dir = ctr__ipam_default_dir(name);
            if (dir)
                ctr__rm_rf(dir);
        }
        ctr__err_clear();
    }
    netlist_done(&l);
    netlock_release(&lk);
    return r;
}

/* ---- a container's addresses ---- */

CTR_EXPORT int ctr_container_ip_address(ctr_container_t *c, const char *network, char **ret)
{
    CTR_ENTER();
    CTR_CHECK_ARG(c);
    CTR_CHECK_ARG(ret);
    int r = ctr__container_lock(c);
    if (r < 0)
        return r;
    _cleanup_json_ json_object *nets = NULL;
    char *found = NULL;
    if (c->st.networks_json && ctr__json_parse(c->st.networks_json, "networks", &nets) == 0 &&
        json_object_is_type(nets, json_type_object)) {
        const char *want = network;
        if (!want) { /* the first network: eth0 */
            json_object_object_foreach(nets, name, rec)
            {
                const char *ifname = ctr__json_str(rec, "interface");
                if (!want || (ifname && streq(ifname, "eth0")))
                    want = name;
            }
        }
        json_object *rec, *ips;
        const char *v4 = NULL, *v6 = NULL;
        if (want && json_object_object_get_ex(nets, want, &rec) && json_object_object_get_ex(rec, "ips", &ips) &&
            json_object_is_type(ips, json_type_array)) {
            for (size_t i = 0; i < json_object_array_length(ips); i++) {
                json_object *e = json_object_array_get_idx(ips, i), *v;
                const char *a = ctr__json_str(e, "address");
                bool is_v4 = json_object_object_get_ex(e, "version", &v) && json_object_get_int(v) == 4;
                if (a && is_v4 && !v4)
                    v4 = a;
                else if (a && !is_v4 && !v6)
                    v6 = a;
            }
        }
        if ((v4 || v6) && !(found = strdup(v4 ? v4 : v6)))
            r = -ENOMEM;
    }
    ctr__container_unlock(c);
    if (r < 0)
        return r;
    if (found) {
        *ret = found;
        return 0;
    }
    if (network)
        return ctr__err(-ENOENT, CTR_CFMT " has no address on network %s (not attached, or not set up: not created "
                                 "or running)", CTR_CARG(c), network);
    return ctr__err(-ENOENT, CTR_CFMT " has no network address (no network, or not set up: not created or running)",
                    CTR_CARG(c));
}

CTR_EXPORT int ctr_container_networks_json(ctr_container_t *c, char **ret)
{
    CTR_ENTER();
    CTR_CHECK_ARG(c);
    CTR_CHECK_ARG(ret);
    int r = ctr__container_lock(c);
    if (r < 0)
        return r;
    _cleanup_json_ json_object *settings = json_object_new_object();
    r = settings ? ctr__net_inspect(c, settings) : -ENOMEM;
    ctr__container_unlock(c);
    if (r < 0)
        return r;
    json_object *nets;
    if (!json_object_object_get_ex(settings, "Networks", &nets))
        return ctr__err(-EIO, "no Networks in the network settings");
    return ctr__json_to_string(nets, ret);
}
