/* flint-run.h: one run of a pipeline on a target, as the run store keeps it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef enum
{
  FLINT_RUN_QUEUED,      /* waiting for a slot (or for its retry backoff) */
  FLINT_RUN_SUBMITTING,  /* recorded; being handed to the target */
  FLINT_RUN_RUNNING,     /* the target has it (external id known) */
  FLINT_RUN_SUCCEEDED,
  FLINT_RUN_FAILED,
  FLINT_RUN_CANCELLED,
  FLINT_RUN_LOST,        /* Flint lost track of it (driver gone without a result) */
} FlintRunState;

typedef enum
{
  FLINT_RUN_PRIORITY_LOW,
  FLINT_RUN_PRIORITY_NORMAL,
  FLINT_RUN_PRIORITY_HIGH,
  FLINT_RUN_PRIORITY_CRITICAL,
} FlintRunPriority;

const char *flint_run_state_to_string      (FlintRunState     state);
gboolean    flint_run_state_from_string    (const char       *text,
                                            FlintRunState    *state);
gboolean    flint_run_state_is_finished    (FlintRunState     state);
const char *flint_run_priority_to_string   (FlintRunPriority  priority);
gboolean    flint_run_priority_from_string (const char       *text,
                                            FlintRunPriority *priority);

/* Progress of one node: the Spark jobs whose description starts with "[flint:NODE_ID]". */
typedef struct
{
  char    *node_id;
  char    *label;          /* the node's display name, or NULL */
  guint    jobs_done;
  guint    jobs_total;
  guint    stages_done;
  guint    stages_total;
  guint    tasks_done;     /* completed tasks, over jobs */
  guint    tasks_total;    /* tasks minus skipped tasks, over jobs */
  guint    jobs_failed;
  /* The node's most recent Spark job (highest id), for a link into the Spark UI
   * (UI_URL/jobs/job/?id=JOB_ID); has_job_id FALSE while none is known. */
  gboolean has_job_id;
  guint    job_id;
} FlintNodeProgress;

#define FLINT_TYPE_NODE_PROGRESS (flint_node_progress_get_type ())
GType              flint_node_progress_get_type (void) G_GNUC_CONST;
FlintNodeProgress *flint_node_progress_copy     (const FlintNodeProgress *self);
void               flint_node_progress_free     (FlintNodeProgress       *self);
/* 0.0 to 1.0 (tasks done over tasks); 0 while nothing is known. */
double             flint_node_progress_get_fraction (const FlintNodeProgress *self);

#define FLINT_TYPE_RUN (flint_run_get_type ())
G_DECLARE_FINAL_TYPE (FlintRun, flint_run, FLINT, RUN, GObject)

/* A new run with a fresh UUID, state QUEUED, attempt 1, created now. */
FlintRun         *flint_run_new                  (const char       *pipeline_name,
                                                  const char       *target_name,
                                                  const char       *target_kind);

const char       *flint_run_get_id               (FlintRun         *self);
const char       *flint_run_get_pipeline_name    (FlintRun         *self);
const char       *flint_run_get_pipeline_file    (FlintRun         *self);
void              flint_run_set_pipeline_file    (FlintRun         *self,
                                                  const char       *path);
const char       *flint_run_get_target_name      (FlintRun         *self);
const char       *flint_run_get_target_kind      (FlintRun         *self);
/* The target's entry of the pipeline's job.targets (JSON object text), or NULL. */
const char       *flint_run_get_target_config    (FlintRun         *self);
void              flint_run_set_target_config    (FlintRun         *self,
                                                  const char       *json);
/* The job.environments entry the run was submitted with (--env), or NULL: a target that
 * builds its spec from the pipeline file applies it again, so a resumed run keeps it. */
const char       *flint_run_get_environment      (FlintRun         *self);
void              flint_run_set_environment      (FlintRun         *self,
                                                  const char       *environment);

FlintRunState     flint_run_get_state            (FlintRun         *self);
/* Also stamps started_at (RUNNING) and finished_at (finished states). */
void              flint_run_set_state            (FlintRun         *self,
                                                  FlintRunState     state);
FlintRunPriority  flint_run_get_priority         (FlintRun         *self);
void              flint_run_set_priority         (FlintRun         *self,
                                                  FlintRunPriority  priority);

/* Microseconds since the epoch (g_get_real_time ()); 0 when not yet. */
gint64            flint_run_get_created_at       (FlintRun         *self);
gint64            flint_run_get_started_at       (FlintRun         *self);
gint64            flint_run_get_finished_at      (FlintRun         *self);
gint64            flint_run_get_updated_at       (FlintRun         *self);

const char       *flint_run_get_ui_url           (FlintRun         *self);
void              flint_run_set_ui_url           (FlintRun         *self,
                                                  const char       *url);
/* pid (local), SparkApplication namespace/name (kubernetes), run_id (databricks). */
const char       *flint_run_get_external_id      (FlintRun         *self);
void              flint_run_set_external_id      (FlintRun         *self,
                                                  const char       *external_id);
/* A JSON object the target keeps for itself (ports, app ids, hosts): survives restarts. */
JsonObject       *flint_run_get_target_data      (FlintRun         *self);
void              flint_run_set_target_data      (FlintRun         *self,
                                                  JsonObject       *data);
void              flint_run_save_target_data     (FlintRun         *self);

guint             flint_run_get_attempt          (FlintRun         *self);
void              flint_run_set_attempt          (FlintRun         *self,
                                                  guint             attempt);
/* 1 + job.retries */
guint             flint_run_get_max_attempts     (FlintRun         *self);
void              flint_run_set_max_attempts     (FlintRun         *self,
                                                  guint             max_attempts);
guint             flint_run_get_retry_backoff    (FlintRun         *self);
void              flint_run_set_retry_backoff    (FlintRun         *self,
                                                  guint             seconds);
/* job.timeout_minutes: how long one attempt may run; 0 for no limit. */
guint             flint_run_get_timeout_minutes  (FlintRun         *self);
void              flint_run_set_timeout_minutes  (FlintRun         *self,
                                                  guint             timeout_minutes);

/* Why it failed, was lost or is waiting; NULL when there is nothing to say. */
const char       *flint_run_get_message          (FlintRun         *self);
void              flint_run_set_message          (FlintRun         *self,
                                                  const char       *message);

/* g_get_user_cache_dir ()/flint/runs/RUN_ID and the program written there. */
const char       *flint_run_get_run_dir          (FlintRun         *self);
void              flint_run_set_run_dir          (FlintRun         *self,
                                                  const char       *dir);
const char       *flint_run_get_program_file     (FlintRun         *self);
void              flint_run_set_program_file     (FlintRun         *self,
                                                  const char       *path);

/* FlintNodeProgress, in the order nodes were first declared or seen. Borrowed. */
GPtrArray        *flint_run_get_progress         (FlintRun         *self);
const FlintNodeProgress *flint_run_lookup_progress (FlintRun       *self,
                                                  const char       *node_id);
/* Declares a node before anything is known of it (0/0), so it shows from the start. */
void              flint_run_declare_node         (FlintRun         *self,
                                                  const char       *node_id,
                                                  const char       *label);
/* Replaces the counts of @progress->node_id; emits ::node-progress when they changed. */
void              flint_run_update_progress      (FlintRun         *self,
                                                  const FlintNodeProgress *progress);

/* Serialisation for the store and `flint-cli status --json`. */
JsonNode         *flint_run_progress_to_json     (FlintRun         *self);
void              flint_run_progress_from_json   (FlintRun         *self,
                                                  JsonNode         *node);
JsonNode         *flint_run_to_json              (FlintRun         *self);

/* For the store: builds a run with every field as stored (no signals). */
FlintRun         *flint_run_new_with_id          (const char       *id,
                                                  const char       *pipeline_name,
                                                  const char       *target_name,
                                                  const char       *target_kind,
                                                  gint64            created_at);
void              flint_run_restore_times        (FlintRun         *self,
                                                  gint64            started_at,
                                                  gint64            finished_at,
                                                  gint64            updated_at);
void              flint_run_restore_state        (FlintRun         *self,
                                                  FlintRunState     state);

G_END_DECLS
