/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libFuzzer target: podman's auth.json (registry/auth-file.c), anyone's
 * file.  The input is written to a file in a private temporary directory,
 * looked up for a few repositories, then edited (set and remove), which
 * reads it again: accepted input gives credentials or -ENOENT, refused
 * input -EINVAL, and an edit of an accepted file reads back. */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/error.h"
#include "registry/auth-file.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char dir[64], file[96];

static void cleanup(void)
{
    unlink(file);
    rmdir(dir);
}

static int write_input(const uint8_t *data, size_t size)
{
    if (!dir[0]) {
        snprintf(dir, sizeof dir, "/tmp/fuzz-auth-file-XXXXXX");
        if (!mkdtemp(dir))
            abort();
        snprintf(file, sizeof file, "%s/auth.json", dir);
        atexit(cleanup);
    }
    int fd = open(file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0)
        abort();
    bool ok = write(fd, data, size) == (ssize_t)size;
    close(fd);
    return ok ? 0 : -1;
}

static int lookup(const char *repository)
{
    char *user = NULL, *password = NULL;
    int r = ctr__auth_file_get(file, repository, &user, &password);
    if (r == 0 && (!user || !password))
        abort();
    if (r < 0 && r != -ENOENT && r != -EINVAL && r != -ENOMEM)
        abort();
    free(user);
    free(password);
    return r;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (write_input(data, size) < 0)
        return 0;
    int r = lookup("quay.io/ns/repo");
    (void)lookup("docker.io/library/busybox");
    (void)lookup("127.0.0.1:5000/a/b/c");
    int s = ctr__auth_file_set(file, "quay.io/ns", "u", "p:w");
    if (r != -EINVAL && s == 0) {
        char *user = NULL, *password = NULL;
        if (ctr__auth_file_get(file, "quay.io/ns/x", &user, &password) != 0 || strcmp(user, "u") != 0 ||
            strcmp(password, "p:w") != 0)
            abort();
        free(user);
        free(password);
        if (ctr__auth_file_remove(file, "quay.io/ns") != 0)
            abort();
    }
    (void)ctr__auth_file_remove(file, NULL);
    unlink(file);
    ctr__err_clear();
    return 0;
}
