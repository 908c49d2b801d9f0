/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* ctrctl: the network options of create and run (--network, -p, --dns,
 * --dns-search, --dns-option, --add-host). */
#include "ctrctl.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

const char net_args_usage[] =
    "      --network MODE          bridge (the default network), NAME[,NAME...] (repeatable),\n"
    "                              none, host, container:ID, ns:PATH (default: $CTRCTL_NETWORK,\n"
    "                              else bridge)\n"
    "  -p, --publish SPEC          [HOSTIP:]HOSTPORT:PORT[/tcp|udp] (repeatable)\n"
    "      --dns IP                DNS server (repeatable)\n"
    "      --dns-search DOMAIN     DNS search domain (repeatable)\n"
    "      --dns-option OPTION     resolver option (repeatable)\n"
    "      --add-host HOST:IP      add an /etc/hosts entry (repeatable)\n";

static int push_list(strv_t *s, const char *arg)
{
    /* "a,b,c" as podman takes for --network. */
    char *copy = strdup(arg), *save = NULL;
    if (!copy)
        return ctrctl_error("out of memory");
    int r = 0;
    for (char *t = strtok_r(copy, ",", &save); t && r == 0; t = strtok_r(NULL, ",", &save))
        r = strv_push(s, t) < 0 ? EXIT_ENGINE : 0;
    free(copy);
    return r;
}

static int set_mode(net_args_t *n, const char *mode)
{
    n->mode_set = true;
    if (strcmp(mode, "none") == 0 || strcmp(mode, "host") == 0 || strcmp(mode, "bridge") == 0 ||
        strcmp(mode, "private") == 0) {
        snprintf(n->mode, sizeof n->mode, "%s", strcmp(mode, "private") == 0 ? "bridge" : mode);
        return 0;
    }
    if (strncmp(mode, "container:", 10) == 0 || strncmp(mode, "ns:", 3) == 0) {
        if (!mode[strncmp(mode, "ns:", 3) == 0 ? 3 : 10])
            return ctrctl_error("--network %s: missing the container or path", mode);
        free(n->target);
        n->target = strdup(strchr(mode, ':') + 1);
        if (!n->target)
            return ctrctl_error("out of memory");
        snprintf(n->mode, sizeof n->mode, "%s", strncmp(mode, "ns:", 3) == 0 ? "ns" : "container");
        return 0;
    }
    snprintf(n->mode, sizeof n->mode, "bridge");
    return push_list(&n->networks, mode);
}

/* [HOSTIP:]HOSTPORT:PORT[/PROTO]; HOSTIP may be [IPv6]. */
static int parse_publish(net_args_t *n, const char *spec)
{
    char buf[256], *proto = NULL;
    if (strlen(spec) >= sizeof buf)
        return ctrctl_error("invalid --publish \"%s\"", spec);
    snprintf(buf, sizeof buf, "%s", spec);
    char *slash = strrchr(buf, '/');
    if (slash) {
        *slash = '\0';
        proto = slash + 1;
        if (strcmp(proto, "tcp") != 0 && strcmp(proto, "udp") != 0)
            return ctrctl_error("invalid --publish \"%s\": the protocol is tcp or udp", spec);
    }
    char *host_ip = NULL, *rest = buf;
    if (buf[0] == '[') {
        char *end = strchr(buf, ']');
        if (!end || end[1] != ':')
            return ctrctl_error("invalid --publish \"%s\"", spec);
        *end = '\0';
        host_ip = buf + 1;
        rest = end + 2;
    } else {
        char *first = strchr(buf, ':'), *last = strrchr(buf, ':');
        if (!first)
            return ctrctl_error("invalid --publish \"%s\": use [HOSTIP:]HOSTPORT:PORT[/PROTO]", spec);
        if (first != last) {
            *first = '\0';
            host_ip = buf;
            rest = first + 1;
        }
    }
    char *colon = strchr(rest, ':');
    if (!colon)
        return ctrctl_error("invalid --publish \"%s\": use [HOSTIP:]HOSTPORT:PORT[/PROTO]", spec);
    *colon = '\0';
    long hp, cp;
    if (parse_uint("--publish host port", rest, 65535, &hp) || parse_uint("--publish port", colon + 1, 65535, &cp))
        return EXIT_ENGINE;
    if (hp == 0 || cp == 0)
        return ctrctl_error("invalid --publish \"%s\": ports are 1 to 65535", spec);
    ctr_port_mapping_t *v = realloc(n->ports, (n->n_ports + 1) * sizeof *v);
    if (!v)
        return ctrctl_error("out of memory");
    n->ports = v;
    ctr_port_mapping_t *p = &n->ports[n->n_ports];
    memset(p, 0, sizeof *p);
    p->host_port = (uint16_t)hp;
    p->container_port = (uint16_t)cp;
    /* The strings live in the strv, which owns them. */
    if (strv_push(&n->strings, host_ip && *host_ip ? host_ip : "") < 0 || strv_push(&n->strings, proto ? proto : "tcp") < 0)
        return EXIT_ENGINE;
    n->n_ports++;
    return 0;
}

int net_args_option(net_args_t *n, int opt, const char *arg)
{
    switch (opt) {
    case OPT_NET_NETWORK: return set_mode(n, arg);
    case 'p': return parse_publish(n, arg);
    case OPT_NET_DNS: return strv_push(&n->dns, arg) < 0 ? EXIT_ENGINE : 0;
    case OPT_NET_DNS_SEARCH: return strv_push(&n->dns_search, arg) < 0 ? EXIT_ENGINE : 0;
    case OPT_NET_DNS_OPTION: return strv_push(&n->dns_options, arg) < 0 ? EXIT_ENGINE : 0;
    case OPT_NET_ADD_HOST: return strv_push(&n->add_hosts, arg) < 0 ? EXIT_ENGINE : 0;
    default: return 1;
    }
}

int net_args_apply(net_args_t *n, ctr_container_options_t *o)
{
    if (!n->mode_set && o->pod) {
        snprintf(n->mode, sizeof n->mode, "pod"); /* the pod's network */
    } else if (!n->mode_set) {
        const char *env = getenv("CTRCTL_NETWORK");
        int r = set_mode(n, env && *env ? env : "bridge");
        if (r)
            return r;
    }
    if (strcmp(n->mode, "bridge") == 0) {
        o->flags |= CTR_CREATE_NETNS;
        if (n->networks.n)
            o->networks = (const char *const *)n->networks.v;
    } else if (strcmp(n->mode, "host") == 0) {
        o->flags |= CTR_CREATE_HOST_NETWORK;
    } else if (strcmp(n->mode, "container") == 0) {
        o->ns_ctr[CTR_NS_NET] = n->target;
    } else if (strcmp(n->mode, "ns") == 0) {
        o->netns_path = n->target;
    }
    if (n->networks.n && strcmp(n->mode, "bridge") != 0)
        return ctrctl_error("--network %s cannot be combined with network names", n->mode);
    if (n->n_ports && strcmp(n->mode, "bridge") != 0)
        return ctrctl_error("--publish needs a network of the container's own (not --network %s)", n->mode);
    for (size_t i = 0; i < n->n_ports; i++) {
        n->ports[i].host_ip = n->strings.v[2 * i][0] ? n->strings.v[2 * i] : NULL;
        n->ports[i].protocol = n->strings.v[2 * i + 1];
    }
    o->port_mappings = n->ports;
    o->n_port_mappings = n->n_ports;
    o->dns_servers = (const char *const *)n->dns.v;
    o->dns_search = (const char *const *)n->dns_search.v;
    o->dns_options = (const char *const *)n->dns_options.v;
    o->hosts_add = (const char *const *)n->add_hosts.v;
    return 0;
}

void net_args_clear(net_args_t *n)
{
    strv_clear(&n->networks);
    strv_clear(&n->dns);
    strv_clear(&n->dns_search);
    strv_clear(&n->dns_options);
    strv_clear(&n->add_hosts);
    strv_clear(&n->strings);
    free(n->ports);
    free(n->target);
    memset(n, 0, sizeof *n);
}
