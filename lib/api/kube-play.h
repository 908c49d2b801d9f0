/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* kube play's parts: a pod's plan (kube-play.c) and its containers' options
 * (kube-container.c). */
#pragma once

#include <libctr/ctr.h>
#include <libctr/ctr-kube.h>

#include "api/kube-doc.h"

/* What the play of one pod knows while it makes the pod's containers. */
struct ctr__kpod {
    struct ctr__kdoc d;
    ctr_runtime_t *rt;
    const char *name;          /* the pod's */
    const char *pod_id;        /* once made */
    const char *pod_ip;        /* once the infra container runs, or NULL */
    json_object *volumes;      /* spec.volumes, an object by name (owned) */
    json_object *volume_uses;  /* how many containers mount each of them, by name (owned) */
    json_object *const *configmaps; /* the ConfigMaps of the play (lent) */
    size_t n_configmaps;
    const char *restart;       /* libctr's restart policy */
    const char *const *annotations; /* pod annotations that are not podman's, KEY=VALUE */
    json_object *podman_annotations; /* podman's KEY/CONTAINER ones (owned) */
    int64_t run_as_user, run_as_group; /* the pod's securityContext, -1: none */
    char ***made_volumes;      /* names of volumes made (the report's list) */
    bool dry;                  /* only check: pull, make and write nothing */
};

/* Fill @o (from ctr_container_options_init()) for container @k (a
 * spec.containers or spec.initContainers entry, at @path), taking every
 * field it uses out of @k. */
int ctr__kube_container_options(struct ctr__kpod *p, json_object *k, const char *path, bool init,
                                ctr_container_options_t *o);

/* The label of the volumes kube play makes for a pod's shared emptyDir
 * volumes (POD-VOLUME), which go with the pod. */
#define CTR__KUBE_POD_LABEL "io.libctr.kube.pod"

/* The mount @m (its type, source and options; the caller sets the
 * destination) of spec.volumes entry @vol, named @name (at @where for
 * errors): a hostPath checked or made by its type, a claim's volume made
 * when missing, an emptyDir, a ConfigMap's files. */
int ctr__kube_volume_mount(struct ctr__kpod *p, json_object *vol, const char *name, const char *where, ctr_mount_t *m);

/* Find ConfigMap @name's data; NULL when the play has none of that name. */
json_object *ctr__kube_configmap(const struct ctr__kpod *p, const char *name);
