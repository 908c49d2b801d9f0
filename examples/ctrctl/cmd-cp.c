/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* ctrctl cp: files between a container and the host (ctr_container_copy_to()
 * and the others), or between two containers through the host, with podman
 * cp's arguments: [CONTAINER:]SRC_PATH [CONTAINER:]DEST_PATH, "-" for a tar
 * stream on stdin or stdout, and its messages for bad arguments. */
#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ctrctl.h"

static const char cp_usage[] =
    "Usage: ctrctl cp [options] [CONTAINER:]SRC_PATH [CONTAINER:]DEST_PATH\n\n"
    "Copy files/folders between a container and the local filesystem, or between\n"
    "two containers.  \"-\" as SRC_PATH reads a tar archive from stdin, as\n"
    "DEST_PATH writes one to stdout.\n\n"
    "  -a, --archive[=BOOL]     chown copied files to the primary uid/gid of the\n"
    "                           destination container (default true)\n"
    "      --overwrite[=BOOL]   allow to overwrite directories with non-directories\n"
    "                           and vice versa\n";

enum { OPT_OVERWRITE = 256 };

static int parse_bool(const char *flag, const char *arg, bool *ret)
{
    if (arg && arg[0] == '=')
        arg++; /* -a=false */
    if (!arg || !strcmp(arg, "true") || !strcmp(arg, "1") || !strcmp(arg, "t") || !strcmp(arg, "T") ||
        !strcmp(arg, "TRUE") || !strcmp(arg, "True"))
        *ret = true;
    else if (!strcmp(arg, "false") || !strcmp(arg, "0") || !strcmp(arg, "f") || !strcmp(arg, "F") ||
             !strcmp(arg, "FALSE") || !strcmp(arg, "False"))
        *ret = false;
    else
        return ctrctl_error("invalid argument \"%s\" for \"%s\" flag: strconv.ParseBool: parsing \"%s\": "
                            "invalid syntax", arg, flag, arg);
    return 0;
}

/* podman's split of an argument: an absolute path is the host's; else
 * "CONTAINER:PATH" when it has a colon. */
struct cp_arg {
    char *container; /* NULL: the host */
    const char *path;
};

static int parse_arg(const char *arg, struct cp_arg *ret)
{
    const char *colon = strchr(arg, ':');
    ret->container = NULL;
    ret->path = arg;
    if (arg[0] == '/' || !colon)
        return 0;
    if (!(ret->container = strndup(arg, (size_t)(colon - arg))))
        return ctrctl_error("out of memory");
    ret->path = colon + 1;
    return 0;
}

static int lookup(ctrctl_t *g, const char *name, ctr_container_t **ret)
{
    if (!*name)
        return ctrctl_error("name or ID cannot be empty");
    int r = ctrctl_open(g);
    if (r)
        return r;
    if (ctr_runtime_lookup(g->rt, name, ret) == -ENOENT)
        return ctrctl_error("container \"%s\" does not exist", name);
    return *ret ? 0 : ctrctl_fail();
}

static int copy_from(ctr_container_t *c, const char *src, const char *dst)
{
    if (strcmp(dst, "-") != 0)
        return ctr_container_copy_from(c, src, dst, CTR_COPY_CHOWN) < 0 ? ctrctl_fail() : 0;
    if (isatty(1))
        return ctrctl_error("refusing to write a tar to a terminal: redirect stdout");
    return ctr_container_copy_from_fd(c, src, 1, CTR_COPY_CHOWN) < 0 ? ctrctl_fail() : 0; /* podman's owner */
}

static int copy_to(ctr_container_t *c, const char *src, const char *dst, uint64_t flags)
{
    if (strcmp(src, "-") != 0)
        return ctr_container_copy_to(c, src, dst, flags) < 0 ? ctrctl_fail() : 0;
    int r = ctr_container_copy_to_fd(c, 0, dst, flags);
    if (r == -ENOENT || r == -ENOTDIR)
        return ctrctl_error("destination must be a directory when copying from stdin");
    return r < 0 ? ctrctl_fail() : 0;
}

static int remove_one(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
    (void)st, (void)type, (void)ftw;
    return remove(path) < 0 ? -1 : 0;
}

/* The one entry a copy out made in the empty directory @dir, into @buf. */
static int staged(const char *dir, char *buf, size_t size)
{
    DIR *d = opendir(dir);
    if (!d)
        return -1;
    size_t n = 0;
    struct dirent *de;
    while ((de = readdir(d)))
        if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..") && n++ == 0)
            snprintf(buf, size, "%s/%s", dir, de->d_name);
    closedir(d);
    return n == 1 ? 0 : -1;
}

/* Between two containers, as podman allows: out into a directory of our
 * own (owners kept), then in from there. */
static int copy_between(ctrctl_t *g, ctr_container_t *from, const char *src, const char *to_name, const char *dst,
                        uint64_t flags)
{
    ctr_container_t *to = NULL;
    int r = lookup(g, to_name, &to);
    if (r)
        return r;
    const char *base = getenv("TMPDIR");
    char tmp[PATH_MAX], path[PATH_MAX + 260];
    snprintf(tmp, sizeof tmp, "%s/ctrctl-cp-XXXXXX", base && *base ? base : "/tmp");
    if (!mkdtemp(tmp)) {
        ctr_container_unref(to);
        return ctrctl_error("cannot make a directory for the copy: %s", strerror(errno));
    }
    /* SRC/. goes out whole (the directory's mode and times) and in as contents. */
    size_t n = strlen(src);
    bool contents = (n >= 2 && strcmp(src + n - 2, "/.") == 0) || strcmp(src, ".") == 0;
    char out[PATH_MAX];
    snprintf(out, sizeof out, "%.*s", (int)(contents ? n - 1 : n), src); /* "DIR/" */
    bool whole_root = contents && (strcmp(out, "/") == 0 || strcmp(out, ".") == 0 || !*out);
    if (ctr_container_copy_from(from, whole_root ? src : out, tmp, 0) < 0)
        r = ctrctl_fail();
    else if (whole_root)
        snprintf(path, sizeof path, "%s/.", tmp);
    else if (staged(tmp, path, sizeof path) < 0)
        r = ctrctl_error("\"%s\": the copy out of the container made nothing to copy in", src);
    else if (contents)
        strcat(path, "/.");
    if (!r && ctr_container_copy_to(to, path, dst, flags) < 0)
        r = ctrctl_fail();
    nftw(tmp, remove_one, 16, FTW_DEPTH | FTW_PHYS);
    ctr_container_unref(to);
    return r;
}

static int run_copy(ctrctl_t *g, const char *src_arg, const char *dst_arg, uint64_t flags)
{
    struct cp_arg src, dst;
    int r = parse_arg(src_arg, &src);
    if (r || (r = parse_arg(dst_arg, &dst))) {
        free(src.container);
        return r;
    }
    ctr_container_t *c = NULL;
    if (!*src.path || !*dst.path)
        r = ctrctl_error("invalid arguments \"%s\", \"%s\": you must specify paths", src_arg, dst_arg);
    else if (!(r = lookup(g, src.container ? src.container : dst.container ? dst.container : "", &c)))
        r = src.container && dst.container ? copy_between(g, c, src.path, dst.container, dst.path, flags)
            : src.container                ? copy_from(c, src.path, dst.path)
                                           : copy_to(c, src.path, dst.path, flags);
    ctr_container_unref(c);
    free(src.container);
    free(dst.container);
    return r;
}

int cmd_cp(ctrctl_t *g, int argc, char **argv)
{
    static const struct option options[] = { { "archive", optional_argument, NULL, 'a' },
                                              { "overwrite", optional_argument, NULL, OPT_OVERWRITE },
                                              { "help", no_argument, NULL, 'h' },
                                              { NULL, 0, NULL, 0 } };
    bool archive = true, overwrite = false;
    int o;
    while ((o = ctrctl_getopt(argc, argv, "a::h", options)) != -1) {
        switch (o) {
        case 'a':
            if (parse_bool("-a, --archive", optarg, &archive))
                return EXIT_ENGINE;
            break;
        case OPT_OVERWRITE:
            if (parse_bool("--overwrite", optarg, &overwrite))
                return EXIT_ENGINE;
            break;
        case 'h': return ctrctl_help(cp_usage);
        default: return ctrctl_bad_usage(argv[0]);
        }
    }
    if (argc - optind != 2)
        return ctrctl_error("accepts 2 arg(s), received %d", argc - optind);
    uint64_t flags = (archive ? CTR_COPY_CHOWN : 0) | (overwrite ? CTR_COPY_OVERWRITE : 0);
    return run_copy(g, argv[optind], argv[optind + 1], flags);
}
