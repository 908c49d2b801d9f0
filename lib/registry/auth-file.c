/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* podman's credentials file, auth.json, read and written as podman 4.3
 * (containers/image) does:
 *
 *     {
 *         "auths": {
 *             "quay.io": { "auth": "dXNlcjpwYXNz" },
 *             "quay.io/team/app": { "auth": "..." },
 *             "https://index.docker.io/v1/": { "auth": "..." }
 *         },
 *         "credHelpers": { ... }
 *     }
 *
 * "auth" is base64("USER:PASSWORD") (standard alphabet, padded); podman
 * trims NUL bytes around the password.  A lookup tries the keys from the
 * most specific: the repository "HOST/A/B", then "HOST/A", then "HOST";
 * then, for the entries older tools wrote, every key turned into a host
 * ("http[s]://" and any path after it dropped, "docker.io" and
 * "registry-1.docker.io" read as "index.docker.io") compared with the
 * host.  The first key that matches decides: an entry without "auth" (a
 * credential helper's marker, or an "identitytoken" only: OAuth refresh
 * tokens are not used here) means no credentials, -ENOENT, as podman
 * treats it.
 *
 * Writes read the file, change "auths" and write it back whole with the
 * other entries and unknown top-level members kept: a temporary file
 * beside it, 0600, fsync, rename (base/util.h), under an flock(2) of the
 * directory (made 0700 if missing) so that two logins at once lose
 * neither entry.  The file is untrusted input (fuzzed): every entry must
 * have the types podman's decoder wants, else -EINVAL naming the file. */
#include "registry/auth-file.h"

#include <ctype.h>
#include <fcntl.h>
#include <limits.h>
#include <sys/file.h>
#include <sys/stat.h>

#include <openssl/evp.h>

#include "base/error.h"
#include "base/json-util.h"
#include "base/util.h"

char *ctr__auth_file_path(const char *given)
{
    if (!isempty(given))
        return strdup(given);
    const char *e = getenv("REGISTRY_AUTH_FILE");
    if (!isempty(e))
        return strdup(e);
    e = getenv("XDG_RUNTIME_DIR");
    if (!isempty(e))
        return ctr__asprintf("%s/containers/auth.json", e);
    return ctr__asprintf("/run/containers/%u/auth.json", (unsigned)getuid());
}

/* Base64, standard alphabet with padding (Go's base64.StdEncoding, which
 * also skips CR and LF), by libcrypto's EVP_EncodeBlock()/EVP_DecodeBlock()
 * (which know nothing of padding: it is checked and taken off here). */
static char *b64_encode(const unsigned char *in, size_t n)
{
    if (n > INT_MAX / 2)
        return NULL;
    unsigned char *out = malloc((n + 2) / 3 * 4 + 1);
    if (out)
        EVP_EncodeBlock(out, in, (int)n);
    return (char *)out;
}

/* Decode @in into *ret (NUL-terminated, *ret_size bytes without it).
 * -EINVAL for anything but complete quads, padded at the end only;
 * -ENOMEM. */
static int b64_decode(const char *in, unsigned char **ret, size_t *ret_size)
{
    size_t len = strlen(in), m = 0, pad = 0;
    if (len > INT_MAX / 2)
        return -EINVAL;
    _cleanup_free_ unsigned char *s = malloc(len + 1);
    _cleanup_free_ unsigned char *out = malloc(len / 4 * 3 + 1);
    if (!s || !out)
        return -ENOMEM;
    for (size_t i = 0; i < len; i++)
        if (in[i] != '\r' && in[i] != '\n')
            s[m++] = (unsigned char)in[i];
    while (pad < 2 && pad < m && s[m - 1 - pad] == '=')
        pad++;
    if (m % 4 != 0 || memchr(s, '=', m - pad))
        return -EINVAL;
    for (size_t i = 0; i < m - pad; i++) /* EVP_DecodeBlock() skips blanks */
        if (!(isalnum(s[i]) || s[i] == '+' || s[i] == '/'))
            return -EINVAL;
    for (size_t i = m - pad; i < m; i++)
        s[i] = 'A';
    int n = m ? EVP_DecodeBlock(out, s, (int)m) : 0;
    if (n < 0 || (size_t)n < pad)
        return -EINVAL;
    n -= (int)pad;
    out[n] = '\0';
    *ret = TAKE_PTR(out);
    *ret_size = (size_t)n;
    return 0;
}

/* A member that must be an object or null (null: absent). */
static int check_object_member(const char *path, json_object *o, const char *key, const char *what)
{
    json_object *v;
    if (!json_object_object_get_ex(o, key, &v) || !v || json_object_is_type(v, json_type_object))
        return 0;
    return ctr__err(-EINVAL, "auth file %s: %s is not an object", path, what);
}

static int check_string_member(const char *path, json_object *o, const char *key, const char *entry)
{
    json_object *v;
    if (!json_object_object_get_ex(o, key, &v) || !v || json_object_is_type(v, json_type_string))
        return 0;
    return ctr__err(-EINVAL, "auth file %s: \"%s\" of the entry \"%s\" is not a string", path, key, entry);
}

/* The types podman's decoder requires, everywhere in the file. */
static int check_doc(const char *path, json_object *doc)
{
    int r;
    if (!json_object_is_type(doc, json_type_object))
        return ctr__err(-EINVAL, "auth file %s: not a JSON object", path);
    if ((r = check_object_member(path, doc, "auths", "\"auths\"")) < 0 ||
        (r = check_object_member(path, doc, "credHelpers", "\"credHelpers\"")) < 0)
        return r;
    json_object *auths = json_object_object_get(doc, "auths");
    if (!auths)
        return 0;
    json_object_object_foreach(auths, key, entry)
    {
        if (!entry)
            continue;
        if (!json_object_is_type(entry, json_type_object))
            return ctr__err(-EINVAL, "auth file %s: the entry \"%s\" is not an object", path, key);
        if ((r = check_string_member(path, entry, "auth", key)) < 0 ||
            (r = check_string_member(path, entry, "identitytoken", key)) < 0)
            return r;
    }
    return 0;
}

/* The file's document, checked; -ENOENT (no message) when there is no file. */
static int read_doc(const char *path, json_object **ret)
{
    _cleanup_free_ char *text = NULL;
    size_t size = 0;
    int r = ctr__read_file_at(AT_FDCWD, path, &text, &size);
    if (r == -ENOENT)
        return -ENOENT;
    if (r < 0)
        return ctr__err(r, "auth file %s: %s", path, strerror(-r));
    if (memchr(text, '\0', size))
        return ctr__err(-EINVAL, "auth file %s: malformed JSON: a NUL byte", path);
    if (text[strspn(text, " \t\r\n")] == '\0') { /* an empty file: no entries */
        json_object *o = json_object_new_object();
        if (!o)
            return ctr__oom("an auth file");
        *ret = o;
        return 0;
    }
    _cleanup_free_ char *what = ctr__asprintf("auth file %s", path);
    if (!what)
        return ctr__oom("an auth file");
    _cleanup_json_ json_object *doc = NULL;
    if ((r = ctr__json_parse(text, what, &doc)) < 0 || (r = check_doc(path, doc)) < 0)
        return r;
    *ret = TAKE_PTR(doc);
    return 0;
}

/* podman's normalizeRegistry(): the names of Docker Hub as one. */
static const char *normalize_registry(const char *host)
{
    if (streq(host, "docker.io") || streq(host, "registry-1.docker.io"))
        return "index.docker.io";
    return host;
}

/* podman's normalizeAuthFileKey(): a key of an older tool as a host name;
 * into @buf (NULL when it does not fit). */
static const char *normalize_key(const char *key, char *buf, size_t size)
{
    const char *s = key;
    if (strncmp(s, "http://", 7) == 0)
        s += 7;
    else if (strncmp(s, "https://", 8) == 0)
        s += 8;
    size_t n = s != key ? strcspn(s, "/") : strlen(s);
    if (n >= size)
        return NULL;
    memcpy(buf, s, n);
    buf[n] = '\0';
    return normalize_registry(buf);
}

/* USER and PASSWORD of an entry. */
static int decode_entry(const char *path, const char *key, json_object *entry, char **ret_user, char **ret_password)
{
    const char *auth = entry ? ctr__json_str(entry, "auth") : NULL;
    if (isempty(auth))
        return ctr__err(-ENOENT, "auth file %s: the entry \"%s\" has no user and password", path, key);
    _cleanup_free_ unsigned char *raw = NULL;
    size_t size = 0;
    int r = b64_decode(auth, &raw, &size);
    if (r == -ENOMEM)
        return ctr__oom("credentials");
    if (r < 0)
        return ctr__err(-EINVAL, "auth file %s: \"auth\" of the entry \"%s\" is not valid base64", path, key);
    char *colon = memchr(raw, ':', size);
    if (!colon)
        return ctr__err(-EINVAL, "auth file %s: \"auth\" of the entry \"%s\" is not USER:PASSWORD", path, key);
    char *pw = colon + 1, *end = (char *)raw + size;
    while (pw < end && *pw == '\0')
        pw++;
    while (end > pw && end[-1] == '\0')
        end--;
    *colon = '\0';
    *end = '\0';
    if (strlen((char *)raw) != (size_t)(colon - (char *)raw) || strlen(pw) != (size_t)(end - pw))
        return ctr__err(-EINVAL, "auth file %s: the credentials of the entry \"%s\" have a NUL byte", path, key);
    _cleanup_free_ char *user = strdup((char *)raw), *password = strdup(pw);
    explicit_bzero(raw, size);
    if (!user || !password)
        return ctr__oom("credentials");
    *ret_user = TAKE_PTR(user);
    *ret_password = TAKE_PTR(password);
    return 0;
}

/* The key that decides for @repository: the repository and its parents,
 * then any key naming its host in an older form.  NULL when none. */
static const char *find_key(json_object *auths, const char *repository)
{
    char cand[PATH_MAX];
    if (snprintf(cand, sizeof cand, "%s", repository) >= (int)sizeof cand)
        return NULL;
    for (;;) {
        json_object_object_foreach(auths, key, entry)
        {
            (void)entry;
            if (streq(key, cand))
                return key;
        }
        char *slash = strrchr(cand, '/');
        if (!slash)
            break;
        *slash = '\0';
    }
    const char *host = normalize_registry(cand);
    json_object_object_foreach(auths, key, entry)
    {
        (void)entry;
        char buf[PATH_MAX];
        const char *k = normalize_key(key, buf, sizeof buf);
        if (k && streq(k, host))
            return key;
    }
    return NULL;
}

int ctr__auth_file_get(const char *path, const char *repository, char **ret_user, char **ret_password)
{
    if (isempty(path) || isempty(repository))
        return ctr__err(-EINVAL, "auth file: no file or repository given");
    _cleanup_json_ json_object *doc = NULL;
    int r = read_doc(path, &doc);
    if (r == -ENOENT)
        return ctr__err(-ENOENT, "no credentials for %s: no auth file %s", repository, path);
    if (r < 0)
        return r;
    json_object *auths = json_object_object_get(doc, "auths");
    const char *key = auths ? find_key(auths, repository) : NULL;
    if (!key)
        return ctr__err(-ENOENT, "no credentials for %s in %s", repository, path);
    return decode_entry(path, key, json_object_object_get(auths, key), ret_user, ret_password);
}

/* A key as given to set or remove: no scheme, no blank or control
 * character, trailing slashes dropped (podman login quay.io/). */
static int clean_key(const char *key, char **ret)
{
    if (isempty(key))
        return ctr__err(-EINVAL, "auth file: empty registry key");
    if (strstr(key, "://"))
        return ctr__err(-EINVAL, "auth file: the key \"%s\" has a scheme: give HOST[:PORT][/PATH]", key);
    for (const unsigned char *p = (const unsigned char *)key; *p; p++)
        if (*p <= ' ' || *p == 0x7f)
            return ctr__err(-EINVAL, "auth file: the key \"%s\" has a blank or control character", key);
    char *k = strdup(key);
    if (!k)
        return ctr__oom("a registry key");
    size_t n = strlen(k);
    while (n > 1 && k[n - 1] == '/')
        k[--n] = '\0';
    if (streq(k, "/")) {
        free(k);
        return ctr__err(-EINVAL, "auth file: the key \"%s\" names no registry", key);
    }
    *ret = k;
    return 0;
}

/* An edit of "auths" (made if missing): 1 when it changed something, 0
 * when not (nothing is written), or an error. */
typedef int (*edit_fn)(const char *path, json_object *auths, void *userdata);

static int write_doc(const char *path, json_object *doc)
{
    const char *text = json_object_to_json_string_ext(
        doc, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_PRETTY_TAB | JSON_C_TO_STRING_NOSLASHESCAPE);
    if (!text)
        return ctr__oom("an auth file");
    int r = ctr__write_file_at(AT_FDCWD, path, text, strlen(text), 0600, true);
    if (r < 0)
        return ctr__err(r, "auth file %s: cannot write it: %s", path, strerror(-r));
    return 0;
}

/* Lock the file's directory (made 0700 when @create), read, edit, write. */
static int edit_file(const char *path, bool create, edit_fn fn, void *userdata)
{
    char dir[PATH_MAX];
    const char *slash = strrchr(path, '/');
    if (snprintf(dir, sizeof dir, "%.*s", slash ? (int)(slash - path) : 1, slash ? path : ".") >= (int)sizeof dir)
        return ctr__err(-ENAMETOOLONG, "auth file %s: path too long", path);
    if (!*dir)
        strcpy(dir, "/");
    int r;
    if (create && (r = ctr__mkdir_p(dir, 0700)) < 0)
        return ctr__err(r, "auth file %s: cannot make its directory: %s", path, strerror(-r));
    _cleanup_close_ int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0 && errno == ENOENT && !create)
        return fn(path, NULL, userdata);
    if (dfd < 0)
        return ctr__err(-errno, "auth file %s: cannot open its directory: %m", path);
    if (flock(dfd, LOCK_EX) < 0)
        return ctr__err(-errno, "auth file %s: cannot lock its directory: %m", path);
    _cleanup_json_ json_object *doc = NULL;
    r = read_doc(path, &doc);
    if (r == -ENOENT && !create)
        return fn(path, NULL, userdata);
    if (r == -ENOENT && !(doc = json_object_new_object()))
        return ctr__oom("an auth file");
    if (r < 0 && r != -ENOENT)
        return r;
    json_object *auths = json_object_object_get(doc, "auths");
    if (!auths) {
        if ((r = ctr__json_set(doc, "auths", json_object_new_object())) < 0)
            return r;
        auths = json_object_object_get(doc, "auths");
    }
    if ((r = fn(path, auths, userdata)) <= 0)
        return r;
    return write_doc(path, doc);
}

struct set_args {
    const char *key, *user, *password;
};

static int set_entry(const char *path, json_object *auths, void *userdata)
{
    (void)path;
    const struct set_args *a = userdata;
    _cleanup_free_ char *plain = ctr__asprintf("%s:%s", a->user, a->password);
    if (!plain)
        return ctr__oom("credentials");
    _cleanup_free_ char *enc = b64_encode((const unsigned char *)plain, strlen(plain));
    explicit_bzero(plain, strlen(plain));
    if (!enc)
        return ctr__oom("credentials");
    json_object *entry = json_object_new_object();
    int r = ctr__json_set(entry, "auth", json_object_new_string(enc));
    explicit_bzero(enc, strlen(enc));
    if (r < 0 || (r = ctr__json_set(auths, a->key, entry)) < 0) {
        json_object_put(entry);
        return r;
    }
    return 1;
}

int ctr__auth_file_set(const char *path, const char *key, const char *user, const char *password)
{
    if (isempty(path))
        return ctr__err(-EINVAL, "auth file: no file given");
    if (isempty(user) || strchr(user, ':'))
        return ctr__err(-EINVAL, "auth file %s: the user name must be non-empty, without ':'", path);
    if (!password)
        return ctr__err(-EINVAL, "auth file %s: no password given", path);
    _cleanup_free_ char *k = NULL;
    int r = clean_key(key, &k);
    if (r < 0)
        return r;
    struct set_args a = { k, user, password };
    return edit_file(path, true, set_entry, &a);
}

/* Remove @key, and for a host key the entries of that host in an older
 * form ("https://HOST/v1/"), so that a lookup finds nothing after it.
 * NULL: every entry. */
static int remove_entries(const char *path, json_object *auths, void *userdata)
{
    const char *key = userdata;
    size_t n = auths ? (size_t)json_object_object_length(auths) : 0;
    if (!key)
        for (; auths && json_object_object_length(auths) > 0;) {
            struct lh_entry *e = json_object_get_object(auths)->head;
            json_object_object_del(auths, (const char *)lh_entry_k(e));
        }
    else if (auths) {
        char host[PATH_MAX];
        bool is_host = !strchr(key, '/');
        snprintf(host, sizeof host, "%s", normalize_registry(key));
        json_object_object_del(auths, key);
        for (bool again = is_host; again;) {
            again = false;
            json_object_object_foreach(auths, k, entry)
            {
                (void)entry;
                char buf[PATH_MAX];
                const char *nk = normalize_key(k, buf, sizeof buf);
                if (nk && streq(nk, host)) {
                    json_object_object_del(auths, k);
                    again = true;
                    break;
                }
            }
        }
    }
    if (key && (size_t)(auths ? json_object_object_length(auths) : 0) == n)
        return ctr__err(-ENOENT, "not logged into %s (auth file %s)", key, path);
    return n > 0;
}

int ctr__auth_file_remove(const char *path, const char *key)
{
    if (isempty(path))
        return ctr__err(-EINVAL, "auth file: no file given");
    _cleanup_free_ char *k = NULL;
    int r;
    if (key && (r = clean_key(key, &k)) < 0)
        return r;
    r = edit_file(path, false, remove_entries, k);
    return r < 0 ? r : 0;
}
