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
/* --since/--until: an RFC 3339 time, a date, a Unix time, or a duration
 * before now ("10m", "1h30m", "5s").  0, or EXIT_ENGINE (printed). */
int parse_time(const char *what, const char *s, int64_t now_ns, int64_t *ret);

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

/* ---- cmd-create.c ---- */

/* Options of create and run. */
typedef struct create_args {
    ctr_container_options_t o;
    net_args_t net;
    strv_t env, labels, command;
    bool rm, detach, interactive, tty;
    const char *detach_keys;
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
int cmd_stop(ctrctl_t *g, int argc, char **argv);
int cmd_kill(ctrctl_t *g, int argc, char **argv);
int cmd_pause(ctrctl_t *g, int argc, char **argv);
int cmd_unpause(ctrctl_t *g, int argc, char **argv);
int cmd_wait(ctrctl_t *g, int argc, char **argv);
int cmd_rm(ctrctl_t *g, int argc, char **argv);
int cmd_exec(ctrctl_t *g, int argc, char **argv);
int cmd_logs(ctrctl_t *g, int argc, char **argv);
int cmd_ps(ctrctl_t *g, int argc, char **argv);
int cmd_inspect(ctrctl_t *g, int argc, char **argv);
int cmd_network(ctrctl_t *g, int argc, char **argv);
int cmd_port(ctrctl_t *g, int argc, char **argv);
/* cmd-image.c, cmd-storage.c */
/* A progress bar on stderr when it is a terminal (userdata: see cmd-image.c). */
int progress_cb(uint64_t done, uint64_t total, void *userdata);
int cmd_image(ctrctl_t *g, int argc, char **argv);
int cmd_images(ctrctl_t *g, int argc, char **argv);
int cmd_export(ctrctl_t *g, int argc, char **argv);
int cmd_commit(ctrctl_t *g, int argc, char **argv);
int cmd_mount(ctrctl_t *g, int argc, char **argv);
int cmd_umount(ctrctl_t *g, int argc, char **argv);
