/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A strict TOML 1.0 parser for configuration files (registries.conf),
 * turning a document into a json-c tree.  Debian has no C TOML library,
 * and the files are untrusted input (fuzzed), so this is written for
 * refusal: the whole text is checked as UTF-8 first (NUL refused), every
 * rule of the specification that a file can break is an error
 * "LINE:COL: what" (columns in characters), and nothing is guessed.
 *
 * What the tree holds: tables are objects, arrays arrays, strings
 * strings, integers int64, floats doubles, booleans booleans, and the
 * four date/time forms strings as written (checked: ranges, leap years).
 *
 * Redefinition rules (the hard part of TOML) ride on each table's and
 * array's json-c userdata while parsing, cleared before the tree is
 * returned:
 *   F_EXPLICIT  defined: by a [header], or by dotted keys of a section
 *               that has ended ("pending" until the next header, as the
 *               keys of one section may keep adding to what they made);
 *               another [header] or a dotted key reaching into it is an
 *               error; [headers] of sub-tables may still go through it;
 *   F_FROZEN    an inline table: nothing may add to it, by any path;
 *   F_AOT       an array made by [[header]]: only [[header]] appends, and
 *               headers below it go to its last table.
 * A table without flags was made on the way by a header ([a.b] makes
 * a): it may be defined once later.
 *
 * Limits against hostile input: 32 parts per key and 32 levels of nested
 * arrays and inline tables, so the tree's depth (and json-c's recursion
 * over it) is bounded.  One deviation: NUL characters (\u0000) are
 * refused, as json-c strings and keys are C strings to their readers. */
#include "registry/toml.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/error.h"
#include "base/json-util.h"
#include "base/util.h"

enum { MAX_DEPTH = 32, MAX_KEY_PARTS = 32 };
enum { F_EXPLICIT = 1, F_FROZEN = 2, F_AOT = 4 };

struct parser {
    const char *s;
    size_t n, pos;
    json_object *root, *cur;
    json_object **pending; /* tables made or reached by dotted keys in this section */
    size_t n_pending, cap_pending;
    int depth;
    bool failed, oom;
    size_t err_pos;
    char err[256];
};

static unsigned flags_of(json_object *o) { return (unsigned)(uintptr_t)json_object_get_userdata(o); }

static void flags_add(json_object *o, unsigned f)
{
    json_object_set_userdata(o, (void *)(uintptr_t)(flags_of(o) | f), NULL);
}

static int fail_at(struct parser *p, size_t pos, const char *fmt, ...) _printf_(3, 4);
static int fail_at(struct parser *p, size_t pos, const char *fmt, ...)
{
    if (!p->failed) {
        p->failed = true;
        p->err_pos = pos;
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(p->err, sizeof p->err, fmt, ap);
        va_end(ap);
    }
    return -EINVAL;
}
#define FAIL(p, ...) fail_at((p), (p)->pos, __VA_ARGS__)

static int no_memory(struct parser *p)
{
    p->oom = true;
    return -ENOMEM;
}

/* ---- characters ---- */

static int peek(const struct parser *p, size_t off)
{
    return p->pos + off < p->n ? (unsigned char)p->s[p->pos + off] : -1;
}

static bool looking_at(const struct parser *p, const char *lit)
{
    size_t l = strlen(lit);
    return p->n - p->pos >= l && memcmp(p->s + p->pos, lit, l) == 0;
}

static bool is_control(int c) { return (c >= 0 && c < 0x20 && c != '\t') || c == 0x7f; }
static bool is_digit(int c) { return c >= '0' && c <= '9'; }
static bool is_bare(int c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || is_digit(c) || c == '_' || c == '-';
}
static bool newline_at(const struct parser *p, size_t off)
{
    return peek(p, off) == '\n' || (peek(p, off) == '\r' && peek(p, off + 1) == '\n');
}
static bool at_newline(const struct parser *p) { return newline_at(p, 0); }
static void skip_newline(struct parser *p) { p->pos += peek(p, 0) == '\r' ? 2 : 1; }

static void skip_ws(struct parser *p)
{
    while (peek(p, 0) == ' ' || peek(p, 0) == '\t')
        p->pos++;
}

/* '#' to the end of the line (the newline left). */
static int skip_comment(struct parser *p)
{
    if (peek(p, 0) != '#')
        return 0;
    for (p->pos++; p->pos < p->n && !at_newline(p); p->pos++)
        if (is_control(peek(p, 0)))
            return FAIL(p, "control character U+%04X in a comment", (unsigned)peek(p, 0));
    return 0;
}

/* Blanks, comments and newlines (between the values of an array). */
static int skip_ws_nl(struct parser *p)
{
    for (;;) {
        skip_ws(p);
        int r = skip_comment(p);
        if (r < 0)
            return r;
        if (!at_newline(p))
            return 0;
        skip_newline(p);
    }
}

static int end_of_line(struct parser *p, const char *after)
{
    skip_ws(p);
    int r = skip_comment(p);
    if (r < 0)
        return r;
    if (p->pos >= p->n)
        return 0;
    if (!at_newline(p))
        return FAIL(p, "expected the end of the line after %s", after);
    skip_newline(p);
    return 0;
}

/* Offset of the first byte that is not valid UTF-8 (or is NUL), or @n. */
static size_t utf8_check(const unsigned char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        unsigned c = s[i];
        size_t len = c < 0x80 ? 1 : c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3 : c >= 0xf0 && c <= 0xf4 ? 4 : 0;
        if (c == 0 || len == 0 || i + len > n)
            return i;
        unsigned lo = 0x80, hi = 0xbf; /* the second byte's range */
        if (c == 0xe0)
            lo = 0xa0;
        else if (c == 0xed)
            hi = 0x9f;
        else if (c == 0xf0)
            lo = 0x90;
        else if (c == 0xf4)
            hi = 0x8f;
        if (len > 1 && (s[i + 1] < lo || s[i + 1] > hi))
            return i;
        for (size_t k = 2; k < len; k++)
            if (s[i + k] < 0x80 || s[i + k] > 0xbf)
                return i;
        i += len;
    }
    return n;
}

/* ---- strings ---- */

struct sbuf {
    char *p;
    size_t len, cap;
};

static int sb_put(struct parser *p, struct sbuf *b, const char *d, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 32;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *q = realloc(b->p, cap);
        if (!q)
            return no_memory(p);
        b->p = q;
        b->cap = cap;
    }
    memcpy(b->p + b->len, d, n);
    b->len += n;
    b->p[b->len] = '\0';
    return 0;
}

static int sb_put_utf8(struct parser *p, struct sbuf *b, uint32_t cp)
{
    char u[4];
    size_t n;
    if (cp < 0x80) {
        u[0] = (char)cp;
        n = 1;
    } else if (cp < 0x800) {
        u[0] = (char)(0xc0 | cp >> 6);
        u[1] = (char)(0x80 | (cp & 0x3f));
        n = 2;
    } else if (cp < 0x10000) {
        u[0] = (char)(0xe0 | cp >> 12);
        u[1] = (char)(0x80 | (cp >> 6 & 0x3f));
        u[2] = (char)(0x80 | (cp & 0x3f));
        n = 3;
    } else {
        u[0] = (char)(0xf0 | cp >> 18);
        u[1] = (char)(0x80 | (cp >> 12 & 0x3f));
        u[2] = (char)(0x80 | (cp >> 6 & 0x3f));
        u[3] = (char)(0x80 | (cp & 0x3f));
        n = 4;
    }
    return sb_put(p, b, u, n);
}

static int hex_value(int c)
{
    if (is_digit(c))
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* At a backslash of a basic string. */
static int parse_escape(struct parser *p, struct sbuf *b)
{
    static const char simple[] = "b\bt\tn\nf\fr\r\"\"\\\\";
    size_t at = p->pos;
    int c = peek(p, 1);
    for (size_t i = 0; c > 0 && simple[i]; i += 2)
        if (c == simple[i]) {
            p->pos += 2;
            return sb_put(p, b, &simple[i + 1], 1);
        }
    if (c != 'u' && c != 'U') {
        if (c < 0)
            return fail_at(p, at, "unterminated string");
        if (c < 0x21 || c >= 0x7f)
            return fail_at(p, at, "invalid escape: a backslash before U+%04X", (unsigned)c);
        return fail_at(p, at, "invalid escape \\%c", c);
    }
    int len = c == 'u' ? 4 : 8;
    uint32_t cp = 0;
    for (int i = 2; i < 2 + len; i++) {
        int v = hex_value(peek(p, (size_t)i));
        if (v < 0)
            return fail_at(p, at, "malformed \\%c escape: %d hexadecimal digits expected", c, len);
        cp = cp << 4 | (uint32_t)v;
    }
    if ((cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
        return fail_at(p, at, "escape \\%c%.*s is not a Unicode scalar value", c, len, p->s + at + 2);
    if (cp == 0)
        return fail_at(p, at, "escape \\%c%.*s: NUL characters are not supported", c, len, p->s + at + 2);
    p->pos += 2 + (size_t)len;
    return sb_put_utf8(p, b, cp);
}

/* "..." or '...' on one line; @literal: no escapes. */
static int parse_oneline(struct parser *p, struct sbuf *b, bool literal)
{
    size_t at = p->pos;
    char quote = literal ? '\'' : '"';
    int r;
    for (p->pos++;;) {
        int c = peek(p, 0);
        if (c < 0 || at_newline(p))
            return fail_at(p, at, "unterminated string");
        if (c == quote) {
            p->pos++;
            return sb_put(p, b, "", 0);
        }
        if (c == '\\' && !literal) {
            if ((r = parse_escape(p, b)) < 0)
                return r;
            continue;
        }
        if (is_control(c))
            return FAIL(p, "control character U+%04X in a string", (unsigned)c);
        if ((r = sb_put(p, b, p->s + p->pos, 1)) < 0)
            return r;
        p->pos++;
    }
}

/* A backslash at the end of a line of a multi-line basic string: it and
 * the blanks and newlines after it go.  false when it is not one. */
static bool line_ending_backslash(struct parser *p)
{
    size_t i = 1;
    while (peek(p, i) == ' ' || peek(p, i) == '\t')
        i++;
    if (!newline_at(p, i))
        return false;
    p->pos += i;
    for (;;) {
        skip_ws(p);
        if (!at_newline(p))
            return true;
        skip_newline(p);
    }
}

/* """...""" or '''...''' (a newline right after the opening dropped;
 * newlines read as LF; up to two quotes before the closing three). */
static int parse_multiline(struct parser *p, struct sbuf *b, bool literal)
{
    size_t at = p->pos;
    char quote = literal ? '\'' : '"';
    int r;
    p->pos += 3;
    if (at_newline(p))
        skip_newline(p);
    for (;;) {
        int c = peek(p, 0);
        if (c < 0)
            return fail_at(p, at, "unterminated multi-line string");
        if (c == quote && peek(p, 1) == quote && peek(p, 2) == quote) {
            size_t q = 3;
            while (peek(p, q) == quote)
                q++;
            if (q > 5)
                return FAIL(p, "too many quotes at the end of a multi-line string");
            p->pos += q;
            return sb_put(p, b, literal ? "''" : "\"\"", q - 3);
        }
        if (c == '\\' && !literal) {
            if (!line_ending_backslash(p) && (r = parse_escape(p, b)) < 0)
                return r;
            continue;
        }
        if (at_newline(p)) {
            skip_newline(p);
            r = sb_put(p, b, "\n", 1);
        } else if (is_control(c)) {
            return FAIL(p, "control character U+%04X in a string", (unsigned)c);
        } else {
            r = sb_put(p, b, p->s + p->pos++, 1);
        }
        if (r < 0)
            return r;
    }
}

static int parse_string(struct parser *p, char **ret)
{
    struct sbuf b = { 0 };
    bool literal = peek(p, 0) == '\'';
    int r = looking_at(p, literal ? "'''" : "\"\"\"") ? parse_multiline(p, &b, literal)
                                                      : parse_oneline(p, &b, literal);
    if (r < 0) {
        free(b.p);
        return r;
    }
    *ret = b.p;
    return 0;
}

/* ---- keys ---- */

static int parse_simple_key(struct parser *p, char **ret)
{
    int c = peek(p, 0);
    if (c == '"' || c == '\'') {
        if (looking_at(p, c == '"' ? "\"\"\"" : "'''"))
            return FAIL(p, "a multi-line string cannot be a key");
        return parse_string(p, ret);
    }
    size_t at = p->pos;
    while (is_bare(peek(p, 0)))
        p->pos++;
    if (p->pos == at) {
        if (c < 0 || at_newline(p))
            return FAIL(p, "expected a key before the end of the line");
        if (c >= 0x80)
            return FAIL(p, "expected a key: non-ASCII characters need quotes");
        return FAIL(p, c < 0x21 || c == 0x7f ? "expected a key, not U+%04X" : "expected a key, not '%c'", (unsigned)c);
    }
    char *k = strndup(p->s + at, p->pos - at);
    if (!k)
        return no_memory(p);
    *ret = k;
    return 0;
}

/* KEY[ . KEY]...: a NULL-terminated array of at least one part. */
static int parse_key(struct parser *p, char ***ret)
{
    _cleanup_strv_ char **keys = calloc(MAX_KEY_PARTS + 1, sizeof(char *));
    if (!keys)
        return no_memory(p);
    for (size_t n = 0;; n++) {
        if (n == MAX_KEY_PARTS)
            return FAIL(p, "a key of more than %d parts", MAX_KEY_PARTS);
        int r = parse_simple_key(p, &keys[n]);
        if (r < 0)
            return r;
        size_t save = p->pos;
        skip_ws(p);
        if (peek(p, 0) != '.') {
            p->pos = save;
            break;
        }
        p->pos++;
        skip_ws(p);
    }
    *ret = TAKE_PTR(keys);
    return 0;
}

/* "a.b.c" for messages, control characters as '?'. */
static const char *key_name(char *const *keys, size_t n, char *buf, size_t size)
{
    size_t o = 0;
    for (size_t i = 0; i < n && o + 2 < size; i++) {
        if (i)
            buf[o++] = '.';
        for (const char *c = keys[i]; *c && o + 1 < size; c++)
            buf[o++] = is_control((unsigned char)*c) ? '?' : *c;
    }
    buf[o] = '\0';
    return buf;
}

/* ---- numbers, dates and times ---- */

/* The digits of @s[0..len) in @base with '_' only between two digits,
 * copied without the underscores into @out (len + 1 bytes). */
static bool clean_digits(const char *s, size_t len, int base, char *out)
{
    size_t o = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '_') {
            if (i == 0 || i + 1 == len || s[i + 1] == '_')
                return false;
            continue;
        }
        int v = hex_value((unsigned char)s[i]);
        if (v < 0 || v >= base)
            return false;
        out[o++] = s[i];
    }
    out[o] = '\0';
    return o > 0;
}

/* Accumulate the digits of @d in @base; false beyond @limit. */
static bool digits_value(const char *d, int base, uint64_t limit, uint64_t *ret)
{
    uint64_t v = 0;
    for (; *d; d++) {
        uint64_t x = (uint64_t)hex_value((unsigned char)*d);
        if (v > (limit - x) / (uint64_t)base)
            return false;
        v = v * (uint64_t)base + x;
    }
    *ret = v;
    return true;
}

static int new_int(struct parser *p, int64_t v, json_object **ret)
{
    if (!(*ret = json_object_new_int64(v)))
        return no_memory(p);
    return 0;
}

static int parse_integer(struct parser *p, size_t at, const char *t, json_object **ret)
{
    char d[130];
    const char *u = t + (*t == '+' || *t == '-');
    bool neg = *t == '-';
    if (u[0] == '0' && (u[1] == 'x' || u[1] == 'o' || u[1] == 'b')) {
        int base = u[1] == 'x' ? 16 : u[1] == 'o' ? 8 : 2;
        if (u != t)
            return fail_at(p, at, "a sign before a hexadecimal, octal or binary integer");
        uint64_t v;
        if (!clean_digits(u + 2, strlen(u + 2), base, d))
            return fail_at(p, at, "malformed integer %s", t);
        if (!digits_value(d, base, INT64_MAX, &v))
            return fail_at(p, at, "integer %s out of range", t);
        return new_int(p, (int64_t)v, ret);
    }
    if (!clean_digits(u, strlen(u), 10, d))
        return fail_at(p, at, "malformed value %s", t);
    if (d[0] == '0' && d[1])
        return fail_at(p, at, "leading zeros in integer %s", t);
    uint64_t v;
    if (!digits_value(d, 10, neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX, &v))
        return fail_at(p, at, "integer %s out of range", t);
    return new_int(p, neg ? (int64_t)(0 - v) : (int64_t)v, ret);
}

/* [+-]INT[.FRAC][(e|E)[+-]EXP], each part digits with underscores. */
static int parse_float(struct parser *p, size_t at, const char *t, json_object **ret)
{
    char clean[140], *o = clean;
    const char *s = t;
    if (*s == '+' || *s == '-')
        *o++ = *s++;
    size_t n = strcspn(s, ".eE");
    if (!clean_digits(s, n, 10, o) || (o[0] == '0' && o[1]))
        return fail_at(p, at, "malformed float %s", t);
    o += strlen(o);
    s += n;
    if (*s == '.') {
        *o++ = *s++;
        n = strcspn(s, "eE");
        if (!clean_digits(s, n, 10, o))
            return fail_at(p, at, "malformed float %s: digits needed after '.'", t);
        o += strlen(o);
        s += n;
    }
    if (*s == 'e' || *s == 'E') {
        *o++ = *s++;
        if (*s == '+' || *s == '-')
            *o++ = *s++;
        if (!clean_digits(s, strlen(s), 10, o))
            return fail_at(p, at, "malformed float %s: exponent", t);
        s += strlen(s);
    } else if (*s) {
        return fail_at(p, at, "malformed float %s", t);
    }
    errno = 0;
    double v = strtod(clean, NULL);
    if (errno == ERANGE && isinf(v))
        return fail_at(p, at, "float %s out of range", t);
    if (!(*ret = json_object_new_double(v)))
        return no_memory(p);
    return 0;
}

static int parse_number(struct parser *p, json_object **ret)
{
    size_t at = p->pos;
    int c;
    while ((c = peek(p, 0)) >= 0 && (is_bare(c) || c == '+' || c == '.'))
        p->pos++;
    size_t len = p->pos - at;
    if (len == 0) {
        c = peek(p, 0);
        if (c < 0 || at_newline(p))
            return FAIL(p, "expected a value before the end of the line");
        if (c >= 0x80)
            return FAIL(p, "expected a value, not a non-ASCII character");
        return FAIL(p, c < 0x21 || c == 0x7f ? "expected a value, not U+%04X" : "expected a value, not '%c'",
                    (unsigned)c);
    }
    if (len > 128)
        return fail_at(p, at, "malformed value: too long");
    char t[130];
    memcpy(t, p->s + at, len);
    t[len] = '\0';
    const char *u = t + (*t == '+' || *t == '-');
    if (streq(u, "inf") || streq(u, "nan")) {
        double v = streq(u, "inf") ? INFINITY : NAN;
        if (!(*ret = json_object_new_double(*t == '-' ? -v : v)))
            return no_memory(p);
        return 0;
    }
    bool based = u[0] == '0' && (u[1] == 'x' || u[1] == 'o' || u[1] == 'b');
    if (!based && strpbrk(u, ".eE"))
        return parse_float(p, at, t, ret);
    return parse_integer(p, at, t, ret);
}

static bool digits_at(const struct parser *p, size_t off, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!is_digit(peek(p, off + i)))
            return false;
    return true;
}

static int two_digits(const struct parser *p, size_t off)
{
    return (peek(p, off) - '0') * 10 + peek(p, off + 1) - '0';
}

static bool date_at(const struct parser *p, size_t off)
{
    return digits_at(p, off, 4) && peek(p, off + 4) == '-' && digits_at(p, off + 5, 2) && peek(p, off + 7) == '-' &&
           digits_at(p, off + 8, 2);
}

static bool time_at(const struct parser *p, size_t off)
{
    return digits_at(p, off, 2) && peek(p, off + 2) == ':' && digits_at(p, off + 3, 2);
}

static int check_date(struct parser *p)
{
    static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    int year = two_digits(p, 0) * 100 + two_digits(p, 2), month = two_digits(p, 5), day = two_digits(p, 8);
    bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    if (month < 1 || month > 12 || day < 1 || day > mdays[month - 1] || (month == 2 && day == 29 && !leap))
        return FAIL(p, "invalid date %.10s", p->s + p->pos);
    p->pos += 10;
    return 0;
}

/* HH:MM:SS[.FRAC] */
static int parse_time(struct parser *p)
{
    size_t at = p->pos;
    if (!time_at(p, 0) || peek(p, 5) != ':' || !digits_at(p, 6, 2))
        return fail_at(p, at, "malformed time: HH:MM:SS expected");
    if (two_digits(p, 0) > 23 || two_digits(p, 3) > 59 || two_digits(p, 6) > 60)
        return fail_at(p, at, "invalid time %.8s", p->s + at);
    p->pos += 8;
    if (peek(p, 0) == '.') {
        if (!is_digit(peek(p, 1)))
            return FAIL(p, "malformed time: digits needed after '.'");
        for (p->pos++; is_digit(peek(p, 0));)
            p->pos++;
    }
    return 0;
}

/* Z or +HH:MM / -HH:MM, if there. */
static int parse_offset(struct parser *p)
{
    int c = peek(p, 0);
    if (c == 'Z' || c == 'z') {
        p->pos++;
        return 0;
    }
    if (c != '+' && c != '-')
        return 0;
    if (!time_at(p, 1) || two_digits(p, 1) > 23 || two_digits(p, 4) > 59)
        return FAIL(p, "malformed time offset");
    p->pos += 6;
    return 0;
}

/* Offset and local date-times, local dates and times: as written. */
static int parse_datetime(struct parser *p, json_object **ret)
{
    size_t at = p->pos;
    int r;
    bool has_date = date_at(p, 0), has_time = !has_date;
    if (has_date) {
        if ((r = check_date(p)) < 0)
            return r;
        int sep = peek(p, 0);
        if ((sep == 'T' || sep == 't' || sep == ' ') && time_at(p, 1)) {
            p->pos++;
            has_time = true;
        }
    }
    if (has_time && (r = parse_time(p)) < 0)
        return r;
    if (has_date && has_time && (r = parse_offset(p)) < 0)
        return r;
    if (!(*ret = json_object_new_string_len(p->s + at, (int)(p->pos - at))))
        return no_memory(p);
    return 0;
}

/* ---- values ---- */

static int parse_value(struct parser *p, json_object **ret);
static int parse_keyval(struct parser *p, json_object *table, bool in_inline);

static int parse_array(struct parser *p, json_object **ret)
{
    size_t at = p->pos++;
    if (++p->depth > MAX_DEPTH)
        return fail_at(p, at, "arrays and inline tables nested more than %d deep", MAX_DEPTH);
    _cleanup_json_ json_object *a = json_object_new_array();
    if (!a)
        return no_memory(p);
    for (int r;;) {
        if ((r = skip_ws_nl(p)) < 0)
            return r;
        if (peek(p, 0) == ']')
            break;
        json_object *v = NULL;
        if ((r = parse_value(p, &v)) < 0)
            return r;
        if (json_object_array_add(a, v) < 0) {
            json_object_put(v);
            return no_memory(p);
        }
        if ((r = skip_ws_nl(p)) < 0)
            return r;
        if (peek(p, 0) == ',') {
            p->pos++;
            continue;
        }
        if (peek(p, 0) == ']')
            break;
        return p->pos >= p->n ? fail_at(p, at, "unterminated array") : FAIL(p, "expected ',' or ']' in an array");
    }
    p->pos++;
    p->depth--;
    *ret = TAKE_PTR(a);
    return 0;
}

static int parse_inline_table(struct parser *p, json_object **ret)
{
    size_t at = p->pos++;
    if (++p->depth > MAX_DEPTH)
        return fail_at(p, at, "arrays and inline tables nested more than %d deep", MAX_DEPTH);
    _cleanup_json_ json_object *t = json_object_new_object();
    if (!t)
        return no_memory(p);
    skip_ws(p);
    for (bool first = true; !(first && peek(p, 0) == '}'); first = false) {
        int r = parse_keyval(p, t, true);
        if (r < 0)
            return r;
        skip_ws(p);
        if (peek(p, 0) == '}')
            break;
        if (p->pos >= p->n)
            return fail_at(p, at, "unterminated inline table");
        if (at_newline(p))
            return FAIL(p, "a newline in an inline table");
        if (peek(p, 0) != ',')
            return FAIL(p, "expected ',' or '}' in an inline table");
        p->pos++;
        skip_ws(p);
        if (peek(p, 0) == '}')
            return FAIL(p, "a trailing comma in an inline table");
    }
    p->pos++;
    p->depth--;
    flags_add(t, F_FROZEN);
    *ret = TAKE_PTR(t);
    return 0;
}

static int parse_value(struct parser *p, json_object **ret)
{
    int c = peek(p, 0);
    if (c == '"' || c == '\'') {
        _cleanup_free_ char *s = NULL;
        int r = parse_string(p, &s);
        if (r < 0)
            return r;
        if (!(*ret = json_object_new_string(s)))
            return no_memory(p);
        return 0;
    }
    if (c == '[')
        return parse_array(p, ret);
    if (c == '{')
        return parse_inline_table(p, ret);
    if (looking_at(p, "true") || looking_at(p, "false")) {
        bool v = c == 't';
        size_t at = p->pos;
        p->pos += v ? 4 : 5;
        if (is_bare(peek(p, 0)))
            return fail_at(p, at, "malformed value after %s", v ? "true" : "false");
        if (!(*ret = json_object_new_boolean(v)))
            return no_memory(p);
        return 0;
    }
    if (date_at(p, 0) || time_at(p, 0))
        return parse_datetime(p, ret);
    return parse_number(p, ret);
}

/* ---- tables ---- */

static int add_pending(struct parser *p, json_object *t)
{
    if (p->n_pending == p->cap_pending) {
        size_t cap = p->cap_pending ? p->cap_pending * 2 : 16;
        json_object **v = realloc(p->pending, cap * sizeof *v);
        if (!v)
            return no_memory(p);
        p->pending = v;
        p->cap_pending = cap;
    }
    p->pending[p->n_pending++] = t;
    return 0;
}

/* A section ended: what its dotted keys made is defined now. */
static void finish_section(struct parser *p)
{
    for (size_t i = 0; i < p->n_pending; i++)
        flags_add(p->pending[i], F_EXPLICIT);
    p->n_pending = 0;
}

/* The tables of a dotted key's parts but the last, made as needed. */
static int walk_dotted(struct parser *p, size_t at, json_object **t, char **keys, size_t n, bool in_inline)
{
    char name[128];
    for (size_t i = 0; i + 1 < n; i++) {
        json_object *next = NULL;
        if (!json_object_object_get_ex(*t, keys[i], &next)) {
            next = json_object_new_object();
            if (!next || json_object_object_add(*t, keys[i], next) < 0) {
                json_object_put(next);
                return no_memory(p);
            }
        } else if (!json_object_is_type(next, json_type_object)) {
            return fail_at(p, at, "key %s is already defined, not as a table", key_name(keys, i + 1, name, sizeof name));
        } else if (flags_of(next) & F_FROZEN) {
            return fail_at(p, at, "inline table %s cannot be extended", key_name(keys, i + 1, name, sizeof name));
        } else if (flags_of(next) & F_EXPLICIT) {
            return fail_at(p, at, "table %s is defined elsewhere: dotted keys cannot add to it",
                           key_name(keys, i + 1, name, sizeof name));
        }
        int r;
        if (!in_inline && (r = add_pending(p, next)) < 0)
            return r;
        *t = next;
    }
    return 0;
}

/* KEY = VALUE into @table. */
static int parse_keyval(struct parser *p, json_object *table, bool in_inline)
{
    size_t at = p->pos;
    _cleanup_strv_ char **keys = NULL;
    int r = parse_key(p, &keys);
    if (r < 0)
        return r;
    skip_ws(p);
    if (peek(p, 0) != '=')
        return FAIL(p, "expected '=' after the key%s", at_newline(p) || p->pos >= p->n ? "" : ", or '.' between its parts");
    p->pos++;
    skip_ws(p);
    size_t n = ctr__strv_len((const char *const *)keys);
    json_object *t = table;
    if ((r = walk_dotted(p, at, &t, keys, n, in_inline)) < 0)
        return r;
    char name[128];
    if (json_object_object_get_ex(t, keys[n - 1], NULL))
        return fail_at(p, at, "duplicate key %s", key_name(keys, n, name, sizeof name));
    json_object *v = NULL;
    if ((r = parse_value(p, &v)) < 0)
        return r;
    if (json_object_object_add(t, keys[n - 1], v) < 0) {
        json_object_put(v);
        return no_memory(p);
    }
    return 0;
}

/* Into keys[i] on the way to a header's table. */
static int header_descend(struct parser *p, size_t at, json_object **t, char **keys, size_t i)
{
    char name[128];
    json_object *next = NULL;
    if (!json_object_object_get_ex(*t, keys[i], &next)) {
        next = json_object_new_object();
        if (!next || json_object_object_add(*t, keys[i], next) < 0) {
            json_object_put(next);
            return no_memory(p);
        }
    } else if (json_object_is_type(next, json_type_array)) {
        if (!(flags_of(next) & F_AOT))
            return fail_at(p, at, "key %s is an array, not a table", key_name(keys, i + 1, name, sizeof name));
        next = json_object_array_get_idx(next, json_object_array_length(next) - 1);
    } else if (!json_object_is_type(next, json_type_object)) {
        return fail_at(p, at, "key %s is already defined, not as a table", key_name(keys, i + 1, name, sizeof name));
    } else if (flags_of(next) & F_FROZEN) {
        return fail_at(p, at, "inline table %s cannot be extended", key_name(keys, i + 1, name, sizeof name));
    }
    *t = next;
    return 0;
}

/* [KEY] in @t (the parent): define the table. */
static int header_table(struct parser *p, size_t at, json_object *t, char **keys, size_t n)
{
    char name[128];
    json_object *tbl = NULL;
    if (!json_object_object_get_ex(t, keys[n - 1], &tbl)) {
        tbl = json_object_new_object();
        if (!tbl || json_object_object_add(t, keys[n - 1], tbl) < 0) {
            json_object_put(tbl);
            return no_memory(p);
        }
    } else if (json_object_is_type(tbl, json_type_array) && (flags_of(tbl) & F_AOT)) {
        return fail_at(p, at, "[%s] is an array of tables", key_name(keys, n, name, sizeof name));
    } else if (!json_object_is_type(tbl, json_type_object)) {
        return fail_at(p, at, "key %s is already defined, not as a table", key_name(keys, n, name, sizeof name));
    } else if (flags_of(tbl) & (F_EXPLICIT | F_FROZEN)) {
        return fail_at(p, at, "table %s is defined more than once", key_name(keys, n, name, sizeof name));
    }
    flags_add(tbl, F_EXPLICIT);
    p->cur = tbl;
    return 0;
}

/* [[KEY]] in @t: a new table at the end of the array. */
static int header_array(struct parser *p, size_t at, json_object *t, char **keys, size_t n)
{
    char name[128];
    json_object *a = NULL;
    if (!json_object_object_get_ex(t, keys[n - 1], &a)) {
        a = json_object_new_array();
        if (!a || json_object_object_add(t, keys[n - 1], a) < 0) {
            json_object_put(a);
            return no_memory(p);
        }
        flags_add(a, F_AOT);
    } else if (!json_object_is_type(a, json_type_array) || !(flags_of(a) & F_AOT)) {
        return fail_at(p, at, "key %s is already defined, not as an array of tables",
                       key_name(keys, n, name, sizeof name));
    }
    json_object *tbl = json_object_new_object();
    if (!tbl || json_object_array_add(a, tbl) < 0) {
        json_object_put(tbl);
        return no_memory(p);
    }
    flags_add(tbl, F_EXPLICIT);
    p->cur = tbl;
    return 0;
}

static int parse_header(struct parser *p)
{
    size_t at = p->pos;
    bool aot = peek(p, 1) == '[';
    p->pos += aot ? 2 : 1;
    skip_ws(p);
    _cleanup_strv_ char **keys = NULL;
    int r = parse_key(p, &keys);
    if (r < 0)
        return r;
    skip_ws(p);
    if (aot ? !looking_at(p, "]]") : peek(p, 0) != ']')
        return FAIL(p, aot ? "expected ']]' after the key of an array of tables header"
                           : "expected ']' after the key of a table header");
    p->pos += aot ? 2 : 1;
    finish_section(p);
    size_t n = ctr__strv_len((const char *const *)keys);
    json_object *t = p->root;
    for (size_t i = 0; i + 1 < n; i++)
        if ((r = header_descend(p, at, &t, keys, i)) < 0)
            return r;
    if ((r = aot ? header_array(p, at, t, keys, n) : header_table(p, at, t, keys, n)) < 0)
        return r;
    return end_of_line(p, "a table header");
}

static int parse_document(struct parser *p)
{
    if (looking_at(p, "\xef\xbb\xbf"))
        p->pos += 3;
    for (int r; p->pos < p->n;) {
        skip_ws(p);
        int c = peek(p, 0);
        if (c < 0)
            break;
        if (at_newline(p)) {
            skip_newline(p);
            continue;
        }
        if (c == '#')
            r = skip_comment(p);
        else if (c == '\r')
            r = FAIL(p, "a carriage return without a line feed");
        else if (c == '[')
            r = parse_header(p);
        else if ((r = parse_keyval(p, p->cur, false)) >= 0)
            r = end_of_line(p, "a value");
        if (r < 0)
            return r;
    }
    return 0;
}

/* The flags go before the tree leaves. */
static void clear_flags(json_object *o)
{
    if (json_object_is_type(o, json_type_object)) {
        json_object_set_userdata(o, NULL, NULL);
        json_object_object_foreach(o, k, v)
        {
            (void)k;
            clear_flags(v);
        }
    } else if (json_object_is_type(o, json_type_array)) {
        json_object_set_userdata(o, NULL, NULL);
        for (size_t i = 0; i < json_object_array_length(o); i++)
            clear_flags(json_object_array_get_idx(o, i));
    }
}

/* "LINE:COL: what" for @p's error. */
static char *error_text(const struct parser *p)
{
    size_t line = 1, col = 1;
    for (size_t i = 0; i < p->err_pos && i < p->n; i++) {
        unsigned char c = (unsigned char)p->s[i];
        if (c == '\n') {
            line++;
            col = 1;
        } else if ((c & 0xc0) != 0x80) {
            col++;
        }
    }
    return ctr__asprintf("%zu:%zu: %s", line, col, p->err);
}

int ctr__toml_parse(const char *text, size_t size, json_object **ret, char **ret_error)
{
    struct parser p = { .s = text ? text : "", .n = text ? size : 0 };
    size_t bad = utf8_check((const unsigned char *)p.s, p.n);
    _cleanup_json_ json_object *root = NULL;
    int r;
    if (bad < p.n) {
        r = fail_at(&p, bad, "%s", p.s[bad] ? "invalid UTF-8" : "a NUL byte");
    } else if (!(root = json_object_new_object())) {
        r = no_memory(&p);
    } else {
        p.root = p.cur = root;
        r = parse_document(&p);
    }
    free(p.pending);
    if (r == -ENOMEM || p.oom)
        return ctr__oom("a TOML document");
    if (r < 0) {
        char *e = error_text(&p);
        if (!e)
            return ctr__oom("a TOML error");
        ctr__err(-EINVAL, "%s", e);
        if (ret_error)
            *ret_error = e;
        else
            free(e);
        return -EINVAL;
    }
    clear_flags(root);
    *ret = TAKE_PTR(root);
    return 0;
}
