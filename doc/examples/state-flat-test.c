/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The guide's example state backend (state-flat.c) under libctr's state
 * backend conformance suite, then registered and used by a runtime.
 * usage: state-flat-test [--root DIR] [--runroot DIR] SCRATCH-DIR
 * The suite works in SCRATCH-DIR (removed at the end); the runtime opens ROOT
 * (default SCRATCH-DIR/root) and RUNROOT (default SCRATCH-DIR/run), and
 * removes the containers it made there. */
#include <errno.h>
#include <getopt.h>
#include <libctr/ctr.h>
#include <libctr/sys/ctr-state.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "state-conformance.h"

const ctr_state_backend_t *flat_backend(void);

static int set_layout_version(const char *dir, unsigned int version, void *userdata)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/LAYOUT", dir);
    FILE *f = fopen(path, "w");
    if (!f)
        return -errno;
    fprintf(f, "%u", version);
    return fclose(f) == 0 ? 0 : -EIO;
}

static int fail(const char *what)
{
    fprintf(stderr, "state-flat-test: %s: %s\n", what, ctr_error_last()->message);
    return 1;
}

static int named(ctr_container_t *c, void *userdata)
{
    const char *name = ctr_container_name(c);
    return strcmp(name, "one") == 0 || strcmp(name, "two") == 0;
}

/* Containers as data through a runtime on the "flat" backend. */
static int use(const char *root, const char *run_root)
{
    if (ctr_state_backend_register(flat_backend()) < 0)
        return fail("register");
    ctr_runtime_options_t ro = CTR_RUNTIME_OPTIONS_INIT;
    ro.root = root;
    ro.run_root = run_root;
    ro.state_backend = "flat";
    ctr_runtime_t *rt = NULL;
    if (ctr_runtime_new(&rt, &ro) < 0)
        return fail("ctr_runtime_new");
    const char *cmd[] = { "/bin/true", NULL };
    ctr_container_options_t co = CTR_CONTAINER_OPTIONS_INIT;
    co.rootfs = "/";
    co.command = cmd;
    co.name = "one";
    ctr_container_t *a = NULL, *b = NULL, *found = NULL;
    if (ctr_container_create(&a, rt, &co) < 0)
        return fail("create one");
    if (ctr_container_create(&b, rt, &co) != -EEXIST)
        return fail("create one twice");
    co.name = "two";
    if (ctr_container_create(&b, rt, &co) < 0)
        return fail("create two");
    ctr_container_t **list = NULL;
    size_t n = 0;
    if (ctr_runtime_list(rt, named, NULL, &list, &n) < 0 || n != 2)
        return fail("list");
    ctr_container_list_free(list, n);
    if (ctr_runtime_lookup(rt, "two", &found) < 0)
        return fail("lookup");
    if (ctr_container_remove(a, 0) < 0 || ctr_runtime_lookup(rt, "one", &found) != -ENOENT)
        return fail("remove");
    if (ctr_container_remove(b, 0) < 0)
        return fail("remove two");
    ctr_container_unref(found);
    ctr_container_unref(b);
    ctr_container_unref(a);
    ctr_runtime_unref(rt);
    printf("state-flat-test: a runtime on the flat backend works\n");
    return 0;
}

static void usage(FILE *f)
{
    fputs("usage: state-flat-test [--root DIR] [--runroot DIR] SCRATCH-DIR\n"
          "      --root DIR      the runtime's root (default SCRATCH-DIR/root)\n"
          "      --runroot DIR   the runtime's run root (default SCRATCH-DIR/run)\n",
          f);
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
    const char *root_opt = NULL, *run_root_opt = NULL;
    int o;
    while ((o = getopt_long(argc, argv, "h", options, NULL)) != -1) {
        switch (o) {
        case OPT_ROOT: root_opt = optarg; break;
        case OPT_RUNROOT: run_root_opt = optarg; break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
    }
    if (optind != argc - 1) {
        usage(stderr);
        return 2;
    }
    const char *scratch = argv[optind];
    char root[4096], run_root[4096];
    if (snprintf(root, sizeof root, "%s/root", scratch) >= (int)sizeof root ||
        snprintf(run_root, sizeof run_root, "%s/run", scratch) >= (int)sizeof run_root) {
        fprintf(stderr, "state-flat-test: SCRATCH-DIR path too long\n");
        return 2;
    }
    if (mkdir(scratch, 0700) < 0 && errno != EEXIST)
        return 1;
    ctr_test_state_hooks_t hooks = { set_layout_version, NULL, CTR_TEST_STATE_MULTI_OPEN };
    int failed = ctr_test_state_conformance_hooks(flat_backend(), scratch, &hooks);
    int r = use(root_opt ? root_opt : root, run_root_opt ? run_root_opt : run_root);
    ctr_test_state_rm_rf(scratch);
    return failed || r ? 1 : 0;
}
