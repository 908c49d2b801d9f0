/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* state.json of a native container (see state.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>

#include "base/error.h"
#include "base/json-util.h"
#include "base/procfs.h"
#include "native/cgroup.h"
#include "native/spec.h"
#include "native/state.h"

int ctr__native_id_check(const char *id)
{
    if (isempty(id) || id[0] == '.' || strlen(id) > 1024)
        return ctr__err(-EINVAL, "invalid container ID format: %s", id ? id : "");
    for (const char *p = id; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
              strchr("_+.-", *p)))
            return ctr__err(-EINVAL, "invalid container ID format: %s", id);
    return 0;
}

char *ctr__native_state_dir(const char *root, const char *id)
{
    return ctr__asprintf("%s/%s", root, id);
}

int ctr__native_state_save(const char *dir, const struct ctr__native_state *st)
{
    _cleanup_json_ json_object *o = json_object_new_object();
    _cleanup_free_ char *path = ctr__asprintf("%s/state.json", dir);
    int r = o && path ? 0 : -ENOMEM;

    if (r == 0)
        r = ctr__json_add_str(o, "id", st->id);
    if (r == 0)
        r = ctr__json_add_int(o, "pid", st->pid);
    if (r == 0)
        r = ctr__json_add_int(o, "start_time", (int64_t)st->start_time);
    if (r == 0)
        r = ctr__json_add_str(o, "bundle", st->bundle);
    if (r == 0)
        r = ctr__json_add_str(o, "rootfs", st->rootfs);
    if (r == 0)
        r = ctr__json_add_str(o, "cgroups_path", st->cgroups_path);
    if (r == 0)
        r = ctr__json_add_str(o, "created", st->created);
    if (r == 0 && st->annotations)
        r = ctr__json_set(o, "annotations", json_object_get(st->annotations));
    if (r == 0 && st->hooks)
        r = ctr__json_add_int(o, "hooks", st->hooks);
    if (r < 0)
        return ctr__oom("state.json");
    const char *text = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);
    r = ctr__write_file_at(AT_FDCWD, path, text, strlen(text), 0600, false);
    return r < 0 ? ctr__err(r, "writing %s: %s", path, strerror(-r)) : 0;
}

static int state_from_json(json_object *o, struct ctr__native_state *st)
{
    int64_t pid = 0, start = 0, hooks = 0;
    int r = ctr__json_get_str(o, "id", &st->id);

    if (r == 0)
        r = ctr__json_get_int(o, "pid", &pid);
    if (r == 0)
        r = ctr__json_get_int(o, "start_time", &start);
    if (r == 0)
        r = ctr__json_get_str(o, "bundle", &st->bundle);
    if (r == 0)
        r = ctr__json_get_str(o, "rootfs", &st->rootfs);
    if (r == 0)
        r = ctr__json_get_str(o, "cgroups_path", &st->cgroups_path);
    if (r == 0)
        r = ctr__json_get_str(o, "created", &st->created);
    if (r == 0)
        r = ctr__json_get_int(o, "hooks", &hooks);
    if (r == 0 && (!st->id || pid <= 0 || pid > INT32_MAX || start <= 0 || !st->bundle || !st->created))
        r = ctr__err(-EINVAL, "state.json lacks a member");
    json_object *ann = NULL;
    if (r == 0 && json_object_object_get_ex(o, "annotations", &ann))
        st->annotations = json_object_get(ann);
    st->pid = (pid_t)pid;
    st->start_time = (uint64_t)start;
    st->hooks = (unsigned int)hooks & ((1u << CTR_HOOK_KINDS) - 1);
    return r;
}

int ctr__native_state_load(const char *root, const char *id, struct ctr__native_state *ret)
{
    _cleanup_free_ char *path = ctr__asprintf("%s/%s/state.json", root, id), *text = NULL;
    _cleanup_json_ json_object *o = NULL;

    *ret = (struct ctr__native_state){0};
    if (ctr__native_id_check(id) < 0)
        return -EINVAL;
    if (!path)
        return ctr__oom("state path");
    int r = ctr__read_file_at(AT_FDCWD, path, &text, NULL);
    if (r == -ENOENT)
        return ctr__err(-ENOENT, "container \"%s\" does not exist", id);
    if (r < 0)
        return ctr__err(r, "reading %s: %s", path, strerror(-r));
    r = ctr__json_parse(text, path, &o);
    if (r == 0)
        r = state_from_json(o, ret);
    if (r < 0) {
        ctr__native_state_done(ret);
        return ctr__err_prefix(-EINVAL, "container \"%s\": damaged state", id);
    }
    return 0;
}

void ctr__native_state_done(struct ctr__native_state *st)
{
    free(st->id);
    free(st->bundle);
    free(st->rootfs);
    free(st->cgroups_path);
    free(st->created);
    json_object_put(st->annotations);
    *st = (struct ctr__native_state){0};
}

uint64_t ctr__native_pid_start_time(pid_t pid)
{
    char path[64], buf[1024];
    struct ctr__proc_stat ps;

    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return 0;
    ssize_t n = read(fd, buf, sizeof buf);
    close(fd);
    if (n <= 0 || ctr__proc_parse_stat(buf, (size_t)n, &ps) < 0 || ps.state == 'Z' || ps.state == 'X')
        return 0;
    return ps.starttime;
}

bool ctr__native_state_alive(const struct ctr__native_state *st)
{
    return ctr__native_pid_start_time(st->pid) == st->start_time;
}

static bool cgroup_frozen(const struct ctr__native_state *st)
{
    struct ctr__native_cgroup *cg = NULL;
    struct ctr__err_saved saved;

    ctr__err_save(&saved);
    bool frozen = ctr__native_cgroup_open(st->cgroups_path, st->id, &cg) == 0 && ctr__native_cgroup_frozen(cg);
    ctr__native_cgroup_free(cg);
    ctr__err_restore(&saved);
    return frozen;
}

enum ctr__native_status ctr__native_state_status(const char *root, const struct ctr__native_state *st)
{
    char fifo[4096];

    if (!ctr__native_state_alive(st))
        return CTR_NATIVE_STOPPED;
    snprintf(fifo, sizeof fifo, "%s/%s/exec.fifo", root, st->id);
    if (access(fifo, F_OK) == 0)
        return CTR_NATIVE_CREATED;
    return cgroup_frozen(st) ? CTR_NATIVE_PAUSED : CTR_NATIVE_RUNNING;
}

const char *ctr__native_status_name(enum ctr__native_status s)
{
    static const char *const names[] = {"creating", "created", "running", "paused", "stopped"};
    return names[s];
}
