/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* json-c helpers shared by the modules that read and write JSON documents. */
#pragma once

#include <json-c/json.h>

#include "base/util.h"

static inline void ctr__json_putp(json_object **o)
{
    if (*o)
        json_object_put(*o);
}
#define _cleanup_json_ _cleanup_(ctr__json_putp)

/* Parse a complete JSON document; -EINVAL with a detail naming what (e.g. "spec"). */
int ctr__json_parse(const char *text, const char *what, json_object **ret);
/* Serialize compactly into a malloc'ed string. */
int ctr__json_to_string(json_object *o, char **ret);

/* Add v (a new reference; NULL from a failed constructor) as key, replacing;
 * v is consumed even on failure.  -ENOMEM. */
int ctr__json_set(json_object *o, const char *key, json_object *v);
/* Adders: skip NULL strings / empty arrays where noted; return -ENOMEM. */
int ctr__json_add_str(json_object *o, const char *key, const char *value);     /* skips NULL */
int ctr__json_add_int(json_object *o, const char *key, int64_t value);
int ctr__json_add_bool(json_object *o, const char *key, bool value);
int ctr__json_add_strv(json_object *o, const char *key, char *const *v);     /* always adds */
json_object *ctr__json_strv(char *const *v);                                 /* NULL on ENOMEM */
/* KEY=VALUE strings as an object {KEY: VALUE} (a string without '=' has the
 * value ""); an empty object for none; NULL on ENOMEM. */
json_object *ctr__json_kv_object(char *const *v);

/* Getters with type checks: a present member of the wrong type is -EINVAL (with a
 * message naming key); an absent member leaves the output unchanged and returns 0. */
int ctr__json_get_str(json_object *o, const char *key, char **ret);           /* strdup */
int ctr__json_get_int(json_object *o, const char *key, int64_t *ret);
int ctr__json_get_bool(json_object *o, const char *key, bool *ret);
int ctr__json_get_strv(json_object *o, const char *key, char ***ret);         /* replaces *ret */

/* The string member @key of @o, lent from @o; NULL when @o is NULL, has no
 * such member, or it is not a string. */
const char *ctr__json_str(json_object *o, const char *key);
