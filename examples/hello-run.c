/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Run a command in a container and print its output: the smallest complete
 * use of libctr.  usage: hello-run ROOTFS [COMMAND...] */
#include <libctr/ctr.h>
#include <stdio.h>
#include <unistd.h>

static int print_line(int stream, int64_t timestamp, const char *data, size_t size, void *userdata)
{
    fprintf(stream == CTR_STREAM_STDERR ? stderr : stdout, "%.*s\n", (int)size, data);
    return 0;
}

static int fail(const char *what)
{
    fprintf(stderr, "hello-run: %s: %s\n", what, ctr_error_last()->message);
    return 125;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: hello-run ROOTFS [COMMAND...]\n");
        return 2;
    }
    const char *default_cmd[] = { "/bin/sh", "-c", "echo hello from $(uname -s) in a busybox container; id", NULL };

    ctr_runtime_t *rt = NULL;
    if (ctr_runtime_new(&rt, NULL) < 0) /* /var/lib/libctr, /run/libctr, runc */
        return fail("opening the runtime");

    ctr_container_options_t opts = CTR_CONTAINER_OPTIONS_INIT;
    opts.rootfs = argv[1];
    opts.command = argc > 2 ? (const char *const *)argv + 2 : default_cmd;
    ctr_container_t *c = NULL;
    if (ctr_container_create(&c, rt, &opts) < 0)
        return fail("creating the container");

    int code = 125;
    if (ctr_container_start(c) < 0) {
        fail("starting the container");
    } else if (ctr_container_wait(c, -1, &code) < 0) {
        fail("waiting for the container");
    } else {
        ctr_logs_options_t lo = CTR_LOGS_OPTIONS_INIT;
        ctr_container_logs(c, &lo, print_line, NULL);
        fflush(stdout);
        fprintf(stderr, "container %s (%.12s) exited with %d\n", ctr_container_name(c), ctr_container_id(c), code);
    }
    if (ctr_container_remove(c, CTR_REMOVE_FORCE) < 0)
        fail("removing the container");
    ctr_container_unref(c);
    ctr_runtime_unref(rt);
    return code;
}
