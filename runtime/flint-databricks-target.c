/* flint-databricks-target.c: one-time runs on Databricks through the Jobs API
 *
 * What the run store keeps (target data): host and profile (never the token), the
 * workspace file, the idempotency token, run_id and the task's run_id, the last states
 * seen and how many looks were taken. A Flint that died between sending runs/submit and
 * reading its answer leaves the run SUBMITTING without a run_id: the next Flint submits
 * again with the same token, which Databricks answers with the run it already started.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "flint-runtime"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "flint-credentials.h"
#include "flint-databricks-client.h"
#include "flint-databricks-target.h"
#include "flint-export.h"

typedef struct
{
  guint  interval;
  char  *signature;   /* life_cycle_state and state_message of the last look */
} PollState;

struct _FlintDatabricksTarget
{
  GObject                parent_instance;

  char                  *profile;
  char                  *host;
  char                  *workspace_path;
  FlintDatabricksClient *client;
  guint                  min_ms;
  guint                  max_ms;
  guint                  retry_base_ms;
  guint                  timeout_s;
  GHashTable            *polls;   /* run id -> PollState */
};

static void flint_databricks_target_iface_init (FlintTargetInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (FlintDatabricksTarget, flint_databricks_target, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (FLINT_TYPE_TARGET, flint_databricks_target_iface_init))

static void
poll_state_free (PollState *state)
{
  g_free (state->signature);
  g_free (state);
}

static void
flint_databricks_target_dispose (GObject *object)
{
  FlintDatabricksTarget *self = FLINT_DATABRICKS_TARGET (object);

  g_clear_object (&self->client);
  g_clear_pointer (&self->polls, g_hash_table_unref);

  G_OBJECT_CLASS (flint_databricks_target_parent_class)->dispose (object);
}

static void
flint_databricks_target_finalize (GObject *object)
{
  FlintDatabricksTarget *self = FLINT_DATABRICKS_TARGET (object);

  g_free (self->profile);
  g_free (self->host);
  g_free (self->workspace_path);

  G_OBJECT_CLASS (flint_databricks_target_parent_class)->finalize (object);
}

static void
flint_databricks_target_class_init (FlintDatabricksTargetClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = flint_databricks_target_dispose;
  object_class->finalize = flint_databricks_target_finalize;
}

static void
flint_databricks_target_init (FlintDatabricksTarget *self)
{
  self->min_ms = 2000;
  self->max_ms = 15000;
  self->retry_base_ms = 1000;
  self->timeout_s = 60;
  self->polls = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) poll_state_free);
}

/* Registered when the runtime is linked (runtime/meson.build links this file whole). */
__attribute__((constructor)) static void
register_kind (void)
{
  flint_target_register_kind ("databricks", FLINT_TYPE_DATABRICKS_TARGET);
}

/* Helpers {{{ */

static JsonObject *
data_of (FlintRun *run)
{
  return flint_run_get_target_data (run);
}

static gint64
data_run_id (FlintRun *run)
{
  return json_object_get_int_member_with_default (data_of (run), "run_id", 0);
}

char *
flint_databricks_idempotency_token (FlintRun *run)
{
  g_return_val_if_fail (FLINT_IS_RUN (run), NULL);

  /* At most 64 characters: "flint-" + a 36-character UUID + "-" + the attempt. */
  return g_strdup_printf ("flint-%s-%u", flint_run_get_id (run), flint_run_get_attempt (run));
}

static char *
sanitize (const char *name)
{
  GString *out = g_string_new (NULL);

  for (const char *p = name ? name : "pipeline"; *p; p++)
    g_string_append_c (out, g_ascii_isalnum (*p) || *p == '-' || *p == '_' ? *p : '_');
  return g_string_free (out, FALSE);
}

static PollState *
poll_state (FlintDatabricksTarget *self,
            FlintRun              *run)
{
  PollState *state = g_hash_table_lookup (self->polls, flint_run_get_id (run));

  if (state == NULL)
    {
      state = g_new0 (PollState, 1);
      state->interval = self->min_ms;
      g_hash_table_insert (self->polls, g_strdup (flint_run_get_id (run)), state);
    }
  return state;
}

/* }}} */

/* Credentials, resolved once per target in a thread (a file, maybe D-Bus) {{{ */

typedef struct
{
  char *profile;
  char *host;
} AuthData;

static void
auth_data_free (AuthData *data)
{
  g_free (data->profile);
  g_free (data->host);
  g_free (data);
}

static void
auth_thread (GTask        *task,
             gpointer      source,
             gpointer      task_data,
             GCancellable *cancellable)
{
  AuthData *data = task_data;
  GError *error = NULL;
  FlintDatabricksAuth *auth = flint_databricks_auth_resolve (data->profile, data->host, cancellable, &error);

  if (auth == NULL)
    {
      GError *config = g_error_new (FLINT_TARGET_ERROR, FLINT_TARGET_ERROR_CONFIG, _("Target “%s”: %s"),
                                    flint_target_get_name (source), error->message);

      g_error_free (error);
      g_task_return_error (task, config);
      return;
    }
  g_task_return_pointer (task, auth, (GDestroyNotify) flint_databricks_auth_free);
}

static void
client_ready (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FlintDatabricksTarget *self = FLINT_DATABRICKS_TARGET (source);
  GError *error = NULL;
  FlintDatabricksAuth *auth = g_task_propagate_pointer (G_TASK (result), &error);

  if (auth == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (self->client == NULL)
    {
      self->client = flint_databricks_client_new (auth);
      flint_databricks_client_set_retry (self->client, self->retry_base_ms, MAX (self->max_ms, 30000), 8, self->timeout_s);
    }
  else
    flint_databricks_auth_free (auth);
  g_task_return_boolean (task, TRUE);
}

static void
ensure_client_async (FlintDatabricksTarget *self,
                     GCancellable          *cancellable,
                     GAsyncReadyCallback    callback,
                     gpointer               user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  GTask *thread;
  AuthData *data;

  if (self->client != NULL)
    {
      g_task_return_boolean (task, TRUE);
      g_object_unref (task);
      return;
    }
  data = g_new0 (AuthData, 1);
  data->profile = g_strdup (self->profile);
  data->host = g_strdup (self->host);
  thread = g_task_new (self, cancellable, client_ready, task);
  g_task_set_task_data (thread, data, (GDestroyNotify) auth_data_free);
  g_task_run_in_thread (thread, auth_thread);
  g_object_unref (thread);
}

/* }}} */

/* Submit: upload, then runs/submit {{{ */

typedef struct
{
  FlintRun *run;
  JsonNode *body;          /* the runs/submit request */
  GBytes   *program;
  char     *workspace_dir;
  char     *workspace_file;
  char     *target_name;
  int       step;
} SubmitData;

static void
submit_data_free (SubmitData *data)
{
  g_clear_object (&data->run);
  g_clear_pointer (&data->body, json_node_unref);
  g_clear_pointer (&data->program, g_bytes_unref);
  g_free (data->workspace_dir);
  g_free (data->workspace_file);
  g_free (data->target_name);
  g_free (data);
}

/* The request the export engine writes for this pipeline and target, or, for a run
 * without a pipeline file, one task on a new cluster from the target's settings. */
static JsonNode *
submit_body (FlintDatabricksTarget  *self,
             SubmitData             *data,
             char                  **python_file,
             GError                **error)
{
  const char *pipeline_file = flint_run_get_pipeline_file (data->run);
  g_autoptr(JsonNode) config = NULL;
  JsonObject *target, *o, *task, *python, *cluster;
  JsonArray *tasks;

  if (pipeline_file != NULL && g_file_test (pipeline_file, G_FILE_TEST_EXISTS))
    {
      g_autoptr(GFile) file = g_file_new_for_path (pipeline_file);
      /* The environment the run was submitted with, exactly as `flint-cli export --env`. */
      g_autoptr(GPtrArray) files = flint_export_run (file, data->target_name,
                                                     flint_run_get_environment (data->run), error);
      g_autoptr(JsonParser) parser = json_parser_new ();

      if (files == NULL)
        return NULL;
      for (guint i = 0; i < files->len; i++)
        {
          FlintExportFile *f = g_ptr_array_index (files, i);

          if (g_str_equal (f->path, "runs-submit.json") &&
              json_parser_load_from_data (parser, f->content, -1, error))
            {
              JsonNode *root = json_parser_get_root (parser);
              JsonArray *list;

              if (!JSON_NODE_HOLDS_OBJECT (root) ||
                  (list = json_object_get_array_member (json_node_get_object (root), "tasks")) == NULL ||
                  json_array_get_length (list) != 1)
                break;
              task = json_array_get_object_element (list, 0);
              python = json_object_get_object_member (task, "spark_python_task");
              if (python == NULL)
                break;
              *python_file = g_strdup (json_object_get_string_member_with_default (python, "python_file", NULL));
              return json_node_copy (root);
            }
        }
      if (error != NULL && *error == NULL)
        g_set_error (error, FLINT_TARGET_ERROR, FLINT_TARGET_ERROR_SUBMIT,
                     _("The export engine made no one-task runs/submit request for target “%s”"), data->target_name);
      return NULL;
    }

  /* No pipeline file: a plain request from the target's settings. */
  if (flint_run_get_target_config (data->run) != NULL)
    config = json_from_string (flint_run_get_target_config (data->run), NULL);
  target = config && JSON_NODE_HOLDS_OBJECT (config) ? json_node_get_object (config) : NULL;

  o = json_object_new ();
  json_object_set_string_member (o, "run_name", flint_run_get_pipeline_name (data->run));
  tasks = json_array_new ();
  json_object_set_array_member (o, "tasks", tasks);
  task = json_object_new ();
  json_array_add_object_element (tasks, task);
  json_object_set_string_member (task, "task_key", "main");
  python = json_object_new ();
  json_object_set_object_member (task, "spark_python_task", python);
  json_object_set_string_member (python, "source", "WORKSPACE");
  if (target != NULL && json_object_has_member (target, "cluster_id"))
    json_object_set_string_member (task, "existing_cluster_id",
                                   json_object_get_string_member_with_default (target, "cluster_id", ""));
  else
    {
      cluster = json_object_new ();
      json_object_set_object_member (task, "new_cluster", cluster);
      json_object_set_string_member (cluster, "spark_version",
                                     target ? json_object_get_string_member_with_default (target, "runtime", "17.3.x-scala2.13")
                                            : "17.3.x-scala2.13");
      json_object_set_string_member (cluster, "node_type_id",
                                     target ? json_object_get_string_member_with_default (target, "node_type", "i3.xlarge")
                                            : "i3.xlarge");
      json_object_set_int_member (cluster, "num_workers",
                                  target ? json_object_get_int_member_with_default (target, "workers", 1) : 1);
    }
  *python_file = NULL;
  return json_node_init_object (json_node_alloc (), o);
}

static void
prepare_thread (GTask        *task,
                gpointer      source,
                gpointer      task_data,
                GCancellable *cancellable)
{
  FlintDatabricksTarget *self = source;
  SubmitData *data = task_data;
  g_autofree char *python_file = NULL;
  g_autofree char *base = NULL;
  g_autofree char *name = NULL;
  g_autofree char *contents = NULL;
  GError *error = NULL;
  gsize length = 0;
  JsonObject *python;

  if (flint_run_get_program_file (data->run) == NULL ||
      !g_file_get_contents (flint_run_get_program_file (data->run), &contents, &length, &error))
    {
      g_task_return_new_error (task, FLINT_TARGET_ERROR, FLINT_TARGET_ERROR_SUBMIT,
                               _("The run has no program to upload: %s"), error ? error->message : _("none was written"));
      g_clear_error (&error);
      return;
    }
  data->program = g_bytes_new_take (g_steal_pointer (&contents), length);

  data->body = submit_body (self, data, &python_file, &error);
  if (data->body == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  /* A directory per run: a later run never changes what an earlier one runs. */
  if (python_file != NULL && strrchr (python_file, '/') != NULL && python_file[0] == '/')
    base = g_path_get_dirname (python_file);
  else if (self->workspace_path != NULL)
    base = g_strdup (self->workspace_path);
  else
    {
      g_autofree char *pipeline = sanitize (flint_run_get_pipeline_name (data->run));

      base = g_strdup_printf ("/Workspace/Shared/flint/%s", pipeline);
    }
  while (strlen (base) > 1 && g_str_has_suffix (base, "/"))
    base[strlen (base) - 1] = '\0';
  name = g_path_get_basename (flint_run_get_program_file (data->run));
  data->workspace_dir = g_strdup_printf ("%s/runs/%s", base, flint_run_get_id (data->run));
  data->workspace_file = g_strdup_printf ("%s/%s", data->workspace_dir, name);

  python = json_object_get_object_member (json_array_get_object_element (
             json_object_get_array_member (json_node_get_object (data->body), "tasks"), 0), "spark_python_task");
  json_object_set_string_member (python, "python_file", data->workspace_file);
  json_object_set_string_member (python, "source", "WORKSPACE");

  g_task_return_boolean (task, TRUE);
}

static void submit_next (GTask *task);

static void
submit_called (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SubmitData *data = g_task_get_task_data (task);
  g_autoptr(JsonNode) answer = NULL;
  GError *error = NULL;

  answer = flint_databricks_client_call_finish (FLINT_DATABRICKS_CLIENT (source), result, NULL, &error);
  if (answer == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  if (data->step == 3)
    {
      JsonObject *o = json_node_get_object (answer);
      JsonNode *run_id = json_object_get_member (o, "run_id");
      g_autofree char *external = NULL;
      JsonObject *target_data = data_of (data->run);

      if (run_id == NULL || !JSON_NODE_HOLDS_VALUE (run_id) || json_node_get_int (run_id) <= 0)
        {
          g_task_return_new_error (task, FLINT_TARGET_ERROR, FLINT_TARGET_ERROR_SUBMIT,
                                   _("Databricks accepted the run but sent no run_id"));
          return;
        }
      /* An int64: never through a double. */
      json_object_set_int_member (target_data, "run_id", json_node_get_int (run_id));
      external = g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (run_id));
      flint_run_save_target_data (data->run);
      flint_run_set_external_id (data->run, external);
      flint_run_set_state (data->run, FLINT_RUN_RUNNING);
    }

  data->step++;
  submit_next (g_steal_pointer (&task));
}

static void
prepared (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_task_return_error (task, error);
      return;
    }
  ((SubmitData *) g_task_get_task_data (task))->step = 1;
  submit_next (g_steal_pointer (&task));
}

static void
submit_client_ready (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FlintDatabricksTarget *self = FLINT_DATABRICKS_TARGET (source);
  SubmitData *data = g_task_get_task_data (task);
  GError *error = NULL;
  GCancellable *cancellable;
  GTask *thread;
  JsonObject *target_data;
  g_autofree char *token = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_task_return_error (task, error);
      return;
    }

  /* Recorded before the first request: where it goes and the token that makes it once. */
  target_data = data_of (data->run);
  token = flint_databricks_idempotency_token (data->run);
  json_object_set_string_member (target_data, "host", flint_databricks_client_get_host (self->client));
  if (flint_databricks_client_get_profile (self->client) != NULL)
    json_object_set_string_member (target_data, "profile", flint_databricks_client_get_profile (self->client));
  json_object_set_string_member (target_data, "idempotency_token", token);
  flint_run_save_target_data (data->run);

  cancellable = g_task_get_cancellable (task);
  thread = g_task_new (self, cancellable, prepared, g_steal_pointer (&task));
  g_task_set_task_data (thread, data, NULL);
  g_task_run_in_thread (thread, prepare_thread);
  g_object_unref (thread);
}

static void
submit_next (GTask *task)
{
  FlintDatabricksTarget *self = g_task_get_source_object (task);
  SubmitData *data = g_task_get_task_data (task);
  g_autoptr(JsonNode) body = NULL;
  JsonObject *o;
  const char *path = NULL;

  if (g_task_return_error_if_cancelled (task))
    {
      g_object_unref (task);
      return;
    }

  switch (data->step)
    {
    case 1: /* the run's directory */
      o = json_object_new ();
      json_object_set_string_member (o, "path", data->workspace_dir);
      path = "/api/2.0/workspace/mkdirs";
      break;

    case 2: /* the program, as a workspace file (AUTO + .py without a notebook header) */
      {
        g_autofree char *content = g_base64_encode (g_bytes_get_data (data->program, NULL),
                                                    g_bytes_get_size (data->program));

        o = json_object_new ();
        json_object_set_string_member (o, "path", data->workspace_file);
        json_object_set_string_member (o, "format", "AUTO");
        json_object_set_string_member (o, "content", content);
        json_object_set_boolean_member (o, "overwrite", TRUE);
        json_object_set_string_member (data_of (data->run), "workspace_file", data->workspace_file);
        flint_run_save_target_data (data->run);
        path = "/api/2.0/workspace/import";
      }
      break;

    case 3:
      {
        g_autofree char *token = flint_databricks_idempotency_token (data->run);

        o = json_object_ref (json_node_get_object (data->body));
        json_object_set_string_member (o, "idempotency_token", token);
        path = "/api/2.2/jobs/runs/submit";
      }
      break;

    default:
      /* A cancel asked for while the run was being submitted. */
      if (json_object_get_boolean_member_with_default (data_of (data->run), "cancel_requested", FALSE))
        {
          g_autoptr(JsonNode) cancel = json_node_init_object (json_node_alloc (), json_object_new ());

          json_object_set_int_member (json_node_get_object (cancel), "run_id", data_run_id (data->run));
          flint_databricks_client_call_async (self->client, "POST", "/api/2.2/jobs/runs/cancel", cancel,
                                              NULL, NULL, NULL);
        }
      g_task_return_boolean (task, TRUE);
      g_object_unref (task);
      return;
    }

  body = json_node_init_object (json_node_alloc (), o);
  json_object_unref (o);
  flint_databricks_client_call_async (self->client, "POST", path, body, g_task_get_cancellable (task),
                                      submit_called, task);
}

static void
databricks_submit_async (FlintTarget         *target,
                         FlintRun            *run,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  FlintDatabricksTarget *self = FLINT_DATABRICKS_TARGET (target);
  GTask *task = g_task_new (target, cancellable, callback, user_data);
  SubmitData *data = g_new0 (SubmitData, 1);

  g_task_set_source_tag (task, databricks_submit_async);
  data->run = g_object_ref (run);
  data->target_name = g_strdup (flint_run_get_target_name (run) ? flint_run_get_target_name (run)
                                                                 : flint_target_get_name (target));
  g_task_set_task_data (task, data, (GDestroyNotify) submit_data_free);
  ensure_client_async (self, cancellable, submit_client_ready, task);
}

static gboolean
databricks_finish (FlintTarget   *target,
                   GAsyncResult  *result,
                   GError       **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* }}} */

/* Refresh: runs/get, and runs/get-output when it failed {{{ */

typedef struct
{
  FlintRun *run;
  char     *failure;    /* the state_message of a failed run, until get-output says more */
  int       outcome;    /* FlintRunState to set after get-output */
} RefreshData;

static void
refresh_data_free (RefreshData *data)
{
  g_clear_object (&data->run);
  g_free (data->failure);
  g_free (data);
}

static void
output_received (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  RefreshData *data = g_task_get_task_data (task);
  g_autoptr(JsonNode) answer = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;

  answer = flint_databricks_client_call_finish (FLINT_DATABRICKS_CLIENT (source), result, NULL, &error);
  if (answer == NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (answer != NULL)
    {
      const char *text = json_object_get_string_member_with_default (json_node_get_object (answer), "error", NULL);

      if (text != NULL && *text != '\0')
        message = g_strdup (text);
    }
  else
    g_debug ("No output for run %s: %s", flint_run_get_id (data->run), error->message);

  if (message == NULL)
    message = g_strdup (data->failure);
  flint_run_set_message (data->run, message);
  flint_run_set_state (data->run, data->outcome);
  g_task_return_boolean (task, TRUE);
}

static void
run_received (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FlintDatabricksTarget *self = g_task_get_source_object (task);
  RefreshData *data = g_task_get_task_data (task);
  FlintRun *run = data->run;
  g_autoptr(JsonNode) answer = NULL;
  GError *error = NULL;
  JsonObject *o, *state, *target_data = data_of (run);
  JsonArray *tasks;
  const char *life, *result_state, *state_message, *url;
  g_autofree char *signature = NULL;
  PollState *poll;

  answer = flint_databricks_client_call_finish (FLINT_DATABRICKS_CLIENT (source), result, NULL, &error);
  if (answer == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  o = json_node_get_object (answer);
  state = json_object_get_object_member (o, "state");
  life = state ? json_object_get_string_member_with_default (state, "life_cycle_state", "") : "";
  result_state = state ? json_object_get_string_member_with_default (state, "result_state", "") : "";
  state_message = state ? json_object_get_string_member_with_default (state, "state_message", "") : "";
  url = json_object_get_string_member_with_default (o, "run_page_url", NULL);
  tasks = json_object_get_array_member (o, "tasks");
  if (tasks != NULL && json_array_get_length (tasks) > 0)
    {
      JsonObject *first = json_array_get_object_element (tasks, 0);

      if (first != NULL && json_object_has_member (first, "run_id"))
        json_object_set_int_member (target_data, "task_run_id", json_object_get_int_member (first, "run_id"));
    }

  /* The interval grows while nothing changes and starts over when something does. */
  poll = poll_state (self, run);
  signature = g_strdup_printf ("%s|%s|%s", life, result_state, state_message);
  if (g_strcmp0 (signature, poll->signature) != 0)
    {
      g_free (poll->signature);
      poll->signature = g_steal_pointer (&signature);
      poll->interval = self->min_ms;
    }
  else
    poll->interval = MIN (self->max_ms, poll->interval + poll->interval / 2);

  json_object_set_string_member (target_data, "life_cycle_state", life);
  json_object_set_string_member (target_data, "result_state", result_state);
  json_object_set_int_member (target_data, "polls", json_object_get_int_member_with_default (target_data, "polls", 0) + 1);
  flint_run_save_target_data (run);
  if (url != NULL && g_strcmp0 (url, flint_run_get_ui_url (run)) != 0)
    flint_run_set_ui_url (run, url);

  if (g_str_equal (life, "TERMINATED") || g_str_equal (life, "SKIPPED") || g_str_equal (life, "INTERNAL_ERROR"))
    {
      gint64 task_run_id = json_object_get_int_member_with_default (target_data, "task_run_id", 0);

      if (g_str_equal (life, "TERMINATED") &&
          (g_str_equal (result_state, "SUCCESS") || g_str_equal (result_state, "SUCCESS_WITH_FAILURES")))
        {
          flint_run_set_message (run, NULL);
          flint_run_set_state (run, FLINT_RUN_SUCCEEDED);
        }
      else if (g_str_equal (result_state, "CANCELED"))
        {
          flint_run_set_message (run, *state_message ? state_message : _("Cancelled"));
          flint_run_set_state (run, FLINT_RUN_CANCELLED);
        }
      else
        {
          if (g_str_equal (life, "SKIPPED"))
            data->failure = g_strdup_printf (_("Databricks skipped the run: %s"), state_message);
          else if (g_str_equal (life, "INTERNAL_ERROR"))
            data->failure = g_strdup_printf (_("Databricks could not run it (internal error): %s"), state_message);
          else if (g_str_equal (result_state, "TIMEDOUT"))
            data->failure = g_strdup_printf (_("The run timed out on Databricks: %s"), state_message);
          else
            data->failure = g_strdup_printf (_("The run failed on Databricks (%s): %s"), result_state, state_message);
          data->outcome = FLINT_RUN_FAILED;

          if (task_run_id > 0)
            {
              g_autofree char *path = g_strdup_printf ("/api/2.2/jobs/runs/get-output?run_id=%" G_GINT64_FORMAT, task_run_id);

              flint_databricks_client_call_async (self->client, "GET", path, NULL, g_task_get_cancellable (task),
                                                  output_received, g_object_ref (task));
              return;
            }
          flint_run_set_message (run, data->failure);
          flint_run_set_state (run, FLINT_RUN_FAILED);
        }
      g_hash_table_remove (self->polls, flint_run_get_id (run));
      g_task_return_boolean (task, TRUE);
      return;
    }

  /* Queued, pending, running, terminating: Databricks has it. */
  if (g_str_equal (life, "RUNNING") || g_str_equal (life, "TERMINATING"))
    flint_run_set_message (run, NULL);
  else
    {
      g_autofree char *waiting = g_strdup_printf (_("Databricks: %s%s%s"), life, *state_message ? ": " : "", state_message);

      flint_run_set_message (run, waiting);
    }
  if (flint_run_get_state (run) != FLINT_RUN_RUNNING)
    flint_run_set_state (run, FLINT_RUN_RUNNING);
  g_task_return_boolean (task, TRUE);
}

static void
refresh_client_ready (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FlintDatabricksTarget *self = FLINT_DATABRICKS_TARGET (source);
  RefreshData *data = g_task_get_task_data (task);
  g_autofree char *path = NULL;
  GError *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_task_return_error (task, error);
      return;
    }
  path = g_strdup_printf ("/api/2.2/jobs/runs/get?run_id=%" G_GINT64_FORMAT, data_run_id (data->run));
  flint_databricks_client_call_async (self->client, "GET", path, NULL, g_task_get_cancellable (task),
                                      run_received, g_object_ref (task));
}

static void
databricks_refresh_async (FlintTarget         *target,
                          FlintRun            *run,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  FlintDatabricksTarget *self = FLINT_DATABRICKS_TARGET (target);
  GTask *task = g_task_new (target, cancellable, callback, user_data);
  RefreshData *data;

  g_task_set_source_tag (task, databricks_refresh_async);
  if (flint_run_state_is_finished (flint_run_get_state (run)) || data_run_id (run) <= 0)
    {
      /* Nothing to look at: finished, or not submitted yet (follow submits it again). */
      g_task_return_boolean (task, TRUE);
      g_object_unref (task);
      return;
    }
  data = g_new0 (RefreshData, 1);
  data->run = g_object_ref (run);
  g_task_set_task_data (task, data, (GDestroyNotify) refresh_data_free);
  ensure_client_async (self, cancellable, refresh_client_ready, task);
}

static guint
databricks_get_poll_interval (FlintTarget *target,
                              FlintRun    *run)
{
  return poll_state (FLINT_DATABRICKS_TARGET (target), run)->interval;
}

/* }}} */

/* Follow: submit again when an earlier Flint died mid-submit, then look until the end {{{ */

typedef struct
{
  FlintRun *run;
  guint     timeout_id;
  gulong    cancel_id;
} FollowData;

static void
follow_data_free (FollowData *data)
{
  g_assert (data->timeout_id == 0);
  g_clear_object (&data->run);
  g_free (data);
}

static void follow_look (GTask *task);

static gboolean
follow_tick (gpointer user_data)
{
  GTask *task = user_data;
  FollowData *data = g_task_get_task_data (task);

  data->timeout_id = 0;
  if (data->cancel_id != 0)
    g_cancellable_disconnect (g_task_get_cancellable (task), data->cancel_id);
  data->cancel_id = 0;
  follow_look (g_object_ref (task));
  return G_SOURCE_REMOVE;
}

static gboolean
follow_stop (gpointer user_data)
{
  GTask *task = user_data;
  FollowData *data = g_task_get_task_data (task);

  if (data->timeout_id != 0)
    {
      guint id = data->timeout_id;

      g_object_ref (task);
      follow_tick (task);
      g_source_remove (id);
      g_object_unref (task);
    }
  return G_SOURCE_REMOVE;
}

static void
follow_cancelled (GCancellable *cancellable,
                  gpointer      user_data)
{
  g_idle_add_full (G_PRIORITY_DEFAULT, follow_stop, g_object_ref (user_data), g_object_unref);
}

static void
follow_step_done (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  GTask *task = user_data;   /* owned */
  FlintTarget *self = FLINT_TARGET (source);
  FollowData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  guint interval;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      /* A refused token or a run Databricks does not know: following cannot go on. */
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
          g_error_matches (error, FLINT_TARGET_ERROR, FLINT_TARGET_ERROR_CONFIG) ||
          g_error_matches (error, FLINT_TARGET_ERROR, FLINT_TARGET_ERROR_UNKNOWN_RUN) ||
          (data_run_id (data->run) <= 0 && !g_error_matches (error, FLINT_TARGET_ERROR, FLINT_TARGET_ERROR_NOT_FOUND)))
        {
          g_task_return_error (task, g_steal_pointer (&error));
          g_object_unref (task);
          return;
        }
      /* The retries gave up on this look; the run goes on, and so do the looks. */
      g_debug ("Looking at run %s failed: %s", flint_run_get_id (data->run), error->message);
    }

  if (flint_run_state_is_finished (flint_run_get_state (data->run)))
    {
      g_task_return_boolean (task, TRUE);
      g_object_unref (task);
      return;
    }
  if (g_task_return_error_if_cancelled (task))
    {
      g_object_unref (task);
      return;
    }

  interval = databricks_get_poll_interval (self, data->run);
  data->timeout_id = g_timeout_add_full (G_PRIORITY_DEFAULT, interval, follow_tick, task, g_object_unref);
  if (g_task_get_cancellable (task) != NULL)
    data->cancel_id = g_cancellable_connect (g_task_get_cancellable (task), G_CALLBACK (follow_cancelled), task, NULL);
}

static void
follow_look (GTask *task)
{
  FlintTarget *self = g_task_get_source_object (task);
  FollowData *data = g_task_get_task_data (task);

  if (g_task_return_error_if_cancelled (task))
    {
      g_object_unref (task);
      return;
    }
  if (data_run_id (data->run) <= 0 && !flint_run_state_is_finished (flint_run_get_state (data->run)))
    {
      /* Recorded as submitting by a Flint that stopped before it read the run_id: the
       * same idempotency token gets the run it started, or starts it if it never did. */
      g_debug ("Run %s has no Databricks run_id: submitting it again with its token", flint_run_get_id (data->run));
      databricks_submit_async (self, data->run, g_task_get_cancellable (task), follow_step_done, task);
      return;
    }
  databricks_refresh_async (self, data->run, g_task_get_cancellable (task), follow_step_done, task);
}

static void
databricks_follow_async (FlintTarget         *target,
                         FlintRun            *run,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  GTask *task = g_task_new (target, cancellable, callback, user_data);
  FollowData *data = g_new0 (FollowData, 1);

  g_task_set_source_tag (task, databricks_follow_async);
  data->run = g_object_ref (run);
  g_task_set_task_data (task, data, (GDestroyNotify) follow_data_free);
  follow_look (task);
}

/* }}} */

/* Cancel {{{ */

static void
cancel_called (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(JsonNode) answer = NULL;
  GError *error = NULL;

  answer = flint_databricks_client_call_finish (FLINT_DATABRICKS_CLIENT (source), result, NULL, &error);
  if (answer == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
cancel_client_ready (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FlintDatabricksTarget *self = FLINT_DATABRICKS_TARGET (source);
  FlintRun *run = g_task_get_task_data (task);
  g_autoptr(JsonNode) body = NULL;
  GError *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_task_return_error (task, error);
      return;
    }
  body = json_node_init_object (json_node_alloc (), json_object_new ());
  json_object_set_int_member (json_node_get_object (body), "run_id", data_run_id (run));
  /* Asynchronous on Databricks: the follow sees TERMINATED / CANCELED. */
  flint_databricks_client_call_async (self->client, "POST", "/api/2.2/jobs/runs/cancel", body,
                                      g_task_get_cancellable (task), cancel_called, g_object_ref (task));
}

static void
databricks_cancel_async (FlintTarget         *target,
                         FlintRun            *run,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  GTask *task = g_task_new (target, cancellable, callback, user_data);

  g_task_set_source_tag (task, databricks_cancel_async);
  g_task_set_task_data (task, g_object_ref (run), g_object_unref);
  if (flint_run_state_is_finished (flint_run_get_state (run)))
    {
      g_task_return_boolean (task, TRUE);
      g_object_unref (task);
      return;
    }
  if (data_run_id (run) <= 0)
    {
      /* Still being submitted: the submit cancels it as soon as it has its run_id. */
      json_object_set_boolean_member (data_of (run), "cancel_requested", TRUE);
      flint_run_save_target_data (run);
      g_task_return_boolean (task, TRUE);
      g_object_unref (task);
      return;
    }
  ensure_client_async (FLINT_DATABRICKS_TARGET (target), cancellable, cancel_client_ready, task);
}

/* }}} */

/* Logs: runs/get-output of the task (stdout: logs; stderr: the error and its trace) {{{ */

typedef struct
{
  FlintRun       *run;
  FlintLogStream  stream;
  guint64         offset;
  guint64         next;
} LogData;

static void
log_data_free (LogData *data)
{
  g_clear_object (&data->run);
  g_free (data);
}

static void
logs_received (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  LogData *data = g_task_get_task_data (task);
  g_autoptr(JsonNode) answer = NULL;
  g_autoptr(GString) text = g_string_new (NULL);
  GError *error = NULL;
  JsonObject *o;

  answer = flint_databricks_client_call_finish (FLINT_DATABRICKS_CLIENT (source), result, NULL, &error);
  if (answer == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  o = json_node_get_object (answer);
  if (data->stream == FLINT_LOG_STDOUT)
    g_string_append (text, json_object_get_string_member_with_default (o, "logs", ""));
  else
    {
      const char *err = json_object_get_string_member_with_default (o, "error", "");
      const char *trace = json_object_get_string_member_with_default (o, "error_trace", "");

      if (*trace != '\0')
        g_string_append_printf (text, "%s%s", trace, g_str_has_suffix (trace, "\n") ? "" : "\n");
      else if (*err != '\0')
        g_string_append_printf (text, "%s\n", err);
    }

  data->next = MAX (data->offset, text->len);
  if (data->offset >= text->len)
    g_task_return_pointer (task, g_bytes_new (NULL, 0), (GDestroyNotify) g_bytes_unref);
  else
    g_task_return_pointer (task, g_bytes_new (text->str + data->offset, text->len - data->offset),
                           (GDestroyNotify) g_bytes_unref);
}

static void
logs_client_ready (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FlintDatabricksTarget *self = FLINT_DATABRICKS_TARGET (source);
  LogData *data = g_task_get_task_data (task);
  gint64 task_run_id = json_object_get_int_member_with_default (data_of (data->run), "task_run_id", 0);
  g_autofree char *path = NULL;
  GError *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_task_return_error (task, error);
      return;
    }
  if (task_run_id <= 0)
    {
      g_task_return_pointer (task, g_bytes_new (NULL, 0), (GDestroyNotify) g_bytes_unref);
      return;
    }
  path = g_strdup_printf ("/api/2.2/jobs/runs/get-output?run_id=%" G_GINT64_FORMAT, task_run_id);
  flint_databricks_client_call_async (self->client, "GET", path, NULL, g_task_get_cancellable (task),
                                      logs_received, g_object_ref (task));
}

static void
databricks_read_logs_async (FlintTarget         *target,
                            FlintRun            *run,
                            FlintLogStream       stream,
                            guint64              offset,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  GTask *task = g_task_new (target, cancellable, callback, user_data);
  LogData *data = g_new0 (LogData, 1);

  g_task_set_source_tag (task, databricks_read_logs_async);
  data->run = g_object_ref (run);
  data->stream = stream;
  data->offset = offset;
  data->next = offset;
  g_task_set_task_data (task, data, (GDestroyNotify) log_data_free);
  ensure_client_async (FLINT_DATABRICKS_TARGET (target), cancellable, logs_client_ready, task);
}

static GBytes *
databricks_read_logs_finish (FlintTarget   *target,
                             GAsyncResult  *result,
                             guint64       *next_offset,
                             GError       **error)
{
  LogData *data = g_task_get_task_data (G_TASK (result));
  GBytes *bytes = g_task_propagate_pointer (G_TASK (result), error);

  if (next_offset != NULL)
    *next_offset = bytes ? data->next : data->offset;
  return bytes;
}

/* }}} */

static gboolean
string_setting (FlintTarget  *target,
                JsonObject   *config,
                const char   *key,
                char        **out,
                GError      **error)
{
  JsonNode *node = json_object_get_member (config, key);

  g_clear_pointer (out, g_free);
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    {
      g_set_error (error, FLINT_TARGET_ERROR, FLINT_TARGET_ERROR_CONFIG,
                   _("Target “%s”: %s must be a string"), flint_target_get_name (target), key);
      return FALSE;
    }
  *out = g_strdup (json_node_get_string (node));
  return TRUE;
}

static gboolean
databricks_configure (FlintTarget  *target,
                      JsonObject   *config,
                      GError      **error)
{
  FlintDatabricksTarget *self = FLINT_DATABRICKS_TARGET (target);

  if (json_object_has_member (config, "token"))
    {
      g_set_error (error, FLINT_TARGET_ERROR, FLINT_TARGET_ERROR_CONFIG,
                   _("Target “%s”: a token never goes in the pipeline file: use a profile of %s, "
                     "DATABRICKS_TOKEN, or enter it in Flint (kept in the keyring)"),
                   flint_target_get_name (target), "~/.databrickscfg");
      return FALSE;
    }
  if (!string_setting (target, config, "profile", &self->profile, error) ||
      !string_setting (target, config, "host", &self->host, error) ||
      !string_setting (target, config, "workspace_path", &self->workspace_path, error))
    return FALSE;
  if (self->workspace_path != NULL && self->workspace_path[0] != '/')
    {
      g_set_error (error, FLINT_TARGET_ERROR, FLINT_TARGET_ERROR_CONFIG,
                   _("Target “%s”: workspace_path must be an absolute workspace path such as /Workspace/Users/me@example.com/flint"),
                   flint_target_get_name (target));
      return FALSE;
    }
  /* New settings, maybe new credentials. */
  g_clear_object (&self->client);
  return TRUE;
}

static void
flint_databricks_target_iface_init (FlintTargetInterface *iface)
{
  iface->configure = databricks_configure;
  iface->submit_async = databricks_submit_async;
  iface->submit_finish = databricks_finish;
  iface->follow_async = databricks_follow_async;
  iface->follow_finish = databricks_finish;
  iface->refresh_async = databricks_refresh_async;
  iface->refresh_finish = databricks_finish;
  iface->cancel_async = databricks_cancel_async;
  iface->cancel_finish = databricks_finish;
  iface->read_logs_async = databricks_read_logs_async;
  iface->read_logs_finish = databricks_read_logs_finish;
  iface->get_poll_interval = databricks_get_poll_interval;
}

void
flint_databricks_target_set_timing (FlintDatabricksTarget *self,
                                    guint                  min_ms,
                                    guint                  max_ms,
                                    guint                  retry_base_ms,
                                    guint                  timeout_s)
{
  g_return_if_fail (FLINT_IS_DATABRICKS_TARGET (self));

  self->min_ms = MAX (min_ms, 10);
  self->max_ms = MAX (max_ms, self->min_ms);
  self->retry_base_ms = MAX (retry_base_ms, 1);
  self->timeout_s = MAX (timeout_s, 1);
  if (self->client != NULL)
    flint_databricks_client_set_retry (self->client, self->retry_base_ms, MAX (self->max_ms, 30000), 8, self->timeout_s);
}
