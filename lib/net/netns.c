/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Network namespaces on files, loopback, and netlink link deletion. */
#include "net/netns.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include "base/error.h"
#include "net/cidr.h"

struct ns_job {
    const char *path;
    int err;          /* negative errno */
    const char *what; /* the failing step */
};

static int loopback_up(void)
{
    _cleanup_close_ int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (s < 0)
        return -errno;
    struct ifreq ifr = { 0 };
    snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "lo");
    if (ioctl(s, SIOCGIFFLAGS, &ifr) < 0)
        return -errno;
    ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
    if (ioctl(s, SIOCSIFFLAGS, &ifr) < 0)
        return -errno;
    return 0;
}

/* Runs in a thread of its own: unshare() of the network namespace affects
 * only the calling thread, which ends right after, so the caller's threads
 * never change namespace. */
static void *ns_thread(void *userdata)
{
    struct ns_job *j = userdata;
    char src[64];
    if (unshare(CLONE_NEWNET) < 0) {
        j->err = -errno;
        j->what = "unshare(CLONE_NEWNET)";
        return NULL;
    }
    if ((j->err = loopback_up()) < 0) {
        j->what = "bringing the loopback interface up";
        return NULL;
    }
    snprintf(src, sizeof src, "/proc/self/task/%ld/ns/net", (long)syscall(SYS_gettid));
    if (mount(src, j->path, "none", MS_BIND, NULL) < 0) {
        j->err = -errno;
        j->what = "bind-mounting the namespace";
        return NULL;
    }
    j->err = 0;
    return NULL;
}

int ctr__netns_remove(const char *path)
{
    if (!path)
        return 0;
    if (umount2(path, MNT_DETACH) < 0 && errno != EINVAL && errno != ENOENT)
        return ctr__err(-errno, "cannot unmount the network namespace %s: %m", path);
    if (unlink(path) < 0 && errno != ENOENT)
        return ctr__err(-errno, "cannot remove %s: %m", path);
    return 0;
}

int ctr__netns_create(const char *dir, const char *name, char **ret_path)
{
    if (isempty(dir) || isempty(name) || strchr(name, '/') || !ret_path)
        return ctr__err(-EINVAL, "network namespace: invalid argument");
    int r = ctr__mkdir_p(dir, 0700);
    if (r < 0)
        return ctr__err(r, "cannot create %s: %s", dir, strerror(-r));
    _cleanup_free_ char *path = ctr__asprintf("%s/%s", dir, name);
    if (!path)
        return ctr__oom("the network namespace's path");
    /* A crash may have left one behind: replace it. */
    if ((r = ctr__netns_remove(path)) < 0)
        return r;
    _cleanup_close_ int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0)
        return ctr__err(-errno, "cannot create %s: %m", path);

    struct ns_job j = { .path = path, .err = -EIO, .what = "starting a thread" };
    pthread_t t;
    int e = pthread_create(&t, NULL, ns_thread, &j);
    if (e != 0) {
        unlink(path);
        return ctr__err(-e, "cannot create a network namespace: pthread_create: %s", strerror(e));
    }
    pthread_join(t, NULL);
    if (j.err < 0) {
        ctr__netns_remove(path);
        return ctr__err(j.err, "cannot create a network namespace at %s: %s: %s", path, j.what, strerror(-j.err));
    }
    *ret_path = TAKE_PTR(path);
    return 0;
}

bool ctr__link_exists(const char *ifname)
{
    return ifname && if_nametoindex(ifname) != 0;
}

int ctr__link_delete(const char *ifname)
{
    if (isempty(ifname) || strlen(ifname) >= IFNAMSIZ)
        return ctr__err(-EINVAL, "invalid interface name");
    unsigned idx = if_nametoindex(ifname);
    if (idx == 0)
        return -ENODEV;
    _cleanup_close_ int s = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
    if (s < 0)
        return ctr__err(-errno, "netlink socket: %m");
    struct {
        struct nlmsghdr nh;
        struct ifinfomsg ifi;
    } req = { 0 };
    req.nh.nlmsg_len = NLMSG_LENGTH(sizeof(struct ifinfomsg));
    req.nh.nlmsg_type = RTM_DELLINK;
    req.nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
    req.nh.nlmsg_seq = 1;
    req.ifi.ifi_family = AF_UNSPEC;
    req.ifi.ifi_index = (int)idx;
    struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
    if (sendto(s, &req, req.nh.nlmsg_len, 0, (struct sockaddr *)&sa, sizeof sa) < 0)
        return ctr__err(-errno, "netlink: cannot delete %s: %m", ifname);
    char buf[4096];
    for (;;) {
        ssize_t n = recv(s, buf, sizeof buf, 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return ctr__err(-errno, "netlink: cannot delete %s: %m", ifname);
        for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, (unsigned)n); h = NLMSG_NEXT(h, n)) {
            if (h->nlmsg_type != NLMSG_ERROR)
                continue;
            if (h->nlmsg_len < NLMSG_LENGTH(sizeof(struct nlmsgerr)))
                return ctr__err(-EIO, "netlink: short reply");
            struct nlmsgerr *e = NLMSG_DATA(h);
            if (e->error == -ENODEV)
                return -ENODEV;
            if (e->error < 0)
                return ctr__err(e->error, "cannot delete interface %s: %s", ifname, strerror(-e->error));
            return 0;
        }
    }
}

static void freeifaddrsp(struct ifaddrs **p)
{
    if (*p)
        freeifaddrs(*p);
}

int ctr__host_networks(int (*fn)(const char *ifname, int family, const unsigned char *addr, unsigned prefix,
                                 void *userdata),
                       void *userdata)
{
    _cleanup_(freeifaddrsp) struct ifaddrs *list = NULL;
    if (getifaddrs(&list) < 0)
        return ctr__err(-errno, "getifaddrs: %m");
    for (struct ifaddrs *i = list; i; i = i->ifa_next) {
        if (!i->ifa_addr || !i->ifa_netmask)
            continue;
        unsigned char addr[16], mask[16];
        size_t len;
        int family = i->ifa_addr->sa_family;
        if (family == AF_INET) {
            len = 4;
            memcpy(addr, &((struct sockaddr_in *)i->ifa_addr)->sin_addr, 4);
            memcpy(mask, &((struct sockaddr_in *)i->ifa_netmask)->sin_addr, 4);
        } else if (family == AF_INET6) {
            len = 16;
            memcpy(addr, &((struct sockaddr_in6 *)i->ifa_addr)->sin6_addr, 16);
            memcpy(mask, &((struct sockaddr_in6 *)i->ifa_netmask)->sin6_addr, 16);
        } else {
            continue;
        }
        unsigned prefix = 0;
        for (size_t k = 0; k < len; k++) {
            addr[k] &= mask[k];
            prefix += (unsigned)__builtin_popcount(mask[k]);
        }
        int r = fn(i->ifa_name, family, addr, prefix, userdata);
        if (r)
            return r;
    }
    return 0;
}

struct overlap {
    const struct ctr__cidr *want;
    const char *except;
    char *ifname, *net;
    size_t net_size;
};

static int overlap_one(const char *ifname, int family, const unsigned char *addr, unsigned prefix, void *userdata)
{
    struct overlap *o = userdata;
    struct ctr__cidr c = { .family = family, .prefix = prefix };
    memcpy(c.addr, addr, family == AF_INET ? 4 : 16);
    if ((o->except && streq(ifname, o->except)) || !ctr__cidr_overlap(&c, o->want))
        return 0;
    snprintf(o->ifname, IFNAMSIZ, "%s", ifname);
    ctr__cidr_format(&c, true, o->net, o->net_size);
    return 1;
}

int ctr__host_overlap(const struct ctr__cidr *want, const char *except, char ifname[IFNAMSIZ], char *net,
                      size_t net_size)
{
    struct overlap o = { .want = want, .except = except, .ifname = ifname, .net = net, .net_size = net_size };
    return ctr__host_networks(overlap_one, &o);
}
