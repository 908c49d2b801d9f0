/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The per-container /etc/hosts, /etc/resolv.conf and /etc/hostname. */
#pragma once

#include "config.h"

struct ctr__etc_files {
    char *hosts;
    char *resolv_conf;
    char *hostname;
};

/* Write the three files into dir (the container's run dir).  ip is the
 * container's address for its own name in /etc/hosts, or NULL. */
int ctr__etc_files_write(const struct ctr__config *cfg, const char *dir, const char *ip, struct ctr__etc_files *ret);
void ctr__etc_files_done(struct ctr__etc_files *f);
/* The container's host name: the configured one or the first 12 ID digits. */
void ctr__hostname(const struct ctr__config *cfg, char *buf, size_t size);
