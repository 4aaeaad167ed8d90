/* flint-error.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "flint-model"

#include "config.h"

#include "flint-error.h"

G_DEFINE_QUARK (flint-pipeline-error-quark, flint_pipeline_error)
