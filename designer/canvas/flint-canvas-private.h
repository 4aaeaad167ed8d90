/* flint-canvas-private.h: what the canvas's gestures call, for the display suite
 *
 * Coordinates are canvas coordinates unless named w* (widget pixels). Each gesture
 * handler in flint-canvas.c converts and calls one of these, so tests drive exactly
 * what a pointer would.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "flint-canvas.h"
#include "flint-canvas-geometry.h"

G_BEGIN_DECLS

typedef enum
{
  FLINT_CANVAS_HIT_NONE,
  FLINT_CANVAS_HIT_NODE,
  FLINT_CANVAS_HIT_PORT,
  FLINT_CANVAS_HIT_EDGE,
  FLINT_CANVAS_HIT_MINIMAP,
} FlintCanvasHitKind;

typedef struct
{
  FlintCanvasHitKind  kind;
  FlintNode          *node;       /* NODE, PORT */
  FlintPortDirection  direction;  /* PORT */
  const char         *port;       /* PORT: its name */
  FlintEdge          *edge;       /* EDGE */
} FlintCanvasHit;

/* Why a connection is refused; the canvas shows it while the pointer is over the port. */
typedef enum
{
  FLINT_CONNECT_OK,
  FLINT_CONNECT_SAME_DIRECTION,  /* output to output, input to input */
  FLINT_CONNECT_SAME_NODE,
  FLINT_CONNECT_OCCUPIED,        /* a single input that already has an edge */
  FLINT_CONNECT_CYCLE,
  FLINT_CONNECT_EXISTS,
} FlintConnectVerdict;

typedef enum
{
  FLINT_CANVAS_DRAG_NONE,
  FLINT_CANVAS_DRAG_PAN,
  FLINT_CANVAS_DRAG_MOVE,
  FLINT_CANVAS_DRAG_CONNECT,
  FLINT_CANVAS_DRAG_RUBBER_BAND,
  FLINT_CANVAS_DRAG_MINIMAP,
} FlintCanvasDrag;

/* Hit-testing at a widget point (the minimap is in widget space) and its canvas point. */
FlintCanvasHitKind  flint_canvas_hit_test          (FlintCanvas       *self,
                                                    double             wx,
                                                    double             wy,
                                                    FlintCanvasHit    *hit);
FlintConnectVerdict flint_canvas_check_connection  (FlintCanvas       *self,
                                                    FlintNode         *a,
                                                    FlintPortDirection a_direction,
                                                    const char        *a_port,
                                                    FlintNode         *b,
                                                    FlintPortDirection b_direction,
                                                    const char        *b_port);

/* A primary button drag: on a port it connects, on a node it moves the selection (a
 * press on an unselected node selects it; shift toggles), elsewhere it draws a rubber
 * band (shift adds to the selection). @pan: space is held, the drag pans. A press and
 * release without motion is a click. Widget coordinates. */
FlintCanvasDrag     flint_canvas_drag_begin        (FlintCanvas       *self,
                                                    double             wx,
                                                    double             wy,
                                                    GdkModifierType    state,
                                                    gboolean           pan);
void                flint_canvas_drag_update       (FlintCanvas       *self,
                                                    double             wx,
                                                    double             wy);
void                flint_canvas_drag_end          (FlintCanvas       *self,
                                                    double             wx,
                                                    double             wy);
void                flint_canvas_drag_cancel       (FlintCanvas       *self);
FlintCanvasDrag     flint_canvas_get_drag          (FlintCanvas       *self);
/* While moving, connecting or drawing a rubber band with the pointer near the widget's
 * edge: scrolls the view as @elapsed seconds of the drag's auto-scroll would (the tick
 * callback calls it with the frame clock's time since the last frame) and carries the
 * drag along. FALSE when there is nothing to scroll. */
gboolean            flint_canvas_autoscroll_step   (FlintCanvas       *self,
                                                    double             elapsed);
/* While connecting: the verdict on the port under the pointer (OK when none). */
FlintConnectVerdict flint_canvas_get_drag_verdict  (FlintCanvas       *self);

/* Scrolling: pans by (dx, dy) steps, or zooms around (wx, wy) with Ctrl. */
void                flint_canvas_scroll            (FlintCanvas       *self,
                                                    double             dx,
                                                    double             dy,
                                                    gboolean           discrete,
                                                    GdkModifierType    state,
                                                    double             wx,
                                                    double             wy);
void                flint_canvas_zoom_by           (FlintCanvas       *self,
                                                    double             factor,
                                                    double             wx,
                                                    double             wy);

gboolean            flint_canvas_select_node       (FlintCanvas       *self,
                                                    FlintNode         *node,
                                                    gboolean           add);
gboolean            flint_canvas_is_selected       (FlintCanvas       *self,
                                                    FlintNode         *node);
FlintEdge          *flint_canvas_get_selected_edge (FlintCanvas       *self);
void                flint_canvas_delete_selection  (FlintCanvas       *self);
/* The selection as pipeline YAML, or NULL when nothing is selected. */
char               *flint_canvas_copy_selection    (FlintCanvas       *self);
/* Pastes pipeline YAML with its top left corner at (cx, cy), renaming ids that clash,
 * as one step, and selects what it added. */
gboolean            flint_canvas_paste_text        (FlintCanvas       *self,
                                                    const char        *text,
                                                    double             cx,
                                                    double             cy,
                                                    GError           **error);
void                flint_canvas_duplicate_selection (FlintCanvas     *self);
/* Keyboard: moves the selected nodes; selects the nearest node in a direction. */
void                flint_canvas_move_selection    (FlintCanvas       *self,
                                                    double             dx,
                                                    double             dy);
gboolean            flint_canvas_focus_direction   (FlintCanvas       *self,
                                                    int                dx,
                                                    int                dy);
/* A drop of "flint-kind:KIND_ID" at a widget point. */
gboolean            flint_canvas_drop_text         (FlintCanvas       *self,
                                                    const char        *text,
                                                    double             wx,
                                                    double             wy);

/* The rectangle of a node as painted (with a move in progress), in canvas coordinates. */
gboolean            flint_canvas_get_node_rect     (FlintCanvas       *self,
                                                    const char        *node_id,
                                                    FlintRect         *rect);
gboolean            flint_canvas_get_port_point    (FlintCanvas       *self,
                                                    const char        *node_id,
                                                    FlintPortDirection direction,
                                                    const char        *port,
                                                    double            *cx,
                                                    double            *cy);
/* The bounds of every node, or FALSE for an empty pipeline. */
gboolean            flint_canvas_get_bounds        (FlintCanvas       *self,
                                                    FlintRect         *bounds);
/* Badge counts of a node as painted. */
void                flint_canvas_get_badges        (FlintCanvas       *self,
                                                    const char        *node_id,
                                                    guint             *n_errors,
                                                    guint             *n_warnings);
/* Statistics of the last snapshot, for the benchmark and tests: nodes and edges painted,
 * and whether the far level of detail was used. */
void                flint_canvas_get_paint_stats   (FlintCanvas       *self,
                                                    guint             *n_nodes,
                                                    guint             *n_edges,
                                                    gboolean          *far);
/* Flushes pending validation (what the idle would do). */
void                flint_canvas_flush_validation  (FlintCanvas       *self);

G_END_DECLS
