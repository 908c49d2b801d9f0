/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* ctrctl events: the runtime's event journal (ctr_events_read()), printed
 * as podman prints it: a line of text per event (podman's
 * ToHumanReadable), its JSON object (--format json), or a Go template over
 * podman's Event struct, whose Time prints as Go's time.Time does. */
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ctrctl.h"
#include "template.h"

static const char events_usage[] =
    "Usage: ctrctl events [OPTIONS]\n\n"
    "Show the events of containers, images, volumes and networks, then follow new ones.\n\n"
    "      --filter KEY=VALUE  container=, event=, image=, label=, pod=, type=, volume=, network=\n"
    "                          (values of one key: any; different keys: all)\n"
    "      --format FORMAT     json, or a Go template (e.g. {{.Status}} {{.Name}})\n"
    "      --since TIME        only events since TIME: RFC 3339, Unix time, or a duration (10m)\n"
    "      --stream            follow new events (default true; --stream=false stops at the end)\n"
    "      --until TIME        only events until TIME\n";

/* Go's time.Time String(): "2006-01-02 15:04:05.999999999 -0700 MST". */
static void go_time(int64_t ns, char *buf, size_t size)
{
    time_t sec = (time_t)(ns / 1000000000);
    long frac = (long)(ns % 1000000000);
    struct tm tm;
    localtime_r(&sec, &tm);
    char base[32], zone[32], digits[16] = "";
    strftime(base, sizeof base, "%Y-%m-%d %H:%M:%S", &tm);
    strftime(zone, sizeof zone, "%z %Z", &tm);
    if (frac) {
        snprintf(digits, sizeof digits, ".%09ld", frac);
        for (size_t n = strlen(digits); n > 1 && digits[n - 1] == '0'; n--)
            digits[n - 1] = 0;
    }
    snprintf(buf, size, "%s%s %s", base, digits, zone);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* ", k=v" for each attribute, by key. */
static void print_attributes(json_object *attrs)
{
    size_t n = attrs && json_object_is_type(attrs, json_type_object) ? (size_t)json_object_object_length(attrs) : 0;
    const char **keys = n ? calloc(n, sizeof *keys) : NULL;
    size_t i = 0;
    if (!keys)
        return;
    json_object_object_foreach(attrs, k, v)
    {
        (void)v;
        keys[i++] = k;
    }
    qsort(keys, n, sizeof *keys, cmp_str);
    for (i = 0; i < n; i++) {
        printf(", %s=%s", keys[i], json_object_get_string(json_object_object_get(attrs, keys[i])));
    }
    free(keys);
}

static const char *or_empty(const char *s)
{
    return s ? s : "";
}

/* podman's default line. */
static void print_text(const ctr_event_t *ev, json_object *doc)
{
    char t[80];
    go_time(ev->time_ns, t, sizeof t);
    const char *id = or_empty(ev->id), *name = or_empty(ev->name);
    if (strcmp(ev->type, "container") == 0 || strcmp(ev->type, "pod") == 0) {
        printf("%s %s %s %s (image=%s, name=%s", t, ev->type, ev->status, id, or_empty(ev->image), name);
        print_attributes(json_object_object_get(doc, "Attributes"));
        printf(")\n");
    } else if (strcmp(ev->type, "network") == 0) {
        printf("%s %s %s %s (container=%s, name=%s)\n", t, ev->type, ev->status, id, id, name);
    } else if (strcmp(ev->type, "volume") == 0) {
        printf("%s %s %s %s\n", t, ev->type, ev->status, name);
    } else {
        printf("%s %s %s %s %s\n", t, ev->type, ev->status, id, name);
    }
}

static const tmpl_member_t event_members[] = {
    { "ContainerExitCode", NULL, TMPL_AUTO, NULL }, { "ID", NULL, TMPL_STRING, NULL },
    { "Image", NULL, TMPL_STRING, NULL },            { "Name", NULL, TMPL_STRING, NULL },
    { "Network", NULL, TMPL_STRING, NULL },          { "Status", NULL, TMPL_STRING, NULL },
    { "Time", NULL, TMPL_STRING, NULL },             { "Type", NULL, TMPL_STRING, NULL },
    { "Attributes", NULL, TMPL_MAP, NULL },          { NULL, NULL, 0, NULL },
};
static const tmpl_schema_t event_schema = { TMPL_STRUCT, "events.Event", event_members };

/* The event as podman's Event struct for a template: every field, Time as Go prints it. */
static json_object *template_doc(const ctr_event_t *ev, json_object *doc)
{
    char t[80];
    go_time(ev->time_ns, t, sizeof t);
    json_object *o = json_object_new_object(), *list = json_object_new_array();
    json_object *attrs = json_object_object_get(doc, "Attributes");
    json_object_object_add(o, "ContainerExitCode", json_object_new_int(ev->exit_code));
    json_object_object_add(o, "ID", json_object_new_string(or_empty(ev->id)));
    json_object_object_add(o, "Image", json_object_new_string(or_empty(ev->image)));
    json_object_object_add(o, "Name", json_object_new_string(or_empty(json_object_get_string(json_object_object_get(doc, "Name")))));
    json_object_object_add(o, "Network", json_object_new_string(or_empty(json_object_get_string(json_object_object_get(doc, "Network")))));
    json_object_object_add(o, "Status", json_object_new_string(ev->status));
    json_object_object_add(o, "Time", json_object_new_string(t));
    json_object_object_add(o, "Type", json_object_new_string(ev->type));
    json_object_object_add(o, "Attributes", attrs ? json_object_get(attrs) : NULL);
    json_object_array_add(list, o);
    return list;
}

struct printer {
    const char *format; /* NULL: text; "json"; else a template */
    tmpl_t *tmpl;
    int failed;
};

static int print_event(const ctr_event_t *ev, void *userdata)
{
    struct printer *p = userdata;
    json_object *doc = json_tokener_parse(ev->json);
    if (!p->format) {
        print_text(ev, doc);
    } else if (!p->tmpl) {
        printf("%s\n", ev->json);
    } else {
        json_object *list = template_doc(ev, doc);
        tmpl_buf_t out = { 0 };
        char *error = NULL;
        if (tmpl_execute(p->tmpl, list, &event_schema, &out, &error) < 0)
            p->failed = ctrctl_error("%s", error ? error : "out of memory");
        fwrite(out.data ? out.data : "", 1, out.len, stdout);
        free(error);
        tmpl_buf_free(&out);
        json_object_put(list);
    }
    json_object_put(doc);
    fflush(stdout);
    return p->failed ? 1 : 0;
}

/* --stream / --stream=BOOL: 0, or EXIT_ENGINE (printed). */
static int parse_stream(const char *arg, bool *ret)
{
    if (!arg || strcmp(arg, "true") == 0 || strcmp(arg, "1") == 0) {
        *ret = true;
    } else if (strcmp(arg, "false") == 0 || strcmp(arg, "0") == 0) {
        *ret = false;
    } else {
        return ctrctl_error("invalid argument \"%s\" for \"--stream\" flag: strconv.ParseBool: parsing \"%s\": "
                            "invalid syntax",
                            arg, arg);
    }
    return 0;
}

static int run_events(ctrctl_t *g, ctr_events_options_t *eo, struct printer *p)
{
    if (p->format && !tmpl_is_json(p->format)) {
        char *error = NULL;
        if (tmpl_parse(&p->tmpl, "events", p->format, &error) < 0) {
            int r = ctrctl_error("%s", error ? error : "out of memory");
            free(error);
            return r;
        }
    }
    int r = ctrctl_open(g);
    if (r == 0) {
        r = ctr_events_read(g->rt, eo, print_event, p);
        r = r < 0 ? ctrctl_fail() : p->failed;
    }
    tmpl_free(p->tmpl);
    return r;
}

int cmd_events(ctrctl_t *g, int argc, char **argv)
{
    enum { OPT_SINCE = 256, OPT_UNTIL, OPT_FILTER, OPT_FORMAT, OPT_STREAM };
    static const struct option options[] = {
        { "since", required_argument, NULL, OPT_SINCE },   { "until", required_argument, NULL, OPT_UNTIL },
        { "filter", required_argument, NULL, OPT_FILTER }, { "format", required_argument, NULL, OPT_FORMAT },
        { "stream", optional_argument, NULL, OPT_STREAM }, { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    ctr_events_options_t eo = CTR_EVENTS_OPTIONS_INIT;
    struct printer p = { 0 };
    strv_t filters = { 0 };
    bool stream = true;
    int64_t now = now_ns();
    int o, r = 0;
    while (r == 0 && (o = ctrctl_getopt(argc, argv, "h", options)) != -1) {
        switch (o) {
        case OPT_SINCE: r = parse_time("--since", optarg, now, &eo.since_ns); eo.since_ns += eo.since_ns <= 0; break;
        case OPT_UNTIL: r = parse_time("--until", optarg, now, &eo.until_ns); eo.until_ns += eo.until_ns <= 0; break;
        case OPT_FILTER: r = strv_push(&filters, optarg) < 0 ? EXIT_ENGINE : 0; break;
        case OPT_FORMAT: p.format = optarg; break;
        case OPT_STREAM: r = parse_stream(optarg, &stream); break;
        case 'h': strv_clear(&filters); return ctrctl_help(events_usage);
        default: strv_clear(&filters); return ctrctl_bad_usage(argv[0]);
        }
    }
    if (r == 0 && optind < argc)
        r = ctrctl_error("`ctrctl events` takes no arguments");
    eo.flags = stream ? CTR_EVENTS_FOLLOW : 0;
    eo.filters = (const char *const *)filters.v;
    if (r == 0)
        r = run_events(g, &eo, &p);
    strv_clear(&filters);
    return r;
}
