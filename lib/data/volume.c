/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A named volume's record, checks, inspect document and filters (see
 * volume.h).  The record is a JSON object:
 *
 *   {"version":1, "name":..., "driver":"local", "labels":{K:V},
 *    "options":{K:V}, "created":NS, "anonymous":BOOL, "needsCopyUp":BOOL}
 *
 * read back as untrusted input: a record that does not parse, or whose
 * name is no volume name, is damage (-EUCLEAN). */
#include "data/volume.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include "base/error.h"
#include "base/filters.h"
#include "base/json-util.h"
#include "base/util.h"
#include "data/config.h"

#define NAME_MAX_LEN 255

int ctr__volume_check_name(const char *name)
{
    if (isempty(name))
        return ctr__err(-EINVAL, "a volume name must not be empty");
    if (strchr(name, '/'))
        return ctr__err(-EINVAL,
                        "invalid volume name \"%.300s\": names must match [a-zA-Z0-9][a-zA-Z0-9_.-]* "
                        "(a volume name is not a path: a bind mount takes a path)",
                        name);
    size_t n = strlen(name);
    static const char first[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    if (n > NAME_MAX_LEN || !strchr(first, name[0]) || strspn(name, "abcdefghijklmnopqrstuvwxyz"
                                                                    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") != n)
        return ctr__err(-EINVAL, "invalid volume name \"%.300s\": names must match [a-zA-Z0-9][a-zA-Z0-9_.-]*%s",
                        name, n > NAME_MAX_LEN ? " and be at most 255 bytes long" : "");
    return 0;
}

static int check_kv_list(const char *what, const char *const *v)
{
    for (; v && *v; v++) {
        const char *eq = strchr(*v, '=');
        if (!eq || eq == *v)
            return ctr__err(-EINVAL, "volume %s \"%.300s\" is not KEY=VALUE", what, *v);
        for (const char *p = *v; *p; p++)
            if ((unsigned char)*p < 0x20 || *p == 0x7f)
                return ctr__err(-EINVAL, "volume %s \"%.300s\" has control characters", what, *v);
    }
    return 0;
}

/* The value of KEY in a KEY=VALUE list, or NULL. */
static const char *kv_get(const char *const *v, const char *key)
{
    size_t n = strlen(key);
    for (; v && *v; v++)
        if (strncmp(*v, key, n) == 0 && (*v)[n] == '=')
            return *v + n + 1;
    return NULL;
}

static int check_option(const char *kv, const char *const *options)
{
    static const char *const known[] = { "type", "o", "uid", "gid", "size", "inodes", "noquota", "copy", "nocopy" };
    size_t klen = strcspn(kv, "=");
    const char *val = kv + klen + 1;
    if (klen == 6 && strncasecmp(kv, "device", 6) == 0) {
        const char *type = kv_get(options, "type");
        struct stat st;
        if (type && strcasecmp(type, "bind") == 0 && stat(val, &st) < 0)
            return ctr__err(-EINVAL, "invalid volume option device for driver 'local': stat %s: %m", val);
        return 0;
    }
    for (size_t i = 0; i < ARRAY_SIZE(known); i++)
        if (strlen(known[i]) == klen && strncasecmp(kv, known[i], klen) == 0)
            return 0;
    return ctr__err(-EINVAL, "invalid mount option %.*s for driver 'local': invalid argument", (int)klen, kv);
}

int ctr__volume_check(const char *driver, const char *const *labels, const char *const *options)
{
    if (!isempty(driver) && !streq(driver, CTR__VOLUME_DRIVER))
        return ctr__err(-EOPNOTSUPP, "volume driver \"%.100s\" is not supported: the only driver is \"local\"", driver);
    int r = check_kv_list("label", labels);
    if (r < 0 || (r = check_kv_list("option", options)) < 0)
        return r;
    for (const char *const *o = options; o && *o; o++) {
        if ((r = check_option(*o, options)) < 0)
            return r;
        for (const char *const *p = options; p < o; p++)
            if (strcspn(*p, "=") == strcspn(*o, "=") && strncmp(*p, *o, strcspn(*o, "=")) == 0)
                return ctr__err(-EINVAL, "volume option %.*s is given twice", (int)strcspn(*o, "="), *o);
    }
    unsigned long flags = 0;
    _cleanup_free_ char *data = NULL;
    struct ctr__volume probe = { .options = (char **)options };
    const char *type = NULL, *device = NULL;
    return ctr__volume_mount_args(&probe, &type, &device, &flags, &data) < 0 ? -EINVAL : 0;
}

int ctr__volume_init(struct ctr__volume *v, const char *name, const char *const *labels,
                     const char *const *options, bool anonymous, int64_t created)
{
    *v = (struct ctr__volume){ .anonymous = anonymous, .created = created, .needs_copy_up = true };
    v->name = strdup(name);
    v->driver = strdup(CTR__VOLUME_DRIVER);
    v->labels = ctr__strv_copy(labels);
    v->options = ctr__strv_copy(options);
    if (!v->name || !v->driver || !v->labels || !v->options) {
        ctr__volume_clear(v);
        return ctr__oom("a volume");
    }
    int r = ctr__labels_normalize(v->labels);
    if (r < 0 || (r = ctr__labels_normalize(v->options)) < 0) {
        ctr__volume_clear(v);
        return r;
    }
    return 0;
}

void ctr__volume_clear(struct ctr__volume *v)
{
    free(v->name);
    free(v->driver);
    ctr__strv_free(v->labels);
    ctr__strv_free(v->options);
    *v = (struct ctr__volume){ 0 };
}

const char *ctr__volume_option(const struct ctr__volume *v, const char *key)
{
    return kv_get((const char *const *)v->options, key);
}

/* ---- mounting the local driver's options ---- */

static const struct {
    const char *name;
    unsigned long set, clear;
} mount_flags[] = {
    { "ro", MS_RDONLY, 0 },          { "rw", 0, MS_RDONLY },
    { "nosuid", MS_NOSUID, 0 },      { "suid", 0, MS_NOSUID },
    { "nodev", MS_NODEV, 0 },        { "dev", 0, MS_NODEV },
    { "noexec", MS_NOEXEC, 0 },      { "exec", 0, MS_NOEXEC },
    { "sync", MS_SYNCHRONOUS, 0 },   { "async", 0, MS_SYNCHRONOUS },
    { "noatime", MS_NOATIME, 0 },    { "atime", 0, MS_NOATIME },
    { "nodiratime", MS_NODIRATIME, 0 }, { "relatime", MS_RELATIME, 0 },
    { "strictatime", MS_STRICTATIME, 0 }, { "bind", MS_BIND, 0 },
    { "rbind", MS_BIND | MS_REC, 0 }, { "defaults", 0, 0 },
};

/* Split o= into flags and the data string for the file system (what podman
 * keeps for itself, timeout= and noquota, left out). */
static int parse_o(const char *o, unsigned long *flags, char **ret_data)
{
    _cleanup_free_ char *copy = strdup(o ? o : "");
    struct ctr__buf data = { 0 };
    if (!copy)
        return ctr__oom("volume options");
    char *save = NULL;
    for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        size_t i = 0;
        while (i < ARRAY_SIZE(mount_flags) && !streq(mount_flags[i].name, t))
            i++;
        if (i < ARRAY_SIZE(mount_flags))
            *flags = (*flags | mount_flags[i].set) & ~mount_flags[i].clear;
        else if (strncmp(t, "timeout=", 8) != 0 && !streq(t, "noquota"))
            ctr__buf_printf(&data, "%s%s", data.len ? "," : "", t);
    }
    return ctr__buf_finish(&data, ret_data);
}

int ctr__volume_mount_args(const struct ctr__volume *v, const char **ret_type, const char **ret_device,
                           unsigned long *ret_flags, char **ret_data)
{
    const char *type = ctr__volume_option(v, "type"), *device = ctr__volume_option(v, "device");
    const char *o = ctr__volume_option(v, "o");
    if (!type && !device && !o)
        return 0;
    unsigned long flags = 0;
    _cleanup_free_ char *data = NULL;
    int r = parse_o(o, &flags, &data);
    if (r < 0)
        return r;
    bool bind = (flags & MS_BIND) || (type && (strcasecmp(type, "bind") == 0));
    if (bind) {
        if (isempty(device))
            return ctr__err(-EINVAL, "a bind volume needs the option device=PATH");
        flags |= MS_BIND;
        type = NULL;
    } else if (isempty(type) || strcasecmp(type, "none") == 0) {
        return ctr__err(-EINVAL, "a volume with the option device= or o= needs type= (tmpfs, or a file system) "
                                 "unless it is a bind mount (o=bind)");
    } else if (isempty(device)) {
        if (strcasecmp(type, "tmpfs") != 0)
            return ctr__err(-EINVAL, "a volume of type %s needs the option device=", type);
        device = "tmpfs";
    }
    *ret_type = type;
    *ret_device = device;
    *ret_flags = flags;
    *ret_data = TAKE_PTR(data);
    return 1;
}

/* ---- JSON ---- */

static int kv_from_object(json_object *o, const char *what, char ***ret)
{
    _cleanup_strv_ char **v = ctr__strv_copy(NULL);
    if (!v)
        return ctr__oom("a volume");
    if (o && !json_object_is_type(o, json_type_object))
        return ctr__err(-EUCLEAN, "volume record: \"%s\" is not an object", what);
    if (o) {
        json_object_object_foreach(o, key, val) {
            if (!json_object_is_type(val, json_type_string))
                return ctr__err(-EUCLEAN, "volume record: \"%s\" has a value that is not a string", what);
            _cleanup_free_ char *kv = ctr__asprintf("%s=%s", key, json_object_get_string(val));
            if (!kv || ctr__strv_push(&v, kv) < 0)
                return ctr__oom("a volume");
        }
    }
    int r = ctr__labels_normalize(v);
    if (r < 0)
        return ctr__err_prefix(-EUCLEAN, "volume record: \"%s\"", what);
    ctr__strv_free(*ret);
    *ret = TAKE_PTR(v);
    return 0;
}

int ctr__volume_to_json(const struct ctr__volume *v, char **ret)
{
    _cleanup_json_ json_object *o = json_object_new_object();
    if (!o)
        return ctr__oom("a volume record");
    json_object *labels = ctr__json_kv_object(v->labels), *options = ctr__json_kv_object(v->options);
    int r = ctr__json_set(o, "labels", labels);
    if (r < 0 || (r = ctr__json_set(o, "options", options)) < 0)
        return r;
    if ((r = ctr__json_add_int(o, "version", CTR__VOLUME_VERSION)) < 0 ||
        (r = ctr__json_add_str(o, "name", v->name)) < 0 || (r = ctr__json_add_str(o, "driver", v->driver)) < 0 ||
        (r = ctr__json_add_int(o, "created", v->created)) < 0 ||
        (r = ctr__json_add_bool(o, "anonymous", v->anonymous)) < 0 ||
        (r = ctr__json_add_bool(o, "needsCopyUp", v->needs_copy_up)) < 0)
        return r;
    return ctr__json_to_string(o, ret);
}

static int from_object(json_object *o, struct ctr__volume *v)
{
    int64_t version = 0;
    int r = ctr__json_get_int(o, "version", &version);
    if (r < 0 || version < 1)
        return ctr__err(-EUCLEAN, "volume record: no version");
    if (version > CTR__VOLUME_VERSION)
        return ctr__err(-EPROTONOSUPPORT, "volume record of version %lld: this libctr reads version %d at most",
                        (long long)version, CTR__VOLUME_VERSION);
    if ((r = ctr__json_get_str(o, "name", &v->name)) < 0 || !v->name ||
        (r = ctr__json_get_str(o, "driver", &v->driver)) < 0 || !v->driver)
        return ctr__err(-EUCLEAN, "volume record: no name or driver");
    if (ctr__volume_check_name(v->name) < 0)
        return ctr__err(-EUCLEAN, "volume record: invalid name \"%.100s\"", v->name);
    if ((r = kv_from_object(json_object_object_get(o, "labels"), "labels", &v->labels)) < 0 ||
        (r = kv_from_object(json_object_object_get(o, "options"), "options", &v->options)) < 0)
        return r;
    if ((r = ctr__json_get_int(o, "created", &v->created)) < 0 ||
        (r = ctr__json_get_bool(o, "anonymous", &v->anonymous)) < 0 ||
        (r = ctr__json_get_bool(o, "needsCopyUp", &v->needs_copy_up)) < 0)
        return ctr__err(-EUCLEAN, "volume record of %s: a field has the wrong type", v->name);
    return 0;
}

int ctr__volume_from_json(const char *json, struct ctr__volume *v)
{
    _cleanup_json_ json_object *o = NULL;
    struct ctr__volume n = { 0 };
    int r = ctr__json_parse(json, "volume record", &o);
    if (r < 0)
        return ctr__err_prefix(-EUCLEAN, "volume record");
    if (!json_object_is_type(o, json_type_object))
        return ctr__err(-EUCLEAN, "volume record: not a JSON object");
    r = from_object(o, &n);
    if (r < 0) {
        ctr__volume_clear(&n);
        return r;
    }
    *v = n;
    return 0;
}

/* ---- inspect ---- */

int ctr__volume_inspect(const struct ctr__volume *v, const char *mountpoint, unsigned int mount_count,
                        json_object **ret)
{
    _cleanup_json_ json_object *o = json_object_new_object();
    if (!o)
        return ctr__oom("a volume's inspect document");
    char created[64];
    ctr__format_time(v->created, created, sizeof created);
    int r;
    if ((r = ctr__json_add_str(o, "Name", v->name)) < 0 || (r = ctr__json_add_str(o, "Driver", v->driver)) < 0 ||
        (r = ctr__json_add_str(o, "Mountpoint", mountpoint)) < 0 ||
        (r = ctr__json_add_str(o, "CreatedAt", created)) < 0 ||
        (r = ctr__json_set(o, "Labels", ctr__json_kv_object(v->labels))) < 0 ||
        (r = ctr__json_add_str(o, "Scope", "local")) < 0 ||
        (r = ctr__json_set(o, "Options", ctr__json_kv_object(v->options))) < 0)
        return r;
    /* Podman leaves out what is false or zero (omitempty). */
    if ((v->anonymous && (r = ctr__json_add_bool(o, "Anonymous", true)) < 0) ||
        (r = ctr__json_add_int(o, "MountCount", mount_count)) < 0 ||
        (v->needs_copy_up && (r = ctr__json_add_bool(o, "NeedsCopyUp", true)) < 0) ||
        (v->needs_copy_up && (r = ctr__json_add_bool(o, "NeedsChown", true)) < 0))
        return r;
    *ret = TAKE_PTR(o);
    return 0;
}

/* ---- filters ---- */

static int filter_check(const char *f, bool prune)
{
    const char *eq = strchr(f, '=');
    size_t k = eq ? (size_t)(eq - f) : strlen(f);
    const char *val = eq ? eq + 1 : "";
    static const char *const list_keys[] = { "name", "driver", "scope", "label", "opt", "dangling", "until" };
    static const char *const prune_keys[] = { "label", "until" };
    const char *const *keys = prune ? prune_keys : list_keys;
    size_t n = prune ? ARRAY_SIZE(prune_keys) : ARRAY_SIZE(list_keys), i = 0;
    while (i < n && !(strlen(keys[i]) == k && strncmp(keys[i], f, k) == 0))
        i++;
    if (!eq || i == n)
        return ctr__err(-EINVAL, "\"%.*s\" is an invalid volume filter", (int)k, f);
    int64_t ns;
    if (k == 5 && strncmp(f, "until", 5) == 0)
        return ctr__filter_until_ns(val, &ns);
    if (k == 8 && strncmp(f, "dangling", 8) == 0 && !streq(val, "true") && !streq(val, "1") &&
        !streq(val, "false") && !streq(val, "0"))
        return ctr__err(-EINVAL, "\"%.100s\" is not a valid value for the \"dangling\" filter - must be true or false",
                        val);
    if (k == 4 && strncmp(f, "name", 4) == 0)
        return ctr__filter_regex_check("name", val);
    return 0;
}

int ctr__volume_filters_check(const char *const *filters, bool prune)
{
    for (; filters && *filters; filters++) {
        int r = filter_check(*filters, prune);
        if (r < 0)
            return r;
    }
    return 0;
}

static bool filter_match(const struct ctr__volume *v, const char *f, bool dangling)
{
    const char *val = strchr(f, '=') + 1;
    int64_t ns = 0;
    if (strncmp(f, "name=", 5) == 0)
        return ctr__filter_regex_match(val, v->name);
    if (strncmp(f, "driver=", 7) == 0)
        return streq(val, v->driver);
    if (strncmp(f, "scope=", 6) == 0)
        return streq(val, "local");
    if (strncmp(f, "label=", 6) == 0)
        return ctr__filter_kv_match((const char *const *)v->labels, val);
    if (strncmp(f, "opt=", 4) == 0)
        return ctr__filter_kv_match((const char *const *)v->options, val);
    if (strncmp(f, "dangling=", 9) == 0)
        return dangling == (streq(val, "true") || streq(val, "1"));
    if (strncmp(f, "until=", 6) == 0)
        return ctr__filter_until_ns(val, &ns) == 0 && v->created < ns;
    return false;
}

bool ctr__volume_filters_match(const struct ctr__volume *v, const char *const *filters, bool dangling)
{
    for (; filters && *filters; filters++)
        if (!filter_match(v, *filters, dangling))
            return false;
    return true;
}
