/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Pods on a runtime (see pod.h): records, lookup, members, lock, cgroup.
 *
 * Locks.  A pod's record is written (added, replaced for its member index,
 * removed) only under the runtime lock; operations on a pod take the pod's
 * lock, then each member's container lock: runtime → pod → container, never
 * the other way round.
 *
 * The member index.  The record lists its members' IDs, so that an operation
 * on a pod reads its members and not every container: an ID is added before
 * the member's record and removed after it, so the index is a superset of
 * the members (a create or remove that died leaves an ID whose container is
 * gone, or is not the pod's: ctr__pod_members() leaves it out). */
#include "core/pod.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/cgroup.h"
#include "base/error.h"
#include "core/runtime.h"
#include "state/state.h"

int ctr__pod_get(ctr_runtime_t *rt, const char *id, struct ctr__pod *ret)
{
    _cleanup_free_ char *doc = NULL;
    int r = ctr__state_obj_get(ctr__runtime_state(rt), CTR__POD_KIND, id, &doc);
    if (r == -ENOENT || r == -EINVAL)
        return ctr__err(-ENOENT, "no pod with ID %s found: no such pod", id);
    if (r < 0)
        return r;
    r = ctr__pod_from_json(doc, ret);
    return r < 0 ? ctr__err_prefix(r, "pod %.12s", id) : 0;
}

static int parse(const char *doc, void *elem)
{
    return ctr__pod_from_json(doc, elem);
}

static void clear(void *elem)
{
    ctr__pod_clear(elem);
}

static int by_created(const void *a, const void *b)
{
    const struct ctr__pod *x = a, *y = b;
    return x->created < y->created ? -1 : x->created > y->created ? 1 : strcmp(x->id, y->id);
}

static const struct ctr__records_type records = {
    CTR__POD_KIND, sizeof(struct ctr__pod), parse, clear, by_created,
};

int ctr__pod_list(ctr_runtime_t *rt, struct ctr__pod **ret, size_t *ret_n)
{
    return ctr__runtime_records(rt, &records, (void **)ret, ret_n);
}

void ctr__pod_list_free(struct ctr__pod *p, size_t n)
{
    ctr__runtime_records_free(&records, p, n);
}

/* The index of the pod @ref names in @v: its name or ID first, then a
 * unique ID prefix; -ENOENT; -EINVAL for an ambiguous prefix. */
static int find(const struct ctr__pod *v, size_t n, const char *ref)
{
    for (size_t i = 0; i < n; i++)
        if (streq(v[i].name, ref) || streq(v[i].id, ref))
            return (int)i;
    int found = -ENOENT;
    size_t len = strlen(ref);
    for (size_t i = 0; i < n && strspn(ref, "0123456789abcdef") == len; i++) {
        if (strncmp(v[i].id, ref, len) != 0)
            continue;
        if (found >= 0)
            return ctr__err(-EINVAL, "more than one pod has an ID beginning with \"%s\"", ref);
        found = (int)i;
    }
    return found == -ENOENT ? ctr__err(-ENOENT, "no pod with name or ID %s found: no such pod", ref) : found;
}

int ctr__pod_resolve(ctr_runtime_t *rt, const char *ref, struct ctr__pod *ret)
{
    if (isempty(ref))
        return ctr__err(-EINVAL, "a pod's name or ID must not be empty");
    struct ctr__pod *v = NULL;
    size_t n = 0;
    int r = ctr__pod_list(rt, &v, &n);
    if (r < 0)
        return r;
    int i = find(v, n, ref);
    if (i >= 0) {
        *ret = v[i];
        v[i] = (struct ctr__pod){ 0 };
    }
    ctr__pod_list_free(v, n);
    return i < 0 ? i : 0;
}

int ctr__pod_name_taken(ctr_runtime_t *rt, const char *name)
{
    if (!ctr__state_has_objects(ctr__runtime_state(rt)))
        return 0;
    struct ctr__pod *v = NULL;
    size_t n = 0;
    int r = ctr__pod_list(rt, &v, &n);
    if (r < 0)
        return r;
    bool taken = false;
    for (size_t i = 0; i < n && !taken; i++)
        taken = streq(v[i].name, name);
    ctr__pod_list_free(v, n);
    return taken;
}

static int put(ctr_runtime_t *rt, const struct ctr__pod *p, bool add)
{
    _cleanup_free_ char *doc = NULL;
    int r = ctr__pod_to_json(p, &doc);
    if (r < 0)
        return r;
    struct ctr__state *s = ctr__runtime_state(rt);
    r = add ? ctr__state_obj_add(s, CTR__POD_KIND, p->id, doc) : ctr__state_obj_save(s, CTR__POD_KIND, p->id, doc);
    return r < 0 ? ctr__err_prefix(r, "the record of pod %s", p->name) : 0;
}

int ctr__pod_add_locked(ctr_runtime_t *rt, const struct ctr__pod *p)
{
    return put(rt, p, true);
}

int ctr__pod_save(ctr_runtime_t *rt, const struct ctr__pod *p)
{
    return put(rt, p, false);
}

int ctr__pod_delete_locked(ctr_runtime_t *rt, const char *id)
{
    int r = ctr__state_obj_remove(ctr__runtime_state(rt), CTR__POD_KIND, id);
    return r < 0 && r != -ENOENT ? ctr__err_prefix(r, "the record of pod %.12s", id) : 0;
}

/* ---- members ---- */

struct member {
    char *id;
    int64_t created;
};

static int member_cmp(const void *a, const void *b)
{
    const struct member *x = a, *y = b;
    return x->created < y->created ? -1 : x->created > y->created ? 1 : strcmp(x->id, y->id);
}

/* Whether container id exists and its config names the pod (its created
 * time in *ret_created). */
static bool is_member(ctr_runtime_t *rt, const struct ctr__pod *p, const char *id, int64_t *ret_created)
{
    _cleanup_free_ char *config = NULL;
    _cleanup_(ctr__config_unrefp) struct ctr__config *cfg = NULL;
    if (ctr__state_get(ctr__runtime_state(rt), id, &config, NULL) < 0 ||
        ctr__runtime_config(rt, id, config, &cfg) < 0) {
        ctr__err_clear(); /* gone (a superset of the members is kept), or damaged */
        return false;
    }
    *ret_created = cfg->created;
    return cfg->pod && streq(cfg->pod, p->id) && !cfg->infra;
}

int ctr__pod_members(ctr_runtime_t *rt, const char *pod_id, char ***ret)
{
    struct ctr__pod p = { 0 };
    int r = ctr__pod_get(rt, pod_id, &p);
    if (r < 0)
        return r;
    size_t n = ctr__strv_len((const char *const *)p.members), k = 0;
    _cleanup_free_ struct member *v = calloc(n + 1, sizeof *v);
    char **ids = v ? calloc(n + 1, sizeof *ids) : NULL;
    for (size_t i = 0; ids && i < n; i++)
        if (is_member(rt, &p, p.members[i], &v[k].created))
            v[k++].id = p.members[i]; /* lent from p */
    if (k > 1)
        qsort(v, k, sizeof *v, member_cmp);
    for (size_t i = 0; ids && i < k; i++) {
        if (!(ids[i] = strdup(v[i].id))) {
            ctr__strv_free(ids);
            ids = NULL;
        }
    }
    ctr__pod_clear(&p);
    if (!ids)
        return ctr__oom("the pod's members");
    *ret = ids;
    return 0;
}

static int member_update(ctr_runtime_t *rt, const char *pod_id, const char *ctr_id, bool add)
{
    struct ctr__pod p = { 0 };
    int r = ctr__pod_get(rt, pod_id, &p);
    if (r < 0)
        return r;
    bool has = ctr__strv_contains((const char *const *)p.members, ctr_id);
    if (add && !has)
        r = ctr__strv_push(&p.members, ctr_id) < 0 ? ctr__oom("the pod's members") : ctr__pod_save(rt, &p);
    else if (!add && has) {
        char **w = p.members;
        for (char **m = p.members; *m; m++) {
            if (streq(*m, ctr_id))
                free(*m);
            else
                *w++ = *m;
        }
        *w = NULL;
        r = ctr__pod_save(rt, &p);
    }
    ctr__pod_clear(&p);
    return r;
}

int ctr__pod_member_add(ctr_runtime_t *rt, const char *pod_id, const char *ctr_id)
{
    return member_update(rt, pod_id, ctr_id, true);
}

int ctr__pod_member_remove(ctr_runtime_t *rt, const char *pod_id, const char *ctr_id)
{
    return member_update(rt, pod_id, ctr_id, false);
}

/* ---- lock, cgroup ---- */

int ctr__pod_lock(ctr_runtime_t *rt, const char *id, struct ctr__lock *l)
{
    _cleanup_free_ char *name = ctr__asprintf("pod-%s", id);
    _cleanup_free_ char *path = name ? ctr__lock_path(rt, name) : NULL;
    if (!path)
        return ctr__oom("a lock path");
    int r = ctr__lock_init(l, path);
    if (r < 0)
        return r;
    if ((r = ctr__lock_acquire(l)) < 0)
        ctr__lock_done(l);
    return r;
}

void ctr__pod_unlock(struct ctr__lock *l, bool remove_file)
{
    if (remove_file)
        ctr__lock_unlink(l);
    ctr__lock_release(l);
    ctr__lock_done(l);
}

/* rmdir PATH below the mount point (the 5th field) of each line of mountinfo's cgroup lines. */
static void cgroup_rmdir_all(ctr_runtime_t *rt, char *mounts, const char *path)
{
    char *save = NULL;
    for (char *line = strtok_r(mounts, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        char mp[4096];
        if (sscanf(line, "%*s %*s %*s %*s %4095s", mp) != 1)
            continue;
        _cleanup_free_ char *dir = ctr__asprintf("%s%s", mp, path);
        if (dir && rmdir(dir) < 0 && errno != ENOENT)
            ctr__rt_log(rt, CTR_LOG_WARNING, "cannot remove the pod's cgroup %s: %m", dir);
    }
}

void ctr__pod_cgroup_remove(ctr_runtime_t *rt, const struct ctr__pod *p)
{
    _cleanup_free_ char *mounts = NULL, *path = ctr__pod_cgroup_path(p);
    if (!path || ctr__cgroup_mounts(&mounts) < 0)
        return;
    cgroup_rmdir_all(rt, mounts, path);
}

/* ---- the cgroup's limits ---- */

static int cg_write(const char *dir, const char *file, const char *value)
{
    _cleanup_free_ char *path = ctr__asprintf("%s/%s", dir, file);
    if (!path)
        return ctr__oom("a path");
    _cleanup_close_ int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0 || ctr__write_all(fd, value, strlen(value)) < 0)
        return ctr__err(-errno, "cannot write \"%s\" to %s: %m", value, path);
    return 0;
}

/* A new cpuset cgroup has no CPUs nor memory nodes: its parent's. */
static int cpuset_inherit(const char *dir)
{
    static const char *const files[] = { "cpuset.cpus", "cpuset.mems" };
    for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
        _cleanup_free_ char *mine = NULL, *parent = NULL, *ppath = ctr__asprintf("%s/../%s", dir, files[i]);
        _cleanup_free_ char *path = ctr__asprintf("%s/%s", dir, files[i]);
        if (!ppath || !path)
            return ctr__oom("a path");
        if (ctr__read_file_at(AT_FDCWD, path, &mine, NULL) < 0 || mine[strspn(mine, " \n")])
            continue; /* none here (v2 before it is enabled), or set */
        int r = ctr__read_file_at(AT_FDCWD, ppath, &parent, NULL);
        if (r == 0 && (r = cg_write(dir, files[i], parent)) < 0)
            return r;
    }
    return 0;
}

/* mkdir -p of @path below the mount point @mp, each new level a cpuset's
 * parent's copy (v1), or with the controllers enabled below it (v2). */
static int cg_mkdir(const char *mp, const char *path, bool cpuset, const char *enable)
{
    _cleanup_free_ char *dir = strdup(mp);
    _cleanup_free_ char *rest = strdup(path);
    if (!dir || !rest)
        return ctr__oom("a path");
    char *save = NULL;
    for (char *t = strtok_r(rest, "/", &save); t; t = strtok_r(NULL, "/", &save)) {
        if (enable)
            (void)cg_write(dir, "cgroup.subtree_control", enable); /* one not available is the limit's error */
        char *next = ctr__asprintf("%s/%s", dir, t);
        if (!next)
            return ctr__oom("a path");
        free(dir);
        dir = next;
        if (mkdir(dir, 0755) < 0 && errno != EEXIST)
            return ctr__err(-errno, "cannot create the pod's cgroup %s: %m", dir);
        int r = cpuset ? cpuset_inherit(dir) : 0;
        if (r < 0)
            return r;
    }
    return 0;
}

struct limit {
    const char *controller; /* v1 */
    const char *file;       /* v1 */
    const char *file_v2;
    char value[64];
    char value_v2[64];
};

/* The limits of p as cgroup files (an empty value: not set). */
static size_t limits_of(const struct ctr__pod *p, struct limit *l)
{
    size_t n = 0;
    if (p->memory) {
        l[n] = (struct limit){ "memory", "memory.limit_in_bytes", "memory.max" };
        snprintf(l[n].value, sizeof l[n].value, "%lld", (long long)p->memory);
        snprintf(l[n].value_v2, sizeof l[n].value_v2, "%lld", (long long)p->memory);
        n++;
    }
    if (p->memory && p->memory_swap) {
        l[n] = (struct limit){ "memory", "memory.memsw.limit_in_bytes", "memory.swap.max" };
        snprintf(l[n].value, sizeof l[n].value, "%lld", (long long)p->memory_swap);
        if (p->memory_swap < 0)
            snprintf(l[n].value_v2, sizeof l[n].value_v2, "max");
        else
            snprintf(l[n].value_v2, sizeof l[n].value_v2, "%lld", (long long)(p->memory_swap - p->memory));
        n++;
    }
    if (p->cpu_quota) {
        l[n] = (struct limit){ "cpu", "cpu.cfs_period_us", NULL };
        snprintf(l[n].value, sizeof l[n].value, "%lld", (long long)p->cpu_period);
        n++;
        l[n] = (struct limit){ "cpu", "cpu.cfs_quota_us", "cpu.max" };
        snprintf(l[n].value, sizeof l[n].value, "%lld", (long long)p->cpu_quota);
        snprintf(l[n].value_v2, sizeof l[n].value_v2, "%lld %lld", (long long)p->cpu_quota, (long long)p->cpu_period);
        n++;
    }
    const char *sets[][3] = { { p->cpuset_cpus, "cpuset.cpus" }, { p->cpuset_mems, "cpuset.mems" } };
    for (size_t i = 0; i < 2; i++) {
        if (!sets[i][0])
            continue;
        l[n] = (struct limit){ "cpuset", sets[i][1], sets[i][1] };
        snprintf(l[n].value, sizeof l[n].value, "%s", sets[i][0]);
        snprintf(l[n].value_v2, sizeof l[n].value_v2, "%s", sets[i][0]);
        n++;
    }
    return n;
}

/* Whether the blank-separated list has the word. */
static bool has_word(const char *list, const char *word)
{
    size_t n = strlen(word);
    for (const char *p = list; p && (p = strstr(p, word)); p += n)
        if ((p == list || p[-1] == ' ') && (p[n] == '\0' || p[n] == ' ' || p[n] == '\n'))
            return true;
    return false;
}

/* One hierarchy (a mountinfo line): the limits it has a controller for. */
static int limits_in(const char *line, const char *path, const struct limit *l, size_t n)
{
    char mp[4096], type[32], opts[512];
    const char *sep = strstr(line, " - ");
    if (!sep || sscanf(line, "%*s %*s %*s %*s %4095s", mp) != 1 || sscanf(sep, " - %31s %*s %511s", type, opts) != 2)
        return 0;
    bool v2 = streq(type, "cgroup2");
    _cleanup_free_ char *dir = ctr__asprintf("%s%s", mp, path);
    _cleanup_free_ char *controllers = NULL;
    if (!dir)
        return ctr__oom("a path");
    char ctl[4200];
    snprintf(ctl, sizeof ctl, "%s/cgroup.controllers", mp);
    if (v2 && (ctr__read_file_at(AT_FDCWD, ctl, &controllers, NULL) < 0 || !controllers[strspn(controllers, " \n")]))
        return 0; /* a unified hierarchy without controllers (a hybrid host's) */
    bool made = false;
    for (size_t i = 0; i < n; i++) {
        char want[64];
        snprintf(want, sizeof want, ",%s,", l[i].controller);
        _cleanup_free_ char *o = ctr__asprintf(",%s,", opts);
        if (!o)
            return ctr__oom("mount options");
        if (v2 ? !l[i].file_v2 || !has_word(controllers, l[i].controller) : !strstr(o, want))
            continue; /* not this hierarchy's (v2: a controller it does not have: a hybrid host's v1 has it) */
        int r = made ? 0 : cg_mkdir(mp, path, v2 || strstr(o, ",cpuset,"), v2 ? "+memory +cpu +cpuset" : NULL);
        made = true;
        if (r == 0)
            r = cg_write(dir, v2 ? l[i].file_v2 : l[i].file, v2 ? l[i].value_v2 : l[i].value);
        if (r < 0)
            return r;
    }
    return 0;
}

int ctr__pod_cgroup_ensure(ctr_runtime_t *rt, const char *pod_id)
{
    struct ctr__pod p = { 0 };
    int r = ctr__pod_get(rt, pod_id, &p);
    if (r == 0)
        r = ctr__pod_cgroup_create(rt, &p);
    ctr__pod_clear(&p);
    return r;
}

int ctr__pod_cgroup_create(ctr_runtime_t *rt, const struct ctr__pod *p)
{
    struct limit l[8];
    size_t n = limits_of(p, l);
    if (n == 0)
        return 0;
    _cleanup_free_ char *mounts = NULL, *path = ctr__pod_cgroup_path(p);
    if (!path)
        return ctr__oom("a path");
    int r = ctr__cgroup_mounts(&mounts);
    if (r < 0)
        return ctr__err(r, "cannot read the cgroup mounts: %s", strerror(-r));
    char *save = NULL;
    for (char *line = strtok_r(mounts, "\n", &save); line && r == 0; line = strtok_r(NULL, "\n", &save))
        r = limits_in(line, path, l, n);
    return r;
}
