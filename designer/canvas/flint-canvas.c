/* flint-canvas.c: the pipeline canvas of the designer
 *
 * One widget paints the whole graph in one snapshot pass: it asks a uniform grid which
 * nodes and edges lie in view, paints cards for those (or plain rectangles when zoomed
 * far out), and never walks the whole graph per frame. Gestures convert to canvas
 * coordinates through the FlintViewport and call the thin functions of
 * flint-canvas-private.h; every edit goes through FlintHistory, and the canvas redraws
 * from the pipeline's signals, so undo and other views need no special care.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "flint-canvas"

#include "config.h"

#include <math.h>

#include <glib/gi18n-lib.h>

#include "flint-canvas-layout.h"
#include "flint-canvas-private.h"

#define GRID_CELL         320.0
#define FAR_ZOOM          0.4    /* below this: rectangles, no text */
#define EDGE_HIT_PX       6.0
#define AUTOSCROLL_EDGE   24.0   /* px: a drag this near the widget's edge scrolls the view */
#define AUTOSCROLL_SPEED  25.0   /* px per second per px into that margin */
#define AUTOSCROLL_MAX    96.0   /* px into the margin (beyond the edge) where speed stops growing */
#define EDGE_END_PX       24.0   /* a press on an edge this near its input end grabs the end */
#define ZOOM_STEP         1.2
#define SCROLL_STEP       48.0
#define MINIMAP_WIDTH     200.0
#define MINIMAP_HEIGHT    130.0
#define MINIMAP_MARGIN    12.0
#define FIT_MARGIN        40.0
#define PASTE_OFFSET      32.0
#define NUDGE             10.0
#define NUDGE_LARGE       50.0

typedef struct _NodeItem NodeItem;
typedef struct _EdgeItem EdgeItem;

struct _NodeItem
{
  FlintNode   *node;
  FlintRect    rect;        /* as inserted in the grid */
  guint64      z;           /* paint order: later on top */
  GPtrArray   *edges;       /* EdgeItem touching the node */
  guint        n_errors;
  guint        n_warnings;
  gboolean     input_error; /* an error of the node itself, not of a parameter */
  PangoLayout *title;
  PangoLayout *subtitle;
  PangoLayout *summary;
  PangoLayout *badge;
  GPtrArray   *port_labels; /* PangoLayout: inputs, then outputs, when shown */
  FlintCanvasProgress progress_state; /* a run's progress on the card (NONE: no bar) */
  double       progress;
  char        *progress_uri; /* the node's job in the Spark UI, or NULL */
};

struct _EdgeItem
{
  FlintEdge *edge;
  NodeItem  *from;
  NodeItem  *to;
  int        from_index;
  int        to_index;
  double     curve[8];
  FlintRect  bounds;
  char      *label;       /* preview row counts, or NULL */
  gboolean   label_warn;  /* rows were dropped or quarantined on the way */
};

typedef struct
{
  GdkRGBA bg;
  GdkRGBA fg;
  GdkRGBA card;
  GdkRGBA border;
  GdkRGBA accent;
  GdkRGBA accent_bg;
  GdkRGBA error;
  GdkRGBA error_bg;
  GdkRGBA warning;
  GdkRGBA warning_bg;
  GdkRGBA shadow;
  GdkRGBA category[3];
  gboolean dark;
} Palette;

struct _FlintCanvas
{
  GtkWidget        parent_instance;

  FlintHistory    *history;
  FlintPipeline   *pipeline;
  FlintValidator  *validator;
  FlintViewport   *viewport;
  gulong           pipeline_handlers[6];
  gulong           validator_handler;
  guint            validate_source;

  GHashTable      *nodes;       /* FlintNode -> NodeItem */
  GHashTable      *edges;       /* FlintEdge -> EdgeItem */
  FlintGrid       *node_grid;
  FlintGrid       *edge_grid;
  guint64          next_z;

  GHashTable      *selection;   /* NodeItem set */
  EdgeItem        *selected_edge;
  NodeItem        *cursor;      /* keyboard focus among nodes */

  /* The drag in progress */
  FlintCanvasDrag  drag;
  double           drag_wx, drag_wy;      /* where it started, widget */
  double           drag_last_wx, drag_last_wy;
  double           drag_cx, drag_cy;      /* where it started, canvas */
  double           pointer_cx, pointer_cy;
  double           move_dx, move_dy;
  gboolean         drag_moved;
  NodeItem        *drag_toggle;           /* shift-press on a selected node: unselect on click */
  NodeItem        *connect_item;
  FlintPortDirection connect_direction;
  int              connect_port;
  NodeItem        *target_item;
  FlintPortDirection target_direction;
  int              target_port;
  FlintConnectVerdict verdict;
  EdgeItem        *reconnect_edge;        /* detached while its input end is dragged */
  GHashTable      *rubber_base;           /* NodeItem set selected before a shift rubber band */
  guint            autoscroll_tick;
  gint64           autoscroll_time;       /* frame time of the last step, µs; 0 before the first */

  /* Pointer, for zooming with keys around it */
  gboolean         pointer_inside;
  double           pointer_wx, pointer_wy;
  gboolean         space_held;
  double           pinch_zoom;

  gboolean         needs_fit;
  GHashTable      *icons;       /* icon name -> GtkIconPaintable */
  Palette          palette;

  /* The minimap's picture of the graph, rebuilt after edits, not per frame */
  GskRenderNode   *minimap_node;
  GdkRGBA          minimap_color;
  FlintRect        bounds;
  gboolean         bounds_valid;

  guint            stat_nodes;
  guint            stat_edges;
  gboolean         stat_far;
};

G_DEFINE_FINAL_TYPE (FlintCanvas, flint_canvas, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_HISTORY,
  PROP_VALIDATOR,
  PROP_VIEWPORT,
  N_PROPS
};

enum {
  SELECTION_CHANGED,
  NODE_ACTIVATED,
  PROGRESS_ACTIVATED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void update_actions (FlintCanvas *self);

/* Items */

static void
node_item_drop_layouts (NodeItem *item)
{
  g_clear_object (&item->title);
  g_clear_object (&item->subtitle);
  g_clear_object (&item->summary);
  g_clear_object (&item->badge);
  g_clear_pointer (&item->port_labels, g_ptr_array_unref);
}

static void
node_item_free (gpointer data)
{
  NodeItem *item = data;

  node_item_drop_layouts (item);
  g_free (item->progress_uri);
  g_ptr_array_unref (item->edges);
  g_object_unref (item->node);
  g_free (item);
}

static void
edge_item_free (gpointer data)
{
  EdgeItem *item = data;

  g_object_unref (item->edge);
  g_free (item->label);
  g_free (item);
}

static inline NodeItem *
lookup_item (FlintCanvas *self,
             FlintNode   *node)
{
  return node != NULL ? g_hash_table_lookup (self->nodes, node) : NULL;
}

static NodeItem *
lookup_item_by_id (FlintCanvas *self,
                   const char  *id)
{
  if (self->pipeline == NULL || id == NULL)
    return NULL;
  return lookup_item (self, flint_pipeline_lookup_node (self->pipeline, id));
}

static gboolean
is_moving (FlintCanvas *self,
           NodeItem    *item)
{
  return self->drag == FLINT_CANVAS_DRAG_MOVE && g_hash_table_contains (self->selection, item);
}

/* Where a node is painted: where it is, or where the drag in progress takes it. */
static FlintRect
paint_rect (FlintCanvas *self,
            NodeItem    *item)
{
  FlintRect rect = item->rect;

  if (is_moving (self, item))
    {
      rect.x += self->move_dx;
      rect.y += self->move_dy;
    }
  return rect;
}

static void
port_point (FlintCanvas        *self,
            NodeItem           *item,
            FlintPortDirection  direction,
            int                 index,
            double             *x,
            double             *y)
{
  FlintRect rect = paint_rect (self, item);

  flint_node_kind_get_port_point (flint_node_get_kind (item->node), direction, MAX (index, 0),
                                  rect.x, rect.y, x, y);
}

static void
edge_item_compute (FlintCanvas *self,
                   EdgeItem    *item,
                   double      *curve)
{
  double x1, y1, x2, y2;

  port_point (self, item->from, FLINT_PORT_OUTPUT, item->from_index, &x1, &y1);
  port_point (self, item->to, FLINT_PORT_INPUT, item->to_index, &x2, &y2);
  flint_edge_curve (x1, y1, x2, y2, curve);
}

static void
edge_item_place (FlintCanvas *self,
                 EdgeItem    *item)
{
  edge_item_compute (self, item, item->curve);
  flint_edge_curve_bounds (item->curve, &item->bounds);
  flint_grid_insert (self->edge_grid, item, &item->bounds);
}

static void
invalidate_minimap (FlintCanvas *self)
{
  g_clear_pointer (&self->minimap_node, gsk_render_node_unref);
  self->bounds_valid = FALSE;
}

static void
update_badges (FlintCanvas *self,
               NodeItem    *item)
{
  GPtrArray *diagnostics;
  guint errors = 0, warnings = 0;
  gboolean input_error = FALSE;

  if (self->validator != NULL)
    {
      diagnostics = flint_validator_get_node_diagnostics (self->validator,
                                                          flint_node_get_id (item->node));
      for (guint i = 0; diagnostics != NULL && i < diagnostics->len; i++)
        {
          FlintDiagnostic *d = g_ptr_array_index (diagnostics, i);

          switch (flint_diagnostic_get_severity (d))
            {
            case FLINT_SEVERITY_ERROR:
              errors++;
              if (flint_diagnostic_get_param (d) == NULL)
                input_error = TRUE;
              break;
            case FLINT_SEVERITY_WARNING:
              warnings++;
              break;
            case FLINT_SEVERITY_INFO:
            default:
              break;
            }
        }
    }

  if (item->n_errors != errors || item->n_warnings != warnings)
    g_clear_object (&item->badge);
  item->n_errors = errors;
  item->n_warnings = warnings;
  item->input_error = input_error;
}

static NodeItem *
add_node_item (FlintCanvas *self,
               FlintNode   *node)
{
  NodeItem *item = g_new0 (NodeItem, 1);
  double x = 0, y = 0;

  item->node = g_object_ref (node);
  item->z = self->next_z++;
  item->edges = g_ptr_array_new ();
  flint_node_get_position (node, &x, &y);
  item->rect = flint_node_kind_get_rect (flint_node_get_kind (node), x, y);
  g_hash_table_insert (self->nodes, node, item);
  flint_grid_insert (self->node_grid, item, &item->rect);
  update_badges (self, item);
  return item;
}

static void
add_edge_item (FlintCanvas *self,
               FlintEdge   *edge)
{
  NodeItem *from = lookup_item_by_id (self, flint_edge_get_from_node (edge));
  NodeItem *to = lookup_item_by_id (self, flint_edge_get_to_node (edge));
  EdgeItem *item;

  if (from == NULL || to == NULL)
    return;

  item = g_new0 (EdgeItem, 1);
  item->edge = g_object_ref (edge);
  item->from = from;
  item->to = to;
  item->from_index = flint_node_kind_port_index (flint_node_get_kind (from->node), FLINT_PORT_OUTPUT,
                                                 flint_edge_get_from_port (edge));
  item->to_index = flint_node_kind_port_index (flint_node_get_kind (to->node), FLINT_PORT_INPUT,
                                               flint_edge_get_to_port (edge));
  g_ptr_array_add (from->edges, item);
  g_ptr_array_add (to->edges, item);
  g_hash_table_insert (self->edges, edge, item);
  edge_item_place (self, item);
}

static void
remove_edge_item (FlintCanvas *self,
                  EdgeItem    *item)
{
  if (self->selected_edge == item)
    self->selected_edge = NULL;
  if (self->reconnect_edge == item)
    flint_canvas_drag_cancel (self);
  flint_grid_remove (self->edge_grid, item, &item->bounds);
  g_ptr_array_remove_fast (item->from->edges, item);
  g_ptr_array_remove_fast (item->to->edges, item);
  g_hash_table_remove (self->edges, item->edge);
}

static void
remove_node_item (FlintCanvas *self,
                  NodeItem    *item)
{
  gboolean was_selected;

  while (item->edges->len > 0)
    remove_edge_item (self, g_ptr_array_index (item->edges, 0));

  was_selected = g_hash_table_remove (self->selection, item);
  if (self->rubber_base != NULL)
    g_hash_table_remove (self->rubber_base, item);
  if (self->cursor == item)
    self->cursor = NULL;
  if (self->drag_toggle == item)
    self->drag_toggle = NULL;
  if (self->connect_item == item || self->target_item == item)
    flint_canvas_drag_cancel (self);

  flint_grid_remove (self->node_grid, item, &item->rect);
  g_hash_table_remove (self->nodes, item->node);

  if (was_selected)
    g_signal_emit (self, signals[SELECTION_CHANGED], 0);
}

static void
node_item_moved (FlintCanvas *self,
                 NodeItem    *item)
{
  double x = 0, y = 0;

  flint_grid_remove (self->node_grid, item, &item->rect);
  flint_node_get_position (item->node, &x, &y);
  item->rect.x = x;
  item->rect.y = y;
  flint_grid_insert (self->node_grid, item, &item->rect);

  for (guint i = 0; i < item->edges->len; i++)
    {
      EdgeItem *edge = g_ptr_array_index (item->edges, i);

      flint_grid_remove (self->edge_grid, edge, &edge->bounds);
      edge_item_place (self, edge);
    }
}

static void
clear_items (FlintCanvas *self)
{
  gboolean had_selection = g_hash_table_size (self->selection) > 0;

  flint_canvas_drag_cancel (self);
  g_hash_table_remove_all (self->selection);
  self->selected_edge = NULL;
  self->cursor = NULL;
  g_hash_table_remove_all (self->edges);
  g_hash_table_remove_all (self->nodes);
  flint_grid_clear (self->node_grid);
  flint_grid_clear (self->edge_grid);
  invalidate_minimap (self);

  if (had_selection)
    g_signal_emit (self, signals[SELECTION_CHANGED], 0);
}

/* Model notifications */

static void
schedule_validation (FlintCanvas *self);

static void
on_node_added (FlintCanvas   *self,
               FlintNode     *node,
               FlintPipeline *pipeline)
{
  add_node_item (self, node);
  invalidate_minimap (self);
  update_actions (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
on_node_removed (FlintCanvas   *self,
                 FlintNode     *node,
                 FlintPipeline *pipeline)
{
  NodeItem *item = lookup_item (self, node);

  if (item != NULL)
    remove_node_item (self, item);
  invalidate_minimap (self);
  update_actions (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
on_node_changed (FlintCanvas   *self,
                 FlintNode     *node,
                 const char    *what,
                 FlintPipeline *pipeline)
{
  NodeItem *item = lookup_item (self, node);

  if (item == NULL)
    return;

  if (g_strcmp0 (what, "position") == 0)
    {
      node_item_moved (self, item);
      invalidate_minimap (self);
    }
  else
    {
      /* Label or parameters: the texts on the card. */
      node_item_drop_layouts (item);
    }
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
on_edge_added (FlintCanvas   *self,
               FlintEdge     *edge,
               FlintPipeline *pipeline)
{
  add_edge_item (self, edge);
  invalidate_minimap (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
on_edge_removed (FlintCanvas   *self,
                 FlintEdge     *edge,
                 FlintPipeline *pipeline)
{
  EdgeItem *item = g_hash_table_lookup (self->edges, edge);

  if (item != NULL)
    remove_edge_item (self, item);
  invalidate_minimap (self);
  update_actions (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
on_pipeline_changed (FlintCanvas   *self,
                     FlintPipeline *pipeline)
{
  schedule_validation (self);
}

static void
on_node_diagnostics_changed (FlintCanvas    *self,
                             const char     *node_id,
                             FlintValidator *validator)
{
  NodeItem *item = lookup_item_by_id (self, node_id);

  if (item == NULL)
    return;
  update_badges (self, item);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static gboolean
validate_idle (gpointer data)
{
  FlintCanvas *self = data;

  self->validate_source = 0;
  if (self->validator != NULL)
    flint_validator_update (self->validator);
  return G_SOURCE_REMOVE;
}

static void
schedule_validation (FlintCanvas *self)
{
  /* Before GDK's redraw priority, so badges change in the frame after the edit. */
  if (self->validator != NULL && self->validate_source == 0)
    self->validate_source = g_idle_add_full (G_PRIORITY_HIGH_IDLE + 10, validate_idle, self, NULL);
}

/* Selection */

static void
selection_changed (FlintCanvas *self)
{
  update_actions (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_signal_emit (self, signals[SELECTION_CHANGED], 0);
}

static gboolean
set_selection_one (FlintCanvas *self,
                   NodeItem    *item)
{
  if (item != NULL && g_hash_table_size (self->selection) == 1 &&
      g_hash_table_contains (self->selection, item) && self->selected_edge == NULL)
    return FALSE;

  g_hash_table_remove_all (self->selection);
  self->selected_edge = NULL;
  if (item != NULL)
    {
      g_hash_table_add (self->selection, item);
      self->cursor = item;
    }
  return TRUE;
}

/* The selected items, in no particular order (GLib 2.74 has no get_keys_as_ptr_array). */
static GPtrArray *
selection_array (FlintCanvas *self)
{
  GPtrArray *items = g_ptr_array_sized_new (g_hash_table_size (self->selection));
  GHashTableIter iter;
  gpointer item;

  g_hash_table_iter_init (&iter, self->selection);
  while (g_hash_table_iter_next (&iter, &item, NULL))
    g_ptr_array_add (items, item);
  return items;
}

static int
compare_z (gconstpointer a,
           gconstpointer b)
{
  const NodeItem *ia = *(NodeItem * const *) a;
  const NodeItem *ib = *(NodeItem * const *) b;

  return ia->z < ib->z ? -1 : ia->z > ib->z ? 1 : 0;
}

/* Hit-testing */

static void
get_visible (FlintCanvas *self,
             FlintRect   *rect)
{
  flint_viewport_get_visible (self->viewport, &rect->x, &rect->y, &rect->width, &rect->height);
}

static gboolean
minimap_shown (FlintCanvas *self)
{
  FlintRect bounds, visible;

  if (flint_viewport_get_width (self->viewport) < MINIMAP_WIDTH * 2.5 ||
      flint_viewport_get_height (self->viewport) < MINIMAP_HEIGHT * 2.5)
    return FALSE;
  if (!flint_canvas_get_bounds (self, &bounds))
    return FALSE;
  get_visible (self, &visible);
  return bounds.x < visible.x || bounds.y < visible.y ||
         bounds.x + bounds.width > visible.x + visible.width ||
         bounds.y + bounds.height > visible.y + visible.height;
}

static FlintRect
minimap_rect (FlintCanvas *self)
{
  FlintRect r = {
    flint_viewport_get_width (self->viewport) - MINIMAP_WIDTH - MINIMAP_MARGIN,
    flint_viewport_get_height (self->viewport) - MINIMAP_HEIGHT - MINIMAP_MARGIN,
    MINIMAP_WIDTH, MINIMAP_HEIGHT,
  };
  return r;
}

/* The scale and origin that fit @bounds (with what is in view) into the minimap. */
static void
minimap_transform (FlintCanvas *self,
                   FlintRect   *world,
                   double      *scale,
                   double      *ox,
                   double      *oy)
{
  FlintRect map = minimap_rect (self);
  double pad = 8;

  flint_canvas_get_bounds (self, world);
  *scale = MIN ((map.width - 2 * pad) / MAX (world->width, 1),
                (map.height - 2 * pad) / MAX (world->height, 1));
  *ox = map.x + (map.width - world->width * *scale) / 2;
  *oy = map.y + (map.height - world->height * *scale) / 2;
}

static NodeItem *
node_at (FlintCanvas *self,
         double       cx,
         double       cy)
{
  g_autoptr(GPtrArray) found = g_ptr_array_new ();
  FlintRect probe = { cx, cy, 0, 0 };
  NodeItem *best = NULL;

  flint_grid_query (self->node_grid, &probe, found);
  for (guint i = 0; i < found->len; i++)
    {
      NodeItem *item = g_ptr_array_index (found, i);
      FlintRect rect = paint_rect (self, item);

      if (flint_rect_contains (&rect, cx, cy) && (best == NULL || item->z > best->z))
        best = item;
    }
  return best;
}

/* The port nearest (cx, cy) within FLINT_PORT_HIT_RADIUS (or @radius canvas units). */
static gboolean
port_at (FlintCanvas        *self,
         double              cx,
         double              cy,
         double              radius,
         NodeItem          **out_item,
         FlintPortDirection *out_direction,
         int                *out_index)
{
  g_autoptr(GPtrArray) found = g_ptr_array_new ();
  FlintRect probe = { cx - radius, cy - radius, 2 * radius, 2 * radius };
  double best = radius;
  gboolean hit = FALSE;

  flint_grid_query (self->node_grid, &probe, found);
  for (guint i = 0; i < found->len; i++)
    {
      NodeItem *item = g_ptr_array_index (found, i);
      const FlintNodeKind *kind = flint_node_get_kind (item->node);

      for (int d = 0; d < 2; d++)
        {
          GPtrArray *ports = d == 0 ? kind->inputs : kind->outputs;

          for (guint p = 0; p < ports->len; p++)
            {
              double px, py, dist;

              port_point (self, item, d == 0 ? FLINT_PORT_INPUT : FLINT_PORT_OUTPUT, p, &px, &py);
              dist = hypot (px - cx, py - cy);
              if (dist <= best)
                {
                  best = dist;
                  hit = TRUE;
                  *out_item = item;
                  *out_direction = d == 0 ? FLINT_PORT_INPUT : FLINT_PORT_OUTPUT;
                  *out_index = p;
                }
            }
        }
    }
  return hit;
}

static EdgeItem *
edge_at (FlintCanvas *self,
         double       cx,
         double       cy)
{
  g_autoptr(GPtrArray) found = g_ptr_array_new ();
  double tolerance = EDGE_HIT_PX / flint_viewport_get_zoom (self->viewport);
  FlintRect probe = { cx - tolerance, cy - tolerance, 2 * tolerance, 2 * tolerance };
  EdgeItem *best = NULL;
  double best_dist = tolerance;

  flint_grid_query (self->edge_grid, &probe, found);
  for (guint i = 0; i < found->len; i++)
    {
      EdgeItem *item = g_ptr_array_index (found, i);
      double dist;

      if (!flint_rect_intersects (&item->bounds, &probe))
        continue;
      dist = flint_edge_curve_distance (item->curve, cx, cy);
      if (dist <= best_dist)
        {
          best_dist = dist;
          best = item;
        }
    }
  return best;
}

static const char *
port_name (NodeItem           *item,
           FlintPortDirection  direction,
           int                 index)
{
  const FlintNodeKind *kind = flint_node_get_kind (item->node);
  GPtrArray *ports = direction == FLINT_PORT_INPUT ? kind->inputs : kind->outputs;
  const FlintPortSpec *spec;

  if (index < 0 || (guint) index >= ports->len)
    return NULL;
  spec = g_ptr_array_index (ports, index);
  return spec->name;
}

FlintCanvasHitKind
flint_canvas_hit_test (FlintCanvas    *self,
                       double          wx,
                       double          wy,
                       FlintCanvasHit *hit)
{
  FlintCanvasHit local = { 0, };
  double cx, cy, zoom;
  NodeItem *item;
  EdgeItem *edge;
  FlintPortDirection direction;
  int index;

  g_return_val_if_fail (FLINT_IS_CANVAS (self), FLINT_CANVAS_HIT_NONE);

  if (hit == NULL)
    hit = &local;
  memset (hit, 0, sizeof *hit);

  if (self->pipeline == NULL)
    return FLINT_CANVAS_HIT_NONE;

  if (minimap_shown (self))
    {
      FlintRect map = minimap_rect (self);

      if (flint_rect_contains (&map, wx, wy))
        return hit->kind = FLINT_CANVAS_HIT_MINIMAP;
    }

  zoom = flint_viewport_get_zoom (self->viewport);
  flint_viewport_widget_to_canvas (self->viewport, wx, wy, &cx, &cy);

  /* Ports are small: they win over the card they sit on, at any zoom a hand can aim. */
  if (port_at (self, cx, cy, MAX (FLINT_PORT_HIT_RADIUS, 8.0 / zoom), &item, &direction, &index))
    {
      hit->kind = FLINT_CANVAS_HIT_PORT;
      hit->node = item->node;
      hit->direction = direction;
      hit->port = port_name (item, direction, index);
      return hit->kind;
    }

  if ((item = node_at (self, cx, cy)) != NULL)
    {
      hit->kind = FLINT_CANVAS_HIT_NODE;
      hit->node = item->node;
      return hit->kind;
    }

  if ((edge = edge_at (self, cx, cy)) != NULL)
    {
      hit->kind = FLINT_CANVAS_HIT_EDGE;
      hit->edge = edge->edge;
      return hit->kind;
    }

  return FLINT_CANVAS_HIT_NONE;
}

/* Connections */

/* Whether @to is reachable from @from along edges. */
static gboolean
reaches (FlintCanvas *self,
         NodeItem    *from,
         NodeItem    *to)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (NULL, NULL);
  g_autoptr(GPtrArray) stack = g_ptr_array_new ();

  g_ptr_array_add (stack, from);
  while (stack->len > 0)
    {
      NodeItem *item = g_ptr_array_steal_index_fast (stack, stack->len - 1);

      if (item == to)
        return TRUE;
      if (!g_hash_table_add (seen, item))
        continue;
      for (guint i = 0; i < item->edges->len; i++)
        {
          EdgeItem *edge = g_ptr_array_index (item->edges, i);

          if (edge->from == item)
            g_ptr_array_add (stack, edge->to);
        }
    }
  return FALSE;
}

FlintConnectVerdict
flint_canvas_check_connection (FlintCanvas        *self,
                               FlintNode          *a,
                               FlintPortDirection  a_direction,
                               const char         *a_port,
                               FlintNode          *b,
                               FlintPortDirection  b_direction,
                               const char         *b_port)
{
  NodeItem *out_item, *in_item;
  const char *out_port, *in_port;
  const FlintPortSpec *spec;

  g_return_val_if_fail (FLINT_IS_CANVAS (self), FLINT_CONNECT_SAME_NODE);

  if (a_direction == b_direction)
    return FLINT_CONNECT_SAME_DIRECTION;
  if (a == b)
    return FLINT_CONNECT_SAME_NODE;

  if (a_direction == FLINT_PORT_OUTPUT)
    {
      out_item = lookup_item (self, a);
      out_port = a_port;
      in_item = lookup_item (self, b);
      in_port = b_port;
    }
  else
    {
      out_item = lookup_item (self, b);
      out_port = b_port;
      in_item = lookup_item (self, a);
      in_port = a_port;
    }
  g_return_val_if_fail (out_item != NULL && in_item != NULL, FLINT_CONNECT_SAME_NODE);

  spec = flint_node_kind_lookup_input (flint_node_get_kind (in_item->node), in_port);
  for (guint i = 0; i < in_item->edges->len; i++)
    {
      EdgeItem *edge = g_ptr_array_index (in_item->edges, i);

      /* The edge being reconnected is detached: it neither occupies nor duplicates. */
      if (edge == self->reconnect_edge)
        continue;
      if (edge->to != in_item || g_strcmp0 (flint_edge_get_to_port (edge->edge), in_port) != 0)
        continue;
      if (edge->from == out_item && g_strcmp0 (flint_edge_get_from_port (edge->edge), out_port) == 0)
        return FLINT_CONNECT_EXISTS;
      if (spec == NULL || !spec->multiple)
        return FLINT_CONNECT_OCCUPIED;
    }

  if (reaches (self, in_item, out_item))
    return FLINT_CONNECT_CYCLE;

  return FLINT_CONNECT_OK;
}

static const char *
verdict_message (FlintConnectVerdict verdict)
{
  switch (verdict)
    {
    case FLINT_CONNECT_SAME_DIRECTION:
      return _("Connect an output to an input");
    case FLINT_CONNECT_SAME_NODE:
      return _("A node cannot feed itself");
    case FLINT_CONNECT_OCCUPIED:
      return _("This input is already connected");
    case FLINT_CONNECT_CYCLE:
      return _("This would make a cycle");
    case FLINT_CONNECT_EXISTS:
      return _("Already connected");
    case FLINT_CONNECT_OK:
    default:
      return NULL;
    }
}

/* Drags */

FlintCanvasDrag
flint_canvas_get_drag (FlintCanvas *self)
{
  g_return_val_if_fail (FLINT_IS_CANVAS (self), FLINT_CANVAS_DRAG_NONE);
  return self->drag;
}

FlintConnectVerdict
flint_canvas_get_drag_verdict (FlintCanvas *self)
{
  g_return_val_if_fail (FLINT_IS_CANVAS (self), FLINT_CONNECT_OK);
  return self->target_item != NULL ? self->verdict : FLINT_CONNECT_OK;
}

static void
minimap_center_at (FlintCanvas *self,
                   double       wx,
                   double       wy)
{
  FlintRect world, visible;
  double scale, ox, oy;

  minimap_transform (self, &world, &scale, &ox, &oy);
  get_visible (self, &visible);
  flint_viewport_set_offset (self->viewport,
                             world.x + (wx - ox) / scale - visible.width / 2,
                             world.y + (wy - oy) / scale - visible.height / 2);
}

/* The edge whose input end a press at (wx, wy) grabs: on a single input port that is
 * connected, or on an edge near its input end. A free port, or a port that takes many
 * inputs, starts a new connection instead. */
static EdgeItem *
reconnectable_edge (FlintCanvas          *self,
                    const FlintCanvasHit *hit,
                    double                wx,
                    double                wy)
{
  if (hit->kind == FLINT_CANVAS_HIT_PORT && hit->direction == FLINT_PORT_INPUT)
    {
      NodeItem *item = lookup_item (self, hit->node);
      const FlintPortSpec *spec = flint_node_kind_lookup_input (flint_node_get_kind (hit->node), hit->port);

      if (spec != NULL && spec->multiple)
        return NULL;
      for (guint i = 0; i < item->edges->len; i++)
        {
          EdgeItem *edge = g_ptr_array_index (item->edges, i);

          if (edge->to == item && g_strcmp0 (flint_edge_get_to_port (edge->edge), hit->port) == 0)
            return edge;
        }
    }
  else if (hit->kind == FLINT_CANVAS_HIT_EDGE)
    {
      EdgeItem *edge = g_hash_table_lookup (self->edges, hit->edge);
      double px, py, ex, ey, sx, sy;

      port_point (self, edge->to, FLINT_PORT_INPUT, edge->to_index, &px, &py);
      flint_viewport_canvas_to_widget (self->viewport, px, py, &ex, &ey);
      port_point (self, edge->from, FLINT_PORT_OUTPUT, edge->from_index, &px, &py);
      flint_viewport_canvas_to_widget (self->viewport, px, py, &sx, &sy);
      /* A short edge keeps its middle for selecting it. */
      if (hypot (ex - wx, ey - wy) <= MIN (EDGE_END_PX, hypot (ex - sx, ey - sy) / 3))
        return edge;
    }
  return NULL;
}

FlintCanvasDrag
flint_canvas_drag_begin (FlintCanvas     *self,
                         double           wx,
                         double           wy,
                         GdkModifierType  state,
                         gboolean         pan)
{
  FlintCanvasHit hit;
  gboolean shift = (state & GDK_SHIFT_MASK) != 0;
  gboolean changed = FALSE;

  g_return_val_if_fail (FLINT_IS_CANVAS (self), FLINT_CANVAS_DRAG_NONE);

  flint_canvas_drag_cancel (self);
  self->drag_wx = self->drag_last_wx = wx;
  self->drag_wy = self->drag_last_wy = wy;
  flint_viewport_widget_to_canvas (self->viewport, wx, wy, &self->drag_cx, &self->drag_cy);
  self->pointer_cx = self->drag_cx;
  self->pointer_cy = self->drag_cy;
  self->drag_moved = FALSE;
  self->move_dx = self->move_dy = 0;

  if (self->pipeline == NULL)
    return self->drag = FLINT_CANVAS_DRAG_NONE;

  if (pan)
    return self->drag = FLINT_CANVAS_DRAG_PAN;

  flint_canvas_hit_test (self, wx, wy, &hit);
  if ((self->reconnect_edge = reconnectable_edge (self, &hit, wx, wy)) != NULL)
    {
      /* The rubber edge of a new connection, from the same source port; the edge is
       * hidden until the drop decides where it goes. */
      self->connect_item = self->reconnect_edge->from;
      self->connect_direction = FLINT_PORT_OUTPUT;
      self->connect_port = self->reconnect_edge->from_index;
      self->drag = FLINT_CANVAS_DRAG_CONNECT;
      gtk_widget_queue_draw (GTK_WIDGET (self));
      return self->drag;
    }

  switch (hit.kind)
    {
    case FLINT_CANVAS_HIT_MINIMAP:
      minimap_center_at (self, wx, wy);
      self->drag = FLINT_CANVAS_DRAG_MINIMAP;
      break;

    case FLINT_CANVAS_HIT_PORT:
      self->connect_item = lookup_item (self, hit.node);
      self->connect_direction = hit.direction;
      self->connect_port = flint_node_kind_port_index (flint_node_get_kind (hit.node), hit.direction, hit.port);
      self->drag = FLINT_CANVAS_DRAG_CONNECT;
      break;

    case FLINT_CANVAS_HIT_NODE:
      {
        NodeItem *item = lookup_item (self, hit.node);

        if (!g_hash_table_contains (self->selection, item))
          {
            if (shift)
              {
                self->selected_edge = NULL;
                g_hash_table_add (self->selection, item);
                self->cursor = item;
                changed = TRUE;
              }
            else
              changed = set_selection_one (self, item);
          }
        else
          {
            if (shift)
              self->drag_toggle = item;
            self->cursor = item;
          }
        self->drag = FLINT_CANVAS_DRAG_MOVE;
      }
      break;

    case FLINT_CANVAS_HIT_EDGE:
      g_hash_table_remove_all (self->selection);
      self->selected_edge = g_hash_table_lookup (self->edges, hit.edge);
      changed = TRUE;
      self->drag = FLINT_CANVAS_DRAG_NONE;
      break;

    case FLINT_CANVAS_HIT_NONE:
    default:
      if (shift)
        self->rubber_base = g_hash_table_new (NULL, NULL);
      else if (g_hash_table_size (self->selection) > 0 || self->selected_edge != NULL)
        {
          set_selection_one (self, NULL);
          changed = TRUE;
        }
      if (self->rubber_base != NULL)
        {
          GHashTableIter iter;
          gpointer item;

          g_hash_table_iter_init (&iter, self->selection);
          while (g_hash_table_iter_next (&iter, &item, NULL))
            g_hash_table_add (self->rubber_base, item);
        }
      self->drag = FLINT_CANVAS_DRAG_RUBBER_BAND;
      break;
    }

  if (changed)
    selection_changed (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  return self->drag;
}

static void
rubber_band_rect (FlintCanvas *self,
                  FlintRect   *rect)
{
  rect->x = MIN (self->drag_cx, self->pointer_cx);
  rect->y = MIN (self->drag_cy, self->pointer_cy);
  rect->width = fabs (self->pointer_cx - self->drag_cx);
  rect->height = fabs (self->pointer_cy - self->drag_cy);
}

static void
update_rubber_band (FlintCanvas *self)
{
  g_autoptr(GPtrArray) found = g_ptr_array_new ();
  FlintRect band;

  rubber_band_rect (self, &band);
  g_hash_table_remove_all (self->selection);
  if (self->rubber_base != NULL)
    {
      GHashTableIter iter;
      gpointer item;

      g_hash_table_iter_init (&iter, self->rubber_base);
      while (g_hash_table_iter_next (&iter, &item, NULL))
        g_hash_table_add (self->selection, item);
    }

  flint_grid_query (self->node_grid, &band, found);
  for (guint i = 0; i < found->len; i++)
    {
      NodeItem *item = g_ptr_array_index (found, i);

      if (flint_rect_intersects (&item->rect, &band))
        g_hash_table_add (self->selection, item);
    }
}

/* How fast the view scrolls along one axis for a pointer at @w in a widget @size long,
 * in widget pixels per second: zero outside the margins, faster deeper in (and beyond). */
static double
autoscroll_speed (double w,
                  double size)
{
  double depth;

  if (w < AUTOSCROLL_EDGE)
    depth = -(AUTOSCROLL_EDGE - w);
  else if (w > size - AUTOSCROLL_EDGE)
    depth = w - (size - AUTOSCROLL_EDGE);
  else
    return 0;
  return AUTOSCROLL_SPEED * CLAMP (depth, -AUTOSCROLL_MAX, AUTOSCROLL_MAX);
}

static gboolean
autoscrolls (FlintCanvas *self)
{
  return self->drag == FLINT_CANVAS_DRAG_MOVE || self->drag == FLINT_CANVAS_DRAG_CONNECT ||
         self->drag == FLINT_CANVAS_DRAG_RUBBER_BAND;
}

gboolean
flint_canvas_autoscroll_step (FlintCanvas *self,
                              double       elapsed)
{
  double vx, vy;

  g_return_val_if_fail (FLINT_IS_CANVAS (self), FALSE);

  if (!autoscrolls (self))
    return FALSE;
  vx = autoscroll_speed (self->drag_last_wx, gtk_widget_get_width (GTK_WIDGET (self)));
  vy = autoscroll_speed (self->drag_last_wy, gtk_widget_get_height (GTK_WIDGET (self)));
  if (vx == 0 && vy == 0)
    return FALSE;

  flint_viewport_pan (self->viewport, -vx * elapsed, -vy * elapsed);
  /* The pointer stays put over a moving canvas: what it drags follows the canvas. */
  flint_canvas_drag_update (self, self->drag_last_wx, self->drag_last_wy);
  return TRUE;
}

static gboolean
autoscroll_tick (GtkWidget     *widget,
                 GdkFrameClock *clock,
                 gpointer       data)
{
  FlintCanvas *self = FLINT_CANVAS (widget);
  gint64 now = gdk_frame_clock_get_frame_time (clock);
  /* A stalled frame must not throw the view far. */
  double elapsed = self->autoscroll_time != 0 ? MIN ((now - self->autoscroll_time) / (double) G_USEC_PER_SEC, 0.1) : 0;

  self->autoscroll_time = now;
  if (flint_canvas_autoscroll_step (self, elapsed))
    return G_SOURCE_CONTINUE;
  self->autoscroll_tick = 0;
  return G_SOURCE_REMOVE;
}

static void
autoscroll_stop (FlintCanvas *self)
{
  if (self->autoscroll_tick != 0)
    gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->autoscroll_tick);
  self->autoscroll_tick = 0;
}

void
flint_canvas_drag_update (FlintCanvas *self,
                          double       wx,
                          double       wy)
{
  g_return_if_fail (FLINT_IS_CANVAS (self));

  if (fabs (wx - self->drag_wx) + fabs (wy - self->drag_wy) >= 3)
    self->drag_moved = TRUE;
  flint_viewport_widget_to_canvas (self->viewport, wx, wy, &self->pointer_cx, &self->pointer_cy);

  switch (self->drag)
    {
    case FLINT_CANVAS_DRAG_PAN:
      flint_viewport_pan (self->viewport, wx - self->drag_last_wx, wy - self->drag_last_wy);
      break;

    case FLINT_CANVAS_DRAG_MINIMAP:
      minimap_center_at (self, wx, wy);
      break;

    case FLINT_CANVAS_DRAG_MOVE:
      if (self->drag_moved)
        {
          self->move_dx = round (self->pointer_cx - self->drag_cx);
          self->move_dy = round (self->pointer_cy - self->drag_cy);
        }
      break;

    case FLINT_CANVAS_DRAG_CONNECT:
      {
        double zoom = flint_viewport_get_zoom (self->viewport);
        NodeItem *item;
        FlintPortDirection direction;
        int index;

        self->target_item = NULL;
        if (port_at (self, self->pointer_cx, self->pointer_cy, MAX (FLINT_PORT_HIT_RADIUS * 1.5, 12.0 / zoom),
                     &item, &direction, &index) &&
            !(item == self->connect_item && direction == self->connect_direction && index == self->connect_port))
          {
            self->target_item = item;
            self->target_direction = direction;
            self->target_port = index;
            self->verdict = flint_canvas_check_connection (self,
                                                           self->connect_item->node, self->connect_direction,
                                                           port_name (self->connect_item, self->connect_direction,
                                                                      self->connect_port),
                                                           item->node, direction,
                                                           port_name (item, direction, index));
          }
      }
      break;

    case FLINT_CANVAS_DRAG_RUBBER_BAND:
      update_rubber_band (self);
      break;

    case FLINT_CANVAS_DRAG_NONE:
    default:
      break;
    }

  self->drag_last_wx = wx;
  self->drag_last_wy = wy;
  if (self->autoscroll_tick == 0 && autoscrolls (self) && gtk_widget_get_mapped (GTK_WIDGET (self)) &&
      (autoscroll_speed (wx, gtk_widget_get_width (GTK_WIDGET (self))) != 0 ||
       autoscroll_speed (wy, gtk_widget_get_height (GTK_WIDGET (self))) != 0))
    {
      self->autoscroll_time = 0;
      self->autoscroll_tick = gtk_widget_add_tick_callback (GTK_WIDGET (self), autoscroll_tick, NULL, NULL);
    }
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
reset_drag (FlintCanvas *self)
{
  autoscroll_stop (self);
  self->drag = FLINT_CANVAS_DRAG_NONE;
  self->move_dx = self->move_dy = 0;
  self->connect_item = NULL;
  self->target_item = NULL;
  self->reconnect_edge = NULL;
  self->drag_toggle = NULL;
  g_clear_pointer (&self->rubber_base, g_hash_table_unref);
}

void
flint_canvas_drag_end (FlintCanvas *self,
                       double       wx,
                       double       wy)
{
  FlintCanvasDrag drag;

  g_return_if_fail (FLINT_IS_CANVAS (self));

  if (self->drag == FLINT_CANVAS_DRAG_NONE)
    return;

  flint_canvas_drag_update (self, wx, wy);
  drag = self->drag;

  if (drag == FLINT_CANVAS_DRAG_MOVE && (self->move_dx != 0 || self->move_dy != 0))
    {
      g_autoptr(GPtrArray) items = selection_array (self);
      g_autofree char *label = NULL;
      double dx = self->move_dx, dy = self->move_dy;

      g_ptr_array_sort (items, compare_z);
      /* The preview ends first: the moves below land where the preview was. */
      reset_drag (self);
      if (items->len == 1)
        label = g_strdup_printf (_("Move %s"), flint_node_get_display_name (((NodeItem *) items->pdata[0])->node));
      else
        label = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Move %u Node", "Move %u Nodes", items->len), items->len);
      flint_history_begin_group (self->history, label);
      for (guint i = 0; i < items->len; i++)
        {
          NodeItem *item = g_ptr_array_index (items, i);

          flint_history_move_node (self->history, flint_node_get_id (item->node),
                                   item->rect.x + dx, item->rect.y + dy, NULL);
        }
      flint_history_end_group (self->history);
    }
  else if (drag == FLINT_CANVAS_DRAG_MOVE && !self->drag_moved && self->drag_toggle != NULL)
    {
      g_hash_table_remove (self->selection, self->drag_toggle);
      reset_drag (self);
      selection_changed (self);
    }
  else if (drag == FLINT_CANVAS_DRAG_CONNECT && self->reconnect_edge != NULL)
    {
      g_autoptr(FlintEdge) edge = g_object_ref (self->reconnect_edge->edge);
      NodeItem *from = self->connect_item, *to = self->target_item;
      const char *from_port = port_name (from, FLINT_PORT_OUTPUT, self->connect_port);
      const char *to_port = to != NULL ? port_name (to, self->target_direction, self->target_port) : NULL;
      gboolean same = to == self->reconnect_edge->to && self->target_direction == FLINT_PORT_INPUT &&
                      self->target_port == self->reconnect_edge->to_index;
      gboolean ok = to != NULL && self->verdict == FLINT_CONNECT_OK;
      EdgeItem *grabbed = self->reconnect_edge;
      gboolean moved = self->drag_moved;
      g_autoptr(GError) error = NULL;

      /* The edge shows again before the history changes it. */
      reset_drag (self);
      if (!moved)
        {
          /* A click on the end selects the edge, as a click on its line does. */
          g_hash_table_remove_all (self->selection);
          self->selected_edge = grabbed;
          selection_changed (self);
        }
      else if (to == NULL)
        {
          /* Dropped away from any port: the edge goes, as deleting it would. */
          flint_history_disconnect (self->history, edge, &error);
        }
      else if (ok && !same)
        {
          g_autofree char *label = g_strdup_printf (_("Reconnect %s to %s"),
                                                    flint_node_get_display_name (from->node),
                                                    flint_node_get_display_name (to->node));

          flint_history_begin_group (self->history, label);
          if (flint_history_disconnect (self->history, edge, &error))
            flint_history_connect (self->history, flint_node_get_id (from->node), from_port,
                                   flint_node_get_id (to->node), to_port, &error);
          flint_history_end_group (self->history);
        }
      if (error != NULL)
        g_warning ("Could not reconnect: %s", error->message);
    }
  else if (drag == FLINT_CANVAS_DRAG_CONNECT && self->target_item != NULL && self->verdict == FLINT_CONNECT_OK)
    {
      NodeItem *a = self->connect_item, *b = self->target_item;
      const char *pa = port_name (a, self->connect_direction, self->connect_port);
      const char *pb = port_name (b, self->target_direction, self->target_port);
      g_autoptr(GError) error = NULL;

      reset_drag (self);
      if (self->connect_direction == FLINT_PORT_OUTPUT)
        flint_history_connect (self->history, flint_node_get_id (a->node), pa, flint_node_get_id (b->node), pb, &error);
      else
        flint_history_connect (self->history, flint_node_get_id (b->node), pb, flint_node_get_id (a->node), pa, &error);
      if (error != NULL)
        g_warning ("Could not connect: %s", error->message);
    }
  else if (drag == FLINT_CANVAS_DRAG_RUBBER_BAND)
    {
      reset_drag (self);
      selection_changed (self);
    }
  else
    reset_drag (self);

  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
flint_canvas_drag_cancel (FlintCanvas *self)
{
  g_return_if_fail (FLINT_IS_CANVAS (self));

  if (self->drag == FLINT_CANVAS_DRAG_NONE)
    return;
  reset_drag (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* Scrolling and zooming */

void
flint_canvas_zoom_by (FlintCanvas *self,
                      double       factor,
                      double       wx,
                      double       wy)
{
  g_return_if_fail (FLINT_IS_CANVAS (self));
  flint_viewport_zoom_at (self->viewport, flint_viewport_get_zoom (self->viewport) * factor, wx, wy);
}

void
flint_canvas_scroll (FlintCanvas     *self,
                     double           dx,
                     double           dy,
                     gboolean         discrete,
                     GdkModifierType  state,
                     double           wx,
                     double           wy)
{
  g_return_if_fail (FLINT_IS_CANVAS (self));

  if (state & GDK_CONTROL_MASK)
    {
      /* A wheel notch zooms one step; a touchpad zooms smoothly. */
      double factor = discrete ? pow (ZOOM_STEP, -dy) : exp (-dy * 0.01);

      flint_canvas_zoom_by (self, factor, wx, wy);
      return;
    }

  if ((state & GDK_SHIFT_MASK) && dx == 0)
    {
      dx = dy;
      dy = 0;
    }
  if (discrete)
    {
      dx *= SCROLL_STEP;
      dy *= SCROLL_STEP;
    }
  flint_viewport_pan (self->viewport, -dx, -dy);
}

static void
zoom_point (FlintCanvas *self,
            double      *wx,
            double      *wy)
{
  if (self->pointer_inside)
    {
      *wx = self->pointer_wx;
      *wy = self->pointer_wy;
    }
  else
    {
      *wx = flint_viewport_get_width (self->viewport) / 2;
      *wy = flint_viewport_get_height (self->viewport) / 2;
    }
}

void
flint_canvas_zoom_in (FlintCanvas *self)
{
  double wx, wy;

  g_return_if_fail (FLINT_IS_CANVAS (self));
  zoom_point (self, &wx, &wy);
  flint_canvas_zoom_by (self, ZOOM_STEP, wx, wy);
}

void
flint_canvas_zoom_out (FlintCanvas *self)
{
  double wx, wy;

  g_return_if_fail (FLINT_IS_CANVAS (self));
  zoom_point (self, &wx, &wy);
  flint_canvas_zoom_by (self, 1 / ZOOM_STEP, wx, wy);
}

void
flint_canvas_zoom_reset (FlintCanvas *self)
{
  double wx, wy;

  g_return_if_fail (FLINT_IS_CANVAS (self));
  zoom_point (self, &wx, &wy);
  flint_viewport_zoom_at (self->viewport, 1.0, wx, wy);
}

void
flint_canvas_zoom_to_fit (FlintCanvas *self)
{
  FlintRect bounds;

  g_return_if_fail (FLINT_IS_CANVAS (self));

  if (flint_viewport_get_width (self->viewport) <= 0)
    {
      self->needs_fit = TRUE;
      return;
    }
  if (flint_canvas_get_bounds (self, &bounds))
    flint_viewport_fit (self->viewport, bounds.x, bounds.y, bounds.width, bounds.height, FIT_MARGIN, 1.0);
}

/* A document just opened: fit it when it fits at a readable zoom; otherwise show its
 * start (the sources, top left) at the smallest readable zoom rather than shrinking the
 * cards until their text cannot be read. Zoom to fit stays available for the whole. */
#define OPEN_MIN_ZOOM 0.75

static void
open_view (FlintCanvas *self)
{
  FlintRect bounds;
  double zoom;

  flint_canvas_zoom_to_fit (self);
  if (!flint_canvas_get_bounds (self, &bounds))
    return;

  zoom = flint_viewport_get_zoom (self->viewport);
  if (zoom >= OPEN_MIN_ZOOM)
    return;

  flint_viewport_set_zoom (self->viewport, OPEN_MIN_ZOOM);
  flint_viewport_set_offset (self->viewport, bounds.x - FIT_MARGIN / OPEN_MIN_ZOOM,
                             bounds.y - FIT_MARGIN / OPEN_MIN_ZOOM);
}

/* Edits */

static GPtrArray *
selection_in_order (FlintCanvas *self)
{
  GPtrArray *items = selection_array (self);

  g_ptr_array_sort (items, compare_z);
  return items;
}

void
flint_canvas_delete_selection (FlintCanvas *self)
{
  g_autoptr(GPtrArray) items = NULL;
  g_autofree char *label = NULL;

  g_return_if_fail (FLINT_IS_CANVAS (self));

  if (self->history == NULL)
    return;

  if (self->selected_edge != NULL)
    {
      FlintEdge *edge = g_object_ref (self->selected_edge->edge);

      flint_history_disconnect (self->history, edge, NULL);
      g_object_unref (edge);
      return;
    }

  items = selection_in_order (self);
  if (items->len == 0)
    return;

  if (items->len == 1)
    label = g_strdup_printf (_("Remove %s"), flint_node_get_display_name (((NodeItem *) items->pdata[0])->node));
  else
    label = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Remove %u Node", "Remove %u Nodes", items->len), items->len);

  /* Ids first: removing a node frees its item. */
  for (guint i = 0; i < items->len; i++)
    items->pdata[i] = g_strdup (flint_node_get_id (((NodeItem *) items->pdata[i])->node));
  g_ptr_array_set_free_func (items, g_free);

  flint_history_begin_group (self->history, label);
  for (guint i = 0; i < items->len; i++)
    flint_history_remove_node (self->history, g_ptr_array_index (items, i), NULL);
  flint_history_end_group (self->history);
}

static FlintNode *
copy_node (FlintNode  *node,
           const char *id)
{
  FlintNode *copy = flint_node_new (id, flint_node_get_kind (node));
  JsonObject *params = flint_node_get_params (node);
  JsonObjectIter iter;
  const char *name;
  JsonNode *value;
  double x, y;

  flint_node_set_label (copy, flint_node_get_label (node));
  json_object_iter_init (&iter, params);
  while (json_object_iter_next (&iter, &name, &value))
    flint_node_take_param (copy, name, json_node_copy (value));
  if (flint_node_get_schema (node) != NULL)
    flint_node_set_schema (copy, flint_node_get_schema (node));
  if (flint_node_get_position (node, &x, &y))
    flint_node_set_position (copy, x, y);
  return copy;
}

char *
flint_canvas_copy_selection (FlintCanvas *self)
{
  g_autoptr(FlintPipeline) sub = NULL;
  g_autoptr(GPtrArray) items = NULL;

  g_return_val_if_fail (FLINT_IS_CANVAS (self), NULL);

  if (self->pipeline == NULL || g_hash_table_size (self->selection) == 0)
    return NULL;

  sub = flint_pipeline_new (flint_pipeline_get_catalog (self->pipeline));
  flint_pipeline_set_name (sub, flint_pipeline_get_name (self->pipeline));
  items = selection_in_order (self);
  for (guint i = 0; i < items->len; i++)
    {
      NodeItem *item = g_ptr_array_index (items, i);
      g_autoptr(FlintNode) copy = copy_node (item->node, flint_node_get_id (item->node));

      flint_pipeline_add_node (sub, copy, NULL);
    }

  /* The edges between selected nodes, in document order. */
  {
    GListModel *edges = flint_pipeline_get_edges (self->pipeline);

    for (guint i = 0; i < g_list_model_get_n_items (edges); i++)
      {
        g_autoptr(FlintEdge) edge = g_list_model_get_item (edges, i);
        EdgeItem *item = g_hash_table_lookup (self->edges, edge);

        if (item == NULL || !g_hash_table_contains (self->selection, item->from) ||
            !g_hash_table_contains (self->selection, item->to))
          continue;
        flint_pipeline_connect (sub,
                                flint_edge_get_from_node (edge), flint_edge_get_from_port (edge),
                                flint_edge_get_to_node (edge), flint_edge_get_to_port (edge),
                                NULL);
      }
  }

  return flint_pipeline_to_yaml (sub, NULL);
}

gboolean
flint_canvas_paste_text (FlintCanvas  *self,
                         const char   *text,
                         double        cx,
                         double        cy,
                         GError      **error)
{
  g_autoptr(FlintPipeline) sub = NULL;
  g_autoptr(GHashTable) ids = NULL;
  g_autoptr(GPtrArray) added = NULL;
  g_autofree char *label = NULL;
  GListModel *nodes, *edges;
  FlintRect bounds = { 0, 0, -1, -1 };
  guint n;

  g_return_val_if_fail (FLINT_IS_CANVAS (self), FALSE);
  g_return_val_if_fail (text != NULL, FALSE);

  if (self->history == NULL)
    return FALSE;

  sub = flint_pipeline_load_from_data (flint_pipeline_get_catalog (self->pipeline), text, strlen (text), error);
  if (sub == NULL)
    return FALSE;

  nodes = flint_pipeline_get_nodes (sub);
  edges = flint_pipeline_get_edges (sub);
  n = g_list_model_get_n_items (nodes);
  if (n == 0)
    return TRUE;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(FlintNode) node = g_list_model_get_item (nodes, i);
      double x = 0, y = 0;
      FlintRect rect;

      flint_node_get_position (node, &x, &y);
      rect = flint_node_kind_get_rect (flint_node_get_kind (node), x, y);
      flint_rect_union (&bounds, &rect);
    }

  ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  added = g_ptr_array_new_with_free_func (g_object_unref);

  label = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Paste %u Node", "Paste %u Nodes", n), n);
  flint_history_begin_group (self->history, label);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(FlintNode) node = g_list_model_get_item (nodes, i);
      const char *id = flint_node_get_id (node);
      g_autofree char *new_id = NULL;
      g_autoptr(FlintNode) copy = NULL;
      double x = 0, y = 0;

      /* A clash with the document, or with what this paste added already. */
      new_id = flint_pipeline_lookup_node (self->pipeline, id) != NULL
                 ? flint_pipeline_make_id (self->pipeline, id) : g_strdup (id);
      copy = copy_node (node, new_id);
      flint_node_get_position (node, &x, &y);
      flint_node_set_position (copy, round (cx + x - bounds.x), round (cy + y - bounds.y));
      if (!flint_history_insert_node (self->history, copy, error))
        {
          flint_history_end_group (self->history);
          return FALSE;
        }
      g_hash_table_insert (ids, g_strdup (id), g_strdup (new_id));
      g_ptr_array_add (added, g_object_ref (copy));
    }

  for (guint i = 0; i < g_list_model_get_n_items (edges); i++)
    {
      g_autoptr(FlintEdge) edge = g_list_model_get_item (edges, i);

      flint_history_connect (self->history,
                             g_hash_table_lookup (ids, flint_edge_get_from_node (edge)),
                             flint_edge_get_from_port (edge),
                             g_hash_table_lookup (ids, flint_edge_get_to_node (edge)),
                             flint_edge_get_to_port (edge), NULL);
    }
  flint_history_end_group (self->history);

  g_hash_table_remove_all (self->selection);
  self->selected_edge = NULL;
  for (guint i = 0; i < added->len; i++)
    {
      NodeItem *item = lookup_item (self, g_ptr_array_index (added, i));

      if (item != NULL)
        {
          g_hash_table_add (self->selection, item);
          self->cursor = item;
        }
    }
  selection_changed (self);
  return TRUE;
}

void
flint_canvas_duplicate_selection (FlintCanvas *self)
{
  g_autofree char *text = NULL;
  FlintRect bounds = { 0, 0, -1, -1 };
  GHashTableIter iter;
  NodeItem *item;

  g_return_if_fail (FLINT_IS_CANVAS (self));

  if ((text = flint_canvas_copy_selection (self)) == NULL)
    return;

  g_hash_table_iter_init (&iter, self->selection);
  while (g_hash_table_iter_next (&iter, (gpointer *) &item, NULL))
    flint_rect_union (&bounds, &item->rect);
  flint_canvas_paste_text (self, text, bounds.x + PASTE_OFFSET, bounds.y + PASTE_OFFSET, NULL);
}

void
flint_canvas_move_selection (FlintCanvas *self,
                             double       dx,
                             double       dy)
{
  g_autoptr(GPtrArray) items = NULL;
  g_autofree char *label = NULL;

  g_return_if_fail (FLINT_IS_CANVAS (self));

  if (self->history == NULL || g_hash_table_size (self->selection) == 0)
    return;

  items = selection_in_order (self);
  if (items->len > 1)
    label = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Move %u Node", "Move %u Nodes", items->len), items->len);
  flint_history_begin_group (self->history, label);
  for (guint i = 0; i < items->len; i++)
    {
      NodeItem *it = g_ptr_array_index (items, i);

      flint_history_move_node (self->history, flint_node_get_id (it->node),
                               it->rect.x + dx, it->rect.y + dy, NULL);
    }
  flint_history_end_group (self->history);

  if (self->cursor != NULL)
    flint_viewport_reveal (self->viewport, self->cursor->rect.x, self->cursor->rect.y,
                           self->cursor->rect.width, self->cursor->rect.height, 24);
}

gboolean
flint_canvas_focus_direction (FlintCanvas *self,
                              int          dx,
                              int          dy)
{
  g_autoptr(GPtrArray) found = g_ptr_array_new ();
  NodeItem *from = self->cursor, *best = NULL;
  double fx, fy, best_score = G_MAXDOUBLE;
  FlintRect visible, probe;

  g_return_val_if_fail (FLINT_IS_CANVAS (self), FALSE);

  if (self->pipeline == NULL || g_hash_table_size (self->nodes) == 0)
    return FALSE;

  get_visible (self, &visible);
  if (from == NULL)
    {
      fx = visible.x + visible.width / 2;
      fy = visible.y + visible.height / 2;
    }
  else
    {
      fx = from->rect.x + from->rect.width / 2;
      fy = from->rect.y + from->rect.height / 2;
    }

  /* Look in growing squares around the node so a far neighbour is found without a walk
   * of the whole graph when a near one exists. */
  for (double r = 600; best == NULL; r *= 4)
    {
      probe.x = fx - r;
      probe.y = fy - r;
      probe.width = probe.height = 2 * r;
      g_ptr_array_set_size (found, 0);
      flint_grid_query (self->node_grid, &probe, found);
      for (guint i = 0; i < found->len; i++)
        {
          NodeItem *item = g_ptr_array_index (found, i);
          double ix = item->rect.x + item->rect.width / 2 - fx;
          double iy = item->rect.y + item->rect.height / 2 - fy;
          double along = ix * dx + iy * dy, across = fabs (ix * dy - iy * dx);
          double score;

          if (item == from)
            continue;
          if (from != NULL && along <= 0)
            continue;
          /* Straight ahead beats diagonally. */
          score = from == NULL ? hypot (ix, iy) : along + 2 * across;
          if (score < best_score)
            {
              best_score = score;
              best = item;
            }
        }
      if (r > 1e7)
        break;
    }

  if (best == NULL)
    return FALSE;

  set_selection_one (self, best);
  flint_viewport_reveal (self->viewport, best->rect.x, best->rect.y, best->rect.width, best->rect.height, 24);
  selection_changed (self);
  return TRUE;
}

gboolean
flint_canvas_drop_text (FlintCanvas *self,
                        const char  *text,
                        double       wx,
                        double       wy)
{
  g_autoptr(GError) error = NULL;
  const FlintNodeKind *kind;
  FlintNode *node;
  double cx, cy, w, h;

  g_return_val_if_fail (FLINT_IS_CANVAS (self), FALSE);

  if (self->history == NULL || text == NULL || !g_str_has_prefix (text, "flint-kind:"))
    return FALSE;

  kind = flint_catalog_lookup (flint_pipeline_get_catalog (self->pipeline), text + strlen ("flint-kind:"));
  if (kind == NULL)
    return FALSE;

  /* The card's centre lands under the pointer. */
  flint_viewport_widget_to_canvas (self->viewport, wx, wy, &cx, &cy);
  flint_node_kind_get_size (kind, &w, &h);
  node = flint_history_add_node (self->history, kind->id, NULL, round (cx - w / 2), round (cy - h / 2), &error);
  if (node == NULL)
    {
      g_warning ("Could not add %s: %s", kind->id, error->message);
      return FALSE;
    }

  set_selection_one (self, lookup_item (self, node));
  selection_changed (self);
  gtk_widget_grab_focus (GTK_WIDGET (self));
  return TRUE;
}

/* Public selection API */

GPtrArray *
flint_canvas_dup_selection (FlintCanvas *self)
{
  g_autoptr(GPtrArray) items = NULL;
  GPtrArray *nodes;

  g_return_val_if_fail (FLINT_IS_CANVAS (self), NULL);

  items = selection_in_order (self);
  nodes = g_ptr_array_new_full (items->len, g_object_unref);
  for (guint i = 0; i < items->len; i++)
    g_ptr_array_add (nodes, g_object_ref (((NodeItem *) items->pdata[i])->node));
  return nodes;
}

guint
flint_canvas_get_n_selected (FlintCanvas *self)
{
  g_return_val_if_fail (FLINT_IS_CANVAS (self), 0);
  return g_hash_table_size (self->selection);
}

FlintNode *
flint_canvas_get_selected_node (FlintCanvas *self)
{
  GHashTableIter iter;
  NodeItem *item;

  g_return_val_if_fail (FLINT_IS_CANVAS (self), NULL);

  if (g_hash_table_size (self->selection) != 1)
    return NULL;
  g_hash_table_iter_init (&iter, self->selection);
  g_hash_table_iter_next (&iter, (gpointer *) &item, NULL);
  return item->node;
}

FlintEdge *
flint_canvas_get_selected_edge (FlintCanvas *self)
{
  g_return_val_if_fail (FLINT_IS_CANVAS (self), NULL);
  return self->selected_edge != NULL ? self->selected_edge->edge : NULL;
}

gboolean
flint_canvas_is_selected (FlintCanvas *self,
                          FlintNode   *node)
{
  NodeItem *item;

  g_return_val_if_fail (FLINT_IS_CANVAS (self), FALSE);
  item = lookup_item (self, node);
  return item != NULL && g_hash_table_contains (self->selection, item);
}

gboolean
flint_canvas_select_node (FlintCanvas *self,
                          FlintNode   *node,
                          gboolean     add)
{
  NodeItem *item;

  g_return_val_if_fail (FLINT_IS_CANVAS (self), FALSE);

  if ((item = lookup_item (self, node)) == NULL)
    return FALSE;
  if (add)
    {
      self->selected_edge = NULL;
      g_hash_table_add (self->selection, item);
      self->cursor = item;
    }
  else
    set_selection_one (self, item);
  selection_changed (self);
  return TRUE;
}

void
flint_canvas_select_all (FlintCanvas *self)
{
  GHashTableIter iter;
  gpointer item;

  g_return_if_fail (FLINT_IS_CANVAS (self));

  self->selected_edge = NULL;
  g_hash_table_iter_init (&iter, self->nodes);
  while (g_hash_table_iter_next (&iter, NULL, &item))
    g_hash_table_add (self->selection, item);
  selection_changed (self);
}

void
flint_canvas_unselect_all (FlintCanvas *self)
{
  g_return_if_fail (FLINT_IS_CANVAS (self));

  if (g_hash_table_size (self->selection) == 0 && self->selected_edge == NULL)
    return;
  set_selection_one (self, NULL);
  selection_changed (self);
}

gboolean
flint_canvas_reveal_node (FlintCanvas *self,
                          const char  *node_id)
{
  NodeItem *item;

  g_return_val_if_fail (FLINT_IS_CANVAS (self), FALSE);

  if ((item = lookup_item_by_id (self, node_id)) == NULL)
    return FALSE;

  if (set_selection_one (self, item))
    selection_changed (self);
  if (flint_viewport_get_zoom (self->viewport) < FAR_ZOOM)
    flint_viewport_zoom_at (self->viewport, 1.0, 0, 0);
  flint_viewport_reveal (self->viewport, item->rect.x, item->rect.y, item->rect.width, item->rect.height, 48);
  return TRUE;
}

void
flint_canvas_arrange (FlintCanvas *self)
{
  g_autoptr(GHashTable) layout = NULL;
  GListModel *nodes;

  g_return_if_fail (FLINT_IS_CANVAS (self));

  if (self->history == NULL)
    return;

  layout = flint_canvas_layout_compute (self->pipeline);
  nodes = flint_pipeline_get_nodes (self->pipeline);
  flint_history_begin_group (self->history, _("Arrange Nodes"));
  for (guint i = 0; i < g_list_model_get_n_items (nodes); i++)
    {
      g_autoptr(FlintNode) node = g_list_model_get_item (nodes, i);
      double *point = g_hash_table_lookup (layout, node);

      flint_history_move_node (self->history, flint_node_get_id (node), point[0], point[1], NULL);
    }
  flint_history_end_group (self->history);
  flint_canvas_zoom_to_fit (self);
}

/* Queries for tests and the benchmark */

gboolean
flint_canvas_get_node_rect (FlintCanvas *self,
                            const char  *node_id,
                            FlintRect   *rect)
{
  NodeItem *item = lookup_item_by_id (self, node_id);

  if (item == NULL)
    return FALSE;
  *rect = paint_rect (self, item);
  return TRUE;
}

gboolean
flint_canvas_get_port_point (FlintCanvas        *self,
                             const char         *node_id,
                             FlintPortDirection  direction,
                             const char         *port,
                             double             *cx,
                             double             *cy)
{
  NodeItem *item = lookup_item_by_id (self, node_id);
  int index;

  if (item == NULL)
    return FALSE;
  index = flint_node_kind_port_index (flint_node_get_kind (item->node), direction, port);
  if (index < 0)
    return FALSE;
  port_point (self, item, direction, index, cx, cy);
  return TRUE;
}

gboolean
flint_canvas_get_bounds (FlintCanvas *self,
                         FlintRect   *bounds)
{
  GHashTableIter iter;
  NodeItem *item;

  g_return_val_if_fail (FLINT_IS_CANVAS (self), FALSE);

  /* Cached: they change only with the model, and every frame asks for them. */
  if (!self->bounds_valid)
    {
      self->bounds.width = self->bounds.height = -1;
      self->bounds.x = self->bounds.y = 0;
      g_hash_table_iter_init (&iter, self->nodes);
      while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &item))
        flint_rect_union (&self->bounds, &item->rect);
      self->bounds_valid = TRUE;
    }

  *bounds = self->bounds;
  return bounds->width >= 0;
}

void
flint_canvas_get_badges (FlintCanvas *self,
                         const char  *node_id,
                         guint       *n_errors,
                         guint       *n_warnings)
{
  NodeItem *item = lookup_item_by_id (self, node_id);

  *n_errors = item != NULL ? item->n_errors : 0;
  *n_warnings = item != NULL ? item->n_warnings : 0;
}

void
flint_canvas_get_paint_stats (FlintCanvas *self,
                              guint       *n_nodes,
                              guint       *n_edges,
                              gboolean    *far)
{
  *n_nodes = self->stat_nodes;
  *n_edges = self->stat_edges;
  *far = self->stat_far;
}

void
flint_canvas_flush_validation (FlintCanvas *self)
{
  g_clear_handle_id (&self->validate_source, g_source_remove);
  if (self->validator != NULL)
    flint_validator_update (self->validator);
}

/* Painting */

static void
lookup_color (GtkStyleContext *context,
              const char      *name,
              GdkRGBA         *color,
              const char      *fallback)
{
  if (!gtk_style_context_lookup_color (context, name, color))
    gdk_rgba_parse (color, fallback);
}

/* Libadwaita's named colours, looked up per frame (a handful of hash lookups) so that a
 * switch between light and dark, or high contrast, shows at once. */
static void
update_palette (FlintCanvas *self)
{
  GtkStyleContext *context = gtk_widget_get_style_context (GTK_WIDGET (self));
  Palette *p = &self->palette;

  lookup_color (context, "window_bg_color", &p->bg, "#fafafa");
  lookup_color (context, "window_fg_color", &p->fg, "rgba(0,0,0,0.8)");
  lookup_color (context, "card_bg_color", &p->card, "#ffffff");
  lookup_color (context, "borders", &p->border, "rgba(0,0,0,0.15)");
  lookup_color (context, "accent_color", &p->accent, "#1c71d8");
  lookup_color (context, "accent_bg_color", &p->accent_bg, "#3584e4");
  lookup_color (context, "error_color", &p->error, "#c01c28");
  lookup_color (context, "error_bg_color", &p->error_bg, "#e01b24");
  lookup_color (context, "warning_color", &p->warning, "#9c6e03");
  lookup_color (context, "warning_bg_color", &p->warning_bg, "#cd9309");
  lookup_color (context, "shade_color", &p->shadow, "rgba(0,0,0,0.07)");
  lookup_color (context, "blue_3", &p->category[FLINT_NODE_CATEGORY_SOURCE], "#3584e4");
  lookup_color (context, "purple_3", &p->category[FLINT_NODE_CATEGORY_TRANSFORM], "#9141ac");
  lookup_color (context, "green_5", &p->category[FLINT_NODE_CATEGORY_SINK], "#26a269");

  /* A light text colour means a dark style. */
  p->dark = (p->fg.red + p->fg.green + p->fg.blue) > 1.5;
}

static GdkRGBA
with_alpha (const GdkRGBA *color,
            double         alpha)
{
  GdkRGBA c = *color;

  c.alpha *= alpha;
  return c;
}

static GdkPaintable *
lookup_icon (FlintCanvas *self,
             const char  *name)
{
  GdkPaintable *icon;

  if (name == NULL)
    name = "application-x-executable-symbolic";
  if ((icon = g_hash_table_lookup (self->icons, name)) == NULL)
    {
      GtkIconTheme *theme = gtk_icon_theme_get_for_display (gtk_widget_get_display (GTK_WIDGET (self)));

      icon = GDK_PAINTABLE (gtk_icon_theme_lookup_icon (theme, name, NULL, 16, 2, GTK_TEXT_DIR_NONE, 0));
      g_hash_table_insert (self->icons, g_strdup (name), icon);
    }
  return icon;
}

static PangoLayout *
make_layout (FlintCanvas *self,
             const char  *text,
             double       width,
             double       scale,
             gboolean     bold)
{
  PangoLayout *layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), text);
  PangoAttrList *attrs = pango_attr_list_new ();

  if (bold)
    pango_attr_list_insert (attrs, pango_attr_weight_new (PANGO_WEIGHT_BOLD));
  if (scale != 1.0)
    pango_attr_list_insert (attrs, pango_attr_scale_new (scale));
  pango_layout_set_attributes (layout, attrs);
  pango_attr_list_unref (attrs);
  pango_layout_set_single_paragraph_mode (layout, TRUE);
  if (width > 0)
    {
      pango_layout_set_width (layout, (int) (width * PANGO_SCALE));
      pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
    }
  return layout;
}

/* A short reminder of what the node does: its path, table, condition or query. */
static char *
node_summary (FlintNode *node)
{
  const FlintNodeKind *kind = flint_node_get_kind (node);

  for (guint i = 0; i < kind->params->len; i++)
    {
      const FlintParamSpec *spec = g_ptr_array_index (kind->params, i);
      JsonNode *value;

      switch ((int) spec->type)
        {
        case FLINT_PARAM_PATH:
        case FLINT_PARAM_TABLE:
        case FLINT_PARAM_CONDITION:
        case FLINT_PARAM_SQL:
        case FLINT_PARAM_EXPRESSION:
          value = flint_node_get_param (node, spec->name);
          if (value != NULL && JSON_NODE_HOLDS_VALUE (value) &&
              json_node_get_value_type (value) == G_TYPE_STRING)
            {
              g_autofree char *text = g_strdup (json_node_get_string (value));

              g_strdelimit (text, "\n\t", ' ');
              return g_steal_pointer (&text);
            }
          break;
        default:
          break;
        }
    }
  return NULL;
}

static void
ensure_layouts (FlintCanvas *self,
                NodeItem    *item)
{
  const FlintNodeKind *kind;

  if (item->title != NULL)
    return;

  kind = flint_node_get_kind (item->node);
  item->title = make_layout (self, flint_node_get_display_name (item->node), FLINT_NODE_WIDTH - 56, 1.0, TRUE);
  item->subtitle = make_layout (self, kind->title, FLINT_NODE_WIDTH - 56, 0.8, FALSE);

  if (kind->inputs->len <= 1 && kind->outputs->len <= 1)
    {
      g_autofree char *summary = node_summary (item->node);

      if (summary != NULL)
        item->summary = make_layout (self, summary, FLINT_NODE_WIDTH - 32, 0.8, FALSE);
    }
  else
    {
      item->port_labels = g_ptr_array_new_with_free_func (g_object_unref);
      for (int d = 0; d < 2; d++)
        {
          GPtrArray *ports = d == 0 ? kind->inputs : kind->outputs;

          for (guint i = 0; i < ports->len; i++)
            {
              const FlintPortSpec *port = g_ptr_array_index (ports, i);
              PangoLayout *layout = make_layout (self, port->title ? port->title : port->name,
                                                 FLINT_NODE_WIDTH / 2 - 20, 0.8, FALSE);

              if (d == 1)
                pango_layout_set_alignment (layout, PANGO_ALIGN_RIGHT);
              g_ptr_array_add (item->port_labels, layout);
            }
        }
    }
}

static void
append_circle (GtkSnapshot   *snapshot,
               double         x,
               double         y,
               double         r,
               const GdkRGBA *fill,
               const GdkRGBA *ring,
               double         ring_width)
{
  GskRoundedRect rr;
  float widths[4] = { ring_width, ring_width, ring_width, ring_width };
  GdkRGBA colors[4];

  gsk_rounded_rect_init_from_rect (&rr, &GRAPHENE_RECT_INIT (x - r, y - r, 2 * r, 2 * r), r);
  gtk_snapshot_push_rounded_clip (snapshot, &rr);
  gtk_snapshot_append_color (snapshot, fill, &rr.bounds);
  gtk_snapshot_pop (snapshot);
  if (ring != NULL && ring_width > 0)
    {
      for (int i = 0; i < 4; i++)
        colors[i] = *ring;
      gtk_snapshot_append_border (snapshot, &rr, widths, colors);
    }
}

static void
append_layout_at (GtkSnapshot   *snapshot,
                  PangoLayout   *layout,
                  double         x,
                  double         y,
                  const GdkRGBA *color)
{
  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (x, y));
  gtk_snapshot_append_layout (snapshot, layout, color);
  gtk_snapshot_restore (snapshot);
}

static double
layout_height (PangoLayout *layout)
{
  int h;

  pango_layout_get_pixel_size (layout, NULL, &h);
  return h;
}

/* The state of one port while a connection is dragged. */
typedef enum
{
  PORT_IDLE,
  PORT_CONNECTED,
  PORT_SOURCE,
  PORT_CANDIDATE,   /* the other direction: may accept */
  PORT_TARGET_OK,
  PORT_TARGET_REFUSED,
} PortLook;

static PortLook
port_look (FlintCanvas        *self,
           NodeItem           *item,
           FlintPortDirection  direction,
           int                 index)
{
  gboolean connected = FALSE;
  const char *name = port_name (item, direction, index);

  if (self->drag == FLINT_CANVAS_DRAG_CONNECT)
    {
      if (item == self->connect_item && direction == self->connect_direction && index == self->connect_port)
        return PORT_SOURCE;
      if (item == self->target_item && direction == self->target_direction && index == self->target_port)
        return self->verdict == FLINT_CONNECT_OK ? PORT_TARGET_OK : PORT_TARGET_REFUSED;
      if (direction != self->connect_direction && item != self->connect_item)
        {
          /* An input that is full already does not invite the drop (the cycle check waits
           * for the pointer to reach a port: it may walk much of the graph). */
          const FlintPortSpec *spec = direction == FLINT_PORT_INPUT
                                        ? flint_node_kind_lookup_input (flint_node_get_kind (item->node), name)
                                        : NULL;
          gboolean full = FALSE;

          for (guint i = 0; spec != NULL && !spec->multiple && i < item->edges->len && !full; i++)
            {
              EdgeItem *edge = g_ptr_array_index (item->edges, i);

              full = edge != self->reconnect_edge && edge->to == item &&
                     g_strcmp0 (flint_edge_get_to_port (edge->edge), name) == 0;
            }
          if (!full)
            return PORT_CANDIDATE;
        }
    }

  for (guint i = 0; i < item->edges->len && !connected; i++)
    {
      EdgeItem *edge = g_ptr_array_index (item->edges, i);

      if (direction == FLINT_PORT_INPUT)
        connected = edge->to == item && g_strcmp0 (flint_edge_get_to_port (edge->edge), name) == 0;
      else
        connected = edge->from == item && g_strcmp0 (flint_edge_get_from_port (edge->edge), name) == 0;
    }
  return connected ? PORT_CONNECTED : PORT_IDLE;
}

static void
paint_ports (FlintCanvas *self,
             GtkSnapshot *snapshot,
             NodeItem    *item,
             FlintRect   *rect)
{
  const FlintNodeKind *kind = flint_node_get_kind (item->node);
  const Palette *p = &self->palette;
  GdkRGBA dim = with_alpha (&p->fg, 0.45);

  for (int d = 0; d < 2; d++)
    {
      FlintPortDirection direction = d == 0 ? FLINT_PORT_INPUT : FLINT_PORT_OUTPUT;
      GPtrArray *ports = d == 0 ? kind->inputs : kind->outputs;

      for (guint i = 0; i < ports->len; i++)
        {
          double px, py, r = FLINT_PORT_RADIUS;
          GdkRGBA fill = p->card, ring = dim;

          flint_node_kind_get_port_point (kind, direction, i, rect->x, rect->y, &px, &py);

          switch (port_look (self, item, direction, i))
            {
            case PORT_CONNECTED:
              fill = dim;
              break;
            case PORT_SOURCE:
            case PORT_TARGET_OK:
              fill = p->accent_bg;
              ring = p->accent_bg;
              r += 2;
              break;
            case PORT_CANDIDATE:
              ring = p->accent;
              break;
            case PORT_TARGET_REFUSED:
              fill = p->error_bg;
              ring = p->error_bg;
              r += 2;
              break;
            case PORT_IDLE:
            default:
              break;
            }

          /* The window colour under the ring keeps it solid over a translucent card. */
          append_circle (snapshot, px, py, r + 1, &p->bg, NULL, 0);
          append_circle (snapshot, px, py, r, &fill, &ring, 2);

          if (item->port_labels != NULL)
            {
              PangoLayout *label = g_ptr_array_index (item->port_labels, d == 0 ? i : kind->inputs->len + i);
              double h = layout_height (label);

              append_layout_at (snapshot, label,
                                d == 0 ? rect->x + 12 : rect->x + FLINT_NODE_WIDTH / 2 + 8,
                                py - h / 2, &dim);
            }
        }
    }
}

static void
paint_badge (FlintCanvas *self,
             GtkSnapshot *snapshot,
             NodeItem    *item,
             FlintRect   *rect)
{
  const Palette *p = &self->palette;
  gboolean error = item->n_errors > 0;
  guint count = error ? item->n_errors : item->n_warnings;
  GdkRGBA white = { 1, 1, 1, 1 };
  double cx = rect->x + rect->width - 4, cy = rect->y + 4, w, h;
  GskRoundedRect rr;
  int lw, lh;

  if (count == 0)
    return;

  if (item->badge == NULL)
    {
      g_autofree char *text = g_strdup_printf ("%u", count);
      item->badge = make_layout (self, text, -1, 0.75, TRUE);
    }

  pango_layout_get_pixel_size (item->badge, &lw, &lh);
  h = 18;
  w = MAX (h, lw + 10);
  gsk_rounded_rect_init_from_rect (&rr, &GRAPHENE_RECT_INIT (cx - w / 2, cy - h / 2, w, h), h / 2);
  gtk_snapshot_append_outset_shadow (snapshot, &rr, &p->shadow, 0, 1, 0, 2);
  gtk_snapshot_push_rounded_clip (snapshot, &rr);
  gtk_snapshot_append_color (snapshot, error ? &p->error_bg : &p->warning_bg, &rr.bounds);
  gtk_snapshot_pop (snapshot);
  append_layout_at (snapshot, item->badge, cx - lw / 2.0, cy - lh / 2.0, &white);
}

/* Where a card's progress bar is (canvas units), and what a click on it hits. */
static graphene_rect_t
progress_bar_rect (const FlintRect *rect)
{
  return GRAPHENE_RECT_INIT (rect->x + 14, rect->y + rect->height - 9, rect->width - 28, 4);
}

/* A run's progress along the card's bottom, in the colour of the run's state. */
static void
paint_progress (FlintCanvas *self,
                GtkSnapshot *snapshot,
                NodeItem    *item,
                FlintRect   *rect)
{
  const Palette *p = &self->palette;
  graphene_rect_t bar = progress_bar_rect (rect), fill_rect;
  GdkRGBA track = with_alpha (&p->fg, 0.12), fill, colors[4];
  GskRoundedRect rr, card;
  double fraction = CLAMP (item->progress, 0.0, 1.0);

  if (item->progress_state == FLINT_CANVAS_PROGRESS_NONE)
    return;

  switch (item->progress_state)
    {
    case FLINT_CANVAS_PROGRESS_SUCCEEDED:
      if (!gtk_style_context_lookup_color (gtk_widget_get_style_context (GTK_WIDGET (self)),
                                           "success_bg_color", &fill))
        gdk_rgba_parse (&fill, "#2ec27e");
      fraction = 1.0;
      break;
    case FLINT_CANVAS_PROGRESS_FAILED:
      fill = p->error_bg;
      break;
    case FLINT_CANVAS_PROGRESS_CANCELLED:
      fill = with_alpha (&p->fg, 0.45);
      break;
    case FLINT_CANVAS_PROGRESS_RUNNING:
    case FLINT_CANVAS_PROGRESS_QUEUED:
    case FLINT_CANVAS_PROGRESS_NONE:
    default:
      fill = p->accent_bg;
      break;
    }

  /* The state's colour also rims the card, so that a finished run reads at a glance. */
  if (item->progress_state != FLINT_CANVAS_PROGRESS_QUEUED)
    {
      gsk_rounded_rect_init_from_rect (&card, &GRAPHENE_RECT_INIT (rect->x, rect->y, rect->width, rect->height),
                                       FLINT_NODE_RADIUS);
      for (int i = 0; i < 4; i++)
        colors[i] = with_alpha (&fill, 0.7);
      gtk_snapshot_append_border (snapshot, &card, (float[4]) { 1.5, 1.5, 1.5, 1.5 }, colors);
    }

  gsk_rounded_rect_init_from_rect (&rr, &bar, bar.size.height / 2);
  gtk_snapshot_push_rounded_clip (snapshot, &rr);
  gtk_snapshot_append_color (snapshot, &track, &bar);
  fill_rect = bar;
  fill_rect.size.width = bar.size.width * fraction;
  gtk_snapshot_append_color (snapshot, &fill, &fill_rect);
  gtk_snapshot_pop (snapshot);
}

static void
paint_node (FlintCanvas *self,
            GtkSnapshot *snapshot,
            NodeItem    *item)
{
  const Palette *p = &self->palette;
  const FlintNodeKind *kind = flint_node_get_kind (item->node);
  FlintRect rect = paint_rect (self, item);
  gboolean selected = g_hash_table_contains (self->selection, item);
  gboolean focused = item == self->cursor && gtk_widget_has_visible_focus (GTK_WIDGET (self));
  GdkRGBA tint = p->category[kind->category], icon_bg, fg_dim, colors[4];
  graphene_rect_t bounds = GRAPHENE_RECT_INIT (rect.x, rect.y, rect.width, rect.height);
  GskRoundedRect rr, icon_rr;
  GdkPaintable *icon;
  float width;
  double title_h, sub_h, text_y;

  ensure_layouts (self, item);

  gsk_rounded_rect_init_from_rect (&rr, &bounds, FLINT_NODE_RADIUS);

  /* Libadwaita's card: a soft shadow, the card colour over the window colour (the card
   * colour is translucent in the dark style), a hairline border; accent when selected. */
  gtk_snapshot_append_outset_shadow (snapshot, &rr, &p->shadow, 0, 1, 1, 3);
  gtk_snapshot_push_rounded_clip (snapshot, &rr);
  gtk_snapshot_append_color (snapshot, &p->bg, &bounds);
  gtk_snapshot_append_color (snapshot, &p->card, &bounds);
  gtk_snapshot_pop (snapshot);

  width = selected ? 2 : 1;
  for (int i = 0; i < 4; i++)
    colors[i] = selected ? p->accent_bg : item->n_errors > 0 ? with_alpha (&p->error_bg, 0.6) : p->border;
  gtk_snapshot_append_border (snapshot, &rr, (float[4]) { width, width, width, width }, colors);
  if (focused)
    {
      GskRoundedRect outer = rr;
      GdkRGBA ring = with_alpha (&p->accent_bg, 0.5);

      gsk_rounded_rect_shrink (&outer, -4, -4, -4, -4);
      for (int i = 0; i < 4; i++)
        colors[i] = ring;
      gtk_snapshot_append_border (snapshot, &outer, (float[4]) { 2, 2, 2, 2 }, colors);
    }

  /* The category icon on a tinted square. */
  icon_bg = with_alpha (&tint, p->dark ? 0.3 : 0.15);
  gsk_rounded_rect_init_from_rect (&icon_rr, &GRAPHENE_RECT_INIT (rect.x + 10, rect.y + 8, 28, 28), 8);
  gtk_snapshot_push_rounded_clip (snapshot, &icon_rr);
  gtk_snapshot_append_color (snapshot, &icon_bg, &icon_rr.bounds);
  gtk_snapshot_pop (snapshot);
  if ((icon = lookup_icon (self, kind->icon_name)) != NULL)
    {
      GdkRGBA icon_colors[4] = { tint, p->error, p->warning, p->accent };

      if (p->dark)
        icon_colors[0] = p->fg;
      gtk_snapshot_save (snapshot);
      gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (rect.x + 16, rect.y + 14));
      gtk_symbolic_paintable_snapshot_symbolic (GTK_SYMBOLIC_PAINTABLE (icon), snapshot, 16, 16, icon_colors, 4);
      gtk_snapshot_restore (snapshot);
    }

  /* Title and kind, centred together in the header. */
  fg_dim = with_alpha (&p->fg, 0.6);
  title_h = layout_height (item->title);
  sub_h = layout_height (item->subtitle);
  text_y = rect.y + (FLINT_NODE_HEADER + 2 - title_h - sub_h) / 2;
  append_layout_at (snapshot, item->title, rect.x + 46, text_y, &p->fg);
  append_layout_at (snapshot, item->subtitle, rect.x + 46, text_y + title_h, &fg_dim);

  /* A hairline under the header. */
  {
    GdkRGBA line = with_alpha (&p->border, 0.6);

    gtk_snapshot_append_color (snapshot, &line,
                               &GRAPHENE_RECT_INIT (rect.x + 1, rect.y + FLINT_NODE_HEADER, rect.width - 2, 1));
  }

  if (item->summary != NULL)
    append_layout_at (snapshot, item->summary, rect.x + 16,
                      rect.y + FLINT_NODE_HEADER + (FLINT_NODE_PORT_ROW - layout_height (item->summary)) / 2 + 1,
                      &fg_dim);

  paint_ports (self, snapshot, item, &rect);
  paint_progress (self, snapshot, item, &rect);
  paint_badge (self, snapshot, item, &rect);
}

static void
edge_color (FlintCanvas *self,
            EdgeItem    *item,
            GdkRGBA     *color,
            double      *width)
{
  const Palette *p = &self->palette;

  *width = 2;
  if (item == self->selected_edge)
    {
      *color = p->accent_bg;
      *width = 3;
    }
  else if (g_hash_table_contains (self->selection, item->from) ||
           g_hash_table_contains (self->selection, item->to))
    *color = p->accent_bg;
  else if (item->to->input_error)
    *color = p->error_bg;
  else
    *color = with_alpha (&p->fg, 0.4);
}

static void
cairo_curve (cairo_t      *cr,
             const double *c)
{
  cairo_move_to (cr, c[0], c[1]);
  cairo_curve_to (cr, c[2], c[3], c[4], c[5], c[6], c[7]);
}

/* Edges of a node being dragged follow it; others come from their items. */
static const double *
edge_curve (FlintCanvas *self,
            EdgeItem    *item,
            double      *scratch)
{
  if (self->drag == FLINT_CANVAS_DRAG_MOVE && (is_moving (self, item->from) || is_moving (self, item->to)))
    {
      edge_item_compute (self, item, scratch);
      return scratch;
    }
  return item->curve;
}

static void
paint_edges (FlintCanvas *self,
             GtkSnapshot *snapshot,
             GPtrArray   *edges,
             double       width,
             double       height)
{
  double zoom = flint_viewport_get_zoom (self->viewport);
  cairo_t *cr;

  if (edges->len == 0 && self->drag != FLINT_CANVAS_DRAG_CONNECT)
    return;

  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  cairo_scale (cr, zoom, zoom);
  cairo_translate (cr, -flint_viewport_get_offset_x (self->viewport), -flint_viewport_get_offset_y (self->viewport));
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);

  for (guint i = 0; i < edges->len; i++)
    {
      EdgeItem *item = g_ptr_array_index (edges, i);
      double scratch[8], w;
      GdkRGBA color;

      if (item == self->reconnect_edge)
        continue;
      edge_color (self, item, &color, &w);
      cairo_curve (cr, edge_curve (self, item, scratch));
      gdk_cairo_set_source_rgba (cr, &color);
      /* Thin but visible at any zoom. */
      cairo_set_line_width (cr, MAX (w, 1.0 / zoom));
      cairo_stroke (cr);
    }

  if (self->drag == FLINT_CANVAS_DRAG_CONNECT && self->connect_item != NULL)
    {
      double sx, sy, tx = self->pointer_cx, ty = self->pointer_cy, c[8];
      const Palette *p = &self->palette;
      gboolean refused = self->target_item != NULL && self->verdict != FLINT_CONNECT_OK;

      port_point (self, self->connect_item, self->connect_direction, self->connect_port, &sx, &sy);
      if (self->target_item != NULL)
        port_point (self, self->target_item, self->target_direction, self->target_port, &tx, &ty);
      if (self->connect_direction == FLINT_PORT_OUTPUT)
        flint_edge_curve (sx, sy, tx, ty, c);
      else
        flint_edge_curve (tx, ty, sx, sy, c);
      cairo_curve (cr, c);
      gdk_cairo_set_source_rgba (cr, refused ? &p->error_bg : &p->accent_bg);
      cairo_set_line_width (cr, 2.5);
      if (refused)
        cairo_set_dash (cr, (double[2]) { 6, 5 }, 2, 0);
      cairo_stroke (cr);
    }

  cairo_destroy (cr);
}

/* Preview counts in pills at each edge's middle, the same size at any zoom. */
static void
paint_edge_labels (FlintCanvas *self,
                   GtkSnapshot *snapshot,
                   GPtrArray   *edges)
{
  const Palette *p = &self->palette;

  for (guint i = 0; i < edges->len; i++)
    {
      EdgeItem *item = g_ptr_array_index (edges, i);
      g_autoptr(PangoLayout) layout = NULL;
      double scratch[8], mx, my, wx, wy;
      const double *c;
      int lw, lh;
      GskRoundedRect rr;
      GdkRGBA colors[4], fill;

      if (item->label == NULL || item == self->reconnect_edge)
        continue;
      c = edge_curve (self, item, scratch);
      /* The Bézier curve at t = 1/2. */
      mx = (c[0] + 3 * c[2] + 3 * c[4] + c[6]) / 8;
      my = (c[1] + 3 * c[3] + 3 * c[5] + c[7]) / 8;
      flint_viewport_canvas_to_widget (self->viewport, mx, my, &wx, &wy);

      layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), item->label);
      pango_layout_get_pixel_size (layout, &lw, &lh);
      gsk_rounded_rect_init_from_rect (&rr, &GRAPHENE_RECT_INIT (floor (wx - lw / 2.0 - 7), floor (wy - lh / 2.0 - 2),
                                                                lw + 14, lh + 4), (lh + 4) / 2.0);
      fill = item->label_warn ? p->warning_bg : p->card;
      for (int k = 0; k < 4; k++)
        colors[k] = item->label_warn ? p->warning_bg : p->border;
      gtk_snapshot_push_rounded_clip (snapshot, &rr);
      gtk_snapshot_append_color (snapshot, &p->bg, &rr.bounds);
      gtk_snapshot_append_color (snapshot, &fill, &rr.bounds);
      gtk_snapshot_pop (snapshot);
      gtk_snapshot_append_border (snapshot, &rr, (float[4]) { 1, 1, 1, 1 }, colors);
      append_layout_at (snapshot, layout, floor (wx - lw / 2.0), floor (wy - lh / 2.0),
                        item->label_warn ? &(GdkRGBA) { 0, 0, 0, 0.8 } : &p->fg);
    }
}

/* Far out: every node a plain rectangle and every edge a line, in one cairo node. */
static void
paint_far (FlintCanvas *self,
           GtkSnapshot *snapshot,
           GPtrArray   *nodes,
           GPtrArray   *edges,
           double       width,
           double       height)
{
  const Palette *p = &self->palette;
  double zoom = flint_viewport_get_zoom (self->viewport);
  double ox = flint_viewport_get_offset_x (self->viewport), oy = flint_viewport_get_offset_y (self->viewport);
  GdkRGBA edge = with_alpha (&p->fg, 0.3);
  cairo_t *cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));

  cairo_set_line_width (cr, 1);
  gdk_cairo_set_source_rgba (cr, &edge);
  for (guint i = 0; i < edges->len; i++)
    {
      EdgeItem *item = g_ptr_array_index (edges, i);
      double scratch[8];
      const double *c = edge_curve (self, item, scratch);

      cairo_move_to (cr, (c[0] - ox) * zoom, (c[1] - oy) * zoom);
      cairo_line_to (cr, (c[6] - ox) * zoom, (c[7] - oy) * zoom);
    }
  cairo_stroke (cr);

  for (int pass = 0; pass < 4; pass++)
    {
      for (guint i = 0; i < nodes->len; i++)
        {
          NodeItem *item = g_ptr_array_index (nodes, i);
          gboolean selected = g_hash_table_contains (self->selection, item);
          int kind = selected ? 3 : item->n_errors > 0 ? 2 : item->n_warnings > 0 ? 1 : 0;
          FlintRect r;

          if (kind != pass)
            continue;
          r = paint_rect (self, item);
          cairo_rectangle (cr, floor ((r.x - ox) * zoom), floor ((r.y - oy) * zoom),
                           MAX (ceil (r.width * zoom), 2), MAX (ceil (r.height * zoom), 2));
        }
      /* Problems as a tint over the card, so a graph full of unfinished nodes stays calm;
       * the selection in the accent colour. */
      gdk_cairo_set_source_rgba (cr, &p->bg);
      cairo_fill_preserve (cr);
      gdk_cairo_set_source_rgba (cr, &p->card);
      cairo_fill_preserve (cr);
      if (pass > 0)
        {
          GdkRGBA tint = pass == 3 ? p->accent_bg : with_alpha (pass == 2 ? &p->error_bg : &p->warning_bg, 0.3);

          gdk_cairo_set_source_rgba (cr, &tint);
          cairo_fill_preserve (cr);
        }
      gdk_cairo_set_source_rgba (cr, pass == 2 ? &p->error_bg : pass == 1 ? &p->warning_bg : &p->border);
      cairo_stroke (cr);
    }

  cairo_destroy (cr);
}

static void
paint_background (FlintCanvas *self,
                  GtkSnapshot *snapshot,
                  double       width,
                  double       height)
{
  const Palette *p = &self->palette;
  double zoom = flint_viewport_get_zoom (self->viewport);
  double step = 24 * zoom;

  gtk_snapshot_append_color (snapshot, &p->bg, &GRAPHENE_RECT_INIT (0, 0, width, height));

  /* A dot grid, one repeated tile: constant cost whatever the zoom. */
  if (step >= 8)
    {
      double ox = fmod (-flint_viewport_get_offset_x (self->viewport) * zoom, step);
      double oy = fmod (-flint_viewport_get_offset_y (self->viewport) * zoom, step);
      GdkRGBA dot = with_alpha (&p->fg, p->dark ? 0.2 : 0.22);
      double r = MAX (1.0, 1.2 * MIN (zoom, 1.5));

      if (ox > 0)
        ox -= step;
      if (oy > 0)
        oy -= step;
      gtk_snapshot_push_repeat (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height),
                                &GRAPHENE_RECT_INIT (ox, oy, step, step));
      gtk_snapshot_append_color (snapshot, &dot, &GRAPHENE_RECT_INIT (ox + step / 2 - r / 2, oy + step / 2 - r / 2, r, r));
      gtk_snapshot_pop (snapshot);
    }
}

static void
paint_minimap (FlintCanvas *self,
               GtkSnapshot *snapshot)
{
  const Palette *p = &self->palette;
  FlintRect map = minimap_rect (self), world, visible;
  graphene_rect_t bounds = GRAPHENE_RECT_INIT (map.x, map.y, map.width, map.height);
  GskRoundedRect rr;
  GdkRGBA colors[4], view = with_alpha (&p->accent_bg, 0.15);
  double scale, ox, oy, vx, vy, vw, vh;

  minimap_transform (self, &world, &scale, &ox, &oy);

  gsk_rounded_rect_init_from_rect (&rr, &bounds, 10);
  gtk_snapshot_append_outset_shadow (snapshot, &rr, &p->shadow, 0, 1, 1, 4);
  gtk_snapshot_push_rounded_clip (snapshot, &rr);
  gtk_snapshot_append_color (snapshot, &p->bg, &bounds);
  gtk_snapshot_append_color (snapshot, &p->card, &bounds);

  /* The graph's picture is rebuilt only after edits. */
  if (self->minimap_node == NULL || !gdk_rgba_equal (&self->minimap_color, &p->fg))
    {
      g_autoptr(GtkSnapshot) sub = gtk_snapshot_new ();
      GdkRGBA fill = with_alpha (&p->fg, 0.35);
      GHashTableIter iter;
      NodeItem *item;
      cairo_t *cr;

      g_clear_pointer (&self->minimap_node, gsk_render_node_unref);
      cr = gtk_snapshot_append_cairo (sub, &bounds);
      gdk_cairo_set_source_rgba (cr, &fill);
      g_hash_table_iter_init (&iter, self->nodes);
      while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &item))
        cairo_rectangle (cr, ox + (item->rect.x - world.x) * scale, oy + (item->rect.y - world.y) * scale,
                         MAX (item->rect.width * scale, 1.5), MAX (item->rect.height * scale, 1.5));
      cairo_fill (cr);
      cairo_destroy (cr);
      self->minimap_node = gtk_snapshot_free_to_node (g_steal_pointer (&sub));
      self->minimap_color = p->fg;
      /* The bounds were read before the picture: keep them valid. */
      self->bounds_valid = TRUE;
    }
  if (self->minimap_node != NULL)
    gtk_snapshot_append_node (snapshot, self->minimap_node);

  get_visible (self, &visible);
  vx = ox + (visible.x - world.x) * scale;
  vy = oy + (visible.y - world.y) * scale;
  vw = visible.width * scale;
  vh = visible.height * scale;
  gtk_snapshot_append_color (snapshot, &view, &GRAPHENE_RECT_INIT (vx, vy, vw, vh));
  gsk_rounded_rect_init_from_rect (&rr, &GRAPHENE_RECT_INIT (vx, vy, vw, vh), 2);
  for (int i = 0; i < 4; i++)
    colors[i] = p->accent_bg;
  gtk_snapshot_append_border (snapshot, &rr, (float[4]) { 1.5, 1.5, 1.5, 1.5 }, colors);
  gtk_snapshot_pop (snapshot);

  gsk_rounded_rect_init_from_rect (&rr, &bounds, 10);
  for (int i = 0; i < 4; i++)
    colors[i] = p->border;
  gtk_snapshot_append_border (snapshot, &rr, (float[4]) { 1, 1, 1, 1 }, colors);
}

static void
paint_refusal (FlintCanvas *self,
               GtkSnapshot *snapshot)
{
  const Palette *p = &self->palette;
  const char *message = verdict_message (flint_canvas_get_drag_verdict (self));
  g_autoptr(PangoLayout) layout = NULL;
  GdkRGBA white = { 1, 1, 1, 1 };
  GskRoundedRect rr;
  double wx, wy;
  int w, h;

  if (message == NULL)
    return;

  /* A pill by the pointer says why the port refuses. */
  layout = make_layout (self, message, -1, 0.85, TRUE);
  pango_layout_get_pixel_size (layout, &w, &h);
  flint_viewport_canvas_to_widget (self->viewport, self->pointer_cx, self->pointer_cy, &wx, &wy);
  wx += 14;
  wy += 10;
  gsk_rounded_rect_init_from_rect (&rr, &GRAPHENE_RECT_INIT (wx, wy, w + 20, h + 10), (h + 10) / 2.0);
  gtk_snapshot_append_outset_shadow (snapshot, &rr, &p->shadow, 0, 1, 1, 4);
  gtk_snapshot_push_rounded_clip (snapshot, &rr);
  gtk_snapshot_append_color (snapshot, &p->error_bg, &rr.bounds);
  gtk_snapshot_pop (snapshot);
  append_layout_at (snapshot, layout, wx + 10, wy + 5, &white);
}

static void
flint_canvas_snapshot (GtkWidget   *widget,
                       GtkSnapshot *snapshot)
{
  FlintCanvas *self = FLINT_CANVAS (widget);
  double width = gtk_widget_get_width (widget), height = gtk_widget_get_height (widget);
  double zoom = flint_viewport_get_zoom (self->viewport);
  g_autoptr(GPtrArray) nodes = g_ptr_array_new ();
  g_autoptr(GPtrArray) edges = g_ptr_array_new ();
  g_autoptr(GPtrArray) found = g_ptr_array_new ();
  FlintRect visible;
  gboolean far = zoom < FAR_ZOOM;

  update_palette (self);
  paint_background (self, snapshot, width, height);

  self->stat_nodes = self->stat_edges = 0;
  self->stat_far = far;
  if (self->pipeline == NULL)
    return;

  /* What is in view, with a margin for shadows and badges. */
  get_visible (self, &visible);
  visible.x -= 16;
  visible.y -= 16;
  visible.width += 32;
  visible.height += 32;

  flint_grid_query (self->node_grid, &visible, found);
  for (guint i = 0; i < found->len; i++)
    {
      NodeItem *item = g_ptr_array_index (found, i);

      if (!is_moving (self, item) && flint_rect_intersects (&item->rect, &visible))
        g_ptr_array_add (nodes, item);
    }
  /* Nodes being dragged are wherever the pointer took them. */
  if (self->drag == FLINT_CANVAS_DRAG_MOVE)
    {
      GHashTableIter iter;
      NodeItem *item;

      g_hash_table_iter_init (&iter, self->selection);
      while (g_hash_table_iter_next (&iter, (gpointer *) &item, NULL))
        {
          FlintRect rect = paint_rect (self, item);

          if (flint_rect_intersects (&rect, &visible))
            g_ptr_array_add (nodes, item);
        }
    }

  g_ptr_array_set_size (found, 0);
  flint_grid_query (self->edge_grid, &visible, found);
  for (guint i = 0; i < found->len; i++)
    {
      EdgeItem *item = g_ptr_array_index (found, i);

      if (!is_moving (self, item->from) && !is_moving (self, item->to) &&
          flint_rect_intersects (&item->bounds, &visible))
        g_ptr_array_add (edges, item);
    }
  if (self->drag == FLINT_CANVAS_DRAG_MOVE)
    {
      GHashTableIter iter;
      NodeItem *item;

      g_hash_table_iter_init (&iter, self->selection);
      while (g_hash_table_iter_next (&iter, (gpointer *) &item, NULL))
        for (guint i = 0; i < item->edges->len; i++)
          {
            EdgeItem *edge = g_ptr_array_index (item->edges, i);

            /* Once, even when both ends move. */
            if (edge->from == item || !is_moving (self, edge->from))
              g_ptr_array_add (edges, edge);
          }
    }

  /* Selected on top, otherwise in the order they were added. */
  g_ptr_array_sort (nodes, compare_z);
  self->stat_nodes = nodes->len;
  self->stat_edges = edges->len;

  if (far)
    paint_far (self, snapshot, nodes, edges, width, height);
  else
    {
      paint_edges (self, snapshot, edges, width, height);

      gtk_snapshot_save (snapshot);
      gtk_snapshot_scale (snapshot, zoom, zoom);
      gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (-flint_viewport_get_offset_x (self->viewport),
                                                              -flint_viewport_get_offset_y (self->viewport)));
      for (int pass = 0; pass < 2; pass++)
        for (guint i = 0; i < nodes->len; i++)
          {
            NodeItem *item = g_ptr_array_index (nodes, i);

            if (g_hash_table_contains (self->selection, item) == (pass == 1))
              paint_node (self, snapshot, item);
          }
      gtk_snapshot_restore (snapshot);
      paint_edge_labels (self, snapshot, edges);
    }

  /* Far out, the connection being dragged still shows (over no other edge). */
  if (self->drag == FLINT_CANVAS_DRAG_CONNECT && far)
    {
      g_ptr_array_set_size (edges, 0);
      paint_edges (self, snapshot, edges, width, height);
    }

  if (self->drag == FLINT_CANVAS_DRAG_RUBBER_BAND && self->drag_moved)
    {
      FlintRect band;
      double x1, y1, x2, y2;
      GdkRGBA fill = with_alpha (&self->palette.accent_bg, 0.12), colors[4];
      GskRoundedRect rr;

      rubber_band_rect (self, &band);
      flint_viewport_canvas_to_widget (self->viewport, band.x, band.y, &x1, &y1);
      flint_viewport_canvas_to_widget (self->viewport, band.x + band.width, band.y + band.height, &x2, &y2);
      gsk_rounded_rect_init_from_rect (&rr, &GRAPHENE_RECT_INIT (x1, y1, x2 - x1, y2 - y1), 4);
      gtk_snapshot_push_rounded_clip (snapshot, &rr);
      gtk_snapshot_append_color (snapshot, &fill, &rr.bounds);
      gtk_snapshot_pop (snapshot);
      for (int i = 0; i < 4; i++)
        colors[i] = self->palette.accent_bg;
      gtk_snapshot_append_border (snapshot, &rr, (float[4]) { 1, 1, 1, 1 }, colors);
    }

  if (self->drag == FLINT_CANVAS_DRAG_CONNECT)
    paint_refusal (self, snapshot);

  if (minimap_shown (self))
    paint_minimap (self, snapshot);
}

/* Gestures */

static void
on_primary_drag_begin (GtkGestureDrag *gesture,
                       double          x,
                       double          y,
                       FlintCanvas    *self)
{
  GdkModifierType state = gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (gesture));

  gtk_widget_grab_focus (GTK_WIDGET (self));
  flint_canvas_drag_begin (self, x, y, state, self->space_held);
  if (self->drag == FLINT_CANVAS_DRAG_PAN || self->reconnect_edge != NULL)
    gtk_widget_set_cursor_from_name (GTK_WIDGET (self), "grabbing");
}

static void
on_primary_drag_update (GtkGestureDrag *gesture,
                        double          dx,
                        double          dy,
                        FlintCanvas    *self)
{
  double x, y;

  gtk_gesture_drag_get_start_point (gesture, &x, &y);
  flint_canvas_drag_update (self, x + dx, y + dy);
}

static void
on_primary_drag_end (GtkGestureDrag *gesture,
                     double          dx,
                     double          dy,
                     FlintCanvas    *self)
{
  double x, y;

  gtk_gesture_drag_get_start_point (gesture, &x, &y);
  flint_canvas_drag_end (self, x + dx, y + dy);
  gtk_widget_set_cursor (GTK_WIDGET (self), NULL);
}

static void
on_drag_cancel (GtkGesture       *gesture,
                GdkEventSequence *sequence,
                FlintCanvas      *self)
{
  flint_canvas_drag_cancel (self);
  gtk_widget_set_cursor (GTK_WIDGET (self), NULL);
}

static void
on_pan_drag_begin (GtkGestureDrag *gesture,
                   double          x,
                   double          y,
                   FlintCanvas    *self)
{
  flint_canvas_drag_begin (self, x, y, 0, TRUE);
  gtk_widget_set_cursor_from_name (GTK_WIDGET (self), "grabbing");
}

static void
on_pressed (GtkGestureClick *gesture,
            int              n_press,
            double           x,
            double           y,
            FlintCanvas     *self)
{
  FlintCanvasHit hit;

  if (n_press == 1)
    flint_canvas_activate_progress_at (self, x, y);
  if (n_press == 2 && flint_canvas_hit_test (self, x, y, &hit) == FLINT_CANVAS_HIT_NODE)
    g_signal_emit (self, signals[NODE_ACTIVATED], 0, hit.node);
}

/* The card whose progress bar (with a margin a pointer can hit) is under widget point
 * @x, @y, if it links somewhere. */
static NodeItem *
progress_at (FlintCanvas *self,
             double       x,
             double       y)
{
  FlintCanvasHit hit;
  NodeItem *item;
  FlintRect rect;
  graphene_rect_t bar;
  double cx, cy;

  if (flint_canvas_hit_test (self, x, y, &hit) != FLINT_CANVAS_HIT_NODE ||
      (item = lookup_item (self, hit.node)) == NULL ||
      item->progress_state == FLINT_CANVAS_PROGRESS_NONE || item->progress_uri == NULL)
    return NULL;
  rect = paint_rect (self, item);
  bar = progress_bar_rect (&rect);
  flint_viewport_widget_to_canvas (self->viewport, x, y, &cx, &cy);
  if (cy < bar.origin.y - 8 || cy > rect.y + rect.height ||
      cx < bar.origin.x - 4 || cx > bar.origin.x + bar.size.width + 4)
    return NULL;
  return item;
}

gboolean
flint_canvas_activate_progress_at (FlintCanvas *self,
                                   double       x,
                                   double       y)
{
  NodeItem *item = progress_at (self, x, y);

  if (item == NULL)
    return FALSE;
  g_signal_emit (self, signals[PROGRESS_ACTIVATED], 0,
                 flint_node_get_id (item->node), item->progress_uri);
  return TRUE;
}

static gboolean
on_query_tooltip (GtkWidget   *widget,
                  int          x,
                  int          y,
                  gboolean     keyboard,
                  GtkTooltip  *tooltip,
                  FlintCanvas *self)
{
  NodeItem *item = keyboard ? NULL : progress_at (self, x, y);
  g_autofree char *text = NULL;

  if (item == NULL)
    return FALSE;
  /* Translators: %d is a percentage of a node's Spark tasks done */
  text = g_strdup_printf (_("%d %% of its tasks done · Click to open its job in the Spark UI"),
                          (int) floor (CLAMP (item->progress, 0, 1) * 100));
  gtk_tooltip_set_text (tooltip, text);
  return TRUE;
}

static gboolean
on_scroll (GtkEventControllerScroll *controller,
           double                    dx,
           double                    dy,
           FlintCanvas              *self)
{
  GdkModifierType state = gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (controller));
  gboolean discrete = gtk_event_controller_scroll_get_unit (controller) == GDK_SCROLL_UNIT_WHEEL;
  double wx, wy;

  zoom_point (self, &wx, &wy);
  flint_canvas_scroll (self, dx, dy, discrete, state, wx, wy);
  return TRUE;
}

static void
on_motion (GtkEventControllerMotion *controller,
           double                    x,
           double                    y,
           FlintCanvas              *self)
{
  FlintCanvasHit hit;

  self->pointer_inside = TRUE;
  self->pointer_wx = x;
  self->pointer_wy = y;

  if (self->drag != FLINT_CANVAS_DRAG_NONE)
    return;
  flint_canvas_hit_test (self, x, y, &hit);
  if (self->space_held || reconnectable_edge (self, &hit, x, y) != NULL)
    gtk_widget_set_cursor_from_name (GTK_WIDGET (self), "grab");
  else if (hit.kind == FLINT_CANVAS_HIT_PORT)
    gtk_widget_set_cursor_from_name (GTK_WIDGET (self), "crosshair");
  else if (hit.kind == FLINT_CANVAS_HIT_EDGE || hit.kind == FLINT_CANVAS_HIT_MINIMAP ||
           progress_at (self, x, y) != NULL)
    gtk_widget_set_cursor_from_name (GTK_WIDGET (self), "pointer");
  else
    gtk_widget_set_cursor (GTK_WIDGET (self), NULL);
}

static void
on_leave (GtkEventControllerMotion *controller,
          FlintCanvas              *self)
{
  self->pointer_inside = FALSE;
}

static void
on_zoom_begin (GtkGesture       *gesture,
               GdkEventSequence *sequence,
               FlintCanvas      *self)
{
  self->pinch_zoom = flint_viewport_get_zoom (self->viewport);
}

static void
on_zoom_scale_changed (GtkGestureZoom *gesture,
                       double          scale,
                       FlintCanvas    *self)
{
  double x, y;

  if (!gtk_gesture_get_bounding_box_center (GTK_GESTURE (gesture), &x, &y))
    zoom_point (self, &x, &y);
  flint_viewport_zoom_at (self->viewport, self->pinch_zoom * scale, x, y);
}

static gboolean
on_key_pressed (GtkEventControllerKey *controller,
                guint                  keyval,
                guint                  keycode,
                GdkModifierType        state,
                FlintCanvas           *self)
{
  GdkModifierType mods = state & gtk_accelerator_get_default_mod_mask ();
  int dx = 0, dy = 0;

  switch (keyval)
    {
    case GDK_KEY_space:
      if (mods == 0)
        {
          self->space_held = TRUE;
          if (self->drag == FLINT_CANVAS_DRAG_NONE)
            gtk_widget_set_cursor_from_name (GTK_WIDGET (self), "grab");
          return TRUE;
        }
      return FALSE;
    case GDK_KEY_Left:
    case GDK_KEY_KP_Left:
      dx = -1;
      break;
    case GDK_KEY_Right:
    case GDK_KEY_KP_Right:
      dx = 1;
      break;
    case GDK_KEY_Up:
    case GDK_KEY_KP_Up:
      dy = -1;
      break;
    case GDK_KEY_Down:
    case GDK_KEY_KP_Down:
      dy = 1;
      break;
    case GDK_KEY_Tab:
    case GDK_KEY_ISO_Left_Tab:
    case GDK_KEY_KP_Tab:
      {
        /* Between nodes in the order of the document; Ctrl+Tab leaves the canvas. */
        GListModel *list = self->pipeline ? flint_pipeline_get_nodes (self->pipeline) : NULL;
        guint n = list ? g_list_model_get_n_items (list) : 0, pos = 0;
        gboolean back = (mods & GDK_SHIFT_MASK) || keyval == GDK_KEY_ISO_Left_Tab;
        g_autoptr(FlintNode) next = NULL;

        if (n == 0 || (mods & ~GDK_SHIFT_MASK) != 0)
          return FALSE;
        if (self->cursor != NULL)
          {
            pos = flint_pipeline_node_position (self->pipeline, self->cursor->node);
            pos = back ? (pos + n - 1) % n : (pos + 1) % n;
          }
        else if (back)
          pos = n - 1;
        next = g_list_model_get_item (list, pos);
        flint_canvas_reveal_node (self, flint_node_get_id (next));
        return TRUE;
      }
    case GDK_KEY_Return:
    case GDK_KEY_KP_Enter:
    case GDK_KEY_ISO_Enter:
      if (flint_canvas_get_selected_node (self) != NULL)
        {
          g_signal_emit (self, signals[NODE_ACTIVATED], 0, flint_canvas_get_selected_node (self));
          return TRUE;
        }
      return FALSE;
    case GDK_KEY_Escape:
      if (self->drag != FLINT_CANVAS_DRAG_NONE)
        {
          flint_canvas_drag_cancel (self);
          return TRUE;
        }
      return FALSE;
    default:
      return FALSE;
    }

  /* Arrows move the selection (Shift: further); Alt+arrows go to the next node that way. */
  if (mods == GDK_ALT_MASK || g_hash_table_size (self->selection) == 0)
    return flint_canvas_focus_direction (self, dx, dy);
  if ((mods & ~GDK_SHIFT_MASK) != 0)
    return FALSE;
  {
    double step = (mods & GDK_SHIFT_MASK) ? NUDGE_LARGE : NUDGE;

    flint_canvas_move_selection (self, dx * step, dy * step);
  }
  return TRUE;
}

static void
on_key_released (GtkEventControllerKey *controller,
                 guint                  keyval,
                 guint                  keycode,
                 GdkModifierType        state,
                 FlintCanvas           *self)
{
  if (keyval == GDK_KEY_space)
    {
      self->space_held = FALSE;
      if (self->drag == FLINT_CANVAS_DRAG_NONE)
        gtk_widget_set_cursor (GTK_WIDGET (self), NULL);
    }
}

static void
on_focus_leave (GtkEventControllerFocus *controller,
                FlintCanvas             *self)
{
  self->space_held = FALSE;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static gboolean
on_drop (GtkDropTarget *target,
         const GValue  *value,
         double         x,
         double         y,
         FlintCanvas   *self)
{
  return G_VALUE_HOLDS_STRING (value) && flint_canvas_drop_text (self, g_value_get_string (value), x, y);
}

static void
on_viewport_changed (FlintCanvas   *self,
                     FlintViewport *viewport)
{
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* Clipboard */

static void
paste_ready (GObject      *source,
             GAsyncResult *result,
             gpointer      data)
{
  g_autoptr(FlintCanvas) self = data;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = gdk_clipboard_read_text_finish (GDK_CLIPBOARD (source), result, &error);
  double wx, wy, cx, cy;

  if (text == NULL || self->history == NULL)
    return;

  zoom_point (self, &wx, &wy);
  flint_viewport_widget_to_canvas (self->viewport, wx, wy, &cx, &cy);
  if (!flint_canvas_paste_text (self, text, round (cx), round (cy), &error))
    {
      /* Not a pipeline: say so where the user looks. */
      gtk_widget_error_bell (GTK_WIDGET (self));
      g_debug ("Clipboard is not a pipeline: %s", error->message);
    }
}

/* Actions */

static void
action_activated (GtkWidget  *widget,
                  const char *name,
                  GVariant   *param)
{
  FlintCanvas *self = FLINT_CANVAS (widget);

  if (g_str_equal (name, "canvas.zoom-in"))
    flint_canvas_zoom_in (self);
  else if (g_str_equal (name, "canvas.zoom-out"))
    flint_canvas_zoom_out (self);
  else if (g_str_equal (name, "canvas.zoom-reset"))
    flint_canvas_zoom_reset (self);
  else if (g_str_equal (name, "canvas.zoom-fit"))
    flint_canvas_zoom_to_fit (self);
  else if (g_str_equal (name, "canvas.arrange"))
    flint_canvas_arrange (self);
  else if (g_str_equal (name, "canvas.delete"))
    flint_canvas_delete_selection (self);
  else if (g_str_equal (name, "canvas.duplicate"))
    flint_canvas_duplicate_selection (self);
  else if (g_str_equal (name, "canvas.copy") || g_str_equal (name, "canvas.cut"))
    {
      g_autofree char *text = flint_canvas_copy_selection (self);

      if (text != NULL)
        gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), text);
      if (text != NULL && g_str_equal (name, "canvas.cut"))
        flint_canvas_delete_selection (self);
    }
  else if (g_str_equal (name, "canvas.paste"))
    gdk_clipboard_read_text_async (gtk_widget_get_clipboard (widget), NULL, paste_ready, g_object_ref (self));
  else if (g_str_equal (name, "canvas.select-all"))
    flint_canvas_select_all (self);
  else if (g_str_equal (name, "canvas.select-none"))
    flint_canvas_unselect_all (self);
  else if (g_str_equal (name, "canvas.undo") && self->history != NULL)
    flint_history_undo (self->history);
  else if (g_str_equal (name, "canvas.redo") && self->history != NULL)
    flint_history_redo (self->history);
}

static void
update_actions (FlintCanvas *self)
{
  GtkWidget *widget = GTK_WIDGET (self);
  gboolean has_doc = self->history != NULL;
  gboolean has_nodes = has_doc && g_hash_table_size (self->nodes) > 0;
  gboolean has_sel = g_hash_table_size (self->selection) > 0;

  gtk_widget_action_set_enabled (widget, "canvas.arrange", has_nodes);
  gtk_widget_action_set_enabled (widget, "canvas.zoom-fit", has_nodes);
  gtk_widget_action_set_enabled (widget, "canvas.delete", has_sel || self->selected_edge != NULL);
  gtk_widget_action_set_enabled (widget, "canvas.duplicate", has_sel);
  gtk_widget_action_set_enabled (widget, "canvas.copy", has_sel);
  gtk_widget_action_set_enabled (widget, "canvas.cut", has_sel);
  gtk_widget_action_set_enabled (widget, "canvas.paste", has_doc);
  gtk_widget_action_set_enabled (widget, "canvas.select-all", has_nodes);
  gtk_widget_action_set_enabled (widget, "canvas.undo", has_doc && flint_history_can_undo (self->history));
  gtk_widget_action_set_enabled (widget, "canvas.redo", has_doc && flint_history_can_redo (self->history));
}

/* The document */

/* Nodes without a position (a hand-written file) get the automatic layout, below what
 * has one. Loading, not an edit: not an undoable step. */
static void
place_unpositioned (FlintCanvas *self)
{
  g_autoptr(GHashTable) layout = NULL;
  GListModel *nodes = flint_pipeline_get_nodes (self->pipeline);
  guint n = g_list_model_get_n_items (nodes), missing = 0;
  FlintRect placed = { 0, 0, -1, -1 };
  double dy = 0;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(FlintNode) node = g_list_model_get_item (nodes, i);
      double x, y;

      if (flint_node_get_position (node, &x, &y))
        {
          FlintRect rect = flint_node_kind_get_rect (flint_node_get_kind (node), x, y);
          flint_rect_union (&placed, &rect);
        }
      else
        missing++;
    }

  if (missing == 0)
    return;

  layout = flint_canvas_layout_compute (self->pipeline);
  if (placed.width >= 0)
    dy = placed.y + placed.height + FLINT_LAYOUT_NODE_GAP * 2 - FLINT_LAYOUT_ORIGIN_Y;
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(FlintNode) node = g_list_model_get_item (nodes, i);
      double *point = g_hash_table_lookup (layout, node);

      if (!flint_node_get_position (node, NULL, NULL) && point != NULL)
        flint_node_set_position (node, point[0], point[1] + dy);
    }
}

static void
on_history_notify (FlintCanvas  *self,
                   GParamSpec   *pspec,
                   FlintHistory *history)
{
  update_actions (self);
}

void
flint_canvas_set_history (FlintCanvas  *self,
                          FlintHistory *history)
{
  g_return_if_fail (FLINT_IS_CANVAS (self));
  g_return_if_fail (history == NULL || FLINT_IS_HISTORY (history));

  if (self->history == history)
    return;

  clear_items (self);
  if (self->pipeline != NULL)
    {
      for (guint i = 0; i < G_N_ELEMENTS (self->pipeline_handlers); i++)
        g_clear_signal_handler (&self->pipeline_handlers[i], self->pipeline);
      g_clear_object (&self->pipeline);
    }
  if (self->history != NULL)
    g_signal_handlers_disconnect_by_func (self->history, on_history_notify, self);
  g_clear_object (&self->history);

  if (history != NULL)
    {
      GListModel *nodes, *edges;

      self->history = g_object_ref (history);
      self->pipeline = g_object_ref (flint_history_get_pipeline (history));
      g_signal_connect_object (history, "notify::can-undo", G_CALLBACK (on_history_notify), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (history, "notify::can-redo", G_CALLBACK (on_history_notify), self, G_CONNECT_SWAPPED);

      place_unpositioned (self);

      nodes = flint_pipeline_get_nodes (self->pipeline);
      edges = flint_pipeline_get_edges (self->pipeline);
      for (guint i = 0; i < g_list_model_get_n_items (nodes); i++)
        {
          g_autoptr(FlintNode) node = g_list_model_get_item (nodes, i);
          add_node_item (self, node);
        }
      for (guint i = 0; i < g_list_model_get_n_items (edges); i++)
        {
          g_autoptr(FlintEdge) edge = g_list_model_get_item (edges, i);
          add_edge_item (self, edge);
        }

      self->pipeline_handlers[0] = g_signal_connect_swapped (self->pipeline, "node-added", G_CALLBACK (on_node_added), self);
      self->pipeline_handlers[1] = g_signal_connect_swapped (self->pipeline, "node-removed", G_CALLBACK (on_node_removed), self);
      self->pipeline_handlers[2] = g_signal_connect_swapped (self->pipeline, "node-changed", G_CALLBACK (on_node_changed), self);
      self->pipeline_handlers[3] = g_signal_connect_swapped (self->pipeline, "edge-added", G_CALLBACK (on_edge_added), self);
      self->pipeline_handlers[4] = g_signal_connect_swapped (self->pipeline, "edge-removed", G_CALLBACK (on_edge_removed), self);
      self->pipeline_handlers[5] = g_signal_connect_swapped (self->pipeline, "changed", G_CALLBACK (on_pipeline_changed), self);

      self->needs_fit = TRUE;
      if (gtk_widget_get_width (GTK_WIDGET (self)) > 0)
        {
          self->needs_fit = FALSE;
          open_view (self);
        }
    }

  update_actions (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HISTORY]);
}

FlintHistory *
flint_canvas_get_history (FlintCanvas *self)
{
  g_return_val_if_fail (FLINT_IS_CANVAS (self), NULL);
  return self->history;
}

FlintPipeline *
flint_canvas_get_pipeline (FlintCanvas *self)
{
  g_return_val_if_fail (FLINT_IS_CANVAS (self), NULL);
  return self->pipeline;
}

void
flint_canvas_set_validator (FlintCanvas    *self,
                            FlintValidator *validator)
{
  GHashTableIter iter;
  NodeItem *item;

  g_return_if_fail (FLINT_IS_CANVAS (self));
  g_return_if_fail (validator == NULL || FLINT_IS_VALIDATOR (validator));

  if (self->validator == validator)
    return;

  if (self->validator != NULL)
    g_clear_signal_handler (&self->validator_handler, self->validator);
  g_clear_handle_id (&self->validate_source, g_source_remove);
  g_set_object (&self->validator, validator);
  if (validator != NULL)
    self->validator_handler = g_signal_connect_swapped (validator, "node-diagnostics-changed",
                                                        G_CALLBACK (on_node_diagnostics_changed), self);

  g_hash_table_iter_init (&iter, self->nodes);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &item))
    update_badges (self, item);

  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VALIDATOR]);
}

FlintValidator *
flint_canvas_get_validator (FlintCanvas *self)
{
  g_return_val_if_fail (FLINT_IS_CANVAS (self), NULL);
  return self->validator;
}

FlintViewport *
flint_canvas_get_viewport (FlintCanvas *self)
{
  g_return_val_if_fail (FLINT_IS_CANVAS (self), NULL);
  return self->viewport;
}

/* GtkWidget */

static void
flint_canvas_size_allocate (GtkWidget *widget,
                            int        width,
                            int        height,
                            int        baseline)
{
  FlintCanvas *self = FLINT_CANVAS (widget);

  flint_viewport_set_size (self->viewport, width, height);
  if (self->needs_fit && width > 0 && height > 0)
    {
      self->needs_fit = FALSE;
      open_view (self);
    }
}

static void
flint_canvas_measure (GtkWidget      *widget,
                      GtkOrientation  orientation,
                      int             for_size,
                      int            *minimum,
                      int            *natural,
                      int            *minimum_baseline,
                      int            *natural_baseline)
{
  *minimum = 120;
  *natural = orientation == GTK_ORIENTATION_HORIZONTAL ? 800 : 600;
}

static void
flint_canvas_dispose (GObject *object)
{
  FlintCanvas *self = FLINT_CANVAS (object);

  flint_canvas_set_validator (self, NULL);
  flint_canvas_set_history (self, NULL);
  if (self->viewport != NULL)
    g_signal_handlers_disconnect_by_func (self->viewport, on_viewport_changed, self);
  g_clear_object (&self->viewport);
  invalidate_minimap (self);

  G_OBJECT_CLASS (flint_canvas_parent_class)->dispose (object);
}

static void
flint_canvas_finalize (GObject *object)
{
  FlintCanvas *self = FLINT_CANVAS (object);

  g_clear_pointer (&self->selection, g_hash_table_unref);
  g_clear_pointer (&self->edges, g_hash_table_unref);
  g_clear_pointer (&self->nodes, g_hash_table_unref);
  g_clear_pointer (&self->node_grid, flint_grid_free);
  g_clear_pointer (&self->edge_grid, flint_grid_free);
  g_clear_pointer (&self->icons, g_hash_table_unref);
  g_clear_pointer (&self->rubber_base, g_hash_table_unref);

  G_OBJECT_CLASS (flint_canvas_parent_class)->finalize (object);
}

static void
flint_canvas_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  FlintCanvas *self = FLINT_CANVAS (object);

  switch (prop_id)
    {
    case PROP_HISTORY:
      g_value_set_object (value, self->history);
      break;
    case PROP_VALIDATOR:
      g_value_set_object (value, self->validator);
      break;
    case PROP_VIEWPORT:
      g_value_set_object (value, self->viewport);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
flint_canvas_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  FlintCanvas *self = FLINT_CANVAS (object);

  switch (prop_id)
    {
    case PROP_HISTORY:
      flint_canvas_set_history (self, g_value_get_object (value));
      break;
    case PROP_VALIDATOR:
      flint_canvas_set_validator (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
flint_canvas_class_init (FlintCanvasClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  static const char * const actions[] = {
    "canvas.zoom-in", "canvas.zoom-out", "canvas.zoom-reset", "canvas.zoom-fit", "canvas.arrange",
    "canvas.delete", "canvas.duplicate", "canvas.copy", "canvas.cut", "canvas.paste",
    "canvas.select-all", "canvas.select-none", "canvas.undo", "canvas.redo",
  };

  object_class->dispose = flint_canvas_dispose;
  object_class->finalize = flint_canvas_finalize;
  object_class->get_property = flint_canvas_get_property;
  object_class->set_property = flint_canvas_set_property;

  widget_class->snapshot = flint_canvas_snapshot;
  widget_class->size_allocate = flint_canvas_size_allocate;
  widget_class->measure = flint_canvas_measure;

  properties[PROP_HISTORY] =
    g_param_spec_object ("history", NULL, NULL, FLINT_TYPE_HISTORY,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_VALIDATOR] =
    g_param_spec_object ("validator", NULL, NULL, FLINT_TYPE_VALIDATOR,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_VIEWPORT] =
    g_param_spec_object ("viewport", NULL, NULL, FLINT_TYPE_VIEWPORT,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SELECTION_CHANGED] =
    g_signal_new ("selection-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[NODE_ACTIVATED] =
    g_signal_new ("node-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, FLINT_TYPE_NODE);
  signals[PROGRESS_ACTIVATED] =
    g_signal_new ("progress-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_STRING);

  for (guint i = 0; i < G_N_ELEMENTS (actions); i++)
    gtk_widget_class_install_action (widget_class, actions[i], NULL, action_activated);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_plus, GDK_CONTROL_MASK, "canvas.zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_equal, GDK_CONTROL_MASK, "canvas.zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Add, GDK_CONTROL_MASK, "canvas.zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_minus, GDK_CONTROL_MASK, "canvas.zoom-out", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Subtract, GDK_CONTROL_MASK, "canvas.zoom-out", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_0, GDK_CONTROL_MASK, "canvas.zoom-fit", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_1, GDK_CONTROL_MASK, "canvas.zoom-reset", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_L, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "canvas.arrange", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Delete, 0, "canvas.delete", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Delete, 0, "canvas.delete", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_BackSpace, 0, "canvas.delete", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_d, GDK_CONTROL_MASK, "canvas.duplicate", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_c, GDK_CONTROL_MASK, "canvas.copy", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_x, GDK_CONTROL_MASK, "canvas.cut", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_v, GDK_CONTROL_MASK, "canvas.paste", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_a, GDK_CONTROL_MASK, "canvas.select-all", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "canvas.select-none", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_z, GDK_CONTROL_MASK, "canvas.undo", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_z, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "canvas.redo", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_y, GDK_CONTROL_MASK, "canvas.redo", NULL);

  gtk_widget_class_set_css_name (widget_class, "flintcanvas");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
flint_canvas_init (FlintCanvas *self)
{
  GtkWidget *widget = GTK_WIDGET (self);
  GtkGesture *drag, *click, *pan, *zoom;
  GtkEventController *controller;
  GtkDropTarget *drop;

  self->viewport = flint_viewport_new ();
  g_signal_connect_swapped (self->viewport, "changed", G_CALLBACK (on_viewport_changed), self);
  self->nodes = g_hash_table_new_full (NULL, NULL, NULL, node_item_free);
  self->edges = g_hash_table_new_full (NULL, NULL, NULL, edge_item_free);
  self->selection = g_hash_table_new (NULL, NULL);
  self->node_grid = flint_grid_new (GRID_CELL);
  self->edge_grid = flint_grid_new (GRID_CELL);
  self->icons = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);

  gtk_widget_set_focusable (widget, TRUE);
  gtk_widget_set_overflow (widget, GTK_OVERFLOW_HIDDEN);

  drag = gtk_gesture_drag_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (drag), GDK_BUTTON_PRIMARY);
  g_signal_connect (drag, "drag-begin", G_CALLBACK (on_primary_drag_begin), self);
  g_signal_connect (drag, "drag-update", G_CALLBACK (on_primary_drag_update), self);
  g_signal_connect (drag, "drag-end", G_CALLBACK (on_primary_drag_end), self);
  g_signal_connect (drag, "cancel", G_CALLBACK (on_drag_cancel), self);
  gtk_widget_add_controller (widget, GTK_EVENT_CONTROLLER (drag));

  click = gtk_gesture_click_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), GDK_BUTTON_PRIMARY);
  g_signal_connect (click, "pressed", G_CALLBACK (on_pressed), self);
  gtk_widget_add_controller (widget, GTK_EVENT_CONTROLLER (click));
  gtk_gesture_group (click, drag);

  pan = gtk_gesture_drag_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (pan), GDK_BUTTON_MIDDLE);
  g_signal_connect (pan, "drag-begin", G_CALLBACK (on_pan_drag_begin), self);
  g_signal_connect (pan, "drag-update", G_CALLBACK (on_primary_drag_update), self);
  g_signal_connect (pan, "drag-end", G_CALLBACK (on_primary_drag_end), self);
  g_signal_connect (pan, "cancel", G_CALLBACK (on_drag_cancel), self);
  gtk_widget_add_controller (widget, GTK_EVENT_CONTROLLER (pan));

  zoom = gtk_gesture_zoom_new ();
  g_signal_connect (zoom, "begin", G_CALLBACK (on_zoom_begin), self);
  g_signal_connect (zoom, "scale-changed", G_CALLBACK (on_zoom_scale_changed), self);
  gtk_widget_add_controller (widget, GTK_EVENT_CONTROLLER (zoom));

  controller = gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_BOTH_AXES);
  g_signal_connect (controller, "scroll", G_CALLBACK (on_scroll), self);
  gtk_widget_add_controller (widget, controller);

  controller = gtk_event_controller_motion_new ();
  g_signal_connect (controller, "motion", G_CALLBACK (on_motion), self);
  g_signal_connect (controller, "enter", G_CALLBACK (on_motion), self);
  g_signal_connect (controller, "leave", G_CALLBACK (on_leave), self);
  gtk_widget_add_controller (widget, controller);

  controller = gtk_event_controller_key_new ();
  g_signal_connect (controller, "key-pressed", G_CALLBACK (on_key_pressed), self);
  g_signal_connect (controller, "key-released", G_CALLBACK (on_key_released), self);
  gtk_widget_add_controller (widget, controller);

  controller = gtk_event_controller_focus_new ();
  g_signal_connect (controller, "leave", G_CALLBACK (on_focus_leave), self);
  gtk_widget_add_controller (widget, controller);

  gtk_widget_set_has_tooltip (widget, TRUE);
  g_signal_connect (widget, "query-tooltip", G_CALLBACK (on_query_tooltip), self);

  drop = gtk_drop_target_new (G_TYPE_STRING, GDK_ACTION_COPY);
  g_signal_connect (drop, "drop", G_CALLBACK (on_drop), self);
  gtk_widget_add_controller (widget, GTK_EVENT_CONTROLLER (drop));

  update_actions (self);
}

GtkWidget *
flint_canvas_new (void)
{
  return g_object_new (FLINT_TYPE_CANVAS, NULL);
}

void
flint_canvas_set_edge_label (FlintCanvas *self,
                             FlintEdge   *edge,
                             const char  *text,
                             gboolean     warn)
{
  EdgeItem *item;

  g_return_if_fail (FLINT_IS_CANVAS (self));
  g_return_if_fail (FLINT_IS_EDGE (edge));

  item = g_hash_table_lookup (self->edges, edge);
  if (item == NULL)
    return;
  g_free (item->label);
  item->label = g_strdup (text);
  item->label_warn = text != NULL && warn;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

const char *
flint_canvas_get_edge_label (FlintCanvas *self,
                             FlintEdge   *edge)
{
  EdgeItem *item;

  g_return_val_if_fail (FLINT_IS_CANVAS (self), NULL);

  item = g_hash_table_lookup (self->edges, edge);
  return item ? item->label : NULL;
}

void
flint_canvas_clear_edge_labels (FlintCanvas *self)
{
  GHashTableIter iter;
  EdgeItem *item;

  g_return_if_fail (FLINT_IS_CANVAS (self));

  g_hash_table_iter_init (&iter, self->edges);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &item))
    {
      g_clear_pointer (&item->label, g_free);
      item->label_warn = FALSE;
    }
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
flint_canvas_set_node_progress (FlintCanvas         *self,
                                const char          *node_id,
                                double               fraction,
                                FlintCanvasProgress  state,
                                const char          *uri)
{
  NodeItem *item;

  g_return_if_fail (FLINT_IS_CANVAS (self));

  item = lookup_item_by_id (self, node_id);
  if (item == NULL)
    return;
  item->progress = CLAMP (fraction, 0.0, 1.0);
  item->progress_state = state;
  g_free (item->progress_uri);
  item->progress_uri = state != FLINT_CANVAS_PROGRESS_NONE ? g_strdup (uri) : NULL;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

FlintCanvasProgress
flint_canvas_get_node_progress (FlintCanvas *self,
                                const char  *node_id,
                                double      *fraction,
                                const char **uri)
{
  NodeItem *item;

  g_return_val_if_fail (FLINT_IS_CANVAS (self), FLINT_CANVAS_PROGRESS_NONE);

  item = lookup_item_by_id (self, node_id);
  if (fraction != NULL)
    *fraction = item ? item->progress : 0;
  if (uri != NULL)
    *uri = item ? item->progress_uri : NULL;
  return item ? item->progress_state : FLINT_CANVAS_PROGRESS_NONE;
}

void
flint_canvas_clear_node_progress (FlintCanvas *self)
{
  GHashTableIter iter;
  NodeItem *item;

  g_return_if_fail (FLINT_IS_CANVAS (self));

  g_hash_table_iter_init (&iter, self->nodes);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &item))
    {
      item->progress_state = FLINT_CANVAS_PROGRESS_NONE;
      item->progress = 0;
      g_clear_pointer (&item->progress_uri, g_free);
    }
  gtk_widget_queue_draw (GTK_WIDGET (self));
}
