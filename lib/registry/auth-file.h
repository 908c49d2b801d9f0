/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* podman's credentials file (auth.json): {"auths": {"KEY": {"auth":
 * base64("USER:PASS")}}}, KEY a registry host ("quay.io",
 * "127.0.0.1:5000") or a repository ("quay.io/ns/repo"), also the legacy
 * forms with "https://" and "/v1/".  Untrusted input (fuzzed). */
#pragma once

/* The file a call uses: @given, else $REGISTRY_AUTH_FILE, else
 * $XDG_RUNTIME_DIR/containers/auth.json, else /run/containers/UID/auth.json
 * (malloc'ed). */
char *ctr__auth_file_path(const char *given);

/* Credentials for @repository ("HOST[:PORT]/PATH"): the most specific key
 * first (the repository, its parent namespaces, then the host).  -ENOENT
 * when none (or no file); -EINVAL for a malformed file or entry (message
 * names the file). */
int ctr__auth_file_get(const char *path, const char *repository, char **ret_user, char **ret_password);

/* Add or replace @key's entry (the rest kept), atomically, 0600, making the
 * directory (0700).  -EINVAL for a malformed existing file. */
int ctr__auth_file_set(const char *path, const char *key, const char *user, const char *password);

/* Remove @key's entry (for a host, also its legacy "https://HOST/v1/"
 * forms), the rest kept.  -ENOENT when it had none.  NULL: every entry
 * ("auths" emptied, other members kept), 0 even when there were none, as
 * `podman logout --all`.  -EINVAL for a malformed file. */
int ctr__auth_file_remove(const char *path, const char *key);
