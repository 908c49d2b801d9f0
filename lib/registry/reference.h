/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Image references as podman and the distribution spec write them:
 * [DOMAIN[:PORT]/]PATH[:TAG][@sha256:HEX].  Untrusted input (fuzzed). */
#pragma once

#include <stdbool.h>

struct ctr__ref {
    char *domain; /* "docker.io", "127.0.0.1:5000", "localhost"; NULL for a short name */
    char *path;   /* "library/busybox" (docker.io one-component paths get library/) */
    char *tag;    /* NULL when only a digest is given and no tag */
    char *digest; /* "sha256:HEX" or NULL */
};

/* Parse @s strictly (lowercase path components separated by [._-]+, tags
 * [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}, digest sha256 with 64 lowercase hex,
 * at most 255 bytes of name).  A name without a domain (no '.', ':' in its
 * first component and not "localhost") is a short name: domain NULL, path
 * as given.  Without a tag and a digest, the tag is "latest".
 * -EINVAL with a message naming what is wrong; -ENOMEM. */
int ctr__ref_parse(const char *s, struct ctr__ref *ret);
void ctr__ref_clear(struct ctr__ref *r);
/* "DOMAIN/PATH[:TAG][@DIGEST]" (malloc'ed, NULL on ENOMEM). */
char *ctr__ref_string(const struct ctr__ref *r);
/* "DOMAIN/PATH" */
char *ctr__ref_repository(const struct ctr__ref *r);
/* A copy of @r with @domain (normalizing docker.io's library/); -ENOMEM. */
int ctr__ref_qualify(const struct ctr__ref *r, const char *domain, struct ctr__ref *ret);
