/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A runtime's networks: bridge networks as CNI configuration lists in its
 * configuration directory (network.h).  The public functions that take the
 * runtime handle are in network-api.c. */
#include "net/network.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <fcntl.h>
#include <libctr/ctr-network.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <sys/stat.h>

#include "base/error.h"
#include "base/json-util.h"
#include "base/lock.h"
#include "net/cidr.h"
#include "net/cni.h"
#include "net/ipam.h"
#include "net/nat.h"
#include "net/native.h"
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
    if (r < 0)
        return r;
    ctr__cidr_mask(ret);
    return 0;
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

static int netlist_load(const struct ctr__settings *s, struct netlist *l)
{
    _cleanup_strv_ char **skipped = NULL;
    int r = ctr__cni_net_list(s->cni_config_dir, &l->v, &l->n, &skipped);
    if (r < 0)
        return r;
    for (char **f = skipped; f && *f; f++)
        ctr__log(&s->log, CTR_LOG_WARNING, "skipping the CNI configuration %s: it does not parse", *f);
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

/* @text into a file without a name in @dir (O_TMPFILE: a caller killed
 * meanwhile leaves nothing; on a file system without it, a temporary name),
 * synced, then linked as @path, which link() never replaces (EEXIST). */
static int write_and_link(const char *dir, const char *name, const char *text, const char *path)
{
    char tmp[PATH_MAX] = "";
    _cleanup_close_ int fd = open(dir, O_TMPFILE | O_WRONLY | O_CLOEXEC, 0644);
    if (fd < 0 && (errno == EOPNOTSUPP || errno == EISDIR)) {
        snprintf(tmp, sizeof tmp, "%s/.%s.conflist.tmp%d", dir, name, (int)getpid());
        fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
    }
    if (fd < 0)
        return -errno;
    char proc[64];
    snprintf(proc, sizeof proc, "/proc/self/fd/%d", fd);
    int r = ctr__write_all(fd, text, strlen(text));
    if (r == 0 && (fchmod(fd, 0644) < 0 || fsync(fd) < 0 ||
                   linkat(AT_FDCWD, *tmp ? tmp : proc, AT_FDCWD, path, *tmp ? 0 : AT_SYMLINK_FOLLOW) < 0))
        r = -errno;
    if (*tmp)
        unlink(tmp);
    return r;
}

/* Write dir/NAME.conflist, never replacing a file. */
static int write_new_file(const char *dir, const char *name, const char *text, char **ret_path)
{
    int r = ctr__mkdir_p(dir, 0755);
    if (r < 0)
        return ctr__err(r, "cannot create %s: %s", dir, strerror(-r));
    _cleanup_free_ char *path = ctr__asprintf("%s/%s.conflist", dir, name);
    if (!path)
        return ctr__oom("network file path");
    r = write_and_link(dir, name, text, path);
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
struct netlock {
    struct ctr__lock lock;
    bool held;
};

static int netlock_acquire(const char *dir, struct netlock *l)
{
    int r = ctr__mkdir_p(dir, 0755);
    if (r < 0)
        return ctr__err(r, "cannot create %s: %s", dir, strerror(-r));
    _cleanup_free_ char *path = ctr__asprintf("%s/cni.lock", dir);
    if (!path)
        return ctr__oom("lock path");
    if ((r = ctr__lock_init(&l->lock, path)) < 0)
        return r;
    if ((r = ctr__lock_acquire(&l->lock)) < 0) {
        ctr__lock_done(&l->lock);
        return r;
    }
    l->held = true;
    return 0;
}

static void netlock_releasep(struct netlock *l)
{
    if (!l->held)
        return;
    ctr__lock_release(&l->lock);
    ctr__lock_done(&l->lock);
    l->held = false;
}

static bool valid_label(const char *l)
{
    const char *eq = strchr(l, '=');
    return eq && eq != l && eq - l < 256;
}

static void netlist_donep(struct netlist *l)
{
    netlist_done(l);
}

/* The bridge of a new network: the given one unless another network uses
 * it, else a free one (from libctr0 for the default network). */
static int choose_bridge(const struct netlist *l, const ctr_network_options_t *o, bool is_default, char *buf,
                         size_t size)
{
    if (!o->bridge)
        return pick_bridge(l, is_default ? 0 : 1, buf, size);
    const struct ctr__cni_net *user = netlist_bridge_user(l, o->bridge);
    if (user)
        return ctr__err(-EEXIST, "bridge %s is used by network %s", o->bridge, user->name);
    snprintf(buf, size, "%s", o->bridge);
    return 0;
}

/* The subnet of a new network: the given one unless it overlaps another
 * network's or a host interface's, else a free one of the pool. */
static int choose_subnet(const struct netlist *l, const ctr_network_options_t *o, bool is_default,
                         struct ctr__cidr *ret)
{
    if (!o->subnet)
        return pick_subnet(l, is_default ? &default_pool : &network_pool, ret);
    struct ctr__cidr subnet;
    if (subnet_parse(o->subnet, &subnet) < 0)
        return ctr__err(-EINVAL, "invalid subnet \"%s\": use ADDRESS/PREFIX", o->subnet);
    if (subnet.prefix > (subnet.family == AF_INET ? 30u : 126u))
        return ctr__err(-EINVAL, "subnet %s is too small", o->subnet);
    struct overlap_check oc = { .want = &subnet };
    for (size_t i = 0; i < l->n; i++) {
        for_each_subnet(l->v[i], check_subnet, &oc);
        if (oc.found)
            return ctr__err(-EEXIST, "subnet %s overlaps %s of network %s", o->subnet, oc.found, l->v[i]->name);
    }
    char ifname[IFNAMSIZ], net[64];
    if (ctr__host_overlap(&subnet, NULL, ifname, net, sizeof net) > 0)
        return ctr__err(-EEXIST, "subnet %s overlaps %s of host interface %s: choose another subnet "
                        "(ctrctl network create --subnet)", o->subnet, net, ifname);
    *ret = subnet;
    return 0;
}

/* The gateway: the given one, in the subnet, else the subnet's first address. */
static int choose_gateway(const ctr_network_options_t *o, const struct ctr__cidr *subnet, struct ctr__cidr *ret)
{
    if (o->gateway) {
        if (ctr__addr_parse(o->gateway, ret) < 0)
            return ctr__err(-EINVAL, "invalid gateway \"%s\"", o->gateway);
        if (ret->family != subnet->family || !ctr__same_prefix(ret->addr, subnet->addr, subnet->prefix))
            return ctr__err(-EINVAL, "gateway %s is not in the subnet", o->gateway);
        return 0;
    }
    *ret = *subnet;
    ret->prefix = subnet->family == AF_INET ? 32 : 128;
    for (size_t k = cidr_len(ret); k-- > 0;) /* network address + 1 */
        if (++ret->addr[k] != 0)
            break;
    return 0;
}

/* Write network o, with the network lock held; without a bridge or subnet, free ones are picked (for
 * the default network, from libctr0 and the default pool). */
static int create_locked(const struct ctr__settings *s, const ctr_network_options_t *o, bool is_default,
                         char **ret_path)
{
    char bridge[32];
    struct ctr__cidr subnet, gateway;
    {
        _cleanup_(netlist_donep) struct netlist l = { 0 };
        int r = netlist_load(s, &l);
        if (r < 0)
            return r;
        for (size_t i = 0; i < l.n; i++)
            if (streq(l.v[i]->name, o->name))
                return ctr__err(-EEXIST, "network %s already exists (%s)", o->name, l.v[i]->path);
        if ((r = choose_bridge(&l, o, is_default, bridge, sizeof bridge)) < 0 ||
            (r = choose_subnet(&l, o, is_default, &subnet)) < 0 || (r = choose_gateway(o, &subnet, &gateway)) < 0)
            return r;
    }
    _cleanup_strv_ char **labels = ctr__strv_copy(o->labels);
    if (!labels)
        return ctr__oom("network labels");
    _cleanup_json_ json_object *conf = build_conflist(o->name, bridge, &subnet, &gateway, labels, o->flags);
    if (!conf)
        return ctr__oom("network configuration");
    const char *text = json_object_to_json_string_ext(conf, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
                                                                JSON_C_TO_STRING_NOSLASHESCAPE);
    if (!text)
        return ctr__oom("network configuration");
    return write_new_file(s->cni_config_dir, o->name, text, ret_path);
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
        return ctr__oom("network name");
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

int ctr__network_create(const struct ctr__settings *s, const ctr_network_options_t *o, char **ret_path)
{
    int r = check_options(o);
    if (r < 0)
        return r;
    _cleanup_(netlock_releasep) struct netlock lk = { 0 };
    if ((r = netlock_acquire(s->cni_config_dir, &lk)) < 0)
        return r;
    return create_locked(s, o, false, ret_path);
}

/* The default network written under the lock, unless another process
 * wrote it meanwhile. */
static int default_locked(const struct ctr__settings *s, const ctr_network_options_t *o, struct ctr__cni_net **ret)
{
    int r = ctr__cni_net_find(s->cni_config_dir, o->name, ret);
    if (r != -ENOENT)
        return r;
    ctr__err_clear();
    if ((r = create_locked(s, o, true, NULL)) < 0)
        return ctr__err_prefix(r, "cannot write the default network %s (set the runtime's default_network, "
                               "default_bridge or default_subnet)", o->name);
    ctr__log(&s->log, CTR_LOG_INFO, "wrote the default network %s in %s", o->name, s->cni_config_dir);
    return ctr__cni_net_find(s->cni_config_dir, o->name, ret);
}

int ctr__network_default(const struct ctr__settings *s, struct ctr__cni_net **ret)
{
    int r = ctr__cni_net_find(s->cni_config_dir, s->default_network, ret);
    if (r != -ENOENT)
        return r;
    ctr__err_clear();
    ctr_network_options_t o = CTR_NETWORK_OPTIONS_INIT;
    o.name = s->default_network;
    o.bridge = s->default_bridge;
    o.subnet = s->default_subnet;
    if ((r = check_options(&o)) < 0)
        return ctr__err_prefix(r, "default network");
    _cleanup_(netlock_releasep) struct netlock lk = { 0 };
    if ((r = netlock_acquire(s->cni_config_dir, &lk)) < 0)
        return r;
    return default_locked(s, &o, ret);
}

/* ---- list, inspect ---- */

int ctr__network_list(const struct ctr__settings *s, char ***ret)
{
    _cleanup_(netlist_donep) struct netlist l = { 0 };
    int r = netlist_load(s, &l);
    if (r < 0)
        return r;
    _cleanup_strv_ char **names = ctr__strv_copy(NULL);
    if (!names)
        return ctr__oom("network names");
    for (size_t i = 0; i < l.n; i++)
        if (ctr__strv_push(&names, l.v[i]->name) < 0)
            return ctr__oom("network names");
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

int ctr__network_inspect(const struct ctr__settings *s, const char *name, char **ret)
{
    _cleanup_(ctr__cni_net_freep) struct ctr__cni_net *net = NULL;
    int r = ctr__cni_net_find(s->cni_config_dir, name, &net);
    if (r < 0)
        return r;
    _cleanup_json_ json_object *o = inspect_json(net);
    if (!o)
        return ctr__oom("network inspect document");
    return ctr__json_to_string(o, ret);
}

int ctr__network_exists(const struct ctr__settings *s, const char *name)
{
    _cleanup_(ctr__cni_net_freep) struct ctr__cni_net *net = NULL;
    return ctr__cni_net_find(s->cni_config_dir, name, &net);
}

bool ctr__network_used_by(const struct ctr__settings *s, const struct ctr__config *cfg, const char *name)
{
    if (!(cfg->flags & CTR_CREATE_NETNS))
        return false;
    if (!cfg->networks[0])
        return streq(name, s->default_network);
    return ctr__strv_contains((const char *const *)cfg->networks, name);
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

/* The bridge of a network being removed, unless another network names it
 * or interfaces are attached to it. */
static void remove_bridge(const struct ctr__settings *s, const struct netlist *l, const struct ctr__cni_net *victim,
                          const char *bridge)
{
    for (size_t i = 0; i < l->n; i++) {
        struct net_info other;
        net_info(l->v[i], &other);
        if (l->v[i] != victim && other.bridge && streq(other.bridge, bridge))
            return;
    }
    if (!ctr__link_exists(bridge) || bridge_has_ports(bridge))
        return;
    int r = ctr__link_delete(bridge);
    if (r < 0 && r != -ENODEV)
        ctr__log(&s->log, CTR_LOG_WARNING, "network %s: %s", victim->name, ctr_error_last()->message);
}

static int remove_locked(const struct ctr__settings *s, const char *name)
{
    _cleanup_(netlist_donep) struct netlist l = { 0 };
    int r = netlist_load(s, &l);
    if (r < 0)
        return r;
    const struct ctr__cni_net *victim = NULL;
    for (size_t i = 0; i < l.n && !victim; i++)
        if (streq(l.v[i]->name, name))
            victim = l.v[i];
    if (!victim)
        return ctr__err(-ENOENT, "network %s not found in %s", name, s->cni_config_dir);
    /* What the network made goes first and its configuration last: a remove
     * killed half way leaves a network that is still listed (and that a
     * second remove finishes), never a bridge or reservations that nothing
     * names any more. */
    struct net_info info;
    net_info(victim, &info);
    if (info.bridge)
        remove_bridge(s, &l, victim, info.bridge);
    /* host-local's reservations, when kept in its default place. */
    const char *ipam_type = info.ipam ? ctr__json_str(info.ipam, "type") : NULL;
    if (ipam_type && streq(ipam_type, "host-local") && !ctr__json_str(info.ipam, "dataDir")) {
        _cleanup_free_ char *dir = ctr__ipam_default_dir(name);
        if (dir)
            ctr__rm_rf(dir);
    }
    if (unlink(victim->path) < 0)
        return ctr__err(-errno, "cannot remove %s: %m", victim->path);
    /* The last native network gone: libctr's nft table goes when no
     * container of any runtime has elements in it. */
    if (ctr__native_eligible(victim) && ctr__nat_remove_if_unused() < 0)
        ctr__log(&s->log, CTR_LOG_WARNING, "network %s: %s", name, ctr_error_last()->message);
    ctr__err_clear();
    return 0;
}

int ctr__network_remove(const struct ctr__settings *s, const char *name)
{
    _cleanup_(netlock_releasep) struct netlock lk = { 0 };
    int r = netlock_acquire(s->cni_config_dir, &lk);
    if (r < 0)
        return r;
    return remove_locked(s, name);
}
