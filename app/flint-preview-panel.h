/* flint-preview-panel.h: the rows of a preview, under the canvas
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "runtime/flint-preview.h"

G_BEGIN_DECLS

#define FLINT_TYPE_PREVIEW_PANEL (flint_preview_panel_get_type ())

G_DECLARE_FINAL_TYPE (FlintPreviewPanel, flint_preview_panel, FLINT, PREVIEW_PANEL, GtkWidget)

/* Signals: ::refresh () previews the same node again, ::cancel () stops the running
 * preview, ::reveal-node (node id) shows the node a failure happened at. */
GtkWidget          *flint_preview_panel_new          (void);
/* A preview of @title is running (a spinner and Cancel). */
void                flint_preview_panel_show_running (FlintPreviewPanel  *self,
                                                      const char         *title);
/* The rows and the column statistics of @result, or its failure. */
void                flint_preview_panel_show_result  (FlintPreviewPanel  *self,
                                                      const char         *title,
                                                      FlintPreviewResult *result);
/* A failure before Spark answered (no Spark found, the worker died). */
void                flint_preview_panel_show_error   (FlintPreviewPanel  *self,
                                                      const char         *title,
                                                      const char         *message);
/* Spark (or validation) failed at @node_id, shown as @node_name, with a way to it. */
void                flint_preview_panel_show_failure (FlintPreviewPanel  *self,
                                                      const char         *title,
                                                      const char         *node_id,
                                                      const char         *node_name,
                                                      const char         *message);
void                flint_preview_panel_clear        (FlintPreviewPanel  *self);

/* For tests: what is shown. */
FlintPreviewResult *flint_preview_panel_get_result   (FlintPreviewPanel  *self);
GtkColumnView      *flint_preview_panel_get_table    (FlintPreviewPanel  *self);
GtkColumnView      *flint_preview_panel_get_columns  (FlintPreviewPanel  *self);
/* "rows", "columns", "running", "error" or "empty". */
const char         *flint_preview_panel_get_page     (FlintPreviewPanel  *self);
const char         *flint_preview_panel_get_status   (FlintPreviewPanel  *self);
gboolean            flint_preview_panel_is_running   (FlintPreviewPanel  *self);
/* The text a table cell shows ("null" for a SQL null). */
char               *flint_preview_panel_dup_cell     (FlintPreviewPanel  *self,
                                                      guint               row,
                                                      guint               column);

G_END_DECLS
