/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* An index of the members of an uncompressed tar file (ustar, GNU long
 * names, pax path records), so blobs inside oci-archive and docker-archive
 * files can be read in place with pread instead of being copied out. */
#include <limits.h>
#include <sys/stat.h>

#include "base/error.h"
#include "storage/store.h"

static int64_t parse_num(const unsigned char *p, size_t n)
{
    if (p[0] & 0x80) { /* base-256 */
        int64_t v = p[0] & 0x3f;
        for (size_t i = 1; i < n; i++) {
            if (v > (INT64_MAX >> 8))
                return -1;
            v = (v << 8) | p[i];
        }
        return v;
    }
    int64_t v = 0;
    size_t i = 0;
    while (i < n && (p[i] == ' ' || p[i] == '\0'))
        i++;
    for (; i < n && p[i] >= '0' && p[i] <= '7'; i++) {
        if (v > (INT64_MAX >> 3))
            return -1;
        v = v * 8 + (p[i] - '0');
    }
    return v;
}

static char *clean_name(const char *in)
{
    while (in[0] == '.' && in[1] == '/')
        in += 2;
    while (*in == '/')
        in++;
    char *s = strdup(in);
    if (s) {
        size_t n = strlen(s);
        while (n > 0 && s[n - 1] == '/')
            s[--n] = '\0';
    }
    return s;
}

static int read_full(int fd, void *buf, size_t n, off_t off)
{
    size_t got = 0;
    while (got < n) {
        ssize_t k = pread(fd, (char *)buf + got, n - got, off + (off_t)got);
        if (k < 0 && errno == EINTR)
            continue;
        if (k < 0)
            return -errno;
        if (k == 0)
            return -EIO;
        got += (size_t)k;
    }
    return 0;
}

/* The "path" record of a pax header block, or NULL. */
static char *pax_path(const char *data, size_t n)
{
    size_t i = 0;
    while (i < n) {
        size_t len = 0, j = i;
        while (j < n && data[j] >= '0' && data[j] <= '9' && len < 1000000)
            len = len * 10 + (size_t)(data[j++] - '0');
        if (j >= n || data[j] != ' ' || len == 0 || i + len > n)
            return NULL;
        const char *kv = data + j + 1;
        size_t kvlen = i + len - (j + 1);
        if (kvlen > 5 && strncmp(kv, "path=", 5) == 0 && kv[kvlen - 1] == '\n')
            return strndup(kv + 5, kvlen - 6);
        i += len;
    }
    return NULL;
}

void ctr__tar_index_clear(struct ctr__tar_index *ix)
{
    for (size_t i = 0; i < ix->n; i++)
        free(ix->m[i].name);
    free(ix->m);
    memset(ix, 0, sizeof *ix);
}

int ctr__tar_index_build(int fd, struct ctr__tar_index *ret)
{
    struct stat st;
    if (fstat(fd, &st) < 0)
        return -errno;
    struct ctr__tar_index ix = { 0 };
    size_t cap = 0;
    off_t pos = 0;
    _cleanup_free_ char *long_name = NULL;
    int r = 0;
    while (pos + 512 <= st.st_size) {
        unsigned char h[512];
        if ((r = read_full(fd, h, 512, pos)) < 0)
            break;
        bool zero = true;
        for (size_t i = 0; i < 512 && zero; i++)
            zero = h[i] == 0;
        if (zero)
            break;
        unsigned sum = 0;
        for (size_t i = 0; i < 512; i++)
            sum += (i >= 148 && i < 156) ? ' ' : h[i];
        if ((int64_t)sum != parse_num(h + 148, 8)) {
            r = ctr__err(-EINVAL, "not a tar file (bad header checksum at offset %lld)", (long long)pos);
            break;
        }
        int64_t size = parse_num(h + 124, 12);
        if (size < 0 || size > st.st_size - pos - 512) {
            r = ctr__err(-EINVAL, "tar member at offset %lld runs past the end of the file", (long long)pos);
            break;
        }
        char type = (char)h[156];
        off_t data = pos + 512;
        off_t next = data + ((size + 511) & ~(int64_t)511);
        if (type == 'L' || type == 'x') {
            if (size > 65536) {
                r = ctr__err(-EINVAL, "tar extended header too large");
                break;
            }
            _cleanup_free_ char *buf = malloc((size_t)size + 1);
            if (!buf) {
                r = -ENOMEM;
                break;
            }
            if ((r = read_full(fd, buf, (size_t)size, data)) < 0)
                break;
            buf[size] = '\0';
            char *name = type == 'L' ? strndup(buf, (size_t)size) : pax_path(buf, (size_t)size);
            if (name) {
                free(long_name);
                long_name = name;
            }
            pos = next;
            continue;
        }
        if (type == 'g') {
            pos = next;
            continue;
        }
        char name[257];
        if (!long_name) {
            char prefix[156] = { 0 }, nm[101] = { 0 };
            memcpy(nm, h, 100);
            if (memcmp(h + 257, "ustar", 5) == 0)
                memcpy(prefix, h + 345, 155);
            snprintf(name, sizeof name, "%s%s%s", prefix, prefix[0] ? "/" : "", nm);
        }
        if (ix.n == cap) {
            cap = cap ? cap * 2 : 64;
            struct ctr__tar_member *v = realloc(ix.m, cap * sizeof *v);
            if (!v) {
                r = -ENOMEM;
                break;
            }
            ix.m = v;
        }
        struct ctr__tar_member *m = &ix.m[ix.n];
        m->name = clean_name(long_name ? long_name : name);
        m->off = data;
        m->size = (uint64_t)size;
        m->type = type ? type : '0';
        free(long_name);
        long_name = NULL;
        if (!m->name) {
            r = -ENOMEM;
            break;
        }
        ix.n++;
        pos = next;
    }
    if (r < 0) {
        ctr__tar_index_clear(&ix);
        return r;
    }
    *ret = ix;
    return 0;
}

const struct ctr__tar_member *ctr__tar_index_find(const struct ctr__tar_index *ix, const char *name)
{
    while (name[0] == '.' && name[1] == '/')
        name += 2;
    while (*name == '/')
        name++;
    /* The last member of a name wins, as when extracting. */
    for (size_t i = ix->n; i-- > 0;)
        if (streq(ix->m[i].name, name) && (ix->m[i].type == '0' || ix->m[i].type == '7'))
            return &ix->m[i];
    return NULL;
}
