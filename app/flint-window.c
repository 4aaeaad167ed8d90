/* flint-window.c
 *
 * Until the canvas lands, the window shows a pipeline as two lists: its nodes, each with
 * what validation found in it, and every diagnostic.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "flint"

#include "config.h"

#include <glib/gi18n.h>

#include "flint-window.h"

struct _FlintWindow
{
  AdwApplicationWindow  parent_instance;

  /* Template children */
  AdwToastOverlay      *toast_overlay;
  AdwWindowTitle       *window_title;
  GtkStack             *stack;
  GtkSpinner           *spinner;
  AdwStatusPage        *error_page;
  GtkLabel             *description_label;
  AdwPreferencesGroup  *nodes_group;
  GtkListBox           *nodes_list;
  AdwPreferencesGroup  *problems_group;
  GtkListBox           *problems_list;

  GFile                *file;
  FlintPipeline        *pipeline;
  FlintValidator       *validator;
  GCancellable         *cancellable;
  GtkNativeDialog      *chooser;
  guint                 refresh_source;
};

typedef struct
{
  FlintWindow  *self;
  GCancellable *cancellable;
  GFile        *file;
} LoadData;

G_DEFINE_FINAL_TYPE (FlintWindow, flint_window, ADW_TYPE_APPLICATION_WINDOW)

enum {
  PROP_0,
  PROP_FILE,
  PROP_PIPELINE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
load_data_free (LoadData *data)
{
  g_clear_object (&data->self);
  g_clear_object (&data->cancellable);
  g_clear_object (&data->file);
  g_free (data);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LoadData, load_data_free)

static char *
dup_display_basename (GFile *file)
{
  const char *path = g_file_peek_path (file);

  if (path != NULL)
    return g_filename_display_basename (path);

  return g_file_get_basename (file);
}

static const char *
severity_icon_name (FlintSeverity severity)
{
  switch (severity)
    {
    case FLINT_SEVERITY_ERROR:
      return "dialog-error-symbolic";
    case FLINT_SEVERITY_WARNING:
      return "dialog-warning-symbolic";
    case FLINT_SEVERITY_INFO:
    default:
      return "dialog-information-symbolic";
    }
}

static const char *
severity_style_class (FlintSeverity severity)
{
  switch (severity)
    {
    case FLINT_SEVERITY_ERROR:
      return "error";
    case FLINT_SEVERITY_WARNING:
      return "warning";
    case FLINT_SEVERITY_INFO:
    default:
      return "accent";
    }
}

static void
count_severities (GPtrArray *diagnostics,
                  guint     *n_errors,
                  guint     *n_warnings)
{
  *n_errors = 0;
  *n_warnings = 0;

  for (guint i = 0; diagnostics != NULL && i < diagnostics->len; i++)
    {
      FlintSeverity severity = flint_diagnostic_get_severity (g_ptr_array_index (diagnostics, i));

      if (severity == FLINT_SEVERITY_ERROR)
        (*n_errors)++;
      else if (severity == FLINT_SEVERITY_WARNING)
        (*n_warnings)++;
    }
}

static char *
format_counts (guint n_errors,
               guint n_warnings)
{
  g_autofree char *errors = NULL;
  g_autofree char *warnings = NULL;

  if (n_errors == 0 && n_warnings == 0)
    return g_strdup (_("No problems"));

  errors = g_strdup_printf (ngettext ("%u error", "%u errors", n_errors), n_errors);
  warnings = g_strdup_printf (ngettext ("%u warning", "%u warnings", n_warnings), n_warnings);

  if (n_warnings == 0)
    return g_steal_pointer (&errors);
  if (n_errors == 0)
    return g_steal_pointer (&warnings);

  /* Translators: the two counts of problems, "2 errors, 1 warning" */
  return g_strdup_printf (_("%s, %s"), errors, warnings);
}

static GtkWidget *
make_badge (const char *icon_name,
            const char *style_class,
            guint       count)
{
  g_autofree char *text = g_strdup_printf ("%u", count);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 4);
  GtkWidget *icon = gtk_image_new_from_icon_name (icon_name);
  GtkWidget *label = gtk_label_new (text);

  gtk_widget_add_css_class (box, style_class);
  gtk_widget_set_valign (box, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (label, "numeric");
  gtk_box_append (GTK_BOX (box), icon);
  gtk_box_append (GTK_BOX (box), label);

  return box;
}

static const char *
node_icon_name (FlintWindow         *self,
                const FlintNodeKind *kind)
{
  GtkIconTheme *theme = gtk_icon_theme_get_for_display (gtk_widget_get_display (GTK_WIDGET (self)));

  if (kind == NULL)
    return "dialog-question-symbolic";
  if (kind->icon_name != NULL && gtk_icon_theme_has_icon (theme, kind->icon_name))
    return kind->icon_name;

  switch (kind->category)
    {
    case FLINT_NODE_CATEGORY_SOURCE:
      return "document-open-symbolic";
    case FLINT_NODE_CATEGORY_SINK:
      return "document-save-symbolic";
    case FLINT_NODE_CATEGORY_TRANSFORM:
    default:
      return "emblem-system-symbolic";
    }
}

static GtkWidget *
create_node_row (gpointer item,
                 gpointer user_data)
{
  FlintNode *node = item;
  FlintWindow *self = user_data;
  const FlintNodeKind *kind = flint_node_get_kind (node);
  GPtrArray *diagnostics;
  g_autofree char *counts = NULL;
  GtkWidget *row;
  guint n_errors;
  guint n_warnings;

  row = adw_action_row_new ();
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), flint_node_get_display_name (node));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row),
                               kind != NULL ? kind->title : flint_node_get_kind_id (node));
  adw_action_row_set_icon_name (ADW_ACTION_ROW (row), node_icon_name (self, kind));

  diagnostics = flint_validator_get_node_diagnostics (self->validator, flint_node_get_id (node));
  count_severities (diagnostics, &n_errors, &n_warnings);

  if (n_errors > 0)
    adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                               make_badge ("dialog-error-symbolic", "error", n_errors));
  if (n_warnings > 0)
    adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                               make_badge ("dialog-warning-symbolic", "warning", n_warnings));
  if (n_errors == 0 && n_warnings == 0)
    {
      GtkWidget *ok = gtk_image_new_from_icon_name ("object-select-symbolic");

      gtk_widget_add_css_class (ok, "dim-label");
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), ok);
    }

  counts = format_counts (n_errors, n_warnings);
  gtk_widget_set_tooltip_text (row, counts);

  return row;
}

static void
on_problem_activated (AdwActionRow *row,
                      FlintWindow  *self)
{
  const char *node_id = g_object_get_data (G_OBJECT (row), "flint-node-id");
  FlintNode *node;
  GtkListBoxRow *node_row;

  if (node_id == NULL || self->pipeline == NULL)
    return;

  node = flint_pipeline_lookup_node (self->pipeline, node_id);
  if (node == NULL)
    return;

  node_row = gtk_list_box_get_row_at_index (self->nodes_list,
                                            flint_pipeline_node_position (self->pipeline, node));
  if (node_row != NULL)
    gtk_widget_grab_focus (GTK_WIDGET (node_row));
}

static GtkWidget *
create_problem_row (FlintWindow     *self,
                    FlintDiagnostic *diagnostic)
{
  FlintSeverity severity = flint_diagnostic_get_severity (diagnostic);
  const char *node_id = flint_diagnostic_get_node_id (diagnostic);
  const char *param = flint_diagnostic_get_param (diagnostic);
  const char *hint = flint_diagnostic_get_hint (diagnostic);
  g_autoptr (GString) subtitle = g_string_new (NULL);
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *icon = gtk_image_new_from_icon_name (severity_icon_name (severity));

  gtk_widget_add_css_class (icon, severity_style_class (severity));
  gtk_widget_set_tooltip_text (icon, flint_severity_to_string (severity));
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), icon);

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), flint_diagnostic_get_message (diagnostic));

  if (node_id != NULL)
    {
      FlintNode *node = self->pipeline != NULL
                        ? flint_pipeline_lookup_node (self->pipeline, node_id) : NULL;

      g_string_append (subtitle, node != NULL ? flint_node_get_display_name (node) : node_id);
      if (param != NULL)
        g_string_append_printf (subtitle, " · %s", param);

      g_object_set_data_full (G_OBJECT (row), "flint-node-id", g_strdup (node_id), g_free);
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
      g_signal_connect_object (row, "activated", G_CALLBACK (on_problem_activated), self, 0);
    }
  else
    {
      g_string_append (subtitle, _("Pipeline"));
    }

  if (hint != NULL && hint[0] != '\0')
    g_string_append_printf (subtitle, " — %s", hint);

  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle->str);

  return row;
}

static void
clear_list (GtkListBox *list)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (list))) != NULL)
    gtk_list_box_remove (list, child);
}

static void
refresh_problems (FlintWindow *self)
{
  g_autoptr (GPtrArray) diagnostics = flint_validator_dup_diagnostics (self->validator);
  g_autofree char *counts = NULL;
  guint n_errors;
  guint n_warnings;

  clear_list (self->problems_list);

  for (guint i = 0; i < diagnostics->len; i++)
    gtk_list_box_append (self->problems_list,
                         create_problem_row (self, g_ptr_array_index (diagnostics, i)));

  if (diagnostics->len == 0)
    {
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *icon = gtk_image_new_from_icon_name ("object-select-symbolic");

      gtk_widget_add_css_class (icon, "success");
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), icon);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row),
                                     _("Validation found no problems"));
      gtk_list_box_append (self->problems_list, row);
    }

  count_severities (diagnostics, &n_errors, &n_warnings);
  counts = format_counts (n_errors, n_warnings);
  adw_preferences_group_set_description (self->problems_group, counts);
}

static void
refresh_nodes (FlintWindow *self)
{
  guint n_nodes = flint_pipeline_get_n_nodes (self->pipeline);
  g_autofree char *description = NULL;

  /* Binding again recreates every row, with fresh counts. */
  gtk_list_box_bind_model (self->nodes_list, flint_pipeline_get_nodes (self->pipeline),
                           create_node_row, self, NULL);

  description = g_strdup_printf (ngettext ("%u node", "%u nodes", n_nodes), n_nodes);
  adw_preferences_group_set_description (self->nodes_group, description);
}

static void
refresh (FlintWindow *self)
{
  const char *name;
  const char *description;
  g_autofree char *basename = NULL;

  g_assert (self->pipeline != NULL);

  flint_validator_update (self->validator);

  basename = dup_display_basename (self->file);
  name = flint_pipeline_get_name (self->pipeline);
  if (name == NULL || name[0] == '\0')
    name = basename;

  adw_window_title_set_title (self->window_title, name);
  adw_window_title_set_subtitle (self->window_title, basename);
  gtk_window_set_title (GTK_WINDOW (self), name);

  description = flint_pipeline_get_description (self->pipeline);
  gtk_label_set_text (self->description_label, description != NULL ? description : "");
  gtk_widget_set_visible (GTK_WIDGET (self->description_label),
                          description != NULL && description[0] != '\0');

  refresh_nodes (self);
  refresh_problems (self);
}

static gboolean
refresh_idle (gpointer user_data)
{
  FlintWindow *self = user_data;

  self->refresh_source = 0;
  if (self->pipeline != NULL)
    refresh (self);

  return G_SOURCE_REMOVE;
}

static void
on_validator_updated (FlintWindow *self)
{
  /* Several passes in a row cost one redraw. */
  if (self->refresh_source == 0)
    self->refresh_source = g_idle_add (refresh_idle, self);
}

static void
set_pipeline (FlintWindow   *self,
              FlintPipeline *pipeline)
{
  if (pipeline != NULL && pipeline == self->pipeline)
    return;

  g_clear_handle_id (&self->refresh_source, g_source_remove);
  if (self->validator != NULL)
    g_signal_handlers_disconnect_by_data (self->validator, self);
  gtk_list_box_bind_model (self->nodes_list, NULL, NULL, NULL, NULL);
  g_clear_object (&self->validator);

  if (!g_set_object (&self->pipeline, pipeline))
    return;
  if (pipeline != NULL)
    {
      self->validator = flint_validator_new (pipeline);
      flint_validator_update (self->validator);
      g_signal_connect_object (self->validator, "updated",
                               G_CALLBACK (on_validator_updated), self, G_CONNECT_SWAPPED);
    }

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PIPELINE]);
}

static void
show_page (FlintWindow *self,
           const char  *name)
{
  gtk_spinner_set_spinning (self->spinner, g_str_equal (name, "loading"));
  gtk_stack_set_visible_child_name (self->stack, name);
}

static void
on_load_ready (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr (LoadData) data = user_data;
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
      adw_status_page_set_description (self->error_page, escaped);
      adw_window_title_set_title (self->window_title, _("Flint"));
      adw_window_title_set_subtitle (self->window_title, basename);
      show_page (self, "error");
      return;
    }

  set_pipeline (self, pipeline);
  refresh (self);
  show_page (self, "pipeline");

  app = gtk_window_get_application (GTK_WINDOW (self));
  if (FLINT_IS_APPLICATION (app))
    flint_application_add_recent (FLINT_APPLICATION (app), data->file);
}

static void
on_chooser_response (GtkNativeDialog *chooser,
                     int              response,
                     FlintWindow     *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr (GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));

      if (file != NULL)
        flint_window_open (self, file);
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
  g_signal_connect_object (chooser, "response", G_CALLBACK (on_chooser_response), self, 0);
  gtk_native_dialog_show (self->chooser);
}

static void
restore_size (FlintWindow *self)
{
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));
  GSettings *settings;

  if (!FLINT_IS_APPLICATION (app))
    return;
  settings = flint_application_get_settings (FLINT_APPLICATION (app));
  if (settings == NULL)
    return;

  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (settings, "window-width"),
                               g_settings_get_int (settings, "window-height"));
  if (g_settings_get_boolean (settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));
}

static gboolean
flint_window_close_request (GtkWindow *window)
{
  FlintWindow *self = FLINT_WINDOW (window);
  GtkApplication *app = gtk_window_get_application (window);
  GSettings *settings = FLINT_IS_APPLICATION (app)
                        ? flint_application_get_settings (FLINT_APPLICATION (app)) : NULL;

  g_cancellable_cancel (self->cancellable);

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

static void
flint_window_constructed (GObject *object)
{
  FlintWindow *self = FLINT_WINDOW (object);

  G_OBJECT_CLASS (flint_window_parent_class)->constructed (object);

  restore_size (self);
}

static void
flint_window_dispose (GObject *object)
{
  FlintWindow *self = FLINT_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->chooser != NULL)
    gtk_native_dialog_destroy (self->chooser);
  g_clear_object (&self->chooser);
  set_pipeline (self, NULL);
  g_clear_object (&self->file);

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
  gtk_widget_class_bind_template_child (widget_class, FlintWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, FlintWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, FlintWindow, spinner);
  gtk_widget_class_bind_template_child (widget_class, FlintWindow, error_page);
  gtk_widget_class_bind_template_child (widget_class, FlintWindow, description_label);
  gtk_widget_class_bind_template_child (widget_class, FlintWindow, nodes_group);
  gtk_widget_class_bind_template_child (widget_class, FlintWindow, nodes_list);
  gtk_widget_class_bind_template_child (widget_class, FlintWindow, problems_group);
  gtk_widget_class_bind_template_child (widget_class, FlintWindow, problems_list);

  gtk_widget_class_install_action (widget_class, "win.open", NULL, open_action);
}

static void
flint_window_init (FlintWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

#if DEVELOPMENT_BUILD
  gtk_widget_add_css_class (GTK_WIDGET (self), "devel");
#endif

  show_page (self, "empty");
}

FlintWindow *
flint_window_new (FlintApplication *application)
{
  g_return_val_if_fail (FLINT_IS_APPLICATION (application), NULL);

  return g_object_new (FLINT_TYPE_WINDOW, "application", application, NULL);
}

void
flint_window_open (FlintWindow *self,
                   GFile       *file)
{
  LoadData *data;
  g_autofree char *basename = NULL;

  g_return_if_fail (FLINT_IS_WINDOW (self));
  g_return_if_fail (G_IS_FILE (file));

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();

  set_pipeline (self, NULL);
  if (g_set_object (&self->file, file))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FILE]);

  basename = dup_display_basename (file);
  adw_window_title_set_subtitle (self->window_title, basename);
  show_page (self, "loading");

  data = g_new0 (LoadData, 1);
  data->self = g_object_ref (self);
  data->cancellable = g_object_ref (self->cancellable);
  data->file = g_object_ref (file);

  flint_pipeline_load_async (flint_catalog_get_default (), file, self->cancellable,
                             on_load_ready, data);
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

gboolean
flint_window_is_empty (FlintWindow *self)
{
  g_return_val_if_fail (FLINT_IS_WINDOW (self), FALSE);

  return self->file == NULL && self->pipeline == NULL;
}
