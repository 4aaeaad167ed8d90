/* flint-cli-run.c: flint-cli submit, status, cancel and logs
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "flint-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <glib-unix.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "flint-cli.h"
#include "flint-runtime.h"

static void
iterate_until (gboolean *done)
{
  while (!*done)
    g_main_context_iteration (NULL, TRUE);
}

static gboolean
set_true (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

static void
sleep_ms (guint msec)
{
  gboolean done = FALSE;

  g_timeout_add (msec, set_true, &done);
  iterate_until (&done);
}

static FlintRunStore *
open_store (const char *command)
{
  g_autoptr(GError) error = NULL;
  FlintRunStore *store = flint_run_store_new (NULL, &error);

  if (store == NULL)
    g_printerr ("flint-cli %s: %s\n", command, error->message);
  return store;
}

static void
refreshed (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  flint_runner_refresh_finish (FLINT_RUNNER (source), result, NULL);
  *(gboolean *) user_data = TRUE;
}

/* Brings a run nobody follows up to date (a driver that ended since). */
static void
refresh_run (FlintRunner *runner,
             FlintRun    *run)
{
  gboolean done = FALSE;

  if (flint_run_state_is_finished (flint_run_get_state (run)))
    return;
  flint_runner_refresh_async (runner, run, NULL, refreshed, &done);
  iterate_until (&done);
}

static FlintRun *
lookup_run (FlintRunStore *store,
            const char    *command,
            const char    *id)
{
  g_autoptr(GError) error = NULL;
  FlintRun *run = flint_run_store_lookup (store, id, &error);

  if (run == NULL)
    g_printerr ("flint-cli %s: %s\n", command, error->message);
  return run;
}

static char *
short_id (FlintRun *run)
{
  return g_strndup (flint_run_get_id (run), 8);
}

static char *
format_duration (FlintRun *run)
{
  gint64 start = flint_run_get_started_at (run);
  gint64 end = flint_run_get_finished_at (run);
  gint64 seconds;

  if (start == 0)
    return g_strdup ("-");
  if (end == 0)
    end = g_get_real_time ();
  seconds = MAX (0, (end - start) / G_USEC_PER_SEC);
  if (seconds >= 3600)
    return g_strdup_printf ("%dh%02dm", (int) (seconds / 3600), (int) (seconds / 60 % 60));
  if (seconds >= 60)
    return g_strdup_printf ("%dm%02ds", (int) (seconds / 60), (int) (seconds % 60));
  return g_strdup_printf ("%ds", (int) seconds);
}

static const char *
state_color (FlintRunState state)
{
  switch (state)
    {
    case FLINT_RUN_SUCCEEDED:
      return flint_cli_color ("\033[1;32m");
    case FLINT_RUN_FAILED:
    case FLINT_RUN_LOST:
      return flint_cli_color ("\033[1;31m");
    case FLINT_RUN_CANCELLED:
      return flint_cli_color ("\033[1;35m");
    case FLINT_RUN_QUEUED:
    case FLINT_RUN_SUBMITTING:
    case FLINT_RUN_RUNNING:
    default:
      return flint_cli_color ("\033[1;36m");
    }
}

static void
print_run_json (FlintRun *run)
{
  g_autoptr(JsonNode) root = flint_run_to_json (run);

  flint_cli_print_json (root);
}

static void
print_progress_lines (FlintRun *run)
{
  GPtrArray *progress = flint_run_get_progress (run);

  for (guint i = 0; i < progress->len; i++)
    {
      const FlintNodeProgress *p = g_ptr_array_index (progress, i);

      g_print ("  %-24s %3d%%  %s %u/%u, %s %u/%u, %s %u/%u\n", p->node_id,
               (int) (flint_node_progress_get_fraction (p) * 100 + 0.5),
               _("jobs"), p->jobs_done, p->jobs_total, _("stages"), p->stages_done, p->stages_total,
               _("tasks"), p->tasks_done, p->tasks_total);
    }
}

/* submit {{{ */

typedef struct
{
  gboolean  tty;
  gboolean  quiet;
  char     *last_line;
} Watch;

static void
draw_bar (FlintRun *run,
          Watch    *watch)
{
  GPtrArray *progress = flint_run_get_progress (run);
  guint done = 0, total = 0;
  g_autoptr(GString) line = g_string_new (NULL);
  g_autofree char *id = short_id (run);

  for (guint i = 0; i < progress->len; i++)
    {
      const FlintNodeProgress *p = g_ptr_array_index (progress, i);

      done += p->tasks_done;
      total += p->tasks_total;
    }

  if (watch->tty)
    {
      const guint width = 30;
      guint filled = total ? MIN (width, done * width / total) : 0;

      g_string_append_printf (line, "\r%s %s%-10s%s [", id, state_color (flint_run_get_state (run)),
                              flint_run_state_to_string (flint_run_get_state (run)), flint_cli_color ("\033[0m"));
      for (guint i = 0; i < width; i++)
        g_string_append (line, i < filled ? "#" : "-");
      g_string_append_printf (line, "] %u/%u %s", done, total, _("tasks"));
      g_string_append (line, "\033[K");
      g_print ("%s", line->str);
      fflush (stdout);
      return;
    }

  g_string_append_printf (line, "%s %s", id, flint_run_state_to_string (flint_run_get_state (run)));
  for (guint i = 0; i < progress->len; i++)
    {
      const FlintNodeProgress *p = g_ptr_array_index (progress, i);
      g_string_append_printf (line, " %s %u/%u", p->node_id, p->tasks_done, p->tasks_total);
    }
  if (g_strcmp0 (line->str, watch->last_line) != 0)
    {
      g_print ("%s\n", line->str);
      g_free (watch->last_line);
      watch->last_line = g_strdup (line->str);
    }
}

static void
run_changed (FlintRun *run,
             Watch    *watch)
{
  if (!watch->quiet)
    draw_bar (run, watch);
}

/* Ctrl+C (or SIGTERM) while `submit --wait` follows a run: the first one cancels the run
 * and goes on waiting until the cancel is recorded, a second one stops waiting at once.
 * A CI job that is aborted must not leave a cluster job running behind it. */
typedef struct
{
  FlintRunner *runner;
  FlintRun    *run;
  guint        count;
} Interrupt;

static gboolean
interrupted (gpointer user_data)
{
  Interrupt *interrupt = user_data;
  g_autoptr(GError) error = NULL;

  if (interrupt->count++ > 0)
    return G_SOURCE_CONTINUE;
  if (flint_run_state_is_finished (flint_run_get_state (interrupt->run)))
    return G_SOURCE_CONTINUE;
  g_printerr (_("\nCancelling run %s (interrupt again to stop waiting)…\n"), flint_run_get_id (interrupt->run));
  if (!flint_runner_cancel (interrupt->runner, flint_run_get_id (interrupt->run), &error))
    g_printerr ("flint-cli submit: %s\n", error->message);
  return G_SOURCE_CONTINUE;
}

int
flint_cli_submit (int    argc,
                  char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(FlintRunStore) store = NULL;
  g_autoptr(FlintRunner) runner = NULL;
  g_autoptr(FlintPipeline) pipeline = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(FlintRun) run = NULL;
  g_auto(GStrv) files = NULL;
  g_autofree char *target_name = NULL;
  g_autofree char *env = NULL;
  g_autofree char *priority_text = NULL;
  g_autofree char *id = NULL;
  gboolean wait = FALSE, as_json = FALSE;
  FlintRunPriority priority = FLINT_RUN_PRIORITY_NORMAL;
  FlintRunState state;
  Watch watch = { 0 };
  Interrupt interrupt = { 0 };
  guint sigint_source = 0, sigterm_source = 0;
  gulong handler;
  const GOptionEntry entries[] = {
    { "target", 't', 0, G_OPTION_ARG_STRING, &target_name, N_("The target of job.targets to run on (default: local)"), N_("NAME") },
    { "env", 'e', 0, G_OPTION_ARG_STRING, &env, N_("Apply job.environments.ENV first"), N_("ENV") },
    { "priority", 'p', 0, G_OPTION_ARG_STRING, &priority_text, N_("low, normal, high or critical"), N_("PRIORITY") },
    { "wait", 'w', 0, G_OPTION_ARG_NONE, &wait, N_("Wait for the run to end, showing its progress"), NULL },
    { "json", 0, 0, G_OPTION_ARG_NONE, &as_json, N_("Print the run as JSON"), NULL },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &files, NULL, N_("FILE") },
    { NULL }
  };

  context = flint_cli_option_context (_("FILE — run a pipeline"),
                                      _("Records the run, submits it and prints its id. With --wait, follows it to the end.\n"
                                        "Ctrl+C while waiting cancels the run (a second one stops waiting at once).\n"
                                        "Exit status: 0 when submitted (with --wait: when it succeeded), 1 when the run\n"
                                        "failed, 2 when the file, the target or the options are wrong, 130 when\n"
                                        "interrupted while waiting."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);

  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("flint-cli submit: %s\n", error->message);
      return EXIT_UNREADABLE;
    }
  if (files == NULL || files[0] == NULL || files[1] != NULL)
    {
      g_printerr (_("flint-cli submit: give one pipeline file (see flint-cli submit --help)\n"));
      return EXIT_UNREADABLE;
    }
  if (priority_text != NULL && !flint_run_priority_from_string (priority_text, &priority))
    {
      g_printerr (_("flint-cli submit: unknown priority “%s” (low, normal, high or critical)\n"), priority_text);
      return EXIT_UNREADABLE;
    }

  file = g_file_new_for_commandline_arg (files[0]);
  pipeline = flint_pipeline_load_from_file (flint_catalog_get_default (), file, NULL, &error);
  if (pipeline == NULL)
    {
      g_printerr ("%s: %s\n", files[0], error->message);
      return EXIT_UNREADABLE;
    }

  store = open_store ("submit");
  if (store == NULL)
    return EXIT_UNREADABLE;
  runner = flint_runner_new (store);

  {
    g_autofree char *path = g_file_get_path (file);

    run = flint_runner_submit_pipeline (runner, pipeline, path, target_name, env, priority, &error);
  }
  if (run == NULL)
    {
      g_printerr ("flint-cli submit: %s\n", error->message);
      return EXIT_UNREADABLE;
    }
  g_object_ref (run);
  id = short_id (run);

  watch.tty = isatty (STDOUT_FILENO);
  watch.quiet = as_json || !wait;
  handler = g_signal_connect (run, "changed", G_CALLBACK (run_changed), &watch);

  if (!as_json)
    {
      g_print (_("Run %s: %s on %s\n"), flint_run_get_id (run), flint_run_get_pipeline_name (run),
               flint_run_get_target_name (run));
    }

  if (wait)
    {
      interrupt.runner = runner;
      interrupt.run = run;
      sigint_source = g_unix_signal_add (SIGINT, interrupted, &interrupt);
      sigterm_source = g_unix_signal_add (SIGTERM, interrupted, &interrupt);
    }

  /* Without --wait, until the target has it; the driver goes on after we exit. */
  for (state = flint_run_get_state (run);
       wait ? !flint_run_state_is_finished (state) && interrupt.count < 2
            : (state == FLINT_RUN_QUEUED || state == FLINT_RUN_SUBMITTING);
       state = flint_run_get_state (run))
    g_main_context_iteration (NULL, TRUE);

  g_clear_handle_id (&sigint_source, g_source_remove);
  g_clear_handle_id (&sigterm_source, g_source_remove);
  g_signal_handler_disconnect (run, handler);
  if (watch.tty && !watch.quiet)
    g_print ("\n");
  g_free (watch.last_line);

  if (as_json)
    print_run_json (run);
  else
    {
      g_print ("%s %s%s%s", id, state_color (state), flint_run_state_to_string (state), flint_cli_color ("\033[0m"));
      if (flint_run_get_ui_url (run) != NULL && !flint_run_state_is_finished (state))
        g_print (_(" — Spark UI %s"), flint_run_get_ui_url (run));
      g_print ("\n");
      if (flint_run_get_message (run) != NULL && state != FLINT_RUN_SUCCEEDED)
        g_print ("%s\n", flint_run_get_message (run));
      if (wait)
        print_progress_lines (run);
    }

  if (interrupt.count > 0)
    {
      if (!flint_run_state_is_finished (state))
        g_printerr (_("Stopped waiting; run %s is still being cancelled (see flint-cli status %s)\n"),
                    flint_run_get_id (run), id);
      return EXIT_INTERRUPTED;
    }
  if (state == FLINT_RUN_FAILED || state == FLINT_RUN_LOST || state == FLINT_RUN_CANCELLED)
    return EXIT_PROBLEMS;
  return EXIT_CLEAN;
}

/* }}} */

/* status {{{ */

int
flint_cli_status (int    argc,
                  char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(FlintRunStore) store = NULL;
  g_autoptr(FlintRunner) runner = NULL;
  g_autoptr(GPtrArray) runs = NULL;
  g_auto(GStrv) ids = NULL;
  gboolean as_json = FALSE;
  int limit = 20;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &as_json, N_("Print as JSON"), NULL },
    { "limit", 'n', 0, G_OPTION_ARG_INT, &limit, N_("How many recent runs to list (20)"), N_("N") },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_STRING_ARRAY, &ids, NULL, N_("[RUN]") },
    { NULL }
  };

  context = flint_cli_option_context (_("[RUN] — show runs"),
                                      _("Without RUN, lists recent runs; with RUN (an id or its first characters),\n"
                                        "shows that run with the progress of each node."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("flint-cli status: %s\n", error->message);
      return EXIT_UNREADABLE;
    }

  store = open_store ("status");
  if (store == NULL)
    return EXIT_UNREADABLE;
  runner = flint_runner_new (store);

  if (ids != NULL && ids[0] != NULL)
    {
      g_autoptr(FlintRun) run = lookup_run (store, "status", ids[0]);
      FlintRunState state;

      if (run == NULL)
        return EXIT_UNREADABLE;
      refresh_run (runner, run);
      state = flint_run_get_state (run);

      if (as_json)
        {
          print_run_json (run);
          return EXIT_CLEAN;
        }

      {
        g_autofree char *duration = format_duration (run);

        g_print ("%s%s%s  %s\n", flint_cli_color ("\033[1m"), flint_run_get_id (run), flint_cli_color ("\033[0m"),
                 flint_run_get_pipeline_name (run));
        g_print ("  %-10s %s%s%s (%s %u/%u)\n", _("state"), state_color (state), flint_run_state_to_string (state),
                 flint_cli_color ("\033[0m"), _("attempt"), flint_run_get_attempt (run), flint_run_get_max_attempts (run));
        g_print ("  %-10s %s (%s)\n", _("target"), flint_run_get_target_name (run), flint_run_get_target_kind (run));
        g_print ("  %-10s %s\n", _("duration"), duration);
        if (flint_run_get_ui_url (run) != NULL)
          g_print ("  %-10s %s\n", _("spark ui"), flint_run_get_ui_url (run));
        if (flint_run_get_external_id (run) != NULL)
          g_print ("  %-10s %s\n", _("external"), flint_run_get_external_id (run));
        if (flint_run_get_run_dir (run) != NULL)
          g_print ("  %-10s %s\n", _("directory"), flint_run_get_run_dir (run));
        if (flint_run_get_message (run) != NULL)
          g_print ("  %-10s %s\n", _("message"), flint_run_get_message (run));
        print_progress_lines (run);
      }
      return EXIT_CLEAN;
    }

  runs = flint_run_store_list (store, MAX (limit, 0), &error);
  if (runs == NULL)
    {
      g_printerr ("flint-cli status: %s\n", error->message);
      return EXIT_UNREADABLE;
    }
  for (guint i = 0; i < runs->len; i++)
    refresh_run (runner, g_ptr_array_index (runs, i));

  if (as_json)
    {
      g_autoptr(JsonNode) root = json_node_new (JSON_NODE_OBJECT);
      JsonObject *object = json_object_new ();
      JsonArray *array = json_array_new ();

      for (guint i = 0; i < runs->len; i++)
        json_array_add_element (array, flint_run_to_json (g_ptr_array_index (runs, i)));
      json_object_set_array_member (object, "runs", array);
      json_node_take_object (root, object);
      flint_cli_print_json (root);
      return EXIT_CLEAN;
    }

  if (runs->len == 0)
    {
      g_print (_("No runs yet (flint-cli submit FILE starts one)\n"));
      return EXIT_CLEAN;
    }

  g_print ("%s%-9s %-24s %-10s %-10s %-9s %s%s\n", flint_cli_color ("\033[1m"), _("RUN"), _("PIPELINE"), _("TARGET"),
           _("STATE"), _("DURATION"), _("MESSAGE"), flint_cli_color ("\033[0m"));
  for (guint i = 0; i < runs->len; i++)
    {
      FlintRun *run = g_ptr_array_index (runs, i);
      g_autofree char *id = short_id (run);
      g_autofree char *duration = format_duration (run);
      FlintRunState state = flint_run_get_state (run);
      const char *message = flint_run_get_message (run);
      g_autofree char *first_line = message ? g_strndup (message, strcspn (message, "\n")) : NULL;

      g_print ("%-9s %-24s %-10s %s%-10s%s %-9s %s\n", id, flint_run_get_pipeline_name (run),
               flint_run_get_target_name (run), state_color (state), flint_run_state_to_string (state),
               flint_cli_color ("\033[0m"), duration, first_line ? first_line : "");
    }
  return EXIT_CLEAN;
}

/* }}} */

/* cancel {{{ */

int
flint_cli_cancel (int    argc,
                  char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(FlintRunStore) store = NULL;
  g_autoptr(FlintRunner) runner = NULL;
  g_autoptr(FlintRun) run = NULL;
  g_auto(GStrv) ids = NULL;
  gint64 deadline;
  const GOptionEntry entries[] = {
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_STRING_ARRAY, &ids, NULL, N_("RUN") },
    { NULL }
  };

  context = flint_cli_option_context (_("RUN — stop a run"),
                                      _("A queued run never starts; a running one is stopped (SIGTERM, then SIGKILL\n"
                                        "after a grace period for local Spark). Waits until it has ended."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("flint-cli cancel: %s\n", error->message);
      return EXIT_UNREADABLE;
    }
  if (ids == NULL || ids[0] == NULL)
    {
      g_printerr (_("flint-cli cancel: which run? (see flint-cli status)\n"));
      return EXIT_UNREADABLE;
    }

  store = open_store ("cancel");
  if (store == NULL)
    return EXIT_UNREADABLE;
  runner = flint_runner_new (store);
  run = lookup_run (store, "cancel", ids[0]);
  if (run == NULL)
    return EXIT_UNREADABLE;

  if (!flint_runner_cancel (runner, flint_run_get_id (run), &error))
    {
      g_printerr ("flint-cli cancel: %s\n", error->message);
      return g_error_matches (error, FLINT_RUNNER_ERROR, FLINT_RUNNER_ERROR_FINISHED) ? EXIT_PROBLEMS : EXIT_UNREADABLE;
    }

  deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  while (g_get_monotonic_time () < deadline)
    {
      g_autoptr(FlintRun) now = flint_run_store_lookup (store, flint_run_get_id (run), NULL);

      if (now == NULL)
        break;
      refresh_run (runner, now);
      if (flint_run_state_is_finished (flint_run_get_state (now)))
        {
          g_autofree char *id = short_id (now);

          g_print ("%s %s\n", id, flint_run_state_to_string (flint_run_get_state (now)));
          return flint_run_get_state (now) == FLINT_RUN_CANCELLED ? EXIT_CLEAN : EXIT_PROBLEMS;
        }
      sleep_ms (250);
    }

  g_printerr (_("flint-cli cancel: run %s has not stopped yet\n"), flint_run_get_id (run));
  return EXIT_PROBLEMS;
}

/* }}} */

/* logs {{{ */

static void
logs_read (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  gpointer *out = user_data;
  guint64 next = 0;

  out[0] = flint_target_read_logs_finish (FLINT_TARGET (source), result, &next, (GError **) &out[1]);
  *(guint64 *) out[2] = next;
  out[3] = GINT_TO_POINTER (TRUE);
}

static gboolean
print_new_logs (FlintTarget    *target,
                FlintRun       *run,
                FlintLogStream  stream,
                guint64        *offset)
{
  gpointer out[4] = { NULL, NULL, offset, NULL };
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  gsize size;
  const char *data;

  flint_target_read_logs_async (target, run, stream, *offset, NULL, logs_read, out);
  while (out[3] == NULL)
    g_main_context_iteration (NULL, TRUE);
  bytes = out[0];
  error = out[1];
  if (bytes == NULL)
    {
      g_printerr ("flint-cli logs: %s\n", error->message);
      return FALSE;
    }
  data = g_bytes_get_data (bytes, &size);
  if (size > 0)
    {
      fwrite (data, 1, size, stream == FLINT_LOG_STDOUT ? stdout : stderr);
      fflush (stream == FLINT_LOG_STDOUT ? stdout : stderr);
    }
  return TRUE;
}

int
flint_cli_logs (int    argc,
                char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(FlintRunStore) store = NULL;
  g_autoptr(FlintRunner) runner = NULL;
  g_autoptr(FlintRun) run = NULL;
  g_auto(GStrv) ids = NULL;
  gboolean follow = FALSE;
  guint64 out_offset = 0, err_offset = 0;
  FlintTarget *target;
  const GOptionEntry entries[] = {
    { "follow", 'f', 0, G_OPTION_ARG_NONE, &follow, N_("Keep printing until the run ends"), NULL },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_STRING_ARRAY, &ids, NULL, N_("RUN") },
    { NULL }
  };

  context = flint_cli_option_context (_("RUN — print a run's driver output"),
                                      _("The driver's stdout goes to stdout and its stderr to stderr."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("flint-cli logs: %s\n", error->message);
      return EXIT_UNREADABLE;
    }
  if (ids == NULL || ids[0] == NULL)
    {
      g_printerr (_("flint-cli logs: which run? (see flint-cli status)\n"));
      return EXIT_UNREADABLE;
    }

  store = open_store ("logs");
  if (store == NULL)
    return EXIT_UNREADABLE;
  runner = flint_runner_new (store);
  run = lookup_run (store, "logs", ids[0]);
  if (run == NULL)
    return EXIT_UNREADABLE;
  target = flint_runner_get_target (runner, run, &error);
  if (target == NULL)
    {
      g_printerr ("flint-cli logs: %s\n", error->message);
      return EXIT_UNREADABLE;
    }

  for (;;)
    {
      gboolean finished;

      refresh_run (runner, run);
      if (!follow)
        {
          g_autoptr(FlintRun) now = flint_run_store_lookup (store, flint_run_get_id (run), NULL);
          finished = TRUE;
          (void) now;
        }
      else
        {
          g_autoptr(FlintRun) now = flint_run_store_lookup (store, flint_run_get_id (run), NULL);
          finished = now == NULL || flint_run_state_is_finished (flint_run_get_state (now));
        }

      if (!print_new_logs (target, run, FLINT_LOG_STDOUT, &out_offset) ||
          !print_new_logs (target, run, FLINT_LOG_STDERR, &err_offset))
        return EXIT_PROBLEMS;
      if (finished)
        break;
      sleep_ms (500);
    }

  return EXIT_CLEAN;
}

/* }}} */
