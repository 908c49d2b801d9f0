/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Crash points: see fault.h.  Only built with -Dfault_injection=true. */
#include "base/fault.h"

#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>

#include "base/util.h"

static pthread_mutex_t fault_mutex = PTHREAD_MUTEX_INITIALIZER;
static pid_t fault_pid;            /* the process the variables were read in */
static char fault_name[128];       /* empty: no crash wanted */
static unsigned long fault_nth, fault_hits;
static char fault_hit_path[4096];

static void fault_read_env(void)
{
    const char *spec = getenv("CTR_FAULT"), *hit = getenv("CTR_FAULT_HIT");
    fault_pid = getpid();
    fault_name[0] = '\0';
    fault_hits = 0;
    fault_nth = 1;
    snprintf(fault_hit_path, sizeof fault_hit_path, "%s", hit ? hit : "");
    if (isempty(spec))
        return;
    size_t n = strcspn(spec, ":");
    if (n >= sizeof fault_name)
        return;
    memcpy(fault_name, spec, n);
    fault_name[n] = '\0';
    if (spec[n] == ':') {
        unsigned long v = strtoul(spec + n + 1, NULL, 10);
        fault_nth = v ? v : 1;
    }
}

void ctr__fault_point(const char *name)
{
    pthread_mutex_lock(&fault_mutex);
    if (fault_pid != getpid())
        fault_read_env();
    bool crash = fault_name[0] && streq(fault_name, name) && ++fault_hits == fault_nth;
    if (crash && fault_hit_path[0]) {
        int fd = open(fault_hit_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        if (fd >= 0) {
            (void)!write(fd, name, strlen(name));
            close(fd);
        }
    }
    pthread_mutex_unlock(&fault_mutex);
    if (crash)
        raise(SIGKILL);
}
