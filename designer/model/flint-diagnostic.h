/* flint-diagnostic.h: one finding of validation
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

typedef enum
{
  FLINT_SEVERITY_ERROR,
  FLINT_SEVERITY_WARNING,
  FLINT_SEVERITY_INFO,
} FlintSeverity;

typedef struct _FlintDiagnostic FlintDiagnostic;

#define FLINT_TYPE_DIAGNOSTIC (flint_diagnostic_get_type ())

GType            flint_diagnostic_get_type     (void) G_GNUC_CONST;
/* @code is a stable, machine-readable name ("unknown-column"); @node_id and @param
 * (a dotted path below the node: "params.condition", "schema") may be NULL. */
FlintDiagnostic *flint_diagnostic_new          (FlintSeverity          severity,
                                                const char            *code,
                                                const char            *node_id,
                                                const char            *param,
                                                const char            *message,
                                                const char            *hint);
FlintDiagnostic *flint_diagnostic_ref          (FlintDiagnostic       *self);
void             flint_diagnostic_unref        (FlintDiagnostic       *self);
FlintSeverity    flint_diagnostic_get_severity (const FlintDiagnostic *self);
const char      *flint_diagnostic_get_code     (const FlintDiagnostic *self);
const char      *flint_diagnostic_get_node_id  (const FlintDiagnostic *self);
const char      *flint_diagnostic_get_param    (const FlintDiagnostic *self);
const char      *flint_diagnostic_get_message  (const FlintDiagnostic *self);
const char      *flint_diagnostic_get_hint     (const FlintDiagnostic *self);
gboolean         flint_diagnostic_equal        (const FlintDiagnostic *a,
                                                const FlintDiagnostic *b);
/* Orders by node position is the caller's business; this orders by content only. */
int              flint_diagnostic_compare      (const FlintDiagnostic *a,
                                                const FlintDiagnostic *b);
const char      *flint_severity_to_string      (FlintSeverity          severity);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FlintDiagnostic, flint_diagnostic_unref)

G_END_DECLS
