/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* ctr-oci: libctr's native OCI runtime behind runc's command line, so that
 * conmon, podman and libctr's own runc backend can drive it like runc.
 *
 *   ctr-oci [--root DIR] [--log FILE] [--log-format text|json] COMMAND ...
 *
 * Errors go to stderr, and with --log to that file too (one JSON object
 * per line with --log-format json: {"level":"error","msg":...,"time":...},
 * what runc writes and conmon and libctr read). */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/error.h"
#include "base/json-util.h"
#include "native/container.h"

#define DEFAULT_ROOT "/run/ctr-oci"
#define VERSION "0.1"

struct global {
    const char *root;
    const char *log;
    bool json_log;
};

static void log_error(const struct global *g, const char *msg)
{
    fprintf(stderr, "ctr-oci: %s\n", msg);
    if (!g->log)
        return;
    int fd = open(g->log, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0)
        return;
    if (g->json_log) {
        char now[64];
        _cleanup_json_ json_object *o = json_object_new_object();
        ctr__format_time(ctr__now_ns(), now, sizeof now);
        ctr__json_add_str(o, "level", "error");
        ctr__json_add_str(o, "msg", msg);
        ctr__json_add_str(o, "time", now);
        dprintf(fd, "%s\n",
                json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
    } else {
        dprintf(fd, "error: %s\n", msg);
    }
    close(fd);
}

/* The exit status of a command: 0, or 1 with the error logged. */
static int finish(const struct global *g, int r)
{
    if (r >= 0)
        return 0;
    const char *msg = ctr_error_last()->message;
    log_error(g, msg && *msg ? msg : strerror(-r));
    return 1;
}

static int usage(const struct global *g, const char *text)
{
    log_error(g, text);
    return 2;
}

/* One ID and nothing more after the options (which end at @first). */
static const char *one_id(int argc, char **argv, int first)
{
    return first == argc - 1 ? argv[first] : NULL;
}

static int cmd_create(const struct global *g, int argc, char **argv)
{
    static const struct option opts[] = {
        {"bundle", required_argument, NULL, 'b'},       {"pid-file", required_argument, NULL, 'p'},
        {"console-socket", required_argument, NULL, 'c'}, {"preserve-fds", required_argument, NULL, 'f'},
        {"no-pivot", no_argument, NULL, 'n'},            {"no-new-keyring", no_argument, NULL, 'k'},
        {NULL, 0, NULL, 0},
    };
    struct ctr__native_create_opts o = {.bundle = "."};
    char *end = NULL;
    int c;

    while ((c = getopt_long(argc, argv, "+b:", opts, NULL)) != -1) {
        if (c == 'b')
            o.bundle = optarg;
        else if (c == 'p')
            o.pid_file = optarg;
        else if (c == 'c')
            o.console_socket = optarg;
        else if (c == 'f' && (o.preserve_fds = (int)strtol(optarg, &end, 10)) >= 0 && !*end)
            continue;
        else if (c == 'n')
            o.no_pivot = true;
        else if (c != 'k')
            return usage(g, "create: bad option; usage: create [--bundle DIR] [--pid-file FILE] "
                            "[--console-socket SOCKET] [--preserve-fds N] [--no-pivot] ID");
    }
    const char *id = one_id(argc, argv, optind);
    if (!id)
        return usage(g, "create: exactly one container ID is needed");
    return finish(g, ctr__native_create(g->root, id, &o));
}

static int cmd_exec(const struct global *g, int argc, char **argv)
{
    static const struct option opts[] = {
        {"process", required_argument, NULL, 'p'},        {"pid-file", required_argument, NULL, 'P'},
        {"console-socket", required_argument, NULL, 'c'}, {"preserve-fds", required_argument, NULL, 'f'},
        {"detach", no_argument, NULL, 'd'},               {"tty", no_argument, NULL, 't'},
        {NULL, 0, NULL, 0},
    };
    struct ctr__native_exec_opts o = {0};
    char *end = NULL;
    int c, status = 0;

    while ((c = getopt_long(argc, argv, "+p:dt", opts, NULL)) != -1) {
        if (c == 'p')
            o.process_file = optarg;
        else if (c == 'P')
            o.pid_file = optarg;
        else if (c == 'c')
            o.console_socket = optarg;
        else if (c == 'f' && (o.preserve_fds = (int)strtol(optarg, &end, 10)) >= 0 && !*end)
            continue;
        else if (c == 'd')
            o.detach = true;
        else if (c != 't')
            return usage(g, "exec: usage: exec --process FILE [--pid-file FILE] [--detach] "
                            "[--console-socket SOCKET] [--preserve-fds N] ID");
    }
    const char *id = one_id(argc, argv, optind);
    if (!id || !o.process_file)
        return usage(g, "exec: a --process FILE and one container ID are needed");
    int r = ctr__native_exec(g->root, id, &o, &status);
    return r < 0 ? finish(g, r) : status;
}

static int parse_signal(const char *s)
{
    char *end = NULL;
    long n = strtol(s, &end, 10);

    if (*s && !*end)
        return n > 0 && n < NSIG ? (int)n : -1;
    if (!strncasecmp(s, "SIG", 3))
        s += 3;
    for (int sig = 1; sig < SIGRTMIN; sig++) {
        const char *name = sigabbrev_np(sig);
        if (name && !strcasecmp(name, s))
            return sig;
    }
    return -1;
}

static int cmd_kill(const struct global *g, int argc, char **argv)
{
    static const struct option opts[] = {{"all", no_argument, NULL, 'a'}, {NULL, 0, NULL, 0}};
    bool all = false;
    int c, sig = SIGTERM;

    while ((c = getopt_long(argc, argv, "+a", opts, NULL)) != -1)
        if (c == 'a')
            all = true;
        else
            return usage(g, "kill: usage: kill [--all] ID [SIGNAL]");
    if (optind >= argc || argc - optind > 2)
        return usage(g, "kill: usage: kill [--all] ID [SIGNAL]");
    if (argc - optind == 2 && (sig = parse_signal(argv[optind + 1])) < 0)
        return usage(g, "kill: unknown signal");
    return finish(g, ctr__native_kill(g->root, argv[optind], sig, all));
}

static int cmd_delete(const struct global *g, int argc, char **argv)
{
    static const struct option opts[] = {{"force", no_argument, NULL, 'f'}, {NULL, 0, NULL, 0}};
    bool force = false;
    int c;

    while ((c = getopt_long(argc, argv, "+f", opts, NULL)) != -1)
        if (c == 'f')
            force = true;
        else
            return usage(g, "delete: usage: delete [--force] ID");
    const char *id = one_id(argc, argv, optind);
    if (!id)
        return usage(g, "delete: exactly one container ID is needed");
    return finish(g, ctr__native_delete(g->root, id, force));
}

static int cmd_state(const struct global *g, int argc, char **argv)
{
    json_object *o = NULL;
    const char *id = one_id(argc, argv, 1);

    if (!id)
        return usage(g, "state: exactly one container ID is needed");
    int r = ctr__native_state(g->root, id, &o);
    if (r == 0)
        printf("%s\n",
               json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
    json_object_put(o);
    return finish(g, r);
}

static int cmd_update(const struct global *g, int argc, char **argv)
{
    static const struct option opts[] = {{"resources", required_argument, NULL, 'r'}, {NULL, 0, NULL, 0}};
    const char *file = NULL;
    _cleanup_free_ char *text = NULL;
    _cleanup_json_ json_object *res = NULL;
    int c;

    while ((c = getopt_long(argc, argv, "+r:", opts, NULL)) != -1)
        if (c == 'r')
            file = optarg;
        else
            return usage(g, "update: usage: update --resources FILE ID");
    const char *id = one_id(argc, argv, optind);
    if (!id || !file)
        return usage(g, "update: usage: update --resources FILE ID");
    int r = streq(file, "-") ? ctr__read_fd(0, &text, NULL) : ctr__read_file_at(AT_FDCWD, file, &text, NULL);
    if (r < 0)
        return finish(g, ctr__err(r, "reading %s: %s", file, strerror(-r)));
    r = ctr__json_parse(text, file, &res);
    if (r == 0)
        r = ctr__native_update(g->root, id, res);
    return finish(g, r);
}

static int cmd_simple(const struct global *g, const char *cmd, int argc, char **argv)
{
    const char *id = one_id(argc, argv, 1);

    if (!id)
        return usage(g, "exactly one container ID is needed");
    if (streq(cmd, "start"))
        return finish(g, ctr__native_start(g->root, id));
    if (streq(cmd, "pause"))
        return finish(g, ctr__native_pause(g->root, id, true));
    return finish(g, ctr__native_pause(g->root, id, false));
}

/* The states of @ids (NULL entries for those gone meanwhile). */
static json_object *list_states(const struct global *g, char **ids)
{
    json_object *arr = json_object_new_array();
    for (size_t i = 0; arr && ids[i]; i++) {
        json_object *o = NULL;
        if (ctr__native_state(g->root, ids[i], &o) == 0) {
            (void)json_object_object_add(o, "owner", json_object_new_string("root"));
            json_object_array_add(arr, o);
        }
    }
    return arr;
}

/* A member of a state as text (the PID too), "" when absent. */
static const char *cell(json_object *o, const char *key)
{
    const char *v = json_object_get_string(json_object_object_get(o, key));
    return v ? v : "";
}

/* runc's table: Go's tabwriter with a minimum width of 12 and a padding
 * of 3, the last column as it is. */
static void print_table(json_object *states)
{
    static const char *const keys[] = {"id", "pid", "status", "bundle", "created", "owner"};
    static const char *const heads[] = {"ID", "PID", "STATUS", "BUNDLE", "CREATED", "OWNER"};
    size_t n = json_object_array_length(states), width[5];

    for (size_t k = 0; k < 5; k++) {
        width[k] = strlen(heads[k]);
        for (size_t i = 0; i < n; i++) {
            const char *v = cell(json_object_array_get_idx(states, i), keys[k]);
            size_t len = strlen(v);
            width[k] = len > width[k] ? len : width[k];
        }
        width[k] = width[k] + 3 > 12 ? width[k] + 3 : 12;
    }
    for (size_t i = 0; i <= n; i++) {
        json_object *o = i ? json_object_array_get_idx(states, i - 1) : NULL;
        for (size_t k = 0; k < 6; k++) {
            const char *v = o ? cell(o, keys[k]) : heads[k];
            if (k < 5)
                printf("%-*s", (int)width[k], v);
            else
                printf("%s\n", v);
        }
    }
}

static int cmd_list(const struct global *g, int argc, char **argv)
{
    static const struct option opts[] = {
        {"quiet", no_argument, NULL, 'q'}, {"format", required_argument, NULL, 'f'}, {NULL, 0, NULL, 0}};
    const char *format = "table";
    bool quiet = false;
    int c;

    while ((c = getopt_long(argc, argv, "+qf:", opts, NULL)) != -1)
        if (c == 'q')
            quiet = true;
        else if (c == 'f')
            format = optarg;
        else
            return usage(g, "list: usage: list [--quiet] [--format table|json]");
    if (optind < argc || (!streq(format, "table") && !streq(format, "json")))
        return usage(g, "list: usage: list [--quiet] [--format table|json]");
    _cleanup_strv_ char **ids = NULL;
    int r = ctr__native_list(g->root, &ids);
    _cleanup_json_ json_object *states = r == 0 ? list_states(g, ids) : NULL;
    if (r == 0 && !states)
        r = ctr__oom("the list");
    for (size_t i = 0; r == 0 && quiet && i < json_object_array_length(states); i++)
        printf("%s\n", ctr__json_str(json_object_array_get_idx(states, i), "id"));
    int flags = JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE;
    if (r == 0 && !quiet && streq(format, "json")) /* none: null, as runc's Go prints it */
        printf("%s\n", json_object_array_length(states) ? json_object_to_json_string_ext(states, flags) : "null");
    else if (r == 0 && !quiet)
        print_table(states);
    return finish(g, r);
}

static int cmd_features(void)
{
    printf("{\"ociVersionMin\":\"1.0.0\",\"ociVersionMax\":\"1.0.2\","
           "\"hooks\":[],\"mountOptions\":[\"async\",\"atime\",\"bind\",\"defaults\",\"dev\",\"diratime\","
           "\"dirsync\",\"exec\",\"mand\",\"noatime\",\"nodev\",\"nodiratime\",\"noexec\",\"nomand\","
           "\"norelatime\",\"nostrictatime\",\"nosuid\",\"private\",\"rbind\",\"relatime\",\"remount\","
           "\"ro\",\"rprivate\",\"rshared\",\"rslave\",\"runbindable\",\"rw\",\"shared\",\"slave\","
           "\"strictatime\",\"suid\",\"sync\",\"tmpcopyup\",\"unbindable\"],"
           "\"linux\":{\"namespaces\":[\"cgroup\",\"ipc\",\"mount\",\"network\",\"pid\",\"uts\"],"
           "\"cgroup\":{\"v1\":true,\"v2\":true,\"systemd\":false},"
           "\"seccomp\":{\"enabled\":true},\"apparmor\":{\"enabled\":false},\"selinux\":{\"enabled\":false}}}\n");
    return 0;
}

static int run_command(const struct global *g, const char *cmd, int argc, char **argv)
{
    if (streq(cmd, "create"))
        return cmd_create(g, argc, argv);
    if (streq(cmd, "start") || streq(cmd, "pause") || streq(cmd, "resume"))
        return cmd_simple(g, cmd, argc, argv);
    if (streq(cmd, "state"))
        return cmd_state(g, argc, argv);
    if (streq(cmd, "kill"))
        return cmd_kill(g, argc, argv);
    if (streq(cmd, "exec"))
        return cmd_exec(g, argc, argv);
    if (streq(cmd, "delete"))
        return cmd_delete(g, argc, argv);
    if (streq(cmd, "update"))
        return cmd_update(g, argc, argv);
    if (streq(cmd, "list"))
        return cmd_list(g, argc, argv);
    if (streq(cmd, "features"))
        return cmd_features();
    return usage(g, "unknown command; commands: create start state exec kill delete pause resume update "
                    "list features");
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        {"root", required_argument, NULL, 'r'},  {"log", required_argument, NULL, 'l'},
        {"log-format", required_argument, NULL, 'F'}, {"debug", no_argument, NULL, 'd'},
        {"systemd-cgroup", no_argument, NULL, 's'}, {"version", no_argument, NULL, 'v'},
        {NULL, 0, NULL, 0},
    };
    struct global g = {.root = DEFAULT_ROOT};
    int c;

    while ((c = getopt_long(argc, argv, "+v", opts, NULL)) != -1) {
        if (c == 'r')
            g.root = optarg;
        else if (c == 'l')
            g.log = optarg;
        else if (c == 'F' && (streq(optarg, "json") || streq(optarg, "text")))
            g.json_log = streq(optarg, "json");
        else if (c == 'v') {
            printf("ctr-oci version %s\nspec: 1.0.2\n", VERSION);
            return 0;
        } else if (c == 's')
            return usage(&g, "--systemd-cgroup is not supported (cgroupfs only)");
        else if (c != 'd')
            return usage(&g, "bad global option; usage: ctr-oci [--root DIR] [--log FILE] "
                             "[--log-format text|json] COMMAND ...");
    }
    if (optind >= argc)
        return usage(&g, "no command given");
    const char *cmd = argv[optind];
    argc -= optind;
    argv += optind;
    optind = 0;
    return run_command(&g, cmd, argc, argv);
}
