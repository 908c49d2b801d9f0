/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* ctrctl inspect: a JSON array of ctr_container_inspect() documents, or a
 * Go template run over them (--format, as podman's). */
#include "ctrctl.h"
#include "template.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

static const char inspect_usage[] =
    "Usage: ctrctl inspect [OPTIONS] CONTAINER...\n\n"
    "Print the configuration and state of containers as a JSON array.\n\n"
    "  -f, --format FORMAT   json, or a Go template run for each container, as podman's:\n"
    "                        '{{.State.Status}}', '{{json .Config}}', '{{index .Config.Labels \"k\"}}',\n"
    "                        'table {{.Name}} {{.State.Pid}}' (aligned columns)\n"
    "  -s, --size            compute the root file system sizes\n";

/* The document as podman's templates see its InspectContainerData: which
 * objects are maps, the fields whose Go name is not their JSON key, and the
 * Go types podman's messages name. */
static const tmpl_member_t inspect_members[] = {
    { "ID", "Id", TMPL_AUTO, NULL },
    { "DomainName", "Domainname", TMPL_AUTO, NULL },
    { "HostIP", "HostIp", TMPL_AUTO, NULL },
    { "UIDMap", "UidMap", TMPL_LIST, "[]string" },
    { "GIDMap", "GidMap", TMPL_LIST, "[]string" },
    { "State", NULL, TMPL_STRUCT, "*define.InspectContainerState" },
    { "Config", NULL, TMPL_STRUCT, "*define.InspectContainerConfig" },
    { "HostConfig", NULL, TMPL_STRUCT, "*define.InspectContainerHostConfig" },
    { "NetworkSettings", NULL, TMPL_STRUCT, "*define.InspectNetworkSettings" },
    { "GraphDriver", NULL, TMPL_STRUCT, "*define.DriverData" },
    { "Health", NULL, TMPL_STRUCT, "define.HealthCheckResults" },
    { "Labels", NULL, TMPL_MAP, "map[string]string" },
    { "Annotations", NULL, TMPL_MAP, "map[string]string" },
    { "Networks", NULL, TMPL_MAP, "map[string]*define.InspectAdditionalNetwork" },
    { "Ports", NULL, TMPL_MAP, "map[string][]define.InspectHostPort" },
    { "PortBindings", NULL, TMPL_MAP, "map[string][]define.InspectHostPort" },
    { "Data", NULL, TMPL_MAP, "map[string]string" },
    { "Mounts", NULL, TMPL_LIST, "[]define.InspectMount" },
    { "Args", NULL, TMPL_LIST, "[]string" },
    { "Env", NULL, TMPL_LIST, "[]string" },
    { "Cmd", NULL, TMPL_LIST, "[]string" },
    { "Dependencies", NULL, TMPL_LIST, "[]string" },
    { "Dns", NULL, TMPL_LIST, "[]string" },
    { "DnsSearch", NULL, TMPL_LIST, "[]string" },
    { "DnsOptions", NULL, TMPL_LIST, "[]string" },
    { "ExtraHosts", NULL, TMPL_LIST, "[]string" },
    { "StopSignal", NULL, TMPL_AUTO, "uint" },
    { "StopTimeout", NULL, TMPL_AUTO, "uint" },
    { "ExitCode", NULL, TMPL_AUTO, "int32" },
    { "ShmSize", NULL, TMPL_AUTO, "int64" },
    { NULL, NULL, TMPL_AUTO, NULL },
};

static const tmpl_schema_t inspect_schema = {
    .item_kind = TMPL_STRUCT,
    .item_type = "interface {}", /* podman ranges over []interface{} */
    .members = inspect_members,
};

/* podman's inspectNormalize: {{.Id}} (spaces allowed) is {{.ID}}; .Src,
 * .Dst and .ImageID are older names.  malloc'ed, or NULL (printed). */
static char *normalize(const char *format)
{
    static const char *const renames[] = { ".Src", ".Source", ".Dst", ".Destination", ".ImageID", ".Image", NULL };
    static const char ws[] = " \t\n\f\r";
    char *s = strdup(format), *r = NULL;
    for (char *p = s ? strstr(s, "{{") : NULL; p; p = strstr(p + 1, "{{")) {
        char *q = p + 2 + strspn(p + 2, ws);
        if (strncmp(q, ".Id", 3) != 0)
            continue;
        q += 3 + strspn(q + 3, ws);
        if (strncmp(q, "}}", 2) != 0)
            continue;
        memcpy(p, "{{.ID}}", 7); /* never longer than what it replaces */
        memmove(p + 7, q + 2, strlen(q + 2) + 1);
    }
    if (s)
        r = tmpl_replace(s, renames);
    free(s);
    if (!r)
        ctrctl_error("out of memory");
    return r;
}

/* Print the template's output for the documents; 0 or EXIT_ENGINE (printed). */
static int print_formatted(const tmpl_t *t, json_object *docs)
{
    tmpl_buf_t out = { 0 }, aligned = { 0 };
    char *error = NULL;
    int r = tmpl_execute(t, docs, &inspect_schema, &out, &error);
    int q = tmpl_is_table(t) ? tmpl_tabwrite(out.data, out.len, &aligned) : 0;
    const tmpl_buf_t *text = tmpl_is_table(t) ? &aligned : &out;
    if (q == 0 && text->len)
        fwrite(text->data, 1, text->len, stdout);
    tmpl_buf_free(&out);
    tmpl_buf_free(&aligned);
    if (r == -EINVAL)
        ctrctl_error("%s", error);
    else if (r < 0 || q < 0)
        ctrctl_error("out of memory");
    free(error);
    return r < 0 || q < 0 ? EXIT_ENGINE : 0;
}

/* Append c's document to docs; 0 or EXIT_ENGINE (printed). */
static int add_document(ctr_container_t *c, uint64_t flags, json_object *docs)
{
    char *json = NULL;
    if (ctr_container_inspect(c, flags, &json) < 0)
        return ctrctl_fail();
    json_object *doc = json_tokener_parse(json);
    ctr_free(json);
    if (!doc)
        return ctrctl_error("the inspect document of %s is not valid JSON", ctr_container_name(c));
    if (json_object_array_add(docs, doc) < 0) {
        json_object_put(doc);
        return ctrctl_error("out of memory");
    }
    return 0;
}

/* inspect --format TEMPLATE: the containers found are printed, the others are errors. */
static int inspect_formatted(ctrctl_t *g, int argc, char **argv, uint64_t flags, const char *format)
{
    char *text = normalize(format), *error = NULL;
    tmpl_t *t = NULL;
    if (!text)
        return EXIT_ENGINE;
    int r = tmpl_parse(&t, "inspect", text, &error);
    free(text);
    if (r < 0) {
        ctrctl_error("%s", r == -EINVAL ? error : "out of memory");
        free(error);
        return EXIT_ENGINE;
    }
    json_object *docs = json_object_new_array();
    if (!docs)
        r = ctrctl_error("out of memory");
    for (int i = optind; docs && i < argc; i++) {
        ctr_container_t *c = NULL;
        int q = ctrctl_lookup(g, argv[i], &c);
        if (q == 0)
            q = add_document(c, flags, docs);
        if (q)
            r = q;
        ctr_container_unref(c);
    }
    if (docs) {
        int q = print_formatted(t, docs);
        if (q)
            r = q;
    }
    json_object_put(docs);
    tmpl_free(t);
    return r;
}

int cmd_inspect(ctrctl_t *g, int argc, char **argv)
{
    static const struct option options[] = {
        { "format", required_argument, NULL, 'f' },
        { "size", no_argument, NULL, 's' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    uint64_t flags = 0;
    const char *format = NULL;
    int o, r = 0;
    while ((o = getopt_long(argc, argv, "f:sh", options, NULL)) != -1) {
        switch (o) {
        case 'f': format = optarg; break;
        case 's': flags |= CTR_INSPECT_SIZE; break;
        case 'h': return ctrctl_help(inspect_usage);
        default: return ctrctl_bad_usage(argv[0]);
        }
    }
    if (optind >= argc)
        return ctrctl_error("inspect needs at least one container");
    if (format && *format && !tmpl_is_json(format))
        return inspect_formatted(g, argc, argv, flags, format);
    /* As podman: the containers found are printed, the others are errors. */
    size_t printed = 0;
    printf("[");
    for (int i = optind; i < argc; i++) {
        ctr_container_t *c = NULL;
        char *json = NULL;
        int q = ctrctl_lookup(g, argv[i], &c);
        if (q == 0 && ctr_container_inspect(c, flags, &json) < 0)
            q = ctrctl_fail();
        if (q == 0)
            printf("%s\n%s", printed++ ? "," : "", json);
        else
            r = q;
        ctr_free(json);
        ctr_container_unref(c);
    }
    printf("%s]\n", printed ? "\n" : "");
    return r;
}
