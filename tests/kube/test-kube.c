/* test-kube.c: the Kubernetes target against a real kube-apiserver (run-kube-e2e.sh)
 *
 * Every test follows a run to its end and checks what a user would see (state, message,
 * UI link, logs, progress) and what the cluster holds: one SparkApplication per run, one
 * launch per application (controller.py records each), nothing left after a cancel.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "flint-kube-client.h"
#include "flint-kube-target.h"
#include "flint-runtime.h"

static const char *state_dir;
static char *project;
static char *pipeline_text;

/* Helpers {{{ */

static gboolean
timed_out (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

static gboolean
wait_for_state (FlintRun *run,
                gboolean  (*done) (FlintRun *run),
                guint     seconds)
{
  gboolean expired = FALSE;
  guint id = g_timeout_add_seconds (seconds, timed_out, &expired);

  while (!done (run) && !expired)
    g_main_context_iteration (NULL, TRUE);
  if (!expired)
    g_source_remove (id);
  return done (run);
}

/* Lets the main loop run for @msec (the watch request goes out after the list). */
static void
settle (guint msec)
{
  gboolean expired = FALSE;

  g_timeout_add (msec, timed_out, &expired);
  while (!expired)
    g_main_context_iteration (NULL, TRUE);
}

static gboolean
is_finished (FlintRun *run)
{
  return flint_run_state_is_finished (flint_run_get_state (run));
}

/* Says where a run stands when a wait fails. */
static gboolean
finishes (FlintRun *run,
          guint     seconds)
{
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *text = NULL;

  if (wait_for_state (run, is_finished, seconds))
    return TRUE;
  node = flint_run_to_json (run);
  text = json_to_string (node, TRUE);
  g_test_message ("the run did not finish in %u s: %s", seconds, text);
  g_clear_pointer (&node, json_node_unref);
  node = json_node_init_object (json_node_alloc (), flint_run_get_target_data (run));
  g_free (text);
  text = json_to_string (node, TRUE);
  g_test_message ("its target data: %s", text);
  return FALSE;
}

static gboolean
is_watching (FlintRun *run)
{
  return flint_run_get_state (run) == FLINT_RUN_RUNNING &&
         json_object_has_member (flint_run_get_target_data (run), "resource_version") &&
         json_object_has_member (flint_run_get_target_data (run), "driver_pod");
}

static char *
write_pipeline (const char *name,
                const char *mode,
                const char *seconds)
{
  g_autofree char *text = NULL;
  g_autofree char *path = NULL;
  g_autofree char *conf = g_strdup_printf ("conf: {spark.sql.shuffle.partitions: \"2\", spark.ui.showConsoleProgress: \"false\", "
                                           "spark.flint.test.mode: %s, spark.flint.test.seconds: \"%s\", "
                                           "spark.flint.test.workdir: \"%s\"}", mode, seconds, project);
  GString *s = g_string_new (pipeline_text);

  g_string_replace (s, "name: small-join", "name: kube-test", 1);
  g_string_replace (s, "conf: {spark.sql.shuffle.partitions: \"2\", spark.ui.showConsoleProgress: \"false\"}", conf, 1);
  g_string_replace (s, "  retries: 0\n",
                    /* A job timeout far beyond any test's run: enforced by the runner, it
                     * must leave the spec built from the target settings as it is. */
                    "  retries: 0\n  timeout_minutes: 30\n  executor: {instances: 1, memory: 1g}\n"
                    "  environments:\n    big: {executor: {instances: 3, memory: 3g}}\n", 1);
  g_string_replace (s, "    local: {kind: local, master: \"local[1]\"}",
                    "    k8s: {kind: kubernetes, namespace: spark-jobs, image: \"apache/spark:4.0.1\"}", 1);
  text = g_string_free (s, FALSE);
  path = g_strdup_printf ("%s/%s.flint.yaml", project, name);
  g_assert_true (g_file_set_contents (path, text, -1, NULL));
  return g_steal_pointer (&path);
}

static FlintKubeClient *
admin_client (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FlintKubeconfig) config = flint_kubeconfig_load (NULL, &error);
  g_autoptr(FlintKubeContext) context = NULL;
  FlintKubeClient *client;

  g_assert_no_error (error);
  context = flint_kubeconfig_resolve (config, NULL, &error);
  g_assert_no_error (error);
  client = flint_kube_client_new (context, &error);
  g_assert_no_error (error);
  return client;
}

static void
request_done (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  GError **out = user_data;
  JsonNode *node = flint_kube_client_request_finish (FLINT_KUBE_CLIENT (source), result, &out[1]);

  out[0] = (GError *) (node ? node : json_node_init_null (json_node_alloc ()));
}

/* GET @path as the admin; NULL with @error on an error answer. */
static JsonNode *
kube_get (const char  *path,
          GError     **error)
{
  g_autoptr(FlintKubeClient) client = admin_client ();
  GError *out[2] = { NULL, NULL };

  flint_kube_client_request_async (client, "GET", path, NULL, NULL, NULL, request_done, out);
  while (out[0] == NULL)
    g_main_context_iteration (NULL, TRUE);
  if (out[1] != NULL)
    {
      json_node_unref ((JsonNode *) out[0]);
      g_propagate_error (error, out[1]);
      return NULL;
    }
  return (JsonNode *) out[0];
}

static guint
apps_of_run (FlintRun *run)
{
  g_autofree char *path = g_strdup_printf ("/apis/sparkoperator.k8s.io/v1beta2/sparkapplications?labelSelector=flint.io%%2Frun-id%%3D%s",
                                           flint_run_get_id (run));
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) list = kube_get (path, &error);

  g_assert_no_error (error);
  return json_array_get_length (json_object_get_array_member (json_node_get_object (list), "items"));
}

/* How many times controller.py started the run's application. */
static guint
launches_of_run (FlintRun *run)
{
  g_autofree char *path = g_build_filename (state_dir, "launches", NULL);
  g_autofree char *text = NULL;
  g_autofree char *name = flint_kube_target_dup_app_name (run);
  g_autofree char *needle = g_strdup_printf ("spark-jobs/%s ", name);
  g_auto(GStrv) lines = NULL;
  guint n = 0;

  if (!g_file_get_contents (path, &text, NULL, NULL))
    return 0;
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    if (g_str_has_prefix (lines[i], needle))
      n++;
  return n;
}

static gint64
data_int (FlintRun   *run,
          const char *key)
{
  return json_object_get_int_member_with_default (flint_run_get_target_data (run), key, 0);
}

static FlintTarget *
make_target (const char *kubeconfig,
             guint       watch_timeout)
{
  g_autoptr(JsonObject) config = json_object_new ();
  g_autoptr(GError) error = NULL;
  FlintTarget *target;

  json_object_set_string_member (config, "kind", "kubernetes");
  json_object_set_string_member (config, "namespace", "spark-jobs");
  json_object_set_string_member (config, "image", "apache/spark:4.0.1");
  if (kubeconfig != NULL)
    json_object_set_string_member (config, "kubeconfig", kubeconfig);
  target = flint_target_new_for_config ("k8s", config, &error);
  g_assert_no_error (error);
  flint_kube_target_set_poll_interval (FLINT_KUBE_TARGET (target), 300);
  if (watch_timeout > 0)
    flint_kube_target_set_watch_timeout (FLINT_KUBE_TARGET (target), watch_timeout);
  return target;
}

static FlintRunner *
make_runner (FlintTarget *target)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FlintRunStore) store = flint_run_store_new (NULL, &error);
  FlintRunner *runner;

  g_assert_no_error (error);
  runner = flint_runner_new (store);
  if (target != NULL)
    flint_runner_add_target (runner, target);
  return runner;
}

static FlintRun *
submit_env (FlintRunner *runner,
            const char  *pipeline_path,
            const char  *environment)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = g_file_new_for_path (pipeline_path);
  g_autoptr(FlintPipeline) pipeline = flint_pipeline_load_from_file (flint_catalog_get_default (), file, NULL, &error);
  FlintRun *run;

  g_assert_no_error (error);
  run = flint_runner_submit_pipeline (runner, pipeline, pipeline_path, "k8s", environment, FLINT_RUN_PRIORITY_NORMAL, &error);
  g_assert_no_error (error);
  return g_object_ref (run);
}

static FlintRun *
submit (FlintRunner *runner,
        const char  *pipeline_path)
{
  return submit_env (runner, pipeline_path, NULL);
}

static void
ctl (const char *verb,
     const char *arg)
{
  g_autofree char *command = g_strdup_printf ("%s %s %s %s", g_getenv ("FLINT_KUBE_CTL"), verb, state_dir, arg ? arg : "");
  int status = 0;

  g_assert_true (g_spawn_command_line_sync (command, NULL, NULL, &status, NULL));
  g_assert_true (g_spawn_check_wait_status (status, NULL));
}

static void
logs_read (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  GBytes **out = user_data;
  g_autoptr(GError) error = NULL;

  *out = flint_target_read_logs_finish (FLINT_TARGET (source), result, NULL, &error);
  g_assert_no_error (error);
}

static char *
read_logs (FlintTarget *target,
           FlintRun    *run)
{
  GBytes *bytes = NULL;
  gsize size;
  const char *data;
  char *text;

  flint_target_read_logs_async (target, run, FLINT_LOG_STDOUT, 0, NULL, logs_read, &bytes);
  while (bytes == NULL)
    g_main_context_iteration (NULL, TRUE);
  data = g_bytes_get_data (bytes, &size);
  text = g_strndup (data ? data : "", size);
  g_bytes_unref (bytes);
  return text;
}

/* }}} */

/* A run that completes: what the user sees and what the cluster holds. */
static void
test_complete (void)
{
  g_autofree char *path = write_pipeline ("complete", "complete", "1");
  g_autoptr(FlintTarget) target = make_target (NULL, 0);
  g_autoptr(FlintRunner) runner = make_runner (target);
  g_autoptr(FlintRun) run = submit (runner, path);
  g_autofree char *name = flint_kube_target_dup_app_name (run);
  g_autofree char *ui = g_strdup_printf ("%s/api/v1/namespaces/spark-jobs/services/%s-ui-svc:4040/proxy/",
                                         g_getenv ("FLINT_KUBE_SERVER"), name);
  g_autofree char *cm_path = g_strdup_printf ("/api/v1/namespaces/spark-jobs/configmaps/%s-code", name);
  g_autofree char *app_path = g_strdup_printf ("/apis/sparkoperator.k8s.io/v1beta2/namespaces/spark-jobs/sparkapplications/%s", name);
  g_autofree char *program = NULL;
  g_autofree char *program_name = NULL;
  g_autofree char *logs = NULL;
  g_autofree char *last_line = g_strdup_printf ("flint-test-driver: %s exits with 0", name);
  g_autofree char *main_file = NULL;
  g_autofree char *external = g_strdup_printf ("spark-jobs/%s", name);
  g_autofree char *code_name = g_strdup_printf ("%s-code", name);
  g_autoptr(JsonNode) cm = NULL;
  g_autoptr(JsonNode) app = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *spec;

  g_assert_true (finishes (run, 60));
  g_assert_cmpstr (flint_run_state_to_string (flint_run_get_state (run)), ==, "succeeded");
  g_assert_null (flint_run_get_message (run));
  g_assert_cmpstr (flint_run_get_ui_url (run), ==, ui);
  g_assert_cmpstr (flint_run_get_external_id (run), ==, external);

  /* The ConfigMap holds exactly the program the runner wrote, under its file name. */
  g_assert_true (g_file_get_contents (flint_run_get_program_file (run), &program, NULL, NULL));
  program_name = g_path_get_basename (flint_run_get_program_file (run));
  cm = kube_get (cm_path, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (json_node_get_object (cm), "data"), program_name),
                   ==, program);

  /* The application is the export's, named for the run. */
  app = kube_get (app_path, &error);
  g_assert_no_error (error);
  spec = json_object_get_object_member (json_node_get_object (app), "spec");
  main_file = g_strdup_printf ("local:///opt/flint/job/%s", program_name);
  g_assert_cmpstr (json_object_get_string_member (spec, "mainApplicationFile"), ==, main_file);
  g_assert_cmpstr (json_object_get_string_member (spec, "image"), ==, "apache/spark:4.0.1");
  g_assert_cmpstr (json_object_get_string_member (spec, "type"), ==, "Python");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (
                     json_array_get_object_element (json_object_get_array_member (spec, "volumes"), 0), "configMap"), "name"),
                   ==, code_name);

  g_assert_cmpuint (apps_of_run (run), ==, 1);
  g_assert_cmpuint (launches_of_run (run), ==, 1);

  /* The driver's log, through the API server's pod log endpoint. */
  logs = read_logs (target, run);
  if (strstr (logs, last_line) == NULL)
    g_error ("the driver's log lacks “%s”: %s", last_line, logs);
}

/* Submitted with --env big: the SparkApplication is the one `flint-cli export --env big`
 * writes, with the environment's executor; the run keeps the environment. */
static void
test_environment (void)
{
  g_autofree char *path = write_pipeline ("environment", "complete", "1");
  g_autoptr(FlintTarget) target = make_target (NULL, 0);
  g_autoptr(FlintRunner) runner = make_runner (target);
  g_autoptr(FlintRun) run = submit_env (runner, path, "big");
  g_autofree char *name = flint_kube_target_dup_app_name (run);
  g_autofree char *app_path = g_strdup_printf ("/apis/sparkoperator.k8s.io/v1beta2/namespaces/spark-jobs/sparkapplications/%s", name);
  g_autoptr(JsonNode) app = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *executor;

  g_assert_true (finishes (run, 60));
  g_assert_cmpstr (flint_run_state_to_string (flint_run_get_state (run)), ==, "succeeded");
  g_assert_cmpstr (flint_run_get_environment (run), ==, "big");

  app = kube_get (app_path, &error);
  g_assert_no_error (error);
  executor = json_object_get_object_member (json_object_get_object_member (json_node_get_object (app), "spec"), "executor");
  g_assert_cmpint (json_object_get_int_member (executor, "instances"), ==, 3);
  g_assert_cmpstr (json_object_get_string_member (executor, "memory"), ==, "3g");
}

static void
test_fail (void)
{
  g_autofree char *path = write_pipeline ("fail", "fail", "1");
  g_autoptr(FlintTarget) target = make_target (NULL, 0);
  g_autoptr(FlintRunner) runner = make_runner (target);
  g_autoptr(FlintRun) run = submit (runner, path);

  g_assert_true (finishes (run, 60));
  g_assert_cmpstr (flint_run_state_to_string (flint_run_get_state (run)), ==, "failed");
  g_assert_cmpstr (flint_run_get_message (run), ==, "driver container failed with ExitCode: 1, Reason: Error");
  g_assert_cmpuint (launches_of_run (run), ==, 1);
}

static void
submitted (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  GError **error = user_data;

  flint_target_submit_finish (FLINT_TARGET (source), result, &error[1]);
  error[0] = (GError *) 1;
}

static void
finished_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  *(gboolean *) user_data = TRUE;
}

/* A submit retried after it got through finds its application: one application, one
 * launch. Then a cancel: the run ends cancelled and the cluster keeps nothing. */
static void
test_submit_twice_and_cancel (void)
{
  g_autofree char *path = write_pipeline ("twice", "complete", "60");
  g_autoptr(FlintTarget) target = make_target (NULL, 0);
  g_autoptr(FlintRunner) runner = make_runner (target);
  g_autoptr(FlintRun) run = submit (runner, path);
  g_autofree char *name = flint_kube_target_dup_app_name (run);
  g_autofree char *cm_path = g_strdup_printf ("/api/v1/namespaces/spark-jobs/configmaps/%s-code", name);
  g_autofree char *app_path = g_strdup_printf ("/apis/sparkoperator.k8s.io/v1beta2/namespaces/spark-jobs/sparkapplications/%s", name);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) gone = NULL;
  GError *out[2] = { NULL, NULL };
  gboolean done = FALSE;

  g_assert_true (wait_for_state (run, is_watching, 60));

  /* The same submit again, as a retry after a lost answer would send it. */
  flint_target_submit_async (target, run, NULL, submitted, out);
  while (out[0] == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_no_error (out[1]);
  g_assert_cmpuint (apps_of_run (run), ==, 1);

  g_assert_true (flint_runner_cancel (runner, flint_run_get_id (run), &error));
  g_assert_no_error (error);
  g_assert_true (finishes (run, 60));
  g_assert_cmpstr (flint_run_state_to_string (flint_run_get_state (run)), ==, "cancelled");
  g_assert_cmpstr (flint_run_get_message (run), ==, "Cancelled");

  gone = kube_get (app_path, &error);
  g_assert_error (error, FLINT_KUBE_ERROR, 404);
  g_clear_error (&error);
  g_clear_pointer (&gone, json_node_unref);
  gone = kube_get (cm_path, &error);
  g_assert_error (error, FLINT_KUBE_ERROR, 404);
  g_assert_cmpuint (launches_of_run (run), ==, 1);
  (void) done;
  (void) finished_cb;
}

/* kill -9 the API server in the middle of a watch, start it again: followed to the end. */
static void
test_apiserver_restart (void)
{
  g_autofree char *path = write_pipeline ("restart", "complete", "10");
  g_autoptr(FlintTarget) target = make_target (NULL, 0);
  g_autoptr(FlintRunner) runner = make_runner (target);
  g_autoptr(FlintRun) run = submit (runner, path);

  g_assert_true (wait_for_state (run, is_watching, 60));
  settle (1500);
  ctl ("restart-apiserver", "2");
  g_assert_true (finishes (run, 90));
  g_assert_cmpstr (flint_run_state_to_string (flint_run_get_state (run)), ==, "succeeded");
  /* The watch broke, and was opened again or caught up by a GET. */
  g_assert_cmpint (data_int (run, "reconnects") + data_int (run, "resyncs"), >=, 1);
  g_assert_cmpuint (apps_of_run (run), ==, 1);
  g_assert_cmpuint (launches_of_run (run), ==, 1);
}

/* A forwarder between the target and the API server that can drop every connection. */
typedef struct
{
  GSocketService *service;
  GPtrArray      *streams;
  guint16         port;
  guint16         upstream;
} Forwarder;

static void
spliced (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_io_stream_splice_finish (result, NULL);
}

static gboolean
incoming (GSocketService    *service,
          GSocketConnection *connection,
          GObject           *source,
          gpointer           user_data)
{
  Forwarder *fw = user_data;
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) upstream = g_socket_client_connect_to_host (client, "127.0.0.1", fw->upstream, NULL, NULL);

  if (upstream == NULL)
    return TRUE;
  g_ptr_array_add (fw->streams, g_object_ref (connection));
  g_ptr_array_add (fw->streams, g_object_ref (upstream));
  g_io_stream_splice_async (G_IO_STREAM (connection), G_IO_STREAM (upstream), G_IO_STREAM_SPLICE_NONE,
                            G_PRIORITY_DEFAULT, NULL, spliced, NULL);
  return TRUE;
}

static void
forwarder_drop_all (Forwarder *fw)
{
  /* The sockets themselves: the streams have reads pending and refuse a close. */
  for (guint i = 0; i < fw->streams->len; i++)
    g_socket_close (g_socket_connection_get_socket (g_ptr_array_index (fw->streams, i)), NULL);
  g_ptr_array_set_size (fw->streams, 0);
}

static void
test_dropped_connection (void)
{
  g_autofree char *path = write_pipeline ("dropped", "complete", "12");
  g_autofree char *kubeconfig_text = NULL;
  g_autofree char *kubeconfig = g_build_filename (project, "kubeconfig-forwarded", NULL);
  g_autofree char *from = NULL;
  g_autofree char *to = NULL;
  g_autoptr(GError) error = NULL;
  Forwarder fw = { 0 };
  GString *s;

  fw.streams = g_ptr_array_new_with_free_func (g_object_unref);
  fw.service = g_socket_service_new ();
  fw.port = g_socket_listener_add_any_inet_port (G_SOCKET_LISTENER (fw.service), NULL, &error);
  g_assert_no_error (error);
  fw.upstream = (guint16) atoi (strrchr (g_getenv ("FLINT_KUBE_SERVER"), ':') + 1);
  g_signal_connect (fw.service, "incoming", G_CALLBACK (incoming), &fw);

  g_assert_true (g_file_get_contents (g_getenv ("KUBECONFIG"), &kubeconfig_text, NULL, NULL));
  s = g_string_new (kubeconfig_text);
  from = g_strdup_printf ("server: %s", g_getenv ("FLINT_KUBE_SERVER"));
  to = g_strdup_printf ("server: https://127.0.0.1:%u", fw.port);
  g_string_replace (s, from, to, 1);
  g_assert_true (g_file_set_contents (kubeconfig, s->str, -1, NULL));
  g_string_free (s, TRUE);

  {
    g_autoptr(FlintTarget) target = make_target (kubeconfig, 0);
    g_autoptr(FlintRunner) runner = make_runner (target);
    g_autoptr(FlintRun) run = submit (runner, path);

    g_assert_true (wait_for_state (run, is_watching, 60));
    /* A flaky network: every connection is cut each second until the run ends, so the
     * cut always lands on a live watch, however the load on the machine spreads it. */
    for (guint i = 0; i < 60 && !is_finished (run); i++)
      {
        settle (1000);
        if (!is_finished (run))
          forwarder_drop_all (&fw);
      }
    g_assert_true (finishes (run, 60));
    g_assert_cmpstr (flint_run_state_to_string (flint_run_get_state (run)), ==, "succeeded");
    /* The drop was noticed (a failed read, or a stale watch found by a GET) and the watch
     * opened again. */
    g_assert_cmpint (data_int (run, "reconnects") + data_int (run, "resyncs"), >=, 1);
    g_assert_cmpuint (apps_of_run (run), ==, 1);
    g_assert_cmpuint (launches_of_run (run), ==, 1);
  }
  g_socket_service_stop (fw.service);
  g_object_unref (fw.service);
  g_ptr_array_unref (fw.streams);
}

/* The exec plugin's first token is refused (401: asked again) and the next ones expire
 * after two seconds (asked again when they expire). */
static void
test_expired_token (void)
{
  g_autofree char *path = write_pipeline ("token", "complete", "6");
  g_autofree char *plugin = g_build_filename (project, "token-plugin.sh", NULL);
  g_autofree char *calls = g_build_filename (project, "token-plugin.calls", NULL);
  g_autofree char *kubeconfig = g_build_filename (project, "kubeconfig-exec", NULL);
  g_autofree char *kubeconfig_text = NULL;
  g_autofree char *script = NULL;
  g_autofree char *calls_text = NULL;
  g_auto(GStrv) lines = NULL;
  const char *users;
  GString *s;

  script = g_strdup_printf ("#!/bin/sh\n"
                            "# A credential plugin whose first token the API server refuses.\n"
                            "n=$(($(wc -l < '%s' 2>/dev/null || echo 0) + 1))\n"
                            "echo \"$n $(echo \"$KUBERNETES_EXEC_INFO\" | grep -c '\"interactive\":false')\" >> '%s'\n"
                            "if [ $n = 1 ]; then token=revoked-token; expiry=$(date -u -d '+1 hour' +%%Y-%%m-%%dT%%H:%%M:%%SZ)\n"
                            "else token=flint-token-$n; expiry=$(date -u -d '+2 seconds' +%%Y-%%m-%%dT%%H:%%M:%%SZ); fi\n"
                            "printf '{\"apiVersion\":\"client.authentication.k8s.io/v1\",\"kind\":\"ExecCredential\","
                            "\"status\":{\"token\":\"%%s\",\"expirationTimestamp\":\"%%s\"}}\\n' \"$token\" \"$expiry\"\n",
                            calls, calls);
  g_assert_true (g_file_set_contents (plugin, script, -1, NULL));
  g_assert_cmpint (g_chmod (plugin, 0755), ==, 0);

  /* The test kubeconfig with its user swapped for the plugin. */
  g_assert_true (g_file_get_contents (g_getenv ("KUBECONFIG"), &kubeconfig_text, NULL, NULL));
  users = strstr (kubeconfig_text, "users:");
  g_assert_nonnull (users);
  s = g_string_new_len (kubeconfig_text, users - kubeconfig_text);
  g_string_append_printf (s, "users:\n- name: admin\n  user:\n    exec:\n"
                             "      apiVersion: client.authentication.k8s.io/v1\n"
                             "      command: %s\n      interactiveMode: Never\n", plugin);
  g_assert_true (g_file_set_contents (kubeconfig, s->str, -1, NULL));
  g_string_free (s, TRUE);

  {
    /* Short watches, so requests keep coming after each token expired. */
    g_autoptr(FlintTarget) target = make_target (kubeconfig, 1);
    g_autoptr(FlintRunner) runner = make_runner (target);
    g_autoptr(FlintRun) run = submit (runner, path);

    g_assert_true (finishes (run, 60));
    g_assert_cmpstr (flint_run_get_message (run), ==, NULL);
    g_assert_cmpstr (flint_run_state_to_string (flint_run_get_state (run)), ==, "succeeded");
    g_assert_cmpuint (apps_of_run (run), ==, 1);
    g_assert_cmpuint (launches_of_run (run), ==, 1);
  }

  g_assert_true (g_file_get_contents (calls, &calls_text, NULL, NULL));
  lines = g_strsplit (g_strstrip (calls_text), "\n", -1);
  /* Once refused, once after the 401, then again as the two-second tokens expired. */
  g_assert_cmpuint (g_strv_length (lines), >=, 4);
  g_assert_cmpstr (lines[0], ==, "1 1");
}

/* Flint is killed while the run runs; a second runner takes it over from the store. With
 * @stale_rv the stored resourceVersion is one etcd compacted long ago: 410, re-list. */
static void
resume_after_kill (const char *name,
                   gboolean    stale_rv)
{
  g_autofree char *path = write_pipeline (name, "complete", "8");
  g_autofree char *id_file = g_build_filename (project, "killed-run-id", NULL);
  g_autofree char *id = NULL;

  if (g_test_subprocess ())
    {
      g_autoptr(FlintTarget) target = make_target (NULL, 0);
      g_autoptr(FlintRunner) runner = make_runner (target);
      g_autoptr(FlintRun) run = submit (runner, path);

      g_assert_true (g_file_set_contents (id_file, flint_run_get_id (run), -1, NULL));
      g_assert_true (wait_for_state (run, is_watching, 60));
      kill (getpid (), SIGKILL);
    }

  g_test_trap_subprocess (NULL, 120 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_assert_true (g_file_get_contents (id_file, &id, NULL, NULL));

  {
    g_autoptr(FlintTarget) target = make_target (NULL, 0);
    g_autoptr(FlintRunner) runner = make_runner (target);
    g_autoptr(GError) error = NULL;
    g_autoptr(FlintRun) stored = flint_run_store_lookup (flint_runner_get_store (runner), id, &error);
    FlintRun *run;

    g_assert_no_error (error);
    g_assert_cmpstr (flint_run_state_to_string (flint_run_get_state (stored)), ==, "running");
    if (stale_rv)
      {
        json_object_set_string_member (flint_run_get_target_data (stored), "resource_version", "1");
        g_assert_true (flint_run_store_update (flint_runner_get_store (runner), stored, &error));
        g_assert_no_error (error);
      }
    g_assert_cmpuint (flint_runner_resume (runner), >=, 1);
    run = flint_runner_lookup (runner, id);
    g_assert_nonnull (run);
    g_object_ref (run);
    g_assert_true (finishes (run, 60));
    g_assert_cmpstr (flint_run_state_to_string (flint_run_get_state (run)), ==, "succeeded");
    if (stale_rv)
      g_assert_cmpint (data_int (run, "relists"), >=, 1);
    g_assert_cmpuint (apps_of_run (run), ==, 1);
    g_assert_cmpuint (launches_of_run (run), ==, 1);
    g_object_unref (run);
  }
}

static void
test_resume (void)
{
  resume_after_kill ("resume", FALSE);
}

static void
test_gone (void)
{
  resume_after_kill ("gone", TRUE);
}

/* Real Spark in the controller: progress per node through the service proxy, the rows. */
static void
test_spark (void)
{
  g_autofree char *path = NULL;
  g_autofree char *out_dir = g_build_filename (project, "out", "orders_by_country", "_SUCCESS", NULL);
  const FlintNodeProgress *progress;

  if (g_getenv ("FLINT_PYTHON") == NULL)
    {
      g_test_skip ("FLINT_PYTHON is not set (./flint-dev test sets it)");
      return;
    }
  path = write_pipeline ("spark", "spark", "0");
  {
    g_autoptr(FlintTarget) target = make_target (NULL, 0);
    g_autoptr(FlintRunner) runner = make_runner (target);
    g_autoptr(FlintRun) run = submit (runner, path);
    g_autofree char *logs = NULL;

    g_assert_true (finishes (run, 240));
    logs = read_logs (target, run);
    if (flint_run_get_state (run) != FLINT_RUN_SUCCEEDED)
      g_error ("the run ended %s (%s); the driver said:\n%s", flint_run_state_to_string (flint_run_get_state (run)),
               flint_run_get_message (run), logs);
    progress = flint_run_lookup_progress (run, "orders_by_country");
    g_assert_nonnull (progress);
    g_assert_cmpuint (progress->jobs_total, >=, 1);
    g_assert_cmpuint (progress->jobs_done, ==, progress->jobs_total);
    g_assert_cmpuint (progress->tasks_total, >, 0);
    g_assert_cmpuint (progress->tasks_done, ==, progress->tasks_total);
    g_assert_cmpint (data_int (run, "rest_polls"), >=, 1);
    g_assert_true (g_file_test (out_dir, G_FILE_TEST_EXISTS));
    g_assert_cmpuint (launches_of_run (run), ==, 1);
  }
}

/* libsoup 3.2 warns when a session goes with a connection whose peer died without a word
 * (the API server killed mid-watch): the target stopped using it long before. */
static gboolean
fatal_log (const char     *domain,
           GLogLevelFlags  level,
           const char     *message,
           gpointer        user_data)
{
  return !(g_strcmp0 (domain, "libsoup") == 0 && (level & G_LOG_LEVEL_WARNING) &&
           strstr (message, "soup_connection_manager_get_num_conns") != NULL);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *source = NULL;

  g_test_init (&argc, &argv, NULL);
  g_test_log_set_fatal_handler (fatal_log, NULL);
  /* That warning comes through structured logging, which the handler above never sees:
   * criticals stay fatal, warnings are printed. */
  g_log_set_always_fatal (G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL);
  state_dir = g_getenv ("FLINT_KUBE_STATE");
  if (state_dir == NULL)
    {
      g_test_message ("run through run-kube-e2e.sh");
      return 77;
    }

  project = g_strdup (g_getenv ("FLINT_KUBE_PROJECT"));
  if (project == NULL)
    {
      g_autofree char *data_dir = NULL;
      g_autofree char *xdg = NULL;

      project = g_dir_make_tmp ("flint-kube-test-XXXXXX", NULL);
      g_setenv ("FLINT_KUBE_PROJECT", project, TRUE);
      xdg = g_build_filename (project, "xdg-data", NULL);
      g_setenv ("XDG_DATA_HOME", xdg, TRUE);
      g_free (xdg);
      xdg = g_build_filename (project, "xdg-cache", NULL);
      g_setenv ("XDG_CACHE_HOME", xdg, TRUE);
      data_dir = g_build_filename (project, "data", NULL);
      g_mkdir (data_dir, 0700);
      g_free (xdg);
      xdg = g_build_filename (data_dir, "customers.csv", NULL);
      g_file_set_contents (xdg, "customer_id,name,age,country\n1,Ann,34,FR\n2,Bob,17,DE\n3,Cid,51,DE\n", -1, NULL);
      g_free (xdg);
      xdg = g_build_filename (data_dir, "orders.csv", NULL);
      g_file_set_contents (xdg, "order_id,customer_id,amount\n10,1,5.50\n11,2,7.00\n12,3,9.25\n13,3,1.00\n", -1, NULL);
    }
  source = g_test_build_filename (G_TEST_DIST, "runtime", "data", "small-join.flint.yaml", NULL);
  g_assert_true (g_file_get_contents (source, &pipeline_text, NULL, NULL));
  flint_kube_target_register ();

  g_test_add_func ("/kube/complete", test_complete);
  g_test_add_func ("/kube/environment", test_environment);
  g_test_add_func ("/kube/fail", test_fail);
  g_test_add_func ("/kube/submit-twice-and-cancel", test_submit_twice_and_cancel);
  g_test_add_func ("/kube/apiserver-restart", test_apiserver_restart);
  g_test_add_func ("/kube/dropped-connection", test_dropped_connection);
  g_test_add_func ("/kube/expired-token", test_expired_token);
  g_test_add_func ("/kube/resume-after-kill", test_resume);
  g_test_add_func ("/kube/gone-after-compaction", test_gone);
  g_test_add_func ("/kube/spark", test_spark);

  return g_test_run ();
}
