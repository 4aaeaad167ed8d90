/* test-viewport.c: the canvas's viewport and geometry, arithmetic only
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "flint-test"

#include "config.h"

#include <math.h>

#include "flint-canvas-geometry.h"
#include "flint-viewport.h"

static void
test_conversions (void)
{
  g_autoptr(FlintViewport) vp = flint_viewport_new ();
  double cx, cy, wx, wy;

  flint_viewport_set_size (vp, 800, 600);
  flint_viewport_set_offset (vp, 100, 50);
  flint_viewport_set_zoom (vp, 2.0);

  flint_viewport_canvas_to_widget (vp, 150, 100, &wx, &wy);
  g_assert_cmpfloat_with_epsilon (wx, 100, 1e-9);
  g_assert_cmpfloat_with_epsilon (wy, 100, 1e-9);
  flint_viewport_widget_to_canvas (vp, wx, wy, &cx, &cy);
  g_assert_cmpfloat_with_epsilon (cx, 150, 1e-9);
  g_assert_cmpfloat_with_epsilon (cy, 100, 1e-9);

  /* Panning by a widget distance moves the content by that many pixels at any zoom. */
  flint_viewport_pan (vp, 40, -20);
  flint_viewport_canvas_to_widget (vp, 150, 100, &wx, &wy);
  g_assert_cmpfloat_with_epsilon (wx, 140, 1e-9);
  g_assert_cmpfloat_with_epsilon (wy, 80, 1e-9);
}

static void
test_zoom_at (void)
{
  g_autoptr(FlintViewport) vp = flint_viewport_new ();
  double before_x, before_y, after_x, after_y;
  guint changed = 0;

  g_signal_connect_swapped (vp, "changed", G_CALLBACK (g_atomic_int_inc), &changed);
  flint_viewport_set_size (vp, 1000, 700);
  flint_viewport_set_offset (vp, -30, 12);

  /* The canvas point under the pointer stays under it. */
  flint_viewport_widget_to_canvas (vp, 321, 456, &before_x, &before_y);
  flint_viewport_zoom_at (vp, 1.7, 321, 456);
  flint_viewport_widget_to_canvas (vp, 321, 456, &after_x, &after_y);
  g_assert_cmpfloat_with_epsilon (flint_viewport_get_zoom (vp), 1.7, 1e-9);
  g_assert_cmpfloat_with_epsilon (before_x, after_x, 1e-9);
  g_assert_cmpfloat_with_epsilon (before_y, after_y, 1e-9);
  g_assert_cmpuint (changed, ==, 3);

  /* Clamped at both ends. */
  flint_viewport_zoom_at (vp, 1000, 0, 0);
  g_assert_cmpfloat (flint_viewport_get_zoom (vp), ==, FLINT_VIEWPORT_MAX_ZOOM);
  flint_viewport_zoom_at (vp, 0, 0, 0);
  g_assert_cmpfloat (flint_viewport_get_zoom (vp), ==, FLINT_VIEWPORT_MIN_ZOOM);

  /* No change, no signal. */
  changed = 0;
  flint_viewport_set_zoom (vp, FLINT_VIEWPORT_MIN_ZOOM);
  flint_viewport_set_offset (vp, NAN, 0);
  g_assert_cmpuint (changed, ==, 0);
}

static void
test_fit_and_reveal (void)
{
  g_autoptr(FlintViewport) vp = flint_viewport_new ();
  double x, y, w, h;

  flint_viewport_set_size (vp, 800, 600);

  /* A large graph: fitted whole, centred, inside the margins. */
  flint_viewport_fit (vp, 100, 200, 4000, 1000, 40, 1.0);
  g_assert_cmpfloat_with_epsilon (flint_viewport_get_zoom (vp), 720.0 / 4000.0, 1e-9);
  flint_viewport_get_visible (vp, &x, &y, &w, &h);
  g_assert_cmpfloat_with_epsilon (x + w / 2, 2100, 1e-6);
  g_assert_cmpfloat_with_epsilon (y + h / 2, 700, 1e-6);
  g_assert_cmpfloat (x, <, 100);
  g_assert_cmpfloat (x + w, >, 4100);

  /* A small one is not blown up beyond the maximum zoom. */
  flint_viewport_fit (vp, 0, 0, 100, 50, 40, 1.0);
  g_assert_cmpfloat (flint_viewport_get_zoom (vp), ==, 1.0);

  /* Reveal scrolls the least: a rectangle to the right ends at the right edge. */
  flint_viewport_set_offset (vp, 0, 0);
  flint_viewport_reveal (vp, 900, 100, 200, 80, 0);
  flint_viewport_get_visible (vp, &x, &y, &w, &h);
  g_assert_cmpfloat_with_epsilon (x + w, 1100, 1e-9);
  g_assert_cmpfloat_with_epsilon (y, 0, 1e-9);
  /* Already in view: nothing moves. */
  flint_viewport_reveal (vp, 400, 100, 100, 100, 10);
  g_assert_cmpfloat_with_epsilon (flint_viewport_get_offset_x (vp), 300, 1e-9);
}

static void
test_curve_distance (void)
{
  double c[8];
  FlintRect bounds;

  flint_edge_curve (0, 0, 300, 100, c);
  /* Both ends and the middle (by symmetry at (150, 50)) lie on the curve. */
  g_assert_cmpfloat (flint_edge_curve_distance (c, 0, 0), <, 0.5);
  g_assert_cmpfloat (flint_edge_curve_distance (c, 300, 100), <, 0.5);
  g_assert_cmpfloat (flint_edge_curve_distance (c, 150, 50), <, 1.0);
  /* The chord is not the curve: its point at a quarter is well away from it. */
  g_assert_cmpfloat (flint_edge_curve_distance (c, 75, 25), >, 8.0);
  g_assert_cmpfloat (flint_edge_curve_distance (c, 150, 90), >, 30.0);

  flint_edge_curve_bounds (c, &bounds);
  g_assert_cmpfloat (bounds.x, <=, 0);
  g_assert_cmpfloat (bounds.x + bounds.width, >=, 300);
}

static void
test_grid (void)
{
  g_autoptr(FlintGrid) grid = flint_grid_new (100);
  g_autoptr(GPtrArray) out = g_ptr_array_new ();
  FlintRect a = { 10, 10, 50, 50 }, b = { 950, 950, 300, 300 }, huge = { -1e5, 0, 2e5, 10 };
  FlintRect probe = { 0, 0, 120, 120 }, far = { 5000, 5000, 10, 10 }, all = { -1e6, -1e6, 2e6, 2e6 };
  int ia, ib, ih;

  flint_grid_insert (grid, &ia, &a);
  flint_grid_insert (grid, &ib, &b);
  flint_grid_insert (grid, &ih, &huge);
  g_assert_cmpuint (flint_grid_get_n_items (grid), ==, 3);

  flint_grid_query (grid, &probe, out);
  g_assert_true (g_ptr_array_find (out, &ia, NULL));
  g_assert_false (g_ptr_array_find (out, &ib, NULL));
  /* The long item lives in the list every query returns. */
  g_assert_true (g_ptr_array_find (out, &ih, NULL));

  g_ptr_array_set_size (out, 0);
  flint_grid_query (grid, &far, out);
  g_assert_false (g_ptr_array_find (out, &ia, NULL));

  /* Each item once, however many cells it spans. */
  g_ptr_array_set_size (out, 0);
  flint_grid_query (grid, &all, out);
  g_assert_cmpuint (out->len, ==, 3);

  flint_grid_remove (grid, &ib, &b);
  flint_grid_remove (grid, &ih, &huge);
  g_ptr_array_set_size (out, 0);
  flint_grid_query (grid, &all, out);
  g_assert_cmpuint (out->len, ==, 1);
  g_assert_cmpuint (flint_grid_get_n_items (grid), ==, 1);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/viewport/conversions", test_conversions);
  g_test_add_func ("/viewport/zoom-at", test_zoom_at);
  g_test_add_func ("/viewport/fit-and-reveal", test_fit_and_reveal);
  g_test_add_func ("/geometry/curve-distance", test_curve_distance);
  g_test_add_func ("/geometry/grid", test_grid);

  return g_test_run ();
}
