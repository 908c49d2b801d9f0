/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The two types the plugin path (cni.c) and the in-process path (native.c)
 * share: a network's configuration list and the arguments of one ADD or
 * DEL.  Apart from cni.h so that native.h needs no more than these, and
 * cni.c, which dispatches to native.c, is the only one of the two that
 * knows the other. */
#pragma once

#include <json-c/json.h>

#include "base/error.h"

/* One network: a configuration list (a `.conf` file is made into a list of
 * one plugin). */
struct ctr__cni_net {
    char *name;
    char *cni_version;
    char *path;         /* the file it came from, NULL when parsed from text */
    json_object *conf;  /* {"cniVersion","name","plugins":[...],...}; plugins are objects with a "type" */
    size_t n_plugins;
};

/* What a plugin invocation needs beyond the configuration. */
struct ctr__cni_args {
    const char *container_id;    /* CNI_CONTAINERID */
    const char *netns;           /* CNI_NETNS; "" or NULL allowed for DEL */
    const char *ifname;          /* CNI_IFNAME */
    const char *plugin_path;     /* CNI_PATH: directories separated by ':' */
    const char *cni_args;        /* CNI_ARGS; NULL: "IgnoreUnknown=1" */
    json_object *runtime_config; /* capability name -> value, or NULL; borrowed */
    const char *cache_dir;       /* where ADD results are kept for DEL, NULL: none */
    int timeout_ms;              /* per plugin; 0: 60 s */
    const struct ctr__logger *log; /* debug log of each plugin run (its time), or NULL */
};
