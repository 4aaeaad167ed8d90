/* flint-local-target.c: Spark on this machine
 *
 * The program runs under a small launcher (flint_launch.py in the run directory) that
 * records the exit status and the error in files, so a later Flint process can tell how a
 * driver it did not start ended, and that holds the driver's UI open for a moment when the
 * session stops, so the last REST look sees every job finished. The driver gets its own
 * session (setsid): cancelling signals the whole group, JVM and Python workers included.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "flint-runtime"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include <signal.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#include "flint-job-process.h"
#include "flint-local-target.h"

struct _FlintLocalTarget
{
  GObject      parent_instance;

  char        *master;
  GPtrArray   *conf;          /* "key=value" */
  guint        poll_interval;
  guint        kill_grace;
  SoupSession *session;
  GHashTable  *processes;     /* run id -> FlintJobProcess */
};

static void flint_local_target_iface_init (FlintTargetInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (FlintLocalTarget, flint_local_target, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (FLINT_TYPE_TARGET, flint_local_target_iface_init))

static const char launcher_py[] =
  "# Written by Flint: runs the generated program and tells Flint how it ended.\n"
  "import os, runpy, sys, time\n"
  "run_dir = os.environ['FLINT_RUN_DIR']\n"
  "def mark(name, text=''):\n"
  "    with open(os.path.join(run_dir, name), 'w') as f:\n"
  "        f.write(text)\n"
  "def hold():\n"
  "    # Keep the UI up until Flint has read the final progress (or a few seconds).\n"
  "    mark('stopping')\n"
  "    deadline = time.time() + float(os.environ.get('FLINT_STOP_HOLD', '3'))\n"
  "    while time.time() < deadline and not os.path.exists(os.path.join(run_dir, 'released')):\n"
  "        time.sleep(0.05)\n"
  "try:\n"
  "    from pyspark import SparkContext\n"
  "    _stop = SparkContext.stop\n"
  "    def stop(self):\n"
  "        if not getattr(self, '_flint_held', False):\n"
  "            self._flint_held = True\n"
  "            try:\n"
  "                hold()\n"
  "            except Exception:\n"
  "                pass\n"
  "        return _stop(self)\n"
  "    SparkContext.stop = stop\n"
  "except ImportError:\n"
  "    SparkContext = None\n"
  "with open(os.path.join(run_dir, 'launches'), 'a') as f:\n"
  "    f.write('%d\\n' % os.getpid())\n"
  "program = sys.argv[1]\n"
  "sys.argv = sys.argv[1:]\n"
  "status = 1\n"
  "try:\n"
  "    runpy.run_path(program, run_name='__main__')\n"
  "    status = 0\n"
  "except SystemExit as e:\n"
  "    status = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)\n"
  "    if status != 0:\n"
  "        mark('error', str(e.code))\n"
  "except BaseException as e:\n"
  "    import traceback\n"
  "    traceback.print_exc()\n"
  "    mark('error', '%s: %s' % (type(e).__name__, e))\n"
  "    status = 1\n"
  "finally:\n"
  "    if SparkContext is not None and SparkContext._active_spark_context is not None:\n"
  "        try:\n"
  "            SparkContext._active_spark_context.stop()\n"
  "        except Exception:\n"
  "            pass\n"
  "mark('exit-status', str(status))\n"
  "sys.exit(status)\n";

static void
flint_local_target_dispose (GObject *object)
{
  FlintLocalTarget *self = FLINT_LOCAL_TARGET (object);

  /* Runs outlive the target (and Flint): a later process re-attaches by pid. */
  g_clear_pointer (&self->processes, g_hash_table_unref);
  g_clear_object (&self->session);

  G_OBJECT_CLASS (flint_local_target_parent_class)->dispose (object);
}

static void
flint_local_target_finalize (GObject *object)
{
  FlintLocalTarget *self = FLINT_LOCAL_TARGET (object);

  g_free (self->master);
  g_ptr_array_unref (self->conf);

  G_OBJECT_CLASS (flint_local_target_parent_class)->finalize (object);
}

static void
flint_local_target_class_init (FlintLocalTargetClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = flint_local_target_dispose;
  object_class->finalize = flint_local_target_finalize;
}

static void
flint_local_target_init (FlintLocalTarget *self)
{
  self->conf = g_ptr_array_new_with_free_func (g_free);
  self->poll_interval = 1000;
  self->kill_grace = 5000;
  /* The driver is on localhost: no proxy (and no GSettings lookup for one). */
  {
    g_autoptr(GProxyResolver) direct = g_simple_proxy_resolver_new (NULL, NULL);

    self->session = soup_session_new_with_options ("timeout", 5, "proxy-resolver", direct, NULL);
  }
  self->processes = flint_job_process_table_new ();
}

/* Finding Spark {{{ */

static char *
python_imports_pyspark (const char  *python,
                        char       **why)
{
  const char *argv[] = { python, "-c", "import pyspark", NULL };
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  int status = 0;

  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL, &err, &status, &error))
    {
      *why = g_strdup (error->message);
      return NULL;
    }
  if (!g_spawn_check_wait_status (status, NULL))
    {
      g_auto(GStrv) lines = g_strsplit (g_strstrip (err), "\n", -1);
      guint n = g_strv_length (lines);

      *why = g_strdup (n > 0 ? lines[n - 1] : _("cannot import pyspark"));
      return NULL;
    }
  return g_strdup (python);
}

char *
flint_local_target_find_spark (gboolean  *is_python,
                               GError   **error)
{
  static char *found;
  static gboolean found_python;
  G_LOCK_DEFINE_STATIC (found);
  g_autoptr(GString) tried = g_string_new (NULL);
  const char *home = g_getenv ("SPARK_HOME");
  const char *flint_python = g_getenv ("FLINT_PYTHON");
  g_autofree char *submit = NULL;
  g_autofree char *python = NULL;
  g_autofree char *why = NULL;
  char *result = NULL;

  G_LOCK (found);
  if (found != NULL)
    {
      *is_python = found_python;
      result = g_strdup (found);
      G_UNLOCK (found);
      return result;
    }
  G_UNLOCK (found);

  if (home != NULL && *home != '\0')
    {
      submit = g_build_filename (home, "bin", "spark-submit", NULL);
      if (g_file_test (submit, G_FILE_TEST_IS_EXECUTABLE))
        {
          result = g_steal_pointer (&submit);
          *is_python = FALSE;
          goto done;
        }
      g_string_append_printf (tried, _("\n  $SPARK_HOME/bin/spark-submit: %s is not there"), submit);
      g_clear_pointer (&submit, g_free);
    }
  else
    g_string_append (tried, _("\n  $SPARK_HOME: not set"));

  submit = g_find_program_in_path ("spark-submit");
  if (submit != NULL)
    {
      result = g_steal_pointer (&submit);
      *is_python = FALSE;
      goto done;
    }
  g_string_append (tried, _("\n  spark-submit on PATH: not found"));

  if (flint_python != NULL && *flint_python != '\0')
    {
      result = python_imports_pyspark (flint_python, &why);
      if (result != NULL)
        {
          *is_python = TRUE;
          goto done;
        }
      g_string_append_printf (tried, _("\n  $FLINT_PYTHON (%s): %s"), flint_python, why);
      g_clear_pointer (&why, g_free);
    }
  else
    g_string_append (tried, _("\n  $FLINT_PYTHON: not set"));

  python = g_find_program_in_path ("python3");
  if (python != NULL)
    {
      result = python_imports_pyspark (python, &why);
      if (result != NULL)
        {
          *is_python = TRUE;
          goto done;
        }
      g_string_append_printf (tried, _("\n  python3 (%s): %s"), python, why);
    }
  else
    g_string_append (tried, _("\n  python3 on PATH: not found"));

  g_set_error (error, FLINT_TARGET_ERROR, FLINT_TARGET_ERROR_NOT_FOUND,
               _("No Spark found on this machine. Tried:%s\n"
                 "Install Spark and set SPARK_HOME, or install pyspark (pip install pyspark) and set FLINT_PYTHON."),
               tried->str);
  return NULL;

done:
  G_LOCK (found);
  if (found == NULL)
    {
      found = g_strdup (result);
      found_python = *is_python;
    }
  G_UNLOCK (found);
  return result;
}

/* }}} */

/* Helpers {{{ */

static guint
free_port (GError **error)
{
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;

  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, error);
  if (socket == NULL || !g_socket_bind (socket, address, FALSE, error))
    return 0;
  bound = g_socket_get_local_address (socket, error);
  if (bound == NULL)
    return 0;
  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

static char *
failure_message (FlintRun *run,
                 int       exit_status)
{
  g_autofree char *error = flint_job_read_run_file (run, "error");
  g_autofree char *last = NULL;

  if (error != NULL && *error != '\0')
    return g_steal_pointer (&error);
  /* No launcher error: the last line of the driver's stderr says most. */
  last = flint_job_process_last_stderr_line (run);
  if (last != NULL)
    return g_strdup_printf (_("The driver exited with status %d: %s"), exit_status, last);
  return g_strdup_printf (_("The driver exited with status %d"), exit_status);
}

static char *
lost_message (FlintRun *run,
              int       exit_status)
{
  return g_strdup_printf (_("The driver (pid %s) ended while no Flint was watching and left no exit status; "
                            "its logs are in %s"),
                          flint_run_get_external_id (run), flint_run_get_run_dir (run));
}

/* The run is over: its state from how the driver ended. */
static void
finish_run (FlintLocalTarget *self,
            FlintRun         *run,
            gboolean          know_status,
            int               exit_status)
{
  g_hash_table_remove (self->processes, flint_run_get_id (run));
  flint_job_process_conclude (run, know_status, exit_status, lost_message, failure_message);
}

/* }}} */

/* Submit {{{ */

typedef struct
{
  FlintRun *run;
  char     *spark;
  gboolean  is_python;
} SubmitData;

static void
submit_data_free (SubmitData *data)
{
  g_clear_object (&data->run);
  g_free (data->spark);
  g_free (data);
}

static void
find_spark_thread (GTask        *task,
                   gpointer      source,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  SubmitData *data = task_data;
  GError *error = NULL;

  data->spark = flint_local_target_find_spark (&data->is_python, &error);
  if (data->spark == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static gboolean
launch (FlintLocalTarget  *self,
        SubmitData        *data,
        GError           **error)
{
  FlintRun *run = data->run;
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) confs = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *launcher_path = flint_job_run_file (run, "flint_launch.py");
  g_autofree char *ui_url = NULL;
  g_autofree char *workdir = NULL;
  const char *master = self->master ? self->master : "local[*]";
  const char *stale[] = { "stopping", "released", "exit-status", "error", "cancel-requested" };
  JsonObject *target_data;
  guint port;
  int out_fd, err_fd;

  if (flint_run_get_run_dir (run) == NULL || flint_run_get_program_file (run) == NULL)
    {
      g_set_error (error, FLINT_TARGET_ERROR, FLINT_TARGET_ERROR_SUBMIT, _("The run has no program to run"));
      return FALSE;
    }

  port = free_port (error);
  if (port == 0)
    return FALSE;

  if (!g_file_set_contents (launcher_path, launcher_py, -1, error))
    return FALSE;
  flint_job_remove_run_files (run, stale, G_N_ELEMENTS (stale));

  g_ptr_array_add (confs, g_strdup_printf ("spark.ui.port=%u", port));
  g_ptr_array_add (confs, g_strdup ("spark.ui.enabled=true"));
  g_ptr_array_add (confs, g_strdup_printf ("spark.flint.run.id=%s", flint_run_get_id (run)));
  for (guint i = 0; i < self->conf->len; i++)
    g_ptr_array_add (confs, g_strdup (g_ptr_array_index (self->conf, i)));

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  g_subprocess_launcher_set_child_setup (launcher, flint_job_process_child_setup, NULL, NULL);
  g_subprocess_launcher_setenv (launcher, "FLINT_RUN_DIR", flint_run_get_run_dir (run), TRUE);
  g_subprocess_launcher_setenv (launcher, "FLINT_RUN_ID", flint_run_get_id (run), TRUE);
  /* The pipeline's relative data paths are relative to its file. */
  if (flint_run_get_pipeline_file (run) != NULL)
    workdir = g_path_get_dirname (flint_run_get_pipeline_file (run));
  else
    workdir = g_strdup (flint_run_get_run_dir (run));
  g_subprocess_launcher_set_cwd (launcher, workdir);

  if (data->is_python)
    {
      g_autoptr(GString) args = g_string_new (NULL);

      g_string_append_printf (args, "--master %s", master);
      for (guint i = 0; i < confs->len; i++)
        {
          g_autofree char *quoted = g_shell_quote (g_ptr_array_index (confs, i));
          g_string_append_printf (args, " --conf %s", quoted);
        }
      g_string_append (args, " pyspark-shell");
      g_subprocess_launcher_setenv (launcher, "PYSPARK_SUBMIT_ARGS", args->str, TRUE);
      g_subprocess_launcher_setenv (launcher, "PYSPARK_PYTHON", data->spark, TRUE);
      g_ptr_array_add (argv, g_strdup (data->spark));
    }
  else
    {
      g_ptr_array_add (argv, g_strdup (data->spark));
      g_ptr_array_add (argv, g_strdup ("--master"));
      g_ptr_array_add (argv, g_strdup (master));
      for (guint i = 0; i < confs->len; i++)
        {
          g_ptr_array_add (argv, g_strdup ("--conf"));
          g_ptr_array_add (argv, g_strdup (g_ptr_array_index (confs, i)));
        }
    }
  g_ptr_array_add (argv, g_strdup (launcher_path));
  g_ptr_array_add (argv, g_strdup (flint_run_get_program_file (run)));
  g_ptr_array_add (argv, NULL);

  out_fd = flint_job_process_open_log (run, "stdout.log", error);
  if (out_fd < 0)
    return FALSE;
  err_fd = flint_job_process_open_log (run, "stderr.log", error);
  if (err_fd < 0)
    {
      close (out_fd);
      return FALSE;
    }
  g_subprocess_launcher_take_stdout_fd (launcher, out_fd);
  g_subprocess_launcher_take_stderr_fd (launcher, err_fd);

  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, error);
  if (process == NULL)
    return FALSE;

  flint_job_process_watch (self->processes, run, process);

  target_data = json_object_new ();
  json_object_set_int_member (target_data, "pid", atoi (g_subprocess_get_identifier (process)));
  json_object_set_int_member (target_data, "port", port);
  json_object_set_string_member (target_data, "spark", data->spark);
  json_object_set_int_member (target_data, "rest_polls", 0);
  json_object_set_array_member (target_data, "rest_jobs", json_array_new ());
  flint_run_set_target_data (run, target_data);
  json_object_unref (target_data);

  ui_url = g_strdup_printf ("http://localhost:%u", port);
  flint_run_set_external_id (run, g_subprocess_get_identifier (process));
  flint_run_set_ui_url (run, ui_url);
  flint_run_set_state (run, FLINT_RUN_RUNNING);

  return TRUE;
}

static void
spark_found (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FlintLocalTarget *self = FLINT_LOCAL_TARGET (g_task_get_source_object (task));
  SubmitData *data = g_task_get_task_data (task);
  GError *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error) ||
      g_task_return_error_if_cancelled (task))
    {
      if (error != NULL)
        g_task_return_error (task, error);
      return;
    }

  if (self->processes == NULL || !launch (self, data, &error))
    g_task_return_error (task, error ? error : g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CLOSED, "disposed"));
  else
    g_task_return_boolean (task, TRUE);
}

static void
local_submit_async (FlintTarget         *target,
                    FlintRun            *run,
                    GCancellable        *cancellable,
                    GAsyncReadyCallback  callback,
                    gpointer             user_data)
{
  GTask *task = g_task_new (target, cancellable, callback, user_data);
  GTask *find = g_task_new (target, cancellable, spark_found, task);
  SubmitData *data = g_new0 (SubmitData, 1);

  g_task_set_source_tag (task, local_submit_async);
  data->run = g_object_ref (run);
  g_task_set_task_data (task, data, (GDestroyNotify) submit_data_free);
  g_task_set_task_data (find, data, NULL);
  g_task_run_in_thread (find, find_spark_thread);
  g_object_unref (find);
}

static gboolean
local_finish (FlintTarget   *target,
              GAsyncResult  *result,
              GError       **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* }}} */

/* Refresh: the process, then the driver's REST API {{{ */

typedef struct
{
  FlintRun *run;
  char     *base;      /* http://localhost:PORT/api/v1 */
  char     *app_id;
  int       step;
} RefreshData;

static void
refresh_data_free (RefreshData *data)
{
  g_clear_object (&data->run);
  g_free (data->base);
  g_free (data->app_id);
  g_free (data);
}

static void rest_next (GTask *task);

static void
release_hold (FlintRun *run)
{
  /* The driver waits for this before it stops, so the last look sees the final counts. */
  if (flint_job_run_file_exists (run, "stopping") && !flint_job_run_file_exists (run, "released"))
    {
      g_autofree char *path = flint_job_run_file (run, "released");
      g_file_set_contents (path, "", 0, NULL);
    }
}

static void
apply_jobs (FlintRun  *run,
            JsonArray *jobs)
{
  JsonObject *data = flint_run_get_target_data (run);
  JsonArray *seen = json_object_get_array_member (data, "rest_jobs");
  g_autoptr(GHashTable) totals = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                                         (GDestroyNotify) flint_node_progress_free);
  g_autoptr(GPtrArray) order = g_ptr_array_new ();

  if (seen == NULL)
    {
      seen = json_array_new ();
      json_object_set_array_member (data, "rest_jobs", seen);
    }

  for (guint i = 0; i < json_array_get_length (jobs); i++)
    {
      JsonObject *job = json_array_get_object_element (jobs, i);
      const char *description = job ? json_object_get_string_member_with_default (job, "description", NULL) : NULL;
      g_autofree char *node_id = flint_target_node_from_description (description);
      const char *status;
      FlintNodeProgress *p;
      gint64 job_id;
      gboolean known = FALSE;
      JsonArray *stage_ids;
      gint64 stages;

      if (node_id == NULL)
        continue;

      /* What the REST API reported, kept with the run (and asserted on by the tests). */
      job_id = json_object_get_int_member_with_default (job, "jobId", -1);
      for (guint s = 0; s < json_array_get_length (seen); s++)
        if (json_object_get_int_member_with_default (json_array_get_object_element (seen, s), "id", -2) == job_id)
          known = TRUE;
      if (!known)
        {
          JsonObject *entry = json_object_new ();

          json_object_set_int_member (entry, "id", job_id);
          json_object_set_string_member (entry, "description", description);
          json_array_add_object_element (seen, entry);
        }

      p = g_hash_table_lookup (totals, node_id);
      if (p == NULL)
        {
          const char *label = strchr (description, ']');

          p = g_new0 (FlintNodeProgress, 1);
          p->node_id = g_strdup (node_id);
          p->label = label && label[1] == ' ' ? g_strdup (label + 2) : NULL;
          g_hash_table_insert (totals, p->node_id, p);
          g_ptr_array_add (order, p);
        }

      status = json_object_get_string_member_with_default (job, "status", "");
      stage_ids = json_object_get_array_member (job, "stageIds");
      stages = (stage_ids ? json_array_get_length (stage_ids) : 0) -
               json_object_get_int_member_with_default (job, "numSkippedStages", 0);
      if (json_object_get_int_member_with_default (job, "jobId", -1) >= 0 &&
          (!p->has_job_id || json_object_get_int_member (job, "jobId") > p->job_id))
        {
          p->has_job_id = TRUE;
          p->job_id = (guint) json_object_get_int_member (job, "jobId");
        }
      p->jobs_total++;
      if (g_str_equal (status, "SUCCEEDED"))
        p->jobs_done++;
      else if (g_str_equal (status, "FAILED"))
        p->jobs_failed++;
      p->stages_total += MAX (stages, 0);
      p->stages_done += json_object_get_int_member_with_default (job, "numCompletedStages", 0);
      p->tasks_total += MAX (0, json_object_get_int_member_with_default (job, "numTasks", 0) -
                                json_object_get_int_member_with_default (job, "numSkippedTasks", 0));
      p->tasks_done += json_object_get_int_member_with_default (job, "numCompletedTasks", 0);
    }

  json_object_set_int_member (data, "rest_polls", json_object_get_int_member_with_default (data, "rest_polls", 0) + 1);

  for (guint i = 0; i < order->len; i++)
    flint_run_update_progress (run, g_ptr_array_index (order, i));
  flint_run_save_target_data (run);
}

static void
rest_received (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  RefreshData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  SoupMessage *message = soup_session_get_async_result_message (SOUP_SESSION (source), result);
  JsonNode *root;

  body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
  if (body == NULL || soup_message_get_status (message) != SOUP_STATUS_OK ||
      !json_parser_load_from_data (parser, g_bytes_get_data (body, NULL), g_bytes_get_size (body), NULL))
    {
      /* The UI is not up yet, or already down: nothing to learn this time. */
      release_hold (data->run);
      g_task_return_boolean (task, TRUE);
      return;
    }
  root = json_parser_get_root (parser);

  switch (data->step)
    {
    case 0: /* /applications: a live driver lists exactly itself */
      if (JSON_NODE_HOLDS_ARRAY (root) && json_array_get_length (json_node_get_array (root)) > 0)
        {
          JsonObject *app = json_array_get_object_element (json_node_get_array (root), 0);

          data->app_id = g_strdup (json_object_get_string_member_with_default (app, "id", NULL));
        }
      if (data->app_id == NULL)
        {
          g_task_return_boolean (task, TRUE);
          return;
        }
      data->step = 1;
      break;

    case 1: /* /environment: is it our driver, not another one on a recycled port? */
      {
        JsonObject *env = JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL;
        JsonArray *props = env ? json_object_get_array_member (env, "sparkProperties") : NULL;
        gboolean ours = FALSE;

        for (guint i = 0; props != NULL && i < json_array_get_length (props); i++)
          {
            JsonArray *pair = json_array_get_array_element (props, i);

            if (pair != NULL && json_array_get_length (pair) == 2 &&
                g_strcmp0 (json_array_get_string_element (pair, 0), "spark.flint.run.id") == 0 &&
                g_strcmp0 (json_array_get_string_element (pair, 1), flint_run_get_id (data->run)) == 0)
              ours = TRUE;
          }
        if (!ours)
          {
            g_debug ("The driver on %s is not run %s", data->base, flint_run_get_id (data->run));
            g_task_return_boolean (task, TRUE);
            return;
          }
        json_object_set_string_member (flint_run_get_target_data (data->run), "app_id", data->app_id);
        flint_run_save_target_data (data->run);
        data->step = 2;
      }
      break;

    case 2: /* /jobs */
      if (JSON_NODE_HOLDS_ARRAY (root))
        apply_jobs (data->run, json_node_get_array (root));
      release_hold (data->run);
      g_task_return_boolean (task, TRUE);
      return;

    default:
      g_assert_not_reached ();
    }

  rest_next (g_steal_pointer (&task));
}

static void
rest_next (GTask *task)
{
  FlintLocalTarget *self = g_task_get_source_object (task);
  RefreshData *data = g_task_get_task_data (task);
  g_autofree char *url = NULL;
  g_autoptr(SoupMessage) message = NULL;

  if (self->session == NULL)
    {
      g_task_return_boolean (task, TRUE);
      g_object_unref (task);
      return;
    }

  switch (data->step)
    {
    case 0:
      url = g_strdup_printf ("%s/applications", data->base);
      break;
    case 1:
      url = g_strdup_printf ("%s/applications/%s/environment", data->base, data->app_id);
      break;
    case 2:
    default:
      url = g_strdup_printf ("%s/applications/%s/jobs", data->base, data->app_id);
      break;
    }

  message = soup_message_new (SOUP_METHOD_GET, url);
  soup_message_headers_append (soup_message_get_request_headers (message), "Accept", "application/json");
  soup_session_send_and_read_async (self->session, message, G_PRIORITY_DEFAULT, g_task_get_cancellable (task),
                                    rest_received, task);
}

static void
local_refresh_async (FlintTarget         *target,
                     FlintRun            *run,
                     GCancellable        *cancellable,
                     GAsyncReadyCallback  callback,
                     gpointer             user_data)
{
  FlintLocalTarget *self = FLINT_LOCAL_TARGET (target);
  g_autoptr(GTask) task = g_task_new (target, cancellable, callback, user_data);
  RefreshData *data;
  FlintJobProcess *lp;
  pid_t pid = (pid_t) flint_job_data_int (run, "pid");
  guint port = (guint) flint_job_data_int (run, "port");
  const char *app_id;

  g_task_set_source_tag (task, local_refresh_async);

  if (flint_run_state_is_finished (flint_run_get_state (run)))
    {
      g_task_return_boolean (task, TRUE);
      return;
    }

  if (pid <= 0 || port == 0)
    {
      /* Recorded, but Flint stopped before the driver's pid was: it may or may not have
       * started, and starting it again could run it twice. */
      flint_run_set_message (run, _("Flint stopped while submitting this run; whether the driver started is unknown"));
      flint_run_set_state (run, FLINT_RUN_LOST);
      g_task_return_boolean (task, TRUE);
      return;
    }

  lp = g_hash_table_lookup (self->processes, flint_run_get_id (run));
  if (lp != NULL && lp->exited)
    {
      gboolean exited_normally = WIFEXITED (lp->wait_status);

      finish_run (self, run, exited_normally, exited_normally ? WEXITSTATUS (lp->wait_status) : -1);
      g_task_return_boolean (task, TRUE);
      return;
    }
  if (lp == NULL && !flint_job_process_alive (run, pid))
    {
      finish_run (self, run, FALSE, 0);
      g_task_return_boolean (task, TRUE);
      return;
    }

  data = g_new0 (RefreshData, 1);
  data->run = g_object_ref (run);
  data->base = g_strdup_printf ("http://localhost:%u/api/v1", port);
  app_id = json_object_get_string_member_with_default (flint_run_get_target_data (run), "app_id", NULL);
  if (app_id != NULL)
    {
      data->app_id = g_strdup (app_id);
      data->step = 2;
    }
  g_task_set_task_data (task, data, (GDestroyNotify) refresh_data_free);
  rest_next (g_steal_pointer (&task));
}

static guint
local_get_poll_interval (FlintTarget *target,
                         FlintRun    *run)
{
  return FLINT_LOCAL_TARGET (target)->poll_interval;
}

/* }}} */

/* Cancel {{{ */

static void
local_cancel_async (FlintTarget         *target,
                    FlintRun            *run,
                    GCancellable        *cancellable,
                    GAsyncReadyCallback  callback,
                    gpointer             user_data)
{
  FlintLocalTarget *self = FLINT_LOCAL_TARGET (target);
  g_autoptr(GTask) task = g_task_new (target, cancellable, callback, user_data);
  pid_t pid = (pid_t) flint_job_data_int (run, "pid");

  g_task_set_source_tag (task, local_cancel_async);

  if (flint_run_state_is_finished (flint_run_get_state (run)))
    {
      g_task_return_boolean (task, TRUE);
      return;
    }

  flint_job_process_cancel (run, pid, TRUE, self->kill_grace);
  g_task_return_boolean (task, TRUE);
}

/* }}} */

/* Logs {{{ */

static void
local_read_logs_async (FlintTarget         *target,
                       FlintRun            *run,
                       FlintLogStream       stream,
                       guint64              offset,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  flint_job_process_read_logs_async (target, run, stream, offset, cancellable, callback, user_data);
}

static GBytes *
local_read_logs_finish (FlintTarget   *target,
                        GAsyncResult  *result,
                        guint64       *next_offset,
                        GError       **error)
{
  return flint_job_process_read_logs_finish (result, next_offset, error);
}

/* }}} */

static FlintTargetFlags
local_get_flags (FlintTarget *target)
{
  return FLINT_TARGET_FLAGS_LOCAL;
}

static gboolean
local_configure (FlintTarget  *target,
                 JsonObject   *config,
                 GError      **error)
{
  FlintLocalTarget *self = FLINT_LOCAL_TARGET (target);
  JsonNode *master = json_object_get_member (config, "master");

  if (master != NULL && (!JSON_NODE_HOLDS_VALUE (master) || json_node_get_value_type (master) != G_TYPE_STRING))
    {
      g_set_error (error, FLINT_TARGET_ERROR, FLINT_TARGET_ERROR_CONFIG,
                   _("Target “%s”: master must be a string such as local[2]"), flint_target_get_name (target));
      return FALSE;
    }
  g_free (self->master);
  self->master = master ? g_strdup (json_node_get_string (master)) : NULL;
  return TRUE;
}

static void
flint_local_target_iface_init (FlintTargetInterface *iface)
{
  iface->get_flags = local_get_flags;
  iface->configure = local_configure;
  iface->submit_async = local_submit_async;
  iface->submit_finish = local_finish;
  iface->refresh_async = local_refresh_async;
  iface->refresh_finish = local_finish;
  iface->cancel_async = local_cancel_async;
  iface->cancel_finish = local_finish;
  iface->read_logs_async = local_read_logs_async;
  iface->read_logs_finish = local_read_logs_finish;
  iface->get_poll_interval = local_get_poll_interval;
}

void
flint_local_target_set_poll_interval (FlintLocalTarget *self,
                                      guint             msec)
{
  g_return_if_fail (FLINT_IS_LOCAL_TARGET (self));

  self->poll_interval = MAX (msec, 10);
}

void
flint_local_target_set_kill_grace (FlintLocalTarget *self,
                                   guint             msec)
{
  g_return_if_fail (FLINT_IS_LOCAL_TARGET (self));

  self->kill_grace = msec;
}

void
flint_local_target_add_conf (FlintLocalTarget *self,
                             const char       *key,
                             const char       *value)
{
  g_return_if_fail (FLINT_IS_LOCAL_TARGET (self));
  g_return_if_fail (key != NULL && value != NULL);

  g_ptr_array_add (self->conf, g_strdup_printf ("%s=%s", key, value));
}
