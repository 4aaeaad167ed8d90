/* flint-diagnostic.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "flint-model"

#include "config.h"

#include "flint-diagnostic.h"

struct _FlintDiagnostic
{
  FlintSeverity severity;
  char *code;
  char *node_id;
  char *param;
  char *message;
  char *hint;
};

G_DEFINE_BOXED_TYPE (FlintDiagnostic, flint_diagnostic, flint_diagnostic_ref, flint_diagnostic_unref)

static void
flint_diagnostic_free (FlintDiagnostic *self)
{
  g_free (self->code);
  g_free (self->node_id);
  g_free (self->param);
  g_free (self->message);
  g_free (self->hint);
}

FlintDiagnostic *
flint_diagnostic_new (FlintSeverity  severity,
                      const char    *code,
                      const char    *node_id,
                      const char    *param,
                      const char    *message,
                      const char    *hint)
{
  FlintDiagnostic *self;

  g_return_val_if_fail (code != NULL, NULL);
  g_return_val_if_fail (message != NULL, NULL);

  self = g_atomic_rc_box_new0 (FlintDiagnostic);
  self->severity = severity;
  self->code = g_strdup (code);
  self->node_id = g_strdup (node_id);
  self->param = g_strdup (param);
  self->message = g_strdup (message);
  self->hint = g_strdup (hint);

  return self;
}

FlintDiagnostic *
flint_diagnostic_ref (FlintDiagnostic *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return g_atomic_rc_box_acquire (self);
}

void
flint_diagnostic_unref (FlintDiagnostic *self)
{
  g_return_if_fail (self != NULL);
  g_atomic_rc_box_release_full (self, (GDestroyNotify) flint_diagnostic_free);
}

FlintSeverity
flint_diagnostic_get_severity (const FlintDiagnostic *self)
{
  return self->severity;
}

const char *
flint_diagnostic_get_code (const FlintDiagnostic *self)
{
  return self->code;
}

const char *
flint_diagnostic_get_node_id (const FlintDiagnostic *self)
{
  return self->node_id;
}

const char *
flint_diagnostic_get_param (const FlintDiagnostic *self)
{
  return self->param;
}

const char *
flint_diagnostic_get_message (const FlintDiagnostic *self)
{
  return self->message;
}

const char *
flint_diagnostic_get_hint (const FlintDiagnostic *self)
{
  return self->hint;
}

int
flint_diagnostic_compare (const FlintDiagnostic *a,
                          const FlintDiagnostic *b)
{
  int r;

  if ((r = g_strcmp0 (a->node_id, b->node_id)) != 0)
    return r;
  if (a->severity != b->severity)
    return a->severity < b->severity ? -1 : 1;
  if ((r = g_strcmp0 (a->param, b->param)) != 0)
    return r;
  if ((r = g_strcmp0 (a->code, b->code)) != 0)
    return r;
  if ((r = g_strcmp0 (a->message, b->message)) != 0)
    return r;
  return g_strcmp0 (a->hint, b->hint);
}

gboolean
flint_diagnostic_equal (const FlintDiagnostic *a,
                        const FlintDiagnostic *b)
{
  return flint_diagnostic_compare (a, b) == 0;
}

const char *
flint_severity_to_string (FlintSeverity severity)
{
  switch (severity)
    {
    case FLINT_SEVERITY_ERROR:
      return "error";
    case FLINT_SEVERITY_WARNING:
      return "warning";
    case FLINT_SEVERITY_INFO:
      return "info";
    default:
      g_return_val_if_reached ("error");
    }
}
