/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* ctr-monitor's command line and reports (monitor.h); libc only. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "monitor.h"

void monitor_push(char ***v, size_t *n, const char *s)
{
    char **nv = realloc(*v, (*n + 2) * sizeof *nv);
    if (!nv)
        _exit(1);
    nv[(*n)++] = (char *)s;
    nv[*n] = NULL;
    *v = nv;
}

int monitor_env_fd(const char *name)
{
    const char *s = getenv(name);
    char *end;
    long v = s ? strtol(s, &end, 10) : -1;
    return s && *s && !*end && v > 2 && v < 1 << 20 ? (int)v : -1;
}


void monitor_write_all(int fd, const void *buf, size_t len)
{
    const char *p = buf;
    while (len > 0) {
        ssize_t n = write(fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return;
        p += n;
        len -= (size_t)n;
    }
}

/* A JSON string's body (quotes and controls escaped) into buf. */
static void json_escape(const char *s, char *buf, size_t size)
{
    size_t k = 0;
    for (; *s && k + 7 < size; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            k += (size_t)snprintf(buf + k, size - k, "\\%c", c);
        else if (c < 0x20)
            k += (size_t)snprintf(buf + k, size - k, "\\u%04x", c);
        else
            buf[k++] = (char)c;
    }
    buf[k] = '\0';
}

/* Now as RFC 3339 in UTC with nanoseconds (the runtime log's "time"). */
static void format_now(char *buf, size_t size)
{
    struct timespec ts;
    struct tm tm;
    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    snprintf(buf, size, "%04d-%02d-%02dT%02d:%02d:%02d.%09ldZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
             tm.tm_hour, tm.tm_min, tm.tm_sec, ts.tv_nsec);
}

/* ---- the command line ---- */

enum {
    O_API = 256, O_CONMON_PIDFILE, O_FULL_ATTACH, O_LOG_LEVEL, O_EXIT_DIR, O_EXIT_CMD, O_EXIT_ARG,
    O_LOG_SIZE, O_RUNTIME_ARG, O_IGNORED_ARG, O_RESTORE, O_EXEC_ATTACH, O_EXEC_SPEC,
};

static const struct option long_opts[] = {
    {"api-version", no_argument, NULL, O_API},          {"cid", required_argument, NULL, 'c'},
    {"cuuid", required_argument, NULL, 'u'},            {"runtime", required_argument, NULL, 'r'},
    {"bundle", required_argument, NULL, 'b'},           {"container-pidfile", required_argument, NULL, 'p'},
    {"conmon-pidfile", required_argument, NULL, O_CONMON_PIDFILE},
    {"full-attach", no_argument, NULL, O_FULL_ATTACH},  {"log-path", required_argument, NULL, 'l'},
    {"log-level", required_argument, NULL, O_LOG_LEVEL}, {"terminal", no_argument, NULL, 't'},
    {"stdin", no_argument, NULL, 'i'},                  {"name", required_argument, NULL, 'n'},
    {"exit-dir", required_argument, NULL, O_EXIT_DIR},  {"exit-command", required_argument, NULL, O_EXIT_CMD},
    {"exit-command-arg", required_argument, NULL, O_EXIT_ARG},
    {"log-size-max", required_argument, NULL, O_LOG_SIZE}, {"runtime-arg", required_argument, NULL, O_RUNTIME_ARG},
    {"runtime-opt", required_argument, NULL, O_IGNORED_ARG}, {"restore", required_argument, NULL, O_RESTORE},
    {"exec", no_argument, NULL, 'e'},                   {"exec-attach", no_argument, NULL, O_EXEC_ATTACH},
    {"exec-process-spec", required_argument, NULL, O_EXEC_SPEC}, {"timeout", required_argument, NULL, 'T'},
    {"syslog", no_argument, NULL, O_IGNORED_ARG + 100}, {NULL, 0, NULL, 0},
};

/* The runtime's global options, as conmon would pass them on: --root DIR,
 * --log FILE (--log-format json is the only format written). */
static void runtime_args(struct opts *o)
{
    for (size_t i = 0; i + 1 < o->n_rargs; i++) {
        if (strcmp(o->rargs[i], "--root") == 0)
            o->root = o->rargs[++i];
        else if (strcmp(o->rargs[i], "--log") == 0)
            o->oci_log = o->rargs[++i];
    }
}

static int parse_option(struct opts *o, int c)
{
    switch (c) {
    case 'c': o->cid = optarg; break;
    case 'b': o->bundle = optarg; break;
    case 'p': o->pidfile = optarg; break;
    case O_CONMON_PIDFILE: o->conmon_pidfile = optarg; break;
    case 'l': o->log = optarg; break;
    case 't': o->tty = true; break;
    case 'i': o->stdin_open = true; break;
    case O_EXIT_DIR: o->exit_dir = optarg; break;
    case O_EXIT_CMD: o->exit_command = optarg; break;
    case O_EXIT_ARG: monitor_push(&o->exit_args, &o->n_exit_args, optarg); break;
    case O_LOG_SIZE: o->log_size_max = strtoll(optarg, NULL, 10); break;
    case O_RUNTIME_ARG: monitor_push(&o->rargs, &o->n_rargs, optarg); break;
    case 'e': case O_RESTORE: case O_EXEC_ATTACH: case O_EXEC_SPEC: o->unsupported = true; break;
    case '?': return -1;
    default: break; /* -u, -r, -n, --api-version, --full-attach, --log-level, -T, --runtime-opt */
    }
    return 0;
}

int monitor_parse(struct opts *o, int argc, char **argv)
{
    int c;
    *o = (struct opts){ .root = CTR_MONITOR_DEFAULT_ROOT };
    while ((c = getopt_long(argc, argv, "c:u:r:b:p:l:tin:eT:", long_opts, NULL)) != -1)
        if (parse_option(o, c) < 0)
            return -1;
    runtime_args(o);
    if (!o->cid || !o->bundle || !o->pidfile || !o->exit_dir) {
        fprintf(stderr, "ctr-monitor: -c, -b, -p and --exit-dir are required\n");
        return -1;
    }
    if (o->log && strcmp(o->log, "none") != 0 && strncmp(o->log, "k8s-file:", 9) != 0 && o->log[0] != '/') {
        fprintf(stderr, "ctr-monitor: log driver '%s' not supported (k8s-file or none)\n", o->log);
        return -1;
    }
    return 0;
}

/* ---- the sync pipe and errors ---- */

void monitor_sync_send(int fd, int data, const char *message)
{
    char esc[2048], buf[2200];
    int n;
    if (fd < 0)
        return;
    if (message) {
        json_escape(message, esc, sizeof esc);
        n = snprintf(buf, sizeof buf, "{\"data\": %d, \"message\": \"%s\"}\n", data, esc);
    } else {
        n = snprintf(buf, sizeof buf, "{\"data\": %d}\n", data);
    }
    while (send(fd, buf, (size_t)n, MSG_NOSIGNAL) < 0 && errno == EINTR)
        ;
}

/* The runtime's JSON log line (ctr-oci's --log --log-format json). */
static void oci_log_error(const struct opts *o, const char *msg)
{
    char esc[2048], now[64];
    if (!o->oci_log)
        return;
    int fd = open(o->oci_log, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0)
        return;
    json_escape(msg, esc, sizeof esc);
    format_now(now, sizeof now);
    dprintf(fd, "{\"level\":\"error\",\"msg\":\"%s\",\"time\":\"%s\"}\n", esc, now);
    close(fd);
}

void monitor_fail(const struct opts *o, int sync, const char *msg)
{
    oci_log_error(o, msg);
    monitor_sync_send(sync, -1, msg);
    fprintf(stderr, "ctr-monitor: %s\n", msg);
    _exit(1);
}


void monitor_fds_format(const struct monitor_fds *f, char *buf, size_t size)
{
    const int *v = &f->sync;
    size_t k = 0;
    for (int i = 0; i < MONITOR_FDS_N && k < size; i++)
        k += (size_t)snprintf(buf + k, size - k, i ? ",%d" : "%d", v[i]);
}

int monitor_fds_parse(const char *s, struct monitor_fds *f)
{
    int *v = &f->sync;
    for (int i = 0; i < MONITOR_FDS_N; i++) {
        char *end;
        long n = strtol(s, &end, 10);
        if (end == s || n < -1 || n > 1 << 20 || (*end != (i + 1 < MONITOR_FDS_N ? ',' : '\0')))
            return -1;
        v[i] = (int)n;
        s = end + 1;
    }
    return 0;
}
