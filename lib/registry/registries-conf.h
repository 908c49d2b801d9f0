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
    bool pull_from_mirror_by_digest_only; /* pull-from-mirror = "digest-only" (or the entry's mirror-by-digest-only) */
    bool pull_from_mirror_by_tag_only;    /* pull-from-mirror = "tag-only" */
};

struct ctr__regconf_registry {
    char *prefix;   /* "example.com/ns", "*.example.com"; defaults to location */
    char *location; /* where to go instead; NULL for a "*.domain" prefix without one (references kept as they are) */
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
    enum ctr__short_name_mode mode;      /* unset in every file: permissive, as podman */
    char *search_origin;                 /* the file that set unqualified-search-registries, or NULL */
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

/* One place a pull of a reference goes (ctr__regconf_pull_sources()). */
struct ctr__regconf_source {
    char *reference; /* "HOST[:PORT]/PATH[:TAG][@DIGEST]", the entry's prefix replaced by the location */
    bool insecure;
};

/* Where a pull of @reference (fully qualified, "HOST[:PORT]/PATH[:TAG]
 * [@DIGEST]") goes, in order, as podman's PullSourcesFromReference(): the
 * mirrors of its best entry that apply (digest-only mirrors for digest
 * references only, tag-only mirrors for the others), then the entry's
 * location; without an entry, @reference itself.  -EPERM when the entry is
 * blocked ("registry PREFIX is blocked in registries.conf"); -ENOMEM. */
int ctr__regconf_pull_sources(const struct ctr__regconf *c, const char *reference, struct ctr__regconf_source **ret,
                              size_t *ret_n);
void ctr__regconf_sources_free(struct ctr__regconf_source *s, size_t n);
