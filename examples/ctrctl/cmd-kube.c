/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* ctrctl kube generate|play: Kubernetes YAML, as podman's `kube` commands. */
#include "ctrctl.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char kube_usage[] =
    "Usage: ctrctl kube generate [--service] CONTAINER|POD\n"
    "       ctrctl kube play [--down] [--replace] [--start=false] [--network NET] [--configmap FILE] FILE|-\n"
    "       ctrctl kube down FILE|-\n";

/* The whole of FILE ("-": stdin) in *ret, its length in *len.  0 or EXIT_ENGINE (printed). */
static int slurp(const char *path, char **ret, size_t *len)
{
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "re");
    if (!f)
        return ctrctl_error("open %s: %s", path, strerror(errno));
    char *buf = NULL;
    size_t size = 0, n = 0, got;
    do {
        if (n + 65536 > size) {
            char *b = realloc(buf, size = n + 65536 + 1);
            if (!b) {
                free(buf);
                return ctrctl_error("out of memory");
            }
            buf = b;
        }
        got = fread(buf + n, 1, size - n - 1, f);
        n += got;
    } while (got > 0);
    int err = ferror(f);
    if (f != stdin)
        fclose(f);
    if (err) {
        free(buf);
        return ctrctl_error("read %s: %s", path, strerror(EIO));
    }
    buf[n] = '\0';
    *ret = buf;
    *len = n;
    return 0;
}

static int kube_generate(ctrctl_t *g, int argc, char **argv)
{
    static const struct option options[] = {
        { "service", no_argument, NULL, 's' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    uint64_t flags = 0;
    int opt;
    while ((opt = ctrctl_getopt(argc, argv, "sh", options)) != -1) {
        if (opt == 'h')
            return ctrctl_help(kube_usage);
        if (opt != 's')
            return ctrctl_bad_usage("kube generate");
        flags |= CTR_KUBE_GENERATE_SERVICE;
    }
    if (optind + 1 != argc)
        return ctrctl_error("kube generate needs one CONTAINER or POD");
    int r = ctrctl_open(g);
    if (r)
        return r;
    char *yaml = NULL;
    ctr_pod_t *pod = NULL;
    ctr_container_t *c = NULL;
    if (ctr_pod_lookup(g->rt, argv[optind], &pod) == 0)
        r = ctr_pod_generate_kube(pod, flags, &yaml);
    else if ((r = ctrctl_lookup(g, argv[optind], &c)) == 0)
        r = ctr_container_generate_kube(c, flags, &yaml);
    else
        return r;
    ctr_pod_unref(pod);
    ctr_container_unref(c);
    if (r < 0)
        return ctrctl_fail();
    fputs(yaml, stdout);
    putchar('\n'); /* podman's blank line after the YAML */
    ctr_free(yaml);
    return 0;
}

/* podman's output: the pods and their containers, then the volumes made. */
static void print_report(const ctr_kube_report_t *rep, bool down)
{
    static const struct {
        ctr_kube_report_kind_t kind;
        const char *title;
    } lists[] = { { CTR_KUBE_REPORT_VOLUME, "Volumes" }, { CTR_KUBE_REPORT_POD, "Pod" },
                  { CTR_KUBE_REPORT_CONTAINER, "Container" } };
    for (size_t i = 0; i < ctr_kube_report_count(rep, CTR_KUBE_REPORT_WARNING); i++)
        fprintf(stderr, "Warning: %s\n", ctr_kube_report_get(rep, CTR_KUBE_REPORT_WARNING, i));
    for (size_t l = 0; l < sizeof lists / sizeof lists[0]; l++) {
        size_t n = ctr_kube_report_count(rep, lists[l].kind);
        if (n == 0)
            continue;
        printf("%s:\n", down && lists[l].kind == CTR_KUBE_REPORT_POD ? "Pods removed" : lists[l].title);
        for (size_t i = 0; i < n; i++)
            printf("%s\n", ctr_kube_report_get(rep, lists[l].kind, i));
        puts("");
    }
}

enum { OPT_DOWN = 256, OPT_REPLACE, OPT_START, OPT_NETWORK, OPT_CONFIGMAP };

struct play_args {
    ctr_kube_play_options_t o;
    strv_t networks, configmaps;
    bool down;
};

static int play_option(struct play_args *a, int opt)
{
    char *text = NULL;
    size_t len;
    switch (opt) {
    case OPT_DOWN:
        a->down = true;
        return 0;
    case OPT_REPLACE:
        a->o.flags |= CTR_KUBE_PLAY_REPLACE;
        return 0;
    case OPT_START:
        if (optarg && strcmp(optarg, "false") == 0)
            a->o.flags |= CTR_KUBE_PLAY_NO_START;
        else if (optarg && strcmp(optarg, "true") != 0)
            return ctrctl_error("--start: true or false, not %s", optarg);
        return 0;
    case OPT_NETWORK:
        return strv_push(&a->networks, optarg) < 0 ? EXIT_ENGINE : 0;
    case OPT_CONFIGMAP:
        for (char *save = NULL, *p = strtok_r(optarg, ",", &save); p; p = strtok_r(NULL, ",", &save)) {
            if (slurp(p, &text, &len))
                return EXIT_ENGINE;
            int r = strv_push(&a->configmaps, text);
            free(text);
            if (r < 0)
                return EXIT_ENGINE;
        }
        return 0;
    default:
        return ctrctl_bad_usage("kube play");
    }
}

static int run_play(ctrctl_t *g, struct play_args *a, const char *file)
{
    char *yaml = NULL;
    size_t len = 0;
    int r = slurp(file, &yaml, &len);
    if (r == 0)
        r = ctrctl_open(g);
    if (r) {
        free(yaml);
        return r;
    }
    a->o.networks = (const char *const *)a->networks.v;
    a->o.configmaps = (const char *const *)a->configmaps.v;
    ctr_kube_report_t *rep = NULL;
    int q = a->down ? ctr_kube_down(g->rt, yaml, len, &rep) : ctr_kube_play(g->rt, yaml, len, &a->o, &rep);
    free(yaml);
    if (q < 0)
        return ctrctl_fail();
    print_report(rep, a->down);
    ctr_kube_report_free(rep);
    return 0;
}

static int kube_play(ctrctl_t *g, int argc, char **argv, bool down)
{
    static const struct option options[] = {
        { "down", no_argument, NULL, OPT_DOWN },
        { "replace", no_argument, NULL, OPT_REPLACE },
        { "start", optional_argument, NULL, OPT_START },
        { "network", required_argument, NULL, OPT_NETWORK },
        { "configmap", required_argument, NULL, OPT_CONFIGMAP },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    struct play_args a = { .o = CTR_KUBE_PLAY_OPTIONS_INIT, .down = down };
    int opt, r = 0;
    while (r == 0 && (opt = ctrctl_getopt(argc, argv, "h", options)) != -1)
        r = opt == 'h' ? (ctrctl_help(kube_usage), -1) : play_option(&a, opt);
    if (r == 0 && optind + 1 != argc)
        r = ctrctl_error("kube %s needs one FILE (or - for stdin)", down ? "down" : "play");
    if (r == 0)
        r = run_play(g, &a, argv[optind]);
    strv_clear(&a.networks);
    strv_clear(&a.configmaps);
    return r < 0 ? 0 : r;
}

int cmd_kube(ctrctl_t *g, int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)
        return argc < 2 ? (fputs(kube_usage, stderr), EXIT_ENGINE) : ctrctl_help(kube_usage);
    const char *sub = argv[1];
    argc--;
    argv++;
    if (strcmp(sub, "generate") == 0)
        return kube_generate(g, argc, argv);
    if (strcmp(sub, "play") == 0)
        return kube_play(g, argc, argv, false);
    if (strcmp(sub, "down") == 0)
        return kube_play(g, argc, argv, true);
    return ctrctl_error("unknown kube command \"%s\" (see ctrctl kube --help)", sub);
}
