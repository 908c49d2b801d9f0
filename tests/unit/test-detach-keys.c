/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <libctr/ctr-error.h>
#include <stdio.h>

#include "base/detach-keys.h"
#include "base/error.h"

static void assert_keys(const char *spec, const unsigned char *want, size_t want_len)
{
    unsigned char keys[CTR__DETACH_KEYS_MAX];
    size_t len = 999;
    int r = ctr__detach_keys_parse(spec, keys, &len);
    if (r != 0)
        fail_msg("\"%s\": %d %s", spec, r, ctr_error_last()->message);
    assert_int_equal(len, want_len);
    if (want_len)
        assert_memory_equal(keys, want, want_len);
}

static void assert_bad(const char *spec, const char *in_message)
{
    unsigned char keys[CTR__DETACH_KEYS_MAX];
    memset(keys, 0xaa, sizeof keys);
    size_t len = 999;
    ctr__err_clear();
    int r = ctr__detach_keys_parse(spec, keys, &len);
    if (r != -EINVAL)
        fail_msg("\"%s\" gave %d, want -EINVAL", spec ? spec : "(null)", r);
    assert_int_equal(len, 999); /* untouched on failure */
    assert_int_equal(keys[0], 0xaa);
    const char *msg = ctr_error_last()->message;
    if (in_message && !strstr(msg, in_message))
        fail_msg("message \"%s\" does not name \"%s\"", msg, in_message);
}

static void test_parse_default(void **state)
{
    assert_keys("ctrl-p,ctrl-q", (const unsigned char *)"\x10\x11", 2);
    assert_keys(CTR__DETACH_KEYS_DEFAULT, (const unsigned char *)"\x10\x11", 2);
}

static void test_parse_empty(void **state)
{
    assert_keys("", NULL, 0);
}

static void test_parse_single_chars(void **state)
{
    assert_keys("a", (const unsigned char *)"a", 1);
    assert_keys("x,y,z", (const unsigned char *)"xyz", 3);
    assert_keys("Q", (const unsigned char *)"Q", 1);
    assert_keys("~", (const unsigned char *)"~", 1);
    assert_keys(" ", (const unsigned char *)" ", 1);
    assert_keys("a,ctrl-b,c", (const unsigned char *)"a\x02" "c", 3);
    /* Every ASCII character except NUL (cannot be in a C string) and ','. */
    for (int c = 1; c < 0x80; c++) {
        if (c == ',')
            continue;
        char spec[2] = { (char)c, 0 };
        unsigned char want = (unsigned char)c;
        assert_keys(spec, &want, 1);
    }
}

static void test_parse_ctrl_letters(void **state)
{
    for (int c = 'a'; c <= 'z'; c++) {
        char spec[16];
        unsigned char want = (unsigned char)(c - 'a' + 1);
        snprintf(spec, sizeof spec, "ctrl-%c", c);
        assert_keys(spec, &want, 1);
        snprintf(spec, sizeof spec, "ctrl-%c", c - 'a' + 'A');
        assert_keys(spec, &want, 1);
        snprintf(spec, sizeof spec, "CTRL-%c", c);
        assert_keys(spec, &want, 1);
        snprintf(spec, sizeof spec, "Ctrl-%c", c - 'a' + 'A');
        assert_keys(spec, &want, 1);
        snprintf(spec, sizeof spec, "cTrL-%c", c);
        assert_keys(spec, &want, 1);
    }
}

static void test_parse_ctrl_symbols(void **state)
{
    assert_keys("ctrl-@", (const unsigned char *)"\x00", 1);
    assert_keys("ctrl-[", (const unsigned char *)"\x1b", 1);
    assert_keys("ctrl-\\", (const unsigned char *)"\x1c", 1);
    assert_keys("ctrl-]", (const unsigned char *)"\x1d", 1);
    assert_keys("ctrl-^", (const unsigned char *)"\x1e", 1);
    assert_keys("ctrl-_", (const unsigned char *)"\x1f", 1);
    assert_keys("CTRL-@,CTRL-_", (const unsigned char *)"\x00\x1f", 2);
}

static void test_parse_max_keys(void **state)
{
    char spec[256] = "";
    unsigned char want[CTR__DETACH_KEYS_MAX];
    for (int i = 0; i < CTR__DETACH_KEYS_MAX; i++) {
        strcat(spec, i ? ",a" : "a");
        want[i] = 'a';
    }
    assert_keys(spec, want, CTR__DETACH_KEYS_MAX);
    strcat(spec, ",b");
    assert_bad(spec, "more than 32");

    /* 32 ctrl keys */
    spec[0] = 0;
    for (int i = 0; i < CTR__DETACH_KEYS_MAX; i++) {
        strcat(spec, i ? ",ctrl-z" : "ctrl-z");
        want[i] = 26;
    }
    assert_keys(spec, want, CTR__DETACH_KEYS_MAX);
}

static void test_parse_invalid(void **state)
{
    assert_bad(NULL, NULL);
    assert_bad("ctrl-", "\"ctrl-\"");
    assert_bad("ctrl-1", "\"ctrl-1\"");
    assert_bad("ctrl-0", "\"ctrl-0\"");
    assert_bad("ab", "\"ab\"");
    assert_bad(",", "empty key");
    assert_bad(",a", "empty key at position 1");
    assert_bad("a,", "empty key at position 3");
    assert_bad("ctrl-p,,ctrl-q", "empty key at position 8");
    assert_bad("ctrl-p,ctrl-q,", "empty key");
    assert_bad("ctrl-pp", "\"ctrl-pp\"");
    assert_bad("ctr-p", "\"ctr-p\"");
    assert_bad("ctrl+p", "\"ctrl+p\"");
    assert_bad("control-p", "\"control-p\"");
    assert_bad(" ctrl-p", "\" ctrl-p\"");
    assert_bad("ctrl-p ", "\"ctrl-p \"");
    assert_bad("ctrl-p, ctrl-q", "\" ctrl-q\"");
    assert_bad("ctrl-`", "\"ctrl-`\"");
    assert_bad("ctrl-{", "\"ctrl-{\"");
    assert_bad("ctrl-?", "\"ctrl-?\"");
    assert_bad("ctrl--", "\"ctrl--\"");
    assert_bad("ctrl-ctrl-p", "\"ctrl-ctrl-p\"");
    assert_bad("ctrl-p,xy", "\"xy\"");
    /* non-ASCII, escaped in the message */
    assert_bad("\xc3\xa9", "\"\\xc3\\xa9\"");
    assert_bad("\x80", "\"\\x80\"");
    assert_bad("\xff", "\"\\xff\"");
    assert_bad("ctrl-\xc3\xa9", "\"ctrl-\\xc3\\xa9\"");
    assert_bad("a,\xe2\x82\xac", "\"\\xe2\\x82\\xac\"");
    /* a long bad part is cut short in the message */
    char longspec[4096];
    memset(longspec, 'x', sizeof longspec - 1);
    longspec[sizeof longspec - 1] = 0;
    assert_bad(longspec, "xxx...");
}

/* ---- matcher ---- */

struct relay {
    struct ctr__detach_matcher m;
    unsigned char out[65536];
    size_t out_len;
    bool detached;
};

/* Feed data in chunks of `chunk` bytes (0 = all at once). */
static void relay_run(struct relay *rl, const char *spec, const void *data, size_t len, size_t chunk)
{
    memset(rl, 0, sizeof *rl);
    assert_int_equal(ctr__detach_matcher_init_spec(&rl->m, spec), 0);
    const unsigned char *p = data;
    size_t off = 0;
    if (chunk == 0)
        chunk = len ? len : 1;
    while (off < len) {
        size_t n = len - off < chunk ? len - off : chunk;
        unsigned char out[4096 + CTR__DETACH_KEYS_MAX];
        size_t k = 12345;
        assert_true(n <= 4096);
        bool d = ctr__detach_matcher_feed(&rl->m, p + off, n, out, &k);
        assert_true(k <= n + CTR__DETACH_KEYS_MAX);
        memcpy(rl->out + rl->out_len, out, k);
        rl->out_len += k;
        off += n;
        if (d) {
            rl->detached = true;
            return;
        }
    }
    unsigned char out[CTR__DETACH_KEYS_MAX];
    size_t k = ctr__detach_matcher_flush(&rl->m, out);
    memcpy(rl->out + rl->out_len, out, k);
    rl->out_len += k;
}

/* Same result whatever the chunking. */
static void check_relay(const char *spec, const char *in, size_t in_len, const char *want, size_t want_len,
                        bool want_detach)
{
    static const size_t chunks[] = { 0, 1, 2, 3, 5, 7, 64 };
    for (size_t i = 0; i < ARRAY_SIZE(chunks); i++) {
        struct relay *rl = malloc(sizeof *rl);
        assert_non_null(rl);
        relay_run(rl, spec, in, in_len, chunks[i]);
        if (rl->detached != want_detach || rl->out_len != want_len || memcmp(rl->out, want, want_len) != 0)
            fail_msg("spec %s chunk %zu: got %zu bytes detach=%d, want %zu bytes detach=%d", spec,
                     chunks[i], rl->out_len, rl->detached, want_len, want_detach);
        free(rl);
    }
}
#define RELAY(spec, in, want, det) check_relay(spec, in, sizeof(in) - 1, want, sizeof(want) - 1, det)

static void test_match_basic(void **state)
{
    RELAY("ctrl-p,ctrl-q", "hello", "hello", false);
    RELAY("ctrl-p,ctrl-q", "hello\x10\x11world", "hello", true);
    RELAY("ctrl-p,ctrl-q", "\x10\x11", "", true);
    RELAY("ctrl-p,ctrl-q", "", "", false);
    /* a broken match is released in order, with the byte that broke it */
    RELAY("ctrl-p,ctrl-q", "a\x10x", "a\x10x", false);
    /* a lone first key at the end is released by flush */
    RELAY("ctrl-p,ctrl-q", "abc\x10", "abc\x10", false);
    /* the second key alone is ordinary */
    RELAY("ctrl-p,ctrl-q", "\x11\x11", "\x11\x11", false);
    /* restart: p p q detaches, the first p is forwarded */
    RELAY("ctrl-p,ctrl-q", "\x10\x10\x11", "\x10", true);
    RELAY("ctrl-p,ctrl-q", "\x10\x10\x10\x11", "\x10\x10", true);
}

static void test_match_single_key(void **state)
{
    RELAY("ctrl-d", "abc\x04zzz", "abc", true);
    RELAY("q", "aaaq", "aaa", true);
    RELAY("q", "aaa", "aaa", false);
}

static void test_match_disabled(void **state)
{
    RELAY("", "\x10\x11 anything \x10", "\x10\x11 anything \x10", false);
    struct ctr__detach_matcher m;
    ctr__detach_matcher_init(&m, NULL, 0);
    unsigned char out[64];
    size_t k;
    assert_false(ctr__detach_matcher_feed(&m, "xyz", 3, out, &k));
    assert_int_equal(k, 3);
    assert_int_equal(ctr__detach_matcher_flush(&m, out), 0);
    assert_false(ctr__detach_matcher_feed(&m, "", 0, out, &k));
    assert_int_equal(k, 0);
}

static void test_match_self_overlap(void **state)
{
    /* "a,a,b": in "aaab" the sequence starts at the second a */
    RELAY("a,a,b", "aaab", "a", true);
    RELAY("a,a,b", "aaaab", "aa", true);
    RELAY("a,a,b", "aabaab", "", true);
    RELAY("a,a,b", "abaab", "ab", true);
    RELAY("a,a,b", "aaa", "aaa", false);
    /* "a,b,a,c": after "aba" a mismatch on 'b' keeps "ab" */
    RELAY("a,b,a,c", "ababac", "ab", true);
    RELAY("a,b,a,c", "abab", "abab", false);
    RELAY("a,b,a,c", "abax", "abax", false);
    RELAY("a,b,a,b,c", "abababc", "ab", true);
}

static void test_match_across_buffers(void **state)
{
    struct ctr__detach_matcher m;
    unsigned char out[64 + CTR__DETACH_KEYS_MAX];
    size_t k;

    assert_int_equal(ctr__detach_matcher_init_spec(&m, "ctrl-p,ctrl-q"), 0);
    assert_false(ctr__detach_matcher_feed(&m, "ls\x10", 3, out, &k));
    assert_int_equal(k, 2);
    assert_memory_equal(out, "ls", 2);
    assert_int_equal(ctr__detach_matcher_pending(&m), 1);
    /* next read breaks the match: the held ctrl-p comes first */
    assert_false(ctr__detach_matcher_feed(&m, "x\x10", 2, out, &k));
    assert_int_equal(k, 2);
    assert_memory_equal(out, "\x10x", 2);
    assert_int_equal(ctr__detach_matcher_pending(&m), 1);
    /* an empty read changes nothing */
    assert_false(ctr__detach_matcher_feed(&m, "", 0, out, &k));
    assert_int_equal(k, 0);
    assert_int_equal(ctr__detach_matcher_pending(&m), 1);
    /* completes across the boundary; what follows is dropped */
    assert_true(ctr__detach_matcher_feed(&m, "\x11trailing", 9, out, &k));
    assert_int_equal(k, 0);
    assert_int_equal(ctr__detach_matcher_pending(&m), 0);
    /* reset after detaching: usable again */
    assert_true(ctr__detach_matcher_feed(&m, "A\x10\x11", 3, out, &k));
    assert_int_equal(k, 1);
    assert_memory_equal(out, "A", 1);

    /* a 32-key sequence split at every possible point */
    char spec[256] = "";
    unsigned char seq[CTR__DETACH_KEYS_MAX];
    for (int i = 0; i < CTR__DETACH_KEYS_MAX; i++) {
        char key[16];
        snprintf(key, sizeof key, "%sctrl-%c", i ? "," : "", 'a' + i % 26);
        strcat(spec, key);
        seq[i] = (unsigned char)(1 + i % 26);
    }
    for (size_t split = 0; split <= CTR__DETACH_KEYS_MAX; split++) {
        assert_int_equal(ctr__detach_matcher_init_spec(&m, spec), 0);
        bool d1 = ctr__detach_matcher_feed(&m, seq, split, out, &k);
        assert_int_equal(k, 0);
        assert_int_equal(d1, split == CTR__DETACH_KEYS_MAX);
        if (!d1) {
            assert_true(ctr__detach_matcher_feed(&m, seq + split, CTR__DETACH_KEYS_MAX - split, out, &k));
            assert_int_equal(k, 0);
        }
    }
    /* 31 keys held, then a mismatch: all 31 plus the byte come out, out
     * needs in_len + CTR__DETACH_KEYS_MAX at most */
    assert_int_equal(ctr__detach_matcher_init_spec(&m, spec), 0);
    assert_false(ctr__detach_matcher_feed(&m, seq, CTR__DETACH_KEYS_MAX - 1, out, &k));
    assert_int_equal(k, 0);
    assert_false(ctr__detach_matcher_feed(&m, "Z", 1, out, &k));
    assert_int_equal(k, CTR__DETACH_KEYS_MAX);
    assert_memory_equal(out, seq, CTR__DETACH_KEYS_MAX - 1);
    assert_int_equal(out[CTR__DETACH_KEYS_MAX - 1], 'Z');
}

/* Compare with a naive reference: forward everything before the first
 * occurrence of the sequence (or everything). */
static void test_match_random(void **state)
{
    static const char *const specs[] = { "ctrl-p,ctrl-q", "a,a,b", "a,b,a,b,c", "b", "a,a,a,a", "a,b,a,c" };
    unsigned seed = 12345;
    for (int iter = 0; iter < 3000; iter++) {
        const char *spec = specs[iter % ARRAY_SIZE(specs)];
        unsigned char keys[CTR__DETACH_KEYS_MAX];
        size_t nkeys;
        assert_int_equal(ctr__detach_keys_parse(spec, keys, &nkeys), 0);
        char in[200];
        size_t len = (size_t)(rand_r(&seed) % sizeof in);
        static const char alphabet[] = "abcpq\x10\x11";
        for (size_t i = 0; i < len; i++)
            in[i] = alphabet[rand_r(&seed) % (sizeof alphabet - 1)];
        void *hit = memmem(in, len, keys, nkeys);
        size_t want_len = hit ? (size_t)((char *)hit - in) : len;
        check_relay(spec, in, len, in, want_len, hit != NULL);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_default),
        cmocka_unit_test(test_parse_empty),
        cmocka_unit_test(test_parse_single_chars),
        cmocka_unit_test(test_parse_ctrl_letters),
        cmocka_unit_test(test_parse_ctrl_symbols),
        cmocka_unit_test(test_parse_max_keys),
        cmocka_unit_test(test_parse_invalid),
        cmocka_unit_test(test_match_basic),
        cmocka_unit_test(test_match_single_key),
        cmocka_unit_test(test_match_disabled),
        cmocka_unit_test(test_match_self_overlap),
        cmocka_unit_test(test_match_across_buffers),
        cmocka_unit_test(test_match_random),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
