/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "data/status.h"

#include "base/error.h"
#include "base/json-util.h"

static const char *const state_names[] = {
    [CTR_STATE_UNKNOWN] = "unknown", [CTR_STATE_CONFIGURED] = "configured", [CTR_STATE_CREATED] = "created",
    [CTR_STATE_RUNNING] = "running", [CTR_STATE_EXITED] = "exited",         [CTR_STATE_PAUSED] = "paused",
    [CTR_STATE_STOPPING] = "stopping", [CTR_STATE_REMOVING] = "removing",
};

CTR_EXPORT const char *ctr_state_name(ctr_state_t state)
{
    if ((unsigned)state < ARRAY_SIZE(state_names))
        return state_names[state];
    return "invalid";
}

void ctr__status_init(struct ctr__status *st)
{
    memset(st, 0, sizeof *st);
    st->exit_code = -1;
    st->state = CTR_STATE_CONFIGURED;
}

void ctr__status_clear(struct ctr__status *st)
{
    free(st->config_path);
    free(st->run_dir);
    free(st->mount_point);
    free(st->netns_path);
    free(st->boot_id);
    free(st->networks_json);
    free(st->health_json);
    ctr__status_init(st);
}

int ctr__status_copy(struct ctr__status *dst, const struct ctr__status *src)
{
    struct ctr__status n = *src;
    n.config_path = ctr__strdup_null(src->config_path);
    n.run_dir = ctr__strdup_null(src->run_dir);
    n.mount_point = ctr__strdup_null(src->mount_point);
    n.netns_path = ctr__strdup_null(src->netns_path);
    n.boot_id = ctr__strdup_null(src->boot_id);
    n.networks_json = ctr__strdup_null(src->networks_json);
    n.health_json = ctr__strdup_null(src->health_json);
    if ((src->config_path && !n.config_path) || (src->run_dir && !n.run_dir) ||
        (src->mount_point && !n.mount_point) || (src->netns_path && !n.netns_path) ||
        (src->boot_id && !n.boot_id) || (src->networks_json && !n.networks_json) ||
        (src->health_json && !n.health_json)) {
        ctr__status_clear(&n);
        return ctr__oom("a copy of the container state");
    }
    ctr__status_clear(dst);
    *dst = n;
    return 0;
}

static int add_time(json_object *o, const char *key, int64_t ns)
{
    if (!ns)
        return 0;
    char t[64];
    ctr__format_time(ns, t, sizeof t);
    return ctr__json_add_str(o, key, t);
}

/* The checkpoint members, only for a container that has had one. */
static int add_checkpoint(json_object *o, const struct ctr__status *st)
{
    if (!st->checkpointed && !st->restored && !st->checkpointed_at && !st->restored_at && !st->ckpt_files)
        return 0;
    return ctr__json_add_bool(o, "checkpointed", st->checkpointed) | ctr__json_add_bool(o, "restored", st->restored) |
           add_time(o, "checkpointedTime", st->checkpointed_at) | add_time(o, "restoredTime", st->restored_at) |
           ctr__json_add_int(o, "checkpointFiles", st->ckpt_files);
}

/* Add the JSON document text (NULL: nothing) as member key of o. */
static int add_document(json_object *o, const char *key, const char *text)
{
    if (!text)
        return 0;
    json_object *n = NULL;
    int r = ctr__json_parse(text, key, &n);
    if (r < 0)
        return r;
    return ctr__json_set(o, key, n);
}

int ctr__status_to_json(const struct ctr__status *st, char **ret)
{
    _cleanup_json_ json_object *o = json_object_new_object();
    if (!o)
        return ctr__oom("the container state document");
    int r = 0;
    r |= ctr__json_add_int(o, "version", CTR__STATUS_VERSION);
    r |= ctr__json_add_str(o, "state", ctr_state_name(st->state));
    r |= ctr__json_add_str(o, "configPath", st->config_path);
    r |= ctr__json_add_str(o, "runDir", st->run_dir);
    r |= ctr__json_add_bool(o, "mounted", st->mounted);
    r |= ctr__json_add_str(o, "mountPoint", st->mount_point);
    if (st->started) {
        char t[64];
        ctr__format_time(st->started, t, sizeof t);
        r |= ctr__json_add_str(o, "startedTime", t);
    }
    if (st->finished) {
        char t[64];
        ctr__format_time(st->finished, t, sizeof t);
        r |= ctr__json_add_str(o, "finishedTime", t);
    }
    r |= ctr__json_add_int(o, "exitCode", st->exit_code);
    r |= ctr__json_add_bool(o, "oomKilled", st->oom_killed);
    r |= ctr__json_add_int(o, "pid", st->pid);
    r |= ctr__json_add_int(o, "conmonPid", st->conmon_pid);
    r |= ctr__json_add_str(o, "netNsPath", st->netns_path);
    r |= ctr__json_add_str(o, "bootID", st->boot_id);
    r |= ctr__json_add_int(o, "restartCount", st->restart_count);
    r |= ctr__json_add_bool(o, "stoppedByUser", st->stopped_by_user);
    if (st->config_revision > 0)
        r |= ctr__json_add_int(o, "configRevision", (int64_t)st->config_revision);
    r |= add_checkpoint(o, st);
    if (r != 0)
        return ctr__oom("the container state document");
    if ((r = add_document(o, "networks", st->networks_json)) < 0 || (r = add_document(o, "health", st->health_json)) < 0)
        return r;
    return ctr__json_to_string(o, ret);
}

static int state_from_name(const char *s, ctr_state_t *ret)
{
    for (int i = CTR_STATE_UNKNOWN; i <= CTR_STATE_REMOVING; i++)
        if (streq(s, ctr_state_name((ctr_state_t)i))) {
            *ret = (ctr_state_t)i;
            return 0;
        }
    return ctr__err(-EINVAL, "container state: unknown state \"%s\"", s);
}

/* The members of a state document, read into st; what is left in st on
 * failure is the caller's to clear. */
static int status_read(json_object *o, struct ctr__status *st)
{
    _cleanup_free_ char *state = NULL, *started = NULL, *finished = NULL, *ckpt_at = NULL, *restored_at = NULL;
    int64_t exit_code = -1, pid = 0, conmon_pid = 0, restarts = 0, revision = 0, ckpt_files = 0;
    /* Read in this order; each entry sets one of str, b and i. */
    const struct {
        const char *key;
        char **str;
        bool *b;
        int64_t *i;
    } members[] = {
        { "state", .str = &state },
        { "configPath", .str = &st->config_path },
        { "runDir", .str = &st->run_dir },
        { "mounted", .b = &st->mounted },
        { "mountPoint", .str = &st->mount_point },
        { "startedTime", .str = &started },
        { "finishedTime", .str = &finished },
        { "exitCode", .i = &exit_code },
        { "oomKilled", .b = &st->oom_killed },
        { "pid", .i = &pid },
        { "conmonPid", .i = &conmon_pid },
        { "netNsPath", .str = &st->netns_path },
        { "bootID", .str = &st->boot_id },
        { "restartCount", .i = &restarts },
        { "stoppedByUser", .b = &st->stopped_by_user },
        { "configRevision", .i = &revision },
        { "checkpointed", .b = &st->checkpointed },
        { "restored", .b = &st->restored },
        { "checkpointedTime", .str = &ckpt_at },
        { "restoredTime", .str = &restored_at },
        { "checkpointFiles", .i = &ckpt_files },
    };
    int r;
    for (size_t k = 0; k < ARRAY_SIZE(members); k++) {
        const char *key = members[k].key;
        r = members[k].str ? ctr__json_get_str(o, key, members[k].str)
            : members[k].b ? ctr__json_get_bool(o, key, members[k].b)
                           : ctr__json_get_int(o, key, members[k].i);
        if (r < 0)
            return r;
    }
    json_object *nets;
    if (json_object_object_get_ex(o, "networks", &nets) && (r = ctr__json_to_string(nets, &st->networks_json)) < 0)
        return r;
    json_object *health;
    if (json_object_object_get_ex(o, "health", &health) && (r = ctr__json_to_string(health, &st->health_json)) < 0)
        return r;
    if (!state)
        return ctr__err(-EINVAL, "\"state\" is required");
    if ((r = state_from_name(state, &st->state)) < 0)
        return r;
    if (started && ctr__parse_time(started, &st->started) < 0)
        return ctr__err(-EINVAL, "bad \"startedTime\"");
    if (finished && ctr__parse_time(finished, &st->finished) < 0)
        return ctr__err(-EINVAL, "bad \"finishedTime\"");
    if ((ckpt_at && ctr__parse_time(ckpt_at, &st->checkpointed_at) < 0) ||
        (restored_at && ctr__parse_time(restored_at, &st->restored_at) < 0))
        return ctr__err(-EINVAL, "bad \"checkpointedTime\" or \"restoredTime\"");
    if (ckpt_files < 0 || ckpt_files > 7)
        return ctr__err(-EINVAL, "\"checkpointFiles\" out of range");
    st->ckpt_files = (unsigned)ckpt_files;
    if (pid < 0 || pid > INT32_MAX || conmon_pid < 0 || conmon_pid > INT32_MAX || exit_code < INT32_MIN ||
        exit_code > INT32_MAX || restarts < 0 || restarts > INT32_MAX || revision < 0)
        return ctr__err(-EINVAL, "pid, exit code, restart count or config revision out of range");
    st->restart_count = (int)restarts;
    st->config_revision = (uint64_t)revision;
    st->exit_code = (int)exit_code;
    st->pid = (pid_t)pid;
    st->conmon_pid = (pid_t)conmon_pid;
    return 0;
}

int ctr__status_from_json(const char *json, struct ctr__status *ret)
{
    _cleanup_json_ json_object *o = NULL;
    int r = ctr__json_parse(json, "container state", &o);
    if (r < 0)
        return r;
    if (!json_object_is_type(o, json_type_object))
        return ctr__err(-EINVAL, "container state: not a JSON object");
    int64_t version = 0;
    r = ctr__json_get_int(o, "version", &version);
    if (r < 0)
        return r;
    if (version > CTR__STATUS_VERSION)
        return ctr__err(-EPROTONOSUPPORT, "container state version %lld is newer than this libctr understands (%d)",
                        (long long)version, CTR__STATUS_VERSION);

    struct ctr__status st;
    ctr__status_init(&st);
    r = status_read(o, &st);
    if (r < 0) {
        ctr__status_clear(&st);
        return ctr__err_prefix(r, "container state");
    }
    ctr__status_clear(ret);
    *ret = st;
    return 0;
}

bool ctr__state_is_live(ctr_state_t s)
{
    return s == CTR_STATE_CREATED || s == CTR_STATE_RUNNING || s == CTR_STATE_PAUSED || s == CTR_STATE_STOPPING;
}
