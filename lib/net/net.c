/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The network layer's front: a container's network namespace and its CNI
 * networks, set up at init and torn down at cleanup (net.h).  It takes the
 * runtime's settings and the container's config and hands back what the
 * state records; container-net.c is the side that holds the container.
 *
 * Modes (chosen at create, exclusive):
 *  - CTR_CREATE_NETNS: libctr makes a namespace (RUNROOT/netns/ID), brings
 *    its loopback up, attaches it to the configured networks (or the
 *    default one) as eth0, eth1, ...
 *  - netns_path: the given namespace is joined as is;
 *  - CTR_CREATE_HOST_NETWORK: the host's namespace (the spec has none);
 *  - ns_ctr[CTR_NS_NET]: another container's (handled by the lifecycle);
 *  - none of these: the OCI runtime makes an empty namespace (runc brings
 *    its loopback up itself).
 */
#include "net/net.h"

#include <pthread.h>
#include <stdio.h>
#include <sys/stat.h>

#include "base/error.h"
#include "base/json-util.h"
#include "net/cni-result.h"
#include "net/cni.h"
#include "net/netns.h"
#include "net/network.h"

/* One network of one container: a job for a thread. */
struct job {
    const char *name;
    struct ctr__cni_net *net;      /* owned; NULL when its configuration is gone (DEL) */
    struct ctr__cni_args args;
    char ifname[24];
    json_object *result;           /* ADD: its result (owned); DEL: the recorded one (borrowed) */
    bool del;
    int r;
    char msg[2048];
};

static void *job_run(void *userdata)
{
    struct job *j = userdata;
    ctr__err_clear();
    if (j->del)
        j->r = ctr__cni_del(j->net, j->name, &j->args, j->result);
    else
        j->r = ctr__cni_add(j->net, &j->args, &j->result);
    if (j->r < 0)
        snprintf(j->msg, sizeof j->msg, "%s", ctr_error_last()->message);
    return NULL;
}

/* Run the jobs, the networks of a container side by side (each network's
 * plugins run in order). */
static void jobs_run(struct job *jobs, size_t n)
{
    if (n == 1) {
        job_run(&jobs[0]);
        return;
    }
    pthread_t *t = calloc(n, sizeof *t);
    bool *started = calloc(n, sizeof *started);
    for (size_t i = 0; i < n; i++)
        started[i] = t && started && pthread_create(&t[i], NULL, job_run, &jobs[i]) == 0;
    for (size_t i = 0; i < n; i++) {
        if (started && started[i])
            pthread_join(t[i], NULL);
        else
            job_run(&jobs[i]);
    }
    free(t);
    free(started);
}

static void jobs_free(struct job *jobs, size_t n)
{
    for (size_t i = 0; jobs && i < n; i++) {
        ctr__cni_net_free(jobs[i].net);
        if (!jobs[i].del && jobs[i].result)
            json_object_put(jobs[i].result);
    }
    free(jobs);
}

/* The networks of @cfg: its own, else the runtime's default one (put in
 * @dflt, which must live as long as the result). */
static const char *const *networks_of(const struct ctr__settings *s, const struct ctr__config *cfg, const char *dflt[2])
{
    if (cfg->networks[0])
        return (const char *const *)cfg->networks;
    dflt[0] = s->default_network;
    dflt[1] = NULL;
    return dflt;
}

static char *cache_dir(const struct ctr__settings *s)
{
    return ctr__asprintf("%s/cni/results", s->root);
}

static json_object *port_mappings_json(const struct ctr__config *cfg)
{
    _cleanup_json_ json_object *arr = json_object_new_array();
    for (size_t i = 0; arr && i < cfg->n_ports; i++) {
        const ctr_port_mapping_t *p = &cfg->ports[i];
        json_object *m = json_object_new_object();
        if (!m || json_object_array_add(arr, m) < 0 || ctr__json_add_int(m, "hostPort", p->host_port) < 0 ||
            ctr__json_add_int(m, "containerPort", p->container_port) < 0 ||
            ctr__json_add_str(m, "protocol", p->protocol ? p->protocol : "tcp") < 0 ||
            (!isempty(p->host_ip) && ctr__json_add_str(m, "hostIP", p->host_ip) < 0))
            return NULL;
    }
    return TAKE_PTR(arr);
}

/* ---- the state's networks document ---- */

/* One address of a plugin result, appended to @ips. */
static int ip_record(const struct ctr__cni_ip *ip, json_object *ips)
{
    _cleanup_json_ json_object *e = json_object_new_object();
    if (!e || ctr__json_add_str(e, "address", ip->address) < 0 || ctr__json_add_int(e, "prefixLen", ip->prefix) < 0 ||
        ctr__json_add_int(e, "version", ip->version) < 0 ||
        (ip->gateway[0] && ctr__json_add_str(e, "gateway", ip->gateway) < 0) || json_object_array_add(ips, e) < 0)
        return ctr__oom("network record");
    e = NULL; /* the array's now */
    return 0;
}

/* The container's MAC on @ifname: of the interface by that name in the
 * namespace, else of the first address's interface in it. */
static const char *result_mac(const struct ctr__cni_result *res, const char *ifname)
{
    for (size_t i = 0; i < res->n_interfaces; i++)
        if (res->interfaces[i].sandbox && streq(res->interfaces[i].name, ifname) && res->interfaces[i].mac[0])
            return res->interfaces[i].mac;
    for (size_t i = 0; i < res->n_ips; i++) {
        const struct ctr__cni_iface *iface = ctr__cni_result_iface(res, &res->ips[i]);
        if (iface && iface->sandbox && iface->mac[0])
            return iface->mac;
    }
    return NULL;
}

/* What a container's state records per network: its interface, addresses,
 * MAC and the plugin result (for DEL when the cache is gone). */
static int network_record(const char *ifname, json_object *result, json_object **ret)
{
    _cleanup_(ctr__cni_result_done) struct ctr__cni_result res = { 0 };
    int r = ctr__cni_result_from_json(result, &res);
    if (r < 0)
        return r;
    _cleanup_json_ json_object *o = json_object_new_object();
    if (!o || ctr__json_add_str(o, "interface", ifname) < 0)
        return ctr__oom("network record");
    json_object *ips = json_object_new_array();
    if (!ips || json_object_object_add(o, "ips", ips) < 0) {
        json_object_put(ips);
        return ctr__oom("network record");
    }
    for (size_t i = 0; i < res.n_ips; i++)
        if ((r = ip_record(&res.ips[i], ips)) < 0)
            return r;
    const char *mac = result_mac(&res, ifname);
    if ((mac && ctr__json_add_str(o, "mac", mac) < 0) || json_object_object_add(o, "result", json_object_get(result)) < 0)
        return ctr__oom("network record");
    *ret = TAKE_PTR(o);
    return 0;
}

struct addrs {
    const char *ip, *gw, *ip6, *gw6, *mac;
    int prefix, prefix6;
};

/* The first IPv4 and the first IPv6 address of a network's record (NULL
 * allowed: none), with their gateways and prefixes, and its MAC. */
static void addrs_of(json_object *rec, struct addrs *a)
{
    memset(a, 0, sizeof *a);
    json_object *ips, *v;
    if (!rec)
        return;
    if (json_object_object_get_ex(rec, "mac", &v) && json_object_is_type(v, json_type_string))
        a->mac = json_object_get_string(v);
    if (!json_object_object_get_ex(rec, "ips", &ips) || !json_object_is_type(ips, json_type_array))
        return;
    for (size_t i = 0; i < json_object_array_length(ips); i++) {
        json_object *e = json_object_array_get_idx(ips, i), *addr, *gw, *pl, *ver;
        if (!json_object_object_get_ex(e, "address", &addr))
            continue;
        bool v4 = json_object_object_get_ex(e, "version", &ver) && json_object_get_int(ver) == 4;
        bool has_gw = json_object_object_get_ex(e, "gateway", &gw);
        int prefix = json_object_object_get_ex(e, "prefixLen", &pl) ? json_object_get_int(pl) : 0;
        if (v4 && !a->ip) {
            a->ip = json_object_get_string(addr);
            a->gw = has_gw ? json_object_get_string(gw) : NULL;
            a->prefix = prefix;
        } else if (!v4 && !a->ip6) {
            a->ip6 = json_object_get_string(addr);
            a->gw6 = has_gw ? json_object_get_string(gw) : NULL;
            a->prefix6 = prefix;
        }
    }
}

/* The address of network @name in the document @nets (IPv4 preferred) into
 * @buf, "" when none. */
static void record_address(json_object *nets, const char *name, char buf[INET6_ADDRSTRLEN])
{
    json_object *rec = NULL;
    struct addrs a;
    addrs_of(name && json_object_object_get_ex(nets, name, &rec) ? rec : NULL, &a);
    snprintf(buf, INET6_ADDRSTRLEN, "%s", a.ip ? a.ip : a.ip6 ? a.ip6 : "");
}

int ctr__net_address(const char *networks_json, const char *network, char **ret)
{
    _cleanup_json_ json_object *nets = NULL;
    if (!networks_json || ctr__json_parse(networks_json, "networks", &nets) < 0 ||
        !json_object_is_type(nets, json_type_object)) {
        ctr__err_clear();
        *ret = NULL;
        return 0;
    }
    const char *want = network;
    if (!want) { /* the first network: eth0 */
        json_object_object_foreach(nets, name, rec)
        {
            const char *ifname = ctr__json_str(rec, "interface");
            if (!want || (ifname && streq(ifname, "eth0")))
                want = name;
        }
    }
    char ip[INET6_ADDRSTRLEN];
    record_address(nets, want, ip);
    char *copy = NULL;
    if (*ip && !(copy = strdup(ip)))
        return ctr__oom("network address");
    *ret = copy;
    return 0;
}

/* ---- release: DEL of what a state records ---- */

static void fill_args(struct job *j, const struct ctr__settings *s, const char *id, const char *netns,
                      const char *cache)
{
    j->args.container_id = id;
    j->args.netns = netns;
    j->args.ifname = j->ifname;
    j->args.plugin_path = s->cni_plugin_dir;
    j->args.cache_dir = cache;
    j->args.log = &s->log;
}

/* DEL each network of @nets (the state's document, an object) side by
 * side.  The first failure's code, its message in @msg; each logged. */
static int release_networks(const struct ctr__settings *s, const char *id, json_object *nets, const char *netns,
                            json_object *rc, char *msg, size_t msg_size)
{
    size_t n = (size_t)json_object_object_length(nets), k = 0;
    struct job *jobs = calloc(n, sizeof *jobs);
    _cleanup_free_ char *cache = cache_dir(s);
    if (!jobs || !cache) {
        free(jobs);
        int r = ctr__oom("network teardown");
        snprintf(msg, msg_size, "%s", ctr_error_last()->message);
        return r;
    }
    json_object_object_foreach(nets, name, rec)
    {
        struct job *j = &jobs[k++];
        json_object *v;
        j->del = true;
        j->name = name;
        snprintf(j->ifname, sizeof j->ifname, "eth%zu", k - 1);
        if (json_object_object_get_ex(rec, "interface", &v) && json_object_is_type(v, json_type_string))
            snprintf(j->ifname, sizeof j->ifname, "%s", json_object_get_string(v));
        if (json_object_object_get_ex(rec, "result", &v) && json_object_is_type(v, json_type_object))
            j->result = v;
        /* The configuration on disk is the fallback when the cache is gone. */
        if (ctr__cni_net_find(s->cni_config_dir, name, &j->net) < 0)
            j->net = NULL;
        fill_args(j, s, id, netns, cache);
        /* The port mappings, for a DEL without a cached entry. */
        j->args.runtime_config = k == 1 ? rc : NULL;
    }
    jobs_run(jobs, n);
    int first = 0;
    for (size_t i = 0; i < n; i++) {
        if (jobs[i].r >= 0)
            continue;
        if (first == 0) {
            first = jobs[i].r;
            snprintf(msg, msg_size, "%s", jobs[i].msg);
        }
        ctr__log(&s->log, CTR_LOG_WARNING, "tearing down network %s of container %.12s: %s", jobs[i].name, id,
                 jobs[i].msg);
    }
    jobs_free(jobs, n);
    return first;
}

static int release(const struct ctr__settings *s, const char *id, json_object *nets, const char *netns_path,
                   json_object *rc)
{
    struct ctr__err_saved saved;
    ctr__err_save(&saved);
    int first = 0;
    char msg[2048] = "";
    if (nets && json_object_is_type(nets, json_type_object) && json_object_object_length(nets) > 0) {
        struct stat st;
        const char *netns = netns_path && stat(netns_path, &st) == 0 ? netns_path : "";
        first = release_networks(s, id, nets, netns, rc, msg, sizeof msg);
    }
    int r = ctr__netns_remove(netns_path);
    if (r < 0)
        return r;
    if (first < 0)
        return ctr__err(first, "%s", msg);
    ctr__err_restore(&saved);
    return 0;
}

int ctr__net_release(const struct ctr__settings *s, const char *id, const char *networks_json, const char *netns_path)
{
    struct ctr__err_saved saved;
    ctr__err_save(&saved);
    _cleanup_json_ json_object *nets = NULL;
    if (networks_json && ctr__json_parse(networks_json, "recorded networks", &nets) < 0)
        ctr__err_restore(&saved); /* nothing to DEL: the namespace still goes */
    return release(s, id, nets, netns_path, NULL);
}

/* The networks a setup of @cfg attaches (the default one when it names
 * none), each with the interface it gets: eth0, eth1, ... */
static json_object *configured_networks(const struct ctr__settings *s, const struct ctr__config *cfg)
{
    const char *dflt[2];
    const char *const *names = networks_of(s, cfg, dflt);
    _cleanup_json_ json_object *nets = json_object_new_object();
    for (size_t i = 0; nets && names[i]; i++) {
        char ifname[24];
        snprintf(ifname, sizeof ifname, "eth%zu", i);
        json_object *rec = json_object_new_object();
        if (ctr__json_set(nets, names[i], rec) < 0 || ctr__json_add_str(rec, "interface", ifname) < 0)
            return NULL;
    }
    return TAKE_PTR(nets);
}

int ctr__net_release_config(const struct ctr__settings *s, const struct ctr__config *cfg)
{
    if (!(cfg->flags & CTR_CREATE_NETNS))
        return 0;
    _cleanup_free_ char *netns = ctr__asprintf("%s/netns/%s", s->run_root, cfg->id);
    _cleanup_json_ json_object *nets = configured_networks(s, cfg);
    _cleanup_json_ json_object *rc = json_object_new_object();
    if (!netns || !nets || !rc || ctr__json_set(rc, "portMappings", port_mappings_json(cfg)) < 0)
        return ctr__oom("network teardown");
    return release(s, cfg->id, nets, netns, rc);
}

/* ---- setup: ADD in the background while the OCI runtime creates ---- */

/* A setup whose ADD runs in a thread of its own, from ctr__net_setup() to
 * ctr__net_setup_wait() or ctr__net_pending_abort(); the caller's, which
 * holds the container's lock all along. */
struct ctr__net_pending {
    const struct ctr__settings *settings; /* lent: the runtime's */
    char *id, *name;                      /* the container's */
    char **networks;                      /* the jobs' names point here */
    pthread_t thread;
    bool threaded;
    struct job *jobs;
    size_t n;
    char *netns, *cache;
    json_object *rc;
};

static void *pending_run(void *userdata)
{
    struct ctr__net_pending *p = userdata;
    jobs_run(p->jobs, p->n);
    return NULL;
}

static void pending_join(struct ctr__net_pending *p)
{
    if (p->threaded)
        pthread_join(p->thread, NULL);
    p->threaded = false;
}

static void pending_freep(struct ctr__net_pending **pp)
{
    struct ctr__net_pending *p = *pp;
    if (!p)
        return;
    pending_join(p);
    jobs_free(p->jobs, p->n);
    free(p->id);
    free(p->name);
    ctr__strv_free(p->networks);
    free(p->netns);
    free(p->cache);
    json_object_put(p->rc);
    free(p);
}

/* DEL the networks that came up, remove the namespace. */
static void pending_undo(struct ctr__net_pending *p)
{
    for (size_t i = 0; i < p->n; i++) {
        struct job *j = &p->jobs[i];
        if (j->r < 0 || !j->result)
            continue;
        json_object *res = j->result;
        j->del = true;
        job_run(j);
        json_object_put(res);
        j->result = NULL;
    }
    ctr__netns_remove(p->netns);
}

void ctr__net_pending_abort(struct ctr__net_pending *p)
{
    if (!p)
        return;
    struct ctr__err_saved saved;
    ctr__err_save(&saved);
    pending_join(p);
    pending_undo(p);
    pending_freep(&p);
    ctr__err_restore(&saved);
}

const char *ctr__net_pending_netns(const struct ctr__net_pending *p)
{
    return p->netns;
}

/* A pending setup of @cfg's networks (the default one when it names none),
 * its configurations found (a missing network fails before anything is
 * made; the default network is written on first use). */
static int pending_new(const struct ctr__settings *s, const struct ctr__config *cfg, struct ctr__net_pending **ret)
{
    const char *dflt[2];
    _cleanup_(pending_freep) struct ctr__net_pending *p = calloc(1, sizeof *p);
    if (!p)
        return ctr__oom("network setup");
    p->settings = s;
    p->id = strdup(cfg->id);
    p->name = strdup(cfg->name);
    p->networks = ctr__strv_copy(networks_of(s, cfg, dflt));
    p->n = p->networks ? ctr__strv_len((const char *const *)p->networks) : 0;
    p->jobs = calloc(p->n, sizeof *p->jobs);
    p->cache = cache_dir(s);
    p->rc = json_object_new_object();
    _cleanup_json_ json_object *ports = port_mappings_json(cfg);
    if (!p->id || !p->name || !p->networks || !p->jobs || !p->cache || !p->rc || !ports ||
        (cfg->n_ports && json_object_object_add(p->rc, "portMappings", json_object_get(ports)) < 0))
        return ctr__oom("network setup");
    for (size_t i = 0; i < p->n; i++) {
        struct job *j = &p->jobs[i];
        j->name = p->networks[i];
        snprintf(j->ifname, sizeof j->ifname, "eth%zu", i);
        int r = streq(j->name, s->default_network) ? ctr__network_default(s, &j->net)
                                                   : ctr__cni_net_find(s->cni_config_dir, j->name, &j->net);
        if (r < 0)
            return ctr__err_prefix(r, "network of container %s", cfg->name);
    }
    *ret = TAKE_PTR(p);
    return 0;
}

int ctr__net_setup(const struct ctr__settings *s, const struct ctr__config *cfg, struct ctr__net_pending **ret)
{
    if (!(cfg->flags & CTR_CREATE_NETNS)) {
        *ret = NULL;
        return 0;
    }
    _cleanup_(pending_freep) struct ctr__net_pending *p = NULL;
    int r = pending_new(s, cfg, &p);
    if (r < 0)
        return r;
    _cleanup_free_ char *dir = ctr__asprintf("%s/netns", s->run_root);
    if (!dir)
        return ctr__oom("network namespace path");
    int64_t t0 = ctr__now_ns();
    if ((r = ctr__netns_create(dir, cfg->id, &p->netns)) < 0)
        return r;
    ctr__log(&s->log, CTR_LOG_DEBUG, "network namespace of %s made in %lld us", cfg->name,
             (long long)(ctr__now_ns() - t0) / 1000);
    for (size_t i = 0; i < p->n; i++) {
        fill_args(&p->jobs[i], s, p->id, p->netns, p->cache);
        /* Port mappings go to the first network only: two DNAT rules for
         * one host port would shadow each other. */
        p->jobs[i].args.runtime_config = i == 0 ? p->rc : NULL;
    }
    /* The plugins run while the caller generates the spec and the OCI
     * runtime creates the container (which joins the namespace but does
     * not touch its interfaces); ctr__net_setup_wait() joins them before
     * the container can start. */
    p->threaded = pthread_create(&p->thread, NULL, pending_run, p) == 0;
    if (!p->threaded)
        jobs_run(p->jobs, p->n);
    *ret = TAKE_PTR(p);
    return 0;
}

/* The first failure of the jobs, else the state's document and the first
 * network's address. */
static int pending_results(const struct ctr__net_pending *p, char **ret_json, char ret_ip[INET6_ADDRSTRLEN])
{
    for (size_t i = 0; i < p->n; i++)
        if (p->jobs[i].r < 0)
            return ctr__err(p->jobs[i].r, "%s", p->jobs[i].msg);
    _cleanup_json_ json_object *nets = json_object_new_object();
    if (!nets)
        return ctr__oom("networks record");
    for (size_t i = 0; i < p->n; i++) {
        _cleanup_json_ json_object *rec = NULL;
        int r = network_record(p->jobs[i].ifname, p->jobs[i].result, &rec);
        if (r < 0)
            return r;
        if (json_object_object_add(nets, p->jobs[i].name, rec) < 0)
            return ctr__oom("networks record");
        rec = NULL; /* the document's now */
    }
    int r = ctr__json_to_string(nets, ret_json);
    if (r < 0)
        return r;
    record_address(nets, p->jobs[0].name, ret_ip);
    return 0;
}

int ctr__net_setup_wait(struct ctr__net_pending *pending, char **ret_networks_json, char ret_ip[INET6_ADDRSTRLEN])
{
    _cleanup_(pending_freep) struct ctr__net_pending *p = pending;
    int64_t t0 = ctr__now_ns();
    pending_join(p);
    ctr__log(&p->settings->log, CTR_LOG_DEBUG, "networks of %s: waited %lld us for them", p->name,
             (long long)(ctr__now_ns() - t0) / 1000);
    _cleanup_free_ char *json = NULL;
    int r = pending_results(p, &json, ret_ip);
    if (r < 0) {
        struct ctr__err_saved saved;
        ctr__err_save(&saved);
        pending_undo(p);
        ctr__err_restore(&saved);
        return r;
    }
    *ret_networks_json = TAKE_PTR(json);
    return 0;
}

/* ---- inspect ---- */

static int put_addrs(json_object *o, const struct addrs *a)
{
    int r = 0;
    r |= ctr__json_add_str(o, "EndpointID", "");
    r |= ctr__json_add_str(o, "Gateway", a->gw ? a->gw : "");
    r |= ctr__json_add_str(o, "IPAddress", a->ip ? a->ip : "");
    r |= ctr__json_add_int(o, "IPPrefixLen", a->prefix);
    r |= ctr__json_add_str(o, "IPv6Gateway", a->gw6 ? a->gw6 : "");
    r |= ctr__json_add_str(o, "GlobalIPv6Address", a->ip6 ? a->ip6 : "");
    r |= ctr__json_add_int(o, "GlobalIPv6PrefixLen", a->prefix6);
    r |= ctr__json_add_str(o, "MacAddress", a->mac ? a->mac : "");
    return r ? ctr__oom("network settings") : 0;
}

/* One host binding of a port mapping, in the list of its "PORT/PROTO". */
static int add_binding(json_object *ports, const ctr_port_mapping_t *p)
{
    char key[32], hp[8];
    snprintf(key, sizeof key, "%u/%s", p->container_port, p->protocol ? p->protocol : "tcp");
    snprintf(hp, sizeof hp, "%u", p->host_port);
    json_object *arr = NULL;
    if (!json_object_object_get_ex(ports, key, &arr) || !arr) {
        _cleanup_json_ json_object *a = json_object_new_array();
        if (!a || json_object_object_add(ports, key, a) < 0)
            return ctr__oom("network settings");
        arr = TAKE_PTR(a);
    }
    _cleanup_json_ json_object *b = json_object_new_object();
    if (!b || ctr__json_add_str(b, "HostIp", p->host_ip ? p->host_ip : "") < 0 ||
        ctr__json_add_str(b, "HostPort", hp) < 0 || json_object_array_add(arr, b) < 0)
        return ctr__oom("network settings");
    b = NULL; /* the list's now */
    return 0;
}

static int add_ports(const struct ctr__config *cfg, json_object *settings)
{
    _cleanup_json_ json_object *ports = json_object_new_object();
    if (!ports)
        return ctr__oom("network settings");
    for (size_t i = 0; i < cfg->n_ports; i++) {
        int r = add_binding(ports, &cfg->ports[i]);
        if (r < 0)
            return r;
    }
    /* Exposed ports without a mapping are listed with null, as podman does. */
    for (char **e = cfg->exposed_ports; *e; e++)
        if (!json_object_object_get_ex(ports, *e, NULL) && json_object_object_add(ports, *e, NULL) < 0)
            return ctr__oom("network settings");
    if (json_object_object_add(settings, "Ports", ports) < 0)
        return ctr__oom("network settings");
    ports = NULL; /* the settings' now */
    return 0;
}

/* The entry of network @name (the @index-th) in "Networks", from its
 * record @rec (NULL: not set up); *ret_addrs its addresses. */
static int add_network(json_object *networks, const char *name, size_t index, json_object *rec, char *short_id,
                       struct addrs *ret_addrs)
{
    _cleanup_json_ json_object *n = json_object_new_object();
    if (!n)
        return ctr__oom("network settings");
    addrs_of(rec, ret_addrs);
    int r = put_addrs(n, ret_addrs);
    if (r < 0)
        return r;
    char ifname[24];
    snprintf(ifname, sizeof ifname, "eth%zu", index);
    json_object *v;
    if (rec && json_object_object_get_ex(rec, "interface", &v) && json_object_is_type(v, json_type_string))
        snprintf(ifname, sizeof ifname, "%s", json_object_get_string(v));
    char *const aliases[] = { short_id, NULL };
    if (ctr__json_add_str(n, "NetworkID", name) < 0 || json_object_object_add(n, "DriverOpts", NULL) < 0 ||
        json_object_object_add(n, "IPAMConfig", NULL) < 0 || json_object_object_add(n, "Links", NULL) < 0 ||
        ctr__json_add_strv(n, "Aliases", aliases) < 0 || ctr__json_add_str(n, "InterfaceName", ifname) < 0 ||
        json_object_object_add(networks, name, n) < 0)
        return ctr__oom("network settings");
    n = NULL; /* the list's now */
    return 0;
}

int ctr__net_inspect(const struct ctr__settings *s, const struct ctr__config *cfg, const char *networks_json,
                     const char *netns_path, json_object *settings)
{
    _cleanup_json_ json_object *state = NULL;
    if (networks_json &&
        (ctr__json_parse(networks_json, "networks", &state) < 0 || !json_object_is_type(state, json_type_object))) {
        ctr__err_clear();
        json_object_put(TAKE_PTR(state));
    }
    json_object *networks = json_object_new_object();
    if (!networks || json_object_object_add(settings, "Networks", networks) < 0) {
        json_object_put(networks);
        return ctr__oom("network settings");
    }
    const char *const default_networks[] = { s->default_network, NULL };
    const char *const *names = !(cfg->flags & CTR_CREATE_NETNS) ? ctr__strv_empty
                               : cfg->networks[0]               ? (const char *const *)cfg->networks
                                                                : default_networks;
    struct addrs first = { 0 };
    char short_id[13];
    snprintf(short_id, sizeof short_id, "%s", cfg->id);
    for (size_t i = 0; names[i]; i++) {
        json_object *rec = NULL;
        if (state)
            json_object_object_get_ex(state, names[i], &rec);
        struct addrs a;
        int r = add_network(networks, names[i], i, rec, short_id, &a);
        if (r < 0)
            return r;
        if (i == 0)
            first = a;
    }
    /* The legacy top-level fields: the first network's. */
    const char *key = netns_path ? netns_path : cfg->netns_path;
    if (put_addrs(settings, &first) < 0 || ctr__json_add_str(settings, "Bridge", "") < 0 ||
        ctr__json_add_str(settings, "SandboxID", "") < 0 || ctr__json_add_bool(settings, "HairpinMode", false) < 0 ||
        ctr__json_add_str(settings, "LinkLocalIPv6Address", "") < 0 ||
        ctr__json_add_int(settings, "LinkLocalIPv6PrefixLen", 0) < 0 ||
        ctr__json_add_str(settings, "SandboxKey", key ? key : "") < 0)
        return ctr__oom("network settings");
    return add_ports(cfg, settings);
}
