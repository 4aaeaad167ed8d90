/* flint-canvas.h: the pipeline canvas of the designer
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "flint-model.h"
#include "flint-viewport.h"

G_BEGIN_DECLS

#define FLINT_TYPE_CANVAS (flint_canvas_get_type ())

G_DECLARE_FINAL_TYPE (FlintCanvas, flint_canvas, FLINT, CANVAS, GtkWidget)

/* What a run's progress bar on a card says (its colour). */
typedef enum
{
  FLINT_CANVAS_PROGRESS_NONE,      /* no bar */
  FLINT_CANVAS_PROGRESS_QUEUED,
  FLINT_CANVAS_PROGRESS_RUNNING,
  FLINT_CANVAS_PROGRESS_SUCCEEDED,
  FLINT_CANVAS_PROGRESS_FAILED,
  FLINT_CANVAS_PROGRESS_CANCELLED,
} FlintCanvasProgress;

/* Signals:
 *   ::selection-changed ()           the selected nodes changed (see dup_selection)
 *   ::node-activated (FlintNode *)   a node was double-clicked or activated with Enter
 *   ::progress-activated (node_id, uri)  a run's progress bar on a card was clicked
 * Properties: history (FlintHistory), validator (FlintValidator), viewport (read-only).
 * Actions (installed on the class, with keys): canvas.zoom-in (Ctrl+plus), canvas.zoom-out
 * (Ctrl+minus), canvas.zoom-fit (Ctrl+0), canvas.zoom-reset (Ctrl+1), canvas.arrange
 * (Ctrl+Shift+L), canvas.delete (Delete), canvas.duplicate (Ctrl+D), canvas.copy (Ctrl+C),
 * canvas.cut (Ctrl+X), canvas.paste (Ctrl+V), canvas.select-all (Ctrl+A),
 * canvas.select-none (Escape), canvas.undo (Ctrl+Z), canvas.redo (Ctrl+Shift+Z).
 * Drops: a G_TYPE_STRING "flint-kind:KIND_ID" adds that node where it is dropped. */

GtkWidget      *flint_canvas_new              (void);

/* Every edit the canvas makes goes through @history; the pipeline is its pipeline. Nodes
 * without a position are laid out automatically (not an undoable step: it is loading). */
void            flint_canvas_set_history      (FlintCanvas    *self,
                                               FlintHistory   *history);
FlintHistory   *flint_canvas_get_history      (FlintCanvas    *self);
FlintPipeline  *flint_canvas_get_pipeline     (FlintCanvas    *self);
/* Badges come from @validator (NULL: none); the canvas updates it on idle after edits. */
void            flint_canvas_set_validator    (FlintCanvas    *self,
                                               FlintValidator *validator);
FlintValidator *flint_canvas_get_validator    (FlintCanvas    *self);
FlintViewport  *flint_canvas_get_viewport     (FlintCanvas    *self);

/* The selected nodes in document order (new array of new references). */
GPtrArray      *flint_canvas_dup_selection    (FlintCanvas    *self);
guint           flint_canvas_get_n_selected   (FlintCanvas    *self);
/* The one selected node, or NULL when none or several are (borrowed). */
FlintNode      *flint_canvas_get_selected_node (FlintCanvas   *self);
void            flint_canvas_select_all       (FlintCanvas    *self);
void            flint_canvas_unselect_all     (FlintCanvas    *self);
/* Selects only that node and scrolls it into view (problems list, code view). */
gboolean        flint_canvas_reveal_node      (FlintCanvas    *self,
                                               const char     *node_id);

void            flint_canvas_zoom_in          (FlintCanvas    *self);
void            flint_canvas_zoom_out         (FlintCanvas    *self);
void            flint_canvas_zoom_reset       (FlintCanvas    *self);
void            flint_canvas_zoom_to_fit      (FlintCanvas    *self);
/* Lays the whole graph out (one undoable step) and fits it in view. */
void            flint_canvas_arrange          (FlintCanvas    *self);

/* A short text in a pill at the middle of @edge (the rows a preview saw flow along it);
 * @warn tints it (rows dropped or quarantined on the way). NULL removes it. Labels go
 * with their edge. */
void            flint_canvas_set_edge_label   (FlintCanvas    *self,
                                               FlintEdge      *edge,
                                               const char     *text,
                                               gboolean        warn);
const char     *flint_canvas_get_edge_label   (FlintCanvas    *self,
                                               FlintEdge      *edge);
void            flint_canvas_clear_edge_labels (FlintCanvas   *self);

/* A run's progress on @node_id's card: a thin bar along its bottom (@fraction of its tasks
 * done) in the colour of @state, which also rims the card; clicking the bar emits
 * ::progress-activated with @uri (the node's job in the Spark UI; NULL: not a link).
 * NONE removes it. */
void            flint_canvas_set_node_progress   (FlintCanvas         *self,
                                                  const char          *node_id,
                                                  double               fraction,
                                                  FlintCanvasProgress  state,
                                                  const char          *uri);
FlintCanvasProgress flint_canvas_get_node_progress (FlintCanvas       *self,
                                                  const char          *node_id,
                                                  double              *fraction,
                                                  const char         **uri);
void            flint_canvas_clear_node_progress (FlintCanvas         *self);
/* What a click at widget point @x, @y does on a progress bar (for tests); TRUE if it hit one. */
gboolean        flint_canvas_activate_progress_at (FlintCanvas        *self,
                                                  double               x,
                                                  double               y);

G_END_DECLS
