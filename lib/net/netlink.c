/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* rtnetlink requests: building, sending, acknowledgements. */
#include "net/netlink.h"

#include <fcntl.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sched.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/time.h>

#include "base/error.h"

#define ALIGN4(n) (((n) + 3u) & ~(size_t)3u)

/* ---- building ---- */

void ctr__nl_msg_init(struct ctr__nl_msg *m, uint16_t type, uint16_t flags, const void *hdr, size_t hdr_len)
{
    memset(m, 0, sizeof *m);
    m->hdr.nlmsg_type = type;
    m->hdr.nlmsg_flags = (uint16_t)(flags | NLM_F_REQUEST | NLM_F_ACK);
    m->hdr.nlmsg_len = (uint32_t)NLMSG_LENGTH(0);
    ctr__nl_put_raw(m, hdr, hdr_len);
}

void ctr__nl_put_raw(struct ctr__nl_msg *m, const void *data, size_t len)
{
    size_t off = m->hdr.nlmsg_len;
    if (m->overflow || off + ALIGN4(len) > sizeof m->buf) {
        m->overflow = true;
        return;
    }
    if (len)
        memcpy(m->buf + off, data, len);
    memset(m->buf + off + len, 0, ALIGN4(len) - len);
    m->hdr.nlmsg_len = (uint32_t)(off + ALIGN4(len));
}

void ctr__nl_put(struct ctr__nl_msg *m, uint16_t type, const void *data, size_t len)
{
    size_t off = m->hdr.nlmsg_len;
    if (m->overflow || off + NLA_HDRLEN + ALIGN4(len) > sizeof m->buf) {
        m->overflow = true;
        return;
    }
    struct nlattr a = { .nla_len = (uint16_t)(NLA_HDRLEN + len), .nla_type = type };
    memcpy(m->buf + off, &a, sizeof a);
    m->hdr.nlmsg_len = (uint32_t)(off + NLA_HDRLEN);
    ctr__nl_put_raw(m, data, len);
}

void ctr__nl_put_u32(struct ctr__nl_msg *m, uint16_t type, uint32_t v)
{
    ctr__nl_put(m, type, &v, sizeof v);
}

void ctr__nl_put_str(struct ctr__nl_msg *m, uint16_t type, const char *s)
{
    ctr__nl_put(m, type, s, strlen(s) + 1);
}

void ctr__nl_nest_begin(struct ctr__nl_msg *m, uint16_t type, bool flag_nested)
{
    if (m->n_nest >= ARRAY_SIZE(m->nest)) {
        m->overflow = true;
        return;
    }
    m->nest[m->n_nest++] = m->hdr.nlmsg_len;
    ctr__nl_put(m, (uint16_t)(type | (flag_nested ? NLA_F_NESTED : 0)), NULL, 0);
}

void ctr__nl_nest_end(struct ctr__nl_msg *m)
{
    if (m->n_nest == 0 || m->overflow) {
        m->overflow = true;
        return;
    }
    size_t off = m->nest[--m->n_nest];
    struct nlattr a;
    memcpy(&a, m->buf + off, sizeof a);
    a.nla_len = (uint16_t)(m->hdr.nlmsg_len - off);
    memcpy(m->buf + off, &a, sizeof a);
}

/* ---- talking ---- */

int ctr__nl_open(int netns_fd)
{
    _cleanup_close_ int self = -1;
    if (netns_fd >= 0) {
        self = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
        if (self < 0)
            return ctr__err(-errno, "cannot open this thread's network namespace: %m");
        if (setns(netns_fd, CLONE_NEWNET) < 0)
            return ctr__err(-errno, "cannot enter the container's network namespace: %m");
    }
    int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
    int e = errno;
    if (self >= 0 && setns(self, CLONE_NEWNET) < 0) {
        /* The thread would stay in the container's namespace: unusable. */
        int k = -errno;
        if (fd >= 0)
            close(fd);
        return ctr__err(k, "cannot return to the original network namespace: %s", strerror(-k));
    }
    if (fd < 0)
        return ctr__err(-e, "netlink socket: %s", strerror(e));
    /* Acknowledgements come at once; a minute bounds a wedged kernel. */
    struct timeval tv = { 60, 0 };
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    return fd;
}

/* Send m (numbered afresh) and read replies until one of its own decides:
 * an error or acknowledgement gives its code; any other message of it is
 * passed to @on_reply (when not NULL), which returns >= 0 to end with that
 * value or -EAGAIN to read on. */
static int exchange(int fd, struct ctr__nl_msg *m, int (*on_reply)(const struct nlmsghdr *h))
{
    static _Thread_local uint32_t seq;
    if (m->overflow || m->n_nest)
        return -EMSGSIZE;
    m->hdr.nlmsg_seq = ++seq;
    struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
    ssize_t w;
    do
        w = sendto(fd, m->buf, m->hdr.nlmsg_len, 0, (struct sockaddr *)&sa, sizeof sa);
    while (w < 0 && errno == EINTR);
    if (w < 0)
        return -errno;
    for (;;) {
        union {
            struct nlmsghdr h;
            char b[16384];
        } reply;
        ssize_t n = recv(fd, reply.b, sizeof reply.b, 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return errno == EAGAIN ? -ETIMEDOUT : -errno;
        for (struct nlmsghdr *h = &reply.h; NLMSG_OK(h, (unsigned)n); h = NLMSG_NEXT(h, n)) {
            if (h->nlmsg_seq != m->hdr.nlmsg_seq)
                continue;
            if (h->nlmsg_type == NLMSG_ERROR) {
                if (h->nlmsg_len < NLMSG_LENGTH(sizeof(struct nlmsgerr)))
                    return -EIO;
                const struct nlmsgerr *e = NLMSG_DATA(h);
                return e->error;
            }
            int r = on_reply ? on_reply(h) : -EAGAIN;
            if (r != -EAGAIN)
                return r;
        }
    }
}

int ctr__nl_talk(int fd, struct ctr__nl_msg *m)
{
    return exchange(fd, m, NULL);
}

/* ---- operations ---- */

int ctr__nl_bridge_ensure(int fd, const char *name, int *ret_index)
{
    unsigned idx = if_nametoindex(name);
    if (idx == 0) {
        struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC, .ifi_flags = IFF_UP, .ifi_change = IFF_UP };
        struct ctr__nl_msg m;
        ctr__nl_msg_init(&m, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, &ifi, sizeof ifi);
        ctr__nl_put_str(&m, IFLA_IFNAME, name);
        ctr__nl_nest_begin(&m, IFLA_LINKINFO, false);
        ctr__nl_put_str(&m, IFLA_INFO_KIND, "bridge");
        ctr__nl_nest_end(&m);
        int r = ctr__nl_talk(fd, &m);
        if (r < 0 && r != -EEXIST) /* EEXIST: made by somebody else meanwhile */
            return ctr__err(r, "cannot create bridge %s: %s", name, strerror(-r));
        idx = if_nametoindex(name);
        if (idx == 0)
            return ctr__err(-ENODEV, "bridge %s vanished after its creation", name);
    }
    *ret_index = (int)idx;
    return 0;
}

int ctr__nl_addr_add(int fd, int index, int family, const unsigned char *addr, unsigned prefix)
{
    size_t len = family == AF_INET ? 4 : 16;
    struct ifaddrmsg ifa = { .ifa_family = (unsigned char)family, .ifa_prefixlen = (unsigned char)prefix,
                             .ifa_index = (unsigned)index, .ifa_scope = RT_SCOPE_UNIVERSE };
    struct ctr__nl_msg m;
    ctr__nl_msg_init(&m, RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, &ifa, sizeof ifa);
    ctr__nl_put(&m, IFA_LOCAL, addr, len);
    ctr__nl_put(&m, IFA_ADDRESS, addr, len);
    if (family == AF_INET && prefix < 31) {
        unsigned char brd[4];
        uint32_t mask = prefix ? htonl(~0u << (32 - prefix)) : 0, a;
        memcpy(&a, addr, 4);
        a |= ~mask;
        memcpy(brd, &a, 4);
        ctr__nl_put(&m, IFA_BROADCAST, brd, 4);
    }
    int r = ctr__nl_talk(fd, &m);
    return r == -EEXIST ? 0 : r;
}

int ctr__nl_link_up(int fd, int index)
{
    struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC, .ifi_index = index, .ifi_flags = IFF_UP, .ifi_change = IFF_UP };
    struct ctr__nl_msg m;
    ctr__nl_msg_init(&m, RTM_NEWLINK, 0, &ifi, sizeof ifi);
    return ctr__nl_talk(fd, &m);
}

int ctr__nl_veth_create(int fd, const char *host_name, const unsigned char host_mac[6], int master_index,
                        const char *peer_name, const unsigned char peer_mac[6], int peer_netns_fd)
{
    struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC, .ifi_flags = IFF_UP, .ifi_change = IFF_UP };
    struct ctr__nl_msg m;
    ctr__nl_msg_init(&m, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, &ifi, sizeof ifi);
    ctr__nl_put_str(&m, IFLA_IFNAME, host_name);
    ctr__nl_put(&m, IFLA_ADDRESS, host_mac, 6);
    if (master_index > 0)
        ctr__nl_put_u32(&m, IFLA_MASTER, (uint32_t)master_index);
    ctr__nl_nest_begin(&m, IFLA_LINKINFO, false);
    ctr__nl_put_str(&m, IFLA_INFO_KIND, "veth");
    ctr__nl_nest_begin(&m, IFLA_INFO_DATA, false);
    ctr__nl_nest_begin(&m, VETH_INFO_PEER, false);
    /* The peer's own ifinfomsg: not up (veth_open() of the peer fails with
     * ENOTCONN while its own peer is not registered yet). */
    struct ifinfomsg peer = { .ifi_family = AF_UNSPEC };
    ctr__nl_put_raw(&m, &peer, sizeof peer);
    ctr__nl_put_str(&m, IFLA_IFNAME, peer_name);
    ctr__nl_put(&m, IFLA_ADDRESS, peer_mac, 6);
    if (peer_netns_fd >= 0)
        ctr__nl_put_u32(&m, IFLA_NET_NS_FD, (uint32_t)peer_netns_fd);
    ctr__nl_nest_end(&m);
    ctr__nl_nest_end(&m);
    ctr__nl_nest_end(&m);
    return ctr__nl_talk(fd, &m);
}

int ctr__nl_brport_hairpin(int fd, int index, bool on)
{
    struct ifinfomsg ifi = { .ifi_family = AF_BRIDGE, .ifi_index = index };
    struct ctr__nl_msg m;
    ctr__nl_msg_init(&m, RTM_SETLINK, 0, &ifi, sizeof ifi);
    ctr__nl_nest_begin(&m, IFLA_PROTINFO, true);
    unsigned char v = on;
    ctr__nl_put(&m, IFLA_BRPORT_MODE, &v, 1);
    ctr__nl_nest_end(&m);
    return ctr__nl_talk(fd, &m);
}

int ctr__nl_link_del(int fd, const char *name)
{
    struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC };
    struct ctr__nl_msg m;
    ctr__nl_msg_init(&m, RTM_DELLINK, 0, &ifi, sizeof ifi);
    ctr__nl_put_str(&m, IFLA_IFNAME, name);
    return ctr__nl_talk(fd, &m);
}

int ctr__nl_route_add(int fd, int index, int family, const unsigned char *dst, unsigned dst_prefix,
                      const unsigned char *gw)
{
    size_t len = family == AF_INET ? 4 : 16;
    struct rtmsg rt = { .rtm_family = (unsigned char)family, .rtm_dst_len = (unsigned char)dst_prefix,
                        .rtm_table = RT_TABLE_MAIN, .rtm_protocol = RTPROT_BOOT,
                        .rtm_scope = gw ? RT_SCOPE_UNIVERSE : RT_SCOPE_LINK, .rtm_type = RTN_UNICAST };
    struct ctr__nl_msg m;
    ctr__nl_msg_init(&m, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL, &rt, sizeof rt);
    if (dst_prefix > 0)
        ctr__nl_put(&m, RTA_DST, dst, len);
    if (gw)
        ctr__nl_put(&m, RTA_GATEWAY, gw, len);
    ctr__nl_put_u32(&m, RTA_OIF, (uint32_t)index);
    int r = ctr__nl_talk(fd, &m);
    return r == -EEXIST ? 0 : r;
}

static int link_index_of(const struct nlmsghdr *h)
{
    if (h->nlmsg_type != RTM_NEWLINK || h->nlmsg_len < NLMSG_LENGTH(sizeof(struct ifinfomsg)))
        return -EAGAIN;
    const struct ifinfomsg *i = NLMSG_DATA(h);
    return i->ifi_index;
}

int ctr__nl_link_index(int fd, const char *name)
{
    struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC };
    struct ctr__nl_msg m;
    ctr__nl_msg_init(&m, RTM_GETLINK, 0, &ifi, sizeof ifi);
    m.hdr.nlmsg_flags = NLM_F_REQUEST; /* the reply is the link, or an error */
    ctr__nl_put_str(&m, IFLA_IFNAME, name);
    int r = exchange(fd, &m, link_index_of);
    return r == 0 ? -EIO : r; /* an acknowledgement without the link */
}
