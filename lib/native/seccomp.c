/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * linux.seccomp compiled with libseccomp into classic BPF, the program kept
 * in a cache file named by the policy's hash, and loaded with seccomp(2).
 *
 * The semantics are runc's: the native architecture is always in the
 * filter beside the listed ones; a system call name this libseccomp does
 * not know is skipped; a rule whose action is the default action is
 * skipped; an errno action with no errnoRet returns EPERM; arguments that
 * name the same index twice are separate rules (any of them matches),
 * otherwise one rule holds every condition.
 *
 * A cache file is "CTRBPF1 " and the 64 hex digits of its key, then the
 * instructions (struct sock_filter, 8 bytes each).  The key hashes the
 * policy's JSON text, the native architecture and libseccomp's version, so
 * another libseccomp compiles the policy again.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "base/error.h"
#include "base/json-util.h"
#include "ctr-config.h"
#include "native/seccomp.h"

#if HAVE_SECCOMP
#include <seccomp.h>
#endif

#define CACHE_MAGIC "CTRBPF1 "
#define CACHE_MAGIC_LEN 8
#define CACHE_HEADER (CACHE_MAGIC_LEN + 64)
#define MAX_ARGS 6

struct ctr__native_seccomp {
    unsigned int flags; /* SECCOMP_FILTER_FLAG_* for seccomp(2) */
    bool cached;
    unsigned short len;
    struct sock_filter insns[];
};

bool ctr__native_seccomp_cached(const struct ctr__native_seccomp *f)
{
    return f && f->cached;
}

void ctr__native_seccomp_free(struct ctr__native_seccomp *f)
{
    free(f);
}

int ctr__native_seccomp_load(const struct ctr__native_seccomp *f)
{
    struct sock_fprog prog = {.len = f->len, .filter = (struct sock_filter *)f->insns};

    if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, f->flags, &prog) == 0)
        return 0;
    if (errno != ENOSYS || f->flags != 0)
        return -errno;
    if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0) < 0)
        return -errno;
    return 0;
}

/* ---- the spec's flags (read on every prepare: they are not in the BPF) ---- */

static const struct {
    const char *name;
    unsigned int flag;
} filter_flags[] = {
    {"SECCOMP_FILTER_FLAG_TSYNC", SECCOMP_FILTER_FLAG_TSYNC},
    {"SECCOMP_FILTER_FLAG_LOG", SECCOMP_FILTER_FLAG_LOG},
    {"SECCOMP_FILTER_FLAG_SPEC_ALLOW", SECCOMP_FILTER_FLAG_SPEC_ALLOW},
};

static int parse_flags(json_object *seccomp, unsigned int *ret)
{
    json_object *flags = NULL;

    *ret = 0;
    if (!json_object_object_get_ex(seccomp, "flags", &flags) || !flags)
        return 0;
    if (!json_object_is_type(flags, json_type_array))
        return ctr__err(-EINVAL, "seccomp: flags is not an array");
    for (size_t i = 0; i < json_object_array_length(flags); i++) {
        const char *name = json_object_get_string(json_object_array_get_idx(flags, i));
        size_t k = 0;
        while (k < sizeof filter_flags / sizeof *filter_flags && strcmp(filter_flags[k].name, name ? name : ""))
            k++;
        if (k == sizeof filter_flags / sizeof *filter_flags)
            return ctr__err(-EINVAL, "seccomp: unknown flag %s", name ? name : "(null)");
        *ret |= filter_flags[k].flag;
    }
    return 0;
}

/* ---- the cache ---- */

static int policy_key(json_object *seccomp, char hex[65])
{
    const char *text = json_object_to_json_string_ext(seccomp, JSON_C_TO_STRING_PLAIN);
    char prefix[128];
    unsigned char md[32];
    unsigned int md_len = 0;
    int n = 0;

    if (!text)
        return ctr__oom("seccomp policy text");
#if HAVE_SECCOMP
    const struct scmp_version *v = seccomp_version();
    n = snprintf(prefix, sizeof prefix, "ctr-native-seccomp 1\n%u.%u.%u\n%u\n", v->major, v->minor, v->micro,
                 seccomp_arch_native());
#else
    n = snprintf(prefix, sizeof prefix, "ctr-native-seccomp 1\n");
#endif
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    bool ok = ctx && EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) && EVP_DigestUpdate(ctx, prefix, (size_t)n) &&
              EVP_DigestUpdate(ctx, text, strlen(text)) && EVP_DigestFinal_ex(ctx, md, &md_len);
    EVP_MD_CTX_free(ctx);
    if (!ok || md_len != sizeof md)
        return ctr__err(-EIO, "seccomp: hashing the policy failed");
    for (size_t i = 0; i < sizeof md; i++)
        snprintf(hex + 2 * i, 3, "%02x", md[i]);
    return 0;
}

static struct ctr__native_seccomp *filter_new(const void *insns, size_t n)
{
    struct ctr__native_seccomp *f = malloc(sizeof *f + n * sizeof(struct sock_filter));

    if (!f)
        return NULL;
    *f = (struct ctr__native_seccomp){.len = (unsigned short)n};
    memcpy(f->insns, insns, n * sizeof(struct sock_filter));
    return f;
}

/* A valid cache entry for @key as a filter, or NULL (missing or damaged:
 * compile again). */
static struct ctr__native_seccomp *cache_read(const char *dir, const char *key)
{
    char path[4096];
    _cleanup_free_ char *data = NULL;
    size_t size = 0;

    if ((size_t)snprintf(path, sizeof path, "%s/%s.bpf", dir, key) >= sizeof path)
        return NULL;
    _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0 || ctr__read_fd(fd, &data, &size) < 0)
        return NULL;
    if (size <= CACHE_HEADER || (size - CACHE_HEADER) % sizeof(struct sock_filter) ||
        (size - CACHE_HEADER) / sizeof(struct sock_filter) > BPF_MAXINSNS)
        return NULL;
    if (memcmp(data, CACHE_MAGIC, CACHE_MAGIC_LEN) || memcmp(data + CACHE_MAGIC_LEN, key, 64))
        return NULL;
    struct ctr__native_seccomp *f =
        filter_new(data + CACHE_HEADER, (size - CACHE_HEADER) / sizeof(struct sock_filter));
    if (f)
        f->cached = true;
    return f;
}

/* Best effort: a cache that cannot be written only costs a compilation. */
static void cache_write(const char *dir, const char *key, const struct ctr__native_seccomp *f)
{
    size_t size = CACHE_HEADER + f->len * sizeof(struct sock_filter);
    _cleanup_free_ char *data = malloc(size);
    char path[4096];

    if (!data || (size_t)snprintf(path, sizeof path, "%s/%s.bpf", dir, key) >= sizeof path)
        return;
    if (ctr__mkdir_p(dir, 0700) < 0)
        return;
    memcpy(data, CACHE_MAGIC, CACHE_MAGIC_LEN);
    memcpy(data + CACHE_MAGIC_LEN, key, 64);
    memcpy(data + CACHE_HEADER, f->insns, f->len * sizeof(struct sock_filter));
    (void)ctr__write_file_at(AT_FDCWD, path, data, size, 0600, false);
}

#if HAVE_SECCOMP

/* ---- compilation ---- */

static int parse_action(const char *name, json_object *errno_ret, uint32_t *ret)
{
    int64_t err = EPERM;

    if (!name)
        return ctr__err(-EINVAL, "seccomp: an action is missing");
    if (errno_ret) {
        err = json_object_get_int64(errno_ret);
        if (!json_object_is_type(errno_ret, json_type_int) || err < 0 || err > 0xffff)
            return ctr__err(-EINVAL, "seccomp: errnoRet %s is not an errno", json_object_get_string(errno_ret));
    }
    if (!strcmp(name, "SCMP_ACT_KILL") || !strcmp(name, "SCMP_ACT_KILL_THREAD"))
        *ret = SCMP_ACT_KILL_THREAD;
    else if (!strcmp(name, "SCMP_ACT_KILL_PROCESS"))
        *ret = SCMP_ACT_KILL_PROCESS;
    else if (!strcmp(name, "SCMP_ACT_TRAP"))
        *ret = SCMP_ACT_TRAP;
    else if (!strcmp(name, "SCMP_ACT_ERRNO"))
        *ret = SCMP_ACT_ERRNO((uint16_t)err);
    else if (!strcmp(name, "SCMP_ACT_TRACE"))
        *ret = SCMP_ACT_TRACE((uint16_t)err);
    else if (!strcmp(name, "SCMP_ACT_ALLOW"))
        *ret = SCMP_ACT_ALLOW;
    else if (!strcmp(name, "SCMP_ACT_LOG"))
        *ret = SCMP_ACT_LOG;
    else if (!strcmp(name, "SCMP_ACT_NOTIFY"))
        return ctr__err(-EOPNOTSUPP, "seccomp: SCMP_ACT_NOTIFY is not supported by the native runtime");
    else
        return ctr__err(-EINVAL, "seccomp: unknown action %s", name);
    return 0;
}

static int add_arches(scmp_filter_ctx ctx, json_object *arches)
{
    if (!arches)
        return 0;
    if (!json_object_is_type(arches, json_type_array))
        return ctr__err(-EINVAL, "seccomp: architectures is not an array");
    for (size_t i = 0; i < json_object_array_length(arches); i++) {
        const char *name = json_object_get_string(json_object_array_get_idx(arches, i));
        char lower[32];
        size_t k = 0;

        if (!name || strncmp(name, "SCMP_ARCH_", 10) || strlen(name + 10) >= sizeof lower)
            return ctr__err(-EINVAL, "seccomp: unknown architecture %s", name ? name : "(null)");
        for (; name[10 + k]; k++)
            lower[k] = (char)(name[10 + k] >= 'A' && name[10 + k] <= 'Z' ? name[10 + k] + 32 : name[10 + k]);
        lower[k] = '\0';
        uint32_t arch = seccomp_arch_resolve_name(lower);
        if (!arch)
            return ctr__err(-EINVAL, "seccomp: unknown architecture %s", name);
        int r = seccomp_arch_add(ctx, arch);
        if (r < 0 && r != -EEXIST)
            return ctr__err(-EIO, "seccomp: adding architecture %s: %s", name, strerror(-r));
    }
    return 0;
}

static const struct {
    const char *name;
    enum scmp_compare op;
} compare_ops[] = {
    {"SCMP_CMP_NE", SCMP_CMP_NE}, {"SCMP_CMP_LT", SCMP_CMP_LT}, {"SCMP_CMP_LE", SCMP_CMP_LE},
    {"SCMP_CMP_EQ", SCMP_CMP_EQ}, {"SCMP_CMP_GE", SCMP_CMP_GE}, {"SCMP_CMP_GT", SCMP_CMP_GT},
    {"SCMP_CMP_MASKED_EQ", SCMP_CMP_MASKED_EQ},
};

static int parse_arg(json_object *arg, struct scmp_arg_cmp *ret)
{
    json_object *index = NULL, *value = NULL, *two = NULL;
    const char *op = ctr__json_str(arg, "op");
    size_t k = 0;

    if (!json_object_object_get_ex(arg, "index", &index) || !json_object_is_type(index, json_type_int) ||
        json_object_get_int64(index) < 0 || json_object_get_int64(index) >= MAX_ARGS)
        return ctr__err(-EINVAL, "seccomp: an argument's index is missing or not 0 to 5");
    while (k < sizeof compare_ops / sizeof *compare_ops && strcmp(compare_ops[k].name, op ? op : ""))
        k++;
    if (k == sizeof compare_ops / sizeof *compare_ops)
        return ctr__err(-EINVAL, "seccomp: unknown argument comparison %s", op ? op : "(none)");
    json_object_object_get_ex(arg, "value", &value);
    json_object_object_get_ex(arg, "valueTwo", &two);
    if ((value && !json_object_is_type(value, json_type_int)) || (two && !json_object_is_type(two, json_type_int)))
        return ctr__err(-EINVAL, "seccomp: an argument's value is not an integer");
    *ret = (struct scmp_arg_cmp){
        .arg = (unsigned int)json_object_get_int64(index),
        .op = compare_ops[k].op,
        .datum_a = value ? json_object_get_uint64(value) : 0,
        .datum_b = two ? json_object_get_uint64(two) : 0,
    };
    return 0;
}

/* The conditions of a rule; *ret_split when two name the same index. */
static int parse_args(json_object *args, struct scmp_arg_cmp *cmp, unsigned int *ret_n, bool *ret_split)
{
    unsigned int seen = 0;

    *ret_n = 0;
    *ret_split = false;
    if (!args)
        return 0;
    if (!json_object_is_type(args, json_type_array) || json_object_array_length(args) > MAX_ARGS * 4)
        return ctr__err(-EINVAL, "seccomp: args is not an array of at most %d conditions", MAX_ARGS * 4);
    for (size_t i = 0; i < json_object_array_length(args); i++) {
        int r = parse_arg(json_object_array_get_idx(args, i), &cmp[i]);
        if (r < 0)
            return r;
        if (seen & (1u << cmp[i].arg))
            *ret_split = true;
        seen |= 1u << cmp[i].arg;
    }
    *ret_n = (unsigned int)json_object_array_length(args);
    return 0;
}

static int add_rule(scmp_filter_ctx ctx, uint32_t action, const char *name, const struct scmp_arg_cmp *cmp,
                    unsigned int n, bool split)
{
    int nr = seccomp_syscall_resolve_name(name);
    int r = 0;

    if (nr == __NR_SCMP_ERROR)
        return 0; /* unknown to this libseccomp: skipped, as runc does */
    if (!split)
        r = seccomp_rule_add_array(ctx, action, nr, n, cmp);
    for (unsigned int i = 0; split && i < n && r == 0; i++)
        r = seccomp_rule_add_array(ctx, action, nr, 1, &cmp[i]);
    if (r < 0)
        return ctr__err(-EINVAL, "seccomp: adding the rule for %s: %s", name, strerror(-r));
    return 0;
}

static int add_syscall(scmp_filter_ctx ctx, uint32_t default_action, json_object *entry)
{
    json_object *names = NULL, *errno_ret = NULL, *args = NULL;
    struct scmp_arg_cmp cmp[MAX_ARGS * 4];
    unsigned int n = 0;
    uint32_t action = 0;
    bool split = false;

    json_object_object_get_ex(entry, "errnoRet", &errno_ret);
    json_object_object_get_ex(entry, "args", &args);
    int r = parse_action(ctr__json_str(entry, "action"), errno_ret, &action);
    if (r >= 0)
        r = parse_args(args, cmp, &n, &split);
    if (r < 0)
        return r;
    if (!json_object_object_get_ex(entry, "names", &names) || !json_object_is_type(names, json_type_array))
        return ctr__err(-EINVAL, "seccomp: a syscalls entry has no names array");
    if (action == default_action)
        return 0;
    for (size_t i = 0; i < json_object_array_length(names) && r == 0; i++) {
        const char *name = json_object_get_string(json_object_array_get_idx(names, i));
        if (!name || !*name)
            return ctr__err(-EINVAL, "seccomp: a system call name is empty");
        r = add_rule(ctx, action, name, cmp, n, split);
    }
    return r;
}

static int add_syscalls(scmp_filter_ctx ctx, uint32_t default_action, json_object *syscalls)
{
    if (!syscalls)
        return 0;
    if (!json_object_is_type(syscalls, json_type_array))
        return ctr__err(-EINVAL, "seccomp: syscalls is not an array");
    for (size_t i = 0; i < json_object_array_length(syscalls); i++) {
        json_object *entry = json_object_array_get_idx(syscalls, i);
        int r = json_object_is_type(entry, json_type_object) ? add_syscall(ctx, default_action, entry)
                                                              : ctr__err(-EINVAL, "seccomp: a syscalls entry is not an object");
        if (r < 0)
            return r;
    }
    return 0;
}

/* The program libseccomp made of @ctx, read back from a memory file. */
static int export_bpf(scmp_filter_ctx ctx, struct ctr__native_seccomp **ret)
{
    _cleanup_close_ int fd = memfd_create("ctr-seccomp", MFD_CLOEXEC);
    _cleanup_free_ char *data = NULL;
    size_t size = 0;
    int r;

    if (fd < 0)
        return ctr__err(-errno, "seccomp: memfd_create: %m");
    r = seccomp_export_bpf(ctx, fd);
    if (r < 0)
        return ctr__err(-EIO, "seccomp: exporting the filter: %s", strerror(-r));
    if (lseek(fd, 0, SEEK_SET) < 0 || (r = ctr__read_fd(fd, &data, &size)) < 0)
        return ctr__err(r < 0 ? r : -errno, "seccomp: reading the exported filter back");
    if (!size || size % sizeof(struct sock_filter) || size / sizeof(struct sock_filter) > BPF_MAXINSNS)
        return ctr__err(-E2BIG, "seccomp: the filter has %zu bytes, not 1 to %d instructions", size, BPF_MAXINSNS);
    *ret = filter_new(data, size / sizeof(struct sock_filter));
    return *ret ? 0 : ctr__oom("seccomp filter");
}

static int compile(json_object *seccomp, struct ctr__native_seccomp **ret)
{
    json_object *errno_ret = NULL, *arches = NULL, *syscalls = NULL;
    uint32_t default_action = 0;

    json_object_object_get_ex(seccomp, "defaultErrnoRet", &errno_ret);
    json_object_object_get_ex(seccomp, "architectures", &arches);
    json_object_object_get_ex(seccomp, "syscalls", &syscalls);
    if (json_object_object_get_ex(seccomp, "listenerPath", NULL) && ctr__json_str(seccomp, "listenerPath") &&
        *ctr__json_str(seccomp, "listenerPath"))
        return ctr__err(-EOPNOTSUPP, "seccomp: listenerPath is not supported by the native runtime");
    int r = parse_action(ctr__json_str(seccomp, "defaultAction"), errno_ret, &default_action);
    if (r < 0)
        return ctr__err_prefix(r, "defaultAction");
    scmp_filter_ctx ctx = seccomp_init(default_action);
    if (!ctx)
        return ctr__err(-EIO, "seccomp: seccomp_init failed");
    r = add_arches(ctx, arches);
    if (r >= 0)
        r = add_syscalls(ctx, default_action, syscalls);
    if (r >= 0)
        r = export_bpf(ctx, ret);
    seccomp_release(ctx);
    return r;
}

#else

static int compile(json_object *seccomp _unused_, struct ctr__native_seccomp **ret _unused_)
{
    return ctr__err(-EOPNOTSUPP, "seccomp: libctr was built without libseccomp");
}

#endif

int ctr__native_seccomp_prepare(json_object *seccomp, const char *cache_dir, struct ctr__native_seccomp **ret)
{
    struct ctr__native_seccomp *f = NULL;
    unsigned int flags = 0;
    char key[65];
    int r;

    *ret = NULL;
    if (!json_object_is_type(seccomp, json_type_object))
        return ctr__err(-EINVAL, "seccomp: linux.seccomp is not an object");
    r = parse_flags(seccomp, &flags);
    if (r >= 0 && cache_dir)
        r = policy_key(seccomp, key);
    if (r < 0)
        return r;
    if (cache_dir)
        f = cache_read(cache_dir, key);
    if (!f) {
        r = compile(seccomp, &f);
        if (r < 0)
            return r;
        if (cache_dir)
            cache_write(cache_dir, key, f);
    }
    f->flags = flags;
    *ret = f;
    return 0;
}
