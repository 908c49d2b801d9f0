/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cgroup-check ROOT RUNROOT NAME: compare the real cgroup of a running
 * container with what its resources should give (the mapping of
 * data/resources, ctr__resources_cgroup_files(), for the host's cgroup
 * version).  The container's cgroup is found in /proc/PID/cgroup of its
 * process.  Prints one TAP-like line per file ("ok FILE VALUE", "not ok
 * FILE: ..."); exits 0 when every file shows its value, 1 when one does
 * not, 2 on a usage or lookup error. */
#include <libctr/ctr.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/container.h"
#include "data/config.h"

/* The cgroup path of @pid in the hierarchy of @controller (v1), or the
 * unified one (v2, @controller NULL), into @out. */
static int cgroup_of(pid_t pid, const char *controller, char *out, size_t size)
{
    char path[64], line[4096];
    snprintf(path, sizeof path, "/proc/%d/cgroup", (int)pid);
    FILE *f = fopen(path, "re");
    if (!f)
        return -1;
    int found = -1;
    while (found < 0 && fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = '\0';
        char *c1 = strchr(line, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
        if (!c2)
            continue;
        *c2 = '\0';
        char *list = c1 + 1, *save = NULL;
        if (!controller) {
            if (!*list) {
                snprintf(out, size, "/sys/fs/cgroup%s", c2 + 1);
                found = 0;
            }
            continue;
        }
        /* "cpu,cpuacct": the directory is named as the mount is */
        for (char *t = strtok_r(list, ",", &save); t && found < 0; t = strtok_r(NULL, ",", &save))
            if (strcmp(t, controller) == 0) {
                snprintf(out, size, "/sys/fs/cgroup/%s%s", controller, c2 + 1);
                found = 0;
            }
    }
    fclose(f);
    return found;
}

/* Does @path have a line equal to @value? */
static int has_line(const char *path, const char *value, char *first, size_t size)
{
    FILE *f = fopen(path, "re");
    char line[4096];
    int found = 0;
    first[0] = '\0';
    if (!f) {
        snprintf(first, size, "(cannot open it)");
        return 0;
    }
    while (!found && fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = '\0';
        if (!first[0])
            snprintf(first, size, "%s", line);
        found = strcmp(line, value) == 0;
    }
    fclose(f);
    return found;
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: cgroup-check ROOT RUNROOT NAME\n");
        return 2;
    }
    ctr_runtime_options_t ro = CTR_RUNTIME_OPTIONS_INIT;
    ro.root = argv[1];
    ro.run_root = argv[2];
    ctr_runtime_t *rt = NULL;
    ctr_container_t *c = NULL;
    pid_t pid = 0;
    if (ctr_runtime_new(&rt, &ro) < 0 || ctr_runtime_lookup(rt, argv[3], &c) < 0 || ctr_container_pid(c, &pid) < 0 ||
        pid <= 0) {
        fprintf(stderr, "cgroup-check: %s: %s\n", argv[3], ctr_error_last()->message);
        return 2;
    }
    int version = ctr__cgroup_version(), bad = 0;
    struct ctr__cgroup_file *files = NULL;
    size_t n = 0;
    if (ctr__resources_cgroup_files(&ctr__container_config(c)->resources, version, &files, &n) < 0) {
        fprintf(stderr, "cgroup-check: %s\n", ctr_error_last()->message);
        return 2;
    }
    printf("# cgroup v%d, %zu files\n", version, n);
    for (size_t i = 0; i < n; i++) {
        char controller[40], dir[4096], path[4200], seen[4096];
        snprintf(controller, sizeof controller, "%s", files[i].name);
        controller[strcspn(controller, ".")] = '\0';
        if (cgroup_of(pid, version == 1 ? controller : NULL, dir, sizeof dir) < 0) {
            printf("not ok %s: no %s cgroup for PID %d\n", files[i].name, controller, (int)pid);
            bad = 1;
            continue;
        }
        snprintf(path, sizeof path, "%s/%s", dir, files[i].name);
        if (has_line(path, files[i].value, seen, sizeof seen)) {
            printf("ok %s %s\n", path, files[i].value);
        } else {
            printf("not ok %s: expected \"%s\", found \"%s\"\n", path, files[i].value, seen);
            bad = 1;
        }
    }
    free(files);
    ctr_container_unref(c);
    ctr_runtime_unref(rt);
    return bad;
}
