/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* CNI results: what plugins print on success. */
#include "net/cni-result.h"

#include <arpa/inet.h>
#include <stdio.h>

#include "base/error.h"
#include "base/json-util.h"

/* Cap what a (possibly hostile or broken) plugin can make us allocate. */
#define MAX_ENTRIES 1024

void ctr__cni_result_done(struct ctr__cni_result *r)
{
    free(r->ips);
    free(r->interfaces);
    memset(r, 0, sizeof *r);
}

static void ctr__cni_result_donep(struct ctr__cni_result *r)
{
    ctr__cni_result_done(r);
}

int ctr__cni_parse_cidr(const char *s, char *addr, size_t addr_size, unsigned *ret_prefix, int *ret_version)
{
    if (!s)
        return ctr__err(-EINVAL, "CNI result: missing address");
    const char *slash = strchr(s, '/');
    size_t n = slash ? (size_t)(slash - s) : strlen(s);
    char buf[INET6_ADDRSTRLEN + 1];
    if (n == 0 || n >= sizeof buf)
        return ctr__err(-EINVAL, "CNI result: invalid address \"%.64s\"", s);
    memcpy(buf, s, n);
    buf[n] = '\0';
    unsigned char bin[16];
    int version;
    if (inet_pton(AF_INET, buf, bin) == 1)
        version = 4;
    else if (inet_pton(AF_INET6, buf, bin) == 1)
        version = 6;
    else
        return ctr__err(-EINVAL, "CNI result: invalid address \"%.64s\"", s);
    unsigned max = version == 4 ? 32 : 128, prefix = max;
    if (slash) {
        const char *p = slash + 1;
        if (!*p || strlen(p) > 3)
            return ctr__err(-EINVAL, "CNI result: invalid prefix length in \"%.64s\"", s);
        prefix = 0;
        for (; *p; p++) {
            if (*p < '0' || *p > '9')
                return ctr__err(-EINVAL, "CNI result: invalid prefix length in \"%.64s\"", s);
            prefix = prefix * 10 + (unsigned)(*p - '0');
        }
        if (prefix > max)
            return ctr__err(-EINVAL, "CNI result: invalid prefix length in \"%.64s\"", s);
    }
    if (addr) {
        if (n >= addr_size)
            return ctr__err(-EINVAL, "CNI result: address too long");
        memcpy(addr, buf, n + 1);
    }
    if (ret_prefix)
        *ret_prefix = prefix;
    if (ret_version)
        *ret_version = version;
    return 0;
}

static int get_string(json_object *o, const char *key, const char **ret)
{
    json_object *v;
    *ret = NULL;
    if (!json_object_object_get_ex(o, key, &v) || json_object_is_type(v, json_type_null))
        return 0;
    if (!json_object_is_type(v, json_type_string))
        return ctr__err(-EINVAL, "CNI result: \"%s\" is not a string", key);
    *ret = json_object_get_string(v);
    return 0;
}

static int check_gateway(const char *gw, int version)
{
    unsigned char bin[16];
    if (inet_pton(version == 4 ? AF_INET : AF_INET6, gw, bin) != 1)
        return ctr__err(-EINVAL, "CNI result: invalid gateway \"%.64s\"", gw);
    return 0;
}

static int add_ip(struct ctr__cni_result *r, json_object *ip, const char *addr_key, int iface)
{
    if (!json_object_is_type(ip, json_type_object))
        return ctr__err(-EINVAL, "CNI result: an IP entry is not an object");
    if (r->n_ips >= MAX_ENTRIES)
        return ctr__err(-EINVAL, "CNI result: too many addresses");
    struct ctr__cni_ip e = { .interface = iface };
    const char *address, *gateway;
    int k;
    if ((k = get_string(ip, addr_key, &address)) < 0 || (k = get_string(ip, "gateway", &gateway)) < 0)
        return k;
    if ((k = ctr__cni_parse_cidr(address, e.address, sizeof e.address, &e.prefix, &e.version)) < 0)
        return k;
    if (gateway && *gateway) {
        if ((k = check_gateway(gateway, e.version)) < 0)
            return k;
        snprintf(e.gateway, sizeof e.gateway, "%s", gateway);
    }
    struct ctr__cni_ip *n = realloc(r->ips, (r->n_ips + 1) * sizeof *n);
    if (!n)
        return ctr__oom("the CNI result's addresses");
    r->ips = n;
    r->ips[r->n_ips++] = e;
    return 0;
}

int ctr__cni_result_from_json(json_object *o, struct ctr__cni_result *ret)
{
    if (!o || !json_object_is_type(o, json_type_object))
        return ctr__err(-EINVAL, "CNI result: not a JSON object");
    _cleanup_(ctr__cni_result_donep) struct ctr__cni_result r = { 0 };
    json_object *v;
    int k;

    if (json_object_object_get_ex(o, "interfaces", &v) && !json_object_is_type(v, json_type_null)) {
        if (!json_object_is_type(v, json_type_array))
            return ctr__err(-EINVAL, "CNI result: \"interfaces\" is not an array");
        size_t n = json_object_array_length(v);
        if (n > MAX_ENTRIES)
            return ctr__err(-EINVAL, "CNI result: too many interfaces");
        if (n && !(r.interfaces = calloc(n, sizeof *r.interfaces)))
            return ctr__oom("the CNI result's interfaces");
        for (size_t i = 0; i < n; i++) {
            json_object *e = json_object_array_get_idx(v, i);
            const char *name, *mac, *sandbox;
            if (!json_object_is_type(e, json_type_object))
                return ctr__err(-EINVAL, "CNI result: interfaces[%zu] is not an object", i);
            if ((k = get_string(e, "name", &name)) < 0 || (k = get_string(e, "mac", &mac)) < 0 ||
                (k = get_string(e, "sandbox", &sandbox)) < 0)
                return k;
            snprintf(r.interfaces[i].name, sizeof r.interfaces[i].name, "%s", name ? name : "");
            snprintf(r.interfaces[i].mac, sizeof r.interfaces[i].mac, "%s", mac ? mac : "");
            r.interfaces[i].sandbox = sandbox && *sandbox;
        }
        r.n_interfaces = n;
    }

    if (json_object_object_get_ex(o, "ips", &v) && !json_object_is_type(v, json_type_null)) {
        if (!json_object_is_type(v, json_type_array))
            return ctr__err(-EINVAL, "CNI result: \"ips\" is not an array");
        size_t n = json_object_array_length(v);
        for (size_t i = 0; i < n; i++) {
            json_object *e = json_object_array_get_idx(v, i), *idx;
            int iface = -1;
            if (json_object_is_type(e, json_type_object) && json_object_object_get_ex(e, "interface", &idx) &&
                !json_object_is_type(idx, json_type_null)) {
                if (!json_object_is_type(idx, json_type_int))
                    return ctr__err(-EINVAL, "CNI result: ips[%zu].interface is not an integer", i);
                int64_t x = json_object_get_int64(idx);
                iface = x >= 0 && (uint64_t)x < r.n_interfaces ? (int)x : -1;
            }
            if ((k = add_ip(&r, e, "address", iface)) < 0)
                return k;
        }
    }

    /* 0.1.0 / 0.2.0: "ip4" and "ip6" objects with "ip" and "gateway". */
    static const char *const old_keys[] = { "ip4", "ip6" };
    for (size_t i = 0; i < ARRAY_SIZE(old_keys); i++) {
        if (!json_object_object_get_ex(o, old_keys[i], &v) || json_object_is_type(v, json_type_null))
            continue;
        if ((k = add_ip(&r, v, "ip", -1)) < 0)
            return k;
    }
    *ret = r;
    memset(&r, 0, sizeof r);
    return 0;
}

int ctr__cni_result_parse(const char *text, struct ctr__cni_result *ret)
{
    _cleanup_json_ json_object *o = NULL;
    int r = ctr__json_parse(text, "CNI result", &o);
    if (r < 0)
        return r;
    return ctr__cni_result_from_json(o, ret);
}

const struct ctr__cni_iface *ctr__cni_result_iface(const struct ctr__cni_result *r, const struct ctr__cni_ip *ip)
{
    if (ip->interface >= 0 && (size_t)ip->interface < r->n_interfaces)
        return &r->interfaces[ip->interface];
    return NULL;
}
