/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Digests (sha256 through OpenSSL's EVP interface), progress, and reading
 * small blobs with their digest checked. */
#include <openssl/evp.h>

#include "base/error.h"
#include "storage/store.h"

struct ctr__hash {
    EVP_MD_CTX *ctx;
};

int ctr__hash_new(ctr__hash_t **ret)
{
    ctr__hash_t *h = calloc(1, sizeof *h);
    if (!h)
        return ctr__oom("a sha256 digest");
    h->ctx = EVP_MD_CTX_new();
    if (!h->ctx || EVP_DigestInit_ex(h->ctx, EVP_sha256(), NULL) != 1) {
        ctr__hash_free(h);
        return ctr__err(-ENOMEM, "cannot set up a sha256 digest");
    }
    *ret = h;
    return 0;
}

void ctr__hash_update(ctr__hash_t *h, const void *data, size_t size)
{
    if (size)
        EVP_DigestUpdate(h->ctx, data, size);
}

void ctr__hash_final(ctr__hash_t *h, char hex[65])
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    EVP_DigestFinal_ex(h->ctx, md, &n);
    static const char digits[] = "0123456789abcdef";
    for (unsigned i = 0; i < 32; i++) {
        hex[2 * i] = digits[md[i] >> 4];
        hex[2 * i + 1] = digits[md[i] & 15];
    }
    hex[64] = '\0';
    EVP_DigestInit_ex(h->ctx, EVP_sha256(), NULL);
}

void ctr__hash_free(ctr__hash_t *h)
{
    if (!h)
        return;
    EVP_MD_CTX_free(h->ctx);
    free(h);
}

int ctr__sha256_buf(const void *data, size_t size, char hex[65])
{
    _cleanup_(ctr__hash_freep) ctr__hash_t *h = NULL;
    int r = ctr__hash_new(&h);
    if (r < 0)
        return r;
    ctr__hash_update(h, data, size);
    ctr__hash_final(h, hex);
    return 0;
}

bool ctr__hex64_valid(const char *s)
{
    size_t n = 0;
    for (; s[n]; n++)
        if (!((s[n] >= '0' && s[n] <= '9') || (s[n] >= 'a' && s[n] <= 'f')))
            return false;
    return n == 64;
}

int ctr__digest_parse(const char *digest, char hex[65])
{
    if (!digest)
        return ctr__err(-EINVAL, "missing digest");
    const char *colon = strchr(digest, ':');
    if (!colon)
        return ctr__err(-EINVAL, "malformed digest \"%.100s\"", digest);
    if ((size_t)(colon - digest) != 6 || strncmp(digest, "sha256", 6) != 0)
        return ctr__err(-EOPNOTSUPP, "digest algorithm of \"%.100s\" is not supported (sha256 only)", digest);
    if (!ctr__hex64_valid(colon + 1))
        return ctr__err(-EINVAL, "malformed digest \"%.100s\"", digest);
    memcpy(hex, colon + 1, 65);
    return 0;
}

int ctr__progress_add(struct ctr__progress *p, uint64_t n)
{
    if (!p)
        return 0;
    p->done += n;
    if (p->done > p->total)
        p->total = p->done;
    if (p->cancel && *p->cancel)
        return ctr__err(-ECANCELED, "cancelled");
    if (p->fn && p->fn(p->done, p->total, p->userdata) != 0)
        return ctr__err(-ECANCELED, "cancelled by the progress callback");
    return 0;
}

int ctr__src_read(const struct ctr__src *src, size_t max, const char *want_hex, const char *what, char **ret,
                  size_t *ret_size)
{
    if (src->size > max)
        return ctr__err(-EINVAL, "%s is too large (%llu bytes, at most %zu)", what, (unsigned long long)src->size, max);
    size_t n = (size_t)src->size;
    char *buf = malloc(n + 1);
    if (!buf)
        return ctr__oom(what);
    size_t got = 0;
    while (got < n) {
        ssize_t k = pread(src->fd, buf + got, n - got, src->off + (off_t)got);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0) {
            int e = k < 0 ? -errno : -EIO;
            free(buf);
            return ctr__err(e, "cannot read %s: %s", what, k < 0 ? strerror(-e) : "short file");
        }
        got += (size_t)k;
    }
    buf[n] = '\0';
    if (want_hex) {
        char hex[65];
        int r = ctr__sha256_buf(buf, n, hex);
        if (r < 0) {
            free(buf);
            return r;
        }
        if (!streq(hex, want_hex)) {
            free(buf);
            return ctr__err(-EINVAL, "%s: digest mismatch: expected sha256:%s, got sha256:%s", what, want_hex, hex);
        }
    }
    *ret = buf;
    if (ret_size)
        *ret_size = n;
    return 0;
}
