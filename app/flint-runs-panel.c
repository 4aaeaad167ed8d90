/* flint-runs-panel.c: the Runs tab of the bottom pane
 *
 * One row per run: its state (icon and text), pipeline and target, a progress bar over
 * the tasks of its nodes, the time it took (ticking while it runs), and buttons for the
 * Spark UI, the driver's logs, cancel and re-run. Rows follow the live FlintRun objects
 * of the runner; runs from earlier sessions come from the run store as they were left.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "flint"

#include "config.h"

#include <glib/gi18n.h>

#include "flint-runs-panel.h"

#define MAX_STORED_RUNS 50
#define LOG_POLL_MS     1000

struct _FlintRunsPanel
{
  GtkWidget    parent_instance;

  FlintRunner *runner;
  GListStore  *runs;
  GtkWidget   *stack;
  GtkWidget   *list;
  guint        tick_id;
};

G_DEFINE_FINAL_TYPE (FlintRunsPanel, flint_runs_panel, GTK_TYPE_WIDGET)

enum {
  RUN_ACTIVATED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

typedef struct
{
  FlintRunsPanel *panel;   /* weak: the panel owns the row */
  FlintRun       *run;
  GtkWidget      *state_icon;
  GtkWidget      *spinner;
  GtkWidget      *state_label;
  GtkWidget      *title_label;
  GtkWidget      *message_label;
  GtkWidget      *progress;
  GtkWidget      *elapsed_label;
  GSimpleActionGroup *actions;
} Row;

static void
row_free (gpointer data)
{
  Row *row = data;

  g_clear_object (&row->run);
  g_clear_object (&row->actions);
  g_free (row);
}

/* Helpers {{{ */

const char *
flint_runs_state_label (FlintRunState state)
{
  switch (state)
    {
    case FLINT_RUN_QUEUED:
      return _("Queued");
    case FLINT_RUN_SUBMITTING:
      return _("Submitting");
    case FLINT_RUN_RUNNING:
      return _("Running");
    case FLINT_RUN_SUCCEEDED:
      return _("Succeeded");
    case FLINT_RUN_FAILED:
      return _("Failed");
    case FLINT_RUN_CANCELLED:
      return _("Cancelled");
    case FLINT_RUN_LOST:
      return _("Lost");
    default:
      return "";
    }
}

const char *
flint_runs_state_icon (FlintRunState state)
{
  switch (state)
    {
    case FLINT_RUN_QUEUED:
      return "content-loading-symbolic";
    case FLINT_RUN_SUBMITTING:
    case FLINT_RUN_RUNNING:
      return "media-playback-start-symbolic";
    case FLINT_RUN_SUCCEEDED:
      return "emblem-ok-symbolic";
    case FLINT_RUN_FAILED:
      return "dialog-error-symbolic";
    case FLINT_RUN_CANCELLED:
      return "process-stop-symbolic";
    case FLINT_RUN_LOST:
    default:
      return "dialog-question-symbolic";
    }
}

char *
flint_runs_format_elapsed (FlintRun *run,
                           gint64    now)
{
  gint64 start = flint_run_get_started_at (run);
  gint64 end = flint_run_get_finished_at (run);
  gint64 seconds;

  if (start == 0)
    start = flint_run_get_created_at (run);
  if (end == 0)
    end = flint_run_state_is_finished (flint_run_get_state (run)) ? flint_run_get_updated_at (run) : now;
  seconds = MAX (0, (end - start) / G_USEC_PER_SEC);

  if (seconds >= 3600)
    return g_strdup_printf ("%" G_GINT64_FORMAT ":%02d:%02d", seconds / 3600,
                            (int) (seconds / 60 % 60), (int) (seconds % 60));
  return g_strdup_printf ("%d:%02d", (int) (seconds / 60), (int) (seconds % 60));
}

double
flint_runs_get_fraction (FlintRun *run)
{
  GPtrArray *progress = flint_run_get_progress (run);
  guint64 done = 0, total = 0;

  if (flint_run_get_state (run) == FLINT_RUN_SUCCEEDED)
    return 1.0;
  for (guint i = 0; i < progress->len; i++)
    {
      const FlintNodeProgress *p = g_ptr_array_index (progress, i);

      done += MIN (p->tasks_done, p->tasks_total);
      total += p->tasks_total;
    }
  return total > 0 ? (double) done / total : 0.0;
}

static GtkWindow *
get_window (FlintRunsPanel *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  return GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL;
}

/* Where the Spark UI of a run can still be opened: a driver's UI goes with the driver,
 * a Databricks run page stays. */
static gboolean
has_spark_ui (FlintRun *run)
{
  if (flint_run_get_ui_url (run) == NULL)
    return FALSE;
  return !flint_run_state_is_finished (flint_run_get_state (run)) ||
         g_strcmp0 (flint_run_get_target_kind (run), "databricks") == 0;
}

/* }}} */

/* Rows {{{ */

static void
row_update_elapsed (Row    *row,
                    gint64  now)
{
  g_autofree char *elapsed = flint_runs_format_elapsed (row->run, now);

  gtk_label_set_text (GTK_LABEL (row->elapsed_label), elapsed);
}

static void
row_update (GtkWidget *widget)
{
  Row *row = g_object_get_data (G_OBJECT (widget), "flint-row");
  FlintRun *run = row->run;
  FlintRunState state = flint_run_get_state (run);
  gboolean finished = flint_run_state_is_finished (state);
  gboolean busy = state == FLINT_RUN_SUBMITTING || state == FLINT_RUN_RUNNING;
  double fraction = flint_runs_get_fraction (run);
  g_autofree char *percent = NULL;
  g_autoptr(GString) tooltip = g_string_new (NULL);
  GPtrArray *progress = flint_run_get_progress (run);
  const char *message = flint_run_get_message (run);
  GAction *action;

  gtk_image_set_from_icon_name (GTK_IMAGE (row->state_icon), flint_runs_state_icon (state));
  gtk_widget_set_visible (row->state_icon, !busy);
  gtk_widget_set_visible (row->spinner, busy);
  gtk_spinner_set_spinning (GTK_SPINNER (row->spinner), busy);
  gtk_label_set_text (GTK_LABEL (row->state_label), flint_runs_state_label (state));

  gtk_widget_remove_css_class (row->state_icon, "success");
  gtk_widget_remove_css_class (row->state_icon, "error");
  gtk_widget_remove_css_class (row->state_icon, "dim-label");
  gtk_widget_remove_css_class (row->progress, "success");
  gtk_widget_remove_css_class (row->progress, "error");
  if (state == FLINT_RUN_SUCCEEDED)
    {
      gtk_widget_add_css_class (row->state_icon, "success");
      gtk_widget_add_css_class (row->progress, "success");
    }
  else if (state == FLINT_RUN_FAILED || state == FLINT_RUN_LOST)
    {
      gtk_widget_add_css_class (row->state_icon, "error");
      gtk_widget_add_css_class (row->progress, "error");
    }
  else if (!busy)
    gtk_widget_add_css_class (row->state_icon, "dim-label");

  gtk_progress_bar_set_fraction (GTK_PROGRESS_BAR (row->progress), fraction);
  /* Translators: a run's progress, in percent of its tasks */
  percent = g_strdup_printf (_("%d %%"), (int) (fraction * 100 + 0.5) > 100 ? 100 : (int) (fraction * 100));
  gtk_progress_bar_set_text (GTK_PROGRESS_BAR (row->progress), percent);
  for (guint i = 0; i < progress->len; i++)
    {
      const FlintNodeProgress *p = g_ptr_array_index (progress, i);

      if (tooltip->len > 0)
        g_string_append_c (tooltip, '\n');
      /* Translators: a node, the Spark tasks done and the tasks in all */
      g_string_append_printf (tooltip, _("%s: %u of %u tasks"), p->label ? p->label : p->node_id,
                              p->tasks_done, p->tasks_total);
    }
  gtk_widget_set_tooltip_text (row->progress, tooltip->len > 0 ? tooltip->str : NULL);

  gtk_label_set_text (GTK_LABEL (row->message_label), message ? message : "");
  gtk_widget_set_tooltip_text (row->message_label, message);
  gtk_widget_set_visible (row->message_label, message != NULL && message[0] != '\0');
  row_update_elapsed (row, g_get_real_time ());

  action = g_action_map_lookup_action (G_ACTION_MAP (row->actions), "cancel");
  g_simple_action_set_enabled (G_SIMPLE_ACTION (action), !finished);
  action = g_action_map_lookup_action (G_ACTION_MAP (row->actions), "rerun");
  g_simple_action_set_enabled (G_SIMPLE_ACTION (action), finished && flint_run_get_program_file (run) != NULL);
  action = g_action_map_lookup_action (G_ACTION_MAP (row->actions), "spark-ui");
  g_simple_action_set_enabled (G_SIMPLE_ACTION (action), has_spark_ui (run));
}

static void
cancel_activated (GSimpleAction *action,
                  GVariant      *parameter,
                  gpointer       user_data)
{
  Row *row = user_data;
  g_autoptr(GError) error = NULL;

  if (!flint_runner_cancel (row->panel->runner, flint_run_get_id (row->run), &error))
    {
      g_warning ("Cannot cancel run %s: %s", flint_run_get_id (row->run), error->message);
      return;
    }
  /* Cancel asked: the target may take a moment; the button goes once it is asked. */
  g_simple_action_set_enabled (action, FALSE);
}

static void
rerun_activated (GSimpleAction *action,
                 GVariant      *parameter,
                 gpointer       user_data)
{
  Row *row = user_data;

  flint_runs_panel_rerun (row->panel, row->run);
}

static void
logs_activated (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  Row *row = user_data;

  flint_runs_panel_show_logs (row->panel, row->run);
}

static void
spark_ui_activated (GSimpleAction *action,
                    GVariant      *parameter,
                    gpointer       user_data)
{
  Row *row = user_data;

  if (flint_run_get_ui_url (row->run) != NULL)
    gtk_show_uri (get_window (row->panel), flint_run_get_ui_url (row->run), GDK_CURRENT_TIME);
}

static GtkWidget *
make_button (const char *icon_name,
             const char *action_name,
             const char *tooltip)
{
  GtkWidget *button = gtk_button_new_from_icon_name (icon_name);

  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), action_name);
  gtk_widget_set_tooltip_text (button, tooltip);
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "flat");
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, tooltip, -1);
  return button;
}

static GtkWidget *
create_row (gpointer item,
            gpointer user_data)
{
  FlintRunsPanel *self = user_data;
  FlintRun *run = item;
  const GActionEntry entries[] = {
    { "cancel", cancel_activated, NULL, NULL, NULL, { 0 } },
    { "rerun", rerun_activated, NULL, NULL, NULL, { 0 } },
    { "logs", logs_activated, NULL, NULL, NULL, { 0 } },
    { "spark-ui", spark_ui_activated, NULL, NULL, NULL, { 0 } },
  };
  GtkWidget *widget = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *texts = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *state_box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *buttons = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
  g_autofree char *title = NULL;
  Row *row = g_new0 (Row, 1);

  row->panel = self;
  row->run = g_object_ref (run);

  g_object_set (box, "margin-top", 6, "margin-bottom", 6, "margin-start", 12, "margin-end", 6, NULL);

  /* State: a spinner while it runs, an icon otherwise, and the state in words. */
  gtk_widget_set_size_request (state_box, 120, -1);
  row->state_icon = gtk_image_new ();
  gtk_widget_set_name (row->state_icon, "state-icon");
  row->spinner = gtk_spinner_new ();
  row->state_label = gtk_label_new (NULL);
  gtk_widget_set_name (row->state_label, "state-label");
  gtk_label_set_xalign (GTK_LABEL (row->state_label), 0);
  gtk_box_append (GTK_BOX (state_box), row->state_icon);
  gtk_box_append (GTK_BOX (state_box), row->spinner);
  gtk_box_append (GTK_BOX (state_box), row->state_label);
  gtk_box_append (GTK_BOX (box), state_box);

  /* Translators: a pipeline's name and the target it runs on */
  title = g_strdup_printf (_("%s on %s"), flint_run_get_pipeline_name (run) ? flint_run_get_pipeline_name (run) : _("Untitled"),
                           flint_run_get_target_name (run) ? flint_run_get_target_name (run) : "local");
  row->title_label = gtk_label_new (title);
  gtk_widget_set_name (row->title_label, "title-label");
  gtk_label_set_xalign (GTK_LABEL (row->title_label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (row->title_label), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (row->title_label, "heading");
  row->message_label = gtk_label_new (NULL);
  gtk_widget_set_name (row->message_label, "message-label");
  gtk_label_set_xalign (GTK_LABEL (row->message_label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (row->message_label), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (row->message_label, "caption");
  gtk_widget_add_css_class (row->message_label, "dim-label");
  {
    /* Translators: the short run id and the target's kind (local, kubernetes, databricks) */
    g_autofree char *id = g_strdup_printf (_("Run %.8s · %s"), flint_run_get_id (run),
                                           flint_run_get_target_kind (run) ? flint_run_get_target_kind (run) : "local");
    GtkWidget *id_label = gtk_label_new (id);

    gtk_label_set_xalign (GTK_LABEL (id_label), 0);
    gtk_widget_add_css_class (id_label, "caption");
    gtk_widget_add_css_class (id_label, "dim-label");
    gtk_label_set_selectable (GTK_LABEL (id_label), FALSE);
    gtk_box_append (GTK_BOX (texts), row->title_label);
    gtk_box_append (GTK_BOX (texts), id_label);
    gtk_box_append (GTK_BOX (texts), row->message_label);
  }
  gtk_widget_set_hexpand (texts, TRUE);
  gtk_widget_set_valign (texts, GTK_ALIGN_CENTER);
  gtk_box_append (GTK_BOX (box), texts);

  row->progress = gtk_progress_bar_new ();
  gtk_widget_set_name (row->progress, "progress-bar");
  gtk_progress_bar_set_show_text (GTK_PROGRESS_BAR (row->progress), TRUE);
  gtk_widget_set_size_request (row->progress, 160, -1);
  gtk_widget_set_valign (row->progress, GTK_ALIGN_CENTER);
  gtk_box_append (GTK_BOX (box), row->progress);

  row->elapsed_label = gtk_label_new (NULL);
  gtk_widget_set_name (row->elapsed_label, "elapsed-label");
  gtk_widget_add_css_class (row->elapsed_label, "numeric");
  gtk_label_set_xalign (GTK_LABEL (row->elapsed_label), 1);
  gtk_label_set_width_chars (GTK_LABEL (row->elapsed_label), 7);
  gtk_widget_set_tooltip_text (row->elapsed_label, _("Elapsed time"));
  gtk_box_append (GTK_BOX (box), row->elapsed_label);

  gtk_box_append (GTK_BOX (buttons), make_button ("web-browser-symbolic", "run.spark-ui", _("Open the Spark UI")));
  gtk_box_append (GTK_BOX (buttons), make_button ("utilities-terminal-symbolic", "run.logs", _("Show the Logs")));
  gtk_box_append (GTK_BOX (buttons), make_button ("process-stop-symbolic", "run.cancel", _("Cancel the Run")));
  gtk_box_append (GTK_BOX (buttons), make_button ("view-refresh-symbolic", "run.rerun", _("Run Again")));
  gtk_box_append (GTK_BOX (box), buttons);

  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (widget), box);

  row->actions = g_simple_action_group_new ();
  g_action_map_add_action_entries (G_ACTION_MAP (row->actions), entries, G_N_ELEMENTS (entries), row);
  gtk_widget_insert_action_group (widget, "run", G_ACTION_GROUP (row->actions));

  g_object_set_data_full (G_OBJECT (widget), "flint-row", row, row_free);
  g_signal_connect_object (run, "changed", G_CALLBACK (row_update), widget, G_CONNECT_SWAPPED);
  g_signal_connect_object (run, "node-progress", G_CALLBACK (row_update), widget, G_CONNECT_SWAPPED);
  row_update (widget);

  return widget;
}

static gboolean
tick (gpointer user_data)
{
  FlintRunsPanel *self = user_data;
  gint64 now = g_get_real_time ();

  for (GtkWidget *child = gtk_widget_get_first_child (self->list); child; child = gtk_widget_get_next_sibling (child))
    {
      Row *row = g_object_get_data (G_OBJECT (child), "flint-row");

      if (row != NULL && !flint_run_state_is_finished (flint_run_get_state (row->run)))
        row_update_elapsed (row, now);
    }
  return G_SOURCE_CONTINUE;
}

/* }}} */

/* The model {{{ */

static gboolean
find_run (FlintRunsPanel *self,
          const char     *id,
          guint          *position)
{
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->runs)); i++)
    {
      g_autoptr(FlintRun) run = g_list_model_get_item (G_LIST_MODEL (self->runs), i);

      if (g_strcmp0 (flint_run_get_id (run), id) == 0)
        {
          *position = i;
          return TRUE;
        }
    }
  return FALSE;
}

static void
update_placeholder (FlintRunsPanel *self)
{
  gtk_stack_set_visible_child_name (GTK_STACK (self->stack),
                                    g_list_model_get_n_items (G_LIST_MODEL (self->runs)) > 0 ? "runs" : "empty");
}

/* The runner's live object replaces the store's copy of the same run (resumed runs). */
static void
on_run_added (FlintRunsPanel *self,
              FlintRun       *run)
{
  guint position;

  if (find_run (self, flint_run_get_id (run), &position))
    g_list_store_splice (self->runs, position, 1, (gpointer *) &run, 1);
  else
    g_list_store_insert (self->runs, 0, run);
  update_placeholder (self);
}

static void
on_row_activated (GtkListBox     *list,
                  GtkListBoxRow  *widget,
                  FlintRunsPanel *self)
{
  Row *row = g_object_get_data (G_OBJECT (widget), "flint-row");

  if (row != NULL)
    g_signal_emit (self, signals[RUN_ACTIVATED], 0, row->run);
}

/* }}} */

/* Logs {{{ */

typedef struct
{
  FlintRunsPanel *panel;
  FlintRun       *run;
  FlintTarget    *target;
  GtkWidget      *views[2];
  guint64         offsets[2];
  gboolean        reading[2];
  gboolean        final_read;
  GCancellable   *cancellable;
  guint           poll_id;
} LogsData;

static void
logs_data_free (gpointer data)
{
  LogsData *logs = data;

  g_clear_handle_id (&logs->poll_id, g_source_remove);
  g_cancellable_cancel (logs->cancellable);
  /* Reads still under way find no window to write to. */
  for (int i = 0; i < 2; i++)
    {
      g_object_set_data (G_OBJECT (logs->views[i]), "flint-logs", NULL);
      g_clear_object (&logs->views[i]);
    }
  g_clear_object (&logs->cancellable);
  g_clear_object (&logs->run);
  g_clear_object (&logs->target);
  g_free (logs);
}

static void read_logs (LogsData *logs);

static void
on_logs_read (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  GtkWidget *view = user_data;
  LogsData *logs;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  guint64 next = 0;
  int stream;

  bytes = flint_target_read_logs_finish (FLINT_TARGET (source), result, &next, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_object_unref (view);
      return;
    }
  logs = g_object_get_data (G_OBJECT (view), "flint-logs");
  stream = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (view), "flint-stream"));
  g_object_unref (view);
  if (logs == NULL)
    return;
  logs->reading[stream] = FALSE;

  if (bytes != NULL && g_bytes_get_size (bytes) > 0)
    {
      GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (view));
      GtkWidget *scrolled = gtk_widget_get_ancestor (view, GTK_TYPE_SCROLLED_WINDOW);
      GtkAdjustment *adj = scrolled ? gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scrolled)) : NULL;
      gboolean at_end = adj == NULL ||
                        gtk_adjustment_get_value (adj) >= gtk_adjustment_get_upper (adj) - gtk_adjustment_get_page_size (adj) - 4;
      gsize size;
      const char *data = g_bytes_get_data (bytes, &size);
      g_autofree char *text = g_utf8_make_valid (data, size);
      GtkTextIter end;

      gtk_text_buffer_get_end_iter (buffer, &end);
      gtk_text_buffer_insert (buffer, &end, text, -1);
      /* Follow the output, unless the reader scrolled up to read something. */
      if (at_end)
        {
          GtkTextMark *mark = gtk_text_buffer_get_insert (buffer);

          gtk_text_buffer_get_end_iter (buffer, &end);
          gtk_text_buffer_place_cursor (buffer, &end);
          gtk_text_view_scroll_mark_onscreen (GTK_TEXT_VIEW (view), mark);
        }
    }
  if (error == NULL)
    logs->offsets[stream] = next;
  else
    g_debug ("Cannot read the logs of run %s: %s", flint_run_get_id (logs->run), error->message);
}

static gboolean
poll_logs (gpointer user_data)
{
  LogsData *logs = user_data;

  if (logs->final_read)
    {
      logs->poll_id = 0;
      return G_SOURCE_REMOVE;
    }
  read_logs (logs);
  return G_SOURCE_CONTINUE;
}

static void
read_logs (LogsData *logs)
{
  /* After the run ended, one more read gets what the driver wrote last. */
  if (flint_run_state_is_finished (flint_run_get_state (logs->run)))
    logs->final_read = TRUE;

  for (int stream = 0; stream < 2; stream++)
    {
      if (logs->reading[stream])
        continue;
      logs->reading[stream] = TRUE;
      flint_target_read_logs_async (logs->target, logs->run,
                                    stream == 0 ? FLINT_LOG_STDOUT : FLINT_LOG_STDERR,
                                    logs->offsets[stream], logs->cancellable, on_logs_read,
                                    g_object_ref (logs->views[stream]));
    }
}

static GtkWidget *
make_log_view (AdwViewStack *stack,
               const char   *name,
               const char   *title,
               const char   *icon_name)
{
  GtkWidget *scrolled = gtk_scrolled_window_new ();
  GtkWidget *view = gtk_text_view_new ();
  AdwViewStackPage *page;

  gtk_widget_set_name (view, name);
  gtk_text_view_set_editable (GTK_TEXT_VIEW (view), FALSE);
  gtk_text_view_set_monospace (GTK_TEXT_VIEW (view), TRUE);
  gtk_text_view_set_wrap_mode (GTK_TEXT_VIEW (view), GTK_WRAP_WORD_CHAR);
  g_object_set (view, "left-margin", 12, "right-margin", 12, "top-margin", 12, "bottom-margin", 12, NULL);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), view);
  gtk_widget_set_vexpand (scrolled, TRUE);
  page = adw_view_stack_add_titled (stack, scrolled, name, title);
  adw_view_stack_page_set_icon_name (page, icon_name);
  return view;
}

/* }}} */

static void
flint_runs_panel_dispose (GObject *object)
{
  FlintRunsPanel *self = FLINT_RUNS_PANEL (object);
  GtkWidget *child;

  g_clear_handle_id (&self->tick_id, g_source_remove);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  if (self->runner != NULL)
    g_signal_handlers_disconnect_by_data (self->runner, self);
  g_clear_object (&self->runner);
  g_clear_object (&self->runs);

  G_OBJECT_CLASS (flint_runs_panel_parent_class)->dispose (object);
}

static void
flint_runs_panel_class_init (FlintRunsPanelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = flint_runs_panel_dispose;

  signals[RUN_ACTIVATED] =
    g_signal_new ("run-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, FLINT_TYPE_RUN);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "flintrunspanel");
}

static void
flint_runs_panel_init (FlintRunsPanel *self)
{
  GtkWidget *scrolled = gtk_scrolled_window_new ();
  GtkWidget *empty = adw_status_page_new ();

  self->runs = g_list_store_new (FLINT_TYPE_RUN);
  self->stack = gtk_stack_new ();
  gtk_widget_set_parent (self->stack, GTK_WIDGET (self));

  adw_status_page_set_icon_name (ADW_STATUS_PAGE (empty), "media-playback-start-symbolic");
  adw_status_page_set_title (ADW_STATUS_PAGE (empty), _("No Runs Yet"));
  adw_status_page_set_description (ADW_STATUS_PAGE (empty),
                                   _("Run the pipeline (Ctrl+R) to follow its progress here"));
  gtk_widget_add_css_class (empty, "compact");
  gtk_stack_add_named (GTK_STACK (self->stack), empty, "empty");

  self->list = gtk_list_box_new ();
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (self->list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (self->list, "flint-runs");
  gtk_list_box_set_show_separators (GTK_LIST_BOX (self->list), TRUE);
  gtk_list_box_bind_model (GTK_LIST_BOX (self->list), G_LIST_MODEL (self->runs), create_row, self, NULL);
  g_signal_connect_object (self->list, "row-activated", G_CALLBACK (on_row_activated), self, 0);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), self->list);
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_stack_add_named (GTK_STACK (self->stack), scrolled, "runs");

  self->tick_id = g_timeout_add_seconds (1, tick, self);
}

GtkWidget *
flint_runs_panel_new (FlintRunner *runner)
{
  FlintRunsPanel *self;
  g_autoptr(GPtrArray) stored = NULL;
  g_autoptr(GError) error = NULL;

  g_return_val_if_fail (runner == NULL || FLINT_IS_RUNNER (runner), NULL);

  self = g_object_new (FLINT_TYPE_RUNS_PANEL, NULL);
  if (runner != NULL)
    {
      self->runner = g_object_ref (runner);
      stored = flint_run_store_list (flint_runner_get_store (runner), MAX_STORED_RUNS, &error);
      if (stored == NULL)
        g_warning ("Cannot list the runs: %s", error->message);
      else
        for (guint i = 0; i < stored->len; i++)
          {
            FlintRun *run = g_ptr_array_index (stored, i);
            /* A run this process follows shows as the live object. */
            FlintRun *live = flint_runner_lookup (runner, flint_run_get_id (run));

            g_list_store_append (self->runs, live ? live : run);
          }
      g_signal_connect_object (runner, "run-added", G_CALLBACK (on_run_added), self, G_CONNECT_SWAPPED);
    }
  update_placeholder (self);

  return GTK_WIDGET (self);
}

FlintRunner *
flint_runs_panel_get_runner (FlintRunsPanel *self)
{
  g_return_val_if_fail (FLINT_IS_RUNS_PANEL (self), NULL);

  return self->runner;
}

GListModel *
flint_runs_panel_get_runs (FlintRunsPanel *self)
{
  g_return_val_if_fail (FLINT_IS_RUNS_PANEL (self), NULL);

  return G_LIST_MODEL (self->runs);
}

GtkWidget *
flint_runs_panel_get_row (FlintRunsPanel *self,
                          const char     *run_id)
{
  guint position;

  g_return_val_if_fail (FLINT_IS_RUNS_PANEL (self), NULL);

  if (!find_run (self, run_id, &position))
    return NULL;
  return GTK_WIDGET (gtk_list_box_get_row_at_index (GTK_LIST_BOX (self->list), position));
}

typedef struct
{
  FlintRunsPanel *panel;
  FlintRun       *run;
} RerunData;

static void
rerun_data_free (RerunData *data)
{
  g_clear_object (&data->panel);
  g_clear_object (&data->run);
  g_free (data);
}

static void
on_program_loaded (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  RerunData *data = user_data;
  FlintRun *old = data->run;
  g_autoptr(GError) error = NULL;
  g_autofree char *program = NULL;
  g_autoptr(FlintRun) run = NULL;
  GPtrArray *progress;
  gsize length;

  if (!g_file_load_contents_finish (G_FILE (source), result, &program, &length, NULL, &error) ||
      data->panel->runner == NULL)
    {
      if (error != NULL)
        g_warning ("Cannot run %s again: %s", flint_run_get_id (old), error->message);
      rerun_data_free (data);
      return;
    }

  run = flint_run_new (flint_run_get_pipeline_name (old), flint_run_get_target_name (old),
                       flint_run_get_target_kind (old));
  flint_run_set_pipeline_file (run, flint_run_get_pipeline_file (old));
  flint_run_set_target_config (run, flint_run_get_target_config (old));
  flint_run_set_environment (run, flint_run_get_environment (old));
  flint_run_set_priority (run, flint_run_get_priority (old));
  flint_run_set_max_attempts (run, flint_run_get_max_attempts (old));
  flint_run_set_retry_backoff (run, flint_run_get_retry_backoff (old));
  flint_run_set_timeout_minutes (run, flint_run_get_timeout_minutes (old));
  progress = flint_run_get_progress (old);
  for (guint i = 0; i < progress->len; i++)
    {
      const FlintNodeProgress *p = g_ptr_array_index (progress, i);

      flint_run_declare_node (run, p->node_id, p->label);
    }

  if (!flint_runner_enqueue (data->panel->runner, run, program, &error))
    g_warning ("Cannot run %s again: %s", flint_run_get_id (old), error->message);
  rerun_data_free (data);
}

void
flint_runs_panel_rerun (FlintRunsPanel *self,
                        FlintRun       *run)
{
  g_autoptr(GFile) program = NULL;
  RerunData *data;

  g_return_if_fail (FLINT_IS_RUNS_PANEL (self));
  g_return_if_fail (FLINT_IS_RUN (run));

  if (self->runner == NULL || flint_run_get_program_file (run) == NULL)
    return;

  data = g_new0 (RerunData, 1);
  data->panel = g_object_ref (self);
  data->run = g_object_ref (run);
  program = g_file_new_for_path (flint_run_get_program_file (run));
  g_file_load_contents_async (program, NULL, on_program_loaded, data);
}

GtkWindow *
flint_runs_panel_show_logs (FlintRunsPanel *self,
                            FlintRun       *run)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *title = NULL;
  GtkWidget *window, *box, *header, *switcher, *bar;
  AdwViewStack *stack;
  FlintTarget *target;
  LogsData *logs;

  g_return_val_if_fail (FLINT_IS_RUNS_PANEL (self), NULL);
  g_return_val_if_fail (FLINT_IS_RUN (run), NULL);

  target = self->runner ? flint_runner_get_target (self->runner, run, &error) : NULL;

  window = adw_window_new ();
  gtk_window_set_transient_for (GTK_WINDOW (window), get_window (self));
  gtk_window_set_default_size (GTK_WINDOW (window), 820, 560);
  /* Translators: the logs window's title; %.8s is the short run id */
  title = g_strdup_printf (_("Logs of Run %.8s"), flint_run_get_id (run));
  gtk_window_set_title (GTK_WINDOW (window), title);

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  header = adw_header_bar_new ();
  stack = ADW_VIEW_STACK (adw_view_stack_new ());
  switcher = adw_view_switcher_title_new ();
  adw_view_switcher_title_set_stack (ADW_VIEW_SWITCHER_TITLE (switcher), stack);
  adw_view_switcher_title_set_title (ADW_VIEW_SWITCHER_TITLE (switcher), title);
  adw_header_bar_set_title_widget (ADW_HEADER_BAR (header), switcher);
  gtk_box_append (GTK_BOX (box), header);

  logs = g_new0 (LogsData, 1);
  logs->panel = self;
  logs->run = g_object_ref (run);
  logs->cancellable = g_cancellable_new ();
  logs->views[0] = make_log_view (stack, "stdout-view", _("Output"), "utilities-terminal-symbolic");
  logs->views[1] = make_log_view (stack, "stderr-view", _("Driver Log"), "dialog-warning-symbolic");
  gtk_widget_set_vexpand (GTK_WIDGET (stack), TRUE);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (stack));
  bar = adw_view_switcher_bar_new ();
  adw_view_switcher_bar_set_stack (ADW_VIEW_SWITCHER_BAR (bar), stack);
  g_object_bind_property (switcher, "title-visible", bar, "reveal", G_BINDING_SYNC_CREATE);
  gtk_box_append (GTK_BOX (box), bar);
  adw_window_set_content (ADW_WINDOW (window), box);

  for (int i = 0; i < 2; i++)
    {
      g_object_ref (logs->views[i]);
      g_object_set_data (G_OBJECT (logs->views[i]), "flint-logs", logs);
      g_object_set_data (G_OBJECT (logs->views[i]), "flint-stream", GINT_TO_POINTER (i));
    }
  g_object_set_data_full (G_OBJECT (window), "flint-logs", logs, logs_data_free);

  if (target == NULL)
    {
      GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (logs->views[0]));

      gtk_text_buffer_set_text (buffer, error ? error->message : "", -1);
    }
  else
    {
      logs->target = g_object_ref (target);
      read_logs (logs);
      if (!logs->final_read)
        logs->poll_id = g_timeout_add (LOG_POLL_MS, poll_logs, logs);
    }

  gtk_window_present (GTK_WINDOW (window));
  return GTK_WINDOW (window);
}
