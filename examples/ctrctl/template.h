/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* ctrctl: podman's --format, Go's text/template evaluated over JSON
 * documents (json-c), with podman's conventions on top (template.c's
 * opening comment says what is supported and how). */
#pragma once

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>

/* A growing string, always NUL-terminated once written to; free with
 * tmpl_buf_free().  Zero-initialise it. */
typedef struct tmpl_buf {
    char *data;
    size_t len, size;
} tmpl_buf_t;

void tmpl_buf_free(tmpl_buf_t *b);

/* How to read a value of the document: JSON has no Go types, podman's
 * documents do.  A struct's missing field is an error and it prints as
 * {a b}; a map's missing key is <no value> and it prints as map[k:v]; a null
 * list prints [], a null map map[], a null string nothing. */
typedef enum tmpl_kind {
    TMPL_AUTO,   /* objects: a struct when every key looks like a Go field name */
    TMPL_STRUCT,
    TMPL_MAP,
    TMPL_LIST,
    TMPL_STRING,
} tmpl_kind_t;

/* A field of the document's structs, by its name in templates. */
typedef struct tmpl_member {
    const char *name; /* as templates write it: "ID" */
    const char *key;  /* its JSON key when not name ("Id"), else NULL; the key
                       * itself is then no field (as in Go) */
    tmpl_kind_t kind;
    const char *type; /* Go type in messages ("*define.InspectContainerState"), or NULL */
} tmpl_member_t;

/* The shape of a document: a list of items (one per container). */
typedef struct tmpl_schema {
    tmpl_kind_t item_kind;         /* of each item */
    const char *item_type;         /* Go type of an item in messages */
    const tmpl_member_t *members;  /* ends with a NULL name; NULL for none */
} tmpl_schema_t;

typedef struct tmpl tmpl_t;

/* Parse a --format the way podman's report package does: "\t" and "\n"
 * become a tab and a newline, a newline ends the format, and it runs once
 * per item of the document ({{range .}} is added unless the format has its
 * own {{range .}}...{{end}}).  With the "table " prefix, spaces separate
 * columns too (tmpl_is_table(); align the output with tmpl_tabwrite()).
 * name is the template's name in messages ("ps").  0; -EINVAL with
 * *ret_error set to Go's message ("template: ps:1: unexpected EOF"); or
 * -ENOMEM.  *ret_error is malloc'ed (NULL on -ENOMEM). */
int tmpl_parse(tmpl_t **ret, const char *name, const char *format, char **ret_error);
/* The same for a plain Go template, as template.New(name).Parse(text). */
int tmpl_parse_text(tmpl_t **ret, const char *name, const char *text, char **ret_error);
bool tmpl_is_table(const tmpl_t *t);
/* NULL allowed; returns NULL. */
tmpl_t *tmpl_free(tmpl_t *t);

/* Run t over data (lent) read with schema (NULL: every object a struct by
 * its keys), appending to out.  0; -EINVAL with *ret_error set to Go's
 * message ("template: ps:1:13: executing \"ps\" at <.Foo>: can't evaluate
 * field Foo in type containers.psReporter"), out holding what was printed
 * before the error (as podman prints it); or -ENOMEM (*ret_error NULL). */
int tmpl_execute(const tmpl_t *t, json_object *data, const tmpl_schema_t *schema, tmpl_buf_t *out,
                 char **ret_error);

/* Align text's tab-terminated cells in columns as podman's tabwriter does
 * (Go's text/tabwriter: minimum width 12, padding 2, spaces), appending to
 * out.  0 or -ENOMEM. */
int tmpl_tabwrite(const char *text, size_t len, tmpl_buf_t *out);

/* podman's report.IsJSON: "json" or "{{json .}}" (spaces allowed). */
bool tmpl_is_json(const char *format);

/* s with each pairs[2i] replaced by pairs[2i+1] (the list ends with NULL),
 * left to right, the first pair that matches winning, as Go's
 * strings.NewReplacer.  malloc'ed, NULL when out of memory. */
char *tmpl_replace(const char *s, const char *const *pairs);
