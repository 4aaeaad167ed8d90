/* flint-problems.h: every diagnostic of the pipeline, in document order
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "flint-model.h"

G_BEGIN_DECLS

#define FLINT_TYPE_PROBLEMS (flint_problems_get_type ())

G_DECLARE_FINAL_TYPE (FlintProblems, flint_problems, FLINT, PROBLEMS, GtkWidget)

/* Signals: ::diagnostic-activated (const char *node_id, const char *param), when the
 * user activates a diagnostic that belongs to a node (param may be NULL). */
GtkWidget *flint_problems_new           (void);
/* Follows @validator's ::updated; NULL shows nothing. */
void       flint_problems_set_validator (FlintProblems  *self,
                                         FlintValidator *validator);
/* Rebuilds the list now (the signal handler does it on the next idle). */
void       flint_problems_refresh       (FlintProblems  *self);
guint      flint_problems_get_n_rows    (FlintProblems  *self);
/* The row of the @index-th diagnostic, for tests: activate it to select its node. */
GtkWidget *flint_problems_get_row       (FlintProblems  *self,
                                         guint           index);
/* "2 errors, 1 warning" or "No problems". */
char      *flint_problems_dup_summary   (FlintProblems  *self);

G_END_DECLS
