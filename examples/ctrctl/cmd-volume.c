/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* ctrctl volume (create, ls, inspect, rm, prune, exists), as podman's. */
#include "ctrctl.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "template.h"

static const char volume_usage[] =
    "Usage: ctrctl volume COMMAND [OPTIONS] [ARG...]\n\n"
    "Manage volumes.\n\n"
    "Commands:\n"
    "  create [OPTIONS] [NAME]   create a volume\n"
    "  exists NAME               exit 0 when the volume exists, 1 when not\n"
    "  inspect [-f FORMAT] NAME...  print volumes as a JSON array\n"
    "  ls [OPTIONS]              list volumes\n"
    "  prune [-f] [--filter F]   remove the volumes no container uses\n"
    "  rm [-f] NAME...           remove volumes (-f: and the containers using them)\n";

static const char create_usage[] =
    "Usage: ctrctl volume create [OPTIONS] [NAME]\n\n"
    "Create a volume; print its name.\n\n"
    "  -d, --driver DRIVER     local (the only one)\n"
    "  -l, --label KEY=VALUE   set a label (repeatable)\n"
    "  -o, --opt KEY=VALUE     a driver option (repeatable): type=tmpfs|bind|FSTYPE,\n"
    "                          device=DEVICE|PATH, o=MOUNT-OPTIONS, uid=, gid=, copy, nocopy\n"
    "      --ignore            do not fail when the volume exists\n";

static const tmpl_member_t volume_members[] = {
    { "Labels", NULL, TMPL_MAP, "map[string]string" },
    { "Options", NULL, TMPL_MAP, "map[string]string" },
    { NULL, NULL, TMPL_AUTO, NULL },
};

static const tmpl_schema_t volume_schema = { TMPL_STRUCT, "entities.VolumeListReport", volume_members };

/* A label; podman gives one without '=' an empty value. */
static int push_label(strv_t *labels, const char *arg)
{
    char kv[1024];
    snprintf(kv, sizeof kv, "%s%s", arg, strchr(arg, '=') ? "" : "=");
    return strv_push(labels, kv) < 0 ? EXIT_ENGINE : 0;
}

static int volume_create(ctrctl_t *g, int argc, char **argv)
{
    enum { OPT_IGNORE = 256 };
    static const struct option options[] = {
        { "driver", required_argument, NULL, 'd' }, { "label", required_argument, NULL, 'l' },
        { "opt", required_argument, NULL, 'o' },    { "ignore", no_argument, NULL, OPT_IGNORE },
        { "help", no_argument, NULL, 'h' },         { NULL, 0, NULL, 0 },
    };
    ctr_volume_options_t o = CTR_VOLUME_OPTIONS_INIT;
    strv_t labels = { 0 }, opts = { 0 };
    bool ignore = false;
    int opt, r = 0;
    while (r == 0 && (opt = ctrctl_getopt(argc, argv, "d:l:o:h", options)) != -1) {
        switch (opt) {
        case 'd': o.driver = optarg; break;
        case 'l': r = push_label(&labels, optarg); break;
        case 'o': r = strv_push(&opts, optarg) < 0 ? EXIT_ENGINE : 0; break;
        case OPT_IGNORE: ignore = true; break;
        case 'h': r = HELP_SHOWN; break;
        default: r = ctrctl_bad_usage("volume create"); break;
        }
    }
    if (r == HELP_SHOWN)
        r = ctrctl_help(create_usage);
    else if (r == 0 && optind < argc - 1)
        r = ctrctl_error("volume create accepts at most one NAME");
    else if (r == 0 && !(r = ctrctl_open(g))) {
        o.name = optind < argc ? argv[optind] : NULL;
        o.labels = (const char *const *)labels.v;
        o.options = (const char *const *)opts.v;
        ctr_volume_t *v = NULL;
        int q = ctr_volume_create(g->rt, &o, &v);
        if (q == -EEXIST && ignore)
            printf("%s\n", o.name);
        else if (q < 0)
            r = ctrctl_fail();
        else
            printf("%s\n", ctr_volume_name(v));
        ctr_volume_unref(v);
    }
    strv_clear(&labels);
    strv_clear(&opts);
    return r;
}

/* The inspect documents of the volumes (handles), as a JSON array;
 * NULL after printing the error. */
static json_object *documents(ctr_volume_t *const *v, size_t n, int *ret)
{
    json_object *docs = json_object_new_array();
    for (size_t i = 0; docs && i < n; i++) {
        char *json = NULL;
        if (ctr_volume_inspect(v[i], &json) < 0) {
            *ret = ctrctl_fail();
            continue;
        }
        json_object *doc = json_tokener_parse(json);
        ctr_free(json);
        if (!doc || json_object_array_add(docs, doc) < 0) {
            json_object_put(doc);
            *ret = ctrctl_error("out of memory");
        }
    }
    if (!docs)
        *ret = ctrctl_error("out of memory");
    return docs;
}

/* The header row of a table: [{"Name": "VOLUME NAME", ...}], as podman's. */
static json_object *header_doc(void)
{
    static const char *const titles[] = { "Name", "VOLUME NAME", "Driver", "DRIVER", "Mountpoint", "MOUNTPOINT",
                                          "CreatedAt", "CREATED AT", "Labels", "LABELS", "Scope", "SCOPE",
                                          "Options", "OPTIONS", "MountCount", "MOUNT COUNT", "Anonymous",
                                          "ANONYMOUS", NULL };
    json_object *h = json_object_new_object(), *list = json_object_new_array();
    bool ok = h && list;
    for (const char *const *p = titles; ok && *p; p += 2) {
        json_object *v = json_object_new_string(p[1]);
        ok = v && json_object_object_add(h, p[0], v) == 0;
        if (!ok)
            json_object_put(v);
    }
    if (ok && json_object_array_add(list, h) == 0)
        return list;
    json_object_put(h);
    json_object_put(list);
    return NULL;
}

static const tmpl_schema_t header_schema = { TMPL_MAP, "map[string]string", NULL };

/* Run a --format over the documents (podman's report: a template per item;
 * "table": the header row first unless !heading, aligned).  0 or
 * EXIT_ENGINE (printed). */
static int print_template(const char *name, const char *format, json_object *docs, bool heading)
{
    tmpl_t *t = NULL;
    char *error = NULL;
    int r = tmpl_parse(&t, name, format, &error);
    if (r < 0) {
        ctrctl_error("%s", r == -EINVAL ? error : "out of memory");
        free(error);
        return EXIT_ENGINE;
    }
    tmpl_buf_t out = { 0 }, aligned = { 0 };
    json_object *headers = tmpl_is_table(t) && heading ? header_doc() : NULL;
    r = headers ? tmpl_execute(t, headers, &header_schema, &out, &error) : 0;
    json_object_put(headers);
    if (r == 0)
        r = tmpl_execute(t, docs, &volume_schema, &out, &error);
    int q = tmpl_is_table(t) ? tmpl_tabwrite(out.data, out.len, &aligned) : 0;
    const tmpl_buf_t *text = tmpl_is_table(t) ? &aligned : &out;
    if (q == 0 && text->len)
        fwrite(text->data, 1, text->len, stdout);
    tmpl_buf_free(&out);
    tmpl_buf_free(&aligned);
    tmpl_free(t);
    if (r == -EINVAL)
        ctrctl_error("%s", error);
    else if (r < 0 || q < 0)
        ctrctl_error("out of memory");
    free(error);
    return r < 0 || q < 0 ? EXIT_ENGINE : 0;
}

static void print_json(json_object *docs, int indent_flag)
{
    printf("%s\n", json_object_to_json_string_ext(docs, indent_flag | JSON_C_TO_STRING_NOSLASHESCAPE));
}

static const char ls_usage[] =
    "Usage: ctrctl volume ls [OPTIONS]\n\n"
    "List volumes.\n\n"
    "  -f, --filter FILTER   name=REGEX, driver=, scope=, label=KEY[=VALUE], opt=KEY[=VALUE],\n"
    "                        dangling=true|false, until=TIME (repeatable: all must match)\n"
    "      --format FORMAT   json, or a Go template per volume (table: aligned columns)\n"
    "  -n, --noheading       no header row\n"
    "  -q, --quiet           names only\n";

static int ls_print(json_object *docs, const char *format, bool quiet, bool heading)
{
    if (quiet)
        return print_template("list", "{{.Name}}", docs, false);
    if (format && tmpl_is_json(format)) {
        print_json(docs, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED);
        return 0;
    }
    if (format)
        return print_template("list", format, docs, heading);
    /* podman prints nothing, not even the heading, for no volume */
    return json_object_array_length(docs) ? print_template("list", "table {{.Driver}}\t{{.Name}}", docs, heading)
                                          : 0;
}

static int volume_ls(ctrctl_t *g, int argc, char **argv)
{
    enum { OPT_FORMAT = 256 };
    static const struct option options[] = {
        { "filter", required_argument, NULL, 'f' }, { "format", required_argument, NULL, OPT_FORMAT },
        { "quiet", no_argument, NULL, 'q' },        { "noheading", no_argument, NULL, 'n' },
        { "help", no_argument, NULL, 'h' },         { NULL, 0, NULL, 0 },
    };
    strv_t filters = { 0 };
    const char *format = NULL;
    bool quiet = false, heading = true;
    int opt, r = 0;
    while (r == 0 && (opt = ctrctl_getopt(argc, argv, "f:qnh", options)) != -1) {
        switch (opt) {
        case 'f': r = strv_push(&filters, optarg) < 0 ? EXIT_ENGINE : 0; break;
        case OPT_FORMAT: format = optarg; break;
        case 'q': quiet = true; break;
        case 'n': heading = false; break;
        case 'h': r = HELP_SHOWN; break;
        default: r = ctrctl_bad_usage("volume ls"); break;
        }
    }
    ctr_volume_t **list = NULL;
    size_t n = 0;
    if (r == HELP_SHOWN)
        r = ctrctl_help(ls_usage);
    else if (r == 0 && !(r = ctrctl_open(g)) && ctr_volume_list(g->rt, (const char *const *)filters.v, &list, &n) < 0)
        r = ctrctl_fail();
    strv_clear(&filters);
    if (r || !list)
        return r;
    json_object *docs = documents(list, n, &r);
    ctr_volume_list_free(list, n);
    if (docs && !r)
        r = ls_print(docs, format, quiet, heading);
    json_object_put(docs);
    return r;
}

static int volume_inspect(ctrctl_t *g, int argc, char **argv)
{
    static const struct option options[] = {
        { "format", required_argument, NULL, 'f' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    const char *format = NULL;
    int opt;
    while ((opt = ctrctl_getopt(argc, argv, "f:h", options)) != -1) {
        switch (opt) {
        case 'f': format = optarg; break;
        case 'h':
            return ctrctl_help("Usage: ctrctl volume inspect [-f FORMAT] NAME...\n\nPrint volumes as a JSON array.\n\n"
                               "  -f, --format FORMAT   json, or a Go template per volume\n");
        default: return ctrctl_bad_usage("volume inspect");
        }
    }
    if (optind >= argc)
        return ctrctl_error("volume inspect needs at least one NAME");
    int r = ctrctl_open(g);
    if (r)
        return r;
    ctr_volume_t **found = calloc((size_t)argc + 1, sizeof *found);
    size_t n = 0;
    for (int i = optind; found && i < argc; i++) {
        if (ctr_volume_lookup(g->rt, argv[i], &found[n]) == 0)
            n++;
        else
            r = ctrctl_error("inspecting object: no such volume %s", argv[i]);
    }
    json_object *docs = documents(found, n, &r);
    ctr_volume_list_free(found, n);
    if (docs && format && *format && !tmpl_is_json(format)) {
        int q = print_template("inspect", format, docs, true);
        r = q ? q : r;
    } else if (docs) {
        print_json(docs, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED);
    }
    json_object_put(docs);
    return r;
}

static int volume_rm(ctrctl_t *g, int argc, char **argv)
{
    static const struct option options[] = {
        { "force", no_argument, NULL, 'f' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    uint64_t flags = 0;
    int opt;
    while ((opt = ctrctl_getopt(argc, argv, "fh", options)) != -1) {
        switch (opt) {
        case 'f': flags |= CTR_VOLUME_REMOVE_FORCE; break;
        case 'h':
            return ctrctl_help("Usage: ctrctl volume rm [-f] NAME...\n\nRemove volumes.\n\n"
                               "  -f, --force   remove the containers using them first\n");
        default: return ctrctl_bad_usage("volume rm");
        }
    }
    if (optind >= argc)
        return ctrctl_error("volume rm needs at least one NAME");
    int r = ctrctl_open(g);
    if (r)
        return r;
    for (int i = optind; i < argc; i++) {
        if (ctr_volume_remove(g->rt, argv[i], flags) == 0) {
            printf("%s\n", argv[i]);
            continue;
        }
        /* podman's exit codes: 1 no such volume, 2 in use */
        int code = ctr_error_last()->code;
        ctrctl_fail();
        r = code == -ENOENT ? 1 : code == -EBUSY ? 2 : EXIT_ENGINE;
    }
    return r;
}

/* Ask as podman does; true for y or yes. */
static bool confirm(ctrctl_t *g, const char *const *filters)
{
    ctr_volume_t **list = NULL;
    size_t n = 0;
    const char *dangling[] = { "dangling=true", NULL };
    printf("WARNING! This will remove all volumes not used by at least one container. "
           "The following volumes will be removed:\n");
    if (ctr_volume_list(g->rt, filters && filters[0] ? filters : dangling, &list, &n) == 0)
        for (size_t i = 0; i < n; i++)
            printf("%s\n", ctr_volume_name(list[i]));
    ctr_volume_list_free(list, n);
    printf("Are you sure you want to continue? [y/N] ");
    fflush(stdout);
    char answer[16] = "";
    if (!fgets(answer, sizeof answer, stdin))
        return false;
    return strcmp(answer, "y\n") == 0 || strcmp(answer, "Y\n") == 0 || strcmp(answer, "yes\n") == 0;
}

static int volume_prune(ctrctl_t *g, int argc, char **argv)
{
    static const struct option options[] = {
        { "force", no_argument, NULL, 'f' },
        { "filter", required_argument, NULL, 256 },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    strv_t filters = { 0 };
    bool force = false;
    int opt, r = 0;
    while (r == 0 && (opt = ctrctl_getopt(argc, argv, "fh", options)) != -1) {
        switch (opt) {
        case 'f': force = true; break;
        case 256: r = strv_push(&filters, optarg) < 0 ? EXIT_ENGINE : 0; break;
        case 'h': r = HELP_SHOWN; break;
        default: r = ctrctl_bad_usage("volume prune"); break;
        }
    }
    char **removed = NULL;
    if (r == HELP_SHOWN)
        r = ctrctl_help("Usage: ctrctl volume prune [-f] [--filter FILTER]\n\n"
                        "Remove the volumes no container uses.\n\n"
                        "  -f, --force         do not ask\n"
                        "      --filter F      label=KEY[=VALUE], until=TIME (repeatable)\n");
    else if (r == 0 && !(r = ctrctl_open(g)) && (force || confirm(g, (const char *const *)filters.v)) &&
             ctr_volume_prune(g->rt, (const char *const *)filters.v, 0, &removed) < 0)
        r = ctrctl_fail();
    for (char **p = removed; p && *p; p++)
        printf("%s\n", *p);
    ctr_strv_free(removed);
    strv_clear(&filters);
    return r;
}

static int volume_exists(ctrctl_t *g, int argc, char **argv)
{
    if (argc != 2)
        return ctrctl_error("volume exists needs exactly one NAME");
    if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)
        return ctrctl_help("Usage: ctrctl volume exists NAME\n\nExit 0 when the volume exists, 1 when not.\n");
    int r = ctrctl_open(g);
    if (r)
        return r;
    int q = ctr_volume_exists(g->rt, argv[1]);
    return q < 0 ? ctrctl_fail() : q ? 0 : 1;
}

int cmd_volume(ctrctl_t *g, int argc, char **argv)
{
    if (argc < 2)
        return fputs(volume_usage, stderr), EXIT_ENGINE;
    const char *sub = argv[1];
    if (strcmp(sub, "-h") == 0 || strcmp(sub, "--help") == 0 || strcmp(sub, "help") == 0)
        return ctrctl_help(volume_usage);
    argc--;
    argv++;
    optind = 0;
    static const struct {
        const char *name, *alias;
        ctrctl_verb_fn fn;
    } subs[] = {
        { "create", NULL, volume_create }, { "ls", "list", volume_ls },      { "inspect", NULL, volume_inspect },
        { "rm", "remove", volume_rm },     { "prune", NULL, volume_prune }, { "exists", NULL, volume_exists },
    };
    for (size_t i = 0; i < sizeof subs / sizeof subs[0]; i++)
        if (strcmp(sub, subs[i].name) == 0 || (subs[i].alias && strcmp(sub, subs[i].alias) == 0))
            return subs[i].fn(g, argc, argv);
    return ctrctl_error("unknown volume command \"%s\": create, ls, inspect, rm, prune or exists", sub);
}
