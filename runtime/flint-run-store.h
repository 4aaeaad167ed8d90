/* flint-run-store.h: every run Flint started, in SQLite
 *
 * $XDG_DATA_HOME/flint/runs.sqlite, WAL mode, schema version in PRAGMA user_version. Each
 * write is one transaction. Several processes (the designer, flint-cli) may share it: each
 * run has an owner (the process following it) so that after a crash another process can
 * take the run over, and two live processes never follow the same run.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "flint-run.h"

G_BEGIN_DECLS

#define FLINT_RUN_STORE_SCHEMA_VERSION 3

#define FLINT_RUN_STORE_ERROR (flint_run_store_error_quark ())

typedef enum
{
  FLINT_RUN_STORE_ERROR_OPEN,       /* cannot open or create the database */
  FLINT_RUN_STORE_ERROR_VERSION,    /* written by a newer Flint */
  FLINT_RUN_STORE_ERROR_SQL,
  FLINT_RUN_STORE_ERROR_NOT_FOUND,  /* no such run */
  FLINT_RUN_STORE_ERROR_AMBIGUOUS,  /* a run id prefix that matches several runs */
} FlintRunStoreError;

GQuark flint_run_store_error_quark (void);

#define FLINT_TYPE_RUN_STORE (flint_run_store_get_type ())
G_DECLARE_FINAL_TYPE (FlintRunStore, flint_run_store, FLINT, RUN_STORE, GObject)

/* @path: NULL for the user's store (flint_paths_build (FLINT_PATH_DATA, "runs.sqlite")). */
FlintRunStore *flint_run_store_new        (const char     *path,
                                           GError        **error);
const char    *flint_run_store_get_path   (FlintRunStore  *self);

/* Records a new run; fails if its id is taken. */
gboolean       flint_run_store_insert     (FlintRunStore  *self,
                                           FlintRun       *run,
                                           GError        **error);
/* Writes every field of @run. */
gboolean       flint_run_store_update     (FlintRunStore  *self,
                                           FlintRun       *run,
                                           GError        **error);
/* By id, or by an unambiguous prefix of at least 4 characters (as `flint-cli` shows). */
FlintRun      *flint_run_store_lookup     (FlintRunStore  *self,
                                           const char     *id,
                                           GError        **error);
/* Most recent first; @limit 0 for all. */
GPtrArray     *flint_run_store_list       (FlintRunStore  *self,
                                           guint           limit,
                                           GError        **error);
/* Runs not finished (queued, submitting, running), oldest first. */
GPtrArray     *flint_run_store_list_unfinished (FlintRunStore *self,
                                                GError       **error);

/* Makes @owner ("PID:TOKEN", one per runner) the one following the run, if the run has no
 * owner, @owner already owns it, or its owner's process is gone. FALSE without error when
 * another live owner has it. */
gboolean       flint_run_store_claim      (FlintRunStore  *self,
                                           const char     *run_id,
                                           const char     *owner,
                                           GError        **error);
gboolean       flint_run_store_release    (FlintRunStore  *self,
                                           const char     *run_id,
                                           const char     *owner,
                                           GError        **error);
/* Makes @owner follow the queued run @run_id and records it as submitting, if fewer than
 * @max runs of its target kind are submitting or running under a live owner, in one
 * transaction: the concurrency limit holds across the processes sharing the store. FALSE
 * without error when the limit is reached. */
gboolean       flint_run_store_claim_slot (FlintRunStore  *self,
                                           const char     *run_id,
                                           const char     *owner,
                                           guint           max,
                                           GError        **error);
/* The owner, or NULL. */
char          *flint_run_store_dup_owner  (FlintRunStore  *self,
                                           const char     *run_id);

G_END_DECLS
