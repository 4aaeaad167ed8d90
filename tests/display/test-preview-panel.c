/* test-preview-panel.c: previewing a node in the designer, on a real local Spark
 *
 * Opens customer-join with test rows for its sources, previews the join through the
 * window's action, and reads what the user reads: the Preview tab's table (column
 * headers with types, cells), its status line, the statistics, and the row counts the
 * canvas draws on the edges. Then a bad filter: the failure names the node. Skips
 * without FLINT_PYTHON. FLINT_PREVIEW_SCREENSHOT=FILE saves the window as PNG.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "flint-test"

#include "config.h"

#include <glib/gstdio.h>
#include <gtksourceview/gtksource.h>
#include <string.h>

#include "flint-application.h"
#include "flint-preview-panel.h"
#include "flint-window.h"
#include "designer/canvas/flint-canvas.h"

static FlintApplication *app;
static char *tmp_dir;

static gboolean
wait_for (gboolean (*check) (gpointer),
          gpointer  data,
          guint     seconds)
{
  gint64 deadline = g_get_monotonic_time () + seconds * G_USEC_PER_SEC;

  while (!check (data))
    {
      if (g_get_monotonic_time () > deadline)
        return FALSE;
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
  return TRUE;
}

static void
settle (guint ms)
{
  gint64 end = g_get_monotonic_time () + ms * 1000;

  while (g_get_monotonic_time () < end)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
}

static gboolean
check_page_pipeline (gpointer data)
{
  return g_strcmp0 (flint_window_get_page (data), "pipeline") == 0;
}

static gboolean
check_preview_done (gpointer data)
{
  const char *page = flint_preview_panel_get_page (data);

  return !flint_preview_panel_is_running (data) && (g_strcmp0 (page, "rows") == 0 || g_strcmp0 (page, "error") == 0);
}

static gboolean
check_preview_error (gpointer data)
{
  return g_strcmp0 (flint_preview_panel_get_page (data), "error") == 0;
}

static GFile *
example_with_samples (void)
{
  g_autofree char *src = g_build_filename (g_getenv ("FLINT_SOURCE_ROOT"), "data", "examples",
                                           "customer-join.flint.yaml", NULL);
  g_autofree char *dst = g_build_filename (tmp_dir, "customer-join.flint.yaml", NULL);
  g_autofree char *contents = NULL;
  g_autoptr(GString) text = NULL;

  g_assert_true (g_file_get_contents (src, &contents, NULL, NULL));
  text = g_string_new (contents);
  g_assert_cmpuint (g_string_replace (text, "  targets:\n",
    "  preview:\n"
    "    samples:\n"
    "      customers:\n"
    "        - {customer_id: 1, name: Ada, age: 36, country: UK}\n"
    "        - {customer_id: 2, name: Bo, age: 12, country: null}\n"
    "        - {customer_id: 3, name: Cy, age: 51, country: FR}\n"
    "      orders:\n"
    "        - {order_id: 10, customer_id: 1, amount: 12.5, ordered_at: \"2024-05-01 10:00:00\"}\n"
    "        - {order_id: 11, customer_id: 2, amount: 3.99, ordered_at: \"2024-05-02 11:30:00\"}\n"
    "        - {order_id: 12, customer_id: 3, amount: 100, ordered_at: \"2024-05-03 09:15:00\"}\n"
    "  targets:\n", 1), ==, 1);
  g_assert_true (g_file_set_contents (dst, text->str, -1, NULL));
  return g_file_new_for_path (dst);
}

static char *
column_title (GtkColumnView *view,
              guint          position)
{
  g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (gtk_column_view_get_columns (view), position);

  return g_strdup (gtk_column_view_column_get_title (column));
}

/* The labels the table shows, in the order GTK lays them out (rows, then columns). */
static void
collect_labels (GtkWidget *widget,
                GPtrArray *texts)
{
  if (GTK_IS_LABEL (widget) && gtk_widget_has_css_class (widget, "flint-preview-cell") && gtk_widget_get_mapped (widget))
    g_ptr_array_add (texts, g_strdup (gtk_label_get_text (GTK_LABEL (widget))));
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    collect_labels (child, texts);
}

static AdwStatusPage *
find_status_page (GtkWidget *widget)
{
  if (ADW_IS_STATUS_PAGE (widget) && gtk_widget_get_mapped (widget))
    return ADW_STATUS_PAGE (widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      AdwStatusPage *found = find_status_page (child);
      if (found)
        return found;
    }
  return NULL;
}

static void
save_screenshot (GtkWidget *widget)
{
  const char *path = g_getenv ("FLINT_PREVIEW_SCREENSHOT");
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  GskRenderer *renderer;

  if (path == NULL)
    return;
  paintable = gtk_widget_paintable_new (widget);
  gdk_paintable_snapshot (paintable, snapshot, gtk_widget_get_width (widget), gtk_widget_get_height (widget));
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  renderer = gtk_native_get_renderer (gtk_widget_get_native (widget));
  texture = gsk_renderer_render_texture (renderer, node, NULL);
  gdk_texture_save_to_png (texture, path);
}

static void
test_preview_join (void)
{
  g_autoptr(GFile) file = example_with_samples ();
  FlintWindow *window = flint_window_new (app);
  FlintPreviewPanel *panel;
  FlintCanvas *canvas;
  GtkColumnView *table;
  g_autoptr(GPtrArray) texts = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *first = NULL;
  g_autofree char *third = NULL;
  g_autofree char *cell = NULL;
  GListModel *edges;
  gint64 started;

  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 800);
  gtk_window_present (GTK_WINDOW (window));
  flint_window_open (window, file);
  g_assert_true (wait_for (check_page_pipeline, window, 10));
  panel = FLINT_PREVIEW_PANEL (flint_window_get_preview_panel (window));
  canvas = FLINT_CANVAS (flint_window_get_canvas (window));
  g_assert_cmpstr (flint_preview_panel_get_page (panel), ==, "empty");

  /* The window's action, as F5 or the header's button run it, on the selected node. */
  flint_window_select_node (window, "orders_with_customers");
  started = g_get_monotonic_time ();
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.preview", NULL));
  /* The window keeps drawing while Spark starts. */
  g_assert_cmpstr (flint_preview_panel_get_page (panel), ==, "running");
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (panel)));
  g_assert_true (wait_for (check_preview_done, panel, 600));
  g_test_message ("first preview in the designer: %.1f s", (g_get_monotonic_time () - started) / 1e6);
  g_assert_cmpstr (flint_preview_panel_get_page (panel), ==, "rows");

  table = flint_preview_panel_get_table (panel);
  g_assert_cmpuint (g_list_model_get_n_items (gtk_column_view_get_columns (table)), ==, 7);
  first = column_title (table, 0);
  third = column_title (table, 2);
  g_assert_cmpstr (first, ==, "order_id · bigint");
  g_assert_cmpstr (third, ==, "amount · decimal(12,2)");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (gtk_column_view_get_model (table))), ==, 2);
  cell = flint_preview_panel_dup_cell (panel, 1, 2);
  g_assert_cmpstr (cell, ==, "100.00");
  g_assert_true (g_str_has_prefix (flint_preview_panel_get_status (panel), "2 rows · 4 nodes ran"));

  /* The cells as drawn. */
  settle (200);
  collect_labels (GTK_WIDGET (table), texts);
  g_assert_cmpuint (texts->len, ==, 14);
  g_assert_cmpstr (g_ptr_array_index (texts, 0), ==, "10");
  g_assert_cmpstr (g_ptr_array_index (texts, 4), ==, "Ada");
  g_assert_cmpstr (g_ptr_array_index (texts, 9), ==, "100.00");

  /* The counts on the edges. */
  edges = flint_pipeline_get_edges (flint_window_get_pipeline (window));
  for (guint i = 0; i < g_list_model_get_n_items (edges); i++)
    {
      g_autoptr(FlintEdge) edge = g_list_model_get_item (edges, i);
      const char *from = flint_edge_get_from_node (edge);
      const char *label = flint_canvas_get_edge_label (canvas, edge);

      if (g_str_equal (from, "customers"))
        g_assert_cmpstr (label, ==, "3 rows");
      else if (g_str_equal (from, "adults"))
        g_assert_cmpstr (label, ==, "2 rows");
      else if (g_str_equal (from, "orders"))
        g_assert_cmpstr (label, ==, "3 rows");
      else if (g_str_equal (from, "orders_with_customers"))
        g_assert_cmpstr (label, ==, "2 rows");
    }
  save_screenshot (GTK_WIDGET (window));

  /* Again, unchanged: everything from the worker's cache. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.preview", NULL));
  g_assert_true (wait_for (check_preview_done, panel, 60));
  g_assert_true (g_str_has_prefix (flint_preview_panel_get_status (panel), "2 rows · all from cache"));

  /* A filter Spark cannot run: the failure names the node, and leads to it. */
  flint_node_set_string (flint_pipeline_lookup_node (flint_window_get_pipeline (window), "adults"),
                         "condition", "cast(name AS int) > 0");
  flint_window_preview_node (window, "orders_with_customers");
  g_assert_true (wait_for (check_preview_error, panel, 120));
  flint_window_select_node (window, NULL);
  {
    AdwStatusPage *page = find_status_page (GTK_WIDGET (panel));

    g_assert_nonnull (page);
    g_assert_cmpstr (adw_status_page_get_title (page), ==, "Failed at Adults");
    g_assert_true (g_str_has_prefix (adw_status_page_get_description (page), "[CAST_INVALID_INPUT]"));
  }
  g_signal_emit_by_name (panel, "reveal-node", "adults");
  g_assert_cmpstr (flint_window_get_selected (window), ==, "adults");

  gtk_window_destroy (GTK_WINDOW (window));
  settle (100);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int result;

  tmp_dir = g_dir_make_tmp ("flint-test-preview-XXXXXX", NULL);
  g_setenv ("XDG_STATE_HOME", tmp_dir, TRUE);
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  g_setenv ("GSK_RENDERER", "cairo", TRUE);

  g_test_init (&argc, &argv, NULL);
  if (g_getenv ("FLINT_PYTHON") == NULL || *g_getenv ("FLINT_PYTHON") == '\0')
    {
      g_test_message ("FLINT_PYTHON is not set: ./flint-dev test sets it");
      return 77;
    }
  gtk_init ();
  adw_init ();
  gtk_source_init ();

  app = flint_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE | G_APPLICATION_HANDLES_OPEN);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_assert_no_error (error);

  g_test_add_func ("/preview-panel/join", test_preview_join);
  result = g_test_run ();

  g_object_unref (app);
  return result;
}
