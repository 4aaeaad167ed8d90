/* test-runs.c: running a pipeline from the designer window, with a fake target
 *
 * The fake target (the pipeline's target "fake", of a kind it stands in for) starts at once and moves
 * only when the test says so, so each step is checked as a user would see it: the row of
 * the Runs tab (state, progress, elapsed time), the progress bar on the sink's card and
 * its link to the Spark UI, cancel, re-run, the logs window, and the desktop notification
 * (caught on a private session bus by the test as org.freedesktop.Notifications).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "flint-test"

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "designer/canvas/flint-canvas.h"
#include "designer/canvas/flint-canvas-private.h"
#include "flint-application.h"
#include "flint-runs-panel.h"
#include "flint-window.h"

#define SINK "orders_by_country"
#define UI_URL "http://localhost:4999"

static FlintApplication *app;
static char *tmp_dir;

/* The fake target {{{ */

#define FAKE_TYPE_TARGET (fake_target_get_type ())
G_DECLARE_FINAL_TYPE (FakeTarget, fake_target, FAKE, TARGET, GObject)

struct _FakeTarget
{
  GObject parent_instance;
};

static GHashTable *following;   /* run id -> GTask of follow */
static guint n_submitted;

static void fake_target_iface_init (FlintTargetInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (FakeTarget, fake_target, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (FLINT_TYPE_TARGET, fake_target_iface_init))

static void
fake_target_class_init (FakeTargetClass *klass)
{
}

static void
fake_target_init (FakeTarget *self)
{
}

static FlintTargetFlags
fake_get_flags (FlintTarget *target)
{
  return FLINT_TARGET_FLAGS_NONE;
}

static gboolean
fake_configure (FlintTarget  *target,
                JsonObject   *config,
                GError      **error)
{
  return TRUE;
}

static void
fake_submit_async (FlintTarget         *target,
                   FlintRun            *run,
                   GCancellable        *cancellable,
                   GAsyncReadyCallback  callback,
                   gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (target, cancellable, callback, user_data);

  n_submitted++;
  flint_run_set_external_id (run, "fake-1");
  flint_run_set_ui_url (run, UI_URL);
  flint_run_set_state (run, FLINT_RUN_RUNNING);
  g_task_return_boolean (task, TRUE);
}

static gboolean
fake_finish (FlintTarget   *target,
             GAsyncResult  *result,
             GError       **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
fake_follow_async (FlintTarget         *target,
                   FlintRun            *run,
                   GCancellable        *cancellable,
                   GAsyncReadyCallback  callback,
                   gpointer             user_data)
{
  GTask *task = g_task_new (target, cancellable, callback, user_data);

  g_task_set_task_data (task, g_object_ref (run), g_object_unref);
  g_hash_table_replace (following, g_strdup (flint_run_get_id (run)), task);
}

static void
fake_refresh_async (FlintTarget         *target,
                    FlintRun            *run,
                    GCancellable        *cancellable,
                    GAsyncReadyCallback  callback,
                    gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (target, cancellable, callback, user_data);

  g_task_return_boolean (task, TRUE);
}

/* The "cluster" reports: @done of @total tasks of the sink's job 7. */
static void
fake_progress (FlintRun *run,
               guint     done,
               guint     total)
{
  FlintNodeProgress p = { .node_id = (char *) SINK, .jobs_done = done == total ? 1 : 0, .jobs_total = 1,
                          .stages_done = done == total ? 1 : 0, .stages_total = 1,
                          .tasks_done = done, .tasks_total = total, .has_job_id = TRUE, .job_id = 7 };

  flint_run_update_progress (run, &p);
}

static void
fake_end (FlintRun      *run,
          FlintRunState  state,
          const char    *message)
{
  GTask *task = g_hash_table_lookup (following, flint_run_get_id (run));

  g_assert_nonnull (task);
  g_hash_table_steal (following, flint_run_get_id (run));
  flint_run_set_message (run, message);
  flint_run_set_state (run, state);
  g_task_return_boolean (task, TRUE);
  g_object_unref (task);
}

static void
fake_cancel_async (FlintTarget         *target,
                   FlintRun            *run,
                   GCancellable        *cancellable,
                   GAsyncReadyCallback  callback,
                   gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (target, cancellable, callback, user_data);

  fake_end (run, FLINT_RUN_CANCELLED, "Cancelled by the user");
  g_task_return_boolean (task, TRUE);
}

static void
fake_read_logs_async (FlintTarget         *target,
                      FlintRun            *run,
                      FlintLogStream       stream,
                      guint64              offset,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (target, cancellable, callback, user_data);
  const char *text = stream == FLINT_LOG_STDOUT ? "rows written: 42\n" : "INFO SparkContext: Running Spark\n";
  gsize length = strlen (text);

  g_task_set_task_data (task, GSIZE_TO_POINTER (MAX (offset, length)), NULL);
  g_task_return_pointer (task, offset < length ? g_bytes_new (text + offset, length - offset) : g_bytes_new (NULL, 0),
                         (GDestroyNotify) g_bytes_unref);
}

static GBytes *
fake_read_logs_finish (FlintTarget   *target,
                       GAsyncResult  *result,
                       guint64       *next_offset,
                       GError       **error)
{
  *next_offset = GPOINTER_TO_SIZE (g_task_get_task_data (G_TASK (result)));
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
fake_target_iface_init (FlintTargetInterface *iface)
{
  iface->get_flags = fake_get_flags;
  iface->configure = fake_configure;
  iface->submit_async = fake_submit_async;
  iface->submit_finish = fake_finish;
  iface->follow_async = fake_follow_async;
  iface->follow_finish = fake_finish;
  iface->refresh_async = fake_refresh_async;
  iface->refresh_finish = fake_finish;
  iface->cancel_async = fake_cancel_async;
  iface->cancel_finish = fake_finish;
  iface->read_logs_async = fake_read_logs_async;
  iface->read_logs_finish = fake_read_logs_finish;
}

/* }}} */

/* A notification server on the private session bus {{{ */

typedef struct
{
  char *id;
  char *title;
  char *body;
  char *action;
} Notification;

static GPtrArray *notifications;

static void
notification_free (Notification *n)
{
  g_free (n->id);
  g_free (n->title);
  g_free (n->body);
  g_free (n->action);
  g_free (n);
}

static void
on_notifications_call (GDBusConnection       *connection,
                       const char            *sender,
                       const char            *object_path,
                       const char            *interface_name,
                       const char            *method_name,
                       GVariant              *parameters,
                       GDBusMethodInvocation *invocation,
                       gpointer               user_data)
{
  if (g_str_equal (method_name, "Notify"))
    {
      g_autofree const char **actions = NULL;
      Notification *n = g_new0 (Notification, 1);

      g_variant_get (parameters, "(&su&s&s&s^a&s@a{sv}i)", &n->id, NULL, NULL, &n->title, &n->body,
                     &actions, NULL, NULL);
      n->id = g_strdup (n->id);
      n->title = g_strdup (n->title);
      n->body = g_strdup (n->body);
      n->action = g_strdup (actions && actions[0] ? actions[0] : NULL);
      g_ptr_array_add (notifications, n);
      g_dbus_method_invocation_return_value (invocation, g_variant_new ("(u)", notifications->len));
      return;
    }
  if (g_str_equal (method_name, "GetCapabilities"))
    {
      const char *caps[] = { "body", "actions", NULL };

      g_dbus_method_invocation_return_value (invocation, g_variant_new ("(^as)", caps));
      return;
    }
  g_dbus_method_invocation_return_value (invocation, NULL);
}

/* The freedesktop.org notification server, which GLib uses outside a sandbox. */
static gboolean
start_notification_server (void)
{
  static const char xml[] =
    "<node><interface name='org.freedesktop.Notifications'>"
    "<method name='Notify'><arg type='s' direction='in'/><arg type='u' direction='in'/>"
    "<arg type='s' direction='in'/><arg type='s' direction='in'/><arg type='s' direction='in'/>"
    "<arg type='as' direction='in'/><arg type='a{sv}' direction='in'/><arg type='i' direction='in'/>"
    "<arg type='u' direction='out'/></method>"
    "<method name='CloseNotification'><arg type='u' direction='in'/></method>"
    "<method name='GetCapabilities'><arg type='as' direction='out'/></method>"
    "</interface></node>";
  static const GDBusInterfaceVTable vtable = { on_notifications_call, NULL, NULL, { 0 } };
  g_autoptr(GDBusNodeInfo) info = g_dbus_node_info_new_for_xml (xml, NULL);
  g_autoptr(GVariant) reply = NULL;
  /* Kept: the bus connection is a singleton that closes (and gives up the name) with its
   * last reference. */
  static GDBusConnection *bus;

  bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL);
  if (bus == NULL)
    return FALSE;
  g_dbus_connection_register_object (bus, "/org/freedesktop/Notifications", info->interfaces[0], &vtable,
                                     NULL, NULL, NULL);
  reply = g_dbus_connection_call_sync (bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                       "org.freedesktop.DBus", "RequestName",
                                       g_variant_new ("(su)", "org.freedesktop.Notifications", 4),
                                       G_VARIANT_TYPE ("(u)"), G_DBUS_CALL_FLAGS_NONE, -1, NULL, NULL);
  return reply != NULL;
}

/* }}} */

/* Helpers {{{ */

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

/* customer-join with a second target, "fake" (kubernetes, which the fake target plays). */
static GFile *
write_pipeline (void)
{
  g_autofree char *src = g_build_filename (g_getenv ("FLINT_SOURCE_ROOT"), "data", "examples",
                                           "customer-join.flint.yaml", NULL);
  g_autofree char *dst = g_build_filename (tmp_dir, "customer-join.flint.yaml", NULL);
  g_autofree char *contents = NULL;
  g_autofree char *patched = NULL;
  char *at;

  g_assert_true (g_file_get_contents (src, &contents, NULL, NULL));
  at = strstr (contents, "    local: {kind: local}\n");
  g_assert_nonnull (at);
  at += strlen ("    local: {kind: local}\n");
  patched = g_strdup_printf ("%.*s    fake: {kind: kubernetes, context: test, namespace: spark, image: \"apache/spark:4.0.1\"}\n%s", (int) (at - contents), contents, at);
  g_assert_true (g_file_set_contents (dst, patched, -1, NULL));
  return g_file_new_for_path (dst);
}

static FlintWindow *
open_window (void)
{
  g_autoptr(GFile) file = write_pipeline ();
  FlintWindow *window = flint_window_new (app);

  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 800);
  gtk_window_present (GTK_WINDOW (window));
  flint_window_open (window, file);
  g_assert_true (wait_for (check_page_pipeline, window));
  settle (100);
  return window;
}

static GtkWidget *
find_named (GtkWidget  *widget,
            const char *name)
{
  if (g_strcmp0 (gtk_widget_get_name (widget), name) == 0)
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_named (child, name);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static GtkWidget *
find_type (GtkWidget *widget,
           GType      type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_type (child, type);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static const char *
row_text (GtkWidget  *row,
          const char *name)
{
  GtkWidget *label = find_named (row, name);

  g_assert_nonnull (label);
  return gtk_label_get_text (GTK_LABEL (label));
}

static GtkWidget *
header_dropdown (FlintWindow *window)
{
  return find_type (GTK_WIDGET (window), GTK_TYPE_DROP_DOWN);
}

/* Chooses @target in the drop-down by the Run button, as a user would. */
static void
choose_target (FlintWindow *window,
               const char  *target)
{
  GtkDropDown *dropdown = GTK_DROP_DOWN (header_dropdown (window));
  GListModel *model = gtk_drop_down_get_model (dropdown);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(GtkStringObject) item = g_list_model_get_item (model, i);

      if (g_str_equal (gtk_string_object_get_string (item), target))
        {
          gtk_drop_down_set_selected (dropdown, i);
          return;
        }
    }
  g_assert_not_reached ();
}

static GtkWidget *
find_action_button (GtkWidget  *widget,
                    const char *action)
{
  if (GTK_IS_BUTTON (widget) && g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (widget)), action) == 0)
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_action_button (child, action);

      if (found != NULL)
        return found;
    }
  return NULL;
}

typedef struct
{
  FlintWindow *window;
  FlintRun    *before;
} ShownData;

static gboolean
check_shown_changed (gpointer data)
{
  ShownData *shown = data;

  return flint_window_get_shown_run (shown->window) != shown->before;
}

/* Run, as the button does: it spins (and cannot start a second run) until the run is
 * recorded, the generation happening off the UI thread. */
static FlintRun *
run_from_window (FlintWindow *window)
{
  ShownData shown = { window, flint_window_get_shown_run (window) };
  GtkWidget *button = find_action_button (GTK_WIDGET (window), "win.run");

  g_assert_nonnull (button);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.run", NULL));
  g_assert_true (GTK_IS_SPINNER (gtk_button_get_child (GTK_BUTTON (button))));
  g_assert_false (gtk_widget_get_sensitive (button) && gtk_widget_is_sensitive (button));
  g_assert_true (flint_window_get_shown_run (window) == shown.before);
  g_assert_true (wait_for (check_shown_changed, &shown));
  settle (50);
  g_assert_true (gtk_widget_is_sensitive (button));
  g_assert_false (GTK_IS_SPINNER (gtk_button_get_child (GTK_BUTTON (button))));
  return flint_window_get_shown_run (window);
}

static gboolean
check_running (gpointer data)
{
  return flint_run_get_state (data) == FLINT_RUN_RUNNING &&
         g_hash_table_contains (following, flint_run_get_id (data));
}

static gboolean
check_n_notifications (gpointer data)
{
  return notifications->len >= GPOINTER_TO_UINT (data);
}

typedef struct
{
  GListModel *runs;
  guint       n;
} CountData;

static gboolean
check_n_runs (gpointer data)
{
  CountData *count = data;

  return g_list_model_get_n_items (count->runs) >= count->n;
}

/* }}} */

static void
test_run_progress (void)
{
  FlintWindow *window = open_window ();
  FlintRunsPanel *panel = FLINT_RUNS_PANEL (flint_window_get_runs_panel (window));
  FlintCanvas *canvas = FLINT_CANVAS (flint_window_get_canvas (window));
  GtkWidget *dropdown = header_dropdown (window);
  GtkWidget *row, *bar;
  FlintRun *run;
  double fraction;
  const char *uri = NULL;
  double x, y;
  FlintRect rect;
  FlintViewport *viewport;

  g_assert_nonnull (panel);
  g_assert_nonnull (dropdown);
  /* Two targets: the drop-down shows, on the preferences' default ("local"). */
  g_assert_true (gtk_widget_get_visible (dropdown));
  g_assert_cmpstr (gtk_string_object_get_string (gtk_drop_down_get_selected_item (GTK_DROP_DOWN (dropdown))), ==, "local");

  choose_target (window, "fake");
  run = run_from_window (window);
  g_assert_cmpstr (flint_run_get_target_name (run), ==, "fake");
  g_assert_true (wait_for (check_running, run));

  row = flint_runs_panel_get_row (panel, flint_run_get_id (run));
  g_assert_nonnull (row);
  g_assert_cmpstr (row_text (row, "state-label"), ==, "Running");
  g_assert_cmpstr (row_text (row, "title-label"), ==, "customer-join on fake");

  /* A quarter of the sink's tasks: the row's bar and the card's bar say so. */
  fake_progress (run, 1, 4);
  bar = find_named (row, "progress-bar");
  g_assert_cmpfloat_with_epsilon (gtk_progress_bar_get_fraction (GTK_PROGRESS_BAR (bar)), 0.25, 1e-9);
  g_assert_cmpstr (gtk_progress_bar_get_text (GTK_PROGRESS_BAR (bar)), ==, "25 %");
  g_assert_cmpint (flint_canvas_get_node_progress (canvas, SINK, &fraction, &uri), ==, FLINT_CANVAS_PROGRESS_RUNNING);
  g_assert_cmpfloat_with_epsilon (fraction, 0.25, 1e-9);
  g_assert_cmpstr (uri, ==, UI_URL "/jobs/job/?id=7");
  /* Nodes that are not sinks carry no bar. */
  g_assert_cmpint (flint_canvas_get_node_progress (canvas, "customers", NULL, NULL), ==, FLINT_CANVAS_PROGRESS_NONE);

  /* The bar at the card's bottom is a link; the card's header is not. */
  viewport = flint_canvas_get_viewport (canvas);
  g_assert_true (flint_canvas_get_node_rect (canvas, SINK, &rect));
  flint_viewport_canvas_to_widget (viewport, rect.x + rect.width / 2, rect.y + rect.height - 7, &x, &y);
  g_assert_true (flint_canvas_activate_progress_at (canvas, x, y));
  flint_viewport_canvas_to_widget (viewport, rect.x + rect.width / 2, rect.y + 10, &x, &y);
  g_assert_false (flint_canvas_activate_progress_at (canvas, x, y));

  /* The elapsed time ticks while it runs. */
  settle (1100);
  g_assert_cmpstr (row_text (row, "elapsed-label"), !=, "");

  fake_progress (run, 4, 4);
  g_assert_cmpint (flint_canvas_get_node_progress (canvas, SINK, &fraction, NULL), ==, FLINT_CANVAS_PROGRESS_SUCCEEDED);
  fake_end (run, FLINT_RUN_SUCCEEDED, NULL);
  settle (50);
  g_assert_cmpstr (row_text (row, "state-label"), ==, "Succeeded");
  g_assert_cmpfloat_with_epsilon (gtk_progress_bar_get_fraction (GTK_PROGRESS_BAR (bar)), 1.0, 1e-9);
  g_assert_true (gtk_widget_has_css_class (find_named (row, "state-icon"), "success"));
  /* The driver's UI is gone with the driver: no link any more, and the button is off. */
  g_assert_cmpint (flint_canvas_get_node_progress (canvas, SINK, NULL, &uri), ==, FLINT_CANVAS_PROGRESS_SUCCEEDED);
  g_assert_null (uri);

  gtk_window_destroy (GTK_WINDOW (window));
  settle (50);
}

static gboolean
check_not_submitting (gpointer data)
{
  GtkWidget *button = data;

  return !GTK_IS_SPINNER (gtk_button_get_child (GTK_BUTTON (button)));
}

/* Another document opened while a run is being prepared: the run goes on and is listed, but
 * its progress is not drawn on the other document's canvas. */
static void
test_switch_while_preparing (void)
{
  FlintWindow *window = open_window ();
  FlintRunsPanel *panel = FLINT_RUNS_PANEL (flint_window_get_runs_panel (window));
  GListModel *runs = flint_runs_panel_get_runs (panel);
  GtkWidget *button = find_action_button (GTK_WIDGET (window), "win.run");
  g_autoptr (FlintRun) run = NULL;
  CountData count = { runs, g_list_model_get_n_items (runs) + 1 };

  choose_target (window, "fake");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.run", NULL));
  g_assert_true (GTK_IS_SPINNER (gtk_button_get_child (GTK_BUTTON (button))));
  flint_window_new_pipeline (window);
  g_assert_true (wait_for (check_not_submitting, button));
  g_assert_true (wait_for (check_n_runs, &count));

  run = g_list_model_get_item (runs, 0);
  g_assert_cmpstr (flint_run_get_pipeline_name (run), ==, "customer-join");
  g_assert_null (flint_window_get_shown_run (window));
  g_assert_cmpstr (flint_pipeline_get_name (flint_window_get_pipeline (window)), ==, "untitled");
  g_assert_true (wait_for (check_running, run));
  g_assert_null (flint_window_get_shown_run (window));
  fake_end (run, FLINT_RUN_SUCCEEDED, NULL);

  gtk_window_destroy (GTK_WINDOW (window));
  settle (50);
}

/* A run of the file already going when the window opens it (as one the runner resumed at
 * startup): the canvas shows its progress without its row being activated; the newest
 * when there are several. */
static void
test_resumed_run_progress (void)
{
  FlintRunner *runner = flint_application_get_runner (app);
  g_autoptr(GFile) file = write_pipeline ();
  g_autofree char *path = g_file_get_path (file);
  g_autoptr(FlintPipeline) pipeline = NULL;
  g_autoptr(GError) error = NULL;
  FlintCanvas *canvas;
  FlintWindow *window;
  FlintRun *older, *newer;
  double fraction;

  pipeline = flint_pipeline_load_from_file (flint_catalog_get_default (), file, NULL, &error);
  g_assert_no_error (error);
  older = flint_runner_submit_pipeline (runner, pipeline, path, "fake", NULL, FLINT_RUN_PRIORITY_NORMAL, &error);
  g_assert_no_error (error);
  g_assert_true (wait_for (check_running, older));
  /* Runs are told apart by their creation time. */
  g_usleep (2000);
  newer = flint_runner_submit_pipeline (runner, pipeline, path, "fake", NULL, FLINT_RUN_PRIORITY_NORMAL, &error);
  g_assert_no_error (error);
  g_assert_true (wait_for (check_running, newer));
  fake_progress (older, 3, 4);
  fake_progress (newer, 1, 4);

  window = flint_window_new (app);
  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 800);
  gtk_window_present (GTK_WINDOW (window));
  flint_window_open (window, file);
  g_assert_true (wait_for (check_page_pipeline, window));
  settle (100);

  g_assert_true (flint_window_get_shown_run (window) == newer);
  canvas = FLINT_CANVAS (flint_window_get_canvas (window));
  g_assert_cmpint (flint_canvas_get_node_progress (canvas, SINK, &fraction, NULL), ==, FLINT_CANVAS_PROGRESS_RUNNING);
  g_assert_cmpfloat_with_epsilon (fraction, 0.25, 1e-9);
  fake_progress (newer, 2, 4);
  g_assert_cmpint (flint_canvas_get_node_progress (canvas, SINK, &fraction, NULL), ==, FLINT_CANVAS_PROGRESS_RUNNING);
  g_assert_cmpfloat_with_epsilon (fraction, 0.5, 1e-9);

  fake_end (older, FLINT_RUN_SUCCEEDED, NULL);
  fake_end (newer, FLINT_RUN_SUCCEEDED, NULL);
  settle (50);
  gtk_window_destroy (GTK_WINDOW (window));
  settle (50);
}

static void
on_progress_activated (FlintCanvas *canvas,
                       const char  *node_id,
                       const char  *uri,
                       char       **out)
{
  g_free (*out);
  *out = g_strdup_printf ("%s %s", node_id, uri);
}

static void
test_progress_link (void)
{
  FlintWindow *window = open_window ();
  FlintCanvas *canvas = FLINT_CANVAS (flint_window_get_canvas (window));
  g_autofree char *activated = NULL;
  FlintRun *run;
  FlintRect rect;
  double x, y;

  choose_target (window, "fake");
  run = run_from_window (window);
  g_assert_true (wait_for (check_running, run));
  fake_progress (run, 2, 8);

  g_signal_connect (canvas, "progress-activated", G_CALLBACK (on_progress_activated), &activated);
  g_assert_true (flint_canvas_get_node_rect (canvas, SINK, &rect));
  flint_viewport_canvas_to_widget (flint_canvas_get_viewport (canvas), rect.x + rect.width / 2,
                                   rect.y + rect.height - 7, &x, &y);
  g_assert_true (flint_canvas_activate_progress_at (canvas, x, y));
  g_assert_cmpstr (activated, ==, SINK " " UI_URL "/jobs/job/?id=7");
  g_signal_handlers_disconnect_by_data (canvas, &activated);

  fake_end (run, FLINT_RUN_FAILED, "Job aborted");
  settle (50);
  g_assert_cmpint (flint_canvas_get_node_progress (canvas, SINK, NULL, NULL), ==, FLINT_CANVAS_PROGRESS_FAILED);

  gtk_window_destroy (GTK_WINDOW (window));
  settle (50);
}

static void
test_cancel_rerun_logs (void)
{
  FlintWindow *window = open_window ();
  FlintRunsPanel *panel = FLINT_RUNS_PANEL (flint_window_get_runs_panel (window));
  GListModel *runs = flint_runs_panel_get_runs (panel);
  GtkWidget *row;
  GtkWindow *logs;
  GtkTextBuffer *buffer;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  GtkTextIter start, end;
  g_autoptr(FlintRun) first = NULL;
  g_autoptr(FlintRun) again = NULL;
  guint before;
  CountData count;

  choose_target (window, "fake");
  first = g_object_ref (run_from_window (window));
  g_assert_true (wait_for (check_running, first));
  row = flint_runs_panel_get_row (panel, flint_run_get_id (first));

  /* Cancel: through the row's button action, as a click does. */
  g_assert_true (gtk_widget_activate_action (row, "run.cancel", NULL));
  settle (50);
  g_assert_cmpint (flint_run_get_state (first), ==, FLINT_RUN_CANCELLED);
  g_assert_cmpstr (row_text (row, "state-label"), ==, "Cancelled");
  g_assert_cmpstr (row_text (row, "message-label"), ==, "Cancelled by the user");

  /* Re-run: a new run of the same program on the same target, at the top of the list. */
  before = g_list_model_get_n_items (runs);
  g_assert_true (gtk_widget_activate_action (row, "run.rerun", NULL));
  count.runs = runs;
  count.n = before + 1;
  g_assert_true (wait_for (check_n_runs, &count));
  again = g_list_model_get_item (runs, 0);
  g_assert_cmpstr (flint_run_get_id (again), !=, flint_run_get_id (first));
  g_assert_cmpstr (flint_run_get_target_name (again), ==, "fake");
  g_assert_true (wait_for (check_running, again));
  {
    g_autofree char *a = NULL, *b = NULL;

    g_assert_true (g_file_get_contents (flint_run_get_program_file (first), &a, NULL, NULL));
    g_assert_true (g_file_get_contents (flint_run_get_program_file (again), &b, NULL, NULL));
    g_assert_cmpstr (a, ==, b);
  }

  /* Logs: the driver's output and its log, read through the target. */
  logs = flint_runs_panel_show_logs (panel, again);
  settle (200);
  buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (find_named (GTK_WIDGET (logs), "stdout-view")));
  gtk_text_buffer_get_bounds (buffer, &start, &end);
  out = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
  g_assert_cmpstr (out, ==, "rows written: 42\n");
  buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (find_named (GTK_WIDGET (logs), "stderr-view")));
  gtk_text_buffer_get_bounds (buffer, &start, &end);
  err = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
  g_assert_cmpstr (err, ==, "INFO SparkContext: Running Spark\n");
  /* Following: another poll adds nothing twice. */
  settle (1200);
  g_clear_pointer (&out, g_free);
  buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (find_named (GTK_WIDGET (logs), "stdout-view")));
  gtk_text_buffer_get_bounds (buffer, &start, &end);
  out = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
  g_assert_cmpstr (out, ==, "rows written: 42\n");
  gtk_window_destroy (logs);

  fake_end (again, FLINT_RUN_SUCCEEDED, NULL);
  settle (50);
  gtk_window_destroy (GTK_WINDOW (window));
  settle (50);
}

static void
test_notification (void)
{
  GSettings *settings = flint_application_get_settings (app);
  FlintWindow *window;
  FlintRun *run;
  Notification *n;
  guint before;

  if (notifications == NULL)
    {
      g_test_skip ("No session bus (dbus-daemon) for the notification server");
      return;
    }

  window = open_window ();
  choose_target (window, "fake");

  /* Never: nothing is sent. */
  g_settings_set_string (settings, "run-notifications", "never");
  before = notifications->len;
  run = run_from_window (window);
  g_assert_true (wait_for (check_running, run));
  fake_end (run, FLINT_RUN_SUCCEEDED, NULL);
  settle (300);
  g_assert_cmpuint (notifications->len, ==, before);

  /* Always: the server gets the run's end, whatever has the focus. */
  g_settings_set_string (settings, "run-notifications", "always");
  run = run_from_window (window);
  g_assert_true (wait_for (check_running, run));
  fake_end (run, FLINT_RUN_FAILED, "Job aborted: stage 3 failed");
  g_assert_true (wait_for (check_n_notifications, GUINT_TO_POINTER (before + 1)));
  n = g_ptr_array_index (notifications, notifications->len - 1);
  g_assert_cmpstr (n->title, ==, "customer-join failed");
  g_assert_true (g_str_has_prefix (n->body, "On fake after 0:0"));
  g_assert_nonnull (strstr (n->body, "Job aborted: stage 3 failed"));
  /* The default action (clicking it shows the run) is offered. */
  g_assert_cmpstr (n->action, ==, "default");

  g_settings_reset (settings, "run-notifications");
  gtk_window_destroy (GTK_WINDOW (window));
  settle (50);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  GTestDBus *bus = NULL;   /* never freed: finalizing waits for the last connection */
  int status;

  tmp_dir = g_dir_make_tmp ("flint-test-runs-XXXXXX", NULL);
  g_setenv ("XDG_STATE_HOME", tmp_dir, TRUE);
  g_setenv ("XDG_DATA_HOME", tmp_dir, TRUE);
  g_setenv ("XDG_CACHE_HOME", tmp_dir, TRUE);
  g_setenv ("XDG_CONFIG_HOME", tmp_dir, TRUE);
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  g_setenv ("GSK_RENDERER", "cairo", TRUE);
  /* The private bus has no accessibility bus to find. */
  g_setenv ("GTK_A11Y", "none", TRUE);

  g_test_init (&argc, &argv, NULL);

  /* A private session bus where the test is the notification server. */
  if (g_find_program_in_path ("dbus-daemon") != NULL)
    {
      g_autofree char *display = g_strdup (g_getenv ("DISPLAY"));

      bus = g_test_dbus_new (G_TEST_DBUS_NONE);
      g_test_dbus_up (bus);
      /* GTestDBus unsets DISPLAY (against X11 autolaunch of a bus); the window needs it. */
      if (display != NULL)
        g_setenv ("DISPLAY", display, TRUE);
      notifications = g_ptr_array_new_with_free_func ((GDestroyNotify) notification_free);
      if (!start_notification_server ())
        g_clear_pointer (&notifications, g_ptr_array_unref);
    }

  gtk_init ();
  following = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  /* The fake stands in for the Kubernetes target (a kind the validator knows). */
  flint_target_register_kind ("kubernetes", FAKE_TYPE_TARGET);

  app = flint_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE | G_APPLICATION_HANDLES_OPEN);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_assert_no_error (error);
  g_assert_nonnull (flint_application_get_runner (app));

  g_test_add_func ("/runs/progress", test_run_progress);
  g_test_add_func ("/runs/progress-link", test_progress_link);
  g_test_add_func ("/runs/switch-while-preparing", test_switch_while_preparing);
  g_test_add_func ("/runs/resumed-run-progress", test_resumed_run_progress);
  g_test_add_func ("/runs/cancel-rerun-logs", test_cancel_rerun_logs);
  g_test_add_func ("/runs/notification", test_notification);

  status = g_test_run ();

  g_clear_object (&app);
  if (bus != NULL)
    g_test_dbus_stop (bus);  /* not down: it waits for the last connection to go */
  return status;
}
