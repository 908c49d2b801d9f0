/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "base/caps.h"

#include <cap-ng.h>
#include <ctype.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <stdio.h>
#include <sys/prctl.h>

#include "base/error.h"

static const unsigned int default_caps[] = {
    CAP_CHOWN,  CAP_DAC_OVERRIDE, CAP_FOWNER, CAP_FSETID, CAP_KILL,       CAP_NET_BIND_SERVICE,
    CAP_SETFCAP, CAP_SETGID,      CAP_SETPCAP, CAP_SETUID, CAP_SYS_CHROOT,
};

int ctr__cap_last_cap(void)
{
    char buf[32];
    _cleanup_close_ int fd = open("/proc/sys/kernel/cap_last_cap", O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
        ssize_t n = read(fd, buf, sizeof buf - 1);
        if (n > 0) {
            buf[n] = '\0';
            char *end;
            long v = strtol(buf, &end, 10);
            if (end != buf && v >= 0 && v < 64)
                return (int)v;
        }
    }
    return CAP_LAST_CAP;
}

int ctr__cap_name(unsigned int cap, char *buf, size_t size)
{
    const char *n = capng_capability_to_name(cap);
    if (!n || size < 5 + strlen(n))
        return -EINVAL;
    size_t i = 0;
    memcpy(buf, "CAP_", 4);
    for (; n[i]; i++)
        buf[4 + i] = (char)toupper((unsigned char)n[i]);
    buf[4 + i] = '\0';
    return 0;
}

static int push_cap(char ***v, unsigned int cap)
{
    char name[64];
    if (ctr__cap_name(cap, name, sizeof name) < 0)
        return 0; /* a capability libcap-ng cannot name: left out */
    if (ctr__strv_push(v, name) < 0)
        return ctr__oom("the capability list");
    return 0;
}

int ctr__caps_default(char ***ret)
{
    _cleanup_strv_ char **v = ctr__strv_copy(NULL);
    if (!v)
        return ctr__oom("the capability list");
    for (size_t i = 0; i < ARRAY_SIZE(default_caps); i++) {
        int r = push_cap(&v, default_caps[i]);
        if (r < 0)
            return r;
    }
    *ret = TAKE_PTR(v);
    return 0;
}

int ctr__caps_all(char ***ret)
{
    _cleanup_strv_ char **v = ctr__strv_copy(NULL);
    if (!v)
        return ctr__oom("the capability list");
    int last = ctr__cap_last_cap();
    for (int c = 0; c <= last; c++) {
        /* A capability outside our own bounding set cannot be given (the
         * runtime fails with EPERM): podman's privileged set is the bounding set too. */
        if (prctl(PR_CAPBSET_READ, (unsigned long)c, 0, 0, 0) != 1)
            continue;
        int r = push_cap(&v, (unsigned int)c);
        if (r < 0)
            return r;
    }
    *ret = TAKE_PTR(v);
    return 0;
}
