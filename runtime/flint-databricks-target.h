/* flint-databricks-target.h: runs on a Databricks workspace (Jobs API one-time runs)
 *
 * Submit uploads the run's program as a workspace file (Workspace API mkdirs + import,
 * overwrite) under WORKSPACE_PATH/runs/RUN_ID/, then POSTs jobs/runs/submit with the
 * body the export engine makes for this pipeline and target (runs-submit.json) plus an
 * idempotency_token derived from the run id and attempt: a submit retried after a
 * dropped answer, or by another Flint after a crash, returns the same Databricks run.
 * Follow polls runs/get, starting at the shortest interval and growing it while nothing
 * changes; the run page is the UI link; the error and logs come from runs/get-output.
 *
 * The target's settings: {kind: databricks, profile: NAME | host: URL, workspace_path,
 * runtime, node_type, workers, ...}; the credentials: flint-credentials.h.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "flint-target.h"

G_BEGIN_DECLS

#define FLINT_TYPE_DATABRICKS_TARGET (flint_databricks_target_get_type ())
G_DECLARE_FINAL_TYPE (FlintDatabricksTarget, flint_databricks_target, FLINT, DATABRICKS_TARGET, GObject)

/* Polls between @min_ms and @max_ms (2000 and 15000); requests are retried from
 * @retry_base_ms on (1000) and time out after @timeout_s (60). For tests and settings. */
void      flint_databricks_target_set_timing (FlintDatabricksTarget *self,
                                              guint                  min_ms,
                                              guint                  max_ms,
                                              guint                  retry_base_ms,
                                              guint                  timeout_s);

/* The idempotency token of @run's current attempt. */
char     *flint_databricks_idempotency_token (FlintRun              *run);

G_END_DECLS
