/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Crash safety.  For every crash point of the library (CTR_FAULT_POINT,
 * lib/base/fault.h) and the operation that reaches it, a child process prepares
 * nothing but runs the operation with CTR_FAULT naming the point and dies
 * there by SIGKILL.  Then the runtime is opened again (after a faked reboot,
 * for points that leave processes behind, also a second time) and checked:
 *
 *   - the database opens; every container listed has its config and state,
 *     and looking it up by name finds the same ID;
 *   - its state tells the truth (what runc says about it), and
 *     `ctrctl ps -a --format json` says the same as the API;
 *   - every image listed is complete: a container made from it mounts;
 *   - the operation can be retried (or the container removed);
 *   - after a refresh and removing everything, nothing is left: no
 *     directories under ROOT/containers, RUNROOT/containers and the image
 *     store, no mounts under the roots, no conmon or container process, no
 *     runc state, no lock file but the runtime's.
 *
 * Needs root, runc, conmon and a library built with -Dfault_injection=true
 * (the `crash` suite of such a build).  CTR_CRASH_ONLY=SUBSTRING runs the
 * scenarios whose label contains it. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>

#include "../api/test-helpers.h"

#define ARRAY_SIZE_(a) (sizeof(a) / sizeof((a)[0]))

static const char *backend;
static const char *ctrctl;
static const char *source_root;
static char work[64];      /* scratch: the busybox tars, the template store */
static char template_root[80];

enum op { OP_CREATE, OP_INIT, OP_START, OP_STOP, OP_REMOVE, OP_IMPORT, OP_COMMIT, OP_VOLUME_CREATE, OP_VOLUME_REMOVE,
          OP_RENAME, OP_UPDATE };
static const char *const op_names[] = { "create", "init", "start", "stop", "remove", "import", "commit",
                                        "volume-create", "volume-rm", "rename", "update" };

struct scenario {
    const char *point;
    enum op op;
    bool reboot;     /* check after a faked reboot */
    bool transient;  /* "fsync": the operation's saves are transient, it may make none */
    char label[96];
};

/* Every crash point with the operation that reaches it.  Points of one
 * state backend ("files.", "tdb.") run with that backend only; points that
 * leave processes behind run a second time with a faked reboot. */
static struct scenario scenarios[] = {
    { "create.after-storage", OP_CREATE },
    { "create.after-static-dir", OP_CREATE },
    { "create.after-add", OP_CREATE },
    { "init.after-mount", OP_INIT },
    { "init.after-shm", OP_INIT },
    { "init.after-oci-create", OP_INIT },
    { "init.after-oci-create", OP_INIT, true },
    { "start.before-oci-start", OP_START },
    { "start.before-oci-start", OP_START, true },
    { "start.after-oci-start", OP_START },
    { "start.after-oci-start", OP_START, true },
    { "stop.after-stopping-save", OP_STOP },
    { "stop.after-stopping-save", OP_STOP, true },
    { "stop.after-exit", OP_STOP },
    { "cleanup.after-oci-remove", OP_STOP },
    { "remove.after-teardown", OP_REMOVE },
    { "remove.after-removing-save", OP_REMOVE },
    { "remove.after-storage-delete", OP_REMOVE },
    { "remove.after-dirs", OP_REMOVE },
    { "remove.after-state-remove", OP_REMOVE },
    { "stage.after-new", OP_IMPORT },
    { "stage.layer-unpacked", OP_IMPORT },
    { "stage.blobs-written", OP_IMPORT },
    { "publish.after-blobs", OP_IMPORT },
    { "publish.after-layers", OP_IMPORT },
    { "store.after-layers-json", OP_IMPORT },
    { "store.after-images-json", OP_IMPORT },
    { "commit.after-tar", OP_COMMIT },
    { "stage.after-new", OP_COMMIT },
    { "stage.layer-unpacked", OP_COMMIT },
    { "stage.blobs-written", OP_COMMIT },
    { "publish.after-blobs", OP_COMMIT },
    { "publish.after-layers", OP_COMMIT },
    { "store.after-layers-json", OP_COMMIT },
    { "store.after-images-json", OP_COMMIT },
    { "commit.after-publish", OP_COMMIT },
    { "files.add.after-name", OP_CREATE },
    { "files.add.before-rename", OP_CREATE },
    { "files.add.after-rename", OP_CREATE },
    { "files.save.before-rename", OP_START },
    { "files.save.after-rename", OP_START },
    { "files.remove.after-rename", OP_REMOVE },
    { "files.remove.after-sync", OP_REMOVE },
    { "tdb.add.before-commit", OP_CREATE },
    { "tdb.add.after-commit", OP_CREATE },
    { "tdb.save.before-commit", OP_START },
    { "tdb.save.after-commit", OP_START },
    { "tdb.remove.before-commit", OP_REMOVE },
    { "tdb.remove.after-commit", OP_REMOVE },
    { "files.rename.after-name", OP_RENAME },
    { "files.rename.before-exchange", OP_RENAME },
    { "files.rename.after-exchange", OP_RENAME },
    { "files.rename.after-old-name", OP_RENAME },
    { "tdb.rename.before-commit", OP_RENAME },
    { "tdb.rename.after-commit", OP_RENAME },
    { "files.rename.before-exchange", OP_UPDATE },
    { "files.rename.after-exchange", OP_UPDATE },
    { "tdb.rename.before-commit", OP_UPDATE },
    { "volume.add.after-dir", OP_VOLUME_CREATE },
    { "files.obj-add.after-link", OP_VOLUME_CREATE },
    { "tdb.obj.before-commit", OP_VOLUME_CREATE },
    { "volume.delete.after-dir", OP_VOLUME_REMOVE },
    /* Every fsync(2)/fdatasync(2) the operation makes, the state backend's
     * (tdb's inside its commit too) and the image store's. */
    { "fsync", OP_CREATE },
    /* A start's saves (created, running) are transient
     * (CTR_STATE_SAVE_TRANSIENT): the files backend syncs none of them. */
    { "fsync", OP_START, .transient = true },
    /* Not a crash point: the operation ends, then a power loss takes back
     * its transient saves (files backend only; see power_loss_once()). */
    { "power-loss", OP_START, true },
    { "power-loss", OP_STOP, true },
    { "fsync", OP_STOP },
    { "fsync", OP_REMOVE },
    { "fsync", OP_IMPORT },
    { "fsync", OP_COMMIT },
    { "fsync", OP_VOLUME_CREATE },
    { "fsync", OP_VOLUME_REMOVE },
    { "fsync", OP_RENAME },
    { "fsync", OP_UPDATE },
};

#define CTR_NAME "crash-ctr"
#define RENAMED "crash-renamed"
#define UPDATED_MEMORY (64 << 20)
#define IMPORT_NAME "localhost/crash-import:latest"
#define COMMIT_NAME "localhost/crash-commit:latest"
#define VOLUME_NAME "crash-vol"

static int create_volume(ctr_runtime_t *rt)
{
    const char *labels[] = { "crash=yes", NULL };
    ctr_volume_options_t o = CTR_VOLUME_OPTIONS_INIT;
    o.name = VOLUME_NAME;
    o.labels = labels;
    return ctr_volume_create(rt, &o, NULL);
}

/* One scenario's roots. */
struct roots {
    char root[96];
    char run_root[112];
};

/* Problems found by a check: printed, counted. */
static int problems;

#define PROBLEM(...)                                                                                         \
    do {                                                                                                     \
        fprintf(stderr, "  problem: " __VA_ARGS__);                                                          \
        fputc('\n', stderr);                                                                                 \
        problems++;                                                                                          \
    } while (0)

static bool for_backend(const struct scenario *sc)
{
    if (strcmp(sc->point, "power-loss") == 0)
        return strcmp(backend, "files") == 0; /* tdb syncs every save */
    if (strncmp(sc->point, "files.", 6) == 0)
        return strcmp(backend, "files") == 0;
    if (strncmp(sc->point, "tdb.", 4) == 0)
        return strcmp(backend, "tdb") == 0;
    return true;
}

static int shell(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int shell(const char *fmt, ...)
{
    char cmd[4096];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    int st = system(cmd);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

static ctr_runtime_t *open_rt(const struct roots *r)
{
    ctr_runtime_options_t o = CTR_RUNTIME_OPTIONS_INIT;
    o.root = r->root;
    o.run_root = r->run_root;
    o.state_backend = backend;
    ctr_runtime_t *rt = NULL;
    if (ctr_runtime_new(&rt, &o) < 0)
        return NULL;
    return rt;
}

/* ---- prerequisites and operations ---- */

static int create_ctr(ctr_runtime_t *rt, const char *name, const char *const *cmd, ctr_container_t **ret)
{
    ctr_container_options_t o = CTR_CONTAINER_OPTIONS_INIT;
    o.image = "busybox";
    o.name = name;
    o.command = cmd;
    return ctr_container_create(ret, rt, &o);
}

static const char *const sleep_cmd[] = { "/bin/sleep", "1000", NULL };
static const char *const commit_cmd[] = { "/bin/sh", "-c", "echo committed > /committed", NULL };

static int import_image(ctr_runtime_t *rt)
{
    char ref[160];
    snprintf(ref, sizeof ref, "tarball:%s/import.tar", work);
    ctr_import_options_t o = CTR_IMPORT_OPTIONS_INIT;
    o.reference = ref;
    o.name = IMPORT_NAME;
    return ctr_image_import(rt, &o, NULL);
}

static int commit_image(ctr_container_t *c)
{
    ctr_commit_options_t o = CTR_COMMIT_OPTIONS_INIT;
    o.name = COMMIT_NAME;
    return ctr_container_commit(c, &o, NULL);
}

static int update_memory(ctr_container_t *c)
{
    ctr_container_options_t o = CTR_CONTAINER_OPTIONS_INIT;
    o.memory = UPDATED_MEMORY;
    return ctr_container_update(c, &o, CTR_UPDATE_MEMORY);
}

/* The state the operation starts from (made without any crash point set). */
static int prepare(ctr_runtime_t *rt, enum op op)
{
    if (op == OP_CREATE || op == OP_IMPORT || op == OP_VOLUME_CREATE)
        return 0;
    if (op == OP_VOLUME_REMOVE)
        return create_volume(rt);
    ctr_container_t *c = NULL;
    int r = create_ctr(rt, CTR_NAME, op == OP_COMMIT ? commit_cmd : sleep_cmd, &c);
    if (r == 0 && op == OP_START)
        r = ctr_container_init(c);
    if (r == 0 && (op == OP_STOP || op == OP_REMOVE || op == OP_COMMIT || op == OP_RENAME ||
                   op == OP_UPDATE))
        r = ctr_container_start(c);
    if (r == 0 && op == OP_COMMIT)
        r = ctr_container_wait(c, 10000, NULL);
    ctr_container_unref(c);
    return r;
}

static int run_op(ctr_runtime_t *rt, enum op op)
{
    if (op == OP_CREATE) {
        ctr_container_t *c = NULL;
        int r = create_ctr(rt, CTR_NAME, sleep_cmd, &c);
        ctr_container_unref(c);
        return r;
    }
    if (op == OP_IMPORT)
        return import_image(rt);
    if (op == OP_VOLUME_CREATE)
        return create_volume(rt);
    if (op == OP_VOLUME_REMOVE)
        return ctr_volume_remove(rt, VOLUME_NAME, 0);
    ctr_container_t *c = NULL;
    int r = ctr_runtime_lookup(rt, CTR_NAME, &c);
    if (r < 0)
        return r;
    switch (op) {
    case OP_INIT: r = ctr_container_init(c); break;
    case OP_START: r = ctr_container_start(c); break;
    case OP_STOP: r = ctr_container_stop(c, 0); break;
    case OP_REMOVE: r = ctr_container_remove(c, CTR_REMOVE_FORCE); break;
    case OP_COMMIT: r = commit_image(c); break;
    case OP_RENAME: r = ctr_container_rename(c, RENAMED); break;
    case OP_UPDATE: r = update_memory(c); break;
    default: r = -EINVAL;
    }
    ctr_container_unref(c);
    return r;
}

/* ---- what is real ---- */

/* What runc says of a container: "created", "running", "paused", "stopped",
 * or "none" when it has no state for it. */
static void runc_status(const struct roots *r, const char *id, char *buf, size_t size)
{
    char cmd[512];
    snprintf(cmd, sizeof cmd, "runc --root %s/oci/runc state %s 2>/dev/null", r->run_root, id);
    snprintf(buf, size, "none");
    FILE *p = popen(cmd, "r");
    if (!p)
        return;
    char out[8192];
    size_t n = fread(out, 1, sizeof out - 1, p);
    out[n] = '\0';
    if (pclose(p) != 0)
        return;
    const char *s = strstr(out, "\"status\": \"");
    if (s) {
        s += 11;
        size_t len = strcspn(s, "\"");
        snprintf(buf, size, "%.*s", (int)len, s);
    }
}

/* A JSON string value after "key": in the text at p (ps output), or NULL. */
static bool json_field(const char *p, const char *key, char *buf, size_t size)
{
    char k[64];
    snprintf(k, sizeof k, "\"%s\": \"", key);
    const char *s = strstr(p, k);
    if (!s)
        return false;
    s += strlen(k);
    size_t len = strcspn(s, "\"");
    snprintf(buf, size, "%.*s", (int)len, s);
    return true;
}

/* `ctrctl ps -a --format json` as text (malloc'ed), or NULL. */
static char *ctrctl_ps(const struct roots *r)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "%s --root %s --runroot %s --state-backend %s ps -a --format json", ctrctl, r->root,
             r->run_root, backend);
    FILE *p = popen(cmd, "r");
    if (!p)
        return NULL;
    size_t cap = 65536, n = 0;
    char *out = malloc(cap);
    size_t k;
    while (out && (k = fread(out + n, 1, cap - n - 1, p)) > 0)
        n += k;
    if (out)
        out[n] = '\0';
    if (pclose(p) != 0) {
        free(out);
        return NULL;
    }
    return out;
}

/* IDs seen in this scenario, to find their processes and cgroups. */
struct ids {
    char v[32][65];
    size_t n;
};

static void ids_add(struct ids *ids, const char *id)
{
    if (strlen(id) != 64)
        return;
    for (size_t i = 0; i < ids->n; i++)
        if (strcmp(ids->v[i], id) == 0)
            return;
    if (ids->n < 32)
        snprintf(ids->v[ids->n++], 65, "%s", id);
}

static void ids_add_dir(struct ids *ids, const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    while (d && (de = readdir(d)))
        ids_add(ids, de->d_name);
    if (d)
        closedir(d);
}

static void ids_collect(struct ids *ids, const struct roots *r)
{
    char p[256];
    snprintf(p, sizeof p, "%s/containers", r->root);
    ids_add_dir(ids, p);
    snprintf(p, sizeof p, "%s/containers", r->run_root);
    ids_add_dir(ids, p);
    snprintf(p, sizeof p, "%s/oci/runc", r->run_root);
    ids_add_dir(ids, p);
    snprintf(p, sizeof p, "%s/storage/containers", r->root);
    ids_add_dir(ids, p);
}

/* PIDs of processes: conmon with root on its command line, or any process
 * in the cgroup of one of ids.  Returns how many were put in pids. */
static size_t find_processes(const struct roots *r, const struct ids *ids, pid_t *pids, size_t max)
{
    size_t n = 0;
    DIR *d = opendir("/proc");
    struct dirent *de;
    while (d && (de = readdir(d)) && n < max) {
        pid_t pid = (pid_t)atoi(de->d_name);
        if (pid <= 0 || pid == getpid())
            continue;
        char path[64], buf[8192];
        snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
        FILE *f = fopen(path, "r");
        size_t len = f ? fread(buf, 1, sizeof buf - 1, f) : 0;
        if (f)
            fclose(f);
        buf[len] = '\0';
        char *rp = strrchr(buf, ')');
        if (!len || (rp && rp[1] == ' ' && rp[2] == 'Z'))
            continue; /* gone, or a zombie */
        bool match = false;
        snprintf(path, sizeof path, "/proc/%d/cmdline", (int)pid);
        f = fopen(path, "r");
        len = f ? fread(buf, 1, sizeof buf - 1, f) : 0;
        if (f)
            fclose(f);
        for (size_t i = 0; i < len; i++)
            if (buf[i] == '\0')
                buf[i] = ' ';
        buf[len] = '\0';
        if (strstr(buf, "conmon") && strstr(buf, r->root))
            match = true;
        snprintf(path, sizeof path, "/proc/%d/cgroup", (int)pid);
        f = fopen(path, "r");
        len = f ? fread(buf, 1, sizeof buf - 1, f) : 0;
        if (f)
            fclose(f);
        buf[len] = '\0';
        for (size_t i = 0; i < ids->n && !match; i++) {
            char needle[80];
            snprintf(needle, sizeof needle, "libctr-%s", ids->v[i]);
            match = strstr(buf, needle) != NULL;
        }
        if (match)
            pids[n++] = pid;
    }
    if (d)
        closedir(d);
    return n;
}

static bool mounted_under(const char *path)
{
    FILE *f = fopen("/proc/self/mountinfo", "r");
    char line[4096];
    bool found = false;
    size_t len = strlen(path);
    while (f && fgets(line, sizeof line, f)) {
        char mp[4096];
        if (sscanf(line, "%*s %*s %*s %*s %4095s", mp) == 1 && strncmp(mp, path, len) == 0 &&
            (mp[len] == '\0' || mp[len] == '/'))
            found = true;
    }
    if (f)
        fclose(f);
    return found;
}

/* ---- a faked reboot ---- */

/* What a reboot takes away: every process, mount, cgroup and the run root. */
static void reboot_losses(const struct roots *r)
{
    struct ids ids = { 0 };
    ids_collect(&ids, r);
    pid_t pids[64];
    for (int round = 0; round < 50; round++) {
        size_t n = find_processes(r, &ids, pids, 64);
        if (n == 0)
            break;
        for (size_t i = 0; i < n; i++)
            kill(pids[i], SIGKILL);
        usleep(20000);
    }
    shell("awk '{print $5}' /proc/self/mountinfo | grep '^%s/' | sort -r | while read m; do umount -l \"$m\"; done; "
          "rm -rf '%s'",
          r->root, r->run_root);
    for (size_t i = 0; i < ids.n; i++)
        shell("for d in /sys/fs/cgroup/*/libctr_parent/libctr-%s; do [ -d $d ] && rmdir $d; done; true", ids.v[i]);
}

/* In a child: a private mount namespace where the boot ID reads differently. */
static int enter_new_boot(const struct roots *r)
{
    if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
        return -1;
    char fake[160];
    snprintf(fake, sizeof fake, "%s/fake-boot-id", r->root);
    FILE *f = fopen(fake, "w");
    if (!f)
        return -1;
    fprintf(f, "%08x-1111-2222-3333-444444444444\n", (unsigned)time(NULL));
    fclose(f);
    return mount(fake, "/proc/sys/kernel/random/boot_id", NULL, MS_BIND, NULL);
}

/* ---- the checks ---- */

static const char *state_name(ctr_state_t s)
{
    return ctr_state_name(s);
}

/* Each listed container is whole, found by name, and its state is true. */
static void check_containers(ctr_runtime_t *rt, const struct roots *r, struct ids *ids)
{
    ctr_container_t **list = NULL;
    size_t n = 0;
    if (ctr_runtime_list(rt, NULL, NULL, &list, &n) < 0) {
        PROBLEM("list: %s", ctr_error_last()->message);
        return;
    }
    char *ps = ctrctl_ps(r);
    if (!ps)
        PROBLEM("ctrctl ps -a failed");
    size_t ps_count = 0;
    for (const char *p = ps; p && (p = strstr(p, "\"Id\": \"")); p++)
        ps_count++;
    if (ps && ps_count != n)
        PROBLEM("ctrctl ps -a lists %zu containers, the API %zu", ps_count, n);
    for (size_t i = 0; i < n; i++) {
        ctr_container_t *c = list[i];
        const char *id = ctr_container_id(c), *name = ctr_container_name(c);
        ids_add(ids, id);
        char *config = NULL, *state = NULL;
        ctr_state_t st = CTR_STATE_UNKNOWN;
        if (ctr_container_config_json(c, &config) < 0 || ctr_container_state_json(c, &state) < 0 ||
            ctr_container_state(c, &st) < 0)
            PROBLEM("%s: config or state unreadable: %s", name, ctr_error_last()->message);
        ctr_free(config);
        ctr_free(state);
        ctr_container_t *byname = NULL;
        if (ctr_runtime_lookup(rt, name, &byname) < 0)
            PROBLEM("%s: lookup by name: %s", name, ctr_error_last()->message);
        else if (strcmp(ctr_container_id(byname), id) != 0)
            PROBLEM("%s: lookup by name finds %.12s, not %.12s", name, ctr_container_id(byname), id);
        ctr_container_unref(byname);

        /* The truth: what runc says. */
        char rs[32];
        runc_status(r, id, rs, sizeof rs);
        bool ok;
        switch (st) {
        case CTR_STATE_RUNNING: ok = strcmp(rs, "running") == 0; break;
        case CTR_STATE_STOPPING: ok = false; break; /* nobody is stopping it */
        case CTR_STATE_PAUSED: ok = strcmp(rs, "paused") == 0; break;
        case CTR_STATE_CREATED: ok = strcmp(rs, "created") == 0; break;
        default: ok = strcmp(rs, "running") != 0 && strcmp(rs, "paused") != 0; break;
        }
        if (!ok)
            PROBLEM("%s: the library says %s, runc says %s", name, state_name(st), rs);

        /* ctrctl says the same. */
        const char *p = ps ? strstr(ps, id) : NULL;
        char ps_state[32] = "";
        if (!p || !json_field(p, "State", ps_state, sizeof ps_state))
            PROBLEM("%s: not in ctrctl ps -a", name);
        else if (strcmp(ps_state, state_name(st)) != 0)
            PROBLEM("%s: ctrctl ps says %s, the API %s", name, ps_state, state_name(st));
    }
    free(ps);
    ctr_container_list_free(list, n);
}

/* Each listed image is complete: a container made from it mounts. */
static void check_images(ctr_runtime_t *rt)
{
    ctr_image_t **list = NULL;
    size_t n = 0;
    if (ctr_image_list(rt, &list, &n) < 0) {
        PROBLEM("image list: %s", ctr_error_last()->message);
        return;
    }
    for (size_t i = 0; i < n; i++) {
        const char *id = ctr_image_id(list[i]);
        char *json = NULL;
        if (ctr_image_inspect(list[i], &json) < 0)
            PROBLEM("image %.12s: inspect: %s", id, ctr_error_last()->message);
        ctr_free(json);
        if (ctr_image_layer_count(list[i]) == 0)
            PROBLEM("image %.12s has no layers", id);
        ctr_container_options_t o = CTR_CONTAINER_OPTIONS_INIT;
        o.image = id;
        o.command = sleep_cmd;
        ctr_container_t *c = NULL;
        char *mp = NULL;
        if (ctr_container_create(&c, rt, &o) < 0 || ctr_container_mount(c, NULL, &mp) < 0) {
            PROBLEM("image %.12s: create and mount: %s", id, ctr_error_last()->message);
        } else {
            char bb[4200];
            snprintf(bb, sizeof bb, "%s/bin/busybox", mp);
            if (access(bb, X_OK) != 0)
                PROBLEM("image %.12s: no /bin/busybox in its root file system", id);
            if (ctr_container_unmount(c, 0) < 0)
                PROBLEM("image %.12s: unmount: %s", id, ctr_error_last()->message);
        }
        ctr_free(mp);
        if (c && ctr_container_remove(c, CTR_REMOVE_FORCE) < 0)
            PROBLEM("image %.12s: remove the test container: %s", id, ctr_error_last()->message);
        ctr_container_unref(c);
    }
    ctr_image_list_free(list, n);
}

static ctr_state_t state_of(ctr_container_t *c)
{
    ctr_state_t st = CTR_STATE_UNKNOWN;
    if (ctr_container_state(c, &st) < 0)
        PROBLEM("state of %s: %s", ctr_container_name(c), ctr_error_last()->message);
    return st;
}

/* A volume listed has its data directory; the create (or remove) of the
 * volume can be made again, and then it is there (or gone, with its data). */
static void retry_volume(ctr_runtime_t *rt, enum op op)
{
    ctr_volume_t *v = NULL;
    int r = ctr_volume_lookup(rt, VOLUME_NAME, &v);
    if (r < 0 && r != -ENOENT)
        PROBLEM("volume lookup: %s", ctr_error_last()->message);
    if (r == 0 && op == OP_VOLUME_CREATE && access(ctr_volume_mountpoint(v), F_OK) < 0)
        PROBLEM("volume %s is listed without its data directory", VOLUME_NAME);
    ctr_volume_unref(v);
    v = NULL;
    if (op == OP_VOLUME_CREATE) {
        if (r == -ENOENT && create_volume(rt) < 0)
            PROBLEM("volume create again: %s", ctr_error_last()->message);
        if (ctr_volume_lookup(rt, VOLUME_NAME, &v) < 0 || access(ctr_volume_mountpoint(v), F_OK) < 0)
            PROBLEM("the volume is not there after the retry");
        ctr_volume_unref(v);
        return;
    }
    if (r == 0 && ctr_volume_remove(rt, VOLUME_NAME, 0) < 0)
        PROBLEM("volume remove again: %s", ctr_error_last()->message);
    if (ctr_volume_exists(rt, VOLUME_NAME) != 0)
        PROBLEM("the volume is still there after the retry");
}

/* An update that died: the config has the old limit or the new one, the
 * container still runs, and the update goes through again. */
static void retry_update(ctr_runtime_t *rt)
{
    ctr_container_t *c = NULL;
    ctr_container_options_t *o = NULL;
    if (ctr_runtime_lookup(rt, CTR_NAME, &c) < 0) {
        PROBLEM("lookup: %s", ctr_error_last()->message);
        return;
    }
    if (ctr_container_get_options(c, &o) < 0)
        PROBLEM("options: %s", ctr_error_last()->message);
    else if (o->memory != 0 && o->memory != UPDATED_MEMORY)
        PROBLEM("after the crash the memory limit is %lld: neither the old one nor the new", (long long)o->memory);
    ctr_container_options_free(o);
    o = NULL;
    if (state_of(c) != CTR_STATE_RUNNING)
        PROBLEM("the updated container is %s, not running", state_name(state_of(c)));
    if (update_memory(c) < 0)
        PROBLEM("update again: %s", ctr_error_last()->message);
    else if (ctr_container_get_options(c, &o) < 0 || o->memory != UPDATED_MEMORY)
        PROBLEM("the update again did not keep its memory limit");
    ctr_container_options_free(o);
    ctr_container_unref(c);
}

/* A rename that died: the container has one of its names, the old or the
 * new, and still runs; renamed again, the old name is free. */
static void retry_rename(ctr_runtime_t *rt)
{
    ctr_container_t *old = NULL, *renamed = NULL, *again = NULL;
    int r_old = ctr_runtime_lookup(rt, CTR_NAME, &old), r_new = ctr_runtime_lookup(rt, RENAMED, &renamed);
    if ((r_old == 0) == (r_new == 0))
        PROBLEM("after the crash, lookups by the old and the new name give %d and %d: one must find it", r_old,
                r_new);
    ctr_container_t *c = old ? old : renamed;
    if (c && strcmp(ctr_container_name(c), old ? CTR_NAME : RENAMED) != 0)
        PROBLEM("found by one name, it calls itself %s", ctr_container_name(c));
    if (c && state_of(c) != CTR_STATE_RUNNING)
        PROBLEM("the renamed container is %s, not running", state_name(state_of(c)));
    if (old && ctr_container_rename(old, RENAMED) < 0)
        PROBLEM("rename again: %s", ctr_error_last()->message);
    if (ctr_runtime_lookup(rt, RENAMED, &again) < 0 || strcmp(ctr_container_name(again), RENAMED) != 0)
        PROBLEM("not found by its new name after the retry");
    ctr_container_unref(again);
    again = NULL;
    if (ctr_runtime_lookup(rt, CTR_NAME, &again) != -ENOENT)
        PROBLEM("still found by its old name after the retry");
    ctr_container_unref(again);
    again = NULL;
    if (create_ctr(rt, CTR_NAME, sleep_cmd, &again) < 0)
        PROBLEM("the old name is not free: %s", ctr_error_last()->message);
    ctr_container_unref(again);
    ctr_container_unref(old);
    ctr_container_unref(renamed);
}

/* Retry the operation (or finish what it began). */
static void retry(ctr_runtime_t *rt, enum op op)
{
    ctr_container_t *c = NULL;
    int r;
    switch (op) {
    case OP_CREATE:
        if (ctr_runtime_lookup(rt, CTR_NAME, &c) == -ENOENT && create_ctr(rt, CTR_NAME, sleep_cmd, &c) < 0) {
            PROBLEM("create again: %s", ctr_error_last()->message);
            return;
        }
        if (!c) {
            PROBLEM("lookup: %s", ctr_error_last()->message);
            return;
        }
        if (ctr_container_start(c) < 0)
            PROBLEM("start the created container: %s", ctr_error_last()->message);
        else if (state_of(c) != CTR_STATE_RUNNING)
            PROBLEM("started, but not running");
        break;
    case OP_INIT:
    case OP_START:
    case OP_STOP:
    case OP_REMOVE:
    case OP_COMMIT:
        r = ctr_runtime_lookup(rt, CTR_NAME, &c);
        if (r == -ENOENT && op == OP_REMOVE)
            return; /* removed before the crash */
        if (r < 0) {
            PROBLEM("lookup: %s", ctr_error_last()->message);
            return;
        }
        if (op == OP_INIT || op == OP_START) {
            if (state_of(c) != CTR_STATE_RUNNING && ctr_container_start(c) < 0)
                PROBLEM("start: %s", ctr_error_last()->message);
            else if (state_of(c) != CTR_STATE_RUNNING)
                PROBLEM("started, but %s", state_name(state_of(c)));
        } else if (op == OP_STOP) {
            ctr_state_t st;
            if (ctr_container_stop(c, 0) < 0)
                PROBLEM("stop: %s", ctr_error_last()->message);
            else if ((st = state_of(c)) != CTR_STATE_EXITED && st != CTR_STATE_CONFIGURED)
                PROBLEM("stopped, but %s", state_name(st));
        } else if (op == OP_REMOVE) {
            if (ctr_container_remove(c, CTR_REMOVE_FORCE) < 0)
                PROBLEM("remove: %s", ctr_error_last()->message);
            ctr_container_t *again = NULL;
            if (ctr_runtime_lookup(rt, CTR_NAME, &again) != -ENOENT)
                PROBLEM("removed, but still found");
            ctr_container_unref(again);
        } else if (commit_image(c) < 0) {
            PROBLEM("commit again: %s", ctr_error_last()->message);
        }
        break;
    case OP_IMPORT:
        if (import_image(rt) < 0)
            PROBLEM("import again: %s", ctr_error_last()->message);
        break;
    case OP_VOLUME_CREATE:
    case OP_VOLUME_REMOVE:
        retry_volume(rt, op);
        break;
    case OP_RENAME:
        retry_rename(rt);
        break;
    case OP_UPDATE:
        retry_update(rt);
        break;
    }
    ctr_container_unref(c);
    if (op == OP_IMPORT || op == OP_COMMIT) {
        ctr_image_t *img = NULL;
        if (ctr_image_lookup(rt, op == OP_IMPORT ? IMPORT_NAME : COMMIT_NAME, &img) < 0)
            PROBLEM("the image is not there after the retry: %s", ctr_error_last()->message);
        ctr_image_unref(img);
    }
}

/* Remove every container and image; then nothing may be left. */
static void remove_all(ctr_runtime_t *rt)
{
    if (ctr_runtime_refresh(rt) < 0)
        PROBLEM("refresh: %s", ctr_error_last()->message);
    ctr_container_t **list = NULL;
    size_t n = 0;
    if (ctr_runtime_list(rt, NULL, NULL, &list, &n) == 0)
        for (size_t i = 0; i < n; i++)
            if (ctr_container_remove(list[i], CTR_REMOVE_FORCE) < 0)
                PROBLEM("remove %s: %s", ctr_container_name(list[i]), ctr_error_last()->message);
    ctr_container_list_free(list, n);
    ctr_image_t **images = NULL;
    if (ctr_image_list(rt, &images, &n) == 0)
        for (size_t i = 0; i < n; i++)
            if (ctr_image_remove(rt, ctr_image_id(images[i]), 0) < 0)
                PROBLEM("remove image %.12s: %s", ctr_image_id(images[i]), ctr_error_last()->message);
    ctr_image_list_free(images, n);
    if (ctr_image_prune(rt, CTR_IMAGE_PRUNE_ALL, NULL) < 0)
        PROBLEM("image prune: %s", ctr_error_last()->message);
    if (ctr_volume_prune(rt, NULL, 0, NULL) < 0)
        PROBLEM("volume prune: %s", ctr_error_last()->message);
}

static void expect_empty(const char *root, const char *sub, const char *keep)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", root, sub);
    DIR *d = opendir(path);
    struct dirent *de;
    while (d && (de = readdir(d))) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0 || (keep && strcmp(de->d_name, keep) == 0))
            continue;
        PROBLEM("left over: %s/%s", path, de->d_name);
    }
    if (d)
        closedir(d);
}

static void check_leftovers(const struct roots *r, struct ids *ids)
{
    expect_empty(r->root, "containers", NULL);
    expect_empty(r->run_root, "containers", NULL);
    expect_empty(r->root, "storage/tmp", NULL);
    expect_empty(r->root, "storage/containers", NULL);
    expect_empty(r->root, "storage/layers", NULL);
    expect_empty(r->root, "storage/blobs/sha256", NULL);
    expect_empty(r->run_root, "storage", NULL);
    expect_empty(r->run_root, "oci/runc", NULL);
    expect_empty(r->run_root, "locks", "runtime.lock");
    expect_empty(r->root, "volumes", NULL);
    if (strcmp(backend, "files") == 0)
        expect_empty(r->root, "state/files/ctr", NULL);
    if (mounted_under(r->root))
        PROBLEM("something is still mounted under %s", r->root);
    pid_t pids[16];
    size_t n = 0;
    for (int i = 0; i < 100; i++) { /* conmon exits shortly after its container */
        if ((n = find_processes(r, ids, pids, 16)) == 0)
            break;
        usleep(20000);
    }
    for (size_t i = 0; i < n; i++) {
        char cmd[128];
        snprintf(cmd, sizeof cmd, "tr '\\0' ' ' < /proc/%d/cmdline >&2; echo >&2", (int)pids[i]);
        PROBLEM("process %d is left over:", (int)pids[i]);
        (void)!system(cmd);
    }
    for (size_t i = 0; i < ids->n; i++)
        if (shell("ls -d /sys/fs/cgroup/*/libctr_parent/libctr-%s >/dev/null 2>&1", ids->v[i]) == 0)
            PROBLEM("the cgroup of %.12s is left over", ids->v[i]);
}

/* Everything after the crash; returns the number of problems. */
static int check_after_crash(const struct scenario *sc, const struct roots *r)
{
    problems = 0;
    struct ids ids = { 0 };
    ids_collect(&ids, r);
    ctr_runtime_t *rt = open_rt(r);
    if (!rt) {
        PROBLEM("the runtime does not open: %s", ctr_error_last()->message);
        return problems;
    }
    check_containers(rt, r, &ids);
    check_images(rt);
    retry(rt, sc->op);
    check_containers(rt, r, &ids);
    remove_all(rt);
    ctr_runtime_unref(rt);
    check_leftovers(r, &ids);
    return problems;
}

/* ---- crashes at fsync(2) and fdatasync(2) ----
 *
 * The test exports these (export_dynamic), so libctr's calls and tdb's calls
 * inside its transaction commit land here: with CTR_CRASH_FSYNC=N the Nth
 * call in the process kills it, after writing "fsync #N" to CTR_FAULT_HIT. */

static void fsync_hook(void)
{
    static long calls;
    const char *want = getenv("CTR_CRASH_FSYNC");
    if (!want || ++calls != atol(want))
        return;
    const char *hit = getenv("CTR_FAULT_HIT");
    int fd = hit ? open(hit, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600) : -1;
    if (fd >= 0) {
        char msg[64];
        int n = snprintf(msg, sizeof msg, "fsync #%ld", calls);
        (void)!write(fd, msg, (size_t)n);
        close(fd);
    }
    raise(SIGKILL);
}

int fsync(int fd)
{
    fsync_hook();
    return (int)syscall(SYS_fsync, fd);
}

int fdatasync(int fd)
{
    fsync_hook();
    return (int)syscall(SYS_fdatasync, fd);
}

/* ---- one scenario ---- */

/* A faked reboot, then the check (in a child that sees another boot ID). */
static int check_after_reboot(const struct scenario *sc, const struct roots *r)
{
    reboot_losses(r);
    pid_t k = fork();
    assert_true(k >= 0);
    if (k == 0) {
        if (enter_new_boot(r) < 0) {
            fprintf(stderr, "cannot fake a reboot: %s\n", strerror(errno));
            _exit(100);
        }
        _exit(check_after_crash(sc, r));
    }
    int status = 0;
    assert_int_equal(waitpid(k, &status, 0), k);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 101;
}

/* A fresh root with the scenario's operation prepared. */
static void prepare_root(const struct scenario *sc, struct roots *r)
{
    snprintf(r->root, sizeof r->root, "%s/s-XXXXXX", work);
    if (!mkdtemp(r->root))
        fail_msg("mkdtemp: %s", strerror(errno));
    snprintf(r->run_root, sizeof r->run_root, "%s/run", r->root);
    assert_int_equal(shell("cp -a %s/storage %s/storage", template_root, r->root), 0);
    ctr_runtime_t *rt = open_rt(r);
    if (!rt)
        fail_msg("open: %s", ctr_error_last()->message);
    if (prepare(rt, sc->op) < 0)
        fail_msg("preparing %s: %s", op_names[sc->op], ctr_error_last()->message);
    ctr_runtime_unref(rt);
}

/* A power loss after the operation: the files backend does not sync a
 * transient save (CTR_STATE_SAVE_TRANSIENT, sys/ctr-state.h), so the
 * state.json it replaced may come back.  The operation runs to its end, each
 * container's state.json is put back as it was before the operation (its
 * durable saves, stopping for a stop, are lost too: a harder case than a
 * real power loss), and the check runs after a faked reboot. */
static void power_loss_once(const struct scenario *sc)
{
    struct roots r;
    prepare_root(sc, &r);
    assert_int_equal(shell("cp -a %s/state/files/ctr %s/ctr-before", r.root, r.root), 0);
    pid_t child = fork();
    assert_true(child >= 0);
    if (child == 0) {
        alarm(120);
        ctr_runtime_t *crt = open_rt(&r);
        int k = crt ? run_op(crt, sc->op) : -1;
        if (k < 0)
            fprintf(stderr, "%s: %s\n", op_names[sc->op], ctr_error_last()->message);
        _exit(k < 0 ? 3 : 0);
    }
    int status = 0;
    assert_int_equal(waitpid(child, &status, 0), child);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        fail_msg("%s: the operation failed (status 0x%x)", sc->label, status);
    /* Fails unless a state.json changed: else the scenario proves nothing. */
    assert_int_equal(shell("cd %s/ctr-before && n=0 && for d in *; do [ -d ../state/files/ctr/$d ] || continue; "
                           "cmp -s $d/state.json ../state/files/ctr/$d/state.json || n=$((n + 1)); "
                           "cp -p $d/state.json ../state/files/ctr/$d/state.json; done; cd .. && rm -rf ctr-before "
                           "&& [ $n -gt 0 ]",
                           r.root),
                     0);
    int bad = check_after_reboot(sc, &r);
    if (bad)
        fail_msg("%s: %d problem%s after the power loss (see above); root kept in %s", sc->label, bad,
                 bad == 1 ? "" : "s", r.root);
    shell("rm -rf --one-file-system '%s'", r.root);
}

/* Prepare a fresh root, crash the operation at the point (or at the nth
 * fsync when fsync_n > 0), check.  Returns false when the operation ended
 * without reaching an fsync_n (the sweep is over); fails the test on
 * problems. */
static bool crash_once(const struct scenario *sc, long fsync_n)
{
    char point[64];
    if (fsync_n > 0)
        snprintf(point, sizeof point, "fsync #%ld", fsync_n);
    else
        snprintf(point, sizeof point, "%s", sc->point);
    struct roots r;
    prepare_root(sc, &r);

    /* The crash. */
    char hit[160], nth[32];
    snprintf(hit, sizeof hit, "%s/fault-hit", r.root);
    snprintf(nth, sizeof nth, "%ld", fsync_n);
    pid_t child = fork();
    assert_true(child >= 0);
    if (child == 0) {
        alarm(120);
        setenv(fsync_n > 0 ? "CTR_CRASH_FSYNC" : "CTR_FAULT", fsync_n > 0 ? nth : sc->point, 1);
        setenv("CTR_FAULT_HIT", hit, 1);
        ctr_runtime_t *crt = open_rt(&r);
        int k = crt ? run_op(crt, sc->op) : -1;
        if (k == 0 && fsync_n > 0)
            _exit(0);
        fprintf(stderr, "%s returned %d without reaching %s: %s\n", op_names[sc->op], k, point,
                ctr_error_last()->message);
        _exit(3);
    }
    int status = 0;
    assert_int_equal(waitpid(child, &status, 0), child);
    char what[128] = "";
    FILE *f = fopen(hit, "r");
    if (f) {
        if (!fgets(what, sizeof what, f))
            what[0] = '\0';
        fclose(f);
        unlink(hit);
    }
    if ((fsync_n > 1 || sc->transient) && WIFEXITED(status) && WEXITSTATUS(status) == 0) {
        /* Past the last fsync of the operation (or, for one whose saves are
         * transient, it made none): what it left is checked by the
         * scenarios of other operations. */
        ctr_runtime_t *done = open_rt(&r);
        problems = 0;
        if (done)
            remove_all(done);
        ctr_runtime_unref(done);
        shell("rm -rf --one-file-system '%s'", r.root);
        return false;
    }
    if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGKILL || strcmp(what, point) != 0)
        fail_msg("%s: the child did not die at %s (status 0x%x, hit \"%s\")", sc->label, point, status, what);

    int bad = sc->reboot ? check_after_reboot(sc, &r) : check_after_crash(sc, &r);
    if (bad)
        fail_msg("%s at %s: %d problem%s after the crash (see above); root kept in %s", sc->label, point, bad,
                 bad == 1 ? "" : "s", r.root);
    /* Nothing mounted is left (checked): remove the scenario's root. */
    shell("rm -rf --one-file-system '%s'", r.root);
    return true;
}

static void run_scenario(void **state)
{
    const struct scenario *sc = *state;
    if (strcmp(sc->point, "power-loss") == 0) {
        power_loss_once(sc);
        return;
    }
    if (strcmp(sc->point, "fsync") != 0) {
        crash_once(sc, 0);
        return;
    }
    long n = 1;
    while (crash_once(sc, n))
        n++;
    fprintf(stderr, "  %s: crashed at each of its %ld fsyncs\n", sc->label, n - 1);
}

/* Every CTR_FAULT_POINT in lib/ has a scenario, and every scenario names a
 * point in lib/ (a point a scenario does not reach fails that scenario). */
static void test_every_point_has_a_scenario(void **state)
{
    char cmd[512];
    snprintf(cmd, sizeof cmd,
             "grep -rhoE --include=*.c 'CTR_FAULT_POINT\\(\"[^\"]+\"\\)' %s/lib | sed 's/.*(\"//; s/\")//' | sort -u",
             source_root);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    char points[128][64];
    size_t n = 0;
    int bad = 0;
    while (n < 128 && fgets(points[n], sizeof points[n], p)) {
        points[n][strcspn(points[n], "\n")] = '\0';
        struct scenario probe = { .point = points[n] };
        bool found = !for_backend(&probe);
        for (size_t i = 0; i < ARRAY_SIZE_(scenarios) && !found; i++)
            found = strcmp(scenarios[i].point, points[n]) == 0;
        if (!found) {
            fprintf(stderr, "crash point %s has no scenario\n", points[n]);
            bad++;
        }
        n++;
    }
    pclose(p);
    assert_true(n > 0);
    for (size_t i = 0; i < ARRAY_SIZE_(scenarios); i++) {
        bool found = strcmp(scenarios[i].point, "fsync") == 0 || strcmp(scenarios[i].point, "power-loss") == 0;
        for (size_t k = 0; k < n && !found; k++)
            found = strcmp(scenarios[i].point, points[k]) == 0;
        if (!found) {
            fprintf(stderr, "scenario %s names no crash point of lib/\n", scenarios[i].point);
            bad++;
        }
    }
    assert_int_equal(bad, 0);
}

static int group_setup(void **state)
{
    snprintf(work, sizeof work, "/tmp/libctr-crash-XXXXXX");
    if (!mkdtemp(work))
        return -1;
    snprintf(template_root, sizeof template_root, "%s/template", work);
    /* The busybox image, and another root file system to import. */
    if (shell("set -e; cd %s; %s/tests/lib/make-rootfs.sh rootfs; tar -C rootfs -cf busybox.tar .; "
              "echo imported > rootfs/imported; tar -C rootfs -cf import.tar .; rm -rf rootfs",
              work, source_root) != 0)
        return -1;
    struct roots r;
    snprintf(r.root, sizeof r.root, "%s", template_root);
    snprintf(r.run_root, sizeof r.run_root, "%s/run", template_root);
    ctr_runtime_t *rt = open_rt(&r);
    if (!rt)
        return -1;
    char ref[160];
    snprintf(ref, sizeof ref, "tarball:%s/busybox.tar", work);
    ctr_import_options_t o = CTR_IMPORT_OPTIONS_INIT;
    o.reference = ref;
    o.name = "busybox";
    int k = ctr_image_import(rt, &o, NULL);
    if (k < 0)
        fprintf(stderr, "import: %s\n", ctr_error_last()->message);
    ctr_runtime_unref(rt);
    return k < 0 ? -1 : 0;
}

static int group_teardown(void **state)
{
    shell("rm -rf --one-file-system '%s'", work);
    return 0;
}

int main(int argc, char **argv)
{
    source_root = getenv("SOURCE_ROOT") ? getenv("SOURCE_ROOT") : ".";
    backend = getenv("CTR_TEST_BACKEND") ? getenv("CTR_TEST_BACKEND") : "files";
    bool ci = getenv("CI") && strcmp(getenv("CI"), "true") == 0;
    if (argc < 2) {
        fprintf(stderr, "usage: test-crash CTRCTL\n");
        return 2;
    }
    ctrctl = argv[1];
    if (geteuid() != 0 || access("/usr/sbin/runc", X_OK) != 0 || access("/usr/bin/conmon", X_OK) != 0) {
        fprintf(stderr, "crash: needs root, runc and conmon%s\n", ci ? " (CI: failing)" : " (skipping)");
        return ci ? 1 : 77;
    }
    const char *only = getenv("CTR_CRASH_ONLY");
    size_t n = ARRAY_SIZE_(scenarios);
    struct CMUnitTest *tests = calloc(n + 1, sizeof *tests);
    size_t k = 0;
    tests[k++] = (struct CMUnitTest){ .name = "every point has a scenario", .test_func = test_every_point_has_a_scenario };
    for (size_t i = 0; i < n; i++) {
        struct scenario *sc = &scenarios[i];
        snprintf(sc->label, sizeof sc->label, "%s %s%s", op_names[sc->op], sc->point, sc->reboot ? " + reboot" : "");
        if (!for_backend(sc) || (only && !strstr(sc->label, only)))
            continue;
        tests[k++] = (struct CMUnitTest){ .name = sc->label, .test_func = run_scenario, .initial_state = sc };
    }
    char group[64];
    snprintf(group, sizeof group, "crash-%s", backend);
    int r = _cmocka_run_group_tests(group, tests, k, group_setup, group_teardown);
    free(tests);
    return r;
}
