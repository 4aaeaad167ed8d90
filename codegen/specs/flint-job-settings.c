/* flint-job-settings.c: job settings resolved for a target and an environment
 *
 * The validator checks each setting's shape and value as the user types; this resolves
 * what an export needs: the environment's overrides merged in, the chosen target, the
 * defaults Spark would use, and the optimizations preset turned into Spark conf.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "flint-specs"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <stdlib.h>
#include <string.h>

#include "flint-job-settings.h"

G_DEFINE_QUARK (flint-export-error-quark, flint_export_error)

static JsonObject *
object_member (JsonObject *object,
               const char *name)
{
  JsonNode *node = object ? json_object_get_member (object, name) : NULL;

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

static const char *
string_at (JsonObject *object,
           const char *name,
           const char *fallback)
{
  JsonNode *node = object ? json_object_get_member (object, name) : NULL;

  if (node != NULL && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    return json_node_get_string (node);
  return fallback;
}

static gint64
int_at (JsonObject *object,
        const char *name,
        gint64      fallback)
{
  JsonNode *node = object ? json_object_get_member (object, name) : NULL;

  if (node != NULL && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_INT64)
    return json_node_get_int (node);
  return fallback;
}

static gboolean
bool_at (JsonObject *object,
         const char *name,
         gboolean    fallback)
{
  JsonNode *node = object ? json_object_get_member (object, name) : NULL;

  if (node != NULL && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_BOOLEAN)
    return json_node_get_boolean (node);
  return fallback;
}

static char **
strv_at (JsonObject *object,
         const char *name)
{
  JsonNode *node = object ? json_object_get_member (object, name) : NULL;
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  if (node != NULL && JSON_NODE_HOLDS_ARRAY (node))
    for (guint i = 0; i < json_array_get_length (json_node_get_array (node)); i++)
      {
        JsonNode *item = json_array_get_element (json_node_get_array (node), i);

        if (JSON_NODE_HOLDS_VALUE (item) && json_node_get_value_type (item) == G_TYPE_STRING)
          g_strv_builder_add (builder, json_node_get_string (item));
      }

  return g_strv_builder_end (builder);
}

void
flint_job_settings_merge (JsonObject *base,
                          JsonObject *overrides)
{
  g_autoptr(GList) members = json_object_get_members (overrides);

  for (const GList *l = members; l; l = l->next)
    {
      JsonNode *value = json_object_get_member (overrides, l->data);
      JsonObject *existing = object_member (base, l->data);

      if (existing != NULL && JSON_NODE_HOLDS_OBJECT (value))
        flint_job_settings_merge (existing, json_node_get_object (value));
      else
        json_object_set_member (base, l->data, json_node_copy (value));
    }
}

/* A Kubernetes object name (RFC 1123 label, 63 characters at most) from a pipeline name. */
static char *
kubernetes_name (const char *name)
{
  GString *out = g_string_new (NULL);

  for (const char *p = name; *p; p++)
    {
      char c = g_ascii_tolower (*p);

      if (g_ascii_isalnum (c))
        g_string_append_c (out, c);
      else if (out->len > 0 && out->str[out->len - 1] != '-')
        g_string_append_c (out, '-');
    }
  /* Leave room for the "-code" of the ConfigMap. */
  if (out->len > 52)
    g_string_truncate (out, 52);
  while (out->len > 0 && out->str[out->len - 1] == '-')
    g_string_truncate (out, out->len - 1);
  if (out->len == 0)
    g_string_append (out, "pipeline");

  return g_string_free (out, FALSE);
}

static void
secret_ref_free (gpointer data)
{
  FlintSecretRef *ref = data;

  g_free (ref->env);
  g_free (ref->name);
  g_free (ref->key);
  g_free (ref);
}

static int
compare_secret (gconstpointer a,
                gconstpointer b)
{
  const FlintSecretRef *x = *(const FlintSecretRef **) a;
  const FlintSecretRef *y = *(const FlintSecretRef **) b;

  return strcmp (x->env, y->env);
}

static char *
scalar_text (JsonNode *node)
{
  GType type = json_node_get_value_type (node);

  if (type == G_TYPE_STRING)
    return g_strdup (json_node_get_string (node));
  if (type == G_TYPE_BOOLEAN)
    return g_strdup (json_node_get_boolean (node) ? "true" : "false");
  if (type == G_TYPE_INT64)
    return g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (node));
  if (type == G_TYPE_DOUBLE)
    {
      char buffer[G_ASCII_DTOSTR_BUF_SIZE];

      return g_strdup (g_ascii_dtostr (buffer, sizeof buffer, json_node_get_double (node)));
    }
  return g_strdup ("");
}

/* Megabytes in a JVM memory string (validated: digits then k, m, g or t). */
static gint64
memory_mb (const char *text)
{
  gint64 value = g_ascii_strtoll (text, NULL, 10);
  char unit = g_ascii_tolower (text[strlen (text) - 1]);

  switch (unit)
    {
    case 'k': return value / 1024;
    case 'g': return value * 1024;
    case 't': return value * 1024 * 1024;
    case 'm': return value;
    default: return value / (1024 * 1024);
    }
}

/* optimizations: auto. The numbers follow Spark's tuning guide: two to three tasks per
 * core for shuffles, AQE to coalesce small partitions and split skewed ones, and a
 * broadcast threshold that grows with executor memory (1% of it, 10 MiB to 256 MiB). */
static void
add_preset (GHashTable       *conf,
            FlintJobSettings *self)
{
  gint64 executors = self->dynamic_allocation ? self->dynamic_max : self->executor_instances;
  gint64 cores = MAX (executors, 1) * MAX (self->executor_cores, 1);
  gint64 broadcast_mb = CLAMP (memory_mb (self->executor_memory) / 100, 10, 256);

  g_hash_table_insert (conf, g_strdup ("spark.sql.shuffle.partitions"),
                       g_strdup_printf ("%" G_GINT64_FORMAT, cores * 2));
  g_hash_table_insert (conf, g_strdup ("spark.sql.adaptive.enabled"), g_strdup ("true"));
  g_hash_table_insert (conf, g_strdup ("spark.sql.adaptive.coalescePartitions.enabled"), g_strdup ("true"));
  g_hash_table_insert (conf, g_strdup ("spark.sql.adaptive.skewJoin.enabled"), g_strdup ("true"));
  g_hash_table_insert (conf, g_strdup ("spark.sql.autoBroadcastJoinThreshold"),
                       g_strdup_printf ("%" G_GINT64_FORMAT "m", broadcast_mb));
  if (self->has_delta_sink)
    {
      g_hash_table_insert (conf, g_strdup ("spark.databricks.delta.optimizeWrite.enabled"), g_strdup ("true"));
      g_hash_table_insert (conf, g_strdup ("spark.databricks.delta.autoCompact.enabled"), g_strdup ("true"));
    }
}

static int
compare_strings (const void *a,
                 const void *b)
{
  return strcmp (*(const char **) a, *(const char **) b);
}

static gboolean
setting_error (GError     **error,
               const char  *param,
               const char  *message)
{
  g_set_error (error, FLINT_EXPORT_ERROR, FLINT_EXPORT_ERROR_SETTING, "%s: %s", param, message);
  return FALSE;
}

FlintJobSettings *
flint_job_settings_resolve (FlintPipeline  *pipeline,
                            const char     *target,
                            const char     *environment,
                            GError        **error)
{
  g_autoptr(FlintJobSettings) self = g_new0 (FlintJobSettings, 1);
  g_autoptr(JsonNode) copy = NULL;
  g_autoptr(GHashTable) conf = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GList) keys = NULL;
  JsonObject *targets, *driver, *executor, *dyn, *deps, *schedule, *notify, *secrets, *conf_object;
  JsonObject *environments;
  const char *kind;
  GListModel *nodes;

  g_return_val_if_fail (FLINT_IS_PIPELINE (pipeline), NULL);

  copy = json_node_init_object (json_node_alloc (), flint_pipeline_get_job (pipeline));
  copy = json_node_copy (copy);
  self->job = json_object_ref (json_node_get_object (copy));
  environments = object_member (self->job, "environments");

  if (environment != NULL)
    {
      JsonObject *env = object_member (environments, environment);

      if (env == NULL)
        {
          g_autoptr(GString) known = g_string_new (NULL);
          g_autoptr(GList) names = environments ? json_object_get_members (environments) : NULL;

          for (const GList *l = names; l; l = l->next)
            g_string_append_printf (known, "%s%s", known->len ? ", " : "", (const char *) l->data);
          g_set_error (error, FLINT_EXPORT_ERROR, FLINT_EXPORT_ERROR_ENVIRONMENT,
                       _("job.environments: there is no environment '%s' (defined: %s)"),
                       environment, known->len ? known->str : _("none"));
          return NULL;
        }
      flint_job_settings_merge (self->job, env);
      self->environment = g_strdup (environment);
    }
  json_object_remove_member (self->job, "environments");

  targets = object_member (self->job, "targets");
  if (target == NULL)
    {
      g_autoptr(GList) names = targets ? json_object_get_members (targets) : NULL;

      if (names == NULL)
        {
          g_set_error_literal (error, FLINT_EXPORT_ERROR, FLINT_EXPORT_ERROR_TARGET,
                               _("job.targets: the pipeline defines no target; add one or pass --target"));
          return NULL;
        }
      target = names->data;
    }

  self->target = object_member (targets, target);
  if (self->target == NULL)
    {
      g_autoptr(GString) known = g_string_new (NULL);
      g_autoptr(GList) names = targets ? json_object_get_members (targets) : NULL;

      for (const GList *l = names; l; l = l->next)
        g_string_append_printf (known, "%s%s", known->len ? ", " : "", (const char *) l->data);
      g_set_error (error, FLINT_EXPORT_ERROR, FLINT_EXPORT_ERROR_TARGET,
                   _("job.targets: there is no target '%s' (defined: %s)"),
                   target, known->len ? known->str : _("none"));
      return NULL;
    }
  json_object_ref (self->target);
  self->target_name = g_strdup (target);

  kind = string_at (self->target, "kind", "");
  if (g_str_equal (kind, "local"))
    self->target_kind = FLINT_TARGET_LOCAL;
  else if (g_str_equal (kind, "kubernetes"))
    self->target_kind = FLINT_TARGET_KUBERNETES;
  else if (g_str_equal (kind, "databricks"))
    self->target_kind = FLINT_TARGET_DATABRICKS;
  else if (g_str_equal (kind, "spark_connect"))
    self->target_kind = FLINT_TARGET_SPARK_CONNECT;
  else
    {
      g_autofree char *param = g_strdup_printf ("job.targets.%s.kind", target);

      setting_error (error, param, _("use one of local, kubernetes, databricks, spark_connect"));
      return NULL;
    }

  self->name = g_strdup (flint_pipeline_get_name (pipeline) ? flint_pipeline_get_name (pipeline) : "pipeline");
  self->k8s_name = kubernetes_name (self->name);
  self->description = g_strdup (flint_pipeline_get_description (pipeline));
  self->streaming = g_strcmp0 (string_at (self->job, "mode", "batch"), "streaming") == 0;
  self->spark_version = g_strdup (string_at (self->job, "spark_version", "4.0.1"));
  self->image = g_strdup (string_at (self->target, "image", string_at (self->job, "image", NULL)));

  driver = object_member (self->job, "driver");
  executor = object_member (self->job, "executor");
  self->driver_cores = int_at (driver, "cores", 1);
  self->driver_memory = g_strdup (string_at (driver, "memory", "1g"));
  self->driver_memory_overhead = g_strdup (string_at (driver, "memory_overhead", NULL));
  self->executor_instances = int_at (executor, "instances", 1);
  self->executor_cores = int_at (executor, "cores", 1);
  self->executor_memory = g_strdup (string_at (executor, "memory", "1g"));
  self->executor_memory_overhead = g_strdup (string_at (executor, "memory_overhead", NULL));

  dyn = object_member (self->job, "dynamic_allocation");
  self->dynamic_allocation = bool_at (dyn, "enabled", FALSE);
  self->dynamic_min = int_at (dyn, "min", 0);
  self->dynamic_max = int_at (dyn, "max", MAX (self->executor_instances, self->dynamic_min));

  deps = object_member (self->job, "dependencies");
  self->jars = strv_at (deps, "jars");
  self->packages = strv_at (deps, "packages");
  self->py_files = strv_at (deps, "py_files");

  schedule = object_member (self->job, "schedule");
  self->cron = g_strdup (string_at (schedule, "cron", NULL));
  self->timezone = g_strdup (string_at (schedule, "timezone", "UTC"));
  self->retries = int_at (self->job, "retries", 0);
  self->retry_backoff_seconds = int_at (self->job, "retry_backoff_seconds", 60);
  self->timeout_minutes = int_at (self->job, "timeout_minutes", 0);

  notify = object_member (self->job, "notifications");
  self->on_start = strv_at (notify, "on_start");
  self->on_success = strv_at (notify, "on_success");
  self->on_failure = strv_at (notify, "on_failure");

  self->secrets = g_ptr_array_new_with_free_func (secret_ref_free);
  secrets = object_member (self->job, "secrets");
  keys = secrets ? json_object_get_members (secrets) : NULL;
  for (const GList *l = keys; l; l = l->next)
    {
      const char *ref = string_at (secrets, l->data, "");
      const char *slash = strchr (ref, '/');
      FlintSecretRef *secret;

      if (slash == NULL)
        {
          g_autofree char *param = g_strdup_printf ("job.secrets.%s", (const char *) l->data);

          setting_error (error, param, _("a secret is a reference NAME/KEY"));
          return NULL;
        }
      secret = g_new0 (FlintSecretRef, 1);
      secret->env = g_strdup (l->data);
      secret->name = g_strndup (ref, slash - ref);
      secret->key = g_strdup (slash + 1);
      g_ptr_array_add (self->secrets, secret);
    }
  g_ptr_array_sort (self->secrets, compare_secret);
  g_clear_pointer (&keys, g_list_free);

  /* The connectors the nodes need, as the generated main() asks for them: with
   * spark-submit and the operator they must be on the classpath before the driver starts.
   * Databricks runtimes ship them. */
  {
    g_autoptr(GStrvBuilder) packages = g_strv_builder_new ();
    gboolean spark3 = g_str_has_prefix (self->spark_version, "3.");
    const char *scala = spark3 ? "2.12" : "2.13";
    gboolean delta = FALSE, kafka = FALSE, avro = FALSE;

    nodes = flint_pipeline_get_nodes (pipeline);
    for (guint i = 0; i < g_list_model_get_n_items (nodes); i++)
      {
        g_autoptr(FlintNode) node = g_list_model_get_item (nodes, i);
        const char *kind_id = flint_node_get_kind_id (node);

        if (g_str_equal (kind_id, "sink.delta"))
          self->has_delta_sink = TRUE;
        delta |= g_str_has_suffix (kind_id, ".delta");
        kafka |= g_str_has_suffix (kind_id, ".kafka");
        avro |= g_str_has_suffix (kind_id, ".avro");
      }

    g_strv_builder_addv (packages, (const char **) self->packages);
    if (self->target_kind != FLINT_TARGET_DATABRICKS)
      {
        if (delta)
          {
            g_autofree char *c = g_strdup_printf ("io.delta:delta-spark_%s:%s", scala,
                                                  spark3 ? (g_str_has_prefix (self->spark_version, "3.5") ? "3.2.1" : "2.4.0") : "4.0.0");
            if (!g_strv_contains ((const char * const *) self->packages, c))
              g_strv_builder_add (packages, c);
            g_hash_table_insert (conf, g_strdup ("spark.sql.extensions"), g_strdup ("io.delta.sql.DeltaSparkSessionExtension"));
            g_hash_table_insert (conf, g_strdup ("spark.sql.catalog.spark_catalog"),
                                 g_strdup ("org.apache.spark.sql.delta.catalog.DeltaCatalog"));
          }
        if (kafka)
          {
            g_autofree char *c = g_strdup_printf ("org.apache.spark:spark-sql-kafka-0-10_%s:%s", scala, self->spark_version);
            if (!g_strv_contains ((const char * const *) self->packages, c))
              g_strv_builder_add (packages, c);
          }
        if (avro)
          {
            g_autofree char *c = g_strdup_printf ("org.apache.spark:spark-avro_%s:%s", scala, self->spark_version);
            if (!g_strv_contains ((const char * const *) self->packages, c))
              g_strv_builder_add (packages, c);
          }
      }
    g_strfreev (self->packages);
    self->packages = g_strv_builder_end (packages);
  }

  /* Spark conf: the preset first, so what the user wrote in conf wins. */
  self->optimizations = g_strcmp0 (string_at (self->job, "optimizations", "none"), "auto") == 0;
  if (self->optimizations)
    add_preset (conf, self);
  conf_object = object_member (self->job, "conf");
  keys = conf_object ? json_object_get_members (conf_object) : NULL;
  for (const GList *l = keys; l; l = l->next)
    {
      JsonNode *value = json_object_get_member (conf_object, l->data);

      if (JSON_NODE_HOLDS_VALUE (value))
        g_hash_table_insert (conf, g_strdup (l->data), scalar_text (value));
    }
  g_clear_pointer (&keys, g_list_free);

  {
    g_autofree const char **sorted = (const char **) g_hash_table_get_keys_as_array (conf, NULL);
    guint n = g_hash_table_size (conf);

    qsort (sorted, n, sizeof (char *), compare_strings);
    self->conf = g_ptr_array_new_with_free_func (g_free);
    for (guint i = 0; i < n; i++)
      {
        g_ptr_array_add (self->conf, g_strdup (sorted[i]));
        g_ptr_array_add (self->conf, g_strdup (g_hash_table_lookup (conf, sorted[i])));
      }
  }

  /* What only the chosen target and environment decide. */
  if (self->target_kind == FLINT_TARGET_KUBERNETES && (self->image == NULL || *self->image == '\0'))
    {
      g_autofree char *param = g_strdup_printf ("job.targets.%s.image", target);

      setting_error (error, param, _("a Kubernetes target needs a container image (set image on the target or the job, such as apache/spark:4.0.1)"));
      return NULL;
    }

  return g_steal_pointer (&self);
}

void
flint_job_settings_free (FlintJobSettings *self)
{
  if (self == NULL)
    return;

  g_free (self->name);
  g_free (self->k8s_name);
  g_free (self->description);
  g_free (self->environment);
  g_free (self->target_name);
  g_clear_pointer (&self->target, json_object_unref);
  g_clear_pointer (&self->job, json_object_unref);
  g_free (self->spark_version);
  g_free (self->image);
  g_free (self->driver_memory);
  g_free (self->driver_memory_overhead);
  g_free (self->executor_memory);
  g_free (self->executor_memory_overhead);
  g_clear_pointer (&self->conf, g_ptr_array_unref);
  g_strfreev (self->jars);
  g_strfreev (self->packages);
  g_strfreev (self->py_files);
  g_free (self->cron);
  g_free (self->timezone);
  g_strfreev (self->on_start);
  g_strfreev (self->on_success);
  g_strfreev (self->on_failure);
  g_clear_pointer (&self->secrets, g_ptr_array_unref);
  g_free (self);
}

const char *
flint_job_settings_get_conf (FlintJobSettings *self,
                             const char       *key)
{
  for (guint i = 0; i + 1 < self->conf->len; i += 2)
    if (g_str_equal (g_ptr_array_index (self->conf, i), key))
      return g_ptr_array_index (self->conf, i + 1);
  return NULL;
}

const char *
flint_job_settings_target_string (FlintJobSettings *self,
                                  const char       *key)
{
  return string_at (self->target, key, NULL);
}

void
flint_job_settings_apply (FlintJobSettings *self,
                          FlintPipeline    *pipeline)
{
  g_autoptr(GList) current = json_object_get_members (flint_pipeline_get_job (pipeline));
  g_autoptr(GList) members = json_object_get_members (self->job);

  for (const GList *l = current; l; l = l->next)
    if (!json_object_has_member (self->job, l->data))
      flint_pipeline_take_job_setting (pipeline, l->data, NULL);

  for (const GList *l = members; l; l = l->next)
    flint_pipeline_take_job_setting (pipeline, l->data, json_node_copy (json_object_get_member (self->job, l->data)));
}

/* Cron {{{ */

/* Quartz numbers days of the week 1 (Sunday) to 7; crontab 0 (Sunday) to 7 (Sunday). */
static char *
quartz_day_of_week (const char *field)
{
  GString *out = g_string_new (NULL);

  for (const char *p = field; *p;)
    {
      if (g_ascii_isdigit (*p) && (p == field || (p[-1] != '/')))
        {
          guint v = 0;

          while (g_ascii_isdigit (*p))
            v = v * 10 + (*p++ - '0');
          g_string_append_printf (out, "%u", v % 7 + 1);
        }
      else
        g_string_append_c (out, *p++);
    }

  return g_string_free (out, FALSE);
}

char *
flint_cron_to_quartz (const char  *cron,
                      GError     **error)
{
  static const struct { const char *shorthand; const char *quartz; } shorthands[] = {
    { "@yearly", "0 0 0 1 1 ?" }, { "@annually", "0 0 0 1 1 ?" }, { "@monthly", "0 0 0 1 * ?" },
    { "@weekly", "0 0 0 ? * 1" }, { "@daily", "0 0 0 * * ?" }, { "@midnight", "0 0 0 * * ?" },
    { "@hourly", "0 0 * * * ?" },
  };
  g_auto(GStrv) parts = NULL;
  g_autoptr(GPtrArray) fields = g_ptr_array_new ();
  g_autofree char *dow = NULL;
  const char *dom;

  for (guint i = 0; i < G_N_ELEMENTS (shorthands); i++)
    if (g_str_equal (cron, shorthands[i].shorthand))
      return g_strdup (shorthands[i].quartz);

  parts = g_strsplit_set (cron, " \t", -1);
  for (guint i = 0; parts[i] != NULL; i++)
    if (*parts[i] != '\0')
      g_ptr_array_add (fields, parts[i]);

  if (fields->len != 5)
    {
      setting_error (error, "job.schedule.cron", _("write five fields, as in \"0 2 * * *\""));
      return NULL;
    }

  dom = g_ptr_array_index (fields, 2);
  if (g_str_equal (g_ptr_array_index (fields, 4), "*"))
    dow = g_strdup ("?");
  else if (g_str_equal (dom, "*"))
    {
      dom = "?";
      dow = quartz_day_of_week (g_ptr_array_index (fields, 4));
    }
  else
    {
      setting_error (error, "job.schedule.cron",
                     _("Databricks schedules cannot restrict both the day of month and the day of week"));
      return NULL;
    }

  return g_strdup_printf ("0 %s %s %s %s %s", (char *) g_ptr_array_index (fields, 0),
                          (char *) g_ptr_array_index (fields, 1), dom,
                          (char *) g_ptr_array_index (fields, 3), dow);
}

/* }}} */
