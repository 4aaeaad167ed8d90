/* test-samples.c: editing a source's preview sample rows from the inspector
 *
 * Opens customer-join, selects the Customers source, opens "Edit…" in its Sample Rows
 * group, types two rows of CSV (one with a quoted comma, one with empty fields) and
 * applies: the job setting holds typed JSON and the inspector counts the rows. Undo takes
 * them away; a row with a word in a number column or too few fields keeps the dialog open
 * with the line named. FLINT_SAMPLES_SCREENSHOT=FILE saves the dialog showing its error,
 * FLINT_SAMPLES_WINDOW_SCREENSHOT=FILE the window with the rows counted.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "flint-test"

#include "config.h"

#include <gtksourceview/gtksource.h>
#include <string.h>

#include "flint-application.h"
#include "flint-samples-dialog.h"
#include "flint-window.h"

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

static GtkWidget *
find_named (GtkWidget  *widget,
            const char *name)
{
  if (g_strcmp0 (gtk_widget_get_name (widget), name) == 0 && gtk_widget_get_mapped (widget))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_named (child, name);
      if (found)
        return found;
    }
  return NULL;
}

static FlintSamplesDialog *
find_dialog (void)
{
  g_autoptr (GList) toplevels = gtk_window_list_toplevels ();

  for (GList *l = toplevels; l != NULL; l = l->next)
    if (FLINT_IS_SAMPLES_DIALOG (l->data) && gtk_widget_get_visible (l->data))
      return l->data;
  return NULL;
}

static gboolean
check_dialog (gpointer data)
{
  return find_dialog () != NULL;
}

static gboolean
check_no_dialog (gpointer data)
{
  return find_dialog () == NULL;
}

/* What the user reads under "Rows" in the inspector. */
static const char *
samples_subtitle (FlintWindow *window)
{
  GtkWidget *row = find_named (flint_window_get_inspector (window), "samples");

  g_assert_nonnull (row);
  return adw_action_row_get_subtitle (ADW_ACTION_ROW (row));
}

static FlintSamplesDialog *
open_editor (FlintWindow *window)
{
  GtkWidget *edit = find_named (flint_window_get_inspector (window), "samples-edit");

  g_assert_nonnull (edit);
  g_signal_emit_by_name (edit, "clicked");
  g_assert_true (wait_for (check_dialog, NULL, 10));
  settle (100);
  return find_dialog ();
}

static char *
dup_samples_json (FlintWindow *window)
{
  JsonNode *node = flint_pipeline_get_job_setting (flint_window_get_pipeline (window),
                                                   "preview.samples.customers");

  return node != NULL ? json_to_string (node, FALSE) : NULL;
}

static void
save_screenshot (GtkWidget  *widget,
                 const char *variable)
{
  const char *path = g_getenv (variable);
  g_autoptr (GdkPaintable) paintable = NULL;
  g_autoptr (GtkSnapshot) snapshot = gtk_snapshot_new ();
  g_autoptr (GskRenderNode) node = NULL;
  g_autoptr (GdkTexture) texture = NULL;

  if (path == NULL)
    return;
  paintable = gtk_widget_paintable_new (widget);
  gdk_paintable_snapshot (paintable, snapshot, gtk_widget_get_width (widget), gtk_widget_get_height (widget));
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  g_assert_nonnull (node);
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (widget)), node, NULL);
  gdk_texture_save_to_png (texture, path);
}

static void
test_samples_edit (void)
{
  g_autofree char *path = g_build_filename (g_getenv ("FLINT_SOURCE_ROOT"), "data", "examples",
                                            "customer-join.flint.yaml", NULL);
  g_autoptr (GFile) file = g_file_new_for_path (path);
  FlintWindow *window = flint_window_new (app);
  FlintHistory *history;
  FlintSamplesDialog *dialog;
  g_autofree char *csv = NULL;
  g_autofree char *json = NULL;
  GtkTextIter start, end;

  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 800);
  gtk_window_present (GTK_WINDOW (window));
  flint_window_open (window, file);
  g_assert_true (wait_for (check_page_pipeline, window, 10));
  history = flint_window_get_history (window);

  flint_window_select_node (window, "customers");
  settle (200);
  g_assert_cmpstr (samples_subtitle (window), ==, "None");
  /* A transform has no sample rows. */
  flint_window_select_node (window, "adults");
  settle (200);
  g_assert_null (find_named (flint_window_get_inspector (window), "samples"));
  flint_window_select_node (window, "customers");
  settle (200);

  /* The editor starts with the declared columns as its header. */
  dialog = open_editor (window);
  gtk_text_buffer_get_bounds (flint_samples_dialog_get_buffer (dialog), &start, &end);
  csv = gtk_text_buffer_get_text (flint_samples_dialog_get_buffer (dialog), &start, &end, FALSE);
  g_assert_cmpstr (csv, ==, "customer_id,name,age,country\n");

  gtk_text_buffer_set_text (flint_samples_dialog_get_buffer (dialog),
                            "customer_id,name,age,country\n"
                            "1,\"Lovelace, Ada\",36,UK\n"
                            "2,Bo,,\n", -1);
  g_assert_true (gtk_widget_activate (find_named (GTK_WIDGET (dialog), "apply")));
  g_assert_true (wait_for (check_no_dialog, NULL, 10));
  json = dup_samples_json (window);
  g_assert_cmpstr (json, ==,
                   "[{\"customer_id\":1,\"name\":\"Lovelace, Ada\",\"age\":36,\"country\":\"UK\"},"
                   "{\"customer_id\":2,\"name\":\"Bo\",\"age\":null,\"country\":null}]");
  settle (100);
  g_assert_cmpstr (samples_subtitle (window), ==, "2 rows");
  if (g_getenv ("FLINT_SAMPLES_WINDOW_SCREENSHOT") != NULL)
    {
      GtkWidget *row = find_named (flint_window_get_inspector (window), "samples");
      GtkWidget *scrolled = gtk_widget_get_ancestor (row, GTK_TYPE_SCROLLED_WINDOW);
      GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scrolled));
      graphene_rect_t bounds;

      g_assert_true (gtk_widget_compute_bounds (row, gtk_scrolled_window_get_child (GTK_SCROLLED_WINDOW (scrolled)), &bounds));
      gtk_adjustment_set_value (adjustment, bounds.origin.y - 80);
      gtk_widget_queue_draw (GTK_WIDGET (window));
      settle (500);
      save_screenshot (GTK_WIDGET (window), "FLINT_SAMPLES_WINDOW_SCREENSHOT");
    }

  /* Opening again shows the rows as CSV. */
  dialog = open_editor (window);
  g_clear_pointer (&csv, g_free);
  gtk_text_buffer_get_bounds (flint_samples_dialog_get_buffer (dialog), &start, &end);
  csv = gtk_text_buffer_get_text (flint_samples_dialog_get_buffer (dialog), &start, &end, FALSE);
  g_assert_cmpstr (csv, ==, "customer_id,name,age,country\n1,\"Lovelace, Ada\",36,UK\n2,Bo,,\n");
  gtk_window_close (GTK_WINDOW (dialog));
  g_assert_true (wait_for (check_no_dialog, NULL, 10));

  /* It undoes as one edit. */
  g_assert_true (flint_history_undo (history));
  settle (100);
  g_assert_null (dup_samples_json (window));
  g_assert_cmpstr (samples_subtitle (window), ==, "None");

  /* Bad rows: the dialog stays, names the line, and nothing changes. */
  dialog = open_editor (window);
  gtk_text_buffer_set_text (flint_samples_dialog_get_buffer (dialog),
                            "customer_id,name,age,country\n"
                            "1,Ada,36,UK\n"
                            "2,Bo,twelve,\n", -1);
  g_assert_null (flint_samples_dialog_get_error (dialog));
  g_assert_false (flint_samples_dialog_apply (dialog));
  g_assert_cmpstr (flint_samples_dialog_get_error (dialog), ==,
                   "Line 3: “twelve” in age is not a whole number");
  settle (300);
  save_screenshot (GTK_WIDGET (dialog), "FLINT_SAMPLES_SCREENSHOT");
  gtk_text_buffer_set_text (flint_samples_dialog_get_buffer (dialog),
                            "customer_id,name,age,country\n"
                            "\n"
                            "1,\"Ada, \"\"the first\"\"\",36\n", -1);
  /* Typing takes the old error away. */
  g_assert_null (flint_samples_dialog_get_error (dialog));
  g_assert_false (flint_samples_dialog_apply (dialog));
  g_assert_cmpstr (flint_samples_dialog_get_error (dialog), ==,
                   "Line 3: 3 fields where the header has 4");
  g_assert_nonnull (find_dialog ());
  g_assert_null (dup_samples_json (window));

  /* Fixed, it applies; Remove clears the rows, and that undoes too. */
  gtk_text_buffer_set_text (flint_samples_dialog_get_buffer (dialog),
                            "customer_id,name,age,country\n"
                            "1,\"Ada, \"\"the first\"\"\",36,\"\"\n", -1);
  /* Ctrl+Return applies, as the Apply button does. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "samples.apply", NULL));
  g_assert_true (wait_for (check_no_dialog, NULL, 10));
  g_clear_pointer (&json, g_free);
  json = dup_samples_json (window);
  g_assert_cmpstr (json, ==,
                   "[{\"customer_id\":1,\"name\":\"Ada, \\\"the first\\\"\",\"age\":36,\"country\":\"\"}]");
  settle (100);
  g_assert_cmpstr (samples_subtitle (window), ==, "1 row");
  g_signal_emit_by_name (find_named (flint_window_get_inspector (window), "samples-remove"), "clicked");
  g_assert_null (dup_samples_json (window));
  g_assert_true (flint_history_undo (history));
  g_clear_pointer (&json, g_free);
  json = dup_samples_json (window);
  g_assert_nonnull (json);

  gtk_window_destroy (GTK_WINDOW (window));
  settle (100);
}

/* The other source: decimals and timestamps, typed by the declared schema. */
static void
test_samples_types (void)
{
  g_autoptr (FlintSchema) schema = NULL;
  g_autoptr (JsonNode) rows = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *json = NULL;
  g_autofree char *csv = NULL;

  const char *columns[][2] = {
    { "order_id", "long" }, { "amount", "decimal(12,2)" }, { "paid", "boolean" }, { "ordered_at", "timestamp" },
  };

  schema = flint_schema_new ();
  for (guint i = 0; i < G_N_ELEMENTS (columns); i++)
    {
      g_autoptr (FlintDataType) type = flint_data_type_parse (columns[i][1], &error);

      g_assert_no_error (error);
      flint_schema_set_column (schema, columns[i][0], type, TRUE);
    }
  rows = flint_samples_parse_csv ("order_id,amount,paid,ordered_at\r\n"
                                  "10,12.50,true,2024-05-01 10:00:00\r\n"
                                  "11,100,FALSE,\r\n", schema, &error);
  g_assert_no_error (error);
  json = json_to_string (rows, FALSE);
  g_assert_cmpstr (json, ==,
                   "[{\"order_id\":10,\"amount\":12.5,\"paid\":true,\"ordered_at\":\"2024-05-01 10:00:00\"},"
                   "{\"order_id\":11,\"amount\":100,\"paid\":false,\"ordered_at\":null}]");
  csv = flint_samples_to_csv (schema, rows);
  g_assert_cmpstr (csv, ==, "order_id,amount,paid,ordered_at\n"
                            "10,12.5,true,2024-05-01 10:00:00\n"
                            "11,100,false,\n");

  g_assert_null (flint_samples_parse_csv ("order_id,amount,paid,ordered_at\n10,12.5e,true,x\n", schema, &error));
  g_assert_cmpstr (error->message, ==, "Line 2: “12.5e” in amount is not a number");
  g_clear_error (&error);
  g_assert_null (flint_samples_parse_csv ("order_id,amount,paid,ordered_at\n10,1,yes,x\n", schema, &error));
  g_assert_cmpstr (error->message, ==, "Line 2: “yes” in paid is not true or false");
  g_clear_error (&error);
  g_assert_null (flint_samples_parse_csv ("order_id,amount\n\"10,1\n", schema, &error));
  g_assert_cmpstr (error->message, ==, "Line 2: a quoted field is not closed");
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr (GError) error = NULL;
  int result;

  tmp_dir = g_dir_make_tmp ("flint-test-samples-XXXXXX", NULL);
  g_setenv ("XDG_STATE_HOME", tmp_dir, TRUE);
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  g_setenv ("GSK_RENDERER", "cairo", TRUE);

  g_test_init (&argc, &argv, NULL);
  gtk_init ();
  adw_init ();
  gtk_source_init ();

  app = flint_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE | G_APPLICATION_HANDLES_OPEN);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_assert_no_error (error);

  g_test_add_func ("/samples/edit", test_samples_edit);
  g_test_add_func ("/samples/types", test_samples_types);
  result = g_test_run ();

  g_object_unref (app);
  return result;
}
