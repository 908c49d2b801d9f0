/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* YAML documents as json-c trees, through libyaml's event API. */
#include "data/yaml.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "base/error.h"
#include "base/util.h"

/* ---- resolving plain scalars (YAML 1.2 core schema) ---- */

static bool is_one_of(const char *s, const char *const *words)
{
    for (; *words; words++)
        if (streq(s, *words))
            return true;
    return false;
}

static const char *const null_words[] = { "", "~", "null", "Null", "NULL", NULL };
static const char *const true_words[] = { "true", "True", "TRUE", NULL };
static const char *const false_words[] = { "false", "False", "FALSE", NULL };
/* What YAML 1.1 readers (go-yaml v2, as Kubernetes' tools) take as booleans too. */
static const char *const yaml11_bool_words[] = { "y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO",
                                                 "on", "On", "ON", "off", "Off", "OFF", NULL };

static bool all_in(const char *s, const char *set)
{
    return *s && strspn(s, set) == strlen(s);
}

/* An integer of the core schema: decimal with an optional sign, 0o octal, 0x hex. */
static bool parse_int(const char *s, int64_t *ret)
{
    const char *digits = s;
    int base = 10;
    if (*digits == '-' || *digits == '+')
        digits++;
    if (digits == s && (strncmp(s, "0o", 2) == 0 || strncmp(s, "0x", 2) == 0)) {
        base = s[1] == 'o' ? 8 : 16;
        digits = s + 2;
        if (!all_in(digits, base == 8 ? "01234567" : "0123456789abcdefABCDEF"))
            return false;
    } else if (!all_in(digits, "0123456789")) {
        return false;
    }
    errno = 0;
    char *end;
    long long v = base == 10 ? strtoll(s, &end, 10) : (long long)strtoull(digits, &end, base);
    if (errno || *end || (base != 10 && v < 0))
        return false;
    *ret = v;
    return true;
}

/* A float of the core schema: [-+]?(.[0-9]+|[0-9]+(.[0-9]*)?)([eE][-+]?[0-9]+)?, .inf, .nan. */
static bool parse_float(const char *s, double *ret)
{
    static const char *const inf[] = { ".inf", ".Inf", ".INF", NULL };
    static const char *const nan_words[] = { ".nan", ".NaN", ".NAN", NULL };
    const char *p = s + (*s == '-' || *s == '+');
    if (is_one_of(p, inf)) {
        *ret = *s == '-' ? -INFINITY : INFINITY;
        return true;
    }
    if (is_one_of(s, nan_words)) {
        *ret = NAN;
        return true;
    }
    size_t int_digits = strspn(p, "0123456789");
    p += int_digits;
    size_t frac_digits = 0;
    if (*p == '.') {
        frac_digits = strspn(p + 1, "0123456789");
        p += 1 + frac_digits;
    }
    if (int_digits == 0 && frac_digits == 0)
        return false;
    if (*p == 'e' || *p == 'E') {
        p += 1 + (p[1] == '-' || p[1] == '+');
        size_t exp_digits = strspn(p, "0123456789");
        if (exp_digits == 0)
            return false;
        p += exp_digits;
    }
    if (*p)
        return false;
    *ret = strtod(s, NULL);
    return true;
}

/* The value of a plain scalar; NULL on ENOMEM (a YAML null is json-c's NULL
 * too, so *is_null tells them apart). */
static json_object *resolve_plain(const char *s, bool *is_null)
{
    int64_t i;
    double d;
    *is_null = false;
    if (is_one_of(s, null_words)) {
        *is_null = true;
        return NULL;
    }
    if (is_one_of(s, true_words))
        return json_object_new_boolean(1);
    if (is_one_of(s, false_words))
        return json_object_new_boolean(0);
    if (parse_int(s, &i))
        return json_object_new_int64(i);
    if (parse_float(s, &d))
        return json_object_new_double(d);
    return json_object_new_string(s);
}

int ctr__yaml_plain_is_ambiguous(const char *s)
{
    int64_t i;
    double d;
    if (is_one_of(s, null_words) || is_one_of(s, true_words) || is_one_of(s, false_words) ||
        is_one_of(s, yaml11_bool_words))
        return 1;
    if (parse_int(s, &i) || parse_float(s, &d))
        return 1;
    /* YAML 1.1's other numbers and times: 0b101, 1_000, 017, 1:20, 2001-12-14 */
    const char *p = s + (*s == '-' || *s == '+');
    const char *dot = strchr(p, '.');
    if (dot && strchr(dot + 1, '.') && !strchr(p, ':'))
        return 0; /* 1.2.3.4: a version or an address, no number of any YAML */
    if ((*p >= '0' && *p <= '9') || (*p == '.' && p[1] >= '0' && p[1] <= '9'))
        return all_in(p, "0123456789abcdefABCDEFxXoO_.:+-eEtTzZ ");
    return 0;
}

/* ---- reading ---- */

struct frame {
    json_object *node;   /* the object or array being filled */
    char *key;           /* a mapping's key waiting for its value */
};

struct reader {
    yaml_parser_t parser;
    struct frame stack[CTR__YAML_MAX_DEPTH];
    size_t depth;
    json_object **docs;
    size_t n_docs;
    json_object *root;
    bool root_set;
};

static int at(const yaml_event_t *ev, const char *what)
{
    return ctr__err(-EINVAL, "YAML line %zu column %zu: %s", (size_t)ev->start_mark.line + 1,
                    (size_t)ev->start_mark.column + 1, what);
}

/* Put @v (a new reference, NULL for a YAML null) where the stack says. */
static int place(struct reader *r, const yaml_event_t *ev, json_object *v)
{
    if (r->depth == 0) {
        r->root = v;
        r->root_set = true;
        return 0;
    }
    struct frame *f = &r->stack[r->depth - 1];
    if (json_object_is_type(f->node, json_type_array)) {
        if (json_object_array_add(f->node, v) < 0) {
            json_object_put(v);
            return -ENOMEM;
        }
        return 0;
    }
    _cleanup_free_ char *key = f->key;
    f->key = NULL;
    if (json_object_object_get_ex(f->node, key, NULL)) {
        json_object_put(v);
        return at(ev, "a key given twice in one mapping");
    }
    if (json_object_object_add(f->node, key, v) < 0) {
        json_object_put(v);
        return -ENOMEM;
    }
    return 0;
}

static bool expects_key(const struct reader *r)
{
    if (r->depth == 0)
        return false;
    const struct frame *f = &r->stack[r->depth - 1];
    return json_object_is_type(f->node, json_type_object) && !f->key;
}

static int on_scalar(struct reader *r, const yaml_event_t *ev)
{
    const char *text = (const char *)ev->data.scalar.value;
    if (strlen(text) != ev->data.scalar.length)
        return at(ev, "a NUL character in a scalar");
    if (expects_key(r)) {
        r->stack[r->depth - 1].key = strdup(text);
        return r->stack[r->depth - 1].key ? 0 : -ENOMEM;
    }
    const char *tag = (const char *)ev->data.scalar.tag;
    bool quoted = !ev->data.scalar.plain_implicit || (tag && streq(tag, YAML_STR_TAG));
    bool is_null = false;
    json_object *v = quoted ? json_object_new_string(text) : resolve_plain(text, &is_null);
    if (!v && !is_null)
        return -ENOMEM;
    return place(r, ev, v);
}

static int on_start(struct reader *r, const yaml_event_t *ev, bool mapping)
{
    if (expects_key(r))
        return at(ev, "a key that is not a scalar");
    if (r->depth == CTR__YAML_MAX_DEPTH)
        return at(ev, "nested too deep");
    json_object *node = mapping ? json_object_new_object() : json_object_new_array();
    if (!node)
        return -ENOMEM;
    r->stack[r->depth++] = (struct frame){ .node = node };
    return 0;
}

static int on_end(struct reader *r, const yaml_event_t *ev)
{
    struct frame f = r->stack[--r->depth];
    free(f.key);
    return place(r, ev, f.node);
}

static int on_document_end(struct reader *r)
{
    if (!r->root_set || !r->root)
        return 0; /* an empty document, or one that is only null */
    json_object **docs = reallocarray(r->docs, r->n_docs + 1, sizeof(*docs));
    if (!docs)
        return -ENOMEM;
    r->docs = docs;
    r->docs[r->n_docs++] = r->root;
    r->root = NULL;
    r->root_set = false;
    return 0;
}

/* Handle one event; 1 at the stream's end. */
static int on_event(struct reader *r, const yaml_event_t *ev)
{
    switch (ev->type) {
    case YAML_SCALAR_EVENT:
        return on_scalar(r, ev);
    case YAML_SEQUENCE_START_EVENT:
        return on_start(r, ev, false);
    case YAML_MAPPING_START_EVENT:
        return on_start(r, ev, true);
    case YAML_SEQUENCE_END_EVENT:
    case YAML_MAPPING_END_EVENT:
        return on_end(r, ev);
    case YAML_ALIAS_EVENT:
        return at(ev, "aliases (*name) are not supported");
    case YAML_DOCUMENT_END_EVENT:
        return on_document_end(r);
    case YAML_STREAM_END_EVENT:
        return 1;
    default:
        return 0;
    }
}

static int parser_error(const yaml_parser_t *p)
{
    if (p->error == YAML_MEMORY_ERROR)
        return -ENOMEM;
    return ctr__err(-EINVAL, "YAML line %zu column %zu: %s", (size_t)p->problem_mark.line + 1,
                    (size_t)p->problem_mark.column + 1, p->problem ? p->problem : "syntax error");
}

static void reader_clear(struct reader *r)
{
    while (r->depth > 0) {
        struct frame *f = &r->stack[--r->depth];
        free(f->key);
        json_object_put(f->node);
    }
    json_object_put(r->root);
    ctr__yaml_docs_free(r->docs, r->n_docs);
    yaml_parser_delete(&r->parser);
}

static int read_events(struct reader *r)
{
    for (;;) {
        yaml_event_t ev;
        if (!yaml_parser_parse(&r->parser, &ev))
            return parser_error(&r->parser);
        bool anchored = (ev.type == YAML_SCALAR_EVENT && ev.data.scalar.anchor) ||
                        (ev.type == YAML_MAPPING_START_EVENT && ev.data.mapping_start.anchor) ||
                        (ev.type == YAML_SEQUENCE_START_EVENT && ev.data.sequence_start.anchor);
        int r_ = anchored ? at(&ev, "anchors (&name) are not supported") : on_event(r, &ev);
        yaml_event_delete(&ev);
        if (r_ != 0)
            return r_ < 0 ? r_ : 0;
    }
}

int ctr__yaml_parse(const char *buf, size_t len, json_object ***ret, size_t *ret_count)
{
    if (len > CTR__YAML_MAX_SIZE)
        return ctr__err(-EFBIG, "YAML: larger than %u bytes", CTR__YAML_MAX_SIZE);
    struct reader r = { 0 };
    if (!yaml_parser_initialize(&r.parser))
        return -ENOMEM;
    yaml_parser_set_input_string(&r.parser, (const unsigned char *)buf, len);
    int rc = read_events(&r);
    if (rc == 0) {
        *ret = r.docs;
        *ret_count = r.n_docs;
        r.docs = NULL;
        r.n_docs = 0;
    }
    reader_clear(&r);
    return rc;
}

void ctr__yaml_docs_free(json_object **docs, size_t n)
{
    for (size_t i = 0; i < n; i++)
        json_object_put(docs[i]);
    free(docs);
}

/* ---- writing ---- */

struct writer {
    yaml_emitter_t emitter;
    unsigned int flags;
    char *buf;
    size_t len, size;
};

static int write_out(void *data, unsigned char *bytes, size_t size)
{
    struct writer *w = data;
    if (w->len + size + 1 > w->size) {
        size_t want = w->size * 2 > w->len + size + 1 ? w->size * 2 : w->len + size + 1;
        char *b = realloc(w->buf, want);
        if (!b)
            return 0;
        w->buf = b;
        w->size = want;
    }
    memcpy(w->buf + w->len, bytes, size);
    w->len += size;
    w->buf[w->len] = '\0';
    return 1;
}

static int emit(struct writer *w, yaml_event_t *ev)
{
    if (!yaml_emitter_emit(&w->emitter, ev))
        return w->emitter.error == YAML_MEMORY_ERROR || w->emitter.error == YAML_WRITER_ERROR
                   ? -ENOMEM
                   : ctr__err(-EINVAL, "YAML: %s", w->emitter.problem ? w->emitter.problem : "cannot emit");
    return 0;
}

static int emit_scalar(struct writer *w, const char *text, bool as_string)
{
    yaml_scalar_style_t style = as_string && ctr__yaml_plain_is_ambiguous(text) ? YAML_DOUBLE_QUOTED_SCALAR_STYLE
                                                                                 : YAML_PLAIN_SCALAR_STYLE;
    yaml_event_t ev;
    if (!yaml_scalar_event_initialize(&ev, NULL, NULL, (const yaml_char_t *)text, (int)strlen(text), 1, 1, style))
        return -ENOMEM;
    return emit(w, &ev);
}

static int emit_node(struct writer *w, json_object *o, int depth);

static int cmp_key(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The keys of @o in the order they are written (a malloc()ed array). */
static const char **mapping_keys(const struct writer *w, json_object *o, size_t *n)
{
    *n = (size_t)json_object_object_length(o);
    const char **keys = calloc(*n + 1, sizeof(*keys));
    size_t i = 0;
    if (!keys)
        return NULL;
    json_object_object_foreach(o, key, value)
    {
        (void)value;
        keys[i++] = key;
    }
    if (w->flags & CTR__YAML_SORT_KEYS)
        qsort(keys, *n, sizeof(*keys), cmp_key);
    return keys;
}

static int emit_mapping(struct writer *w, json_object *o, int depth)
{
    yaml_event_t ev;
    size_t n;
    const char **keys = mapping_keys(w, o, &n);
    if (!keys || !yaml_mapping_start_event_initialize(&ev, NULL, NULL, 1, YAML_BLOCK_MAPPING_STYLE)) {
        free(keys);
        return -ENOMEM;
    }
    int r = emit(w, &ev);
    for (size_t i = 0; r == 0 && i < n; i++) {
        r = emit_scalar(w, keys[i], true);
        if (r == 0)
            r = emit_node(w, json_object_object_get(o, keys[i]), depth + 1);
    }
    free(keys);
    if (r < 0)
        return r;
    if (!yaml_mapping_end_event_initialize(&ev))
        return -ENOMEM;
    return emit(w, &ev);
}

static int emit_sequence(struct writer *w, json_object *o, int depth)
{
    yaml_event_t ev;
    if (!yaml_sequence_start_event_initialize(&ev, NULL, NULL, 1, YAML_BLOCK_SEQUENCE_STYLE))
        return -ENOMEM;
    int r = emit(w, &ev);
    for (size_t i = 0; r == 0 && i < json_object_array_length(o); i++)
        r = emit_node(w, json_object_array_get_idx(o, i), depth + 1);
    if (r < 0)
        return r;
    if (!yaml_sequence_end_event_initialize(&ev))
        return -ENOMEM;
    return emit(w, &ev);
}

static int emit_node(struct writer *w, json_object *o, int depth)
{
    char num[64];
    if (depth > CTR__YAML_MAX_DEPTH)
        return ctr__err(-EINVAL, "YAML: nested too deep");
    switch (json_object_get_type(o)) {
    case json_type_object:
        return emit_mapping(w, o, depth);
    case json_type_array:
        return emit_sequence(w, o, depth);
    case json_type_string:
        return emit_scalar(w, json_object_get_string(o), true);
    case json_type_boolean:
        return emit_scalar(w, json_object_get_boolean(o) ? "true" : "false", false);
    case json_type_int:
        snprintf(num, sizeof(num), "%" PRId64, json_object_get_int64(o));
        return emit_scalar(w, num, false);
    case json_type_double: {
        double d = json_object_get_double(o);
        if (isnan(d))
            return emit_scalar(w, ".nan", false);
        if (isinf(d))
            return emit_scalar(w, d < 0 ? "-.inf" : ".inf", false);
        snprintf(num, sizeof(num), "%.17g", d);
        if (!strpbrk(num, ".eE")) /* 1e20 prints as 100000000000000000000: keep it a float */
            strcat(num, ".0");
        return emit_scalar(w, num, false);
    }
    default:
        return emit_scalar(w, "null", false);
    }
}

static int emit_document(struct writer *w, json_object *doc, bool first)
{
    yaml_event_t ev;
    if (!yaml_document_start_event_initialize(&ev, NULL, NULL, NULL, first))
        return -ENOMEM;
    int r = emit(w, &ev);
    if (r == 0)
        r = emit_node(w, doc, 0);
    if (r == 0 && !yaml_document_end_event_initialize(&ev, 1))
        r = -ENOMEM;
    return r < 0 ? r : emit(w, &ev);
}

static int emit_stream(struct writer *w, json_object *const *docs, size_t n)
{
    yaml_event_t ev;
    if (!yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING))
        return -ENOMEM;
    int r = emit(w, &ev);
    for (size_t i = 0; r == 0 && i < n; i++)
        r = emit_document(w, docs[i], i == 0);
    if (r == 0 && !yaml_stream_end_event_initialize(&ev))
        r = -ENOMEM;
    return r < 0 ? r : emit(w, &ev);
}

int ctr__yaml_emit(json_object *const *docs, size_t n, const char *header, unsigned int flags, char **ret)
{
    struct writer w = { .flags = flags };
    if (!yaml_emitter_initialize(&w.emitter))
        return -ENOMEM;
    yaml_emitter_set_output(&w.emitter, write_out, &w);
    yaml_emitter_set_unicode(&w.emitter, 1);
    yaml_emitter_set_width(&w.emitter, -1);
    yaml_emitter_set_indent(&w.emitter, 2);
    int r = header && !write_out(&w, (unsigned char *)header, strlen(header)) ? -ENOMEM : 0;
    if (r == 0)
        r = emit_stream(&w, docs, n);
    yaml_emitter_delete(&w.emitter);
    if (r < 0 || !w.buf) {
        free(w.buf);
        return r < 0 ? r : -ENOMEM;
    }
    *ret = w.buf;
    return 0;
}
