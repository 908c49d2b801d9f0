/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Container names: validation and podman-style generated names. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

/* Longest valid name. */
#define CTR__NAME_MAX 253
/* A buffer of this size holds any generated name and its NUL. */
#define CTR__NAME_GENERATED_SIZE 32

/* True when name matches [a-zA-Z0-9][a-zA-Z0-9_.-]* and has 1..253
 * characters.  NULL is not valid.  Sets no error detail. */
bool ctr__name_valid(const char *name);

/* The check of a name given for a container (create, rename): 0, or -EINVAL
 * with the message: not valid (podman's rule), or 64 hexadecimal characters
 * (it would shadow a container's ID).  name is not NULL. */
int ctr__name_check(const char *name);

/*
 * Write a random "adjective_surname" name (e.g. "brave_curie") to buf.  The
 * choice uses getrandom(); the caller retries on a name collision.
 * Returns 0, -EINVAL (buf NULL), -ERANGE (size < CTR__NAME_GENERATED_SIZE),
 * or a negative errno from getrandom().
 */
int ctr__name_generate(char *buf, size_t size);

/* The word lists, for tests: *ret_n gets the number of entries. */
const char *const *ctr__name_adjectives(size_t *ret_n);
const char *const *ctr__name_surnames(size_t *ret_n);
