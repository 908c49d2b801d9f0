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

static bool block_is_zero(const unsigned char *h)
{
    for (size_t i = 0; i < 512; i++)
        if (h[i])
            return false;
    return true;
}

/* Check the header block at pos: its checksum, and that its member's data
 * ends within the file; *ret_size is the data's size. */
static int header_check(const unsigned char *h, off_t pos, off_t file_size, int64_t *ret_size)
{
    unsigned sum = 0;
    for (size_t i = 0; i < 512; i++)
        sum += (i >= 148 && i < 156) ? ' ' : h[i];
    if ((int64_t)sum != parse_num(h + 148, 8))
        return ctr__err(-EINVAL, "not a tar file (bad header checksum at offset %lld)", (long long)pos);
    int64_t size = parse_num(h + 124, 12);
    if (size < 0 || size > file_size - pos - 512)
        return ctr__err(-EINVAL, "tar member at offset %lld runs past the end of the file", (long long)pos);
    *ret_size = size;
    return 0;
}

/* A GNU long name ('L') or a pax header ('x') at data: the name it gives
 * the next member replaces *long_name (a pax header without a path record
 * leaves it as it is). */
static int read_long_name(int fd, char type, off_t data, int64_t size, char **long_name)
{
    if (size > 65536)
        return ctr__err(-EINVAL, "tar extended header too large");
    _cleanup_free_ char *buf = malloc((size_t)size + 1);
    if (!buf)
        return ctr__oom("a tar extended header");
    int r = read_full(fd, buf, (size_t)size, data);
    if (r < 0)
        return r;
    buf[size] = '\0';
    char *name = type == 'L' ? strndup(buf, (size_t)size) : pax_path(buf, (size_t)size);
    if (name) {
        free(*long_name);
        *long_name = name;
    }
    return 0;
}

/* Add the member of header h, its data at data: named by *long_name when
 * an extended header gave one (used up here), else by the header. */
static int index_add(struct ctr__tar_index *ix, size_t *cap, const unsigned char *h, char **long_name, off_t data,
                     int64_t size)
{
    char name[257];
    if (!*long_name) {
        char prefix[156] = { 0 }, nm[101] = { 0 };
        memcpy(nm, h, 100);
        if (memcmp(h + 257, "ustar", 5) == 0)
            memcpy(prefix, h + 345, 155);
        snprintf(name, sizeof name, "%s%s%s", prefix, prefix[0] ? "/" : "", nm);
    }
    if (ix->n == *cap) {
        *cap = *cap ? *cap * 2 : 64;
        struct ctr__tar_member *v = realloc(ix->m, *cap * sizeof *v);
        if (!v)
            return ctr__oom("the tar index");
        ix->m = v;
    }
    _cleanup_free_ char *given = TAKE_PTR(*long_name);
    struct ctr__tar_member *m = &ix->m[ix->n];
    m->name = clean_name(given ? given : name);
    m->off = data;
    m->size = (uint64_t)size;
    m->type = h[156] ? (char)h[156] : '0';
    if (!m->name)
        return ctr__oom("the tar index");
    ix->n++;
    return 0;
}

int ctr__tar_index_build(int fd, struct ctr__tar_index *ret)
{
    struct stat st;
    if (fstat(fd, &st) < 0)
        return -errno;
    _cleanup_(ctr__tar_index_clear) struct ctr__tar_index ix = { 0 };
    size_t cap = 0;
    _cleanup_free_ char *long_name = NULL;
    for (off_t pos = 0, next = 0; pos + 512 <= st.st_size; pos = next) {
        unsigned char h[512];
        int64_t size = 0;
        int r = read_full(fd, h, 512, pos);
        if (r < 0)
            return r;
        if (block_is_zero(h))
            break;
        if ((r = header_check(h, pos, st.st_size, &size)) < 0)
            return r;
        char type = (char)h[156];
        off_t data = pos + 512;
        next = data + ((size + 511) & ~(int64_t)511);
        if (type == 'L' || type == 'x')
            r = read_long_name(fd, type, data, size, &long_name);
        else if (type != 'g') /* a pax global header: nothing the index needs */
            r = index_add(&ix, &cap, h, &long_name, data, size);
        if (r < 0)
            return r;
    }
    *ret = ix;
    ix = (struct ctr__tar_index){ 0 };
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
