/* SPDX-License-Identifier: LGPL-2.1-or-later */
/**
 * @file ctr.h
 * @brief libctr: OCI containers as a C library.  Include this header.
 */
#ifndef LIBCTR_CTR_H
#define LIBCTR_CTR_H

#include <libctr/ctr-common.h>
#include <libctr/ctr-error.h>
#include <libctr/ctr-runtime.h>
#include <libctr/ctr-container.h>
#include <libctr/ctr-lifecycle.h>
#include <libctr/ctr-io.h>
#include <libctr/ctr-image.h>
#include <libctr/ctr-network.h>
#include <libctr/ctr-volume.h>
#include <libctr/ctr-pod.h>
#include <libctr/ctr-kube.h>
#include <libctr/ctr-registry.h>
#include <libctr/ctr-events.h>

#endif
