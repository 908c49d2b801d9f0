/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Artifacts: named blobs in STATIC_DIR/artifacts.  The seed joined the name
 * to the path unchecked; here a name is one plain path component. */
#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>

#include "base/error.h"
#include "core/container.h"
#include "core/lifecycle.h"

#define ARTIFACTS "artifacts"

static int check_name(const char *name)
{
    size_t n = strlen(name);
    if (n == 0 || n > 255)
        return ctr__err(-EINVAL, "artifact name must have 1 to 255 bytes");
    if (streq(name, ".") || streq(name, ".."))
        return ctr__err(-EINVAL, "artifact name \"%s\" is not allowed", name);
    if (strchr(name, '/'))
        return ctr__err(-EINVAL, "artifact name \"%.255s\" contains '/'", name);
    if (strncmp(name, ".#", 2) == 0)
        return ctr__err(-EINVAL, "artifact names starting with \".#\" are reserved");
    return 0;
}

/* Open the artifacts directory, creating it when asked. */
static int open_dir(ctr_container_t *c, bool create)
{
    _cleanup_close_ int sfd = open(ctr__container_config(c)->static_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (sfd < 0)
        return ctr__err(-errno, "cannot open %s: %m", ctr__container_config(c)->static_dir);
    if (create && mkdirat(sfd, ARTIFACTS, 0700) < 0 && errno != EEXIST)
        return ctr__err(-errno, "cannot create the artifacts directory: %m");
    int fd = openat(sfd, ARTIFACTS, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return errno == ENOENT ? -ENOENT : ctr__err(-errno, "cannot open the artifacts directory: %m");
    return fd;
}

/* One artifact call: its name and data in, what it read out. */
struct op {
    ctr_container_t *c;
    const char *name;
    const void *data;
    size_t size;
    char *out;
};

/* Check the name, lock c, open its artifacts directory, run fn in it. */
static int with_dir(ctr_container_t *c, struct op *op, bool create, int (*fn)(int dfd, struct op *op))
{
    int r = check_name(op->name);
    if (r < 0 || (r = ctr__lifecycle_lock(c)) < 0)
        return r;
    _cleanup_close_ int dfd = open_dir(c, create);
    r = dfd < 0 ? dfd : fn(dfd, op);
    ctr__container_unlock(c);
    return r;
}

static int add_in(int dfd, struct op *op)
{
    int r = ctr__write_file_at(dfd, op->name, op->data ? op->data : "", op->size, 0600, true);
    return r < 0 ? ctr__err(r, "cannot write artifact \"%s\": %s", op->name, strerror(-r)) : 0;
}

/* The error of a read or remove: a missing artifact names the container. */
static int artifact_error(ctr_container_t *c, const char *name, const char *what, int r)
{
    if (r == -ENOENT)
        return ctr__err(-ENOENT, CTR_CFMT " has no artifact \"%s\"", CTR_CARG(c), name);
    return ctr__err_keep(r, "cannot %s artifact \"%s\": %s", what, name, strerror(-r));
}

static int get_in(int dfd, struct op *op)
{
    _cleanup_close_ int fd = openat(dfd, op->name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY);
    int r = fd < 0 ? -errno : ctr__read_fd(fd, &op->out, &op->size);
    return r < 0 ? artifact_error(op->c, op->name, "read", r) : 0;
}

static int remove_in(int dfd, struct op *op)
{
    if (unlinkat(dfd, op->name, 0) < 0 || fsync(dfd) < 0)
        return artifact_error(op->c, op->name, "remove", -errno);
    return 0;
}

CTR_EXPORT int ctr_container_artifact_add(ctr_container_t *c, const char *name, const void *data, size_t size)
{
    CTR_ENTER();
    CTR_CHECK_ARG(c);
    CTR_CHECK_ARG(name);
    CTR_CHECK_ARG(data || size == 0);
    struct op op = { .c = c, .name = name, .data = data, .size = size };
    return with_dir(c, &op, true, add_in);
}

CTR_EXPORT int ctr_container_artifact_get(ctr_container_t *c, const char *name, void **ret, size_t *ret_size)
{
    CTR_ENTER();
    CTR_CHECK_ARG(c);
    CTR_CHECK_ARG(name);
    CTR_CHECK_ARG(ret);
    struct op op = { .c = c, .name = name };
    int r = with_dir(c, &op, false, get_in);
    if (r == -ENOENT && ctr__err_code() != -ENOENT)
        return artifact_error(c, name, "read", r);
    if (r < 0)
        return r;
    *ret = op.out;
    if (ret_size)
        *ret_size = op.size;
    return 0;
}

CTR_EXPORT int ctr_container_artifact_remove(ctr_container_t *c, const char *name)
{
    CTR_ENTER();
    CTR_CHECK_ARG(c);
    CTR_CHECK_ARG(name);
    struct op op = { .c = c, .name = name };
    int r = with_dir(c, &op, false, remove_in);
    if (r == -ENOENT && ctr__err_code() != -ENOENT)
        return artifact_error(c, name, "remove", r);
    return r;
}
