/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The healthcheck's schedule without systemd: a start of a container with a
 * healthcheck starts libctr's helper ctr-healthcheck, detached (it forks a
 * worker in a session of its own and prints its PID), which checks at each
 * interval while the container runs the same start; its PID is kept in the
 * run directory, and the cleanup of the container (stop, exit, remove; a
 * restart is a stop first) signals it after making sure, through a pidfd,
 * that the process is that helper for that container. */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "base/error.h"
#include "base/procfs.h"
#include "base/subprocess.h"
#include "core/container.h"
#include "core/health-schedule.h"
#include "core/runtime.h"

#define HELPER "ctr-healthcheck"
#define PID_FILE "healthcheck.pid"

/* Run the helper, which prints its worker's PID and exits. */
static int spawn_helper(ctr_container_t *c, pid_t *ret_pid)
{
    _cleanup_strv_ char **argv = NULL;
    int r = ctr__runtime_helper_command(ctr_container_runtime(c), HELPER, ctr_container_id(c), NULL, &argv);
    if (r < 0)
        return r;
    _cleanup_close_ int out = memfd_create("ctr-healthcheck", MFD_CLOEXEC);
    if (out < 0)
        return ctr__err(-errno, "memfd_create: %m");
    _cleanup_strv_ char **env = ctr__spawn_env(NULL);
    if (!env)
        return ctr__oom("the healthcheck's environment");
    struct ctr__spawn s = { .path = argv[0], .argv = argv, .envp = env, .fds = { -1, out, -1 }, .n_fds = 3 };
    int status = 0;
    if ((r = ctr__spawn_run(&s, HELPER, &status)) < 0)
        return r;
    _cleanup_free_ char *text = ctr__memfd_read(out, 64);
    if (!text)
        return ctr__oom("the healthcheck's PID");
    char *end = NULL;
    long pid = strtol(text, &end, 10);
    if (status != 0 || pid <= 0 || end == text || (*end && *end != '\n'))
        return ctr__err(-EIO, HELPER " did not start (status %d, output \"%.40s\")", status, text);
    *ret_pid = (pid_t)pid;
    return 0;
}

void ctr__health_schedule(ctr_container_t *c)
{
    const struct ctr__config *cfg = ctr__container_config(c);
    const struct ctr__status *st = ctr__container_status(c);
    if (!ctr__process_has_healthcheck(&cfg->process) || !st->run_dir)
        return;
    pid_t pid = 0;
    int r = spawn_helper(c, &pid);
    char text[24];
    int n = snprintf(text, sizeof text, "%d\n", (int)pid);
    _cleanup_close_ int dfd = r < 0 ? -1 : open(st->run_dir, O_DIRECTORY | O_RDONLY | O_CLOEXEC);
    if (r == 0 && (dfd < 0 || (r = ctr__write_file_at(dfd, PID_FILE, text, (size_t)n, 0600, false)) < 0)) {
        kill(pid, SIGTERM); /* just made: ours */
        r = r < 0 ? r : ctr__err(-errno, "cannot open %s: %m", st->run_dir);
    }
    if (r < 0) {
        /* No schedule: the checks run when asked (ctr_container_healthcheck_run()). */
        ctr__rt_log(ctr_container_runtime(c), CTR_LOG_WARNING, "no healthcheck schedule for " CTR_CFMT ": %s",
                    CTR_CARG(c), ctr_error_last()->message);
        ctr__err_clear();
    }
}

/* Whether the process of pidfd (pid) is the helper for container id. */
static bool is_our_helper(int pidfd, pid_t pid, const char *id)
{
    char dir[32];
    snprintf(dir, sizeof dir, "/proc/%d", (int)pid);
    _cleanup_close_ int dfd = open(dir, O_DIRECTORY | O_RDONLY | O_CLOEXEC);
    _cleanup_free_ char *text = NULL;
    size_t len = 0;
    if (dfd < 0 || ctr__proc_read(dfd, "cmdline", 65536, &text, &len, NULL) < 0)
        return false;
    _cleanup_free_ char **args = NULL;
    size_t n = 0;
    if (ctr__proc_split_cmdline(text, len, &args, &n) < 0 || n < 2)
        return false;
    if (n > 2 && !args[n - 1][0])
        n--; /* the empty argument after the last NUL */
    const char *base = strrchr(args[0], '/');
    /* Still the same process once read: the pidfd has not exited. */
    return streq(base ? base + 1 : args[0], HELPER) && streq(args[n - 1], id) &&
           syscall(SYS_pidfd_send_signal, pidfd, 0, NULL, 0) == 0;
}

void ctr__health_unschedule(ctr_container_t *c, const char *run_dir)
{
    _cleanup_close_ int dfd = run_dir ? open(run_dir, O_DIRECTORY | O_RDONLY | O_CLOEXEC) : -1;
    _cleanup_free_ char *text = NULL;
    if (dfd < 0 || ctr__read_file_at(dfd, PID_FILE, &text, NULL) < 0)
        return;
    long pid = strtol(text, NULL, 10);
    if (pid <= 0 || pid > INT32_MAX || pid == getpid()) /* the helper itself, restarting its container */
        return;
    _cleanup_close_ int pidfd = (int)syscall(SYS_pidfd_open, (pid_t)pid, 0);
    if (pidfd >= 0 && is_our_helper(pidfd, (pid_t)pid, ctr_container_id(c)))
        syscall(SYS_pidfd_send_signal, pidfd, SIGTERM, NULL, 0);
    unlinkat(dfd, PID_FILE, 0);
}
