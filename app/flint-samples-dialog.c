/* flint-samples-dialog.c
 *
 * The rows a source gives in test-mode previews (job.preview.samples.SOURCE), shown as
 * CSV because that is what people paste from a spreadsheet or a head(1) of the real
 * file. Values take the type of the declared column, so the preview sees numbers where
 * Spark expects numbers; a bad row keeps the dialog open with the line named.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "flint"

#include "config.h"

#include <glib/gi18n.h>
#include <gtksourceview/gtksource.h>
#include <math.h>
#include <string.h>

#include "flint-samples-dialog.h"

struct _FlintSamplesDialog
{
  AdwWindow     parent_instance;

  FlintHistory *history;
  char         *source_id;
  GtkWidget    *view;
  GtkWidget    *error_label;
};

G_DEFINE_FINAL_TYPE (FlintSamplesDialog, flint_samples_dialog, ADW_TYPE_WINDOW)

/* CSV ------------------------------------------------------------------------------ */

typedef struct
{
  char     *text;
  gboolean  quoted;
} Field;

static void
field_free (gpointer data)
{
  Field *field = data;

  g_free (field->text);
  g_free (field);
}

/* Reads one record from *@p (quotes may hold commas, quotes doubled and newlines),
 * counting the lines it crosses; NULL at the end of the text. */
static GPtrArray *
read_record (const char **p,
             guint       *line,
             GError     **error)
{
  g_autoptr (GPtrArray) fields = g_ptr_array_new_with_free_func (field_free);
  g_autoptr (GString) text = g_string_new (NULL);
  const char *s = *p;
  guint start = *line;
  gboolean quoted = FALSE;

  if (*s == '\0')
    return NULL;

  for (;;)
    {
      if (*s == '"' && text->len == 0 && !quoted)
        {
          quoted = TRUE;
          s++;
          for (;;)
            {
              if (*s == '\0')
                {
                  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                               _("Line %u: a quoted field is not closed"), start);
                  return NULL;
                }
              if (*s == '"' && s[1] == '"')
                {
                  g_string_append_c (text, '"');
                  s += 2;
                }
              else if (*s == '"')
                {
                  s++;
                  break;
                }
              else
                {
                  if (*s == '\n')
                    (*line)++;
                  g_string_append_c (text, *s++);
                }
            }
          /* Anything between the closing quote and the comma is kept, as spreadsheets do. */
          continue;
        }
      if (*s == ',' || *s == '\n' || *s == '\0' || (*s == '\r' && (s[1] == '\n' || s[1] == '\0')))
        {
          Field *field = g_new0 (Field, 1);

          field->text = g_strdup (text->str);
          field->quoted = quoted;
          g_ptr_array_add (fields, field);
          g_string_truncate (text, 0);
          quoted = FALSE;
          if (*s == ',')
            {
              s++;
              continue;
            }
          if (*s == '\r')
            s++;
          if (*s == '\n')
            {
              s++;
              (*line)++;
            }
          break;
        }
      g_string_append_c (text, *s++);
    }

  *p = s;
  return g_steal_pointer (&fields);
}

static gboolean
record_is_blank (GPtrArray *fields)
{
  Field *first = g_ptr_array_index (fields, 0);

  return fields->len == 1 && !first->quoted && g_strstrip (first->text)[0] == '\0';
}

static gboolean
is_integral (FlintTypeKind kind)
{
  return kind == FLINT_TYPE_KIND_BYTE || kind == FLINT_TYPE_KIND_SHORT
         || kind == FLINT_TYPE_KIND_INT || kind == FLINT_TYPE_KIND_LONG;
}

static gboolean
is_fractional (FlintTypeKind kind)
{
  return kind == FLINT_TYPE_KIND_FLOAT || kind == FLINT_TYPE_KIND_DOUBLE
         || kind == FLINT_TYPE_KIND_DECIMAL;
}

static JsonNode *
typed_value (Field          *field,
             const FlintColumn *column,
             guint           line,
             GError        **error)
{
  FlintTypeKind kind = column != NULL && column->type != NULL
                       ? flint_data_type_get_kind (column->type) : FLINT_TYPE_KIND_STRING;
  g_autofree char *trimmed = NULL;
  JsonNode *node;

  if (field->text[0] == '\0' && !field->quoted)
    return json_node_new (JSON_NODE_NULL);

  if (is_integral (kind) || is_fractional (kind))
    {
      gint64 integer;
      double number;
      char *end = NULL;

      trimmed = g_strstrip (g_strdup (field->text));
      if (g_ascii_string_to_signed (trimmed, 10, G_MININT64, G_MAXINT64, &integer, NULL))
        {
          node = json_node_new (JSON_NODE_VALUE);
          json_node_set_int (node, integer);
          return node;
        }
      if (is_fractional (kind) && trimmed[0] != '\0')
        {
          number = g_ascii_strtod (trimmed, &end);
          if (end != NULL && *end == '\0' && isfinite (number))
            {
              node = json_node_new (JSON_NODE_VALUE);
              json_node_set_double (node, number);
              return node;
            }
        }
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   is_integral (kind) ? _("Line %u: “%s” in %s is not a whole number")
                                      : _("Line %u: “%s” in %s is not a number"),
                   line, field->text, column->name);
      return NULL;
    }

  if (kind == FLINT_TYPE_KIND_BOOLEAN)
    {
      trimmed = g_strstrip (g_strdup (field->text));
      if (g_ascii_strcasecmp (trimmed, "true") == 0 || g_ascii_strcasecmp (trimmed, "false") == 0)
        {
          node = json_node_new (JSON_NODE_VALUE);
          json_node_set_boolean (node, g_ascii_strcasecmp (trimmed, "true") == 0);
          return node;
        }
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("Line %u: “%s” in %s is not true or false"),
                   line, field->text, column->name);
      return NULL;
    }

  node = json_node_new (JSON_NODE_VALUE);
  json_node_set_string (node, field->text);
  return node;
}

JsonNode *
flint_samples_parse_csv (const char   *text,
                         FlintSchema  *schema,
                         GError      **error)
{
  g_autoptr (GPtrArray) header = NULL;
  g_autoptr (GPtrArray) columns = g_ptr_array_new ();
  g_autoptr (JsonArray) rows = json_array_new ();
  JsonNode *result;
  const char *p = text;
  guint line = 1;
  guint header_line;
  GError *local_error = NULL;

  g_return_val_if_fail (text != NULL, NULL);

  /* The header: the first line that is not blank. */
  for (;;)
    {
      header_line = line;
      header = read_record (&p, &line, &local_error);
      if (header == NULL)
        {
          if (local_error != NULL)
            {
              g_propagate_error (error, local_error);
              return NULL;
            }
          return json_node_init_array (json_node_alloc (), rows);
        }
      if (!record_is_blank (header))
        break;
      g_clear_pointer (&header, g_ptr_array_unref);
    }

  for (guint i = 0; i < header->len; i++)
    {
      Field *field = g_ptr_array_index (header, i);

      g_strstrip (field->text);
      if (field->text[0] == '\0')
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       _("Line %u: column %u of the header has no name"), header_line, i + 1);
          return NULL;
        }
      for (guint j = 0; j < i; j++)
        if (g_str_equal (((Field *) g_ptr_array_index (header, j))->text, field->text))
          {
            g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                         _("Line %u: the header names %s twice"), header_line, field->text);
            return NULL;
          }
      g_ptr_array_add (columns, (gpointer) (schema != NULL ? flint_schema_lookup (schema, field->text)
                                                           : NULL));
    }

  for (;;)
    {
      guint row_line = line;
      g_autoptr (GPtrArray) record = read_record (&p, &line, &local_error);
      JsonObject *row;

      if (record == NULL)
        {
          if (local_error != NULL)
            {
              g_propagate_error (error, local_error);
              return NULL;
            }
          break;
        }
      if (record_is_blank (record))
        continue;
      if (record->len != header->len)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       g_dngettext (GETTEXT_PACKAGE,
                                    "Line %u: %u field where the header has %u",
                                    "Line %u: %u fields where the header has %u",
                                    record->len),
                       row_line, record->len, header->len);
          return NULL;
        }

      row = json_object_new ();
      for (guint i = 0; i < record->len; i++)
        {
          Field *name = g_ptr_array_index (header, i);
          const FlintColumn *column = g_ptr_array_index (columns, i);
          FlintColumn untyped = { name->text, NULL, TRUE };
          JsonNode *value = typed_value (g_ptr_array_index (record, i),
                                         column != NULL ? column : &untyped, row_line, error);

          if (value == NULL)
            {
              json_object_unref (row);
              return NULL;
            }
          json_object_set_member (row, name->text, value);
        }
      json_array_add_object_element (rows, row);
    }

  result = json_node_alloc ();
  json_node_init_array (result, rows);
  return result;
}

static void
append_csv_field (GString    *out,
                  const char *text,
                  gboolean    force_quotes)
{
  gboolean quote = force_quotes || text[0] == '\0' || strpbrk (text, ",\"\n\r") != NULL
                   || g_ascii_isspace (text[0]) || g_ascii_isspace (text[strlen (text) - 1]);

  if (!quote)
    {
      g_string_append (out, text);
      return;
    }
  g_string_append_c (out, '"');
  for (const char *s = text; *s != '\0'; s++)
    {
      if (*s == '"')
        g_string_append_c (out, '"');
      g_string_append_c (out, *s);
    }
  g_string_append_c (out, '"');
}

static void
append_value (GString  *out,
              JsonNode *value)
{
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];

  if (value == NULL || JSON_NODE_HOLDS_NULL (value))
    return;
  if (!JSON_NODE_HOLDS_VALUE (value))
    {
      g_autofree char *json = json_to_string (value, FALSE);

      append_csv_field (out, json, FALSE);
      return;
    }
  switch (json_node_get_value_type (value))
    {
    case G_TYPE_INT64:
      g_string_append_printf (out, "%" G_GINT64_FORMAT, json_node_get_int (value));
      break;
    case G_TYPE_DOUBLE:
      g_string_append (out, g_ascii_dtostr (buffer, sizeof buffer, json_node_get_double (value)));
      break;
    case G_TYPE_BOOLEAN:
      g_string_append (out, json_node_get_boolean (value) ? "true" : "false");
      break;
    default:
      /* An empty string stays quoted so that it reads back as a string, not null. */
      append_csv_field (out, json_node_get_string (value), FALSE);
      break;
    }
}

char *
flint_samples_to_csv (FlintSchema *schema,
                      JsonNode    *rows)
{
  g_autoptr (GPtrArray) names = g_ptr_array_new ();
  g_autoptr (GString) out = g_string_new (NULL);
  JsonArray *array = rows != NULL && JSON_NODE_HOLDS_ARRAY (rows) ? json_node_get_array (rows) : NULL;

  for (guint i = 0; schema != NULL && i < flint_schema_get_n_columns (schema); i++)
    g_ptr_array_add (names, flint_schema_get_column (schema, i)->name);
  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      g_autoptr (GList) members = NULL;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        continue;
      members = json_object_get_members (json_node_get_object (element));
      for (GList *l = members; l != NULL; l = l->next)
        if (!g_ptr_array_find_with_equal_func (names, l->data, g_str_equal, NULL))
          g_ptr_array_add (names, l->data);
    }

  for (guint i = 0; i < names->len; i++)
    {
      if (i > 0)
        g_string_append_c (out, ',');
      append_csv_field (out, g_ptr_array_index (names, i), FALSE);
    }
  if (names->len > 0)
    g_string_append_c (out, '\n');

  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      JsonObject *row = JSON_NODE_HOLDS_OBJECT (element) ? json_node_get_object (element) : NULL;

      for (guint j = 0; j < names->len; j++)
        {
          if (j > 0)
            g_string_append_c (out, ',');
          if (row != NULL)
            append_value (out, json_object_get_member (row, g_ptr_array_index (names, j)));
        }
      g_string_append_c (out, '\n');
    }

  return g_string_free (g_steal_pointer (&out), FALSE);
}

/* The dialog ------------------------------------------------------------------------ */

static FlintSchema *
get_schema (FlintSamplesDialog *self)
{
  FlintNode *node = flint_pipeline_lookup_node (flint_history_get_pipeline (self->history),
                                                self->source_id);

  return node != NULL ? flint_node_get_schema (node) : NULL;
}

static void
show_error (FlintSamplesDialog *self,
            const char         *message)
{
  gtk_label_set_text (GTK_LABEL (self->error_label), message != NULL ? message : "");
  gtk_widget_set_visible (self->error_label, message != NULL);
}

static void
on_buffer_changed (FlintSamplesDialog *self)
{
  show_error (self, NULL);
}

static void
apply_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  flint_samples_dialog_apply (FLINT_SAMPLES_DIALOG (widget));
}

static void
flint_samples_dialog_dispose (GObject *object)
{
  FlintSamplesDialog *self = FLINT_SAMPLES_DIALOG (object);

  g_clear_object (&self->history);
  g_clear_pointer (&self->source_id, g_free);

  G_OBJECT_CLASS (flint_samples_dialog_parent_class)->dispose (object);
}

static void
flint_samples_dialog_class_init (FlintSamplesDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = flint_samples_dialog_dispose;

  gtk_widget_class_install_action (widget_class, "samples.apply", NULL, apply_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
  /* Return types a new row, so applying from the keyboard takes Ctrl. */
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Return, GDK_CONTROL_MASK, "samples.apply", NULL);
}

static void
flint_samples_dialog_init (FlintSamplesDialog *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *header = adw_header_bar_new ();
  GtkWidget *cancel = gtk_button_new_with_mnemonic (_("_Cancel"));
  GtkWidget *apply = gtk_button_new_with_mnemonic (C_("sample rows", "_Apply"));
  GtkWidget *content = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  GtkWidget *intro = gtk_label_new (_("One row per line, values separated by commas. The first "
                                      "line names the columns. Quote a value that holds a comma; "
                                      "leave a value empty for null."));
  GtkWidget *scrolled = gtk_scrolled_window_new ();
  GtkSourceBuffer *buffer = gtk_source_buffer_new (NULL);

  gtk_window_set_modal (GTK_WINDOW (self), TRUE);
  gtk_window_set_default_size (GTK_WINDOW (self), 560, 420);
  gtk_window_set_title (GTK_WINDOW (self), _("Sample Rows"));

  adw_header_bar_set_show_start_title_buttons (ADW_HEADER_BAR (header), FALSE);
  adw_header_bar_set_show_end_title_buttons (ADW_HEADER_BAR (header), FALSE);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (cancel), "window.close");
  adw_header_bar_pack_start (ADW_HEADER_BAR (header), cancel);
  gtk_widget_add_css_class (apply, "suggested-action");
  gtk_widget_set_name (apply, "apply");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (apply), "samples.apply");
  adw_header_bar_pack_end (ADW_HEADER_BAR (header), apply);
  gtk_box_append (GTK_BOX (box), header);

  gtk_widget_set_margin_top (content, 12);
  gtk_widget_set_margin_bottom (content, 12);
  gtk_widget_set_margin_start (content, 12);
  gtk_widget_set_margin_end (content, 12);
  gtk_widget_set_vexpand (content, TRUE);

  gtk_label_set_wrap (GTK_LABEL (intro), TRUE);
  gtk_label_set_xalign (GTK_LABEL (intro), 0);
  gtk_widget_add_css_class (intro, "dim-label");
  gtk_box_append (GTK_BOX (content), intro);

  self->view = gtk_source_view_new_with_buffer (buffer);
  g_object_unref (buffer);
  gtk_text_view_set_monospace (GTK_TEXT_VIEW (self->view), TRUE);
  gtk_source_view_set_show_line_numbers (GTK_SOURCE_VIEW (self->view), TRUE);
  gtk_source_view_set_highlight_current_line (GTK_SOURCE_VIEW (self->view), TRUE);
  gtk_text_view_set_top_margin (GTK_TEXT_VIEW (self->view), 6);
  gtk_text_view_set_bottom_margin (GTK_TEXT_VIEW (self->view), 6);
  gtk_text_view_set_left_margin (GTK_TEXT_VIEW (self->view), 6);
  g_signal_connect_swapped (buffer, "changed", G_CALLBACK (on_buffer_changed), self);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), self->view);
  gtk_widget_set_vexpand (scrolled, TRUE);
  gtk_widget_add_css_class (scrolled, "card");
  gtk_widget_set_overflow (scrolled, GTK_OVERFLOW_HIDDEN);
  gtk_box_append (GTK_BOX (content), scrolled);

  self->error_label = gtk_label_new (NULL);
  gtk_label_set_wrap (GTK_LABEL (self->error_label), TRUE);
  gtk_label_set_xalign (GTK_LABEL (self->error_label), 0);
  gtk_label_set_selectable (GTK_LABEL (self->error_label), TRUE);
  gtk_widget_add_css_class (self->error_label, "error");
  gtk_widget_set_visible (self->error_label, FALSE);
  gtk_box_append (GTK_BOX (content), self->error_label);

  gtk_box_append (GTK_BOX (box), content);
  adw_window_set_content (ADW_WINDOW (self), box);
  gtk_window_set_focus (GTK_WINDOW (self), self->view);
}

FlintSamplesDialog *
flint_samples_dialog_new (FlintHistory *history,
                          const char   *source_id)
{
  FlintSamplesDialog *self;
  FlintNode *node;
  g_autofree char *path = NULL;
  g_autofree char *csv = NULL;
  g_autofree char *title = NULL;
  GtkTextBuffer *buffer;

  g_return_val_if_fail (FLINT_IS_HISTORY (history), NULL);
  g_return_val_if_fail (source_id != NULL, NULL);

  self = g_object_new (FLINT_TYPE_SAMPLES_DIALOG, NULL);
  self->history = g_object_ref (history);
  self->source_id = g_strdup (source_id);

  node = flint_pipeline_lookup_node (flint_history_get_pipeline (history), source_id);
  /* TRANSLATORS: the window title; %s is the source node's label */
  title = g_strdup_printf (_("Sample Rows of %s"),
                           node != NULL && flint_node_get_label (node) != NULL
                           ? flint_node_get_label (node) : source_id);
  gtk_window_set_title (GTK_WINDOW (self), title);

  path = g_strdup_printf ("preview.samples.%s", source_id);
  csv = flint_samples_to_csv (get_schema (self),
                              flint_pipeline_get_job_setting (flint_history_get_pipeline (history), path));
  buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (self->view));
  gtk_text_buffer_set_text (buffer, csv, -1);
  show_error (self, NULL);

  return self;
}

GtkTextBuffer *
flint_samples_dialog_get_buffer (FlintSamplesDialog *self)
{
  g_return_val_if_fail (FLINT_IS_SAMPLES_DIALOG (self), NULL);

  return gtk_text_view_get_buffer (GTK_TEXT_VIEW (self->view));
}

gboolean
flint_samples_dialog_apply (FlintSamplesDialog *self)
{
  GtkTextBuffer *buffer;
  GtkTextIter start, end;
  g_autofree char *text = NULL;
  g_autofree char *path = NULL;
  g_autoptr (GError) error = NULL;
  JsonNode *rows;

  g_return_val_if_fail (FLINT_IS_SAMPLES_DIALOG (self), FALSE);

  buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (self->view));
  gtk_text_buffer_get_bounds (buffer, &start, &end);
  text = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);

  rows = flint_samples_parse_csv (text, get_schema (self), &error);
  if (rows == NULL)
    {
      show_error (self, error->message);
      return FALSE;
    }
  /* No rows at all: the source reads nothing special, so the setting goes. */
  if (json_array_get_length (json_node_get_array (rows)) == 0)
    g_clear_pointer (&rows, json_node_unref);

  path = g_strdup_printf ("preview.samples.%s", self->source_id);
  if (!flint_history_set_job_setting (self->history, path, rows, &error))
    {
      show_error (self, error->message);
      return FALSE;
    }

  gtk_window_close (GTK_WINDOW (self));
  return TRUE;
}

const char *
flint_samples_dialog_get_error (FlintSamplesDialog *self)
{
  g_return_val_if_fail (FLINT_IS_SAMPLES_DIALOG (self), NULL);

  if (!gtk_widget_get_visible (self->error_label))
    return NULL;
  return gtk_label_get_text (GTK_LABEL (self->error_label));
}
