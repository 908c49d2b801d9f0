/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* ctrctl top: the processes of a running container (ctr_container_top()),
 * printed as podman prints them: tab-separated cells aligned by a Go
 * tabwriter (minimum width 12, padding 2). */
#include <stdlib.h>
#include <string.h>

#include "ctrctl.h"
#include "template.h"

static const char top_usage[] =
    "Usage: ctrctl top CONTAINER [FORMAT-DESCRIPTORS...]\n\n"
    "Display the running processes of a container, read from the host without\n"
    "running anything in the container.\n\n"
    "Format descriptors (one per argument, or several separated by commas):\n"
    "  args,capamb,capbnd,capeff,capinh,capprm,comm,etime,group,groups,hgroup,hgroups,hpid,huser,\n"
    "  label,nice,pcpu,pgid,pid,ppid,rgroup,rss,ruser,seccomp,state,stime,time,tty,user,vsz\n"
    "  (default: user pid ppid pcpu etime tty time args)\n";

/* The header and rows as lines of tab-separated cells, aligned into out. */
static int top_text(const ctr_top_t *t, tmpl_buf_t *out)
{
    size_t len = 0;
    for (size_t j = 0; j < t->n_columns; j++)
        len += strlen(t->header[j]) + 1;
    for (size_t i = 0; i < t->n_rows; i++)
        for (size_t j = 0; j < t->n_columns; j++)
            len += strlen(t->rows[i][j]) + 1;
    char *text = malloc(len + 1), *p = text;
    if (!text)
        return -1;
    for (size_t i = 0; i <= t->n_rows; i++) {
        const char *const *row = i == 0 ? t->header : t->rows[i - 1];
        for (size_t j = 0; j < t->n_columns; j++) {
            size_t n = strlen(row[j]);
            memcpy(p, row[j], n);
            p += n;
            *p++ = j + 1 < t->n_columns ? '\t' : '\n';
        }
    }
    int r = tmpl_tabwrite(text, (size_t)(p - text), out);
    free(text);
    return r;
}

int cmd_top(ctrctl_t *g, int argc, char **argv)
{
    if (argc < 2)
        return ctrctl_error("you must provide the name or id of a running container");
    /* Like podman (flags not interspersed): what follows the container is descriptors. */
    if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)
        return ctrctl_help(top_usage);
    if (argv[1][0] == '-' && argv[1][1])
        return fprintf(stderr, "Error: unknown flag: %s\n", argv[1]), ctrctl_bad_usage(argv[0]);
    ctr_container_t *c = NULL;
    int r = ctrctl_lookup(g, argv[1], &c);
    if (r)
        return r;
    ctr_top_t *t = NULL;
    r = ctr_container_top(c, (const char *const *)argv + 2, &t);
    ctr_container_unref(c);
    return r < 0 ? ctrctl_fail() : ctrctl_print_top(t);
}

int ctrctl_print_top(ctr_top_t *t)
{
    tmpl_buf_t out = { 0 };
    if (top_text(t, &out) < 0) {
        ctr_container_top_free(t);
        tmpl_buf_free(&out);
        return ctrctl_error("out of memory");
    }
    fwrite(out.data ? out.data : "", 1, out.len, stdout);
    tmpl_buf_free(&out);
    ctr_container_top_free(t);
    return 0;
}
