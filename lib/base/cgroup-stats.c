/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The parsers of the cgroup and /proc files that stats reads (see
 * cgroup-stats.h). */
#include "base/cgroup-stats.h"

#include <ctype.h>

#define PERCPU_MAX 4096

/* A decimal number at *p (no sign), *p moved past it.  false when there is
 * none or it overflows. */
static bool take_u64(const char **p, uint64_t *ret)
{
    const char *s = *p;
    uint64_t v = 0;
    if (!isdigit((unsigned char)*s))
        return false;
    for (; isdigit((unsigned char)*s); s++) {
        unsigned d = (unsigned)(*s - '0');
        if (v > (UINT64_MAX - d) / 10)
            return false;
        v = v * 10 + d;
    }
    *p = s;
    *ret = v;
    return true;
}

static const char *skip_blanks(const char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    return s;
}

/* The end of the line at @s (its '\n' or the NUL). */
static const char *line_end(const char *s)
{
    const char *nl = strchr(s, '\n');
    return nl ? nl : s + strlen(s);
}

/* Only blanks from @s to the end of its line. */
static bool rest_blank(const char *s)
{
    s = skip_blanks(s);
    return *s == '\n' || *s == '\0';
}

int ctr__cgstat_uint(const char *text, uint64_t *ret)
{
    const char *p = text;
    while (isspace((unsigned char)*p))
        p++;
    uint64_t v;
    if (strncmp(p, "max", 3) == 0) {
        v = UINT64_MAX;
        p += 3;
    } else if (!take_u64(&p, &v)) {
        return -EINVAL;
    }
    while (isspace((unsigned char)*p))
        p++;
    if (*p)
        return -EINVAL;
    *ret = v;
    return 0;
}

int ctr__cgstat_keyed(const char *text, const char *key, uint64_t *ret)
{
    size_t kl = strlen(key);
    for (const char *line = text; *line;) {
        const char *end = line_end(line);
        if ((size_t)(end - line) > kl && strncmp(line, key, kl) == 0 && line[kl] == ' ') {
            const char *p = skip_blanks(line + kl);
            uint64_t v;
            if (!take_u64(&p, &v) || !rest_blank(p))
                return -EINVAL;
            *ret = v;
            return 0;
        }
        line = *end ? end + 1 : end;
    }
    return -ENOENT;
}

int ctr__cgstat_percpu(const char *text, uint64_t **ret, size_t *ret_n)
{
    uint64_t tmp[PERCPU_MAX];
    size_t n = 0;
    for (const char *p = text;;) {
        while (isspace((unsigned char)*p))
            p++;
        if (!*p)
            break;
        if (n == PERCPU_MAX || !take_u64(&p, &tmp[n]) || (*p && !isspace((unsigned char)*p)))
            return -EINVAL;
        n++;
    }
    uint64_t *v = NULL;
    if (n && !(v = malloc(n * sizeof *v)))
        return -ENOMEM;
    if (n)
        memcpy(v, tmp, n * sizeof *v);
    *ret = v;
    *ret_n = n;
    return 0;
}

/* "MAJ:MIN" at *p, *p moved past it. */
static bool take_device(const char **p)
{
    uint64_t major, minor;
    if (!take_u64(p, &major) || **p != ':')
        return false;
    (*p)++;
    return take_u64(p, &minor);
}

static bool add_u64(uint64_t *sum, uint64_t v)
{
    if (*sum > UINT64_MAX - v)
        return false;
    *sum += v;
    return true;
}

int ctr__cgstat_blkio_v1(const char *text, uint64_t *ret_read, uint64_t *ret_write)
{
    uint64_t rd = 0, wr = 0;
    for (const char *line = text; *line;) {
        const char *end = line_end(line), *p = line;
        if (strncmp(p, "Total ", 6) != 0 && end > line) {
            if (!take_device(&p) || *p != ' ')
                return -EINVAL;
            p++;
            const char *op = p;
            p += strcspn(p, " \n");
            uint64_t v;
            size_t ol = (size_t)(p - op);
            if (*p != ' ' || (p++, !take_u64(&p, &v)) || !rest_blank(p))
                return -EINVAL;
            if (((ol == 4 && strncmp(op, "Read", 4) == 0 && !add_u64(&rd, v)) ||
                 (ol == 5 && strncmp(op, "Write", 5) == 0 && !add_u64(&wr, v))))
                return -EINVAL;
        }
        line = *end ? end + 1 : end;
    }
    *ret_read = rd;
    *ret_write = wr;
    return 0;
}

/* One "KEY=N" word of an io.stat line at *p. */
static int io_word(const char **p, uint64_t *rd, uint64_t *wr)
{
    const char *k = *p;
    const char *eq = k + strcspn(k, "= \n");
    if (*eq != '=')
        return -EINVAL;
    const char *v = eq + 1;
    uint64_t n;
    if (!take_u64(&v, &n) || (*v && *v != ' ' && *v != '\n'))
        return -EINVAL;
    size_t kl = (size_t)(eq - k);
    if ((kl == 6 && strncmp(k, "rbytes", 6) == 0 && !add_u64(rd, n)) ||
        (kl == 6 && strncmp(k, "wbytes", 6) == 0 && !add_u64(wr, n)))
        return -EINVAL;
    *p = v;
    return 0;
}

int ctr__cgstat_io_v2(const char *text, uint64_t *ret_read, uint64_t *ret_write)
{
    uint64_t rd = 0, wr = 0;
    for (const char *line = text; *line;) {
        const char *end = line_end(line), *p = line;
        if (end > line) {
            if (!take_device(&p))
                return -EINVAL;
            for (p = skip_blanks(p); *p && *p != '\n'; p = skip_blanks(p)) {
                int r = io_word(&p, &rd, &wr);
                if (r < 0)
                    return r;
            }
        }
        line = *end ? end + 1 : end;
    }
    *ret_read = rd;
    *ret_write = wr;
    return 0;
}

/* One interface line: "  NAME: rx_bytes rx_packets 6 more  tx_bytes tx_packets 6 more". */
static int net_line(const char *line, const char *end, struct ctr__net_counters *c)
{
    const char *p = skip_blanks(line);
    const char *colon = memchr(p, ':', (size_t)(end - p));
    if (!colon || colon == p)
        return -EINVAL;
    bool lo = colon - p == 2 && strncmp(p, "lo", 2) == 0;
    uint64_t f[16];
    p = colon + 1;
    for (size_t i = 0; i < ARRAY_SIZE(f); i++) {
        p = skip_blanks(p);
        if (!take_u64(&p, &f[i]))
            return -EINVAL;
    }
    if (!rest_blank(p))
        return -EINVAL;
    if (lo)
        return 0;
    if (!add_u64(&c->rx_bytes, f[0]) || !add_u64(&c->rx_packets, f[1]) || !add_u64(&c->tx_bytes, f[8]) ||
        !add_u64(&c->tx_packets, f[9]))
        return -EINVAL;
    c->n_interfaces++;
    return 0;
}

int ctr__proc_parse_net_dev(const char *text, struct ctr__net_counters *ret)
{
    struct ctr__net_counters c = { 0 };
    const char *line = text;
    for (int i = 0; i < 2; i++) {
        if (!*line)
            return -EINVAL;
        const char *end = line_end(line);
        line = *end ? end + 1 : end;
    }
    while (*line) {
        const char *end = line_end(line);
        int r = end > line ? net_line(line, end, &c) : 0;
        if (r < 0)
            return r;
        line = *end ? end + 1 : end;
    }
    *ret = c;
    return 0;
}

int ctr__proc_parse_cpu_total(const char *text, uint64_t *ret_ticks, unsigned *ret_ncpu)
{
    bool found = false;
    uint64_t total = 0;
    unsigned ncpu = 0;
    for (const char *line = text; *line;) {
        const char *end = line_end(line);
        if (strncmp(line, "cpu", 3) == 0 && isdigit((unsigned char)line[3]))
            ncpu++;
        if (!found && strncmp(line, "cpu ", 4) == 0) {
            const char *p = line + 4;
            /* user nice system idle iowait irq softirq steal; guest and guest_nice are in user */
            for (int i = 0; i < 8 && *(p = skip_blanks(p)) && *p != '\n'; i++) {
                uint64_t v;
                if (!take_u64(&p, &v) || !add_u64(&total, v))
                    return -EINVAL;
            }
            found = true;
        }
        line = *end ? end + 1 : end;
    }
    if (!found)
        return -EINVAL;
    *ret_ticks = total;
    *ret_ncpu = ncpu;
    return 0;
}
