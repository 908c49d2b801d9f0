/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Resolve a container user ("name", "uid", "name:group", "uid:gid", ...) from the
 * rootfs's /etc/passwd and /etc/group, without running anything in the container. */
#pragma once

#include <sys/types.h>

#include "base/util.h"

/* A resolved user. */
struct ctr__user {
    uid_t uid;
    gid_t gid;
    gid_t *groups;        /* supplementary groups, or NULL when ngroups == 0 */
    size_t ngroups;
    char *name;           /* the passwd entry's name, NULL when the uid has none */
    char *home;           /* the passwd entry's home, NULL when the uid has none */
};

void ctr__user_done(struct ctr__user *u);
static inline void ctr__user_donep(struct ctr__user *u) { ctr__user_done(u); }

/*
 * Resolve @user in the root file system at @rootfs (absolute path; the files
 * are opened with openat2(RESOLVE_IN_ROOT), so symlinks in the rootfs cannot
 * reach host files; only regular files of at most 16 MiB are read).
 *
 * @user is `USER[:GROUP]`, USER a name or a numeric uid, GROUP a name or a
 * numeric gid.  Rules (runc's, which podman uses):
 *  - a name must exist in /etc/passwd; a number need not (then the primary
 *    gid is 0 and there are no supplementary groups);
 *  - without GROUP, the gid is the passwd entry's and the supplementary
 *    groups are the /etc/group entries listing the user's name;
 *  - with GROUP, that group is the gid and there are no supplementary groups;
 *    a group name must exist in /etc/group, a number need not.
 * A missing /etc/passwd or /etc/group is read as empty.
 *
 * @return 0; -EINVAL (malformed @user, or a file that is not a regular
 *         file); -ENOENT (unknown user or group name: "user X not found in
 *         /etc/passwd of the container"); -EFBIG (file too large); -ELOOP and
 *         other open errors; -ENOMEM.  @ret is untouched on failure.
 */
int ctr__user_lookup(const char *rootfs, const char *user, struct ctr__user *ret);

/* The files the OCI runtime reads in the root file system when it starts a
 * process (/etc/passwd and /etc/group, for HOME and the groups): each
 * missing or a regular file of a bounded size.  -EINVAL naming what it is
 * (a FIFO would block the runtime forever), -EFBIG, or an open error. */
int ctr__user_files_check(const char *rootfs);

/* The same, returning the IDs only.  *ret_groups is malloc'ed (NULL when
 * *ret_ngroups is 0); free it with free(). */
int ctr__user_resolve(const char *rootfs, const char *user, uid_t *ret_uid, gid_t *ret_gid,
                      gid_t **ret_groups, size_t *ret_ngroups);

/* The names of user and group IDs: the first /etc/passwd and /etc/group
 * entry of each ID, to show IDs as names (what ps and podman top do). */
struct ctr__id_name {
    uint32_t id;
    char *name;
};
struct ctr__id_names {
    struct ctr__id_name *users, *groups;
    size_t n_users, n_groups;
};

/* Read the names of the root file system at @rootfs (a path; opened, then
 * the two files read as ctr__user_lookup() reads them: inside the root,
 * regular files of a bounded size; a missing one has no names).
 * @return 0; -EINVAL (not a regular file), -EFBIG, open errors, -ENOMEM,
 *         each with a message.  Free with ctr__id_names_done(). */
int ctr__id_names_load(const char *rootfs, struct ctr__id_names *ret);
void ctr__id_names_done(struct ctr__id_names *n);
static inline void ctr__id_names_donep(struct ctr__id_names *n) { ctr__id_names_done(n); }
/* The name of @uid (@gid), lent by @n; NULL when it has none. */
const char *ctr__id_names_user(const struct ctr__id_names *n, uint32_t uid);
const char *ctr__id_names_group(const struct ctr__id_names *n, uint32_t gid);
