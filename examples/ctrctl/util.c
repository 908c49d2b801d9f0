/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* ctrctl: string vectors, parsing signals, numbers and times, formatting. */
#include "ctrctl.h"
#include "template.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

int strv_push(strv_t *s, const char *str)
{
    char **v = realloc(s->v, (s->n + 2) * sizeof *v);
    if (!v)
        return ctrctl_error("out of memory"), -1;
    s->v = v;
    if (!(v[s->n] = strdup(str)))
        return ctrctl_error("out of memory"), -1;
    v[++s->n] = NULL;
    return 0;
}

void strv_clear(strv_t *s)
{
    for (size_t i = 0; i < s->n; i++)
        free(s->v[i]);
    free(s->v);
    s->v = NULL;
    s->n = 0;
}

/* ---- signals ---- */

static const struct {
    const char *name;
    int num;
} signals[] = {
    { "HUP", SIGHUP },       { "INT", SIGINT },       { "QUIT", SIGQUIT },   { "ILL", SIGILL },
    { "TRAP", SIGTRAP },     { "ABRT", SIGABRT },     { "IOT", SIGIOT },     { "BUS", SIGBUS },
    { "FPE", SIGFPE },       { "KILL", SIGKILL },     { "USR1", SIGUSR1 },   { "SEGV", SIGSEGV },
    { "USR2", SIGUSR2 },     { "PIPE", SIGPIPE },     { "ALRM", SIGALRM },   { "TERM", SIGTERM },
    { "STKFLT", SIGSTKFLT }, { "CHLD", SIGCHLD },     { "CLD", SIGCHLD },    { "CONT", SIGCONT },
    { "STOP", SIGSTOP },     { "TSTP", SIGTSTP },     { "TTIN", SIGTTIN },   { "TTOU", SIGTTOU },
    { "URG", SIGURG },       { "XCPU", SIGXCPU },     { "XFSZ", SIGXFSZ },   { "VTALRM", SIGVTALRM },
    { "PROF", SIGPROF },     { "WINCH", SIGWINCH },   { "IO", SIGIO },       { "POLL", SIGPOLL },
    { "PWR", SIGPWR },       { "SYS", SIGSYS },
};

/* Digits only, no sign, no spaces: strtol alone accepts too much. */
static bool all_digits(const char *s)
{
    if (!*s)
        return false;
    for (; *s; s++)
        if (*s < '0' || *s > '9')
            return false;
    return true;
}

/* "RTMIN", "RTMIN+N", "RTMAX", "RTMAX-N" (without SIG). */
static int parse_rt_signal(const char *s)
{
    int base, sign;
    if (strncasecmp(s, "RTMIN", 5) == 0)
        base = SIGRTMIN, sign = 1;
    else if (strncasecmp(s, "RTMAX", 5) == 0)
        base = SIGRTMAX, sign = -1;
    else
        return -1;
    s += 5;
    if (!*s)
        return base;
    if (*s != (sign > 0 ? '+' : '-') || !all_digits(s + 1) || strlen(s + 1) > 2)
        return -1;
    int n = base + sign * atoi(s + 1);
    return n >= SIGRTMIN && n <= SIGRTMAX ? n : -1;
}

int parse_signal(const char *s, int *ret)
{
    if (all_digits(s)) {
        long n = strlen(s) <= 3 ? atol(s) : -1;
        if (n >= 1 && n < _NSIG) {
            *ret = (int)n;
            return 0;
        }
        return ctrctl_error("invalid signal number %s: use 1-%d or a name such as KILL or TERM", s, _NSIG - 1);
    }
    const char *name = strncasecmp(s, "SIG", 3) == 0 ? s + 3 : s;
    for (size_t i = 0; i < sizeof signals / sizeof signals[0]; i++) {
        if (strcasecmp(name, signals[i].name) == 0) {
            *ret = signals[i].num;
            return 0;
        }
    }
    int rt = parse_rt_signal(name);
    if (rt > 0) {
        *ret = rt;
        return 0;
    }
    return ctrctl_error("unknown signal \"%s\": use a name such as KILL, SIGTERM or HUP, or a number", s);
}

int parse_uint(const char *what, const char *s, long max, long *ret)
{
    errno = 0;
    long n = all_digits(s) ? strtol(s, NULL, 10) : -1;
    if (n < 0 || errno || n > max)
        return ctrctl_error("invalid %s \"%s\": expected a number from 0 to %ld", what, s, max);
    *ret = n;
    return 0;
}

/* ---- times ---- */

int64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* A Go-style duration: one or more NUMBER[.FRACTION]UNIT, units ns us ms s m h. */
static bool scan_duration(const char *s, int64_t *ret)
{
    static const struct {
        const char *unit;
        double ns;
    } units[] = { { "ns", 1 }, { "us", 1e3 }, { "\xc2\xb5s", 1e3 }, { "ms", 1e6 }, { "s", 1e9 }, { "m", 60e9 }, { "h", 3600e9 } };
    double total = 0;
    if (!*s)
        return false;
    while (*s) {
        double v = 0, scale = 1;
        bool digits = false;
        for (; *s >= '0' && *s <= '9'; s++, digits = true)
            v = v * 10 + (*s - '0');
        if (*s == '.')
            for (s++; *s >= '0' && *s <= '9'; s++, digits = true)
                v += (*s - '0') * (scale /= 10);
        if (!digits)
            return false;
        size_t best = 0, best_len = 0;
        for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
            size_t l = strlen(units[i].unit);
            if (l > best_len && strncmp(s, units[i].unit, l) == 0)
                best = i, best_len = l;
        }
        if (!best_len)
            return false;
        s += best_len;
        total += v * units[best].ns;
        if (total > 9e18)
            return false;
    }
    *ret = (int64_t)total;
    return true;
}

static bool get_digits(const char **p, int n, int *ret)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        char ch = (*p)[i];
        if (ch < '0' || ch > '9')
            return false;
        v = v * 10 + (ch - '0');
    }
    *p += n;
    *ret = v;
    return true;
}

/* YYYY-MM-DD[(T| )HH:MM:SS[.FRAC][Z|±HH:MM]]; without a zone, local time. */
static bool parse_rfc3339(const char *p, int64_t *ret)
{
    int Y, M, D, h = 0, m = 0, sec = 0;
    int64_t frac = 0;
    long offset = 0;
    bool utc = false;
    if (!get_digits(&p, 4, &Y) || *p++ != '-' || !get_digits(&p, 2, &M) || *p++ != '-' || !get_digits(&p, 2, &D))
        return false;
    if (*p == 'T' || *p == 't' || *p == ' ') {
        p++;
        if (!get_digits(&p, 2, &h) || *p++ != ':' || !get_digits(&p, 2, &m) || *p++ != ':' ||
            !get_digits(&p, 2, &sec))
            return false;
        if (*p == '.') {
            int n = 0;
            for (p++; *p >= '0' && *p <= '9'; p++, n++)
                if (n < 9)
                    frac = frac * 10 + (*p - '0');
            if (!n)
                return false;
            for (; n < 9; n++)
                frac *= 10;
        }
        if (*p == 'Z' || *p == 'z') {
            utc = true;
            p++;
        } else if (*p == '+' || *p == '-') {
            int sign = *p++ == '-' ? -1 : 1, oh, om;
            if (!get_digits(&p, 2, &oh) || *p++ != ':' || !get_digits(&p, 2, &om) || oh > 23 || om > 59)
                return false;
            offset = sign * (oh * 3600L + om * 60L);
            utc = true;
        }
    }
    if (*p || M < 1 || M > 12 || D < 1 || D > 31 || h > 23 || m > 59 || sec > 60)
        return false;
    struct tm tm = { .tm_year = Y - 1900, .tm_mon = M - 1, .tm_mday = D, .tm_hour = h, .tm_min = m,
                     .tm_sec = sec, .tm_isdst = -1 };
    time_t t = utc ? timegm(&tm) - offset : mktime(&tm);
    *ret = (int64_t)t * 1000000000 + frac;
    return true;
}

/* A Unix time: SECONDS[.FRACTION]. */
static bool parse_unix(const char *s, int64_t *ret)
{
    int64_t sec = 0, frac = 0;
    int n = 0;
    if (!(*s >= '0' && *s <= '9'))
        return false;
    for (; *s >= '0' && *s <= '9'; s++)
        if ((sec = sec * 10 + (*s - '0')) > 9000000000LL)
            return false;
    if (*s == '.')
        for (s++; *s >= '0' && *s <= '9'; s++, n++)
            if (n < 9)
                frac = frac * 10 + (*s - '0');
    if (*s)
        return false;
    for (; n < 9; n++)
        frac *= 10;
    *ret = sec * 1000000000 + frac;
    return true;
}

int parse_time(const char *what, const char *s, int64_t now, int64_t *ret)
{
    int64_t v;
    if (scan_duration(s, &v)) {
        *ret = now - v;
        return 0;
    }
    if (parse_rfc3339(s, &v) || parse_unix(s, &v)) {
        *ret = v;
        return 0;
    }
    return ctrctl_error("invalid %s \"%s\": use an RFC 3339 time (2006-01-02T15:04:05Z), a Unix time, or a "
                        "duration such as 10m, 1h30m or 5s",
                        what, s);
}

void human_duration(int64_t ns, char *buf, size_t size)
{
    int64_t sec = ns / 1000000000, min = sec / 60, hours = (sec + 1800) / 3600;
    if (sec < 1)
        snprintf(buf, size, "Less than a second");
    else if (sec == 1)
        snprintf(buf, size, "1 second");
    else if (sec < 60)
        snprintf(buf, size, "%lld seconds", (long long)sec);
    else if (min == 1)
        snprintf(buf, size, "About a minute");
    else if (min < 60)
        snprintf(buf, size, "%lld minutes", (long long)min);
    else if (hours == 1)
        snprintf(buf, size, "About an hour");
    else if (hours < 48)
        snprintf(buf, size, "%lld hours", (long long)hours);
    else if (hours < 24 * 7 * 2)
        snprintf(buf, size, "%lld days", (long long)(hours / 24));
    else if (hours < 24 * 30 * 2)
        snprintf(buf, size, "%lld weeks", (long long)(hours / 24 / 7));
    else if (hours < 24 * 365 * 2)
        snprintf(buf, size, "%lld months", (long long)(hours / 24 / 30));
    else
        snprintf(buf, size, "%lld years", (long long)(hours / 24 / 365));
}

void format_time(int64_t ns, char *buf, size_t size)
{
    time_t t = (time_t)(ns / 1000000000);
    struct tm tm;
    char date[32] = "";
    if (gmtime_r(&t, &tm))
        strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(buf, size, "%s.%09lldZ", date, (long long)(ns % 1000000000));
}

void json_string(FILE *f, const char *s)
{
    if (!s) {
        fputs("null", f);
        return;
    }
    fputc('"', f);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        switch (*p) {
        case '"': fputs("\\\"", f); break;
        case '\\': fputs("\\\\", f); break;
        case '\n': fputs("\\n", f); break;
        case '\r': fputs("\\r", f); break;
        case '\t': fputs("\\t", f); break;
        default:
            if (*p < 0x20)
                fprintf(f, "\\u%04x", *p);
            else
                fputc(*p, f);
        }
    }
    fputc('"', f);
}

/* podman's patterns (libpod/oci_conmon_common.go, getOCIRuntimeError). */
int start_error_exit_code(void)
{
    const char *m = ctr_error_last()->message;
    if (ctr_error_last()->code != -EIO) /* not the runtime's own failure */
        return EXIT_ENGINE;
    if (strncmp(m, "network ", 8) == 0) /* a CNI plugin's failure, not the command's */
        return EXIT_ENGINE;
    if (strcasestr(m, "executable file not found") || strcasestr(m, "no such file or directory") ||
        strcasestr(m, "command not found") || strcasestr(m, ": not found"))
        return EXIT_NOT_FOUND;
    if (strcasestr(m, "permission denied") || strcasestr(m, "operation not permitted") ||
        strcasestr(m, "exec format error"))
        return EXIT_CANNOT_RUN;
    return EXIT_ENGINE;
}

int ctrctl_print_template(const tmpl_t *t, json_object *headers, const tmpl_schema_t *header_schema,
                          json_object *docs, const tmpl_schema_t *schema)
{
    tmpl_buf_t out = { 0 }, aligned = { 0 };
    char *error = NULL;
    int r = headers ? tmpl_execute(t, headers, header_schema, &out, &error) : 0;
    if (r == 0)
        r = docs ? tmpl_execute(t, docs, schema, &out, &error) : -ENOMEM;
    /* As podman: what was printed before an error is shown, then the error. */
    int q = tmpl_is_table(t) ? tmpl_tabwrite(out.data ? out.data : "", out.len, &aligned) : 0;
    const tmpl_buf_t *shown = tmpl_is_table(t) ? &aligned : &out;
    if (q == 0 && shown->len)
        fwrite(shown->data, 1, shown->len, stdout);
    fflush(stdout);
    if (r == -EINVAL)
        ctrctl_error("%s", error);
    else if (r < 0 || q < 0)
        ctrctl_error("out of memory");
    free(error);
    tmpl_buf_free(&out);
    tmpl_buf_free(&aligned);
    return r < 0 || q < 0 ? EXIT_ENGINE : 0;
}
