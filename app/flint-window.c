/* flint-window.c
 *
 * The designer window: palette on the left, the canvas in the centre, the inspector and
 * the job settings on the right, the generated code and the problems in a bottom pane.
 * It owns the document (pipeline, history, validator) and its files: open, save, autosave
 * and recovery, all asynchronous.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "flint"

#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "flint-code-view.h"
#include "flint-inspector.h"
#include "flint-job-page.h"
#include "flint-palette.h"
#include "flint-preview-panel.h"
#include "flint-problems.h"
#include "flint-runs-panel.h"
#include "flint-window.h"
#include "runtime/flint-paths.h"
#include "runtime/flint-preview.h"
#if HAVE_FLINT_CANVAS
#include "designer/canvas/flint-canvas.h"
#include "designer/canvas/flint-canvas-geometry.h"
#endif

#define MAX_RECENT_SHOWN 10

struct _FlintWindow
{
  AdwApplicationWindow  parent_instance;

  /* Template children */
  AdwToastOverlay      *toast_overlay;
  AdwWindowTitle       *window_title;
  GtkStack             *stack;
  GtkSpinner           *spinner;
  AdwStatusPage        *error_page;
  GtkPaned             *main_paned;
  GtkWidget            *palette_box;
  GtkWidget            *center_box;
  AdwViewStack         *sidebar_stack;
  GtkPaned             *bottom_pane;
  GMenu                *examples_section;
  GMenu                *recent_section;
  GtkMenuButton        *new_button;
  GtkMenuButton        *export_button;
  GtkMenuButton        *menu_button;
  GMenuModel           *new_menu;
  GMenuModel           *export_menu;
  GMenuModel           *primary_menu;

  GtkWidget            *palette;
  GtkWidget            *canvas;         /* FlintCanvas, or the node list until it lands */
  GtkWidget            *nodes_list;
  GtkWidget            *inspector;
  GtkWidget            *job_page;
  GtkWidget            *code_view;
  GtkWidget            *problems;
  GtkWidget            *bottom_tabs;    /* Code | Preview */
  GtkWidget            *preview_panel;

  /* The preview: one local Spark worker for the window's life, started on first use. */
  FlintPreviewSession  *preview_session;
  GCancellable         *preview_cancellable;
  char                 *preview_node;   /* what the panel shows (or is computing) */

  /* Runs: the target chooser by the Run button, the Runs tab, the run the canvas shows. */
  GtkDropDown          *target_dropdown;
  GtkStringList        *targets;
  GtkWidget            *runs_panel;
  FlintRun             *shown_run;
  GtkWidget            *run_button;
  GCancellable         *run_cancellable; /* the submission being prepared */
  FlintPipeline        *run_pipeline;    /* the document it was asked for */

  GFile                *file;
  FlintPipeline        *pipeline;
  FlintHistory         *history;
  FlintValidator       *validator;
  GCancellable         *cancellable;    /* the load running */
  GCancellable         *io_cancellable; /* saves, autosaves, recovery checks */
  GtkNativeDialog      *chooser;
  GSettings            *settings;
  char                 *selected;
  char                 *untitled_key;
  guint                 validate_source;
  gint64                loading_since;  /* when the loading page was shown */
  guint                 autosave_source;
  guint                 alloc_source;
  char                 *last_alloc_dump;
  gboolean              recovered;      /* shows changes recovered from an autosave */
  AdwToast             *recovery_toast; /* weak */
  gboolean              close_confirmed;
  gboolean              autosaving;
};

typedef struct
{
  FlintWindow  *self;
  GCancellable *cancellable;
  GFile        *file;       /* what was loaded */
  GFile        *shown_as;   /* the document's file afterwards (NULL: untitled) */
  gboolean      recovered;
  gboolean      close_after;
  gboolean      run_after;  /* Run saves a pipeline that has a file first */
} IoData;

G_DEFINE_FINAL_TYPE (FlintWindow, flint_window, ADW_TYPE_APPLICATION_WINDOW)

enum {
  PROP_0,
  PROP_FILE,
  PROP_PIPELINE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void update_title           (FlintWindow *self);
static void update_run_targets     (FlintWindow *self);
static void follow_run             (FlintWindow *self, FlintRun *run);
static void follow_file_run        (FlintWindow *self);
static void submit_run             (FlintWindow *self);
static void on_preview_stale       (FlintWindow *self, gpointer item, const char *what);
static void on_preview_structure   (FlintWindow *self);
static void update_autosave_timer  (FlintWindow *self);
static void check_recovery         (FlintWindow *self);
static void save_as_action         (GtkWidget *widget, const char *action_name, GVariant *parameter);

static void
io_data_free (IoData *data)
{
  g_clear_object (&data->self);
  g_clear_object (&data->cancellable);
  g_clear_object (&data->file);
  g_clear_object (&data->shown_as);
  g_free (data);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (IoData, io_data_free)

static IoData *
io_data_new (FlintWindow  *self,
             GCancellable *cancellable,
             GFile        *file)
{
  IoData *data = g_new0 (IoData, 1);

  data->self = g_object_ref (self);
  data->cancellable = cancellable != NULL ? g_object_ref (cancellable) : NULL;
  data->file = file != NULL ? g_object_ref (file) : NULL;

  return data;
}

static char *
dup_display_basename (GFile *file)
{
  const char *path = g_file_peek_path (file);

  if (path != NULL)
    return g_filename_display_basename (path);

  return g_file_get_basename (file);
}

static void
show_toast (FlintWindow *self,
            const char  *message)
{
  AdwToast *toast = adw_toast_new (message);

  adw_toast_set_timeout (toast, 4);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

/* A load that ends this soon after it began replaces the loading page without the
 * crossfade: the page was barely (or never) on screen, and fading the document in would
 * only delay it. */
#define LOADING_FADE_AFTER_US (150 * G_TIME_SPAN_MILLISECOND)

static void
show_page (FlintWindow *self,
           const char  *name)
{
  gboolean loading = g_str_equal (name, "loading");
  GtkStackTransitionType transition = gtk_stack_get_transition_type (self->stack);

  if (!loading && g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "loading") == 0
      && g_get_monotonic_time () - self->loading_since < LOADING_FADE_AFTER_US)
    transition = GTK_STACK_TRANSITION_TYPE_NONE;
  if (loading)
    self->loading_since = g_get_monotonic_time ();
  gtk_spinner_set_spinning (self->spinner, loading);
  gtk_stack_set_visible_child_full (self->stack, name, transition);
}

/* Debug aid for end-to-end tests: FLINT_DEBUG_ALLOCATIONS=1 prints where the widgets
 * a test clicks are, in window surface coordinates, whenever that changes. */
static void
dump_widget (GString    *out,
             GtkWidget  *window,
             const char *name,
             GtkWidget  *widget,
             double      dx,
             double      dy)
{
  graphene_rect_t bounds;

  if (widget == NULL || !gtk_widget_get_mapped (widget)
      || !gtk_widget_compute_bounds (widget, window, &bounds))
    return;

  g_string_append_printf (out, "flint-alloc %s %d %d %d %d\n", name,
                          (int) (bounds.origin.x + dx), (int) (bounds.origin.y + dy),
                          (int) bounds.size.width, (int) bounds.size.height);
}

static gboolean
dump_allocations (gpointer user_data)
{
  FlintWindow *self = user_data;
  g_autoptr (GString) out = g_string_new (NULL);
  double dx = 0;
  double dy = 0;

  if (!gtk_widget_get_mapped (GTK_WIDGET (self)))
    return G_SOURCE_CONTINUE;

  gtk_native_get_surface_transform (GTK_NATIVE (self), &dx, &dy);
  dump_widget (out, GTK_WIDGET (self), "window", GTK_WIDGET (self), dx, dy);
  dump_widget (out, GTK_WIDGET (self), "canvas", self->canvas, dx, dy);
  dump_widget (out, GTK_WIDGET (self), "code-view", self->code_view, dx, dy);
  dump_widget (out, GTK_WIDGET (self), "inspector", self->inspector, dx, dy);
  dump_widget (out, GTK_WIDGET (self), "palette-search",
               flint_palette_get_search_entry (FLINT_PALETTE (self->palette)), dx, dy);
  for (guint i = 0; i < flint_palette_get_n_visible (FLINT_PALETTE (self->palette)); i++)
    {
      const char *kind = flint_palette_get_visible_kind (FLINT_PALETTE (self->palette), i);
      g_autofree char *name = g_strconcat ("palette:", kind, NULL);

      dump_widget (out, GTK_WIDGET (self), name,
                   flint_palette_get_row_widget (FLINT_PALETTE (self->palette), kind), dx, dy);
    }
#if HAVE_FLINT_CANVAS
  /* Each node's first input and output port, where a drag between them starts and ends. */
  if (self->pipeline != NULL && FLINT_IS_CANVAS (self->canvas) && gtk_widget_get_mapped (self->canvas))
    {
      GListModel *nodes = flint_pipeline_get_nodes (self->pipeline);
      FlintViewport *viewport = flint_canvas_get_viewport (FLINT_CANVAS (self->canvas));

      for (guint i = 0; i < g_list_model_get_n_items (nodes); i++)
        {
          g_autoptr (FlintNode) node = g_list_model_get_item (nodes, i);
          const FlintNodeKind *kind = flint_node_get_kind (node);
          double x, y;

          if (kind == NULL || !flint_node_get_position (node, &x, &y))
            continue;
          for (guint d = 0; d < 2; d++)
            {
              GPtrArray *ports = d == 0 ? kind->inputs : kind->outputs;
              double px, py, wx, wy;
              graphene_point_t in, at;

              if (ports == NULL || ports->len == 0)
                continue;
              flint_node_kind_get_port_point (kind, d == 0 ? FLINT_PORT_INPUT : FLINT_PORT_OUTPUT,
                                              0, x, y, &px, &py);
              flint_viewport_canvas_to_widget (viewport, px, py, &wx, &wy);
              in = GRAPHENE_POINT_INIT (wx, wy);
              if (!gtk_widget_compute_point (self->canvas, GTK_WIDGET (self), &in, &at))
                continue;
              g_string_append_printf (out, "flint-port %s.%s %d %d\n",
                                      flint_node_get_id (node), d == 0 ? "in" : "out",
                                      (int) (at.x + dx), (int) (at.y + dy));
            }
        }
    }
#endif
  if (self->pipeline != NULL)
    {
      GListModel *nodes = flint_pipeline_get_nodes (self->pipeline);

      g_string_append_printf (out, "flint-state nodes=%u edges=%u\n",
                              g_list_model_get_n_items (nodes),
                              g_list_model_get_n_items (flint_pipeline_get_edges (self->pipeline)));
    }

  if (g_strcmp0 (out->str, self->last_alloc_dump) != 0)
    {
      g_print ("%sflint-alloc-end\n", out->str);
      g_free (self->last_alloc_dump);
      self->last_alloc_dump = g_strdup (out->str);
    }

  return G_SOURCE_CONTINUE;
}

/* The document ------------------------------------------------------------------- */

static gboolean
validate_idle (gpointer user_data)
{
  FlintWindow *self = user_data;

  self->validate_source = 0;
  if (self->validator != NULL)
    flint_validator_update (self->validator);

  return G_SOURCE_REMOVE;
}

static void
on_pipeline_changed (FlintWindow *self)
{
  /* Views follow ::updated; one pass after a burst of edits. */
  if (self->validate_source == 0)
    self->validate_source = g_idle_add (validate_idle, self);
}

static void
on_modified_changed (FlintWindow *self)
{
  update_title (self);
  update_autosave_timer (self);
}

static void
update_actions (FlintWindow *self)
{
  gboolean has = self->pipeline != NULL;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.save", has);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.save-as", has);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.export-code", has);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.undo",
                                 has && flint_history_can_undo (self->history));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.redo",
                                 has && flint_history_can_redo (self->history));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.run",
                                 has && self->runs_panel != NULL && self->run_cancellable == NULL);
}

/* The placeholder centre until the canvas lands: the nodes as a selectable list. */
static const char *
node_icon_name (const FlintNodeKind *kind)
{
  if (kind != NULL && kind->icon_name != NULL)
    return kind->icon_name;

  return "application-x-addon-symbolic";
}

static GtkWidget *
create_node_row (gpointer item,
                 gpointer user_data)
{
  FlintNode *node = item;
  FlintWindow *self = user_data;
  const FlintNodeKind *kind = flint_node_get_kind (node);
  GPtrArray *diagnostics = flint_validator_get_node_diagnostics (self->validator,
                                                                 flint_node_get_id (node));
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), flint_node_get_display_name (node));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row),
                               kind != NULL ? kind->title : flint_node_get_kind_id (node));
  adw_action_row_set_icon_name (ADW_ACTION_ROW (row), node_icon_name (kind));
  if (diagnostics->len > 0)
    {
      GtkWidget *icon = gtk_image_new_from_icon_name ("dialog-error-symbolic");

      gtk_widget_add_css_class (icon, "error");
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), icon);
    }
  g_object_set_data_full (G_OBJECT (row), "flint-node-id", g_strdup (flint_node_get_id (node)),
                          g_free);

  return row;
}

static void
on_node_row_selected (GtkListBox    *list,
                      GtkListBoxRow *row,
                      FlintWindow   *self)
{
  if (row != NULL)
    flint_window_select_node (self, g_object_get_data (G_OBJECT (row), "flint-node-id"));
}

static void
refresh_nodes_list (FlintWindow *self)
{
  if (self->nodes_list == NULL)
    return;

  g_signal_handlers_block_by_func (self->nodes_list, on_node_row_selected, self);
  gtk_list_box_bind_model (GTK_LIST_BOX (self->nodes_list),
                           self->pipeline != NULL ? flint_pipeline_get_nodes (self->pipeline) : NULL,
                           create_node_row, self, NULL);
  if (self->selected != NULL && self->pipeline != NULL)
    {
      FlintNode *node = flint_pipeline_lookup_node (self->pipeline, self->selected);

      if (node != NULL)
        gtk_list_box_select_row (GTK_LIST_BOX (self->nodes_list),
                                 gtk_list_box_get_row_at_index (GTK_LIST_BOX (self->nodes_list),
                                                                flint_pipeline_node_position (self->pipeline, node)));
    }
  g_signal_handlers_unblock_by_func (self->nodes_list, on_node_row_selected, self);
}

static void
on_validator_updated (FlintWindow *self)
{
  refresh_nodes_list (self);
}

#if HAVE_FLINT_CANVAS
static void
on_canvas_selection_changed (FlintCanvas *canvas,
                             FlintWindow *self)
{
  FlintNode *node = flint_canvas_get_selected_node (canvas);
  const char *id = node != NULL ? flint_node_get_id (node) : NULL;

  if (g_strcmp0 (id, self->selected) == 0)
    return;
  g_free (self->selected);
  self->selected = g_strdup (id);
  flint_inspector_set_node (FLINT_INSPECTOR (self->inspector), id);
  flint_code_view_reveal_node (FLINT_CODE_VIEW (self->code_view), id);
  if (id != NULL)
    adw_view_stack_set_visible_child_name (self->sidebar_stack, "node");
}
#endif

static void
on_palette_kind_activated (FlintPalette *palette,
                           const char   *kind_id,
                           FlintWindow  *self)
{
  g_autoptr (GError) error = NULL;
  FlintNode *node;
  guint n;

  if (self->history == NULL)
    return;

  /* Placed below what is there, so that it never covers a node. */
  n = flint_pipeline_get_n_nodes (self->pipeline);
  node = flint_history_add_node (self->history, kind_id, NULL, 80 + 40 * (n % 8), 80 + 60 * n,
                                 &error);
  if (node == NULL)
    {
      show_toast (self, error->message);
      return;
    }
  flint_window_select_node (self, flint_node_get_id (node));
}

#if !HAVE_FLINT_CANVAS
static gboolean
on_placeholder_drop (GtkDropTarget *target,
                     const GValue  *value,
                     double         x,
                     double         y,
                     FlintWindow   *self)
{
  g_autofree char *kind = flint_palette_parse_drag (g_value_get_string (value));

  if (kind == NULL || self->history == NULL)
    return FALSE;
  on_palette_kind_activated (FLINT_PALETTE (self->palette), kind, self);

  return TRUE;
}
#endif

static void
set_document (FlintWindow   *self,
              FlintPipeline *pipeline,
              GFile         *file)
{
  g_clear_handle_id (&self->validate_source, g_source_remove);
  g_clear_handle_id (&self->autosave_source, g_source_remove);
  if (self->pipeline != NULL)
    g_signal_handlers_disconnect_by_data (self->pipeline, self);
  if (self->validator != NULL)
    g_signal_handlers_disconnect_by_data (self->validator, self);
  if (self->history != NULL)
    g_signal_handlers_disconnect_by_data (self->history, self);
  g_clear_pointer (&self->selected, g_free);
  self->recovered = FALSE;
  follow_run (self, NULL);
  /* Another document: its previews start over (the worker and its Spark stay). */
  if (self->preview_cancellable != NULL)
    g_cancellable_cancel (self->preview_cancellable);
  g_clear_object (&self->preview_cancellable);
  g_clear_pointer (&self->preview_node, g_free);
  if (self->preview_panel != NULL)
    flint_preview_panel_clear (FLINT_PREVIEW_PANEL (self->preview_panel));

  flint_inspector_set_document (FLINT_INSPECTOR (self->inspector), NULL, NULL);
  flint_job_page_set_document (FLINT_JOB_PAGE (self->job_page), NULL, NULL);
  flint_code_view_set_pipeline (FLINT_CODE_VIEW (self->code_view), NULL);
  flint_problems_set_validator (FLINT_PROBLEMS (self->problems), NULL);
#if HAVE_FLINT_CANVAS
  if (FLINT_IS_CANVAS (self->canvas))
    {
      flint_canvas_set_validator (FLINT_CANVAS (self->canvas), NULL);
      flint_canvas_set_history (FLINT_CANVAS (self->canvas), NULL);
    }
#endif
  if (self->nodes_list != NULL)
    gtk_list_box_bind_model (GTK_LIST_BOX (self->nodes_list), NULL, NULL, NULL, NULL);

  g_clear_object (&self->validator);
  g_clear_object (&self->history);
  g_set_object (&self->pipeline, pipeline);
  if (g_set_object (&self->file, file))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FILE]);

  if (pipeline != NULL)
    {
      self->history = flint_history_new (pipeline);
      self->validator = flint_validator_new (pipeline);
      flint_validator_update (self->validator);

      g_signal_connect_object (pipeline, "changed", G_CALLBACK (on_pipeline_changed), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (pipeline, "node-changed", G_CALLBACK (on_preview_stale), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (pipeline, "edge-added", G_CALLBACK (on_preview_structure), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (pipeline, "edge-removed", G_CALLBACK (on_preview_structure), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (pipeline, "job-changed", G_CALLBACK (on_preview_structure), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (pipeline, "job-changed", G_CALLBACK (update_run_targets), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (self->validator, "updated", G_CALLBACK (on_validator_updated),
                               self, G_CONNECT_SWAPPED);
      g_signal_connect_object (self->history, "notify::modified",
                               G_CALLBACK (on_modified_changed), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (self->history, "notify::can-undo",
                               G_CALLBACK (update_actions), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (self->history, "notify::can-redo",
                               G_CALLBACK (update_actions), self, G_CONNECT_SWAPPED);

      flint_inspector_set_document (FLINT_INSPECTOR (self->inspector), self->history,
                                    self->validator);
      flint_job_page_set_document (FLINT_JOB_PAGE (self->job_page), self->history,
                                   self->validator);
      flint_code_view_set_pipeline (FLINT_CODE_VIEW (self->code_view), pipeline);
      flint_problems_set_validator (FLINT_PROBLEMS (self->problems), self->validator);
#if HAVE_FLINT_CANVAS
      if (FLINT_IS_CANVAS (self->canvas))
        {
          flint_canvas_set_history (FLINT_CANVAS (self->canvas), self->history);
          flint_canvas_set_validator (FLINT_CANVAS (self->canvas), self->validator);
        }
#endif
      refresh_nodes_list (self);
      show_page (self, "pipeline");
    }

  update_actions (self);
  update_run_targets (self);
  update_title (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PIPELINE]);
}

static void
update_title (FlintWindow *self)
{
  g_autofree char *basename = self->file != NULL ? dup_display_basename (self->file) : NULL;
  g_autofree char *title = NULL;
  const char *name;

  if (self->pipeline == NULL)
    {
      if (basename == NULL)
        {
          adw_window_title_set_title (self->window_title, _("Flint"));
          adw_window_title_set_subtitle (self->window_title, NULL);
        }
      return;
    }

  name = flint_pipeline_get_name (self->pipeline);
  if (name == NULL || name[0] == '\0')
    name = basename != NULL ? basename : _("Untitled Pipeline");

  /* A dot before the name, as GNOME Text Editor marks unsaved changes. */
  title = flint_window_is_modified (self) ? g_strdup_printf ("• %s", name) : g_strdup (name);
  adw_window_title_set_title (self->window_title, title);
  adw_window_title_set_subtitle (self->window_title,
                                 basename != NULL ? basename : _("Not saved"));
  gtk_window_set_title (GTK_WINDOW (self), title);
}

/* Loading ------------------------------------------------------------------------ */

static void
on_load_ready (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr (IoData) data = user_data;
  g_autoptr (FlintPipeline) pipeline = NULL;
  g_autoptr (GError) error = NULL;
  FlintWindow *self = data->self;
  GtkApplication *app;

  pipeline = flint_pipeline_load_finish (result, &error);

  /* A newer load (or closing the window) superseded this one. */
  if (data->cancellable != self->cancellable || g_cancellable_is_cancelled (data->cancellable))
    return;
  g_clear_object (&self->cancellable);

  if (pipeline == NULL)
    {
      g_autofree char *basename = dup_display_basename (data->file);
      const char *message = error != NULL ? error->message : _("The file is not a pipeline");
      g_autofree char *escaped = g_markup_escape_text (message, -1);

      g_message ("Could not open %s: %s", basename, message);
      if (self->pipeline != NULL && data->recovered)
        {
          show_toast (self, message);
          return;
        }
      set_document (self, NULL, data->shown_as);
      adw_status_page_set_description (self->error_page, escaped);
      adw_window_title_set_title (self->window_title, _("Flint"));
      adw_window_title_set_subtitle (self->window_title, basename);
      show_page (self, "error");
      return;
    }

  set_document (self, pipeline, data->shown_as);
  if (data->recovered)
    {
      self->recovered = TRUE;
      on_modified_changed (self);
      show_toast (self, _("Unsaved changes recovered"));
      /* An untitled document from a crashed process: now this window's own autosave. */
      if (data->shown_as == NULL)
        {
          g_file_delete_async (data->file, G_PRIORITY_LOW, NULL, NULL, NULL);
          flint_window_autosave_now (self);
        }
      return;
    }

  if (data->shown_as != NULL)
    {
      g_autofree char *uri = g_file_get_uri (data->shown_as);

      app = gtk_window_get_application (GTK_WINDOW (self));
      if (FLINT_IS_APPLICATION (app))
        flint_application_add_recent (FLINT_APPLICATION (app), data->shown_as);
      gtk_recent_manager_add_item (gtk_recent_manager_get_default (), uri);
      check_recovery (self);
      follow_file_run (self);
    }
}

static void
load (FlintWindow *self,
      GFile       *file,
      GFile       *shown_as,
      gboolean     recovered)
{
  IoData *data;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();

  if (!recovered)
    {
      g_autofree char *basename = dup_display_basename (file);

      set_document (self, NULL, shown_as);
      adw_window_title_set_title (self->window_title, _("Flint"));
      adw_window_title_set_subtitle (self->window_title, basename);
      show_page (self, "loading");
    }

  data = io_data_new (self, self->cancellable, file);
  data->shown_as = shown_as != NULL ? g_object_ref (shown_as) : NULL;
  data->recovered = recovered;
  flint_pipeline_load_async (flint_catalog_get_default (), file, self->cancellable,
                             on_load_ready, data);
}

/* Autosave and recovery ---------------------------------------------------------- */

static char *
autosave_key (FlintWindow *self)
{
  if (self->file != NULL)
    {
      g_autofree char *uri = g_file_get_uri (self->file);

      return g_compute_checksum_for_string (G_CHECKSUM_SHA256, uri, -1);
    }

  /* The owner's pid first: a later start offers only autosaves whose process is gone. */
  if (self->untitled_key == NULL)
    self->untitled_key = g_strdup_printf ("untitled-%d-%" G_GINT64_FORMAT "-%p", (int) getpid (),
                                          g_get_real_time (), self);

  return g_strdup (self->untitled_key);
}

GFile *
flint_window_dup_autosave_file (FlintWindow *self)
{
  g_autofree char *key = NULL;
  g_autofree char *name = NULL;
  g_autofree char *path = NULL;

  g_return_val_if_fail (FLINT_IS_WINDOW (self), NULL);

  if (self->pipeline == NULL && self->file == NULL)
    return NULL;

  key = autosave_key (self);
  name = g_strconcat (key, ".flint.yaml", NULL);
  path = flint_paths_build (FLINT_PATH_STATE, "autosave", name, NULL);

  return g_file_new_for_path (path);
}

static void
delete_autosave (FlintWindow *self)
{
  g_autoptr (GFile) file = flint_window_dup_autosave_file (self);

  if (file != NULL)
    g_file_delete_async (file, G_PRIORITY_LOW, NULL, NULL, NULL);
}

static void
on_autosaved (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr (IoData) data = user_data;
  g_autoptr (GError) error = NULL;

  data->self->autosaving = FALSE;
  if (!flint_pipeline_save_finish (result, &error)
      && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_message ("Could not autosave: %s", error->message);
}

void
flint_window_autosave_now (FlintWindow *self)
{
  g_autoptr (GFile) file = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = NULL;

  g_return_if_fail (FLINT_IS_WINDOW (self));

  if (self->pipeline == NULL || !flint_window_is_modified (self) || self->autosaving)
    return;

  dir = flint_paths_ensure_dir (FLINT_PATH_STATE, "autosave", &error);
  if (dir == NULL)
    {
      g_message ("Could not autosave: %s", error->message);
      return;
    }

  file = flint_window_dup_autosave_file (self);
  self->autosaving = TRUE;
  flint_pipeline_save_async (self->pipeline, file, self->io_cancellable, on_autosaved,
                             io_data_new (self, self->io_cancellable, file));
}

static gboolean
autosave_tick (gpointer user_data)
{
  FlintWindow *self = user_data;

  flint_window_autosave_now (self);

  return G_SOURCE_CONTINUE;
}

static void
update_autosave_timer (FlintWindow *self)
{
  guint interval = self->settings != NULL
                   ? g_settings_get_uint (self->settings, "autosave-interval") : 30;

  if (self->pipeline == NULL || !flint_window_is_modified (self) || interval == 0)
    {
      g_clear_handle_id (&self->autosave_source, g_source_remove);
      return;
    }

  if (self->autosave_source == 0)
    self->autosave_source = g_timeout_add_seconds (interval, autosave_tick, self);
}

static void
on_autosave_interval_changed (FlintWindow *self)
{
  g_clear_handle_id (&self->autosave_source, g_source_remove);
  update_autosave_timer (self);
}

/* In a thread: whether the autosave is newer than the file it stands for. */
static void
check_recovery_thread (GTask        *task,
                       gpointer      source_object,
                       gpointer      task_data,
                       GCancellable *cancellable)
{
  GFile **files = task_data;
  g_autoptr (GFileInfo) saved = NULL;
  g_autoptr (GFileInfo) original = NULL;
  g_autoptr (GDateTime) saved_time = NULL;
  g_autoptr (GDateTime) original_time = NULL;

  saved = g_file_query_info (files[0], G_FILE_ATTRIBUTE_TIME_MODIFIED "," G_FILE_ATTRIBUTE_TIME_MODIFIED_USEC,
                             G_FILE_QUERY_INFO_NONE, cancellable, NULL);
  original = g_file_query_info (files[1], G_FILE_ATTRIBUTE_TIME_MODIFIED "," G_FILE_ATTRIBUTE_TIME_MODIFIED_USEC,
                                G_FILE_QUERY_INFO_NONE, cancellable, NULL);
  if (saved == NULL)
    {
      g_task_return_boolean (task, FALSE);
      return;
    }
  if (original == NULL)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }

  saved_time = g_file_info_get_modification_date_time (saved);
  original_time = g_file_info_get_modification_date_time (original);
  g_task_return_boolean (task, g_date_time_compare (saved_time, original_time) > 0);
}

static void
free_file_pair (gpointer data)
{
  GFile **files = data;

  g_clear_object (&files[0]);
  g_clear_object (&files[1]);
  g_free (files);
}

static void
on_recovery_checked (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr (IoData) data = user_data;
  FlintWindow *self = data->self;
  AdwToast *toast;

  if (!g_task_propagate_boolean (G_TASK (result), NULL))
    return;
  /* The window moved on to another file meanwhile. */
  if (self->file == NULL || !g_file_equal (self->file, data->file) || self->recovered)
    return;

  toast = adw_toast_new (_("This pipeline has unsaved changes from a previous session"));
  adw_toast_set_timeout (toast, 0);
  adw_toast_set_button_label (toast, _("Recover Unsaved Changes"));
  adw_toast_set_action_name (toast, "win.recover");
  adw_toast_set_priority (toast, ADW_TOAST_PRIORITY_HIGH);
  g_set_weak_pointer (&self->recovery_toast, toast);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

static void
check_recovery (FlintWindow *self)
{
  g_autoptr (GTask) task = NULL;
  GFile **files = g_new0 (GFile *, 2);

  files[0] = flint_window_dup_autosave_file (self);
  files[1] = g_object_ref (self->file);
  task = g_task_new (self, self->io_cancellable, on_recovery_checked,
                     io_data_new (self, NULL, self->file));
  g_task_set_task_data (task, files, free_file_pair);
  g_task_run_in_thread (task, check_recovery_thread);
}

static void
recover_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  FlintWindow *self = FLINT_WINDOW (widget);
  g_autoptr (GFile) autosave = flint_window_dup_autosave_file (self);

  if (autosave == NULL || self->file == NULL)
    return;
  if (self->recovery_toast != NULL)
    adw_toast_dismiss (self->recovery_toast);

  load (self, autosave, self->file, TRUE);
}

/* In a thread: untitled autosaves whose process is gone, newest first. */
static void
find_orphans_thread (GTask        *task,
                     gpointer      source_object,
                     gpointer      task_data,
                     GCancellable *cancellable)
{
  g_autofree char *path = flint_paths_build (FLINT_PATH_STATE, "autosave", NULL);
  g_autoptr (GDir) dir = g_dir_open (path, 0, NULL);
  GPtrArray *orphans = g_ptr_array_new_with_free_func (g_object_unref);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *full = NULL;
      g_autoptr (GFile) file = NULL;
      g_autoptr (GFileInfo) info = NULL;
      char *end = NULL;
      gint64 pid;

      if (!g_str_has_prefix (name, "untitled-") || !g_str_has_suffix (name, ".flint.yaml"))
        continue;
      pid = g_ascii_strtoll (name + strlen ("untitled-"), &end, 10);
      if (end == NULL || *end != '-' || pid <= 0)
        continue;
      /* This process's other windows, and a second instance still running, keep theirs.
       * Names from before the pid was part of them ("untitled-TIME-ADDRESS", the time in
       * microseconds, far above any pid) have no owner to ask: they are offered too. */
      if (pid <= G_MAXINT
          && (pid == getpid () || kill ((pid_t) pid, 0) == 0 || errno != ESRCH))
        continue;

      full = g_build_filename (path, name, NULL);
      file = g_file_new_for_path (full);
      info = g_file_query_info (file, G_FILE_ATTRIBUTE_TIME_MODIFIED, G_FILE_QUERY_INFO_NONE,
                                cancellable, NULL);
      if (info == NULL)
        continue;
      g_object_set_data (G_OBJECT (file), "flint-mtime",
                         GSIZE_TO_POINTER ((gsize) g_file_info_get_attribute_uint64 (info, G_FILE_ATTRIBUTE_TIME_MODIFIED)));
      g_ptr_array_add (orphans, g_steal_pointer (&file));
    }

  g_task_return_pointer (task, orphans, (GDestroyNotify) g_ptr_array_unref);
}

static void offer_next_orphan (FlintWindow *self, GPtrArray *orphans);
static FlintWindow *window_for_document (FlintWindow *self);

static gsize
orphan_mtime (GFile *file)
{
  return GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (file), "flint-mtime"));
}

static int
compare_orphans (gconstpointer a,
                 gconstpointer b)
{
  gsize ta = orphan_mtime (*(GFile **) a);
  gsize tb = orphan_mtime (*(GFile **) b);

  return ta < tb ? 1 : ta > tb ? -1 : 0;
}

static void
on_orphan_response (AdwMessageDialog *dialog,
                    const char       *response,
                    FlintWindow      *self)
{
  GPtrArray *orphans = g_object_get_data (G_OBJECT (dialog), "flint-orphans");
  g_autoptr (GFile) file = g_object_ref (g_ptr_array_index (orphans, 0));

  g_ptr_array_remove_index (orphans, 0);
  if (g_str_equal (response, "recover"))
    {
      FlintWindow *window = window_for_document (self);

      load (window, file, NULL, TRUE);
      gtk_window_present (GTK_WINDOW (window));
    }
  else if (g_str_equal (response, "discard"))
    g_file_delete (file, NULL, NULL);

  offer_next_orphan (self, orphans);
}

static void
offer_next_orphan (FlintWindow *self,
                   GPtrArray   *orphans)
{
  g_autoptr (GDateTime) time = NULL;
  g_autofree char *when = NULL;
  g_autofree char *body = NULL;
  GtkWidget *dialog;

  if (orphans->len == 0)
    return;

  time = g_date_time_new_from_unix_local ((gint64) orphan_mtime (g_ptr_array_index (orphans, 0)));
  /* TRANSLATORS: when an unsaved pipeline was last autosaved; see strftime */
  when = g_date_time_format (time, _("%-d %B %Y, %H:%M"));
  /* TRANSLATORS: %s is a date and time, such as "21 November 2026, 18:04" */
  body = g_strdup_printf (_("Flint closed before an untitled pipeline from %s was saved."), when);
  dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Recover Unsaved Pipeline?"), body);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "discard", _("_Discard"),
                                    "recover", _("_Recover"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "discard",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "recover",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "recover");
  /* Closing the dialog (Escape) keeps the autosave for the next start. */
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "later");
  g_object_set_data_full (G_OBJECT (dialog), "flint-orphans", g_ptr_array_ref (orphans),
                          (GDestroyNotify) g_ptr_array_unref);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_orphan_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
on_orphans_found (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr (GPtrArray) orphans = g_task_propagate_pointer (G_TASK (result), NULL);

  if (orphans == NULL || g_cancellable_is_cancelled (g_task_get_cancellable (G_TASK (result))))
    return;
  g_ptr_array_sort (orphans, compare_orphans);
  offer_next_orphan (FLINT_WINDOW (source), orphans);
}

void
flint_window_offer_untitled_recovery (FlintWindow *self)
{
  g_autoptr (GTask) task = NULL;

  g_return_if_fail (FLINT_IS_WINDOW (self));

  task = g_task_new (self, self->io_cancellable, on_orphans_found, NULL);
  g_task_run_in_thread (task, find_orphans_thread);
}

/* Saving ------------------------------------------------------------------------- */

static void
on_saved (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr (IoData) data = user_data;
  g_autoptr (GError) error = NULL;
  FlintWindow *self = data->self;
  GtkApplication *app;
  g_autofree char *uri = NULL;

  if (!flint_pipeline_save_finish (result, &error))
    {
      g_autofree char *message = NULL;

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      /* Translators: %s is why the file could not be written */
      message = g_strdup_printf (_("Could not save: %s"), error->message);
      show_toast (self, message);
      return;
    }

  /* The autosave of the old name (an untitled document) is no longer needed. */
  delete_autosave (self);
  if (g_set_object (&self->file, data->file))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FILE]);
  delete_autosave (self);

  self->recovered = FALSE;
  if (self->history != NULL)
    flint_history_mark_saved (self->history);
  on_modified_changed (self);

  uri = g_file_get_uri (data->file);
  app = gtk_window_get_application (GTK_WINDOW (self));
  if (FLINT_IS_APPLICATION (app))
    flint_application_add_recent (FLINT_APPLICATION (app), data->file);
  gtk_recent_manager_add_item (gtk_recent_manager_get_default (), uri);

  if (data->close_after)
    {
      self->close_confirmed = TRUE;
      gtk_window_close (GTK_WINDOW (self));
    }
  if (data->run_after)
    submit_run (self);
}

static void
save_to (FlintWindow *self,
         GFile       *file,
         gboolean     close_after)
{
  IoData *data = io_data_new (self, self->io_cancellable, file);

  data->close_after = close_after;
  flint_pipeline_save_async (self->pipeline, file, self->io_cancellable, on_saved, data);
}

static void
on_save_chooser_response (GtkNativeDialog *chooser,
                          int              response,
                          FlintWindow     *self)
{
  gboolean close_after = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (chooser), "close-after"));

  if (response == GTK_RESPONSE_ACCEPT && self->pipeline != NULL)
    {
      g_autoptr (GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));

      if (file != NULL)
        save_to (self, file, close_after);
    }

  g_clear_object (&self->chooser);
}

static void
show_save_chooser (FlintWindow *self,
                   gboolean     close_after)
{
  GtkFileChooserNative *chooser;
  const char *name;
  g_autofree char *suggested = NULL;

  if (self->pipeline == NULL || self->chooser != NULL)
    return;

  chooser = gtk_file_chooser_native_new (_("Save the Pipeline"), GTK_WINDOW (self),
                                         GTK_FILE_CHOOSER_ACTION_SAVE, _("_Save"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  name = flint_pipeline_get_name (self->pipeline);
  suggested = g_strdup_printf ("%s.flint.yaml", name != NULL && name[0] != '\0' ? name : "pipeline");
  if (self->file != NULL)
    {
      g_autoptr (GFile) parent = g_file_get_parent (self->file);

      gtk_file_chooser_set_file (GTK_FILE_CHOOSER (chooser), self->file, NULL);
      if (parent != NULL)
        gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (chooser), parent, NULL);
    }
  else
    gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), suggested);
  g_object_set_data (G_OBJECT (chooser), "close-after", GINT_TO_POINTER (close_after));

  self->chooser = GTK_NATIVE_DIALOG (chooser);
  g_signal_connect_object (chooser, "response", G_CALLBACK (on_save_chooser_response), self, 0);
  gtk_native_dialog_show (self->chooser);
}

void
flint_window_save (FlintWindow *self)
{
  g_return_if_fail (FLINT_IS_WINDOW (self));

  if (self->pipeline == NULL)
    return;
  if (self->file == NULL)
    show_save_chooser (self, FALSE);
  else
    save_to (self, self->file, FALSE);
}

static void
save_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  flint_window_save (FLINT_WINDOW (widget));
}

static void
save_as_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  show_save_chooser (FLINT_WINDOW (widget), FALSE);
}

/* Opening ------------------------------------------------------------------------ */

/* A window showing nothing, or an unmodified document, is replaced; otherwise a new
 * window opens, so that opening never loses work. */
static FlintWindow *
window_for_document (FlintWindow *self)
{
  GtkApplication *app;

  if (self->pipeline == NULL || !flint_window_is_modified (self))
    return self;

  app = gtk_window_get_application (GTK_WINDOW (self));
  if (!FLINT_IS_APPLICATION (app))
    return self;

  return flint_window_new (FLINT_APPLICATION (app));
}

static void
open_in_window (FlintWindow *self,
                GFile       *file)
{
  FlintWindow *window = window_for_document (self);

  flint_window_open (window, file);
  gtk_window_present (GTK_WINDOW (window));
}

static void
on_open_chooser_response (GtkNativeDialog *chooser,
                          int              response,
                          FlintWindow     *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr (GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));

      if (file != NULL)
        open_in_window (self, file);
    }

  g_clear_object (&self->chooser);
}

static void
open_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  FlintWindow *self = FLINT_WINDOW (widget);
  GtkFileChooserNative *chooser;
  g_autoptr (GtkFileFilter) pipelines = gtk_file_filter_new ();
  g_autoptr (GtkFileFilter) all = gtk_file_filter_new ();

  if (self->chooser != NULL)
    {
      gtk_native_dialog_show (self->chooser);
      return;
    }

  chooser = gtk_file_chooser_native_new (_("Open a Pipeline"), GTK_WINDOW (self),
                                         GTK_FILE_CHOOSER_ACTION_OPEN, _("_Open"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);

  gtk_file_filter_set_name (pipelines, _("Flint Pipelines"));
  gtk_file_filter_add_pattern (pipelines, "*.flint.yaml");
  gtk_file_filter_add_pattern (pipelines, "*.flint.yml");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), pipelines);
  gtk_file_filter_set_name (all, _("All Files"));
  gtk_file_filter_add_pattern (all, "*");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), all);

  if (self->file != NULL)
    {
      g_autoptr (GFile) parent = g_file_get_parent (self->file);

      if (parent != NULL)
        gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (chooser), parent, NULL);
    }

  self->chooser = GTK_NATIVE_DIALOG (chooser);
  g_signal_connect_object (chooser, "response", G_CALLBACK (on_open_chooser_response), self, 0);
  gtk_native_dialog_show (self->chooser);
}

static void
open_recent_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  g_autoptr (GFile) file = g_file_new_for_uri (g_variant_get_string (parameter, NULL));

  open_in_window (FLINT_WINDOW (widget), file);
}

static void
new_action (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  FlintWindow *window = window_for_document (FLINT_WINDOW (widget));

  flint_window_new_pipeline (window);
  gtk_window_present (GTK_WINDOW (window));
}

static void
new_from_example_action (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter)
{
  FlintWindow *window = window_for_document (FLINT_WINDOW (widget));
  g_autoptr (GFile) file = g_file_new_for_uri (g_variant_get_string (parameter, NULL));

  /* A copy: saving asks where, and never overwrites the installed example. */
  load (window, file, NULL, FALSE);
  gtk_window_present (GTK_WINDOW (window));
}

static void
undo_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  FlintWindow *self = FLINT_WINDOW (widget);

  if (self->history != NULL)
    flint_history_undo (self->history);
}

static void
redo_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  FlintWindow *self = FLINT_WINDOW (widget);

  if (self->history != NULL)
    flint_history_redo (self->history);
}

/* Preview {{{ */

static const char *
node_title (FlintWindow *self,
            const char  *node_id)
{
  FlintNode *node = self->pipeline && node_id ? flint_pipeline_lookup_node (self->pipeline, node_id) : NULL;

  return node ? flint_node_get_display_name (node) : node_id;
}

/* Rows along each edge the preview went through; a quality node's drops tint its output. */
static void
update_edge_labels (FlintWindow        *self,
                    FlintPreviewResult *result)
{
#if HAVE_FLINT_CANVAS
  FlintCanvas *canvas;
  GListModel *edges;

  if (!FLINT_IS_CANVAS (self->canvas))
    return;
  canvas = FLINT_CANVAS (self->canvas);
  flint_canvas_clear_edge_labels (canvas);
  if (result == NULL || self->pipeline == NULL)
    return;

  edges = flint_pipeline_get_edges (self->pipeline);
  for (guint i = 0; i < g_list_model_get_n_items (edges); i++)
    {
      g_autoptr(FlintEdge) edge = g_list_model_get_item (edges, i);
      const char *from = flint_edge_get_from_node (edge);
      const char *port = flint_edge_get_from_port (edge);
      gint64 count = flint_preview_result_get_output_count (result, from, port);
      g_autofree char *text = NULL;
      g_autofree char *count_text = NULL;
      const char *mode = NULL;
      gint64 passed, failed;
      gboolean warn = FALSE;

      if (count < 0)
        continue;
      /* Counts are formatted first: xgettext cannot see through G_GINT64_FORMAT. */
      count_text = g_strdup_printf ("%" G_GINT64_FORMAT, count);
      text = g_strdup_printf (ngettext ("%s row", "%s rows", (gulong) MIN (count, G_MAXLONG)), count_text);
      if (flint_preview_result_get_quality (result, from, &mode, &passed, &failed) && failed > 0 &&
          (port == NULL || g_strcmp0 (port, "out") == 0))
        {
          g_autofree char *failed_text = g_strdup_printf ("%" G_GINT64_FORMAT, failed);
          /* TRANSLATORS: an edge's label: "12 rows · 3 quarantined" */
          g_autofree char *more = g_strdup_printf (g_strcmp0 (mode, "quarantine") == 0
                                                     ? _("%s · %s quarantined")
                                                     : _("%s · %s dropped"),
                                                   text, failed_text);
          g_free (text);
          text = g_steal_pointer (&more);
          warn = TRUE;
        }
      flint_canvas_set_edge_label (canvas, edge, text, warn);
    }
#endif
}

static void
on_previewed (GObject      *source,
              GAsyncResult *res,
              gpointer      user_data)
{
  g_autoptr(FlintWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(FlintPreviewResult) result = NULL;
  FlintPreviewPanel *panel;

  result = flint_preview_session_run_finish (FLINT_PREVIEW_SESSION (source), res, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      /* A newer preview replaced this one, or the user cancelled: the panel is theirs. */
      if (self->preview_panel != NULL && self->preview_cancellable != NULL &&
          g_cancellable_is_cancelled (self->preview_cancellable))
        {
          panel = FLINT_PREVIEW_PANEL (self->preview_panel);
          if (flint_preview_panel_get_result (panel) != NULL)
            flint_preview_panel_show_result (panel, node_title (self, self->preview_node),
                                             flint_preview_panel_get_result (panel));
          else
            flint_preview_panel_show_error (panel, node_title (self, self->preview_node), _("The preview was cancelled."));
          g_clear_object (&self->preview_cancellable);
        }
      return;
    }
  if (self->preview_panel == NULL)
    return;
  g_clear_object (&self->preview_cancellable);
  panel = FLINT_PREVIEW_PANEL (self->preview_panel);

  if (result == NULL)
    {
      flint_preview_panel_show_error (panel, node_title (self, self->preview_node), error->message);
      update_edge_labels (self, NULL);
      return;
    }

  if (flint_preview_result_is_ok (result))
    flint_preview_panel_show_result (panel, node_title (self, self->preview_node), result);
  else
    {
      const char *culprit = flint_preview_result_get_error_node (result);

      flint_preview_panel_show_failure (panel, node_title (self, self->preview_node), culprit,
                                        node_title (self, culprit), flint_preview_result_get_message (result));
    }
  /* On failure too: the counts up to the failing node are true. */
  update_edge_labels (self, result);
}

void
flint_window_preview_node (FlintWindow *self,
                           const char  *node_id)
{
  g_autoptr(GFile) dir = NULL;

  g_return_if_fail (FLINT_IS_WINDOW (self));

  if (self->pipeline == NULL || node_id == NULL || flint_pipeline_lookup_node (self->pipeline, node_id) == NULL)
    return;

  if (self->preview_cancellable != NULL)
    {
      /* Replaced, not cancelled by the user: forget it before it answers. */
      GCancellable *old = g_steal_pointer (&self->preview_cancellable);
      g_cancellable_cancel (old);
      g_object_unref (old);
    }
  if (self->preview_session == NULL)
    self->preview_session = flint_preview_session_new ();
  g_free (self->preview_node);
  self->preview_node = g_strdup (node_id);
  self->preview_cancellable = g_cancellable_new ();

  if (self->file != NULL)
    dir = g_file_get_parent (self->file);
  flint_preview_panel_show_running (FLINT_PREVIEW_PANEL (self->preview_panel), node_title (self, node_id));
  gtk_notebook_set_current_page (GTK_NOTEBOOK (self->bottom_tabs),
                                 gtk_notebook_page_num (GTK_NOTEBOOK (self->bottom_tabs), self->preview_panel));
  if (self->settings != NULL)
    g_settings_set_boolean (self->settings, "bottom-pane-visible", TRUE);

  flint_preview_session_run_async (self->preview_session, self->pipeline, node_id, dir, 0, 0,
                                   self->preview_cancellable, on_previewed, g_object_ref (self));
}

void
flint_window_cancel_preview (FlintWindow *self)
{
  g_return_if_fail (FLINT_IS_WINDOW (self));

  if (self->preview_cancellable != NULL)
    g_cancellable_cancel (self->preview_cancellable);
}

static void
on_preview_refresh (FlintWindow *self)
{
  flint_window_preview_node (self, self->preview_node ? self->preview_node : self->selected);
}

static void
on_preview_reveal_node (FlintWindow *self,
                        const char  *node_id)
{
  flint_window_select_node (self, node_id);
}

/* What the counts on the edges said is no longer known after an edit. */
static void
on_preview_stale (FlintWindow *self,
                  gpointer     item,
                  const char  *what)
{
  if (g_strcmp0 (what, "position") == 0 || g_strcmp0 (what, "label") == 0)
    return;
  update_edge_labels (self, NULL);
}

static void
on_preview_structure (FlintWindow *self)
{
  update_edge_labels (self, NULL);
}

static void
preview_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  FlintWindow *self = FLINT_WINDOW (widget);

  if (self->selected == NULL)
    {
      show_toast (self, _("Select a node to preview"));
      return;
    }
  flint_window_preview_node (self, self->selected);
}

/* }}} */

/* Runs {{{ */

/* The targets of job.targets, "local" first (always there: plain local Spark). */
static void
update_run_targets (FlintWindow *self)
{
  JsonNode *targets = self->pipeline ? flint_pipeline_get_job_setting (self->pipeline, "targets") : NULL;
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) names = NULL;
  g_autofree char *current = NULL;
  g_autofree char *preferred = NULL;
  guint n, selected = 0;

  if (self->targets == NULL)
    return;

  if (gtk_drop_down_get_selected_item (self->target_dropdown) != NULL)
    current = g_strdup (gtk_string_object_get_string (gtk_drop_down_get_selected_item (self->target_dropdown)));
  g_strv_builder_add (builder, "local");
  if (targets != NULL && JSON_NODE_HOLDS_OBJECT (targets))
    {
      g_autoptr(GList) members = json_object_get_members (json_node_get_object (targets));

      for (GList *l = members; l != NULL; l = l->next)
        if (!g_str_equal (l->data, "local"))
          g_strv_builder_add (builder, l->data);
    }
  names = g_strv_builder_end (builder);

  n = g_list_model_get_n_items (G_LIST_MODEL (self->targets));
  gtk_string_list_splice (self->targets, 0, n, (const char * const *) names);

  /* Keep the user's choice; otherwise the preferences' default target, when it has it. */
  preferred = self->settings ? g_settings_get_string (self->settings, "default-target") : NULL;
  for (guint i = 0; names[i] != NULL; i++)
    {
      if (g_strcmp0 (names[i], current) == 0)
        {
          selected = i;
          break;
        }
      if (g_strcmp0 (names[i], preferred) == 0)
        selected = i;
    }
  gtk_drop_down_set_selected (self->target_dropdown, selected);
  gtk_widget_set_visible (GTK_WIDGET (self->target_dropdown), names[1] != NULL);
}

#if HAVE_FLINT_CANVAS
/* A node's state on its card: finished jobs say it is done, failed jobs that it failed. */
static FlintCanvasProgress
node_progress_state (FlintRun                *run,
                     const FlintNodeProgress *p)
{
  FlintRunState state = flint_run_get_state (run);
  gboolean complete = p->jobs_total > 0 && p->jobs_done == p->jobs_total;

  if (p->jobs_failed > 0)
    return FLINT_CANVAS_PROGRESS_FAILED;
  if (complete)
    return FLINT_CANVAS_PROGRESS_SUCCEEDED;
  switch (state)
    {
    case FLINT_RUN_SUCCEEDED:
      return FLINT_CANVAS_PROGRESS_SUCCEEDED;
    case FLINT_RUN_QUEUED:
    case FLINT_RUN_SUBMITTING:
      return FLINT_CANVAS_PROGRESS_QUEUED;
    case FLINT_RUN_RUNNING:
      return p->jobs_total > 0 ? FLINT_CANVAS_PROGRESS_RUNNING : FLINT_CANVAS_PROGRESS_QUEUED;
    case FLINT_RUN_FAILED:
    case FLINT_RUN_LOST:
      return FLINT_CANVAS_PROGRESS_FAILED;
    case FLINT_RUN_CANCELLED:
    default:
      return FLINT_CANVAS_PROGRESS_CANCELLED;
    }
}
#endif

/* The run's progress on the cards of its nodes, each linked to its job in the Spark UI. */
static void
update_run_overlay (FlintWindow *self)
{
#if HAVE_FLINT_CANVAS
  FlintCanvas *canvas;
  GPtrArray *progress;
  const char *ui_url;
  gboolean live;

  if (!FLINT_IS_CANVAS (self->canvas))
    return;
  canvas = FLINT_CANVAS (self->canvas);
  if (self->shown_run == NULL)
    {
      flint_canvas_clear_node_progress (canvas);
      return;
    }

  ui_url = flint_run_get_ui_url (self->shown_run);
  /* A driver's UI goes with the driver; a Databricks run page stays. */
  live = !flint_run_state_is_finished (flint_run_get_state (self->shown_run)) ||
         g_strcmp0 (flint_run_get_target_kind (self->shown_run), "databricks") == 0;
  progress = flint_run_get_progress (self->shown_run);
  for (guint i = 0; i < progress->len; i++)
    {
      const FlintNodeProgress *p = g_ptr_array_index (progress, i);
      g_autofree char *uri = NULL;

      if (ui_url != NULL && live)
        {
          g_autofree char *base = g_str_has_suffix (ui_url, "/") ? g_strndup (ui_url, strlen (ui_url) - 1)
                                                                 : g_strdup (ui_url);

          if (g_strcmp0 (flint_run_get_target_kind (self->shown_run), "databricks") == 0)
            uri = g_strdup (ui_url);
          else if (p->has_job_id)
            uri = g_strdup_printf ("%s/jobs/job/?id=%u", base, p->job_id);
          else
            uri = g_strdup_printf ("%s/jobs/", base);
        }
      flint_canvas_set_node_progress (canvas, p->node_id, flint_node_progress_get_fraction (p),
                                      node_progress_state (self->shown_run, p), uri);
    }
#endif
}

static void
follow_run (FlintWindow *self,
            FlintRun    *run)
{
  if (self->shown_run != NULL)
    g_signal_handlers_disconnect_by_data (self->shown_run, self);
  g_set_object (&self->shown_run, run);
  if (run != NULL)
    {
      g_signal_connect_object (run, "changed", G_CALLBACK (update_run_overlay), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (run, "node-progress", G_CALLBACK (update_run_overlay), self, G_CONNECT_SWAPPED);
    }
  update_run_overlay (self);
}

static void
show_runs_tab (FlintWindow *self)
{
  if (self->bottom_tabs == NULL || self->runs_panel == NULL)
    return;
  gtk_notebook_set_current_page (GTK_NOTEBOOK (self->bottom_tabs),
                                 gtk_notebook_page_num (GTK_NOTEBOOK (self->bottom_tabs), self->runs_panel));
  if (self->settings != NULL)
    g_settings_set_boolean (self->settings, "bottom-pane-visible", TRUE);
}

/* The Run button spins, and cannot start another run, until the run is recorded. */
static void
show_submitting (FlintWindow *self,
                 gboolean     submitting)
{
  if (self->run_button != NULL)
    {
      if (submitting)
        {
          GtkWidget *spinner = gtk_spinner_new ();

          gtk_spinner_start (GTK_SPINNER (spinner));
          gtk_button_set_child (GTK_BUTTON (self->run_button), spinner);
          gtk_widget_set_tooltip_text (self->run_button, _("Preparing the Run…"));
        }
      else
        {
          gtk_button_set_icon_name (GTK_BUTTON (self->run_button), "media-playback-start-symbolic");
          gtk_widget_set_tooltip_text (self->run_button, _("Run the Pipeline (Ctrl+R)"));
        }
    }
  update_actions (self);
}

static void
on_run_submitted (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr (FlintWindow) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (FlintRun) run = flint_runner_submit_pipeline_finish (FLINT_RUNNER (source), result, &error);

  g_autoptr (FlintPipeline) pipeline = g_steal_pointer (&self->run_pipeline);

  /* Closing the window cancelled it; it is gone. */
  if (self->run_cancellable == NULL)
    return;
  g_clear_object (&self->run_cancellable);
  show_submitting (self, FALSE);

  if (run == NULL)
    {
      /* Translators: %s says why a pipeline could not be run */
      g_autofree char *message = g_strdup_printf (_("Could not run: %s"), error->message);

      g_debug ("%s", message);
      show_toast (self, message);
      return;
    }
  /* Another document opened meanwhile: the run goes on (it was asked for) and is listed, but
   * its progress is not drawn over the other document's nodes. */
  if (self->pipeline != NULL && self->pipeline == pipeline)
    follow_run (self, run);
  show_runs_tab (self);
}

static void
submit_run (FlintWindow *self)
{
  FlintRunner *runner = flint_runs_panel_get_runner (FLINT_RUNS_PANEL (self->runs_panel));
  GtkStringObject *item = gtk_drop_down_get_selected_item (self->target_dropdown);
  const char *target = item ? gtk_string_object_get_string (item) : NULL;
  g_autofree char *path = self->file ? g_file_get_path (self->file) : NULL;

  if (self->pipeline == NULL || runner == NULL || self->run_cancellable != NULL)
    return;

  /* Generation and the program file in a thread, on a copy of the document as it is now. */
  self->run_cancellable = g_cancellable_new ();
  g_set_object (&self->run_pipeline, self->pipeline);
  show_submitting (self, TRUE);
  flint_runner_submit_pipeline_async (runner, self->pipeline, path,
                                      g_strcmp0 (target, "local") == 0 ? NULL : target,
                                      NULL, FLINT_RUN_PRIORITY_NORMAL, self->run_cancellable,
                                      on_run_submitted, g_object_ref (self));
}

static void
run_action (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  FlintWindow *self = FLINT_WINDOW (widget);

  if (self->pipeline == NULL || self->runs_panel == NULL)
    return;

  /* A pipeline with a file is saved first, so that the run and the file agree. */
  if (self->file != NULL && flint_window_is_modified (self))
    {
      IoData *data = io_data_new (self, self->io_cancellable, self->file);

      data->run_after = TRUE;
      flint_pipeline_save_async (self->pipeline, self->file, self->io_cancellable, on_saved, data);
      return;
    }
  submit_run (self);
}

static void
on_run_activated (FlintWindow *self,
                  FlintRun    *run)
{
  /* Only a run of this pipeline can show on its canvas. */
  if (self->pipeline != NULL &&
      g_strcmp0 (flint_run_get_pipeline_name (run), flint_pipeline_get_name (self->pipeline)) == 0)
    follow_run (self, run);
}

/* A run of the open file that is still going (one resumed at startup, say) shows on the
 * canvas as one started here would; the newest when there are several. */
static void
follow_file_run (FlintWindow *self)
{
  g_autofree char *path = NULL;
  GListModel *runs;
  FlintRun *newest = NULL;

  if (self->runs_panel == NULL || self->file == NULL || self->pipeline == NULL)
    return;
  if (self->shown_run != NULL && !flint_run_state_is_finished (flint_run_get_state (self->shown_run)))
    return;

  path = g_file_get_path (self->file);
  runs = flint_runs_panel_get_runs (FLINT_RUNS_PANEL (self->runs_panel));
  for (guint i = 0; i < g_list_model_get_n_items (runs); i++)
    {
      g_autoptr (FlintRun) run = g_list_model_get_item (runs, i);

      if (flint_run_state_is_finished (flint_run_get_state (run)) ||
          g_strcmp0 (flint_run_get_pipeline_file (run), path) != 0)
        continue;
      if (newest == NULL || flint_run_get_created_at (run) > flint_run_get_created_at (newest))
        newest = run;
    }
  if (newest != NULL && newest != self->shown_run)
    follow_run (self, newest);
}

static void
on_progress_activated (FlintWindow *self,
                       const char  *node_id,
                       const char  *uri)
{
  if (uri != NULL)
    gtk_show_uri (GTK_WINDOW (self), uri, GDK_CURRENT_TIME);
}

/* The Runs tab, once the application (and its runner) is known. */
static void
setup_runs (FlintWindow *self)
{
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));
  FlintRunner *runner = FLINT_IS_APPLICATION (app) ? flint_application_get_runner (FLINT_APPLICATION (app)) : NULL;

  if (runner == NULL || self->bottom_tabs == NULL)
    return;
  self->runs_panel = flint_runs_panel_new (runner);
  g_signal_connect_object (self->runs_panel, "run-activated", G_CALLBACK (on_run_activated), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (flint_runs_panel_get_runs (FLINT_RUNS_PANEL (self->runs_panel)), "items-changed",
                           G_CALLBACK (follow_file_run), self, G_CONNECT_SWAPPED);
  gtk_notebook_append_page (GTK_NOTEBOOK (self->bottom_tabs), self->runs_panel, gtk_label_new (_("Runs")));
#if HAVE_FLINT_CANVAS
  if (FLINT_IS_CANVAS (self->canvas))
    g_signal_connect_object (self->canvas, "progress-activated", G_CALLBACK (on_progress_activated), self,
                             G_CONNECT_SWAPPED);
#endif
  update_actions (self);
  update_run_targets (self);
}

/* }}} */

static void
export_code_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  FlintWindow *self = FLINT_WINDOW (widget);
  const char *which = g_variant_get_string (parameter, NULL);
  FlintCodeTab tab = g_str_equal (which, "scala") ? FLINT_CODE_TAB_SCALA
                     : g_str_equal (which, "yaml") ? FLINT_CODE_TAB_YAML : FLINT_CODE_TAB_PYTHON;

  flint_code_view_set_tab (FLINT_CODE_VIEW (self->code_view), tab);
  gtk_widget_activate_action (self->code_view, "code.save", NULL);
}

/* The shortcuts window is built the first time it is asked for. GtkApplication would build
 * it for every window as the window opens (from gtk/help-overlay.ui), which cost each window
 * 7 ms before its first frame. */
static void
show_shortcuts_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  GtkApplicationWindow *window = GTK_APPLICATION_WINDOW (widget);
  GtkShortcutsWindow *shortcuts = gtk_application_window_get_help_overlay (window);

  if (shortcuts == NULL)
    {
      g_autoptr (GtkBuilder) builder =
        gtk_builder_new_from_resource ("/io/github/flintspark/Flint/flint-shortcuts.ui");

      shortcuts = GTK_SHORTCUTS_WINDOW (gtk_builder_get_object (builder, "help_overlay"));
      /* Modal over this window, hidden on close, showing this window's accelerators. */
      gtk_application_window_set_help_overlay (window, shortcuts);
    }
  gtk_window_present (GTK_WINDOW (shortcuts));
}

static void
show_toast_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  show_toast (FLINT_WINDOW (widget), g_variant_get_string (parameter, NULL));
}

/* Menus ------------------------------------------------------------------------ */

/* A menu button's popover is made from its menu the first time it opens rather than with the
 * window: building the header bar's menus cost the first frame 2 ms. */
static void
create_menu_popup (GtkMenuButton *button,
                   gpointer       model)
{
  if (gtk_menu_button_get_menu_model (button) == NULL)
    gtk_menu_button_set_menu_model (button, model);
}

static void
setup_lazy_menu (GtkMenuButton *button,
                 GMenuModel    *model)
{
  gtk_menu_button_set_create_popup_func (button, create_menu_popup, model, NULL);
}

static void
update_recent_menu (FlintWindow *self)
{
  g_auto (GStrv) recent = NULL;

  g_menu_remove_all (self->recent_section);
  if (self->settings == NULL)
    return;

  recent = g_settings_get_strv (self->settings, "recent-files");
  for (guint i = 0; recent[i] != NULL && i < MAX_RECENT_SHOWN; i++)
    {
      g_autoptr (GFile) file = g_file_new_for_uri (recent[i]);
      g_autofree char *label = dup_display_basename (file);
      g_autoptr (GMenuItem) item = g_menu_item_new (label, NULL);

      g_menu_item_set_action_and_target_value (item, "win.open-recent",
                                               g_variant_new_string (recent[i]));
      g_menu_append_item (self->recent_section, item);
    }
}

static char *
example_title (const char *basename)
{
  g_autofree char *stem = g_strndup (basename, strlen (basename) - strlen (".flint.yaml"));
  g_auto (GStrv) words = g_strsplit_set (stem, "-_", -1);

  for (guint i = 0; words[i] != NULL; i++)
    if (words[i][0] != '\0')
      words[i][0] = g_ascii_toupper (words[i][0]);

  return g_strjoinv (" ", words);
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

static void
on_examples_listed (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr (FlintWindow) self = user_data;
  GFileEnumerator *enumerator = G_FILE_ENUMERATOR (source);
  g_autolist (GFileInfo) infos = g_file_enumerator_next_files_finish (enumerator, result, NULL);
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  GFile *dir = g_file_enumerator_get_container (enumerator);

  for (GList *l = infos; l != NULL; l = l->next)
    {
      const char *name = g_file_info_get_name (l->data);

      if (g_str_has_suffix (name, ".flint.yaml"))
        g_ptr_array_add (names, g_strdup (name));
    }
  g_ptr_array_sort (names, compare_names);

  if (self->examples_section == NULL)
    return;
  for (guint i = 0; i < names->len; i++)
    {
      const char *name = g_ptr_array_index (names, i);
      g_autoptr (GFile) file = g_file_get_child (dir, name);
      g_autofree char *uri = g_file_get_uri (file);
      g_autofree char *label = example_title (name);
      g_autoptr (GMenuItem) item = g_menu_item_new (label, NULL);

      g_menu_item_set_action_and_target_value (item, "win.new-from-example",
                                               g_variant_new_string (uri));
      g_menu_append_item (self->examples_section, item);
    }
}

static void
on_examples_enumerated (GObject      *source,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  g_autoptr (FlintWindow) self = user_data;
  g_autoptr (GFileEnumerator) enumerator = g_file_enumerate_children_finish (G_FILE (source),
                                                                            result, NULL);

  if (enumerator == NULL)
    return;
  g_file_enumerator_next_files_async (enumerator, 100, G_PRIORITY_DEFAULT, self->io_cancellable,
                                      on_examples_listed, g_object_ref (self));
}

/* The bundled examples: installed under PKGDATADIR, or the source tree's in development
 * builds and tests (FLINT_SOURCE_ROOT). */
static GFile *
dup_examples_dir (void)
{
  const char *root = g_getenv ("FLINT_SOURCE_ROOT");
  g_autofree char *path = NULL;

  if (root != NULL && root[0] != '\0')
    path = g_build_filename (root, "data", "examples", NULL);
#ifdef FLINT_SOURCE_EXAMPLES
  else if (g_file_test (FLINT_SOURCE_EXAMPLES, G_FILE_TEST_IS_DIR))
    path = g_strdup (FLINT_SOURCE_EXAMPLES);
#endif
  else
    path = g_build_filename (PKGDATADIR, "examples", NULL);

  return g_file_new_for_path (path);
}

static void
load_examples_menu (FlintWindow *self)
{
  g_autoptr (GFile) dir = dup_examples_dir ();

  g_file_enumerate_children_async (dir, G_FILE_ATTRIBUTE_STANDARD_NAME, G_FILE_QUERY_INFO_NONE,
                                   G_PRIORITY_DEFAULT, self->io_cancellable,
                                   on_examples_enumerated, g_object_ref (self));
}

/* Drops and the close prompt ------------------------------------------------------ */

static gboolean
on_file_drop (GtkDropTarget *target,
              const GValue  *value,
              double         x,
              double         y,
              FlintWindow   *self)
{
  GSList *files = g_value_get_boxed (value);

  if (files == NULL)
    return FALSE;

  for (GSList *l = files; l != NULL; l = l->next)
    open_in_window (self, l->data);

  return TRUE;
}

static gboolean
close_idle (gpointer user_data)
{
  gtk_window_close (GTK_WINDOW (user_data));

  return G_SOURCE_REMOVE;
}

static void
on_close_response (AdwMessageDialog *dialog,
                   const char       *response,
                   FlintWindow      *self)
{
  if (g_str_equal (response, "discard"))
    {
      delete_autosave (self);
      self->close_confirmed = TRUE;
      /* Not while the dialog, transient for this window, is still answering. */
      g_idle_add_full (G_PRIORITY_DEFAULT, close_idle, g_object_ref (self), g_object_unref);
    }
  else if (g_str_equal (response, "save"))
    {
      if (self->file != NULL)
        save_to (self, self->file, TRUE);
      else
        show_save_chooser (self, TRUE);
    }
}

static void
ask_before_closing (FlintWindow *self)
{
  GtkWidget *dialog;
  const char *name = flint_pipeline_get_name (self->pipeline);

  dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Save Changes?"), NULL);
  adw_message_dialog_format_body (ADW_MESSAGE_DIALOG (dialog),
                                  /* Translators: %s is the pipeline's name */
                                  _("“%s” has unsaved changes. Changes which are not saved will be permanently lost."),
                                  name != NULL && name[0] != '\0' ? name : _("Untitled Pipeline"));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "discard", _("_Discard"),
                                    "save", _("_Save"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "discard",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "save",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "save");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_close_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static gboolean
flint_window_close_request (GtkWindow *window)
{
  FlintWindow *self = FLINT_WINDOW (window);
  GSettings *settings = self->settings;

  if (self->pipeline != NULL && flint_window_is_modified (self) && !self->close_confirmed)
    {
      ask_before_closing (self);
      return TRUE;
    }

  g_cancellable_cancel (self->cancellable);
  /* A clean close: nothing is left to recover. */
  delete_autosave (self);

  if (settings != NULL)
    {
      int width;
      int height;

      gtk_window_get_default_size (window, &width, &height);
      g_settings_delay (settings);
      g_settings_set_boolean (settings, "window-maximized", gtk_window_is_maximized (window));
      if (!gtk_window_is_maximized (window) && width > 0 && height > 0)
        {
          g_settings_set_int (settings, "window-width", width);
          g_settings_set_int (settings, "window-height", height);
        }
      g_settings_apply (settings);
    }

  return GTK_WINDOW_CLASS (flint_window_parent_class)->close_request (window);
}

/* Settings ----------------------------------------------------------------------- */

static void
on_code_settings_changed (FlintWindow *self)
{
  g_autofree char *font = g_settings_get_string (self->settings, "code-font");
  g_autofree char *scheme = g_settings_get_string (self->settings, "code-style-scheme");

  flint_code_view_set_font (FLINT_CODE_VIEW (self->code_view), font);
  flint_code_view_set_style_scheme (FLINT_CODE_VIEW (self->code_view), scheme);
}

static void
setup_settings (FlintWindow *self)
{
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));
  GSettings *settings = FLINT_IS_APPLICATION (app)
                        ? flint_application_get_settings (FLINT_APPLICATION (app)) : NULL;
  g_autoptr (GSimpleActionGroup) group = g_simple_action_group_new ();

  if (settings == NULL)
    return;
  self->settings = g_object_ref (settings);

  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (settings, "window-width"),
                               g_settings_get_int (settings, "window-height"));
  if (g_settings_get_boolean (settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));

  g_settings_bind (settings, "bottom-pane-visible", self->bottom_pane, "visible",
                   G_SETTINGS_BIND_GET);
  {
    g_autoptr (GAction) action = g_settings_create_action (settings, "bottom-pane-visible");

    g_action_map_add_action (G_ACTION_MAP (group), action);
  }
  gtk_widget_insert_action_group (GTK_WIDGET (self), "settings", G_ACTION_GROUP (group));

  g_signal_connect_object (settings, "changed::recent-files",
                           G_CALLBACK (update_recent_menu), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (settings, "changed::code-font",
                           G_CALLBACK (on_code_settings_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (settings, "changed::code-style-scheme",
                           G_CALLBACK (on_code_settings_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (settings, "changed::autosave-interval",
                           G_CALLBACK (on_autosave_interval_changed), self, G_CONNECT_SWAPPED);
  update_recent_menu (self);
  on_code_settings_changed (self);
}

/* GObject ------------------------------------------------------------------------ */

static void
on_diagnostic_activated (FlintProblems *problems,
                         const char    *node_id,
                         const char    *param,
                         FlintWindow   *self)
{
  flint_window_select_node (self, node_id);
  adw_view_stack_set_visible_child_name (self->sidebar_stack, "node");
  if (param != NULL)
    {
      GtkWidget *row = flint_inspector_get_row (FLINT_INSPECTOR (self->inspector), param);

      if (row != NULL)
        gtk_widget_grab_focus (row);
    }
}

/* With FLINT_DEBUG_CODE_FILE set, what the code view shows is written there after each
 * regeneration, for end-to-end tests that drive the window from outside. */
static void
on_code_regenerated (FlintCodeView *view,
                     FlintWindow   *self)
{
  const char *path = g_getenv ("FLINT_DEBUG_CODE_FILE");
  g_autofree char *text = NULL;

  if (path == NULL || path[0] == '\0')
    return;
  text = flint_code_view_dup_text (view, FLINT_CODE_TAB_PYTHON);
  g_file_set_contents (path, text, -1, NULL);
}

static void
build_panels (FlintWindow *self)
{
  GtkDropTarget *drop;
  AdwViewStackPage *page;

  self->palette = flint_palette_new (flint_catalog_get_default ());
  gtk_widget_set_vexpand (self->palette, TRUE);
  g_signal_connect_object (self->palette, "kind-activated",
                           G_CALLBACK (on_palette_kind_activated), self, 0);
  gtk_box_append (GTK_BOX (self->palette_box), self->palette);

#if HAVE_FLINT_CANVAS
  self->canvas = flint_canvas_new ();
  gtk_widget_set_vexpand (self->canvas, TRUE);
  gtk_widget_set_hexpand (self->canvas, TRUE);
  g_signal_connect_object (self->canvas, "selection-changed",
                           G_CALLBACK (on_canvas_selection_changed), self, 0);
  gtk_box_append (GTK_BOX (self->center_box), self->canvas);
#else
  {
    GtkWidget *scrolled = gtk_scrolled_window_new ();
    GtkWidget *clamp = adw_clamp_new ();

    self->nodes_list = gtk_list_box_new ();
    gtk_widget_add_css_class (self->nodes_list, "boxed-list");
    gtk_widget_set_valign (self->nodes_list, GTK_ALIGN_START);
    g_object_set (clamp, "margin-top", 24, "margin-bottom", 24, "margin-start", 12,
                  "margin-end", 12, NULL);
    g_signal_connect_object (self->nodes_list, "row-selected",
                             G_CALLBACK (on_node_row_selected), self, 0);
    adw_clamp_set_child (ADW_CLAMP (clamp), self->nodes_list);
    gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), clamp);
    gtk_widget_set_vexpand (scrolled, TRUE);
    self->canvas = scrolled;
    drop = gtk_drop_target_new (G_TYPE_STRING, GDK_ACTION_COPY);
    g_signal_connect_object (drop, "drop", G_CALLBACK (on_placeholder_drop), self, 0);
    gtk_widget_add_controller (scrolled, GTK_EVENT_CONTROLLER (drop));
    gtk_box_append (GTK_BOX (self->center_box), scrolled);
  }
#endif

  self->inspector = flint_inspector_new ();
  page = adw_view_stack_add_titled (self->sidebar_stack, self->inspector, "node", _("Node"));
  adw_view_stack_page_set_icon_name (page, "view-list-symbolic");
  self->job_page = flint_job_page_new ();
  page = adw_view_stack_add_titled (self->sidebar_stack, self->job_page, "job", _("Job"));
  adw_view_stack_page_set_icon_name (page, "emblem-system-symbolic");

  self->code_view = flint_code_view_new ();
  g_signal_connect_object (self->code_view, "regenerated", G_CALLBACK (on_code_regenerated),
                           self, 0);
  gtk_widget_set_size_request (self->code_view, 320, -1);
  self->problems = flint_problems_new ();
  gtk_widget_set_size_request (self->problems, 280, -1);
  g_signal_connect_object (self->problems, "diagnostic-activated",
                           G_CALLBACK (on_diagnostic_activated), self, 0);
  self->preview_panel = flint_preview_panel_new ();
  g_signal_connect_object (self->preview_panel, "refresh", G_CALLBACK (on_preview_refresh), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->preview_panel, "cancel", G_CALLBACK (flint_window_cancel_preview), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->preview_panel, "reveal-node", G_CALLBACK (on_preview_reveal_node), self, G_CONNECT_SWAPPED);
  self->bottom_tabs = gtk_notebook_new ();
  gtk_notebook_set_show_border (GTK_NOTEBOOK (self->bottom_tabs), FALSE);
  gtk_notebook_append_page (GTK_NOTEBOOK (self->bottom_tabs), self->code_view, gtk_label_new (_("Code")));
  gtk_notebook_append_page (GTK_NOTEBOOK (self->bottom_tabs), self->preview_panel, gtk_label_new (_("Preview")));
  gtk_paned_set_start_child (self->bottom_pane, self->bottom_tabs);
  gtk_paned_set_end_child (self->bottom_pane, self->problems);

  drop = gtk_drop_target_new (GDK_TYPE_FILE_LIST, GDK_ACTION_COPY);
  g_signal_connect_object (drop, "drop", G_CALLBACK (on_file_drop), self, 0);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drop));
}

static void
flint_window_constructed (GObject *object)
{
  FlintWindow *self = FLINT_WINDOW (object);

  G_OBJECT_CLASS (flint_window_parent_class)->constructed (object);

  if (g_strcmp0 (g_getenv ("FLINT_DEBUG_ALLOCATIONS"), "1") == 0)
    self->alloc_source = g_timeout_add (250, dump_allocations, self);
}

static void
flint_window_dispose (GObject *object)
{
  FlintWindow *self = FLINT_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_cancellable_cancel (self->io_cancellable);
  g_clear_object (&self->io_cancellable);
  if (self->preview_cancellable)
    g_cancellable_cancel (self->preview_cancellable);
  g_clear_object (&self->preview_cancellable);
  if (self->preview_session)
    flint_preview_session_stop (self->preview_session);
  g_clear_object (&self->preview_session);
  g_clear_pointer (&self->preview_node, g_free);
  if (self->run_cancellable != NULL)
    g_cancellable_cancel (self->run_cancellable);
  g_clear_object (&self->run_cancellable);
  g_clear_object (&self->run_pipeline);
  if (self->shown_run != NULL)
    g_signal_handlers_disconnect_by_data (self->shown_run, self);
  g_clear_object (&self->shown_run);
  g_clear_handle_id (&self->alloc_source, g_source_remove);
  if (self->chooser != NULL)
    gtk_native_dialog_destroy (self->chooser);
  g_clear_object (&self->chooser);
  if (self->inspector != NULL)
    set_document (self, NULL, NULL);
  g_clear_object (&self->file);
  g_clear_object (&self->settings);
  g_clear_pointer (&self->selected, g_free);
  g_clear_pointer (&self->untitled_key, g_free);
  g_clear_pointer (&self->last_alloc_dump, g_free);
  g_clear_weak_pointer (&self->recovery_toast);

  gtk_widget_dispose_template (GTK_WIDGET (self), FLINT_TYPE_WINDOW);

  G_OBJECT_CLASS (flint_window_parent_class)->dispose (object);
}

static void
flint_window_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  FlintWindow *self = FLINT_WINDOW (object);

  switch (prop_id)
    {
    case PROP_FILE:
      g_value_set_object (value, self->file);
      break;
    case PROP_PIPELINE:
      g_value_set_object (value, self->pipeline);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
flint_window_class_init (FlintWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->constructed = flint_window_constructed;
  object_class->dispose = flint_window_dispose;
  object_class->get_property = flint_window_get_property;

  window_class->close_request = flint_window_close_request;

  properties[PROP_FILE] =
    g_param_spec_object ("file", NULL, NULL, G_TYPE_FILE,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_PIPELINE] =
    g_param_spec_object ("pipeline", NULL, NULL, FLINT_TYPE_PIPELINE,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/flintspark/Flint/flint-window.ui");
  gtk_widget_class_bind_template_child (widget_class, FlintWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, FlintWindow, run_button);
  gtk_widget_class_bind_template_child (widget_class, FlintWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, FlintWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, FlintWindow, spinner);
  gtk_widget_class_bind_template_child (widget_class, FlintWindow, error_page);
  gtk_widget_class_bind_template_child (widget_class, FlintWindow, main_paned);
  gtk_widget_class_bind_template_child (widget_class, FlintWindow, palette_box);
  gtk_widget_class_bind_template_child (widget_class, FlintWindow, center_box);
  gtk_widget_class_bind_template_child (widget_class, FlintWindow, sidebar_stack);
  gtk_widget_class_bind_template_child (widget_class, FlintWindow, bottom_pane);
  gtk_widget_class_bind_template_child (widget_class, FlintWindow, examples_section);
  gtk_widget_class_bind_template_child (widget_class, FlintWindow, recent_section);
  gtk_widget_class_bind_template_child (widget_class, FlintWindow, new_button);
  gtk_widget_class_bind_template_child (widget_class, FlintWindow, export_button);
  gtk_widget_class_bind_template_child (widget_class, FlintWindow, menu_button);
  gtk_widget_class_bind_template_child (widget_class, FlintWindow, new_menu);
  gtk_widget_class_bind_template_child (widget_class, FlintWindow, export_menu);
  gtk_widget_class_bind_template_child (widget_class, FlintWindow, primary_menu);
  gtk_widget_class_bind_template_child (widget_class, FlintWindow, target_dropdown);
  gtk_widget_class_bind_template_child (widget_class, FlintWindow, targets);

  gtk_widget_class_install_action (widget_class, "win.new", NULL, new_action);
  gtk_widget_class_install_action (widget_class, "win.new-from-example", "s",
                                   new_from_example_action);
  gtk_widget_class_install_action (widget_class, "win.open", NULL, open_action);
  gtk_widget_class_install_action (widget_class, "win.open-recent", "s", open_recent_action);
  gtk_widget_class_install_action (widget_class, "win.save", NULL, save_action);
  gtk_widget_class_install_action (widget_class, "win.save-as", NULL, save_as_action);
  gtk_widget_class_install_action (widget_class, "win.recover", NULL, recover_action);
  gtk_widget_class_install_action (widget_class, "win.undo", NULL, undo_action);
  gtk_widget_class_install_action (widget_class, "win.redo", NULL, redo_action);
  gtk_widget_class_install_action (widget_class, "win.run", NULL, run_action);
  gtk_widget_class_install_action (widget_class, "win.preview", NULL, preview_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F5, 0, "win.preview", NULL);
  gtk_widget_class_install_action (widget_class, "win.export-code", "s", export_code_action);
  gtk_widget_class_install_action (widget_class, "win.show-toast", "s", show_toast_action);
  gtk_widget_class_install_action (widget_class, "win.show-shortcuts", NULL, show_shortcuts_action);
}

static void
flint_window_init (FlintWindow *self)
{
  g_type_ensure (ADW_TYPE_SPLIT_BUTTON);

  gtk_widget_init_template (GTK_WIDGET (self));
  self->io_cancellable = g_cancellable_new ();

#if DEVELOPMENT_BUILD
  gtk_widget_add_css_class (GTK_WIDGET (self), "devel");
#endif

  setup_lazy_menu (self->new_button, self->new_menu);
  setup_lazy_menu (self->export_button, self->export_menu);
  setup_lazy_menu (self->menu_button, self->primary_menu);
  build_panels (self);
  update_actions (self);
  show_page (self, "empty");
}

/* Untitled autosaves of crashed processes are offered by the first window only. */
static gboolean untitled_recovery_offered;

FlintWindow *
flint_window_new (FlintApplication *application)
{
  FlintWindow *self;

  g_return_val_if_fail (FLINT_IS_APPLICATION (application), NULL);

  /* "application" is set after constructed(), so the settings are read here. */
  self = g_object_new (FLINT_TYPE_WINDOW, "application", application, NULL);
  setup_settings (self);
  setup_runs (self);
  load_examples_menu (self);
  if (!untitled_recovery_offered)
    {
      untitled_recovery_offered = TRUE;
      flint_window_offer_untitled_recovery (self);
    }

  return self;
}

void
flint_window_open (FlintWindow *self,
                   GFile       *file)
{
  g_return_if_fail (FLINT_IS_WINDOW (self));
  g_return_if_fail (G_IS_FILE (file));

  load (self, file, file, FALSE);
}

void
flint_window_new_pipeline (FlintWindow *self)
{
  g_autoptr (FlintPipeline) pipeline = NULL;
  JsonObject *local = json_object_new ();
  JsonNode *target = json_node_new (JSON_NODE_OBJECT);

  g_return_if_fail (FLINT_IS_WINDOW (self));

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->untitled_key, g_free);

  pipeline = flint_pipeline_new (flint_catalog_get_default ());
  flint_pipeline_set_name (pipeline, "untitled");
  /* Runs locally until the user adds a target. */
  json_object_set_string_member (local, "kind", "local");
  json_node_take_object (target, local);
  flint_pipeline_take_job_setting (pipeline, "targets.local", target);
  set_document (self, pipeline, NULL);
}

GFile *
flint_window_get_file (FlintWindow *self)
{
  g_return_val_if_fail (FLINT_IS_WINDOW (self), NULL);

  return self->file;
}

FlintPipeline *
flint_window_get_pipeline (FlintWindow *self)
{
  g_return_val_if_fail (FLINT_IS_WINDOW (self), NULL);

  return self->pipeline;
}

FlintValidator *
flint_window_get_validator (FlintWindow *self)
{
  g_return_val_if_fail (FLINT_IS_WINDOW (self), NULL);

  return self->validator;
}

FlintHistory *
flint_window_get_history (FlintWindow *self)
{
  g_return_val_if_fail (FLINT_IS_WINDOW (self), NULL);

  return self->history;
}

gboolean
flint_window_is_empty (FlintWindow *self)
{
  g_return_val_if_fail (FLINT_IS_WINDOW (self), FALSE);

  return self->file == NULL && self->pipeline == NULL;
}

gboolean
flint_window_is_modified (FlintWindow *self)
{
  g_return_val_if_fail (FLINT_IS_WINDOW (self), FALSE);

  return self->recovered
         || (self->history != NULL && flint_history_get_modified (self->history));
}

void
flint_window_select_node (FlintWindow *self,
                          const char  *node_id)
{
  g_return_if_fail (FLINT_IS_WINDOW (self));

  if (self->pipeline == NULL
      || (node_id != NULL && flint_pipeline_lookup_node (self->pipeline, node_id) == NULL))
    node_id = NULL;

  g_free (self->selected);
  self->selected = g_strdup (node_id);

  flint_inspector_set_node (FLINT_INSPECTOR (self->inspector), node_id);
  flint_code_view_reveal_node (FLINT_CODE_VIEW (self->code_view), node_id);
#if HAVE_FLINT_CANVAS
  if (FLINT_IS_CANVAS (self->canvas))
    {
      if (node_id != NULL)
        flint_canvas_reveal_node (FLINT_CANVAS (self->canvas), node_id);
      else
        flint_canvas_unselect_all (FLINT_CANVAS (self->canvas));
    }
#endif
  refresh_nodes_list (self);
}

const char *
flint_window_get_selected (FlintWindow *self)
{
  g_return_val_if_fail (FLINT_IS_WINDOW (self), NULL);

  return self->selected;
}

GtkWidget *
flint_window_get_palette (FlintWindow *self)
{
  return self->palette;
}

GtkWidget *
flint_window_get_canvas (FlintWindow *self)
{
  return self->canvas;
}

GtkWidget *
flint_window_get_inspector (FlintWindow *self)
{
  return self->inspector;
}

GtkWidget *
flint_window_get_job_page (FlintWindow *self)
{
  return self->job_page;
}

GtkWidget *
flint_window_get_code_view (FlintWindow *self)
{
  return self->code_view;
}

GtkWidget *
flint_window_get_problems (FlintWindow *self)
{
  return self->problems;
}

AdwToast *
flint_window_get_recovery_toast (FlintWindow *self)
{
  g_return_val_if_fail (FLINT_IS_WINDOW (self), NULL);

  return self->recovery_toast;
}

const char *
flint_window_get_page (FlintWindow *self)
{
  g_return_val_if_fail (FLINT_IS_WINDOW (self), NULL);

  return gtk_stack_get_visible_child_name (self->stack);
}

GtkWidget *
flint_window_get_preview_panel (FlintWindow *self)
{
  g_return_val_if_fail (FLINT_IS_WINDOW (self), NULL);
  return self->preview_panel;
}

void
flint_window_show_run (FlintWindow *self,
                       const char  *run_id)
{
  GtkWidget *row;

  g_return_if_fail (FLINT_IS_WINDOW (self));

  show_runs_tab (self);
  if (self->runs_panel != NULL && run_id != NULL &&
      (row = flint_runs_panel_get_row (FLINT_RUNS_PANEL (self->runs_panel), run_id)) != NULL)
    gtk_widget_grab_focus (row);
}

GtkWidget *
flint_window_get_runs_panel (FlintWindow *self)
{
  g_return_val_if_fail (FLINT_IS_WINDOW (self), NULL);

  return self->runs_panel;
}

FlintRun *
flint_window_get_shown_run (FlintWindow *self)
{
  g_return_val_if_fail (FLINT_IS_WINDOW (self), NULL);

  return self->shown_run;
}
