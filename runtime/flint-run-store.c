/* flint-run-store.c: runs in SQLite
 *
 * Writes are small and WAL makes them cheap, so they are synchronous; a busy timeout lets
 * several processes share the file.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "flint-runtime"

#include "config.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "flint-paths.h"
#include "flint-run-store.h"

struct _FlintRunStore
{
  GObject  parent_instance;

  char    *path;
  sqlite3 *db;
};

G_DEFINE_FINAL_TYPE (FlintRunStore, flint_run_store, G_TYPE_OBJECT)
G_DEFINE_QUARK (flint-run-store-error-quark, flint_run_store_error)

#define COLUMNS \
  "id, pipeline_name, pipeline_file, target_name, target_kind, target_config, state, priority, " \
  "created_at, started_at, finished_at, updated_at, ui_url, external_id, target_data, attempt, " \
  "max_attempts, retry_backoff, message, run_dir, program_file, progress, environment, timeout_minutes"

static const char schema_v1[] =
  "CREATE TABLE runs ("
  "  id TEXT PRIMARY KEY NOT NULL,"
  "  pipeline_name TEXT, pipeline_file TEXT,"
  "  target_name TEXT, target_kind TEXT, target_config TEXT,"
  "  state TEXT NOT NULL, priority INTEGER NOT NULL DEFAULT 1,"
  "  created_at INTEGER NOT NULL, started_at INTEGER, finished_at INTEGER, updated_at INTEGER,"
  "  ui_url TEXT, external_id TEXT, target_data TEXT,"
  "  attempt INTEGER NOT NULL DEFAULT 1, max_attempts INTEGER NOT NULL DEFAULT 1,"
  "  retry_backoff INTEGER NOT NULL DEFAULT 0,"
  "  message TEXT, run_dir TEXT, program_file TEXT, progress TEXT,"
  "  owner TEXT"
  ");"
  "CREATE INDEX runs_by_creation ON runs (created_at);"
  "CREATE INDEX runs_by_state ON runs (state);";

static gboolean
sql_error (FlintRunStore  *self,
           GError        **error,
           const char     *what)
{
  g_set_error (error, FLINT_RUN_STORE_ERROR, FLINT_RUN_STORE_ERROR_SQL,
               _("Run store %s: %s: %s"), self->path, what, sqlite3_errmsg (self->db));
  return FALSE;
}

static gboolean
exec (FlintRunStore  *self,
      const char     *sql,
      GError        **error)
{
  char *message = NULL;

  if (sqlite3_exec (self->db, sql, NULL, NULL, &message) != SQLITE_OK)
    {
      g_set_error (error, FLINT_RUN_STORE_ERROR, FLINT_RUN_STORE_ERROR_SQL,
                   _("Run store %s: %s"), self->path, message ? message : sqlite3_errmsg (self->db));
      sqlite3_free (message);
      return FALSE;
    }
  return TRUE;
}

static void
flint_run_store_finalize (GObject *object)
{
  FlintRunStore *self = FLINT_RUN_STORE (object);

  g_clear_pointer (&self->db, sqlite3_close);
  g_free (self->path);

  G_OBJECT_CLASS (flint_run_store_parent_class)->finalize (object);
}

static void
flint_run_store_class_init (FlintRunStoreClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = flint_run_store_finalize;
}

static void
flint_run_store_init (FlintRunStore *self)
{
}

static gboolean
migrate (FlintRunStore  *self,
         GError        **error)
{
  sqlite3_stmt *stmt = NULL;
  int version = 0;

  if (!exec (self, "BEGIN IMMEDIATE", error))
    return FALSE;

  if (sqlite3_prepare_v2 (self->db, "PRAGMA user_version", -1, &stmt, NULL) == SQLITE_OK &&
      sqlite3_step (stmt) == SQLITE_ROW)
    version = sqlite3_column_int (stmt, 0);
  sqlite3_finalize (stmt);

  if (version > FLINT_RUN_STORE_SCHEMA_VERSION)
    {
      exec (self, "ROLLBACK", NULL);
      g_set_error (error, FLINT_RUN_STORE_ERROR, FLINT_RUN_STORE_ERROR_VERSION,
                   _("The run store %s was written by a newer Flint (schema %d; this one knows %d)"),
                   self->path, version, FLINT_RUN_STORE_SCHEMA_VERSION);
      return FALSE;
    }

  /* Each version's step goes here, in order; version 1 is the first. */
  if (version < 1)
    {
      g_autofree char *bump = g_strdup_printf ("PRAGMA user_version = %d", 1);

      if (!exec (self, schema_v1, error) || !exec (self, bump, error))
        {
          exec (self, "ROLLBACK", NULL);
          return FALSE;
        }
    }
  /* 2: the environment (--env) a run was submitted with; older runs had none (NULL). */
  if (version < 2)
    {
      if (!exec (self, "ALTER TABLE runs ADD COLUMN environment TEXT", error) ||
          !exec (self, "PRAGMA user_version = 2", error))
        {
          exec (self, "ROLLBACK", NULL);
          return FALSE;
        }
    }
  /* 3: job.timeout_minutes, so a timeout holds after a restart; older runs had none (0). */
  if (version < 3)
    {
      if (!exec (self, "ALTER TABLE runs ADD COLUMN timeout_minutes INTEGER NOT NULL DEFAULT 0", error) ||
          !exec (self, "PRAGMA user_version = 3", error))
        {
          exec (self, "ROLLBACK", NULL);
          return FALSE;
        }
    }

  return exec (self, "COMMIT", error);
}

FlintRunStore *
flint_run_store_new (const char  *path,
                     GError     **error)
{
  g_autoptr(FlintRunStore) self = g_object_new (FLINT_TYPE_RUN_STORE, NULL);
  g_autofree char *dir = NULL;

  if (path == NULL)
    {
      g_autofree char *data_dir = flint_paths_ensure_dir (FLINT_PATH_DATA, NULL, error);

      if (data_dir == NULL)
        return NULL;
      self->path = g_build_filename (data_dir, "runs.sqlite", NULL);
    }
  else
    {
      self->path = g_strdup (path);
      dir = g_path_get_dirname (path);
      g_mkdir_with_parents (dir, 0700);
    }

  if (sqlite3_open_v2 (self->path, &self->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
                       NULL) != SQLITE_OK)
    {
      g_set_error (error, FLINT_RUN_STORE_ERROR, FLINT_RUN_STORE_ERROR_OPEN,
                   _("Cannot open the run store %s: %s"), self->path,
                   self->db ? sqlite3_errmsg (self->db) : g_strerror (ENOMEM));
      return NULL;
    }

  sqlite3_busy_timeout (self->db, 5000);

  if (!exec (self, "PRAGMA journal_mode = WAL", error) ||
      !exec (self, "PRAGMA synchronous = NORMAL", error) ||
      !migrate (self, error))
    {
      if (error != NULL && *error != NULL && (*error)->code == FLINT_RUN_STORE_ERROR_SQL)
        (*error)->code = FLINT_RUN_STORE_ERROR_OPEN;
      return NULL;
    }

  return g_steal_pointer (&self);
}

const char *
flint_run_store_get_path (FlintRunStore *self)
{
  g_return_val_if_fail (FLINT_IS_RUN_STORE (self), NULL);

  return self->path;
}

static void
bind_text (sqlite3_stmt *stmt,
           int           column,
           const char   *text)
{
  if (text == NULL)
    sqlite3_bind_null (stmt, column);
  else
    sqlite3_bind_text (stmt, column, text, -1, SQLITE_TRANSIENT);
}

static void
bind_run (sqlite3_stmt *stmt,
          FlintRun     *run)
{
  g_autoptr(JsonNode) progress = flint_run_progress_to_json (run);
  g_autoptr(JsonNode) data = json_node_init_object (json_node_alloc (), flint_run_get_target_data (run));
  g_autofree char *progress_text = json_to_string (progress, FALSE);
  g_autofree char *data_text = json_to_string (data, FALSE);

  bind_text (stmt, 1, flint_run_get_id (run));
  bind_text (stmt, 2, flint_run_get_pipeline_name (run));
  bind_text (stmt, 3, flint_run_get_pipeline_file (run));
  bind_text (stmt, 4, flint_run_get_target_name (run));
  bind_text (stmt, 5, flint_run_get_target_kind (run));
  bind_text (stmt, 6, flint_run_get_target_config (run));
  bind_text (stmt, 7, flint_run_state_to_string (flint_run_get_state (run)));
  sqlite3_bind_int (stmt, 8, flint_run_get_priority (run));
  sqlite3_bind_int64 (stmt, 9, flint_run_get_created_at (run));
  sqlite3_bind_int64 (stmt, 10, flint_run_get_started_at (run));
  sqlite3_bind_int64 (stmt, 11, flint_run_get_finished_at (run));
  sqlite3_bind_int64 (stmt, 12, flint_run_get_updated_at (run));
  bind_text (stmt, 13, flint_run_get_ui_url (run));
  bind_text (stmt, 14, flint_run_get_external_id (run));
  bind_text (stmt, 15, data_text);
  sqlite3_bind_int (stmt, 16, flint_run_get_attempt (run));
  sqlite3_bind_int (stmt, 17, flint_run_get_max_attempts (run));
  sqlite3_bind_int (stmt, 18, flint_run_get_retry_backoff (run));
  bind_text (stmt, 19, flint_run_get_message (run));
  bind_text (stmt, 20, flint_run_get_run_dir (run));
  bind_text (stmt, 21, flint_run_get_program_file (run));
  bind_text (stmt, 22, progress_text);
  bind_text (stmt, 23, flint_run_get_environment (run));
  sqlite3_bind_int (stmt, 24, flint_run_get_timeout_minutes (run));
}

static gboolean
write_run (FlintRunStore  *self,
           FlintRun       *run,
           const char     *sql,
           gboolean        must_change,
           GError        **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  if (!exec (self, "BEGIN IMMEDIATE", error))
    return FALSE;

  if (sqlite3_prepare_v2 (self->db, sql, -1, &stmt, NULL) != SQLITE_OK)
    {
      sql_error (self, error, "prepare");
      exec (self, "ROLLBACK", NULL);
      return FALSE;
    }
  bind_run (stmt, run);
  rc = sqlite3_step (stmt);
  sqlite3_finalize (stmt);

  if (rc != SQLITE_DONE)
    {
      sql_error (self, error, flint_run_get_id (run));
      exec (self, "ROLLBACK", NULL);
      return FALSE;
    }

  if (must_change && sqlite3_changes (self->db) == 0)
    {
      exec (self, "ROLLBACK", NULL);
      g_set_error (error, FLINT_RUN_STORE_ERROR, FLINT_RUN_STORE_ERROR_NOT_FOUND,
                   _("There is no run %s"), flint_run_get_id (run));
      return FALSE;
    }

  return exec (self, "COMMIT", error);
}

gboolean
flint_run_store_insert (FlintRunStore  *self,
                        FlintRun       *run,
                        GError        **error)
{
  g_return_val_if_fail (FLINT_IS_RUN_STORE (self), FALSE);
  g_return_val_if_fail (FLINT_IS_RUN (run), FALSE);

  return write_run (self, run,
                    "INSERT INTO runs (" COLUMNS ") VALUES "
                    "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24)",
                    FALSE, error);
}

gboolean
flint_run_store_update (FlintRunStore  *self,
                        FlintRun       *run,
                        GError        **error)
{
  g_return_val_if_fail (FLINT_IS_RUN_STORE (self), FALSE);
  g_return_val_if_fail (FLINT_IS_RUN (run), FALSE);

  return write_run (self, run,
                    "UPDATE runs SET pipeline_name = ?2, pipeline_file = ?3, target_name = ?4, target_kind = ?5, "
                    "target_config = ?6, state = ?7, priority = ?8, created_at = ?9, started_at = ?10, "
                    "finished_at = ?11, updated_at = ?12, ui_url = ?13, external_id = ?14, target_data = ?15, "
                    "attempt = ?16, max_attempts = ?17, retry_backoff = ?18, message = ?19, run_dir = ?20, "
                    "program_file = ?21, progress = ?22, environment = ?23, timeout_minutes = ?24 WHERE id = ?1",
                    TRUE, error);
}

static const char *
column_text (sqlite3_stmt *stmt,
             int           column)
{
  return (const char *) sqlite3_column_text (stmt, column);
}

static FlintRun *
read_run (sqlite3_stmt *stmt)
{
  g_autoptr(FlintRun) run = NULL;
  FlintRunState state = FLINT_RUN_LOST;
  const char *text;

  run = flint_run_new_with_id (column_text (stmt, 0), column_text (stmt, 1), column_text (stmt, 3),
                               column_text (stmt, 4), sqlite3_column_int64 (stmt, 8));
  /* Setters emit ::changed, but nobody listens yet. */
  flint_run_set_pipeline_file (run, column_text (stmt, 2));
  flint_run_set_target_config (run, column_text (stmt, 5));
  flint_run_set_environment (run, column_text (stmt, 22));
  flint_run_state_from_string (column_text (stmt, 6), &state);
  flint_run_restore_state (run, state);
  flint_run_set_priority (run, CLAMP (sqlite3_column_int (stmt, 7), FLINT_RUN_PRIORITY_LOW, FLINT_RUN_PRIORITY_CRITICAL));
  flint_run_set_ui_url (run, column_text (stmt, 12));
  flint_run_set_external_id (run, column_text (stmt, 13));

  text = column_text (stmt, 14);
  if (text != NULL)
    {
      g_autoptr(JsonNode) data = json_from_string (text, NULL);

      if (data != NULL && JSON_NODE_HOLDS_OBJECT (data))
        flint_run_set_target_data (run, json_node_get_object (data));
    }

  flint_run_set_attempt (run, sqlite3_column_int (stmt, 15));
  flint_run_set_max_attempts (run, sqlite3_column_int (stmt, 16));
  flint_run_set_retry_backoff (run, sqlite3_column_int (stmt, 17));
  flint_run_set_timeout_minutes (run, sqlite3_column_int (stmt, 23));
  flint_run_set_message (run, column_text (stmt, 18));
  flint_run_set_run_dir (run, column_text (stmt, 19));
  flint_run_set_program_file (run, column_text (stmt, 20));

  text = column_text (stmt, 21);
  if (text != NULL)
    {
      g_autoptr(JsonNode) progress = json_from_string (text, NULL);

      flint_run_progress_from_json (run, progress);
    }

  flint_run_restore_times (run, sqlite3_column_int64 (stmt, 9), sqlite3_column_int64 (stmt, 10),
                           sqlite3_column_int64 (stmt, 11));

  return g_steal_pointer (&run);
}

static GPtrArray *
query_runs (FlintRunStore  *self,
            const char     *sql,
            const char     *text_arg,
            gint64          int_arg,
            GError        **error)
{
  g_autoptr(GPtrArray) runs = g_ptr_array_new_with_free_func (g_object_unref);
  sqlite3_stmt *stmt = NULL;
  int rc;

  if (sqlite3_prepare_v2 (self->db, sql, -1, &stmt, NULL) != SQLITE_OK)
    {
      sql_error (self, error, "prepare");
      return NULL;
    }
  if (text_arg != NULL)
    sqlite3_bind_text (stmt, 1, text_arg, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_int64 (stmt, 1, int_arg);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (runs, read_run (stmt));
  sqlite3_finalize (stmt);

  if (rc != SQLITE_DONE)
    {
      sql_error (self, error, "query");
      return NULL;
    }

  return g_steal_pointer (&runs);
}

FlintRun *
flint_run_store_lookup (FlintRunStore  *self,
                        const char     *id,
                        GError        **error)
{
  g_autoptr(GPtrArray) runs = NULL;
  g_autofree char *pattern = NULL;

  g_return_val_if_fail (FLINT_IS_RUN_STORE (self), NULL);
  g_return_val_if_fail (id != NULL, NULL);

  runs = query_runs (self, "SELECT " COLUMNS " FROM runs WHERE id = ?1", id, 0, error);
  if (runs == NULL)
    return NULL;

  if (runs->len == 0 && strlen (id) >= 4 && strspn (id, "0123456789abcdef-") == strlen (id))
    {
      g_clear_pointer (&runs, g_ptr_array_unref);
      pattern = g_strconcat (id, "%", NULL);
      runs = query_runs (self, "SELECT " COLUMNS " FROM runs WHERE id LIKE ?1 LIMIT 2", pattern, 0, error);
      if (runs == NULL)
        return NULL;
      if (runs->len > 1)
        {
          g_set_error (error, FLINT_RUN_STORE_ERROR, FLINT_RUN_STORE_ERROR_AMBIGUOUS,
                       _("Several runs start with %s; give more of the id"), id);
          return NULL;
        }
    }

  if (runs->len == 0)
    {
      g_set_error (error, FLINT_RUN_STORE_ERROR, FLINT_RUN_STORE_ERROR_NOT_FOUND,
                   _("There is no run %s"), id);
      return NULL;
    }

  return g_object_ref (g_ptr_array_index (runs, 0));
}

GPtrArray *
flint_run_store_list (FlintRunStore  *self,
                      guint           limit,
                      GError        **error)
{
  g_return_val_if_fail (FLINT_IS_RUN_STORE (self), NULL);

  return query_runs (self, "SELECT " COLUMNS " FROM runs ORDER BY created_at DESC, rowid DESC LIMIT ?1",
                     NULL, limit == 0 ? -1 : (gint64) limit, error);
}

GPtrArray *
flint_run_store_list_unfinished (FlintRunStore  *self,
                                 GError        **error)
{
  g_return_val_if_fail (FLINT_IS_RUN_STORE (self), NULL);

  return query_runs (self, "SELECT " COLUMNS " FROM runs WHERE state IN ('queued', 'submitting', 'running') "
                     "ORDER BY created_at, rowid LIMIT ?1", NULL, -1, error);
}

char *
flint_run_store_dup_owner (FlintRunStore *self,
                           const char    *run_id)
{
  sqlite3_stmt *stmt = NULL;
  char *owner = NULL;

  g_return_val_if_fail (FLINT_IS_RUN_STORE (self), NULL);

  if (sqlite3_prepare_v2 (self->db, "SELECT owner FROM runs WHERE id = ?1", -1, &stmt, NULL) != SQLITE_OK)
    return NULL;
  sqlite3_bind_text (stmt, 1, run_id, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    owner = g_strdup (column_text (stmt, 0));
  sqlite3_finalize (stmt);

  return owner;
}

static gboolean
owner_alive (const char *owner)
{
  guint64 pid;

  if (owner == NULL)
    return FALSE;
  pid = g_ascii_strtoull (owner, NULL, 10);
  if (pid == 0)
    return FALSE;
  return kill ((pid_t) pid, 0) == 0 || errno == EPERM;
}

/* Inside a BEGIN IMMEDIATE transaction: runs @sql (?1 the run, ?2 the owner) and commits,
 * or rolls back on failure. */
static gboolean
update_owner_and_commit (FlintRunStore  *self,
                         const char     *sql,
                         const char     *run_id,
                         const char     *owner,
                         GError        **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  sqlite3_prepare_v2 (self->db, sql, -1, &stmt, NULL);
  sqlite3_bind_text (stmt, 1, run_id, -1, SQLITE_TRANSIENT);
  bind_text (stmt, 2, owner);
  rc = sqlite3_step (stmt);
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    {
      sql_error (self, error, run_id);
      exec (self, "ROLLBACK", NULL);
      return FALSE;
    }

  return exec (self, "COMMIT", error);
}

static gboolean
set_owner (FlintRunStore  *self,
           const char     *run_id,
           const char     *owner,
           const char     *expect,
           gboolean        force_expect,
           GError        **error)
{
  g_autofree char *current = NULL;
  gboolean ok;

  if (!exec (self, "BEGIN IMMEDIATE", error))
    return FALSE;

  current = flint_run_store_dup_owner (self, run_id);
  if (force_expect)
    ok = g_strcmp0 (current, expect) == 0;
  else
    ok = current == NULL || g_strcmp0 (current, owner) == 0 || !owner_alive (current);

  if (!ok)
    return exec (self, "ROLLBACK", error) && FALSE;

  return update_owner_and_commit (self, "UPDATE runs SET owner = ?2 WHERE id = ?1", run_id, owner, error);
}

gboolean
flint_run_store_claim (FlintRunStore  *self,
                       const char     *run_id,
                       const char     *owner,
                       GError        **error)
{
  g_return_val_if_fail (FLINT_IS_RUN_STORE (self), FALSE);
  g_return_val_if_fail (run_id != NULL && owner != NULL, FALSE);

  return set_owner (self, run_id, owner, NULL, FALSE, error);
}

gboolean
flint_run_store_release (FlintRunStore  *self,
                         const char     *run_id,
                         const char     *owner,
                         GError        **error)
{
  g_return_val_if_fail (FLINT_IS_RUN_STORE (self), FALSE);
  g_return_val_if_fail (run_id != NULL && owner != NULL, FALSE);

  return set_owner (self, run_id, NULL, owner, TRUE, error);
}

gboolean
flint_run_store_claim_slot (FlintRunStore  *self,
                            const char     *run_id,
                            const char     *owner,
                            guint           max,
                            GError        **error)
{
  sqlite3_stmt *stmt = NULL;
  guint taken = 0;

  g_return_val_if_fail (FLINT_IS_RUN_STORE (self), FALSE);
  g_return_val_if_fail (run_id != NULL && owner != NULL, FALSE);

  /* Counting and taking in one write transaction: two processes never both see a free slot. */
  if (!exec (self, "BEGIN IMMEDIATE", error))
    return FALSE;

  sqlite3_prepare_v2 (self->db,
                      "SELECT owner FROM runs WHERE state IN ('submitting', 'running') AND id != ?1 "
                      "AND target_kind = (SELECT target_kind FROM runs WHERE id = ?1)", -1, &stmt, NULL);
  sqlite3_bind_text (stmt, 1, run_id, -1, SQLITE_TRANSIENT);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    /* A slot whose owner died is free again, as its run is for claim. */
    if (owner_alive (column_text (stmt, 0)))
      taken++;
  sqlite3_finalize (stmt);

  if (taken >= max)
    return exec (self, "ROLLBACK", error) && FALSE;

  return update_owner_and_commit (self, "UPDATE runs SET state = 'submitting', owner = ?2 WHERE id = ?1",
                                  run_id, owner, error);
}
