/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* ctr_container_commit(): a container's changes as a new image.  The store's
 * work is storage/commit.c; here the handle's part: the options, the pause,
 * the container's lock around the tar of its layer. */
#include <libctr/ctr.h>

#include "base/error.h"
#include "base/fault.h"
#include "base/options.h"
#include "core/events.h"
#include "core/container.h"
#include "core/lifecycle.h"
#include "core/runtime.h"
#include "storage/commit.h"

static const struct ctr__options_type options_type = {
    "commit options", CTR_COMMIT_OPTIONS_VERSION, (const size_t[]){ 0, sizeof(ctr_commit_options_t) }
};

CTR_EXPORT int ctr_commit_options_init(ctr_commit_options_t *opts, unsigned int version)
{
    CTR_ENTER();
    CTR_CHECK_ARG(opts);
    return ctr__options_clear(&options_type, opts, version);
}

/* The tar of the container's layer, under its lock, paused when asked. */
static int commit_tar(ctr_container_t *c, struct ctr__commit *cm, bool pause)
{
    bool paused = false;
    int r;
    if (pause) {
        r = ctr_container_pause(c);
        paused = r == 0;
        if (r < 0 && r != -EBUSY)
            return r;
        CTR_ENTER();
    }
    if ((r = ctr__lifecycle_lock(c)) == 0) {
        r = ctr__commit_tar(cm);
        ctr__container_unlock(c);
    }
    CTR_FAULT_POINT("commit.after-tar");
    if (paused) {
        int k = ctr_container_unpause(c);
        if (r == 0 && k < 0)
            r = k;
    }
    return r;
}

CTR_EXPORT int ctr_container_commit(ctr_container_t *c, const ctr_commit_options_t *opts, ctr_image_t **ret)
{
    CTR_ENTER();
    CTR_CHECK_ARG(c);
    ctr_commit_options_t o;
    ctr_commit_options_init(&o, CTR_COMMIT_OPTIONS_VERSION);
    int r = ctr__options_copy(&options_type, &o, opts);
    if (r < 0)
        return r;
    if (o.flags & ~(uint64_t)CTR_COMMIT_PAUSE)
        return ctr__err(-EINVAL, "unknown commit flags 0x%llx", (unsigned long long)o.flags);
    ctr_runtime_t *rt = ctr_container_runtime(c);
    const struct ctr__config *cfg = ctr__container_config(c);
    _cleanup_(ctr__commit_freep) struct ctr__commit *cm = NULL;
    r = ctr__commit_begin(ctr__runtime_settings(rt), cfg, &o, &cm);
    if (r < 0 || (r = commit_tar(c, cm, (o.flags & CTR_COMMIT_PAUSE) != 0)) < 0)
        return r;
    _cleanup_free_ char *image_id = NULL;
    r = ctr__commit_publish(cm, &image_id);
    CTR_FAULT_POINT("commit.after-publish");
    if (r < 0)
        return r;
    ctr__rt_log(rt, CTR_LOG_DEBUG, "committed %s as image %.12s", cfg->name, image_id);
    ctr__event_container(c, "commit", 0, NULL);
    if (ret)
        return ctr_image_lookup(rt, image_id, ret);
    return 0;
}
