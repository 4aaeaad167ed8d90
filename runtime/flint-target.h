/* flint-target.h: where runs go (local Spark, Kubernetes, Databricks, Spark Connect)
 *
 * A target is configured from its entry of the pipeline's job.targets, takes a run whose
 * program the runner has already written to flint_run_get_program_file (), and reports
 * everything it learns by setting the run's fields (state, external id, UI URL, progress,
 * message, target data); the runner records every change in the run store.
 *
 * The life of a run on a target:
 *   submit   state SUBMITTING (already in the store) -> RUNNING, external id set. Must not
 *            wait for the end. FALSE + error when nothing could be started (the runner then
 *            marks the run failed, or queues a retry).
 *   follow   until the run is finished: progress per node, then a finished state with a
 *            message on failure. Also called after a restart on a run some earlier process
 *            submitted (only its stored fields are known then): re-attach, or mark it LOST
 *            with a message saying why. Cancelling @cancellable stops following only.
 *   refresh  one look (used by `flint-cli status` and by the default follow).
 *   cancel   ask the target to stop the run; follow then ends with CANCELLED.
 *   read_logs  the driver's output from byte @offset on.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "flint-run.h"

G_BEGIN_DECLS

#define FLINT_TARGET_ERROR (flint_target_error_quark ())

typedef enum
{
  FLINT_TARGET_ERROR_CONFIG,      /* the target's settings are wrong */
  FLINT_TARGET_ERROR_NOT_FOUND,   /* Spark (or the cluster, the workspace) cannot be found */
  FLINT_TARGET_ERROR_SUBMIT,      /* the target refused the run */
  FLINT_TARGET_ERROR_UNKNOWN_RUN, /* the target knows nothing of this run (any more) */
  FLINT_TARGET_ERROR_UNSUPPORTED,
} FlintTargetError;

typedef enum
{
  FLINT_TARGET_FLAGS_NONE = 0,
  /* Runs use this machine's cores and memory: the runner's concurrency limit applies. */
  FLINT_TARGET_FLAGS_LOCAL = 1 << 0,
} FlintTargetFlags;

typedef enum
{
  FLINT_LOG_STDOUT,
  FLINT_LOG_STDERR,
} FlintLogStream;

GQuark flint_target_error_quark (void);

#define FLINT_TYPE_TARGET (flint_target_get_type ())
G_DECLARE_INTERFACE (FlintTarget, flint_target, FLINT, TARGET, GObject)

struct _FlintTargetInterface
{
  GTypeInterface parent_iface;

  FlintTargetFlags (*get_flags)      (FlintTarget          *self);
  /* @config: the target's entry of job.targets ({kind: local, master: ...}). */
  gboolean         (*configure)      (FlintTarget          *self,
                                      JsonObject           *config,
                                      GError              **error);

  void             (*submit_async)   (FlintTarget          *self,
                                      FlintRun             *run,
                                      GCancellable         *cancellable,
                                      GAsyncReadyCallback   callback,
                                      gpointer              user_data);
  gboolean         (*submit_finish)  (FlintTarget          *self,
                                      GAsyncResult         *result,
                                      GError              **error);

  /* Optional: the default calls refresh every get_poll_interval () ms until finished. */
  void             (*follow_async)   (FlintTarget          *self,
                                      FlintRun             *run,
                                      GCancellable         *cancellable,
                                      GAsyncReadyCallback   callback,
                                      gpointer              user_data);
  gboolean         (*follow_finish)  (FlintTarget          *self,
                                      GAsyncResult         *result,
                                      GError              **error);

  void             (*refresh_async)  (FlintTarget          *self,
                                      FlintRun             *run,
                                      GCancellable         *cancellable,
                                      GAsyncReadyCallback   callback,
                                      gpointer              user_data);
  gboolean         (*refresh_finish) (FlintTarget          *self,
                                      GAsyncResult         *result,
                                      GError              **error);

  void             (*cancel_async)   (FlintTarget          *self,
                                      FlintRun             *run,
                                      GCancellable         *cancellable,
                                      GAsyncReadyCallback   callback,
                                      gpointer              user_data);
  gboolean         (*cancel_finish)  (FlintTarget          *self,
                                      GAsyncResult         *result,
                                      GError              **error);

  void             (*read_logs_async)  (FlintTarget        *self,
                                        FlintRun           *run,
                                        FlintLogStream      stream,
                                        guint64             offset,
                                        GCancellable       *cancellable,
                                        GAsyncReadyCallback callback,
                                        gpointer            user_data);
  /* The bytes from @offset on (empty when nothing new); *next_offset to ask from next. */
  GBytes          *(*read_logs_finish) (FlintTarget        *self,
                                        GAsyncResult       *result,
                                        guint64            *next_offset,
                                        GError            **error);

  /* Optional: milliseconds between two looks of the default follow (1000). */
  guint            (*get_poll_interval) (FlintTarget       *self,
                                         FlintRun          *run);

  gpointer padding[8];
};

/* Target kinds ("local", "kubernetes", ...) and the GType implementing each. "local" is
 * registered by the runtime; other targets register themselves once. */
void              flint_target_register_kind  (const char          *kind,
                                               GType                type);
GType             flint_target_lookup_kind    (const char          *kind);
/* A configured target of kind config.kind named @name; FLINT_TARGET_ERROR_CONFIG for an
 * unknown kind or bad settings. */
FlintTarget      *flint_target_new_for_config (const char          *name,
                                               JsonObject          *config,
                                               GError             **error);

/* Every target has the properties "name" (the key in job.targets) and "kind". */
const char       *flint_target_get_name       (FlintTarget         *self);
const char       *flint_target_get_kind       (FlintTarget         *self);
FlintTargetFlags  flint_target_get_flags      (FlintTarget         *self);
gboolean          flint_target_configure      (FlintTarget         *self,
                                               JsonObject          *config,
                                               GError             **error);

void              flint_target_submit_async   (FlintTarget         *self,
                                               FlintRun            *run,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
gboolean          flint_target_submit_finish  (FlintTarget         *self,
                                               GAsyncResult        *result,
                                               GError             **error);
void              flint_target_follow_async   (FlintTarget         *self,
                                               FlintRun            *run,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
gboolean          flint_target_follow_finish  (FlintTarget         *self,
                                               GAsyncResult        *result,
                                               GError             **error);
void              flint_target_refresh_async  (FlintTarget         *self,
                                               FlintRun            *run,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
gboolean          flint_target_refresh_finish (FlintTarget         *self,
                                               GAsyncResult        *result,
                                               GError             **error);
void              flint_target_cancel_async   (FlintTarget         *self,
                                               FlintRun            *run,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
gboolean          flint_target_cancel_finish  (FlintTarget         *self,
                                               GAsyncResult        *result,
                                               GError             **error);
void              flint_target_read_logs_async  (FlintTarget       *self,
                                                 FlintRun          *run,
                                                 FlintLogStream     stream,
                                                 guint64            offset,
                                                 GCancellable      *cancellable,
                                                 GAsyncReadyCallback callback,
                                                 gpointer           user_data);
GBytes           *flint_target_read_logs_finish (FlintTarget       *self,
                                                 GAsyncResult      *result,
                                                 guint64           *next_offset,
                                                 GError           **error);

/* For targets: parses "[flint:NODE_ID] Display name" job descriptions (NULL otherwise). */
char             *flint_target_node_from_description (const char   *description);

G_END_DECLS
