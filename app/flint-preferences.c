/* flint-preferences.c
 *
 * Every row is bound to its key, so changes apply at once, as GNOME preferences do.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "flint"

#include "config.h"

#include <glib/gi18n.h>
#include <gtksourceview/gtksource.h>

#include "flint-preferences.h"

struct _FlintPreferences
{
  AdwPreferencesWindow  parent_instance;

  GSettings            *settings;
  AdwComboRow          *style_row;
  AdwEntryRow          *target_row;
  GtkSpinButton        *autosave_spin;
  GtkFontButton        *font_button;
  AdwComboRow          *scheme_row;
  GtkStringList        *schemes;
};

G_DEFINE_FINAL_TYPE (FlintPreferences, flint_preferences, ADW_TYPE_PREFERENCES_WINDOW)

static const char *styles[] = { "default", "light", "dark" };

static gboolean
style_to_row (GValue   *value,
              GVariant *variant,
              gpointer  user_data)
{
  const char *style = g_variant_get_string (variant, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (styles); i++)
    if (g_str_equal (style, styles[i]))
      {
        g_value_set_uint (value, i);
        return TRUE;
      }

  return FALSE;
}

static GVariant *
row_to_style (const GValue       *value,
              const GVariantType *type,
              gpointer            user_data)
{
  guint i = g_value_get_uint (value);

  return g_variant_new_string (styles[MIN (i, G_N_ELEMENTS (styles) - 1)]);
}

static gboolean
scheme_to_row (GValue   *value,
               GVariant *variant,
               gpointer  user_data)
{
  FlintPreferences *self = user_data;
  const char *id = g_variant_get_string (variant, NULL);

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->schemes)); i++)
    if (g_str_equal (gtk_string_list_get_string (self->schemes, i), id))
      {
        g_value_set_uint (value, i);
        return TRUE;
      }

  g_value_set_uint (value, 0);
  return TRUE;
}

static GVariant *
row_to_scheme (const GValue       *value,
               const GVariantType *type,
               gpointer            user_data)
{
  FlintPreferences *self = user_data;
  const char *id = gtk_string_list_get_string (self->schemes, g_value_get_uint (value));

  return g_variant_new_string (id != NULL ? id : "Adwaita");
}

/* An unset font is the system's monospace one: show that, not "None 0". */
static gboolean
font_to_button (GValue   *value,
                GVariant *variant,
                gpointer  user_data)
{
  const char *font = g_variant_get_string (variant, NULL);

  g_value_set_string (value, font[0] != '\0' ? font : "Monospace 11");

  return TRUE;
}

static GVariant *
button_to_font (const GValue       *value,
                const GVariantType *type,
                gpointer            user_data)
{
  const char *font = g_value_get_string (value);

  return g_variant_new_string (font != NULL ? font : "");
}

static void
on_target_apply (FlintPreferences *self)
{
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->target_row))));

  g_settings_set_string (self->settings, "default-target", text[0] != '\0' ? text : "local");
}

static void
flint_preferences_dispose (GObject *object)
{
  FlintPreferences *self = FLINT_PREFERENCES (object);

  g_clear_object (&self->settings);
  g_clear_object (&self->schemes);
  gtk_widget_dispose_template (GTK_WIDGET (self), FLINT_TYPE_PREFERENCES);

  G_OBJECT_CLASS (flint_preferences_parent_class)->dispose (object);
}

static void
flint_preferences_class_init (FlintPreferencesClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = flint_preferences_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/flintspark/Flint/flint-preferences.ui");
  gtk_widget_class_bind_template_child (widget_class, FlintPreferences, style_row);
  gtk_widget_class_bind_template_child (widget_class, FlintPreferences, target_row);
  gtk_widget_class_bind_template_child (widget_class, FlintPreferences, autosave_spin);
  gtk_widget_class_bind_template_child (widget_class, FlintPreferences, font_button);
  gtk_widget_class_bind_template_child (widget_class, FlintPreferences, scheme_row);
  gtk_widget_class_bind_template_callback (widget_class, on_target_apply);
}

static void
flint_preferences_init (FlintPreferences *self)
{
  GtkSourceStyleSchemeManager *manager = gtk_source_style_scheme_manager_get_default ();
  const char * const *ids = gtk_source_style_scheme_manager_get_scheme_ids (manager);

  gtk_widget_init_template (GTK_WIDGET (self));

  /* Dark variants follow the style: list only the light schemes. */
  self->schemes = gtk_string_list_new (NULL);
  for (guint i = 0; ids != NULL && ids[i] != NULL; i++)
    if (!g_str_has_suffix (ids[i], "-dark"))
      gtk_string_list_append (self->schemes, ids[i]);
  adw_combo_row_set_model (self->scheme_row, G_LIST_MODEL (self->schemes));
}

GtkWidget *
flint_preferences_new (GSettings *settings)
{
  FlintPreferences *self;
  g_autofree char *target = NULL;

  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  self = g_object_new (FLINT_TYPE_PREFERENCES, NULL);
  self->settings = g_object_ref (settings);

  g_settings_bind_with_mapping (settings, "color-scheme", self->style_row, "selected",
                                G_SETTINGS_BIND_DEFAULT, style_to_row, row_to_style, NULL, NULL);
  g_settings_bind (settings, "autosave-interval",
                   gtk_spin_button_get_adjustment (self->autosave_spin), "value",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind_with_mapping (settings, "code-font", self->font_button, "font",
                                G_SETTINGS_BIND_DEFAULT, font_to_button, button_to_font,
                                NULL, NULL);
  g_settings_bind_with_mapping (settings, "code-style-scheme", self->scheme_row, "selected",
                                G_SETTINGS_BIND_DEFAULT, scheme_to_row, row_to_scheme,
                                self, NULL);
  target = g_settings_get_string (settings, "default-target");
  gtk_editable_set_text (GTK_EDITABLE (self->target_row), target);

  return GTK_WIDGET (self);
}
