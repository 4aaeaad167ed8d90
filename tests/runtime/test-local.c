/* test-local.c: the local target end to end, with real Spark (FLINT_PYTHON)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "flint-test"

#include "config.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include <signal.h>
#include <string.h>

#include "flint-runtime.h"

typedef struct
{
  char          *project;   /* the pipeline file and its data/ */
  char          *pipeline_path;
  FlintRunStore *store;
  FlintRunner   *runner;
  SoupSession   *session;
  guint          ui_status;
  gboolean       ui_asked;
} Fixture;

static gboolean
need_spark (void)
{
  if (g_getenv ("FLINT_PYTHON") == NULL)
    {
      g_test_skip ("FLINT_PYTHON is not set (./flint-dev test sets it)");
      return FALSE;
    }
  return TRUE;
}

static FlintRunner *
make_runner (FlintRunStore *store)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) config = json_object_new ();
  g_autoptr(FlintTarget) target = NULL;
  FlintRunner *runner = flint_runner_new (store);

  json_object_set_string_member (config, "kind", "local");
  json_object_set_string_member (config, "master", "local[1]");
  g_assert_cmpint (flint_target_lookup_kind ("local"), !=, G_TYPE_INVALID);
  target = flint_target_new_for_config ("local", config, &error);
  g_assert_no_error (error);
  flint_local_target_set_poll_interval (FLINT_LOCAL_TARGET (target), 250);
  flint_local_target_set_kill_grace (FLINT_LOCAL_TARGET (target), 3000);
  flint_runner_add_target (runner, target);
  return runner;
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *source = g_test_build_filename (G_TEST_DIST, "runtime", "data", "small-join.flint.yaml", NULL);
  g_autofree char *text = NULL;
  g_autofree char *data_dir = NULL;
  g_autofree char *customers = NULL;
  g_autofree char *orders = NULL;

  fixture->project = g_dir_make_tmp ("flint-local-XXXXXX", &error);
  g_assert_no_error (error);
  data_dir = g_build_filename (fixture->project, "data", NULL);
  g_assert_cmpint (g_mkdir (data_dir, 0700), ==, 0);
  g_assert_true (g_file_get_contents (source, &text, NULL, NULL));
  fixture->pipeline_path = g_build_filename (fixture->project, "small-join.flint.yaml", NULL);
  g_assert_true (g_file_set_contents (fixture->pipeline_path, text, -1, NULL));
  customers = g_build_filename (data_dir, "customers.csv", NULL);
  orders = g_build_filename (data_dir, "orders.csv", NULL);
  g_assert_true (g_file_set_contents (customers, "customer_id,name,age,country\n1,Ann,34,FR\n2,Bob,17,DE\n3,Cid,51,DE\n", -1, NULL));
  g_assert_true (g_file_set_contents (orders, "order_id,customer_id,amount\n10,1,5.50\n11,2,7.00\n12,3,9.25\n13,3,1.00\n", -1, NULL));

  fixture->store = flint_run_store_new (NULL, &error);
  g_assert_no_error (error);
  fixture->runner = make_runner (fixture->store);
  {
    g_autoptr(GProxyResolver) direct = g_simple_proxy_resolver_new (NULL, NULL);

    fixture->session = soup_session_new_with_options ("proxy-resolver", direct, NULL);
  }
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_clear_object (&fixture->runner);
  g_clear_object (&fixture->store);
  g_clear_object (&fixture->session);
  g_free (fixture->pipeline_path);
  g_free (fixture->project);
}

static FlintPipeline *
load (Fixture    *fixture,
      const char *replace,
      const char *with)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = NULL;
  FlintPipeline *pipeline;

  if (replace != NULL)
    {
      g_autofree char *text = NULL;
      g_autoptr(GString) edited = NULL;

      g_assert_true (g_file_get_contents (fixture->pipeline_path, &text, NULL, NULL));
      edited = g_string_new (text);
      g_assert_cmpuint (g_string_replace (edited, replace, with, 1), ==, 1);
      g_assert_true (g_file_set_contents (fixture->pipeline_path, edited->str, -1, NULL));
    }
  file = g_file_new_for_path (fixture->pipeline_path);
  pipeline = flint_pipeline_load_from_file (flint_catalog_get_default (), file, NULL, &error);
  g_assert_no_error (error);
  return pipeline;
}

static FlintRun *
submit (Fixture    *fixture,
        const char *replace,
        const char *with)
{
  g_autoptr(FlintPipeline) pipeline = load (fixture, replace, with);
  g_autoptr(GError) error = NULL;
  FlintRun *run = flint_runner_submit_pipeline (fixture->runner, pipeline, fixture->pipeline_path, NULL, NULL,
                                                FLINT_RUN_PRIORITY_NORMAL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (run);
  return g_object_ref (run);
}

static void
wait_finished (FlintRun *run)
{
  gint64 deadline = g_get_monotonic_time () + 150 * G_USEC_PER_SEC;

  while (!flint_run_state_is_finished (flint_run_get_state (run)))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }
  /* Let the runner record the end. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static guint
count_output_rows (Fixture *fixture,
                   GString *rows)
{
  g_autofree char *out = g_build_filename (fixture->project, "out", "orders_by_country", NULL);
  g_autoptr(GDir) dir = g_dir_open (out, 0, NULL);
  const char *name;
  guint n = 0;

  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (out, name, NULL);
      g_autofree char *text = NULL;
      g_auto(GStrv) lines = NULL;

      if (!g_str_has_prefix (name, "part-") || !g_str_has_suffix (name, ".csv"))
        continue;
      g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
      lines = g_strsplit (g_strstrip (text), "\n", -1);
      for (guint i = 1; lines[i] != NULL; i++) /* after the header */
        {
          g_string_append_printf (rows, "%s\n", lines[i]);
          n++;
        }
    }
  return n;
}

static void
ui_answered (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  Fixture *fixture = user_data;
  g_autoptr(GBytes) body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, NULL);

  fixture->ui_status = soup_message_get_status (soup_session_get_async_result_message (SOUP_SESSION (source), result));
}

static void
progressed (FlintRun   *run,
            const char *node_id,
            guint       done,
            guint       total,
            Fixture    *fixture)
{
  g_autoptr(SoupMessage) message = NULL;

  /* While the driver runs, its UI answers where the run says. */
  if (fixture->ui_asked || flint_run_get_ui_url (run) == NULL)
    return;
  fixture->ui_asked = TRUE;
  message = soup_message_new (SOUP_METHOD_GET, flint_run_get_ui_url (run));
  soup_session_send_and_read_async (fixture->session, message, G_PRIORITY_DEFAULT, NULL, ui_answered, fixture);
}

static void
test_success (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(FlintRun) run = NULL;
  g_autoptr(FlintRun) stored = NULL;
  g_autoptr(GString) rows = g_string_new (NULL);
  const FlintNodeProgress *p;
  JsonObject *target_data;
  JsonArray *jobs;
  gboolean described = FALSE;

  if (!need_spark ())
    return;

  run = submit (fixture, NULL, NULL);
  g_signal_connect (run, "node-progress", G_CALLBACK (progressed), fixture);
  wait_finished (run);
  while (fixture->ui_asked && fixture->ui_status == 0)
    g_main_context_iteration (NULL, TRUE);

  g_assert_cmpstr (flint_run_get_message (run), ==, NULL);
  g_assert_cmpint (flint_run_get_state (run), ==, FLINT_RUN_SUCCEEDED);
  g_assert_true (g_str_has_prefix (flint_run_get_ui_url (run), "http://localhost:"));
  g_assert_true (fixture->ui_asked);
  g_assert_cmpuint (fixture->ui_status, ==, 200);

  /* Progress came from the driver's REST API, which reported the sink's job by its description. */
  stored = flint_run_store_lookup (fixture->store, flint_run_get_id (run), NULL);
  g_assert_cmpint (flint_run_get_state (stored), ==, FLINT_RUN_SUCCEEDED);
  p = flint_run_lookup_progress (stored, "orders_by_country");
  g_assert_nonnull (p);
  g_assert_cmpuint (p->jobs_total, >, 0);
  g_assert_cmpuint (p->jobs_done, ==, p->jobs_total);
  g_assert_cmpuint (p->tasks_total, >, 0);
  g_assert_cmpfloat (flint_node_progress_get_fraction (p), ==, 1.0);
  target_data = flint_run_get_target_data (stored);
  g_assert_cmpint (json_object_get_int_member (target_data, "rest_polls"), >, 0);
  g_assert_true (g_str_has_prefix (json_object_get_string_member (target_data, "app_id"), "local-"));
  jobs = json_object_get_array_member (target_data, "rest_jobs");
  for (guint i = 0; i < json_array_get_length (jobs); i++)
    if (g_strcmp0 (json_object_get_string_member (json_array_get_object_element (jobs, i), "description"),
                   "[flint:orders_by_country] Orders by country") == 0)
      described = TRUE;
  g_assert_true (described);

  /* Orders of adults only: Bob (17) is filtered out. */
  g_assert_cmpuint (count_output_rows (fixture, rows), ==, 3);
  g_assert_nonnull (strstr (rows->str, "10,1,5.50,Ann,34,FR"));
  g_assert_null (strstr (rows->str, "Bob"));
}

static void
test_failure (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(FlintRun) run = NULL;
  g_autofree char *log = NULL;
  g_autofree char *log_path = NULL;

  if (!need_spark ())
    return;

  run = submit (fixture, "data/customers.csv", "data/no-such-file.csv");
  wait_finished (run);

  g_assert_cmpint (flint_run_get_state (run), ==, FLINT_RUN_FAILED);
  /* Spark's own words, with the path. */
  g_assert_nonnull (strstr (flint_run_get_message (run), "PATH_NOT_FOUND"));
  g_assert_nonnull (strstr (flint_run_get_message (run), "no-such-file.csv"));
  log_path = g_build_filename (flint_run_get_run_dir (run), "stderr.log", NULL);
  g_assert_true (g_file_get_contents (log_path, &log, NULL, NULL));
  g_assert_nonnull (strstr (log, "Traceback"));
}

static void
test_cancel (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(FlintRun) run = NULL;
  g_autoptr(GError) error = NULL;
  gint64 deadline;
  pid_t pid;

  if (!need_spark ())
    return;

  run = submit (fixture, NULL, NULL);
  while (flint_run_get_state (run) != FLINT_RUN_RUNNING)
    g_main_context_iteration (NULL, TRUE);
  pid = (pid_t) json_object_get_int_member (flint_run_get_target_data (run), "pid");
  g_assert_cmpint (pid, >, 1);

  /* Let the JVM start, so there is a process tree to stop. */
  deadline = g_get_monotonic_time () + 3 * G_USEC_PER_SEC;
  while (g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, FALSE);

  g_assert_true (flint_runner_cancel (fixture->runner, flint_run_get_id (run), &error));
  g_assert_no_error (error);
  wait_finished (run);
  g_assert_cmpint (flint_run_get_state (run), ==, FLINT_RUN_CANCELLED);

  /* Nothing of the driver's group is left once the grace period is over. */
  deadline = g_get_monotonic_time () + 6 * G_USEC_PER_SEC;
  while (kill (-pid, 0) == 0 && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, FALSE);
  g_assert_cmpint (kill (-pid, 0), ==, -1);
  g_assert_cmpint (errno, ==, ESRCH);
}

static void
test_resume (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(FlintRun) run = NULL;
  g_autoptr(FlintRunStore) store2 = NULL;
  g_autoptr(FlintRunner) runner2 = NULL;
  g_autoptr(FlintRun) final = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) rows = g_string_new (NULL);
  g_autofree char *launches = NULL;
  g_autofree char *launches_path = NULL;
  g_autofree char *id = NULL;

  if (!need_spark ())
    return;

  run = submit (fixture, NULL, NULL);
  id = g_strdup (flint_run_get_id (run));
  while (flint_run_get_state (run) != FLINT_RUN_RUNNING)
    g_main_context_iteration (NULL, TRUE);

  /* Flint "dies" with the driver running. */
  g_clear_object (&fixture->runner);
  g_clear_object (&run);

  store2 = flint_run_store_new (NULL, &error);
  g_assert_no_error (error);
  runner2 = make_runner (store2);
  g_assert_cmpuint (flint_runner_resume (runner2), ==, 1);
  run = g_object_ref (flint_runner_lookup (runner2, id));
  wait_finished (run);

  final = flint_run_store_lookup (store2, id, NULL);
  g_assert_cmpint (flint_run_get_state (final), ==, FLINT_RUN_SUCCEEDED);
  g_assert_cmpuint (flint_run_get_attempt (final), ==, 1);
  g_assert_cmpuint (count_output_rows (fixture, rows), ==, 3);

  /* Followed again, never started again. */
  launches_path = g_build_filename (flint_run_get_run_dir (final), "launches", NULL);
  g_assert_true (g_file_get_contents (launches_path, &launches, NULL, NULL));
  g_assert_cmpuint (strlen (launches) - strlen (strchr (launches, '\n') + 1), >, 0);
  g_assert_null (strchr (strchr (launches, '\n') + 1, '\n'));
}

int
main (int   argc,
      char *argv[])
{
  /* Isolated dirs hide the system's GSettings schemas, which the GNOME proxy module reads. */
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/runtime/local/success", test_success);
  ADD ("/runtime/local/failure", test_failure);
  ADD ("/runtime/local/cancel", test_cancel);
  ADD ("/runtime/local/resume", test_resume);
#undef ADD

  return g_test_run ();
}
