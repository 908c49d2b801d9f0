/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "base/detach-keys.h"

#include <stdio.h>

#include "base/error.h"

/* Copy s[0..len) into buf for a message, escaping what is not printable
 * ASCII and cutting it short when long. */
static const char *quote_part(const char *s, size_t len, char *buf, size_t size)
{
    size_t o = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (o + 8 >= size) {
            memcpy(buf + o, "...", 4);
            return buf;
        }
        if (c >= 0x20 && c < 0x7f && c != '\\')
            buf[o++] = (char)c;
        else
            o += (size_t)snprintf(buf + o, size - o, "\\x%02x", c);
    }
    buf[o] = '\0';
    return buf;
}

static int parse_key(const char *s, size_t len, unsigned char *ret)
{
    if (len == 1) {
        unsigned char c = (unsigned char)s[0];
        if (c >= 0x80)
            return -EINVAL;
        *ret = c;
        return 0;
    }
    if (len != 6 || strncasecmp(s, "ctrl-", 5) != 0)
        return -EINVAL;
    unsigned char c = (unsigned char)s[5];
    if (c >= 'a' && c <= 'z')
        *ret = (unsigned char)(c - 'a' + 1);
    else if (c >= 'A' && c <= 'Z')
        *ret = (unsigned char)(c - 'A' + 1);
    else if (c == '@')
        *ret = 0;
    else if (c >= '[' && c <= '_') /* [ \ ] ^ _ */
        *ret = (unsigned char)(c - '[' + 27);
    else
        return -EINVAL;
    return 0;
}

int ctr__detach_keys_parse(const char *spec, unsigned char *ret_keys, size_t *ret_len)
{
    unsigned char keys[CTR__DETACH_KEYS_MAX];
    size_t n = 0;
    char q[64];

    if (!spec || !ret_keys || !ret_len)
        return ctr__err(-EINVAL, "detach keys: invalid argument");

    if (*spec) {
        const char *p = spec;
        for (;;) {
            const char *end = strchrnul(p, ',');
            size_t len = (size_t)(end - p);
            if (len == 0)
                return ctr__err(-EINVAL, "detach keys \"%s\": empty key at position %zu",
                                quote_part(spec, strlen(spec), q, sizeof q), (size_t)(p - spec) + 1);
            if (n == CTR__DETACH_KEYS_MAX)
                return ctr__err(-EINVAL, "detach keys: more than %d keys", CTR__DETACH_KEYS_MAX);
            if (parse_key(p, len, &keys[n]) < 0)
                return ctr__err(-EINVAL, "detach keys: unknown key \"%s\" (want one ASCII character "
                                "or ctrl-[a-z@[\\]^_])", quote_part(p, len, q, sizeof q));
            n++;
            if (!*end)
                break;
            p = end + 1;
        }
    }
    memcpy(ret_keys, keys, n);
    *ret_len = n;
    return 0;
}

void ctr__detach_matcher_init(struct ctr__detach_matcher *m, const unsigned char *keys, size_t len)
{
    if (len > CTR__DETACH_KEYS_MAX)
        len = CTR__DETACH_KEYS_MAX;
    memset(m, 0, sizeof *m);
    if (len > 0)
        memcpy(m->keys, keys, len);
    m->len = len;
    /* fail[i]: length of the longest proper prefix of keys[0..i] that is
     * also a suffix of it. */
    size_t k = 0;
    for (size_t i = 1; i < len; i++) {
        while (k > 0 && m->keys[i] != m->keys[k])
            k = m->fail[k - 1];
        if (m->keys[i] == m->keys[k])
            k++;
        m->fail[i] = (unsigned char)k;
    }
}

int ctr__detach_matcher_init_spec(struct ctr__detach_matcher *m, const char *spec)
{
    unsigned char keys[CTR__DETACH_KEYS_MAX];
    size_t len;
    int r = ctr__detach_keys_parse(spec, keys, &len);
    if (r < 0)
        return r;
    ctr__detach_matcher_init(m, keys, len);
    return 0;
}

bool ctr__detach_matcher_feed(struct ctr__detach_matcher *m, const void *in, size_t in_len,
                              void *out, size_t *ret_out_len)
{
    const unsigned char *p = in, *end = p + in_len;
    unsigned char *o = out;

    if (m->len == 0) {
        if (in_len > 0)
            memcpy(o, p, in_len);
        *ret_out_len = in_len;
        return false;
    }
    while (p < end) {
        if (m->matched == 0) {
            /* Fast path: copy everything up to the next first key. */
            const unsigned char *hit = memchr(p, m->keys[0], (size_t)(end - p));
            size_t n = (size_t)((hit ? hit : end) - p);
            memcpy(o, p, n);
            o += n;
            p += n;
            if (!hit)
                break;
        }
        unsigned char c = *p++;
        size_t held = m->matched, k = held;
        while (k > 0 && m->keys[k] != c)
            k = m->fail[k - 1];
        if (m->keys[k] == c)
            k++;
        /* The held bytes plus c are keys[0..held) c; keep the last k of
         * them (== keys[0..k)), release the rest. */
        size_t release = held + 1 - k;
        if (k == 0) {
            memcpy(o, m->keys, held);
            o += held;
            *o++ = c;
        } else {
            memcpy(o, m->keys, release);
            o += release;
        }
        m->matched = k;
        if (k == m->len) {
            m->matched = 0;
            *ret_out_len = (size_t)(o - (unsigned char *)out);
            return true;
        }
    }
    *ret_out_len = (size_t)(o - (unsigned char *)out);
    return false;
}

size_t ctr__detach_matcher_flush(struct ctr__detach_matcher *m, void *out)
{
    size_t n = m->matched;
    if (n > 0)
        memcpy(out, m->keys, n);
    m->matched = 0;
    return n;
}
