/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Event emission (events.h): the event's JSON line appended to the journal
 * in RUN_ROOT/events/. */
#include "core/events.h"

#include <errno.h>
#include <string.h>

#include "base/error.h"
#include "base/journal.h"
#include "base/json-util.h"
#include "base/util.h"
#include "core/container.h"
#include "core/runtime.h"

char *ctr__events_dir(ctr_runtime_t *rt)
{
    return ctr__asprintf("%s/events", ctr__runtime_settings(rt)->run_root);
}

static int emit(ctr_runtime_t *rt, const struct ctr__event *ev)
{
    _cleanup_free_ char *line = NULL;
    _cleanup_free_ char *dir = ctr__events_dir(rt);
    if (!dir)
        return ctr__oom("an event");
    int r = ctr__event_format(ev, &line);
    if (r < 0)
        return r;
    r = ctr__journal_append(dir, line, strlen(line), ctr__journal_max_size());
    if (r < 0)
        return ctr__err(r, "the event journal %s: %s", dir, strerror(-r));
    return 0;
}

void ctr__event_emit(ctr_runtime_t *rt, const struct ctr__event *ev)
{
    struct ctr__err_saved saved;
    ctr__err_save(&saved);
    if (emit(rt, ev) < 0)
        ctr__rt_log(rt, CTR_LOG_WARNING, "%s event %s lost: %s", ev->type, ev->status, ctr_error_last()->message);
    ctr__err_restore(&saved);
}

/* KEY=VALUE strings added to the object o. */
static int add_pairs(json_object *o, char *const *kv)
{
    for (size_t i = 0; kv && kv[i]; i++) {
        const char *eq = strchr(kv[i], '=');
        _cleanup_free_ char *k = eq ? strndup(kv[i], (size_t)(eq - kv[i])) : strdup(kv[i]);
        if (!k || ctr__json_add_str(o, k, eq ? eq + 1 : "") < 0)
            return -ENOMEM;
    }
    return 0;
}

void ctr__event_config(ctr_runtime_t *rt, const struct ctr__config *cfg, const char *status, int exit_code,
                       const char *const *extra)
{
    _cleanup_json_ json_object *attrs = json_object_new_object();
    if (!attrs || add_pairs(attrs, cfg->labels) < 0 || add_pairs(attrs, (char *const *)extra) < 0) {
        ctr__rt_log(rt, CTR_LOG_WARNING, "container event %s lost: out of memory", status);
        return;
    }
    struct ctr__event ev = {
        .type = CTR__EVENT_CONTAINER,
        .status = status,
        .id = cfg->id,
        .name = cfg->name,
        .image = cfg->image_name && *cfg->image_name ? cfg->image_name : NULL,
        .exit_code = exit_code,
        .attributes = attrs,
    };
    ctr__event_emit(rt, &ev);
}

void ctr__event_container(ctr_container_t *c, const char *status, int exit_code, const char *const *extra)
{
    ctr__event_config(ctr_container_runtime(c), ctr__container_config(c), status, exit_code, extra);
}

void ctr__event_object(ctr_runtime_t *rt, const char *type, const char *status, const char *id, const char *name)
{
    struct ctr__event ev = {
        .type = type,
        .status = status,
        .id = id,
        .name = streq(type, CTR__EVENT_NETWORK) ? NULL : name,
        .network = streq(type, CTR__EVENT_NETWORK) ? name : NULL,
    };
    ctr__event_emit(rt, &ev);
}
