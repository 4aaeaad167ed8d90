/* test-connect.c: the Spark Connect target against a real Spark Connect server
 *
 * The server is pip pyspark's own (FLINT_PYTHON, from tests/e2e/toolchain.sh): its
 * spark-submit runs SparkConnectServer on a free port, in a directory that holds the
 * pipeline's data, because a Connect server reads and writes paths as it sees them.
 * It starts once for the whole program and is stopped at the end.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "flint-test"

#include "config.h"

#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "flint-connect-target.h"
#include "flint-runtime.h"

static char        *project;     /* the server's working directory: data/, out/ */
static GSubprocess *server;
static guint        grpc_port;
static guint        ui_port;
static char        *server_problem;

static guint
free_port (void)
{
  g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;

  g_assert_true (g_socket_bind (socket, address, FALSE, NULL));
  bound = g_socket_get_local_address (socket, NULL);
  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

static gboolean
listening (guint port)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) connection = g_socket_client_connect_to_host (client, "127.0.0.1", port, NULL, NULL);

  return connection != NULL;
}

/* Running, and not a zombie waiting to be reaped. */
static gboolean
process_alive (GSubprocess *process)
{
  const char *id = g_subprocess_get_identifier (process);
  g_autofree char *stat_path = NULL;
  g_autofree char *stat = NULL;
  const char *p;

  if (id == NULL || kill (atoi (id), 0) != 0)
    return FALSE;
  stat_path = g_strdup_printf ("/proc/%s/stat", id);
  if (g_file_get_contents (stat_path, &stat, NULL, NULL) && (p = strrchr (stat, ')')) != NULL && p[2] == 'Z')
    return FALSE;
  return TRUE;
}

static void
server_setup (gpointer user_data)
{
  setsid ();
  /* A test that aborts takes the server with it. */
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

/* Starts the server; on failure, server_problem says why and every test fails with it. */
static void
start_server (void)
{
  const char *python = g_getenv ("FLINT_PYTHON");
  const char *argv_find[] = { python, "-c", "import os, pyspark; print(os.path.dirname(pyspark.__file__))", NULL };
  g_autofree char *pyspark = NULL;
  g_autofree char *submit = NULL;
  g_autofree char *port_conf = NULL;
  g_autofree char *ui_conf = NULL;
  g_autofree char *log = NULL;
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  g_autoptr(GError) error = NULL;
  gint64 deadline;
  int status = 0;

  if (!g_spawn_sync (NULL, (char **) argv_find, NULL, G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, &pyspark, NULL, &status, &error) ||
      !g_spawn_check_wait_status (status, NULL))
    {
      server_problem = g_strdup_printf ("%s cannot import pyspark", python);
      return;
    }
  submit = g_build_filename (g_strstrip (pyspark), "bin", "spark-submit", NULL);
  grpc_port = free_port ();
  ui_port = free_port ();
  port_conf = g_strdup_printf ("spark.connect.grpc.binding.port=%u", grpc_port);
  ui_conf = g_strdup_printf ("spark.ui.port=%u", ui_port);
  log = g_build_filename (project, "server.log", NULL);

  g_subprocess_launcher_set_cwd (launcher, project);
  g_subprocess_launcher_set_child_setup (launcher, server_setup, NULL, NULL);
  g_subprocess_launcher_set_stdout_file_path (launcher, log);
  g_subprocess_launcher_set_stderr_file_path (launcher, log);
  g_subprocess_launcher_setenv (launcher, "PYSPARK_PYTHON", python, TRUE);
  server = g_subprocess_launcher_spawn (launcher, &error, submit, "--master", "local[2]",
                                        "--class", "org.apache.spark.sql.connect.service.SparkConnectServer",
                                        "--conf", port_conf, "--conf", ui_conf,
                                        "--conf", "spark.sql.shuffle.partitions=2",
                                        "--conf", "spark.ui.showConsoleProgress=false",
                                        NULL);
  if (server == NULL)
    {
      server_problem = g_strdup (error->message);
      return;
    }

  deadline = g_get_monotonic_time () + 180 * G_USEC_PER_SEC;
  while (!listening (grpc_port))
    {
      if (g_get_monotonic_time () > deadline || !process_alive (server))
        {
          server_problem = g_strdup_printf ("the Spark Connect server did not start: see %s", log);
          return;
        }
      g_usleep (200 * 1000);
    }
}

static void
stop_server (void)
{
  gint64 deadline;
  pid_t pid;

  if (server == NULL)
    return;
  pid = (pid_t) atoi (g_subprocess_get_identifier (server) ? g_subprocess_get_identifier (server) : "0");
  /* The whole group: spark-submit's JVM and its Python workers. */
  if (pid > 1)
    kill (-pid, SIGTERM);
  deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  while (process_alive (server) && g_get_monotonic_time () < deadline)
    g_usleep (50 * 1000);
  if (pid > 1)
    kill (-pid, SIGKILL);
  g_subprocess_wait (server, NULL, NULL);
  g_clear_object (&server);
}

static gboolean
need_server (void)
{
  if (g_getenv ("FLINT_PYTHON") == NULL)
    {
      g_test_skip ("FLINT_PYTHON is not set (./flint-dev test sets it)");
      return FALSE;
    }
  if (server == NULL && server_problem == NULL)
    start_server ();
  if (server_problem != NULL)
    g_error ("%s", server_problem);
  return TRUE;
}

typedef struct
{
  char          *pipeline_path;
  FlintRunStore *store;
  FlintRunner   *runner;
  guint          started_seen;   /* node-progress with the sink started, not done */
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->pipeline_path = g_build_filename (project, "small-join.flint.yaml", NULL);
  fixture->store = flint_run_store_new (NULL, &error);
  g_assert_no_error (error);
  fixture->runner = flint_runner_new (fixture->store);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_clear_object (&fixture->runner);
  g_clear_object (&fixture->store);
  g_free (fixture->pipeline_path);
}

/* Writes the pipeline with a Spark Connect target at @url and one edit, and submits it there. */
static FlintRun *
submit (Fixture    *fixture,
        const char *url,
        const char *replace,
        const char *with)
{
  g_autofree char *source = g_test_build_filename (G_TEST_DIST, "runtime", "data", "small-join.flint.yaml", NULL);
  g_autofree char *text = NULL;
  g_autofree char *target = NULL;
  g_autoptr(GString) edited = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(FlintPipeline) pipeline = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) config = json_object_new ();
  g_autoptr(FlintTarget) configured = NULL;
  FlintRun *run;

  g_assert_true (g_file_get_contents (source, &text, NULL, NULL));
  edited = g_string_new (text);
  target = g_strdup_printf ("    local: {kind: local, master: \"local[1]\"}\n"
                            "    connect: {kind: spark_connect, url: \"%s\"}\n", url);
  g_assert_cmpuint (g_string_replace (edited, "    local: {kind: local, master: \"local[1]\"}\n", target, 1), ==, 1);
  if (replace != NULL)
    g_assert_cmpuint (g_string_replace (edited, replace, with, 1), ==, 1);
  g_assert_true (g_file_set_contents (fixture->pipeline_path, edited->str, -1, NULL));

  /* The target as the pipeline configures it, looking more often than by default. */
  json_object_set_string_member (config, "kind", "spark_connect");
  json_object_set_string_member (config, "url", url);
  configured = flint_target_new_for_config ("connect", config, &error);
  g_assert_no_error (error);
  flint_connect_target_set_poll_interval (FLINT_CONNECT_TARGET (configured), 200);
  flint_runner_add_target (fixture->runner, configured);

  file = g_file_new_for_path (fixture->pipeline_path);
  pipeline = flint_pipeline_load_from_file (flint_catalog_get_default (), file, NULL, &error);
  g_assert_no_error (error);
  run = flint_runner_submit_pipeline (fixture->runner, pipeline, fixture->pipeline_path, "connect", NULL,
                                      FLINT_RUN_PRIORITY_NORMAL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (run);
  return g_object_ref (run);
}

static char *
server_url (void)
{
  return g_strdup_printf ("sc://127.0.0.1:%u", grpc_port);
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
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static void
progressed (FlintRun   *run,
            const char *node_id,
            guint       done,
            guint       total,
            Fixture    *fixture)
{
  const FlintNodeProgress *p = flint_run_lookup_progress (run, node_id);

  if (g_str_equal (node_id, "orders_by_country") && p != NULL && p->jobs_total == 1 && p->jobs_done == 0)
    fixture->started_seen++;
}

static char *
run_log (FlintRun   *run,
         const char *name)
{
  g_autofree char *path = g_build_filename (flint_run_get_run_dir (run), name, NULL);
  char *text = NULL;

  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  return text;
}

/* The server's own REST API: did it run a job tagged for @node_id? */
static gboolean
server_saw_tag (const char *node_id)
{
  g_autoptr(GProxyResolver) direct = g_simple_proxy_resolver_new (NULL, NULL);
  g_autoptr(SoupSession) session = soup_session_new_with_options ("proxy-resolver", direct, NULL);
  g_autofree char *apps_url = g_strdup_printf ("http://127.0.0.1:%u/api/v1/applications", ui_port);
  g_autoptr(SoupMessage) apps = soup_message_new (SOUP_METHOD_GET, apps_url);
  g_autoptr(GBytes) apps_body = soup_session_send_and_read (session, apps, NULL, NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *jobs_url = NULL;
  g_autoptr(SoupMessage) jobs = NULL;
  g_autoptr(GBytes) jobs_body = NULL;
  g_autofree char *suffix = g_strdup_printf ("_Tag_flint:%s", node_id);
  JsonArray *array;

  g_assert_nonnull (apps_body);
  g_assert_true (json_parser_load_from_data (parser, g_bytes_get_data (apps_body, NULL), g_bytes_get_size (apps_body), NULL));
  array = json_node_get_array (json_parser_get_root (parser));
  jobs_url = g_strdup_printf ("%s/%s/jobs", apps_url,
                              json_object_get_string_member (json_array_get_object_element (array, 0), "id"));
  jobs = soup_message_new (SOUP_METHOD_GET, jobs_url);
  jobs_body = soup_session_send_and_read (session, jobs, NULL, NULL);
  g_assert_nonnull (jobs_body);
  g_assert_true (json_parser_load_from_data (parser, g_bytes_get_data (jobs_body, NULL), g_bytes_get_size (jobs_body), NULL));
  array = json_node_get_array (json_parser_get_root (parser));
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonArray *tags = json_object_get_array_member (json_array_get_object_element (array, i), "jobTags");

      for (guint t = 0; tags != NULL && t < json_array_get_length (tags); t++)
        if (g_str_has_suffix (json_array_get_string_element (tags, t), suffix))
          return TRUE;
    }
  return FALSE;
}

static void
test_success (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(FlintRun) run = NULL;
  g_autoptr(FlintRun) stored = NULL;
  g_autofree char *url = NULL;
  g_autofree char *out = NULL;
  g_autofree char *stdout_log = NULL;
  g_autoptr(GDir) dir = NULL;
  g_autoptr(GString) rows = g_string_new (NULL);
  const FlintNodeProgress *p;
  const char *name;
  guint n = 0;

  if (!need_server ())
    return;
  url = server_url ();
  run = submit (fixture, url, NULL, NULL);
  g_signal_connect (run, "node-progress", G_CALLBACK (progressed), fixture);
  wait_finished (run);

  g_assert_cmpstr (flint_run_get_message (run), ==, NULL);
  g_assert_cmpint (flint_run_get_state (run), ==, FLINT_RUN_SUCCEEDED);
  g_assert_cmpstr (flint_run_get_ui_url (run), ==, "http://127.0.0.1:4040");

  /* The sink was seen running, then done, and the store has it. */
  g_assert_cmpuint (fixture->started_seen, >, 0);
  stored = flint_run_store_lookup (fixture->store, flint_run_get_id (run), NULL);
  g_assert_cmpint (flint_run_get_state (stored), ==, FLINT_RUN_SUCCEEDED);
  p = flint_run_lookup_progress (stored, "orders_by_country");
  g_assert_nonnull (p);
  g_assert_cmpuint (p->jobs_total, ==, 1);
  g_assert_cmpuint (p->jobs_done, ==, 1);
  g_assert_cmpstr (p->label, ==, "Orders by country");
  g_assert_cmpfloat (flint_node_progress_get_fraction (p), ==, 1.0);

  /* The server ran it under the node's tag (its Spark UI shows it). */
  g_assert_true (server_saw_tag ("orders_by_country"));
  stdout_log = run_log (run, "stdout.log");
  g_assert_nonnull (strstr (stdout_log, "FLINT-EVENT {\"node\": \"orders_by_country\""));

  /* The server wrote the rows: orders of adults only (Bob, 17, is filtered out). */
  out = g_build_filename (project, "out", "orders_by_country", NULL);
  dir = g_dir_open (out, 0, NULL);
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
      for (guint i = 1; lines[i] != NULL; i++)
        {
          g_string_append_printf (rows, "%s\n", lines[i]);
          n++;
        }
    }
  g_assert_cmpuint (n, ==, 3);
  g_assert_nonnull (strstr (rows->str, "10,1,5.50,Ann,34,FR"));
  g_assert_nonnull (strstr (rows->str, "13,3,1.00,Cid,51,DE"));
  g_assert_null (strstr (rows->str, "Bob"));
}

static void
test_failure (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(FlintRun) run = NULL;
  g_autofree char *url = NULL;
  const FlintNodeProgress *p;

  if (!need_server ())
    return;
  url = server_url ();
  run = submit (fixture, url, "data/customers.csv", "data/no-such-file.csv");
  wait_finished (run);

  /* The server's words, with the path as the server resolved it. */
  g_assert_cmpint (flint_run_get_state (run), ==, FLINT_RUN_FAILED);
  g_assert_true (g_str_has_prefix (flint_run_get_message (run), "AnalysisException: [PATH_NOT_FOUND] Path does not exist: file:"));
  g_assert_nonnull (strstr (flint_run_get_message (run), "/data/no-such-file.csv"));
  /* One line, without the JVM's stack. */
  g_assert_null (strchr (flint_run_get_message (run), '\n'));
  p = flint_run_lookup_progress (run, "orders_by_country");
  g_assert_nonnull (p);
  g_assert_cmpuint (p->jobs_failed, ==, 1);
  g_assert_cmpuint (p->jobs_done, ==, 0);
}

static void
test_cancel (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(FlintRun) run = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;
  g_autofree char *stdout_log = NULL;
  gint64 deadline;
  gint64 asked;

  if (!need_server ())
    return;
  url = server_url ();
  /* Every row of the filter sleeps a minute on the server. */
  run = submit (fixture, url, "condition: age >= 18",
                "condition: \"reflect('java.lang.Thread', 'sleep', cast(60000 as bigint)) IS NULL OR age >= 18\"");
  g_signal_connect (run, "node-progress", G_CALLBACK (progressed), fixture);

  deadline = g_get_monotonic_time () + 120 * G_USEC_PER_SEC;
  while (fixture->started_seen == 0)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_assert_false (flint_run_state_is_finished (flint_run_get_state (run)));
      g_main_context_iteration (NULL, TRUE);
    }
  /* Let the write reach the server's executors. */
  deadline = g_get_monotonic_time () + 2 * G_USEC_PER_SEC;
  while (g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, FALSE), g_usleep (10 * 1000);

  asked = g_get_monotonic_time ();
  g_assert_true (flint_runner_cancel (fixture->runner, flint_run_get_id (run), &error));
  g_assert_no_error (error);
  wait_finished (run);

  g_assert_cmpint (flint_run_get_state (run), ==, FLINT_RUN_CANCELLED);
  g_assert_cmpstr (flint_run_get_message (run), ==, "Cancelled");
  /* Well before the minute of sleep, and before the hard kill: the server interrupted it. */
  g_assert_cmpint (g_get_monotonic_time () - asked, <, 9 * G_USEC_PER_SEC);
  stdout_log = run_log (run, "stdout.log");
  g_assert_nonnull (strstr (stdout_log, "\"event\": \"interrupted\""));
  g_assert_null (strstr (stdout_log, "\"operations\": []"));
}

static void
test_unreachable (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(FlintRun) run = NULL;
  g_autofree char *url = NULL;
  g_autofree char *expected = NULL;

  if (g_getenv ("FLINT_PYTHON") == NULL)
    {
      g_test_skip ("FLINT_PYTHON is not set (./flint-dev test sets it)");
      return;
    }
  /* Nothing listens there. */
  url = g_strdup_printf ("sc://127.0.0.1:%u", free_port ());
  run = submit (fixture, url, NULL, NULL);
  wait_finished (run);

  g_assert_cmpint (flint_run_get_state (run), ==, FLINT_RUN_FAILED);
  expected = g_strdup_printf ("Cannot reach the Spark Connect server at %s: ", url);
  g_assert_true (g_str_has_prefix (flint_run_get_message (run), expected));
  g_assert_nonnull (strstr (flint_run_get_message (run), "refused"));
}

static void
test_config (void)
{
  struct { const char *json; const char *message; } bad[] = {
    { "{\"kind\": \"spark_connect\"}", "Target “c”: url is missing (sc://host:15002)" },
    { "{\"kind\": \"spark_connect\", \"url\": \"http://h:15002\"}",
      "Target “c”: “http://h:15002” is not a Spark Connect URL: it must look like sc://host:15002" },
    { "{\"kind\": \"spark_connect\", \"url\": \"sc://h:99999\"}",
      "Target “c”: “sc://h:99999” is not a Spark Connect URL: “99999” is not a port" },
    { "{\"kind\": \"spark_connect\", \"url\": \"sc://h:15002/;token=abc\"}",
      "Target “c”: the url must not hold the token; refer to it instead: token: env:NAME" },
    { "{\"kind\": \"spark_connect\", \"url\": \"sc://h\", \"token\": \"abc\"}",
      "Target “c”: token must be a reference to a secret, env:NAME" },
    { "{\"kind\": \"spark_connect\", \"url\": \"sc://h\", \"use_ssl\": \"yes\"}",
      "Target “c”: use_ssl must be true or false" },
  };
  g_autofree char *host = NULL;
  g_autofree char *params = NULL;
  guint port = 0;

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(JsonNode) node = json_from_string (bad[i].json, NULL);
      g_autoptr(GError) error = NULL;
      g_autoptr(FlintTarget) target = flint_target_new_for_config ("c", json_node_get_object (node), &error);

      g_assert_null (target);
      g_assert_error (error, FLINT_TARGET_ERROR, FLINT_TARGET_ERROR_CONFIG);
      g_assert_cmpstr (error->message, ==, bad[i].message);
    }

  g_assert_true (flint_connect_parse_url ("sc://spark.example.com/;use_ssl=true;user_id=ann", &host, &port, &params, NULL));
  g_assert_cmpstr (host, ==, "spark.example.com");
  g_assert_cmpuint (port, ==, 15002);
  g_assert_cmpstr (params, ==, "use_ssl=true;user_id=ann");
}

static void
setup_project (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *data_dir = NULL;
  g_autofree char *customers = NULL;
  g_autofree char *orders = NULL;

  project = g_dir_make_tmp ("flint-connect-XXXXXX", &error);
  g_assert_no_error (error);
  data_dir = g_build_filename (project, "data", NULL);
  g_assert_cmpint (g_mkdir (data_dir, 0700), ==, 0);
  customers = g_build_filename (data_dir, "customers.csv", NULL);
  orders = g_build_filename (data_dir, "orders.csv", NULL);
  g_assert_true (g_file_set_contents (customers, "customer_id,name,age,country\n1,Ann,34,FR\n2,Bob,17,DE\n3,Cid,51,DE\n", -1, NULL));
  g_assert_true (g_file_set_contents (orders, "order_id,customer_id,amount\n10,1,5.50\n11,2,7.00\n12,3,9.25\n13,3,1.00\n", -1, NULL));
}

int
main (int   argc,
      char *argv[])
{
  int status;

  /* Isolated dirs hide the system's GSettings schemas, which the GNOME proxy module reads. */
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  setup_project ();

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  g_test_add_func ("/runtime/connect/config", test_config);
  ADD ("/runtime/connect/unreachable", test_unreachable);
  ADD ("/runtime/connect/success", test_success);
  ADD ("/runtime/connect/failure", test_failure);
  ADD ("/runtime/connect/cancel", test_cancel);
#undef ADD

  status = g_test_run ();
  stop_server ();
  return status;
}
