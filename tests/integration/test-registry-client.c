/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The registry client against real registries (started and filled by
 * test-registry-client.sh, which passes their addresses in the
 * environment): ping, manifests by tag and digest, blobs in parallel with
 * their digests checked, a corrupted blob, TLS with and without the CA,
 * basic authentication with right, wrong and no credentials and from the
 * auth file, 404s; the push side: HEAD, monolithic and chunked uploads
 * (read back and checked), a cross-repository mount, a manifest PUT, a
 * wrong digest refused. */
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <libctr/ctr-error.h>
#include <libctr/ctr-registry.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/util.h"
#include "registry/auth-file.h"
#include "registry/client.h"
#include <openssl/evp.h>
#include <sys/mman.h>

static int failures, checks;

#define CHECK(cond, ...)                                                                            \
    do {                                                                                            \
        checks++;                                                                                   \
        if (cond) {                                                                                 \
            printf("ok   - ");                                                                      \
        } else {                                                                                    \
            failures++;                                                                             \
            printf("FAIL - (%s:%d, last error: %s) ", __FILE__, __LINE__, ctr_error_last()->message); \
        }                                                                                           \
        printf(__VA_ARGS__);                                                                        \
        printf("\n");                                                                               \
    } while (0)

#define MSG_HAS(s) (strstr(ctr_error_last()->message, (s)) != NULL)

static const char *env(const char *name)
{
    const char *v = getenv(name);
    if (!v) {
        fprintf(stderr, "%s not set (run test-registry-client.sh)\n", name);
        exit(1);
    }
    return v;
}

static ctr__reg_client_t *client(struct ctr__reg_client_opts o)
{
    if (!o.repository)
        o.repository = "bb/busybox";
    ctr__reg_client_t *c = NULL;
    int rc = ctr__reg_client_new(&o, &c);
    CHECK(rc == 0, "client for %s/%s made", o.domain, o.repository);
    if (rc < 0)
        exit(1);
    return c;
}

struct blob { char digest[72]; int64_t size; };
struct image { char digest[72]; struct blob blobs[8]; size_t n; };

/* The config and layers of the manifest @body. */
static void blobs_of(const char *body, struct image *img)
{
    json_object *doc = json_tokener_parse(body), *cfg = NULL, *layers = NULL, *v = NULL;
    CHECK(doc && json_object_object_get_ex(doc, "config", &cfg) && json_object_object_get_ex(doc, "layers", &layers),
          "the manifest has a config and layers");
    if (!cfg || !layers)
        exit(1);
    img->n = 0;
    for (int i = -1; i < (int)json_object_array_length(layers) && img->n < 8; i++) {
        json_object *d = i < 0 ? cfg : json_object_array_get_idx(layers, (size_t)i);
        json_object_object_get_ex(d, "digest", &v);
        snprintf(img->blobs[img->n].digest, 72, "%s", json_object_get_string(v));
        json_object_object_get_ex(d, "size", &v);
        img->blobs[img->n++].size = json_object_get_int64(v);
    }
    json_object_put(doc);
}

struct sink { int64_t bytes; };
static int count_sink(void *userdata, const void *data, size_t size)
{
    ((struct sink *)userdata)->bytes += (int64_t)size;
    return 0;
}
struct dones { int calls, errors; };
static int count_done(void *userdata, size_t index, int result)
{
    struct dones *d = userdata;
    d->calls++;
    d->errors += result < 0;
    return 0;
}

static int fetch_all(ctr__reg_client_t *c, const struct image *img, struct sink *sinks, struct dones *d)
{
    struct ctr__reg_blob_get gets[8];
    for (size_t i = 0; i < img->n; i++)
        gets[i] = (struct ctr__reg_blob_get){ img->blobs[i].digest, img->blobs[i].size, count_sink, &sinks[i] };
    return ctr__reg_get_blobs(c, gets, img->n, 2, count_done, d);
}

static void test_plain(struct image *img)
{
    const char *addr = env("PLAIN");
    /* Plain HTTP: the registry is insecure (no verification, http allowed). */
    ctr__reg_client_t *c = client((struct ctr__reg_client_opts){ .domain = addr, .tls_verify = CTR_TLS_NO_VERIFY });
    CHECK(ctr__reg_ping(c) == 0, "ping a plain HTTP registry");
    CHECK(strncmp(ctr__reg_client_base(c), "http://", 7) == 0, "the base fell back to http:// (%s)",
          ctr__reg_client_base(c));
    char *body = NULL, *mt = NULL, digest[72] = "";
    size_t size = 0;
    CHECK(ctr__reg_get_manifest(c, "1", &body, &size, &mt, digest) == 0, "manifest by tag");
    CHECK(mt && streq(mt, CTR__MT_OCI_MANIFEST), "media type %s", mt ? mt : "(null)");
    CHECK(body && size == strlen(body) && strncmp(digest, "sha256:", 7) == 0, "digest %s of %zu bytes", digest, size);
    blobs_of(body, img);
    memcpy(img->digest, digest, 72);
    char *body2 = NULL, digest2[72] = "";
    CHECK(ctr__reg_get_manifest(c, digest, &body2, &size, NULL, digest2) == 0 && streq(body, body2) &&
              streq(digest, digest2), "manifest by digest: the same bytes");
    char head[72] = "";
    CHECK(ctr__reg_head_manifest(c, "1", head) == 0 && streq(head, digest), "HEAD of the manifest: its digest");
    free(body);
    free(body2);
    free(mt);

    struct sink sinks[8] = { 0 };
    struct dones d = { 0 };
    CHECK(fetch_all(c, img, sinks, &d) == 0 && d.calls == (int)img->n && d.errors == 0, "%zu blobs fetched", img->n);
    for (size_t i = 0; i < img->n; i++)
        CHECK(sinks[i].bytes == img->blobs[i].size, "blob %s: %lld bytes", img->blobs[i].digest,
              (long long)sinks[i].bytes);

    CHECK(ctr__reg_get_manifest(c, "nosuchtag", &body, &size, NULL, NULL) == -ENOENT && MSG_HAS("404"),
          "unknown tag: -ENOENT (%s)", ctr_error_last()->message);
    ctr__reg_client_free(c);
    c = client((struct ctr__reg_client_opts){ .domain = addr, .repository = "no/such",
                                              .tls_verify = CTR_TLS_NO_VERIFY });
    CHECK(ctr__reg_get_manifest(c, "1", &body, &size, NULL, NULL) == -ENOENT, "unknown repository: -ENOENT");
    ctr__reg_client_free(c);
    /* Verification on: a plain HTTP registry is not reached. */
    c = client((struct ctr__reg_client_opts){ .domain = addr, .tls_verify = CTR_TLS_VERIFY });
    CHECK(ctr__reg_ping(c) == -EPROTO, "plain HTTP with verification: -EPROTO (%s)", ctr_error_last()->message);
    ctr__reg_client_free(c);
}

static void test_corrupt(const struct image *img)
{
    const char *addr = env("PLAIN"), *data = env("PLAIN_DATA");
    const struct blob *b = &img->blobs[0];
    char path[4096];
    snprintf(path, sizeof path, "%s/docker/registry/v2/blobs/sha256/%.2s/%s/data", data, b->digest + 7, b->digest + 7);
    int fd = open(path, O_WRONLY);
    CHECK(fd >= 0 && pwrite(fd, "X", 1, 0) == 1, "corrupted %s", path);
    if (fd >= 0)
        close(fd);
    ctr__reg_client_t *c = client((struct ctr__reg_client_opts){ .domain = addr, .tls_verify = CTR_TLS_NO_VERIFY });
    struct sink sinks[8] = { 0 };
    struct dones d = { 0 };
    int rc = fetch_all(c, img, sinks, &d);
    char want[128];
    snprintf(want, sizeof want, "blob %s: digest mismatch (got sha256:", b->digest);
    CHECK(rc == -EINVAL && MSG_HAS(want), "a corrupted blob: -EINVAL (%s)", ctr_error_last()->message);
    CHECK(d.errors == 1, "one blob failed (%d of %d)", d.errors, d.calls);
    ctr__reg_client_free(c);
}

static void test_tls(const struct image *img)
{
    const char *addr = env("TLS"), *certs = env("TLS_CERTS");
    ctr__reg_client_t *c = client((struct ctr__reg_client_opts){ .domain = addr, .certs_dir = certs });
    char *body = NULL, digest[72] = "";
    size_t size = 0;
    CHECK(ctr__reg_get_manifest(c, "1", &body, &size, NULL, digest) == 0 && streq(digest, img->digest),
          "TLS with the CA of certs_dir: the manifest");
    CHECK(strncmp(ctr__reg_client_base(c), "https://", 8) == 0, "over https");
    struct sink sinks[8] = { 0 };
    struct dones d = { 0 };
    CHECK(fetch_all(c, img, sinks, &d) == 0, "TLS: blobs");
    free(body);
    ctr__reg_client_free(c);

    c = client((struct ctr__reg_client_opts){ .domain = addr });
    char want[200];
    snprintf(want, sizeof want, "TLS: certificate of %s not trusted (", addr);
    CHECK(ctr__reg_ping(c) == -EPROTO && MSG_HAS(want), "TLS without the CA: -EPROTO (%s)",
          ctr_error_last()->message);
    ctr__reg_client_free(c);
    c = client((struct ctr__reg_client_opts){ .domain = addr, .tls_verify = CTR_TLS_NO_VERIFY });
    CHECK(ctr__reg_ping(c) == 0 && strncmp(ctr__reg_client_base(c), "https://", 8) == 0,
          "TLS without verification: https still");
    ctr__reg_client_free(c);
}

static void test_auth(const struct image *img)
{
    const char *addr = env("AUTH"), *certs = env("AUTH_CERTS"), *user = env("REG_USER"), *pw = env("REG_PASSWORD");
    ctr__reg_client_t *c = client((struct ctr__reg_client_opts){ .domain = addr, .certs_dir = certs,
                                                                 .username = user, .password = pw });
    CHECK(ctr__reg_ping(c) == 0, "basic auth, right credentials: ping");
    char *body = NULL, digest[72] = "";
    size_t size = 0;
    CHECK(ctr__reg_get_manifest(c, "1", &body, &size, NULL, digest) == 0 && streq(digest, img->digest),
          "basic auth: the manifest");
    free(body);
    struct sink sinks[8] = { 0 };
    struct dones d = { 0 };
    CHECK(fetch_all(c, img, sinks, &d) == 0, "basic auth: blobs");
    ctr__reg_client_free(c);

    c = client((struct ctr__reg_client_opts){ .domain = addr, .certs_dir = certs, .username = user,
                                              .password = "wrong" });
    CHECK(ctr__reg_ping(c) == -EACCES && MSG_HAS("401"), "wrong password: -EACCES (%s)", ctr_error_last()->message);
    CHECK(ctr__reg_get_manifest(c, "1", &body, &size, NULL, NULL) == -EACCES, "wrong password: no manifest");
    ctr__reg_client_free(c);
    c = client((struct ctr__reg_client_opts){ .domain = addr, .certs_dir = certs });
    CHECK(ctr__reg_ping(c) == -EACCES && MSG_HAS("401"), "no credentials: -EACCES (%s)", ctr_error_last()->message);
    ctr__reg_client_free(c);

    /* From the auth file (REGISTRY_AUTH_FILE, set by the script). */
    char *path = ctr__auth_file_path(NULL);
    CHECK(path && ctr__auth_file_set(path, addr, user, pw) == 0, "credentials in %s", path ? path : "?");
    c = client((struct ctr__reg_client_opts){ .domain = addr, .certs_dir = certs });
    CHECK(ctr__reg_get_manifest(c, "1", &body, &size, NULL, NULL) == 0, "credentials from the auth file");
    free(body);
    ctr__reg_client_free(c);
    free(path);
}

/* A memfd of @size pseudo-random bytes and its digest. */
static int random_blob(size_t size, unsigned seed, char digest[72])
{
    int fd = memfd_create("blob", MFD_CLOEXEC);
    unsigned char *buf = malloc(size), md[32];
    unsigned int len = 0;
    for (size_t i = 0; i < size; i++)
        buf[i] = (unsigned char)((seed = seed * 1103515245u + 12345u) >> 16);
    if (fd < 0 || write(fd, buf, size) != (ssize_t)size)
        exit(1);
    EVP_Digest(buf, size, md, &len, EVP_sha256(), NULL);
    strcpy(digest, "sha256:");
    for (unsigned i = 0; i < 32; i++)
        sprintf(digest + 7 + 2 * i, "%02x", md[i]);
    free(buf);
    return fd;
}

struct sent { int calls; uint64_t last; };
static int count_sent(void *userdata, uint64_t n)
{
    struct sent *s = userdata;
    s->calls++;
    s->last = n;
    return 0;
}

/* The blob read back through the pull side: its digest and size checked there. */
static bool read_back(ctr__reg_client_t *c, const char *digest, int64_t size)
{
    struct sink sk = { 0 };
    struct dones d = { 0 };
    struct ctr__reg_blob_get g = { digest, size, count_sink, &sk };
    return ctr__reg_get_blobs(c, &g, 1, 1, count_done, &d) == 0 && d.errors == 0 && sk.bytes == size;
}

static void test_upload(const struct image *img)
{
    const char *addr = env("PLAIN");
    ctr__reg_client_t *c = client((struct ctr__reg_client_opts){ .domain = addr, .repository = "up/one",
                                                                 .tls_verify = CTR_TLS_NO_VERIFY, .push = true });
    char d1[72], d2[72];
    int f1 = random_blob(100000, 1, d1), f2 = random_blob(250001, 2, d2);
    CHECK(ctr__reg_blob_exists(c, d1) == 0, "HEAD of a blob the registry lacks: 0");
    struct sent s = { 0 };
    CHECK(ctr__reg_blob_upload(c, d1, f1, 0, 100000, 1 << 20, count_sent, &s) == 0, "monolithic upload");
    CHECK(s.last == 100000, "progress up to %llu bytes", (unsigned long long)s.last);
    CHECK(ctr__reg_blob_exists(c, d1) == 1 && read_back(c, d1, 100000), "the uploaded blob is there, whole");
    s = (struct sent){ 0 };
    CHECK(ctr__reg_blob_upload(c, d2, f2, 0, 250001, 65536, count_sent, &s) == 0, "chunked upload (4 chunks)");
    CHECK(s.last == 250001 && read_back(c, d2, 250001), "the chunked blob is there, whole");
    int chunks = 0;
    char line[4096];
    FILE *log = fopen(env("PLAIN_LOG"), "r");
    while (log && fgets(line, sizeof line, log))
        chunks += strstr(line, "\"PATCH /v2/up/one/blobs/uploads/") != NULL;
    if (log)
        fclose(log);
    CHECK(chunks >= 4, "%d PATCH requests in the registry's log", chunks);
    char bad[72];
    memcpy(bad, d1, 72);
    bad[70] = bad[70] == '0' ? '1' : '0';
    CHECK(ctr__reg_blob_upload(c, bad, f1, 0, 100000, 0, NULL, NULL) == -EINVAL, "a wrong digest is refused: %s",
          ctr_error_last()->message);
    ctr__reg_client_t *c2 = client((struct ctr__reg_client_opts){ .domain = addr, .repository = "up/two",
                                                                  .tls_verify = CTR_TLS_NO_VERIFY, .push = true });
    CHECK(ctr__reg_blob_exists(c2, d1) == 0 && ctr__reg_blob_mount(c2, d1, "up/one") == 1 &&
              ctr__reg_blob_exists(c2, d1) == 1, "a cross-repository mount");
    CHECK(ctr__reg_blob_mount(c2, bad, "up/one") == 0, "a mount of what the source lacks: 0 (upload instead)");
    /* A manifest over the busybox image's blobs, copied by mount. */
    for (size_t i = 0; i < img->n; i++)
        ctr__reg_blob_mount(c2, img->blobs[i].digest, "bb/busybox");
    char *body = NULL, digest[72] = "", put[72] = "";
    size_t size = 0;
    ctr__reg_client_t *src = client((struct ctr__reg_client_opts){ .domain = addr, .tls_verify = CTR_TLS_NO_VERIFY });
    CHECK(ctr__reg_get_manifest(src, "1", &body, &size, NULL, digest) == 0, "the busybox manifest");
    CHECK(ctr__reg_put_manifest(c2, "copy", CTR__MT_OCI_MANIFEST, body, size, put) == 0 && streq(put, digest),
          "manifest PUT: the registry's digest is the body's (%s)", put);
    char head[72] = "";
    CHECK(ctr__reg_head_manifest(c2, "copy", head) == 0 && streq(head, digest), "the pushed manifest reads back");
    free(body);
    ctr__reg_client_free(src);
    ctr__reg_client_free(c2);
    ctr__reg_client_free(c);
    close(f1);
    close(f2);
}

int main(void)
{
    struct image img = { 0 };
    test_plain(&img);
    test_tls(&img);
    test_auth(&img);
    test_upload(&img);
    test_corrupt(&img);
    printf("%d checks, %d failed\n", checks, failures);
    return failures ? 1 : 0;
}
