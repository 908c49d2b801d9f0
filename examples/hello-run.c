/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Run a command in a container and print its output: the smallest complete
 * use of libctr.
 * usage: hello-run [--root DIR] [--runroot DIR] ROOTFS [COMMAND...] */
#include <getopt.h>
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

static void usage(FILE *f)
{
    fputs("usage: hello-run [--root DIR] [--runroot DIR] ROOTFS [COMMAND...]\n"
          "Run COMMAND (default: a greeting and `id`) in a container made from the root\n"
          "file system directory ROOTFS (an absolute path), print its output, remove it.\n"
          "\n"
          "      --root DIR      persistent root (default /var/lib/libctr)\n"
          "      --runroot DIR   run root (default /run/libctr)\n"
          "  -h, --help          this help\n",
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
    ctr_runtime_options_t ro = CTR_RUNTIME_OPTIONS_INIT; /* NULL fields: the defaults */
    int o;
    /* "+": stop at ROOTFS, so the command's own options stay its own. */
    while ((o = getopt_long(argc, argv, "+h", options, NULL)) != -1) {
        switch (o) {
        case OPT_ROOT: ro.root = optarg; break;
        case OPT_RUNROOT: ro.run_root = optarg; break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
    }
    if (optind >= argc) {
        usage(stderr);
        return 2;
    }
    const char *default_cmd[] = { "/bin/sh", "-c", "echo hello from $(uname -s) in a busybox container; id", NULL };

    ctr_runtime_t *rt = NULL;
    if (ctr_runtime_new(&rt, &ro) < 0) /* files state backend, runc */
        return fail("opening the runtime");

    ctr_container_options_t opts = CTR_CONTAINER_OPTIONS_INIT;
    opts.rootfs = argv[optind];
    opts.command = optind + 1 < argc ? (const char *const *)argv + optind + 1 : default_cmd;
    ctr_container_t *c = NULL;
    if (ctr_container_create(&c, rt, &opts) < 0) {
        fail("creating the container");
        ctr_runtime_unref(rt);
        return 125;
    }

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
