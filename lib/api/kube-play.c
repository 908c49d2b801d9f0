/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* kube play and kube down: Kubernetes documents made into pods, containers
 * and volumes through the public API. */
#include "api/kube-play.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/error.h"
#include "base/json-util.h"
#include "base/util.h"
#include "data/yaml.h"

typedef json_object J;

#define N_LISTS 4

struct ctr_kube_report {
    char **lists[N_LISTS]; /* by ctr_kube_report_kind_t, never NULL */
};

/* One play: the documents, the report, what to undo. */
struct play {
    ctr_runtime_t *rt;
    const ctr_kube_play_options_t *opts;
    struct ctr_kube_report *rep;
    J **configmaps; /* every ConfigMap's tree (lent from docs/extra) */
    size_t n_configmaps;
    bool dry;       /* the check before anything is made or removed */
};

/* ---- the report ---- */

static struct ctr_kube_report *report_new(void)
{
    struct ctr_kube_report *rep = calloc(1, sizeof(*rep));
    for (size_t i = 0; rep && i < N_LISTS; i++)
        if (!(rep->lists[i] = ctr__strv_copy(NULL))) {
            ctr_kube_report_free(rep);
            return NULL;
        }
    return rep;
}

CTR_EXPORT void ctr_kube_report_free(ctr_kube_report_t *rep)
{
    if (!rep)
        return;
    for (size_t i = 0; i < N_LISTS; i++)
        ctr__strv_free(rep->lists[i]);
    free(rep);
}

CTR_EXPORT size_t ctr_kube_report_count(const ctr_kube_report_t *rep, ctr_kube_report_kind_t kind)
{
    if (!rep || (unsigned)kind >= N_LISTS)
        return 0;
    return ctr__strv_len((const char *const *)rep->lists[kind]);
}

CTR_EXPORT const char *ctr_kube_report_get(const ctr_kube_report_t *rep, ctr_kube_report_kind_t kind, size_t i)
{
    return i < ctr_kube_report_count(rep, kind) ? rep->lists[kind][i] : NULL;
}

/* ---- documents ---- */

static const char *doc_kind(J *doc)
{
    return ctr__json_str(doc, "kind");
}

static const char *doc_name(J *doc)
{
    J *md = NULL;
    json_object_object_get_ex(doc, "metadata", &md);
    return ctr__json_str(md, "name");
}

static int check_doc(J *doc, size_t i)
{
    if (!json_object_is_type(doc, json_type_object))
        return ctr__err(-EINVAL, "YAML document %zu: a mapping expected", i + 1);
    if (!doc_kind(doc))
        return ctr__err(-EINVAL, "YAML document %zu: no kind", i + 1);
    return 0;
}

/* The name of the pod a Pod or Deployment document makes (NULL for other kinds). */
static char *pod_name_of(J *doc)
{
    const char *kind = doc_kind(doc), *name = doc_name(doc);
    if (!name || !kind)
        return NULL;
    if (streq(kind, "Pod"))
        return strdup(name);
    if (streq(kind, "Deployment"))
        return ctr__asprintf("%s-pod-0", name);
    return NULL;
}

static int parse_docs(const char *yaml, size_t len, J ***docs, size_t *n)
{
    if (!yaml)
        return ctr__err(-EINVAL, "kube: NULL YAML");
    int r = ctr__yaml_parse(yaml, len, docs, n);
    for (size_t i = 0; r == 0 && i < *n; i++)
        r = check_doc((*docs)[i], i);
    if (r < 0 && r != -EINVAL)
        return r;
    if (r < 0) {
        ctr__yaml_docs_free(*docs, *n);
        *docs = NULL;
        *n = 0;
    }
    return r;
}

/* ---- removing pods (--down, --replace, undo) ---- */

/* The volumes made for the pod's shared emptyDirs go with it. */
static int remove_pod_volumes(ctr_runtime_t *rt, const char *pod_name)
{
    _cleanup_free_ char *filter = ctr__asprintf("label=" CTR__KUBE_POD_LABEL "=%s", pod_name);
    const char *filters[] = { filter, NULL };
    ctr_volume_t **vols = NULL;
    size_t n = 0;
    int r = filter ? ctr_volume_list(rt, filters, &vols, &n) : -ENOMEM;
    for (size_t i = 0; r == 0 && i < n; i++)
        r = ctr_volume_remove(rt, ctr_volume_name(vols[i]), CTR_VOLUME_REMOVE_FORCE);
    ctr_volume_list_free(vols, n);
    return r == -ENOENT ? 0 : r;
}

static int remove_pod_named(ctr_runtime_t *rt, const char *name, char ***removed)
{
    _cleanup_(ctr_pod_unrefp) ctr_pod_t *pod = NULL;
    int r = ctr_pod_lookup(rt, name, &pod);
    if (r == -ENOENT)
        return 0;
    if (r < 0)
        return r;
    _cleanup_free_ char *id = strdup(ctr_pod_id(pod));
    _cleanup_free_ char *pod_name = strdup(ctr_pod_name(pod));
    r = id && pod_name ? ctr_pod_remove(pod, CTR_POD_REMOVE_FORCE | CTR_POD_REMOVE_VOLUMES) : -ENOMEM;
    if (r == -ENOENT)
        return 0;
    if (r == 0)
        r = remove_pod_volumes(rt, pod_name);
    return r < 0 || !removed ? r : ctr__strv_push(removed, id);
}

static int remove_pods_of(ctr_runtime_t *rt, J **docs, size_t n, char ***removed)
{
    for (size_t i = 0; i < n; i++) {
        _cleanup_free_ char *name = pod_name_of(docs[i]);
        int r = name ? remove_pod_named(rt, name, removed) : 0;
        if (r < 0)
            return r;
    }
    return 0;
}

static void undo(struct play *pl)
{
    struct ctr__err_saved saved;
    ctr__err_save(&saved);
    for (size_t i = 0; pl->rep->lists[CTR_KUBE_REPORT_POD][i]; i++)
        remove_pod_named(pl->rt, pl->rep->lists[CTR_KUBE_REPORT_POD][i], NULL);
    ctr__err_restore(&saved);
}

/* ---- one pod ---- */

/* The pod's network settings, the pod-level fields of spec. */
struct pod_plan {
    ctr_pod_options_t po;
    J *containers, *init_containers; /* owned */
    ctr_port_mapping_t *ports;
    size_t n_ports;
};

static int take_port(struct ctr__kpod *p, J *e, const char *path, struct pod_plan *pp)
{
    int64_t cport = 0, hport = 0;
    bool has_c, has_h;
    const char *ip = NULL, *proto = NULL, *name = NULL;
    int r = ctr__kdoc_int(&p->d, e, path, "containerPort", &cport, &has_c);
    if (r == 0)
        r = ctr__kdoc_int(&p->d, e, path, "hostPort", &hport, &has_h);
    if (r == 0)
        r = ctr__kdoc_str(&p->d, e, path, "hostIP", &ip);
    if (r == 0)
        r = ctr__kdoc_str(&p->d, e, path, "protocol", &proto);
    if (r == 0)
        r = ctr__kdoc_str(&p->d, e, path, "name", &name);
    if (r < 0)
        return r;
    if (!has_c || cport < 1 || cport > 65535 || (has_h && (hport < 0 || hport > 65535)))
        return ctr__err(-EINVAL, "%s: containerPort (1-65535) and hostPort (0-65535) expected", path);
    if (proto && !streq(proto, "TCP") && !streq(proto, "UDP"))
        return ctr__err(-EINVAL, "%s.protocol: TCP or UDP, not %s", path, proto);
    if (!has_h || hport == 0)
        return 0; /* exposed only: nothing to publish on the host */
    ctr_port_mapping_t *m = &pp->ports[pp->n_ports++];
    *m = (ctr_port_mapping_t){ .host_ip = ip, .host_port = (uint16_t)hport, .container_port = (uint16_t)cport,
                               .protocol = proto && streq(proto, "UDP") ? "udp" : "tcp" };
    return 0;
}

static int take_ports_of(struct ctr__kpod *p, J *containers, const char *what, struct pod_plan *pp)
{
    for (size_t i = 0; containers && i < json_object_array_length(containers); i++) {
        char path[CTR__KPATH_MAX];
        ctr__kdoc_path(path, "spec.%s[%zu]", what, i);
        _cleanup_json_ J *ports = NULL;
        int r = ctr__kdoc_array(json_object_array_get_idx(containers, i), path, "ports", &ports);
        size_t n = ports ? json_object_array_length(ports) : 0;
        ctr_port_mapping_t *grown = n ? ctr__arena_alloc(p->d.arena, (pp->n_ports + n) * sizeof(*grown)) : NULL;
        if (r < 0 || (n && !grown))
            return r < 0 ? r : -ENOMEM;
        if (n && pp->n_ports)
            memcpy(grown, pp->ports, pp->n_ports * sizeof(*grown));
        pp->ports = n ? grown : pp->ports;
        for (size_t j = 0; r == 0 && j < n; j++) {
            char sub[CTR__KPATH_MAX];
            ctr__kdoc_path(sub, "%s.ports[%zu]", path, j);
            r = take_port(p, json_object_array_get_idx(ports, j), sub, pp);
            if (r == 0)
                r = ctr__kdoc_leftovers(&p->d, json_object_array_get_idx(ports, j), sub);
        }
        if (r < 0)
            return r;
    }
    return 0;
}

static int take_dns(struct ctr__kpod *p, J *spec, ctr_pod_options_t *po)
{
    _cleanup_json_ J *dns = NULL, *opts = NULL;
    int r = ctr__kdoc_object(spec, "spec", "dnsConfig", &dns);
    if (r < 0 || !dns)
        return r;
    r = ctr__kdoc_strv(&p->d, dns, "spec.dnsConfig", "nameservers", &po->dns_servers);
    if (r == 0)
        r = ctr__kdoc_strv(&p->d, dns, "spec.dnsConfig", "searches", &po->dns_search);
    if (r == 0)
        r = ctr__kdoc_array(dns, "spec.dnsConfig", "options", &opts);
    for (size_t i = 0; r == 0 && opts && i < json_object_array_length(opts); i++) {
        char path[CTR__KPATH_MAX];
        ctr__kdoc_path(path, "spec.dnsConfig.options[%zu]", i);
        const char *name = NULL, *value = NULL;
        J *e = json_object_array_get_idx(opts, i);
        r = ctr__kdoc_str(&p->d, e, path, "name", &name);
        if (r == 0)
            r = ctr__kdoc_str(&p->d, e, path, "value", &value);
        if (r == 0 && !name)
            r = ctr__err(-EINVAL, "%s.name: missing", path);
        if (r == 0)
            r = ctr__kdoc_strv_add(&p->d, &po->dns_options,
                                   value ? ctr__kdoc_printf(&p->d, "%s:%s", name, value) : name);
        if (r == 0)
            r = ctr__kdoc_leftovers(&p->d, e, path);
    }
    return r < 0 ? r : ctr__kdoc_leftovers(&p->d, dns, "spec.dnsConfig");
}

static int take_host_aliases(struct ctr__kpod *p, J *spec, ctr_pod_options_t *po)
{
    _cleanup_json_ J *arr = NULL;
    int r = ctr__kdoc_array(spec, "spec", "hostAliases", &arr);
    for (size_t i = 0; r == 0 && arr && i < json_object_array_length(arr); i++) {
        char path[CTR__KPATH_MAX];
        ctr__kdoc_path(path, "spec.hostAliases[%zu]", i);
        J *e = json_object_array_get_idx(arr, i);
        const char *ip = NULL, *const *names = NULL;
        r = ctr__kdoc_str(&p->d, e, path, "ip", &ip);
        if (r == 0)
            r = ctr__kdoc_strv(&p->d, e, path, "hostnames", &names);
        if (r == 0 && !ip)
            r = ctr__err(-EINVAL, "%s.ip: missing", path);
        for (size_t j = 0; r == 0 && names && names[j]; j++)
            r = ctr__kdoc_strv_add(&p->d, &po->hosts_add, ctr__kdoc_printf(&p->d, "%s:%s", names[j], ip));
        if (r == 0)
            r = ctr__kdoc_leftovers(&p->d, e, path);
    }
    return r;
}

static int take_restart(struct ctr__kpod *p, J *spec)
{
    const char *policy = NULL;
    int r = ctr__kdoc_str(&p->d, spec, "spec", "restartPolicy", &policy);
    if (r < 0)
        return r;
    if (!policy || streq(policy, "Always"))
        p->restart = "always"; /* Kubernetes' default, and podman's */
    else if (streq(policy, "OnFailure"))
        p->restart = "on-failure";
    else if (streq(policy, "Never"))
        p->restart = "no";
    else
        return ctr__err(-EINVAL, "spec.restartPolicy: Always, OnFailure or Never, not %s", policy);
    return 0;
}

/* spec.volumes as an object by name, each entry checked to be a mapping. */
static int take_volumes(struct ctr__kpod *p, J *spec)
{
    _cleanup_json_ J *arr = NULL;
    int r = ctr__kdoc_array(spec, "spec", "volumes", &arr);
    p->volumes = json_object_new_object();
    if (r < 0 || !p->volumes)
        return r < 0 ? r : -ENOMEM;
    for (size_t i = 0; arr && i < json_object_array_length(arr); i++) {
        char path[CTR__KPATH_MAX];
        ctr__kdoc_path(path, "spec.volumes[%zu]", i);
        J *e = json_object_array_get_idx(arr, i);
        const char *name = NULL;
        r = json_object_is_type(e, json_type_object) ? ctr__kdoc_str(&p->d, e, path, "name", &name)
                                                      : ctr__err(-EINVAL, "%s: a mapping expected", path);
        if (r == 0 && !name)
            r = ctr__err(-EINVAL, "%s.name: missing", path);
        if (r == 0 && json_object_object_get_ex(p->volumes, name, NULL))
            r = ctr__err(-EINVAL, "%s.name: %s is given twice", path, name);
        if (r == 0)
            r = ctr__json_set(p->volumes, name, json_object_get(e));
        if (r < 0)
            return r;
    }
    return 0;
}

/* Each container has a name and an image, checked before anything is made. */
static int check_containers(J *containers, const char *what)
{
    for (size_t i = 0; containers && i < json_object_array_length(containers); i++) {
        J *k = json_object_array_get_idx(containers, i), *v = NULL;
        if (!json_object_is_type(k, json_type_object))
            return ctr__err(-EINVAL, "spec.%s[%zu]: a mapping expected", what, i);
        static const char *const needed[] = { "name", "image" };
        for (size_t j = 0; j < ARRAY_SIZE(needed); j++)
            if (!json_object_object_get_ex(k, needed[j], &v) || !json_object_is_type(v, json_type_string) ||
                !*json_object_get_string(v))
                return ctr__err(-EINVAL, "spec.%s[%zu].%s: %s", what, i, needed[j],
                                v ? "a string expected" : "missing");
    }
    return 0;
}

/* How many containers (init containers too) mount each volume. */
static int count_uses(struct ctr__kpod *p, J *containers)
{
    for (size_t i = 0; containers && i < json_object_array_length(containers); i++) {
        J *mounts = NULL, *seen = json_object_new_object();
        json_object_object_get_ex(json_object_array_get_idx(containers, i), "volumeMounts", &mounts);
        for (size_t j = 0; seen && json_object_is_type(mounts, json_type_array) && j < json_object_array_length(mounts); j++) {
            const char *name = ctr__json_str(json_object_array_get_idx(mounts, j), "name");
            J *n = NULL;
            if (!name || json_object_object_get_ex(seen, name, NULL))
                continue;
            json_object_object_add(seen, name, NULL);
            json_object_object_get_ex(p->volume_uses, name, &n);
            if (ctr__json_set(p->volume_uses, name, json_object_new_int64(n ? json_object_get_int64(n) + 1 : 1)) < 0)
                break;
        }
        json_object_put(seen);
        if (!seen)
            return -ENOMEM;
    }
    return 0;
}

/* The volumes' fields the mounts read are used; the others are warnings. */
static int volume_leftovers(struct ctr__kpod *p)
{
    static const char *const used[][2] = {
        { "hostPath", "path" }, { "hostPath", "type" }, { "persistentVolumeClaim", "claimName" },
        { "emptyDir", "medium" }, { "emptyDir", "sizeLimit" }, { "persistentVolumeClaim", "readOnly" },
        { "configMap", "name" }, { "configMap", "items" }, { "configMap", "optional" }, { "configMap", "defaultMode" },
    };
    json_object_object_foreach(p->volumes, name, v)
    {
        _cleanup_json_ J *copy = NULL;
        if (json_object_deep_copy(v, &copy, NULL) < 0)
            return -ENOMEM;
        for (size_t i = 0; i < ARRAY_SIZE(used); i++) {
            J *src = NULL;
            if (json_object_object_get_ex(copy, used[i][0], &src))
                json_object_object_del(src, used[i][1]);
        }
        char path[CTR__KPATH_MAX];
        ctr__kdoc_path(path, "spec.volumes[%s]", name);
        int r = ctr__kdoc_leftovers(&p->d, copy, path);
        if (r < 0)
            return r;
    }
    return 0;
}

/* metadata: the pod's name, labels, annotations (podman's per-container ones apart). */
static int take_metadata(struct ctr__kpod *p, J *md, ctr_pod_options_t *po)
{
    _cleanup_json_ J *ann = NULL, *when = ctr__kdoc_take(md, "creationTimestamp");
    int r = ctr__kdoc_map(&p->d, md, "metadata", "labels", &po->labels);
    if (r == 0)
        r = ctr__kdoc_object(md, "metadata", "annotations", &ann);
    p->podman_annotations = json_object_new_object();
    if (r < 0 || !p->podman_annotations)
        return r < 0 ? r : -ENOMEM;
    if (!ann)
        return 0;
    json_object_object_foreach(ann, key, v)
    {
        if (!json_object_is_type(v, json_type_string))
            return ctr__err(-EINVAL, "metadata.annotations.%s: a string expected (quote it)", key);
        bool podmans = strncmp(key, "io.kubernetes.cri-o.", 20) == 0 || strncmp(key, "io.podman.annotations.", 22) == 0;
        r = podmans ? ctr__json_set(p->podman_annotations, key, json_object_get(v))
                    : ctr__kdoc_strv_add(&p->d, &p->annotations,
                                         ctr__kdoc_printf(&p->d, "%s=%s", key, json_object_get_string(v)));
        if (r < 0)
            return r;
    }
    return 0;
}

static int take_pod_security(struct ctr__kpod *p, J *spec, struct pod_plan *pp)
{
    _cleanup_json_ J *sc = NULL;
    bool present;
    int r = ctr__kdoc_object(spec, "spec", "securityContext", &sc);
    p->run_as_user = p->run_as_group = -1;
    if (r == 0 && sc)
        r = ctr__kdoc_int(&p->d, sc, "spec.securityContext", "runAsUser", &p->run_as_user, &present);
    if (r == 0 && sc)
        r = ctr__kdoc_int(&p->d, sc, "spec.securityContext", "runAsGroup", &p->run_as_group, &present);
    (void)pp;
    return r < 0 || !sc ? r : ctr__kdoc_leftovers(&p->d, sc, "spec.securityContext");
}

/* Fields of no meaning on one machine that Kubernetes' tools write. */
static void drop_inert(J *spec)
{
    static const char *const inert[] = { "automountServiceAccountToken", "enableServiceLinks", NULL };
    for (size_t i = 0; inert[i]; i++) {
        J *v = NULL;
        /* only when they ask what libctr does anyway (no token, no service variables) */
        if (json_object_object_get_ex(spec, inert[i], &v) && json_object_is_type(v, json_type_boolean) &&
            !json_object_get_boolean(v))
            json_object_object_del(spec, inert[i]);
    }
}

static int take_network(struct ctr__kpod *p, J *spec, struct pod_plan *pp)
{
    bool host = false, share_pid = false, present;
    int r = ctr__kdoc_bool(&p->d, spec, "spec", "hostNetwork", &host, &present);
    if (r == 0)
        r = ctr__kdoc_bool(&p->d, spec, "spec", "shareProcessNamespace", &share_pid, &present);
    if (r == 0)
        r = ctr__kdoc_str(&p->d, spec, "spec", "hostname", &pp->po.hostname);
    if (r == 0)
        r = take_dns(p, spec, &pp->po);
    if (r == 0)
        r = take_host_aliases(p, spec, &pp->po);
    if (pp->po.hostname && streq(pp->po.hostname, p->name))
        pp->po.hostname = NULL; /* what a pod's host name is anyway (kube generate writes it, as podman) */
    pp->po.network_mode = host ? CTR_POD_NETWORK_HOST : CTR_POD_NETWORK_BRIDGE;
    pp->po.share = CTR_POD_SHARE_DEFAULT | (share_pid ? CTR_POD_SHARE_PID : 0);
    return r;
}

static int plan_pod(struct ctr__kpod *p, J *doc, const char *name, struct pod_plan *pp)
{
    _cleanup_json_ J *md = NULL, *spec = NULL;
    int r = ctr__kdoc_object(doc, "", "metadata", &md);
    if (r == 0)
        r = ctr__kdoc_object(doc, "", "spec", &spec);
    if (r < 0)
        return r;
    if (!spec)
        return ctr__err(-EINVAL, "%s: no spec", name);
    pp->po.name = p->name = name;
    if (md && (r = take_metadata(p, md, &pp->po)) == 0) {
        json_object_object_del(md, "name");
        r = ctr__kdoc_leftovers(&p->d, md, "metadata");
    }
    drop_inert(spec);
    if (r == 0)
        r = take_network(p, spec, pp);
    if (r == 0)
        r = take_restart(p, spec);
    if (r == 0)
        r = take_volumes(p, spec);
    if (r == 0)
        r = take_pod_security(p, spec, pp);
    if (r == 0)
        r = ctr__kdoc_array(spec, "spec", "containers", &pp->containers);
    if (r == 0)
        r = ctr__kdoc_array(spec, "spec", "initContainers", &pp->init_containers);
    if (r == 0 && (!pp->containers || json_object_array_length(pp->containers) == 0))
        r = ctr__err(-EINVAL, "spec.containers: a pod needs a container");
    if (r == 0)
        r = check_containers(pp->containers, "containers");
    if (r == 0)
        r = check_containers(pp->init_containers, "initContainers");
    p->volume_uses = json_object_new_object();
    if (r == 0 && !p->volume_uses)
        r = -ENOMEM;
    if (r == 0)
        r = count_uses(p, pp->containers);
    if (r == 0)
        r = count_uses(p, pp->init_containers);
    if (r == 0)
        r = take_ports_of(p, pp->containers, "containers", pp);
    if (r == 0)
        r = take_ports_of(p, pp->init_containers, "initContainers", pp);
    pp->po.port_mappings = pp->ports;
    pp->po.n_port_mappings = pp->n_ports;
    return r < 0 ? r : ctr__kdoc_leftovers(&p->d, spec, "spec");
}

/* ---- making it ---- */

static int container_ip(ctr_container_t *c, char **ret)
{
    _cleanup_free_ char *text = NULL;
    _cleanup_json_ J *doc = NULL;
    int r = ctr_container_inspect(c, 0, &text);
    if (r == 0)
        r = ctr__json_parse(text, "inspect", &doc);
    if (r < 0)
        return r;
    J *ns = NULL, *nets = NULL;
    json_object_object_get_ex(doc, "NetworkSettings", &ns);
    const char *ip = ctr__json_str(ns, "IPAddress");
    if ((!ip || !*ip) && json_object_object_get_ex(ns, "Networks", &nets)) {
        json_object_object_foreach(nets, name, net)
        {
            (void)name;
            if ((ip = ctr__json_str(net, "IPAddress")) && *ip)
                break;
        }
    }
    *ret = strdup(ip && *ip ? ip : "");
    return *ret ? 0 : -ENOMEM;
}

/* Start the infra container (for status.podIP and the init containers) and read its address. */
static int start_infra(struct ctr__kpod *p, ctr_pod_t *pod, char **ip)
{
    _cleanup_(ctr_container_unrefp) ctr_container_t *infra = NULL;
    if (!ctr_pod_infra_id(pod))
        return 0;
    int r = ctr_runtime_lookup(p->rt, ctr_pod_infra_id(pod), &infra);
    if (r == 0)
        r = ctr_container_start(infra);
    return r < 0 ? r : container_ip(infra, ip);
}

static int make_container(struct ctr__kpod *p, J *k, const char *path, bool init, ctr_container_t **ret)
{
    ctr_container_options_t o;
    ctr_container_options_init(&o, CTR_CONTAINER_OPTIONS_VERSION);
    int r = ctr__kube_container_options(p, k, path, init, &o);
    return r < 0 ? r : ctr_container_create(ret, p->rt, &o);
}

/* Run an init container to its end; it is removed then (podman's "once"). */
static int run_init(ctr_container_t *c)
{
    int code = -1;
    int r = ctr_container_start(c);
    if (r == 0)
        r = ctr_container_wait(c, -1, &code);
    if (r == 0 && code != 0)
        r = ctr__err(-ECHILD, "init container %s exited with %d", ctr_container_name(c), code);
    if (r == 0)
        r = ctr_container_remove(c, CTR_REMOVE_VOLUMES);
    return r;
}

static int make_containers(struct ctr__kpod *p, J *arr, const char *what, bool init, bool start, char ***ids)
{
    for (size_t i = 0; arr && i < json_object_array_length(arr); i++) {
        char path[CTR__KPATH_MAX];
        ctr__kdoc_path(path, "spec.%s[%zu]", what, i);
        J *k = json_object_array_get_idx(arr, i);
        _cleanup_(ctr_container_unrefp) ctr_container_t *c = NULL;
        int r = json_object_is_type(k, json_type_object) ? make_container(p, k, path, init, &c)
                                                          : ctr__err(-EINVAL, "%s: a mapping expected", path);
        if (r == 0 && init && start)
            r = run_init(c);
        else if (r == 0 && !init)
            r = ctr__strv_push(ids, ctr_container_id(c));
        if (r < 0)
            return r;
    }
    return 0;
}

/* The check of every container's fields, making nothing. */
static int check_pod(struct ctr__kpod *p, struct pod_plan *pp)
{
    J *lists[] = { pp->init_containers, pp->containers };
    for (size_t l = 0; l < ARRAY_SIZE(lists); l++)
        for (size_t i = 0; lists[l] && i < json_object_array_length(lists[l]); i++) {
            char path[CTR__KPATH_MAX];
            ctr__kdoc_path(path, "spec.%s[%zu]", l == 0 ? "initContainers" : "containers", i);
            ctr_container_options_t o;
            ctr_container_options_init(&o, CTR_CONTAINER_OPTIONS_VERSION);
            int r = ctr__kube_container_options(p, json_object_array_get_idx(lists[l], i), path, l == 0, &o);
            if (r < 0)
                return r;
        }
    return 0;
}

static int make_pod(struct play *pl, struct ctr__kpod *p, struct pod_plan *pp)
{
    bool start = !(pl->opts->flags & CTR_KUBE_PLAY_NO_START);
    _cleanup_(ctr_pod_unrefp) ctr_pod_t *pod = NULL;
    _cleanup_free_ char *ip = NULL;
    pp->po.networks = pl->opts->networks;
    int r = ctr_pod_create(pl->rt, &pp->po, &pod);
    if (r < 0)
        return r;
    r = ctr__strv_push(&pl->rep->lists[CTR_KUBE_REPORT_POD], ctr_pod_id(pod));
    p->pod_id = ctr_pod_id(pod);
    if (r == 0 && start)
        r = start_infra(p, pod, &ip);
    p->pod_ip = ip;
    if (r == 0)
        r = make_containers(p, pp->init_containers, "initContainers", true, start, NULL);
    if (r == 0)
        r = make_containers(p, pp->containers, "containers", false, start, &pl->rep->lists[CTR_KUBE_REPORT_CONTAINER]);
    if (r == 0 && start)
        r = ctr_pod_start(pod);
    return r;
}

static int play_pod(struct play *pl, J *doc, const char *name)
{
    struct ctr__arena arena = { 0 };
    struct ctr__kpod p = { .d = { .arena = &arena, .warnings = &pl->rep->lists[CTR_KUBE_REPORT_WARNING] },
                           .rt = pl->rt, .configmaps = pl->configmaps, .n_configmaps = pl->n_configmaps,
                           .made_volumes = &pl->rep->lists[CTR_KUBE_REPORT_VOLUME], .dry = pl->dry };
    struct pod_plan pp = { 0 };
    ctr_pod_options_init(&pp.po, CTR_POD_OPTIONS_VERSION);
    int r = plan_pod(&p, doc, name, &pp);
    if (r == 0)
        r = pl->dry ? check_pod(&p, &pp) : make_pod(pl, &p, &pp);
    if (r == 0)
        r = volume_leftovers(&p);
    json_object_put(pp.containers);
    json_object_put(pp.init_containers);
    json_object_put(p.volumes);
    json_object_put(p.volume_uses);
    json_object_put(p.podman_annotations);
    ctr__arena_free(&arena);
    return r;
}

/* A Deployment: its template's pod, once. */
static int play_deployment(struct play *pl, J *doc, const char *name)
{
    J *spec = NULL, *tmpl = NULL;
    json_object_object_get_ex(doc, "spec", &spec);
    json_object_object_get_ex(spec, "template", &tmpl);
    if (!json_object_is_type(tmpl, json_type_object))
        return ctr__err(-EINVAL, "Deployment %s: no spec.template", doc_name(doc));
    J *replicas = ctr__kdoc_take(spec, "replicas");
    int64_t n = replicas ? json_object_get_int64(replicas) : 1;
    json_object_put(replicas);
    json_object_put(ctr__kdoc_take(spec, "selector"));
    int r = n == 1 ? 0 : ctr__strv_push(&pl->rep->lists[CTR_KUBE_REPORT_WARNING], "Deployment spec.replicas: one pod is made");
    _cleanup_json_ J *t = json_object_get(tmpl);
    json_object_object_del(spec, "template");
    J *md = NULL;
    if (r == 0 && json_object_object_get_ex(t, "metadata", &md))
        json_object_object_del(md, "name");
    if (r == 0)
        r = play_pod(pl, t, name);
    if (r == 0) {
        struct ctr__kdoc d = { .warnings = &pl->rep->lists[CTR_KUBE_REPORT_WARNING] };
        json_object_object_del(doc, "metadata");
        r = ctr__kdoc_leftovers(&d, doc, "Deployment");
    }
    return r;
}

static int play_pvc(struct play *pl, J *doc)
{
    const char *name = doc_name(doc);
    if (!name)
        return ctr__err(-EINVAL, "PersistentVolumeClaim: no metadata.name");
    _cleanup_(ctr_volume_unrefp) ctr_volume_t *v = NULL;
    if (ctr_volume_lookup(pl->rt, name, &v) == 0)
        return 0;
    ctr_volume_options_t vo = CTR_VOLUME_OPTIONS_INIT;
    vo.name = name;
    int r = ctr_volume_create(pl->rt, &vo, NULL);
    return r < 0 ? r : ctr__strv_push(&pl->rep->lists[CTR_KUBE_REPORT_VOLUME], name);
}

static int play_doc(struct play *pl, J *doc)
{
    const char *kind = doc_kind(doc);
    _cleanup_free_ char *pod = pod_name_of(doc);
    if ((streq(kind, "Pod") || streq(kind, "Deployment")) && !pod)
        return ctr__err(-EINVAL, "%s: no metadata.name", kind);
    if (streq(kind, "Pod"))
        return play_pod(pl, doc, pod);
    if (streq(kind, "Deployment"))
        return play_deployment(pl, doc, pod);
    if (streq(kind, "ConfigMap") || streq(kind, "PersistentVolumeClaim"))
        return 0; /* made before */
    _cleanup_free_ char *w = ctr__asprintf("kind %s: not supported", kind);
    return w ? ctr__strv_push(&pl->rep->lists[CTR_KUBE_REPORT_WARNING], w) : -ENOMEM;
}

static int collect_configmaps(struct play *pl, J **docs, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (!streq(doc_kind(docs[i]), "ConfigMap"))
            continue;
        J **grown = reallocarray(pl->configmaps, pl->n_configmaps + 1, sizeof(*grown));
        if (!grown)
            return -ENOMEM;
        pl->configmaps = grown;
        pl->configmaps[pl->n_configmaps++] = docs[i];
    }
    return 0;
}

/* The documents of opts->configmaps, kept in *extra. */
static int extra_configmaps(struct play *pl, J ***extra, size_t *n_extra)
{
    for (size_t i = 0; pl->opts->configmaps && pl->opts->configmaps[i]; i++) {
        J **docs = NULL;
        size_t n = 0;
        const char *text = pl->opts->configmaps[i];
        int r = parse_docs(text, strlen(text), &docs, &n);
        J **grown = r == 0 ? reallocarray(*extra, *n_extra + n, sizeof(*grown)) : NULL;
        if (r < 0 || !grown) {
            ctr__yaml_docs_free(docs, n);
            return r < 0 ? ctr__err_prefix(r, "configmap %zu", i + 1) : -ENOMEM;
        }
        if (n)
            memcpy(grown + *n_extra, docs, n * sizeof(*docs));
        free(docs);
        *extra = grown;
        *n_extra += n;
    }
    return 0;
}

/* Play copies of the documents making nothing, so that an error is found
 * before anything is made or (with --replace) removed. */
static int check_all(struct play *pl, J **docs, size_t n)
{
    struct play dry = *pl;
    dry.dry = true;
    dry.rep = report_new();
    int r = dry.rep ? 0 : -ENOMEM;
    for (size_t i = 0; r == 0 && i < n; i++) {
        _cleanup_json_ J *copy = NULL;
        r = json_object_deep_copy(docs[i], &copy, NULL) < 0 ? -ENOMEM : play_doc(&dry, copy);
    }
    ctr_kube_report_free(dry.rep);
    return r;
}

static int play_all(struct play *pl, J **docs, size_t n)
{
    int r = collect_configmaps(pl, docs, n);
    if (r == 0)
        r = check_all(pl, docs, n);
    for (size_t i = 0; r == 0 && i < n; i++)
        if (streq(doc_kind(docs[i]), "PersistentVolumeClaim"))
            r = play_pvc(pl, docs[i]);
    if (r == 0 && (pl->opts->flags & CTR_KUBE_PLAY_REPLACE))
        r = remove_pods_of(pl->rt, docs, n, NULL);
    for (size_t i = 0; r == 0 && i < n; i++)
        r = play_doc(pl, docs[i]);
    return r;
}

static const ctr_kube_play_options_t default_options = CTR_KUBE_PLAY_OPTIONS_INIT;

CTR_EXPORT int ctr_kube_play(ctr_runtime_t *rt, const char *yaml, size_t len, const ctr_kube_play_options_t *opts,
                             ctr_kube_report_t **ret)
{
    if (!rt)
        return ctr__err(-EINVAL, "ctr_kube_play: NULL runtime");
    opts = opts ? opts : &default_options;
    if (opts->version != CTR_KUBE_PLAY_OPTIONS_VERSION)
        return ctr__err(-EINVAL, "ctr_kube_play: options version %u is not %u", opts->version,
                        CTR_KUBE_PLAY_OPTIONS_VERSION);
    if (opts->flags & ~(uint64_t)(CTR_KUBE_PLAY_REPLACE | CTR_KUBE_PLAY_NO_START))
        return ctr__err(-EINVAL, "ctr_kube_play: unknown flags 0x%" PRIx64, opts->flags);
    J **docs = NULL, **extra = NULL;
    size_t n = 0, n_extra = 0;
    struct play pl = { .rt = rt, .opts = opts, .rep = report_new() };
    int r = pl.rep ? parse_docs(yaml, len, &docs, &n) : -ENOMEM;
    if (r == 0)
        r = extra_configmaps(&pl, &extra, &n_extra);
    if (r == 0)
        r = collect_configmaps(&pl, extra, n_extra);
    if (r == 0)
        r = play_all(&pl, docs, n);
    if (r < 0 && pl.rep)
        undo(&pl);
    free(pl.configmaps);
    ctr__yaml_docs_free(docs, n);
    ctr__yaml_docs_free(extra, n_extra);
    if (r == 0 && ret)
        *ret = pl.rep;
    else
        ctr_kube_report_free(pl.rep);
    return r;
}

CTR_EXPORT int ctr_kube_down(ctr_runtime_t *rt, const char *yaml, size_t len, ctr_kube_report_t **ret)
{
    if (!rt)
        return ctr__err(-EINVAL, "ctr_kube_down: NULL runtime");
    J **docs = NULL;
    size_t n = 0;
    struct ctr_kube_report *rep = report_new();
    int r = rep ? parse_docs(yaml, len, &docs, &n) : -ENOMEM;
    if (r == 0)
        r = remove_pods_of(rt, docs, n, &rep->lists[CTR_KUBE_REPORT_POD]);
    ctr__yaml_docs_free(docs, n);
    if (r == 0 && ret)
        *ret = rep;
    else
        ctr_kube_report_free(rep);
    return r;
}
