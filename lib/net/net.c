/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Networking hooks of the lifecycle: a container's network namespace and
 * its CNI networks, set up at init and torn down at cleanup.
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
#include <pthread.h>
#include <stdio.h>
#include <sys/stat.h>

#include "error.h"
#include "json-util.h"
#include "net/cni-result.h"
#include "net/cni.h"
#include "net/err-save.h"
#include "net/etc-files.h"
#include "net/net.h"
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

static char *cache_dir(ctr_runtime_t *rt)
{
    return ctr__asprintf("%s/cni/results", ctr__runtime_settings(rt)->root);
}

static char *netns_dir(ctr_runtime_t *rt)
{
    return ctr__asprintf("%s/netns", ctr__runtime_settings(rt)->run_root);
}

static json_object *port_mappings_json(const struct ctr__config *cfg)
{
    json_object *arr = json_object_new_array();
    for (size_t i = 0; arr && i < cfg->n_ports; i++) {
        const ctr_port_mapping_t *p = &cfg->ports[i];
        json_object *m = json_object_new_object();
        if (!m || json_object_array_add(arr, m) < 0 || ctr__json_add_int(m, "hostPort", p->host_port) < 0 ||
            ctr__json_add_int(m, "containerPort", p->container_port) < 0 ||
            ctr__json_add_str(m, "protocol", p->protocol ? p->protocol : "tcp") < 0 ||
            (!isempty(p->host_ip) && ctr__json_add_str(m, "hostIP", p->host_ip) < 0)) {
            json_object_put(arr);
            return NULL;
        }
    }
    return arr;
}

/* What a container's state records per network: its interface, addresses,
 * MAC and the plugin result (for DEL when the cache is gone). */
static int network_record(const char *ifname, json_object *result, json_object **ret)
{
    struct ctr__cni_result res = { 0 };
    int r = ctr__cni_result_from_json(result, &res);
    if (r < 0)
        return r;
    _cleanup_json_ json_object *o = json_object_new_object();
    json_object *ips = json_object_new_array();
    if (!o || !ips || json_object_object_add(o, "interface", json_object_new_string(ifname)) < 0 ||
        json_object_object_add(o, "ips", ips) < 0) {
        if (ips && (!o || json_object_object_get_ex(o, "ips", NULL) == 0))
            json_object_put(ips);
        ctr__cni_result_done(&res);
        return -ENOMEM;
    }
    const char *mac = NULL;
    for (size_t i = 0; i < res.n_interfaces; i++)
        if (res.interfaces[i].sandbox && streq(res.interfaces[i].name, ifname) && res.interfaces[i].mac[0])
            mac = res.interfaces[i].mac;
    for (size_t i = 0; i < res.n_ips; i++) {
        const struct ctr__cni_ip *ip = &res.ips[i];
        const struct ctr__cni_iface *iface = ctr__cni_result_iface(&res, ip);
        if (iface && iface->sandbox && !mac && iface->mac[0])
            mac = iface->mac;
        json_object *e = json_object_new_object();
        if (!e || json_object_array_add(ips, e) < 0 || ctr__json_add_str(e, "address", ip->address) < 0 ||
            ctr__json_add_int(e, "prefixLen", ip->prefix) < 0 || ctr__json_add_int(e, "version", ip->version) < 0 ||
            (ip->gateway[0] && ctr__json_add_str(e, "gateway", ip->gateway) < 0)) {
            if (e && json_object_array_length(ips) == 0)
                json_object_put(e);
            ctr__cni_result_done(&res);
            return -ENOMEM;
        }
    }
    r = mac ? ctr__json_add_str(o, "mac", mac) : 0;
    ctr__cni_result_done(&res);
    if (r < 0 || json_object_object_add(o, "result", json_object_get(result)) < 0)
        return -ENOMEM;
    *ret = TAKE_PTR(o);
    return 0;
}

/* The first address of the first network (IPv4 preferred), for /etc/hosts. */
static __thread char first_ip[48];

static const char *pick_ip(json_object *networks, const char *first_network)
{
    json_object *n, *ips;
    if (!json_object_object_get_ex(networks, first_network, &n) || !json_object_object_get_ex(n, "ips", &ips))
        return NULL;
    const char *v6 = NULL;
    for (size_t i = 0; i < json_object_array_length(ips); i++) {
        json_object *e = json_object_array_get_idx(ips, i), *a, *v;
        if (!json_object_object_get_ex(e, "address", &a) || !json_object_object_get_ex(e, "version", &v))
            continue;
        if (json_object_get_int(v) == 4) {
            snprintf(first_ip, sizeof first_ip, "%s", json_object_get_string(a));
            return first_ip;
        }
        if (!v6)
            v6 = json_object_get_string(a);
    }
    if (!v6)
        return NULL;
    snprintf(first_ip, sizeof first_ip, "%s", v6);
    return first_ip;
}

static void fill_args(struct job *j, ctr_runtime_t *rt, const char *id, const char *netns, const char *cache)
{
    j->args.container_id = id;
    j->args.netns = netns;
    j->args.ifname = j->ifname;
    j->args.plugin_path = ctr__runtime_settings(rt)->cni_plugin_dir;
    j->args.cache_dir = cache;
    j->args.log = &ctr__runtime_settings(rt)->log;
}

int ctr__net_release(ctr_runtime_t *rt, const char *id, const char *networks_json, const char *netns_path)
{
    struct ctr__err_saved saved;
    ctr__err_save(&saved);
    int first = 0;
    char msg[2048] = "";
    _cleanup_json_ json_object *nets = NULL;
    if (networks_json && ctr__json_parse(networks_json, "recorded networks", &nets) == 0 &&
        json_object_is_type(nets, json_type_object) && json_object_object_length(nets) > 0) {
        size_t n = (size_t)json_object_object_length(nets), k = 0;
        struct job *jobs = calloc(n, sizeof *jobs);
        _cleanup_free_ char *cache = cache_dir(rt);
        if (!jobs || !cache) {
            free(jobs);
            return -ENOMEM;
        }
        struct stat st;
        const char *netns = netns_path && stat(netns_path, &st) == 0 ? netns_path : "";
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
            if (ctr__cni_net_find(ctr__runtime_settings(rt)->cni_config_dir, name, &j->net) < 0)
                j->net = NULL;
            fill_args(j, rt, id, netns, cache);
        }
        jobs_run(jobs, n);
        for (size_t i = 0; i < n; i++) {
            if (jobs[i].r < 0 && first == 0) {
                first = jobs[i].r;
                snprintf(msg, sizeof msg, "%s", jobs[i].msg);
            }
            if (jobs[i].r < 0)
                ctr__rt_log(rt, CTR_LOG_WARNING, "tearing down network %s of container %.12s: %s", jobs[i].name, id,
                         jobs[i].msg);
        }
        jobs_free(jobs, n);
    }
    int r = ctr__netns_remove(netns_path);
    if (r < 0)
        return r;
    if (first < 0)
        return ctr__err(first, "%s", msg);
    ctr__err_restore(&saved);
    return 0;
}

/* ---- setup: ADD in the background while the OCI runtime creates ---- */

/* A setup whose ADD runs in a thread of its own, from ctr__net_setup() to
 * ctr__net_setup_wait() (or ctr__net_teardown() on an error path); the
 * container's lock is held all along, so one per container ID at most. */
struct pending {
    struct pending *next;
    char id[128];
    pthread_t thread;
    bool threaded;
    struct job *jobs;
    size_t n;
    char *netns, *cache;
    json_object *rc;
};

static pthread_mutex_t pending_mutex = PTHREAD_MUTEX_INITIALIZER;
static struct pending *pending_list;

static void *pending_run(void *userdata)
{
    struct pending *p = userdata;
    jobs_run(p->jobs, p->n);
    return NULL;
}

static struct pending *pending_take(const char *id)
{
    pthread_mutex_lock(&pending_mutex);
    struct pending **pp = &pending_list, *p = NULL;
    for (; *pp; pp = &(*pp)->next)
        if (streq((*pp)->id, id)) {
            p = *pp;
            *pp = p->next;
            break;
        }
    pthread_mutex_unlock(&pending_mutex);
    if (p && p->threaded)
        pthread_join(p->thread, NULL);
    return p;
}

static void pending_free(struct pending *p)
{
    if (!p)
        return;
    jobs_free(p->jobs, p->n);
    free(p->netns);
    free(p->cache);
    if (p->rc)
        json_object_put(p->rc);
    free(p);
}

/* DEL the networks that came up, remove the namespace. */
static void pending_undo(struct pending *p)
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

int ctr__net_setup(ctr_container_t *c, const char **ret_netns, const char **ret_ip)
{
    const struct ctr__config *cfg = c->cfg;
    ctr_runtime_t *rt = c->rt;
    *ret_netns = NULL;
    *ret_ip = NULL;
    if (cfg->netns_path) {
        *ret_netns = cfg->netns_path;
        return 0;
    }
    if (!(cfg->flags & CTR_CREATE_NETNS))
        return 0;
    /* Leftovers of an earlier run that was not cleaned up. */
    int r = ctr__net_teardown(c);
    if (r < 0)
        return r;

    const char *const default_networks[] = { ctr__runtime_settings(rt)->default_network, NULL };
    const char *const *names = cfg->networks[0] ? (const char *const *)cfg->networks : default_networks;
    struct pending *p = calloc(1, sizeof *p);
    if (!p)
        return -ENOMEM;
    snprintf(p->id, sizeof p->id, "%s", cfg->id);
    p->n = ctr__strv_len(names);
    p->jobs = calloc(p->n, sizeof *p->jobs);
    p->cache = cache_dir(rt);
    p->rc = json_object_new_object();
    _cleanup_free_ char *dir = netns_dir(rt);
    _cleanup_json_ json_object *ports = port_mappings_json(cfg);
    if (!p->jobs || !p->cache || !p->rc || !dir || !ports ||
        (cfg->n_ports && json_object_object_add(p->rc, "portMappings", json_object_get(ports)) < 0)) {
        pending_free(p);
        return -ENOMEM;
    }
    /* Configurations first: a missing network fails before anything is made. */
    for (size_t i = 0; i < p->n && r == 0; i++) {
        p->jobs[i].name = names[i];
        snprintf(p->jobs[i].ifname, sizeof p->jobs[i].ifname, "eth%zu", i);
        /* The default network is written on first use. */
        if (streq(names[i], ctr__runtime_settings(rt)->default_network))
            r = ctr__network_default(ctr__runtime_settings(rt), &p->jobs[i].net);
        else
            r = ctr__cni_net_find(ctr__runtime_settings(rt)->cni_config_dir, names[i], &p->jobs[i].net);
        if (r < 0)
            ctr__err_prefix(r, "network of " CTR_CFMT, CTR_CARG(c));
    }
    int64_t t0 = ctr__now_ns();
    if (r == 0)
        r = ctr__netns_create(dir, cfg->id, &p->netns);
    if (r == 0)
        ctr__rt_log(rt, CTR_LOG_DEBUG, "network namespace of %s made in %lld us", cfg->name,
                 (long long)(ctr__now_ns() - t0) / 1000);
    if (r == 0 && !(c->st.netns_path = strdup(p->netns))) {
        ctr__netns_remove(p->netns);
        r = -ENOMEM;
    }
    if (r < 0) {
        pending_free(p);
        return r;
    }
    for (size_t i = 0; i < p->n; i++) {
        fill_args(&p->jobs[i], rt, cfg->id, p->netns, p->cache);
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
    pthread_mutex_lock(&pending_mutex);
    p->next = pending_list;
    pending_list = p;
    pthread_mutex_unlock(&pending_mutex);
    *ret_netns = c->st.netns_path;
    return 0;
}

int ctr__net_setup_wait(ctr_container_t *c, const char *run_dir)
{
    int64_t t0 = ctr__now_ns();
    struct pending *p = pending_take(c->cfg->id);
    if (!p)
        return 0;
    ctr__rt_log(c->rt, CTR_LOG_DEBUG, "networks of %s: waited %lld us for them", c->cfg->name,
             (long long)(ctr__now_ns() - t0) / 1000);
    int failed = -1, r = 0;
    for (size_t i = 0; i < p->n && failed < 0; i++)
        if (p->jobs[i].r < 0)
            failed = (int)i;
    _cleanup_json_ json_object *nets = failed < 0 ? json_object_new_object() : NULL;
    if (failed < 0 && !nets)
        r = -ENOMEM;
    for (size_t i = 0; failed < 0 && r == 0 && i < p->n; i++) {
        json_object *rec = NULL;
        r = network_record(p->jobs[i].ifname, p->jobs[i].result, &rec);
        if (r == 0 && json_object_object_add(nets, p->jobs[i].name, rec) < 0) {
            json_object_put(rec);
            r = -ENOMEM;
        }
    }
    char *text = NULL;
    if (failed < 0 && r == 0 && (r = ctr__json_to_string(nets, &text)) == 0) {
        free(c->st.networks_json);
        c->st.networks_json = text;
        const char *ip = pick_ip(nets, p->jobs[0].name);
        pending_free(p);
        /* /etc/hosts was written before the address was known. */
        return run_dir ? ctr__etc_hosts_update(c->cfg, run_dir, ip) : 0;
    }
    int code = failed >= 0 ? p->jobs[failed].r : r;
    char msg[2048];
    snprintf(msg, sizeof msg, "%s", failed >= 0 ? p->jobs[failed].msg : ctr_error_last()->message);
    pending_undo(p);
    pending_free(p);
    free(c->st.netns_path);
    c->st.netns_path = NULL;
    return ctr__err(code, "%s", msg);
}

int ctr__net_teardown(ctr_container_t *c)
{
    struct ctr__err_saved saved;
    ctr__err_save(&saved);
    /* An init that failed between setup and wait. */
    struct pending *p = pending_take(c->cfg->id);
    if (p) {
        pending_undo(p);
        pending_free(p);
        free(c->st.netns_path);
        c->st.netns_path = NULL;
        ctr__err_restore(&saved);
    }
    if (!c->st.networks_json && !c->st.netns_path)
        return 0;
    int r = ctr__net_release(c->rt, c->cfg->id, c->st.networks_json, c->st.netns_path);
    if (r < 0 && c->st.netns_path && access(c->st.netns_path, F_OK) == 0)
        return r; /* the namespace is still there: keep the record to retry */
    /* A DEL failure was logged by ctr__net_release(): it must not block the
     * cleanup, nor replace an error being reported. */
    ctr__err_restore(&saved);
    free(c->st.networks_json);
    c->st.networks_json = NULL;
    free(c->st.netns_path);
    c->st.netns_path = NULL;
    return 0;
}

/* ---- inspect ---- */

struct addrs {
    const char *ip, *gw, *ip6, *gw6, *mac;
    int prefix, prefix6;
};

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
    json_object *rec = NULL;
    struct addrs a;
    addrs_of(want && json_object_object_get_ex(nets, want, &rec) ? rec : NULL, &a);
    const char *ip = a.ip ? a.ip : a.ip6;
    char *copy = NULL;
    if (ip && !(copy = strdup(ip)))
        return ctr__oom("network address");
    *ret = copy;
    return 0;
}

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
    return r ? -ENOMEM : 0;
}

static int add_ports(const struct ctr__config *cfg, json_object *settings)
{
    json_object *ports = json_object_new_object();
    if (!ports || json_object_object_add(settings, "Ports", ports) < 0) {
        if (ports)
            json_object_put(ports);
        return -ENOMEM;
    }
    for (size_t i = 0; i < cfg->n_ports; i++) {
        const ctr_port_mapping_t *p = &cfg->ports[i];
        char key[32], hp[8];
        snprintf(key, sizeof key, "%u/%s", p->container_port, p->protocol ? p->protocol : "tcp");
        snprintf(hp, sizeof hp, "%u", p->host_port);
        json_object *arr = NULL, *b = json_object_new_object();
        if (!b)
            return -ENOMEM;
        if (!json_object_object_get_ex(ports, key, &arr) || !arr) {
            arr = json_object_new_array();
            if (!arr || json_object_object_add(ports, key, arr) < 0) {
                json_object_put(b);
                if (arr)
                    json_object_put(arr);
                return -ENOMEM;
            }
        }
        if (json_object_array_add(arr, b) < 0) {
            json_object_put(b);
            return -ENOMEM;
        }
        if (ctr__json_add_str(b, "HostIp", p->host_ip ? p->host_ip : "") < 0 || ctr__json_add_str(b, "HostPort", hp) < 0)
            return -ENOMEM;
    }
    /* Exposed ports without a mapping are listed with null, as podman does. */
    for (char **e = cfg->exposed_ports; *e; e++) {
        if (json_object_object_get_ex(ports, *e, NULL))
            continue;
        if (json_object_object_add(ports, *e, NULL) < 0)
            return -ENOMEM;
    }
    return 0;
}

int ctr__net_inspect(ctr_container_t *c, json_object *settings)
{
    const struct ctr__config *cfg = c->cfg;
    _cleanup_json_ json_object *state = NULL;
    if (c->st.networks_json && (ctr__json_parse(c->st.networks_json, "networks", &state) < 0 ||
                                !json_object_is_type(state, json_type_object))) {
        ctr__err_clear();
        if (state)
            json_object_put(TAKE_PTR(state));
    }
    json_object *networks = json_object_new_object();
    if (!networks || json_object_object_add(settings, "Networks", networks) < 0) {
        if (networks)
            json_object_put(networks);
        return -ENOMEM;
    }
    const char *const default_networks[] = { ctr__runtime_settings(c->rt)->default_network, NULL };
    const char *const *names = !(cfg->flags & CTR_CREATE_NETNS) ? ctr__strv_empty
                               : cfg->networks[0]           ? (const char *const *)cfg->networks
                                                            : default_networks;
    struct addrs first = { 0 };
    char short_id[13];
    snprintf(short_id, sizeof short_id, "%s", cfg->id);
    for (size_t i = 0; names[i]; i++) {
        json_object *rec = NULL, *n = json_object_new_object(), *aliases = json_object_new_array();
        if (!n || !aliases || json_object_object_add(networks, names[i], n) < 0) {
            if (n)
                json_object_put(n);
            if (aliases)
                json_object_put(aliases);
            return -ENOMEM;
        }
        if (state)
            json_object_object_get_ex(state, names[i], &rec);
        struct addrs a;
        addrs_of(rec, &a);
        if (i == 0)
            first = a;
        char ifname[24];
        snprintf(ifname, sizeof ifname, "eth%zu", i);
        json_object *v;
        if (rec && json_object_object_get_ex(rec, "interface", &v) && json_object_is_type(v, json_type_string))
            snprintf(ifname, sizeof ifname, "%s", json_object_get_string(v));
        json_object_array_add(aliases, json_object_new_string(short_id));
        if (put_addrs(n, &a) < 0 || ctr__json_add_str(n, "NetworkID", names[i]) < 0 ||
            json_object_object_add(n, "DriverOpts", NULL) < 0 || json_object_object_add(n, "IPAMConfig", NULL) < 0 ||
            json_object_object_add(n, "Links", NULL) < 0 || json_object_object_add(n, "Aliases", aliases) < 0 ||
            ctr__json_add_str(n, "InterfaceName", ifname) < 0)
            return -ENOMEM;
    }
    /* The legacy top-level fields: the first network's. */
    if (put_addrs(settings, &first) < 0 || ctr__json_add_str(settings, "Bridge", "") < 0 ||
        ctr__json_add_str(settings, "SandboxID", "") < 0 || ctr__json_add_bool(settings, "HairpinMode", false) < 0 ||
        ctr__json_add_str(settings, "LinkLocalIPv6Address", "") < 0 ||
        ctr__json_add_int(settings, "LinkLocalIPv6PrefixLen", 0) < 0)
        return -ENOMEM;
    const char *key = c->st.netns_path ? c->st.netns_path : cfg->netns_path;
    if (ctr__json_add_str(settings, "SandboxKey", key ? key : "") < 0)
        return -ENOMEM;
    return add_ports(cfg, settings);
}
