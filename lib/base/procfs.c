/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Parsers of /proc files and their bounded reads (see procfs.h).  Every
 * number is checked (digits only, no overflow); a comm or a command line
 * is taken as bytes, never interpreted. */
#include "base/procfs.h"

#include <fcntl.h>
#include <inttypes.h>

/* Largest "Groups:" list kept (the kernel's NGROUPS_MAX). */
#define GROUPS_MAX 65536
/* Most lines of an ID map (the kernel's limit). */
#define IDMAP_MAX 340

/* Decimal digits only, no sign, no overflow. */
static int parse_u64(const char *s, size_t n, uint64_t *ret)
{
    uint64_t v = 0;
    if (n == 0 || n > 20)
        return -EINVAL;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -EINVAL;
        uint64_t d = (uint64_t)(s[i] - '0');
        if (v > (UINT64_MAX - d) / 10)
            return -EINVAL;
        v = v * 10 + d;
    }
    *ret = v;
    return 0;
}

/* An optional '-' and digits, within int64_t. */
static int parse_i64(const char *s, size_t n, int64_t *ret)
{
    bool neg = n > 0 && s[0] == '-';
    uint64_t v;
    if (parse_u64(s + neg, n - neg, &v) < 0 || v > (uint64_t)INT64_MAX + neg)
        return -EINVAL;
    *ret = neg ? (v == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)v) : (int64_t)v;
    return 0;
}

static int parse_pid(const char *s, size_t n, pid_t *ret)
{
    uint64_t v;
    if (parse_u64(s, n, &v) < 0 || v > INT32_MAX)
        return -EINVAL;
    *ret = (pid_t)v;
    return 0;
}

static int parse_u32(const char *s, size_t n, uint32_t *ret)
{
    uint64_t v;
    if (parse_u64(s, n, &v) < 0 || v > UINT32_MAX)
        return -EINVAL;
    *ret = (uint32_t)v;
    return 0;
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* The next whitespace-separated token of [*p, end): its start and length;
 * false at the end. */
static bool next_token(const char **p, const char *end, const char **tok, size_t *n)
{
    const char *s = *p;
    while (s < end && is_space(*s))
        s++;
    if (s >= end)
        return false;
    const char *e = s;
    while (e < end && !is_space(*e))
        e++;
    *tok = s;
    *n = (size_t)(e - s);
    *p = e;
    return true;
}

/* Fields 3 .. 23 of the stat line (after the comm), by number. */
static int stat_field(struct ctr__proc_stat *st, int field, const char *t, size_t n)
{
    int64_t i;
    switch (field) {
    case 3:
        if (n != 1)
            return -EINVAL;
        st->state = t[0];
        return 0;
    case 4: return parse_i64(t, n, &i) < 0 || i < 0 || i > INT32_MAX ? -EINVAL : ((st->ppid = (pid_t)i), 0);
    case 5: return parse_i64(t, n, &i) < 0 || i < 0 || i > INT32_MAX ? -EINVAL : ((st->pgrp = (pid_t)i), 0);
    case 6: return parse_i64(t, n, &i) < 0 || i < 0 || i > INT32_MAX ? -EINVAL : ((st->session = (pid_t)i), 0);
    case 7: return parse_i64(t, n, &st->tty_nr);
    case 14: return parse_u64(t, n, &st->utime);
    case 15: return parse_u64(t, n, &st->stime);
    case 18: return parse_i64(t, n, &st->priority);
    case 19: return parse_i64(t, n, &st->nice);
    case 22: return parse_u64(t, n, &st->starttime);
    case 23: return parse_u64(t, n, &st->vsize);
    default: return 0;
    }
}

int ctr__proc_parse_stat(const char *text, size_t len, struct ctr__proc_stat *ret)
{
    if (!text)
        return -EINVAL;
    const char *end = text + len;
    const char *open = memchr(text, '(', len), *close = NULL;
    for (const char *p = end; p > text; p--)
        if (p[-1] == ')') {
            close = p - 1;
            break;
        }
    if (!open || !close || close < open || open == text || open[-1] != ' ')
        return -EINVAL;

    struct ctr__proc_stat st = { 0 };
    if (parse_pid(text, (size_t)(open - 1 - text), &st.pid) < 0)
        return -EINVAL;
    size_t clen = (size_t)(close - open - 1);
    if (clen >= sizeof st.comm)
        clen = sizeof st.comm - 1;
    memcpy(st.comm, open + 1, clen);
    st.comm[clen] = '\0';
    if (strlen(st.comm) != clen) /* a NUL in it: not the kernel's */
        return -EINVAL;

    const char *p = close + 1, *tok;
    size_t n;
    int field = 3;
    for (; field <= 23 && next_token(&p, end, &tok, &n); field++)
        if (stat_field(&st, field, tok, n) < 0)
            return -EINVAL;
    if (field <= 23)
        return -EINVAL;
    *ret = st;
    return 0;
}

void ctr__proc_status_done(struct ctr__proc_status *s)
{
    if (!s)
        return;
    free(s->groups);
    s->groups = NULL;
    s->n_groups = 0;
}

/* Exactly four IDs: "Uid:" and "Gid:". */
static int parse_ids(const char *p, const char *end, uint32_t ids[4])
{
    const char *tok;
    size_t n, i = 0;
    while (next_token(&p, end, &tok, &n)) {
        if (i == 4 || parse_u32(tok, n, &ids[i++]) < 0)
            return -EINVAL;
    }
    return i == 4 ? 0 : -EINVAL;
}

/* A list of PIDs ("NSpid:", "NSpgid:"), at most CTR__PROC_NS_MAX. */
static int parse_pids(const char *p, const char *end, pid_t *v, size_t *ret_n)
{
    const char *tok;
    size_t n, i = 0;
    while (next_token(&p, end, &tok, &n)) {
        if (i == CTR__PROC_NS_MAX || parse_pid(tok, n, &v[i++]) < 0)
            return -EINVAL;
    }
    *ret_n = i;
    return 0;
}

static int parse_groups(const char *p, const char *end, struct ctr__proc_status *s)
{
    const char *tok;
    size_t n;
    free(s->groups);
    s->groups = NULL;
    s->n_groups = 0;
    while (next_token(&p, end, &tok, &n)) {
        uint32_t g;
        if (s->n_groups == GROUPS_MAX || parse_u32(tok, n, &g) < 0)
            return -EINVAL;
        gid_t *v = realloc(s->groups, (s->n_groups + 1) * sizeof *v);
        if (!v)
            return -ENOMEM;
        v[s->n_groups++] = g;
        s->groups = v;
    }
    return 0;
}

/* One hexadecimal capability mask. */
static int parse_cap(const char *p, const char *end, uint64_t *ret)
{
    const char *tok;
    size_t n;
    if (!next_token(&p, end, &tok, &n) || n > 16)
        return -EINVAL;
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++) {
        char c = tok[i];
        int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
        if (d < 0)
            return -EINVAL;
        v = v << 4 | (uint64_t)d;
    }
    *ret = v;
    return 0;
}

/* The first token of the line as a number (PPid:, VmRSS:, Seccomp:, Pid:). */
static int first_u64(const char *p, const char *end, uint64_t *ret)
{
    const char *tok;
    size_t n;
    if (!next_token(&p, end, &tok, &n))
        return -EINVAL;
    return parse_u64(tok, n, ret);
}

static int status_line(struct ctr__proc_status *s, const char *key, size_t klen, const char *p, const char *end,
                       unsigned *seen)
{
#define KEY(k) (klen == sizeof(k) - 1 && memcmp(key, k, klen) == 0)
    uint64_t v;
    const char *tok;
    size_t n;
    if (KEY("State")) {
        if (next_token(&p, end, &tok, &n) && n < sizeof s->state) {
            memcpy(s->state, tok, n);
            s->state[n] = '\0';
        }
        return 0;
    }
    if (KEY("PPid"))
        return first_u64(p, end, &v) < 0 || v > INT32_MAX ? -EINVAL : ((s->ppid = (pid_t)v), 0);
    if (KEY("Pid")) {
        if (first_u64(p, end, &v) < 0 || v > INT32_MAX)
            return -EINVAL;
        if (!(*seen & 4)) {
            s->nspid[0] = (pid_t)v;
            s->n_nspid = 1;
        }
        return 0;
    }
    if (KEY("Uid"))
        return *seen |= 1, parse_ids(p, end, s->uid);
    if (KEY("Gid"))
        return *seen |= 2, parse_ids(p, end, s->gid);
    if (KEY("Groups"))
        return parse_groups(p, end, s);
    if (KEY("NSpid"))
        return *seen |= 4, parse_pids(p, end, s->nspid, &s->n_nspid);
    if (KEY("NSpgid"))
        return parse_pids(p, end, s->nspgid, &s->n_nspgid);
    if (KEY("VmRSS"))
        return first_u64(p, end, &s->vm_rss_kb) < 0 ? -EINVAL : ((s->has_rss = true), 0);
    if (KEY("CapInh"))
        return parse_cap(p, end, &s->cap_inh);
    if (KEY("CapPrm"))
        return parse_cap(p, end, &s->cap_prm);
    if (KEY("CapEff"))
        return parse_cap(p, end, &s->cap_eff);
    if (KEY("CapBnd"))
        return parse_cap(p, end, &s->cap_bnd);
    if (KEY("CapAmb"))
        return parse_cap(p, end, &s->cap_amb);
    if (KEY("Seccomp"))
        return first_u64(p, end, &v) < 0 || v > 2 ? -EINVAL : ((s->seccomp = (int)v), 0);
    return 0;
#undef KEY
}

int ctr__proc_parse_status(const char *text, struct ctr__proc_status *ret)
{
    if (!text)
        return -EINVAL;
    _cleanup_(ctr__proc_status_donep) struct ctr__proc_status s = { .seccomp = -1 };
    unsigned seen = 0;
    for (const char *line = text; *line;) {
        const char *nl = strchr(line, '\n');
        const char *end = nl ? nl : line + strlen(line);
        const char *colon = memchr(line, ':', (size_t)(end - line));
        /* "Name:" holds the comm, escaped but any text: never parsed. */
        if (colon && !(colon - line == 4 && memcmp(line, "Name", 4) == 0)) {
            int r = status_line(&s, line, (size_t)(colon - line), colon + 1, end, &seen);
            if (r < 0)
                return r;
        }
        line = nl ? nl + 1 : end;
    }
    if ((seen & 3) != 3 || s.n_nspid == 0)
        return -EINVAL;
    *ret = s;
    s.groups = NULL;
    return 0;
}

int ctr__proc_split_cmdline(const char *text, size_t len, char ***ret, size_t *ret_n)
{
    size_t n = 0;
    if (len > 0) {
        n = 1;
        for (size_t i = 0; i < len; i++)
            n += text[i] == '\0';
    }
    /* The pointers, then a copy of the text with a final NUL. */
    char **v = malloc((n + 1) * sizeof *v + len + 1);
    if (!v)
        return -ENOMEM;
    char *copy = (char *)(v + n + 1);
    if (len > 0)
        memcpy(copy, text, len);
    copy[len] = '\0';
    for (size_t i = 0, start = 0; i < n; i++) {
        v[i] = copy + start;
        start += strlen(copy + start) + 1;
    }
    v[n] = NULL;
    *ret = v;
    if (ret_n)
        *ret_n = n;
    return 0;
}

int ctr__proc_parse_idmap(const char *text, struct ctr__idmap **ret, size_t *ret_n)
{
    _cleanup_free_ struct ctr__idmap *v = NULL;
    size_t n = 0;
    for (const char *line = text ? text : ""; *line;) {
        const char *nl = strchr(line, '\n');
        const char *end = nl ? nl : line + strlen(line), *p = line, *tok;
        size_t tn;
        uint32_t f[3];
        int k = 0;
        while (next_token(&p, end, &tok, &tn)) {
            if (k == 3 || parse_u32(tok, tn, &f[k++]) < 0)
                return -EINVAL;
        }
        if (k != 0) {
            /* The kernel's rules: no range wraps past the last ID. */
            if (k != 3 || n == IDMAP_MAX || (uint64_t)f[0] + f[2] > UINT32_MAX || (uint64_t)f[1] + f[2] > UINT32_MAX)
                return -EINVAL;
            struct ctr__idmap *nv = realloc(v, (n + 1) * sizeof *nv);
            if (!nv)
                return -ENOMEM;
            v = nv;
            v[n++] = (struct ctr__idmap){ .inside = f[0], .outside = f[1], .count = f[2] };
        }
        line = nl ? nl + 1 : end;
    }
    *ret = TAKE_PTR(v);
    *ret_n = n;
    return 0;
}

uint32_t ctr__idmap_inside(const struct ctr__idmap *map, size_t n, uint32_t outside, uint32_t overflow)
{
    if (n == 0)
        return outside;
    for (size_t i = 0; i < n; i++)
        if (outside >= map[i].outside && (uint64_t)outside - map[i].outside < map[i].count)
            return map[i].inside + (outside - map[i].outside);
    return overflow;
}

int ctr__proc_parse_btime(const char *text, int64_t *ret)
{
    for (const char *line = text ? text : ""; *line;) {
        const char *nl = strchr(line, '\n');
        const char *end = nl ? nl : line + strlen(line), *p = line, *tok;
        size_t n;
        if (next_token(&p, end, &tok, &n) && n == 5 && memcmp(tok, "btime", 5) == 0) {
            int64_t v;
            if (!next_token(&p, end, &tok, &n) || parse_i64(tok, n, &v) < 0 || v < 0)
                return -EINVAL;
            *ret = v;
            return 0;
        }
        line = nl ? nl + 1 : end;
    }
    return -EINVAL;
}

int ctr__proc_read(int dirfd, const char *name, size_t max, char **ret, size_t *ret_len, bool *ret_truncated)
{
    _cleanup_close_ int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0)
        return -errno;
    size_t cap = 4096 < max + 1 ? 4096 : max + 1, len = 0;
    _cleanup_free_ char *buf = malloc(cap);
    if (!buf)
        return -ENOMEM;
    bool truncated = false;
    for (;;) {
        if (len + 1 >= cap) {
            if (cap > max) {
                char c;
                truncated = read(fd, &c, 1) > 0;
                break;
            }
            size_t ncap = cap * 2 > max + 1 ? max + 1 : cap * 2;
            char *nb = realloc(buf, ncap);
            if (!nb)
                return -ENOMEM;
            buf = nb;
            cap = ncap;
        }
        ssize_t k = read(fd, buf + len, cap - len - 1);
        if (k < 0 && errno == EINTR)
            continue;
        if (k < 0)
            return -errno;
        if (k == 0)
            break;
        len += (size_t)k;
    }
    buf[len] = '\0';
    *ret = TAKE_PTR(buf);
    if (ret_len)
        *ret_len = len;
    if (ret_truncated)
        *ret_truncated = truncated;
    return 0;
}
