/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Artifacts: named blobs in STATIC_DIR/artifacts.  The seed joined the name
 * to the path unchecked; here a name is one plain path component. */
#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>

#include "container.h"
#include "lifecycle.h"
#include "error.h"

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

CTR_EXPORT int ctr_container_artifact_add(ctr_container_t *c, const char *name, const void *data, size_t size)
{
    CTR_ENTER();
    CTR_CHECK_ARG(c);
    CTR_CHECK_ARG(name);
    CTR_CHECK_ARG(data || size == 0);
    int r = check_name(name);
    if (r < 0)
        return r;
    r = ctr__lifecycle_lock(c);
    if (r < 0)
        return r;
    _cleanup_close_ int dfd = open_dir(c, true);
    if (dfd < 0)
        r = dfd;
    else
        r = ctr__write_file_at(dfd, name, data ? data : "", size, 0600, true);
    if (r < 0 && ctr__err_code() != r)
        ctr__err(r, "cannot write artifact \"%s\": %s", name, strerror(-r));
    ctr__container_unlock(c);
    return r;
}

CTR_EXPORT int ctr_container_artifact_get(ctr_container_t *c, const char *name, void **ret, size_t *ret_size)
{
    CTR_ENTER();
    CTR_CHECK_ARG(c);
    CTR_CHECK_ARG(name);
    CTR_CHECK_ARG(ret);
    int r = check_name(name);
    if (r < 0)
        return r;
    r = ctr__lifecycle_lock(c);
    if (r < 0)
        return r;
    _cleanup_close_ int dfd = open_dir(c, false);
    char *data = NULL;
    size_t size = 0;
    if (dfd < 0) {
        r = dfd;
    } else {
        _cleanup_close_ int fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY);
        r = fd < 0 ? -errno : ctr__read_fd(fd, &data, &size);
    }
    ctr__container_unlock(c);
    if (r == -ENOENT)
        return ctr__err(-ENOENT, CTR_CFMT " has no artifact \"%s\"", CTR_CARG(c), name);
    if (r < 0)
        return ctr__err_keep(r, "cannot read artifact \"%s\": %s", name, strerror(-r));
    *ret = data;
    if (ret_size)
        *ret_size = size;
    return 0;
}

CTR_EXPORT int ctr_container_artifact_remove(ctr_container_t *c, const char *name)
{
    CTR_ENTER();
    CTR_CHECK_ARG(c);
    CTR_CHECK_ARG(name);
    int r = check_name(name);
    if (r < 0)
        return r;
    r = ctr__lifecycle_lock(c);
    if (r < 0)
        return r;
    _cleanup_close_ int dfd = open_dir(c, false);
    if (dfd < 0)
        r = dfd;
    else if (unlinkat(dfd, name, 0) < 0)
        r = -errno;
    else if (fsync(dfd) < 0)
        r = -errno;
    ctr__container_unlock(c);
    if (r == -ENOENT)
        return ctr__err(-ENOENT, CTR_CFMT " has no artifact \"%s\"", CTR_CARG(c), name);
    if (r < 0)
        return ctr__err_keep(r, "cannot remove artifact \"%s\": %s", name, strerror(-r));
    return 0;
}
