/* SPDX-License-Identifier: LGPL-2.1-or-later */
/**
 * @file ctr-kube.h
 * @brief Kubernetes YAML: a pod or a container as a `kind: Pod`, and pods made from such YAML.
 *
 * ctr_pod_generate_kube() and ctr_container_generate_kube() write what
 * podman's `kube generate` writes: a `v1` `Pod` (and, on request, a
 * `Service` for its published ports) that Kubernetes reads and that
 * ctr_kube_play() makes again.  The mapping, both ways:
 *
 *  | libctr                                   | Kubernetes                                        |
 *  |------------------------------------------|---------------------------------------------------|
 *  | pod name, labels                         | `metadata.name`, `metadata.labels` (with `app`)   |
 *  | container annotations, terminal          | `metadata.annotations` (podman's keys `.../NAME`) |
 *  | container name (less `POD-`, no `_`)      | `containers[].name`                               |
 *  | entrypoint, command (unless the image's) | `command`, `args`                                 |
 *  | working directory, env not the image's   | `workingDir`, `env[].name/value`                  |
 *  | the pod's published ports                | `ports[]`: `containerPort`, `hostPort`, `hostIP`, `protocol` |
 *  | memory limit, CPU quota/period           | `resources.limits.memory` (`32Mi`), `.cpu` (`250m`) |
 *  | privileged, read-only root, no-new-privs | `securityContext.privileged`, `readOnlyRootFilesystem`, `allowPrivilegeEscalation: false` |
 *  | capabilities                             | `securityContext.capabilities.add/drop` against the default set |
 *  | numeric user and group                   | `securityContext.runAsUser`, `runAsGroup`         |
 *  | bind mount                               | `hostPath` volume (`type` Directory or File)      |
 *  | named volume                             | `persistentVolumeClaim` volume (`claimName`)      |
 *  | tmpfs                                    | `emptyDir` volume, `medium: Memory`               |
 *  | restart policy                           | `restartPolicy` (Always, OnFailure, Never)        |
 *  | host network, host name, DNS, hosts      | `hostNetwork`, `hostname`, `dnsConfig`, `hostAliases` |
 *
 * ctr_kube_play() also reads `Deployment` (its pod template, one replica:
 * the pod is named `NAME-pod-0`, as podman 4.3 names it),
 * `PersistentVolumeClaim` (a named volume, made when missing), `ConfigMap`
 * (for `env[].valueFrom.configMapKeyRef`, `envFrom[].configMapRef` and
 * `configMap` volumes: the keys, or the `items` asked for, as files of a
 * volume of the pod's, mounted read-only), `emptyDir` volumes without a
 * medium (an anonymous volume; one that several containers mount is a
 * volume of the pod's, removed with it by ctr_kube_down(), a tmpfs one for
 * medium `Memory`), env `valueFrom.fieldRef` (`metadata.name`,
 * `status.podIP`),
 * `initContainers` (each run to completion, in order, before the others
 * start, then removed, as podman's default `once` init containers) and
 * `shareProcessNamespace`.  Every field it does not use, and every kind it
 * does not make, is a warning of the report (`PATH: not supported`):
 * nothing is dropped silently.  Containers are named `POD-NAME`, as podman
 * names them.  (podman 4.3's kube generate keeps the `POD-` before a
 * member's name, so that its play makes `POD-POD-NAME`; libctr leaves it
 * out, so that a generated pod plays to the same names.)  Keys are written
 * sorted, as Kubernetes' tools write them.  Images are looked up in the store, then pulled when missing
 * (`imagePullPolicy: Always` pulls, `Never` never does).
 *
 * YAML is read with libyaml: plain scalars are resolved as YAML 1.2's core
 * schema does (quote a string such as `"8080"` or `"yes"`); anchors and
 * aliases are refused; a document is at most 16 MiB.
 */
#ifndef LIBCTR_CTR_KUBE_H
#define LIBCTR_CTR_KUBE_H

#include <libctr/ctr-common.h>
#include <libctr/ctr-container.h>
#include <libctr/ctr-pod.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Flags of ctr_pod_generate_kube() and ctr_container_generate_kube(). */
enum {
    /** Write a `Service` (type NodePort) for the published ports before the `Pod`, as `kube generate --service`. */
    CTR_KUBE_GENERATE_SERVICE = 1u << 0,
};

/**
 * The pod as Kubernetes YAML (see the file's description): the infra
 * container is left out, its settings (ports, host name, DNS) go to the pod
 * and its first container.
 * @param ret receives the YAML (a NUL-terminated string); free with ctr_free().
 * @return 0; -EINVAL (NULL argument, unknown flag); -ENOENT (the pod or one
 *         of its containers was removed); -EUCLEAN (a damaged config); -ENOMEM.
 */
int ctr_pod_generate_kube(ctr_pod_t *pod, uint64_t flags, char **ret);

/**
 * A container as Kubernetes YAML: a member of a pod gives its pod's YAML
 * (as podman); a container of its own gives a `Pod` named `NAME-pod`
 * holding it.
 * @param ret receives the YAML (a NUL-terminated string); free with ctr_free().
 * @return as ctr_pod_generate_kube(); -EINVAL for an infra container.
 */
int ctr_container_generate_kube(ctr_container_t *c, uint64_t flags, char **ret);

/** Current version of #ctr_kube_play_options_t (libctr 0.7). */
#define CTR_KUBE_PLAY_OPTIONS_VERSION 1

/** Flags of #ctr_kube_play_options_t. */
enum {
    /** Remove the pods the YAML names first (with their containers), as `kube play --replace`. */
    CTR_KUBE_PLAY_REPLACE = 1u << 0,
    /** Create the pods and containers, start nothing (`kube play --start=false`). */
    CTR_KUBE_PLAY_NO_START = 1u << 1,
};

/** How ctr_kube_play() makes what the YAML describes.  NULL means "not set". */
typedef struct ctr_kube_play_options {
    /** Must be #CTR_KUBE_PLAY_OPTIONS_VERSION. */
    unsigned int version;
    /** `CTR_KUBE_PLAY_*` flags. */
    uint64_t flags;
    /** The pods' networks (`--network`, NULL-terminated); NULL: the runtime's default network. */
    const char *const *networks;
    /** More ConfigMaps, as YAML documents (each one or more `kind: ConfigMap`; `--configmap`). */
    const char *const *configmaps;
} ctr_kube_play_options_t;

/** Static initializer for #ctr_kube_play_options_t. */
#define CTR_KUBE_PLAY_OPTIONS_INIT { CTR_KUBE_PLAY_OPTIONS_VERSION, 0, NULL, NULL }

/** What ctr_kube_play() or ctr_kube_down() did (opaque; free with ctr_kube_report_free()). */
typedef struct ctr_kube_report ctr_kube_report_t;

/** The lists of a #ctr_kube_report_t. */
typedef enum ctr_kube_report_kind {
    CTR_KUBE_REPORT_POD = 0,       /**< pods made (or removed by ctr_kube_down()), full IDs */
    CTR_KUBE_REPORT_CONTAINER = 1, /**< containers made (init containers left out: they are gone), full IDs */
    CTR_KUBE_REPORT_VOLUME = 2,    /**< volumes made, names */
    CTR_KUBE_REPORT_WARNING = 3,   /**< fields and kinds not used, `PATH: WHY` */
} ctr_kube_report_kind_t;

/**
 * Make the pods, containers and volumes that @p yaml describes and start
 * the pods (see the file's description).  All or nothing: every document is
 * first read through without making, pulling or removing anything, so that
 * a bad field fails before anything is made (or, with
 * #CTR_KUBE_PLAY_REPLACE, removed); on a later failure (an image that
 * cannot be pulled, an init container that fails) the pods and containers
 * made are removed again (claimed volumes stay, as a Kubernetes claim
 * outlives its pods).
 * @param yaml  @p len bytes of YAML (one or more documents).
 * @param opts  NULL for the defaults.
 * @param ret   receives the report (may be NULL); free with ctr_kube_report_free().
 * @return 0; -EINVAL (malformed YAML, a document of no kind, a field of the
 *         wrong type or value, a missing name or image, a volume mount of no
 *         volume, a missing ConfigMap key that is not optional: the message
 *         gives the path, such as `spec.containers[1].image`); -EEXIST (a pod
 *         or container name is taken and #CTR_KUBE_PLAY_REPLACE is not set);
 *         -EFBIG (over 16 MiB); the errors of ctr_pod_create(),
 *         ctr_container_create(), ctr_image_pull_policy(), ctr_pod_start();
 *         an init container that fails: -ECHILD, its exit code in the message.
 */
int ctr_kube_play(ctr_runtime_t *rt, const char *yaml, size_t len, const ctr_kube_play_options_t *opts,
                  ctr_kube_report_t **ret);

/**
 * Remove the pods (with every container) that @p yaml describes, as `kube
 * play --down`: pods that do not exist are skipped; volumes stay.
 * @param ret receives the report of the pods removed (may be NULL); free
 *        with ctr_kube_report_free().
 * @return 0; -EINVAL (malformed YAML); the errors of ctr_pod_remove().
 */
int ctr_kube_down(ctr_runtime_t *rt, const char *yaml, size_t len, ctr_kube_report_t **ret);

/** The number of entries of list @p kind (0 for a NULL report or an unknown kind). */
size_t ctr_kube_report_count(const ctr_kube_report_t *report, ctr_kube_report_kind_t kind);
/** Entry @p i of list @p kind, lent (valid as long as @p report); NULL out of range. */
const char *ctr_kube_report_get(const ctr_kube_report_t *report, ctr_kube_report_kind_t kind, size_t i);
/** Free a report; NULL does nothing. */
void ctr_kube_report_free(ctr_kube_report_t *report);

#ifdef __cplusplus
}
#endif

#endif
