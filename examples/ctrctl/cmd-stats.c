/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* ctrctl stats: the resource use of containers (ctr_container_stats(),
 * ctr_container_stats_stream()) in podman 4.3's shapes: its table (ID NAME
 * CPU % MEM USAGE / LIMIT MEM % NET IO BLOCK IO PIDS CPU TIME AVG CPU %),
 * its JSON array of strings (id, name, cpu_time, cpu_percent, avg_cpu,
 * mem_usage, mem_percent, net_io, block_io, pids) and Go templates over its
 * containerStats fields (sizes and times as stats-format.h makes them).  A
 * container that is not running shows zeros, as podman's. */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "ctrctl.h"
#include "stats-format.h"
#include "template.h"

static const char stats_usage[] =
    "Usage: ctrctl stats [OPTIONS] [CONTAINER...]\n\n"
    "Display a live stream of containers' resource usage statistics.\n\n"
    "  -a, --all            all containers (only running ones are shown by default)\n"
    "      --format FORMAT  json (a JSON array), or a Go template run for each container:\n"
    "                       '{{.ID}} {{.CPUPerc}}', 'table {{.Name}}\\t{{.MemUsage}}'; fields: ID,\n"
    "                       ContainerID, Name, CPUPerc, AVGCPU, CPU, UpTime, MemUsage, MemUsageBytes,\n"
    "                       MemPerc, NetIO, BlockIO, PIDS\n"
    "  -i, --interval N     seconds between reports (default 5)\n"
    "      --no-reset       do not clear the screen between reports\n"
    "      --no-stream      print the first report only\n"
    "      --no-trunc       do not truncate IDs\n";

#define DEFAULT_TABLE                                                                                        \
    "table {{.ID}}\t{{.Name}}\t{{.CPUPerc}}\t{{.MemUsage}}\t{{.MemPerc}}\t{{.NetIO}}\t{{.BlockIO}}\t"        \
    "{{.PIDS}}\t{{.UpTime}}\t{{.AVGCPU}}"

static const char *const stats_headers[] = {
    "ID", "ID", "ContainerID", "CONTAINER ID", "Name", "NAME", "CPUPerc", "CPU %", "AVGCPU", "AVG CPU %",
    "CPU", "CPU", "UpTime", "CPU TIME", "MemUsage", "MEM USAGE / LIMIT", "MemUsageBytes", "MEM USAGE / LIMIT",
    "MemPerc", "MEM %", "NetIO", "NET IO", "BlockIO", "BLOCK IO", "PIDS", "PIDS", NULL,
};

static const tmpl_schema_t stats_schema = { TMPL_STRUCT, "containers.containerStats", NULL };
static const tmpl_schema_t header_schema = { TMPL_MAP, "map[string]string", NULL };

struct stats_args {
    bool all, stream, reset, trunc;
    const char *format;
    long interval;
};

/* One container's row: the strings podman shows, and the numbers behind them. */
struct row {
    char id[65], name[256], cpu_time[40], cpu_percent[32], avg_cpu[32], mem_usage[80], mem_bytes[80];
    char mem_percent[32], net_io[80], block_io[80], pids[24];
    double cpu;
};

static void fill_row(struct row *w, ctr_container_t *c, const ctr_stats_t *s, bool trunc)
{
    ctr_stats_t zero = { 0 };
    const ctr_stats_t *z = s ? s : &zero;
    snprintf(w->id, sizeof w->id, "%.*s", trunc ? 12 : 64, ctr_container_id(c));
    snprintf(w->name, sizeof w->name, "%s", ctr_container_name(c));
    stats_go_duration(z->cpu_ns, w->cpu_time, sizeof w->cpu_time);
    snprintf(w->cpu_percent, sizeof w->cpu_percent, "%.2f%%", z->cpu_percent);
    snprintf(w->avg_cpu, sizeof w->avg_cpu, "%.2f%%", z->avg_cpu_percent);
    stats_size_pair(stats_human_size, z->mem_usage, z->mem_limit, w->mem_usage, sizeof w->mem_usage);
    stats_size_pair(stats_bytes_size, z->mem_usage, z->mem_limit, w->mem_bytes, sizeof w->mem_bytes);
    snprintf(w->mem_percent, sizeof w->mem_percent, "%.2f%%", z->mem_percent);
    /* podman 4.3's order: its NetInput is the interfaces' transmitted bytes, NetOutput the received */
    stats_size_pair(stats_human_size, z->net_tx_bytes, z->net_rx_bytes, w->net_io, sizeof w->net_io);
    stats_size_pair(stats_human_size, z->block_read, z->block_write, w->block_io, sizeof w->block_io);
    snprintf(w->pids, sizeof w->pids, "%" PRIu64, z->pids_current);
    w->cpu = z->cpu_percent;
}

static void print_json(const struct row *rows, size_t n)
{
    printf("[");
    for (size_t i = 0; i < n; i++) {
        const struct row *w = &rows[i];
        const char *kv[] = { "id", w->id, "name", w->name, "cpu_time", w->cpu_time, "cpu_percent",
                             w->cpu_percent, "avg_cpu", w->avg_cpu, "mem_usage", w->mem_usage, "mem_percent",
                             w->mem_percent, "net_io", w->net_io, "block_io", w->block_io, "pids", w->pids };
        printf("%s\n {", i ? "," : "");
        for (size_t k = 0; k < sizeof kv / sizeof kv[0]; k += 2) {
            printf("%s\n  \"%s\": ", k ? "," : "", kv[k]);
            json_string(stdout, kv[k + 1]);
        }
        printf("\n }");
    }
    printf("%s]\n", n ? "\n" : "");
}

static int add_str(json_object *o, const char *k, const char *v)
{
    json_object *s = json_object_new_string(v);
    if (!s || json_object_object_add(o, k, s) < 0) {
        json_object_put(s);
        return -1;
    }
    return 0;
}

static json_object *row_doc(const struct row *w)
{
    json_object *o = json_object_new_object(), *cpu = json_object_new_double(w->cpu);
    const char *kv[] = { "ID", w->id, "ContainerID", w->id, "Name", w->name, "CPUPerc", w->cpu_percent,
                         "AVGCPU", w->avg_cpu, "UpTime", w->cpu_time, "MemUsage", w->mem_usage,
                         "MemUsageBytes", w->mem_bytes, "MemPerc", w->mem_percent, "NetIO", w->net_io,
                         "BlockIO", w->block_io, "PIDS", w->pids };
    bool ok = o && cpu && json_object_object_add(o, "CPU", cpu) == 0;
    if (!ok)
        json_object_put(cpu);
    for (size_t k = 0; ok && k < sizeof kv / sizeof kv[0]; k += 2)
        ok = add_str(o, kv[k], kv[k + 1]) == 0;
    if (ok)
        return o;
    json_object_put(o);
    return NULL;
}

static json_object *docs_of(const struct row *rows, size_t n, bool header)
{
    json_object *list = json_object_new_array();
    for (size_t i = 0; list && i < (header ? 1 : n); i++) {
        json_object *o = header ? json_object_new_object() : row_doc(&rows[i]);
        bool ok = o != NULL;
        for (const char *const *p = stats_headers; ok && header && *p; p += 2)
            ok = add_str(o, p[0], p[1]) == 0;
        if (!ok || json_object_array_add(list, o) < 0) {
            json_object_put(o);
            json_object_put(list);
            return NULL;
        }
    }
    return list;
}

/* Run the template over the rows (a table: the header row first, aligned).  0 or EXIT_ENGINE (printed). */
static int print_template(const tmpl_t *t, const struct row *rows, size_t n)
{
    bool table = tmpl_is_table(t);
    json_object *headers = table ? docs_of(NULL, 0, true) : NULL, *docs = docs_of(rows, n, false);
    int r = table && !headers ? ctrctl_error("out of memory")
                              : ctrctl_print_template(t, headers, &header_schema, docs, &stats_schema);
    json_object_put(headers);
    json_object_put(docs);
    return r;
}

struct report {
    const struct stats_args *a;
    const tmpl_t *t; /* NULL for JSON */
    ctr_container_t **cs;
    size_t n;
    struct row *rows;
    bool first;
};

static int report(struct report *rp, const ctr_stats_t *const *stats)
{
    for (size_t i = 0; i < rp->n; i++)
        fill_row(&rp->rows[i], rp->cs[i], stats[i], rp->a->trunc);
    if (rp->a->stream && rp->a->reset)
        fputs("\033[2J\033[1;1H", stdout); /* as podman's goterm: clear, cursor home */
    if (!rp->t) {
        print_json(rp->rows, rp->n);
        fflush(stdout);
        return 0;
    }
    return print_template(rp->t, rp->rows, rp->n);
}

static int on_round(const ctr_stats_t *const *stats, size_t n, void *userdata)
{
    (void)n;
    return report(userdata, stats) ? 1 : 0;
}

/* One report of every container: zeros for those not running.  0 or EXIT_ENGINE (printed). */
static int report_once(struct report *rp)
{
    ctr_stats_t **v = calloc(rp->n ? rp->n : 1, sizeof *v);
    if (!v)
        return ctrctl_error("out of memory");
    int r = 0;
    for (size_t i = 0; r == 0 && i < rp->n; i++) {
        int q = ctr_container_stats(rp->cs[i], NULL, &v[i]);
        if (q < 0 && q != -EBUSY)
            r = ctrctl_fail();
    }
    if (r == 0)
        r = report(rp, (const ctr_stats_t *const *)v);
    for (size_t i = 0; i < rp->n; i++)
        ctr_stats_free(v[i]);
    free(v);
    return r;
}

static int report_stream(struct report *rp)
{
    if (rp->n == 0)
        return report_once(rp);
    ctr_stats_options_t o = CTR_STATS_OPTIONS_INIT;
    o.interval_ms = (unsigned)rp->a->interval * 1000;
    int r = ctr_container_stats_stream(rp->cs, rp->n, &o, on_round, rp);
    return r < 0 ? ctrctl_fail() : 0;
}

/* Options; 0, HELP_SHOWN or EXIT_ENGINE (printed). */
static int stats_parse(int argc, char **argv, struct stats_args *a)
{
    enum { OPT_FORMAT = 256, OPT_NO_RESET, OPT_NO_STREAM, OPT_NO_TRUNC };
    static const struct option options[] = {
        { "all", no_argument, NULL, 'a' },
        { "format", required_argument, NULL, OPT_FORMAT },
        { "interval", required_argument, NULL, 'i' },
        { "no-reset", no_argument, NULL, OPT_NO_RESET },
        { "no-stream", no_argument, NULL, OPT_NO_STREAM },
        { "no-trunc", no_argument, NULL, OPT_NO_TRUNC },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    int o, r;
    while ((o = getopt_long(argc, argv, "ai:h", options, NULL)) != -1) {
        switch (o) {
        case 'a': a->all = true; break;
        case OPT_FORMAT: a->format = optarg; break;
        case 'i':
            if ((r = parse_uint("--interval", optarg, 86400, &a->interval)))
                return r;
            if (a->interval < 1)
                return ctrctl_error("invalid interval, must be a positive number greater zero");
            break;
        case OPT_NO_RESET: a->reset = false; break;
        case OPT_NO_STREAM: a->stream = false; break;
        case OPT_NO_TRUNC: a->trunc = false; break;
        case 'h': ctrctl_help(stats_usage); return HELP_SHOWN;
        default: return ctrctl_bad_usage(argv[0]);
        }
    }
    return 0;
}

static int keep_running(ctr_container_t *c, void *userdata)
{
    (void)userdata;
    ctr_state_t st = CTR_STATE_UNKNOWN;
    return ctr_container_state(c, &st) == 0 && st == CTR_STATE_RUNNING;
}

/* The containers named, or every running one (every one with --all). */
static int select_containers(ctrctl_t *g, const struct stats_args *a, char **names, size_t n_names,
                             ctr_container_t ***ret, size_t *ret_n)
{
    if (n_names == 0)
        return ctr_runtime_list(g->rt, a->all ? NULL : keep_running, NULL, ret, ret_n) < 0 ? ctrctl_fail() : 0;
    ctr_container_t **cs = calloc(n_names, sizeof *cs);
    if (!cs)
        return ctrctl_error("out of memory");
    for (size_t i = 0; i < n_names; i++) {
        int r = ctrctl_lookup(g, names[i], &cs[i]);
        if (r) {
            ctr_container_list_free(cs, i);
            return r;
        }
    }
    *ret = cs;
    *ret_n = n_names;
    return 0;
}

static int stats_run(struct report *rp)
{
    tmpl_t *t = NULL;
    const char *format = rp->a->format;
    if (format && tmpl_is_json(format))
        return rp->a->stream ? report_stream(rp) : report_once(rp);
    if (!format || !*format || strcmp(format, "table") == 0)
        format = DEFAULT_TABLE;
    char *error = NULL;
    int r = tmpl_parse(&t, "stats", format, &error);
    if (r < 0) {
        r = ctrctl_error("%s", r == -EINVAL ? error : "out of memory");
        free(error);
        return r;
    }
    rp->t = t;
    r = rp->a->stream ? report_stream(rp) : report_once(rp);
    tmpl_free(t);
    return r;
}

int cmd_stats(ctrctl_t *g, int argc, char **argv)
{
    struct stats_args a = { .stream = true, .reset = true, .trunc = true, .interval = 5 };
    int r = stats_parse(argc, argv, &a);
    if (r == HELP_SHOWN)
        return 0;
    if (r || (r = ctrctl_open(g)))
        return r;
    if (a.all && optind < argc)
        return ctrctl_error("--all, --latest and containers cannot be used together");
    struct report rp = { .a = &a };
    if ((r = select_containers(g, &a, argv + optind, (size_t)(argc - optind), &rp.cs, &rp.n)))
        return r;
    rp.rows = calloc(rp.n ? rp.n : 1, sizeof *rp.rows);
    r = rp.rows ? stats_run(&rp) : ctrctl_error("out of memory");
    free(rp.rows);
    ctr_container_list_free(rp.cs, rp.n);
    return r;
}
