/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* User and group resolution in an untrusted root file system. */
#include "base/passwd.h"

#include <fcntl.h>
#include <linux/openat2.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include "base/error.h"

/* Largest /etc/passwd or /etc/group read. */
#define ROOT_FILE_MAX (16u << 20)
/* Most supplementary groups kept (the kernel's NGROUPS_MAX). */
#define GROUPS_MAX 65536

void ctr__user_done(struct ctr__user *u)
{
    if (!u)
        return;
    free(u->groups);
    free(u->name);
    free(u->home);
    *u = (struct ctr__user){ 0 };
}

/* A uid or gid: decimal digits only, 0 .. 2^32-2 (2^32-1 is the kernel's "no id"). */
static int parse_id(const char *s, uint32_t *ret)
{
    uint64_t v = 0;
    if (!s || !*s)
        return -EINVAL;
    for (const char *p = s; *p; p++) {
        if (*p < '0' || *p > '9')
            return -EINVAL;
        v = v * 10 + (uint64_t)(*p - '0');
        if (v >= UINT32_MAX)
            return -ERANGE;
    }
    *ret = (uint32_t)v;
    return 0;
}

static int read_bounded(int fd, const char *what, char **ret)
{
    size_t cap = 4096, len = 0;
    _cleanup_free_ char *buf = malloc(cap);
    if (!buf)
        return ctr__oom(what);
    for (;;) {
        if (len + 1 >= cap) {
            if (cap > ROOT_FILE_MAX)
                return ctr__err(-EFBIG, "%s in the container is larger than %u bytes", what, ROOT_FILE_MAX);
            char *n = realloc(buf, cap * 2);
            if (!n)
                return ctr__oom(what);
            buf = n;
            cap *= 2;
        }
        ssize_t k = read(fd, buf + len, cap - len - 1);
        if (k < 0) {
            if (errno == EINTR)
                continue;
            return ctr__err(-errno, "cannot read %s in the container: %m", what);
        }
        if (k == 0)
            break;
        len += (size_t)k;
    }
    if (len > ROOT_FILE_MAX)
        return ctr__err(-EFBIG, "%s in the container is larger than %u bytes", what, ROOT_FILE_MAX);
    buf[len] = '\0';
    *ret = TAKE_PTR(buf);
    return 0;
}

/*
 * Read /PATH of the rootfs (@rel is PATH without the leading slash), resolving
 * every component inside the root.  *ret = NULL when the file does not exist.
 */
static const char *kind_of(mode_t mode)
{
    switch (mode & S_IFMT) {
    case S_IFIFO: return "a FIFO";
    case S_IFCHR: return "a character device";
    case S_IFBLK: return "a block device";
    case S_IFSOCK: return "a socket";
    case S_IFDIR: return "a directory";
    default: return "not a regular file";
    }
}

/* An O_PATH descriptor of rel in the root and its stat, refusing anything
 * but a regular file of at most ROOT_FILE_MAX bytes; -ENOENT (no message)
 * when there is none. */
static int open_root_file(int rootfd, const char *rel, struct stat *st)
{
    _cleanup_close_ int pfd = ctr__openat_in_root(rootfd, rel, O_PATH, 0, false);
    if (pfd == -ENOENT || pfd == -ENOTDIR)
        return -ENOENT;
    if (pfd < 0)
        return ctr__err(pfd, "cannot open /%s in the container: %s", rel, strerror(-pfd));
    if (fstat(pfd, st) < 0)
        return ctr__err(-errno, "cannot stat /%s in the container: %m", rel);
    if (!S_ISREG(st->st_mode))
        return ctr__err(-EINVAL, "/%s in the container is %s: only a regular file is read", rel, kind_of(st->st_mode));
    if (st->st_size > (off_t)ROOT_FILE_MAX)
        return ctr__err(-EFBIG, "/%s in the container is larger than %u bytes", rel, ROOT_FILE_MAX);
    return TAKE_FD(pfd);
}

int ctr__user_files_check(const char *rootfs)
{
    _cleanup_close_ int rootfd = open(rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (rootfd < 0)
        return ctr__err(-errno, "cannot open the root file system %s: %m", rootfs);
    static const char *const files[] = { "etc/passwd", "etc/group" };
    for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
        struct stat st;
        int fd = open_root_file(rootfd, files[i], &st);
        if (fd < 0 && fd != -ENOENT)
            return ctr__err_prefix(fd, "the OCI runtime reads /%s at start", files[i]);
        if (fd >= 0)
            close(fd);
    }
    return 0;
}

static int read_root_file(int rootfd, const char *rel, char **ret)
{
    char what[64];
    snprintf(what, sizeof what, "/%s", rel);

    struct stat st;
    _cleanup_close_ int pfd = open_root_file(rootfd, rel, &st);
    if (pfd == -ENOENT) {
        *ret = NULL;
        return 0;
    }
    if (pfd < 0)
        return pfd;

    /* Reopen the very inode checked above for reading: never open a device or FIFO. */
    char proc[64];
    snprintf(proc, sizeof proc, "/proc/self/fd/%d", pfd);
    _cleanup_close_ int fd = open(proc, O_RDONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) {
        if (errno != ENOENT)
            return ctr__err(-errno, "cannot open %s in the container: %m", what);
        /* No /proc: open again in the root and check it is still the same file. */
        fd = ctr__openat_in_root(rootfd, rel, O_RDONLY | O_NOCTTY | O_NONBLOCK, 0, false);
        if (fd < 0)
            return ctr__err(fd, "cannot open %s in the container: %s", what, strerror(-fd));
        struct stat st2;
        if (fstat(fd, &st2) < 0)
            return ctr__err(-errno, "cannot stat %s in the container: %m", what);
        if (st2.st_dev != st.st_dev || st2.st_ino != st.st_ino)
            return ctr__err(-EAGAIN, "%s in the container changed while it was opened", what);
    }
    return read_bounded(fd, what, ret);
}

/* Split one line into at most @max ':'-separated fields, in place.  Returns the count. */
static size_t split_fields(char *line, char **fields, size_t max)
{
    size_t n = 0;
    char *p = line;
    while (n < max) {
        fields[n++] = p;
        char *c = strchr(p, ':');
        if (!c)
            break;
        *c = '\0';
        p = c + 1;
    }
    return n;
}

/* Next line of *cursor, in place, with a trailing '\r' removed; NULL at the end. */
static char *next_line(char **cursor)
{
    char *s = *cursor;
    if (!s || !*s)
        return NULL;
    char *nl = strchr(s, '\n');
    if (nl) {
        *nl = '\0';
        *cursor = nl + 1;
    } else {
        *cursor = s + strlen(s);
    }
    size_t len = strlen(s);
    if (len > 0 && s[len - 1] == '\r')
        s[len - 1] = '\0';
    return s;
}

static bool skip_line(const char *line)
{
    /* Blank lines, comments and NIS compat entries (+name, -name) are not users. */
    return !*line || *line == '#' || *line == '+' || *line == '-';
}

struct pw_match {
    bool found;
    uint32_t uid, gid;
    char *name, *home;
};

static int find_passwd(char *data, const char *user, bool numeric, uint32_t id, struct pw_match *m)
{
    char *cur = data, *line;
    while ((line = next_line(&cur))) {
        char *f[7];
        if (skip_line(line))
            continue;
        size_t n = split_fields(line, f, ARRAY_SIZE(f));
        uint32_t uid, gid;
        if (n < 4 || parse_id(f[2], &uid) < 0 || parse_id(f[3], &gid) < 0)
            continue;
        if (!streq(f[0], user) && !(numeric && uid == id))
            continue;
        m->found = true;
        m->uid = uid;
        m->gid = gid;
        m->name = strdup(f[0]);
        m->home = strdup(n >= 6 && *f[5] ? f[5] : "/");
        if (!m->name || !m->home)
            return ctr__oom("the user's name and home");
        return 0;
    }
    return 0;
}

static bool member_of(char *list, const char *name)
{
    char *save = NULL;
    for (char *tok = strtok_r(list, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        while (*tok == ' ' || *tok == '\t')
            tok++;
        ctr__strstrip(tok);
        if (streq(tok, name))
            return true;
    }
    return false;
}

static int push_gid(gid_t **v, size_t *n, gid_t gid)
{
    for (size_t i = 0; i < *n; i++)
        if ((*v)[i] == gid)
            return 0;
    if (*n >= GROUPS_MAX)
        return ctr__err(-E2BIG, "the user is in more than %d groups", GROUPS_MAX);
    gid_t *nv = realloc(*v, (*n + 1) * sizeof **v);
    if (!nv)
        return ctr__oom("the group list");
    nv[(*n)++] = gid;
    *v = nv;
    return 0;
}

/* Find the group @group (name or number) → *ret_gid; -ENOENT when a name is unknown. */
static int find_group(char *data, const char *group, gid_t *ret_gid)
{
    uint32_t num = 0;
    bool numeric = parse_id(group, &num) == 0;
    char *cur = data, *line;
    while (data && (line = next_line(&cur))) {
        char *f[4];
        uint32_t gid;
        if (skip_line(line))
            continue;
        size_t n = split_fields(line, f, ARRAY_SIZE(f));
        if (n < 3 || parse_id(f[2], &gid) < 0)
            continue;
        if (streq(f[0], group) || (numeric && gid == num)) {
            *ret_gid = gid;
            return 0;
        }
    }
    if (numeric) {
        *ret_gid = num;
        return 0;
    }
    return ctr__err(-ENOENT, "group %s not found in /etc/group of the container", group);
}

/* Supplementary groups: every group listing @name as a member. */
static int find_supplementary(char *data, const char *name, gid_t **ret, size_t *ret_n)
{
    _cleanup_free_ gid_t *v = NULL;
    size_t n = 0;
    char *cur = data, *line;
    while (data && (line = next_line(&cur))) {
        char *f[4];
        uint32_t gid;
        if (skip_line(line))
            continue;
        if (split_fields(line, f, ARRAY_SIZE(f)) < 4 || parse_id(f[2], &gid) < 0)
            continue;
        if (member_of(f[3], name)) {
            int r = push_gid(&v, &n, gid);
            if (r < 0)
                return r;
        }
    }
    *ret = TAKE_PTR(v);
    *ret_n = n;
    return 0;
}

int ctr__user_lookup(const char *rootfs, const char *user, struct ctr__user *ret)
{
    if (!rootfs || !user || !ret)
        return ctr__err(-EINVAL, "user lookup: invalid argument");
    if (!*user)
        return ctr__err(-EINVAL, "invalid user \"\": empty");

    _cleanup_free_ char *spec = strdup(user);
    if (!spec)
        return ctr__oom("the user spec");
    char *group = strchr(spec, ':');
    if (group)
        *group++ = '\0';
    if (!*spec || (group && !*group))
        return ctr__err(-EINVAL, "invalid user \"%s\": expected USER or USER:GROUP", user);
    if (strchr(spec, '\n') || (group && (strchr(group, ':') || strchr(group, '\n'))))
        return ctr__err(-EINVAL, "invalid user \"%s\"", user);

    uint32_t num = 0;
    int r = parse_id(spec, &num);
    bool numeric = r == 0;
    if (r == -ERANGE)
        return ctr__err(-EINVAL, "invalid user \"%s\": uid out of range", user);
    if (group) {
        uint32_t g;
        if (parse_id(group, &g) == -ERANGE)
            return ctr__err(-EINVAL, "invalid user \"%s\": gid out of range", user);
    }

    _cleanup_close_ int rootfd = open(rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (rootfd < 0)
        return ctr__err(-errno, "cannot open the root file system %s: %m", rootfs);

    _cleanup_free_ char *passwd = NULL;
    r = read_root_file(rootfd, "etc/passwd", &passwd);
    if (r < 0)
        return r;

    struct pw_match m = { 0 };
    r = passwd ? find_passwd(passwd, spec, numeric, num, &m) : 0;
    _cleanup_free_ char *name = m.name, *home = m.home;
    if (r < 0)
        return r;
    if (!m.found) {
        if (!numeric)
            return ctr__err(-ENOENT, "user %s not found in /etc/passwd of the container", spec);
        m.uid = num;
        m.gid = 0;
    }

    gid_t gid = m.gid;
    _cleanup_free_ gid_t *groups = NULL;
    size_t ngroups = 0;
    if (group || m.found) {
        _cleanup_free_ char *grp = NULL;
        r = read_root_file(rootfd, "etc/group", &grp);
        if (r < 0)
            return r;
        if (group)
            r = find_group(grp, group, &gid);
        else
            r = find_supplementary(grp, name, &groups, &ngroups);
        if (r < 0)
            return r;
    }

    *ret = (struct ctr__user){
        .uid = m.uid,
        .gid = gid,
        .groups = TAKE_PTR(groups),
        .ngroups = ngroups,
        .name = TAKE_PTR(name),
        .home = TAKE_PTR(home),
    };
    return 0;
}

int ctr__user_resolve(const char *rootfs, const char *user, uid_t *ret_uid, gid_t *ret_gid,
                      gid_t **ret_groups, size_t *ret_ngroups)
{
    _cleanup_(ctr__user_donep) struct ctr__user u = { 0 };
    int r = ctr__user_lookup(rootfs, user, &u);
    if (r < 0)
        return r;
    if (ret_uid)
        *ret_uid = u.uid;
    if (ret_gid)
        *ret_gid = u.gid;
    if (ret_groups)
        *ret_groups = TAKE_PTR(u.groups);
    if (ret_ngroups)
        *ret_ngroups = u.ngroups;
    return 0;
}

void ctr__id_names_done(struct ctr__id_names *n)
{
    if (!n)
        return;
    for (size_t i = 0; i < n->n_users; i++)
        free(n->users[i].name);
    for (size_t i = 0; i < n->n_groups; i++)
        free(n->groups[i].name);
    free(n->users);
    free(n->groups);
    *n = (struct ctr__id_names){ 0 };
}

/* Every entry of a passwd or group file (name and the ID of field 3), in
 * file order; entries whose ID is not a number are skipped. */
static int collect_names(char *data, struct ctr__id_name **ret, size_t *ret_n)
{
    struct ctr__id_name *v = NULL;
    size_t n = 0;
    char *cur = data, *line;
    while (data && (line = next_line(&cur))) {
        char *f[4];
        uint32_t id;
        if (skip_line(line) || split_fields(line, f, ARRAY_SIZE(f)) < 3 || parse_id(f[2], &id) < 0 || !*f[0])
            continue;
        struct ctr__id_name *nv = realloc(v, (n + 1) * sizeof *nv);
        char *name = nv ? strdup(f[0]) : NULL;
        if (nv)
            v = nv;
        if (!name) {
            for (size_t i = 0; i < n; i++)
                free(v[i].name);
            free(v);
            return ctr__oom("the names of the user and group IDs");
        }
        v[n++] = (struct ctr__id_name){ .id = id, .name = name };
    }
    *ret = v;
    *ret_n = n;
    return 0;
}

int ctr__id_names_load(const char *rootfs, struct ctr__id_names *ret)
{
    _cleanup_close_ int rootfd = open(rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (rootfd < 0)
        return ctr__err(-errno, "cannot open the root file system %s: %m", rootfs);
    _cleanup_free_ char *passwd = NULL, *group = NULL;
    int r = read_root_file(rootfd, "etc/passwd", &passwd);
    if (r < 0 || (r = read_root_file(rootfd, "etc/group", &group)) < 0)
        return r;
    _cleanup_(ctr__id_names_donep) struct ctr__id_names n = { 0 };
    if ((r = collect_names(passwd, &n.users, &n.n_users)) < 0 ||
        (r = collect_names(group, &n.groups, &n.n_groups)) < 0)
        return r;
    *ret = n;
    n = (struct ctr__id_names){ 0 };
    return 0;
}

static const char *name_of(const struct ctr__id_name *v, size_t n, uint32_t id)
{
    for (size_t i = 0; i < n; i++)
        if (v[i].id == id)
            return v[i].name;
    return NULL;
}

const char *ctr__id_names_user(const struct ctr__id_names *n, uint32_t uid)
{
    return n ? name_of(n->users, n->n_users, uid) : NULL;
}

const char *ctr__id_names_group(const struct ctr__id_names *n, uint32_t gid)
{
    return n ? name_of(n->groups, n->n_groups, gid) : NULL;
}
