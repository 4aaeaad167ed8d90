/* flint-code-view.c
 *
 * Three read-only source views. Generation runs on a timer after the document's last
 * change (with allow_invalid, so code shows while the pipeline still has errors) and
 * keeps the per-node line spans, so selecting a node can highlight its function.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "flint"

#include "config.h"

#include <glib/gi18n.h>
#include <gtksourceview/gtksource.h>
#include <string.h>

#include "codegen/flint-codegen.h"
#include "flint-code-view.h"

#define N_TABS 3

typedef struct
{
  char  *node_id;
  guint  first_line;
  guint  last_line;
} Span;

typedef struct
{
  GtkSourceBuffer *buffer;
  GtkWidget       *scrolled;
  GtkWidget       *view;        /* made when the tab is first shown */
  GtkWidget       *error_revealer;
  GtkWidget       *error_label;
  char            *error;
  char            *filename;
  GPtrArray       *spans;       /* Span */
  GtkTextTag      *highlight;
  int              hl_first;    /* 1-based, 0: none */
  int              hl_last;
  guint            keep_line;   /* the top line to keep across a regeneration */
  gboolean         has_language;
} Tab;

struct _FlintCodeView
{
  GtkWidget       parent_instance;

  GtkWidget      *box;
  GtkWidget      *stack;
  GtkWidget      *switcher;
  Tab             tabs[N_TABS];
  FlintPipeline  *pipeline;
  GtkCssProvider *font_css;
  char           *scheme_id;
  char           *revealed;     /* the node highlighted */
  guint           timeout;
  guint           scroll_source;
  guint           language_source;
  gboolean        waiting_paint;
  GCancellable   *cancellable;
  GtkNativeDialog *chooser;
};

G_DEFINE_FINAL_TYPE (FlintCodeView, flint_code_view, GTK_TYPE_WIDGET)

enum {
  REGENERATED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static const char *tab_names[N_TABS] = { "python", "scala", "yaml" };
static const char *tab_languages[N_TABS] = { "python3", "scala", "yaml" };

static void
span_free (Span *span)
{
  g_free (span->node_id);
  g_free (span);
}

static void
toast (FlintCodeView *self,
       const char    *message)
{
  /* The window shows it; without one (a test), there is nobody to tell. */
  gtk_widget_activate_action (GTK_WIDGET (self), "win.show-toast", "s", message);
}

static gboolean
is_blank (GtkTextBuffer     *buffer,
          const GtkTextIter *start,
          const GtkTextIter *end)
{
  g_autofree char *text = gtk_text_buffer_get_text (buffer, start, end, TRUE);

  return g_strstrip (text)[0] == '\0';
}

static void
apply_highlight (FlintCodeView *self,
                 Tab           *tab)
{
  GtkTextBuffer *buffer = GTK_TEXT_BUFFER (tab->buffer);
  GtkTextIter start;
  GtkTextIter end;
  guint first;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  gtk_text_buffer_remove_tag (buffer, tab->highlight, &start, &end);
  tab->hl_first = tab->hl_last = 0;

  if (self->revealed == NULL)
    return;

  for (guint i = 0; i < tab->spans->len; i++)
    {
      Span *span = g_ptr_array_index (tab->spans, i);

      if (!g_str_equal (span->node_id, self->revealed))
        continue;

      first = span->first_line;
      /* Blank lines between functions belong to nobody: the highlight starts at code. */
      while (first < span->last_line)
        {
          GtkTextIter line_end;

          gtk_text_buffer_get_iter_at_line (buffer, &start, first - 1);
          line_end = start;
          if (!gtk_text_iter_ends_line (&line_end))
            gtk_text_iter_forward_to_line_end (&line_end);
          if (!is_blank (buffer, &start, &line_end))
            break;
          first++;
        }
      gtk_text_buffer_get_iter_at_line (buffer, &start, first - 1);
      gtk_text_buffer_get_iter_at_line (buffer, &end, span->last_line - 1);
      if (!gtk_text_iter_ends_line (&end))
        gtk_text_iter_forward_to_line_end (&end);
      gtk_text_iter_forward_char (&end);
      gtk_text_buffer_apply_tag (buffer, tab->highlight, &start, &end);
      tab->hl_first = first;
      tab->hl_last = span->last_line;
      return;
    }
}

static gboolean
scroll_idle (gpointer user_data)
{
  FlintCodeView *self = user_data;

  self->scroll_source = 0;

  for (guint i = 0; i < N_TABS; i++)
    {
      Tab *tab = &self->tabs[i];
      GtkTextBuffer *buffer = GTK_TEXT_BUFFER (tab->buffer);
      GtkTextMark *mark = gtk_text_buffer_get_mark (buffer, "flint-reveal");
      GtkTextIter iter;
      guint line = tab->hl_first != 0 ? (guint) tab->hl_first : tab->keep_line;

      if (line == 0 || tab->view == NULL)
        continue;
      gtk_text_buffer_get_iter_at_line (buffer, &iter, line - 1);
      if (mark == NULL)
        mark = gtk_text_buffer_create_mark (buffer, "flint-reveal", &iter, TRUE);
      else
        gtk_text_buffer_move_mark (buffer, mark, &iter);
      /* A mark waits for the lines to be measured; an iter scrolls by estimates. */
      gtk_text_view_scroll_to_mark (GTK_TEXT_VIEW (tab->view), mark, 0.0, TRUE, 0.0, 0.0);
    }

  return G_SOURCE_REMOVE;
}

static void
schedule_scroll (FlintCodeView *self)
{
  if (self->scroll_source == 0)
    self->scroll_source = g_idle_add (scroll_idle, self);
}

/* The YAML's spans: from a node's "- id:" line to the line before the next node's (or
 * before the next top-level key). */
static void
find_yaml_spans (const char *text,
                 GPtrArray  *spans)
{
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
  Span *open = NULL;
  gboolean in_nodes = FALSE;

  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *line = lines[i];

      if (line[0] != ' ' && line[0] != '-' && line[0] != '\0')
        {
          if (open != NULL)
            open->last_line = i;
          open = NULL;
          in_nodes = g_str_has_prefix (line, "nodes:");
          continue;
        }
      if (!in_nodes)
        continue;
      if (g_str_has_prefix (line, "  - id: ") || g_str_has_prefix (line, "- id: "))
        {
          const char *id = strstr (line, "id: ") + 4;
          g_autofree char *clean = g_strstrip (g_strdup (id));
          gsize len = strlen (clean);

          if (len >= 2 && (clean[0] == '"' || clean[0] == '\'') && clean[len - 1] == clean[0])
            {
              clean[len - 1] = '\0';
              memmove (clean, clean + 1, len - 1);
            }
          if (open != NULL)
            open->last_line = i;
          open = g_new0 (Span, 1);
          open->node_id = g_steal_pointer (&clean);
          open->first_line = i + 1;
          open->last_line = i + 1;
          g_ptr_array_add (spans, open);
        }
    }
}

static void
set_tab_text (Tab        *tab,
              const char *text,
              const char *error)
{
  GtkTextIter start;
  GdkRectangle rect;

  /* Regenerating keeps the reader where they were (or on the revealed node). */
  if (tab->view != NULL)
    {
      gtk_text_view_get_visible_rect (GTK_TEXT_VIEW (tab->view), &rect);
      gtk_text_view_get_line_at_y (GTK_TEXT_VIEW (tab->view), &start, rect.y, NULL);
      tab->keep_line = gtk_text_iter_get_line (&start) + 1;
    }

  gtk_text_buffer_begin_irreversible_action (GTK_TEXT_BUFFER (tab->buffer));
  gtk_text_buffer_set_text (GTK_TEXT_BUFFER (tab->buffer), text != NULL ? text : "", -1);
  gtk_text_buffer_end_irreversible_action (GTK_TEXT_BUFFER (tab->buffer));
  gtk_text_buffer_get_start_iter (GTK_TEXT_BUFFER (tab->buffer), &start);
  gtk_text_buffer_place_cursor (GTK_TEXT_BUFFER (tab->buffer), &start);

  g_free (tab->error);
  tab->error = g_strdup (error);
  gtk_label_set_text (GTK_LABEL (tab->error_label), error != NULL ? error : "");
  gtk_revealer_set_reveal_child (GTK_REVEALER (tab->error_revealer), error != NULL);
}

/* Reading a language definition costs milliseconds each (GtkSourceView parses and checks
 * its XML, 15 ms for Python here), which would hold back the window's first frame. So the
 * code is first shown plain, and the tabs get their languages right after the frame that
 * shows it (a tab shown before that gets its own at once). */
static void
ensure_language (FlintCodeView *self,
                 guint          index)
{
  GtkSourceLanguageManager *languages;
  Tab *tab = &self->tabs[index];

  if (tab->has_language || tab->buffer == NULL)
    return;
  tab->has_language = TRUE;
  languages = gtk_source_language_manager_get_default ();
  gtk_source_buffer_set_language (tab->buffer,
                                  gtk_source_language_manager_get_language (languages,
                                                                            tab_languages[index]));
}

static gboolean
ensure_languages_idle (gpointer user_data)
{
  FlintCodeView *self = user_data;

  self->language_source = 0;
  for (guint i = 0; i < N_TABS; i++)
    ensure_language (self, i);

  return G_SOURCE_REMOVE;
}

static void
on_code_painted (GdkFrameClock *clock,
                 FlintCodeView *self)
{
  g_signal_handlers_disconnect_by_func (clock, on_code_painted, self);
  self->waiting_paint = FALSE;
  if (gtk_widget_in_destruction (GTK_WIDGET (self)) || self->language_source != 0)
    return;
  /* After this frame's handlers, not inside them. */
  self->language_source = g_idle_add (ensure_languages_idle, self);
}

static void
schedule_languages (FlintCodeView *self)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (self));

  if (self->language_source != 0 || self->waiting_paint
      || self->tabs[FLINT_CODE_TAB_YAML].has_language)
    return;
  if (clock != NULL && gtk_widget_get_mapped (GTK_WIDGET (self)))
    {
      /* The frame about to show the code. */
      self->waiting_paint = TRUE;
      g_signal_connect_object (clock, "after-paint", G_CALLBACK (on_code_painted), self, 0);
      gdk_frame_clock_request_phase (clock, GDK_FRAME_CLOCK_PHASE_PAINT);
      return;
    }
  self->language_source = g_idle_add_full (G_PRIORITY_LOW, ensure_languages_idle, self, NULL);
}

void
flint_code_view_regenerate (FlintCodeView *self)
{
  g_return_if_fail (FLINT_IS_CODE_VIEW (self));

  g_clear_handle_id (&self->timeout, g_source_remove);

  for (guint i = 0; i < N_TABS; i++)
    {
      g_ptr_array_set_size (self->tabs[i].spans, 0);
      g_clear_pointer (&self->tabs[i].filename, g_free);
    }

  if (self->pipeline == NULL)
    {
      for (guint i = 0; i < N_TABS; i++)
        set_tab_text (&self->tabs[i], "", NULL);
      return;
    }

  for (guint i = 0; i < 2; i++)
    {
      FlintLanguage language = i == 0 ? FLINT_LANGUAGE_PYTHON : FLINT_LANGUAGE_SCALA;
      g_autoptr (GError) error = NULL;
      g_autoptr (FlintGeneratedCode) code = flint_codegen_generate (self->pipeline, language,
                                                                    TRUE, &error);
      Tab *tab = &self->tabs[i];

      if (code == NULL)
        {
          g_autofree char *message = NULL;

          /* Translators: %s is why code generation failed */
          message = g_strdup_printf (_("Could not generate the code: %s"), error->message);
          set_tab_text (tab, "", message);
          continue;
        }

      {
        GPtrArray *spans = flint_generated_code_get_spans (code);

        for (guint s = 0; spans != NULL && s < spans->len; s++)
          {
            FlintCodeSpan *span = g_ptr_array_index (spans, s);
            Span *copy = g_new0 (Span, 1);

            copy->node_id = g_strdup (span->node_id);
            copy->first_line = span->first_line;
            copy->last_line = span->last_line;
            g_ptr_array_add (tab->spans, copy);
          }
      }
      tab->filename = g_strdup (flint_generated_code_get_filename (code));
      set_tab_text (tab, flint_generated_code_get_text (code), NULL);
    }

  {
    g_autofree char *yaml = flint_pipeline_to_yaml (self->pipeline, NULL);
    const char *name = flint_pipeline_get_name (self->pipeline);
    Tab *tab = &self->tabs[FLINT_CODE_TAB_YAML];

    find_yaml_spans (yaml, tab->spans);
    tab->filename = g_strdup_printf ("%s.flint.yaml", name != NULL && name[0] != '\0'
                                                      ? name : "pipeline");
    set_tab_text (tab, yaml, NULL);
  }

  for (guint i = 0; i < N_TABS; i++)
    apply_highlight (self, &self->tabs[i]);
  schedule_scroll (self);
  /* After the frame that shows the code: the other tabs' languages. */
  schedule_languages (self);

  g_signal_emit (self, signals[REGENERATED], 0);
}

static gboolean
regenerate_timeout (gpointer user_data)
{
  FlintCodeView *self = user_data;

  self->timeout = 0;
  flint_code_view_regenerate (self);

  return G_SOURCE_REMOVE;
}

static void
on_pipeline_changed (FlintCodeView *self)
{
  /* A burst of edits (typing, a drag) costs one generation after it settles. */
  g_clear_handle_id (&self->timeout, g_source_remove);
  self->timeout = g_timeout_add (FLINT_CODE_VIEW_DEBOUNCE_MS, regenerate_timeout, self);
}

static void
update_scheme (FlintCodeView *self)
{
  GtkSourceStyleSchemeManager *manager = gtk_source_style_scheme_manager_get_default ();
  gboolean dark = adw_style_manager_get_dark (adw_style_manager_get_default ());
  const char *base = self->scheme_id != NULL && self->scheme_id[0] != '\0'
                     ? self->scheme_id : "Adwaita";
  g_autofree char *dark_id = NULL;
  GtkSourceStyleScheme *scheme = NULL;

  if (dark)
    {
      dark_id = g_str_has_suffix (base, "-dark") ? g_strdup (base)
                                                 : g_strconcat (base, "-dark", NULL);
      scheme = gtk_source_style_scheme_manager_get_scheme (manager, dark_id);
    }
  if (scheme == NULL)
    scheme = gtk_source_style_scheme_manager_get_scheme (manager, base);
  if (scheme == NULL)
    scheme = gtk_source_style_scheme_manager_get_scheme (manager, dark ? "Adwaita-dark" : "Adwaita");

  for (guint i = 0; i < N_TABS; i++)
    gtk_source_buffer_set_style_scheme (self->tabs[i].buffer, scheme);
}

static void
copy_clicked (FlintCodeView *self)
{
  Tab *tab = &self->tabs[flint_code_view_get_tab (self)];
  g_autofree char *text = flint_code_view_dup_text (self, flint_code_view_get_tab (self));

  if (text[0] == '\0')
    return;

  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (self)), text);
  /* Translators: %s is a file name, customer_join.py */
  {
    g_autofree char *message = g_strdup_printf (_("Copied %s"), tab->filename != NULL
                                                                 ? tab->filename : "");
    toast (self, message);
  }
}

static void
on_save_written (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr (FlintCodeView) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autofree char *message = NULL;
  g_autofree char *name = g_file_get_basename (G_FILE (source));

  if (!g_file_replace_contents_finish (G_FILE (source), result, NULL, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      /* Translators: %s is why a file could not be written */
      message = g_strdup_printf (_("Could not save the code: %s"), error->message);
    }
  else
    /* Translators: %s is a file name */
    message = g_strdup_printf (_("Saved %s"), name);

  toast (self, message);
}

static void
on_save_response (GtkNativeDialog *chooser,
                  int              response,
                  FlintCodeView   *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr (GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      FlintCodeTab which = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (chooser), "tab"));
      char *text = flint_code_view_dup_text (self, which);
      g_autoptr (GBytes) bytes = g_bytes_new_take (text, strlen (text));

      g_file_replace_contents_bytes_async (file, bytes, NULL, FALSE, G_FILE_CREATE_NONE,
                                           self->cancellable, on_save_written,
                                           g_object_ref (self));
    }

  g_clear_object (&self->chooser);
}

static void
save_clicked (FlintCodeView *self)
{
  FlintCodeTab which = flint_code_view_get_tab (self);
  Tab *tab = &self->tabs[which];
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkFileChooserNative *chooser;

  if (self->chooser != NULL)
    return;

  chooser = gtk_file_chooser_native_new (_("Save the Code"),
                                         GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                         GTK_FILE_CHOOSER_ACTION_SAVE, _("_Save"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  if (tab->filename != NULL)
    gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), tab->filename);
  g_object_set_data (G_OBJECT (chooser), "tab", GUINT_TO_POINTER (which));
  self->chooser = GTK_NATIVE_DIALOG (chooser);
  g_signal_connect (chooser, "response", G_CALLBACK (on_save_response), self);
  gtk_native_dialog_show (self->chooser);
}

static void
copy_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  copy_clicked (FLINT_CODE_VIEW (widget));
}

static void
save_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  save_clicked (FLINT_CODE_VIEW (widget));
}

/* A hidden tab's view (a GtkSourceView with its gutter, measured even while hidden) is made
 * when the tab is first shown. */
static void
ensure_view (FlintCodeView *self,
             guint          index)
{
  Tab *tab = &self->tabs[index];

  if (tab->view != NULL)
    return;
  tab->view = gtk_source_view_new_with_buffer (tab->buffer);
  gtk_text_view_set_editable (GTK_TEXT_VIEW (tab->view), FALSE);
  gtk_text_view_set_monospace (GTK_TEXT_VIEW (tab->view), TRUE);
  gtk_text_view_set_left_margin (GTK_TEXT_VIEW (tab->view), 6);
  gtk_text_view_set_top_margin (GTK_TEXT_VIEW (tab->view), 6);
  gtk_text_view_set_bottom_margin (GTK_TEXT_VIEW (tab->view), 6);
  gtk_source_view_set_show_line_numbers (GTK_SOURCE_VIEW (tab->view), TRUE);
  gtk_source_view_set_tab_width (GTK_SOURCE_VIEW (tab->view), index == FLINT_CODE_TAB_PYTHON ? 4 : 2);
  gtk_widget_set_name (tab->view, tab_names[index]);
  if (self->font_css != NULL)
    gtk_style_context_add_provider (gtk_widget_get_style_context (tab->view),
                                    GTK_STYLE_PROVIDER (self->font_css),
                                    GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (tab->scrolled), tab->view);
  /* To the revealed node's function, if there is one. */
  schedule_scroll (self);
}

static void
on_visible_tab_changed (FlintCodeView *self)
{
  FlintCodeTab tab = flint_code_view_get_tab (self);

  ensure_view (self, tab);
  ensure_language (self, tab);
}

static GtkWidget *
make_tab (FlintCodeView *self,
          guint          index)
{
  Tab *tab = &self->tabs[index];
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *scrolled = gtk_scrolled_window_new ();
  GtkWidget *bar = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *icon = gtk_image_new_from_icon_name ("dialog-warning-symbolic");

  tab->spans = g_ptr_array_new_with_free_func ((GDestroyNotify) span_free);
  tab->buffer = gtk_source_buffer_new (NULL);
  gtk_source_buffer_set_highlight_matching_brackets (tab->buffer, FALSE);
  tab->highlight = gtk_text_buffer_create_tag (GTK_TEXT_BUFFER (tab->buffer), "flint-node",
                                               "paragraph-background", "rgba(53,132,228,0.18)",
                                               NULL);

  tab->scrolled = scrolled;
  gtk_widget_set_vexpand (scrolled, TRUE);

  gtk_widget_add_css_class (icon, "warning");
  tab->error_label = gtk_label_new (NULL);
  gtk_label_set_wrap (GTK_LABEL (tab->error_label), TRUE);
  gtk_label_set_xalign (GTK_LABEL (tab->error_label), 0);
  gtk_label_set_selectable (GTK_LABEL (tab->error_label), TRUE);
  gtk_widget_set_hexpand (tab->error_label, TRUE);
  gtk_widget_set_margin_top (bar, 6);
  gtk_widget_set_margin_bottom (bar, 6);
  gtk_widget_set_margin_start (bar, 12);
  gtk_widget_set_margin_end (bar, 12);
  gtk_box_append (GTK_BOX (bar), icon);
  gtk_box_append (GTK_BOX (bar), tab->error_label);
  tab->error_revealer = gtk_revealer_new ();
  gtk_revealer_set_child (GTK_REVEALER (tab->error_revealer), bar);

  gtk_box_append (GTK_BOX (box), tab->error_revealer);
  gtk_box_append (GTK_BOX (box), scrolled);

  return box;
}

static void
flint_code_view_dispose (GObject *object)
{
  FlintCodeView *self = FLINT_CODE_VIEW (object);

  flint_code_view_set_pipeline (self, NULL);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_handle_id (&self->timeout, g_source_remove);
  g_clear_handle_id (&self->scroll_source, g_source_remove);
  g_clear_handle_id (&self->language_source, g_source_remove);
  if (self->chooser != NULL)
    gtk_native_dialog_destroy (self->chooser);
  g_clear_object (&self->chooser);
  g_signal_handlers_disconnect_by_data (adw_style_manager_get_default (), self);
  g_clear_pointer (&self->box, gtk_widget_unparent);
  for (guint i = 0; i < N_TABS; i++)
    {
      g_clear_object (&self->tabs[i].buffer);
      g_clear_pointer (&self->tabs[i].spans, g_ptr_array_unref);
      g_clear_pointer (&self->tabs[i].error, g_free);
      g_clear_pointer (&self->tabs[i].filename, g_free);
    }
  g_clear_object (&self->font_css);
  g_clear_pointer (&self->scheme_id, g_free);
  g_clear_pointer (&self->revealed, g_free);

  G_OBJECT_CLASS (flint_code_view_parent_class)->dispose (object);
}

static void
flint_code_view_class_init (FlintCodeViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = flint_code_view_dispose;

  signals[REGENERATED] =
    g_signal_new ("regenerated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_install_action (widget_class, "code.copy", NULL, copy_action);
  gtk_widget_class_install_action (widget_class, "code.save", NULL, save_action);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "flintcodeview");
}

static void
flint_code_view_init (FlintCodeView *self)
{
  const char *titles[N_TABS] = { N_("PySpark"), N_("Scala"), N_("YAML") };
  GtkWidget *header = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *copy = gtk_button_new_from_icon_name ("edit-copy-symbolic");
  GtkWidget *save = gtk_button_new_from_icon_name ("document-save-as-symbolic");
  GtkWidget *spacer = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);

  self->cancellable = g_cancellable_new ();
  self->box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  gtk_widget_set_parent (self->box, GTK_WIDGET (self));

  self->stack = gtk_stack_new ();
  gtk_widget_set_vexpand (self->stack, TRUE);
  for (guint i = 0; i < N_TABS; i++)
    gtk_stack_add_titled (GTK_STACK (self->stack), make_tab (self, i), tab_names[i],
                          _(titles[i]));

  g_signal_connect_swapped (self->stack, "notify::visible-child",
                            G_CALLBACK (on_visible_tab_changed), self);
  ensure_view (self, flint_code_view_get_tab (self));

  self->switcher = gtk_stack_switcher_new ();
  gtk_stack_switcher_set_stack (GTK_STACK_SWITCHER (self->switcher), GTK_STACK (self->stack));
  gtk_widget_set_hexpand (spacer, TRUE);
  gtk_widget_set_tooltip_text (copy, _("Copy the Code"));
  gtk_widget_add_css_class (copy, "flat");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (copy), "code.copy");
  gtk_widget_set_tooltip_text (save, _("Save the Code As…"));
  gtk_widget_add_css_class (save, "flat");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (save), "code.save");

  gtk_widget_set_margin_top (header, 6);
  gtk_widget_set_margin_bottom (header, 6);
  gtk_widget_set_margin_start (header, 6);
  gtk_widget_set_margin_end (header, 6);
  gtk_box_append (GTK_BOX (header), self->switcher);
  gtk_box_append (GTK_BOX (header), spacer);
  gtk_box_append (GTK_BOX (header), copy);
  gtk_box_append (GTK_BOX (header), save);
  gtk_box_append (GTK_BOX (self->box), header);
  gtk_box_append (GTK_BOX (self->box), gtk_separator_new (GTK_ORIENTATION_HORIZONTAL));
  gtk_box_append (GTK_BOX (self->box), self->stack);

  g_signal_connect_swapped (adw_style_manager_get_default (), "notify::dark",
                            G_CALLBACK (update_scheme), self);
  update_scheme (self);
}

GtkWidget *
flint_code_view_new (void)
{
  return g_object_new (FLINT_TYPE_CODE_VIEW, NULL);
}

void
flint_code_view_set_pipeline (FlintCodeView *self,
                              FlintPipeline *pipeline)
{
  g_return_if_fail (FLINT_IS_CODE_VIEW (self));

  if (self->pipeline == pipeline)
    return;

  if (self->pipeline != NULL)
    g_signal_handlers_disconnect_by_data (self->pipeline, self);
  g_set_object (&self->pipeline, pipeline);
  g_clear_pointer (&self->revealed, g_free);
  /* Another document starts at its first line. */
  for (guint i = 0; i < N_TABS; i++)
    set_tab_text (&self->tabs[i], "", NULL);
  if (pipeline != NULL)
    {
      g_signal_connect_swapped (pipeline, "changed", G_CALLBACK (on_pipeline_changed), self);
      flint_code_view_regenerate (self);
    }
  else
    g_clear_handle_id (&self->timeout, g_source_remove);
}

void
flint_code_view_reveal_node (FlintCodeView *self,
                             const char    *node_id)
{
  g_return_if_fail (FLINT_IS_CODE_VIEW (self));

  g_free (self->revealed);
  self->revealed = g_strdup (node_id);
  for (guint i = 0; i < N_TABS; i++)
    apply_highlight (self, &self->tabs[i]);
  if (node_id != NULL)
    schedule_scroll (self);
}

void
flint_code_view_set_tab (FlintCodeView *self,
                         FlintCodeTab   tab)
{
  g_return_if_fail (FLINT_IS_CODE_VIEW (self));
  g_return_if_fail (tab < N_TABS);

  gtk_stack_set_visible_child_name (GTK_STACK (self->stack), tab_names[tab]);
}

FlintCodeTab
flint_code_view_get_tab (FlintCodeView *self)
{
  const char *name;

  g_return_val_if_fail (FLINT_IS_CODE_VIEW (self), FLINT_CODE_TAB_PYTHON);

  name = gtk_stack_get_visible_child_name (GTK_STACK (self->stack));
  for (guint i = 0; i < N_TABS; i++)
    if (g_strcmp0 (name, tab_names[i]) == 0)
      return i;

  return FLINT_CODE_TAB_PYTHON;
}

char *
flint_code_view_dup_text (FlintCodeView *self,
                          FlintCodeTab   tab)
{
  GtkTextIter start;
  GtkTextIter end;

  g_return_val_if_fail (FLINT_IS_CODE_VIEW (self), NULL);
  g_return_val_if_fail (tab < N_TABS, NULL);

  gtk_text_buffer_get_bounds (GTK_TEXT_BUFFER (self->tabs[tab].buffer), &start, &end);

  return gtk_text_buffer_get_text (GTK_TEXT_BUFFER (self->tabs[tab].buffer), &start, &end, TRUE);
}

const char *
flint_code_view_get_error (FlintCodeView *self,
                           FlintCodeTab   tab)
{
  g_return_val_if_fail (FLINT_IS_CODE_VIEW (self), NULL);
  g_return_val_if_fail (tab < N_TABS, NULL);

  return self->tabs[tab].error;
}

gboolean
flint_code_view_get_highlight (FlintCodeView *self,
                               FlintCodeTab   tab,
                               guint         *first_line,
                               guint         *last_line)
{
  g_return_val_if_fail (FLINT_IS_CODE_VIEW (self), FALSE);
  g_return_val_if_fail (tab < N_TABS, FALSE);

  if (self->tabs[tab].hl_first == 0)
    return FALSE;
  if (first_line != NULL)
    *first_line = self->tabs[tab].hl_first;
  if (last_line != NULL)
    *last_line = self->tabs[tab].hl_last;

  return TRUE;
}

guint
flint_code_view_get_top_line (FlintCodeView *self,
                              FlintCodeTab   tab)
{
  GdkRectangle rect;
  GtkTextIter iter;

  g_return_val_if_fail (FLINT_IS_CODE_VIEW (self), 0);
  g_return_val_if_fail (tab < N_TABS, 0);

  if (self->tabs[tab].view == NULL)
    return 1;
  gtk_text_view_get_visible_rect (GTK_TEXT_VIEW (self->tabs[tab].view), &rect);
  gtk_text_view_get_line_at_y (GTK_TEXT_VIEW (self->tabs[tab].view), &iter, rect.y, NULL);

  return gtk_text_iter_get_line (&iter) + 1;
}

void
flint_code_view_set_font (FlintCodeView *self,
                          const char    *font)
{
  PangoFontDescription *desc;
  g_autofree char *css = NULL;
  const char *family;
  int size;

  g_return_if_fail (FLINT_IS_CODE_VIEW (self));

  for (guint i = 0; i < N_TABS && self->font_css != NULL; i++)
    {
      if (self->tabs[i].view == NULL)
        continue;
      gtk_style_context_remove_provider (gtk_widget_get_style_context (self->tabs[i].view),
                                         GTK_STYLE_PROVIDER (self->font_css));
    }
  g_clear_object (&self->font_css);

  if (font == NULL || font[0] == '\0')
    return;

  desc = pango_font_description_from_string (font);
  family = pango_font_description_get_family (desc);
  size = pango_font_description_get_size (desc) / PANGO_SCALE;
  if (size > 0)
    css = g_strdup_printf ("textview { font-family: \"%s\"; font-size: %dpt; }",
                           family != NULL ? family : "monospace", size);
  else
    css = g_strdup_printf ("textview { font-family: \"%s\"; }",
                           family != NULL ? family : "monospace");
  pango_font_description_free (desc);

  self->font_css = gtk_css_provider_new ();
  gtk_css_provider_load_from_data (self->font_css, css, -1);
  for (guint i = 0; i < N_TABS; i++)
    {
      if (self->tabs[i].view == NULL)
        continue;
      gtk_style_context_add_provider (gtk_widget_get_style_context (self->tabs[i].view),
                                      GTK_STYLE_PROVIDER (self->font_css),
                                      GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
    }
}

void
flint_code_view_set_style_scheme (FlintCodeView *self,
                                  const char    *scheme_id)
{
  g_return_if_fail (FLINT_IS_CODE_VIEW (self));

  g_free (self->scheme_id);
  self->scheme_id = g_strdup (scheme_id);
  update_scheme (self);
}
