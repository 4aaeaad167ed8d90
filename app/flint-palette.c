/* flint-palette.c
 *
 * The catalog as a list with a header per category. A search rebuilds the flat list of
 * headers and kinds (43 kinds cost nothing), so a header shows only above matching kinds.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "flint"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "flint-palette.h"

/* One row of the list: a category header or a node kind. */
#define FLINT_TYPE_PALETTE_ITEM (flint_palette_item_get_type ())
G_DECLARE_FINAL_TYPE (FlintPaletteItem, flint_palette_item, FLINT, PALETTE_ITEM, GObject)

struct _FlintPaletteItem
{
  GObject              parent_instance;
  const FlintNodeKind *kind;    /* NULL for a header */
  char                *header;
};

G_DEFINE_FINAL_TYPE (FlintPaletteItem, flint_palette_item, G_TYPE_OBJECT)

static void
flint_palette_item_finalize (GObject *object)
{
  g_free (FLINT_PALETTE_ITEM (object)->header);
  G_OBJECT_CLASS (flint_palette_item_parent_class)->finalize (object);
}

static void
flint_palette_item_class_init (FlintPaletteItemClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = flint_palette_item_finalize;
}

static void
flint_palette_item_init (FlintPaletteItem *self)
{
}

struct _FlintPalette
{
  GtkWidget       parent_instance;

  GtkWidget      *box;
  GtkWidget      *search_entry;
  GtkWidget      *stack;
  GtkWidget      *list_view;
  FlintCatalog   *catalog;
  GListStore     *store;
  GHashTable     *rows;        /* kind id -> bound row widget (borrowed) */
  GPtrArray      *rest;        /* FlintPaletteItem: the first fill's rows still to add */
  guint           rest_source;
};

/* The first fill adds this many rows (more than the tallest palette shows) and the rest once
 * the window is idle: GtkListView makes a row widget for every item up to 200, and measuring
 * all 49 rows cost the window's first frame some 7 ms. */
#define FIRST_FILL_ROWS 24

G_DEFINE_FINAL_TYPE (FlintPalette, flint_palette, GTK_TYPE_WIDGET)

enum {
  KIND_ACTIVATED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static const char *
category_title (FlintNodeCategory category)
{
  switch (category)
    {
    case FLINT_NODE_CATEGORY_SOURCE:
      return _("Sources");
    case FLINT_NODE_CATEGORY_TRANSFORM:
      return _("Transforms");
    case FLINT_NODE_CATEGORY_SINK:
    default:
      return _("Sinks");
    }
}

static gboolean
contains_casefold (const char *haystack,
                   const char *needle)
{
  g_autofree char *folded = NULL;

  if (haystack == NULL)
    return FALSE;
  folded = g_utf8_casefold (haystack, -1);

  return strstr (folded, needle) != NULL;
}

static gboolean
kind_matches (const FlintNodeKind *kind,
              const char          *needle)
{
  if (needle == NULL || needle[0] == '\0')
    return TRUE;
  if (contains_casefold (kind->id, needle) || contains_casefold (kind->title, needle)
      || contains_casefold (kind->description, needle))
    return TRUE;
  for (guint i = 0; kind->keywords != NULL && kind->keywords[i] != NULL; i++)
    if (contains_casefold (kind->keywords[i], needle))
      return TRUE;

  return FALSE;
}

static void
flush_rest (FlintPalette *self)
{
  g_autoptr (GPtrArray) rest = g_steal_pointer (&self->rest);

  g_clear_handle_id (&self->rest_source, g_source_remove);
  if (rest != NULL)
    g_list_store_splice (self->store, g_list_model_get_n_items (G_LIST_MODEL (self->store)), 0,
                         rest->pdata, rest->len);
}

static gboolean
add_rest_idle (gpointer user_data)
{
  FlintPalette *self = user_data;

  self->rest_source = 0;
  flush_rest (self);

  return G_SOURCE_REMOVE;
}

/* @first_rows: 0 to add every row now, or how many to add now and the rest when idle. */
static void
rebuild (FlintPalette *self,
         guint         first_rows)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));
  g_autofree char *needle = g_utf8_casefold (g_strstrip (g_strdup (text)), -1);
  g_autoptr (GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
  int last_category = -1;

  for (guint i = 0; i < flint_catalog_get_n_kinds (self->catalog); i++)
    {
      const FlintNodeKind *kind = flint_catalog_get_kind (self->catalog, i);
      FlintPaletteItem *item;

      if (!kind_matches (kind, needle))
        continue;

      if ((int) kind->category != last_category)
        {
          item = g_object_new (FLINT_TYPE_PALETTE_ITEM, NULL);
          item->header = g_strdup (category_title (kind->category));
          g_ptr_array_add (items, item);
          last_category = kind->category;
        }

      item = g_object_new (FLINT_TYPE_PALETTE_ITEM, NULL);
      item->kind = kind;
      g_ptr_array_add (items, item);
    }

  g_clear_handle_id (&self->rest_source, g_source_remove);
  g_clear_pointer (&self->rest, g_ptr_array_unref);
  if (first_rows > 0 && items->len > first_rows)
    {
      self->rest = g_ptr_array_new_full (items->len - first_rows, g_object_unref);
      for (guint i = first_rows; i < items->len; i++)
        g_ptr_array_add (self->rest, g_object_ref (items->pdata[i]));
      g_ptr_array_set_size (items, first_rows);
      self->rest_source = g_idle_add_full (G_PRIORITY_LOW, add_rest_idle, self, NULL);
    }
  g_list_store_splice (self->store, 0, g_list_model_get_n_items (G_LIST_MODEL (self->store)),
                       items->pdata, items->len);
  gtk_stack_set_visible_child_name (GTK_STACK (self->stack), items->len > 0 ? "list" : "empty");
}

static GdkContentProvider *
on_drag_prepare (GtkDragSource *source,
                 double         x,
                 double         y,
                 gpointer       user_data)
{
  GtkWidget *row = gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (source));
  const char *kind_id = g_object_get_data (G_OBJECT (row), "flint-kind-id");
  g_autofree char *text = NULL;

  if (kind_id == NULL)
    return NULL;

  text = g_strconcat (FLINT_PALETTE_DRAG_PREFIX, kind_id, NULL);

  return gdk_content_provider_new_typed (G_TYPE_STRING, text);
}

static void
on_drag_begin (GtkDragSource *source,
               GdkDrag       *drag,
               gpointer       user_data)
{
  GtkWidget *row = gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (source));
  g_autoptr (GdkPaintable) paintable = gtk_widget_paintable_new (row);

  gtk_drag_source_set_icon (source, paintable, 12, 12);
}

/* The kind's description. Set per row from query-tooltip rather than with
 * gtk_widget_set_tooltip_text(), which asks the display server for the pointer each time it
 * is called: a round trip for every row bound. */
static gboolean
on_row_query_tooltip (GtkWidget  *row,
                      int         x,
                      int         y,
                      gboolean    keyboard_mode,
                      GtkTooltip *tooltip,
                      gpointer    user_data)
{
  const char *description = g_object_get_data (G_OBJECT (row), "flint-description");

  if (description == NULL || description[0] == '\0')
    return FALSE;
  gtk_tooltip_set_text (tooltip, description);

  return TRUE;
}

static void
setup_item (GtkSignalListItemFactory *factory,
            GtkListItem              *list_item,
            FlintPalette             *self)
{
  GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *icon = gtk_image_new ();
  GtkWidget *labels = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *title = gtk_label_new (NULL);
  GtkWidget *subtitle = gtk_label_new (NULL);
  GtkDragSource *drag = gtk_drag_source_new ();

  gtk_widget_add_css_class (row, "flint-palette-row");
  gtk_widget_set_margin_top (row, 6);
  gtk_widget_set_margin_bottom (row, 6);
  gtk_widget_set_margin_start (row, 6);
  gtk_widget_set_margin_end (row, 6);
  gtk_widget_set_valign (labels, GTK_ALIGN_CENTER);
  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_label_set_ellipsize (GTK_LABEL (title), PANGO_ELLIPSIZE_END);
  gtk_label_set_xalign (GTK_LABEL (subtitle), 0);
  gtk_label_set_ellipsize (GTK_LABEL (subtitle), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (subtitle, "dim-label");
  gtk_widget_add_css_class (subtitle, "caption");
  gtk_box_append (GTK_BOX (labels), title);
  gtk_box_append (GTK_BOX (labels), subtitle);
  gtk_box_append (GTK_BOX (row), icon);
  gtk_box_append (GTK_BOX (row), labels);

  gtk_drag_source_set_actions (drag, GDK_ACTION_COPY);
  g_signal_connect (drag, "prepare", G_CALLBACK (on_drag_prepare), NULL);
  g_signal_connect (drag, "drag-begin", G_CALLBACK (on_drag_begin), NULL);
  gtk_widget_add_controller (row, GTK_EVENT_CONTROLLER (drag));

  g_object_set_data (G_OBJECT (row), "icon", icon);
  g_object_set_data (G_OBJECT (row), "title", title);
  g_object_set_data (G_OBJECT (row), "subtitle", subtitle);
  g_object_set_data (G_OBJECT (row), "drag", drag);
  gtk_widget_set_has_tooltip (row, TRUE);
  g_signal_connect (row, "query-tooltip", G_CALLBACK (on_row_query_tooltip), NULL);
  gtk_list_item_set_child (list_item, row);
}

static void
bind_item (GtkSignalListItemFactory *factory,
           GtkListItem              *list_item,
           FlintPalette             *self)
{
  FlintPaletteItem *item = gtk_list_item_get_item (list_item);
  GtkWidget *row = gtk_list_item_get_child (list_item);
  GtkWidget *icon = g_object_get_data (G_OBJECT (row), "icon");
  GtkWidget *title = g_object_get_data (G_OBJECT (row), "title");
  GtkWidget *subtitle = g_object_get_data (G_OBJECT (row), "subtitle");
  GtkEventController *drag = g_object_get_data (G_OBJECT (row), "drag");

  if (item->kind == NULL)
    {
      gtk_list_item_set_selectable (list_item, FALSE);
      gtk_list_item_set_activatable (list_item, FALSE);
      gtk_widget_set_visible (icon, FALSE);
      gtk_widget_set_visible (subtitle, FALSE);
      gtk_label_set_text (GTK_LABEL (title), item->header);
      gtk_widget_add_css_class (title, "heading");
      gtk_widget_add_css_class (title, "dim-label");
      gtk_widget_set_margin_top (row, 12);
      gtk_event_controller_set_propagation_phase (drag, GTK_PHASE_NONE);
      g_object_set_data (G_OBJECT (row), "flint-kind-id", NULL);
      g_object_set_data (G_OBJECT (row), "flint-description", NULL);
      return;
    }

  gtk_list_item_set_selectable (list_item, TRUE);
  gtk_list_item_set_activatable (list_item, TRUE);
  gtk_widget_set_visible (icon, TRUE);
  gtk_widget_set_visible (subtitle, TRUE);
  gtk_widget_remove_css_class (title, "heading");
  gtk_widget_remove_css_class (title, "dim-label");
  gtk_widget_set_margin_top (row, 6);
  gtk_image_set_from_icon_name (GTK_IMAGE (icon),
                                item->kind->icon_name != NULL ? item->kind->icon_name
                                                              : "application-x-addon-symbolic");
  gtk_label_set_text (GTK_LABEL (title), item->kind->title);
  gtk_label_set_text (GTK_LABEL (subtitle), item->kind->id);
  /* The catalog outlives the palette's rows. */
  g_object_set_data (G_OBJECT (row), "flint-description", (gpointer) item->kind->description);
  gtk_event_controller_set_propagation_phase (drag, GTK_PHASE_BUBBLE);
  g_object_set_data_full (G_OBJECT (row), "flint-kind-id", g_strdup (item->kind->id), g_free);
  g_hash_table_insert (self->rows, (gpointer) item->kind->id, row);
}

static void
unbind_item (GtkSignalListItemFactory *factory,
             GtkListItem              *list_item,
             FlintPalette             *self)
{
  FlintPaletteItem *item = gtk_list_item_get_item (list_item);
  GtkWidget *row = gtk_list_item_get_child (list_item);

  if (item != NULL && item->kind != NULL
      && g_hash_table_lookup (self->rows, item->kind->id) == row)
    g_hash_table_remove (self->rows, item->kind->id);
}

static void
on_activate (GtkListView  *list_view,
             guint         position,
             FlintPalette *self)
{
  g_autoptr (FlintPaletteItem) item = g_list_model_get_item (G_LIST_MODEL (self->store), position);

  if (item != NULL && item->kind != NULL)
    g_signal_emit (self, signals[KIND_ACTIVATED], 0, item->kind->id);
}

static void
on_search_changed (FlintPalette *self)
{
  rebuild (self, 0);
}

static void
flint_palette_dispose (GObject *object)
{
  FlintPalette *self = FLINT_PALETTE (object);

  g_clear_handle_id (&self->rest_source, g_source_remove);
  g_clear_pointer (&self->rest, g_ptr_array_unref);
  g_clear_pointer (&self->box, gtk_widget_unparent);
  g_clear_object (&self->store);
  g_clear_pointer (&self->rows, g_hash_table_unref);

  G_OBJECT_CLASS (flint_palette_parent_class)->dispose (object);
}

static void
flint_palette_class_init (FlintPaletteClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = flint_palette_dispose;

  signals[KIND_ACTIVATED] =
    g_signal_new ("kind-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "flintpalette");
}

static void
flint_palette_init (FlintPalette *self)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  GtkSingleSelection *selection;
  GtkWidget *scrolled;
  GtkWidget *empty;

  self->rows = g_hash_table_new (g_str_hash, g_str_equal);
  self->store = g_list_store_new (FLINT_TYPE_PALETTE_ITEM);

  self->box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  gtk_widget_set_parent (self->box, GTK_WIDGET (self));

  self->search_entry = gtk_search_entry_new ();
  g_object_set (self->search_entry, "placeholder-text", _("Search Nodes"), NULL);
  gtk_widget_set_margin_top (self->search_entry, 6);
  gtk_widget_set_margin_bottom (self->search_entry, 6);
  gtk_widget_set_margin_start (self->search_entry, 6);
  gtk_widget_set_margin_end (self->search_entry, 6);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->search_entry),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Search Nodes"), -1);
  g_signal_connect_swapped (self->search_entry, "search-changed",
                            G_CALLBACK (on_search_changed), self);
  gtk_box_append (GTK_BOX (self->box), self->search_entry);

  g_signal_connect (factory, "setup", G_CALLBACK (setup_item), self);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_item), self);
  g_signal_connect (factory, "unbind", G_CALLBACK (unbind_item), self);

  selection = gtk_single_selection_new (G_LIST_MODEL (g_object_ref (self->store)));
  gtk_single_selection_set_autoselect (selection, FALSE);
  gtk_single_selection_set_can_unselect (selection, TRUE);
  self->list_view = gtk_list_view_new (GTK_SELECTION_MODEL (selection), factory);
  gtk_widget_add_css_class (self->list_view, "navigation-sidebar");
  g_signal_connect (self->list_view, "activate", G_CALLBACK (on_activate), self);

  scrolled = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled),
                                  GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), self->list_view);

  empty = adw_status_page_new ();
  adw_status_page_set_icon_name (ADW_STATUS_PAGE (empty), "edit-find-symbolic");
  adw_status_page_set_title (ADW_STATUS_PAGE (empty), _("No Matching Nodes"));
  gtk_widget_add_css_class (empty, "compact");

  self->stack = gtk_stack_new ();
  gtk_widget_set_vexpand (self->stack, TRUE);
  gtk_stack_add_named (GTK_STACK (self->stack), scrolled, "list");
  gtk_stack_add_named (GTK_STACK (self->stack), empty, "empty");
  gtk_box_append (GTK_BOX (self->box), self->stack);
}

GtkWidget *
flint_palette_new (FlintCatalog *catalog)
{
  FlintPalette *self;

  g_return_val_if_fail (FLINT_IS_CATALOG (catalog), NULL);

  self = g_object_new (FLINT_TYPE_PALETTE, NULL);
  self->catalog = catalog;
  rebuild (self, FIRST_FILL_ROWS);

  return GTK_WIDGET (self);
}

void
flint_palette_set_search (FlintPalette *self,
                          const char   *text)
{
  g_return_if_fail (FLINT_IS_PALETTE (self));

  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), text != NULL ? text : "");
  /* Not waiting for the entry's search delay keeps callers (and tests) simple. */
  rebuild (self, 0);
}

guint
flint_palette_get_n_visible (FlintPalette *self)
{
  guint n = 0;

  g_return_val_if_fail (FLINT_IS_PALETTE (self), 0);

  flush_rest (self);
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->store)); i++)
    {
      g_autoptr (FlintPaletteItem) item = g_list_model_get_item (G_LIST_MODEL (self->store), i);

      if (item->kind != NULL)
        n++;
    }

  return n;
}

const char *
flint_palette_get_visible_kind (FlintPalette *self,
                                guint         position)
{
  g_return_val_if_fail (FLINT_IS_PALETTE (self), NULL);

  flush_rest (self);
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->store)); i++)
    {
      g_autoptr (FlintPaletteItem) item = g_list_model_get_item (G_LIST_MODEL (self->store), i);

      if (item->kind != NULL && position-- == 0)
        return item->kind->id;
    }

  return NULL;
}

GtkWidget *
flint_palette_get_row_widget (FlintPalette *self,
                              const char   *kind_id)
{
  g_return_val_if_fail (FLINT_IS_PALETTE (self), NULL);

  flush_rest (self);

  return g_hash_table_lookup (self->rows, kind_id);
}

GtkWidget *
flint_palette_get_search_entry (FlintPalette *self)
{
  g_return_val_if_fail (FLINT_IS_PALETTE (self), NULL);

  return self->search_entry;
}

char *
flint_palette_parse_drag (const char *text)
{
  if (text == NULL || !g_str_has_prefix (text, FLINT_PALETTE_DRAG_PREFIX))
    return NULL;
  text += strlen (FLINT_PALETTE_DRAG_PREFIX);
  if (text[0] == '\0')
    return NULL;

  return g_strdup (text);
}
