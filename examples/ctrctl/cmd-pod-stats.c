/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* ctrctl pod stats: the resource use of the running containers of pods
 * (ctr_pod_stats()), the infra containers included, in podman 4.3's
 * shapes: its table (POD CID NAME CPU % MEM USAGE/ LIMIT MEM % NET IO
 * BLOCK IO PIDS, a row of "--" when there is nothing), its JSON array of
 * PodStatsReport objects (Pod, CID, Name, CPU, MemUsage, MemUsageBytes,
 * Mem, NetIO, BlockIO, PIDS: strings, IDs cut to 12) and Go templates
 * over those fields.  Sizes as ctrctl stats prints them (stats-format.h),
 * but "-- / --" for a pair of zeros and "--" for no PIDs, as podman.
 * Without pods named, every pod (podman's default); a stream takes a round
 * each second, as podman, each container's CPU use since the round before. */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ctrctl.h"
#include "stats-format.h"
#include "template.h"

static const char pod_stats_usage[] =
    "Usage: ctrctl pod stats [OPTIONS] [POD...]\n\n"
    "Display the resource use of the containers of pods (every pod when none is named).\n\n"
    "  -a, --all            every pod\n"
    "      --format FORMAT  json (a JSON array), or a Go template run for each container:\n"
    "                       '{{.Pod}} {{.CPU}}'; fields: Pod, CID, Name, CPU, MemUsage,\n"
    "                       MemUsageBytes, Mem, NetIO, BlockIO, PIDS\n"
    "      --no-reset       do not clear the screen between reports\n"
    "      --no-stream      print the first report only\n";

#define DEFAULT_TABLE                                                                                        \
    "table {{.Pod}}\t{{.CID}}\t{{.Name}}\t{{.CPU}}\t{{.MemUsage}}\t{{.Mem}}\t{{.NetIO}}\t{{.BlockIO}}\t{{.PIDS}}"

/* The fields in podman's order (its PodStatsReport's JSON), each with the
 * header podman's report.Headers gives a template ("MEM": podman's override
 * is keyed "MEM", not "Mem"); its default table says "MEM %". */
static const char *const fields[] = {
    "CPU", "CPU %", "MemUsage", "MEM USAGE/ LIMIT", "MemUsageBytes", "MEM USAGE/ LIMIT", "Mem", "MEM",
    "NetIO", "NET IO", "BlockIO", "BLOCK IO", "PIDS", "PIDS", "Pod", "POD", "CID", "CID", "Name", "NAME", NULL,
};
enum { N_FIELDS = 10 };

static const tmpl_schema_t row_schema = { TMPL_STRUCT, "entities.PodStatsReport", NULL };
static const tmpl_schema_t header_schema = { TMPL_MAP, "map[string]string", NULL };

struct pod_stats_args {
    bool all, stream, reset;
    const char *format;
};

/* One row: the values of fields[], in that order. */
struct row {
    char v[N_FIELDS][256];
};

/* "A / B", or "-- / --" for two zeros (podman's combineHumanValues). */
static void pair_or_dashes(void (*fmt)(uint64_t, char *, size_t), uint64_t a, uint64_t b, char *buf, size_t size)
{
    if (a == 0 && b == 0)
        snprintf(buf, size, "-- / --");
    else
        stats_size_pair(fmt, a, b, buf, size);
}

static void fill_row(struct row *w, ctr_pod_t *pod, const ctr_stats_t *s)
{
    snprintf(w->v[0], sizeof w->v[0], "%.2f%%", s->cpu_percent);
    pair_or_dashes(stats_human_size, s->mem_usage, s->mem_limit, w->v[1], sizeof w->v[1]);
    pair_or_dashes(stats_bytes_size, s->mem_usage, s->mem_limit, w->v[2], sizeof w->v[2]);
    snprintf(w->v[3], sizeof w->v[3], "%.2f%%", s->mem_percent);
    /* the order of ctrctl stats (podman 4.3's container stats): transmitted, then received */
    pair_or_dashes(stats_human_size, s->net_tx_bytes, s->net_rx_bytes, w->v[4], sizeof w->v[4]);
    pair_or_dashes(stats_human_size, s->block_read, s->block_write, w->v[5], sizeof w->v[5]);
    if (s->pids_current)
        snprintf(w->v[6], sizeof w->v[6], "%" PRIu64, s->pids_current);
    else
        snprintf(w->v[6], sizeof w->v[6], "--");
    snprintf(w->v[7], sizeof w->v[7], "%.12s", ctr_pod_id(pod));
    snprintf(w->v[8], sizeof w->v[8], "%.12s", s->id);
    snprintf(w->v[9], sizeof w->v[9], "%s", s->name);
}

enum { MEM_FIELD = 3 };

/* One document per row (or, with header, the header row; with dashes, a row of "--"). */
static json_object *row_doc(const struct row *w, bool header, bool dashes, bool is_default)
{
    json_object *o = json_object_new_object();
    for (size_t k = 0; o && k < N_FIELDS; k++) {
        const char *v = header ? (is_default && k == MEM_FIELD ? "MEM %" : fields[2 * k + 1]) : dashes ? "--" : w->v[k];
        json_object *s = json_object_new_string(v);
        if (!s || json_object_object_add(o, fields[2 * k], s) < 0) {
            json_object_put(s);
            json_object_put(o);
            return NULL;
        }
    }
    return o;
}

static json_object *docs_of(const struct row *rows, size_t n, bool header, bool dashes, bool is_default)
{
    json_object *list = json_object_new_array();
    size_t count = header || dashes ? 1 : n;
    for (size_t i = 0; list && i < count; i++) {
        json_object *o = row_doc(header || dashes ? NULL : &rows[i], header, dashes, is_default);
        if (!o || json_object_array_add(list, o) < 0) {
            json_object_put(o);
            json_object_put(list);
            return NULL;
        }
    }
    return list;
}

/* podman's printJSONPodStats: Go's json.MarshalIndent with five spaces. */
static int print_json(const struct row *rows, size_t n)
{
    printf("[");
    for (size_t i = 0; i < n; i++) {
        printf("%s\n     {", i ? "," : "");
        for (size_t k = 0; k < N_FIELDS; k++) {
            printf("%s\n          \"%s\": ", k ? "," : "", fields[2 * k]);
            json_string(stdout, rows[i].v[k]);
        }
        printf("\n     }");
    }
    printf("%s]\n", n ? "\n" : "");
    fflush(stdout);
    return 0;
}

/* The table or template; the default table shows a row of "--" with no row, a template nothing. */
static int print_template(const tmpl_t *t, bool is_default, const struct row *rows, size_t n)
{
    if (n == 0 && !is_default)
        return 0;
    bool table = tmpl_is_table(t);
    json_object *headers = table ? docs_of(NULL, 0, true, false, is_default) : NULL;
    json_object *docs = docs_of(rows, n, false, n == 0, false);
    int r = table && !headers ? ctrctl_error("out of memory")
                              : ctrctl_print_template(t, headers, &header_schema, docs, &row_schema);
    json_object_put(headers);
    json_object_put(docs);
    return r;
}

/* What a stream keeps between rounds: the pods and the last round's samples. */
struct pod_report {
    const struct pod_stats_args *a;
    const tmpl_t *t; /* NULL for JSON */
    bool is_default;
    ctr_pod_t **pods;
    size_t n_pods;
    char **names; /* the pods named (NULL: every pod, listed each round) */
    size_t n_names;
    ctr_stats_t **prev; /* every sample of the last round */
    size_t n_prev;
};

/* The pods of this round: those named (a missing one is an error), or every pod now. */
static int select_pods(ctrctl_t *g, struct pod_report *rp)
{
    if (rp->pods)
        return 0;
    if (!rp->names)
        return ctr_pod_list(g->rt, &rp->pods, &rp->n_pods) < 0 ? ctrctl_fail() : 0;
    ctr_pod_t **v = calloc(rp->n_names ? rp->n_names : 1, sizeof *v);
    if (!v)
        return ctrctl_error("out of memory");
    for (size_t i = 0; i < rp->n_names; i++) {
        if (ctr_pod_lookup(g->rt, rp->names[i], &v[i]) < 0) {
            ctr_pod_list_free(v, i);
            return ctrctl_fail();
        }
    }
    rp->pods = v;
    rp->n_pods = rp->n_names;
    return 0;
}

/* Append the samples of one pod to *all (*n of them); a pod removed meanwhile gives none. */
static int gather_pod(struct pod_report *rp, ctr_pod_t *pod, ctr_stats_t ***all, size_t *n, ctr_pod_t ***owners)
{
    ctr_stats_t **s = NULL;
    size_t k = 0;
    int q = ctr_pod_stats(pod, (const ctr_stats_t *const *)rp->prev, rp->n_prev, &s, &k);
    if (q == -ENOENT && !rp->names)
        return 0; /* removed since the list */
    if (q < 0)
        return ctrctl_fail();
    ctr_stats_t **grown = realloc(*all, (*n + k + 1) * sizeof **all);
    ctr_pod_t **grown_owners = grown ? realloc(*owners, (*n + k + 1) * sizeof **owners) : NULL;
    if (grown)
        *all = grown;
    if (grown_owners)
        *owners = grown_owners;
    if (!grown || !grown_owners) {
        ctr_pod_stats_free(s, k);
        return ctrctl_error("out of memory");
    }
    for (size_t i = 0; i < k; i++) {
        (*all)[*n] = s[i];
        (*owners)[(*n)++] = pod;
    }
    free(s);
    return 0;
}

static int print_round(struct pod_report *rp, ctr_stats_t **all, ctr_pod_t **owners, size_t n)
{
    struct row *rows = calloc(n ? n : 1, sizeof *rows);
    if (!rows)
        return ctrctl_error("out of memory");
    for (size_t i = 0; i < n; i++)
        fill_row(&rows[i], owners[i], all[i]);
    if (rp->t && rp->a->stream && rp->a->reset)
        fputs("\033[2J\033[1;1H", stdout); /* as podman's goterm: clear, cursor home */
    int r = rp->t ? print_template(rp->t, rp->is_default, rows, n) : print_json(rows, n);
    free(rows);
    return r;
}

/* One round: every pod's samples, printed; they become the next round's previous ones. */
static int round_once(ctrctl_t *g, struct pod_report *rp)
{
    int r = select_pods(g, rp);
    ctr_stats_t **all = NULL;
    ctr_pod_t **owners = NULL;
    size_t n = 0;
    for (size_t i = 0; r == 0 && i < rp->n_pods; i++)
        r = gather_pod(rp, rp->pods[i], &all, &n, &owners);
    if (r == 0)
        r = print_round(rp, all, owners, n);
    free(owners);
    ctr_pod_stats_free(rp->prev, rp->n_prev);
    rp->prev = all;
    rp->n_prev = n;
    if (!rp->names) { /* listed again next round: new pods show, removed ones go */
        ctr_pod_list_free(rp->pods, rp->n_pods);
        rp->pods = NULL;
        rp->n_pods = 0;
    }
    return r;
}

static int run_rounds(ctrctl_t *g, struct pod_report *rp)
{
    int r;
    while ((r = round_once(g, rp)) == 0 && rp->a->stream)
        sleep(1);
    return r;
}

/* Options; 0, HELP_SHOWN or EXIT_ENGINE (printed). */
static int pod_stats_parse(int argc, char **argv, struct pod_stats_args *a)
{
    enum { OPT_FORMAT = 256, OPT_NO_RESET, OPT_NO_STREAM };
    static const struct option options[] = {
        { "all", no_argument, NULL, 'a' },
        { "format", required_argument, NULL, OPT_FORMAT },
        { "no-reset", no_argument, NULL, OPT_NO_RESET },
        { "no-stream", no_argument, NULL, OPT_NO_STREAM },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    int o;
    while ((o = ctrctl_getopt(argc, argv, "ah", options)) != -1) {
        switch (o) {
        case 'a': a->all = true; break;
        case OPT_FORMAT: a->format = optarg; break;
        case OPT_NO_RESET: a->reset = false; break;
        case OPT_NO_STREAM: a->stream = false; break;
        case 'h': ctrctl_help(pod_stats_usage); return HELP_SHOWN;
        default: return ctrctl_bad_usage("pod");
        }
    }
    return 0;
}

/* The template of --format (the default table without one); 0 or EXIT_ENGINE (printed). */
static int parse_format(const char *format, tmpl_t **ret, bool *ret_default)
{
    *ret_default = !format || !*format || strcmp(format, "table") == 0;
    char *error = NULL;
    int r = tmpl_parse(ret, "stats", *ret_default ? DEFAULT_TABLE : format, &error);
    if (r < 0) {
        r = ctrctl_error("%s", r == -EINVAL ? error : "out of memory");
        free(error);
        return r;
    }
    return 0;
}

int cmd_pod_stats(ctrctl_t *g, int argc, char **argv)
{
    struct pod_stats_args a = { .stream = true, .reset = true };
    int r = pod_stats_parse(argc, argv, &a);
    if (r == HELP_SHOWN)
        return 0;
    if (r)
        return r;
    if (a.all && optind < argc)
        return ctrctl_error("--all, --latest and arguments cannot be used together");
    struct pod_report rp = { .a = &a };
    if (optind < argc) {
        rp.names = argv + optind;
        rp.n_names = (size_t)(argc - optind);
    }
    tmpl_t *t = NULL;
    if (!(a.format && tmpl_is_json(a.format)) && (r = parse_format(a.format, &t, &rp.is_default)))
        return r;
    rp.t = t;
    if ((r = ctrctl_open(g)) == 0)
        r = run_rounds(g, &rp);
    ctr_pod_list_free(rp.pods, rp.n_pods);
    ctr_pod_stats_free(rp.prev, rp.n_prev);
    tmpl_free(t);
    return r;
}
