/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The WWW-Authenticate header of a registry's 401 (RFC 7235 challenges):
 * which scheme, and the bearer token flow's realm, service and scope.
 * Untrusted input (fuzzed). */
#pragma once

struct ctr__challenge {
    char *scheme;  /* "bearer" or "basic" (lowercase) */
    char *realm;   /* the token server's URL for bearer; NULL if absent */
    char *service;
    char *scope;
};

/* The first Bearer or Basic challenge of @header (a header may hold
 * several).  -EINVAL when there is none or the syntax is broken, -ENOMEM. */
int ctr__challenge_parse(const char *header, struct ctr__challenge *ret);
void ctr__challenge_clear(struct ctr__challenge *c);
