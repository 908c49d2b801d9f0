/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* ctr-exit: what a container's monitor runs first after the container
 * exited (conmon's --exit-command, which conmon executes in its own place):
 * it starts the rest of its command line (ctr-cleanup and its options)
 * detached and returns at once.  The monitor's process then ends within a
 * millisecond of writing the exit file, and what waits on its end (the
 * waiters of ctr_container_waiter_new(), ctr_container_wait()) sees the
 * exit then, not once ctr-cleanup has loaded libctr.
 *
 *   ctr-exit /ABSOLUTE/PATH/OF/PROGRAM [ARGS...]
 *
 * Links only the C library, for the same reason. */
#include <stdio.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    if (argc < 2 || argv[1][0] != '/') {
        fputs("usage: ctr-exit /ABSOLUTE/PATH/OF/PROGRAM [ARGS...]\n", stderr);
        return 2;
    }
    pid_t pid = fork();
    if (pid < 0) {
        perror("ctr-exit: fork");
        return 1;
    }
    if (pid > 0)
        return 0;
    (void)setsid();
    execv(argv[1], argv + 1);
    perror("ctr-exit: exec");
    _exit(127);
}
