/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Conversion of a podman/Docker seccomp profile to the OCI linux.seccomp
 * object (seccomp-profile.h).  The profile is untrusted: every member is
 * type-checked, unknown members are ignored, as podman ignores them. */
#include "data/seccomp-profile.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include "base/error.h"
#include "base/json-util.h"
#include "base/util.h"

typedef json_object J;

/* The native architecture: Go's name (includes/excludes "arches") and libseccomp's. */
#if defined(__x86_64__)
#define GO_ARCH "amd64"
#define SCMP_NATIVE "SCMP_ARCH_X86_64"
#elif defined(__aarch64__)
#define GO_ARCH "arm64"
#define SCMP_NATIVE "SCMP_ARCH_AARCH64"
#elif defined(__i386__)
#define GO_ARCH "386"
#define SCMP_NATIVE "SCMP_ARCH_X86"
#elif defined(__arm__)
#define GO_ARCH "arm"
#define SCMP_NATIVE "SCMP_ARCH_ARM"
#elif defined(__powerpc64__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define GO_ARCH "ppc64le"
#define SCMP_NATIVE "SCMP_ARCH_PPC64LE"
#elif defined(__s390x__)
#define GO_ARCH "s390x"
#define SCMP_NATIVE "SCMP_ARCH_S390X"
#elif defined(__riscv) && __riscv_xlen == 64
#define GO_ARCH "riscv64"
#define SCMP_NATIVE "SCMP_ARCH_RISCV64"
#else
#define GO_ARCH "unknown"
#define SCMP_NATIVE "SCMP_ARCH_NATIVE"
#endif

static const char *const actions[] = {
    "SCMP_ACT_KILL", "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_KILL_THREAD", "SCMP_ACT_TRAP", "SCMP_ACT_ERRNO",
    "SCMP_ACT_TRACE", "SCMP_ACT_ALLOW",        "SCMP_ACT_LOG",         "SCMP_ACT_NOTIFY", NULL,
};
static const char *const ops[] = {
    "SCMP_CMP_NE", "SCMP_CMP_LT", "SCMP_CMP_LE", "SCMP_CMP_EQ", "SCMP_CMP_GE", "SCMP_CMP_GT", "SCMP_CMP_MASKED_EQ",
    NULL,
};

/* Member @key of @o when of @type (NULL when absent or null); -EINVAL for another type. */
static int member(J *o, const char *key, json_type type, const char *where, J **ret)
{
    J *v = NULL;
    *ret = NULL;
    if (!json_object_object_get_ex(o, key, &v) || !v)
        return 0;
    if (!json_object_is_type(v, type))
        return ctr__err(-EINVAL, "%s\"%s\" has the wrong type", where, key);
    *ret = v;
    return 0;
}

static bool array_has(J *a, const char *s)
{
    size_t n = a ? json_object_array_length(a) : 0;
    for (size_t i = 0; i < n; i++) {
        J *e = json_object_array_get_idx(a, i);
        if (json_object_is_type(e, json_type_string) && streq(json_object_get_string(e), s))
            return true;
    }
    return false;
}

/* An array of strings, every entry a string. */
static int strings(J *o, const char *key, const char *where, J **ret)
{
    int r = member(o, key, json_type_array, where, ret);
    if (r < 0 || !*ret)
        return r;
    size_t n = json_object_array_length(*ret);
    for (size_t i = 0; i < n; i++)
        if (!json_object_is_type(json_object_array_get_idx(*ret, i), json_type_string))
            return ctr__err(-EINVAL, "%s\"%s\" must hold strings only", where, key);
    return 0;
}

static bool has_cap(const char *const *caps, const char *cap)
{
    return caps && ctr__strv_contains(caps, cap);
}

/* "5.10" against the running kernel: 1 when it is at least that, 0 when older. */
static int kernel_at_least(const char *min)
{
    unsigned int want[2] = { 0, 0 }, have[2] = { 0, 0 };
    int n = 0;
    if (sscanf(min, "%u.%u%n", &want[0], &want[1], &n) != 2 || min[n] != '\0')
        return ctr__err(-EINVAL, "invalid minKernel \"%.32s\": expected MAJOR.MINOR", min);
    struct utsname u;
    if (uname(&u) < 0 || sscanf(u.release, "%u.%u", &have[0], &have[1]) != 2)
        return 1;
    return have[0] > want[0] || (have[0] == want[0] && have[1] >= want[1]);
}

/* The "includes" or "excludes" filter @f: does it match here? (@all: caps all needed, else any) */
static int filter_matches(J *f, const char *const *caps, bool all, bool *ret)
{
    J *c, *a, *k;
    int r;
    if ((r = strings(f, "caps", "seccomp profile: syscall filter ", &c)) < 0 ||
        (r = strings(f, "arches", "seccomp profile: syscall filter ", &a)) < 0 ||
        (r = member(f, "minKernel", json_type_string, "seccomp profile: syscall filter ", &k)) < 0)
        return r;
    bool m = all; /* includes: all conditions; excludes: any condition */
    size_t n = c ? json_object_array_length(c) : 0;
    for (size_t i = 0; i < n; i++) {
        bool h = has_cap(caps, json_object_get_string(json_object_array_get_idx(c, i)));
        m = all ? (m && h) : (m || h);
    }
    if (a && json_object_array_length(a) > 0)
        m = all ? (m && array_has(a, GO_ARCH)) : (m || array_has(a, GO_ARCH));
    if (k && *json_object_get_string(k)) {
        if ((r = kernel_at_least(json_object_get_string(k))) < 0)
            return r;
        m = all ? (m && r) : (m || r);
    }
    *ret = m;
    return 0;
}

/* Whether the syscall entry @s applies here. */
static int entry_applies(J *s, const char *const *caps, bool *ret)
{
    J *inc, *exc;
    int r;
    bool m = false;
    if ((r = member(s, "excludes", json_type_object, "seccomp profile: syscall ", &exc)) < 0 ||
        (r = member(s, "includes", json_type_object, "seccomp profile: syscall ", &inc)) < 0)
        return r;
    if (exc && (r = filter_matches(exc, caps, false, &m)) < 0)
        return r;
    if (m) {
        *ret = false;
        return 0;
    }
    m = true;
    if (inc && (r = filter_matches(inc, caps, true, &m)) < 0)
        return r;
    *ret = m;
    return 0;
}

static int checked_name(J *v, const char *const *known, const char *what)
{
    if (!known || !ctr__strv_contains(known, json_object_get_string(v)))
        return ctr__err(-EINVAL, "seccomp profile: unknown %s \"%.64s\"", what, json_object_get_string(v));
    return 0;
}

static int convert_arg(J *a, J *out)
{
    if (!json_object_is_type(a, json_type_object))
        return ctr__err(-EINVAL, "seccomp profile: a syscall argument is not an object");
    J *idx, *val, *two, *op;
    int r;
    if ((r = member(a, "index", json_type_int, "seccomp profile: argument ", &idx)) < 0 ||
        (r = member(a, "value", json_type_int, "seccomp profile: argument ", &val)) < 0 ||
        (r = member(a, "valueTwo", json_type_int, "seccomp profile: argument ", &two)) < 0 ||
        (r = member(a, "op", json_type_string, "seccomp profile: argument ", &op)) < 0)
        return r;
    if (!op || (r = checked_name(op, ops, "operator")) < 0)
        return op ? r : ctr__err(-EINVAL, "seccomp profile: a syscall argument has no \"op\"");
    int64_t i = idx ? json_object_get_int64(idx) : 0;
    if (i < 0 || i > 5)
        return ctr__err(-EINVAL, "seccomp profile: argument index %lld is out of range 0-5", (long long)i);
    _cleanup_json_ J *o = json_object_new_object();
    if (!o || ctr__json_add_int(o, "index", i) < 0 ||
        ctr__json_set(o, "value", json_object_new_uint64(val ? json_object_get_uint64(val) : 0)) < 0 ||
        (two && ctr__json_set(o, "valueTwo", json_object_new_uint64(json_object_get_uint64(two))) < 0) ||
        ctr__json_add_str(o, "op", json_object_get_string(op)) < 0 || json_object_array_add(out, o) < 0)
        return ctr__oom("the seccomp profile");
    TAKE_PTR(o);
    return 0;
}

/* The names of entry @s: "names", or the older "name", not both. */
static int entry_names(J *s, J **ret)
{
    J *names, *name;
    int r;
    if ((r = strings(s, "names", "seccomp profile: syscall ", &names)) < 0 ||
        (r = member(s, "name", json_type_string, "seccomp profile: syscall ", &name)) < 0)
        return r;
    if (names && json_object_array_length(names) > 0 && name && *json_object_get_string(name))
        return ctr__err(-EINVAL, "'name' and 'names' were specified in the seccomp profile, use either 'name' or "
                                 "'names'");
    _cleanup_json_ J *out = json_object_new_array();
    if (!out)
        return ctr__oom("the seccomp profile");
    size_t n = names ? json_object_array_length(names) : 0;
    for (size_t i = 0; i < n; i++)
        if (json_object_array_add(out, json_object_get(json_object_array_get_idx(names, i))) < 0)
            return ctr__oom("the seccomp profile");
    if (name && *json_object_get_string(name) && json_object_array_add(out, json_object_get(name)) < 0)
        return ctr__oom("the seccomp profile");
    *ret = TAKE_PTR(out);
    return 0;
}

static int convert_entry(J *s, J *out)
{
    J *action, *errno_ret, *args;
    int r;
    _cleanup_json_ J *names = NULL;
    if ((r = entry_names(s, &names)) < 0 ||
        (r = member(s, "action", json_type_string, "seccomp profile: syscall ", &action)) < 0 ||
        (r = member(s, "errnoRet", json_type_int, "seccomp profile: syscall ", &errno_ret)) < 0 ||
        (r = member(s, "args", json_type_array, "seccomp profile: syscall ", &args)) < 0)
        return r;
    if (!action)
        return ctr__err(-EINVAL, "seccomp profile: a syscall entry has no \"action\"");
    if ((r = checked_name(action, actions, "action")) < 0)
        return r;
    if (json_object_array_length(names) == 0)
        return 0; /* nothing to filter */
    _cleanup_json_ J *e = json_object_new_object();
    if (!e || ctr__json_set(e, "names", TAKE_PTR(names)) < 0 ||
        ctr__json_add_str(e, "action", json_object_get_string(action)) < 0)
        return ctr__oom("the seccomp profile");
    if (errno_ret) {
        int64_t v = json_object_get_int64(errno_ret);
        if (v < 0 || v > 4095)
            return ctr__err(-EINVAL, "seccomp profile: errnoRet %lld is out of range", (long long)v);
        if (ctr__json_add_int(e, "errnoRet", v) < 0)
            return ctr__oom("the seccomp profile");
    }
    size_t n = args ? json_object_array_length(args) : 0;
    if (n > 0) {
        J *a = json_object_new_array();
        if ((r = ctr__json_set(e, "args", a)) < 0)
            return r;
        for (size_t i = 0; i < n; i++)
            if ((r = convert_arg(json_object_array_get_idx(args, i), a)) < 0)
                return r;
    }
    if (json_object_array_add(out, e) < 0)
        return ctr__oom("the seccomp profile");
    TAKE_PTR(e);
    return 0;
}

/* "architectures", or the native entry of "archMap" with its sub-architectures. */
static int convert_arches(J *p, J *sc)
{
    J *arches, *map;
    int r;
    if ((r = strings(p, "architectures", "seccomp profile: ", &arches)) < 0 ||
        (r = member(p, "archMap", json_type_array, "seccomp profile: ", &map)) < 0)
        return r;
    if (arches && json_object_array_length(arches) > 0 && map && json_object_array_length(map) > 0)
        return ctr__err(-EINVAL, "'architectures' and 'archMap' were specified in the seccomp profile, use either "
                                 "'architectures' or 'archMap'");
    if (arches && json_object_array_length(arches) > 0)
        return ctr__json_set(sc, "architectures", json_object_get(arches));
    _cleanup_json_ J *out = json_object_new_array();
    if (!out)
        return ctr__oom("the seccomp profile");
    size_t n = map ? json_object_array_length(map) : 0;
    for (size_t i = 0; i < n; i++) {
        J *e = json_object_array_get_idx(map, i), *arch, *subs;
        if (!json_object_is_type(e, json_type_object))
            return ctr__err(-EINVAL, "seccomp profile: an archMap entry is not an object");
        if ((r = member(e, "architecture", json_type_string, "seccomp profile: archMap ", &arch)) < 0 ||
            (r = strings(e, "subArchitectures", "seccomp profile: archMap ", &subs)) < 0)
            return r;
        if (!arch || !streq(json_object_get_string(arch), SCMP_NATIVE))
            continue;
        if (json_object_array_add(out, json_object_get(arch)) < 0)
            return ctr__oom("the seccomp profile");
        for (size_t k = 0; subs && k < json_object_array_length(subs); k++)
            if (json_object_array_add(out, json_object_get(json_object_array_get_idx(subs, k))) < 0)
                return ctr__oom("the seccomp profile");
    }
    if (json_object_array_length(out) == 0)
        return 0;
    return ctr__json_set(sc, "architectures", TAKE_PTR(out));
}

/* defaultAction, defaultErrnoRet, flags, listenerPath, listenerMetadata. */
static int convert_top(J *p, J *sc)
{
    J *act, *err, *flags, *lp, *lm;
    int r;
    if ((r = member(p, "defaultAction", json_type_string, "seccomp profile: ", &act)) < 0 ||
        (r = member(p, "defaultErrnoRet", json_type_int, "seccomp profile: ", &err)) < 0 ||
        (r = strings(p, "flags", "seccomp profile: ", &flags)) < 0 ||
        (r = member(p, "listenerPath", json_type_string, "seccomp profile: ", &lp)) < 0 ||
        (r = member(p, "listenerMetadata", json_type_string, "seccomp profile: ", &lm)) < 0)
        return r;
    if (!act)
        return ctr__err(-EINVAL, "seccomp profile: \"defaultAction\" is required");
    if ((r = checked_name(act, actions, "action")) < 0)
        return r;
    if (ctr__json_add_str(sc, "defaultAction", json_object_get_string(act)) < 0)
        return ctr__oom("the seccomp profile");
    if (err && (json_object_get_int64(err) < 0 || json_object_get_int64(err) > 4095))
        return ctr__err(-EINVAL, "seccomp profile: defaultErrnoRet is out of range");
    if ((err && ctr__json_add_int(sc, "defaultErrnoRet", json_object_get_int64(err)) < 0) ||
        (flags && json_object_array_length(flags) > 0 && ctr__json_set(sc, "flags", json_object_get(flags)) < 0) ||
        (lp && *json_object_get_string(lp) && ctr__json_add_str(sc, "listenerPath", json_object_get_string(lp)) < 0) ||
        (lm && *json_object_get_string(lm) && ctr__json_add_str(sc, "listenerMetadata", json_object_get_string(lm)) < 0))
        return ctr__oom("the seccomp profile");
    return 0;
}

int ctr__seccomp_profile_convert(const char *text, const char *const *caps, json_object **ret)
{
    _cleanup_json_ J *p = NULL;
    int r = ctr__json_parse(text, "seccomp profile", &p);
    if (r < 0)
        return r;
    if (!json_object_is_type(p, json_type_object))
        return ctr__err(-EINVAL, "seccomp profile: not a JSON object");
    _cleanup_json_ J *sc = json_object_new_object();
    J *calls, *out = json_object_new_array();
    if (!sc || (r = ctr__json_set(sc, "syscalls", out)) < 0)
        return sc ? r : ctr__oom("the seccomp profile");
    if ((r = convert_top(p, sc)) < 0 || (r = convert_arches(p, sc)) < 0 ||
        (r = member(p, "syscalls", json_type_array, "seccomp profile: ", &calls)) < 0)
        return r;
    size_t n = calls ? json_object_array_length(calls) : 0;
    for (size_t i = 0; i < n; i++) {
        J *s = json_object_array_get_idx(calls, i);
        bool applies;
        if (!json_object_is_type(s, json_type_object))
            return ctr__err(-EINVAL, "seccomp profile: syscalls[%zu] is not an object", i);
        if ((r = entry_applies(s, caps, &applies)) < 0)
            return r;
        if (applies && (r = convert_entry(s, out)) < 0)
            return r;
    }
    *ret = TAKE_PTR(sc);
    return 0;
}
