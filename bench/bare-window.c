/* bare-window.c: the yardstick of bench_startup.py
 *
 * An AdwApplication showing an empty AdwApplicationWindow (a header bar, 1280x800, as the
 * designer opens) that prints, on its first painted frame, the time since the process
 * started as `first-frame-ms N` on stderr, the way the designer does under
 * FLINT_BENCH_QUIT_AFTER_FIRST_FRAME=1, and quits.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "flint-bench"

#include <adwaita.h>

static gint64 process_start_us;

/* Before main(), as in app/flint-application.c, so both programs start the clock alike. */
__attribute__((constructor)) static void
record_process_start (void)
{
  process_start_us = g_get_monotonic_time ();
}

static void
on_after_paint (GdkFrameClock *clock,
                GApplication  *app)
{
  g_signal_handlers_disconnect_by_func (clock, on_after_paint, app);
  g_printerr ("first-frame-ms %.1f\n", (g_get_monotonic_time () - process_start_us) / 1000.0);
  g_application_quit (app);
}

static gboolean
first_tick (GtkWidget     *widget,
            GdkFrameClock *clock,
            gpointer       app)
{
  g_signal_connect (clock, "after-paint", G_CALLBACK (on_after_paint), app);

  return G_SOURCE_REMOVE;
}

static void
activate (GApplication *app)
{
  GtkWidget *window = adw_application_window_new (GTK_APPLICATION (app));
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);

  gtk_box_append (GTK_BOX (box), adw_header_bar_new ());
  adw_application_window_set_content (ADW_APPLICATION_WINDOW (window), box);
  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 800);
  gtk_widget_add_tick_callback (window, first_tick, app, NULL);
  gtk_window_present (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr (AdwApplication) app = adw_application_new ("io.github.flintspark.Flint.BenchBare",
                                                        G_APPLICATION_NON_UNIQUE);

  g_signal_connect (app, "activate", G_CALLBACK (activate), NULL);

  return g_application_run (G_APPLICATION (app), argc, argv);
}
