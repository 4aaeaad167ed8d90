/* flint-canvas-demo.c: the canvas alone in a window, on a pipeline file
 *
 * For screenshots and trying gestures before the designer window has the canvas:
 *   flint-canvas-demo [--dark] [--select ID,...] [--zoom Z] FILE
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "flint-canvas"

#include "config.h"

#include <adwaita.h>

#include "flint-canvas-private.h"

static gboolean opt_dark;
static char *opt_select;
static double opt_zoom;
static int opt_width = 1100;
static int opt_height = 680;
static char **opt_files;

static const GOptionEntry entries[] = {
  { "dark", 0, 0, G_OPTION_ARG_NONE, &opt_dark, "Dark style", NULL },
  { "select", 0, 0, G_OPTION_ARG_STRING, &opt_select, "Select these node ids", "ID,..." },
  { "zoom", 0, 0, G_OPTION_ARG_DOUBLE, &opt_zoom, "Zoom around the centre after fitting", "Z" },
  { "width", 0, 0, G_OPTION_ARG_INT, &opt_width, "Window width", "PX" },
  { "height", 0, 0, G_OPTION_ARG_INT, &opt_height, "Window height", "PX" },
  { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &opt_files, NULL, "FILE" },
  { NULL }
};

static GtkWidget *
button (const char *icon,
        const char *action,
        const char *tooltip)
{
  GtkWidget *b = gtk_button_new_from_icon_name (icon);

  gtk_actionable_set_action_name (GTK_ACTIONABLE (b), action);
  gtk_widget_set_tooltip_text (b, tooltip);
  return b;
}

static void
apply_zoom (gpointer data)
{
  FlintCanvas *canvas = data;

  flint_canvas_zoom_by (canvas, opt_zoom, gtk_widget_get_width (GTK_WIDGET (canvas)) / 2.0,
                        gtk_widget_get_height (GTK_WIDGET (canvas)) / 2.0);
}

static void
activate (GApplication *app)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(FlintPipeline) pipeline = NULL;
  g_autoptr(FlintHistory) history = NULL;
  g_autoptr(FlintValidator) validator = NULL;
  GtkWidget *window, *toolbar, *header, *canvas;

  if (opt_dark)
    adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_FORCE_DARK);

  file = g_file_new_for_commandline_arg (opt_files ? opt_files[0] : "data/examples/customer-join.flint.yaml");
  pipeline = flint_pipeline_load_from_file (flint_catalog_get_default (), file, NULL, &error);
  if (pipeline == NULL)
    {
      g_printerr ("%s\n", error->message);
      g_application_quit (app);
      return;
    }
  history = flint_history_new (pipeline);
  validator = flint_validator_new (pipeline);

  canvas = flint_canvas_new ();
  flint_canvas_set_history (FLINT_CANVAS (canvas), history);
  flint_canvas_set_validator (FLINT_CANVAS (canvas), validator);
  gtk_widget_set_vexpand (canvas, TRUE);

  header = adw_header_bar_new ();
  adw_header_bar_set_title_widget (ADW_HEADER_BAR (header),
                                   adw_window_title_new (flint_pipeline_get_name (pipeline), "Canvas demo"));
  adw_header_bar_pack_start (ADW_HEADER_BAR (header), button ("edit-undo-symbolic", "canvas.undo", "Undo"));
  adw_header_bar_pack_start (ADW_HEADER_BAR (header), button ("edit-redo-symbolic", "canvas.redo", "Redo"));
  adw_header_bar_pack_end (ADW_HEADER_BAR (header), button ("zoom-in-symbolic", "canvas.zoom-in", "Zoom In"));
  adw_header_bar_pack_end (ADW_HEADER_BAR (header), button ("zoom-fit-best-symbolic", "canvas.zoom-fit", "Zoom to Fit"));
  adw_header_bar_pack_end (ADW_HEADER_BAR (header), button ("zoom-out-symbolic", "canvas.zoom-out", "Zoom Out"));
  adw_header_bar_pack_end (ADW_HEADER_BAR (header), button ("view-grid-symbolic", "canvas.arrange", "Arrange"));

  toolbar = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  gtk_box_append (GTK_BOX (toolbar), header);
  gtk_box_append (GTK_BOX (toolbar), canvas);

  window = adw_application_window_new (GTK_APPLICATION (app));
  gtk_window_set_default_size (GTK_WINDOW (window), opt_width, opt_height);
  adw_application_window_set_content (ADW_APPLICATION_WINDOW (window), toolbar);
  gtk_window_present (GTK_WINDOW (window));
  gtk_widget_grab_focus (canvas);

  flint_validator_update (validator);

  if (opt_select != NULL)
    {
      g_auto(GStrv) ids = g_strsplit (opt_select, ",", -1);

      for (guint i = 0; ids[i] != NULL; i++)
        {
          FlintNode *node = flint_pipeline_lookup_node (pipeline, ids[i]);

          if (node != NULL)
            flint_canvas_select_node (FLINT_CANVAS (canvas), node, TRUE);
        }
    }
  if (opt_zoom > 0)
    g_timeout_add_once (500, apply_zoom, canvas);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(AdwApplication) app = NULL;
  g_autoptr(GOptionContext) context = g_option_context_new ("FILE");
  g_autoptr(GError) error = NULL;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }

  app = adw_application_new ("io.github.flintspark.Flint.CanvasDemo", G_APPLICATION_NON_UNIQUE);
  g_signal_connect (app, "activate", G_CALLBACK (activate), NULL);
  return g_application_run (G_APPLICATION (app), 1, argv);
}
