/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A runtime's settings as the layers below the objects see them: its
 * directories, programs and network defaults, and its logger.  runtime.c
 * fills them at open and owns the strings; the storage and network layers
 * take them as a narrow input instead of the runtime handle.  Read-only
 * after the open. */
#pragma once

#include "base/error.h"

struct ctr__settings {
    char *root;            /* ROOT: persistent state, containers' static dirs, image store */
    char *run_root;        /* RUN_ROOT: run dirs, network namespaces, mount counts */
    char *lock_dir;        /* the lock files (RUN_ROOT/locks unless set) */
    char *oci_name;        /* the OCI runtime as given: a name or a path */
    char *oci_runtime;     /* absolute path, or the name when not found in PATH */
    char *conmon_path;     /* NULL: the OCI layer searches */
    char *storage_driver;  /* overlay or vfs */
    char *cni_config_dir;
    char *cni_plugin_dir;
    char *default_network; /* the default network's name, bridge and subnet */
    char *default_bridge;  /* NULL: picked when the network is written */
    char *default_subnet;  /* NULL: picked when the network is written */
    int64_t log_size_max;  /* containers' default log limit; <= 0: none */
    char boot_id[64];
    struct ctr__logger log;
};
