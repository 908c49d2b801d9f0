/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The image pods' infra containers run: made in the store on first use. */
#pragma once

#include "data/settings.h"

/* Its name, as podman's localhost/podman-pause. */
#define CTR__INFRA_IMAGE "localhost/libctr-infra:latest"
/* Where catatonit is (Debian's package, statically linked). */
#define CTR__INFRA_CATATONIT "/usr/bin/catatonit"

/* The infra image's ID (*ret_id malloc()ed): the stored one, or one made
 * now from @catatonit (NULL: CTR__INFRA_CATATONIT).  -ENOENT when there is
 * no catatonit; the errors of an import. */
int ctr__storage_infra_image(const struct ctr__settings *set, const char *catatonit, char **ret_id);
