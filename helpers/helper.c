/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "helper.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *nonempty(const char *s)
{
    return s && *s ? s : NULL;
}

int helper_parse(int argc, char **argv, const char *name, ctr_runtime_options_t *ro, bool *ret_rm,
                 const char **ret_id)
{
    enum { ROOT = 256, RUNROOT, BACKEND, RUNTIME, CONMON, DRIVER, CNI_CONFIG, CNI_PLUGIN, RM };
    static const struct option options[] = {
        { "root", required_argument, NULL, ROOT },
        { "runroot", required_argument, NULL, RUNROOT },
        { "state-backend", required_argument, NULL, BACKEND },
        { "runtime", required_argument, NULL, RUNTIME },
        { "conmon", required_argument, NULL, CONMON },
        { "storage-driver", required_argument, NULL, DRIVER },
        { "cni-config-dir", required_argument, NULL, CNI_CONFIG },
        { "cni-plugin-dir", required_argument, NULL, CNI_PLUGIN },
        { "rm", no_argument, NULL, RM },
        { NULL, 0, NULL, 0 },
    };
    bool rm = false;
    int o;
    while ((o = getopt_long(argc, argv, "", options, NULL)) != -1) {
        switch (o) {
        case ROOT: ro->root = nonempty(optarg); break;
        case RUNROOT: ro->run_root = nonempty(optarg); break;
        case BACKEND: ro->state_backend = nonempty(optarg); break;
        case RUNTIME: ro->oci_runtime = nonempty(optarg); break;
        case CONMON: ro->conmon_path = nonempty(optarg); break;
        case DRIVER: ro->storage_driver = nonempty(optarg); break;
        case CNI_CONFIG: ro->cni_config_dir = nonempty(optarg); break;
        case CNI_PLUGIN: ro->cni_plugin_dir = nonempty(optarg); break;
        case RM:
            if (!ret_rm)
                return 2;
            rm = true;
            break;
        default: return 2;
        }
    }
    if (optind != argc - 1) {
        fprintf(stderr, "usage: %s [RUNTIME OPTIONS]%s ID\n", name, ret_rm ? " [--rm]" : "");
        return 2;
    }
    if (ret_rm)
        *ret_rm = rm;
    *ret_id = argv[optind];
    return 0;
}

int helper_detach(const char *name, bool print_pid)
{
    fflush(stdout);
    pid_t pid = fork();
    if (pid < 0) {
        fprintf(stderr, "%s: fork: %m\n", name);
        return 1;
    }
    if (pid > 0) {
        /* The child forks the worker and exits: reap it, then leave. */
        int status = 0;
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
            ;
        exit(WIFEXITED(status) ? WEXITSTATUS(status) : 1);
    }
    if (setsid() < 0 && errno != EPERM)
        _exit(1);
    pid = fork();
    if (pid != 0) {
        if (pid > 0 && print_pid)
            printf("%d\n", (int)pid);
        _exit(pid < 0 || fflush(stdout) != 0);
    }
    int null = open("/dev/null", O_RDWR | O_CLOEXEC);
    if (null >= 0) {
        dup2(null, STDIN_FILENO);
        dup2(null, STDOUT_FILENO);
    }
    return 0;
}
