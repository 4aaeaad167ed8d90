/* flint-runner.c: the queue, retries, resume
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "flint-runtime"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <unistd.h>

#include "flint-codegen.h"
#include "flint-job-settings.h"
#include "flint-local-target.h"
#include "flint-paths.h"
#include "flint-runner.h"

typedef struct
{
  FlintRunner *runner;   /* weak: the entry lives in the runner's table */
  FlintRun    *run;
  FlintTarget *target;
  gulong       changed_id;
  guint        retry_id;
  gboolean     active;   /* handed to its target */
  gboolean     counted;  /* counts against the local limit */
  gboolean     timed_out; /* cancelled by the runner for job.timeout_minutes */
  guint        timeout_minutes; /* 0: none */
  gboolean     dirty;    /* changed since last written */
  FlintRunState written_state;
  GCancellable *cancellable;
} Entry;

struct _FlintRunner
{
  GObject        parent_instance;

  FlintRunStore *store;
  char          *owner;
  guint          max_concurrent;
  GHashTable    *targets;   /* name -> FlintTarget */
  GHashTable    *entries;   /* run id -> Entry */
  GPtrArray     *queue;     /* Entry, waiting for a slot */
  guint          n_counted;
  guint          dispatch_id;
  guint          timeout_check_id;
  guint          flush_id;
  guint          slot_poll_id;  /* looks at the store again while other processes hold the slots */
  FlintRunnerClock clock;
};

G_DEFINE_FINAL_TYPE (FlintRunner, flint_runner, G_TYPE_OBJECT)
G_DEFINE_QUARK (flint-runner-error-quark, flint_runner_error)

enum {
  RUN_ADDED,
  RUN_FINISHED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void schedule_dispatch (FlintRunner *self);
static void schedule_timeout_check (FlintRunner *self,
                                    guint        seconds);

static void
entry_free (Entry *entry)
{
  g_clear_handle_id (&entry->retry_id, g_source_remove);
  if (entry->cancellable != NULL)
    g_cancellable_cancel (entry->cancellable);
  g_clear_object (&entry->cancellable);
  g_clear_signal_handler (&entry->changed_id, entry->run);
  g_clear_object (&entry->run);
  g_clear_object (&entry->target);
  g_free (entry);
}

static void
write_run (FlintRunner *self,
           FlintRun    *run)
{
  g_autoptr(GError) error = NULL;

  if (!flint_run_store_update (self->store, run, &error))
    g_warning ("Cannot record run %s: %s", flint_run_get_id (run), error->message);
}

static gboolean
flush_changes (gpointer user_data)
{
  FlintRunner *self = user_data;
  GHashTableIter iter;
  gpointer value;

  self->flush_id = 0;
  g_hash_table_iter_init (&iter, self->entries);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      Entry *entry = value;

      if (entry->dirty)
        {
          entry->dirty = FALSE;
          write_run (self, entry->run);
        }
    }
  return G_SOURCE_REMOVE;
}

/* A change of state is written at once, so a crash loses no transition; progress and the
 * like are written once the change that caused them (one poll of the target) is over, so
 * a poll that updates many counters costs one write instead of one per counter. */
static void
run_changed (FlintRun    *run,
             FlintRunner *self)
{
  Entry *entry = g_hash_table_lookup (self->entries, flint_run_get_id (run));

  if (entry == NULL || entry->run != run || flint_run_get_state (run) != entry->written_state)
    {
      if (entry != NULL)
        {
          entry->dirty = FALSE;
          entry->written_state = flint_run_get_state (run);
        }
      write_run (self, run);
    }
  else
    {
      entry->dirty = TRUE;
      if (self->flush_id == 0)
        self->flush_id = g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, flush_changes, self, NULL);
    }
  if (flint_run_get_state (run) == FLINT_RUN_RUNNING && self->timeout_check_id == 0)
    schedule_timeout_check (self, 0);
}

static void
flint_runner_dispose (GObject *object)
{
  FlintRunner *self = FLINT_RUNNER (object);

  g_clear_handle_id (&self->dispatch_id, g_source_remove);
  g_clear_handle_id (&self->timeout_check_id, g_source_remove);
  g_clear_handle_id (&self->slot_poll_id, g_source_remove);
  if (self->entries != NULL)
    {
      GHashTableIter iter;
      gpointer key;

      /* Progress not yet written goes to the store before another process takes over. */
      if (self->flush_id != 0)
        {
          g_clear_handle_id (&self->flush_id, g_source_remove);
          flush_changes (self);
        }

      /* The runs go on without us; another process may take them over. */
      g_hash_table_iter_init (&iter, self->entries);
      while (g_hash_table_iter_next (&iter, &key, NULL))
        flint_run_store_release (self->store, key, self->owner, NULL);
    }
  g_clear_pointer (&self->queue, g_ptr_array_unref);
  g_clear_pointer (&self->entries, g_hash_table_unref);
  g_clear_pointer (&self->targets, g_hash_table_unref);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (flint_runner_parent_class)->dispose (object);
}

static void
flint_runner_finalize (GObject *object)
{
  FlintRunner *self = FLINT_RUNNER (object);

  g_free (self->owner);

  G_OBJECT_CLASS (flint_runner_parent_class)->finalize (object);
}

static void
flint_runner_class_init (FlintRunnerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = flint_runner_dispose;
  object_class->finalize = flint_runner_finalize;

  signals[RUN_ADDED] = g_signal_new ("run-added", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                     0, NULL, NULL, NULL, G_TYPE_NONE, 1, FLINT_TYPE_RUN);
  signals[RUN_FINISHED] = g_signal_new ("run-finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                        0, NULL, NULL, NULL, G_TYPE_NONE, 1, FLINT_TYPE_RUN);

  if (flint_target_lookup_kind ("local") == G_TYPE_INVALID)
    flint_target_register_kind ("local", FLINT_TYPE_LOCAL_TARGET);
}

static void
flint_runner_init (FlintRunner *self)
{
  g_autofree char *token = g_uuid_string_random ();

  self->owner = g_strdup_printf ("%d:%s", (int) getpid (), token);
  self->max_concurrent = 1;
  self->clock = g_get_real_time;
  self->targets = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->entries = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) entry_free);
  self->queue = g_ptr_array_new ();
}

FlintRunner *
flint_runner_new (FlintRunStore *store)
{
  FlintRunner *self;

  g_return_val_if_fail (FLINT_IS_RUN_STORE (store), NULL);

  self = g_object_new (FLINT_TYPE_RUNNER, NULL);
  self->store = g_object_ref (store);
  return self;
}

FlintRunStore *
flint_runner_get_store (FlintRunner *self)
{
  g_return_val_if_fail (FLINT_IS_RUNNER (self), NULL);

  return self->store;
}

void
flint_runner_set_max_concurrent (FlintRunner *self,
                                 guint        max_concurrent)
{
  g_return_if_fail (FLINT_IS_RUNNER (self));

  self->max_concurrent = MAX (max_concurrent, 1);
  schedule_dispatch (self);
}

guint
flint_runner_get_max_concurrent (FlintRunner *self)
{
  g_return_val_if_fail (FLINT_IS_RUNNER (self), 0);

  return self->max_concurrent;
}

void
flint_runner_add_target (FlintRunner *self,
                         FlintTarget *target)
{
  g_return_if_fail (FLINT_IS_RUNNER (self));
  g_return_if_fail (FLINT_IS_TARGET (target));

  g_hash_table_replace (self->targets, g_strdup (flint_target_get_name (target)), g_object_ref (target));
}

FlintTarget *
flint_runner_get_target (FlintRunner  *self,
                         FlintRun     *run,
                         GError      **error)
{
  const char *name = flint_run_get_target_name (run);
  FlintTarget *target = g_hash_table_lookup (self->targets, name ? name : "local");
  g_autoptr(JsonNode) config = NULL;

  if (target != NULL && g_strcmp0 (flint_target_get_kind (target), flint_run_get_target_kind (run)) == 0)
    return target;

  if (flint_run_get_target_config (run) != NULL)
    config = json_from_string (flint_run_get_target_config (run), NULL);
  if (config == NULL || !JSON_NODE_HOLDS_OBJECT (config))
    {
      g_clear_pointer (&config, json_node_unref);
      config = json_node_init_object (json_node_alloc (), json_object_new ());
      json_object_set_string_member (json_node_get_object (config), "kind",
                                     flint_run_get_target_kind (run) ? flint_run_get_target_kind (run) : "local");
    }

  target = flint_target_new_for_config (name ? name : "local", json_node_get_object (config), error);
  if (target == NULL)
    return NULL;
  g_hash_table_replace (self->targets, g_strdup (flint_target_get_name (target)), target);
  return target;
}

/* The queue {{{ */

static void
finish_entry (FlintRunner *self,
              Entry       *entry)
{
  g_autoptr(FlintRun) run = g_object_ref (entry->run);

  if (entry->counted)
    self->n_counted--;
  entry->counted = FALSE;
  entry->active = FALSE;
  g_ptr_array_remove (self->queue, entry);
  entry->dirty = FALSE;
  flint_run_store_update (self->store, run, NULL);
  flint_run_store_release (self->store, flint_run_get_id (run), self->owner, NULL);
  g_hash_table_remove (self->entries, flint_run_get_id (run));
  g_signal_emit (self, signals[RUN_FINISHED], 0, run);
  schedule_dispatch (self);
}

static gboolean
retry_due (gpointer user_data)
{
  Entry *entry = user_data;
  FlintRunner *self = entry->runner;

  entry->retry_id = 0;
  g_ptr_array_add (self->queue, entry);
  schedule_dispatch (self);
  return G_SOURCE_REMOVE;
}

/* The run ended on its target (or could not start): retry it, or let it go. */
static void
entry_ended (FlintRunner *self,
             Entry       *entry)
{
  FlintRun *run = entry->run;

  if (entry->timed_out)
    {
      /* The target reports the stop it was asked for as a cancel; the user did not cancel. */
      entry->timed_out = FALSE;
      flint_run_set_state (run, FLINT_RUN_FAILED);
      flint_run_set_message (run, g_object_get_data (G_OBJECT (run), "flint-timeout-message"));
    }

  /* A timed-out attempt is a failed attempt, retried while attempts remain (as Databricks
   * and Airflow do). */
  if (flint_run_get_state (run) == FLINT_RUN_FAILED &&
      flint_run_get_attempt (run) < flint_run_get_max_attempts (run))
    {
      guint backoff = flint_run_get_retry_backoff (run);
      g_autofree char *message = g_strdup_printf (_("Attempt %u failed (%s); retrying in %u s"),
                                                  flint_run_get_attempt (run),
                                                  flint_run_get_message (run) ? flint_run_get_message (run) : _("no message"),
                                                  backoff);

      if (entry->counted)
        self->n_counted--;
      entry->counted = FALSE;
      entry->active = FALSE;
      /* The timeout counts from the start of each attempt. */
      flint_run_restore_times (run, 0, 0, flint_run_get_updated_at (run));
      flint_run_set_attempt (run, flint_run_get_attempt (run) + 1);
      flint_run_set_message (run, message);
      flint_run_set_state (run, FLINT_RUN_QUEUED);
      entry->retry_id = g_timeout_add_seconds (backoff, retry_due, entry);
      schedule_dispatch (self);
      return;
    }

  finish_entry (self, entry);
}

static void
followed (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(FlintRun) run = user_data;
  g_autoptr(GError) error = NULL;
  FlintRunner *self;
  Entry *entry;

  flint_target_follow_finish (FLINT_TARGET (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return; /* the runner went away; the run goes on */

  self = g_object_get_data (G_OBJECT (run), "flint-runner");
  if (self == NULL || self->entries == NULL)
    return;
  entry = g_hash_table_lookup (self->entries, flint_run_get_id (run));
  if (entry == NULL)
    return;

  if (error != NULL && !flint_run_state_is_finished (flint_run_get_state (run)))
    {
      flint_run_set_message (run, error->message);
      flint_run_set_state (run, FLINT_RUN_LOST);
    }
  entry_ended (self, entry);
}

static void
follow_entry (FlintRunner *self,
              Entry       *entry)
{
  g_clear_object (&entry->cancellable);
  entry->cancellable = g_cancellable_new ();
  flint_target_follow_async (entry->target, entry->run, entry->cancellable, followed, g_object_ref (entry->run));
}

static void
submitted (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(FlintRun) run = user_data;
  g_autoptr(GError) error = NULL;
  FlintRunner *self;
  Entry *entry;
  gboolean ok;

  ok = flint_target_submit_finish (FLINT_TARGET (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self = g_object_get_data (G_OBJECT (run), "flint-runner");
  if (self == NULL || self->entries == NULL)
    return;
  entry = g_hash_table_lookup (self->entries, flint_run_get_id (run));
  if (entry == NULL)
    return;

  if (!ok)
    {
      flint_run_set_message (run, error->message);
      flint_run_set_state (run, FLINT_RUN_FAILED);
      entry_ended (self, entry);
      return;
    }

  follow_entry (self, entry);
}

static gint
compare_entries (gconstpointer a,
                 gconstpointer b)
{
  const Entry *ea = *(Entry **) a;
  const Entry *eb = *(Entry **) b;
  FlintRunPriority pa = flint_run_get_priority (ea->run);
  FlintRunPriority pb = flint_run_get_priority (eb->run);
  gint64 ca, cb;

  if (pa != pb)
    return pa > pb ? -1 : 1;
  ca = flint_run_get_created_at (ea->run);
  cb = flint_run_get_created_at (eb->run);
  return ca < cb ? -1 : ca > cb;
}

static gboolean
slot_poll (gpointer user_data)
{
  FlintRunner *self = user_data;

  self->slot_poll_id = 0;
  schedule_dispatch (self);
  return G_SOURCE_REMOVE;
}

/* FALSE: the entry waits, all local slots of the store are taken (by any process). */
static gboolean
start_entry (FlintRunner *self,
             Entry       *entry)
{
  g_autoptr(FlintRun) stored = NULL;
  g_autoptr(GError) error = NULL;

  /* Another process (flint-cli cancel) may have cancelled it while it waited. */
  stored = flint_run_store_lookup (self->store, flint_run_get_id (entry->run), NULL);
  if (stored != NULL && flint_run_get_state (stored) == FLINT_RUN_CANCELLED)
    {
      flint_run_set_message (entry->run, flint_run_get_message (stored));
      flint_run_set_state (entry->run, FLINT_RUN_CANCELLED);
      finish_entry (self, entry);
      return TRUE;
    }

  if (flint_target_get_flags (entry->target) & FLINT_TARGET_FLAGS_LOCAL)
    {
      if (!flint_run_store_claim_slot (self->store, flint_run_get_id (entry->run), self->owner,
                                       self->max_concurrent, &error))
        {
          if (error != NULL)
            g_warning ("Cannot take a slot for run %s: %s", flint_run_get_id (entry->run), error->message);
          /* Slots free in other processes without telling us: look again in a while. */
          if (self->slot_poll_id == 0)
            self->slot_poll_id = g_timeout_add_seconds (2, slot_poll, self);
          return FALSE;
        }
      entry->counted = TRUE;
      self->n_counted++;
    }
  g_clear_object (&entry->cancellable);
  entry->cancellable = g_cancellable_new ();
  /* Recorded as submitting before the target sends anything. */
  flint_run_set_state (entry->run, FLINT_RUN_SUBMITTING);
  entry->active = TRUE;
  flint_target_submit_async (entry->target, entry->run, entry->cancellable, submitted, g_object_ref (entry->run));
  return TRUE;
}

static gboolean
dispatch (gpointer user_data)
{
  FlintRunner *self = user_data;
  gboolean blocked = FALSE;

  self->dispatch_id = 0;
  g_ptr_array_sort (self->queue, compare_entries);

  for (guint i = 0; i < self->queue->len;)
    {
      Entry *entry = g_ptr_array_index (self->queue, i);
      gboolean local = (flint_target_get_flags (entry->target) & FLINT_TARGET_FLAGS_LOCAL) != 0;

      if (local && (blocked || self->n_counted >= self->max_concurrent))
        {
          i++;
          continue;
        }
      g_ptr_array_remove_index (self->queue, i);
      if (!start_entry (self, entry))
        {
          g_ptr_array_insert (self->queue, i, entry);
          blocked = TRUE;
          i++;
        }
    }

  return G_SOURCE_REMOVE;
}

static void
schedule_dispatch (FlintRunner *self)
{
  if (self->dispatch_id == 0 && self->queue != NULL)
    self->dispatch_id = g_idle_add (dispatch, self);
}

static void
time_out (FlintRunner *self,
          Entry       *entry)
{
  guint minutes = entry->timeout_minutes;
  g_autofree char *message = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Timed out after %u minute",
                                                           "Timed out after %u minutes", minutes),
                                              minutes);

  entry->timed_out = TRUE;
  g_object_set_data_full (G_OBJECT (entry->run), "flint-timeout-message", g_strdup (message), g_free);
  /* Recorded before the target is asked, so a crash meanwhile still says why. */
  flint_run_set_message (entry->run, message);
  entry->dirty = FALSE;
  write_run (self, entry->run);
  flint_target_cancel_async (entry->target, entry->run, NULL, NULL, NULL);
}

/* Measured from the recorded start time, so a restarted runner enforces the same deadline. */
static gboolean
check_timeouts (gpointer user_data)
{
  FlintRunner *self = user_data;
  gint64 now = self->clock ();
  gint64 next = G_MAXINT64;
  g_autoptr(GPtrArray) due = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer value;

  self->timeout_check_id = 0;
  g_hash_table_iter_init (&iter, self->entries);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      Entry *entry = value;
      gint64 started = flint_run_get_started_at (entry->run);
      gint64 deadline;

      if (!entry->active || entry->timed_out || entry->timeout_minutes == 0 || started == 0 ||
          flint_run_get_state (entry->run) != FLINT_RUN_RUNNING)
        continue;
      deadline = started + (gint64) entry->timeout_minutes * 60 * G_USEC_PER_SEC;
      if (now >= deadline)
        g_ptr_array_add (due, entry);
      else
        next = MIN (next, deadline);
    }

  for (guint i = 0; i < due->len; i++)
    time_out (self, g_ptr_array_index (due, i));

  if (next != G_MAXINT64 && self->timeout_check_id == 0)
    schedule_timeout_check (self, (guint) CLAMP ((next - now) / G_USEC_PER_SEC + 1, 1, 60));
  return G_SOURCE_REMOVE;
}

static void
schedule_timeout_check (FlintRunner *self,
                        guint        seconds)
{
  g_clear_handle_id (&self->timeout_check_id, g_source_remove);
  if (self->entries == NULL)
    return;
  self->timeout_check_id = seconds == 0 ? g_idle_add (check_timeouts, self)
                                        : g_timeout_add_seconds (seconds, check_timeouts, self);
}

static Entry *
add_entry (FlintRunner  *self,
           FlintRun     *run,
           GError      **error)
{
  FlintTarget *target = flint_runner_get_target (self, run, error);
  Entry *entry;

  if (target == NULL)
    return NULL;

  entry = g_new0 (Entry, 1);
  entry->runner = self;
  entry->run = g_object_ref (run);
  entry->target = g_object_ref (target);
  entry->written_state = flint_run_get_state (run);
  entry->timeout_minutes = flint_run_get_timeout_minutes (run);
  entry->changed_id = g_signal_connect (run, "changed", G_CALLBACK (run_changed), self);
  g_object_set_data (G_OBJECT (run), "flint-runner", self);
  g_hash_table_replace (self->entries, g_strdup (flint_run_get_id (run)), entry);
  return entry;
}

/* }}} */

gboolean
flint_runner_enqueue (FlintRunner  *self,
                      FlintRun     *run,
                      const char   *program,
                      GError      **error)
{
  Entry *entry;

  g_return_val_if_fail (FLINT_IS_RUNNER (self), FALSE);
  g_return_val_if_fail (FLINT_IS_RUN (run), FALSE);

  if (flint_run_get_run_dir (run) == NULL)
    {
      g_autofree char *sub = g_build_filename ("runs", flint_run_get_id (run), NULL);
      g_autofree char *dir = flint_paths_ensure_dir (FLINT_PATH_CACHE, sub, error);

      if (dir == NULL)
        return FALSE;
      flint_run_set_run_dir (run, dir);
    }

  if (program != NULL && flint_run_get_program_file (run) == NULL)
    {
      g_autofree char *path = g_build_filename (flint_run_get_run_dir (run), "program.py", NULL);

      if (!g_file_set_contents_full (path, program, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0600, error))
        return FALSE;
      flint_run_set_program_file (run, path);
    }

  flint_run_restore_state (run, FLINT_RUN_QUEUED);
  if (!flint_run_store_insert (self->store, run, error) ||
      !flint_run_store_claim (self->store, flint_run_get_id (run), self->owner, error))
    return FALSE;

  entry = add_entry (self, run, error);
  if (entry == NULL)
    {
      flint_run_set_message (run, (*error)->message);
      flint_run_set_state (run, FLINT_RUN_FAILED);
      flint_run_store_update (self->store, run, NULL);
      return FALSE;
    }

  g_ptr_array_add (self->queue, entry);
  g_signal_emit (self, signals[RUN_ADDED], 0, run);
  schedule_dispatch (self);
  return TRUE;
}

/* Job settings of environment @env over the job's own, merged as an export merges them.
 * Whole top-level settings: a key below them may hold dots (conf: spark.sql.…). */
static void
apply_settings (FlintPipeline *pipeline,
                JsonObject    *settings)
{
  g_autoptr(GList) names = json_object_get_members (settings);

  for (const GList *l = names; l; l = l->next)
    {
      JsonNode *value = json_object_get_member (settings, l->data);
      JsonNode *current = flint_pipeline_get_job_setting (pipeline, l->data);

      if (JSON_NODE_HOLDS_OBJECT (value) && current != NULL && JSON_NODE_HOLDS_OBJECT (current))
        {
          JsonNode *merged = json_node_copy (current);

          flint_job_settings_merge (json_node_get_object (merged), json_node_get_object (value));
          flint_pipeline_take_job_setting (pipeline, l->data, merged);
        }
      else
        flint_pipeline_take_job_setting (pipeline, l->data, json_node_copy (value));
    }
}

/* The run of @pipeline with its program written, queued when @enqueue. Without it, this
 * touches nothing of the runner (safe in a thread on a pipeline no one else uses). */
static FlintRun *
prepare_run (FlintRunner       *self,
             FlintPipeline     *pipeline,
             const char        *pipeline_file,
             const char        *target_name,
             const char        *env,
             FlintRunPriority   priority,
             gboolean           enqueue,
             GError           **error)
{
  g_autoptr(FlintGeneratedCode) code = NULL;
  g_autoptr(FlintRun) run = NULL;
  g_autoptr(JsonNode) config = NULL;
  g_autofree char *config_text = NULL;
  g_autofree char *absolute = NULL;
  JsonNode *targets, *target, *setting;
  GListModel *nodes;
  const char *kind;

  g_return_val_if_fail (FLINT_IS_RUNNER (self), NULL);
  g_return_val_if_fail (FLINT_IS_PIPELINE (pipeline), NULL);

  if (env != NULL)
    {
      g_autofree char *path = g_strconcat ("environments.", env, NULL);
      JsonNode *settings = flint_pipeline_get_job_setting (pipeline, path);

      if (settings == NULL || !JSON_NODE_HOLDS_OBJECT (settings))
        {
          g_set_error (error, FLINT_RUNNER_ERROR, FLINT_RUNNER_ERROR_NO_ENV,
                       _("The pipeline has no environment “%s”"), env);
          return NULL;
        }
      settings = json_node_copy (settings);
      apply_settings (pipeline, json_node_get_object (settings));
      json_node_unref (settings);
    }

  targets = flint_pipeline_get_job_setting (pipeline, "targets");
  target = NULL;
  if (targets != NULL && JSON_NODE_HOLDS_OBJECT (targets))
    target = json_object_get_member (json_node_get_object (targets), target_name ? target_name : "local");

  if (target == NULL && target_name != NULL && !g_str_equal (target_name, "local"))
    {
      g_autoptr(GList) names = targets && JSON_NODE_HOLDS_OBJECT (targets)
                               ? json_object_get_members (json_node_get_object (targets)) : NULL;
      g_autoptr(GString) known = g_string_new (NULL);

      for (const GList *l = names; l; l = l->next)
        g_string_append_printf (known, "%s%s", known->len ? ", " : "", (const char *) l->data);
      g_set_error (error, FLINT_RUNNER_ERROR, FLINT_RUNNER_ERROR_NO_TARGET,
                   _("The pipeline has no target “%s” (it has: %s)"), target_name,
                   known->len ? known->str : _("none"));
      return NULL;
    }

  if (target != NULL && JSON_NODE_HOLDS_OBJECT (target))
    config = json_node_copy (target);
  else
    {
      config = json_node_init_object (json_node_alloc (), json_object_new ());
      json_object_set_string_member (json_node_get_object (config), "kind", "local");
    }
  kind = json_object_get_string_member_with_default (json_node_get_object (config), "kind", "local");

  code = flint_codegen_generate (pipeline, FLINT_LANGUAGE_PYTHON, FALSE, error);
  if (code == NULL)
    return NULL;

  run = flint_run_new (flint_pipeline_get_name (pipeline), target_name ? target_name : "local", kind);
  if (pipeline_file != NULL)
    {
      absolute = g_canonicalize_filename (pipeline_file, NULL);
      flint_run_set_pipeline_file (run, absolute);
    }
  config_text = json_to_string (config, FALSE);
  flint_run_set_target_config (run, config_text);
  flint_run_set_environment (run, env);
  flint_run_set_priority (run, priority);

  setting = flint_pipeline_get_job_setting (pipeline, "retries");
  if (setting != NULL && JSON_NODE_HOLDS_VALUE (setting))
    flint_run_set_max_attempts (run, 1 + (guint) CLAMP (json_node_get_int (setting), 0, 100));
  setting = flint_pipeline_get_job_setting (pipeline, "retry_backoff_seconds");
  if (setting != NULL && JSON_NODE_HOLDS_VALUE (setting))
    flint_run_set_retry_backoff (run, (guint) CLAMP (json_node_get_int (setting), 0, 86400));
  setting = flint_pipeline_get_job_setting (pipeline, "timeout_minutes");
  if (setting != NULL && JSON_NODE_HOLDS_VALUE (setting) && json_node_get_int (setting) > 0)
    flint_run_set_timeout_minutes (run, (guint) MIN (json_node_get_int (setting), G_MAXINT32));

  /* Sinks carry the job descriptions: they are the nodes progress is reported for. */
  nodes = flint_pipeline_get_nodes (pipeline);
  for (guint i = 0; i < g_list_model_get_n_items (nodes); i++)
    {
      g_autoptr(FlintNode) node = g_list_model_get_item (nodes, i);
      const FlintNodeKind *node_kind = flint_node_get_kind (node);

      if (node_kind != NULL && node_kind->category == FLINT_NODE_CATEGORY_SINK)
        flint_run_declare_node (run, flint_node_get_id (node),
                                flint_node_get_label (node) ? flint_node_get_label (node) : flint_node_get_id (node));
    }

  {
    g_autofree char *sub = g_build_filename ("runs", flint_run_get_id (run), NULL);
    g_autofree char *dir = flint_paths_ensure_dir (FLINT_PATH_CACHE, sub, error);
    g_autofree char *path = NULL;

    if (dir == NULL)
      return NULL;
    path = g_build_filename (dir, flint_generated_code_get_filename (code), NULL);
    if (!g_file_set_contents_full (path, flint_generated_code_get_text (code), -1,
                                   G_FILE_SET_CONTENTS_CONSISTENT, 0600, error))
      return NULL;
    flint_run_set_run_dir (run, dir);
    flint_run_set_program_file (run, path);
  }

  if (!enqueue)
    return g_steal_pointer (&run);
  if (!flint_runner_enqueue (self, run, NULL, error))
    return NULL;

  return run;
}

FlintRun *
flint_runner_submit_pipeline (FlintRunner       *self,
                              FlintPipeline     *pipeline,
                              const char        *pipeline_file,
                              const char        *target_name,
                              const char        *env,
                              FlintRunPriority   priority,
                              GError           **error)
{
  return prepare_run (self, pipeline, pipeline_file, target_name, env, priority, TRUE, error);
}

typedef struct
{
  FlintCatalog     *catalog;
  char             *yaml;
  gsize             length;
  char             *pipeline_file;
  char             *target_name;
  char             *env;
  FlintRunPriority  priority;
} SubmitData;

static void
submit_data_free (SubmitData *data)
{
  g_clear_object (&data->catalog);
  g_free (data->yaml);
  g_free (data->pipeline_file);
  g_free (data->target_name);
  g_free (data->env);
  g_free (data);
}

/* In a thread: generation and the program file, on a copy of the document. */
static void
submit_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  SubmitData *data = task_data;
  g_autoptr(FlintPipeline) snapshot = NULL;
  GError *error = NULL;
  FlintRun *run;

  snapshot = flint_pipeline_load_from_data (data->catalog, data->yaml, data->length, &error);
  if (snapshot == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (g_task_return_error_if_cancelled (task))
    return;
  run = prepare_run (source_object, snapshot, data->pipeline_file, data->target_name, data->env,
                     data->priority, FALSE, &error);
  if (run == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, run, g_object_unref);
}

void
flint_runner_submit_pipeline_async (FlintRunner         *self,
                                    FlintPipeline       *pipeline,
                                    const char          *pipeline_file,
                                    const char          *target_name,
                                    const char          *env,
                                    FlintRunPriority     priority,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  SubmitData *data;

  g_return_if_fail (FLINT_IS_RUNNER (self));
  g_return_if_fail (FLINT_IS_PIPELINE (pipeline));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, flint_runner_submit_pipeline_async);
  data = g_new0 (SubmitData, 1);
  /* The document as it is now: later edits do not reach this run. */
  data->catalog = g_object_ref (flint_pipeline_get_catalog (pipeline));
  data->yaml = flint_pipeline_to_yaml (pipeline, &data->length);
  data->pipeline_file = g_strdup (pipeline_file);
  data->target_name = g_strdup (target_name);
  data->env = g_strdup (env);
  data->priority = priority;
  g_task_set_task_data (task, data, (GDestroyNotify) submit_data_free);
  g_task_run_in_thread (task, submit_thread);
}

FlintRun *
flint_runner_submit_pipeline_finish (FlintRunner   *self,
                                     GAsyncResult  *result,
                                     GError       **error)
{
  g_autoptr(FlintRun) run = NULL;

  g_return_val_if_fail (FLINT_IS_RUNNER (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  run = g_task_propagate_pointer (G_TASK (result), error);
  if (run == NULL)
    return NULL;
  /* Recorded and queued here, on the runner's thread, unless cancelled meanwhile. */
  if (g_cancellable_set_error_if_cancelled (g_task_get_cancellable (G_TASK (result)), error))
    return NULL;
  if (!flint_runner_enqueue (self, run, NULL, error))
    return NULL;

  return g_steal_pointer (&run);
}

gboolean
flint_runner_cancel (FlintRunner  *self,
                     const char   *run_id,
                     GError      **error)
{
  g_autoptr(FlintRun) stored = NULL;
  FlintTarget *target;
  Entry *entry;

  g_return_val_if_fail (FLINT_IS_RUNNER (self), FALSE);
  g_return_val_if_fail (run_id != NULL, FALSE);

  entry = g_hash_table_lookup (self->entries, run_id);
  if (entry != NULL)
    {
      if (!entry->active)
        {
          /* Queued, or waiting for a retry: it never reaches the target (again). */
          g_clear_handle_id (&entry->retry_id, g_source_remove);
          flint_run_set_message (entry->run, _("Cancelled before it started"));
          flint_run_set_state (entry->run, FLINT_RUN_CANCELLED);
          finish_entry (self, entry);
          return TRUE;
        }
      flint_target_cancel_async (entry->target, entry->run, NULL, NULL, NULL);
      return TRUE;
    }

  /* A run another process follows, or nobody does. */
  stored = flint_run_store_lookup (self->store, run_id, error);
  if (stored == NULL)
    return FALSE;
  if (flint_run_state_is_finished (flint_run_get_state (stored)))
    {
      g_set_error (error, FLINT_RUNNER_ERROR, FLINT_RUNNER_ERROR_FINISHED,
                   _("Run %s already ended (%s)"), flint_run_get_id (stored),
                   flint_run_state_to_string (flint_run_get_state (stored)));
      return FALSE;
    }
  if (flint_run_get_state (stored) == FLINT_RUN_QUEUED)
    {
      flint_run_set_message (stored, _("Cancelled before it started"));
      flint_run_set_state (stored, FLINT_RUN_CANCELLED);
      return flint_run_store_update (self->store, stored, error);
    }

  target = flint_runner_get_target (self, stored, error);
  if (target == NULL)
    return FALSE;
  flint_target_cancel_async (target, stored, NULL, NULL, NULL);
  return TRUE;
}

guint
flint_runner_resume (FlintRunner *self)
{
  g_autoptr(GPtrArray) runs = NULL;
  g_autoptr(GError) error = NULL;
  guint resumed = 0;

  g_return_val_if_fail (FLINT_IS_RUNNER (self), 0);

  runs = flint_run_store_list_unfinished (self->store, &error);
  if (runs == NULL)
    {
      g_warning ("Cannot read the run store: %s", error->message);
      return 0;
    }

  for (guint i = 0; i < runs->len; i++)
    {
      FlintRun *run = g_ptr_array_index (runs, i);
      g_autoptr(GError) local_error = NULL;
      Entry *entry;

      if (g_hash_table_contains (self->entries, flint_run_get_id (run)) ||
          !flint_run_store_claim (self->store, flint_run_get_id (run), self->owner, NULL))
        continue;

      entry = add_entry (self, run, &local_error);
      if (entry == NULL)
        {
          flint_run_set_message (run, local_error->message);
          flint_run_set_state (run, FLINT_RUN_LOST);
          flint_run_store_update (self->store, run, NULL);
          flint_run_store_release (self->store, flint_run_get_id (run), self->owner, NULL);
          continue;
        }

      resumed++;
      g_signal_emit (self, signals[RUN_ADDED], 0, run);
      if (flint_run_get_state (run) == FLINT_RUN_QUEUED)
        {
          g_ptr_array_add (self->queue, entry);
          continue;
        }

      entry->active = TRUE;
      if (flint_target_get_flags (entry->target) & FLINT_TARGET_FLAGS_LOCAL)
        {
          entry->counted = TRUE;
          self->n_counted++;
        }
      follow_entry (self, entry);
    }

  schedule_dispatch (self);
  return resumed;
}

static void
refreshed (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FlintRunner *self = g_task_get_source_object (task);
  FlintRun *run = g_task_get_task_data (task);
  GError *error = NULL;

  flint_target_refresh_finish (FLINT_TARGET (source), result, &error);
  flint_run_store_update (self->store, run, NULL);
  flint_run_store_release (self->store, flint_run_get_id (run), self->owner, NULL);
  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

void
flint_runner_refresh_async (FlintRunner         *self,
                            FlintRun            *run,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  GError *error = NULL;
  FlintTarget *target;

  g_task_set_task_data (task, g_object_ref (run), g_object_unref);

  if (flint_run_state_is_finished (flint_run_get_state (run)) ||
      !flint_run_store_claim (self->store, flint_run_get_id (run), self->owner, NULL))
    {
      /* Finished, or a live process follows it and keeps the store up to date. */
      g_task_return_boolean (task, TRUE);
      return;
    }
  if (flint_run_get_state (run) == FLINT_RUN_QUEUED)
    {
      flint_run_store_release (self->store, flint_run_get_id (run), self->owner, NULL);
      g_task_return_boolean (task, TRUE);
      return;
    }
  target = flint_runner_get_target (self, run, &error);
  if (target == NULL)
    {
      flint_run_store_release (self->store, flint_run_get_id (run), self->owner, NULL);
      g_task_return_error (task, error);
      return;
    }
  flint_target_refresh_async (target, run, cancellable, refreshed, g_steal_pointer (&task));
}

gboolean
flint_runner_refresh_finish (FlintRunner   *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

void
flint_runner_set_clock (FlintRunner      *self,
                        FlintRunnerClock  clock)
{
  g_return_if_fail (FLINT_IS_RUNNER (self));

  self->clock = clock != NULL ? clock : g_get_real_time;
  schedule_timeout_check (self, 0);
}

FlintRun *
flint_runner_lookup (FlintRunner *self,
                     const char  *run_id)
{
  Entry *entry;

  g_return_val_if_fail (FLINT_IS_RUNNER (self), NULL);

  entry = g_hash_table_lookup (self->entries, run_id);
  return entry ? entry->run : NULL;
}

guint
flint_runner_get_n_queued (FlintRunner *self)
{
  GHashTableIter iter;
  gpointer value;
  guint n = 0;

  g_return_val_if_fail (FLINT_IS_RUNNER (self), 0);

  g_hash_table_iter_init (&iter, self->entries);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (!((Entry *) value)->active)
      n++;
  return n;
}

guint
flint_runner_get_n_active (FlintRunner *self)
{
  GHashTableIter iter;
  gpointer value;
  guint n = 0;

  g_return_val_if_fail (FLINT_IS_RUNNER (self), 0);

  g_hash_table_iter_init (&iter, self->entries);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (((Entry *) value)->active)
      n++;
  return n;
}
