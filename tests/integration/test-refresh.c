/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Refresh after a reboot, faked: containers in every state, then everything
 * a reboot takes away is taken away (processes, mounts, cgroups, the run
 * root), and the runtime is opened again in a mount namespace where the boot
 * ID reads differently.  A pod with a memory limit, its infra container, a
 * server and a client that reaches it, the same way: after the refresh its
 * containers are configured, its cgroup (gone with the boot) is made again
 * with the limit when the pod starts, and the client reaches the server
 * again.  Needs root, runc and conmon. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "../api/test-helpers.h"

static struct test_root root;
static char rootfs[128];
static const char *backend;

/* The last two run with a restart policy: after the reboot, the refresh
 * starts the `always` one again (podman needs a systemd unit for that) and
 * leaves the `unless-stopped` one configured. */
static const char *const names[] = { "r-configured", "r-created", "r-running", "r-paused",
                                     "r-exited",     "r-always",  "r-unless" };
enum { N = 7, ALWAYS = 5, UNLESS = 6 };

static pid_t json_int(const char *json, const char *key)
{
    const char *p = strstr(json, key);
    return p ? (pid_t)atoi(p + strlen(key)) : 0;
}

static void kill_and_wait(pid_t pid)
{
    if (pid <= 0)
        return;
    kill(pid, SIGKILL);
    for (int i = 0; i < 500 && kill(pid, 0) == 0; i++) {
        /* The test is the subreaper (main()): the monitor, and the container's
         * process once its monitor is gone, are reaped here, so that no
         * zombie keeps a cgroup busy. */
        if (waitpid(pid, NULL, WNOHANG) == pid)
            break;
        /* A zombie (reparented to init, which may not reap) counts as gone. */
        char path[64], st[256] = "";
        snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
        FILE *f = fopen(path, "r");
        if (f) {
            if (!fgets(st, sizeof st, f))
                st[0] = '\0';
            fclose(f);
        }
        char *rp = strrchr(st, ')');
        if (rp && rp[1] == ' ' && rp[2] == 'Z')
            break;
        usleep(10000);
    }
}

/* What a reboot does: no process, mount, cgroup or run root survives. */
static void fake_reboot_losses(char ids[N][65], pid_t pids[N], pid_t monitors[N])
{
    char cmd[2048];
    for (int i = 0; i < N; i++) {
        /* Frozen processes die only once thawed. */
        snprintf(cmd, sizeof cmd,
                 "f=/sys/fs/cgroup/freezer/libctr_parent/libctr-%s/freezer.state; [ -e $f ] && echo THAWED > $f; true",
                 ids[i]);
        assert_int_equal(system(cmd), 0);
        kill_and_wait(monitors[i]);
        kill_and_wait(pids[i]);
    }
    /* Mounts under the run root, deepest first, then the run root itself. */
    snprintf(cmd, sizeof cmd,
             "awk '{print $5}' /proc/self/mountinfo | grep '^%s' | sort -r | while read m; do umount -l \"$m\"; done; "
             "rm -rf '%s'",
             root.run_root, root.run_root);
    assert_int_equal(system(cmd), 0);
    for (int i = 0; i < N; i++) {
        snprintf(cmd, sizeof cmd, "for d in /sys/fs/cgroup/*/libctr_parent/libctr-%s /sys/fs/cgroup/unified/libctr_parent/libctr-%s; do [ -d $d ] && rmdir $d; done; true",
                 ids[i], ids[i]);
        assert_int_equal(system(cmd), 0);
    }
}

/* The runtime opened in a private mount namespace where
 * /proc/sys/kernel/random/boot_id names another boot: 0, or the exit code
 * of the failure. */
static int open_in_new_boot(ctr_runtime_t **ret)
{
    if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
        return 10;
    char fake[160];
    snprintf(fake, sizeof fake, "%s/fake-boot-id", root.root);
    FILE *f = fopen(fake, "w");
    if (!f)
        return 11;
    fputs("00000000-1111-2222-3333-444444444444\n", f);
    fclose(f);
    if (mount(fake, "/proc/sys/kernel/random/boot_id", NULL, MS_BIND, NULL) < 0)
        return 12;

    ctr_runtime_options_t o = CTR_RUNTIME_OPTIONS_INIT;
    o.root = root.root;
    o.run_root = root.run_root;
    o.state_backend = backend;
    ctr_runtime_t *rt = NULL;
    if (ctr_runtime_new(&rt, &o) < 0) {
        fprintf(stderr, "open: %s\n", ctr_error_last()->message);
        return 13;
    }
    if (strcmp(ctr_runtime_boot_id(rt), "00000000-1111-2222-3333-444444444444") != 0)
        return 14;
    *ret = rt;
    return 0;
}

static int in_new_boot(void)
{
    ctr_runtime_t *rt = NULL;
    int r = open_in_new_boot(&rt);
    if (r)
        return r;
    const ctr_state_t want[N] = { CTR_STATE_CONFIGURED, CTR_STATE_CONFIGURED, CTR_STATE_CONFIGURED,
                                  CTR_STATE_CONFIGURED, CTR_STATE_EXITED,     CTR_STATE_RUNNING,
                                  CTR_STATE_CONFIGURED };
    int bad = 0;
    for (int i = 0; i < N; i++) {
        ctr_container_t *c = NULL;
        ctr_state_t st = CTR_STATE_UNKNOWN;
        pid_t pid = -1;
        int mounted = 1;
        if (ctr_runtime_lookup(rt, names[i], &c) < 0 || ctr_container_state(c, &st) < 0 ||
            ctr_container_pid(c, &pid) < 0 || ctr_container_mounted(c, &mounted, NULL) < 0) {
            fprintf(stderr, "%s: %s\n", names[i], ctr_error_last()->message);
            bad++;
        } else if (st != want[i] || (i == ALWAYS) != (pid > 0) || mounted) {
            fprintf(stderr, "%s: state %s pid %d mounted %d after refresh\n", names[i], ctr_state_name(st), (int)pid,
                    mounted);
            bad++;
        }
        /* Each one runs again in the new boot. */
        int code = -1;
        if (c && ((i != ALWAYS && ctr_container_start(c) < 0) || ctr_container_stop(c, 0) < 0 ||
                  ctr_container_wait(c, 5000, &code) < 0)) {
            fprintf(stderr, "%s: restart: %s\n", names[i], ctr_error_last()->message);
            bad++;
        }
        if (c && ctr_container_remove(c, CTR_REMOVE_FORCE) < 0) {
            fprintf(stderr, "%s: remove: %s\n", names[i], ctr_error_last()->message);
            bad++;
        }
        ctr_container_unref(c);
    }
    /* A second open in the same (fake) boot does not refresh again. */
    ctr_runtime_unref(rt);
    return bad ? 20 + bad : 0;
}

/* Wait (20 s at most) for what the fake boot left: the monitors of its
 * containers and their exit commands, adopted by the test (the subreaper).
 * One that ran later would open the runtime in the fake boot's namespace,
 * see the run root marked by the real boot, and refresh it as after a
 * reboot, under the next test's feet. */
static void reap_fake_boot(void)
{
    for (int i = 0; i < 2000; i++) {
        pid_t p = waitpid(-1, NULL, WNOHANG);
        if (p < 0 && errno == ECHILD)
            return;
        if (p == 0)
            usleep(10000);
    }
    fail_msg("processes of the fake boot did not end in 20 s");
}

static void test_refresh_after_reboot(void **state)
{
    ctr_runtime_t *rt = test_runtime(&root, backend);
    char ids[N][65];
    pid_t pids[N] = { 0 }, monitors[N] = { 0 };
    for (int i = 0; i < N; i++) {
        const char *cmd[] = { "/bin/sh", "-c", i == 4 ? "exit 7" : "exec sleep 100", NULL };
        ctr_container_options_t o = CTR_CONTAINER_OPTIONS_INIT;
        o.rootfs = rootfs;
        o.name = names[i];
        o.command = cmd;
        o.restart_policy = i == ALWAYS ? "always" : i == UNLESS ? "unless-stopped" : NULL;
        ctr_container_t *c = NULL;
        assert_ctr_ok(ctr_container_create(&c, rt, &o));
        snprintf(ids[i], sizeof ids[i], "%s", ctr_container_id(c));
        if (i == 1)
            assert_ctr_ok(ctr_container_init(c));
        if (i >= 2)
            assert_ctr_ok(ctr_container_start(c));
        if (i == 3)
            assert_ctr_ok(ctr_container_pause(c));
        if (i == 4)
            assert_ctr_ok(ctr_container_wait(c, 10000, NULL));
        char *json = NULL;
        assert_ctr_ok(ctr_container_state_json(c, &json));
        pids[i] = json_int(json, "\"pid\":");
        monitors[i] = json_int(json, "\"conmonPid\":");
        ctr_free(json);
        ctr_container_unref(c);
    }
    ctr_runtime_unref(rt);

    fake_reboot_losses(ids, pids, monitors);

    pid_t child = fork();
    assert_true(child >= 0);
    if (child == 0)
        _exit(in_new_boot());
    int status = 0;
    assert_int_equal(waitpid(child, &status, 0), child);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
    reap_fake_boot();
}

/* ---- a pod across a reboot ---- */

enum { POD_LIMIT = 64 << 20 };
static const char *const pod_members[] = { "p-server", "p-client" };

/* The server answers on 127.0.0.1:8080 in the pod's network namespace; the
 * client exits 0 once it got the answer, 1 when it never did. */
static void pod_member(ctr_runtime_t *rt, int i)
{
    const char *server[] = { "/bin/sh", "-c",
                             "mkdir -p /tmp/www && echo pod-ok > /tmp/www/index.html && exec httpd -f -p 8080 -h /tmp/www",
                             NULL };
    const char *client[] = { "/bin/sh", "-c",
                             "for i in $(seq 100); do [ \"$(wget -q -O- http://127.0.0.1:8080/)\" = pod-ok ] && exit 0; "
                             "sleep 0.1; done; exit 1",
                             NULL };
    ctr_container_options_t o = CTR_CONTAINER_OPTIONS_INIT;
    o.rootfs = rootfs;
    o.name = pod_members[i];
    o.command = i == 0 ? server : client;
    o.pod = "rpod";
    ctr_container_t *c = NULL;
    assert_ctr_ok(ctr_container_create(&c, rt, &o));
    ctr_container_unref(c);
}

/* Start the pod; 0 when the client reached the server (it exited 0). */
static int pod_start_reach(ctr_runtime_t *rt, ctr_pod_t *pod)
{
    ctr_container_t *client = NULL;
    int code = -1;
    if (ctr_pod_start(pod) < 0 || ctr_runtime_lookup(rt, "p-client", &client) < 0 ||
        ctr_container_wait(client, 20000, &code) < 0) {
        fprintf(stderr, "pod start: %s\n", ctr_error_last()->message);
        code = -1;
    }
    ctr_container_unref(client);
    return code;
}

/* The memory limit of the pod's cgroup (v1 or v2), 0 when it has none or is not there. */
static long long pod_cgroup_limit(const char *pod_id)
{
    char cmd[512];
    snprintf(cmd, sizeof cmd,
             "cat /sys/fs/cgroup/memory/libctr_parent/%s/memory.limit_in_bytes /sys/fs/cgroup/libctr_parent/%s/memory.max "
             "2>/dev/null",
             pod_id, pod_id);
    FILE *f = popen(cmd, "r");
    long long v = 0;
    if (f && fscanf(f, "%lld", &v) != 1)
        v = 0;
    if (f)
        pclose(f);
    return v;
}

/* The infra container's and the server's processes (the client exited): killed as a reboot does. */
static void pod_kill_all(ctr_runtime_t *rt, ctr_pod_t *pod)
{
    char **ids = NULL;
    assert_ctr_ok(ctr_pod_containers(pod, &ids));
    for (char **id = ids; *id; id++) {
        ctr_container_t *c = NULL;
        char *json = NULL;
        assert_ctr_ok(ctr_runtime_lookup(rt, *id, &c));
        assert_ctr_ok(ctr_container_state_json(c, &json));
        kill_and_wait(json_int(json, "\"conmonPid\":"));
        kill_and_wait(json_int(json, "\"pid\":"));
        ctr_free(json);
        ctr_container_unref(c);
        ctr_free(*id);
    }
    ctr_free(ids);
}

/* What a reboot takes from the pod: its processes, mounts, run root and cgroups. */
static void pod_reboot_losses(ctr_runtime_t *rt, ctr_pod_t *pod)
{
    pod_kill_all(rt, pod);
    char cmd[2048];
    snprintf(cmd, sizeof cmd,
             "awk '{print $5}' /proc/self/mountinfo | grep '^%s' | sort -r | while read m; do umount -l \"$m\"; done; "
             "rm -rf '%s'; for i in $(seq 50); do "
             "find /sys/fs/cgroup -depth -type d -path '*/libctr_parent/%s*' -exec rmdir {} \\; 2>/dev/null; "
             "find /sys/fs/cgroup -type d -path '*/libctr_parent/%s' | grep -q . || exit 0; sleep 0.1; done; "
             "for f in $(find /sys/fs/cgroup -path '*/libctr_parent/%s*' -name cgroup.procs); do "
             "for p in $(cat $f); do echo \"still in $f: $(ps -o pid=,stat=,args= -p $p)\" >&2; done; done; exit 1",
             root.run_root, root.run_root, ctr_pod_id(pod), ctr_pod_id(pod), ctr_pod_id(pod));
    assert_int_equal(system(cmd), 0);
}

/* In the new boot: the infra container and the server configured, the
 * client exited as it was (the pod Stopped), then started with its cgroup's limit made again and its members reaching
 * each other.  0, or the exit code of the failure. */
static int pod_check_new_boot(ctr_runtime_t *rt, ctr_pod_t *pod)
{
    char **ids = NULL, *status = NULL;
    if (ctr_pod_containers(pod, &ids) < 0 || ctr_pod_status(pod, &status) < 0)
        return 30;
    int bad = strcmp(status, "Stopped") != 0;
    for (char **id = ids; *id; id++) {
        ctr_container_t *c = NULL;
        ctr_state_t st = CTR_STATE_UNKNOWN;
        bad += ctr_runtime_lookup(rt, *id, &c) < 0 || ctr_container_state(c, &st) < 0 ||
               st != (id - ids == 2 ? CTR_STATE_EXITED : CTR_STATE_CONFIGURED);
        if (c)
            fprintf(stderr, "after the refresh: %s %s\n", ctr_container_name(c), ctr_state_name(st));
        ctr_container_unref(c);
        ctr_free(*id);
    }
    fprintf(stderr, "after the refresh: pod %s\n", status);
    ctr_free(ids);
    ctr_free(status);
    if (bad)
        return 31;
    if (pod_cgroup_limit(ctr_pod_id(pod)) != 0)
        return 32; /* the test's reboot did not take it */
    if (pod_start_reach(rt, pod) != 0)
        return 33;
    return pod_cgroup_limit(ctr_pod_id(pod)) == POD_LIMIT ? 0 : 34;
}

/* The checks in the new boot, then the pod removed whatever they found. */
static int pod_in_new_boot(void)
{
    ctr_runtime_t *rt = NULL;
    ctr_pod_t *pod = NULL;
    int r = open_in_new_boot(&rt);
    if (r)
        return r;
    if (ctr_pod_lookup(rt, "rpod", &pod) < 0)
        return 29;
    r = pod_check_new_boot(rt, pod);
    if (ctr_pod_remove(pod, CTR_POD_REMOVE_FORCE) < 0 && !r)
        r = 35;
    ctr_pod_unref(pod);
    ctr_runtime_unref(rt);
    return r;
}

static void test_refresh_pod(void **state)
{
    ctr_runtime_t *rt = test_runtime(&root, backend);
    ctr_pod_options_t po = CTR_POD_OPTIONS_INIT;
    po.name = "rpod";
    po.network_mode = CTR_POD_NETWORK_NONE; /* a namespace of its own with a loopback: no bridge needed */
    po.memory = POD_LIMIT;
    ctr_pod_t *pod = NULL;
    assert_ctr_ok(ctr_pod_create(rt, &po, &pod));
    for (int i = 0; i < 2; i++)
        pod_member(rt, i);
    assert_int_equal(pod_start_reach(rt, pod), 0);
    assert_int_equal(pod_cgroup_limit(ctr_pod_id(pod)), POD_LIMIT);
    pod_reboot_losses(rt, pod);
    ctr_pod_unref(pod);
    ctr_runtime_unref(rt);

    pid_t child = fork();
    assert_true(child >= 0);
    if (child == 0)
        _exit(pod_in_new_boot());
    int status = 0;
    assert_int_equal(waitpid(child, &status, 0), child);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
}

static int group_setup(void **state)
{
    const char *src = getenv("SOURCE_ROOT");
    bool ci = getenv("CI") && strcmp(getenv("CI"), "true") == 0;
    backend = getenv("CTR_TEST_BACKEND") ? getenv("CTR_TEST_BACKEND") : "files";
    if (geteuid() != 0 || access("/usr/sbin/runc", X_OK) != 0 || access("/usr/bin/conmon", X_OK) != 0) {
        fprintf(stderr, "refresh: needs root, runc and conmon%s\n", ci ? " (CI: failing)" : " (skipping)");
        exit(ci ? 1 : 77);
    }
    test_root_make(&root);
    snprintf(rootfs, sizeof rootfs, "%s/rootfs", root.root);
    char cmd[512];
    snprintf(cmd, sizeof cmd, "%s/tests/lib/make-rootfs.sh %s", src ? src : ".", rootfs);
    return system(cmd) == 0 ? 0 : -1;
}

static int group_teardown(void **state)
{
    test_root_remove(&root);
    return 0;
}

int main(void)
{
    /* Orphans (the monitors, a process whose monitor was killed) come to us, who reap them. */
    prctl(PR_SET_CHILD_SUBREAPER, 1);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_refresh_after_reboot),
        cmocka_unit_test(test_refresh_pod),
    };
    return cmocka_run_group_tests_name("refresh", tests, group_setup, group_teardown);
}
