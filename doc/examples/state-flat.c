/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* "flat": a small state backend written against the plug-in API
 * (include/libctr/sys/ctr-state.h), the one doc/guide.md walks through.
 * `meson test --suite doc` runs libctr's state backend conformance suite on
 * it (doc/examples/state-flat-test.c).
 *
 * Layout, in the directory libctr gives open(): c.ID holds a container's
 * config, a NUL byte and its state; n.NAME holds the ID of the container of
 * that name; LAYOUT holds the layout version.  A container exists when its
 * c.ID exists, so add() writes n.NAME first and c.ID last, and remove()
 * unlinks c.ID first: a crash in between leaves a name that names nothing,
 * which counts as free.  Every file is written whole to a temporary name,
 * fsynced, renamed into place, and the directory fsynced. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libctr/sys/ctr-state.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define FLAT_LAYOUT 1

const ctr_state_backend_t *flat_backend(void);

struct flat {
    int dfd; /* the directory */
};

/* Replace FILE with the bytes a[alen] b[blen], atomically and durably. */
static int put(int dfd, const char *file, const char *a, size_t alen, const char *b, size_t blen)
{
    static unsigned n;
    char tmp[64];
    snprintf(tmp, sizeof tmp, ".tmp.%d.%u", (int)getpid(), __atomic_add_fetch(&n, 1, __ATOMIC_RELAXED));
    int fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0)
        return -errno;
    int r = write(fd, a, alen) == (ssize_t)alen && write(fd, b, blen) == (ssize_t)blen && fsync(fd) == 0 ? 0 : -EIO;
    close(fd);
    if (r == 0 && renameat(dfd, tmp, dfd, file) < 0)
        r = -errno;
    if (r < 0)
        unlinkat(dfd, tmp, 0);
    return r < 0 ? r : fsync(dfd) < 0 ? -errno : 0;
}

/* Read FILE whole into a malloc'ed, NUL-terminated buffer. */
static int slurp(int dfd, const char *file, char **ret, size_t *ret_len)
{
    int fd = openat(dfd, file, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -errno;
    struct stat st;
    char *buf = fstat(fd, &st) == 0 ? malloc((size_t)st.st_size + 1) : NULL;
    ssize_t len = buf ? read(fd, buf, (size_t)st.st_size) : -1;
    close(fd);
    if (len != st.st_size) {
        free(buf);
        return -EIO;
    }
    buf[len] = '\0';
    *ret = buf;
    if (ret_len)
        *ret_len = (size_t)len;
    return 0;
}

static int flat_open(void **ret_db, const char *dir, void *userdata)
{
    struct flat *db = malloc(sizeof *db);
    if (!db)
        return -ENOMEM;
    db->dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    char *layout = NULL;
    int r = db->dfd < 0 ? -errno : slurp(db->dfd, "LAYOUT", &layout, NULL);
    if (r == -ENOENT)
        r = put(db->dfd, "LAYOUT", "1", 1, "", 0); /* a new database, in layout 1 */
    else if (r == 0 && atoi(layout) > FLAT_LAYOUT)
        r = ctr_state_backend_error(-EPROTONOSUPPORT, "%s: layout %s is newer than %d", dir, layout, FLAT_LAYOUT);
    free(layout);
    if (r < 0) {
        if (db->dfd >= 0)
            close(db->dfd);
        free(db);
        return r;
    }
    *ret_db = db;
    return 0;
}

static void flat_close(void *p)
{
    struct flat *db = p;
    close(db->dfd);
    free(db);
}

static int flat_get(void *p, const char *id, char **ret_config, char **ret_state)
{
    struct flat *db = p;
    char file[80], *buf = NULL, *config = NULL, *state = NULL;
    size_t len;
    snprintf(file, sizeof file, "c.%s", id);
    int r = slurp(db->dfd, file, &buf, &len);
    if (r < 0)
        return r;
    if (strlen(buf) == len)
        r = ctr_state_backend_error(-EIO, "%s is damaged", file);
    else if ((ret_config && !(config = strdup(buf))) || (ret_state && !(state = strdup(buf + strlen(buf) + 1))))
        r = -ENOMEM;
    free(buf);
    if (r < 0) {
        free(config);
        free(state);
        return r;
    }
    if (ret_config)
        *ret_config = config;
    if (ret_state)
        *ret_state = state;
    return 0;
}

static int flat_lookup_name(void *p, const char *name, char **ret_id)
{
    struct flat *db = p;
    char file[300], *id = NULL;
    snprintf(file, sizeof file, "n.%s", name);
    int r = slurp(db->dfd, file, &id, NULL);
    if (r == 0 && (r = flat_get(p, id, NULL, NULL)) == 0) /* a name left by a crashed add() is free */
        *ret_id = id;
    else
        free(id);
    return r;
}

static int flat_add(void *p, const char *id, const char *name, const char *config, const char *state)
{
    struct flat *db = p;
    char file[80], *other = NULL;
    if (flat_get(p, id, NULL, NULL) == 0 || flat_lookup_name(p, name, &other) == 0) {
        free(other);
        return ctr_state_backend_error(-EEXIST, "the ID or the name %s is taken", name);
    }
    snprintf(file, sizeof file, "n.%s", name);
    int r = put(db->dfd, file, id, strlen(id), "", 0);
    snprintf(file, sizeof file, "c.%s", id);
    return r < 0 ? r : put(db->dfd, file, config, strlen(config) + 1, state, strlen(state));
}

static int flat_remove(void *p, const char *id, const char *name)
{
    struct flat *db = p;
    char file[300];
    snprintf(file, sizeof file, "c.%s", id);
    if (unlinkat(db->dfd, file, 0) < 0)
        return -errno;
    char *owner = NULL;
    snprintf(file, sizeof file, "n.%s", name);
    if (slurp(db->dfd, file, &owner, NULL) == 0 && strcmp(owner, id) == 0)
        unlinkat(db->dfd, file, 0); /* only this container's name */
    free(owner);
    return fsync(db->dfd) < 0 ? -errno : 0;
}

static int flat_save_state(void *p, const char *id, const char *state)
{
    struct flat *db = p;
    char file[80], *config = NULL;
    int r = flat_get(p, id, &config, NULL);
    snprintf(file, sizeof file, "c.%s", id);
    if (r == 0)
        r = put(db->dfd, file, config, strlen(config) + 1, state, strlen(state));
    free(config);
    return r;
}

static int flat_iterate(void *p, unsigned int flags, ctr_state_iter_fn fn, void *userdata)
{
    struct flat *db = p;
    int fd = openat(db->dfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return -errno;
    DIR *d = fdopendir(fd);
    if (!d) {
        close(fd);
        return -ENOMEM;
    }
    int r = 0;
    for (struct dirent *de; r == 0 && (de = readdir(d));) {
        char *config = NULL, *state = NULL;
        if (strncmp(de->d_name, "c.", 2) != 0)
            continue;
        r = flat_get(p, de->d_name + 2, flags & CTR_STATE_ITER_CONFIG ? &config : NULL,
                     flags & CTR_STATE_ITER_STATE ? &state : NULL);
        if (r == 0)
            r = fn(de->d_name + 2, config, state, userdata);
        else if (r == -ENOENT) /* removed meanwhile */
            r = 0;
        free(config);
        free(state);
    }
    closedir(d);
    return r;
}

static const ctr_state_backend_t flat = {
    .version = CTR_STATE_BACKEND_VERSION,
    .name = "flat",
    .open = flat_open,
    .close = flat_close,
    .add = flat_add,
    .remove = flat_remove,
    .save_state = flat_save_state,
    .get = flat_get,
    .lookup_name = flat_lookup_name,
    .iterate = flat_iterate,
};

const ctr_state_backend_t *flat_backend(void)
{
    return &flat;
}
