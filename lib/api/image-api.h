/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What image-api.c, where image handles are known, tells the other public
 * calls about one (registry-api.c's push). */
#pragma once
#include <libctr/ctr.h>

/* The runtime @img was made by (lent). */
ctr_runtime_t *ctr__image_runtime(const ctr_image_t *img);
/* Its ID, 64 hex digits (lent). */
const char *ctr__image_id(const ctr_image_t *img);
