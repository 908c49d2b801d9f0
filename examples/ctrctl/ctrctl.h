/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* ctrctl: a podman-like command line over libctr's public API.  Shared
 * declarations of the verbs and helpers. */
#pragma once

#include <getopt.h>
#include <libctr/ctr.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/* Exit codes, as podman's. */
#define EXIT_ENGINE 125     /* the engine (libctr) or the command line failed */
#define EXIT_CANNOT_RUN 126 /* the command exists but cannot be executed */
#define EXIT_NOT_FOUND 127  /* the command was not found */
/* What option parsers return when they printed --help (never an exit code). */
#define HELP_SHOWN (-1)

/* Global options and the runtime, opened on demand. */
typedef struct ctrctl {
    ctr_runtime_options_t ro;
    ctr_runtime_t *rt;
    int log_level;
} ctrctl_t;

/* A verb: argv[0] is the verb's name; options start at argv[1] and getopt
 * has been reset (optind = 0).  Returns the process's exit code. */
typedef int (*ctrctl_verb_fn)(ctrctl_t *g, int argc, char **argv);

/* ---- ctrctl.c ---- */

/* Print "Error: " and the library's last error message; return EXIT_ENGINE. */
int ctrctl_fail(void);
/* Print "Error: " and a formatted message; return EXIT_ENGINE. */
int ctrctl_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Print a verb's usage to stdout and return 0 (for -h). */
int ctrctl_help(const char *usage);
/* getopt_long() whose complaints are printed as podman's ("Error: unknown
 * flag: --x", "Error: flag needs an argument: 'm' in -m"); '?' after one. */
int ctrctl_getopt(int argc, char **argv, const char *optstring, const struct option *longopts);
/* After ctrctl_getopt() complained: point at --help and return EXIT_ENGINE. */
int ctrctl_bad_usage(const char *verb);
/* Open the runtime (once).  0, or EXIT_ENGINE after printing the error. */
int ctrctl_open(ctrctl_t *g);
/* Look a container up by ID, ID prefix or name.  0 or EXIT_ENGINE (printed). */
int ctrctl_lookup(ctrctl_t *g, const char *name, ctr_container_t **ret);

/* ---- util.c ---- */

/* A growable NULL-terminated array of strings (copies). */
typedef struct strv {
    char **v;
    size_t n;
} strv_t;
/* 0, or -1 when out of memory (printed). */
int strv_push(strv_t *s, const char *str);
void strv_clear(strv_t *s);

/* A signal by name ("KILL", "SIGKILL", "kill", "RTMIN+3") or number.
 * 0, or EXIT_ENGINE after printing a clear error. */
int parse_signal(const char *s, int *ret);
/* A non-negative integer no larger than max.  0, or EXIT_ENGINE (printed;
 * what names the option). */
int parse_uint(const char *what, const char *s, long max, long *ret);
/* A Go duration ("30s", "1m30s", "500ms", "0") in nanoseconds.  0, or
 * EXIT_ENGINE (printed; what names the option). */
int parse_duration(const char *what, const char *s, int64_t *ret);
/* --since/--until: an RFC 3339 time, a date, a Unix time, or a duration
 * before now ("10m", "1h30m", "5s").  0, or EXIT_ENGINE (printed). */
int parse_time(const char *what, const char *s, int64_t now_ns, int64_t *ret);

/* Run the --format template t over the header document (NULL: none) and
 * the documents docs (NULL: out of memory), align a table, print what was
 * made (before an error too, as podman does) and the error.  0 or
 * EXIT_ENGINE (printed). */
struct tmpl;
struct tmpl_schema;
struct json_object;
int ctrctl_print_template(const struct tmpl *t, struct json_object *headers, const struct tmpl_schema *header_schema,
                          struct json_object *docs, const struct tmpl_schema *schema);

/* Nanoseconds since the epoch. */
int64_t now_ns(void);
/* "3 seconds", "About a minute", "2 hours" (like go-units HumanDuration). */
void human_duration(int64_t ns, char *buf, size_t size);
/* RFC 3339 UTC time with nanoseconds. */
void format_time(int64_t ns, char *buf, size_t size);
/* Write s as a JSON string (quoted and escaped); NULL writes null. */
void json_string(FILE *f, const char *s);

/* Exit code for a failed start/init: 127 when the library says the command
 * was not found, 126 when it cannot be executed, else EXIT_ENGINE.  Call
 * right after the failing call (reads ctr_error_last()). */
int start_error_exit_code(void);

/* ---- session.c: the local terminal and signals while attached ---- */

typedef struct session session_t;
/* Begin: with raw, put stdin's terminal (if it is one) in raw mode; with
 * resize, forward the terminal's size (now and on SIGWINCH) to c's
 * terminal; with proxy, forward SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1
 * and SIGUSR2 to the container.  NULL on failure (printed). */
session_t *session_begin(ctrctl_t *g, ctr_container_t *c, bool raw, bool resize, bool proxy);
/* Send the local terminal's size to the container's (once it runs);
 * best effort.  NULL allowed. */
void session_resize(session_t *s);
/* Restore the terminal and signals; NULL allowed. */
void session_end(session_t *s);

/* ---- net-args.c: the network options of create and run ---- */

typedef struct net_args {
    bool mode_set;
    char mode[16];      /* bridge, none, host, container, ns */
    char *target;       /* container:ID or ns:PATH */
    strv_t networks, dns, dns_search, dns_options, add_hosts;
    ctr_port_mapping_t *ports;
    size_t n_ports;
    strv_t strings;     /* host IP and protocol of each port mapping */
} net_args_t;
enum { OPT_NET_NETWORK = 512, OPT_NET_DNS, OPT_NET_DNS_SEARCH, OPT_NET_DNS_OPTION, OPT_NET_ADD_HOST };
/* getopt_long entries (short option: -p). */
#define NET_OPTIONS                                                    \
    { "network", required_argument, NULL, OPT_NET_NETWORK },          \
    { "net", required_argument, NULL, OPT_NET_NETWORK },              \
    { "publish", required_argument, NULL, 'p' },                      \
    { "dns", required_argument, NULL, OPT_NET_DNS },                  \
    { "dns-search", required_argument, NULL, OPT_NET_DNS_SEARCH },    \
    { "dns-option", required_argument, NULL, OPT_NET_DNS_OPTION },    \
    { "add-host", required_argument, NULL, OPT_NET_ADD_HOST }
extern const char net_args_usage[];
/* Handle one option: 0, 1 when it is not a network option, or EXIT_ENGINE (printed). */
int net_args_option(net_args_t *n, int opt, const char *arg);
/* Fill the container options (pointers into n).  0 or EXIT_ENGINE (printed). */
int net_args_apply(net_args_t *n, ctr_container_options_t *o);
void net_args_clear(net_args_t *n);


/* ---- the option groups of create and run, one file each ----
 * Each group has a struct of what it collected, an option enum range, a
 * getopt_long table macro, a usage text, and three functions: _option()
 * handles one option (0, 1 when it is not the group's, or EXIT_ENGINE,
 * printed); _apply() points the container options at what it collected (0
 * or EXIT_ENGINE, printed); _clear() frees it. */

/* mount-args.c: -v/--volume, --mount, --tmpfs, --image-volume. */
typedef struct mount_args {
    ctr_mount_t *mounts;
    size_t n_mounts;
    strv_t strings;      /* what mounts point into */
    /* --image-volume: podman's default bind (anonymous volumes), tmpfs, ignore */
    enum { IMAGE_VOLUME_BIND, IMAGE_VOLUME_TMPFS, IMAGE_VOLUME_IGNORE } image_volume;
} mount_args_t;
enum { OPT_MNT_MOUNT = 600, OPT_MNT_TMPFS, OPT_MNT_IMAGE_VOLUME };
#define MOUNT_OPTIONS                                              \
    { "volume", required_argument, NULL, 'v' },                    \
    { "mount", required_argument, NULL, OPT_MNT_MOUNT },           \
    { "tmpfs", required_argument, NULL, OPT_MNT_TMPFS },           \
    { "image-volume", required_argument, NULL, OPT_MNT_IMAGE_VOLUME }
extern const char mount_args_usage[];
int mount_args_option(mount_args_t *m, int opt, const char *arg);
int mount_args_apply(mount_args_t *m, ctr_container_options_t *o);
void mount_args_clear(mount_args_t *m);

/* resource-args.c: --memory ... --ulimit, --device, --device-cgroup-rule, --shm-size, --oom-*. */
typedef struct resource_args {
    ctr_ulimit_t *ulimits;
    size_t n_ulimits;
    ctr_throttle_device_t *throttles[4]; /* read bps, write bps, read iops, write iops */
    size_t n_throttles[4];
    ctr_weight_device_t *weights;
    size_t n_weights;
    strv_t devices, rules, strings;
    double cpus;
    ctr_container_options_t v; /* the other values collected, copied into the options by apply */
} resource_args_t;
enum { OPT_RES_MEMORY = 700, OPT_RES_MEMORY_SWAP, OPT_RES_MEMORY_RESERVATION, OPT_RES_KERNEL_MEMORY, OPT_RES_CPUS,
       OPT_RES_CPU_SHARES, OPT_RES_CPU_PERIOD, OPT_RES_CPU_QUOTA, OPT_RES_CPUSET_CPUS, OPT_RES_CPUSET_MEMS,
       OPT_RES_PIDS_LIMIT, OPT_RES_BLKIO_WEIGHT, OPT_RES_BLKIO_WEIGHT_DEVICE, OPT_RES_READ_BPS, OPT_RES_WRITE_BPS,
       OPT_RES_READ_IOPS, OPT_RES_WRITE_IOPS, OPT_RES_OOM_SCORE_ADJ, OPT_RES_OOM_KILL_DISABLE, OPT_RES_ULIMIT,
       OPT_RES_DEVICE, OPT_RES_DEVICE_CGROUP_RULE, OPT_RES_SHM_SIZE };
#define RESOURCE_OPTIONS                                                          \
    { "memory", required_argument, NULL, 'm' },                                   \
    { "memory-swap", required_argument, NULL, OPT_RES_MEMORY_SWAP },              \
    { "memory-reservation", required_argument, NULL, OPT_RES_MEMORY_RESERVATION }, \
    { "kernel-memory", required_argument, NULL, OPT_RES_KERNEL_MEMORY },          \
    { "cpus", required_argument, NULL, OPT_RES_CPUS },                            \
    { "cpu-shares", required_argument, NULL, 'c' },                               \
    { "cpu-period", required_argument, NULL, OPT_RES_CPU_PERIOD },                \
    { "cpu-quota", required_argument, NULL, OPT_RES_CPU_QUOTA },                  \
    { "cpuset-cpus", required_argument, NULL, OPT_RES_CPUSET_CPUS },              \
    { "cpuset-mems", required_argument, NULL, OPT_RES_CPUSET_MEMS },              \
    { "pids-limit", required_argument, NULL, OPT_RES_PIDS_LIMIT },                \
    { "blkio-weight", required_argument, NULL, OPT_RES_BLKIO_WEIGHT },            \
    { "blkio-weight-device", required_argument, NULL, OPT_RES_BLKIO_WEIGHT_DEVICE }, \
    { "device-read-bps", required_argument, NULL, OPT_RES_READ_BPS },             \
    { "device-write-bps", required_argument, NULL, OPT_RES_WRITE_BPS },           \
    { "device-read-iops", required_argument, NULL, OPT_RES_READ_IOPS },           \
    { "device-write-iops", required_argument, NULL, OPT_RES_WRITE_IOPS },         \
    { "oom-score-adj", required_argument, NULL, OPT_RES_OOM_SCORE_ADJ },          \
    { "oom-kill-disable", no_argument, NULL, OPT_RES_OOM_KILL_DISABLE },          \
    { "ulimit", required_argument, NULL, OPT_RES_ULIMIT },                        \
    { "device", required_argument, NULL, OPT_RES_DEVICE },                        \
    { "device-cgroup-rule", required_argument, NULL, OPT_RES_DEVICE_CGROUP_RULE }, \
    { "shm-size", required_argument, NULL, OPT_RES_SHM_SIZE }
extern const char resource_args_usage[];
int resource_args_option(resource_args_t *r, int opt, const char *arg);
int resource_args_apply(resource_args_t *r, ctr_container_options_t *o);
void resource_args_clear(resource_args_t *r);

/* security-args.c: --cap-add, --cap-drop, --security-opt, --group-add, --sysctl, --read-only-tmpfs. */
typedef struct security_args {
    strv_t cap_add, cap_drop, mask, unmask, group_add, sysctls, strings;
    const char *seccomp, *apparmor;
} security_args_t;
enum { OPT_SEC_CAP_ADD = 800, OPT_SEC_CAP_DROP, OPT_SEC_SECURITY_OPT, OPT_SEC_GROUP_ADD, OPT_SEC_SYSCTL,
       OPT_SEC_READ_ONLY_TMPFS };
#define SECURITY_OPTIONS                                             \
    { "cap-add", required_argument, NULL, OPT_SEC_CAP_ADD },         \
    { "cap-drop", required_argument, NULL, OPT_SEC_CAP_DROP },       \
    { "security-opt", required_argument, NULL, OPT_SEC_SECURITY_OPT }, \
    { "group-add", required_argument, NULL, OPT_SEC_GROUP_ADD },     \
    { "sysctl", required_argument, NULL, OPT_SEC_SYSCTL },           \
    { "read-only-tmpfs", optional_argument, NULL, OPT_SEC_READ_ONLY_TMPFS }
extern const char security_args_usage[];
int security_args_option(security_args_t *s, ctr_container_options_t *o, int opt, const char *arg);
int security_args_apply(security_args_t *s, ctr_container_options_t *o);
void security_args_clear(security_args_t *s);

/* process-args.c: --entrypoint, --env-file, --init, --init-path, --umask, --tz, --annotation,
 * --domainname, --restart, --health-*, --no-healthcheck. */
typedef struct process_args {
    strv_t entrypoint, env_file_env, annotations, health_cmd, strings;
    bool entrypoint_set;
    const char *health_arg;                       /* --health-cmd as given */
    int64_t health_interval, health_timeout, health_start_period;
    long health_retries;
    bool no_healthcheck;
    char restart[32];                             /* the policy of --restart without ":N" */
} process_args_t;
enum { OPT_PROC_ENTRYPOINT = 900, OPT_PROC_ENV_FILE, OPT_PROC_INIT, OPT_PROC_INIT_PATH, OPT_PROC_UMASK, OPT_PROC_TZ,
       OPT_PROC_ANNOTATION, OPT_PROC_DOMAINNAME, OPT_PROC_RESTART, OPT_PROC_HEALTH_CMD, OPT_PROC_HEALTH_INTERVAL,
       OPT_PROC_HEALTH_TIMEOUT, OPT_PROC_HEALTH_START_PERIOD, OPT_PROC_HEALTH_RETRIES, OPT_PROC_NO_HEALTHCHECK,
       OPT_PROC_HEALTH_ON_FAILURE };
#define PROCESS_OPTIONS                                                            \
    { "entrypoint", required_argument, NULL, OPT_PROC_ENTRYPOINT },                \
    { "env-file", required_argument, NULL, OPT_PROC_ENV_FILE },                    \
    { "init", no_argument, NULL, OPT_PROC_INIT },                                  \
    { "init-path", required_argument, NULL, OPT_PROC_INIT_PATH },                  \
    { "umask", required_argument, NULL, OPT_PROC_UMASK },                          \
    { "tz", required_argument, NULL, OPT_PROC_TZ },                                \
    { "annotation", required_argument, NULL, OPT_PROC_ANNOTATION },                \
    { "domainname", required_argument, NULL, OPT_PROC_DOMAINNAME },                \
    { "restart", required_argument, NULL, OPT_PROC_RESTART },                      \
    { "health-cmd", required_argument, NULL, OPT_PROC_HEALTH_CMD },                \
    { "health-interval", required_argument, NULL, OPT_PROC_HEALTH_INTERVAL },      \
    { "health-timeout", required_argument, NULL, OPT_PROC_HEALTH_TIMEOUT },        \
    { "health-start-period", required_argument, NULL, OPT_PROC_HEALTH_START_PERIOD }, \
    { "health-retries", required_argument, NULL, OPT_PROC_HEALTH_RETRIES },        \
    { "no-healthcheck", no_argument, NULL, OPT_PROC_NO_HEALTHCHECK },               \
    { "health-on-failure", required_argument, NULL, OPT_PROC_HEALTH_ON_FAILURE }
extern const char process_args_usage[];
int process_args_option(process_args_t *p, ctr_container_options_t *o, int opt, const char *arg);
int process_args_apply(process_args_t *p, ctr_container_options_t *o);
void process_args_clear(process_args_t *p);

/* ---- cmd-create.c ---- */

/* ctrctl's own argv (NULL-terminated), for the containers' CreateCommand. */
extern const char *const *ctrctl_command_line;

/* Options of create and run. */
typedef struct create_args {
    ctr_container_options_t o;
    net_args_t net;
    mount_args_t mnt;
    resource_args_t res;
    security_args_t sec;
    process_args_t proc;
    strv_t env, labels, command;
    bool rm, detach, interactive, tty;
    const char *detach_keys;
    const char *pull;      /* --pull POLICY, NULL: missing */
    const char *pod;       /* --pod POD or new:NAME */
    char *pulled_id;       /* the image pulled by ID (a digest pull names none) */
} create_args_t;
/* Parse create/run options and positionals (run: also --rm, -d,
 * --detach-keys).  0, HELP_SHOWN, or EXIT_ENGINE (printed). */
int create_args_parse(create_args_t *a, int argc, char **argv, bool run);
void create_args_clear(create_args_t *a);

/* ---- cmd-run.c ---- */

/* Start c attached to its streams (stdin too when interactive; a terminal
 * with tty) and wait for it.  Returns its exit code, or EXIT_ENGINE, 126 or
 * 127 (printed); or 0 with *ret_detached set when the detach keys were
 * typed (it still runs). */
int attach_and_start(ctrctl_t *g, ctr_container_t *c, bool interactive, bool tty, const char *detach_keys,
                     bool *ret_detached);

/* ---- cmd-logs.c ---- */

/* Print c's log: stdout lines to stdout, stderr lines to stderr, in order.
 * 0, or EXIT_ENGINE (printed). */
int print_logs(ctr_container_t *c, const ctr_logs_options_t *o, bool timestamps);

/* ---- the verbs ---- */
int cmd_create(ctrctl_t *g, int argc, char **argv);
int cmd_run(ctrctl_t *g, int argc, char **argv);
int cmd_start(ctrctl_t *g, int argc, char **argv);
int cmd_attach(ctrctl_t *g, int argc, char **argv);
int cmd_init(ctrctl_t *g, int argc, char **argv);
int cmd_stop(ctrctl_t *g, int argc, char **argv);
int cmd_restart(ctrctl_t *g, int argc, char **argv);
int cmd_kill(ctrctl_t *g, int argc, char **argv);
int cmd_pause(ctrctl_t *g, int argc, char **argv);
int cmd_unpause(ctrctl_t *g, int argc, char **argv);
int cmd_wait(ctrctl_t *g, int argc, char **argv);
int cmd_rm(ctrctl_t *g, int argc, char **argv);
int cmd_rename(ctrctl_t *g, int argc, char **argv);
int cmd_exec(ctrctl_t *g, int argc, char **argv);
int cmd_logs(ctrctl_t *g, int argc, char **argv);
int cmd_ps(ctrctl_t *g, int argc, char **argv);
int cmd_inspect(ctrctl_t *g, int argc, char **argv);
int cmd_network(ctrctl_t *g, int argc, char **argv);
int cmd_port(ctrctl_t *g, int argc, char **argv);
int cmd_top(ctrctl_t *g, int argc, char **argv);
int cmd_healthcheck(ctrctl_t *g, int argc, char **argv);
int cmd_cp(ctrctl_t *g, int argc, char **argv);
int cmd_update(ctrctl_t *g, int argc, char **argv);
int cmd_stats(ctrctl_t *g, int argc, char **argv);
int cmd_container(ctrctl_t *g, int argc, char **argv);
/* The top-level verb of that name, or NULL. */
ctrctl_verb_fn ctrctl_find_verb(const char *name);
int cmd_volume(ctrctl_t *g, int argc, char **argv);
int cmd_pod(ctrctl_t *g, int argc, char **argv);
/* cmd-kube.c */
int cmd_kube(ctrctl_t *g, int argc, char **argv);
/* ctrctl pod stats (cmd-pod-stats.c): argv[0] is "stats". */
int cmd_pod_stats(ctrctl_t *g, int argc, char **argv);
/* Print a process table as podman's top does, and free it.  0 or EXIT_ENGINE. */
int ctrctl_print_top(ctr_top_t *t);
/* create/run --pod new:NAME: make the pod NAME (default settings; the
 * network of $CTRCTL_NETWORK when it is none or host).  0 for another
 * --pod, or EXIT_ENGINE (printed). */
int ctrctl_pod_for_create(ctrctl_t *g, const char *pod_arg);
/* cmd-image.c, cmd-storage.c */
/* A progress bar on stderr when it is a terminal (userdata: see cmd-image.c). */
int progress_cb(uint64_t done, uint64_t total, void *userdata);
int cmd_image(ctrctl_t *g, int argc, char **argv);
int cmd_images(ctrctl_t *g, int argc, char **argv);
int cmd_export(ctrctl_t *g, int argc, char **argv);
int cmd_diff(ctrctl_t *g, int argc, char **argv);
int cmd_events(ctrctl_t *g, int argc, char **argv);
int cmd_commit(ctrctl_t *g, int argc, char **argv);
int cmd_mount(ctrctl_t *g, int argc, char **argv);
int cmd_umount(ctrctl_t *g, int argc, char **argv);
/* transfer.c: the report of a pull or push (podman's lines; live bars per
 * blob on a terminal).  _init() then hand ctrctl_transfer_progress() and the
 * struct to the registry options; _clear() frees it. */
struct transfer_line;
struct ctrctl_transfer {
    bool quiet, tty, push;
    struct transfer_line *lines;
    size_t n_lines, drawn;
};
void ctrctl_transfer_init(struct ctrctl_transfer *t, bool quiet, bool push);
int ctrctl_transfer_progress(const ctr_transfer_progress_t *p, void *userdata);
void ctrctl_transfer_clear(struct ctrctl_transfer *t);
/* cmd-pull.c */
int cmd_pull(ctrctl_t *g, int argc, char **argv);
int cmd_push(ctrctl_t *g, int argc, char **argv);
int cmd_login(ctrctl_t *g, int argc, char **argv);
int cmd_logout(ctrctl_t *g, int argc, char **argv);
/* create/run --pull: find or pull a->o.image by a->pull.  0 or EXIT_ENGINE (printed). */
int ctrctl_pull_for_create(ctrctl_t *g, create_args_t *a);
