/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* ctrctl: main, global options, dispatch to the verbs. */
#include "ctrctl.h"

#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

static const struct verb {
    const char *name;
    ctrctl_verb_fn fn;
    const char *summary;
} verbs[] = {
    { "attach", cmd_attach, "Attach to a running container" },
    { "commit", cmd_commit, "Make a new image of a container's changes" },
    { "container", cmd_container, "Manage containers (checkpoint, restore, and the verbs below)" },
    { "cp", cmd_cp, "Copy files/folders between a container and the local filesystem" },
    { "create", cmd_create, "Create a container but do not start it" },
    { "diff", cmd_diff, "Show what a container changed in its root file system" },
    { "events", cmd_events, "Show and follow the events of containers, images, volumes and networks" },
    { "exec", cmd_exec, "Run a process in a running container" },
    { "export", cmd_export, "Write a container's root file system as a tar" },
    { "image", cmd_image, "Manage images (load, import, save, ls, rm, tag, inspect, prune)" },
    { "images", cmd_images, "List images" },
    { "init", cmd_init, "Initialize containers" },
    { "inspect", cmd_inspect, "Display the configuration and state of containers" },
    { "kill", cmd_kill, "Send a signal to containers" },
    { "login", cmd_login, "Log in to a container registry" },
    { "logout", cmd_logout, "Log out of a container registry" },
    { "healthcheck", cmd_healthcheck, "Run the health check of a container" },
    { "logs", cmd_logs, "Fetch the logs of a container" },
    { "mount", cmd_mount, "Mount a container's root file system and print where" },
    { "network", cmd_network, "Manage networks (create, ls, inspect, rm)" },
    { "pause", cmd_pause, "Pause all the processes of containers" },
    { "kube", cmd_kube, "Generate Kubernetes YAML from pods and containers, play it (generate, play, down)" },
    { "pod", cmd_pod, "Manage pods (create, ls, inspect, start, stop, kill, pause, unpause, restart, rm)" },
    { "port", cmd_port, "List the port mappings of a container" },
    { "ps", cmd_ps, "List containers" },
    { "pull", cmd_pull, "Pull an image from a registry" },
    { "push", cmd_push, "Push an image to a registry" },
    { "rename", cmd_rename, "Rename an existing container" },
    { "restart", cmd_restart, "Restart containers" },
    { "rm", cmd_rm, "Remove containers" },
    { "run", cmd_run, "Run a command in a new container" },
    { "start", cmd_start, "Start containers" },
    { "stop", cmd_stop, "Stop containers" },
    { "stats", cmd_stats, "Display a live stream of container resource usage statistics" },
    { "top", cmd_top, "Display the running processes of a container" },
    { "umount", cmd_umount, "Unmount a container's root file system" },
    { "unpause", cmd_unpause, "Unpause the processes of containers" },
    { "update", cmd_update, "Change the resource limits of a container" },
    { "volume", cmd_volume, "Manage volumes (create, ls, inspect, rm, prune, exists)" },
    { "wait", cmd_wait, "Wait for containers to exit and print their exit codes" },
};

ctrctl_verb_fn ctrctl_find_verb(const char *name)
{
    for (size_t i = 0; i < sizeof verbs / sizeof verbs[0]; i++)
        if (strcmp(verbs[i].name, name) == 0)
            return verbs[i].fn;
    return NULL;
}

static void usage(FILE *f)
{
    fputs("Usage: ctrctl [GLOBAL OPTIONS] COMMAND [OPTIONS] [ARG...]\n"
          "\n"
          "Manage containers with libctr.\n"
          "\n"
          "Global options:\n"
          "      --root DIR              persistent root (default /var/lib/libctr)\n"
          "      --runroot DIR           run root (default /run/libctr)\n"
          "      --state-backend NAME    files (default) or tdb\n"
          "      --runtime NAME|PATH     OCI runtime (default $CTRCTL_RUNTIME, else runc)\n"
          "      --conmon PATH           conmon binary\n"
          "      --storage-driver NAME   overlay (default) or vfs\n"
          "      --cni-config-dir DIR    CNI network configurations (default /etc/cni/net.d)\n"
          "      --cni-plugin-dir DIR    CNI plugins (default /usr/lib/cni)\n"
          "      --default-network NAME  network of --network bridge (default libctr)\n"
          "      --log-level LEVEL       error, warn, info or debug (to stderr)\n"
          "  -h, --help                  this help\n"
          "      --version               print the version\n"
          "\n"
          "Commands:\n",
          f);
    for (size_t i = 0; i < sizeof verbs / sizeof verbs[0]; i++)
        fprintf(f, "  %-10s %s\n", verbs[i].name, verbs[i].summary);
    fputs("\nRun 'ctrctl COMMAND --help' for a command's options.\n", f);
}

int ctrctl_fail(void)
{
    const ctr_error_t *e = ctr_error_last();
    if (e->message[0])
        fprintf(stderr, "Error: %s\n", e->message);
    else
        fprintf(stderr, "Error: %s\n", ctr_strerror(e->code));
    return EXIT_ENGINE;
}

int ctrctl_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("Error: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    return EXIT_ENGINE;
}

int ctrctl_help(const char *text)
{
    fputs(text, stdout);
    return 0;
}

/* The element of argv that holds the option getopt just looked at. */
static const char *option_text(char **argv, int before)
{
    return optind > before ? argv[optind - 1] : argv[optind];
}

/* getopt's complaint, in podman's (cobra's) words. */
static void option_error(char **argv, int before, int o)
{
    const char *arg = option_text(argv, before);
    size_t len = strcspn(arg, "=");
    bool is_long = strncmp(arg, "--", 2) == 0;
    if (o == ':' && is_long)
        fprintf(stderr, "Error: flag needs an argument: %.*s\n", (int)len, arg);
    else if (o == ':')
        fprintf(stderr, "Error: flag needs an argument: '%c' in -%c\n", arg[strlen(arg) - 1], arg[strlen(arg) - 1]);
    else if (is_long)
        fprintf(stderr, "Error: unknown flag: %.*s\n", (int)len, arg);
    else
        fprintf(stderr, "Error: unknown shorthand flag: '%c' in %s\n", optopt, arg);
}

int ctrctl_getopt(int argc, char **argv, const char *optstring, const struct option *longopts)
{
    /* ':' first (after a '+' or '-') tells a missing argument from an unknown option. */
    char quiet[128];
    size_t lead = optstring[0] == '+' || optstring[0] == '-';
    snprintf(quiet, sizeof quiet, "%.*s:%s", (int)lead, optstring, optstring + lead);
    opterr = 0;
    int before = optind;
    int o = getopt_long(argc, argv, quiet, longopts, NULL);
    if (o == '?' || o == ':') {
        option_error(argv, before, o);
        return '?';
    }
    return o;
}

int ctrctl_bad_usage(const char *verb)
{
    fprintf(stderr, "See 'ctrctl %s --help'.\n", verb);
    return EXIT_ENGINE;
}

/* The library's log lines, shaped as podman's (logrus) so the same greps work. */
static void log_to_stderr(int level, const char *message, void *userdata)
{
    static const char *const names[] = { [3] = "error", [4] = "warning", [5] = "info", [6] = "info", [7] = "debug" };
    const char *name = level >= 3 && level <= 7 ? names[level] : "info";
    char t[64];
    format_time(now_ns(), t, sizeof t);
    char *dot = strchr(t, '.');
    if (dot) /* seconds are enough, as podman's */
        strcpy(dot, "Z");
    fprintf(stderr, "time=\"%s\" level=%s msg=\"", t, name);
    for (const char *m = message; *m; m++)
        fprintf(stderr, *m == '"' || *m == '\\' ? "\\%c" : "%c", *m);
    fputs("\"\n", stderr);
}

int ctrctl_open(ctrctl_t *g)
{
    if (g->rt)
        return 0;
    g->ro.log_fn = log_to_stderr; /* warnings by default, as podman */
    g->ro.log_level = g->log_level > 0 ? g->log_level : CTR_LOG_WARNING;
    if (ctr_runtime_new(&g->rt, &g->ro) < 0)
        return ctrctl_fail();
    return 0;
}

int ctrctl_lookup(ctrctl_t *g, const char *name, ctr_container_t **ret)
{
    int r = ctrctl_open(g);
    if (r)
        return r;
    if (ctr_runtime_lookup(g->rt, name, ret) < 0)
        return ctrctl_fail();
    return 0;
}

static int parse_log_level(const char *s)
{
    static const struct {
        const char *name;
        int level;
    } levels[] = { { "error", CTR_LOG_ERROR }, { "warn", CTR_LOG_WARNING }, { "warning", CTR_LOG_WARNING },
                   { "info", CTR_LOG_INFO }, { "debug", CTR_LOG_DEBUG } };
    for (size_t i = 0; i < sizeof levels / sizeof levels[0]; i++)
        if (strcmp(s, levels[i].name) == 0)
            return levels[i].level;
    return -1;
}

const char *const *ctrctl_command_line;

int main(int argc, char **argv)
{
    enum { OPT_ROOT = 256, OPT_RUNROOT, OPT_BACKEND, OPT_RUNTIME, OPT_CONMON, OPT_DRIVER, OPT_LOG, OPT_VERSION,
           OPT_CNI_CONFIG, OPT_CNI_PLUGIN, OPT_DEFAULT_NETWORK };
    static const struct option options[] = {
        { "root", required_argument, NULL, OPT_ROOT },
        { "runroot", required_argument, NULL, OPT_RUNROOT },
        { "state-backend", required_argument, NULL, OPT_BACKEND },
        { "runtime", required_argument, NULL, OPT_RUNTIME },
        { "conmon", required_argument, NULL, OPT_CONMON },
        { "storage-driver", required_argument, NULL, OPT_DRIVER },
        { "cni-config-dir", required_argument, NULL, OPT_CNI_CONFIG },
        { "cni-plugin-dir", required_argument, NULL, OPT_CNI_PLUGIN },
        { "default-network", required_argument, NULL, OPT_DEFAULT_NETWORK },
        { "log-level", required_argument, NULL, OPT_LOG },
        { "help", no_argument, NULL, 'h' },
        { "version", no_argument, NULL, OPT_VERSION },
        { NULL, 0, NULL, 0 },
    };
    ctrctl_t g = { .ro = CTR_RUNTIME_OPTIONS_INIT };
    /* The default of --runtime (test suites run under each runtime with it). */
    g.ro.oci_runtime = getenv("CTRCTL_RUNTIME") && *getenv("CTRCTL_RUNTIME") ? getenv("CTRCTL_RUNTIME") : NULL;
    ctrctl_command_line = (const char *const *)argv; /* before a getopt could reorder it */
    int o;
    while ((o = ctrctl_getopt(argc, argv, "+h", options)) != -1) {
        switch (o) {
        case OPT_ROOT: g.ro.root = optarg; break;
        case OPT_RUNROOT: g.ro.run_root = optarg; break;
        case OPT_BACKEND: g.ro.state_backend = optarg; break;
        case OPT_RUNTIME: g.ro.oci_runtime = optarg; break;
        case OPT_CONMON: g.ro.conmon_path = optarg; break;
        case OPT_DRIVER: g.ro.storage_driver = optarg; break;
        case OPT_CNI_CONFIG: g.ro.cni_config_dir = optarg; break;
        case OPT_CNI_PLUGIN: g.ro.cni_plugin_dir = optarg; break;
        case OPT_DEFAULT_NETWORK: g.ro.default_network = optarg; break;
        case OPT_LOG:
            g.log_level = parse_log_level(optarg);
            if (g.log_level < 0)
                return ctrctl_error("invalid log level \"%s\": use error, warn, info or debug", optarg);
            break;
        case 'h': usage(stdout); return 0;
        case OPT_VERSION: printf("ctrctl (libctr) %s\n", CTRCTL_VERSION); return 0;
        default: fputs("See 'ctrctl --help'.\n", stderr); return EXIT_ENGINE;
        }
    }
    if (optind >= argc) {
        usage(stderr);
        return EXIT_ENGINE;
    }
    const char *name = argv[optind];
    for (size_t i = 0; i < sizeof verbs / sizeof verbs[0]; i++) {
        if (strcmp(name, verbs[i].name) != 0)
            continue;
        int vargc = argc - optind;
        char **vargv = argv + optind;
        optind = 0; /* reinitialize getopt for the verb's options */
        int r = verbs[i].fn(&g, vargc, vargv);
        ctr_runtime_unref(g.rt);
        return r;
    }
    return ctrctl_error("unknown command \"%s\": run 'ctrctl --help' for the list", name);
}
