/* flint-inspector.c
 *
 * One editor per parameter, chosen by the parameter's type, each followed by a row that
 * shows what validation says about it. Edits go through FlintHistory; the page is built
 * again when the node changes under it (undo, another view), not after its own edits, so
 * typing never loses focus.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "flint"

#include "config.h"

#include <glib/gi18n.h>
#include <gtksourceview/gtksource.h>
#include <string.h>

#include "flint-inspector.h"
#include "flint-samples-dialog.h"

#define MAX_COMPLETIONS 8

typedef struct
{
  FlintInspector       *self;
  char                 *name;     /* the top-level parameter */
  int                   index;    /* the item of a list parameter, or -1 */
  char                 *field;    /* the field of a record item, or NULL */
  const FlintParamSpec *spec;     /* what this editor edits */
  char                 *path;     /* "params.keys.0.left" */
  GtkWidget            *row;
  GtkWidget            *message_row;
  GtkWidget            *message_label;
  GtkWidget            *popover;  /* expression completion */
  GtkWidget            *popover_list;
  char                 *message;
} Editor;

struct _FlintInspector
{
  GtkWidget       parent_instance;

  GtkWidget      *stack;
  GtkWidget      *page;
  GtkWidget      *general_message_row;
  GtkWidget      *general_message_label;
  GtkStringList  *input_columns;
  GtkStringList  *output_columns;
  GtkWidget      *input_group;
  GtkWidget      *output_group;
  GtkWidget      *samples_row;    /* a source's preview sample rows, or NULL */
  GtkWidget      *samples_remove;

  FlintHistory   *history;
  FlintValidator *validator;
  FlintPipeline  *pipeline;
  char           *node_id;
  GPtrArray      *editors;
  GHashTable     *by_path;        /* path -> Editor (borrowed) */
  GPtrArray      *item_specs;     /* FlintParamSpec made for the items of plain lists */
  char           *inputs_signature;
  char           *expand_list;    /* the list whose last item was just added */
  guint           rebuild_source;
  gboolean        building;
  gboolean        committing;
};

G_DEFINE_FINAL_TYPE (FlintInspector, flint_inspector, GTK_TYPE_WIDGET)

static void rebuild       (FlintInspector *self);
static void update_status (FlintInspector *self);
static void add_samples_group (FlintInspector *self);

static void
editor_free (Editor *ed)
{
  if (ed->popover != NULL)
    gtk_widget_unparent (ed->popover);
  g_free (ed->name);
  g_free (ed->field);
  g_free (ed->path);
  g_free (ed->message);
  g_free (ed);
}

static void
item_spec_free (FlintParamSpec *spec)
{
  g_free (spec->name);
  g_free (spec->title);
  g_free (spec);
}

/* json_node_copy shares objects and arrays; the history keeps the old value, so an
 * edit must never change it in place. */
static JsonNode *
json_deep_copy (JsonNode *node)
{
  if (node == NULL)
    return NULL;

  switch (JSON_NODE_TYPE (node))
    {
    case JSON_NODE_OBJECT:
      {
        JsonObject *copy = json_object_new ();
        JsonObjectIter iter;
        const char *member;
        JsonNode *value;
        JsonNode *result;

        json_object_iter_init_ordered (&iter, json_node_get_object (node));
        while (json_object_iter_next_ordered (&iter, &member, &value))
          json_object_set_member (copy, member, json_deep_copy (value));
        result = json_node_new (JSON_NODE_OBJECT);
        json_node_take_object (result, copy);
        return result;
      }
    case JSON_NODE_ARRAY:
      {
        JsonArray *array = json_node_get_array (node);
        JsonArray *copy = json_array_new ();
        JsonNode *result;

        for (guint i = 0; i < json_array_get_length (array); i++)
          json_array_add_element (copy, json_deep_copy (json_array_get_element (array, i)));
        result = json_node_new (JSON_NODE_ARRAY);
        json_node_take_array (result, copy);
        return result;
      }
    case JSON_NODE_VALUE:
    case JSON_NODE_NULL:
    default:
      return json_node_copy (node);
    }
}

static FlintNode *
get_node (FlintInspector *self)
{
  if (self->pipeline == NULL || self->node_id == NULL)
    return NULL;

  return flint_pipeline_lookup_node (self->pipeline, self->node_id);
}

/* The value the editor shows: set, or the default. Borrowed. */
static JsonNode *
editor_get_value (Editor *ed)
{
  FlintNode *node = get_node (ed->self);
  JsonNode *list;
  JsonNode *item;

  if (node == NULL)
    return NULL;
  if (ed->index < 0)
    return flint_node_get_param_or_default (node, ed->name);

  list = flint_node_get_param (node, ed->name);
  if (list == NULL || !JSON_NODE_HOLDS_ARRAY (list)
      || (guint) ed->index >= json_array_get_length (json_node_get_array (list)))
    return NULL;
  item = json_array_get_element (json_node_get_array (list), ed->index);
  if (ed->field == NULL)
    return item;
  if (!JSON_NODE_HOLDS_OBJECT (item))
    return NULL;
  if (json_object_has_member (json_node_get_object (item), ed->field))
    return json_object_get_member (json_node_get_object (item), ed->field);

  return ed->spec->default_value;
}

static void
show_error (FlintInspector *self,
            const GError   *error)
{
  GtkWidget *root = GTK_WIDGET (gtk_widget_get_root (GTK_WIDGET (self)));

  g_message ("Could not change the node: %s", error->message);
  if (root != NULL)
    gtk_widget_error_bell (root);
}

static gboolean
set_param (FlintInspector *self,
           const char     *name,
           JsonNode       *value)
{
  g_autoptr (GError) error = NULL;
  gboolean ok;

  self->committing = TRUE;
  ok = flint_history_set_param (self->history, self->node_id, name, value, &error);
  self->committing = FALSE;
  if (!ok)
    show_error (self, error);

  return ok;
}

/* Takes @value (NULL: unset). Does nothing when the value does not change. */
static void
editor_commit (Editor   *ed,
               JsonNode *value)
{
  FlintInspector *self = ed->self;
  FlintNode *node = get_node (self);
  g_autoptr (JsonNode) list = NULL;
  JsonArray *array;

  if (self->building || node == NULL || self->history == NULL)
    {
      g_clear_pointer (&value, json_node_unref);
      return;
    }

  if (ed->index < 0)
    {
      JsonNode *current = flint_node_get_param (node, ed->name);

      if ((value == NULL && current == NULL)
          || (value != NULL && current != NULL && json_node_equal (value, current)))
        {
          g_clear_pointer (&value, json_node_unref);
          return;
        }
      set_param (self, ed->name, value);
      return;
    }

  list = json_deep_copy (flint_node_get_param (node, ed->name));
  if (list == NULL || !JSON_NODE_HOLDS_ARRAY (list))
    {
      g_clear_pointer (&value, json_node_unref);
      return;
    }
  array = json_node_get_array (list);
  if ((guint) ed->index >= json_array_get_length (array))
    {
      g_clear_pointer (&value, json_node_unref);
      return;
    }

  if (ed->field != NULL)
    {
      JsonNode *item = json_array_get_element (array, ed->index);
      JsonObject *object = json_node_get_object (item);
      JsonNode *current = json_object_has_member (object, ed->field)
                          ? json_object_get_member (object, ed->field) : NULL;

      if ((value == NULL && current == NULL)
          || (value != NULL && current != NULL && json_node_equal (value, current)))
        {
          g_clear_pointer (&value, json_node_unref);
          return;
        }
      if (value == NULL)
        json_object_remove_member (object, ed->field);
      else
        json_object_set_member (object, ed->field, value);
    }
  else
    {
      JsonArray *replaced = json_array_new ();

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          if (i == (guint) ed->index)
            json_array_add_element (replaced,
                                    value != NULL ? value : json_node_new (JSON_NODE_NULL));
          else
            json_array_add_element (replaced, json_deep_copy (json_array_get_element (array, i)));
        }
      json_node_take_array (list, replaced);
    }

  set_param (self, ed->name, g_steal_pointer (&list));
}

static char *
value_to_text (JsonNode *value)
{
  if (value == NULL || JSON_NODE_HOLDS_NULL (value))
    return g_strdup ("");
  if (JSON_NODE_HOLDS_VALUE (value))
    {
      GType type = json_node_get_value_type (value);

      if (type == G_TYPE_STRING)
        return g_strdup (json_node_get_string (value));
      if (type == G_TYPE_INT64)
        return g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (value));
      if (type == G_TYPE_DOUBLE)
        {
          char buf[G_ASCII_DTOSTR_BUF_SIZE];

          return g_strdup (g_ascii_dtostr (buf, sizeof buf, json_node_get_double (value)));
        }
      if (type == G_TYPE_BOOLEAN)
        return g_strdup (json_node_get_boolean (value) ? "true" : "false");
    }
  if (JSON_NODE_HOLDS_ARRAY (value))
    {
      JsonArray *array = json_node_get_array (value);
      g_autoptr (GString) text = g_string_new (NULL);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          g_autofree char *item = value_to_text (json_array_get_element (array, i));

          if (i > 0)
            g_string_append (text, ", ");
          g_string_append (text, item);
        }
      return g_string_free (g_steal_pointer (&text), FALSE);
    }

  return json_to_string (value, FALSE);
}

static JsonNode *
string_node (const char *text)
{
  JsonNode *node = json_node_new (JSON_NODE_VALUE);

  json_node_set_string (node, text);

  return node;
}

/* "a, b ,c" -> ["a", "b", "c"]; empty -> NULL. */
static JsonNode *
text_to_string_list (const char *text)
{
  g_auto (GStrv) parts = g_strsplit (text, ",", -1);
  JsonArray *array = json_array_new ();
  JsonNode *node;

  for (guint i = 0; parts[i] != NULL; i++)
    {
      g_strstrip (parts[i]);
      if (parts[i][0] != '\0')
        json_array_add_string_element (array, parts[i]);
    }

  if (json_array_get_length (array) == 0)
    {
      json_array_unref (array);
      return NULL;
    }

  node = json_node_new (JSON_NODE_ARRAY);
  json_node_take_array (node, array);

  return node;
}

static FlintSchema *
editor_input_schema (Editor *ed)
{
  FlintInspector *self = ed->self;
  FlintFlow *flow;

  if (self->validator == NULL || self->node_id == NULL)
    return NULL;

  flow = flint_validator_get_input (self->validator, self->node_id, ed->spec->port);
  if (flow == NULL)
    {
      /* A field of a record takes its port from the record's parameter ("keys": left
       * and right); otherwise the first input. */
      flow = flint_validator_get_input (self->validator, self->node_id, NULL);
    }

  return flow != NULL ? flint_flow_get_schema (flow) : NULL;
}

/* Editors --------------------------------------------------------------------------- */

static void
on_entry_apply (GtkWidget *row,
                Editor    *ed)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (row));
  g_autofree char *stripped = g_strstrip (g_strdup (text));

  if (ed->popover != NULL)
    gtk_popover_popdown (GTK_POPOVER (ed->popover));

  if (ed->spec->type == FLINT_PARAM_COLUMNS
      || (ed->spec->type == FLINT_PARAM_LIST && ed->spec->fields == NULL))
    {
      editor_commit (ed, text_to_string_list (text));
      return;
    }

  /* Only surrounding blanks of one-line values are noise; code keeps its spaces. */
  if (stripped[0] == '\0')
    editor_commit (ed, NULL);
  else
    editor_commit (ed, string_node (ed->spec->type == FLINT_PARAM_SQL
                                    || ed->spec->type == FLINT_PARAM_CODE
                                    || ed->spec->type == FLINT_PARAM_TEXT ? text : stripped));
}

/* The identifier being typed before the cursor, and where it starts. */
static char *
current_word (GtkEditable *editable,
              int         *start)
{
  const char *text = gtk_editable_get_text (editable);
  int position = gtk_editable_get_position (editable);
  const char *end = g_utf8_offset_to_pointer (text, position);
  const char *p = end;

  while (p > text && (g_ascii_isalnum (p[-1]) || p[-1] == '_'))
    p--;
  *start = g_utf8_pointer_to_offset (text, p);

  return g_strndup (p, end - p);
}

static void
insert_completion (Editor     *ed,
                   const char *column)
{
  GtkEditable *editable = GTK_EDITABLE (ed->row);
  int start;
  int position = gtk_editable_get_position (editable);
  g_autofree char *word = current_word (editable, &start);

  gtk_editable_delete_text (editable, start, position);
  gtk_editable_insert_text (editable, column, -1, &start);
  gtk_editable_set_position (editable, start);
  gtk_popover_popdown (GTK_POPOVER (ed->popover));
}

static void
on_completion_activated (GtkListBox    *list,
                         GtkListBoxRow *row,
                         Editor        *ed)
{
  insert_completion (ed, g_object_get_data (G_OBJECT (row), "column"));
}

static void
on_expression_changed (GtkEditable *editable,
                       Editor      *ed)
{
  FlintSchema *schema;
  g_autofree char *word = NULL;
  g_autofree char *folded = NULL;
  GtkWidget *child;
  guint n = 0;
  int start;

  while ((child = gtk_widget_get_first_child (ed->popover_list)) != NULL)
    gtk_list_box_remove (GTK_LIST_BOX (ed->popover_list), child);

  schema = editor_input_schema (ed);
  word = current_word (editable, &start);
  if (ed->self->building || schema == NULL || word[0] == '\0' || g_ascii_isdigit (word[0]))
    {
      gtk_popover_popdown (GTK_POPOVER (ed->popover));
      return;
    }

  folded = g_utf8_casefold (word, -1);
  for (guint i = 0; i < flint_schema_get_n_columns (schema) && n < MAX_COMPLETIONS; i++)
    {
      const FlintColumn *column = flint_schema_get_column (schema, i);
      g_autofree char *name = g_utf8_casefold (column->name, -1);
      g_autofree char *type = column->type != NULL ? flint_data_type_to_string (column->type)
                                                   : g_strdup ("?");
      GtkWidget *row;
      GtkWidget *box;
      GtkWidget *label;

      if (!g_str_has_prefix (name, folded) || g_str_equal (column->name, word))
        continue;

      box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
      label = gtk_label_new (column->name);
      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_widget_set_hexpand (label, TRUE);
      gtk_box_append (GTK_BOX (box), label);
      label = gtk_label_new (type);
      gtk_widget_add_css_class (label, "dim-label");
      gtk_widget_add_css_class (label, "caption");
      gtk_box_append (GTK_BOX (box), label);
      row = gtk_list_box_row_new ();
      gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
      g_object_set_data_full (G_OBJECT (row), "column", g_strdup (column->name), g_free);
      gtk_list_box_append (GTK_LIST_BOX (ed->popover_list), row);
      n++;
    }

  if (n > 0)
    gtk_popover_popup (GTK_POPOVER (ed->popover));
  else
    gtk_popover_popdown (GTK_POPOVER (ed->popover));
}

static gboolean
on_expression_key (GtkEventControllerKey *controller,
                   guint                  keyval,
                   guint                  keycode,
                   GdkModifierType        state,
                   Editor                *ed)
{
  GtkListBoxRow *first;

  if (!gtk_widget_get_visible (ed->popover))
    return FALSE;

  if (keyval == GDK_KEY_Escape)
    {
      gtk_popover_popdown (GTK_POPOVER (ed->popover));
      return TRUE;
    }
  if (keyval == GDK_KEY_Tab || keyval == GDK_KEY_Down)
    {
      first = gtk_list_box_get_row_at_index (GTK_LIST_BOX (ed->popover_list), 0);
      if (first != NULL)
        {
          insert_completion (ed, g_object_get_data (G_OBJECT (first), "column"));
          return TRUE;
        }
    }

  return FALSE;
}

static GtkWidget *
make_entry_row (Editor   *ed,
                gboolean  expression)
{
  GtkWidget *row = adw_entry_row_new ();
  g_autofree char *text = NULL;
  JsonNode *value = editor_get_value (ed);

  text = value_to_text (value);
  gtk_editable_set_text (GTK_EDITABLE (row), text);
  adw_entry_row_set_show_apply_button (ADW_ENTRY_ROW (row), TRUE);
  g_signal_connect (row, "apply", G_CALLBACK (on_entry_apply), ed);
  g_signal_connect (row, "entry-activated", G_CALLBACK (on_entry_apply), ed);

  if (ed->spec->type == FLINT_PARAM_EXPRESSION || ed->spec->type == FLINT_PARAM_CONDITION
      || ed->spec->type == FLINT_PARAM_SQL || ed->spec->type == FLINT_PARAM_CODE
      || ed->spec->type == FLINT_PARAM_TYPE)
    gtk_widget_add_css_class (row, "monospace");

  if (expression)
    {
      GtkEventController *keys = gtk_event_controller_key_new ();
      GtkWidget *scrolled = gtk_scrolled_window_new ();

      ed->popover_list = gtk_list_box_new ();
      gtk_list_box_set_selection_mode (GTK_LIST_BOX (ed->popover_list), GTK_SELECTION_NONE);
      gtk_list_box_set_activate_on_single_click (GTK_LIST_BOX (ed->popover_list), TRUE);
      g_signal_connect (ed->popover_list, "row-activated",
                        G_CALLBACK (on_completion_activated), ed);
      gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled),
                                      GTK_POLICY_NEVER, GTK_POLICY_NEVER);
      gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), ed->popover_list);

      ed->popover = gtk_popover_new ();
      gtk_popover_set_autohide (GTK_POPOVER (ed->popover), FALSE);
      gtk_popover_set_has_arrow (GTK_POPOVER (ed->popover), FALSE);
      gtk_popover_set_position (GTK_POPOVER (ed->popover), GTK_POS_BOTTOM);
      gtk_widget_add_css_class (ed->popover, "menu");
      gtk_popover_set_child (GTK_POPOVER (ed->popover), scrolled);
      gtk_widget_set_parent (ed->popover, row);
      gtk_widget_set_halign (ed->popover, GTK_ALIGN_START);

      g_signal_connect_after (row, "changed", G_CALLBACK (on_expression_changed), ed);
      gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_CAPTURE);
      g_signal_connect (keys, "key-pressed", G_CALLBACK (on_expression_key), ed);
      gtk_widget_add_controller (row, keys);
    }

  return row;
}

static void
on_spin_changed (GtkSpinButton *spin,
                 Editor        *ed)
{
  JsonNode *node = json_node_new (JSON_NODE_VALUE);

  if (ed->spec->type == FLINT_PARAM_INTEGER)
    json_node_set_int (node, gtk_spin_button_get_value_as_int (spin));
  else
    json_node_set_double (node, gtk_spin_button_get_value (spin));

  editor_commit (ed, node);
}

static GtkWidget *
make_spin_row (Editor *ed)
{
  GtkWidget *row = adw_action_row_new ();
  JsonNode *value = editor_get_value (ed);
  double lower = ed->spec->has_minimum ? ed->spec->minimum : -1e15;
  double upper = ed->spec->has_maximum ? ed->spec->maximum : 1e15;
  gboolean integer = ed->spec->type == FLINT_PARAM_INTEGER;
  GtkWidget *spin = gtk_spin_button_new_with_range (lower, upper, integer ? 1 : 0.1);

  gtk_spin_button_set_digits (GTK_SPIN_BUTTON (spin), integer ? 0 : 2);
  gtk_widget_set_valign (spin, GTK_ALIGN_CENTER);
  if (value != NULL && JSON_NODE_HOLDS_VALUE (value))
    gtk_spin_button_set_value (GTK_SPIN_BUTTON (spin), json_node_get_double (value));
  else
    {
      gtk_spin_button_set_value (GTK_SPIN_BUTTON (spin), CLAMP (0, lower, upper));
      /* Unset and no default: show it empty rather than a number nobody chose. */
      gtk_editable_set_text (GTK_EDITABLE (spin), "");
    }
  g_signal_connect (spin, "value-changed", G_CALLBACK (on_spin_changed), ed);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), spin);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), spin);
  g_object_set_data (G_OBJECT (row), "flint-editor-widget", spin);

  return row;
}

static void
on_switch_active (GtkSwitch  *sw,
                  GParamSpec *pspec,
                  Editor     *ed)
{
  JsonNode *node = json_node_new (JSON_NODE_VALUE);

  json_node_set_boolean (node, gtk_switch_get_active (sw));
  editor_commit (ed, node);
}

static GtkWidget *
make_switch_row (Editor *ed)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *sw = gtk_switch_new ();
  JsonNode *value = editor_get_value (ed);

  gtk_widget_set_valign (sw, GTK_ALIGN_CENTER);
  gtk_switch_set_active (GTK_SWITCH (sw),
                         value != NULL && JSON_NODE_HOLDS_VALUE (value)
                         && json_node_get_value_type (value) == G_TYPE_BOOLEAN
                         && json_node_get_boolean (value));
  g_signal_connect (sw, "notify::active", G_CALLBACK (on_switch_active), ed);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), sw);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), sw);
  g_object_set_data (G_OBJECT (row), "flint-editor-widget", sw);

  return row;
}

static void
on_combo_selected (AdwComboRow *row,
                   GParamSpec  *pspec,
                   Editor      *ed)
{
  guint selected = adw_combo_row_get_selected (row);
  GListModel *model = adw_combo_row_get_model (row);
  gboolean has_none = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (row), "flint-has-none"));
  const char *value;

  if (selected == GTK_INVALID_LIST_POSITION)
    return;
  if (has_none && selected == 0)
    {
      editor_commit (ed, NULL);
      return;
    }

  value = gtk_string_list_get_string (GTK_STRING_LIST (model), selected);
  editor_commit (ed, string_node (value));
}

/* @choices: what the user can pick; the current value is added when missing so that a
 * wrong value stays visible (with its message) until it is changed. */
static GtkWidget *
make_combo_row (Editor      *ed,
                const char **choices)
{
  GtkWidget *row = adw_combo_row_new ();
  GtkStringList *list = gtk_string_list_new (NULL);
  JsonNode *value = editor_get_value (ed);
  const char *current = value != NULL && JSON_NODE_HOLDS_VALUE (value)
                        && json_node_get_value_type (value) == G_TYPE_STRING
                        ? json_node_get_string (value) : NULL;
  gboolean has_none = !ed->spec->required && ed->spec->default_value == NULL;
  guint selected = 0;
  guint n = 0;
  gboolean found = FALSE;

  if (has_none)
    {
      gtk_string_list_append (list, _("None"));
      n++;
    }
  for (guint i = 0; choices != NULL && choices[i] != NULL; i++, n++)
    {
      gtk_string_list_append (list, choices[i]);
      if (current != NULL && g_str_equal (current, choices[i]))
        {
          selected = n;
          found = TRUE;
        }
    }
  if (current != NULL && !found)
    {
      gtk_string_list_append (list, current);
      selected = n;
    }

  g_object_set_data (G_OBJECT (row), "flint-has-none", GINT_TO_POINTER (has_none));
  adw_combo_row_set_model (ADW_COMBO_ROW (row), G_LIST_MODEL (list));
  adw_combo_row_set_selected (ADW_COMBO_ROW (row), selected);
  g_object_unref (list);
  g_signal_connect (row, "notify::selected", G_CALLBACK (on_combo_selected), ed);

  return row;
}

static GtkWidget *
make_column_row (Editor *ed)
{
  FlintSchema *schema = editor_input_schema (ed);
  g_autoptr (GPtrArray) names = g_ptr_array_new ();

  if (schema == NULL)
    return make_entry_row (ed, FALSE);

  for (guint i = 0; i < flint_schema_get_n_columns (schema); i++)
    g_ptr_array_add (names, flint_schema_get_column (schema, i)->name);
  g_ptr_array_add (names, NULL);

  return make_combo_row (ed, (const char **) names->pdata);
}

static void
on_column_toggled (GtkCheckButton *check,
                   Editor         *ed)
{
  GtkWidget *expander = ed->row;
  GPtrArray *checks = g_object_get_data (G_OBJECT (expander), "flint-checks");
  JsonArray *array = json_array_new ();
  JsonNode *node;

  for (guint i = 0; i < checks->len; i++)
    {
      GtkCheckButton *c = g_ptr_array_index (checks, i);

      if (gtk_check_button_get_active (c))
        json_array_add_string_element (array, g_object_get_data (G_OBJECT (c), "column"));
    }

  if (json_array_get_length (array) == 0)
    {
      json_array_unref (array);
      editor_commit (ed, NULL);
    }
  else
    {
      node = json_node_new (JSON_NODE_ARRAY);
      json_node_take_array (node, array);
      editor_commit (ed, node);
    }

  {
    g_autofree char *text = value_to_text (editor_get_value (ed));

    adw_expander_row_set_subtitle (ADW_EXPANDER_ROW (expander),
                                   text[0] != '\0' ? text : _("None"));
  }
}

static gboolean
json_list_contains (JsonNode   *list,
                    const char *name)
{
  JsonArray *array;

  if (list == NULL || !JSON_NODE_HOLDS_ARRAY (list))
    return FALSE;
  array = json_node_get_array (list);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *item = json_array_get_element (array, i);

      if (JSON_NODE_HOLDS_VALUE (item) && json_node_get_value_type (item) == G_TYPE_STRING
          && g_str_equal (json_node_get_string (item), name))
        return TRUE;
    }

  return FALSE;
}

/* A column picker: one check per input column, the chosen ones in the subtitle. Columns
 * chosen before that the input no longer has stay listed (checked), so they can be
 * removed. */
static GtkWidget *
make_columns_row (Editor *ed)
{
  FlintSchema *schema = editor_input_schema (ed);
  JsonNode *value = editor_get_value (ed);
  GtkWidget *expander;
  GPtrArray *checks;
  g_autofree char *text = NULL;
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);

  if (schema == NULL)
    return make_entry_row (ed, FALSE);

  for (guint i = 0; i < flint_schema_get_n_columns (schema); i++)
    g_ptr_array_add (names, g_strdup (flint_schema_get_column (schema, i)->name));
  if (value != NULL && JSON_NODE_HOLDS_ARRAY (value))
    {
      JsonArray *array = json_node_get_array (value);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          const char *name = json_array_get_string_element (array, i);

          if (name != NULL && flint_schema_lookup (schema, name) == NULL)
            g_ptr_array_add (names, g_strdup (name));
        }
    }

  expander = adw_expander_row_new ();
  checks = g_ptr_array_new ();
  g_object_set_data_full (G_OBJECT (expander), "flint-checks", checks,
                          (GDestroyNotify) g_ptr_array_unref);
  ed->row = expander;

  for (guint i = 0; i < names->len; i++)
    {
      const char *name = g_ptr_array_index (names, i);
      const FlintColumn *column = flint_schema_lookup (schema, name);
      g_autofree char *type = column != NULL && column->type != NULL
                              ? flint_data_type_to_string (column->type) : NULL;
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *check = gtk_check_button_new ();

      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), name);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row),
                                   column != NULL ? (type != NULL ? type : "")
                                                  : _("Not in the input"));
      gtk_check_button_set_active (GTK_CHECK_BUTTON (check), json_list_contains (value, name));
      g_object_set_data_full (G_OBJECT (check), "column", g_strdup (name), g_free);
      g_signal_connect (check, "toggled", G_CALLBACK (on_column_toggled), ed);
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), check);
      adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), check);
      adw_expander_row_add_row (ADW_EXPANDER_ROW (expander), row);
      g_ptr_array_add (checks, check);
    }

  text = value_to_text (value);
  adw_expander_row_set_subtitle (ADW_EXPANDER_ROW (expander), text[0] != '\0' ? text : _("None"));

  return expander;
}

/* Maps: one row per key, with the value in an entry and a remove button. */
static void
commit_map (Editor *ed)
{
  GPtrArray *pairs = g_object_get_data (G_OBJECT (ed->row), "flint-pairs");
  JsonObject *object = json_object_new ();
  JsonNode *node;

  for (guint i = 0; i < pairs->len; i += 2)
    {
      const char *key = gtk_editable_get_text (g_ptr_array_index (pairs, i));
      const char *value = gtk_editable_get_text (g_ptr_array_index (pairs, i + 1));
      g_autofree char *k = g_strstrip (g_strdup (key));

      if (k[0] != '\0')
        json_object_set_string_member (object, k, value);
    }

  if (json_object_get_size (object) == 0)
    {
      json_object_unref (object);
      editor_commit (ed, NULL);
      return;
    }

  node = json_node_new (JSON_NODE_OBJECT);
  json_node_take_object (node, object);
  editor_commit (ed, node);
}

static void
on_map_entry_activate (GtkEntry *entry,
                       Editor   *ed)
{
  commit_map (ed);
}

static void
schedule_rebuild (FlintInspector *self);

static void
on_map_remove (GtkButton *button,
               Editor    *ed)
{
  GPtrArray *pairs = g_object_get_data (G_OBJECT (ed->row), "flint-pairs");
  GtkWidget *key = g_object_get_data (G_OBJECT (button), "key");

  for (guint i = 0; i < pairs->len; i += 2)
    if (g_ptr_array_index (pairs, i) == key)
      {
        g_ptr_array_remove_range (pairs, i, 2);
        break;
      }
  commit_map (ed);
  schedule_rebuild (ed->self);
}

static void add_map_pair (Editor *ed, const char *key, const char *value);

static void
on_map_add (GtkButton *button,
            Editor    *ed)
{
  add_map_pair (ed, "", "");
  adw_expander_row_set_expanded (ADW_EXPANDER_ROW (ed->row), TRUE);
}

static void
add_map_pair (Editor     *ed,
              const char *key,
              const char *value)
{
  GPtrArray *pairs = g_object_get_data (G_OBJECT (ed->row), "flint-pairs");
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *key_entry = gtk_entry_new ();
  GtkWidget *value_entry = gtk_entry_new ();
  GtkWidget *remove = gtk_button_new_from_icon_name ("user-trash-symbolic");

  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  gtk_widget_set_margin_top (box, 6);
  gtk_widget_set_margin_bottom (box, 6);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  gtk_editable_set_text (GTK_EDITABLE (key_entry), key);
  gtk_entry_set_placeholder_text (GTK_ENTRY (key_entry), _("Key"));
  gtk_editable_set_width_chars (GTK_EDITABLE (key_entry), 8);
  gtk_widget_set_hexpand (key_entry, TRUE);
  gtk_editable_set_text (GTK_EDITABLE (value_entry), value);
  gtk_entry_set_placeholder_text (GTK_ENTRY (value_entry), _("Value"));
  gtk_editable_set_width_chars (GTK_EDITABLE (value_entry), 6);
  gtk_widget_set_hexpand (value_entry, TRUE);
  gtk_widget_set_tooltip_text (remove, _("Remove"));
  gtk_widget_set_valign (remove, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (remove, "flat");
  g_object_set_data (G_OBJECT (remove), "key", key_entry);
  g_signal_connect (key_entry, "activate", G_CALLBACK (on_map_entry_activate), ed);
  g_signal_connect (value_entry, "activate", G_CALLBACK (on_map_entry_activate), ed);
  g_signal_connect (remove, "clicked", G_CALLBACK (on_map_remove), ed);
  gtk_box_append (GTK_BOX (box), key_entry);
  gtk_box_append (GTK_BOX (box), value_entry);
  gtk_box_append (GTK_BOX (box), remove);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  adw_expander_row_add_row (ADW_EXPANDER_ROW (ed->row), row);
  g_ptr_array_add (pairs, key_entry);
  g_ptr_array_add (pairs, value_entry);
}

static GtkWidget *
make_map_row (Editor *ed)
{
  GtkWidget *expander = adw_expander_row_new ();
  GtkWidget *add = gtk_button_new_from_icon_name ("list-add-symbolic");
  JsonNode *value = editor_get_value (ed);
  guint n = 0;

  ed->row = expander;
  g_object_set_data_full (G_OBJECT (expander), "flint-pairs", g_ptr_array_new (),
                          (GDestroyNotify) g_ptr_array_unref);
  gtk_widget_set_tooltip_text (add, _("Add Option"));
  gtk_widget_set_valign (add, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (add, "flat");
  g_signal_connect (add, "clicked", G_CALLBACK (on_map_add), ed);
  adw_expander_row_add_action (ADW_EXPANDER_ROW (expander), add);

  if (value != NULL && JSON_NODE_HOLDS_OBJECT (value))
    {
      JsonObjectIter iter;
      const char *key;
      JsonNode *member;

      json_object_iter_init_ordered (&iter, json_node_get_object (value));
      while (json_object_iter_next_ordered (&iter, &key, &member))
        {
          g_autofree char *text = value_to_text (member);

          add_map_pair (ed, key, text);
          n++;
        }
    }

  {
    g_autofree char *subtitle = n == 0 ? g_strdup (_("None"))
                                       : g_strdup_printf (ngettext ("%u option", "%u options", n), n);

    adw_expander_row_set_subtitle (ADW_EXPANDER_ROW (expander), subtitle);
  }

  return expander;
}

/* Building ------------------------------------------------------------------------- */

static Editor *
editor_new (FlintInspector       *self,
            const FlintParamSpec *spec,
            const char           *name,
            int                   index,
            const char           *field)
{
  Editor *ed = g_new0 (Editor, 1);

  ed->self = self;
  ed->spec = spec;
  ed->name = g_strdup (name);
  ed->index = index;
  ed->field = g_strdup (field);
  if (index < 0)
    ed->path = g_strdup_printf ("params.%s", name);
  else if (field == NULL)
    ed->path = g_strdup_printf ("params.%s.%d", name, index);
  else
    ed->path = g_strdup_printf ("params.%s.%d.%s", name, index, field);

  g_ptr_array_add (self->editors, ed);
  g_hash_table_insert (self->by_path, ed->path, ed);

  return ed;
}

/* Multi-line values (SQL, code, text): the row shows the first line; "Edit…" opens a
 * window with a source view. The window outlives a rebuild of the page, so Apply finds its
 * editor again by node and path rather than keeping a pointer to it. */
typedef struct
{
  FlintInspector *self;
  char           *node_id;
  char           *path;
  GtkWidget      *window;
  GtkSourceBuffer *buffer;
} TextDialog;

static void
text_dialog_free (TextDialog *dialog)
{
  g_object_unref (dialog->self);
  g_free (dialog->node_id);
  g_free (dialog->path);
  g_free (dialog);
}

/* The first line as a preview; the subtitle cannot hold a whole query. */
static void
text_row_set_preview (GtkWidget  *row,
                      const char *text)
{
  g_auto (GStrv) lines = g_strsplit (text, "\n", 2);
  g_autofree char *preview = NULL;

  preview = lines[0] != NULL && lines[1] != NULL ? g_strconcat (lines[0], " …", NULL)
                                                  : g_strdup (lines[0] != NULL ? lines[0] : "");
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), preview);
}

static void
on_text_dialog_cancel (GtkButton  *button,
                       TextDialog *dialog)
{
  gtk_window_destroy (GTK_WINDOW (dialog->window));
}

static void
on_text_dialog_apply (GtkButton  *button,
                      TextDialog *dialog)
{
  FlintInspector *self = dialog->self;
  Editor *ed = NULL;
  GtkTextIter start, end;
  g_autofree char *text = NULL;
  g_autofree char *stripped = NULL;

  if (g_strcmp0 (self->node_id, dialog->node_id) == 0 && self->by_path != NULL)
    ed = g_hash_table_lookup (self->by_path, dialog->path);

  gtk_text_buffer_get_bounds (GTK_TEXT_BUFFER (dialog->buffer), &start, &end);
  text = gtk_text_buffer_get_text (GTK_TEXT_BUFFER (dialog->buffer), &start, &end, FALSE);
  stripped = g_strstrip (g_strdup (text));

  if (ed == NULL)
    gtk_widget_error_bell (dialog->window);
  else
    {
      g_autofree char *shown = NULL;

      editor_commit (ed, stripped[0] == '\0' ? NULL : string_node (text));
      /* The page is not rebuilt after its own edits: the row's preview follows here. */
      ed = g_hash_table_lookup (self->by_path, dialog->path);
      if (ed != NULL && ADW_IS_ACTION_ROW (ed->row))
        {
          shown = value_to_text (editor_get_value (ed));
          text_row_set_preview (ed->row, shown);
        }
    }

  gtk_window_destroy (GTK_WINDOW (dialog->window));
}

static const char *
text_language_id (Editor *ed)
{
  FlintNode *node;
  JsonNode *language;

  if (ed->spec->type == FLINT_PARAM_SQL)
    return "sql";
  if (ed->spec->type != FLINT_PARAM_CODE)
    return NULL;

  node = get_node (ed->self);
  language = node != NULL ? flint_node_get_param_or_default (node, "language") : NULL;
  if (language != NULL && JSON_NODE_HOLDS_VALUE (language)
      && json_node_get_value_type (language) == G_TYPE_STRING
      && g_strcmp0 (json_node_get_string (language), "scala") == 0)
    return "scala";

  return "python3";
}

static void
on_text_edit_clicked (GtkButton *button,
                      Editor    *ed)
{
  FlintInspector *self = ed->self;
  TextDialog *dialog = g_new0 (TextDialog, 1);
  GtkSourceLanguageManager *languages = gtk_source_language_manager_get_default ();
  GtkSourceStyleSchemeManager *schemes = gtk_source_style_scheme_manager_get_default ();
  const char *language_id = text_language_id (ed);
  GtkWidget *root = GTK_WIDGET (gtk_widget_get_root (GTK_WIDGET (self)));
  GtkWidget *header = adw_header_bar_new ();
  GtkWidget *cancel = gtk_button_new_with_mnemonic (_("_Cancel"));
  GtkWidget *apply = gtk_button_new_with_mnemonic (_("_Apply"));
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *scrolled = gtk_scrolled_window_new ();
  GtkWidget *view;
  GtkWidget *title;
  g_autofree char *text = value_to_text (editor_get_value (ed));
  const char *param_title = ed->spec->title != NULL ? ed->spec->title : ed->spec->name;
  AdwStyleManager *style = adw_style_manager_get_default ();
  GtkSourceStyleScheme *scheme;

  dialog->self = g_object_ref (self);
  dialog->node_id = g_strdup (self->node_id);
  dialog->path = g_strdup (ed->path);
  dialog->buffer = gtk_source_buffer_new (NULL);
  if (language_id != NULL)
    gtk_source_buffer_set_language (dialog->buffer,
                                    gtk_source_language_manager_get_language (languages,
                                                                              language_id));
  scheme = gtk_source_style_scheme_manager_get_scheme (schemes,
                                                       adw_style_manager_get_dark (style)
                                                       ? "Adwaita-dark" : "Adwaita");
  if (scheme != NULL)
    gtk_source_buffer_set_style_scheme (dialog->buffer, scheme);
  /* Setting the text is not an edit the user can undo inside the dialog. */
  gtk_text_buffer_begin_irreversible_action (GTK_TEXT_BUFFER (dialog->buffer));
  gtk_text_buffer_set_text (GTK_TEXT_BUFFER (dialog->buffer), text, -1);
  gtk_text_buffer_end_irreversible_action (GTK_TEXT_BUFFER (dialog->buffer));

  view = gtk_source_view_new_with_buffer (dialog->buffer);
  g_object_unref (dialog->buffer);
  gtk_widget_set_name (view, "text-editor-view");
  gtk_text_view_set_monospace (GTK_TEXT_VIEW (view), ed->spec->type != FLINT_PARAM_TEXT);
  gtk_text_view_set_wrap_mode (GTK_TEXT_VIEW (view),
                               ed->spec->type == FLINT_PARAM_TEXT ? GTK_WRAP_WORD_CHAR
                                                                  : GTK_WRAP_NONE);
  gtk_source_view_set_show_line_numbers (GTK_SOURCE_VIEW (view),
                                         ed->spec->type != FLINT_PARAM_TEXT);
  gtk_source_view_set_auto_indent (GTK_SOURCE_VIEW (view), TRUE);
  gtk_source_view_set_tab_width (GTK_SOURCE_VIEW (view), 4);
  gtk_source_view_set_insert_spaces_instead_of_tabs (GTK_SOURCE_VIEW (view), TRUE);
  gtk_source_view_set_highlight_current_line (GTK_SOURCE_VIEW (view), TRUE);
  gtk_text_view_set_top_margin (GTK_TEXT_VIEW (view), 6);
  gtk_text_view_set_left_margin (GTK_TEXT_VIEW (view), 6);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), view);
  gtk_widget_set_vexpand (scrolled, TRUE);

  gtk_widget_set_name (cancel, "cancel");
  gtk_widget_set_name (apply, "apply");
  gtk_widget_add_css_class (apply, "suggested-action");
  g_signal_connect (cancel, "clicked", G_CALLBACK (on_text_dialog_cancel), dialog);
  g_signal_connect (apply, "clicked", G_CALLBACK (on_text_dialog_apply), dialog);
  adw_header_bar_set_show_end_title_buttons (ADW_HEADER_BAR (header), FALSE);
  adw_header_bar_set_show_start_title_buttons (ADW_HEADER_BAR (header), FALSE);
  adw_header_bar_pack_start (ADW_HEADER_BAR (header), cancel);
  adw_header_bar_pack_end (ADW_HEADER_BAR (header), apply);
  title = adw_window_title_new (param_title, self->node_id);
  adw_header_bar_set_title_widget (ADW_HEADER_BAR (header), title);
  gtk_box_append (GTK_BOX (box), header);
  gtk_box_append (GTK_BOX (box), scrolled);

  dialog->window = adw_window_new ();
  gtk_widget_set_name (dialog->window, "flint-text-editor");
  gtk_window_set_title (GTK_WINDOW (dialog->window), param_title);
  gtk_window_set_modal (GTK_WINDOW (dialog->window), TRUE);
  if (GTK_IS_WINDOW (root))
    gtk_window_set_transient_for (GTK_WINDOW (dialog->window), GTK_WINDOW (root));
  gtk_window_set_default_size (GTK_WINDOW (dialog->window), 640, 420);
  gtk_window_set_default_widget (GTK_WINDOW (dialog->window), NULL);
  adw_window_set_content (ADW_WINDOW (dialog->window), box);
  g_object_set_data_full (G_OBJECT (dialog->window), "flint-text-dialog", dialog,
                          (GDestroyNotify) text_dialog_free);
  gtk_window_present (GTK_WINDOW (dialog->window));
  gtk_widget_grab_focus (view);
}

static GtkWidget *
make_text_row (Editor *ed)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *button = gtk_button_new_with_mnemonic (_("_Edit…"));
  g_autofree char *text = value_to_text (editor_get_value (ed));

  text_row_set_preview (row, text);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 1);
  if (ed->spec->type != FLINT_PARAM_TEXT)
    gtk_widget_add_css_class (row, "monospace");

  gtk_widget_set_name (button, "edit");
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  g_signal_connect (button, "clicked", G_CALLBACK (on_text_edit_clicked), ed);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), button);

  return row;
}

static GtkWidget *
make_message_row (GtkWidget **label_out)
{
  /* A preferences row, so that the group keeps it inside the card, under its editor. */
  GtkWidget *row = adw_preferences_row_new ();
  GtkWidget *label = gtk_label_new (NULL);

  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  gtk_list_box_row_set_selectable (GTK_LIST_BOX_ROW (row), FALSE);
  gtk_widget_set_focusable (row, FALSE);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_widget_set_margin_top (label, 6);
  gtk_widget_set_margin_bottom (label, 6);
  gtk_widget_set_margin_start (label, 12);
  gtk_widget_set_margin_end (label, 12);
  gtk_widget_add_css_class (label, "error");
  gtk_widget_add_css_class (label, "caption");
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), label);
  gtk_widget_add_css_class (row, "flint-message-row");
  gtk_widget_set_visible (row, FALSE);
  *label_out = label;

  return row;
}

static void
container_add (GtkWidget *container,
               GtkWidget *row)
{
  if (ADW_IS_EXPANDER_ROW (container))
    adw_expander_row_add_row (ADW_EXPANDER_ROW (container), row);
  else
    adw_preferences_group_add (ADW_PREFERENCES_GROUP (container), row);
}

static Editor *
add_editor (FlintInspector       *self,
            GtkWidget            *container,
            const FlintParamSpec *spec,
            const char           *name,
            int                   index,
            const char           *field)
{
  Editor *ed = editor_new (self, spec, name, index, field);
  const char *title = spec->title != NULL ? spec->title : spec->name;
  GtkWidget *row;

  switch (spec->type)
    {
    case FLINT_PARAM_EXPRESSION:
    case FLINT_PARAM_CONDITION:
      row = make_entry_row (ed, TRUE);
      break;
    case FLINT_PARAM_INTEGER:
    case FLINT_PARAM_NUMBER:
      row = make_spin_row (ed);
      break;
    case FLINT_PARAM_BOOLEAN:
      row = make_switch_row (ed);
      break;
    case FLINT_PARAM_ENUM:
      row = make_combo_row (ed, (const char **) spec->choices);
      break;
    case FLINT_PARAM_COLUMN:
      row = make_column_row (ed);
      break;
    case FLINT_PARAM_COLUMNS:
      row = make_columns_row (ed);
      break;
    case FLINT_PARAM_MAP:
      row = make_map_row (ed);
      break;
    case FLINT_PARAM_LIST:
      row = spec->item_type == FLINT_PARAM_COLUMN && spec->fields == NULL
            ? make_columns_row (ed) : make_entry_row (ed, FALSE);
      break;
    case FLINT_PARAM_TEXT:
    case FLINT_PARAM_SQL:
    case FLINT_PARAM_CODE:
      row = make_text_row (ed);
      break;
    case FLINT_PARAM_STRING:
    case FLINT_PARAM_PATH:
    case FLINT_PARAM_TABLE:
    case FLINT_PARAM_TYPE:
    case FLINT_PARAM_INTERVAL:
    case FLINT_PARAM_SECRET:
    default:
      row = make_entry_row (ed, FALSE);
      break;
    }

  ed->row = row;
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  if (spec->required)
    {
      /* Translators: the title of a parameter that must be set */
      g_autofree char *required = g_strdup_printf (_("%s (required)"), title);

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), required);
    }
  else
    adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  if (spec->description != NULL)
    gtk_widget_set_tooltip_text (row, spec->description);
  /* Multi-line rows keep their preview as the subtitle; the description is the tooltip. */
  if (ADW_IS_ACTION_ROW (row) && !ADW_IS_COMBO_ROW (row) && spec->description != NULL
      && spec->type != FLINT_PARAM_TEXT && spec->type != FLINT_PARAM_SQL
      && spec->type != FLINT_PARAM_CODE
      && container != NULL && !ADW_IS_EXPANDER_ROW (container))
    {
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), spec->description);
      adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 2);
    }
  gtk_widget_set_name (row, ed->path);

  container_add (container, row);
  ed->message_row = make_message_row (&ed->message_label);
  container_add (container, ed->message_row);

  return ed;
}

static const FlintParamSpec *
item_spec_for (FlintInspector       *self,
               const FlintParamSpec *list_spec)
{
  FlintParamSpec *spec = g_new0 (FlintParamSpec, 1);

  spec->name = g_strdup (list_spec->name);
  spec->title = g_strdup (list_spec->title);
  spec->type = list_spec->item_type;
  spec->port = list_spec->port;
  g_ptr_array_add (self->item_specs, spec);

  return spec;
}

static JsonNode *
default_item (const FlintParamSpec *spec)
{
  JsonNode *node;

  if (spec->fields != NULL)
    {
      JsonObject *object = json_object_new ();

      for (guint i = 0; i < spec->fields->len; i++)
        {
          const FlintParamSpec *field = g_ptr_array_index (spec->fields, i);

          if (field->default_value != NULL)
            json_object_set_member (object, field->name, json_deep_copy (field->default_value));
          else if (field->required && field->type == FLINT_PARAM_ENUM && field->choices != NULL)
            json_object_set_string_member (object, field->name, field->choices[0]);
        }
      node = json_node_new (JSON_NODE_OBJECT);
      json_node_take_object (node, object);
      return node;
    }

  return string_node ("");
}

static void
on_list_add (GtkButton *button,
             gpointer   user_data)
{
  FlintInspector *self = g_object_get_data (G_OBJECT (button), "inspector");
  const FlintParamSpec *spec = user_data;
  FlintNode *node = get_node (self);
  g_autoptr (JsonNode) list = NULL;

  if (node == NULL)
    return;

  list = json_deep_copy (flint_node_get_param (node, spec->name));
  if (list == NULL || !JSON_NODE_HOLDS_ARRAY (list))
    {
      g_clear_pointer (&list, json_node_unref);
      list = json_node_new (JSON_NODE_ARRAY);
      json_node_take_array (list, json_array_new ());
    }
  json_array_add_element (json_node_get_array (list), default_item (spec));
  set_param (self, spec->name, g_steal_pointer (&list));
  g_free (self->expand_list);
  self->expand_list = g_strdup (spec->name);
  schedule_rebuild (self);
}

static void
on_list_remove (GtkButton *button,
                gpointer   user_data)
{
  FlintInspector *self = g_object_get_data (G_OBJECT (button), "inspector");
  const FlintParamSpec *spec = user_data;
  guint index = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "index"));
  FlintNode *node = get_node (self);
  JsonNode *current;
  JsonArray *array;
  JsonArray *remaining;
  JsonNode *list;

  if (node == NULL)
    return;
  current = flint_node_get_param (node, spec->name);
  if (current == NULL || !JSON_NODE_HOLDS_ARRAY (current))
    return;

  array = json_node_get_array (current);
  remaining = json_array_new ();
  for (guint i = 0; i < json_array_get_length (array); i++)
    if (i != index)
      json_array_add_element (remaining, json_deep_copy (json_array_get_element (array, i)));

  if (json_array_get_length (remaining) == 0)
    {
      json_array_unref (remaining);
      set_param (self, spec->name, NULL);
    }
  else
    {
      list = json_node_new (JSON_NODE_ARRAY);
      json_node_take_array (list, remaining);
      set_param (self, spec->name, list);
    }
  schedule_rebuild (self);
}

static char *
item_summary (const FlintParamSpec *spec,
              JsonNode             *item,
              guint                 index)
{
  if (item != NULL && JSON_NODE_HOLDS_OBJECT (item) && spec->fields != NULL)
    {
      JsonObject *object = json_node_get_object (item);
      g_autoptr (GString) text = g_string_new (NULL);

      for (guint i = 0; i < spec->fields->len && text->len < 60; i++)
        {
          const FlintParamSpec *field = g_ptr_array_index (spec->fields, i);
          g_autofree char *value = json_object_has_member (object, field->name)
                                   ? value_to_text (json_object_get_member (object, field->name))
                                   : NULL;

          if (value == NULL || value[0] == '\0')
            continue;
          if (text->len > 0)
            g_string_append (text, " · ");
          g_string_append (text, value);
        }
      if (text->len > 0)
        return g_string_free (g_steal_pointer (&text), FALSE);
    }

  /* Translators: a list item with nothing set yet, numbered from 1 */
  return g_strdup_printf (_("Item %u"), index + 1);
}

/* A list parameter gets a group of its own: one expandable row per item, with add and
 * remove. */
static void
add_list_group (FlintInspector       *self,
                const FlintParamSpec *spec)
{
  FlintNode *node = get_node (self);
  JsonNode *value = flint_node_get_param (node, spec->name);
  JsonArray *array = value != NULL && JSON_NODE_HOLDS_ARRAY (value)
                     ? json_node_get_array (value) : NULL;
  GtkWidget *group = adw_preferences_group_new ();
  GtkWidget *add = gtk_button_new_from_icon_name ("list-add-symbolic");
  const FlintParamSpec *item_spec = spec->fields == NULL ? item_spec_for (self, spec) : NULL;
  Editor *whole;
  g_autofree char *title = spec->required
                           ? g_strdup_printf (_("%s (required)"), spec->title)
                           : g_strdup (spec->title);

  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), title);
  if (spec->description != NULL)
    adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group), spec->description);
  /* Translators: a button adding an item to a list parameter */
  gtk_widget_set_tooltip_text (add, _("Add Item"));
  gtk_widget_add_css_class (add, "flat");
  gtk_widget_set_valign (add, GTK_ALIGN_CENTER);
  g_object_set_data (G_OBJECT (add), "inspector", self);
  gtk_widget_set_name (add, "flint-list-add");
  g_signal_connect (add, "clicked", G_CALLBACK (on_list_add), (gpointer) spec);
  adw_preferences_group_set_header_suffix (ADW_PREFERENCES_GROUP (group), add);

  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      JsonNode *item = json_array_get_element (array, i);
      GtkWidget *remove = gtk_button_new_from_icon_name ("user-trash-symbolic");

      gtk_widget_set_tooltip_text (remove, _("Remove"));
      gtk_widget_add_css_class (remove, "flat");
      gtk_widget_set_valign (remove, GTK_ALIGN_CENTER);
      g_object_set_data (G_OBJECT (remove), "inspector", self);
      g_object_set_data (G_OBJECT (remove), "index", GUINT_TO_POINTER (i));
      g_signal_connect (remove, "clicked", G_CALLBACK (on_list_remove), (gpointer) spec);

      if (spec->fields != NULL)
        {
          GtkWidget *expander = adw_expander_row_new ();
          g_autofree char *summary = item_summary (spec, item, i);

          adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (expander), FALSE);
          adw_preferences_row_set_title (ADW_PREFERENCES_ROW (expander), summary);
          adw_expander_row_add_action (ADW_EXPANDER_ROW (expander), remove);
          adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), expander);
          for (guint f = 0; f < spec->fields->len; f++)
            {
              const FlintParamSpec *field = g_ptr_array_index (spec->fields, f);

              add_editor (self, expander, field, spec->name, i, field->name);
            }
          /* A new item starts open: its fields are what the user wants to fill in. */
          if (i + 1 == json_array_get_length (array) && self->expand_list != NULL
              && g_str_equal (self->expand_list, spec->name))
            adw_expander_row_set_expanded (ADW_EXPANDER_ROW (expander), TRUE);
        }
      else
        {
          Editor *ed = add_editor (self, group, item_spec, spec->name, i, NULL);

          if (ADW_IS_ENTRY_ROW (ed->row))
            adw_entry_row_add_suffix (ADW_ENTRY_ROW (ed->row), remove);
          else if (ADW_IS_ACTION_ROW (ed->row))
            adw_action_row_add_suffix (ADW_ACTION_ROW (ed->row), remove);
          else
            {
              g_object_ref_sink (remove);
              g_object_unref (remove);
            }
        }
    }

  /* Messages about the list as a whole ("params.keys") show at its end. */
  whole = editor_new (self, spec, spec->name, -1, NULL);
  whole->row = group;
  whole->message_row = make_message_row (&whole->message_label);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), whole->message_row);
  if (array == NULL || json_array_get_length (array) == 0)
    {
      GtkWidget *empty = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (empty), _("No items"));
      gtk_widget_add_css_class (empty, "dim-label");
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), empty);
    }

  adw_preferences_page_add (ADW_PREFERENCES_PAGE (self->page), ADW_PREFERENCES_GROUP (group));
}

static void
on_label_apply (AdwEntryRow    *row,
                FlintInspector *self)
{
  g_autofree char *label = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (row))));
  FlintNode *node = get_node (self);
  const char *current;
  g_autoptr (GError) error = NULL;

  if (node == NULL || self->history == NULL)
    return;
  current = flint_node_get_label (node);
  if (g_strcmp0 (current != NULL ? current : "", label) == 0)
    return;

  self->committing = TRUE;
  if (!flint_history_set_label (self->history, self->node_id, label[0] != '\0' ? label : NULL,
                                &error))
    show_error (self, error);
  self->committing = FALSE;
}

static void
bind_column_cell (GtkSignalListItemFactory *factory,
                  GtkListItem              *item,
                  gpointer                  user_data)
{
  GtkStringObject *object = gtk_list_item_get_item (item);
  g_auto (GStrv) parts = g_strsplit (gtk_string_object_get_string (object), "\t", 2);
  guint which = GPOINTER_TO_UINT (user_data);

  gtk_label_set_text (GTK_LABEL (gtk_list_item_get_child (item)),
                      parts[0] != NULL && parts[which] != NULL ? parts[which] : "");
}

static void
setup_column_cell (GtkSignalListItemFactory *factory,
                   GtkListItem              *item,
                   gpointer                  user_data)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  if (GPOINTER_TO_UINT (user_data) == 1)
    {
      gtk_widget_add_css_class (label, "monospace");
      gtk_widget_add_css_class (label, "dim-label");
    }
  gtk_list_item_set_child (item, label);
}

static GtkWidget *
make_columns_table (GtkStringList *model)
{
  GtkWidget *view = gtk_column_view_new (GTK_SELECTION_MODEL (gtk_no_selection_new (
                                           G_LIST_MODEL (g_object_ref (model)))));
  const char *titles[] = { N_("Column"), N_("Type") };

  for (guint i = 0; i < G_N_ELEMENTS (titles); i++)
    {
      GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
      GtkColumnViewColumn *column;

      g_signal_connect (factory, "setup", G_CALLBACK (setup_column_cell), GUINT_TO_POINTER (i));
      g_signal_connect (factory, "bind", G_CALLBACK (bind_column_cell), GUINT_TO_POINTER (i));
      column = gtk_column_view_column_new (_(titles[i]), factory);
      gtk_column_view_column_set_expand (column, TRUE);
      gtk_column_view_append_column (GTK_COLUMN_VIEW (view), column);
      g_object_unref (column);
    }

  gtk_widget_add_css_class (view, "data-table");
  gtk_widget_add_css_class (view, "card");
  gtk_widget_set_overflow (view, GTK_OVERFLOW_HIDDEN);

  return view;
}

static void
fill_columns (GtkStringList *list,
              FlintSchema   *schema)
{
  g_autoptr (GPtrArray) rows = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; schema != NULL && i < flint_schema_get_n_columns (schema); i++)
    {
      const FlintColumn *column = flint_schema_get_column (schema, i);
      g_autofree char *type = column->type != NULL ? flint_data_type_to_string (column->type)
                                                   : g_strdup ("?");

      g_ptr_array_add (rows, g_strdup_printf ("%s\t%s", column->name, type));
    }
  g_ptr_array_add (rows, NULL);

  gtk_string_list_splice (list, 0, g_list_model_get_n_items (G_LIST_MODEL (list)),
                          (const char * const *) rows->pdata);
}

/* Every input port's schema, as text: when it changes the column pickers are stale. */
static char *
dup_inputs_signature (FlintInspector *self)
{
  FlintNode *node = get_node (self);
  const FlintNodeKind *kind = node != NULL ? flint_node_get_kind (node) : NULL;
  g_autoptr (GString) text = g_string_new (NULL);

  if (kind == NULL || self->validator == NULL)
    return g_strdup ("");

  for (guint i = 0; kind->inputs != NULL && i < kind->inputs->len; i++)
    {
      const FlintPortSpec *port = g_ptr_array_index (kind->inputs, i);
      FlintFlow *flow = flint_validator_get_input (self->validator, self->node_id, port->name);
      FlintSchema *schema = flow != NULL ? flint_flow_get_schema (flow) : NULL;
      g_autofree char *s = schema != NULL ? flint_schema_to_string (schema) : g_strdup ("-");

      g_string_append_printf (text, "%s=%s;", port->name, s);
    }

  return g_string_free (g_steal_pointer (&text), FALSE);
}

static GtkWidget *
make_group (const char *title,
            const char *description)
{
  GtkWidget *group = adw_preferences_group_new ();

  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), title);
  if (description != NULL)
    adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group), description);

  return group;
}

static void
rebuild (FlintInspector *self)
{
  FlintNode *node = get_node (self);
  const FlintNodeKind *kind;
  GtkWidget *group;
  GtkWidget *row;
  GtkWidget *old;
  gboolean any_plain = FALSE;

  g_clear_handle_id (&self->rebuild_source, g_source_remove);

  if (node == NULL)
    {
      self->samples_row = NULL;
      self->samples_remove = NULL;
      gtk_stack_set_visible_child_name (GTK_STACK (self->stack), "empty");
      return;
    }

  self->building = TRUE;
  g_ptr_array_set_size (self->editors, 0);
  g_hash_table_remove_all (self->by_path);
  g_ptr_array_set_size (self->item_specs, 0);
  g_clear_pointer (&self->inputs_signature, g_free);
  self->inputs_signature = dup_inputs_signature (self);

  old = gtk_stack_get_child_by_name (GTK_STACK (self->stack), "node");
  if (old != NULL)
    gtk_stack_remove (GTK_STACK (self->stack), old);
  self->page = adw_preferences_page_new ();
  gtk_stack_add_named (GTK_STACK (self->stack), self->page, "node");

  kind = flint_node_get_kind (node);

  /* The node itself. */
  group = make_group (kind != NULL ? kind->title : flint_node_get_kind_id (node),
                      kind != NULL ? kind->description : NULL);
  row = adw_entry_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("Label"));
  gtk_editable_set_text (GTK_EDITABLE (row),
                         flint_node_get_label (node) != NULL ? flint_node_get_label (node) : "");
  adw_entry_row_set_show_apply_button (ADW_ENTRY_ROW (row), TRUE);
  gtk_widget_set_name (row, "label");
  g_signal_connect (row, "apply", G_CALLBACK (on_label_apply), self);
  g_signal_connect (row, "entry-activated", G_CALLBACK (on_label_apply), self);
  g_object_set_data (G_OBJECT (self), "flint-label-row", row);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);

  row = adw_action_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("Identifier"));
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), flint_node_get_id (node));
  gtk_widget_add_css_class (row, "property");
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);

  self->general_message_row = make_message_row (&self->general_message_label);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), self->general_message_row);
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (self->page), ADW_PREFERENCES_GROUP (group));

  /* Scalar parameters in one group, in catalog order; lists in groups of their own. */
  group = make_group (_("Parameters"), NULL);
  for (guint i = 0; kind != NULL && kind->params != NULL && i < kind->params->len; i++)
    {
      const FlintParamSpec *spec = g_ptr_array_index (kind->params, i);

      if (spec->type == FLINT_PARAM_LIST
          && (spec->fields != NULL || spec->item_type != FLINT_PARAM_COLUMN))
        continue;
      add_editor (self, group, spec, spec->name, -1, NULL);
      any_plain = TRUE;
    }
  if (any_plain)
    adw_preferences_page_add (ADW_PREFERENCES_PAGE (self->page), ADW_PREFERENCES_GROUP (group));
  else
    {
      g_object_ref_sink (group);
      g_object_unref (group);
    }

  for (guint i = 0; kind != NULL && kind->params != NULL && i < kind->params->len; i++)
    {
      const FlintParamSpec *spec = g_ptr_array_index (kind->params, i);

      if (spec->type == FLINT_PARAM_LIST
          && (spec->fields != NULL || spec->item_type != FLINT_PARAM_COLUMN))
        add_list_group (self, spec);
    }

  /* Test-mode previews read a source's sample rows instead of its data. */
  self->samples_row = NULL;
  self->samples_remove = NULL;
  if (kind != NULL && kind->category == FLINT_NODE_CATEGORY_SOURCE && self->pipeline != NULL)
    add_samples_group (self);

  /* What flows in and out. */
  if (kind == NULL || (kind->inputs != NULL && kind->inputs->len > 0))
    {
      self->input_group = make_group (_("Input Columns"), NULL);
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (self->input_group),
                                 make_columns_table (self->input_columns));
      adw_preferences_page_add (ADW_PREFERENCES_PAGE (self->page),
                                ADW_PREFERENCES_GROUP (self->input_group));
    }
  else
    self->input_group = NULL;
  self->output_group = make_group (_("Output Columns"), NULL);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (self->output_group),
                             make_columns_table (self->output_columns));
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (self->page),
                            ADW_PREFERENCES_GROUP (self->output_group));

  gtk_stack_set_visible_child_name (GTK_STACK (self->stack), "node");
  g_clear_pointer (&self->expand_list, g_free);
  self->building = FALSE;

  update_status (self);
}

/* Sample rows --------------------------------------------------------------------- */

static JsonNode *
get_samples (FlintInspector *self)
{
  g_autofree char *path = g_strdup_printf ("preview.samples.%s", self->node_id);

  return flint_pipeline_get_job_setting (self->pipeline, path);
}

static void
update_samples (FlintInspector *self)
{
  JsonNode *samples;
  guint n;
  g_autofree char *text = NULL;

  if (self->samples_row == NULL)
    return;
  samples = get_samples (self);
  n = samples != NULL && JSON_NODE_HOLDS_ARRAY (samples)
      ? json_array_get_length (json_node_get_array (samples)) : 0;
  if (n == 0)
    text = g_strdup (_("None"));
  else
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u row", "%u rows", n), n);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self->samples_row), text);
  gtk_widget_set_sensitive (self->samples_remove, n > 0);
}

static void
on_samples_edit (GtkButton      *button,
                 FlintInspector *self)
{
  FlintSamplesDialog *dialog;
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  if (self->history == NULL || self->node_id == NULL)
    return;
  dialog = flint_samples_dialog_new (self->history, self->node_id);
  if (GTK_IS_WINDOW (root))
    gtk_window_set_transient_for (GTK_WINDOW (dialog), GTK_WINDOW (root));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
on_samples_remove (GtkButton      *button,
                   FlintInspector *self)
{
  g_autofree char *path = NULL;
  g_autoptr (GError) error = NULL;

  if (self->history == NULL || self->node_id == NULL)
    return;
  path = g_strdup_printf ("preview.samples.%s", self->node_id);
  if (!flint_history_set_job_setting (self->history, path, NULL, &error))
    show_error (self, error);
}

static void
add_samples_group (FlintInspector *self)
{
  GtkWidget *group = make_group (_("Sample Rows"),
                                 _("What this source gives when a preview runs in test mode"));
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *edit = gtk_button_new_with_label (C_("sample rows", "Edit…"));
  GtkWidget *remove = gtk_button_new_from_icon_name ("user-trash-symbolic");

  self->samples_row = adw_action_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->samples_row), _("Rows"));
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (self->samples_row), FALSE);
  gtk_widget_set_name (self->samples_row, "samples");
  gtk_widget_set_valign (box, GTK_ALIGN_CENTER);
  gtk_widget_set_name (edit, "samples-edit");
  gtk_widget_set_name (remove, "samples-remove");
  gtk_widget_set_tooltip_text (remove, _("Remove Sample Rows"));
  gtk_widget_add_css_class (remove, "flat");
  g_signal_connect (edit, "clicked", G_CALLBACK (on_samples_edit), self);
  g_signal_connect (remove, "clicked", G_CALLBACK (on_samples_remove), self);
  gtk_box_append (GTK_BOX (box), remove);
  gtk_box_append (GTK_BOX (box), edit);
  adw_action_row_add_suffix (ADW_ACTION_ROW (self->samples_row), box);
  self->samples_remove = remove;
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), self->samples_row);
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (self->page), ADW_PREFERENCES_GROUP (group));
  update_samples (self);
}

static void
on_job_changed (FlintInspector *self)
{
  update_samples (self);
}

static gboolean
rebuild_idle (gpointer user_data)
{
  FlintInspector *self = user_data;

  self->rebuild_source = 0;
  rebuild (self);

  return G_SOURCE_REMOVE;
}

/* Rebuilding destroys the widget whose signal is running: wait for the main loop. */
static void
schedule_rebuild (FlintInspector *self)
{
  if (self->rebuild_source == 0)
    self->rebuild_source = g_idle_add_full (G_PRIORITY_HIGH_IDLE, rebuild_idle, self, NULL);
}

static Editor *
find_editor (FlintInspector *self,
             const char     *param)
{
  g_autofree char *path = g_strdup (param);

  /* "params.aggregations.1.expr" shows under its own row; a deeper path than any editor
   * shows under the closest one above it. */
  while (path[0] != '\0')
    {
      Editor *ed = g_hash_table_lookup (self->by_path, path);
      char *dot;

      if (ed != NULL)
        return ed;
      dot = strrchr (path, '.');
      if (dot == NULL)
        break;
      *dot = '\0';
    }

  return NULL;
}

static void
set_message (GtkWidget  *row,
             GtkWidget  *label,
             GString    *text)
{
  gtk_label_set_text (GTK_LABEL (label), text != NULL ? text->str : "");
  gtk_widget_set_visible (row, text != NULL && text->len > 0);
}

static void
free_gstring (gpointer data)
{
  g_string_free (data, TRUE);
}

static void
update_status (FlintInspector *self)
{
  FlintNode *node = get_node (self);
  GPtrArray *diagnostics;
  g_autoptr (GHashTable) texts = NULL;
  g_autoptr (GString) general = g_string_new (NULL);
  FlintFlow *flow;
  const FlintNodeKind *kind;

  if (node == NULL || self->validator == NULL || self->building)
    return;

  texts = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, free_gstring);
  diagnostics = flint_validator_get_node_diagnostics (self->validator, self->node_id);

  for (guint i = 0; i < diagnostics->len; i++)
    {
      FlintDiagnostic *diagnostic = g_ptr_array_index (diagnostics, i);
      const char *param = flint_diagnostic_get_param (diagnostic);
      Editor *ed = param != NULL ? find_editor (self, param) : NULL;
      GString *text;

      if (flint_diagnostic_get_severity (diagnostic) == FLINT_SEVERITY_INFO)
        continue;

      if (ed != NULL)
        {
          text = g_hash_table_lookup (texts, ed);
          if (text == NULL)
            {
              text = g_string_new (NULL);
              g_hash_table_insert (texts, ed, text);
            }
        }
      else
        text = general;

      if (text->len > 0)
        g_string_append_c (text, '\n');
      g_string_append (text, flint_diagnostic_get_message (diagnostic));
      if (flint_diagnostic_get_hint (diagnostic) != NULL)
        g_string_append_printf (text, " %s", flint_diagnostic_get_hint (diagnostic));
    }

  for (guint i = 0; i < self->editors->len; i++)
    {
      Editor *ed = g_ptr_array_index (self->editors, i);
      GString *text = g_hash_table_lookup (texts, ed);

      g_clear_pointer (&ed->message, g_free);
      if (text != NULL)
        ed->message = g_strdup (text->str);
      set_message (ed->message_row, ed->message_label, text);
      if (ed->row != NULL && !ADW_IS_PREFERENCES_GROUP (ed->row))
        {
          if (text != NULL)
            gtk_widget_add_css_class (ed->row, "error");
          else
            gtk_widget_remove_css_class (ed->row, "error");
        }
    }
  set_message (self->general_message_row, self->general_message_label, general);

  kind = flint_node_get_kind (node);
  flow = kind != NULL && kind->inputs != NULL && kind->inputs->len > 0
         ? flint_validator_get_input (self->validator, self->node_id, NULL) : NULL;
  fill_columns (self->input_columns, flow != NULL ? flint_flow_get_schema (flow) : NULL);
  if (self->input_group != NULL)
    adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (self->input_group),
                                           flow == NULL ? _("Connect an input to see its columns")
                                           : flint_flow_get_schema (flow) == NULL
                                           ? _("Not known until the input's columns are") : NULL);
  flow = flint_validator_get_output (self->validator, self->node_id, NULL);
  fill_columns (self->output_columns, flow != NULL ? flint_flow_get_schema (flow) : NULL);
  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (self->output_group),
                                         flow == NULL || flint_flow_get_schema (flow) == NULL
                                         ? _("Not known until the node is valid") : NULL);
}

/* Signals ------------------------------------------------------------------------- */

static void
on_node_changed (FlintPipeline  *pipeline,
                 FlintNode      *node,
                 const char     *what,
                 FlintInspector *self)
{
  if (self->committing || self->node_id == NULL
      || !g_str_equal (flint_node_get_id (node), self->node_id))
    return;
  if (g_strcmp0 (what, "position") == 0)
    return;

  schedule_rebuild (self);
}

static void
on_node_removed (FlintPipeline  *pipeline,
                 FlintNode      *node,
                 FlintInspector *self)
{
  if (self->node_id != NULL && g_str_equal (flint_node_get_id (node), self->node_id))
    flint_inspector_set_node (self, NULL);
}

static void
on_validator_updated (FlintInspector *self)
{
  g_autofree char *signature = NULL;

  if (get_node (self) == NULL)
    return;

  signature = dup_inputs_signature (self);
  if (g_strcmp0 (signature, self->inputs_signature) != 0)
    schedule_rebuild (self);
  else
    update_status (self);
}

static void
disconnect_document (FlintInspector *self)
{
  if (self->pipeline != NULL)
    g_signal_handlers_disconnect_by_data (self->pipeline, self);
  if (self->validator != NULL)
    g_signal_handlers_disconnect_by_data (self->validator, self);
  g_clear_object (&self->pipeline);
  g_clear_object (&self->validator);
  g_clear_object (&self->history);
}

static void
flint_inspector_dispose (GObject *object)
{
  FlintInspector *self = FLINT_INSPECTOR (object);

  g_clear_handle_id (&self->rebuild_source, g_source_remove);
  disconnect_document (self);
  if (self->editors != NULL)
    g_ptr_array_set_size (self->editors, 0);
  g_clear_pointer (&self->stack, gtk_widget_unparent);
  g_clear_pointer (&self->editors, g_ptr_array_unref);
  g_clear_pointer (&self->by_path, g_hash_table_unref);
  g_clear_pointer (&self->item_specs, g_ptr_array_unref);
  g_clear_object (&self->input_columns);
  g_clear_object (&self->output_columns);
  g_clear_pointer (&self->node_id, g_free);
  g_clear_pointer (&self->inputs_signature, g_free);
  g_clear_pointer (&self->expand_list, g_free);

  G_OBJECT_CLASS (flint_inspector_parent_class)->dispose (object);
}

static void
flint_inspector_class_init (FlintInspectorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = flint_inspector_dispose;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "flintinspector");
}

static void
flint_inspector_init (FlintInspector *self)
{
  GtkWidget *empty = adw_status_page_new ();

  self->editors = g_ptr_array_new_with_free_func ((GDestroyNotify) editor_free);
  self->by_path = g_hash_table_new (g_str_hash, g_str_equal);
  self->item_specs = g_ptr_array_new_with_free_func ((GDestroyNotify) item_spec_free);
  self->input_columns = gtk_string_list_new (NULL);
  self->output_columns = gtk_string_list_new (NULL);

  adw_status_page_set_icon_name (ADW_STATUS_PAGE (empty), "view-list-symbolic");
  adw_status_page_set_title (ADW_STATUS_PAGE (empty), _("No Node Selected"));
  adw_status_page_set_description (ADW_STATUS_PAGE (empty),
                                   _("Select a node to edit its parameters"));
  gtk_widget_add_css_class (empty, "compact");

  self->stack = gtk_stack_new ();
  gtk_stack_add_named (GTK_STACK (self->stack), empty, "empty");
  gtk_widget_set_parent (self->stack, GTK_WIDGET (self));
}

GtkWidget *
flint_inspector_new (void)
{
  return g_object_new (FLINT_TYPE_INSPECTOR, NULL);
}

void
flint_inspector_set_document (FlintInspector *self,
                              FlintHistory   *history,
                              FlintValidator *validator)
{
  g_return_if_fail (FLINT_IS_INSPECTOR (self));

  disconnect_document (self);
  g_clear_pointer (&self->node_id, g_free);

  if (history != NULL)
    {
      self->history = g_object_ref (history);
      self->pipeline = g_object_ref (flint_history_get_pipeline (history));
      g_signal_connect (self->pipeline, "node-changed", G_CALLBACK (on_node_changed), self);
      g_signal_connect (self->pipeline, "node-removed", G_CALLBACK (on_node_removed), self);
      g_signal_connect_swapped (self->pipeline, "job-changed", G_CALLBACK (on_job_changed), self);
    }
  if (validator != NULL)
    {
      self->validator = g_object_ref (validator);
      g_signal_connect_swapped (self->validator, "updated",
                                G_CALLBACK (on_validator_updated), self);
    }

  rebuild (self);
}

void
flint_inspector_set_node (FlintInspector *self,
                          const char     *node_id)
{
  g_return_if_fail (FLINT_IS_INSPECTOR (self));

  if (g_strcmp0 (node_id, self->node_id) == 0)
    return;

  g_free (self->node_id);
  self->node_id = g_strdup (node_id);
  rebuild (self);
}

const char *
flint_inspector_get_node (FlintInspector *self)
{
  g_return_val_if_fail (FLINT_IS_INSPECTOR (self), NULL);

  return self->node_id;
}

GtkWidget *
flint_inspector_get_row (FlintInspector *self,
                         const char     *path)
{
  Editor *ed;

  g_return_val_if_fail (FLINT_IS_INSPECTOR (self), NULL);

  if (g_strcmp0 (path, "label") == 0)
    return g_object_get_data (G_OBJECT (self), "flint-label-row");

  ed = g_hash_table_lookup (self->by_path, path);

  return ed != NULL ? ed->row : NULL;
}

const char *
flint_inspector_get_message (FlintInspector *self,
                             const char     *path)
{
  Editor *ed;

  g_return_val_if_fail (FLINT_IS_INSPECTOR (self), NULL);

  ed = g_hash_table_lookup (self->by_path, path);
  if (ed == NULL || !gtk_widget_get_visible (ed->message_row))
    return NULL;

  return gtk_label_get_text (GTK_LABEL (ed->message_label));
}

guint
flint_inspector_get_n_columns (FlintInspector *self,
                               gboolean        output)
{
  g_return_val_if_fail (FLINT_IS_INSPECTOR (self), 0);

  return g_list_model_get_n_items (G_LIST_MODEL (output ? self->output_columns
                                                        : self->input_columns));
}
