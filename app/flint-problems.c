/* flint-problems.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "flint"

#include "config.h"

#include <glib/gi18n.h>

#include "flint-problems.h"

struct _FlintProblems
{
  GtkWidget       parent_instance;

  GtkWidget      *box;
  GtkWidget      *summary;
  GtkWidget      *stack;
  GtkWidget      *list;
  FlintValidator *validator;
  guint           refresh_source;
  guint           n_errors;
  guint           n_warnings;
};

G_DEFINE_FINAL_TYPE (FlintProblems, flint_problems, GTK_TYPE_WIDGET)

enum {
  DIAGNOSTIC_ACTIVATED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

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
create_row (FlintProblems   *self,
            FlintDiagnostic *diagnostic)
{
  FlintPipeline *pipeline = flint_validator_get_pipeline (self->validator);
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
  adw_action_row_set_title_lines (ADW_ACTION_ROW (row), 2);

  if (node_id != NULL)
    {
      FlintNode *node = flint_pipeline_lookup_node (pipeline, node_id);
      GtkWidget *go = gtk_image_new_from_icon_name ("go-next-symbolic");

      g_string_append (subtitle, node != NULL ? flint_node_get_display_name (node) : node_id);
      if (param != NULL)
        g_string_append_printf (subtitle, " · %s", param);

      g_object_set_data_full (G_OBJECT (row), "flint-node-id", g_strdup (node_id), g_free);
      g_object_set_data_full (G_OBJECT (row), "flint-param", g_strdup (param), g_free);
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
      gtk_widget_add_css_class (go, "dim-label");
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), go);
    }
  else
    {
      g_string_append (subtitle, _("Pipeline"));
    }

  if (hint != NULL && hint[0] != '\0')
    g_string_append_printf (subtitle, " — %s", hint);

  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle->str);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 2);

  return row;
}

static void
on_row_activated (GtkListBox    *list,
                  GtkListBoxRow *row,
                  FlintProblems *self)
{
  const char *node_id = g_object_get_data (G_OBJECT (row), "flint-node-id");

  if (node_id != NULL)
    g_signal_emit (self, signals[DIAGNOSTIC_ACTIVATED], 0, node_id,
                   g_object_get_data (G_OBJECT (row), "flint-param"));
}

static void
clear_list (GtkListBox *list)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (list))) != NULL)
    gtk_list_box_remove (list, child);
}

void
flint_problems_refresh (FlintProblems *self)
{
  g_autoptr (GPtrArray) diagnostics = NULL;
  g_autofree char *counts = NULL;

  g_return_if_fail (FLINT_IS_PROBLEMS (self));

  g_clear_handle_id (&self->refresh_source, g_source_remove);
  clear_list (GTK_LIST_BOX (self->list));
  self->n_errors = 0;
  self->n_warnings = 0;

  if (self->validator == NULL)
    {
      gtk_label_set_text (GTK_LABEL (self->summary), "");
      gtk_stack_set_visible_child_name (GTK_STACK (self->stack), "none");
      return;
    }

  diagnostics = flint_validator_dup_diagnostics (self->validator);
  for (guint i = 0; i < diagnostics->len; i++)
    {
      FlintDiagnostic *diagnostic = g_ptr_array_index (diagnostics, i);

      if (flint_diagnostic_get_severity (diagnostic) == FLINT_SEVERITY_ERROR)
        self->n_errors++;
      else if (flint_diagnostic_get_severity (diagnostic) == FLINT_SEVERITY_WARNING)
        self->n_warnings++;
      gtk_list_box_append (GTK_LIST_BOX (self->list), create_row (self, diagnostic));
    }

  counts = format_counts (self->n_errors, self->n_warnings);
  gtk_label_set_text (GTK_LABEL (self->summary), counts);
  gtk_stack_set_visible_child_name (GTK_STACK (self->stack),
                                    diagnostics->len > 0 ? "list" : "none");
}

static gboolean
refresh_idle (gpointer user_data)
{
  FlintProblems *self = user_data;

  self->refresh_source = 0;
  flint_problems_refresh (self);

  return G_SOURCE_REMOVE;
}

static void
on_validator_updated (FlintProblems *self)
{
  if (self->refresh_source == 0)
    self->refresh_source = g_idle_add (refresh_idle, self);
}

static void
flint_problems_dispose (GObject *object)
{
  FlintProblems *self = FLINT_PROBLEMS (object);

  flint_problems_set_validator (self, NULL);
  g_clear_pointer (&self->box, gtk_widget_unparent);

  G_OBJECT_CLASS (flint_problems_parent_class)->dispose (object);
}

static void
flint_problems_class_init (FlintProblemsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = flint_problems_dispose;

  signals[DIAGNOSTIC_ACTIVATED] =
    g_signal_new ("diagnostic-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_STRING);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "flintproblems");
}

static void
flint_problems_init (FlintProblems *self)
{
  GtkWidget *header = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *title = gtk_label_new (_("Problems"));
  GtkWidget *scrolled = gtk_scrolled_window_new ();
  GtkWidget *none = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);

  self->box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  gtk_widget_set_parent (self->box, GTK_WIDGET (self));

  gtk_widget_add_css_class (title, "heading");
  self->summary = gtk_label_new (NULL);
  gtk_widget_add_css_class (self->summary, "dim-label");
  gtk_widget_set_hexpand (self->summary, TRUE);
  gtk_label_set_xalign (GTK_LABEL (self->summary), 0);
  gtk_widget_set_margin_top (header, 9);
  gtk_widget_set_margin_bottom (header, 9);
  gtk_widget_set_margin_start (header, 12);
  gtk_widget_set_margin_end (header, 12);
  gtk_box_append (GTK_BOX (header), title);
  gtk_box_append (GTK_BOX (header), self->summary);
  gtk_box_append (GTK_BOX (self->box), header);
  gtk_box_append (GTK_BOX (self->box), gtk_separator_new (GTK_ORIENTATION_HORIZONTAL));

  self->list = gtk_list_box_new ();
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (self->list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (self->list, "navigation-sidebar");
  g_signal_connect (self->list, "row-activated", G_CALLBACK (on_row_activated), self);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->list),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Problems"), -1);
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled),
                                  GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), self->list);

  {
    GtkWidget *icon = gtk_image_new_from_icon_name ("object-select-symbolic");
    GtkWidget *label = gtk_label_new (_("Validation found no problems"));

    gtk_image_set_pixel_size (GTK_IMAGE (icon), 32);
    gtk_widget_add_css_class (icon, "success");
    gtk_widget_add_css_class (label, "dim-label");
    gtk_box_append (GTK_BOX (none), icon);
    gtk_box_append (GTK_BOX (none), label);
    gtk_widget_set_valign (none, GTK_ALIGN_CENTER);
  }

  self->stack = gtk_stack_new ();
  gtk_widget_set_vexpand (self->stack, TRUE);
  gtk_stack_add_named (GTK_STACK (self->stack), scrolled, "list");
  gtk_stack_add_named (GTK_STACK (self->stack), none, "none");
  gtk_box_append (GTK_BOX (self->box), self->stack);
}

GtkWidget *
flint_problems_new (void)
{
  return g_object_new (FLINT_TYPE_PROBLEMS, NULL);
}

void
flint_problems_set_validator (FlintProblems  *self,
                              FlintValidator *validator)
{
  g_return_if_fail (FLINT_IS_PROBLEMS (self));

  if (self->validator != NULL)
    g_signal_handlers_disconnect_by_data (self->validator, self);
  g_clear_handle_id (&self->refresh_source, g_source_remove);
  g_set_object (&self->validator, validator);
  if (validator != NULL)
    g_signal_connect_swapped (validator, "updated", G_CALLBACK (on_validator_updated), self);
  else
    g_clear_object (&self->validator);

  if (self->list != NULL)
    flint_problems_refresh (self);
}

guint
flint_problems_get_n_rows (FlintProblems *self)
{
  guint n = 0;

  g_return_val_if_fail (FLINT_IS_PROBLEMS (self), 0);

  for (GtkWidget *child = gtk_widget_get_first_child (self->list); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    n++;

  return n;
}

GtkWidget *
flint_problems_get_row (FlintProblems *self,
                        guint          index)
{
  g_return_val_if_fail (FLINT_IS_PROBLEMS (self), NULL);

  return GTK_WIDGET (gtk_list_box_get_row_at_index (GTK_LIST_BOX (self->list), index));
}

char *
flint_problems_dup_summary (FlintProblems *self)
{
  g_return_val_if_fail (FLINT_IS_PROBLEMS (self), NULL);

  return format_counts (self->n_errors, self->n_warnings);
}
