/* flint-preview-panel.c: the rows of a preview, under the canvas
 *
 * A header (what was previewed, how many rows, what ran and what came from the cache,
 * Refresh and Cancel) over a stack: the rows as a table whose headers give each column's
 * type, the columns with their nulls, min, max and approximate distinct count, a spinner
 * while Spark works, or the failure with the node it happened at.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "flint"

#include "config.h"

#include <glib/gi18n.h>

#include "flint-preview-panel.h"

struct _FlintPreviewPanel
{
  GtkWidget           parent_instance;

  GtkWidget          *box;
  GtkWidget          *title;
  GtkWidget          *status;
  GtkWidget          *spinner;
  GtkWidget          *cancel;
  GtkWidget          *refresh;
  GtkWidget          *switcher;
  GtkWidget          *stack;        /* empty, running, error, table */
  GtkWidget          *views;        /* rows, columns */
  GtkWidget          *error_page;
  GtkWidget          *reveal;
  GtkColumnView      *table;
  GtkColumnView      *columns;
  GListStore         *row_store;
  GListStore         *column_store;

  FlintPreviewResult *result;
  char               *error_node;
  gboolean            built;
};

G_DEFINE_FINAL_TYPE (FlintPreviewPanel, flint_preview_panel, GTK_TYPE_WIDGET)

enum {
  SIGNAL_REFRESH,
  SIGNAL_CANCEL,
  SIGNAL_REVEAL_NODE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

enum {
  STAT_NAME,
  STAT_TYPE,
  STAT_NULLS,
  STAT_MIN,
  STAT_MAX,
  STAT_DISTINCT,
  N_STATS
};

static guint
item_index (GtkListItem *item)
{
  GtkStringObject *object = gtk_list_item_get_item (item);

  return (guint) g_ascii_strtoull (gtk_string_object_get_string (object), NULL, 10);
}

static GtkWidget *
cell_label (void)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_label_set_max_width_chars (GTK_LABEL (label), 40);
  gtk_label_set_single_line_mode (GTK_LABEL (label), TRUE);
  gtk_widget_add_css_class (label, "flint-preview-cell");
  return label;
}

static void
setup_cell (GtkSignalListItemFactory *factory,
            GtkListItem              *item,
            gpointer                  user_data)
{
  gtk_list_item_set_child (item, cell_label ());
}

static void
set_cell_text (GtkWidget  *label,
               const char *text)
{
  /* A SQL null is not the text "null": it is shown dimmed. */
  gtk_label_set_text (GTK_LABEL (label), text ? text : "null");
  if (text == NULL)
    gtk_widget_add_css_class (label, "dim-label");
  else
    gtk_widget_remove_css_class (label, "dim-label");
  gtk_widget_set_tooltip_text (label, text);
}

static void
bind_row_cell (GtkSignalListItemFactory *factory,
               GtkListItem              *item,
               gpointer                  user_data)
{
  FlintPreviewPanel *self = user_data;
  guint column = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (factory), "flint-column"));

  if (self->result == NULL)
    return;
  set_cell_text (gtk_list_item_get_child (item),
                 flint_preview_result_get_cell (self->result, item_index (item), column));
}

static void
bind_stat_cell (GtkSignalListItemFactory *factory,
                GtkListItem              *item,
                gpointer                  user_data)
{
  FlintPreviewPanel *self = user_data;
  guint stat = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (factory), "flint-stat"));
  GtkWidget *label = gtk_list_item_get_child (item);
  FlintPreviewColumn column;
  g_autofree char *text = NULL;

  if (self->result == NULL || !flint_preview_result_get_column (self->result, item_index (item), &column))
    return;

  switch (stat)
    {
    case STAT_NAME:
      set_cell_text (label, column.name);
      return;
    case STAT_TYPE:
      set_cell_text (label, column.type);
      return;
    case STAT_NULLS:
      text = g_strdup_printf ("%" G_GINT64_FORMAT, column.nulls);
      break;
    case STAT_MIN:
      set_cell_text (label, column.min);
      return;
    case STAT_MAX:
      set_cell_text (label, column.max);
      return;
    case STAT_DISTINCT:
      text = column.distinct >= 0 ? g_strdup_printf ("≈ %" G_GINT64_FORMAT, column.distinct) : g_strdup ("—");
      break;
    default:
      g_assert_not_reached ();
    }
  set_cell_text (label, text);
}

static GtkColumnViewColumn *
new_column (FlintPreviewPanel *self,
            const char        *title,
            const char        *key,
            guint              value,
            GCallback          bind)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  GtkColumnViewColumn *column;

  g_object_set_data (G_OBJECT (factory), key, GUINT_TO_POINTER (value));
  g_signal_connect (factory, "setup", G_CALLBACK (setup_cell), self);
  g_signal_connect (factory, "bind", bind, self);
  column = gtk_column_view_column_new (title, factory);
  gtk_column_view_column_set_resizable (column, TRUE);
  return column;
}

static void
remove_columns (GtkColumnView *view)
{
  GListModel *columns = gtk_column_view_get_columns (view);

  while (g_list_model_get_n_items (columns) > 0)
    {
      g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (columns, 0);
      gtk_column_view_remove_column (view, column);
    }
}

static void
fill_store (GListStore *store,
            guint       n)
{
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < n; i++)
    {
      char number[16];

      g_snprintf (number, sizeof number, "%u", i);
      g_ptr_array_add (items, gtk_string_object_new (number));
    }
  g_list_store_splice (store, 0, g_list_model_get_n_items (G_LIST_MODEL (store)), items->pdata, items->len);
}

static void
on_refresh_clicked (FlintPreviewPanel *self)
{
  g_signal_emit (self, signals[SIGNAL_REFRESH], 0);
}

static void
on_cancel_clicked (FlintPreviewPanel *self)
{
  g_signal_emit (self, signals[SIGNAL_CANCEL], 0);
}

static void
on_reveal_clicked (FlintPreviewPanel *self)
{
  if (self->error_node != NULL)
    g_signal_emit (self, signals[SIGNAL_REVEAL_NODE], 0, self->error_node);
}

static void
set_running (FlintPreviewPanel *self,
             gboolean           running)
{
  gtk_widget_set_visible (self->spinner, running);
  gtk_spinner_set_spinning (GTK_SPINNER (self->spinner), running);
  gtk_widget_set_visible (self->cancel, running);
  gtk_widget_set_sensitive (self->refresh, !running);
}

static void
flint_preview_panel_dispose (GObject *object)
{
  FlintPreviewPanel *self = FLINT_PREVIEW_PANEL (object);

  g_clear_pointer (&self->box, gtk_widget_unparent);
  g_clear_object (&self->result);
  g_clear_object (&self->row_store);
  g_clear_object (&self->column_store);
  g_clear_pointer (&self->error_node, g_free);

  G_OBJECT_CLASS (flint_preview_panel_parent_class)->dispose (object);
}

static void flint_preview_panel_map (GtkWidget *widget);

static void
flint_preview_panel_class_init (FlintPreviewPanelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = flint_preview_panel_dispose;
  widget_class->map = flint_preview_panel_map;

  signals[SIGNAL_REFRESH] = g_signal_new ("refresh", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                          0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[SIGNAL_CANCEL] = g_signal_new ("cancel", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                         0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[SIGNAL_REVEAL_NODE] = g_signal_new ("reveal-node", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                              0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "flintpreviewpanel");
}

static GtkWidget *
scrolled (GtkWidget *child)
{
  GtkWidget *window = gtk_scrolled_window_new ();

  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (window), child);
  gtk_widget_set_vexpand (window, TRUE);
  return window;
}

/* The panel's widgets (a hundred, with two column views) are made when it is first shown or
 * asked to show something: it sits in a tab the window's first frame does not show. */
static void
build (FlintPreviewPanel *self)
{
  GtkWidget *header = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  GtkWidget *texts = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  GtkWidget *empty, *running, *spinner, *running_box, *label;
  static const char *stat_titles[N_STATS] = { N_("Column"), N_("Type"), N_("Nulls"), N_("Min"), N_("Max"), N_("Distinct") };

  self->box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  gtk_widget_set_parent (self->box, GTK_WIDGET (self));

  gtk_widget_set_margin_start (header, 8);
  gtk_widget_set_margin_end (header, 6);
  gtk_widget_set_margin_top (header, 4);
  gtk_widget_set_margin_bottom (header, 4);
  self->title = gtk_label_new (_("Preview"));
  gtk_widget_add_css_class (self->title, "heading");
  gtk_label_set_ellipsize (GTK_LABEL (self->title), PANGO_ELLIPSIZE_END);
  self->status = gtk_label_new (NULL);
  gtk_widget_add_css_class (self->status, "dim-label");
  gtk_label_set_ellipsize (GTK_LABEL (self->status), PANGO_ELLIPSIZE_END);
  gtk_label_set_xalign (GTK_LABEL (self->status), 0);
  gtk_widget_set_hexpand (texts, TRUE);
  gtk_box_append (GTK_BOX (texts), self->title);
  gtk_box_append (GTK_BOX (texts), self->status);
  self->spinner = gtk_spinner_new ();
  self->cancel = gtk_button_new_with_mnemonic (_("_Cancel"));
  g_signal_connect_swapped (self->cancel, "clicked", G_CALLBACK (on_cancel_clicked), self);
  self->refresh = gtk_button_new_from_icon_name ("view-refresh-symbolic");
  gtk_widget_set_tooltip_text (self->refresh, _("Preview Again"));
  gtk_widget_add_css_class (self->refresh, "flat");
  g_signal_connect_swapped (self->refresh, "clicked", G_CALLBACK (on_refresh_clicked), self);

  self->views = gtk_stack_new ();
  self->switcher = gtk_stack_switcher_new ();
  gtk_stack_switcher_set_stack (GTK_STACK_SWITCHER (self->switcher), GTK_STACK (self->views));

  gtk_box_append (GTK_BOX (header), texts);
  gtk_box_append (GTK_BOX (header), self->spinner);
  gtk_box_append (GTK_BOX (header), self->cancel);
  gtk_box_append (GTK_BOX (header), self->switcher);
  gtk_box_append (GTK_BOX (header), self->refresh);
  gtk_box_append (GTK_BOX (self->box), header);
  gtk_box_append (GTK_BOX (self->box), gtk_separator_new (GTK_ORIENTATION_HORIZONTAL));

  /* The rows, and the columns with their statistics. */
  self->row_store = g_list_store_new (GTK_TYPE_STRING_OBJECT);
  self->table = GTK_COLUMN_VIEW (gtk_column_view_new (GTK_SELECTION_MODEL (gtk_no_selection_new (g_object_ref (G_LIST_MODEL (self->row_store))))));
  gtk_column_view_set_show_column_separators (self->table, TRUE);
  gtk_column_view_set_reorderable (self->table, FALSE);
  gtk_widget_add_css_class (GTK_WIDGET (self->table), "data-table");
  self->column_store = g_list_store_new (GTK_TYPE_STRING_OBJECT);
  self->columns = GTK_COLUMN_VIEW (gtk_column_view_new (GTK_SELECTION_MODEL (gtk_no_selection_new (g_object_ref (G_LIST_MODEL (self->column_store))))));
  gtk_column_view_set_show_column_separators (self->columns, TRUE);
  gtk_widget_add_css_class (GTK_WIDGET (self->columns), "data-table");
  for (guint i = 0; i < N_STATS; i++)
    {
      g_autoptr(GtkColumnViewColumn) column = new_column (self, _(stat_titles[i]), "flint-stat", i, G_CALLBACK (bind_stat_cell));

      if (i == STAT_MIN || i == STAT_MAX)
        gtk_column_view_column_set_expand (column, TRUE);
      gtk_column_view_append_column (self->columns, column);
    }
  gtk_stack_add_titled (GTK_STACK (self->views), scrolled (GTK_WIDGET (self->table)), "rows", _("Rows"));
  gtk_stack_add_titled (GTK_STACK (self->views), scrolled (GTK_WIDGET (self->columns)), "columns", _("Columns"));

  self->stack = gtk_stack_new ();
  gtk_widget_set_vexpand (self->stack, TRUE);
  empty = adw_status_page_new ();
  adw_status_page_set_icon_name (ADW_STATUS_PAGE (empty), "x-office-spreadsheet-symbolic");
  adw_status_page_set_title (ADW_STATUS_PAGE (empty), _("No Preview Yet"));
  adw_status_page_set_description (ADW_STATUS_PAGE (empty),
                                   _("Select a node and press F5 to see sample rows there, computed by local Spark"));
  gtk_widget_add_css_class (empty, "compact");
  gtk_stack_add_named (GTK_STACK (self->stack), empty, "empty");

  running_box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  gtk_widget_set_valign (running_box, GTK_ALIGN_CENTER);
  spinner = gtk_spinner_new ();
  gtk_spinner_set_spinning (GTK_SPINNER (spinner), TRUE);
  gtk_widget_set_size_request (spinner, 32, 32);
  label = gtk_label_new (_("Spark is computing the sample…"));
  gtk_widget_add_css_class (label, "dim-label");
  gtk_box_append (GTK_BOX (running_box), spinner);
  gtk_box_append (GTK_BOX (running_box), label);
  running = running_box;
  gtk_stack_add_named (GTK_STACK (self->stack), running, "running");

  self->error_page = adw_status_page_new ();
  adw_status_page_set_icon_name (ADW_STATUS_PAGE (self->error_page), "dialog-error-symbolic");
  gtk_widget_add_css_class (self->error_page, "compact");
  self->reveal = gtk_button_new_with_mnemonic (_("_Show Node"));
  gtk_widget_set_halign (self->reveal, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (self->reveal, "pill");
  g_signal_connect_swapped (self->reveal, "clicked", G_CALLBACK (on_reveal_clicked), self);
  adw_status_page_set_child (ADW_STATUS_PAGE (self->error_page), self->reveal);
  gtk_stack_add_named (GTK_STACK (self->stack), self->error_page, "error");
  gtk_stack_add_named (GTK_STACK (self->stack), self->views, "table");
  gtk_box_append (GTK_BOX (self->box), self->stack);

  set_running (self, FALSE);
  gtk_widget_set_visible (self->switcher, FALSE);
  gtk_widget_set_sensitive (self->refresh, FALSE);
  gtk_stack_set_visible_child_name (GTK_STACK (self->stack), "empty");
}

static void
ensure_built (FlintPreviewPanel *self)
{
  if (self->built)
    return;
  self->built = TRUE;
  build (self);
}

static void
flint_preview_panel_map (GtkWidget *widget)
{
  ensure_built (FLINT_PREVIEW_PANEL (widget));

  GTK_WIDGET_CLASS (flint_preview_panel_parent_class)->map (widget);
}

static void
flint_preview_panel_init (FlintPreviewPanel *self)
{
}

GtkWidget *
flint_preview_panel_new (void)
{
  return g_object_new (FLINT_TYPE_PREVIEW_PANEL, NULL);
}

void
flint_preview_panel_show_running (FlintPreviewPanel *self,
                                  const char        *title)
{
  g_return_if_fail (FLINT_IS_PREVIEW_PANEL (self));
  ensure_built (self);

  gtk_label_set_text (GTK_LABEL (self->title), title);
  gtk_label_set_text (GTK_LABEL (self->status), _("Running on local Spark…"));
  set_running (self, TRUE);
  /* The last rows stay in view while the next ones come; a first preview shows progress. */
  if (self->result == NULL)
    {
      gtk_widget_set_visible (self->switcher, FALSE);
      gtk_stack_set_visible_child_name (GTK_STACK (self->stack), "running");
    }
}

static void
show_failure (FlintPreviewPanel *self,
              const char        *node,
              const char        *node_name,
              const char        *message)
{
  g_autofree char *title = node ? g_strdup_printf (_("Failed at %s"), node_name ? node_name : node)
                                : g_strdup (_("The Preview Failed"));

  g_free (self->error_node);
  self->error_node = g_strdup (node);
  adw_status_page_set_title (ADW_STATUS_PAGE (self->error_page), title);
  adw_status_page_set_description (ADW_STATUS_PAGE (self->error_page), message);
  gtk_widget_set_visible (self->reveal, node != NULL);
  gtk_widget_set_visible (self->switcher, FALSE);
  gtk_stack_set_visible_child_name (GTK_STACK (self->stack), "error");
}

void
flint_preview_panel_show_result (FlintPreviewPanel  *self,
                                 const char         *title,
                                 FlintPreviewResult *result)
{
  g_autoptr(GString) status = g_string_new (NULL);
  g_autofree char *total_text = NULL;
  const char * const *executed;
  guint n_columns;

  g_return_if_fail (FLINT_IS_PREVIEW_PANEL (self));
  g_return_if_fail (FLINT_IS_PREVIEW_RESULT (result));
  ensure_built (self);

  set_running (self, FALSE);
  gtk_label_set_text (GTK_LABEL (self->title), title);
  g_set_object (&self->result, result);

  if (!flint_preview_result_is_ok (result))
    {
      gtk_label_set_text (GTK_LABEL (self->status), "");
      fill_store (self->row_store, 0);
      fill_store (self->column_store, 0);
      show_failure (self, flint_preview_result_get_error_node (result), NULL, flint_preview_result_get_message (result));
      g_clear_object (&self->result);
      return;
    }

  /* The headers give each column's name and type. */
  remove_columns (self->table);
  fill_store (self->row_store, 0);
  n_columns = flint_preview_result_get_n_columns (result);
  for (guint c = 0; c < n_columns; c++)
    {
      FlintPreviewColumn column;
      g_autoptr(GtkColumnViewColumn) view_column = NULL;
      g_autofree char *header = NULL;

      flint_preview_result_get_column (result, c, &column);
      header = g_strdup_printf ("%s · %s", column.name, column.type);
      view_column = new_column (self, header, "flint-column", c, G_CALLBACK (bind_row_cell));
      gtk_column_view_append_column (self->table, view_column);
    }
  fill_store (self->row_store, flint_preview_result_get_n_rows (result));
  fill_store (self->column_store, n_columns);

  total_text = g_strdup_printf ("%" G_GINT64_FORMAT, flint_preview_result_get_count (result));
  /* The count is formatted first: xgettext cannot see through G_GINT64_FORMAT. */
  g_string_append_printf (status, ngettext ("%s row", "%s rows",
                                            (gulong) CLAMP (flint_preview_result_get_count (result), 0, G_MAXLONG)),
                          total_text);
  if ((gint64) flint_preview_result_get_n_rows (result) < flint_preview_result_get_count (result))
    g_string_append_printf (status, _(" (first %u shown)"), flint_preview_result_get_n_rows (result));
  executed = flint_preview_result_get_executed (result);
  if (executed[0] == NULL)
    g_string_append (status, _(" · all from cache"));
  else
    {
      guint n = g_strv_length ((GStrv) executed);
      g_string_append_printf (status, g_dngettext (NULL, " · %u node ran", " · %u nodes ran", n), n);
    }
  g_string_append_printf (status, _(" · %.1f s"), flint_preview_result_get_elapsed (result) / 1000.0);
  gtk_label_set_text (GTK_LABEL (self->status), status->str);

  gtk_widget_set_visible (self->switcher, TRUE);
  gtk_stack_set_visible_child_name (GTK_STACK (self->stack), "table");
}

void
flint_preview_panel_show_error (FlintPreviewPanel *self,
                                const char        *title,
                                const char        *message)
{
  g_return_if_fail (FLINT_IS_PREVIEW_PANEL (self));
  ensure_built (self);

  set_running (self, FALSE);
  gtk_label_set_text (GTK_LABEL (self->title), title);
  gtk_label_set_text (GTK_LABEL (self->status), "");
  g_clear_object (&self->result);
  fill_store (self->row_store, 0);
  show_failure (self, NULL, NULL, message);
}

void
flint_preview_panel_clear (FlintPreviewPanel *self)
{
  g_return_if_fail (FLINT_IS_PREVIEW_PANEL (self));

  /* Never shown: there is nothing to clear. */
  if (!self->built)
    return;
  set_running (self, FALSE);
  g_clear_object (&self->result);
  fill_store (self->row_store, 0);
  fill_store (self->column_store, 0);
  remove_columns (self->table);
  gtk_label_set_text (GTK_LABEL (self->title), _("Preview"));
  gtk_label_set_text (GTK_LABEL (self->status), "");
  gtk_widget_set_visible (self->switcher, FALSE);
  gtk_widget_set_sensitive (self->refresh, FALSE);
  gtk_stack_set_visible_child_name (GTK_STACK (self->stack), "empty");
}

FlintPreviewResult *
flint_preview_panel_get_result (FlintPreviewPanel *self)
{
  g_return_val_if_fail (FLINT_IS_PREVIEW_PANEL (self), NULL);
  return self->result;
}

GtkColumnView *
flint_preview_panel_get_table (FlintPreviewPanel *self)
{
  g_return_val_if_fail (FLINT_IS_PREVIEW_PANEL (self), NULL);
  ensure_built (self);
  return self->table;
}

GtkColumnView *
flint_preview_panel_get_columns (FlintPreviewPanel *self)
{
  g_return_val_if_fail (FLINT_IS_PREVIEW_PANEL (self), NULL);
  ensure_built (self);
  return self->columns;
}

const char *
flint_preview_panel_get_page (FlintPreviewPanel *self)
{
  const char *name;

  g_return_val_if_fail (FLINT_IS_PREVIEW_PANEL (self), NULL);
  ensure_built (self);

  name = gtk_stack_get_visible_child_name (GTK_STACK (self->stack));
  if (g_strcmp0 (name, "table") == 0)
    return gtk_stack_get_visible_child_name (GTK_STACK (self->views));
  return name;
}

const char *
flint_preview_panel_get_status (FlintPreviewPanel *self)
{
  g_return_val_if_fail (FLINT_IS_PREVIEW_PANEL (self), NULL);
  ensure_built (self);
  return gtk_label_get_text (GTK_LABEL (self->status));
}

char *
flint_preview_panel_dup_cell (FlintPreviewPanel *self,
                              guint              row,
                              guint              column)
{
  const char *text;

  g_return_val_if_fail (FLINT_IS_PREVIEW_PANEL (self), NULL);

  if (self->result == NULL || row >= flint_preview_result_get_n_rows (self->result))
    return NULL;
  text = flint_preview_result_get_cell (self->result, row, column);
  return g_strdup (text ? text : "null");
}

gboolean
flint_preview_panel_is_running (FlintPreviewPanel *self)
{
  g_return_val_if_fail (FLINT_IS_PREVIEW_PANEL (self), FALSE);
  ensure_built (self);
  return gtk_widget_get_visible (self->cancel);
}

void
flint_preview_panel_show_failure (FlintPreviewPanel *self,
                                  const char        *title,
                                  const char        *node_id,
                                  const char        *node_name,
                                  const char        *message)
{
  g_return_if_fail (FLINT_IS_PREVIEW_PANEL (self));
  ensure_built (self);

  set_running (self, FALSE);
  gtk_label_set_text (GTK_LABEL (self->title), title);
  gtk_label_set_text (GTK_LABEL (self->status), "");
  g_clear_object (&self->result);
  fill_store (self->row_store, 0);
  fill_store (self->column_store, 0);
  show_failure (self, node_id, node_name, message);
}
