/* flint-spec-databricks.c: a Jobs API runs/submit request and a Databricks Asset Bundle
 *
 * runs-submit.json is the body of POST /api/2.2/jobs/runs/submit for a one-time run of
 * the code uploaded to the target's workspace_path; databricks.yml is a bundle that
 * `databricks bundle deploy` turns into a job (schedule, retries, notifications) running
 * the code under src/. A project becomes one job of several tasks with depends_on.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "flint-specs"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "flint-spec-private.h"
#include "flint-spec-yaml.h"

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

static gboolean
set_error (GError     **error,
           const char  *param,
           const char  *message)
{
  g_set_error (error, FLINT_EXPORT_ERROR, FLINT_EXPORT_ERROR_SETTING, "%s: %s", param, message);
  return FALSE;
}

/* The Databricks runtime whose Spark matches the job's, when the target names none. */
static char *
runtime_for (FlintJobSettings  *s,
             GError           **error)
{
  const char *runtime = flint_job_settings_target_string (s, "runtime");
  g_autofree char *param = NULL;

  if (runtime != NULL)
    return g_strdup (runtime);
  if (g_str_has_prefix (s->spark_version, "4.0."))
    return g_strdup ("17.3.x-scala2.13");
  if (g_str_has_prefix (s->spark_version, "3.5."))
    return g_strdup ("15.4.x-scala2.12");

  param = g_strdup_printf ("job.targets.%s.runtime", s->target_name);
  set_error (error, param, _("no Databricks runtime is known for this Spark version: set runtime, such as 15.4.x-scala2.12"));
  return NULL;
}

static void
add_notifications (JsonObject       *object,
                   FlintJobSettings *s)
{
  struct { const char *when; char **values; } lists[] = {
    { "on_start", s->on_start }, { "on_success", s->on_success }, { "on_failure", s->on_failure },
  };
  JsonObject *email = json_object_new ();
  JsonObject *webhook = json_object_new ();

  for (guint i = 0; i < G_N_ELEMENTS (lists); i++)
    {
      JsonArray *emails = NULL, *hooks = NULL;

      for (guint j = 0; lists[i].values != NULL && lists[i].values[j] != NULL; j++)
        {
          const char *value = lists[i].values[j];

          if (g_str_has_prefix (value, "webhook:"))
            {
              JsonObject *id = json_object_new ();

              if (hooks == NULL)
                hooks = add_array (webhook, lists[i].when);
              json_object_set_string_member (id, "id", value + strlen ("webhook:"));
              json_array_add_object_element (hooks, id);
            }
          else
            {
              if (emails == NULL)
                emails = add_array (email, lists[i].when);
              json_array_add_string_element (emails, g_str_has_prefix (value, "email:") ? value + 6 : value);
            }
        }
    }

  if (json_object_get_size (email) > 0)
    json_object_set_object_member (object, "email_notifications", email);
  else
    json_object_unref (email);
  if (json_object_get_size (webhook) > 0)
    json_object_set_object_member (object, "webhook_notifications", webhook);
  else
    json_object_unref (webhook);
}

static gboolean
add_cluster (JsonObject        *task,
             FlintJobSettings  *s,
             GError           **error)
{
  const char *cluster_id = flint_job_settings_target_string (s, "cluster_id");
  const char *node_type = flint_job_settings_target_string (s, "node_type");
  g_autofree char *runtime = NULL;
  g_autoptr(GPtrArray) py_files = g_ptr_array_new ();
  JsonObject *cluster, *conf;

  if (cluster_id != NULL)
    {
      json_object_set_string_member (task, "existing_cluster_id", cluster_id);
      return TRUE;
    }

  if (node_type == NULL)
    {
      g_autofree char *param = g_strdup_printf ("job.targets.%s.node_type", s->target_name);

      return set_error (error, param, _("a Databricks target needs node_type (such as i3.xlarge) or cluster_id"));
    }

  if ((runtime = runtime_for (s, error)) == NULL)
    return FALSE;

  cluster = add_object (task, "new_cluster");
  json_object_set_string_member (cluster, "spark_version", runtime);
  json_object_set_string_member (cluster, "node_type_id", node_type);
  if (s->dynamic_allocation)
    {
      JsonObject *autoscale = add_object (cluster, "autoscale");

      json_object_set_int_member (autoscale, "min_workers", MAX (s->dynamic_min, 1));
      json_object_set_int_member (autoscale, "max_workers", s->dynamic_max);
    }
  else if (s->target != NULL && json_object_has_member (s->target, "workers"))
    json_object_set_int_member (cluster, "num_workers", json_object_get_int_member (s->target, "workers"));
  else
    json_object_set_int_member (cluster, "num_workers", s->executor_instances);

  for (guint i = 0; s->py_files && s->py_files[i]; i++)
    if (!g_str_has_suffix (s->py_files[i], ".whl"))
      g_ptr_array_add (py_files, s->py_files[i]);

  if (s->conf->len > 0 || py_files->len > 0)
    {
      conf = add_object (cluster, "spark_conf");
      for (guint i = 0; i + 1 < s->conf->len; i += 2)
        json_object_set_string_member (conf, g_ptr_array_index (s->conf, i), g_ptr_array_index (s->conf, i + 1));
      if (py_files->len > 0)
        {
          g_autofree char *joined = NULL;

          g_ptr_array_add (py_files, NULL);
          joined = g_strjoinv (",", (char **) py_files->pdata);
          json_object_set_string_member (conf, "spark.submit.pyFiles", joined);
        }
    }

  /* Secrets stay in the workspace's secret scopes: the cluster resolves the reference. */
  if (s->secrets->len > 0)
    {
      JsonObject *env = add_object (cluster, "spark_env_vars");

      for (guint i = 0; i < s->secrets->len; i++)
        {
          FlintSecretRef *ref = g_ptr_array_index (s->secrets, i);
          g_autofree char *text = g_strdup_printf ("{{secrets/%s/%s}}", ref->name, ref->key);

          json_object_set_string_member (env, ref->env, text);
        }
    }

  json_object_set_string_member (add_object (cluster, "custom_tags"), "flint-pipeline", s->name);
  /* Unity Catalog tables need a cluster with an access mode that enforces it. */
  if (json_object_has_member (s->job, "catalog"))
    json_object_set_string_member (cluster, "data_security_mode", "SINGLE_USER");

  return TRUE;
}

static void
add_libraries (JsonObject       *task,
               FlintJobSettings *s)
{
  JsonArray *libraries = NULL;

#define LIB(kind_, value_) G_STMT_START {                                     \
    JsonObject *lib_ = json_object_new ();                                    \
    if (libraries == NULL) libraries = add_array (task, "libraries");          \
    kind_;                                                                    \
    json_array_add_object_element (libraries, lib_);                           \
    (void) (value_);                                                          \
  } G_STMT_END

  for (guint i = 0; s->jars && s->jars[i]; i++)
    LIB (json_object_set_string_member (lib_, "jar", s->jars[i]), 0);
  for (guint i = 0; s->packages && s->packages[i]; i++)
    LIB (json_object_set_string_member (add_object (lib_, "maven"), "coordinates", s->packages[i]), 0);
  for (guint i = 0; s->py_files && s->py_files[i]; i++)
    if (g_str_has_suffix (s->py_files[i], ".whl"))
      LIB (json_object_set_string_member (lib_, "whl", s->py_files[i]), 0);

#undef LIB
}

static char *
workspace_file (FlintSpecJob *job)
{
  const char *base = flint_job_settings_target_string (job->settings, "workspace_path");

  if (base == NULL)
    return g_strdup_printf ("/Workspace/Shared/flint/%s/%s", job->settings->k8s_name, job->code_filename);

  return g_strdup_printf ("%s%s%s", base, g_str_has_suffix (base, "/") ? "" : "/", job->code_filename);
}

static JsonObject *
task_for (FlintSpecJob  *job,
          gboolean       bundle,
          GError       **error)
{
  FlintJobSettings *s = job->settings;
  g_autoptr(JsonObject) task = json_object_new ();
  JsonObject *python;

  json_object_set_string_member (task, "task_key", job->task_key);
  if (job->after != NULL && job->after->len > 0)
    {
      JsonArray *depends = add_array (task, "depends_on");

      for (guint i = 0; i < job->after->len; i++)
        {
          FlintSpecJob *up = g_ptr_array_index (job->after, i);
          JsonObject *dep = json_object_new ();

          json_object_set_string_member (dep, "task_key", up->task_key);
          json_array_add_object_element (depends, dep);
        }
    }
  if (s->description != NULL && *s->description != '\0')
    json_object_set_string_member (task, "description", s->description);

  python = add_object (task, "spark_python_task");
  if (bundle)
    {
      g_autofree char *path = g_strdup_printf ("./src/%s", job->code_filename);

      json_object_set_string_member (python, "python_file", path);
    }
  else
    {
      g_autofree char *path = workspace_file (job);

      json_object_set_string_member (python, "python_file", path);
      json_object_set_string_member (python, "source", "WORKSPACE");
    }

  if (!add_cluster (task, s, error))
    return NULL;
  add_libraries (task, s);

  json_object_set_int_member (task, "max_retries", s->retries);
  if (s->retries > 0)
    json_object_set_int_member (task, "min_retry_interval_millis", s->retry_backoff_seconds * 1000);
  json_object_set_int_member (task, "timeout_seconds", s->timeout_minutes * 60);

  return g_steal_pointer (&task);
}

/* A project is one Databricks job: its schedule is the first scheduled pipeline's (the
 * project file's job: gives every pipeline the same), its notifications likewise. */
static FlintJobSettings *
lead (FlintSpecSet *set)
{
  for (guint i = 0; i < set->jobs->len; i++)
    {
      FlintJobSettings *s = ((FlintSpecJob *) g_ptr_array_index (set->jobs, i))->settings;

      if (s->cron != NULL)
        return s;
    }
  return ((FlintSpecJob *) g_ptr_array_index (set->jobs, 0))->settings;
}

static gint64
total_timeout_seconds (FlintSpecSet *set)
{
  gint64 total = 0;

  for (guint i = 0; i < set->jobs->len; i++)
    {
      FlintJobSettings *s = ((FlintSpecJob *) g_ptr_array_index (set->jobs, i))->settings;

      if (s->timeout_minutes == 0)
        return 0;
      total += s->timeout_minutes * 60;
    }
  return total;
}

static char *
runs_submit (FlintSpecSet  *set,
             GError       **error)
{
  g_autoptr(JsonNode) root = json_node_new (JSON_NODE_OBJECT);
  JsonObject *o = json_object_new ();
  FlintJobSettings *s = lead (set);
  g_autofree char *run_name = s->environment ? g_strdup_printf ("%s (%s)", set->name, s->environment)
                                             : g_strdup (set->name);
  JsonArray *tasks;

  json_node_take_object (root, o);
  json_object_set_string_member (o, "run_name", run_name);
  json_object_set_int_member (o, "timeout_seconds", total_timeout_seconds (set));
  tasks = add_array (o, "tasks");
  for (guint i = 0; i < set->jobs->len; i++)
    {
      JsonObject *task = task_for (g_ptr_array_index (set->jobs, i), FALSE, error);

      if (task == NULL)
        return NULL;
      json_array_add_object_element (tasks, task);
    }
  add_notifications (o, s);

  return flint_spec_json_to_text (root);
}

static char *
bundle_name (const char *name)
{
  GString *out = g_string_new (NULL);

  for (const char *p = name; *p; p++)
    g_string_append_c (out, g_ascii_isalnum (*p) ? g_ascii_tolower (*p) : '_');

  return g_string_free (out, FALSE);
}

static gboolean
add_start (JsonObject    *job,
           FlintSpecSet  *set,
           GError       **error)
{
  FlintJobSettings *s = lead (set);
  g_autoptr(GPtrArray) tables = g_ptr_array_new ();
  g_autoptr(GPtrArray) paths = g_ptr_array_new ();

  for (guint i = 0; i < set->jobs->len; i++)
    {
      FlintSpecJob *spec_job = g_ptr_array_index (set->jobs, i);

      for (guint j = 0; spec_job->waits_for && j < spec_job->waits_for->len; j++)
        {
          const char *item = g_ptr_array_index (spec_job->waits_for, j);

          if (g_str_has_prefix (item, "table:"))
            g_ptr_array_add (tables, (gpointer) (item + 6));
          else
            g_ptr_array_add (paths, (gpointer) (item + 5));
        }
    }

  if ((tables->len > 0 || paths->len > 0) && s->cron != NULL)
    return set_error (error, "waits_for",
                      _("a Databricks job starts either on its schedule or when tables or files are ready: drop one"));
  if (tables->len > 0 && paths->len > 0)
    return set_error (error, "waits_for",
                      _("a Databricks job waits either for tables or for files, not both"));
  if (paths->len > 1)
    return set_error (error, "waits_for", _("a Databricks job waits for one storage location at most"));

  if (s->cron != NULL)
    {
      JsonObject *schedule = add_object (job, "schedule");
      g_autofree char *quartz = flint_cron_to_quartz (s->cron, error);

      if (quartz == NULL)
        return FALSE;
      json_object_set_string_member (schedule, "quartz_cron_expression", quartz);
      json_object_set_string_member (schedule, "timezone_id", s->timezone);
      json_object_set_string_member (schedule, "pause_status", "UNPAUSED");
    }
  else if (tables->len > 0)
    {
      JsonObject *trigger = add_object (job, "trigger");
      JsonArray *names;

      json_object_set_string_member (trigger, "pause_status", "UNPAUSED");
      names = add_array (add_object (trigger, "table_update"), "table_names");
      for (guint i = 0; i < tables->len; i++)
        json_array_add_string_element (names, g_ptr_array_index (tables, i));
    }
  else if (paths->len > 0)
    {
      JsonObject *trigger = add_object (job, "trigger");

      json_object_set_string_member (trigger, "pause_status", "UNPAUSED");
      json_object_set_string_member (add_object (trigger, "file_arrival"), "url", g_ptr_array_index (paths, 0));
    }
  else if (s->streaming)
    json_object_set_string_member (add_object (job, "continuous"), "pause_status", "UNPAUSED");

  return TRUE;
}

static char *
bundle (FlintSpecSet  *set,
        GError       **error)
{
  FlintJobSettings *s = lead (set);
  g_autoptr(JsonNode) root = json_node_new (JSON_NODE_OBJECT);
  g_autofree char *name = bundle_name (set->name);
  g_autofree char *yaml = NULL;
  g_autofree char *header = flint_export_header ("#", set, NULL);
  JsonObject *o = json_object_new ();
  JsonObject *target, *workspace, *job;
  JsonArray *tasks;

  json_node_take_object (root, o);
  json_object_set_string_member (add_object (o, "bundle"), "name", name);

  target = add_object (add_object (o, "targets"), s->target_name);
  json_object_set_boolean_member (target, "default", TRUE);
  if (flint_job_settings_target_string (s, "host") || flint_job_settings_target_string (s, "profile"))
    {
      workspace = add_object (target, "workspace");
      if (flint_job_settings_target_string (s, "host"))
        json_object_set_string_member (workspace, "host", flint_job_settings_target_string (s, "host"));
      if (flint_job_settings_target_string (s, "profile"))
        json_object_set_string_member (workspace, "profile", flint_job_settings_target_string (s, "profile"));
    }

  job = add_object (add_object (add_object (o, "resources"), "jobs"), name);
  json_object_set_string_member (job, "name", set->name);
  if (!set->is_project && s->description != NULL && *s->description != '\0')
    json_object_set_string_member (job, "description", s->description);
  /* One run at a time: a late nightly run must not overlap the next. */
  json_object_set_int_member (job, "max_concurrent_runs", 1);
  json_object_set_int_member (job, "timeout_seconds", total_timeout_seconds (set));
  if (!add_start (job, set, error))
    return NULL;
  add_notifications (job, s);
  tasks = add_array (job, "tasks");
  for (guint i = 0; i < set->jobs->len; i++)
    {
      JsonObject *task = task_for (g_ptr_array_index (set->jobs, i), TRUE, error);

      if (task == NULL)
        return NULL;
      json_array_add_object_element (tasks, task);
    }

  yaml = flint_spec_yaml_from_json (root);
  return g_strconcat (header, yaml, NULL);
}

gboolean
flint_spec_databricks (FlintSpecSet  *set,
                       GPtrArray     *files,
                       GError       **error)
{
  char *submit, *bundle_text;

  if ((submit = runs_submit (set, error)) == NULL)
    return FALSE;
  if ((bundle_text = bundle (set, error)) == NULL)
    {
      g_free (submit);
      return FALSE;
    }

  flint_export_add (files, "runs-submit.json", submit, FALSE);
  flint_export_add (files, "databricks.yml", bundle_text, FALSE);
  for (guint i = 0; i < set->jobs->len; i++)
    {
      FlintSpecJob *job = g_ptr_array_index (set->jobs, i);
      g_autofree char *path = g_strdup_printf ("src/%s", job->code_filename);

      flint_export_add (files, path, g_strdup (job->code_text), FALSE);
    }

  return TRUE;
}
