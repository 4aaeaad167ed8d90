/* test-window.c: the designer window, driven through its widgets under Xvfb
 *
 * Each test opens a copy of a bundled example in a real window and checks what a user
 * would see: the nodes, the inspector's inline messages, the problems list, the code view
 * and the files the window writes.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "flint-test"

#include "config.h"

#include <glib/gstdio.h>
#include <gtksourceview/gtksource.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "flint-application.h"
#include "flint-code-view.h"
#include "flint-inspector.h"
#include "flint-job-page.h"
#include "flint-palette.h"
#include "flint-preview-panel.h"
#include "flint-problems.h"
#include "flint-window.h"
#include "runtime/flint-paths.h"

static FlintApplication *app;
static char *tmp_dir;

/* Runs the main loop until @check is true or 10 s pass. */
static gboolean
wait_for (gboolean (*check) (gpointer),
          gpointer  data)
{
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  while (!check (data))
    {
      if (g_get_monotonic_time () > deadline)
        return FALSE;
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }

  return TRUE;
}

static gboolean
check_page_pipeline (gpointer data)
{
  return g_strcmp0 (flint_window_get_page (data), "pipeline") == 0;
}

/* Lets idles and short timers (validation, the 300 ms code debounce) run. */
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

/* A bundled example, copied to @dst. */
static GFile *
copy_example_to (const char *name,
                 const char *dst)
{
  g_autofree char *src = g_build_filename (g_getenv ("FLINT_SOURCE_ROOT"), "data", "examples",
                                           name, NULL);
  g_autofree char *contents = NULL;
  gsize length;

  g_assert_true (g_file_get_contents (src, &contents, &length, NULL));
  g_assert_true (g_file_set_contents (dst, contents, length, NULL));

  return g_file_new_for_path (dst);
}

static GFile *
copy_example (const char *name)
{
  g_autofree char *dst = g_build_filename (tmp_dir, name, NULL);

  return copy_example_to (name, dst);
}

static FlintWindow *
open_window (GFile *file)
{
  FlintWindow *window = flint_window_new (app);

  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 800);
  gtk_window_present (GTK_WINDOW (window));
  flint_window_open (window, file);
  g_assert_true (wait_for (check_page_pipeline, window));
  settle (100);

  return window;
}

static void
destroy_window (FlintWindow *window)
{
  gtk_window_destroy (GTK_WINDOW (window));
  settle (50);
}

static JsonNode *
string_node (const char *text)
{
  JsonNode *node = json_node_new (JSON_NODE_VALUE);

  json_node_set_string (node, text);

  return node;
}

typedef gboolean (*WidgetMatch) (GtkWidget     *widget,
                                 gconstpointer  data);

/* The first widget under @widget, itself included, that @match takes, depth first. */
static GtkWidget *
find_widget (GtkWidget     *widget,
             WidgetMatch    match,
             gconstpointer  data)
{
  if (match (widget, data))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_widget (child, match, data);

      if (found != NULL)
        return found;
    }

  return NULL;
}

static gboolean
is_named (GtkWidget     *widget,
          gconstpointer  name)
{
  return g_strcmp0 (gtk_widget_get_name (widget), name) == 0;
}

static GtkWidget *
find_named (GtkWidget  *widget,
            const char *name)
{
  return find_widget (widget, is_named, name);
}

/* A row the user sees, with this title. */
static gboolean
is_shown_row_titled (GtkWidget     *widget,
                     gconstpointer  title)
{
  return ADW_IS_ACTION_ROW (widget) && gtk_widget_get_mapped (widget)
         && g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget)), title) == 0;
}

/* The spin button of the row titled @title that the user sees under @widget. */
static GtkSpinButton *
find_shown_spin (GtkWidget  *widget,
                 const char *title)
{
  GtkWidget *row = find_widget (widget, is_shown_row_titled, title);

  g_assert_nonnull (row);

  return GTK_SPIN_BUTTON (adw_action_row_get_activatable_widget (ADW_ACTION_ROW (row)));
}

static gboolean
is_shown_status_titled (GtkWidget     *widget,
                        gconstpointer  title)
{
  return ADW_IS_STATUS_PAGE (widget) && gtk_widget_get_mapped (widget)
         && g_strcmp0 (adw_status_page_get_title (ADW_STATUS_PAGE (widget)), title) == 0;
}

static gboolean
is_list_view (GtkWidget     *widget,
              gconstpointer  data)
{
  return GTK_IS_LIST_VIEW (widget);
}

/* A document that loads at once replaces the loading page without fading in: the first
 * frame that shows it shows it whole. */
static void
test_open_without_fade (void)
{
  g_autoptr (GFile) file = copy_example ("customer-join.flint.yaml");
  FlintWindow *window = flint_window_new (app);
  GtkStack *stack;

  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 800);
  gtk_window_present (GTK_WINDOW (window));
  settle (50);
  flint_window_open (window, file);
  g_assert_true (wait_for (check_page_pipeline, window));
  stack = GTK_STACK (gtk_widget_get_ancestor (flint_window_get_canvas (window), GTK_TYPE_STACK));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (stack), ==, "pipeline");
  g_assert_false (gtk_stack_get_transition_running (stack));

  destroy_window (window);
}

/* The window opens an example and shows its nodes, its code and no problems. */
static void
test_open_example (void)
{
  g_autoptr (GFile) file = copy_example ("customer-join.flint.yaml");
  FlintWindow *window = open_window (file);
  FlintPipeline *pipeline = flint_window_get_pipeline (window);
  FlintProblems *problems = FLINT_PROBLEMS (flint_window_get_problems (window));
  g_autofree char *summary = NULL;
  g_autofree char *python = NULL;

  g_assert_nonnull (pipeline);
  g_assert_cmpuint (flint_pipeline_get_n_nodes (pipeline), ==, 5);
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==, "customer-join");
  g_assert_true (gtk_widget_get_mapped (flint_window_get_canvas (window)));

  summary = flint_problems_dup_summary (problems);
  g_assert_cmpstr (summary, ==, "No problems");
  g_assert_cmpuint (flint_problems_get_n_rows (problems), ==, 0);

  python = flint_code_view_dup_text (FLINT_CODE_VIEW (flint_window_get_code_view (window)),
                                     FLINT_CODE_TAB_PYTHON);
  g_assert_nonnull (strstr (python, "def adults("));
  g_assert_nonnull (strstr (python, "def orders_by_country("));

  destroy_window (window);
}

static gboolean
check_message_set (gpointer data)
{
  return flint_inspector_get_message (data, "params.condition") != NULL;
}

static gboolean
check_message_clear (gpointer data)
{
  return flint_inspector_get_message (data, "params.condition") == NULL;
}

typedef struct
{
  FlintProblems *problems;
  guint          n;
} RowsCheck;

static gboolean
check_rows (gpointer data)
{
  RowsCheck *check = data;

  return flint_problems_get_n_rows (check->problems) == check->n;
}

static void
assert_problem_rows (FlintProblems *problems,
                     guint          n)
{
  RowsCheck check = { problems, n };

  if (!wait_for (check_rows, &check))
    g_assert_cmpuint (flint_problems_get_n_rows (problems), ==, n);
}

static void
apply_entry (GtkWidget  *row,
             const char *text)
{
  gtk_editable_set_text (GTK_EDITABLE (row), text);
  g_signal_emit_by_name (row, "apply");
}

/* A wrong column typed into the inspector shows its message under the row and in the
 * problems list; typing the right one clears both; undo brings the wrong one back. */
static void
test_inspector_error_inline (void)
{
  g_autoptr (GFile) file = copy_example ("customer-join.flint.yaml");
  FlintWindow *window = open_window (file);
  FlintInspector *inspector = FLINT_INSPECTOR (flint_window_get_inspector (window));
  FlintProblems *problems = FLINT_PROBLEMS (flint_window_get_problems (window));
  FlintNode *adults = flint_pipeline_lookup_node (flint_window_get_pipeline (window), "adults");
  GtkWidget *row;
  const char *message;

  flint_window_select_node (window, "adults");
  settle (50);
  row = flint_inspector_get_row (inspector, "params.condition");
  g_assert_true (ADW_IS_ENTRY_ROW (row));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (row)), ==, "age >= 18");
  g_assert_true (gtk_widget_get_mapped (row));

  /* The input columns are listed. */
  g_assert_cmpuint (flint_inspector_get_n_columns (inspector, FALSE), ==, 4);

  apply_entry (row, "agee >= 18");
  g_assert_cmpstr (flint_node_get_string (adults, "condition"), ==, "agee >= 18");
  g_assert_true (wait_for (check_message_set, inspector));
  message = flint_inspector_get_message (inspector, "params.condition");
  g_assert_nonnull (strstr (message, "agee"));
  g_assert_true (gtk_widget_has_css_class (row, "error"));
  assert_problem_rows (problems, 1);
  g_assert_true (flint_window_is_modified (window));
  g_assert_true (g_str_has_prefix (gtk_window_get_title (GTK_WINDOW (window)), "• "));

  /* Activating the problem selects its node (another one is selected first). */
  flint_window_select_node (window, "customers");
  g_signal_emit_by_name (flint_problems_get_row (problems, 0), "activate");
  settle (50);
  g_assert_cmpstr (flint_window_get_selected (window), ==, "adults");
  g_assert_cmpstr (flint_inspector_get_node (inspector), ==, "adults");

  /* Fixed from the inspector. */
  row = flint_inspector_get_row (inspector, "params.condition");
  apply_entry (row, "age >= 18");
  g_assert_true (wait_for (check_message_clear, inspector));
  g_assert_false (gtk_widget_has_css_class (row, "error"));
  assert_problem_rows (problems, 0);

  /* Both edits undo, and the inspector shows the value again. */
  g_assert_true (flint_history_undo (flint_window_get_history (window)));
  settle (100);
  row = flint_inspector_get_row (inspector, "params.condition");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (row)), ==, "agee >= 18");
  g_assert_nonnull (flint_inspector_get_message (inspector, "params.condition"));

  destroy_window (window);
}

/* Editors by type: a switch for a boolean, a combo for an enum, records for a list. */
static void
test_inspector_editors (void)
{
  g_autoptr (GFile) file = copy_example ("customer-join.flint.yaml");
  FlintWindow *window = open_window (file);
  FlintInspector *inspector = FLINT_INSPECTOR (flint_window_get_inspector (window));
  FlintPipeline *pipeline = flint_window_get_pipeline (window);
  GtkWidget *row;
  GtkWidget *sw;

  flint_window_select_node (window, "customers");
  settle (50);
  row = flint_inspector_get_row (inspector, "params.header");
  g_assert_true (ADW_IS_ACTION_ROW (row));
  sw = adw_action_row_get_activatable_widget (ADW_ACTION_ROW (row));
  g_assert_true (GTK_IS_SWITCH (sw));
  g_assert_true (gtk_switch_get_active (GTK_SWITCH (sw)));
  gtk_switch_set_active (GTK_SWITCH (sw), FALSE);
  g_assert_false (json_node_get_boolean (flint_node_get_param (flint_pipeline_lookup_node (pipeline, "customers"), "header")));
  g_assert_true (ADW_IS_COMBO_ROW (flint_inspector_get_row (inspector, "params.mode")));

  /* The join's keys are records: their columns are chosen from each side's columns. */
  flint_window_select_node (window, "orders_with_customers");
  settle (50);
  row = flint_inspector_get_row (inspector, "params.keys.0.left");
  g_assert_true (ADW_IS_COMBO_ROW (row));
  g_assert_cmpstr (gtk_string_object_get_string (adw_combo_row_get_selected_item (ADW_COMBO_ROW (row))),
                   ==, "customer_id");

  /* The label edits through history. */
  apply_entry (flint_inspector_get_row (inspector, "label"), "Joined");
  g_assert_cmpstr (flint_node_get_label (flint_pipeline_lookup_node (pipeline, "orders_with_customers")),
                   ==, "Joined");
  g_assert_true (flint_history_undo (flint_window_get_history (window)));
  g_assert_cmpstr (flint_node_get_label (flint_pipeline_lookup_node (pipeline, "orders_with_customers")),
                   ==, "Orders with customers");

  destroy_window (window);
}

static int
spin_value (FlintJobPage *page,
            const char   *path)
{
  GtkWidget *row = flint_job_page_get_row (page, path);

  g_assert_true (ADW_IS_ACTION_ROW (row));

  return gtk_spin_button_get_value_as_int (
    GTK_SPIN_BUTTON (adw_action_row_get_activatable_widget (ADW_ACTION_ROW (row))));
}

/* The Preview tab makes its widgets when first shown (the first frame does not show it) and
 * then shows that there is no preview yet. */
static void
test_preview_tab (void)
{
  g_autoptr (GFile) file = copy_example ("customer-join.flint.yaml");
  FlintWindow *window = open_window (file);
  FlintPreviewPanel *panel = FLINT_PREVIEW_PANEL (flint_window_get_preview_panel (window));
  GtkNotebook *tabs = GTK_NOTEBOOK (gtk_widget_get_ancestor (GTK_WIDGET (panel), GTK_TYPE_NOTEBOOK));

  g_assert_false (gtk_widget_get_mapped (GTK_WIDGET (panel)));
  g_assert_null (gtk_widget_get_first_child (GTK_WIDGET (panel)));

  gtk_notebook_set_current_page (tabs, gtk_notebook_page_num (tabs, GTK_WIDGET (panel)));
  settle (50);
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (panel)));
  g_assert_nonnull (gtk_widget_get_first_child (GTK_WIDGET (panel)));
  g_assert_cmpstr (flint_preview_panel_get_page (panel), ==, "empty");
  g_assert_nonnull (find_widget (GTK_WIDGET (panel), is_shown_status_titled, "No Preview Yet"));

  destroy_window (window);
}

/* The Job page shows the document's settings and edits them through history. It builds its
 * rows after the window's first frame; whether hidden or shown, it always shows the
 * document as it is now, also after changes made while it was hidden. */
static void
test_job_page (void)
{
  g_autoptr (GFile) file = copy_example ("customer-join.flint.yaml");
  FlintWindow *window = open_window (file);
  FlintJobPage *page = FLINT_JOB_PAGE (flint_window_get_job_page (window));
  FlintHistory *history = flint_window_get_history (window);
  FlintPipeline *pipeline = flint_window_get_pipeline (window);
  AdwViewStack *stack;
  GtkWidget *spin;
  JsonNode *value = json_node_new (JSON_NODE_VALUE);

  /* The Node tab is shown; the Job page answers anyway. */
  g_assert_false (gtk_widget_get_mapped (GTK_WIDGET (page)));
  g_assert_cmpint (spin_value (page, "executor.instances"), ==, 2);

  /* A change while hidden (an undo, the inspector, a paste) shows when the page does. */
  json_node_set_int (value, 7);
  g_assert_true (flint_history_set_job_setting (history, "executor.instances", value, NULL));
  stack = ADW_VIEW_STACK (gtk_widget_get_ancestor (GTK_WIDGET (page), ADW_TYPE_VIEW_STACK));
  adw_view_stack_set_visible_child_name (stack, "job");
  /* Shown at once, without a frame of the old rows. */
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (page)));
  g_assert_cmpint (gtk_spin_button_get_value_as_int (find_shown_spin (GTK_WIDGET (page),
                                                                       "Instances")), ==, 7);

  /* Editing the shown page edits the document, one undoable step. */
  spin = adw_action_row_get_activatable_widget (
    ADW_ACTION_ROW (flint_job_page_get_row (page, "executor.cores")));
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (spin), 5);
  g_assert_cmpint (json_node_get_int (flint_pipeline_get_job_setting (pipeline, "executor.cores")),
                   ==, 5);
  g_assert_true (flint_history_undo (history));
  settle (50);
  g_assert_cmpint (json_node_get_int (flint_pipeline_get_job_setting (pipeline, "executor.cores")),
                   ==, 2);
  g_assert_cmpint (spin_value (page, "executor.cores"), ==, 2);

  destroy_window (window);
}

static gboolean
check_top_reached (gpointer data)
{
  FlintCodeView *view = data;
  guint first;
  guint top = flint_code_view_get_top_line (view, FLINT_CODE_TAB_SCALA);

  return flint_code_view_get_highlight (view, FLINT_CODE_TAB_SCALA, &first, NULL)
         && top <= first && first < top + 5;
}

/* Selecting a node highlights its function and scrolls the code to it. */
static void
test_code_view_reveal (void)
{
  g_autoptr (GFile) file = copy_example ("customer-join.flint.yaml");
  FlintWindow *window = open_window (file);
  FlintCodeView *view = FLINT_CODE_VIEW (flint_window_get_code_view (window));
  g_autofree char *python = NULL;
  g_auto (GStrv) lines = NULL;
  guint first;
  guint last;

  flint_code_view_set_tab (view, FLINT_CODE_TAB_SCALA);
  settle (200);
  g_assert_cmpuint (flint_code_view_get_top_line (view, FLINT_CODE_TAB_SCALA), ==, 1);
  flint_window_select_node (window, "orders_by_country");
  g_assert_true (flint_code_view_get_highlight (view, FLINT_CODE_TAB_SCALA, &first, &last));
  python = flint_code_view_dup_text (view, FLINT_CODE_TAB_SCALA);
  lines = g_strsplit (python, "\n", -1);
  g_assert_cmpuint (first, <, last);
  g_assert_true (g_str_has_prefix (g_strchug (lines[first - 1]), "def ordersByCountry("));
  g_assert_true (wait_for (check_top_reached, view));

  /* The YAML tab highlights the node's entry. */
  g_assert_true (flint_code_view_get_highlight (view, FLINT_CODE_TAB_YAML, &first, NULL));
  g_clear_pointer (&python, g_free);
  g_clear_pointer (&lines, g_strfreev);
  python = flint_code_view_dup_text (view, FLINT_CODE_TAB_YAML);
  lines = g_strsplit (python, "\n", -1);
  g_assert_nonnull (strstr (lines[first - 1], "id: orders_by_country"));

  /* An edit regenerates the code after the debounce. */
  flint_history_set_param (flint_window_get_history (window), "orders_by_country", "path",
                           string_node ("out/elsewhere/"), NULL);
  settle (FLINT_CODE_VIEW_DEBOUNCE_MS + 200);
  g_clear_pointer (&python, g_free);
  python = flint_code_view_dup_text (view, FLINT_CODE_TAB_PYTHON);
  g_assert_nonnull (strstr (python, "out/elsewhere/"));

  destroy_window (window);
}

static GtkWidget *
find_message_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr (GObject) window = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (window) && gtk_widget_get_visible (GTK_WIDGET (window)))
        return GTK_WIDGET (window);
    }

  return NULL;
}

/* As a click does: the response, then the dialog goes away. */
static void
respond (GtkWidget  *dialog,
         const char *response)
{
  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &dialog);
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), response);
  if (dialog != NULL)
    gtk_window_destroy (GTK_WINDOW (dialog));
}

static gboolean
check_dialog (gpointer data)
{
  return find_message_dialog () != NULL;
}

static gboolean
check_weak_gone (gpointer data)
{
  return *(gpointer *) data == NULL;
}

/* Closing with unsaved changes asks; Cancel keeps the window, Save writes and closes. */
static void
test_unsaved_prompt (void)
{
  g_autoptr (GFile) file = copy_example ("customer-join.flint.yaml");
  FlintWindow *window = open_window (file);
  GtkWidget *dialog;
  g_autofree char *contents = NULL;

  g_object_add_weak_pointer (G_OBJECT (window), (gpointer *) &window);
  g_assert_true (flint_history_set_param (flint_window_get_history (window), "adults", "condition",
                                          string_node ("age >= 21"), NULL));

  gtk_window_close (GTK_WINDOW (window));
  g_assert_true (wait_for (check_dialog, NULL));
  dialog = find_message_dialog ();
  g_assert_cmpstr (adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (dialog)), ==, "Save Changes?");
  g_assert_true (adw_message_dialog_has_response (ADW_MESSAGE_DIALOG (dialog), "discard"));
  respond (dialog, "cancel");
  settle (50);
  g_assert_null (find_message_dialog ());
  g_assert_nonnull (window);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (window)));

  gtk_window_close (GTK_WINDOW (window));
  g_assert_true (wait_for (check_dialog, NULL));
  dialog = find_message_dialog ();
  respond (dialog, "save");
  g_assert_true (wait_for (check_weak_gone, &window));

  g_assert_true (g_file_load_contents (file, NULL, &contents, NULL, NULL, NULL));
  g_assert_nonnull (strstr (contents, "condition: age >= 21"));
}

/* Discard closes without writing. */
static void
test_unsaved_discard (void)
{
  g_autoptr (GFile) file = copy_example ("customer-join.flint.yaml");
  FlintWindow *window = open_window (file);
  g_autofree char *contents = NULL;

  g_object_add_weak_pointer (G_OBJECT (window), (gpointer *) &window);
  flint_history_set_param (flint_window_get_history (window), "adults", "condition",
                           string_node ("age >= 30"), NULL);
  gtk_window_close (GTK_WINDOW (window));
  g_assert_true (wait_for (check_dialog, NULL));
  respond (find_message_dialog (), "discard");
  g_assert_true (wait_for (check_weak_gone, &window));

  g_assert_true (g_file_load_contents (file, NULL, &contents, NULL, NULL, NULL));
  g_assert_null (strstr (contents, "age >= 30"));
  g_assert_nonnull (strstr (contents, "condition: age >= 18"));
}

static gboolean
check_file_has_21 (gpointer data)
{
  g_autofree char *contents = NULL;

  return g_file_load_contents (data, NULL, &contents, NULL, NULL, NULL)
         && strstr (contents, "age >= 21") != NULL;
}

static gboolean
check_recovery_toast (gpointer data)
{
  return flint_window_get_recovery_toast (data) != NULL;
}

static gboolean
check_recovered (gpointer data)
{
  FlintPipeline *pipeline = flint_window_get_pipeline (data);
  FlintNode *adults = pipeline != NULL ? flint_pipeline_lookup_node (pipeline, "adults") : NULL;

  return adults != NULL && g_strcmp0 (flint_node_get_string (adults, "condition"), "age >= 21") == 0;
}

/* Unsaved changes are autosaved; after a crash, opening the file offers them back. */
static void
test_autosave_recovery (void)
{
  g_autoptr (GFile) file = copy_example ("customer-join.flint.yaml");
  g_autoptr (GFile) autosave = NULL;
  FlintWindow *window = open_window (file);
  g_autofree char *contents = NULL;
  g_autofree char *state = NULL;

  g_assert_true (flint_history_set_param (flint_window_get_history (window), "adults", "condition",
                                          string_node ("age >= 21"), NULL));

  autosave = flint_window_dup_autosave_file (window);
  state = g_file_get_path (autosave);
  g_assert_true (g_str_has_prefix (state, tmp_dir));
  flint_window_autosave_now (window);
  g_assert_true (wait_for (check_file_has_21, autosave));

  /* A crash: the window goes away without the prompt, the autosave stays. */
  destroy_window (window);
  g_assert_true (g_file_query_exists (autosave, NULL));
  g_assert_true (g_file_load_contents (file, NULL, &contents, NULL, NULL, NULL));
  g_assert_null (strstr (contents, "age >= 21"));

  window = open_window (file);
  g_assert_true (wait_for (check_recovery_toast, window));
  g_assert_cmpstr (adw_toast_get_button_label (flint_window_get_recovery_toast (window)), ==,
                   "Recover Unsaved Changes");
  g_assert_false (flint_window_is_modified (window));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.recover", NULL);
  g_assert_true (wait_for (check_page_pipeline, window));
  settle (100);
  g_assert_true (check_recovered (window));
  g_assert_true (flint_window_is_modified (window));
  g_assert_true (g_file_equal (flint_window_get_file (window), file));

  /* Saving writes the recovered changes and drops the autosave. */
  flint_window_save (window);
  g_assert_true (wait_for (check_file_has_21, file));
  settle (200);
  g_assert_false (flint_window_is_modified (window));
  g_assert_false (g_file_query_exists (autosave, NULL));

  destroy_window (window);
}

/* A pid no process has: a child that has exited and been reaped. */
static int
dead_pid (void)
{
  pid_t pid = fork ();

  if (pid == 0)
    _exit (0);
  g_assert_cmpint (pid, >, 0);
  g_assert_cmpint (waitpid (pid, NULL, 0), ==, pid);

  return pid;
}

/* An untitled autosave as process @pid writes it (the example's nodes). */
static GFile *
write_untitled_autosave_named (const char *name)
{
  g_autofree char *dir = flint_paths_ensure_dir (FLINT_PATH_STATE, "autosave", NULL);
  g_autofree char *dst = g_build_filename (dir, name, NULL);

  return copy_example_to ("customer-join.flint.yaml", dst);
}

static GFile *
write_untitled_autosave (int         pid,
                         const char *tag)
{
  g_autofree char *name = g_strdup_printf ("untitled-%d-%s-0x1.flint.yaml", pid, tag);

  return write_untitled_autosave_named (name);
}

static gboolean
check_file_gone (gpointer data)
{
  return !g_file_query_exists (data, NULL);
}

static gboolean
check_untitled_recovered (gpointer data)
{
  FlintPipeline *pipeline = flint_window_get_pipeline (data);

  return pipeline != NULL && flint_pipeline_lookup_node (pipeline, "adults") != NULL;
}

/* After a crash, the first window offers an untitled document's autosave back; a second
 * instance's live document is left alone. Runs first: the offer is made once a process. */
static void
test_untitled_recovery (void)
{
  g_autoptr (GFile) crashed = write_untitled_autosave (dead_pid (), "100");
  g_autoptr (GFile) live = write_untitled_autosave (getppid (), "200");
  g_autoptr (GFile) discarded = NULL;
  g_autoptr (GFile) legacy = NULL;
  FlintWindow *window = flint_window_new (app);
  GtkWidget *dialog;

  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (wait_for (check_dialog, NULL));
  dialog = find_message_dialog ();
  g_assert_cmpstr (adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (dialog)), ==,
                   "Recover Unsaved Pipeline?");
  g_assert_true (g_str_has_prefix (adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (dialog)),
                                   "Flint closed before an untitled pipeline from "));
  g_assert_cmpstr (adw_message_dialog_get_response_label (ADW_MESSAGE_DIALOG (dialog), "recover"),
                   ==, "_Recover");
  g_assert_cmpstr (adw_message_dialog_get_response_label (ADW_MESSAGE_DIALOG (dialog), "discard"),
                   ==, "_Discard");
  respond (dialog, "recover");

  /* Untitled and modified: closing asks, saving asks for a name. */
  g_assert_true (wait_for (check_untitled_recovered, window));
  g_assert_true (wait_for (check_page_pipeline, window));
  g_assert_null (flint_window_get_file (window));
  g_assert_true (flint_window_is_modified (window));
  g_assert_cmpuint (g_list_model_get_n_items (flint_pipeline_get_nodes (flint_window_get_pipeline (window))),
                    ==, 5);
  g_assert_true (wait_for (check_file_gone, crashed));
  /* The live instance's document is not offered. */
  settle (300);
  g_assert_null (find_message_dialog ());
  g_assert_true (g_file_query_exists (live, NULL));

  /* An autosave named as before the pid was part of the name (untitled-TIME-ADDRESS) has
   * no owner to ask: it is offered too. */
  legacy = write_untitled_autosave_named ("untitled-1763700000000000-0x5581c0de.flint.yaml");
  flint_window_offer_untitled_recovery (window);
  g_assert_true (wait_for (check_dialog, NULL));
  respond (find_message_dialog (), "discard");
  g_assert_true (wait_for (check_file_gone, legacy));
  settle (300);
  g_assert_null (find_message_dialog ());

  /* Discard deletes the autosave and opens nothing. */
  discarded = write_untitled_autosave (dead_pid (), "300");
  flint_window_offer_untitled_recovery (window);
  g_assert_true (wait_for (check_dialog, NULL));
  respond (find_message_dialog (), "discard");
  g_assert_true (wait_for (check_file_gone, discarded));
  settle (300);
  g_assert_null (find_message_dialog ());
  g_assert_true (g_file_query_exists (live, NULL));

  destroy_window (window);
  g_file_delete (live, NULL, NULL);
}

static gboolean
palette_shows (FlintPalette *palette,
               const char   *kind)
{
  for (guint i = 0; i < flint_palette_get_n_visible (palette); i++)
    if (g_str_equal (flint_palette_get_visible_kind (palette, i), kind))
      return TRUE;

  return FALSE;
}

/* The palette finds kinds by title, id and keyword. */
static void
test_palette_search (void)
{
  FlintPalette *palette = FLINT_PALETTE (flint_palette_new (flint_catalog_get_default ()));
  g_autofree char *kind = NULL;

  g_object_ref_sink (palette);
  g_assert_cmpuint (flint_palette_get_n_visible (palette), ==,
                    flint_catalog_get_n_kinds (flint_catalog_get_default ()));
  flint_palette_set_search (palette, "Kafka");
  g_assert_cmpuint (flint_palette_get_n_visible (palette), <, 10);
  g_assert_true (palette_shows (palette, "source.kafka"));
  g_assert_true (palette_shows (palette, "sink.kafka"));
  g_assert_false (palette_shows (palette, "source.csv"));
  /* Keywords count: "tsv" is one of the CSV source's. */
  flint_palette_set_search (palette, "tsv");
  g_assert_cmpstr (flint_palette_get_visible_kind (palette, 0), ==, "source.csv");
  flint_palette_set_search (palette, "no such node");
  g_assert_cmpuint (flint_palette_get_n_visible (palette), ==, 0);

  kind = flint_palette_parse_drag ("flint-kind:source.csv");
  g_assert_cmpstr (kind, ==, "source.csv");
  g_assert_null (flint_palette_parse_drag ("source.csv"));
  g_object_unref (palette);
}

static gboolean
check_palette_filled (gpointer data)
{
  return g_list_model_get_n_items (G_LIST_MODEL (gtk_list_view_get_model (data))) > 24;
}

/* A window's palette shows its first rows at once and fills the rest by itself as soon as
 * the window is idle: every kind, under its category's header. */
static void
test_palette_fills (void)
{
  FlintPalette *palette = FLINT_PALETTE (flint_palette_new (flint_catalog_get_default ()));
  GtkListView *list = GTK_LIST_VIEW (find_widget (GTK_WIDGET (palette), is_list_view, NULL));
  GListModel *model = G_LIST_MODEL (gtk_list_view_get_model (list));
  guint n_kinds = flint_catalog_get_n_kinds (flint_catalog_get_default ());

  g_object_ref_sink (palette);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 24);
  g_assert_true (wait_for (check_palette_filled, list));
  /* The kinds and one header per category (sources, transforms, sinks and so on). */
  g_assert_cmpuint (g_list_model_get_n_items (model), >, n_kinds);
  g_assert_cmpuint (flint_palette_get_n_visible (palette), ==, n_kinds);
  g_assert_true (palette_shows (palette, "sink.parquet"));
  g_object_unref (palette);
}

static gboolean
check_new_from_example (gpointer data)
{
  FlintPipeline *pipeline = flint_window_get_pipeline (data);

  return pipeline != NULL && flint_pipeline_get_n_nodes (pipeline) > 0;
}

/* New gives an empty, untitled pipeline; New from Example a copy with no file. */
static void
test_new_documents (void)
{
  FlintWindow *window = flint_window_new (app);
  g_autofree char *path = g_build_filename (g_getenv ("FLINT_SOURCE_ROOT"), "data", "examples",
                                            "streaming-click-counter.flint.yaml", NULL);
  g_autoptr (GFile) example = g_file_new_for_path (path);
  g_autofree char *uri = g_file_get_uri (example);

  gtk_window_present (GTK_WINDOW (window));
  g_assert_cmpstr (flint_window_get_page (window), ==, "empty");
  gtk_widget_activate_action (GTK_WIDGET (window), "win.new", NULL);
  g_assert_cmpstr (flint_window_get_page (window), ==, "pipeline");
  g_assert_cmpuint (flint_pipeline_get_n_nodes (flint_window_get_pipeline (window)), ==, 0);
  g_assert_null (flint_window_get_file (window));

  gtk_widget_activate_action (GTK_WIDGET (window), "win.new-from-example", "s", uri);
  g_assert_true (wait_for (check_new_from_example, window));
  g_assert_null (flint_window_get_file (window));
  g_assert_cmpstr (flint_pipeline_get_mode (flint_window_get_pipeline (window)) == FLINT_JOB_MODE_STREAMING
                   ? "streaming" : "batch", ==, "streaming");

  destroy_window (window);
}

static const char *
tab_language (FlintCodeView *code_view,
              FlintCodeTab   tab,
              const char    *name)
{
  GtkTextBuffer *buffer;
  GtkSourceLanguage *language;

  flint_code_view_set_tab (code_view, tab);
  buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (find_named (GTK_WIDGET (code_view), name)));
  language = gtk_source_buffer_get_language (GTK_SOURCE_BUFFER (buffer));

  return language != NULL ? gtk_source_language_get_id (language) : NULL;
}

/* Each code tab highlights its own language, the hidden ones too once shown. */
static void
test_code_view_languages (void)
{
  g_autoptr (GFile) file = copy_example ("customer-join.flint.yaml");
  FlintWindow *window = open_window (file);
  FlintCodeView *code_view = FLINT_CODE_VIEW (flint_window_get_code_view (window));

  g_assert_cmpstr (tab_language (code_view, FLINT_CODE_TAB_SCALA, "scala"), ==, "scala");
  g_assert_cmpstr (tab_language (code_view, FLINT_CODE_TAB_YAML, "yaml"), ==, "yaml");
  g_assert_cmpstr (tab_language (code_view, FLINT_CODE_TAB_PYTHON, "python"), ==, "python3");

  destroy_window (window);
}

static guint
count_shortcuts_windows (FlintWindow *parent)
{
  GListModel *toplevels = gtk_window_get_toplevels ();
  guint n = 0;

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr (GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (GTK_IS_SHORTCUTS_WINDOW (window)
          && gtk_window_get_transient_for (window) == GTK_WINDOW (parent))
        n++;
    }

  return n;
}

/* Ctrl+? shows the keyboard shortcuts over the window; it is built when first asked for,
 * once per window. */
static void
test_shortcuts_window (void)
{
  g_autoptr (GFile) file = copy_example ("customer-join.flint.yaml");
  FlintWindow *window = open_window (file);
  g_auto (GStrv) accels = gtk_application_get_accels_for_action (GTK_APPLICATION (app),
                                                                 "win.show-shortcuts");
  GtkShortcutsWindow *shortcuts;

  g_assert_cmpstr (accels[0], ==, "<Control>question");
  g_assert_cmpuint (count_shortcuts_windows (window), ==, 0);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-shortcuts", NULL));
  shortcuts = gtk_application_window_get_help_overlay (GTK_APPLICATION_WINDOW (window));
  g_assert_nonnull (shortcuts);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (shortcuts)));
  g_assert_true (gtk_window_get_modal (GTK_WINDOW (shortcuts)));
  g_assert_cmpuint (count_shortcuts_windows (window), ==, 1);

  /* Closing hides it; asking again shows the same one. */
  gtk_window_close (GTK_WINDOW (shortcuts));
  settle (50);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (shortcuts)));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-shortcuts", NULL));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (shortcuts)));
  g_assert_cmpuint (count_shortcuts_windows (window), ==, 1);

  destroy_window (window);
}

static void
collect_menu_buttons (GtkWidget *widget,
                      GPtrArray *out)
{
  if (GTK_IS_MENU_BUTTON (widget) && gtk_widget_get_mapped (widget))
    g_ptr_array_add (out, widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_menu_buttons (child, out);
}

static gboolean
menu_has_action (GMenuModel *model,
                 const char *action)
{
  for (int i = 0; i < g_menu_model_get_n_items (model); i++)
    {
      g_autofree char *name = NULL;
      GMenuModel *section = g_menu_model_get_item_link (model, i, G_MENU_LINK_SECTION);

      if (section != NULL && menu_has_action (section, action))
        return TRUE;
      if (g_menu_model_get_item_attribute (model, i, G_MENU_ATTRIBUTE_ACTION, "s", &name)
          && g_str_equal (name, action))
        return TRUE;
    }

  return FALSE;
}

/* The header bar's menus (New, Export, the main menu) open with their items; each popover
 * is made when its menu first opens. */
static void
test_header_menus (void)
{
  g_autoptr (GFile) file = copy_example ("customer-join.flint.yaml");
  FlintWindow *window = open_window (file);
  g_autoptr (GPtrArray) buttons = g_ptr_array_new ();
  gboolean found_main = FALSE;

  collect_menu_buttons (GTK_WIDGET (window), buttons);
  g_assert_cmpuint (buttons->len, >=, 4);
  for (guint i = 0; i < buttons->len; i++)
    {
      GtkMenuButton *button = g_ptr_array_index (buttons, i);
      GMenuModel *model;

      g_assert_true (gtk_widget_get_sensitive (GTK_WIDGET (button)));
      gtk_menu_button_popup (button);
      settle (30);
      model = gtk_menu_button_get_menu_model (button);
      g_assert_nonnull (model);
      g_assert_true (gtk_widget_get_visible (GTK_WIDGET (gtk_menu_button_get_popover (button))));
      if (menu_has_action (model, "win.show-shortcuts"))
        {
          found_main = TRUE;
          g_assert_true (menu_has_action (model, "app.preferences"));
        }
      gtk_menu_button_popdown (button);
      settle (30);
      /* Opening again shows the same menu. */
      gtk_menu_button_popup (button);
      g_assert_true (gtk_menu_button_get_menu_model (button) == model);
      gtk_menu_button_popdown (button);
    }
  g_assert_true (found_main);

  destroy_window (window);
}

static GtkWidget *
find_text_editor (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr (GtkWidget) window = g_list_model_get_item (toplevels, i);

      if (g_strcmp0 (gtk_widget_get_name (window), "flint-text-editor") == 0
          && gtk_widget_get_visible (window))
        return window;
    }

  return NULL;
}

static gboolean
check_text_editor (gpointer data)
{
  return find_text_editor () != NULL;
}

static gboolean
check_text_editor_gone (gpointer data)
{
  return find_text_editor () == NULL;
}

static const char *
query_of (FlintPipeline *pipeline)
{
  JsonNode *query = flint_node_get_param (flint_pipeline_lookup_node (pipeline, "by_country"),
                                          "query");

  return query != NULL ? json_node_get_string (query) : NULL;
}

/* Opens the multi-line editor of @path, checks it shows @expected highlighted as
 * @language, and returns its buffer. */
static GtkWidget *
open_text_editor (FlintInspector *inspector,
                  const char     *path,
                  const char     *expected,
                  const char     *language,
                  GtkTextBuffer **buffer_out)
{
  GtkWidget *row = flint_inspector_get_row (inspector, path);
  GtkWidget *dialog;
  GtkWidget *view;
  GtkTextBuffer *buffer;
  GtkSourceLanguage *lang;
  GtkTextIter start, end;
  g_autofree char *text = NULL;

  g_assert_true (ADW_IS_ACTION_ROW (row));
  g_signal_emit_by_name (find_named (row, "edit"), "clicked");
  g_assert_true (wait_for (check_text_editor, NULL));
  dialog = find_text_editor ();
  view = find_named (dialog, "text-editor-view");
  g_assert_true (GTK_SOURCE_IS_VIEW (view));
  buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (view));
  gtk_text_buffer_get_bounds (buffer, &start, &end);
  text = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
  g_assert_cmpstr (text, ==, expected);
  lang = gtk_source_buffer_get_language (GTK_SOURCE_BUFFER (buffer));
  g_assert_nonnull (lang);
  g_assert_cmpstr (gtk_source_language_get_id (lang), ==, language);
  *buffer_out = buffer;

  return dialog;
}

/* A SQL query edits in a multi-line editor: Cancel keeps it, Apply sets it as one step
 * that undoes; the row shows the first line. A Scala code node highlights as Scala. */
static void
test_inspector_text_editor (void)
{
  g_autoptr (GFile) file = copy_example ("customer-join.flint.yaml");
  FlintWindow *window = open_window (file);
  FlintInspector *inspector = FLINT_INSPECTOR (flint_window_get_inspector (window));
  FlintPipeline *pipeline = flint_window_get_pipeline (window);
  FlintHistory *history = flint_window_get_history (window);
  const char *query = "SELECT country,\n       count(*) AS n\nFROM adults\nGROUP BY country";
  g_autoptr (GError) error = NULL;
  GtkTextBuffer *buffer;
  GtkWidget *dialog;

  g_assert_nonnull (flint_history_add_node (history, "transform.sql", "by_country", 400, 400,
                                            &error));
  g_assert_no_error (error);
  g_assert_true (flint_history_set_param (history, "by_country", "query",
                                          string_node ("SELECT * FROM adults"), &error));
  flint_window_select_node (window, "by_country");
  settle (50);
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (flint_inspector_get_row (inspector, "params.query"))),
                   ==, "SELECT * FROM adults");

  /* Cancel changes nothing. */
  dialog = open_text_editor (inspector, "params.query", "SELECT * FROM adults", "sql", &buffer);
  gtk_text_buffer_set_text (buffer, "SELECT 1", -1);
  g_signal_emit_by_name (find_named (dialog, "cancel"), "clicked");
  g_assert_true (wait_for (check_text_editor_gone, NULL));
  g_assert_cmpstr (query_of (pipeline), ==, "SELECT * FROM adults");

  /* Apply sets the lines as they are, and the row previews the first one. */
  dialog = open_text_editor (inspector, "params.query", "SELECT * FROM adults", "sql", &buffer);
  gtk_text_buffer_set_text (buffer, query, -1);
  g_signal_emit_by_name (find_named (dialog, "apply"), "clicked");
  g_assert_true (wait_for (check_text_editor_gone, NULL));
  g_assert_cmpstr (query_of (pipeline), ==, query);
  settle (50);
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (flint_inspector_get_row (inspector, "params.query"))),
                   ==, "SELECT country, …");

  /* One undo brings the old query back, in the model and in the editor. */
  g_assert_true (flint_history_undo (history));
  g_assert_cmpstr (query_of (pipeline), ==, "SELECT * FROM adults");
  settle (50);
  dialog = open_text_editor (inspector, "params.query", "SELECT * FROM adults", "sql", &buffer);
  g_signal_emit_by_name (find_named (dialog, "cancel"), "clicked");
  g_assert_true (wait_for (check_text_editor_gone, NULL));

  /* Code follows the node's language. */
  g_assert_nonnull (flint_history_add_node (history, "transform.code", "custom", 400, 600,
                                            &error));
  g_assert_no_error (error);
  g_assert_true (flint_history_set_param (history, "custom", "language", string_node ("scala"),
                                          &error));
  flint_window_select_node (window, "custom");
  settle (50);
  dialog = open_text_editor (inspector, "params.code", "", "scala", &buffer);
  g_signal_emit_by_name (find_named (dialog, "cancel"), "clicked");
  g_assert_true (wait_for (check_text_editor_gone, NULL));

  destroy_window (window);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr (GError) error = NULL;
  int result;

  tmp_dir = g_dir_make_tmp ("flint-test-window-XXXXXX", NULL);
  g_setenv ("XDG_STATE_HOME", tmp_dir, TRUE);
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  /* Xvfb has no GL; cairo renders the same widgets. */
  g_setenv ("GSK_RENDERER", "cairo", TRUE);

  g_test_init (&argc, &argv, NULL);
  gtk_init ();
  adw_init ();
  gtk_source_init ();

  app = flint_application_new ();
  g_application_set_flags (G_APPLICATION (app),
                           G_APPLICATION_NON_UNIQUE | G_APPLICATION_HANDLES_OPEN);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_assert_no_error (error);

  g_test_add_func ("/window/untitled-recovery", test_untitled_recovery);
  g_test_add_func ("/window/open-example", test_open_example);
  g_test_add_func ("/window/open-without-fade", test_open_without_fade);
  g_test_add_func ("/window/inspector-error-inline", test_inspector_error_inline);
  g_test_add_func ("/window/inspector-editors", test_inspector_editors);
  g_test_add_func ("/window/job-page", test_job_page);
  g_test_add_func ("/window/preview-tab", test_preview_tab);
  g_test_add_func ("/window/code-view-reveal", test_code_view_reveal);
  g_test_add_func ("/window/code-view-languages", test_code_view_languages);
  g_test_add_func ("/window/shortcuts-window", test_shortcuts_window);
  g_test_add_func ("/window/header-menus", test_header_menus);
  g_test_add_func ("/window/unsaved-prompt", test_unsaved_prompt);
  g_test_add_func ("/window/unsaved-discard", test_unsaved_discard);
  g_test_add_func ("/window/autosave-recovery", test_autosave_recovery);
  g_test_add_func ("/window/palette-search", test_palette_search);
  g_test_add_func ("/window/palette-fills", test_palette_fills);
  g_test_add_func ("/window/new-documents", test_new_documents);
  g_test_add_func ("/window/inspector-text-editor", test_inspector_text_editor);

  result = g_test_run ();

  g_object_unref (app);

  return result;
}
