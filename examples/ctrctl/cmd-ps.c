/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* ctrctl ps: list containers as a table, IDs or JSON. */
#include "ctrctl.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

/* What ps shows of one container. */
struct row {
    ctr_container_t *c;
    ctr_state_t state;
    int exit_code;
    pid_t pid;
    int64_t started, finished;
    char id[65], command[256], created[64], status[96];
};

static const char *source(ctr_container_t *c)
{
    const char *s = ctr_container_image_name(c);
    if (!s)
        s = ctr_container_rootfs(c);
    return s ? s : "";
}

static void join_command(ctr_container_t *c, bool trunc, char *buf, size_t size)
{
    size_t len = 0;
    buf[0] = '\0';
    for (const char *const *a = ctr_container_command(c); *a && len < size; a++)
        len += snprintf(buf + len, size - len, "%s%s", len ? " " : "", *a);
    if (trunc && strlen(buf) > 20)
        strcpy(buf + 17, "...");
}

static void status_text(const struct row *r, int64_t now, char *buf, size_t size)
{
    char d[48];
    switch (r->state) {
    case CTR_STATE_RUNNING:
        human_duration(now - r->started, d, sizeof d);
        snprintf(buf, size, "Up %s", d);
        break;
    case CTR_STATE_EXITED:
        human_duration(now - r->finished, d, sizeof d);
        snprintf(buf, size, "Exited (%d) %s ago", r->exit_code, d);
        break;
    default: {
        /* "Created", "Paused", "Configured", ... from the library's name. */
        const char *name = ctr_state_name(r->state);
        snprintf(buf, size, "%s", name);
        if (buf[0] >= 'a' && buf[0] <= 'z')
            buf[0] -= 'a' - 'A';
    }
    }
}

/* Read a container's state into r.  0; 1 when it was removed meanwhile; EXIT_ENGINE (printed). */
static int fill_row(struct row *r, ctr_container_t *c, bool trunc, int64_t now)
{
    r->c = c;
    int q = ctr_container_state(c, &r->state);
    if (q == 0)
        q = ctr_container_exit_code(c, &r->exit_code);
    if (q == 0)
        q = ctr_container_pid(c, &r->pid);
    if (q == 0)
        q = ctr_container_started_at(c, &r->started);
    if (q == 0)
        q = ctr_container_finished_at(c, &r->finished);
    if (q == -ENOENT)
        return 1;
    if (q < 0)
        return ctrctl_fail();
    snprintf(r->id, sizeof r->id, "%.*s", trunc ? 12 : 64, ctr_container_id(c));
    join_command(c, trunc, r->command, sizeof r->command);
    human_duration(now - ctr_container_created(c), r->created, sizeof r->created);
    strcat(r->created, " ago");
    status_text(r, now, r->status, sizeof r->status);
    return 0;
}

static void print_table(const struct row *rows, size_t n)
{
    static const char *const head[] = { "CONTAINER ID", "IMAGE", "COMMAND", "CREATED", "STATUS", "NAMES" };
    int w[5] = { 0 };
    for (int k = 0; k < 5; k++)
        w[k] = (int)strlen(head[k]);
    for (size_t i = 0; i < n; i++) {
        const char *cols[5] = { rows[i].id, source(rows[i].c), rows[i].command, rows[i].created, rows[i].status };
        for (int k = 0; k < 5; k++)
            if ((int)strlen(cols[k]) > w[k])
                w[k] = (int)strlen(cols[k]);
    }
    printf("%-*s  %-*s  %-*s  %-*s  %-*s  %s\n", w[0], head[0], w[1], head[1], w[2], head[2], w[3], head[3], w[4],
           head[4], head[5]);
    for (size_t i = 0; i < n; i++)
        printf("%-*s  %-*s  %-*s  %-*s  %-*s  %s\n", w[0], rows[i].id, w[1], source(rows[i].c), w[2],
               rows[i].command, w[3], rows[i].created, w[4], rows[i].status, ctr_container_name(rows[i].c));
}

/* 0 or EXIT_ENGINE (printed). */
static int print_json_row(const struct row *r)
{
    ctr_container_t *c = r->c;
    char **labels = NULL;
    if (ctr_container_labels(c, &labels) < 0)
        return ctrctl_fail();
    printf("  {\n    \"Id\": ");
    json_string(stdout, ctr_container_id(c));
    printf(",\n    \"Names\": [");
    json_string(stdout, ctr_container_name(c));
    printf("],\n    \"Image\": ");
    json_string(stdout, ctr_container_image_name(c));
    printf(",\n    \"ImageID\": ");
    json_string(stdout, ctr_container_image_id(c));
    printf(",\n    \"Rootfs\": ");
    json_string(stdout, ctr_container_rootfs(c));
    printf(",\n    \"Command\": [");
    for (const char *const *a = ctr_container_command(c); *a; a++) {
        printf("%s", a == ctr_container_command(c) ? "" : ", ");
        json_string(stdout, *a);
    }
    printf("]");
    /* As podman: Unix seconds, and CreatedAt as text. */
    char created[64];
    format_time(ctr_container_created(c), created, sizeof created);
    printf(",\n    \"Created\": %lld,\n    \"CreatedAt\": \"%s\",\n    \"StartedAt\": %lld,\n    \"ExitedAt\": %lld",
           (long long)(ctr_container_created(c) / 1000000000), created, (long long)(r->started / 1000000000),
           (long long)(r->finished / 1000000000));
    printf(",\n    \"State\": \"%s\",\n    \"Status\": ", ctr_state_name(r->state));
    json_string(stdout, r->status);
    printf(",\n    \"Exited\": %s,\n    \"ExitCode\": %d,\n    \"Pid\": %d,\n    \"Pod\": ",
           r->state == CTR_STATE_EXITED ? "true" : "false", r->exit_code, (int)r->pid);
    json_string(stdout, ctr_container_pod(c));
    printf(",\n    \"Labels\": {");
    for (char **l = labels; *l; l++) {
        char *eq = strchr(*l, '=');
        if (eq)
            *eq = '\0';
        printf("%s\n      ", l == labels ? "" : ",");
        json_string(stdout, *l);
        printf(": ");
        json_string(stdout, eq ? eq + 1 : "");
    }
    printf("%s}\n  }", labels[0] ? "\n    " : "");
    ctr_strv_free(labels);
    return 0;
}

static const char ps_usage[] = "Usage: ctrctl ps [OPTIONS]\n\n"
                               "List running and paused containers.\n\n"
                               "  -a, --all           list every container\n"
                               "  -q, --quiet         print IDs only\n"
                               "      --no-trunc      do not truncate IDs and commands\n"
                               "      --format json   print a JSON array\n";

int cmd_ps(ctrctl_t *g, int argc, char **argv)
{
    enum { OPT_NO_TRUNC = 256, OPT_FORMAT };
    static const struct option options[] = {
        { "all", no_argument, NULL, 'a' },
        { "quiet", no_argument, NULL, 'q' },
        { "no-trunc", no_argument, NULL, OPT_NO_TRUNC },
        { "format", required_argument, NULL, OPT_FORMAT },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    bool all = false, quiet = false, trunc = true, json = false;
    int o;
    while ((o = getopt_long(argc, argv, "aqh", options, NULL)) != -1) {
        switch (o) {
        case 'a': all = true; break;
        case 'q': quiet = true; break;
        case OPT_NO_TRUNC: trunc = false; break;
        case OPT_FORMAT:
            if (strcmp(optarg, "json") != 0 && strcmp(optarg, "table") != 0)
                return ctrctl_error("unsupported format \"%s\": use json or table", optarg);
            json = strcmp(optarg, "json") == 0;
            break;
        case 'h': return ctrctl_help(ps_usage);
        default: return ctrctl_bad_usage(argv[0]);
        }
    }
    if (optind < argc)
        return ctrctl_error("ps takes no arguments");
    int r = ctrctl_open(g);
    ctr_container_t **list = NULL;
    size_t n = 0, m = 0;
    if (r || ctr_runtime_list(g->rt, NULL, NULL, &list, &n) < 0)
        return r ? r : ctrctl_fail();
    struct row *rows = calloc(n ? n : 1, sizeof *rows);
    if (!rows)
        r = ctrctl_error("out of memory");
    int64_t now = now_ns();
    for (size_t i = 0; rows && i < n && r == 0; i++) {
        int q = fill_row(&rows[m], list[i], trunc && !json, now);
        if (q == 1)
            continue;
        if (q)
            r = q;
        else if (all || rows[m].state == CTR_STATE_RUNNING || rows[m].state == CTR_STATE_PAUSED ||
                 rows[m].state == CTR_STATE_STOPPING)
            m++;
    }
    if (r == 0 && json) {
        printf("[");
        for (size_t i = 0; i < m && r == 0; i++) {
            printf("%s\n", i ? "," : "");
            r = print_json_row(&rows[i]);
        }
        printf("%s]\n", m ? "\n" : "");
    } else if (r == 0 && quiet) {
        for (size_t i = 0; i < m; i++)
            printf("%s\n", rows[i].id);
    } else if (r == 0) {
        print_table(rows, m);
    }
    free(rows);
    ctr_container_list_free(list, n);
    return r;
}
