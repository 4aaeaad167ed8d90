/* flint-job-settings.h: a pipeline's job settings, typed and resolved for one target
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "flint-model.h"

G_BEGIN_DECLS

#define FLINT_EXPORT_ERROR (flint_export_error_quark ())

typedef enum
{
  FLINT_EXPORT_ERROR_SETTING,   /* a setting is missing or wrong; the message names it */
  FLINT_EXPORT_ERROR_TARGET,    /* no such target, or a kind that cannot be exported */
  FLINT_EXPORT_ERROR_ENVIRONMENT,
  FLINT_EXPORT_ERROR_PROJECT,   /* the project file */
} FlintExportError;

GQuark flint_export_error_quark (void);

typedef enum
{
  FLINT_TARGET_LOCAL,
  FLINT_TARGET_KUBERNETES,
  FLINT_TARGET_DATABRICKS,
  FLINT_TARGET_SPARK_CONNECT,
} FlintTargetKind;

typedef struct
{
  char *env;     /* the environment variable the job reads */
  char *name;    /* Kubernetes secret or Databricks scope */
  char *key;
} FlintSecretRef;

typedef struct
{
  char            *name;             /* the pipeline's name */
  char            *k8s_name;         /* the same as a Kubernetes object name */
  char            *description;
  char            *environment;      /* NULL without --env */
  char            *target_name;
  FlintTargetKind  target_kind;
  JsonObject      *target;           /* the target's keys, environment applied */
  JsonObject      *job;              /* every job setting, environment applied */

  gboolean         streaming;
  char            *spark_version;
  char            *image;
  gint64           driver_cores;
  char            *driver_memory;
  char            *driver_memory_overhead;
  gint64           executor_instances;
  gint64           executor_cores;
  char            *executor_memory;
  char            *executor_memory_overhead;
  gboolean         dynamic_allocation;
  gint64           dynamic_min;
  gint64           dynamic_max;
  gboolean         optimizations;    /* optimizations: auto */
  GPtrArray       *conf;             /* "key" then "value", pairs sorted by key: preset + conf */
  char           **jars;
  char           **packages;
  char           **py_files;
  char            *cron;             /* five-field cron or an @ shorthand */
  char            *timezone;
  gint64           retries;
  gint64           retry_backoff_seconds;
  gint64           timeout_minutes;   /* 0: none */
  char           **on_start;
  char           **on_success;
  char           **on_failure;
  GPtrArray       *secrets;          /* FlintSecretRef, sorted by env */
  gboolean         has_delta_sink;
} FlintJobSettings;

/* Resolves @pipeline's job settings for @target (NULL: the only target, or the first
 * defined) with the overrides of @environment (NULL: none). Fails naming the setting
 * for what the validator cannot know without the target and environment: an unknown
 * environment or target, a Kubernetes target with no image. */
FlintJobSettings *flint_job_settings_resolve    (FlintPipeline     *pipeline,
                                                 const char        *target,
                                                 const char        *environment,
                                                 GError           **error);
void              flint_job_settings_free       (FlintJobSettings  *self);
const char       *flint_job_settings_get_conf   (FlintJobSettings  *self,
                                                 const char        *key);
/* A target key as text, or NULL. */
const char       *flint_job_settings_target_string (FlintJobSettings *self,
                                                    const char       *key);
/* Puts the resolved settings into @pipeline's job so the generated main() matches. */
void              flint_job_settings_apply      (FlintJobSettings  *self,
                                                 FlintPipeline     *pipeline);
/* Deep merge: @overrides' maps merge into @base's, anything else replaces. */
void              flint_job_settings_merge      (JsonObject        *base,
                                                 JsonObject        *overrides);

/* Quartz cron (Databricks) for a five-field cron or @ shorthand; NULL with @error when
 * Quartz cannot say it (both a day of month and a day of week). */
char             *flint_cron_to_quartz          (const char        *cron,
                                                 GError           **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FlintJobSettings, flint_job_settings_free)

G_END_DECLS
