/* flint-python.c: being written */

#define G_LOG_DOMAIN "flint-codegen"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "flint-emit-private.h"

gboolean
flint_python_emit (FlintEmitContext  *ctx,
                 GError           **error)
{
  g_set_error_literal (error, FLINT_CODEGEN_ERROR, FLINT_CODEGEN_ERROR_LANGUAGE,
                       "python code generation is being written");
  return FALSE;
}
