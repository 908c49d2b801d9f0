/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* ctrctl export, commit, mount, umount. */
#include "ctrctl.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>


int cmd_export(ctrctl_t *g, int argc, char **argv)
{
    static const char usage[] = "Usage: ctrctl export [OPTIONS] CONTAINER\n\n"
                                "Write a container's root file system as a tar.\n\n"
                                "  -o, --output FILE   write to FILE instead of stdout\n";
    static const struct option options[] = {
        { "output", required_argument, NULL, 'o' }, { "help", no_argument, NULL, 'h' }, { NULL, 0, NULL, 0 } };
    const char *out = NULL;
    int o, r;
    while ((o = ctrctl_getopt(argc, argv, "o:h", options)) != -1) {
        switch (o) {
        case 'o': out = optarg; break;
        case 'h': return ctrctl_help(usage);
        default: return ctrctl_bad_usage(argv[0]);
        }
    }
    if (argc - optind != 1)
        return ctrctl_error("export needs one container");
    if (!out && isatty(1))
        return ctrctl_error("refusing to write a tar to a terminal: use -o FILE or redirect");
    ctr_container_t *c = NULL;
    if ((r = ctrctl_lookup(g, argv[optind], &c)))
        return r;
    int fd = out ? open(out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644) : 1;
    if (fd < 0) {
        ctr_container_unref(c);
        return ctrctl_error("%s: %s", out, strerror(errno));
    }
    r = ctr_container_export(c, fd) < 0 ? ctrctl_fail() : 0;
    if (out)
        close(fd);
    ctr_container_unref(c);
    return r;
}

int cmd_commit(ctrctl_t *g, int argc, char **argv)
{
    static const char usage[] = "Usage: ctrctl commit [OPTIONS] CONTAINER [NAME]\n\n"
                                "Make a new image of a container's changes; print its ID.\n\n"
                                "  -p, --pause                pause the container while committing\n"
                                "  -c, --change INSTRUCTION   apply CMD, ENTRYPOINT, ENV, LABEL, WORKDIR, USER,\n"
                                "                             EXPOSE, VOLUME or STOPSIGNAL (repeatable)\n"
                                "  -a, --author AUTHOR        author in the history\n"
                                "  -m, --message MESSAGE      comment in the history\n"
                                "  -q, --quiet                no progress\n";
    static const struct option options[] = { { "pause", no_argument, NULL, 'p' },
                                             { "change", required_argument, NULL, 'c' },
                                             { "author", required_argument, NULL, 'a' },
                                             { "message", required_argument, NULL, 'm' },
                                             { "quiet", no_argument, NULL, 'q' },
                                             { "help", no_argument, NULL, 'h' },
                                             { NULL, 0, NULL, 0 } };
    ctr_commit_options_t co = CTR_COMMIT_OPTIONS_INIT;
    strv_t changes = { 0 };
    int o, r;
    while ((o = ctrctl_getopt(argc, argv, "pc:a:m:qh", options)) != -1) {
        switch (o) {
        case 'p': co.flags |= CTR_COMMIT_PAUSE; break;
        case 'c':
            if (strv_push(&changes, optarg) < 0)
                return EXIT_ENGINE;
            break;
        case 'a': co.author = optarg; break;
        case 'm': co.message = optarg; break;
        case 'q': break;
        case 'h': strv_clear(&changes); return ctrctl_help(usage);
        default: strv_clear(&changes); return ctrctl_bad_usage(argv[0]);
        }
    }
    if (argc - optind < 1 || argc - optind > 2) {
        strv_clear(&changes);
        return ctrctl_error("commit needs a CONTAINER and an optional NAME");
    }
    ctr_container_t *c = NULL;
    if ((r = ctrctl_lookup(g, argv[optind], &c))) {
        strv_clear(&changes);
        return r;
    }
    co.name = argc - optind == 2 ? argv[optind + 1] : NULL;
    co.changes = (const char *const *)changes.v;
    ctr_image_t *img = NULL;
    if (ctr_container_commit(c, &co, &img) < 0)
        r = ctrctl_fail();
    else
        printf("%s\n", ctr_image_id(img));
    ctr_image_unref(img);
    ctr_container_unref(c);
    strv_clear(&changes);
    return r;
}

int cmd_mount(ctrctl_t *g, int argc, char **argv)
{
    static const char usage[] = "Usage: ctrctl mount CONTAINER...\n\nMount containers' root file systems and print where.\n";
    static const struct option options[] = { { "help", no_argument, NULL, 'h' }, { NULL, 0, NULL, 0 } };
    int o, r = 0;
    while ((o = ctrctl_getopt(argc, argv, "h", options)) != -1)
        return o == 'h' ? ctrctl_help(usage) : ctrctl_bad_usage(argv[0]);
    if (optind >= argc)
        return ctrctl_error("mount needs at least one container");
    for (int i = optind; i < argc; i++) {
        ctr_container_t *c = NULL;
        char *path = NULL;
        int q = ctrctl_lookup(g, argv[i], &c);
        if (q == 0 && ctr_container_mount(c, NULL, &path) < 0)
            q = ctrctl_fail();
        if (q == 0)
            printf("%s\n", path);
        else
            r = q;
        ctr_free(path);
        ctr_container_unref(c);
    }
    return r;
}

int cmd_umount(ctrctl_t *g, int argc, char **argv)
{
    static const char usage[] = "Usage: ctrctl umount [OPTIONS] CONTAINER...\n\n"
                                "Unmount containers' root file systems.\n\n"
                                "  -f, --force   drop every mount, not one\n";
    static const struct option options[] = {
        { "force", no_argument, NULL, 'f' }, { "help", no_argument, NULL, 'h' }, { NULL, 0, NULL, 0 } };
    int o, r = 0, force = 0;
    while ((o = ctrctl_getopt(argc, argv, "fh", options)) != -1) {
        switch (o) {
        case 'f': force = 1; break;
        case 'h': return ctrctl_help(usage);
        default: return ctrctl_bad_usage(argv[0]);
        }
    }
    if (optind >= argc)
        return ctrctl_error("umount needs at least one container");
    for (int i = optind; i < argc; i++) {
        ctr_container_t *c = NULL;
        int q = ctrctl_lookup(g, argv[i], &c);
        if (q == 0 && ctr_container_unmount(c, force) < 0)
            q = ctrctl_fail();
        if (q == 0)
            printf("%s\n", ctr_container_id(c));
        else
            r = q;
        ctr_container_unref(c);
    }
    return r;
}

/* podman diff --format json: {"changed": [...], "added": [...], "deleted": [...]}, empty lists left out. */
static void diff_json(const ctr_change_t *v, size_t n)
{
    static const struct {
        const char *key;
        int kind;
    } groups[] = { { "changed", CTR_CHANGE_MODIFIED }, { "added", CTR_CHANGE_ADDED }, { "deleted", CTR_CHANGE_DELETED } };
    bool first_group = true;
    printf("{");
    for (size_t g = 0; g < sizeof groups / sizeof *groups; g++) {
        bool first = true;
        for (size_t i = 0; i < n; i++) {
            if (v[i].kind != groups[g].kind)
                continue;
            if (first)
                printf("%s\n     \"%s\": [", first_group ? "" : ",", groups[g].key);
            printf("%s\n          ", first ? "" : ",");
            json_string(stdout, v[i].path);
            first = first_group = false;
        }
        if (!first)
            printf("\n     ]");
    }
    printf("\n}\n");
}

int cmd_diff(ctrctl_t *g, int argc, char **argv)
{
    static const char usage[] = "Usage: ctrctl diff [OPTIONS] CONTAINER\n\n"
                                "Show what a container changed in its root file system (A added, C changed, D deleted).\n\n"
                                "      --format json   print JSON, as podman diff --format json\n";
    static const struct option options[] = {
        { "format", required_argument, NULL, 'f' }, { "help", no_argument, NULL, 'h' }, { NULL, 0, NULL, 0 } };
    const char *format = NULL;
    int o, r;
    while ((o = ctrctl_getopt(argc, argv, "h", options)) != -1) {
        switch (o) {
        case 'f': format = optarg; break;
        case 'h': return ctrctl_help(usage);
        default: return ctrctl_bad_usage(argv[0]);
        }
    }
    if (format && strcmp(format, "json") != 0)
        return ctrctl_error("invalid format \"%s\": the only valid format for diff is json", format);
    if (argc - optind != 1)
        return ctrctl_error("diff needs one container");
    ctr_container_t *c = NULL;
    if ((r = ctrctl_lookup(g, argv[optind], &c)))
        return r;
    ctr_change_t *v = NULL;
    size_t n = 0;
    r = ctr_container_diff(c, &v, &n) < 0 ? ctrctl_fail() : 0;
    ctr_container_unref(c);
    if (r)
        return r;
    if (format)
        diff_json(v, n);
    for (size_t i = 0; !format && i < n; i++)
        printf("%c %s\n", "CAD"[v[i].kind], v[i].path);
    ctr_changes_free(v, n);
    return 0;
}
