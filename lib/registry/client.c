/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The distribution API client of one repository: TLS from certs.d, the
 * base URL (https, or http for insecure registries that do not speak TLS),
 * authentication (anonymous first; on a 401 the challenge is answered with
 * basic credentials or a bearer token for the repository's scope, cached),
 * manifests and blobs with their digests checked.  The CA bundle of a
 * certs.d directory is a memfd (the system's CAs plus the directory's .crt
 * files), so that nothing is left on disk. */
#include <curl/curl.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <libctr/ctr-registry.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <unistd.h>

#include "base/error.h"
#include "base/json-util.h"
#include "base/util.h"
#include "registry/auth-file.h"
#include "registry/challenge.h"
#include "registry/client.h"
#include "registry/http.h"

#define SYSTEM_CA_BUNDLE "/etc/ssl/certs/ca-certificates.crt"
#define MAX_TOKENS 8

struct token {
    char *scope;
    char *header; /* "Authorization: Bearer ..." */
};

struct ctr__reg_client {
    char *domain, *repository;
    char *username, *password;
    char *base;
    bool base_known;     /* a request reached the registry at base */
    bool authorized;     /* an authorized request to the repository went through */
    struct ctr__tls tls;
    int ca_fd;
    bool push;
    const volatile int *cancel;
    char *auth_header;   /* sent with every request once known */
    struct token tokens[MAX_TOKENS];
    size_t n_tokens;
};

/* --- TLS from a certs.d directory ----------------------------------------- */

static int append_file(struct ctr__buf *b, const char *path)
{
    _cleanup_free_ char *data = NULL;
    size_t size = 0;
    int rc = ctr__read_file_at(AT_FDCWD, path, &data, &size);
    if (rc < 0)
        return rc;
    ctr__buf_printf(b, "%.*s\n", (int)size, data);
    return 0;
}

static bool has_suffix(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n > m && streq(s + n - m, suffix);
}

/* The directory's .crt files after the system's CAs, into a memfd. */
static int make_ca_bundle(ctr__reg_client_t *c, const char *dir, DIR *d)
{
    struct ctr__buf b = { 0 };
    bool any = false;
    (void)append_file(&b, SYSTEM_CA_BUNDLE);
    struct dirent *de;
    while ((de = readdir(d))) {
        if (!has_suffix(de->d_name, ".crt"))
            continue;
        _cleanup_free_ char *path = ctr__asprintf("%s/%s", dir, de->d_name);
        if (!path || append_file(&b, path) < 0) {
            free(b.p);
            return path ? ctr__err(-EINVAL, "cannot read the CA certificate %s", path) : ctr__oom("CA bundle");
        }
        any = true;
    }
    _cleanup_free_ char *pem = NULL;
    if (ctr__buf_finish(&b, &pem) < 0)
        return ctr__oom("CA bundle");
    if (!any)
        return 0;
    int fd = memfd_create("libctr-ca-bundle", MFD_CLOEXEC);
    if (fd < 0)
        return ctr__err(-errno, "memfd_create: %m");
    if (ctr__write_all(fd, pem, strlen(pem)) < 0) {
        close(fd);
        return ctr__err(-EIO, "cannot write the CA bundle");
    }
    c->ca_fd = fd;
    c->tls.ca_file = ctr__asprintf("/proc/self/fd/%d", fd);
    return c->tls.ca_file ? 0 : ctr__oom("CA bundle");
}

/* A client certificate NAME.cert with its NAME.key. */
static int find_client_cert(ctr__reg_client_t *c, const char *dir, DIR *d)
{
    rewinddir(d);
    struct dirent *de;
    while ((de = readdir(d))) {
        if (!has_suffix(de->d_name, ".cert"))
            continue;
        size_t n = strlen(de->d_name) - strlen(".cert");
        c->tls.client_cert = ctr__asprintf("%s/%s", dir, de->d_name);
        c->tls.client_key = ctr__asprintf("%s/%.*s.key", dir, (int)n, de->d_name);
        if (!c->tls.client_cert || !c->tls.client_key)
            return ctr__oom("client certificate");
        if (access(c->tls.client_key, R_OK) < 0)
            return ctr__err(-EINVAL, "client certificate %s has no key %s", c->tls.client_cert, c->tls.client_key);
        return 0;
    }
    return 0;
}

static int setup_certs(ctr__reg_client_t *c, const char *certs_dir)
{
    _cleanup_free_ char *a = NULL, *b = NULL;
    const char *dir = certs_dir;
    DIR *d = NULL;
    if (dir)
        d = opendir(dir);
    else {
        a = ctr__asprintf("/etc/containers/certs.d/%s", c->domain);
        b = ctr__asprintf("/etc/docker/certs.d/%s", c->domain);
        if (!a || !b)
            return ctr__oom("certs.d");
        if ((d = opendir(a)))
            dir = a;
        else if ((d = opendir(b)))
            dir = b;
    }
    if (!d)
        return (certs_dir && errno != ENOENT) ? ctr__err(-errno, "cannot open %s: %m", certs_dir) : 0;
    int rc = make_ca_bundle(c, dir, d);
    if (rc >= 0)
        rc = find_client_cert(c, dir, d);
    closedir(d);
    return rc;
}

/* --- the client ----------------------------------------------------------- */

static int load_credentials(ctr__reg_client_t *c, const struct ctr__reg_client_opts *o)
{
    if (o->username) {
        c->username = strdup(o->username);
        c->password = strdup(o->password ? o->password : "");
        return c->username && c->password ? 0 : ctr__oom("credentials");
    }
    _cleanup_free_ char *path = ctr__auth_file_path(o->auth_file);
    _cleanup_free_ char *key = ctr__asprintf("%s/%s", o->domain, o->repository);
    if (!path || !key)
        return ctr__oom("auth file");
    int rc = ctr__auth_file_get(path, key, &c->username, &c->password);
    if (rc == -ENOENT) {
        ctr__err_clear();
        return 0;
    }
    return rc;
}

int ctr__reg_client_new(const struct ctr__reg_client_opts *o, ctr__reg_client_t **ret)
{
    if (!o || isempty(o->domain) || isempty(o->repository))
        return ctr__err(-EINVAL, "registry client: no registry or repository");
    ctr__reg_client_t *c = calloc(1, sizeof *c);
    if (!c)
        return ctr__oom("registry client");
    c->ca_fd = -1;
    c->push = o->push;
    c->cancel = o->cancel;
    c->tls.verify = o->tls_verify == CTR_TLS_VERIFY || (o->tls_verify == CTR_TLS_DEFAULT && !o->insecure);
    c->tls.allow_http = !c->tls.verify;
    c->domain = strdup(o->domain);
    c->repository = strdup(o->repository);
    const char *host = streq(o->domain, "docker.io") ? "registry-1.docker.io" : o->domain;
    c->base = ctr__asprintf("https://%s", host);
    int rc = (c->domain && c->repository && c->base) ? 0 : ctr__oom("registry client");
    if (rc >= 0)
        rc = setup_certs(c, o->certs_dir);
    if (rc >= 0)
        rc = load_credentials(c, o);
    if (rc < 0) {
        ctr__reg_client_free(c);
        return rc;
    }
    *ret = c;
    return 0;
}

void ctr__reg_client_free(ctr__reg_client_t *c)
{
    if (!c)
        return;
    free(c->domain);
    free(c->repository);
    free(c->username);
    if (c->password)
        explicit_bzero(c->password, strlen(c->password));
    free(c->password);
    free(c->base);
    ctr__tls_clear(&c->tls);
    if (c->ca_fd >= 0)
        close(c->ca_fd);
    free(c->auth_header);
    for (size_t i = 0; i < c->n_tokens; i++) {
        free(c->tokens[i].scope);
        free(c->tokens[i].header);
    }
    free(c);
}

const char *ctr__reg_client_base(ctr__reg_client_t *c) { return c->base; }
const char *ctr__reg_client_repository(ctr__reg_client_t *c) { return c->repository; }

/* --- errors --------------------------------------------------------------- */

static int status_errno(long status)
{
    switch (status) {
    case 401:
    case 403:
        return -EACCES;
    case 404:
        return -ENOENT;
    case 400:
    case 405:
    case 416:
        return -EINVAL;
    case 429:
        return -EAGAIN;
    default:
        return status >= 500 ? -EIO : -EPROTO;
    }
}

static const char *status_text(long status)
{
    switch (status) {
    case 400: return "bad request";
    case 401: return "unauthorized";
    case 403: return "forbidden";
    case 404: return "not found";
    case 405: return "method not allowed";
    case 416: return "range not satisfiable";
    case 429: return "too many requests";
    case 500: return "internal server error";
    case 502: return "bad gateway";
    case 503: return "service unavailable";
    default: return "unexpected status";
    }
}

int ctr__reg_status_error(const struct ctr__http_resp *resp, const char *what)
{
    int code = status_errno(resp->status);
    json_object *doc = NULL, *errors = NULL, *e0 = NULL, *jc = NULL, *jm = NULL;
    if (resp->body && resp->body_size > 0) {
        doc = json_tokener_parse(resp->body);
        if (doc && json_object_object_get_ex(doc, "errors", &errors) && json_object_is_type(errors, json_type_array) &&
            json_object_array_length(errors) > 0)
            e0 = json_object_array_get_idx(errors, 0);
        if (e0 && json_object_is_type(e0, json_type_object)) {
            json_object_object_get_ex(e0, "code", &jc);
            json_object_object_get_ex(e0, "message", &jm);
        }
    }
    const char *ec = jc && json_object_is_type(jc, json_type_string) ? json_object_get_string(jc) : NULL;
    const char *em = jm && json_object_is_type(jm, json_type_string) ? json_object_get_string(jm) : NULL;
    if (ec || em)
        ctr__err(code, "%s: %ld %s: %.300s", what, resp->status, ec ? ec : status_text(resp->status),
                 em ? em : "");
    else
        ctr__err(code, "%s: %ld %s", what, resp->status, status_text(resp->status));
    json_object_put(doc);
    return code;
}

/* --- authentication ------------------------------------------------------- */

static char *basic_header(const char *user, const char *password)
{
    _cleanup_free_ char *plain = ctr__asprintf("%s:%s", user, password);
    if (!plain)
        return NULL;
    size_t n = strlen(plain);
    _cleanup_free_ unsigned char *enc = malloc(4 * ((n + 2) / 3) + 1);
    if (!enc)
        return NULL;
    EVP_EncodeBlock(enc, (const unsigned char *)plain, (int)n);
    explicit_bzero(plain, n);
    return ctr__asprintf("Authorization: Basic %s", enc);
}

/* The token of a token server's answer: {"token": ...} or {"access_token": ...}. */
static int parse_token(const struct ctr__http_resp *resp, const char *realm, char **ret)
{
    _cleanup_(ctr__json_putp) json_object *doc = NULL;
    if (!resp->body || !(doc = json_tokener_parse(resp->body)) || !json_object_is_type(doc, json_type_object))
        return ctr__err(-EPROTO, "token server %s: the answer is not a JSON object", realm);
    json_object *t = NULL;
    if (!(json_object_object_get_ex(doc, "token", &t) && json_object_is_type(t, json_type_string) &&
          json_object_get_string_len(t) > 0) &&
        !(json_object_object_get_ex(doc, "access_token", &t) && json_object_is_type(t, json_type_string) &&
          json_object_get_string_len(t) > 0))
        return ctr__err(-EPROTO, "token server %s: no token in the answer", realm);
    *ret = ctr__asprintf("Authorization: Bearer %s", json_object_get_string(t));
    return *ret ? 0 : ctr__oom("token");
}

static char *token_url(const struct ctr__challenge *ch, const char *scope, const char *extra_scope)
{
    CURL *h = curl_easy_init();
    if (!h)
        return NULL;
    char *svc = ch->service ? curl_easy_escape(h, ch->service, 0) : NULL;
    char *sc = curl_easy_escape(h, scope, 0);
    char *sc2 = extra_scope ? curl_easy_escape(h, extra_scope, 0) : NULL;
    char *url = NULL;
    if (sc && (svc || !ch->service) && (sc2 || !extra_scope))
        url = ctr__asprintf("%s%s%s%s&scope=%s%s%s", ch->realm, strchr(ch->realm, '?') ? "&" : "?",
                            svc ? "service=" : "", svc ? svc : "", sc, sc2 ? "&scope=" : "", sc2 ? sc2 : "");
    curl_free(svc);
    curl_free(sc);
    curl_free(sc2);
    curl_easy_cleanup(h);
    return url;
}

static int fetch_token(ctr__reg_client_t *c, const struct ctr__challenge *ch, const char *scope, char **ret)
{
    if (!ch->realm || (strncmp(ch->realm, "https://", 8) != 0 && strncmp(ch->realm, "http://", 7) != 0))
        return ctr__err(-EPROTO, "%s: the bearer challenge has no usable realm", c->domain);
    const char *extra = ch->scope && !streq(ch->scope, scope) ? ch->scope : NULL;
    _cleanup_free_ char *url = token_url(ch, scope, extra), *basic = NULL;
    if (!url)
        return ctr__oom("token request");
    if (c->username && !(basic = basic_header(c->username, c->password)))
        return ctr__oom("token request");
    const char *headers[] = { basic, NULL };
    struct ctr__http_req req = { .method = "GET", .url = url, .headers = basic ? headers : NULL };
    struct ctr__http_resp resp = { 0 };
    int rc = ctr__http_request(&c->tls, &req, c->cancel, &resp);
    if (rc >= 0 && resp.status != 200) {
        _cleanup_free_ char *what = ctr__asprintf("token for %s from %s", scope, ch->realm);
        rc = ctr__reg_status_error(&resp, what ? what : "token");
    } else if (rc >= 0)
        rc = parse_token(&resp, ch->realm, ret);
    if (basic)
        explicit_bzero(basic, strlen(basic));
    ctr__http_resp_clear(&resp);
    return rc;
}

/* Answer @www_authenticate: c->auth_header set for the repository's scope.
 * 0, or -EACCES when there is nothing to answer with. */
static int authorize(ctr__reg_client_t *c, const char *www_authenticate)
{
    struct ctr__challenge ch = { 0 };
    int rc = ctr__challenge_parse(www_authenticate, &ch);
    if (rc < 0)
        return rc;
    char *header = NULL;
    _cleanup_free_ char *scope = ctr__asprintf("repository:%s:%s", c->repository, c->push ? "pull,push" : "pull");
    if (!scope)
        rc = ctr__oom("scope");
    else if (streq(ch.scheme, "basic")) {
        if (!c->username)
            rc = ctr__err(-EACCES, "%s: 401 unauthorized: authentication required (no credentials)", c->domain);
        else if (!(header = basic_header(c->username, c->password)))
            rc = ctr__oom("credentials");
    } else {
        for (size_t i = 0; i < c->n_tokens && !header; i++)
            if (streq(c->tokens[i].scope, scope) && !streq_null(c->auth_header, c->tokens[i].header))
                header = strdup(c->tokens[i].header);
        if (!header && (rc = fetch_token(c, &ch, scope, &header)) >= 0 && c->n_tokens < MAX_TOKENS) {
            struct token *t = &c->tokens[c->n_tokens];
            if ((t->scope = strdup(scope)) && (t->header = strdup(header)))
                c->n_tokens++;
            else {
                free(t->scope);
                *t = (struct token){ 0 };
            }
        }
    }
    ctr__challenge_clear(&ch);
    if (rc < 0)
        return rc;
    if (!header)
        return ctr__oom("authorization");
    free(c->auth_header);
    c->auth_header = header;
    return 0;
}

/* --- requests ------------------------------------------------------------- */

/* @req sent once with the client's Authorization header and base. */
static int send_once(ctr__reg_client_t *c, const struct ctr__http_req *req, struct ctr__http_resp *ret)
{
    bool absolute = strncmp(req->url, "https://", 8) == 0 || strncmp(req->url, "http://", 7) == 0;
    _cleanup_free_ char *url = absolute ? strdup(req->url) : ctr__asprintf("%s%s", c->base, req->url);
    size_t n = ctr__strv_len(req->headers);
    _cleanup_free_ const char **headers = calloc(n + 2, sizeof *headers);
    if (!url || !headers)
        return ctr__oom("registry request");
    for (size_t i = 0; i < n; i++)
        headers[i] = req->headers[i];
    headers[n] = c->auth_header;
    struct ctr__http_req r = *req;
    r.url = url;
    r.headers = headers;
    int rc = ctr__http_request(&c->tls, &r, c->cancel, ret);
    if (rc == -EPROTO && !absolute && !c->base_known && c->tls.allow_http && strncmp(c->base, "https://", 8) == 0) {
        /* An insecure registry that does not speak TLS: plain HTTP from now on. */
        char *base = ctr__asprintf("http://%s", c->base + 8);
        if (!base)
            return ctr__oom("registry request");
        free(c->base);
        c->base = base;
        return send_once(c, req, ret);
    }
    if (rc >= 0 && !absolute)
        c->base_known = true;
    return rc;
}

int ctr__reg_request(ctr__reg_client_t *c, struct ctr__http_req *req, struct ctr__http_resp *ret)
{
    if (req->source && !c->authorized) {
        int rc = ctr__reg_ping(c);
        if (rc < 0)
            return rc;
    }
    struct ctr__http_resp resp = { 0 };
    int rc = send_once(c, req, &resp);
    if (rc >= 0 && resp.status == 401 && resp.www_authenticate && !req->source) {
        rc = authorize(c, resp.www_authenticate);
        ctr__http_resp_clear(&resp);
        if (rc >= 0)
            rc = send_once(c, req, &resp);
    }
    if (rc < 0) {
        ctr__http_resp_clear(&resp);
        return rc;
    }
    if (resp.status != 401 && resp.status != 403)
        c->authorized = true;
    *ret = resp;
    return 0;
}

int ctr__reg_ping(ctr__reg_client_t *c)
{
    /* The repository's scope is asked for on a bearer challenge, so this
     * also gets the token later requests use. */
    struct ctr__http_req req = { .method = "GET", .url = "/v2/" };
    struct ctr__http_resp resp = { 0 };
    int rc = ctr__reg_request(c, &req, &resp);
    if (rc < 0)
        return rc;
    if ((resp.status < 200 || resp.status >= 300)) {
        _cleanup_free_ char *what = ctr__asprintf("%s%s", c->base, "/v2/");
        rc = ctr__reg_status_error(&resp, what ? what : c->domain);
    }
    ctr__http_resp_clear(&resp);
    return rc;
}

/* --- manifests ------------------------------------------------------------ */

void ctr__reg_digest(const void *data, size_t size, char ret[72])
{
    unsigned char md[32];
    unsigned int len = 0;
    EVP_Digest(data, size, md, &len, EVP_sha256(), NULL);
    strcpy(ret, "sha256:");
    for (unsigned i = 0; i < 32; i++)
        sprintf(ret + 7 + 2 * i, "%02x", md[i]);
}

static bool is_digest(const char *s) { return strncmp(s, "sha256:", 7) == 0; }

bool ctr__reg_digest_valid(const char *d)
{
    return d && strlen(d) == 71 && is_digest(d) && strspn(d + 7, "0123456789abcdef") == 64;
}

static const char *const manifest_accept =
    "Accept: " CTR__MT_OCI_MANIFEST ", " CTR__MT_OCI_INDEX ", " CTR__MT_DOCKER_MANIFEST ", " CTR__MT_DOCKER_LIST;

static int manifest_request(ctr__reg_client_t *c, const char *method, const char *ref, struct ctr__http_resp *ret)
{
    if (isempty(ref) || strchr(ref, '/') || strchr(ref, '?') || strchr(ref, '#'))
        return ctr__err(-EINVAL, "invalid tag or digest \"%s\"", ref ? ref : "");
    _cleanup_free_ char *url = ctr__asprintf("/v2/%s/manifests/%s", c->repository, ref);
    if (!url)
        return ctr__oom("manifest request");
    const char *headers[] = { manifest_accept, NULL };
    struct ctr__http_req req = { .method = method, .url = url, .headers = headers, .max_body = 8u << 20 };
    struct ctr__http_resp resp = { 0 };
    int rc = ctr__reg_request(c, &req, &resp);
    if (rc < 0)
        return rc;
    if (resp.status != 200) {
        _cleanup_free_ char *what = ctr__asprintf("manifest %s/%s:%s", c->domain, c->repository, ref);
        rc = ctr__reg_status_error(&resp, what ? what : "manifest");
        ctr__http_resp_clear(&resp);
        return rc;
    }
    *ret = resp;
    return 0;
}

/* The media type: the Content-Type without parameters, else the document's
 * mediaType, else what its shape says. */
static int manifest_media_type(const struct ctr__http_resp *resp, json_object *doc, char **ret)
{
    const char *ct = resp->content_type;
    json_object *mt = NULL, *sv = NULL;
    if (json_object_object_get_ex(doc, "schemaVersion", &sv) && json_object_get_int(sv) == 1)
        ct = CTR__MT_DOCKER_SCHEMA1;
    if ((!ct || !strncmp(ct, "application/json", 16) || !strncmp(ct, "text/plain", 10)) &&
        json_object_object_get_ex(doc, "mediaType", &mt) && json_object_is_type(mt, json_type_string))
        ct = json_object_get_string(mt);
    if (!ct || !strncmp(ct, "application/json", 16) || !strncmp(ct, "text/plain", 10))
        ct = json_object_object_get_ex(doc, "manifests", NULL) ? CTR__MT_OCI_INDEX : CTR__MT_OCI_MANIFEST;
    size_t n = strcspn(ct, "; ");
    if ((n == strlen(CTR__MT_DOCKER_SCHEMA1) && !strncmp(ct, CTR__MT_DOCKER_SCHEMA1, n)) ||
        (n == strlen(CTR__MT_DOCKER_SCHEMA1_SIGNED) && !strncmp(ct, CTR__MT_DOCKER_SCHEMA1_SIGNED, n)))
        return ctr__err(-EOPNOTSUPP, "schema 1 manifests are not supported");
    *ret = strndup(ct, n);
    return *ret ? 0 : ctr__oom("media type");
}

int ctr__reg_get_manifest(ctr__reg_client_t *c, const char *tag_or_digest, char **ret_body, size_t *ret_size,
                          char **ret_media_type, char ret_digest[72])
{
    struct ctr__http_resp resp = { 0 };
    int rc = manifest_request(c, "GET", tag_or_digest, &resp);
    if (rc < 0)
        return rc;
    char digest[72];
    ctr__reg_digest(resp.body ? resp.body : "", resp.body_size, digest);
    _cleanup_(ctr__json_putp) json_object *doc = resp.body ? json_tokener_parse(resp.body) : NULL;
    char *media_type = NULL;
    if (!doc || !json_object_is_type(doc, json_type_object))
        rc = ctr__err(-EPROTO, "manifest %s/%s:%s: not a JSON object", c->domain, c->repository, tag_or_digest);
    else if (is_digest(tag_or_digest) && !streq(digest, tag_or_digest))
        rc = ctr__err(-EINVAL, "manifest %s: digest mismatch (got %s)", tag_or_digest, digest);
    else
        rc = manifest_media_type(&resp, doc, &media_type);
    if (rc < 0) {
        ctr__http_resp_clear(&resp);
        return rc;
    }
    *ret_body = TAKE_PTR(resp.body);
    if (ret_size)
        *ret_size = resp.body_size;
    if (ret_media_type)
        *ret_media_type = media_type;
    else
        free(media_type);
    if (ret_digest)
        memcpy(ret_digest, digest, sizeof digest);
    ctr__http_resp_clear(&resp);
    return 0;
}

int ctr__reg_head_manifest(ctr__reg_client_t *c, const char *tag_or_digest, char ret_digest[72])
{
    struct ctr__http_resp resp = { 0 };
    int rc = manifest_request(c, "HEAD", tag_or_digest, &resp);
    if (rc < 0)
        return rc;
    const char *d = resp.docker_digest;
    bool ok = d && strlen(d) == 71 && is_digest(d);
    if (ok)
        memcpy(ret_digest, d, 72);
    ctr__http_resp_clear(&resp);
    if (ok)
        return 0;
    /* No Docker-Content-Digest: the digest of the bytes. */
    _cleanup_free_ char *body = NULL;
    return ctr__reg_get_manifest(c, tag_or_digest, &body, NULL, NULL, ret_digest);
}

/* --- blobs ---------------------------------------------------------------- */

struct blob_state {
    const struct ctr__reg_blob_get *blob;
    EVP_MD_CTX *md;
    int64_t got;
};

struct blobs_ctx {
    ctr__reg_client_t *c;
    struct blob_state *st;
    ctr__reg_blob_done_fn done;
    void *userdata;
    int first_error;
};

static int blob_sink(void *userdata, const void *data, size_t size)
{
    struct blob_state *s = userdata;
    if (EVP_DigestUpdate(s->md, data, size) != 1)
        return ctr__err(-EIO, "sha256 of blob %s failed", s->blob->digest);
    s->got += (int64_t)size;
    if (s->blob->size >= 0 && s->got > s->blob->size)
        return ctr__err(-EINVAL, "blob %s: size mismatch (more than %lld bytes)", s->blob->digest,
                        (long long)s->blob->size);
    return s->blob->sink ? s->blob->sink(s->blob->sink_userdata, data, size) : 0;
}

static int blob_check(struct blob_state *s, struct ctr__http_resp *resp)
{
    if (resp->status != 200) {
        _cleanup_free_ char *what = ctr__asprintf("blob %s", s->blob->digest);
        return ctr__reg_status_error(resp, what ? what : "blob");
    }
    unsigned char md[32];
    unsigned int len = 0;
    char got[72] = "sha256:";
    if (EVP_DigestFinal_ex(s->md, md, &len) != 1)
        return ctr__err(-EIO, "sha256 of blob %s failed", s->blob->digest);
    for (unsigned i = 0; i < 32; i++)
        sprintf(got + 7 + 2 * i, "%02x", md[i]);
    if (s->blob->size >= 0 && s->got != s->blob->size)
        return ctr__err(-EINVAL, "blob %s: size mismatch (got %lld bytes, expected %lld)", s->blob->digest,
                        (long long)s->got, (long long)s->blob->size);
    if (!streq(got, s->blob->digest))
        return ctr__err(-EINVAL, "blob %s: digest mismatch (got %s)", s->blob->digest, got);
    return 0;
}

static int blob_done(void *userdata, size_t index, int result, struct ctr__http_resp *resp)
{
    struct blobs_ctx *x = userdata;
    int rc = result < 0 ? result : blob_check(&x->st[index], resp);
    if (rc < 0 && x->first_error == 0)
        x->first_error = rc;
    int drc = x->done ? x->done(x->userdata, index, rc) : 0;
    return drc < 0 ? drc : 0;
}

/* Before parallel transfers: the base known and the credentials answered,
 * with a HEAD of the first blob through the authorizing path. */
static int blobs_authorize(ctr__reg_client_t *c, const char *digest)
{
    if (c->authorized && c->base_known)
        return 0;
    _cleanup_free_ char *url = ctr__asprintf("/v2/%s/blobs/%s", c->repository, digest);
    if (!url)
        return ctr__oom("blob request");
    struct ctr__http_req req = { .method = "HEAD", .url = url };
    struct ctr__http_resp resp = { 0 };
    int rc = ctr__reg_request(c, &req, &resp);
    if (rc >= 0 && (resp.status == 401 || resp.status == 403)) {
        _cleanup_free_ char *what = ctr__asprintf("blob %s", digest);
        rc = ctr__reg_status_error(&resp, what ? what : "blob");
    }
    ctr__http_resp_clear(&resp);
    return rc;
}

static int blobs_prepare(ctr__reg_client_t *c, const struct ctr__reg_blob_get *blobs, size_t n,
                         struct blob_state *st, struct ctr__http_req *reqs, char **urls, const char **headers)
{
    for (size_t i = 0; i < n; i++) {
        const char *d = blobs[i].digest;
        if (!ctr__reg_digest_valid(d))
            return ctr__err(-EINVAL, "invalid blob digest \"%s\"", d ? d : "");
        st[i].blob = &blobs[i];
        if (!(st[i].md = EVP_MD_CTX_new()) || EVP_DigestInit_ex(st[i].md, EVP_sha256(), NULL) != 1)
            return ctr__oom("sha256");
        if (!(urls[i] = ctr__asprintf("%s/v2/%s/blobs/%s", c->base, c->repository, d)))
            return ctr__oom("blob request");
        reqs[i] = (struct ctr__http_req){ .method = "GET", .url = urls[i], .headers = headers,
                                          .sink = blob_sink, .sink_userdata = &st[i] };
    }
    return 0;
}

int ctr__reg_get_blobs(ctr__reg_client_t *c, const struct ctr__reg_blob_get *blobs, size_t n, unsigned max_parallel,
                       ctr__reg_blob_done_fn done, void *userdata)
{
    if (n == 0)
        return 0;
    int rc = blobs_authorize(c, blobs[0].digest ? blobs[0].digest : "");
    if (rc < 0)
        return rc;
    struct blob_state *st = calloc(n, sizeof *st);
    struct ctr__http_req *reqs = calloc(n, sizeof *reqs);
    char **urls = calloc(n, sizeof *urls);
    const char *headers[] = { c->auth_header, NULL };
    if (!st || !reqs || !urls)
        rc = ctr__oom("blob requests");
    else
        rc = blobs_prepare(c, blobs, n, st, reqs, urls, headers);
    struct blobs_ctx x = { .c = c, .st = st, .done = done, .userdata = userdata };
    if (rc >= 0)
        rc = ctr__http_multi(&c->tls, reqs, n, max_parallel, c->cancel, blob_done, &x);
    if (rc >= 0 && x.first_error < 0)
        rc = x.first_error;
    for (size_t i = 0; st && urls && i < n; i++) {
        EVP_MD_CTX_free(st[i].md);
        free(urls[i]);
    }
    free(st);
    free(reqs);
    free(urls);
    return rc;
}
