/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* kube generate: a pod or a container as a Kubernetes v1 Pod (and Service),
 * built from the public view of its containers (ctr_container_get_options(),
 * the inspect document's capabilities, the image's config). */
#include <libctr/ctr.h>
#include <libctr/ctr-kube.h>

#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "ctr-config.h"

#include "api/kube.h"
#include "base/caps.h"
#include "base/error.h"
#include "base/json-util.h"
#include "base/util.h"
#include "data/yaml.h"

typedef json_object J;

/* What one generation collects across the pod's containers. */
struct gen {
    ctr_runtime_t *rt;
    const char *pod_name;
    J *volumes;          /* spec.volumes */
    J *annotations;      /* metadata.annotations */
    const char *restart; /* the last container's restart policy */
    unsigned int n_volumes;
};

static const char kube_header[] = "# Save the output of this file and use kubectl create -f to import\n"
                                  "# it into Kubernetes.\n#\n# Created with libctr-" CTR_VERSION "\n";

/* ---- the image's defaults ---- */

struct image_defaults {
    J *config; /* the image config's "config" object, or NULL */
    J *doc;
};

static void image_defaults_clear(struct image_defaults *d)
{
    json_object_put(d->doc);
}

static int image_defaults_load(ctr_runtime_t *rt, const char *image_id, struct image_defaults *ret)
{
    *ret = (struct image_defaults){ 0 };
    if (!image_id)
        return 0;
    _cleanup_(ctr_image_unrefp) ctr_image_t *img = NULL;
    if (ctr_image_lookup(rt, image_id, &img) < 0)
        return 0; /* the image was removed: compare with nothing */
    _cleanup_free_ char *text = NULL;
    int r = ctr_image_config_json(img, &text);
    if (r < 0)
        return r;
    r = ctr__json_parse(text, "the image's config", &ret->doc);
    if (r < 0)
        return r;
    json_object_object_get_ex(ret->doc, "config", &ret->config);
    return 0;
}

static bool strv_equals_json(const char *const *v, J *arr)
{
    size_t n = v ? ctr__strv_len(v) : 0;
    size_t m = json_object_is_type(arr, json_type_array) ? json_object_array_length(arr) : 0;
    if (n != m)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!streq(v[i], json_object_get_string(json_object_array_get_idx(arr, i))))
            return false;
    return true;
}

static bool json_strv_has(J *arr, const char *s)
{
    for (size_t i = 0; json_object_is_type(arr, json_type_array) && i < json_object_array_length(arr); i++)
        if (streq(s, json_object_get_string(json_object_array_get_idx(arr, i))))
            return true;
    return false;
}

static J *get(J *o, const char *key)
{
    J *v = NULL;
    json_object_object_get_ex(o, key, &v);
    return v;
}

/* ---- small builders ---- */

static int add_strv(J *o, const char *key, const char *const *v)
{
    if (!v || !v[0])
        return 0;
    return ctr__json_set(o, key, ctr__json_strv((char *const *)v));
}

/* Take @v into array @arr: -ENOMEM when @v is NULL. */
static int push(J *arr, J *v)
{
    if (!v || json_object_array_add(arr, v) < 0) {
        json_object_put(v);
        return -ENOMEM;
    }
    return 0;
}

/* The sub-object @key of @o, made when missing; NULL on ENOMEM. */
static J *child(J *o, const char *key)
{
    J *c = get(o, key);
    if (c)
        return c;
    c = json_object_new_object();
    return ctr__json_set(o, key, c) < 0 ? NULL : c;
}

static J *child_array(J *o, const char *key)
{
    J *c = get(o, key);
    if (c)
        return c;
    c = json_object_new_array();
    return ctr__json_set(o, key, c) < 0 ? NULL : c;
}

/* ---- one container ---- */

/* command and args against the image's entrypoint and cmd (Kubernetes:
 * command replaces the entrypoint, args the cmd). */
static int gen_command(J *k, const ctr_container_options_t *o, const struct image_defaults *img)
{
    J *img_entry = get(img->config, "Entrypoint");
    J *img_cmd = get(img->config, "Cmd");
    const char *const *cmd = o->command;
    if (o->entrypoint) {
        int r = ctr__json_set(k, "command", ctr__json_strv((char *const *)o->entrypoint));
        return r < 0 ? r : add_strv(k, "args", cmd);
    }
    if (strv_equals_json(cmd, img_cmd))
        return 0;
    /* no entrypoint: the command is the whole process, as podman writes it */
    bool has_entry = json_object_is_type(img_entry, json_type_array) && json_object_array_length(img_entry) > 0;
    return add_strv(k, has_entry ? "args" : "command", cmd);
}

static int gen_env(J *k, const ctr_container_options_t *o, const struct image_defaults *img)
{
    J *img_env = get(img->config, "Env");
    J *env = NULL;
    for (size_t i = 0; o->env && o->env[i]; i++) {
        const char *eq = strchr(o->env[i], '=');
        if (!eq || json_strv_has(img_env, o->env[i]))
            continue;
        if (!env && !(env = child_array(k, "env")))
            return -ENOMEM;
        J *e = json_object_new_object();
        _cleanup_free_ char *name = strndup(o->env[i], (size_t)(eq - o->env[i]));
        if (!e || !name || ctr__json_add_str(e, "name", name) < 0 || ctr__json_add_str(e, "value", eq + 1) < 0) {
            json_object_put(e);
            return -ENOMEM;
        }
        if (push(env, e) < 0)
            return -ENOMEM;
    }
    return 0;
}

static int gen_ports(J *k, const ctr_port_mapping_t *ports, size_t n)
{
    if (n == 0)
        return 0;
    J *arr = child_array(k, "ports");
    if (!arr)
        return -ENOMEM;
    for (size_t i = 0; i < n; i++) {
        J *p = json_object_new_object();
        int r = p ? ctr__json_add_int(p, "containerPort", ports[i].container_port) : -ENOMEM;
        if (r == 0 && ports[i].host_ip && *ports[i].host_ip && !streq(ports[i].host_ip, "0.0.0.0"))
            r = ctr__json_add_str(p, "hostIP", ports[i].host_ip);
        if (r == 0 && ports[i].host_port)
            r = ctr__json_add_int(p, "hostPort", ports[i].host_port);
        if (r == 0 && ports[i].protocol && !streq(ports[i].protocol, "tcp"))
            r = ctr__json_add_str(p, "protocol", streq(ports[i].protocol, "udp") ? "UDP" : "SCTP");
        if (r < 0) {
            json_object_put(p);
            return -ENOMEM;
        }
        if (push(arr, p) < 0)
            return -ENOMEM;
    }
    return 0;
}

static int gen_resources(J *k, const ctr_container_options_t *o)
{
    char buf[64];
    int64_t millis = 0;
    if (o->nano_cpus > 0)
        millis = o->nano_cpus / 1000000;
    else if (o->cpu_quota > 0 && o->cpu_period > 0)
        millis = o->cpu_quota * 1000 / (int64_t)o->cpu_period;
    if (o->memory <= 0 && millis <= 0)
        return 0;
    J *res = child(k, "resources");
    J *limits = res ? child(res, "limits") : NULL;
    if (!limits)
        return -ENOMEM;
    if (millis > 0 && (ctr__kube_quantity_cpu(millis, buf, sizeof(buf)) < 0 || ctr__json_add_str(limits, "cpu", buf) < 0))
        return -ENOMEM;
    if (o->memory > 0 &&
        (ctr__kube_quantity_bytes(o->memory, buf, sizeof(buf)) < 0 || ctr__json_add_str(limits, "memory", buf) < 0))
        return -ENOMEM;
    return 0;
}

/* The capabilities Kubernetes' runtimes give by default (the default set
 * of the runtimes a Pod meets there): drop is what of them the container
 * lacks, add what it has beyond them, as podman writes them. */
static const char *const kube_default_caps[] = {
    "CAP_CHOWN",  "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER",  "CAP_MKNOD",
    "CAP_NET_RAW", "CAP_SETGID",      "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP",
    "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE", NULL,
};

static int gen_caps(J *sc, J *effective)
{
    J *add = NULL, *drop = NULL;
    for (size_t i = 0; i < json_object_array_length(effective); i++) {
        const char *cap = json_object_get_string(json_object_array_get_idx(effective, i));
        if (!ctr__strv_contains(kube_default_caps, cap) && push(add ? add : (add = json_object_new_array()),
                                                                 json_object_new_string(cap)) < 0)
            goto oom;
    }
    for (size_t i = 0; kube_default_caps[i]; i++)
        if (!json_strv_has(effective, kube_default_caps[i]) &&
            push(drop ? drop : (drop = json_object_new_array()), json_object_new_string(kube_default_caps[i])) < 0)
            goto oom;
    if (!add && !drop)
        return 0;
    J *caps = child(sc, "capabilities");
    if (!caps || (add && ctr__json_set(caps, "add", json_object_get(add)) < 0) ||
        (drop && ctr__json_set(caps, "drop", json_object_get(drop)) < 0))
        goto oom;
    json_object_put(add);
    json_object_put(drop);
    return 0;
oom:
    json_object_put(add);
    json_object_put(drop);
    return -ENOMEM;
}

/* runAsUser/runAsGroup from a numeric USER[:GROUP]. */
static int gen_user(J *sc, const char *user)
{
    if (!user || !*user)
        return 0;
    char *end;
    long uid = strtol(user, &end, 10);
    if (end == user || (*end && *end != ':') || uid < 0)
        return 0;
    int r = ctr__json_add_int(sc, "runAsUser", uid);
    if (r < 0 || *end != ':')
        return r;
    const char *g = end + 1;
    long gid = strtol(g, &end, 10);
    if (end == g || *end || gid < 0)
        return 0;
    return ctr__json_add_int(sc, "runAsGroup", gid);
}

static int gen_security(J *k, const ctr_container_options_t *o, J *inspect)
{
    J *sc = json_object_new_object();
    if (!sc)
        return -ENOMEM;
    int r = 0;
    if (o->flags & CTR_CREATE_PRIVILEGED)
        r = ctr__json_add_bool(sc, "privileged", true);
    if (r == 0 && (o->flags & CTR_CREATE_READ_ONLY))
        r = ctr__json_add_bool(sc, "readOnlyRootFilesystem", true);
    if (r == 0 && (o->flags & CTR_CREATE_NO_NEW_PRIVS))
        r = ctr__json_add_bool(sc, "allowPrivilegeEscalation", false);
    J *eff = get(inspect, "BoundingCaps"); /* the configured set (a non-root user's effective one is empty) */
    if (r == 0 && !(o->flags & CTR_CREATE_PRIVILEGED) && json_object_is_type(eff, json_type_array))
        r = gen_caps(sc, eff);
    if (r == 0)
        r = gen_user(sc, o->user);
    if (r == 0 && json_object_object_length(sc) > 0)
        return ctr__json_set(k, "securityContext", sc);
    json_object_put(sc);
    return r;
}

/* ---- volumes ---- */

static bool has_option(const ctr_mount_t *m, const char *opt)
{
    return m->options && ctr__strv_contains(m->options, opt);
}

/* A DNS label for volume @n from @base: lower case, [a-z0-9-], at most 63. */
static char *volume_name(const char *base, const char *suffix, unsigned int n)
{
    char clean[40];
    size_t j = 0;
    for (const char *p = base; *p && j < sizeof(clean) - 1; p++) {
        char ch = *p >= 'A' && *p <= 'Z' ? (char)(*p - 'A' + 'a') : *p;
        bool ok = (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9');
        if (ok || (j > 0 && clean[j - 1] != '-'))
            clean[j++] = ok ? ch : '-';
    }
    while (j > 0 && clean[j - 1] == '-')
        j--;
    clean[j] = '\0';
    return ctr__asprintf("%s%s%s-%u", clean, j ? "-" : "", suffix, n);
}

/* The spec.volumes entry of mount @m, named *ret_name. */
static J *volume_entry(struct gen *g, const ctr_mount_t *m, char **ret_name)
{
    const char *type = m->type ? m->type : "bind";
    J *v = json_object_new_object(), *src = json_object_new_object();
    if (!v || !src)
        goto oom;
    if (streq(type, "volume") && m->source) {
        *ret_name = ctr__asprintf("%s-pvc", m->source);
        if (ctr__json_add_str(src, "claimName", m->source) < 0 || ctr__json_set(v, "persistentVolumeClaim", src) < 0)
            goto oom_v;
    } else if (streq(type, "tmpfs") || streq(type, "volume")) {
        *ret_name = volume_name("", streq(type, "tmpfs") ? "tmpfs" : "anon", g->n_volumes++);
        for (size_t i = 0; streq(type, "tmpfs") && m->options && m->options[i]; i++)
            if (strncmp(m->options[i], "size=", 5) == 0 && ctr__json_add_str(src, "sizeLimit", m->options[i] + 5) < 0)
                goto oom;
        if ((streq(type, "tmpfs") && ctr__json_add_str(src, "medium", "Memory") < 0) ||
            ctr__json_set(v, "emptyDir", src) < 0)
            goto oom_v;
    } else {
        struct stat st;
        bool dir = !m->source || stat(m->source, &st) < 0 || S_ISDIR(st.st_mode);
        *ret_name = volume_name(m->source ? m->source : "", "host", g->n_volumes++);
        if (ctr__json_add_str(src, "path", m->source) < 0 || ctr__json_add_str(src, "type", dir ? "Directory" : "File") < 0 ||
            ctr__json_set(v, "hostPath", src) < 0)
            goto oom_v;
    }
    if (!*ret_name || ctr__json_add_str(v, "name", *ret_name) < 0)
        goto oom_v;
    return v;
oom:
    json_object_put(src);
oom_v:
    json_object_put(v);
    free(*ret_name);
    *ret_name = NULL;
    return NULL;
}

/* Whether spec.volumes has an entry named @name already (a named volume in two containers). */
static bool volume_listed(struct gen *g, const char *name)
{
    for (size_t i = 0; i < json_object_array_length(g->volumes); i++)
        if (streq_null(ctr__json_str(json_object_array_get_idx(g->volumes, i), "name"), name))
            return true;
    return false;
}

static int gen_mount(struct gen *g, J *mounts, const ctr_mount_t *m)
{
    const char *type = m->type ? m->type : "bind";
    if (!streq(type, "bind") && !streq(type, "volume") && !streq(type, "tmpfs"))
        return 0; /* devpts, proc...: nothing in Kubernetes holds them */
    _cleanup_free_ char *name = NULL;
    J *v = volume_entry(g, m, &name);
    if (!v)
        return -ENOMEM;
    if (volume_listed(g, name))
        json_object_put(v);
    else if (push(g->volumes, v) < 0)
        return -ENOMEM;
    J *vm = json_object_new_object();
    if (!vm || ctr__json_add_str(vm, "mountPath", m->destination) < 0 || ctr__json_add_str(vm, "name", name) < 0 ||
        (has_option(m, "ro") && ctr__json_add_bool(vm, "readOnly", true) < 0)) {
        json_object_put(vm);
        return -ENOMEM;
    }
    return push(mounts, vm);
}

static int gen_mounts(struct gen *g, J *k, const ctr_container_options_t *o)
{
    if (o->n_mounts == 0)
        return 0;
    J *mounts = child_array(k, "volumeMounts");
    if (!mounts)
        return -ENOMEM;
    for (size_t i = 0; i < o->n_mounts; i++) {
        int r = gen_mount(g, mounts, &o->mounts[i]);
        if (r < 0)
            return r;
    }
    if (json_object_array_length(mounts) == 0)
        json_object_object_del(k, "volumeMounts");
    return 0;
}

/* ---- annotations ---- */

static int annotate(struct gen *g, const char *key, const char *name, const char *value)
{
    _cleanup_free_ char *k = ctr__asprintf("%s/%s", key, name);
    return k ? ctr__json_add_str(g->annotations, k, value) : -ENOMEM;
}

/* podman's per-container annotations, and the container's own. */
static int gen_annotations(struct gen *g, const char *name, const ctr_container_options_t *o)
{
    int r = o->pod ? annotate(g, "io.kubernetes.cri-o.ContainerType", name, "container") : 0;
    if (r == 0)
        r = annotate(g, CTR__KUBE_ANN_TTY, name, (o->flags & CTR_CREATE_TERMINAL) ? "true" : "false");
    if (r == 0)
        r = annotate(g, CTR__KUBE_ANN_AUTOREMOVE, name, (o->flags & CTR_CREATE_AUTO_REMOVE) ? "TRUE" : "FALSE");
    if (r == 0)
        r = annotate(g, CTR__KUBE_ANN_INIT, name, (o->flags & CTR_CREATE_INIT) ? "TRUE" : "FALSE");
    if (r == 0)
        r = annotate(g, CTR__KUBE_ANN_PRIVILEGED, name, (o->flags & CTR_CREATE_PRIVILEGED) ? "TRUE" : "FALSE");
    if (r == 0)
        r = annotate(g, "io.podman.annotations.publish-all", name, "FALSE");
    for (size_t i = 0; r == 0 && o->annotations && o->annotations[i]; i++) {
        const char *eq = strchr(o->annotations[i], '=');
        _cleanup_free_ char *key = eq ? strndup(o->annotations[i], (size_t)(eq - o->annotations[i])) : NULL;
        if (eq && !key)
            return -ENOMEM;
        if (key)
            r = ctr__json_add_str(g->annotations, key, eq + 1);
    }
    return r;
}

/* ---- containers ---- */

/* The container's name in the YAML: without the pod's name before it (kube
 * play puts it back, so a generated pod plays to the same names; podman
 * 4.3 keeps it and then doubles it), and without underscores, which
 * Kubernetes' names cannot have (as podman removes them).  NULL on ENOMEM. */
static char *kube_name(const struct gen *g, const char *name)
{
    size_t n = strlen(g->pod_name);
    if (strncmp(name, g->pod_name, n) == 0 && name[n] == '-' && name[n + 1])
        name += n + 1;
    char *out = malloc(strlen(name) + 1), *q = out;
    for (; out && *name; name++)
        if (*name != '_')
            *q++ = *name;
    if (out)
        *q = '\0';
    return out;
}

static int container_inspect(ctr_container_t *c, J **ret)
{
    _cleanup_free_ char *text = NULL;
    int r = ctr_container_inspect(c, 0, &text);
    return r < 0 ? r : ctr__json_parse(text, "the container's inspect document", ret);
}

/* The image as a name Kubernetes can pull: the one given when it is one of
 * the image's names, else the image's first name (a short name as given is
 * resolved here, not there). */
static int gen_image(struct gen *g, J *k, ctr_container_t *c, const char *given)
{
    _cleanup_(ctr_image_unrefp) ctr_image_t *img = NULL;
    const char *name = given;
    if (ctr_container_image_id(c) && ctr_image_lookup(g->rt, ctr_container_image_id(c), &img) == 0) {
        const char *const *names = ctr_image_names(img);
        if (names && names[0] && !ctr__strv_contains(names, given))
            name = names[0];
    }
    return ctr__json_add_str(k, "image", name);
}

static int gen_container_body(struct gen *g, J *k, ctr_container_t *c, const ctr_container_options_t *o,
                              const char *name, const ctr_container_options_t *ports_from)
{
    _cleanup_json_ J *inspect = NULL;
    struct image_defaults img;
    int r = image_defaults_load(g->rt, ctr_container_image_id(c), &img);
    if (r < 0)
        return r;
    r = container_inspect(c, &inspect);
    if (r == 0)
        r = gen_command(k, o, &img);
    if (r == 0)
        r = gen_env(k, o, &img);
    if (r == 0)
        r = gen_image(g, k, c, o->image);
    if (r == 0)
        r = ctr__json_add_str(k, "name", name);
    if (r == 0 && ports_from)
        r = gen_ports(k, ports_from->port_mappings, ports_from->n_port_mappings);
    if (r == 0)
        r = gen_resources(k, o);
    if (r == 0)
        r = gen_security(k, o, inspect);
    if (r == 0 && (o->flags & CTR_CREATE_STDIN))
        r = ctr__json_add_bool(k, "stdin", true);
    if (r == 0 && (o->flags & CTR_CREATE_TERMINAL))
        r = ctr__json_add_bool(k, "tty", true);
    if (r == 0)
        r = gen_mounts(g, k, o);
    const char *img_wd = ctr__json_str(img.config, "WorkingDir");
    if (r == 0 && o->workdir && !streq(o->workdir, img_wd && *img_wd ? img_wd : "/"))
        r = ctr__json_add_str(k, "workingDir", o->workdir);
    image_defaults_clear(&img);
    return r;
}

static int gen_container(struct gen *g, J *containers, ctr_container_t *c, const ctr_container_options_t *ports_from)
{
    ctr_container_options_t *o = NULL;
    int r = ctr_container_get_options(c, &o);
    if (r < 0)
        return r;
    J *k = json_object_new_object();
    _cleanup_free_ char *name = kube_name(g, o->name);
    r = k && name ? gen_container_body(g, k, c, o, name, ports_from) : -ENOMEM;
    if (r == 0)
        r = gen_annotations(g, name, o);
    if (r == 0 && o->restart_policy && *o->restart_policy)
        g->restart = streq(o->restart_policy, "always") || streq(o->restart_policy, "unless-stopped") ? "Always"
                     : streq(o->restart_policy, "on-failure")                                        ? "OnFailure"
                                                                                                     : "Never";
    ctr_container_options_free(o);
    if (r < 0) {
        json_object_put(k);
        return r;
    }
    return push(containers, k);
}

/* ---- the pod ---- */

static int gen_dns_options(J *dns, const char *const *options)
{
    J *opts = NULL;
    for (size_t i = 0; options && options[i]; i++) {
        const char *s = options[i], *colon = strchr(s, ':');
        J *e = json_object_new_object();
        _cleanup_free_ char *name = colon ? strndup(s, (size_t)(colon - s)) : strdup(s);
        if (!e || !name || ctr__json_add_str(e, "name", name) < 0 ||
            (colon && ctr__json_add_str(e, "value", colon + 1) < 0) || !(opts = opts ? opts : child_array(dns, "options")) ||
            push(opts, e) < 0) {
            json_object_put(e);
            return -ENOMEM;
        }
    }
    return 0;
}

static int gen_dns(J *spec, const ctr_container_options_t *infra)
{
    if (!infra->dns_servers && !infra->dns_search && !infra->dns_options)
        return 0;
    J *dns = child(spec, "dnsConfig");
    int r = dns ? add_strv(dns, "nameservers", infra->dns_servers) : -ENOMEM;
    if (r == 0)
        r = add_strv(dns, "searches", infra->dns_search);
    return r < 0 ? r : gen_dns_options(dns, infra->dns_options);
}

/* hostAliases from HOST:IP entries, one alias each. */
static int gen_host_aliases(J *spec, const char *const *hosts)
{
    int r = 0;
    for (size_t i = 0; r == 0 && hosts && hosts[i]; i++) {
        const char *s = hosts[i], *colon = strrchr(s, ':');
        if (!colon)
            continue;
        J *aliases = child_array(spec, "hostAliases"), *e = json_object_new_object(), *names = json_object_new_array();
        _cleanup_free_ char *host = strndup(s, (size_t)(colon - s));
        if (!aliases || !e || !names || !host || push(names, json_object_new_string(host)) < 0 ||
            ctr__json_set(e, "hostnames", json_object_get(names)) < 0 || ctr__json_add_str(e, "ip", colon + 1) < 0 ||
            push(aliases, json_object_get(e)) < 0)
            r = -ENOMEM;
        json_object_put(names);
        json_object_put(e);
    }
    return r;
}

/* What the pod's infra container (or the lone container) holds for the whole pod. */
static int gen_pod_network(J *spec, const ctr_container_options_t *infra)
{
    int r = 0;
    if (infra->flags & CTR_CREATE_HOST_NETWORK)
        r = ctr__json_add_bool(spec, "hostNetwork", true);
    if (r == 0)
        r = gen_dns(spec, infra);
    return r < 0 ? r : gen_host_aliases(spec, infra->hosts_add);
}

static int rfc3339(int64_t ns, char *buf, size_t size)
{
    time_t t = (time_t)(ns / 1000000000);
    struct tm tm;
    if (!gmtime_r(&t, &tm) || strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
        return -EINVAL;
    return 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int gen_metadata(J *doc, const char *name, int64_t created, char *const *labels)
{
    char when[64];
    J *md = child(doc, "metadata");
    J *lab = md ? child(md, "labels") : NULL;
    if (!lab)
        return -ENOMEM;
    int r = rfc3339(created, when, sizeof(when)) == 0 ? ctr__json_add_str(md, "creationTimestamp", when) : 0;
    /* the labels sorted by key (as a play keeps them), with podman's app=NAME unless there is an app */
    _cleanup_strv_ char **sorted = ctr__strv_copy((const char *const *)labels);
    _cleanup_free_ char *app = ctr__asprintf("app=%s", name);
    bool has_app = false;
    for (size_t i = 0; sorted && sorted[i]; i++)
        has_app |= strncmp(sorted[i], "app=", 4) == 0;
    if (!sorted || !app || (!has_app && ctr__strv_push(&sorted, app) < 0))
        return -ENOMEM;
    qsort(sorted, ctr__strv_len((const char *const *)sorted), sizeof(*sorted), cmp_str);
    for (size_t i = 0; r == 0 && sorted[i]; i++) {
        const char *eq = strchr(sorted[i], '=');
        _cleanup_free_ char *key = eq ? strndup(sorted[i], (size_t)(eq - sorted[i])) : strdup(sorted[i]);
        r = key ? ctr__json_add_str(lab, key, eq ? eq + 1 : "") : -ENOMEM;
    }
    if (r == 0)
        r = ctr__json_add_str(md, "name", name);
    return r;
}

/* The pod's members (not the infra container), as handles. */
struct members {
    ctr_container_t **c;
    size_t n;
    ctr_container_t *infra;
};

static void members_clear(struct members *m)
{
    for (size_t i = 0; i < m->n; i++)
        ctr_container_unref(m->c[i]);
    free(m->c);
    ctr_container_unref(m->infra);
}

static int members_load(ctr_pod_t *pod, struct members *ret)
{
    _cleanup_strv_ char **ids = NULL;
    *ret = (struct members){ 0 };
    int r = ctr_pod_containers(pod, &ids);
    if (r < 0)
        return r;
    ret->c = calloc(ctr__strv_len((const char *const *)ids) + 1, sizeof(*ret->c));
    if (!ret->c)
        return -ENOMEM;
    for (size_t i = 0; ids[i]; i++) {
        ctr_container_t *c = NULL;
        r = ctr_runtime_lookup(ctr_pod_runtime(pod), ids[i], &c);
        if (r < 0)
            return r;
        if (streq_null(ids[i], ctr_pod_infra_id(pod)))
            ret->infra = c;
        else
            ret->c[ret->n++] = c;
    }
    return 0;
}

static int gen_spec(struct gen *g, J *spec, struct members *m)
{
    J *containers = child_array(spec, "containers");
    if (!containers)
        return -ENOMEM;
    ctr_container_options_t *infra = NULL;
    int r = m->infra ? ctr_container_get_options(m->infra, &infra) : 0;
    for (size_t i = 0; r == 0 && i < m->n; i++)
        r = gen_container(g, containers, m->c[i], i == 0 ? infra : NULL);
    if (r == 0 && infra)
        r = gen_pod_network(spec, infra);
    if (r == 0 && infra && infra->hostname)
        r = ctr__json_add_str(spec, "hostname", infra->hostname);
    ctr_container_options_free(infra);
    return r;
}

static J *new_doc(const char *kind)
{
    J *doc = json_object_new_object();
    if (!doc || ctr__json_add_str(doc, "apiVersion", "v1") < 0 || ctr__json_add_str(doc, "kind", kind) < 0) {
        json_object_put(doc);
        return NULL;
    }
    return doc;
}

/* spec's tail, in podman's order: volumes, then status. */
static int finish_pod(struct gen *g, J *doc, J *spec)
{
    int r = ctr__json_add_bool(spec, "enableServiceLinks", false);
    if (r == 0 && g->restart)
        r = ctr__json_add_str(spec, "restartPolicy", g->restart);
    if (r == 0 && json_object_array_length(g->volumes) > 0)
        r = ctr__json_set(spec, "volumes", json_object_get(g->volumes));
    if (r == 0 && json_object_object_length(g->annotations) > 0)
        r = ctr__json_set(child(doc, "metadata"), "annotations", json_object_get(g->annotations));
    if (r == 0)
        r = ctr__json_set(doc, "status", json_object_new_object());
    return r;
}

static int gen_pod_doc(struct gen *g, J *doc, struct members *m, int64_t created, char *const *labels)
{
    int r = gen_metadata(doc, g->pod_name, created, labels);
    J *spec = r == 0 ? child(doc, "spec") : NULL;
    if (!spec)
        return r < 0 ? r : -ENOMEM;
    r = ctr__json_add_bool(spec, "automountServiceAccountToken", false);
    if (r == 0)
        r = gen_spec(g, spec, m);
    return r < 0 ? r : finish_pod(g, doc, spec);
}

/* A Service publishing the pod's host ports, as podman's (NodePort). */
static int gen_service(const char *name, J *pod_doc, J **ret)
{
    J *svc = new_doc("Service"), *md = NULL;
    if (svc && json_object_deep_copy(get(pod_doc, "metadata"), &md, NULL) == 0 && ctr__json_set(svc, "metadata", md) < 0)
        md = NULL;
    J *spec = md ? child(svc, "spec") : NULL;
    J *ports = spec ? child_array(spec, "ports") : NULL;
    J *containers = get(get(pod_doc, "spec"), "containers");
    int r = ports ? 0 : -ENOMEM;
    for (size_t i = 0; r == 0 && i < json_object_array_length(containers); i++) {
        J *cp = get(json_object_array_get_idx(containers, i), "ports");
        if (!json_object_is_type(cp, json_type_array))
            continue;
        for (size_t j = 0; r == 0 && j < json_object_array_length(cp); j++) {
            J *p = json_object_array_get_idx(cp, j), *s = json_object_new_object();
            int64_t port = json_object_get_int64(get(p, "containerPort"));
            char pname[16];
            snprintf(pname, sizeof(pname), "%" PRId64, port);
            r = s ? 0 : -ENOMEM;
            if (r == 0)
                r = ctr__json_add_str(s, "name", pname);
            if (r == 0)
                r = ctr__json_add_int(s, "nodePort", 30000 + (int64_t)(random() % 2768));
            if (r == 0)
                r = ctr__json_add_int(s, "port", port);
            if (r == 0 && get(p, "protocol"))
                r = ctr__json_add_str(s, "protocol", ctr__json_str(p, "protocol"));
            if (r == 0)
                r = ctr__json_add_int(s, "targetPort", port);
            r = r < 0 ? (json_object_put(s), r) : push(ports, s);
        }
    }
    J *sel = r == 0 ? child(spec, "selector") : NULL;
    if (r == 0 && (!sel || ctr__json_add_str(sel, "app", name) < 0 || ctr__json_add_str(spec, "type", "NodePort") < 0))
        r = -ENOMEM;
    json_object_object_del(get(svc, "metadata"), "annotations");
    if (r < 0) {
        json_object_put(svc);
        return r;
    }
    *ret = svc;
    return 0;
}

static int emit_docs(J *pod_doc, const char *name, uint64_t flags, char **ret)
{
    J *docs[2] = { NULL, pod_doc };
    size_t first = 1;
    if (flags & CTR_KUBE_GENERATE_SERVICE) {
        int r = gen_service(name, pod_doc, &docs[0]);
        if (r < 0)
            return r;
        first = 0;
    }
    int r = ctr__yaml_emit(docs + first, 2 - first, kube_header, CTR__YAML_SORT_KEYS, ret);
    json_object_put(docs[0]);
    return r;
}

static int generate(struct gen *g, struct members *m, int64_t created, char *const *labels, uint64_t flags, char **ret)
{
    _cleanup_json_ J *doc = new_doc("Pod");
    g->volumes = json_object_new_array();
    g->annotations = json_object_new_object();
    int r = doc && g->volumes && g->annotations ? gen_pod_doc(g, doc, m, created, labels) : -ENOMEM;
    if (r == 0)
        r = emit_docs(doc, g->pod_name, flags, ret);
    json_object_put(g->volumes);
    json_object_put(g->annotations);
    return r;
}

/* The pod's labels from its inspect document, as KEY=VALUE. */
static int pod_labels(ctr_pod_t *pod, char ***ret)
{
    _cleanup_free_ char *text = NULL;
    _cleanup_json_ J *doc = NULL;
    int r = ctr_pod_inspect(pod, &text);
    if (r == 0)
        r = ctr__json_parse(text, "the pod's inspect document", &doc);
    if (r < 0)
        return r;
    *ret = ctr__strv_copy(NULL);
    J *labels = get(doc, "Labels");
    if (!*ret || !json_object_is_type(labels, json_type_object))
        return *ret ? 0 : -ENOMEM;
    json_object_object_foreach(labels, key, value)
    {
        _cleanup_free_ char *kv = ctr__asprintf("%s=%s", key, json_object_get_string(value));
        if (!kv || ctr__strv_push(ret, kv) < 0)
            return -ENOMEM;
    }
    return *ret ? 0 : -ENOMEM;
}

CTR_EXPORT int ctr_pod_generate_kube(ctr_pod_t *pod, uint64_t flags, char **ret)
{
    if (!pod || !ret)
        return ctr__err(-EINVAL, "ctr_pod_generate_kube: NULL argument");
    if (flags & ~(uint64_t)CTR_KUBE_GENERATE_SERVICE)
        return ctr__err(-EINVAL, "ctr_pod_generate_kube: unknown flags 0x%" PRIx64, flags);
    struct gen g = { .rt = ctr_pod_runtime(pod), .pod_name = ctr_pod_name(pod) };
    struct members m;
    _cleanup_strv_ char **labels = NULL;
    int r = members_load(pod, &m);
    if (r == 0)
        r = pod_labels(pod, &labels);
    if (r == 0)
        r = generate(&g, &m, ctr_pod_created(pod), labels, flags, ret);
    members_clear(&m);
    return r;
}

CTR_EXPORT int ctr_container_generate_kube(ctr_container_t *c, uint64_t flags, char **ret)
{
    if (!c || !ret)
        return ctr__err(-EINVAL, "ctr_container_generate_kube: NULL argument");
    if (flags & ~(uint64_t)CTR_KUBE_GENERATE_SERVICE)
        return ctr__err(-EINVAL, "ctr_container_generate_kube: unknown flags 0x%" PRIx64, flags);
    if (ctr_container_pod(c)) {
        _cleanup_(ctr_pod_unrefp) ctr_pod_t *pod = NULL;
        int r = ctr_pod_lookup(ctr_container_runtime(c), ctr_container_pod(c), &pod);
        if (r < 0)
            return r;
        if (streq_null(ctr_pod_infra_id(pod), ctr_container_id(c)))
            return ctr__err(-EINVAL, "%s is an infra container: generate its pod", ctr_container_name(c));
        return ctr_pod_generate_kube(pod, flags, ret);
    }
    _cleanup_free_ char *name = ctr__asprintf("%s-pod", ctr_container_name(c));
    if (!name)
        return -ENOMEM;
    struct gen g = { .rt = ctr_container_runtime(c), .pod_name = name };
    ctr_container_t *one[1] = { c };
    /* the container holds its own network settings: it is its own "infra" for them */
    struct members m = { .c = one, .n = 1, .infra = c };
    return generate(&g, &m, ctr_container_created(c), NULL, flags, ret);
}
