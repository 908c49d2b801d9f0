/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Layout: LAYOUT (version), c.ID (config NUL state), n.NAME (the ID).  Every
 * file is written to a temporary name, fsynced, then linked or renamed into
 * place and the directory fsynced. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backend-dir.h"

#define LAYOUT 1

struct db {
    int dfd;
};

static int write_tmp(int dfd, const void *a, size_t alen, const void *b, size_t blen, char *tmp, size_t tmpsize)
{
    static unsigned counter;
    snprintf(tmp, tmpsize, "tmp.%d.%u", (int)getpid(), __atomic_add_fetch(&counter, 1, __ATOMIC_RELAXED));
    int fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0)
        return -errno;
    int r = 0;
    if (write(fd, a, alen) != (ssize_t)alen || (b && write(fd, b, blen) != (ssize_t)blen) || fsync(fd) < 0)
        r = errno ? -errno : -EIO;
    close(fd);
    if (r < 0)
        unlinkat(dfd, tmp, 0);
    return r;
}

static int read_at(int dfd, const char *name, char **ret, size_t *ret_len)
{
    int fd = openat(dfd, name, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -errno;
    struct stat st;
    if (fstat(fd, &st) < 0) {
        close(fd);
        return -errno;
    }
    char *buf = malloc((size_t)st.st_size + 1);
    ssize_t n = buf ? read(fd, buf, (size_t)st.st_size) : -1;
    close(fd);
    if (n != st.st_size) {
        free(buf);
        return -EIO;
    }
    buf[n] = '\0';
    *ret = buf;
    if (ret_len)
        *ret_len = (size_t)n;
    return 0;
}

static int db_open(void **ret, const char *dir, void *userdata)
{
    struct db *db = calloc(1, sizeof *db);
    if (!db)
        return -ENOMEM;
    db->dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (db->dfd < 0) {
        free(db);
        return -errno;
    }
    char *v = NULL;
    if (read_at(db->dfd, "LAYOUT", &v, NULL) == 0) {
        int layout = atoi(v);
        free(v);
        if (layout > LAYOUT) {
            close(db->dfd);
            free(db);
            return ctr_state_backend_error(-EPROTONOSUPPORT, "testdir layout %d is newer than %d", layout, LAYOUT);
        }
    } else {
        char tmp[64];
        int r = write_tmp(db->dfd, "1", 1, NULL, 0, tmp, sizeof tmp);
        if (r == 0 && renameat(db->dfd, tmp, db->dfd, "LAYOUT") < 0)
            r = -errno;
        if (r < 0) {
            close(db->dfd);
            free(db);
            return r;
        }
    }
    *ret = db;
    return 0;
}

static void db_close(void *p)
{
    struct db *db = p;
    close(db->dfd);
    free(db);
}

static int db_add(void *p, const char *id, const char *name, const char *config, const char *state)
{
    struct db *db = p;
    char cname[80], nname[300], tmp[64];
    snprintf(cname, sizeof cname, "c.%s", id);
    snprintf(nname, sizeof nname, "n.%s", name);
    if (faccessat(db->dfd, cname, F_OK, 0) == 0)
        return ctr_state_backend_error(-EEXIST, "ID %s exists", id);
    int r = write_tmp(db->dfd, id, strlen(id), NULL, 0, tmp, sizeof tmp);
    if (r < 0)
        return r;
    r = linkat(db->dfd, tmp, db->dfd, nname, 0) < 0 ? -errno : 0;
    unlinkat(db->dfd, tmp, 0);
    if (r < 0)
        return r == -EEXIST ? ctr_state_backend_error(-EEXIST, "name %s is taken", name) : r;
    r = write_tmp(db->dfd, config, strlen(config) + 1, state, strlen(state), tmp, sizeof tmp);
    if (r == 0) {
        r = linkat(db->dfd, tmp, db->dfd, cname, 0) < 0 ? -errno : 0;
        unlinkat(db->dfd, tmp, 0);
    }
    if (r < 0) {
        unlinkat(db->dfd, nname, 0);
        return r;
    }
    return fsync(db->dfd) < 0 ? -errno : 0;
}

static int db_remove(void *p, const char *id, const char *name)
{
    struct db *db = p;
    char cname[80], nname[300];
    snprintf(cname, sizeof cname, "c.%s", id);
    snprintf(nname, sizeof nname, "n.%s", name);
    if (unlinkat(db->dfd, cname, 0) < 0)
        return -errno;
    unlinkat(db->dfd, nname, 0);
    return fsync(db->dfd) < 0 ? -errno : 0;
}

static int db_get(void *p, const char *id, char **ret_config, char **ret_state)
{
    struct db *db = p;
    char cname[80];
    snprintf(cname, sizeof cname, "c.%s", id);
    char *buf = NULL;
    size_t len = 0;
    int r = read_at(db->dfd, cname, &buf, &len);
    if (r < 0)
        return r;
    size_t clen = strlen(buf);
    if (clen == len) {
        free(buf);
        return ctr_state_backend_error(-EIO, "%s is damaged", cname);
    }
    if (ret_config && !(*ret_config = strdup(buf)))
        r = -ENOMEM;
    if (r == 0 && ret_state && !(*ret_state = strdup(buf + clen + 1)))
        r = -ENOMEM;
    free(buf);
    return r;
}

static int db_save_state(void *p, const char *id, const char *state)
{
    struct db *db = p;
    char *config = NULL, cname[80], tmp[64];
    int r = db_get(p, id, &config, NULL);
    if (r < 0)
        return r;
    snprintf(cname, sizeof cname, "c.%s", id);
    r = write_tmp(db->dfd, config, strlen(config) + 1, state, strlen(state), tmp, sizeof tmp);
    free(config);
    if (r == 0 && renameat(db->dfd, tmp, db->dfd, cname) < 0)
        r = -errno;
    if (r == 0 && fsync(db->dfd) < 0)
        r = -errno;
    return r;
}

static int db_lookup_name(void *p, const char *name, char **ret_id)
{
    struct db *db = p;
    char nname[300], cname[80];
    snprintf(nname, sizeof nname, "n.%s", name);
    char *id = NULL;
    int r = read_at(db->dfd, nname, &id, NULL);
    if (r < 0)
        return r;
    snprintf(cname, sizeof cname, "c.%s", id);
    if (faccessat(db->dfd, cname, F_OK, 0) < 0) {
        free(id);
        return -ENOENT;
    }
    *ret_id = id;
    return 0;
}

static int db_iterate(void *p, unsigned int flags, ctr_state_iter_fn fn, void *userdata)
{
    struct db *db = p;
    int fd = dup(db->dfd);
    if (fd < 0)
        return -errno;
    DIR *d = fdopendir(fd);
    if (!d) {
        close(fd);
        return -errno;
    }
    rewinddir(d);
    int r = 0;
    struct dirent *de;
    while (r == 0 && (de = readdir(d))) {
        if (strncmp(de->d_name, "c.", 2) != 0)
            continue;
        const char *id = de->d_name + 2;
        char *config = NULL, *state = NULL;
        if (flags & (CTR_STATE_ITER_CONFIG | CTR_STATE_ITER_STATE)) {
            int k = db_get(p, id, &config, &state);
            if (k == -ENOENT)
                continue;
            if (k < 0) {
                r = k;
                break;
            }
        }
        r = fn(id, (flags & CTR_STATE_ITER_CONFIG) ? config : NULL, (flags & CTR_STATE_ITER_STATE) ? state : NULL,
               userdata);
        free(config);
        free(state);
    }
    closedir(d);
    return r;
}

static const ctr_state_backend_t backend = {
    .version = CTR_STATE_BACKEND_VERSION,
    .name = "testdir",
    .open = db_open,
    .close = db_close,
    .add = db_add,
    .remove = db_remove,
    .save_state = db_save_state,
    .get = db_get,
    .lookup_name = db_lookup_name,
    .iterate = db_iterate,
};

const ctr_state_backend_t *test_backend_dir(void)
{
    return &backend;
}

struct test_saves test_saves;

static int logged_save_flags(void *db, const char *id, const char *state, unsigned int flags)
{
    if (test_saves.n < TEST_SAVES_MAX) {
        const char *p = strstr(state, "\"state\":\"");
        int len = p ? (int)strcspn(p + 9, "\"") : 0;
        snprintf(test_saves.state[test_saves.n], sizeof test_saves.state[0], "%.*s", len, p ? p + 9 : "");
        test_saves.flags[test_saves.n++] = flags;
    }
    return backend.save_state(db, id, state);
}

static int logged_create(ctr_state_backend_t *b, void *userdata)
{
    (void)userdata;
    *b = backend; /* libctr restores the name */
    b->save_state_flags = logged_save_flags;
    return 0;
}

int test_backend_logged_register(void)
{
    ctr_state_backend_factory_t f = CTR_STATE_BACKEND_FACTORY_INIT;
    f.name = "logged";
    f.create = logged_create;
    return ctr_state_backend_factory_register(&f);
}
