/* flint-spec-submit.c: a spark-submit script with the job's resources and conf
 *
 * For local targets (and Spark Connect, through --remote). The script retries with the
 * job's backoff, stops at its timeout, reads secrets from the environment it runs in
 * and passes `bash -n` and shellcheck.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "flint-specs"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "flint-spec-private.h"

/* A word the shell reads back unchanged. */
static char *
shell_word (const char *text)
{
  GString *out;

  if (*text != '\0' && strspn (text, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_./:=@+%-") == strlen (text))
    return g_strdup (text);

  out = g_string_new ("'");
  for (const char *p = text; *p; p++)
    {
      if (*p == '\'')
        g_string_append (out, "'\\''");
      else
        g_string_append_c (out, *p);
    }
  g_string_append_c (out, '\'');

  return g_string_free (out, FALSE);
}

static void
add_arg (GString    *out,
         const char *flag,
         const char *value)
{
  g_autofree char *word = value ? shell_word (value) : NULL;

  if (word)
    g_string_append_printf (out, "    %s %s\n", flag, word);
  else
    g_string_append_printf (out, "    %s\n", flag);
}

static void
add_list (GString    *out,
          const char *flag,
          char      **values)
{
  g_autofree char *joined = NULL;

  if (values == NULL || values[0] == NULL)
    return;
  joined = g_strjoinv (",", values);
  add_arg (out, flag, joined);
}

static void
add_conf (GString    *out,
          const char *key,
          const char *value)
{
  g_autofree char *pair = g_strdup_printf ("%s=%s", key, value);

  add_arg (out, "--conf", pair);
}

static char *
script_for (FlintSpecSet *set,
            FlintSpecJob *job)
{
  FlintJobSettings *s = job->settings;
  GString *out = g_string_new ("#!/usr/bin/env bash\n");
  g_autofree char *header = flint_export_header ("#", set, job);
  g_autofree char *name = shell_word (s->name);
  g_autofree char *code = shell_word (job->code_filename);
  gboolean connect = s->target_kind == FLINT_TARGET_SPARK_CONNECT;

  g_string_append (out, header);
  if (s->cron != NULL)
    g_string_append_printf (out, "#\n# Scheduled \"%s\" in %s; as a crontab line:\n#   CRON_TZ=%s\n#   %s /path/to/this/script\n",
                            s->cron, s->timezone, s->timezone, s->cron);
  g_string_append (out, "#\n# Arguments are passed on to the job. SPARK_HOME picks the Spark installation");
  g_string_append (out, connect ? ".\n" : ";\n# SPARK_MASTER overrides the master.\n");
  g_string_append (out, "set -euo pipefail\n\n"
                        "here=$(cd \"$(dirname \"${BASH_SOURCE[0]}\")\" && pwd)\n");

  if (s->secrets->len > 0)
    {
      g_string_append (out, "\n# Secrets come from the environment this runs in, never from this file.\n");
      for (guint i = 0; i < s->secrets->len; i++)
        {
          FlintSecretRef *ref = g_ptr_array_index (s->secrets, i);

          g_string_append_printf (out, ": \"${%s:?set %s (the secret %s/%s)}\"\n",
                                  ref->env, ref->env, ref->name, ref->key);
        }
    }

  if (connect)
    {
      g_autofree char *url = shell_word (flint_job_settings_target_string (s, "url"));

      g_string_append_printf (out, "\nremote=%s\n", url);
      g_string_append (out, "\nargs=(\n");
      add_arg (out, "--remote", NULL);
      g_string_truncate (out, out->len - 1);
      g_string_append (out, " \"$remote\"\n");
    }
  else
    {
      const char *master = flint_job_settings_target_string (s, "master");
      g_autofree char *word = shell_word (master ? master : "local[*]");
      char number[32];

      g_string_append_printf (out, "\nmaster=%s\n", word);
      g_string_append (out, "if [ -n \"${SPARK_MASTER:-}\" ]; then\n    master=$SPARK_MASTER\nfi\n");
      g_string_append (out, "\nargs=(\n");
      g_string_append (out, "    --master \"$master\"\n");
      add_arg (out, "--name", s->name);
      g_snprintf (number, sizeof number, "%" G_GINT64_FORMAT, s->driver_cores);
      add_arg (out, "--driver-cores", number);
      add_arg (out, "--driver-memory", s->driver_memory);
      g_snprintf (number, sizeof number, "%" G_GINT64_FORMAT, s->executor_cores);
      add_arg (out, "--executor-cores", number);
      add_arg (out, "--executor-memory", s->executor_memory);
      if (s->dynamic_allocation)
        {
          add_conf (out, "spark.dynamicAllocation.enabled", "true");
          add_conf (out, "spark.dynamicAllocation.shuffleTracking.enabled", "true");
          g_snprintf (number, sizeof number, "%" G_GINT64_FORMAT, s->dynamic_min);
          add_conf (out, "spark.dynamicAllocation.minExecutors", number);
          g_snprintf (number, sizeof number, "%" G_GINT64_FORMAT, s->dynamic_max);
          add_conf (out, "spark.dynamicAllocation.maxExecutors", number);
        }
      else
        {
          g_snprintf (number, sizeof number, "%" G_GINT64_FORMAT, s->executor_instances);
          add_arg (out, "--num-executors", number);
        }
      if (s->driver_memory_overhead)
        add_conf (out, "spark.driver.memoryOverhead", s->driver_memory_overhead);
      if (s->executor_memory_overhead)
        add_conf (out, "spark.executor.memoryOverhead", s->executor_memory_overhead);
    }

  for (guint i = 0; i + 1 < s->conf->len; i += 2)
    add_conf (out, g_ptr_array_index (s->conf, i), g_ptr_array_index (s->conf, i + 1));
  add_list (out, "--packages", s->packages);
  add_list (out, "--jars", s->jars);
  add_list (out, "--py-files", s->py_files);
  g_string_append_printf (out, "    \"$here/\"%s\n)\n\n", code);

  g_string_append (out, "submit=spark-submit\n"
                        "if [ -n \"${SPARK_HOME:-}\" ]; then\n"
                        "    submit=$SPARK_HOME/bin/spark-submit\n"
                        "fi\n\n");

  g_string_append (out, "attempt=0\nwhile :; do\n    status=0\n");
  if (s->timeout_minutes > 0)
    g_string_append_printf (out, "    timeout %" G_GINT64_FORMAT "m \"$submit\" \"${args[@]}\" \"$@\" || status=$?\n",
                            s->timeout_minutes);
  else
    g_string_append (out, "    \"$submit\" \"${args[@]}\" \"$@\" || status=$?\n");
  g_string_append_printf (out,
                          "    if [ \"$status\" -eq 0 ]; then\n"
                          "        exit 0\n"
                          "    fi\n"
                          "    attempt=$((attempt + 1))\n"
                          "    if [ \"$attempt\" -gt %" G_GINT64_FORMAT " ]; then\n"
                          "        exit \"$status\"\n"
                          "    fi\n"
                          "    echo %s\" failed (exit $status); retry $attempt of %" G_GINT64_FORMAT " in %" G_GINT64_FORMAT " s\" >&2\n"
                          "    sleep %" G_GINT64_FORMAT "\n"
                          "done\n",
                          s->retries, name, s->retries, s->retry_backoff_seconds, s->retry_backoff_seconds);

  return g_string_free (out, FALSE);
}

gboolean
flint_spec_submit (FlintSpecSet  *set,
                   GPtrArray     *files,
                   GError       **error)
{
  g_autoptr(GString) order = NULL;

  if (set->is_project)
    {
      g_autofree char *header = flint_export_header ("#", set, NULL);

      order = g_string_new ("#!/usr/bin/env bash\n");
      g_string_append (order, header);
      g_string_append (order, "# Runs the pipelines of this project one after another, in dependency order.\n"
                              "set -euo pipefail\n"
                              "here=$(cd \"$(dirname \"${BASH_SOURCE[0]}\")\" && pwd)\n\n");
    }

  for (guint i = 0; i < set->jobs->len; i++)
    {
      FlintSpecJob *job = g_ptr_array_index (set->jobs, i);
      g_autofree char *path = set->is_project ? g_strdup_printf ("%02u-%s.submit.sh", i + 1, job->settings->k8s_name)
                                              : g_strdup_printf ("%s.submit.sh", job->settings->k8s_name);

      flint_export_add (files, path, script_for (set, job), TRUE);
      flint_export_add (files, job->code_filename, g_strdup (job->code_text), FALSE);
      if (order != NULL)
        g_string_append_printf (order, "\"$here/%s\"\n", path);
    }

  if (order != NULL)
    flint_export_add (files, "run-in-order.sh", g_string_free (g_steal_pointer (&order), FALSE), TRUE);

  return TRUE;
}
