/* test-canvas.c: the canvas as a user drives it, and as it looks
 *
 * Gestures go through the same internal functions the widget's controllers call, in
 * widget coordinates; the rendered canvas is compared with PNGs in data/ (regenerate
 * them with FLINT_UPDATE_REFERENCE=1).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "flint-test"

#include "config.h"

#include <math.h>

#include <adwaita.h>

#include "flint-canvas-layout.h"
#include "flint-canvas-private.h"

typedef struct
{
  GtkWidget      *window;
  FlintCanvas    *canvas;
  FlintPipeline  *pipeline;
  FlintHistory   *history;
  FlintValidator *validator;
  guint           selection_changes;
} Fixture;

static void
iterate (void)
{
  while (g_main_context_pending (NULL))
    g_main_context_iteration (NULL, FALSE);
}

static char *
example_path (const char *name)
{
  const char *root = g_getenv ("FLINT_SOURCE_ROOT");

  g_assert_nonnull (root);
  return g_build_filename (root, "data", "examples", name, NULL);
}

static void
fixture_show (Fixture       *f,
              FlintPipeline *pipeline,
              int            width,
              int            height)
{
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  f->pipeline = pipeline;
  f->history = flint_history_new (pipeline);
  f->validator = flint_validator_new (pipeline);
  f->canvas = FLINT_CANVAS (flint_canvas_new ());
  flint_canvas_set_history (f->canvas, f->history);
  flint_canvas_set_validator (f->canvas, f->validator);
  g_signal_connect_swapped (f->canvas, "selection-changed", G_CALLBACK (g_atomic_int_inc), &f->selection_changes);

  f->window = gtk_window_new ();
  gtk_window_set_decorated (GTK_WINDOW (f->window), FALSE);
  gtk_window_set_default_size (GTK_WINDOW (f->window), width, height);
  gtk_window_set_child (GTK_WINDOW (f->window), GTK_WIDGET (f->canvas));
  gtk_window_present (GTK_WINDOW (f->window));

  while (gtk_widget_get_width (GTK_WIDGET (f->canvas)) != width && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  iterate ();
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (f->canvas)), ==, width);
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autofree char *path = example_path ("customer-join.flint.yaml");
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  FlintPipeline *pipeline;

  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_FORCE_LIGHT);
  pipeline = flint_pipeline_load_from_file (flint_catalog_get_default (), file, NULL, &error);
  g_assert_no_error (error);
  fixture_show (f, pipeline, 1000, 560);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  gtk_window_destroy (GTK_WINDOW (f->window));
  iterate ();
  g_clear_object (&f->validator);
  g_clear_object (&f->history);
  g_clear_object (&f->pipeline);
}

/* Where a canvas point shows in the widget. */
static void
to_widget (Fixture *f,
           double   cx,
           double   cy,
           double  *wx,
           double  *wy)
{
  flint_viewport_canvas_to_widget (flint_canvas_get_viewport (f->canvas), cx, cy, wx, wy);
}

static void
node_center (Fixture    *f,
             const char *id,
             double     *wx,
             double     *wy)
{
  FlintRect rect;

  g_assert_true (flint_canvas_get_node_rect (f->canvas, id, &rect));
  /* The header: clear of ports and summaries. */
  to_widget (f, rect.x + rect.width / 2, rect.y + 20, wx, wy);
}

static void
port_widget (Fixture            *f,
             const char         *id,
             FlintPortDirection  direction,
             const char         *port,
             double             *wx,
             double             *wy)
{
  double cx, cy;

  g_assert_true (flint_canvas_get_port_point (f->canvas, id, direction, port, &cx, &cy));
  to_widget (f, cx, cy, wx, wy);
}

static void
drag (Fixture         *f,
      double           x1,
      double           y1,
      double           x2,
      double           y2,
      GdkModifierType  state)
{
  flint_canvas_drag_begin (f->canvas, x1, y1, state, FALSE);
  flint_canvas_drag_update (f->canvas, (x1 + x2) / 2, (y1 + y2) / 2);
  flint_canvas_drag_update (f->canvas, x2, y2);
  flint_canvas_drag_end (f->canvas, x2, y2);
}

static void
click (Fixture         *f,
       double           x,
       double           y,
       GdkModifierType  state)
{
  flint_canvas_drag_begin (f->canvas, x, y, state, FALSE);
  flint_canvas_drag_end (f->canvas, x, y);
}

static gboolean
has_edge (FlintPipeline *pipeline,
          const char    *from,
          const char    *to,
          const char    *to_port)
{
  GListModel *edges = flint_pipeline_get_edges (pipeline);

  for (guint i = 0; i < g_list_model_get_n_items (edges); i++)
    {
      g_autoptr(FlintEdge) edge = g_list_model_get_item (edges, i);

      if (g_str_equal (flint_edge_get_from_node (edge), from) &&
          g_str_equal (flint_edge_get_to_node (edge), to) &&
          (to_port == NULL || g_str_equal (flint_edge_get_to_port (edge), to_port)))
        return TRUE;
    }
  return FALSE;
}

static void
assert_position (FlintPipeline *pipeline,
                 const char    *id,
                 double         x,
                 double         y)
{
  double nx, ny;

  g_assert_true (flint_node_get_position (flint_pipeline_lookup_node (pipeline, id), &nx, &ny));
  g_assert_cmpfloat_with_epsilon (nx, x, 1e-9);
  g_assert_cmpfloat_with_epsilon (ny, y, 1e-9);
}

static void
test_hit_testing (Fixture       *f,
                  gconstpointer  data)
{
  FlintCanvasHit hit;
  double wx, wy, cx, cy, x1, y1, x2, y2, c[8];

  node_center (f, "adults", &wx, &wy);
  g_assert_cmpint (flint_canvas_hit_test (f->canvas, wx, wy, &hit), ==, FLINT_CANVAS_HIT_NODE);
  g_assert_cmpstr (flint_node_get_id (hit.node), ==, "adults");

  /* The join's second input, a few pixels off its centre. */
  port_widget (f, "orders_with_customers", FLINT_PORT_INPUT, "right", &wx, &wy);
  g_assert_cmpint (flint_canvas_hit_test (f->canvas, wx - 4, wy + 3, &hit), ==, FLINT_CANVAS_HIT_PORT);
  g_assert_cmpstr (flint_node_get_id (hit.node), ==, "orders_with_customers");
  g_assert_cmpint (hit.direction, ==, FLINT_PORT_INPUT);
  g_assert_cmpstr (hit.port, ==, "right");

  port_widget (f, "orders", FLINT_PORT_OUTPUT, NULL, &wx, &wy);
  g_assert_cmpint (flint_canvas_hit_test (f->canvas, wx + 2, wy, &hit), ==, FLINT_CANVAS_HIT_PORT);
  g_assert_cmpint (hit.direction, ==, FLINT_PORT_OUTPUT);
  g_assert_cmpstr (hit.port, ==, "out");

  /* The edge from orders into the join's left input: its middle, and 4 pixels off it. */
  flint_canvas_get_port_point (f->canvas, "orders", FLINT_PORT_OUTPUT, NULL, &x1, &y1);
  flint_canvas_get_port_point (f->canvas, "orders_with_customers", FLINT_PORT_INPUT, "left", &x2, &y2);
  flint_edge_curve (x1, y1, x2, y2, c);
  cx = 0.125 * c[0] + 0.375 * c[2] + 0.375 * c[4] + 0.125 * c[6];
  cy = 0.125 * c[1] + 0.375 * c[3] + 0.375 * c[5] + 0.125 * c[7];
  to_widget (f, cx, cy, &wx, &wy);
  g_assert_cmpint (flint_canvas_hit_test (f->canvas, wx, wy + 4, &hit), ==, FLINT_CANVAS_HIT_EDGE);
  g_assert_cmpstr (flint_edge_get_from_node (hit.edge), ==, "orders");
  /* Too far from it: nothing. */
  g_assert_cmpint (flint_canvas_hit_test (f->canvas, wx, wy + 30, &hit), ==, FLINT_CANVAS_HIT_NONE);
}

static void
test_connect_verdicts (Fixture       *f,
                       gconstpointer  data)
{
  FlintPipeline *p = f->pipeline;
  FlintNode *orders = flint_pipeline_lookup_node (p, "orders");
  FlintNode *customers = flint_pipeline_lookup_node (p, "customers");
  FlintNode *adults = flint_pipeline_lookup_node (p, "adults");
  FlintNode *join = flint_pipeline_lookup_node (p, "orders_with_customers");
  FlintNode *sink = flint_pipeline_lookup_node (p, "orders_by_country");
  FlintNode *u, *filter;

  g_assert_cmpint (flint_canvas_check_connection (f->canvas, orders, FLINT_PORT_OUTPUT, "out",
                                                  customers, FLINT_PORT_OUTPUT, "out"), ==,
                   FLINT_CONNECT_SAME_DIRECTION);
  g_assert_cmpint (flint_canvas_check_connection (f->canvas, adults, FLINT_PORT_OUTPUT, "out",
                                                  adults, FLINT_PORT_INPUT, "in"), ==,
                   FLINT_CONNECT_SAME_NODE);
  g_assert_cmpint (flint_canvas_check_connection (f->canvas, orders, FLINT_PORT_OUTPUT, "out",
                                                  adults, FLINT_PORT_INPUT, "in"), ==,
                   FLINT_CONNECT_OCCUPIED);
  g_assert_cmpint (flint_canvas_check_connection (f->canvas, join, FLINT_PORT_OUTPUT, "out",
                                                  sink, FLINT_PORT_INPUT, "in"), ==,
                   FLINT_CONNECT_EXISTS);

  /* A union takes many inputs; feeding it from below itself is a cycle. */
  u = flint_history_add_node (f->history, "transform.union", "u", 300, 400, NULL);
  filter = flint_history_add_node (f->history, "transform.filter", "f", 500, 400, NULL);
  g_assert_nonnull (flint_history_connect (f->history, "orders", NULL, "u", NULL, NULL));
  g_assert_nonnull (flint_history_connect (f->history, "u", NULL, "f", NULL, NULL));
  g_assert_cmpint (flint_canvas_check_connection (f->canvas, filter, FLINT_PORT_OUTPUT, "out",
                                                  u, FLINT_PORT_INPUT, "in"), ==,
                   FLINT_CONNECT_CYCLE);
  /* From the input's side, the same answer. */
  g_assert_cmpint (flint_canvas_check_connection (f->canvas, u, FLINT_PORT_INPUT, "in",
                                                  filter, FLINT_PORT_OUTPUT, "out"), ==,
                   FLINT_CONNECT_CYCLE);
  g_assert_cmpint (flint_canvas_check_connection (f->canvas, customers, FLINT_PORT_OUTPUT, "out",
                                                  u, FLINT_PORT_INPUT, "in"), ==,
                   FLINT_CONNECT_OK);
}

static void
test_connect_gesture (Fixture       *f,
                      gconstpointer  data)
{
  double x1, y1, x2, y2;
  guint n_edges = g_list_model_get_n_items (flint_pipeline_get_edges (f->pipeline));

  g_assert_nonnull (flint_history_add_node (f->history, "transform.filter", "big_orders", 560, 380, NULL));

  /* Dragging from an output onto a free input connects them, as one undoable step. */
  port_widget (f, "orders_with_customers", FLINT_PORT_OUTPUT, NULL, &x1, &y1);
  port_widget (f, "big_orders", FLINT_PORT_INPUT, NULL, &x2, &y2);
  g_assert_cmpint (flint_canvas_drag_begin (f->canvas, x1, y1, 0, FALSE), ==, FLINT_CANVAS_DRAG_CONNECT);
  flint_canvas_drag_update (f->canvas, x2 + 3, y2 - 2);
  g_assert_cmpint (flint_canvas_get_drag_verdict (f->canvas), ==, FLINT_CONNECT_OK);
  flint_canvas_drag_end (f->canvas, x2 + 3, y2 - 2);
  g_assert_true (has_edge (f->pipeline, "orders_with_customers", "big_orders", "in"));
  g_assert_cmpstr (flint_history_get_undo_label (f->history), ==, "Connect Orders with customers to big_orders");

  g_assert_true (flint_history_undo (f->history));
  g_assert_false (has_edge (f->pipeline, "orders_with_customers", "big_orders", "in"));
  g_assert_true (flint_history_redo (f->history));
  g_assert_true (has_edge (f->pipeline, "orders_with_customers", "big_orders", "in"));

  /* Onto an occupied single input: refused while hovering, nothing on release. */
  port_widget (f, "orders", FLINT_PORT_OUTPUT, NULL, &x1, &y1);
  port_widget (f, "adults", FLINT_PORT_INPUT, NULL, &x2, &y2);
  flint_canvas_drag_begin (f->canvas, x1, y1, 0, FALSE);
  flint_canvas_drag_update (f->canvas, x2, y2);
  g_assert_cmpint (flint_canvas_get_drag_verdict (f->canvas), ==, FLINT_CONNECT_OCCUPIED);
  flint_canvas_drag_end (f->canvas, x2, y2);
  g_assert_false (has_edge (f->pipeline, "orders", "adults", NULL));

  /* An output onto an output: refused. */
  port_widget (f, "customers", FLINT_PORT_OUTPUT, NULL, &x2, &y2);
  flint_canvas_drag_begin (f->canvas, x1, y1, 0, FALSE);
  flint_canvas_drag_update (f->canvas, x2, y2);
  g_assert_cmpint (flint_canvas_get_drag_verdict (f->canvas), ==, FLINT_CONNECT_SAME_DIRECTION);
  flint_canvas_drag_end (f->canvas, x2, y2);

  /* Dropped on empty canvas: nothing. */
  flint_canvas_drag_begin (f->canvas, x1, y1, 0, FALSE);
  flint_canvas_drag_end (f->canvas, x1 + 100, y1 + 150);
  g_assert_cmpuint (g_list_model_get_n_items (flint_pipeline_get_edges (f->pipeline)), ==, n_edges + 1);
}

static guint
n_edges (Fixture *f)
{
  return g_list_model_get_n_items (flint_pipeline_get_edges (f->pipeline));
}

static void
test_reconnect (Fixture       *f,
                gconstpointer  data)
{
  double x1, y1, x2, y2, zoom = flint_viewport_get_zoom (flint_canvas_get_viewport (f->canvas));
  guint n = n_edges (f);
  FlintCanvasHit hit;

  g_assert_nonnull (flint_history_add_node (f->history, "transform.filter", "big_orders", 560, 380, NULL));

  /* Grabbing a connected input detaches the edge's end; dropping it on a free input
   * moves the edge there, from the same output, as one step. */
  port_widget (f, "orders_by_country", FLINT_PORT_INPUT, NULL, &x1, &y1);
  port_widget (f, "big_orders", FLINT_PORT_INPUT, NULL, &x2, &y2);
  g_assert_cmpint (flint_canvas_drag_begin (f->canvas, x1, y1, 0, FALSE), ==, FLINT_CANVAS_DRAG_CONNECT);
  flint_canvas_drag_update (f->canvas, x2 + 3, y2 - 2);
  g_assert_cmpint (flint_canvas_get_drag_verdict (f->canvas), ==, FLINT_CONNECT_OK);
  flint_canvas_drag_end (f->canvas, x2 + 3, y2 - 2);
  g_assert_true (has_edge (f->pipeline, "orders_with_customers", "big_orders", "in"));
  g_assert_false (has_edge (f->pipeline, "orders_with_customers", "orders_by_country", NULL));
  g_assert_cmpuint (n_edges (f), ==, n);
  g_assert_cmpstr (flint_history_get_undo_label (f->history), ==, "Reconnect Orders with customers to big_orders");

  g_assert_true (flint_history_undo (f->history));
  g_assert_true (has_edge (f->pipeline, "orders_with_customers", "orders_by_country", "in"));
  g_assert_false (has_edge (f->pipeline, "orders_with_customers", "big_orders", NULL));
  g_assert_cmpuint (n_edges (f), ==, n);
  g_assert_true (flint_history_redo (f->history));
  g_assert_true (has_edge (f->pipeline, "orders_with_customers", "big_orders", "in"));
  g_assert_false (has_edge (f->pipeline, "orders_with_customers", "orders_by_country", NULL));
  g_assert_true (flint_history_undo (f->history));

  /* Onto an occupied input: refused exactly as a new edge is, and the edge stays. */
  port_widget (f, "adults", FLINT_PORT_INPUT, NULL, &x1, &y1);
  port_widget (f, "orders_with_customers", FLINT_PORT_INPUT, "left", &x2, &y2);
  g_assert_cmpint (flint_canvas_drag_begin (f->canvas, x1, y1, 0, FALSE), ==, FLINT_CANVAS_DRAG_CONNECT);
  flint_canvas_drag_update (f->canvas, x2, y2);
  g_assert_cmpint (flint_canvas_get_drag_verdict (f->canvas), ==, FLINT_CONNECT_OCCUPIED);
  flint_canvas_drag_end (f->canvas, x2, y2);
  g_assert_true (has_edge (f->pipeline, "customers", "adults", "in"));
  g_assert_false (has_edge (f->pipeline, "customers", "orders_with_customers", NULL));
  g_assert_cmpuint (n_edges (f), ==, n);

  /* Dropped back where it was: nothing changes, no step. */
  g_assert_cmpstr (flint_history_get_redo_label (f->history), ==, "Reconnect Orders with customers to big_orders");
  drag (f, x1, y1, x1, y1 + 1, 0);
  g_assert_true (has_edge (f->pipeline, "customers", "adults", "in"));
  g_assert_cmpstr (flint_history_get_redo_label (f->history), ==, "Reconnect Orders with customers to big_orders");

  /* Escape puts the end back. */
  flint_canvas_drag_begin (f->canvas, x1, y1, 0, FALSE);
  flint_canvas_drag_update (f->canvas, x1 + 40, y1 + 200);
  flint_canvas_drag_cancel (f->canvas);
  g_assert_cmpint (flint_canvas_get_drag (f->canvas), ==, FLINT_CANVAS_DRAG_NONE);
  flint_canvas_drag_end (f->canvas, x1 + 40, y1 + 200);
  g_assert_true (has_edge (f->pipeline, "customers", "adults", "in"));
  g_assert_cmpuint (n_edges (f), ==, n);

  /* Grabbed on the line near its input end (beside the port), dropped on empty canvas:
   * the edge goes, as one undoable step. */
  port_widget (f, "orders_with_customers", FLINT_PORT_INPUT, "left", &x1, &y1);
  x1 -= (FLINT_PORT_HIT_RADIUS + 4) * zoom;
  g_assert_cmpint (flint_canvas_hit_test (f->canvas, x1, y1, &hit), ==, FLINT_CANVAS_HIT_EDGE);
  to_widget (f, 700, 500, &x2, &y2);
  g_assert_cmpint (flint_canvas_hit_test (f->canvas, x2, y2, &hit), ==, FLINT_CANVAS_HIT_NONE);
  g_assert_cmpint (flint_canvas_drag_begin (f->canvas, x1, y1, 0, FALSE), ==, FLINT_CANVAS_DRAG_CONNECT);
  flint_canvas_drag_update (f->canvas, x2, y2);
  flint_canvas_drag_end (f->canvas, x2, y2);
  g_assert_false (has_edge (f->pipeline, "orders", "orders_with_customers", NULL));
  g_assert_cmpuint (n_edges (f), ==, n - 1);
  g_assert_true (flint_history_undo (f->history));
  g_assert_true (has_edge (f->pipeline, "orders", "orders_with_customers", "left"));
  g_assert_cmpuint (n_edges (f), ==, n);

  /* A click on the end, without a drag, selects the edge and changes nothing. */
  click (f, x1, y1, 0);
  g_assert_nonnull (flint_canvas_get_selected_edge (f->canvas));
  g_assert_cmpuint (n_edges (f), ==, n);
  flint_canvas_unselect_all (f->canvas);

  /* Away from its ends, a press on an edge still just selects it. */
  port_widget (f, "orders_with_customers", FLINT_PORT_INPUT, "left", &x1, &y1);
  port_widget (f, "orders", FLINT_PORT_OUTPUT, NULL, &x2, &y2);
  g_assert_cmpint (flint_canvas_hit_test (f->canvas, (x1 + x2) / 2, (y1 + y2) / 2, &hit), ==, FLINT_CANVAS_HIT_EDGE);
  click (f, (x1 + x2) / 2, (y1 + y2) / 2, 0);
  g_assert_nonnull (flint_canvas_get_selected_edge (f->canvas));
}

static void
test_autoscroll (Fixture       *f,
                 gconstpointer  data)
{
  FlintViewport *viewport = flint_canvas_get_viewport (f->canvas);
  double wx, wy, zoom = flint_viewport_get_zoom (viewport);
  double ox = flint_viewport_get_offset_x (viewport), oy = flint_viewport_get_offset_y (viewport);
  FlintRect start, rect;

  /* A node dragged to 10 px from the right edge (14 px into the 24 px margin): each
   * second scrolls 25 px per px of depth, and the card rides along under the pointer. */
  g_assert_true (flint_canvas_get_node_rect (f->canvas, "adults", &start));
  node_center (f, "adults", &wx, &wy);
  g_assert_cmpint (flint_canvas_drag_begin (f->canvas, wx, wy, 0, FALSE), ==, FLINT_CANVAS_DRAG_MOVE);
  flint_canvas_drag_update (f->canvas, 990, wy);
  g_assert_cmpfloat_with_epsilon (flint_viewport_get_offset_x (viewport), ox, 1e-9);
  for (int i = 0; i < 8; i++)
    g_assert_true (flint_canvas_autoscroll_step (f->canvas, 0.125));
  /* 1 s at 25 * 14 = 350 px/s, whatever the frame rate. */
  g_assert_cmpfloat_with_epsilon (flint_viewport_get_offset_x (viewport), ox + 350 / zoom, 1e-6);
  g_assert_cmpfloat_with_epsilon (flint_viewport_get_offset_y (viewport), oy, 1e-9);
  flint_canvas_get_node_rect (f->canvas, "adults", &rect);
  g_assert_cmpfloat_with_epsilon (rect.x, start.x + round ((990 - wx) / zoom + 350 / zoom), 1e-9);
  g_assert_cmpfloat_with_epsilon (rect.y, start.y, 1e-9);

  /* Deeper (beyond the edge) is faster: 2 s' worth in one frame-independent step. */
  flint_canvas_drag_update (f->canvas, 1010, wy);
  ox = flint_viewport_get_offset_x (viewport);
  g_assert_true (flint_canvas_autoscroll_step (f->canvas, 0.5));
  g_assert_cmpfloat_with_epsilon (flint_viewport_get_offset_x (viewport), ox + 25 * 34 * 0.5 / zoom, 1e-6);

  /* Back inside: it stops; the drop lands where the card was shown. */
  flint_canvas_drag_update (f->canvas, 500, wy);
  ox = flint_viewport_get_offset_x (viewport);
  g_assert_false (flint_canvas_autoscroll_step (f->canvas, 0.5));
  g_assert_cmpfloat_with_epsilon (flint_viewport_get_offset_x (viewport), ox, 1e-9);
  flint_canvas_get_node_rect (f->canvas, "adults", &rect);
  flint_canvas_drag_end (f->canvas, 500, wy);
  assert_position (f->pipeline, "adults", rect.x, rect.y);
  g_assert_false (flint_canvas_autoscroll_step (f->canvas, 0.5));

  /* A rubber band held at the top left corner extends as the view scrolls up and left,
   * over nodes it did not reach before. */
  flint_viewport_set_zoom (viewport, 1.0);
  flint_viewport_set_offset (viewport, 300, 200);
  g_assert_cmpint (flint_canvas_drag_begin (f->canvas, 600, 500, 0, FALSE), ==, FLINT_CANVAS_DRAG_RUBBER_BAND);
  flint_canvas_drag_update (f->canvas, 4, 4);
  g_assert_false (flint_canvas_is_selected (f->canvas, flint_pipeline_lookup_node (f->pipeline, "customers")));
  for (int i = 0; i < 10; i++)
    g_assert_true (flint_canvas_autoscroll_step (f->canvas, 0.1));
  g_assert_cmpfloat_with_epsilon (flint_viewport_get_offset_x (viewport), 300 - 500, 1e-6);
  g_assert_cmpfloat_with_epsilon (flint_viewport_get_offset_y (viewport), 200 - 500, 1e-6);
  flint_canvas_drag_end (f->canvas, 4, 4);
  g_assert_true (flint_canvas_is_selected (f->canvas, flint_pipeline_lookup_node (f->pipeline, "customers")));
}

static void
test_move (Fixture       *f,
           gconstpointer  data)
{
  double wx, wy, zoom = flint_viewport_get_zoom (flint_canvas_get_viewport (f->canvas));
  FlintRect rect;

  node_center (f, "adults", &wx, &wy);
  g_assert_cmpint (flint_canvas_drag_begin (f->canvas, wx, wy, 0, FALSE), ==, FLINT_CANVAS_DRAG_MOVE);
  flint_canvas_drag_update (f->canvas, wx + 25 * zoom, wy + 15 * zoom);
  /* While dragging, the card follows the pointer; the document changes on release. */
  flint_canvas_get_node_rect (f->canvas, "adults", &rect);
  g_assert_cmpfloat_with_epsilon (rect.x, 345, 1e-9);
  assert_position (f->pipeline, "adults", 320, 80);
  flint_canvas_drag_update (f->canvas, wx + 50 * zoom, wy + 30 * zoom);
  flint_canvas_drag_end (f->canvas, wx + 50 * zoom, wy + 30 * zoom);
  assert_position (f->pipeline, "adults", 370, 110);
  g_assert_cmpstr (flint_history_get_undo_label (f->history), ==, "Move Adults");

  /* Shift adds to the selection; one drag moves both, one undo puts both back. */
  node_center (f, "customers", &wx, &wy);
  click (f, wx, wy, GDK_SHIFT_MASK);
  g_assert_cmpuint (flint_canvas_get_n_selected (f->canvas), ==, 2);
  drag (f, wx, wy, wx - 20 * zoom, wy + 40 * zoom, 0);
  assert_position (f->pipeline, "customers", 60, 120);
  assert_position (f->pipeline, "adults", 350, 150);
  g_assert_true (flint_history_undo (f->history));
  assert_position (f->pipeline, "customers", 80, 80);
  assert_position (f->pipeline, "adults", 370, 110);
  g_assert_true (flint_history_undo (f->history));
  assert_position (f->pipeline, "adults", 320, 80);

  /* Shift-click on a selected node unselects it. */
  click (f, wx, wy, GDK_SHIFT_MASK);
  g_assert_cmpuint (flint_canvas_get_n_selected (f->canvas), ==, 1);

  /* Keyboard: arrows move the selection, one step each press. */
  flint_canvas_move_selection (f->canvas, 10, 0);
  assert_position (f->pipeline, "adults", 330, 80);
}

static void
test_rubber_band (Fixture       *f,
                  gconstpointer  data)
{
  double x1, y1, x2, y2;
  g_autoptr(GPtrArray) selection = NULL;

  /* Around the two sources, from empty canvas. */
  to_widget (f, 60, 60, &x1, &y1);
  to_widget (f, 300, 330, &x2, &y2);
  g_assert_cmpint (flint_canvas_drag_begin (f->canvas, x1, y1, 0, FALSE), ==, FLINT_CANVAS_DRAG_RUBBER_BAND);
  flint_canvas_drag_update (f->canvas, x2, y2);
  flint_canvas_drag_end (f->canvas, x2, y2);

  selection = flint_canvas_dup_selection (f->canvas);
  g_assert_cmpuint (selection->len, ==, 2);
  g_assert_cmpstr (flint_node_get_id (selection->pdata[0]), ==, "customers");
  g_assert_cmpstr (flint_node_get_id (selection->pdata[1]), ==, "orders");
  g_assert_cmpuint (f->selection_changes, >=, 1);

  /* Shift keeps them and adds the sink. */
  to_widget (f, 790, 150, &x1, &y1);
  to_widget (f, 900, 200, &x2, &y2);
  drag (f, x1, y1, x2, y2, GDK_SHIFT_MASK);
  g_assert_cmpuint (flint_canvas_get_n_selected (f->canvas), ==, 3);
  g_assert_true (flint_canvas_is_selected (f->canvas, flint_pipeline_lookup_node (f->pipeline, "orders_by_country")));

  /* A click on empty canvas clears it. */
  click (f, x1, y1 + 300, 0);
  g_assert_cmpuint (flint_canvas_get_n_selected (f->canvas), ==, 0);
}

static void
test_delete_undo (Fixture       *f,
                  gconstpointer  data)
{
  double wx, wy;
  FlintCanvasHit hit;

  node_center (f, "adults", &wx, &wy);
  click (f, wx, wy, 0);
  g_assert_cmpstr (flint_node_get_id (flint_canvas_get_selected_node (f->canvas)), ==, "adults");
  gtk_widget_activate_action (GTK_WIDGET (f->canvas), "canvas.delete", NULL);

  g_assert_null (flint_pipeline_lookup_node (f->pipeline, "adults"));
  g_assert_false (has_edge (f->pipeline, "customers", "adults", NULL));
  g_assert_cmpuint (flint_canvas_get_n_selected (f->canvas), ==, 0);
  g_assert_cmpint (flint_canvas_hit_test (f->canvas, wx, wy, &hit), ==, FLINT_CANVAS_HIT_NONE);

  gtk_widget_activate_action (GTK_WIDGET (f->canvas), "canvas.undo", NULL);
  g_assert_nonnull (flint_pipeline_lookup_node (f->pipeline, "adults"));
  g_assert_true (has_edge (f->pipeline, "customers", "adults", NULL));
  g_assert_true (has_edge (f->pipeline, "adults", "orders_with_customers", "right"));
  g_assert_cmpint (flint_canvas_hit_test (f->canvas, wx, wy, &hit), ==, FLINT_CANVAS_HIT_NODE);

  /* An edge: click it, delete it. */
  {
    double x1, y1, x2, y2, c[8];

    flint_canvas_get_port_point (f->canvas, "customers", FLINT_PORT_OUTPUT, NULL, &x1, &y1);
    flint_canvas_get_port_point (f->canvas, "adults", FLINT_PORT_INPUT, NULL, &x2, &y2);
    flint_edge_curve (x1, y1, x2, y2, c);
    to_widget (f, (x1 + x2) / 2, (y1 + y2) / 2, &wx, &wy);
    click (f, wx, wy, 0);
    g_assert_nonnull (flint_canvas_get_selected_edge (f->canvas));
    flint_canvas_delete_selection (f->canvas);
    g_assert_false (has_edge (f->pipeline, "customers", "adults", NULL));
    flint_history_undo (f->history);
    g_assert_true (has_edge (f->pipeline, "customers", "adults", NULL));
  }
}

static void
test_copy_paste (Fixture       *f,
                 gconstpointer  data)
{
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  guint n = flint_pipeline_get_n_nodes (f->pipeline);

  flint_canvas_select_node (f->canvas, flint_pipeline_lookup_node (f->pipeline, "customers"), FALSE);
  flint_canvas_select_node (f->canvas, flint_pipeline_lookup_node (f->pipeline, "adults"), TRUE);
  text = flint_canvas_copy_selection (f->canvas);

  /* Pipeline YAML a text editor can hold: the two nodes, their edge, their parameters. */
  g_assert_nonnull (text);
  g_assert_true (g_str_has_prefix (text, "flint: 1\n"));
  g_assert_nonnull (strstr (text, "id: customers"));
  g_assert_nonnull (strstr (text, "condition: age >= 18"));
  g_assert_nonnull (strstr (text, "{from: customers, to: adults}"));
  g_assert_null (strstr (text, "orders"));

  g_assert_true (flint_canvas_paste_text (f->canvas, text, 100, 420, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (flint_pipeline_get_n_nodes (f->pipeline), ==, n + 2);
  /* Ids that clash are renamed, and the edge follows them. */
  g_assert_nonnull (flint_pipeline_lookup_node (f->pipeline, "customers_2"));
  g_assert_nonnull (flint_pipeline_lookup_node (f->pipeline, "adults_2"));
  g_assert_true (has_edge (f->pipeline, "customers_2", "adults_2", NULL));
  assert_position (f->pipeline, "customers_2", 100, 420);
  assert_position (f->pipeline, "adults_2", 340, 420);
  g_assert_cmpstr (flint_node_get_string (flint_pipeline_lookup_node (f->pipeline, "adults_2"), "condition"), ==,
                   "age >= 18");
  /* What was pasted is selected. */
  g_assert_cmpuint (flint_canvas_get_n_selected (f->canvas), ==, 2);
  g_assert_true (flint_canvas_is_selected (f->canvas, flint_pipeline_lookup_node (f->pipeline, "adults_2")));

  /* One step. */
  g_assert_cmpstr (flint_history_get_undo_label (f->history), ==, "Paste 2 Nodes");
  flint_history_undo (f->history);
  g_assert_cmpuint (flint_pipeline_get_n_nodes (f->pipeline), ==, n);

  /* Duplicate: pasted next to the original. */
  flint_canvas_select_node (f->canvas, flint_pipeline_lookup_node (f->pipeline, "orders"), FALSE);
  flint_canvas_duplicate_selection (f->canvas);
  assert_position (f->pipeline, "orders_2", 112, 292);

  /* Not a pipeline: an error, nothing added. */
  g_assert_false (flint_canvas_paste_text (f->canvas, "hello: [", 0, 0, &error));
  g_assert_nonnull (error);
  g_assert_cmpuint (flint_pipeline_get_n_nodes (f->pipeline), ==, n + 1);
}

static void
test_drop_and_badges (Fixture       *f,
                      gconstpointer  data)
{
  FlintNode *node;
  double x, y, cx, cy;
  guint errors, warnings;
  FlintRect rect;

  flint_canvas_flush_validation (f->canvas);
  flint_canvas_get_badges (f->canvas, "adults", &errors, &warnings);
  g_assert_cmpuint (errors, ==, 0);

  g_assert_false (flint_canvas_drop_text (f->canvas, "flint-kind:no.such.kind", 100, 100));
  g_assert_false (flint_canvas_drop_text (f->canvas, "transform.filter", 100, 100));
  g_assert_true (flint_canvas_drop_text (f->canvas, "flint-kind:transform.filter", 500, 480));
  node = flint_pipeline_lookup_node (f->pipeline, "filter");
  g_assert_nonnull (node);
  g_assert_true (flint_canvas_is_selected (f->canvas, node));
  /* Its card is centred where it was dropped. */
  flint_viewport_widget_to_canvas (flint_canvas_get_viewport (f->canvas), 500, 480, &cx, &cy);
  flint_canvas_get_node_rect (f->canvas, "filter", &rect);
  g_assert_cmpfloat (fabs (rect.x + rect.width / 2 - cx), <=, 1);
  g_assert_cmpfloat (fabs (rect.y + rect.height / 2 - cy), <=, 1);
  g_assert_true (flint_node_get_position (node, &x, &y));

  /* Unconnected, no condition: error badges once the main loop has run (the idle that
   * comes before the next frame), without anyone asking the validator. */
  iterate ();
  flint_canvas_get_badges (f->canvas, "filter", &errors, &warnings);
  g_assert_cmpuint (errors, >=, 2);

  /* Connecting it and giving it a condition clears them. */
  flint_history_connect (f->history, "adults", NULL, "filter", NULL, NULL);
  flint_history_set_param (f->history, "filter", "condition", json_node_init_string (json_node_alloc (), "age < 65"), NULL);
  iterate ();
  flint_canvas_get_badges (f->canvas, "filter", &errors, &warnings);
  g_assert_cmpuint (errors, ==, 0);
}

static void
test_keyboard (Fixture       *f,
               gconstpointer  data)
{
  FlintViewport *vp = flint_canvas_get_viewport (f->canvas);
  double zoom = flint_viewport_get_zoom (vp);
  FlintRect rect;
  double x, y, w, h;

  flint_canvas_reveal_node (f->canvas, "customers");
  g_assert_true (flint_canvas_focus_direction (f->canvas, 1, 0));
  g_assert_cmpstr (flint_node_get_id (flint_canvas_get_selected_node (f->canvas)), ==, "adults");
  g_assert_true (flint_canvas_focus_direction (f->canvas, 1, 0));
  g_assert_cmpstr (flint_node_get_id (flint_canvas_get_selected_node (f->canvas)), ==, "orders_with_customers");
  g_assert_true (flint_canvas_focus_direction (f->canvas, -1, 0));
  g_assert_cmpstr (flint_node_get_id (flint_canvas_get_selected_node (f->canvas)), ==, "adults");
  g_assert_true (flint_canvas_focus_direction (f->canvas, -1, 0));
  g_assert_cmpstr (flint_node_get_id (flint_canvas_get_selected_node (f->canvas)), ==, "customers");
  g_assert_true (flint_canvas_focus_direction (f->canvas, 0, 1));
  g_assert_cmpstr (flint_node_get_id (flint_canvas_get_selected_node (f->canvas)), ==, "orders");
  g_assert_false (flint_canvas_focus_direction (f->canvas, 0, 1));

  gtk_widget_activate_action (GTK_WIDGET (f->canvas), "canvas.zoom-in", NULL);
  g_assert_cmpfloat_with_epsilon (flint_viewport_get_zoom (vp), zoom * 1.2, 1e-9);
  gtk_widget_activate_action (GTK_WIDGET (f->canvas), "canvas.zoom-out", NULL);
  g_assert_cmpfloat_with_epsilon (flint_viewport_get_zoom (vp), zoom, 1e-9);

  /* Scrolled far away, the problems list asks for a node: it comes into view, selected. */
  flint_viewport_set_offset (vp, 5000, 5000);
  g_assert_true (flint_canvas_reveal_node (f->canvas, "orders_by_country"));
  flint_canvas_get_node_rect (f->canvas, "orders_by_country", &rect);
  flint_viewport_get_visible (vp, &x, &y, &w, &h);
  g_assert_cmpfloat (rect.x, >=, x);
  g_assert_cmpfloat (rect.x + rect.width, <=, x + w);
  g_assert_cmpfloat (rect.y, >=, y);
  g_assert_cmpfloat (rect.y + rect.height, <=, y + h);
  g_assert_false (flint_canvas_reveal_node (f->canvas, "nope"));

  /* Scrolling pans; Ctrl+scroll zooms around the pointer. */
  flint_viewport_set_offset (vp, 0, 0);
  flint_canvas_scroll (f->canvas, 0, 1, TRUE, 0, 10, 10);
  g_assert_cmpfloat (flint_viewport_get_offset_y (vp), >, 0);
  {
    double cx1, cy1, cx2, cy2;

    flint_viewport_widget_to_canvas (vp, 300, 200, &cx1, &cy1);
    flint_canvas_scroll (f->canvas, 0, -1, TRUE, GDK_CONTROL_MASK, 300, 200);
    flint_viewport_widget_to_canvas (vp, 300, 200, &cx2, &cy2);
    g_assert_cmpfloat (flint_viewport_get_zoom (vp), >, zoom);
    g_assert_cmpfloat_with_epsilon (cx1, cx2, 1e-6);
    g_assert_cmpfloat_with_epsilon (cy1, cy2, 1e-6);
  }
}

/* Layout */

static const char layered_yaml[] =
  "flint: 1\n"
  "name: layered\n"
  "nodes:\n"
  "  - {id: a, kind: source.csv, params: {path: a.csv}}\n"
  "  - {id: b, kind: source.csv, params: {path: b.csv}}\n"
  "  - {id: c, kind: source.csv, params: {path: c.csv}}\n"
  "  - {id: fa, kind: transform.filter, params: {condition: x > 1}}\n"
  "  - {id: fb, kind: transform.filter, params: {condition: x > 1}}\n"
  "  - {id: j, kind: transform.join, params: {how: inner}}\n"
  "  - {id: u, kind: transform.union}\n"
  "  - {id: out1, kind: sink.parquet, params: {path: o1}}\n"
  "  - {id: out2, kind: sink.parquet, params: {path: o2}}\n"
  "  - {id: out3, kind: sink.parquet, params: {path: o3}}\n"
  "edges:\n"
  "  - {from: c, to: j.left}\n"
  "  - {from: fa, to: j.right}\n"
  "  - {from: a, to: fa}\n"
  "  - {from: b, to: fb}\n"
  "  - {from: j, to: u}\n"
  "  - {from: fb, to: u}\n"
  "  - {from: a, to: u}\n"
  "  - {from: u, to: out1}\n"
  "  - {from: c, to: out3}\n"
  "  - {from: fb, to: out2}\n";

static void
assert_layout_sound (FlintPipeline *pipeline)
{
  GListModel *nodes = flint_pipeline_get_nodes (pipeline);
  GListModel *edges = flint_pipeline_get_edges (pipeline);
  guint n = g_list_model_get_n_items (nodes);

  /* No two cards overlap. */
  for (guint i = 0; i < n; i++)
    for (guint j = i + 1; j < n; j++)
      {
        g_autoptr(FlintNode) a = g_list_model_get_item (nodes, i);
        g_autoptr(FlintNode) b = g_list_model_get_item (nodes, j);
        double ax, ay, bx, by;
        FlintRect ra, rb;

        g_assert_true (flint_node_get_position (a, &ax, &ay));
        g_assert_true (flint_node_get_position (b, &bx, &by));
        ra = flint_node_kind_get_rect (flint_node_get_kind (a), ax, ay);
        rb = flint_node_kind_get_rect (flint_node_get_kind (b), bx, by);
        if (flint_rect_intersects (&ra, &rb))
          g_error ("%s and %s overlap", flint_node_get_id (a), flint_node_get_id (b));
      }

  /* Every edge flows left to right. */
  for (guint i = 0; i < g_list_model_get_n_items (edges); i++)
    {
      g_autoptr(FlintEdge) edge = g_list_model_get_item (edges, i);
      double fx, fy, tx, ty;

      flint_node_get_position (flint_pipeline_lookup_node (pipeline, flint_edge_get_from_node (edge)), &fx, &fy);
      flint_node_get_position (flint_pipeline_lookup_node (pipeline, flint_edge_get_to_node (edge)), &tx, &ty);
      g_assert_cmpfloat (fx + FLINT_NODE_WIDTH, <, tx);
    }
}

static void
test_layout (void)
{
  g_autoptr(GError) error = NULL;
  FlintPipeline *pipeline = flint_pipeline_load_from_data (flint_catalog_get_default (), layered_yaml, -1, &error);
  g_autoptr(GHashTable) layout = NULL;
  Fixture fx = { 0, }, *f = &fx;
  double ax, ux;

  g_assert_no_error (error);
  /* Nodes without positions are laid out on load. */
  fixture_show (f, pipeline, 1000, 600);
  assert_layout_sound (f->pipeline);
  /* Layers by longest path: u comes after j, which comes after fa. */
  flint_node_get_position (flint_pipeline_lookup_node (pipeline, "a"), &ax, NULL);
  flint_node_get_position (flint_pipeline_lookup_node (pipeline, "u"), &ux, NULL);
  g_assert_cmpfloat (ux - ax, ==, 3 * (FLINT_NODE_WIDTH + FLINT_LAYOUT_LAYER_GAP));
  layout = flint_canvas_layout_compute (pipeline);
  g_assert_cmpuint (flint_canvas_layout_count_crossings (pipeline, layout), ==, 0);
  /* Loading is not an edit. */
  g_assert_false (flint_history_can_undo (f->history));

  /* Scramble, arrange: sound again, in one undoable step. */
  flint_history_move_node (f->history, "out1", 0, 0, NULL);
  flint_history_move_node (f->history, "j", 10, 10, NULL);
  flint_canvas_arrange (f->canvas);
  assert_layout_sound (f->pipeline);
  g_assert_cmpstr (flint_history_get_undo_label (f->history), ==, "Arrange Nodes");
  flint_history_undo (f->history);
  assert_position (pipeline, "j", 10, 10);
  assert_position (pipeline, "out1", 0, 0);

  fixture_teardown (f, NULL);
}

static void
test_layout_cycle (void)
{
  g_autoptr(FlintPipeline) pipeline = flint_pipeline_new (flint_catalog_get_default ());
  g_autoptr(GHashTable) layout = NULL;
  const char *ids[] = { "u1", "u2", "u3" };

  /* A file may hold a cycle; the layout must still end and place every node. */
  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(FlintNode) node = flint_node_new (ids[i], flint_catalog_lookup (flint_catalog_get_default (), "transform.union"));
      flint_pipeline_add_node (pipeline, node, NULL);
    }
  g_assert_nonnull (flint_pipeline_connect (pipeline, "u1", NULL, "u2", NULL, NULL));
  g_assert_nonnull (flint_pipeline_connect (pipeline, "u2", NULL, "u3", NULL, NULL));
  g_assert_nonnull (flint_pipeline_connect (pipeline, "u3", NULL, "u1", NULL, NULL));
  layout = flint_canvas_layout_compute (pipeline);
  g_assert_cmpuint (g_hash_table_size (layout), ==, 3);
}

/* Pixels */

static cairo_surface_t *
render (Fixture *f)
{
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  int w = gtk_widget_get_width (GTK_WIDGET (f->canvas)), h = gtk_widget_get_height (GTK_WIDGET (f->canvas));
  g_autoptr(GskRenderNode) node = NULL;
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, w, h);
  cairo_t *cr = cairo_create (surface);

  /* The widget's own snapshot, as GTK calls it for a frame. */
  GTK_WIDGET_GET_CLASS (f->canvas)->snapshot (GTK_WIDGET (f->canvas), snapshot);
  node = gtk_snapshot_free_to_node (snapshot);
  g_assert_nonnull (node);
  /* Cairo draws the same pixels on every machine with the same fonts, unlike a GPU. */
  gsk_render_node_draw (node, cr);
  cairo_destroy (cr);
  cairo_surface_flush (surface);
  return surface;
}

static void
compare_with_reference (cairo_surface_t *actual,
                        const char      *name)
{
  g_autofree char *path = g_build_filename (g_getenv ("FLINT_SOURCE_ROOT"), "tests", "display", "data", name, NULL);
  cairo_surface_t *expected;
  int w, h, stride_a, stride_e;
  guchar *pa, *pe;
  guint64 differing = 0;
  double fraction;

  if (g_getenv ("FLINT_UPDATE_REFERENCE") != NULL)
    {
      g_assert_cmpint (cairo_surface_write_to_png (actual, path), ==, CAIRO_STATUS_SUCCESS);
      g_test_message ("wrote %s", path);
    }

  expected = cairo_image_surface_create_from_png (path);
  if (cairo_surface_status (expected) != CAIRO_STATUS_SUCCESS)
    g_error ("cannot read %s (regenerate with FLINT_UPDATE_REFERENCE=1)", path);

  w = cairo_image_surface_get_width (actual);
  h = cairo_image_surface_get_height (actual);
  g_assert_cmpint (cairo_image_surface_get_width (expected), ==, w);
  g_assert_cmpint (cairo_image_surface_get_height (expected), ==, h);
  pa = cairo_image_surface_get_data (actual);
  pe = cairo_image_surface_get_data (expected);
  stride_a = cairo_image_surface_get_stride (actual);
  stride_e = cairo_image_surface_get_stride (expected);

  /* Tolerant: antialiasing may differ a little per pixel, and a few pixels may differ
   * more (hinting); a moved card, a wrong colour or a missing edge differ in thousands. */
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      {
        guchar *a = pa + y * stride_a + x * 4, *e = pe + y * stride_e + x * 4;

        for (int c = 0; c < 4; c++)
          if (abs ((int) a[c] - (int) e[c]) > 48)
            {
              differing++;
              break;
            }
      }

  fraction = (double) differing / ((double) w * h);
  if (fraction > 0.005)
    {
      g_autofree char *out = g_strdup_printf ("%s/%s", g_get_tmp_dir (), name);

      cairo_surface_write_to_png (actual, out);
      g_error ("%s: %.3f %% of the pixels differ (at most 0.5 %%); actual rendering in %s",
               name, fraction * 100, out);
    }
  cairo_surface_destroy (expected);
}

static void
test_pixels (Fixture       *f,
             gconstpointer  data)
{
  gboolean dark = GPOINTER_TO_INT (data);
  cairo_surface_t *surface;
  guint n_nodes, n_edges;
  gboolean far;

  if (dark)
    adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_FORCE_DARK);
  iterate ();

  flint_canvas_flush_validation (f->canvas);
  /* A selected node, an error badge (a filter with no condition, unconnected). */
  flint_canvas_select_node (f->canvas, flint_pipeline_lookup_node (f->pipeline, "adults"), FALSE);
  flint_history_add_node (f->history, "transform.filter", "checks", 560, 330, NULL);
  flint_canvas_flush_validation (f->canvas);
  flint_viewport_set_zoom (flint_canvas_get_viewport (f->canvas), 1.0);
  flint_viewport_set_offset (flint_canvas_get_viewport (f->canvas), 40, 40);

  surface = render (f);
  flint_canvas_get_paint_stats (f->canvas, &n_nodes, &n_edges, &far);
  g_assert_cmpuint (n_nodes, ==, 6);
  g_assert_cmpuint (n_edges, ==, 4);
  g_assert_false (far);
  compare_with_reference (surface, dark ? "canvas-dark.png" : "canvas-light.png");
  cairo_surface_destroy (surface);

  /* Far out: plain rectangles. */
  flint_viewport_set_zoom (flint_canvas_get_viewport (f->canvas), 0.2);
  surface = render (f);
  flint_canvas_get_paint_stats (f->canvas, &n_nodes, &n_edges, &far);
  g_assert_true (far);
  g_assert_cmpuint (n_nodes, ==, 6);
  cairo_surface_destroy (surface);

  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_FORCE_LIGHT);
}

static void
test_culling (Fixture       *f,
              gconstpointer  data)
{
  cairo_surface_t *surface;
  guint n_nodes, n_edges;
  gboolean far;

  /* Only what is in view is painted: the two sources at the left edge. */
  flint_viewport_set_zoom (flint_canvas_get_viewport (f->canvas), 1.0);
  flint_viewport_set_offset (flint_canvas_get_viewport (f->canvas), -700, 0);
  surface = render (f);
  flint_canvas_get_paint_stats (f->canvas, &n_nodes, &n_edges, &far);
  g_assert_cmpuint (n_nodes, ==, 2);
  cairo_surface_destroy (surface);
}

#define ADD(name, func, data) \
  g_test_add (name, Fixture, data, fixture_setup, func, fixture_teardown)

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  if (!gtk_init_check ())
    {
      /* TAP: a plan of none, skipped. */
      g_print ("1..0 # SKIP no display\n");
      return 0;
    }
  adw_init ();
  g_object_set (gtk_settings_get_default (), "gtk-font-name", "Cantarell 11", NULL);

  ADD ("/canvas/hit-testing", test_hit_testing, NULL);
  ADD ("/canvas/connect-verdicts", test_connect_verdicts, NULL);
  ADD ("/canvas/connect-gesture", test_connect_gesture, NULL);
  ADD ("/canvas/reconnect", test_reconnect, NULL);
  ADD ("/canvas/move", test_move, NULL);
  ADD ("/canvas/autoscroll", test_autoscroll, NULL);
  ADD ("/canvas/rubber-band", test_rubber_band, NULL);
  ADD ("/canvas/delete-undo", test_delete_undo, NULL);
  ADD ("/canvas/copy-paste", test_copy_paste, NULL);
  ADD ("/canvas/drop-and-badges", test_drop_and_badges, NULL);
  ADD ("/canvas/keyboard", test_keyboard, NULL);
  ADD ("/canvas/culling", test_culling, NULL);
  ADD ("/canvas/pixels/light", test_pixels, GINT_TO_POINTER (FALSE));
  ADD ("/canvas/pixels/dark", test_pixels, GINT_TO_POINTER (TRUE));
  g_test_add_func ("/layout/layered", test_layout);
  g_test_add_func ("/layout/cycle", test_layout_cycle);

  return g_test_run ();
}
