/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* podman's registries.conf, version 2 (and shortnames.conf aliases): the
 * search registries, per-registry entries (prefix/location, insecure,
 * blocked, mirrors) and short-name resolution.  The files are untrusted
 * TOML (toml.h). */
#pragma once

#include <stdbool.h>
#include <stddef.h>

struct ctr__regconf_mirror {
    char *location;
    bool insecure;
    bool pull_from_mirror_by_digest_only; /* pull-from-mirror = "digest-only" */
};

struct ctr__regconf_registry {
    char *prefix;   /* "example.com/ns", "*.example.com"; defaults to location */
    char *location; /* where to go instead */
    bool insecure, blocked;
    struct ctr__regconf_mirror *mirrors;
    size_t n_mirrors;
};

enum ctr__short_name_mode { CTR__SHORT_ENFORCING = 0, CTR__SHORT_PERMISSIVE, CTR__SHORT_DISABLED };

struct ctr__regconf {
    char **search;                       /* unqualified-search-registries, never NULL */
    struct ctr__regconf_registry *regs;
    size_t n_regs;
    char **aliases;                      /* "NAME=VALUE" pairs, sorted by NAME, never NULL */
    enum ctr__short_name_mode mode;
};

/* Read @path (NULL: $CONTAINERS_REGISTRIES_CONF or
 * /etc/containers/registries.conf; a missing default is an empty config),
 * then the drop-ins of PATH.d/ *.conf in name order, as podman merges them
 * (a later file's keys replace, registries by prefix), then the
 * shortnames.conf aliases (/etc/containers/registries.conf.d/ *
 * shortnames.conf and $HOME/.cache/containers/short-name-aliases.conf are
 * not read: aliases come from the [aliases] tables).  -EINVAL with a
 * message naming the file, line and key; an I/O errno. */
int ctr__regconf_load(const char *path, struct ctr__regconf *ret);
/* The same from a TOML text (one file). */
int ctr__regconf_parse(const char *toml, const char *what, struct ctr__regconf *ret);
void ctr__regconf_clear(struct ctr__regconf *c);

/* The entry whose prefix matches @reference ("HOST[:PORT]/PATH[:TAG]")
 * best (longest; "*.domain" wildcards), or NULL. */
const struct ctr__regconf_registry *ctr__regconf_find(const struct ctr__regconf *c, const char *reference);

/* The fully qualified references to try for @short_name (a short name, tag
 * or digest kept): an alias if one matches, else each search registry in
 * order.  In enforcing mode more than one candidate and no alias is
 * -EINVAL with the candidates in the message (podman's "short-name ...
 * did not resolve to an alias and no containers-registries.conf(5) was
 * found"/ambiguity error); no search registries is -EINVAL too.
 * NULL-terminated (ctr__strv_free). */
int ctr__regconf_resolve(const struct ctr__regconf *c, const char *short_name, char ***ret);
