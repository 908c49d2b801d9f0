/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The public registry API, pull side: options, name resolution (short
 * names through registries.conf, blocked and insecure registries, mirrors),
 * pull and pull policies, push, login, logout.  The transfers are
 * storage/pull.c and storage/push.c over a registry/client.h client made
 * here for each place tried. */
#include <libctr/ctr.h>

#include "base/error.h"
#include "api/image-api.h"
#include "base/options.h"
#include "core/events.h"
#include "core/runtime.h"
#include "registry/auth-file.h"
#include "registry/client.h"
#include "registry/reference.h"
#include "registry/registries-conf.h"
#include "storage/pull.h"
#include "storage/push.h"

static const struct ctr__options_type registry_type = {
    "registry options", CTR_REGISTRY_OPTIONS_VERSION, (const size_t[]){ 0, sizeof(ctr_registry_options_t) }
};

CTR_EXPORT int ctr_registry_options_init(ctr_registry_options_t *opts, unsigned int version)
{
    CTR_ENTER();
    CTR_CHECK_ARG(opts);
    int r = ctr__options_clear(&registry_type, opts, version);
    if (r < 0)
        return r;
    opts->pull_policy = CTR_PULL_MISSING;
    return 0;
}

/* The caller's options over the defaults, checked. */
static int options_get(const ctr_registry_options_t *opts, ctr_registry_options_t *o)
{
    ctr_registry_options_init(o, CTR_REGISTRY_OPTIONS_VERSION);
    int r = ctr__options_copy(&registry_type, o, opts);
    if (r < 0)
        return r;
    if (o->flags)
        return ctr__err(-EINVAL, "unknown registry options flags 0x%llx", (unsigned long long)o->flags);
    if (o->tls_verify < CTR_TLS_DEFAULT || o->tls_verify > CTR_TLS_NO_VERIFY)
        return ctr__err(-EINVAL, "invalid tls_verify %d", o->tls_verify);
    if (o->pull_policy < CTR_PULL_ALWAYS || o->pull_policy > CTR_PULL_NEWER)
        return ctr__err(-EINVAL, "invalid pull policy %d", o->pull_policy);
    if (!o->username != !o->password)
        return ctr__err(-EINVAL, "credentials need both a user name and a password");
    return 0;
}

/* "docker://REF" is REF. */
static const char *strip_transport(const char *ref)
{
    return strncmp(ref, "docker://", 9) == 0 ? ref + 9 : ref;
}

/* Each reference of v as a pull names it (the tag "latest" when none is given). */
static int normalize(char **v)
{
    for (char **c = v; *c; c++) {
        _cleanup_(ctr__ref_clear) struct ctr__ref r = { 0 };
        int rc = ctr__ref_parse(*c, &r);
        if (rc < 0)
            return rc;
        char *s = ctr__ref_string(&r);
        if (!s)
            return ctr__oom("a reference");
        free(*c);
        *c = s;
    }
    return 0;
}

/* The fully qualified references to try for ref, each checked against the
 * blocked registries. */
static int candidates(const char *ref, const struct ctr__regconf *conf, char ***ret)
{
    _cleanup_(ctr__ref_clear) struct ctr__ref r = { 0 };
    int rc = ctr__ref_parse(strip_transport(ref), &r);
    if (rc < 0)
        return rc;
    _cleanup_strv_ char **v = NULL;
    if (!r.domain) {
        if ((rc = ctr__regconf_resolve(conf, strip_transport(ref), &v)) < 0 || (rc = normalize(v)) < 0)
            return rc;
    } else {
        _cleanup_free_ char *s = ctr__ref_string(&r);
        if (!s || !(v = ctr__strv_copy(NULL)) || ctr__strv_push(&v, s) < 0)
            return ctr__oom("a reference");
    }
    for (char **c = v; *c; c++) {
        const struct ctr__regconf_registry *reg = ctr__regconf_find(conf, *c);
        if (reg && reg->blocked)
            return ctr__err(-EPERM, "registry %s is blocked in registries.conf (%s)", reg->prefix, *c);
    }
    *ret = TAKE_PTR(v);
    return 0;
}

CTR_EXPORT int ctr_image_resolve_name(const char *ref, const ctr_registry_options_t *opts, char ***ret)
{
    CTR_ENTER();
    CTR_CHECK_ARG(ref);
    CTR_CHECK_ARG(ret);
    ctr_registry_options_t o;
    int r = options_get(opts, &o);
    _cleanup_(ctr__regconf_clear) struct ctr__regconf conf = { 0 };
    if (r < 0 || (r = ctr__regconf_load(o.registries_conf, &conf)) < 0)
        return r;
    return candidates(ref, &conf, ret);
}

/* Pull sref (one source of a candidate) as name. */
static int pull_source(ctr_runtime_t *rt, const struct ctr__regconf_source *src, const char *name,
                       const ctr_registry_options_t *o, char **ret_id)
{
    _cleanup_(ctr__ref_clear) struct ctr__ref sref = { 0 };
    int r = ctr__ref_parse(src->reference, &sref);
    if (r < 0)
        return r;
    struct ctr__reg_client_opts co = {
        .domain = sref.domain,
        .repository = sref.path,
        .username = o->username,
        .password = o->password,
        .auth_file = o->auth_file,
        .certs_dir = o->certs_dir,
        .tls_verify = o->tls_verify,
        .insecure = src->insecure,
        .cancel = o->cancel,
    };
    _cleanup_(ctr__reg_client_freep) ctr__reg_client_t *c = NULL;
    if ((r = ctr__reg_client_new(&co, &c)) < 0)
        return r;
    struct ctr__pull_opts po = {
        .name = name,
        .platform = o->platform,
        .max_connections = o->max_connections,
        .progress = o->progress,
        .progress_userdata = o->progress_userdata,
        .cancel = o->cancel,
    };
    r = ctr__image_pull(ctr__runtime_settings(rt), &sref, c, &po, ret_id);
    if (r >= 0)
        ctr__rt_log(rt, CTR_LOG_INFO, "pulled %s from %s", name ? name : src->reference, src->reference);
    return r;
}

/* Pull one candidate: its mirrors, then its location. */
static int pull_candidate(ctr_runtime_t *rt, const struct ctr__regconf *conf, const char *cand,
                          const ctr_registry_options_t *o, char **ret_id)
{
    _cleanup_(ctr__ref_clear) struct ctr__ref r = { 0 };
    int rc = ctr__ref_parse(cand, &r);
    if (rc < 0)
        return rc;
    /* Named by tag; a digest-only reference gives no name (as podman). */
    _cleanup_free_ char *name = r.tag ? ctr__asprintf("%s/%s:%s", r.domain, r.path, r.tag) : NULL;
    if (r.tag && !name)
        return ctr__oom("an image name");
    struct ctr__regconf_source *src = NULL;
    size_t n = 0;
    if ((rc = ctr__regconf_pull_sources(conf, cand, &src, &n)) < 0)
        return rc;
    rc = ctr__err(-ENOENT, "%s: no place to pull it from", cand);
    for (size_t i = 0; i < n; i++) {
        if ((rc = pull_source(rt, &src[i], name, o, ret_id)) >= 0 || rc == -ECANCELED)
            break;
    }
    ctr__regconf_sources_free(src, n);
    return rc;
}

/* Try the candidates in order; the errors of all when every one failed. */
static int pull_any(ctr_runtime_t *rt, const char *ref, const ctr_registry_options_t *o, char **ret_id)
{
    _cleanup_(ctr__regconf_clear) struct ctr__regconf conf = { 0 };
    _cleanup_strv_ char **cands = NULL;
    int r = ctr__regconf_load(o->registries_conf, &conf);
    if (r < 0 || (r = candidates(ref, &conf, &cands)) < 0)
        return r;
    size_t n = ctr__strv_len((const char *const *)cands);
    struct ctr__buf why = { 0 };
    for (size_t i = 0; i < n; i++) {
        if ((r = pull_candidate(rt, &conf, cands[i], o, ret_id)) >= 0 || r == -ECANCELED || n == 1) {
            free(why.p);
            return r;
        }
        ctr__buf_printf(&why, "%s%s: %s", i ? "; " : "", cands[i], ctr_error_last()->message);
    }
    _cleanup_free_ char *msg = NULL;
    int code = r;
    if (ctr__buf_finish(&why, &msg) < 0)
        return -ENOMEM;
    return ctr__err(code, "pulling %s: every candidate failed: %s", ref, msg);
}

CTR_EXPORT int ctr_image_pull(ctr_runtime_t *rt, const char *ref, const ctr_registry_options_t *opts,
                              ctr_image_t **ret)
{
    CTR_ENTER();
    CTR_CHECK_ARG(rt);
    CTR_CHECK_ARG(ref);
    ctr_registry_options_t o;
    _cleanup_free_ char *id = NULL;
    int r = options_get(opts, &o);
    if (r < 0 || (r = pull_any(rt, ref, &o, &id)) < 0)
        return r;
    ctr__event_object(rt, CTR__EVENT_IMAGE, "pull", NULL, ref); /* podman's: the name, no ID */
    return ret ? ctr_image_lookup(rt, id, ret) : 0;
}

/* A failure to reach the registry (the "newer" policy then keeps the stored image). */
static bool unreachable(int r)
{
    return r == -ECONNREFUSED || r == -EHOSTUNREACH || r == -ETIMEDOUT || r == -EPROTO || r == -EAGAIN ||
           r == -ENETUNREACH;
}

CTR_EXPORT int ctr_image_pull_policy(ctr_runtime_t *rt, const char *ref, const ctr_registry_options_t *opts,
                                     ctr_image_t **ret)
{
    CTR_ENTER();
    CTR_CHECK_ARG(rt);
    CTR_CHECK_ARG(ref);
    ctr_registry_options_t o;
    int r = options_get(opts, &o);
    if (r < 0)
        return r;
    ctr_image_t *local = NULL;
    if (o.pull_policy != CTR_PULL_ALWAYS) {
        r = ctr_image_lookup(rt, strip_transport(ref), &local);
        if (r < 0 && r != -ENOENT)
            return r;
        if (r == -ENOENT && o.pull_policy == CTR_PULL_NEVER)
            return ctr__err(-ENOENT, "%s: image not known, and the pull policy is \"never\"", ref);
        if (local && o.pull_policy != CTR_PULL_NEWER) {
            if (ret)
                *ret = local;
            else
                ctr_image_unref(local);
            return 0;
        }
    }
    CTR_ENTER();
    _cleanup_free_ char *id = NULL;
    r = pull_any(rt, ref, &o, &id);
    if (r < 0 && local && unreachable(r)) {
        ctr__rt_log(rt, CTR_LOG_WARNING, "%s: %s; using the stored image", ref, ctr_error_last()->message);
        r = 0;
    } else if (r >= 0 && local) {
        local = ctr_image_unref(local);
    }
    if (r < 0 || local) {
        if (r >= 0 && ret)
            *ret = local;
        else
            ctr_image_unref(local);
        return r;
    }
    return ret ? ctr_image_lookup(rt, id, ret) : 0;
}

/* ---- login, logout ---- */

/* REGISTRY as "HOST[:PORT]" or "HOST[:PORT]/PATH": its domain and path. */
static int registry_split(const char *registry, char **ret_domain, char **ret_path)
{
    registry = strip_transport(registry);
    size_t len = strlen(registry);
    while (len && registry[len - 1] == '/')
        len--;
    const char *slash = memchr(registry, '/', len);
    size_t dl = slash ? (size_t)(slash - registry) : len;
    if (dl == 0 || memchr(registry, ' ', len) || (slash && slash + 1 == registry + len))
        return ctr__err(-EINVAL, "invalid registry \"%.100s\"", registry);
    *ret_domain = strndup(registry, dl);
    *ret_path = slash ? strndup(slash + 1, len - dl - 1) : NULL;
    if (!*ret_domain || (slash && !*ret_path)) {
        free(*ret_domain);
        free(*ret_path);
        return ctr__oom("a registry name");
    }
    return 0;
}

CTR_EXPORT int ctr_registry_login(const char *registry, const char *username, const char *password,
                                  const ctr_registry_options_t *opts)
{
    CTR_ENTER();
    CTR_CHECK_ARG(registry);
    CTR_CHECK_ARG(username);
    CTR_CHECK_ARG(password);
    ctr_registry_options_t o;
    _cleanup_free_ char *domain = NULL, *path = NULL, *file = NULL, *key = NULL;
    _cleanup_(ctr__regconf_clear) struct ctr__regconf conf = { 0 };
    int r = options_get(opts, &o);
    if (r < 0 || (r = registry_split(registry, &domain, &path)) < 0 ||
        (r = ctr__regconf_load(o.registries_conf, &conf)) < 0)
        return r;
    if (!(key = path ? ctr__asprintf("%s/%s", domain, path) : strdup(domain)))
        return ctr__oom("a registry name");
    const struct ctr__regconf_registry *reg = ctr__regconf_find(&conf, key);
    if (reg && reg->blocked)
        return ctr__err(-EPERM, "registry %s is blocked in registries.conf", reg->prefix);
    /* A login to a host asks for no repository's scope; the client wants one. */
    struct ctr__reg_client_opts co = {
        .domain = domain,
        .repository = path ? path : "library",
        .username = username,
        .password = password,
        .certs_dir = o.certs_dir,
        .tls_verify = o.tls_verify,
        .insecure = reg && reg->insecure,
        .cancel = o.cancel,
    };
    _cleanup_(ctr__reg_client_freep) ctr__reg_client_t *c = NULL;
    if ((r = ctr__reg_client_new(&co, &c)) < 0 || (r = ctr__reg_ping(c)) < 0)
        return r == -EACCES ? ctr__err_prefix(r, "logging in to %s", key) : r;
    if (!(file = ctr__auth_file_path(o.auth_file)))
        return ctr__oom("the credentials file's path");
    return ctr__auth_file_set(file, key, username, password);
}

CTR_EXPORT int ctr_registry_logout(const char *registry, const ctr_registry_options_t *opts)
{
    CTR_ENTER();
    ctr_registry_options_t o;
    _cleanup_free_ char *file = NULL;
    int r = options_get(opts, &o);
    if (r < 0)
        return r;
    if (!(file = ctr__auth_file_path(o.auth_file)))
        return ctr__oom("the credentials file's path");
    if (registry)
        registry = strip_transport(registry);
    r = ctr__auth_file_remove(file, registry);
    if (r == -ENOENT && registry)
        return ctr__err(-ENOENT, "not logged into %s", registry);
    return r;
}

CTR_EXPORT int ctr_registry_login_user(const char *registry, const ctr_registry_options_t *opts,
                                       char **ret_username)
{
    CTR_ENTER();
    CTR_CHECK_ARG(registry);
    CTR_CHECK_ARG(ret_username);
    ctr_registry_options_t o;
    _cleanup_free_ char *file = NULL, *user = NULL, *password = NULL;
    int r = options_get(opts, &o);
    if (r < 0)
        return r;
    if (!(file = ctr__auth_file_path(o.auth_file)))
        return ctr__oom("the credentials file's path");
    registry = strip_transport(registry);
    if ((r = ctr__auth_file_get(file, registry, &user, &password)) < 0)
        return r == -ENOENT ? ctr__err(-ENOENT, "not logged into %s", registry) : r;
    *ret_username = TAKE_PTR(user);
    return 0;
}

/* ---- push ---- */

/* The repositories of names on dest's registry other than dest's own. */
static int mount_sources(const struct ctr__ref *dest, const char *const *names, char ***ret)
{
    _cleanup_strv_ char **v = ctr__strv_copy(NULL);
    if (!v)
        return ctr__oom("mount sources");
    for (const char *const *n = names; n && *n; n++) {
        _cleanup_(ctr__ref_clear) struct ctr__ref r = { 0 };
        if (ctr__ref_parse(*n, &r) < 0) {
            ctr__err_clear();
            continue;
        }
        if (streq_null(r.domain, dest->domain) && !streq(r.path, dest->path) &&
            !ctr__strv_contains((const char *const *)v, r.path) && ctr__strv_push(&v, r.path) < 0)
            return ctr__oom("mount sources");
    }
    *ret = TAKE_PTR(v);
    return 0;
}

/* A client for dest, with push scopes; registries.conf's verdict on it. */
static int push_client(const struct ctr__ref *dest, const char *name, const ctr_registry_options_t *o,
                       ctr__reg_client_t **ret)
{
    _cleanup_(ctr__regconf_clear) struct ctr__regconf conf = { 0 };
    int r = ctr__regconf_load(o->registries_conf, &conf);
    if (r < 0)
        return r;
    const struct ctr__regconf_registry *reg = ctr__regconf_find(&conf, name);
    if (reg && reg->blocked)
        return ctr__err(-EPERM, "registry %s is blocked in registries.conf (%s)", reg->prefix, name);
    struct ctr__reg_client_opts co = {
        .domain = dest->domain,
        .repository = dest->path,
        .username = o->username,
        .password = o->password,
        .auth_file = o->auth_file,
        .certs_dir = o->certs_dir,
        .tls_verify = o->tls_verify,
        .insecure = reg && reg->insecure,
        .push = true,
        .cancel = o->cancel,
    };
    return ctr__reg_client_new(&co, ret);
}

static int parse_dest(const char *dest, struct ctr__ref *ret, char **ret_name)
{
    int r = ctr__ref_parse(strip_transport(dest), ret);
    if (r < 0)
        return r;
    if (!ret->domain)
        return ctr__err(-EINVAL, "cannot push to \"%s\": not fully qualified (HOST[:PORT]/PATH[:TAG])", dest);
    if (ret->digest)
        return ctr__err(-EINVAL, "cannot push to \"%s\": a digest reference (push by tag)", dest);
    if (!(*ret_name = ctr__ref_string(ret)))
        return ctr__oom("a reference");
    return 0;
}

CTR_EXPORT int ctr_image_push(ctr_image_t *img, const char *dest, const ctr_registry_options_t *opts, char **ret_digest)
{
    CTR_ENTER();
    CTR_CHECK_ARG(img);
    CTR_CHECK_ARG(dest);
    ctr_runtime_t *rt = ctr__image_runtime(img);
    const char *id = ctr__image_id(img);
    ctr_registry_options_t o;
    _cleanup_(ctr__ref_clear) struct ctr__ref d = { 0 };
    _cleanup_free_ char *name = NULL;
    _cleanup_strv_ char **from = NULL;
    _cleanup_(ctr__reg_client_freep) ctr__reg_client_t *c = NULL;
    int r = options_get(opts, &o);
    if (r < 0 || (r = parse_dest(dest, &d, &name)) < 0 || (r = mount_sources(&d, ctr_image_names(img), &from)) < 0 ||
        (r = push_client(&d, name, &o, &c)) < 0)
        return r;
    struct ctr__push_opts po = {
        .reference = name,
        .tag = d.tag,
        .mount_from = (const char *const *)from,
        .progress = o.progress,
        .progress_userdata = o.progress_userdata,
        .cancel = o.cancel,
    };
    char digest[72];
    if ((r = ctr__image_push(ctr__runtime_settings(rt), id, c, &po, digest)) < 0)
        return r;
    ctr__rt_log(rt, CTR_LOG_INFO, "pushed image %.12s to %s (%s)", id, name, digest);
    ctr__event_object(rt, CTR__EVENT_IMAGE, "push", id, dest);
    if (ret_digest && !(*ret_digest = strdup(digest)))
        return ctr__oom("a digest");
    return 0;
}
