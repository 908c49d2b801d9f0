/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Shared by the modules that drive a container through the OCI layer. */
#pragma once

#include "container.h"
#include "oci/oci.h"

/* The OCI layer's view of a container, with the strings it borrows. */
struct ctr__desc {
    ctr_oci_container_t oci;
    char *run_dir;
    char *exit_dir;
};

int ctr__lifecycle_desc(ctr_container_t *c, struct ctr__desc *d);
void ctr__lifecycle_desc_done(struct ctr__desc *d);
/* When c's run directory exists, remove what an init or start that died half
 * way may have left: the OCI runtime's container (with its monitor) and the
 * /dev/shm mount.  Best effort; keeps the error detail. */
void ctr__lifecycle_drop_leftovers(ctr_container_t *c);
