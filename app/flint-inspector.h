/* flint-inspector.h: the selected node's label, parameters and columns
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "flint-model.h"

G_BEGIN_DECLS

#define FLINT_TYPE_INSPECTOR (flint_inspector_get_type ())

G_DECLARE_FINAL_TYPE (FlintInspector, flint_inspector, FLINT, INSPECTOR, GtkWidget)

GtkWidget  *flint_inspector_new             (void);
/* Every edit goes through @history so that it undoes; @validator gives the inline
 * messages and the columns. Either may be NULL (nothing open). */
void        flint_inspector_set_document    (FlintInspector *self,
                                             FlintHistory   *history,
                                             FlintValidator *validator);
/* Shows the node, or an empty page for NULL. */
void        flint_inspector_set_node        (FlintInspector *self,
                                             const char     *node_id);
const char *flint_inspector_get_node        (FlintInspector *self);
/* The row editing @path ("label", "params.condition", "params.keys.0.left"), or NULL. */
GtkWidget  *flint_inspector_get_row         (FlintInspector *self,
                                             const char     *path);
/* The validation message shown under the row of @path, or NULL when there is none. */
const char *flint_inspector_get_message     (FlintInspector *self,
                                             const char     *path);
/* Rows of the input or output column table. */
guint       flint_inspector_get_n_columns   (FlintInspector *self,
                                             gboolean        output);

G_END_DECLS
