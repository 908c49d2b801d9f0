/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* ctrctl: podman's --format, Go's text/template over JSON documents.
 *
 * Three stages, each following Go's own text/template (lex.go, parse.go,
 * exec.go, funcs.go in go/src/text/template) so that templates, output and
 * error messages are podman's:
 *
 *  - the lexer cuts the text into items: text, "{{", fields, strings, ...;
 *  - the parser, recursive descent, builds a tree of nodes: lists, text,
 *    actions, if/range/with, pipelines of commands of operands; it checks
 *    that functions exist and variables are declared;
 *  - the executor walks the tree over a json-c document and prints values
 *    as Go's fmt.Fprint does: strings raw, numbers as Go prints them,
 *    [a b] for lists, map[k:v] with sorted keys, {a b} for structs.
 *
 * Supported: text, comments, trim markers ({{- and -}}), fields and chains
 * (.A.B, $x.A, (pipeline).A), variables ($, $x := ..., $x = ...), literals
 * (strings, raw strings, numbers, characters, true, false, nil), pipelines
 * (a | b), parentheses, {{if}}/{{else if}}/{{else}}, {{range}} (lists, maps
 * in key order, $i, $e :=, {{else}}, {{break}}, {{continue}}), {{with}}; Go's
 * functions and, or, not, len, index, slice, print, printf, println, eq, ne,
 * lt, le, gt, ge, and podman's join, json, lower, upper, title, split, pad,
 * truncate.  Not supported: {{define}}, {{template}}, {{block}}, complex
 * numbers, and the functions html, js, urlquery and call; lower, upper and
 * title map ASCII letters only.
 *
 * JSON has no Go types, so the schema (template.h) says which objects are
 * structs (a missing field is an error) and which are maps (a missing key is
 * <no value>), and names the Go types podman's messages show.  Integers are
 * Go ints, other numbers float64.
 *
 * podman's report package on top (tmpl_parse): "\t" and "\n" in the format,
 * the final newline, the implicit {{range .}}, the "table " prefix and the
 * tabwriter that aligns its columns.
 *
 * Errors: functions return 0 or -1 with the message kept in the parser's or
 * executor's state (the first one wins), or -1 with the state's oom flag
 * when out of memory. */
#include "template.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_DEPTH 1000 /* nesting of parentheses and control structures */

/* ---- strings ---- */

void tmpl_buf_free(tmpl_buf_t *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->size = 0;
}

static int buf_add(tmpl_buf_t *b, const char *s, size_t n)
{
    if (n >= SIZE_MAX / 4 - b->len)
        return -ENOMEM;
    if (b->len + n + 1 > b->size) {
        size_t size = b->size ? b->size : 64;
        while (size < b->len + n + 1)
            size *= 2;
        char *p = realloc(b->data, size);
        if (!p)
            return -ENOMEM;
        b->data = p;
        b->size = size;
    }
    if (n)
        memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
    return 0;
}

static int buf_puts(tmpl_buf_t *b, const char *s)
{
    return buf_add(b, s, strlen(s));
}

static int buf_repeat(tmpl_buf_t *b, char c, size_t n)
{
    int r = 0;
    for (size_t i = 0; r == 0 && i < n; i++)
        r = buf_add(b, &c, 1);
    return r;
}

static int buf_printf(tmpl_buf_t *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int buf_printf(tmpl_buf_t *b, const char *fmt, ...)
{
    char small[128], *big = NULL;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0)
        return -ENOMEM;
    if ((size_t)n < sizeof small)
        return buf_add(b, small, (size_t)n);
    va_start(ap, fmt);
    n = vasprintf(&big, fmt, ap);
    va_end(ap);
    if (n < 0)
        return -ENOMEM;
    int r = buf_add(b, big, (size_t)n);
    free(big);
    return r;
}

/* The rune at s (n > 0 bytes left) and its length in *w; -1 with *w = 1 for
 * a byte that starts no valid UTF-8 sequence. */
static int32_t utf8_rune(const char *str, size_t n, size_t *w)
{
    const unsigned char *s = (const unsigned char *)str;
    *w = 1;
    if (s[0] < 0x80)
        return s[0];
    size_t len = s[0] >= 0xf0 ? 4 : s[0] >= 0xe0 ? 3 : s[0] >= 0xc2 ? 2 : 0;
    if (!len || len > n || s[0] > 0xf4)
        return -1;
    int32_t r = s[0] & (0x7f >> len);
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return -1;
        r = (r << 6) | (s[i] & 0x3f);
    }
    if ((len == 3 && r < 0x800) || (len == 4 && (r < 0x10000 || r > 0x10ffff)) || (r >= 0xd800 && r <= 0xdfff))
        return -1;
    *w = len;
    return r;
}

static size_t utf8_count(const char *s, size_t n)
{
    size_t count = 0, w;
    for (size_t i = 0; i < n; i += w, count++)
        utf8_rune(s + i, n - i, &w);
    return count;
}

static int utf8_put(tmpl_buf_t *b, int32_t r)
{
    char s[4];
    if (r < 0x80)
        return buf_add(b, (char[]){ (char)r }, 1);
    if (r < 0x800) {
        s[0] = (char)(0xc0 | (r >> 6));
        s[1] = (char)(0x80 | (r & 0x3f));
        return buf_add(b, s, 2);
    }
    if (r < 0x10000) {
        s[0] = (char)(0xe0 | (r >> 12));
        s[1] = (char)(0x80 | ((r >> 6) & 0x3f));
        s[2] = (char)(0x80 | (r & 0x3f));
        return buf_add(b, s, 3);
    }
    s[0] = (char)(0xf0 | (r >> 18));
    s[1] = (char)(0x80 | ((r >> 12) & 0x3f));
    s[2] = (char)(0x80 | ((r >> 6) & 0x3f));
    s[3] = (char)(0x80 | (r & 0x3f));
    return buf_add(b, s, 4);
}

/* One rune of Go's strconv.Quote. */
static int quote_rune(tmpl_buf_t *b, int32_t c, const char *raw, size_t w)
{
    static const char controls[] = "\a\b\f\n\r\t\v", letters[] = "abfnrtv";
    if (c < 0)
        return buf_printf(b, "\\x%02x", (unsigned char)raw[0]);
    if (c == '"' || c == '\\')
        return buf_printf(b, "\\%c", (char)c);
    const char *e = c > 0 && c < 0x20 ? strchr(controls, (char)c) : NULL;
    if (e)
        return buf_printf(b, "\\%c", letters[e - controls]);
    if (c < 0x20 || c == 0x7f)
        return buf_printf(b, "\\x%02x", (unsigned)c);
    return buf_add(b, raw, w);
}

/* s quoted as Go's %q, at most max runes of it (%.10q). */
static int go_quote(tmpl_buf_t *b, const char *s, size_t n, size_t max)
{
    int r = buf_add(b, "\"", 1);
    size_t w;
    for (size_t i = 0, runes = 0; r == 0 && i < n && runes < max; i += w, runes++) {
        int32_t c = utf8_rune(s + i, n - i, &w);
        r = quote_rune(b, c, s + i, w);
    }
    return r ? r : buf_add(b, "\"", 1);
}

/* Go's %#U: U+007B '{'. */
static int go_rune_name(tmpl_buf_t *b, const char *s, size_t n)
{
    size_t w;
    int32_t c = n ? utf8_rune(s, n, &w) : -1;
    if (c < 0)
        return buf_puts(b, "U+FFFD '\xef\xbf\xbd'");
    int r = buf_printf(b, "U+%04X", (unsigned)c);
    if (r == 0 && c >= 0x20 && c != 0x7f)
        r = buf_printf(b, " '%.*s'", (int)w, s);
    return r;
}

/* ---- lexer (Go's lex.go): the text as an array of items ---- */

enum itype {
    I_ERROR, I_BOOL, I_CHAR, I_CHARCONST, I_COMPLEX, I_ASSIGN, I_DECLARE, I_EOF, I_FIELD, I_IDENT, I_LEFT,
    I_LPAREN, I_NUMBER, I_PIPE, I_RAW, I_RIGHT, I_RPAREN, I_SPACE, I_STRING, I_TEXT, I_VAR,
    I_KEYWORD, /* the keywords follow; items print as <word> */
    I_BLOCK, I_BREAK, I_CONTINUE, I_DOT, I_DEFINE, I_ELSE, I_END, I_IF, I_NIL, I_RANGE, I_TEMPLATE, I_WITH,
};

static const struct {
    const char *word;
    enum itype type;
} keywords[] = {
    { "block", I_BLOCK }, { "break", I_BREAK }, { "continue", I_CONTINUE }, { "define", I_DEFINE },
    { "else", I_ELSE },   { "end", I_END },     { "if", I_IF },             { "nil", I_NIL },
    { "range", I_RANGE }, { "template", I_TEMPLATE }, { "with", I_WITH },
};

struct item {
    enum itype type;
    size_t pos, len; /* in the text */
    char *msg;       /* I_ERROR */
};

struct lexer {
    const char *in;
    size_t len, pos, start;
    int paren;
    struct item *items;
    size_t n, size;
};

/* States, as Go's state functions; negative: out of memory. */
enum { L_DONE, L_TEXT, L_LEFT, L_ACTION, L_RIGHT, L_COMMENT };

static bool is_space(int c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Letters, digits, '_'; any byte of a multi-byte rune counts as a letter. */
static bool is_alnum(int c)
{
    return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c >= 0x80;
}

static int lpeek(const struct lexer *l)
{
    return l->pos < l->len ? (unsigned char)l->in[l->pos] : -1;
}

static bool lhas(const struct lexer *l, size_t at, const char *s)
{
    size_t n = strlen(s);
    return at <= l->len && l->len - at >= n && memcmp(l->in + at, s, n) == 0;
}

static bool left_trim_marker(const struct lexer *l, size_t at)
{
    return at + 1 < l->len && l->in[at] == '-' && is_space((unsigned char)l->in[at + 1]);
}

static bool right_trim_marker(const struct lexer *l, size_t at)
{
    return at + 1 < l->len && is_space((unsigned char)l->in[at]) && l->in[at + 1] == '-';
}

static bool at_right_delim(const struct lexer *l, bool *trim)
{
    *trim = right_trim_marker(l, l->pos) && lhas(l, l->pos + 2, "}}");
    return *trim || lhas(l, l->pos, "}}");
}

static size_t left_trim_length(const struct lexer *l)
{
    size_t n = 0;
    while (l->pos + n < l->len && is_space((unsigned char)l->in[l->pos + n]))
        n++;
    return n;
}

static int push_item(struct lexer *l, struct item it)
{
    if (l->n == l->size) {
        size_t size = l->size ? 2 * l->size : 64;
        struct item *p = realloc(l->items, size * sizeof *p);
        if (!p)
            return -ENOMEM;
        l->items = p;
        l->size = size;
    }
    l->items[l->n++] = it;
    return 0;
}

/* Emit the item from start to pos and go on in state next. */
static int emit(struct lexer *l, enum itype type, int next)
{
    if (push_item(l, (struct item){ type, l->start, l->pos - l->start, NULL }) < 0)
        return -ENOMEM;
    l->start = l->pos;
    return next;
}

static int lex_error(struct lexer *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int lex_error(struct lexer *l, const char *fmt, ...)
{
    char *msg = NULL;
    va_list ap;
    va_start(ap, fmt);
    int n = vasprintf(&msg, fmt, ap);
    va_end(ap);
    if (n < 0 || push_item(l, (struct item){ I_ERROR, l->start, 0, msg }) < 0) {
        free(n < 0 ? NULL : msg);
        return -ENOMEM;
    }
    return L_DONE;
}

/* "bad character U+007B '{'" for the rune at pos. */
static int lex_bad_char(struct lexer *l, const char *what)
{
    tmpl_buf_t b = { 0 };
    if (go_rune_name(&b, l->in + l->pos, l->len - l->pos) < 0)
        return tmpl_buf_free(&b), -ENOMEM;
    int r = lex_error(l, "%s %s", what, b.data);
    tmpl_buf_free(&b);
    return r;
}

static int lex_text(struct lexer *l)
{
    const char *x = l->pos < l->len ? memmem(l->in + l->pos, l->len - l->pos, "{{", 2) : NULL;
    if (!x) {
        l->pos = l->len;
        if (l->pos > l->start && emit(l, I_TEXT, L_TEXT) < 0)
            return -ENOMEM;
        return emit(l, I_EOF, L_DONE);
    }
    size_t at = (size_t)(x - l->in), trim = 0;
    if (left_trim_marker(l, at + 2))
        while (at - trim > l->start && is_space((unsigned char)l->in[at - trim - 1]))
            trim++;
    l->pos = at - trim;
    if (l->pos > l->start && emit(l, I_TEXT, L_TEXT) < 0)
        return -ENOMEM;
    l->pos = l->start = at;
    return L_LEFT;
}

static int lex_left(struct lexer *l)
{
    l->pos += 2;
    size_t after = left_trim_marker(l, l->pos) ? 2 : 0;
    if (lhas(l, l->pos + after, "/*")) {
        l->pos += after;
        l->start = l->pos;
        return L_COMMENT;
    }
    if (emit(l, I_LEFT, L_ACTION) < 0)
        return -ENOMEM;
    l->pos += after;
    l->start = l->pos;
    l->paren = 0;
    return L_ACTION;
}

static int lex_comment(struct lexer *l)
{
    l->pos += 2;
    const char *end = memmem(l->in + l->pos, l->len - l->pos, "*/", 2);
    if (!end)
        return lex_error(l, "unclosed comment");
    l->pos = (size_t)(end - l->in) + 2;
    bool trim;
    if (!at_right_delim(l, &trim))
        return lex_error(l, "comment ends before closing delimiter");
    l->pos += trim ? 4 : 2;
    if (trim)
        l->pos += left_trim_length(l);
    l->start = l->pos;
    return L_TEXT;
}

static int lex_right(struct lexer *l)
{
    bool trim = right_trim_marker(l, l->pos);
    if (trim)
        l->start = l->pos += 2;
    l->pos += 2;
    if (emit(l, I_RIGHT, L_TEXT) < 0)
        return -ENOMEM;
    if (trim)
        l->start = l->pos += left_trim_length(l);
    return L_TEXT;
}

static int lex_space(struct lexer *l)
{
    size_t n = 0;
    while (l->pos < l->len && is_space((unsigned char)l->in[l->pos]))
        l->pos++, n++;
    /* " -}}": the space belongs to the delimiter */
    if (right_trim_marker(l, l->pos - 1) && lhas(l, l->pos + 1, "}}")) {
        l->pos--;
        if (n == 1)
            return L_RIGHT;
    }
    return emit(l, I_SPACE, L_ACTION);
}

static bool at_terminator(const struct lexer *l)
{
    int c = lpeek(l);
    return c < 0 || is_space(c) || strchr(".,|:)(", c) || lhas(l, l->pos, "}}");
}

static int lex_identifier(struct lexer *l)
{
    while (l->pos < l->len && is_alnum((unsigned char)l->in[l->pos]))
        l->pos++;
    if (!at_terminator(l))
        return lex_bad_char(l, "bad character");
    const char *w = l->in + l->start;
    size_t n = l->pos - l->start;
    for (size_t i = 0; i < sizeof keywords / sizeof keywords[0]; i++)
        if (strlen(keywords[i].word) == n && memcmp(w, keywords[i].word, n) == 0)
            return emit(l, keywords[i].type, L_ACTION);
    bool is_bool = (n == 4 && memcmp(w, "true", 4) == 0) || (n == 5 && memcmp(w, "false", 5) == 0);
    return emit(l, is_bool ? I_BOOL : I_IDENT, L_ACTION);
}

/* After '.' or '$': a field or variable name, or "." or "$" alone. */
static int lex_field_or_var(struct lexer *l, enum itype type)
{
    if (at_terminator(l))
        return emit(l, type == I_VAR ? I_VAR : I_DOT, L_ACTION);
    while (l->pos < l->len && is_alnum((unsigned char)l->in[l->pos]))
        l->pos++;
    if (!at_terminator(l))
        return lex_bad_char(l, "bad character");
    return emit(l, type, L_ACTION);
}

/* A quoted string or character constant, the opening quote scanned. */
static int lex_quoted(struct lexer *l, char quote, enum itype type, const char *unterminated)
{
    for (;;) {
        int c = lpeek(l);
        if (c < 0 || c == '\n')
            return lex_error(l, "%s", unterminated);
        l->pos++;
        if (c == '\\') {
            c = lpeek(l);
            if (c < 0 || c == '\n')
                return lex_error(l, "%s", unterminated);
            l->pos++;
        } else if (c == quote) {
            return emit(l, type, L_ACTION);
        }
    }
}

static int lex_raw(struct lexer *l)
{
    const char *end = l->pos < l->len ? memchr(l->in + l->pos, '`', l->len - l->pos) : NULL;
    if (!end)
        return lex_error(l, "unterminated raw quoted string");
    l->pos = (size_t)(end - l->in) + 1;
    return emit(l, I_RAW, L_ACTION);
}

static bool accept(struct lexer *l, const char *valid)
{
    int c = lpeek(l);
    if (c <= 0 || !strchr(valid, c))
        return false;
    l->pos++;
    return true;
}

static bool scan_number(struct lexer *l)
{
    static const char dec[] = "0123456789_", hex[] = "0123456789abcdefABCDEF_";
    const char *digits = dec;
    accept(l, "+-");
    if (accept(l, "0")) {
        if (accept(l, "xX"))
            digits = hex;
        else if (accept(l, "oO"))
            digits = "01234567_";
        else if (accept(l, "bB"))
            digits = "01_";
    }
    while (accept(l, digits))
        ;
    if (accept(l, "."))
        while (accept(l, digits))
            ;
    if ((digits == dec && accept(l, "eE")) || (digits == hex && accept(l, "pP"))) {
        accept(l, "+-");
        while (accept(l, dec))
            ;
    }
    accept(l, "i");
    if (l->pos < l->len && is_alnum((unsigned char)l->in[l->pos])) {
        l->pos++;
        return false;
    }
    return true;
}

static int lex_number(struct lexer *l)
{
    bool ok = scan_number(l);
    enum itype type = I_NUMBER;
    if (ok && (lpeek(l) == '+' || lpeek(l) == '-')) { /* complex: 1+2i */
        ok = scan_number(l) && l->in[l->pos - 1] == 'i';
        type = I_COMPLEX;
    }
    if (ok)
        return emit(l, type, L_ACTION);
    tmpl_buf_t b = { 0 };
    if (go_quote(&b, l->in + l->start, l->pos - l->start, SIZE_MAX) < 0)
        return tmpl_buf_free(&b), -ENOMEM;
    int r = lex_error(l, "bad number syntax: %s", b.data);
    tmpl_buf_free(&b);
    return r;
}

/* What follows a character inside an action that is none of the above. */
static int lex_punct(struct lexer *l, int c)
{
    switch (c) {
    case '=': return emit(l, I_ASSIGN, L_ACTION);
    case '|': return emit(l, I_PIPE, L_ACTION);
    case '(':
        l->paren++;
        return emit(l, I_LPAREN, L_ACTION);
    case ')':
        if (emit(l, I_RPAREN, L_ACTION) < 0)
            return -ENOMEM;
        if (--l->paren >= 0)
            return L_ACTION;
        l->pos--;
        return lex_bad_char(l, "unexpected right paren");
    default: break;
    }
    if (c < 0x80 && c > 0x20 && c != 0x7f)
        return emit(l, I_CHAR, L_ACTION);
    l->pos--;
    return lex_bad_char(l, "unrecognized character in action:");
}

static int lex_action(struct lexer *l)
{
    bool trim;
    if (at_right_delim(l, &trim))
        return l->paren == 0 ? L_RIGHT : lex_error(l, "unclosed left paren");
    int c = lpeek(l);
    if (c < 0)
        return lex_error(l, "unclosed action");
    if (is_space(c))
        return lex_space(l);
    l->pos++;
    switch (c) {
    case ':':
        if (lpeek(l) != '=')
            return lex_error(l, "expected :=");
        l->pos++;
        return emit(l, I_DECLARE, L_ACTION);
    case '"': return lex_quoted(l, '"', I_STRING, "unterminated quoted string");
    case '`': return lex_raw(l);
    case '\'': return lex_quoted(l, '\'', I_CHARCONST, "unterminated character constant");
    case '$':
        return at_terminator(l) ? emit(l, I_VAR, L_ACTION) : lex_field_or_var(l, I_VAR);
    case '.':
        if (l->pos < l->len && (l->in[l->pos] < '0' || l->in[l->pos] > '9'))
            return lex_field_or_var(l, I_FIELD);
        break;
    default: break;
    }
    if (c == '.' || c == '+' || c == '-' || (c >= '0' && c <= '9')) {
        l->pos--;
        return lex_number(l);
    }
    if (is_alnum(c)) {
        l->pos--;
        return lex_identifier(l);
    }
    return lex_punct(l, c);
}

/* The items of text, ending with I_EOF or I_ERROR.  0 or -ENOMEM. */
static int lex(const char *text, size_t len, struct item **ret, size_t *ret_n)
{
    struct lexer l = { .in = text, .len = len };
    int state = L_TEXT;
    while (state > L_DONE) {
        switch (state) {
        case L_TEXT: state = lex_text(&l); break;
        case L_LEFT: state = lex_left(&l); break;
        case L_ACTION: state = lex_action(&l); break;
        case L_RIGHT: state = lex_right(&l); break;
        default: state = lex_comment(&l); break;
        }
    }
    if (state < 0) {
        for (size_t i = 0; i < l.n; i++)
            free(l.items[i].msg);
        free(l.items);
        return -ENOMEM;
    }
    *ret = l.items;
    *ret_n = l.n;
    return 0;
}

/* ---- parse tree (Go's node.go) ---- */

enum ntype {
    N_ACTION, N_BOOL, N_BREAK, N_CHAIN, N_COMMAND, N_CONTINUE, N_DOT, N_ELSE, N_END, N_FIELD, N_IDENT, N_IF,
    N_LIST, N_NIL, N_NUMBER, N_PIPE, N_RANGE, N_STRING, N_TEXT, N_VAR, N_WITH,
};

struct node {
    enum ntype type;
    size_t pos;            /* in the text, for messages */
    struct node **kids;    /* LIST: nodes; PIPE: commands; COMMAND: operands */
    size_t n_kids;
    struct node *pipe;     /* ACTION, IF, RANGE, WITH; CHAIN: the term */
    struct node *list, *else_list;
    char **idents;         /* FIELD, CHAIN: field names; VAR: $x then fields; PIPE: declared variables */
    size_t n_idents;
    bool is_assign;        /* PIPE: "=" rather than ":=" */
    char *text;            /* TEXT; STRING: its value; IDENT: the name; NUMBER: as written */
    size_t text_len;
    char *quoted;          /* STRING: as written */
    bool truth;            /* BOOL */
    bool is_int, is_uint, is_float; /* NUMBER */
    int64_t i;
    double f;
};

static void node_free(struct node *n)
{
    if (!n)
        return;
    for (size_t i = 0; i < n->n_kids; i++)
        node_free(n->kids[i]);
    free(n->kids);
    node_free(n->pipe);
    node_free(n->list);
    node_free(n->else_list);
    for (size_t i = 0; i < n->n_idents; i++)
        free(n->idents[i]);
    free(n->idents);
    free(n->text);
    free(n->quoted);
    free(n);
}

static int node_string(tmpl_buf_t *b, const struct node *n);

static int join_nodes(tmpl_buf_t *b, struct node *const *kids, size_t n, const char *sep)
{
    int r = 0;
    for (size_t i = 0; r == 0 && i < n; i++) {
        if (i)
            r = buf_puts(b, sep);
        bool paren = kids[i]->type == N_PIPE && sep[0] == ' ' && sep[1] == '\0';
        if (r == 0 && paren)
            r = buf_puts(b, "(");
        if (r == 0)
            r = node_string(b, kids[i]);
        if (r == 0 && paren)
            r = buf_puts(b, ")");
    }
    return r;
}

static int pipe_string(tmpl_buf_t *b, const struct node *n)
{
    int r = 0;
    for (size_t i = 0; r == 0 && i < n->n_idents; i++)
        r = buf_printf(b, "%s%s", i ? ", " : "", n->idents[i]);
    if (r == 0 && n->n_idents)
        r = buf_puts(b, " := ");
    return r ? r : join_nodes(b, n->kids, n->n_kids, " | ");
}

static int control_string(tmpl_buf_t *b, const struct node *n, const char *word)
{
    int r = buf_printf(b, "{{%s ", word);
    if (r == 0)
        r = pipe_string(b, n->pipe);
    if (r == 0)
        r = buf_puts(b, "}}");
    if (r == 0)
        r = node_string(b, n->list);
    if (r == 0 && n->else_list) {
        r = buf_puts(b, "{{else}}");
        if (r == 0)
            r = node_string(b, n->else_list);
    }
    return r ? r : buf_puts(b, "{{end}}");
}

/* The names of a field chain: .A.B, or $x.A.B from the first. */
static int idents_string(tmpl_buf_t *b, const struct node *n, bool dots)
{
    int r = 0;
    for (size_t i = 0; r == 0 && i < n->n_idents; i++)
        r = buf_printf(b, "%s%s", dots || i ? "." : "", n->idents[i]);
    return r;
}

/* A node as Go's String() writes it, for messages. */
static int node_string(tmpl_buf_t *b, const struct node *n)
{
    switch (n->type) {
    case N_ACTION: {
        int r = buf_puts(b, "{{");
        if (r == 0)
            r = pipe_string(b, n->pipe);
        return r ? r : buf_puts(b, "}}");
    }
    case N_BOOL: return buf_puts(b, n->truth ? "true" : "false");
    case N_BREAK: return buf_puts(b, "{{break}}");
    case N_CHAIN: {
        bool paren = n->pipe->type == N_PIPE;
        int r = buf_puts(b, paren ? "(" : "");
        if (r == 0)
            r = node_string(b, n->pipe);
        if (r == 0)
            r = buf_puts(b, paren ? ")" : "");
        return r ? r : idents_string(b, n, true);
    }
    case N_COMMAND: return join_nodes(b, n->kids, n->n_kids, " ");
    case N_CONTINUE: return buf_puts(b, "{{continue}}");
    case N_DOT: return buf_puts(b, ".");
    case N_ELSE: return buf_puts(b, "{{else}}");
    case N_END: return buf_puts(b, "{{end}}");
    case N_FIELD: return idents_string(b, n, true);
    case N_IF: return control_string(b, n, "if");
    case N_LIST: return join_nodes(b, n->kids, n->n_kids, "");
    case N_NIL: return buf_puts(b, "nil");
    case N_PIPE: return pipe_string(b, n);
    case N_RANGE: return control_string(b, n, "range");
    case N_STRING: return buf_puts(b, n->quoted);
    case N_IDENT:
    case N_NUMBER:
    case N_TEXT: return buf_add(b, n->text, n->text_len);
    case N_VAR: return idents_string(b, n, false);
    case N_WITH: return control_string(b, n, "with");
    }
    return 0;
}

/* ---- parser (Go's parse.go) ---- */

struct parser {
    const char *name, *text;
    struct item *items;
    size_t n_items, i, last; /* next item, last item read */
    int action_line;         /* line of the action being parsed, 0 outside */
    int range_depth, depth;
    char **vars;             /* variables in scope */
    size_t n_vars;
    char *error;
    bool oom;
};

static bool builtin_exists(const char *name, size_t len);

static const struct item *item_at(const struct parser *p, size_t i)
{
    return &p->items[i < p->n_items ? i : p->n_items - 1];
}

static const struct item *next_item(struct parser *p)
{
    p->last = p->i < p->n_items ? p->i : p->n_items - 1;
    return item_at(p, p->i++);
}

static void backup(struct parser *p)
{
    p->i--;
}

static const struct item *peek_item(const struct parser *p)
{
    return item_at(p, p->i);
}

static const struct item *next_non_space(struct parser *p)
{
    const struct item *it;
    do
        it = next_item(p);
    while (it->type == I_SPACE);
    return it;
}

static const struct item *peek_non_space(struct parser *p)
{
    const struct item *it = next_non_space(p);
    backup(p);
    return it;
}

static int line_of(const char *text, size_t pos)
{
    int line = 1;
    for (size_t i = 0; i < pos && text[i]; i++)
        line += text[i] == '\n';
    return line;
}

static int oom(struct parser *p)
{
    p->oom = true;
    return -1;
}

static int perr(struct parser *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int perr(struct parser *p, const char *fmt, ...)
{
    if (p->error || p->oom)
        return -1;
    char *msg = NULL;
    va_list ap;
    va_start(ap, fmt);
    int n = vasprintf(&msg, fmt, ap);
    va_end(ap);
    if (n < 0)
        return oom(p);
    int line = line_of(p->text, item_at(p, p->last)->pos);
    if (asprintf(&p->error, "template: %s:%d: %s", p->name, line, msg) < 0) {
        p->error = NULL;
        oom(p);
    }
    free(msg);
    return -1;
}

/* An error whose message ends with a node, quoted or not. */
static int perr_node(struct parser *p, const char *before, const struct node *n, bool quote)
{
    tmpl_buf_t b = { 0 }, q = { 0 };
    int r = node_string(&b, n);
    if (r == 0 && quote)
        r = go_quote(&q, b.data, b.len, SIZE_MAX);
    if (r == 0)
        perr(p, "%s%s", before, quote ? q.data : b.data);
    tmpl_buf_free(&b);
    tmpl_buf_free(&q);
    return r ? oom(p) : -1;
}

/* An item as Go's item.String() writes it. */
static int item_string(const struct parser *p, tmpl_buf_t *b, const struct item *it)
{
    const char *val = p->text + it->pos;
    if (it->type == I_EOF)
        return buf_puts(b, "EOF");
    if (it->type > I_KEYWORD)
        return buf_printf(b, "<%.*s>", (int)it->len, val);
    if (it->len > 10) {
        int r = go_quote(b, val, it->len, 10);
        return r ? r : buf_puts(b, "...");
    }
    return go_quote(b, val, it->len, SIZE_MAX);
}

static int unexpected(struct parser *p, const struct item *it, const char *context)
{
    if (it->type == I_ERROR) {
        int line = line_of(p->text, it->pos);
        size_t n = strlen(it->msg);
        if (!p->action_line || p->action_line == line)
            return perr(p, "%s", it->msg);
        bool action = n >= 7 && strcmp(it->msg + n - 7, " action") == 0;
        return perr(p, "%s%s %s:%d", it->msg, action ? " started at" : " in action started at", p->name,
                    p->action_line);
    }
    tmpl_buf_t b = { 0 };
    if (item_string(p, &b, it) < 0)
        return tmpl_buf_free(&b), oom(p);
    perr(p, "unexpected %s in %s", b.data, context);
    tmpl_buf_free(&b);
    return -1;
}

static int expect(struct parser *p, enum itype type, const char *context, const struct item **ret)
{
    const struct item *it = next_non_space(p);
    if (it->type != type)
        return unexpected(p, it, context);
    *ret = it;
    return 0;
}

static struct node *node_new(struct parser *p, enum ntype type, size_t pos)
{
    struct node *n = calloc(1, sizeof *n);
    if (!n) {
        oom(p);
        return NULL;
    }
    n->type = type;
    n->pos = pos;
    return n;
}

/* Append kid to parent's kids; on failure kid is freed. */
static int node_add(struct parser *p, struct node *parent, struct node *kid)
{
    struct node **k = realloc(parent->kids, (parent->n_kids + 1) * sizeof *k);
    if (!k) {
        node_free(kid);
        return oom(p);
    }
    parent->kids = k;
    k[parent->n_kids++] = kid;
    return 0;
}

static int strv_add(struct parser *p, char ***v, size_t *n, const char *s, size_t len)
{
    char **nv = realloc(*v, (*n + 1) * sizeof *nv);
    if (!nv)
        return oom(p);
    *v = nv;
    if (!(nv[*n] = strndup(s, len)))
        return oom(p);
    (*n)++;
    return 0;
}

static int node_ident(struct parser *p, struct node *n, const char *s, size_t len)
{
    return strv_add(p, &n->idents, &n->n_idents, s, len);
}

static void pop_vars(struct parser *p, size_t mark)
{
    while (p->n_vars > mark)
        free(p->vars[--p->n_vars]);
}

static int pipeline(struct parser *p, const char *context, enum itype end, struct node **ret);
static int item_list(struct parser *p, struct node **ret, struct node **ret_end);

static int hex_value(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* One character of a quoted literal, as Go's strconv.UnquoteChar: its
 * value in *ret, *ret_byte when it is a raw byte (\x, octal); the length
 * read, or 0 for invalid syntax. */
static size_t unquote_char(const char *s, size_t n, char quote, int32_t *ret, bool *ret_byte)
{
    static const char escapes[] = "abfnrtv\\", values[] = "\a\b\f\n\r\t\v\\";
    size_t w;
    *ret_byte = false;
    if (s[0] == quote)
        return 0;
    if (s[0] != '\\') {
        *ret = utf8_rune(s, n, &w);
        if (*ret < 0)
            *ret = (unsigned char)s[0], *ret_byte = true;
        return w;
    }
    if (n < 2)
        return 0;
    const char *e = strchr(escapes, s[1]);
    if (s[1] && e) {
        *ret = values[e - escapes];
        return 2;
    }
    if (s[1] == quote && (quote == '\'' || quote == '"')) {
        *ret = quote;
        return 2;
    }
    size_t digits = s[1] == 'x' ? 2 : s[1] == 'u' ? 4 : s[1] == 'U' ? 8 : s[1] >= '0' && s[1] <= '7' ? 3 : 0;
    size_t skip = s[1] >= '0' && s[1] <= '7' ? 1 : 2;
    if (!digits || n < skip + digits)
        return 0;
    int32_t v = 0;
    for (size_t i = 0; i < digits; i++) {
        int d = skip == 1 ? (s[1 + i] >= '0' && s[1 + i] <= '7' ? s[1 + i] - '0' : -1) : hex_value(s[2 + i]);
        if (d < 0 || v > 0x10ffff)
            return 0;
        v = v * (skip == 1 ? 8 : 16) + d;
    }
    if ((skip == 1 && v > 255) || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
        return 0;
    *ret = v;
    *ret_byte = s[1] == 'x' || skip == 1;
    return skip + digits;
}

/* A string literal's value (Go's strconv.Unquote).  0 or -1 (invalid syntax
 * or out of memory, *oom then). */
static int unquote(const char *s, size_t n, tmpl_buf_t *b, bool *oom_)
{
    *oom_ = false;
    if (s[0] == '`') {
        for (size_t i = 1; i + 1 < n; i++)
            if (s[i] != '\r' && buf_add(b, s + i, 1) < 0)
                return *oom_ = true, -1;
        return buf_add(b, "", 0) < 0 ? (*oom_ = true, -1) : 0;
    }
    if (buf_add(b, "", 0) < 0)
        return *oom_ = true, -1;
    for (size_t i = 1; i + 1 < n;) {
        int32_t c;
        bool raw_byte;
        size_t w = unquote_char(s + i, n - 1 - i, '"', &c, &raw_byte);
        if (!w)
            return -1;
        int r = raw_byte ? buf_add(b, (char[]){ (char)c }, 1) : utf8_put(b, c);
        if (r < 0)
            return *oom_ = true, -1;
        i += w;
    }
    return 0;
}

static int string_node(struct parser *p, const struct item *it, struct node **ret)
{
    const char *s = p->text + it->pos;
    tmpl_buf_t b = { 0 };
    bool no_memory;
    if (unquote(s, it->len, &b, &no_memory) < 0) {
        tmpl_buf_free(&b);
        return no_memory ? oom(p) : perr(p, "invalid syntax");
    }
    struct node *n = node_new(p, N_STRING, it->pos);
    if (n)
        n->quoted = strndup(s, it->len);
    if (!n || !n->quoted) {
        tmpl_buf_free(&b);
        node_free(n);
        return oom(p);
    }
    n->text = b.data;
    n->text_len = b.len;
    *ret = n;
    return 0;
}

/* A number's values, as Go's newNumber. */
static int number_value(struct parser *p, struct node *n, enum itype type)
{
    const char *t = n->text;
    char *end;
    if (type == I_COMPLEX)
        return perr(p, "complex numbers are not supported");
    if (type == I_CHARCONST) {
        int32_t c;
        bool raw_byte;
        size_t w = unquote_char(t + 1, n->text_len - 1, '\'', &c, &raw_byte);
        if (!w || w + 2 != n->text_len || t[w + 1] != '\'')
            return perr(p, "malformed character constant: %s", t);
        n->is_int = n->is_uint = n->is_float = true;
        n->i = c;
        n->f = c;
        return 0;
    }
    errno = 0;
    long long i = strtoll(t, &end, 0);
    n->is_int = !errno && !*end && end != t;
    errno = 0;
    unsigned long long u = strtoull(t, &end, 0);
    n->is_uint = !errno && !*end && end != t && t[0] != '-' && t[0] != '+';
    if (n->is_int || n->is_uint) {
        n->is_float = true;
        n->i = n->is_int ? i : 0;
        n->f = n->is_int ? (double)i : (double)u;
        return 0;
    }
    errno = 0;
    double f = strtod(t, &end);
    if (errno || *end || end == t)
        return perr(p, "illegal number syntax: \"%s\"", t);
    if (!strpbrk(t, ".eEpP"))
        return perr(p, "integer overflow: \"%s\"", t);
    n->is_float = true;
    n->f = f;
    n->is_int = f >= -9.2e18 && f <= 9.2e18 && (double)(int64_t)f == f;
    n->i = n->is_int ? (int64_t)f : 0;
    return 0;
}

static int number_node(struct parser *p, const struct item *it, struct node **ret)
{
    struct node *n = node_new(p, N_NUMBER, it->pos);
    if (!n)
        return -1;
    n->text = strndup(p->text + it->pos, it->len);
    n->text_len = it->len;
    int r = n->text ? number_value(p, n, it->type) : oom(p);
    if (r < 0) {
        node_free(n);
        return -1;
    }
    *ret = n;
    return 0;
}

/* A node holding one name from the item (skip: characters to drop). */
static int name_node(struct parser *p, enum ntype type, const struct item *it, size_t skip, struct node **ret)
{
    struct node *n = node_new(p, type, it->pos);
    if (!n)
        return -1;
    int r = type == N_IDENT ? ((n->text = strndup(p->text + it->pos, it->len)) ? 0 : oom(p))
                            : node_ident(p, n, p->text + it->pos + skip, it->len - skip);
    n->text_len = it->len;
    if (r < 0) {
        node_free(n);
        return -1;
    }
    *ret = n;
    return 0;
}

static int use_var(struct parser *p, const struct item *it, struct node **ret)
{
    for (size_t i = 0; i < p->n_vars; i++)
        if (strlen(p->vars[i]) == it->len && memcmp(p->vars[i], p->text + it->pos, it->len) == 0)
            return name_node(p, N_VAR, it, 0, ret);
    return perr(p, "undefined variable \"%.*s\"", (int)it->len, p->text + it->pos);
}

/* term: a literal, a function, ., .Field, $x, or (pipeline); *ret NULL when
 * the next item is none. */
static int term(struct parser *p, struct node **ret)
{
    const struct item *it = next_non_space(p);
    *ret = NULL;
    switch (it->type) {
    case I_IDENT:
        if (!builtin_exists(p->text + it->pos, it->len))
            return perr(p, "function \"%.*s\" not defined", (int)it->len, p->text + it->pos);
        return name_node(p, N_IDENT, it, 0, ret);
    case I_DOT:
    case I_NIL:
    case I_BOOL:
        if (!(*ret = node_new(p, it->type == I_DOT ? N_DOT : it->type == I_NIL ? N_NIL : N_BOOL, it->pos)))
            return -1;
        (*ret)->truth = it->type == I_BOOL && p->text[it->pos] == 't';
        return 0;
    case I_VAR: return use_var(p, it, ret);
    case I_FIELD: return name_node(p, N_FIELD, it, 1, ret);
    case I_CHARCONST:
    case I_COMPLEX:
    case I_NUMBER: return number_node(p, it, ret);
    case I_LPAREN: return pipeline(p, "parenthesized pipeline", I_RPAREN, ret);
    case I_STRING:
    case I_RAW: return string_node(p, it, ret);
    default: backup(p); return 0;
    }
}

/* operand: a term and the fields that follow it. */
static int operand(struct parser *p, struct node **ret)
{
    struct node *n = NULL;
    *ret = NULL;
    if (term(p, &n) < 0)
        return -1;
    if (!n || peek_item(p)->type != I_FIELD) {
        *ret = n;
        return 0;
    }
    size_t pos = peek_item(p)->pos;
    struct node *target = n;
    if (n->type != N_FIELD && n->type != N_VAR) {
        if (n->type == N_BOOL || n->type == N_STRING || n->type == N_NUMBER || n->type == N_NIL || n->type == N_DOT) {
            perr_node(p, "unexpected . after term ", n, true);
            node_free(n);
            return -1;
        }
        if (!(target = node_new(p, N_CHAIN, pos))) {
            node_free(n);
            return -1;
        }
        target->pipe = n;
    }
    target->pos = pos;
    while (peek_item(p)->type == I_FIELD) {
        const struct item *it = next_item(p);
        if (node_ident(p, target, p->text + it->pos + 1, it->len - 1) < 0) {
            node_free(target);
            return -1;
        }
    }
    *ret = target;
    return 0;
}

/* command: operands separated by spaces, up to "|" (consumed), ")" or "}}". */
static int command(struct parser *p, struct node **ret)
{
    struct node *cmd = node_new(p, N_COMMAND, peek_non_space(p)->pos);
    if (!cmd)
        return -1;
    for (;;) {
        peek_non_space(p);
        struct node *op = NULL;
        if (operand(p, &op) < 0 || (op && node_add(p, cmd, op) < 0))
            goto fail;
        const struct item *it = next_item(p);
        if (it->type == I_SPACE)
            continue;
        if (it->type == I_RIGHT || it->type == I_RPAREN)
            backup(p);
        else if (it->type != I_PIPE && unexpected(p, it, "operand") < 0)
            goto fail;
        break;
    }
    if (cmd->n_kids == 0) {
        perr(p, "empty command");
        goto fail;
    }
    *ret = cmd;
    return 0;
fail:
    node_free(cmd);
    return -1;
}

static int declare(struct parser *p, struct node *pipe, const struct item *v)
{
    if (node_ident(p, pipe, p->text + v->pos, v->len) < 0)
        return -1;
    return strv_add(p, &p->vars, &p->n_vars, p->text + v->pos, v->len);
}

/* The declarations of a pipeline: $x := ..., $x = ..., range $i, $e := ... */
static int declarations(struct parser *p, struct node *pipe, const char *context)
{
    for (;;) {
        const struct item *v = peek_non_space(p);
        if (v->type != I_VAR)
            return 0;
        size_t at = p->i;
        next_item(p);
        const struct item *it = peek_non_space(p);
        if (it->type == I_ASSIGN || it->type == I_DECLARE) {
            pipe->is_assign = it->type == I_ASSIGN;
            next_non_space(p);
            return declare(p, pipe, v);
        }
        if (it->type != I_CHAR || p->text[it->pos] != ',') {
            p->i = at; /* an operand, not a declaration */
            return 0;
        }
        next_non_space(p);
        if (declare(p, pipe, v) < 0)
            return -1;
        if (strcmp(context, "range") != 0 || pipe->n_idents >= 2)
            return perr(p, "too many declarations in %s", context);
        enum itype t = peek_non_space(p)->type;
        if (t != I_VAR && t != I_RIGHT && t != I_RPAREN)
            return perr(p, "range can only initialize variables");
    }
}

static int check_pipeline(struct parser *p, const struct node *pipe, const char *context)
{
    if (pipe->n_kids == 0)
        return perr(p, "missing value for %s", context);
    for (size_t i = 1; i < pipe->n_kids; i++) {
        enum ntype t = pipe->kids[i]->kids[0]->type;
        if (t == N_BOOL || t == N_DOT || t == N_NIL || t == N_NUMBER || t == N_STRING)
            return perr(p, "non executable command in pipeline stage %zu", i + 1);
    }
    return 0;
}

/* The commands of a pipeline, up to end. */
static int commands(struct parser *p, struct node *pipe, const char *context, enum itype end)
{
    for (;;) {
        const struct item *it = next_non_space(p);
        struct node *cmd = NULL;
        switch (it->type) {
        case I_BOOL: case I_CHARCONST: case I_COMPLEX: case I_DOT: case I_FIELD: case I_IDENT: case I_NUMBER:
        case I_NIL: case I_RAW: case I_STRING: case I_VAR: case I_LPAREN:
            backup(p);
            if (command(p, &cmd) < 0 || node_add(p, pipe, cmd) < 0)
                return -1;
            break;
        default:
            if (it->type != end)
                return unexpected(p, it, context);
            return check_pipeline(p, pipe, context);
        }
    }
}

/* pipeline: declarations? command ("|" command)*, up to end. */
static int pipeline(struct parser *p, const char *context, enum itype end, struct node **ret)
{
    if (p->depth >= MAX_DEPTH)
        return perr(p, "exceeded maximum nesting depth (%d)", MAX_DEPTH);
    struct node *pipe = node_new(p, N_PIPE, peek_non_space(p)->pos);
    if (!pipe)
        return -1;
    p->depth++;
    int r = declarations(p, pipe, context);
    if (r == 0)
        r = commands(p, pipe, context, end);
    p->depth--;
    if (r < 0) {
        node_free(pipe);
        return -1;
    }
    *ret = pipe;
    return 0;
}

/* After {{else}} of an if, range or with: its list up to {{end}}. */
static int control_else(struct parser *p, struct node *n, const struct node *else_node)
{
    struct node *end = NULL;
    if (n->type == N_IF && peek_item(p)->type == I_IF) {
        /* {{else if x}} is {{else}}{{if x}}...{{end}}{{end}} with one {{end}} */
        struct node *inner = NULL;
        if (!(n->else_list = node_new(p, N_LIST, else_node->pos)))
            return -1;
        next_item(p);
        if (!(inner = node_new(p, N_IF, 0)))
            return -1;
        return node_add(p, n->else_list, inner) < 0 ? -1 : 1; /* 1: parse inner as an if */
    }
    if (item_list(p, &n->else_list, &end) < 0)
        return -1;
    int r = end->type == N_END ? 0 : perr_node(p, "expected end; found ", end, false);
    node_free(end);
    return r;
}

static int control(struct parser *p, struct node *n);

/* if, range, with: the pipeline, the list, its {{else}}, up to {{end}}. */
static int control(struct parser *p, struct node *n)
{
    static const char *const words[] = { [N_IF] = "if", [N_RANGE] = "range", [N_WITH] = "with" };
    size_t mark = p->n_vars;
    struct node *end = NULL;
    int r = pipeline(p, words[n->type], I_RIGHT, &n->pipe);
    if (r == 0) {
        n->pos = n->pipe->pos;
        p->range_depth += n->type == N_RANGE;
        r = item_list(p, &n->list, &end);
        p->range_depth -= n->type == N_RANGE;
    }
    if (r == 0 && end->type == N_ELSE) {
        r = control_else(p, n, end);
        if (r == 1)
            r = control(p, n->else_list->kids[0]);
    }
    node_free(end);
    pop_vars(p, mark);
    return r;
}

static int control_node(struct parser *p, enum ntype type, struct node **ret)
{
    struct node *n = node_new(p, type, 0);
    if (!n || control(p, n) < 0) {
        node_free(n);
        return -1;
    }
    *ret = n;
    return 0;
}

/* {{end}}, {{else}}, {{break}}, {{continue}}: the keyword is read. */
static int keyword_node(struct parser *p, const struct item *kw, struct node **ret)
{
    const struct item *it = NULL;
    static const char *const contexts[] = { [N_END] = "end", [N_ELSE] = "else", [N_BREAK] = "{{break}}",
                                            [N_CONTINUE] = "{{continue}}" };
    enum ntype type = kw->type == I_END ? N_END : kw->type == I_ELSE ? N_ELSE : kw->type == I_BREAK ? N_BREAK
                                                                                                 : N_CONTINUE;
    const char *context = contexts[type];
    if (type == N_ELSE && peek_non_space(p)->type == I_IF)
        it = peek_non_space(p); /* {{else if ...}}: the if stays */
    else if (expect(p, I_RIGHT, context, &it) < 0)
        return -1;
    if ((type == N_BREAK || type == N_CONTINUE) && p->range_depth == 0)
        return perr(p, "%s outside {{range}}", context);
    *ret = node_new(p, type, type == N_BREAK || type == N_CONTINUE ? kw->pos : it->pos);
    return *ret ? 0 : -1;
}

/* action: a control structure or a pipeline; "{{" is read. */
static int action(struct parser *p, struct node **ret)
{
    const struct item *it = next_non_space(p);
    switch (it->type) {
    case I_BLOCK:
    case I_DEFINE:
    case I_TEMPLATE: return perr(p, "{{%.*s}} is not supported", (int)it->len, p->text + it->pos);
    case I_BREAK:
    case I_CONTINUE:
    case I_ELSE:
    case I_END: return keyword_node(p, it, ret);
    case I_IF: return control_node(p, N_IF, ret);
    case I_RANGE: return control_node(p, N_RANGE, ret);
    case I_WITH: return control_node(p, N_WITH, ret);
    default: break;
    }
    backup(p);
    struct node *n = node_new(p, N_ACTION, peek_item(p)->pos);
    if (!n || pipeline(p, "command", I_RIGHT, &n->pipe) < 0) {
        node_free(n);
        return -1;
    }
    *ret = n;
    return 0;
}

static int text_or_action(struct parser *p, struct node **ret)
{
    const struct item *it = next_non_space(p);
    if (it->type == I_TEXT) {
        struct node *n = node_new(p, N_TEXT, it->pos);
        if (!n || !(n->text = strndup(p->text + it->pos, it->len))) {
            node_free(n);
            return oom(p);
        }
        n->text_len = it->len;
        *ret = n;
        return 0;
    }
    if (it->type != I_LEFT)
        return unexpected(p, it, "input");
    p->action_line = line_of(p->text, it->pos);
    int r = action(p, ret);
    p->action_line = 0;
    return r;
}

/* Nodes up to {{end}} or {{else}}, returned in *ret_end. */
static int item_list(struct parser *p, struct node **ret, struct node **ret_end)
{
    struct node *list = node_new(p, N_LIST, peek_non_space(p)->pos);
    if (!list)
        return -1;
    while (peek_non_space(p)->type != I_EOF) {
        struct node *n = NULL;
        if (text_or_action(p, &n) < 0)
            break;
        if (n->type == N_END || n->type == N_ELSE) {
            *ret = list;
            *ret_end = n;
            return 0;
        }
        if (node_add(p, list, n) < 0)
            break;
    }
    if (!p->error && !p->oom)
        perr(p, "unexpected EOF");
    node_free(list);
    return -1;
}

static int parse_top(struct parser *p, struct node **ret)
{
    struct node *list = node_new(p, N_LIST, peek_item(p)->pos);
    if (!list)
        return -1;
    while (peek_item(p)->type != I_EOF) {
        struct node *n = NULL;
        if (text_or_action(p, &n) < 0)
            goto fail;
        if (n->type == N_END || n->type == N_ELSE) {
            perr_node(p, "unexpected ", n, false);
            node_free(n);
            goto fail;
        }
        if (node_add(p, list, n) < 0)
            goto fail;
    }
    *ret = list;
    return 0;
fail:
    node_free(list);
    return -1;
}

/* ---- values: JSON read as Go values ---- */

enum vkind { V_NONE, V_NIL, V_BOOL, V_INT, V_FLOAT, V_STRING, V_LIST, V_MAP, V_STRUCT };

/* V_NONE is Go's invalid value (a missing map key: <no value>). */
struct value {
    enum vkind kind;
    json_object *j;   /* a reference; NULL for no value, nil, and null lists, maps, strings */
    const char *type; /* Go type from the schema, or NULL */
    bool typed;       /* V_NIL: a nil of a struct's field (prints <nil>) */
    const tmpl_member_t *elem; /* V_LIST: how to read the elements, or NULL */
};

static void value_clear(struct value *v)
{
    json_object_put(v->j);
    *v = (struct value){ 0 };
}

static void value_copy(struct value *dst, const struct value *src)
{
    *dst = *src;
    json_object_get(dst->j);
}

static const tmpl_member_t *member_named(const tmpl_schema_t *s, const char *name)
{
    for (const tmpl_member_t *m = s && s->members ? s->members : NULL; m && m->name; m++)
        if (strcmp(m->name, name) == 0)
            return m;
    return NULL;
}

/* The member whose JSON key is key. */
static const tmpl_member_t *member_keyed(const tmpl_schema_t *s, const char *key)
{
    for (const tmpl_member_t *m = s && s->members ? s->members : NULL; m && m->name; m++)
        if (strcmp(m->key ? m->key : m->name, key) == 0)
            return m;
    return NULL;
}

/* A Go struct's exported field name: [A-Z][A-Za-z0-9_]*. */
static bool field_like(const char *k)
{
    if (!(*k >= 'A' && *k <= 'Z'))
        return false;
    for (; *k; k++)
        if (!is_alnum((unsigned char)*k) || (unsigned char)*k >= 0x80)
            return false;
    return true;
}

static bool looks_like_struct(json_object *j)
{
    if (json_object_object_length(j) == 0)
        return false;
    json_object_object_foreach(j, key, child) {
        (void)child;
        if (!field_like(key))
            return false;
    }
    return true;
}

static enum vkind kind_of(json_object *j, tmpl_kind_t hint)
{
    switch (json_object_get_type(j)) {
    case json_type_null:
        return hint == TMPL_MAP ? V_MAP : hint == TMPL_LIST ? V_LIST : hint == TMPL_STRING ? V_STRING : V_NIL;
    case json_type_boolean: return V_BOOL;
    case json_type_int: return V_INT;
    case json_type_double: return V_FLOAT;
    case json_type_string: return V_STRING;
    case json_type_array: return V_LIST;
    case json_type_object:
        if (hint == TMPL_MAP || hint == TMPL_STRUCT)
            return hint == TMPL_MAP ? V_MAP : V_STRUCT;
        return looks_like_struct(j) ? V_STRUCT : V_MAP;
    }
    return V_NIL;
}

/* v = j (a new reference), read as described by m (NULL: by itself); in a
 * struct's field a null is a typed nil. */
static void value_set(struct value *v, json_object *j, const tmpl_member_t *m, bool field)
{
    v->kind = kind_of(j, m ? m->kind : TMPL_AUTO);
    v->j = json_object_get(j);
    v->type = m ? m->type : NULL;
    v->typed = field || (m && m->type);
    v->elem = NULL;
}

static bool all_strings(json_object *j)
{
    if (json_object_is_type(j, json_type_array)) {
        for (size_t i = 0; i < json_object_array_length(j); i++)
            if (!json_object_is_type(json_object_array_get_idx(j, i), json_type_string))
                return false;
    } else if (j) {
        json_object_object_foreach(j, key, child) {
            (void)key;
            if (!json_object_is_type(child, json_type_string))
                return false;
        }
    }
    return true;
}

/* The Go type of v, for messages. */
static const char *value_type(const struct value *v)
{
    if (v->type)
        return v->type;
    switch (v->kind) {
    case V_NONE: return "<nil>";
    case V_NIL: return "interface {}";
    case V_BOOL: return "bool";
    case V_INT: return "int";
    case V_FLOAT: return "float64";
    case V_STRING: return "string";
    case V_LIST: return all_strings(v->j) ? "[]string" : "[]interface {}";
    case V_MAP: return all_strings(v->j) ? "map[string]string" : "map[string]interface {}";
    case V_STRUCT: return "struct";
    }
    return "?";
}

static const char *value_str(const struct value *v)
{
    return v->j ? json_object_get_string(v->j) : "";
}

static size_t value_len(const struct value *v)
{
    switch (v->kind) {
    case V_STRING: return v->j ? (size_t)json_object_get_string_len(v->j) : 0;
    case V_LIST: return v->j ? json_object_array_length(v->j) : 0;
    case V_MAP:
    case V_STRUCT: return v->j ? (size_t)json_object_object_length(v->j) : 0;
    default: return 0;
    }
}

/* Go's truth: not the zero value of its type (structs are always true). */
static bool truth(const struct value *v)
{
    switch (v->kind) {
    case V_BOOL: return json_object_get_boolean(v->j);
    case V_INT: return json_object_get_int64(v->j) != 0;
    case V_FLOAT: return json_object_get_double(v->j) != 0;
    case V_STRING:
    case V_LIST:
    case V_MAP: return value_len(v) > 0;
    case V_STRUCT: return true;
    default: return false;
    }
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The keys of object j (NULL: none) sorted, as Go's fmt and range do;
 * *ret malloc'ed.  0 or -ENOMEM. */
static int sorted_keys(json_object *j, const char ***ret, size_t *ret_n)
{
    size_t n = j ? (size_t)json_object_object_length(j) : 0, i = 0;
    const char **keys = calloc(n ? n : 1, sizeof *keys);
    if (!keys)
        return -ENOMEM;
    if (j) {
        json_object_object_foreach(j, key, child) {
            (void)child;
            keys[i++] = key;
        }
    }
    qsort(keys, n, sizeof *keys, cmp_str);
    *ret = keys;
    *ret_n = n;
    return 0;
}

/* ---- printing as Go's fmt.Fprint (%v) and encoding/json ---- */

/* v > 0's shortest decimal digits that read back as v: v = 0.DIGITS * 10^*dp. */
static void float_digits(double v, char digits[24], int *dp)
{
    char s[40];
    for (int prec = 1; prec <= 17; prec++) {
        snprintf(s, sizeof s, "%.*e", prec - 1, v);
        if (strtod(s, NULL) == v)
            break;
    }
    size_t n = 0;
    for (const char *c = s; *c && *c != 'e'; c++)
        if (*c >= '0' && *c <= '9')
            digits[n++] = *c;
    digits[n] = '\0';
    *dp = atoi(strchr(s, 'e') + 1) + 1;
}

/* Go's %v of a float64 (json: encoding/json's form). */
static int fmt_float(tmpl_buf_t *b, double v, bool json)
{
    if (isnan(v) || isinf(v))
        return buf_puts(b, isnan(v) ? "NaN" : v > 0 ? "+Inf" : "-Inf");
    if (v == 0)
        return buf_puts(b, signbit(v) ? "-0" : "0");
    char d[24];
    int dp, r = v < 0 ? buf_puts(b, "-") : 0;
    float_digits(fabs(v), d, &dp);
    int exp = dp - 1, n = (int)strlen(d);
    bool e = json ? fabs(v) < 1e-6 || fabs(v) >= 1e21 : exp < -4 || exp >= 6;
    if (r == 0 && e) {
        r = buf_printf(b, "%c%s%se%c%0*d", d[0], d[1] ? "." : "", d + 1, exp < 0 ? '-' : '+', json && exp < 0 ? 1 : 2,
                       abs(exp));
    } else if (r == 0 && dp <= 0) {
        r = buf_puts(b, "0.");
        if (r == 0)
            r = buf_repeat(b, '0', (size_t)-dp);
        if (r == 0)
            r = buf_puts(b, d);
    } else if (r == 0 && dp >= n) {
        r = buf_puts(b, d);
        if (r == 0)
            r = buf_repeat(b, '0', (size_t)(dp - n));
    } else if (r == 0) {
        r = buf_printf(b, "%.*s.%s", dp, d, d + dp);
    }
    return r;
}

static int fmt_int(tmpl_buf_t *b, json_object *j)
{
    int64_t i = json_object_get_int64(j);
    if (i == INT64_MAX)
        return buf_printf(b, "%llu", (unsigned long long)json_object_get_uint64(j));
    return buf_printf(b, "%lld", (long long)i);
}

static int fmt_json(const tmpl_schema_t *s, tmpl_buf_t *b, json_object *j, enum vkind kind);

/* A struct's field or a list's element (member: the field's, or NULL). */
static int fmt_child(const tmpl_schema_t *s, tmpl_buf_t *b, json_object *j, const tmpl_member_t *m)
{
    return fmt_json(s, b, j, kind_of(j, m ? m->kind : TMPL_AUTO));
}

static int fmt_list(const tmpl_schema_t *s, tmpl_buf_t *b, json_object *j)
{
    size_t n = j ? json_object_array_length(j) : 0;
    int r = buf_puts(b, "[");
    for (size_t i = 0; r == 0 && i < n; i++) {
        r = i ? buf_puts(b, " ") : 0;
        if (r == 0)
            r = fmt_child(s, b, json_object_array_get_idx(j, i), NULL);
    }
    return r ? r : buf_puts(b, "]");
}

static int fmt_map(const tmpl_schema_t *s, tmpl_buf_t *b, json_object *j)
{
    const char **keys = NULL;
    size_t n = 0;
    int r = sorted_keys(j, &keys, &n);
    if (r == 0)
        r = buf_puts(b, "map[");
    for (size_t i = 0; r == 0 && i < n; i++) {
        r = buf_printf(b, "%s%s:", i ? " " : "", keys[i]);
        if (r == 0)
            r = fmt_child(s, b, json_object_object_get(j, keys[i]), NULL);
    }
    free(keys);
    return r ? r : buf_puts(b, "]");
}

static int fmt_struct(const tmpl_schema_t *s, tmpl_buf_t *b, json_object *j)
{
    int r = buf_puts(b, "{");
    bool first = true;
    json_object_object_foreach(j, key, child) {
        if (r == 0 && !first)
            r = buf_puts(b, " ");
        if (r == 0)
            r = fmt_child(s, b, child, member_keyed(s, key));
        first = false;
    }
    return r ? r : buf_puts(b, "}");
}

/* j as Go's fmt prints a value of this kind. */
static int fmt_json(const tmpl_schema_t *s, tmpl_buf_t *b, json_object *j, enum vkind kind)
{
    switch (kind) {
    case V_NONE: return buf_puts(b, "<no value>");
    case V_NIL: return buf_puts(b, "<nil>");
    case V_BOOL: return buf_puts(b, json_object_get_boolean(j) ? "true" : "false");
    case V_INT: return fmt_int(b, j);
    case V_FLOAT: return fmt_float(b, json_object_get_double(j), false);
    case V_STRING: return j ? buf_add(b, json_object_get_string(j), (size_t)json_object_get_string_len(j)) : 0;
    case V_LIST: return fmt_list(s, b, j);
    case V_MAP: return fmt_map(s, b, j);
    case V_STRUCT: return fmt_struct(s, b, j);
    }
    return 0;
}

/* v as fmt.Fprint(v) prints it: an untyped nil as <no value>, as Go's
 * template does for a nil interface. */
static int fmt_value(const tmpl_schema_t *s, tmpl_buf_t *b, const struct value *v)
{
    return fmt_json(s, b, v->j, v->kind == V_NIL && !v->typed ? V_NONE : v->kind);
}

/* A string as encoding/json writes it, HTML characters unescaped (as podman). */
static int json_str(tmpl_buf_t *b, const char *s, size_t n)
{
    int r = buf_puts(b, "\"");
    for (size_t i = 0, w; r == 0 && i < n; i += w) {
        int32_t c = utf8_rune(s + i, n - i, &w);
        if (c == '"' || c == '\\')
            r = buf_printf(b, "\\%c", (char)c);
        else if (c == '\n' || c == '\r' || c == '\t')
            r = buf_puts(b, c == '\n' ? "\\n" : c == '\r' ? "\\r" : "\\t");
        else if (c >= 0 && c < 0x20)
            r = buf_printf(b, "\\u%04x", (unsigned)c);
        else if (c < 0)
            r = buf_puts(b, "\\ufffd");
        else if (c == 0x2028 || c == 0x2029)
            r = buf_printf(b, "\\u%04x", (unsigned)c);
        else
            r = buf_add(b, s + i, w);
    }
    return r ? r : buf_puts(b, "\"");
}

static int json_enc(const tmpl_schema_t *s, tmpl_buf_t *b, json_object *j, enum vkind kind);

static int json_members(const tmpl_schema_t *s, tmpl_buf_t *b, json_object *j, bool sorted)
{
    const char **keys = NULL;
    size_t n = 0;
    int r = sorted_keys(j, &keys, &n);
    if (r == 0 && !sorted) { /* a struct: the document's order */
        size_t i = 0;
        json_object_object_foreach(j, key, child) {
            (void)child;
            keys[i++] = key;
        }
    }
    r = r ? r : buf_puts(b, "{");
    for (size_t i = 0; r == 0 && i < n; i++) {
        json_object *child = json_object_object_get(j, keys[i]);
        const tmpl_member_t *m = sorted ? NULL : member_keyed(s, keys[i]);
        r = i ? buf_puts(b, ",") : 0;
        if (r == 0)
            r = json_str(b, keys[i], strlen(keys[i]));
        if (r == 0)
            r = buf_puts(b, ":");
        if (r == 0)
            r = json_enc(s, b, child, kind_of(child, m ? m->kind : TMPL_AUTO));
    }
    free(keys);
    return r ? r : buf_puts(b, "}");
}

/* j as encoding/json writes a Go value of this kind: maps with sorted keys. */
static int json_enc(const tmpl_schema_t *s, tmpl_buf_t *b, json_object *j, enum vkind kind)
{
    if (!j)
        return buf_puts(b, kind == V_STRING ? "\"\"" : "null");
    switch (kind) {
    case V_BOOL: return buf_puts(b, json_object_get_boolean(j) ? "true" : "false");
    case V_INT: return fmt_int(b, j);
    case V_FLOAT: return fmt_float(b, json_object_get_double(j), true);
    case V_STRING: return json_str(b, json_object_get_string(j), (size_t)json_object_get_string_len(j));
    case V_LIST: {
        int r = buf_puts(b, "[");
        for (size_t i = 0; r == 0 && i < json_object_array_length(j); i++) {
            json_object *e = json_object_array_get_idx(j, i);
            r = i ? buf_puts(b, ",") : 0;
            if (r == 0)
                r = json_enc(s, b, e, kind_of(e, TMPL_AUTO));
        }
        return r ? r : buf_puts(b, "]");
    }
    case V_MAP:
    case V_STRUCT: return json_members(s, b, j, kind == V_MAP);
    default: return buf_puts(b, "null");
    }
}

/* ---- executor (Go's exec.go) ---- */

struct tmpl {
    char *name, *text;
    struct node *root;
    bool table;
};

struct var {
    const char *name; /* the declaring node's */
    struct value v;
};

struct exec {
    const tmpl_t *t;
    const tmpl_schema_t *schema;
    tmpl_buf_t *out;
    const struct node *node; /* being evaluated, for messages */
    const struct node *call; /* the function being called, and its name */
    const char *call_name;
    struct var *vars;
    size_t n_vars, size_vars;
    char *error;
    bool oom;
};

/* What walk() returns besides 0 and -1. */
enum { WALK_BREAK = 1, WALK_CONTINUE = 2 };

/* Parameter types of functions. */
enum ptype {
    P_VALUE,  /* reflect.Value: anything, no value included */
    P_IFACE,  /* interface{}: anything, no value as nil */
    P_STRING,
    P_INT,
    P_STRV,   /* []string */
    P_RAW,    /* no type: as evaluated */
};

static int xoom(struct exec *x)
{
    x->oom = true;
    return -1;
}

/* "NAME:LINE:COL" of pos, as Go's ErrorContext. */
static void location(const char *text, size_t pos, int *line, size_t *col)
{
    size_t last_nl = SIZE_MAX;
    *line = 1;
    for (size_t i = 0; i < pos && text[i]; i++)
        if (text[i] == '\n')
            (*line)++, last_nl = i;
    *col = last_nl == SIZE_MAX ? pos : pos - last_nl - 1;
}

static int xerr(struct exec *x, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int xerr(struct exec *x, const char *fmt, ...)
{
    if (x->error || x->oom)
        return -1;
    char *msg = NULL;
    tmpl_buf_t ctx = { 0 };
    va_list ap;
    va_start(ap, fmt);
    int n = vasprintf(&msg, fmt, ap);
    va_end(ap);
    if (n < 0 || (x->node && node_string(&ctx, x->node) < 0)) {
        free(n < 0 ? NULL : msg);
        return xoom(x);
    }
    int line;
    size_t col;
    if (x->node) {
        location(x->t->text, x->node->pos, &line, &col);
        n = asprintf(&x->error, "template: %s:%d:%zu: executing \"%s\" at <%s>: %s", x->t->name, line, col,
                     x->t->name, ctx.data ? ctx.data : "", msg);
    } else {
        n = asprintf(&x->error, "template: %s: %s", x->t->name, msg);
    }
    if (n < 0) {
        x->error = NULL;
        xoom(x);
    }
    free(msg);
    tmpl_buf_free(&ctx);
    return -1;
}

/* An error that ends with a value as %v shows it. */
static int xerr_value(struct exec *x, const char *before, const struct value *v)
{
    tmpl_buf_t b = { 0 };
    if (fmt_value(x->schema, &b, v) < 0 || buf_add(&b, "", 0) < 0) {
        tmpl_buf_free(&b);
        return xoom(x);
    }
    xerr(x, "%s%s", before, b.data);
    tmpl_buf_free(&b);
    return -1;
}

/* An error that shows a node between two texts. */
static int xerr_node(struct exec *x, const char *before, const struct node *n, const char *after)
{
    tmpl_buf_t b = { 0 };
    if (node_string(&b, n) < 0 || buf_add(&b, "", 0) < 0) {
        tmpl_buf_free(&b);
        return xoom(x);
    }
    xerr(x, "%s%s%s", before, b.data, after);
    tmpl_buf_free(&b);
    return -1;
}

static int push_var(struct exec *x, const char *name, const struct value *v)
{
    if (x->n_vars == x->size_vars) {
        size_t size = x->size_vars ? 2 * x->size_vars : 8;
        struct var *p = realloc(x->vars, size * sizeof *p);
        if (!p)
            return xoom(x);
        x->vars = p;
        x->size_vars = size;
    }
    x->vars[x->n_vars].name = name;
    value_copy(&x->vars[x->n_vars++].v, v);
    return 0;
}

static void pop_to(struct exec *x, size_t mark)
{
    while (x->n_vars > mark)
        value_clear(&x->vars[--x->n_vars].v);
}

static struct var *find_var(struct exec *x, const char *name)
{
    for (size_t i = x->n_vars; i-- > 0;)
        if (strcmp(x->vars[i].name, name) == 0)
            return &x->vars[i];
    xerr(x, "undefined variable: %s", name);
    return NULL;
}

/* The n-th variable from the top of the stack takes v. */
static void set_top_var(struct exec *x, size_t n, const struct value *v)
{
    struct value *slot = &x->vars[x->n_vars - n].v;
    value_clear(slot);
    value_copy(slot, v);
}

static int new_json(struct exec *x, json_object *j, enum vkind kind, struct value *ret)
{
    if (!j)
        return xoom(x);
    *ret = (struct value){ .kind = kind, .j = j };
    return 0;
}

static int new_string(struct exec *x, const char *s, size_t n, struct value *ret)
{
    return new_json(x, json_object_new_string_len(s, (int)n), V_STRING, ret);
}

static int new_int(struct exec *x, int64_t i, struct value *ret)
{
    return new_json(x, json_object_new_int64(i), V_INT, ret);
}

static int new_bool(struct exec *x, bool b, struct value *ret)
{
    return new_json(x, json_object_new_boolean(b), V_BOOL, ret);
}

/* A string from a buffer, which is freed. */
static int new_from_buf(struct exec *x, tmpl_buf_t *b, int r, struct value *ret)
{
    if (r == 0)
        r = new_string(x, b->data ? b->data : "", b->len, ret);
    else
        r = xoom(x);
    tmpl_buf_free(b);
    return r;
}

static int eval_pipeline(struct exec *x, const struct value *dot, const struct node *pipe, struct value *ret);
static int eval_arg(struct exec *x, const struct value *dot, enum ptype type, const struct node *n,
                    struct value *ret);
static int eval_function(struct exec *x, const struct value *dot, const struct node *ident, const struct node *call,
                         struct node *const *args, size_t n_args, const struct value *final, struct value *ret);

/* A field of a struct: by its member's key; a key that is a member's
 * alias is no field, as in Go. */
static int struct_field(struct exec *x, const char *name, bool has_args, const struct value *recv,
                        struct value *ret)
{
    const tmpl_member_t *m = member_named(x->schema, name), *aliased = member_keyed(x->schema, name);
    json_object *child = NULL;
    bool found = false;
    if (m && m->key)
        found = json_object_object_get_ex(recv->j, m->key, &child);
    if (!found && !(aliased && aliased->key && strcmp(aliased->name, name) != 0))
        found = json_object_object_get_ex(recv->j, name, &child);
    if (!found)
        return xerr(x, "can't evaluate field %s in type %s", name, value_type(recv));
    if (has_args)
        return xerr(x, "%s has arguments but cannot be invoked as function", name);
    value_set(ret, child, m, true);
    return 0;
}

/* .name of recv (Go's evalField); args: the command's, with the field first. */
static int eval_field(struct exec *x, const char *name, size_t n_args, const struct value *final,
                      const struct value *recv, struct value *ret)
{
    bool has_args = n_args > 1 || final;
    json_object *child = NULL;
    *ret = (struct value){ 0 };
    switch (recv->kind) {
    case V_NONE: return 0;
    case V_STRUCT: return struct_field(x, name, has_args, recv, ret);
    case V_MAP:
        if (has_args)
            return xerr(x, "%s is not a method but has arguments", name);
        if (recv->j && json_object_object_get_ex(recv->j, name, &child))
            value_set(ret, child, NULL, false);
        return 0;
    case V_NIL:
        return xerr(x, "nil pointer evaluating %s.%s", value_type(recv), name);
    default: return xerr(x, "can't evaluate field %s in type %s", name, value_type(recv));
    }
}

/* .X.Y.Z from recv; the arguments go to the last. */
static int eval_field_chain(struct exec *x, const struct value *recv, char *const *idents, size_t n,
                            size_t n_args, const struct value *final, struct value *ret)
{
    struct value cur;
    value_copy(&cur, recv);
    for (size_t i = 0; i + 1 < n; i++) {
        struct value next;
        int r = eval_field(x, idents[i], 0, NULL, &cur, &next);
        value_clear(&cur);
        if (r < 0)
            return r;
        cur = next;
    }
    int r = eval_field(x, idents[n - 1], n_args, final, &cur, ret);
    value_clear(&cur);
    return r;
}

static int not_a_function(struct exec *x, size_t n_args, const struct node *first, const struct value *final)
{
    if (n_args > 1 || final)
        return xerr_node(x, "can't give argument to non-function ", first, "");
    return 0;
}

static int eval_variable(struct exec *x, const struct node *n, size_t n_args, const struct value *final,
                         struct value *ret)
{
    x->node = n;
    struct var *v = find_var(x, n->idents[0]);
    if (!v)
        return -1;
    if (n->n_idents == 1) {
        if (not_a_function(x, n_args, n, final) < 0)
            return -1;
        value_copy(ret, &v->v);
        return 0;
    }
    struct value recv;
    value_copy(&recv, &v->v); /* the stack may move */
    int r = eval_field_chain(x, &recv, n->idents + 1, n->n_idents - 1, n_args, final, ret);
    value_clear(&recv);
    return r;
}

static int eval_chain(struct exec *x, const struct value *dot, const struct node *n, size_t n_args,
                      const struct value *final, struct value *ret)
{
    x->node = n;
    if (n->pipe->type == N_NIL)
        return xerr_node(x, "indirection through explicit nil in ", n, "");
    struct value recv;
    if (eval_arg(x, dot, P_RAW, n->pipe, &recv) < 0)
        return -1;
    int r = eval_field_chain(x, &recv, n->idents, n->n_idents, n_args, final, ret);
    value_clear(&recv);
    return r;
}

/* A number literal where no type is expected (Go's idealConstant). */
static int ideal_constant(struct exec *x, const struct node *n, struct value *ret)
{
    x->node = n;
    bool hex = n->text_len > 2 && n->text[0] == '0' && (n->text[1] == 'x' || n->text[1] == 'X') &&
               !strpbrk(n->text, "pP");
    if (n->is_float && !hex && n->text[0] != '\'' && strpbrk(n->text, ".eEpP"))
        return new_json(x, json_object_new_double(n->f), V_FLOAT, ret);
    if (n->is_int)
        return new_int(x, n->i, ret);
    return xerr(x, "%s overflows int", n->text);
}

static int eval_command(struct exec *x, const struct value *dot, const struct node *cmd, const struct value *final,
                        struct value *ret)
{
    const struct node *first = cmd->kids[0];
    switch (first->type) {
    case N_FIELD:
        x->node = first;
        return eval_field_chain(x, dot, first->idents, first->n_idents, cmd->n_kids, final, ret);
    case N_CHAIN: return eval_chain(x, dot, first, cmd->n_kids, final, ret);
    case N_IDENT: return eval_function(x, dot, first, cmd, cmd->kids, cmd->n_kids, final, ret);
    case N_PIPE:
        if (not_a_function(x, cmd->n_kids, first, final) < 0)
            return -1;
        return eval_pipeline(x, dot, first, ret);
    case N_VAR: return eval_variable(x, first, cmd->n_kids, final, ret);
    default: break;
    }
    x->node = first;
    if (not_a_function(x, cmd->n_kids, first, final) < 0)
        return -1;
    switch (first->type) {
    case N_BOOL: return new_bool(x, first->truth, ret);
    case N_DOT: value_copy(ret, dot); return 0;
    case N_NIL: return xerr(x, "nil is not a command");
    case N_NUMBER: return ideal_constant(x, first, ret);
    case N_STRING: return new_string(x, first->text, first->text_len, ret);
    default: return xerr_node(x, "can't evaluate command ", first, "");
    }
}

static int eval_pipeline(struct exec *x, const struct value *dot, const struct node *pipe, struct value *ret)
{
    struct value v = { 0 };
    x->node = pipe;
    for (size_t i = 0; i < pipe->n_kids; i++) {
        struct value next = { 0 };
        int r = eval_command(x, dot, pipe->kids[i], i ? &v : NULL, &next);
        value_clear(&v);
        if (r < 0)
            return r;
        v = next;
    }
    for (size_t i = 0; i < pipe->n_idents; i++) {
        struct var *var = pipe->is_assign ? find_var(x, pipe->idents[i]) : NULL;
        if (pipe->is_assign && !var)
            return value_clear(&v), -1;
        if (var)
            set_top_var(x, (size_t)(x->vars + x->n_vars - var), &v);
        else if (push_var(x, pipe->idents[i], &v) < 0)
            return value_clear(&v), -1;
    }
    *ret = v;
    return 0;
}

/* A value given to a parameter of this type (Go's validateType). */
static int convert(struct exec *x, enum ptype type, struct value *v)
{
    static const char *const names[] = { [P_STRING] = "string", [P_INT] = "int", [P_STRV] = "[]string" };
    bool ok = false;
    switch (type) {
    case P_VALUE:
    case P_RAW: return 0;
    case P_IFACE:
        if (v->kind == V_NONE)
            v->kind = V_NIL;
        return 0;
    case P_STRING: ok = v->kind == V_STRING; break;
    case P_INT: ok = v->kind == V_INT; break;
    case P_STRV:
        if (v->kind == V_NONE) /* a nil slice */
            v->kind = V_LIST;
        ok = v->kind == V_LIST && all_strings(v->j);
        break;
    }
    if (ok)
        return 0;
    if (v->kind == V_NONE)
        return xerr(x, "invalid value; expected %s", names[type]);
    return xerr(x, "wrong type for value; expected %s; got %s", names[type], value_type(v));
}

/* A literal given to a parameter of this type. */
static int eval_literal(struct exec *x, enum ptype type, const struct node *n, struct value *ret)
{
    x->node = n;
    switch (type) {
    case P_INT:
        if (n->type == N_NUMBER && n->is_int)
            return new_int(x, n->i, ret);
        return xerr_node(x, "expected integer; found ", n, "");
    case P_STRING:
        if (n->type == N_STRING)
            return new_string(x, n->text, n->text_len, ret);
        return xerr_node(x, "expected string; found ", n, "");
    case P_STRV: return xerr_node(x, "can't handle ", n, " for arg of type []string");
    default:
        if (n->type == N_BOOL)
            return new_bool(x, n->truth, ret);
        if (n->type == N_NUMBER)
            return ideal_constant(x, n, ret);
        return new_string(x, n->text, n->text_len, ret);
    }
}

/* An argument (Go's evalArg). */
static int eval_arg(struct exec *x, const struct value *dot, enum ptype type, const struct node *n,
                    struct value *ret)
{
    int r;
    x->node = n;
    *ret = (struct value){ 0 };
    switch (n->type) {
    case N_DOT: value_copy(ret, dot); r = 0; break;
    case N_NIL: /* the zero value of the parameter's type */
        if (type == P_INT || type == P_STRING)
            return xerr(x, "cannot assign nil to %s", type == P_INT ? "int" : "string");
        *ret = (struct value){ .kind = type == P_IFACE ? V_NIL : type == P_STRV ? V_LIST : V_NONE };
        return 0;
    case N_FIELD: r = eval_field_chain(x, dot, n->idents, n->n_idents, 1, NULL, ret); break;
    case N_VAR: r = eval_variable(x, n, 0, NULL, ret); break;
    case N_PIPE: r = eval_pipeline(x, dot, n, ret); break;
    case N_IDENT: r = eval_function(x, dot, n, n, NULL, 0, NULL, ret); break;
    case N_CHAIN: r = eval_chain(x, dot, n, 0, NULL, ret); break;
    default: return eval_literal(x, type, n, ret);
    }
    if (r == 0)
        r = convert(x, type, ret);
    if (r < 0)
        value_clear(ret);
    return r;
}

/* ---- walking the tree ---- */

static int walk(struct exec *x, const struct value *dot, const struct node *n);

static int walk_action(struct exec *x, const struct value *dot, const struct node *n)
{
    struct value v = { 0 };
    if (eval_pipeline(x, dot, n->pipe, &v) < 0)
        return -1;
    int r = 0;
    if (n->pipe->n_idents == 0) { /* a declaration prints nothing */
        x->node = n;
        r = fmt_value(x->schema, x->out, &v) < 0 ? xoom(x) : 0;
    }
    value_clear(&v);
    return r;
}

static int walk_if_with(struct exec *x, const struct value *dot, const struct node *n)
{
    size_t mark = x->n_vars;
    struct value v = { 0 };
    int r = eval_pipeline(x, dot, n->pipe, &v);
    if (r == 0 && truth(&v))
        r = walk(x, n->type == N_WITH ? &v : dot, n->list);
    else if (r == 0 && n->else_list)
        r = walk(x, dot, n->else_list);
    value_clear(&v);
    pop_to(x, mark);
    return r;
}

/* One element of a range: $e (and $i) set, the body walked. */
static int range_one(struct exec *x, const struct node *n, const struct value *index, const struct value *elem)
{
    size_t mark = x->n_vars;
    if (n->pipe->n_idents > 0)
        set_top_var(x, 1, elem);
    if (n->pipe->n_idents > 1)
        set_top_var(x, 2, index);
    int r = walk(x, elem, n->list);
    pop_to(x, mark);
    return r == WALK_CONTINUE ? 0 : r;
}

static int range_list(struct exec *x, const struct node *n, const struct value *v)
{
    int r = 0;
    for (size_t i = 0; r == 0 && i < value_len(v); i++) {
        struct value index, elem;
        if (new_int(x, (int64_t)i, &index) < 0)
            return -1;
        value_set(&elem, json_object_array_get_idx(v->j, i), v->elem, false);
        r = range_one(x, n, &index, &elem);
        value_clear(&index);
        value_clear(&elem);
    }
    return r;
}

static int range_map(struct exec *x, const struct node *n, const struct value *v)
{
    const char **keys = NULL;
    size_t count = 0;
    if (sorted_keys(v->j, &keys, &count) < 0)
        return xoom(x);
    int r = 0;
    for (size_t i = 0; r == 0 && i < count; i++) {
        struct value key, elem;
        if (new_string(x, keys[i], strlen(keys[i]), &key) < 0) {
            r = -1;
            break;
        }
        value_set(&elem, json_object_object_get(v->j, keys[i]), NULL, false);
        r = range_one(x, n, &key, &elem);
        value_clear(&key);
        value_clear(&elem);
    }
    free(keys);
    return r;
}

static int walk_range(struct exec *x, const struct value *dot, const struct node *n)
{
    size_t mark = x->n_vars;
    struct value v = { 0 };
    x->node = n;
    int r = eval_pipeline(x, dot, n->pipe, &v);
    if (r < 0) {
        pop_to(x, mark);
        return -1;
    }
    bool empty = value_len(&v) == 0;
    if (v.kind == V_LIST && !empty)
        r = range_list(x, n, &v);
    else if (v.kind == V_MAP && !empty)
        r = range_map(x, n, &v);
    else if (v.kind != V_LIST && v.kind != V_MAP && v.kind != V_NONE && v.kind != V_NIL)
        r = xerr_value(x, "range can't iterate over ", &v);
    else if (n->else_list)
        r = walk(x, dot, n->else_list);
    value_clear(&v);
    pop_to(x, mark);
    return r == WALK_BREAK ? 0 : r;
}

static int walk(struct exec *x, const struct value *dot, const struct node *n)
{
    x->node = n;
    switch (n->type) {
    case N_ACTION: return walk_action(x, dot, n);
    case N_BREAK: return WALK_BREAK;
    case N_CONTINUE: return WALK_CONTINUE;
    case N_IF:
    case N_WITH: return walk_if_with(x, dot, n);
    case N_LIST:
        for (size_t i = 0; i < n->n_kids; i++) {
            int r = walk(x, dot, n->kids[i]);
            if (r)
                return r;
        }
        return 0;
    case N_RANGE: return walk_range(x, dot, n);
    case N_TEXT: return buf_add(x->out, n->text, n->text_len) < 0 ? xoom(x) : 0;
    default: return xerr_node(x, "unknown node: ", n, "");
    }
}

/* ---- functions (Go's funcs.go and podman's report.DefaultFuncs) ---- */

typedef int (*builtin_fn)(struct exec *x, struct value *argv, size_t argc, struct value *ret);

struct builtin {
    const char *name;
    builtin_fn fn; /* NULL: and, or (they evaluate their arguments themselves) */
    size_t n_fixed;
    enum ptype fixed[3];
    bool variadic;
    enum ptype rest;
};

/* A function's error: Go's "error calling NAME: ...". */
static int ferr(struct exec *x, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int ferr(struct exec *x, const char *fmt, ...)
{
    char *msg = NULL;
    va_list ap;
    va_start(ap, fmt);
    int n = vasprintf(&msg, fmt, ap);
    va_end(ap);
    if (n < 0)
        return xoom(x);
    x->node = x->call;
    xerr(x, "error calling %s: %s", x->call_name, msg);
    free(msg);
    return -1;
}

static int fn_not(struct exec *x, struct value *a, size_t n, struct value *ret)
{
    (void)n;
    return new_bool(x, !truth(&a[0]), ret);
}

static int fn_len(struct exec *x, struct value *a, size_t n, struct value *ret)
{
    (void)n;
    switch (a[0].kind) {
    case V_NONE: return ferr(x, "reflect: call of reflect.Value.Type on zero Value");
    case V_NIL: return ferr(x, "len of nil pointer");
    case V_STRING:
    case V_LIST:
    case V_MAP: return new_int(x, (int64_t)value_len(&a[0]), ret);
    default: return ferr(x, "len of type %s", value_type(&a[0]));
    }
}

/* An index into something of length len (Go's indexArg). */
static int index_arg(struct exec *x, const struct value *index, size_t len, size_t *ret)
{
    if (index->kind == V_NONE || index->kind == V_NIL)
        return ferr(x, "cannot index slice/array with nil");
    if (index->kind != V_INT)
        return ferr(x, "cannot index slice/array with type %s", value_type(index));
    int64_t i = json_object_get_int64(index->j);
    if (i < 0 || (uint64_t)i > len)
        return ferr(x, "index out of range: %lld", (long long)i);
    *ret = (size_t)i;
    return 0;
}

/* item[index] for a list, string or map. */
static int index_one(struct exec *x, const struct value *item, const struct value *index, struct value *ret)
{
    json_object *child = NULL;
    size_t i;
    switch (item->kind) {
    case V_LIST:
    case V_STRING:
        if (index_arg(x, index, value_len(item), &i) < 0)
            return -1;
        if (i == value_len(item))
            return ferr(x, "reflect: %s index out of range", item->kind == V_LIST ? "slice" : "string");
        if (item->kind == V_STRING)
            return new_int(x, (unsigned char)value_str(item)[i], ret);
        value_set(ret, json_object_array_get_idx(item->j, i), item->elem, false);
        return 0;
    case V_MAP:
        if (index->kind != V_STRING)
            return index->kind == V_NONE || index->kind == V_NIL ? ferr(x, "value is nil; should be of type string")
                                                                 : ferr(x, "value has type %s; should be string",
                                                                        value_type(index));
        if (item->j && json_object_object_get_ex(item->j, value_str(index), &child))
            value_set(ret, child, NULL, false);
        else if (all_strings(item->j)) /* the zero value of the element type */
            return new_string(x, "", 0, ret);
        return 0;
    case V_NIL: return ferr(x, "index of nil pointer");
    default: return ferr(x, "can't index item of type %s", value_type(item));
    }
}

static int fn_index(struct exec *x, struct value *a, size_t n, struct value *ret)
{
    if (a[0].kind == V_NONE || (a[0].kind == V_NIL && !a[0].typed))
        return ferr(x, "index of untyped nil");
    struct value item;
    value_copy(&item, &a[0]);
    for (size_t i = 1; i < n; i++) {
        struct value next = { 0 };
        int r = index_one(x, &item, &a[i], &next);
        value_clear(&item);
        if (r < 0)
            return -1;
        item = next;
    }
    *ret = item;
    return 0;
}

static int fn_slice(struct exec *x, struct value *a, size_t n, struct value *ret)
{
    const struct value *item = &a[0];
    size_t idx[3] = { 0, value_len(item), value_len(item) };
    if (item->kind == V_NONE || (item->kind == V_NIL && !item->typed))
        return ferr(x, "slice of untyped nil");
    if (n - 1 > 3)
        return ferr(x, "too many slice indexes: %zu", n - 1);
    if (item->kind == V_STRING && n - 1 == 3)
        return ferr(x, "cannot 3-index slice a string");
    if (item->kind != V_STRING && item->kind != V_LIST)
        return ferr(x, "can't slice item of type %s", value_type(item));
    for (size_t i = 1; i < n; i++)
        if (index_arg(x, &a[i], value_len(item), &idx[i - 1]) < 0)
            return -1;
    if (idx[0] > idx[1] || (n - 1 == 3 && idx[1] > idx[2]))
        return ferr(x, "invalid slice index: %zu > %zu", idx[0] > idx[1] ? idx[0] : idx[1],
                    idx[0] > idx[1] ? idx[1] : idx[2]);
    if (item->kind == V_STRING)
        return new_string(x, value_str(item) + idx[0], idx[1] - idx[0], ret);
    json_object *list = json_object_new_array();
    for (size_t i = idx[0]; list && i < idx[1]; i++) {
        json_object *e = json_object_get(json_object_array_get_idx(item->j, i));
        if (json_object_array_add(list, e) < 0) {
            json_object_put(e);
            json_object_put(list);
            list = NULL;
        }
    }
    if (new_json(x, list, V_LIST, ret) < 0)
        return -1;
    ret->elem = item->elem;
    return 0;
}

/* print and println (Go's fmt.Sprint, fmt.Sprintln). */
static int sprint(struct exec *x, struct value *a, size_t n, bool ln, struct value *ret)
{
    tmpl_buf_t b = { 0 };
    int r = buf_add(&b, "", 0);
    for (size_t i = 0; r == 0 && i < n; i++) {
        bool str = a[i].kind == V_STRING, prev = i > 0 && a[i - 1].kind == V_STRING;
        if (i > 0 && (ln || (!str && !prev)))
            r = buf_puts(&b, " ");
        if (r == 0)
            r = fmt_json(x->schema, &b, a[i].j, a[i].kind);
    }
    if (r == 0 && ln)
        r = buf_puts(&b, "\n");
    return new_from_buf(x, &b, r, ret);
}

static int fn_print(struct exec *x, struct value *a, size_t n, struct value *ret)
{
    return sprint(x, a, n, false, ret);
}

static int fn_println(struct exec *x, struct value *a, size_t n, struct value *ret)
{
    return sprint(x, a, n, true, ret);
}

/* A printf directive: %[flags][width][.precision]verb. */
struct spec {
    bool minus, plus, space, zero, sharp;
    int width, prec; /* -1: none */
    char verb;
};

static size_t parse_spec(const char *f, size_t n, size_t i, struct spec *sp)
{
    *sp = (struct spec){ .width = -1, .prec = -1 };
    for (; i < n && strchr("-+ 0#", f[i]); i++) {
        sp->minus |= f[i] == '-';
        sp->plus |= f[i] == '+';
        sp->space |= f[i] == ' ';
        sp->zero |= f[i] == '0';
        sp->sharp |= f[i] == '#';
    }
    for (; i < n && f[i] >= '0' && f[i] <= '9' && sp->width < 100000; i++)
        sp->width = (sp->width < 0 ? 0 : sp->width * 10) + (f[i] - '0');
    if (i < n && f[i] == '.')
        for (sp->prec = 0, i++; i < n && f[i] >= '0' && f[i] <= '9' && sp->prec < 100000; i++)
            sp->prec = sp->prec * 10 + (f[i] - '0');
    if (i < n) {
        size_t w;
        utf8_rune(f + i, n - i, &w);
        sp->verb = w == 1 ? f[i] : '?';
        i += w;
    }
    return i;
}

/* %!d(string=x): a verb that does not fit the value. */
static int bad_verb(const tmpl_schema_t *s, tmpl_buf_t *b, char verb, const struct value *v)
{
    if (v->kind == V_NIL || v->kind == V_NONE)
        return buf_printf(b, "%%!%c(<nil>)", verb);
    int r = buf_printf(b, "%%!%c(%s=", verb, value_type(v));
    if (r == 0)
        r = fmt_json(s, b, v->j, v->kind);
    return r ? r : buf_puts(b, ")");
}

static int verb_int(const tmpl_schema_t *s, tmpl_buf_t *b, const struct spec *sp, const struct value *v)
{
    long long i = (long long)json_object_get_int64(v->j);
    unsigned long long u = i < 0 ? -(unsigned long long)i : (unsigned long long)i;
    const char *sign = i < 0 ? "-" : sp->plus ? "+" : sp->space ? " " : "";
    switch (sp->verb) {
    case 'v':
    case 'd': return buf_printf(b, "%s%llu", sign, u);
    case 'o': return buf_printf(b, "%s%s%llo", sign, sp->sharp ? "0" : "", u);
    case 'x': return buf_printf(b, "%s%s%llx", sign, sp->sharp ? "0x" : "", u);
    case 'X': return buf_printf(b, "%s%s%llX", sign, sp->sharp ? "0X" : "", u);
    case 'c': return i >= 0 && i <= 0x10ffff ? utf8_put(b, (int32_t)i) : utf8_put(b, 0xfffd);
    case 'q': {
        tmpl_buf_t r = { 0 };
        int e = i >= 0 && i <= 0x10ffff ? utf8_put(&r, (int32_t)i) : utf8_put(&r, 0xfffd);
        if (e == 0)
            e = buf_puts(b, "'");
        if (e == 0)
            e = strcmp(r.data, "'") == 0 ? buf_puts(b, "\\'") : quote_rune(b, (int32_t)i, r.data, r.len);
        tmpl_buf_free(&r);
        return e ? e : buf_puts(b, "'");
    }
    default: return bad_verb(s, b, sp->verb, v);
    }
}

static int verb_float(const tmpl_schema_t *s, tmpl_buf_t *b, const struct spec *sp, const struct value *v)
{
    double d = json_object_get_double(v->j);
    int prec = sp->prec < 0 ? 6 : sp->prec;
    const char *sign = !signbit(d) ? (sp->plus ? "+" : sp->space ? " " : "") : "";
    if ((sp->verb == 'v' || sp->verb == 'g') && sp->prec < 0 && !*sign)
        return fmt_float(b, d, false);
    switch (sp->verb) {
    case 'e': return buf_printf(b, "%s%.*e", sign, prec, d);
    case 'E': return buf_printf(b, "%s%.*E", sign, prec, d);
    case 'f':
    case 'F': return buf_printf(b, "%s%.*f", sign, prec, d);
    case 'v':
    case 'g': return buf_printf(b, "%s%.*g", sign, prec, d);
    case 'G': return buf_printf(b, "%s%.*G", sign, prec, d);
    default: return bad_verb(s, b, sp->verb, v);
    }
}

static int verb_string(const tmpl_schema_t *s, tmpl_buf_t *b, const struct spec *sp, const struct value *v)
{
    const char *str = value_str(v);
    size_t n = value_len(v);
    if (sp->prec >= 0 && (size_t)sp->prec < utf8_count(str, n)) { /* precision: runes */
        size_t w, i = 0;
        for (int k = 0; k < sp->prec; k++, i += w)
            utf8_rune(str + i, n - i, &w);
        n = i;
    }
    switch (sp->verb) {
    case 'v':
    case 's': return buf_add(b, str, n);
    case 'q': return go_quote(b, str, n, SIZE_MAX);
    case 'x':
    case 'X': {
        int r = 0;
        for (size_t k = 0; r == 0 && k < n; k++)
            r = buf_printf(b, sp->verb == 'x' ? "%02x" : "%02X", (unsigned char)str[k]);
        return r;
    }
    default: return bad_verb(s, b, sp->verb, v);
    }
}

/* The text of one directive, before padding. */
static int verb_text(const tmpl_schema_t *s, tmpl_buf_t *b, const struct spec *sp, const struct value *v)
{
    switch (v->kind) {
    case V_INT: return verb_int(s, b, sp, v);
    case V_FLOAT: return verb_float(s, b, sp, v);
    case V_STRING: return verb_string(s, b, sp, v);
    case V_BOOL:
        return sp->verb == 't' || sp->verb == 'v' ? fmt_json(s, b, v->j, v->kind) : bad_verb(s, b, sp->verb, v);
    case V_LIST:
    case V_MAP:
    case V_STRUCT:
        return sp->verb == 'v' || sp->verb == 's' ? fmt_json(s, b, v->j, v->kind) : bad_verb(s, b, sp->verb, v);
    default: return sp->verb == 'v' ? buf_puts(b, "<nil>") : bad_verb(s, b, sp->verb, v);
    }
}

/* One directive, padded to its width. */
static int verb(const tmpl_schema_t *s, tmpl_buf_t *b, const struct spec *sp, const struct value *v)
{
    tmpl_buf_t t = { 0 };
    int r = buf_add(&t, "", 0);
    if (r == 0)
        r = verb_text(s, &t, sp, v);
    size_t runes = utf8_count(t.data, t.len), pad = sp->width > 0 && (size_t)sp->width > runes ? sp->width - runes : 0;
    size_t sign = sp->zero && !sp->minus && t.len && strchr("+- ", t.data[0]) && v->kind <= V_FLOAT ? 1 : 0;
    if (r == 0 && sign)
        r = buf_add(b, t.data, 1);
    if (r == 0 && !sp->minus)
        r = buf_repeat(b, sp->zero ? '0' : ' ', pad);
    if (r == 0)
        r = buf_add(b, t.data + sign, t.len - sign);
    if (r == 0 && sp->minus)
        r = buf_repeat(b, ' ', pad);
    tmpl_buf_free(&t);
    return r;
}

/* Extra arguments: %!(EXTRA int=2, string=x). */
static int extra_args(const tmpl_schema_t *s, tmpl_buf_t *b, const struct value *a, size_t n)
{
    int r = buf_puts(b, "%!(EXTRA ");
    for (size_t i = 0; r == 0 && i < n; i++) {
        r = buf_printf(b, "%s%s=", i ? ", " : "", a[i].kind == V_NIL ? "<nil>" : value_type(&a[i]));
        if (r == 0)
            r = fmt_json(s, b, a[i].j, a[i].kind);
    }
    return r ? r : buf_puts(b, ")");
}

static int fn_printf(struct exec *x, struct value *a, size_t n, struct value *ret)
{
    const char *f = value_str(&a[0]);
    size_t len = value_len(&a[0]), arg = 1;
    tmpl_buf_t b = { 0 };
    int r = buf_add(&b, "", 0);
    for (size_t i = 0; r == 0 && i < len;) {
        const char *pct = memchr(f + i, '%', len - i);
        size_t plain = pct ? (size_t)(pct - f) - i : len - i;
        r = buf_add(&b, f + i, plain);
        if ((i += plain) >= len || r)
            break;
        struct spec sp;
        i = parse_spec(f, len, i + 1, &sp);
        if (sp.verb == '%')
            r = buf_puts(&b, "%");
        else if (!sp.verb)
            r = buf_puts(&b, "%!(NOVERB)");
        else if (arg >= n)
            r = buf_printf(&b, "%%!%c(MISSING)", sp.verb);
        else
            r = verb(x->schema, &b, &sp, &a[arg++]);
    }
    if (r == 0 && arg < n)
        r = extra_args(x->schema, &b, a + arg, n - arg);
    return new_from_buf(x, &b, r, ret);
}

/* ---- comparisons ---- */

enum { K_INVALID, K_BOOL, K_INT, K_FLOAT, K_STRING };

static int basic_kind(const struct value *v)
{
    switch (v->kind) {
    case V_BOOL: return K_BOOL;
    case V_INT: return K_INT;
    case V_FLOAT: return K_FLOAT;
    case V_STRING: return K_STRING;
    default: return K_INVALID;
    }
}

/* Go's "zero" reflect.Value: no value, or an untyped nil once unwrapped. */
static bool is_zero_value(const struct value *v)
{
    return v->kind == V_NONE || (v->kind == V_NIL && !v->typed);
}

static int compare_strings(const struct value *a, const struct value *b)
{
    size_t la = value_len(a), lb = value_len(b);
    int c = memcmp(value_str(a), value_str(b), la < lb ? la : lb);
    return c ? c : la < lb ? -1 : la > lb;
}

/* a == b.  0 or -1 (reported). */
static int equal(struct exec *x, const struct value *a, const struct value *b, bool *ret)
{
    int ka = basic_kind(a), kb = basic_kind(b);
    *ret = false;
    if (ka != kb) {
        if (!is_zero_value(a) && !is_zero_value(b))
            return ferr(x, "incompatible types for comparison");
        return 0;
    }
    switch (ka) {
    case K_BOOL: *ret = json_object_get_boolean(a->j) == json_object_get_boolean(b->j); return 0;
    case K_INT: *ret = json_object_get_int64(a->j) == json_object_get_int64(b->j); return 0;
    case K_FLOAT: *ret = json_object_get_double(a->j) == json_object_get_double(b->j); return 0;
    case K_STRING: *ret = compare_strings(a, b) == 0; return 0;
    default: break;
    }
    bool na = a->kind == V_NONE || a->kind == V_NIL || !a->j, nb = b->kind == V_NONE || b->kind == V_NIL || !b->j;
    if (na || nb) {
        *ret = na == nb;
        return 0;
    }
    tmpl_buf_t v = { 0 };
    if (fmt_value(x->schema, &v, a) < 0 || buf_add(&v, "", 0) < 0) {
        tmpl_buf_free(&v);
        return xoom(x);
    }
    ferr(x, "non-comparable type %s: %s", v.data, value_type(a));
    tmpl_buf_free(&v);
    return -1;
}

/* a < b.  0 or -1 (reported). */
static int less(struct exec *x, const struct value *a, const struct value *b, bool *ret)
{
    int ka = basic_kind(a), kb = basic_kind(b);
    if (ka == K_INVALID || kb == K_INVALID)
        return ferr(x, "invalid type for comparison");
    if (ka != kb)
        return ferr(x, "incompatible types for comparison");
    switch (ka) {
    case K_INT: *ret = json_object_get_int64(a->j) < json_object_get_int64(b->j); return 0;
    case K_FLOAT: *ret = json_object_get_double(a->j) < json_object_get_double(b->j); return 0;
    case K_STRING: *ret = compare_strings(a, b) < 0; return 0;
    default: return ferr(x, "invalid type for comparison");
    }
}

static int fn_eq(struct exec *x, struct value *a, size_t n, struct value *ret)
{
    if (n < 2)
        return ferr(x, "missing argument for comparison");
    bool t = false;
    for (size_t i = 1; i < n && !t; i++)
        if (equal(x, &a[0], &a[i], &t) < 0)
            return -1;
    return new_bool(x, t, ret);
}

static int fn_ne(struct exec *x, struct value *a, size_t n, struct value *ret)
{
    bool t = false;
    (void)n;
    return equal(x, &a[0], &a[1], &t) < 0 ? -1 : new_bool(x, !t, ret);
}

/* lt, le, gt, ge as Go writes them from less() and equal(). */
static int ordered(struct exec *x, struct value *a, bool or_equal, bool negate, struct value *ret)
{
    bool t = false;
    if (less(x, &a[0], &a[1], &t) < 0)
        return -1;
    if (!t && or_equal && equal(x, &a[0], &a[1], &t) < 0)
        return -1;
    return new_bool(x, negate ? !t : t, ret);
}

static int fn_lt(struct exec *x, struct value *a, size_t n, struct value *ret)
{
    (void)n;
    return ordered(x, a, false, false, ret);
}

static int fn_le(struct exec *x, struct value *a, size_t n, struct value *ret)
{
    (void)n;
    return ordered(x, a, true, false, ret);
}

static int fn_gt(struct exec *x, struct value *a, size_t n, struct value *ret)
{
    (void)n;
    return ordered(x, a, true, true, ret);
}

static int fn_ge(struct exec *x, struct value *a, size_t n, struct value *ret)
{
    (void)n;
    return ordered(x, a, false, true, ret);
}

/* ---- podman's functions ---- */

static int fn_join(struct exec *x, struct value *a, size_t n, struct value *ret)
{
    tmpl_buf_t b = { 0 };
    int r = buf_add(&b, "", 0);
    (void)n;
    for (size_t i = 0; r == 0 && i < value_len(&a[0]); i++) {
        json_object *e = json_object_array_get_idx(a[0].j, i);
        if (i)
            r = buf_add(&b, value_str(&a[1]), value_len(&a[1]));
        if (r == 0)
            r = buf_add(&b, json_object_get_string(e), (size_t)json_object_get_string_len(e));
    }
    return new_from_buf(x, &b, r, ret);
}

static int fn_json(struct exec *x, struct value *a, size_t n, struct value *ret)
{
    tmpl_buf_t b = { 0 };
    (void)n;
    int r = buf_add(&b, "", 0);
    if (r == 0)
        r = json_enc(x->schema, &b, a[0].j, a[0].kind);
    return new_from_buf(x, &b, r, ret);
}

/* lower, upper, title: ASCII letters. */
static int map_case(struct exec *x, const struct value *v, int how, struct value *ret)
{
    tmpl_buf_t b = { 0 };
    int r = buf_add(&b, value_str(v), value_len(v));
    bool word_start = true;
    for (size_t i = 0; r == 0 && i < b.len; i++) {
        char *c = &b.data[i];
        bool lower = *c >= 'a' && *c <= 'z', upper = *c >= 'A' && *c <= 'Z';
        if ((how > 0 || (how == 0 && word_start)) && lower)
            *c = (char)(*c - 'a' + 'A');
        else if (how < 0 && upper)
            *c = (char)(*c - 'A' + 'a');
        word_start = !(lower || upper || (*c >= '0' && *c <= '9') || *c == '_' || (unsigned char)*c >= 0x80);
    }
    return new_from_buf(x, &b, r, ret);
}

static int fn_lower(struct exec *x, struct value *a, size_t n, struct value *ret)
{
    (void)n;
    return map_case(x, &a[0], -1, ret);
}

static int fn_upper(struct exec *x, struct value *a, size_t n, struct value *ret)
{
    (void)n;
    return map_case(x, &a[0], 1, ret);
}

static int fn_title(struct exec *x, struct value *a, size_t n, struct value *ret)
{
    (void)n;
    return map_case(x, &a[0], 0, ret);
}

/* Go's strings.Split: by sep, or into runes when sep is empty. */
static int fn_split(struct exec *x, struct value *a, size_t n, struct value *ret)
{
    const char *s = value_str(&a[0]), *sep = value_str(&a[1]);
    size_t len = value_len(&a[0]), sep_len = value_len(&a[1]), i = 0;
    json_object *list = json_object_new_array();
    (void)n;
    while (list) {
        const char *hit = sep_len ? memmem(s + i, len - i, sep, sep_len) : NULL;
        size_t w = 0, end = sep_len ? (hit ? (size_t)(hit - s) : len) : i;
        if (!sep_len && i < len)
            utf8_rune(s + i, len - i, &w), end = i + w;
        if (!sep_len && i >= len)
            break;
        json_object *e = json_object_new_string_len(s + i, (int)(end - i));
        if (!e || json_object_array_add(list, e) < 0) {
            json_object_put(e);
            json_object_put(list);
            list = NULL;
        }
        if (sep_len && !hit)
            break;
        i = end + sep_len;
    }
    return new_json(x, list, V_LIST, ret);
}

static int fn_pad(struct exec *x, struct value *a, size_t n, struct value *ret)
{
    tmpl_buf_t b = { 0 };
    int64_t before = json_object_get_int64(a[1].j), after = json_object_get_int64(a[2].j);
    (void)n;
    if (value_len(&a[0]) == 0)
        return new_string(x, "", 0, ret);
    if (before < 0 || after < 0)
        return ferr(x, "strings: negative Repeat count");
    int r = buf_repeat(&b, ' ', (size_t)before);
    if (r == 0)
        r = buf_add(&b, value_str(&a[0]), value_len(&a[0]));
    if (r == 0)
        r = buf_repeat(&b, ' ', (size_t)after);
    return new_from_buf(x, &b, r, ret);
}

static int fn_truncate(struct exec *x, struct value *a, size_t n, struct value *ret)
{
    int64_t len = json_object_get_int64(a[1].j);
    (void)n;
    if ((int64_t)value_len(&a[0]) < len)
        return new_string(x, value_str(&a[0]), value_len(&a[0]), ret);
    if (len < 0)
        return ferr(x, "runtime error: slice bounds out of range [:%lld]", (long long)len);
    return new_string(x, value_str(&a[0]), (size_t)len, ret);
}

static const struct builtin builtins[] = {
    { "and", NULL, 1, { P_VALUE }, true, P_VALUE },
    { "eq", fn_eq, 1, { P_VALUE }, true, P_VALUE },
    { "ge", fn_ge, 2, { P_VALUE, P_VALUE }, false, 0 },
    { "gt", fn_gt, 2, { P_VALUE, P_VALUE }, false, 0 },
    { "index", fn_index, 1, { P_VALUE }, true, P_VALUE },
    { "join", fn_join, 2, { P_STRV, P_STRING }, false, 0 },
    { "json", fn_json, 1, { P_IFACE }, false, 0 },
    { "le", fn_le, 2, { P_VALUE, P_VALUE }, false, 0 },
    { "len", fn_len, 1, { P_VALUE }, false, 0 },
    { "lower", fn_lower, 1, { P_STRING }, false, 0 },
    { "lt", fn_lt, 2, { P_VALUE, P_VALUE }, false, 0 },
    { "ne", fn_ne, 2, { P_VALUE, P_VALUE }, false, 0 },
    { "not", fn_not, 1, { P_VALUE }, false, 0 },
    { "or", NULL, 1, { P_VALUE }, true, P_VALUE },
    { "pad", fn_pad, 3, { P_STRING, P_INT, P_INT }, false, 0 },
    { "print", fn_print, 0, { 0 }, true, P_IFACE },
    { "printf", fn_printf, 1, { P_STRING }, true, P_IFACE },
    { "println", fn_println, 0, { 0 }, true, P_IFACE },
    { "slice", fn_slice, 1, { P_VALUE }, true, P_VALUE },
    { "split", fn_split, 2, { P_STRING, P_STRING }, false, 0 },
    { "title", fn_title, 1, { P_STRING }, false, 0 },
    { "truncate", fn_truncate, 2, { P_STRING, P_INT }, false, 0 },
    { "upper", fn_upper, 1, { P_STRING }, false, 0 },
};

static const struct builtin *builtin_find(const char *name, size_t len)
{
    for (size_t i = 0; i < sizeof builtins / sizeof builtins[0]; i++)
        if (strlen(builtins[i].name) == len && memcmp(builtins[i].name, name, len) == 0)
            return &builtins[i];
    return NULL;
}

static bool builtin_exists(const char *name, size_t len)
{
    return builtin_find(name, len) != NULL;
}

/* and, or: the first false (true) argument, or the last; the others are
 * not evaluated. */
static int and_or(struct exec *x, const struct value *dot, bool is_or, struct node *const *args, size_t n,
                  const struct value *final, struct value *ret)
{
    struct value v = { 0 };
    for (size_t i = 0; i < n; i++) {
        value_clear(&v);
        if (eval_arg(x, dot, P_VALUE, args[i], &v) < 0)
            return -1;
        if (truth(&v) == is_or) {
            *ret = v;
            return 0;
        }
    }
    if (final) {
        value_clear(&v);
        value_copy(&v, final);
    }
    *ret = v;
    return 0;
}

/* The arguments of a call: fixed, then variadic, then the pipeline's final value. */
static int eval_args(struct exec *x, const struct value *dot, const struct builtin *f, struct node *const *args,
                     size_t n, const struct value *final, struct value *argv)
{
    size_t i = 0;
    for (; i < n; i++)
        if (eval_arg(x, dot, i < f->n_fixed ? f->fixed[i] : f->rest, args[i], &argv[i]) < 0)
            return -1;
    if (!final)
        return 0;
    enum ptype t = f->variadic && n >= f->n_fixed ? f->rest : f->fixed[n];
    value_copy(&argv[i], final);
    return convert(x, t, &argv[i]);
}

/* A call of a function (Go's evalFunction and evalCall); args[0] is its name. */
static int eval_function(struct exec *x, const struct value *dot, const struct node *ident, const struct node *call,
                         struct node *const *args, size_t n_args, const struct value *final, struct value *ret)
{
    const struct builtin *f = builtin_find(ident->text, ident->text_len);
    size_t given = n_args ? n_args - 1 : 0, n_in = given + (final ? 1 : 0);
    x->node = ident;
    *ret = (struct value){ 0 };
    if (f->variadic && n_in < f->n_fixed)
        return xerr(x, "wrong number of args for %s: want at least %zu got %zu", f->name, f->n_fixed, given);
    if (!f->variadic && n_in != f->n_fixed)
        return xerr(x, "wrong number of args for %s: want %zu got %zu", f->name, f->n_fixed, n_in);
    if (!f->fn)
        return and_or(x, dot, f->name[0] == 'o', args + 1, given, final, ret);
    struct value *argv = calloc(n_in ? n_in : 1, sizeof *argv);
    if (!argv)
        return xoom(x);
    int r = eval_args(x, dot, f, n_args ? args + 1 : NULL, given, final, argv);
    if (r == 0) {
        x->call = call;
        x->call_name = f->name;
        r = f->fn(x, argv, n_in, ret);
    }
    for (size_t i = 0; i < n_in; i++)
        value_clear(&argv[i]);
    free(argv);
    return r;
}

/* ---- templates ---- */

tmpl_t *tmpl_free(tmpl_t *t)
{
    if (t) {
        node_free(t->root);
        free(t->name);
        free(t->text);
        free(t);
    }
    return NULL;
}

bool tmpl_is_table(const tmpl_t *t)
{
    return t->table;
}

static void free_items(struct item *items, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(items[i].msg);
    free(items);
}

int tmpl_parse_text(tmpl_t **ret, const char *name, const char *text, char **ret_error)
{
    tmpl_t *t = calloc(1, sizeof *t);
    *ret_error = NULL;
    if (!t || !(t->name = strdup(name)) || !(t->text = strdup(text)))
        return tmpl_free(t), -ENOMEM;
    struct parser p = { .name = t->name, .text = t->text };
    if (lex(t->text, strlen(t->text), &p.items, &p.n_items) < 0)
        return tmpl_free(t), -ENOMEM;
    if (strv_add(&p, &p.vars, &p.n_vars, "$", 1) == 0)
        parse_top(&p, &t->root);
    pop_vars(&p, 0);
    free(p.vars);
    free_items(p.items, p.n_items);
    if (p.oom || p.error) {
        tmpl_free(t);
        *ret_error = p.oom ? NULL : p.error;
        if (p.oom)
            free(p.error);
        return p.oom ? -ENOMEM : -EINVAL;
    }
    *ret = t;
    return 0;
}

/* podman's EnforceRange test: {{\s*range\s*\.\s*}}.*{{\s*end\s*-?\s*}}. */
static bool has_range_dot(const char *s)
{
    static const char ws[] = " \t\n\f\r";
    for (const char *p = strstr(s, "{{"); p; p = strstr(p + 1, "{{")) {
        const char *q = p + 2 + strspn(p + 2, ws);
        if (strncmp(q, "range", 5) != 0)
            continue;
        q += 5 + strspn(q + 5, ws);
        if (*q != '.')
            continue;
        q += 1 + strspn(q + 1, ws);
        if (strncmp(q, "}}", 2) != 0)
            continue;
        for (const char *e = strstr(q, "{{"); e; e = strstr(e + 1, "{{")) {
            const char *r = e + 2 + strspn(e + 2, ws);
            if (strncmp(r, "end", 3) != 0)
                continue;
            r += 3 + strspn(r + 3, ws);
            r += *r == '-';
            r += strspn(r, ws);
            if (strncmp(r, "}}", 2) == 0)
                return true;
        }
        return false;
    }
    return false;
}

/* The text podman's report package parses: wrapped in {{range .}} unless
 * it ranges itself (always for a table). */
static char *wrap(const char *text, bool table)
{
    char *s = NULL;
    if (!table && has_range_dot(text))
        return strdup(text);
    return asprintf(&s, "{{range .}}%s{{end -}}", text) < 0 ? NULL : s;
}

/* podman's NormalizeFormat: the escapes, spaces as tabs in a table, a final newline. */
static char *normalize(const char *format, bool table)
{
    static const char *const plain[] = { "\\t", "\t", "\\n", "\n", NULL };
    static const char *const tabular[] = { "table ", "", "\\t", "\t", " ", "\t", "\\n", "\n", NULL };
    char *s = tmpl_replace(format, table ? tabular : plain), *t = NULL;
    size_t n = s ? strlen(s) : 0;
    if (!s || (n && s[n - 1] == '\n'))
        return s;
    if (asprintf(&t, "%s\n", s) < 0)
        t = NULL;
    free(s);
    return t;
}

int tmpl_parse(tmpl_t **ret, const char *name, const char *format, char **ret_error)
{
    bool table = strncmp(format, "table ", 6) == 0;
    char *norm = normalize(format, table), *text = norm ? wrap(norm, table) : NULL, *raw = NULL;
    int r = text ? tmpl_parse_text(ret, name, text, ret_error) : -ENOMEM;
    if (r == -EINVAL) { /* as podman: then the format as given */
        free(*ret_error);
        *ret_error = NULL;
        raw = wrap(format, table);
        r = raw ? tmpl_parse_text(ret, name, raw, ret_error) : -ENOMEM;
    }
    if (r == 0)
        (*ret)->table = table;
    free(norm);
    free(text);
    free(raw);
    return r;
}

int tmpl_execute(const tmpl_t *t, json_object *data, const tmpl_schema_t *schema, tmpl_buf_t *out,
                 char **ret_error)
{
    struct exec x = { .t = t, .schema = schema, .out = out };
    struct value dot = { 0 };
    /* The document: a list of items of the schema's kind. */
    tmpl_member_t item = { .name = "", .kind = schema ? schema->item_kind : TMPL_AUTO,
                           .type = schema ? schema->item_type : NULL };
    *ret_error = NULL;
    value_set(&dot, data, NULL, false);
    dot.elem = &item;
    int r = buf_add(out, "", 0) < 0 ? xoom(&x) : push_var(&x, "$", &dot);
    x.node = NULL;
    if (r == 0)
        r = walk(&x, &dot, t->root);
    pop_to(&x, 0);
    free(x.vars);
    value_clear(&dot);
    if (x.oom || r < 0) {
        if (!x.oom)
            *ret_error = x.error;
        else
            free(x.error);
        return x.oom ? -ENOMEM : -EINVAL;
    }
    return 0;
}

/* ---- podman's helpers ---- */

bool tmpl_is_json(const char *format)
{
    static const char ws[] = " \t\n\f\r\v";
    const char *p = format + strspn(format, ws);
    if (strncmp(p, "json", 4) == 0) {
        p += 4;
    } else if (strncmp(p, "{{", 2) == 0) {
        p += 2 + strspn(p + 2, ws);
        if (strncmp(p, "json", 4) != 0)
            return false;
        p += 4 + strspn(p + 4, ws);
        p += *p == '.';
        p += strspn(p, ws);
        if (strncmp(p, "}}", 2) != 0)
            return false;
        p += 2;
    } else {
        return false;
    }
    return p[strspn(p, ws)] == '\0';
}

char *tmpl_replace(const char *s, const char *const *pairs)
{
    tmpl_buf_t b = { 0 };
    int r = buf_add(&b, "", 0);
    while (r == 0 && *s) {
        size_t i = 0;
        while (pairs[i] && strncmp(s, pairs[i], strlen(pairs[i])) != 0)
            i += 2;
        if (pairs[i]) {
            r = buf_puts(&b, pairs[i + 1]);
            s += strlen(pairs[i]);
        } else {
            r = buf_add(&b, s++, 1);
        }
    }
    if (r < 0) {
        tmpl_buf_free(&b);
        return NULL;
    }
    return b.data;
}

/* ---- Go's text/tabwriter, as podman sets it up ---- */

enum { TW_MINWIDTH = 12, TW_PADDING = 2 };

struct tw_cell {
    size_t size;  /* bytes in text */
    size_t width; /* runes */
    bool htab;    /* ended by a tab */
};

struct tw_line {
    struct tw_cell *cells;
    size_t n;
};

struct tabwriter {
    tmpl_buf_t text; /* the cells' text, without tabs and newlines */
    size_t pos;      /* text counted in cell.width so far */
    struct tw_cell cell;
    struct tw_line *lines;
    size_t n_lines;
    size_t *widths; /* of the columns being formatted */
    size_t n_widths;
    tmpl_buf_t *out;
};

static int tw_add_line(struct tabwriter *w)
{
    struct tw_line *l = realloc(w->lines, (w->n_lines + 1) * sizeof *l);
    if (!l)
        return -ENOMEM;
    w->lines = l;
    l[w->n_lines++] = (struct tw_line){ 0 };
    return 0;
}

static void tw_reset(struct tabwriter *w)
{
    w->text.len = 0;
    w->pos = 0;
    w->cell = (struct tw_cell){ 0 };
    for (size_t i = 0; i < w->n_lines; i++)
        free(w->lines[i].cells);
    w->n_lines = 0;
    w->n_widths = 0;
}

static void tw_update_width(struct tabwriter *w)
{
    w->cell.width += utf8_count(w->text.data + w->pos, w->text.len - w->pos);
    w->pos = w->text.len;
}

/* End the current cell; the number of cells of the line in *ret. */
static int tw_terminate_cell(struct tabwriter *w, bool htab, size_t *ret)
{
    struct tw_line *line = &w->lines[w->n_lines - 1];
    struct tw_cell *c = realloc(line->cells, (line->n + 1) * sizeof *c);
    if (!c)
        return -ENOMEM;
    line->cells = c;
    w->cell.htab = htab;
    c[line->n++] = w->cell;
    w->cell = (struct tw_cell){ 0 };
    *ret = line->n;
    return 0;
}

static int tw_write_lines(struct tabwriter *w, size_t *pos, size_t line0, size_t line1)
{
    int r = 0;
    for (size_t i = line0; r == 0 && i < line1; i++) {
        const struct tw_line *line = &w->lines[i];
        for (size_t j = 0; r == 0 && j < line->n; j++) {
            const struct tw_cell *c = &line->cells[j];
            r = buf_add(w->out, w->text.data + *pos, c->size);
            *pos += c->size;
            if (r == 0 && j < w->n_widths)
                r = buf_repeat(w->out, ' ', w->widths[j] - c->width);
        }
        if (r == 0 && i + 1 == w->n_lines) { /* the last line: its unfinished cell */
            r = buf_add(w->out, w->text.data + *pos, w->cell.size);
            *pos += w->cell.size;
        } else if (r == 0) {
            r = buf_add(w->out, "\n", 1);
        }
    }
    return r;
}

/* Go's Writer.format: the lines with a cell in this column form a block. */
static int tw_format(struct tabwriter *w, size_t *pos, size_t line0, size_t line1)
{
    size_t column = w->n_widths;
    for (size_t this = line0; this < line1; this++) {
        if (column + 1 >= w->lines[this].n)
            continue;
        int r = tw_write_lines(w, pos, line0, this);
        if (r < 0)
            return r;
        line0 = this;
        size_t width = TW_MINWIDTH;
        for (; this < line1 && column + 1 < w->lines[this].n; this++)
            if (w->lines[this].cells[column].width + TW_PADDING > width)
                width = w->lines[this].cells[column].width + TW_PADDING;
        size_t *p = realloc(w->widths, (w->n_widths + 1) * sizeof *p);
        if (!p)
            return -ENOMEM;
        w->widths = p;
        p[w->n_widths++] = width;
        r = tw_format(w, pos, line0, this);
        w->n_widths--;
        if (r < 0)
            return r;
        line0 = this;
        this--; /* the loop's increment: Go's loop goes on from this */
    }
    return tw_write_lines(w, pos, line0, line1);
}

static int tw_flush(struct tabwriter *w)
{
    size_t n, pos = 0;
    if (w->cell.size > 0 && tw_terminate_cell(w, false, &n) < 0)
        return -ENOMEM;
    int r = buf_add(&w->text, "", 0);
    if (r == 0)
        r = tw_format(w, &pos, 0, w->n_lines);
    tw_reset(w);
    return r ? r : tw_add_line(w);
}

/* Text up to a tab, newline, vertical tab or form feed: one cell. */
static int tw_write(struct tabwriter *w, const char *s, size_t len)
{
    bool escaped = false;
    size_t start = 0, n;
    for (size_t i = 0; i < len; i++) {
        char ch = s[i];
        if (ch == '\xff') { /* escaped text: the marks stripped, the text a cell's */
            if (buf_add(&w->text, s + start, i - start) < 0)
                return -ENOMEM;
            w->cell.size += i - start;
            if (!escaped || (escaped = false))
                tw_update_width(w), escaped = !escaped;
            else
                tw_update_width(w);
            start = i + 1;
            continue;
        }
        if (escaped || (ch != '\t' && ch != '\v' && ch != '\n' && ch != '\f'))
            continue;
        if (buf_add(&w->text, s + start, i - start) < 0)
            return -ENOMEM;
        w->cell.size += i - start;
        tw_update_width(w);
        start = i + 1;
        if (tw_terminate_cell(w, ch == '\t', &n) < 0)
            return -ENOMEM;
        if ((ch == '\n' || ch == '\f') && tw_add_line(w) < 0)
            return -ENOMEM;
        if ((ch == '\f' || (ch == '\n' && n == 1)) && tw_flush(w) < 0)
            return -ENOMEM;
    }
    if (buf_add(&w->text, s + start, len - start) < 0)
        return -ENOMEM;
    w->cell.size += len - start;
    return 0;
}

int tmpl_tabwrite(const char *text, size_t len, tmpl_buf_t *out)
{
    struct tabwriter w = { .out = out };
    int r = buf_add(out, "", 0);
    if (r == 0)
        r = tw_add_line(&w);
    if (r == 0)
        r = tw_write(&w, text, len);
    if (r == 0)
        r = tw_flush(&w);
    tw_reset(&w);
    free(w.lines);
    free(w.widths);
    tmpl_buf_free(&w.text);
    return r;
}
