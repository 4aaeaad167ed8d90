/* flint-connect-target.c: Spark Connect (the generated PySpark against sc://host:port)
 *
 * Like the local target, the launcher records its exit status and error in the run
 * directory, so a Flint that did not start it can tell how it ended; unlike it, there is
 * no driver here to ask for progress: the launcher wraps the program's _flint_job (the
 * context every sink's action runs in, which tags the operations flint:NODE_ID on the
 * server) and prints each sink's start and end as a FLINT-EVENT line, read back from
 * stdout.log from where the last look stopped.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "flint-runtime"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "flint-connect-target.h"
#include "flint-job-process.h"

#define EVENT_PREFIX "FLINT-EVENT "

struct _FlintConnectTarget
{
  GObject      parent_instance;

  char        *url;           /* as configured: never holds the token */
  char        *host;
  guint        port;
  char        *params;        /* the URL's ";k=v" parameters, or NULL */
  char        *token_ref;     /* env:NAME, or NULL */
  gboolean     use_ssl;
  char        *ui_url;
  guint        poll_interval;
  guint        kill_grace;
  GHashTable  *processes;     /* run id -> FlintJobProcess */
};

static void flint_connect_target_iface_init (FlintTargetInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (FlintConnectTarget, flint_connect_target, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (FLINT_TYPE_TARGET, flint_connect_target_iface_init))

/* Registered when the runtime is linked (runtime/meson.build links this file whole). */
__attribute__((constructor)) static void
register_kind (void)
{
  flint_target_register_kind ("spark_connect", FLINT_TYPE_CONNECT_TARGET);
}

static const char launcher_py[] =
  "# Written by Flint: runs the generated program on a Spark Connect server.\n"
  "# Each sink's start and end goes to stdout as a line \"FLINT-EVENT {json}\".\n"
  "import importlib.util, json, os, signal, sys, threading, time\n"
  "run_dir = os.environ['FLINT_RUN_DIR']\n"
  "def mark(name, text=''):\n"
  "    with open(os.path.join(run_dir, name), 'w') as f:\n"
  "        f.write(text)\n"
  "lock = threading.Lock()\n"
  "def event(kind, **fields):\n"
  "    fields['event'] = kind\n"
  "    fields['time'] = time.time()\n"
  "    with lock:\n"
  "        sys.stdout.write('FLINT-EVENT ' + json.dumps(fields) + '\\n')\n"
  "        sys.stdout.flush()\n"
  "def short(e):\n"
  "    text = str(e).split('\\n\\nJVM stacktrace:')[0].strip()\n"
  "    lines = [l for l in text.split('\\n') if l.strip()]\n"
  "    return '%s: %s' % (type(e).__name__, lines[0] if lines else '')\n"
  "with open(os.path.join(run_dir, 'launches'), 'a') as f:\n"
  "    f.write('%d\\n' % os.getpid())\n"
  "# The builder in the program's main() makes a Connect session from SPARK_REMOTE, with the\n"
  "# program's own settings.\n"
  "os.environ['SPARK_REMOTE'] = os.environ.pop('FLINT_CONNECT_URL')\n"
  "program = sys.argv[1]\n"
  "sys.argv = sys.argv[1:]\n"
  "sessions = []\n"
  "outcome = {'status': 1}\n"
  "def run():\n"
  "    try:\n"
  "        spec = importlib.util.spec_from_file_location('flint_program', program)\n"
  "        module = importlib.util.module_from_spec(spec)\n"
  "        spec.loader.exec_module(module)\n"
  "        job = getattr(module, '_flint_job', None)\n"
  "        if job is not None:\n"
  "            from contextlib import contextmanager\n"
  "            @contextmanager\n"
  "            def flint_job(spark, node_id, name):\n"
  "                if spark not in sessions:\n"
  "                    sessions.append(spark)\n"
  "                event('start', node=node_id, name=name)\n"
  "                try:\n"
  "                    with job(spark, node_id, name):\n"
  "                        yield\n"
  "                except BaseException as e:\n"
  "                    event('failed', node=node_id, error=short(e))\n"
  "                    raise\n"
  "                event('done', node=node_id)\n"
  "            module._flint_job = flint_job\n"
  "        module.main()\n"
  "        outcome['status'] = 0\n"
  "    except SystemExit as e:\n"
  "        code = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)\n"
  "        outcome['status'] = code\n"
  "        if code != 0:\n"
  "            mark('error', str(e.code))\n"
  "    except BaseException as e:\n"
  "        import traceback\n"
  "        traceback.print_exc()\n"
  "        mark('error', short(e))\n"
  "        outcome['status'] = 1\n"
  "cancelled = threading.Event()\n"
  "def on_term(signum, frame):\n"
  "    cancelled.set()\n"
  "signal.signal(signal.SIGTERM, on_term)\n"
  "signal.signal(signal.SIGINT, on_term)\n"
  "worker = threading.Thread(target=run, daemon=True)\n"
  "worker.start()\n"
  "while worker.is_alive() and not cancelled.is_set():\n"
  "    worker.join(0.1)\n"
  "if cancelled.is_set():\n"
  "    # Stop what the server runs for this session, then leave.\n"
  "    interrupted = []\n"
  "    for spark in sessions:\n"
  "        try:\n"
  "            interrupted += spark.interruptAll()\n"
  "        except Exception as e:\n"
  "            event('interrupt-failed', error=short(e))\n"
  "    event('interrupted', operations=interrupted)\n"
  "    worker.join(float(os.environ.get('FLINT_CANCEL_WAIT', '5')))\n"
  "    mark('exit-status', '143')\n"
  "    sys.stdout.flush()\n"
  "    os._exit(143)\n"
  "mark('exit-status', str(outcome['status']))\n"
  "sys.stdout.flush()\n"
  "os._exit(outcome['status'])\n";

static void
flint_connect_target_dispose (GObject *object)
{
  FlintConnectTarget *self = FLINT_CONNECT_TARGET (object);

  /* Runs outlive the target (and Flint): a later process re-attaches by pid. */
  g_clear_pointer (&self->processes, g_hash_table_unref);

  G_OBJECT_CLASS (flint_connect_target_parent_class)->dispose (object);
}

static void
flint_connect_target_finalize (GObject *object)
{
  FlintConnectTarget *self = FLINT_CONNECT_TARGET (object);

  g_free (self->url);
  g_free (self->host);
  g_free (self->params);
  g_free (self->token_ref);
  g_free (self->ui_url);

  G_OBJECT_CLASS (flint_connect_target_parent_class)->finalize (object);
}

static void
flint_connect_target_class_init (FlintConnectTargetClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = flint_connect_target_dispose;
  object_class->finalize = flint_connect_target_finalize;
}

static void
flint_connect_target_init (FlintConnectTarget *self)
{
  self->poll_interval = 500;
  self->kill_grace = 10000;
  self->processes = flint_job_process_table_new ();
}

/* Helpers {{{ */

gboolean
flint_connect_parse_url (const char  *url,
                         char       **host,
                         guint       *port,
                         char       **params,
                         GError     **error)
{
  g_autofree char *hostport = NULL;
  const char *rest;
  const char *slash;
  const char *colon;
  guint64 number = 15002;

  if (url == NULL || !g_str_has_prefix (url, "sc://") || url[5] == '\0')
    {
      g_set_error (error, FLINT_TARGET_ERROR, FLINT_TARGET_ERROR_CONFIG,
                   _("“%s” is not a Spark Connect URL: it must look like sc://host:15002"), url ? url : "");
      return FALSE;
    }
  rest = url + 5;
  slash = strchr (rest, '/');
  hostport = slash ? g_strndup (rest, slash - rest) : g_strdup (rest);
  if (slash != NULL && slash[1] != '\0' && slash[1] != ';')
    {
      g_set_error (error, FLINT_TARGET_ERROR, FLINT_TARGET_ERROR_CONFIG,
                   _("“%s” is not a Spark Connect URL: it cannot have a path (parameters follow “/;”)"), url);
      return FALSE;
    }

  /* [v6]:port, host:port or host */
  if (hostport[0] == '[')
    {
      char *close = strchr (hostport, ']');

      colon = close && close[1] == ':' ? close + 1 : NULL;
    }
  else
    colon = strrchr (hostport, ':');
  if (colon != NULL)
    {
      if (!g_ascii_string_to_unsigned (colon + 1, 10, 1, 65535, &number, NULL))
        {
          g_set_error (error, FLINT_TARGET_ERROR, FLINT_TARGET_ERROR_CONFIG,
                       _("“%s” is not a Spark Connect URL: “%s” is not a port"), url, colon + 1);
          return FALSE;
        }
      hostport[colon - hostport] = '\0';
    }
  if (hostport[0] == '\0')
    {
      g_set_error (error, FLINT_TARGET_ERROR, FLINT_TARGET_ERROR_CONFIG,
                   _("“%s” is not a Spark Connect URL: the host is missing"), url);
      return FALSE;
    }

  if (host != NULL)
    *host = g_strdup (hostport);
  if (port != NULL)
    *port = (guint) number;
  if (params != NULL)
    *params = slash != NULL && slash[1] == ';' && slash[2] != '\0' ? g_strdup (slash + 2) : NULL;
  return TRUE;
}

/* The URL the launcher connects with: the configured one, TLS and the token added. */
static char *
session_url (FlintConnectTarget *self,
             const char         *token)
{
  g_autoptr(GString) url = g_string_new (NULL);
  gboolean bracket = strchr (self->host, ':') != NULL && self->host[0] != '[';

  g_string_append_printf (url, "sc://%s%s%s:%u/", bracket ? "[" : "", self->host, bracket ? "]" : "", self->port);
  if (self->params != NULL)
    g_string_append_printf (url, ";%s", self->params);
  if (self->use_ssl)
    g_string_append (url, ";use_ssl=true");
  if (token != NULL)
    g_string_append_printf (url, ";token=%s", token);
  if (g_str_has_suffix (url->str, "/"))
    g_string_truncate (url, url->len - 1);
  return g_string_free (g_steal_pointer (&url), FALSE);
}

/* }}} */

/* Finding a Python with the Connect client {{{ */

static gboolean
python_has_connect (const char  *python,
                    char       **why)
{
  const char *argv[] = { python, "-c", "import grpc, pandas, pyarrow, pyspark.sql.connect.session", NULL };
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  int status = 0;

  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL, &err, &status, &error))
    {
      *why = g_strdup (error->message);
      return FALSE;
    }
  if (!g_spawn_check_wait_status (status, NULL))
    {
      g_auto(GStrv) lines = g_strsplit (g_strstrip (err), "\n", -1);
      guint n = g_strv_length (lines);

      *why = g_strdup (n > 0 ? lines[n - 1] : _("cannot import pyspark’s Spark Connect client"));
      return FALSE;
    }
  return TRUE;
}

static char *
find_python (GError **error)
{
  static char *found;
  G_LOCK_DEFINE_STATIC (found);
  g_autoptr(GString) tried = g_string_new (NULL);
  const char *flint_python = g_getenv ("FLINT_PYTHON");
  g_autofree char *python3 = NULL;
  g_autofree char *why = NULL;
  char *result = NULL;

  G_LOCK (found);
  result = g_strdup (found);
  G_UNLOCK (found);
  if (result != NULL)
    return result;

  if (flint_python != NULL && *flint_python != '\0')
    {
      if (python_has_connect (flint_python, &why))
        result = g_strdup (flint_python);
      else
        g_string_append_printf (tried, _("\n  $FLINT_PYTHON (%s): %s"), flint_python, why);
      g_clear_pointer (&why, g_free);
    }
  else
    g_string_append (tried, _("\n  $FLINT_PYTHON: not set"));

  if (result == NULL)
    {
      python3 = g_find_program_in_path ("python3");
      if (python3 == NULL)
        g_string_append (tried, _("\n  python3 on PATH: not found"));
      else if (python_has_connect (python3, &why))
        result = g_steal_pointer (&python3);
      else
        g_string_append_printf (tried, _("\n  python3 (%s): %s"), python3, why);
    }

  if (result == NULL)
    {
      g_set_error (error, FLINT_TARGET_ERROR, FLINT_TARGET_ERROR_NOT_FOUND,
                   _("No Python with pyspark’s Spark Connect client found. Tried:%s\n"
                     "Install it (pip install \"pyspark[connect]\") and set FLINT_PYTHON."),
                   tried->str);
      return NULL;
    }

  G_LOCK (found);
  if (found == NULL)
    found = g_strdup (result);
  G_UNLOCK (found);
  return result;
}

/* }}} */

/* Submit {{{ */

typedef struct
{
  FlintRun *run;
  char     *python;
  char     *url;      /* with the token: never logged, never stored */
} SubmitData;

static void
submit_data_free (SubmitData *data)
{
  g_clear_object (&data->run);
  g_free (data->python);
  if (data->url != NULL)
    memset (data->url, 0, strlen (data->url));
  g_free (data->url);
  g_free (data);
}

/* In a thread: the Python, the token, and whether anything listens at the URL. */
static void
prepare_thread (GTask        *task,
                gpointer      source,
                gpointer      task_data,
                GCancellable *cancellable)
{
  FlintConnectTarget *self = source;
  SubmitData *data = task_data;
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(GError) local_error = NULL;
  GError *error = NULL;
  const char *token = NULL;

  data->python = find_python (&error);
  if (data->python == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  if (self->token_ref != NULL)
    {
      const char *name = self->token_ref + strlen ("env:");

      token = g_getenv (name);
      if (token == NULL || *token == '\0')
        {
          g_task_return_new_error (task, FLINT_TARGET_ERROR, FLINT_TARGET_ERROR_CONFIG,
                                   _("Target “%s”: the token comes from the environment variable %s, which is not set"),
                                   flint_target_get_name (FLINT_TARGET (self)), name);
          return;
        }
    }
  data->url = session_url (self, token);

  /* The Connect client retries an unreachable server for minutes: ask the network first. */
  g_socket_client_set_timeout (client, 10);
  connection = g_socket_client_connect_to_host (client, self->host, self->port, cancellable, &local_error);
  if (connection == NULL)
    {
      g_task_return_new_error (task, FLINT_TARGET_ERROR, FLINT_TARGET_ERROR_NOT_FOUND,
                               _("Cannot reach the Spark Connect server at %s: %s"), self->url, local_error->message);
      return;
    }
  g_io_stream_close (G_IO_STREAM (connection), NULL, NULL);
  g_task_return_boolean (task, TRUE);
}

static gboolean
launch (FlintConnectTarget  *self,
        SubmitData          *data,
        GError             **error)
{
  FlintRun *run = data->run;
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autofree char *launcher_path = flint_job_run_file (run, "flint_connect_launch.py");
  g_autofree char *workdir = NULL;
  g_autofree char *stdout_path = flint_job_run_file (run, "stdout.log");
  const char *stale[] = { "exit-status", "error", "cancel-requested" };
  const char *argv[4];
  JsonObject *target_data;
  GStatBuf st;
  int out_fd, err_fd;

  if (flint_run_get_run_dir (run) == NULL || flint_run_get_program_file (run) == NULL)
    {
      g_set_error (error, FLINT_TARGET_ERROR, FLINT_TARGET_ERROR_SUBMIT, _("The run has no program to run"));
      return FALSE;
    }
  if (!g_file_set_contents (launcher_path, launcher_py, -1, error))
    return FALSE;
  flint_job_remove_run_files (run, stale, G_N_ELEMENTS (stale));

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  g_subprocess_launcher_set_child_setup (launcher, flint_job_process_child_setup, NULL, NULL);
  g_subprocess_launcher_setenv (launcher, "FLINT_RUN_DIR", flint_run_get_run_dir (run), TRUE);
  g_subprocess_launcher_setenv (launcher, "FLINT_RUN_ID", flint_run_get_id (run), TRUE);
  g_subprocess_launcher_setenv (launcher, "FLINT_CONNECT_URL", data->url, TRUE);
  g_subprocess_launcher_setenv (launcher, "PYTHONUNBUFFERED", "1", TRUE);
  g_subprocess_launcher_unsetenv (launcher, "SPARK_REMOTE");
  if (flint_run_get_pipeline_file (run) != NULL)
    workdir = g_path_get_dirname (flint_run_get_pipeline_file (run));
  else
    workdir = g_strdup (flint_run_get_run_dir (run));
  g_subprocess_launcher_set_cwd (launcher, workdir);

  /* Events are read from here on: earlier attempts' lines are history. */
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

  argv[0] = data->python;
  argv[1] = launcher_path;
  argv[2] = flint_run_get_program_file (run);
  argv[3] = NULL;
  process = g_subprocess_launcher_spawnv (launcher, argv, error);
  if (process == NULL)
    return FALSE;

  flint_job_process_watch (self->processes, run, process);

  target_data = json_object_new ();
  json_object_set_int_member (target_data, "pid", atoi (g_subprocess_get_identifier (process)));
  json_object_set_string_member (target_data, "url", self->url);
  json_object_set_string_member (target_data, "python", data->python);
  json_object_set_int_member (target_data, "events_offset", g_stat (stdout_path, &st) == 0 ? (gint64) st.st_size : 0);
  flint_run_set_target_data (run, target_data);
  json_object_unref (target_data);

  flint_run_set_external_id (run, g_subprocess_get_identifier (process));
  flint_run_set_ui_url (run, self->ui_url);
  flint_run_set_state (run, FLINT_RUN_RUNNING);
  return TRUE;
}

static void
prepared (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FlintConnectTarget *self = FLINT_CONNECT_TARGET (g_task_get_source_object (task));
  SubmitData *data = g_task_get_task_data (task);
  GError *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_task_return_error (task, error);
      return;
    }
  if (g_task_return_error_if_cancelled (task))
    return;
  if (self->processes == NULL || !launch (self, data, &error))
    g_task_return_error (task, error ? error : g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CLOSED, "disposed"));
  else
    g_task_return_boolean (task, TRUE);
}

static void
connect_submit_async (FlintTarget         *target,
                      FlintRun            *run,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  GTask *task = g_task_new (target, cancellable, callback, user_data);
  GTask *prepare = g_task_new (target, cancellable, prepared, task);
  SubmitData *data = g_new0 (SubmitData, 1);

  g_task_set_source_tag (task, connect_submit_async);
  data->run = g_object_ref (run);
  g_task_set_task_data (task, data, (GDestroyNotify) submit_data_free);
  g_task_set_task_data (prepare, data, NULL);
  g_task_run_in_thread (prepare, prepare_thread);
  g_object_unref (prepare);
}

static gboolean
connect_finish (FlintTarget   *target,
                GAsyncResult  *result,
                GError       **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* }}} */

/* Refresh: the launcher's events, then whether it ended {{{ */

typedef struct
{
  FlintRun *run;
  char     *path;
  guint64   offset;
  guint64   next;
  GBytes   *lines;        /* whole lines from offset on */
  gboolean  exited;
  gboolean  know_status;
  int       exit_status;
} RefreshData;

static void
refresh_data_free (RefreshData *data)
{
  g_clear_object (&data->run);
  g_free (data->path);
  g_clear_pointer (&data->lines, g_bytes_unref);
  g_free (data);
}

static void
read_events_thread (GTask        *task,
                    gpointer      source,
                    gpointer      task_data,
                    GCancellable *cancellable)
{
  RefreshData *data = task_data;
  g_autoptr(GByteArray) bytes = flint_job_read_file_from (data->path, data->offset);
  guint keep;

  /* A line still being written is read next time. */
  for (keep = bytes->len; keep > 0 && bytes->data[keep - 1] != '\n'; keep--)
    ;
  g_byte_array_set_size (bytes, keep);
  data->next = data->offset + bytes->len;
  data->lines = g_byte_array_free_to_bytes (g_steal_pointer (&bytes));
  g_task_return_boolean (task, TRUE);
}

static void
apply_event (FlintRun   *run,
             JsonObject *event)
{
  const char *kind = json_object_get_string_member_with_default (event, "event", "");
  const char *node_id = json_object_get_string_member_with_default (event, "node", NULL);
  const FlintNodeProgress *known;
  FlintNodeProgress progress = { 0 };

  if (node_id == NULL)
    return;
  known = flint_run_lookup_progress (run, node_id);
  if (known != NULL)
    progress = *known;
  progress.node_id = (char *) node_id;
  if (progress.label == NULL)
    progress.label = (char *) json_object_get_string_member_with_default (event, "name", NULL);

  /* One sink action, one operation on the server: counted as one job of one task. */
  if (g_str_equal (kind, "start"))
    {
      progress.jobs_total++;
      progress.stages_total++;
      progress.tasks_total++;
    }
  else if (g_str_equal (kind, "done"))
    {
      progress.jobs_done++;
      progress.stages_done++;
      progress.tasks_done++;
    }
  else if (g_str_equal (kind, "failed"))
    progress.jobs_failed++;
  else
    return;
  flint_run_update_progress (run, &progress);
}

static void
apply_events (FlintRun *run,
              GBytes   *lines)
{
  gsize size = 0;
  const char *text = g_bytes_get_data (lines, &size);
  g_autofree char *copy = g_strndup (text, size);
  g_auto(GStrv) split = g_strsplit (copy, "\n", -1);

  for (guint i = 0; split[i] != NULL; i++)
    {
      g_autoptr(JsonParser) parser = NULL;
      JsonNode *root;

      if (!g_str_has_prefix (split[i], EVENT_PREFIX))
        continue;
      parser = json_parser_new ();
      if (!json_parser_load_from_data (parser, split[i] + strlen (EVENT_PREFIX), -1, NULL))
        continue;
      root = json_parser_get_root (parser);
      if (JSON_NODE_HOLDS_OBJECT (root))
        apply_event (run, json_node_get_object (root));
    }
}

static char *
failure_message (FlintRun *run,
                 int       exit_status)
{
  g_autofree char *error = flint_job_read_run_file (run, "error");
  g_autofree char *last = NULL;

  if (error != NULL && *error != '\0')
    return g_steal_pointer (&error);
  last = flint_job_process_last_stderr_line (run);
  if (last != NULL)
    return g_strdup_printf (_("The Spark Connect client exited with status %d: %s"), exit_status, last);
  return g_strdup_printf (_("The Spark Connect client exited with status %d"), exit_status);
}

static char *
lost_message (FlintRun *run,
              int       exit_status)
{
  return g_strdup_printf (_("The Spark Connect client (pid %s) ended while no Flint was watching and left no exit status; "
                            "its logs are in %s"),
                          flint_run_get_external_id (run), flint_run_get_run_dir (run));
}

static void
finish_run (FlintConnectTarget *self,
            FlintRun           *run,
            gboolean            know_status,
            int                 exit_status)
{
  if (self->processes != NULL)
    g_hash_table_remove (self->processes, flint_run_get_id (run));
  flint_job_process_conclude (run, know_status, exit_status, lost_message, failure_message);
}

static void
events_read (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FlintConnectTarget *self = FLINT_CONNECT_TARGET (source);
  RefreshData *data = g_task_get_task_data (task);

  g_task_propagate_boolean (G_TASK (result), NULL);
  if (flint_run_state_is_finished (flint_run_get_state (data->run)))
    {
      g_task_return_boolean (task, TRUE);
      return;
    }
  if (data->lines != NULL && g_bytes_get_size (data->lines) > 0)
    {
      apply_events (data->run, data->lines);
      json_object_set_int_member (flint_run_get_target_data (data->run), "events_offset", (gint64) data->next);
      flint_run_save_target_data (data->run);
    }
  if (data->exited)
    finish_run (self, data->run, data->know_status, data->exit_status);
  g_task_return_boolean (task, TRUE);
}

static void
connect_refresh_async (FlintTarget         *target,
                       FlintRun            *run,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  FlintConnectTarget *self = FLINT_CONNECT_TARGET (target);
  g_autoptr(GTask) task = g_task_new (target, cancellable, callback, user_data);
  GTask *read;
  RefreshData *data;
  FlintJobProcess *cp;
  pid_t pid = (pid_t) flint_job_data_int (run, "pid");

  g_task_set_source_tag (task, connect_refresh_async);

  if (flint_run_state_is_finished (flint_run_get_state (run)))
    {
      g_task_return_boolean (task, TRUE);
      return;
    }
  if (pid <= 0)
    {
      flint_run_set_message (run, _("Flint stopped while submitting this run; whether it started is unknown"));
      flint_run_set_state (run, FLINT_RUN_LOST);
      g_task_return_boolean (task, TRUE);
      return;
    }

  data = g_new0 (RefreshData, 1);
  data->run = g_object_ref (run);
  data->path = flint_job_run_file (run, "stdout.log");
  data->offset = (guint64) flint_job_data_int (run, "events_offset");
  /* Whether it ended, before reading: everything it wrote is then in the file. */
  cp = self->processes ? g_hash_table_lookup (self->processes, flint_run_get_id (run)) : NULL;
  if (cp != NULL && cp->exited)
    {
      data->exited = TRUE;
      data->know_status = WIFEXITED (cp->wait_status);
      data->exit_status = data->know_status ? WEXITSTATUS (cp->wait_status) : -1;
    }
  else if (cp == NULL && !flint_job_process_alive (run, pid))
    data->exited = TRUE;
  g_task_set_task_data (task, data, (GDestroyNotify) refresh_data_free);

  read = g_task_new (target, cancellable, events_read, g_steal_pointer (&task));
  g_task_set_task_data (read, data, NULL);
  g_task_run_in_thread (read, read_events_thread);
  g_object_unref (read);
}

static guint
connect_get_poll_interval (FlintTarget *target,
                           FlintRun    *run)
{
  return FLINT_CONNECT_TARGET (target)->poll_interval;
}

/* }}} */

/* Cancel: the launcher interrupts the session's operations, then ends {{{ */

static void
connect_cancel_async (FlintTarget         *target,
                      FlintRun            *run,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  FlintConnectTarget *self = FLINT_CONNECT_TARGET (target);
  g_autoptr(GTask) task = g_task_new (target, cancellable, callback, user_data);
  pid_t pid = (pid_t) flint_job_data_int (run, "pid");

  g_task_set_source_tag (task, connect_cancel_async);

  if (flint_run_state_is_finished (flint_run_get_state (run)))
    {
      g_task_return_boolean (task, TRUE);
      return;
    }
  /* SIGTERM to the launcher alone: it calls interruptAll () on its session, so the server
   * stops too. */
  flint_job_process_cancel (run, pid, FALSE, self->kill_grace);
  g_task_return_boolean (task, TRUE);
}

/* }}} */

/* Logs: the launcher's output {{{ */

static void
connect_read_logs_async (FlintTarget         *target,
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
connect_read_logs_finish (FlintTarget   *target,
                          GAsyncResult  *result,
                          guint64       *next_offset,
                          GError       **error)
{
  return flint_job_process_read_logs_finish (result, next_offset, error);
}

/* }}} */

static FlintTargetFlags
connect_get_flags (FlintTarget *target)
{
  /* The server does the work: the local concurrency limit does not apply. */
  return FLINT_TARGET_FLAGS_NONE;
}

static const char *
config_string (FlintTarget  *target,
               JsonObject   *config,
               const char   *key,
               GError      **error)
{
  JsonNode *node = json_object_get_member (config, key);

  if (node == NULL)
    return NULL;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    {
      g_set_error (error, FLINT_TARGET_ERROR, FLINT_TARGET_ERROR_CONFIG,
                   _("Target “%s”: %s must be a string"), flint_target_get_name (target), key);
      return NULL;
    }
  return json_node_get_string (node);
}

static gboolean
connect_configure (FlintTarget  *target,
                   JsonObject   *config,
                   GError      **error)
{
  FlintConnectTarget *self = FLINT_CONNECT_TARGET (target);
  GError *local_error = NULL;
  const char *url = config_string (target, config, "url", &local_error);
  const char *token = local_error ? NULL : config_string (target, config, "token", &local_error);
  const char *ui_url = local_error ? NULL : config_string (target, config, "ui_url", &local_error);
  JsonNode *use_ssl = json_object_get_member (config, "use_ssl");
  g_autofree char *host = NULL;
  g_autofree char *params = NULL;
  guint port = 0;

  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return FALSE;
    }
  if (url == NULL)
    {
      g_set_error (error, FLINT_TARGET_ERROR, FLINT_TARGET_ERROR_CONFIG,
                   _("Target “%s”: url is missing (sc://host:15002)"), flint_target_get_name (target));
      return FALSE;
    }
  if (!flint_connect_parse_url (url, &host, &port, &params, &local_error))
    {
      g_set_error (error, FLINT_TARGET_ERROR, FLINT_TARGET_ERROR_CONFIG,
                   _("Target “%s”: %s"), flint_target_get_name (target), local_error->message);
      g_error_free (local_error);
      return FALSE;
    }
  /* A token in the URL would be a secret in the pipeline file. */
  if (params != NULL && (g_str_has_prefix (params, "token=") || strstr (params, ";token=") != NULL))
    {
      g_set_error (error, FLINT_TARGET_ERROR, FLINT_TARGET_ERROR_CONFIG,
                   _("Target “%s”: the url must not hold the token; refer to it instead: token: env:NAME"),
                   flint_target_get_name (target));
      return FALSE;
    }
  if (token != NULL && (!g_str_has_prefix (token, "env:") || token[4] == '\0'))
    {
      g_set_error (error, FLINT_TARGET_ERROR, FLINT_TARGET_ERROR_CONFIG,
                   _("Target “%s”: token must be a reference to a secret, env:NAME"), flint_target_get_name (target));
      return FALSE;
    }
  if (use_ssl != NULL && (!JSON_NODE_HOLDS_VALUE (use_ssl) || json_node_get_value_type (use_ssl) != G_TYPE_BOOLEAN))
    {
      g_set_error (error, FLINT_TARGET_ERROR, FLINT_TARGET_ERROR_CONFIG,
                   _("Target “%s”: use_ssl must be true or false"), flint_target_get_name (target));
      return FALSE;
    }

  g_free (self->url);
  self->url = g_strdup (url);
  g_free (self->host);
  self->host = g_steal_pointer (&host);
  if (self->host[0] == '[')
    {
      /* [v6] for the URL, v6 for the socket */
      char *bare = g_strndup (self->host + 1, strlen (self->host) - 2);

      g_free (self->host);
      self->host = bare;
    }
  self->port = port;
  g_free (self->params);
  self->params = g_steal_pointer (&params);
  g_free (self->token_ref);
  self->token_ref = g_strdup (token);
  self->use_ssl = use_ssl != NULL && json_node_get_boolean (use_ssl);
  g_free (self->ui_url);
  if (ui_url != NULL)
    self->ui_url = g_strdup (ui_url);
  else
    {
      gboolean bracket = strchr (self->host, ':') != NULL;

      /* The server is a Spark driver: its UI is on the usual port. */
      self->ui_url = g_strdup_printf ("http://%s%s%s:4040", bracket ? "[" : "", self->host, bracket ? "]" : "");
    }
  return TRUE;
}

static void
flint_connect_target_iface_init (FlintTargetInterface *iface)
{
  iface->get_flags = connect_get_flags;
  iface->configure = connect_configure;
  iface->submit_async = connect_submit_async;
  iface->submit_finish = connect_finish;
  iface->refresh_async = connect_refresh_async;
  iface->refresh_finish = connect_finish;
  iface->cancel_async = connect_cancel_async;
  iface->cancel_finish = connect_finish;
  iface->read_logs_async = connect_read_logs_async;
  iface->read_logs_finish = connect_read_logs_finish;
  iface->get_poll_interval = connect_get_poll_interval;
}

void
flint_connect_target_set_poll_interval (FlintConnectTarget *self,
                                        guint               msec)
{
  g_return_if_fail (FLINT_IS_CONNECT_TARGET (self));

  self->poll_interval = MAX (msec, 10);
}

void
flint_connect_target_set_kill_grace (FlintConnectTarget *self,
                                     guint               msec)
{
  g_return_if_fail (FLINT_IS_CONNECT_TARGET (self));

  self->kill_grace = msec;
}
