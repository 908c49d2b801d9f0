/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "net/etc-files.h"

#include <fcntl.h>
#include <stdio.h>

#include "base/error.h"

#define HOST_RESOLV_CONF "/etc/resolv.conf"
#define STUB_UPSTREAM "/run/systemd/resolve/resolv.conf"

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

/* The keyword of a resolv.conf line, and its value (after blanks). */
static bool keyword(const char *line, const char *kw, const char **ret_value)
{
    size_t n = strlen(kw);
    if (strncmp(line, kw, n) != 0 || (line[n] != ' ' && line[n] != '\t'))
        return false;
    const char *v = line + n;
    while (*v == ' ' || *v == '\t')
        v++;
    *ret_value = v;
    return true;
}

static bool loopback_server(const char *addr)
{
    return strncmp(addr, "127.", 4) == 0 || strncmp(addr, "::1", 3) == 0 ||
           strncmp(addr, "0:0:0:0:0:0:0:1", 15) == 0;
}

/* Count the usable name servers of a resolv.conf text. */
static size_t usable_servers(const char *text, bool host_network)
{
    size_t n = 0;
    for (const char *line = text; line && *line;) {
        const char *end = strchr(line, '\n'), *v;
        size_t len = end ? (size_t)(end - line) : strlen(line);
        char buf[512];
        snprintf(buf, sizeof buf, "%.*s", (int)(len < sizeof buf ? len : sizeof buf - 1), line);
        if (keyword(buf, "nameserver", &v) && (host_network || !loopback_server(v)))
            n++;
        line = end ? end + 1 : NULL;
    }
    return n;
}

static void put_list(struct ctr__buf *b, const char *kw, char *const *v)
{
    ctr__buf_put(b, kw);
    for (; *v; v++) {
        ctr__buf_put(b, " ");
        ctr__buf_put(b, *v);
    }
    ctr__buf_put(b, "\n");
}

int ctr__resolv_conf_generate(const struct ctr__config *cfg, const char *host, const char *upstream, bool host_network,
                              char **ret)
{
    bool own_servers = cfg->dns_servers[0], own_search = cfg->dns_search[0], own_options = cfg->dns_options[0];
    /* Behind a stub resolver, its upstream servers are the host's real ones. */
    if (!host_network && !own_servers && upstream && usable_servers(host, false) == 0 &&
        usable_servers(upstream, false) > 0)
        host = upstream;
    struct ctr__buf b = { 0 };
    size_t servers = 0;
    for (const char *p = host; p && *p;) {
        const char *end = strchr(p, '\n'), *v;
        size_t len = end ? (size_t)(end - p) : strlen(p);
        char l[1024];
        bool too_long = len >= sizeof l;
        if (!too_long) {
            memcpy(l, p, len);
            l[len] = '\0';
        }
        p = end ? end + 1 : NULL;
        if (too_long)
            continue; /* not a line a resolver would take either */
        ctr__strstrip(l);
        if (keyword(l, "nameserver", &v)) {
            if (own_servers || (!host_network && loopback_server(v)))
                continue;
            servers++;
        } else if (keyword(l, "search", &v) || keyword(l, "domain", &v)) {
            if (own_search)
                continue;
        } else if (keyword(l, "options", &v)) {
            if (own_options)
                continue;
        } else {
            continue; /* comments and anything else */
        }
        ctr__buf_put(&b, l);
        ctr__buf_put(&b, "\n");
    }
    if (own_search)
        put_list(&b, "search", cfg->dns_search);
    for (char **s = cfg->dns_servers; *s; s++) {
        ctr__buf_put(&b, "nameserver ");
        ctr__buf_put(&b, *s);
        ctr__buf_put(&b, "\n");
        servers++;
    }
    if (servers == 0)
        ctr__buf_put(&b, "nameserver 8.8.8.8\nnameserver 8.8.4.4\n");
    if (own_options)
        put_list(&b, "options", cfg->dns_options);
    if (ctr__buf_finish(&b, ret) < 0)
        return ctr__oom("resolv.conf");
    return 0;
}

int ctr__hosts_generate(const struct ctr__config *cfg, const char *ip, char **ret)
{
    char hostname[72];
    ctr__hostname(cfg, hostname, sizeof hostname);
    struct ctr__buf b = { 0 };
    ctr__buf_put(&b, "127.0.0.1\tlocalhost localhost.localdomain localhost4 localhost4.localdomain4\n");
    ctr__buf_put(&b, "::1\tlocalhost localhost.localdomain localhost6 localhost6.localdomain6\n");
    for (char **h = cfg->hosts_add; *h; h++) {
        /* HOST:IP, the IP possibly an IPv6 address with colons. */
        const char *colon = strchr(*h, ':');
        if (!colon || colon == *h || !colon[1] || colon - *h > 253 || strpbrk(*h, " \t\n")) {
            free(b.p);
            return ctr__err(-EINVAL, "host entry \"%s\" is not HOST:IP", *h);
        }
        char host[256];
        snprintf(host, sizeof host, "%.*s", (int)(colon - *h), *h);
        ctr__buf_put(&b, colon + 1);
        ctr__buf_put(&b, "\t");
        ctr__buf_put(&b, host);
        ctr__buf_put(&b, "\n");
    }
    ctr__buf_put(&b, ip ? ip : "127.0.1.1");
    ctr__buf_put(&b, "\t");
    ctr__buf_put(&b, hostname);
    if (!streq(hostname, cfg->name)) {
        ctr__buf_put(&b, " ");
        ctr__buf_put(&b, cfg->name);
    }
    ctr__buf_put(&b, "\n");
    if (ctr__buf_finish(&b, ret) < 0)
        return ctr__oom("the hosts file");
    return 0;
}

static int write_one(int dfd, const char *dir, const char *name, const char *text, char **ret_path)
{
    int r = ctr__write_file_at(dfd, name, text, strlen(text), 0644, false);
    if (r < 0)
        return ctr__err(r, "cannot write %s/%s: %s", dir, name, strerror(-r));
    *ret_path = ctr__asprintf("%s/%s", dir, name);
    return *ret_path ? 0 : ctr__oom("a path");
}

int ctr__etc_files_write(const struct ctr__config *cfg, const char *dir, const char *ip, struct ctr__etc_files *ret)
{
    char hostname[72];
    ctr__hostname(cfg, hostname, sizeof hostname);
    _cleanup_close_ int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0)
        return ctr__err(-errno, "cannot open %s: %m", dir);
    _cleanup_free_ char *host = NULL, *upstream = NULL, *hosts = NULL, *resolv = NULL, *name = NULL;
    if (ctr__read_file_at(AT_FDCWD, HOST_RESOLV_CONF, &host, NULL) < 0)
        host = NULL;
    if (ctr__read_file_at(AT_FDCWD, STUB_UPSTREAM, &upstream, NULL) < 0)
        upstream = NULL;
    int r;
    if ((r = ctr__hosts_generate(cfg, ip, &hosts)) < 0 ||
        (r = ctr__resolv_conf_generate(cfg, host, upstream, (cfg->flags & CTR_CREATE_HOST_NETWORK) != 0, &resolv)) < 0)
        return r;
    if (!(name = ctr__asprintf("%s\n", hostname)))
        return ctr__oom("the hostname file");
    _cleanup_(ctr__etc_files_done) struct ctr__etc_files f = { 0 };
    if ((r = write_one(dfd, dir, "hosts", hosts, &f.hosts)) < 0 ||
        (r = write_one(dfd, dir, "resolv.conf", resolv, &f.resolv_conf)) < 0 ||
        (r = write_one(dfd, dir, "hostname", name, &f.hostname)) < 0)
        return r;
    *ret = f;
    f = (struct ctr__etc_files){ 0 };
    return 0;
}

int ctr__etc_hosts_update(const struct ctr__config *cfg, const char *dir, const char *ip)
{
    _cleanup_free_ char *hosts = NULL, *path = ctr__asprintf("%s/hosts", dir);
    if (!path)
        return ctr__oom("a path");
    int r = ctr__hosts_generate(cfg, ip, &hosts);
    if (r < 0)
        return r;
    _cleanup_close_ int fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0)
        return ctr__err(-errno, "cannot open %s: %m", path);
    r = ctr__write_all(fd, hosts, strlen(hosts));
    if (r < 0)
        return ctr__err(r, "cannot write %s: %s", path, strerror(-r));
    return 0;
}
