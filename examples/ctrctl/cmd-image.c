/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* ctrctl image: load, import, save, ls, rm, tag, inspect, prune. */
#include "ctrctl.h"

#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- a progress bar on a terminal ---- */

struct progress {
    bool tty;
    int64_t last_ns;
    const char *what;
};

static volatile sig_atomic_t interrupted;

static void on_sigint(int sig)
{
    (void)sig;
    interrupted = 1;
}

int progress_cb(uint64_t done, uint64_t total, void *userdata)
{
    struct progress *p = userdata;
    if (!p->tty)
        return 0;
    int64_t now = now_ns();
    if (done < total && now - p->last_ns < 100000000) /* 10 updates a second */
        return 0;
    p->last_ns = now;
    int width = 30, pct = total ? (int)(done * 100 / total) : 0;
    int fill = total ? (int)(done * (uint64_t)width / total) : 0;
    char bar[64];
    for (int i = 0; i < width; i++)
        bar[i] = i < fill ? '=' : i == fill ? '>' : ' ';
    bar[width] = '\0';
    fprintf(stderr, "\r%s [%s] %3d%% %.1f/%.1f MB", p->what, bar, pct, done / 1e6, total / 1e6);
    fflush(stderr);
    return 0;
}

static void progress_end(struct progress *p)
{
    if (p->tty && p->last_ns)
        fputc('\n', stderr);
}

static void catch_interrupt(void)
{
    struct sigaction sa = { .sa_handler = on_sigint };
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
}

/* ---- load, import ---- */

static int do_import(ctrctl_t *g, const char *ref, const char *name, strv_t *changes, bool quiet)
{
    int r = ctrctl_open(g);
    if (r)
        return r;
    struct progress p = { .tty = !quiet && isatty(2), .what = "Importing" };
    ctr_import_options_t o = CTR_IMPORT_OPTIONS_INIT;
    o.reference = ref;
    o.name = name;
    o.changes = changes ? (const char *const *)changes->v : NULL;
    o.progress = progress_cb;
    o.progress_userdata = &p;
    o.cancel = (const volatile int *)&interrupted;
    catch_interrupt();
    ctr_image_t *img = NULL;
    int k = ctr_image_import(g->rt, &o, &img);
    progress_end(&p);
    if (k < 0)
        return ctrctl_fail();
    const char *const *names = ctr_image_names(img);
    if (!quiet && names[0])
        fprintf(stderr, "Loaded image: %s\n", names[0]);
    printf("%s\n", ctr_image_id(img));
    ctr_image_unref(img);
    return 0;
}

static int image_load(ctrctl_t *g, int argc, char **argv)
{
    static const char usage[] =
        "Usage: ctrctl image load [OPTIONS] REFERENCE [NAME]\n\n"
        "Load an image into the store and print its ID.  REFERENCE is one of\n"
        "  oci:DIR[:TAG]  oci-archive:FILE[:TAG]  docker-archive:FILE  containers-storage:NAME\n\n"
        "  -q, --quiet   no progress\n";
    static const struct option options[] = {
        { "quiet", no_argument, NULL, 'q' }, { "help", no_argument, NULL, 'h' }, { NULL, 0, NULL, 0 } };
    bool quiet = false;
    int o;
    while ((o = ctrctl_getopt(argc, argv, "qh", options)) != -1) {
        switch (o) {
        case 'q': quiet = true; break;
        case 'h': return ctrctl_help(usage);
        default: return ctrctl_bad_usage("image load");
        }
    }
    if (optind >= argc || argc - optind > 2)
        return ctrctl_error("image load needs a REFERENCE and an optional NAME");
    return do_import(g, argv[optind], argc - optind == 2 ? argv[optind + 1] : NULL, NULL, quiet);
}

static int image_import(ctrctl_t *g, int argc, char **argv)
{
    static const char usage[] = "Usage: ctrctl image import [OPTIONS] TARBALL [NAME]\n\n"
                                "Make an image of a root file system tarball (like `podman import`).\n\n"
                                "  -c, --change INSTRUCTION   apply CMD, ENTRYPOINT, ENV, LABEL, WORKDIR, USER,\n"
                                "                             EXPOSE, VOLUME or STOPSIGNAL (repeatable)\n"
                                "  -q, --quiet                no progress\n";
    static const struct option options[] = { { "change", required_argument, NULL, 'c' },
                                             { "quiet", no_argument, NULL, 'q' },
                                             { "help", no_argument, NULL, 'h' },
                                             { NULL, 0, NULL, 0 } };
    strv_t changes = { 0 };
    bool quiet = false;
    int o, r;
    while ((o = ctrctl_getopt(argc, argv, "c:qh", options)) != -1) {
        switch (o) {
        case 'c':
            if (strv_push(&changes, optarg) < 0)
                return EXIT_ENGINE;
            break;
        case 'q': quiet = true; break;
        case 'h': strv_clear(&changes); return ctrctl_help(usage);
        default: strv_clear(&changes); return ctrctl_bad_usage("image import");
        }
    }
    if (optind >= argc || argc - optind > 2) {
        strv_clear(&changes);
        return ctrctl_error("image import needs a TARBALL and an optional NAME");
    }
    char *ref = NULL;
    if (asprintf(&ref, "tarball:%s", argv[optind]) < 0)
        return ctrctl_error("out of memory");
    r = do_import(g, ref, argc - optind == 2 ? argv[optind + 1] : NULL, &changes, quiet);
    free(ref);
    strv_clear(&changes);
    return r;
}

/* ---- save ---- */

static int image_save(ctrctl_t *g, int argc, char **argv)
{
    static const char usage[] = "Usage: ctrctl image save IMAGE REFERENCE\n\n"
                                "Save an image to oci:DIR[:TAG], oci-archive:FILE[:TAG] or docker-archive:FILE[:NAME].\n";
    static const struct option options[] = { { "help", no_argument, NULL, 'h' }, { NULL, 0, NULL, 0 } };
    int o, r;
    while ((o = ctrctl_getopt(argc, argv, "h", options)) != -1)
        return o == 'h' ? ctrctl_help(usage) : ctrctl_bad_usage("image save");
    if (argc - optind != 2)
        return ctrctl_error("image save needs an IMAGE and a REFERENCE");
    if ((r = ctrctl_open(g)))
        return r;
    ctr_image_t *img = NULL;
    if (ctr_image_lookup(g->rt, argv[optind], &img) < 0)
        return ctrctl_fail();
    struct progress p = { .tty = isatty(2), .what = "Saving" };
    ctr_save_options_t so = CTR_SAVE_OPTIONS_INIT;
    so.progress = progress_cb;
    so.progress_userdata = &p;
    so.cancel = (const volatile int *)&interrupted;
    catch_interrupt();
    r = ctr_image_save(img, argv[optind + 1], &so);
    progress_end(&p);
    ctr_image_unref(img);
    return r < 0 ? ctrctl_fail() : 0;
}

/* ---- ls ---- */

static void human_size(int64_t n, char *buf, size_t size)
{
    static const char *const units[] = { "B", "kB", "MB", "GB", "TB" };
    double v = (double)n;
    int u = 0;
    while (v >= 1000 && u < 4) {
        v /= 1000;
        u++;
    }
    snprintf(buf, size, u ? "%.3g %s" : "%.0f %s", v, units[u]);
}

static int image_ls(ctrctl_t *g, int argc, char **argv)
{
    static const char usage[] = "Usage: ctrctl image ls [OPTIONS]\n\n"
                                "List images.\n\n"
                                "  -q, --quiet           only IDs\n"
                                "      --format json     as a JSON array\n"
                                "      --no-trunc        full IDs\n";
    static const struct option options[] = { { "quiet", no_argument, NULL, 'q' },
                                             { "format", required_argument, NULL, 'f' },
                                             { "no-trunc", no_argument, NULL, 'n' },
                                             { "help", no_argument, NULL, 'h' },
                                             { NULL, 0, NULL, 0 } };
    bool quiet = false, json = false, notrunc = false;
    int o, r;
    while ((o = ctrctl_getopt(argc, argv, "qh", options)) != -1) {
        switch (o) {
        case 'q': quiet = true; break;
        case 'f':
            if (strcmp(optarg, "json") != 0)
                return ctrctl_error("unsupported format \"%s\" (json)", optarg);
            json = true;
            break;
        case 'n': notrunc = true; break;
        case 'h': return ctrctl_help(usage);
        default: return ctrctl_bad_usage("image ls");
        }
    }
    if ((r = ctrctl_open(g)))
        return r;
    ctr_image_t **list = NULL;
    size_t n = 0;
    if (ctr_image_list(g->rt, &list, &n) < 0)
        return ctrctl_fail();
    int64_t now = now_ns();
    if (json)
        printf("[");
    else if (!quiet)
        printf("%-40s %-10s %-14s %-24s %s\n", "REPOSITORY", "TAG", "IMAGE ID", "CREATED", "SIZE");
    for (size_t i = 0; i < n; i++) {
        ctr_image_t *img = list[i];
        const char *id = ctr_image_id(img);
        const char *const *names = ctr_image_names(img);
        if (quiet) {
            printf("%.*s\n", notrunc ? 64 : 12, id);
            continue;
        }
        char created[64], size[32];
        human_duration(now - ctr_image_created(img), created, sizeof created);
        strcat(created, " ago");
        human_size(ctr_image_size(img), size, sizeof size);
        if (json) {
            printf("%s\n  {\"Id\": ", i ? "," : "");
            json_string(stdout, id);
            printf(", \"Names\": [");
            for (size_t k = 0; names[k]; k++) {
                printf("%s", k ? ", " : "");
                json_string(stdout, names[k]);
            }
            printf("], \"Digest\": ");
            json_string(stdout, ctr_image_digest(img));
            printf(", \"Created\": %lld, \"Size\": %lld, \"Layers\": %zu, \"Dangling\": %s}",
                   (long long)(ctr_image_created(img) / 1000000000), (long long)ctr_image_size(img),
                   ctr_image_layer_count(img), names[0] ? "false" : "true");
            continue;
        }
        if (!names[0]) {
            printf("%-40s %-10s %-14.*s %-24s %s\n", "<none>", "<none>", notrunc ? 64 : 12, id, created, size);
            continue;
        }
        for (size_t k = 0; names[k]; k++) {
            const char *nm = names[k];
            const char *slash = strrchr(nm, '/');
            const char *colon = strchr(slash ? slash : nm, ':');
            int repo = colon ? (int)(colon - nm) : (int)strlen(nm);
            printf("%-40.*s %-10s %-14.*s %-24s %s\n", repo, nm, colon ? colon + 1 : "<none>", notrunc ? 64 : 12, id,
                   created, size);
        }
    }
    if (json)
        printf("%s]\n", n ? "\n" : "");
    ctr_image_list_free(list, n);
    return 0;
}

/* ---- rm, tag, inspect, prune ---- */

static int image_rm(ctrctl_t *g, int argc, char **argv)
{
    static const char usage[] = "Usage: ctrctl image rm [OPTIONS] IMAGE...\n\n"
                                "Remove images.\n\n"
                                "  -f, --force   even when containers use them\n";
    static const struct option options[] = {
        { "force", no_argument, NULL, 'f' }, { "help", no_argument, NULL, 'h' }, { NULL, 0, NULL, 0 } };
    uint64_t flags = 0;
    int o, r = 0;
    while ((o = ctrctl_getopt(argc, argv, "fh", options)) != -1) {
        switch (o) {
        case 'f': flags |= CTR_IMAGE_REMOVE_FORCE; break;
        case 'h': return ctrctl_help(usage);
        default: return ctrctl_bad_usage("image rm");
        }
    }
    if (optind >= argc)
        return ctrctl_error("image rm needs at least one image");
    if ((r = ctrctl_open(g)))
        return r;
    for (int i = optind; i < argc; i++) {
        if (ctr_image_remove(g->rt, argv[i], flags) < 0)
            r = ctrctl_fail();
        else
            printf("Untagged or removed: %s\n", argv[i]);
    }
    return r;
}

/* image tag / image untag: the same walk over NAME..., adding or removing. */
static int image_names(ctrctl_t *g, int argc, char **argv, bool untag)
{
    static const char tag_usage[] = "Usage: ctrctl image tag IMAGE NAME...\n\nGive an image more names.\n";
    static const char untag_usage[] = "Usage: ctrctl image untag IMAGE NAME...\n\nRemove names from an image.\n";
    const char *verb = untag ? "image untag" : "image tag";
    static const struct option options[] = { { "help", no_argument, NULL, 'h' }, { NULL, 0, NULL, 0 } };
    int o, r;
    while ((o = ctrctl_getopt(argc, argv, "h", options)) != -1)
        return o == 'h' ? ctrctl_help(untag ? untag_usage : tag_usage) : ctrctl_bad_usage(verb);
    if (argc - optind < 2)
        return ctrctl_error("%s needs an IMAGE and a NAME", verb);
    if ((r = ctrctl_open(g)))
        return r;
    ctr_image_t *img = NULL;
    if (ctr_image_lookup(g->rt, argv[optind], &img) < 0)
        return ctrctl_fail();
    for (int i = optind + 1; i < argc && r == 0; i++)
        if ((untag ? ctr_image_untag(img, argv[i]) : ctr_image_tag(img, argv[i])) < 0)
            r = ctrctl_fail();
    ctr_image_unref(img);
    return r;
}

static int image_tag(ctrctl_t *g, int argc, char **argv)
{
    return image_names(g, argc, argv, false);
}

static int image_untag(ctrctl_t *g, int argc, char **argv)
{
    return image_names(g, argc, argv, true);
}

static int image_inspect(ctrctl_t *g, int argc, char **argv)
{
    static const char usage[] = "Usage: ctrctl image inspect IMAGE...\n\nPrint images as a JSON array.\n";
    static const struct option options[] = { { "help", no_argument, NULL, 'h' }, { NULL, 0, NULL, 0 } };
    int o, r;
    while ((o = ctrctl_getopt(argc, argv, "h", options)) != -1)
        return o == 'h' ? ctrctl_help(usage) : ctrctl_bad_usage("image inspect");
    if (optind >= argc)
        return ctrctl_error("image inspect needs at least one image");
    if ((r = ctrctl_open(g)))
        return r;
    size_t printed = 0;
    printf("[");
    for (int i = optind; i < argc; i++) {
        ctr_image_t *img = NULL;
        char *json = NULL;
        if (ctr_image_lookup(g->rt, argv[i], &img) < 0 || ctr_image_inspect(img, &json) < 0) {
            r = ctrctl_fail();
        } else {
            printf("%s\n%s", printed++ ? "," : "", json);
        }
        ctr_free(json);
        ctr_image_unref(img);
    }
    printf("%s]\n", printed ? "\n" : "");
    return r;
}

static int image_prune(ctrctl_t *g, int argc, char **argv)
{
    static const char usage[] = "Usage: ctrctl image prune [OPTIONS]\n\n"
                                "Remove dangling images and unused layers.\n\n"
                                "  -a, --all   every image no container uses\n";
    static const struct option options[] = {
        { "all", no_argument, NULL, 'a' }, { "help", no_argument, NULL, 'h' }, { NULL, 0, NULL, 0 } };
    uint64_t flags = 0;
    int o, r;
    while ((o = ctrctl_getopt(argc, argv, "ah", options)) != -1) {
        switch (o) {
        case 'a': flags |= CTR_IMAGE_PRUNE_ALL; break;
        case 'h': return ctrctl_help(usage);
        default: return ctrctl_bad_usage("image prune");
        }
    }
    if ((r = ctrctl_open(g)))
        return r;
    char **removed = NULL;
    if (ctr_image_prune(g->rt, flags, &removed) < 0)
        return ctrctl_fail();
    for (char **p = removed; p && *p; p++)
        printf("%s\n", *p);
    ctr_strv_free(removed);
    return 0;
}

int cmd_image(ctrctl_t *g, int argc, char **argv)
{
    static const struct {
        const char *name;
        ctrctl_verb_fn fn;
        const char *summary;
    } subs[] = {
        { "import", image_import, "Make an image of a root file system tarball" },
        { "inspect", image_inspect, "Display images' details" },
        { "load", image_load, "Load an image (oci:, oci-archive:, docker-archive:, containers-storage:)" },
        { "ls", image_ls, "List images" },
        { "prune", image_prune, "Remove dangling images and unused layers" },
        { "rm", image_rm, "Remove images" },
        { "save", image_save, "Save an image (oci:, oci-archive:, docker-archive:)" },
        { "tag", image_tag, "Give an image more names" },
        { "untag", image_untag, "Remove names from an image" },
    };
    if (argc < 2 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
        FILE *f = argc < 2 ? stderr : stdout;
        fputs("Usage: ctrctl image COMMAND [OPTIONS] [ARG...]\n\nManage images.\n\nCommands:\n", f);
        for (size_t i = 0; i < sizeof subs / sizeof subs[0]; i++)
            fprintf(f, "  %-8s %s\n", subs[i].name, subs[i].summary);
        return argc < 2 ? EXIT_ENGINE : 0;
    }
    const char *name = strcmp(argv[1], "list") == 0 ? "ls" : strcmp(argv[1], "remove") == 0 ? "rm" : argv[1];
    for (size_t i = 0; i < sizeof subs / sizeof subs[0]; i++)
        if (strcmp(name, subs[i].name) == 0) {
            optind = 0;
            return subs[i].fn(g, argc - 1, argv + 1);
        }
    return ctrctl_error("unknown image command \"%s\": run 'ctrctl image --help'", argv[1]);
}

int cmd_images(ctrctl_t *g, int argc, char **argv)
{
    return image_ls(g, argc, argv);
}
