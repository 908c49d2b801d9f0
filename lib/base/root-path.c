/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Paths inside a root file system (see root-path.h).  The walk is a check
 * made before the spec is written, with the same rules as the OCI runtime's
 * secure join: the runtime still resolves each destination itself when it
 * mounts, so a root changed in between gains nothing. */
#include "base/root-path.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/error.h"
#include "base/util.h"

#define MAX_LINKS 40

int ctr__path_clean(const char *path, char *buf, size_t size)
{
    if (!path || path[0] != '/' || size < 2)
        return -1;
    size_t n = 0;
    const char *p = path;
    while (*p) {
        while (*p == '/')
            p++;
        const char *e = p;
        while (*e && *e != '/')
            e++;
        size_t len = (size_t)(e - p);
        if (len == 0 || (len == 1 && p[0] == '.')) {
            /* nothing */
        } else if (len == 2 && p[0] == '.' && p[1] == '.') {
            while (n > 0 && buf[--n] != '/')
                ;
        } else {
            if (n + 1 + len + 1 > size)
                return -1;
            buf[n++] = '/';
            memcpy(buf + n, p, len);
            n += len;
        }
        p = e;
    }
    if (n == 0)
        buf[n++] = '/';
    buf[n] = '\0';
    return (int)n;
}

/* The walk: @done is the resolved part (a container path, "" for the
 * root), @todo what is left to walk; both in buffers of PATH_MAX. */
struct walk {
    const char *root, *path;
    const char *what; /* "mount destination", "path": the messages' subject */
    bool clamp;       /* ".." at the root stays there (a chroot), instead of failing */
    char done[PATH_MAX];
    char todo[PATH_MAX];
    char link[PATH_MAX];   /* the last link followed, for the error */
    char target[PATH_MAX]; /* and its target */
    unsigned int links;
};

/* Take the first component of w->todo into @comp (of PATH_MAX). */
static void next_component(struct walk *w, char *comp)
{
    char *p = w->todo;
    while (*p == '/')
        p++;
    char *e = p;
    while (*e && *e != '/')
        e++;
    size_t len = (size_t)(e - p);
    memcpy(comp, p, len);
    comp[len] = '\0';
    memmove(w->todo, e, strlen(e) + 1);
}

static int escapes(const struct walk *w)
{
    if (!w->link[0])
        return ctr__err(-EPERM, "%s %s leads out of the root file system", w->what, w->path);
    return ctr__err(-EPERM, "%s %s: the symbolic link %s -> %s in the root file system leads out of it", w->what,
                    w->path, w->link, w->target);
}

/* @comp (in w->done) is a link: walk its target, then the rest. */
static int follow(struct walk *w, const char *comp, const char *host)
{
    if (++w->links > MAX_LINKS)
        return ctr__err(-ELOOP, "%s %s: too many levels of symbolic links in the root file system", w->what,
                        w->path);
    char target[PATH_MAX];
    ssize_t k = readlink(host, target, sizeof target - 1);
    if (k < 0)
        return ctr__err(-errno, "%s %s: cannot read the link %s: %m", w->what, w->path, host);
    target[k] = '\0';
    size_t dl = strlen(w->done), cl = strlen(comp), tl = (size_t)k, rl = strlen(w->todo);
    if (dl + 1 + cl >= sizeof w->link || tl + 1 + rl >= sizeof w->todo)
        return ctr__err(-EINVAL, "%s %s: a path in the root file system is too long", w->what, w->path);
    memcpy(w->link, w->done, dl);
    w->link[dl] = '/';
    memcpy(w->link + dl + 1, comp, cl + 1);
    memcpy(w->target, target, tl + 1);
    memmove(w->todo + tl + 1, w->todo, rl + 1); /* target "/" rest */
    memcpy(w->todo, target, tl);
    w->todo[tl] = '/';
    if (target[0] == '/')
        w->done[0] = '\0'; /* an absolute target starts again at the root */
    else
        w->done[dl] = '\0';
    return 0;
}

static int step(struct walk *w, const char *comp)
{
    if (streq(comp, "."))
        return 0;
    if (streq(comp, "..")) {
        char *slash = strrchr(w->done, '/');
        if (!slash)
            return w->clamp ? 0 : escapes(w); /* only a link's target brings ".." here: the path is clean */
        *slash = '\0';
        return 0;
    }
    size_t dl = strlen(w->done);
    if (dl + 1 + strlen(comp) + 1 > sizeof w->done)
        return ctr__err(-EINVAL, "%s %s: a path in the root file system is too long", w->what, w->path);
    w->done[dl] = '/';
    strcpy(w->done + dl + 1, comp);
    _cleanup_free_ char *host = ctr__asprintf("%s%s", w->root, w->done);
    if (!host)
        return ctr__oom("a path");
    struct stat st;
    if (lstat(host, &st) < 0) {
        if (errno == ENOENT || errno == ENOTDIR)
            return 0; /* made by the runtime */
        return ctr__err(-errno, "%s %s: cannot look at %s: %m", w->what, w->path, host);
    }
    if (!S_ISLNK(st.st_mode))
        return 0;
    w->done[dl] = '\0';
    return follow(w, comp, host);
}

int ctr__root_path_resolve(const char *root, const char *path, char **ret_resolved)
{
    return ctr__root_path_walk(root, path, "mount destination", false, ret_resolved);
}

int ctr__root_path_walk(const char *root, const char *path, const char *what, bool clamp, char **ret_resolved)
{
    if (!root || !path || path[0] != '/' || strlen(path) >= PATH_MAX)
        return ctr__err(-EINVAL, "%s %s: not an absolute path", what, path ? path : "(null)");
    _cleanup_free_ struct walk *w = calloc(1, sizeof *w);
    if (!w)
        return ctr__oom("a path walk");
    w->root = root;
    w->path = path;
    w->what = what;
    w->clamp = clamp;
    snprintf(w->todo, sizeof w->todo, "%s", path);
    char comp[PATH_MAX];
    int r;
    while (w->todo[0]) {
        next_component(w, comp);
        if (comp[0] && (r = step(w, comp)) < 0)
            return r;
    }
    if (ret_resolved) {
        char *s = strdup(w->done[0] ? w->done : "/");
        if (!s)
            return ctr__oom("a path");
        *ret_resolved = s;
    }
    return 0;
}
