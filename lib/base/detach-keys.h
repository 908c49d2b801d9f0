/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Detach keys: parse podman/docker detach-key specs and match them in an
 * attach relay's input stream. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

/* Most keys a detach sequence may have (ret_keys of ctr__detach_keys_parse()
 * must hold this many bytes). */
#define CTR__DETACH_KEYS_MAX 32
/* podman's default sequence. */
#define CTR__DETACH_KEYS_DEFAULT "ctrl-p,ctrl-q"

/*
 * Parse a detach-key spec: comma-separated keys, each one ASCII character
 * ("a", "%") or "ctrl-X" with X in a-z or one of @ [ \ ] ^ _ ("ctrl-@" = 0,
 * "ctrl-a" = 1 ... "ctrl-z" = 26, "ctrl-[" = 27 ... "ctrl-_" = 31).  The
 * "ctrl-" prefix and the letter are case-insensitive.  "" means no keys
 * (detaching disabled): *ret_len = 0.  No spaces are allowed around keys.
 *
 * ret_keys must hold CTR__DETACH_KEYS_MAX bytes.  On failure nothing is
 * written.
 * Returns 0, or -EINVAL (spec is NULL, an empty or unknown key, more than
 * CTR__DETACH_KEYS_MAX keys) with a message naming the bad part.
 */
int ctr__detach_keys_parse(const char *spec, unsigned char *ret_keys, size_t *ret_len);

/*
 * Streaming matcher for an attach relay.  Input bytes that could be the
 * start of the detach sequence are held back; when the sequence breaks they
 * are released (in order, before the byte that broke it), when it completes
 * the relay detaches and the sequence itself is never forwarded.  Matching
 * works across reads of any size (unlike docker's, which only sees keys
 * typed one per read), and a broken attempt may start a new one
 * ("ctrl-p ctrl-p ctrl-q" detaches on "ctrl-p,ctrl-q").
 *
 * Relay loop:
 *
 *     struct ctr__detach_matcher m;
 *     unsigned char in[4096], out[sizeof in + CTR__DETACH_KEYS_MAX];
 *     ctr__detach_matcher_init(&m, keys, nkeys);
 *     for (;;) {
 *         ssize_t n = read(0, in, sizeof in);
 *         if (n <= 0) {                      // EOF: release held bytes
 *             size_t k = ctr__detach_matcher_flush(&m, out);
 *             write_all(sock, out, k);
 *             break;
 *         }
 *         size_t k;
 *         bool detach = ctr__detach_matcher_feed(&m, in, n, out, &k);
 *         write_all(sock, out, k);
 *         if (detach)
 *             break;                           // detached
 *     }
 *
 * The struct is plain data: no cleanup needed, copy freely.
 */
struct ctr__detach_matcher {
    unsigned char keys[CTR__DETACH_KEYS_MAX];
    size_t len;                              /* 0: never detaches */
    size_t matched;                          /* keys[0..matched) are held back */
    unsigned char fail[CTR__DETACH_KEYS_MAX]; /* KMP failure function of keys */
};

/* Set up m for keys[0..len) (len <= CTR__DETACH_KEYS_MAX; more are ignored). */
void ctr__detach_matcher_init(struct ctr__detach_matcher *m, const unsigned char *keys, size_t len);

/* Parse spec (see ctr__detach_keys_parse()) and set up m; -EINVAL. */
int ctr__detach_matcher_init_spec(struct ctr__detach_matcher *m, const char *spec);

/*
 * Feed in[0..in_len).  The bytes to forward now are written to out, which
 * must hold in_len + CTR__DETACH_KEYS_MAX bytes, and their count to
 * *ret_out_len.  Returns true when the full sequence was typed: out then
 * holds what came before the sequence, the bytes after it in `in` are
 * dropped, and the matcher is reset.  Never fails.
 */
bool ctr__detach_matcher_feed(struct ctr__detach_matcher *m, const void *in, size_t in_len,
                              void *out, size_t *ret_out_len);

/* Release the held-back bytes of a partial match into out (holds
 * CTR__DETACH_KEYS_MAX bytes), reset the match, return how many.  Call at
 * end of input. */
size_t ctr__detach_matcher_flush(struct ctr__detach_matcher *m, void *out);

/* Number of bytes currently held back (0 when no partial match). */
static inline size_t ctr__detach_matcher_pending(const struct ctr__detach_matcher *m)
{
    return m->matched;
}
