/* flint-error.h: the model's error domain
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define FLINT_PIPELINE_ERROR (flint_pipeline_error_quark ())

typedef enum
{
  FLINT_PIPELINE_ERROR_PARSE,            /* the YAML itself is malformed */
  FLINT_PIPELINE_ERROR_INVALID,          /* well-formed YAML that is not a valid pipeline */
  FLINT_PIPELINE_ERROR_UNKNOWN_KEY,      /* a key the format does not define */
  FLINT_PIPELINE_ERROR_UNKNOWN_KIND,     /* a node kind the catalog lacks */
  FLINT_PIPELINE_ERROR_VERSION,          /* a format version newer than this Flint */
  FLINT_PIPELINE_ERROR_TOO_LARGE,        /* beyond the loader's size or depth limits */
  FLINT_PIPELINE_ERROR_DUPLICATE_ID,
  FLINT_PIPELINE_ERROR_NOT_FOUND,
  FLINT_PIPELINE_ERROR_PORT,             /* a port that does not exist or is already connected */
  FLINT_PIPELINE_ERROR_CATALOG,          /* the catalog data itself is broken */
} FlintPipelineError;

GQuark flint_pipeline_error_quark (void);

G_END_DECLS
