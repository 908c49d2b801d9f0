/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Running containers: the hooks the data layer calls.  (Init, start, stop and
 * the rest arrive with the OCI runtime layer.) */
#include "container.h"
#include "error.h"

int ctr__lifecycle_update(ctr_container_t *c)
{
    return 0;
}

int ctr__lifecycle_teardown(ctr_container_t *c, bool force)
{
    switch (c->st.state) {
    case CTR_STATE_CREATED:
    case CTR_STATE_RUNNING:
    case CTR_STATE_PAUSED:
    case CTR_STATE_STOPPING:
        if (!force)
            return ctr__err(-EBUSY, CTR_CFMT " is %s: stop it first or force the removal", CTR_CARG(c),
                            ctr_state_name(c->st.state));
        return ctr__err(-EOPNOTSUPP, "stopping containers is not implemented yet");
    default:
        return 0;
    }
}
