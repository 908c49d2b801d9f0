/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Checkpoint and restore in place (ctr_container_checkpoint(),
 * ctr_container_restore()), with CRIU through the OCI backend's
 * checkpoint() and restore() (conmon's --restore).  The import of an
 * exported checkpoint as a new container is lib/api/checkpoint-import.c.
 *
 * Files, in the container's static dir (the OCI bundle, as podman keeps
 * them in its userdata directory):
 *   checkpoint/   CRIU's images, from the checkpoint to the restore (kept
 *                 after it with KEEP; removed after an export without KEEP)
 *   dump.log      CRIU's log of the checkpoint (kept on failure or with KEEP)
 *   restore.log   CRIU's log of the restore (kept on failure or with KEEP)
 * The state records which exist (CTR__CKPT_FILE_*) for inspect's
 * CheckpointPath, CheckpointLog and RestoreLog. */
#include <fcntl.h>
#include <libctr/ctr-lifecycle.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/error.h"
#include "core/checkpoint.h"
#include "core/container.h"
#include "core/lifecycle.h"
#include "core/runtime.h"
#include "storage/checkpoint-archive.h"

#define IMAGES "checkpoint"
#define DUMP_LOG "dump.log"
#define RESTORE_LOG "restore.log"
/* How long CRIU's kill of the checkpointed processes may take to reach the monitor. */
#define EXIT_TIMEOUT_MS 30000

struct ckpt_paths {
    char *images;
    int sfd; /* the static dir */
};

static void ckpt_paths_done(struct ckpt_paths *p)
{
    free(p->images);
    ctr__closep(&p->sfd);
}

static int ckpt_paths(ctr_container_t *c, struct ckpt_paths *p)
{
    const char *dir = ctr__container_config(c)->static_dir;
    p->sfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (p->sfd < 0)
        return ctr__err(-errno, "cannot open %s: %m", dir);
    if (!(p->images = ctr__asprintf("%s/" IMAGES, dir)))
        return ctr__oom("a path");
    return 0;
}

/* Remove the files of ckpt_files' bits in mask. */
static void drop_files(ctr_container_t *c, int sfd, unsigned mask)
{
    struct ctr__status *st = ctr__container_status(c);
    if (mask & CTR__CKPT_FILE_IMAGES)
        ctr__rm_rf_at(sfd, IMAGES);
    /* CRIU's statistics go with its logs. */
    if (mask & CTR__CKPT_FILE_DUMP_LOG) {
        unlinkat(sfd, DUMP_LOG, 0);
        unlinkat(sfd, "stats-dump", 0);
    }
    if (mask & CTR__CKPT_FILE_RESTORE_LOG) {
        unlinkat(sfd, RESTORE_LOG, 0);
        unlinkat(sfd, "stats-restore", 0);
    }
    st->ckpt_files &= ~mask;
}

/* ---- checkpoint ---- */

/* The export file, made (emptied) before the checkpoint so that a path that
 * cannot be written fails first; unlinked again when anything fails. */
static int export_open(const char *path, int *ret_fd)
{
    *ret_fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (*ret_fd < 0)
        return ctr__err(errno == ENOENT || errno == ENOTDIR || errno == EISDIR ? -EINVAL : -errno,
                        "creating checkpoint archive %s: %m", path);
    return 0;
}

static int export_write(ctr_container_t *c, int fd)
{
    _cleanup_free_ char *config = NULL;
    int r = ctr__config_to_json(ctr__container_config(c), &config);
    if (r < 0)
        return r;
    return ctr__ckpt_export(ctr__runtime_settings(ctr_container_runtime(c)), ctr__container_config(c), config, fd);
}

/* After the runtime's checkpoint without leave-running: the monitor reports
 * the end of the processes CRIU killed; the container is then exited with
 * code 0, as podman shows it, and released as by a stop. */
static int finish_stopped(ctr_container_t *c, ctr__oci_t *oci, const struct ctr__desc *d)
{
    ctr_oci_exit_t ex;
    int r = ctr__oci_wait_exit(oci, &d->oci, EXIT_TIMEOUT_MS, &ex);
    if (r < 0)
        return r;
    struct ctr__status *st = ctr__container_status(c);
    st->checkpointed = true;
    st->restored = false;
    st->restored_at = 0;
    ex.exit_code = 0;
    ex.oom_killed = 0;
    ex.finished = 0; /* now: after the checkpoint's time, as podman's */
    return ctr__lifecycle_finish_exit(c, &ex);
}

static int checkpoint_live(ctr_container_t *c, const ctr_checkpoint_options_t *o, ctr__oci_t *oci,
                           const struct ctr__desc *d, struct ckpt_paths *p, int export_fd)
{
    struct ctr__status *st = ctr__container_status(c);
    drop_files(c, p->sfd, CTR__CKPT_FILE_IMAGES | CTR__CKPT_FILE_DUMP_LOG | CTR__CKPT_FILE_RESTORE_LOG);
    if (mkdirat(p->sfd, IMAGES, 0700) < 0)
        return ctr__err(-errno, "cannot create %s: %m", p->images);
    const ctr_oci_checkpoint_options_t co = {
        .version = CTR_OCI_BACKEND_VERSION,
        .image_dir = p->images,
        .work_dir = ctr__container_config(c)->static_dir,
        .flags = ((o->flags & CTR_CHECKPOINT_LEAVE_RUNNING) ? CTR_OCI_CHECKPOINT_LEAVE_RUNNING : 0) |
                 ((o->flags & CTR_CHECKPOINT_TCP_ESTABLISHED) ? CTR_OCI_CHECKPOINT_TCP_ESTABLISHED : 0) |
                 ((o->flags & CTR_CHECKPOINT_FILE_LOCKS) ? CTR_OCI_CHECKPOINT_FILE_LOCKS : 0),
    };
    int r = ctr__oci_checkpoint(oci, &d->oci, &co);
    st->ckpt_files |= CTR__CKPT_FILE_IMAGES | CTR__CKPT_FILE_DUMP_LOG;
    if (r < 0) {
        drop_files(c, p->sfd, CTR__CKPT_FILE_IMAGES); /* the log tells why */
        return r;
    }
    st->checkpointed_at = ctr__now_ns();
    /* The root file system is still mounted: the export reads its layer. */
    int er = export_fd >= 0 ? export_write(c, export_fd) : 0;
    if (!(o->flags & CTR_CHECKPOINT_LEAVE_RUNNING) && (r = finish_stopped(c, oci, d)) < 0)
        return r;
    if (er < 0)
        return er;
    if (!(o->flags & CTR_CHECKPOINT_KEEP))
        drop_files(c, p->sfd, CTR__CKPT_FILE_DUMP_LOG | (o->export_path ? CTR__CKPT_FILE_IMAGES : 0));
    return 0;
}

static int checkpoint_locked(ctr_container_t *c, const ctr_checkpoint_options_t *o)
{
    ctr_state_t state = ctr__container_status(c)->state;
    if (state != CTR_STATE_RUNNING)
        return ctr__err(-EBUSY, "\"%s\" is not running, cannot checkpoint: container state improper",
                        ctr_state_name(state));
    _cleanup_(ctr__lifecycle_desc_done) struct ctr__desc d = { 0 };
    _cleanup_(ckpt_paths_done) struct ckpt_paths p = { .sfd = -1 };
    ctr__oci_t *oci = NULL;
    int r = ctr__lifecycle_oci(c, &oci, &d);
    if (r < 0 || (r = ckpt_paths(c, &p)) < 0)
        return r;
    if (!ctr__oci_has(oci, CTR_OCI_CAP_CHECKPOINT))
        return ctr__err(-EOPNOTSUPP, "the OCI runtime %s cannot checkpoint here (is criu installed?)",
                        oci->runtime_name);
    _cleanup_close_ int efd = -1;
    if (o->export_path && (r = export_open(o->export_path, &efd)) < 0)
        return r;
    r = checkpoint_live(c, o, oci, &d, &p, efd);
    if (r < 0 && o->export_path)
        unlink(o->export_path);
    int sr = ctr__container_save(c);
    return r < 0 ? r : sr;
}

static int check_checkpoint_options(const ctr_checkpoint_options_t *o)
{
    if (o->version < 1 || o->version > CTR_CHECKPOINT_OPTIONS_VERSION)
        return ctr__err(-EINVAL, "checkpoint options version %u not supported", o->version);
    if (o->flags & ~(uint64_t)(CTR_CHECKPOINT_LEAVE_RUNNING | CTR_CHECKPOINT_TCP_ESTABLISHED | CTR_CHECKPOINT_KEEP |
                               CTR_CHECKPOINT_FILE_LOCKS))
        return ctr__err(-EINVAL, "unknown checkpoint flags");
    if (o->export_path && !*o->export_path)
        return ctr__err(-EINVAL, "an empty export path");
    return 0;
}

CTR_EXPORT int ctr_container_checkpoint(ctr_container_t *c, const ctr_checkpoint_options_t *opts)
{
    CTR_ENTER();
    CTR_CHECK_ARG(c);
    const ctr_checkpoint_options_t defaults = CTR_CHECKPOINT_OPTIONS_INIT;
    const ctr_checkpoint_options_t *o = opts ? opts : &defaults;
    int r = check_checkpoint_options(o);
    if (r < 0)
        return r;
    return CTR__WITH_LOCK(c, checkpoint_locked(c, o));
}

/* ---- restore ---- */

static int restore_locked(ctr_container_t *c, const ctr_restore_options_t *o)
{
    struct ctr__status *st = ctr__container_status(c);
    if (st->state != CTR_STATE_EXITED && st->state != CTR_STATE_CONFIGURED)
        return ctr__err(-EBUSY, "container %s is %s, cannot restore: container state improper",
                        ctr__container_config(c)->id,
                        st->state == CTR_STATE_RUNNING || st->state == CTR_STATE_PAUSED ? "running or paused"
                                                                                         : ctr_state_name(st->state));
    _cleanup_(ckpt_paths_done) struct ckpt_paths p = { .sfd = -1 };
    int r = ckpt_paths(c, &p);
    if (r < 0)
        return r;
    struct stat s;
    char text[128];
    if (fstatat(p.sfd, IMAGES "/inventory.img", &s, 0) < 0)
        return ctr__err(errno == ENOTDIR ? -ENOENT : -errno,
                        "a complete checkpoint for this container cannot be found, cannot restore: stat "
                        "%s/inventory.img: %s", p.images, ctr__strerror_go(errno, text, sizeof text));
    const ctr_oci_checkpoint_options_t ro = {
        .version = CTR_OCI_BACKEND_VERSION,
        .image_dir = p.images,
        .work_dir = ctr__container_config(c)->static_dir,
        .flags = ((o->flags & CTR_RESTORE_TCP_ESTABLISHED) ? CTR_OCI_CHECKPOINT_TCP_ESTABLISHED : 0) |
                 ((o->flags & CTR_RESTORE_FILE_LOCKS) ? CTR_OCI_CHECKPOINT_FILE_LOCKS : 0),
    };
    unlinkat(p.sfd, RESTORE_LOG, 0);
    r = ctr__lifecycle_restore(c, &ro);
    st = ctr__container_status(c);
    st->ckpt_files |= CTR__CKPT_FILE_RESTORE_LOG;
    if (r < 0) {
        ctr__container_save(c);
        return r;
    }
    st->restored = true;
    st->restored_at = ctr__now_ns();
    st->checkpointed = false;
    st->checkpointed_at = 0;
    if (!(o->flags & CTR_RESTORE_KEEP))
        drop_files(c, p.sfd, CTR__CKPT_FILE_IMAGES | CTR__CKPT_FILE_DUMP_LOG | CTR__CKPT_FILE_RESTORE_LOG);
    return ctr__container_save(c);
}

int ctr__restore_check_options(const ctr_restore_options_t *o)
{
    if (o->version < 1 || o->version > CTR_RESTORE_OPTIONS_VERSION)
        return ctr__err(-EINVAL, "restore options version %u not supported", o->version);
    if (o->flags & ~(uint64_t)(CTR_RESTORE_TCP_ESTABLISHED | CTR_RESTORE_KEEP | CTR_RESTORE_FILE_LOCKS))
        return ctr__err(-EINVAL, "unknown restore flags");
    return 0;
}

int ctr__container_restore(ctr_container_t *c, const ctr_restore_options_t *o)
{
    return CTR__WITH_LOCK(c, restore_locked(c, o));
}

CTR_EXPORT int ctr_container_restore(ctr_container_t *c, const ctr_restore_options_t *opts)
{
    CTR_ENTER();
    CTR_CHECK_ARG(c);
    const ctr_restore_options_t defaults = CTR_RESTORE_OPTIONS_INIT;
    const ctr_restore_options_t *o = opts ? opts : &defaults;
    int r = ctr__restore_check_options(o);
    if (r < 0)
        return r;
    if (o->import_path || o->name)
        return ctr__err(-EINVAL, "cannot use --import or --name with a container: ctr_runtime_restore() imports");
    return ctr__container_restore(c, o);
}
