/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* ctrctl logs: print what a container wrote, each stream to its own. */
#include "ctrctl.h"

#include <errno.h>
#include <getopt.h>
#include <string.h>

#define WRITE_FAILED 1 /* the callback's return when stdout or stderr fails */

struct log_out {
    bool timestamps, follow;
    FILE *last; /* flushed before the other stream is written: keeps the order */
};

static int print_line(int stream, int64_t timestamp, const char *data, size_t size, void *userdata)
{
    struct log_out *x = userdata;
    FILE *f = stream == CTR_STREAM_STDERR ? stderr : stdout;
    if (x->last && x->last != f)
        fflush(x->last);
    x->last = f;
    if (x->timestamps) {
        char buf[64];
        format_time(timestamp, buf, sizeof buf);
        fprintf(f, "%s ", buf);
    }
    fwrite(data, 1, size, f);
    fputc('\n', f);
    if (x->follow)
        fflush(f);
    return ferror(f) ? WRITE_FAILED : 0;
}

int print_logs(ctr_container_t *c, const ctr_logs_options_t *o, bool timestamps)
{
    struct log_out x = { .timestamps = timestamps, .follow = (o->flags & CTR_LOGS_FOLLOW) != 0 };
    int r = ctr_container_logs(c, o, print_line, &x);
    fflush(stdout);
    if (r == WRITE_FAILED)
        return ctrctl_error("writing the log: %s", strerror(errno));
    return r < 0 ? ctrctl_fail() : 0;
}

static const char logs_usage[] =
    "Usage: ctrctl logs [OPTIONS] CONTAINER\n\n"
    "Print a container's output: its stdout to stdout, its stderr to stderr.\n\n"
    "  -f, --follow          keep printing until the container exits\n"
    "      --since TIME      only lines since TIME: RFC 3339, Unix time, or a duration (10m, 1h30m)\n"
    "      --until TIME      only lines before TIME\n"
    "  -n, --tail N          only the last N lines\n"
    "  -t, --timestamps      prefix each line with its time\n";

int cmd_logs(ctrctl_t *g, int argc, char **argv)
{
    enum { OPT_SINCE = 256, OPT_UNTIL };
    static const struct option options[] = {
        { "follow", no_argument, NULL, 'f' },
        { "since", required_argument, NULL, OPT_SINCE },
        { "until", required_argument, NULL, OPT_UNTIL },
        { "tail", required_argument, NULL, 'n' },
        { "timestamps", no_argument, NULL, 't' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    ctr_logs_options_t lo = CTR_LOGS_OPTIONS_INIT;
    bool timestamps = false;
    int64_t now = now_ns();
    long n;
    int o;
    while ((o = ctrctl_getopt(argc, argv, "fn:th", options)) != -1) {
        switch (o) {
        case 'f': lo.flags |= CTR_LOGS_FOLLOW; break;
        case OPT_SINCE:
            if (parse_time("--since", optarg, now, &lo.since))
                return EXIT_ENGINE;
            lo.since = lo.since > 0 ? lo.since : 1; /* a duration longer than the epoch: all */
            break;
        case OPT_UNTIL:
            if (parse_time("--until", optarg, now, &lo.until))
                return EXIT_ENGINE;
            lo.until = lo.until > 0 ? lo.until : 1;
            break;
        case 'n':
            if (parse_uint("--tail", optarg, 1L << 30, &n))
                return EXIT_ENGINE;
            lo.tail = n;
            break;
        case 't': timestamps = true; break;
        case 'h': return ctrctl_help(logs_usage);
        default: return ctrctl_bad_usage(argv[0]);
        }
    }
    if (argc - optind != 1)
        return ctrctl_error("logs takes one container");
    ctr_container_t *c = NULL;
    int r = ctrctl_lookup(g, argv[optind], &c);
    if (r == 0)
        r = print_logs(c, &lo, timestamps);
    ctr_container_unref(c);
    return r;
}
