/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* HTTP over libcurl for the registry client: one request at a time
 * (ctr__http_request) or many transfers at once (ctr__http_multi), TLS
 * from the registry's settings, redirects followed (to other hosts too,
 * without the Authorization header), errors mapped to errnos with a message
 * that names the URL. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* How to talk to one registry host. */
struct ctr__tls {
    bool verify;          /* verify peer and host name */
    bool allow_http;      /* try http:// when https:// fails to connect (insecure registries) */
    char *ca_file;        /* a bundle of the .crt files of certs.d/HOST plus the system's, or NULL */
    char *client_cert;    /* the .cert file of certs.d/HOST, or NULL */
    char *client_key;     /* the matching *.key */
};
void ctr__tls_clear(struct ctr__tls *t);

/* A body sink: called with each piece of the response body; non-zero
 * return aborts the transfer with that (negative errno) result. */
typedef int (*ctr__http_sink_fn)(void *userdata, const void *data, size_t size);
/* A body source for uploads: fill up to @size bytes, return the count (0 at
 * the end) or a negative errno. */
typedef long (*ctr__http_source_fn)(void *userdata, void *buf, size_t size);

struct ctr__http_req {
    const char *method;          /* "GET", "HEAD", "PUT", "POST", "PATCH", "DELETE" */
    const char *url;
    const char *const *headers;  /* "Name: value", NULL-terminated, or NULL */
    const void *body;            /* request body in memory, or NULL */
    size_t body_size;
    ctr__http_source_fn source;  /* or a streamed body of body_size bytes (-1: chunked) */
    void *source_userdata;
    ctr__http_sink_fn sink;      /* NULL: the body is collected into resp->body (at most max_body) */
    void *sink_userdata;
    size_t max_body;             /* 0: 4 MiB */
    bool no_redirect;
};

struct ctr__http_resp {
    long status;
    char *body;                  /* collected body (NUL-terminated), or NULL with a sink */
    size_t body_size;
    char *content_type;          /* the headers registries use, or NULL */
    char *location;
    char *docker_digest;         /* Docker-Content-Digest */
    char *www_authenticate;
    char *range;
    int64_t content_length;      /* -1 when absent */
    char *effective_url;
};
void ctr__http_resp_clear(struct ctr__http_resp *r);

/* Perform one request.  0 when a response arrived (any status); a transport
 * failure: -ECONNREFUSED, -EHOSTUNREACH, -ETIMEDOUT, -EPROTO (TLS: the
 * message says the certificate is not trusted, or why), -ECANCELED, or the
 * sink's error; each with a message naming the URL. */
int ctr__http_request(const struct ctr__tls *tls, const struct ctr__http_req *req, const volatile int *cancel,
                      struct ctr__http_resp *ret);

/* Many requests at once, at most @max_parallel in flight; @done is called
 * on the calling thread for each as it completes (status and headers in
 * @resp; the request's sink had its body).  A negative return of @done or a
 * transport failure stops the others and is returned. */
typedef int (*ctr__http_done_fn)(void *userdata, size_t index, int result, struct ctr__http_resp *resp);
int ctr__http_multi(const struct ctr__tls *tls, const struct ctr__http_req *reqs, size_t n, unsigned max_parallel,
                    const volatile int *cancel, ctr__http_done_fn done, void *userdata);
