/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nftables scripts for native bridge networks, applied with `nft -f -`. */
#include "net/nat.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/wait.h>

#include "base/error.h"
#include "base/subprocess.h"

#define T "ip " CTR__NAT_TABLE
/* ADD/DEL take it shared, the removal of the table exclusive.  The table is
 * the host's, shared by every libctr runtime whatever its run root, so the
 * lock is too: in a directory of libctr's own, made on first use (a fresh
 * system has no /run/lock). */
#define LOCK_DIR "/run/libctr-nat"
#define LOCK_PATH LOCK_DIR "/lock"

/* nft's path, looked up once per process (PATH, then the usual directories);
 * NULL while it is not installed. */
static const char *nft_path(void)
{
    static char *found;
    char *p = __atomic_load_n(&found, __ATOMIC_ACQUIRE);
    if (p)
        return p;
    if (ctr__find_program("nft", &p) < 0)
        return NULL;
    char *expected = NULL;
    if (!__atomic_compare_exchange_n(&found, &expected, p, false, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
        free(p); /* another thread found it first */
        return expected;
    }
    return p;
}

bool ctr__nat_available(void)
{
    return nft_path() != NULL;
}

static const char declaration[] =
    "add table " T "\n"
    "add chain " T " prerouting { type nat hook prerouting priority dstnat; policy accept; }\n"
    "add chain " T " output { type nat hook output priority -100; policy accept; }\n"
    "add chain " T " postrouting { type nat hook postrouting priority srcnat; policy accept; }\n"
    "add chain " T " hostports\n"
    "add set " T " masq { type ipv4_addr; }\n"
    "add set " T " nomasq { type ipv4_addr . ipv4_addr; flags interval; }\n"
    "add set " T " published { type ipv4_addr; }\n"
    "add set " T " hairpin { type ipv4_addr . ipv4_addr; }\n"
    "add map " T " hostport_ip { type ipv4_addr . inet_proto . inet_service : ipv4_addr . inet_service; }\n"
    "add map " T " hostport_any { type inet_proto . inet_service : ipv4_addr . inet_service; }\n"
    "flush chain " T " prerouting\n"
    "flush chain " T " output\n"
    "flush chain " T " postrouting\n"
    "flush chain " T " hostports\n"
    "add rule " T " prerouting fib daddr type local jump hostports\n"
    "add rule " T " output fib daddr type local jump hostports\n"
    "add rule " T " hostports dnat to ip daddr . meta l4proto . th dport map @hostport_ip\n"
    "add rule " T " hostports dnat to meta l4proto . th dport map @hostport_any\n"
    "add rule " T " postrouting ct status dnat ip daddr @published ip saddr 127.0.0.0/8 masquerade\n"
    "add rule " T " postrouting ct status dnat ip saddr . ip daddr @hairpin masquerade\n"
    "add rule " T " postrouting ip saddr . ip daddr @nomasq return\n"
    "add rule " T " postrouting ip saddr @masq ip daddr != 224.0.0.0/4 masquerade\n";

/* One element line (or the add/delete pair). */
static void _printf_(4, 5) element(struct ctr__buf *b, bool add, const char *set, const char *fmt, ...)
{
    char e[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e, sizeof e, fmt, ap);
    va_end(ap);
    ctr__buf_printf(b, "add element " T " %s { %s }\n", set, e);
    if (!add)
        ctr__buf_printf(b, "delete element " T " %s { %s }\n", set, e);
}

static void fmt_addr(uint32_t a, char *buf)
{
    struct in_addr in = { .s_addr = htonl(a) };
    inet_ntop(AF_INET, &in, buf, INET_ADDRSTRLEN);
}

char *ctr__nat_script(const struct ctr__nat_entry *e, bool add, bool declare)
{
    struct ctr__buf b = { 0 };
    char addr[INET_ADDRSTRLEN], subnet[INET_ADDRSTRLEN], host[INET_ADDRSTRLEN];
    fmt_addr(e->addr, addr);
    fmt_addr(e->subnet, subnet);
    ctr__buf_put(&b, declare ? declaration : "");
    if (e->masquerade) {
        element(&b, add, "masq", "%s", addr);
        element(&b, add, "nomasq", "%s . %s/%u", addr, subnet, e->prefix);
    }
    if (e->n_ports) {
        element(&b, add, "published", "%s", addr);
        element(&b, add, "hairpin", "%s . %s", addr, addr);
    }
    for (size_t i = 0; i < e->n_ports; i++) {
        const struct ctr__nat_port *p = &e->ports[i];
        if (p->host_ip) {
            fmt_addr(p->host_ip, host);
            element(&b, add, "hostport_ip", "%s . %s . %u : %s . %u", host, p->proto, p->host_port, addr,
                    p->container_port);
        } else {
            element(&b, add, "hostport_any", "%s . %u : %s . %u", p->proto, p->host_port, addr, p->container_port);
        }
    }
    char *script = NULL;
    return ctr__buf_finish(&b, &script) < 0 ? NULL : script;
}

/* A memfd holding text, read from its start. */
static int memfd_with(const char *name, const char *text)
{
    _cleanup_close_ int fd = memfd_create(name, MFD_CLOEXEC);
    if (fd < 0)
        return -errno;
    int r = ctr__write_all(fd, text, strlen(text));
    if (r < 0)
        return r;
    return lseek(fd, 0, SEEK_SET) < 0 ? -errno : TAKE_FD(fd);
}

/* nft's first line of complaint, or how it ended. */
static void nft_message(int err_fd, int status, char *msg, size_t msg_size)
{
    _cleanup_free_ char *text = ctr__memfd_read(err_fd, 0);
    snprintf(msg, msg_size, "%s", text ? ctr__strstrip(text) : "");
    /* One line is enough: nft repeats the offending line and a caret. */
    char *nl = strchr(msg, '\n');
    if (nl)
        *nl = '\0';
    if (!*msg)
        ctr__spawn_status_string(status, msg, msg_size);
}

/* Run `nft -f -` on a script.  0; -EIO with nft's message in *msg. */
static int nft_run(const char *script, char *msg, size_t msg_size)
{
    msg[0] = '\0';
    const char *path = nft_path();
    if (!path) {
        snprintf(msg, msg_size, "nft not found");
        return -ENOENT;
    }
    _cleanup_close_ int in = memfd_with("nft-script", script);
    _cleanup_close_ int err = memfd_create("nft-stderr", MFD_CLOEXEC);
    if (in < 0 || err < 0) {
        int r = in < 0 ? in : -errno;
        snprintf(msg, msg_size, "cannot hand nft its script: %s", strerror(-r));
        return r;
    }
    char *argv[] = { (char *)path, "-f", "-", NULL };
    struct ctr__spawn s = { .path = path, .argv = argv, .fds = { in, -1, err }, .n_fds = 3 };
    int status = 0;
    int r = ctr__spawn_run(&s, "nft", &status);
    if (r < 0) {
        snprintf(msg, msg_size, "cannot run %s: %s", path, ctr_error_last()->message);
        return r;
    }
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
        return 0;
    nft_message(err, status, msg, msg_size);
    return -EIO;
}

static int lock_take(int how)
{
    int fd = open(LOCK_PATH, O_RDONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0 && errno == ENOENT && ctr__mkdir_p(LOCK_DIR, 0700) == 0)
        fd = open(LOCK_PATH, O_RDONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0)
        return ctr__err(-errno, "cannot open %s: %m", LOCK_PATH);
    while (flock(fd, how) < 0)
        if (errno != EINTR) {
            int r = -errno;
            close(fd);
            return ctr__err(r, "cannot lock %s: %s", LOCK_PATH, strerror(-r));
        }
    return fd;
}

int ctr__nat_add(const struct ctr__nat_entry *e)
{
    _cleanup_free_ char *elems = ctr__nat_script(e, true, false);
    if (!elems)
        return ctr__oom("the nftables script");
    if (!*elems)
        return 0;
    _cleanup_close_ int lk = lock_take(LOCK_SH);
    if (lk < 0)
        return lk;
    char msg[1024];
    /* Usually the table is there: the elements alone (one small
     * transaction); else, or when it is stale, the whole declaration. */
    int r = nft_run(elems, msg, sizeof msg);
    if (r == 0)
        return 0;
    _cleanup_free_ char *all = ctr__nat_script(e, true, true);
    if (!all)
        return ctr__oom("the nftables script");
    r = nft_run(all, msg, sizeof msg);
    if (r < 0)
        return ctr__err(r, "nftables (table ip " CTR__NAT_TABLE "): %s", msg);
    return 0;
}

int ctr__nat_del(const struct ctr__nat_entry *e)
{
    _cleanup_free_ char *script = ctr__nat_script(e, false, false);
    if (!script)
        return ctr__oom("the nftables script");
    if (!*script)
        return 0;
    _cleanup_close_ int lk = lock_take(LOCK_SH);
    if (lk < 0)
        return lk;
    char msg[1024];
    int r = nft_run(script, msg, sizeof msg);
    if (r == 0 || strstr(msg, "No such file or directory"))
        return 0; /* done, or no table: nothing to delete */
    /* One element may be in the way (a host port another container holds
     * now, with other data): each element on its own, in the rare case. */
    int first = r;
    char first_msg[1024];
    snprintf(first_msg, sizeof first_msg, "%s", msg);
    bool all_ok = true;
    for (char *line = script; *line;) {
        char *end = strchr(line, '\n'), *end2 = end ? strchr(end + 1, '\n') : NULL;
        if (!end || !end2)
            break;
        char pair[600];
        snprintf(pair, sizeof pair, "%.*s", (int)(end2 + 1 - line), line);
        if (nft_run(pair, msg, sizeof msg) < 0 && !strstr(msg, "Device or resource busy") &&
            !strstr(msg, "File exists"))
            all_ok = false;
        line = end2 + 1;
    }
    if (all_ok)
        return 0;
    return ctr__err(first, "nftables (table ip " CTR__NAT_TABLE "): %s", first_msg);
}

int ctr__nat_remove_if_unused(void)
{
    const char *path = nft_path();
    if (!path)
        return 0;
    _cleanup_close_ int lk = lock_take(LOCK_EX);
    if (lk < 0)
        return lk;
    /* The table's listing: no "elements =" line means every set is empty. */
    _cleanup_close_ int out = memfd_create("nft-list", MFD_CLOEXEC);
    if (out < 0)
        return ctr__err(-errno, "memfd_create: %m");
    char *argv[] = { (char *)path, "list", "table", "ip", CTR__NAT_TABLE, NULL };
    struct ctr__spawn s = { .path = path, .argv = argv, .fds = { -1, out, -1 }, .n_fds = 3 };
    int status = 0;
    int r = ctr__spawn_run(&s, "nft", &status);
    if (r < 0)
        return r;
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        return 0; /* no table */
    _cleanup_free_ char *text = ctr__memfd_read(out, 0);
    if (!text)
        return ctr__oom("nft's listing");
    if (strstr(text, "elements = "))
        return 0; /* in use (another runtime's containers) */
    char msg[1024];
    r = nft_run("delete table " T "\n", msg, sizeof msg);
    if (r < 0 && !strstr(msg, "No such file or directory"))
        return ctr__err(r, "nftables: cannot delete table ip " CTR__NAT_TABLE ": %s", msg);
    return 0;
}
