/* test-databricks.c: the Databricks target against a stand-in workspace
 *
 * standin.py is a stand-in that follows the documented Databricks REST wire format; no
 * real workspace can exist here. It serves workspace/mkdirs and import, jobs runs/submit
 * (idempotent per token), runs/get, runs/get-output and runs/cancel with their documented
 * bodies and error bodies, and injects faults on request: 429 and 503 with Retry-After,
 * 500s, slow answers, connections dropped mid-answer, an expired token.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "flint-test"

#include "config.h"

#define _GNU_SOURCE 1

#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>

#include "flint-credentials.h"
#include "flint-databricks-target.h"
#include "flint-runtime.h"

#define GOOD_TOKEN "dapi-good"

typedef struct
{
  GSubprocess   *standin;
  guint          port;
  char          *host;
  char          *project;
  char          *pipeline_path;
  FlintRunStore *store;
  FlintRunner   *runner;
  SoupSession   *session;
  const char    *environment;   /* what submit () passes as --env */
} Fixture;

static const char pipeline_text[] =
  "flint: 1\n"
  "name: small-join\n"
  "job:\n"
  "  mode: batch\n"
  "  retries: 0\n"
  "  conf: {spark.sql.shuffle.partitions: \"8\"}\n"
  "  environments:\n"
  "    big: {conf: {spark.sql.shuffle.partitions: \"64\"}, targets: {dbx: {node_type: m5.2xlarge, workers: 5}}}\n"
  "  targets:\n"
  "    dbx: {kind: databricks, host: \"HOST\", workspace_path: /Workspace/Users/ci@example.com/flint, "
  "node_type: i3.xlarge, workers: 2}\n"
  "nodes:\n"
  "  - id: customers\n"
  "    kind: source.csv\n"
  "    label: Customers\n"
  "    params: {path: data/customers.csv, header: true}\n"
  "    schema:\n"
  "      - {name: customer_id, type: long}\n"
  "      - {name: age, type: int}\n"
  "  - id: adults\n"
  "    kind: transform.filter\n"
  "    params: {condition: age >= 18}\n"
  "  - id: out\n"
  "    kind: sink.csv\n"
  "    label: Adults out\n"
  "    params: {path: out/adults/, mode: overwrite, header: true}\n"
  "edges:\n"
  "  - {from: customers, to: adults}\n"
  "  - {from: adults, to: out}\n";

/* The stand-in's control API {{{ */

static JsonNode *
standin_call (Fixture    *fixture,
              const char *method,
              const char *path,
              const char *body)
{
  g_autofree char *url = g_strdup_printf ("%s%s", fixture->host, path);
  g_autoptr(SoupMessage) message = soup_message_new (method, url);
  g_autoptr(GBytes) answer = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();

  if (body != NULL)
    {
      g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));

      soup_message_set_request_body_from_bytes (message, "application/json", bytes);
    }
  answer = soup_session_send_and_read (fixture->session, message, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (message), ==, 200);
  g_assert_true (json_parser_load_from_data (parser, g_bytes_get_data (answer, NULL), g_bytes_get_size (answer), NULL));
  return json_node_copy (json_parser_get_root (parser));
}

static void
standin_config (Fixture    *fixture,
                const char *json)
{
  g_autoptr(JsonNode) ignored = standin_call (fixture, "POST", "/_standin/config", json);
}

static JsonObject *
standin_state (Fixture *fixture)
{
  g_autoptr(JsonNode) node = standin_call (fixture, "GET", "/_standin/state", NULL);

  return json_object_ref (json_node_get_object (node));
}

static gint64
count_for (JsonObject *state,
           const char *what,
           const char *token)
{
  return json_object_get_int_member_with_default (json_object_get_object_member (state, what), token, 0);
}

/* Requests of the log to @path with @status ("dropped" is a string), in order. */
static GPtrArray *
log_entries (JsonObject *state,
             const char *path)
{
  JsonArray *log = json_object_get_array_member (state, "log");
  GPtrArray *out = g_ptr_array_new ();

  for (guint i = 0; i < json_array_get_length (log); i++)
    {
      JsonObject *entry = json_array_get_object_element (log, i);

      if (g_str_has_prefix (json_object_get_string_member (entry, "path"), path))
        g_ptr_array_add (out, entry);
    }
  return out;
}

static gint64
entry_status (JsonObject *entry)
{
  JsonNode *status = json_object_get_member (entry, "status");

  return json_node_get_value_type (status) == G_TYPE_STRING ? -1 : json_node_get_int (status);
}

/* }}} */

static void
die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

static void
start_standin (Fixture *fixture)
{
  g_autofree char *script = g_test_build_filename (G_TEST_DIST, "databricks", "standin.py", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autofree char *line = NULL;

  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);

  /* The stand-in dies with the test, even when an assertion aborts it. */
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  fixture->standin = g_subprocess_launcher_spawn (launcher, &error, "python3", script, NULL);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (fixture->standin));
  line = g_data_input_stream_read_line (out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (line != NULL && g_str_has_prefix (line, "PORT "));
  fixture->port = (guint) atoi (line + 5);
  fixture->host = g_strdup_printf ("http://127.0.0.1:%u", fixture->port);
}

static FlintRunner *
make_runner (Fixture       *fixture,
             FlintRunStore *store)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) config = json_object_new ();
  g_autoptr(FlintTarget) target = NULL;
  FlintRunner *runner = flint_runner_new (store);

  json_object_set_string_member (config, "kind", "databricks");
  json_object_set_string_member (config, "host", fixture->host);
  json_object_set_string_member (config, "workspace_path", "/Workspace/Users/ci@example.com/flint");
  g_assert_cmpint (flint_target_lookup_kind ("databricks"), ==, FLINT_TYPE_DATABRICKS_TARGET);
  target = flint_target_new_for_config ("dbx", config, &error);
  g_assert_no_error (error);
  /* Fast looks and retries; a request that takes over a second times out. */
  flint_databricks_target_set_timing (FLINT_DATABRICKS_TARGET (target), 100, 400, 50, 1);
  flint_runner_add_target (runner, target);
  return runner;
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) text = g_string_new (pipeline_text);
  g_autoptr(GProxyResolver) direct = g_simple_proxy_resolver_new (NULL, NULL);
  g_autofree char *data_dir = NULL;

  fixture->session = soup_session_new_with_options ("proxy-resolver", direct, NULL);
  start_standin (fixture);

  fixture->project = g_dir_make_tmp ("flint-dbx-XXXXXX", &error);
  g_assert_no_error (error);
  data_dir = g_build_filename (fixture->project, "data", NULL);
  g_assert_cmpint (g_mkdir (data_dir, 0700), ==, 0);
  g_string_replace (text, "HOST", fixture->host, 1);
  fixture->pipeline_path = g_build_filename (fixture->project, "small-join.flint.yaml", NULL);
  g_assert_true (g_file_set_contents (fixture->pipeline_path, text->str, -1, NULL));

  g_setenv ("DATABRICKS_TOKEN", GOOD_TOKEN, TRUE);
  g_unsetenv ("DATABRICKS_HOST");
  g_unsetenv ("DATABRICKS_CONFIG_FILE");

  fixture->store = flint_run_store_new (NULL, &error);
  g_assert_no_error (error);
  fixture->runner = make_runner (fixture, fixture->store);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_clear_object (&fixture->runner);
  g_clear_object (&fixture->store);
  if (fixture->standin != NULL)
    {
      g_subprocess_force_exit (fixture->standin);
      g_subprocess_wait (fixture->standin, NULL, NULL);
    }
  g_clear_object (&fixture->standin);
  g_clear_object (&fixture->session);
  g_free (fixture->host);
  g_free (fixture->pipeline_path);
  g_free (fixture->project);
}

static FlintRun *
submit (Fixture     *fixture,
        FlintRunner *runner)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = g_file_new_for_path (fixture->pipeline_path);
  g_autoptr(FlintPipeline) pipeline = NULL;
  FlintRun *run;

  pipeline = flint_pipeline_load_from_file (flint_catalog_get_default (), file, NULL, &error);
  g_assert_no_error (error);
  run = flint_runner_submit_pipeline (runner, pipeline, fixture->pipeline_path, "dbx", fixture->environment,
                                      FLINT_RUN_PRIORITY_NORMAL, &error);
  g_assert_no_error (error);
  return g_object_ref (run);
}

static gboolean
give_up (gpointer user_data)
{
  g_error ("The run did not end in time");
  return G_SOURCE_REMOVE;
}

static void
wait_finished (FlintRun *run)
{
  guint id = g_timeout_add_seconds (60, give_up, NULL);

  while (!flint_run_state_is_finished (flint_run_get_state (run)))
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (id);
}

static void
iterate_for (guint msec)
{
  gint64 end = g_get_monotonic_time () + msec * 1000;

  while (g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE), g_usleep (5000);
}

static char *
token_of (FlintRun *run)
{
  return flint_databricks_idempotency_token (run);
}

/* The whole way, through every fault the API documents a client must survive. */
static void
test_faults (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(FlintRun) run = NULL;
  g_autoptr(FlintRun) stored = NULL;
  g_autoptr(JsonObject) state = NULL;
  g_autoptr(GPtrArray) imports = NULL;
  g_autoptr(GPtrArray) gets = NULL;
  g_autoptr(GPtrArray) submits = NULL;
  g_autofree char *token = NULL;
  g_autofree char *program = NULL;
  g_autofree char *expected_url = NULL;
  const char *workspace_file;
  JsonObject *file, *body;
  gboolean saw_429 = FALSE;
  gboolean saw_503 = FALSE;

  standin_config (fixture,
                  "{\"pending_s\": 0.6, \"running_s\": 4, \"faults\": ["
                  " {\"path\": \"/api/2.0/workspace/import\", \"kind\": \"500\", \"count\": 2},"
                  " {\"path\": \"/api/2.2/jobs/runs/submit\", \"kind\": \"drop\", \"count\": 1},"
                  " {\"path\": \"/api/2.2/jobs/runs/get\", \"kind\": \"429\", \"count\": 1, \"retry_after\": 1},"
                  " {\"path\": \"/api/2.2/jobs/runs/get\", \"kind\": \"503\", \"count\": 1, \"retry_after\": 1},"
                  " {\"path\": \"/api/2.2/jobs/runs/get\", \"kind\": \"slow\", \"count\": 1, \"delay_s\": 2.5}"
                  "]}");

  run = submit (fixture, fixture->runner);
  wait_finished (run);

  stored = flint_run_store_lookup (fixture->store, flint_run_get_id (run), NULL);
  g_assert_cmpstr (flint_run_get_message (stored), ==, NULL);
  g_assert_cmpstr (flint_run_state_to_string (flint_run_get_state (stored)), ==, "succeeded");
  g_assert_null (flint_run_get_message (stored));
  expected_url = g_strdup_printf ("%s/?o=1234567890123456#job/11223344/run/%s", fixture->host, flint_run_get_external_id (stored));
  g_assert_cmpstr (flint_run_get_ui_url (stored), ==, expected_url);

  state = standin_state (fixture);
  token = token_of (run);
  /* The dropped answer was retried with the same token: two submits, one run. */
  g_assert_cmpint (count_for (state, "submits", token), ==, 2);
  g_assert_cmpint (count_for (state, "created", token), ==, 1);
  g_assert_cmpuint (json_object_get_size (json_object_get_object_member (state, "runs")), ==, 1);

  /* The uploaded file is the run's program, as a workspace file, and the submit runs it. */
  workspace_file = json_object_get_string_member (flint_run_get_target_data (stored), "workspace_file");
  g_assert_true (g_str_has_prefix (workspace_file, "/Workspace/Users/ci@example.com/flint/runs/"));
  file = json_object_get_object_member (json_object_get_object_member (state, "files"), workspace_file);
  g_assert_nonnull (file);
  g_assert_cmpstr (json_object_get_string_member (file, "kind"), ==, "FILE");
  g_assert_true (g_file_get_contents (flint_run_get_program_file (stored), &program, NULL, NULL));
  g_assert_cmpstr (json_object_get_string_member (file, "text"), ==, program);
  body = json_object_get_object_member (json_object_get_object_member (json_object_get_object_member (state, "runs"),
                                                                       flint_run_get_external_id (stored)), "body");
  g_assert_cmpstr (json_object_get_string_member (body, "idempotency_token"), ==, token);
  {
    JsonObject *task = json_array_get_object_element (json_object_get_array_member (body, "tasks"), 0);
    JsonObject *cluster = json_object_get_object_member (task, "new_cluster");

    /* The export engine's request: the target's cluster settings are in it. */
    g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (task, "spark_python_task"), "python_file"),
                     ==, workspace_file);
    g_assert_cmpstr (json_object_get_string_member (cluster, "node_type_id"), ==, "i3.xlarge");
  }

  /* 500s retried; 429 and 503 waited for their Retry-After (1 s) before the next try. */
  imports = log_entries (state, "/api/2.0/workspace/import");
  g_assert_cmpuint (imports->len, ==, 3);
  g_assert_cmpint (entry_status (g_ptr_array_index (imports, 0)), ==, 500);
  g_assert_cmpint (entry_status (g_ptr_array_index (imports, 2)), ==, 200);
  submits = log_entries (state, "/api/2.2/jobs/runs/submit");
  g_assert_cmpint (entry_status (g_ptr_array_index (submits, 0)), ==, -1);
  gets = log_entries (state, "/api/2.2/jobs/runs/get?");
  for (guint i = 0; i + 1 < gets->len; i++)
    {
      gint64 status = entry_status (g_ptr_array_index (gets, i));
      double gap = json_object_get_double_member (g_ptr_array_index (gets, i + 1), "t") -
                   json_object_get_double_member (g_ptr_array_index (gets, i), "t");

      if (status == 429 || status == 503)
        {
          g_assert_cmpfloat (gap, >=, 0.95);
          saw_429 |= status == 429;
          saw_503 |= status == 503;
        }
    }
  g_assert_true (saw_429 && saw_503);
  /* The slow answer timed out (1 s) and was asked again; the run still ended. */
  g_assert_cmpint (json_object_get_int_member (flint_run_get_target_data (stored), "polls"), >=, 3);
  g_assert_cmpstr (json_object_get_string_member (flint_run_get_target_data (stored), "result_state"), ==, "SUCCESS");
}

/* Submitted with --env big: the request is the one `flint-cli export --env big` writes,
 * and the environment is kept with the run. */
static void
test_environment (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(FlintRun) run = NULL;
  g_autoptr(FlintRun) stored = NULL;
  g_autoptr(JsonObject) state = NULL;
  g_autoptr(JsonNode) json = NULL;
  JsonObject *body, *cluster;

  standin_config (fixture, "{\"pending_s\": 0.2, \"running_s\": 0.4}");
  fixture->environment = "big";
  run = submit (fixture, fixture->runner);
  wait_finished (run);

  stored = flint_run_store_lookup (fixture->store, flint_run_get_id (run), NULL);
  g_assert_cmpint (flint_run_get_state (stored), ==, FLINT_RUN_SUCCEEDED);
  g_assert_cmpstr (flint_run_get_environment (stored), ==, "big");
  json = flint_run_to_json (stored);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (json), "environment"), ==, "big");

  state = standin_state (fixture);
  body = json_object_get_object_member (json_object_get_object_member (json_object_get_object_member (state, "runs"),
                                                                       flint_run_get_external_id (stored)), "body");
  cluster = json_object_get_object_member (json_array_get_object_element (json_object_get_array_member (body, "tasks"), 0),
                                           "new_cluster");
  g_assert_cmpstr (json_object_get_string_member (cluster, "node_type_id"), ==, "m5.2xlarge");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (cluster, "spark_conf"),
                                                  "spark.sql.shuffle.partitions"), ==, "64");
  g_assert_cmpint (json_object_get_int_member (cluster, "num_workers"), ==, 5);
  g_assert_cmpstr (json_object_get_string_member (body, "run_name"), ==, "small-join (big)");
}

static void
test_failure (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(FlintRun) run = NULL;
  g_autoptr(FlintRun) stored = NULL;

  standin_config (fixture, "{\"pending_s\": 0.2, \"running_s\": 0.4, \"result\": \"FAILED\", "
                           "\"error\": \"ModuleNotFoundError: No module named 'foo'\"}");
  run = submit (fixture, fixture->runner);
  wait_finished (run);

  stored = flint_run_store_lookup (fixture->store, flint_run_get_id (run), NULL);
  g_assert_cmpint (flint_run_get_state (stored), ==, FLINT_RUN_FAILED);
  g_assert_cmpstr (flint_run_get_message (stored), ==, "ModuleNotFoundError: No module named 'foo'");
  g_assert_cmpstr (json_object_get_string_member (flint_run_get_target_data (stored), "result_state"), ==, "FAILED");
}

static void
read_done (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static void
test_logs (Fixture       *fixture,
           gconstpointer  data)
{
  g_autoptr(FlintRun) run = NULL;
  g_autoptr(FlintRun) stored = NULL;
  g_autoptr(GBytes) err = NULL;
  g_autoptr(GBytes) out = NULL;
  g_autoptr(GError) error = NULL;
  GAsyncResult *result = NULL;
  FlintTarget *target;
  guint64 next = 0;

  standin_config (fixture, "{\"pending_s\": 0.1, \"running_s\": 0.3, \"result\": \"FAILED\", "
                           "\"error\": \"ValueError: bad row\"}");
  run = submit (fixture, fixture->runner);
  wait_finished (run);
  stored = flint_run_store_lookup (fixture->store, flint_run_get_id (run), NULL);
  target = flint_runner_get_target (fixture->runner, stored, &error);
  g_assert_no_error (error);

  flint_target_read_logs_async (target, stored, FLINT_LOG_STDERR, 0, NULL, read_done, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  err = flint_target_read_logs_finish (target, result, &next, &error);
  g_clear_object (&result);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (g_bytes_get_data (err, NULL), "Traceback (most recent call last):"));
  g_assert_nonnull (strstr (g_bytes_get_data (err, NULL), "ValueError: bad row"));
  g_assert_cmpuint (next, ==, g_bytes_get_size (err));

  flint_target_read_logs_async (target, stored, FLINT_LOG_STDOUT, 0, NULL, read_done, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  out = flint_target_read_logs_finish (target, result, &next, &error);
  g_clear_object (&result);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (g_bytes_get_data (out, NULL), "flint stand-in: running /Workspace/Users/ci@example.com/flint/runs/"));
}

static void
test_cancel (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(FlintRun) run = NULL;
  g_autoptr(FlintRun) stored = NULL;
  g_autoptr(JsonObject) state = NULL;
  g_autoptr(GError) error = NULL;

  standin_config (fixture, "{\"pending_s\": 0.1, \"running_s\": 60}");
  run = submit (fixture, fixture->runner);
  while (g_strcmp0 (json_object_get_string_member_with_default (flint_run_get_target_data (run), "life_cycle_state", ""),
                    "RUNNING") != 0)
    g_main_context_iteration (NULL, TRUE);

  g_assert_true (flint_runner_cancel (fixture->runner, flint_run_get_id (run), &error));
  g_assert_no_error (error);
  wait_finished (run);

  stored = flint_run_store_lookup (fixture->store, flint_run_get_id (run), NULL);
  g_assert_cmpint (flint_run_get_state (stored), ==, FLINT_RUN_CANCELLED);
  state = standin_state (fixture);
  g_assert_true (json_object_get_boolean_member (
    json_object_get_object_member (json_object_get_object_member (state, "runs"), flint_run_get_external_id (stored)),
    "cancelled"));
}

static gboolean
file_contains (const char *path,
               const char *needle)
{
  g_autofree char *contents = NULL;
  gsize length = 0;

  if (!g_file_get_contents (path, &contents, &length, NULL))
    return FALSE;
  return memmem (contents, length, needle, strlen (needle)) != NULL;
}

static void
test_expired_token (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(FlintRun) run = NULL;
  g_autoptr(FlintRun) stored = NULL;
  g_autoptr(JsonObject) state = NULL;
  g_autofree char *db = NULL;
  const char *message;

  g_setenv ("DATABRICKS_TOKEN", "dapi-expired-0123456789", TRUE);
  run = submit (fixture, fixture->runner);
  wait_finished (run);

  stored = flint_run_store_lookup (fixture->store, flint_run_get_id (run), NULL);
  g_assert_cmpint (flint_run_get_state (stored), ==, FLINT_RUN_FAILED);
  message = flint_run_get_message (stored);
  g_test_message ("%s", message);
  g_assert_nonnull (strstr (message, "Databricks refused the token of"));
  g_assert_nonnull (strstr (message, fixture->host));
  g_assert_nonnull (strstr (message, "Invalid access token."));
  g_assert_nonnull (strstr (message, "expired"));
  g_assert_nonnull (strstr (message, "DATABRICKS_TOKEN"));
  /* Tried once: a refused token is not retried. */
  state = standin_state (fixture);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (state, "log")), ==, 1);

  /* The token is nowhere Flint writes. */
  g_assert_null (strstr (message, "dapi-expired"));
  db = g_strdup (flint_run_store_get_path (fixture->store));
  g_assert_false (file_contains (db, "dapi-expired"));
  {
    g_autofree char *wal = g_strconcat (db, "-wal", NULL);

    g_assert_false (file_contains (wal, "dapi-expired"));
  }
}

static void
test_profiles (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FlintDatabricksAuth) auth = NULL;
  g_autofree char *cfg = g_build_filename (fixture->project, "databrickscfg", NULL);
  g_autofree char *text = g_strdup_printf ("; comment\n[DEFAULT]\nhost = https://dbc-default.cloud.databricks.com/\n"
                                           "token = dapi-default\n\n[prod]\nhost=%s\ntoken=%s\n"
                                           "[notoken]\nhost = https://adb-1.azuredatabricks.net\n",
                                           fixture->host, GOOD_TOKEN);
  g_autoptr(FlintRun) run = NULL;
  g_autoptr(FlintRun) stored = NULL;
  g_autoptr(JsonObject) config = json_object_new ();
  g_autoptr(FlintTarget) target = NULL;
  g_autoptr(FlintRunner) runner = NULL;

  g_assert_true (g_file_set_contents (cfg, text, -1, NULL));
  g_setenv ("DATABRICKS_CONFIG_FILE", cfg, TRUE);
  g_unsetenv ("DATABRICKS_TOKEN");

  auth = flint_databricks_auth_resolve (NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (auth->host, ==, "https://dbc-default.cloud.databricks.com");
  g_assert_cmpstr (auth->token, ==, "dapi-default");
  g_assert_cmpstr (auth->profile, ==, "DEFAULT");
  g_clear_pointer (&auth, flint_databricks_auth_free);

  auth = flint_databricks_auth_resolve ("missing", NULL, NULL, &error);
  g_assert_error (error, FLINT_CREDENTIALS_ERROR, FLINT_CREDENTIALS_ERROR_NO_PROFILE);
  g_assert_nonnull (strstr (error->message, "“missing”"));
  g_clear_error (&error);

  /* No token in the profile and no keyring here: the message says where to put one. */
  auth = flint_databricks_auth_resolve ("notoken", NULL, NULL, &error);
  g_assert_error (error, FLINT_CREDENTIALS_ERROR, FLINT_CREDENTIALS_ERROR_NO_TOKEN);
  g_assert_nonnull (strstr (error->message, "https://adb-1.azuredatabricks.net"));
  g_assert_nonnull (strstr (error->message, "“notoken”"));
  g_clear_error (&error);

  /* The environment wins over DEFAULT. */
  g_setenv ("DATABRICKS_HOST", "dbc-env.cloud.databricks.com", TRUE);
  g_setenv ("DATABRICKS_TOKEN", "dapi-env", TRUE);
  auth = flint_databricks_auth_resolve (NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (auth->host, ==, "https://dbc-env.cloud.databricks.com");
  g_assert_cmpstr (auth->token, ==, "dapi-env");
  g_clear_pointer (&auth, flint_databricks_auth_free);
  g_unsetenv ("DATABRICKS_HOST");
  g_unsetenv ("DATABRICKS_TOKEN");

  /* A run on the target with profile: prod. */
  runner = flint_runner_new (fixture->store);
  json_object_set_string_member (config, "kind", "databricks");
  json_object_set_string_member (config, "profile", "prod");
  target = flint_target_new_for_config ("dbx", config, &error);
  g_assert_no_error (error);
  flint_databricks_target_set_timing (FLINT_DATABRICKS_TARGET (target), 100, 400, 50, 5);
  flint_runner_add_target (runner, target);
  standin_config (fixture, "{\"pending_s\": 0.1, \"running_s\": 0.2}");
  run = submit (fixture, runner);
  wait_finished (run);
  stored = flint_run_store_lookup (fixture->store, flint_run_get_id (run), NULL);
  g_assert_cmpint (flint_run_get_state (stored), ==, FLINT_RUN_SUCCEEDED);
  g_assert_cmpstr (json_object_get_string_member (flint_run_get_target_data (stored), "profile"), ==, "prod");
  g_assert_false (json_object_has_member (flint_run_get_target_data (stored), "token"));

  /* A token never goes in the pipeline's settings. */
  json_object_set_string_member (config, "token", "dapi-oops");
  g_clear_object (&target);
  target = flint_target_new_for_config ("dbx", config, &error);
  g_assert_error (error, FLINT_TARGET_ERROR, FLINT_TARGET_ERROR_CONFIG);
  g_assert_null (strstr (error->message, "dapi-oops"));
}

/* The app killed during a run, and started again {{{ */

static GSubprocess *
spawn_child (Fixture    *fixture,
             const char *mode)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *port = g_strdup_printf ("%u", fixture->port);
  GSubprocess *child;

  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);

  /* The same run store and run directories as this test's (isolated) dirs. */
  g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", g_get_user_data_dir (), TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_CACHE_HOME", g_get_user_cache_dir (), TRUE);
  g_subprocess_launcher_setenv (launcher, "HOME", g_get_home_dir (), TRUE);
  child = g_subprocess_launcher_spawn (launcher, &error, "/proc/self/exe", "--flint-child", mode, port,
                                       fixture->pipeline_path, NULL);
  g_assert_no_error (error);
  return child;
}

/* Waits until the stand-in log has a request to @path (with status 200 when @ok). */
static void
wait_for_request (Fixture    *fixture,
                  const char *path,
                  guint       count)
{
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  while (g_get_monotonic_time () < deadline)
    {
      g_autoptr(JsonObject) state = standin_state (fixture);
      g_autoptr(GPtrArray) entries = log_entries (state, path);

      if (entries->len >= count)
        return;
      g_usleep (50000);
    }
  g_error ("No request to %s came", path);
}

static void
kill_child (GSubprocess *child)
{
  g_subprocess_send_signal (child, SIGKILL);
  g_subprocess_wait (child, NULL, NULL);
  g_assert_true (g_subprocess_get_if_signaled (child));
}

static FlintRun *
resume (Fixture        *fixture,
        FlintRunStore **store_out,
        FlintRunner   **runner_out)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) runs = NULL;
  FlintRunStore *store = flint_run_store_new (NULL, &error);
  FlintRunner *runner;
  FlintRun *run;

  g_assert_no_error (error);
  runs = flint_run_store_list_unfinished (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (runs->len, ==, 1);
  runner = make_runner (fixture, store);
  g_assert_cmpuint (flint_runner_resume (runner), ==, 1);
  run = flint_runner_lookup (runner, flint_run_get_id (g_ptr_array_index (runs, 0)));
  g_assert_nonnull (run);
  *store_out = store;
  *runner_out = runner;
  return g_object_ref (run);
}

static void
test_resume_running (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(GSubprocess) child = NULL;
  g_autoptr(FlintRunStore) store = NULL;
  g_autoptr(FlintRunner) runner = NULL;
  g_autoptr(FlintRun) run = NULL;
  g_autoptr(FlintRun) stored = NULL;
  g_autoptr(JsonObject) state = NULL;
  g_autofree char *token = NULL;

  standin_config (fixture, "{\"pending_s\": 0.3, \"running_s\": 2.5}");
  child = spawn_child (fixture, "submit");
  /* Killed while it follows the running run. */
  wait_for_request (fixture, "/api/2.2/jobs/runs/get?", 2);
  kill_child (child);

  run = resume (fixture, &store, &runner);
  g_assert_cmpint (flint_run_get_state (run), ==, FLINT_RUN_RUNNING);
  wait_finished (run);

  stored = flint_run_store_lookup (store, flint_run_get_id (run), NULL);
  g_assert_cmpint (flint_run_get_state (stored), ==, FLINT_RUN_SUCCEEDED);
  state = standin_state (fixture);
  token = token_of (stored);
  g_assert_cmpint (count_for (state, "submits", token), ==, 1);
  g_assert_cmpint (count_for (state, "created", token), ==, 1);
  g_assert_cmpuint (json_object_get_size (json_object_get_object_member (state, "runs")), ==, 1);
}

static void
test_resume_mid_submit (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(GSubprocess) child = NULL;
  g_autoptr(FlintRunStore) store = NULL;
  g_autoptr(FlintRunner) runner = NULL;
  g_autoptr(FlintRun) run = NULL;
  g_autoptr(FlintRun) stored = NULL;
  g_autoptr(JsonObject) state = NULL;
  g_autofree char *token = NULL;

  /* The submit is answered after the run exists; the app dies before it reads the answer. */
  standin_config (fixture, "{\"pending_s\": 0.2, \"running_s\": 0.5, \"faults\": ["
                           " {\"path\": \"/api/2.2/jobs/runs/submit\", \"kind\": \"drop\", \"count\": 1},"
                           " {\"path\": \"/api/2.2/jobs/runs/submit\", \"kind\": \"slow\", \"count\": 1, \"delay_s\": 30}]}");
  child = spawn_child (fixture, "submit-once");
  wait_for_request (fixture, "/api/2.2/jobs/runs/submit", 1);
  iterate_for (300);
  kill_child (child);

  run = resume (fixture, &store, &runner);
  g_assert_cmpint (flint_run_get_state (run), ==, FLINT_RUN_SUBMITTING);
  g_assert_null (flint_run_get_external_id (run));
  wait_finished (run);

  stored = flint_run_store_lookup (store, flint_run_get_id (run), NULL);
  g_assert_cmpint (flint_run_get_state (stored), ==, FLINT_RUN_SUCCEEDED);
  state = standin_state (fixture);
  token = token_of (stored);
  /* Submitted twice with one token (the dead app's, then the resumed one's): one run. */
  g_assert_cmpint (count_for (state, "submits", token), ==, 2);
  g_assert_cmpint (count_for (state, "created", token), ==, 1);
  g_assert_cmpuint (json_object_get_size (json_object_get_object_member (state, "runs")), ==, 1);
}

/* The child: an app that submits and follows until it is killed. */
static int
child_main (const char *mode,
            const char *port,
            const char *pipeline_path)
{
  Fixture fixture = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(FlintRun) run = NULL;

  fixture.port = (guint) atoi (port);
  fixture.host = g_strdup_printf ("http://127.0.0.1:%s", port);
  fixture.pipeline_path = g_strdup (pipeline_path);
  fixture.store = flint_run_store_new (NULL, &error);
  g_assert_no_error (error);
  fixture.runner = make_runner (&fixture, fixture.store);
  if (g_str_equal (mode, "submit-once"))
    {
      /* No retries after the dropped answer: the slow second try is where it dies. */
      FlintTarget *target = NULL;
      g_autoptr(FlintRun) probe = flint_run_new ("x", "dbx", "databricks");

      target = flint_runner_get_target (fixture.runner, probe, &error);
      g_assert_no_error (error);
      flint_databricks_target_set_timing (FLINT_DATABRICKS_TARGET (target), 100, 400, 50, 60);
    }
  run = submit (&fixture, fixture.runner);
  for (;;)
    g_main_context_iteration (NULL, TRUE);
  return 0;
}

/* }}} */

int
main (int   argc,
      char *argv[])
{
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  /* No keyring in tests: libsecret would wait for a D-Bus session that is not there. */
  g_setenv ("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/flint-test-bus", TRUE);

  if (argc == 5 && g_str_equal (argv[1], "--flint-child"))
    return child_main (argv[2], argv[3], argv[4]);

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/databricks/faults", test_faults);
  ADD ("/databricks/environment", test_environment);
  ADD ("/databricks/failure", test_failure);
  ADD ("/databricks/logs", test_logs);
  ADD ("/databricks/cancel", test_cancel);
  ADD ("/databricks/expired-token", test_expired_token);
  ADD ("/databricks/profiles", test_profiles);
  ADD ("/databricks/resume-running", test_resume_running);
  ADD ("/databricks/resume-mid-submit", test_resume_mid_submit);
#undef ADD

  return g_test_run ();
}
