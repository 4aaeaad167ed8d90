/* flint-kube-target.c: Spark on Kubernetes through the spark-operator
 *
 * Everything a later process needs to re-attach is in the run's target data: namespace,
 * application name, the last resourceVersion seen, the driver pod and UI service. The
 * cluster itself says whether Flint asked to cancel (the annotation flint.io/cancelled on
 * the application before it is deleted), so any process following the run tells a cancel
 * from an application deleted behind its back.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "flint-runtime"

#include "config.h"

#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include <string.h>
#include <unistd.h>

#include "flint-codegen.h"
#include "flint-job-settings.h"
#include "flint-kube-client.h"
#include "flint-kube-target.h"
#include "flint-kubeconfig.h"
#include "flint-model.h"
#include "flint-spec-private.h"
#include "flint-spec-yaml.h"

#define APPS_API "/apis/sparkoperator.k8s.io/v1beta2"
#define CANCEL_ANNOTATION "flint.io/cancelled"
#define RUN_ID_LABEL "flint.io/run-id"
#define DRIVER_CONTAINER "spark-kubernetes-driver"

struct _FlintKubeTarget
{
  GObject          parent_instance;

  JsonObject      *config;
  FlintKubeClient *client;
  char            *namespace;
  guint            poll_interval;
  guint            watch_timeout;
};

static void flint_kube_target_iface_init (FlintTargetInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (FlintKubeTarget, flint_kube_target, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (FLINT_TYPE_TARGET, flint_kube_target_iface_init))

static void
flint_kube_target_dispose (GObject *object)
{
  FlintKubeTarget *self = FLINT_KUBE_TARGET (object);

  g_clear_object (&self->client);

  G_OBJECT_CLASS (flint_kube_target_parent_class)->dispose (object);
}

static void
flint_kube_target_finalize (GObject *object)
{
  FlintKubeTarget *self = FLINT_KUBE_TARGET (object);

  g_clear_pointer (&self->config, json_object_unref);
  g_free (self->namespace);

  G_OBJECT_CLASS (flint_kube_target_parent_class)->finalize (object);
}

static void
flint_kube_target_class_init (FlintKubeTargetClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = flint_kube_target_dispose;
  object_class->finalize = flint_kube_target_finalize;
}

static void
flint_kube_target_init (FlintKubeTarget *self)
{
  self->poll_interval = 2000;
  self->watch_timeout = 300;
}

/* Helpers {{{ */

static const char *
config_string (FlintKubeTarget *self,
               const char      *key)
{
  JsonNode *node = self->config ? json_object_get_member (self->config, key) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

/* The client, made on first use so that a missing kubeconfig does not stop
 * `flint-cli status` from listing runs. */
static FlintKubeClient *
get_client (FlintKubeTarget  *self,
            GError          **error)
{
  g_autoptr(FlintKubeconfig) kubeconfig = NULL;
  g_autoptr(FlintKubeContext) context = NULL;
  const char *ns;

  if (self->client != NULL)
    return self->client;

  kubeconfig = flint_kubeconfig_load (config_string (self, "kubeconfig"), error);
  if (kubeconfig == NULL)
    return NULL;
  context = flint_kubeconfig_resolve (kubeconfig, config_string (self, "context"), error);
  if (context == NULL)
    return NULL;
  self->client = flint_kube_client_new (context, error);
  if (self->client == NULL)
    return NULL;

  ns = config_string (self, "namespace");
  g_free (self->namespace);
  self->namespace = g_strdup (ns && *ns ? ns : context->namespace ? context->namespace : "default");
  return self->client;
}

static const char *
data_string (FlintRun   *run,
             const char *key)
{
  return json_object_get_string_member_with_default (flint_run_get_target_data (run), key, NULL);
}

static void
data_set_string (FlintRun   *run,
                 const char *key,
                 const char *value)
{
  JsonObject *data = flint_run_get_target_data (run);

  if (g_strcmp0 (json_object_get_string_member_with_default (data, key, NULL), value) == 0)
    return;
  if (value == NULL)
    json_object_remove_member (data, key);
  else
    json_object_set_string_member (data, key, value);
  flint_run_save_target_data (run);
}

static void
data_increment (FlintRun   *run,
                const char *key)
{
  JsonObject *data = flint_run_get_target_data (run);

  json_object_set_int_member (data, key, json_object_get_int_member_with_default (data, key, 0) + 1);
  flint_run_save_target_data (run);
}

static JsonObject *
object_member (JsonObject *object,
               const char *name)
{
  JsonNode *node = object ? json_object_get_member (object, name) : NULL;

  return node && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

static const char *
string_member (JsonObject *object,
               const char *name)
{
  JsonNode *node = object ? json_object_get_member (object, name) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static char *
apps_path (const char *ns,
           const char *name)
{
  return name ? g_strdup_printf (APPS_API "/namespaces/%s/sparkapplications/%s", ns, name)
              : g_strdup_printf (APPS_API "/namespaces/%s/sparkapplications", ns);
}

char *
flint_kube_target_dup_app_name (FlintRun *run)
{
  g_autoptr(GString) name = g_string_new (NULL);
  const char *pipeline = flint_run_get_pipeline_name (run);
  const char *id = flint_run_get_id (run);

  /* A DNS label: lower-case letters, digits and dashes; short enough that the operator's
   * "<name>-ui-svc" and "<name>-driver" stay within 63 characters. */
  for (const char *p = pipeline ? pipeline : "flint"; *p && name->len < 40; p++)
    {
      char c = g_ascii_tolower (*p);

      if (g_ascii_isalnum (c))
        g_string_append_c (name, c);
      else if (name->len > 0 && name->str[name->len - 1] != '-')
        g_string_append_c (name, '-');
    }
  while (name->len > 0 && name->str[name->len - 1] == '-')
    g_string_truncate (name, name->len - 1);
  if (name->len == 0 || !g_ascii_isalpha (name->str[0]))
    g_string_prepend (name, "flint-");
  g_string_append_c (name, '-');
  for (const char *p = id; *p && name->len < 64; p++)
    {
      if (g_ascii_isalnum (*p))
        g_string_append_c (name, g_ascii_tolower (*p));
      if (p - id >= 7)
        break;
    }
  return g_string_free (g_steal_pointer (&name), FALSE);
}

static char *
ui_path (const char *ns,
         const char *service,
         gint64      port)
{
  return g_strdup_printf ("/api/v1/namespaces/%s/services/%s:%" G_GINT64_FORMAT "/proxy", ns, service, port);
}

/* }}} */

/* The documents {{{ */

/* What `flint-cli export` writes for the run's pipeline and target, named for the run. */
static gboolean
build_documents (FlintKubeTarget  *self,
                 FlintRun         *run,
                 JsonNode        **config_map_out,
                 JsonNode        **app_out,
                 GError          **error)
{
  g_autoptr(GFile) file = NULL;
  g_autoptr(FlintPipeline) pipeline = NULL;
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func ((GDestroyNotify) flint_export_file_free);
  g_autoptr(JsonNode) config_map = NULL;
  g_autoptr(JsonNode) app = NULL;
  g_autoptr(JsonNode) target_config = NULL;
  g_autofree char *code = NULL;
  g_autofree char *name = flint_kube_target_dup_app_name (run);
  g_autofree char *code_name = g_strconcat (name, "-code", NULL);
  g_autofree char *proxy = NULL;
  g_auto(GStrv) documents = NULL;
  FlintSpecJob job = { 0 };
  FlintSpecSet set = { 0 };
  JsonObject *metadata, *spec, *labels, *conf;
  JsonArray *volumes;
  gboolean ok;

  if (flint_run_get_pipeline_file (run) == NULL || flint_run_get_program_file (run) == NULL)
    {
      g_set_error (error, FLINT_TARGET_ERROR, FLINT_TARGET_ERROR_SUBMIT,
                   _("A Kubernetes run needs its pipeline file and generated program"));
      return FALSE;
    }

  file = g_file_new_for_path (flint_run_get_pipeline_file (run));
  pipeline = flint_pipeline_load_from_file (flint_catalog_get_default (), file, NULL, error);
  if (pipeline == NULL)
    return FALSE;
  /* The run's target settings are the ones its environment resolved. */
  if (flint_run_get_target_config (run) != NULL)
    {
      g_autofree char *setting = g_strconcat ("targets.", flint_target_get_name (FLINT_TARGET (self)), NULL);

      target_config = json_from_string (flint_run_get_target_config (run), NULL);
      if (target_config != NULL && JSON_NODE_HOLDS_OBJECT (target_config))
        flint_pipeline_take_job_setting (pipeline, setting, json_node_copy (target_config));
    }

  if (!g_file_get_contents (flint_run_get_program_file (run), &code, NULL, error))
    return FALSE;

  /* The environment the run was submitted with, exactly as `flint-cli export --env`. */
  job.settings = flint_job_settings_resolve (pipeline, flint_target_get_name (FLINT_TARGET (self)),
                                             flint_run_get_environment (run), error);
  if (job.settings == NULL)
    return FALSE;
  job.source_name = g_file_get_basename (file);
  job.code_filename = g_path_get_basename (flint_run_get_program_file (run));
  job.code_text = g_steal_pointer (&code);
  job.task_key = g_strdup (name);
  set.name = job.settings->name;
  set.source_name = job.source_name;
  set.jobs = g_ptr_array_new ();
  g_ptr_array_add (set.jobs, &job);

  ok = flint_spec_kubernetes (&set, files, error);

  g_ptr_array_unref (set.jobs);
  flint_job_settings_free (job.settings);
  g_free (job.source_name);
  g_free (job.code_filename);
  g_free (job.code_text);
  g_free (job.task_key);
  if (!ok)
    return FALSE;

  /* One file: a header, then "---" before each of the two documents. */
  documents = g_strsplit (((FlintExportFile *) g_ptr_array_index (files, 0))->content, "\n---\n", -1);
  /* The split took each document's last newline, which ends the program's literal block. */
  for (guint i = 0; documents[i] != NULL; i++)
    {
      char *whole = g_strconcat (documents[i], "\n", NULL);

      g_free (documents[i]);
      documents[i] = whole;
    }
  if (g_strv_length (documents) != 3 ||
      (config_map = flint_spec_yaml_parse (documents[1], strlen (documents[1]), error)) == NULL ||
      (app = flint_spec_yaml_parse (documents[2], strlen (documents[2]), error)) == NULL)
    {
      if (error != NULL && *error == NULL)
        g_set_error (error, FLINT_TARGET_ERROR, FLINT_TARGET_ERROR_SUBMIT, _("The export gave no ConfigMap and SparkApplication"));
      return FALSE;
    }

  metadata = object_member (json_node_get_object (config_map), "metadata");
  json_object_set_string_member (metadata, "name", code_name);
  json_object_set_string_member (metadata, "namespace", self->namespace);
  labels = object_member (metadata, "labels");
  json_object_set_string_member (labels, RUN_ID_LABEL, flint_run_get_id (run));

  /* A scheduled pipeline run now is one application of its template. */
  if (g_strcmp0 (string_member (json_node_get_object (app), "kind"), "ScheduledSparkApplication") == 0)
    {
      JsonObject *template = object_member (object_member (json_node_get_object (app), "spec"), "template");

      json_object_ref (template);
      json_object_set_string_member (json_node_get_object (app), "kind", "SparkApplication");
      json_object_set_object_member (json_node_get_object (app), "spec", template);
    }
  metadata = object_member (json_node_get_object (app), "metadata");
  json_object_set_string_member (metadata, "name", name);
  json_object_set_string_member (metadata, "namespace", self->namespace);
  labels = object_member (metadata, "labels");
  json_object_set_string_member (labels, RUN_ID_LABEL, flint_run_get_id (run));
  spec = object_member (json_node_get_object (app), "spec");
  volumes = json_object_get_array_member (spec, "volumes");
  for (guint i = 0; volumes != NULL && i < json_array_get_length (volumes); i++)
    {
      JsonObject *cm = object_member (json_array_get_object_element (volumes, i), "configMap");

      if (cm != NULL)
        json_object_set_string_member (cm, "name", code_name);
    }
  /* The UI then renders through the API server's service proxy, where Flint links to it. */
  conf = object_member (spec, "sparkConf");
  if (conf == NULL)
    {
      conf = json_object_new ();
      json_object_set_object_member (spec, "sparkConf", conf);
    }
  {
    g_autofree char *service = g_strconcat (name, "-ui-svc", NULL);

    proxy = ui_path (self->namespace, service, 4040);
  }
  json_object_set_string_member (conf, "spark.ui.proxyBase", proxy);
  json_object_set_string_member (conf, "spark.flint.run.id", flint_run_get_id (run));

  *config_map_out = g_steal_pointer (&config_map);
  *app_out = g_steal_pointer (&app);
  return TRUE;
}

/* }}} */

/* Submit {{{ */

typedef struct
{
  FlintRun *run;
  JsonNode *config_map;
  JsonNode *app;
  char     *name;
} SubmitData;

static void
submit_data_free (SubmitData *data)
{
  g_object_unref (data->run);
  g_clear_pointer (&data->config_map, json_node_unref);
  g_clear_pointer (&data->app, json_node_unref);
  g_free (data->name);
  g_free (data);
}

static void
submit_done (GTask      *task,
             JsonObject *app)
{
  FlintKubeTarget *self = g_task_get_source_object (task);
  SubmitData *data = g_task_get_task_data (task);
  JsonObject *metadata = object_member (app, "metadata");
  g_autofree char *service = g_strconcat (data->name, "-ui-svc", NULL);
  g_autofree char *path = ui_path (self->namespace, service, 4040);
  g_autofree char *url = g_strconcat (flint_kube_client_get_server (self->client), path, "/", NULL);

  data_set_string (data->run, "uid", string_member (metadata, "uid"));
  flint_run_set_ui_url (data->run, url);
  flint_run_set_state (data->run, FLINT_RUN_RUNNING);
  g_task_return_boolean (task, TRUE);
}

static void
existing_read (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SubmitData *data = g_task_get_task_data (task);
  g_autoptr(JsonNode) app = NULL;
  GError *error = NULL;
  JsonObject *labels;

  app = flint_kube_client_request_finish (FLINT_KUBE_CLIENT (source), result, &error);
  if (app == NULL || !JSON_NODE_HOLDS_OBJECT (app))
    {
      g_task_return_error (task, error ? error : g_error_new_literal (FLINT_TARGET_ERROR, FLINT_TARGET_ERROR_SUBMIT, "?"));
      return;
    }
  labels = object_member (object_member (json_node_get_object (app), "metadata"), "labels");
  if (g_strcmp0 (string_member (labels, RUN_ID_LABEL), flint_run_get_id (data->run)) != 0)
    {
      g_task_return_new_error (task, FLINT_TARGET_ERROR, FLINT_TARGET_ERROR_SUBMIT,
                               _("A SparkApplication named %s that is not this run's already exists"), data->name);
      return;
    }
  /* An earlier attempt at this submit got through: that application is this run. */
  submit_done (task, json_node_get_object (app));
}

static void
app_created (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FlintKubeTarget *self = g_task_get_source_object (task);
  SubmitData *data = g_task_get_task_data (task);
  g_autoptr(JsonNode) app = NULL;
  GError *error = NULL;

  app = flint_kube_client_request_finish (FLINT_KUBE_CLIENT (source), result, &error);
  if (app == NULL)
    {
      g_autofree char *path = apps_path (self->namespace, data->name);

      if (g_error_matches (error, FLINT_KUBE_ERROR, SOUP_STATUS_CONFLICT))
        {
          GCancellable *cancellable = g_task_get_cancellable (task);

          g_error_free (error);
          flint_kube_client_request_async (self->client, "GET", path, NULL, NULL, cancellable,
                                           existing_read, g_steal_pointer (&task));
          return;
        }
      if (g_error_matches (error, FLINT_KUBE_ERROR, SOUP_STATUS_NOT_FOUND))
        {
          g_task_return_new_error (task, FLINT_TARGET_ERROR, FLINT_TARGET_ERROR_SUBMIT,
                                   _("The cluster has no SparkApplication API in namespace %s: "
                                     "is the spark-operator installed? (%s)"), self->namespace, error->message);
          g_error_free (error);
          return;
        }
      g_prefix_error (&error, _("Cannot create the SparkApplication %s/%s: "), self->namespace, data->name);
      g_task_return_error (task, error);
      return;
    }
  submit_done (task, JSON_NODE_HOLDS_OBJECT (app) ? json_node_get_object (app) : NULL);
}

static void
config_map_applied (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FlintKubeTarget *self = g_task_get_source_object (task);
  SubmitData *data = g_task_get_task_data (task);
  g_autoptr(JsonNode) answer = NULL;
  g_autofree char *path = apps_path (self->namespace, NULL);
  g_autofree char *query = g_strconcat (path, "?fieldManager=flint", NULL);
  GCancellable *cancellable = g_task_get_cancellable (task);
  GError *error = NULL;

  answer = flint_kube_client_request_finish (FLINT_KUBE_CLIENT (source), result, &error);
  if (answer == NULL)
    {
      g_prefix_error (&error, _("Cannot store the program in ConfigMap %s/%s-code: "), self->namespace, data->name);
      g_task_return_error (task, error);
      return;
    }
  /* Create, never apply: a second create of the same name is refused, so a retried
   * submit cannot start the application twice or change one that runs. */
  flint_kube_client_request_async (self->client, "POST", query, NULL, data->app, cancellable,
                                   app_created, g_steal_pointer (&task));
}

static void
kube_submit_async (FlintTarget         *target,
                   FlintRun            *run,
                   GCancellable        *cancellable,
                   GAsyncReadyCallback  callback,
                   gpointer             user_data)
{
  FlintKubeTarget *self = FLINT_KUBE_TARGET (target);
  g_autoptr(GTask) task = g_task_new (target, cancellable, callback, user_data);
  g_autofree char *path = NULL;
  g_autofree char *external = NULL;
  SubmitData *data;
  GError *error = NULL;
  JsonObject *target_data;

  g_task_set_source_tag (task, kube_submit_async);
  if (get_client (self, &error) == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  data = g_new0 (SubmitData, 1);
  data->run = g_object_ref (run);
  data->name = flint_kube_target_dup_app_name (run);
  g_task_set_task_data (task, data, (GDestroyNotify) submit_data_free);
  if (!build_documents (self, run, &data->config_map, &data->app, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  /* Recorded before the first request: a process that takes over after a crash knows
   * which application to look for. */
  target_data = json_object_new ();
  json_object_set_string_member (target_data, "namespace", self->namespace);
  json_object_set_string_member (target_data, "name", data->name);
  json_object_set_string_member (target_data, "server", flint_kube_client_get_server (self->client));
  flint_run_set_target_data (run, target_data);
  json_object_unref (target_data);
  external = g_strdup_printf ("%s/%s", self->namespace, data->name);
  flint_run_set_external_id (run, external);

  path = g_strdup_printf ("/api/v1/namespaces/%s/configmaps/%s-code?fieldManager=flint&force=true",
                          self->namespace, data->name);
  flint_kube_client_request_async (self->client, "PATCH", path, "application/apply-patch+yaml", data->config_map,
                                   cancellable, config_map_applied, g_steal_pointer (&task));
}

static gboolean
kube_finish (FlintTarget   *target,
             GAsyncResult  *result,
             GError       **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* }}} */

/* What the application says {{{ */

/* Applies an application object to the run; TRUE when the run is over. */
static gboolean
apply_app (FlintKubeTarget *self,
           FlintRun        *run,
           JsonObject      *app)
{
  JsonObject *metadata = object_member (app, "metadata");
  JsonObject *status = object_member (app, "status");
  JsonObject *driver = object_member (status, "driverInfo");
  JsonObject *app_state = object_member (status, "applicationState");
  const char *state = string_member (app_state, "state");
  const char *error_message = string_member (app_state, "errorMessage");
  const char *pod = string_member (driver, "podName");
  const char *service = string_member (driver, "webUIServiceName");
  const char *ns = data_string (run, "namespace");

  if (flint_run_state_is_finished (flint_run_get_state (run)))
    return TRUE;

  if (pod != NULL)
    data_set_string (run, "driver_pod", pod);
  if (string_member (status, "sparkApplicationId") != NULL)
    data_set_string (run, "spark_app_id", string_member (status, "sparkApplicationId"));
  if (service != NULL && ns != NULL)
    {
      gint64 port = json_object_get_int_member_with_default (driver, "webUIPort", 4040);
      g_autofree char *path = ui_path (ns, service, port > 0 ? port : 4040);
      g_autofree char *url = g_strconcat (data_string (run, "server") ? data_string (run, "server") : "", path, "/", NULL);

      data_set_string (run, "ui_path", path);
      flint_run_set_ui_url (run, url);
    }
  if (metadata != NULL && g_strcmp0 (string_member (object_member (metadata, "annotations"), CANCEL_ANNOTATION), "true") == 0)
    data_set_string (run, "cancelled", "true");

  if (g_strcmp0 (state, "COMPLETED") == 0)
    {
      flint_run_set_message (run, NULL);
      flint_run_set_state (run, FLINT_RUN_SUCCEEDED);
      return TRUE;
    }
  if (g_strcmp0 (state, "FAILED") == 0 || g_strcmp0 (state, "SUBMISSION_FAILED") == 0)
    {
      g_autofree char *message = NULL;

      if (error_message != NULL && *error_message != '\0')
        message = g_strdup (error_message);
      else if (g_str_equal (state, "SUBMISSION_FAILED"))
        message = g_strdup (_("The spark-operator could not submit the application"));
      else
        message = g_strdup (_("The driver failed"));
      flint_run_set_message (run, message);
      flint_run_set_state (run, FLINT_RUN_FAILED);
      return TRUE;
    }

  /* Still going: say what the operator is doing when it is not plain running. */
  if (g_strcmp0 (state, "PENDING_RERUN") == 0)
    flint_run_set_message (run, error_message && *error_message
                                ? error_message : _("The attempt failed; the spark-operator runs it again"));
  else if (g_strcmp0 (state, "UNKNOWN") == 0)
    flint_run_set_message (run, _("The spark-operator cannot tell the driver's state"));
  else if (g_strcmp0 (state, "INVALIDATING") == 0)
    flint_run_set_message (run, _("The application changed; the spark-operator restarts it"));
  else if (state == NULL || *state == '\0')
    flint_run_set_message (run, _("Waiting for the spark-operator"));
  else
    flint_run_set_message (run, NULL);
  if (flint_run_get_state (run) != FLINT_RUN_RUNNING)
    flint_run_set_state (run, FLINT_RUN_RUNNING);
  return FALSE;
}

/* The application is gone: cancelled by Flint, or deleted by someone else. */
static void
app_gone (FlintRun *run)
{
  g_autofree char *message = NULL;

  if (flint_run_state_is_finished (flint_run_get_state (run)))
    return;
  if (g_strcmp0 (data_string (run, "cancelled"), "true") == 0)
    {
      flint_run_set_message (run, _("Cancelled"));
      flint_run_set_state (run, FLINT_RUN_CANCELLED);
      return;
    }
  message = g_strdup_printf (_("The SparkApplication %s/%s was deleted before it finished"),
                             data_string (run, "namespace"), data_string (run, "name"));
  flint_run_set_message (run, message);
  flint_run_set_state (run, FLINT_RUN_LOST);
}

/* }}} */

/* Progress from the driver's REST API {{{ */

static void
apply_jobs (FlintRun  *run,
            JsonArray *jobs)
{
  g_autoptr(GHashTable) totals = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) flint_node_progress_free);
  g_autoptr(GPtrArray) order = g_ptr_array_new ();

  for (guint i = 0; i < json_array_get_length (jobs); i++)
    {
      JsonObject *job = json_array_get_object_element (jobs, i);
      const char *description = job ? json_object_get_string_member_with_default (job, "description", NULL) : NULL;
      g_autofree char *node_id = flint_target_node_from_description (description);
      const char *status;
      FlintNodeProgress *p;
      JsonArray *stage_ids;
      gint64 stages;

      if (node_id == NULL)
        continue;
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

  for (guint i = 0; i < order->len; i++)
    flint_run_update_progress (run, g_ptr_array_index (order, i));
  if (order->len > 0)
    data_increment (run, "rest_polls");
}

/* }}} */

/* Follow {{{ */

typedef struct
{
  FlintKubeTarget  *self;
  FlintRun         *run;
  GTask            *task;
  GCancellable     *cancellable;     /* the task's; stops everything */
  GCancellable     *watch_cancel;    /* the current watch only */
  GDataInputStream *lines;
  char             *rv;
  guint             backoff;         /* ms before the next reconnect */
  guint             retry_id;
  guint             poll_id;
  gboolean          polling;
  gboolean          done;
  /* The driver's log, streamed to driver.log. */
  GInputStream     *log_stream;
  GCancellable     *log_cancel;
  int               log_fd;
  guint64           log_written;     /* bytes in driver.log */
  guint64           log_seen;        /* bytes of the current stream */
  gboolean          log_open;
  guint             log_retry_id;
  gulong            cancelled_id;
  gint64            last_event;      /* monotonic time of the watch's last line */
  gint64            last_rest;       /* of the last look at the driver's REST API */
  gboolean          resyncing;
} Follow;

static void follow_list (Follow *f);
static void follow_watch (Follow *f);
static void follow_log_open (Follow *f);
static gboolean follow_apply (Follow *f, JsonObject *app);

static void
follow_free (Follow *f)
{
  g_clear_handle_id (&f->retry_id, g_source_remove);
  g_clear_handle_id (&f->poll_id, g_source_remove);
  g_clear_handle_id (&f->log_retry_id, g_source_remove);
  if (f->cancelled_id != 0)
    g_cancellable_disconnect (f->cancellable, f->cancelled_id);
  g_clear_object (&f->watch_cancel);
  g_clear_object (&f->log_cancel);
  g_clear_object (&f->lines);
  g_clear_object (&f->log_stream);
  if (f->log_fd >= 0)
    close (f->log_fd);
  g_clear_object (&f->run);
  g_clear_object (&f->self);
  g_clear_object (&f->cancellable);
  g_free (f->rv);
  g_free (f);
}

static void
follow_end (Follow *f,
            GError *error)
{
  GTask *task = f->task;

  if (f->done)
    {
      g_clear_error (&error);
      return;
    }
  f->done = TRUE;
  g_clear_handle_id (&f->retry_id, g_source_remove);
  g_clear_handle_id (&f->poll_id, g_source_remove);
  g_clear_handle_id (&f->log_retry_id, g_source_remove);
  if (f->watch_cancel)
    g_cancellable_cancel (f->watch_cancel);
  if (f->log_cancel)
    g_cancellable_cancel (f->log_cancel);
  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
  /* The task's data (f) goes with the task. */
  g_object_unref (task);
}

static void
set_rv (Follow     *f,
        const char *rv)
{
  if (rv == NULL || *rv == '\0' || g_strcmp0 (rv, f->rv) == 0)
    return;
  g_free (f->rv);
  f->rv = g_strdup (rv);
  data_set_string (f->run, "resource_version", rv);
}

static gboolean
retry_due (gpointer user_data)
{
  Follow *f = user_data;

  f->retry_id = 0;
  if (f->rv != NULL)
    follow_watch (f);
  else
    follow_list (f);
  return G_SOURCE_REMOVE;
}

/* The connection failed: try again after a growing pause (the API server may be
 * restarting). */
static void
follow_reconnect (Follow     *f,
                  GError     *error)
{
  if (f->done)
    return;
  if (error != NULL)
    {
      g_autofree char *message = g_strdup_printf (_("Lost the connection to the API server (%s); reconnecting"), error->message);

      flint_run_set_message (f->run, message);
      g_debug ("%s", message);
    }
  data_increment (f->run, "reconnects");
  f->backoff = f->backoff == 0 ? 250 : MIN (f->backoff * 2, 5000);
  g_clear_handle_id (&f->retry_id, g_source_remove);
  f->retry_id = g_timeout_add (f->backoff, retry_due, f);
}

static void
poll_jobs_read (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  Follow *f = user_data;
  g_autoptr(GTask) hold = f->task;
  g_autoptr(JsonNode) jobs = flint_kube_client_request_finish (FLINT_KUBE_CLIENT (source), result, NULL);

  f->polling = FALSE;
  if (jobs != NULL && JSON_NODE_HOLDS_ARRAY (jobs) && !f->done)
    apply_jobs (f->run, json_node_get_array (jobs));
}

static void
poll_apps_read (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  Follow *f = user_data;
  g_autoptr(GTask) hold = f->task;
  g_autoptr(JsonNode) apps = flint_kube_client_request_finish (FLINT_KUBE_CLIENT (source), result, NULL);
  const char *id = NULL;

  if (apps != NULL && JSON_NODE_HOLDS_ARRAY (apps) && json_array_get_length (json_node_get_array (apps)) > 0)
    id = json_object_get_string_member_with_default (json_array_get_object_element (json_node_get_array (apps), 0), "id", NULL);
  if (id == NULL || f->done)
    {
      /* The UI is not up yet (or any more). */
      f->polling = FALSE;
      return;
    }
  data_set_string (f->run, "rest_app_id", id);
  {
    g_autofree char *path = g_strdup_printf ("%s/api/v1/applications/%s/jobs", data_string (f->run, "ui_path"), id);

    g_object_ref (f->task);
    flint_kube_client_request_async (f->self->client, "GET", path, NULL, NULL, f->cancellable, poll_jobs_read, f);
  }
}

static void
resync_read (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  Follow *f = user_data;
  g_autoptr(GTask) hold = f->task;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) app = flint_kube_client_request_finish (FLINT_KUBE_CLIENT (source), result, &error);
  const char *rv;

  f->resyncing = FALSE;
  if (f->done)
    return;
  if (app == NULL)
    {
      if (g_error_matches (error, FLINT_KUBE_ERROR, SOUP_STATUS_NOT_FOUND))
        {
          app_gone (f->run);
          follow_end (f, NULL);
        }
      else if (!g_error_matches (error, FLINT_KUBE_ERROR, error ? error->code : 0) && f->watch_cancel != NULL)
        /* The server cannot be reached: the watch's connection is dead too, whether or
         * not its read has noticed. */
        g_cancellable_cancel (f->watch_cancel);
      return;
    }
  if (!JSON_NODE_HOLDS_OBJECT (app))
    return;
  rv = string_member (object_member (json_node_get_object (app), "metadata"), "resourceVersion");
  if (rv != NULL && g_strcmp0 (rv, f->rv) != 0)
    data_increment (f->run, "resyncs");
  if (follow_apply (f, json_node_get_object (app)))
    {
      follow_end (f, NULL);
      return;
    }
  if (rv != NULL && g_strcmp0 (rv, f->rv) != 0 && f->watch_cancel != NULL)
    {
      /* The watch missed a change: it is stale; watch again from what the GET saw. */
      set_rv (f, rv);
      g_cancellable_cancel (f->watch_cancel);
    }
}

/* A watch that has said nothing for a while gets checked with a plain GET: a connection
 * can die without its pending read ever hearing of it. */
static void
follow_resync (Follow *f)
{
  g_autofree char *path = NULL;

  if (f->resyncing || f->done || f->lines == NULL ||
      g_get_monotonic_time () - f->last_event < 5 * G_USEC_PER_SEC)
    return;
  f->resyncing = TRUE;
  f->last_event = g_get_monotonic_time ();
  path = apps_path (data_string (f->run, "namespace"), data_string (f->run, "name"));
  g_object_ref (f->task);
  flint_kube_client_request_async (f->self->client, "GET", path, NULL, NULL, f->cancellable, resync_read, f);
}

static gboolean
poll_due (gpointer user_data)
{
  Follow *f = user_data;
  const char *ui = data_string (f->run, "ui_path");
  g_autofree char *path = NULL;

  follow_resync (f);

  if (f->polling || ui == NULL || flint_run_get_state (f->run) != FLINT_RUN_RUNNING)
    return G_SOURCE_CONTINUE;
  f->polling = TRUE;
  g_object_ref (f->task);
  path = g_strconcat (ui, "/api/v1/applications", NULL);
  flint_kube_client_request_async (f->self->client, "GET", path, NULL, NULL, f->cancellable, poll_apps_read, f);
  return G_SOURCE_CONTINUE;
}

/* The driver's log {{{ */

static void log_read (GObject *source, GAsyncResult *result, gpointer user_data);

static gboolean
log_retry_due (gpointer user_data)
{
  Follow *f = user_data;

  f->log_retry_id = 0;
  follow_log_open (f);
  return G_SOURCE_REMOVE;
}

static void
log_closed (Follow *f)
{
  g_clear_object (&f->log_stream);
  f->log_open = FALSE;
  /* The stream ends when the container does, or when the connection drops: open it again
   * while the run goes on; the bytes already kept are skipped. */
  if (!f->done && f->log_retry_id == 0)
    f->log_retry_id = g_timeout_add (1000, log_retry_due, f);
}

static void
log_read (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  Follow *f = user_data;
  g_autoptr(GTask) hold = f->task;
  g_autoptr(GBytes) bytes = g_input_stream_read_bytes_finish (G_INPUT_STREAM (source), result, NULL);
  gsize size;
  const guint8 *data;

  if (bytes == NULL || g_bytes_get_size (bytes) == 0 || f->done)
    {
      log_closed (f);
      return;
    }
  data = g_bytes_get_data (bytes, &size);
  if (f->log_seen + size > f->log_written)
    {
      guint64 skip = f->log_written > f->log_seen ? f->log_written - f->log_seen : 0;

      if (f->log_fd >= 0 && write (f->log_fd, data + skip, size - skip) == (ssize_t) (size - skip))
        f->log_written += size - skip;
    }
  f->log_seen += size;
  g_object_ref (f->task);
  g_input_stream_read_bytes_async (f->log_stream, 65536, G_PRIORITY_DEFAULT, f->log_cancel, log_read, f);
}

static void
log_opened (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  Follow *f = user_data;
  g_autoptr(GTask) hold = f->task;
  g_autoptr(GError) error = NULL;

  f->log_stream = flint_kube_client_open_finish (FLINT_KUBE_CLIENT (source), result, &error);
  if (f->log_stream == NULL || f->done)
    {
      g_debug ("The driver's log is not there yet: %s", error ? error->message : "");
      log_closed (f);
      return;
    }
  f->log_seen = 0;
  g_object_ref (f->task);
  g_input_stream_read_bytes_async (f->log_stream, 65536, G_PRIORITY_DEFAULT, f->log_cancel, log_read, f);
}

static void
follow_log_open (Follow *f)
{
  const char *pod = data_string (f->run, "driver_pod");
  const char *ns = data_string (f->run, "namespace");
  g_autofree char *path = NULL;

  if (f->done || f->log_open || pod == NULL || ns == NULL || f->log_fd < 0)
    return;
  f->log_open = TRUE;
  g_clear_object (&f->log_cancel);
  f->log_cancel = g_cancellable_new ();
  g_object_ref (f->task);
  path = g_strdup_printf ("/api/v1/namespaces/%s/pods/%s/log?container=" DRIVER_CONTAINER "&follow=true", ns, pod);
  flint_kube_client_open_async (f->self->client, path, f->log_cancel, log_opened, f);
}

/* }}} */

/* TRUE when the run is over. */
static gboolean
follow_apply (Follow     *f,
              JsonObject *app)
{
  gboolean over = apply_app (f->self, f->run, app);

  follow_log_open (f);
  return over;
}

static void
watch_line (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  Follow *f = user_data;
  g_autoptr(GTask) hold = f->task;
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *event, *object;
  const char *type;
  gsize length;

  line = g_data_input_stream_read_line_finish_utf8 (G_DATA_INPUT_STREAM (source), result, &length, &error);
  g_debug ("watch of %s: %s", data_string (f->run, "name"),
           line ? (length > 60 ? "an event" : line) : error ? error->message : "the end");
  if (f->done)
    return;
  if (line == NULL)
    {
      g_clear_object (&f->lines);
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) && g_cancellable_is_cancelled (f->cancellable))
        return;
      if (error == NULL)
        {
          /* A clean end (timeoutSeconds): watch again from where it was. */
          data_increment (f->run, "rewatches");
          follow_watch (f);
        }
      else
        follow_reconnect (f, error);
      return;
    }

  f->last_event = g_get_monotonic_time ();
  if (*line != '\0' && json_parser_load_from_data (parser, line, (gssize) length, NULL) &&
      JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      event = json_node_get_object (json_parser_get_root (parser));
      type = string_member (event, "type");
      object = object_member (event, "object");

      if (g_strcmp0 (type, "ERROR") == 0)
        {
          gint64 code = json_object_get_int_member_with_default (object, "code", 0);

          g_clear_object (&f->lines);
          if (code == SOUP_STATUS_GONE)
            {
              /* Compacted past our resourceVersion: look again from now. */
              data_increment (f->run, "relists");
              g_clear_pointer (&f->rv, g_free);
              follow_list (f);
            }
          else
            {
              g_autoptr(GError) status_error = g_error_new (FLINT_KUBE_ERROR, (gint) code, "%s",
                                                            string_member (object, "message") ? string_member (object, "message") : "?");

              follow_reconnect (f, status_error);
            }
          return;
        }

      set_rv (f, string_member (object_member (object, "metadata"), "resourceVersion"));
      f->backoff = 0;
      if (g_strcmp0 (type, "ADDED") == 0 || g_strcmp0 (type, "MODIFIED") == 0)
        {
          if (follow_apply (f, object))
            {
              follow_end (f, NULL);
              return;
            }
        }
      else if (g_strcmp0 (type, "DELETED") == 0)
        {
          follow_apply (f, object);
          app_gone (f->run);
          follow_end (f, NULL);
          return;
        }
    }

  g_object_ref (f->task);
  g_data_input_stream_read_line_async (f->lines, G_PRIORITY_DEFAULT, f->watch_cancel, watch_line, f);
}

static void
watch_opened (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Follow *f = user_data;
  g_autoptr(GTask) hold = f->task;
  g_autoptr(GError) error = NULL;
  g_autoptr(GInputStream) stream = flint_kube_client_open_finish (FLINT_KUBE_CLIENT (source), result, &error);

  if (f->done)
    return;
  if (stream == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) && g_cancellable_is_cancelled (f->cancellable))
        return;
      if (g_error_matches (error, FLINT_KUBE_ERROR, SOUP_STATUS_GONE))
        {
          data_increment (f->run, "relists");
          g_clear_pointer (&f->rv, g_free);
          follow_list (f);
          return;
        }
      follow_reconnect (f, error);
      return;
    }
  /* Connected again: whatever was said about reconnecting no longer holds. */
  if (flint_run_get_message (f->run) != NULL && g_str_has_prefix (flint_run_get_message (f->run), _("Lost the connection")))
    flint_run_set_message (f->run, NULL);
  f->last_event = g_get_monotonic_time ();
  f->lines = g_data_input_stream_new (stream);
  g_object_ref (f->task);
  g_data_input_stream_read_line_async (f->lines, G_PRIORITY_DEFAULT, f->watch_cancel, watch_line, f);
}

static void
follow_watch (Follow *f)
{
  g_autofree char *base = apps_path (data_string (f->run, "namespace"), NULL);
  g_autofree char *name = g_uri_escape_string (data_string (f->run, "name"), NULL, TRUE);
  g_autofree char *path = NULL;

  if (f->done)
    return;
  path = g_strdup_printf ("%s?watch=1&fieldSelector=metadata.name%%3D%s&resourceVersion=%s"
                          "&allowWatchBookmarks=true&timeoutSeconds=%u",
                          base, name, f->rv, f->self->watch_timeout);
  g_debug ("watching %s from %s", data_string (f->run, "name"), f->rv);
  g_clear_object (&f->watch_cancel);
  f->watch_cancel = g_cancellable_new ();
  g_signal_connect_object (f->cancellable, "cancelled", G_CALLBACK (g_cancellable_cancel), f->watch_cancel, G_CONNECT_SWAPPED);
  g_object_ref (f->task);
  flint_kube_client_open_async (f->self->client, path, f->watch_cancel, watch_opened, f);
}

static void
list_read (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  Follow *f = user_data;
  g_autoptr(GTask) hold = f->task;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) list = flint_kube_client_request_finish (FLINT_KUBE_CLIENT (source), result, &error);
  JsonArray *items;

  if (f->done)
    return;
  if (list == NULL || !JSON_NODE_HOLDS_OBJECT (list))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) && g_cancellable_is_cancelled (f->cancellable))
        return;
      follow_reconnect (f, error);
      return;
    }
  f->backoff = 0;
  if (flint_run_get_message (f->run) != NULL && g_str_has_prefix (flint_run_get_message (f->run), _("Lost the connection")))
    flint_run_set_message (f->run, NULL);

  items = json_object_get_array_member (json_node_get_object (list), "items");
  if (items == NULL || json_array_get_length (items) == 0)
    {
      app_gone (f->run);
      follow_end (f, NULL);
      return;
    }
  if (follow_apply (f, json_array_get_object_element (items, 0)))
    {
      follow_end (f, NULL);
      return;
    }
  g_free (f->rv);
  f->rv = NULL;
  set_rv (f, string_member (object_member (json_node_get_object (list), "metadata"), "resourceVersion"));
  follow_watch (f);
}

static void
follow_list (Follow *f)
{
  g_autofree char *base = apps_path (data_string (f->run, "namespace"), NULL);
  g_autofree char *name = g_uri_escape_string (data_string (f->run, "name"), NULL, TRUE);
  g_autofree char *path = g_strdup_printf ("%s?fieldSelector=metadata.name%%3D%s", base, name);

  if (f->done)
    return;
  g_object_ref (f->task);
  flint_kube_client_request_async (f->self->client, "GET", path, NULL, NULL, f->cancellable, list_read, f);
}

static gboolean
follow_cancel_idle (gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  Follow *f = g_task_get_task_data (task);

  follow_end (f, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, _("Stopped following the run")));
  return G_SOURCE_REMOVE;
}

static void
follow_cancelled (GCancellable *cancellable,
                  Follow       *f)
{
  g_autoptr(GSource) idle = g_idle_source_new ();

  /* Later, from the task's main context: never inside the cancellable's emission. */
  g_source_set_callback (idle, follow_cancel_idle, g_object_ref (f->task), NULL);
  g_source_attach (idle, g_task_get_context (f->task));
}

static void
kube_follow_async (FlintTarget         *target,
                   FlintRun            *run,
                   GCancellable        *cancellable,
                   GAsyncReadyCallback  callback,
                   gpointer             user_data)
{
  FlintKubeTarget *self = FLINT_KUBE_TARGET (target);
  GTask *task = g_task_new (target, cancellable, callback, user_data);
  GError *error = NULL;
  Follow *f;

  g_task_set_source_tag (task, kube_follow_async);
  if (flint_run_state_is_finished (flint_run_get_state (run)))
    {
      g_task_return_boolean (task, TRUE);
      g_object_unref (task);
      return;
    }
  if (data_string (run, "name") == NULL || data_string (run, "namespace") == NULL)
    {
      flint_run_set_message (run, _("Flint stopped before it named the run's SparkApplication; whether it started is unknown"));
      flint_run_set_state (run, FLINT_RUN_LOST);
      g_task_return_boolean (task, TRUE);
      g_object_unref (task);
      return;
    }
  if (get_client (self, &error) == NULL)
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }

  f = g_new0 (Follow, 1);
  f->self = g_object_ref (self);
  f->run = g_object_ref (run);
  f->task = task;
  f->cancellable = cancellable ? g_object_ref (cancellable) : g_cancellable_new ();
  f->log_fd = -1;
  g_task_set_task_data (task, f, (GDestroyNotify) follow_free);
  f->cancelled_id = g_cancellable_connect (f->cancellable, G_CALLBACK (follow_cancelled), f, NULL);

  if (flint_run_get_run_dir (run) != NULL)
    {
      g_autofree char *path = g_build_filename (flint_run_get_run_dir (run), "driver.log", NULL);
      GStatBuf st;

      f->log_fd = g_open (path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
      if (f->log_fd >= 0 && g_stat (path, &st) == 0)
        f->log_written = (guint64) st.st_size;
    }

  f->poll_id = g_timeout_add (MIN (self->poll_interval, 1000), poll_due, f);

  /* Resumed: watch from the last event seen; a 410 then makes it list again. */
  f->rv = g_strdup (data_string (run, "resource_version"));
  if (f->rv != NULL)
    follow_watch (f);
  else
    follow_list (f);
}

/* Cancelling the follow task ends it at once, from the main context. */
static gboolean
kube_follow_finish (FlintTarget   *target,
                    GAsyncResult  *result,
                    GError       **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* }}} */

/* Refresh {{{ */

static void
refresh_read (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FlintKubeTarget *self = g_task_get_source_object (task);
  FlintRun *run = g_task_get_task_data (task);
  g_autoptr(JsonNode) app = NULL;
  GError *error = NULL;

  app = flint_kube_client_request_finish (FLINT_KUBE_CLIENT (source), result, &error);
  if (app == NULL)
    {
      if (g_error_matches (error, FLINT_KUBE_ERROR, SOUP_STATUS_NOT_FOUND))
        {
          g_error_free (error);
          app_gone (run);
          g_task_return_boolean (task, TRUE);
          return;
        }
      g_task_return_error (task, error);
      return;
    }
  if (JSON_NODE_HOLDS_OBJECT (app))
    apply_app (self, run, json_node_get_object (app));
  g_task_return_boolean (task, TRUE);
}

static void
kube_refresh_async (FlintTarget         *target,
                    FlintRun            *run,
                    GCancellable        *cancellable,
                    GAsyncReadyCallback  callback,
                    gpointer             user_data)
{
  FlintKubeTarget *self = FLINT_KUBE_TARGET (target);
  g_autoptr(GTask) task = g_task_new (target, cancellable, callback, user_data);
  g_autofree char *path = NULL;
  GError *error = NULL;

  g_task_set_source_tag (task, kube_refresh_async);
  g_task_set_task_data (task, g_object_ref (run), g_object_unref);
  if (flint_run_state_is_finished (flint_run_get_state (run)) || data_string (run, "name") == NULL)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }
  if (get_client (self, &error) == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  path = apps_path (data_string (run, "namespace"), data_string (run, "name"));
  flint_kube_client_request_async (self->client, "GET", path, NULL, NULL, cancellable, refresh_read, g_steal_pointer (&task));
}

/* }}} */

/* Cancel {{{ */

typedef struct
{
  FlintRun *run;
  guint     step;
} CancelData;

static void cancel_next (GTask *task);

static void
cancel_data_free (CancelData *data)
{
  g_object_unref (data->run);
  g_free (data);
}

static void
cancel_step_done (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  GTask *task = user_data;
  CancelData *data = g_task_get_task_data (task);
  g_autoptr(JsonNode) answer = NULL;
  GError *error = NULL;

  answer = flint_kube_client_request_finish (FLINT_KUBE_CLIENT (source), result, &error);
  /* Already gone is as good as deleted. */
  if (answer == NULL && !g_error_matches (error, FLINT_KUBE_ERROR, SOUP_STATUS_NOT_FOUND))
    {
      g_prefix_error (&error, _("Cannot cancel %s/%s: "), data_string (data->run, "namespace"), data_string (data->run, "name"));
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  g_clear_error (&error);
  data->step++;
  cancel_next (task);
}

static void
cancel_next (GTask *task)
{
  FlintKubeTarget *self = g_task_get_source_object (task);
  CancelData *data = g_task_get_task_data (task);
  const char *ns = data_string (data->run, "namespace");
  const char *name = data_string (data->run, "name");
  g_autofree char *app = apps_path (ns, name);
  g_autofree char *config_map = g_strdup_printf ("/api/v1/namespaces/%s/configmaps/%s-code", ns, name);
  g_autoptr(JsonNode) body = NULL;

  switch (data->step)
    {
    case 0:
      /* Said on the application itself, so whoever follows the run sees a cancel. */
      body = json_from_string ("{\"metadata\":{\"annotations\":{\"" CANCEL_ANNOTATION "\":\"true\"}}}", NULL);
      flint_kube_client_request_async (self->client, "PATCH", app, "application/merge-patch+json", body,
                                       g_task_get_cancellable (task), cancel_step_done, task);
      break;
    case 1:
      body = json_from_string ("{\"kind\":\"DeleteOptions\",\"apiVersion\":\"v1\",\"propagationPolicy\":\"Background\"}", NULL);
      flint_kube_client_request_async (self->client, "DELETE", app, NULL, body,
                                       g_task_get_cancellable (task), cancel_step_done, task);
      break;
    case 2:
      flint_kube_client_request_async (self->client, "DELETE", config_map, NULL, NULL,
                                       g_task_get_cancellable (task), cancel_step_done, task);
      break;
    default:
      g_task_return_boolean (task, TRUE);
      g_object_unref (task);
      break;
    }
}

static void
kube_cancel_async (FlintTarget         *target,
                   FlintRun            *run,
                   GCancellable        *cancellable,
                   GAsyncReadyCallback  callback,
                   gpointer             user_data)
{
  FlintKubeTarget *self = FLINT_KUBE_TARGET (target);
  GTask *task = g_task_new (target, cancellable, callback, user_data);
  GError *error = NULL;
  CancelData *data;

  g_task_set_source_tag (task, kube_cancel_async);
  if (flint_run_state_is_finished (flint_run_get_state (run)) || data_string (run, "name") == NULL)
    {
      g_task_return_boolean (task, TRUE);
      g_object_unref (task);
      return;
    }
  if (get_client (self, &error) == NULL)
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  data_set_string (run, "cancelled", "true");
  data = g_new0 (CancelData, 1);
  data->run = g_object_ref (run);
  g_task_set_task_data (task, data, (GDestroyNotify) cancel_data_free);
  cancel_next (task);
}

/* }}} */

/* Logs {{{ */

typedef struct
{
  FlintRun *run;
  guint64   offset;
  guint64   next;
} LogData;

static void
log_data_free (LogData *data)
{
  g_object_unref (data->run);
  g_free (data);
}

static GBytes *
read_from (const char *path,
           guint64     offset)
{
  g_autoptr(GByteArray) bytes = g_byte_array_new ();
  guint8 buffer[65536];
  ssize_t n;
  int fd = g_open (path, O_RDONLY | O_CLOEXEC, 0);

  if (fd < 0)
    return g_bytes_new (NULL, 0);
  if (lseek (fd, (off_t) offset, SEEK_SET) >= 0)
    while ((n = read (fd, buffer, sizeof buffer)) > 0)
      g_byte_array_append (bytes, buffer, (guint) n);
  close (fd);
  return g_byte_array_free_to_bytes (g_steal_pointer (&bytes));
}

static void
log_finish (GTask  *task,
            GBytes *all)
{
  LogData *data = g_task_get_task_data (task);
  g_autofree char *path = g_build_filename (flint_run_get_run_dir (data->run), "driver.log", NULL);
  GStatBuf st;
  guint64 have = g_stat (path, &st) == 0 ? (guint64) st.st_size : 0;
  GBytes *bytes;

  /* The whole log so far: keep what driver.log does not have yet. */
  if (all != NULL && g_bytes_get_size (all) > have)
    {
      int fd = g_open (path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);

      if (fd >= 0)
        {
          if (write (fd, (const char *) g_bytes_get_data (all, NULL) + have, g_bytes_get_size (all) - have) < 0)
            g_debug ("Cannot write driver.log");
          close (fd);
        }
    }
  bytes = read_from (path, data->offset);
  data->next = data->offset + g_bytes_get_size (bytes);
  g_task_return_pointer (task, bytes, (GDestroyNotify) g_bytes_unref);
}

static void
log_spliced (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GBytes) all = NULL;

  if (g_output_stream_splice_finish (G_OUTPUT_STREAM (source), result, NULL) >= 0)
    all = g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (source));
  log_finish (task, all);
}

static void
log_fetched (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GInputStream) stream = flint_kube_client_open_finish (FLINT_KUBE_CLIENT (source), result, NULL);
  g_autoptr(GOutputStream) memory = NULL;
  GCancellable *cancellable;

  if (stream == NULL)
    {
      log_finish (task, NULL);
      return;
    }
  memory = g_memory_output_stream_new_resizable ();
  cancellable = g_task_get_cancellable (task);
  g_output_stream_splice_async (memory, stream, G_OUTPUT_STREAM_SPLICE_CLOSE_SOURCE | G_OUTPUT_STREAM_SPLICE_CLOSE_TARGET,
                                G_PRIORITY_DEFAULT, cancellable, log_spliced, g_steal_pointer (&task));
}

static void
kube_read_logs_async (FlintTarget         *target,
                      FlintRun            *run,
                      FlintLogStream       stream,
                      guint64              offset,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  FlintKubeTarget *self = FLINT_KUBE_TARGET (target);
  g_autoptr(GTask) task = g_task_new (target, cancellable, callback, user_data);
  LogData *data = g_new0 (LogData, 1);
  g_autofree char *path = NULL;
  const char *pod = data_string (run, "driver_pod");

  g_task_set_source_tag (task, kube_read_logs_async);
  data->run = g_object_ref (run);
  data->offset = offset;
  data->next = offset;
  g_task_set_task_data (task, data, (GDestroyNotify) log_data_free);

  /* The pod's log holds stdout and stderr as one: it is the run's output. */
  if (stream != FLINT_LOG_STDOUT || flint_run_get_run_dir (run) == NULL)
    {
      g_task_return_pointer (task, g_bytes_new (NULL, 0), (GDestroyNotify) g_bytes_unref);
      return;
    }

  /* Whoever follows the run keeps driver.log; ask the cluster when the pod may have
   * said more than that file holds. */
  if (pod != NULL && get_client (self, NULL) != NULL)
    {
      path = g_strdup_printf ("/api/v1/namespaces/%s/pods/%s/log?container=" DRIVER_CONTAINER,
                              data_string (run, "namespace"), pod);
      flint_kube_client_open_async (self->client, path, cancellable, log_fetched, g_steal_pointer (&task));
      return;
    }
  path = g_build_filename (flint_run_get_run_dir (run), "driver.log", NULL);
  {
    GBytes *bytes = read_from (path, offset);

    data->next = offset + g_bytes_get_size (bytes);
    g_task_return_pointer (task, bytes, (GDestroyNotify) g_bytes_unref);
  }
}

static GBytes *
kube_read_logs_finish (FlintTarget   *target,
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

static FlintTargetFlags
kube_get_flags (FlintTarget *target)
{
  /* The cluster's resources, not this machine's. */
  return FLINT_TARGET_FLAGS_NONE;
}

static gboolean
kube_configure (FlintTarget  *target,
                JsonObject   *config,
                GError      **error)
{
  FlintKubeTarget *self = FLINT_KUBE_TARGET (target);
  const char *keys[] = { "context", "namespace", "image", "service_account", "kubeconfig" };

  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    {
      JsonNode *node = json_object_get_member (config, keys[i]);

      if (node != NULL && (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING))
        {
          g_set_error (error, FLINT_TARGET_ERROR, FLINT_TARGET_ERROR_CONFIG,
                       _("Target “%s”: %s must be text"), flint_target_get_name (target), keys[i]);
          return FALSE;
        }
    }
  g_clear_pointer (&self->config, json_object_unref);
  self->config = json_object_ref (config);
  g_clear_object (&self->client);
  return TRUE;
}

static void
flint_kube_target_iface_init (FlintTargetInterface *iface)
{
  iface->get_flags = kube_get_flags;
  iface->configure = kube_configure;
  iface->submit_async = kube_submit_async;
  iface->submit_finish = kube_finish;
  iface->follow_async = kube_follow_async;
  iface->follow_finish = kube_follow_finish;
  iface->refresh_async = kube_refresh_async;
  iface->refresh_finish = kube_finish;
  iface->cancel_async = kube_cancel_async;
  iface->cancel_finish = kube_finish;
  iface->read_logs_async = kube_read_logs_async;
  iface->read_logs_finish = kube_read_logs_finish;
}

void
flint_kube_target_register (void)
{
  if (flint_target_lookup_kind ("kubernetes") == G_TYPE_INVALID)
    flint_target_register_kind ("kubernetes", FLINT_TYPE_KUBE_TARGET);
}

/* Where the build links this file whole, the kind is there before main (). */
__attribute__((constructor)) static void
flint_kube_target_constructor (void)
{
  flint_kube_target_register ();
}

void
flint_kube_target_set_poll_interval (FlintKubeTarget *self,
                                     guint            msec)
{
  g_return_if_fail (FLINT_IS_KUBE_TARGET (self));

  self->poll_interval = MAX (msec, 10);
}

void
flint_kube_target_set_watch_timeout (FlintKubeTarget *self,
                                     guint            seconds)
{
  g_return_if_fail (FLINT_IS_KUBE_TARGET (self));

  self->watch_timeout = MAX (seconds, 1);
}
