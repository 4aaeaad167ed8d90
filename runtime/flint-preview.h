/* flint-preview.h: sample data at any node, on a local Spark kept alive
 *
 * A FlintPreviewSession owns one long-lived Python worker (runtime/flint-preview-worker.py,
 * built in) holding a local SparkSession. Previewing a node generates the pipeline's
 * PySpark, keeps the steps up to that node and sends them with a hash per step (its
 * generated function, its sampling or test rows, its inputs' hashes): the worker runs
 * only the steps it has not cached and answers with the node's rows, column statistics
 * and the row count of every output it went through.
 *
 * Sampling comes from the job settings: job.preview: {rows: N, fraction: F, seed: S,
 * samples: {SOURCE_ID: [{COLUMN: VALUE, ...}, ...]}}. A source with samples is read from
 * them (test mode), typed by its declared columns; others are read for real and cut to
 * their first N rows, or to a seeded random fraction.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "flint-model.h"

G_BEGIN_DECLS

#define FLINT_PREVIEW_ERROR (flint_preview_error_quark ())

typedef enum
{
  FLINT_PREVIEW_ERROR_NO_SPARK,   /* no Python with pyspark on this machine */
  FLINT_PREVIEW_ERROR_WORKER,     /* the worker died or spoke nonsense */
  FLINT_PREVIEW_ERROR_NODE,       /* no such node, or nothing to preview there */
} FlintPreviewError;

GQuark flint_preview_error_quark (void);

/* Rows per source when job.preview.rows is not set, and rows shown. */
#define FLINT_PREVIEW_DEFAULT_ROWS 1000
#define FLINT_PREVIEW_DEFAULT_LIMIT 200

/* The result {{{ */

#define FLINT_TYPE_PREVIEW_RESULT (flint_preview_result_get_type ())
G_DECLARE_FINAL_TYPE (FlintPreviewResult, flint_preview_result, FLINT, PREVIEW_RESULT, GObject)

typedef struct
{
  const char *name;
  const char *type;        /* Spark's simple string: bigint, decimal(12,2) */
  gint64      nulls;
  const char *min;         /* NULL: none (all null, or not comparable) */
  const char *max;
  gint64      distinct;    /* approximate; -1 when not computed */
} FlintPreviewColumn;

/* The node previewed (a sink shows what flows into it). */
const char   *flint_preview_result_get_node_id      (FlintPreviewResult *self);
/* FALSE when Spark (or validation) failed: see get_error_node and get_message. */
gboolean      flint_preview_result_is_ok            (FlintPreviewResult *self);
/* The node whose step failed (NULL when none could be named). */
const char   *flint_preview_result_get_error_node   (FlintPreviewResult *self);
const char   *flint_preview_result_get_message      (FlintPreviewResult *self);
/* Spark's whole message (without the JVM stack), for a details view. */
const char   *flint_preview_result_get_detail       (FlintPreviewResult *self);

guint         flint_preview_result_get_n_columns    (FlintPreviewResult *self);
gboolean      flint_preview_result_get_column       (FlintPreviewResult *self,
                                                     guint               position,
                                                     FlintPreviewColumn *column);
/* Rows of the node's output on the sample (all of them, not only those shown). */
gint64        flint_preview_result_get_count        (FlintPreviewResult *self);
guint         flint_preview_result_get_n_rows       (FlintPreviewResult *self);
/* A cell as text, NULL for a SQL null. */
const char   *flint_preview_result_get_cell         (FlintPreviewResult *self,
                                                     guint               row,
                                                     guint               column);

/* The nodes the worker ran for this preview, and those it took from its cache (plan order;
 * borrowed, NULL-terminated). */
const char * const *flint_preview_result_get_executed (FlintPreviewResult *self);
const char * const *flint_preview_result_get_reused   (FlintPreviewResult *self);

/* The rows out of @node_id's @port (NULL: its first output); -1 when not previewed. */
gint64        flint_preview_result_get_output_count (FlintPreviewResult *self,
                                                     const char         *node_id,
                                                     const char         *port);
/* What a data quality node let through and what it dropped or quarantined (-1, -1 when
 * it did not run, or failed: the failure is the result's message). */
gboolean      flint_preview_result_get_quality      (FlintPreviewResult *self,
                                                     const char         *node_id,
                                                     const char        **mode,
                                                     gint64             *passed,
                                                     gint64             *failed);
/* Milliseconds the worker spent (0 when it did not run). */
gint64        flint_preview_result_get_elapsed      (FlintPreviewResult *self);
/* The worker's answer as it came, with the request's details: what --json prints. */
JsonNode     *flint_preview_result_to_json          (FlintPreviewResult *self);

/* }}} */

/* The session {{{ */

#define FLINT_TYPE_PREVIEW_SESSION (flint_preview_session_get_type ())
G_DECLARE_FINAL_TYPE (FlintPreviewSession, flint_preview_session, FLINT, PREVIEW_SESSION, GObject)

/* The worker starts on the first preview and stops with the last reference (or _stop). */
FlintPreviewSession *flint_preview_session_new      (void);

/* Previews @node_id of @pipeline. Relative paths in the pipeline are resolved against
 * @base_dir (NULL: the current directory). @rows overrides job.preview.rows (0: keep it);
 * @limit is the number of rows returned (0: FLINT_PREVIEW_DEFAULT_LIMIT). The result of a
 * Spark failure is a result, not an error: errors are for a missing Spark, a dead worker,
 * an unknown node, and G_IO_ERROR_CANCELLED (the worker's Spark jobs are cancelled too). */
void                 flint_preview_session_run_async  (FlintPreviewSession  *self,
                                                       FlintPipeline        *pipeline,
                                                       const char           *node_id,
                                                       GFile                *base_dir,
                                                       guint                 rows,
                                                       guint                 limit,
                                                       GCancellable         *cancellable,
                                                       GAsyncReadyCallback   callback,
                                                       gpointer              user_data);
FlintPreviewResult  *flint_preview_session_run_finish (FlintPreviewSession  *self,
                                                       GAsyncResult         *result,
                                                       GError              **error);
/* Whether the worker process is running. */
gboolean             flint_preview_session_is_running (FlintPreviewSession *self);
/* Ends the worker (pending previews fail); the next preview starts a new one. */
void                 flint_preview_session_stop       (FlintPreviewSession *self);

/* The request a preview sends (for tests and --json): NULL with an error for an unknown
 * node. A pipeline with validation errors on the way to the node gives a request that
 * holds "invalid": {node, message} and that the session answers without Spark. */
JsonNode            *flint_preview_build_request      (FlintPipeline        *pipeline,
                                                       const char           *node_id,
                                                       GFile                *base_dir,
                                                       guint                 rows,
                                                       guint                 limit,
                                                       GError              **error);

/* }}} */

G_END_DECLS
