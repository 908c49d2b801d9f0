/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* ctr-monitor-create: ctr-monitor's create step.  The monitor's daemon
 * execs it (same command line, its descriptors named in _CTR_MONITOR_FDS);
 * it runs lib/native's create in this process, so that the container's init
 * is the daemon's child, then execs ctr-monitor again with the init's PID
 * (_CTR_MONITOR_PID).  The libraries of the create (json-c, libseccomp,
 * libcap-ng, libcrypto) and its allocations so leave the process, which
 * monitors the container with ctr-monitor's libc alone. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/error.h"
#include "monitor.h"
#include "native/container.h"

static pid_t read_pid(const char *path)
{
    char buf[32] = {0};
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    return n > 0 ? (pid_t)atoi(buf) : -1;
}

/* lib/native's create; a PID namespace it joins for the container's init
 * is left again (the monitor's later children stay in its own). */
static int create(const struct opts *o, const struct monitor_fds *f, pid_t *ret)
{
    char console[64];
    snprintf(console, sizeof console, "/proc/self/fd/%d/" CTR_MONITOR_CONSOLE, f->bundle);
    int own_pidns = open("/proc/self/ns/pid", O_RDONLY | O_CLOEXEC);
    struct ctr__native_create_opts co = {
        .bundle = o->bundle, .pid_file = o->pidfile, .console_socket = o->tty ? console : NULL};
    int r = ctr__native_create(o->root, o->cid, &co);
    if (own_pidns >= 0) {
        (void)setns(own_pidns, CLONE_NEWPID);
        close(own_pidns);
    }
    if (r < 0)
        return r;
    *ret = read_pid(o->pidfile);
    return *ret > 0 ? 0 : -ESRCH;
}

int main(int argc, char **argv)
{
    struct opts o;
    struct monitor_fds f;
    const char *fds = getenv(CTR_MONITOR_FDS_ENV);
    if (monitor_parse(&o, argc, argv) < 0 || !fds || monitor_fds_parse(fds, &f) < 0) {
        fprintf(stderr, CTR_MONITOR_CREATE ": run by ctr-monitor only\n");
        return 1;
    }
    pid_t pid = 0;
    int r = create(&o, &f, &pid);
    if (r < 0) {
        const char *msg = ctr_error_last()->message;
        monitor_fail(&o, f.sync, msg && *msg ? msg : strerror(-r));
    }
    char self[4096], path[4200], text[16];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n <= 0)
        monitor_fail(&o, f.sync, "reading /proc/self/exe");
    self[n] = '\0';
    *strrchr(self, '/') = '\0';
    snprintf(path, sizeof path, "%s/ctr-monitor", self);
    snprintf(text, sizeof text, "%d", (int)pid);
    setenv(CTR_MONITOR_PID_ENV, text, 1);
    execv(path, argv);
    monitor_fail(&o, f.sync, "executing ctr-monitor again");
}
