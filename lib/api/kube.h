/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What kube generate and kube play share: podman's annotation keys and
 * Kubernetes' resource quantities. */
#pragma once

#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>

/* podman's per-container annotations, KEY/CONTAINER_NAME. */
#define CTR__KUBE_ANN_TTY "io.kubernetes.cri-o.TTY"
#define CTR__KUBE_ANN_AUTOREMOVE "io.podman.annotations.autoremove"
#define CTR__KUBE_ANN_INIT "io.podman.annotations.init"
#define CTR__KUBE_ANN_PRIVILEGED "io.podman.annotations.privileged"

/* A byte count as a quantity: the largest binary suffix (Ki, Mi, Gi, Ti)
 * that divides it, else plain bytes.  -EINVAL when @size is too small. */
int ctr__kube_quantity_bytes(int64_t bytes, char *buf, size_t size);
/* Millicores as a quantity: "2" or "250m". */
int ctr__kube_quantity_cpu(int64_t millis, char *buf, size_t size);

/* Parse a quantity: "64Mi", "1G", "512", "1.5Gi", "100k", "1e3", "250m".
 * @millis: give thousandths (CPU: "250m" is 250, "2" is 2000) instead of
 * units.  -EINVAL for a malformed one or one out of range. */
int ctr__kube_parse_quantity(const char *s, bool millis, int64_t *ret);
