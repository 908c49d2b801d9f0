/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The push side of the distribution API client (client.h): a blob's
 * presence (HEAD), a cross-repository mount, an upload (POST for a
 * session, then one monolithic PUT, or PATCH chunks with Content-Range
 * followed by the closing PUT, each step at the Location the registry
 * gave), and a manifest PUT with its media type, the registry's digest
 * checked against the body's.  All of it on ctr__reg_request(), which
 * answers the registry's challenges. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/error.h"
#include "base/util.h"
#include "registry/client.h"

/* One request on the client; the status error of anything but @ok (or @ok2). */
static int request_expect(ctr__reg_client_t *c, struct ctr__http_req *req, long ok, long ok2, const char *what,
                          struct ctr__http_resp *ret)
{
    struct ctr__http_resp resp = { 0 };
    int r = ctr__reg_request(c, req, &resp);
    if (r < 0)
        return r;
    if (resp.status != ok && resp.status != ok2) {
        r = ctr__reg_status_error(&resp, what);
        ctr__http_resp_clear(&resp);
        return r;
    }
    *ret = resp;
    return 0;
}

/* "blob DIGEST of BASE/REPO", what the errors name (NULL on ENOMEM). */
static char *what_blob(ctr__reg_client_t *c, const char *digest)
{
    return ctr__asprintf("blob %s of %s/%s", digest, ctr__reg_client_base(c), ctr__reg_client_repository(c));
}


int ctr__reg_blob_exists(ctr__reg_client_t *c, const char *digest)
{
    if (!ctr__reg_digest_valid(digest))
        return ctr__err(-EINVAL, "invalid blob digest \"%s\"", digest ? digest : "");
    _cleanup_free_ char *url = ctr__asprintf("/v2/%s/blobs/%s", ctr__reg_client_repository(c), digest);
    if (!url)
        return ctr__oom("blob request");
    struct ctr__http_req req = { .method = "HEAD", .url = url };
    struct ctr__http_resp resp = { 0 };
    int r = ctr__reg_request(c, &req, &resp);
    if (r < 0)
        return r;
    if (resp.status == 200)
        r = 1;
    else if (resp.status == 404)
        r = 0;
    else {
        _cleanup_free_ char *what = what_blob(c, digest);
        r = ctr__reg_status_error(&resp, what ? what : digest);
    }
    ctr__http_resp_clear(&resp);
    return r;
}

/* Best effort: end an upload session nothing will use. */
static void upload_cancel(ctr__reg_client_t *c, const char *location)
{
    struct ctr__http_req req = { .method = "DELETE", .url = location };
    struct ctr__http_resp resp = { 0 };
    if (ctr__reg_request(c, &req, &resp) < 0)
        ctr__err_clear();
    ctr__http_resp_clear(&resp);
}

int ctr__reg_blob_mount(ctr__reg_client_t *c, const char *digest, const char *from_repository)
{
    if (!ctr__reg_digest_valid(digest) || isempty(from_repository) || strpbrk(from_repository, "?&#% "))
        return ctr__err(-EINVAL, "invalid blob mount of %s from \"%s\"", digest ? digest : "",
                        from_repository ? from_repository : "");
    _cleanup_free_ char *url =
        ctr__asprintf("/v2/%s/blobs/uploads/?mount=%s&from=%s", ctr__reg_client_repository(c), digest, from_repository);
    if (!url)
        return ctr__oom("blob mount");
    struct ctr__http_req req = { .method = "POST", .url = url };
    struct ctr__http_resp resp = { 0 };
    int r = ctr__reg_request(c, &req, &resp);
    if (r < 0)
        return r;
    if (resp.status == 201)
        r = 1;
    else if (resp.status == 202 && resp.location)
        upload_cancel(c, resp.location); /* the registry could not mount: it opened an upload instead */
    /* Refused (401/403 on the source repository, 404, ...): not mounted; the upload follows. */
    ctr__http_resp_clear(&resp);
    return r;
}

/* @location with "&digest=D" or "?digest=D" appended. */
static char *with_digest(const char *location, const char *digest)
{
    return ctr__asprintf("%s%sdigest=%s", location, strchr(location, '?') ? "&" : "?", digest);
}

struct fd_source {
    int fd;
    uint64_t off, left, sent;
    ctr__reg_sent_fn progress;
    void *userdata;
};

static long fd_read(void *userdata, void *buf, size_t size)
{
    struct fd_source *s = userdata;
    if (s->left == 0)
        return 0;
    size_t want = size < s->left ? size : (size_t)s->left;
    ssize_t n;
    do
        n = pread(s->fd, buf, want, (off_t)s->off);
    while (n < 0 && errno == EINTR);
    if (n <= 0)
        return n < 0 ? ctr__err(-errno, "reading a blob to upload: %m") : ctr__err(-EIO, "a blob to upload is short");
    s->off += (uint64_t)n;
    s->left -= (uint64_t)n;
    s->sent += (uint64_t)n;
    int r = s->progress ? s->progress(s->userdata, s->sent) : 0;
    return r < 0 ? r : n;
}

/* Start an upload session: its Location (malloc'ed). */
static int upload_start(ctr__reg_client_t *c, const char *digest, char **ret_location)
{
    _cleanup_free_ char *url = ctr__asprintf("/v2/%s/blobs/uploads/", ctr__reg_client_repository(c));
    if (!url)
        return ctr__oom("blob upload");
    _cleanup_free_ char *what = what_blob(c, digest);
    struct ctr__http_req req = { .method = "POST", .url = url };
    struct ctr__http_resp resp = { 0 };
    int r = request_expect(c, &req, 202, 202, what ? what : digest, &resp);
    if (r < 0)
        return r;
    if (!resp.location)
        r = ctr__err(-EPROTO, "%s: the registry started an upload without a Location", digest);
    else
        *ret_location = TAKE_PTR(resp.location);
    ctr__http_resp_clear(&resp);
    return r;
}

/* Send @len bytes of @src to @url with @method; the next Location replaces *location. */
static int upload_send(ctr__reg_client_t *c, const char *method, const char *url, struct fd_source *src,
                       uint64_t len, const char *range, const char *digest, long ok, char **location)
{
    const char *headers[] = { "Content-Type: application/octet-stream", range, NULL };
    src->left = len;
    struct ctr__http_req req = { .method = method, .url = url, .headers = headers, .body_size = (size_t)len };
    if (len > 0) {
        req.source = fd_read;
        req.source_userdata = src;
    }
    struct ctr__http_resp resp = { 0 };
    _cleanup_free_ char *what = what_blob(c, digest);
    int r = request_expect(c, &req, ok, ok, what ? what : digest, &resp);
    if (r < 0)
        return r;
    if (resp.location) {
        free(*location);
        *location = TAKE_PTR(resp.location);
    }
    ctr__http_resp_clear(&resp);
    return 0;
}

/* PATCH chunks of @chunk bytes, then the closing PUT. */
static int upload_chunked(ctr__reg_client_t *c, const char *digest, struct fd_source *src, uint64_t size,
                          uint64_t chunk, char **location)
{
    for (uint64_t done = 0; done < size;) {
        uint64_t len = size - done < chunk ? size - done : chunk;
        char range[96];
        snprintf(range, sizeof range, "Content-Range: %llu-%llu", (unsigned long long)done,
                 (unsigned long long)(done + len - 1));
        _cleanup_free_ char *url = strdup(*location);
        if (!url)
            return ctr__oom("blob upload");
        int r = upload_send(c, "PATCH", url, src, len, range, digest, 202, location);
        if (r < 0)
            return r;
        done += len;
    }
    _cleanup_free_ char *put = with_digest(*location, digest);
    if (!put)
        return ctr__oom("blob upload");
    return upload_send(c, "PUT", put, src, 0, NULL, digest, 201, location);
}

int ctr__reg_blob_upload(ctr__reg_client_t *c, const char *digest, int fd, uint64_t offset, uint64_t size,
                         uint64_t chunk_size, ctr__reg_sent_fn progress, void *userdata)
{
    if (!ctr__reg_digest_valid(digest))
        return ctr__err(-EINVAL, "invalid blob digest \"%s\"", digest ? digest : "");
    _cleanup_free_ char *location = NULL;
    int r = upload_start(c, digest, &location);
    if (r < 0)
        return r;
    struct fd_source src = { .fd = fd, .off = offset, .progress = progress, .userdata = userdata };
    if (chunk_size == 0 || size <= chunk_size) {
        _cleanup_free_ char *put = with_digest(location, digest);
        if (!put)
            return ctr__oom("blob upload");
        r = upload_send(c, "PUT", put, &src, size, NULL, digest, 201, &location);
    } else {
        r = upload_chunked(c, digest, &src, size, chunk_size, &location);
    }
    if (r < 0 && r != -ECANCELED && location)
        upload_cancel(c, location);
    return r;
}

int ctr__reg_put_manifest(ctr__reg_client_t *c, const char *tag_or_digest, const char *media_type, const char *body,
                          size_t size, char ret_digest[72])
{
    if (isempty(tag_or_digest) || strpbrk(tag_or_digest, "/?#") || isempty(media_type) || strchr(media_type, '\n'))
        return ctr__err(-EINVAL, "invalid manifest tag \"%s\" or type", tag_or_digest ? tag_or_digest : "");
    char digest[72];
    ctr__reg_digest(body, size, digest);
    _cleanup_free_ char *url = ctr__asprintf("/v2/%s/manifests/%s", ctr__reg_client_repository(c), tag_or_digest);
    _cleanup_free_ char *ct = ctr__asprintf("Content-Type: %s", media_type);
    if (!url || !ct)
        return ctr__oom("manifest upload");
    const char *headers[] = { ct, NULL };
    struct ctr__http_req req = { .method = "PUT", .url = url, .headers = headers, .body = body, .body_size = size };
    struct ctr__http_resp resp = { 0 };
    _cleanup_free_ char *what = ctr__asprintf("manifest %s", tag_or_digest);
    int r = request_expect(c, &req, 201, 200, what ? what : "manifest", &resp);
    if (r < 0)
        return r;
    if (resp.docker_digest && !streq(resp.docker_digest, digest))
        r = ctr__err(-EPROTO, "manifest %s: the registry stored %s, the body is %s", tag_or_digest,
                     resp.docker_digest, digest);
    else if (ret_digest)
        memcpy(ret_digest, digest, sizeof digest);
    ctr__http_resp_clear(&resp);
    return r;
}
