/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>
#include <stdio.h>

#include "error.h"
#include "net/etc-files.h"

void ctr__hostname(const struct ctr__config *cfg, char *buf, size_t size)
{
    snprintf(buf, size, "%.*s", cfg->hostname ? 64 : 12, cfg->hostname ? cfg->hostname : cfg->id);
}

void ctr__etc_files_done(struct ctr__etc_files *f)
{
    free(f->hosts);
    free(f->resolv_conf);
    free(f->hostname);
    memset(f, 0, sizeof *f);
}

/* Append s to a growing buffer. */
struct buf {
    char *p;
    size_t len, cap;
    bool oom;
};

static void put(struct buf *b, const char *s)
{
    size_t n = strlen(s);
    if (b->oom)
        return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = (b->len + n + 1) * 2;
        char *p = realloc(b->p, cap);
        if (!p) {
            b->oom = true;
            return;
        }
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->len, s, n + 1);
    b->len += n;
}

static bool loopback_server(const char *line)
{
    const char *p = line + strlen("nameserver");
    while (*p == ' ' || *p == '\t')
        p++;
    return strncmp(p, "127.", 4) == 0 || strncmp(p, "::1", 3) == 0;
}

/* resolv.conf: the host's, with the config's servers, search domains and
 * options replacing the host's when given.  Loopback servers (a host stub
 * resolver) are useless in a network namespace: they are dropped, and the
 * stub's upstream file is used when there is one. */
static int make_resolv(const struct ctr__config *cfg, struct buf *b)
{
    _cleanup_free_ char *host = NULL;
    if (ctr__read_file_at(AT_FDCWD, "/run/systemd/resolve/resolv.conf", &host, NULL) < 0 &&
        ctr__read_file_at(AT_FDCWD, "/etc/resolv.conf", &host, NULL) < 0)
        host = NULL;
    bool own_servers = cfg->dns_servers[0], own_search = cfg->dns_search[0], own_options = cfg->dns_options[0];
    char *save = NULL;
    for (char *line = host ? strtok_r(host, "\n", &save) : NULL; line; line = strtok_r(NULL, "\n", &save)) {
        if (strncmp(line, "nameserver", 10) == 0) {
            if (own_servers || loopback_server(line))
                continue;
        } else if (strncmp(line, "search", 6) == 0 || strncmp(line, "domain", 6) == 0) {
            if (own_search)
                continue;
        } else if (strncmp(line, "options", 7) == 0) {
            if (own_options)
                continue;
        } else {
            continue; /* comments and anything else */
        }
        put(b, line);
        put(b, "\n");
    }
    if (own_search) {
        put(b, "search");
        for (char **s = cfg->dns_search; *s; s++) {
            put(b, " ");
            put(b, *s);
        }
        put(b, "\n");
    }
    for (char **s = cfg->dns_servers; *s; s++) {
        put(b, "nameserver ");
        put(b, *s);
        put(b, "\n");
    }
    if (own_options) {
        put(b, "options");
        for (char **s = cfg->dns_options; *s; s++) {
            put(b, " ");
            put(b, *s);
        }
        put(b, "\n");
    }
    return b->oom ? -ENOMEM : 0;
}

static int make_hosts(const struct ctr__config *cfg, const char *ip, const char *hostname, struct buf *b)
{
    put(b, "127.0.0.1\tlocalhost localhost.localdomain\n");
    put(b, "::1\tlocalhost localhost.localdomain ip6-localhost ip6-loopback\n");
    for (char **h = cfg->hosts_add; *h; h++) {
        /* HOST:IP, the IP possibly an IPv6 address with colons. */
        const char *colon = strchr(*h, ':');
        if (!colon || colon == *h || !colon[1])
            return ctr__err(-EINVAL, "host entry \"%s\" is not HOST:IP", *h);
        put(b, colon + 1);
        put(b, "\t");
        char host[256];
        snprintf(host, sizeof host, "%.*s", (int)(colon - *h), *h);
        put(b, host);
        put(b, "\n");
    }
    put(b, ip ? ip : "127.0.1.1");
    put(b, "\t");
    put(b, hostname);
    if (!streq(hostname, cfg->name)) {
        put(b, " ");
        put(b, cfg->name);
    }
    put(b, "\n");
    return b->oom ? -ENOMEM : 0;
}

static int write_one(int dfd, const char *dir, const char *name, struct buf *b, char **ret_path)
{
    int r = ctr__write_file_at(dfd, name, b->p ? b->p : "", b->len, 0644, false);
    if (r < 0)
        return ctr__err(r, "cannot write %s/%s: %s", dir, name, strerror(-r));
    *ret_path = ctr__asprintf("%s/%s", dir, name);
    return *ret_path ? 0 : -ENOMEM;
}

int ctr__etc_files_write(const struct ctr__config *cfg, const char *dir, const char *ip, struct ctr__etc_files *ret)
{
    char hostname[72];
    ctr__hostname(cfg, hostname, sizeof hostname);
    _cleanup_close_ int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0)
        return ctr__err(-errno, "cannot open %s: %m", dir);
    struct ctr__etc_files f = { 0 };
    struct buf hosts = { 0 }, resolv = { 0 }, name = { 0 };
    int r = make_hosts(cfg, ip, hostname, &hosts);
    if (r == 0)
        r = make_resolv(cfg, &resolv);
    put(&name, hostname);
    put(&name, "\n");
    if (r == 0 && name.oom)
        r = -ENOMEM;
    if (r == 0)
        r = write_one(dfd, dir, "hosts", &hosts, &f.hosts);
    if (r == 0)
        r = write_one(dfd, dir, "resolv.conf", &resolv, &f.resolv_conf);
    if (r == 0)
        r = write_one(dfd, dir, "hostname", &name, &f.hostname);
    free(hosts.p);
    free(resolv.p);
    free(name.p);
    if (r < 0) {
        ctr__etc_files_done(&f);
        return r;
    }
    *ret = f;
    return 0;
}
