/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* YAML documents as json-c trees, both ways, through libyaml.
 *
 * Reading: each document of a stream becomes one json_object.  Mappings
 * become objects (keys must be scalars, unique), sequences arrays; a plain
 * scalar is resolved as YAML 1.2's core schema does (null, true/false,
 * integers, floats), a quoted one or one tagged !!str is a string.  Anchors
 * and aliases are refused (no expansion bombs), as are documents nested
 * deeper than CTR__YAML_MAX_DEPTH and input over CTR__YAML_MAX_SIZE.
 *
 * Writing: objects as block mappings (keys in the object's order), arrays
 * as block sequences, strings plain when they read back as the same string
 * (and as a string under YAML 1.1 and 1.2 alike: "yes", "on", "08",
 * "1e3" are quoted), otherwise double-quoted. */
#pragma once

#include <json-c/json.h>
#include <stddef.h>

#define CTR__YAML_MAX_DEPTH 64
#define CTR__YAML_MAX_SIZE (16u << 20)

/* Parse the documents of @buf (@len bytes; not NUL-terminated).  *ret
 * receives a malloc()ed array of *ret_count trees (empty documents are
 * left out), each owned by the caller; free with ctr__yaml_docs_free().
 * Errors: -EINVAL with the line and column of a syntax error, a duplicate
 * key, an alias, a non-scalar key; -EFBIG (too large); -ENOMEM. */
int ctr__yaml_parse(const char *buf, size_t len, json_object ***ret, size_t *ret_count);
void ctr__yaml_docs_free(json_object **docs, size_t n);

/* Flags of ctr__yaml_emit(). */
enum {
    /* Mapping keys sorted (bytewise), as Kubernetes' tools write them;
     * otherwise in each object's order. */
    CTR__YAML_SORT_KEYS = 1u << 0,
};

/* Write @n documents, separated by `---`, after @header (comment lines, or
 * NULL).  *ret receives a NUL-terminated malloc()ed string.  -ENOMEM; -EINVAL
 * for a tree libyaml refuses (not expected). */
int ctr__yaml_emit(json_object *const *docs, size_t n, const char *header, unsigned int flags, char **ret);

/* Whether the plain scalar @s would be read as something else than the
 * string @s (a null, a boolean, a number) by a YAML 1.1 or 1.2 reader. */
int ctr__yaml_plain_is_ambiguous(const char *s);
