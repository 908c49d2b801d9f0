/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Containers as data: create, list, inspect and remove containers with each
 * state backend.  Nothing runs, so no rootfs is needed.
 * usage: hello-data [--root DIR] [--runroot DIR] [BACKEND...] */
#include <getopt.h>
#include <libctr/ctr.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int fail(const char *what)
{
    const ctr_error_t *e = ctr_error_last();
    fprintf(stderr, "hello-data: %s: %s (%s)\n", what, e->message, ctr_strerror(e->code));
    return 1;
}

static void usage(FILE *f)
{
    fputs("usage: hello-data [--root DIR] [--runroot DIR] [BACKEND...]\n"
          "Create, list, inspect and remove containers with each state backend\n"
          "(default: files and tdb).\n"
          "\n"
          "      --root DIR      persistent root (default: a new directory under /tmp,\n"
          "                      removed at the end)\n"
          "      --runroot DIR   run root (default: ROOT/run)\n"
          "  -h, --help          this help\n"
          "\n"
          "In a root given with --root, the containers made are removed and the\n"
          "directories stay.\n",
          f);
}

/* One backend's round in root_opt and run_root_opt (NULL: a temporary root,
 * removed at the end, and ROOT/run). */
static int run(const char *backend, const char *root_opt, const char *run_root_opt)
{
    char tmp_root[] = "/tmp/libctr-hello-XXXXXX";
    const char *root = root_opt;
    if (!root && !(root = mkdtemp(tmp_root))) {
        perror("hello-data: mkdtemp");
        return 1;
    }
    char run_root[4096];
    if (run_root_opt)
        snprintf(run_root, sizeof run_root, "%s", run_root_opt);
    else if (snprintf(run_root, sizeof run_root, "%s/run", root) >= (int)sizeof run_root) {
        fprintf(stderr, "hello-data: root path too long\n");
        return 1;
    }

    ctr_runtime_options_t ro = CTR_RUNTIME_OPTIONS_INIT;
    ro.root = root;
    ro.run_root = run_root;
    ro.state_backend = backend;
    ctr_runtime_t *rt = NULL;
    if (ctr_runtime_new(&rt, &ro) < 0)
        return fail("open runtime");

    const char *cmd[] = { "/bin/echo", "hello", NULL };
    const char *labels[] = { "app=demo", "tier=web", NULL };
    ctr_container_options_t co = CTR_CONTAINER_OPTIONS_INIT;
    co.rootfs = "/";
    co.command = cmd;
    co.labels = labels;
    ctr_container_t *web = NULL, *side = NULL;
    co.name = "web";
    if (ctr_container_create(&web, rt, &co) < 0)
        return fail("create web");
    co.name = NULL; /* a generated name */
    co.ns_ctr[CTR_NS_NET] = "web";
    if (ctr_container_create(&side, rt, &co) < 0)
        return fail("create sidecar");

    ctr_container_t **list = NULL;
    size_t n = 0;
    if (ctr_runtime_list(rt, NULL, NULL, &list, &n) < 0)
        return fail("list");
    printf("[%s] %zu containers:\n", ctr_runtime_state_backend(rt), n);
    for (size_t i = 0; i < n; i++) {
        ctr_state_t st;
        ctr_container_state(list[i], &st);
        printf("  %.12s  %-24s %s\n", ctr_container_id(list[i]), ctr_container_name(list[i]), ctr_state_name(st));
    }
    ctr_container_list_free(list, n);

    char *json = NULL;
    if (ctr_container_config_json(side, &json) < 0)
        return fail("inspect");
    printf("  %s joins the network namespace of %.12s; config is %zu bytes of JSON\n", ctr_container_name(side),
           ctr_container_ns_ctr(side, CTR_NS_NET), strlen(json));
    ctr_free(json);

    if (ctr_container_remove(web, 0) < 0)
        printf("  removing web alone is refused: %s\n", ctr_error_last()->message);
    if (ctr_container_remove(web, CTR_REMOVE_FORCE) < 0)
        return fail("remove");
    if (ctr_runtime_list(rt, NULL, NULL, &list, &n) < 0)
        return fail("list");
    printf("  after a forced remove: %zu containers\n", n);
    ctr_container_list_free(list, n);

    ctr_container_unref(side);
    ctr_container_unref(web);
    ctr_runtime_unref(rt);
    if (root_opt)
        return 0; /* the caller's root: keep it */
    char cmdline[256];
    snprintf(cmdline, sizeof cmdline, "rm -rf '%s'", root);
    return system(cmdline) == 0 ? 0 : 1;
}

int main(int argc, char **argv)
{
    enum { OPT_ROOT = 256, OPT_RUNROOT };
    static const struct option options[] = {
        { "root", required_argument, NULL, OPT_ROOT },
        { "runroot", required_argument, NULL, OPT_RUNROOT },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    const char *root = NULL, *run_root = NULL;
    int o;
    while ((o = getopt_long(argc, argv, "h", options, NULL)) != -1) {
        switch (o) {
        case OPT_ROOT: root = optarg; break;
        case OPT_RUNROOT: run_root = optarg; break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
    }
    const char *defaults[] = { "files", "tdb", NULL };
    const char *const *backends = optind < argc ? (const char *const *)argv + optind : defaults;
    int rc = 0;
    for (; *backends; backends++)
        rc |= run(*backends, root, run_root);
    return rc;
}
