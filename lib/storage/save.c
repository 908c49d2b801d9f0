/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Save: an image back to an OCI layout (directory or archive) or a docker
 * archive.  Stored blobs are copied as they are; when a layer was rebuilt
 * (taken from podman's store) its config is rewritten with the rebuilt
 * layers' diff IDs so the output is consistent. */
#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <sys/stat.h>

#include "base/error.h"
#include "base/json-util.h"
#include "storage/gather.h"
#include "storage/image.h"
#include "storage/store.h"

#define MT_MANIFEST "application/vnd.oci.image.manifest.v1+json"
#define MT_INDEX "application/vnd.oci.image.index.v1+json"
#define REF_NAME "org.opencontainers.image.ref.name"

static bool compressed(const char *mt)
{
    return mt && (strstr(mt, "gzip") || strstr(mt, "zstd"));
}

static int copy_range(int in, off_t off, uint64_t size, int out, struct ctr__progress *prog)
{
    char *buf = malloc(1 << 20);
    if (!buf)
        return ctr__oom("a copy buffer");
    int r = 0;
    while (size > 0 && r == 0) {
        ssize_t n = pread(in, buf, size < (1 << 20) ? (size_t)size : (1 << 20), off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            r = n < 0 ? -errno : -EIO;
            break;
        }
        if ((r = ctr__write_all(out, buf, (size_t)n)) == 0)
            r = ctr__progress_add(prog, (uint64_t)n);
        off += n;
        size -= (uint64_t)n;
    }
    free(buf);
    return r;
}

/* ---- OCI layout directory ---- */

static const char oci_layout[] = "{\"imageLayoutVersion\":\"1.0.0\"}";

/* The index descriptor of the saved manifest, with the tag as its ref name
 * when there is one; NULL on ENOMEM. */
static json_object *manifest_descriptor(const struct ctr__gathered *si, const char *tag)
{
    json_object *d = json_object_new_object();
    if (!d)
        return NULL;
    char digest[80];
    snprintf(digest, sizeof digest, "sha256:%s", si->manifest_hex);
    json_object_object_add(d, "mediaType", json_object_new_string(MT_MANIFEST));
    json_object_object_add(d, "digest", json_object_new_string(digest));
    json_object_object_add(d, "size", json_object_new_int64((int64_t)si->manifest_size));
    if (tag) {
        json_object *ann = json_object_new_object();
        json_object_object_add(ann, REF_NAME, json_object_new_string(tag));
        json_object_object_add(d, "annotations", ann);
    }
    return d;
}

static int write_blob_file(int dir_fd, const char *hex, const void *data, size_t size)
{
    char path[128];
    snprintf(path, sizeof path, "blobs/sha256/%s", hex);
    if (faccessat(dir_fd, path, F_OK, AT_SYMLINK_NOFOLLOW) == 0)
        return 0;
    return ctr__write_file_at(dir_fd, path, data, size, 0644, false);
}

/* Create the layout directory with blobs/sha256 and oci-layout in it; *ret_fd is the directory. */
static int layout_open(const char *dir, int *ret_fd)
{
    int r = ctr__mkdir_p(dir, 0755);
    if (r < 0)
        return ctr__err(r, "cannot create %s: %s", dir, strerror(-r));
    _cleanup_close_ int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0)
        return ctr__err(-errno, "%s: %m", dir);
    if ((mkdirat(dfd, "blobs", 0755) < 0 && errno != EEXIST) || (mkdirat(dfd, "blobs/sha256", 0755) < 0 && errno != EEXIST))
        return ctr__err(-errno, "%s/blobs: %m", dir);
    if ((r = ctr__write_file_at(dfd, "oci-layout", oci_layout, strlen(oci_layout), 0644, false)) < 0)
        return ctr__err(r, "%s/oci-layout: %s", dir, strerror(-r));
    *ret_fd = TAKE_FD(dfd);
    return 0;
}

/* Copy a layer's blob into the layout through a temporary name, unless the
 * layout has it already (then it only counts as done). */
static int layout_add_layer(struct ctr__store *s, int dfd, const char *dir, const struct ctr__gather_layer *l,
                            struct ctr__progress *prog)
{
    char path[128];
    snprintf(path, sizeof path, "blobs/sha256/%s", l->blob);
    if (faccessat(dfd, path, F_OK, AT_SYMLINK_NOFOLLOW) == 0)
        return ctr__progress_add(prog, (uint64_t)l->size);
    struct ctr__src src;
    int r = ctr__store_blob_open(s, l->blob, &src);
    if (r < 0)
        return r;
    _cleanup_close_ int in = src.fd;
    char tmp[160];
    snprintf(tmp, sizeof tmp, "blobs/sha256/.tmp-%s", l->blob);
    _cleanup_close_ int out = openat(dfd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (out < 0)
        return ctr__err(-errno, "%s/%s: %m", dir, tmp);
    r = copy_range(in, 0, src.size, out, prog);
    ctr__closep(&in);
    ctr__closep(&out);
    if (r == 0 && renameat(dfd, tmp, dfd, path) < 0)
        r = -errno;
    if (r < 0) {
        unlinkat(dfd, tmp, 0);
        return ctr__err_keep(r, "cannot write %s/%s: %s", dir, path, strerror(-r));
    }
    return 0;
}

/* The layout's index.json, or a new, empty index when it has none (or one
 * that cannot be read as an index); *ret_manifests is its "manifests"
 * array, lent from *ret. */
static int index_load(int dfd, json_object **ret, json_object **ret_manifests)
{
    _cleanup_free_ char *text = NULL;
    _cleanup_json_ json_object *idx = NULL;
    if (ctr__read_file_at(dfd, "index.json", &text, NULL) == 0 && ctr__json_parse(text, "index.json", &idx) < 0) {
        ctr__err_clear();
        idx = NULL;
    }
    json_object *manifests = NULL;
    if (!idx || !json_object_is_type(idx, json_type_object) || !json_object_object_get_ex(idx, "manifests", &manifests) ||
        !json_object_is_type(manifests, json_type_array)) {
        ctr__json_putp(&idx);
        if (!(idx = json_object_new_object()) || !(manifests = json_object_new_array()))
            return ctr__oom("index.json");
        json_object_object_add(idx, "schemaVersion", json_object_new_int(2));
        json_object_object_add(idx, "manifests", manifests);
    }
    *ret = TAKE_PTR(idx);
    *ret_manifests = manifests;
    return 0;
}

/* index.json: keep other entries, replace the one with the same tag. */
static int layout_write_index(int dfd, const char *dir, const struct ctr__gathered *si, const char *tag)
{
    _cleanup_json_ json_object *idx = NULL;
    json_object *manifests = NULL;
    int r = index_load(dfd, &idx, &manifests);
    if (r < 0)
        return r;
    json_object_object_add(idx, "mediaType", json_object_new_string(MT_INDEX));
    _cleanup_json_ json_object *keep = json_object_new_array();
    if (!keep)
        return ctr__oom("index.json");
    for (size_t i = 0; i < json_object_array_length(manifests); i++) {
        json_object *d = json_object_array_get_idx(manifests, i), *ann, *name;
        bool same = false;
        if (tag && json_object_object_get_ex(d, "annotations", &ann) && json_object_object_get_ex(ann, REF_NAME, &name))
            same = streq(json_object_get_string(name), tag);
        if (!same)
            json_object_array_add(keep, json_object_get(d));
    }
    json_object_array_add(keep, manifest_descriptor(si, tag));
    json_object_object_add(idx, "manifests", json_object_get(keep));
    _cleanup_free_ char *out = NULL;
    if ((r = ctr__json_to_string(idx, &out)) < 0)
        return r;
    if ((r = ctr__write_file_at(dfd, "index.json", out, strlen(out), 0644, false)) < 0)
        return ctr__err(r, "%s/index.json: %s", dir, strerror(-r));
    return 0;
}

static int save_oci_dir(struct ctr__store *s, struct ctr__gathered *si, const char *dir, const char *tag,
                        struct ctr__progress *prog)
{
    _cleanup_close_ int dfd = -1;
    int r = layout_open(dir, &dfd);
    if (r < 0)
        return r;
    for (size_t i = 0; i < si->n; i++)
        if ((r = layout_add_layer(s, dfd, dir, &si->layers[i], prog)) < 0)
            return r;
    if ((r = write_blob_file(dfd, si->config_hex, si->config, si->config_size)) < 0 ||
        (r = write_blob_file(dfd, si->manifest_hex, si->manifest, si->manifest_size)) < 0)
        return ctr__err(r, "cannot write blobs in %s: %s", dir, strerror(-r));
    return layout_write_index(dfd, dir, si, tag);
}

/* ---- archives ---- */

struct awriter {
    struct archive *a;
    int fd;
    struct ctr__progress *prog;
};

static int add_entry(struct awriter *w, const char *name, mode_t type, uint64_t size)
{
    struct archive_entry *e = archive_entry_new();
    if (!e)
        return ctr__oom("a tar entry");
    archive_entry_set_pathname(e, name);
    archive_entry_set_filetype(e, type);
    archive_entry_set_perm(e, type == AE_IFDIR ? 0755 : 0644);
    archive_entry_set_size(e, (la_int64_t)size);
    archive_entry_set_mtime(e, 0, 0);
    int r = archive_write_header(w->a, e) < ARCHIVE_WARN ? ctr__err(-EIO, "archive: %s", archive_error_string(w->a)) : 0;
    archive_entry_free(e);
    return r;
}

static int add_data(struct awriter *w, const char *name, const void *data, size_t size)
{
    int r = add_entry(w, name, AE_IFREG, size);
    if (r == 0 && size && archive_write_data(w->a, data, size) < 0)
        r = ctr__err(-EIO, "archive: %s", archive_error_string(w->a));
    return r;
}

static int add_file(struct awriter *w, const char *name, int fd, off_t off, uint64_t size)
{
    int r = add_entry(w, name, AE_IFREG, size);
    if (r < 0)
        return r;
    _cleanup_free_ char *buf = malloc(1 << 20);
    if (!buf)
        return ctr__oom("a copy buffer");
    while (size > 0) {
        ssize_t n = pread(fd, buf, size < (1 << 20) ? (size_t)size : (1 << 20), off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return ctr__err(n < 0 ? -errno : -EIO, "archive member %s: %s", name,
                            n < 0 ? strerror(errno) : "the file is shorter than its size");
        if (archive_write_data(w->a, buf, (size_t)n) < 0)
            return ctr__err(-EIO, "archive: %s", archive_error_string(w->a));
        if ((r = ctr__progress_add(w->prog, (uint64_t)n)) < 0)
            return r;
        off += n;
        size -= (uint64_t)n;
    }
    return 0;
}

/* A stored blob as the archive member name. */
static int add_blob(struct ctr__store *s, struct awriter *w, const char *name, const char *hex)
{
    struct ctr__src src;
    int r = ctr__store_blob_open(s, hex, &src);
    if (r < 0)
        return r;
    r = add_file(w, name, src.fd, 0, src.size);
    close(src.fd);
    return r;
}

static int save_oci_archive(struct ctr__store *s, struct awriter *w, struct ctr__gathered *si, const char *tag)
{
    char name[128];
    _cleanup_json_ json_object *idx = json_object_new_object();
    json_object *arr = json_object_new_array(), *d = manifest_descriptor(si, tag);
    if (!idx || !arr || !d) {
        json_object_put(arr);
        json_object_put(d);
        return ctr__oom("index.json");
    }
    json_object_object_add(idx, "schemaVersion", json_object_new_int(2));
    json_object_object_add(idx, "mediaType", json_object_new_string(MT_INDEX));
    json_object_array_add(arr, d);
    json_object_object_add(idx, "manifests", arr);
    _cleanup_free_ char *index = NULL;
    int r = ctr__json_to_string(idx, &index);
    if (r < 0)
        return r;
    if ((r = add_data(w, "oci-layout", oci_layout, strlen(oci_layout))) < 0 ||
        (r = add_data(w, "index.json", index, strlen(index))) < 0 || (r = add_entry(w, "blobs", AE_IFDIR, 0)) < 0 ||
        (r = add_entry(w, "blobs/sha256", AE_IFDIR, 0)) < 0)
        return r;
    snprintf(name, sizeof name, "blobs/sha256/%s", si->config_hex);
    if ((r = add_data(w, name, si->config, si->config_size)) < 0)
        return r;
    snprintf(name, sizeof name, "blobs/sha256/%s", si->manifest_hex);
    if ((r = add_data(w, name, si->manifest, si->manifest_size)) < 0)
        return r;
    for (size_t i = 0; i < si->n; i++) {
        bool dup = false;
        for (size_t k = 0; k < i && !dup; k++)
            dup = streq(si->layers[k].blob, si->layers[i].blob);
        if (dup)
            continue;
        snprintf(name, sizeof name, "blobs/sha256/%s", si->layers[i].blob);
        if ((r = add_blob(s, w, name, si->layers[i].blob)) < 0)
            return r;
    }
    return 0;
}

/* docker-archive's manifest.json: one entry naming the config (cname), the
 * tags (name_arg, or the image's names but those by digest) and the layers. */
static int docker_manifest(const struct ctr__gathered *si, const char *cname, const char *name_arg, char **ret)
{
    _cleanup_json_ json_object *arr = json_object_new_array();
    json_object *e = json_object_new_object(), *tags = json_object_new_array(), *layers = json_object_new_array();
    if (!arr || !e || !tags || !layers) {
        json_object_put(e);
        json_object_put(tags);
        json_object_put(layers);
        return ctr__oom("manifest.json");
    }
    json_object_array_add(arr, e);
    json_object_object_add(e, "Config", json_object_new_string(cname));
    if (name_arg) {
        json_object_array_add(tags, json_object_new_string(name_arg));
    } else {
        for (char **n = si->names; *n; n++)
            if (!strchr(*n, '@'))
                json_object_array_add(tags, json_object_new_string(*n));
    }
    json_object_object_add(e, "RepoTags", tags);
    for (size_t i = 0; i < si->n; i++) {
        char lname[80];
        snprintf(lname, sizeof lname, "%s.tar", si->layers[i].diff_id);
        json_object_array_add(layers, json_object_new_string(lname));
    }
    json_object_object_add(e, "Layers", layers);
    return ctr__json_to_string(arr, ret);
}

/* A layer as DIFF_ID.tar.  docker-archive layers are plain tars: a
 * compressed blob is decompressed first, into the stage (*st, made when
 * first needed), as the size goes in the header. */
static int add_docker_layer(struct ctr__store *s, struct awriter *w, struct ctr__stage **st, const struct ctr__gather_layer *l)
{
    char lname[80];
    snprintf(lname, sizeof lname, "%s.tar", l->diff_id);
    if (!compressed(l->media_type))
        return add_blob(s, w, lname, l->blob);
    int r;
    if (!*st && (r = ctr__stage_new(s, st)) < 0)
        return r;
    _cleanup_free_ char *path = ctr__store_blob_path(s, l->blob);
    if (!path)
        return ctr__oom("blob path");
    _cleanup_close_ int fd = -1;
    if ((r = ctr__archive_open_plain(path, *st, NULL, &fd)) < 0)
        return r;
    struct stat sb;
    if (fstat(fd, &sb) < 0)
        return -errno;
    return add_file(w, lname, fd, 0, (uint64_t)sb.st_size);
}

static int save_docker_archive(struct ctr__store *s, struct awriter *w, struct ctr__gathered *si, const char *name_arg)
{
    _cleanup_(ctr__stage_freep) struct ctr__stage *st = NULL;
    char cname[80];
    snprintf(cname, sizeof cname, "%s.json", si->config_hex);
    _cleanup_free_ char *manifest = NULL;
    int r = docker_manifest(si, cname, name_arg, &manifest);
    if (r < 0 || (r = add_data(w, cname, si->config, si->config_size)) < 0)
        return r;
    for (size_t i = 0; i < si->n; i++) {
        bool dup = false;
        for (size_t k = 0; k < i && !dup; k++)
            dup = streq(si->layers[k].diff_id, si->layers[i].diff_id);
        if (!dup && (r = add_docker_layer(s, w, &st, &si->layers[i])) < 0)
            return r;
    }
    return add_data(w, "manifest.json", manifest, strlen(manifest));
}

static la_ssize_t awrite_cb(struct archive *a, void *userdata, const void *buf, size_t n)
{
    struct awriter *w = userdata;
    int r = ctr__write_all(w->fd, buf, n);
    if (r < 0) {
        archive_set_error(a, -r, "write: %s", strerror(-r));
        return -1;
    }
    return (la_ssize_t)n;
}

/* The archive on w: opened, the image written, closed (which flushes). */
static int write_archive(struct awriter *w, struct ctr__store *s, struct ctr__gathered *si, const char *tag, bool docker)
{
    archive_write_set_format_pax_restricted(w->a);
    archive_write_set_bytes_in_last_block(w->a, 1);
    if (archive_write_open(w->a, w, NULL, awrite_cb, NULL) != ARCHIVE_OK)
        return ctr__err(-EIO, "archive: %s", archive_error_string(w->a));
    int r = docker ? save_docker_archive(s, w, si, tag) : save_oci_archive(s, w, si, tag);
    if (archive_write_close(w->a) != ARCHIVE_OK && r == 0)
        return ctr__err(-EIO, "archive: %s", archive_error_string(w->a));
    return r;
}

static void unlink_path(void *path)
{
    unlink(path);
}

/* The archive written to a temporary file beside path, then renamed. */
static int save_archive(struct ctr__store *s, struct ctr__gathered *si, const char *path, const char *tag, bool docker,
                        struct ctr__progress *prog)
{
    _cleanup_free_ char *tmp = ctr__asprintf("%s.tmp-XXXXXX", path);
    if (!tmp)
        return ctr__oom("a path");
    _cleanup_close_ int fd = mkostemp(tmp, O_CLOEXEC);
    if (fd < 0)
        return ctr__err(-errno, "cannot create %s: %m", tmp);
    _cleanup_undo_ struct ctr__undo undo = CTR_UNDO(unlink_path, tmp);
    fchmod(fd, 0644);
    struct awriter w = { .a = archive_write_new(), .fd = fd, .prog = prog };
    if (!w.a)
        return ctr__oom("a tar writer");
    int r = write_archive(&w, s, si, tag, docker);
    archive_write_free(w.a);
    if (r < 0)
        return r;
    if (fsync(fd) < 0)
        return ctr__err(-errno, "cannot sync %s: %m", tmp);
    if (rename(tmp, path) < 0)
        return ctr__err(-errno, "cannot write %s: %m", path);
    ctr__undo_disarm(&undo);
    return 0;
}

int ctr__image_save(const struct ctr__settings *set, const char *id, const char *reference,
                    const ctr_save_options_t *o)
{
    enum { OCI_DIR, OCI_ARCHIVE, DOCKER } kind;
    const char *rest;
    if (strncmp(reference, "oci:", 4) == 0)
        kind = OCI_DIR, rest = reference + 4;
    else if (strncmp(reference, "oci-archive:", 12) == 0)
        kind = OCI_ARCHIVE, rest = reference + 12;
    else if (strncmp(reference, "docker-archive:", 15) == 0)
        kind = DOCKER, rest = reference + 15;
    else
        return ctr__err(-EINVAL, "cannot save to \"%s\": use oci:DIR[:TAG], oci-archive:FILE[:TAG] or "
                                 "docker-archive:FILE[:NAME]", reference);
    /* docker-archive:FILE[:NAME] (the name may have '/'); oci*:PATH[:TAG] (a tag never has). */
    const char *slash = kind == DOCKER ? NULL : strrchr(rest, '/');
    const char *colon = strchr(slash ? slash : rest, ':');
    _cleanup_free_ char *path = colon ? strndup(rest, (size_t)(colon - rest)) : strdup(rest);
    const char *tag = colon ? colon + 1 : NULL;
    if (!path)
        return ctr__oom("reference");
    if (!*path || (tag && !*tag))
        return ctr__err(-EINVAL, "invalid reference \"%s\"", reference);
    _cleanup_free_ char *docker_name = NULL;
    if (kind == DOCKER && (tag || o->name)) {
        int r = ctr__image_name_normalize(tag ? tag : o->name, &docker_name);
        if (r < 0)
            return r;
    }
    _cleanup_(ctr__store_closep) struct ctr__store *s = NULL;
    int r = ctr__store_open(set, &s);
    if (r < 0)
        return r;
    _cleanup_(ctr__gathered_clear) struct ctr__gathered si = { 0 };
    if ((r = ctr__image_gather(s, id, &si)) < 0)
        return r;
    struct ctr__progress prog = { .fn = o->progress, .userdata = o->progress_userdata, .cancel = o->cancel };
    for (size_t i = 0; i < si.n; i++)
        prog.total += (uint64_t)si.layers[i].size;
    if (kind == OCI_DIR)
        return save_oci_dir(s, &si, path, tag, &prog);
    return save_archive(s, &si, path, kind == DOCKER ? docker_name : tag, kind == DOCKER, &prog);
}
