/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Moved to error.h. */
#pragma once

#include "error.h"
