/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A client of the OCI distribution API v2 for one repository of one
 * registry: authentication (anonymous, basic, the bearer token flow with
 * tokens cached per scope), manifests and blobs, both directions.  Built on
 * http.h; knows nothing of the image store. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "registry/http.h"

/* Media types. */
#define CTR__MT_OCI_MANIFEST "application/vnd.oci.image.manifest.v1+json"
#define CTR__MT_OCI_INDEX "application/vnd.oci.image.index.v1+json"
#define CTR__MT_DOCKER_MANIFEST "application/vnd.docker.distribution.manifest.v2+json"
#define CTR__MT_DOCKER_LIST "application/vnd.docker.distribution.manifest.list.v2+json"
#define CTR__MT_DOCKER_SCHEMA1 "application/vnd.docker.distribution.manifest.v1+json"
#define CTR__MT_DOCKER_SCHEMA1_SIGNED "application/vnd.docker.distribution.manifest.v1+prettyjws"

struct ctr__reg_client_opts {
    const char *domain;        /* "HOST[:PORT]" as in the reference ("docker.io" goes to registry-1.docker.io) */
    const char *repository;    /* "library/busybox" */
    const char *username;      /* explicit credentials, else from the auth file, else anonymous */
    const char *password;
    const char *auth_file;     /* auth-file.h path (NULL: the default) */
    const char *certs_dir;     /* podman's --cert-dir: the directory of the .crt, .cert, .key files;
                                  NULL: /etc/containers/certs.d/DOMAIN, then /etc/docker/certs.d/DOMAIN */
    int tls_verify;            /* CTR_TLS_* */
    bool insecure;             /* registries.conf: insecure = true */
    bool push;                 /* ask for pull,push scopes */
    const volatile int *cancel;
};

typedef struct ctr__reg_client ctr__reg_client_t;

/* Make a client (no I/O yet).  -ENOMEM, -EINVAL (a malformed auth file). */
int ctr__reg_client_new(const struct ctr__reg_client_opts *o, ctr__reg_client_t **ret);
void ctr__reg_client_free(ctr__reg_client_t *c);
static inline void ctr__reg_client_freep(ctr__reg_client_t **c) { ctr__reg_client_free(*c); }

/* GET /v2/ with the credentials: 0 when they are accepted (or none are
 * needed), -EACCES ("401 unauthorized: ...") otherwise.  For login. */
int ctr__reg_ping(ctr__reg_client_t *c);

/* A manifest or index by tag or digest, with the Accept header of every
 * type above but schema 1 (schema 1 answers are -EOPNOTSUPP).  A digest
 * reference is verified.  *ret_media_type the response's Content-Type (or
 * the document's mediaType), *ret_digest "sha256:HEX" of the bytes.
 * -ENOENT (404: "manifest unknown"), -EACCES (401/403), -EPROTO, ... */
int ctr__reg_get_manifest(ctr__reg_client_t *c, const char *tag_or_digest, char **ret_body, size_t *ret_size,
                          char **ret_media_type, char ret_digest[72]);
/* HEAD of a manifest: its digest (for the "newer" pull policy). */
int ctr__reg_head_manifest(ctr__reg_client_t *c, const char *tag_or_digest, char ret_digest[72]);

/* One blob to fetch: its bytes go to @sink as they arrive.  The client
 * hashes them and checks digest and size at the end (-EINVAL "digest
 * mismatch" / "size mismatch" naming the blob). */
struct ctr__reg_blob_get {
    const char *digest;        /* "sha256:HEX" */
    int64_t size;              /* expected size, -1 unknown */
    ctr__http_sink_fn sink;
    void *sink_userdata;
};
/* Fetch @n blobs, at most @max_parallel at once (redirects to blob storage
 * followed); @done is called on this thread as each completes, with 0 or
 * its error; a negative return from @done stops the rest.  Returns the
 * first error. */
typedef int (*ctr__reg_blob_done_fn)(void *userdata, size_t index, int result);
int ctr__reg_get_blobs(ctr__reg_client_t *c, const struct ctr__reg_blob_get *blobs, size_t n, unsigned max_parallel,
                       ctr__reg_blob_done_fn done, void *userdata);

/* The base URL of the registry, "https://HOST[:PORT]" or "http://..." once
 * the client found out (after the first request), and the repository. */
const char *ctr__reg_client_base(ctr__reg_client_t *c);
const char *ctr__reg_client_repository(ctr__reg_client_t *c);
/* Send @req (its url a path such as "/v2/REPO/blobs/uploads/", or an
 * absolute URL from a Location header) with the client's credentials: a
 * 401 with a challenge is answered (basic, or a bearer token for the
 * scope, cached) and the request sent again once.  Bodies from a source
 * cannot be re-sent: a source request first does an authorized ping.
 * 0 with any status in @ret; transport errors as ctr__http_request(). */
int ctr__reg_request(ctr__reg_client_t *c, struct ctr__http_req *req, struct ctr__http_resp *ret);
/* An error for an unexpected response: the errno of its status (401, 403:
 * -EACCES; 404: -ENOENT; 400, 405, 416: -EINVAL; 429, 5xx: -EAGAIN/-EIO) with
 * a message "WHAT: STATUS CODE: message" from the registry's JSON errors. */
int ctr__reg_status_error(const struct ctr__http_resp *resp, const char *what);

/* "sha256:HEX" of @data into @ret; and whether @d is such a digest. */
void ctr__reg_digest(const void *data, size_t size, char ret[72]);
bool ctr__reg_digest_valid(const char *d);

/* Push side (upload.c).  HEAD a blob: 1 present, 0 absent. */
int ctr__reg_blob_exists(ctr__reg_client_t *c, const char *digest);
/* Mount @digest from @from_repository of the same registry: 1 mounted, 0
 * when the registry started an upload instead (nothing left to cancel). */
int ctr__reg_blob_mount(ctr__reg_client_t *c, const char *digest, const char *from_repository);
/* Upload a blob of @size bytes read from @fd at @offset: one monolithic PUT
 * up to @chunk_size, else PATCH chunks of @chunk_size then the PUT.
 * @progress (may be NULL) gets the bytes sent. */
typedef int (*ctr__reg_sent_fn)(void *userdata, uint64_t sent);
int ctr__reg_blob_upload(ctr__reg_client_t *c, const char *digest, int fd, uint64_t offset, uint64_t size,
                         uint64_t chunk_size, ctr__reg_sent_fn progress, void *userdata);
/* PUT a manifest under @tag_or_digest with @media_type; the registry's
 * digest (checked against the body's) into ret_digest (may be NULL). */
int ctr__reg_put_manifest(ctr__reg_client_t *c, const char *tag_or_digest, const char *media_type, const char *body,
                          size_t size, char ret_digest[72]);
