/* flint-spec-kubernetes.c: a ConfigMap with the code and a SparkApplication
 *
 * What `kubectl apply --server-side -f` takes as it is: the ConfigMap holds the generated
 * program, mounted into the driver and executors, and the SparkApplication (or, for a
 * scheduled job, a ScheduledSparkApplication) of the spark-operator's v1beta2 API runs it.
 * In a project, the files are numbered in dependency order and a script applies them in
 * that order, waiting for each application to complete.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "flint-specs"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "flint-spec-private.h"
#include "flint-spec-yaml.h"

#define CODE_DIR "/opt/flint/job"

static JsonObject *
add_object (JsonObject *parent,
            const char *name)
{
  JsonObject *child = json_object_new ();

  json_object_set_object_member (parent, name, child);
  return child;
}

static JsonArray *
add_array (JsonObject *parent,
           const char *name)
{
  JsonArray *child = json_array_new ();

  json_object_set_array_member (parent, name, child);
  return child;
}

static void
add_strv (JsonObject  *parent,
          const char  *name,
          char       **values)
{
  JsonArray *array;

  if (values == NULL || values[0] == NULL)
    return;
  array = add_array (parent, name);
  for (guint i = 0; values[i] != NULL; i++)
    json_array_add_string_element (array, values[i]);
}

static const char *
target_string (FlintJobSettings *s,
               const char       *key,
               const char       *fallback)
{
  const char *value = flint_job_settings_target_string (s, key);

  return value ? value : fallback;
}

static void
add_labels (JsonObject   *metadata,
            FlintSpecJob *job)
{
  JsonObject *labels = add_object (metadata, "labels");

  json_object_set_string_member (labels, "app.kubernetes.io/name", job->settings->k8s_name);
  json_object_set_string_member (labels, "app.kubernetes.io/managed-by", "flint");
}

/* What the operator has no field for is written down where people and tools look. */
static void
add_annotations (JsonObject   *metadata,
                 FlintSpecJob *job)
{
  FlintJobSettings *s = job->settings;
  JsonObject *annotations = json_object_new ();
  struct { const char *key; char **values; } notify[] = {
    { "flint.io/notify-on-start", s->on_start },
    { "flint.io/notify-on-success", s->on_success },
    { "flint.io/notify-on-failure", s->on_failure },
  };

  if (job->after != NULL && job->after->len > 0)
    {
      g_autoptr(GString) text = g_string_new (NULL);

      for (guint i = 0; i < job->after->len; i++)
        {
          FlintSpecJob *up = g_ptr_array_index (job->after, i);

          g_string_append_printf (text, "%s%s", i ? "," : "", up->settings->k8s_name);
        }
      json_object_set_string_member (annotations, "flint.io/after", text->str);
    }
  if (job->waits_for != NULL && job->waits_for->len > 0)
    {
      g_autofree char *text = g_strjoinv (",", (char **) job->waits_for->pdata);

      json_object_set_string_member (annotations, "flint.io/waits-for", text);
    }
  for (guint i = 0; i < G_N_ELEMENTS (notify); i++)
    if (notify[i].values != NULL && notify[i].values[0] != NULL)
      {
        g_autofree char *text = g_strjoinv (",", notify[i].values);

        json_object_set_string_member (annotations, notify[i].key, text);
      }
  if (s->timeout_minutes > 0)
    {
      g_autofree char *text = g_strdup_printf ("%" G_GINT64_FORMAT, s->timeout_minutes);

      json_object_set_string_member (annotations, "flint.io/timeout-minutes", text);
    }
  json_object_set_string_member (annotations, "flint.io/source", job->source_name);

  json_object_set_object_member (metadata, "annotations", annotations);
}

static void
add_pod (JsonObject       *pod,
         FlintJobSettings *s,
         gboolean          driver)
{
  JsonArray *mounts;
  JsonObject *mount;

  if (driver)
    {
      json_object_set_int_member (pod, "cores", s->driver_cores);
      json_object_set_string_member (pod, "memory", s->driver_memory);
      if (s->driver_memory_overhead)
        json_object_set_string_member (pod, "memoryOverhead", s->driver_memory_overhead);
      json_object_set_string_member (pod, "serviceAccount", target_string (s, "service_account", "spark-operator-spark"));
    }
  else
    {
      json_object_set_int_member (pod, "instances", MAX (s->executor_instances, 1));
      json_object_set_int_member (pod, "cores", s->executor_cores);
      json_object_set_string_member (pod, "memory", s->executor_memory);
      if (s->executor_memory_overhead)
        json_object_set_string_member (pod, "memoryOverhead", s->executor_memory_overhead);
    }

  /* Secrets stay in the cluster: the pod reads them by reference. */
  if (s->secrets->len > 0)
    {
      JsonArray *env = add_array (pod, "env");

      for (guint i = 0; i < s->secrets->len; i++)
        {
          FlintSecretRef *ref = g_ptr_array_index (s->secrets, i);
          JsonObject *var = json_object_new ();
          JsonObject *from = add_object (var, "valueFrom");
          JsonObject *key_ref = add_object (from, "secretKeyRef");

          /* valueFrom after name reads better: rebuild in that order. */
          json_object_ref (from);
          json_object_remove_member (var, "valueFrom");
          json_object_set_string_member (var, "name", ref->env);
          json_object_set_object_member (var, "valueFrom", from);
          json_object_set_string_member (key_ref, "name", ref->name);
          json_object_set_string_member (key_ref, "key", ref->key);
          json_array_add_object_element (env, var);
        }
    }

  json_object_set_object_member (pod, "labels", json_object_new ());
  json_object_set_string_member (json_object_get_object_member (pod, "labels"),
                                 "app.kubernetes.io/name", s->k8s_name);

  mounts = add_array (pod, "volumeMounts");
  mount = json_object_new ();
  json_object_set_string_member (mount, "name", "code");
  json_object_set_string_member (mount, "mountPath", CODE_DIR);
  json_object_set_boolean_member (mount, "readOnly", TRUE);
  json_array_add_object_element (mounts, mount);
}

/* The SparkApplication spec: the same object a ScheduledSparkApplication templates. */
static JsonObject *
application_spec (FlintSpecJob *job)
{
  FlintJobSettings *s = job->settings;
  JsonObject *spec = json_object_new ();
  JsonObject *restart, *deps, *volume, *config_map;
  g_autofree char *code_name = g_strdup_printf ("%s-code", s->k8s_name);
  g_autofree char *main_file = g_strdup_printf ("local://" CODE_DIR "/%s", job->code_filename);

  json_object_set_string_member (spec, "type", "Python");
  json_object_set_string_member (spec, "pythonVersion", "3");
  json_object_set_string_member (spec, "mode", "cluster");
  json_object_set_string_member (spec, "image", s->image);
  json_object_set_string_member (spec, "imagePullPolicy", target_string (s, "image_pull_policy", "IfNotPresent"));
  json_object_set_string_member (spec, "mainApplicationFile", main_file);
  json_object_set_string_member (spec, "sparkVersion", s->spark_version);

  if (s->conf->len > 0)
    {
      JsonObject *conf = add_object (spec, "sparkConf");

      for (guint i = 0; i + 1 < s->conf->len; i += 2)
        json_object_set_string_member (conf, g_ptr_array_index (s->conf, i), g_ptr_array_index (s->conf, i + 1));
    }

  if ((s->jars && s->jars[0]) || (s->packages && s->packages[0]) || (s->py_files && s->py_files[0]))
    {
      deps = add_object (spec, "deps");
      add_strv (deps, "jars", s->jars);
      add_strv (deps, "packages", s->packages);
      add_strv (deps, "pyFiles", s->py_files);
    }

  restart = add_object (spec, "restartPolicy");
  if (s->retries > 0 || s->streaming)
    {
      gint64 retries = s->retries > 0 ? s->retries : 3;

      json_object_set_string_member (restart, "type", "OnFailure");
      json_object_set_int_member (restart, "onFailureRetries", retries);
      json_object_set_int_member (restart, "onFailureRetryInterval", s->retry_backoff_seconds);
      json_object_set_int_member (restart, "onSubmissionFailureRetries", retries);
      json_object_set_int_member (restart, "onSubmissionFailureRetryInterval", s->retry_backoff_seconds);
    }
  else
    json_object_set_string_member (restart, "type", "Never");

  if (s->dynamic_allocation)
    {
      JsonObject *dyn = add_object (spec, "dynamicAllocation");

      json_object_set_boolean_member (dyn, "enabled", TRUE);
      json_object_set_int_member (dyn, "initialExecutors", CLAMP (s->executor_instances, MAX (s->dynamic_min, 1), s->dynamic_max));
      json_object_set_int_member (dyn, "minExecutors", s->dynamic_min);
      json_object_set_int_member (dyn, "maxExecutors", s->dynamic_max);
    }

  volume = json_object_new ();
  json_object_set_string_member (volume, "name", "code");
  config_map = add_object (volume, "configMap");
  json_object_set_string_member (config_map, "name", code_name);
  json_array_add_object_element (add_array (spec, "volumes"), volume);

  add_pod (add_object (spec, "driver"), s, TRUE);
  add_pod (add_object (spec, "executor"), s, FALSE);

  if (json_object_has_member (s->target, "ttl_seconds"))
    json_object_set_int_member (spec, "timeToLiveSeconds", json_object_get_int_member (s->target, "ttl_seconds"));

  return spec;
}

static char *
job_documents (FlintSpecSet *set,
               FlintSpecJob *job)
{
  FlintJobSettings *s = job->settings;
  const char *namespace = target_string (s, "namespace", "default");
  g_autoptr(JsonNode) config_map = json_node_new (JSON_NODE_OBJECT);
  g_autoptr(JsonNode) app = json_node_new (JSON_NODE_OBJECT);
  g_autofree char *header = flint_export_header ("#", set, job);
  g_autofree char *code_name = g_strdup_printf ("%s-code", s->k8s_name);
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  JsonObject *o, *metadata;

  o = json_object_new ();
  json_object_set_string_member (o, "apiVersion", "v1");
  json_object_set_string_member (o, "kind", "ConfigMap");
  metadata = add_object (o, "metadata");
  json_object_set_string_member (metadata, "name", code_name);
  json_object_set_string_member (metadata, "namespace", namespace);
  add_labels (metadata, job);
  json_object_set_string_member (add_object (o, "data"), job->code_filename, job->code_text);
  json_node_take_object (config_map, o);

  o = json_object_new ();
  json_object_set_string_member (o, "apiVersion", "sparkoperator.k8s.io/v1beta2");
  metadata = json_object_new ();
  json_object_set_string_member (metadata, "name", s->k8s_name);
  json_object_set_string_member (metadata, "namespace", namespace);
  add_labels (metadata, job);
  add_annotations (metadata, job);

  if (s->cron != NULL)
    {
      JsonObject *spec = json_object_new ();

      json_object_set_string_member (o, "kind", "ScheduledSparkApplication");
      json_object_set_object_member (o, "metadata", metadata);
      json_object_set_string_member (spec, "schedule", s->cron);
      json_object_set_string_member (spec, "timeZone", s->timezone);
      /* A nightly job that overruns must not start a second copy of itself. */
      json_object_set_string_member (spec, "concurrencyPolicy", "Forbid");
      json_object_set_int_member (spec, "successfulRunHistoryLimit", 3);
      json_object_set_int_member (spec, "failedRunHistoryLimit", 3);
      json_object_set_object_member (spec, "template", application_spec (job));
      json_object_set_object_member (o, "spec", spec);
    }
  else
    {
      json_object_set_string_member (o, "kind", "SparkApplication");
      json_object_set_object_member (o, "metadata", metadata);
      json_object_set_object_member (o, "spec", application_spec (job));
    }
  json_node_take_object (app, o);

  first = flint_spec_yaml_from_json (config_map);
  second = flint_spec_yaml_from_json (app);

  return g_strconcat (header, "---\n", first, "---\n", second, NULL);
}

/* Applies the files in order, waiting for each batch application to complete. */
static char *
order_script (FlintSpecSet *set,
              GPtrArray    *paths)
{
  GString *out = g_string_new (NULL);
  g_autofree char *header = flint_export_header ("#", set, NULL);

  g_string_append (out, "#!/usr/bin/env bash\n");
  g_string_append (out, header);
  g_string_append (out, "# Applies the applications of this project in dependency order. Each batch\n"
                        "# application must complete before the next starts; scheduled and streaming ones\n"
                        "# are only applied.\n"
                        "# Usage: ./apply-in-order.sh [kubectl options such as --context NAME]\n"
                        "set -euo pipefail\n"
                        "cd \"$(dirname \"${BASH_SOURCE[0]}\")\"\n\n"
                        "run() {\n"
                        "    local file=$1 namespace=$2 name=$3 timeout=$4\n"
                        "    shift 4\n"
                        "    kubectl \"$@\" apply --server-side -f \"$file\"\n"
                        "    if [ \"$timeout\" != scheduled ] && [ \"$timeout\" != streaming ]; then\n"
                        "        kubectl \"$@\" wait --namespace \"$namespace\" --timeout \"$timeout\" \\\n"
                        "            --for=jsonpath='{.status.applicationState.state}'=COMPLETED \\\n"
                        "            \"sparkapplication/$name\"\n"
                        "    fi\n"
                        "}\n\n");

  for (guint i = 0; i < set->jobs->len; i++)
    {
      FlintSpecJob *job = g_ptr_array_index (set->jobs, i);
      FlintJobSettings *s = job->settings;
      g_autofree char *timeout = s->cron ? g_strdup ("scheduled") : s->streaming ? g_strdup ("streaming")
                                 : g_strdup_printf ("%" G_GINT64_FORMAT "m", s->timeout_minutes > 0 ? s->timeout_minutes : 1440);

      g_string_append_printf (out, "run %s %s %s %s \"$@\"\n", (char *) g_ptr_array_index (paths, i),
                              target_string (s, "namespace", "default"), s->k8s_name, timeout);
    }

  return g_string_free (out, FALSE);
}

gboolean
flint_spec_kubernetes (FlintSpecSet  *set,
                       GPtrArray     *files,
                       GError       **error)
{
  g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < set->jobs->len; i++)
    {
      FlintSpecJob *job = g_ptr_array_index (set->jobs, i);
      char *path = set->is_project ? g_strdup_printf ("%02u-%s.yaml", i + 1, job->settings->k8s_name)
                                   : g_strdup_printf ("%s.yaml", job->settings->k8s_name);

      flint_export_add (files, path, job_documents (set, job), FALSE);
      g_ptr_array_add (paths, path);
    }

  if (set->is_project)
    flint_export_add (files, "apply-in-order.sh", order_script (set, paths), TRUE);

  return TRUE;
}
