/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Containers as data: create, list, inspect and remove containers with each
 * state backend, in a temporary root.  usage: hello-data [BACKEND...] */
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

static int run(const char *backend)
{
    char root[] = "/tmp/libctr-hello-XXXXXX";
    if (!mkdtemp(root))
        return 1;
    char run_root[sizeof root + 4];
    snprintf(run_root, sizeof run_root, "%s/run", root);

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
    char cmdline[256];
    snprintf(cmdline, sizeof cmdline, "rm -rf '%s'", root);
    return system(cmdline) == 0 ? 0 : 1;
}

int main(int argc, char **argv)
{
    const char *defaults[] = { "files", "tdb" };
    int rc = 0;
    if (argc > 1) {
        for (int i = 1; i < argc; i++)
            rc |= run(argv[i]);
    } else {
        for (size_t i = 0; i < 2; i++)
            rc |= run(defaults[i]);
    }
    return rc;
}
