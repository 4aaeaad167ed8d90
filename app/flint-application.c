/* flint-application.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "flint"

#include "config.h"

#include <glib/gi18n.h>
#include <gtksourceview/gtksource.h>

#include "flint-application.h"
#include "flint-preferences.h"
#include "flint-runs-panel.h"
#include "flint-resources.h"
#include "flint-window.h"

#define SCHEMA_ID    "io.github.flintspark.Flint"
#define MAX_RECENT   10

struct _FlintApplication
{
  AdwApplication  parent_instance;
  GSettings      *settings;
  FlintRunner    *runner;   /* one for every window: runs outlive the window they came from */
};

G_DEFINE_FINAL_TYPE (FlintApplication, flint_application, ADW_TYPE_APPLICATION)

/* FLINT_BENCH_QUIT_AFTER_FIRST_FRAME=1 (bench/bench_startup.py): once a window has painted
 * its first frame with the document loaded, print the time since the process started and
 * quit. The start is taken before main() runs, so the figure covers loading the libraries'
 * constructors as little as possible and GTK's start-up entirely. */
static gint64 process_start_us;

__attribute__((constructor)) static void
record_process_start (void)
{
  process_start_us = g_get_monotonic_time ();
}

static void
on_bench_after_paint (GdkFrameClock *clock,
                      GtkWindow     *window)
{
  GApplication *app = G_APPLICATION (gtk_window_get_application (window));

  g_signal_handlers_disconnect_by_func (clock, on_bench_after_paint, window);
  g_printerr ("first-frame-ms %.1f\n",
              (g_get_monotonic_time () - process_start_us) / 1000.0);
  if (app != NULL)
    g_application_quit (app);
}

static gboolean
stack_transition_running (GtkWidget *widget)
{
  if (GTK_IS_STACK (widget) && gtk_stack_get_transition_running (GTK_STACK (widget)))
    return TRUE;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (stack_transition_running (child))
      return TRUE;

  return FALSE;
}

/* Waits for the document: a frame of the empty or loading window does not count, nor one
 * in which a page is still fading in (it shows the document at next to no opacity). */
static gboolean
bench_tick (GtkWidget     *widget,
            GdkFrameClock *clock,
            gpointer       user_data)
{
  FlintWindow *window = FLINT_WINDOW (widget);

  if (g_strcmp0 (flint_window_get_page (window), "pipeline") != 0
      || flint_window_get_pipeline (window) == NULL
      || stack_transition_running (widget))
    return G_SOURCE_CONTINUE;

  g_signal_connect (clock, "after-paint", G_CALLBACK (on_bench_after_paint), window);

  return G_SOURCE_REMOVE;
}

static void
maybe_bench_first_frame (FlintWindow *window)
{
  if (g_strcmp0 (g_getenv ("FLINT_BENCH_QUIT_AFTER_FIRST_FRAME"), "1") != 0)
    return;
  if (g_object_get_data (G_OBJECT (window), "flint-bench-tick") != NULL)
    return;
  g_object_set_data (G_OBJECT (window), "flint-bench-tick", GINT_TO_POINTER (1));
  gtk_widget_add_tick_callback (GTK_WIDGET (window), bench_tick, NULL, NULL);
}

static FlintWindow *
get_reusable_window (FlintApplication *self)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (FLINT_IS_WINDOW (window) && flint_window_is_empty (FLINT_WINDOW (window)))
    return FLINT_WINDOW (window);

  return NULL;
}

static void
flint_application_activate (GApplication *application)
{
  FlintApplication *self = FLINT_APPLICATION (application);
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (window == NULL)
    window = GTK_WINDOW (flint_window_new (self));

  gtk_window_present (window);
}

static void
flint_application_open (GApplication  *application,
                        GFile        **files,
                        int            n_files,
                        const char    *hint)
{
  FlintApplication *self = FLINT_APPLICATION (application);

  for (int i = 0; i < n_files; i++)
    {
      FlintWindow *window = get_reusable_window (self);

      if (window == NULL)
        window = flint_window_new (self);

      flint_window_open (window, files[i]);
      gtk_window_present (GTK_WINDOW (window));
      maybe_bench_first_frame (window);
    }
}

static void
quit_activated (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  FlintApplication *self = user_data;
  GList *windows = gtk_application_get_windows (GTK_APPLICATION (self));

  /* Closing each window lets it save its size and cancel what it is loading. */
  for (GList *l = windows; l != NULL;)
    {
      GtkWindow *window = l->data;

      l = l->next;
      gtk_window_close (window);
    }

  g_application_quit (G_APPLICATION (self));
}

static void
about_activated (GSimpleAction *action,
                 GVariant      *parameter,
                 gpointer       user_data)
{
  FlintApplication *self = user_data;
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));
  static const char *developers[] = { "The Flint developers", NULL };
  GtkIconTheme *theme = gtk_icon_theme_get_for_display (gdk_display_get_default ());
  AdwAboutWindow *about;

  about = g_object_new (ADW_TYPE_ABOUT_WINDOW,
                        "application-name", _("Flint"),
                        /* Until the app icon is installed (uninstalled builds). */
                        "application-icon", gtk_icon_theme_has_icon (theme, APP_ID)
                                            ? APP_ID : "application-x-executable",
                        "comments", _("Draw, validate and run Apache Spark pipelines"),
                        "developer-name", _("The Flint developers"),
                        "developers", developers,
                        "version", PACKAGE_VERSION,
                        "website", "https://github.com/flintspark/flint",
                        "issue-url", "https://github.com/flintspark/flint/issues",
                        "license-type", GTK_LICENSE_GPL_3_0,
                        "transient-for", parent,
                        "modal", TRUE,
                        NULL);
  /* Translators: replace with your names, one per line */
  adw_about_window_set_translator_credits (about, _("translator-credits"));

  gtk_window_present (GTK_WINDOW (about));
}

static void
preferences_activated (GSimpleAction *action,
                       GVariant      *parameter,
                       gpointer       user_data)
{
  FlintApplication *self = user_data;
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));
  GtkWidget *preferences;

  if (self->settings == NULL)
    return;

  preferences = flint_preferences_new (self->settings);
  gtk_window_set_transient_for (GTK_WINDOW (preferences), parent);
  gtk_window_present (GTK_WINDOW (preferences));
}

static void
on_color_scheme_changed (FlintApplication *self)
{
  g_autofree char *scheme = g_settings_get_string (self->settings, "color-scheme");
  AdwColorScheme color_scheme = ADW_COLOR_SCHEME_DEFAULT;

  if (g_str_equal (scheme, "light"))
    color_scheme = ADW_COLOR_SCHEME_FORCE_LIGHT;
  else if (g_str_equal (scheme, "dark"))
    color_scheme = ADW_COLOR_SCHEME_FORCE_DARK;

  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), color_scheme);
}

/* Runs {{{ */

static gboolean
has_focus (FlintApplication *self)
{
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l != NULL; l = l->next)
    if (gtk_window_is_active (l->data))
      return TRUE;
  return FALSE;
}

/* A run ended: tell the user who is not looking (or always, or never, as they chose). */
static void
on_run_finished (FlintApplication *self,
                 FlintRun         *run)
{
  g_autoptr(GNotification) notification = NULL;
  g_autofree char *when = NULL;
  g_autofree char *title = NULL;
  g_autofree char *body = NULL;
  g_autofree char *id = NULL;
  g_autofree char *elapsed = NULL;
  const char *name = flint_run_get_pipeline_name (run) ? flint_run_get_pipeline_name (run) : _("Untitled");
  const char *message = flint_run_get_message (run);

  when = self->settings ? g_settings_get_string (self->settings, "run-notifications") : g_strdup ("unfocused");
  if (g_str_equal (when, "never") || (g_str_equal (when, "unfocused") && has_focus (self)))
    return;

  switch (flint_run_get_state (run))
    {
    case FLINT_RUN_SUCCEEDED:
      /* Translators: a notification; %s is the pipeline's name */
      title = g_strdup_printf (_("%s finished"), name);
      break;
    case FLINT_RUN_FAILED:
      /* Translators: a notification; %s is the pipeline's name */
      title = g_strdup_printf (_("%s failed"), name);
      break;
    case FLINT_RUN_CANCELLED:
      /* Translators: a notification; %s is the pipeline's name */
      title = g_strdup_printf (_("%s was cancelled"), name);
      break;
    case FLINT_RUN_QUEUED:
    case FLINT_RUN_SUBMITTING:
    case FLINT_RUN_RUNNING:
    case FLINT_RUN_LOST:
    default:
      /* Translators: a notification; %s is the pipeline's name */
      title = g_strdup_printf (_("Lost track of %s"), name);
      break;
    }
  elapsed = flint_runs_format_elapsed (run, g_get_real_time ());
  /* Translators: a notification's text: the target a run ran on, and how long it took */
  body = g_strdup_printf (_("On %s after %s"), flint_run_get_target_name (run) ? flint_run_get_target_name (run) : "local",
                          elapsed);
  if (message != NULL && flint_run_get_state (run) != FLINT_RUN_SUCCEEDED)
    {
      g_autofree char *more = g_strdup_printf ("%s\n%s", body, message);

      g_free (body);
      body = g_steal_pointer (&more);
    }

  notification = g_notification_new (title);
  g_notification_set_body (notification, body);
  if (flint_run_get_state (run) == FLINT_RUN_FAILED || flint_run_get_state (run) == FLINT_RUN_LOST)
    g_notification_set_priority (notification, G_NOTIFICATION_PRIORITY_HIGH);
  g_notification_set_default_action_and_target (notification, "app.show-run", "s", flint_run_get_id (run));
  id = g_strdup_printf ("run-%s", flint_run_get_id (run));
  g_application_send_notification (G_APPLICATION (self), id, notification);
}

static void
show_run_activated (GSimpleAction *action,
                    GVariant      *parameter,
                    gpointer       user_data)
{
  FlintApplication *self = user_data;
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (window == NULL)
    window = GTK_WINDOW (flint_window_new (self));
  if (FLINT_IS_WINDOW (window))
    flint_window_show_run (FLINT_WINDOW (window), g_variant_get_string (parameter, NULL));
  gtk_window_present (window);
}

static void
setup_runner (FlintApplication *self)
{
  g_autoptr(FlintRunStore) store = NULL;
  g_autoptr(GError) error = NULL;
  guint resumed;

  store = flint_run_store_new (NULL, &error);
  if (store == NULL)
    {
      g_warning ("Cannot open the run store; running is off: %s", error->message);
      return;
    }
  self->runner = flint_runner_new (store);
  g_signal_connect_object (self->runner, "run-finished", G_CALLBACK (on_run_finished), self,
                           G_CONNECT_SWAPPED);
  /* Runs an earlier session started (and a crash left behind) are followed again. */
  resumed = flint_runner_resume (self->runner);
  if (resumed > 0)
    g_debug ("Following %u runs of an earlier session", resumed);
}

/* }}} */

static const GActionEntry app_actions[] = {
  { "show-run", show_run_activated, "s", NULL, NULL, { 0 } },
  { "quit", quit_activated, NULL, NULL, NULL, { 0 } },
  { "about", about_activated, NULL, NULL, NULL, { 0 } },
  { "preferences", preferences_activated, NULL, NULL, NULL, { 0 } },
};

/* The catalog is plain data (no GTK): parsing it here overlaps GTK's own start-up on the
 * main thread, so the window finds it ready. */
static gpointer
load_catalog_thread (gpointer data)
{
  flint_catalog_get_default ();

  return NULL;
}

/* GTK loads the icon theme on a thread as the display opens, but the search path
 * gtk_source_init() adds makes it start over, and the window's first icon lookup then loads
 * it on the main thread: some 10 ms of the first frame. Looking an icon up here, once the
 * paths are set, loads it while the window is built. (GtkIconTheme's setup belongs to the
 * main thread, but lookups on a theme set up there are safe from any thread.) */
static gpointer
load_icon_theme_thread (gpointer data)
{
  g_autoptr (GtkIconTheme) theme = data;

  gtk_icon_theme_has_icon (theme, "document-open-symbolic");

  return NULL;
}

static void
flint_application_startup (GApplication *application)
{
  FlintApplication *self = FLINT_APPLICATION (application);
  static const char *quit_accels[] = { "<primary>q", NULL };
  static const char *open_accels[] = { "<primary>o", NULL };
  static const char *close_accels[] = { "<primary>w", NULL };
  static const struct { const char *action; const char *accels[3]; } accels[] = {
    { "win.new", { "<primary>n", NULL } },
    { "win.save", { "<primary>s", NULL } },
    { "win.save-as", { "<primary><shift>s", NULL } },
    { "win.undo", { "<primary>z", NULL } },
    { "win.redo", { "<primary><shift>z", "<primary>y", NULL } },
    { "app.preferences", { "<primary>comma", NULL } },
    { "settings.bottom-pane-visible", { "F9", NULL } },
    { "win.run", { "<primary>r", NULL } },
    { "win.show-shortcuts", { "<primary>question", NULL } },
  };

  g_thread_unref (g_thread_new ("flint-catalog", load_catalog_thread, NULL));
  G_APPLICATION_CLASS (flint_application_parent_class)->startup (application);
  gtk_source_init ();
  g_thread_unref (g_thread_new ("flint-icons", load_icon_theme_thread,
                                g_object_ref (gtk_icon_theme_get_for_display (gdk_display_get_default ()))));
  setup_runner (self);

  for (guint i = 0; i < G_N_ELEMENTS (accels); i++)
    gtk_application_set_accels_for_action (GTK_APPLICATION (self), accels[i].action,
                                           accels[i].accels);
  if (self->settings != NULL)
    {
      g_signal_connect_object (self->settings, "changed::color-scheme",
                               G_CALLBACK (on_color_scheme_changed), self, G_CONNECT_SWAPPED);
      on_color_scheme_changed (self);
    }

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions,
                                   G_N_ELEMENTS (app_actions), self);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "win.open", open_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "window.close", close_accels);
}

static void
flint_application_dispose (GObject *object)
{
  FlintApplication *self = FLINT_APPLICATION (object);

  g_clear_object (&self->settings);
  g_clear_object (&self->runner);

  G_OBJECT_CLASS (flint_application_parent_class)->dispose (object);
}

static void
flint_application_class_init (FlintApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->dispose = flint_application_dispose;

  /* Keeps the linker from dropping the resources out of the static library; their
   * constructor registers them. */
  (void) flint_get_resource ();

  app_class->activate = flint_application_activate;
  app_class->open = flint_application_open;
  app_class->startup = flint_application_startup;
}

static void
flint_application_init (FlintApplication *self)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr (GSettingsSchema) schema = NULL;

  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, SCHEMA_ID, TRUE);

  /* Running from the build tree without the compiled schema must not abort. */
  if (schema != NULL)
    self->settings = g_settings_new_full (schema, NULL, NULL);
  else
    g_debug ("Schema %s not found; settings will not be kept", SCHEMA_ID);
}

FlintApplication *
flint_application_new (void)
{
  return g_object_new (FLINT_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_HANDLES_OPEN,
                       /* The same resources for the .Devel id as for the stable one. */
                       "resource-base-path", "/io/github/flintspark/Flint",
                       NULL);
}

GSettings *
flint_application_get_settings (FlintApplication *self)
{
  g_return_val_if_fail (FLINT_IS_APPLICATION (self), NULL);

  return self->settings;
}

void
flint_application_add_recent (FlintApplication *self,
                              GFile            *file)
{
  g_auto (GStrv) recent = NULL;
  g_autoptr (GStrvBuilder) builder = NULL;
  g_auto (GStrv) updated = NULL;
  g_autofree char *uri = NULL;
  guint n = 1;

  g_return_if_fail (FLINT_IS_APPLICATION (self));
  g_return_if_fail (G_IS_FILE (file));

  if (self->settings == NULL)
    return;

  uri = g_file_get_uri (file);
  recent = g_settings_get_strv (self->settings, "recent-files");
  builder = g_strv_builder_new ();
  g_strv_builder_add (builder, uri);
  for (guint i = 0; recent[i] != NULL && n < MAX_RECENT; i++)
    {
      if (g_str_equal (recent[i], uri))
        continue;
      g_strv_builder_add (builder, recent[i]);
      n++;
    }

  updated = g_strv_builder_end (builder);
  g_settings_set_strv (self->settings, "recent-files", (const char * const *) updated);
}

FlintRunner *
flint_application_get_runner (FlintApplication *self)
{
  g_return_val_if_fail (FLINT_IS_APPLICATION (self), NULL);

  return self->runner;
}
