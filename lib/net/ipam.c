/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* host-local compatible address allocation on disk. */
#include "net/ipam.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/file.h>
#include <sys/stat.h>

#include "base/error.h"

#define LAST_RESERVED "last_reserved_ip.0"

int ctr__ipam_range_init(struct ctr__ipam_range *r, uint32_t subnet, unsigned prefix, uint32_t gateway)
{
    if (prefix > 30)
        return -EINVAL;
    uint32_t mask = prefix ? ~0u << (32 - prefix) : 0;
    memset(r, 0, sizeof *r);
    r->subnet = subnet & mask;
    r->prefix = prefix;
    r->start = r->subnet + 1;
    r->end = (r->subnet | ~mask) - 1;
    r->gateway = gateway ? gateway : r->subnet + 1;
    if ((r->gateway & mask) != r->subnet)
        return -EINVAL;
    return 0;
}

static void fmt_addr(uint32_t a, char *buf, size_t size)
{
    struct in_addr in = { .s_addr = htonl(a) };
    inet_ntop(AF_INET, &in, buf, (socklen_t)size);
}

/* The directory, made when missing, opened and locked: *ret_dfd, *ret_lock. */
static int store_open(const char *dir, bool create, int *ret_dfd, int *ret_lock)
{
    if (create) {
        int r = ctr__mkdir_p(dir, 0755);
        if (r < 0)
            return ctr__err(r, "IPAM: cannot create %s: %s", dir, strerror(-r));
    }
    _cleanup_close_ int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0)
        return errno == ENOENT && !create ? -ENOENT : ctr__err(-errno, "IPAM: cannot open %s: %m", dir);
    _cleanup_close_ int lk = openat(dfd, "lock", O_RDONLY | O_CREAT | O_CLOEXEC, 0600);
    if (lk < 0)
        return ctr__err(-errno, "IPAM: cannot open %s/lock: %m", dir);
    while (flock(lk, LOCK_EX) < 0)
        if (errno != EINTR)
            return ctr__err(-errno, "IPAM: cannot lock %s/lock: %m", dir);
    *ret_dfd = TAKE_FD(dfd);
    *ret_lock = TAKE_FD(lk);
    return 0;
}

/* What a reservation file of (container, interface) holds, as host-local
 * writes it (@want, 512 bytes), and the ID alone of its older format (@old,
 * 512 bytes); both compared stripped, as host-local does. */
static void owner_strings(const char *container_id, const char *ifname, char *want, char *old)
{
    snprintf(want, 512, "%s\r\n%s", container_id, ifname);
    ctr__strstrip(want);
    snprintf(old, 512, "%s", container_id);
    ctr__strstrip(old);
}

/* Whether dirfd/name (an address file) names an IPv4 address; *ret_addr. */
static bool addr_file(const char *name, uint32_t *ret_addr)
{
    struct in_addr in;
    if (inet_pton(AF_INET, name, &in) != 1)
        return false;
    *ret_addr = ntohl(in.s_addr);
    return true;
}

/* The owner recorded in an address file, whitespace-trimmed, into buf. */
static bool read_owner(int dfd, const char *name, char *buf, size_t size)
{
    _cleanup_close_ int fd = openat(dfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0)
        return false;
    ssize_t n = read(fd, buf, size - 1);
    if (n < 0)
        return false;
    buf[n] = '\0';
    ctr__strstrip(buf);
    return true;
}

static bool in_range(const struct ctr__ipam_range *r, uint32_t a)
{
    return a >= r->start && a <= r->end;
}

static void closedirp(DIR **d)
{
    if (*d)
        closedir(*d);
}

/* -EEXIST when the store holds an address of @ranges for @want (or @old):
 * no second address for the same container and interface. */
static int check_duplicate(int dfd, const char *dir, const struct ctr__ipam_range *ranges, size_t n,
                           const char *want, const char *old, const char *container_id)
{
    _cleanup_(closedirp) DIR *d = ctr__opendir_fd(dfd);
    if (!d)
        return ctr__err(-errno, "IPAM: cannot read %s: %m", dir);
    char owner[600];
    struct dirent *de;
    while ((de = readdir(d))) {
        uint32_t a;
        if (!addr_file(de->d_name, &a) || !read_owner(dfd, de->d_name, owner, sizeof owner))
            continue;
        if (!streq(owner, want) && !streq(owner, old))
            continue;
        for (size_t i = 0; i < n; i++) {
            if (!in_range(&ranges[i], a))
                continue;
            char s[INET_ADDRSTRLEN];
            fmt_addr(a, s, sizeof s);
            return ctr__err(-EEXIST, "IPAM: %s has been allocated to %s, duplicate allocation is not allowed", s,
                            container_id);
        }
    }
    return 0;
}

/* Where to start: after the last reserved address when it is in a range
 * (then true), else at the first range's start. */
static bool start_point(int dfd, const struct ctr__ipam_range *ranges, size_t n, size_t *ret_range, uint32_t *ret_addr)
{
    *ret_range = 0;
    *ret_addr = ranges[0].start;
    char text[64];
    _cleanup_close_ int fd = openat(dfd, LAST_RESERVED, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    ssize_t k = fd >= 0 ? read(fd, text, sizeof text - 1) : -1;
    if (k <= 0)
        return false;
    text[k] = '\0';
    ctr__strstrip(text);
    uint32_t last;
    if (!addr_file(text, &last))
        return false;
    for (size_t i = 0; i < n; i++)
        if (in_range(&ranges[i], last)) {
            *ret_range = i;
            *ret_addr = last;
            return true;
        }
    return false;
}

/* Take address file @s (its text: @want) and record it as the last
 * reserved one.  0; -EEXIST when it is taken; -errno with a detail. */
static int reserve(int dfd, const char *dir, const char *s, const char *want)
{
    _cleanup_close_ int fd = openat(dfd, s, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0644);
    if (fd < 0 && errno == EEXIST)
        return -EEXIST;
    if (fd < 0)
        return ctr__err(-errno, "IPAM: cannot create %s/%s: %m", dir, s);
    int r = ctr__write_all(fd, want, strlen(want));
    if (r < 0) {
        unlinkat(dfd, s, 0);
        return ctr__err(r, "IPAM: cannot write %s/%s: %s", dir, s, strerror(-r));
    }
    _cleanup_close_ int last_fd = openat(dfd, LAST_RESERVED, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
    if (last_fd < 0 || (r = ctr__write_all(last_fd, s, strlen(s))) < 0) {
        r = last_fd < 0 ? -errno : r;
        unlinkat(dfd, s, 0);
        return ctr__err(r, "IPAM: cannot write %s/" LAST_RESERVED ": %s", dir, strerror(-r));
    }
    return 0;
}

static bool is_gateway(const struct ctr__ipam_range *ranges, size_t n, uint32_t a)
{
    for (size_t i = 0; i < n; i++)
        if (ranges[i].gateway == a)
            return true;
    return false;
}

int ctr__ipam_alloc(const char *dir, const struct ctr__ipam_range *ranges, size_t n, const char *container_id,
                    const char *ifname, uint32_t *ret_addr, size_t *ret_range)
{
    if (!dir || !ranges || n == 0 || isempty(container_id) || isempty(ifname))
        return ctr__err(-EINVAL, "IPAM: invalid argument");
    _cleanup_close_ int dfd = -1, lk = -1;
    int r = store_open(dir, true, &dfd, &lk);
    if (r < 0)
        return r;
    char want[512], old[512];
    owner_strings(container_id, ifname, want, old);
    if ((r = check_duplicate(dfd, dir, ranges, n, want, old, container_id)) < 0)
        return r;
    size_t ri;
    uint32_t cur;
    bool after_last = start_point(dfd, ranges, n, &ri, &cur);
    /* host-local's iterator: from the first range's start, or right after
     * the last reserved address (which then comes last, and is not tried
     * again), range by range, wrapping. */
    uint64_t total = 0;
    for (size_t i = 0; i < n; i++)
        total += (uint64_t)(ranges[i].end - ranges[i].start) + 1;
    if (after_last)
        total--;
    for (uint64_t step = 0; step < total; step++) {
        if (after_last || step > 0) {
            if (cur >= ranges[ri].end) {
                ri = (ri + 1) % n;
                cur = ranges[ri].start;
            } else {
                cur++;
            }
        }
        if (is_gateway(ranges, n, cur))
            continue;
        char s[INET_ADDRSTRLEN];
        fmt_addr(cur, s, sizeof s);
        r = reserve(dfd, dir, s, want);
        if (r == -EEXIST)
            continue;
        if (r < 0)
            return r;
        *ret_addr = cur;
        *ret_range = ri;
        return 0;
    }
    return ctr__err(-ENOSPC, "IPAM: no IP addresses available in the range set of %s", dir);
}

int ctr__ipam_release(const char *dir, const char *container_id, const char *ifname, uint32_t *ret_addr)
{
    if (ret_addr)
        *ret_addr = 0;
    if (!dir || isempty(container_id) || isempty(ifname))
        return ctr__err(-EINVAL, "IPAM: invalid argument");
    _cleanup_close_ int dfd = -1, lk = -1;
    int r = store_open(dir, false, &dfd, &lk);
    if (r == -ENOENT)
        return 0;
    if (r < 0)
        return r;
    char want[512], old[512], owner[600];
    owner_strings(container_id, ifname, want, old);
    for (int pass = 0; pass < 2; pass++) {
        _cleanup_(closedirp) DIR *d = ctr__opendir_fd(dfd);
        if (!d)
            return ctr__err(-errno, "IPAM: cannot read %s: %m", dir);
        rewinddir(d); /* the duplicate shares the offset of the pass before */
        bool found = false;
        struct dirent *de;
        while ((de = readdir(d))) {
            uint32_t a;
            if (!addr_file(de->d_name, &a) || !read_owner(dfd, de->d_name, owner, sizeof owner))
                continue;
            if (!streq(owner, pass == 0 ? want : old))
                continue;
            if (unlinkat(dfd, de->d_name, 0) < 0 && errno != ENOENT)
                return ctr__err(-errno, "IPAM: cannot remove %s/%s: %m", dir, de->d_name);
            if (ret_addr && !*ret_addr)
                *ret_addr = a;
            found = true;
        }
        if (found)
            break;
    }
    return 0;
}
