/* flint-databricks-client.h: the Databricks REST API, with the retries it asks for
 *
 * JSON in, JSON out, Authorization: Bearer. 429 and 503 are retried after Retry-After
 * (or a backoff when there is none); 500, 502, 504, timeouts, dropped connections and
 * truncated answers are retried with exponential backoff and jitter, up to a number of
 * tries. A 401 or 403 becomes FLINT_TARGET_ERROR_CONFIG with a message that names where
 * the token came from and what to do; the token itself is never in a message or a log.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "flint-credentials.h"

G_BEGIN_DECLS

#define FLINT_TYPE_DATABRICKS_CLIENT (flint_databricks_client_get_type ())
G_DECLARE_FINAL_TYPE (FlintDatabricksClient, flint_databricks_client, FLINT, DATABRICKS_CLIENT, GObject)

/* Takes @auth. */
FlintDatabricksClient *flint_databricks_client_new       (FlintDatabricksAuth    *auth);
const char            *flint_databricks_client_get_host  (FlintDatabricksClient  *self);
/* The profile the credentials came from, or NULL. */
const char            *flint_databricks_client_get_profile (FlintDatabricksClient *self);
/* @base_ms: the first backoff (1000); @max_ms: the longest wait (30000); @tries: how
 * many times a request is sent at most (8); @timeout_s: per request (60). */
void                   flint_databricks_client_set_retry (FlintDatabricksClient  *self,
                                                          guint                   base_ms,
                                                          guint                   max_ms,
                                                          guint                   tries,
                                                          guint                   timeout_s);

/* @path: "/api/2.2/jobs/runs/get?run_id=1"; @body: NULL for GET. */
void                   flint_databricks_client_call_async  (FlintDatabricksClient *self,
                                                            const char            *method,
                                                            const char            *path,
                                                            JsonNode              *body,
                                                            GCancellable          *cancellable,
                                                            GAsyncReadyCallback    callback,
                                                            gpointer               user_data);
/* The answer's JSON. Errors: FLINT_TARGET_ERROR_CONFIG (401, 403),
 * FLINT_TARGET_ERROR_UNKNOWN_RUN (404), FLINT_TARGET_ERROR_SUBMIT (other refusals, and
 * transient failures that outlasted the retries). The error_code of the answer, when it
 * had one, is in *error_code. */
JsonNode              *flint_databricks_client_call_finish (FlintDatabricksClient *self,
                                                            GAsyncResult          *result,
                                                            char                 **error_code,
                                                            GError               **error);

G_END_DECLS
