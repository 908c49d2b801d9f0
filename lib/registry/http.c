/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* HTTP for the registry client, over libcurl: one easy handle per
 * transfer, a multi handle for parallel ones.  Redirects are followed by
 * libcurl, which (since 7.58) does not send a custom Authorization header to
 * another host, and never with CURLOPT_UNRESTRICTED_AUTH, which stays off.
 * A body goes to the request's sink only for a 2xx answer; the body of
 * any other answer is collected (small) for the error message. */
#include <ctype.h>
#include <curl/curl.h>
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/error.h"
#include "base/util.h"
#include "ctr-config.h"
#include "registry/http.h"

#define DEFAULT_MAX_BODY (4u << 20)
#define ERROR_BODY_MAX (64u << 10)

struct transfer {
    CURL *h;
    struct curl_slist *headers;
    const struct ctr__http_req *req;
    const volatile int *cancel;
    size_t index;         /* in ctr__http_multi()'s array */
    struct ctr__http_resp resp;
    struct ctr__buf body;
    size_t body_limit;
    size_t sent;
    int error;            /* the sink's or source's error, or -EFBIG */
    char errbuf[CURL_ERROR_SIZE];
};

void ctr__tls_clear(struct ctr__tls *t)
{
    if (!t)
        return;
    free(t->ca_file);
    free(t->client_cert);
    free(t->client_key);
    *t = (struct ctr__tls){ 0 };
}

void ctr__http_resp_clear(struct ctr__http_resp *r)
{
    if (!r)
        return;
    free(r->body);
    free(r->content_type);
    free(r->location);
    free(r->docker_digest);
    free(r->www_authenticate);
    free(r->range);
    free(r->effective_url);
    *r = (struct ctr__http_resp){ .content_length = -1 };
}

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static CURLcode curl_init_result;
static void curl_init(void) { curl_init_result = curl_global_init(CURL_GLOBAL_DEFAULT); }

/* A header value: @line "Name: value\r\n" when Name is @name, else NULL. */
static char *header_value(const char *line, size_t n, const char *name)
{
    size_t len = strlen(name);
    if (n <= len || strncasecmp(line, name, len) != 0 || line[len] != ':')
        return NULL;
    const char *v = line + len + 1, *end = line + n;
    while (v < end && (*v == ' ' || *v == '\t'))
        v++;
    while (end > v && (end[-1] == '\r' || end[-1] == '\n' || end[-1] == ' ' || end[-1] == '\t'))
        end--;
    return strndup(v, (size_t)(end - v));
}

static void set_header(char **slot, char *v)
{
    if (!v)
        return;
    free(*slot);
    *slot = v;
}

static size_t on_header(char *data, size_t size, size_t nmemb, void *userdata)
{
    struct transfer *t = userdata;
    size_t n = size * nmemb;
    struct ctr__http_resp *r = &t->resp;
    if (n > 5 && strncmp(data, "HTTP/", 5) == 0) {
        /* A new response (after a redirect or a 100): forget the last one's. */
        char *eff = TAKE_PTR(r->effective_url);
        ctr__http_resp_clear(r);
        r->effective_url = eff;
        const char *sp = memchr(data, ' ', n);
        r->status = sp ? strtol(sp + 1, NULL, 10) : 0;
        free(t->body.p);
        t->body = (struct ctr__buf){ 0 };
        return n;
    }
    set_header(&r->content_type, header_value(data, n, "Content-Type"));
    set_header(&r->location, header_value(data, n, "Location"));
    set_header(&r->docker_digest, header_value(data, n, "Docker-Content-Digest"));
    set_header(&r->www_authenticate, header_value(data, n, "WWW-Authenticate"));
    set_header(&r->range, header_value(data, n, "Range"));
    _cleanup_free_ char *len = header_value(data, n, "Content-Length");
    if (len) {
        char *end;
        long long v = strtoll(len, &end, 10);
        r->content_length = (*len && !*end && v >= 0) ? v : -1;
    }
    return n;
}

static size_t on_body(char *data, size_t size, size_t nmemb, void *userdata)
{
    struct transfer *t = userdata;
    size_t n = size * nmemb;
    bool ok = t->resp.status >= 200 && t->resp.status < 300;
    if (ok && t->req->sink) {
        int rc = t->req->sink(t->req->sink_userdata, data, n);
        if (rc < 0) {
            t->error = rc;
            return 0;
        }
        return n;
    }
    size_t limit = ok ? t->body_limit : ERROR_BODY_MAX;
    if (t->body.len + n > limit) {
        if (!ok)
            return n; /* an error's body is only for the message: keep its start */
        t->error = ctr__err(-EFBIG, "%s: response larger than %zu bytes", t->req->url, limit);
        return 0;
    }
    ctr__buf_printf(&t->body, "%.*s", (int)n, data);
    if (t->body.oom) {
        t->error = ctr__oom("http response");
        return 0;
    }
    return n;
}

static size_t on_read(char *buf, size_t size, size_t nmemb, void *userdata)
{
    struct transfer *t = userdata;
    size_t n = size * nmemb;
    const struct ctr__http_req *req = t->req;
    if (req->source) {
        long got = req->source(req->source_userdata, buf, n);
        if (got < 0) {
            t->error = (int)got;
            return CURL_READFUNC_ABORT;
        }
        t->sent += (size_t)got;
        return (size_t)got;
    }
    size_t left = req->body_size - t->sent;
    if (n > left)
        n = left;
    memcpy(buf, (const char *)req->body + t->sent, n);
    t->sent += n;
    return n;
}

static int on_progress(void *userdata, curl_off_t dt, curl_off_t dn, curl_off_t ut, curl_off_t un)
{
    struct transfer *t = userdata;
    return (t->cancel && *t->cancel) ? 1 : 0;
}

static int setup_method(struct transfer *t)
{
    const struct ctr__http_req *req = t->req;
    CURL *h = t->h;
    bool has_body = req->body || req->source;
    if (streq(req->method, "HEAD"))
        curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
    else if (has_body) {
        curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
        curl_easy_setopt(h, CURLOPT_READFUNCTION, on_read);
        curl_easy_setopt(h, CURLOPT_READDATA, t);
        curl_easy_setopt(h, CURLOPT_INFILESIZE_LARGE,
                         (curl_off_t)(req->source && req->body_size == (size_t)-1 ? -1 : (curl_off_t)req->body_size));
        if (!streq(req->method, "PUT"))
            curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, req->method);
    } else if (streq(req->method, "POST") || streq(req->method, "PUT") || streq(req->method, "PATCH")) {
        curl_easy_setopt(h, CURLOPT_POST, 1L);
        curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, 0L);
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, "");
        if (!streq(req->method, "POST"))
            curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, req->method);
    } else if (!streq(req->method, "GET"))
        curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, req->method);
    return 0;
}

static int setup_headers(struct transfer *t)
{
    const struct ctr__http_req *req = t->req;
    /* No "Expect: 100-continue" round trip for uploads. */
    struct curl_slist *l = curl_slist_append(NULL, "Expect:");
    for (const char *const *hd = req->headers; l && hd && *hd; hd++) {
        struct curl_slist *n = curl_slist_append(l, *hd);
        if (!n) {
            curl_slist_free_all(l);
            l = NULL;
        } else
            l = n;
    }
    if (!l)
        return ctr__oom("http headers");
    t->headers = l;
    curl_easy_setopt(t->h, CURLOPT_HTTPHEADER, l);
    return 0;
}

static void setup_tls(CURL *h, const struct ctr__tls *tls)
{
    bool verify = !tls || tls->verify;
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, verify ? 1L : 0L);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, verify ? 2L : 0L);
    if (!tls)
        return;
    if (tls->ca_file)
        curl_easy_setopt(h, CURLOPT_CAINFO, tls->ca_file);
    if (tls->client_cert)
        curl_easy_setopt(h, CURLOPT_SSLCERT, tls->client_cert);
    if (tls->client_key)
        curl_easy_setopt(h, CURLOPT_SSLKEY, tls->client_key);
}

static void transfer_free(struct transfer *t)
{
    if (!t)
        return;
    if (t->h)
        curl_easy_cleanup(t->h);
    curl_slist_free_all(t->headers);
    ctr__http_resp_clear(&t->resp);
    free(t->body.p);
    free(t);
}

static int transfer_new(const struct ctr__tls *tls, const struct ctr__http_req *req, const volatile int *cancel,
                        struct transfer **ret)
{
    pthread_once(&curl_once, curl_init);
    if (curl_init_result != CURLE_OK)
        return ctr__err(-EIO, "libcurl: %s", curl_easy_strerror(curl_init_result));
    if (!req || !req->method || !req->url)
        return ctr__err(-EINVAL, "http request: no method or URL");
    struct transfer *t = calloc(1, sizeof *t);
    if (!t || !(t->h = curl_easy_init())) {
        free(t);
        return ctr__oom("http transfer");
    }
    t->req = req;
    t->cancel = cancel;
    t->resp.content_length = -1;
    t->body_limit = req->max_body ? req->max_body : DEFAULT_MAX_BODY;
    CURL *h = t->h;
    curl_easy_setopt(h, CURLOPT_URL, req->url);
    curl_easy_setopt(h, CURLOPT_PRIVATE, t);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, t->errbuf);
    curl_easy_setopt(h, CURLOPT_USERAGENT, "libctr/" CTR_VERSION);
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, req->no_redirect ? 0L : 1L);
    curl_easy_setopt(h, CURLOPT_MAXREDIRS, 10L);
    curl_easy_setopt(h, CURLOPT_UNRESTRICTED_AUTH, 0L);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, 30L);
    curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1L);
    curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, 120L);
    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, t);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, t);
    curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, on_progress);
    curl_easy_setopt(h, CURLOPT_XFERINFODATA, t);
    setup_tls(h, tls);
    setup_method(t);
    int rc = setup_headers(t);
    if (rc < 0) {
        transfer_free(t);
        return rc;
    }
    *ret = t;
    return 0;
}

/* "HOST[:PORT]" of @url into @buf. */
static const char *url_host(const char *url, char *buf, size_t size)
{
    const char *p = strstr(url, "://");
    p = p ? p + 3 : url;
    size_t n = strcspn(p, "/?#");
    snprintf(buf, size, "%.*s", (int)n, p);
    return buf;
}

static int tls_error(struct transfer *t, CURLcode code)
{
    char host[256];
    url_host(t->req->url, host, sizeof host);
    const char *why = t->errbuf[0] ? t->errbuf : curl_easy_strerror(code);
    const char *prob = strstr(why, "SSL certificate problem: ");
    if (code == CURLE_PEER_FAILED_VERIFICATION && prob)
        return ctr__err(-EPROTO, "TLS: certificate of %s not trusted (%s)", host,
                        prob + strlen("SSL certificate problem: "));
    if (code == CURLE_PEER_FAILED_VERIFICATION)
        return ctr__err(-EPROTO, "TLS: certificate of %s not accepted (%s)", host, why);
    return ctr__err(-EPROTO, "TLS with %s failed: %s", host, why);
}

/* The result of a finished transfer; the response moved into t->resp. */
static int transfer_result(struct transfer *t, CURLcode code)
{
    const char *url = t->req->url, *why = t->errbuf[0] ? t->errbuf : curl_easy_strerror(code);
    switch (code) {
    case CURLE_OK:
        break;
    case CURLE_COULDNT_CONNECT:
        return ctr__err(-ECONNREFUSED, "%s: cannot connect: %s", url, why);
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
        return ctr__err(-EHOSTUNREACH, "%s: %s", url, why);
    case CURLE_OPERATION_TIMEDOUT:
        return ctr__err(-ETIMEDOUT, "%s: timed out: %s", url, why);
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_CRL_BADFILE:
    case CURLE_SSL_ENGINE_NOTFOUND:
        return tls_error(t, code);
    case CURLE_ABORTED_BY_CALLBACK:
        return ctr__err(-ECANCELED, "%s: canceled", url);
    case CURLE_TOO_MANY_REDIRECTS:
        return ctr__err(-EPROTO, "%s: too many redirects", url);
    case CURLE_WRITE_ERROR:
    case CURLE_READ_ERROR:
        if (t->error < 0)
            return t->error; /* the sink's or source's, with its message */
        return ctr__err(-EIO, "%s: %s", url, why);
    default:
        if (t->error < 0)
            return t->error;
        return ctr__err(-EIO, "%s: %s", url, why);
    }
    char *eff = NULL;
    curl_easy_getinfo(t->h, CURLINFO_EFFECTIVE_URL, &eff);
    long status = 0;
    curl_easy_getinfo(t->h, CURLINFO_RESPONSE_CODE, &status);
    t->resp.status = status;
    free(t->resp.effective_url);
    t->resp.effective_url = ctr__strdup_null(eff ? eff : url);
    free(t->resp.body);
    t->resp.body = NULL;
    if (!t->req->sink || status < 200 || status >= 300) {
        t->resp.body_size = t->body.len;
        if (ctr__buf_finish(&t->body, &t->resp.body) < 0)
            return ctr__oom("http response");
    }
    return 0;
}

int ctr__http_request(const struct ctr__tls *tls, const struct ctr__http_req *req, const volatile int *cancel,
                      struct ctr__http_resp *ret)
{
    struct transfer *t = NULL;
    int rc = transfer_new(tls, req, cancel, &t);
    if (rc < 0)
        return rc;
    if (cancel && *cancel)
        rc = ctr__err(-ECANCELED, "%s: canceled", req->url);
    else
        rc = transfer_result(t, curl_easy_perform(t->h));
    if (rc >= 0) {
        *ret = t->resp;
        t->resp = (struct ctr__http_resp){ 0 };
    }
    transfer_free(t);
    return rc;
}

struct multi {
    CURLM *m;
    struct transfer **running; /* by request index */
    size_t n, next, active;
};

static int multi_start(struct multi *mu, const struct ctr__tls *tls, const struct ctr__http_req *reqs,
                       const volatile int *cancel)
{
    size_t i = mu->next++;
    int rc = transfer_new(tls, &reqs[i], cancel, &mu->running[i]);
    if (rc < 0)
        return rc;
    mu->running[i]->index = i;
    if (curl_multi_add_handle(mu->m, mu->running[i]->h) != CURLM_OK)
        return ctr__err(-EIO, "%s: cannot start the transfer", reqs[i].url);
    mu->active++;
    return 0;
}

/* Handle the finished transfers: 0, or the first error (a transfer's or @done's). */
static int multi_collect(struct multi *mu, ctr__http_done_fn done, void *userdata)
{
    CURLMsg *msg;
    int left;
    while ((msg = curl_multi_info_read(mu->m, &left))) {
        if (msg->msg != CURLMSG_DONE)
            continue;
        struct transfer *t = NULL;
        curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&t);
        size_t i = t->index;
        int rc = transfer_result(t, msg->data.result);
        curl_multi_remove_handle(mu->m, t->h);
        mu->active--;
        int drc = done ? done(userdata, i, rc, &t->resp) : 0;
        transfer_free(t);
        mu->running[i] = NULL;
        if (rc < 0)
            return rc;
        if (drc < 0)
            return drc;
    }
    return 0;
}

static void multi_end(struct multi *mu)
{
    for (size_t i = 0; i < mu->n; i++)
        if (mu->running[i]) {
            curl_multi_remove_handle(mu->m, mu->running[i]->h);
            transfer_free(mu->running[i]);
        }
    free(mu->running);
    curl_multi_cleanup(mu->m);
}

int ctr__http_multi(const struct ctr__tls *tls, const struct ctr__http_req *reqs, size_t n, unsigned max_parallel,
                    const volatile int *cancel, ctr__http_done_fn done, void *userdata)
{
    pthread_once(&curl_once, curl_init);
    if (n == 0)
        return 0;
    struct multi mu = { .n = n };
    mu.running = calloc(n, sizeof *mu.running);
    mu.m = curl_multi_init();
    if (!mu.running || !mu.m) {
        multi_end(&mu);
        return ctr__oom("http transfers");
    }
    if (max_parallel == 0)
        max_parallel = 1;
    int rc = 0;
    while (rc >= 0 && (mu.next < n || mu.active > 0)) {
        while (rc >= 0 && mu.next < n && mu.active < max_parallel)
            rc = multi_start(&mu, tls, reqs, cancel);
        if (rc < 0)
            break;
        if (cancel && *cancel) {
            rc = ctr__err(-ECANCELED, "http transfers canceled");
            break;
        }
        int still = 0;
        if (curl_multi_perform(mu.m, &still) != CURLM_OK) {
            rc = ctr__err(-EIO, "http transfers failed");
            break;
        }
        rc = multi_collect(&mu, done, userdata);
        if (rc >= 0 && still > 0)
            curl_multi_poll(mu.m, NULL, 0, 1000, NULL);
    }
    multi_end(&mu);
    return rc;
}
