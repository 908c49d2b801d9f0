/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* ctr-cleanup: what a container's monitor runs after the container exited
 * (conmon's --exit-command), so that the exit is recorded, its `died` event
 * written, a container made with CTR_CREATE_AUTO_REMOVE removed and the
 * restart policy of any other applied, then, for a member of a pod, the pod's
 * exit policy, with no process of its caller left.
 *
 *   ctr-cleanup [--root DIR] [--runroot DIR] [--state-backend NAME]
 *               [--runtime NAME|PATH] [--conmon PATH] [--storage-driver NAME]
 *               [--cni-config-dir DIR] [--cni-plugin-dir DIR] [--rm] ID
 *
 * The state read locks the container, which reconciles it with the
 * monitor's exit file: the transition to exited writes `died`, once, in
 * whichever process makes it (this one, or a caller that noticed first).
 * A start still in progress holds the lock: the exit is recorded after it.
 *
 * The options are the runtime's, as libctr wrote them.  conmon waits for
 * this program before it exits itself, and a removal waits for the
 * monitor: so the work is done by a detached grandchild, and the process
 * conmon waits for exits at once.  Built on the public API only. */
#include <errno.h>
#include <libctr/ctr.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "helper.h"

/* The exit policy of the pod (ID) of a member that exited. */
static int pod_exit_policy(ctr_runtime_t *rt, const char *id)
{
    ctr_pod_t *pod = NULL;
    int r = ctr_pod_lookup(rt, id, &pod);
    if (r == 0)
        r = ctr_pod_apply_exit_policy(pod);
    ctr_pod_unref(pod);
    return r == -ENOENT ? 0 : r < 0 ? r : 0;
}

/* Record the exit of container id (the state read reconciles it with the
 * monitor's exit file) and, with rm, remove it if it has exited, else apply
 * its restart policy.  0, or 1 after printing why not. */
static int record_exit(const ctr_runtime_options_t *ro, bool rm, const char *id)
{
    ctr_runtime_t *rt = NULL;
    ctr_container_t *c = NULL;
    ctr_state_t st = CTR_STATE_UNKNOWN;
    int r = ctr_runtime_new(&rt, ro);
    if (r == 0)
        r = ctr_runtime_lookup(rt, id, &c);
    if (r == 0)
        r = ctr_container_state(c, &st);
    char *pod = r == 0 && st == CTR_STATE_EXITED && ctr_container_pod(c) ? strdup(ctr_container_pod(c)) : NULL;
    if (r == 0 && rm && st == CTR_STATE_EXITED)
        r = ctr_container_remove(c, CTR_REMOVE_VOLUMES); /* podman run --rm: anonymous volumes too */
    else if (r == 0 && st == CTR_STATE_EXITED && (r = ctr_container_apply_restart_policy(c)) > 0)
        r = 0; /* restarted by its --restart policy */
    if (r == -ENOENT)
        r = 0; /* removed meanwhile (ctrctl rm, a foreground --rm) */
    if (r == 0 && pod)
        r = pod_exit_policy(rt, pod);
    if (r < 0)
        fprintf(stderr, "ctr-cleanup: %s: %s\n", id, ctr_error_last()->message);
    free(pod);
    ctr_container_unref(c);
    ctr_runtime_unref(rt);
    return r < 0;
}

int main(int argc, char **argv)
{
    ctr_runtime_options_t ro = CTR_RUNTIME_OPTIONS_INIT;
    const char *id = NULL;
    bool rm = false;
    int r = helper_parse(argc, argv, "ctr-cleanup", &ro, &rm, &id);
    if (r)
        return r;
    if ((r = helper_detach("ctr-cleanup", false)) != 0)
        return r;
    _exit(record_exit(&ro, rm, id));
}
