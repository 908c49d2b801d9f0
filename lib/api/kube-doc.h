/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Reading Kubernetes documents for kube play: fields are *taken* out of the
 * parsed tree (so what is left at the end is what was not used: the
 * report's warnings), with their path for errors, into an arena that lives
 * as long as the play of one pod. */
#pragma once

#include <json-c/json.h>
#include <stdbool.h>
#include <stdint.h>

#include "base/arena.h"

struct ctr__kdoc {
    struct ctr__arena *arena;
    char ***warnings; /* malloc()ed strv the leftovers go to */
};

/* Paths: "spec.containers[0].image". */
#define CTR__KPATH_MAX 512
/* printf into a path buffer of CTR__KPATH_MAX bytes (cut when longer). */
void ctr__kdoc_path(char *buf, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Remove member @key of @o and give it (a new reference, NULL when absent). */
json_object *ctr__kdoc_take(json_object *o, const char *key);

/* The member, checked, copied to the arena and removed: *ret NULL (0, or
 * false) when absent; -EINVAL naming PATH.KEY for the wrong type; -ENOMEM. */
int ctr__kdoc_str(struct ctr__kdoc *d, json_object *o, const char *path, const char *key, const char **ret);
int ctr__kdoc_int(struct ctr__kdoc *d, json_object *o, const char *path, const char *key, int64_t *ret, bool *present);
int ctr__kdoc_bool(struct ctr__kdoc *d, json_object *o, const char *path, const char *key, bool *ret, bool *present);
/* A sequence of strings, NULL-terminated in the arena (NULL when absent). */
int ctr__kdoc_strv(struct ctr__kdoc *d, json_object *o, const char *path, const char *key, const char *const **ret);
/* A mapping of strings as KEY=VALUE strings (NULL when absent). */
int ctr__kdoc_map(struct ctr__kdoc *d, json_object *o, const char *path, const char *key, const char *const **ret);
/* The member that must be an object / array (a new reference, NULL when absent). */
int ctr__kdoc_object(json_object *o, const char *path, const char *key, json_object **ret);
int ctr__kdoc_array(json_object *o, const char *path, const char *key, json_object **ret);

/* Append @s (copied) to the arena strv *@v. */
int ctr__kdoc_strv_add(struct ctr__kdoc *d, const char *const **v, const char *s);
/* An arena printf. */
char *ctr__kdoc_printf(struct ctr__kdoc *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Report what is left of @o (members that are not empty objects) as
 * "PATH.KEY: not supported" warnings. */
int ctr__kdoc_leftovers(struct ctr__kdoc *d, json_object *o, const char *path);
/* Add a warning. */
int ctr__kdoc_warn(struct ctr__kdoc *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
