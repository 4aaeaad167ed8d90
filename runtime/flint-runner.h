/* flint-runner.h: runs pipelines on targets, with a queue, retries and resume
 *
 * The runner generates the program, writes it to the run directory and records the run
 * in the store (state queued) before anything else; then a queue hands runs to their
 * targets by priority (CRITICAL first, then oldest) within a concurrency limit that
 * applies to local targets; failed runs are retried as job.retries and
 * job.retry_backoff_seconds say. A run running longer than job.timeout_minutes (counted
 * from the recorded start of its attempt) is stopped through its target and fails with
 * "Timed out after N minutes"; that failed attempt is retried like any other. Every
 * change of a run is written to the store.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "flint-model.h"
#include "flint-run-store.h"
#include "flint-target.h"

G_BEGIN_DECLS

#define FLINT_RUNNER_ERROR (flint_runner_error_quark ())

typedef enum
{
  FLINT_RUNNER_ERROR_NO_TARGET,   /* the pipeline has no such target */
  FLINT_RUNNER_ERROR_NO_ENV,      /* the pipeline has no such environment */
  FLINT_RUNNER_ERROR_FINISHED,    /* cancelling a run that already ended */
} FlintRunnerError;

GQuark flint_runner_error_quark (void);

#define FLINT_TYPE_RUNNER (flint_runner_get_type ())
G_DECLARE_FINAL_TYPE (FlintRunner, flint_runner, FLINT, RUNNER, GObject)

FlintRunner   *flint_runner_new                (FlintRunStore    *store);
FlintRunStore *flint_runner_get_store          (FlintRunner      *self);
/* How many runs on local targets may run at once (default 1). */
void           flint_runner_set_max_concurrent (FlintRunner      *self,
                                                guint             max_concurrent);
guint          flint_runner_get_max_concurrent (FlintRunner      *self);
/* Use @target for runs on targets of its name instead of one made from the settings
 * (a configured local target in tests, a shared Kubernetes client in the designer). */
void           flint_runner_add_target         (FlintRunner      *self,
                                                FlintTarget      *target);
/* The target that runs @run: added, cached, or made from the run's stored settings. */
FlintTarget   *flint_runner_get_target         (FlintRunner      *self,
                                                FlintRun         *run,
                                                GError          **error);

/* Generates the pipeline's PySpark (after applying environment @env, when not NULL),
 * records the run and queues it. @target_name NULL: the pipeline's "local" target, or
 * plain local Spark when it has none. Returns the run (owned by the runner; ref it). */
FlintRun      *flint_runner_submit_pipeline    (FlintRunner      *self,
                                                FlintPipeline    *pipeline,
                                                const char       *pipeline_file,
                                                const char       *target_name,
                                                const char       *env,
                                                FlintRunPriority  priority,
                                                GError          **error);
/* As flint_runner_submit_pipeline, with generation and the program file in a thread on a
 * copy of @pipeline taken now; _finish records and queues the run (a new reference), unless
 * @cancellable was cancelled. */
void           flint_runner_submit_pipeline_async  (FlintRunner         *self,
                                                    FlintPipeline       *pipeline,
                                                    const char          *pipeline_file,
                                                    const char          *target_name,
                                                    const char          *env,
                                                    FlintRunPriority     priority,
                                                    GCancellable        *cancellable,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data);
FlintRun      *flint_runner_submit_pipeline_finish (FlintRunner         *self,
                                                    GAsyncResult        *result,
                                                    GError             **error);
/* Records and queues @run, whose target settings are set; writes @program (Python) to
 * its run directory first unless it already has a program file. */
gboolean       flint_runner_enqueue            (FlintRunner      *self,
                                                FlintRun         *run,
                                                const char       *program,
                                                GError          **error);
/* Queued: removed and marked cancelled. Running: the target is asked to stop it; the run
 * ends as cancelled when it stopped. Also for runs another process follows. */
gboolean       flint_runner_cancel             (FlintRunner      *self,
                                                const char       *run_id,
                                                GError          **error);
/* Takes over the unfinished runs of the store whose process is gone: queued ones are
 * queued again, submitted ones followed (re-attached, or marked lost). Returns how many. */
guint          flint_runner_resume             (FlintRunner      *self);
/* One look at an unfinished run nobody follows (for `flint-cli status`); async. */
void           flint_runner_refresh_async      (FlintRunner      *self,
                                                FlintRun         *run,
                                                GCancellable     *cancellable,
                                                GAsyncReadyCallback callback,
                                                gpointer          user_data);
gboolean       flint_runner_refresh_finish     (FlintRunner      *self,
                                                GAsyncResult     *result,
                                                GError          **error);

/* The wall clock (microseconds, as g_get_real_time) the runner measures job.timeout_minutes
 * against; NULL for g_get_real_time. Tests move it forward. Checks the timeouts again. */
typedef gint64 (*FlintRunnerClock) (void);
void           flint_runner_set_clock          (FlintRunner      *self,
                                                FlintRunnerClock  clock);

/* A run this runner handles (queued, active or waiting for a retry), or NULL. */
FlintRun      *flint_runner_lookup             (FlintRunner      *self,
                                                const char       *run_id);
guint          flint_runner_get_n_queued       (FlintRunner      *self);
guint          flint_runner_get_n_active       (FlintRunner      *self);

G_END_DECLS
