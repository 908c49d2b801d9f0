/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The guide's example state backend (state-flat.c) under libctr's state
 * backend conformance suite, then registered and used by a runtime.
 * usage: state-flat-test SCRATCH-DIR */
#include <errno.h>
#include <libctr/ctr.h>
#include <libctr/sys/ctr-state.h>
#include <stdio.h>
#include <stdlib.h>
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

/* Containers as data through a runtime on the "flat" backend. */
static int use(const char *scratch)
{
    char root[4096], run_root[4096];
    snprintf(root, sizeof root, "%s/root", scratch);
    snprintf(run_root, sizeof run_root, "%s/run", scratch);
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
    if (ctr_runtime_list(rt, NULL, NULL, &list, &n) < 0 || n != 2)
        return fail("list");
    ctr_container_list_free(list, n);
    if (ctr_runtime_lookup(rt, "two", &found) < 0)
        return fail("lookup");
    if (ctr_container_remove(a, 0) < 0 || ctr_runtime_lookup(rt, "one", &found) != -ENOENT)
        return fail("remove");
    ctr_container_unref(found);
    ctr_container_unref(b);
    ctr_container_unref(a);
    ctr_runtime_unref(rt);
    printf("state-flat-test: a runtime on the flat backend works\n");
    return 0;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: state-flat-test SCRATCH-DIR\n");
        return 2;
    }
    if (mkdir(argv[1], 0700) < 0 && errno != EEXIST)
        return 1;
    ctr_test_state_hooks_t hooks = { set_layout_version, NULL, CTR_TEST_STATE_MULTI_OPEN };
    int failed = ctr_test_state_conformance_hooks(flat_backend(), argv[1], &hooks);
    int r = use(argv[1]);
    ctr_test_state_rm_rf(argv[1]);
    return failed || r ? 1 : 0;
}
