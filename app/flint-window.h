/* flint-window.h: a designer window, showing one pipeline
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "flint-application.h"
#include "flint-model.h"

G_BEGIN_DECLS

#define FLINT_TYPE_WINDOW (flint_window_get_type ())

G_DECLARE_FINAL_TYPE (FlintWindow, flint_window, FLINT, WINDOW, AdwApplicationWindow)

FlintWindow    *flint_window_new            (FlintApplication *application);
/* Loads @file asynchronously, replacing what the window shows; a load still running is
 * cancelled. */
void            flint_window_open           (FlintWindow      *self,
                                             GFile            *file);
/* Shows a new, empty pipeline. */
void            flint_window_new_pipeline   (FlintWindow      *self);
/* The file shown (or being loaded), or NULL. */
GFile          *flint_window_get_file       (FlintWindow      *self);
/* The pipeline shown, or NULL while nothing is loaded. */
FlintPipeline  *flint_window_get_pipeline   (FlintWindow      *self);
FlintValidator *flint_window_get_validator  (FlintWindow      *self);
FlintHistory   *flint_window_get_history    (FlintWindow      *self);
/* Whether the window shows nothing and loads nothing, so that a file can reuse it. */
gboolean        flint_window_is_empty       (FlintWindow      *self);
/* Whether what is shown differs from its file (edits, or recovered changes). */
gboolean        flint_window_is_modified    (FlintWindow      *self);
/* Selects the node everywhere: canvas, inspector, code view. NULL unselects. */
void            flint_window_select_node    (FlintWindow      *self,
                                             const char       *node_id);
const char     *flint_window_get_selected   (FlintWindow      *self);
/* Saves to the window's file (Save As without one). */
void            flint_window_save           (FlintWindow      *self);
/* Where the window autosaves to (new reference), or NULL without a pipeline. */
GFile          *flint_window_dup_autosave_file (FlintWindow   *self);
/* Autosaves now if modified (as the timer does); for tests. */
void            flint_window_autosave_now   (FlintWindow      *self);
/* Offers untitled autosaves whose process is gone (a crash), newest first, in a dialog
 * (Recover opens one as an unsaved untitled document, Discard deletes it). The first
 * window does this on its own. */
void            flint_window_offer_untitled_recovery (FlintWindow *self);

/* Runs the generated code up to @node_id on local Spark over a sample and shows the rows
 * in the Preview tab, the counts on the canvas's edges (asynchronous; a preview still
 * running is replaced). */
void            flint_window_preview_node   (FlintWindow      *self,
                                             const char       *node_id);
void            flint_window_cancel_preview (FlintWindow      *self);
GtkWidget      *flint_window_get_preview_panel (FlintWindow   *self);

/* Shows the Runs tab, with @run_id's row focused. */
void            flint_window_show_run       (FlintWindow      *self,
                                             const char       *run_id);
GtkWidget      *flint_window_get_runs_panel (FlintWindow      *self);
/* The run whose progress the canvas shows (the last one run from this window), or NULL. */
FlintRun       *flint_window_get_shown_run  (FlintWindow      *self);

/* The panels, for tests. */
GtkWidget      *flint_window_get_palette    (FlintWindow      *self);
GtkWidget      *flint_window_get_canvas     (FlintWindow      *self);
GtkWidget      *flint_window_get_inspector  (FlintWindow      *self);
GtkWidget      *flint_window_get_job_page   (FlintWindow      *self);
GtkWidget      *flint_window_get_code_view  (FlintWindow      *self);
GtkWidget      *flint_window_get_problems   (FlintWindow      *self);
/* The toast offering to recover unsaved changes while it is shown, or NULL. */
AdwToast       *flint_window_get_recovery_toast (FlintWindow  *self);
/* The visible page: "empty", "loading", "error" or "pipeline". */
const char     *flint_window_get_page       (FlintWindow      *self);

G_END_DECLS
